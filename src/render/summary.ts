// --summary: per connection a verdict and its counts, with no per-frame
// output, for the largest captures. Reads only what a streaming analysis
// keeps of a connection (its counts), so memory stays flat.
import { ending, endingWords, protocolLabel, tellsWebSocket, websocketCounts, endpoint, interruptedNote } from './kind.js';
import type { CaptureInfo, Connection, Diagnostic, SideCounts, Summary } from '../model.js';
import { formatRtt, plural } from '../text/words.js';
import { linkTypeName } from '../link/link.js';
import { sanitize, wrap } from '../util/text.js';
import type { RenderOptions } from './options.js';
import { paint } from './paint.js';

/** One side's counts; `compressed`: its message bytes are the wire's, so it says so (the inflated total is in the ratio). */
function side(name: string, s: SideCounts, compressed: boolean): string {
  const frames = Object.values(s.frames).reduce((n, f) => n + f.count, 0);
  const span = s.rttMin === s.rttMax ? formatRtt(s.rttMin!) : `${formatRtt(s.rttMin!)}–${formatRtt(s.rttMax!)}`;
  const rtt = s.rtts > 0 ? `, ${plural(s.rtts, 'pong')} answered in ${span}` : '';
  return `${name} ${plural(frames, 'frame')}, ${plural(s.messages, 'message')} (${plural(s.messageBytes, 'byte')}${compressed ? ' on the wire' : ''}${s.fragmentedMessages > 0 ? `, ${s.fragmentedMessages} fragmented` : ''})${rtt}`;
}

export function renderSummaryConnection(c: Connection, opts: RenderOptions): string {
  const p = paint(opts.color);
  const d = c.counts.diagnostics;
  const how = c.detection && c.detection !== 'handshake' ? ` (${c.detection})` : '';
  const v = endingWords(c, true);
  const head = `connection ${c.id}  ${endpoint(c.client)} → ${endpoint(c.server)}  ${c.websocket ? `WebSocket${how}` : protocolLabel(c)}: ${ending(c) === 'clean-close' ? p.green(v) : p.yellow(v)}`;
  if (!tellsWebSocket(c)) return `${wrap(`${head}; ${plural(c.counts.packets, 'packet')}`, opts.width, '', '  ').join('\n')}\n`;
  const z = c.compression;
  const ratio = z && z.client.wire + z.server.wire > 0 ? `; compression ${((z.client.inflated + z.server.inflated) / (z.client.wire + z.server.wire)).toFixed(1)}×` : '';
  const diags = `${p.severity('error', plural(d.error, 'error'))}, ${p.severity('warning', plural(d.warning, 'warning'))}, ${d.info} info`;
  const sub = c.handshake?.subprotocol ? `; subprotocol ${sanitize(c.handshake.subprotocol)}` : '';
  // the counts wrap under themselves, a group (separated by ";") kept on one line where it fits
  return `${[...wrap(head, opts.width, '', '  '), ...wrap(`${plural(c.counts.packets, 'packet')}; ${side('client', c.counts.client, z !== null)}; ${side('server', c.counts.server, z !== null)}${ratio}${sub}; ${diags}`, opts.width, '  ', '    ')].join('\n')}\n`;
}

export function renderSummaryEnd(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[], opts: RenderOptions): string {
  const p = paint(opts.color);
  const lines = diagnostics.flatMap((d) => wrap(`capture: ${p.severity(d.severity, d.severity)} ${d.code}: ${sanitize(d.message)}`, opts.width, '', '  '));
  const s = summary.diagnostics;
  lines.push(...wrap(`${capture.format}, ${capture.linkTypes.map(linkTypeName).join(', ')}, ${plural(capture.packets, 'packet')}, ${plural(capture.bytes, 'byte')}: ${plural(summary.connections, 'connection')} (${websocketCounts(summary)}), ${plural(summary.frames, 'frame')}, ${plural(summary.messages, 'message')}; ${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${s.info} info`, opts.width, '', '  '));
  const interrupted = interruptedNote(capture);
  if (interrupted !== null) lines.push(...wrap(interrupted, opts.width, '', '  '));
  return `${lines.join('\n')}\n`;
}
