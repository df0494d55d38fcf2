// The network layer in the pipeline: fragmented datagrams, packets cut by the
// snapshot length, and reading a capture while it is being made.
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Defragmenter } from '../src/ip/defrag.js';
import { decodeIpv6 } from '../src/ip/ip.js';
import { analyzeCapture, DEFAULT_OPTIONS } from '../src/index.js';
import type { AnalysisSink, CaptureInfo, Connection } from '../src/model.js';
import { interruptedNote } from '../src/render/kind.js';
import { analyze, codes, only } from './support/analyze.js';
import { Conversation, fragmentIpv4, MASK, upgradeRequest, upgradeResponse, wsFrame } from './support/pcap.js';

function upgraded(): Conversation {
  return new Conversation().handshake().send('client', upgradeRequest()).send('server', upgradeResponse());
}

describe('IP fragment reassembly', () => {
  it('joins fragments in any order, the first copy of overlapping bytes winning', () => {
    const d = new Defragmenter();
    expect(d.add('k', 8, true, Buffer.from('89abcdef'), 0)).toBeNull();
    expect(d.add('k', 16, false, Buffer.from('XY'), 0)).toBeNull();
    expect(d.add('k', 8, true, Buffer.from('zzzzzzzz'), 0)).toBeNull();
    expect(d.add('k', 0, true, Buffer.from('01234567'), 0)?.toString()).toBe('0123456789abcdefXY');
    expect(d.finish()).toBe(0);
  });

  it('drops datagrams that wait too long, and counts them', () => {
    const d = new Defragmenter({ maxDatagrams: 2, timeout: 30 });
    d.add('a', 0, true, Buffer.alloc(8), 0);
    d.add('b', 0, true, Buffer.alloc(8), 40);
    d.add('c', 0, true, Buffer.alloc(8), 41);
    d.add('d', 0, true, Buffer.alloc(8), 42); // over the limit: the oldest goes
    expect(d.add('a', 8, false, Buffer.alloc(8), 43)).toBeNull();
    // a timed out, b and c pushed out by the limit, d and the new a left at the end
    expect(d.finish()).toBe(5);
  });

  it('decodes a WebSocket frame carried in a fragmented IPv4 datagram', async () => {
    const conv = upgraded().send('server', wsFrame({ opcode: 1, payload: Buffer.from('x'.repeat(600)) }));
    const last = conv.records.pop()!;
    const pieces = fragmentIpv4(last.data, 256);
    expect(pieces).toHaveLength(3);
    // the second fragment arrives last
    for (const data of [pieces[0]!, pieces[2]!, pieces[1]!]) conv.records.push({ ts: last.ts, data });
    const r = await analyze(conv.pcap());
    const c = only(r);
    expect(c.frames.map((f) => [f.packet, f.payload.length])).toEqual([[8, 600]]);
    expect(r.diagnostics).toEqual([]);
  });

  it('reports fragments that never complete', async () => {
    const conv = upgraded().send('server', wsFrame({ opcode: 1, payload: Buffer.from('y'.repeat(600)) }));
    const last = conv.records.pop()!;
    conv.records.push({ ts: last.ts, data: fragmentIpv4(last.data, 256)[0]! });
    const r = await analyze(conv.pcap());
    expect(r.diagnostics.map((d) => d.code)).toEqual(['ip.fragments-incomplete']);
    expect(only(r).frames).toEqual([]);
  });

  it('stops an IPv6 header chain at a fragment header', () => {
    const b = Buffer.alloc(40 + 8 + 16);
    b[0] = 0x60;
    b.writeUInt16BE(24, 4);
    b[6] = 44; // fragment header
    b[40] = 6; // then TCP
    b.writeUInt16BE((2 << 3) | 1, 42); // offset 16 bytes, more fragments
    b.writeUInt32BE(77, 44);
    const ip = decodeIpv6(b)!;
    expect(ip).toMatchObject({ protocol: 6, fragment: true, fragmentOf: { offset: 16, more: true } });
    expect(ip.fragmentOf!.key).toContain('77');
    expect(ip.payload.length).toBe(16);
  });
});

