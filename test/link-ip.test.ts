import { describe, expect, it } from 'vitest';
import { decodeEthernet, decodeLinuxSll, decodeNull, decodeRawIp, LINK_TYPES } from '../src/link/link.js';
import { decodeIpv4, decodeIpv6, formatIpv6 } from '../src/ip/ip.js';
import { decodeTcp } from '../src/tcp/segment.js';
import { ethernet, ipv4Tcp } from './support/pcap.js';

const segment = ipv4Tcp({ src: '192.0.2.1', dst: '198.51.100.7', sport: 51000, dport: 80, seq: 1, ack: 2, flags: 'PA', payload: Buffer.from('hi') });

describe('golden packets from the bundled captures', () => {
  // textbook_rfc6455.pcap, packet 1 (tcpdump -X):
  //   0x0000:  0000 5e00 5301 0000 5e00 530a 0800 4500  ..^.S...^.S...E.
  //   0x0010:  003c 6f3a 4000 4006 4763 c000 020a c000  .<o:@.@.Gc......
  //   0x0020:  0214 c738 0050 a31b 6ab9 0000 0000 a002  ...8.P..j.......
  //   0x0030:  faf0 9767 0000 0204 05b4 0402 080a acfa  ...g............
  //   0x0040:  af30 0000 0000 0103 0307                 .0........
  const ethernetSyn = Buffer.from('00005e00530100005e00530a08004500003c6f3a400040064763c000020ac0000214c7380050a31b6ab900000000a002faf097670000020405b40402080aacfaaf300000000001030307', 'hex');
  // suricata_ping_sll.pcap, packet 1: a Linux cooked (v1) header, packet type 0 (to us), ARPHRD 772 (loopback)
  //   0x0000:  0000 0304 0006 0000 0000 0000 0000 0800  ................
  //   0x0010:  4500 003c 22a7 4000 4006 1a13 7f00 0001  E..<".@.@.......
  //   0x0020:  7f00 0001 d84b 283d 4f0e ae9b 0000 0000  .....K(=O.......
  //   0x0030:  a002 8018 fe30 0000 0204 400c 0402 080a  .....0....@.....
  //   0x0040:  1a01 8c3c 0000 0000 0103 0305            ...<........
  const sllSyn = Buffer.from('000003040006000000000000000008004500003c22a7400040061a137f0000017f000001d84b283d4f0eae9b00000000a0028018fe3000000204400c0402080a1a018c3c0000000001030305', 'hex');

  function stack(linkType: number, frame: Buffer) {
    const l2 = LINK_TYPES.get(linkType)!.decode(frame)!;
    const ip = decodeIpv4(l2.payload)!;
    const tcp = decodeTcp(ip.payload)!;
    return { network: l2.network, src: ip.src, dst: ip.dst, sport: tcp.srcPort, dport: tcp.dstPort, syn: tcp.flags.syn, seq: tcp.seq, options: tcp.headerLength - 20 };
  }

  it('Ethernet → IPv4 → TCP SYN with options', () => {
    expect(stack(1, ethernetSyn)).toEqual({ network: 'ipv4', src: '192.0.2.10', dst: '192.0.2.20', sport: 51000, dport: 80, syn: true, seq: 0xa31b6ab9, options: 20 });
  });

  it('Linux cooked v1 → IPv4 → TCP SYN', () => {
    expect(stack(113, sllSyn)).toEqual({ network: 'ipv4', src: '127.0.0.1', dst: '127.0.0.1', sport: 55371, dport: 10301, syn: true, seq: 0x4f0eae9b, options: 20 });
  });

  it('Linux cooked v2, BSD and OpenBSD loopback, raw IPv4 carry the same datagram', () => {
    const ip = ethernetSyn.subarray(14);
    const sll2 = Buffer.concat([Buffer.from('0800' + '0000' + '00000001' + '0304' + '00' + '06' + '000000000000' + '0000', 'hex'), ip]);
    const expected = stack(1, ethernetSyn);
    expect(stack(276, sll2)).toEqual(expected);
    expect(stack(0, Buffer.concat([Buffer.from('02000000', 'hex'), ip]))).toEqual(expected); // little-endian host
    expect(stack(0, Buffer.concat([Buffer.from('00000002', 'hex'), ip]))).toEqual(expected); // big-endian host
    expect(stack(108, Buffer.concat([Buffer.from('00000002', 'hex'), ip]))).toEqual(expected);
    for (const raw of [12, 14, 101, 228]) expect(stack(raw, ip)).toEqual(expected);
  });

  it('IPv4 options are skipped by the header length', () => {
    const ip = Buffer.from(ethernetSyn.subarray(14));
    const withOptions = Buffer.concat([ip.subarray(0, 20), Buffer.from('01010100', 'hex'), ip.subarray(20)]); // NOP NOP NOP EOL
    withOptions[0] = 0x46;
    withOptions.writeUInt16BE(ip.length + 4, 2);
    const tcp = decodeTcp(decodeIpv4(withOptions)!.payload)!;
    expect([tcp.srcPort, tcp.dstPort]).toEqual([51000, 80]);
  });
});

