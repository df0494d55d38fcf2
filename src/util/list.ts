// Lists that need not fit in memory. A connection's frames, messages,
// timeline and diagnostics grow with its length; a busy connection of a
// large capture has millions of each. The views read them in order (and now
// and then look one up), so a list keeps its newest items in memory and
// writes the older ones, a chunk at a time, to a temporary file, reading a
// chunk back when it is asked for. An Array is a List too: a connection
// analysed without spilling (the library's default) has plain arrays.
//
// Why a file and not two passes over the capture: the connections of a
// capture interleave, and a view prints a connection whole, so a second
// pass would still have to hold (or spill) every other connection open at
// the time; and standard input cannot be read twice. Spilling costs an
// encoding and a decoding per item (a compact binary form of their own for
// frames, messages and timeline entries: util/codec.ts; v8.serialize for
// anything else), and reads the file back in order. BENCHMARKS.md has the
// figures.

import { closeSync, ftruncateSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, write, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { Codec } from './codec.js';

/** Any plain data, by v8.serialize. */
const V8_CODEC: Codec<unknown> = { encode: (items) => serialize(items), decode: (bytes) => deserialize(bytes) as unknown[] };

/** Where a list's chunks are written and read back: a SpillFile, or (in another thread) a reader of one. */
export interface ChunkStore {
  readonly chunkItems: number;
  /** where the bytes went, or null when they could not be written (the list keeps the chunk in memory) */
  write(data: Uint8Array): number | null;
  read(at: number, length: number): Buffer;
  free(length: number): void;
}

/**
 * What another thread needs to read a SpillFile's chunks while the file
 * stays as it is (nothing written, freed or closed meanwhile): its
 * descriptor (one for the whole process), and copies of the bytes not yet
 * in it (the stage, the writes in flight, those whose write failed).
 */
export interface SpillReaderData {
  fd: number;
  chunkItems: number;
  pieces: Piece[];
}

/** Reads a SpillFile's chunks from another thread (SpillFile.readerData); writes nothing. */
export class SpillReader implements ChunkStore {
  readonly chunkItems: number;

  constructor(private readonly data: SpillReaderData) {
    this.chunkItems = data.chunkItems;
  }

  write(): null {
    return null;
  }

  read(at: number, length: number): Buffer {
    const held = pieceAt(this.data.pieces, at);
    if (held) return Buffer.from(held.bytes.subarray(at - held.at, at - held.at + length));
    return readAt(this.data.fd, at, length);
  }

  free(): void {}
}

/** What a view needs of a list: its length, an item by position, and its items in order. */
export interface List<T> extends Iterable<T> {
  readonly length: number;
  at(index: number): T | undefined;
}

/**
 * Bytes gathered before they are handed to the system in one write, on a
 * thread of libuv's pool: the analysis goes on while the kernel copies them
 * (on one long connection of 1000 MB the report's writes of 7 KB chunks, on
 * the main thread, were 11 s of its 81 s; gathered and written beside it, the
 * report took 73 s. BENCHMARKS.md has the figures).
 */
const STAGE_BYTES = 1 << 20;
/**
 * Writes in flight at most; past that a write is made on the spot. Memory
 * stays bounded (a stage, these, two spare), and the pool (four threads,
 * shared with the reading of the capture) is never all ours.
 */
const MAX_PENDING = 2;

/** Bytes at a place in the file that are in memory: the stage, a write in flight, or one that failed (kept). */
interface Piece {
  at: number;
  bytes: Uint8Array;
}

/** A temporary file made and its writes in flight; once let go (closed, or started again while writes were in flight), closed when the last lands. */
interface Descriptor {
  fd: number;
  inFlight: number;
  retired: boolean;
  /** where it is, on a system that could not unlink it while open */
  path: string | null;
  tmp: string | null;
}

/**
 * The temporary file lists spill to: made on first use under the system's
 * temporary directory and unlinked at once (nothing is left behind, whatever
 * ends the process). Space is reused once every list has let go of it.
 *
 * Writes are gathered in a stage of `stageBytes` and written in the
 * background when it is full (a chunk as large as the stage is written at
 * once); a read of bytes not yet in the file is served from memory. A file
 * let go while writes to it are in flight (closed, or everything in it no
 * longer needed) is closed when they land, and the next write makes a new
 * one: a write landing late never goes over newer bytes, nor into another
 * file given the same descriptor.
 */
export class SpillFile implements ChunkStore {
  private file: Descriptor | null = null;
  private end = 0;
  private live = 0;
  /** the bytes gathered and not yet handed to the system (they go at stageAt) */
  private stage: Buffer | null = null;
  private stageAt = 0;
  private staged = 0;
  /** writes in flight to the current file */
  private pending: Piece[] = [];
  /** writes in flight to any file (the current one and those let go) */
  private writing = 0;
  /** bytes a background write failed to put in the file: kept in memory (their places were given out) */
  private kept: Piece[] = [];
  /** stages written and free for the next one */
  private spare: Buffer[] = [];
  /** bytes written in all, for the benchmark */
  written = 0;
  /** why the file could not be made or written, once it could not: the lists then keep everything in memory */
  failed: string | null = null;

  /** where the file goes; items per chunk of the lists that spill to it (tests make them tiny, to spill every capture) */
  constructor(
    private readonly dir: string = tmpdir(),
    readonly chunkItems: number = CHUNK_ITEMS,
    /** told once, when the file cannot be made or written (a missing TMPDIR, a full disk) */
    private readonly onFail: (reason: string) => void = () => {},
    /** bytes gathered before a background write (0: every write made on the spot) */
    private readonly stageBytes: number = STAGE_BYTES,
  ) {}

  private open(): Descriptor {
    if (this.file !== null) return this.file;
    const dir = mkdtempSync(join(this.dir, 'wsdissect-'));
    const path = join(dir, 'spill');
    let fd: number;
    try {
      fd = openSync(path, 'w+', 0o600);
    } catch (err) {
      rmdirSync(dir);
      throw err;
    }
    this.file = { fd, inFlight: 0, retired: false, path: null, tmp: null };
    try {
      unlinkSync(path);
      rmdirSync(dir);
    } catch {
      // a system that cannot unlink an open file keeps it until it is closed
      this.file.path = path;
      this.file.tmp = dir;
    }
    return this.file;
  }

  /** bytes the file holds now (with those still to be written) */
  get size(): number {
    return this.end;
  }

  /** writes in flight, to this file or to one let go (for the tests) */
  get inFlight(): number {
    return this.writing;
  }

  private fail(err: unknown): void {
    if (this.failed !== null) return;
    this.failed = err instanceof Error ? err.message : String(err);
    this.onFail(this.failed);
  }

  /** Where `data` was written, or null when it could not be (the caller keeps it in memory). */
  write(data: Uint8Array): number | null {
    if (this.failed !== null) return null;
    const at = this.end;
    try {
      const d = this.open();
      if (data.length >= this.stageBytes) {
        // the stage's bytes go before it, in the file's order
        this.flush();
        writeAll(d.fd, data, at);
      } else {
        if (this.staged + data.length > this.stageBytes) this.flush();
        if (this.stage === null) {
          this.stage = this.spare.pop() ?? Buffer.allocUnsafeSlow(this.stageBytes);
          this.stageAt = at;
        }
        this.stage.set(data, this.staged);
        this.staged += data.length;
      }
    } catch (err) {
      this.fail(err);
      return null;
    }
    this.end += data.length;
    this.live += data.length;
    this.written += data.length;
    return at;
  }

  /** The stage to the file: in the background, or on the spot when enough writes are in flight already. */
  private flush(): void {
    const stage = this.stage;
    if (stage === null) return;
    const piece: Piece = { at: this.stageAt, bytes: stage.subarray(0, this.staged) };
    this.stage = null;
    this.staged = 0;
    const d = this.file!;
    // (a background write that failed on the spot, just now: these bytes stay in memory too)
    if (this.failed !== null) {
      this.kept.push(piece);
      return;
    }
    if (this.pending.length >= MAX_PENDING) {
      try {
        writeAll(d.fd, piece.bytes, piece.at);
        this.reuse(stage);
      } catch (err) {
        this.kept.push(piece);
        this.fail(err);
      }
      return;
    }
    this.pending.push(piece);
    d.inFlight++;
    this.writing++;
    // the write's end: landed whole (null), or failed
    const done = (err: unknown): void => {
      d.inFlight--;
      this.writing--;
      if (d.retired) {
        // nothing needs these bytes any more
        if (d.inFlight === 0) shut(d);
        return;
      }
      this.pending.splice(this.pending.indexOf(piece), 1);
      if (err !== null) {
        this.kept.push(piece);
        this.fail(err);
      } else this.reuse(stage);
      if (d.inFlight === 0 && this.live === 0) this.restart();
    };
    const go = (from: number): void => {
      try {
        write(d.fd, piece.bytes, from, piece.bytes.length - from, piece.at + from, (err, n) => {
          if (err) done(err);
          else if (n === 0) done(new Error('spill file: a write wrote nothing'));
          else if (from + n < piece.bytes.length) go(from + n);
          else done(null);
        });
      } catch (err) {
        done(err);
      }
    };
    go(0);
  }

  private reuse(stage: Buffer): void {
    if (this.spare.length < 2) this.spare.push(stage);
  }

  read(at: number, length: number): Buffer {
    // bytes not yet in the file (a chunk is written whole, in one piece): a copy, the stage is used again
    const stage = this.stage;
    if (stage !== null && at >= this.stageAt && at < this.stageAt + this.staged) return Buffer.from(stage.subarray(at - this.stageAt, at - this.stageAt + length));
    const held = pieceAt(this.pending, at) ?? pieceAt(this.kept, at);
    if (held) return Buffer.from(held.bytes.subarray(at - held.at, at - held.at + length));
    return readAt(this.file!.fd, at, length);
  }

  /**
   * For a reader in another thread (SpillReader), while this file is left
   * as it is: the bytes not in the file yet are copied (a few megabytes at
   * most). Null when the file failed (lists then hold their chunks).
   */
  readerData(): SpillReaderData | null {
    if (this.failed !== null) return null;
    const copy = (p: Piece): Piece => ({ at: p.at, bytes: new Uint8Array(p.bytes) });
    const pieces = [...this.pending, ...this.kept].map(copy);
    if (this.stage !== null && this.staged > 0) pieces.push(copy({ at: this.stageAt, bytes: this.stage.subarray(0, this.staged) }));
    return { fd: this.file?.fd ?? -1, chunkItems: this.chunkItems, pieces };
  }

  /** `length` bytes written earlier are no longer needed; when nothing is, the file starts again from empty */
  free(length: number): void {
    this.live -= length;
    if (this.live === 0) this.restart();
  }

  /** Nothing is needed any more: the file starts again from empty (a new one when writes to this one are in flight). */
  private restart(): void {
    if (this.end === 0) return;
    if (this.stage !== null) this.reuse(this.stage);
    this.stage = null;
    this.staged = 0;
    this.kept = [];
    this.end = 0;
    const d = this.file;
    if (d === null) return;
    if (d.inFlight > 0) this.letGo(d);
    else ftruncateSync(d.fd, 0);
  }

  /** The current file is done with: closed now, or when the writes in flight to it land. */
  private letGo(d: Descriptor): void {
    d.retired = true;
    this.file = null;
    this.pending = [];
    if (d.inFlight === 0) shut(d);
  }

  close(): void {
    const d = this.file;
    if (d === null) return;
    this.stage = null;
    this.staged = 0;
    this.letGo(d);
  }
}

/** The piece in memory that holds the byte at `at` (two in flight at most; kept ones only after a failure). */
function pieceAt(pieces: Piece[], at: number): Piece | undefined {
  for (const p of pieces) if (at >= p.at && at < p.at + p.bytes.length) return p;
  return undefined;
}

/** A file let go: closed, and removed when it could not be unlinked while open. */
function shut(d: Descriptor): void {
  closeSync(d.fd);
  try {
    if (d.path) unlinkSync(d.path);
    if (d.tmp) rmdirSync(d.tmp);
  } catch {
    // already gone
  }
}

/** `length` bytes of a file from `at`, read whole. */
function readAt(fd: number, at: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, at + done);
    if (n === 0) throw new Error('spill file ended early');
    done += n;
  }
  return buf;
}

