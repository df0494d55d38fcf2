// --format ecs: the analysis as Elastic Common Schema events, one JSON object
// per line, for Elasticsearch or OpenSearch (Filebeat, Elastic Agent, or the
// _bulk API: see the README), where Zeek's and Suricata's logs already go.
// Three kinds of event, each a connection's as the connection is reported:
//   event.dataset wsdissect.connection  one per connection: endpoints,
//                                       network.community_id, the upgrade
//                                       (url.*, http.*, user_agent.*), TLS;
//   event.dataset wsdissect.message     one per WebSocket message, its
//                                       sender as source;
//   event.dataset wsdissect.diagnostic  one per diagnostic: rule.* (its code
//                                       and RFC section), log.level, message;
// then one wsdissect.capture event at the end with the capture's counts.
// ECS field names only where ECS defines them (test/ecs.test.ts checks each
// name, type and allowed value against the @elastic/ecs definitions); the
// analysis' own fields go under wsdissect.*. Every value is one the JSON
// export holds, read from the same analysis.
import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { capturedWhole, type AnalysisSink, type CaptureInfo, type Connection, type Diagnostic, type Message, type Side, type Summary } from '../model.js';
import { headerValues } from '../http/head.js';
import { VERSION } from '../version.js';
import { ending, sideFrames } from './kind.js';
import { appJson, payloadJson, type JsonOptions } from './json.js';
import { firstPacket, zeekUid } from './zeek.js';
import type { Write } from './sinks.js';

/** ECS's version whose field definitions the events follow (checked against @elastic/ecs in the tests). */
export const ECS_VERSION = '9.4.0';

