// WebSocket over HTTP/2 (RFC 8441) on real recordings: a Node http2 client
// and server (extended CONNECT enabled) carrying two WebSockets (ws's own
// framing), plain requests and a refused CONNECT on one connection, in the
// clear with prior knowledge (captures/h2/h2c_ws.pcap) and over TLS 1.3 with
// ALPN h2 and the session keys (captures/tls/h2_ws_tls13.pcap, .keys). The
// expectations are the scenario's own data (captures/gen/scenarios/h2_common.mjs).
// tshark 4.0 dissects the HTTP/2 (asked to with -d) but not the WebSocket in
// its streams: the HTTP/2 frames are compared with it, the WebSocket frames
// with what the scenario sent.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyze, type Held, type Result } from './support/analyze.js';
import { rebuild, tcpConversation } from './support/tcp-streams.js';
import { FRAME_NAMES } from '../src/http2/frames.js';
// @ts-expect-error: the scenario is plain JavaScript (captures/gen/scenarios), read for its constants
import * as H2 from '../captures/gen/scenarios/h2_common.mjs';

interface ScenarioFrame {
  from: 'client' | 'server';
  opcode: number;
  fin: boolean;
  rsv1: boolean;
  payload: Buffer;
}
const FRAMES = (H2 as { FRAMES: { chat: ScenarioFrame[]; echo: ScenarioFrame[] } }).FRAMES;
const CHAT = (H2 as { CHAT: { path: string; offered: string; protocol: string } }).CHAT;
const ECHO = (H2 as { ECHO: { path: string } }).ECHO;
const REFUSED = (H2 as { REFUSED: { path: string; status: number } }).REFUSED;

const RECORDINGS = [
  { name: 'h2c (prior knowledge)', file: 'captures/h2/h2c_ws.pcap', keys: null, start: 'prior-knowledge' },
  { name: 'h2 over TLS 1.3', file: 'captures/tls/h2_ws_tls13.pcap', keys: 'captures/tls/h2_ws_tls13.keys', start: 'tls' },
].filter((r) => existsSync(r.file));

/** The TCP connection itself (reported after the conversations whose streams ended before it). */
function tcpOf(r: Result, id = 0): Held {
  const c = r.connections.find((x) => x.id === id && x.stream === null);
  expect(c, `connection ${id}`).toBeDefined();
  return c!;
}

function conversation(r: Result, stream: number): Held {
  const c = r.connections.find((x) => x.stream === stream);
  expect(c, `conversation of stream ${stream}`).toBeDefined();
  return c!;
}

/** A conversation's frames as the scenario lists them: a compressed message's frame with its message inflated. */
function framesOf(c: Held): ScenarioFrame[] {
  return c.frames.map((f) => {
    const m = f.message !== null ? c.messages.find((x) => x.index === f.message) : undefined;
    return { from: f.from, opcode: f.opcode, fin: f.fin, rsv1: f.rsv1, payload: f.rsv1 && m ? m.payload : f.payload };
  });
}

