// The application protocols that ride on WebSocket: what a decoder is given
// (a whole, unmasked, inflated message and the connection's handshake) and
// what it gives back (what the message is, as typed fields, and the
// protocol's own errors as findings). Its one-line summary is worded from
// these by text/app-words.ts, in the reader's language. Decoders are pure functions of the messages they have
// seen; the state they keep is the protocol's own (a STOMP version, pending
// Socket.IO attachments, JSON-RPC calls waiting for their answer).
import { type Code } from '../codes.js';
import type { DiagnosticFacts } from '../diagnostic.js';
import type { Side } from '../vocabulary.js';

/** The decoders, by the name `--app` takes and the JSON's `app.decoder` gives. */
export type AppName =
  | 'stomp'
  | 'sockjs'
  | 'engine.io'
  | 'socket.io'
  | 'mqtt'
  | 'graphql-transport-ws'
  | 'graphql-ws'
  | 'json'
  | 'json-rpc';

/** How a connection's decoder was chosen: forced by the user, by the subprotocol, the URL, or the content. */
export type AppChosenBy = 'forced' | 'subprotocol' | 'url' | 'content';

/** How the decoders are chosen: automatically, one forced (`--app NAME`), or none (`--app none`). */
export type AppChoice = 'auto' | 'none' | AppName;

/** What a connection's handshake says about its application protocol. */
export interface AppContext {
  /** the upgrade request's target (path and query), null without a handshake */
  target: string | null;
  /** the negotiated Sec-WebSocket-Protocol, null when none */
  subprotocol: string | null;
}

/** A whole message as the application sent it (reassembled, unmasked, inflated). */
export interface AppMessage {
  index: number;
  from: Side;
  type: 'text' | 'binary';
  payload: Buffer;
  packet: number;
  ts: number;
}

/** A protocol error inside the application protocol; becomes an `app.*` diagnostic. */
export interface AppFinding {
  /** the registry (src/codes.ts) gives its severity and specification */
  code: Code;
  message: string;
  /** the section broken, when a narrower one than the registry's applies (the protocol version in use) */
  spec?: string;
  /** what the sentence was made from (text/diagnostics.ts), when it was */
  facts?: DiagnosticFacts;
  /** where it was, when not the message being decoded (findings at the connection's end) */
  packet?: number;
  from?: Side;
}

interface AppBase<N extends AppName, F, X = never> {
  decoder: N;
  /** the application-level type: a STOMP command, an MQTT packet type, a GraphQL message type, … (" + " between several) */
  type: string;
  /** true when the message carries the application's own data; false for the framework's traffic (handshakes, heartbeats, subscriptions, acknowledgements) */
  user: boolean;
  fields: F;
  /** what its one-line summary tells beyond the fields (text/app-words.ts); not part of the export, which writes the summary itself */
  facts?: X;
  /** messages carried inside this one (a SockJS array, an Engine.IO message packet), decoded by the next decoder */
  inner?: AppInfo[];
}

export interface StompFrame {
  /** CONNECT, SEND, MESSAGE, …, or "heart-beat" for end-of-line bytes alone */
  command: string;
  headers: [string, string][];
  /** the body as text (at most BODY_PREVIEW characters), null when empty or not UTF-8 */
  body: string | null;
  bodyLength: number;
  bodyTruncated?: true;
}
export interface StompFacts {
  /** a message that is only part of a frame: its bytes so far */
  partial?: number;
  /** after whole frames, the start of the next one: its bytes */
  unfinished?: number;
  /** a heart-beat of more than one end-of-line: how many */
  eols?: number;
}
export type StompInfo = AppBase<'stomp', { version: string | null; frames: StompFrame[]; /** frames of the message past the MAX_UNITS kept */ more?: number }, StompFacts>;

export interface SockJsFields {
  /** o (open), h (heartbeat), a (array of messages), m (one message), c (close); from the client: the JSON it sends */
  frame: 'open' | 'heartbeat' | 'array' | 'message' | 'close' | 'send';
  /** the messages carried (each cut to BODY_PREVIEW characters) */
  messages?: string[];
  code?: number;
  reason?: string;
  /** from the URL: /<prefix>/<server>/<session>/websocket */
  prefix?: string;
  server?: string;
  session?: string;
}
/** the messages an array (or a client's send) carried, all of them (`messages` keeps the first MAX_UNITS) */
export type SockJsInfo = AppBase<'sockjs', SockJsFields, { count: number }>;

export interface EngineIoFields {
  version: 3 | 4;
  /** open, close, ping, pong, message, upgrade, noop */
  packet: string;
  /** the packet's data as text (cut), when it has some */
  data?: string;
  binary?: true;
  probe?: true;
  /** the open packet's handshake */
  sid?: string;
  upgrades?: string[];
  pingInterval?: number;
  pingTimeout?: number;
  maxPayload?: number;
}
/** a binary message: its bytes, and whether they came as base64 text */
export type EngineIoInfo = AppBase<'engine.io', EngineIoFields, { bytes: number; base64: boolean }>;