/** An IP address as bytes (4 or 16), for the Community ID hash. */
function ipBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  // IPv6: expand "::" and any embedded IPv4 tail
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    text = `${text.slice(0, -v4[1]!.length)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/**
 * The flow's Community ID (v1, seed 0; https://github.com/corelight/community-id-spec):
 * the endpoints in order (the smaller address first, the smaller port when
 * the addresses are equal), hashed with the protocol, so that Zeek's,
 * Suricata's and Elastic's records of the same connection share it.
 */
export function communityId(a: { ip: string; port: number }, b: { ip: string; port: number }, protocol = 6, seed = 0): string {
  let src = ipBytes(a.ip);
  let dst = ipBytes(b.ip);
  let sport = a.port;
  let dport = b.port;
  const order = Buffer.compare(src, dst);
  if (order > 0 || (order === 0 && sport > dport)) {
    [src, dst] = [dst, src];
    [sport, dport] = [dport, sport];
  }
  const head = Buffer.alloc(2);
  head.writeUInt16BE(seed);
  const tail = Buffer.alloc(6);
  tail[0] = protocol;
  tail[1] = 0;
  tail.writeUInt16BE(sport, 2);
  tail.writeUInt16BE(dport, 4);
  return `1:${createHash('sha1').update(Buffer.concat([head, src, dst, tail])).digest('base64')}`;
}

/** A capture time (seconds since the epoch) as ECS's date: ISO 8601 in UTC, to the millisecond. */
function date(ts: number): string {
  return new Date(Math.floor(ts * 1000)).toISOString();
}

const endpoint = (e: { ip: string; port: number }): { ip: string; port: number } => ({ ip: e.ip, port: e.port });

/** What every event of a connection says of its flow. */
function network(c: Connection): Record<string, unknown> {
  return {
    transport: 'tcp',
    type: isIPv4(c.client.ip) ? 'ipv4' : 'ipv6',
    ...(c.protocol !== null && c.protocol.name !== 'unknown' ? { protocol: c.protocol.name } : {}),
    community_id: communityId(c.client, c.server),
  };
}

const OBSERVER = { product: 'wsdissect', vendor: 'wsdissect', type: 'sensor', version: VERSION } as const;

function base(dataset: string, ts: number, kind: 'event', category: string[], type: string[]): Record<string, unknown> {
  return {
    '@timestamp': date(ts),
    ecs: { version: ECS_VERSION },
    event: { kind, category, type, module: 'wsdissect', dataset },
    observer: OBSERVER,
  };
}

/** A Host header's name (an address without its brackets) and port, as url.domain and url.port. */
function hostParts(host: string): { domain: string; port?: number } {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host.trim());
  if (!m) return { domain: host };
  const domain = m[1]!.replace(/^\[(.*)\]$/, '$1');
  return m[2] !== undefined && Number(m[2]) <= 65535 ? { domain, port: Number(m[2]) } : { domain };
}

/** The connection's event. */
export function connectionEvent(c: Connection): Record<string, unknown> {
  const first = firstPacket(c);
  const ts = first?.ts ?? 0;
  const uid = zeekUid(c, first?.ts ?? null);
  const hs = c.handshake;
  const req = hs?.request ?? null;
  const res = hs?.response ?? null;
  const event = base('wsdissect.connection', ts, 'event', ['network'], ['connection']);
  const duration = c.stats.duration;
  Object.assign(event.event as object, {
    id: uid,
    start: date(ts),
    ...(duration !== null ? { end: date(ts + duration), duration: Math.round(duration * 1e9) } : {}),
    outcome: hs === null ? 'unknown' : hs.outcome === 'upgraded' ? 'success' : 'failure',
  });
  const doc: Record<string, unknown> = {
    ...event,
    source: endpoint(c.client),
    destination: endpoint(c.server),
    client: endpoint(c.client),
    server: endpoint(c.server),
    network: { ...network(c), packets: c.counts.packets },
  };
  if (req) {
    // over HTTP/2 (RFC 8441 §5) the host and the scheme are the pseudo-headers :authority and :scheme
    const host = headerValues(req.headers, 'host')[0] ?? headerValues(req.headers, ':authority')[0] ?? null;
    const q = req.target.indexOf('?');
    const secure = c.tls !== null || headerValues(req.headers, ':scheme')[0] === 'https';
    const path = q < 0 ? req.target : req.target.slice(0, q);
    doc.url = {
      original: req.target,
      path,
      ...(q >= 0 ? { query: req.target.slice(q + 1) } : {}),
      scheme: secure ? 'wss' : 'ws',
      ...(host !== null ? hostParts(host) : {}),
      ...(host !== null ? { full: `${secure ? 'wss' : 'ws'}://${host}${req.target.startsWith('/') ? req.target : `/${req.target}`}` } : {}),
    };
    doc.http = { version: req.version.replace(/^HTTP\//i, ''), request: { method: req.method }, ...(res ? { response: { status_code: res.status } } : {}) };
    const agent = headerValues(req.headers, 'user-agent')[0];
    if (agent !== undefined) doc.user_agent = { original: agent };
  }
  const t = c.tls;
  if (t !== null) {
    doc.tls = {
      ...(t.version !== null ? { version: t.version.replace(/^TLS\s*/i, ''), version_protocol: 'tls' } : {}),
      ...(t.cipherSuite !== null ? { cipher: t.cipherSuite } : {}),
      ...(t.sni !== null ? { client: { server_name: t.sni } } : {}),
      ...(t.alpn !== null ? { next_protocol: t.alpn } : {}),
    };
  }
  const side = (s: 'client' | 'server'): Record<string, unknown> => ({ frames: sideFrames(c.counts[s]), messages: c.counts[s].messages });
  doc.wsdissect = {
    connection: c.id,
    ...(c.stream !== null ? { stream: c.stream } : {}),
    websocket: c.websocket,
    detection: c.detection,
    ending: ending(c),
    ...(hs !== null ? { handshake: { outcome: hs.outcome, accept_valid: hs.acceptValid, subprotocol: hs.subprotocol, extensions: hs.extensions.map((e) => e.name) } } : {}),
    client: side('client'),
    server: side('server'),
    close: { code: c.close.code, initiator: c.close.initiator, clean: c.close.clean },
    diagnostics: c.counts.diagnostics,
  };
  return doc;
}

function appEvent(app: NonNullable<Message['app']>): Record<string, unknown> {
  const j = appJson(app);
  return { decoder: j.decoder, type: j.type, summary: j.summary, user: j.user };
}

/** A message's event: its sender is the source. */
export function messageEvent(c: Connection, uid: string, m: Message, opts: JsonOptions): Record<string, unknown> {
  const [from, to] = m.from === 'client' ? [c.client, c.server] : [c.server, c.client];
  const event = base('wsdissect.message', m.ts, 'event', ['network'], ['protocol']);
  Object.assign(event.event as object, { id: `${uid}-m${m.index}` });
  const payload = payloadJson(m.payload, m.inflatedLength ?? m.length, m.type === 'text' && (!m.compressed || m.inflatedLength !== null), opts);
  return {
    ...event,
    source: endpoint(from),
    destination: endpoint(to),
    network: network(c),
    wsdissect: {
      connection: c.id,
      ...(c.stream !== null ? { stream: c.stream } : {}),
      connection_uid: uid,
      message: {
        index: m.index,
        from: m.from,
        type: m.type,
        opcode: m.opcode,
        // a length past 2^53 (a frame's claim) as text, beside: a number field keeps one type
        length: m.lengthText === null ? m.length : null,
        ...(m.lengthText !== null ? { length_text: m.lengthText } : {}),
        frames: m.frames.length,
        compressed: m.compressed,
        inflated_length: m.inflatedLength,
        complete: capturedWhole(m),
        packet: m.packet,
        // the application's own fields differ in type from one protocol to the next (a version as a number or a text), which
        // one index cannot map: its decoder, type and summary only (the JSON export has the fields)
        ...(m.app !== null ? { app: appEvent(m.app) } : {}),
        ...(payload !== undefined ? { payload } : {}),
      },
    },
  };
}

