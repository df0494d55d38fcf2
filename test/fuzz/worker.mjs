// The fuzzer's worker thread: runs one input at a time through the whole
// pipeline (dist/index.js) with every sink, and checks what comes out. It is
// started by test/fuzz/fuzz.mjs, never by hand; it posts { ready: true } once
// loaded, then, for each { id, input } it is sent, one of
//   { id, ok: true, unreadable }          (unreadable: a CaptureError)
//   { id, ok: false, kind, error }        (kind: crash, badjson, unsafe, mismatch)
// The analysis turns an exception inside a packet or a connection into an
// internal.error diagnostic and goes on: here that is a crash too, posted
// with the exception's stack. An exception that escapes (an unhandled
// rejection, an error thrown from a timer) is posted as a crash of the input
// being run; the fuzzer then replaces this worker.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { Ajv } from 'ajv';

// stack traces name the TypeScript sources (src/…ts:line), through dist's source maps
process.setSourceMapsEnabled(true);
const { analyzeCapture, CaptureError, JsonSink, NdjsonSink, SummarySink, TerminalSink } = await import('../../dist/index.js');
const { Analyzer } = await import('../../dist/analyze/analyzer.js');

// the stack of each exception the analysis turned into an internal.error diagnostic
// (the diagnostic has its message only); if the method is renamed, the diagnostic alone is seen
const internal = [];
const report = Analyzer.prototype.internalError;
if (typeof report === 'function') {
  Analyzer.prototype.internalError = function (what, err, ...rest) {
    internal.push(`internal.error: ${what}: ${err instanceof Error ? err.stack : String(err)}`);
    return report.call(this, what, err, ...rest);
  };
}

const schema = JSON.parse(readFileSync(new URL('../../schema/wsdissect.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

const JSON_OPTS = { maxPayload: 1024 };
// the CLI's defaults when the output is not a terminal
const TERMINAL_OPTS = { width: 120, color: false, maxPayload: 1024, prettyJson: false, collapse: true, previewWidth: 40 };
const OTHER_VIEWS = ['explain', 'ladder', 'messages', 'hex', 'stats', { frame: 0 }];

// C0 controls but \t and \n, C1 controls, and the bidirectional overrides the README says are escaped
const UNSAFE = /[\x00-\x08\x0b-\x1f\u0080-\u009f\u202a-\u202e\u2066-\u2069]/u;

/** A failure of the input: its kind says how it will be filed. */
class Failure extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

/** Whether each run of the input could read it: the same for every sink. */
const readable = [];

/**
 * Runs the input into the sink made by `make`, which writes through `take`;
 * false for a CaptureError. Checks of the output look at each piece as it is
 * written (none but the JSON document is kept whole), and keep what they find
 * for after the run: an exception from a write would be taken for the sink's.
 */
async function run(input, make, take) {
  internal.length = 0;
  try {
    await analyzeCapture(Readable.from([input]), make(take));
  } catch (err) {
    if (!(err instanceof CaptureError)) throw err;
    readable.push(false);
    return false;
  }
  if (internal.length > 0) throw new Failure('crash', internal[0]);
  readable.push(true);
  return true;
}

const isInternal = (d) => d.code === 'internal.error';

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Failure('badjson', `${what}: ${err.message}`);
  }
}

async function checkJson(input) {
  const parts = [];
  if (!(await run(input, (w) => new JsonSink(w, JSON_OPTS), (t) => parts.push(t)))) return null;
  const doc = parseJson(parts.join(''), 'JsonSink output');
  if (!validate(doc)) throw new Failure('badjson', `JsonSink output fails the schema: ${validate.errors.slice(0, 3).map((e) => `${e.instancePath} ${e.message}`).join('; ')}`);
  const d = [...doc.diagnostics, ...doc.connections.flatMap((c) => c.diagnostics)].find(isInternal);
  if (d) throw new Failure('crash', `internal.error in the JSON document: ${d.message}`);
  return doc.summary;
}

/** Every line must parse; the summary line must say what the JSON document says. */
async function checkNdjson(input, summary) {
  let pending = '';
  let lines = 0;
  let last = null;
  let problem = null;
  const take = (text) => {
    const split = (pending + text).split('\n');
    pending = split.pop();
    for (const line of split) {
      if (problem) return;
      lines++;
      try {
        last = JSON.parse(line);
      } catch (err) {
        problem = new Failure('badjson', `NdjsonSink line ${lines}: ${err.message}`);
        return;
      }
      if (last.type === 'diagnostic' && isInternal(last)) problem = new Failure('crash', `internal.error in the NDJSON lines: ${last.message}`);
    }
  };
  if (!(await run(input, (w) => new NdjsonSink(w, JSON_OPTS), take))) return;
  if (problem) throw problem;
  if (pending !== '') throw new Failure('badjson', 'NdjsonSink output does not end with a newline');
  if (summary && last?.type === 'summary') {
    const { type: _, ...streamed } = last;
    if (JSON.stringify(streamed) !== JSON.stringify(summary)) throw new Failure('mismatch', `the summary differs: --json ${JSON.stringify(summary)}, --ndjson ${JSON.stringify(streamed)}`);
  }
}

/** No control character may reach the terminal. */
async function checkTerminal(input, make, what) {
  let problem = null;
  const take = (text) => {
    const m = problem ? null : UNSAFE.exec(text);
    if (!m) return;
    const cp = m[0].codePointAt(0).toString(16).padStart(4, '0');
    problem = new Failure('unsafe', `${what} prints U+${cp}\nin ${JSON.stringify(text.slice(Math.max(0, m.index - 60), m.index + 20))}`);
  };
  await run(input, make, take);
  if (problem) throw problem;
}

/** Every sink in turn; throws a Failure (or whatever the pipeline threw). Resolves to true for an unreadable capture. */
async function check(input) {
  readable.length = 0;
  const summary = await checkJson(input);
  await checkNdjson(input, summary);
  await checkTerminal(input, (w) => new TerminalSink(w, TERMINAL_OPTS), 'TerminalSink (report)');
  await checkTerminal(input, (w) => new TerminalSink(w, TERMINAL_OPTS, OTHER_VIEWS), 'TerminalSink (explain, ladder, messages, hex, stats, frame 0)');
  await checkTerminal(input, (w) => new SummarySink(w, TERMINAL_OPTS), 'SummarySink');
  if (new Set(readable).size > 1) throw new Failure('mismatch', `a CaptureError for some sinks only (readable in turn: ${readable.join(', ')})`);
  return !readable[0];
}

const describe = (err) => (err instanceof Error ? err.stack ?? String(err) : `non-Error thrown: ${String(err)}`);

let current = null;
const escaped = (how) => (err) => {
  if (current !== null) parentPort.postMessage({ id: current, ok: false, kind: 'crash', error: `${how}: ${describe(err)}` });
  current = null;
};
process.on('unhandledRejection', escaped('unhandled rejection'));
process.on('uncaughtException', escaped('uncaught exception'));

const settle = () => new Promise((resolve) => setImmediate(resolve));

parentPort.on('message', async ({ id, input }) => {
  current = id;
  let result;
  try {
    const unreadable = await check(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
    result = { id, ok: true, unreadable };
  } catch (err) {
    result = { id, ok: false, kind: err instanceof Failure ? err.kind : 'crash', error: err instanceof Failure ? err.message : describe(err) };
  }
  // errors thrown late (from a stream or a timer) belong to this input too
  await settle();
  await settle();
  if (current !== id) return;
  current = null;
  parentPort.postMessage(result);
});

parentPort.postMessage({ ready: true });
