// permessage-deflate decompression (RFC 7692 §7.2.2): each message's payload
// gets the 00 00 ff ff tail back and is inflated; with context takeover, the
// sender's LZ77 window holds the end of the previous messages. One context
// per direction.
//
// A context keeps one zlib inflater for its direction, fed message after
// message, as the sender's deflater was (its window is then zlib's own, and
// without context takeover it is reset between messages). Node's zlib has
// no synchronous API for a stream: its one-shot inflateRawSync makes a new
// inflater for every message (about 6 µs, and its native memory held until
// the garbage collector finds it: a third of the CPU of --summary on a busy
// compressed connection, and tens of megabytes). So the inflater is driven
// through the handle behind Node's zlib streams (the writeSync its one-shot
// functions use). That handle is internal: it is checked once, on an
// inflation whose result is known, and when it is not as expected every
// message is inflated alone by inflateRawSync against the window the context
// keeps, with the same results.
import { constants, createInflateRaw, inflateRawSync } from 'node:zlib';
import type { DeflateContextRules } from './negotiation.js';

const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
/** An empty stored block, whole: what a sync flush emits on a byte boundary (it leaves an inflater where it found it, if that was between blocks) */
const EMPTY_BLOCK = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

/** What one message may inflate to unless told otherwise: enough for any sane message, little for a bomb. */
export const DEFAULT_INFLATE_LIMIT = 8 * 1024 * 1024;

export type InflateResult =
  | { ok: true; data: Buffer }
  /** limit: the output passed the limit (a decompression bomb, or just large); context-lost: an earlier message could not be read, and this one may refer to it */
  | { ok: false; reason: 'limit' | 'context-lost' }
  /** not a deflate stream in this context: zlib's own words for what it found */
  | { ok: false; reason: 'corrupt'; detail: string };

/** Inflates one message's compressed payload, given the window the sender had before it. Pure. */
export function inflateMessage(payload: Buffer, history: Buffer | null, limit: number, windowBits = 15): InflateResult {
  try {
    const data = inflateRawSync(Buffer.concat([payload, TAIL]), {
      finishFlush: constants.Z_SYNC_FLUSH,
      windowBits: Math.max(9, windowBits),
      // output blocks about the size a message of this length inflates to (zlib's 16 KiB for every message is most of the garbage of a busy connection)
      chunkSize: Math.min(64 * 1024, Math.max(1024, payload.length * 8)),
      maxOutputLength: Math.max(1, limit),
      ...(history && history.length > 0 ? { dictionary: history } : {}),
    });
    return { ok: true, data };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) return { ok: false, reason: 'limit' };
    return { ok: false, reason: 'corrupt', detail: e.message };
  }
}

/** The part of a zlib stream's handle used here (lib/zlib.js in Node: the binding its streams and one-shot functions drive). */
interface ZlibHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  reset(): void;
  onerror: (message: string, errno: number, code?: string) => void;
}

/** Where each write's output goes before it is copied out: inflation is synchronous, so one serves every context of a thread. */
let scratch: Buffer | null = null;
const SCRATCH = 64 * 1024;

/** What feeding one buffer to the inflater gave. */
type Fed = { ok: true; ended: boolean } | { ok: false; reason: 'limit' } | { ok: false; reason: 'corrupt'; detail: string };

/**
 * One zlib inflater, fed synchronously through its stream's handle. Null
 * from open() when the handle is not what this expects (another Node):
 * the caller then inflates one message at a time.
 */
class Inflater {
  private error: string | null = null;

  private constructor(
    private readonly stream: { close(): void },
    private readonly handle: ZlibHandle,
    /** [output room left, input left] after each write (the stream's own, which the handle fills) */
    private readonly state: Uint32Array,
  ) {
    handle.onerror = (message) => {
      this.error = message;
    };
  }

  static open(windowBits: number, dictionary: Buffer | null): Inflater | null {
    if (!streamsWork()) return null;
    return Inflater.make(windowBits, dictionary);
  }

  static make(windowBits: number, dictionary: Buffer | null): Inflater | null {
    try {
      const stream = createInflateRaw({ windowBits, ...(dictionary && dictionary.length > 0 ? { dictionary } : {}) });
      const inner = stream as unknown as { _handle?: Partial<ZlibHandle> | null; _writeState?: unknown };
      const handle = inner._handle;
      const state = inner._writeState;
      if (!handle || typeof handle.writeSync !== 'function' || typeof handle.reset !== 'function' || !(state instanceof Uint32Array) || state.length < 2) {
        stream.close();
        return null;
      }
      return new Inflater(stream, handle as ZlibHandle, state);
    } catch {
      return null;
    }
  }

