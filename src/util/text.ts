// Making bytes from a capture safe to show: nothing from a capture may reach
// a terminal as a control character or an escape sequence.
import { isUtf8 } from 'node:buffer';

const ESCAPES: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * The Unicode characters that reorder, hide or break text without showing
 * themselves: C1 controls and every format character (category Cf: bidi
 * marks, embeddings, overrides and isolates, zero-width characters, the
 * byte order mark, tag characters, the soft hyphen), and the line and
 * paragraph separators. As a regular expression source (flag u), shared
 * with the HTML report's script.
 */
export const HIDDEN_CHARS = '[\\u0080-\\u009f\\p{Cf}\\p{Zl}\\p{Zp}]';
const HIDDEN = new RegExp(`^${HIDDEN_CHARS}$`, 'u');
/** Whether each character of the Basic Multilingual Plane is hidden (HIDDEN), once it was asked for (-1: not yet). */
const BMP_HIDDEN = new Int8Array(0x10000).fill(-1);

/** Whether sanitize has anything to escape in `text` (a surrogate is left to it to decide). */
function needsEscape(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue;
    if (c < 0x20 || c === 0x7f || (c >= 0xd800 && c <= 0xdfff)) return true;
    if (hiddenBmp(c)) return true;
  }
  return false;
}

/** Whether a character of the Basic Multilingual Plane (not a surrogate) is HIDDEN: worked out once and remembered. */
function hiddenBmp(c: number): boolean {
  let h = BMP_HIDDEN[c]!;
  if (h < 0) h = BMP_HIDDEN[c] = HIDDEN.test(String.fromCharCode(c)) ? 1 : 0;
  return h === 1;
}
/** A character other than printable ASCII: text without one is shown as it is, a column a character. */
const NOT_PLAIN = /[^\x20-\x7e]/;
/** Whether text is printable ASCII only: shown as it is, a column a character. */
export function isPlain(text: string): boolean {
  return !NOT_PLAIN.test(text);
}

/**
 * Escapes C0 control characters, DEL and the hidden characters above, as
 * \xNN or \u{N}. Backslashes are left alone, so sanitizing twice changes
 * nothing.
 */
export function sanitize(text: string): string {
  if (!NOT_PLAIN.test(text) || !needsEscape(text)) return text;
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const esc = ESCAPES[ch];
    if (esc) out += esc;
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0x80 && HIDDEN.test(ch)) out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return out;
}

