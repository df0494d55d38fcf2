// A background write of the spill file that fails (a disk filling up while
// the analysis goes on): the bytes it held were given places in the file
// already, so they stay in memory and are read from there; the failure is
// told once, and the lists keep what comes after it in memory.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';

const state = vi.hoisted(() => ({ fail: false, failed: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const write = (...args: unknown[]): void => {
    if (!state.fail) return (fs.write as (...a: unknown[]) => void)(...args);
    state.failed++;
    const callback = args[args.length - 1] as (err: Error | null, n: number) => void;
    setImmediate(() => callback(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), 0));
  };
  return { ...fs, write, default: { ...fs, write } };
});

const { SpillFile, SpillList } = await import('../src/util/list.js');

const ROOT = mkdtempSync(join(tmpdir(), 'wsdissect-spill-fails-'));
afterAll(() => rmSync(ROOT, { recursive: true }));

it('keeps the bytes of a background write that failed, and everything after it, in memory', async () => {
  const told: string[] = [];
  const dir = mkdtempSync(join(ROOT, 'run-'));
  const file = new SpillFile(dir, 4, (reason) => told.push(reason), 300);
  const list = new SpillList<{ n: number; s: string }>(file);
  const item = (n: number) => ({ n, s: `item ${n} `.repeat(1 + (n % 5)) });
  for (let n = 0; n < 500; n++) list.push(item(n));
  while (file.inFlight > 0) await new Promise((r) => setImmediate(r));
  state.fail = true;
  for (let n = 500; n < 1500; n++) list.push(item(n));
  while (file.inFlight > 0) await new Promise((r) => setImmediate(r));
  state.fail = false;
  expect(state.failed).toBeGreaterThan(0);
  expect(told).toEqual(['ENOSPC: no space left on device, write']);
  expect(file.failed).toMatch(/ENOSPC/);
  // the chunks written before, those the failed writes held, and those kept in memory since
  for (let n = 1500; n < 2000; n++) list.push(item(n));
  expect(list.length).toBe(2000);
  expect([...list].every((x, k) => x.n === k && x.s === item(k).s)).toBe(true);
  for (const k of [1999, 0, 700, 1200, 499, 500]) expect(list.at(k)).toEqual(item(k));
  file.close();
  expect(readdirSync(dir)).toEqual([]);
});
