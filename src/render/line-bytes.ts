// Lines put together as the bytes they are printed as, many to a batch: the
// long sections of a view (the walkthrough's rows, the frame table's) have a
// line a packet or a frame, millions on a busy connection. A line made as a
// string is built from pieces, flattened, and encoded to UTF-8 when written
// (as a two-byte string as soon as it holds an arrow or a border); here the
// pieces that repeat (a border, an arrow, a phase's cell, colour codes) are
// encoded once and copied, numbers written digit by digit, and the one piece
// of a line that is text of its own (a summary, a preview) encoded in place.

import { putBytes, putChar } from '../util/scratch.js';

/** A batch is handed on once it holds this much (a chunk of the output, as a few hundred lines). */
const BATCH = 64 * 1024;

export class LineBytes {
  private buf: Buffer;
  private at = 0;

  /** `size`: the bytes it starts with (a batch's; a single line's may start small) */
  constructor(size = BATCH) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Empty again (a section left unfinished, its reader gone, may have left lines behind). */
  reset(): this {
    this.at = 0;
    return this;
  }

  /** bytes held: the caller hands the batch on (take) once it passes `full` */
  get length(): number {
    return this.at;
  }

  get full(): boolean {
    return this.at >= BATCH;
  }

  /** room for `n` more bytes (a line is never split between two batches) */
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.at + n));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  /**
   * The lines so far, as a view of the batch's buffer valid until the batch
   * is written again (a view's chunks are copied by whoever takes them
   * before asking for the next); the batch starts again, empty.
   */
  take(): Buffer {
    const out = this.buf.subarray(0, this.at);
    this.at = 0;
    // a buffer grown for one long line is not kept past it
    if (this.buf.length > 4 * BATCH) this.buf = Buffer.allocUnsafe(BATCH);
    return out;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.at = putBytes(this.buf, this.at, b);
  }

  spaces(n: number): void {
    if (n <= 0) return;
    this.room(n);
    const buf = this.buf;
    let j = this.at;
    for (let k = 0; k < n; k++) buf[j++] = 0x20;
    this.at = j;
  }

  /** A string of ASCII characters only (digits, hex, a number's text): a character a byte. */
  ascii(s: string): void {
    this.room(s.length);
    const buf = this.buf;
    let j = this.at;
    for (let i = 0; i < s.length; i++) buf[j++] = s.charCodeAt(i);
    this.at = j;
  }

  /**
   * Any string, encoded as UTF-8: a character of the Basic Multilingual
   * Plane (ASCII, and the dashes, arrows, ellipses and borders of a row) by
   * its one to three bytes without a call into C++; a string with a
   * surrogate (an emoji, a lone half) by Buffer#write.
   */
  text(s: string): void {
    this.room(3 * s.length);
    const buf = this.buf;
    let j = this.at;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) buf[j++] = c;
      else if (c < 0xd800 || c > 0xdfff) j = putChar(buf, j, c);
      else {
        this.at += buf.write(s, this.at, 'utf8');
        return;
      }
    }
    this.at = j;
  }

  /** `s` (ASCII) after spaces to make `width` columns (the right-aligned numbers of a row). */
  asciiRight(s: string, width: number): void {
    this.spaces(width - s.length);
    this.ascii(s);
  }

  newline(): void {
    this.room(1);
    this.buf[this.at++] = 0x0a;
  }
}

/** ANSI colour codes as bytes, the opening and the closing one (both empty when colour is off). */
export function codesOf(paint: (s: string) => string): [Buffer, Buffer] {
  const s = paint('x');
  const at = s.indexOf('x');
  return [Buffer.from(s.slice(0, at), 'latin1'), Buffer.from(s.slice(at + 1), 'latin1')];
}
