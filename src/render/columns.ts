// Tables of our own: rows of cells between box-drawing borders, in the look
// cli-table3 gives a table (a space either side of a cell's text, a text
// wider than its column wrapped between words or cut with an ellipsis, a
// centred text's odd space on its right), drawn a row at a time. cli-table3
// lays a table out in time that grows with the square of its rows (and its
// width function builds a regular expression per call): a capture of
// 100 000 connections, or a connection of a million frames, is drawn here.
// Widths are terminal columns (displayWidth): wide characters take two,
// combining marks none, and a cut never splits a character or an escape.
import { cutWidth, displayWidth } from '../util/text.js';
import type { LineBytes } from './line-bytes.js';

export type Align = 'left' | 'right' | 'center';

/** A cell of a row: its text, the columns it covers (1 unless it spans) and its alignment (its first column's unless given). */
export interface GridCell {
  text: string;
  span?: number;
  align?: Align;
  /** the text's width in terminal columns, when the caller knows it (else it is measured) */
  width?: number;
}

/** The columns of a table: what a row is laid out in. */
export interface Grid {
  /** each column's room for text, in terminal columns (padding not included) */
  readonly widths: readonly number[];
  readonly aligns: readonly Align[];
  /** spaces either side of a cell's text */
  readonly pad: number;
}

/** How a row's lines are made: with `wrap`, a text wider than its cell goes on over more lines; else it is cut. */
export interface RowStyle {
  wrap?: boolean;
  /** paints each line of text (not the spaces around it) */
  paint?: (text: string) => string;
}

/** `text` padded with spaces to `width` columns as `how` says; the odd space of a centred text goes to its right. */
export function align(text: string, width: number, how: Align, paint: (s: string) => string = (s) => s, known?: number): string {
  const gap = Math.max(0, width - (known ?? displayWidth(text)));
  const right = how === 'right' ? 0 : how === 'center' ? Math.ceil(gap / 2) : gap;
  return `${' '.repeat(gap - right)}${paint(text)}${' '.repeat(right)}`;
}

/** Columns a cell covers in the grid: its text's room, the borders and padding between its columns included. */
function room(grid: Grid, at: number, span: number): number {
  let w = (span - 1) * (2 * grid.pad + 1);
  for (let i = at; i < at + span; i++) w += grid.widths[i]!;
  return w;
}

/**
 * Lines of at most `width` columns, broken between words as cli-table3 does:
 * each line of the text on its own, words kept with the spaces between them,
 * a word wider than the width on a line of its own (cut when drawn), and
 * nothing for an empty line.
 */
export function wordLines(text: string, width: number): string[] {
  if (!/\s/.test(text)) return text === '' ? [] : [text];
  const lines: string[] = [];
  for (const part of text.split('\n')) {
    const split = part.split(/(\s+)/);
    let line = '';
    let used = 0;
    let space = '';
    for (let i = 0; i < split.length; i += 2) {
      const word = split[i]!;
      const w = displayWidth(word);
      const grown = used + w + (used > 0 ? space.length : 0);
      if (grown > width) {
        if (used !== 0) lines.push(line);
        line = word;
        used = w;
      } else {
        line += space + word;
        used = grown;
      }
      space = split[i + 1] ?? '';
    }
    if (used > 0) lines.push(line);
  }
  return lines;
}

/** The columns where a row's cells begin (the first column left out). */
function starts(grid: Grid, row: readonly GridCell[] | undefined): boolean[] {
  const at = new Array<boolean>(grid.widths.length).fill(row === undefined);
  let col = 0;
  for (const c of row ?? []) {
    at[col] = true;
    col += c.span ?? 1;
  }
  return at;
}

/**
 * A horizontal line across the grid: the top border (`above` undefined), the
 * bottom one (`below` undefined) or a rule between two rows, with a junction
 * where a cell of the row above or below begins. A row left out altogether
 * (neither given) has a junction at every column.
 */
export function ruleLine(grid: Grid, above: readonly GridCell[] | undefined, below: readonly GridCell[] | undefined, edge: 'top' | 'bottom' | 'mid'): string {
  const up = starts(grid, edge === 'top' ? [] : above);
  const down = starts(grid, edge === 'bottom' ? [] : below);
  const [left, right] = edge === 'top' ? ['┌', '┐'] : edge === 'bottom' ? ['└', '┘'] : ['├', '┤'];
  let line = left;
  for (let i = 0; i < grid.widths.length; i++) {
    if (i > 0) line += up[i] && down[i] ? '┼' : up[i] ? '┴' : down[i] ? '┬' : '─';
    line += '─'.repeat(grid.widths[i]! + 2 * grid.pad);
  }
  return line + right;
}

