// Every diagnostic wsdissect reports: its stable code, severity and the
// section of the RFC that states the rule. The codes are a public interface
// (CI pipelines filter on them): add codes freely, never rename one.
import type { Severity } from './vocabulary.js';

/**
 * Why a code has its severity, after the RFC's own words (RFC 2119):
 * MUST (an error: an endpoint broke a MUST or MUST NOT), SHOULD (a warning),
 * evidence (a warning: something suspicious, or a rule a capture alone cannot
 * prove broken — its why says which), fact (info: what the capture is).
 */
export type Basis = 'MUST' | 'SHOULD' | 'evidence' | 'fact';

export interface CodeInfo {
  severity: Severity;
  rfc: string | null;
  rule: string;
  basis: Basis;
  /** the RFC's sentence that states the rule, keyword included (whitespace as in the RFC's text run together) */
  quote?: string;
  /** for evidence that cites a MUST: why the capture cannot prove the MUST broken */
  why?: string;
  /** the narrower sections a diagnostic of this code may cite instead of `rfc`, each one of the rule's (the request's rule of two) */
  cites?: readonly string[];
}

/** The severity each basis gives. */
export const SEVERITY_OF: Readonly<Record<Basis, Severity>> = { MUST: 'error', SHOULD: 'warning', evidence: 'warning', fact: 'info' };

