// JSON written as bytes: the lines made once per frame and per message
// (NDJSON, the --json document's lists) are encoded straight into a buffer
// that is used again for every line — whole numbers as digits, our own words
// and literals byte by byte — instead of being built as strings, joined and
// encoded. Only what needs escaping (payload texts, close reasons, an
// application's fields) and fractional numbers go through strings, exactly
// as JSON.stringify and a template literal write them.

import { putBytes, putChar } from '../util/scratch.js';

/** Bytes made ready elsewhere, copied to where the output goes. */
export type WriteBytes = (bytes: Buffer, start: number, end: number) => void;

/** 2^33: below it a double's step is less than a microsecond. */
const MICRO_EXACT_BELOW = 2 ** 33;

/** The letter after the backslash of a character JSON.stringify escapes short (\" \\ \b \f \n \r \t); 0: as \u00XX. */
const ESCAPED = new Uint8Array(0x60);
ESCAPED[0x22] = 0x22;
ESCAPED[0x5c] = 0x5c;
ESCAPED[0x08] = 0x62;
ESCAPED[0x0c] = 0x66;
ESCAPED[0x0a] = 0x6e;
ESCAPED[0x0d] = 0x72;
ESCAPED[0x09] = 0x74;
const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** Bytes of a list's encoded items gathered before they are handed on (--json's lists, the HTML report's data blocks): a copy a batch, not an item. */
export const ITEM_BATCH = 32 * 1024;
/** utf8Text's piece of a long text. */
const TEXT_PIECE = 64 * 1024;

/** A line being written; `bytes.subarray(0, at)` is it. */
export class JsonBytes {
  bytes: Buffer;
  at = 0;

  constructor(private readonly size = 64 * 1024) {
    this.bytes = Buffer.allocUnsafe(size);
  }

  /** Starts a new line; a buffer grown past a megabyte for a long one is let go. */
  reset(): void {
    this.at = 0;
    if (this.bytes.length > 1024 * 1024) this.bytes = Buffer.allocUnsafe(this.size);
  }

  /** The line so far as text (for the views that embed it in text of their own). */
  text(): string {
    return this.bytes.toString('utf8', 0, this.at);
  }

