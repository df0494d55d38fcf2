// What an application protocol's message is, in one line, as a catalogue per
// language (see text/explain-words.ts for how catalogues work). The decoders
// (src/app/*.ts) give a message's type, its typed fields and, where the line
// tells more than the fields hold, a few facts; this file decides what the
// line shows, in which order and how much of it, and a catalogue words it.
// The protocols' own notation stays as the wire has it: STOMP commands and
// header names, MQTT packet types, QoS, Socket.IO packet names, SockJS's
// o/h/a/m/c, JSON-RPC's message kinds, JSON text (the story and --stats name
// message types the same way). The JSON export's `summary` is the English line
// (a contract field: a change to the English words changes it).
import type { AppInfo, GraphQlInfo, JsonInfo, JsonRpcCall, JsonRpcInfo, MqttInfo, MqttPacket, SockJsInfo, SocketIoInfo, StompFrame, StompInfo, EngineIoInfo } from '../app/types.js';
import { clipText } from '../app/types.js';
import { APP_LABELS } from '../app/protocols.js';
import { header } from '../app/stomp.js';
import { OPERATION, RESULT } from '../app/graphql.js';
import { idText, sameKeys } from '../app/json.js';
import type { Lang } from './lang.js';
import { APP_EN } from './en/app.js';
import { APP_ZH_CN } from './zh-CN/app.js';

export interface AppWords {
  /** between the units (frames, packets, calls) of one message */
  unitJoin: string;
  /** after the units kept, the number of those left out */
  more(n: number): string;

  /** JSON: an array's length, inside its brackets ("[3 items]") */
  jsonItems(n: number): string;

  /** JSON-RPC: a batch, before its calls ("batch of 3: ") */
  rpcBatch(items: number): string;
  /** request, notification, response, error: the specification's names for them */
  rpcKind(kind: string): string;
  /** a response or error: the request it answers */
  rpcAnswers(method: string, packet: number): string;

  /** GraphQL: an operation started, without a name ("subscription (anonymous)"), or of unknown kind */
  gqlUnnamed: string;
  gqlOperation: string;
  /** a result of an operation without a name: "anonymous subscription" */
  gqlAnonymous(operation: string): string;

  /** SockJS: how many messages an array (or a client's send) carried */
  sockJsMessages(n: number): string;
  /** what o, h and c mean; the open frame with the server and session the URL names */
  sockJsOpen(url: { server: string; session: string } | null): string;
  sockJsHeartbeat: string;
  sockJsClose: string;
  /** before the messages a SockJS frame carried that no decoder read ("a[2 messages]: "x", "y"") */
  listColon: string;

  /** STOMP: a SEND or SUBSCRIBE without a destination header */
  stompNoDestination: string;
  /** a frame that asks for a receipt */
  stompReceipt(id: string): string;
  /** a body that is not shown (not UTF-8) */
  stompBody(bytes: number): string;
  /** a message that is only part of a frame */
  stompPartial(bytes: number): string;
  /** after whole frames, the start of the next */
  stompUnfinished(bytes: number): string;
  /** a heart-beat of several end-of-lines */
  stompEols(n: number): string;

  /** MQTT: a CONNECT's client id (quoted) and its options */
  mqttClient(quotedId: string): string;
  mqttConnect(protocolName: string | undefined, level: number | undefined, keepAlive: number | undefined, clean: boolean, user: string | undefined): string;
  mqttSessionPresent: string;
  /** a PUBLISH payload that is not text */
  mqttBinary(bytes: number): string;
  /** SUBACK/UNSUBACK return codes */
  mqttCodes(codes: string): string;
  /** a message inside a packet too large to follow */
  mqttTooLarge(toCome: number): string;
  /** a message inside a packet whose size is known, or not yet */
  mqttPartOf(have: number, need: number): string;
  mqttPartSoFar(have: number): string;
  /** after whole packets, the start of the next */
  mqttNext(bytes: number): string;

  /** Engine.IO: the open packet's session and ping interval */
  eioOpen(sid: string, pingInterval: number | undefined): string;
  /** a ping or pong "probe" */
  eioProbe(type: string): string;
  eioUpgrade: string;
  /** a binary message, and whether it came as base64 text */
  eioBinary(bytes: number, base64: boolean): string;

