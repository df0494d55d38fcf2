// The check report, for CI: per connection a verdict and its diagnostics by
// severity, each with where it happened and the RFC section. Reads the
// verdicts of src/check/report.ts only.
import { omittedLine } from './capped.js';
import type { CaptureInfo, Diagnostic, Severity, Summary } from '../model.js';
import { plural } from '../text/words.js';
import { sanitize } from '../util/text.js';
import { websocketCounts, endpoint, diagnosticWhere, interruptedNote } from './kind.js';
import type { CheckedCapture, CheckedConnection } from '../check/report.js';

export { type FailOn, fails } from '../check/report.js';

function counts(n: Record<Severity, number>): string {
  return `${plural(n.error, 'error')}, ${plural(n.warning, 'warning')}, ${n.info} info`;
}

function line(d: Diagnostic): string {
  const where = diagnosticWhere(d);
  return `      ${d.code}${where ? ` (${where})` : ''}: ${sanitize(d.message)}${d.rfc ? ` [${d.rfc}]` : ''}`;
}

function grouped(list: readonly Diagnostic[], omitted: readonly [string, number][]): string[] {
  const out: string[] = [];
  for (const severity of ['error', 'warning', 'info'] as const) {
    const these = list.filter((d) => d.severity === severity);
    const more = omitted.filter(([code]) => these.some((d) => d.code === code));
    if (these.length === 0) continue;
    out.push(`    ${severity === 'info' ? 'info' : `${severity}s`} (${these.length + more.reduce((n, [, k]) => n + k, 0)})`);
    out.push(...these.map(line), ...more.map(([code, n]) => `      ${omittedLine(code, n)}`));
  }
  return out;
}

export function renderCheckConnection(c: CheckedConnection): string {
  const head = `  ${c.verdict === 'fail' ? 'FAIL' : 'PASS'}  connection ${c.id}  ${endpoint(c.client)} → ${endpoint(c.server)}  (${c.label}; ${counts(c.counts)})`;
  return [head, ...grouped(c.diagnostics, c.omitted)].join('\n') + '\n';
}

/** The end of one capture's report: its own diagnostics, its counts, and its verdict with the reasons. */
export function renderCheckEnd(checked: CheckedCapture, capture: CaptureInfo, summary: Summary): string {
  const out: string[] = [];
  if (checked.diagnostics.length > 0) out.push('  capture', ...grouped(checked.diagnostics, checked.omitted));
  const d = summary.diagnostics;
  out.push(`  ${plural(capture.packets, 'packet')}, ${plural(summary.connections, 'connection')} (${websocketCounts(summary)}): ${plural(d.error, 'error')}, ${plural(d.warning, 'warning')}, ${d.info} info`);
  const interrupted = interruptedNote(capture);
  if (interrupted !== null) out.push(`  ${interrupted}`);
  out.push(`  ${checked.verdict === 'pass' ? 'PASS' : `FAIL: ${checked.reasons.join('; ')}`}`);
  return out.join('\n') + '\n';
}