function writeAll(fd: number, data: Uint8Array, at: number): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done, at + done);
}

/** A chunk whose items are in memory: one of the newest, or one read back. */
interface Held<T> {
  items: T[];
  /** changed since written (or never written) */
  dirty: boolean;
}

/**
 * Items per chunk: large enough that a read is worth it, small enough that
 * a few chunks are little memory, and that the items still held as objects
 * (the newest chunks, and those read back) are few: on the long connection
 * of the benchmark, 64 costs the report about 8 % less CPU than 256 (the
 * collector copies fewer live objects); 16 costs more (a system call for
 * every few items).
 */
const CHUNK_ITEMS = 64;
/** The newest chunks stay in memory: the analysis still changes its recent items (a late annotation, a phase settled). */
const RESIDENT = 2;
/** Older chunks read back and kept for the next access (views read in order; one list may be read at two places at once). */
const CACHED = 3;

/**
 * A list that keeps its newest items in memory and the rest in a SpillFile
 * (in memory entirely when it has none). Items are plain data (what
 * v8.serialize keeps: objects, arrays, strings, numbers, Buffers). An item
 * changed after it was pushed must be told with changed(i), or the change
 * may be lost when its chunk is written again; reading gives the item as it
 * was last written.
 *
 * What the list keeps of a chunk in the file is where it is and its size:
 * two numbers in an array, and a slot in another (no object a chunk: a
 * connection of millions of items has tens of thousands of chunks, about
 * 24 bytes each).
 */
