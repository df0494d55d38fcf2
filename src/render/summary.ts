// --summary: per connection a verdict and its counts, with no per-frame
// output, for the largest captures. Reads only what a streaming analysis
// keeps of a connection (its counts), so memory stays flat.
import { conversationName } from '../model.js';
import { ending, endingWords, protocolLabel, tellsWebSocket, endpoint, interruptedNote, sideFrames, webSocketKind } from './kind.js';
import type { CaptureInfo, Connection, Diagnostic, Side, SideCounts, Summary } from '../model.js';
import { reportWords, type ReportWords } from '../text/report-words.js';
import { sanitize, wrap } from '../util/text.js';
import type { RenderOptions } from './options.js';
import { paint } from './paint.js';

/** The words and the line-breaking of the language asked for. */
function words(opts: RenderOptions): { w: ReportWords; wrap: typeof wrap } {
  const w = reportWords(opts.lang);
  return { w, wrap: w.wrap };
}

/** One side's counts; `compressed`: its message bytes are the wire's, so it says so (the inflated total is in the ratio). */
function side(w: ReportWords, name: Side, s: SideCounts, compressed: boolean): string {
  const frames = sideFrames(s);
  const span = s.rtts > 0 ? (s.rttMin === s.rttMax ? w.rtt(s.rttMin!) : `${w.rtt(s.rttMin!)}–${w.rtt(s.rttMax!)}`) : null;
  return w.summarySide(name, s, frames, compressed, span);
}

export function renderSummaryConnection(c: Connection, opts: RenderOptions): string {
  const p = paint(opts.color);
  const { w, wrap: lay } = words(opts);
  const d = c.counts.diagnostics;
  const v = endingWords(c, true, opts.lang);
  const head = w.summaryHead(conversationName(c), endpoint(c.client), endpoint(c.server), c.websocket ? webSocketKind(c, opts.lang) : protocolLabel(c, opts.lang), ending(c) === 'clean-close' ? p.green(v) : p.yellow(v));
  if (!tellsWebSocket(c)) return `${lay(w.summaryNotWebSocket(head, c.counts.packets), opts.width, '', '  ').join('\n')}\n`;
  const z = c.compression;
  const ratio = z && z.client.wire + z.server.wire > 0 ? ((z.client.inflated + z.server.inflated) / (z.client.wire + z.server.wire)).toFixed(1) : null;
  const [errors, warnings, infos] = w.severityCounts(d);
  const diags = [p.severity('error', errors), p.severity('warning', warnings), infos].join(w.countsJoin);
  const sub = c.handshake?.subprotocol ? sanitize(c.handshake.subprotocol) : null;
  // the counts wrap under themselves, a group (separated by ";") kept on one line where it fits
  return `${[...lay(head, opts.width, '', '  '), ...lay(w.summaryLine(c.counts.packets, side(w, 'client', c.counts.client, z !== null), side(w, 'server', c.counts.server, z !== null), ratio, sub, diags), opts.width, '  ', '    ')].join('\n')}\n`;
}

export function renderSummaryEnd(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[], opts: RenderOptions): string {
  const p = paint(opts.color);
  const { w, wrap: lay } = words(opts);
  const lines = diagnostics.flatMap((d) => lay(w.summaryCaptureDiagnostic(p.severity(d.severity, w.severity(d.severity)), d.code, sanitize(w.diagnosticMessage(d))), opts.width, '', '  '));
  lines.push(...lay(w.summaryEnd(capture.format, w.linkTypes(capture.linkTypes), capture.packets, capture.bytes, summary, summary.diagnostics), opts.width, '', '  '));
  const interrupted = interruptedNote(capture, opts.lang);
  if (interrupted !== null) lines.push(...lay(interrupted, opts.width, '', '  '));
  return `${lines.join('\n')}\n`;
}