/**
 * East Asian Wide (W) and Fullwidth (F) code points (Unicode 15.1
 * EastAsianWidth.txt, merged into ranges): a terminal gives each two columns.
 * CJK ideographs, kana, Hangul syllables, fullwidth forms and most emoji.
 */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x23e9, 0x23ec], [0x23f0, 0x23f0], [0x23f3, 0x23f3],
  [0x25fd, 0x25fe], [0x2614, 0x2615], [0x2648, 0x2653], [0x267f, 0x267f], [0x2693, 0x2693], [0x26a1, 0x26a1],
  [0x26aa, 0x26ab], [0x26bd, 0x26be], [0x26c4, 0x26c5], [0x26ce, 0x26ce], [0x26d4, 0x26d4], [0x26ea, 0x26ea],
  [0x26f2, 0x26f3], [0x26f5, 0x26f5], [0x26fa, 0x26fa], [0x26fd, 0x26fd], [0x2705, 0x2705], [0x270a, 0x270b],
  [0x2728, 0x2728], [0x274c, 0x274c], [0x274e, 0x274e], [0x2753, 0x2755], [0x2757, 0x2757], [0x2795, 0x2797],
  [0x27b0, 0x27b0], [0x27bf, 0x27bf], [0x2b1b, 0x2b1c], [0x2b50, 0x2b50], [0x2b55, 0x2b55], [0x2e80, 0x2e99],
  [0x2e9b, 0x2ef3], [0x2f00, 0x2fd5], [0x2ff0, 0x2fff], [0x3000, 0x303e], [0x3041, 0x3096], [0x3099, 0x30ff],
  [0x3105, 0x312f], [0x3131, 0x318e], [0x3190, 0x31e3], [0x31ef, 0x321e], [0x3220, 0x3247], [0x3250, 0x4dbf],
  [0x4e00, 0xa48c], [0xa490, 0xa4c6], [0xa960, 0xa97c], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe10, 0xfe19],
  [0xfe30, 0xfe52], [0xfe54, 0xfe66], [0xfe68, 0xfe6b], [0xff01, 0xff60], [0xffe0, 0xffe6], [0x16fe0, 0x16fe4],
  [0x16ff0, 0x16ff1], [0x17000, 0x187f7], [0x18800, 0x18cd5], [0x18d00, 0x18d08], [0x1aff0, 0x1aff3], [0x1aff5, 0x1affb],
  [0x1affd, 0x1affe], [0x1b000, 0x1b122], [0x1b132, 0x1b132], [0x1b150, 0x1b152], [0x1b155, 0x1b155], [0x1b164, 0x1b167],
  [0x1b170, 0x1b2fb], [0x1f004, 0x1f004], [0x1f0cf, 0x1f0cf], [0x1f18e, 0x1f18e], [0x1f191, 0x1f19a], [0x1f200, 0x1f202],
  [0x1f210, 0x1f23b], [0x1f240, 0x1f248], [0x1f250, 0x1f251], [0x1f260, 0x1f265], [0x1f300, 0x1f320], [0x1f32d, 0x1f335],
  [0x1f337, 0x1f37c], [0x1f37e, 0x1f393], [0x1f3a0, 0x1f3ca], [0x1f3cf, 0x1f3d3], [0x1f3e0, 0x1f3f0], [0x1f3f4, 0x1f3f4],
  [0x1f3f8, 0x1f43e], [0x1f440, 0x1f440], [0x1f442, 0x1f4fc], [0x1f4ff, 0x1f53d], [0x1f54b, 0x1f54e], [0x1f550, 0x1f567],
  [0x1f57a, 0x1f57a], [0x1f595, 0x1f596], [0x1f5a4, 0x1f5a4], [0x1f5fb, 0x1f64f], [0x1f680, 0x1f6c5], [0x1f6cc, 0x1f6cc],
  [0x1f6d0, 0x1f6d2], [0x1f6d5, 0x1f6d7], [0x1f6dc, 0x1f6df], [0x1f6eb, 0x1f6ec], [0x1f6f4, 0x1f6fc], [0x1f7e0, 0x1f7eb],
  [0x1f7f0, 0x1f7f0], [0x1f90c, 0x1f93a], [0x1f93c, 0x1f945], [0x1f947, 0x1f9ff], [0x1fa70, 0x1fa7c], [0x1fa80, 0x1fa88],
  [0x1fa90, 0x1fabd], [0x1fabf, 0x1fac5], [0x1face, 0x1fadb], [0x1fae0, 0x1fae8], [0x1faf0, 0x1faf8], [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

/** Characters that take no column of their own: combining marks (Mn, Me), format characters, and C0/C1 controls. */
const ZERO = /^[\p{Mn}\p{Me}\p{Cf}\u0000-\u001f\u007f-\u009f]$/u;

function isWide(cp: number): boolean {
  if (cp < 0x1100) return false;
  let lo = 0;
  let hi = WIDE.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = WIDE[mid]!;
    if (cp < a) hi = mid - 1;
    else if (cp > b) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Columns one character (code point) takes in a terminal: 2 when wide, 0 for a combining mark, else 1. */
export function charWidth(ch: string): number {
  const cp = ch.codePointAt(0)!;
  if (cp >= 0x20 && cp < 0x7f) return 1;
  if (ZERO.test(ch)) return 0;
  return isWide(cp) ? 2 : 1;
}

/** The width of each character of the Basic Multilingual Plane once it was asked for (-1: not yet). */
const BMP_WIDTH = new Int8Array(0x10000).fill(-1);

/** The width of a character of the Basic Multilingual Plane (not a surrogate): worked out once and remembered. */
function bmpWidth(c: number): number {
  const w = BMP_WIDTH[c]!;
  return w >= 0 ? w : (BMP_WIDTH[c] = charWidth(String.fromCharCode(c)));
}

/** Powers of ten a double holds exactly, for the widths of numbers. */
const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);

/** String(n).length, without making the string when n is a whole number below 10^15 (an index, a packet number, a length). */
export function intWidth(n: number): number {
  if (!(n >= 0 && n < 1e15) || !Number.isInteger(n)) return String(n).length;
  let d = 1;
  while (n >= POW10[d]!) d++;
  return d;
}

/**
 * t.toFixed(6).length (the views' times), without making the string when
 * 0 <= t < 10^9: the whole part's digits and seven more, unless t is so
 * close below a power of ten that rounding to the microsecond carries into
 * a new digit (then the string is made).
 */
export function microsWidth(t: number): number {
  if (t >= 0 && t < 1e9) {
    const d = intWidth(Math.floor(t));
    if (t < POW10[d]! - 1e-6) return d + 7;
  }
  return t.toFixed(6).length;
}

/**
 * t.toFixed(6) (the views' times, one a packet or frame), made from the
 * microseconds: a capture's times are whole microseconds, or within a
 * double's error of one, and toFixed works the decimal digits out the long
 * way. The product t * 1e6 is within 1/16 of the exact one below 10^9
 * seconds, so a product within a quarter of a whole number rounds as the
 * exact one does; anything else is left to toFixed.
 */
export function fixed6(t: number): string {
  if (t >= 0 && t < 1e9) {
    const us = t * 1e6;
    const n = Math.round(us);
    const off = us - n;
    if (off > -0.25 && off < 0.25) {
      const s = Math.floor(n / 1e6);
      const f = n - s * 1e6;
      return `${s}.${f >= 100000 ? f : String(f).padStart(6, '0')}`;
    }
  }
  return t.toFixed(6);
}

/** Columns a string (without escape sequences) takes in a terminal. */
export function displayWidth(text: string): number {
  if (!NOT_PLAIN.test(text)) return text.length;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) n++;
    else if (c < 0xd800 || (c >= 0xe000 && c <= 0xffff)) {
      n += bmpWidth(c);
    } else {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) i++;
      n += charWidth(String.fromCodePoint(cp));
    }
  }
  return n;
}


export type QuoteMark = '"' | "'";

/**
 * The quotes to put text between, as Python's repr chooses them: double,
 * unless the text holds a double quote and no single one (JSON reads best
 * as '{"a":1}' rather than "{\"a\":1}").
 */
