// --threads: connections analysed by worker threads, their output put back
// in the order one thread writes it. The output, the messages on standard
// error and the exit status must be the same with any number of threads.
// (The worker threads run the built code: these tests read dist/, as the
// command-line tests do.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisSink } from '../src/model.js';
import { threadCount, THREADS_FROM_BYTES } from '../src/analyze/threads.js';
import { stallCapture } from './support/threads-stall.js';

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, env: { ...process.env, SSLKEYLOGFILE: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir = '';
/** a capture of several long conversations, large enough for many batches to go to each worker */
let generated = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wsdissect-threads-'));
  generated = join(dir, 'ws-8mb.pcap');
  const r = spawnSync(process.execPath, ['test/bench/generate.mjs', generated, '8'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// each case: a capture and the options that exercise one part of the split
const CASES: [string, string, string[]][] = [
  ['one connection, read by the main thread and analysed by a worker', 'captures/ws_echo.pcap', []],
  ['connections of every kind, one after another and at once', 'captures/mixed_network.pcap', []],
  ['a capture started mid-connection, in pcapng', 'captures/forms/mixed_midstream.pcapng', []],
  ['100 000 half-open connections (embryos, sweeps)', 'captures/hostile/half_open_100k.pcap.gz', []],
  ['eviction past --max-connections', 'captures/hostile/half_open_100k.pcap.gz', ['--max-connections', '1000']],
  ['eviction of conversations', 'captures/mixed_network.pcap', ['--max-connections', '2']],
  ['a key log inside the capture (Decryption Secrets Block)', 'captures/tls/wss_tls13_aes128.dsb.pcapng', []],
  ['a failing exit status (--fail-on)', 'captures/scapy_invalid_handshakes.pcap', ['--fail-on', 'warning']],
  ['diagnostics left out (--ignore), counts and exit status', 'captures/scapy_invalid_handshakes.pcap', ['--ignore', 'handshake.upgrade-header', '--fail-on', 'warning']],
  ['one connection selected', 'captures/mixed_network.pcap', ['--stream', '3']],
  ['a connection asked for that is not there (exit 2)', 'captures/mixed_network.pcap', ['--stream', '999']],
  ['segments out of order', 'captures/hostile/out_of_order.pcap.gz', []],
  ['packets cut by the snapshot length', 'captures/snaplen/deflate_s120.pcap', []],
  ['a capture cut short', 'captures/violations/capture.truncated-file.pcap', []],
];

// the terminal views (the report, and every other view at once) on all but the 100 000-connection captures
const VIEWS: [string, string[], typeof CASES][] = [
  ['--ndjson', ['--ndjson'], CASES],
  ['--summary', ['--summary'], CASES],
  ['the report', [], CASES.filter((c) => !c[1].includes('half_open'))],
  ['--explain --ladder --messages --hex', ['--explain', '--ladder', '--messages', '--hex'], CASES.filter((c) => !c[1].includes('half_open'))],
];

describe.each(VIEWS)('%s', (_name, mode, cases) => {
  it.each(cases)('%s: the same with 2 and 3 threads as with 1', (_what, file, extra) => {
    const one = cli([file, ...mode, ...extra, '--threads', '1']);
    expect(one.stdout.length).toBeGreaterThan(0);
    for (const n of ['2', '3']) expect(cli([file, ...mode, ...extra, '--threads', n])).toEqual(one);
  }, 60_000);

  it('a capture of many batches (and reports of several megabytes, written in parts): the same with 2 and 3 threads as with 1', () => {
    const args = [generated, ...mode, ...(mode[0] === '--ndjson' ? ['--max-payload', '0'] : [])];
    const one = cli([...args, '--threads', '1']);
    expect(one.status).toBe(0);
    for (const n of ['2', '3']) expect(cli([...args, '--threads', n])).toEqual(one);
  }, 120_000);
});

describe('a worker waiting for its report to be written', () => {
  // its parts can be written: the other worker's only pending operation, in the batch being filled, comes after them
  // (with the worker's bound taken as its last answer, this capture stalled with 3 threads)
  it('does not stall the run: the same report with 3 threads as with 1', () => {
    const file = join(dir, 'stall.pcap');
    writeFileSync(file, stallCapture(2800));
    const run = (n: string) => spawnSync(process.execPath, ['dist/cli.js', file, '--no-collapse', '--threads', n], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 60_000 });
    const one = run('1');
    expect(one.status).toBe(0);
    const three = run('3');
    expect(three.error).toBeUndefined();
    expect([three.status, three.stdout === one.stdout]).toEqual([0, true]);
  }, 150_000);
});

describe('the analysis on worker threads (library)', () => {
  // 2 threads: a worker, and the main thread takes connections of its own (--ndjson); 3: two workers
  it.each([2, 3])('%i threads: the main sink gets only the end, the bytes are one thread\'s', async (threads) => {
    // the built library: its worker threads load dist/analyze/worker.js
    const lib = (await import('../dist/index.js' as string)) as typeof import('../src/index.js');
    const { EVERYTHING } = (await import('../dist/select/selection.js' as string)) as typeof import('../src/select/selection.js');
    const file = 'captures/mixed_network.pcap';
    let oneThread = '';
    await lib.analyzeCapture(file, new lib.NdjsonSink((t) => (oneThread += t), { maxPayload: 1024 }));
    const calls: string[] = [];
    let tail = '';
    const main: AnalysisSink = new (class extends lib.NdjsonSink {
      override connection(): void {
        calls.push('connection');
      }
      override frame(): void {
        calls.push('frame');
      }
    })((t) => (tail += t), { maxPayload: 1024 });
    const chunks: Buffer[] = [];
    let absorbed = 0;
    await lib.analyzeCapture(file, main, {
      threads: { threads, view: { kind: 'ndjson', maxPayload: 1024 }, selection: EVERYTHING, ignore: new Set(), failOn: 'none', output: (b, s, e) => chunks.push(Buffer.from(b.subarray(s, e))), absorb: () => absorbed++ },
    });
    expect(calls).toEqual([]);
    // two places analysed connections: with 2 threads the worker and the main thread, with 3 the two workers
    expect(absorbed).toBe(2);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).toString('utf8') + tail).toBe(oneThread);
  });
});

