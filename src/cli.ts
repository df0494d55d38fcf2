#!/usr/bin/env node
// The command line: parses arguments and calls the library.
import { LANGS, langFromEnv, parseLang, type Lang } from './text/lang.js';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { SpillFile } from './util/list.js';
import { analyzeCapture, CaptureError, DEFAULT_MAX_CONNECTIONS, DEFAULT_OPTIONS, type AnalyzerOptions } from './index.js';
import { DEFAULT_MAX_HEADERS } from './http/reader.js';
import type { AppChoice } from './app/types.js';
import { APP_NAMES } from './app/protocols.js';
import { CheckSink, JsonSink, NdjsonSink, SummarySink, TerminalSink, type View, type Write } from './render/sinks.js';
import { absorbChain, type Chain, chain, type ChainOptions, type ChainShared, type ThreadedView } from './render/stack.js';
import { once } from 'node:events';
import { EVERYTHING, OPCODES_BY_NAME, type Selection } from './select/selection.js';
import { Progress } from './render/progress.js';
import type { TerminalOptions } from './render/terminal.js';
import { type AnalysisSink, type Phase, PHASES, type Side } from './model.js';
import { stat } from 'node:fs/promises';
import { closeSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { threadCount } from './analyze/threads.js';
import { HTML_FRAMES, HtmlSink } from './render/html.js';
import { DrawHelper } from './render/draw.js';
import { ZeekSink } from './render/zeek.js';
import { HarSink } from './render/har.js';
import { EcsSink } from './render/ecs.js';
import { MessageExporter, MANIFEST, prepareExportDir, TeeSink } from './render/export-messages.js';
import { PacketPicker } from './select/pick.js';
import { extractPackets } from './capture/extract.js';
import { liveFailure, startLiveCapture, type LiveCapture, type LiveOptions } from './live/tool.js';
import { Readable } from 'node:stream';
import { errnoReason } from './capture/reader.js';
import { KeyLog } from './tls/keylog.js';
import { CheckCollector, checkRun, unreadableCapture, verdictLine, type CheckedCapture, type FailOn } from './check/report.js';
import { renderJunit } from './render/junit.js';
import { renderCheckJson } from './render/check-json.js';
import { checkWords } from './text/check-words.js';
import { VERSION } from './version.js';
import { isKnownCode } from './codes.js';
import { parseDeflate } from './deflate/negotiation.js';
import { deflateParamText } from './text/diagnostics.js';
import { setFlagsFromString } from 'node:v8';

// V8's heap growing factor fixed at 2: after a full collection the heap may
// grow to twice what it left live (and at least by V8's minimum step) before
// the next. By default V8 chooses the factor, up to 4 when collections are
// cheap, and they are here: the analysis keeps little alive (a connection at
// a time, lists spilled) while it allocates a great deal, so a run's peak
// depended on when V8 happened to collect: 120 MB or 270 MB for the same
// --html, 270-290 MB for the report and --json on 10^5 connections with 30 MB
// live. At 2 they stay under 200 MB for a few per cent of CPU (BENCHMARKS.md).
// Node's documentation warns that flags changed after start may do nothing
// or misbehave; this one is read at every full collection (V8's heap limit
// traces show the factor 2.0 from the first), and it only paces the
// collector. A factor given to node on its command line stays.
if (!process.execArgv.some((a) => a.startsWith('--heap-growing-percent') || a.startsWith('--heap_growing_percent'))) setFlagsFromString('--heap-growing-percent=100');

/** Whether two paths name the same file (the second may not exist yet). */
function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function sameFile(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

/** The --ignore codes, each checked: a misspelt one would silently ignore nothing. */
function ignoreSet(v: unknown): Set<string> {
  const codes = list(v);
  const unknown = codes.filter((c) => !isKnownCode(c));
  if (unknown.length > 0) throw new Error(`--ignore: unknown diagnostic code${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (see the README for the list)`);
  return new Set(codes);
}

/** --lang, else the environment's language (gettext's variables); an unknown one is an error, as any bad value is. */
function langOf(value: string | undefined): Lang {
  if (value === undefined) return langFromEnv(process.env);
  if (value === '') throw new Error(`--lang needs a value: ${LANGS.join(' or ')}`);
  const lang = parseLang(value);
  if (lang === null) throw new Error(`--lang takes ${LANGS.join(' or ')}, not "${value}"`);
  return lang;
}

function parseMaxPayload(value: string): number {
  if (value === 'all') return Infinity;
  if (!/^\d+$/.test(value)) throw new Error(`--max-payload takes a number of bytes or "all", not "${value}"`);
  return Number(value);
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new Error(`--decode-as takes a TCP port (1-65535), not "${value}"`);
  return n;
}

/**
 * --decode-as PORT or PORT:EXTENSION, the extension in the response header's
 * own syntax (permessage-deflate;client_max_window_bits=10): what the
 * handshake that is not in the capture agreed on.
 */
function parseDecodeAs(v: unknown): Map<number, string | null> {
  const ports = new Map<number, string | null>();
  for (const item of list(v)) {
    const colon = item.indexOf(':');
    const port = parsePort(colon < 0 ? item : item.slice(0, colon));
    const extension = colon < 0 ? null : item.slice(colon + 1).trim();
    if (extension !== null) {
      if (!/^permessage-deflate\s*(;|$)/i.test(extension)) throw new Error(`--decode-as ${item}: the extension must be permessage-deflate, with its parameters as a server would answer them (permessage-deflate;client_max_window_bits=10)`);
      const problems = parseDeflate(extension, true).problems;
      if (problems.length > 0) throw new Error(`--decode-as ${item}: ${problems.map(deflateParamText).join('; ')}`);
    }
    ports.set(port, extension);
  }
  return ports;
}

function parseBytes(value: string, option: string): number {
  const m = /^(\d+)([kKmMgG]?)(i?B)?$/.exec(value);
  if (!m) throw new Error(`${option} takes a number of bytes (like 8M), not "${value}"`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * unit;
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((x) => String(x).split(',')).filter((x) => x !== '');

/** Options every command shares. */
const LIMITS = 'Limits (each has a diagnostic when reached):';

function common<T>(y: Argv<T>) {
  return y
    .option('app', { choices: ['auto', 'none', ...APP_NAMES] as const, describe: 'the application protocol of the messages: chosen per connection (auto, the default: by subprotocol, URL, then content), forced, or none (the default of --summary, which shows none of it)' })
    .option('tls-keylog', { type: 'string', array: true, describe: 'decrypt TLS (wss://) with the session keys of this NSS key log file (repeatable); without it, the file SSLKEYLOGFILE names, when set' })
    .option('decode-as', { type: 'string', array: true, describe: 'decode connections on this server port as WebSocket even without a handshake (repeatable); PORT:permessage-deflate;… says the extension agreed' })
    .option('inflate-limit', { type: 'string', default: '8M', describe: 'bytes one compressed message may inflate to (decompression bomb guard)', group: LIMITS })
    .option('max-frame-payload', { type: 'string', default: '16M', describe: 'payload bytes held per frame and per message; past it the content is not checked', group: LIMITS })
    .option('max-reassembly', { type: 'string', default: '4M', describe: 'bytes one TCP direction may hold out of order waiting for a hole to fill', group: LIMITS })
    .option('max-reassembly-total', { type: 'string', default: '256M', describe: 'bytes all connections together may hold out of order', group: LIMITS })
    .option('max-connections', { type: 'string', default: String(DEFAULT_MAX_CONNECTIONS), describe: 'connections tracked at once; past it the quietest are reported as they stand', group: LIMITS })
    .option('max-http-head', { type: 'string', default: '64K', describe: 'bytes of one HTTP head (request or response line and headers)', group: LIMITS })
    .option('max-http-headers', { type: 'string', default: String(DEFAULT_MAX_HEADERS), describe: 'header lines read of one HTTP head', group: LIMITS })
    .option('ignore', { type: 'string', array: true, describe: 'leave out the diagnostics with this code (repeatable)' })
    .option('fail-on', { choices: ['error', 'warning', 'info', 'none'] as const, describe: 'exit 1 when a diagnostic of this severity or above is found' });
}

interface LimitArgs {
  app?: AppChoice;
  'decode-as'?: unknown;
  'tls-keylog'?: unknown;
  'inflate-limit': string;
  'max-frame-payload': string;
  'max-reassembly': string;
  'max-reassembly-total': string;
  'max-connections': string;
  'max-http-head': string;
  'max-http-headers': string;
}

/**
 * A whole-number option, checked: "--limit -3" or "--frame abc" is refused, not read as NaN or a negative count.
 * @param other what else the option takes, for the refusal (' or "all"')
 */
function whole(v: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER, other = ''): number {
  const text = String(v);
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new Error(`${name} takes a whole number${max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : ` of at least ${min}`}${other}, not "${text}"`);
  return n;
}

function count(v: unknown, name: string): number {
  return whole(v, name, 1);
}

/**
 * The session keys: every --tls-keylog file, or without one the file
 * SSLKEYLOGFILE names (as browsers, curl and Node read it), when set; null
 * when there are none. A file that cannot be read is an error (exit 2).
 */
function readKeyLogs(v: unknown): KeyLog | null {
  const given = v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
  if (v !== undefined && given.length === 0) throw new Error('--tls-keylog needs a key log file');
  const files = given.length > 0 ? given : process.env['SSLKEYLOGFILE'] ? [process.env['SSLKEYLOGFILE']] : [];
  if (files.length === 0) return null;
  const log = new KeyLog();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new Error(`${given.length > 0 ? '--tls-keylog' : 'SSLKEYLOGFILE'} ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message}`);
    }
    log.add(text, file);
  }
  return log;
}

function analyzerOptions(argv: LimitArgs): AnalyzerOptions {
  return {
    ...DEFAULT_OPTIONS,
    decodeAs: parseDecodeAs(argv['decode-as']),
    keylog: readKeyLogs(argv['tls-keylog']),
    app: argv.app ?? 'auto',
    limits: {
      ...DEFAULT_OPTIONS.limits,
      inflateLimit: parseBytes(argv['inflate-limit'], '--inflate-limit'),
      maxFramePayload: parseBytes(argv['max-frame-payload'], '--max-frame-payload'),
      reassemblyHold: parseBytes(argv['max-reassembly'], '--max-reassembly'),
      globalReassemblyHold: parseBytes(argv['max-reassembly-total'], '--max-reassembly-total'),
      maxConnections: count(argv['max-connections'], '--max-connections'),
      maxHttpHead: parseBytes(argv['max-http-head'], '--max-http-head'),
      maxHttpHeaders: count(argv['max-http-headers'], '--max-http-headers'),
    },
  };
}

/**
 * Output goes out in blocks of 256 KiB rather than a write per line: text is
 * encoded straight into the block (no joining of strings first). Before each
 * chunk of the capture is read, what is pending is written and, when the
 * reader of our output is slower than we are, reading waits for it: memory
 * stays flat however large the output.
 */
const BLOCK = 256 * 1024;
/** Set when the reader of our output went away (| head) during a check: output stops, the check goes on to its exit status. */
let outputGone = false;
/** check's exit status is its verdict, even when its output is cut short */
let checking = false;
const out = {
  /** standard output */
  stream: process.stdout as NodeJS.WritableStream & { writableNeedDrain?: boolean },
  /**
   * the file --html names (its hidden part), written by blocking writes as
   * standard output is when it is a pipe: Node's stream for a file queues
   * what the disk has not taken yet, which was the whole report of a long
   * connection drawn in one go (440 MB for a 40 MB capture)
   */
  file: null as { fd: number; failed: NodeJS.ErrnoException | null } | null,
  block: Buffer.allocUnsafe(BLOCK),
  used: 0,
  flush(): void {
    if (this.used === 0) return;
    if (outputGone) {
      this.used = 0;
      return;
    }
    // the block is handed on as it is, and a new one started
    const block = this.block.subarray(0, this.used);
    this.block = Buffer.allocUnsafe(BLOCK);
    this.used = 0;
    emit(block);
  },
};

/** Bytes to where the output goes. */
function emit(bytes: Buffer): void {
  if (out.file !== null) writeFile(out.file, bytes);
  else if (stdoutDirect) writeStdout(bytes);
  else out.stream.write(bytes);
}

/** Written whole, or the file's first error kept (the report is then not made: said at the end, exit 2). */
function writeFile(file: { fd: number; failed: NodeJS.ErrnoException | null }, bytes: Buffer): void {
  if (file.failed !== null) return;
  const failed = writeAll(file.fd, bytes);
  if (failed) file.failed = failed.err;
}

/** Bytes to a descriptor by blocking writes, whole; or the error that stopped them and how far they got. */
function writeAll(fd: number, bytes: Buffer): { err: NodeJS.ErrnoException; at: number } | null {
  let at = 0;
  while (at < bytes.length) {
    try {
      at += writeSync(fd, bytes, at, bytes.length - at);
    } catch (err) {
      return { err: err as NodeJS.ErrnoException, at };
    }
  }
  return null;
}

const write: Write = (text) => {
  // a UTF-16 code unit takes at most 3 bytes in UTF-8
  if (out.used + text.length * 3 > BLOCK) {
    out.flush();
    if (text.length * 3 > BLOCK) {
      if (!outputGone) emit(Buffer.from(text));
      return;
    }
  }
  out.used += out.block.write(text, out.used);
};

/** Bytes made elsewhere (a worker thread's output, NDJSON's lines), copied into the block as text is. */
function writeBytes(bytes: Buffer, start: number, end: number): void {
  if (out.used + (end - start) > BLOCK) {
    out.flush();
    if (end - start > BLOCK) {
      if (!outputGone) emit(Buffer.from(bytes.subarray(start, end)));
      return;
    }
  }
  out.used += bytes.copy(out.block, out.used, start, end);
}

async function beforeChunk(): Promise<void> {
  out.flush();
  // the report cannot be written (a full disk): reading on would be for nothing
  if (out.file?.failed) throw out.file.failed;
  if (outputGone || out.file !== null || !out.stream.writableNeedDrain) return;
  try {
    await once(out.stream, 'drain');
  } catch {
    // the stream failed while we waited (EPIPE): the error handler below decides
  }
}

/**
 * Ctrl-C ends the reading as if the capture ended there: what was read is
 * analysed and reported, with the summary, and the exit status is 130 (a
 * second Ctrl-C stops at once). For a live capture (`tcpdump -U -w - |
 * wsdissect -`) this is how it ends.
 */
let interruptedAt: number | null = null;
const interrupted = new Promise<void>((resolve) => {
  process.once('SIGINT', () => {
    interruptedAt = Date.now();
    process.stderr.write('\nwsdissect: interrupted: reporting what was read so far (Ctrl-C again stops at once)\n');
    process.once('SIGINT', () => process.exit(130));
    resolve();
  });
});

/**
 * The hidden file the HTML report is written to until it is whole (then
 * renamed), while there is one. However the process ends before that — a
 * second Ctrl-C, a wrong argument, SIGTERM, SIGHUP — it is removed: no
 * half-written (or empty) report is left behind.
 */
let unfinished: string | null = null;
function dropUnfinished(): void {
  if (unfinished !== null) rmSync(unfinished, { force: true });
  unfinished = null;
}
process.on('exit', dropUnfinished);
for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    dropUnfinished();
    // then the signal's own ending (its exit status, 128 + its number)
    process.kill(process.pid, signal);
  });
}