export function quoteMark(text: string): QuoteMark {
  return text.includes('"') && !text.includes("'") ? "'" : '"';
}

/**
 * Text to put between the quotes `mark`: sanitized, and each of those quotes
 * in it written with a backslash (\"), so that a quoted string can never be
 * read as two ("a "b" c").
 */
export function quotable(text: string, mark: QuoteMark = '"'): string {
  const s = sanitize(text);
  return s.includes(mark) ? s.replaceAll(mark, `\\${mark}`) : s;
}

/** Text in quotes (see quoteMark), sanitized, its inside cut to at most `max` terminal columns. */
export function inQuotes(text: string, max = Infinity): string {
  const mark = quoteMark(text);
  return `${mark}${cutWidth(quotable(text, mark), max)}${mark}`;
}

/** What sanitize (or quotable) writes for one character: kept whole when a cut falls in it. */
const TOKEN = /\\x[0-9a-f]{2}|\\u\{[0-9a-f]+\}|\\[nrt"']|[\s\S]/gu;

function cutBy(text: string, max: number, size: (token: string) => number, total: number): string {
  if (total <= max) return text;
  // printable ASCII without an escape: a character a column
  if (!text.includes('\\')) {
    // printable ASCII: a character a column
    if (!NOT_PLAIN.test(text)) return `${text.slice(0, Math.max(0, max - 1))}…`;
    // no escape to keep whole: a token is a code point
    let used = 0;
    let i = 0;
    while (i < text.length) {
      const cp = text.codePointAt(i)!;
      const len = cp > 0xffff ? 2 : 1;
      const n = cp >= 0x20 && cp < 0x7f ? 1 : size(text.slice(i, i + len));
      if (used + n > max - 1) break;
      used += n;
      i += len;
    }
    return `${text.slice(0, i)}…`;
  }
  let out = '';
  let used = 0;
  for (const [token] of text.matchAll(TOKEN)) {
    const n = size(token);
    if (used + n > max - 1) break;
    out += token;
    used += n;
  }
  // the combining marks of the last character kept stay with it
  return `${out}…`;
}

/**
 * Cuts a string to at most `max` characters (code points), marking the cut
 * with an ellipsis; an escape sanitize wrote (\x1b, \u{202e}) is never cut
 * in the middle.
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  return cutBy(text, max, (t) => (t.length === 1 ? 1 : Array.from(t).length), Array.from(text).length);
}

/**
 * Cuts a string to at most `max` terminal columns (displayWidth), marking
 * the cut with an ellipsis (one column); a wide character that would cross
 * the limit goes whole, and an escape sanitize wrote is never cut in the
 * middle.
 */
export function cutWidth(text: string, max: number): string {
  if (text.length <= max && !NOT_PLAIN.test(text)) return text;
  if (max < 1 || text.includes('\\')) return cutBy(text, max, displayWidth, displayWidth(text));
  // no escape to keep whole: one pass, measuring only as far as it takes to know the text is too wide
  // (a long line cut to the width is not measured to its end), remembering where the cut falls
  let used = 0;
  let cutAt = -1;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    let w = 1;
    let len = 1;
    if (c < 0x20 || c >= 0x7f) {
      if (c < 0xd800 || c > 0xdfff) w = bmpWidth(c);
      else {
        const cp = text.codePointAt(i)!;
        if (cp > 0xffff) len = 2;
        w = charWidth(String.fromCodePoint(cp));
      }
    }
    if (cutAt < 0 && used + w > max - 1) cutAt = i;
    used += w;
    if (used > max) return `${text.slice(0, cutAt)}…`;
    i += len;
  }
  return text;
}

/** plainCutAt's answers besides a cut's place: the text was read whole and fits; something in it needs the general way. */
const FITS = -1;
const GENERAL = -2;

/**
 * Where safeCut cuts `text` to `max` columns (max >= 1), read only as far as
 * the cut: the index the ellipsis replaces from, when nothing up to the cut
 * is escaped by sanitize (nor is a backslash, which a cut keeps with what
 * follows it) — what comes after cannot change where the cut falls; FITS
 * when the text was read whole, nothing in it escaped, and fits; GENERAL
 * otherwise.
 */
function plainCutAt(text: string, max: number): number {
  let used = 0;
  let cutAt = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let w = 1;
    if (c < 0x20 || c >= 0x7f || c === 0x5c) {
      if (c < 0x20 || c === 0x5c || c === 0x7f || (c >= 0xd800 && c <= 0xdfff) || hiddenBmp(c)) return GENERAL;
      w = bmpWidth(c);
    }
    if (cutAt < 0 && used + w > max - 1) cutAt = i;
    used += w;
    if (used > max) return cutAt;
  }
  return FITS;
}

/**
 * Text from a capture as a terminal may show it: sanitized, then cut to
 * `max` columns. A line is read only as far as the cut (plainCutAt): a
 * walkthrough's line keeps the first 60 or so of its summary's 150
 * characters, and the summary is neither sanitized nor measured whole.
 */
export function safeCut(text: string, max: number): string {
  if (text.length <= max && !NOT_PLAIN.test(text)) return text;
  if (max >= 1) {
    const at = plainCutAt(text, max);
    if (at === FITS) return text;
    if (at !== GENERAL) return `${text.slice(0, at)}…`;
  }
  return cutWidth(sanitize(text), max);
}