describe('packets cut by the snapshot length', () => {
  it('turn their missing bytes into a gap, not garbage', async () => {
    const big = wsFrame({ opcode: 2, payload: Buffer.alloc(400, 0x11), mask: MASK });
    const conv = upgraded().send('client', wsFrame({ opcode: 1, payload: Buffer.from('before'), mask: MASK })).send('client', big).send('client', wsFrame({ opcode: 1, payload: Buffer.from('after'), mask: MASK }));
    const cut = conv.records[6]!;
    conv.records[6] = { ts: cut.ts, data: cut.data.subarray(0, 200), originalLength: cut.data.length };
    const r = await analyze(conv.pcap());
    const c = only(r);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['capture.truncated-packet']);
    expect(codes(c)).toContain('tcp.gap');
    expect(c.tcp.lostBytes).toBe(cut.data.length - 200);
    // the frame before is whole; the cut one is incomplete, its header still says
    // where it ends, so the frame after it is decoded in step
    expect(c.frames.map((f) => [f.opcode, f.complete, f.missingBytes])).toEqual([
      [1, true, 0],
      [2, false, cut.data.length - 200],
      [1, true, 0],
    ]);
    expect(c.frames[2]!.payload.toString()).toBe('after');
    expect(codes(c)).not.toContain('ws.resync');
  });
});

