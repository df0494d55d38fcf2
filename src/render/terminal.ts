// The terminal report: for each connection the story, the packet-by-packet
// walkthrough, the handshake with its Accept check, the frame table and how
// the connection closed. Reads the analysis result only; every string that
// came from the capture is sanitized before it is printed.
import { conversationName } from '../model.js';
import { protocolLabel, tellsWebSocket, endpoint, diagnosticWhere, interruptedNote, webSocketsCarried } from './kind.js';
import { isUtf8 } from 'node:buffer';
import type { CaptureInfo, Connection, Diagnostic, Frame, List, Message, Phase, Side, Summary, TimelineEntry } from '../model.js';
import { rangeOf } from '../util/list.js';
import type { Ranges, WalkLayout } from './ranges.js';
import { WEBSOCKET_GUID } from '../http/handshake.js';
import { cutWidth, displayWidth, fixed6, inQuotes, intWidth, microsWidth, padWidth, plainPreview, previewPayload, previewText, previewTextOf, sanitize, wrap, safeCut } from '../util/text.js';
import { reportWords } from '../text/report-words.js';
import { explainWords } from '../text/explain-words.js';
import { type FrameColumn, type SectionsWords, sectionsWords } from '../text/sections-words.js';
import type { Lang } from '../text/lang.js';
import { tellStory } from './story.js';
import type { RenderOptions } from './options.js';
import { clip, paint, type Paint, visibleLength } from './paint.js';
import { messageOf } from '../select/lookup.js';
import { entrySummary } from '../text/packets.js';
import { capByCode, omittedLine } from './capped.js';
import { noMatchLine, shownOf, timelineWidths } from './narrowed.js';
import { codesOf, LineBytes } from './line-bytes.js';
import { type Align, bottomLine, cellsBytes, type Grid, type GridCell, gridWidth, rowLines, topLine } from './columns.js';

export interface TerminalOptions extends RenderOptions {
  /** characters of payload preview in the frame table */
  previewWidth: number;
  /** the frame table measures every payload, past the ceiling where it may stop (its tests hold the shortcut to this) */
  measureEveryPayload?: boolean;
}

function time(t: number): string {
  return fixed6(t);
}

function lengthCell(f: Frame, w: SectionsWords['frameTable']): string {
  const n = f.payloadLength;
  const form = f.headerLength - (f.masked ? 4 : 0);
  const bits = form === 4 ? w.lengthForm(16) : form === 10 ? w.lengthForm(64) : '';
  return `${n}${bits}`;
}

/**
 * The payload cell of a frame in at most about `width` columns; `narrowest`
 * when no smaller width gives a shorter cell (the frame table stops
 * narrowing it there); `grows` when made for any wider width it would be at
 * least as wide (see narrowedPreview). `messageOf` finds the frame's message.
 */
