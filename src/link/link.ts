// Link layer: from a captured frame to the network-layer bytes it carries.
// Each link type maps to a small pure decoder through a table (like gopacket's enums).

export type NetworkProtocol = 'ipv4' | 'ipv6' | 'other';

/**
 * Where the network-layer bytes start in the frame. The pipeline reads them
 * in place from `at`; `payload` makes a view of them only when asked for.
 */
export class LinkResult {
  constructor(
    readonly network: NetworkProtocol,
    /** EtherType (or equivalent) that named the network protocol, for messages */
    readonly etherType: number,
    readonly frame: Buffer,
    readonly at: number,
  ) {}

  get payload(): Buffer {
    return this.frame.subarray(this.at);
  }
}

export type LinkDecoder = (frame: Buffer) => LinkResult | null;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;

function byEtherType(etherType: number, frame: Buffer, at: number): LinkResult {
  const network: NetworkProtocol =
    etherType === ETHERTYPE_IPV4 ? 'ipv4' : etherType === ETHERTYPE_IPV6 ? 'ipv6' : 'other';
  return new LinkResult(network, etherType, frame, at);
}

/** Ethernet II, with any number of 802.1Q / 802.1ad tags. */
export const decodeEthernet: LinkDecoder = (frame) => {
  if (frame.length < 14) return null;
  let offset = 12;
  let etherType = frame.readUInt16BE(offset);
  while ((etherType === ETHERTYPE_VLAN || etherType === ETHERTYPE_QINQ) && frame.length >= offset + 6) {
    offset += 4;
    etherType = frame.readUInt16BE(offset);
  }
  return byEtherType(etherType, frame, offset + 2);
};

/** Linux cooked capture v1 (tcpdump -i any). */
export const decodeLinuxSll: LinkDecoder = (frame) => {
  if (frame.length < 16) return null;
  return byEtherType(frame.readUInt16BE(14), frame, 16);
};

/** Linux cooked capture v2. */
export const decodeLinuxSll2: LinkDecoder = (frame) => {
  if (frame.length < 20) return null;
  return byEtherType(frame.readUInt16BE(0), frame, 20);
};

/** Raw IP: the version nibble says which. */
export const decodeRawIp: LinkDecoder = (frame) => {
  if (frame.length < 1) return null;
  const version = (frame[0] ?? 0) >> 4;
  if (version === 4) return new LinkResult('ipv4', ETHERTYPE_IPV4, frame, 0);
  if (version === 6) return new LinkResult('ipv6', ETHERTYPE_IPV6, frame, 0);
  return new LinkResult('other', 0, frame, 0);
};

/** BSD loopback: a 4-byte address family in host byte order (unknown to us), so both are tried. */
export const decodeNull: LinkDecoder = (frame) => {
  if (frame.length < 4) return null;
  const le = frame.readUInt32LE(0);
  const be = frame.readUInt32BE(0);
  const family = le < 256 ? le : be;
  if (family === 2) return new LinkResult('ipv4', ETHERTYPE_IPV4, frame, 4);
  // AF_INET6 differs between systems: 10 (Linux), 24 (OpenBSD), 28 (FreeBSD), 30 (macOS)
  if (family === 10 || family === 24 || family === 28 || family === 30) {
    return new LinkResult('ipv6', ETHERTYPE_IPV6, frame, 4);
  }
  return new LinkResult('other', family, frame, 4);
};

/** OpenBSD loopback: like null, but the family is always big-endian. */
export const decodeLoop: LinkDecoder = (frame) => {
  if (frame.length < 4) return null;
  const family = frame.readUInt32BE(0);
  if (family === 2) return new LinkResult('ipv4', ETHERTYPE_IPV4, frame, 4);
  if (family === 24 || family === 28 || family === 30 || family === 10) {
    return new LinkResult('ipv6', ETHERTYPE_IPV6, frame, 4);
  }
  return new LinkResult('other', family, frame, 4);
};

const ipv4Only: LinkDecoder = (frame) => new LinkResult('ipv4', ETHERTYPE_IPV4, frame, 0);
const ipv6Only: LinkDecoder = (frame) => new LinkResult('ipv6', ETHERTYPE_IPV6, frame, 0);

/** LINKTYPE_* values (tcpdump.org/linktypes) to decoders and names. */
export const LINK_TYPES: ReadonlyMap<number, { name: string; decode: LinkDecoder }> = new Map([
  [0, { name: 'BSD loopback', decode: decodeNull }],
  [1, { name: 'Ethernet', decode: decodeEthernet }],
  [12, { name: 'raw IP', decode: decodeRawIp }],
  [14, { name: 'raw IP', decode: decodeRawIp }],
  [101, { name: 'raw IP', decode: decodeRawIp }],
  [108, { name: 'OpenBSD loopback', decode: decodeLoop }],
  [113, { name: 'Linux cooked v1', decode: decodeLinuxSll }],
  [228, { name: 'raw IPv4', decode: ipv4Only }],
  [229, { name: 'raw IPv6', decode: ipv6Only }],
  [276, { name: 'Linux cooked v2', decode: decodeLinuxSll2 }],
]);

export function linkTypeName(linkType: number): string {
  return LINK_TYPES.get(linkType)?.name ?? `link type ${linkType}`;
}