const REGISTERED = {
  'handshake.method': { severity: 'error', rfc: 'RFC 6455 §4.1', rule: 'the upgrade request method is not GET', basis: 'MUST', quote: "The method of the request MUST be GET" },
  'handshake.http-version': { severity: 'error', rfc: 'RFC 6455 §4.1', rule: 'the upgrade request is not HTTP/1.1 or higher', basis: 'MUST', quote: "the HTTP version MUST be at least 1.1" },
  'handshake.host-missing': { severity: 'error', rfc: 'RFC 6455 §4.1', rule: 'the upgrade request has no Host header', basis: 'MUST', quote: "The request MUST contain a |Host| header field" },
  'handshake.upgrade-header': { severity: 'error', rfc: 'RFC 6455 §4.1, §4.2.2', rule: 'the request or response lacks Upgrade: websocket', basis: 'MUST', quote: "The request MUST contain an |Upgrade| header field whose value MUST include the \"websocket\" keyword", cites: ['RFC 6455 §4.1', 'RFC 6455 §4.2.2'] },
  'handshake.connection-header': { severity: 'error', rfc: 'RFC 6455 §4.1, §4.2.2', rule: 'the request or response Connection header lacks the Upgrade token', basis: 'MUST', quote: "The request MUST contain a |Connection| header field whose value MUST include the \"Upgrade\" token", cites: ['RFC 6455 §4.1', 'RFC 6455 §4.2.2'] },
  'handshake.key-invalid': { severity: 'error', rfc: 'RFC 6455 §4.1', rule: 'Sec-WebSocket-Key missing, repeated, or not base64 of 16 bytes', basis: 'MUST', quote: "The request MUST include a header field with the name |Sec-WebSocket-Key|. The value of this header field MUST be a nonce consisting of a randomly selected 16-byte value that has been base64-encoded" },
  'handshake.version': { severity: 'error', rfc: 'RFC 6455 §4.1', rule: 'Sec-WebSocket-Version missing or not 13', basis: 'MUST', quote: "The request MUST include a header field with the name |Sec-WebSocket-Version|. The value of this header field MUST be 13" },
  'handshake.accept-missing': { severity: 'error', rfc: 'RFC 6455 §4.2.2', rule: 'a 101 response without Sec-WebSocket-Accept', basis: 'MUST', quote: "If the response lacks a |Sec-WebSocket-Accept| header field or the |Sec-WebSocket-Accept| contains a value other than the base64-encoded SHA-1 of the concatenation of the |Sec-WebSocket- Key| (as a string, not base64-decoded) with the string \"258EAFA5- E914-47DA-95CA-C5AB0DC85B11\" but ignoring any leading and trailing whitespace, the client MUST _Fail the WebSocket Connection_" },
  'handshake.accept-mismatch': { severity: 'error', rfc: 'RFC 6455 §4.2.2', rule: 'Sec-WebSocket-Accept is not base64(SHA-1(key + GUID))', basis: 'MUST', quote: "If the response lacks a |Sec-WebSocket-Accept| header field or the |Sec-WebSocket-Accept| contains a value other than the base64-encoded SHA-1 of the concatenation of the |Sec-WebSocket- Key| (as a string, not base64-decoded) with the string \"258EAFA5- E914-47DA-95CA-C5AB0DC85B11\" but ignoring any leading and trailing whitespace, the client MUST _Fail the WebSocket Connection_" },
  'handshake.subprotocol-not-offered': { severity: 'error', rfc: 'RFC 6455 §4.1', rule: 'the server selected a subprotocol the client did not offer', basis: 'MUST', quote: "indicates the use of a subprotocol that was not present in the client's handshake (the server has indicated a subprotocol not requested by the client), the client MUST _Fail the WebSocket Connection_" },
  'handshake.extension-not-offered': { severity: 'error', rfc: 'RFC 6455 §9.1; RFC 7692 §5, §7.1', rule: 'the server accepted an extension, or parameters, the client did not offer', basis: 'MUST', quote: "indicates the use of an extension that was not present in the client's handshake (the server has indicated an extension not requested by the client), the client MUST _Fail the WebSocket Connection_", cites: ['RFC 6455 §9.1', 'RFC 7692 §5', 'RFC 7692 §7.1'] },
  'handshake.rejected': { severity: 'warning', rfc: 'RFC 6455 §4.2.2', rule: 'the server answered the upgrade with a status other than 101 (over HTTP/2, the extended CONNECT with one other than 2xx)', basis: 'evidence', cites: ['RFC 6455 §4.2.2', 'RFC 8441 §5'] },
  'handshake.no-response': { severity: 'warning', rfc: 'RFC 6455 §4.1', rule: 'an upgrade request whose response was never seen', basis: 'evidence' },
  'handshake.frames-before-upgrade': { severity: 'error', rfc: 'RFC 6455 §4.1', rule: 'a data frame sent before the 101 response completed', basis: 'MUST', quote: "Once the client's opening handshake has been sent, the client MUST wait for a response from the server before sending any further data" },
  'frame.client-unmasked': { severity: 'error', rfc: 'RFC 6455 §5.1', rule: 'a client-to-server frame without the MASK bit', basis: 'MUST', quote: "a client MUST mask all frames that it sends to the server" },
  'frame.server-masked': { severity: 'error', rfc: 'RFC 6455 §5.1', rule: 'a server-to-client frame with the MASK bit', basis: 'MUST', quote: "A server MUST NOT mask any frames that it sends to the client" },
  'frame.rsv-without-extension': { severity: 'error', rfc: 'RFC 6455 §5.2', rule: 'RSV1/2/3 set with no negotiated extension defining it', basis: 'MUST', quote: "MUST be 0 unless an extension is negotiated that defines meanings for non-zero values" },
  'frame.reserved-opcode': { severity: 'error', rfc: 'RFC 6455 §5.2', rule: 'opcode 0x3-0x7 or 0xB-0xF', basis: 'MUST', quote: "If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket Connection_" },
  'frame.control-too-long': { severity: 'error', rfc: 'RFC 6455 §5.5', rule: 'a close, ping or pong payload over 125 bytes', basis: 'MUST', quote: "All control frames MUST have a payload length of 125 bytes or less" },
  'frame.control-fragmented': { severity: 'error', rfc: 'RFC 6455 §5.5', rule: 'a close, ping or pong with FIN clear', basis: 'MUST', quote: "Control frames themselves MUST NOT be fragmented" },
  'frame.length-not-minimal': { severity: 'error', rfc: 'RFC 6455 §5.2', rule: 'a payload length not in its shortest form', basis: 'MUST', quote: "the minimal number of bytes MUST be used to encode the length" },
  'frame.length-msb-set': { severity: 'error', rfc: 'RFC 6455 §5.2', rule: 'a 64-bit length with its most significant bit set', basis: 'MUST', quote: "the most significant bit MUST be 0" },
  'frame.unexpected-continuation': { severity: 'error', rfc: 'RFC 6455 §5.4', rule: 'a continuation frame with no fragmented message open', basis: 'MUST', quote: "Message fragments MUST be delivered to the recipient in the order sent by the sender" },
  'frame.expected-continuation': { severity: 'error', rfc: 'RFC 6455 §5.4', rule: 'a new text or binary frame while a fragmented message is open', basis: 'MUST', quote: "The fragments of one message MUST NOT be interleaved between the fragments of another message unless an extension has been negotiated that can interpret the interleaving" },
  'frame.rsv1-on-continuation': { severity: 'error', rfc: 'RFC 7692 §6.1', rule: 'RSV1 on a continuation frame under permessage-deflate', basis: 'MUST', quote: "An endpoint MUST NOT set the \"Per-Message Compressed\" bit of control frames and non-first fragments of a data message" },
  'frame.rsv1-on-control': { severity: 'error', rfc: 'RFC 7692 §6.1', rule: 'RSV1 on a control frame', basis: 'MUST', quote: "An endpoint MUST NOT set the \"Per-Message Compressed\" bit of control frames and non-first fragments of a data message" },
  'message.invalid-utf8': { severity: 'error', rfc: 'RFC 6455 §5.6', rule: 'a text message (reassembled and inflated) that is not UTF-8', basis: 'MUST', quote: "the whole message MUST contain valid UTF-8" },
  'message.inflate-failed': { severity: 'error', rfc: 'RFC 7692 §6.2', rule: 'a compressed message that does not inflate in its negotiated context', basis: 'MUST', why: 'RFC 7692 gives the algorithm (§7.2.1 compress, §7.2.2 decompress) rather than a sentence with MUST: a sender that does not follow it sends what the negotiated extension does not define' },
  'message.inflate-limit': { severity: 'warning', rfc: 'RFC 7692 §7.2.2', rule: 'inflation stopped at the output limit (decompression bomb guard)', basis: 'evidence' },
  'close.payload-one-byte': { severity: 'error', rfc: 'RFC 6455 §5.5.1', rule: 'a close frame whose body is exactly 1 byte', basis: 'MUST', quote: "If there is a body, the first two bytes of the body MUST be a 2-byte unsigned integer" },
  'close.invalid-code': { severity: 'error', rfc: 'RFC 6455 §7.4', rule: 'a close status code that must not be sent', basis: 'MUST', quote: "1005 is a reserved value and MUST NOT be set as a status code in a Close control frame by an endpoint" },
  'close.invalid-utf8-reason': { severity: 'error', rfc: 'RFC 6455 §5.5.1', rule: 'a close reason that is not UTF-8', basis: 'MUST', quote: "When an endpoint is to interpret a byte stream as UTF-8 but finds that the byte stream is not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket Connection_" },
  'close.data-after-close': { severity: 'error', rfc: 'RFC 6455 §5.5.1', rule: 'a data frame sent after that endpoint sent Close', basis: 'MUST', quote: "The application MUST NOT send any more data frames after sending a Close frame" },
  'close.not-echoed': { severity: 'warning', rfc: 'RFC 6455 §5.5.1', rule: "one side sent Close and the connection ended without the other's", basis: 'evidence', why: 'the peer MUST answer a Close (§5.5.1), but a capture cannot show it had the chance: the side that sent Close may have closed TCP at once, and a Close in flight may be lost' },
  'close.abnormal': { severity: 'warning', rfc: 'RFC 6455 §7.1.5', rule: 'the TCP connection ended with no Close frame in either direction', basis: 'evidence' },
  'close.client-closed-tcp-first': { severity: 'warning', rfc: 'RFC 6455 §7.1.1', rule: 'the client closed TCP before the server did', basis: 'SHOULD', quote: "The underlying TCP connection, in most normal cases, SHOULD be closed first by the server" },
  'ping.unanswered': { severity: 'warning', rfc: 'RFC 6455 §5.5.2', rule: 'a ping with no pong before the connection ended', basis: 'evidence', why: 'a ping MUST be answered (§5.5.2) but only "as soon as is practical": a connection that ends right after a ping may end before its pong could be sent' },
  'pong.payload-mismatch': { severity: 'warning', rfc: 'RFC 6455 §5.5.3', rule: "a pong that does not carry its ping's data", basis: 'evidence', why: 'the rule is a lower-case "must" (§5.5.3), and an endpoint MAY answer only the latest of several pings, so a pong that matches an earlier ping is not a violation' },
  'capture.truncated-packet': { severity: 'warning', rfc: null, rule: 'a packet cut by the snapshot length', basis: 'evidence' },
  'capture.truncated-file': { severity: 'warning', rfc: null, rule: 'the file ends in the middle of a record', basis: 'evidence' },
  'capture.damaged': { severity: 'warning', rfc: null, rule: 'a damaged record or block: reading stops there', basis: 'evidence' },
  'capture.unknown-link-type': { severity: 'warning', rfc: null, rule: 'packets of a link type wsdissect cannot decode', basis: 'evidence' },
  'ip.fragments-incomplete': { severity: 'warning', rfc: null, rule: 'fragmented IP datagrams that never completed', basis: 'evidence' },
  'tcp.gap': { severity: 'warning', rfc: null, rule: 'bytes missing from a TCP direction (capture loss)', basis: 'evidence' },
  'tls.no-key': { severity: 'info', rfc: 'RFC 9850', rule: 'a TLS connection (or one direction of it) that the key logs given cannot decrypt: no line for its client random, or not the secrets it needs', basis: 'fact' },
  'tls.decrypt-failed': { severity: 'warning', rfc: 'RFC 8446 §5.2; RFC 5246 §6.2.3', rule: 'a TLS record that does not open with the key log\'s keys (a wrong secret, or a damaged record): its contents are not shown', basis: 'evidence', cites: ['RFC 8446 §5.2', 'RFC 5246 §6.2.3'] },
  'tls.keylog-line': { severity: 'warning', rfc: 'RFC 9850', rule: 'a key log line that could not be read (not LABEL, client random and secret; a secret of the wrong length; a second, different secret for the same label)', basis: 'evidence' },
  'tcp.overlap-conflict': { severity: 'warning', rfc: null, rule: 'a retransmitted segment with different bytes', basis: 'evidence' },
  'tcp.handshake-missing': { severity: 'info', rfc: null, rule: 'the capture starts mid-connection', basis: 'fact' },
  'ws.resync': { severity: 'info', rfc: null, rule: 'frame decoding resumed at a plausible frame header', basis: 'fact' },
  'ws.deflate-assumed': { severity: 'info', rfc: 'RFC 7692 §6', rule: 'RSV1 on a connection whose handshake is not in the capture: permessage-deflate assumed', basis: 'fact' },
  'handshake.truncated': { severity: 'info', rfc: null, rule: 'an upgrade request or response cut by the snapshot length or capture loss: what could not be checked', basis: 'fact' },
  'ws.unframed': { severity: 'info', rfc: null, rule: 'bytes that could not be framed before the capture ended', basis: 'fact' },
  'http.head-too-large': { severity: 'warning', rfc: null, rule: 'an HTTP head past the size limit', basis: 'evidence' },
  'http.too-many-headers': { severity: 'warning', rfc: null, rule: 'an HTTP head with more header lines than the limit', basis: 'evidence' },
  'limit.payload': { severity: 'warning', rfc: null, rule: 'a frame or message larger than the payload bytes held for it', basis: 'evidence' },
  'limit.reassembly': { severity: 'warning', rfc: null, rule: 'bytes given up on because the out-of-order data after them passed the reassembly limit', basis: 'evidence' },
  'limit.connections': { severity: 'warning', rfc: null, rule: 'more connections open at once than are tracked: the quietest were reported early', basis: 'evidence' },
  // WebSocket over HTTP/2 (RFC 8441) and the HTTP/2 that carries it (RFC 9113): src/http2/, analyze/h2.ts
  'h2.connect-not-enabled': { severity: 'error', rfc: 'RFC 8441 §3; RFC 9113 §8.3', rule: 'an extended CONNECT (:protocol) sent before the server sent SETTINGS_ENABLE_CONNECT_PROTOCOL = 1', basis: 'MUST', quote: 'Endpoints MUST NOT generate pseudo-header fields other than those defined in this document.' },
  'h2.connect-setting': { severity: 'error', rfc: 'RFC 8441 §3', rule: 'SETTINGS_ENABLE_CONNECT_PROTOCOL other than 0 or 1, or 0 after 1', basis: 'MUST', quote: 'The value of the parameter MUST be 0 or 1.' },
  'h2.protocol-without-connect': { severity: 'error', rfc: 'RFC 8441 §4; RFC 9113 §8.3', rule: 'the :protocol pseudo-header on a request whose method is not CONNECT', basis: 'MUST', quote: 'Endpoints MUST NOT generate pseudo-header fields other than those defined in this document.' },
  'h2.connect-pseudo-missing': { severity: 'error', rfc: 'RFC 8441 §4', rule: 'an extended CONNECT without :scheme, :path or :authority', basis: 'MUST', quote: 'On requests that contain the :protocol pseudo-header field, the :scheme and :path pseudo-header fields of the target URI (see Section 5) MUST also be included.' },
  'h2.connect-scheme': { severity: 'error', rfc: 'RFC 8441 §5', rule: 'a WebSocket extended CONNECT whose :scheme is not http or https', basis: 'MUST', quote: 'The scheme of the target URI (Section 5.1 of [RFC7230]) MUST be "https" for "wss"-schemed WebSockets and "http" for "ws"-schemed WebSockets.' },
  'h2.connect-hop-header': { severity: 'error', rfc: 'RFC 8441 §5', rule: 'a WebSocket extended CONNECT carrying Connection or Upgrade', basis: 'MUST', quote: '[RFC6455] requires the use of Connection and Upgrade header fields that are not part of HTTP/2. They MUST NOT be included in the CONNECT request defined here.' },
  'h2.websocket-key': { severity: 'warning', rfc: 'RFC 8441 §5', rule: 'Sec-WebSocket-Key or Sec-WebSocket-Accept over HTTP/2, where the :protocol pseudo-header supersedes them (they are not checked)', basis: 'evidence' },
  'h2.stream-reset': { severity: 'warning', rfc: 'RFC 8441 §5; RFC 9113 §6.4', rule: 'a WebSocket stream reset (RST_STREAM): the abrupt close of the WebSocket', basis: 'evidence' },
  'h2.goaway': { severity: 'warning', rfc: 'RFC 9113 §6.8', rule: 'GOAWAY while WebSocket streams were open, or with an error code', basis: 'evidence' },
  'h2.flow-control': { severity: 'error', rfc: 'RFC 9113 §6.9.1', rule: 'a DATA frame longer than the flow-control window the receiver allowed', basis: 'MUST', quote: 'A sender MUST NOT send a flow-controlled frame with a length that exceeds the space available in either of the flow-control windows advertised by the receiver.' },
  'h2.frame-error': { severity: 'error', rfc: 'RFC 9113 §6', rule: 'an HTTP/2 frame on the wrong stream, of a wrong length, with padding longer than itself, or out of its header block', basis: 'MUST' },
  'h2.hpack-error': { severity: 'error', rfc: 'RFC 7541; RFC 9113 §4.3', rule: 'a header block that does not decode (COMPRESSION_ERROR)', basis: 'MUST' },
  'h2.after-end-stream': { severity: 'error', rfc: 'RFC 9113 §5.1', rule: 'DATA on a stream after its sender ended it (END_STREAM)', basis: 'MUST' },
  // the application protocols on WebSocket (src/app/): errors inside them, never crashes
  'app.stomp-bad-frame': { severity: 'error', rfc: 'STOMP 1.2 §STOMP Frames', rule: 'a STOMP frame without a known command, with a header line without a colon, or cut in its headers', basis: 'MUST' },
  'app.stomp-no-null': { severity: 'error', rfc: 'STOMP 1.2 §STOMP Frames', rule: 'a STOMP frame whose body is not terminated by a NUL byte', basis: 'MUST' },
  'app.stomp-content-length': { severity: 'error', rfc: 'STOMP 1.2 §Header content-length', rule: 'a STOMP body whose length differs from its content-length header', basis: 'MUST' },
  'app.stomp-error': { severity: 'warning', rfc: 'STOMP 1.2 §ERROR', rule: 'the STOMP server sent an ERROR frame', basis: 'evidence' },
  'app.sockjs-bad-frame': { severity: 'error', rfc: 'SockJS protocol 0.3.3 §Framing', rule: 'a message that is not a SockJS frame (o, h, a[…], m"…", c[code,"reason"]; from the client, a JSON array of strings)', basis: 'MUST' },
  'app.engineio-bad-packet': { severity: 'error', rfc: 'Engine.IO protocol §Packet encoding', rule: 'an Engine.IO packet of unknown type, or an open packet without its handshake', basis: 'MUST', cites: ['Engine.IO protocol §Handshake'] },
  'app.socketio-bad-packet': { severity: 'error', rfc: 'Socket.IO protocol §Packet format', rule: 'a Socket.IO packet that does not parse', basis: 'MUST' },
  'app.socketio-missing-attachment': { severity: 'error', rfc: 'Socket.IO protocol §Packet format', rule: 'a binary Socket.IO packet whose announced attachments did not all follow it', basis: 'MUST' },
  'app.socketio-unexpected-binary': { severity: 'error', rfc: 'Socket.IO protocol §Packet format', rule: 'a binary message with no binary Socket.IO packet waiting for it', basis: 'MUST' },
  'app.socketio-connect-error': { severity: 'warning', rfc: 'Socket.IO protocol §Connection to a namespace', rule: 'the server refused the connection to a namespace', basis: 'evidence' },
  'app.mqtt-bad-packet': { severity: 'error', rfc: 'MQTT 3.1.1 §2; MQTT 5 §2', rule: 'a malformed MQTT control packet', basis: 'MUST', cites: ['MQTT 3.1.1 §2', 'MQTT 5 §2'] },
  'app.mqtt-text-frame': { severity: 'error', rfc: 'MQTT 3.1.1 §6.0', rule: 'MQTT sent in a text message (it must be binary)', basis: 'MUST' },
  'app.mqtt-incomplete': { severity: 'warning', rfc: 'MQTT 3.1.1 §6.0', rule: 'an MQTT packet begun and never completed before the connection ended', basis: 'evidence' },
  'app.mqtt-connack-refused': { severity: 'warning', rfc: 'MQTT 3.1.1 §3.2.2.3; MQTT 5 §3.2.2.2', rule: 'the broker refused the connection (CONNACK code other than 0)', basis: 'evidence', cites: ['MQTT 3.1.1 §3.2.2.3', 'MQTT 5 §3.2.2.2'] },
  'app.graphql-bad-message': { severity: 'error', rfc: 'GraphQL over WebSocket (graphql-transport-ws, graphql-ws)', rule: 'a GraphQL over WebSocket message that is not JSON, has no or an unknown type, lacks its id, or comes from the wrong side', basis: 'MUST', cites: ['GraphQL over WebSocket (graphql-transport-ws) §Message types', 'subscriptions-transport-ws PROTOCOL (graphql-ws)'] },
  'app.graphql-unknown-id': { severity: 'warning', rfc: 'GraphQL over WebSocket (graphql-transport-ws, graphql-ws)', rule: 'a result for an operation id no subscribe or start began', basis: 'evidence', cites: ['GraphQL over WebSocket (graphql-transport-ws) §Message types', 'subscriptions-transport-ws PROTOCOL (graphql-ws)'] },
  'app.graphql-error': { severity: 'warning', rfc: 'GraphQL over WebSocket (graphql-transport-ws, graphql-ws)', rule: 'the server answered an operation or the connection with an error', basis: 'evidence', cites: ['GraphQL over WebSocket (graphql-transport-ws) §Message types', 'subscriptions-transport-ws PROTOCOL (graphql-ws)'] },
  'app.json-invalid': { severity: 'error', rfc: 'RFC 8259', rule: 'text meant as JSON (it starts with { or [, or the connection is JSON-RPC) that does not parse', basis: 'MUST', cites: ['JSON-RPC 2.0 §4; RFC 8259'] },
  'app.jsonrpc-invalid': { severity: 'error', rfc: 'JSON-RPC 2.0 §4, §5', rule: 'a JSON-RPC 2.0 message of the wrong shape', basis: 'MUST' },
  'app.jsonrpc-unmatched-response': { severity: 'warning', rfc: 'JSON-RPC 2.0 §5', rule: 'a JSON-RPC response whose id no request is waiting for', basis: 'evidence' },
  'app.jsonrpc-unanswered': { severity: 'warning', rfc: 'JSON-RPC 2.0 §5', rule: 'a JSON-RPC request with no response before the connection ended', basis: 'evidence' },
  'internal.error': { severity: 'warning', rfc: null, rule: 'a packet the analysis failed on (a bug: please report it)', basis: 'evidence' },
} satisfies Record<string, CodeInfo>;

