// A long connection's drawings on two threads: --hex's dump, the report's
// walkthrough and --json's timeline. The analysis of a connection is done in
// order, on one thread; but its views are drawn once the connection is over,
// from lists that are in the spill file (util/list.ts), and the dump of a
// frame, a walkthrough's row or a timeline entry's line depends on nothing
// drawn before it (once the walkthrough's columns are known). So the list is
// cut into ranges of items, and each thread, done with one, takes the next
// that no thread has: this one draws its ranges and writes them, a second
// thread (draw-worker.ts), which reads the same file, hands its ranges back
// as bytes, which this one writes in their place (while a range of the
// worker's is not ready, this thread draws one of its own ahead, to write
// when its turn comes). The output is byte for byte what one thread draws:
// test/draw.test.ts compares them on every committed capture.
//
// Not the frame table (its runs of alike frames, collapsed, cross ranges),
// --messages (a message's stray control frames do too), nor --json's frames
// and messages: those were measured and gain less than the second thread
// costs in memory (BENCHMARKS.md: --json's three lists on the 1000 MB
// capture, 11 % less time, 70 MB more at its peak, past 200 MB).
//
// The second thread is started for the first connection long enough to be
// worth it, and kept for the next ones. It is never needed: when it fails,
// or keeps this thread waiting too long, this thread draws the rest itself.
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Connection } from '../model.js';
import { type ListName, ownBuffers, type SharedLists, shareLists } from '../analyze/share.js';
import { BitSet, type SpillFile } from '../util/list.js';
import { JsonBytes } from './json-bytes.js';
import type { RangeTask, Ranges } from './ranges.js';

/**
 * Frames a connection needs for its dump to be shared: below it, the second
 * thread's start (its code loaded and compiled afresh) costs more than it
 * saves (--hex on one connection: 20 000 frames, 0.86 s on one thread,
 * 1.05 s on two; 62 000, 1.44 s and 1.59 s; 207 000, 3.49 s and 3.33 s).
 */
export const DRAW_FROM = 128 * 1024;
/**
 * Packets a connection needs for its walkthrough or --json timeline to be
 * shared: a line costs much less than a frame's dump, so the second
 * thread's start and its reading of the file are paid back only on far
 * longer lists (the report on one connection: 150 000 packets, 2.64 s on
 * one thread, 2.96 s on two; 415 000, 3.59 s and 3.94 s; 2.07 million,
 * 15.2 s and 14.9 s; 10.4 million, 75.5 s and 70.3 s).
 */
export const LINES_FROM = 2 * 1024 * 1024;
/** Items in a range: the two threads take turns this often (a multiple of the lists' chunk of 64 items, so each thread reads its own chunks). */
export const RANGE_ITEMS = 1024;

/**
 * The shared counters: pieces posted and taken (of the task under way), the
 * task the worker was last told to stop, the last it finished, the next
 * range no thread has taken, and the worker's heartbeat (a piece drawn).
 */
export const SIG = { posted: 0, taken: 1, cancel: 2, done: 3, next: 4, beat: 5 } as const;
/** Pieces drawn and not yet written, at most: past it, the worker waits (memory stays bounded); each has its slot in the shared buffer. */
export const AHEAD = 4;
/** A piece is handed back when it has this many bytes (or at the end of its range). */
export const PIECE_BYTES = 256 * 1024;
/** A slot of the shared buffer: a piece and the last item that made it pass PIECE_BYTES, most often. */
export const SLOT_BYTES = 2 * PIECE_BYTES;

/** What the worker is asked to draw: ranges of a list. */
export interface DrawTask {
  gen: number;
  task: RangeTask;
  lists: SharedLists;
  items: number;
  range: number;
  /** a piece is handed back when it has this many bytes */
  pieceBytes: number;
  /** the worker draws the odd ranges, and only them (else it takes the next range no thread has taken, again and again) */
  alternate: boolean;
}

