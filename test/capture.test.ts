import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture, CaptureError, errnoReason, type RawPacket } from '../src/capture/reader.js';
import { Conversation, pcapFile } from './support/pcap.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdissect-capture-'));

function file(name: string, bytes: Buffer | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

async function read(path: string): Promise<{ packets: RawPacket[]; meta: Awaited<ReturnType<typeof readCapture>> }> {
  const packets: RawPacket[] = [];
  const meta = await readCapture(path, path, (p) => packets.push({ ...p, data: Buffer.from(p.data) }));
  return { packets, meta };
}

const conv = new Conversation().handshake().send('client', 'hello');

describe('capture reader', () => {
  it.each([
    ['little-endian', false],
    ['big-endian', true],
  ])('reads %s pcap records with numbers, times and lengths', async (_name, bigEndian) => {
    const path = file(`order-${bigEndian}.pcap`, pcapFile(conv.records, { bigEndian }));
    const { packets, meta } = await read(path);
    expect(meta.format).toBe('pcap');
    expect(meta.linkTypes).toEqual([1]);
    expect(packets.map((p) => p.number)).toEqual([1, 2, 3, 4]);
    expect(packets[0]!.ts).toBeCloseTo(conv.records[0]!.ts, 6);
    expect(packets.map((p) => p.data.length)).toEqual(conv.records.map((r) => r.data.length));
    expect(meta.bytes).toBe(conv.records.reduce((n, r) => n + r.data.length, 0));
    expect(meta.diagnostics).toEqual([]);
  });

  it('reports a file cut in the middle of a record and keeps every packet before it', async () => {
    const whole = pcapFile(conv.records);
    const { packets, meta } = await read(file('cut.pcap', whole.subarray(0, whole.length - 3)));
    expect(packets).toHaveLength(3);
    expect(meta.diagnostics.map((d) => d.code)).toEqual(['capture.truncated-file']);
    expect(meta.diagnostics[0]!.message).toContain('after packet 3');
  });

  it('reports a file cut right after a record header', async () => {
    const whole = pcapFile(conv.records);
    const last = conv.records[conv.records.length - 1]!.data.length;
    const { packets, meta } = await read(file('cut-header.pcap', whole.subarray(0, whole.length - last)));
    expect(packets).toHaveLength(3);
    expect(meta.diagnostics.map((d) => d.code)).toEqual(['capture.truncated-file']);
  });

  it.each([
    ['a missing file', () => join(dir, 'nope.pcap'), 'no such file'],
    ['a directory', () => dir, 'is a directory'],
    ['an empty file', () => file('empty.pcap', ''), 'empty file'],
    ['a text file', () => file('notes.txt', 'hello, this is not a capture at all\n'), 'not a pcap or pcapng capture'],
    ['a file shorter than a magic number', () => file('short.pcap', Buffer.from([0xd4, 0xc3])), 'only 2 bytes'],
    ['a file shorter than a pcap header', () => file('short2.pcap', Buffer.from('d4c3b2a10200040000', 'hex')), 'shorter than a pcap header'],
    ['a gzip file of nothing', () => file('x.gz', Buffer.from('1f8b08000000000000030300000000000000000000', 'hex')), 'nothing inside'],
  ])('rejects %s with a reason', async (_name, make, reason) => {
    const path = make();
    const err = await readCapture(path, path, () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).reason).toContain(reason);
  });

  it.each([
    ['EACCES', 'permission denied'],
    ['EPERM', 'permission denied'],
    ['ENOENT', 'no such file'],
    ['EISDIR', 'is a directory, not a capture file'],
  ])('words the system error %s as "%s"', (code, words) => {
    const err = Object.assign(new Error(`${code}: x`), { code });
    expect(errnoReason(err)).toBe(words);
  });
});
