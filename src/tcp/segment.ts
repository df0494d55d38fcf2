// TCP header decoder (RFC 9293 §3.1) and wrap-safe sequence arithmetic.

export interface TcpFlags {
  fin: boolean;
  syn: boolean;
  rst: boolean;
  psh: boolean;
  ack: boolean;
  urg: boolean;
}

export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: TcpFlags;
  window: number;
  headerLength: number;
  payload: Buffer;
}

/** Shared by every segment without payload (no view is made for them). */
const EMPTY = Buffer.alloc(0);

/** The TCP segment in b[start, end) (the whole of b by default). */
export function decodeTcp(b: Buffer, start = 0, end = b.length): TcpSegment | null {
  const length = end - start;
  if (length < 20) return null;
  const headerLength = (b[start + 12]! >> 4) * 4;
  if (headerLength < 20 || headerLength > length) return null;
  const f = b[start + 13]!;
  return {
    srcPort: (b[start]! << 8) | b[start + 1]!,
    dstPort: (b[start + 2]! << 8) | b[start + 3]!,
    seq: b.readUInt32BE(start + 4),
    ack: b.readUInt32BE(start + 8),
    flags: {
      fin: (f & 0x01) !== 0,
      syn: (f & 0x02) !== 0,
      rst: (f & 0x04) !== 0,
      psh: (f & 0x08) !== 0,
      ack: (f & 0x10) !== 0,
      urg: (f & 0x20) !== 0,
    },
    window: (b[start + 14]! << 8) | b[start + 15]!,
    headerLength,
    payload: headerLength === length ? EMPTY : b.subarray(start + headerLength, end),
  };
}

/** Signed distance a - b between two sequence numbers, modulo 2^32. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** a + n modulo 2^32. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** The flags as the header's bits (FIN 0x01 … URG 0x20). */
export function flagBits(flags: TcpFlags): number {
  return (flags.fin ? 0x01 : 0) | (flags.syn ? 0x02 : 0) | (flags.rst ? 0x04 : 0) | (flags.psh ? 0x08 : 0) | (flags.ack ? 0x10 : 0) | (flags.urg ? 0x20 : 0);
}

/** The names of each set of flags once made (a walkthrough names a packet's flags on most of its lines). */
const FLAG_NAMES: (string | undefined)[] = [];

/** "SYN, ACK": the flags' names, in the order tcpdump and Wireshark give them. */
export function flagNames(bits: number): string {
  if (bits >= 0 && bits < 256 && Number.isInteger(bits)) return (FLAG_NAMES[bits] ??= makeFlagNames(bits));
  return makeFlagNames(bits);
}

function makeFlagNames(bits: number): string {
  const names: string[] = [];
  if (bits & 0x02) names.push('SYN');
  if (bits & 0x01) names.push('FIN');
  if (bits & 0x04) names.push('RST');
  if (bits & 0x08) names.push('PSH');
  if (bits & 0x10) names.push('ACK');
  if (bits & 0x20) names.push('URG');
  return names.join(', ');
}
