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

/**
 * A frame that says something: a payload of at least one byte that is not
 * all zeros (runs of zero bytes parse as empty continuation frames), masked
 * with a key that is not zero. Empty frames, zero runs and keys of zeros are
 * what other protocols' bytes look like; they are no evidence of WebSocket.
 */
function evidential(h: FrameHeader, raw: Buffer): boolean {
  if (raw.length === 0) return false;
  if (h.maskingKey && h.maskingKey.readUInt32BE(0) === 0) return false;
  for (let i = 0; i < raw.length; i++) if (raw[i] !== (h.maskingKey ? h.maskingKey[i & 3] : 0)) return true;
  return false;
}

/**
 * Evidence that bytes whose protocol is unknown are WebSocket (a connection
 * whose start the capture missed): `run` consecutive plausible frames with
 * the same mask bit, starting where a TCP segment starts (implementations
 * write frames whole, so a frame starts a segment), at least one of them
 * ending where a segment ends, at least two of them evidential (above), at
 * least one of them final (FIN set: a message or control frame that ends;
 * other protocols' bytes can read as a run of fragments that never end, where
 * a WebSocket sender finishes almost every frame it sends), and fragments in
 * order (a continuation only after a fragment the run opened, a new message
 * only after the last one ended). At the
 * end of the bytes, two such frames reaching exactly the end are enough.
 * `starts` are the offsets where segments start, in order.
 */
export function findEvidence(b: Buffer, rules: SyncRules, run: number, atEnd: boolean, starts: readonly number[]): SyncResult {
  const boundaries = new Set(starts);
  // a start still waiting for bytes does not stop the search: a later one may already hold the evidence
  let keepFrom = b.length;
  for (const start of starts) {
    if (start >= b.length) break;
    const v = evidenceFrom(b, start, rules, run, atEnd, boundaries);
    if (v === 'need') keepFrom = Math.min(keepFrom, start);
    else if (v !== null) return { found: true, offset: start, frames: v.frames, masked: v.masked };
  }
  return { found: false, keepFrom };
}

function evidenceFrom(b: Buffer, start: number, rules: SyncRules, run: number, atEnd: boolean, boundaries: ReadonlySet<number>): { frames: number; masked: boolean } | null | 'need' {
  let at = start;
  let masked = rules.masked;
  let strong = 0;
  let aligned = false;
  let open = false;
  let final = false;
  for (let n = 0; n < run; n++) {
    if (at === b.length) {
      if (!atEnd) return 'need';
      return n >= 2 && strong >= 2 && final ? { frames: n, masked: masked ?? false } : null;
    }
    const h = plausibleHeader(b, at, { ...rules, masked });
    if (h === 'need') return atEnd ? null : 'need';
    if (h === null) return null;
    // RFC 6455 §5.4: a continuation only inside a fragmented message, a new message only outside one
    if (h.opcode === 0 && !open) return null;
    if ((h.opcode === 1 || h.opcode === 2) && open) return null;
    if (!isControl(h.opcode)) open = !h.fin;
    if (h.fin) final = true;
    masked = h.masked;
    const end = at + h.headerLength + h.payloadLength;
    if (end > b.length) return atEnd ? null : 'need';
    const raw = b.subarray(at + h.headerLength, end);
    if (!plausiblePayload(h, raw, rules)) return null;
    if (evidential(h, raw)) strong++;
    at = end;
    if (boundaries.has(at) || at === b.length) aligned = true;
  }
  return strong >= 2 && aligned && final ? { frames: run, masked: masked ?? false } : null;
}