/** --threads: a number, or auto (the default), for a capture file, standard input, with or without a key log. */
async function threadsFor(value: string | undefined, capture: string, options: AnalyzerOptions): Promise<number> {
  const asked = value === undefined || value === 'auto' ? null : Number(value);
  if (asked !== null && !(/^\d+$/.test(value!) && asked >= 1 && asked <= 64)) throw new Error(`--threads takes a number of threads from 1 to 64, or auto, not "${value}"`);
  return threadCount({ asked, stdin: capture === '-', keyLog: options.keylog != null, bytes: capture === '-' ? null : await sizeOf(capture), cores: availableParallelism() });
}

/** The chain of sinks to a view, with the options it was made with (a worker thread makes its own from them). */
function chainOf(view: AnalysisSink, o: ChainOptions): Chain & { options: ChainOptions } {
  return { ...chain(view, o), options: o };
}

let toldNoSpill = false;
/** Said once when a temporary file cannot be made or written (what would go to it then stays in memory). */
function noSpill(reason: string): void {
  if (toldNoSpill) return;
  toldNoSpill = true;
  process.stderr.write(`wsdissect: no temporary file (${reason}): long connections are kept in memory\n`);
}

/** Analyses one capture into a renderer; 2 if it cannot be read (reason given), 1 if it fails the threshold, 130 if interrupted, else 0. */
async function run(file: string | Readable, sinks: Chain & { options: ChainOptions }, options: AnalyzerOptions, threads: { count: number; view: ThreadedView } | null = null, draw: DrawHelper | null = null, name?: string): Promise<{ status: number; reason: string | null }> {
  const policy = sinks.policy;
  // a live capture reports a connection a few seconds after it is over, between two reads of the pipe:
  // what is written then must reach the reader without waiting for the next packet
  const pipe = typeof file !== 'string' || file === '-';
  const flusher = pipe ? setInterval(() => out.flush(), 250).unref() : null;
  const progress = typeof file === 'string' && !pipe && Progress.wanted(process.stderr) ? new Progress(process.stderr, file, await sizeOf(file)) : null;
  // a view that shows a whole connection keeps its frames, messages and timeline until it is over: past their newest items they
  // go to a temporary file (TMPDIR), so that memory stays flat however long the connection (util/list.ts)
  const spill = sinks.top.streaming ? null : new SpillFile(undefined, undefined, noSpill);
  // (a connection analysed in a worker of the split is drawn there)
  if (draw !== null && threads === null) draw.use(spill);
  try {
    const split = threads === null ? {} : { threads: { threads: threads.count, view: threads.view, ...sinks.options, output: writeBytes, absorb: (shared: ChainShared) => absorbChain(sinks, shared), spillFailed: noSpill } };
    await analyzeCapture(file, sinks.top, { analyzer: { ...options, spill }, beforeChunk, interrupted, ...split, ...(name !== undefined ? { name } : {}), ...(progress ? { onBytes: (n: number) => progress.update(n) } : {}) });
    // a Ctrl-C that came while the last connections were being written (their drawing does not let the event loop run)
    // is heard now, before the exit status is chosen
    await new Promise((resolve) => setImmediate(resolve));
  } catch (err) {
    if (err instanceof CaptureError) {
      progress?.done();
      process.stderr.write(`wsdissect: ${err.file}: ${err.reason}\n`);
      // interrupted before the capture's first bytes came: nothing to report, and it is still Ctrl-C that ended it
      return { status: interruptedAt !== null ? 130 : 2, reason: err.reason };
    }
    throw err;
  } finally {
    if (draw !== null) {
      draw.use(null);
      draw.close();
    }
    spill?.close();
    if (flusher) clearInterval(flusher);
    out.flush();
    progress?.done();
  }
  return { status: interruptedAt !== null ? 130 : policy.failed ? 1 : 0, reason: null };
}

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}

