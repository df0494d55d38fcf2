// --format zeek: a connection log in the format of Zeek's ASCII log writer
// (tab-separated, a header of #-lines), with the fields of Zeek's
// websocket.log and the analysis' own (wsd_*), so that zeek-cut and the
// tools around Zeek logs read it. One line per connection with a WebSocket
// story (an upgrade attempted, or WebSocket detected), written as the
// connection is reported; the sink keeps nothing of it. (Like the JSON
// export it receives each connection whole: the time of its first packet is
// its timeline's first entry, which a streaming sink is not given.) Every
// value is the analysis' own, as the JSON export writes it.
import { createHash } from 'node:crypto';
import type { AnalysisSink, CaptureInfo, Connection, Diagnostic, SideCounts, Summary } from '../model.js';
import { headerValues } from '../http/head.js';
import { splitOffers } from '../http/handshake.js';
import { ending, sideFrames, tellsWebSocket } from './kind.js';

type Write = (text: string) => void;

/** A value as the log holds it: null is unset (-), an empty list is empty ((empty)). */
type ZeekValue = string | number | boolean | readonly string[] | null;

/** The log's columns: name and Zeek type, in order. */
export const ZEEK_FIELDS: readonly (readonly [string, string])[] = [
  ['ts', 'time'],
  ['uid', 'string'],
  ['id.orig_h', 'addr'],
  ['id.orig_p', 'port'],
  ['id.resp_h', 'addr'],
  ['id.resp_p', 'port'],
  ['host', 'string'],
  ['uri', 'string'],
  ['user_agent', 'string'],
  ['subprotocol', 'string'],
  ['client_protocols', 'vector[string]'],
  ['server_extensions', 'vector[string]'],
  ['client_extensions', 'vector[string]'],
  ['wsd_conn', 'count'],
  ['wsd_detection', 'string'],
  ['wsd_verdict', 'string'],
  ['wsd_status', 'count'],
  ['wsd_accept_valid', 'bool'],
  ['wsd_ending', 'string'],
  ['wsd_orig_frames', 'count'],
  ['wsd_resp_frames', 'count'],
  ['wsd_orig_messages', 'count'],
  ['wsd_resp_messages', 'count'],
  ['wsd_orig_bytes', 'count'],
  ['wsd_resp_bytes', 'count'],
  ['wsd_close_code', 'count'],
  ['wsd_close_initiator', 'string'],
  ['wsd_errors', 'count'],
  ['wsd_warnings', 'count'],
  ['wsd_tls', 'string'],
];

export const ZEEK_PATH = 'websocket';
const SEPARATOR = '\t';
const SET_SEPARATOR = ',';
const EMPTY = '(empty)';
const UNSET = '-';

function hex(code: number): string {
  return `\\x${code.toString(16).padStart(2, '0')}`;
}

/**
 * A string as Zeek's ASCII writer escapes it: the separator, a byte outside
 * printable ASCII and the backslash as \xNN (header text holds one byte per
 * character; any wider character goes as its UTF-8 bytes), the set
 * separator too inside a list; a value that reads as a marker (-, (empty))
 * has its first byte escaped so that a reader does not take it for one.
 */
export function zeekEscape(text: string, inList = false): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code > 0xff) {
      for (const b of Buffer.from(ch, 'utf8')) out += hex(b);
    } else if (code < 0x20 || code > 0x7e || ch === '\\' || (inList && ch === SET_SEPARATOR)) out += hex(code);
    else out += ch;
  }
  if (text === UNSET || text === EMPTY) return hex(text.charCodeAt(0)) + out.slice(1);
  return out;
}

function cell(v: ZeekValue): string {
  if (v === null) return UNSET;
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v === '' ? EMPTY : zeekEscape(v);
  return v.length === 0 ? EMPTY : v.map((s) => zeekEscape(s, true)).join(SET_SEPARATOR);
}

/** Seconds since the epoch with microseconds, as Zeek writes a `time`. */
export function zeekTime(ts: number): string {
  return (Math.round(ts * 1e6) / 1e6).toFixed(6);
}

