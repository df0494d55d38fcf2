// The terminal report: for each connection the story, the packet-by-packet
// walkthrough, the handshake with its Accept check, the frame table and how
// the connection closed. Reads the analysis result only; every string that
// came from the capture is sanitized before it is printed.
import { encryptedNote, protocolLabel, tellsWebSocket, endpoint, diagnosticWhere, interruptedNote } from './kind.js';
import { isUtf8 } from 'node:buffer';
import type { CaptureInfo, Connection, Diagnostic, Frame, Summary } from '../model.js';
import { WEBSOCKET_GUID } from '../http/handshake.js';
import { closeCodeName } from '../websocket/close.js';
import { opcodeName } from '../websocket/frame.js';
import { plural } from '../text/words.js';
import { cutWidth, displayWidth, inQuotes, previewPayload, previewText, sanitize, wrap, safeCut } from '../util/text.js';
import { reportWords } from '../text/report-words.js';
import { explainWords } from '../text/explain-words.js';
import type { Lang } from '../text/lang.js';
import { tellStory } from './story.js';
import type { RenderOptions } from './options.js';
import { clip, paint, type Paint, visibleLength } from './paint.js';
import { messageOf } from '../select/lookup.js';
import { entrySummary } from '../text/packets.js';
import { capByCode, omittedLine } from './capped.js';
import { noMatchLine, shownOf } from './narrowed.js';
import { type Align, bottomLine, type Grid, type GridCell, gridWidth, rowLines, topLine } from './columns.js';

