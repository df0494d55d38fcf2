// `check --junit FILE`: the verdicts as JUnit XML, the test report format
// GitLab, Jenkins and the GitHub Actions test-report actions read. A test
// suite per capture, a test case per connection that asked to upgrade (and
// per other connection that fails), and a test case "capture" for the file
// itself (damage, no WebSocket connection). Each failing case has one
// <failure> (Ant's schema allows one per case) listing every failing
// diagnostic with its packet, code and RFC section; the case's whole list of
// diagnostics is in its <system-out>.
//
// The XML keeps to the strictest of the schemas those readers follow (Ant's
// JUnit.xsd: properties, system-out and system-err in every suite; name,
// classname and time on every case; a timestamp without a zone): see
// test/fixtures/junit.xsd and test/check-reports.test.ts.
import { endpoint, diagnosticWhere } from './kind.js';
import type { Diagnostic } from '../model.js';
import { sanitize } from '../util/text.js';
import { fails, type CheckedCapture, type CheckedConnection, type CheckRun } from '../check/report.js';
import { plural } from '../text/words.js';

/** Text as XML 1.0 may hold it: escaped markup, and no character XML forbids (control characters shown as \xNN by sanitize first). */
export function xmlText(s: string): string {
  return s
    .split('\n')
    .map(sanitize)
    .join('\n')
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function attrs(list: [string, string | number][]): string {
  return list.map(([k, v]) => ` ${k}="${xmlText(String(v)).replace(/\n/g, '&#10;')}"`).join('');
}

function seconds(s: number): string {
  return Math.max(0, s).toFixed(6);
}

/** Ant's timestamp: ISO 8601 in UTC without the zone. */
function timestamp(ts: number | null): string {
  return new Date((ts ?? 0) * 1000).toISOString().slice(0, 19);
}

function diagnosticLine(d: Diagnostic): string {
  const where = diagnosticWhere(d);
  return `${d.severity} ${d.code}${where ? ` (${where})` : ''}: ${d.message}${d.rfc ? ` [${d.rfc}]` : ''}`;
}

function listed(diagnostics: readonly Diagnostic[], omitted: readonly [string, number][]): string[] {
  return [...diagnostics.map(diagnosticLine), ...omitted.map(([code, n]) => `… and ${n} more ${code} (check --json or the --json export lists every one)`)];
}

interface Case {
  name: string;
  time: number;
  failure: { type: string; message: string; body: string[] } | null;
  error: { type: string; message: string } | null;
  out: string[];
}

function connectionCase(c: CheckedConnection, run: CheckRun): Case {
  const failing = c.diagnostics.filter((d) => fails(d, run.failOn));
  const codes = [...new Set(failing.map((d) => d.code))];
  const failingOmitted = c.omitted.filter(([code]) => codes.includes(code));
  const n = failing.length + failingOmitted.reduce((k, [, m]) => k + m, 0);
  return {
    name: `connection ${c.stream === undefined ? c.id : `${c.id}/${c.stream}`} ${endpoint(c.client)} → ${endpoint(c.server)}${c.request ? ` ${c.request}` : ''}`,
    time: c.duration,
    failure: c.verdict === 'fail' ? { type: codes[0] ?? 'diagnostic', message: `${plural(n, 'diagnostic')} at or above --fail-on ${run.failOn}: ${codes.join(', ')}`, body: listed(failing, failingOmitted) } : null,
    error: null,
    out: [`${c.label}; ${plural(c.counts.error, 'error')}, ${plural(c.counts.warning, 'warning')}, ${c.counts.info} info`, ...listed(c.diagnostics, c.omitted)],
  };
}

function captureCase(k: CheckedCapture, run: CheckRun): Case {
  if (k.verdict === 'error') return { name: 'capture', time: 0, failure: null, error: { type: 'unreadable', message: k.error ?? 'could not be read' }, out: [] };
  const failing = k.diagnostics.filter((d) => fails(d, run.failOn));
  const empty = k.reasons.includes('no WebSocket connection');
  const problems = [...(failing.length > 0 ? [`${plural(failing.length, 'diagnostic')} of the capture at or above --fail-on ${run.failOn}`] : []), ...(empty ? ['no WebSocket connection in the capture (--allow-empty accepts that)'] : [])];
  const s = k.summary!;
  const c = k.capture!;
  return {
    name: 'capture',
    time: c.firstTs !== null && c.lastTs !== null ? c.lastTs - c.firstTs : 0,
    failure: problems.length > 0 ? { type: failing[0]?.code ?? 'no-websocket', message: problems.join('; '), body: listed(failing, []) } : null,
    error: null,
    out: [`${plural(c.packets, 'packet')}, ${plural(s.connections, 'connection')} (${s.websocketConnections} WebSocket), ${plural(s.frames, 'frame')}, ${plural(s.messages, 'message')}`, ...listed(k.diagnostics, k.omitted)],
  };
}

function caseXml(c: Case, classname: string): string {
  const body: string[] = [];
  if (c.failure) body.push(`      <failure${attrs([['type', c.failure.type], ['message', c.failure.message]])}>${xmlText(c.failure.body.join('\n'))}</failure>`);
  if (c.error) body.push(`      <error${attrs([['type', c.error.type], ['message', c.error.message]])}/>`);
  body.push(`      <system-out>${xmlText(c.out.join('\n'))}</system-out>`, '      <system-err/>');
  return `    <testcase${attrs([['name', c.name], ['classname', classname], ['time', seconds(c.time)]])}>\n${body.join('\n')}\n    </testcase>`;
}

/** The whole report, one document. */
export function renderJunit(run: CheckRun): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let time = 0;
  run.captures.forEach((k, i) => {
    const cases = [captureCase(k, run), ...k.connections.filter((c) => c.kind !== 'other' || c.verdict === 'fail').map((c) => connectionCase(c, run))];
    const f = cases.filter((c) => c.failure).length;
    const e = cases.filter((c) => c.error).length;
    const t = cases[0]!.time;
    tests += cases.length;
    failures += f;
    errors += e;
    time += t;
    const name = k.file === '-' ? '(stdin)' : k.file;
    const properties = [
      ['fail-on', run.failOn],
      ['allow-empty', String(run.allowEmpty)],
      ...(k.summary ? [['connections', String(k.summary.connections)], ['websocket-connections', String(k.summary.websocketConnections)], ['upgrades-refused', String(k.summary.refusedUpgrades)]] : []),
      ['verdict', k.verdict],
    ];
    suites.push(
      [
        `  <testsuite${attrs([['name', name], ['package', 'wsdissect'], ['id', i], ['timestamp', timestamp(k.capture?.firstTs ?? null)], ['hostname', 'localhost'], ['tests', cases.length], ['failures', f], ['errors', e], ['skipped', 0], ['time', seconds(t)]])}>`,
        '    <properties>',
        ...properties.map(([n, v]) => `      <property${attrs([['name', n!], ['value', v!]])}/>`),
        '    </properties>',
        ...cases.map((c) => caseXml(c, name)),
        '    <system-out/>',
        '    <system-err/>',
        '  </testsuite>',
      ].join('\n'),
    );
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs([['name', 'wsdissect check'], ['tests', tests], ['failures', failures], ['errors', errors], ['time', seconds(time)]])}>\n${suites.join('\n')}\n</testsuites>\n`;
}
