// The check report, for CI: per connection a verdict and its diagnostics by
// severity, each with where it happened and the RFC section. Reads the
// verdicts of src/check/report.ts only; its words are the reader's language
// (text/check-words.ts), its verdicts and exit status the same in every one.
import { omittedLine } from './capped.js';
import type { CaptureInfo, Diagnostic, Summary } from '../model.js';
import { sanitize } from '../util/text.js';
import { endpoint, interruptedNote } from './kind.js';
import type { CheckedCapture, CheckedConnection, FailOn } from '../check/report.js';
import type { Lang } from '../text/lang.js';
import { checkWords, type CheckWords } from '../text/check-words.js';
import { reportWords } from '../text/report-words.js';

export { type FailOn, fails } from '../check/report.js';

function line(w: CheckWords, lang: Lang | undefined, d: Diagnostic): string {
  return w.diagnostic(d.code, w.where(d.packet, d.frame, d.from), sanitize(reportWords(lang).diagnosticMessage(d)), d.rfc ?? null);
}

function grouped(w: CheckWords, lang: Lang | undefined, list: readonly Diagnostic[], omitted: readonly [string, number][]): string[] {
  const out: string[] = [];
  for (const severity of ['error', 'warning', 'info'] as const) {
    const these = list.filter((d) => d.severity === severity);
    const more = omitted.filter(([code]) => these.some((d) => d.code === code));
    if (these.length === 0) continue;
    out.push(w.group(severity, these.length + more.reduce((n, [, k]) => n + k, 0)));
    out.push(...these.map((d) => line(w, lang, d)), ...more.map(([code, n]) => `      ${omittedLine(code, n, lang)}`));
  }
  return out;
}

/** A connection's verdict and diagnostics; `label`: its kind in the reader's language, when not English (the checked connection's own is) */
export function renderCheckConnection(c: CheckedConnection, lang?: Lang, label: string = c.label): string {
  const w = checkWords(lang);
  const head = w.connection(w.verdict(c.verdict), c.stream === undefined ? c.id : `${c.id}/${c.stream}`, endpoint(c.client), endpoint(c.server), label, w.counts(c.counts));
  return [head, ...grouped(w, lang, c.diagnostics, c.omitted)].join('\n') + '\n';
}

/** The end of one capture's report: its own diagnostics, its counts, and its verdict with the reasons. */
export function renderCheckEnd(checked: CheckedCapture, capture: CaptureInfo, summary: Summary, lang?: Lang, failOn?: FailOn): string {
  const w = checkWords(lang);
  const out: string[] = [];
  if (checked.diagnostics.length > 0) out.push(w.capture, ...grouped(w, lang, checked.diagnostics, checked.omitted));
  out.push(w.captureCounts(capture.packets, summary.connections, summary.websocketConnections, summary.refusedUpgrades, summary.diagnostics));
  const interrupted = interruptedNote(capture, lang);
  if (interrupted !== null) out.push(`  ${interrupted}`);
  // the reasons as the verdict has them (check/report.ts checkCapture), said in the reader's words
  const failing = checked.reasons.some((r) => r.startsWith('diagnostics'));
  const empty = checked.reasons.includes('no WebSocket connection');
  const on = failOn ?? /--fail-on (\S+)/.exec(checked.reasons.find((r) => r.startsWith('diagnostics')) ?? '')?.[1] ?? 'error';
  out.push(w.captureVerdict(failing, empty, on));
  return out.join('\n') + '\n';
}
