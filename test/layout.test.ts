// Every terminal view fits the width it is given, measured in terminal
// columns (wide characters two, combining marks none), on every bundled
// capture; wide characters do not shift what is aligned.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeCapture, DEFAULT_OPTIONS } from '../src/index.js';
import { SummarySink, TerminalSink, type View } from '../src/render/sinks.js';
import { PLAIN } from '../src/render/options.js';
import { displayWidth } from '../src/util/text.js';

const CAPTURES = [
  ...readdirSync('captures').filter((f) => f.endsWith('.pcap')).sort(),
  ...readdirSync('captures/app').filter((f) => f.endsWith('.pcap')).sort().map((f) => `app/${f}`),
  ...readdirSync('captures/violations').filter((f) => f.endsWith('.pcap')).sort().map((f) => `violations/${f}`),
  'wide/textbook_wide.pcap',
];

const VIEWS: Record<string, View[] | 'summary'> = {
  default: ['report'],
  explain: ['explain'],
  ladder: ['ladder'],
  messages: ['messages'],
  hex: ['hex'],
  stats: ['stats'],
  'frame 1': [{ frame: 1 }],
  summary: 'summary',
};

export const WIDTHS = [60, 80, 120, 200];

/** The output of a view of a capture at a width, as the CLI writes it. */
export async function render(file: string, views: View[] | 'summary', width: number, extra: Partial<typeof PLAIN> = {}): Promise<string> {
  let out = '';
  const opts = { ...PLAIN, width, previewWidth: 40, ...extra };
  const w = (t: string): void => void (out += t);
  await analyzeCapture(`captures/${file}`, views === 'summary' ? new SummarySink(w, opts) : new TerminalSink(w, opts, views), { analyzer: DEFAULT_OPTIONS });
  return out;
}

/** The widest line of a text, in terminal columns, and the line. */
export function widest(text: string): { width: number; line: string } {
  let best = { width: 0, line: '' };
  for (const line of text.split('\n')) {
    const w = displayWidth(line);
    if (w > best.width) best = { width: w, line };
  }
  return best;
}

describe.each(CAPTURES)('%s', (file) => {
  it.each(Object.keys(VIEWS))('%s fits 60, 80, 120 and 200 columns', async (view) => {
    for (const width of WIDTHS) {
      const text = await render(file, VIEWS[view]!, width);
      const w = widest(text);
      expect(w.width, `--width ${width}: ${w.line}`).toBeLessThanOrEqual(width);
    }
  });
});

describe('wide characters (captures/wide/textbook_wide.pcap)', () => {
  it.each(WIDTHS)('keep the ladder\'s server lifeline in one column at width %i', async (width) => {
    const text = await render('wide/textbook_wide.pcap', ['ladder'], width);
    expect(text).toContain('"服务器维护中"');
    expect(text).toContain('"你好，世界"');
    // the column of the last │ of each line that has both lifelines, in terminal columns
    const columns = text
      .split('\n')
      .filter((l) => /│.*│$/.test(l))
      .map((l) => displayWidth(l.slice(0, l.lastIndexOf('│'))));
    expect(columns.length).toBeGreaterThan(20);
    expect(new Set(columns).size, text).toBe(1);
  });

  it.each(WIDTHS)('keep the frame table\'s borders in line at width %i', async (width) => {
    const text = await render('wide/textbook_wide.pcap', ['report'], width);
    const table = text.split('\n').filter((l) => /^ {2}[┌│└]/.test(l));
    expect(table.length).toBe(8);
    expect(new Set(table.map(displayWidth)).size, table.join('\n')).toBe(1);
    // every border of a row where the rules have theirs
    const joints = (l: string): number[] => [...l].reduce<{ at: number; out: number[] }>((acc, ch) => ({ at: acc.at + displayWidth(ch), out: /[│┬┴┌┐└┘]/.test(ch) ? [...acc.out, acc.at] : acc.out }), { at: 0, out: [] }).out;
    for (const l of table) expect(joints(l), l).toEqual(joints(table[0]!));
  });

  it('shows the Chinese close reason whole where there is room', async () => {
    const text = await render('wide/textbook_wide.pcap', ['report'], 120);
    expect(text).toContain('1001 Going Away "服务器维护中"');
    expect(text).toContain('the client sent Close 1000 (Normal Closure) "再见"');
  });
});

describe('the frame table at --width', () => {
  it('shrinks the payload column first, then the other columns', async () => {
    const wide = (await render('ws_echo.pcap', ['report'], 200)).split('\n').filter((l) => /^ {2}│/.test(l));
    const mid = (await render('ws_echo.pcap', ['report'], 100)).split('\n').filter((l) => /^ {2}│/.test(l));
    const narrow = (await render('ws_echo.pcap', ['report'], 80)).split('\n').filter((l) => /^ {2}│/.test(l));
    // at 200 columns nothing is cut; at 100 only the payload column is narrower
    expect(wide[0]).toContain('Masking key');
    expect(wide.join('\n')).toContain('1000 Normal Closure "bye"');
    expect(mid[0]).toContain('Masking key');
    expect(mid[0]).toContain('Opcode');
    expect(mid.join('\n')).toContain('22896684');
    expect(mid.join('\n')).not.toContain('1000 Normal Closure "bye"');
    expect(Math.max(...mid.map(displayWidth))).toBeLessThanOrEqual(100);
    // at 80 the headers are short and the opcode and masking key shortened
    expect(narrow[0]).not.toContain('Masking key');
    expect(Math.max(...narrow.map(displayWidth))).toBeLessThanOrEqual(80);
  });
});

describe('--hex with --frame N', () => {
  it('dumps frame N only, and every frame without --frame', async () => {
    const both = await render('textbook_rfc6455.pcap', ['hex', { frame: 3 }], 100);
    expect(both.match(/^Frame \d+ · /gm)).toEqual(['Frame 3 · ']);
    expect(both).toContain('34 12     03 e8');
    // the drawing of --frame is there too
    expect(both).toContain('Frame 3, packet 14');
    const all = await render('textbook_rfc6455.pcap', ['hex'], 100);
    expect(all.match(/^Frame \d+ · /gm)).toEqual(['Frame 0 · ', 'Frame 1 · ', 'Frame 2 · ', 'Frame 3 · ', 'Frame 4 · ']);
  });

  it('says when there is no frame N', async () => {
    const text = await render('textbook_rfc6455.pcap', ['hex', { frame: 42 }], 100);
    expect(text).toContain('No frame 42 to dump.');
    expect(text).toContain('connection 0 has no frame 42');
    expect(text).not.toMatch(/^Frame \d+ · /m);
  });
});

describe('with colour', () => {
  it.each(['chromium_deflate.pcap', 'wide/textbook_wide.pcap', 'ws_echo.pcap'])('%s fits the width as without it (colour codes take no column)', async (file) => {
    const { lineWidth } = await import('../src/util/text.js');
    for (const view of Object.keys(VIEWS)) {
      for (const width of [60, 80]) {
        const text = await render(file, VIEWS[view]!, width, { color: true });
        expect(text, view).toContain('\u001b[');
        for (const line of text.split('\n')) expect(lineWidth(line), `${view} at ${width}: ${line}`).toBeLessThanOrEqual(width);
      }
    }
  });
});