/** Colour only on a terminal, never with NO_COLOR set (no-color.org), and as --color/--no-color say. */
function useColor(flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  const noColor = process.env['NO_COLOR'];
  return process.stdout.isTTY === true && (noColor === undefined || noColor === '');
}

function selectionOf(argv: { stream?: unknown; from?: string; opcode?: unknown; phase?: unknown; grep?: string; limit?: string }): Selection {
  const opcodes = list(argv.opcode).map((o) => {
    const code = OPCODES_BY_NAME[o.toLowerCase()];
    if (code === undefined) throw new Error(`--opcode takes ${Object.keys(OPCODES_BY_NAME).join(', ')}, not "${o}"`);
    return code;
  });
  const phases = list(argv.phase).map((v) => {
    if (!(PHASES as readonly string[]).includes(v)) throw new Error(`--phase takes ${PHASES.join(', ')}, not "${v}"`);
    return v as Phase;
  });
  // N: connection N, with the WebSocket conversations its HTTP/2 carried; N/S: only the one HTTP/2 stream S carried (RFC 8441)
  const entire = new Set<number>();
  const parts = new Map<number, Set<number>>();
  for (const v of list(argv.stream)) {
    const m = /^(\d+)(?:\/(\d+))?$/.exec(v);
    if (!m) throw new Error(`--stream takes a connection number, or CONNECTION/STREAM for a WebSocket an HTTP/2 stream carried, not "${v}"`);
    const id = Number(m[1]);
    if (m[2] === undefined) entire.add(id);
    else parts.set(id, (parts.get(id) ?? new Set()).add(Number(m[2])));
  }
  for (const id of entire) parts.delete(id);
  const streams = [...entire, ...parts.keys()];
  return {
    streams: streams.length > 0 ? new Set(streams) : null,
    conversations: parts.size > 0 ? parts : null,
    from: (argv.from as Side | undefined) ?? null,
    opcodes: opcodes.length > 0 ? new Set(opcodes) : null,
    phases: phases.length > 0 ? new Set(phases) : null,
    grep: argv.grep ?? null,
    limit: argv.limit !== undefined ? whole(argv.limit, '--limit', 1) : null,
  };
}