  /**
   * Feeds `input` (the whole of it, unless the deflate stream ends within
   * it: `ended`), adding what comes out to `out`; stops with 'limit' once
   * the output of this message would pass `limit` bytes.
   */
  feed(input: Buffer, out: Buffer[], sofar: { bytes: number }, limit: number): Fed {
    const buf = (scratch ??= Buffer.allocUnsafe(SCRATCH));
    let inOff = 0;
    let inLen = input.length;
    for (;;) {
      // room for one byte past the limit at most: a message that passes the limit before it turns out corrupt is over the limit
      const space = Math.min(buf.length, limit - sofar.bytes + 1);
      this.handle.writeSync(constants.Z_SYNC_FLUSH, input, inOff, inLen, buf, 0, space);
      if (this.error !== null) return { ok: false, reason: 'corrupt', detail: this.error };
      const room = this.state[0]!;
      const left = this.state[1]!;
      const made = space - room;
      if (made > 0) {
        sofar.bytes += made;
        if (sofar.bytes > limit) return { ok: false, reason: 'limit' };
        out.push(Buffer.from(buf.subarray(0, made)));
      }
      inOff += inLen - left;
      inLen = left;
      // output room left: zlib wanted more input, or the stream ended (input left over)
      if (room > 0) return { ok: true, ended: inLen > 0 };
    }
  }

  /**
   * Whether the deflate stream stands between blocks, on a byte boundary,
   * as the tail of a flushed message leaves it: an empty stored block then
   * gives nothing and leaves it so. A message that did not end so (empty,
   * cut short, its own tail not removed) leaves the inflater inside a block
   * or a block's header, where the next message's bytes would be read as
   * the rest of it; the block then gives bytes, fails or ends the stream
   * (a dynamic block's header cut short may take it in unseen: then the
   * next message is read as the rest of that header, and most likely fails).
   */
  betweenBlocks(): boolean {
    const r = this.feed(EMPTY_BLOCK, [], { bytes: 0 }, 0);
    return r.ok && !r.ended;
  }

  reset(): void {
    this.handle.reset();
  }

  close(): void {
    try {
      this.stream.close();
    } catch {
      // closed already
    }
  }
}

/** Whether an inflater driven through its handle gives what inflateRawSync gives (checked once per thread). */
let checked: boolean | null = null;
function streamsWork(): boolean {
  if (checked !== null) return checked;
  checked = false;
  const probe = Inflater.make(15, null);
  if (!probe) return false;
  try {
    // "hello" then "hello" again by reference to it: a stream of two flushed messages
    const first = Buffer.from('ca48cdc9c90700', 'hex');
    const second = Buffer.from('ca00110000', 'hex');
    const out: Buffer[] = [];
    const a = probe.feed(Buffer.concat([first, TAIL]), out, { bytes: 0 }, 100);
    const b = probe.feed(Buffer.concat([second, TAIL]), out, { bytes: 0 }, 100);
    checked = a.ok && b.ok && !a.ended && !b.ended && Buffer.concat(out).toString('latin1') === 'hellohello';
  } catch {
    checked = false;
  } finally {
    probe.close();
  }
  return checked;
}

/**
 * Inflaters open at once in a thread. Each holds zlib's state and its own
 * window (about 45 KiB, more than the window the context keeps); a capture
 * with thousands of compressed connections open at once would hold them
 * all. Past this many, the one used least recently is closed: it stood
 * between blocks (one that does not is closed at once), so a new one made
 * on the context's window at its next message inflates it the same.
 */
export const MAX_OPEN_INFLATERS = 256;
/** the contexts with an open inflater, least recently used first */
const opened = new Set<InflateContext>();

/** How many inflaters are open in this thread (for the tests). */
export function openInflaters(): number {
  return opened.size;
}

