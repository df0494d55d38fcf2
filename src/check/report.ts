// The verdicts of `wsdissect check`: one rule, computed once, read by every
// check output (the text report, --json and --junit) and by the exit status.
//
// A capture passes when it was read, no diagnostic reaches --fail-on, and it
// holds at least one WebSocket connection (unless --allow-empty): a recording
// in which nothing upgraded checked nothing, and CI must not call that a pass.
// A capture that cannot be read is an error, which beats a failure.
import type { AnalysisSink, CaptureInfo, Connection, Diagnostic, Endpoint, Severity, Summary } from '../model.js';
import { capByCode } from '../render/capped.js';
import { noFramesBecause, protocolLabel, refusal, tellsWebSocket } from '../render/kind.js';
import type { Lang } from '../text/lang.js';
import { checkWords } from '../text/check-words.js';
import { some } from '../util/list.js';

export type FailOn = Severity | 'none';

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Does this diagnostic make the check fail? */
export function fails(d: Diagnostic, failOn: FailOn): boolean {
  return failOn !== 'none' && RANK[d.severity] >= RANK[failOn];
}

export type Verdict = 'pass' | 'fail';

/** What a connection was, for the check: the words the text report prints, and a kind a program can test. */
export interface CheckedConnection {
  id: number;
  /** a WebSocket conversation an HTTP/2 stream of connection `id` carried (RFC 8441): its stream; absent otherwise */
  stream?: number;
  client: Endpoint;
  server: Endpoint;
  /** websocket: upgraded (or taken for WebSocket); refused: the upgrade got another status; unanswered: the upgrade got no response; other: never asked to upgrade */
  kind: 'websocket' | 'refused' | 'unanswered' | 'other';
  /** "12 frames", "upgrade refused (401 Unauthorized)", "not WebSocket: TLS (…)" */
  label: string;
  /** "GET /chat" of the upgrade request, when there was one */
  request: string | null;
  verdict: Verdict;
  frames: number;
  messages: number;
  /** seconds from the connection's first packet to its last, as the capture timed them */
  duration: number;
  counts: Record<Severity, number>;
  /** the diagnostics, at most SHOWN_PER_CODE of each code (the JSON export lists every one) */
  diagnostics: Diagnostic[];
  /** per code, how many were left out of the list */
  omitted: [string, number][];
}

export interface CheckedCapture {
  /** as given on the command line; "-" is standard input */
  file: string;
  verdict: Verdict | 'error';
  /** why it failed: diagnostics at or above --fail-on, no WebSocket connection; or why it could not be read */
  reasons: string[];
  /** the reason it could not be read (the one line printed on standard error), else null */
  error: string | null;
  capture: CaptureInfo | null;
  summary: Summary | null;
  connections: CheckedConnection[];
  /** diagnostics of the capture itself (damage, link types), capped like a connection's */
  diagnostics: Diagnostic[];
  omitted: [string, number][];
}

export interface CheckRun {
  failOn: FailOn;
  allowEmpty: boolean;
  captures: CheckedCapture[];
  verdict: Verdict | 'error';
  /** the process's exit status: 0 pass, 1 fail, 2 a capture could not be read */
  exitStatus: 0 | 1 | 2;
}

function kindOf(c: Connection): CheckedConnection['kind'] {
  if (c.websocket) return 'websocket';
  if (refusal(c) !== null) return 'refused';
  if (c.handshake !== null) return 'unanswered';
  return 'other';
}

/** The words the text report gives a connection's kind (in English, the checked connection's label, unless a language is asked for). */
export function connectionLabel(c: Connection, lang?: Lang): string {
  const w = checkWords(lang);
  // (a connection whose HTTP/2 carried WebSockets says where they are)
  return noFramesBecause(c, lang) ?? (!tellsWebSocket(c) ? w.notWebSocket(protocolLabel(c, lang)) : c.handshake?.outcome === 'no-response' && !c.websocket ? w.noAnswer : w.frames(c.counts.frames));
}

