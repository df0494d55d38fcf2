#!/usr/bin/env node
// The command line: parses arguments and calls the library.
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { analyzeCapture, CaptureError, DEFAULT_MAX_CONNECTIONS, DEFAULT_OPTIONS, type AnalyzerOptions } from './index.js';
import { DEFAULT_MAX_HEADERS } from './http/reader.js';
import { APP_NAMES, type AppChoice } from './app/types.js';
import { CheckSink, JsonSink, NdjsonSink, PolicySink, SummarySink, TerminalSink, type View, type Write } from './render/sinks.js';
import { once } from 'node:events';
import { EVERYTHING, OPCODES_BY_NAME, SelectSink, type Selection } from './render/select.js';
import { Progress } from './render/progress.js';
import type { TerminalOptions } from './render/terminal.js';
import type { AnalysisSink, Phase, Side } from './model.js';
import { stat } from 'node:fs/promises';
import { createWriteStream, openSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { HtmlSink } from './render/html.js';
import { errnoReason } from './capture/reader.js';
import type { FailOn } from './render/check.js';
import { VERSION } from './version.js';
import { isKnownCode } from './codes.js';
import { parseDeflate } from './http/deflate.js';

/** Whether two paths name the same file (the second may not exist yet). */
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
      if (problems.length > 0) throw new Error(`--decode-as ${item}: ${problems.join('; ')}`);
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
    .option('decode-as', { type: 'string', array: true, describe: 'decode connections on this server port as WebSocket even without a handshake (repeatable); PORT:permessage-deflate;… says the extension agreed' })
    .option('inflate-limit', { type: 'string', default: '8M', describe: 'bytes one compressed message may inflate to (decompression bomb guard)', group: LIMITS })
    .option('max-frame-payload', { type: 'string', default: '16M', describe: 'payload bytes held per frame and per message; past it the content is not checked', group: LIMITS })
    .option('max-reassembly', { type: 'string', default: '4M', describe: 'bytes one TCP direction may hold out of order waiting for a hole to fill', group: LIMITS })
    .option('max-reassembly-total', { type: 'string', default: '256M', describe: 'bytes all connections together may hold out of order', group: LIMITS })
    .option('max-connections', { type: 'number', default: DEFAULT_MAX_CONNECTIONS, describe: 'connections tracked at once; past it the quietest are reported as they stand', group: LIMITS })
    .option('max-http-head', { type: 'string', default: '64K', describe: 'bytes of one HTTP head (request or response line and headers)', group: LIMITS })
    .option('max-http-headers', { type: 'number', default: DEFAULT_MAX_HEADERS, describe: 'header lines read of one HTTP head', group: LIMITS })
    .option('ignore', { type: 'string', array: true, describe: 'leave out the diagnostics with this code (repeatable)' })
    .option('fail-on', { choices: ['error', 'warning', 'info', 'none'] as const, describe: 'exit 1 when a diagnostic of this severity or above is found' });
}

interface LimitArgs {
  app?: AppChoice;
  'decode-as'?: unknown;
  'inflate-limit': string;
  'max-frame-payload': string;
  'max-reassembly': string;
  'max-reassembly-total': string;
  'max-connections': number;
  'max-http-head': string;
  'max-http-headers': number;
}

