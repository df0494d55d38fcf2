// Runs the analysis on a file or on bytes and collects the result.
import { Readable } from 'node:stream';
import { analyzeCapture, DEFAULT_OPTIONS, summaryOf, type AnalyzerOptions } from '../../src/index.js';
import type { AnalysisSink, CaptureInfo, Connection, Diagnostic, Frame, Message, Summary, TimelineEntry } from '../../src/model.js';

/** A timeline entry with its summary in words (summaryOf), for the tests to read. */
export type ToldEntry = TimelineEntry & { summary: string };

/** A connection with its lists as arrays (the analysis keeps them in memory unless told to spill), its entries with their words. */
export type Held = Omit<Connection, 'frames' | 'messages' | 'timeline' | 'diagnostics'> & { frames: Frame[]; messages: Message[]; timeline: ToldEntry[]; diagnostics: Diagnostic[] };

export interface Result {
  connections: Held[];
  capture: CaptureInfo;
  summary: Summary;
  diagnostics: Diagnostic[];
}

class Collect implements AnalysisSink {
  connections: Held[] = [];
  ended: Omit<Result, 'connections'> | null = null;
  connection(c: Connection): void {
    this.connections.push(held(c));
  }
  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    this.ended = { capture, summary, diagnostics };
  }
}

/** The connection with its lists copied into arrays. */
export function held(c: Connection): Held {
  return { ...c, frames: [...c.frames], messages: [...c.messages], timeline: Array.from(c.timeline, (e) => ({ ...e, summary: summaryOf(e) })), diagnostics: [...c.diagnostics] };
}

/** `options`: analyzer options changed from the defaults (for example `{ app: 'none' }`). */
export async function analyze(source: string | Buffer, options: Partial<AnalyzerOptions> = {}): Promise<Result> {
  const sink = new Collect();
  await analyzeCapture(typeof source === 'string' ? source : Readable.from([source]), sink, { name: typeof source === 'string' ? source : 'crafted.pcap', analyzer: { ...DEFAULT_OPTIONS, ...options } });
  if (!sink.ended) throw new Error('the analysis did not end');
  return { connections: sink.connections.sort((a, b) => a.id - b.id), ...sink.ended };
}

/** The only connection of a result, failing when there is not exactly one. */
export function only(r: Result): Held {
  if (r.connections.length !== 1) throw new Error(`expected one connection, got ${r.connections.length}`);
  return r.connections[0]!;
}

export function codes(c: { diagnostics: Iterable<Diagnostic> }): string[] {
  return Array.from(c.diagnostics, (d) => d.code);
}