export class SpillList<T> implements List<T> {
  /**
   * the chunks in memory, by number (RESIDENT + 1 newest and CACHED read
   * back; all of them without a file, or when it failed); an array with a
   * slot a chunk, not a Map: V8 keeps a long-lived Map's values longer, and
   * the collector then had ten times the full collections to do
   */
  private held: (Held<T> | undefined)[] = [];
  /** of the chunks read back, their numbers, the least recently used first (made when the first is) */
  private cached: number[] | null = null;
  /**
   * for each chunk written, where it is in the file and its size in bytes
   * (at 2n and 2n + 1; size 0 for a chunk never written), in a typed array
   * that doubles as it fills (another thread is given a copy of it, made in
   * one move); made when the first chunk is written (the lists of short
   * connections never are: nothing for them, which matters with 10^5
   * connections open)
   */
  private spans: Float64Array | null = null;
  /** chunks with a place in spans (written or not) */
  private spanned = 0;
  private readonly size: number;
  length = 0;

  /** @param codec how a chunk is written (v8.serialize unless the items have a codec of their own: util/codec.ts) */
  constructor(
    private readonly file: ChunkStore | null,
    readonly codec: Codec<T> = V8_CODEC as Codec<T>,
  ) {
    this.size = file?.chunkItems ?? CHUNK_ITEMS;
  }

