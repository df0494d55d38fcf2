import { describe, expect, it } from 'vitest';
import { TcpDirection } from '../src/tcp/reassembly.js';
import { seqAdd, seqDiff } from '../src/tcp/segment.js';

type Seg = [seq: number, data: string];

/** Feeds segments to one direction that began with a SYN at `isn`, and lists what came out. */
function run(isn: number, segs: readonly Seg[], flush = false): { out: string[]; flags: string[] } {
  const d = new TcpDirection(1000);
  d.syn(isn);
  const out: string[] = [];
  const flags: string[] = [];
  segs.forEach(([seq, data], i) => {
    const r = d.accept(seq >>> 0, Buffer.from(data), i + 1, 0);
    for (const c of r.chunks) out.push(c.kind === 'gap' ? `<gap ${c.length}>` : `${c.data.toString()}@${c.packet}`);
    flags.push(r.retransmission ? 'retrans' : r.outOfOrder ? 'ooo' : r.keepAlive ? 'keepalive' : '-');
  });
  if (flush) for (const c of d.flush()) out.push(c.kind === 'gap' ? `<gap ${c.length}>` : `${c.data.toString()}@${c.packet}`);
  return { out, flags };
}

describe('sequence arithmetic', () => {
  it('is wrap-safe', () => {
    expect(seqDiff(5, 0xfffffffe)).toBe(7);
    expect(seqDiff(0xfffffffe, 5)).toBe(-7);
    expect(seqAdd(0xffffffff, 2)).toBe(1);
  });
});

describe('TCP reassembly', () => {
  it.each<{ name: string; isn: number; segs: Seg[]; out: string[]; flags: string[]; flush?: boolean }>([
    { name: 'delivers in-order data', isn: 99, segs: [[100, 'abc'], [103, 'def']], out: ['abc@1', 'def@2'], flags: ['-', '-'] },
    { name: 'drops an exact retransmission', isn: 99, segs: [[100, 'abc'], [100, 'abc'], [103, 'd']], out: ['abc@1', 'd@3'], flags: ['-', 'retrans', '-'] },
    { name: 'delivers only the new part of an overlapping segment', isn: 99, segs: [[100, 'abc'], [101, 'bcdef']], out: ['abc@1', 'def@2'], flags: ['-', '-'] },
    { name: 'holds out-of-order data until the hole fills', isn: 99, segs: [[103, 'def'], [100, 'abc'], [106, 'g']], out: ['abc@2', 'def@1', 'g@3'], flags: ['ooo', '-', '-'] },
    { name: 'crosses the 2^32 wrap', isn: 0xfffffffd, segs: [[0xfffffffe, 'ab'], [0, 'cd'], [2, 'e']], out: ['ab@1', 'cd@2', 'e@3'], flags: ['-', '-', '-'] },
    { name: 'recognises a keep-alive probe', isn: 99, segs: [[100, 'abc'], [102, 'c']], out: ['abc@1'], flags: ['-', 'keepalive'] },
    { name: 'gives up a hole that never fills at the end', isn: 99, segs: [[100, 'ab'], [105, 'xyz']], out: ['ab@1', '<gap 3>', 'xyz@2'], flags: ['-', 'ooo'], flush: true },
  ])('$name', ({ isn, segs, out, flags, flush }) => {
    const r = run(isn, segs, flush);
    expect(r.out).toEqual(out);
    expect(r.flags).toEqual(flags);
  });

  it('declares a gap when held bytes pass the limit', () => {
    const d = new TcpDirection(4);
    d.syn(0);
    expect(d.accept(10, Buffer.from('abc'), 1, 0).chunks).toEqual([]);
    const r = d.accept(13, Buffer.from('de'), 2, 0);
    expect(r.chunks.map((c) => (c.kind === 'gap' ? c.length : c.data.toString()))).toEqual([9, 'abc', 'de']);
  });

  it('starts mid-stream at the first data seen when no SYN was captured', () => {
    const d = new TcpDirection();
    const r = d.accept(123456, Buffer.from('xy'), 1, 0);
    expect(r.chunks.map((c) => (c.kind === 'data' ? c.data.toString() : 'gap'))).toEqual(['xy']);
  });
});