describe('how many threads', () => {
  const big = THREADS_FROM_BYTES;
  it('one per core (at most 8) for a capture file of 32 MB or more on 4 cores or more; else one', () => {
    expect(threadCount({ asked: null, stdin: false, keyLog: false, bytes: big, cores: 4 })).toBe(4);
    expect(threadCount({ asked: null, stdin: false, keyLog: false, bytes: big, cores: 64 })).toBe(8);
    expect(threadCount({ asked: null, stdin: false, keyLog: false, bytes: big, cores: 2 })).toBe(1);
    expect(threadCount({ asked: null, stdin: false, keyLog: false, bytes: big - 1, cores: 4 })).toBe(1);
    expect(threadCount({ asked: null, stdin: false, keyLog: false, bytes: null, cores: 4 })).toBe(1);
  });
  it('as many as asked, but one for standard input and with a key log', () => {
    expect(threadCount({ asked: 3, stdin: false, keyLog: false, bytes: 10, cores: 2 })).toBe(3);
    expect(threadCount({ asked: 3, stdin: true, keyLog: false, bytes: null, cores: 2 })).toBe(1);
    expect(threadCount({ asked: 3, stdin: false, keyLog: true, bytes: big, cores: 2 })).toBe(1);
  });
  it('refuses a number that is not one', () => {
    const r = cli(['captures/ws_echo.pcap', '--ndjson', '--threads', 'many']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('wsdissect: --threads takes a number of threads from 1 to 64, or auto, not "many"\n');
  });
});
