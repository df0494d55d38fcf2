// Every word --stats (render/stats.ts) prints, as a catalogue per language
// (see text/explain-words.ts for how catalogues work): the key/value table of
// a connection, its traffic table, its application messages, and the table
// of all connections. Numbers, addresses and the application protocols'
// message types are the renderer's.
import type { AppChosenBy } from '../app/types.js';
import type { OpcodeClass } from '../analyze/stats.js';
import type { Severity } from '../model.js';
import type { Lang } from './lang.js';
import { STATS_EN } from './en/stats.js';
import { STATS_ZH_CN } from './zh-CN/stats.js';

/** The pings of a connection, as counted. */
export interface PingFacts {
  sent: number;
  answered: number;
  min: number | null;
  avg: number | null;
  max: number | null;
}

export interface StatsWords {
  /** how this language lays out a sentence in lines of a width */
  wrap: (text: string, width: number, indent: string, rest?: string) => string[];
  /** how a table cell's text wider than its column is broken: null, between words (the tables' own way); else as the language breaks lines */
  cellWrap: ((text: string, width: number, indent: string) => string[]) | null;
  title(id: number | string, client: string, server: string): string;
  /** a connection that never tried WebSocket: what it carries, its packets and how long it lasted (`seconds` null when unknown) */
  notWebSocket(carries: string, packets: number, seconds: number | null): string;
  /** the statistics are of what a selection kept: `selected` is the line that says what it kept */
  ofSelected(selected: string): string;
  noFrame: string;

  // the key/value table: each row's key, then its value
  keys: { duration: string; tcpHandshake: string; wsHandshake: string; pings: string; compression: string; app: string; tcp: string; diagnostics: string };
  duration(seconds: number | null, packets: number): string;
  tcpHandshake(rtt: number | null): string;
  /** a WebSocket an HTTP/2 stream carried: the row of the TCP handshake and analysis says where they are */
  carried(connection: number, stream: number): string;
  streamKey: string;
  /** `status` of the response; `missing`: why there is no time (no handshake, no response), else null for a time that cannot be told */
  wsHandshake(rtt: number | null, status: number | null, missing: 'no-handshake' | 'no-response' | null): string;
  pings(p: PingFacts): string;
  /** the inflated / wire ratio of each side (null: none inflated); `negotiated`: permessage-deflate was agreed */
  compression(client: number | null, server: number | null, negotiated: boolean): string;
  /** the application protocol recognised (its name), and how; null: none */
  app(name: string | null, chosenBy: AppChosenBy | null): string;
  tcp(retransmissions: number, outOfOrder: number, lostBytes: number): string;
  diagnostics(d: Record<Severity, number>): string;

  // the traffic table
  traffic: {
    client: string;
    server: string;
    frames: string;
    count: string;
    bytes: string;
    opcode(op: OpcodeClass): string;
    allFrames: string;
    messages: string;
    inflated: string;
    largest: string;
    fragmented: string;
    mostFragments: string;
  };
  /** the application messages' table: its head */
  appHead: [title: string, client: string, server: string];

  // the table of all connections
  connections: {
    title(n: number): string;
    head: string[];
    shortHead: string[];
    /** how the connection was taken for WebSocket (a 101, --decode-as, its frames) */
    detection(d: 'handshake' | 'decode-as' | 'heuristic' | 'response'): string;
    seconds(s: number): string;
    legend: string;
  };
}

export function statsWords(lang: Lang | undefined): StatsWords {
  return lang === 'zh-CN' ? STATS_ZH_CN : STATS_EN;
}