/** `text` padded with spaces to `width` columns (on the right, or the left with `start`). */
export function padWidth(text: string, width: number, start = false): string {
  const gap = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return start ? `${gap}${text}` : `${text}${gap}`;
}

/** A short, safe preview of payload bytes: quoted text when it is UTF-8, else hex; `max` characters, or terminal columns with `columns`. */
export function previewPayload(payload: Buffer, max = 32, columns = false): string {
  if (payload.length === 0) return '""';
  // a cut may split a multi-byte character: drop up to 3 trailing bytes to find valid UTF-8
  const head = payload.subarray(0, max * 4);
  for (let drop = 0; drop <= 3 && drop < head.length; drop++) {
    const b = head.subarray(0, head.length - drop);
    if (isUtf8(b) && (drop === 0 || head.length < payload.length)) {
      // escaped first, then cut: what is shown is at most `max` characters
      const raw = b.toString('utf8');
      const mark = quoteMark(raw);
      const text = quotable(raw, mark);
      const cutText = columns ? cutWidth(text, max) : cut(text, max);
      const more = cutText !== text || head.length < payload.length;
      return `${mark}${more && !cutText.endsWith('…') ? `${cutText}…` : cutText}${mark}`;
    }
  }
  const hexBytes = Math.max(1, Math.floor(max / 3));
  const hex = payload.subarray(0, hexBytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');
  return payload.length > hexBytes ? `${hex} …` : hex;
}

function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >> 5 === 0x6) return 2;
  if (lead >> 4 === 0xe) return 3;
  if (lead >> 3 === 0x1e) return 4;
  return 0;
}

/**
 * Decodes bytes meant as UTF-8 text, keeping what is not: each byte that is
 * not part of a valid character is written \xNN (a fragment of a text
 * message may begin or end in the middle of a character).
 */
export function lenientUtf8(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const n = utf8Length(bytes[i]!);
    const ch = n > 0 && i + n <= bytes.length ? bytes.subarray(i, i + n) : null;
    if (ch && isUtf8(ch)) {
      out += ch.toString('utf8');
      i += n;
    } else {
      out += `\\x${bytes[i]!.toString(16).padStart(2, '0')}`;
      i++;
    }
  }
  return out;
}

/**
 * A short, safe, quoted preview of bytes meant as text, valid UTF-8 or not:
 * at most `max` characters between the quotes, or `max` terminal columns
 * with `columns`.
 */
export function previewText(payload: Buffer, max = 32, columns = false): string {
  return plainPreview(payload, max) ?? previewTextOf(payload, max, columns);
}

/**
 * previewText of bytes that begin with printable ASCII, without decoding or
 * escaping: when none of the first max + 1 bytes (all of them, when fewer)
 * needs an escape, is wide, is the quote mark or a backslash (which the cut
 * keeps together with what follows), the preview is those bytes
 * as they are, cut to max - 1 and an ellipsis when there are more. Null when
 * the general way must be taken. (A character is then a column, so the
 * `columns` reading of max is the same.)
 */
export function plainPreview(payload: Buffer, max: number): string | null {
  if (max < 1) return null;
  const n = Math.min(payload.length, max + 1);
  // the mark is chosen from the text the general way decodes: the first max * 4 bytes
  const head = payload.length > max * 4 ? payload.subarray(0, max * 4) : payload;
  const mark = head.indexOf(0x22) >= 0 && head.indexOf(0x27) < 0 ? 0x27 : 0x22;
  for (let i = 0; i < n; i++) {
    const b = payload[i]!;
    if (b < 0x20 || b > 0x7e || b === mark || b === 0x5c) return null;
  }
  const q = mark === 0x22 ? '"' : "'";
  return payload.length <= max ? `${q}${payload.toString('latin1')}${q}` : `${q}${payload.toString('latin1', 0, max - 1)}…${q}`;
}

/** previewText the general way: decoded, escaped, then cut. */
export function previewTextOf(payload: Buffer, max = 32, columns = false): string {
  const head = payload.subarray(0, max * 4);
  // escaped first, then cut: what is shown is at most `max` characters (or columns)
  const raw = lenientUtf8(head);
  const mark = quoteMark(raw);
  const escaped = quotable(raw, mark);
  const text = columns ? cutWidth(escaped, max) : cut(escaped, max);
  const more = head.length < payload.length && !text.endsWith('…');
  return `${mark}${more ? `${text}…` : text}${mark}`;
}

// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;

/** Columns a line takes in a terminal, its colour codes (SGR) left out. */
export function lineWidth(s: string): number {
  return displayWidth(s.includes('\u001b') ? s.replace(SGR, '') : s);
}

/** A word longer than `room` columns, in pieces of at most `room` columns (never splitting a character). */
function pieces(word: string, room: number): string[] {
  const out: string[] = [];
  let cur = '';
  let used = 0;
  for (const ch of word) {
    const w = charWidth(ch);
    if (used + w > room && cur !== '') {
      out.push(cur);
      cur = '';
      used = 0;
    }
    cur += ch;
    used += w;
  }
  if (cur !== '') out.push(cur);
  return out;
}

/** Punctuation that may not start a line (it closes what comes before it). */
const NO_LINE_START = new Set([...'，。、：；！？）」』】〉》”’…,.:;!?)]}']);
/** Punctuation that may not end a line (it opens what comes after it). */
const NO_LINE_END = new Set([...'（「『【〈《“‘']);