/** Standard input among the capture arguments: a lone "-", kept from yargs (which reads it as an empty string). */
const STDIN_ARG = '\u0000stdin';

/** Options of the main command that take one value (the others are repeatable). */
const SINGLE_VALUED = ['html', 'har', 'write', 'export-messages', 'interface', 'capture-filter', 'autostop', 'count', 'format', 'html-frames', 'max-payload', 'preview', 'width', 'lang', 'threads', 'frame', 'from', 'grep', 'limit', 'app', 'fail-on'] as const;

/** Options that take a value: "--html -" and "--grep -" give that option "-", not a capture. */
const VALUE_OPTIONS = new Set(['--lang', '--html', '--har', '--export-messages', '-w', '--write', '-i', '--interface', '-f', '--capture-filter', '-a', '--autostop', '-c', '--count', '--html-frames', '--junit', '--grep', '--format', '--stream', '--opcode', '--phase', '--from', '--frame', '--limit', '--preview', '--width', '--max-payload', '--app', '--decode-as', '--ignore', '--fail-on']);

/** The capture arguments as given: each whole (a comma is part of a file name), "-" at most once. */
function capturesOf(v: unknown): string[] {
  const files = (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => (String(x) === STDIN_ARG ? '-' : String(x)));
  if (files.filter((f) => f === '-').length > 1) throw new Error('- (standard input) can be read only once');
  const empty = files.find((f) => f === '');
  if (empty !== undefined) throw new Error('an empty capture file name');
  return files;
}

const EXAMPLES = [
  ['wsdissect capture.pcap', 'the walkthrough report'],
  ['wsdissect capture.pcap --explain --ladder', 'learn what happens, packet by packet'],
  ['wsdissect capture.pcap --messages --from server', 'what the server said'],
  ['wsdissect capture.pcapng --stream 2 --opcode close --json', 'the Close frames of connection 2, as JSON'],
  ['wsdissect check *.pcap --junit report.xml', 'check recordings in CI, with a JUnit report'],
  ['tcpdump -U -w - port 8080 | wsdissect -', 'follow a live capture'],
];

/** Examples as command lines of their own, their meaning under them: a command is never wrapped in the middle. */
const EPILOG = `Examples:\n${EXAMPLES.map(([cmd, what]) => `  ${cmd}\n      ${what}`).join('\n')}\n\nExit status: 0 read, nothing at or above --fail-on; 1 a diagnostic at or above --fail-on (check: or no WebSocket connection); 2 a capture could not be read or an argument is wrong; 130 interrupted (Ctrl-C), after reporting what was read.`;


/**
 * Standard output, when it is a pipe, is written straight to its file
 * descriptor by blocking writes. Node's stream queues what a pipe does not
 * take at once and reports a closed pipe only when the event loop next runs,
 * while a connection is drawn in one go: a reader slower than the drawing
 * (| less, | gzip, ssh) had the whole report of a long connection queued in
 * memory, and | head waited for all of it to be drawn. Written directly,
 * the drawing goes at the reader's pace and stops at once when the reader
 * goes away.
 */
let stdoutDirect = false;

function blockingStdout(): void {
  if (process.stdout.isTTY) return;
  const handle = (process.stdout as unknown as { _handle?: { setBlocking?: (on: boolean) => number } })._handle;
  // a pipe (a file is written by blocking writes already: Node's stream for it writes synchronously)
  stdoutDirect = handle?.setBlocking?.(true) === 0;
}

function writeStdout(block: Buffer): void {
  const failed = writeAll(1, block);
  if (!failed) return;
  if (failed.err.code === 'EPIPE') return outputClosed();
  if (failed.err.code === 'EAGAIN') {
    // the descriptor would not block after all: the stream queues the rest, and everything after it
    stdoutDirect = false;
    process.stdout.write(block.subarray(failed.at));
    return;
  }
  throw failed.err;
}

