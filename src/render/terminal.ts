// The terminal report: for each connection the story, the packet-by-packet
// walkthrough, the handshake with its Accept check, the frame table and how
// the connection closed. Reads the analysis result only; every string that
// came from the capture is sanitized before it is printed.
import { encryptedNote, protocolLabel, tellsWebSocket, websocketCounts } from './kind.js';
import { isUtf8 } from 'node:buffer';
import Table from 'cli-table3';
import type { CaptureInfo, Connection, Diagnostic, Frame, Summary } from '../model.js';
import { WEBSOCKET_GUID } from '../http/handshake.js';
import { closeCodeName } from '../websocket/close.js';
import { opcodeName } from '../websocket/frame.js';
import { linkTypeName } from '../link/link.js';
import { plural } from '../analyze/annotate.js';
import { cut, previewPayload, previewText, inQuotes, sanitize, wrap } from '../util/text.js';
import { tellStory } from './story.js';
import type { RenderOptions } from './options.js';
import { paint, type Paint, visibleLength } from './paint.js';
import { messageOf } from './lookup.js';
import { capByCode, omittedLine } from './capped.js';

export interface TerminalOptions extends RenderOptions {
  /** characters of payload preview in the frame table */
  previewWidth: number;
}

const TABLE_STYLE = { head: [], border: [] };
// no rule between rows: one line per frame
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

