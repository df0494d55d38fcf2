// The JSON export (docs: json-contract). Reads the analysis result only.
import { isUtf8 } from 'node:buffer';
import { capturedWhole, type Connection, type Frame, type Handshake, type List, type Message, type Phase, type TimelineEntry } from '../model.js';
import { rangeOf } from '../util/list.js';
import { opcodeName } from '../websocket/frame.js';
import { protocolDetail } from './kind.js';
import { VERSION } from '../version.js';
import { messageOf } from '../select/lookup.js';
import { entrySummary } from '../text/packets.js';
import { appSummary } from '../text/app-words.js';
import type { AppInfo, JsonInfo } from '../app/types.js';
import { plainJsonInfo, sameKeys } from '../app/json.js';
import { ITEM_BATCH, JsonBytes } from './json-bytes.js';

/**
 * 2: WebSocket over HTTP/2 (RFC 8441). A connection's conversations are
 * reported as connections of their own with its id and their `stream`;
 * every connection has `stream` and `http2`, every NDJSON frame, message and
 * diagnostic line `stream`.
 */
export const SCHEMA_VERSION = 2;
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
  const shown = Math.min(bytes.length, opts.maxPayload);
  const truncated = shown < total;
  const text = textShown(bytes, shown, truncated, asText);
  if (text >= 0) return truncated ? { text: bytes.toString('utf8', 0, text), truncated: true } : { text: bytes.toString('utf8', 0, text) };
  const base64 = bytes.toString('base64', 0, shown);
  return truncated ? { base64, truncated: true } : { base64 };
}

/**
 * How many of the `shown` first bytes go out as text: all of them when they
 * are valid UTF-8 and meant as text; when cut, up to 3 fewer, to end on a
 * character's boundary; -1 when they go out as base64.
 */
function textShown(bytes: Buffer, shown: number, truncated: boolean, asText: boolean): number {
  if (!asText) return -1;
  // a cut may fall inside a character: up to 3 bytes are dropped to end on a boundary
  for (let drop = 0; drop <= 3 && drop <= shown; drop++) {
    if (!isUtf8(bytes.subarray(0, shown - drop))) continue;
    if (drop > 0 && !truncated) break;
    return shown - drop;
  }
  return -1;
}