  /** Socket.IO: the binary attachments a packet announces */
  sioAttachments(n: number): string;
  /** an attachment: which of how many, of which event or packet, its size */
  sioAttachment(k: number, of: number, what: string, bytes: number): string;
  /** what an attachment belongs to: an event (quoted name) */
  sioEvent(quotedName: string): string;
}

const CATALOGUES: Record<Lang, AppWords> = { en: APP_EN, 'zh-CN': APP_ZH_CN };

export function appWords(lang: Lang = 'en'): AppWords {
  return CATALOGUES[lang];
}

/** Characters of a message's line at most. */
export const MAX_SUMMARY = 400;

/** "SockJS a[1 message] → STOMP SEND /app/hello {…}": a decoded message and what it carries, in the reader's language. */
export function appText(info: AppInfo, lang: Lang = 'en'): string {
  const own = `${APP_LABELS[info.decoder]} ${appSummary(info, lang)}`;
  return info.inner && info.inner.length > 0 ? `${own} → ${info.inner.map((i) => appText(i, lang)).join('; ')}` : own;
}

/** A decoded message in one line (without its protocol's name and what it carries): the JSON export's `summary` in English. */
export function appSummary(info: AppInfo, lang: Lang = 'en'): string {
  const w = CATALOGUES[lang];
  switch (info.decoder) {
    case 'json':
      return json(info, w);
    case 'json-rpc':
      return jsonRpc(info, w);
    case 'graphql-transport-ws':
    case 'graphql-ws':
      return graphQl(info, w);
    case 'sockjs':
      return sockJs(info, w);
    case 'stomp':
      return stomp(info, w);
    case 'mqtt':
      return mqtt(info, w);
    case 'engine.io':
      return engineIo(info, w);
    case 'socket.io':
      return socketIo(info, w);
  }
}

/** Words joined by spaces, but none before a full-width bracket or semicolon (Chinese puts a bracketed note right after its word). */
function spaced(parts: readonly string[]): string {
  let out = '';
  for (const p of parts) out += out === '' || p.startsWith('（') || p.startsWith('；') ? p : ` ${p}`;
  return out;
}

/** The lines of a message's units, at most MAX_SUMMARY characters, with how many were left out. */
function units(parts: readonly string[], total: number, w: AppWords): string {
  const more = total - parts.length;
  return clipText(parts.join(w.unitJoin) + (more > 0 ? w.more(more) : ''), MAX_SUMMARY);
}

/** The last object's keys and line (a connection's JSON messages mostly have the same keys: the line is made once for them). */
let lastKeys: readonly string[] = [];
let lastKind = '';
let lastLine = '';

function json(info: JsonInfo, w: AppWords): string {
  const f = info.fields;
  const keys = f.keys;
  if (keys) {
    if (f.kind === lastKind && sameKeys(keys, lastKeys)) return lastLine;
    lastLine = `${f.kind} {${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}}`;
    lastKind = f.kind;
    lastKeys = keys.slice();
    return lastLine;
  }
  const shape = f.length !== undefined ? `[${w.jsonItems(f.length)}]` : (info.facts?.value ?? '');
  return `${f.kind} ${shape}`;
}


function rpcCall(c: JsonRpcCall, w: AppWords): string {
  const answers = c.request ? w.rpcAnswers(c.request.method, c.request.packet) : '';
  switch (c.kind) {
    case 'request':
      return `${w.rpcKind('request')} ${c.method} id ${idText(c.id)}`;
    case 'notification':
      return `${w.rpcKind('notification')} ${c.method}`;
    case 'response':
      return `${w.rpcKind('response')} id ${idText(c.id)}${answers}`;
    default:
      return `${w.rpcKind('error')} ${c.error?.code ?? '?'} ${JSON.stringify(c.error?.message ?? '')} id ${idText(c.id)}${answers}`;
  }
}

function jsonRpc(info: JsonRpcInfo, w: AppWords): string {
  const f = info.fields;
  return (f.batch ? w.rpcBatch(info.facts?.items ?? f.calls.length + (f.more ?? 0)) : '') + units(f.calls.map((c) => rpcCall(c, w)), f.calls.length + (f.more ?? 0), w);
}

