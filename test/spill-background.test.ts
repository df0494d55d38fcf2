// The spill file's background writes (util/list.ts), with fs.write held
// until the test lets each one land — whole, short, failing, in any order —
// so that bytes really are in flight (not yet in the file) when they are
// read, when the lists let go of everything, and when the file is closed.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

interface HeldWrite {
  fd: number;
  buf: Buffer;
  offset: number;
  length: number;
  position: number;
  callback: (err: Error | null, n: number) => void;
}

const ctl = vi.hoisted(() => ({ held: false, writes: [] as HeldWrite[], throwNext: false, failSync: false, realWriteSync: null as null | ((fd: number, buf: Buffer, offset: number, length: number, position: number) => number) }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  ctl.realWriteSync = fs.writeSync as typeof ctl.realWriteSync;
  const write = (fd: number, buf: Buffer, offset: number, length: number, position: number, callback: HeldWrite['callback']): void => {
    if (ctl.throwNext) {
      ctl.throwNext = false;
      throw new TypeError('The "fd" argument is invalid');
    }
    if (!ctl.held) return void fs.write(fd, buf, offset, length, position, callback);
    ctl.writes.push({ fd, buf, offset, length, position, callback });
  };
  const writeSync = (...args: unknown[]): number => {
    if (ctl.failSync) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    return (fs.writeSync as (...a: unknown[]) => number)(...args);
  };
  return { ...fs, write, writeSync, default: { ...fs, write, writeSync } };
});

const { SpillFile, SpillList } = await import('../src/util/list.js');

const ROOT = mkdtempSync(join(tmpdir(), 'wsdissect-spill-background-'));
afterAll(() => rmSync(ROOT, { recursive: true }));
afterEach(() => {
  ctl.held = false;
  ctl.writes = [];
  ctl.throwNext = false;
  ctl.failSync = false;
});

/** Lets held write k land: whole, half of it (the file then writes the rest), or failing. */
function land(k: number, how: 'whole' | 'short' | 'fail' = 'whole'): void {
  const [w] = ctl.writes.splice(k, 1);
  if (!w) throw new Error(`no write ${k} held`);
  if (how === 'fail') return w.callback(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), 0);
  const length = how === 'short' ? Math.max(1, Math.floor(w.length / 2)) : w.length;
  w.callback(null, ctl.realWriteSync!(w.fd, w.buf, w.offset, length, w.position));
}

function landAll(): void {
  while (ctl.writes.length > 0) land(ctl.writes.length - 1);
}

const openFds = (): number => readdirSync('/proc/self/fd').length;
type Item = { n: number; s: string };
const item = (n: number): Item => ({ n, s: `item ${n} `.repeat(1 + (Math.abs(n) % 5)) });
const same = (list: { [Symbol.iterator](): Iterator<Item> }, want: Item[]): boolean => {
  const got = [...(list as Iterable<Item>)];
  return got.length === want.length && got.every((x, k) => x.n === want[k]!.n && x.s === want[k]!.s);
};
const fresh = (told: string[] = []) => new SpillFile(mkdtempSync(join(ROOT, 'run-')), 4, (reason) => told.push(reason), 300);

