// The per-frame rules of RFC 6455 §5 and RFC 7692 §6.1, as pure functions of
// a frame header (and the negotiated extensions). Each returns findings; the
// caller adds where they happened.
import { type Code } from '../codes.js';
import { isUtf8 } from 'node:buffer';
import type { Side } from '../model.js';
import { closeCodeName, isValidCloseCode, parseCloseBody } from './close.js';
import { type FrameHeader, isControl, isReservedOpcode, opcodeName } from './frame.js';

/** A rule broken: its code (the registry, src/codes.ts, gives its severity and section), what was seen, and the section when a narrower one of the rule's applies. */
export interface Finding {
  code: Code;
  message: string;
  rfc?: string | null;
}

export interface FrameContext {
  from: Side;
  /** permessage-deflate was negotiated: RSV1 means "compressed" on a message's first frame */
  deflate: boolean;
}

export function checkFrameHeader(h: FrameHeader, ctx: FrameContext): Finding[] {
  const out: Finding[] = [];
  const name = opcodeName(h.opcode);
  if (ctx.from === 'client' && !h.masked) {
    // RFC 6455 §5.1: "a client MUST mask all frames that it sends to the server"
    out.push({ code: 'frame.client-unmasked', message: `the client sent a ${name} frame without the MASK bit; clients must mask every frame` });
  }
  if (ctx.from === 'server' && h.masked) {
    // RFC 6455 §5.1: "A server MUST NOT mask any frames that it sends to the client"
    out.push({ code: 'frame.server-masked', message: `the server sent a masked ${name} frame (key ${h.maskingKey?.toString('hex')}); servers must not mask` });
  }
  if (isReservedOpcode(h.opcode)) {
    // RFC 6455 §5.2: opcodes 0x3-0x7 and 0xB-0xF are reserved
    out.push({ code: 'frame.reserved-opcode', message: `opcode 0x${h.opcode.toString(16)} is reserved and must not be used without an extension defining it` });
  }
  if (isControl(h.opcode)) {
    if (h.payloadLength > 125) {
      // RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less"
      out.push({ code: 'frame.control-too-long', message: `a ${name} frame carries ${h.payloadLengthText ?? h.payloadLength} bytes; control frames may carry at most 125` });
    }
    if (!h.fin) {
      // RFC 6455 §5.5: "All control frames ... MUST NOT be fragmented"
      out.push({ code: 'frame.control-fragmented', message: `a ${name} frame has FIN clear; control frames must not be fragmented` });
    }
  }
  if ((h.lengthCode === 126 && h.payloadLength < 126) || (h.lengthCode === 127 && h.payloadLength < 65536)) {
    // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length"
    out.push({ code: 'frame.length-not-minimal', message: `a payload length of ${h.payloadLength} is sent in the ${h.lengthCode === 126 ? '16' : '64'}-bit form; the shortest form must be used` });
  }
  // (a double rounds 2^63 - 1 up to 2^63: the exact text decides)
  if (h.lengthCode === 127 && h.payloadLengthText !== null && BigInt(h.payloadLengthText) >= 1n << 63n) {
    // RFC 6455 §5.2: "the most significant bit MUST be 0"
    out.push({ code: 'frame.length-msb-set', message: `the 64-bit payload length ${h.payloadLengthText ?? h.payloadLength} has its most significant bit set` });
  }
  if (ctx.deflate && h.rsv1 && isControl(h.opcode)) {
    // RFC 7692 §6.1: "An endpoint MUST NOT set the "Per-Message Compressed" bit of control frames"
    out.push({ code: 'frame.rsv1-on-control', message: `RSV1 is set on a ${name} frame; permessage-deflate never compresses control frames` });
  } else if (ctx.deflate && h.rsv1 && h.opcode === 0) {
    // RFC 7692 §6.1: the bit is set only on the first frame of a message
    out.push({ code: 'frame.rsv1-on-continuation', message: 'RSV1 is set on a continuation frame; under permessage-deflate only the first frame of a message carries it' });
  }
  const stray = [h.rsv1 && !ctx.deflate ? 'RSV1' : null, h.rsv2 ? 'RSV2' : null, h.rsv3 ? 'RSV3' : null].filter((x) => x !== null);
  if (stray.length > 0) {
    // RFC 6455 §5.2: RSV1-3 "MUST be 0 unless an extension is negotiated that defines meanings"
    out.push({ code: 'frame.rsv-without-extension', message: `${stray.join(' and ')} ${stray.length > 1 ? 'are' : 'is'} set on a ${name} frame, but no negotiated extension defines ${stray.length > 1 ? 'them' : 'it'}` });
  }
  return out;
}

/** Rules on a complete close frame's body (RFC 6455 §5.5.1, §7.4). */
export function checkCloseBody(payload: Buffer): Finding[] {
  const out: Finding[] = [];
  if (payload.length === 1) {
    // RFC 6455 §5.5.1: a body, if present, starts with a 2-byte status code
    out.push({ code: 'close.payload-one-byte', message: 'the close frame body is 1 byte; it must be empty or start with a 2-byte status code' });
    return out;
  }
  const body = parseCloseBody(payload);
  if (body.code !== null && !isValidCloseCode(body.code)) {
    // RFC 6455 §7.4.1, §7.4.2: codes an endpoint must not send
    out.push({ code: 'close.invalid-code', message: `close status code ${body.code} (${closeCodeName(body.code)}) must not be sent in a Close frame` });
  }
  if (!isUtf8(body.reasonBytes)) {
    // RFC 6455 §5.5.1: the reason is UTF-8 encoded
    out.push({ code: 'close.invalid-utf8-reason', message: 'the close reason is not valid UTF-8' });
  }
  return out;
}
