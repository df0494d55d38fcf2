// Diagnostics in words. The analysis says what it found as facts — a code
// and its values — and the sentence is made here, where the words (and the
// options of the command line a limit is set by) belong; the facts stay
// with the diagnostic (never exported), and zh-CN/diagnostics.ts says them
// in Chinese. Only internal.error (an exception's own message) is worded
// where it is raised.
import type { Code } from '../codes.js';
import { tlsVersionName } from '../tls/names.js';
import { diagnostic, type AfterGap, type DiagnosticFacts, type MqttField, type MqttProblem, type SocketIoProblem, type Where } from '../diagnostic.js';
import type { Diagnostic } from '../model.js';
import type { DeflateMismatch, DeflateParamProblem, DeflateResponseProblem } from '../deflate/negotiation.js';
import { closeCodeName, plural } from './words.js';
import { opcodeName } from '../websocket/frame.js';
import { previewPayload } from '../util/text.js';
import { clipText } from '../app/types.js';
import { errorName, FRAME_NAMES } from '../http2/frames.js';

export type { AfterGap, DiagnosticFacts, MqttField, MqttProblem };

/** A limit in bytes as its option is written: 16M, 64K, 1000 bytes. */
function limitText(n: number): string {
  for (const [unit, size] of [['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) if (n >= size && n % size === 0) return `${n / size}${unit}`;
  return `${n} bytes`;
}

function afterGap(a: AfterGap): string {
  switch (a) {
    case 'frames':
      return 'frame decoding goes on';
    case 'tls':
      return 'the TLS records after them are followed';
    case 'cut-head':
      return 'the HTTP head they belong to is read as far as it was captured';
    case 'awaiting':
      return 'what follows is read once the other side shows how';
    case 'http':
      return 'this direction is not decoded further';
    case 'http2':
      return 'the HTTP/2 frames after them are not decoded (nothing marks where the next one starts), nor the WebSocket streams they carried in this direction';
    case 'nothing':
      return 'nothing was being decoded here';
  }
}

function mqttField(f: MqttField): string {
  return typeof f === 'string' ? f : f.property;
}

function mqttProblem(p: MqttProblem): string {
  switch (p.problem) {
    case 'remaining-length':
      return 'its remaining length is longer than 4 bytes';
    case 'ends-inside':
      return `it ends inside its ${mqttField(p.field)}`;
    case 'varint-too-long':
      return `its ${mqttField(p.field)} is a variable byte integer longer than 4 bytes`;
    case 'not-utf8':
      return `its ${mqttField(p.field)} is not UTF-8`;
    case 'unknown-property':
      return `it has an unknown property identifier 0x${p.id.toString(16)}`;
    case 'properties-overrun':
      return 'its properties overrun their length';
    case 'reserved-type':
      return 'packet type 0 is reserved';
    case 'fixed-flags':
      return `its fixed-header flags are ${p.flags.toString(2).padStart(4, '0')}, not ${p.expected.toString(2).padStart(4, '0')}`;
    case 'reserved-connect-flag':
      return 'its reserved connect flag is set';
    case 'qos-3':
      return 'its QoS is 3';
    case 'no-subscription':
      return 'it subscribes to no topic';
    case 'no-unsubscription':
      return 'it unsubscribes from no topic';
    case 'auth-before-5':
      return 'AUTH exists only in MQTT 5';
    case 'bytes-left':
      return `${p.bytes} bytes are left after its fields`;
  }
}

function sockJsProblem(f: Extract<DiagnosticFacts, { code: 'app.sockjs-bad-frame' }>): string {
  switch (f.problem) {
    case 'binary':
      return `a binary message from the ${f.side}; SockJS frames are text`;
    case 'client-not-strings':
      return 'a SockJS client message that is not a JSON array of strings';
    case 'open-with-data':
      return 'a SockJS open frame with data after the "o"';
    case 'heartbeat-with-data':
      return 'a SockJS heartbeat frame with data after the "h"';
    case 'array-not-strings':
      return 'a SockJS "a" frame whose data is not a JSON array of strings';
    case 'message-not-string':
      return 'a SockJS "m" frame whose data is not a JSON string';
    case 'close-not-pair':
      return 'a SockJS close frame whose data is not [code, "reason"]';
    case 'unknown':
      return 'not a SockJS frame (o, h, a, m or c)';
  }
}

function graphQlProblem(f: Extract<DiagnosticFacts, { code: 'app.graphql-bad-message' }>): string {
  switch (f.problem) {
    case 'binary':
      return `a binary message from the ${f.side}; ${f.protocol} messages are JSON text: ${JSON.stringify(f.text)}`;
    case 'not-json':
      return `a ${f.protocol} message that is not JSON: ${JSON.stringify(f.text)}`;
    case 'not-typed':
      return `a ${f.protocol} message that is not an object with a string "type": ${JSON.stringify(f.text)}`;
    case 'unknown-type':
      return `${JSON.stringify(f.type)} is not a ${f.protocol} message type: ${JSON.stringify(f.text)}`;
    case 'wrong-side':
      return `the ${f.side} sent "${f.type}", which only the ${f.sender} sends in ${f.protocol}`;
    case 'no-id':
      return `a ${f.protocol} "${f.type}" message without an id`;
  }
}

function jsonRpcProblem(f: Extract<DiagnosticFacts, { code: 'app.jsonrpc-invalid' }>): string {
  switch (f.problem) {
    case 'empty-batch':
      return 'an empty JSON-RPC batch';
    case 'not-jsonrpc':
      return `a JSON-RPC message that is not an object with "jsonrpc": "2.0": ${f.item}`;
    case 'id-type':
      return `a JSON-RPC id that is not a string, number or null: ${f.id}`;
    case 'method-not-string':
      return 'a JSON-RPC request whose method is not a string';
    case 'request-with-result':
      return `a JSON-RPC request (${f.method}) that also carries a result or an error`;
    case 'result-and-error':
      return 'a JSON-RPC response with both a result and an error';
    case 'neither':
      return 'a JSON-RPC object with neither a method, a result nor an error';
    case 'response-without-id':
      return 'a JSON-RPC response without an id';
    case 'error-object':
      return 'a JSON-RPC error object without a numeric code and a string message';
  }
}

function engineIoProblem(f: Extract<DiagnosticFacts, { code: 'app.engineio-bad-packet' }>): string {
  switch (f.problem) {
    case 'binary-type':
      return `a binary Engine.IO 3 message whose first byte is ${f.first ?? 'missing'}, not 4 (message)`;
    case 'unknown-type':
      return `an Engine.IO packet of unknown type: ${JSON.stringify(f.text)}`;
    case 'open-without-sid':
      return `an Engine.IO open packet whose data is not a handshake object with a sid: ${JSON.stringify(f.data)}`;
  }
}

function stompProblem(f: Extract<DiagnosticFacts, { code: 'app.stomp-bad-frame' }>): string {
  switch (f.problem) {
    case 'no-eol':
      return `STOMP frame ${JSON.stringify(f.text)} has no end of line after its command`;
    case 'unknown-command':
      return `${JSON.stringify(f.command)} is not a STOMP command`;
    case 'cut-in-headers':
      return `STOMP ${f.command} frame ends in its headers (no blank line before the body)`;
    case 'header-without-colon':
      return `STOMP ${f.command} frame has a header line without a colon: ${JSON.stringify(f.line)}`;
  }
}

/** The sentence of a diagnostic, from its facts. */
/** What is wrong with a permessage-deflate parameter (also said of --decode-as). */
export function deflateParamText(p: DeflateParamProblem): string {
  switch (p.kind) {
    case 'repeated':
      return `${p.name} is given more than once`;
    case 'has-value':
      return `${p.name} must not have a value (got "${p.value}")`;
    case 'window-bits':
      return p.name === 'server_max_window_bits' ? `server_max_window_bits must be a number from 8 to 15 (got ${p.value === null ? 'no value' : `"${p.value}"`})` : `client_max_window_bits must be a number from 8 to 15 (got "${p.value}")`;
    case 'needs-value':
      return 'client_max_window_bits in a response must have a value';
    case 'unknown':
      return `unknown parameter ${p.name}`;
  }
}

function deflateMismatchText(m: DeflateMismatch): string {
  switch (m.kind) {
    case 'offer-invalid':
      return `the offer "${m.offer}" is itself invalid (${m.problems.map(deflateParamText).join('; ')}), so it cannot be accepted`;
    case 'takeover-not-granted':
      return 'the client asked for server_no_context_takeover and the response does not grant it';
    case 'client-bits-not-offered':
      return 'the response sets client_max_window_bits, which the client did not offer';
    case 'client-bits-above':
      return `the response sets client_max_window_bits=${m.response}, above the offered ${m.offered}`;
    case 'server-bits':
      return `the client limited server_max_window_bits to ${m.offered} and the response ${m.response === null ? 'does not confirm it' : `says ${m.response}`}`;
  }
}

function deflateResponseText(p: DeflateResponseProblem): string {
  if ('invalid' in p) return `the server's permessage-deflate response is invalid: ${p.invalid.map(deflateParamText).join('; ')}`;
  return p.mismatches.length === 1 ? deflateMismatchText(p.mismatches[0]!) : `it matches none of the ${p.offers} offers (${p.mismatches.map(deflateMismatchText).join('; ')})`;
}

function socketIoProblem(p: SocketIoProblem): string {
  switch (p.why) {
    case 'type':
      return `type ${JSON.stringify(p.char)} is not 0-6`;
    case 'no-attachments':
      return `a ${p.packet} without its count of attachments`;
    case 'not-json':
      return 'its data is not JSON';
    case 'not-event-array':
      return `an ${p.packet} whose data is not an array starting with the event name`;
    case 'not-array':
      return `an ${p.packet} whose data is not an array`;
    case 'no-id':
      return `an ${p.packet} without an id`;
  }
}

/** A TLS version's name for a sentence: "TLS 1.1", else its number. */
function noKeyText(f: Extract<DiagnosticFacts, { code: 'tls.no-key' }>): string {
  const r = f.reason;
  const logs = f.files.length === 0 ? 'the key logs' : `${f.files.length === 1 ? 'the key log' : 'the key logs'} ${f.files.join(', ')}`;
  switch (r.why) {
    case 'no-client-hello':
      return `the TLS records are not decrypted: the capture does not hold the ClientHello, whose client random is how a key log names the session (the capture began after the TLS handshake)`;
    case 'no-server-hello':
      return `the TLS records are not decrypted: the capture does not hold the ServerHello, so the TLS version and cipher suite are unknown (client random ${r.clientRandom})`;
    case 'no-key':
      return `no key for this TLS session (client random ${r.clientRandom}) in ${logs}: its secrets were not logged there, or were logged to another file${r.resumes === null ? '' : `; it resumes an earlier session (by ${r.resumes === 'ticket' ? 'ticket' : 'session ID'}) whose first connection is not in the capture: the key log line of that connection opens this one too`}`;
    case 'no-secret':
      return `${logs} ${f.files.length === 1 ? 'has' : 'have'} lines for client random ${r.clientRandom}, but not ${r.labels.join(' or ')}, which the ${f.side ?? 'connection'}'s records need`;
    case 'secret-length':
      return `the ${r.label} of client random ${r.clientRandom} (${r.source.file} line ${r.source.line}) is ${r.length} bytes; ${r.suite} needs ${r.need}`;
    case 'suite':
      return `the cipher suite ${r.suite} is not one wsdissect decrypts (client random ${r.clientRandom})`;
    case 'version':
      return `${tlsVersionName(r.version)} is not a TLS version wsdissect decrypts (client random ${r.clientRandom})`;
  }
}

function recordFailure(reason: string): string {
  switch (reason) {
    case 'authentication':
      return 'its authentication tag does not verify';
    case 'too-short':
      return 'it is too short to hold its tag';
    case 'no-content-type':
      return 'its inner plaintext has no content type';
    default:
      return reason;
  }
}

function keyLogLine(kind: Extract<DiagnosticFacts, { code: 'tls.keylog-line' }>['kind']): string {
  switch (kind) {
    case 'fields':
      return 'it is not LABEL, client random and secret';
    case 'client-random':
      return 'its client random is not 64 hex digits';
    case 'secret':
      return 'its secret is not hex of a length its label can have';
    case 'conflict':
      return 'another secret was logged before for the same label and client random (the first is used)';
  }
}


/** An HTTP/2 frame type by its name (RFC 9113 §6). */
function h2Frame(type: number): string {
  return FRAME_NAMES[type] ?? `frame type 0x${type.toString(16)}`;
}

/** Why a header block does not decode (http2/hpack.ts HpackError), in words. */
function hpackReason(reason: string): string {
  switch (reason) {
    case 'truncated':
      return 'it ends inside a field';
    case 'integer-overflow':
      return 'an integer too large';
    case 'index-zero':
      return 'index 0, which names no field';
    case 'index-out-of-range':
      return 'an index past both tables';
    case 'huffman-eos':
      return 'a Huffman string holding the end-of-string code';
    case 'huffman-padding':
      return 'a Huffman string badly padded';
    case 'table-size-over-limit':
      return 'a table size past the limit the peer set';
    case 'table-size-update-late':
      return 'a table size update after the first field';
    default:
      return reason;
  }
}

function h2FrameProblem(f: Extract<DiagnosticFacts, { code: 'h2.frame-error' }>): string {
  const frame = h2Frame(f.type);
  switch (f.what) {
    case 'stream-zero':
      return `a ${frame} frame on stream 0, which carries only the connection's own frames (PROTOCOL_ERROR)`;
    case 'stream-nonzero':
      return `a ${frame} frame on stream ${f.stream}: it belongs to stream 0 (PROTOCOL_ERROR)`;
    case 'padding':
      return `a ${frame} frame on stream ${f.stream} whose Pad Length is as long as its payload or longer (PROTOCOL_ERROR)`;
    case 'settings-length':
      return 'a SETTINGS frame whose length is not a multiple of 6 (FRAME_SIZE_ERROR)';
    case 'continuation-expected':
      return `a ${frame} frame on stream ${f.stream} in the middle of a header block that was still waiting for its CONTINUATION (PROTOCOL_ERROR); the unfinished block is dropped`;
    case 'continuation-unexpected':
      return `a CONTINUATION frame on stream ${f.stream} with no header block open on that stream (PROTOCOL_ERROR)`;
    case 'even-stream':
      return `the client opened stream ${f.stream}, an even number: streams a client opens are odd (PROTOCOL_ERROR)`;
    case 'frame-size':
      return `a ${frame} frame on stream ${f.stream} of a length its type does not allow (FRAME_SIZE_ERROR)`;
    case 'too-large':
      return `a ${frame} frame longer than the receiver's SETTINGS_MAX_FRAME_SIZE allows (FRAME_SIZE_ERROR, §4.2): the bytes are not read as HTTP/2 from there on`;
    case 'idle-stream':
      return `a ${frame} frame on stream ${f.stream}, which no HEADERS opened (an idle stream, §5.1: PROTOCOL_ERROR)`;
    case 'no-status':
      return `a response on stream ${f.stream} without a three-digit :status (a malformed response, §8.3.2): it is not read as the stream's answer`;
  }
}

export function diagnosticText(f: DiagnosticFacts): string {
  switch (f.code) {
    case 'h2.connect-not-enabled':
      return `stream ${f.stream}: the client sent an extended CONNECT (:protocol ${f.protocol}) ${f.setting === null ? 'before the server sent SETTINGS_ENABLE_CONNECT_PROTOCOL' : `while the server's SETTINGS_ENABLE_CONNECT_PROTOCOL was ${f.setting}`}: a server that has not enabled it reads the request as malformed`;
    case 'h2.connect-setting':
      return f.value > 1 ? `the ${f.side} sent SETTINGS_ENABLE_CONNECT_PROTOCOL = ${f.value}: the value must be 0 or 1` : `the ${f.side} sent SETTINGS_ENABLE_CONNECT_PROTOCOL = 0 after it had sent 1`;
    case 'h2.protocol-without-connect':
      return `stream ${f.stream}: a ${f.method} request carries :protocol ${f.protocol}; the pseudo-header exists only on an extended CONNECT`;
    case 'h2.connect-pseudo-missing':
      return `stream ${f.stream}: the extended CONNECT lacks ${f.missing.join(', ')}`;
    case 'h2.connect-scheme':
      return `stream ${f.stream}: the WebSocket extended CONNECT has ${f.scheme === null ? 'no :scheme' : `:scheme ${f.scheme}`}; it must be http (ws://) or https (wss://)`;
    case 'h2.connect-hop-header':
      return `stream ${f.stream}: the WebSocket extended CONNECT carries ${f.headers.join(' and ')}, which HTTP/2 does not have`;
    case 'h2.websocket-key':
      return `stream ${f.stream}: the ${f.in} carries ${f.headers.join(' and ')}; over HTTP/2 the :protocol pseudo-header takes their place, and they are not checked`;
    case 'h2.stream-reset':
      return `the ${f.side} reset WebSocket stream ${f.stream} (RST_STREAM ${errorName(f.error)}): the WebSocket ended abruptly, as a TCP reset ends one over HTTP/1.1`;
    case 'h2.goaway':
      return `the ${f.side} sent GOAWAY (${errorName(f.error)}, last stream ${f.lastStream})${f.open.length > 0 ? ` while WebSocket stream${f.open.length === 1 ? '' : 's'} ${f.open.join(', ')} ${f.open.length === 1 ? 'was' : 'were'} open${f.open.some((s) => s > f.lastStream) ? ` (stream${f.open.filter((s) => s > f.lastStream).length === 1 ? '' : 's'} ${f.open.filter((s) => s > f.lastStream).join(', ')} not processed by it)` : ''}` : ''}`;
    case 'h2.flow-control':
      return `the ${f.side} sent a DATA frame of ${f.length} bytes on stream ${f.stream} when ${f.connection ? "the connection's" : "the stream's"} flow-control window allowed ${Math.max(0, f.window)}`;
    case 'h2.frame-error':
      return `the ${f.side} sent ${h2FrameProblem(f)}`;
    case 'h2.hpack-error':
      return `stream ${f.stream}: a header block from the ${f.side} does not decode at byte ${f.at} (${hpackReason(f.reason)}); the fields before it are kept, and later blocks of this direction may be read wrong`;
    case 'h2.after-end-stream':
      return `the ${f.side} sent ${h2Frame(f.type)} on stream ${f.stream} after ending its side of the stream (END_STREAM in packet ${f.ended})`;
    case 'tls.no-key':
      return noKeyText(f);
    case 'tls.decrypt-failed':
      return `a TLS record from the ${f.side} does not open with the key log's keys (${recordFailure(f.reason)}): the secret logged for this session is wrong, or the record was damaged; its contents are not shown, and the records after it are tried again`;
    case 'tls.keylog-line':
      return `${f.file} line ${f.line} is not read: ${keyLogLine(f.kind)} (${f.text}${f.hidden.length === 0 ? '' : ` followed by ${f.hidden.join(' + ')} ${f.hidden.length === 1 && f.kind !== 'fields' ? 'hex digits' : 'characters'}, not shown`})${f.more > 0 ? `; ${f.more} more ${f.more === 1 ? 'line' : 'lines'} of the key logs not read` : ''}`;
    case 'limit.connections':
      return `more than ${f.max} connections were open at once (--max-connections ${f.max}): ${f.evicted} of them, the quietest each time, were reported before they ended, from packet ${f.from} on; a later packet of one of them starts a new connection`;
    case 'limit.reassembly':
      return `${f.bytes} bytes from the ${f.side} were given up on: the data that followed them, held out of order, passed the reassembly limit (${limitText(f.perDirection)} per direction, --max-reassembly; ${limitText(f.total)} in all, --max-reassembly-total); ${afterGap(f.after)}`;
    case 'tcp.gap':
      return `${f.bytes} bytes from the ${f.side} were never captured (capture loss); ${afterGap(f.after)}`;
    case 'http.too-many-headers':
      return `an HTTP head has ${f.lines} header lines, more than the limit of ${f.max} (--max-http-headers): only the first ${f.max} are read`;
    case 'http.head-too-large':
      return `an HTTP head grew past ${limitText(f.max)} (--max-http-head) without ending; the rest of this direction is not decoded`;
    case 'limit.payload':
      if ('mqtt' in f) return `an MQTT ${f.mqtt.type} packet of ${f.mqtt.length} bytes from the ${f.mqtt.side}: more than the ${f.max} followed across messages, so it is passed over undecoded`;
      return 'frame' in f
        ? `this frame carries ${f.frame.length} payload bytes; only the first ${limitText(f.held)} were held (--max-frame-payload), so its content is not checked`
        : `${f.message.type} message ${f.message.index} is ${f.message.length} bytes over ${f.message.frames} frames; only the first ${limitText(f.held)} were held (--max-frame-payload), so its content is not checked`;
    case 'message.inflate-limit':
      return `${f.type} message ${f.index} (${f.compressed} compressed bytes) inflates to more than ${f.limit} bytes: inflation stopped at the limit (--inflate-limit)`;
    case 'tcp.handshake-missing': {
      const roles = f.rolesFrom === 'http' ? 'the HTTP exchange' : f.rolesFrom === 'frames' ? 'the masking of the frames' : 'the port numbers';
      const how = f.detection === 'heuristic' ? '; WebSocket was recognised from a run of valid frames' : f.detection === 'decode-as' ? '; decoded as WebSocket as asked (--decode-as)' : f.detection === 'response' ? "; the server's 101 switches it to WebSocket, answering an upgrade request the capture does not hold (its key and offers cannot be checked)" : '';
      return `the capture starts in the middle of this connection (no SYN seen); the roles come from ${roles}${how}`;
    }
    case 'capture.unknown-link-type':
      return `packets of ${f.linkType} cannot be decoded; they are skipped`;
    case 'capture.truncated-packet':
      return `packet ${f.packet} was cut by the snapshot length (${f.captured} of ${f.original} bytes captured); its missing bytes are a gap in the stream`;
    case 'ip.fragments-incomplete':
      return `${plural(f.datagrams, 'fragmented IP datagram')} never had all fragments captured; their bytes are missing from the streams`;
    case 'internal.error':
      return `${f.stage === 'packet' ? `packet ${f.packet} could not be analysed` : `connection ${f.connection} could not be ${f.stage === 'finish' ? 'finished' : 'reported'}`}: ${f.error}`;
    case 'capture.damaged':
      return `${f.compressed ? 'the compressed file' : 'the file'} is damaged after packet ${f.after}: ${f.reason}; everything before it was read`;
    case 'capture.truncated-file':
      return f.inside ? `the file ends in the middle of ${f.inside.what} (${f.inside.left} bytes after packet ${f.after}); everything before it was read` : `the compressed file ends early, after packet ${f.after}; everything before it was read`;
    case 'frame.client-unmasked':
      return `the client sent a ${opcodeName(f.opcode)} frame without the MASK bit; clients must mask every frame`;
    case 'frame.server-masked':
      return `the server sent a masked ${opcodeName(f.opcode)} frame (key ${f.key}); servers must not mask`;
    case 'frame.reserved-opcode':
      return `opcode 0x${f.opcode.toString(16)} is reserved and must not be used without an extension defining it`;
    case 'frame.control-too-long':
      return `a ${opcodeName(f.opcode)} frame carries ${f.length} bytes; control frames may carry at most 125`;
    case 'frame.control-fragmented':
      return `a ${opcodeName(f.opcode)} frame has FIN clear; control frames must not be fragmented`;
    case 'frame.length-not-minimal':
      return `a payload length of ${f.length} is sent in the ${f.bits}-bit form; the shortest form must be used`;
    case 'frame.length-msb-set':
      return `the 64-bit payload length ${f.length} has its most significant bit set`;
    case 'frame.rsv1-on-control':
      return `RSV1 is set on a ${opcodeName(f.opcode)} frame; permessage-deflate never compresses control frames`;
    case 'frame.rsv1-on-continuation':
      return 'RSV1 is set on a continuation frame; under permessage-deflate only the first frame of a message carries it';
    case 'frame.rsv-without-extension': {
      const many = f.bits.length > 1;
      return `${f.bits.join(' and ')} ${many ? 'are' : 'is'} set on a ${opcodeName(f.opcode)} frame, but no negotiated extension defines ${many ? 'them' : 'it'}`;
    }
    case 'frame.expected-continuation':
      return `a new ${f.type} frame arrived while message ${f.open} was still open; a continuation frame was expected`;
    case 'frame.unexpected-continuation':
      return 'a continuation frame arrived with no fragmented message open';
    case 'close.payload-one-byte':
      return 'the close frame body is 1 byte; it must be empty or start with a 2-byte status code';
    case 'close.invalid-code':
      return `close status code ${f.closeCode} (${closeCodeName(f.closeCode)}) must not be sent in a Close frame`;
    case 'close.invalid-utf8-reason':
      return 'the close reason is not valid UTF-8';
    case 'handshake.method':
      return `the upgrade request uses ${f.method}; it must be GET`;
    case 'handshake.http-version':
      return `the upgrade request is ${f.version}; it must be HTTP/1.1 or higher`;
    case 'handshake.host-missing':
      return 'the upgrade request has no Host header';
    case 'handshake.upgrade-header':
      if (f.got) return `the ${f.in}'s Upgrade header is "${f.got}"; it must be "websocket"`;
      return f.in === 'request' ? 'the request has no Upgrade: websocket header' : 'the 101 response has no Upgrade: websocket header';
    case 'handshake.connection-header':
      if (f.got) return `the ${f.in}'s Connection header is "${f.got}"; it must include the Upgrade token`;
      return f.in === 'request' ? 'the request has no Connection: Upgrade header' : 'the 101 response has no Connection: Upgrade header';
    case 'handshake.key-invalid':
      if ('key' in f) return `Sec-WebSocket-Key "${f.key}" is not base64 of exactly 16 bytes (it decodes to ${f.decodedBytes})`;
      return f.keys === 0 ? 'the request has no Sec-WebSocket-Key header' : `the request has ${f.keys} Sec-WebSocket-Key headers; it must have exactly one`;
    case 'handshake.version':
      return f.versions.length === 0 ? 'the request has no Sec-WebSocket-Version header; it must be 13' : `Sec-WebSocket-Version is "${f.versions.join(', ')}"; it must be 13`;
    case 'handshake.rejected':
      if (f.http2) return `the server answered the WebSocket's extended CONNECT with ${f.status}${f.reason ? ` ${f.reason}` : ''}, not 2xx: no WebSocket on this stream`;
      return `the server answered the upgrade with ${f.status}${f.reason ? ` ${f.reason}` : ''}, not 101 Switching Protocols`;
    case 'handshake.accept-missing':
      return 'the 101 response has no Sec-WebSocket-Accept header';
    case 'handshake.accept-mismatch':
      return `Sec-WebSocket-Accept is ${f.accepts.join(', ')}, expected ${f.expected} (base64 of SHA-1 of the key and the GUID)`;
    case 'handshake.subprotocol-not-offered':
      return `the server selected subprotocol "${f.chosen}", which the client did not offer (offered: ${f.offered.join(', ') || 'none'})`;
    case 'handshake.extension-not-offered':
      if ('parameters' in f) return `the server accepted permessage-deflate with parameters the client cannot accept: ${deflateResponseText(f.parameters)}`;
      return f.why === 'repeated' ? `the server's response names "${f.name}" more than once` : `the server accepted extension "${f.name}", which the client did not offer`;
    case 'handshake.no-response':
      return `the upgrade request in packet ${f.request} got no response in this capture`;
    case 'handshake.frames-before-upgrade':
      return `the client sent a ${f.opcode === 1 ? 'text' : f.opcode === 2 ? 'binary' : 'data'} frame in packet ${f.packet}, before the server's 101 response completed`;
    case 'tcp.overlap-conflict':
      return `packet ${f.packet} carries bytes already received, and they differ from the first copy (the first copy is kept)`;
    case 'ws.unframed':
      return `${f.bytes} bytes from the ${f.side} could not be framed before the capture ended`;
    case 'ws.resync':
      if ('packet' in f) {
        const where = f.undecrypted ? 'after a TLS record that could not be decrypted' : f.afterLoss ? 'after the bytes the capture lost' : 'at the start of the capture';
        const what = f.skipped === 0 ? 'at the first byte' : `after ${f.skipped} bytes that could not be framed (no frame is invented for them)`;
        return `frame decoding resumed ${where}, in packet ${f.packet}, ${what}`;
      }
      return `the first ${f.bytes} bytes from the ${f.side} are the end of a frame that began before the capture; decoding starts at the next frame header`;
    case 'handshake.truncated': {
      const head = `the ${f.role === 'request' ? 'upgrade request' : 'response'} in packet ${f.packet} was not captured whole (${plural(f.bytes, 'byte')} of it were, ${plural(f.headers, 'header line')})`;
      if (f.role === 'request') return `${head}: ${f.upgrade ? 'it asks to upgrade' : 'whether it asks to upgrade is among the missing bytes (the response says it did)'}; its rules are not checked, and the response is not judged against what it offered`;
      return `${head}: the connection is upgraded (status 101); ${f.acceptChecked ? 'Sec-WebSocket-Accept is checked' : 'Sec-WebSocket-Accept is not among the captured headers, so it is not checked'}${f.extensionsKnown ? '' : ', and the extensions agreed are not known (RSV1, if it comes, is taken for permessage-deflate)'}; frames are decoded from the next segment on`;
    }
    case 'close.data-after-close':
      return `the ${f.side} sent a data frame after its own Close frame (frame ${f.close})`;
    case 'message.inflate-failed':
      return `compressed ${f.type} message ${f.index} (${f.length} bytes) does not inflate in its negotiated context (${f.takeover ? 'with' : 'without'} context takeover, window ${f.windowBits} bits): ${f.detail}`;
    case 'message.invalid-utf8':
      return `text message ${f.index} (${f.length} bytes${f.inflated ? ' once inflated' : ''}) is not valid UTF-8`;
    case 'pong.payload-mismatch':
      return `this pong carries ${previewPayload(f.pong, 24)}, but the ping it answers (packet ${f.pingPacket}) carried ${previewPayload(f.ping, 24)}`;
    case 'ping.unanswered': {
      const peer = f.side === 'client' ? 'server' : 'client';
      return `the ${f.side}'s ping in packet ${f.packet}${f.count > 1 ? ` (and ${f.count - 1} before it)` : ''} got no pong from the ${peer} before the connection ended`;
    }
    case 'close.abnormal':
      if (f.stream) return `the HTTP/2 stream ended (${f.teardown === 'rst' ? 'RST_STREAM' : 'END_STREAM'}) with no Close frame from either side`;
      return `the TCP connection ended (${f.teardown.toUpperCase()}) with no Close frame from either side`;
    case 'close.not-echoed': {
      const peer = f.initiator === 'client' ? 'server' : 'client';
      return `the ${f.initiator} sent Close (packet ${f.packet}) but the ${peer} never answered with its own Close before the connection ended`;
    }
    case 'close.client-closed-tcp-first':
      return 'the client closed TCP before the server did; the server should close first so that it does not hold TIME_WAIT';
    case 'app.engineio-bad-packet':
      return engineIoProblem(f);
    case 'app.socketio-bad-packet':
      return `the Socket.IO packet in Engine.IO message ${JSON.stringify(f.text)} does not parse: ${socketIoProblem(f.problem)}`;
    case 'app.socketio-connect-error':
      return `the server refused the connection to namespace ${clipText(f.namespace, 60)}: ${clipText(f.args, 80)}`;
    case 'app.socketio-unexpected-binary':
      return `a binary message (${f.bytes} bytes) from the ${f.side} with no BINARY_EVENT or BINARY_ACK waiting for an attachment`;
    case 'app.socketio-missing-attachment':
      return `the ${f.side}'s ${f.packet}${f.event !== undefined ? ` ${JSON.stringify(clipText(f.event, 60))}` : ''} announced ${plural(f.announced, 'binary attachment')} but ${f.followed} followed it`;
    case 'app.sockjs-bad-frame':
      return `${sockJsProblem(f)}: ${JSON.stringify(f.text)}`;
    case 'app.graphql-bad-message':
      return graphQlProblem(f);
    case 'app.json-invalid':
      return `a text message that is not valid JSON (${f.error}): ${JSON.stringify(f.text)}`;
    case 'app.jsonrpc-invalid':
      return jsonRpcProblem(f);
    case 'app.jsonrpc-unmatched-response':
      return `a JSON-RPC response with id ${clipText(f.id, 40)}, which no request from the ${f.peer} is waiting for`;
    case 'app.jsonrpc-unanswered':
      return `the ${f.side}'s JSON-RPC request ${f.method} (id ${clipText(f.id, 40)}, packet ${f.packet}) got no response before the connection ended`;
    case 'app.mqtt-text-frame':
      return `the ${f.side} sent a text message (${f.bytes} bytes) on an MQTT connection; MQTT packets must be sent in binary frames`;
    case 'app.mqtt-connack-refused':
      return `the broker refused the connection: ${f.reason} (${f.reasonCode})`;
    case 'app.mqtt-bad-packet':
      return `a malformed MQTT ${f.type} packet from the ${f.side}: ${mqttProblem(f)}${f.fatal ? `; the ${f.side}'s packets are not decoded further` : ''}`;
    case 'app.mqtt-incomplete':
      return `the ${f.side}'s last MQTT ${f.type} packet never completed (${f.seen}${f.need !== null ? ` of ${f.need}` : ''} bytes of it seen)`;
    case 'app.stomp-bad-frame':
      return stompProblem(f);
    case 'app.stomp-content-length':
      if ('came' in f) return `STOMP ${f.command} frame says content-length ${f.length}, but only ${f.came} bytes of its body came`;
      return `STOMP ${f.command} frame says content-length ${f.length}, but its body is ${f.body} bytes${f.nul ? '' : ' with no NUL after it'}`;
    case 'app.stomp-no-null':
      return `STOMP ${f.command} frame is not terminated by a NUL byte`;
    case 'app.stomp-error':
      return `the STOMP server sent ERROR${f.message ? `: ${clipText(f.message, 80)}` : ''}${f.body ? ` (${clipText(f.body, 80)})` : ''}`;
    case 'app.graphql-unknown-id':
      return `a ${f.protocol} "${f.type}" for id ${JSON.stringify(f.id)}, which no operation started`;
    case 'app.graphql-error': {
      const to = f.to === null ? 'the connection' : 'name' in f.to ? f.to.name : `operation ${f.to.id}`;
      return `the server answered ${to} with "${f.type}": ${clipText(f.payload, 100)}`;
    }
    case 'ws.deflate-assumed': {
      const first = f.first;
      const shown = first === null ? 'no compressed message was captured whole' : first.inflated !== null ? `the first compressed message (${first.index}) inflates cleanly, ${first.length} → ${first.inflated} bytes` : `the first compressed message (${first.index}) does not inflate on its own: it refers back to bytes sent before the capture`;
      return `the ${f.side} sent a data frame with RSV1 set and the handshake that agreed on extensions is not in the capture: permessage-deflate is assumed (RFC 7692 defaults, context takeover), and ${shown}; messages are inflated where their window is in the capture (--decode-as PORT:permessage-deflate;… says what was agreed)`;
    }
  }
}

/** A diagnostic from its facts, where it was. */
export function told(f: DiagnosticFacts, where: Where = {}, cite?: string | null): Diagnostic {
  return diagnostic(f.code, diagnosticText(f), where, cite, f);
}

/** A finding (a code, its sentence and the facts it was made from). */
export function said(f: DiagnosticFacts): { code: Code; message: string; facts: DiagnosticFacts } {
  return { code: f.code, message: diagnosticText(f), facts: f };
}
