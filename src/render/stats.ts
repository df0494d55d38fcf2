// Statistics of a connection, and of a whole capture: numbers a person reads
// at a glance (how long, how fast, how much each side sent, of what kind),
// counted by the analysis (analyze/stats.ts) and drawn here as tables
// (columns.ts) that never exceed the width they are given.
import { conversationName } from '../model.js';
import { endingWords, protocolLabel, tellsWebSocket, endpoint } from './kind.js';
import { APP_LABELS } from '../app/protocols.js';
import { type Align, bottomLine, type Grid, type GridCell, gridWidth, ruleLine, rowLines, topLine } from './columns.js';
import type { Connection, Side } from '../model.js';
import { STAT_OPCODES, statsOfLists, type ConnectionStats, type DirectionStats } from '../analyze/stats.js';
import { narrowedBy } from '../select/selection.js';
import { statsWords, type StatsWords } from '../text/stats-words.js';
import type { Lang } from '../text/lang.js';
import { cutWidth, sanitize } from '../util/text.js';
import { paint, visibleLength } from './paint.js';
import type { RenderOptions } from './options.js';
import { selectionLine } from './narrowed.js';

export { meanRtt, opcodeClass, STAT_OPCODES, type ConnectionStats, type DirectionStats, type FrameTally, type OpcodeClass } from '../analyze/stats.js';

/** A connection's statistics: those the analysis counted, or those of what a selection kept. */
export function connectionStats(conn: Connection): ConnectionStats {
  return narrowedBy(conn) ? statsOfLists(conn) : { ...conn.stats, diagnostics: { ...conn.counts.diagnostics } };
}

// ---------------------------------------------------------------------------
// Drawing

const INDENT = '  ';
const DASH = '—';

type Cell = string | { content: string; colSpan: number; hAlign?: Align };

/**
 * How a column gives way when the table is too wide: 'words' wraps between
 * words, 'address' breaks after a ':' or a '.', 'none' keeps its text whole
 * unless nothing else is left to narrow (the text is then wrapped or cut).
 */
type Give = 'words' | 'address' | 'none';

interface Column {
  align: Align;
  give: Give;
}

interface TableSpec {
  columns: Column[];
  /** header rows, painted when colour is on */
  head: Cell[][];
  /** shorter header rows for narrow widths (the same shape as head) */
  shortHead?: Cell[][];
  /** read in order, as often as needed (the table of every connection keeps each row as one string: ConnectionRow) */
  rows: Iterable<Cell[]>;
  /** indexes of rows drawn with a rule above them */
  rules?: number[];
  /** how the language breaks a cell's text that is wider than its column (StatsWords cellWrap); between words when not given */
  lay?: StatsWords['cellWrap'];
}

/** One way to draw a table: its header rows and the padding on each side of a cell. */
interface Layout {
  head: Cell[][];
  padding: number;
}

const content = (c: Cell): string => (typeof c === 'string' ? c : c.content);
const spanOf = (c: Cell): number => (typeof c === 'string' ? 1 : c.colSpan);