/** The top border above `row`, or above every column without it. */
export function topLine(grid: Grid, row?: readonly GridCell[]): string {
  return ruleLine(grid, undefined, row, 'top');
}

/** The bottom border under `row`, or under every column without it. */
export function bottomLine(grid: Grid, row?: readonly GridCell[]): string {
  return ruleLine(grid, row, undefined, 'bottom');
}

/**
 * The lines of one row: each cell's text in its room, aligned and padded,
 * between │ borders; as many lines as its tallest cell (wrapped), or one
 * (cut) without `style.wrap`.
 */
export function rowLines(grid: Grid, row: readonly GridCell[], style: RowStyle = {}): string[] {
  const sp = ' '.repeat(grid.pad);
  const paint = style.paint ?? ((s: string): string => s);
  const widths = row.map((c) => c.width ?? displayWidth(c.text));
  // the usual row: every text on one line, in its room
  let line = '│';
  let col = 0;
  for (let i = 0; i < row.length; i++) {
    const c = row[i]!;
    const span = c.span ?? 1;
    const width = room(grid, col, span);
    if (style.wrap && (widths[i]! > width || c.text.includes('\n'))) return tallRow(grid, row, widths, paint);
    line += `${sp}${place(c.text, widths[i]!, width, c.align ?? grid.aligns[col]!, paint)}${sp}│`;
    col += span;
  }
  return [line];
}

/** The border between cells, as bytes. */
const BAR = Buffer.from('│');

/**
 * The line of a row of one-column cells whose texts' widths are known (the
 * long tables' usual row), written into `out` (without its newline): as
 * rowLines draws it without wrap, with nothing made per cell but its text.
 */
export function cellsBytes(out: LineBytes, grid: Grid, texts: readonly string[], widths: readonly number[]): void {
  const pad = grid.pad;
  out.bytes(BAR);
  for (let i = 0; i < texts.length; i++) {
    const w = widths[i]!;
    const width = grid.widths[i]!;
    const how = grid.aligns[i]!;
    out.spaces(pad);
    if (w <= width) {
      // as align() places it
      const gap = width - w;
      const right = how === 'right' ? 0 : how === 'center' ? Math.ceil(gap / 2) : gap;
      out.spaces(gap - right);
      out.text(texts[i]!);
      out.spaces(right);
    } else out.text(place(texts[i]!, w, width, how, asIs));
    out.spaces(pad);
    out.bytes(BAR);
  }
}
const asIs = (s: string): string => s;

/** A text of `w` columns in a room of `width`: aligned, or cut when it is wider (the ellipsis left unpainted). */
function place(text: string, w: number, width: number, how: Align, paint: (s: string) => string): string {
  if (w <= width) return align(text, width, how, paint, w);
  const cut = cutWidth(text, width);
  return align(cut, width, how, (s) => (s.endsWith('…') ? `${paint(s.slice(0, -1))}…` : paint(s)));
}

/** A row of which some text takes more than one line: each cell's text wrapped in its room. */
function tallRow(grid: Grid, row: readonly GridCell[], widths: readonly number[], paint: (s: string) => string): string[] {
  const sp = ' '.repeat(grid.pad);
  const cells: { lines: string[]; widths: (number | undefined)[]; width: number; align: Align }[] = [];
  let height = 1;
  let col = 0;
  row.forEach((c, i) => {
    const span = c.span ?? 1;
    const width = room(grid, col, span);
    // a text that fits on one line is that line, its width known
    const one = widths[i]! <= width && !c.text.includes('\n');
    const lines = one ? (c.text === '' ? [] : [c.text]) : wordLines(c.text, width);
    cells.push({ lines, widths: one ? [widths[i]] : [], width, align: c.align ?? grid.aligns[col]! });
    height = Math.max(height, lines.length);
    col += span;
  });
  const out: string[] = [];
  for (let i = 0; i < height; i++) {
    let line = '│';
    for (const c of cells) {
      const text = c.lines[i];
      line += `${sp}${text === undefined ? ' '.repeat(c.width) : place(text, c.widths[i] ?? displayWidth(text), c.width, c.align, paint)}${sp}│`;
    }
    out.push(line);
  }
  return out;
}

/** Columns a line of the grid takes: every line rowLines and ruleLine draw takes that many. */
export function gridWidth(grid: Grid): number {
  return room(grid, 0, grid.widths.length) + 2 * grid.pad + 2;
}
