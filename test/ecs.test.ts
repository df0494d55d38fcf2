// --format ecs: every field of every event held to Elastic's own field
// definitions (the @elastic/ecs package's EcsFlat: the name exists, the value
// has the field's type, event.kind/category/type/outcome take allowed values
// and the types go with their category), the analysis' own fields under
// wsdissect.* only; every count, message and diagnostic as the JSON export
// has it; network.community_id as tshark computes it.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { isIP } from 'node:net';
import { EcsFlat } from '@elastic/ecs';
import { describe, expect, it } from 'vitest';
import { communityId, ruleSource } from '../src/render/ecs.js';

const CLI = 'dist/cli.js';

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Doc = Record<string, unknown>;
interface Field {
  type: string;
  normalize?: string[];
  allowed_values?: { name: string; expected_event_types?: string[] }[];
}
const FIELDS = EcsFlat as unknown as Record<string, Field>;

/** Each leaf of an event as its dotted ECS name and value (an array of scalars is a leaf). */
function leaves(v: unknown, prefix = ''): [string, unknown][] {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return [[prefix, v]];
  return Object.entries(v as Doc).flatMap(([k, x]) => leaves(x, prefix === '' ? k : `${prefix}.${k}`));
}

/** Whether a value is of an ECS type. */
function ofType(type: string, v: unknown): boolean {
  switch (type) {
    case 'keyword':
    case 'constant_keyword':
    case 'wildcard':
    case 'match_only_text':
    case 'text':
      return typeof v === 'string';
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
      return Number.isInteger(v);
    case 'float':
    case 'double':
    case 'scaled_float':
      return typeof v === 'number';
    case 'date':
      return typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(v);
    case 'ip':
      return typeof v === 'string' && isIP(v) !== 0;
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return false;
  }
}

/** The events of a capture, each held to the ECS definitions. */
function events(args: string[]): Doc[] {
  const r = run(['--format', 'ecs', ...args]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const docs = r.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Doc);
  for (const doc of docs) {
    for (const [name, value] of leaves(doc)) {
      if (name.startsWith('wsdissect.')) continue;
      const field = FIELDS[name];
      expect(field, `${name} is not an ECS field`).toBeDefined();
      const values = Array.isArray(value) ? value : [value];
      if (field!.normalize?.includes('array')) expect(Array.isArray(value), `${name} is a list in ECS`).toBe(true);
      for (const x of values) expect(ofType(field!.type, x), `${name}: ${JSON.stringify(x)} is not ${field!.type}`).toBe(true);
      if (field!.allowed_values) for (const x of values) expect(field!.allowed_values.map((a) => a.name), name).toContain(x);
    }
    // event.type goes with its category (ECS's expected_event_types)
    const event = doc.event as { category: string[]; type: string[] };
    const expected = new Set(event.category.flatMap((c) => FIELDS['event.category']!.allowed_values!.find((a) => a.name === c)!.expected_event_types ?? []));
    for (const t of event.type) expect(expected, `event.type ${t} with ${event.category.join(',')}`).toContain(t);
    expect((doc.ecs as { version: string }).version).toBe('9.4.0');
  }
  return docs;
}

interface JsonConn {
  id: number;
  stream: number | null;
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  messages: { index: number; from: string; type: string; length: number | string; complete: boolean }[];
  diagnostics: { code: string; severity: string; packet: number | null }[];
  counts: { packets: number };
}
interface Json {
  connections: JsonConn[];
  diagnostics: { code: string }[];
  summary: { connections: number; frames: number; messages: number; diagnostics: Record<string, number> };
  capture: { packets: number };
}

const get = (doc: Doc, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Doc | undefined)?.[k], doc);

function compare(args: string[]): Doc[] {
  const docs = events(args);
  const json = JSON.parse(run(['--json', '--max-payload', '0', ...args]).stdout) as Json;
  const of = (dataset: string): Doc[] => docs.filter((d) => get(d, 'event.dataset') === dataset);
  const conns = of('wsdissect.connection');
  // a connection is known by its id and, for a WebSocket an HTTP/2 stream carried, its stream
  const ours = (d: Doc, c: { id: number; stream: number | null }): boolean => get(d, 'wsdissect.connection') === c.id && (get(d, 'wsdissect.stream') ?? null) === c.stream;
  expect(conns.map((d) => [get(d, 'wsdissect.connection'), get(d, 'wsdissect.stream') ?? null])).toEqual(json.connections.map((c) => [c.id, c.stream]));
  for (const c of json.connections) {
    const e = conns.find((d) => ours(d, c))!;
    expect([get(e, 'source.ip'), get(e, 'source.port'), get(e, 'destination.ip'), get(e, 'destination.port')]).toEqual([c.client.ip, c.client.port, c.server.ip, c.server.port]);
    expect(get(e, 'network.packets')).toBe(c.counts.packets);
    const messages = of('wsdissect.message').filter((d) => ours(d, c));
    // (a length past 2^53 goes as length_text: length keeps one type, a number)
    expect(messages.map((d) => [get(d, 'wsdissect.message.index'), get(d, 'wsdissect.message.from'), get(d, 'wsdissect.message.type'), get(d, 'wsdissect.message.length') ?? get(d, 'wsdissect.message.length_text'), get(d, 'wsdissect.message.complete')])).toEqual(c.messages.map((m) => [m.index, m.from, m.type, m.length, m.complete]));
    for (const d of messages) expect(get(d, 'wsdissect.message.length') === null || typeof get(d, 'wsdissect.message.length') === 'number').toBe(true);
    // a message's source is its sender
    for (const d of messages) expect(get(d, 'source.port')).toBe(get(d, 'wsdissect.message.from') === 'client' ? c.client.port : c.server.port);
    const diags = of('wsdissect.diagnostic').filter((d) => ours(d, c));
    expect(diags.map((d) => [get(d, 'rule.id'), get(d, 'log.level'), get(d, 'wsdissect.diagnostic.packet')])).toEqual(c.diagnostics.map((d) => [d.code, d.severity, d.packet]));
  }
  const captureLevel = of('wsdissect.diagnostic').filter((d) => get(d, 'wsdissect.connection') === undefined);
  expect(captureLevel.map((d) => get(d, 'rule.id'))).toEqual(json.diagnostics.map((d) => d.code));
  const [end] = of('wsdissect.capture');
  expect(get(end!, 'wsdissect.summary')).toMatchObject({ connections: json.summary.connections, frames: json.summary.frames, messages: json.summary.messages, diagnostics: json.summary.diagnostics });
  expect(get(end!, 'wsdissect.capture.packets')).toBe(json.capture.packets);
  expect(docs.at(-1)).toBe(end);
  return docs;
}