function endpoint(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

function time(t: number): string {
  return t.toFixed(6);
}

function arrow(from: 'client' | 'server'): string {
  return from === 'client' ? 'C → S' : 'C ← S';
}

function lengthCell(f: Frame): string {
  const n = f.payloadLength;
  const form = f.headerLength - (f.masked ? 4 : 0);
  const bits = form === 4 ? ' (16-bit)' : form === 10 ? ' (64-bit)' : '';
  return `${n}${bits}`;
}

function payloadCell(f: Frame, conn: Connection, width: number): string {
  if (f.close) {
    if (f.close.code === null) return f.payload.length === 1 ? '(1-byte body)' : '(no status code)';
    const reason = f.close.reason ? ` ${previewPayload(Buffer.from(f.close.reason), width)}` : '';
    return `${f.close.code} ${closeCodeName(f.close.code)}${reason}`;
  }
  const msg = messageOf(conn, f.message);
  if (msg?.compressed) {
    const last = msg.frames[msg.frames.length - 1] === f.index;
    if (!last || msg.inflatedLength === null) return `(compressed, ${plural(f.payload.length, 'byte')}${last ? ', not inflated' : ''})`;
    const shown = msg.type === 'text' ? previewText(msg.payload, Math.max(8, width - 14)) : `${plural(msg.inflatedLength, 'byte')}`;
    return `⇢ ${shown} (inflated)`;
  }
  if (f.payload.length === 0) return '';
  if (f.opcode === 0x2 || (f.opcode === 0 && msg?.type === 'binary')) {
    const bytes = Math.max(1, Math.floor(width / 3));
    const hex = f.payload.subarray(0, bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');
    return f.payload.length > bytes ? `${hex} …` : hex;
  }
  if (f.opcode === 0x1 || f.opcode === 0) return previewText(f.payload, width);
  return previewPayload(f.payload, width);
}

function diagnosticLine(d: Diagnostic, p: Paint): string {
  const where = [d.packet !== null ? `packet ${d.packet}` : null, d.frame !== null ? `frame ${d.frame}` : null, d.from].filter((x) => x !== null).join(', ');
  const rfc = d.rfc ? ` [${d.rfc}]` : '';
  return `  ${p.severity(d.severity, d.severity.padEnd(7))} ${d.code}${where ? ` (${where})` : ''}: ${sanitize(d.message)}${rfc}`;
}

function walkthrough(conn: Connection, opts: TerminalOptions, p: Paint): string[] {
  // number, time, direction and phase take 45 columns; the summary gets the rest
  const room = Math.max(20, opts.width - 45);
  const rows = conn.timeline.map((e) => [String(e.packet).padStart(6), p.dim(time(e.relTs).padStart(11)), arrow(e.from), p.phase(e.phase, e.phase.padEnd(13)), cut(sanitize(e.summary), room)]);
  const lines = [p.bold('Walkthrough'), `  ${'No.'.padStart(6)}  ${'Time'.padStart(11)}  Dir    Phase          Summary`];
  for (const r of rows) lines.push(`  ${r.join('  ')}`);
  return lines;
}

function handshakeSection(conn: Connection, width: number, p: Paint): string[] {
  const hs = conn.handshake;
  if (!hs) return [];
  const lines = [p.bold('Handshake')];
  // a header line is cut to the width (a capture may carry a megabyte of one)
  const header = (n: string, v: string): string => `    ${sanitize(n)}: ${cut(sanitize(v), Math.max(20, width - 6 - Array.from(sanitize(n)).length))}`;
  const req = hs.request;
  lines.push(`  Request (packet ${req.packet}), client → server`);
  lines.push(`    ${cut(sanitize(`${req.method} ${req.target} ${req.version}`), Math.max(20, width - 4))}`);
  for (const [n, v] of req.headers) lines.push(header(n, v));
  const res = hs.response;
  if (res) {
    lines.push(`  Response (packet ${res.packet}), server → client`);
    lines.push(`    ${cut(sanitize(`${res.version} ${res.status} ${res.reason}`), Math.max(20, width - 4))}`);
    for (const [n, v] of res.headers) lines.push(header(n, v));
  } else {
    lines.push('  Response: none captured');
  }
  // a row's value wraps under itself when it is longer than the width
  const row = (label: string, value: string): string => wrap(value, width, `  ${label.padEnd(22)}`, ' '.repeat(24)).join('\n');
  lines.push(row('Sec-WebSocket-Key', hs.key === null ? '(missing)' : sanitize(hs.key)));
  if (hs.outcome === 'upgraded') {
    lines.push(row('Accept (received)', hs.accept === null ? '(missing)' : sanitize(hs.accept)));
    lines.push(row('Accept (computed)', hs.expectedAccept === null ? '(no key to compute from)' : `${hs.expectedAccept}  = base64(SHA-1(key + "${WEBSOCKET_GUID}"))`));
  }
  let verdict: string;
  if (hs.outcome === 'rejected') verdict = `✘ rejected: the server answered ${res?.status} ${sanitize(res?.reason ?? '')}, so no WebSocket was opened`;
  else if (hs.outcome === 'no-response') verdict = '? no response to the upgrade request in this capture';
  else if (hs.acceptValid === true) verdict = '✔ upgraded: the server\'s Accept matches the key';
  else if (hs.acceptValid === false) verdict = '✘ upgraded, but the Accept does not match the key: a client must fail this connection';
  else verdict = '✘ upgraded without a Sec-WebSocket-Accept the client could check';
  lines.push(row('Verdict', verdict));
  const body = res?.body;
  if (body && body.length > 0) {
    // what the server said when it refused: its 401 or 403 page, as text when it is text
    const shown = isUtf8(body.data) ? previewText(body.data, Math.max(20, width - 40)) : previewPayload(body.data, Math.max(20, width - 40));
    lines.push(row('Refusal body', `${plural(body.length, 'byte')}${body.complete ? '' : ' (cut short)'}: ${shown}`));
  }
  const offered = hs.offeredSubprotocols.length > 0 ? ` (offered: ${sanitize(hs.offeredSubprotocols.join(', '))})` : '';
  lines.push(row('Subprotocol', `${hs.subprotocol === null ? 'none' : sanitize(hs.subprotocol)}${offered}`));
  const exts = hs.extensions.map((e) => [e.name, ...Object.entries(e.params).map(([k, v]) => (v === true ? k : `${k}=${v}`))].join('; '));
  const offeredExt = hs.offeredExtensions.length > 0 ? ` (offered: ${sanitize(hs.offeredExtensions.join(', '))})` : '';
  lines.push(row('Extensions', `${exts.length > 0 ? sanitize(exts.join(', ')) : 'none'}${offeredExt}`));
  return lines;
}

/** Frames alike but for their masking key: shown once in a run, with a count. */
function sameFrame(a: Frame, b: Frame): boolean {
  return a.from === b.from && a.opcode === b.opcode && a.fin === b.fin && a.rsv1 === b.rsv1 && a.masked === b.masked && a.payloadLength === b.payloadLength && a.payload.equals(b.payload);
}

/** Runs of at least this many alike frames are collapsed. */
const COLLAPSE_RUN = 4;

type Row = (string | { colSpan: number; content: string })[];

function frameRow(f: Frame, conn: Connection, opts: TerminalOptions): Row {
  return [
      String(f.index),
      String(f.packet),
      time(f.relTs),
      f.from,
      f.fin ? '1' : '0',
      `${f.rsv1 ? 1 : 0}${f.rsv2 ? 1 : 0}${f.rsv3 ? 1 : 0}`,
      `0x${f.opcode.toString(16)} ${opcodeName(f.opcode)}`,
      f.masked ? '1' : '0',
      lengthCell(f) + (f.complete ? '' : ' (incomplete)'),
      f.maskingKey ?? '-',
      payloadCell(f, conn, opts.previewWidth)
  ];
}

/** Rows a cli-table3 table takes at once: its layout costs the square of its rows. */
const TABLE_CHUNK = 50;

function frameTable(conn: Connection, opts: TerminalOptions, p: Paint): string[] {
  if (conn.frames.length === 0) return [];
  const rows: Row[] = [];
  const frames = conn.frames;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    let run = 1;
    while (opts.collapse && i + run < frames.length && sameFrame(f, frames[i + run]!)) run++;
    rows.push(frameRow(f, conn, opts));
    if (run >= COLLAPSE_RUN) {
      // the first of the run, then how many more
      rows.push([{ colSpan: 11, content: p.dim(`… ${run - 1} more frames like frame ${f.index} (packets ${frames[i + 1]!.packet}–${frames[i + run - 1]!.packet}); --no-collapse shows them`) }]);
      i += run - 1;
    }
  }
  const head = ['#', 'Pkt', 'Time', 'From', 'FIN', 'RSV', 'Opcode', 'MASK', 'Length', 'Masking key', 'Payload'];
  const chunk = (at: number, colWidths: number[] | null): InstanceType<typeof Table> => {
    const table = new Table({
      head: at === 0 ? head.map((h) => p.bold(h)) : [],
      ...(colWidths ? { colWidths } : {}),
      style: TABLE_STYLE,
      chars: COMPACT,
      colAligns: ['right', 'right', 'right', 'left', 'center', 'center', 'left', 'center', 'right', 'left', 'left'],
    });
    for (const r of rows.slice(at, at + TABLE_CHUNK)) table.push(r);
    return table;
  };
  if (rows.length <= TABLE_CHUNK) return [p.bold(`Frames (${conn.frames.length})`), ...chunk(0, null).toString().split('\n').map((l) => `  ${l}`)];
  // a long table: laid out in chunks with the same column widths, joined into one
  // (cli-table3's layout costs the square of its rows, and a cell costs it much)
  const widths = head.map((h) => h.length + 2);
  for (const r of rows) if (r.length === head.length) r.forEach((cell, c) => (widths[c] = Math.max(widths[c]!, visibleLength(String(cell)) + 2)));
  const lines: string[] = [];
  for (let at = 0; at < rows.length; at += TABLE_CHUNK) {
    const part = chunk(at, widths).toString().split('\n');
    lines.push(...part.slice(at === 0 ? 0 : 1, at + TABLE_CHUNK >= rows.length ? part.length : part.length - 1));
  }
  return [p.bold(`Frames (${conn.frames.length})`), ...lines.map((l) => `  ${l}`)];
}

function closeSection(conn: Connection, width: number, p: Paint): string[] {
  return closeLines(conn, p).flatMap((l) => (visibleLength(l) > width ? wrap(l.trimStart(), width, '  ', '    ') : [l]));
}

function closeLines(conn: Connection, p: Paint): string[] {
  const lines = [p.bold('Close')];
  const cs = conn.close;
  const t = conn.tcp.teardown;
  if (cs.initiator) {
    const code = cs.code === null ? 'no status code' : `${cs.code} (${closeCodeName(cs.code)})`;
    const reason = cs.reason ? ` ${inQuotes(cs.reason, 60)}` : '';
    const peer = cs.initiator === 'client' ? 'server' : 'client';
    const reply = cs.replyPacket !== null ? `the ${peer} answered with Close ${cs.replyCode ?? '(no status code)'} in packet ${cs.replyPacket}` : `the ${peer} never sent its Close`;
    lines.push(`  WebSocket: the ${cs.initiator} sent Close ${code}${reason} in packet ${cs.packet}; ${reply}.`);
  } else if (conn.handshake?.outcome === 'upgraded' || conn.detection !== null) {
    lines.push('  WebSocket: no Close frame was sent by either side.');
  }
  const fins = conn.tcp.finBy;
  const finText = (side: 'client' | 'server'): string | null => (fins[side] !== null ? `the ${side}'s FIN in packet ${fins[side]}` : null);
  const finList = [finText(t.firstBy === 'server' ? 'server' : 'client'), finText(t.firstBy === 'server' ? 'client' : 'server')].filter((x) => x !== null);
  if (t.kind === 'none') lines.push('  TCP: still open when the capture ended.');
  else if (t.kind === 'rst') lines.push(`  TCP: reset (RST) by the ${t.firstBy} in packet ${t.packets[0]}.`);
  else {
    const half = fins.client === null || fins.server === null ? ' Only one side closed: a half-close.' : '';
    lines.push(`  TCP: FIN from the ${t.firstBy} first — ${finList.join(', then ')}.${half}`);
  }
  const analysis = [
    conn.tcp.retransmissions > 0 ? plural(conn.tcp.retransmissions, 'retransmission') : null,
    conn.tcp.outOfOrder > 0 ? `${plural(conn.tcp.outOfOrder, 'segment')} out of order` : null,
    conn.tcp.lostBytes > 0 ? `${plural(conn.tcp.lostBytes, 'byte')} never captured` : null,
  ].filter((x) => x !== null);
  if (analysis.length > 0) lines.push(`  TCP analysis: ${analysis.join(', ')}.`);
  const z = conn.compression;
  if (z) {
    const ratio = (side: 'client' | 'server'): string => (z[side].wire > 0 ? `${z[side].wire} → ${z[side].inflated} bytes (${(z[side].inflated / z[side].wire).toFixed(1)}×)` : 'nothing compressed');
    lines.push(`  Compression (permessage-deflate): client ${ratio('client')}; server ${ratio('server')}.`);
  }
  if (conn.handshake?.outcome === 'upgraded' || conn.detection === 'heuristic' || conn.detection === 'decode-as') {
    lines.push(cs.clean ? p.green('  Verdict: clean close — both Close frames, then the TCP teardown.') : p.yellow('  Verdict: not a clean close.'));
  }
  return lines;
}

/** A timeline summary that is an HTTP request or response line. */
const HTTP_LINE = /^(?:[A-Z]+ \S+ HTTP\/\d|HTTP\/\d)/;
/** HTTP messages listed for a connection without WebSocket. */
const MAX_HTTP_LINES = 6;

export function renderConnection(conn: Connection, opts: TerminalOptions): string {
  const p = paint(opts.color);
  const title = `Connection ${conn.id}: ${endpoint(conn.client)} (client) ⇄ ${endpoint(conn.server)} (server)`;
  if (!tellsWebSocket(conn)) {
    // its HTTP, when it is HTTP: an application protocol's other transport shows there (SockJS's info request, Engine.IO's polling)
    const http = conn.timeline.filter((e) => HTTP_LINE.test(e.summary));
    const lines = http.slice(0, MAX_HTTP_LINES).map((e) => `    ${String(e.packet).padStart(6)}  ${arrow(e.from)}  ${cut(sanitize(e.summary), Math.max(20, opts.width - 19))}`);
    if (http.length > MAX_HTTP_LINES) lines.push(`    … and ${plural(http.length - MAX_HTTP_LINES, 'more HTTP message')}`);
    return `${title}\n  Not WebSocket: ${protocolLabel(conn)}${encryptedNote(conn)}; no upgrade request; ${plural(conn.timeline.length, 'packet')}${lines.length > 0 ? '. Its HTTP:' : '.'}\n${lines.map((l) => `${l}\n`).join('')}`;
  }
  const sections: string[][] = [];
  const story = tellStory(conn);
  if (story.length > 0) sections.push([p.bold('In short'), ...story.flatMap((s) => wrap(s, opts.width, '  • ', '    '))]);
  sections.push(walkthrough(conn, opts, p));
  sections.push(handshakeSection(conn, opts.width, p));
  sections.push(frameTable(conn, opts, p));
  sections.push(closeSection(conn, opts.width, p));
  const diags = conn.diagnostics;
  const { shown, omitted } = capByCode(diags);
  sections.push([p.bold(`Diagnostics (${diags.length})`), ...(diags.length > 0 ? [...shown.map((d) => diagnosticLine(d, p)), ...omitted.map(([code, n]) => `  ${p.dim(omittedLine(code, n))}`)] : ['  none'])]);
  const rule = '═'.repeat(Math.min(opts.width, title.length));
  const body = sections.filter((s) => s.length > 0).map((s) => s.join('\n')).join('\n\n');
  return `${rule}\n${p.bold(title)}\n${rule}\n\n${body}\n`;
}

export function renderEnd(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[], color = false, width = Infinity): string {
  const p = paint(color);
  const lines: string[] = [];
  if (diagnostics.length > 0) {
    lines.push(p.bold('Capture diagnostics'), ...diagnostics.map((d) => diagnosticLine(d, p)), '');
  }
  const links = capture.linkTypes.map(linkTypeName).join(', ');
  const d = summary.diagnostics;
  lines.push(
    `Capture: ${capture.format}, ${links || 'no link type'}, ${plural(capture.packets, 'packet')}, ${plural(capture.bytes, 'byte')}` +
      (capture.firstTs !== null && capture.lastTs !== null ? `, ${(capture.lastTs - capture.firstTs).toFixed(6)} s` : ''),
  );
  const counts = `Summary: ${plural(summary.connections, 'TCP connection')} (${websocketCounts(summary)}), ${plural(summary.frames, 'frame')}, ${plural(summary.messages, 'message')};`;
  const verdicts = `${plural(d.error, 'error')}, ${plural(d.warning, 'warning')}, ${d.info} info`;
  lines.push(counts.length + 1 + verdicts.length <= width ? `${counts} ${verdicts}` : `${counts}\n         ${verdicts}`);
  return `${lines.join('\n')}\n`;
}