/** payloadJson's object written into `out` (with the comma and key before it), as JSON.stringify writes it; nothing when payloads are left out. */
function writePayload(out: JsonBytes, bytes: Buffer, total: number, asText: boolean, opts: JsonOptions): void {
  if (opts.maxPayload === 0) return;
  const shown = Math.min(bytes.length, opts.maxPayload);
  const truncated = shown < total;
  const text = textShown(bytes, shown, truncated, asText);
  if (text >= 0) {
    out.raw(P.payloadText);
    out.utf8Text(bytes, 0, text);
  } else {
    out.raw(P.payloadBase64);
    out.base64(bytes, 0, shown);
    out.byte(0x22);
  }
  out.raw(truncated ? P.truncated : P.endObject);
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
 * A frame's JSON fields, written out by hand into `out`: frameJsonIn's object
 * without its braces, key for key and byte for byte as JSON.stringify writes
 * it (test/views.test.ts and test/html.test.ts hold every frame of every
 * capture to that), without building the object or its text (frames are most
 * of what a large capture's exports hold).
 */
export function writeFrameFields(out: JsonBytes, f: Frame, context: { messageType: 'text' | 'binary' | null; compressed: boolean }, opts: JsonOptions): void {
  out.raw(P.index);
  out.number(f.index);
  writeWhen(out, P.packet, f.packet, f.ts, f.relTs);
  out.raw(headerPiece(f));
  if (f.maskingKey === null) out.raw(P.null);
  else out.word(f.maskingKey);
  out.raw(P.payloadLength);
  // the exact decimal text of a length past 2^53
  if (typeof f.payloadLength === 'number') out.number(f.payloadLength);
  else out.word(f.payloadLength);
  out.raw(P.headerLength);
  out.number(f.headerLength);
  out.raw(P.packets);
  out.numbers(f.packets);
  out.raw(P.message);
  out.numberOrNull(f.message);
  if (f.opcode !== 0x8) {
    const textual = f.opcode === 0x1 || f.opcode === 0x9 || f.opcode === 0xa || (f.opcode === 0 && context.messageType === 'text');
    writePayload(out, f.payload, lengthOf(f.payloadLength), textual && !context.compressed, opts);
  }
  if (f.close === null) out.raw(P.closeNull);
  else {
    out.raw(P.closeCode);
    out.numberOrNull(f.close.code);
    out.raw(P.reason);
    out.string(f.close.reason);
    out.byte(0x7d);
  }
  out.raw(f.complete ? P.completeTrue : P.completeFalse);
  out.number(f.missingBytes);
  if (f.answers === null) out.raw(P.answersNull);
  else {
    out.raw(P.answersFrame);
    out.number(f.answers.frame);
    out.raw(P.packet);
    out.number(f.answers.packet);
    out.raw(P.rtt);
    out.number(f.answers.rtt);
    out.byte(0x7d);
  }
}

/** A frame's or a timeline entry's packet, ts and relTs, `packet` the run before the packet's number ('{"packet":' or ',"packet":'). */
function writeWhen(out: JsonBytes, packet: Buffer, n: number, ts: number, relTs: number): void {
  out.raw(packet);
  out.number(n);
  out.raw(P.ts);
  out.number(ts);
  out.raw(P.relTs);
  out.number(relTs);
}

/** The constant runs of a frame's and a message's JSON, as bytes. */
const P = {
  index: Buffer.from('"index":'),
  packet: Buffer.from(',"packet":'),
  ts: Buffer.from(',"ts":'),
  relTs: Buffer.from(',"relTs":'),
  null: Buffer.from('null'),
  payloadLength: Buffer.from(',"payloadLength":'),
  headerLength: Buffer.from(',"headerLength":'),
  packets: Buffer.from(',"packets":'),
  message: Buffer.from(',"message":'),
  payloadText: Buffer.from(',"payload":{"text":'),
  payloadBase64: Buffer.from(',"payload":{"base64":"'),
  truncated: Buffer.from(',"truncated":true}'),
  endObject: Buffer.from('}'),
  closeNull: Buffer.from(',"close":null'),
  closeCode: Buffer.from(',"close":{"code":'),
  reason: Buffer.from(',"reason":'),
  completeTrue: Buffer.from(',"complete":true,"missingBytes":'),
  completeFalse: Buffer.from(',"complete":false,"missingBytes":'),
  answersNull: Buffer.from(',"answers":null'),
  answersFrame: Buffer.from(',"answers":{"frame":'),
  rtt: Buffer.from(',"rtt":'),
  frameLine: Buffer.from('{"type":"frame","connection":'),
  messageLine: Buffer.from('{"type":"message","connection":'),
  frames: Buffer.from('"frames":'),
  length: Buffer.from(',"length":'),
  compressedTrue: Buffer.from(',"compressed":true,"inflatedLength":'),
  compressedFalse: Buffer.from(',"compressed":false,"inflatedLength":'),
  app: Buffer.from(',"app":'),
  entryPacket: Buffer.from('{"packet":'),
};

/**
 * A frame's fields from "from" to "maskingKey" (its side, bits, opcode and
 * mask bit: 2 × 16 × 16 × 2 ways), made once each when first met.
 */
const headerPieces: (Buffer | undefined)[] = [];

function headerPiece(f: Frame): Buffer {
  const key = (f.from === 'client' ? 512 : 0) | (f.fin ? 256 : 0) | (f.rsv1 ? 128 : 0) | (f.rsv2 ? 64 : 0) | (f.rsv3 ? 32 : 0) | ((f.opcode & 15) << 1) | (f.masked ? 1 : 0);
  return (headerPieces[key] ??= Buffer.from(
    `,"from":"${f.from}","fin":${f.fin},"rsv1":${f.rsv1},"rsv2":${f.rsv2},"rsv3":${f.rsv3},"opcode":${f.opcode},"opcodeName":"${opcodeName(f.opcode)}","masked":${f.masked},"maskingKey":`,
  ));
}

/** The encoder the text forms below write into (one line at a time: each is read before the next is made). */
const scratch = new JsonBytes();

/** JSON.stringify(frameJsonIn(…)), written out by hand (writeFrameFields); `extra`: more fields, each written as ',"name":value'. */
export function frameText(f: Frame, context: { messageType: 'text' | 'binary' | null; compressed: boolean }, opts: JsonOptions, extra = ''): string {
  scratch.reset();
  writeFrame(scratch, f, context, opts, extra);
  return scratch.text();
}

/** frameText's object into `out`. */
export function writeFrame(out: JsonBytes, f: Frame, context: { messageType: 'text' | 'binary' | null; compressed: boolean }, opts: JsonOptions, extra = ''): void {
  out.byte(0x7b);
  writeFrameFields(out, f, context, opts);
  if (extra !== '') out.utf8(extra);
  out.byte(0x7d);
}

/** JSON.stringify(frameJson(…)), written out by hand. */
export function frameJsonText(f: Frame, conn: Connection, opts: JsonOptions, extra = ''): string {
  const msg = messageOf(conn, f.message);
  return frameText(f, { messageType: msg?.type ?? null, compressed: msg?.compressed ?? false }, opts, extra);
}

/** The NDJSON line of a frame (with its newline): frameJsonIn's object with `type` and `connection` first. */
export function writeFrameLine(out: JsonBytes, connection: number, f: Frame, context: { messageType: 'text' | 'binary' | null; compressed: boolean }, opts: JsonOptions, stream: number | null = null): void {
  out.raw(P.frameLine);
  out.number(connection);
  writeStream(out, stream);
  out.byte(0x2c);
  writeFrameFields(out, f, context, opts);
  out.ascii('}\n');
}

/**
 * The NDJSON line of a message (with its newline), written out by hand like
 * a frame's: the object messageJson gives, with `type` (the line's kind) and
 * `connection` first and the message's own type as `messageType`.
 */
export function writeMessageLine(out: JsonBytes, connection: number, m: Message, opts: JsonOptions, stream: number | null = null): void {
  out.raw(P.messageLine);
  out.number(connection);
  writeStream(out, stream);
  out.ascii(',"messageType":');
  out.word(m.type);
  out.byte(0x2c);
  writeMessageHead(out, m);
  out.byte(0x2c);
  writeMessageTail(out, m, opts);
  out.ascii('}\n');
}

/** `,"stream":N` (or null): the HTTP/2 stream of a WebSocket conversation (RFC 8441), after its connection's id. */
function writeStream(out: JsonBytes, stream: number | null): void {
  out.ascii(',"stream":');
  if (stream === null) out.ascii('null');
  else out.number(stream);
}

/** A message's first JSON fields: index, from, opcode. */
function writeMessageHead(out: JsonBytes, m: Message): void {
  out.ascii('"index":');
  out.number(m.index);
  out.ascii(',"from":');
  out.word(m.from);
  out.ascii(',"opcode":');
  out.number(m.opcode);
}

/** A message's JSON fields from "frames" on, written out by hand: messageJson's, as JSON.stringify writes them. */
function writeMessageTail(out: JsonBytes, m: Message, opts: JsonOptions): void {
  out.raw(P.frames);
  out.numbers(m.frames);
  out.raw(P.length);
  if (m.lengthText === null) out.number(m.length);
  else out.word(m.lengthText);
  out.raw(m.compressed ? P.compressedTrue : P.compressedFalse);
  out.numberOrNull(m.inflatedLength);
  const inflated = m.compressed && m.inflatedLength !== null;
  writePayload(out, m.payload, inflated ? m.inflatedLength! : m.length, m.type === 'text' && (!m.compressed || inflated), opts);
  out.ascii(capturedWhole(m) ? ',"complete":true' : ',"complete":false');
  out.raw(P.app);
  if (m.app === null) out.raw(P.null);
  else writeApp(out, m.app);
}

/** JSON.stringify(messageJson(…)), written out by hand (in its order, unlike the NDJSON line's). */
export function messageText(m: Message, opts: JsonOptions): string {
  scratch.reset();
  writeMessage(scratch, m, opts);
  return scratch.text();
}

/** messageText's object into `out`. */
export function writeMessage(out: JsonBytes, m: Message, opts: JsonOptions): void {
  out.byte(0x7b);
  writeMessageHead(out, m);
  out.ascii(',"type":');
  out.word(m.type);
  out.byte(0x2c);
  writeMessageTail(out, m, opts);
  out.byte(0x7d);
}

/** The last plain JSON reading written, and its bytes: a conversation's messages repeat a few shapes, often one after another. */
let lastApp: JsonInfo | null = null;
let lastAppBytes: Buffer = Buffer.alloc(0);

function sameJsonInfo(a: JsonInfo, b: JsonInfo): boolean {
  if (a.type !== b.type || a.user !== b.user || a.fields.kind !== b.fields.kind || a.fields.length !== b.fields.length) return false;
  const x = a.fields.keys;
  const y = b.fields.keys;
  return x === undefined || y === undefined ? x === y : sameKeys(x, y);
}

/**
 * JSON.stringify(appJson(app)) into `out`: a plain JSON reading (the usual
 * one, app/json.ts's plainJsonInfo) written by hand in appJson's order, or
 * its bytes again when it is the last one's; any other through JSON.stringify.
 */
function writeApp(out: JsonBytes, app: AppInfo): void {
  if (!plainJsonInfo(app)) {
    out.utf8(JSON.stringify(appJson(app)));
    return;
  }
  if (lastApp !== null && sameJsonInfo(lastApp, app)) {
    out.raw(lastAppBytes);
    return;
  }
  const start = out.at;
  const f = app.fields;
  out.ascii('{"decoder":"json","type":');
  out.string(app.type);
  out.ascii(',"summary":');
  out.string(appSummary(app));
  out.ascii(app.user ? ',"user":true,"fields":{"kind":' : ',"user":false,"fields":{"kind":');
  out.string(f.kind);
  if (f.keys !== undefined) {
    out.ascii(',"keys":[');
    for (let i = 0; i < f.keys.length; i++) {
      if (i > 0) out.byte(0x2c);
      out.string(f.keys[i]!);
    }
    out.byte(0x5d);
  }
  if (f.length !== undefined) {
    out.ascii(',"length":');
    out.number(f.length);
  }
  out.ascii('}}');
  // (a copy: the memo does not depend on the reading staying as it was)
  lastApp = { decoder: 'json', type: app.type, user: app.user, fields: { kind: f.kind, ...(f.keys !== undefined ? { keys: [...f.keys] } : {}), ...(f.length !== undefined ? { length: f.length } : {}) } };
  lastAppBytes = Buffer.from(out.bytes.subarray(start, out.at));
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
    complete: capturedWhole(m),
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
  scratch.reset();
  writeEntry(scratch, e, viewsToo);
  return scratch.text();
}

/** entryText's object into `out`: the lines of --json's timeline are written as bytes. */
export function writeEntry(out: JsonBytes, e: TimelineEntry, viewsToo = false): void {
  writeWhen(out, P.entryPacket, e.packet, e.ts, e.relTs);
  const pieces = e.from === 'client' ? clientPieces : serverPieces;
  let piece = pieces.get(e.phase);
  if (piece === undefined) pieces.set(e.phase, (piece = Buffer.from(`,"from":"${e.from}","phase":"${e.phase}","summary":`)));
  out.raw(piece);
  out.string(entrySummary(e));
  if (viewsToo) out.ascii(`,"bare":${e.bare},"http":${e.http}}`);
  else out.byte(0x7d);
}
/** What goes before an item of a list of the --json document: its own line, indented (a comma after the one before). */
const FIRST_LINE = Buffer.from('\n        ');
const NEXT_LINE = Buffer.from(',\n        ');

/**
 * The --json document's lines of a list's items `from` to `to` (not
 * included), each encoded by `encode`, in batches of bytes written in
 * `out`, as they are in the whole list: a range can be drawn apart (a long
 * timeline's by another thread: render/draw.ts) and put in its place. A
 * batch is a view of `out`, written into again for the next.
 */
export function* itemLines<T>(items: List<T>, from: number, to: number, encode: (out: JsonBytes, item: T) => void, out: JsonBytes): Generator<Buffer> {
  out.reset();
  let i = from;
  for (const item of rangeOf(items, from, to)) {
    out.raw(i++ === 0 ? FIRST_LINE : NEXT_LINE);
    encode(out, item);
    if (out.at >= ITEM_BATCH) {
      yield out.bytes.subarray(0, out.at);
      out.reset();
    }
  }
  if (out.at > 0) yield out.bytes.subarray(0, out.at);
}

/** The timeline's lines: itemLines of its entries. */
export function entryLines(timeline: List<TimelineEntry>, from: number, to: number, out: JsonBytes): Generator<Buffer> {
  return itemLines(timeline, from, to, writeEntry, out);
}

/** An entry's side and phase, and the summary's name after them, made once each (by side, then phase: no key made an entry). */
const clientPieces = new Map<Phase, Buffer>();
const serverPieces = new Map<Phase, Buffer>();

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
    stream: c.stream,
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
    http2: c.http2,
  };
}
