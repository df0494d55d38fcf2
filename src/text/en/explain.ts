// Explain mode in English (the interface: text/explain-words.ts).
import type { ExplainWords, FrameFacts } from '../explain-words.js';
import { closeCodeName } from '../words.js';
import { opcodeName } from '../../websocket/frame.js';
import { formatRtt, plural } from '../words.js';
import { sanitize } from '../../util/text.js';

/** What each header of the opening handshake is for. */
const HEADER_PURPOSE: Readonly<Record<string, string>> = {
  ':method': 'CONNECT, with :protocol below: the extended CONNECT of RFC 8441 §4, which opens a tunnel on this stream rather than to a host',
  ':protocol': 'the protocol the stream is to carry: "websocket" in place of HTTP/1.1\'s Upgrade and Connection (RFC 8441 §4, §5)',
  ':scheme': 'http for ws://, https for wss:// (RFC 8441 §5)',
  ':path': 'the path and query of the WebSocket URI (RFC 8441 §4)',
  ':authority': 'the host (and port) the WebSocket is for, in place of Host (RFC 8441 §5)',
  host: 'which site the request is for; required by HTTP/1.1 and by RFC 6455 §4.1',
  upgrade: 'asks to switch this connection from HTTP to another protocol, here "websocket" (§4.1)',
  connection: 'must contain "Upgrade": the Upgrade header is for this hop, not to be forwarded (§4.1)',
  'sec-websocket-key': 'a random 16-byte nonce in base64; the server must prove it read it by hashing it into Sec-WebSocket-Accept (§4.1)',
  'sec-websocket-version': 'the WebSocket protocol version; 13 is RFC 6455 (§4.1)',
  'sec-websocket-protocol': 'application protocols (subprotocols) the client can speak, in order of preference; the server picks at most one (§1.9, §4.1)',
  'sec-websocket-extensions': 'extensions the client offers, such as permessage-deflate compression (RFC 7692); the server accepts some or none (§9.1)',
  'sec-websocket-accept': "the server's proof that it understood a WebSocket handshake: base64 of SHA-1 of the key and a fixed GUID (§4.2.2)",
  origin: 'the web page that opened the socket; a browser always sends it, so a server can refuse other sites (§4.1, §10.2)',
  'user-agent': 'the client software; not part of the WebSocket handshake',
  cookie: 'cookies, sent as with any HTTP request; may authenticate the user',
  'cache-control': 'caching instructions; not part of the WebSocket handshake',
  pragma: 'old HTTP/1.0 caching instruction; not part of the WebSocket handshake',
  'accept-encoding': 'compressions accepted for an HTTP body; no effect on WebSocket frames',
  'accept-language': 'preferred languages; not part of the WebSocket handshake',
  server: 'the server software; not part of the WebSocket handshake',
  date: 'when the response was sent',
  authorization: 'credentials for the server, as with any HTTP request',
};

/** In a response, some headers answer rather than ask. */
const RESPONSE_PURPOSE: Readonly<Record<string, string>> = {
  ':status': 'the status of the answer, an HTTP/2 pseudo-header: any 2xx opens the WebSocket on the stream (RFC 8441 §5)',
  upgrade: 'confirms the switch to the protocol "websocket" (§4.2.2)',
  connection: 'must contain "Upgrade", as in the request (§4.2.2)',
  'sec-websocket-protocol': "the one subprotocol the server chose from the client's list (§4.2.2)",
  'sec-websocket-extensions': 'the extensions the server accepted, with their parameters; the only ones either side may use (§9.1)',
};

const OPCODE_MEANING: Readonly<Record<number, string>> = {
  0x0: 'a continuation frame: the next fragment of a message begun earlier',
  0x1: 'a text frame: UTF-8 text',
  0x2: 'a binary frame: bytes for the application to interpret',
  0x8: 'a Close frame: the sender starts (or answers) the closing handshake',
  0x9: 'a Ping: the peer must answer with a Pong carrying the same data',
  0xa: 'a Pong: the answer to a Ping (or an unsolicited heartbeat)',
};

