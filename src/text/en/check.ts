// The check report in English (the interface: text/check-words.ts).
import type { CheckWords, RunFacts } from '../check-words.js';
import { plural } from '../words.js';
import { websocketCounts } from './report.js';

function run(r: RunFacts): string {
  const where = (list: string[]): string => (r.captures === 1 ? '' : ` in ${list.join(', ')}`);
  if (r.verdict === 'pass') return `PASS: nothing at or above --fail-on ${r.failOn} (${plural(r.captures, 'capture')}, ${plural(r.websocket, 'WebSocket connection')})`;
  const parts: string[] = [];
  if (r.failing.length > 0) parts.push(`diagnostics at or above --fail-on ${r.failOn}${where(r.failing)}`);
  if (r.empty.length > 0) parts.push(`no WebSocket connection${where(r.empty)} (--allow-empty accepts a capture without one)`);
  if (r.unreadable.length > 0) return `ERROR: ${r.unreadable.length === 1 && r.captures === 1 ? 'the capture' : `${plural(r.unreadable.length, 'capture')} (${r.unreadable.join(', ')})`} could not be read${parts.length > 0 ? `; ${parts.join('; ')}` : ''}`;
  return `FAIL: ${parts.join('; ')}`;
}

const counts = (n: { error: number; warning: number; info: number }): string => `${plural(n.error, 'error')}, ${plural(n.warning, 'warning')}, ${n.info} info`;

export const CHECK_EN: CheckWords = {
  stdin: '(stdin)',
  verdict: (v) => (v === 'pass' ? 'PASS' : 'FAIL'),
  connection: (verdict, id, client, server, label, c) => `  ${verdict}  connection ${id}  ${client} → ${server}  (${label}; ${c})`,
  notWebSocket: (carries) => `not WebSocket: ${carries}`,
  noAnswer: 'no answer to the upgrade',
  frames: (n) => plural(n, 'frame'),
  counts,
  group: (severity, n) => `    ${severity === 'info' ? 'info' : `${severity}s`} (${n})`,
  diagnostic: (code, where, message, rfc) => `      ${code}${where ? ` (${where})` : ''}: ${message}${rfc ? ` [${rfc}]` : ''}`,
  where: (packet, frame, from) => [packet !== null ? `packet ${packet}` : null, frame !== null ? `frame ${frame}` : null, from].filter((x) => x !== null).join(', '),
  capture: '  capture',
  captureCounts: (packets, connections, websocket, refused, d) =>
    `  ${plural(packets, 'packet')}, ${plural(connections, 'connection')} (${websocketCounts({ websocketConnections: websocket, refusedUpgrades: refused })}): ${counts(d)}`,
  captureVerdict: (failing, empty, failOn) => {
    const reasons = [...(failing ? [`diagnostics at or above --fail-on ${failOn}`] : []), ...(empty ? ['no WebSocket connection'] : [])];
    return `  ${reasons.length === 0 ? 'PASS' : `FAIL: ${reasons.join('; ')}`}`;
  },
  unreadable: (reason) => `  ERROR: could not be read: ${reason}`,
  run,
};