export interface TerminalOptions extends RenderOptions {
  /** characters of payload preview in the frame table */
  previewWidth: number;
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

/**
 * The payload cell of a frame in at most about `width` columns; `narrowest`
 * when no smaller width gives a shorter cell (the frame table stops
 * narrowing it there).
 */
function payloadCell(f: Frame, conn: Connection, width: number): { text: string; narrowest: boolean } {
  if (f.close) {
    if (f.close.code === null) return { text: f.payload.length === 1 ? '(1-byte body)' : '(no status code)', narrowest: true };
    const reason = f.close.reason ? ` ${previewPayload(Buffer.from(f.close.reason), width, true)}` : '';
    return { text: `${f.close.code} ${closeCodeName(f.close.code)}${reason}`, narrowest: reason === '' || width <= 1 };
  }
  // a whole text or binary message in one frame without RSV1 is not compressed: its frame says all (no need to find the message)
  const msg = (f.opcode === 0x1 || f.opcode === 0x2) && f.fin && !f.rsv1 ? undefined : messageOf(conn, f.message);
  if (msg?.compressed) {
    const last = msg.frames[msg.frames.length - 1] === f.index;
    if (!last || msg.inflatedLength === null) return { text: `(compressed, ${plural(f.payload.length, 'byte')}${last ? ', not inflated' : ''})`, narrowest: true };
    if (msg.type !== 'text') return { text: `⇢ ${plural(msg.inflatedLength, 'byte')} (inflated)`, narrowest: true };
    return { text: `⇢ ${previewText(msg.payload, Math.max(8, width - 14), true)} (inflated)`, narrowest: width - 14 <= 8 };
  }
  if (f.payload.length === 0) return { text: '', narrowest: true };
  if (f.opcode === 0x2 || (f.opcode === 0 && msg?.type === 'binary')) {
    const bytes = Math.max(1, Math.floor(width / 3));
    const hex = f.payload.subarray(0, bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');
    return { text: f.payload.length > bytes ? `${hex} …` : hex, narrowest: bytes === 1 };
  }
  if (f.opcode === 0x1 || f.opcode === 0) return { text: previewText(f.payload, width, true), narrowest: width <= 1 };
  return { text: previewPayload(f.payload, width, true), narrowest: width <= 1 };
}

/**
 * A diagnostic, wrapped to the width under its code; in a language other
 * than English (`lang`), told as explain mode tells a connection's, in that
 * language's words.
 */
function diagnosticLines(d: Diagnostic, p: Paint, width: number, lang?: Lang): string[] {
  if (lang !== undefined && lang !== 'en') {
    const w = explainWords(lang);
    return reportWords(lang).wrap(w.diagnostic(p.severity(d.severity, w.severity(d.severity)), d), width, '  ');
  }
  const where = diagnosticWhere(d);
  const rfc = d.rfc ? ` [${d.rfc}]` : '';
  return wrap(`${d.code}${where ? ` (${where})` : ''}: ${sanitize(d.message)}${rfc}`, width, `  ${p.severity(d.severity, d.severity.padEnd(7))} `, ' '.repeat(10));
}

function* walkthrough(conn: Connection, opts: TerminalOptions, p: Paint): Generator<string> {
  // number, time, direction and phase take 45 columns and the summary the rest;
  // when that leaves less than 30, the number and time columns are only as wide as they need
  const wide = opts.width - 45 >= 30;
  // packets are in order: the last one has the widest number (past 999 999 the column widens rather than every row being cut again)
  const last = conn.timeline.length > 0 ? conn.timeline.at(conn.timeline.length - 1)! : null;
  let numWidth = wide ? Math.max(6, last ? String(last.packet).length : 0) : 3;
  let timeWidth = wide ? 11 : 4;
  if (!wide) {
    for (const e of conn.timeline) {
      numWidth = Math.max(numWidth, String(e.packet).length);
      timeWidth = Math.max(timeWidth, time(e.relTs).length);
    }
  }
  const room = Math.max(10, opts.width - (2 + numWidth + 2 + timeWidth + 2 + 5 + 2 + 13 + 2));
  const title = shownOf(conn, 'packets', conn.timeline.length) === String(conn.timeline.length) ? 'Walkthrough' : `Walkthrough (${shownOf(conn, 'packets', conn.timeline.length)} packets)`;
  const none = noMatchLine(conn, ['packets']);
  if (none) {
    yield p.bold(title);
    yield* wrap(none, opts.width, '  ', '    ');
    return;
  }
  yield clip(p.bold(title), opts.width);
  yield clip(`  ${'No.'.padStart(numWidth)}  ${'Time'.padStart(timeWidth)}  Dir    Phase          Summary`, opts.width);
  // a row whose number and time fill their columns exactly is as wide as the width allows, by construction (the summary is cut to
  // the room left): it is not measured again, unless the room had to be widened past the width
  const exact = room === opts.width - (2 + numWidth + 2 + timeWidth + 2 + 5 + 2 + 13 + 2);
  for (const e of conn.timeline) {
    const num = String(e.packet);
    const t = time(e.relTs);
    const row = `  ${num.padStart(numWidth)}  ${p.dim(t.padStart(timeWidth))}  ${arrow(e.from)}  ${p.phase(e.phase, e.phase.padEnd(13))}  ${safeCut(entrySummary(e), room)}`;
    yield exact && num.length <= numWidth && t.length <= timeWidth ? row : clip(row, opts.width);
  }
}

function handshakeSection(conn: Connection, width: number, p: Paint): string[] {
  const hs = conn.handshake;
  if (!hs) return [];
  const lines = [p.bold('Handshake')];
  // a header line is cut to the width (a capture may carry a megabyte of one)
  const header = (n: string, v: string): string => clip(`    ${sanitize(n)}: ${safeCut(v, Math.max(20, width - 6 - displayWidth(sanitize(n))))}`, width);
  const req = hs.request;
  lines.push(`  Request (packet ${req.packet}), client → server`);
  lines.push(`    ${safeCut(`${req.method} ${req.target} ${req.version}`, Math.max(20, width - 4))}`);
  for (const [n, v] of req.headers) lines.push(header(n, v));
  const res = hs.response;
  if (res) {
    lines.push(`  Response (packet ${res.packet}), server → client`);
    lines.push(`    ${safeCut(`${res.version} ${res.status} ${res.reason}`, Math.max(20, width - 4))}`);
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
    const shown = isUtf8(body.data) ? previewText(body.data, Math.max(20, width - 40), true) : previewPayload(body.data, Math.max(20, width - 40), true);
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

interface Column {
  head: string;
  /** the header when columns are squeezed */
  short: string;
  align: Align;
  /** the cell of a frame (printable ASCII, one column a character); `compact` asks for its shortest form */
  cell: (f: Frame, compact: boolean) => string;
  /** the cell has a shorter form */
  compacts?: boolean;
}

const FRAME_COLUMNS: readonly Column[] = [
  { head: '#', short: '#', align: 'right', cell: (f) => String(f.index) },
  { head: 'Pkt', short: 'Pkt', align: 'right', cell: (f) => String(f.packet) },
  { head: 'Time', short: 'Time', align: 'right', cell: (f) => time(f.relTs) },
  { head: 'From', short: 'From', align: 'left', cell: (f) => f.from },
  { head: 'FIN', short: 'F', align: 'center', cell: (f) => (f.fin ? '1' : '0') },
  { head: 'RSV', short: 'RSV', align: 'center', cell: (f) => `${f.rsv1 ? 1 : 0}${f.rsv2 ? 1 : 0}${f.rsv3 ? 1 : 0}` },
  { head: 'Opcode', short: 'Op', align: 'left', compacts: true, cell: (f, compact) => (compact ? `0x${f.opcode.toString(16)}` : `0x${f.opcode.toString(16)} ${opcodeName(f.opcode)}`) },
  { head: 'MASK', short: 'M', align: 'center', cell: (f) => (f.masked ? '1' : '0') },
  { head: 'Length', short: 'Len', align: 'right', compacts: true, cell: (f, compact) => (compact ? String(f.payloadLength) + (f.complete ? '' : '+') : lengthCell(f) + (f.complete ? '' : ' (incomplete)')) },
  { head: 'Masking key', short: 'Key', align: 'left', cell: (f) => f.maskingKey ?? '-' },
];
const PAYLOAD = { head: 'Payload', short: 'Payload', align: 'left' as Align };
/** The payload column is not squeezed narrower than this; nor the masking key. */
const MIN_PAYLOAD = 8;
const MIN_KEY = 4;

type Row = { frame: Frame } | { note: string };

/**
 * The frame table, drawn to fit the width: the columns take their natural
 * widths when they fit; otherwise, step by step until they do, the payload
 * preview narrows (down to MIN_PAYLOAD columns), the headers shorten and the
 * masking key is cut, the opcode and length lose their words, and the cells
 * lose their padding. Widths are terminal columns (displayWidth): a payload
 * of wide characters lines up like any other. Drawn by the column formatter
 * (columns.ts) rather than by cli-table3, whose string-width disagrees with
 * displayWidth on some characters (combining marks beyond U+036F, emoji of
 * narrow width), and whose layout costs the square of the rows.
 */
function* frameTable(conn: Connection, opts: TerminalOptions, p: Paint, title: string): Generator<string> {
  const none = noMatchLine(conn, ['frames']);
  if (none) {
    yield p.bold(title);
    yield* wrap(none, opts.width, '  ', '    ');
    return;
  }
  if (conn.frames.length === 0) return;
  // the rows are made twice, once to measure the columns and once to draw them: nothing is kept per frame
  const frames = conn.frames;
  function* rows(): Generator<Row> {
    for (let i = 0; i < frames.length; i++) {
      const f = frames.at(i)!;
      let run = 1;
      while (opts.collapse && i + run < frames.length && sameFrame(f, frames.at(i + run)!)) run++;
      yield { frame: f };
      if (run >= COLLAPSE_RUN) {
        // the first of the run, then how many more
        yield { note: `… ${run - 1} more frames like frame ${f.index} (packets ${frames.at(i + 1)!.packet}–${frames.at(i + run - 1)!.packet}); --no-collapse shows them` };
        i += run - 1;
      }
    }
  }
  // a preview narrower than --preview asks for is made again for the room it has (its quotes kept), and cut only as a last resort
  const preview = (f: Frame, room: number): GridCell => {
    let { text: cell, narrowest } = payloadCell(f, conn, opts.previewWidth);
    let width = displayWidth(cell);
    for (let k = Math.min(opts.previewWidth, room - 2); k >= 1 && width > room && !narrowest; k -= Math.max(1, width - room)) {
      ({ text: cell, narrowest } = payloadCell(f, conn, k));
      width = displayWidth(cell);
    }
    return width <= room ? { text: cell, width } : { text: cutWidth(cell, room) };
  };
  // the widest cell of each column, in full and compact form, and the widest payload
  const full = FRAME_COLUMNS.map(() => 0);
  const compactWidths = FRAME_COLUMNS.map(() => 0);
  let natural = displayWidth(PAYLOAD.head);
  const previewCap = Math.max(opts.previewWidth + 3, 40);
  for (const r of rows()) {
    if (!('frame' in r)) continue;
    FRAME_COLUMNS.forEach((c, i) => {
      const w = c.cell(r.frame, false).length;
      full[i] = Math.max(full[i]!, w);
      compactWidths[i] = Math.max(compactWidths[i]!, c.compacts ? c.cell(r.frame, true).length : w);
    });
    // a preview is at most --preview columns and its quotes and marks (a Close's reason comes after its code and name): once one
    // is that wide, the others need not be made to be measured
    if (natural < previewCap || r.frame.opcode === 0x8) natural = Math.max(natural, displayWidth(payloadCell(r.frame, conn, opts.previewWidth).text));
  }
  const n = FRAME_COLUMNS.length + 1;
  // indent, borders
  const room = opts.width - 2 - (n + 1);
  type Plan = { heads: string[]; compact: boolean; widths: number[]; pad: number; payload: number };
  const plan = (level: number): Plan => {
    const short = level >= 1;
    const compact = level >= 2;
    const pad = level >= 3 ? 0 : 1;
    const heads = FRAME_COLUMNS.map((c) => (short ? c.short : c.head));
    const widths = FRAME_COLUMNS.map((_, c) => Math.max(displayWidth(heads[c]!), (compact ? compactWidths : full)[c]!));
    const key = FRAME_COLUMNS.length - 1;
    if (short) widths[key] = Math.min(widths[key]!, Math.max(MIN_KEY, displayWidth(heads[key]!)));
    const left = room - 2 * pad * n - widths.reduce((a, b) => a + b, 0);
    return { heads: [...heads, PAYLOAD.head], compact, widths, pad, payload: Math.min(natural, Math.max(MIN_PAYLOAD, left)) };
  };
  const fits = (q: Plan): boolean => q.widths.reduce((a, b) => a + b, 0) + q.payload + 2 * q.pad * n <= room;
  let chosen = plan(0);
  for (let level = 1; level <= 3 && !fits(chosen); level++) chosen = plan(level);
  const grid: Grid = { widths: [...chosen.widths, chosen.payload], aligns: [...FRAME_COLUMNS.map((c) => c.align), PAYLOAD.align], pad: chosen.pad };
  // a grid that fits the width draws lines that fit it: none needs a clip
  const fitsWidth = 2 + gridWidth(grid) <= opts.width;
  const out = (l: string): string => (fitsWidth ? `  ${l}` : clip(`  ${l}`, opts.width));
  const line = (f: Frame): string =>
    rowLines(grid, [
      ...FRAME_COLUMNS.map((c) => {
        const text = c.cell(f, chosen.compact);
        return { text, width: text.length };
      }),
      preview(f, chosen.payload),
    ])[0]!;
  yield p.bold(title);
  // the borders have a junction at every column, under a note across the table as well
  yield out(topLine(grid));
  yield out(rowLines(grid, chosen.heads.map((text) => ({ text })), { paint: p.bold })[0]!);
  for (const r of rows()) yield out('note' in r ? rowLines(grid, [{ text: r.note, span: n, align: 'left' }], { paint: p.dim })[0]! : line(r.frame));
  yield out(bottomLine(grid));
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
/** HTTP messages listed for a connection without WebSocket. */
const MAX_HTTP_LINES = 6;

export function renderConnection(conn: Connection, opts: TerminalOptions): string {
  let out = '';
  for (const chunk of connectionChunks(conn, opts)) out += chunk;
  return out;
}

/** Sections of lines, a blank line between two (an empty section leaves no trace), each line ended. */
function* sectioned(sections: Iterable<Iterable<string>>): Generator<string> {
  let any = false;
  for (const section of sections) {
    let first = true;
    for (const line of section) {
      if (first && any) yield '\n';
      first = false;
      any = true;
      yield `${line}\n`;
    }
  }
}

/**
 * The report of a connection, a piece at a time (a line, mostly): a long
 * connection is written as it is read, never held as one text.
 */
export function* connectionChunks(conn: Connection, opts: TerminalOptions): Generator<string> {
  const p = paint(opts.color);
  const title = reportWords(opts.lang).connectionTitle(conn.id, endpoint(conn.client), endpoint(conn.server));
  const lay = reportWords(opts.lang).wrap;
  if (!tellsWebSocket(conn)) {
    // its HTTP, when it is HTTP: an application protocol's other transport shows there (SockJS's info request, Engine.IO's polling)
    const lines: string[] = [];
    let http = 0;
    for (const e of conn.timeline) {
      if (!e.http) continue;
      if (http++ < MAX_HTTP_LINES) lines.push(clip(`    ${String(e.packet).padStart(6)}  ${arrow(e.from)}  ${safeCut(entrySummary(e), Math.max(20, opts.width - 19))}`, opts.width));
    }
    if (http > MAX_HTTP_LINES) lines.push(`    … and ${plural(http - MAX_HTTP_LINES, 'more HTTP message')}`);
    const head = wrap(`Not WebSocket: ${protocolLabel(conn)}${encryptedNote(conn)}; no upgrade request; ${plural(conn.timeline.length, 'packet')}${lines.length > 0 ? '. Its HTTP:' : '.'}`, opts.width, '  ', '    ');
    yield `${lay(title, opts.width, '', '  ').join('\n')}\n${[...head, ...lines].map((l) => `${l}\n`).join('')}`;
    return;
  }
  const titleLines = lay(title, opts.width, '', '  ');
  const rule = '═'.repeat(Math.min(opts.width, Math.max(...titleLines.map(displayWidth))));
  yield `${rule}\n${titleLines.map((l) => p.bold(l)).join('\n')}\n${rule}\n\n`;
  const story = tellStory(conn);
  const diags = conn.diagnostics;
  const diagnostics = (): string[] => {
    const { shown, omitted } = capByCode(diags);
    return [p.bold(`Diagnostics (${diags.length})`), ...(diags.length > 0 ? [...shown.flatMap((d) => diagnosticLines(d, p, opts.width)), ...omitted.map(([code, n]) => `  ${p.dim(cutWidth(omittedLine(code, n), opts.width - 2))}`)] : ['  none'])];
  };
  yield* sectioned([
    story.length > 0 ? [p.bold('In short'), ...story.flatMap((s) => wrap(s, opts.width, '  • ', '    '))] : [],
    walkthrough(conn, opts, p),
    handshakeSection(conn, opts.width, p),
    frameTable(conn, opts, p, `Frames (${shownOf(conn, 'frames', conn.frames.length)})`),
    closeSection(conn, opts.width, p),
    { [Symbol.iterator]: () => diagnostics()[Symbol.iterator]() },
  ]);
}

export function renderEnd(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[], color = false, width = Infinity, lang?: Lang): string {
  const p = paint(color);
  const w = reportWords(lang);
  const lines: string[] = [];
  if (diagnostics.length > 0) {
    lines.push(p.bold(w.captureDiagnostics), ...diagnostics.flatMap((d) => diagnosticLines(d, p, width, lang)), '');
  }
  const links = w.linkTypes(capture.linkTypes);
  const seconds = capture.firstTs !== null && capture.lastTs !== null ? capture.lastTs - capture.firstTs : null;
  const lay = w.wrap;
  lines.push(...lay(w.captureLine(capture.format, links || null, capture.packets, capture.bytes, seconds), width, '', w.hang.capture));
  const interrupted = interruptedNote(capture, lang);
  if (interrupted !== null) lines.push(...lay(interrupted, width, '', w.hang.interrupted).map((l) => p.bold(l)));
  const counts = w.summaryCounts(summary);
  const verdicts = w.verdicts(summary.diagnostics);
  lines.push(...(displayWidth(counts) + displayWidth(w.join) + displayWidth(verdicts) <= width ? [`${counts}${w.join}${verdicts}`] : [...lay(counts, width, '', w.hang.summary), `${w.hang.summary}${verdicts}`]));
  return `${lines.join('\n')}\n`;
}
