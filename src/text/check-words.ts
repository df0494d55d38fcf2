// Every word the text report of `wsdissect check` (render/check.ts, and its
// last line, check/report.ts verdictLine) prints, as a catalogue per language
// (see text/explain-words.ts for how catalogues work). The exit status, the
// JSON document and the JUnit report stay as they are: they are read by
// programs, in English.
import type { Severity } from '../model.js';
import type { Lang } from './lang.js';
import { CHECK_EN } from './en/check.js';
import { CHECK_ZH_CN } from './zh-CN/check.js';

/** What the run's last line tells: its verdict, and which captures made it. */
export interface RunFacts {
  verdict: 'pass' | 'fail' | 'error';
  failOn: string;
  /** captures checked, and WebSocket connections among them */
  captures: number;
  websocket: number;
  /** the captures (named) that failed by a diagnostic, that held no WebSocket connection, that could not be read */
  failing: string[];
  empty: string[];
  unreadable: string[];
}

export interface CheckWords {
  /** standard input, named where a capture's file name goes */
  stdin: string;
  /** a verdict's word, at the head of a line: PASS, FAIL */
  verdict(v: 'pass' | 'fail'): string;
  /** a connection's line: its verdict (coloured by the caller), who, its kind and its counts */
  connection(verdict: string, id: number | string, client: string, server: string, label: string, counts: string): string;
  /** a connection's kind: it never asked to upgrade (what it carries), its upgrade got no answer, or its frames */
  notWebSocket(carries: string): string;
  noAnswer: string;
  frames(n: number): string;
  counts(n: Record<Severity, number>): string;
  /** the head of a severity's diagnostics, with how many there are */
  group(severity: Severity, n: number): string;
  /** a diagnostic's line: its code, where it happened (or ''), what it says and where its rule is written (or null) */
  diagnostic(code: string, where: string, message: string, rfc: string | null): string;
  where(packet: number | null, frame: number | null, from: string | null): string;
  /** the head of the capture's own diagnostics */
  capture: string;
  /** the capture's counts: packets, connections (how many WebSocket, how many upgrades refused), diagnostics */
  captureCounts(packets: number, connections: number, websocket: number, refused: number, d: Record<Severity, number>): string;
  /** the capture's verdict: why it failed (a diagnostic at or above --fail-on, no WebSocket connection) */
  captureVerdict(failing: boolean, empty: boolean, failOn: string): string;
  /** a capture that could not be read, and why (the reader's own words) */
  unreadable(reason: string): string;
  /** the run's last line */
  run(r: RunFacts): string;
}

export function checkWords(lang: Lang | undefined): CheckWords {
  return lang === 'zh-CN' ? CHECK_ZH_CN : CHECK_EN;
}
