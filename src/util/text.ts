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

/**
 * Escapes C0 control characters, DEL and the hidden characters above, as
 * \xNN or \u{N}. Backslashes are left alone, so sanitizing twice changes
 * nothing.
 */
export function sanitize(text: string): string {
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

/** Text in quotes (see quoteMark), sanitized, its inside cut to at most `max` characters. */
export function inQuotes(text: string, max = Infinity): string {
  const mark = quoteMark(text);
  return `${mark}${cut(quotable(text, mark), max)}${mark}`;
}

/** What sanitize (or quotable) writes for one character: kept whole when a cut falls in it. */
const TOKEN = /\\x[0-9a-f]{2}|\\u\{[0-9a-f]+\}|\\[nrt"']|[\s\S]/gu;

/**
 * Cuts a string to at most `max` characters (code points), marking the cut
 * with an ellipsis; an escape sanitize wrote (\x1b, \u{202e}) is never cut
 * in the middle.
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  let out = '';
  let used = 0;
  for (const [token] of text.matchAll(TOKEN)) {
    const n = token.length === 1 ? 1 : Array.from(token).length;
    if (used + n > max - 1) break;
    out += token;
    used += n;
  }
  return `${out}…`;
}

/** A short, safe preview of payload bytes: quoted text when it is UTF-8, else hex. */
export function previewPayload(payload: Buffer, max = 32): string {
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
      const cutText = cut(text, max);
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

/** A short, safe, quoted preview of bytes meant as text, valid UTF-8 or not. */
export function previewText(payload: Buffer, max = 32): string {
  const head = payload.subarray(0, max * 4);
  // escaped first, then cut: what is shown is at most `max` characters
  const raw = lenientUtf8(head);
  const mark = quoteMark(raw);
  const text = cut(quotable(raw, mark), max);
  const more = head.length < payload.length && !text.endsWith('…');
  return `${mark}${more ? `${text}…` : text}${mark}`;
}

/** Words laid out in lines of at most `width` characters: the first line starts with `indent`, the others with `rest`. */
export function wrap(text: string, width: number, indent: string, rest = indent): string[] {
  const out: string[] = [];
  let line = indent;
  let words = 0;
  for (const w of text.split(' ')) {
    if (words > 0 && line.length + 1 + w.length > width) {
      out.push(line.trimEnd());
      line = rest;
      words = 0;
    }
    line += words === 0 ? w : ` ${w}`;
    words++;
  }
  if (words > 0) out.push(line.trimEnd());
  return out;
}
