// The per-frame rules of RFC 6455 §5 and RFC 7692 §6.1, as pure functions of
// a frame header (and the negotiated extensions). Each returns findings; the
// caller adds where they happened.
import { isUtf8 } from 'node:buffer';
import type { Severity, Side } from '../model.js';
import { closeCodeName, isValidCloseCode, parseCloseBody } from './close.js';
import { type FrameHeader, isControl, isReservedOpcode, opcodeName } from './frame.js';

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  rfc: string | null;
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
    out.push({ code: 'frame.client-unmasked', severity: 'error', message: `the client sent a ${name} frame without the MASK bit; clients must mask every frame`, rfc: 'RFC 6455 §5.1' });
  }
  if (ctx.from === 'server' && h.masked) {
    // RFC 6455 §5.1: "A server MUST NOT mask any frames that it sends to the client"
    out.push({ code: 'frame.server-masked', severity: 'error', message: `the server sent a masked ${name} frame (key ${h.maskingKey?.toString('hex')}); servers must not mask`, rfc: 'RFC 6455 §5.1' });
  }
  if (isReservedOpcode(h.opcode)) {
    // RFC 6455 §5.2: opcodes 0x3-0x7 and 0xB-0xF are reserved
    out.push({ code: 'frame.reserved-opcode', severity: 'error', message: `opcode 0x${h.opcode.toString(16)} is reserved and must not be used without an extension defining it`, rfc: 'RFC 6455 §5.2' });
  }
  if (isControl(h.opcode)) {
    if (h.payloadLength > 125) {
      // RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less"
      out.push({ code: 'frame.control-too-long', severity: 'error', message: `a ${name} frame carries ${h.payloadLengthText ?? h.payloadLength} bytes; control frames may carry at most 125`, rfc: 'RFC 6455 §5.5' });
    }
    if (!h.fin) {
      // RFC 6455 §5.5: "All control frames ... MUST NOT be fragmented"
      out.push({ code: 'frame.control-fragmented', severity: 'error', message: `a ${name} frame has FIN clear; control frames must not be fragmented`, rfc: 'RFC 6455 §5.5' });
    }
  }
  if ((h.lengthCode === 126 && h.payloadLength < 126) || (h.lengthCode === 127 && h.payloadLength < 65536)) {
    // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length"
    out.push({ code: 'frame.length-not-minimal', severity: 'error', message: `a payload length of ${h.payloadLength} is sent in the ${h.lengthCode === 126 ? '16' : '64'}-bit form; the shortest form must be used`, rfc: 'RFC 6455 §5.2' });
  }
  // (a double rounds 2^63 - 1 up to 2^63: the exact text decides)
  if (h.lengthCode === 127 && h.payloadLengthText !== null && BigInt(h.payloadLengthText) >= 1n << 63n) {
    // RFC 6455 §5.2: "the most significant bit MUST be 0"
    out.push({ code: 'frame.length-msb-set', severity: 'error', message: `the 64-bit payload length ${h.payloadLengthText ?? h.payloadLength} has its most significant bit set`, rfc: 'RFC 6455 §5.2' });
  }
  if (ctx.deflate && h.rsv1 && isControl(h.opcode)) {
    // RFC 7692 §6.1: "An endpoint MUST NOT set the "Per-Message Compressed" bit of control frames"
    out.push({ code: 'frame.rsv1-on-control', severity: 'error', message: `RSV1 is set on a ${name} frame; permessage-deflate never compresses control frames`, rfc: 'RFC 7692 §6.1' });
  } else if (ctx.deflate && h.rsv1 && h.opcode === 0) {
    // RFC 7692 §6.1: the bit is set only on the first frame of a message
    out.push({ code: 'frame.rsv1-on-continuation', severity: 'error', message: 'RSV1 is set on a continuation frame; under permessage-deflate only the first frame of a message carries it', rfc: 'RFC 7692 §6.1' });
  }
  const stray = [h.rsv1 && !ctx.deflate ? 'RSV1' : null, h.rsv2 ? 'RSV2' : null, h.rsv3 ? 'RSV3' : null].filter((x) => x !== null);
  if (stray.length > 0) {
    // RFC 6455 §5.2: RSV1-3 "MUST be 0 unless an extension is negotiated that defines meanings"
    out.push({ code: 'frame.rsv-without-extension', severity: 'error', message: `${stray.join(' and ')} ${stray.length > 1 ? 'are' : 'is'} set on a ${name} frame, but no negotiated extension defines ${stray.length > 1 ? 'them' : 'it'}`, rfc: 'RFC 6455 §5.2' });
  }
  return out;
}

/** Rules on a complete close frame's body (RFC 6455 §5.5.1, §7.4). */
export function checkCloseBody(payload: Buffer): Finding[] {
  const out: Finding[] = [];
  if (payload.length === 1) {
    // RFC 6455 §5.5.1: a body, if present, starts with a 2-byte status code
    out.push({ code: 'close.payload-one-byte', severity: 'error', message: 'the close frame body is 1 byte; it must be empty or start with a 2-byte status code', rfc: 'RFC 6455 §5.5.1' });
    return out;
  }
  const body = parseCloseBody(payload);
  if (body.code !== null && !isValidCloseCode(body.code)) {
    // RFC 6455 §7.4.1, §7.4.2: codes an endpoint must not send
    out.push({ code: 'close.invalid-code', severity: 'error', message: `close status code ${body.code} (${closeCodeName(body.code)}) must not be sent in a Close frame`, rfc: 'RFC 6455 §7.4' });
  }
  if (!isUtf8(body.reasonBytes)) {
    // RFC 6455 §5.5.1: the reason is UTF-8 encoded
    out.push({ code: 'close.invalid-utf8-reason', severity: 'error', message: 'the close reason is not valid UTF-8', rfc: 'RFC 6455 §5.5.1' });
  }
  return out;
}