function count(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} takes a whole number of at least 1, not "${v}"`);
  return v;
}

function analyzerOptions(argv: LimitArgs): AnalyzerOptions {
  return {
    ...DEFAULT_OPTIONS,
    decodeAs: parseDecodeAs(argv['decode-as']),
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
const out = {
  /** standard output, or the file --html names */
  stream: process.stdout as NodeJS.WritableStream & { writableNeedDrain?: boolean },
  block: Buffer.allocUnsafe(BLOCK),
  used: 0,
  flush(): void {
    if (this.used === 0) return;
    // the block is handed to the stream as it is, and a new one started
    this.stream.write(this.block.subarray(0, this.used));
    this.block = Buffer.allocUnsafe(BLOCK);
    this.used = 0;
  },
};

const write: Write = (text) => {
  // a UTF-16 code unit takes at most 3 bytes in UTF-8
  if (out.used + text.length * 3 > BLOCK) {
    out.flush();
    if (text.length * 3 > BLOCK) {
      out.stream.write(text);
      return;
    }
  }
  out.used += out.block.write(text, out.used);
};

async function beforeChunk(): Promise<void> {
  out.flush();
  if (out.stream.writableNeedDrain) await once(out.stream, 'drain');
}

/** Analyses one capture into a renderer; 2 if it cannot be read, 1 if it fails the threshold, else 0. */
async function run(file: string, sink: (w: Write) => AnalysisSink, options: AnalyzerOptions, ignore: Set<string>, failOn: FailOn, selection: Selection = EVERYTHING): Promise<number> {
  const policy = new PolicySink(sink(write), ignore, failOn);
  const progress = file !== '-' && Progress.wanted(process.stderr) ? new Progress(process.stderr, file, await sizeOf(file)) : null;
  try {
    await analyzeCapture(file, new SelectSink(policy, selection), { analyzer: options, beforeChunk, ...(progress ? { onBytes: (n: number) => progress.update(n) } : {}) });
  } catch (err) {
    if (err instanceof CaptureError) {
      progress?.done();
      process.stderr.write(`wsdissect: ${err.file}: ${err.reason}\n`);
      return 2;
    }
    throw err;
  } finally {
    out.flush();
    progress?.done();
  }
  return policy.failed ? 1 : 0;
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

function selectionOf(argv: { stream?: unknown; from?: string; opcode?: unknown; phase?: unknown; grep?: string; limit?: number }): Selection {
  const opcodes = list(argv.opcode).map((o) => {
    const code = OPCODES_BY_NAME[o.toLowerCase()];
    if (code === undefined) throw new Error(`--opcode takes ${Object.keys(OPCODES_BY_NAME).join(', ')}, not "${o}"`);
    return code;
  });
  const phases = list(argv.phase) as Phase[];
  const streams = list(argv.stream).map((v) => {
    if (!/^\d+$/.test(v)) throw new Error(`--stream takes a connection number, not "${v}"`);
    return Number(v);
  });
  return {
    streams: streams.length > 0 ? new Set(streams) : null,
    from: (argv.from as Side | undefined) ?? null,
    opcodes: opcodes.length > 0 ? new Set(opcodes) : null,
    phases: phases.length > 0 ? new Set(phases) : null,
    grep: argv.grep ?? null,
    limit: argv.limit ?? null,
  };
}

async function main(): Promise<number> {
  let status = 0;
  // yargs takes the "-" of "--html -" for a stray argument: it is joined to its option first
  const raw = hideBin(process.argv).reduce<string[]>((args, a, i, all) => {
    if (a === '-' && all[i - 1] === '--html') args[args.length - 1] = '--html=-';
    else args.push(a);
    return args;
  }, []);
  await common(yargs(raw))
    .scriptName('wsdissect')
    .usage(
      '$0 <capture>          dissect and explain a capture\n$0 check <captures..>  check captures against RFC 6455 / RFC 7692, for CI\n\nA capture is a pcap or pcapng file, gzip-compressed or not, or - for standard input.',
    )
    .command(
      'check <captures..>',
      'check captures against RFC 6455 / RFC 7692: a verdict per connection, exit 1 on failure',
      (y) => y.positional('captures', { type: 'string', array: true, describe: 'capture files, or - for standard input' }),
      async (argv) => {
        const failOn = (argv['fail-on'] ?? 'error') as FailOn;
        const ignore = ignoreSet(argv.ignore);
        const options = analyzerOptions(argv);
        const files = list(argv.captures);
        for (const file of files) {
          write(`${file === '-' ? '(stdin)' : file}\n`);
          const code = await run(file, (w) => new CheckSink(w, failOn), options, ignore, failOn);
          // unreadable beats failing beats passing
          status = Math.max(status, code);
        }
        write(status === 0 ? `PASS: nothing at or above --fail-on ${failOn}\n` : status === 1 ? `FAIL: diagnostics at or above --fail-on ${failOn}\n` : 'ERROR: a capture could not be read\n');
      },
    )
    .command(
      '$0 <capture>',
      false,
      (y) =>
        y
          .positional('capture', { type: 'string', describe: 'a capture file, or - for standard input' })
          .option('json', { type: 'boolean', default: false, describe: 'write the analysis as one JSON document (see the README)', group: 'Output:' })
          .option('html', { type: 'string', describe: 'write a self-contained HTML report to FILE (- for standard output): ladder diagram, frame details, handshake, plot', group: 'Output:' })
          .option('format', { choices: ['text', 'json', 'ndjson', 'html'] as const, describe: 'the output format (text: the terminal report); the same as --json, --ndjson or --html -', group: 'Output:' })
          .option('ndjson', { type: 'boolean', default: false, describe: 'write one JSON object per line as soon as it is final (frames, messages, diagnostics, connections): for large captures and jq', group: 'Output:' })
          .option('summary', { type: 'boolean', default: false, describe: 'only a verdict and the counts of each connection: the fastest, for the largest captures', group: 'Views:' })
          .option('explain', { type: 'boolean', default: false, describe: 'explain each phase in plain words, with the Accept computation and frame header diagrams', group: 'Views:' })
          .option('ladder', { type: 'boolean', default: false, describe: 'a sequence (ladder) diagram: client left, server right, one arrow per packet', group: 'Views:' })
          .option('messages', { type: 'boolean', default: false, describe: 'the conversation as a transcript, one line per message', group: 'Views:' })
          .option('hex', { type: 'boolean', default: false, describe: 'a hex and ASCII dump of each frame, masked and unmasked side by side', group: 'Views:' })
          .option('stats', { type: 'boolean', default: false, describe: 'statistics per connection, and a table of all connections', group: 'Views:' })
          .option('frame', { type: 'number', describe: 'draw frame N (its index in the frame table) as RFC 6455 §5.2 lays it out', group: 'Views:' })
          .option('stream', { type: 'string', array: true, describe: 'only connection N (as numbered in the report; repeatable)', group: 'Selection:' })
          .option('from', { choices: ['client', 'server'] as const, describe: 'only what this side sent', group: 'Selection:' })
          .option('opcode', { type: 'string', array: true, describe: 'only frames of these opcodes: text, binary, close, ping, pong, continuation', group: 'Selection:' })
          .option('phase', { choices: ['tcp-handshake', 'ws-handshake', 'data', 'closing', 'tcp-teardown', 'other'] as const, array: true, describe: 'only packets and frames of these phases', group: 'Selection:' })
          .option('grep', { type: 'string', describe: 'only frames and messages whose payload contains this text (case-insensitive)', group: 'Selection:' })
          .option('limit', { type: 'number', describe: 'at most N frames per connection', group: 'Selection:' })
          .option('max-payload', { type: 'string', default: '1024', describe: 'payload bytes shown per frame or message: a number, 0 for none, or "all"', group: 'Output:' })
          .option('pretty-json', { type: 'boolean', default: false, describe: 'pretty-print text payloads that are JSON (in --messages)', group: 'Output:' })
          .option('preview', { type: 'number', default: 40, describe: 'characters of payload preview in the frame table', group: 'Output:' })
          .option('width', { type: 'number', describe: 'columns to fit (default: the terminal\'s, else 120)', group: 'Output:' })
          .option('color', { type: 'boolean', describe: 'colour the output (default: on a terminal, unless NO_COLOR is set)', group: 'Output:' })
          .option('collapse', { type: 'boolean', default: true, describe: 'show long runs of identical frames once with a count (--no-collapse: all)', group: 'Output:' })
          .example('$0 capture.pcap', 'the walkthrough report')
          .example('$0 capture.pcap --explain --ladder', 'learn what happens, packet by packet')
          .example('$0 capture.pcap --messages --pretty-json --from server', 'what the server said')
          .example('$0 capture.pcapng --stream 2 --opcode close --json', 'the Close frames of connection 2, as JSON')
          .example('tcpdump -U -w - port 8080 | $0 -', 'follow a live capture'),
      async (argv) => {
        // yargs reads a lone "-" as an empty string: it names standard input here
        const capture = argv.capture === '' && raw.includes('-') ? '-' : String(argv.capture);
        const maxPayload = parseMaxPayload(String(argv['max-payload']));
        const failOn = (argv['fail-on'] ?? 'none') as FailOn;
        const views: View[] = [];
        if (argv.explain) views.push('explain');
        if (argv.ladder) views.push('ladder');
        if (argv.messages) views.push('messages');
        if (argv.hex) views.push('hex');
        if (argv.stats) views.push('stats');
        if (argv.frame !== undefined) views.push({ frame: argv.frame });
        if (views.length === 0) views.push('report');
        const opts: TerminalOptions = {
          width: Math.max(60, argv.width ?? (process.stdout.isTTY ? process.stdout.columns : 120)),
          color: useColor(argv.color),
          maxPayload,
          prettyJson: argv['pretty-json'],
          collapse: argv.collapse,
          previewWidth: Math.max(8, argv.preview),
        };
        // the report keeps no more of each payload than it can show (all of it when --grep searches it)
        const keepPayload = argv.grep !== undefined ? Infinity : Math.max(maxPayload, opts.previewWidth * 4, 64);
        const analyzer = { ...analyzerOptions(argv) };
        analyzer.limits = { ...analyzer.limits, keepPayload };
        // --summary shows nothing of the application protocols: unless asked, they are not decoded (a third of its time)
        if (argv.summary && argv.app === undefined) analyzer.app = 'none';
        const html = argv.html !== undefined ? argv.html || '-' : argv.format === 'html' ? '-' : null;
        const ndjson = argv.ndjson || argv.format === 'ndjson';
        const json = argv.json || argv.format === 'json';
        // the report is written to a file beside its destination and renamed when whole: an unreadable
        // capture leaves no report, an interrupted analysis its .part file (which opens and says it is cut short)
        let partial: string | null = null;
        if (html !== null && html !== '-') {
          if (capture !== '-' && sameFile(capture, html)) {
            process.stderr.write(`wsdissect: ${html}: is the capture being read; the report needs another name\n`);
            status = 2;
            return;
          }
          partial = join(dirname(html), `.${basename(html)}.${process.pid}.part`);
          try {
            out.stream = createWriteStream('', { fd: openSync(partial, 'w') });
          } catch (err) {
            process.stderr.write(`wsdissect: ${html}: ${errnoReason(err as NodeJS.ErrnoException)}\n`);
            status = 2;
            return;
          }
        }
        const selection = selectionOf(argv);
        // the report says what part of the capture it holds, when a selection narrowed it
        const selected = ['stream', 'from', 'opcode', 'phase', 'grep', 'limit'].flatMap((k) => list((argv as Record<string, unknown>)[k]).map((v) => `--${k} ${v}`)).join(' ');
        const sink = (w: Write): AnalysisSink =>
          html !== null ? new HtmlSink(w, { maxPayload }, selected === '' ? null : selected) : ndjson ? new NdjsonSink(w, { maxPayload }) : json ? new JsonSink(w, { maxPayload }) : argv.summary ? new SummarySink(w, opts) : new TerminalSink(w, opts, views);
        try {
          status = await run(capture, sink, analyzer, ignoreSet(argv.ignore), failOn, selection);
        } finally {
          if (partial !== null) {
            const file = out.stream;
            await new Promise<void>((resolve, reject) => {
              file.on('error', reject);
              file.end(resolve);
            });
            // an unreadable capture (status 2) makes no report
            if (status === 2) rmSync(partial, { force: true });
            else renameSync(partial, html!);
          }
        }
      },
    )
    .version(VERSION)
    .help()
    .strict()
    .fail((msg, err) => {
      process.stderr.write(`wsdissect: ${err?.message ?? msg}\nTry: wsdissect --help\n`);
      process.exit(2);
    })
    .parseAsync();
  return status;
}

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  // the reader of our output went away (| head): stop quietly
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`wsdissect: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
