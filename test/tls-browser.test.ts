// One headless Chromium conversation recorded over plain ws:// and over
// wss:// with each TLS version and cipher suite the analyzer decrypts
// (captures/tls/chromium_tls13_*.pcap and chromium_tls12_*.pcap, each with
// the key log Chromium wrote; captures/browser/chromium_ws_plain.pcap; made
// by gen/scenarios/chromium_common.mjs through gen/record.sh, see
// captures/README.md). Decrypted with its key log, each wss:// recording
// must show the WebSocket connection exactly as the plain one shows it.
//
// What is compared: each frame's side, opcode, FIN, RSV1, masking and
// payload length, each control frame's payload, and each message's side,
// type and inflated payload (what the page and the server sent). The masking
// keys are Chromium's random ones, so the masked bytes and the keys differ
// from one recording to the next and are left out; the compressed bytes are
// left out too (a data frame's payload is deflate output, not what the
// application sent). The compressed LENGTHS are compared, and are equal:
// the same messages go through the same deflaters (Chromium's zlib for the
// page, ws's zlib for the server, context takeover, 15-bit windows) in the
// same order over every transport, and deflate is deterministic.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze, type Held, type Result } from './support/analyze.js';
import { KeyLog } from '../src/tls/keylog.js';

const PLAIN = 'captures/browser/chromium_ws_plain.pcap';
/** Each wss:// recording: its name under captures/tls/, and the version and suite the server allowed alone. */
const RECORDINGS: [string, string, string][] = [
  ['chromium_tls13_aes128', 'TLS 1.3', 'TLS_AES_128_GCM_SHA256'],
  ['chromium_tls13_aes256', 'TLS 1.3', 'TLS_AES_256_GCM_SHA384'],
  ['chromium_tls13_chacha', 'TLS 1.3', 'TLS_CHACHA20_POLY1305_SHA256'],
  ['chromium_tls12_aes128gcm', 'TLS 1.2', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
  ['chromium_tls12_aes256gcm', 'TLS 1.2', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
  ['chromium_tls12_chacha', 'TLS 1.2', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
  ['chromium_tls12_cbc', 'TLS 1.2', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'],
];

const pcap = (name: string) => `captures/tls/${name}.pcap`;
const keysOf = (name: string) => KeyLog.parse(readFileSync(`captures/tls/${name}.keys`, 'utf8'), `captures/tls/${name}.keys`);

// What the page sends (chromium_common.mjs: MESSAGES, messageData, CLOSE, SERVER_PING), rebuilt here.
function xorshift32(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SENT: ['text' | 'binary', Buffer][] = [
  ['text', Buffer.from('Hello from Chromium, compressed')],
  ['binary', Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 3) & 0xff))],
  ['text', Buffer.from('ünïcödé ✓ 你好 🎉')],
  ['text', Buffer.from(Array.from(xorshift32(0x2545f491, 3000), (b) => ALPHABET[b & 63]).join(''))],
  ['binary', xorshift32(0x9e3779b9, 70000)],
];
const CLOSE = { code: 4002, reason: 'page done' };
const SERVER_PING = 'server-ping';

/** The WebSocket connection among the browser's (the page's, one it opened ahead, the WebSocket's). */
function webSocketOf(r: Result): Held {
  const ws = r.connections.filter((c) => c.websocket);
  expect(ws).toHaveLength(1);
  return ws[0]!;
}

/** A frame as compared: side, opcode, FIN, RSV1, masked, payload length, and a control frame's payload. */
const frameView = (c: Held) => c.frames.map((f) => [f.from, f.opcode, f.fin, f.rsv1, f.masked, Number(f.payloadLength), f.opcode >= 8 ? f.payload.toString('hex') : null]);
/** A message as compared: side, type, compressed or not, the inflated payload. */
const messageView = (c: Held) => c.messages.map((m) => [m.from, m.type, m.compressed, m.payload.toString('hex')]);

/** What every decoded WebSocket connection of these recordings shows, plain or decrypted. */
function expectConversation(c: Held): void {
  expect(c.handshake?.acceptValid).toBe(true);
  expect(c.handshake?.outcome).toBe('upgraded');
  expect(c.handshake?.request.target).toBe('/ws');
  expect(c.handshake?.offeredExtensions).toEqual(['permessage-deflate; client_max_window_bits']);
  expect(c.handshake?.extensions).toEqual([{ name: 'permessage-deflate', params: {} }]);
  expect(c.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  for (const f of c.frames) expect(f.complete, `frame ${f.index}`).toBe(true);
  // the messages as the page sent them and the server echoed them, each inflated
  for (const side of ['client', 'server'] as const) {
    const got = c.messages.filter((m) => m.from === side);
    expect(got.map((m) => [m.type, m.payload.toString('hex')])).toEqual(SENT.map(([type, data]) => [type, data.toString('hex')]));
    expect(got.every((m) => m.compressed && m.complete && m.frames.length === 1 && m.inflatedLength === m.payload.length)).toBe(true);
  }
  expect(c.frames.filter((f) => f.opcode === 9).map((f) => [f.from, f.payload.toString()])).toEqual([['server', SERVER_PING]]);
  expect(c.frames.filter((f) => f.opcode === 10).map((f) => [f.from, f.payload.toString(), f.answers !== null])).toEqual([['client', SERVER_PING, true]]);
  expect(c.close).toMatchObject({ initiator: 'client', code: CLOSE.code, reason: CLOSE.reason, replyCode: CLOSE.code, clean: true });
  // the 3000-character text takes several TCP segments each way, compressed as it is
  for (const f of longTexts(c)) expect(segmentsOf(c, f), `${f.from}'s frame ${f.index}`).toBeGreaterThan(1);
}

/** The two frames of the 3000-character text (over 1400 bytes compressed, more than one TCP segment holds). */
function longTexts(c: Held): Held['frames'] {
  const long = c.frames.filter((f) => f.opcode === 1 && Number(f.payloadLength) > 1400);
  expect(long.map((f) => f.from)).toEqual(['client', 'server']);
  return long;
}

/**
 * The TCP segments that carried a frame's bytes. In the clear, the frame's
 * packets. Over TLS a frame's packets are those where the records holding it
 * were completed (its bytes exist once a record is opened), so the segments
 * that carried an earlier part of such a record are counted from the
 * timeline: those of the frame's side, after its previous frame, that carried
 * the middle of a record ('record-part').
 */
function segmentsOf(c: Held, f: Held['frames'][number]): number {
  if (c.tls === null) return f.packets.length;
  const before = c.frames.filter((g) => g.from === f.from && g.index < f.index).at(-1)?.packet ?? 0;
  const parts = c.timeline.filter((e) => e.from === f.from && e.packet > before && e.packet < f.packet && e.told.some((t) => t.kind === 'tls' && t.records.some((r) => r.kind === 'record-part')));
  return parts.length + f.packets.length;
}

describe('chromium_ws_plain: the conversation over ws://, the reference', () => {
  it('is listed in captures/README.md', () => {
    expect(readFileSync('captures/README.md', 'utf8')).toContain('`browser/chromium_ws_plain.pcap`');
  });

  it('decodes the conversation the page and the server had', async () => {
    const r = await analyze(PLAIN);
    const c = webSocketOf(r);
    expectConversation(c);
    expect(c.tls).toBeNull();
    expect(c.handshake?.request.headers).toContainEqual(['Origin', 'http://wss.test']);
    // in wire order: the server's ping and Chromium's pong, each message and its echo (all compressed), the closes
    expect(c.frames.map((f) => [f.from, f.opcode, f.fin, f.rsv1, f.masked, Number(f.payloadLength)])).toEqual([
      ['server', 9, true, false, false, 11],
      ['client', 10, true, false, true, 11],
      ['client', 1, true, true, true, 32],
      ['server', 1, true, true, false, 33],
      ['client', 2, true, true, true, 206],
      ['server', 2, true, true, false, 206],
      ['client', 1, true, true, true, 33],
      ['server', 1, true, true, false, 33],
      ['client', 1, true, true, true, 2288],
      ['server', 1, true, true, false, 2281],
      ['client', 2, true, true, true, 70026],
      ['server', 2, true, true, false, 70026],
      ['client', 8, true, false, true, 11],
      ['server', 8, true, false, false, 11],
    ]);
  });
});

describe('the listing', () => {
  it('RECORDINGS names every chromium_tls1* recording, each with its key log, and captures/README.md lists them', () => {
    const files = readdirSync('captures/tls').filter((f) => /^chromium_tls1[23]_.*\.pcap$/.test(f)).map((f) => f.replace(/\.pcap$/, '')).sort();
    expect(files).toEqual(RECORDINGS.map(([name]) => name).sort());
    const readme = readFileSync('captures/README.md', 'utf8');
    for (const name of files) {
      expect(readme).toContain(`\`tls/${name}.pcap\``);
      expect(readme).toContain(`\`tls/${name}.keys\``);
    }
  });
});

describe.each(RECORDINGS)('%s (%s, %s): decrypted, the same WebSocket connection as over ws://', (name, version, suite) => {
  it('reads the browser\'s key log: one session for each of its three connections', () => {
    const log = keysOf(name);
    expect(log.problems).toEqual([]);
    expect(log.size).toBe(3);
  });

  it('negotiated what the server allowed, decrypted, every record opened', async () => {
    const r = await analyze(pcap(name), { keylog: keysOf(name) });
    expect(r.connections).toHaveLength(3);
    for (const c of r.connections) {
      expect(c.tls).toMatchObject({ version, cipherSuite: suite, sni: 'wss.test', decrypted: true, failedRecords: 0 });
    }
    const c = webSocketOf(r);
    expect(c.tls?.alpnOffered).toEqual(['http/1.1']);
    // the page's connection (its HTTP/1.1 requests, decrypted) and the one Chromium opened ahead and never used
    const others = r.connections.filter((o) => !o.websocket);
    expect(others.map((o) => o.protocol?.name).sort()).toEqual(['http', 'tls']);
    expect(others.every((o) => o.frames.length === 0 && o.tls?.alpnOffered.join() === 'h2,http/1.1')).toBe(true);
    expect(r.connections.flatMap((o) => o.diagnostics).filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('shows the frames and messages of the ws:// recording', async () => {
    const plain = webSocketOf(await analyze(PLAIN));
    const c = webSocketOf(await analyze(pcap(name), { keylog: keysOf(name) }));
    expectConversation(c);
    expect(c.handshake?.request.headers).toContainEqual(['Origin', 'https://wss.test']);
    expect(frameView(c)).toEqual(frameView(plain));
    expect(messageView(c)).toEqual(messageView(plain));
    // the closing handshake but its packet numbers (the TLS handshakes add packets)
    const close = (x: Held) => x.close && { ...x.close, packet: null, replyPacket: null };
    expect(close(c)).toEqual(close(plain));
  });

  it('the 70000-byte binary went in several TLS records each way', async () => {
    const c = webSocketOf(await analyze(pcap(name), { keylog: keysOf(name) }));
    const large = c.frames.filter((f) => f.opcode === 2 && Number(f.payloadLength) > 65535);
    expect(large.map((f) => f.from)).toEqual(['client', 'server']);
    for (const f of large) {
      const records = c.timeline
        .filter((e) => e.from === f.from && f.packets.includes(e.packet))
        .flatMap((e) => e.told.flatMap((t) => (t.kind === 'tls' ? t.records : [])))
        .reduce((n, t) => n + (t.kind === 'decrypted' ? t.records : 0), 0);
      // 16384 bytes of plaintext at most in a record
      expect(records, `${f.from}'s frame ${f.index}`).toBeGreaterThanOrEqual(Math.ceil(Number(f.payloadLength) / 16384));
    }
  });

  it('without keys: three TLS connections, no WebSocket invented', async () => {
    const r = await analyze(pcap(name));
    expect(r.connections).toHaveLength(3);
    for (const c of r.connections) {
      expect(c.websocket).toBe(false);
      expect(c.frames).toEqual([]);
      expect(c.messages).toEqual([]);
      expect(c.protocol?.name).toBe('tls');
      expect(c.tls).toMatchObject({ version, cipherSuite: suite, sni: 'wss.test' });
    }
  });
});
