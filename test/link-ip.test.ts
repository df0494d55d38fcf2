import { describe, expect, it } from 'vitest';
import { decodeEthernet, decodeLinuxSll, decodeNull, decodeRawIp, LINK_TYPES } from '../src/link/link.js';
import { decodeIpv4, decodeIpv6, formatIpv6 } from '../src/ip/ip.js';
import { decodeTcp } from '../src/tcp/segment.js';
import { ethernet, ipv4Tcp } from './support/pcap.js';

const segment = ipv4Tcp({ src: '192.0.2.1', dst: '198.51.100.7', sport: 51000, dport: 80, seq: 1, ack: 2, flags: 'PA', payload: Buffer.from('hi') });

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
