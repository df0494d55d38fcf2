// Real captures, damaged the ways real networks and capturing kernels damage
// them (test/support/damage.ts, seeded): reordered, duplicated, re-segmented,
// sequence numbers across 2^32, packets lost, the start cut off. The frames
// that can be known must be exactly those of the clean capture; the others
// must be accounted for by gaps and resyncs; nothing may be invented.
// tshark is no reference after loss, so these tests compare with the clean
// capture instead: with one segment in the middle of ws_large_binary's
// 100000-byte frame lost, tshark 4.0.17 shows no frame at all for it, where
// wsdissect reports it incomplete with the 1448 bytes it lacks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Connection, Frame } from '../src/model.js';
import { held, type Held } from './support/analyze.js';
import { analyze, codes, only } from './support/analyze.js';
import { duplicate, payloadLength, readPcapRecords, rng, shuffle, split, wrapSequence, writePcap } from './support/damage.js';
import type { Record } from './support/pcap.js';

const REAL = ['ws_echo', 'ws_echo_ipv6', 'ws_fragmented', 'ws_large_binary', 'ws_server_close', 'py_client_ws_server', 'py_echo_deflate', 'textbook_rfc6455', 'arkime_websocket', 'suricata_basic_websockets'];

function load(name: string): Record[] {
  return readPcapRecords(readFileSync(`captures/${name}.pcap`)).records;
}

/** A frame as the conversation defines it, whatever the packets that carried it. */
function sig(f: Frame): string {
  return [f.from, f.fin, f.rsv1, f.opcode, f.masked, f.maskingKey, f.payloadLength, f.complete, f.missingBytes, f.payload.toString('base64')].join('|');
}

/** Frames per direction, in order. */
function byDirection(c: Held): { client: string[]; server: string[] } {
  return { client: c.frames.filter((f) => f.from === 'client').map(sig), server: c.frames.filter((f) => f.from === 'server').map(sig) };
}

function messages(c: Held): string[] {
  return c.messages.map((m) => `${m.from}|${m.type}|${m.complete}|${m.payload.toString('base64')}`).sort();
}

const cases: [string, (r: Record[], seed: number) => Record[]][] = [
  ['reordered within windows of 4 packets', (r, seed) => shuffle(r, 4, rng(seed))],
  ['reordered within windows of 12 packets', (r, seed) => shuffle(r, 12, rng(seed))],
  ['with a third of the packets sent twice', (r, seed) => duplicate(r, 0.33, rng(seed))],
  ['split into smaller segments', (r, seed) => split(r, rng(seed))],
  ['with sequence numbers crossing 2^32', (r) => wrapSequence(r)],
  ['all of it at once', (r, seed) => shuffle(duplicate(split(wrapSequence(r), rng(seed)), 0.2, rng(seed + 1)), 6, rng(seed + 2))],
];

describe.each(REAL)('%s', (name) => {
  it.each(cases)('gives the clean frames when %s', async (_what, damage) => {
    const clean = only(await analyze(`captures/${name}.pcap`));
    for (const seed of [1, 2, 3]) {
      const c = only(await analyze(writePcap(damage(load(name), seed))));
      expect(byDirection(c)).toEqual(byDirection(clean));
      expect(messages(c)).toEqual(messages(clean));
      expect(c.handshake?.acceptValid).toBe(clean.handshake?.acceptValid);
      expect(c.tcp.lostBytes).toBe(0);
      expect(codes(c).filter((x) => x.startsWith('frame.') || x.startsWith('ws.') || x === 'tcp.gap')).toEqual([]);
    }
  });
});

