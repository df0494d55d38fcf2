// The JSON export (docs: json-contract). Reads the analysis result only.
import { isUtf8 } from 'node:buffer';
import type { Connection, Frame, Handshake, Message, TimelineEntry } from '../model.js';
import { opcodeName } from '../websocket/frame.js';
import { protocolDetail } from './kind.js';
import { VERSION } from '../version.js';
import { messageOf } from '../select/lookup.js';
import { entrySummary } from '../text/packets.js';
import { appSummary } from '../text/app-words.js';
import type { AppInfo } from '../app/types.js';

export const SCHEMA_VERSION = 1;
export const TOOL = { name: 'wsdissect', version: VERSION } as const;

export interface JsonOptions {
  /** bytes of each payload to include; 0 leaves payloads out, Infinity keeps them whole */
  maxPayload: number;
}

export type JsonPayload = { text: string; truncated?: true } | { base64: string; truncated?: true };

/**
 * Payload bytes as the contract gives them: text when they are (cut at a
 * character boundary) valid UTF-8 and meant as text, else base64.
 */
export function payloadJson(bytes: Buffer, total: number, asText: boolean, opts: JsonOptions): JsonPayload | undefined {
  if (opts.maxPayload === 0) return undefined;
  const shown = bytes.subarray(0, Math.min(bytes.length, opts.maxPayload));
  const truncated = shown.length < total;
  if (asText) {
    // a cut may fall inside a character: up to 3 bytes are dropped to end on a boundary
    for (let drop = 0; drop <= 3 && drop <= shown.length; drop++) {
      const b = drop === 0 ? shown : shown.subarray(0, shown.length - drop);
      if (!isUtf8(b)) continue;
      if (drop > 0 && !truncated) break;
      return truncated ? { text: b.toString('utf8'), truncated: true } : { text: b.toString('utf8') };
    }
  }
  const base64 = shown.toString('base64');
  return truncated ? { base64, truncated: true } : { base64 };
}

/**
 * JSON.stringify's replacer for everything not written by hand: a whole
 * number past 2^53 (a sum of 64-bit lengths frames claimed) goes out as a
 * decimal string, since JSON readers would round it. Exact lengths carry
 * their own text (payloadLength, a message's length); these sums are as
 * close as a double holds them.
 */
export function safeNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value) ? BigInt(value).toString() : value;
}

function lengthOf(n: number | string): number {
  return typeof n === 'number' ? n : Number.MAX_SAFE_INTEGER;
}

export function frameJson(f: Frame, conn: Connection, opts: JsonOptions): Record<string, unknown> {
  const msg = messageOf(conn, f.message);
  return frameJsonIn(f, { messageType: msg?.type ?? null, compressed: msg?.compressed ?? false }, opts);
}

/** A frame as JSON, knowing the type of its message and whether that is compressed. */
export function frameJsonIn(f: Frame, context: { messageType: 'text' | 'binary' | null; compressed: boolean }, opts: JsonOptions): Record<string, unknown> {
  const textual = f.opcode === 0x1 || f.opcode === 0x8 || f.opcode === 0x9 || f.opcode === 0xa || (f.opcode === 0 && context.messageType === 'text');
  const compressed = context.compressed;
  const payload = f.opcode === 0x8 ? undefined : payloadJson(f.payload, lengthOf(f.payloadLength), textual && !compressed, opts);
  return {
    index: f.index,
    packet: f.packet,
    ts: f.ts,
    relTs: f.relTs,
    from: f.from,
    fin: f.fin,
    rsv1: f.rsv1,
    rsv2: f.rsv2,
    rsv3: f.rsv3,
    opcode: f.opcode,
    opcodeName: opcodeName(f.opcode),
    masked: f.masked,
    maskingKey: f.maskingKey,
    payloadLength: f.payloadLength,
    headerLength: f.headerLength,
    packets: f.packets,
    message: f.message,
    ...(payload ? { payload } : {}),
    close: f.close,
    complete: f.complete,
    missingBytes: f.missingBytes,
    answers: f.answers,
  };
}