describe('link layer', () => {
  it('decodes Ethernet II to IPv4', () => {
    const r = decodeEthernet(ethernet(segment));
    expect(r?.network).toBe('ipv4');
    expect(r?.payload.equals(segment)).toBe(true);
  });

  it('skips 802.1Q and 802.1ad tags', () => {
    const tags = Buffer.from('88a80064810000c8', 'hex');
    const frame = Buffer.concat([Buffer.alloc(12), tags, Buffer.from([0x08, 0x00]), segment]);
    const r = decodeEthernet(frame);
    expect(r?.network).toBe('ipv4');
    expect(r?.payload.equals(segment)).toBe(true);
  });

  it('decodes Linux cooked v1 and BSD loopback in either byte order', () => {
    const sll = Buffer.concat([Buffer.alloc(14), Buffer.from([0x08, 0x00]), segment]);
    expect(decodeLinuxSll(sll)?.network).toBe('ipv4');
    expect(decodeNull(Buffer.concat([Buffer.from([2, 0, 0, 0]), segment]))?.network).toBe('ipv4');
    expect(decodeNull(Buffer.concat([Buffer.from([0, 0, 0, 30]), segment]))?.network).toBe('ipv6');
    expect(decodeRawIp(segment)?.network).toBe('ipv4');
  });

  it('maps the common link types and refuses short frames', () => {
    expect([...LINK_TYPES.keys()]).toEqual(expect.arrayContaining([0, 1, 12, 101, 108, 113, 228, 229, 276]));
    expect(decodeEthernet(Buffer.alloc(10))).toBeNull();
  });
});

describe('IP layer', () => {
  it('decodes IPv4 and drops Ethernet padding after the datagram', () => {
    const padded = Buffer.concat([segment, Buffer.alloc(6)]);
    const ip = decodeIpv4(padded)!;
    expect(ip).toMatchObject({ version: 4, src: '192.0.2.1', dst: '198.51.100.7', protocol: 6, truncated: false, fragment: false });
    expect(ip.payload.length).toBe(segment.length - 20);
  });

  it('marks a datagram cut by the snapshot length as truncated', () => {
    expect(decodeIpv4(segment.subarray(0, segment.length - 1))?.truncated).toBe(true);
  });

  it('marks IPv4 fragments', () => {
    const frag = Buffer.from(segment);
    frag.writeUInt16BE(0x2000, 6); // more fragments
    expect(decodeIpv4(frag)?.fragment).toBe(true);
  });

  it.each([
    ['20010db8000000000000000000000001', '2001:db8::1'],
    ['00000000000000000000000000000001', '::1'],
    ['20010db8000000010000000000000000', '2001:db8:0:1::'],
    ['20010db8000100000001000000000001', '2001:db8:1:0:1::1'],
    ['20010db8000000010001000100010001', '2001:db8:0:1:1:1:1:1'],
  ])('formats %s as %s (RFC 5952)', (hex, text) => {
    expect(formatIpv6(Buffer.from(hex, 'hex'), 0)).toBe(text);
  });

  it('skips IPv6 extension headers to reach TCP', () => {
    const tcp = segment.subarray(20);
    const hopByHop = Buffer.from([60, 0, 0, 0, 0, 0, 0, 0]); // next: destination options
    const destOpts = Buffer.from([6, 0, 0, 0, 0, 0, 0, 0]); // next: TCP
    const header = Buffer.alloc(40);
    header[0] = 0x60;
    header.writeUInt16BE(hopByHop.length + destOpts.length + tcp.length, 4);
    header[6] = 0; // hop-by-hop
    Buffer.from('00000000000000000000000000000001', 'hex').copy(header, 8);
    Buffer.from('00000000000000000000000000000001', 'hex').copy(header, 24);
    const ip = decodeIpv6(Buffer.concat([header, hopByHop, destOpts, tcp]))!;
    expect(ip).toMatchObject({ version: 6, src: '::1', protocol: 6 });
    expect(decodeTcp(ip.payload)?.dstPort).toBe(80);
  });
});

describe('TCP header', () => {
  it('decodes ports, numbers, flags and payload', () => {
    const t = decodeTcp(segment.subarray(20))!;
    expect(t).toMatchObject({ srcPort: 51000, dstPort: 80, seq: 1, ack: 2, headerLength: 20 });
    expect(t.flags).toMatchObject({ psh: true, ack: true, syn: false, fin: false });
    expect(t.payload.toString()).toBe('hi');
  });

  it('refuses a data offset past the end', () => {
    const bad = Buffer.from(segment.subarray(20));
    bad[12] = 0xf0;
    expect(decodeTcp(bad.subarray(0, 30))).toBeNull();
  });
});
