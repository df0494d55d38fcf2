// --har FILE / --format har: the capture's HTTP exchanges and WebSockets as
// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), with the
// extensions Chrome DevTools writes and imports (its models/har: Log and
// Importer): a WebSocket is an entry whose `_resourceType` is "websocket",
// its messages in `_webSocketMessages` as {type: "send" | "receive", time:
// seconds since the epoch, opcode, data}, `data` the text of a text message
// and base64 otherwise. So a capture's WebSockets open in DevTools' Network
// panel (Import HAR), beside whatever else reads HAR.
//
// What an entry holds, and where the analysis does not have what HAR asks:
// - The upgrade request and its response with their headers (the handshake
//   the analysis kept). A plain HTTP exchange, or an earlier upgrade attempt
//   on the same connection, is an entry too, with its request line and
//   status line only: the analysis keeps no headers of them. Sizes of heads
//   are -1 (not known byte for byte); a refusal's body, as far as it was
//   kept, is the response's content.
// - Timings from the capture, in milliseconds: connect from the SYN to the
//   request on the connection's first exchange (when the SYN was captured;
//   a TLS handshake falls in it), wait from the request to the response,
//   and for a WebSocket receive from the 101 to the connection's last
//   packet, so that the entry spans the WebSocket's life as DevTools draws
//   a live one. The request's own sending time is not told apart (send 0).
// - Messages as the application saw them: a fragmented message once, whole,
//   inflated when compressed; control frames (close, ping, pong) each as
//   sent, base64 like every opcode but text, a close's code and reason
//   beside it in `_close`. Custom fields say what DevTools cannot: `_packet`
//   (where the message completes, to find it in Wireshark), `_complete:
//   false` (part of it was not captured), `_compressed: true` (left
//   compressed: it could not be inflated), `_invalidUtf8: true` (a text
//   message that is not UTF-8, its data decoded with U+FFFD).
// - A WebSocket taken without its handshake (by its frames, --decode-as, or
//   a 101 whose request was not captured) is an entry all the same, with a
//   GET to the server's address and a comment saying so: its messages are
//   not left out of the file.
// Entries come in the order the connections are reported (as in --json);
// DevTools sorts them by startedDateTime when it imports them.
import { entryOf } from '../select/lookup.js';
import { isUtf8 } from 'node:buffer';
import { capturedWhole, type AnalysisSink, type CaptureInfo, type Connection, type Diagnostic, type Frame, type Handshake, type HttpBody, type Message, type Summary } from '../model.js';
import { headerValues } from '../http/head.js';
import { messageOf } from '../select/lookup.js';
import { VERSION } from '../version.js';
import { interruptedNote } from './kind.js';
import { ITEM_BATCH, JsonBytes, type WriteBytes } from './json-bytes.js';
import { textOf, type Write } from './sinks.js';
import { EVERYTHING, selectConnection, type Selection } from '../select/selection.js';


export interface HarHeader {
  name: string;
  value: string;
}

export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  httpOnly?: boolean;
  secure?: boolean;
}

/** An HTTP exchange as the timeline tells it: the request line and the status line, with their packets' times. */
export interface Exchange {
  request: { packet: number; ts: number; method: string; target: string; version: string; upgrade: boolean };
  response: { packet: number; ts: number; version: string; status: number; reason: string } | null;
}

/** What an entry is made from, read once from the connection. */
export interface ConnectionTimes {
  /** the HTTP exchanges, in order (for a WebSocket, up to its upgrade) */
  exchanges: Exchange[];
  /** the time of the SYN, when it was captured */
  synTs: number | null;
  /** the time of the connection's first and last packets */
  firstTs: number | null;
  lastTs: number | null;
}

/**
 * The connection's exchanges and times, from its timeline: requests and
 * responses paired in order (HTTP/1.1 answers in order; an interim 1xx other
 * than 101 answers nothing). A WebSocket's timeline is read only up to its
 * upgrade's response (its frames come after), a connection of neither HTTP
 * nor WebSocket not at all.
 */
