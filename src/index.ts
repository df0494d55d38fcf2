// wsdissect as a library: analyse a capture and receive the result through a sink.
import type { Readable } from 'node:stream';
import { readCapture, type ReadHooks } from './capture/reader.js';
import { Analyzer, type AnalyzerOptions, DEFAULT_OPTIONS } from './analyze/analyzer.js';
import { ThreadHost, type ThreadsOptions } from './analyze/threads.js';
import type { AnalysisSink, TimelineEntry } from './model.js';
import { entrySummary } from './text/packets.js';

export type * from './model.js';
export { CaptureError } from './capture/reader.js';
export { DEFAULT_MAX_CONNECTIONS, DEFAULT_OPTIONS, type AnalyzerOptions } from './analyze/analyzer.js';
export { JsonSink, NdjsonSink, SummarySink, TerminalSink } from './render/sinks.js';
export { computeAccept } from './http/handshake.js';

/**
 * A timeline entry's one-line summary, as the walkthrough and the JSON export
 * give it ("Text [FIN] 5 bytes \"Hello\""): an entry keeps what its packet
 * carried as facts (`told`), put in words here.
 */
export function summaryOf(entry: TimelineEntry): string {
  return entrySummary(entry);
}

/**
 * Reads the capture (a path, '-' for standard input, or a stream), analyses it
 * packet by packet and hands the result to the sink as it is produced.
 * Rejects with CaptureError when the capture cannot be read at all.
 */
export async function analyzeCapture(
  source: string | Readable,
  sink: AnalysisSink,
  options: { name?: string; analyzer?: AnalyzerOptions; threads?: ThreadsOptions } & ReadHooks = {},
): Promise<void> {
  const name = options.name ?? (typeof source === 'string' ? (source === '-' ? '(stdin)' : source) : '(stream)');
  // split over worker threads (what the sink writes comes from the threads' own copies of it, see analyze/threads.ts);
  // with a key log given, one thread (threadCount says why)
  const split = options.threads !== undefined && options.threads.threads > 1 && !options.analyzer?.keylog ? options.threads : null;
  let host: ThreadHost | null = null;
  const analyzer = new Analyzer(sink, options.analyzer ?? DEFAULT_OPTIONS, split ? (clock) => (host = new ThreadHost(split, clock)) : undefined);
  const threads = host as ThreadHost | null;
  const beforeChunk = threads
    ? async (): Promise<void> => {
        await threads.ready();
        await options.beforeChunk?.();
      }
    : options.beforeChunk;
  // a stream may be a capture in the making: let time pass between its packets
  const live = typeof source !== 'string' || source === '-' ? setInterval(() => analyzer.tick(), 250) : null;
  try {
    const meta = await readCapture(source, name, (p) => analyzer.packet(p), { tlsKeyLog: (text) => analyzer.tlsKeyLog(text, name), ...(options.onBytes ? { onBytes: options.onBytes } : {}), ...(beforeChunk ? { beforeChunk } : {}), ...(options.interrupted ? { interrupted: options.interrupted } : {}) });
    await analyzer.finish(meta, name);
  } finally {
    if (live) clearInterval(live);
    threads?.close();
  }
}