describe.each(RECORDINGS)('$name', ({ file, keys, start }) => {
  const options = keys ? { keylog: null as never } : {};
  const run = async (): Promise<Result> => {
    if (!keys) return analyze(file, options);
    const { KeyLog } = await import('../src/tls/keylog.js');
    const keylog = new KeyLog();
    keylog.add(readFileSync(keys, 'utf8'), keys);
    return analyze(file, { keylog });
  };

  it('is one TCP connection carrying HTTP/2, with a conversation for each WebSocket stream, reported as its stream ends', async () => {
    const r = await run();
    // the refused one ends first (its 404 and reset), then A, then B; the connection when it ends
    expect(r.connections.map((c) => [c.id, c.stream])).toEqual([
      [0, 9],
      [0, 3],
      [0, 5],
      [0, null],
    ]);
    const tcp = tcpOf(r);
    expect(tcp.websocket).toBe(false);
    expect(tcp.http2).toMatchObject({ start, streamCount: 5 });
    expect(tcp.http2!.connectProtocol).not.toBeNull();
    expect(tcp.http2!.settings.server['ENABLE_CONNECT_PROTOCOL']).toBe(1);
    expect(tcp.http2!.streams.map((s) => [s.id, s.method, s.path, s.protocol, s.status, s.websocket])).toEqual([
      [1, 'GET', '/hello', null, 200, false],
      [3, 'CONNECT', CHAT.path, 'websocket', 200, true],
      [5, 'CONNECT', ECHO.path, 'websocket', 200, true],
      [7, 'POST', '/submit', null, 200, false],
      [9, 'CONNECT', REFUSED.path, 'websocket', REFUSED.status, true],
    ]);
    expect(r.summary).toMatchObject({ connections: 1, websocketConnections: 2, refusedUpgrades: 1 });
  });

  it('has every WebSocket frame the scenario sent, on its own stream, masked by the client only', async () => {
    const r = await run();
    for (const [stream, expected] of [
      [3, FRAMES.chat],
      [5, FRAMES.echo],
    ] as const) {
      const c = conversation(r, stream);
      expect(c.websocket).toBe(true);
      expect(framesOf(c)).toEqual(expected);
      for (const f of c.frames) {
        expect(f.masked).toBe(f.from === 'client');
        expect(f.complete).toBe(true);
      }
    }
  });

  it('reads the handshake from the extended CONNECT: path, subprotocol, permessage-deflate; no key or Accept', async () => {
    const r = await run();
    const chat = conversation(r, 3).handshake!;
    expect(chat).toMatchObject({ outcome: 'upgraded', key: null, accept: null, acceptValid: null, subprotocol: CHAT.protocol, offeredSubprotocols: CHAT.offered.split(', ') });
    expect(chat.request).toMatchObject({ method: 'CONNECT', target: CHAT.path, version: 'HTTP/2' });
    const echo = conversation(r, 5);
    expect(echo.handshake!.extensions.map((e) => e.name)).toEqual(['permessage-deflate']);
    expect(echo.compression).not.toBeNull();
    const refused = conversation(r, 9);
    expect(refused.websocket).toBe(false);
    expect(refused.handshake).toMatchObject({ outcome: 'rejected', response: { status: REFUSED.status } });
    expect(refused.diagnostics.map((d) => [d.code, d.rfc])).toEqual([['handshake.rejected', 'RFC 8441 §5']]);
  });

  it('closes each WebSocket cleanly, its stream\'s END_STREAMs as the teardown, with nothing to complain of', async () => {
    const r = await run();
    expect(conversation(r, 3).close).toMatchObject({ initiator: 'client', code: 1000, reason: 'done', replyCode: 1000, clean: true });
    expect(conversation(r, 5).close).toMatchObject({ initiator: 'server', code: 1001, reason: 'going away', replyCode: 1001, clean: true });
    for (const s of [3, 5]) {
      const c = conversation(r, s);
      expect(c.tcp.teardown.kind).toBe('fin');
      expect(c.tcp.finBy.client).not.toBeNull();
      expect(c.tcp.finBy.server).not.toBeNull();
      expect(c.diagnostics.filter((d) => d.code !== 'tls.no-key')).toEqual([]);
      // every packet of a conversation is one of the connection's
      const all = new Set(tcpOf(r).timeline.map((e) => e.packet));
      for (const e of c.timeline) expect(all.has(e.packet)).toBe(true);
    }
    expect(tcpOf(r).diagnostics).toEqual([]);
  });

  it('tells on each packet which HTTP/2 frame carried which WebSocket frame', async () => {
    const r = await run();
    const c = conversation(r, 3);
    for (const f of c.frames) {
      const e = c.timeline.find((x) => x.packet === f.packet)!;
      expect(e.told.some((t) => t.kind === 'frame' && t.index === f.index)).toBe(true);
      expect(e.told.some((t) => t.kind === 'h2' && t.frame.type === 0 && t.frame.stream === 3)).toBe(true);
    }
  });
});

