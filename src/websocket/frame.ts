// The RFC 6455 §5.2 base framing protocol, read the way the RFC draws it:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-------+-+-------------+-------------------------------+
//  |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//  |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//  |N|V|V|V|       |S|             |   (if payload len==126/127)   |
//  | |1|2|3|       |K|             |                               |
//  +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
//  |     Extended payload length continued, if payload len == 127  |
//  + - - - - - - - - - - - - - - - +-------------------------------+
//  |                               |Masking-key, if MASK set to 1  |
//  +-------------------------------+-------------------------------+
//  | Masking-key (continued)       |          Payload Data         |
//  +-------------------------------- - - - - - - - - - - - - - - - +

export const OPCODE_NAMES: Readonly<Record<number, string>> = {
  0x0: 'continuation',
  0x1: 'text',
  0x2: 'binary',
  0x8: 'close',
  0x9: 'ping',
  0xa: 'pong',
};

export function opcodeName(opcode: number): string {
  return OPCODE_NAMES[opcode] ?? `reserved-${opcode}`;
}

export function isControl(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

export function isReservedOpcode(opcode: number): boolean {
  return OPCODE_NAMES[opcode] === undefined;
}

export interface FrameHeader {
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  /** the 7-bit field as sent: 0-125, or 126 / 127 for the extended forms */
  lengthCode: number;
  /** exact up to 2^53 - 1; see payloadLengthText beyond */
  payloadLength: number;
  /** decimal text of a 64-bit length that a number cannot hold exactly, else null */
  payloadLengthText: string | null;
  maskingKey: Buffer | null;
  headerLength: number;
}

export type HeaderResult = { header: FrameHeader; need: 0 } | { header: null; need: number };

/** Decodes a frame header at b[at] (the start by default), or says how many bytes it needs in all. */
export function decodeFrameHeader(b: Uint8Array, at = 0): HeaderResult {
  const available = b.length - at;
  if (available < 2) return { header: null, need: 2 };
  const b0 = b[at]!;
  const b1 = b[at + 1]!;
  const masked = (b1 & 0x80) !== 0;
  const lengthCode = b1 & 0x7f;
  const extended = lengthCode === 126 ? 2 : lengthCode === 127 ? 8 : 0;
  const headerLength = 2 + extended + (masked ? 4 : 0);
  if (available < headerLength) return { header: null, need: headerLength };
  let payloadLength = lengthCode;
  let payloadLengthText: string | null = null;
  if (lengthCode === 126) {
    payloadLength = (b[at + 2]! << 8) | b[at + 3]!;
  } else if (lengthCode === 127) {
    const hi = ((b[at + 2]! << 24) | (b[at + 3]! << 16) | (b[at + 4]! << 8) | b[at + 5]!) >>> 0;
    const lo = ((b[at + 6]! << 24) | (b[at + 7]! << 16) | (b[at + 8]! << 8) | b[at + 9]!) >>> 0;
    payloadLength = hi * 2 ** 32 + lo;
    if (hi >= 2 ** 21) payloadLengthText = ((BigInt(hi) << 32n) | BigInt(lo)).toString();
  }
  let maskingKey: Buffer | null = null;
  if (masked) {
    const keyAt = at + 2 + extended;
    maskingKey = Buffer.allocUnsafe(4);
    maskingKey[0] = b[keyAt]!;
    maskingKey[1] = b[keyAt + 1]!;
    maskingKey[2] = b[keyAt + 2]!;
    maskingKey[3] = b[keyAt + 3]!;
  }
  return {
    need: 0,
    header: {
      fin: (b0 & 0x80) !== 0,
      rsv1: (b0 & 0x40) !== 0,
      rsv2: (b0 & 0x20) !== 0,
      rsv3: (b0 & 0x10) !== 0,
      opcode: b0 & 0x0f,
      masked,
      lengthCode,
      payloadLength,
      payloadLengthText,
      maskingKey,
      headerLength,
    },
  };
}

/** XORs bytes in place with the masking key, starting at payload offset `at` (RFC 6455 §5.3). */
export function unmask(bytes: Buffer, key: Buffer, at: number): void {
  unmaskInto(bytes, 0, bytes, key, at);
}

/**
 * Writes src[from, from + dst.length) XORed with the masking key into dst,
 * the first byte being payload offset `at`: the copy and the unmasking in
 * one pass, four bytes a turn.
 */
export function unmaskInto(src: Uint8Array, from: number, dst: Uint8Array, key: Uint8Array, at: number): void {
  const k0 = key[at & 3]!;
  const k1 = key[(at + 1) & 3]!;
  const k2 = key[(at + 2) & 3]!;
  const k3 = key[(at + 3) & 3]!;
  const n = dst.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    dst[i] = src[from + i]! ^ k0;
    dst[i + 1] = src[from + i + 1]! ^ k1;
    dst[i + 2] = src[from + i + 2]! ^ k2;
    dst[i + 3] = src[from + i + 3]! ^ k3;
  }
  for (; i < n; i++) dst[i] = src[from + i]! ^ key[(at + i) & 3]!;
}
