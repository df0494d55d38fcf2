// --har / --format har: every document held to the HAR 1.2 schema (the
// har-schema package, with the spec's bounds its schema misspells), read as
// Chrome DevTools imports it (test/support/devtools-har.ts: nothing refused,
// no message dropped), and compared with the JSON export of the same capture
// (every message and control frame, its side, time, opcode and bytes); the
// compressed recordings' messages against what their scenarios sent.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { importHar } from './support/devtools-har.js';
import { Conversation, upgradeRequest, upgradeResponse, wsFrame, MASK } from './support/pcap.js';

const CLI = 'dist/cli.js';
const dir = mkdtempSync(join(tmpdir(), 'wsdissect-har-'));

function run(args: string[], input?: Buffer): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// ------------------------------------------------------------------ the schema
const SCHEMAS = 'node_modules/har-schema/lib';
const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addMetaSchema(JSON.parse(readFileSync('node_modules/ajv/dist/refs/json-schema-draft-06.json', 'utf8')) as object);
ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
ajv.addFormat('ipv4', (s: string) => isIPv4(s));
ajv.addFormat('ipv6', (s: string) => isIPv6(s));
ajv.addFormat('uri', (s: string) => URL.canParse(s));
for (const f of readdirSync(SCHEMAS).filter((n) => n.endsWith('.json') && n !== 'har.json')) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, f), 'utf8')) as object);
const validate = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, 'har.json'), 'utf8')) as object);

interface HarMessage {
  type: 'send' | 'receive';
  time: number;
  opcode: number;
  data: string;
  _packet: number;
  _close?: { code: number | null; reason: string };
  _complete?: false;
  _compressed?: true;
  _invalidUtf8?: true;
}
interface HarEntry {
  startedDateTime: string;
  time: number;
  request: { method: string; url: string; httpVersion: string; headers: { name: string; value: string }[]; queryString: { name: string; value: string }[]; cookies: { name: string; value: string }[] };
  response: { status: number; statusText: string; headers: { name: string; value: string }[]; content: { size: number; mimeType: string; text?: string; encoding?: string }; _error?: string };
  timings: Record<'blocked' | 'dns' | 'connect' | 'send' | 'wait' | 'receive' | 'ssl', number>;
  serverIPAddress: string;
  connection: string;
  _connectionId: string;
  _resourceType?: string;
  _webSocketMessages?: HarMessage[];
  _wsdissect: { connection: number; stream?: number; packet: number; outcome?: string; closeCode?: number | null };
  comment?: string;
}
interface Har {
  log: { version: string; creator: { name: string; version: string }; entries: HarEntry[]; comment: string; _capture: { file: string; packets: number; interrupted: boolean } };
}