// Chromium (headless, version 156) opening two WebSockets on the HTTP/2 connection of the page it loaded
// from a Node http2 server that enables the extended CONNECT: the browser's own RFC 8441.
describe.skipIf(!existsSync('captures/tls/chromium_h2_ws.pcap'))('Chromium over h2 (TLS 1.3)', () => {
  const BROWSER = (H2 as { BROWSER: Record<'chat' | 'echo', { path: string; protocol: string | null; deflate: boolean; close: { code: number; reason: string } }> }).BROWSER;
  const BROWSER_FRAMES = (H2 as { BROWSER_FRAMES: Record<'chat' | 'echo', ScenarioFrame[]> }).BROWSER_FRAMES;
  const run = async (): Promise<Result> => {
    const { KeyLog } = await import('../src/tls/keylog.js');
    const keylog = new KeyLog();
    keylog.add(readFileSync('captures/tls/chromium_h2_ws.keys', 'utf8'), 'chromium_h2_ws.keys');
    return analyze('captures/tls/chromium_h2_ws.pcap', { keylog });
  };

  it('uses the page\'s HTTP/2 connection for both WebSockets, and they say what the page sent', async () => {
    const r = await run();
    // the page's connection and its two conversations; then the connection Chromium opened ahead and closed unused
    expect(r.connections.map((c) => [c.id, c.stream])).toEqual([
      [0, 5],
      [0, 7],
      [0, null],
      [1, null],
    ]);
    expect(tcpOf(r).http2).toMatchObject({ start: 'tls', streamCount: 4 });
    expect(tcpOf(r, 1).http2).toBeNull();
    for (const [stream, name] of [
      [5, 'chat'],
      [7, 'echo'],
    ] as const) {
      const c = conversation(r, stream);
      const spec = BROWSER[name];
      expect(c.handshake).toMatchObject({ outcome: 'upgraded', subprotocol: spec.protocol, request: { method: 'CONNECT', target: spec.path } });
      expect(c.handshake!.extensions.length > 0).toBe(spec.deflate);
      expect(framesOf(c)).toEqual(BROWSER_FRAMES[name]);
      // Chromium ends its half of the stream with its Close (END_STREAM on the same DATA frame); the server after its own
      expect(c.close).toMatchObject({ initiator: 'client', code: spec.close.code, reason: spec.close.reason, replyCode: spec.close.code, clean: true });
      expect(c.diagnostics).toEqual([]);
    }
  });
});

describe('h2c_ws.pcap against tshark', () => {
  it('has the HTTP/2 frames tshark finds, by side and type', async () => {
    const file = 'captures/h2/h2c_ws.pcap';
    const r = await analyze(file);
    const tcp = tcpOf(r);
    const out = spawnSync('tshark', ['-r', file, '-d', `tcp.port==${tcp.server.port},http2`, '-T', 'fields', '-e', 'tcp.srcport', '-e', 'http2.type'], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    const counts: Record<'client' | 'server', Record<string, number>> = { client: {}, server: {} };
    for (const line of out.stdout.trim().split('\n')) {
      const [port, types] = line.split('\t');
      if (!types) continue;
      const side = Number(port) === tcp.server.port ? 'server' : 'client';
      // tshark counts the preface as a frame of no type: only typed frames are compared
      for (const t of types.split(',')) if (t !== '') counts[side][FRAME_NAMES[Number(t)]!] = (counts[side][FRAME_NAMES[Number(t)]!] ?? 0) + 1;
    }
    expect(tcp.http2!.frames).toEqual(counts);
  });
});

describe('h2c_ws.pcap cut into other TCP segments', () => {
  const original = readFileSync('captures/h2/h2c_ws.pcap');
  const conv = tcpConversation(original);
  const shape = (r: Result): unknown => r.connections.map((c) => ({ stream: c.stream, frames: framesOf(c), messages: c.messages.map((m) => [m.from, m.type, m.payload.toString('hex')]), close: [c.close.code, c.close.replyCode] }));

  it('gives the same conversations, frames and messages however the bytes are cut', { timeout: 180_000 }, async () => {
    const expected = shape(await analyze(original));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 0, max: 2 ** 31 }), async (max, seed) => {
        let s = seed;
        // sizes from 1 to max bytes, a new one for each segment (a small generator: the same seed, the same cuts)
        const size = (): number => {
          s = (s * 1103515245 + 12345) % 2 ** 31;
          return 1 + (s % max);
        };
        expect(shape(await analyze(rebuild(conv, size)))).toEqual(expected);
      }),
      { numRuns: 8 },
    );
    // one byte a segment
    expect(shape(await analyze(rebuild(conv, () => 1)))).toEqual(expected);
  });
});