/**
 * A frame's JSON fields, written out by hand: frameJsonIn's object without
 * its braces, key for key and byte for byte as JSON.stringify writes it
 * (test/views.test.ts holds every frame of every capture to that), without
 * building the object (frames are most of what a large capture's exports hold).
 */
function frameFields(f: Frame, context: { messageType: 'text' | 'binary' | null; compressed: boolean }, opts: JsonOptions): string {
  const textual = f.opcode === 0x1 || f.opcode === 0x8 || f.opcode === 0x9 || f.opcode === 0xa || (f.opcode === 0 && context.messageType === 'text');
  const payload = f.opcode === 0x8 ? undefined : payloadJson(f.payload, lengthOf(f.payloadLength), textual && !context.compressed, opts);
  const length = typeof f.payloadLength === 'number' ? String(f.payloadLength) : `"${f.payloadLength}"`;
  const close = f.close === null ? 'null' : `{"code":${f.close.code === null ? 'null' : f.close.code},"reason":${JSON.stringify(f.close.reason)}}`;
  const answers = f.answers === null ? 'null' : `{"frame":${f.answers.frame},"packet":${f.answers.packet},"rtt":${f.answers.rtt}}`;
  return (
    `"index":${f.index},"packet":${f.packet},"ts":${f.ts},"relTs":${f.relTs},"from":"${f.from}",` +
    `"fin":${f.fin},"rsv1":${f.rsv1},"rsv2":${f.rsv2},"rsv3":${f.rsv3},"opcode":${f.opcode},"opcodeName":"${opcodeName(f.opcode)}",` +
    `"masked":${f.masked},"maskingKey":${f.maskingKey === null ? 'null' : `"${f.maskingKey}"`},"payloadLength":${length},"headerLength":${f.headerLength},` +
    `"packets":[${f.packets.join(',')}],"message":${f.message === null ? 'null' : f.message}${payload ? `,"payload":${JSON.stringify(payload)}` : ''},` +
    `"close":${close},"complete":${f.complete},"missingBytes":${f.missingBytes},"answers":${answers}`
  );
}

/** JSON.stringify(frameJsonIn(…)), written out by hand (frameFields); `extra`: more fields, each written as ',"name":value'. */
export function frameText(f: Frame, context: { messageType: 'text' | 'binary' | null; compressed: boolean }, opts: JsonOptions, extra = ''): string {
  return `{${frameFields(f, context, opts)}${extra}}`;
}

/** JSON.stringify(frameJson(…)), written out by hand. */
export function frameJsonText(f: Frame, conn: Connection, opts: JsonOptions, extra = ''): string {
  const msg = messageOf(conn, f.message);
  return frameText(f, { messageType: msg?.type ?? null, compressed: msg?.compressed ?? false }, opts, extra);
}

/** The NDJSON line of a frame: frameJsonIn's object with `type` and `connection` first. */
export function frameLine(connection: number, f: Frame, context: { messageType: 'text' | 'binary' | null; compressed: boolean }, opts: JsonOptions): string {
  return `{"type":"frame","connection":${connection},${frameFields(f, context, opts)}}`;
}

/**
 * The NDJSON line of a message, written out by hand like frameLine: the
 * object messageJson gives, with `type` (the line's kind) and `connection`
 * first and the message's own type as `messageType`.
 */
export function messageLine(connection: number, m: Message, opts: JsonOptions): string {
  return `{"type":"message","connection":${connection},"messageType":"${m.type}","index":${m.index},"from":"${m.from}","opcode":${m.opcode},${messageTail(m, opts)}}`;
}

/** A message's JSON fields from "frames" on, written out by hand: messageJson's, as JSON.stringify writes them. */
function messageTail(m: Message, opts: JsonOptions): string {
  const inflated = m.compressed && m.inflatedLength !== null;
  const payload = payloadJson(m.payload, inflated ? m.inflatedLength! : m.length, m.type === 'text' && (!m.compressed || inflated), opts);
  return (
    `"frames":[${m.frames.join(',')}],"length":${m.lengthText === null ? m.length : `"${m.lengthText}"`},"compressed":${m.compressed},"inflatedLength":${m.inflatedLength === null ? 'null' : m.inflatedLength}` +
    `${payload ? `,"payload":${JSON.stringify(payload)}` : ''},"complete":${m.complete},"app":${m.app === null ? 'null' : JSON.stringify(appJson(m.app))}`
  );
}