  push(item: T): void {
    // the newest chunk is held (it is never written before a newer one is made)
    const n = this.held.length;
    let last = this.held[n - 1];
    if (last === undefined || last.items.length === this.size) {
      last = { items: [], dirty: true };
      this.held[n] = last;
      if (n - RESIDENT >= 0 && this.file) this.evict(n - RESIDENT);
    }
    last.items.push(item);
    this.length++;
  }

  /** chunks written to the file */
  get spilled(): boolean {
    return this.spanned > 0;
  }

  private evict(n: number): void {
    const c = this.held[n];
    if (c === undefined) return;
    if (c.dirty) {
      const data = this.codec.encode(c.items);
      const at = this.file!.write(data);
      // the file cannot be written: the chunk stays in memory
      if (at === null) return;
      let spans = this.spans;
      if (spans === null || 2 * n + 1 >= spans.length) {
        // (chunks are first written in order: the array grows at its end)
        const grown = new Float64Array(Math.max(16, 2 * (2 * n + 2)));
        if (spans !== null) grown.set(spans);
        this.spans = spans = grown;
      }
      // a chunk written again frees its old place
      const old = spans[2 * n + 1]!;
      if (old > 0) this.file!.free(old);
      spans[2 * n] = at;
      spans[2 * n + 1] = data.length;
      if (n >= this.spanned) this.spanned = n + 1;
      c.dirty = false;
    }
    this.held[n] = undefined;
    const k = this.cached?.indexOf(n) ?? -1;
    if (k >= 0) this.cached!.splice(k, 1);
  }

