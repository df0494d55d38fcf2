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

/** Decodes a frame header at the start of b, or says how many bytes it needs in all. */
export function decodeFrameHeader(b: Uint8Array): HeaderResult {
  if (b.length < 2) return { header: null, need: 2 };
  const b0 = b[0]!;
  const b1 = b[1]!;
  const masked = (b1 & 0x80) !== 0;
  const lengthCode = b1 & 0x7f;
  const extended = lengthCode === 126 ? 2 : lengthCode === 127 ? 8 : 0;
  const headerLength = 2 + extended + (masked ? 4 : 0);
  if (b.length < headerLength) return { header: null, need: headerLength };
  let payloadLength = lengthCode;
  let payloadLengthText: string | null = null;
  if (lengthCode === 126) {
    payloadLength = (b[2]! << 8) | b[3]!;
  } else if (lengthCode === 127) {
    const hi = ((b[2]! << 24) | (b[3]! << 16) | (b[4]! << 8) | b[5]!) >>> 0;
    const lo = ((b[6]! << 24) | (b[7]! << 16) | (b[8]! << 8) | b[9]!) >>> 0;
    payloadLength = hi * 2 ** 32 + lo;
    if (hi >= 2 ** 21) payloadLengthText = ((BigInt(hi) << 32n) | BigInt(lo)).toString();
  }
  const keyAt = 2 + extended;
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
      maskingKey: masked ? Buffer.from(b.subarray(keyAt, keyAt + 4)) : null,
      headerLength,
    },
  };
}

/** XORs bytes in place with the masking key, starting at payload offset `at` (RFC 6455 §5.3). */
export function unmask(bytes: Buffer, key: Buffer, at: number): void {
  for (let i = 0; i < bytes.length; i++) bytes[i] = bytes[i]! ^ key[(at + i) & 3]!;
}
