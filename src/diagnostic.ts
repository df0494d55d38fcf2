// A diagnostic made from its code: the registry (src/codes.ts) gives its
// severity and section; the place that raises it gives what was seen, where,
// and, when a narrower one of the rule's sections applies, that section.
import { type Code, sectionOf, severityOf } from './codes.js';
import type { NoKeys } from './tls/sessionkeys.js';
import type { KeyLogProblemKind } from './tls/keylog.js';
import type { Connection, Diagnostic, Side } from './model.js';
import type { DeflateResponseProblem } from './deflate/negotiation.js';

export interface Where {
  packet?: number | null;
  frame?: number | null;
  from?: Side | null;
}

/**
 * A diagnostic; `facts`, when its sentence was made from them
 * (text/diagnostics.ts), are kept with it, for the views to say it in
 * another language (the exports write the contract's fields only:
 * contractDiagnostic).
 */
export function diagnostic(code: Code, message: string, where: Where = {}, cite?: string | null, facts?: DiagnosticFacts): Diagnostic {
  const d: Diagnostic = { code, severity: severityOf(code), message, rfc: sectionOf(code, cite), packet: where.packet ?? null, frame: where.frame ?? null, from: where.from ?? null };
  if (facts !== undefined) d.facts = facts;
  return d;
}

/** A diagnostic as the JSON contract writes it: its fields, in their order, without the facts its sentence was made from. */
export function contractDiagnostic(d: Diagnostic): Diagnostic {
  return { code: d.code, severity: d.severity, message: d.message, rfc: d.rfc, packet: d.packet, frame: d.frame, from: d.from };
}

/** A field of an MQTT packet, as the specification names it, or an MQTT 5 property by its name. */
export type MqttField =
  | 'protocol name'
  | 'protocol level'
  | 'connect flags'
  | 'keep alive'
  | 'client identifier'
  | 'will topic'
  | 'will payload'
  | 'user name'
  | 'password'
  | 'acknowledge flags'
  | 'return code'
  | 'reason code'
  | 'topic name'
  | 'packet identifier'
  | 'topic filter'
  | 'subscription options'
  | 'property length'
  | 'properties'
  | 'property identifier'
  | 'user property name'
  | 'user property value'
  | 'payload'
  | { property: string };

/** What is wrong with a malformed MQTT packet (MQTT 3.1.1 §2, §3; MQTT 5 §2, §3). */
export type MqttProblem =
  | { problem: 'remaining-length' | 'properties-overrun' | 'reserved-type' | 'reserved-connect-flag' | 'qos-3' | 'no-subscription' | 'no-unsubscription' | 'auth-before-5' }
  | { problem: 'ends-inside' | 'varint-too-long' | 'not-utf8'; field: MqttField }
  | { problem: 'unknown-property'; id: number }
  | { problem: 'fixed-flags'; flags: number; expected: number }
  | { problem: 'bytes-left'; bytes: number };

/** What happens to a direction's bytes after a hole in them, by what was being decoded there. */
export type AfterGap = 'frames' | 'tls' | 'cut-head' | 'awaiting' | 'http' | 'http2' | 'nothing';

/** Why a Socket.IO packet does not parse (app/engineio.ts parseSocketIo). */
export type SocketIoProblem =
  | { why: 'type'; char: string }
  | { why: 'not-json' }
  | { why: 'no-attachments' | 'not-event-array' | 'not-array' | 'no-id'; packet: string };

/** What is wrong with an HTTP/2 frame (http2/session.ts H2Problem). */
export type H2FrameProblem = 'stream-zero' | 'stream-nonzero' | 'padding' | 'settings-length' | 'continuation-expected' | 'continuation-unexpected' | 'even-stream' | 'frame-size' | 'no-status' | 'idle-stream' | 'too-large';