/** Lines of at most `width` characters, breaking after a ':' or a '.' where possible, anywhere if not. */
function breakAddress(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (let token of text.match(/[^:.]*[:.]|[^:.]+$/g) ?? [text]) {
    if (line !== '' && visibleLength(line) + visibleLength(token) > width) {
      lines.push(line);
      line = '';
    }
    while (visibleLength(line) + visibleLength(token) > width) {
      const chars = Array.from(token);
      const room = width - visibleLength(line);
      lines.push(line + chars.slice(0, room).join(''));
      line = '';
      token = chars.slice(room).join('');
    }
    line += token;
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

/** The narrowest text a column may be given before the columns that keep their text whole are narrowed. */
function minimumText(give: Give, widest: number): number {
  if (give === 'none') return Infinity;
  // room for "127.0.0.1:" on one line
  if (give === 'address') return 10;
  return widest;
}

/** The widest word of a cell's text. */
function widestWord(text: string, breaksWide = false): number {
  let widest = 1;
  // where lines break between wide characters too, a run of them is as narrow as one of them
  for (const word of text.split(/\s+/)) for (const unit of breaksWide ? word.split(WIDE_RUN) : [word]) widest = Math.max(widest, breaksWide && WIDE_RUN.test(unit) ? 2 : visibleLength(unit));
  return widest;
}

/** A run of characters that are not printable ASCII (in a language that breaks lines between characters, a place to break). */
const WIDE_RUN = /([^\x20-\x7e]+)/;

/**
 * Column widths (padding included) for a layout, and whether the table fits
 * in `budget` columns with every column at least as wide as it may become:
 * the widest of the columns that give way loses a column at a time down to
 * its minimum; only when `squeeze` is set do they go further, and then the
 * others.
 */
function fitWidths(spec: TableSpec, layout: Layout, budget: number, squeeze: boolean): { widths: number[]; fits: boolean } {
  const n = spec.columns.length;
  const pad = 2 * layout.padding;
  const widths = new Array<number>(n).fill(1 + pad);
  // the widest word of each column that wraps between words (the narrowest it may become)
  const words = spec.columns.map(() => 1);
  // rows with a cell across columns, for the second step (the table of every connection has none: its rows are read once)
  const spanning: Cell[][] = [];
  const measure = (row: Cell[], head = false): void => {
    let col = 0;
    for (const c of row) {
      if (spanOf(c) > 1 && spanning[spanning.length - 1] !== row) spanning.push(row);
      if (spanOf(c) === 1) {
        widths[col] = Math.max(widths[col]!, visibleLength(content(c)) + pad);
        if (spec.columns[col]!.give === 'words') words[col] = Math.max(words[col]!, widestWord(content(c), spec.lay != null && !head));
      }
      col += spanOf(c);
    }
  };
  // a header's words are not broken
  for (const row of layout.head) measure(row, true);
  for (const row of spec.rows) measure(row);
  // a spanning cell wider than its columns widens the last of them
  const span = (row: Cell[]): void => {
    let col = 0;
    for (const c of row) {
      const span = spanOf(c);
      if (span > 1) {
        const have = widths.slice(col, col + span).reduce((a, b) => a + b, 0) + span - 1;
        const need = visibleLength(content(c)) + pad;
        if (need > have) widths[col + span - 1]! += need - have;
      }
      col += span;
    }
  };
  for (const row of spanning) span(row);
  const minimum = spec.columns.map((c, i) => minimumText(c.give, words[i]!) + pad);
  const total = (): number => widths.reduce((a, b) => a + b, 0) + n + 1;
  const narrowWidest = (floor: (i: number) => number): boolean => {
    let best = -1;
    for (let i = 0; i < n; i++) if (widths[i]! > floor(i) && (best < 0 || widths[i]! > widths[best]!)) best = i;
    if (best < 0) return false;
    widths[best]!--;
    return true;
  };
  while (total() > budget && narrowWidest((i) => minimum[i]!));
  if (squeeze) {
    // the columns that give way first, to one character; then all of them
    const gives = spec.columns.map((c) => c.give !== 'none');
    while (total() > budget && narrowWidest((i) => (gives[i] ? 1 + pad : Infinity)));
    while (total() > budget && narrowWidest(() => 1 + pad));
  }
  return { widths, fits: total() <= budget };
}

/**
 * Draws the table in the first layout that fits the width: the full header
 * with a space either side of each cell, then the short header, then the
 * short header without the spaces; when none fits, the columns are squeezed
 * (and a width too small for any table cuts the lines). A row at a time, in
 * time and memory proportional to the cells (columns.ts): the table of all
 * connections may have hundreds of thousands of rows.
 */
function drawTable(spec: TableSpec, opts: RenderOptions): string[] {
  return [...tableLines(spec, opts)];
}

/** The table's lines, one at a time (a table of 100 000 connections is never one string). */
function* tableLines(spec: TableSpec, opts: RenderOptions): Generator<string> {
  const p = paint(opts.color);
  const budget = Math.max(0, opts.width - INDENT.length);
  const short = spec.shortHead ?? spec.head;
  const layouts: Layout[] = [
    { head: spec.head, padding: 1 },
    { head: short, padding: 1 },
    { head: short, padding: 0 },
  ];
  let layout = layouts[layouts.length - 1]!;
  let colWidths: number[] | null = null;
  for (const l of layouts) {
    const fit = fitWidths(spec, l, budget, false);
    if (fit.fits) {
      layout = l;
      colWidths = fit.widths;
      break;
    }
  }
  colWidths ??= fitWidths(spec, layout, budget, true).widths;
  const pad = 2 * layout.padding;
  const grid: Grid = { widths: colWidths.map((w) => w - pad), aligns: spec.columns.map((c) => c.align), pad: layout.padding };
  const cells = (row: Cell[], painted: boolean): GridCell[] => {
    let col = 0;
    return row.map((c) => {
      const at = col;
      col += spanOf(c);
      let text = content(c);
      const room = grid.widths[at]!;
      if (!painted && spanOf(c) === 1 && spec.columns[at]!.give === 'address' && visibleLength(text) > room) text = breakAddress(text, Math.max(1, room));
      else if (!painted && spanOf(c) === 1 && spec.lay && spec.columns[at]!.give === 'words' && visibleLength(text) > room) text = spec.lay(text, Math.max(1, room), '').join('\n');
      return typeof c === 'string' ? { text } : { text, span: c.colSpan, ...(c.hAlign ? { align: c.hAlign } : {}) };
    });
  };
  const rules = new Set(spec.rules ?? []);
  // every line is as wide as the grid (colour codes aside): cut only when the grid is wider than the budget
  const cutting = gridWidth(grid) > budget;
  const fit = (l: string): string => `${INDENT}${cutting && visibleLength(l) > budget ? cutWidth(l, budget) : l}`.trimEnd();
  let above: GridCell[] | undefined;
  function* add(row: GridCell[], painted: boolean, rule: boolean): Generator<string> {
    if (above === undefined) yield fit(topLine(grid, row));
    else if (rule) yield fit(ruleLine(grid, above, row, 'mid'));
    for (const l of rowLines(grid, row, { wrap: true, ...(painted ? { paint: p.bold } : {}) })) yield fit(l);
    above = row;
  }
  for (const row of layout.head) yield* add(cells(row, true), true, false);
  let i = 0;
  for (const row of spec.rows) yield* add(cells(row, false), false, rules.has(i++));
  if (above !== undefined) yield fit(bottomLine(grid, above));
}

function keyValues(conn: Connection, s: ConnectionStats, w: StatsWords): TableSpec {
  const hs = conn.handshake;
  const k = w.keys;
  const ratio = (side: Side): number | null => s[side].messages.compression.ratio;
  // a WebSocket an HTTP/2 stream carried has no TCP of its own: its connection's is told there
  const carried = conn.stream !== null ? w.carried(conn.id, conn.stream) : null;
  const rows: string[][] = [
    [k.duration, w.duration(s.duration, s.packets)],
    carried !== null ? [w.streamKey, carried] : [k.tcpHandshake, w.tcpHandshake(s.tcpHandshakeRtt)],
    [k.wsHandshake, w.wsHandshake(s.wsHandshakeRtt, hs?.response?.status ?? null, hs === null ? 'no-handshake' : hs.response === null ? 'no-response' : null)],
    [k.pings, w.pings(s.pings)],
    [k.compression, w.compression(ratio('client'), ratio('server'), conn.compression !== null)],
    [k.app, conn.app ? w.app(APP_LABELS[conn.app.decoder], conn.app.chosenBy) : w.app(null, null)],
    ...(carried !== null ? [] : [[k.tcp, w.tcp(s.tcp.retransmissions, s.tcp.outOfOrder, s.tcp.lostBytes)]]),
    [k.diagnostics, w.diagnostics(s.diagnostics)],
  ];
  return { columns: [{ align: 'left', give: 'none' }, { align: 'left', give: 'words' }], head: [], rows, lay: w.cellWrap };
}

function trafficTable(s: ConnectionStats, w: StatsWords): TableSpec | null {
  const t = w.traffic;
  const { client: c, server: v } = s;
  if (c.frames.frames + v.frames.frames + c.messages.count + v.messages.count === 0) return null;
  const n = (x: number): string => String(x);
  const rows: Cell[][] = [];
  for (const op of STAT_OPCODES) {
    const a = c.opcodes[op];
    const b = v.opcodes[op];
    if (a.frames + b.frames > 0) rows.push([t.opcode(op), n(a.frames), n(a.bytes), n(b.frames), n(b.bytes)]);
  }
  rows.push([t.allFrames, n(c.frames.frames), n(c.frames.bytes), n(v.frames.frames), n(v.frames.bytes)]);
  const head: Cell[][] = [
    ['', { content: t.client, colSpan: 2, hAlign: 'center' }, { content: t.server, colSpan: 2, hAlign: 'center' }],
    [t.frames, t.count, t.bytes, t.count, t.bytes],
  ];
  const cm = c.messages;
  const vm = v.messages;
  const block: Cell[][] = [[t.messages, n(cm.count), n(cm.bytes), n(vm.count), n(vm.bytes)]];
  if (cm.compression.count + vm.compression.count + cm.notInflated + vm.notInflated > 0) {
    block.push([t.inflated, '', n(cm.inflatedBytes), '', n(vm.inflatedBytes)]);
  }
  const largest = (m: DirectionStats['messages']): string[] => (m.largest === null ? [DASH, DASH] : [`#${m.largest.index}`, n(m.largest.bytes)]);
  block.push([t.largest, ...largest(cm), ...largest(vm)]);
  block.push([t.fragmented, n(cm.fragmented.count), '', n(vm.fragmented.count), '']);
  if (cm.fragmented.count + vm.fragmented.count > 0) {
    const most = (m: DirectionStats['messages']): string => (m.fragmented.count > 0 ? n(m.fragmented.mostFragments) : DASH);
    block.push([t.mostFragments, most(cm), '', most(vm), '']);
  }
  const number: Column = { align: 'right', give: 'none' };
  return { columns: [{ align: 'left', give: 'words' }, number, number, number, number], head, rows: [...rows, ...block], rules: [rows.length], lay: w.cellWrap };
}

/** Messages per application-level type and side (STOMP commands, Socket.IO event names, MQTT packet types). */
function appTable(conn: Connection, w: StatsWords): TableSpec | null {
  const c = conn.counts.client.app;
  const v = conn.counts.server.app;
  const keys = [...new Set([...Object.keys(c), ...Object.keys(v)])];
  if (keys.length === 0) return null;
  const rows: Cell[][] = keys.map((k) => [sanitize(k), String(c[k] ?? 0), String(v[k] ?? 0)]);
  const number: Column = { align: 'right', give: 'none' };
  return { columns: [{ align: 'left', give: 'words' }, number, number], head: [[...w.appHead]], rows, lay: w.cellWrap };
}

/** The statistics of one connection: a key/value table, then frames and messages per opcode and side. */
export function renderStats(conn: Connection, opts: RenderOptions): string {
  const s = connectionStats(conn);
  const w = statsWords(opts.lang);
  const title = w.title(conversationName(conn), endpoint(conn.client), endpoint(conn.server));
  if (!tellsWebSocket(conn)) {
    // no WebSocket and no attempt at one: a line says it (a capture may hold thousands of these)
    return `${cutWidth(title, Math.max(1, opts.width))}\n${cutWidth(`${INDENT}${w.notWebSocket(protocolLabel(conn, opts.lang), s.packets, s.duration)}`, Math.max(1, opts.width))}\n`;
  }
  // statistics of what the selection kept, and said so
  const selected = selectionLine(conn, ['frames', 'messages', 'packets'], opts.lang);
  const lines = [cutWidth(title, Math.max(1, opts.width)), ...(selected ? w.wrap(w.ofSelected(selected), Math.max(1, opts.width), INDENT, `${INDENT}  `) : []), ...drawTable(keyValues(conn, s, w), opts)];
  const traffic = trafficTable(s, w);
  if (traffic) lines.push('', ...drawTable(traffic, opts));
  else lines.push(cutWidth(`${INDENT}${w.noFrame}`, Math.max(1, opts.width)));
  const app = appTable(conn, w);
  if (app) lines.push('', ...drawTable(app, opts));
  return `${lines.join('\n')}\n`;
}


/** One row per connection of the capture: who, whether and how WebSocket, how much, how long, how it ended. */
/** A connection's row of the table of all connections: all that table keeps of it. */
/** A connection's row of the connections table, its cells in one string (a tenth of the memory of an array of them: a capture may have 100 000 connections). */
export type ConnectionRow = string;

/** Between the cells of a packed row (never in one: they are numbers, addresses and our own words). */
const CELL_END = '\u0000';

export function connectionRow(conn: Connection): ConnectionRow {
  return connectionRowIn(conn, undefined);
}

/** A connection's row, its words in a language (the table of all connections in that language keeps these). */
export function connectionRowIn(conn: Connection, lang: Lang | undefined): ConnectionRow {
  const s = connectionStats(conn);
  const w = statsWords(lang).connections;
  const d = s.diagnostics;
  return packRow([
    conversationName(conn),
    endpoint(conn.client),
    endpoint(conn.server),
    conn.detection === null ? DASH : w.detection(conn.detection),
    String(s.packets),
    String(s.client.frames.frames + s.server.frames.frames),
    String(s.client.messages.count + s.server.messages.count),
    s.duration === null ? DASH : w.seconds(s.duration),
    `${d.error}/${d.warning}/${d.info}`,
    endingWords(conn, false, lang),
  ]);
}

/** The cells of a packed row. */
export function rowCells(row: ConnectionRow): string[] {
  return row.split(CELL_END);
}

/** A row packed from its cells. */
export function packRow(cells: readonly string[]): ConnectionRow {
  return cells.join(CELL_END);
}

/** The table of all connections, from the connections or from their rows (connectionRow). */
export function renderConnectionsTable(conns: readonly (Connection | ConnectionRow)[], opts: RenderOptions): string {
  let out = '';
  for (const line of connectionsTableLines(conns, opts)) out += `${line}\n`;
  return out;
}

/** The connections table a line at a time. */
export function* connectionsTableLines(conns: { readonly length: number } & Iterable<Connection | ConnectionRow>, opts: RenderOptions): Generator<string> {
  // unpacked as they are read, each time the table reads them
  const rows: Iterable<Cell[]> = {
    *[Symbol.iterator]() {
      for (const c of conns) yield rowCells(typeof c === 'string' ? c : connectionRowIn(c, opts.lang));
    },
  };
  const w = statsWords(opts.lang).connections;
  const spec: TableSpec = {
    lay: statsWords(opts.lang).cellWrap,
    head: [[...w.head]],
    shortHead: [[...w.shortHead]],
    rows,
    columns: [
      { align: 'right', give: 'none' },
      { align: 'left', give: 'address' },
      { align: 'left', give: 'address' },
      { align: 'left', give: 'words' },
      { align: 'right', give: 'none' },
      { align: 'right', give: 'none' },
      { align: 'right', give: 'none' },
      { align: 'right', give: 'none' },
      { align: 'right', give: 'none' },
      { align: 'left', give: 'words' },
    ],
  };
  const fit = (line: string): string => cutWidth(line, Math.max(1, opts.width));
  yield fit(w.title(conns.length));
  yield* tableLines(spec, opts);
  yield fit(`${INDENT}${w.legend}`);
}
