import net from 'node:net';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { certificateInfo, firstCertificate, HELLO_RETRY_REQUEST_RANDOM, parseClientHello, parseEncryptedExtensions, parseNewSessionTicket12, parseServerHello } from '../src/tls/hello.js';
import { cipherSuiteName, tlsVersionName } from '../src/tls/names.js';
import { HUNT_LIMIT, looksLikeTlsRecord, startsTlsHandshake, type TlsDecryptHook, type TlsRecordEvent, type TlsSession, TlsStream, tlsRecordChain } from '../src/tls/record.js';
import { rng } from './support/damage.js';
import { MASK, wsFrame } from './support/pcap.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// A test-only self-signed certificate (CN and SAN wsd.test, P-256, valid to
// 2126), generated once with `openssl req -x509 -newkey ec -pkeyopt
// ec_paramgen_curve:P-256 -nodes -days 36500 -subj /CN=wsd.test`. A fixture:
// it protects nothing.
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg2obEUTc6KIGZh74p
5J6MhkYpjn6mz+Mypi3eulPPyC6hRANCAATid+laCT0Z7ftrqWMN5dQ3MdFpSQcF
4QoNCyPmCf5upB2J+ZGtJN5wJcOIhk/xQq6gORrjhx7MgkLfAVGu/kh7
-----END PRIVATE KEY-----`;
const CERT = `-----BEGIN CERTIFICATE-----
MIIBkjCCATigAwIBAgIUXpq1BckaNN/RaEbVgTq58UrT26EwCgYIKoZIzj0EAwIw
EzERMA8GA1UEAwwId3NkLnRlc3QwIBcNMjYxMjAzMTc1NjUxWhgPMjEyNjExMDkx
NzU2NTFaMBMxETAPBgNVBAMMCHdzZC50ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAE4nfpWgk9Ge37a6ljDeXUNzHRaUkHBeEKDQsj5gn+bqQdifmRrSTecCXD
iIZP8UKuoDka44cezIJC3wFRrv5Ie6NoMGYwHQYDVR0OBBYEFMZbX0wlJ9/XH32k
N9noO0FIoU7XMB8GA1UdIwQYMBaAFMZbX0wlJ9/XH32kN9noO0FIoU7XMA8GA1Ud
EwEB/wQFMAMBAf8wEwYDVR0RBAwwCoIId3NkLnRlc3QwCgYIKoZIzj0EAwIDSAAw
RQIhAOOeVM29CEjWY0XmaF5W8d6Ysz6rLHJRMjwm0rjDMOp6AiBJYfcE2iHgCb+M
FSMCnRYmrKuDUwQzTp1JkIf5CUm6vw==
-----END CERTIFICATE-----`;

// --- byte builders -----------------------------------------------------------

function record(type: number, body: Buffer, version = 0x0303): Buffer {
  const h = Buffer.alloc(5);
  h[0] = type;
  h.writeUInt16BE(version, 1);
  h.writeUInt16BE(body.length, 3);
  return Buffer.concat([h, body]);
}

function vec(prefix: 1 | 2 | 3, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const h = Buffer.alloc(prefix);
  h.writeUIntBE(body.length, 0, prefix);
  return Buffer.concat([h, body]);
}

const u16 = (...ns: number[]): Buffer => Buffer.from(ns.flatMap((n) => [n >> 8, n & 0xff]));
const ext = (type: number, data: Buffer): Buffer => Buffer.concat([u16(type), vec(2, data)]);
const handshake = (type: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([type]), vec(3, body)]);

function serverHelloBody(opts: { random?: Buffer; cipher?: number; exts?: Buffer[] }): Buffer {
  return Buffer.concat([u16(0x0303), opts.random ?? Buffer.alloc(32, 7), vec(1), u16(opts.cipher ?? 0x1301), Buffer.from([0]), vec(2, ...(opts.exts ?? []))]);
}

function randomBytes(next: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
  return b;
}

/** Application-data records with seeded random bodies, and where each starts. */
function appDataStream(seed: number, count: number): { bytes: Buffer; offsets: number[] } {
  const next = rng(seed);
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const r = record(23, randomBytes(next, 300 + Math.floor(next() * 3000)));
    offsets.push(at);
    at += r.length;
    parts.push(r);
  }
  return { bytes: Buffer.concat(parts), offsets };
}

function feed(stream: TlsStream, chunks: Buffer[]): TlsRecordEvent[] {
  return chunks.flatMap((c) => stream.push(c));
}

function chunked(b: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
}

// --- real TLS over loopback ---------------------------------------------------

const listen = (s: net.Server): Promise<number> =>
  new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as net.AddressInfo).port)));

interface ClientOpts {
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
}

const clientOptions = (port: number, o: ClientOpts): tls.ConnectionOptions => ({
  host: '127.0.0.1',
  port,
  servername: 'wsd.test',
  ALPNProtocols: ['h2', 'http/1.1'],
  rejectUnauthorized: false,
  ...o,
});

/** The bytes a Node TLS client sends first: a plain TCP server collects one record, then hangs up. */
async function captureClientHello(o: ClientOpts): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.on('data', (d) => {
      chunks.push(d);
      const b = Buffer.concat(chunks);
      if (b.length >= 5 && b.length >= 5 + b.readUInt16BE(3)) s.destroy();
    });
  });
  const port = await listen(server);
  await new Promise<void>((resolve) => {
    const c = tls.connect(clientOptions(port, o));
    c.on('error', () => resolve());
    c.on('close', () => resolve());
  });
  server.close();
  return Buffer.concat(chunks);
}

interface Recording {
  flows: { fromClient: boolean; data: Buffer }[];
  /** what the Node client itself says about the connection */
  protocol: string | null;
  alpn: string | false;
  cipher: string;
  clientRandom: string;
}

/** A real TLS server behind a recording TCP proxy; the client says hello, the server answers and closes. */
async function recordConnection(o: ClientOpts & { serverCurve?: string }): Promise<Recording> {
  const server = tls.createServer({ key: KEY, cert: CERT, ALPNProtocols: ['http/1.1'], minVersion: 'TLSv1.2', ...(o.serverCurve ? { ecdhCurve: o.serverCurve } : {}) }, (s) => {
    s.on('error', () => {});
    s.end('hello from the server');
  });
  const serverPort = await listen(server);
  const flows: Recording['flows'] = [];
  const closed: Promise<void>[] = [];
  const proxy = net.createServer((down) => {
    const up = net.connect(serverPort, '127.0.0.1');
    for (const [from, to, fromClient] of [[down, up, true], [up, down, false]] as const) {
      from.on('data', (d) => {
        flows.push({ fromClient, data: Buffer.from(d) });
        to.write(d);
      });
      from.on('end', () => to.end());
      from.on('error', () => to.destroy());
      closed.push(new Promise((resolve) => from.on('close', () => resolve())));
    }
  });
  const proxyPort = await listen(proxy);
  const result = await new Promise<Omit<Recording, 'flows'>>((resolve, reject) => {
    const c = tls.connect(clientOptions(proxyPort, o));
    let clientRandom = '';
    c.on('keylog', (line) => (clientRandom = line.toString().split(' ')[1] ?? ''));
    c.on('secureConnect', () => c.write('hello from the client'));
    c.on('data', () => {});
    c.on('end', () => {
      resolve({ protocol: c.getProtocol(), alpn: c.alpnProtocol ?? false, cipher: c.getCipher().standardName, clientRandom });
      c.end();
    });
    c.on('error', reject);
  });
  await Promise.all(closed);
  proxy.close();
  server.close();
  return { flows, ...result };
}

/** Both directions of a recording through TlsStreams sharing a session, in the order the bytes flowed. */
function dissect(r: Recording, split = (b: Buffer): Buffer[] => [b]) {
  const session: TlsSession = { clientHello: null, serverHello: null };
  const client = new TlsStream({ session });
  const server = new TlsStream({ session });
  const events = { client: [] as TlsRecordEvent[], server: [] as TlsRecordEvent[] };
  for (const f of r.flows) {
    for (const part of split(f.data)) {
      if (f.fromClient) events.client.push(...client.push(part));
      else events.server.push(...server.push(part));
    }
  }
  return { session, client, server, events };
}

/** What a record looks like in a test expectation: type, encrypted or not, handshake messages ended in it. */
const summary = (events: TlsRecordEvent[]): string[] =>
  events.map((e) => `${e.typeName}${e.encrypted ? ' (encrypted)' : ''}${e.handshake ? ` [${e.handshake.map((m) => m.typeName).join(' ')}]` : ''}`);

// --- tests ---------------------------------------------------------------------

describe('TLS record header (RFC 8446 §5.1, RFC 5246 §6.2.1)', () => {
  it.each<[string, string, boolean | 'need']>([
    ['a handshake record, TLS 1.0 version', '16 0301 0200', true],
    ['application data, TLS 1.2', '17 0303 4000', true],
    ['change_cipher_spec, SSL 3.0', '14 0300 0001', true],
    ['heartbeat', '18 0303 0010', true],
    ['the longest ciphertext, 2^14 + 2048', '17 0303 4800', true],
    ['one byte too long', '17 0303 4801', false],
    ['an empty record', '16 0303 0000', false],
    ['content type 19', '13 0303 0010', false],
    ['content type 25', '19 0303 0010', false],
    ['major version 2', '16 0203 0010', false],
    ['minor version 5', '16 0305 0010', false],
    ['4 good bytes', '16 0303 00', 'need'],
    ['nothing', '', 'need'],
    ['a wrong first byte is enough', '47', false],
    ['a wrong major version is enough', '1604', false],
  ])('%s', (_name, bytes, expected) => {
    expect(looksLikeTlsRecord(hex(bytes))).toBe(expected);
  });

  it('reads at an offset', () => {
    expect(looksLikeTlsRecord(hex('ffff 17 0303 0020'), 2)).toBe(true);
    expect(looksLikeTlsRecord(hex('ffff 17 0303'), 2)).toBe('need');
  });

  it('tells a handshake opening from other records', () => {
    expect(startsTlsHandshake(hex('16 0301 0100 01 0000fc'))).toBe(true);
    expect(startsTlsHandshake(hex('16 0303 0050 02'))).toBe(true);
    expect(startsTlsHandshake(hex('17 0303 0050 01'))).toBe(false);
    expect(startsTlsHandshake(hex('16 0303 0050 0b'))).toBe(false);
    expect(startsTlsHandshake(hex('16 0303 0050'))).toBe('need');
  });
});

describe('record chains in bytes from the middle of a connection', () => {
  const { bytes, offsets } = appDataStream(1, 12);

  it('finds the first record boundary from any starting point', () => {
    for (const cut of [1, 5, 100, offsets[1]! - 1, offsets[1]!, offsets[3]! + 2]) {
      const next = offsets.find((o) => o >= cut)!;
      expect(tlsRecordChain(bytes.subarray(cut), { minRecords: 3, atEnd: false })).toEqual({ offset: next - cut, records: 3 });
    }
  });

  it('needs minRecords records unless the chain ends exactly at the end', () => {
    const lastTwo = bytes.subarray(offsets[10]! - 3);
    expect(tlsRecordChain(lastTwo, { minRecords: 3, atEnd: false })).toBeNull();
    expect(tlsRecordChain(lastTwo, { minRecords: 3, atEnd: true })).toEqual({ offset: 3, records: 2 });
    // a last record cut short does not end a chain
    expect(tlsRecordChain(lastTwo.subarray(0, lastTwo.length - 1), { minRecords: 3, atEnd: true })).toBeNull();
  });

  it('does not chain records of different versions', () => {
    const mixed = Buffer.concat([record(23, Buffer.alloc(10)), record(23, Buffer.alloc(10), 0x0301), record(23, Buffer.alloc(10))]);
    expect(tlsRecordChain(mixed, { minRecords: 3, atEnd: true })).toEqual({ offset: 30, records: 1 });
  });

  it('finds no chain of 3 in 200 buffers of seeded random bytes', () => {
    const next = rng(0x7153);
    for (let i = 0; i < 200; i++) {
      const b = randomBytes(next, 16 * 1024);
      expect(tlsRecordChain(b, { minRecords: 3, atEnd: false }), `buffer ${i}`).toBeNull();
      expect(tlsRecordChain(b, { minRecords: 3, atEnd: true }), `buffer ${i}`).toBeNull();
    }
  });

  it('finds no chain in WebSocket frames', () => {
    const next = rng(0x5eed);
    for (let i = 0; i < 50; i++) {
      const frames: Buffer[] = [];
      while (frames.reduce((n, f) => n + f.length, 0) < 16 * 1024) {
        const payload = next() < 0.5 ? randomBytes(next, Math.floor(next() * 2000)) : Buffer.from(JSON.stringify({ seq: i, at: next() }));
        frames.push(wsFrame({ opcode: next() < 0.5 ? 1 : 2, payload, mask: next() < 0.5 ? MASK : null }));
      }
      const b = Buffer.concat(frames);
      expect(tlsRecordChain(b, { minRecords: 3, atEnd: true }), `stream ${i}`).toBeNull();
    }
  });
});

describe('things that are not TLS', () => {
  const mysqlGreeting = Buffer.concat([hex('4a0000 00 0a'), Buffer.from('8.0.36\0'), hex('0b000000 2f5d3c1a7e6b4f21 00 ffff ff 0200 ffdf 15 00000000000000000000'), Buffer.from('mysql_native_password\0')]);
  it.each<[string, Buffer]>([
    ['an HTTP request', Buffer.from('GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\r\n')],
    ['an SSH banner', Buffer.from('SSH-2.0-OpenSSH_9.2p1\r\n')],
    ['a WebSocket frame', wsFrame({ opcode: 1, payload: Buffer.from('{"type":"hello"}'), mask: MASK })],
    ['a run of zeros', Buffer.alloc(4096)],
    ['a MySQL server greeting', mysqlGreeting],
  ])('%s', (_name, bytes) => {
    expect(looksLikeTlsRecord(bytes)).toBe(false);
    expect(startsTlsHandshake(bytes)).toBe(false);
    expect(tlsRecordChain(bytes, { minRecords: 3, atEnd: true })).toBeNull();
    const s = new TlsStream();
    expect(s.push(bytes)).toEqual([]);
    expect(s.notTls).toBe(true);
    expect(s.push(record(22, Buffer.alloc(4)))).toEqual([]); // and stays so
  });

  it('gives up hunting through bytes that never chain, with bounded effort', () => {
    const s = new TlsStream({ midStream: true });
    const next = rng(99);
    let pushed = 0;
    while (!s.notTls && pushed < 4 * HUNT_LIMIT) {
      expect(s.push(randomBytes(next, 1460))).toEqual([]);
      pushed += 1460;
    }
    expect(s.notTls).toBe(true);
    expect(pushed).toBeLessThanOrEqual(HUNT_LIMIT + 64 * 1024);
  });
});

describe('names', () => {
  it.each<[number, string]>([
    [0x0300, 'SSL 3.0'],
    [0x0301, 'TLS 1.0'],
    [0x0302, 'TLS 1.1'],
    [0x0303, 'TLS 1.2'],
    [0x0304, 'TLS 1.3'],
    [0x0a0a, 'GREASE'],
    [0xfafa, 'GREASE'],
    [0x7f17, 'TLS 1.3 draft 23'],
    [0x0a1a, '0x0a1a'],
  ])('version 0x%s', (v, name) => expect(tlsVersionName(v)).toBe(name));

  it.each<[number, string]>([
    [0x1301, 'TLS_AES_128_GCM_SHA256'],
    [0x1302, 'TLS_AES_256_GCM_SHA384'],
    [0x1303, 'TLS_CHACHA20_POLY1305_SHA256'],
    [0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
    [0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
    [0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
    [0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA'],
    [0x00ff, 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV'],
    [0x2a2a, 'GREASE'],
    [0xabcd, '0xabcd'],
    [0x0001, '0x0001'],
  ])('cipher suite %i', (n, name) => expect(cipherSuiteName(n)).toBe(name));
});

describe('ClientHello from a real Node client (RFC 8446 §4.1.2)', async () => {
  const hello13 = await captureClientHello({});
  const hello12 = await captureClientHello({ maxVersion: 'TLSv1.2' });
  const body = (b: Buffer): Buffer => b.subarray(9, 9 + b.readUIntBE(6, 3));

  it('reads a TLS 1.3-capable hello', () => {
    expect(startsTlsHandshake(hello13)).toBe(true);
    const h = parseClientHello(body(hello13))!;
    expect(h).toMatchObject({ legacyVersion: 0x0303, sni: 'wsd.test', alpn: ['h2', 'http/1.1'], tls13: true });
    expect(h.random).toMatch(/^[0-9a-f]{64}$/);
    expect(h.sessionId).toMatch(/^[0-9a-f]{64}$/); // RFC 8446 §D.4 middlebox compatibility: a 32-byte session id
    expect(h.supportedVersions).toContain(0x0304);
    expect(h.supportedVersions).toContain(0x0303);
    expect(h.cipherSuites).toEqual(expect.arrayContaining([0x1301, 0x1302, 0x1303, 0xc02b]));
    expect(h.extensions).toEqual(expect.arrayContaining([0, 16, 43]));
  });

  it('reads a TLS 1.2-only hello', () => {
    const h = parseClientHello(body(hello12))!;
    expect(h).toMatchObject({ sni: 'wsd.test', alpn: ['h2', 'http/1.1'], tls13: false });
    expect(h.supportedVersions ?? []).not.toContain(0x0304);
    expect(h.cipherSuites).not.toContain(0x1301);
  });

  it('gives null, never a throw, for every truncation and for extra bytes', () => {
    const b = body(hello13);
    const parsed = Array.from({ length: b.length }, (_, n) => [n, parseClientHello(b.subarray(0, n))] as const).filter(([, h]) => h !== null);
    // the one truncation that parses ends right before the extensions: a hello without them (RFC 5246 §7.4.1.2)
    expect(parsed.map(([n, h]) => [n + 2 + b.readUInt16BE(n), h?.extensions])).toEqual([[b.length, []]]);
    expect(parseClientHello(Buffer.concat([b, hex('00')]))).toBeNull();
    expect(parseServerHello(b)).toBeNull();
  });

  it('survives every single-byte corruption without throwing', () => {
    const b = body(hello13);
    for (let i = 0; i < b.length; i++) {
      const bad = Buffer.from(b);
      bad[i] = bad[i]! ^ 0xff;
      expect(() => parseClientHello(bad)).not.toThrow();
    }
  });

  it('gives the same events whatever the split point', () => {
    const whole = new TlsStream().push(hello13);
    expect(summary(whole)).toEqual(['handshake [client_hello]']);
    expect(whole[0]).toMatchObject({ offset: 0, type: 22, version: 0x0301, length: hello13.length - 5, encrypted: false });
    for (let cut = 1; cut < hello13.length; cut++) {
      expect(feed(new TlsStream(), [hello13.subarray(0, cut), hello13.subarray(cut)]), `cut at ${cut}`).toEqual(whole);
    }
    expect(feed(new TlsStream(), chunked(hello13, 1))).toEqual(whole);
  });

  it('reassembles a hello that spans several records', () => {
    const msg = hello13.subarray(5);
    const records = Buffer.concat([record(22, msg.subarray(0, 3), 0x0301), record(22, msg.subarray(3, 100), 0x0301), record(22, msg.subarray(100), 0x0301)]);
    const events = new TlsStream().push(records);
    expect(summary(events)).toEqual(['handshake []', 'handshake []', 'handshake [client_hello]']);
    expect(events[2]!.handshake![0]!.clientHello).toEqual(parseClientHello(body(hello13)));
  });
});

describe('ServerHello (RFC 8446 §4.1.3)', () => {
  it('recognizes a HelloRetryRequest by its random', () => {
    const hrr = parseServerHello(serverHelloBody({ random: hex(HELLO_RETRY_REQUEST_RANDOM), exts: [ext(43, u16(0x0304)), ext(51, u16(0x0017))] }));
    expect(hrr).toMatchObject({ helloRetryRequest: true, version: 0x0304, cipherSuite: 0x1301, extensions: [43, 51], alpn: null });
    expect(parseServerHello(serverHelloBody({}))).toMatchObject({ helloRetryRequest: false, version: 0x0303 });
  });

  it.each<[string, Buffer[]]>([
    ['an ALPN list of two names (RFC 7301 §3.1)', [ext(16, vec(2, vec(1, Buffer.from('h2')), vec(1, Buffer.from('x'))))]],
    ['an empty ALPN name', [ext(16, vec(2, vec(1)))]],
    ['the same extension twice (RFC 8446 §4.2)', [ext(43, u16(0x0304)), ext(43, u16(0x0304))]],
    ['a supported_versions with a list', [ext(43, vec(1, u16(0x0304)))]],
    ['an extension running past its block', [Buffer.concat([u16(43), u16(4), u16(0x0304)])]],
  ])('rejects %s', (_name, exts) => {
    expect(parseServerHello(serverHelloBody({ exts }))).toBeNull();
  });

  it('reads a hello without extensions (RFC 5246 §7.4.1.3)', () => {
    const body = Buffer.concat([u16(0x0300), Buffer.alloc(32), vec(1, Buffer.alloc(32, 1)), u16(0x000a), Buffer.from([0])]);
    expect(parseServerHello(body)).toMatchObject({ version: 0x0300, cipherSuite: 0x000a, sessionId: '01'.repeat(32), extensions: [] });
  });
});

describe('real TLS connections through a recording proxy', async () => {
  const tls12 = await recordConnection({ maxVersion: 'TLSv1.2' });
  const tls13 = await recordConnection({ minVersion: 'TLSv1.3' });
  const hrr = await recordConnection({ minVersion: 'TLSv1.3', serverCurve: 'P-384' });

  it('TLS 1.2: ALPN and the cipher suite in the ServerHello, encrypted after ChangeCipherSpec', () => {
    expect(tls12.protocol).toBe('TLSv1.2');
    const { session, events, client, server } = dissect(tls12);
    expect(session.clientHello).toMatchObject({ sni: 'wsd.test', random: tls12.clientRandom });
    const sh = session.serverHello!;
    expect(tlsVersionName(sh.version)).toBe('TLS 1.2');
    expect(sh.alpn).toBe('http/1.1');
    expect(sh.alpn).toBe(tls12.alpn);
    expect(cipherSuiteName(sh.cipherSuite)).toBe(tls12.cipher);
    expect(cipherSuiteName(sh.cipherSuite)).toMatch(/^TLS_ECDHE_ECDSA_WITH_AES_(128|256)_GCM_SHA(256|384)$/);
    expect(summary(events.client)).toEqual([
      'handshake [client_hello]',
      'handshake [client_key_exchange]',
      'change_cipher_spec',
      'handshake (encrypted)',
      'application_data (encrypted)',
      'alert (encrypted)', // close_notify
    ]);
    expect(summary(events.server).slice(0, 8)).toEqual([
      'handshake [server_hello]',
      'handshake [certificate]',
      'handshake [server_key_exchange]',
      'handshake [server_hello_done]',
      'handshake [new_session_ticket]',
      'change_cipher_spec',
      'handshake (encrypted)',
      'application_data (encrypted)',
    ]);
    expect(client.mode).toBe('records');
    expect(server.mode).toBe('records');
  });

  it('TLS 1.3: supported_versions selects 1.3 and ALPN is invisible', () => {
    expect(tls13.protocol).toBe('TLSv1.3');
    expect(tls13.alpn).toBe('http/1.1');
    const { session, events } = dissect(tls13);
    expect(session.clientHello?.random).toBe(tls13.clientRandom);
    const sh = session.serverHello!;
    expect(sh).toMatchObject({ legacyVersion: 0x0303, version: 0x0304, alpn: null, helloRetryRequest: false });
    expect(cipherSuiteName(sh.cipherSuite)).toBe(tls13.cipher);
    const server = summary(events.server);
    expect(server.slice(0, 3)).toEqual(['handshake [server_hello]', 'change_cipher_spec', 'application_data (encrypted)']);
    expect(new Set(server.slice(2))).toEqual(new Set(['application_data (encrypted)']));
    expect(summary(events.client).slice(0, 3)).toEqual(['handshake [client_hello]', 'change_cipher_spec', 'application_data (encrypted)']);
  });

  it('TLS 1.3 HelloRetryRequest: the second ClientHello and the real ServerHello are read in the clear', () => {
    const { session, events } = dissect(hrr);
    expect(hrr.protocol).toBe('TLSv1.3');
    const helloes = (es: TlsRecordEvent[]) => es.flatMap((e) => e.handshake ?? []);
    const [first, second] = helloes(events.server);
    expect(first?.serverHello).toMatchObject({ helloRetryRequest: true, version: 0x0304 });
    expect(second?.serverHello).toMatchObject({ helloRetryRequest: false, version: 0x0304 });
    expect(helloes(events.client).map((m) => m.clientHello?.sni)).toEqual(['wsd.test', 'wsd.test']);
    expect(session.serverHello?.helloRetryRequest).toBe(false);
    expect(session.clientHello?.random).toBe(hrr.clientRandom);
  });

  it('gives the same events for any chunking of the real streams', () => {
    for (const rec of [tls12, tls13, hrr]) {
      const whole = dissect(rec).events;
      expect(dissect(rec, (b) => chunked(b, 1)).events).toEqual(whole);
      for (const size of [2, 3, 5, 7, 100, 1000]) expect(dissect(rec, (b) => chunked(b, size)).events, `chunks of ${size}`).toEqual(whole);
    }
  });

  it('without the shared session, a lone client direction still treats what follows ChangeCipherSpec as encrypted', () => {
    const s = new TlsStream();
    const events = feed(s, tls12.flows.filter((f) => f.fromClient).map((f) => f.data));
    expect(summary(events).slice(2, 4)).toEqual(['change_cipher_spec', 'handshake (encrypted)']);
  });
});

describe('TlsStream', () => {
  const { bytes, offsets } = appDataStream(42, 60);

  it('counts application data without parsing it, and gives offsets', () => {
    const events = feed(new TlsStream(), chunked(bytes, 1460));
    expect(events.map((e) => e.offset)).toEqual(offsets);
    expect(events.every((e) => e.typeName === 'application_data' && e.encrypted && e.handshake === undefined)).toBe(true);
  });

  it('stays in step when the bytes lost lie inside a record body', () => {
    const s = new TlsStream();
    const from = offsets[10]! + 20;
    const to = offsets[11]! - 1;
    const events = [...s.push(bytes.subarray(0, from)), ...s.gap(to - from), ...s.push(bytes.subarray(to))];
    expect(s.mode).toBe('records');
    expect(events.map((e) => e.offset)).toEqual(offsets);
  });

  it('finds its way back after a gap that swallows record headers', () => {
    for (const size of [1, 7, 1000, 100000]) {
      const s = new TlsStream();
      const from = offsets[10]! + 20;
      const to = offsets[20]! + 3;
      const events = [...s.push(bytes.subarray(0, from)), ...s.gap(to - from)];
      expect(s.mode).toBe('hunting');
      events.push(...feed(s, chunked(bytes.subarray(to), size)));
      expect(s.mode).toBe('records');
      expect(events.map((e) => e.offset), `chunks of ${size}`).toEqual([...offsets.slice(0, 11), ...offsets.slice(21)]);
    }
  });

  it('hunts again when a header goes bad in a stream that was TLS, but gives up on one that never was', () => {
    const damaged = Buffer.from(bytes);
    damaged[offsets[10]!] = 0;
    const s = new TlsStream();
    const events = feed(s, chunked(damaged, 1000));
    expect(s.mode).toBe('records');
    expect(events.map((e) => e.offset)).toEqual([...offsets.slice(0, 10), ...offsets.slice(11)]);
    const early = Buffer.from(bytes);
    early[offsets[1]!] = 0;
    const t = new TlsStream();
    expect(feed(t, [early]).map((e) => e.offset)).toEqual([0]);
    expect(t.notTls).toBe(true);
  });

  it('finds its way back when it joins in the middle of the stream', () => {
    const start = offsets[3]! + 11;
    const s = new TlsStream({ midStream: true });
    const events = feed(s, chunked(bytes.subarray(start), 1460));
    expect(events.map((e) => e.offset + start)).toEqual(offsets.slice(4));
  });

  it('reports a plaintext alert', () => {
    const [e] = new TlsStream().push(record(21, hex('02 28')));
    expect(e).toMatchObject({ typeName: 'alert', encrypted: false, alert: { level: 2, description: 40, name: 'handshake_failure' } });
  });

  it('keeps no hello larger than its buffer, and goes on', () => {
    const big = handshake(1, Buffer.alloc(70000));
    const records = chunked(big, 16384).map((c) => record(22, c));
    const events = feed(new TlsStream(), [...records, record(21, hex('0100'))]);
    expect(events).toHaveLength(records.length + 1);
    expect(events[records.length - 1]!.handshake).toEqual([{ type: 1, typeName: 'client_hello', length: 70000, clientHello: null }]);
    expect(events[records.length]!.alert?.name).toBe('close_notify');
  });

  it('marks a handshake record cut by a gap, and keeps the messages whose boundaries survive', () => {
    const sh = handshake(2, serverHelloBody({}));
    const cert = handshake(11, Buffer.alloc(500, 1));
    const done = handshake(14, Buffer.alloc(0));
    const r = record(22, Buffer.concat([sh, cert, done]));
    const s = new TlsStream();
    const lostAt = 5 + sh.length + 100; // inside the certificate's body
    const events = [...s.push(r.subarray(0, lostAt)), ...s.gap(50), ...s.push(r.subarray(lostAt + 50))];
    expect(events).toHaveLength(1);
    expect(events[0]!.cut).toBe(true);
    expect(events[0]!.handshake!.map((m) => m.typeName)).toEqual(['server_hello', 'certificate', 'server_hello_done']);
    expect(events[0]!.handshake![0]!.serverHello?.cipherSuite).toBe(0x1301);
  });

  it('hands protected records to the decrypt hook, and reads what it returns', () => {
    const xor = (b: Buffer): Buffer => Buffer.from(b.map((x) => x ^ 0x5a));
    const seen: number[] = [];
    const decrypt: TlsDecryptHook = (r) => {
      seen.push(r.seq);
      return { type: r.type, plaintext: xor(r.body), secret: null };
    };
    const s = new TlsStream({ decrypt });
    const stream = Buffer.concat([
      record(22, handshake(2, serverHelloBody({ cipher: 0xc02f }))),
      record(20, hex('01')),
      record(22, xor(handshake(20, Buffer.alloc(12, 3)))),
      record(23, xor(Buffer.from('GET / HTTP/1.1\r\n\r\n'))),
      record(21, xor(hex('0100'))),
    ]);
    const events = feed(s, chunked(stream, 3));
    expect(summary(events)).toEqual(['handshake [server_hello]', 'change_cipher_spec', 'handshake (encrypted) [finished]', 'application_data (encrypted)', 'alert (encrypted)']);
    expect(events[3]!.decrypted).toEqual({ type: 23, typeName: 'application_data', length: 18, secret: null });
    expect(events[4]!.alert?.name).toBe('close_notify');
    expect(seen).toEqual([0, 1, 2]);
  });
});

describe('the server\'s handshake messages read with the hellos', () => {
  const der = new X509Certificate(CERT).raw;

  it('EncryptedExtensions: the ALPN choice (exactly one name), others ignored, malformed is null', () => {
    const alpn = ext(16, vec(2, vec(1, Buffer.from('http/1.1'))));
    expect(parseEncryptedExtensions(vec(2, ext(0, Buffer.alloc(0)), alpn))).toEqual({ extensions: [0, 16], alpn: 'http/1.1' });
    expect(parseEncryptedExtensions(vec(2))).toEqual({ extensions: [], alpn: null });
    expect(parseEncryptedExtensions(vec(2, ext(16, vec(2, vec(1, Buffer.from('h2')), vec(1, Buffer.from('http/1.1'))))))).toBeNull();
    expect(parseEncryptedExtensions(Buffer.from([0, 9, 0]))).toBeNull();
  });

  it('Certificate: the first certificate of TLS 1.3 (context, entries with extensions) and TLS 1.2 (a plain list)', () => {
    const tls13 = Buffer.concat([vec(1), vec(3, vec(3, der), vec(2))]);
    const tls12 = vec(3, vec(3, der), vec(3, Buffer.from('not a certificate')));
    expect(firstCertificate(tls13, true)).toEqual(der);
    expect(firstCertificate(tls12, false)).toEqual(der);
    expect(firstCertificate(tls13, false)).toBeNull();
    expect(firstCertificate(vec(3), false)).toBeNull();
    expect(certificateInfo(der)).toEqual({ subject: 'CN=wsd.test', issuer: 'CN=wsd.test', notAfter: '2126-11-09', altNames: ['wsd.test'] });
    expect(certificateInfo(Buffer.from('junk'))).toBeNull();
  });

  it('a TLS 1.2 ticket: the client\'s session_ticket extension and the server\'s NewSessionTicket', () => {
    const ticket = Buffer.alloc(40, 0xab);
    const body = Buffer.concat([u16(0x0303), Buffer.alloc(32, 1), vec(1), vec(2, u16(0xc02f)), vec(1, Buffer.from([0])), vec(2, ext(35, ticket))]);
    expect(parseClientHello(body)?.ticket).toBe(ticket.toString('hex'));
    const empty = Buffer.concat([u16(0x0303), Buffer.alloc(32, 1), vec(1), vec(2, u16(0xc02f)), vec(1, Buffer.from([0])), vec(2, ext(35, Buffer.alloc(0)))]);
    expect(parseClientHello(empty)?.ticket).toBeNull();
    expect(parseNewSessionTicket12(Buffer.concat([Buffer.from([0, 0, 0x1c, 0x20]), vec(2, ticket)]))).toBe(ticket.toString('hex'));
    expect(parseNewSessionTicket12(Buffer.concat([Buffer.from([0, 0, 0x1c, 0x20]), vec(2)]))).toBeNull();
    expect(parseNewSessionTicket12(Buffer.from([0, 0, 0]))).toBeNull();
  });
});