  private room(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.at + n));
    this.bytes.copy(bigger, 0, 0, this.at);
    this.bytes = bigger;
  }

  /** Text known to be ASCII (our own words, hex, digits of a number). */
  ascii(s: string): void {
    const n = s.length;
    this.room(n);
    const b = this.bytes;
    let at = this.at;
    for (let i = 0; i < n; i++) b[at++] = s.charCodeAt(i);
    this.at = at;
  }

  /** Any text, as UTF-8 (already escaped as JSON where it needs to be). */
  utf8(s: string): void {
    // a UTF-16 code unit takes at most 3 bytes
    this.room(s.length * 3);
    this.at += this.bytes.write(s, this.at, 'utf8');
  }

  byte(c: number): void {
    this.room(1);
    this.bytes[this.at++] = c;
  }

  bool(v: boolean): void {
    this.ascii(v ? 'true' : 'false');
  }

  /** Bytes made once (a run of constant JSON, json.ts's pieces). */
  raw(piece: Buffer): void {
    this.room(piece.length);
    this.at = putBytes(this.bytes, this.at, piece);
  }

  /**
   * A number as `${n}` writes it: a whole one digit by digit; a time of a
   * capture in microseconds (ts, relTs: most of the fractions written) as
   * its microseconds with a point put in; any other through String.
   */
  number(n: number): void {
    if (n >= 0 && Number.isSafeInteger(n)) {
      this.digits(n, 0);
      return;
    }
    if (n > 0 && n < MICRO_EXACT_BELOW) {
      const micro = Math.round(n * 1e6);
      // micro / 1e6 is the double nearest the decimal micro × 10^-6: when it is n,
      // that decimal reads back as n, and below 2^33 (a double's step under a
      // microsecond) no decimal of fewer digits does: it is what String(n) writes
      if (micro / 1e6 === n) {
        this.digits(micro, 6);
        return;
      }
    }
    this.ascii(String(n));
  }

  /** A whole number's digits, with a point before the last `point` of them (then no trailing zeros; at least "0." before a fraction). */
  private digits(n: number, point: number): void {
    let count = 1;
    for (let p = 10; p <= n; p *= 10) count++;
    let drop = 0;
    if (point > 0) {
      // the fraction's trailing zeros go (a whole number is not written this way: n has a fraction)
      while (drop < point && n % 10 === 0) {
        n /= 10;
        drop++;
        count--;
      }
      point -= drop;
      if (count <= point) count = point + 1;
      count++;
    }
    this.room(count);
    const b = this.bytes;
    let at = this.at + count;
    this.at = at;
    for (let i = 0; i < count; i++) {
      if (point > 0 && i === point) {
        b[--at] = 0x2e;
        continue;
      }
      const q = Math.floor(n / 10);
      b[--at] = 48 + (n - q * 10);
      n = q;
    }
  }

  /** A number, or null. */
  numberOrNull(n: number | null): void {
    if (n === null) this.ascii('null');
    else this.number(n);
  }

  /** A list of whole numbers, as `[${list.join(',')}]`. */
  numbers(list: readonly number[]): void {
    this.byte(0x5b);
    for (let i = 0; i < list.length; i++) {
      if (i > 0) this.byte(0x2c);
      this.number(list[i]!);
    }
    this.byte(0x5d);
  }

  /**
   * Any text as JSON.stringify writes it: between quotes, escaped where it
   * must be. A text with nothing to escape is encoded as it is read (a
   * character of the Basic Multilingual Plane by its one to three bytes);
   * one with something (a control character, the quote, the backslash, a
   * surrogate, which JSON.stringify escapes when alone) is handed to
   * JSON.stringify whole.
   */
  string(s: string): void {
    this.room(3 * s.length + 2);
    const b = this.bytes;
    const start = this.at;
    let at = start;
    b[at++] = 0x22;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (c < 0x20 || c === 0x22 || c === 0x5c) {
          this.utf8(JSON.stringify(s));
          return;
        }
        b[at++] = c;
      } else if (c < 0xd800 || c > 0xdfff) at = putChar(b, at, c);
      else {
        this.utf8(JSON.stringify(s));
        return;
      }
    }
    b[at++] = 0x22;
    this.at = at;
  }

  /**
   * Bytes of valid UTF-8 (isUtf8: no surrogate is encoded in them) as the
   * JSON string JSON.stringify writes of their text, escaped byte by byte:
   * the quote, the backslash and the control characters are all ASCII, and
   * every other byte is copied (no string is made of the text).
   */
  utf8Text(src: Buffer, start: number, end: number): void {
    this.byte(0x22);
    // a piece at a time, room made for the most it can take (six bytes, \u001b, for one)
    for (let from = start; from < end; from += TEXT_PIECE) {
      const to = Math.min(end, from + TEXT_PIECE);
      this.room(6 * (to - from));
      const b = this.bytes;
      let at = this.at;
      for (let i = from; i < to; i++) {
        const c = src[i]!;
        if (c >= 0x20 && c !== 0x22 && c !== 0x5c) {
          b[at++] = c;
          continue;
        }
        b[at++] = 0x5c;
        const short = ESCAPED[c]!;
        if (short !== 0) b[at++] = short;
        else {
          b[at++] = 0x75;
          b[at++] = 0x30;
          b[at++] = 0x30;
          b[at++] = HEX[c >> 4]!;
          b[at++] = HEX[c & 0x0f]!;
        }
      }
      this.at = at;
    }
    this.byte(0x22);
  }

  /** One of our own words in quotes (no escaping needed). */
  word(s: string): void {
    this.byte(0x22);
    this.ascii(s);
    this.byte(0x22);
  }
}