/** A registered code: what the places that raise a diagnostic name (the compiler holds them to the registry). */
export type Code = keyof typeof REGISTERED;

export const CODES: Readonly<Record<string, CodeInfo>> = REGISTERED;

/** The severity of a code: the registry's, never restated where it is raised. */
export function severityOf(code: Code): Severity {
  return REGISTERED[code].severity;
}

/**
 * The section a diagnostic cites: the registry's, or `cite`, the one of the
 * rule's sections that applies where it was raised (a request's rule, not a
 * response's); a test holds every cite to the rule's `cites`.
 */
export function sectionOf(code: Code, cite?: string | null): string | null {
  return cite ?? REGISTERED[code].rfc;
}

export function isKnownCode(code: string): boolean {
  return Object.hasOwn(CODES, code);
}

/** Text for a cell of a Markdown table: a pipe would end the cell, a line break the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

/**
 * The registry as the README shows it: one row per code, in the registry's
 * order (by family), with its severity, the section that states the rule and
 * the rule. The README holds this table as it is made here (a test compares
 * them; `npm run readme` writes it).
 */
export function codesTable(): string {
  const rows = Object.entries(CODES).map(([code, i]) => `| \`${code}\` | ${i.severity} | ${i.rfc === null ? '—' : cell(i.rfc)} | ${cell(i.rule)} |`);
  return ['| code | severity | section | what it means |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
