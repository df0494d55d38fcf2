// An analysis split over worker threads (--threads N). The main thread
// reads the capture, decodes it down to TCP and keeps the flow table
// (analyzer.ts: connection ids, sweeps, port reuse, eviction, the capture's
// own diagnostics); each connection belongs to one worker (worker.ts),
// which runs its analysis and its view (render/stack.ts). What happens to a
// connection — it begins, a packet, it is over — is an operation numbered
// in the order one thread would have done it; operations go to the workers
// packed in batches of transferable buffers, and the workers' output comes
// back as byte ranges tagged with the operation that wrote them. A range is
// written once no other worker can still write one with a smaller number:
// the output is byte for byte what one thread writes.
//
// What is not shared among the workers: the budget of bytes all
// connections may hold out of order (--max-reassembly-total) is divided
// between them, each holding at most its share; a capture where it is
// reached may be told differently than by one thread. The key logs of a
// capture (pcapng Decryption Secrets Block) go to every worker; the
// connections that begin after one are all given to the same worker, so
// that a TLS session resumed by a later connection is found where the
// first one learned it.
import { Worker } from 'node:worker_threads';
import type { Dir } from '../tcp/connection.js';
import type { TcpSegment } from '../tcp/segment.js';
import type { Endpoint, Summary } from '../model.js';
import { type Chain, chain, type ChainOptions, type ChainShared, chainShared, type ThreadedView, threadedSink } from '../render/stack.js';
import { addSummary, type CaptureClock, type ConnectionHost, emptySummary, type HostedFlow, type HostOptions, type HostTotals, LocalHost, type PlacedDiagnostic, relativeTime } from './host.js';
import type { PacketRef } from './connection.js';

/**
 * Below this size a capture is analysed on one thread unless asked
 * otherwise: starting a worker (about 0.1 s and 25 MB each) would cost more
 * than it saves.
 */
export const THREADS_FROM_BYTES = 32 * 1024 * 1024;

/** Cores a machine needs for the threads to be used unasked (BENCHMARKS.md: on two, they save little and cost memory). */
export const THREADS_FROM_CORES = 4;

/**
 * How many threads work on the capture (the main thread, which reads it,
 * and workers that analyse the connections): as many as asked, or by
 * default, on a machine of 4 cores or more, one per core (at most 8) for a
 * capture file of 32 MB or more. Always one for standard input (a live
 * capture: what is over is reported as soon as it is) and with a key log
 * given (a TLS 1.2 session resumed by a later connection is opened with
 * what the first one learned: every connection in one place).
 */
export function threadCount(o: { asked: number | null; stdin: boolean; keyLog: boolean; bytes: number | null; cores: number }): number {
  if (o.stdin || o.keyLog) return 1;
  if (o.asked !== null) return o.asked;
  return o.cores >= THREADS_FROM_CORES && o.bytes !== null && o.bytes >= THREADS_FROM_BYTES ? Math.min(o.cores, 8) : 1;
}

export const OP = { packet: 0, open: 1, report: 2, keyLog: 3 } as const;
/**
 * An operation in a batch: kind, connection id (u32 each), its number, ts,
 * relTs (f64), packet number, bytes missing, length of what follows,
 * direction (u32), the capture's time resolution (f64); then its bytes,
 * padded to 8.
 */
export const OP_HEADER = 56;
/**
 * Where each field of an operation's header is, as an index into the
 * batch's Uint32Array (U32) or Float64Array (F64) from the operation's own
 * index there (its byte offset / 4, or / 8): the packing (ThreadHost.op)
 * and the reading (worker.ts) share it.
 */
export const U32 = { kind: 0, id: 1, number: 8, missing: 9, length: 10, dir: 11 } as const;
export const F64 = { g: 1, ts: 2, relTs: 3, resolution: 6 } as const;
/** a batch: bytes used and operations (u32 each), 8 bytes spare, then the operations */
const BATCH_HEADER = 16;
const BATCH = 256 * 1024;
/**
 * batches given to a worker and not answered yet: past it, reading waits
 * (memory stays bounded); fewer make the main thread wait for a worker more
 * often (on the bench capture, --ndjson on two threads: 3.1 s with 4, 2.7 s
 * with 16)
 */