function payloadCell(f: Frame, messageOf: (index: number | null) => Message | undefined, width: number, w: SectionsWords['frameTable']): { text: string; narrowest: boolean; grows: boolean } {
  if (f.close) {
    if (f.close.code === null) return { text: f.payload.length === 1 ? w.closeOneByte : w.noStatusCode, narrowest: true, grows: true };
    const reason = f.close.reason ? ` ${previewPayload(Buffer.from(f.close.reason), width, true)}` : '';
    return { text: `${f.close.code} ${w.closeCodeName(f.close.code)}${reason}`, narrowest: reason === '' || width <= 1, grows: reason === '' };
  }
  // a whole text or binary message in one frame without RSV1 is not compressed: its frame says all (no need to find the message)
  const msg = (f.opcode === 0x1 || f.opcode === 0x2) && f.fin && !f.rsv1 ? undefined : messageOf(f.message);
  if (msg?.compressed) {
    const last = msg.frames[msg.frames.length - 1] === f.index;
    // a whole frame's size, not the bytes the analysis kept of it (--max-payload's, for the views that show payloads); a frame
    // the capture did not hold whole, the bytes held
    const bytes = f.complete && typeof f.payloadLength === 'number' ? f.payloadLength : f.payload.length;
    if (!last || msg.inflatedLength === null) return { text: w.compressed(bytes, last), narrowest: true, grows: true };
    if (msg.type !== 'text') return { text: w.inflatedBytes(msg.inflatedLength), narrowest: true, grows: true };
    const m = Math.max(8, width - 14);
    const plain = plainPreview(msg.payload, m);
    return { text: w.inflatedText(plain ?? previewTextOf(msg.payload, m, true)), narrowest: width - 14 <= 8, grows: plain !== null };
  }
  if (f.payload.length === 0) return { text: '', narrowest: true, grows: true };
  if (f.opcode === 0x2 || (f.opcode === 0 && msg?.type === 'binary')) {
    const bytes = Math.max(1, Math.floor(width / 3));
    const hex = f.payload.subarray(0, bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');
    return { text: f.payload.length > bytes ? `${hex} …` : hex, narrowest: bytes === 1, grows: true };
  }
  if (f.opcode === 0x1 || f.opcode === 0) {
    const plain = plainPreview(f.payload, width);
    return { text: plain ?? previewTextOf(f.payload, width, true), narrowest: width <= 1, grows: plain !== null };
  }
  return { text: previewPayload(f.payload, width, true), narrowest: width <= 1, grows: false };
}

const plainCut = (text: string, room: number): GridCell => ({ text: cutWidth(text, room) });

/** A payload cell made for a width, with its own width in columns. */
export interface MadeCell {
  text: string;
  width: number;
  /** no smaller width gives a shorter cell (payloadCell) */
  narrowest: boolean;
  /**
   * made for any wider width, the cell would be at least as wide: a preview
   * laid out from printable ASCII as it is (plainPreview; a wider one shows
   * at least those characters), hex, or a text that does not change. Not
   * said of previews decoded the general way: a text of combining marks
   * (no width) can be narrower shown whole than cut with an ellipsis.
   */
  grows: boolean;
}

/** What narrowedPreview learns from a table's rows: whether the last one had to narrow. */
export interface Narrowing {
  narrowed: boolean;
}

/**
 * The payload cell for a room of `room` columns, as the plain way makes it:
 * made for --preview's width (`asked`) when it fits, else made again
 * narrower, from the room less its quotes, by as many columns as it was too
 * wide each time, until it fits or can be no narrower, then cut. When the
 * row before had to narrow (a table's rows are alike: on a terminal most
 * previews are too wide for --preview's width), the narrower cell is made
 * first: when it does not fit and `grows`, the cell for --preview's width
 * would not have fitted either, and is not made. (Exported for its tests,
 * which hold it to the plain way.)
 */
export function narrowedPreview(make: (width: number) => MadeCell, asked: number, room: number, seen: Narrowing = { narrowed: false }, cut: (text: string, room: number) => GridCell = plainCut): GridCell {
  const fit = (c: MadeCell): GridCell => (c.width <= room ? { text: c.text, width: c.width } : cut(c.text, room));
  const first = Math.min(asked, room - 2);
  let cell: MadeCell;
  if (seen.narrowed && first >= 1 && first < asked) {
    const narrow = make(first);
    if (narrow.width > room && narrow.grows) cell = narrow;
    else {
      // the plain way, its first narrower cell already made
      const wide = make(asked);
      seen.narrowed = wide.width > room;
      if (wide.width <= room || wide.narrowest) return fit(wide);
      cell = narrow;
    }
  } else {
    cell = make(asked);
    seen.narrowed = cell.width > room;
    if (first < 1 || cell.width <= room || cell.narrowest) return fit(cell);
    // made for `first`, when that is --preview's width, it is the same cell
    if (first < asked) cell = make(first);
  }
  for (let k = first - Math.max(1, cell.width - room); k >= 1 && cell.width > room && !cell.narrowest; k -= Math.max(1, cell.width - room)) cell = make(k);
  return fit(cell);
}

/**
 * A diagnostic, wrapped to the width under its code; in a language other
 * than English (`lang`), told as explain mode tells a connection's, in that
 * language's words.
 */
function diagnosticLines(d: Diagnostic, p: Paint, width: number, lang?: Lang): string[] {
  if (lang !== undefined && lang !== 'en') {
    const w = explainWords(lang);
    // its lines after the first hang under its severity, so that each diagnostic of a list stands out
    return reportWords(lang).wrap(w.diagnostic(p.severity(d.severity, w.severity(d.severity)), d), width, '  ', '    ');
  }
  const where = diagnosticWhere(d);
  const rfc = d.rfc ? ` [${d.rfc}]` : '';
  return wrap(`${d.code}${where ? ` (${where})` : ''}: ${sanitize(d.message)}${rfc}`, width, `  ${p.severity(d.severity, d.severity.padEnd(7))} `, ' '.repeat(10));
}

/** The lines of the long sections (walkthrough, frame table), batched as bytes: one batch, used by one section at a time. */
const batch = new LineBytes();

/** The walkthrough: its title and head as text, its rows in batches of lines as bytes (each ending in a newline); `ranges`, when given, draws the rows a range at a time, some of them elsewhere (render/draw.ts). */
function* walkthrough(conn: Connection, opts: TerminalOptions, p: Paint, w: SectionsWords, ranges: Ranges | null): Generator<string | Buffer> {
  const heads = w.walkthroughHeads;
  const lay = reportWords(opts.lang).wrap;
  // number, time, direction and phase take 45 columns and the summary the rest;
  // when that leaves less than 30, the number and time columns are only as wide as they need
  const wide = opts.width - 45 >= 30;
  // packets are in order: the last one has the widest number (past 999 999 the column widens rather than every row being cut again)
  const last = conn.timeline.length > 0 ? conn.timeline.at(conn.timeline.length - 1)! : null;
  // (never narrower than their heads)
  let numWidth = Math.max(wide ? Math.max(6, last ? String(last.packet).length : 0) : 3, displayWidth(heads.no));
  let timeWidth = Math.max(wide ? 11 : 4, displayWidth(heads.time));
  if (!wide) {
    const widest = timelineWidths(conn, time);
    numWidth = Math.max(numWidth, widest.packet);
    timeWidth = Math.max(timeWidth, widest.time);
  }
  const room = Math.max(10, opts.width - (2 + numWidth + 2 + timeWidth + 2 + 5 + 2 + 13 + 2));
  const shown = shownOf(conn, 'packets', conn.timeline.length, opts.lang);
  const title = w.titles.walkthrough(shown === String(conn.timeline.length) ? null : shown);
  const none = noMatchLine(conn, ['packets'], opts.lang);
  if (none) {
    yield p.bold(title);
    yield* lay(none, opts.width, '  ', '    ');
    return;
  }
  yield clip(p.bold(title), opts.width);
  yield clip(`  ${padWidth(heads.no, numWidth, true)}  ${padWidth(heads.time, timeWidth, true)}  ${padWidth(heads.dir, 5)}  ${padWidth(heads.phase, 13)}  ${heads.summary}`, opts.width);
  // a row whose number and time fill their columns exactly is as wide as the width allows, by construction (the summary is cut to
  // the room left): it is not measured again, unless the room had to be widened past the width
  const exact = room === opts.width - (2 + numWidth + 2 + timeWidth + 2 + 5 + 2 + 13 + 2);
  const layout: WalkLayout = { numWidth, timeWidth, room, exact };
  const timeline = conn.timeline;
  const run = walkRun(opts, layout, p, w);
  const local = (from: number, to: number): Iterable<Buffer> => walkthroughRows(timeline, opts, layout, from, to, run);
  yield* ranges !== null ? ranges(conn, { view: 'walkthrough', opts, layout }, timeline.length, local) : local(0, timeline.length);
}

/** What the walkthrough's rows are drawn with: made once for a drawing, and for each range drawn elsewhere. */
interface WalkRun {
  /** `  ${num}  ${p.dim(t)}  ${arrow}  ${phase}  ${summary}`, the numbers right-aligned in their columns, into `into` */
  row: (into: LineBytes, e: TimelineEntry, num: string, t: string) => void;
}

/** (`p` and `w` are the paint and words of `opts`: the walkthrough's own, made again by a range drawn elsewhere) */
function walkRun(opts: TerminalOptions, layout: WalkLayout, p: Paint = paint(opts.color), w: SectionsWords = sectionsWords(opts.lang)): WalkRun {
  const { numWidth, timeWidth, room } = layout;
  // a phase's cell, padded and painted once, as bytes
  const phaseCells = new Map<Phase, Buffer>();
  const phaseCell = (ph: Phase): Buffer => {
    let cell = phaseCells.get(ph);
    if (cell === undefined) phaseCells.set(ph, (cell = Buffer.from(p.phase(ph, padWidth(w.phase(ph), 13)))));
    return cell;
  };
  const arrows = { client: Buffer.from(w.arrow('client')), server: Buffer.from(w.arrow('server')) };
  const [dimOn, dimOff] = codesOf(p.dim);
  // a packet that carried nothing but TCP says its flags: its summary made and cut once for each set of flags
  const bare = new Map<number | null, string>();
  const summaryOf = (e: TimelineEntry): string => {
    if (e.told.length > 0) return safeCut(entrySummary(e, opts.lang), room);
    let s = bare.get(e.tcp);
    if (s === undefined) bare.set(e.tcp, (s = safeCut(entrySummary(e, opts.lang), room)));
    return s;
  };
  const row = (into: LineBytes, e: TimelineEntry, num: string, t: string): void => {
    into.spaces(2);
    into.asciiRight(num, numWidth);
    into.spaces(2);
    into.bytes(dimOn);
    into.asciiRight(t, timeWidth);
    into.bytes(dimOff);
    into.spaces(2);
    into.bytes(arrows[e.from]);
    into.spaces(2);
    into.bytes(phaseCell(e.phase));
    into.spaces(2);
    into.text(summaryOf(e));
  };
  return { row };
}

/**
 * The walkthrough's rows of the packets `from` to `to` (not included), in
 * batches of lines as bytes, as they are in the whole walkthrough: a range
 * can be drawn apart (by another thread: render/draw.ts) and put in its place.
 */
export function* walkthroughRows(timeline: List<TimelineEntry>, opts: TerminalOptions, layout: WalkLayout, from: number, to: number, run: WalkRun = walkRun(opts, layout)): Generator<Buffer> {
  const { numWidth, timeWidth, exact } = layout;
  const lines = batch.reset();
  // a row that may be wider than the width (a number wider than its column) is made alone, then clipped
  let one: LineBytes | null = null;
  for (const e of rangeOf(timeline, from, to)) {
    const num = String(e.packet);
    const t = time(e.relTs);
    if (exact && num.length <= numWidth && t.length <= timeWidth) run.row(lines, e, num, t);
    else {
      run.row((one ??= new LineBytes(256)), e, num, t);
      lines.text(clip(one.take().toString('utf8'), opts.width));
    }
    lines.newline();
    if (lines.full) yield lines.take();
  }
  if (lines.length > 0) yield lines.take();
}

function handshakeSection(conn: Connection, opts: TerminalOptions, p: Paint, w: SectionsWords): string[] {
  const hs = conn.handshake;
  if (!hs) return [];
  const width = opts.width;
  const say = w.handshake;
  const lines = [p.bold(w.titles.handshake)];
  // a header line is cut to the width (a capture may carry a megabyte of one)
  const header = (n: string, v: string): string => clip(`    ${sanitize(n)}: ${safeCut(v, Math.max(20, width - 6 - displayWidth(sanitize(n))))}`, width);
  const req = hs.request;
  lines.push(`  ${say.request(req.packet)}`);
  lines.push(`    ${safeCut(`${req.method} ${req.target} ${req.version}`, Math.max(20, width - 4))}`);
  for (const [n, v] of req.headers) lines.push(header(n, v));
  const res = hs.response;
  if (res) {
    lines.push(`  ${say.response(res.packet)}`);
    lines.push(`    ${safeCut(`${res.version} ${res.status}${res.reason ? ` ${res.reason}` : ''}`, Math.max(20, width - 4))}`);
    for (const [n, v] of res.headers) lines.push(header(n, v));
  } else {
    lines.push(`  ${say.noResponse}`);
  }
  // a row's value wraps under itself when it is longer than the width
  const lay = reportWords(opts.lang).wrap;
  const row = (label: string, value: string): string => lay(value, width, `  ${padWidth(label, 22)}`, ' '.repeat(24)).join('\n');
  const l = say.labels;
  // over HTTP/2 (RFC 8441) there is no key nor Accept: shown only when a peer sent one all the same
  const h2 = conn.stream !== null;
  if (!h2 || hs.key !== null) lines.push(row(l.key, hs.key === null ? say.missing : sanitize(hs.key)));
  if (hs.outcome === 'upgraded' && (!h2 || hs.accept !== null)) lines.push(row(l.acceptReceived, hs.accept === null ? say.missing : sanitize(hs.accept)));
  if (hs.outcome === 'upgraded' && !h2) lines.push(row(l.acceptComputed, hs.expectedAccept === null ? say.noKeyToCompute : say.computed(hs.expectedAccept, WEBSOCKET_GUID)));
  const verdict =
    hs.outcome === 'rejected' ? 'rejected' : hs.outcome === 'no-response' ? 'no-response' : h2 ? 'h2' : hs.acceptValid === true ? 'valid' : hs.acceptValid === false ? 'invalid' : 'no-accept';
  lines.push(row(l.verdict, say.verdict(verdict, res?.status ?? null, sanitize(res?.reason ?? ''))));
  const body = res?.body;
  if (body && body.length > 0) {
    // what the server said when it refused: its 401 or 403 page, as text when it is text
    const shown = isUtf8(body.data) ? previewText(body.data, Math.max(20, width - 40), true) : previewPayload(body.data, Math.max(20, width - 40), true);
    lines.push(row(l.refusalBody, say.refusalBody(body.length, body.complete, shown)));
  }
  const offered = hs.offeredSubprotocols.length > 0 ? say.offered(sanitize(hs.offeredSubprotocols.join(', '))) : '';
  lines.push(row(l.subprotocol, `${hs.subprotocol === null ? say.none : sanitize(hs.subprotocol)}${offered}`));
  const exts = hs.extensions.map((e) => [e.name, ...Object.entries(e.params).map(([k, v]) => (v === true ? k : `${k}=${v}`))].join('; '));
  const offeredExt = hs.offeredExtensions.length > 0 ? say.offered(sanitize(hs.offeredExtensions.join(', '))) : '';
  lines.push(row(l.extensions, `${exts.length > 0 ? sanitize(exts.join(', ')) : say.none}${offeredExt}`));
  return lines;
}

/** Frames alike but for their masking key: shown once in a run, with a count. */
function sameFrame(a: Frame, b: Frame): boolean {
  return a.from === b.from && a.opcode === b.opcode && a.fin === b.fin && a.rsv1 === b.rsv1 && a.masked === b.masked && a.payloadLength === b.payloadLength && a.payload.equals(b.payload);
}

/** Runs of at least this many alike frames are collapsed. */
const COLLAPSE_RUN = 4;

export interface Column {
  head: string;
  /** the header when columns are squeezed */
  short: string;
  align: Align;
  /** the cell of a frame (its words may be wide characters: measured in columns); `compact` asks for its shortest form */
  cell: (f: Frame, compact: boolean) => string;
  /** displayWidth(cell(f, compact)), worked out without making the cell (the table measures every row) */
  width: (f: Frame, compact: boolean) => number;
  /** the cell has a shorter form */
  compacts?: boolean;
}

/** The frame table's columns but the payload, headed and filled in the words of a language (exported for its tests). */
export function frameColumns(w: SectionsWords['frameTable']): Column[] {
  const head = (c: FrameColumn): { head: string; short: string } => ({ head: w.heads[c][0], short: w.heads[c][1] });
  // the words' widths, each measured once: a side, an opcode with its name (by opcode, full and compact), a length's form
  const sideWidth = (s: Side): number => displayWidth(w.side(s));
  const sides = { client: sideWidth('client'), server: sideWidth('server') };
  const opcodeText = (f: Frame, compact: boolean): string => (compact ? `0x${f.opcode.toString(16)}` : `0x${f.opcode.toString(16)} ${w.opcode(f.opcode)}`);
  // an opcode's cell and its width, full and compact, made once each (a frame's opcode is one of 16)
  const opcodeCells: ({ text: string; width: number } | undefined)[][] = [[], []];
  const opcodeCell = (f: Frame, compact: boolean): { text: string; width: number } => {
    const o = f.opcode;
    if (!(o >= 0 && o < 16 && Number.isInteger(o))) {
      const text = opcodeText(f, compact);
      return { text, width: displayWidth(text) };
    }
    const known = opcodeCells[compact ? 1 : 0]!;
    return (known[o] ??= ((text) => ({ text, width: displayWidth(text) }))(opcodeText(f, compact)));
  };
  const RSV = ['000', '001', '010', '011', '100', '101', '110', '111'];
  const form16 = displayWidth(w.lengthForm(16));
  const form64 = displayWidth(w.lengthForm(64));
  const incomplete = displayWidth(w.incomplete);
  const lengthWidth = (f: Frame): number => (typeof f.payloadLength === 'number' ? intWidth(f.payloadLength) : displayWidth(f.payloadLength));
  return [
    { ...head('index'), align: 'right', cell: (f) => String(f.index), width: (f) => intWidth(f.index) },
    { ...head('packet'), align: 'right', cell: (f) => String(f.packet), width: (f) => intWidth(f.packet) },
    { ...head('time'), align: 'right', cell: (f) => time(f.relTs), width: (f) => microsWidth(f.relTs) },
    { ...head('from'), align: 'left', cell: (f) => w.side(f.from), width: (f) => sides[f.from] },
    { ...head('fin'), align: 'center', cell: (f) => (f.fin ? '1' : '0'), width: () => 1 },
    { ...head('rsv'), align: 'center', cell: (f) => RSV[(f.rsv1 ? 4 : 0) | (f.rsv2 ? 2 : 0) | (f.rsv3 ? 1 : 0)]!, width: () => 3 },
    {
      ...head('opcode'),
      align: 'left',
      compacts: true,
      cell: (f, compact) => opcodeCell(f, compact).text,
      width: (f, compact) => opcodeCell(f, compact).width,
    },
    { ...head('mask'), align: 'center', cell: (f) => (f.masked ? '1' : '0'), width: () => 1 },
    {
      ...head('length'),
      align: 'right',
      compacts: true,
      cell: (f, compact) => (compact ? String(f.payloadLength) + (f.complete ? '' : '+') : lengthCell(f, w) + (f.complete ? '' : w.incomplete)),
      width: (f, compact) => {
        if (compact) return lengthWidth(f) + (f.complete ? 0 : 1);
        const form = f.headerLength - (f.masked ? 4 : 0);
        return lengthWidth(f) + (form === 4 ? form16 : form === 10 ? form64 : 0) + (f.complete ? 0 : incomplete);
      },
    },
    { ...head('key'), align: 'left', cell: (f) => f.maskingKey ?? '-', width: (f) => (f.maskingKey === null ? 1 : displayWidth(f.maskingKey)) },
  ];
}
const PAYLOAD_ALIGN: Align = 'left';
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
function* frameTable(conn: Connection, opts: TerminalOptions, p: Paint, w: SectionsWords, title: string): Generator<string | Buffer> {
  const none = noMatchLine(conn, ['frames'], opts.lang);
  if (none) {
    yield p.bold(title);
    yield* reportWords(opts.lang).wrap(none, opts.width, '  ', '    ');
    return;
  }
  if (conn.frames.length === 0) return;
  const words = w.frameTable;
  const FRAME_COLUMNS = frameColumns(words);
  const payloadHead = words.heads.payload;
  // a frame's message, found once for the several payload cells made of it (a row is measured, then drawn, narrowed at need)
  let foundIndex: number | null = -1;
  let found: Message | undefined;
  const messageOfFrame = (index: number | null): Message | undefined => {
    if (index !== foundIndex) {
      found = messageOf(conn, index);
      foundIndex = index;
    }
    return found;
  };
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
        yield { note: words.collapsed(run - 1, f.index, frames.at(i + 1)!.packet, frames.at(i + run - 1)!.packet) };
        i += run - 1;
      }
    }
  }
  // a preview narrower than --preview asks for is made again for the room it has (its quotes kept), and cut only as a last resort
  const narrowing: Narrowing = { narrowed: false };
  // the last cell's text and width, and the last cut and what it was cut from: a connection's previews are often alike
  // (JSON messages that start the same), and measuring and cutting them again was a few per cent of the report
  let madeText = '';
  let madeWidth = 0;
  const widthOf = (text: string): number => {
    if (text !== madeText) {
      madeText = text;
      madeWidth = displayWidth(text);
    }
    return madeWidth;
  };
  let cutFrom = '';
  let cutRoom = -1;
  let cutCell: GridCell = { text: '', width: 0 };
  const cut = (text: string, room: number): GridCell => {
    if (text !== cutFrom || room !== cutRoom) {
      const made = cutWidth(text, room);
      cutFrom = text;
      cutRoom = room;
      cutCell = { text: made, width: displayWidth(made) };
    }
    return cutCell;
  };
  const preview = (f: Frame, room: number): GridCell =>
    narrowedPreview(
      (k) => {
        const { text, narrowest, grows } = payloadCell(f, messageOfFrame, k, words);
        return { text, narrowest, grows, width: widthOf(text) };
      },
      opts.previewWidth,
      room,
      narrowing,
      cut,
    );
  // the widest cell of each column, in full and compact form, and the widest payload
  const full = FRAME_COLUMNS.map(() => 0);
  const compactWidths = FRAME_COLUMNS.map(() => 0);
  let natural = displayWidth(payloadHead[0]);
  const n = FRAME_COLUMNS.length + 1;
  // indent, borders
  const room = opts.width - 2 - (n + 1);
  type Plan = { heads: string[]; compact: boolean; widths: number[]; pad: number; left: number; payload: number };
  const plan = (level: number): Plan => {
    const short = level >= 1;
    const compact = level >= 2;
    const pad = level >= 3 ? 0 : 1;
    const heads = FRAME_COLUMNS.map((c) => (short ? c.short : c.head));
    const widths = FRAME_COLUMNS.map((_, c) => Math.max(displayWidth(heads[c]!), (compact ? compactWidths : full)[c]!));
    const key = FRAME_COLUMNS.length - 1;
    if (short) widths[key] = Math.min(widths[key]!, Math.max(MIN_KEY, displayWidth(heads[key]!)));
    const left = room - 2 * pad * n - widths.reduce((a, b) => a + b, 0);
    return { heads: [...heads, short ? payloadHead[1] : payloadHead[0]], compact, widths, pad, left, payload: Math.min(natural, Math.max(MIN_PAYLOAD, left)) };
  };
  // The payload's natural width matters only up to a ceiling: a plan fits when the columns leave the payload at least
  // MIN_PAYLOAD (it then takes min(natural, left)), or when natural <= left; so the plan chosen and its payload depend on
  // min(natural, ceiling), the ceiling being what the first plan to leave MIN_PAYLOAD leaves (MIN_PAYLOAD when none does).
  // Once the widest payload so far reaches the ceiling, the others need not be made to be measured (most rows of a table on
  // a terminal). The ceiling moves as the other columns widen, up too: a row skipped under a lower ceiling is measured again
  // when the widest payload ends below the last ceiling.
  const ceilingOf = (): number => {
    for (let level = 0; level <= 3; level++) {
      const left = plan(level).left;
      if (left >= MIN_PAYLOAD) return left;
    }
    return MIN_PAYLOAD;
  };
  let ceiling = ceilingOf();
  let skipped = false;
  // a preview of a payload is at most --preview columns and its quotes and marks: once one is that wide, the others need not be
  // made to be measured either. Not so the cells that say something else: a Close's reason after its code and name, and what
  // a compressed message's frames say (their sizes, in digits of any length); those are measured whatever the widest so far
  // (a frame of a compressed message has RSV1, or is a continuation)
  const previewCap = Math.max(opts.previewWidth + 3, 40);
  const measures = (f: Frame): boolean => natural < previewCap || f.opcode === 0x8 || f.opcode === 0x0 || f.rsv1;
  // a payload cell's width made for --preview's width
  const naturalOf = (f: Frame): number => widthOf(payloadCell(f, messageOfFrame, opts.previewWidth, words).text);
  for (const r of rows()) {
    if (!('frame' in r)) continue;
    let wider = false;
    for (let i = 0; i < FRAME_COLUMNS.length; i++) {
      const c = FRAME_COLUMNS[i]!;
      const cw = c.width(r.frame, false);
      const ccw = c.compacts ? c.width(r.frame, true) : cw;
      if (cw > full[i]!) {
        full[i] = cw;
        wider = true;
      }
      if (ccw > compactWidths[i]!) {
        compactWidths[i] = ccw;
        wider = true;
      }
    }
    if (wider) ceiling = ceilingOf();
    if (!measures(r.frame)) continue;
    if (natural >= ceiling && !opts.measureEveryPayload) skipped = true;
    else natural = Math.max(natural, naturalOf(r.frame));
  }
  if (skipped && natural < ceiling) {
    for (const r of rows()) if ('frame' in r && measures(r.frame)) natural = Math.max(natural, naturalOf(r.frame));
  }
  const fits = (q: Plan): boolean => q.widths.reduce((a, b) => a + b, 0) + q.payload + 2 * q.pad * n <= room;
  let chosen = plan(0);
  for (let level = 1; level <= 3 && !fits(chosen); level++) chosen = plan(level);
  const grid: Grid = { widths: [...chosen.widths, chosen.payload], aligns: [...FRAME_COLUMNS.map((c) => c.align), PAYLOAD_ALIGN], pad: chosen.pad };
  // a grid that fits the width draws lines that fit it: none needs a clip
  const fitsWidth = 2 + gridWidth(grid) <= opts.width;
  const out = (l: string): string => (fitsWidth ? `  ${l}` : clip(`  ${l}`, opts.width));
  const texts: string[] = [];
  const widths: number[] = [];
  const last = FRAME_COLUMNS.length;
  // a frame's row, its cells laid out in `into`
  const row = (into: LineBytes, f: Frame): void => {
    for (let i = 0; i < last; i++) {
      const c = FRAME_COLUMNS[i]!;
      texts[i] = c.cell(f, chosen.compact);
      widths[i] = c.width(f, chosen.compact);
    }
    const cell = preview(f, chosen.payload);
    texts[last] = cell.text;
    widths[last] = cell.width ?? displayWidth(cell.text);
    cellsBytes(into, grid, texts, widths);
  };
  yield p.bold(title);
  // the borders have a junction at every column, under a note across the table as well
  yield out(topLine(grid));
  yield out(rowLines(grid, chosen.heads.map((text) => ({ text })), { paint: p.bold })[0]!);
  // the rows in batches of lines as bytes; a row that must be clipped (a grid wider than the width) made as text first
  const lines = batch.reset();
  const one = fitsWidth ? null : new LineBytes(1024);
  for (const r of rows()) {
    if ('note' in r) lines.text(out(rowLines(grid, [{ text: r.note, span: n, align: 'left' }], { paint: p.dim })[0]!));
    else if (one === null) {
      lines.spaces(2);
      row(lines, r.frame);
    } else {
      row(one, r.frame);
      lines.text(out(one.take().toString('utf8')));
    }
    lines.newline();
    if (lines.full) yield lines.take();
  }
  if (lines.length > 0) yield lines.take();
  yield out(bottomLine(grid));
}