  private load(n: number): T[] {
    const c = this.held[n];
    const cached = this.cached;
    if (c !== undefined) {
      const k = cached?.indexOf(n) ?? -1;
      if (k >= 0 && k !== cached!.length - 1) {
        cached!.splice(k, 1);
        cached!.push(n);
      }
      return c.items;
    }
    const items = this.codec.decode(this.file!.read(this.spans![2 * n]!, this.spans![2 * n + 1]!));
    this.held[n] = { items, dirty: false };
    (this.cached ??= []).push(n);
    if (this.cached.length > CACHED) this.evict(this.cached.shift()!);
    return items;
  }

  /** A chunk's items: those held, or read back for one reading (not kept). */
  private once(n: number): T[] {
    const c = this.held[n];
    if (c !== undefined) return c.items;
    return this.codec.decode(this.file!.read(this.spans![2 * n]!, this.spans![2 * n + 1]!));
  }

  at(index: number): T | undefined {
    const i = index < 0 ? index + this.length : index;
    if (i < 0 || i >= this.length || !Number.isInteger(i)) return undefined;
    return this.load(Math.floor(i / this.size))[i % this.size];
  }

  /** The item at `index` was changed in place (through at()): keep the change. */
  changed(index: number): void {
    const i = index < 0 ? index + this.length : index;
    const c = this.held[Math.floor(i / this.size)];
    if (c) c.dirty = true;
  }

  [Symbol.iterator](): Iterator<T> {
    // a plain iterator, not a generator: it is read once per item of every pass of every view
    let n = 0;
    let items: T[] = [];
    let k = 0;
    return {
      next: (): IteratorResult<T> => {
        while (k >= items.length) {
          if (n >= this.held.length) return { done: true, value: undefined };
          items = this.load(n++);
          k = 0;
        }
        return { done: false, value: items[k++]! };
      },
    };
  }

  /**
   * The items from `from` to `to` (not included), in order, read once: a
   * chunk read back for it is not kept (its items die young, and the
   * collector has less to keep and to copy).
   */
  range(from: number, to: number): Iterable<T> {
    return {
      [Symbol.iterator]: (): Iterator<T> => {
        const end = Math.min(to, this.length);
        let i = Math.max(0, from);
        let n = Math.floor(i / this.size);
        let items: T[] = i < end ? this.once(n) : [];
        let k = i % this.size;
        return {
          next: (): IteratorResult<T> => {
            if (i >= end) return { done: true, value: undefined };
            if (k >= items.length) {
              items = this.once(++n);
              k = 0;
            }
            i++;
            return { done: false, value: items[k++]! };
          },
        };
      },
    };
  }

