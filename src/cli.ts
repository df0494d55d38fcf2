#!/usr/bin/env node
// The command line: parses arguments and calls the library.
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { analyzeCapture, CaptureError, DEFAULT_OPTIONS, type AnalyzerOptions } from './index.js';
import { CheckSink, JsonSink, PolicySink, TerminalSink, type Write } from './render/sinks.js';
import type { FailOn } from './render/check.js';
import { VERSION } from './version.js';
import { isKnownCode } from './codes.js';

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

function parseBytes(value: string, option: string): number {
  const m = /^(\d+)([kKmMgG]?)(i?B)?$/.exec(value);
  if (!m) throw new Error(`${option} takes a number of bytes (like 8M), not "${value}"`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * unit;
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((x) => String(x).split(',')).filter((x) => x !== '');

/** Options every command shares. */
function common<T>(y: Argv<T>) {
  return y
    .option('decode-as', { type: 'string', array: true, describe: 'decode connections on this server port as WebSocket even without a handshake (repeatable)' })
    .option('inflate-limit', { type: 'string', default: '8M', describe: 'bytes one compressed message may inflate to (decompression bomb guard)' })
    .option('ignore', { type: 'string', array: true, describe: 'leave out the diagnostics with this code (repeatable)' })
    .option('fail-on', { choices: ['error', 'warning', 'info', 'none'] as const, describe: 'exit 1 when a diagnostic of this severity or above is found' });
}

function analyzerOptions(argv: { 'decode-as'?: unknown; 'inflate-limit': string }): AnalyzerOptions {
  return {
    ...DEFAULT_OPTIONS,
    decodeAs: new Set(list(argv['decode-as']).map(parsePort)),
    limits: { ...DEFAULT_OPTIONS.limits, inflateLimit: parseBytes(argv['inflate-limit'], '--inflate-limit') },
  };
}

const write: Write = (text) => {
  process.stdout.write(text);
};

/** Analyses one capture into a renderer; 2 if it cannot be read, 1 if it fails the threshold, else 0. */
async function run(file: string, sink: (w: Write) => ConstructorParameters<typeof PolicySink>[0], options: AnalyzerOptions, ignore: Set<string>, failOn: FailOn): Promise<number> {
  const policy = new PolicySink(sink(write), ignore, failOn);
  try {
    await analyzeCapture(file, policy, { analyzer: options });
  } catch (err) {
    if (err instanceof CaptureError) {
      process.stderr.write(`wsdissect: ${err.file}: ${err.reason}\n`);
      return 2;
    }
    throw err;
  }
  return policy.failed ? 1 : 0;
}

async function main(): Promise<number> {
  let status = 0;
  const raw = hideBin(process.argv);
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
          .option('json', { type: 'boolean', default: false, describe: 'write the analysis as one JSON document (see the README)' })
          .option('max-payload', { type: 'string', default: '1024', describe: 'payload bytes per frame and message in JSON: a number, 0 for none, or "all"' })
          .option('preview', { type: 'number', default: 40, describe: 'characters of payload preview in the frame table' }),
      async (argv) => {
        // yargs reads a lone "-" as an empty string: it names standard input here
        const capture = argv.capture === '' && raw.includes('-') ? '-' : String(argv.capture);
        const maxPayload = parseMaxPayload(String(argv['max-payload']));
        const failOn = (argv['fail-on'] ?? 'none') as FailOn;
        const preview = Math.max(8, argv.preview);
        status = await run(capture, (w) => (argv.json ? new JsonSink(w, { maxPayload }) : new TerminalSink(w, { previewWidth: preview })), analyzerOptions(argv), ignoreSet(argv.ignore), failOn);
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
