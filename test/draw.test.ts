// A long connection's dump, walkthrough and JSON timeline drawn on two
// threads (render/draw.ts): the output is byte for byte what one thread
// draws. The tests share the lists of every committed capture, in ranges of
// a few items (the chunks of the spill file tiny too, so that both threads
// read most items back from the file), and make the second thread fail
// where it can fail: before its first range, in the middle of one, and dead.
// (The second thread runs the built code: these tests read dist/, as
// test/threads.test.ts does; `npm test` builds it first.)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisSink, Connection } from '../src/model.js';
import type { SpillFile as SpillFileType } from '../src/util/list.js';
import type { ListName, SharedLists } from '../src/analyze/share.js';

const lib = (await import('../dist/index.js' as string)) as typeof import('../src/index.js');
const { JsonSink, TerminalSink } = (await import('../dist/render/sinks.js' as string)) as typeof import('../src/render/sinks.js');
const { DrawHelper } = (await import('../dist/render/draw.js' as string)) as typeof import('../src/render/draw.js');
const { SpillFile } = (await import('../dist/util/list.js' as string)) as typeof import('../src/util/list.js');
const { PLAIN } = (await import('../dist/render/options.js' as string)) as typeof import('../src/render/options.js');
type Helper = InstanceType<typeof DrawHelper>;

const ROOT = mkdtempSync(join(tmpdir(), 'wsdissect-draw-test-'));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

/** Every committed capture. */
function capturesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? capturesIn(join(dir, e.name)) : /\.(pcap|pcapng|cap)(\.gz)?$/.test(e.name) ? [join(dir, e.name)] : [])).sort();
}
// (but the fuzzer's finds: the cases its own tests replay, long to analyse with chunks of two items)
const CAPTURES = capturesIn('captures').filter((f) => !f.startsWith('captures/fuzz/'));
/** Those dumped in colour and in Chinese too. */
const SOME = new Set([
  ...readdirSync('captures').filter((f) => f.endsWith('.pcap')).map((f) => `captures/${f}`),
  ...readdirSync('captures/app').filter((f) => f.endsWith('.pcap')).map((f) => `captures/app/${f}`),
  'captures/mixed_midstream.pcap',
  'captures/hostile/escapes.pcap',
]);

type Kind = 'hex' | 'hex-colour' | 'hex-zh' | 'report' | 'report-colour' | 'report-zh' | 'json';

/** A view of a capture, its output as bytes; drawn with `helper` (its ranges shared) or by one thread. */
async function view(file: string, kind: Kind, helper: Helper | null, chunkItems = 2): Promise<Buffer> {
  const out: Buffer[] = [];
  const write = (t: string): void => void out.push(Buffer.from(t));
  const bytes = (b: Buffer, s: number, e: number): void => void out.push(Buffer.from(b.subarray(s, e)));
  const spill = new SpillFile(mkdtempSync(join(ROOT, 'run-')), chunkItems, undefined, 512);
  helper?.use(spill);
  const ranges = helper?.ranges ?? null;
  const sink: AnalysisSink =
    kind === 'json'
      ? new JsonSink(write, { maxPayload: 64 }, bytes, ranges)
      : new TerminalSink(write, { ...PLAIN, width: 100, previewWidth: 40, color: kind.endsWith('-colour'), ...(kind.endsWith('-zh') ? { lang: 'zh-CN' as const } : {}) }, [kind.startsWith('hex') ? 'hex' : 'report'], true, null, bytes, ranges);
  try {
    await lib.analyzeCapture(file, sink, { analyzer: { ...lib.DEFAULT_OPTIONS, spill } });
  } finally {
    helper?.use(null);
    spill.close();
  }
  return Buffer.concat(out);
}

