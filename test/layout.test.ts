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