describe('capture loss', () => {
  it('a segment lost in the middle of a large frame leaves it incomplete and everything else intact', async () => {
    const records = load('ws_large_binary');
    const clean = only(await analyze(writePcap(records)));
    const big = clean.frames[0]!;
    const victim = big.packets[30]!; // a packet in the middle of the 100000-byte frame
    const lost = payloadLength(records[victim - 1]!);
    const c = only(await analyze(writePcap(records.filter((_, i) => i !== victim - 1))));
    expect(c.tcp.lostBytes).toBe(lost);
    expect(c.frames).toHaveLength(clean.frames.length);
    expect(c.frames[0]).toMatchObject({ payloadLength: 100000, complete: false, missingBytes: lost });
    expect(c.frames.slice(1).map(sig)).toEqual(clean.frames.slice(1).map(sig));
    // the bytes around the hole are the real ones
    const at = c.frames[0]!.packets.indexOf(victim - 1);
    expect(at).toBeGreaterThan(0);
    expect(codes(c)).toEqual(expect.arrayContaining(['tcp.gap']));
    expect(codes(c)).not.toContain('ws.resync');
  });

  it('a lost segment that held whole frames: decoding resumes at the next frame, nothing invented', async () => {
    const records = load('ws_echo');
    const clean = only(await analyze(writePcap(records)));
    const text = clean.frames.find((f) => f.from === 'client' && f.opcode === 1)!;
    const c = only(await analyze(writePcap(records.filter((_, i) => i !== text.packet - 1))));
    const expected = byDirection(clean);
    expected.client = expected.client.filter((x) => x !== sig(text));
    expect(byDirection(c)).toEqual(expected);
    expect(codes(c)).toEqual(expect.arrayContaining(['tcp.gap', 'ws.resync']));
    expect(c.tcp.lostBytes).toBe(text.headerLength + (text.payloadLength as number));
  });

  it('two lost segments close together: every other frame is decoded, and the close is told by packet order', async () => {
    const records = load('ws_echo');
    const clean = only(await analyze(writePcap(records)));
    const clientData = clean.frames.filter((f) => f.from === 'client' && f.opcode !== 8);
    const lost = [clientData[0]!, clientData[2]!]; // the text and the ping
    const c = only(await analyze(writePcap(records.filter((_, i) => !lost.some((f) => f.packet === i + 1)))));
    const expected = byDirection(clean);
    expected.client = expected.client.filter((x) => !lost.map(sig).includes(x));
    expect(byDirection(c)).toEqual(expected);
    expect(c.close).toMatchObject({ initiator: 'client', code: 1000, replyCode: 1000, clean: true });
    expect(codes(c).filter((x) => x === 'ws.resync')).toHaveLength(2);
  });

  it('random loss: every frame decoded is a frame of the clean capture, in order, and the lost ones are accounted for', async () => {
    for (const name of ['ws_large_binary', 'ws_echo', 'py_echo_deflate', 'ws_fragmented']) {
      const records = load(name);
      const clean = only(await analyze(writePcap(records)));
      for (const seed of [11, 12, 13, 14]) {
        const random = rng(seed);
        const kept = records.filter((r, i) => i < 6 || payloadLength(r) === 0 || random() > 0.15);
        const c = only(await analyze(writePcap(kept)));
        for (const side of ['client', 'server'] as const) {
          const cleanSide = clean.frames.filter((f) => f.from === side).map(sig);
          const got = c.frames.filter((f) => f.from === side && f.complete).map(sig);
          // a subsequence of the clean frames: nothing invented, nothing out of order
          let j = 0;
          for (const g of got) {
            while (j < cleanSide.length && cleanSide[j] !== g) j++;
            expect(j, `${name} seed ${seed}: ${side} frame ${g.slice(0, 60)} is not a clean frame`).toBeLessThan(cleanSide.length);
            j++;
          }
        }
        const lostPackets = records.length - kept.length;
        if (lostPackets > 0) expect(c.tcp.lostBytes).toBeGreaterThan(0);
      }
    }
  });
});

describe('a capture that starts in the middle of the conversation', () => {
  it('recognises WebSocket from the frames and decodes every frame after the cut', async () => {
    const records = load('ws_echo');
    const clean = only(await analyze(writePcap(records)));
    const r = await analyze(writePcap(records.slice(7))); // after the 101 and its ACK
    const c = only(r);
    expect(c.detection).toBe('heuristic');
    expect(c.handshake).toBeNull();
    expect(c.client.port).toBe(clean.client.port);
    expect(byDirection(c)).toEqual(byDirection(clean));
    expect(codes(c)).toContain('tcp.handshake-missing');
  });

  it('cut inside a large frame: its tail is skipped, the frames after it are found', async () => {
    const records = load('ws_large_binary');
    const clean = only(await analyze(writePcap(records)));
    const big = clean.frames[0]!;
    const r = await analyze(writePcap(records.slice(big.packets[40]! - 1)));
    const c = only(r);
    expect(c.websocket).toBe(true);
    const expected = byDirection(clean);
    expected.client = expected.client.slice(1); // all but the frame the capture starts inside
    expect(byDirection(c)).toEqual(expected);
  });

  it('decodes as asked with --decode-as, without waiting for a run of frames', async () => {
    const records = load('ws_server_close');
    const clean = only(await analyze(writePcap(records)));
    const tail = records.slice(records.length - 8);
    const { analyzeCapture, DEFAULT_OPTIONS } = await import('../src/index.js');
    const { Readable } = await import('node:stream');
    const got: Connection[] = [];
    await analyzeCapture(Readable.from([writePcap(tail)]), { connection: (x) => got.push(x), end: () => {} }, { analyzer: { ...DEFAULT_OPTIONS, decodeAs: new Map([[clean.server.port, null]]) } });
    const c = held(got[0]!);
    expect(c.detection).toBe('decode-as');
    const closes = clean.frames.filter((f) => f.opcode === 8).map(sig);
    expect(c.frames.filter((f) => f.opcode === 8).map(sig)).toEqual(closes);
  });
});
