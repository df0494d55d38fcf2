// Finding frame boundaries in bytes whose framing is unknown: after capture
// loss, or in a capture that starts in the middle of a connection. A header
// is plausible when every field agrees with what the connection allows; a
// start is accepted only when the frame it announces is followed by another
// plausible header (or ends exactly where the bytes end), so that payload
// bytes are not taken for headers. Pure functions of the bytes.
import { isUtf8 } from 'node:buffer';
import { isValidCloseCode } from './close.js';
import { decodeFrameHeader, type FrameHeader, isControl, isReservedOpcode, unmask } from './frame.js';

export interface SyncRules {
  /** the mask bit this direction must carry; null when the direction is not known yet */
  masked: boolean | null;
  /** permessage-deflate was negotiated: RSV1 may be set on data frames */
  deflate: boolean;
  /** frames longer than this are not believed (a length that fits the stream) */
  maxLength: number;
}

/** A header at `at` that a conforming endpoint could have sent, or null; 'need' when bytes run out. */
export function plausibleHeader(b: Buffer, at: number, rules: SyncRules): FrameHeader | null | 'need' {
  const r = decodeFrameHeader(b.subarray(at, at + 14));
  if (!r.header) return b.length - at >= 14 ? null : 'need';
  const h = r.header;
  if (isReservedOpcode(h.opcode)) return null;
  if (h.rsv2 || h.rsv3) return null;
  if (h.rsv1 && (!rules.deflate || isControl(h.opcode) || h.opcode === 0)) return null;
  if (rules.masked !== null && h.masked !== rules.masked) return null;
  if (isControl(h.opcode) && (!h.fin || h.payloadLength > 125)) return null;
  // lengths in the shortest form only: a conforming sender never pads them
  if ((h.lengthCode === 126 && h.payloadLength < 126) || (h.lengthCode === 127 && h.payloadLength < 65536)) return null;
  if (h.payloadLength > rules.maxLength) return null;
  return h;
}

export type SyncResult =
  /** a frame boundary at `offset`, confirmed by `frames` consecutive plausible frames */
  | { found: true; offset: number; frames: number; masked: boolean }
  /** none yet: bytes before `keepFrom` cannot start a frame and may be dropped */
  | { found: false; keepFrom: number };

/**
 * Looks for the first offset where `run` consecutive plausible frames start
 * (all with the same mask bit). At the end of the stream (`atEnd`), a chain
 * of at least `minAtEnd` frames that reaches exactly the end of the bytes is
 * enough. With `segments` (the offsets where TCP segments start; the end of
 * the bytes ends one too), a chain that starts where a segment starts and
 * ends exactly where one ends is enough: implementations write frames whole,
 * so frame and segment boundaries meet, which payload bytes rarely mimic.
 */
export function findFrameStart(b: Buffer, rules: SyncRules, run: number, atEnd: boolean, minAtEnd = 1, segments: ReadonlySet<number> | null = null): SyncResult {
  for (let i = 0; i < b.length; i++) {
    const verdict = chainFrom(b, i, rules, run, atEnd && minAtEnd <= run, minAtEnd, segments !== null && segments.has(i) ? segments : null);
    if (verdict === 'need') return { found: false, keepFrom: i };
    if (verdict !== null) return { found: true, offset: i, frames: verdict.frames, masked: verdict.masked };
  }
  return { found: false, keepFrom: b.length };
}

function chainFrom(b: Buffer, start: number, rules: SyncRules, run: number, atEnd: boolean, minAtEnd: number, segments: ReadonlySet<number> | null): { frames: number; masked: boolean } | null | 'need' {
  let at = start;
  let masked: boolean | null = rules.masked;
  for (let n = 0; n < run; n++) {
    if (at === b.length && n > 0) {
      if (!atEnd) return 'need';
      return n >= minAtEnd ? { frames: n, masked: masked ?? false } : null;
    }
    const h = plausibleHeader(b, at, { ...rules, masked });
    if (h === 'need') return atEnd ? null : 'need';
    if (h === null) return null;
    masked = h.masked;
    const end = at + h.headerLength + h.payloadLength;
    if (end <= b.length && !plausiblePayload(h, b.subarray(at + h.headerLength, end), rules)) return null;
    if (end > b.length) {
      // the frame runs past the bytes we have: wait for them (at the end, it ends here, cut)
      return atEnd ? (n >= minAtEnd ? { frames: n, masked } : null) : 'need';
    }
    at = end;
    // aligned with the segments at both ends
    if (segments !== null && (segments.has(at) || at === b.length)) return { frames: n + 1, masked };
  }
  return { frames: run, masked: masked ?? false };
}

/**
 * What can be checked of a payload without knowing the messages around it: a
 * whole (unfragmented, uncompressed) text frame is UTF-8, and a close frame
 * carries nothing or a valid status code.
 */
function plausiblePayload(h: FrameHeader, raw: Buffer, rules: SyncRules): boolean {
  const textWhole = h.opcode === 0x1 && h.fin && !(h.rsv1 && rules.deflate);
  if (!textWhole && h.opcode !== 0x8) return true;
  const payload = Buffer.from(raw);
  if (h.maskingKey) unmask(payload, h.maskingKey, 0);
  if (h.opcode === 0x8) return payload.length === 0 || (payload.length >= 2 && isValidCloseCode(payload.readUInt16BE(0)) && isUtf8(payload.subarray(2)));
  return isUtf8(payload);
}