function graphQl(info: GraphQlInfo, w: AppWords): string {
  const f = info.fields;
  const type = info.type;
  const op = f.operationName ?? (f.operation ? w.gqlAnonymous(f.operation) : undefined);
  const parts = [type];
  if (f.id !== undefined) parts.push(`id ${f.id}`);
  if (op) parts.push(OPERATION.has(type) ? spaced([f.operation ?? w.gqlOperation, f.operationName ?? w.gqlUnnamed]) : `(${op})`);
  if (RESULT.has(type) && f.payload !== undefined) parts.push(clipText(f.payload, 60));
  return spaced(parts);
}

function sockJs(info: SockJsInfo, w: AppWords): string {
  const f = info.fields;
  const messages = f.messages ?? [];
  const count = info.facts?.count ?? messages.length;
  let line: string;
  switch (f.frame) {
    case 'send':
      line = `[${w.sockJsMessages(count)}]`;
      break;
    case 'open':
      line = spaced(['o', w.sockJsOpen(f.server !== undefined && f.session !== undefined ? { server: f.server, session: f.session } : null)]);
      break;
    case 'heartbeat':
      line = spaced(['h', w.sockJsHeartbeat]);
      break;
    case 'array':
      line = `a[${w.sockJsMessages(count)}]`;
      break;
    case 'message':
      line = `m[${w.sockJsMessages(1)}]`;
      break;
    case 'close':
      line = spaced([`c[${f.code},${JSON.stringify(clipText(f.reason ?? '', 40))}]`, w.sockJsClose]);
      break;
  }
  // what the next decoder made of the messages is told beside this (appText); messages it did not read, here
  if (!info.inner && messages.length > 0) {
    line = clipText(`${line}${w.listColon}${messages.slice(0, 8).map((t) => JSON.stringify(clipText(t, 40))).join(', ')}${count > 8 ? ', …' : ''}`, MAX_SUMMARY);
  }
  return line;
}

/** "SEND /app/hello {"name":"Ada"}": a STOMP frame. */
function stompFrame(f: StompFrame, w: AppWords): string {
  const h = (name: string): string | undefined => header(f, name);
  const parts: string[] = [f.command];
  switch (f.command) {
    case 'CONNECT':
    case 'STOMP': {
      const v = h('accept-version');
      if (v) parts.push(`accept-version ${v}`);
      if (h('host')) parts.push(`host ${h('host')}`);
      if (h('heart-beat')) parts.push(`heart-beat ${h('heart-beat')}`);
      break;
    }
    case 'CONNECTED':
      if (h('version')) parts.push(`version ${h('version')}`);
      if (h('heart-beat')) parts.push(`heart-beat ${h('heart-beat')}`);
      if (h('server')) parts.push(`(${h('server')})`);
      break;
    case 'SUBSCRIBE':
      parts.push(h('destination') ?? w.stompNoDestination);
      if (h('id')) parts.push(`id ${h('id')}`);
      break;
    case 'UNSUBSCRIBE':
      if (h('id')) parts.push(`id ${h('id')}`);
      break;
    case 'SEND':
    case 'MESSAGE':
      parts.push(h('destination') ?? w.stompNoDestination);
      break;
    case 'RECEIPT':
      if (h('receipt-id')) parts.push(h('receipt-id')!);
      break;
    case 'ERROR':
      if (h('message')) parts.push(JSON.stringify(clipText(h('message')!, 60)));
      break;
    case 'ACK':
    case 'NACK':
      if (h('id') ?? h('message-id')) parts.push(`id ${h('id') ?? h('message-id')}`);
      break;
    default:
      break;
  }
  const receipt = h('receipt');
  if (receipt) parts.push(w.stompReceipt(receipt));
  if (f.body !== null) parts.push(clipText(f.body, 60));
  else if (f.bodyLength > 0) parts.push(w.stompBody(f.bodyLength));
  return spaced(parts);
}

function stomp(info: StompInfo, w: AppWords): string {
  const f = info.fields;
  const facts = info.facts ?? {};
  if (facts.partial !== undefined) return w.stompPartial(facts.partial);
  return units(f.frames.map((x) => stompFrame(x, w)), f.frames.length + (f.more ?? 0), w) + (facts.unfinished !== undefined ? w.stompUnfinished(facts.unfinished) : '') + (facts.eols !== undefined ? w.stompEols(facts.eols) : '');
}

