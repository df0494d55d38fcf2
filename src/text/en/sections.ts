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
        rejected: `✘ rejected: the server answered ${status} ${reason}, so no WebSocket was opened`,
        'no-response': '? no response to the upgrade request in this capture',
        valid: "✔ upgraded: the server's Accept matches the key",
        invalid: '✘ upgraded, but the Accept does not match the key: a client must fail this connection',
        'no-accept': '✘ upgraded without a Sec-WebSocket-Accept the client could check',
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
      return `WebSocket: the ${initiator} sent Close ${code === null ? 'no status code' : `${code} (${closeCodeName(code)})`}${reason !== null ? ` ${reason}` : ''} in packet ${packet}; ${answer}.`;
    },
    noClose: 'WebSocket: no Close frame was sent by either side.',
    tcpOpen: 'TCP: still open when the capture ended.',
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
    notClean: 'Verdict: not a clean close.',
  },
};
