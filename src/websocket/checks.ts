// The per-frame rules of RFC 6455 §5 and RFC 7692 §6.1, as pure functions of
// a frame header (and the negotiated extensions). Each returns findings; the
// caller adds where they happened.
import { type Code } from '../codes.js';
import type { DiagnosticFacts } from '../diagnostic.js';
import { isUtf8 } from 'node:buffer';
import type { Side } from '../model.js';
import { isValidCloseCode, parseCloseBody } from './close.js';
import { type FrameHeader, isControl, isReservedOpcode } from './frame.js';
import { said } from '../text/diagnostics.js';

/** A rule broken: its code (the registry, src/codes.ts, gives its severity and section), what was seen, and the section when a narrower one of the rule's applies. */
export interface Finding {
  code: Code;
  message: string;
  rfc?: string | null;
  /** what the sentence was made from (text/diagnostics.ts), when it was */
  facts?: DiagnosticFacts;
}

export interface FrameContext {
  from: Side;
  /** permessage-deflate was negotiated: RSV1 means "compressed" on a message's first frame */
  deflate: boolean;
}

export function checkFrameHeader(h: FrameHeader, ctx: FrameContext): Finding[] {
  const out: Finding[] = [];
  if (ctx.from === 'client' && !h.masked) {
    // RFC 6455 §5.1: "a client MUST mask all frames that it sends to the server"
    out.push(said({ code: 'frame.client-unmasked', opcode: h.opcode }));
  }
  if (ctx.from === 'server' && h.masked) {
    // RFC 6455 §5.1: "A server MUST NOT mask any frames that it sends to the client"
    out.push(said({ code: 'frame.server-masked', opcode: h.opcode, key: h.maskingKey?.toString('hex') }));
  }
  if (isReservedOpcode(h.opcode)) {
    // RFC 6455 §5.2: opcodes 0x3-0x7 and 0xB-0xF are reserved
    out.push(said({ code: 'frame.reserved-opcode', opcode: h.opcode }));
  }
  if (isControl(h.opcode)) {
    if (h.payloadLength > 125) {
      // RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less"
      out.push(said({ code: 'frame.control-too-long', opcode: h.opcode, length: h.payloadLengthText ?? String(h.payloadLength) }));
    }
    if (!h.fin) {
      // RFC 6455 §5.5: "All control frames ... MUST NOT be fragmented"
      out.push(said({ code: 'frame.control-fragmented', opcode: h.opcode }));
    }
  }
  if ((h.lengthCode === 126 && h.payloadLength < 126) || (h.lengthCode === 127 && h.payloadLength < 65536)) {
    // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length"
    out.push(said({ code: 'frame.length-not-minimal', length: h.payloadLength, bits: h.lengthCode === 126 ? 16 : 64 }));
  }
  // (a double rounds 2^63 - 1 up to 2^63: the exact text decides)
  if (h.lengthCode === 127 && h.payloadLengthText !== null && BigInt(h.payloadLengthText) >= 1n << 63n) {
    // RFC 6455 §5.2: "the most significant bit MUST be 0"
    out.push(said({ code: 'frame.length-msb-set', length: h.payloadLengthText ?? String(h.payloadLength) }));
  }
  if (ctx.deflate && h.rsv1 && isControl(h.opcode)) {
    // RFC 7692 §6.1: "An endpoint MUST NOT set the "Per-Message Compressed" bit of control frames"
    out.push(said({ code: 'frame.rsv1-on-control', opcode: h.opcode }));
  } else if (ctx.deflate && h.rsv1 && h.opcode === 0) {
    // RFC 7692 §6.1: the bit is set only on the first frame of a message
    out.push(said({ code: 'frame.rsv1-on-continuation' }));
  }
  const stray = [h.rsv1 && !ctx.deflate ? 'RSV1' : null, h.rsv2 ? 'RSV2' : null, h.rsv3 ? 'RSV3' : null].filter((x): x is string => x !== null);
  if (stray.length > 0) {
    // RFC 6455 §5.2: RSV1-3 "MUST be 0 unless an extension is negotiated that defines meanings"
    out.push(said({ code: 'frame.rsv-without-extension', opcode: h.opcode, bits: stray }));
  }
  return out;
}

/** Rules on a complete close frame's body (RFC 6455 §5.5.1, §7.4). */
export function checkCloseBody(payload: Buffer): Finding[] {
  const out: Finding[] = [];
  if (payload.length === 1) {
    // RFC 6455 §5.5.1: a body, if present, starts with a 2-byte status code
    out.push(said({ code: 'close.payload-one-byte' }));
    return out;
  }
  const body = parseCloseBody(payload);
  if (body.code !== null && !isValidCloseCode(body.code)) {
    // RFC 6455 §7.4.1, §7.4.2: codes an endpoint must not send
    out.push(said({ code: 'close.invalid-code', closeCode: body.code }));
  }
  if (!isUtf8(body.reasonBytes)) {
    // RFC 6455 §5.5.1: the reason is UTF-8 encoded
    out.push(said({ code: 'close.invalid-utf8-reason' }));
  }
  return out;
}
