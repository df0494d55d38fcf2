import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCapture, CaptureError, type RawPacket, type CaptureMeta } from '../src/capture/reader.js';
import { PcapngWriter } from './support/pcapng.js';
import { Conversation, pcapFile } from './support/pcap.js';

async function read(bytes: Buffer, chunk = 0): Promise<{ packets: RawPacket[]; meta: CaptureMeta }> {
  const packets: RawPacket[] = [];
  const pieces: Buffer[] = [];
  if (chunk > 0) for (let i = 0; i < bytes.length; i += chunk) pieces.push(bytes.subarray(i, i + chunk));
  else pieces.push(bytes);
  const meta = await readCapture(Readable.from(pieces), 'test', (p) => packets.push({ ...p, data: Buffer.from(p.data) }));
  return { packets, meta };
}

const frame = (n: number): Buffer => Buffer.alloc(60, n);

describe('pcapng reader', () => {
  it('hands on a Decryption Secrets Block\'s TLS key log, and skips other secrets and a block whose length lies', async () => {
    const secrets = (type: number, text: string, claimed = Buffer.byteLength(text)): Buffer => {
      const data = Buffer.from(text);
      const body = Buffer.alloc(8 + data.length + ((4 - (data.length % 4)) % 4));
      body.writeUInt32LE(type, 0);
      body.writeUInt32LE(claimed, 4);
      data.copy(body, 8);
      return body;
    };
    const line = 'CLIENT_RANDOM ' + 'ab'.repeat(32) + ' ' + 'cd'.repeat(48) + '\n';
    const bytes = new PcapngWriter().section().block(0x0a, secrets(0x544c534b, line)).block(0x0a, secrets(0x57474b4c, 'wireguard keys')).block(0x0a, secrets(0x544c534b, 'x', 4096)).bytes();
    const got: string[] = [];
    const packets: RawPacket[] = [];
    const meta = await readCapture(Readable.from([bytes]), 'test', (p) => packets.push(p), { tlsKeyLog: (text) => got.push(text) });
    expect(got).toEqual([line]);
    expect(meta.diagnostics).toEqual([]);
    expect(packets).toEqual([]);
  });

  // The first 236 bytes of `editcap -F pcapng` (Wireshark 4.0.17) applied to a
  // loopback capture: a little-endian section header whose shb_userappl option
  // names editcap, an Ethernet interface (snaplen 262144, no options), and an
  // enhanced packet block holding the client's 74-byte SYN, which tshark shows
  // with frame.time_epoch 1795291876.293570000.
  const golden = Buffer.from(
    '0a0d0d0a6c0000004d3c2b1a01000000ffffffffffffffff0400450045646974636170202857697265736861726b2920' +
      '342e302e313720284769742076342e302e3137207061636b6167656420617320342e302e31372d302b64656231327533' +
      '29000000000000006c0000000100000014000000010000000000040014000000060000006c00000000000000ce600600' +
      'c2fb8df64a0000004a00000000000000000000000000000008004500003c575c40004006e55d7f0000017f000001cb04' +
      '1f90b70691e000000000a002faf0fe300000020405b40402080a9f0302ff000000000103030a00006c000000',
    'hex',
  );

  it('reads a golden file written by editcap: section, interface, one packet', async () => {
    const { packets, meta } = await read(golden);
    expect(meta.format).toBe('pcapng');
    expect(meta.linkTypes).toEqual([1]);
    expect(packets).toHaveLength(1);
    expect(packets[0]).toMatchObject({ number: 1, linkType: 1, capturedLength: 74, originalLength: 74 });
    expect(packets[0]!.ts).toBe(1795291876.29357);
    expect(packets[0]!.data.subarray(12, 16).toString('hex')).toBe('08004500'); // EtherType IPv4, then the IP header
    expect(meta.diagnostics).toEqual([]);
  });

  it('gives the same packets whatever the chunking', async () => {
    const whole = await read(golden);
    for (const size of [1, 3, 7, 16, 50]) {
      const split = await read(golden, size);
      expect(split.packets.map((p) => [p.number, p.ts, p.data.toString('hex')])).toEqual(whole.packets.map((p) => [p.number, p.ts, p.data.toString('hex')]));
    }
  });

  it('follows several sections in different byte orders, with their own interfaces', async () => {
    const w = new PcapngWriter()
      .section(true)
      .iface(1)
      .packet(0, 1_700_000_000_000_000n, frame(1))
      .section(false)
      .iface(113, { tsresol: 9 })
      .iface(1)
      .packet(0, 1_700_000_001_123_456_789n, frame(2))
      .packet(1, 1_700_000_002_000_000n, frame(3)); // default resolution: microseconds
    const { packets, meta } = await read(w.bytes());
    expect(packets.map((p) => [p.number, p.linkType, p.data[0]])).toEqual([
      [1, 1, 1],
      [2, 113, 2],
      [3, 1, 3],
    ]);
    expect(packets[0]!.ts).toBe(1700000000);
    expect(packets[1]!.ts).toBeCloseTo(1700000001.123456789, 6);
    expect(packets[2]!.ts).toBe(1700000002);
    expect(meta.linkTypes).toEqual([1, 113]);
  });

  it('honours binary resolutions and timestamp offsets', async () => {
    const w = new PcapngWriter()
      .section()
      .iface(1, { tsresol: 0x80 | 10, tsoffset: 1_700_000_000n }) // 2^-10 s units
      .packet(0, 1024n * 5n + 512n, frame(1));
    const { packets } = await read(w.bytes());
    expect(packets[0]!.ts).toBe(1700000005.5);
  });

  it('reads simple and obsolete packet blocks, and skips blocks it does not need', async () => {
    const w = new PcapngWriter()
      .section()
      .iface(1, { snaplen: 40 })
      .block(0x00000004, Buffer.from('name resolution')) // skipped
      .simple(frame(7), 60)
      .block(0x00000bad, Buffer.alloc(10)) // custom: skipped
      .obsolete(0, 2_000_000n, frame(8));
    const { packets } = await read(w.bytes());
    expect(packets.map((p) => [p.data[0], p.capturedLength, p.originalLength])).toEqual([
      [7, 40, 60], // the simple block is cut to the interface's snapshot length
      [8, 60, 60],
    ]);
    expect(packets[1]!.ts).toBe(2);
  });

  it.each<[string, (w: PcapngWriter) => PcapngWriter, string]>([
    ['a block whose trailing length disagrees', (w) => w.raw(Buffer.from('06000000200000000000000000000000000000000000000000000000ffffffff', 'hex')), 'trailing length'],
    ['a block length that is not a multiple of 4', (w) => w.raw(Buffer.from('060000001d0000000000000000000000', 'hex')), 'claims a length of 29'],
    ['a packet for an interface never described', (w) => w.packet(5, 0n, frame(9)), 'interface 5'],
    ['a captured length larger than its block', (w) => w.raw(Buffer.from('06000000200000000000000000000000000000000001000000010000' + '20000000', 'hex')), 'does not fit'],
  ])('stops at %s, keeping the packets before it', async (_name, damage, words) => {
    const w = damage(new PcapngWriter().section().iface(1).packet(0, 1n, frame(1)));
    const { packets, meta } = await read(w.bytes());
    expect(packets).toHaveLength(1);
    expect(meta.diagnostics.map((d) => d.code)).toEqual(['capture.damaged']);
    expect(meta.diagnostics[0]!.message).toContain(words);
  });

  it('reports a file cut inside a block', async () => {
    const bytes = new PcapngWriter().section().iface(1).packet(0, 1n, frame(1)).packet(0, 2n, frame(2)).bytes();
    const { packets, meta } = await read(bytes.subarray(0, bytes.length - 10));
    expect(packets).toHaveLength(1);
    expect(meta.diagnostics.map((d) => d.code)).toEqual(['capture.truncated-file']);
  });

  it('refuses a file damaged before its first packet', async () => {
    const bytes = Buffer.concat([new PcapngWriter().section().bytes(), Buffer.from('01000000ffffff7f', 'hex'), Buffer.alloc(64)]);
    await expect(read(bytes)).rejects.toBeInstanceOf(CaptureError);
  });
});