/**
 * pieces() for wrapWide: besides, no piece but the first starts with closing
 * punctuation (the break moves back before what it closes, when the piece
 * still fits).
 */
function piecesWide(word: string, room: number): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  let used = 0;
  for (const ch of word) {
    const w = charWidth(ch);
    if (used + w > room && cur.length > 0) {
      // the piece that follows starts at cur[k] (or at ch): the latest k that starts it with no closing punctuation and fits
      let k = cur.length;
      let carried = w;
      while (k > 1 && NO_LINE_START.has(k === cur.length ? ch : cur[k]!)) {
        k--;
        carried += charWidth(cur[k]!);
      }
      if (NO_LINE_START.has(k === cur.length ? ch : cur[k]!) || carried > room) {
        k = cur.length;
        carried = w;
      }
      out.push(cur.slice(0, k).join(''));
      cur = [...cur.slice(k), ch];
      used = carried;
      continue;
    }
    cur.push(ch);
    used += w;
  }
  if (cur.length > 0) out.push(cur.join(''));
  return out;
}

/**
 * A unit wrapWide does not break inside: a run of narrow characters, or one
 * wide character, with the punctuation that holds on to them; or several of
 * those kept together (`parts`), which are laid out one by one only when
 * they do not fit a line together.
 */
interface WideUnit {
  text: string;
  /** the spaces before it, as written ('' for none; dropped where a line breaks) */
  space: string;
  parts?: WideUnit[];
}

/** Where the quoted string opened at chars[i] closes (its mark not written \" inside), or -1. */
function closingQuote(chars: readonly string[], i: number): number {
  const mark = chars[i]!;
  for (let j = i + 1; j < chars.length; j++) {
    if (chars[j] === '\\') j++;
    else if (chars[j] === mark) return j;
  }
  return -1;
}

/** Text as the units a line may break between (see WideUnit); a string in ASCII quotes is one unit, when `quotes`. */
function wideUnits(text: string, quotes: boolean): WideUnit[] {
  const units: WideUnit[] = [];
  // a space before the unit being made; opening punctuation waiting for what it opens
  let space = '';
  let opening = '';
  let run = '';
  let quoted = false;
  let afterSpace = false;
  const push = (t: string, parts?: WideUnit[]): void => {
    units.push(parts ? { text: opening + t, space, parts } : { text: opening + t, space });
    opening = '';
    space = '';
  };
  const flush = (): void => {
    if (run !== '') {
      const parts = quoted ? wideUnits(run, false) : [];
      if (parts.length > 1) {
        parts[0] = { ...parts[0]!, text: opening + parts[0]!.text, space };
        push(run, parts);
      } else push(run);
    }
    run = '';
    quoted = false;
  };
  /** `t` added to the end of the last unit (and of its last part) */
  const append = (t: string): void => {
    let u = units[units.length - 1]!;
    u.text += t;
    while (u.parts) {
      u = u.parts[u.parts.length - 1]!;
      u.text += t;
    }
  };
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === ' ') {
      flush();
      space += ' ';
      afterSpace = true;
      continue;
    }
    const end = quotes && run === '' && (ch === '"' || ch === "'") ? closingQuote(chars, i) : -1;
    if (end > i) {
      // a quoted string (a payload, a header's value) is kept whole where it fits
      run = chars.slice(i, end + 1).join('');
      quoted = true;
      i = end;
    } else if (opening !== '' && run === '') {
      // what opening punctuation opens comes with it (closing punctuation too, in the order written)
      if (NO_LINE_START.has(ch) || NO_LINE_END.has(ch)) opening += ch;
      else if (charWidth(ch) === 2) push(ch);
      else run += ch;
    } else if (NO_LINE_START.has(ch) && (run !== '' || units.length > 0)) {
      if (run !== '') {
        run += ch;
        // a line may break after full-width punctuation, as after a wide character
        if (charWidth(ch) === 2) flush();
      } else if (afterSpace) {
        // after a space too: a line does not start with it
        append(`${space}${ch}`);
        space = '';
      } else append(ch);
    } else if (NO_LINE_END.has(ch)) {
      flush();
      opening += ch;
    } else if (charWidth(ch) === 2) {
      flush();
      push(ch);
    } else {
      // a dash (——) is a unit of its own, even next to a Latin word
      if (run !== '' && (ch === '—') !== run.endsWith('—') && !quoted) flush();
      run += ch;
    }
    afterSpace = false;
  }
  flush();
  if (opening !== '') push('');
  return quotes ? keepArrows(keepWords(keepNumbersWithWords(joinNames(units)))) : units;
}

/** A unit's text without the opening punctuation before it and the closing punctuation after it. */
function unitCore(t: string): string {
  const chars = Array.from(t);
  let a = 0;
  let b = chars.length;
  while (a < b && NO_LINE_END.has(chars[a]!)) a++;
  while (b > a && NO_LINE_START.has(chars[b - 1]!)) b--;
  return chars.slice(a, b).join('');
}

/** One wide character (a Chinese character), with its punctuation. */
function isWideChar(u: WideUnit): boolean {
  if (u.parts) return false;
  const core = unitCore(u.text);
  return core !== '' && Array.from(core).length === 1 && charWidth(core) === 2;
}

