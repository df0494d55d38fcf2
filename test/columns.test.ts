// The column formatter (src/render/columns.ts) draws what cli-table3 drew for
// the same rows and widths — borders, padding, alignment, wrapping between
// words, cutting with an ellipsis, spanning cells, rules — and it does so a
// row at a time: the work grows with the rows, counted, not timed.
import Table from 'cli-table3';
import { describe, expect, it, vi } from 'vitest';
import { type Align, bottomLine, cellsBytes, type Grid, type GridCell, ruleLine, rowLines, topLine, wordLines } from '../src/render/columns.js';
import { connectionRow, packRow, renderConnectionsTable, rowCells, type ConnectionRow } from '../src/render/stats.js';
import { renderConnection } from '../src/render/terminal.js';
import { PLAIN } from '../src/render/options.js';
import { LineBytes } from '../src/render/line-bytes.js';
import { displayWidth } from '../src/util/text.js';
import { TCP_ACK } from '../src/model.js';
import { analyze, only } from './support/analyze.js';
import { Conversation, upgradeRequest, upgradeResponse, wsFrame } from './support/pcap.js';

// every row drawn and every width measured is counted
const count = vi.hoisted(() => ({ rows: 0, widths: 0 }));
vi.mock(import('../src/render/columns.js'), async (original) => {
  const mod = await original();
  return {
    ...mod,
    rowLines: (...args: Parameters<typeof mod.rowLines>) => (count.rows++, mod.rowLines(...args)),
    cellsBytes: (...args: Parameters<typeof mod.cellsBytes>) => (count.rows++, mod.cellsBytes(...args)),
  };
});
vi.mock(import('../src/util/text.js'), async (original) => {
  const mod = await original();
  return { ...mod, displayWidth: (text: string) => (count.widths++, mod.displayWidth(text)) };
});

const bold = (s: string): string => (s === '' ? s : `\u001b[1m${s}\u001b[22m`);

interface Row {
  cells: GridCell[];
  painted?: boolean;
  /** a rule above the row */
  rule?: boolean;
}

/** The rows drawn by cli-table3 as the statistics view configured it: no line between rows, a rule where asked. */
function byCliTable3(grid: Grid, rows: readonly Row[]): string[] {
  const table = new Table({
    style: { head: [], border: [], 'padding-left': grid.pad, 'padding-right': grid.pad },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: [...grid.aligns],
    colWidths: grid.widths.map((w) => w + 2 * grid.pad),
    wordWrap: true,
  });
  rows.forEach((row, i) => {
    const afterSpan = i > 0 && rows[i - 1]!.cells.some((c) => (c.span ?? 1) > 1);
    const chars = { ...(afterSpan ? { 'top-mid': '' } : {}), ...(row.rule ? { mid: '─', 'left-mid': '├', 'mid-mid': '┼', 'right-mid': '┤' } : {}) };
    table.push(row.cells.map((c) => ({ content: row.painted ? bold(c.text) : c.text, colSpan: c.span ?? 1, ...(c.align ? { hAlign: c.align } : {}), chars })));
  });
  return table.toString().split('\n');
}

function byColumns(grid: Grid, rows: readonly Row[]): string[] {
  const out: string[] = [];
  let above: GridCell[] | undefined;
  for (const row of rows) {
    if (above === undefined) out.push(topLine(grid, row.cells));
    else if (row.rule) out.push(ruleLine(grid, above, row.cells, 'mid'));
    out.push(...rowLines(grid, row.cells, { wrap: true, ...(row.painted ? { paint: bold } : {}) }));
    above = row.cells;
  }
  out.push(bottomLine(grid, above));
  return out;
}

const cells = (...texts: string[]): GridCell[] => texts.map((text) => ({ text }));

