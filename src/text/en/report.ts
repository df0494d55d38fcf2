// The lines every terminal view shares, in English (text/report-words.ts).
import type { ReportWords } from '../report-words.js';
import { formatRtt, plural } from '../words.js';
import { wrap } from '../../util/text.js';
import { linkTypeName } from '../../link/link.js';
import type { Counted, Ending } from '../report-words.js';

/** The summary's count of connections: "3 WebSocket, 1 upgrade refused". */
export function websocketCounts(s: { websocketConnections: number; refusedUpgrades: number }): string {
  return s.refusedUpgrades > 0 ? `${s.websocketConnections} WebSocket, ${s.refusedUpgrades} upgrade${s.refusedUpgrades === 1 ? '' : 's'} refused` : `${s.websocketConnections} WebSocket`;
}

export const REPORT_EN: ReportWords = {
  wrap,
  connectionTitle: (id, client, server) => `Connection ${id}: ${client} (client) ⇄ ${server} (server)`,
  captureLine: (format, links, packets, bytes, seconds) => `Capture: ${format}, ${links ?? 'no link type'}, ${plural(packets, 'packet')}, ${plural(bytes, 'byte')}${seconds !== null ? `, ${seconds.toFixed(6)} s` : ''}`,
  summaryCounts: (s) =>
    `Summary: ${plural(s.connections, 'TCP connection')} (${websocketCounts(s)}), ${plural(s.frames, 'frame')}, ${plural(s.messages, 'message')};`,
  verdicts: (d) => `${plural(d.error, 'error')}, ${plural(d.warning, 'warning')}, ${d.info} info`,
  join: ' ',
  captureDiagnostics: 'Capture diagnostics',
  linkTypes: (types) => types.map(linkTypeName).join(', '),
  hang: { capture: ' '.repeat('Capture: '.length), summary: ' '.repeat('Summary: '.length), interrupted: ' '.repeat('Interrupted: '.length) },
  interrupted: (packets) => `Interrupted: the capture was read ${packets === 0 ? 'before its first packet' : `up to packet ${packets}, no further`}; the connections still open then are reported as they stood, cut short.`,
  ending: (e, long, stream = false) => (stream ? (STREAM_ENDING_WORDS[e] ?? ENDING_WORDS[e]) : ENDING_WORDS[e])[long ? 1 : 0],
  carriesWebSockets: (names) => `it carries ${names.length === 1 ? 'a WebSocket over HTTP/2, reported as connection' : `${names.length} WebSockets over HTTP/2, reported as connections`} ${names.join(', ')}`,
  carriesShort: (n) => `carries ${n} WebSocket${n === 1 ? '' : 's'}`,
  refused: (status, reason, long) => (long ? `upgrade refused (${status}${reason ? ` ${reason}` : ''})` : `refused ${status ?? ''}`.trimEnd()),
  noData: 'no data',
  protocolDetail: (label, detail) => `${label} (${detail})`,
  tls: { join: ', ', alpnOffered: (p) => `ALPN offered ${p.join(', ')}`, hellosCut: 'its hellos not captured whole', joinedLate: 'joined after its handshake' },
  unknownData: 'data of an unknown protocol',
  summaryHead: (id, client, server, what, verdict) => `connection ${id}  ${client} → ${server}  ${what}: ${verdict}`,
  summaryWebSocket: (detection, tls) => `${detection && detection !== 'handshake' ? `WebSocket (${detection})` : 'WebSocket'}${tls ? ` over TLS (${tls})` : ''}`,
  summaryNotWebSocket: (head, packets) => `${head}; ${plural(packets, 'packet')}`,
  summarySide: (side, s, frames, compressed, rtt) =>
    `${side} ${plural(frames, 'frame')}, ${plural(s.messages, 'message')} (${plural(s.messageBytes, 'byte')}${compressed ? ' on the wire' : ''}${s.fragmentedMessages > 0 ? `, ${s.fragmentedMessages} fragmented` : ''})${rtt !== null ? `, ${plural(s.rtts, 'pong')} answered in ${rtt}` : ''}`,
  summaryLine: (packets, client, server, ratio, subprotocol, diagnostics) => `${plural(packets, 'packet')}; ${client}; ${server}${ratio !== null ? `; compression ${ratio}×` : ''}${subprotocol !== null ? `; subprotocol ${subprotocol}` : ''}; ${diagnostics}`,
  severityCounts: (d) => [plural(d.error, 'error'), plural(d.warning, 'warning'), `${d.info} info`],
  rtt: formatRtt,
  summaryEnd: (format, links, packets, bytes, s, d) =>
    `${format}, ${links}, ${plural(packets, 'packet')}, ${plural(bytes, 'byte')}: ${plural(s.connections, 'connection')} (${websocketCounts(s)}), ${plural(s.frames, 'frame')}, ${plural(s.messages, 'message')}; ${plural(d.error, 'error')}, ${plural(d.warning, 'warning')}, ${d.info} info`,
  severity: (s) => s,
  summaryCaptureDiagnostic: (severity, code, message) => `capture: ${severity} ${code}: ${message}`,
  diagnosticMessage: (d) => d.message,
  countsJoin: ', ',
  omitted: (code, n) => `… and ${n} more ${code} (--json or --ndjson lists every one)`,
  selection: {
    shownOf: (n, total) => `${n} of ${total}`,
    counted: (what, n, total) => `${n} of ${total} ${total === 1 ? SINGULAR[what] : what}`,
    selectedBy: (selected, counts) => `selected by ${selected}: ${counts.join(', ')}`,
    noMatch: (what, selected, counts) => `no ${what.map((w) => SINGULAR[w]).join(' or ')} matches ${selected} (${counts.join(', ')})`,
  },
};

const SINGULAR: Record<Counted, string> = { frames: 'frame', messages: 'message', packets: 'packet' };

/** The endings of a WebSocket an HTTP/2 stream carried that name its transport (the others are the same words). */
const STREAM_ENDING_WORDS: Partial<Record<Ending, readonly [short: string, long: string]>> = {
  'closed-tcp-open': ['closed, stream open', 'both Close frames; the HTTP/2 stream still open at the end of the capture'],
  'unclean-close': ['unclean close', "both Close frames, not both before the stream's END_STREAMs"],
  'reset-no-close': ['reset, no close', 'stream reset (RST_STREAM) without a Close frame'],
};

const ENDING_WORDS: Record<Ending, readonly [short: string, long: string]> = {
  'not-websocket': ['not WebSocket', 'not WebSocket'],
  'no-response': ['no response', 'no answer to the upgrade'],
  'clean-close': ['clean close', 'clean close'],
  'close-unanswered': ['close unanswered', 'closing handshake incomplete: the Close was not answered'],
  'closed-tcp-open': ['closed, TCP open', 'both Close frames; TCP still open at the end of the capture'],
  'unclean-close': ['unclean close', 'both Close frames, not both before the TCP teardown'],
  'reset-no-close': ['reset, no close', 'reset (RST) without a Close frame'],
  'still-open': ['still open', 'still open at the end of the capture'],
  'no-close': ['no close', 'closed without a Close frame'],
};
