// What a packet carried, in English (the interface: text/packet-words.ts).
// These are also the words of the JSON, NDJSON and HTML exports' summaries:
// a change here changes their contract.
import type { LadderWords, PacketWords } from '../packet-words.js';
import type { FrameFact, H2FrameFact, HttpHint, Phase } from '../../model.js';
import { errorName, FRAME_NAMES, SETTINGS_NAMES } from '../../http2/frames.js';
import { formatRtt, plural } from '../words.js';
import { opcodeName } from '../../websocket/frame.js';
import { appText } from '../app-words.js';

function capitalised(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** "HTTP/2 HEADERS stream 3: CONNECT /chat (:protocol websocket)", "HTTP/2 DATA stream 3, 14 bytes [END_STREAM]". */
function h2(f: H2FrameFact): string {
  const name = FRAME_NAMES[f.type] ?? `frame type 0x${f.type.toString(16)}`;
  const end = (f.type === 0x0 || f.type === 0x1) && (f.flags & 0x1) !== 0 ? ' [END_STREAM]' : '';
  const ack = (f.type === 0x4 || f.type === 0x6) && (f.flags & 0x1) !== 0;
  switch (f.type) {
    case -1:
      return 'HTTP/2 connection preface (PRI * HTTP/2.0)';
    case 0x0:
      return `HTTP/2 DATA stream ${f.stream}, ${plural(f.length, 'byte')}${end}`;
    case 0x1: {
      const what = f.method !== undefined ? `: ${f.method}${f.path !== undefined ? ` ${f.path}` : ''}${f.protocol !== undefined ? ` (:protocol ${f.protocol})` : ''}` : f.status !== undefined ? `: :status ${f.status}` : '';
      return `HTTP/2 HEADERS stream ${f.stream}${what}${end}`;
    }
    case 0x3:
      return `HTTP/2 RST_STREAM stream ${f.stream} ${f.error !== undefined ? errorName(f.error) : ''}`.trimEnd();
    case 0x4:
      return ack ? 'HTTP/2 SETTINGS ACK' : `HTTP/2 SETTINGS${f.settings && f.settings.length > 0 ? ` ${f.settings.map((x) => `${SETTINGS_NAMES[x.id] ?? `0x${x.id.toString(16)}`}=${x.value}`).join(', ')}` : ''}`;
    case 0x5:
      return `HTTP/2 PUSH_PROMISE stream ${f.stream}${f.promised !== undefined ? ` promises stream ${f.promised}` : ''}${f.method !== undefined ? `: ${f.method} ${f.path ?? ''}`.trimEnd() : ''}`;
    case 0x6:
      return ack ? 'HTTP/2 PING ACK' : 'HTTP/2 PING';
    case 0x7:
      return `HTTP/2 GOAWAY last stream ${f.lastStream ?? '?'} ${f.error !== undefined ? errorName(f.error) : ''}`.trimEnd();
    case 0x8:
      return `HTTP/2 WINDOW_UPDATE stream ${f.stream}${f.increment !== undefined ? ` +${f.increment}` : ''}`;
    default:
      return `HTTP/2 ${name} stream ${f.stream}`;
  }
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
  request: (method, target, version, upgrade, hint) => `${method} ${target} ${version}${upgrade ? (version === 'HTTP/2' ? ' (:protocol websocket)' : ' (Upgrade: websocket)') : ''}${hint ? ` (${HTTP_HINTS[hint]})` : ''}`,
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

  h2,
  moreH2: (n) => `(+${n} more HTTP/2 frames)`,
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