/**
 * What it hands back: a piece of a range's drawing (the last of the range
 * with `last`) in a slot of the shared buffer, or (larger than a slot) in
 * `bytes`; or why it could not go on.
 */
export type DrawReply = { gen: number; k: number; slot: number; length: number; bytes: Uint8Array | null; last: boolean } | { gen: number; error: string };

/** The lists a task reads: --hex's frames, and their messages; the walkthrough's and --json's timeline. */
function listsOf(task: RangeTask): readonly ListName[] {
  return task.view === 'hex' ? ['frames', 'messages'] : ['timeline'];
}


type Piece = Extract<DrawReply, { k: number }>;

/** A drawing's bytes past its first `skip` (those written already): the same pieces, as bytes. */
function* after(pieces: Iterable<string | Buffer>, skip: number): Generator<string | Buffer> {
  for (const piece of pieces) {
    if (skip === 0) {
      yield piece;
      continue;
    }
    const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
    if (bytes.length <= skip) skip -= bytes.length;
    else {
      yield bytes.subarray(skip);
      skip = 0;
    }
  }
}

/**
 * The worker's young generation, in megabytes: what it draws dies young.
 * Smaller costs time, larger memory (--hex on the 1000 MB capture of one
 * connection: 4 MB, 75 s; 8 MB, 62 to 67 s; BENCHMARKS.md).
 */
const YOUNG_MB = 8;

/** A drawing's pieces as bytes in `out` (the same bytes as written one by one); null, and the drawing left, once they pass `most` bytes. */
function gather(pieces: Iterable<string | Buffer>, out: JsonBytes, most: number): Buffer | null {
  out.reset();
  for (const piece of pieces) {
    if (typeof piece === 'string') out.utf8(piece);
    else out.raw(piece);
    if (out.at > most) {
      out.reset();
      return null;
    }
  }
  return out.bytes.subarray(0, out.at);
}

/**
 * How long this thread waits for the worker's next piece while the worker
 * draws nothing, before it takes it for dead and draws the rest itself (a
 * worker that died, of a lack of memory or otherwise, says so on this
 * thread's event loop only, which a waiting thread does not run).
 */
const STALL_MS = 5_000;
/** How often the heartbeat is looked at while waiting. */
const BEAT_MS = 250;
/**
 * A range drawn ahead (while a range of the worker's is not ready) is given
 * up once it passes this (drawn again when its turn comes): a frame's dump
 * is a few hundred bytes and four to five times the payload it shows, a
 * line of the walkthrough or the timeline about as long as the width or a
 * request's target; a range of them, under a megabyte or two most often.
 */
const AHEAD_BYTES = 8 * 1024 * 1024;

export class DrawHelper {
  private worker: Worker | null = null;
  private port: MessagePort | null = null;
  private readonly sig = new Int32Array(new SharedArrayBuffer(4 * 6));
  /** where the worker puts the pieces it draws (no buffer made, sent and collected for each) */
  private readonly slots = new SharedArrayBuffer(AHEAD * SLOT_BYTES);
  private gen = 0;
  /** the worker failed or stalled: everything is drawn here from then on */
  private broken = false;
  /** the task under way still has pieces the worker may post */
  private open = false;
  /** the spill file the connections' lists are in, while the capture is read */
  private file: SpillFile | null = null;

  /** where a range of this thread's drawn ahead is kept until its turn (one at a time) */
  private readonly ahead = new JsonBytes();

  /** ranges the worker drew (for the tests) */
  drawnElsewhere = 0;

  constructor(
    private readonly fromItems = DRAW_FROM,
    private readonly rangeItems = RANGE_ITEMS,
    private readonly pieceBytes = PIECE_BYTES,
    /**
     * the worker draws every other range, the odd ones (for the tests: who
     * draws what known beforehand); else each thread takes the next range
     * when it is done with one, and the faster draws more
     */
    private readonly alternate = false,
    /** packets a walkthrough or a --json timeline needs to be shared (fromItems: frames a dump needs) */
    private readonly linesFrom = LINES_FROM,
  ) {}