describe('a view drawn on two threads is the one thread\'s, byte for byte', () => {
  // one worker for the whole run, as on the command line: shared from lists of 4 items (frames and packets), in ranges of 3
  const helper = new DrawHelper(4, 3, 64, false, 4);
  // (and one whose worker draws every other range: who draws what is known)
  const alternate = new DrawHelper(4, 3, 64, true, 4);
  afterAll(() => alternate.close());
  afterAll(() => helper.close());

  for (const file of CAPTURES) {
    it(file, async () => {
      // how many frames and packets each connection has (--json's): the dump and the walkthrough of every connection with 4 or more are shared
      // (a connection that is not WebSocket, nor an upgrade asked for, has no walkthrough)
      const connections = (JSON.parse((await view(file, 'json', null)).toString('utf8')) as { connections: { frames: unknown[]; timeline: unknown[]; websocket: boolean; handshake: unknown }[] }).connections;
      const some = SOME.has(file);
      const kinds: Kind[] = some ? ['hex', 'hex-colour', 'hex-zh', 'report', 'report-colour', 'report-zh', 'json'] : ['hex', 'report', 'json'];
      for (const kind of kinds) {
        const one = await view(file, kind, null);
        // each thread taking the next range when done with one (who draws what depends on their speed)
        const two = await view(file, kind, helper);
        expect(two.equals(one), `${kind}: ${two.length} bytes against ${one.length}`).toBe(true);
        // the worker drawing the odd ranges (of 3 items: frames of the dump, packets of the walkthrough)
        const before = alternate.drawnElsewhere;
        const odd = await view(file, kind, alternate);
        expect(odd.equals(one), `${kind}, odd ranges elsewhere: ${odd.length} bytes against ${one.length}`).toBe(true);
        // (--json's timeline: every connection's)
        const items = connections.map((c) => (kind.startsWith('hex') ? c.frames.length : kind === 'json' || c.websocket || c.handshake !== null ? c.timeline.length : 0));
        expect(alternate.drawnElsewhere - before, kind).toBe(items.reduce((n, f) => n + (f >= 4 ? Math.floor(Math.ceil(f / 3) / 2) : 0), 0));
      }
    }, 60_000);
  }
});

/** A helper whose worker cannot read one chunk of the list it draws (the frames, or the timeline): it fails when it reaches it. */
class Failing extends DrawHelper {
  constructor(
    private readonly chunk: number,
    range: number,
  ) {
    super(0, range, 1, true, 0);
  }

  protected override share(conn: Connection, file: SpillFileType, names: readonly ListName[]): SharedLists | null {
    const s = super.share(conn, file, names);
    const drawn = s?.lists.frames ?? s?.lists.timeline;
    if (drawn !== undefined) {
      const spans = drawn.spill.list.spans;
      // that chunk "is" past the end of the file: its reading fails, in the worker alone
      if (spans[2 * this.chunk + 1]! > 0) spans[2 * this.chunk] = 2 ** 40;
    }
    return s;
  }
}

describe('the second thread failing', () => {
  // chunks of 2 items, ranges of 6: chunk 3 (items 6, 7) starts range 1; chunk 4 (items 8, 9) is in its middle
  it.each([
    ['before its first range', 3],
    ['in the middle of a range, after pieces of it were written', 4],
  ])('%s: this thread draws the rest, the output the same', async (_what, chunk) => {
    const file = 'captures/ws_deflate_takeover.pcap';
    for (const kind of ['hex', 'hex-colour', 'report', 'report-colour', 'json'] as const) {
      const h = new Failing(chunk, 6);
      try {
        const one = await view(file, kind, null);
        const two = await view(file, kind, h);
        expect(two.equals(one), kind).toBe(true);
        // it drew nothing whole once it failed, and is not asked again
        expect(h.drawnElsewhere).toBe(0);
        const again = await view(file, kind, h);
        expect(again.equals(one)).toBe(true);
        expect(h.drawnElsewhere).toBe(0);
      } finally {
        h.close();
      }
    }
  });
});

