// The garbage collector on the streaming paths (--summary, --ndjson): what
// the analysis allocates for each frame, and what of it outlives the young
// generation, counted by V8 itself (--trace-gc-nvp: each collection says
// the bytes allocated since the one before, and those promoted to the old
// generation). Bytes, not times: the same from run to run within a few per
// cent, whatever the machine's load. The cost per frame is the marginal one,
// between two generated captures of the bench's kind (test/bench/generate.mjs),
// so that starting Node and compiling the code count for nothing.
//
// The budgets are what was measured (BENCHMARKS.md, "The garbage collector
// on the streaming paths": about 5.3 KB a frame for --summary, 7.5 KB for
// --ndjson since its lines are written as bytes, 10.2 KB before) and a
// quarter more; neither keeps anything per frame (a few bytes a frame
// promoted, none of it held). A change that allocates much more per frame,
// or keeps something for every frame, fails here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir = '';
let small = '';
let large = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wsdissect-gc-'));
  small = join(dir, 'small.pcap');
  large = join(dir, 'large.pcap');
  for (const [file, mb] of [[small, '8'], [large, '40']] as const) expect(spawnSync(process.execPath, ['test/bench/generate.mjs', file, mb]).status).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The median of three runs' bytes allocated and promoted: what is promoted
 * depends on when each scavenge falls (a collection that finds the output's
 * block or a parser's buffers live promotes them), which moves one run's
 * total by a few megabytes either way, tens of bytes a frame; what is kept
 * per frame is there in every run.
 */
function traced3(file: string, mode: string[]): { allocated: number; promoted: number; frames: number } {
  const runs = [traced(file, mode), traced(file, mode), traced(file, mode)];
  const median = (k: 'allocated' | 'promoted'): number => runs.map((r) => r[k]).sort((x, y) => x - y)[1]!;
  return { allocated: median('allocated'), promoted: median('promoted'), frames: runs[0]!.frames };
}

/** One run under --trace-gc-nvp: bytes allocated and promoted (to the last collection), and the frames the output counts. */
function traced(file: string, mode: string[]): { allocated: number; promoted: number; frames: number } {
  const r = spawnSync(process.execPath, ['--trace-gc-nvp', 'dist/cli.js', file, ...mode], { encoding: 'utf8', maxBuffer: 1 << 30 });
  expect(r.status).toBe(0);
  let allocated = 0;
  let promoted = 0;
  let collections = 0;
  for (const m of r.stdout.matchAll(/ gc=[a-z]+ [^\n]* allocated=(\d+) promoted=(\d+)/g)) {
    allocated += Number(m[1]);
    promoted += Number(m[2]);
    collections++;
  }
  expect(collections).toBeGreaterThan(10);
  // (V8's lines come among the output: one may follow the last line of ours)
  const frames = mode[0] === '--summary' ? Number(/, (\d+) frames, /.exec(r.stdout)![1]) : (JSON.parse(/^\{"type":"summary".*$/m.exec(r.stdout)![0]) as { frames: number }).frames;
  return { allocated, promoted, frames };
}

describe('bytes allocated per frame, between a capture and one five times its size', () => {
  it('--summary: at most 6.6 KB a frame, and under 16 bytes a frame outlive the young generation', () => {
    const a = traced3(small, ['--summary']);
    const b = traced3(large, ['--summary']);
    const frames = b.frames - a.frames;
    expect(frames).toBeGreaterThan(80_000);
    expect((b.allocated - a.allocated) / frames).toBeLessThan(6_600);
    expect((b.promoted - a.promoted) / frames).toBeLessThan(16);
  }, 180_000);

  it('--ndjson --max-payload 0: at most 9.4 KB a frame (its lines included), and under 16 bytes a frame outlive the young generation', () => {
    const a = traced3(small, ['--ndjson', '--max-payload', '0']);
    const b = traced3(large, ['--ndjson', '--max-payload', '0']);
    const frames = b.frames - a.frames;
    expect(frames).toBeGreaterThan(80_000);
    expect((b.allocated - a.allocated) / frames).toBeLessThan(9_400);
    expect((b.promoted - a.promoted) / frames).toBeLessThan(16);
  }, 180_000);
});