const LEVEL = { error: 'error', warning: 'warning', info: 'info' } as const;

/** Where a rule comes from: its document (rule.ruleset) and, for an RFC's section, the section's address (rule.reference, a URL in ECS). */
export function ruleSource(rfc: string | null): Record<string, string> {
  if (rfc === null) return {};
  const ruleset = rfc.replace(/\s*§.*$/, '');
  const m = /^RFC (\d+)(?: §(\d+(?:\.\d+)*))?/.exec(rfc);
  if (!m) return { ruleset };
  return { ruleset, reference: `https://www.rfc-editor.org/rfc/rfc${m[1]}${m[2] !== undefined ? `#section-${m[2]}` : ''}` };
}

/** A diagnostic's event: the rule it names, its level, its words. */
export function diagnosticEvent(c: Connection | null, uid: string | null, d: Diagnostic, ts: number): Record<string, unknown> {
  const event = base('wsdissect.diagnostic', ts, 'event', ['network'], ['protocol', 'info']);
  const sent: Side | null = d.from;
  const endpoints = c === null ? {} : sent === 'server' ? { source: endpoint(c.server), destination: endpoint(c.client) } : { source: endpoint(c.client), destination: endpoint(c.server) };
  return {
    ...event,
    message: d.message,
    log: { level: LEVEL[d.severity] },
    rule: { id: d.code, name: d.code, category: d.code.replace(/\..*$/, ''), ...ruleSource(d.rfc) },
    ...endpoints,
    ...(c !== null ? { network: network(c) } : {}),
    wsdissect: {
      ...(c !== null ? { connection: c.id, ...(c.stream !== null ? { stream: c.stream } : {}), connection_uid: uid } : {}),
      diagnostic: { code: d.code, severity: d.severity, rfc: d.rfc, packet: d.packet, frame: d.frame, from: d.from },
    },
  };
}

/**
 * The events, a line each, written as each connection is reported (its
 * connection event, its messages, its diagnostics), the capture's at the
 * end. A line is one JSON.stringify of a small object; a long connection is
 * read from its lists an item at a time.
 */
export class EcsSink implements AnalysisSink {
  constructor(
    private readonly write: Write,
    private readonly opts: JsonOptions,
  ) {}

  connection(conn: Connection): void {
    const first = firstPacket(conn);
    const uid = zeekUid(conn, first?.ts ?? null);
    this.write(`${JSON.stringify(connectionEvent(conn))}\n`);
    for (const m of conn.messages) this.write(`${JSON.stringify(messageEvent(conn, uid, m, this.opts))}\n`);
    // a diagnostic's time: its packet's (the timeline's), else the connection's first
    let at = 0;
    for (const d of conn.diagnostics) {
      let ts = first?.ts ?? 0;
      if (d.packet !== null) {
        // diagnostics come in order of packet, mostly: the timeline is read forward from where the last one was found
        const tl = conn.timeline;
        if (at >= tl.length || (tl.at(at)?.packet ?? Infinity) > d.packet) at = 0;
        while (at < tl.length && tl.at(at)!.packet < d.packet) at++;
        const e = tl.at(at);
        if (e !== undefined && e.packet === d.packet) ts = e.ts;
      }
      this.write(`${JSON.stringify(diagnosticEvent(conn, uid, d, ts))}\n`);
    }
  }

  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    for (const d of diagnostics) this.write(`${JSON.stringify(diagnosticEvent(null, null, d, capture.lastTs ?? capture.firstTs ?? 0))}\n`);
    const event = base('wsdissect.capture', capture.firstTs ?? 0, 'event', ['network'], ['info']);
    Object.assign(event.event as object, {
      ...(capture.firstTs !== null ? { start: date(capture.firstTs) } : {}),
      ...(capture.lastTs !== null ? { end: date(capture.lastTs) } : {}),
    });
    this.write(
      `${JSON.stringify({
        ...event,
        file: { path: capture.file },
        wsdissect: {
          capture: { format: capture.format, compressed: capture.compressed, packets: capture.packets, bytes: capture.bytes, interrupted: capture.interrupted, link_types: capture.linkTypes },
          summary: { connections: summary.connections, websocket_connections: summary.websocketConnections, refused_upgrades: summary.refusedUpgrades, frames: summary.frames, messages: summary.messages, diagnostics: summary.diagnostics },
        },
      })}\n`,
    );
  }
}
