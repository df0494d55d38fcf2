// --stats in English (the interface: text/stats-words.ts).
import type { PingFacts, StatsWords } from '../stats-words.js';
import { CHOSEN_BY } from './app.js';
import { formatRtt, plural } from '../words.js';
import { wrap } from '../../util/text.js';

const DASH = '—';

const seconds = (s: number | null): string => (s === null ? DASH : `${s.toFixed(6)} s`);

function pings(g: PingFacts): string {
  if (g.sent === 0 && g.answered === 0) return 'no ping';
  const answered = `${g.answered} of ${plural(g.sent, 'ping')} answered`;
  if (g.min === null || g.avg === null || g.max === null) return answered;
  if (g.answered === 1) return `${formatRtt(g.min)} (${answered})`;
  return `min ${formatRtt(g.min)}, avg ${formatRtt(g.avg)}, max ${formatRtt(g.max)} (${answered})`;
}

export const STATS_EN: StatsWords = {
  wrap,
  cellWrap: null,
  title: (id, client, server) => `Statistics, connection ${id}: ${client} (client) ⇄ ${server} (server)`,
  notWebSocket: (carries, packets, s) => `Not WebSocket: ${carries}, ${plural(packets, 'packet')} over ${seconds(s)}.`,
  ofSelected: (selected) => `statistics of what is ${selected}`,
  noFrame: 'No WebSocket frame.',
  keys: { duration: 'Duration', tcpHandshake: 'TCP handshake', wsHandshake: 'WebSocket handshake', pings: 'Ping round trips', compression: 'Compression', app: 'Application protocol', tcp: 'TCP analysis', diagnostics: 'Diagnostics' },
  duration: (s, packets) => `${seconds(s)} (${plural(packets, 'packet')})`,
  carried: (connection, stream) => `HTTP/2 stream ${stream}; its TCP is connection ${connection}'s`,
  streamKey: 'Carried by',
  tcpHandshake: (rtt) => (rtt === null ? 'not captured' : `${formatRtt(rtt)} (SYN → SYN-ACK)`),
  wsHandshake: (rtt, status, missing) => (rtt !== null ? `${formatRtt(rtt)} (request → ${status ?? '?'})` : missing === 'no-handshake' ? 'no handshake' : missing === 'no-response' ? 'no response' : DASH),
  pings,
  compression: (client, server, negotiated) => {
    if (client === null && server === null) return negotiated ? 'negotiated, no message inflated' : 'none';
    const ratio = (r: number | null): string => (r === null ? DASH : `${r.toFixed(1)}×`);
    return `client ${ratio(client)}, server ${ratio(server)} (inflated / wire)`;
  },
  app: (name, chosenBy) => (name === null || chosenBy === null ? 'none recognised' : `${name} (recognised by ${CHOSEN_BY[chosenBy]})`),
  tcp: (r, o, l) => `${plural(r, 'retransmission')}, ${plural(o, 'segment')} out of order, ${plural(l, 'byte')} lost`,
  diagnostics: (d) => `${plural(d.error, 'error')}, ${plural(d.warning, 'warning')}, ${d.info} info`,
  traffic: {
    client: 'Client',
    server: 'Server',
    frames: 'Frames',
    count: 'count',
    bytes: 'bytes',
    opcode: (op) => op,
    allFrames: 'all frames',
    messages: 'messages',
    inflated: 'inflated',
    largest: 'largest message',
    fragmented: 'fragmented',
    mostFragments: 'most fragments',
  },
  appHead: ['Application messages', 'client', 'server'],
  connections: {
    title: (n) => `Connections (${n})`,
    head: ['#', 'Client', 'Server', 'WebSocket', 'Packets', 'Frames', 'Messages', 'Duration', 'E/W/I', 'Verdict'],
    shortHead: ['#', 'Client', 'Server', 'WS', 'Pkts', 'Frms', 'Msgs', 'Dur.', 'E/W/I', 'Verdict'],
    detection: (d) => d,
    seconds: (s) => `${s.toFixed(3)} s`,
    legend: 'E/W/I: diagnostics (errors/warnings/info); duration: first to last packet',
  },
};