const captures = [
  ...readdirSync('captures').filter((f) => /\.pcap$/.test(f)).map((f) => `captures/${f}`),
  ...readdirSync('captures/app').filter((f) => f.endsWith('.pcap')).map((f) => `captures/app/${f}`),
  ...readdirSync('captures/violations').filter((f) => f.endsWith('.pcap')).map((f) => `captures/violations/${f}`),
];

describe('--format ecs: ECS\'s own definitions and the JSON export', () => {
  it.each(captures)('%s', (file) => {
    compare([file]);
  });

  it('a wss:// capture decrypted with its key log: tls.* as the analysis read the handshake', () => {
    const docs = compare(['--tls-keylog', 'captures/tls/wss_tls13_aes128.keys', 'captures/tls/wss_tls13_aes128.pcap']);
    const conn = docs.find((d) => get(d, 'event.dataset') === 'wsdissect.connection' && get(d, 'wsdissect.websocket') === true)!;
    expect(get(conn, 'tls.version')).toBe('1.3');
    expect(get(conn, 'tls.version_protocol')).toBe('tls');
    expect(get(conn, 'url.scheme')).toBe('wss');
  });
});

describe('what the events say', () => {
  it('ws_echo: the upgrade as url.* and http.*, the outcome, the messages with their payloads', () => {
    const docs = compare(['captures/ws_echo.pcap']);
    const [conn] = docs;
    expect(get(conn!, 'event.outcome')).toBe('success');
    expect(get(conn!, 'url.full')).toBe('ws://127.0.0.1:8080/echo');
    expect(get(conn!, 'url.port')).toBe(8080);
    expect(get(conn!, 'http.response.status_code')).toBe(101);
    expect(get(conn!, 'http.request.method')).toBe('GET');
    const first = docs.find((d) => get(d, 'event.dataset') === 'wsdissect.message')!;
    expect(get(first, 'wsdissect.message.payload')).toEqual({ text: 'Hello, wsdissect!' });
    expect(get(first, 'event.id')).toBe(`${String(get(conn!, 'event.id'))}-m0`);
  });

  it('a refused upgrade fails; a diagnostic names its rule and the RFC section\'s address', () => {
    const refused = compare(['captures/ws_rejected_403.pcap']);
    expect(get(refused[0]!, 'event.outcome')).toBe('failure');
    expect(get(refused[0]!, 'http.response.status_code')).toBe(403);
    const docs = compare(['captures/violations/frame.client-unmasked.pcap']);
    const d = docs.find((x) => get(x, 'rule.id') === 'frame.client-unmasked')!;
    expect(get(d, 'rule.reference')).toBe('https://www.rfc-editor.org/rfc/rfc6455#section-5.1');
    expect(get(d, 'rule.ruleset')).toBe('RFC 6455');
    expect(get(d, 'log.level')).toBe('error');
    expect(ruleSource('MQTT 3.1.1 §6.0')).toEqual({ ruleset: 'MQTT 3.1.1' });
    expect(ruleSource(null)).toEqual({});
  });

  it('network.community_id is the one tshark computes for each connection (IPv4 and IPv6)', () => {
    for (const file of ['captures/mixed_network.pcap', 'captures/ws_echo_ipv6.pcap', 'captures/mixed_midstream.pcap']) {
      const docs = events([file]);
      const tshark = spawnSync('tshark', ['-r', file, '--enable-protocol', 'communityid', '-T', 'fields', '-e', 'tcp.stream', '-e', 'communityid', '-Y', 'tcp'], { encoding: 'utf8' }).stdout;
      const byStream = new Map(tshark.trim().split('\n').map((l) => l.split('\t') as [string, string]));
      const conns = docs.filter((d) => get(d, 'event.dataset') === 'wsdissect.connection');
      expect(conns.length).toBeGreaterThan(0);
      for (const c of conns) expect(get(c, 'network.community_id')).toBe(byStream.get(String(get(c, 'wsdissect.connection'))));
    }
  });

  it('the Community ID orders the endpoints: either direction gives the same', () => {
    const a = { ip: '10.0.0.1', port: 40000 };
    const b = { ip: '10.0.0.2', port: 80 };
    expect(communityId(a, b)).toBe(communityId(b, a));
    expect(communityId({ ip: '::1', port: 1 }, { ip: '::1', port: 2 })).toBe(communityId({ ip: '::1', port: 2 }, { ip: '::1', port: 1 }));
    expect(communityId(a, b)).toMatch(/^1:[A-Za-z0-9+/]{27}=$/);
  });
});
