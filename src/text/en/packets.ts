// What a packet carried, in English (the interface: text/packet-words.ts).
// These are also the words of the JSON, NDJSON and HTML exports' summaries:
// a change here changes their contract.
import type { LadderWords, PacketWords } from '../packet-words.js';
import type { FrameFact, HttpHint, Phase } from '../../model.js';
import { formatRtt, plural } from '../words.js';
import { opcodeName } from '../../websocket/frame.js';
import { appText } from '../app-words.js';

function capitalised(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** An opcode's name as a frame's line starts with it ("Text", "Ping"), made once an opcode. */
const NAMES: string[] = [];

function frame(f: FrameFact, decrypted = false): string {
  // (the parts joined by spaces, as they are added: a line a frame, millions of them in a long connection)
  const o = f.opcode;
  let s = (o & 0x0f) === o ? (NAMES[o] ??= capitalised(opcodeName(o))) : capitalised(opcodeName(o));
  if (f.fin) s += ' [FIN]';
  if (f.rsv1) s += ' [RSV1]';
  if (f.rsv2) s += ' [RSV2]';
  if (f.rsv3) s += ' [RSV3]';
  if (f.close) {
    if (f.close.code !== null) s += ` ${f.close.code}`;
    if (f.close.reason !== null) s += ` ${f.close.reason}`;
  } else {
    s += typeof f.length === 'string' ? ` ${f.length} bytes` : ` ${plural(f.length, 'byte')}`;
  }
  if (f.masked) s += ' [MASKED]';
  if (f.preview !== null) s += ` ${f.preview}`;
  if (f.compressedPart) s += ' (compressed)';
  if (f.answers) s += ` (answers the ping in packet ${f.answers.packet}, round trip ${formatRtt(f.answers.rtt)})`;
  if (f.segments > 1) s += decrypted ? ` (reassembled from the TLS records of ${f.segments} packets)` : ` (reassembled from ${f.segments} segments)`;
  if (!f.complete) s += f.missingBytes > 0 ? ` (incomplete: ${plural(f.missingBytes, 'byte')} never captured)` : ' (incomplete)';
  const m = f.completes;
  if (m && m.compressed) {
    const content = m.preview !== null ? `: ${m.preview}` : '';
    const frames = m.frames > 1 ? `, ${plural(m.frames, 'fragment')}` : '';
    s += m.inflatedLength !== null ? ` — compressed ${m.type} message ${m.index}${frames}, ${plural(m.length, 'byte')} inflating to ${plural(m.inflatedLength, 'byte')}${content}` : ` — compressed ${m.type} message ${m.index}${frames}, not inflated`;
  } else if (m && m.frames > 1) {
    const whole = m.preview !== null ? `: ${m.preview}` : '';
    s += ` — completes ${m.type} message ${m.index} (${plural(m.frames, 'fragment')}, ${plural(m.length, 'byte')})${whole}`;
  }
  if (m?.app) s += ` — ${appText(m.app)} (${m.app.user ? 'application data' : 'framework'})`;
  return s;
}

/** Why a plain HTTP request is worth a word. */
const HTTP_HINTS: Record<HttpHint, string> = {
  'engine.io-polling': 'Engine.IO long-polling, before the upgrade to WebSocket',
  'sockjs-info': "SockJS info request: the client asks the server's options before opening the WebSocket",
  'sockjs-info-maybe': "SockJS's info request if a SockJS client sent it: the client asks the server's options before opening the WebSocket",
};

export const PACKETS_EN: PacketWords = {
  frame,
  partialFrame: (opcode, received, total) => `part of a ${capitalised(opcodeName(opcode))} frame (${received} of ${total} payload bytes so far)`,

  keepAlive: 'TCP keep-alive',
  retransmission: (bytes) => `retransmission of ${plural(bytes, 'byte')} already delivered`,
  outOfOrder: (bytes) => `out-of-order segment, ${plural(bytes, 'byte')} held until the hole before them fills`,
  late: (bytes) => `out-of-order segment: ${plural(bytes, 'byte')} the peer had already acknowledged, captured late (not lost)`,
  ackedUnseen: (peer) => `ACKed unseen segment: acknowledges bytes from the ${peer} that the capture has not shown yet`,
  // the gap may be found from the peer's acknowledgement, in the peer's packet
  gap: (bytes, from, own) => (own ? `${plural(bytes, 'byte')} before this segment were never captured (capture loss)` : `acknowledges ${plural(bytes, 'byte')} from the ${from} that the capture lost`),
  resync: (skipped) => (skipped === 0 ? 'frame decoding resumes here, after the lost bytes' : `frame decoding resumes at a frame header after ${plural(skipped, 'byte')} that could not be framed`),
  detected: (skipped) => `WebSocket recognised from a run of valid frames${skipped > 0 ? ` (the first ${plural(skipped, 'byte')} end a frame begun before the capture)` : ''}`,

  opaque: (bytes) => `${plural(bytes, 'byte')} of data`,
  held: (bytes) => `${plural(bytes, 'byte')} sent before the server's answer arrived`,
  earlyResponse: (bytes) => `${plural(bytes, 'byte')} of an HTTP response captured before the request it answers (the capture shows the client's packets late); read once the request is`,
  httpPartial: (role, bytes) => `part of an HTTP ${role} (${plural(bytes, 'byte')})`,
  request: (method, target, version, upgrade, hint) => `${method} ${target} ${version}${upgrade ? ' (Upgrade: websocket)' : ''}${hint ? ` (${HTTP_HINTS[hint]})` : ''}`,
  response: (version, status, reason) => `${version} ${status}${reason ? ` ${reason}` : ''}`,

  tlsClientHello: (sni, alpn) => {
    const said = [sni ? `SNI ${sni}` : null, alpn ? `ALPN ${alpn.join(', ')}` : null].filter((x) => x !== null);
    return `TLS ClientHello${said.length > 0 ? ` (${said.join(', ')})` : ''}`;
  },
  tlsServerHello: (retry, version, suite, alpn) => `TLS ${retry ? 'HelloRetryRequest' : 'ServerHello'} (${version}, ${suite}${alpn ? `, ALPN ${alpn}` : ''})`,
  tlsHandshake: (name) => `TLS ${name}`,
  tlsCertificate: (subject, issuer, notAfter) => `TLS certificate (${subject}${issuer === subject ? ', self-signed' : `, issued by ${issuer}`}, valid until ${notAfter})`,
  tlsEncryptedExtensions: (alpn) => `TLS encrypted_extensions${alpn !== null ? ` (ALPN ${alpn})` : ''}`,
  tlsAlert: (name) => `TLS alert ${name}`,
  tlsChangeCipherSpec: 'TLS ChangeCipherSpec',
  tlsEncrypted: (records, failed) => `${plural(records, 'encrypted TLS record')}${failed === 0 ? '' : failed === records ? (records === 1 ? ' (it does not open with the key log)' : ' (they do not open with the key log)') : ` (${failed} of them ${failed === 1 ? 'does' : 'do'} not open with the key log)`}`,
  tlsDecrypted: (records, keys) =>
    `in ${plural(records, 'decrypted TLS record')}${keys.length === 0 ? '' : `, opened with ${keys.map((k) => `${k.label}${k.generation > 0 ? ` after ${plural(k.generation, 'KeyUpdate')}` : ''} (${k.file} line ${k.line})`).join(' and ')}`}`,
  tlsRecordPart: (received, total) => `part of a TLS record (${received} of ${total} bytes so far)`,
  tlsJoin: '; ',

  moreFrames: (n) => `(+${n} more frames)`,
  join: '; ',
  withFlags: (summary, flags) => `${summary} + ${flags}`,
};

/** Each phase in plain words, as the ladder's rule names it. */
const PHASES: Readonly<Record<Phase, string>> = {
  'tcp-handshake': 'TCP three-way handshake',
  'tls-handshake': 'TLS handshake',
  'ws-handshake': 'WebSocket opening handshake',
  data: 'data',
  closing: 'closing handshake',
  'tcp-teardown': 'TCP teardown',
  other: 'not WebSocket',
};

export const LADDER_EN: LadderWords = {
  number: 'No.',
  time: 'Time',
  lifeline: (side, endpoint) => `${side} ${endpoint}`,
  phase: (p) => PHASES[p],
};
