// The lines every terminal view shares, in English (text/report-words.ts).
import type { ReportWords } from '../report-words.js';
import { plural } from '../words.js';

/** The summary's count of connections: "3 WebSocket, 1 upgrade refused". */
export function websocketCounts(s: { websocketConnections: number; refusedUpgrades: number }): string {
  return s.refusedUpgrades > 0 ? `${s.websocketConnections} WebSocket, ${s.refusedUpgrades} upgrade${s.refusedUpgrades === 1 ? '' : 's'} refused` : `${s.websocketConnections} WebSocket`;
}

export const REPORT_EN: ReportWords = {
  connectionTitle: (id, client, server) => `Connection ${id}: ${client} (client) ⇄ ${server} (server)`,
  captureLine: (format, links, packets, bytes, seconds) => `Capture: ${format}, ${links ?? 'no link type'}, ${plural(packets, 'packet')}, ${plural(bytes, 'byte')}${seconds !== null ? `, ${seconds.toFixed(6)} s` : ''}`,
  summaryCounts: (s) =>
    `Summary: ${plural(s.connections, 'TCP connection')} (${websocketCounts(s)}), ${plural(s.frames, 'frame')}, ${plural(s.messages, 'message')};`,
  verdicts: (d) => `${plural(d.error, 'error')}, ${plural(d.warning, 'warning')}, ${d.info} info`,
  join: ' ',
  captureDiagnostics: 'Capture diagnostics',
};
