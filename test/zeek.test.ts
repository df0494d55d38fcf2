// --format zeek: the log read back as Zeek's ASCII reader reads it, and each
// line's values held to the JSON export's connection.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zeekEscape } from '../src/render/zeek.js';
import { Conversation, upgradeRequest, upgradeResponse, wsFrame } from './support/pcap.js';

const CLI = 'dist/cli.js';

/** The log is ASCII, read a byte per character (so a stray byte past ASCII would show); the JSON is UTF-8. */
function run(args: string[], encoding: 'latin1' | 'utf8' = 'latin1'): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding, maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Value = string | string[] | null;

/** \xNN back to its byte (the log is ASCII; a byte goes back as one character, as header text holds it). */
function unescape(s: string): string {
  return s.replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

interface ZeekLog {
  meta: Map<string, string>;
  fields: string[];
  types: string[];
  rows: Map<string, Value>[];
  close: string | null;
}

/** The log as Zeek's reader takes it: #separator first, the other header lines split by it, each field by its type. */
function readLog(text: string): ZeekLog {
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  const first = /^#separator (\S+)$/.exec(lines[0]!);
  expect(first).not.toBeNull();
  const sep = unescape(first![1]!);
  const meta = new Map<string, string>();
  const rows: Map<string, Value>[] = [];
  let fields: string[] = [];
  let types: string[] = [];
  let close: string | null = null;
  for (const line of lines.slice(1)) {
    if (line.startsWith('#')) {
      const [key, ...rest] = line.slice(1).split(sep);
      if (key === 'fields') fields = rest;
      else if (key === 'types') types = rest;
      else if (key === 'close') close = rest.join(sep);
      else meta.set(key!, rest.join(sep));
      continue;
    }
    expect(close).toBeNull();
    const cells = line.split(sep);
    expect(cells.length).toBe(fields.length);
    const row = new Map<string, Value>();
    cells.forEach((c, i) => {
      const type = types[i]!;
      let v: Value;
      if (c === meta.get('unset_field')) v = null;
      else if (type.startsWith('vector[') || type.startsWith('set[')) v = c === meta.get('empty_field') ? [] : c.split(meta.get('set_separator')!).map(unescape);
      else if (c === meta.get('empty_field')) v = '';
      else v = unescape(c);
      // what each type allows
      if (typeof v === 'string') {
        if (type === 'count' || type === 'port') expect(v).toMatch(/^\d+$/);
        if (type === 'time') expect(v).toMatch(/^\d+\.\d{6}$/);
        if (type === 'bool') expect(v).toMatch(/^[TF]$/);
        if (type === 'addr') expect(v).toMatch(/^[0-9a-f.:]+$/);
      }
      row.set(fields[i]!, v);
    });
    rows.push(row);
  }
  expect(fields.length).toBeGreaterThan(0);
  expect(types.length).toBe(fields.length);
  return { meta, fields, types, rows, close };
}

interface JsonConn {
  id: number;
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  websocket: boolean;
  detection: string | null;
  tls: { decrypted: boolean | null; version: string | null } | null;
  handshake: {
    request: { target: string; headers: [string, string][] };
    response: { status: number; headers: [string, string][] } | null;
    acceptValid: boolean | null;
    subprotocol: string | null;
    offeredSubprotocols: string[];
    offeredExtensions: string[];
    outcome: string;
  } | null;
  counts: { client: { frames: Record<string, { count: number; bytes: number }>; messages: number }; server: { frames: Record<string, { count: number; bytes: number }>; messages: number }; diagnostics: { error: number; warning: number } };
  close: { code: number | null; initiator: 'client' | 'server' | null };
  timeline: { ts: number; relTs: number }[];
}

const header = (hs: NonNullable<JsonConn['handshake']>['request'], name: string): string | null => hs.headers.find(([n]) => n.toLowerCase() === name)?.[1] ?? null;
const sum = (frames: Record<string, { count: number; bytes: number }>, key: 'count' | 'bytes'): string => String(Object.values(frames).reduce((n, f) => n + f[key], 0));
const str = (v: number | boolean | null): string | null => (v === null ? null : typeof v === 'boolean' ? (v ? 'T' : 'F') : String(v));

/** The log of a capture held to its JSON export: a line per connection with a WebSocket story, every value the export's. */
function compare(args: string[]): ZeekLog {
  const zeek = run(['--format', 'zeek', ...args]);
  expect(zeek.stderr).toBe('');
  const log = readLog(zeek.stdout);
  const json = JSON.parse(run(['--json', '--max-payload', '0', ...args], 'utf8').stdout) as { connections: JsonConn[]; capture: { firstTs: number; lastTs: number } };
  const told = json.connections.filter((c) => c.websocket || c.handshake !== null);
  expect(log.rows.map((r) => r.get('wsd_conn'))).toEqual(told.map((c) => String(c.id)));
  const stamp = (ts: number): string => new Date(Math.floor(ts) * 1000).toISOString().slice(0, 19).replace(/[T:]/g, '-');
  expect(log.meta.get('open')).toBe(stamp(json.capture.firstTs));
  expect(log.close).toBe(stamp(json.capture.lastTs));
  expect(log.meta.get('path')).toBe('websocket');
  told.forEach((c, i) => {
    const r = log.rows[i]!;
    const hs = c.handshake;
    const res = hs?.response ?? null;
    expect(r.get('ts')).toBe(c.timeline[0]!.ts.toFixed(6));
    expect(r.get('uid')).toMatch(/^C[0-9A-Za-z]{17}$/);
    expect([r.get('id.orig_h'), r.get('id.orig_p'), r.get('id.resp_h'), r.get('id.resp_p')]).toEqual([c.client.ip, String(c.client.port), c.server.ip, String(c.server.port)]);
    expect(r.get('host')).toBe(hs ? header(hs.request, 'host') : null);
    expect(r.get('uri')).toBe(hs?.request.target ?? null);
    expect(r.get('user_agent')).toBe(hs ? header(hs.request, 'user-agent') : null);
    expect(r.get('subprotocol')).toBe(hs?.subprotocol ?? null);
    expect(r.get('client_protocols')).toEqual(hs ? hs.offeredSubprotocols : null);
    expect(r.get('client_extensions')).toEqual(hs ? hs.offeredExtensions : null);
    const agreed = res ? res.headers.filter(([n]) => n.toLowerCase() === 'sec-websocket-extensions').flatMap(([, v]) => v.split(',').map((s) => s.trim()).filter((s) => s !== '')) : null;
    expect(r.get('server_extensions')).toEqual(agreed);
    expect(r.get('wsd_detection')).toBe(c.detection);
    expect(r.get('wsd_verdict')).toBe(hs?.outcome ?? null);
    expect(r.get('wsd_status')).toBe(str(res?.status ?? null));
    expect(r.get('wsd_accept_valid')).toBe(str(hs?.acceptValid ?? null));
    expect(r.get('wsd_ending') === 'refused').toBe(hs?.outcome === 'rejected');
    expect(r.get('wsd_orig_frames')).toBe(sum(c.counts.client.frames, 'count'));
    expect(r.get('wsd_resp_frames')).toBe(sum(c.counts.server.frames, 'count'));
    expect(r.get('wsd_orig_bytes')).toBe(sum(c.counts.client.frames, 'bytes'));
    expect(r.get('wsd_resp_bytes')).toBe(sum(c.counts.server.frames, 'bytes'));
    expect(r.get('wsd_orig_messages')).toBe(String(c.counts.client.messages));
    expect(r.get('wsd_resp_messages')).toBe(String(c.counts.server.messages));
    expect(r.get('wsd_close_code')).toBe(str(c.close.code));
    expect(r.get('wsd_close_initiator')).toBe(c.close.initiator === null ? null : c.close.initiator === 'client' ? 'orig' : 'resp');
    expect(r.get('wsd_errors')).toBe(String(c.counts.diagnostics.error));
    expect(r.get('wsd_warnings')).toBe(String(c.counts.diagnostics.warning));
    expect(r.get('wsd_tls')).toBe(c.tls?.decrypted === true ? c.tls.version : null);
  });
  // the same capture, the same log, byte for byte
  expect(run(['--format', 'zeek', ...args]).stdout).toBe(zeek.stdout);
  return log;
}

describe('--format zeek', () => {
  it('an echo: one upgraded connection', () => {
    const log = compare(['captures/ws_echo.pcap']);
    expect(log.rows).toHaveLength(1);
    expect(log.rows[0]!.get('wsd_verdict')).toBe('upgraded');
  });

  it('a mixed network: the refused upgrades have their lines and verdicts, the other protocols none', () => {
    const log = compare(['captures/mixed_network.pcap']);
    const refused = log.rows.filter((r) => r.get('wsd_verdict') === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r.get('wsd_status')).not.toBe('101');
    expect(new Set(log.rows.map((r) => r.get('uid'))).size).toBe(log.rows.length);
    // a connection's uid is its own, whatever else is selected
    const one = log.rows[1]!;
    const alone = readLog(run(['--format', 'zeek', '--stream', one.get('wsd_conn') as string, 'captures/mixed_network.pcap']).stdout);
    expect(alone.rows.map((r) => r.get('uid'))).toEqual([one.get('uid')]);
  });

  it('wss:// decrypted with its key log: the TLS version in wsd_tls', () => {
    const log = compare(['--tls-keylog', 'captures/tls/wss_tls13_aes128.keys', 'captures/tls/wss_tls13_aes128.pcap']);
    expect(log.rows.map((r) => r.get('wsd_tls'))).toContain('TLS 1.3');
  });

  it('hostile header bytes (escape sequences in the URL, a header, the subprotocol) go escaped', () => {
    const out = run(['--format', 'zeek', 'captures/hostile/escapes.pcap']).stdout;
    expect(/[\x00-\x08\x0b-\x1f\x7f-\xff]/.test(out)).toBe(false);
    expect(out).toContain('\\x1b');
    compare(['captures/hostile/escapes.pcap']);
  });

  it('refused handshakes and violations read back as their JSON says', () => {
    compare(['captures/scapy_invalid_handshakes.pcap']);
    compare(['captures/violations/close.invalid-code.pcap']);
  });

  it('a tab, a backslash, bytes past ASCII and the markers themselves in header values round-trip', () => {
    const conv = new Conversation()
      .handshake()
      .send('client', upgradeRequest(['User-Agent: tab\there caf\xe9 back\\slash', 'Sec-WebSocket-Protocol: -', 'Sec-WebSocket-Extensions: x-one; a=1, (empty)']))
      .send('server', upgradeResponse(['Sec-WebSocket-Protocol: -']))
      .send('client', wsFrame({ opcode: 1, payload: Buffer.from('hi'), mask: Buffer.from([1, 2, 3, 4]) }));
    const path = join(mkdtempSync(join(tmpdir(), 'wsdissect-zeek-')), 'odd.pcap');
    writeFileSync(path, conv.pcap());
    const out = run(['--format', 'zeek', path]).stdout;
    const line = out.split('\n').find((l) => !l.startsWith('#'))!;
    expect(line).toContain('tab\\x09here caf\\xe9 back\\x5cslash');
    expect(line.split('\t')).toContain('\\x2d');
    const log = compare([path]);
    const r = log.rows[0]!;
    expect(r.get('user_agent')).toBe('tab\there caf\xe9 back\\slash');
    expect(r.get('subprotocol')).toBe('-');
    expect(r.get('client_extensions')).toEqual(['x-one; a=1', '(empty)']);
  });

  it('escapes as the ASCII writer does', () => {
    expect(zeekEscape('a\tb\nc')).toBe('a\\x09b\\x0ac');
    expect(zeekEscape('-')).toBe('\\x2d');
    expect(zeekEscape('(empty)')).toBe('\\x28empty)');
    expect(zeekEscape('a,b')).toBe('a,b');
    expect(zeekEscape('a,b', true)).toBe('a\\x2cb');
    expect(zeekEscape('\u00e9')).toBe('\\xe9');
    expect(zeekEscape('\u4e2d')).toBe('\\xe4\\xb8\\xad');
  });

  it('a capture without WebSocket: the header and #close only', () => {
    const conv = new Conversation().handshake().send('client', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n').send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    const path = join(mkdtempSync(join(tmpdir(), 'wsdissect-zeek-')), 'http.pcap');
    writeFileSync(path, conv.pcap());
    const log = readLog(run(['--format', 'zeek', path]).stdout);
    expect(log.rows).toHaveLength(0);
    expect(log.close).not.toBeNull();
  });

  it('to a pipe closed early (| head -1) it ends quietly', () => {
    const r = spawnSync('sh', ['-c', `${JSON.stringify(process.execPath)} ${CLI} --format zeek captures/mixed_network.pcap | head -1`], { encoding: 'utf8' });
    expect(r.stdout).toBe('#separator \\x09\n');
    expect(r.stderr).toBe('');
  });

  it('refuses another output beside it, in one line', () => {
    for (const other of [['--json'], ['--ndjson'], ['--html', '-'], ['--summary']]) {
      const r = run(['--format', 'zeek', ...other, 'captures/ws_echo.pcap']);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
