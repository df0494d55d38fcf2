// The check report, for CI: per connection a verdict and its diagnostics by
// severity, each with where it happened and the RFC section. Reads the
// analysis result only.
import { protocolLabel, refusal, tellsWebSocket, websocketCounts } from './kind.js';
import { capByCode, omittedLine } from './capped.js';
import type { CaptureInfo, Connection, Diagnostic, Severity, Summary } from '../model.js';
import { plural } from '../analyze/annotate.js';
import { sanitize } from '../util/text.js';

export type FailOn = Severity | 'none';

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Does this diagnostic make the check fail? */
export function fails(d: Diagnostic, failOn: FailOn): boolean {
  return failOn !== 'none' && RANK[d.severity] >= RANK[failOn];
}

function endpoint(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

function counts(list: readonly Diagnostic[]): string {
  const n = (s: Severity): number => list.filter((d) => d.severity === s).length;
  return `${plural(n('error'), 'error')}, ${plural(n('warning'), 'warning')}, ${n('info')} info`;
}

function line(d: Diagnostic): string {
  const where = [d.packet !== null ? `packet ${d.packet}` : null, d.frame !== null ? `frame ${d.frame}` : null, d.from].filter((x) => x !== null).join(', ');
  return `      ${d.code}${where ? ` (${where})` : ''}: ${sanitize(d.message)}${d.rfc ? ` [${d.rfc}]` : ''}`;
}

function grouped(list: readonly Diagnostic[]): string[] {
  const out: string[] = [];
  for (const severity of ['error', 'warning', 'info'] as const) {
    const these = list.filter((d) => d.severity === severity);
    if (these.length === 0) continue;
    out.push(`    ${severity === 'info' ? 'info' : `${severity}s`} (${these.length})`);
    const { shown, omitted } = capByCode(these);
    out.push(...shown.map(line), ...omitted.map(([code, n]) => `      ${omittedLine(code, n)}`));
  }
  return out;
}

export function renderCheckConnection(c: Connection, failOn: FailOn): string {
  const verdict = c.diagnostics.some((d) => fails(d, failOn)) ? 'FAIL' : 'PASS';
  const kind = refusal(c) ?? (!tellsWebSocket(c) ? `not WebSocket: ${protocolLabel(c)}` : c.handshake?.outcome === 'no-response' && !c.websocket ? 'no answer to the upgrade' : `${plural(c.frames.length, 'frame')}`);
  const head = `  ${verdict}  connection ${c.id}  ${endpoint(c.client)} → ${endpoint(c.server)}  (${kind}; ${counts(c.diagnostics)})`;
  return [head, ...grouped(c.diagnostics)].join('\n') + '\n';
}

export function renderCheckEnd(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): string {
  const out: string[] = [];
  if (diagnostics.length > 0) out.push('  capture', ...grouped(diagnostics));
  const d = summary.diagnostics;
  out.push(`  ${plural(capture.packets, 'packet')}, ${plural(summary.connections, 'connection')} (${websocketCounts(summary)}): ${plural(d.error, 'error')}, ${plural(d.warning, 'warning')}, ${d.info} info`);
  return out.join('\n') + '\n';
}