describe('format detection and classic pcap guards', () => {
  const conv = new Conversation().handshake().send('client', 'hello');

  it('reads nanosecond pcap in both byte orders', async () => {
    for (const bigEndian of [false, true]) {
      const bytes = pcapFile(conv.records, { bigEndian });
      // turn the file into a nanosecond one: magic and fractions
      bytes.write(bigEndian ? 'a1b23c4d' : '4d3cb2a1', 0, 'hex');
      let at = 24;
      while (at < bytes.length) {
        if (bigEndian) bytes.writeUInt32BE(123_456_789, at + 4);
        else bytes.writeUInt32LE(123_456_789, at + 4);
        at += 16 + (bigEndian ? bytes.readUInt32BE(at + 8) : bytes.readUInt32LE(at + 8));
      }
      const { packets, meta } = await read(bytes);
      expect(meta.format).toBe('pcap-ns');
      expect(packets).toHaveLength(4);
      // read as nanoseconds (as microseconds it would be 123 seconds)
      expect(packets[0]!.ts).toBeCloseTo(Math.floor(conv.records[0]!.ts) + 0.123456789, 6);
    }
  });

  it('stops at a record that claims an absurd length instead of buffering the rest', async () => {
    const bytes = pcapFile(conv.records);
    const third = 24 + (16 + conv.records[0]!.data.length) + (16 + conv.records[1]!.data.length);
    bytes.writeUInt32LE(0x7fffffff, third + 8);
    const { packets, meta } = await read(bytes);
    expect(packets).toHaveLength(2);
    expect(meta.diagnostics.map((d) => d.code)).toEqual(['capture.damaged']);
    expect(meta.diagnostics[0]!.message).toContain('2147483647');
  });

  it('reads gzip-compressed pcap and pcapng, and reports a compressed file cut short', async () => {
    const pcap = pcapFile(conv.records);
    const gz = await read(gzipSync(pcap));
    expect(gz.meta).toMatchObject({ format: 'pcap', compressed: true, packets: 4 });
    const ng = await read(gzipSync(new PcapngWriter().section().iface(1).packet(0, 1n, frame(1)).bytes()), 5);
    expect(ng.meta).toMatchObject({ format: 'pcapng', compressed: true, packets: 1 });
    const cut = gzipSync(pcap);
    const short = await read(cut.subarray(0, cut.length - 30));
    expect(short.packets.length).toBeGreaterThan(0);
    expect(short.packets.length).toBeLessThan(4);
    expect(short.meta.diagnostics.map((d) => d.code)).toContain('capture.truncated-file');
  });

  it('names what it does not know from the first bytes, not the file name', async () => {
    const err = await read(Buffer.from('%PDF-1.7 not a capture')).catch((e: unknown) => e);
    expect((err as CaptureError).reason).toBe('not a pcap or pcapng capture (it starts with 0x25504446)');
  });
});