const MAX_IN_FLIGHT = 16;

export interface WorkerInit {
  view: ThreadedView;
  chain: ChainOptions;
  /** the connections' options (plain data: no key log, no spill file) */
  options: HostOptions;
  /** this worker's share of the bytes all connections may hold out of order */
  globalReassemblyHold: number;
  /** one counter: the parts this worker handed on that are not written yet (shared with the main thread) */
  parts?: SharedArrayBuffer;
}

export type WorkerRequest = { kind: 'batch'; buf: ArrayBuffer } | { kind: 'end' };
export type WorkerReply =
  | { kind: 'batch'; out: ArrayBuffer | null; ranges: number[]; done: number; input: ArrayBuffer }
  /** what an operation wrote so far, when it writes much (every operation before it is done) */
  | { kind: 'part'; out: ArrayBuffer; ranges: number[]; done: number }
  /** the temporary file of a view could not be made */
  | { kind: 'spill-failed'; reason: string }
  | { kind: 'end'; summary: Summary; diagnostics: PlacedDiagnostic[]; shared: ChainShared };

/** Past this much output of one operation (a long connection's report), a worker hands what it wrote on and waits for it to be written. */
const PART = 1024 * 1024;
/** parts of a worker handed on and not written yet, at most: past it the worker waits */
export const MAX_PARTS = 2;

/**
 * What a chain writes, with the operation each piece was written for: text
 * encoded into a block (grown when one operation writes more), handed on
 * whole with its ranges. An operation's output is the range from begin()
 * to end(); `full`, when set, is called when an operation has written a
 * part's worth, to hand it on before it goes on.
 */
export class RangeWriter {
  private out = RangeWriter.block();
  used = 0;
  private ranges: number[] = [];
  /** the operation being done, and where its output began */
  private current = -1;
  private from = 0;
  full: ((g: number) => void) | null = null;

  private static block(size = BATCH): Buffer {
    // a buffer of its own (never a slice of a shared pool), so that it can be moved to another thread
    return Buffer.from(new ArrayBuffer(size));
  }

  private room(n: number): void {
    const need = this.used + n;
    if (need <= this.out.length) return;
    const bigger = RangeWriter.block(Math.max(this.out.length * 2, need));
    this.out.copy(bigger, 0, 0, this.used);
    this.out = bigger;
  }

  readonly write = (text: string): void => {
    // a UTF-16 code unit takes at most 3 bytes in UTF-8
    this.room(text.length * 3);
    this.used += this.out.write(text, this.used);
    this.written();
  };

  /** Bytes made ready (NDJSON's lines), copied in. */
  readonly writeBytes = (bytes: Buffer, start: number, end: number): void => {
    this.room(end - start);
    this.used += bytes.copy(this.out, this.used, start, end);
    this.written();
  };

  private written(): void {
    if (this.full !== null && this.used - this.from >= PART) {
      const g = this.current;
      this.end();
      this.full(g);
      this.begin(g);
    }
  }

  /** Operation g begins: what is written now is its output. */
  begin(g: number): void {
    this.current = g;
    this.from = this.used;
  }

  /** The operation's output so far becomes a range (if it wrote anything). */
  end(): void {
    if (this.used > this.from) this.ranges.push(this.current, this.from, this.used);
    this.from = this.used;
  }

  /** the next range to write out, when they are written from here (the main thread's own lane) */
  private next = 0;

  /** The operation of the next range not written out yet (Infinity: none). */
  head(): number {
    return this.next < this.ranges.length ? this.ranges[this.next]! : Infinity;
  }

  /** The next range goes out; when every range has, the block is used again from its start. */
  emit(output: (bytes: Buffer, start: number, end: number) => void): void {
    output(this.out, this.ranges[this.next + 1]!, this.ranges[this.next + 2]!);
    this.next += 3;
    if (this.next === this.ranges.length) {
      this.used = 0;
      this.from = 0;
      this.ranges.length = 0;
      this.next = 0;
    }
  }