/** A number, as a count or a measure is written: 493, 0x2, 0.012345, 3–5, 16M, 2.5× (not an address, a key or a version). */
const NUMBER = /^(0x[0-9a-f]+|[0-9]+([.,–-][0-9]+)*[KMG%×]?)$/i;

function isNumber(u: WideUnit): boolean {
  if (u.parts) return false;
  const core = unitCore(u.text);
  return NUMBER.test(core) || (SPAN.test(core) && core.split(' ').every((x) => x === '→' || NUMBER.test(x)));
}

/** Two numbers and the arrow between them, made one unit by joinNames: "39 → 66". */
const SPAN = /^\S+ → \S+$/;
/** A name that a number completes (RFC 6455, TLS 1.3, MQTT 5). */
const NAME = /^[A-Za-z][A-Za-z.]*$/;
/** What an arrow points across: one unit, never left at the end of a line nor put at the start of one. */
const ARROW = '→';

/** Two units made one that no line breaks inside: `b` after `a`, with the spaces written between them. */
const joined = (a: WideUnit, b: WideUnit): WideUnit => ({ text: `${a.text}${b.space}${b.text}`, space: a.space });

/**
 * Names and spans no line breaks inside: a name with the number that
 * completes it, and a section sign after that ("RFC 6455 §5.5", "TLS 1.3");
 * two numbers with the arrow between them ("39 → 66"). Run before numbers
 * are kept with their words, so a span keeps its unit ("39 → 66 字节").
 */
function joinNames(units: WideUnit[]): WideUnit[] {
  const out: WideUnit[] = [];
  for (let i = 0; i < units.length; i++) {
    let u = units[i]!;
    const next = (k: number): WideUnit | undefined => {
      const v = units[k];
      return v !== undefined && !v.parts && v.space !== '' && !opens(v) ? v : undefined;
    };
    if (!u.parts && !closes(u) && NAME.test(unitCore(u.text)) && next(i + 1) && isNumber(units[i + 1]!)) {
      u = joined(u, units[++i]!);
      if (!closes(u) && next(i + 1) && unitCore(units[i + 1]!.text).startsWith('§')) u = joined(u, units[++i]!);
    } else if (isNumber(u) && !closes(u) && next(i + 1) && units[i + 1]!.text === ARROW && next(i + 2) && isNumber(units[i + 2]!)) {
      u = joined(joined(u, units[i + 1]!), units[i + 2]!);
      i += 2;
    }
    out.push(u);
  }
  return out;
}

/**
 * Words of two to four Chinese characters that the views write, each kept on
 * one line where it fits: the terms of the protocol and of the capture (as
 * the Chinese WebSocket tutorials name them), and the words of the sentences
 * around them. A line breaks between two characters of a word only when the
 * word is longer than a line.
 */
const WORDS = new Set(
  (
    '握手 三次握手 四次挥手 挥手 关闭握手 帧头 掩码 掩码键 加掩码 去掩码 已加掩码 未加掩码 分片 有效载荷 载荷 操作码 状态码 ' +
    '客户端 服务器 对端 端点 报文段 字节 连接 抓包 抓包文件 协议 子协议 扩展 压缩 解压 消息 文本 二进制 延续 关闭 ' +
    '正常关闭 异常关闭 控制帧 文本帧 二进制帧 关闭帧 延续帧 数据帧 序列号 初始序列号 重传 乱序 确认 请求 响应 升级 ' +
    '首部 诊断 错误 警告 提示 置位 未置位 心跳 往返 毫秒 微秒 应用 数据 丢失 恢复 解码 启发式 识别 启发式识别 ' +
    '发送 发出 收到 回应 回复 返回 结束 开始 之前 之后 没有 已经 仍然 抓到 不完整 完整 有效 无效 合法 保留 ' +
    '长度 时间 阶段 方向 摘要 结论 原因 密钥 哈希 计算 编码 十六进制 随机数 选项 参数 上下文 窗口 ' +
    '规则 检查 核对 要求 必须 不得 应当 可以 因为 所以 但是 而且 或者 如果 这条 这个 这一帧 一个 每个 之间'
  ).split(' '),
);
/** The longest word in WORDS, in characters. */
const LONGEST_WORD = Math.max(...Array.from(WORDS, (w) => Array.from(w).length));

/**
 * The Chinese characters of a known word (WORDS) made one unit, the longest
 * word first, so a line breaks between words rather than inside one. Only
 * characters written together are joined: none with a space, nor punctuation
 * that closes or opens, inside the word.
 */
/** How many units, from units[i], spell the longest word of WORDS written there (1 when none does). */
function wordLength(units: readonly WideUnit[], i: number): number {
  for (let k = Math.min(LONGEST_WORD, units.length - i); k >= 2; k--) {
    const run = units.slice(i, i + k);
    const ok = run.every((u, j) => isWideChar(u) && (j === 0 || (u.space === '' && !opens(u))) && (j === k - 1 || !closes(u)));
    if (ok && WORDS.has(run.map((u) => unitCore(u.text)).join(''))) return k;
  }
  return 1;
}

function keepWords(units: WideUnit[]): WideUnit[] {
  const out: WideUnit[] = [];
  for (let i = 0; i < units.length; i++) {
    const n = wordLength(units, i);
    if (n === 1) {
      out.push(units[i]!);
      continue;
    }
    const run = units.slice(i, i + n);
    out.push({ text: run.map((u) => u.text).join(''), space: run[0]!.space, parts: run });
    i += n - 1;
  }
  return out;
}