export type DiagnosticFacts =
  // WebSocket over HTTP/2 (RFC 8441) and the HTTP/2 carrying it (analyze/h2.ts); `stream`: the HTTP/2 stream
  /** `setting`: the last SETTINGS_ENABLE_CONNECT_PROTOCOL the server had sent before the request (null: none) */
  | { code: 'h2.connect-not-enabled'; stream: number; protocol: string; setting: number | null }
  | { code: 'h2.connect-setting'; side: Side; value: number; before: number | null }
  | { code: 'h2.protocol-without-connect'; stream: number; method: string; protocol: string }
  | { code: 'h2.connect-pseudo-missing'; stream: number; missing: string[] }
  | { code: 'h2.connect-scheme'; stream: number; scheme: string | null }
  | { code: 'h2.connect-hop-header'; stream: number; headers: string[] }
  | { code: 'h2.websocket-key'; stream: number; headers: string[]; in: 'request' | 'response' }
  | { code: 'h2.stream-reset'; stream: number; side: Side; error: number }
  /** `open`: the WebSocket streams still open then */
  | { code: 'h2.goaway'; side: Side; lastStream: number; error: number; open: number[] }
  | { code: 'h2.flow-control'; stream: number; side: Side; length: number; window: number; connection: boolean }
  | { code: 'h2.frame-error'; stream: number; side: Side; type: number; what: H2FrameProblem }
  | { code: 'h2.hpack-error'; stream: number; side: Side; reason: string; at: number }
  | { code: 'h2.after-end-stream'; stream: number; side: Side; type: number; ended: number }
  | { code: 'limit.connections'; max: number; evicted: number; from: number }
  | { code: 'limit.reassembly'; bytes: number; side: Side; perDirection: number; total: number; after: AfterGap }
  | { code: 'tcp.gap'; bytes: number; side: Side; after: AfterGap }
  /** a TLS connection (side null), or a direction of it, that the key logs given do not open: why, and the key log files read */
  | { code: 'tls.no-key'; side: Side | null; reason: NoKeys; files: string[] }
  /** a protected record the keys did not open (the first of a run of them) */
  | { code: 'tls.decrypt-failed'; side: Side; reason: string }
  /** a line of a key log that could not be read (never its secret) */
  | { code: 'tls.keylog-line'; file: string; line: number; kind: KeyLogProblemKind; text: string; hidden: number[]; more: number }
  | { code: 'http.too-many-headers'; lines: number; max: number }
  | { code: 'http.head-too-large'; max: number }
  | { code: 'limit.payload'; frame: { length: string }; held: number }
  | { code: 'limit.payload'; message: { type: 'text' | 'binary'; index: number; length: number; frames: number }; held: number }
  /** an MQTT packet longer than the `max` bytes followed across messages (app/mqtt.ts) */
  | { code: 'limit.payload'; mqtt: { type: string; length: number; side: Side }; max: number }
  | { code: 'message.inflate-limit'; type: 'text' | 'binary'; index: number; compressed: number; limit: number }
  | { code: 'ws.deflate-assumed'; side: Side; first: { index: number; length: number; inflated: number | null } | null }
  /** how the roles were told (the HTTP exchange, the masking of the frames, else the ports), and how WebSocket was */
  | { code: 'tcp.handshake-missing'; rolesFrom: 'http' | 'frames' | 'ports'; detection: Connection['detection'] }
  /** an exception inside the analysis: of a packet, or of a connection being finished or reported; `error` is its own message */
  | { code: 'internal.error'; stage: 'packet'; packet: number; error: string }
  | { code: 'internal.error'; stage: 'finish' | 'report'; connection: number; error: string }
  | { code: 'capture.unknown-link-type'; linkType: string }
  | { code: 'capture.truncated-packet'; packet: number; captured: number; original: number }
  | { code: 'ip.fragments-incomplete'; datagrams: number }
  /** `reason`: what the reader found wrong, in its words */
  | { code: 'capture.damaged'; compressed: boolean; after: number; reason: string }
  /** the file ends inside a record or block (`left` bytes of it), or (a compressed file) its stream ends early */
  | { code: 'capture.truncated-file'; after: number; inside: { what: 'a record header' | 'a packet record' | 'a block'; left: number } | null }
  // the frame rules of RFC 6455 §5 and RFC 7692 §6.1 (websocket/checks.ts, websocket/messages.ts)
  | { code: 'frame.client-unmasked'; opcode: number }
  | { code: 'frame.server-masked'; opcode: number; key: string | undefined }
  | { code: 'frame.reserved-opcode'; opcode: number }
  | { code: 'frame.control-too-long'; opcode: number; length: string }
  | { code: 'frame.control-fragmented'; opcode: number }
  | { code: 'frame.length-not-minimal'; length: number; bits: 16 | 64 }
  | { code: 'frame.length-msb-set'; length: string }
  | { code: 'frame.rsv1-on-control'; opcode: number }
  | { code: 'frame.rsv1-on-continuation' }
  | { code: 'frame.rsv-without-extension'; opcode: number; bits: string[] }
  | { code: 'frame.expected-continuation'; type: 'text' | 'binary'; open: number }
  | { code: 'frame.unexpected-continuation' }
  | { code: 'close.payload-one-byte' }
  | { code: 'close.invalid-code'; closeCode: number }
  | { code: 'close.invalid-utf8-reason' }
  // the opening handshake (http/handshake.ts, RFC 6455 §4)
  | { code: 'handshake.method'; method: string }
  | { code: 'handshake.http-version'; version: string }
  | { code: 'handshake.host-missing' }
  /** `got`: the header's value ('' when it is absent) */
  | { code: 'handshake.upgrade-header' | 'handshake.connection-header'; in: 'request' | 'response'; got: string }
  | { code: 'handshake.key-invalid'; keys: number }
  | { code: 'handshake.key-invalid'; key: string; decodedBytes: number }
  | { code: 'handshake.version'; versions: string[] }
  /** `http2`: the answer to a WebSocket's extended CONNECT (RFC 8441 §5: anything but 2xx refuses it) */
  | { code: 'handshake.rejected'; status: number; reason: string; http2?: boolean }
  | { code: 'handshake.accept-missing' }
  | { code: 'handshake.accept-mismatch'; accepts: string[]; expected: string }
  | { code: 'handshake.subprotocol-not-offered'; chosen: string; offered: string[] }
  | { code: 'handshake.extension-not-offered'; name: string; why: 'not-offered' | 'repeated' }
  | { code: 'handshake.extension-not-offered'; name: 'permessage-deflate'; parameters: DeflateResponseProblem }
  | { code: 'handshake.no-response'; request: number }
  /** a cut upgrade request: whether its visible headers ask to upgrade (else the 101 said it did) */
  | { code: 'handshake.truncated'; role: 'request'; packet: number; bytes: number; headers: number; upgrade: boolean }
  /** a cut 101: whether its Accept was among the captured headers, and whether the extensions agreed are known */
  | { code: 'handshake.truncated'; role: 'response'; packet: number; bytes: number; headers: number; acceptChecked: boolean; extensionsKnown: boolean }
  | { code: 'handshake.frames-before-upgrade'; opcode: number; packet: number }
  // the connection's own and its WebSocket session's (analyze/connection.ts, websocket/session.ts)
  | { code: 'tcp.overlap-conflict'; packet: number }
  | { code: 'ws.unframed'; bytes: number; side: Side }
  | { code: 'ws.resync'; bytes: number; side: Side }
  /** decoding resumed at a frame header after lost bytes (`afterLoss`) or at the start of a capture that joined mid-stream, `skipped` bytes on */
  | { code: 'ws.resync'; packet: number; afterLoss: boolean; skipped: number; undecrypted?: true }
  | { code: 'close.data-after-close'; side: Side; close: number }
  /** `detail`: zlib's words for what it found */
  | { code: 'message.inflate-failed'; type: 'text' | 'binary'; index: number; length: number; takeover: boolean; windowBits: number; detail: string }
  | { code: 'message.invalid-utf8'; index: number; length: number; inflated: boolean }
  | { code: 'pong.payload-mismatch'; pong: Buffer; ping: Buffer; pingPacket: number }
  | { code: 'ping.unanswered'; side: Side; packet: number; count: number }
  /** `stream`: the transport was an HTTP/2 stream (RFC 8441): its END_STREAM or RST_STREAM */
  | { code: 'close.abnormal'; teardown: 'fin' | 'rst' | 'none'; stream?: boolean }
  | { code: 'close.not-echoed'; initiator: Side; packet: number | null }
  | { code: 'close.client-closed-tcp-first' }
  // the application protocols' (src/app/), with values from their messages as they came
  /** `first`: the first byte of a binary Engine.IO 3 message, null when it is empty */
  | { code: 'app.engineio-bad-packet'; problem: 'binary-type'; first: number | null }
  /** `text`: the packet as it came, clipped; `data`: the open packet's data, clipped */
  | { code: 'app.engineio-bad-packet'; problem: 'unknown-type'; text: string }
  | { code: 'app.engineio-bad-packet'; problem: 'open-without-sid'; data: string }
  /** `text`: the Engine.IO message as it came, clipped; `error`: the Socket.IO parser's own words */
  | { code: 'app.socketio-bad-packet'; text: string; problem: SocketIoProblem }
  | { code: 'app.socketio-connect-error'; namespace: string; args: string }
  | { code: 'app.socketio-unexpected-binary'; bytes: number; side: Side }
  | { code: 'app.socketio-missing-attachment'; side: Side; packet: string; event: string | undefined; announced: number; followed: number }
  /** `text`: the message as it came, clipped */
  | { code: 'app.sockjs-bad-frame'; problem: 'binary' | 'client-not-strings' | 'open-with-data' | 'heartbeat-with-data' | 'array-not-strings' | 'message-not-string' | 'close-not-pair' | 'unknown'; side: Side; text: string }
  | { code: 'app.graphql-bad-message'; protocol: string; problem: 'binary'; side: Side; text: string }
  | { code: 'app.graphql-bad-message'; protocol: string; problem: 'not-json' | 'not-typed'; text: string }
  | { code: 'app.graphql-bad-message'; protocol: string; problem: 'unknown-type'; type: string; text: string }
  /** `sender`: the side that alone sends `type` */
  | { code: 'app.graphql-bad-message'; protocol: string; problem: 'wrong-side'; side: Side; type: string; sender: Side }
  | { code: 'app.graphql-bad-message'; protocol: string; problem: 'no-id'; type: string }
  /** `error`: the JSON parser's own words; `text`: the message as it came, clipped */
  | { code: 'app.json-invalid'; error: string; text: string }
  | { code: 'app.jsonrpc-invalid'; problem: 'empty-batch' | 'method-not-string' | 'result-and-error' | 'neither' | 'response-without-id' | 'error-object' }
  /** `item`: the batch's item (or the message) as JSON, clipped */
  | { code: 'app.jsonrpc-invalid'; problem: 'not-jsonrpc'; item: string }
  | { code: 'app.jsonrpc-invalid'; problem: 'id-type'; id: string }
  | { code: 'app.jsonrpc-invalid'; problem: 'request-with-result'; method: string }
  | { code: 'app.jsonrpc-unmatched-response'; id: string; peer: Side }
  | { code: 'app.jsonrpc-unanswered'; side: Side; method: string; id: string; packet: number }
  | { code: 'app.mqtt-text-frame'; side: Side; bytes: number }
  | { code: 'app.mqtt-connack-refused'; reason: string | undefined; reasonCode: number | undefined }
  /** `fatal`: its length cannot be trusted, so the side's packets are not decoded further */
  | ({ code: 'app.mqtt-bad-packet'; side: Side; type: string; fatal: boolean } & MqttProblem)
  | { code: 'app.mqtt-incomplete'; side: Side; type: string | undefined; seen: number; need: number | null }
  /** `text`: the frame's start as it came, clipped; `command`, `line`: the frame's, clipped */
  | { code: 'app.stomp-bad-frame'; problem: 'no-eol'; text: string }
  | { code: 'app.stomp-bad-frame'; problem: 'unknown-command' | 'cut-in-headers'; command: string }
  | { code: 'app.stomp-bad-frame'; problem: 'header-without-colon'; command: string; line: string }
  /** `came`: the bytes of the body the message brought; `body`: the bytes up to the NUL, or to the end when `nul` is false */
  | { code: 'app.stomp-content-length'; command: string; length: number; came: number }
  | { code: 'app.stomp-content-length'; command: string; length: number; body: number; nul: boolean }
  | { code: 'app.stomp-no-null'; command: string }
  | { code: 'app.stomp-error'; message: string | undefined; body: string | null }
  | { code: 'app.graphql-unknown-id'; protocol: string; type: string; id: string }
  /** `to`: the operation's name, or its id, or null for the connection */
  | { code: 'app.graphql-error'; to: { name: string } | { id: string } | null; type: string; payload: string };