  /** The spill file the connections' lists go to while a capture is read (null after). */
  use(file: SpillFile | null): void {
    this.file = file;
  }

  /** The drawing of a connection's list, for the views. */
  readonly ranges: Ranges = (conn, task, items, local) => this.draw(conn, task, items, local);

  private *draw(conn: Connection, task: RangeTask, items: number, local: (from: number, to: number) => Iterable<string | Buffer>): Generator<string | Buffer> {
    const R = this.rangeItems;
    const from = task.view === 'hex' ? this.fromItems : this.linesFrom;
    const lists = items >= from && items > R && !this.broken && this.file !== null && this.settle() ? this.share(conn, this.file, listsOf(task)) : null;
    if (lists === null || !this.start(task, lists, items)) {
      yield* local(0, items);
      return;
    }
    // the ranges this thread took (the others are the worker's), the last of them
    const mine = new BitSet();
    let last = -1;
    // a range of its own drawn ahead, while the worker's before it was not ready
    let early: { k: number; bytes: Buffer } | null = null;
    try {
      let helped = true;
      for (let k = 0, from = 0; from < items; k++, from += R) {
        const to = Math.min(items, from + R);
        if (helped && !this.alternate) {
          // this thread always has a range of its own at this one or ahead: it draws that one while the worker draws
          // the next, then writes the worker's while the worker draws the one after; once it is done with its own, the
          // next it takes is the first that no thread has
          while (last < k) {
            last = Atomics.add(this.sig, SIG.next, 1);
            mine.add(last);
          }
        }
        if (!helped || (this.alternate ? k % 2 === 0 : mine.has(k))) {
          if (early?.k === k) {
            yield early.bytes;
            early = null;
            // (a buffer grown past a megabyte is let go)
            this.ahead.reset();
          } else yield* local(from, to);
          continue;
        }
        // the worker's range: while it is not there, this thread draws the next range no thread has (one at most), to write when its turn comes
        let first = this.poll();
        if (first === undefined && early === null && !this.alternate) {
          const c = Atomics.add(this.sig, SIG.next, 1);
          mine.add(c);
          last = Math.max(last, c);
          if (c * R < items) {
            // (a range too long to hold is drawn again in its turn)
            const bytes = gather(local(c * R, Math.min(items, c * R + R)), this.ahead, AHEAD_BYTES);
            if (bytes !== null) early = { k: c, bytes };
          }
          first = this.poll();
        }
        if (first === undefined) first = this.next();
        if (first !== null && first.k === k) {
          // the range as the worker drew it; should it stop in the middle, the rest drawn here
          let sent = 0;
          let piece: Piece | null = first;
          while (piece !== null) {
            const bytes = this.bytesOf(piece);
            sent += bytes.length;
            // (written when the consumer comes back: its slot may be drawn into again)
            yield bytes;
            this.release();
            if (piece.last) break;
            piece = this.next();
            if (piece !== null && piece.k !== k) piece = null;
          }
          if (piece !== null) {
            this.drawnElsewhere++;
            continue;
          }
          this.fail();
          helped = false;
          yield* after(local(from, to), sent);
          continue;
        }
        this.fail();
        helped = false;
        yield* local(from, to);
      }
    } finally {
      this.stop();
    }
  }

  /** What the worker reads the connection's lists from (null: they cannot be shared). */
  protected share(conn: Connection, file: SpillFile, names: readonly ListName[]): SharedLists | null {
    return shareLists(conn, file, names);
  }