/** An arrow kept with what it points from and to ("客户端 → 服务器"): it neither ends nor starts a line. */
function keepArrows(units: WideUnit[]): WideUnit[] {
  const out: WideUnit[] = [];
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    const next = units[i + 1];
    if (u.text === ARROW && u.space !== '' && out.length > 0 && !closes(out[out.length - 1]!) && next !== undefined && next.space !== '' && !opens(next)) {
      const before = out.pop()!;
      out.push(together([before, u, next], 0));
      i++;
      continue;
    }
    out.push(u);
  }
  return out;
}

const opens = (u: WideUnit): boolean => NO_LINE_END.has(u.text.charAt(0));
const closes = (u: WideUnit): boolean => NO_LINE_START.has(Array.from(u.text).pop() ?? '');

/**
 * Units kept together, nested from the number outwards: when they do not fit
 * a line, the unit farthest from the number goes first (a number keeps as
 * much of its word as fits).
 */
function together(units: WideUnit[], numberAt: number): WideUnit {
  const two = (a: WideUnit, b: WideUnit): WideUnit => ({ text: `${a.text}${b.space}${b.text}`, space: a.space, parts: [a, b] });
  // the prefix before the number goes last: the number and its word are kept together longest
  let g = units[numberAt]!;
  for (let i = numberAt + 1; i < units.length; i++) g = two(g, units[i]!);
  for (let i = numberAt - 1; i >= 0; i--) g = two(units[i]!, g);
  return g;
}

/**
 * How many wide characters of the word after a number go with it, at most (a
 * word rarely has more; a phrase up to the next punctuation may, and kept whole
 * it would leave the line before it short), and of the word before it.
 */
const WORD_CHARS = 4;
/** A word that refers to a name written after it (见 RFC 6455 §5.5): the two are kept together. */
const REFERS = new Set(['见']);
/** Characters that go with the number after them: 第 (ordinal), 共 (total), 前 (the first n), 约 (about), 每 (each). */
const NUMBER_PREFIX = new Set([...'第共前约每']);

/**
 * A number kept with the word it counts or measures: with the wide word
 * after it, up to the next space or punctuation or WORD_CHARS characters
 * ("493 微秒", "4 个警告，", "11 字节"); a number that ends a phrase, with
 * the wide word before it ("操作码 0x2）"). And a word that refers (见)
 * kept with the name it refers to ("——见 RFC 6455 §5.5").
 */
function keepNumbersWithWords(units: WideUnit[]): WideUnit[] {
  const out: WideUnit[] = [];
  for (let i = 0; i < units.length; i++) {
    const n = units[i]!;
    if (REFERS.has(unitCore(n.text)) && isWideChar(n) && !closes(n)) {
      // 见 RFC 6455 §5.5: the word that refers, with the name it refers to (and a dash right before it)
      let j = i;
      while (j + 1 < units.length && units[j + 1]!.space !== '' && !isWideChar(units[j + 1]!) && !units[j + 1]!.parts && !closes(units[j]!)) j++;
      if (j > i) {
        const dash = n.space === '' && out.length > 0 && out[out.length - 1]!.text === '——';
        out.push(together([...(dash ? out.splice(-1) : []), ...units.slice(i, j + 1)], dash ? 1 : 0));
        i = j;
        continue;
      }
    }
    if (!isNumber(n)) {
      out.push(n);
      continue;
    }
    let j = i;
    const after = (k: number): boolean => isWideChar(units[k]!) && !opens(units[k]!);
    if (!closes(n) && i + 1 < units.length && units[i + 1]!.space && after(i + 1)) {
      j = i + 1;
      while (!closes(units[j]!) && j - i < WORD_CHARS && j + 1 < units.length && !units[j + 1]!.space && after(j + 1)) j++;
      // not into a word it would cut ("第 463 个包是" and 客户端, not "个包是客" and 户端)
      for (let k = i + 1; k <= j; ) {
        const len = wordLength(units, k);
        if (k + len - 1 > j) {
          // (the word right after the number is its word: kept whole)
          j = k === i + 1 ? k + len - 1 : k - 1;
          break;
        }
        k += len;
      }
    }
    if (j > i) {
      // and with the character that makes it an ordinal or a total (第 12 个包, 共 12 字节), when one does
      const prefix = n.space !== '' && out.length > 0 && isWideChar(out[out.length - 1]!) && !closes(out[out.length - 1]!) && NUMBER_PREFIX.has(unitCore(out[out.length - 1]!.text));
      // (the word after it kept whole too, where the group must be laid out part by part)
      out.push(together([...(prefix ? out.splice(-1) : []), n, ...keepWords(units.slice(i + 1, j + 1))], prefix ? 1 : 0));
      i = j;
      continue;
    }
    const next = units[i + 1];
    if (n.space && !opens(n) && (closes(n) || next === undefined || !next.space)) {
      let k = out.length;
      while (k > 0 && out.length - k < WORD_CHARS) {
        const u = out[k - 1]!;
        if (!isWideChar(u) || closes(u)) break;
        k--;
        if (u.space || opens(u)) break;
      }
      if (k < out.length) {
        const before = keepWords(out.splice(k));
        out.push(together([...before, n], before.length));
        continue;
      }
    }
    out.push(n);
  }
  return out;
}

