// Every diagnostic wsdissect reports: its stable code, severity and the
// section of the RFC that states the rule. The codes are a public interface
// (CI pipelines filter on them): add codes freely, never rename one.
import type { Severity } from './model.js';

export interface CodeInfo {
  severity: Severity;
  rfc: string | null;
  rule: string;
}

export const CODES: Readonly<Record<string, CodeInfo>> = {
  'handshake.method': { severity: 'error', rfc: 'RFC 6455 §4.1', rule: 'the upgrade request method is not GET' },
  'handshake.http-version': { severity: 'error', rfc: 'RFC 6455 §4.1', rule: 'the upgrade request is not HTTP/1.1 or higher' },
  'handshake.host-missing': { severity: 'error', rfc: 'RFC 6455 §4.1', rule: 'the upgrade request has no Host header' },
  'handshake.upgrade-header': { severity: 'error', rfc: 'RFC 6455 §4.1, §4.2.2', rule: 'the request or response lacks Upgrade: websocket' },
  'handshake.connection-header': { severity: 'error', rfc: 'RFC 6455 §4.1, §4.2.2', rule: 'the request or response Connection header lacks the Upgrade token' },
  'handshake.key-invalid': { severity: 'error', rfc: 'RFC 6455 §4.1', rule: 'Sec-WebSocket-Key missing, repeated, or not base64 of 16 bytes' },
  'handshake.version': { severity: 'error', rfc: 'RFC 6455 §4.1', rule: 'Sec-WebSocket-Version missing or not 13' },
  'handshake.accept-missing': { severity: 'error', rfc: 'RFC 6455 §4.2.2', rule: 'a 101 response without Sec-WebSocket-Accept' },
  'handshake.accept-mismatch': { severity: 'error', rfc: 'RFC 6455 §4.2.2', rule: 'Sec-WebSocket-Accept is not base64(SHA-1(key + GUID))' },
  'handshake.subprotocol-not-offered': { severity: 'error', rfc: 'RFC 6455 §4.1', rule: 'the server selected a subprotocol the client did not offer' },
  'handshake.extension-not-offered': { severity: 'error', rfc: 'RFC 6455 §9.1; RFC 7692 §7.1', rule: 'the server accepted an extension, or parameters, the client did not offer' },
  'handshake.rejected': { severity: 'warning', rfc: 'RFC 6455 §4.2.2', rule: 'the server answered the upgrade with a status other than 101' },
  'handshake.no-response': { severity: 'warning', rfc: 'RFC 6455 §4.1', rule: 'an upgrade request whose response was never seen' },
  'handshake.frames-before-upgrade': { severity: 'error', rfc: 'RFC 6455 §4.1', rule: 'a data frame sent before the 101 response completed' },
  'frame.client-unmasked': { severity: 'error', rfc: 'RFC 6455 §5.1', rule: 'a client-to-server frame without the MASK bit' },
  'frame.server-masked': { severity: 'error', rfc: 'RFC 6455 §5.1', rule: 'a server-to-client frame with the MASK bit' },
  'frame.rsv-without-extension': { severity: 'error', rfc: 'RFC 6455 §5.2', rule: 'RSV1/2/3 set with no negotiated extension defining it' },
  'frame.reserved-opcode': { severity: 'error', rfc: 'RFC 6455 §5.2', rule: 'opcode 0x3-0x7 or 0xB-0xF' },
  'frame.control-too-long': { severity: 'error', rfc: 'RFC 6455 §5.5', rule: 'a close, ping or pong payload over 125 bytes' },
  'frame.control-fragmented': { severity: 'error', rfc: 'RFC 6455 §5.5', rule: 'a close, ping or pong with FIN clear' },
  'frame.length-not-minimal': { severity: 'warning', rfc: 'RFC 6455 §5.2', rule: 'a payload length not in its shortest form' },
  'frame.length-msb-set': { severity: 'error', rfc: 'RFC 6455 §5.2', rule: 'a 64-bit length with its most significant bit set' },
  'frame.unexpected-continuation': { severity: 'error', rfc: 'RFC 6455 §5.4', rule: 'a continuation frame with no fragmented message open' },
  'frame.expected-continuation': { severity: 'error', rfc: 'RFC 6455 §5.4', rule: 'a new text or binary frame while a fragmented message is open' },
  'frame.rsv1-on-continuation': { severity: 'error', rfc: 'RFC 7692 §6.1', rule: 'RSV1 on a continuation frame under permessage-deflate' },
  'frame.rsv1-on-control': { severity: 'error', rfc: 'RFC 7692 §6.1', rule: 'RSV1 on a control frame' },
  'message.invalid-utf8': { severity: 'error', rfc: 'RFC 6455 §5.6', rule: 'a text message (reassembled and inflated) that is not UTF-8' },
  'message.inflate-failed': { severity: 'error', rfc: 'RFC 7692 §6.2', rule: 'a compressed message that does not inflate in its negotiated context' },
  'message.inflate-limit': { severity: 'warning', rfc: 'RFC 7692 §7.2.2', rule: 'inflation stopped at the output limit (decompression bomb guard)' },
  'close.payload-one-byte': { severity: 'error', rfc: 'RFC 6455 §5.5.1', rule: 'a close frame whose body is exactly 1 byte' },
  'close.invalid-code': { severity: 'error', rfc: 'RFC 6455 §7.4', rule: 'a close status code that must not be sent' },
  'close.invalid-utf8-reason': { severity: 'error', rfc: 'RFC 6455 §5.5.1', rule: 'a close reason that is not UTF-8' },
  'close.data-after-close': { severity: 'error', rfc: 'RFC 6455 §5.5.1', rule: 'a data frame sent after that endpoint sent Close' },
  'close.not-echoed': { severity: 'warning', rfc: 'RFC 6455 §5.5.1', rule: "one side sent Close and the connection ended without the other's" },
  'close.abnormal': { severity: 'warning', rfc: 'RFC 6455 §7.1.5', rule: 'the TCP connection ended with no Close frame in either direction' },
  'close.client-closed-tcp-first': { severity: 'info', rfc: 'RFC 6455 §7.1.1', rule: 'the client closed TCP before the server did' },
  'ping.unanswered': { severity: 'warning', rfc: 'RFC 6455 §5.5.2', rule: 'a ping with no pong before the connection ended' },
  'pong.payload-mismatch': { severity: 'warning', rfc: 'RFC 6455 §5.5.3', rule: "a pong that does not carry its ping's data" },
  'capture.truncated-packet': { severity: 'warning', rfc: null, rule: 'a packet cut by the snapshot length' },
  'capture.truncated-file': { severity: 'warning', rfc: null, rule: 'the file ends in the middle of a record' },
  'capture.damaged': { severity: 'warning', rfc: null, rule: 'a damaged record or block: reading stops there' },
  'capture.unknown-link-type': { severity: 'warning', rfc: null, rule: 'packets of a link type wsdissect cannot decode' },
  'ip.fragments-incomplete': { severity: 'warning', rfc: null, rule: 'fragmented IP datagrams that never completed' },
  'tcp.gap': { severity: 'warning', rfc: null, rule: 'bytes missing from a TCP direction (capture loss)' },
  'tcp.overlap-conflict': { severity: 'warning', rfc: null, rule: 'a retransmitted segment with different bytes' },
  'tcp.handshake-missing': { severity: 'info', rfc: null, rule: 'the capture starts mid-connection' },
  'ws.resync': { severity: 'info', rfc: null, rule: 'frame decoding resumed at a plausible frame header' },
  'ws.unframed': { severity: 'info', rfc: null, rule: 'bytes that could not be framed before the capture ended' },
  'http.head-too-large': { severity: 'warning', rfc: null, rule: 'an HTTP head past the size limit' },
  'http.too-many-headers': { severity: 'warning', rfc: null, rule: 'an HTTP head with more header lines than the limit' },
  'limit.payload': { severity: 'warning', rfc: null, rule: 'a frame or message larger than the payload bytes held for it' },
  'limit.reassembly': { severity: 'warning', rfc: null, rule: 'bytes given up on because the out-of-order data after them passed the reassembly limit' },
  'limit.connections': { severity: 'warning', rfc: null, rule: 'more connections open at once than are tracked: the quietest were reported early' },
  // the application protocols on WebSocket (src/app/): errors inside them, never crashes
  'app.stomp-bad-frame': { severity: 'error', rfc: 'STOMP 1.2 §STOMP Frames', rule: 'a STOMP frame without a known command, with a header line without a colon, or cut in its headers' },
  'app.stomp-no-null': { severity: 'error', rfc: 'STOMP 1.2 §STOMP Frames', rule: 'a STOMP frame whose body is not terminated by a NUL byte' },
  'app.stomp-content-length': { severity: 'error', rfc: 'STOMP 1.2 §Header content-length', rule: 'a STOMP body whose length differs from its content-length header' },
  'app.stomp-error': { severity: 'warning', rfc: 'STOMP 1.2 §ERROR', rule: 'the STOMP server sent an ERROR frame' },
  'app.sockjs-bad-frame': { severity: 'error', rfc: 'SockJS protocol 0.3.3 §Framing', rule: 'a message that is not a SockJS frame (o, h, a[…], m"…", c[code,"reason"]; from the client, a JSON array of strings)' },
  'app.engineio-bad-packet': { severity: 'error', rfc: 'Engine.IO protocol §Packet encoding', rule: 'an Engine.IO packet of unknown type, or an open packet without its handshake' },
  'app.socketio-bad-packet': { severity: 'error', rfc: 'Socket.IO protocol §Packet format', rule: 'a Socket.IO packet that does not parse' },
  'app.socketio-missing-attachment': { severity: 'error', rfc: 'Socket.IO protocol §Packet format', rule: 'a binary Socket.IO packet whose announced attachments did not all follow it' },
  'app.socketio-unexpected-binary': { severity: 'error', rfc: 'Socket.IO protocol §Packet format', rule: 'a binary message with no binary Socket.IO packet waiting for it' },
  'app.socketio-connect-error': { severity: 'warning', rfc: 'Socket.IO protocol §Connection to a namespace', rule: 'the server refused the connection to a namespace' },
  'app.mqtt-bad-packet': { severity: 'error', rfc: 'MQTT 3.1.1 §2; MQTT 5 §2', rule: 'a malformed MQTT control packet' },
  'app.mqtt-text-frame': { severity: 'error', rfc: 'MQTT 3.1.1 §6.0', rule: 'MQTT sent in a text message (it must be binary)' },
  'app.mqtt-incomplete': { severity: 'warning', rfc: 'MQTT 3.1.1 §6.0', rule: 'an MQTT packet begun and never completed before the connection ended' },
  'app.mqtt-connack-refused': { severity: 'warning', rfc: 'MQTT 3.1.1 §3.2.2.3; MQTT 5 §3.2.2.2', rule: 'the broker refused the connection (CONNACK code other than 0)' },
  'app.graphql-bad-message': { severity: 'error', rfc: 'GraphQL over WebSocket (graphql-transport-ws, graphql-ws)', rule: 'a GraphQL over WebSocket message that is not JSON, has no or an unknown type, lacks its id, or comes from the wrong side' },
  'app.graphql-unknown-id': { severity: 'warning', rfc: 'GraphQL over WebSocket (graphql-transport-ws, graphql-ws)', rule: 'a result for an operation id no subscribe or start began' },
  'app.graphql-error': { severity: 'warning', rfc: 'GraphQL over WebSocket (graphql-transport-ws, graphql-ws)', rule: 'the server answered an operation or the connection with an error' },
  'app.json-invalid': { severity: 'error', rfc: 'RFC 8259', rule: 'text meant as JSON (it starts with { or [, or the connection is JSON-RPC) that does not parse' },
  'app.jsonrpc-invalid': { severity: 'error', rfc: 'JSON-RPC 2.0 §4, §5', rule: 'a JSON-RPC 2.0 message of the wrong shape' },
  'app.jsonrpc-unmatched-response': { severity: 'warning', rfc: 'JSON-RPC 2.0 §5', rule: 'a JSON-RPC response whose id no request is waiting for' },
  'app.jsonrpc-unanswered': { severity: 'warning', rfc: 'JSON-RPC 2.0 §5', rule: 'a JSON-RPC request with no response before the connection ended' },
  'internal.error': { severity: 'warning', rfc: null, rule: 'a packet the analysis failed on (a bug: please report it)' },
};

export function isKnownCode(code: string): boolean {
  return Object.hasOwn(CODES, code);
}