describe('the spill file with writes in flight', () => {
  it('reads bytes not yet in the file from memory, then from the file once they land (whole or short, in any order)', () => {
    ctl.held = true;
    const file = fresh();
    const list = new SpillList<Item>(file);
    const want = Array.from({ length: 600 }, (_, n) => item(n));
    for (const x of want) list.push(x);
    // two writes held, the rest made on the spot
    expect(file.inFlight).toBe(2);
    expect(ctl.writes).toHaveLength(2);
    expect(same(list, want)).toBe(true);
    land(1, 'short');
    land(0);
    expect(same(list, want)).toBe(true);
    // the short write's rest
    expect(ctl.writes).toHaveLength(1);
    landAll();
    expect(file.inFlight).toBe(0);
    expect(same(list, want)).toBe(true);
    for (const k of [599, 0, 300, 7]) expect(list.at(k)).toEqual(want[k]);
    expect(file.failed).toBeNull();
    file.close();
  });

  it('closes a file let go with writes in flight when they land; the next writes go to a new file', () => {
    ctl.held = true;
    const before = openFds();
    const file = fresh();
    const a = new SpillList<Item>(file);
    for (let n = 0; n < 300; n++) a.push(item(n));
    expect(file.inFlight).toBe(2);
    a.release();
    file.close();
    // still open: a write landing later would otherwise go to whatever file next took the number
    expect(openFds()).toBe(before + 1);
    const b = new SpillList<Item>(file);
    const want = Array.from({ length: 300 }, (_, n) => item(-n));
    for (const x of want) b.push(x);
    expect(openFds()).toBe(before + 2);
    landAll();
    expect(openFds()).toBe(before + 1);
    expect(same(b, want)).toBe(true);
    file.close();
    expect(openFds()).toBe(before);
  });

  it('starts a new file when everything is let go with writes in flight: dead bytes never pile up', () => {
    ctl.held = true;
    const before = openFds();
    const file = fresh();
    let largest = 0;
    let list = new SpillList<Item>(file);
    for (let cycle = 0; cycle < 30; cycle++) {
      for (let n = 0; n < 200; n++) list.push(item(n));
      largest = Math.max(largest, file.size);
      expect(file.inFlight).toBeGreaterThan(0);
      list.release();
      expect(file.size).toBe(0);
      // the next list writes (other items) before the old writes land
      list = new SpillList<Item>(file);
      const want = Array.from({ length: 40 }, (_, n) => item(-1 - n - 40 * cycle));
      for (const x of want) list.push(x);
      landAll();
      expect(same(list, want)).toBe(true);
    }
    // one cycle's bytes at most, not thirty
    expect(largest).toBeLessThan(2 * 200 * 60);
    list.release();
    file.close();
    expect(openFds()).toBe(before);
  });

  it('keeps the bytes of a write that throws on the spot, tells it once, and closes the file', async () => {
    const told: string[] = [];
    const before = openFds();
    const file = fresh(told);
    const list = new SpillList<Item>(file);
    for (let n = 0; n < 100; n++) list.push(item(n));
    while (file.inFlight > 0) await new Promise((r) => setImmediate(r));
    ctl.throwNext = true;
    for (let n = 100; n < 400; n++) list.push(item(n));
    expect(told).toEqual(['The "fd" argument is invalid']);
    expect(file.inFlight).toBe(0);
    expect(same(list, Array.from({ length: 400 }, (_, n) => item(n)))).toBe(true);
    file.close();
    expect(openFds()).toBe(before);
  });

  it('keeps the bytes of the write made on the spot (two in flight) when it fails, and of those in flight', () => {
    ctl.held = true;
    const told: string[] = [];
    const file = fresh(told);
    const list = new SpillList<Item>(file);
    for (let n = 0; n < 60; n++) list.push(item(n));
    expect(file.inFlight).toBe(2);
    ctl.failSync = true;
    for (let n = 60; n < 200; n++) list.push(item(n));
    expect(told).toEqual(['ENOSPC: no space left on device, write']);
    ctl.failSync = false;
    // one held write lands, the other fails late (already told)
    land(0);
    land(0, 'fail');
    expect(told).toHaveLength(1);
    expect(file.inFlight).toBe(0);
    const want = Array.from({ length: 200 }, (_, n) => item(n));
    expect(same(list, want)).toBe(true);
    for (const k of [199, 0, 100, 61]) expect(list.at(k)).toEqual(want[k]);
    file.close();
  });

  it('gives back what a plain array would, whatever the order the writes land in (random sequences)', async () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const before = openFds();
    for (let run = 0; run < 60; run++) {
      ctl.held = rand(4) !== 0;
      const file = fresh();
      const lists: { list: InstanceType<typeof SpillList<Item>>; model: Item[] }[] = [];
      const add = () => lists.push({ list: new SpillList<Item>(file), model: [] });
      add();
      for (let step = 0; step < 1500; step++) {
        const op = rand(100);
        const l = lists[rand(lists.length)]!;
        if (op < 55) {
          const x = item(rand(100000));
          l.list.push(x);
          l.model.push({ ...x });
        } else if (op < 70 && l.model.length > 0) {
          const k = rand(l.model.length);
          expect(l.list.at(k), `run ${run} step ${step}`).toEqual(l.model[k]);
        } else if (op < 78 && l.model.length > 0) {
          const k = rand(l.model.length);
          const s = `changed ${step}`;
          l.list.at(k)!.s = s;
          l.list.changed(k);
          l.model[k]!.s = s;
        } else if (op < 88 && ctl.writes.length > 0) {
          const how = rand(20);
          land(rand(ctl.writes.length), how === 0 ? 'fail' : how < 5 ? 'short' : 'whole');
        } else if (op < 91) {
          l.list.release();
          l.model = [];
          if (lists.length < 3) add();
        } else if (op < 92) {
          expect(same(l.list, l.model), `run ${run} step ${step}`).toBe(true);
        } else if (op < 93) {
          for (const x of lists) x.list.release();
          lists.length = 0;
          file.close();
          add();
        }
      }
      for (const x of lists) expect(same(x.list, x.model), `run ${run}`).toBe(true);
      landAll();
      for (const x of lists) expect(same(x.list, x.model), `run ${run}`).toBe(true);
      for (const x of lists) x.list.release();
      file.close();
      // (the writes not held land when this thread is free)
      while (file.inFlight > 0) await new Promise((r) => setImmediate(r));
    }
    expect(openFds()).toBe(before);
  });
});