  /** What was written and its ranges, if anything was; a new block begins. */
  take(): { bytes: ArrayBuffer; ranges: number[] } | null {
    if (this.ranges.length === 0) return null;
    const taken = { bytes: this.out.buffer as ArrayBuffer, ranges: this.ranges };
    this.out = RangeWriter.block();
    this.used = 0;
    this.from = 0;
    this.ranges = [];
    return taken;
  }
}

interface Pending {
  bytes: Buffer;
  /** (operation, start, end) triples */
  ranges: number[];
  i: number;
  /** a part of an operation's output, which its worker waits to see written */
  part: boolean;
}

class WorkerState {
  buf: ArrayBuffer;
  u32: Uint32Array;
  f64: Float64Array;
  /** the batch as bytes, for the segments copied in */
  u8: Buffer;
  off = BATCH_HEADER;
  count = 0;
  inFlight = 0;
  /** the number of the first operation of each batch given and not answered, oldest first */
  private readonly starts: number[] = [];
  /** the number of the first operation of the batch being filled */
  private unsentFrom = 0;
  /** the last operation the worker has answered for */
  done = -1;
  readonly queue: Pending[] = [];
  ended: Extract<WorkerReply, { kind: 'end' }> | null = null;
  /** answered batches, to be filled again */
  readonly spare: ArrayBuffer[] = [];

  constructor(
    readonly worker: Worker,
    /** which worker it is */
    readonly index: number,
    /** its parts not written yet (a counter shared with it) */
    readonly parts: Int32Array,
  ) {
    this.buf = new ArrayBuffer(BATCH);
    this.u32 = new Uint32Array(this.buf);
    this.f64 = new Float64Array(this.buf);
    this.u8 = Buffer.from(this.buf);
  }

  fresh(size: number): void {
    const spare = size === BATCH ? this.spare.pop() : undefined;
    this.buf = spare ?? new ArrayBuffer(size);
    this.u32 = new Uint32Array(this.buf);
    this.f64 = new Float64Array(this.buf);
    this.u8 = Buffer.from(this.buf);
    this.off = BATCH_HEADER;
    this.count = 0;
  }

  /** An operation numbered g goes into the batch being filled. */
  added(g: number): void {
    if (this.count === 0) this.unsentFrom = g;
    this.count++;
  }

  /** The batch being filled is given to the worker. */
  posted(): void {
    this.starts.push(this.unsentFrom);
    this.inFlight++;
  }

  /** The worker answered its oldest batch; every operation up to `done` is done. */
  answered(done: number): void {
    this.starts.shift();
    this.inFlight--;
    this.done = done;
  }

  /**
   * The number of the first operation it has not answered for: it can
   * still write output for that one and those after, never before (the
   * operations not given yet are numbered after every one given; a part
   * says every operation before its own is done). Infinity: none.
   */
  get pendingFrom(): number {
    const first = this.starts.length > 0 ? this.starts[0]! : this.count > 0 ? this.unsentFrom : Infinity;
    return Math.max(first, this.done + 1);
  }
}

export interface ThreadsOptions extends ChainOptions {
  /** threads in all: the main thread, which reads the capture, and threads - 1 workers */
  threads: number;
  view: ThreadedView;
  /** where the merged output goes */
  output: (bytes: Buffer, start: number, end: number) => void;
  /** what the workers' chains counted, for the main thread's, which writes the end */
  absorb: (shared: ChainShared) => void;
  /** a view's temporary file could not be made (said once, whichever thread met it first) */
  spillFailed?: (reason: string) => void;
}

/**
 * The part of the analysis the main thread would do besides reading, as a
 * share of what one thread does (measured on the bench capture: the main
 * thread's CPU time with workers against one thread's). The main thread
 * takes connections itself when the workers would otherwise have more to
 * do than it: with t threads, its share of the connections against a
 * worker's is 1 - t × this (nothing when that is not above 0).
 */
const READ_SHARE: Record<ThreadedView['kind'], number> = {
  ndjson: 0.34,
  summary: 0.65,
  // never: a connection's report is written whole when it is over, so the main thread would hold it all
  terminal: 1,
};