async function main(): Promise<number> {
  let status = 0;
  blockingStdout();
  // a lone "-" is a capture (standard input), unless it is the value of the option before it
  const raw = hideBin(process.argv).map((a, i, all) => (a === '-' && !VALUE_OPTIONS.has(all[i - 1] ?? '') ? STDIN_ARG : a));
  await common(yargs(raw))
    // an option that may be given several times takes one value each time (or a list with commas): the capture after
    // "--stream 2" or "--phase=data" is the capture, not a second value
    .parserConfiguration({ 'greedy-arrays': false })
    .scriptName('wsdissect')
    .usage(
      '$0 <capture>          dissect and explain a capture\n$0 check <captures..>  check captures against RFC 6455 / RFC 7692, for CI\n\nA capture is a pcap or pcapng file, gzip-compressed or not, or - for standard input.',
    )
    .command(
      'check <captures..>',
      'check captures against RFC 6455 / RFC 7692: a verdict per connection; exit 1 on a diagnostic at or above --fail-on or a capture without WebSocket',
      (y) =>
        y
          .positional('captures', { type: 'string', array: true, describe: 'capture files (one after another), or - for standard input' })
          .option('allow-empty', { type: 'boolean', default: false, describe: 'pass a capture in which no connection is WebSocket (by default it fails: nothing was checked)' })
          .option('junit', { type: 'string', describe: 'also write the verdicts as JUnit XML to FILE, for the test reports of GitLab, Jenkins and GitHub Actions' })
          .option('json', { type: 'boolean', default: false, describe: 'write the verdicts as one JSON document (schema/check.schema.json) instead of the text report' })
          .option('lang', { type: 'string', describe: 'language of the text report: en or zh-CN (default: from LANGUAGE, LC_ALL, LC_MESSAGES, LANG; the exit status, --json and --junit stay the same)' })
          .epilog(EPILOG),
      async (argv) => {
        checking = true;
        const failOn = (argv['fail-on'] ?? 'error') as FailOn;
        const ignore = ignoreSet(argv.ignore);
        const options = analyzerOptions(argv);
        const files = capturesOf(argv.captures);
        const junit = argv.junit;
        if (junit !== undefined && (junit === '' || junit === '-')) throw new Error('--junit takes a file name (the report on standard output is the text or --json)');
        const text = !argv.json;
        const lang = langOf(argv.lang);
        const words = checkWords(lang);
        const checked: CheckedCapture[] = [];
        for (const file of files) {
          // interrupted: the captures not yet read are not checked
          if (interruptedAt !== null) break;
          if (text) write(`${file === '-' ? words.stdin : file}\n`);
          const collector = new CheckCollector(file, failOn, argv['allow-empty']);
          const { reason } = await run(file, chainOf(new CheckSink(text ? write : null, collector, lang), { selection: EVERYTHING, ignore, failOn }), options);
          if (collector.result === null && text) write(`${words.unreadable(reason ?? 'unknown reason')}\n`);
          checked.push(collector.result ?? unreadableCapture(file, reason ?? 'could not be read'));
        }
        const result = checkRun(checked, failOn, argv['allow-empty']);
        status = interruptedAt !== null ? 130 : result.exitStatus;
        if (junit !== undefined) {
          const part = join(dirname(junit), `.${basename(junit)}.${process.pid}.part`);
          try {
            writeFileSync(part, renderJunit(result));
            renameSync(part, junit);
          } catch (err) {
            rmSync(part, { force: true });
            process.stderr.write(`wsdissect: ${junit}: ${errnoReason(err as NodeJS.ErrnoException)}\n`);
            status = 2;
          }
        }
        if (text) write(`${verdictLine(result, lang)}\n`);
        else {
          write(renderCheckJson(result));
          // the verdict stays in sight in a CI log even when the document goes to a file
          process.stderr.write(`${verdictLine(result, lang)}\n`);
        }
        out.flush();
      },
    )
    .command(
      '$0 [capture..]',
      false,
      (y) =>
        y
          .positional('capture', { type: 'string', array: true, describe: 'a capture file, or - for standard input' })
          .option('json', { type: 'boolean', default: false, describe: 'write the analysis as one JSON document (see the README)', group: 'Output:' })
          .option('html', { type: 'string', describe: 'write a self-contained HTML report to FILE (- for standard output): ladder diagram, frame details, handshake, plot', group: 'Output:' })
          .option('har', { type: 'string', describe: 'write the HTTP exchanges and WebSockets as HAR 1.2 to FILE (- for standard output), as Chrome DevTools imports it: each WebSocket\'s messages, inflated, in _webSocketMessages', group: 'Output:' })
          .option('interface', { alias: 'i', type: 'string', describe: 'capture live on this interface (with dumpcap, else tcpdump) instead of reading a file, and report as a live pipe does', group: 'Live capture:' })
          .option('capture-filter', { alias: 'f', type: 'string', describe: 'with -i: a BPF capture filter ("tcp port 8080")', group: 'Live capture:' })
          .option('autostop', { alias: 'a', type: 'string', describe: 'with -i: stop after duration:N seconds', group: 'Live capture:' })
          .option('count', { alias: 'c', type: 'string', describe: 'with -i: stop after N packets', group: 'Live capture:' })
          .option('write', { alias: 'w', type: 'string', describe: 'write the packets of the selection, unchanged, as a capture to FILE (- for standard output): the original records, timestamps and link type (pcapng keeps its interfaces); nothing else is printed', group: 'Output:' })
          .option('export-messages', { type: 'string', describe: 'also write every message (inflated) to a file of its own in DIR, a new or empty directory, with a manifest (manifest.ndjson); the selection options choose which (with --ndjson or --summary: --stream, --from, --grep)', group: 'Output:' })
          .option('format', { choices: ['text', 'json', 'ndjson', 'html', 'zeek', 'har', 'ecs'] as const, describe: 'the output format (text: the terminal report; zeek: a connection log in Zeek\'s TSV format; ecs: Elastic Common Schema events, one per line, for Elasticsearch or OpenSearch); json, ndjson, html and har are the same as --json, --ndjson, --html - or --har -', group: 'Output:' })
          .option('ndjson', { type: 'boolean', default: false, describe: 'write one JSON object per line as soon as it is final (frames, messages, diagnostics, connections): for large captures and jq', group: 'Output:' })
          .option('summary', { type: 'boolean', default: false, describe: 'only a verdict and the counts of each connection: the fastest, for the largest captures', group: 'Views:' })
          .option('explain', { type: 'boolean', default: false, describe: 'explain each phase in plain words, with the Accept computation and frame header diagrams', group: 'Views:' })
          .option('ladder', { type: 'boolean', default: false, describe: 'a sequence (ladder) diagram: client left, server right, one arrow per packet', group: 'Views:' })
          .option('messages', { type: 'boolean', default: false, describe: 'the conversation as a transcript, one line per message', group: 'Views:' })
          .option('hex', { type: 'boolean', default: false, describe: 'a hex and ASCII dump of each frame, masked and unmasked side by side', group: 'Views:' })
          .option('stats', { type: 'boolean', default: false, describe: 'statistics per connection, and a table of all connections', group: 'Views:' })
          .option('frame', { type: 'string', describe: 'draw frame N (its index in the frame table) as RFC 6455 §5.2 lays it out', group: 'Views:' })
          .option('stream', { type: 'string', array: true, describe: 'only connection N (as numbered in the report; repeatable); N/S: only the WebSocket HTTP/2 stream S of connection N carried', group: 'Selection:' })
          .option('from', { choices: ['client', 'server'] as const, describe: 'only what this side sent', group: 'Selection:' })
          .option('opcode', { type: 'string', array: true, describe: 'only frames of these opcodes: text, binary, close, ping, pong, continuation', group: 'Selection:' })
          .option('phase', { type: 'string', array: true, describe: `only packets and frames of these phases: ${PHASES.join(', ')}`, group: 'Selection:' })
          .option('grep', { type: 'string', describe: 'only frames and messages whose payload contains this text (case-insensitive)', group: 'Selection:' })
          .option('limit', { type: 'string', describe: 'at most N frames per connection', group: 'Selection:' })
          .option('html-frames', { type: 'string', describe: `frames the HTML report holds at most (a number, or all; default ${HTML_FRAMES}: a page of millions would not open in a browser); past them a connection keeps its handshakes and teardown, and the report says what it left out`, group: 'Output:' })
          .option('max-payload', { type: 'string', default: '1024', describe: 'payload bytes shown per frame or message: a number, 0 for none, or "all"', group: 'Output:' })
          .option('pretty-json', { type: 'boolean', default: false, describe: 'pretty-print text payloads that are JSON (in --messages)', group: 'Output:' })
          .option('preview', { type: 'string', default: '40', describe: 'characters of payload preview in the frame table (8 or more)', group: 'Output:' })
          .option('width', { type: 'string', describe: 'columns to fit, 60 or more (default: the terminal\'s, else 120)', group: 'Output:' })
          .option('color', { type: 'boolean', describe: 'colour the output (default: on a terminal, unless NO_COLOR is set)', group: 'Output:' })
          .option('collapse', { type: 'boolean', default: true, describe: 'show long runs of identical frames once with a count (--no-collapse: all)', group: 'Output:' })
          .option('threads', { type: 'string', describe: 'threads (one reads the capture, the others analyse its connections; not for --json, --html, --har, --format zeek or ecs, -w, --export-messages or --stats): a number, or auto (the default: one per core, at most 8, on a machine of 4 cores or more for a capture of 32 MB or more; else 1); the output is the same with any number; with the analysis on one thread, the --hex dump, the walkthrough and the --json timeline of a long connection are drawn on two unless 1 is asked', group: 'Output:' })
          .option('lang', { type: 'string', describe: 'language of the terminal views: en or zh-CN (default: from LANGUAGE, LC_ALL, LC_MESSAGES, LANG; the exports stay in English)', group: 'Output:' })
          .epilog(EPILOG),
      async (argv) => {
        // an option that takes one value, given twice, is refused (the parser would join the two with a comma)
        const twice = SINGLE_VALUED.filter((k) => Array.isArray((argv as Record<string, unknown>)[k]));
        if (twice.length > 0) throw new Error(`${twice.map((k) => (k.length === 1 ? `-${k}` : `--${k}`)).join(', ')}: given more than once (${twice.length > 1 ? 'each takes' : 'it takes'} one value)`);
        const captures = capturesOf(argv.capture);
        const live = liveOptionsOf(argv);
        if (live !== null && captures.length > 0) throw new Error(`-i ${live.iface} captures live; a capture file (${captures.join(', ')}) too: choose one`);
        if (live === null && captures.length === 0) throw new Error('no capture given: wsdissect CAPTURE (a pcap or pcapng file, or - for standard input), or -i IFACE to capture live');
        if (captures.length > 1) throw new Error(`one capture at a time (given ${captures.length}: ${captures.join(', ')}); "wsdissect check ${captures.join(' ')}" checks several one after another`);
        // a live capture is read as standard input is: a pipe, read once, as it comes
        const capture = live !== null ? '-' : captures[0]!;
        const maxPayload = parseMaxPayload(String(argv['max-payload']));
        const failOn = (argv['fail-on'] ?? 'none') as FailOn;
        // one output: two that disagree are refused rather than one silently winning
        const outputs = new Map<string, string>();
        if (argv.json) outputs.set('json', '--json');
        if (argv.ndjson) outputs.set('ndjson', '--ndjson');
        if (argv.html !== undefined) outputs.set('html', '--html');
        if (argv.har !== undefined) outputs.set('har', '--har');
        if (argv.write !== undefined) outputs.set('pcap', '-w');
        // --format json with --json agree (both standard output); --format har with --har FILE do not (a file and standard output)
        const fileOf = (f: string): string | null => (f === 'html' || f === 'har' ? String((argv as Record<string, unknown>)[f] ?? '') : null);
        const file = argv.format !== undefined && outputs.has(argv.format) ? fileOf(argv.format) : null;
        if (file !== null && file !== '' && file !== '-') throw new Error(`--format ${argv.format} and ${outputs.get(argv.format!)!} ${file}: two places for one output (--format ${argv.format} writes to standard output): choose one`);
        if (argv.format !== undefined && !outputs.has(argv.format)) outputs.set(argv.format, `--format ${argv.format}`);
        if (outputs.size > 1) throw new Error(`${[...outputs.values()].join(' and ')} ask for different outputs: choose one`);
        const format = [...outputs.keys()][0] ?? 'text';
        if (argv['html-frames'] !== undefined && format !== 'html') throw new Error('--html-frames is for the HTML report (--html FILE)');
        const htmlFrames = argv['html-frames'] === undefined ? HTML_FRAMES : String(argv['html-frames']) === 'all' ? Infinity : whole(argv['html-frames'], '--html-frames', 1, Number.MAX_SAFE_INTEGER, ' or "all"');
        const views: View[] = [];
        if (argv.explain) views.push('explain');
        if (argv.ladder) views.push('ladder');
        if (argv.messages) views.push('messages');
        if (argv.hex) views.push('hex');
        if (argv.stats) views.push('stats');
        if (argv.frame !== undefined) views.push({ frame: whole(argv.frame, '--frame', 0) });
        if (format !== 'text') {
          const asked = ['summary', 'explain', 'ladder', 'messages', 'hex', 'stats', 'frame'].filter((v) => (argv as Record<string, unknown>)[v] !== undefined && (argv as Record<string, unknown>)[v] !== false);
          if (asked.length > 0) throw new Error(`${asked.map((v) => `--${v}`).join(', ')} ${asked.length > 1 ? 'are terminal views' : 'is a terminal view'}; ${[...outputs.values()][0]} writes the whole analysis: choose one`);
        }
        // --summary counts whole connections as the analysis counted them: a narrower selection would not change what it says
        const narrowing = ['from', 'opcode', 'phase', 'grep', 'limit'].filter((k) => (argv as Record<string, unknown>)[k] !== undefined);
        if (argv.summary && narrowing.length > 0) throw new Error(`--summary counts whole connections; ${narrowing.map((k) => `--${k}`).join(', ')} ${narrowing.length > 1 ? 'do' : 'does'} not apply to it (--stream does)`);
        if (argv.summary && views.length > 0) throw new Error(`--summary shows only the counts; it cannot be combined with ${views.map((v) => (typeof v === 'string' ? `--${v}` : '--frame')).join(', ')}`);
        if (views.length === 0) views.push('report');
        const opts: TerminalOptions = {
          width: argv.width !== undefined ? whole(argv.width, '--width', 60, 10000) : Math.max(60, process.stdout.isTTY ? process.stdout.columns : 120),
          color: useColor(argv.color),
          maxPayload,
          prettyJson: argv['pretty-json'],
          collapse: argv.collapse,
          previewWidth: whole(argv.preview, '--preview', 8, 10000),
          lang: langOf(argv.lang),
        };
        // the report keeps no more of each payload than it can show (all of it when --grep searches it)
        // (HAR holds every message whole: its payloads are kept whole too)
        const exportDir = argv['export-messages'] === undefined ? null : String(argv['export-messages']);
        if (exportDir === '') throw new Error('--export-messages needs a directory');
        const keepPayload = argv.grep !== undefined || format === 'har' || exportDir !== null ? Infinity : Math.max(maxPayload, opts.previewWidth * 4, 64);
        const analyzer = { ...analyzerOptions(argv) };
        analyzer.limits = { ...analyzer.limits, keepPayload };
        // --summary shows nothing of the application protocols: unless asked, they are not decoded (a third of its time)
        if (argv.summary && argv.app === undefined) analyzer.app = 'none';
        // --messages and --hex show nothing of the packet-by-packet timeline: unless a selection reads it (by phase, by sender), it is not made
        if (format === 'text' && views.every((v) => v === 'messages' || v === 'hex') && narrowing.length === 0) analyzer.timeline = false;
        // the documents written to a file: the HTML report and HAR
        const document = format === 'html' ? argv.html || '-' : format === 'har' ? argv.har || '-' : null;
        const selection = selectionOf(argv);
        // the report says what part of the capture it holds, when a selection narrowed it
        const selected = ['stream', 'from', 'opcode', 'phase', 'grep', 'limit'].flatMap((k) => list((argv as Record<string, unknown>)[k]).map((v) => `--${k} ${v}`)).join(' ');
        // the report is written to a hidden file beside its destination and renamed when whole: an unreadable
        // capture or a wrong argument leaves no report, nor does a process stopped before it is whole (see
        // dropUnfinished); Ctrl-C on a live capture gives the report of what was read, which says so
        const ignore = ignoreSet(argv.ignore);
        let partial: string | null = null;
        if (document !== null && document !== '-') {
          if (capture !== '-' && sameFile(capture, document)) throw new Error(`${document}: is the capture being read; the report needs another name`);
          if (isDirectory(document)) throw new Error(`${document}: is a directory; the report needs a file name`);
          partial = join(dirname(document), `.${basename(document)}.${process.pid}.part`);
          try {
            out.file = { fd: openSync(partial, 'w'), failed: null };
          } catch (err) {
            throw new Error(`${document}: ${errnoReason(err as NodeJS.ErrnoException)}`);
          }
          unfinished = partial;
        }
        // a long connection's dump (--hex), walkthrough and --json timeline are drawn on two threads, unless one was asked for (render/draw.ts)
        const draw = Number(argv.threads) === 1 || availableParallelism() < 2 ? null : new DrawHelper();
        // --stats's table of every connection comes at the end: its rows, past the newest few hundred, go to a temporary file
        const rowsSpill = format === 'text' && !argv.summary && views.includes('stats') ? new SpillFile(undefined, undefined, noSpill) : null;
        // -w: the first reading picks the packets; the second (below) copies them
        const writeTo = format === 'pcap' ? String(argv.write) : null;
        if (writeTo !== null) {
          if (writeTo === '') throw new Error('-w needs a file name (- for standard output)');
          if (live !== null) throw new Error('-w needs the capture in a file: a live capture is read once, and the packets are copied in a second reading (capture to a file first: dumpcap -w capture.pcapng)');
          if (capture === '-') throw new Error('-w needs the capture in a file: standard input is read once, and the packets are copied in a second reading (save it first: tcpdump -w capture.pcap)');
          if (writeTo !== '-' && sameFile(capture, writeTo)) throw new Error(`${writeTo}: is the capture being read; the packets need another file`);
          if (writeTo !== '-' && isDirectory(writeTo)) throw new Error(`${writeTo}: is a directory; the packets need a file name`);
        }
        const picker = writeTo === null ? null : new PacketPicker(selection);
        const inner: AnalysisSink = picker !== null ? picker :
          format === 'html' ? new HtmlSink(write, { maxPayload }, selected === '' ? null : selected, htmlFrames, writeBytes) : format === 'zeek' ? new ZeekSink(write) : format === 'har' ? new HarSink(write, writeBytes, selection) : format === 'ecs' ? new EcsSink(write, { maxPayload }) : format === 'ndjson' ? new NdjsonSink(write, { maxPayload }, writeBytes) : format === 'json' ? new JsonSink(write, { maxPayload }, writeBytes, draw?.ranges) : argv.summary ? new SummarySink(write, opts) : new TerminalSink(write, opts, views, narrowing.length === 0, rowsSpill, writeBytes, draw?.ranges);
        // --export-messages rides along with the view: its directory is made (or found empty) before the capture is read
        let exporter: MessageExporter | null = null;
        let exportMade: readonly string[] = [];
        if (exportDir !== null) {
          // a streaming output hands the messages on before the frames that the frame filters judge them by are known
          const frameFilters = ['opcode', 'limit'].filter((k) => (argv as Record<string, unknown>)[k] !== undefined);
          if (frameFilters.length > 0 && (format === 'ndjson' || argv.summary)) throw new Error(`--export-messages with ${format === 'ndjson' ? '--ndjson' : '--summary'} takes --stream, --from and --grep; ${frameFilters.map((k) => `--${k}`).join(' and ')} ${frameFilters.length > 1 ? 'choose' : 'chooses'} messages with the other outputs (the report, --json, …)`);
          exportMade = prepareExportDir(exportDir).created;
          exporter = new MessageExporter(exportDir);
        }
        // -w and HAR narrow each connection themselves (only --stream is applied before them): -w keeps a TLS connection
        // whole, HAR reads its HTTP exchanges from the whole timeline whatever narrows its messages
        const chainSelection = picker !== null || format === 'har' ? { ...EVERYTHING, streams: selection.streams } : selection;
        const sinks = chainOf(exporter === null ? inner : new TeeSink(inner, exporter), { selection: chainSelection, ignore, failOn });
        const seen = sinks.seen;
        /** the analysis reached its end and was written (the capture could be read, wholly or until interrupted) */
        let reported = false;
        try {
          // the outputs made a connection (or a frame) at a time, whose end needs only the totals: every one but --json, --html, --har, --format zeek and --stats
          const threadedView: ThreadedView | null =
            format === 'ndjson' ? { kind: 'ndjson', maxPayload } : format !== 'text' ? null : argv.summary ? { kind: 'summary', terminal: opts } : views.includes('stats') ? null : { kind: 'terminal', terminal: opts, views, whole: narrowing.length === 0 };
          // (the exporter writes from the main thread: a run split over threads would hand it nothing)
          const threads = threadedView === null || exporter !== null ? 1 : await threadsFor(argv.threads, capture, analyzer);
          // -i: the tool started, and its first bytes (or its failure) waited for before anything is analysed
          let liveCapture: LiveCapture | null = null;
          let source: string | Readable = capture;
          if (live !== null) {
            liveCapture = startLiveCapture(live);
            if (liveCapture === null) throw new Error('-i needs dumpcap (Debian package wireshark-common, which tshark brings) or tcpdump (package tcpdump): neither is installed');
            const started = liveCapture;
            void interrupted.then(() => started.stop());
            const it = started.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
            const first = await it.next();
            if (first.done) {
              await started.exited;
              if (interruptedAt !== null) {
                process.stderr.write(`wsdissect: -i ${live.iface}: interrupted before anything was captured\n`);
                status = 130;
                return;
              }
              throw new Error(`-i ${live.iface}: ${liveFailure(started.tool, live.iface, started.stderr())}`);
            }
            source = Readable.from(
              (async function* (): AsyncGenerator<Buffer> {
                yield first.value;
                for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
              })(),
            );
          }
          const result = await run(source, sinks, analyzer, threads > 1 ? { count: threads, view: threadedView! } : null, draw, live !== null ? `interface ${live.iface}` : undefined);
          if (liveCapture !== null) {
            liveCapture.stop();
            await liveCapture.exited;
          }
          status = result.status;
          if (exporter?.failed != null && result.reason === null) {
            process.stderr.write(`wsdissect: --export-messages: ${exporter.failed.message} (${exporter.count} written before it)\n`);
            status = 2;
          }
          reported = result.reason === null;
          // a connection asked for that the capture does not have is a wrong argument, said once the capture is read
          const asked = selection.streams === null ? [] : [...selection.streams].flatMap((id) => {
            const only = selection.conversations?.get(id);
            return only ? [...only].map((s) => `${id}/${s}`) : [String(id)];
          });
          const missing = status === 2 || interruptedAt !== null ? [] : asked.filter((name) => !seen.ids.has(name));
          if (missing.length > 0) {
            // a WebSocket over HTTP/2 asked for by a stream its connection does not have: the connection lists the ones it has
            const part = missing.find((n) => n.includes('/'));
            const named = part !== undefined ? `; --stream ${part.split('/')[0]} lists the streams of connection ${part.split('/')[0]} and its WebSockets` : '';
            process.stderr.write(`wsdissect: --stream ${missing.join(', ')}: the capture has no connection ${missing.join(', ')} (${seen.count === 0 ? 'it has none' : seen.count === 1 ? 'its only connection is 0' : `its connections are numbered 0 to ${seen.count - 1}`}${named})\n`);
            status = 2;
          }
          if (picker !== null && writeTo !== null && status !== 2 && reported) {
            const copied = await writePackets(capture, picker, writeTo);
            if (copied === null) status = 2;
            else process.stderr.write(`wsdissect: ${copied} packet${copied === 1 ? '' : 's'} of ${picker.connections} connection${picker.connections === 1 ? '' : 's'} written to ${writeTo === '-' ? 'standard output' : writeTo}\n`);
          }
          const frame = views.find((v): v is { frame: number } => typeof v === 'object');
          if (frame && status !== 2 && interruptedAt === null && frame.frame >= seen.frames) {
            process.stderr.write(`wsdissect: --frame ${frame.frame}: ${seen.frames === 0 ? 'no connection shown has a frame' : `no connection shown has a frame ${frame.frame} (frames are numbered from 0; the most a connection has is ${seen.frames})`}\n`);
            status = 2;
          }
          if (exporter !== null && reported && status !== 2) process.stderr.write(`wsdissect: ${exporter.count} message${exporter.count === 1 ? '' : 's'} written to ${exportDir} (${MANIFEST})\n`);
        } finally {
          rowsSpill?.close();
          // a command that failed leaves no export behind, unless it had written messages
          if (exporter !== null && (!reported || status === 2)) exporter.discard(exportMade);
          if (partial !== null && out.file !== null) {
            out.flush();
            const failed = out.file.failed;
            closeSync(out.file.fd);
            out.file = null;
            if (failed) {
              dropUnfinished();
              throw new Error(`${document}: ${errnoReason(failed)}`);
            }
            // an unreadable capture or a wrong argument (status 2) makes no report
            if (!reported || status === 2) rmSync(partial, { force: true });
            else renameSync(partial, document!);
            unfinished = null;
          }
        }
      },
    )
    .version(VERSION)
    .help()
    .strict()
    .fail((msg, err) => {
      // one line: our own messages name the option or file; the parser's get a pointer to --help
      process.stderr.write(err ? `wsdissect: ${err.message}\n` : `wsdissect: ${parserMessage(msg)} (wsdissect --help lists the options)\n`);
      process.exit(2);
    })
    .parseAsync();
  return status;
}