export class InflateContext {
  /**
   * the sender's window: the end of what it sent before, the bytes from
   * `start` to `end` of a buffer a quarter larger than the window (made
   * once): a message is added after the others, and only when the buffer is
   * full is the window moved back to its start (copying 2^bits bytes for
   * every quarter of that added, not for every message)
   */
  private window: Buffer | null = null;
  private start = 0;
  private end = 0;
  private lost = false;
  /** the direction's inflater, where the sender's deflater stood after the last message (null: made at the next one, the window its dictionary) */
  private inflater: Inflater | null = null;
  /** each message inflated alone, by inflateRawSync (asked for, or the streams' handle is not as expected) */
  private oneShot: boolean;

  constructor(
    readonly rules: DeflateContextRules,
    private readonly limit: number,
    /**
     * The connection's start is not in the capture: the sender's window
     * before it is unknown. A message that refers back beyond what was
     * inflated here fails to inflate (zlib finds the distance too far back)
     * and is no fault of the sender; the window then starts again empty, so
     * that a later message is never inflated against the wrong bytes.
     */
    readonly partial = false,
    /** 'one-shot': every message by inflateRawSync (the same results, slower: for the tests that say so) */
    engine: 'stream' | 'one-shot' = 'stream',
  ) {
    this.oneShot = engine === 'one-shot';
  }

  /** How messages are inflated: by the direction's own inflater, or each alone (decided at the first message). */
  get engine(): 'stream' | 'one-shot' {
    return this.oneShot ? 'one-shot' : 'stream';
  }

  /** The window a sender keeps: 2^bits bytes (zlib never uses fewer than 2^9). */
  private get windowBits(): number {
    return Math.max(9, this.rules.windowBits);
  }

  inflate(payload: Buffer): InflateResult {
    if (this.lost && this.rules.takeover) {
      return { ok: false, reason: 'context-lost' };
    }
    const r = this.run(payload);
    if (!r.ok) {
      this.loseContext();
      return r;
    }
    if (this.rules.takeover) this.remember(r.data);
    return r;
  }

  private run(payload: Buffer): InflateResult {
    const history = this.rules.takeover && this.window ? this.window.subarray(this.start, this.end) : null;
    if (!this.oneShot && this.inflater === null) {
      this.inflater = Inflater.open(this.windowBits, history);
      if (this.inflater === null) this.oneShot = true;
    }
    const z = this.inflater;
    if (z === null) return inflateMessage(payload, history, this.limit, this.rules.windowBits);
    opened.delete(this);
    opened.add(this);
    if (opened.size > MAX_OPEN_INFLATERS) opened.values().next().value!.drop();
    const out: Buffer[] = [];
    const sofar = { bytes: 0 };
    const limit = Math.max(1, this.limit);
    let fed = z.feed(payload, out, sofar, limit);
    if (fed.ok && !fed.ended) fed = z.feed(TAIL, out, sofar, limit);
    if (!fed.ok) return fed;
    // the sender ended its deflate stream (a block with BFINAL): its next message starts another, which may refer to the window
    if (fed.ended) this.drop();
    else if (!this.rules.takeover) z.reset();
    // the message did not end between blocks: the next one starts a new inflater on the window, as it would inflated alone
    else if (!z.betweenBlocks()) this.drop();
    return { ok: true, data: out.length === 1 ? out[0]! : Buffer.concat(out, sofar.bytes) };
  }

  /** The window slides over what was just inflated: the last 2^bits bytes of everything so far. */
  private remember(data: Buffer): void {
    const size = 1 << this.windowBits;
    const w = (this.window ??= Buffer.alloc(size + (size >> 2)));
    if (data.length >= size) {
      data.copy(w, 0, data.length - size);
      this.start = 0;
      this.end = size;
      return;
    }
    if (this.end + data.length > w.length) {
      // full: what stays of the window goes back to the buffer's start
      const keep = Math.min(this.end - this.start, size - data.length);
      w.copy(w, 0, this.end - keep, this.end);
      this.start = 0;
      this.end = keep;
    }
    data.copy(w, this.end);
    this.end += data.length;
    this.start = Math.max(this.start, this.end - size);
  }

  /** A compressed message of this direction was not captured whole (or did not inflate): what follows may refer to it. */
  loseContext(): void {
    this.drop();
    if (this.partial) this.start = this.end = 0;
    else this.lost = true;
  }

  private drop(): void {
    if (this.inflater === null) return;
    this.inflater.close();
    this.inflater = null;
    opened.delete(this);
  }

  /** The direction is over: its inflater's memory goes now, not when the garbage collector finds it. */
  close(): void {
    this.drop();
  }
}