const CASES: Record<string, { grid: Grid; rows: Row[] }> = {
  'left, right and centred columns': {
    grid: { widths: [3, 15, 7, 5], aligns: ['right', 'left', 'right', 'center'], pad: 1 },
    rows: [
      { cells: cells('#', 'Client', 'Packets', 'FIN'), painted: true },
      { cells: cells('0', '127.0.0.1:54986', '14', '1') },
      { cells: cells('12', '10.0.0.1:80', '1234567', '0') },
      { cells: cells('', '—', '', '') },
    ],
  },
  'wide characters, whole and cut': {
    grid: { widths: [6, 5, 8], aligns: ['left', 'right', 'center'], pad: 1 },
    rows: [
      { cells: cells('東京', '你好，世界', 'カタカナ') },
      { cells: cells('한국어', 'ｗｉｄｅ', '🎉🚀 ok') },
      { cells: cells('e\u0301e\u0301', '再见', '服务器维护中') },
    ],
  },
  'cells wider than their column: wrapped between words, a long word cut': {
    grid: { widths: [9, 6, 4], aligns: ['left', 'left', 'right'], pad: 1 },
    rows: [
      { cells: cells('the quick brown fox jumps', 'a verylongword b', '12345678') },
      { cells: cells('10.0.0.0:\n40000', 'x', '1') },
      { cells: cells('two  spaces kept', '', 'a b c') },
    ],
  },
  'a spanning header, a rule between rows, no padding': {
    grid: { widths: [10, 5, 5, 5, 5], aligns: ['left', 'right', 'right', 'right', 'right'], pad: 0 },
    rows: [
      { cells: [{ text: '' }, { text: 'Client', span: 2, align: 'center' }, { text: 'Server', span: 2, align: 'center' }], painted: true },
      { cells: cells('Frames', 'count', 'bytes', 'count', 'bytes'), painted: true },
      { cells: cells('text', '3', '120', '3', '157') },
      { cells: cells('messages', '4', '334', '4', '371'), rule: true },
      { cells: cells('largest message', '#4', '214', '#5', '214') },
    ],
  },
  'painted header cells that wrap': {
    grid: { widths: [6, 7], aligns: ['left', 'right'], pad: 1 },
    rows: [
      { cells: cells('Application messages', 'client side'), painted: true },
      { cells: cells('json', '2') },
    ],
  },
};

