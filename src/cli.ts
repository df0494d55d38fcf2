#!/usr/bin/env node
// The command line: parses arguments and calls the library.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { analyzeCapture, CaptureError, DEFAULT_OPTIONS } from './index.js';
import { JsonSink, TerminalSink } from './render/sinks.js';
import { VERSION } from './version.js';

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

async function main(): Promise<number> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('wsdissect')
    .usage('$0 <capture>\n\nDissects the WebSocket conversations in a pcap capture: TCP reassembly, the\nopening handshake and its Accept check, every frame and message, the close.\nUse - to read the capture from standard input.')
    .command('$0 <capture>', false)
    .positional('capture', { type: 'string', describe: 'pcap file, or - for standard input' })
    .option('json', { type: 'boolean', default: false, describe: 'write the analysis as one JSON document (see the README)' })
    .option('max-payload', { type: 'string', default: '1024', describe: 'payload bytes per frame and message in JSON: a number, 0 for none, or "all"' })
    .option('preview', { type: 'number', default: 40, describe: 'characters of payload preview in the frame table' })
    .option('decode-as', { type: 'array', string: true, default: [] as string[], describe: 'decode connections on this server port as WebSocket even without a handshake (repeatable)' })
    .version(VERSION)
    .help()
    .strict()
    .fail((msg, err) => {
      process.stderr.write(`wsdissect: ${err?.message ?? msg}\nTry: wsdissect --help\n`);
      process.exit(2);
    })
    .parseAsync();

  // yargs reads a lone "-" as an empty string: it names standard input here
  const raw = hideBin(process.argv);
  const capture = argv.capture === '' && raw.includes('-') ? '-' : String(argv.capture);
  const maxPayload = parseMaxPayload(String(argv['max-payload']));
  const decodeAs = new Set(argv['decode-as'].flatMap((v) => String(v).split(',')).map(parsePort));
  const write = (text: string): void => {
    process.stdout.write(text);
  };
  const sink = argv.json ? new JsonSink(write, { maxPayload }) : new TerminalSink(write, { previewWidth: Math.max(8, argv.preview) });
  try {
    await analyzeCapture(capture, sink, { analyzer: { ...DEFAULT_OPTIONS, decodeAs } });
  } catch (err) {
    if (err instanceof CaptureError) {
      process.stderr.write(`wsdissect: ${err.file}: ${err.reason}\n`);
      return 2;
    }
    throw err;
  }
  return 0;
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