export function connectionTimes(conn: Connection): ConnectionTimes {
  const exchanges: Exchange[] = [];
  const first = conn.timeline.at(0);
  const last = conn.timeline.length > 0 ? conn.timeline.at(conn.timeline.length - 1) : undefined;
  const firstFrame = conn.frames.at(0);
  const lastFrame = conn.frames.length > 0 ? conn.frames.at(conn.frames.length - 1) : undefined;
  const times: ConnectionTimes = { exchanges, synTs: null, firstTs: first?.ts ?? firstFrame?.ts ?? null, lastTs: last?.ts ?? lastFrame?.ts ?? null };
  if (conn.http2 !== null) http2Exchanges(conn, times);
  if (!conn.websocket && conn.handshake === null && conn.protocol?.name !== 'http') return times;
  const syn = conn.tcp.handshake.syn;
  const stopAfter = conn.websocket ? (conn.handshake?.response?.packet ?? firstFrame?.packet ?? Infinity) : Infinity;
  let answered = 0;
  for (const e of conn.timeline) {
    if (e.packet > stopAfter) break;
    if (e.packet === syn) times.synTs = e.ts;
    for (const fact of e.told) {
      if (fact.kind === 'request') {
        exchanges.push({ request: { packet: e.packet, ts: e.ts, method: fact.method, target: fact.target, version: fact.version, upgrade: fact.upgrade }, response: null });
      } else if (fact.kind === 'response') {
        if (fact.status >= 100 && fact.status < 200 && fact.status !== 101) continue;
        const x = exchanges[answered];
        if (x === undefined) continue;
        x.response = { packet: e.packet, ts: e.ts, version: fact.version, status: fact.status, reason: fact.reason };
        answered++;
      }
    }
  }
  return times;
}

/**
 * The plain requests an HTTP/2 connection carried (its streams but the
 * WebSockets', which are entries of their own conversations): method, path
 * and status, as HTTP/1.1's request and status lines are kept; their times
 * from the packets of their heads.
 */
function http2Exchanges(conn: Connection, times: ConnectionTimes): void {
  for (const s of conn.http2!.streams) {
    if (s.websocket || s.request === null || s.method === null) continue;
    const asked = entryOf(conn, s.request);
    const answered = s.response !== null ? entryOf(conn, s.response) : undefined;
    if (!asked) continue;
    times.exchanges.push({
      request: { packet: s.request, ts: asked.ts, method: s.method, target: s.path ?? '/', version: 'HTTP/2', upgrade: false },
      response: answered && s.status !== null ? { packet: s.response!, ts: answered.ts, version: 'HTTP/2', status: s.status, reason: '' } : null,
    });
  }
}

/** Milliseconds between two capture times, to the microsecond. */
function ms(from: number, to: number): number {
  return Math.max(0, Math.round((to - from) * 1e6) / 1e3);
}

/** A capture time as HAR's startedDateTime: ISO 8601 in UTC, to the millisecond (not after the packet). */
export function harDate(ts: number): string {
  return new Date(Math.floor(ts * 1000)).toISOString();
}

function hostOf(conn: Connection): string {
  const ip = conn.server.ip.includes(':') ? `[${conn.server.ip}]` : conn.server.ip;
  return `${ip}:${conn.server.port}`;
}

/** The request's URL: an absolute target as it is (its scheme made the WebSocket's), else the scheme, the Host header (or the server's address) and the target. */
export function harUrl(target: string, host: string | null, conn: Connection, websocket: boolean): string {
  // a WebSocket over HTTP/2 names its scheme (https: wss://) and host (:authority) in its pseudo-headers (RFC 8441 §5)
  const fields = conn.stream !== null ? (conn.handshake?.request.headers ?? []) : [];
  const pseudo = (name: string): string | null => fields.find(([n]) => n === name)?.[1] ?? null;
  const secure = conn.tls !== null || pseudo(':scheme') === 'https';
  host ??= pseudo(':authority');
  const scheme = websocket ? (secure ? 'wss' : 'ws') : secure ? 'https' : 'http';
  const absolute = /^([a-z][a-z0-9+.-]*):\/\//i.exec(target);
  if (absolute) return websocket ? `${scheme}${target.slice(absolute[1]!.length)}` : target;
  const path = target.startsWith('/') ? target : `/${target}`;
  return `${scheme}://${host ?? hostOf(conn)}${path}`;
}

