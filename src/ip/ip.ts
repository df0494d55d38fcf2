// Network layer: IPv4 and IPv6 headers, pure decoders from bytes to the
// transport payload they carry.

export const IPPROTO_TCP = 6;

export interface IpPacket {
  version: 4 | 6;
  /** the IP header's bytes and where the source address starts in them */
  readonly header: Buffer;
  readonly srcAt: number;
  /** the addresses in text, made only when asked for (most packets never need them) */
  readonly src: string;
  readonly dst: string;
  /** the addresses' raw bytes as a latin1 string: a cheap key for a flow table */
  readonly srcKey: string;
  readonly dstKey: string;
  protocol: number;
  /** the transport bytes: header[payloadAt, payloadEnd) (a view is made only when `payload` is asked for) */
  readonly payloadAt: number;
  readonly payloadEnd: number;
  readonly payload: Buffer;
  /** the packet was cut by the snapshot length: payload is shorter than the header says */
  truncated: boolean;
  /** a fragment of a larger datagram (not the whole transport header and payload) */
  readonly fragment: boolean;
  /** where a fragment belongs: the key of its datagram, its byte offset, and whether more follow */
  fragmentOf: { key: string; offset: number; more: boolean } | null;
  /** transport bytes the header declares (the payload may be shorter when the packet was cut) */
  declaredLength: number;
}

/** The fields every IP packet has; the address text is made only when asked for. */
class Ip implements IpPacket {
  constructor(
    readonly version: 4 | 6,
    readonly header: Buffer,
    readonly srcAt: number,
    readonly protocol: number,
    readonly payloadAt: number,
    readonly payloadEnd: number,
    readonly truncated: boolean,
    readonly fragmentOf: IpPacket['fragmentOf'],
    readonly declaredLength: number,
  ) {}

  get payload(): Buffer {
    return this.header.subarray(this.payloadAt, this.payloadEnd);
  }

  private get size(): number {
    return this.version === 4 ? 4 : 16;
  }

  get src(): string {
    return this.version === 4 ? formatIpv4(this.header, this.srcAt) : formatIpv6(this.header, this.srcAt);
  }

  get dst(): string {
    return this.version === 4 ? formatIpv4(this.header, this.srcAt + 4) : formatIpv6(this.header, this.srcAt + 16);
  }

  get srcKey(): string {
    return this.header.toString('latin1', this.srcAt, this.srcAt + this.size);
  }

  get dstKey(): string {
    return this.header.toString('latin1', this.srcAt + this.size, this.srcAt + 2 * this.size);
  }

  get fragment(): boolean {
    return this.fragmentOf !== null;
  }
}

export function formatIpv4(b: Buffer, offset: number): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

/** RFC 5952 text form: lower case, longest run of zero groups (2 or more) as '::'. */
export function formatIpv6(b: Buffer, offset: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(b.readUInt16BE(offset + i * 2));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLen).join(':');
  return `${head}::${tail}`;
}

export function decodeIpv4(b: Buffer, at = 0): IpPacket | null {
  const length = b.length - at;
  if (length < 20) return null;
  const first = b[at]!;
  if (first >> 4 !== 4) return null;
  const headerLength = (first & 0x0f) * 4;
  if (headerLength < 20 || length < headerLength) return null;
  const totalLength = (b[at + 2]! << 8) | b[at + 3]!;
  const flagsFragment = (b[at + 6]! << 8) | b[at + 7]!;
  const moreFragments = (flagsFragment & 0x2000) !== 0;
  const fragmentOffset = flagsFragment & 0x1fff;
  // totalLength 0 happens with TSO captures: trust the captured length then
  const end = totalLength >= headerLength ? totalLength : length;
  const protocol = b[at + 9]!;
  const fragment = moreFragments || fragmentOffset !== 0;
  const fragmentOf = fragment ? { key: `4|${b.toString('hex', at + 12, at + 20)}|${protocol}|${b.readUInt16BE(at + 4)}`, offset: fragmentOffset * 8, more: moreFragments } : null;
  // ending at totalLength drops Ethernet padding after short packets
  return new Ip(4, b, at + 12, protocol, at + headerLength, at + Math.min(end, length), length < end, fragmentOf, end - headerLength);
}

const IPV6_HOP_BY_HOP = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_DEST_OPTIONS = 60;

export function decodeIpv6(whole: Buffer, at = 0): IpPacket | null {
  // extension headers are rare: the IPv6 path reads a view of its own
  const b = at === 0 ? whole : whole.subarray(at);
  if (b.length < 40) return null;
  if ((b[0] ?? 0) >> 4 !== 6) return null;
  const payloadLength = b.readUInt16BE(4);
  const end = 40 + payloadLength;
  let next = b[6] ?? 0;
  let offset = 40;
  let fragmentOf: IpPacket['fragmentOf'] = null;
  // skip extension headers until the transport header
  for (;;) {
    if (next === IPV6_HOP_BY_HOP || next === IPV6_ROUTING || next === IPV6_DEST_OPTIONS) {
      if (b.length < offset + 2) return null;
      const len = ((b[offset + 1] ?? 0) + 1) * 8;
      next = b[offset] ?? 0;
      offset += len;
    } else if (next === IPV6_FRAGMENT) {
      if (b.length < offset + 8) return null;
      const fo = b.readUInt16BE(offset + 2);
      next = b[offset] ?? 0;
      // an atomic fragment (offset 0, no more) is a whole datagram (RFC 8200 §4.5)
      if ((fo & 0xfff8) !== 0 || (fo & 1) !== 0) {
        fragmentOf = { key: `6|${b.toString('hex', 8, 40)}|${b.readUInt32BE(offset + 4)}`, offset: fo & 0xfff8, more: (fo & 1) !== 0 };
      }
      offset += 8;
      if (fragmentOf) break; // what follows is the fragmentable part, whole only once reassembled
    } else {
      break;
    }
    if (offset > b.length) return null;
  }
  return new Ip(6, b, 8, next, Math.min(offset, b.length), Math.min(end, b.length), b.length < end, fragmentOf, end - offset);
}