/** "PUBLISH sensors/temp QoS 1 id 7 "21.5"": an MQTT packet. */
function mqttPacket(p: MqttPacket, w: AppWords): string {
  const parts = [p.type];
  switch (p.type) {
    case 'CONNECT':
      parts.push(w.mqttClient(JSON.stringify(p.clientId ?? '')), w.mqttConnect(p.protocolName, p.protocolLevel, p.keepAlive, p.cleanStart === true, p.username));
      break;
    case 'CONNACK':
      parts.push(`${p.reason}${p.sessionPresent ? w.mqttSessionPresent : ''}`);
      break;
    case 'PUBLISH':
      parts.push(p.topic ?? '', `QoS ${p.qos}`);
      if (p.packetId !== undefined) parts.push(`id ${p.packetId}`);
      if (p.retain) parts.push('retain');
      if (p.dup) parts.push('dup');
      parts.push(p.payload !== undefined ? JSON.stringify(clipText(p.payload, 40)) : w.mqttBinary(p.payloadLength ?? 0));
      break;
    case 'SUBSCRIBE':
      parts.push((p.subscriptions ?? []).map((s) => `${s.topic} (QoS ${s.qos})`).join(', '), `id ${p.packetId}`);
      break;
    case 'UNSUBSCRIBE':
      parts.push((p.topics ?? []).join(', '), `id ${p.packetId}`);
      break;
    case 'SUBACK':
    case 'UNSUBACK':
      parts.push(`id ${p.packetId}`);
      if (p.codes && p.codes.length > 0) parts.push(w.mqttCodes(p.codes.join(', ')));
      break;
    default:
      if (p.packetId !== undefined) parts.push(`id ${p.packetId}`);
      if (p.reasonCode !== undefined && p.reasonCode !== 0) parts.push(p.reason ?? '');
      break;
  }
  return spaced(parts.filter((s) => s !== ''));
}

function mqtt(info: MqttInfo, w: AppWords): string {
  const f = info.fields;
  const facts = info.facts ?? {};
  if (facts.toCome !== undefined) return w.mqttTooLarge(facts.toCome);
  if (f.packets.length === 0) return facts.need !== undefined ? w.mqttPartOf(f.pending ?? 0, facts.need) : w.mqttPartSoFar(f.pending ?? 0);
  return units(f.packets.map((p) => mqttPacket(p, w)), f.packets.length + (f.more ?? 0), w) + (f.pending !== undefined ? w.mqttNext(f.pending) : '');
}

function engineIo(info: EngineIoInfo, w: AppWords): string {
  const f = info.fields;
  if (info.facts) return w.eioBinary(info.facts.bytes, info.facts.base64);
  switch (f.packet) {
    case 'open':
      return f.sid !== undefined ? w.eioOpen(f.sid, f.pingInterval) : 'open';
    case 'ping':
    case 'pong':
      if (f.probe) return w.eioProbe(f.packet);
      return f.data !== undefined ? `${f.packet} ${JSON.stringify(clipText(f.data, 24))}` : f.packet;
    case 'upgrade':
      return w.eioUpgrade;
    case 'message':
      return f.data !== undefined ? `message ${JSON.stringify(clipText(f.data, 40))}` : 'message';
    default:
      return f.packet;
  }
}

function socketIo(info: SocketIoInfo, w: AppWords): string {
  const f = info.fields;
  const facts = info.facts ?? {};
  const ns = f.namespace === '/' ? '' : ` ${f.namespace}`;
  const attachments = f.attachments ? w.sioAttachments(f.attachments) : '';
  switch (f.packet) {
    case 'ATTACHMENT':
      return w.sioAttachment((f.attachment ?? 0) + 1, f.of ?? 0, f.event !== undefined ? w.sioEvent(JSON.stringify(f.event)) : (facts.announcedBy ?? ''), f.length ?? 0);
    case 'EVENT':
    case 'BINARY_EVENT':
      return `event${ns} ${JSON.stringify(f.event)}(${facts.args ?? ''})${f.id !== null ? ` ack ${f.id}` : ''}${attachments}`;
    case 'ACK':
    case 'BINARY_ACK':
      return `ack${ns} ${f.id} (${facts.args ?? ''})${attachments}`;
    case 'CONNECT':
      return `connect ${f.namespace}${facts.sid !== undefined ? ` (sid ${facts.sid})` : ''}`;
    case 'DISCONNECT':
      return `disconnect ${f.namespace}`;
    default:
      return `${f.packet.toLowerCase().replace('_', ' ')} ${f.namespace}${f.args !== undefined ? ` ${clipText(f.args, 60)}` : ''}`;
  }
}