/**
 * -w's second reading: the packets the first picked, copied to FILE through a
 * hidden part file renamed when whole (as --html FILE), or to standard
 * output; null when it failed (said in one line).
 */
async function writePackets(capture: string, picker: PacketPicker, to: string): Promise<number | null> {
  const part = to === '-' ? null : join(dirname(to), `.${basename(to)}.${process.pid}.part`);
  let fd: number;
  try {
    fd = part === null ? 1 : openSync(part, 'w');
  } catch (err) {
    process.stderr.write(`wsdissect: ${to}: ${errnoReason(err as NodeJS.ErrnoException)}\n`);
    return null;
  }
  if (part !== null) unfinished = part;
  try {
    const copied = await extractPackets(capture, picker.chosen, (bytes) => {
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
    });
    if (part !== null) {
      closeSync(fd);
      fd = -1;
      renameSync(part, to);
      unfinished = null;
    }
    return copied;
  } catch (err) {
    if (part !== null) {
      if (fd >= 0) closeSync(fd);
      rmSync(part, { force: true });
      unfinished = null;
    }
    const e = err as NodeJS.ErrnoException;
    // -w - | head: the reader went away
    if (e.code === 'EPIPE') outputClosed();
    process.stderr.write(`wsdissect: ${to}: ${e.code ? errnoReason(e) : e.message}\n`);
    return null;
  }
}