/** JSON.stringify(messageJson(…)), written out by hand (in its order, unlike messageLine's). */
export function messageText(m: Message, opts: JsonOptions): string {
  return `{"index":${m.index},"from":"${m.from}","opcode":${m.opcode},"type":"${m.type}",${messageTail(m, opts)}}`;
}

/** What an application protocol says of a message, as the contract gives it: its fields in their order, with the English summary, without the facts it was worded from. */
export interface AppJson {
  decoder: AppInfo['decoder'];
  type: string;
  summary: string;
  user: boolean;
  fields: AppInfo['fields'];
  inner?: AppJson[];
}

export function appJson(app: AppInfo): AppJson {
  const out: AppJson = { decoder: app.decoder, type: app.type, summary: appSummary(app), user: app.user, fields: app.fields };
  if (app.inner !== undefined) out.inner = app.inner.map(appJson);
  return out;
}

export function messageJson(m: Message, opts: JsonOptions): Record<string, unknown> {
  // inflated when it could be: then the payload is the message as the application sent it
  const inflated = m.compressed && m.inflatedLength !== null;
  const payload = payloadJson(m.payload, inflated ? m.inflatedLength! : m.length, m.type === 'text' && (!m.compressed || inflated), opts);
  return {
    index: m.index,
    from: m.from,
    opcode: m.opcode,
    type: m.type,
    frames: m.frames,
    length: m.lengthText ?? m.length,
    compressed: m.compressed,
    inflatedLength: m.inflatedLength,
    ...(payload ? { payload } : {}),
    complete: m.complete,
    app: m.app === null ? null : appJson(m.app),
  };
}

/** A timeline entry as the contract gives it: its fields, in their order, without what only the views read (bare, http). */
export function contractEntry(e: TimelineEntry): { packet: number; ts: number; relTs: number; from: string; phase: string; summary: string } {
  return { packet: e.packet, ts: e.ts, relTs: e.relTs, from: e.from, phase: e.phase, summary: entrySummary(e) };
}

/**
 * JSON.stringify(contractEntry(e)), written out by hand (an entry per packet:
 * most of a long connection's lines); `viewsToo` adds what the HTML report's
 * views draw by (bare, http). Its numbers are finite and its side and phase
 * our own words: only the summary needs escaping.
 */
export function entryText(e: TimelineEntry, viewsToo = false): string {
  const tail = viewsToo ? `,"bare":${e.bare},"http":${e.http}}` : '}';
  return `{"packet":${e.packet},"ts":${e.ts},"relTs":${e.relTs},"from":"${e.from}","phase":"${e.phase}","summary":${JSON.stringify(entrySummary(e))}${tail}`;
}

/** The handshake as the contract gives it: a refusal's body as a payload, cut to --max-payload. */
export function handshakeJson(h: Handshake | null, opts: JsonOptions): unknown {
  const body = h?.response?.body;
  if (!h || !body) return h;
  const text = isUtf8(body.data);
  const payload = payloadJson(body.data, body.length, text, opts);
  return { ...h, response: { ...h.response, body: { length: body.length, complete: body.complete, ...(payload ? { payload } : {}) } } };
}

/** A connection for NDJSON: its frames, messages and diagnostics went out on their own lines. */
export function connectionHeadJson(c: Connection, opts: JsonOptions): Record<string, unknown> {
  return {
    id: c.id,
    client: c.client,
    server: c.server,
    websocket: c.websocket,
    // a TLS connection's detail in English words, as before the analysis kept it as facts
    protocol: c.protocol && { name: c.protocol.name, detail: protocolDetail(c) },
    tls: c.tls,
    detection: c.detection,
    tcp: c.tcp,
    handshake: handshakeJson(c.handshake, opts),
    compression: c.compression,
    app: c.app,
    close: c.close,
    counts: c.counts,
  };
}