describe('the column formatter draws what cli-table3 drew', () => {
  it.each(Object.keys(CASES))('%s', (name) => {
    const { grid, rows } = CASES[name]!;
    const ours = byColumns(grid, rows);
    expect(ours.join('\n')).toBe(byCliTable3(grid, rows).join('\n'));
    // and every line is as wide as the grid says
    for (const line of ours) expect(displayWidth(line.replace(/\u001b\[[0-9;]*m/g, '')), line).toBe(grid.widths.reduce((a, b) => a + b + 2 * grid.pad + 1, 1));
  });

  it('draws a row of one-column cells alike by cellsBytes and rowLines (texts that fit, and texts cut)', () => {
    const out = new LineBytes();
    const texts = ['', 'a', 'tick 77', '東京', '⇢ \'{"type"…\'', 'a longer text than most columns'];
    for (const pad of [0, 1])
      for (const aligns of [['left', 'right', 'center'], ['center', 'left', 'right']] as Align[][])
        for (const widths of [[1, 4, 9], [6, 2, 30]]) {
          const grid = { widths, aligns, pad };
          for (const a of texts)
            for (const b of texts) {
              const row = [a, b, `${a}${b}`];
              const measured = row.map(displayWidth);
              cellsBytes(out, grid, row, measured);
              expect(out.take().toString('utf8')).toBe(rowLines(grid, row.map((text, i) => ({ text, width: measured[i] })))[0]);
            }
        }
  });

  it('encodes any text as Buffer.from does: ASCII, two- and three-byte characters, surrogate pairs and lone halves', () => {
    const out = new LineBytes(4);
    const pieces = ['a', '~', '\u007f', '\u0080', 'é', '\u07ff', '\u0800', '—', '⇢', '…', '│', '東', '\ud7ff', '\ue000', '\uffff', '😀', '\ud800', '\udfff', '\udc00x', 'x\ud83d'];
    // every piece alone, and every pair, one after another into one buffer that grows
    const texts = [...pieces, ...pieces.flatMap((x) => pieces.map((y) => `${x}${y}`)), pieces.join(''), 'plain ASCII only'];
    let want = '';
    for (const t of texts) {
      out.text(t);
      want += Buffer.from(t, 'utf8').toString('hex');
    }
    expect(out.take().toString('hex')).toBe(want);
  });

  it('wraps as cli-table3 does: words with their spaces, an empty text no line at all', () => {
    expect(wordLines('the quick brown fox', 9)).toEqual(['the quick', 'brown fox']);
    expect(wordLines('a  b', 4)).toEqual(['a  b']);
    expect(wordLines('averylongword b', 4)).toEqual(['averylongword', 'b']);
    expect(wordLines('one\ntwo', 10)).toEqual(['one', 'two']);
    expect(wordLines('', 4)).toEqual([]);
    expect(wordLines('東京 東京', 4)).toEqual(['東京', '東京']);
  });
});

/** `n` rows as the statistics view keeps them for its table of all connections. */
function rows(n: number): ConnectionRow[] {
  // rows of one shape (the same widths), so that a longer table differs only in how many
  return Array.from({ length: n }, (_, i) => packRow([String(100 + (i % 900)), `10.0.0.1:${40000 + (i % 1000)}`, '192.0.2.20:80', '—', '1', '0', '0', '0.000 s', '0/0/0', 'not WebSocket']));
}

function tally(draw: () => string): { rows: number; widths: number; lines: number } {
  count.rows = 0;
  count.widths = 0;
  const lines = draw().split('\n').length;
  return { rows: count.rows, widths: count.widths, lines };
}

describe('long tables are drawn a row at a time', () => {
  it('the table of all connections: one row drawn per connection, the widths measured a fixed number of times per row', () => {
    const opts = { ...PLAIN, width: 120 };
    const small = tally(() => renderConnectionsTable(rows(1000), opts));
    const large = tally(() => renderConnectionsTable(rows(4000), opts));
    // the header row and one row per connection
    expect(small.rows).toBe(1001);
    expect(large.rows).toBe(4001);
    // a line a row
    expect(large.lines - small.lines).toBe(3000);
    // the widths measured per row do not grow with the rows: the 4000-row table is the 1000-row one and 3000 rows more at the same cost each
    const perRow = (large.widths - small.widths) / 3000;
    expect(Number.isInteger(perRow)).toBe(true);
    expect(perRow).toBeGreaterThan(0);
    expect(small.widths - 1000 * perRow).toBe(large.widths - 4000 * perRow);
  });

  it('the frame table: one row drawn per frame', async () => {
    const table = async (frames: number): Promise<{ rows: number; widths: number; lines: number }> => {
      let conv = new Conversation().handshake().send('client', upgradeRequest()).send('server', upgradeResponse());
      for (let i = 0; i < frames; i++) conv = conv.send('server', wsFrame({ opcode: 1, payload: Buffer.from(`tick ${i}`) }));
      const conn = only(await analyze(conv.pcap()));
      return tally(() => renderConnection(conn, { ...PLAIN, width: 160, previewWidth: 40 }));
    };
    const small = await table(100);
    const large = await table(300);
    // a header row, one row a frame
    expect(small.rows).toBe(101);
    expect(large.rows).toBe(301);
    // the frames differ in their preview's length only ("tick 7", "tick 77"), so the cost per frame is compared with room for that
    const perFrame = (large.widths - small.widths) / 200;
    expect(perFrame).toBeGreaterThan(0);
    expect(small.widths / 100).toBeGreaterThan(perFrame * 0.9);
    expect(small.widths / 100).toBeLessThan(perFrame * 1.5);
  });

  it('connectionRow is what the table keeps of a connection: one string of its ten cells, which the table draws as the connection would be', async () => {
    const conn = only(await analyze('captures/ws_echo.pcap'));
    const row = connectionRow(conn);
    expect(typeof row).toBe('string');
    expect(rowCells(row)).toHaveLength(10);
    expect(rowCells(row)[0]).toBe(String(conn.id));
    expect(renderConnectionsTable([row, row], { ...PLAIN, width: 120 })).toBe(renderConnectionsTable([conn, conn], { ...PLAIN, width: 120 }));
  });
});

describe('a connection longer than a spread of its rows allows', () => {
  it('is reported whole: the frame table and the walkthrough measure their columns in loops', async () => {
    const conn = only(await analyze('captures/ws_echo.pcap'));
    // 150 000 frames and packets, more than a function's arguments may be (Math.max(...cells) overflowed the stack)
    const n = 150_000;
    const frame = [...conn.frames].find((f) => f.opcode === 1)!;
    const entry = conn.timeline.at(conn.timeline.length - 1)!;
    const long = { ...conn, frames: new Array(n).fill(frame), timeline: new Array(n).fill(entry) };
    const text = renderConnection(long, { ...PLAIN, width: 70, previewWidth: 40, collapse: false });
    const lines = text.split('\n');
    // the walkthrough: a line a packet; the frame table: a line a frame
    expect(lines.filter((l) => l.includes(entry.phase)).length).toBeGreaterThanOrEqual(n);
    expect(lines.filter((l) => l.startsWith('  │') && l.includes(`"${frame.payload.toString()}"`)).length).toBe(n);
  }, 60_000);

  it('past packet 999 999 the number column of the walkthrough widens: every row keeps its columns in line, none cut', async () => {
    const conn = only(await analyze('captures/ws_echo.pcap'));
    const entry = conn.timeline.at(conn.timeline.length - 1)!;
    const numbers = [999_998, 999_999, 1_000_000, 1_000_001];
    const long = { ...conn, timeline: numbers.map((packet) => ({ ...entry, packet, told: [], tcp: TCP_ACK })) };
    const width = 100;
    const text = renderConnection(long, { ...PLAIN, width, previewWidth: 40 });
    const rows = text.split('\n').filter((l) => numbers.some((n) => l.startsWith(`  ${String(n).padStart(7)}  `)));
    expect(rows).toHaveLength(numbers.length);
    // the summary starts in the same column on every row, and is whole
    expect(new Set(rows.map((l) => l.lastIndexOf('ACK'))).size).toBe(1);
    for (const l of rows) expect(l.endsWith('ACK') && displayWidth(l) <= width).toBe(true);
  });
});