/** A connection the main thread analyses itself: its own place in the main thread's host. */
class InlineFlow implements HostedFlow {
  slot: unknown = null;
  constructor(readonly id: number) {}
}

/** The connections the main thread analyses itself, between reading packets, into a chain of its own. */
class InlineLane {
  readonly out = new RangeWriter();
  readonly sinks: Chain;
  readonly host: LocalHost;
  /** bytes of segments given to it: how connections are shared out */
  load = 0;

  constructor(o: ThreadsOptions, globalReassemblyHold: number, clock: CaptureClock) {
    this.sinks = chain(threadedSink(o.view, this.out.write, this.out.writeBytes), o);
    this.host = new LocalHost(this.sinks.top, globalReassemblyHold, (ts) => relativeTime(ts, clock));
  }
}

export class ThreadHost implements ConnectionHost {
  /** the number the next operation gets */
  clock = 0;
  /** the workers started, each when the first connection is given to it */
  private readonly workers: WorkerState[] = [];
  /** worker i, once started */
  private readonly slots: (WorkerState | undefined)[] = [];
  private init: WorkerInit | null = null;
  /** after a key log in the capture, every new connection goes to this worker */
  private pinned: number | null = null;
  private keyLogs: { text: string; source: string }[] = [];
  private failure: Error | null = null;
  /** the workers are being stopped: their ends are expected */
  private closing = false;
  /** a worker said its view's temporary file could not be made (said once) */
  private spillFailed = false;
  private wake: (() => void) | null = null;

  /** worker threads: all the threads asked for but the main one, which reads */
  private readonly count: number;
  /** bytes of segments given to each worker (started or not) */
  private readonly loads: number[];
  /** the connections the main thread takes, against a worker's (0: none) */
  private readonly inlineWeight: number;
  private inline: InlineLane | null = null;

  constructor(
    private readonly o: ThreadsOptions,
    /** the capture's first packet's time and its resolution, as the analyzer has them */
    private readonly base: CaptureClock,
  ) {
    this.count = Math.max(1, o.threads - 1);
    this.loads = new Array<number>(this.count).fill(0);
    this.inlineWeight = Math.max(0, 1 - o.threads * READ_SHARE[o.view.kind]);
  }

  /**
   * Worker i, started when the first connection is given to it (a capture
   * with one connection starts one); it is given the key logs found so far.
   */
  private worker(i: number, options: HostOptions): WorkerState {
    const started = this.slots[i];
    if (started) return started;
    if (this.init === null) {
      // plain data: the key logs go as operations, and a streaming view needs no spill file
      const { keylog: _k, spill: _s, ...plain } = options;
      this.init = {
        view: this.o.view,
        // (plain data: a Set and a Map are copied to a thread as they are)
        chain: { selection: this.o.selection, ignore: this.o.ignore, failOn: this.o.failOn },
        options: plain,
        globalReassemblyHold: this.share(options),
      };
    }
    const parts = new SharedArrayBuffer(4);
    // a young generation of 16 MB (V8's default is larger): each worker's memory is smaller, its time the same (measured on the bench capture)
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { ...this.init, parts } satisfies WorkerInit, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
    const st = new WorkerState(worker, i, new Int32Array(parts));
    worker.on('message', (m: WorkerReply) => this.answer(st, m));
    worker.on('error', (err) => {
      this.failure ??= err;
      this.wakeUp();
    });
    // a worker gone before its end (not by close()): what it had can no longer come, and waiting for it would never end
    worker.on('exit', (code) => {
      if (st.ended === null && !this.closing) this.failure ??= new Error(`an analysis thread stopped (exit status ${code})`);
      this.wakeUp();
    });
    this.workers.push(st);
    this.slots[i] = st;
    for (const k of this.keyLogs) this.op(st, OP.keyLog, 0, null, 0, 0, Buffer.from(JSON.stringify(k)));
    return st;
  }

