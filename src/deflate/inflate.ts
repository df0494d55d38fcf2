// permessage-deflate decompression (RFC 7692 §7.2.2): each message's payload
// gets the 00 00 ff ff tail back and is inflated; with context takeover, the
// sender's LZ77 window holds the end of the previous messages, which is given
// to the inflater as its dictionary. One context per direction.
import { constants, inflateRawSync } from 'node:zlib';
import type { DeflateContextRules } from './negotiation.js';

const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** What one message may inflate to unless told otherwise: enough for any sane message, little for a bomb. */
export const DEFAULT_INFLATE_LIMIT = 8 * 1024 * 1024;

export type InflateResult =
  | { ok: true; data: Buffer }
  /** limit: the output passed the limit (a decompression bomb, or just large); context-lost: an earlier message could not be read, and this one may refer to it */
  | { ok: false; reason: 'limit' | 'context-lost' }
  /** not a deflate stream in this context: zlib's own words for what it found */
  | { ok: false; reason: 'corrupt'; detail: string };

/** Inflates one message's compressed payload, given the window the sender had before it. Pure. */
export function inflateMessage(payload: Buffer, history: Buffer | null, limit: number): InflateResult {
  try {
    const data = inflateRawSync(Buffer.concat([payload, TAIL]), {
      finishFlush: constants.Z_SYNC_FLUSH,
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

export class InflateContext {
  /** the sender's window: the end of what it sent before, `held` bytes at the start of a buffer of the window's size, made once */
  private window: Buffer | null = null;
  private held = 0;
  private lost = false;

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
  ) {}

  /** The window a sender keeps: 2^bits bytes (zlib never uses fewer than 2^9). */
  private get windowSize(): number {
    return 1 << Math.max(9, this.rules.windowBits);
  }

  inflate(payload: Buffer): InflateResult {
    if (this.lost && this.rules.takeover) {
      return { ok: false, reason: 'context-lost' };
    }
    const r = inflateMessage(payload, this.rules.takeover && this.window ? this.window.subarray(0, this.held) : null, this.limit);
    if (!r.ok) {
      if (this.partial) this.held = 0;
      else this.lost = true;
      return r;
    }
    if (this.rules.takeover) this.remember(r.data);
    return r;
  }

  /** The window slides over what was just inflated (in place: the last windowSize bytes of everything so far). */
  private remember(data: Buffer): void {
    const size = this.windowSize;
    const w = (this.window ??= Buffer.alloc(size));
    if (data.length >= size) {
      data.copy(w, 0, data.length - size);
      this.held = size;
      return;
    }
    const keep = Math.min(this.held, size - data.length);
    if (keep < this.held) w.copy(w, 0, this.held - keep, this.held);
    data.copy(w, keep);
    this.held = keep + data.length;
  }

  /** A compressed message of this direction was not captured whole: what follows may refer to it. */
  loseContext(): void {
    if (this.partial) this.held = 0;
    else this.lost = true;
  }
}