/** The query string's pairs, decoded as a browser's URLSearchParams decodes them (nothing when it cannot be read). */
function queryOf(target: string): HarHeader[] {
  const q = target.indexOf('?');
  if (q < 0) return [];
  const end = target.indexOf('#', q);
  try {
    return [...new URLSearchParams(target.slice(q + 1, end < 0 ? undefined : end))].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

/** The cookies a request's Cookie headers send. */
export function requestCookies(headers: readonly [string, string][]): HarCookie[] {
  return headerValues(headers, 'cookie').flatMap((v) =>
    v
      .split(';')
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .map((p) => {
        const eq = p.indexOf('=');
        return eq < 0 ? { name: p, value: '' } : { name: p.slice(0, eq).trim(), value: p.slice(eq + 1).trim() };
      }),
  );
}

/** The cookies a response's Set-Cookie headers set, with the attributes HAR names. */
export function responseCookies(headers: readonly [string, string][]): HarCookie[] {
  return headerValues(headers, 'set-cookie').map((v) => {
    const [pair = '', ...attrs] = v.split(';');
    const eq = pair.indexOf('=');
    const cookie: HarCookie = eq < 0 ? { name: pair.trim(), value: '' } : { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
    for (const a of attrs) {
      const [k = '', ...rest] = a.split('=');
      const key = k.trim().toLowerCase();
      const value = rest.join('=').trim();
      if (key === 'path') cookie.path = value;
      else if (key === 'domain') cookie.domain = value;
      else if (key === 'httponly') cookie.httpOnly = true;
      else if (key === 'secure') cookie.secure = true;
    }
    return cookie;
  });
}

const headersOf = (headers: readonly [string, string][]): HarHeader[] => headers.map(([name, value]) => ({ name, value }));

/** A response's content: a refusal's body as far as it was kept (text when it is UTF-8, else base64), or nothing. */
function contentOf(headers: readonly [string, string][], body: HttpBody | undefined): Record<string, unknown> {
  const mimeType = headerValues(headers, 'content-type')[0] ?? 'x-unknown';
  if (!body || body.data.length === 0) return { size: body?.length ?? 0, mimeType };
  const text = isUtf8(body.data) ? { text: body.data.toString('utf8') } : { text: body.data.toString('base64'), encoding: 'base64' };
  return { size: body.length, mimeType, ...text, ...(body.data.length < body.length ? { comment: `the first ${body.data.length} of ${body.length} bytes` } : {}) };
}

/** An entry, all but its WebSocket messages: plain data, as JSON.stringify writes it. */
export interface EntryPlan {
  head: Record<string, unknown>;
  /** the WebSocket's messages follow (the connection's frames and messages) */
  websocket: boolean;
}

/**
 * The entries of a connection: one per HTTP exchange the timeline tells, the
 * upgrade's with its headers and, when the connection became WebSocket, its
 * messages; a WebSocket without a captured handshake gets an entry of its own.
 */
export function harEntries(conn: Connection, times: ConnectionTimes = connectionTimes(conn)): EntryPlan[] {
  const hs = conn.handshake;
  // the handshake's exchange: the one whose request is the handshake's (by packet), else the last upgrade attempt
  let shake = hs === null ? -1 : times.exchanges.findIndex((x) => x.request.packet === hs.request.packet && x.request.method === hs.request.method);
  if (hs !== null && shake < 0) for (let i = times.exchanges.length - 1; i >= 0 && shake < 0; i--) if (times.exchanges[i]!.request.upgrade) shake = i;
  const plans: EntryPlan[] = [];
  times.exchanges.forEach((x, i) => {
    const isShake = i === shake && hs !== null;
    const ws = isShake && conn.websocket;
    // a refused upgrade is a WebSocket entry too (as DevTools shows a WebSocket the server refused), with no messages; so is an
    // earlier attempt on the same connection, without its headers (the analysis keeps the last attempt's)
    plans.push({ head: entryHead(conn, x, isShake ? hs : null, i === 0 ? times.synTs : null, ws ? times.lastTs : null, isShake || x.request.upgrade), websocket: isShake });
  });
  if (conn.websocket && !plans.some((p) => p.websocket)) {
    // taken for WebSocket without the handshake (or with a handshake the timeline does not show): an entry all the same
    const ts = times.firstTs ?? 0;
    const head = entryHead(conn, { request: { packet: conn.frames.at(0)?.packet ?? 0, ts, method: 'GET', target: '/', version: 'HTTP/1.1', upgrade: true }, response: null }, null, null, times.lastTs, true);
    head.comment = `the handshake was not captured: taken for WebSocket by ${conn.detection === 'decode-as' ? '--decode-as' : conn.detection === 'response' ? "the server's 101 (its request was not captured)" : 'its frames'}; the request is made up (GET /)`;
    plans.push({ head, websocket: true });
  }
  return plans;
}

function entryHead(conn: Connection, x: Exchange, hs: Handshake | null, synTs: number | null, lastTs: number | null, websocket: boolean): Record<string, unknown> {
  const req = hs?.request ?? null;
  const res = hs !== null ? hs.response : null;
  const reqHeaders = req?.headers ?? [];
  const resHeaders = res?.headers ?? [];
  const answer = x.response;
  // connect: from the SYN to the request (the connection's first exchange, its SYN captured)
  const started = synTs ?? x.request.ts;
  const connect = synTs === null ? -1 : ms(synTs, x.request.ts);
  const wait = answer === null ? 0 : ms(x.request.ts, answer.ts);
  // a WebSocket's life: from its 101 (from its first packet, when taken without a handshake) to the connection's last packet
  const receive = lastTs !== null ? ms(answer?.ts ?? x.request.ts, lastTs) : 0;
  const timings = { blocked: -1, dns: -1, connect, send: 0, wait, receive, ssl: -1 };
  const status = res?.status ?? answer?.status ?? 0;
  const head: Record<string, unknown> = {
    startedDateTime: harDate(started),
    time: Math.round((Math.max(connect, 0) + wait + receive) * 1e3) / 1e3,
    request: {
      method: req?.method ?? x.request.method,
      url: harUrl(req?.target ?? x.request.target, headerValues(reqHeaders, 'host')[0] ?? null, conn, websocket),
      httpVersion: req?.version ?? x.request.version,
      cookies: requestCookies(reqHeaders),
      headers: headersOf(reqHeaders),
      queryString: queryOf(req?.target ?? x.request.target),
      headersSize: -1,
      // an upgrade request has no body; a plain exchange's was not kept (-1: not known)
      bodySize: hs !== null ? 0 : -1,
    },
    response: {
      status,
      statusText: res?.reason ?? answer?.reason ?? '',
      httpVersion: res?.version ?? answer?.version ?? '',
      cookies: responseCookies(resHeaders),
      headers: headersOf(resHeaders),
      content: contentOf(resHeaders, res?.body),
      redirectURL: headerValues(resHeaders, 'location')[0] ?? '',
      headersSize: -1,
      bodySize: res?.body ? res.body.length : answer === null || hs === null ? -1 : 0,
      ...(answer === null && res === null ? { _error: 'no response captured' } : {}),
    },
    cache: {},
    timings,
    serverIPAddress: conn.server.ip,
    // DevTools reads `connection` as the server's port, `_connectionId` as the connection
    connection: String(conn.server.port),
    _connectionId: String(conn.id),
    // a plain exchange's kind is not known (no headers kept): DevTools' "other"
    _resourceType: websocket ? 'websocket' : 'other',
    _wsdissect: {
      connection: conn.id,
      ...(conn.stream !== null ? { stream: conn.stream } : {}),
      packet: x.request.packet,
      ...(hs !== null ? { outcome: hs.outcome, acceptValid: hs.acceptValid, subprotocol: hs.subprotocol, extensions: hs.extensions.map((e) => e.name) } : {}),
      ...(websocket && conn.websocket ? { detection: conn.detection, closeCode: conn.close.code, closeInitiator: conn.close.initiator, errors: conn.counts.diagnostics.error, warnings: conn.counts.diagnostics.warning } : {}),
    },
  };
  return head;
}

const P = {
  send: Buffer.from('{"type":"send","time":'),
  receive: Buffer.from('{"type":"receive","time":'),
  opcode: Buffer.from(',"opcode":'),
  data: Buffer.from(',"data":'),
  packet: Buffer.from(',"_packet":'),
  close: Buffer.from(',"_close":{"code":'),
  reason: Buffer.from(',"reason":'),
  incomplete: Buffer.from(',"_complete":false'),
  compressed: Buffer.from(',"_compressed":true'),
  invalid: Buffer.from(',"_invalidUtf8":true'),
  first: Buffer.from('\n          '),
  next: Buffer.from(',\n          '),
};

/** A message (or a frame) as DevTools' `_webSocketMessages` item: text for a text message that is UTF-8, else base64. */
function writeItem(out: JsonBytes, from: 'client' | 'server', ts: number, opcode: number, payload: Buffer, text: boolean, packet: number): void {
  out.raw(from === 'client' ? P.send : P.receive);
  out.number(ts);
  out.raw(P.opcode);
  out.number(opcode);
  out.raw(P.data);
  if (!text) {
    out.byte(0x22);
    out.base64(payload, 0, payload.length);
    out.byte(0x22);
  } else if (isUtf8(payload)) out.utf8Text(payload, 0, payload.length);
  else out.string(payload.toString('utf8'));
  out.raw(P.packet);
  out.number(packet);
}

function writeMessage(out: JsonBytes, m: Message): void {
  // a compressed message that could not be inflated holds its wire bytes: base64, and said
  const raw = m.compressed && m.inflatedLength === null;
  const text = m.type === 'text' && !raw;
  writeItem(out, m.from, m.ts, m.opcode, m.payload, text, m.packet);
  if (text && !isUtf8(m.payload)) out.raw(P.invalid);
  if (raw) out.raw(P.compressed);
  if (!capturedWhole(m)) out.raw(P.incomplete);
  out.byte(0x7d);
}

function writeFrame(out: JsonBytes, f: Frame): void {
  writeItem(out, f.from, f.ts, f.opcode, f.payload, false, f.packet);
  if (f.close !== null) {
    out.raw(P.close);
    out.numberOrNull(f.close.code);
    out.raw(P.reason);
    out.string(f.close.reason);
    out.byte(0x7d);
  }
  if (!f.complete) out.raw(P.incomplete);
  out.byte(0x7d);
}

/**
 * The items of `_webSocketMessages`, each on a line of its own, in batches of
 * bytes (a view of `out`, written into again for the next): in the order of
 * the frames, a message where its last frame is, a control frame where it
 * is, a data frame of no message (a continuation whose start was not seen)
 * as itself.
 */
export function* messageLines(conn: Connection, out: JsonBytes): Generator<Buffer> {
  out.reset();
  let first = true;
  for (const f of conn.frames) {
    if (f.opcode < 8 && f.message !== null) {
      const m = messageOf(conn, f.message);
      if (m === undefined || m.frames[m.frames.length - 1] !== f.index) continue;
      out.raw(first ? P.first : P.next);
      writeMessage(out, m);
    } else {
      out.raw(first ? P.first : P.next);
      writeFrame(out, f);
    }
    first = false;
    if (out.at >= ITEM_BATCH) {
      yield out.bytes.subarray(0, out.at);
      out.reset();
    }
  }
  if (out.at > 0) yield out.bytes.subarray(0, out.at);
}

export const HAR_CREATOR = { name: 'wsdissect', version: VERSION } as const;

/**
 * The HAR document, written as it goes: its head first, each connection's
 * entries as the connection is reported (a WebSocket's messages a line each,
 * read from its lists, so that a long connection is never one string), then
 * the log's end with what capture it came from.
 */
export class HarSink implements AnalysisSink {
  private started = false;
  private count = 0;
  private readonly out = new JsonBytes();
  private readonly bytes: WriteBytes;

  constructor(
    private readonly write: Write,
    bytes?: WriteBytes,
    /** what narrows each connection's messages (--from, --opcode, …); its HTTP exchanges are read from the whole connection */
    private readonly selection: Selection = EVERYTHING,
  ) {
    this.bytes = bytes ?? textOf(write);
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.write(`{\n  "log": {\n    "version": "1.2",\n    "creator": ${JSON.stringify(HAR_CREATOR)},\n    "pages": [],\n    "entries": [`);
  }

  connection(whole: Connection): void {
    const plans = harEntries(whole);
    if (plans.length === 0) return;
    const conn = selectConnection(whole, this.selection) ?? whole;
    this.start();
    for (const plan of plans) {
      const head = JSON.stringify(plan.head, null, 2).replace(/\n/g, '\n      ');
      const open = `${this.count++ === 0 ? '\n' : ',\n'}      `;
      if (!plan.websocket) {
        this.write(`${open}${head}`);
        continue;
      }
      this.write(`${open}${head.slice(0, head.lastIndexOf('\n'))},\n        "_webSocketMessages": [`);
      let any = false;
      for (const piece of messageLines(conn, this.out)) {
        this.bytes(piece, 0, piece.length);
        any = true;
      }
      this.write(any ? '\n        ]\n      }' : ']\n      }');
    }
  }

  end(capture: CaptureInfo, _summary: Summary, _diagnostics: Diagnostic[]): void {
    this.start();
    const note = interruptedNote(capture);
    const comment = `from ${capture.file} (${capture.format}, ${capture.packets} packets)${note === null ? '' : `; ${note}`}`;
    this.write(`${this.count > 0 ? '\n    ' : ''}],\n    "comment": ${JSON.stringify(comment)},\n    "_capture": ${JSON.stringify({ file: capture.file, format: capture.format, packets: capture.packets, interrupted: capture.interrupted })}\n  }\n}\n`);
  }
}
