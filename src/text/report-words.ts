// The lines every terminal view shares, as a catalogue per language: a
// connection's title, and the capture's end (its facts and the summary
// counts). See text/explain-words.ts for how catalogues work.
import type { Lang } from './lang.js';
import type { Diagnostic, Side, SideCounts } from '../model.js';
import { REPORT_EN } from './en/report.js';
import { REPORT_ZH_CN } from './zh-CN/report.js';

export interface ReportWords {
  /** how this language lays out a paragraph in lines of a width (util/text.ts wrap, or wrapWide where lines break between characters) */
  wrap: (text: string, width: number, indent: string, rest?: string) => string[];
  connectionTitle(id: number | string, client: string, server: string): string;
  /** "Capture: pcap, Ethernet, 20 packets, 1762 bytes, 0.525107 s" */
  captureLine(format: string, links: string | null, packets: number, bytes: number, seconds: number | null): string;
  /** the summary's counts, then its verdicts (each may go on a line of its own) */
  summaryCounts(s: { connections: number; websocketConnections: number; refusedUpgrades: number; frames: number; messages: number }): string;
  verdicts(d: { error: number; warning: number; info: number }): string;
  /** between the counts and the verdicts when they share a line */
  join: string;
  captureDiagnostics: string;
  /** where the continuation lines of the capture's line and of the summary start: under what follows the label ("Summary: ", "汇总：") */
  hang: { capture: string; summary: string; interrupted: string };
  /** a capture whose reading was interrupted (Ctrl-C on a live capture) after `packets` packets */
  interrupted(packets: number): string;
  /** the capture's link types, named ("Ethernet, raw IP") */
  linkTypes(types: readonly number[]): string;

  /** how a connection ended (render/kind.ts Ending, but a refusal): short ("clean close", tables) or long (sentences) */
  /** `stream`: of a WebSocket an HTTP/2 stream carried, whose transport is its stream (END_STREAM, RST_STREAM), not TCP */
  ending(e: Ending, long: boolean, stream?: boolean): string;
  /** a refused upgrade: "refused 401" (short), "upgrade refused (401 Unauthorized)" (long) */
  refused(status: number | null, reason: string | null, long: boolean): string;
  /** a connection whose HTTP/2 carries WebSockets (RFC 8441): the names they are reported by ("0/3") */
  carriesWebSockets(names: readonly string[]): string;
  /** the same in a table's cell */
  carriesShort(n: number): string;
  /** what a connection carries when nothing was recognised in it */
  noData: string;
  /** a protocol with what was read of it: "TLS (TLS 1.3, SNI example.com)" */
  protocolDetail(label: string, detail: string): string;
  /** the words of what a TLS handshake's cleartext says (render/kind.ts protocolDetail puts them together) */
  tls: {
    /** between its items ("TLS 1.3, SNI example.com") */
    join: string;
    /** the application protocols the client offered, when the server's choice is not seen */
    alpnOffered(protocols: readonly string[]): string;
    /** no hello captured: the capture saw the connection start (they were cut), or joined it later */
    hellosCut: string;
    joinedLate: string;
  };
  unknownData: string;

  /** --summary, a connection: its head line, then its counts */
  summaryHead(id: number | string, client: string, server: string, what: string, verdict: string): string;
  /** --summary, a WebSocket connection's "what": WebSocket, how it was told when not by its handshake, and (wss:// decrypted) what its TLS handshake said */
  summaryWebSocket(detection: 'handshake' | 'decode-as' | 'heuristic' | 'response' | null, tls?: string | null): string;
  /** a connection that is not WebSocket: its head line and its packets */
  summaryNotWebSocket(head: string, packets: number): string;
  /** one side's counts; `rtt`: the pongs' round trips, as a time or a range of times */
  summarySide(side: Side, s: SideCounts, frames: number, compressed: boolean, rtt: string | null): string;
  /** the counts' line; `diagnostics`: the three counts, each already coloured */
  summaryLine(packets: number, client: string, server: string, ratio: string | null, subprotocol: string | null, diagnostics: string): string;
  /** the three counts of diagnostics, each to be coloured by its severity */
  severityCounts(d: { error: number; warning: number; info: number }): [error: string, warning: string, info: string];
  /** a round trip: µs, ms or s */
  rtt(seconds: number): string;
  /** the capture's line at the end of --summary */
  summaryEnd(format: string, links: string, packets: number, bytes: number, s: { connections: number; websocketConnections: number; refusedUpgrades: number; frames: number; messages: number }, d: { error: number; warning: number; info: number }): string;
  /** a severity's name: error, warning, info */
  severity(s: 'error' | 'warning' | 'info'): string;
  /** a diagnostic of the capture itself, in --summary */
  summaryCaptureDiagnostic(severity: string, code: string, message: string): string;
  /** what a diagnostic says, in this language when it can be said from its facts */
  diagnosticMessage(d: Diagnostic): string;
  /** between the three counts of diagnostics in --summary */
  countsJoin: string;
  /** a list left out `n` diagnostics of `code` (render/capped.ts) */
  omitted(code: string, n: number): string;

  /** what a view says of a connection a selection narrowed (render/narrowed.ts) */
  selection: {
    /** for a title: "2 of 10", "2/10" */
    shownOf(n: number, total: number): string;
    /** "2 of 10 frames" */
    counted(what: Counted, n: number, total: number): string;
    /** "selected by --opcode close: 2 of 10 frames, 6 of 20 packets" */
    selectedBy(selected: string, counts: readonly string[]): string;
    /** "no frame matches --opcode close (0 of 10 frames)" */
    noMatch(what: readonly Counted[], selected: string, counts: readonly string[]): string;
  };
}

/** What a selection narrows, and a view counts. */
export type Counted = 'frames' | 'messages' | 'packets';

export type Ending = 'not-websocket' | 'no-response' | 'clean-close' | 'close-unanswered' | 'closed-tcp-open' | 'unclean-close' | 'reset-no-close' | 'still-open' | 'no-close';

export function reportWords(lang: Lang | undefined): ReportWords {
  return lang === 'zh-CN' ? REPORT_ZH_CN : REPORT_EN;
}
