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
/** "00" to "99": a number's digits are written two at a time. */
const PAIRS = Buffer.from(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''), 'latin1');
/** Bytes of a list's encoded items gathered before they are handed on (--json's lists, the HTML report's data blocks): a copy a batch, not an item. */
export const ITEM_BATCH = 32 * 1024;
/** What JSON.stringify escapes in a text: a control character, the quote, the backslash, a surrogate (it escapes a lone one; a text with a pair is left to it too). */
const MUST_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
/** From this length a text is searched by MUST_ESCAPE and encoded by Buffer#write (measured: below it, the loop of string() costs less than the two calls). */
const NATIVE_FROM = 48;
/** RFC 4648's base64 alphabet. */
const BASE64 = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');
/** Runs up to this long are encoded as base64 by base64()'s loop; longer ones natively (measured: the loop is 2.2 × faster at 116 bytes, the native call 2.6 × at 1024). */
const BASE64_HERE = 256;
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
   * A number as `${n}` writes it: a whole one by its digits; a time of a
   * capture in microseconds (ts, relTs: most of the fractions written) as
   * its whole seconds, a point and the microseconds without their trailing
   * zeros; any other through String.
   */
  number(n: number): void {
    if (n >= 0 && Number.isSafeInteger(n)) {
      this.whole(n);
      return;
    }
    if (n > 0 && n < MICRO_EXACT_BELOW) {
      const micro = Math.round(n * 1e6);
      // micro / 1e6 is the double nearest the decimal micro × 10^-6: when it is n,
      // that decimal reads back as n, and below 2^33 (a double's step under a
      // microsecond) no decimal of fewer digits does: it is what String(n) writes
      if (micro / 1e6 === n) {
        // whole seconds and microseconds, exactly (the division's floor may be one too high near 2^33)
        let seconds = Math.floor(micro / 1e6);
        let fraction = micro - seconds * 1e6;
        if (fraction < 0) {
          seconds--;
          fraction += 1e6;
        }
        this.whole(seconds);
        // n is not whole: the fraction is not 0
        let width = 6;
        while (fraction % 10 === 0) {
          fraction /= 10;
          width--;
        }
        this.byte(0x2e);
        this.padded(fraction, width);
        return;
      }
    }
    this.ascii(String(n));
  }

  /** A whole number from 0 to 2^53 - 1: below 2^31 in 32-bit steps, above as two parts of at most nine and eight digits. */
  private whole(n: number): void {
    if (n < 0x80000000) {
      this.small(n);
      return;
    }
    // (the division's floor may be one too high, when n is just under a multiple of 10^8)
    let high = Math.floor(n / 1e8);
    let low = n - high * 1e8;
    if (low < 0) {
      high--;
      low += 1e8;
    }
    this.small(high);
    this.padded(low, 8);
  }

  /** `v`, below 10^digits, as exactly `digits` digits (zeros before it), two at a time. */
  private padded(v: number, digits: number): void {
    this.room(digits);
    const b = this.bytes;
    let at = this.at + digits;
    this.at = at;
    for (; digits >= 2; digits -= 2) {
      const q = (v / 100) | 0;
      const r = (v - q * 100) << 1;
      b[--at] = PAIRS[r + 1]!;
      b[--at] = PAIRS[r]!;
      v = q;
    }
    if (digits === 1) b[--at] = 48 + v;
  }

  /** A whole number below 2^31, two digits at a time. */
  private small(v: number): void {
    const count = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
    this.room(count);
    const b = this.bytes;
    let at = this.at + count;
    this.at = at;
    while (v >= 100) {
      const q = (v / 100) | 0;
      const r = (v - q * 100) << 1;
      b[--at] = PAIRS[r + 1]!;
      b[--at] = PAIRS[r]!;
      v = q;
    }
    if (v >= 10) {
      b[--at] = PAIRS[(v << 1) + 1]!;
      b[--at] = PAIRS[v << 1]!;
    } else b[--at] = 48 + v;
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
    if (s.length >= NATIVE_FROM) {
      // a long text (a timeline entry's summary): searched and encoded natively
      if (MUST_ESCAPE.test(s)) this.utf8(JSON.stringify(s));
      else {
        this.room(3 * s.length + 2);
        const b = this.bytes;
        b[this.at] = 0x22;
        this.at = this.at + 1 + b.write(s, this.at + 1, 'utf8');
        b[this.at++] = 0x22;
      }
      return;
    }
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

  /**
   * Bytes as base64 (RFC 4648 §4, with padding), as Buffer#toString('base64')
   * writes them: a short run (a frame's payload cut to --max-payload) encoded
   * here, a long one natively and copied (no string either way for the short).
   */
  base64(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n > BASE64_HERE) {
      const text = Buffer.from(src.buffer, src.byteOffset + start, n).toString('base64');
      this.room(text.length);
      this.at += this.bytes.write(text, this.at, 'latin1');
      return;
    }
    this.room(4 * Math.ceil(n / 3));
    const b = this.bytes;
    let at = this.at;
    let i = start;
    for (const whole = end - (n % 3); i < whole; i += 3) {
      const v = (src[i]! << 16) | (src[i + 1]! << 8) | src[i + 2]!;
      b[at] = BASE64[v >> 18]!;
      b[at + 1] = BASE64[(v >> 12) & 63]!;
      b[at + 2] = BASE64[(v >> 6) & 63]!;
      b[at + 3] = BASE64[v & 63]!;
      at += 4;
    }
    if (i < end) {
      // one or two bytes left: "=" for each missing
      const two = i + 1 < end;
      const v = (src[i]! << 16) | (two ? src[i + 1]! << 8 : 0);
      b[at] = BASE64[v >> 18]!;
      b[at + 1] = BASE64[(v >> 12) & 63]!;
      b[at + 2] = two ? BASE64[(v >> 6) & 63]! : 0x3d;
      b[at + 3] = 0x3d;
      at += 4;
    }
    this.at = at;
  }

  /** One of our own words in quotes (no escaping needed). */
  word(s: string): void {
    this.byte(0x22);
    this.ascii(s);
    this.byte(0x22);
  }
}
