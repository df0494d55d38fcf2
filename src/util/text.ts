// Making bytes from a capture safe to show: nothing from a capture may reach
// a terminal as a control character or an escape sequence.
import { isUtf8 } from 'node:buffer';

const ESCAPES: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * Escapes C0 and C1 control characters, DEL, and the Unicode format characters
 * that reorder or hide text (bidi overrides, zero-width marks), as \xNN or \u{N}.
 * Backslashes are left alone, so sanitizing twice changes nothing.
 */
export function sanitize(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const esc = ESCAPES[ch];
    if (esc) out += esc;
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if ((cp >= 0x80 && cp < 0xa0) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp === 0xfeff)
      out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return out;
}

/** Cuts a string to at most `max` characters (code points), marking the cut with an ellipsis. */
export function cut(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** A short, safe preview of payload bytes: quoted text when it is UTF-8, else hex. */
export function previewPayload(payload: Buffer, max = 32): string {
  if (payload.length === 0) return '""';
  // a cut may split a multi-byte character: drop up to 3 trailing bytes to find valid UTF-8
  const head = payload.subarray(0, max * 4);
  for (let drop = 0; drop <= 3 && drop < head.length; drop++) {
    const b = head.subarray(0, head.length - drop);
    if (isUtf8(b) && (drop === 0 || head.length < payload.length)) {
      const text = b.toString('utf8');
      const cutText = cut(text, max);
      const more = cutText !== text || head.length < payload.length;
      return `"${sanitize(more && !cutText.endsWith('…') ? `${cutText}…` : cutText)}"`;
    }
  }
  const hexBytes = Math.max(1, Math.floor(max / 3));
  const hex = payload.subarray(0, hexBytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');
  return payload.length > hexBytes ? `${hex} …` : hex;
}
