// The default report's sections in English (the interface: text/sections-words.ts).
import type { SectionsWords } from '../sections-words.js';
import { closeCodeName } from '../words.js';
import { opcodeName } from '../../websocket/frame.js';
import { plural } from '../words.js';

function ratio(z: { wire: number; inflated: number }): string {
  return z.wire > 0 ? `${z.wire} → ${z.inflated} bytes (${(z.inflated / z.wire).toFixed(1)}×)` : 'nothing compressed';
}

export const SECTIONS_EN: SectionsWords = {
  titles: {
    inShort: 'In short',
    walkthrough: (shown) => (shown === null ? 'Walkthrough' : `Walkthrough (${shown} packets)`),
    handshake: 'Handshake',
    frames: (shown) => `Frames (${shown})`,
    close: 'Close',
    diagnostics: (n) => `Diagnostics (${n})`,
  },
  noDiagnostics: 'none',

  walkthroughHeads: { no: 'No.', time: 'Time', dir: 'Dir', phase: 'Phase', summary: 'Summary' },
  phase: (p) => p,
  arrow: (from) => (from === 'client' ? 'C → S' : 'C ← S'),

  notWebSocket: (label, encrypted, packets, http) =>
    `Not WebSocket: ${label}${encrypted === 'no-keys' ? '; encrypted: whatever it carries (wss:// WebSocket or not) cannot be read without its keys (--tls-keylog)' : encrypted === 'not-opened' ? '; encrypted, and the key log given does not open it (see below)' : ''}; no upgrade request; ${plural(packets, 'packet')}${http ? '. Its HTTP:' : '.'}`,
  moreHttp: (n) => `… and ${plural(n, 'more HTTP message')}`,
  http2Head: (start, connect, streams) =>
    `HTTP/2 (${start === 'tls' ? 'h2 inside TLS' : start === 'upgrade' ? 'h2c, upgraded from HTTP/1.1 by a 101' : 'h2c, prior knowledge'}): ${connect !== null ? `the server enabled the extended CONNECT in packet ${connect} (SETTINGS_ENABLE_CONNECT_PROTOCOL = 1)` : 'the server never enabled the extended CONNECT'}; ${plural(streams, 'stream')}${streams > 0 ? ':' : '.'}`,
  http2Stream: (s) => {
    const req = s.method === null ? '(no request seen)' : `${s.method}${s.path !== null ? ` ${s.path}` : ''}${s.protocol !== null ? ` (:protocol ${s.protocol})` : ''}`;
    const res = s.status !== null ? ` → ${s.status}` : '';
    const what = s.conversation !== null ? (s.status !== null && s.status >= 200 && s.status < 300 ? `: a WebSocket, reported as connection ${s.conversation}` : `: WebSocket refused, reported as connection ${s.conversation}`) : '';
    return `stream ${s.id}  ${req}${res}${what}${s.reset !== null ? ` (reset: ${s.reset})` : ''}`;
  },
  moreStreams: (n) => `… and ${plural(n, 'more stream')}`,
  http2Connection: (label, carries, packets) => `${label}: ${carries ?? 'no WebSocket among its streams'}; ${plural(packets, 'packet')}.`,

  handshake: {
    request: (packet) => `Request (packet ${packet}), client → server`,
    response: (packet) => `Response (packet ${packet}), server → client`,
    noResponse: 'Response: none captured',
    labels: { key: 'Sec-WebSocket-Key', acceptReceived: 'Accept (received)', acceptComputed: 'Accept (computed)', verdict: 'Verdict', refusalBody: 'Refusal body', subprotocol: 'Subprotocol', extensions: 'Extensions' },
    missing: '(missing)',
    noKeyToCompute: '(no key to compute from)',
    computed: (accept, guid) => `${accept}  = base64(SHA-1(key + "${guid}"))`,
    verdict: (v, status, reason) =>
      ({
        rejected: `✘ rejected: the server answered ${status}${reason ? ` ${reason}` : ''}, so no WebSocket was opened`,
        'no-response': '? no response to the upgrade request in this capture',
        valid: "✔ upgraded: the server's Accept matches the key",
        invalid: '✘ upgraded, but the Accept does not match the key: a client must fail this connection',
        'no-accept': '✘ upgraded without a Sec-WebSocket-Accept the client could check',
        h2: `✔ opened: the server answered the extended CONNECT with ${status}${reason ? ` ${reason}` : ''} (RFC 8441: over HTTP/2 no key or Accept is exchanged)`,
      })[v],
    refusalBody: (bytes, complete, shown) => `${plural(bytes, 'byte')}${complete ? '' : ' (cut short)'}: ${shown}`,
    none: 'none',
    offered: (list) => ` (offered: ${list})`,
  },

  frameTable: {
    heads: {
      index: ['#', '#'],
      packet: ['Pkt', 'Pkt'],
      time: ['Time', 'Time'],
      from: ['From', 'From'],
      fin: ['FIN', 'F'],
      rsv: ['RSV', 'RSV'],
      opcode: ['Opcode', 'Op'],
      mask: ['MASK', 'M'],
      length: ['Length', 'Len'],
      key: ['Masking key', 'Key'],
      payload: ['Payload', 'Payload'],
    },
    side: (s) => s,
    opcode: opcodeName,
    lengthForm: (bits) => ` (${bits}-bit)`,
    incomplete: ' (incomplete)',
    closeOneByte: '(1-byte body)',
    noStatusCode: '(no status code)',
    closeCodeName,
    compressed: (bytes, notInflated) => `(compressed, ${plural(bytes, 'byte')}${notInflated ? ', not inflated' : ''})`,
    inflatedBytes: (bytes) => `⇢ ${plural(bytes, 'byte')} (inflated)`,
    inflatedText: (preview) => `⇢ ${preview} (inflated)`,
    collapsed: (more, frame, first, last) => `… ${more} more frames like frame ${frame} (packets ${first}–${last}); --no-collapse shows them`,
  },

  close: {
    sent: (initiator, code, reason, packet, reply) => {
      const peer = initiator === 'client' ? 'server' : 'client';
      const answer = reply !== null ? `the ${peer} answered with Close ${reply.code ?? '(no status code)'} in packet ${reply.packet}` : `the ${peer} never sent its Close`;
      return `WebSocket: the ${initiator} sent Close ${code === null ? '(no status code)' : `${code} (${closeCodeName(code)})`}${reason !== null ? ` ${reason}` : ''} in packet ${packet}; ${answer}.`;
    },
    noClose: 'WebSocket: no Close frame was sent by either side.',
    tcpOpen: 'TCP: still open when the capture ended.',
    streamOpen: 'HTTP/2 stream: still open when the capture ended.',
    streamReset: (by, packet) => `HTTP/2 stream: reset (RST_STREAM) by the ${by} in packet ${packet}.`,
    streamEnd: (first, ends, half) => `HTTP/2 stream: END_STREAM from the ${first} first — ${ends.map((f) => `the ${f.side}'s in packet ${f.packet}`).join(', then ')}.${half ? ' Only one side ended it: half-closed.' : ''}`,
    tcpReset: (by, packet) => `TCP: reset (RST) by the ${by} in packet ${packet}.`,
    tcpFin: (first, fins, half) => `TCP: FIN from the ${first} first — ${fins.map((f) => `the ${f.side}'s FIN in packet ${f.packet}`).join(', then ')}.${half ? ' Only one side closed: a half-close.' : ''}`,
    tcpAnalysis: (retransmissions, outOfOrder, lostBytes) => {
      const said = [
        retransmissions > 0 ? plural(retransmissions, 'retransmission') : null,
        outOfOrder > 0 ? `${plural(outOfOrder, 'segment')} out of order` : null,
        lostBytes > 0 ? `${plural(lostBytes, 'byte')} never captured` : null,
      ].filter((x) => x !== null);
      return said.length > 0 ? `TCP analysis: ${said.join(', ')}.` : null;
    },
    compression: (client, server) => `Compression (permessage-deflate): client ${ratio(client)}; server ${ratio(server)}.`,
    clean: 'Verdict: clean close — both Close frames, then the TCP teardown.',
    cleanStream: "Verdict: clean close — both Close frames, each side's before or with its END_STREAM.",
    notClean: 'Verdict: not a clean close.',
  },
};