  /**
   * What another thread needs to read this list (SpillList.replica): where
   * its chunks are in the file, and those only in memory (the newest, and
   * any changed since written), encoded. Null without a file: the list is
   * all in memory.
   */
  share(): SharedList | null {
    if (this.file === null) return null;
    const held: [number, Uint8Array][] = [];
    const spans = this.spans?.slice(0, 2 * this.spanned) ?? new Float64Array(0);
    this.held.forEach((c, n) => {
      if (c !== undefined && (c.dirty || !(spans[2 * n + 1]! > 0))) held.push([n, new Uint8Array(this.codec.encode(c.items))]);
    });
    return { length: this.length, size: this.size, spans, held };
  }

  /** A list read from a shared one (share()), in another thread: its chunks come from `store`; nothing is to be pushed to it. */
  static replica<T>(data: SharedList, store: ChunkStore, codec: Codec<T>): SpillList<T> {
    const list = new SpillList<T>(store, codec);
    if (data.size !== list.size) throw new Error('a shared list of another chunk size');
    list.length = data.length;
    list.spans = data.spans;
    list.spanned = data.spans.length / 2;
    const held: (Held<T> | undefined)[] = new Array(Math.ceil(data.length / data.size));
    for (const [n, bytes] of data.held) held[n] = { items: codec.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)), dirty: false };
    list.held = held;
    return list;
  }

  /** Lets go of the items and the file space they took; the list is empty afterwards. */
  release(): void {
    const spans = this.spans;
    if (spans !== null) for (let k = 1; k < 2 * this.spanned; k += 2) if (spans[k]! > 0) this.file!.free(spans[k]!);
    this.held = [];
    this.cached = null;
    this.spans = null;
    this.spanned = 0;
    this.length = 0;
  }

}

/** A SpillList as another thread reads it (SpillList.share, SpillList.replica). */
export interface SharedList {
  length: number;
  size: number;
  /** its own copy (sent by transfer) */
  spans: Float64Array;
  /** the chunks only in memory: their number and their items encoded */
  held: [number, Uint8Array][];
}

/** Some items of a list, by position (a view of it: nothing is copied but the positions). */
export class SubList<T> implements List<T> {
  private positions = new Uint32Array(64);
  length = 0;

  constructor(private readonly base: List<T>) {}

  add(position: number): void {
    if (this.length === this.positions.length) {
      const grown = new Uint32Array(this.positions.length * 2);
      grown.set(this.positions);
      this.positions = grown;
    }
    this.positions[this.length++] = position;
  }

  at(index: number): T | undefined {
    const i = index < 0 ? index + this.length : index;
    if (i < 0 || i >= this.length) return undefined;
    return this.base.at(this.positions[i]!);
  }

  [Symbol.iterator](): Iterator<T> {
    let i = 0;
    return {
      next: (): IteratorResult<T> => (i < this.length ? { done: false, value: this.base.at(this.positions[i++]!)! } : { done: true, value: undefined }),
    };
  }
}

/** A set of small whole numbers (message indexes, packet numbers): a bit each. */
export class BitSet {
  private bits = new Uint32Array(64);