  /** The worker is asked to draw ranges of the list; false when it cannot be started. */
  private start(task: RangeTask, lists: SharedLists, items: number): boolean {
    try {
      const port = this.spawn();
      this.gen++;
      Atomics.store(this.sig, SIG.posted, 0);
      Atomics.store(this.sig, SIG.taken, 0);
      Atomics.store(this.sig, SIG.next, 0);
      const t: DrawTask = { gen: this.gen, task, lists, items, range: this.rangeItems, pieceBytes: Math.min(this.pieceBytes, PIECE_BYTES), alternate: this.alternate };
      port.postMessage(t, ownBuffers(lists));
      this.open = true;
      return true;
    } catch {
      this.broken = true;
      return false;
    }
  }

  private spawn(): MessagePort {
    if (this.port !== null) return this.port;
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(new URL('./draw-worker.js', import.meta.url), { workerData: { port: port2, sig: this.sig, slots: this.slots }, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
    worker.on('error', () => {
      this.broken = true;
    });
    // (ended between two connections, it is not asked again; ended while this thread waits for it, the heartbeat tells)
    worker.on('exit', () => {
      if (this.worker === worker) this.broken = true;
    });
    worker.unref();
    this.worker = worker;
    this.port = port1;
    return port1;
  }

  /** The worker's next piece of the task under way, waiting for it; null when it failed or stalled. */
  private next(): Piece | null {
    let beat = Atomics.load(this.sig, SIG.beat);
    let still = 0;
    for (;;) {
      const seen = Atomics.load(this.sig, SIG.posted);
      const got = this.poll();
      if (got !== undefined) return got;
      if (Atomics.wait(this.sig, SIG.posted, seen, BEAT_MS) !== 'timed-out') continue;
      const now = Atomics.load(this.sig, SIG.beat);
      if (now !== beat) {
        beat = now;
        still = 0;
      } else if ((still += BEAT_MS) >= STALL_MS) return null;
    }
  }

  /** The worker's next piece if it is there (undefined if not yet; null if the worker failed). */
  private poll(): Piece | null | undefined {
    for (;;) {
      const m = receiveMessageOnPort(this.port!);
      if (m === undefined) return undefined;
      const reply = m.message as DrawReply;
      // a piece of a task given up
      if (reply.gen !== this.gen) continue;
      return 'error' in reply ? null : reply;
    }
  }

  /** A piece's bytes: in its slot of the shared buffer, or (a piece larger than a slot) a buffer of its own. */
  private bytesOf(piece: Piece): Buffer {
    if (piece.bytes !== null) return Buffer.from(piece.bytes.buffer, piece.bytes.byteOffset, piece.bytes.byteLength);
    return Buffer.from(this.slots, piece.slot * SLOT_BYTES, piece.length);
  }

  /** The piece taken last has been written: its slot may be drawn into again. */
  private release(): void {
    Atomics.add(this.sig, SIG.taken, 1);
    Atomics.notify(this.sig, SIG.taken);
  }

  private fail(): void {
    this.broken = true;
    this.stop();
  }

  /**
   * The task under way is over (drawn, given up, or the output stopped): the
   * worker stops drawing it. (A worker given up on may still be reading the
   * spill file while this thread goes on and changes it: what it reads then
   * is garbage, or fails, and whatever it hands back is of an old task and
   * thrown away.)
   */
  private stop(): void {
    if (!this.open) return;
    this.open = false;
    Atomics.store(this.sig, SIG.cancel, this.gen);
    Atomics.notify(this.sig, SIG.taken);
  }

  /**
   * Before the next task: the worker is done with the last one (it may be
   * reading the file still, after a task given up). False when it is not,
   * after a while.
   */
  private settle(): boolean {
    if (this.worker === null) return true;
    const deadline = Date.now() + STALL_MS;
    for (;;) {
      const done = Atomics.load(this.sig, SIG.done);
      if (done === this.gen) return true;
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.sig, SIG.done, done, left) === 'timed-out') {
        this.broken = true;
        return false;
      }
    }
  }

  /** The worker is let go (at the end of the capture). */
  close(): void {
    this.stop();
    void this.worker?.terminate();
    this.worker = null;
    this.port?.close();
    this.port = null;
  }
}
