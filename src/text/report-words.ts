// The lines every terminal view shares, as a catalogue per language: a
// connection's title, and the capture's end (its facts and the summary
// counts). See text/explain-words.ts for how catalogues work.
import type { Lang } from './lang.js';
import { REPORT_EN } from './en/report.js';
import { REPORT_ZH_CN } from './zh-CN/report.js';

export interface ReportWords {
  connectionTitle(id: number, client: string, server: string): string;
  /** "Capture: pcap, Ethernet, 20 packets, 1762 bytes, 0.525107 s" */
  captureLine(format: string, links: string | null, packets: number, bytes: number, seconds: number | null): string;
  /** the summary's counts, then its verdicts (each may go on a line of its own) */
  summaryCounts(s: { connections: number; websocketConnections: number; refusedUpgrades: number; frames: number; messages: number }): string;
  verdicts(d: { error: number; warning: number; info: number }): string;
  /** between the counts and the verdicts when they share a line */
  join: string;
  captureDiagnostics: string;
}

export function reportWords(lang: Lang | undefined): ReportWords {
  return lang === 'zh-CN' ? REPORT_ZH_CN : REPORT_EN;
}