describe('the second thread dead', () => {
  const file = 'captures/ws_deflate_takeover.pcap';

  /** A helper whose worker drew ranges of the capture's dump (the dump, one thread's, as `one`), then `ends` it; the time the next dump took. */
  async function afterEnd(ends: (worker: Worker) => Promise<unknown>): Promise<{ h: Helper; one: Buffer; took: number; drawn: number }> {
    const h = new DrawHelper(0, 6, 64, true);
    const one = await view(file, 'hex', null);
    expect((await view(file, 'hex', h)).equals(one)).toBe(true);
    const drawn = h.drawnElsewhere;
    expect(drawn).toBeGreaterThan(0);
    await ends((h as unknown as { worker: Worker }).worker);
    const started = Date.now();
    expect((await view(file, 'hex', h)).equals(one)).toBe(true);
    return { h, one, took: Date.now() - started, drawn };
  }

  it('is taken for dead when it draws nothing for a while: this thread draws its ranges, the output the same', async () => {
    // as a worker out of memory ends in the middle of a task: its end is told on this thread's event loop, which a
    // waiting thread does not run (here it ends before the task, its end not told)
    const { h, one, took, drawn } = await afterEnd((worker) => {
      worker.removeAllListeners('exit');
      return worker.terminate();
    });
    try {
      expect(h.drawnElsewhere).toBe(drawn);
      // (five seconds without a heartbeat, once: the helper is not asked again)
      expect(took).toBeGreaterThanOrEqual(4500);
      expect(took).toBeLessThan(15_000);
      const again = Date.now();
      expect((await view(file, 'hex', h)).equals(one)).toBe(true);
      expect(Date.now() - again).toBeLessThan(3000);
    } finally {
      h.close();
    }
  }, 30_000);

  it('ended between two connections, it is not asked again: no waiting', async () => {
    const { h, took, drawn } = await afterEnd((worker) => worker.terminate());
    try {
      expect(took).toBeLessThan(3000);
      expect(h.drawnElsewhere).toBe(drawn);
    } finally {
      h.close();
    }
  });
});

describe('on the command line', () => {
  // about 135 000 frames on one connection
  const file = join(ROOT, 'long.pcap');
  beforeAll(() => {
    expect(spawnSync(process.execPath, ['test/bench/generate.mjs', file, '26', '--long'], { stdio: 'ignore' }).status).toBe(0);
  }, 60_000);

  // (its walkthrough and timeline, 150 000 packets, are below LINES_FROM: drawn on one thread; the tests above share them from 4)
  it('a long connection (more frames than DRAW_FROM) gives the same dump with the second thread as with --threads 1', () => {
    for (const args of [['--hex'], ['--hex', '--color', '--width', '90', '--lang', 'zh-CN']]) {
      const run = (threads: string[]) => spawnSync(process.execPath, ['dist/cli.js', file, ...args, ...threads], { maxBuffer: 1024 * 1024 * 1024 });
      const one = run(['--threads', '1']);
      const two = run([]);
      expect([one.status, two.status]).toEqual([0, 0]);
      expect(one.stdout.length).toBeGreaterThan(100_000_000);
      expect(two.stdout.equals(one.stdout), args.join(' ')).toBe(true);
    }
  }, 120_000);

  it('Ctrl-C while the dump is being written: the whole of it, the summary, and exit status 130', async () => {
    // the dump's first bytes come once the capture is read and the connection's drawing has begun (a second or so on
    // one thread, none of which lets the event loop run): the signal comes during it
    const whole = spawnSync(process.execPath, ['dist/cli.js', file, '--hex', '--threads', '1'], { maxBuffer: 1024 * 1024 * 1024 }).stdout;
    const child = spawn(process.execPath, ['dist/cli.js', file, '--hex', '--threads', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      if (out.length === 0) child.kill('SIGINT');
      out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(stderr).toBe('\nwsdissect: interrupted: reporting what was read so far (Ctrl-C again stops at once)\n');
    expect(status).toBe(130);
    expect(Buffer.concat(out).equals(whole)).toBe(true);
  }, 60_000);
});