describe('a capture read while it is being made', () => {
  const closed = (): Conversation => upgraded().send('client', wsFrame({ opcode: 8, payload: Buffer.from([3, 232]), mask: MASK })).send('server', wsFrame({ opcode: 8, payload: Buffer.from([3, 232]) })).fin('server').fin('client');

  /** Feeds the bytes into analyzeCapture through a stream left open; what the sink saw, in order. */
  function live(bytes: Buffer, options = DEFAULT_OPTIONS): { seen: string[]; stream: PassThrough; done: Promise<void> } {
    const stream = new PassThrough();
    const seen: string[] = [];
    const sink: AnalysisSink = {
      connection: (c: Connection) => seen.push(`connection ${c.id}`),
      end: () => seen.push('end'),
    };
    const done = analyzeCapture(stream, sink, { analyzer: options });
    stream.write(bytes);
    return { seen, stream, done };
  }

  it('reports a finished connection before the capture ends', async () => {
    const { seen, stream, done } = live(closed().pcap(), { ...DEFAULT_OPTIONS, liveClosedGrace: 0.2 });
    await new Promise((resolve) => setTimeout(resolve, 800));
    seen.push('stream still open');
    stream.end();
    await done;
    expect(seen).toEqual(['connection 0', 'stream still open', 'end']);
  });

  describe('interrupted', () => {
    /** Reads the bytes through a stream left open, interrupts the reading after `after` ms; the capture and connections reported. */
    async function interrupt(bytes: Buffer, after: number, endFirst = false): Promise<{ capture: CaptureInfo; conns: Connection[] }> {
      const stream = new PassThrough();
      const conns: Connection[] = [];
      let capture: CaptureInfo | null = null;
      const sink: AnalysisSink = { connection: (c) => conns.push(c), end: (c) => (capture = c) };
      let stop!: () => void;
      const interrupted = new Promise<void>((resolve) => (stop = resolve));
      const done = analyzeCapture(stream, sink, { interrupted });
      stream.write(bytes);
      if (endFirst) stream.end();
      await new Promise((resolve) => setTimeout(resolve, after));
      stop();
      await done;
      return { capture: capture!, conns };
    }

    it('ends the reading where it is: the capture says so, a connection still open is reported as it stood', async () => {
      const conv = upgraded().send('client', wsFrame({ opcode: 1, payload: Buffer.from('hi'), mask: MASK }));
      const { capture, conns } = await interrupt(conv.pcap(), 100);
      expect(capture.interrupted).toBe(true);
      expect(capture.packets).toBe(conv.records.length);
      expect(conns.map((c) => [c.websocket, c.tcp.teardown.kind, c.frames.length])).toEqual([[true, 'none', 1]]);
      expect(interruptedNote(capture)).toBe(`Interrupted: the capture was read up to packet ${conv.records.length}, no further; the connections still open then are reported as they stood, cut short.`);
    });

    it('a capture that had ended by itself before is not interrupted', async () => {
      const { capture } = await interrupt(upgraded().pcap(), 100, true);
      expect(capture.interrupted).toBe(false);
      expect(interruptedNote(capture)).toBeNull();
    });

    it('an interruption waiting to be handled when the stream ends is the one that ended it (Ctrl-C reaches tcpdump too)', async () => {
      const stream = new PassThrough();
      let capture: CaptureInfo | null = null;
      let stop!: () => void;
      const interrupted = new Promise<void>((resolve) => (stop = resolve));
      const done = analyzeCapture(stream, { connection: () => {}, end: (c) => (capture = c) }, { interrupted });
      stream.write(upgraded().pcap());
      await new Promise((resolve) => setTimeout(resolve, 50));
      // the end of the stream is seen first; the interruption is handled in the same turn of the event loop
      stream.end();
      setImmediate(stop);
      await done;
      expect(capture!.interrupted).toBe(true);
    });

    it('before the first packet: the capture has none, and says it was interrupted', async () => {
      // the pcap file header only, as tcpdump writes it at once
      const { capture, conns } = await interrupt(upgraded().pcap().subarray(0, 24), 100);
      expect([capture.interrupted, capture.packets, conns.length]).toEqual([true, 0, 0]);
      expect(interruptedNote(capture)).toMatch(/^Interrupted: the capture was read before its first packet;/);
    });

    it('before anything was read: the capture cannot be read, and the reason says why', async () => {
      await expect(interrupt(Buffer.alloc(0), 100)).rejects.toThrow('(stream): interrupted before anything was read');
    });
  });

  describe('on the wall clock', () => {
    // the clock and the analyzer's ticks are faked; the stream's own work (setImmediate, nextTick) is not
    beforeEach(() => vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] }));
    afterEach(() => vi.useRealTimers());
    const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

    it('reports a closed connection 2 s after its last packet arrived', async () => {
      expect(DEFAULT_OPTIONS.liveClosedGrace).toBe(2);
      const { seen, stream, done } = live(closed().pcap());
      await settle();
      // the ticks come every 250 ms: the first one sees the packets arrive, the quiet is counted from it
      vi.advanceTimersByTime(250);
      vi.advanceTimersByTime(1750);
      expect(seen).toEqual([]);
      vi.advanceTimersByTime(250);
      expect(seen).toEqual(['connection 0']);
      stream.end();
      await done;
      expect(seen).toEqual(['connection 0', 'end']);
    });

    it('a packet arriving meanwhile starts the quiet time again', async () => {
      const conv = closed();
      const bytes = conv.pcap();
      // the last packet (the client's FIN) comes a second after the others
      const { seen, stream, done } = live(bytes.subarray(0, bytes.length - 4));
      await settle();
      vi.advanceTimersByTime(1000);
      stream.write(bytes.subarray(bytes.length - 4));
      await settle();
      vi.advanceTimersByTime(1500);
      expect(seen).toEqual([]);
      vi.advanceTimersByTime(1000);
      expect(seen).toEqual(['connection 0']);
      stream.end();
      await done;
    });

    it('leaves a connection that is still open to the end of the capture (or the idle timeout)', async () => {
      const { seen, stream, done } = live(upgraded().send('client', wsFrame({ opcode: 1, payload: Buffer.from('hi'), mask: MASK })).pcap());
      await settle();
      vi.advanceTimersByTime(30_000);
      expect(seen).toEqual([]);
      stream.end();
      await done;
      expect(seen).toEqual(['connection 0', 'end']);
    });
  });
});