/** A time as #open and #close give it: %Y-%m-%d-%H-%M-%S, in UTC. */
export function zeekStamp(ts: number): string {
  const d = new Date(Math.floor(Math.round(ts * 1e6) / 1e6) * 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}-${p(d.getUTCMinutes())}-${p(d.getUTCSeconds())}`;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * The connection's uid: C and 17 base62 characters, like Zeek's, but made
 * from the connection itself (its 5-tuple and the time of its first packet,
 * to the microsecond), so that the same capture gives the same uids on every
 * run, whatever --stream selects, and logs of different captures do not share them.
 */
export function zeekUid(c: Connection, ts: number | null): string {
  const key = `tcp ${c.client.ip} ${c.client.port} ${c.server.ip} ${c.server.port} ${ts === null ? '-' : zeekTime(ts)}`;
  let n = BigInt(`0x${createHash('sha256').update(key).digest('hex').slice(0, 26)}`);
  let id = '';
  for (let i = 0; i < 17; i++) {
    id = BASE62[Number(n % 62n)]! + id;
    n /= 62n;
  }
  return `C${id}`;
}

/** The time of the connection's first packet (its timeline's first entry; without one, its first frame's), or null. */
export function firstPacket(c: Connection): { ts: number; relTs: number } | null {
  const e = c.timeline.at(0) ?? c.frames.at(0);
  return e ? { ts: e.ts, relTs: e.relTs } : null;
}

function payloadBytes(s: SideCounts): number {
  return Object.values(s.frames).reduce((n, f) => n + f.bytes, 0);
}

/** A connection's values, in the order of ZEEK_FIELDS. */
export function zeekValues(c: Connection): ZeekValue[] {
  const first = firstPacket(c);
  const hs = c.handshake;
  const req = hs?.request ?? null;
  const res = hs?.response ?? null;
  const one = (name: string): string | null => (req ? (headerValues(req.headers, name)[0] ?? null) : null);
  const side = (s: 'client' | 'server'): 'orig' | 'resp' => (s === 'client' ? 'orig' : 'resp');
  return [
    first?.ts ?? null,
    zeekUid(c, first?.ts ?? null),
    c.client.ip,
    c.client.port,
    c.server.ip,
    c.server.port,
    // over HTTP/2 (RFC 8441) the host is the :authority pseudo-header
    one('host') ?? one(':authority'),
    req?.target ?? null,
    one('user-agent'),
    hs?.subprotocol ?? null,
    hs ? hs.offeredSubprotocols : null,
    res ? splitOffers(headerValues(res.headers, 'sec-websocket-extensions')) : null,
    hs ? hs.offeredExtensions : null,
    c.id,
    c.detection,
    hs?.outcome ?? null,
    res?.status ?? null,
    hs?.acceptValid ?? null,
    ending(c),
    sideFrames(c.counts.client),
    sideFrames(c.counts.server),
    c.counts.client.messages,
    c.counts.server.messages,
    payloadBytes(c.counts.client),
    payloadBytes(c.counts.server),
    c.close.code,
    c.close.initiator === null ? null : side(c.close.initiator),
    c.counts.diagnostics.error,
    c.counts.diagnostics.warning,
    c.tls?.decrypted === true ? (c.tls.version ?? 'TLS') : null,
  ];
}

/** A connection's line, without its newline. */
export function zeekLine(c: Connection): string {
  return zeekValues(c)
    .map((v, i) => (i === 0 && typeof v === 'number' ? zeekTime(v) : cell(v)))
    .join(SEPARATOR);
}

/** The header, #open given as a time (seconds since the epoch). */
export function zeekHeader(open: number | null): string {
  return [
    `#separator ${hex(SEPARATOR.charCodeAt(0))}`,
    `#set_separator${SEPARATOR}${SET_SEPARATOR}`,
    `#empty_field${SEPARATOR}${EMPTY}`,
    `#unset_field${SEPARATOR}${UNSET}`,
    `#path${SEPARATOR}${ZEEK_PATH}`,
    `#open${SEPARATOR}${open === null ? UNSET : zeekStamp(open)}`,
    `#fields${SEPARATOR}${ZEEK_FIELDS.map(([n]) => n).join(SEPARATOR)}`,
    `#types${SEPARATOR}${ZEEK_FIELDS.map(([, t]) => t).join(SEPARATOR)}`,
  ]
    .map((l) => `${l}\n`)
    .join('');
}

/**
 * The log, written as it goes: the header before the first line, a line as
 * each connection with a WebSocket story is reported, #close at the end.
 * #open and #close are the capture's first and last packet times, not the
 * clock's, so the same capture gives the same log byte for byte. (#open is
 * known at the first connection from its first packet: its time less its
 * time from the capture's start.)
 */
export class ZeekSink implements AnalysisSink {
  private started = false;

  constructor(private readonly write: Write) {}

  private start(open: number | null): void {
    if (this.started) return;
    this.started = true;
    this.write(zeekHeader(open));
  }

  connection(conn: Connection): void {
    const first = firstPacket(conn);
    this.start(first === null ? null : Math.round((first.ts - first.relTs) * 1e6) / 1e6);
    if (!tellsWebSocket(conn)) return;
    this.write(`${zeekLine(conn)}\n`);
  }

  end(capture: CaptureInfo, _summary: Summary, _diagnostics: Diagnostic[]): void {
    this.start(capture.firstTs);
    this.write(`#close${SEPARATOR}${capture.lastTs === null ? UNSET : zeekStamp(capture.lastTs)}\n`);
  }
}
