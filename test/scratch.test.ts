// The reused buffer of the byte-by-byte views: grown as asked, let go after a large use.
import { describe, expect, it } from 'vitest';
import { putBytes, Scratch } from '../src/util/scratch.js';

describe('Scratch', () => {
  it('gives a buffer at least as long as asked, the same one while it is long enough', () => {
    const s = new Scratch(16);
    const a = s.room(10);
    expect(a.length).toBe(16);
    expect(s.room(16)).toBe(a);
    const b = s.room(17);
    expect(b.length).toBeGreaterThanOrEqual(32);
    expect(s.room(5)).toBe(b);
  });

  it('keeps a buffer grown past a megabyte while uses stay large, and lets it go at the next small one', () => {
    const s = new Scratch(16);
    const big = s.room(3 * 1024 * 1024);
    expect(s.room(2 * 1024 * 1024)).toBe(big);
    const small = s.room(100);
    expect(small).not.toBe(big);
    expect(small.length).toBeLessThanOrEqual(1024 * 1024);
  });

  it('gives a DataView of the buffer room() last gave', () => {
    const s = new Scratch(16);
    const a = s.room(8);
    s.view().setUint32(0, 0x20202020);
    expect(a.subarray(0, 4).toString('latin1')).toBe('    ');
    const b = s.room(100);
    s.view().setUint32(96, 0x41424344);
    expect(b.subarray(96, 100).toString('latin1')).toBe('ABCD');
  });
});

describe('putBytes', () => {
  it('copies a piece of any length where it is asked, and says where the copy ends', () => {
    for (const n of [0, 1, 63, 64, 65, 1000]) {
      const src = Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + 1) & 0xff));
      const dst = Buffer.alloc(n + 10, 0xee);
      expect(putBytes(dst, 3, src)).toBe(3 + n);
      expect(dst.subarray(3, 3 + n).equals(src)).toBe(true);
      expect([...dst.subarray(0, 3), ...dst.subarray(3 + n)].every((b) => b === 0xee)).toBe(true);
    }
  });
});