  add(n: number): void {
    const w = n >>> 5;
    if (w >= this.bits.length) {
      const grown = new Uint32Array(Math.max(w + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[w]! |= 1 << (n & 31);
  }

  has(n: number): boolean {
    const w = n >>> 5;
    return w < this.bits.length && (this.bits[w]! & (1 << (n & 31))) !== 0;
  }
}

/** A list whose items are made from another's as they are read. */
export class MappedList<S, T> implements List<T> {
  constructor(
    private readonly base: List<S>,
    private readonly fn: (item: S) => T,
  ) {}

  get length(): number {
    return this.base.length;
  }

  at(index: number): T | undefined {
    const item = this.base.at(index);
    return item === undefined ? undefined : this.fn(item);
  }

  [Symbol.iterator](): Iterator<T> {
    return this.mapped(this.base);
  }

  /** The items from `from` to `to` (not included), as rangeOf reads the base list's. */
  range(from: number, to: number): Iterable<T> {
    return { [Symbol.iterator]: (): Iterator<T> => this.mapped(rangeOf(this.base, from, to)) };
  }

  private mapped(items: Iterable<S>): Iterator<T> {
    const it = items[Symbol.iterator]();
    return {
      next: (): IteratorResult<T> => {
        const r = it.next();
        return r.done ? r : { done: false, value: this.fn(r.value) };
      },
    };
  }
}

/** The items of a list from `from` to `to` (not included), in order: a spilled list's a chunk at a time. */
export function rangeOf<T>(list: List<T>, from: number, to: number): Iterable<T> {
  if (list instanceof SpillList) return list.range(from, to);
  if (list instanceof MappedList) return list.range(from, to);
  if (from === 0 && to >= list.length && Array.isArray(list)) return list;
  return {
    [Symbol.iterator]: (): Iterator<T> => {
      let i = from;
      const end = Math.min(to, list.length);
      return { next: (): IteratorResult<T> => (i < end ? { done: false, value: list.at(i++)! } : { done: true, value: undefined }) };
    },
  };
}

/** The first item that passes `test`, or undefined. */
export function find<T>(list: Iterable<T>, test: (item: T) => boolean): T | undefined {
  for (const item of list) if (test(item)) return item;
  return undefined;
}

export function some<T>(list: Iterable<T>, test: (item: T) => boolean): boolean {
  return find(list, test) !== undefined;
}

/**
 * Finds items by a key that grows along the list (a message by its index, a
 * timeline entry by its packet) in O(log n), starting from where the last
 * search ended: views ask in order, so a spilled list is read forward, a
 * chunk at a time, and not all over. Keys are unique (no two items share
 * one): the item after the last found is tried first.
 */
export class KeyedLookup<T> {
  private last = 0;

  constructor(
    private readonly list: List<T>,
    private readonly keyOf: (item: T) => number,
    /** a key is its item's place when no item was left out (a message's index): looked for there before the gallop */
    private readonly dense = false,
  ) {}

  get(key: number | null): T | undefined {
    if (key === null) return undefined;
    const n = this.list.length;
    if (n === 0) return undefined;
    // the key asked is most often where the last search ended or the next item's
    const start = Math.min(this.last, n - 1);
    const at = this.list.at(start)!;
    const here = this.keyOf(at);
    if (here === key) return at;
    if (here < key && start + 1 < n) {
      const next = this.list.at(start + 1)!;
      const k = this.keyOf(next);
      if (k === key) {
        this.last = start + 1;
        return next;
      }
    }
    // dense keys (whole numbers, unique and growing): the key is at most (key - here) items ahead, and is there when no
    // key between was left out: a view that skips a range of items (render/draw.ts) finds it in one step, not by
    // reading every chunk a gallop would
    const guess = start + (key - here);
    if (this.dense && key > here && guess < n && guess > start + 1) {
      const at = this.list.at(guess)!;
      if (this.keyOf(at) === key) {
        this.last = guess;
        return at;
      }
    }
    // else gallop from there towards the key, then bisect (keys being unique, an item with the key is the one)
    const keyAt = (i: number): number => this.keyOf(this.list.at(i)!);
    let lo: number;
    let hi: number;
    if (here < key) {
      lo = start;
      let step = 1;
      hi = start + step;
      while (hi < n) {
        const k = keyAt(hi);
        if (k > key) break;
        lo = hi;
        if (k === key) break;
        step *= 2;
        hi = start + step;
      }
      hi = Math.min(hi, n);
    } else {
      hi = start;
      let step = 1;
      lo = start - step;
      while (lo > 0 && keyAt(lo) > key) {
        hi = lo;
        step *= 2;
        lo = start - step;
      }
      lo = Math.max(lo, 0);
    }
    // keyAt(lo) <= key < keyAt(hi) (hi may be n), unless key is below every item
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (keyAt(mid) <= key) lo = mid;
      else hi = mid;
    }
    this.last = lo;
    const item = this.list.at(lo)!;
    return this.keyOf(item) === key ? item : undefined;
  }
}