function closeSection(conn: Connection, opts: TerminalOptions, p: Paint, w: SectionsWords): string[] {
  const lay = reportWords(opts.lang).wrap;
  return closeLines(conn, p, w).flatMap((l) => (visibleLength(l) > opts.width ? lay(l.trimStart(), opts.width, '  ', '    ') : [l]));
}

function closeLines(conn: Connection, p: Paint, w: SectionsWords): string[] {
  const say = w.close;
  const lines = [p.bold(w.titles.close)];
  const cs = conn.close;
  const t = conn.tcp.teardown;
  if (cs.initiator) {
    const reason = cs.reason ? inQuotes(cs.reason, 60) : null;
    lines.push(`  ${say.sent(cs.initiator, cs.code, reason, cs.packet, cs.replyPacket !== null ? { code: cs.replyCode, packet: cs.replyPacket } : null)}`);
  } else if (conn.handshake?.outcome === 'upgraded' || conn.detection !== null) {
    lines.push(`  ${say.noClose}`);
  }
  const fins = conn.tcp.finBy;
  const order: ('client' | 'server')[] = t.firstBy === 'server' ? ['server', 'client'] : ['client', 'server'];
  const finList = order.flatMap((side) => (fins[side] !== null ? [{ side, packet: fins[side] }] : []));
  // a WebSocket an HTTP/2 stream carried: conn.tcp tells the stream's ends (RFC 8441 §5)
  const h2 = conn.stream !== null;
  if (t.kind === 'none') lines.push(`  ${h2 ? say.streamOpen : say.tcpOpen}`);
  else if (t.kind === 'rst') lines.push(`  ${h2 ? say.streamReset(t.firstBy, t.packets[0]) : say.tcpReset(t.firstBy, t.packets[0])}`);
  else lines.push(`  ${h2 ? say.streamEnd(t.firstBy, finList, fins.client === null || fins.server === null) : say.tcpFin(t.firstBy, finList, fins.client === null || fins.server === null)}`);
  const analysis = say.tcpAnalysis(conn.tcp.retransmissions, conn.tcp.outOfOrder, conn.tcp.lostBytes);
  if (analysis !== null) lines.push(`  ${analysis}`);
  const z = conn.compression;
  if (z) lines.push(`  ${say.compression(z.client, z.server)}`);
  if (conn.websocket) {
    lines.push(cs.clean ? p.green(`  ${h2 ? say.cleanStream : say.clean}`) : p.yellow(`  ${say.notClean}`));
  }
  return lines;
}