/** The document, held to the schema and to the spec's bounds (HAR 1.2: -1 for a timing not known, send, wait and receive never; time their sum). */
function checked(text: string): Har {
  const har = JSON.parse(text) as Har;
  if (!validate(har)) expect((validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)).toEqual([]);
  expect(har.log.version).toBe('1.2');
  for (const e of har.log.entries) {
    for (const k of ['send', 'wait', 'receive'] as const) expect(e.timings[k]).toBeGreaterThanOrEqual(0);
    for (const k of ['blocked', 'dns', 'connect', 'ssl'] as const) expect(e.timings[k] === -1 || e.timings[k] >= 0).toBe(true);
    const sum = (['blocked', 'dns', 'connect', 'send', 'wait', 'receive'] as const).reduce((n, k) => n + Math.max(0, e.timings[k]), 0);
    expect(e.time).toBeCloseTo(sum, 2);
    expect(e.startedDateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  }
  return har;
}

// ------------------------------------------------------------------ the JSON export, as HAR should give it
interface JsonPayload {
  text?: string;
  base64?: string;
}
interface JsonFrame {
  index: number;
  packet: number;
  ts: number;
  from: 'client' | 'server';
  opcode: number;
  payloadLength: number;
  message: number | null;
  payload?: JsonPayload;
  close: { code: number | null; reason: string } | null;
  complete: boolean;
}
interface JsonMessage {
  index: number;
  from: 'client' | 'server';
  opcode: number;
  type: 'text' | 'binary';
  frames: number[];
  payload?: JsonPayload;
  compressed: boolean;
  inflatedLength: number | null;
  complete: boolean;
}
interface JsonConn {
  id: number;
  stream: number | null;
  websocket: boolean;
  server: { ip: string; port: number };
  handshake: { request: { method: string; target: string }; response: { status: number } | null; outcome: string } | null;
  frames: JsonFrame[];
  messages: JsonMessage[];
  close: { code: number | null };
}

const bytesOf = (p: JsonPayload | undefined): Buffer => (p?.text !== undefined ? Buffer.from(p.text, 'utf8') : Buffer.from(p?.base64 ?? '', 'base64'));

/** What `_webSocketMessages` should hold, from the JSON export: a message where its last frame is, every other frame as itself. */
function expectedItems(c: JsonConn): Omit<HarMessage, '_close' | '_complete' | '_compressed' | '_invalidUtf8'>[] {
  const byIndex = new Map(c.messages.map((m) => [m.index, m]));
  return c.frames.flatMap((f) => {
    const type = f.from === 'client' ? ('send' as const) : ('receive' as const);
    if (f.opcode < 8 && f.message !== null) {
      const m = byIndex.get(f.message)!;
      if (m.frames[m.frames.length - 1] !== f.index) return [];
      const raw = m.compressed && m.inflatedLength === null;
      const bytes = bytesOf(m.payload);
      // (a message's time and packet are its last frame's: the export gives them there)
      return [{ type, time: f.ts, opcode: m.opcode, data: m.type === 'text' && !raw ? bytes.toString('utf8') : bytes.toString('base64'), _packet: f.packet }];
    }
    // a close frame's payload is its code and reason (the export gives them, not the bytes): rebuilt from them, unless they
    // do not add up to its length (a one-byte payload, a reason that is not UTF-8), where only the length is held
    if (f.opcode === 8) {
      const bytes = f.close !== null ? closeBytes(f.close) : Buffer.alloc(0);
      const data = bytes.length === f.payloadLength ? bytes.toString('base64') : expect.toSatisfy((d: string) => Buffer.from(d, 'base64').length === f.payloadLength);
      return [{ type, time: f.ts, opcode: f.opcode, data, _packet: f.packet }];
    }
    return [{ type, time: f.ts, opcode: f.opcode, data: bytesOf(f.payload).toString('base64'), _packet: f.packet }];
  });
}

function closeBytes(close: { code: number | null; reason: string }): Buffer {
  if (close.code === null) return Buffer.alloc(0);
  return Buffer.concat([Buffer.from([close.code >> 8, close.code & 0xff]), Buffer.from(close.reason, 'utf8')]);
}

/** HAR of a capture, held to the schema, to DevTools' import and to the JSON export. */
function compare(args: string[]): Har {
  const r = run(['--format', 'har', ...args]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const har = checked(r.stdout);
  const imported = importHar(har);
  expect(imported.length).toBe(har.log.entries.length);
  // DevTools keeps every message (none lacks a field, none has a type it does not know)
  expect(imported.reduce((n, q) => n + q.frames.length, 0)).toBe(har.log.entries.reduce((n, e) => n + (e._webSocketMessages?.length ?? 0), 0));
  const json = JSON.parse(run(['--json', '--max-payload', 'all', ...args]).stdout) as { connections: JsonConn[] };
  const entries = har.log.entries;
  for (const c of json.connections) {
    // a connection is known by its id and, for a WebSocket an HTTP/2 stream carried, its stream
    const mine = entries.filter((e) => e._connectionId === String(c.id) && (e._wsdissect.stream ?? null) === c.stream);
    const socket = mine.filter((e) => e._webSocketMessages !== undefined && e._wsdissect.outcome !== 'rejected' && e._wsdissect.outcome !== 'no-response');
    if (c.websocket) {
      // one entry holds the WebSocket's messages, all of them, in the order of the frames
      const holder = mine.filter((e) => e._webSocketMessages !== undefined && e._webSocketMessages.length > 0);
      expect(socket.length).toBe(1);
      const items = socket[0]!._webSocketMessages!.map(({ _close, _complete, _compressed, _invalidUtf8, ...rest }) => rest);
      expect(items).toEqual(expectedItems(c));
      expect(holder.length).toBeLessThanOrEqual(1);
      for (const m of socket[0]!._webSocketMessages!.filter((x) => x.opcode === 8)) {
        const f = c.frames.find((x) => x.packet === m._packet && x.opcode === 8)!;
        expect(m._close).toEqual(f.close ?? undefined);
      }
      expect(socket[0]!._wsdissect.closeCode).toBe(c.close.code);
      expect(socket[0]!._resourceType).toBe('websocket');
    } else expect(socket).toEqual([]);
    if (c.handshake !== null) {
      // the upgrade attempt's entry: its request and status as the analysis read them
      const e = mine.find((x) => x._wsdissect.packet !== undefined && x.request.method === c.handshake!.request.method && x._wsdissect.outcome === c.handshake!.outcome)!;
      expect(e).toBeDefined();
      expect(e.response.status).toBe(c.handshake.response?.status ?? 0);
      expect(e._resourceType).toBe('websocket');
      expect(new URL(e.request.url).protocol).toMatch(/^wss?:$/);
      expect(e.request.url.endsWith(c.handshake.request.target) || /^[a-z]+:\/\//i.test(c.handshake.request.target)).toBe(true);
    }
    for (const e of mine) {
      expect(e.serverIPAddress).toBe(c.server.ip);
      expect(e.connection).toBe(String(c.server.port));
    }
  }
  // no entry of a connection the export does not have
  expect(new Set(entries.map((e) => e._connectionId)).size).toBeLessThanOrEqual(json.connections.length);
  return har;
}

const top = readdirSync('captures').filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => `captures/${f}`);
const more = ['app', 'browser', 'cut', 'violations'].flatMap((d) => readdirSync(`captures/${d}`).filter((f) => /\.pcap(ng)?(\.gz)?$/.test(f)).map((f) => `captures/${d}/${f}`));

describe('--format har: the schema, DevTools\' import and the JSON export agree', () => {
  it.each([...top, ...more])('%s', (file) => {
    compare([file]);
  });

  it('a wss:// conversation decrypted with its key log: wss:// URLs, the same messages as --json', () => {
    const har = compare(['--tls-keylog', 'captures/tls/wss_tls13_aes128.keys', 'captures/tls/wss_tls13_aes128.pcap']);
    const ws = har.log.entries.filter((e) => e._resourceType === 'websocket');
    expect(ws.length).toBeGreaterThan(0);
    for (const e of ws) expect(e.request.url).toMatch(/^wss:\/\//);
  });
});

describe('what an entry says', () => {
  it('ws_echo: the upgrade, its headers and timings, and the conversation as the scenario sent it', () => {
    const har = compare(['captures/ws_echo.pcap']);
    expect(har.log.creator.name).toBe('wsdissect');
    expect(har.log._capture).toMatchObject({ file: 'captures/ws_echo.pcap', interrupted: false });
    const [e] = har.log.entries;
    expect(har.log.entries.length).toBe(1);
    expect(e!.request).toMatchObject({ method: 'GET', url: 'ws://127.0.0.1:8080/echo', httpVersion: 'HTTP/1.1' });
    expect(e!.request.headers).toContainEqual({ name: 'Upgrade', value: 'websocket' });
    expect(e!.response).toMatchObject({ status: 101, statusText: 'Switching Protocols' });
    expect(e!.response.headers).toContainEqual({ name: 'Sec-WebSocket-Accept', value: 'SsnT1ob2neyLNYLmEJDMbr4NscY=' });
    // connect from the SYN, wait to the 101, receive to the last packet: the entry spans the connection
    expect(e!.timings.connect).toBeGreaterThan(0);
    expect(e!.timings.wait).toBeGreaterThan(0);
    expect(e!.timings.receive).toBeGreaterThan(e!.timings.wait);
    // captures/gen/scenarios/ws_echo.mjs: a text, a binary 1..5, a ping each way, a close 1000 "bye" from the client
    const items = e!._webSocketMessages!.map((m) => [m.type, m.opcode, m.opcode === 1 ? m.data : Buffer.from(m.data, 'base64').toString('latin1')]);
    expect(items).toEqual([
      ['send', 1, 'Hello, wsdissect!'],
      ['receive', 1, 'Hello, wsdissect!'],
      ['send', 2, '\x01\x02\x03\x04\x05'],
      ['receive', 2, '\x01\x02\x03\x04\x05'],
      ['send', 9, 'client-ping'],
      ['receive', 10, 'client-ping'],
      ['receive', 9, 'server-ping'],
      ['send', 10, 'server-ping'],
      ['send', 8, '\x03\xe8bye'],
      ['receive', 8, '\x03\xe8bye'],
    ]);
    expect(e!._webSocketMessages!.filter((m) => m.opcode === 8).map((m) => m._close)).toEqual([
      { code: 1000, reason: 'bye' },
      { code: 1000, reason: 'bye' },
    ]);
  });

  interface Expected {
    file: string;
    client: ({ type: 'text'; text: string } | { type: 'binary'; base64: string })[];
    server: ({ type: 'text'; text: string } | { type: 'binary'; base64: string })[];
  }
  const EXPECTED = JSON.parse(readFileSync('captures/deflate_expected.json', 'utf8')) as Expected[];
  it.each(EXPECTED.map((e) => [e.file, e] as const))('%s: every message inflated, whole, as the scenario sent it (captures/deflate_expected.json)', (file, want) => {
    const har = compare([`captures/${file}`]);
    const e = har.log.entries.find((x) => x._webSocketMessages !== undefined && x._webSocketMessages.length > 0)!;
    for (const [side, type] of [['client', 'send'], ['server', 'receive']] as const) {
      const got = e._webSocketMessages!.filter((m) => m.type === type && m.opcode < 8).map((m) => (m.opcode === 1 ? { type: 'text', text: m.data } : { type: 'binary', base64: m.data }));
      expect(got).toEqual(want[side]);
    }
  });

  it('a refused upgrade: its status, and the body the server sent as the content', () => {
    const har = compare(['captures/ws_rejected_403.pcap']);
    const [e] = har.log.entries;
    expect(e!.response).toMatchObject({ status: 403, statusText: 'Forbidden', content: { size: 18, mimeType: 'text/html', text: 'Origin not allowed' } });
    expect(e!._webSocketMessages).toEqual([]);
    expect(e!._resourceType).toBe('websocket');
  });

  it('plain HTTP exchanges are entries of their own, their request and status lines read from the capture', () => {
    const har = compare(['captures/app/socketio.pcap']);
    const plain = har.log.entries.filter((e) => e._resourceType === 'other');
    expect(plain.map((e) => [e.request.method, e.response.status])).toEqual([
      ['GET', 200],
      ['POST', 200],
      ['GET', 200],
    ]);
    for (const e of plain) expect(e.request.url).toMatch(/^http:\/\/127\.0\.0\.1:3100\/socket\.io\/\?EIO=4&transport=polling/);
    expect(plain[0]!.request.queryString).toContainEqual({ name: 'transport', value: 'polling' });
  });

  it('a WebSocket joined after its handshake: an entry all the same, saying what was made up', () => {
    const har = compare(['captures/mixed_midstream.pcap']);
    const ws = har.log.entries.filter((e) => e._resourceType === 'websocket');
    expect(ws.length).toBe(2);
    for (const e of ws) {
      expect(e.comment).toMatch(/handshake was not captured/);
      expect(e.response.status).toBe(0);
      expect(e._webSocketMessages!.length).toBe(30);
    }
  });

  it('a message past --max-payload is whole: HAR holds every message entire', () => {
    const har = compare(['captures/ws_large_binary.pcap']);
    const json = JSON.parse(run(['--json', '--max-payload', '0', 'captures/ws_large_binary.pcap']).stdout) as { connections: { messages: { length: number; inflatedLength: number | null }[] }[] };
    const lengths = json.connections[0]!.messages.map((m) => m.inflatedLength ?? m.length);
    expect(Math.max(...lengths)).toBeGreaterThan(1024);
    const data = har.log.entries[0]!._webSocketMessages!.filter((m) => m.opcode < 8).map((m) => (m.opcode === 1 ? Buffer.byteLength(m.data) : Buffer.from(m.data, 'base64').length));
    expect(data).toEqual(lengths);
  });

  it('a crafted conversation: cookies and the query read from the upgrade, a text message that is not UTF-8, a message cut by the capture\'s loss', () => {
    const conv = new Conversation()
      .handshake()
      .send('client', upgradeRequest(['Cookie: session=abc; theme=dark'], {}).replace('GET /chat', 'GET /chat?room=7&user=ann%20b'))
      .send('server', upgradeResponse(['Set-Cookie: seen=1; Path=/; HttpOnly']))
      .send('client', wsFrame({ opcode: 1, payload: Buffer.from([0x61, 0xff, 0x62]), mask: MASK }))
      .send('server', wsFrame({ opcode: 1, payload: Buffer.from('fine') }))
      .send('client', wsFrame({ opcode: 8, payload: Buffer.from([0x03, 0xe8]), mask: MASK }))
      .send('server', wsFrame({ opcode: 8, payload: Buffer.from([0x03, 0xe8]) }))
      .fin('server')
      .fin('client');
    const path = join(dir, 'crafted.pcap');
    writeFileSync(path, conv.pcap());
    const har = compare([path]);
    const [e] = har.log.entries;
    expect(e!.request.url).toBe('ws://server.example.com/chat?room=7&user=ann%20b');
    expect(e!.request.queryString).toEqual([
      { name: 'room', value: '7' },
      { name: 'user', value: 'ann b' },
    ]);
    expect(e!.request.cookies).toEqual([
      { name: 'session', value: 'abc' },
      { name: 'theme', value: 'dark' },
    ]);
    expect(e!.response).toMatchObject({ cookies: [{ name: 'seen', value: '1', path: '/', httpOnly: true }] });
    const [bad, fine] = e!._webSocketMessages!;
    expect(bad).toMatchObject({ type: 'send', opcode: 1, data: 'a\ufffdb', _invalidUtf8: true });
    expect(fine).toMatchObject({ type: 'receive', opcode: 1, data: 'fine' });
    expect(fine!._invalidUtf8).toBeUndefined();
    expect(fine!._complete).toBeUndefined();
  });
});

describe('a message cut by the capture', () => {
  // captures/snaplen/deflate_s120.pcap: packets cut at 120 bytes, so several messages' frames were not captured whole
  it.each(['captures/snaplen/deflate_s120.pcap', 'captures/snaplen/deflate_s200.pcap'])('%s: _complete is false on the messages --json calls incomplete', (file) => {
    const json = JSON.parse(run([file, '--json', '--max-payload', '0']).stdout) as { connections: { messages: { index: number; complete: boolean }[] }[] };
    const cut = json.connections[0]!.messages.filter((m) => !m.complete).length;
    expect(cut).toBeGreaterThan(0);
    const har = checked(run([file, '--format', 'har']).stdout);
    const items = har.log.entries[0]!._webSocketMessages!.filter((m) => m.opcode < 8);
    expect(items.length).toBe(json.connections[0]!.messages.length);
    expect(items.filter((m) => m._complete === false).length).toBe(cut);
  });
});

describe('the selection narrows the messages, not the exchanges', () => {
  it('--from server: every entry stays (the plain exchanges, the refused upgrades), each WebSocket with the server\'s messages only', () => {
    const all = checked(run(['captures/mixed_network.pcap', '--format', 'har']).stdout);
    const server = checked(run(['captures/mixed_network.pcap', '--format', 'har', '--from', 'server']).stdout);
    expect(server.log.entries.map((e) => [e._connectionId, e.request.url, e.response.status])).toEqual(all.log.entries.map((e) => [e._connectionId, e.request.url, e.response.status]));
    const items = server.log.entries.flatMap((e) => e._webSocketMessages ?? []);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((m) => m.type === 'receive')).toBe(true);
    expect(items).toEqual(all.log.entries.flatMap((e) => e._webSocketMessages ?? []).filter((m) => m.type === 'receive'));
  });
});

describe('the command line', () => {
  it('--format har with --har, and a directory as the file, are refused in one line', () => {
    const y = join(dir, 'y.har');
    expect(run(['captures/ws_echo.pcap', '--format', 'har', '--har', y]).stderr).toBe(`wsdissect: --format har and --har ${y}: two places for one output (--format har writes to standard output): choose one\n`);
    // agreeing: both standard output
    expect(run(['captures/ws_echo.pcap', '--format', 'har', '--har', '-']).stdout).toBe(run(['captures/ws_echo.pcap', '--format', 'har']).stdout);
    expect(run(['captures/ws_echo.pcap', '--har', dir]).stderr).toBe(`wsdissect: ${dir}: is a directory; the report needs a file name\n`);
  });

  it('--har FILE writes the document there (nothing else left beside it); --har - and --format har write the same to standard output', () => {
    const out = mkdtempSync(join(dir, 'out-'));
    const file = join(out, 'echo.har');
    const r = run(['captures/ws_echo.pcap', '--har', file]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(readdirSync(out)).toEqual(['echo.har']);
    const viaStdout = run(['captures/ws_echo.pcap', '--har', '-']).stdout;
    expect(readFileSync(file, 'utf8')).toBe(viaStdout);
    expect(run(['captures/ws_echo.pcap', '--format', 'har']).stdout).toBe(viaStdout);
  });

  it('--har with another output, or with a terminal view, is refused in one line', () => {
    const both = run(['captures/ws_echo.pcap', '--har', join(dir, 'x.har'), '--json']);
    expect(both.status).toBe(2);
    expect(both.stderr).toBe('wsdissect: --json and --har ask for different outputs: choose one\n');
    const view = run(['captures/ws_echo.pcap', '--format', 'har', '--hex']);
    expect(view.status).toBe(2);
    expect(view.stderr.split('\n').length).toBe(2);
    expect(existsSync(join(dir, 'x.har'))).toBe(false);
  });

  it('an unreadable capture leaves no HAR', () => {
    const file = join(dir, 'none.har');
    const r = run([join(dir, 'missing.pcap'), '--har', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/missing\.pcap/);
    expect(existsSync(file)).toBe(false);
  });

  it('--stream selects the connections whose entries are written', () => {
    const all = checked(run(['captures/mixed_network.pcap', '--format', 'har']).stdout);
    const one = checked(run(['captures/mixed_network.pcap', '--format', 'har', '--stream', '1']).stdout);
    expect(one.log.entries).toEqual(all.log.entries.filter((e) => e._connectionId === '1'));
  });
});