function frame(f: FrameFacts): string {
  const hex = f.opcode.toString(16);
  const dir = f.from === 'client' ? 'client → server' : 'server → client';
  const what = OPCODE_MEANING[f.opcode] ?? `opcode 0x${hex}, which RFC 6455 reserves: no endpoint may send it`;
  const fin = f.fin ? (f.opcode === 0 ? 'FIN set: the last fragment, the message is complete' : f.opcode >= 8 ? 'FIN set (control frames are never fragmented)' : 'FIN set: the whole message in one frame') : 'FIN clear: more fragments of this message follow';
  const mask = f.masked ? `masked with key ${f.maskingKey}` : 'not masked';
  let content = '';
  if (f.close) content = f.close.code === null ? ', with no status code' : `, status ${f.close.code} (${closeCodeName(f.close.code)})${f.close.reason !== null ? ` ${f.close.reason}` : ''}`;
  else if (f.compressed) content = f.compressed === 'rsv1' ? ', compressed (RSV1 set)' : ', part of a compressed message';
  else if (f.text !== null) content = `: ${f.text}`;
  const rtt = f.answers ? `; it answers the ping of packet ${f.answers.packet} after ${formatRtt(f.answers.rtt)}` : '';
  const carried = f.segments ? ` (carried by ${f.segments.count} TCP segments, packets ${f.segments.first}–${f.segments.last})` : '';
  return `Frame ${f.index}, ${at(f.at)}${carried}, ${dir}: ${what} (opcode 0x${hex}), ${fin}, ${plural(f.length, 'byte')} of payload, ${mask}${content}${rtt}.`;
}

function at(a: { packet: number | null; relTs: number | null }): string {
  return a.relTs !== null ? `packet ${a.packet} (${a.relTs.toFixed(6)} s)` : `packet ${a.packet}`;
}