  private answer(st: WorkerState, m: WorkerReply): void {
    if (m.kind === 'batch') {
      st.answered(m.done);
      st.spare.push(m.input);
      if (m.out !== null) st.queue.push({ bytes: Buffer.from(m.out), ranges: m.ranges, i: 0, part: false });
    } else if (m.kind === 'part') {
      st.done = Math.max(st.done, m.done);
      st.queue.push({ bytes: Buffer.from(m.out), ranges: m.ranges, i: 0, part: true });
    } else if (m.kind === 'spill-failed') {
      if (!this.spillFailed) this.o.spillFailed?.(m.reason);
      this.spillFailed = true;
    } else st.ended = m;
    this.merge();
    this.wakeUp();
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async until(ready: () => boolean): Promise<void> {
    while (!ready()) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    if (this.failure) throw this.failure;
  }

  /** One operation for a worker: its header, then its bytes. */
  private op(st: WorkerState, kind: number, id: number, pkt: PacketRef | null, dir: number, missing: number, bytes: Buffer | null, start = 0, end = bytes?.length ?? 0): void {
    const len = end - start;
    const need = OP_HEADER + ((len + 7) & ~7);
    if (st.off + need > st.buf.byteLength) {
      this.postAll();
      if (BATCH_HEADER + need > BATCH) st.fresh(BATCH_HEADER + need);
    }
    const o = st.off;
    const g = this.clock++;
    const u = o >> 2;
    const f = o >> 3;
    st.u32[u + U32.kind] = kind;
    st.u32[u + U32.id] = id;
    st.f64[f + F64.g] = g;
    st.f64[f + F64.ts] = pkt ? pkt.ts : 0;
    st.f64[f + F64.relTs] = pkt ? pkt.relTs : 0;
    st.u32[u + U32.number] = pkt ? pkt.number : 0;
    st.u32[u + U32.missing] = missing;
    st.u32[u + U32.length] = len;
    st.u32[u + U32.dir] = dir;
    st.f64[f + F64.resolution] = this.base.resolution;
    if (len > 0) bytes!.copy(st.u8, o + OP_HEADER, start, end);
    st.off = o + need;
    st.added(g);
  }

  private post(st: WorkerState): void {
    if (st.count === 0) return;
    st.u32[0] = st.off;
    st.u32[1] = st.count;
    st.posted();
    const buf = st.buf;
    st.worker.postMessage({ kind: 'batch', buf } satisfies WorkerRequest, [buf]);
    st.fresh(BATCH);
  }

  /** Every worker's partial batch goes: the workers' answers then cover every operation given so far. */
  private postAll(): void {
    for (const st of this.workers) this.post(st);
  }

  /**
   * Writes, in the order of operations, every range no worker can still
   * write one before (the main thread's own ranges are never waited for:
   * it has done every operation it was given).
   */
  private merge(): void {
    const inline = this.inline?.out ?? null;
    for (;;) {
      let best: WorkerState | null = null;
      let lowest = inline === null ? Infinity : inline.head();
      for (const st of this.workers) {
        const q = st.queue[0];
        if (q && q.ranges[q.i]! < lowest) {
          best = st;
          lowest = q.ranges[q.i]!;
        }
      }
      if (lowest === Infinity) return;
      // another worker can still write before it if it has operations numbered below it unanswered
      for (const st of this.workers) if (st !== best && st.pendingFrom < lowest) return;
      if (best === null) {
        inline!.emit(this.o.output);
        continue;
      }
      const q = best.queue[0]!;
      this.o.output(q.bytes, q.ranges[q.i + 1]!, q.ranges[q.i + 2]!);
      q.i += 3;
      if (q.i >= q.ranges.length) {
        best.queue.shift();
        if (q.part) {
          Atomics.sub(best.parts, 0, 1);
          Atomics.notify(best.parts, 0);
        }
      }
    }
  }

  /** Before the next piece of the capture is read: no worker more than a few batches behind. */
  async ready(): Promise<void> {
    this.merge();
    // the main thread's own output piles up waiting for operations of workers not sent yet: they go
    if (this.inline !== null && this.inline.out.used >= BATCH) this.postAll();
    if (this.workers.some((st) => st.inFlight >= MAX_IN_FLIGHT)) await this.until(() => this.workers.every((st) => st.inFlight < MAX_IN_FLIGHT));
  }

  /**
   * Which thread takes a new connection: the one given the fewest bytes so
   * far for its share (a worker's share 1, the main thread's its weight);
   * on a tie, a worker (a capture of one connection is read by the main
   * thread and analysed by a worker at once). The same capture is shared out
   * the same way every time.
   */
  private pick(): number {
    if (this.pinned !== null) return this.pinned;
    let best = 0;
    for (let i = 1; i < this.count; i++) if (this.loads[i]! < this.loads[best]!) best = i;
    if (this.inlineWeight > 0 && (this.inline?.load ?? 0) / this.inlineWeight < this.loads[best]!) return -1;
    return best;
  }

  /** The bytes each thread's connections may hold out of order: the whole budget shared out among every thread that may take connections. */
  private share(options: HostOptions): number {
    return Math.floor(options.limits.globalReassemblyHold / this.o.threads);
  }

  /** One operation of the main thread's own: done now, its output kept with its number. */
  private local(lane: InlineLane, run: () => void): void {
    const g = this.clock++;
    lane.host.clock = g;
    lane.out.begin(g);
    run();
    lane.out.end();
  }

  open(flow: HostedFlow, first: Endpoint, second: Endpoint, options: HostOptions): void {
    const i = this.pick();
    if (i < 0) {
      this.inline ??= new InlineLane(this.o, this.share(options), this.base);
      const lane = this.inline;
      const own = new InlineFlow(flow.id);
      flow.slot = own;
      this.local(lane, () => lane.host.open(own, first, second, options));
      return;
    }
    const st = this.worker(i, options);
    flow.slot = st;
    this.op(st, OP.open, flow.id, null, 0, 0, Buffer.from(JSON.stringify({ first, second, firstTs: this.base.firstTs })));
  }

  packet(flow: HostedFlow, pkt: PacketRef, dir: Dir, seg: TcpSegment, bytes: Buffer, start: number, end: number, missing: number): void {
    const slot = flow.slot;
    if (slot instanceof InlineFlow) {
      const lane = this.inline!;
      lane.load += end - start + 64;
      this.local(lane, () => lane.host.packet(slot, pkt, dir, seg, bytes, start, end, missing));
      return;
    }
    const st = slot as WorkerState;
    this.loads[st.index] = this.loads[st.index]! + end - start + 64;
    this.op(st, OP.packet, flow.id, pkt, dir, missing, bytes, start, end);
  }

  report(flow: HostedFlow): void {
    const slot = flow.slot;
    if (slot instanceof InlineFlow) {
      const lane = this.inline!;
      this.local(lane, () => lane.host.report(slot));
      return;
    }
    this.op(slot as WorkerState, OP.report, flow.id, null, 0, 0, null);
  }

  keyLog(text: string, source: string): void {
    this.keyLogs.push({ text, source });
    for (const st of this.workers) this.op(st, OP.keyLog, 0, null, 0, 0, Buffer.from(JSON.stringify({ text, source })));
    this.clock++;
    this.pinned = 0;
  }

  async finish(): Promise<HostTotals> {
    const summary = emptySummary();
    const diagnostics: PlacedDiagnostic[] = [];
    try {
      this.postAll();
      await this.until(() => this.workers.every((st) => st.inFlight === 0));
      this.merge();
      for (const st of this.workers) st.worker.postMessage({ kind: 'end' } satisfies WorkerRequest);
      await this.until(() => this.workers.every((st) => st.ended !== null));
      for (const st of this.workers) {
        const end = st.ended!;
        addSummary(summary, end.summary);
        diagnostics.push(...end.diagnostics);
        this.o.absorb(end.shared);
      }
      if (this.inline !== null) {
        const own = await this.inline.host.finish();
        addSummary(summary, own.summary);
        diagnostics.push(...own.diagnostics);
        this.o.absorb(chainShared(this.inline.sinks));
      }
    } finally {
      this.close();
    }
    return { summary, diagnostics: diagnostics.sort((x, y) => x.at - y.at) };
  }

  /** The workers stop (at the end, or when the reading failed). */
  close(): void {
    this.closing = true;
    for (const st of this.workers) void st.worker.terminate();
  }
}
