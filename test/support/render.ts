// Renders a capture the way the CLI does, into strings.
import { analyzeCapture } from '../../src/index.js';
import { JsonSink, TerminalSink } from '../../src/render/sinks.js';
import { PLAIN } from '../../src/render/options.js';

export async function renderTerminal(file: string): Promise<string> {
  let out = '';
  await analyzeCapture(file, new TerminalSink((t) => (out += t), { ...PLAIN, width: 205, previewWidth: 40 }));
  return out;
}

export async function renderJson(file: string, maxPayload = 1024): Promise<unknown> {
  let out = '';
  await analyzeCapture(file, new JsonSink((t) => (out += t), { maxPayload }));
  return JSON.parse(out) as unknown;
}