export interface SocketIoFields {
  /** CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR (ERROR in protocol 4), BINARY_EVENT, BINARY_ACK, or ATTACHMENT (a binary message of a binary packet) */
  packet: string;
  namespace: string;
  /** the acknowledgement id, null when none */
  id: number | null;
  event?: string;
  /** the arguments (or the data) as JSON text, cut */
  args?: string;
  /** binary attachments announced by a BINARY_* packet */
  attachments?: number;
  /** on an ATTACHMENT: which one (from 0) of how many, for which packet */
  attachment?: number;
  of?: number;
  length?: number;
}
export interface SocketIoFacts {
  /** an event's or acknowledgement's arguments as the summary shows them: JSON, each cut, a binary attachment as <binary N> */
  args?: string;
  /** a CONNECT's session id */
  sid?: string;
  /** an attachment of a packet without an event: the packet that announced it (BINARY_ACK) */
  announcedBy?: string;
}
export type SocketIoInfo = AppBase<'socket.io', SocketIoFields, SocketIoFacts>;

export interface MqttPacket {
  /** CONNECT, CONNACK, PUBLISH, PUBACK, … */
  type: string;
  packetId?: number;
  topic?: string;
  qos?: number;
  retain?: boolean;
  dup?: boolean;
  /** PUBLISH payload as text (cut) when it is UTF-8, else base64 (cut) */
  payload?: string;
  payloadBase64?: string;
  payloadLength?: number;
  protocolName?: string;
  /** 3 (3.1), 4 (3.1.1) or 5 */
  protocolLevel?: number;
  clientId?: string;
  keepAlive?: number;
  cleanStart?: boolean;
  username?: string;
  will?: { topic: string; qos: number; retain: boolean };
  sessionPresent?: boolean;
  /** CONNACK return code (3.1.1) or reason code (5); PUBACK… and DISCONNECT reason code (5) */
  reasonCode?: number;
  reason?: string;
  subscriptions?: { topic: string; qos: number }[];
  topics?: string[];
  /** SUBACK / UNSUBACK codes */
  codes?: number[];
  properties?: Record<string, unknown>;
}
export interface MqttFacts {
  /** a message inside a packet too large to follow: the packet's bytes still to come after it */
  toCome?: number;
  /** a message inside a packet whose size is known: that size (its bytes so far are `pending`) */
  need?: number;
}
export type MqttInfo = AppBase<'mqtt', { version: string; packets: MqttPacket[]; /** packets of the message past the MAX_UNITS kept */ more?: number; /** bytes of a packet begun here and finished in a later message */ pending?: number }, MqttFacts>;

export interface GraphQlFields {
  /** the message's type field */
  messageType: string;
  id?: string;
  operationName?: string;
  /** query, mutation or subscription */
  operation?: string;
  /** the payload as JSON text (cut) */
  payload?: string;
}
export type GraphQlInfo = AppBase<'graphql-transport-ws' | 'graphql-ws', GraphQlFields>;

export interface JsonFields {
  /** object, array, string, number, boolean, null */
  kind: string;
  /** an object's keys (the first MAX_KEYS) */
  keys?: string[];
  /** an array's length */
  length?: number;
}
/** a JSON value that is neither object nor array: its text, cut */
export type JsonInfo = AppBase<'json', JsonFields, { value: string }>;

export interface JsonRpcCall {
  /** request, notification, response, error */
  kind: string;
  id?: string | number | null;
  method?: string;
  /** on a response: the request it answers */
  request?: { message: number; packet: number; method: string; rtt: number } | null;
  error?: { code: number | null; message: string };
}
/** a batch: how many items it held (calls, and items that were not calls) */
export type JsonRpcInfo = AppBase<'json-rpc', { calls: JsonRpcCall[]; batch: boolean; /** calls of a batch past the MAX_UNITS kept */ more?: number }, { items: number }>;

export type AppInfo = StompInfo | SockJsInfo | EngineIoInfo | SocketIoInfo | MqttInfo | GraphQlInfo | JsonInfo | JsonRpcInfo;

export interface AppResult {
  info: AppInfo | null;
  findings: AppFinding[];
}

/** A decoder at work on one connection (or on one carrier's inner messages). */
export interface AppDecoder {
  decode(m: AppMessage): AppResult;
  /**
   * A message the decoder does not get (cut by capture loss or by
   * --max-frame-payload, or not inflated): what it held across messages
   * from that side is dropped, and what the missing message may have said
   * is no longer held against the others.
   */
  skip(from: Side): void;
  /** the connection is over: what is left open (an unanswered call, half an MQTT packet) */
  end(): AppFinding[];
}

/** Characters of a body or argument kept in a message's fields. */
export const BODY_PREVIEW = 256;

/** Units (STOMP frames, MQTT packets, SockJS messages, JSON-RPC calls) of one message kept in its fields; the rest are counted. */
export const MAX_UNITS = 64;

/** The distinct types of a message's units, in order, for its `type`: "PUBLISH + PUBACK". */
export function unitTypes(types: readonly string[]): string {
  const distinct = [...new Set(types)];
  return distinct.length > 8 ? `${distinct.slice(0, 8).join(' + ')} + …` : distinct.join(' + ');
}

/** A string cut to `n` characters, with an ellipsis when cut (only its start is looked at: strings may be megabytes). */
export function clipText(s: string, n: number): string {
  if (s.length <= n) return s;
  // n characters take at most 2n UTF-16 code units
  const chars = Array.from(s.slice(0, 2 * n));
  return chars.length <= n && s.length <= 2 * n ? s : `${chars.slice(0, n).join('')}…`;
}

/** JSON text parsed, or not: decoders try it on text that may be anything. */
export function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export const NO_RESULT: AppResult = Object.freeze({ info: null, findings: [] }) as AppResult;