/** A timeline summary that is an HTTP request or response line. */
/** HTTP messages listed for a connection without WebSocket. */
const MAX_HTTP_LINES = 6;

export function renderConnection(conn: Connection, opts: TerminalOptions): string {
  let out = '';
  for (const chunk of connectionChunks(conn, opts)) out += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  return out;
}

/**
 * Sections of lines, a blank line between two (an empty section leaves no
 * trace), each line ended; a section's Buffer is lines already ended (a
 * batch of LineBytes, never empty).
 */
function* sectioned(sections: Iterable<Iterable<string | Buffer>>): Generator<string | Buffer> {
  let any = false;
  for (const section of sections) {
    let first = true;
    for (const line of section) {
      if (first && any) yield '\n';
      first = false;
      any = true;
      yield typeof line === 'string' ? `${line}\n` : line;
    }
  }
}

/**
 * The report of a connection, a piece at a time (a line, or a batch of
 * lines as bytes): a long connection is written as it is read, never held as
 * one text. A Buffer piece is a view of a buffer the next piece is written
 * into: whoever takes it copies it before asking for the next.
 */
export function* connectionChunks(conn: Connection, opts: TerminalOptions, ranges: Ranges | null = null): Generator<string | Buffer> {
  const p = paint(opts.color);
  const title = reportWords(opts.lang).connectionTitle(conversationName(conn), endpoint(conn.client), endpoint(conn.server));
  const lay = reportWords(opts.lang).wrap;
  const w = sectionsWords(opts.lang);
  if (!tellsWebSocket(conn)) {
    // its HTTP, when it is HTTP: an application protocol's other transport shows there (SockJS's info request, Engine.IO's polling)
    const lines: string[] = [];
    let http = 0;
    for (const e of conn.timeline) {
      if (!e.http) continue;
      if (http++ < MAX_HTTP_LINES) lines.push(clip(`    ${String(e.packet).padStart(6)}  ${w.arrow(e.from)}  ${safeCut(entrySummary(e, opts.lang), Math.max(20, opts.width - 19))}`, opts.width));
    }
    if (http > MAX_HTTP_LINES) lines.push(`    ${w.moreHttp(http - MAX_HTTP_LINES)}`);
    const t = conn.tls;
    const encrypted = t === null || t.decrypted === true ? null : t.decrypted === false ? 'not-opened' : 'no-keys';
    // why the key log did not open it: its TLS diagnostics
    if (encrypted === 'not-opened') for (const d of conn.diagnostics) if (d.code.startsWith('tls.')) lines.push(...diagnosticLines(d, p, opts.width, opts.lang));
    // the HTTP/2 it carries: its streams, each WebSocket among them reported as a connection of its own, and its diagnostics
    const h2 = conn.http2;
    if (h2 !== null) {
      lines.push(...lay(w.http2Head(h2.start, h2.connectProtocol, h2.streamCount), opts.width, '    ', '      '));
      // every WebSocket stream is listed (each is a connection of its own), the others as far as the HTTP lines go
      let others = 0;
      const shown = h2.streams.filter((s) => s.websocket || others++ < MAX_HTTP_LINES);
      const clean = (t: string | null): string | null => (t === null ? null : safeCut(t, 60));
      for (const s of shown) {
        const name = s.protocol !== null && s.protocol.toLowerCase() === 'websocket' && s.method === 'CONNECT' ? `${conn.id}/${s.id}` : null;
        lines.push(...lay(w.http2Stream({ id: s.id, method: clean(s.method), path: clean(s.path), protocol: clean(s.protocol), status: s.status, reset: s.reset?.error ?? null, conversation: name }), opts.width, '      ', '        '));
      }
      if (h2.streamCount > shown.length) lines.push(`      ${w.moreStreams(h2.streamCount - shown.length)}`);
      if (encrypted !== 'not-opened') for (const d of conn.diagnostics) lines.push(...diagnosticLines(d, p, opts.width, opts.lang));
    }
    // a connection whose HTTP/2 carries WebSockets is not "not WebSocket": it says where they are
    const carried = webSocketsCarried(conn);
    const head =
      h2 !== null && encrypted === null
        ? lay(w.http2Connection(protocolLabel(conn, opts.lang), carried.length > 0 ? reportWords(opts.lang).carriesWebSockets(carried) : null, conn.timeline.length), opts.width, '  ', '    ')
        : lay(w.notWebSocket(protocolLabel(conn, opts.lang), encrypted, conn.timeline.length, http > 0 || h2 !== null), opts.width, '  ', '    ');
    yield `${lay(title, opts.width, '', '  ').join('\n')}\n${[...head, ...lines].map((l) => `${l}\n`).join('')}`;
    return;
  }
  const titleLines = lay(title, opts.width, '', '  ');
  const rule = '═'.repeat(Math.min(opts.width, Math.max(...titleLines.map(displayWidth))));
  yield `${rule}\n${titleLines.map((l) => p.bold(l)).join('\n')}\n${rule}\n\n`;
  const story = tellStory(conn, opts.lang);
  const diags = conn.diagnostics;
  const diagnostics = (): string[] => {
    const { shown, omitted } = capByCode(diags);
    return [
      p.bold(w.titles.diagnostics(diags.length)),
      ...(diags.length > 0 ? [...shown.flatMap((d) => diagnosticLines(d, p, opts.width, opts.lang)), ...omitted.map(([code, n]) => `  ${p.dim(cutWidth(omittedLine(code, n, opts.lang), opts.width - 2))}`)] : [`  ${w.noDiagnostics}`]),
    ];
  };
  yield* sectioned([
    story.length > 0 ? [p.bold(w.titles.inShort), ...story.flatMap((s) => lay(s, opts.width, '  • ', '    '))] : [],
    walkthrough(conn, opts, p, w, ranges),
    handshakeSection(conn, opts, p, w),
    frameTable(conn, opts, p, w, w.titles.frames(shownOf(conn, 'frames', conn.frames.length, opts.lang))),
    closeSection(conn, opts, p, w),
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