export function checkConnection(c: Connection, failOn: FailOn): CheckedConnection {
  const first = c.timeline.at(0);
  const last = c.timeline.at(-1);
  const { shown, omitted } = capByCode(c.diagnostics);
  const req = c.handshake?.request;
  return {
    id: c.id,
    ...(c.stream !== null ? { stream: c.stream } : {}),
    client: c.client,
    server: c.server,
    kind: kindOf(c),
    label: connectionLabel(c),
    request: req ? `${req.method} ${req.target}` : null,
    verdict: some(c.diagnostics, (d) => fails(d, failOn)) ? 'fail' : 'pass',
    frames: c.counts.frames,
    messages: c.counts.messages,
    duration: first && last ? Math.max(0, last.ts - first.ts) : 0,
    // as the policy counted them (what --ignore left)
    counts: c.counts.diagnostics,
    diagnostics: shown,
    omitted,
  };
}

/** The verdict of one capture read whole. */
export function checkCapture(file: string, capture: CaptureInfo, summary: Summary, connections: CheckedConnection[], diagnostics: readonly Diagnostic[], failOn: FailOn, allowEmpty: boolean): CheckedCapture {
  const reasons: string[] = [];
  const failing = connections.filter((c) => c.verdict === 'fail').length + (diagnostics.some((d) => fails(d, failOn)) ? 1 : 0);
  if (failing > 0) reasons.push(`diagnostics at or above --fail-on ${failOn}`);
  if (summary.websocketConnections === 0 && !allowEmpty) reasons.push('no WebSocket connection');
  const { shown, omitted } = capByCode(diagnostics);
  return { file, verdict: reasons.length > 0 ? 'fail' : 'pass', reasons, error: null, capture, summary, connections, diagnostics: shown, omitted };
}

export function unreadableCapture(file: string, reason: string): CheckedCapture {
  return { file, verdict: 'error', reasons: [reason], error: reason, capture: null, summary: null, connections: [], diagnostics: [], omitted: [] };
}

export function checkRun(captures: CheckedCapture[], failOn: FailOn, allowEmpty: boolean): CheckRun {
  const verdict = captures.some((c) => c.verdict === 'error') ? 'error' : captures.some((c) => c.verdict === 'fail') ? 'fail' : 'pass';
  return { failOn, allowEmpty, captures, verdict, exitStatus: verdict === 'error' ? 2 : verdict === 'fail' ? 1 : 0 };
}

/** The last line of the text report: the verdict of the whole run, and why (in the reader's language). */
export function verdictLine(run: CheckRun, lang?: Lang): string {
  const w = checkWords(lang);
  const name = (c: CheckedCapture): string => (c.file === '-' ? w.stdin : c.file);
  return w.run({
    verdict: run.verdict,
    failOn: run.failOn,
    captures: run.captures.length,
    websocket: run.captures.reduce((n, c) => n + (c.summary?.websocketConnections ?? 0), 0),
    failing: run.captures.filter((c) => c.reasons.some((r) => r.startsWith('diagnostics'))).map(name),
    empty: run.captures.filter((c) => c.reasons.includes('no WebSocket connection')).map(name),
    unreadable: run.captures.filter((c) => c.verdict === 'error').map(name),
  });
}

/**
 * Collects the verdicts of one capture as its connections end. Holds a small
 * record per connection (its diagnostics capped per code), never frames.
 */
export class CheckCollector implements AnalysisSink {
  readonly connections: CheckedConnection[] = [];
  result: CheckedCapture | null = null;

  constructor(
    private readonly file: string,
    /** the severity that fails the check */
    readonly failOn: FailOn,
    private readonly allowEmpty: boolean,
  ) {}

  connection(conn: Connection): void {
    this.connections.push(checkConnection(conn, this.failOn));
  }

  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    this.result = checkCapture(this.file, capture, summary, this.connections, diagnostics, this.failOn, this.allowEmpty);
  }
}