export const EXPLAIN_EN: ExplainWords = {
  side: (s) => s,
  at,
  carriesWebSockets: (names) =>
    `This connection carries HTTP/2, and in its streams ${names.length === 1 ? 'a WebSocket, explained as connection' : `${names.length} WebSockets, explained as connections`} of ${names.length === 1 ? 'its' : 'their'} own: ${names.join(', ')} (--stream ${names[0]} --explain).`,
  title: (id, client, server) => `Explained: connection ${id}, ${client} (client) ⇄ ${server} (server)`,
  notWebSocket: (carries) => `This connection never asks to become a WebSocket (it carries ${carries}): there is nothing WebSocket to explain.`,
  sections: {
    tcpHandshake: 'The TCP three-way handshake',
    tlsHandshake: 'The TLS handshake (wss://)',
    wsHandshake: 'The WebSocket opening handshake (RFC 6455 §4)',
    detection: 'How this is known to be WebSocket',
    masking: 'Masking',
    frames: (count) => `The frames (${count}), as RFC 6455 §5.2 lays them out`,
    noFrames: (count) => `The frames (${count})`,
    closing: 'The closing handshake (RFC 6455 §7)',
    teardown: 'The TCP teardown',
    diagnostics: 'What broke the rules',
    stream: 'The HTTP/2 stream (RFC 8441)',
    wsHandshakeH2: 'The WebSocket handshake over HTTP/2 (RFC 8441)',
    streamEnd: 'The end of the stream',
  },
  carried: (stream, connection) =>
    `This WebSocket has no TCP connection of its own: it is HTTP/2 stream ${stream} of connection ${connection}, which may carry other WebSockets and requests at the same time. Its packets here are those of the connection that carry this stream's frames; the connection's own (TCP, SETTINGS, the other streams) are told under connection ${connection}.`,
  requestH2: (a, stream, target) =>
    `In ${a} the client opens stream ${stream} with a HEADERS frame: an extended CONNECT for ${target}. Over HTTP/2 there is no Upgrade: the pseudo-header :protocol asks for a WebSocket on this stream, and no Sec-WebSocket-Key is sent (the :protocol field, which only an HTTP/2 stack can send, does its work):`,
  openedH2: (a, status) => `In ${a} the server answers ${status}: the WebSocket is open. From here on the stream's DATA frames carry WebSocket frames, in each direction, as TCP carries them over HTTP/1.1; there is no Sec-WebSocket-Accept to check.`,
  rejectedH2: (a, status) => `In ${a} the server answers ${status}: anything but 2xx means no WebSocket on this stream.`,
  streamEnds: (first, other) =>
    `In ${first.at} the ${first.side} ends its side of the stream (END_STREAM), as a FIN ends one direction of TCP${other !== null ? `; the ${other.side} ends its side in ${other.at}` : ''}. The TCP connection stays open for the other streams.`,
  streamReset: (a, by, websocket) =>
    websocket
      ? `In ${a} the ${by ?? 'peer'} resets the stream (RST_STREAM): the WebSocket ends at once, as a TCP reset ends one over HTTP/1.1; the TCP connection stays open for the other streams.`
      : `In ${a} the ${by ?? 'peer'} resets the stream (RST_STREAM): it is over; the TCP connection stays open for the other streams.`,
  streamStillOpen: 'The capture ends while the stream is still open.',
  asSentence: (clause) => `${clause.charAt(0).toUpperCase()}${clause.slice(1)}.`,
  detectedBy: (how) =>
    how === 'heuristic'
      ? 'Its handshake is not in the capture, but the bytes hold a run of valid WebSocket frames.'
      : how === 'response'
        ? "Its upgrade request is not in the capture, but the server's 101 Switching Protocols to websocket is: what follows it is WebSocket. Without the request, the key (and so the Accept) and the offers cannot be checked."
        : 'Its handshake is not in the capture; it is decoded as WebSocket because you asked (--decode-as).',

  tlsHellos: (c, sv) => {
    const parts: string[] = [];
    if (c) parts.push(`In ${c.at} the client opens TLS with its ClientHello${c.sni !== null ? `, asking for the server name ${c.sni}` : ''}${c.alpn.length > 0 ? ` and offering the application protocols ${c.alpn.join(', ')} (ALPN)` : ''}.`);
    if (sv) parts.push(`In ${sv.at} the server's ServerHello chooses ${sv.version ?? 'the version'}${sv.suite !== null ? ` and the cipher suite ${sv.suite}` : ''}.`);
    parts.push('From there on the records are encrypted: on the wire, the HTTP upgrade and every WebSocket frame that follow are unreadable without the session\'s keys.');
    return parts.join(' ');
  },
  tlsServerSaid: (cert, alpn) => {
    const parts: string[] = [];
    if (cert) {
      const names = cert.altNames.length > 0 ? ` for ${cert.altNames.join(', ')}` : '';
      parts.push(`The server shows its certificate (${cert.subject}${names}, ${cert.issuer === cert.subject ? 'self-signed' : `issued by ${cert.issuer}`}, valid until ${cert.notAfter}): the client checks it against the name it asked for before it trusts the keys.`);
    }
    if (alpn !== null) parts.push(`The server chooses the application protocol ${alpn} (ALPN): ${alpn === 'http/1.1' ? 'HTTP/1.1, the one whose Upgrade starts a WebSocket' : 'what the decrypted bytes carry'}.`);
    return parts.join(' ');
  },
  tlsKeyLog: (files) =>
    `wsdissect read them with the key log ${files.join(', ')}: a text file in the NSS key log format (SSLKEYLOGFILE, RFC 9850) into which a TLS client or server writes the secrets of each session it opens, one per line, each named by the session's client random (the 32 random bytes of its ClientHello). Browsers, curl, Node, Python and Go write it when asked; whoever holds it can read the traffic, so it stays with the person debugging.`,
  tlsSecrets: (version, keys) => {
    const used = keys.map((k) => `${k.label} (${k.file} line ${k.line})`).join(', ');
    if (version === 'TLS 1.3') return `TLS 1.3 protects each direction with its own secrets: the handshake traffic secret for the rest of the handshake (certificate, Finished), then the application traffic secret for everything after the Finished; each gives a key and an IV (RFC 8446 §7.3), and each record's nonce is the IV combined with the record's number in its direction (§5.3). Used here: ${used}.`;
    if (version === 'TLS 1.2') return `TLS 1.2 logs one master secret per session (CLIENT_RANDOM); with the two hellos' random values it gives the key block, each direction's keys (RFC 5246 §6.3). Used here: ${used}.`;
    return `Used here: ${used}.`;
  },
  tlsFailed: (n) => `${n === 1 ? 'One record does' : `${n} records do`} not open with these keys (see the diagnostics): ${n === 1 ? 'its' : 'their'} contents are not shown.`,

  midStream: 'The capture starts after this connection was opened: its TCP handshake is not in the file, so the story begins in the middle.',
  syn: (a, client, server) => `In ${a} the client ${client} sends SYN to the server ${server}: "I want to open a TCP connection; my bytes will be numbered from this initial sequence number".`,
  synAck: (a) => `In ${a} the server answers SYN, ACK: "accepted; here is my own initial sequence number, and I acknowledge yours".`,
  handshakeAck: (a) => `In ${a} the client's ACK acknowledges the server's number: the connection is open in both directions.`,
  handshakeRtt: (seconds) => `SYN to SYN, ACK took ${formatRtt(seconds)}: one network round trip as seen from the capture point.`,

  request: (a, methodTarget) => `In ${a} the client sends an ordinary HTTP/1.1 request, ${methodTarget}, whose headers ask the server to switch this TCP connection to WebSocket:`,
  requestHeader: (name) => HEADER_PURPOSE[name] ?? null,
  responseHeader: (name) => RESPONSE_PURPOSE[name] ?? null,
  ordinaryHeader: 'not part of the WebSocket handshake (an ordinary HTTP header)',
  noResponse: 'No answer from the server is in the capture.',
  rejected: (a, status, reason) => `In ${a} the server answers ${status} ${reason}: anything but 101 means no WebSocket; the upgrade is refused and the connection stays HTTP (or closes).`,
  refusalBody: (bytes, complete, text) => `Its body (${plural(bytes, 'byte')}${complete ? '' : ', cut short'}) usually says why: ${text}`,
  switching: (a) => `In ${a} the server answers 101 Switching Protocols: from the end of this response on, both sides speak WebSocket frames, not HTTP.`,
  acceptIntro: "The server proves it understood the request by computing Sec-WebSocket-Accept from the client's key (RFC 6455 §4.2.2):",
  acceptSteps: {
    key: '1. the key, as sent:',
    guid: (guid) => `2. append the GUID ${guid}:`,
    sha1: (bytes) => `3. SHA-1 of those ${bytes} bytes, in hex:`,
    base64: '4. the 20 bytes of the hash in base64:',
    sent: '5. the server sent:',
    noAccept: '(no Sec-WebSocket-Accept at all)',
    match: '✔ they match: the handshake is verified',
    differ: '✘ they differ: a client must fail this connection',
  },
  subprotocol: (quoted) => `The server picked the subprotocol ${quoted}: the messages that follow are in that application protocol.`,
  deflate: 'The server accepted permessage-deflate (RFC 7692): a data message may now be compressed, which its first frame says with the RSV1 bit; wsdissect inflates such messages to show what the application sent.',
  extension: (name) => `The server accepted the extension ${name}.`,

  maskingWhy:
    'Why the client masks and the server does not (RFC 6455 §5.3, §10.3): every frame from client to server is XORed with a fresh random 4-byte masking key sent in its header. A browser runs scripts from many sites; masking makes the bytes on the wire unpredictable to the script, so a malicious page cannot make its frames look like an HTTP request to a proxy in between and poison its cache. Servers run trusted code, so their frames are never masked.',
  frame,
  moreFrames: (n) => `… and ${n} more frames (the frame table of the default report lists them all; --frame N draws any one).`,
  diagram: { opcode: opcodeName, extended: (bits) => `(+${bits} bits)`, cont: (_field, name) => `(${name} cont.)` },
  unmasking: { wire: 'on the wire (masked)', key: 'XOR key byte i mod 4', plain: '= payload (unmasked)', firstOf: (n, of) => `(first ${n} of ${of} bytes)` },

  noClose: 'Neither side sent a Close frame: the WebSocket connection was not closed by the closing handshake (if TCP ended anyway, that is the abnormal closure RFC 6455 §7.1.5 calls 1006).',
  closeStarts: (initiator, a, code, reason) => {
    const how = code === null ? 'without a status code' : `with status ${code}, "${closeCodeName(code)}"${reason !== null ? `, and the reason ${reason}` : ''}`;
    return `The ${initiator} starts the closing handshake in ${a}: a Close frame ${how}. After sending it, it sends no more data (RFC 6455 §5.5.1).`;
  },
  closeAnswered: (peer, a, code) => `The ${peer} answers in ${a} with its own Close${code !== null ? ` (${code})` : ''}: both sides have now agreed the WebSocket connection is over, and TCP can close.`,
  closeUnanswered: (peer) => `The ${peer} never answers with its own Close: the closing handshake is incomplete.`,
  stillOpen: 'The capture ends while the TCP connection is still open.',
  reset: (a, by) => `In ${a} the ${by} resets the connection (RST): TCP ends at once, without the orderly FIN exchange.`,
  fin: (a, first, peer, peerFin) => `In ${a} the ${first} sends FIN: "I have nothing more to send". The ${peer} acknowledges it${peerFin !== null ? ` and sends its own FIN in ${peerFin}` : ''}; the last ACK ends the connection.`,
  serverClosedFirst: 'The server closed TCP first, as RFC 6455 §7.1.1 asks, so it is the server that keeps the TIME_WAIT state, not the client.',
  clientClosedFirst: 'The client closed TCP first; RFC 6455 §7.1.1 asks the server to close first so that the server, not the client, holds the TIME_WAIT state.',

  severity: (s) => s,
  diagnostic: (severity, d) => `${severity} ${d.code}${d.packet !== null ? ` (packet ${d.packet})` : ''}: ${sanitize(d.message)}${d.rfc ? ` — see ${d.rfc}` : ''}.`,
  diagnosticMessage: (d) => d.message,
  noFrame: (conn, index, frames) => `connection ${conn} has no frame ${index} (it has ${plural(frames, 'frame')}, numbered from 0)`,
};