/** -i and its options (-f, -a, -c), checked; null without -i (when the others are refused). */
function liveOptionsOf(argv: { interface?: string; 'capture-filter'?: string; autostop?: string; count?: string }): LiveOptions | null {
  const given = (['capture-filter', 'autostop', 'count'] as const).filter((k) => argv[k] !== undefined);
  if (argv.interface === undefined) {
    if (given.length > 0) throw new Error(`${given.map((k) => ({ 'capture-filter': '-f', autostop: '-a', count: '-c' })[k]).join(', ')}: for a live capture (-i IFACE)`);
    return null;
  }
  const iface = String(argv.interface);
  if (iface === '') throw new Error('-i needs an interface (ip link lists them)');
  let duration: number | null = null;
  if (argv.autostop !== undefined) {
    const m = /^duration:(\d+(?:\.\d+)?)$/.exec(String(argv.autostop));
    if (!m || Number(m[1]) <= 0) throw new Error(`-a takes duration:N (seconds), not "${String(argv.autostop)}"`);
    // (a timer holds at most 2^31 - 1 ms: about 24.8 days)
    if (Number(m[1]) * 1000 > 2 ** 31 - 1) throw new Error(`-a duration:${m[1]}: at most ${Math.floor((2 ** 31 - 1) / 1000)} seconds`);
    duration = Number(m[1]);
  }
  const count = argv.count === undefined ? null : whole(argv.count, '-c', 1);
  const filter = argv['capture-filter'] === undefined ? null : String(argv['capture-filter']);
  return { iface, filter, duration, count };
}

/** The argument parser's complaint as one line in our words. */
function parserMessage(msg: string): string {
  const choice = /Argument: ([\w-]+), Given: (.*?), Choices: (.*)$/s.exec(msg);
  if (choice) return `--${choice[1]} takes ${choice[3]!.replace(/\s+/g, ' ').replace(/"/g, '')}, not ${choice[2]}`;
  if (/^Not enough non-option arguments/.test(msg)) return 'check needs at least one capture (a pcap or pcapng file, or - for standard input)';
  return msg.replace(/\s*\n\s*/g, ' ');
}

/** The reader of our output went away (| head): stop quietly; a check still ends with its verdict's exit status. */
function outputClosed(): void {
  if (!checking) process.exit(0);
  outputGone = true;
}

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') return outputClosed();
  throw err;
});

main().then(
  (code) => {
    process.exitCode = code;
    // interrupted while a pipe was still open: stop waiting for it, so that the process can end
    if (interruptedAt !== null) process.stdin.destroy();
  },
  (err: unknown) => {
    process.stderr.write(`wsdissect: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