/**
 * Text with wide (Chinese, Japanese) characters laid out in lines of at most
 * `width` columns, as those scripts are: a line may break between any two
 * wide characters, not only at spaces (words of other scripts stay whole,
 * unless one alone is too long), never before closing punctuation and never
 * after opening punctuation. A number stays with the word it counts (see
 * keepNumbersWithWords), a name with its number and two numbers with the
 * arrow between them (joinNames), a word it knows whole (keepWords) and a
 * quoted string whole, where they fit a line; and a line of one Chinese
 * character takes the last unit of the line before it along (no orphan). The
 * first line starts with `indent`, the others with `rest`.
 */
export function wrapWide(text: string, width: number, indent: string, rest = indent): string[] {
  const units = wideUnits(text, true);
  const out: string[] = [];
  let line = indent;
  let used = lineWidth(indent);
  const restWidth = lineWidth(rest);
  let empty = true;
  // the units of the line being made and of the last line put out, with the spaces written before them, while a line is made of whole units
  type Placed = { unit: WideUnit; before: string };
  let placed: Placed[] | null = [];
  let last: { at: number; start: string; placed: Placed[] } | null = null;
  const render = (start: string, list: Placed[]): string => `${start}${list.map((p, k) => `${k === 0 ? '' : p.before}${p.unit.text}`).join('')}`.trimEnd();
  const lone = (list: Placed[] | null): boolean => list !== null && list.length === 1 && isWideChar(list[0]!.unit);
  /** A line of one Chinese character takes the last unit of the line before it along, when that leaves two on each and fits. */
  const push = (start: string): void => {
    if (last !== null && lone(placed) && last.placed.length >= 2 && last.at === out.length - 1) {
      const moved = last.placed[last.placed.length - 1]!;
      const joinedLine = render(start, [moved, ...placed!]);
      if (lineWidth(joinedLine) <= width && !NO_LINE_START.has(moved.unit.text.charAt(0))) {
        out[last.at] = render(last.start, last.placed.slice(0, -1));
        out.push(joinedLine);
        last = null;
        return;
      }
    }
    out.push(line.trimEnd());
    last = placed !== null && placed.length > 0 ? { at: out.length - 1, start, placed } : null;
  };
  let start = indent;
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    const w = lineWidth(u.text);
    const gap = empty ? 0 : u.space.length;
    if (used + gap + w > width) {
      // units kept together that fit no line are laid out one by one
      if (u.parts && (empty || restWidth + w > width)) {
        units.splice(i, 1, ...u.parts);
        i--;
        continue;
      }
      if (!empty) {
        push(start);
        line = rest;
        start = rest;
        used = restWidth;
        empty = true;
        placed = [];
      }
    }
    if (empty && used + w > width && w > 1) {
      // a word too long for a line of its own
      const [first, ...more] = piecesWide(u.text, Math.max(1, width - used));
      // (a piece may end where the unit's own spaces were: no line ends in a space)
      out.push(`${line}${first}`.trimEnd());
      const tail = piecesWide(more.join(''), Math.max(1, width - restWidth));
      for (const part of tail.slice(0, -1)) out.push(`${rest}${part}`.trimEnd());
      line = `${rest}${tail[tail.length - 1] ?? ''}`;
      start = rest;
      used = lineWidth(line);
      empty = tail.length === 0;
      // a line that holds a piece is not made of whole units
      placed = empty ? [] : null;
      last = null;
      continue;
    }
    const before = empty ? '' : u.space;
    line += `${before}${u.text}`;
    used += before.length + w;
    placed?.push({ unit: u, before: u.space });
    empty = false;
  }
  if (!empty) push(start);
  return out;
}

/**
 * Words laid out in lines of at most `width` terminal columns: the first line
 * starts with `indent`, the others with `rest`. A word too long for a line of
 * its own is broken where the line ends.
 */
export function wrap(text: string, width: number, indent: string, rest = indent): string[] {
  const out: string[] = [];
  let line = indent;
  let used = lineWidth(indent);
  let words = 0;
  const restWidth = lineWidth(rest);
  for (const word of text.split(' ')) {
    const w = lineWidth(word);
    if (words > 0 && used + 1 + w > width) {
      out.push(line.trimEnd());
      line = rest;
      used = restWidth;
      words = 0;
    }
    // broken only where it cannot fit a line of its own (and never when it holds colour codes)
    const parts = used + (words === 0 ? 0 : 1) + w > width && !word.includes('\u001b') ? pieces(word, Math.max(1, width - used - (words === 0 ? 0 : 1))) : [word];
    if (parts.length > 1) {
      const tail = pieces(parts.slice(1).join(''), Math.max(1, width - restWidth));
      out.push(`${line}${words === 0 ? '' : ' '}${parts[0]}`.trimEnd());
      for (const piece of tail.slice(0, -1)) out.push(`${rest}${piece}`);
      line = `${rest}${tail[tail.length - 1]}`;
      used = restWidth + displayWidth(tail[tail.length - 1]!);
      words = 1;
      continue;
    }
    line += words === 0 ? word : ` ${word}`;
    used += (words === 0 ? 0 : 1) + w;
    words++;
  }
  if (words > 0) out.push(line.trimEnd());
  return out;
}
