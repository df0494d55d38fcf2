// A mutation fuzzer for the whole pipeline. Each iteration takes one capture
// under captures/ (pcap, pcapng, gzip; the inputs kept in captures/fuzz/ are
// drawn a tenth of the time), applies 1–8 random mutations — bit flips,
// interesting bytes, insertions, deletions, duplicated ranges, truncation,
// protocol tokens, and packet-aware ones (a record resized with its lengths
// fixed, dropped, duplicated, swapped, re-timed) aimed mostly at the TCP
// payload so that the damage reaches HTTP, WebSocket and deflate; a gzip
// capture has its compressed bytes mutated, or its capture compressed again —
// and runs the result through analyzeCapture (dist/index.js) with every sink,
// in a worker thread (test/fuzz/worker.mjs) reused from input to input.
//
// A failure is a crash (an exception other than CaptureError, an
// internal.error diagnostic, an unhandled rejection, the worker dying or
// using more than 1 GiB of heap), a hang (no result within --timeout, one
// more for each 512 KiB of capture past the first), a slow input (over a
// second, and --slow times as long as its unmutated capture), bad JSON
// (unparseable, or not as the schema says), an unsafe terminal output
// (control characters or bidirectional overrides printed raw), or a mismatch
// (--json and --ndjson disagree). Each is printed with its seed capture,
// iteration and mutations, and its input kept as <kind>-<sha1>.<ext> in
// captures/fuzz/ with a line in captures/fuzz/README.md, once per distinct
// failure. The inputs kept before are run first, as they are: those that
// still fail are reported and are no seeds, and their failures are not kept
// again. The exit status is 1 if any input of the campaign failed.
//
//   npm run fuzz -- --iterations 5000 [--seed 6455] [--timeout 10000] [--only 'forms/*.gz'] [--slow 5]
//   node test/fuzz/fuzz.mjs --seed 6455 --start 42 --iterations 1     (iteration 42 alone)
//
// An iteration depends only on --seed, its number and the captures present,
// so it can be replayed alone with --start. Captures larger than
// --max-seed-size (2 MiB) are left out: they would take most of the time.
// --save DIR keeps the failing inputs elsewhere (the test suite's choice).
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { constants, gunzipSync, gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CAPTURES = join(ROOT, 'captures');
if (!existsSync(join(ROOT, 'dist', 'index.js'))) {
  console.error('fuzz: dist/index.js is missing: npm run build first (npm run fuzz does)');
  process.exit(2);
}

// ---------------------------------------------------------------- options

const { values: args } = parseArgs({
  options: {
    iterations: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '6455' },
    timeout: { type: 'string', default: '10000' },
    only: { type: 'string' },
    start: { type: 'string', default: '0' },
    'max-seed-size': { type: 'string', default: String(2 * 1024 * 1024) },
    slow: { type: 'string', default: '5' },
    save: { type: 'string', default: join(CAPTURES, 'fuzz') },
  },
});

function whole(name) {
  const n = Number(args[name]);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`fuzz: --${name} takes a whole number, not "${args[name]}"`);
    process.exit(2);
  }
  return n;
}
const ITERATIONS = whole('iterations');
const SEED = whole('seed');
const TIMEOUT = whole('timeout');
const START = whole('start');
const MAX_SEED = whole('max-seed-size');
const SLOW = whole('slow');
const SAVE = args.save;

// ---------------------------------------------------------------- randomness

/** A PRNG (mulberry32) for one iteration: the same seed and iteration give the same mutations. */
function rng(seed, iteration) {
  let a = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(iteration + 1, 0xc2b2ae35)) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}

// ---------------------------------------------------------------- seeds

/** '*' and '?' within a path segment, '**' across them. */
function globRegExp(glob) {
  const parts = { '**/': '(?:.*/)?', '**': '.*', '*': '[^/]*', '?': '[^/]' };
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/|\*\*|\*|\?/g, (m) => parts[m]);
  return new RegExp(`^${body}$`);
}

/** A glob with a slash is matched against the path under captures/ (or the repository), one without against the file name. */
function selected(path) {
  if (!args.only) return true;
  const re = globRegExp(args.only);
  const under = relative(CAPTURES, path);
  return args.only.includes('/') ? re.test(under) || re.test(`captures/${under}`) : re.test(basename(path));
}

function listCaptures(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listCaptures(join(dir, e.name)) : /\.(pcap|pcapng|gz)$/.test(e.name) ? [join(dir, e.name)] : []))
    .sort();
}

function loadSeed(path) {
  const bytes = readFileSync(path);
  const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  let inner = null;
  if (gzip) {
    try {
      // a cut gzip file (a kept input) gives what it holds
      inner = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      // a damaged one has only its compressed bytes mutated
    }
  }
  // the time limit goes by the size of the capture: a damaged gzip file's is a guess
  const size = inner?.length ?? (gzip ? bytes.length * 8 : bytes.length);
  return { path, name: relative(ROOT, path), bytes, gzip, inner, size, ext: /\.(pcapng|pcap)(\.gz)?$/.exec(path)?.[0].slice(1) ?? (gzip ? 'gz' : 'pcap') };
}

// ---------------------------------------------------------------- capture layout

const u32 = (b, o, le) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
const put32 = (b, o, v, le) => (le ? b.writeUInt32LE(v >>> 0, o) : b.writeUInt32BE(v >>> 0, o));

/**
 * The packet records of a pcap or pcapng file, as far as they can be walked:
 * { start, end } of the record, { data, dataEnd } of the packet bytes, the
 * byte order, and the form ('pcap', 'epb' for enhanced and obsolete packet
 * blocks, 'spb' for simple ones).
 */
function records(b) {
  const list = [];
  if (b.length < 28) return list;
  const magic = b.toString('hex', 0, 4);
  if (['d4c3b2a1', '4d3cb2a1', 'a1b2c3d4', 'a1b23c4d'].includes(magic)) {
    const le = magic.endsWith('b2a1');
    for (let o = 24; o + 16 <= b.length; ) {
      const end = o + 16 + u32(b, o + 8, le);
      if (end > b.length) break;
      list.push({ start: o, end, data: o + 16, dataEnd: end, le, form: 'pcap' });
      o = end;
    }
  } else if (magic === '0a0d0d0a') {
    let le = true;
    for (let o = 0; o + 12 <= b.length; ) {
      if (b.readUInt32LE(o) === 0x0a0d0d0a) le = b.readUInt32LE(o + 8) === 0x1a2b3c4d;
      const type = u32(b, o, le);
      const total = u32(b, o + 4, le);
      if (total < 12 || o + total > b.length) break;
      if ((type === 6 || type === 2) && total >= 32 && 32 + u32(b, o + 20, le) <= total) list.push({ start: o, end: o + total, data: o + 28, dataEnd: o + 28 + u32(b, o + 20, le), le, form: 'epb' });
      else if (type === 3 && total >= 16) list.push({ start: o, end: o + total, data: o + 12, dataEnd: o + total - 4, le, form: 'spb' });
      o += total;
    }
  }
  return list;
}

/** Where the TCP payload of a record starts (Ethernet with VLAN tags or not, Linux cooked v1 or v2; IPv4 or IPv6), else its data start. */
function payloadStart(b, r) {
  const at = (o) => (o < r.dataEnd ? b[o] : -1);
  const isIp = (o) => [0x0800, 0x86dd].includes((at(o) << 8) | at(o + 1));
  let tags = r.data + 12;
  while ([0x8100, 0x88a8].includes((at(tags) << 8) | at(tags + 1))) tags += 4;
  const ip = isIp(tags) ? tags + 2 : isIp(r.data + 14) ? r.data + 16 : isIp(r.data) ? r.data + 20 : -1;
  let tcp = -1;
  if (ip >= 0 && at(ip) >> 4 === 4 && at(ip + 9) === 6) tcp = ip + (at(ip) & 15) * 4;
  else if (ip >= 0 && at(ip) >> 4 === 6 && at(ip + 6) === 6) tcp = ip + 40;
  const payload = tcp >= 0 ? tcp + (at(tcp + 12) >> 4) * 4 : -1;
  return payload > r.data && payload < r.dataEnd ? payload : r.data;
}

/** A record, most often one whose TCP segment carries data. */
function pickRecord(b, list, r) {
  const loaded = list.filter((p) => payloadStart(b, p) > p.data);
  return r.pick(loaded.length > 0 && r.chance(0.8) ? loaded : list);
}

/** An offset inside a record's packet: a quarter anywhere, a quarter at the start of the TCP payload, half in the payload. */
function offsetIn(b, p, r) {
  const payload = payloadStart(b, p);
  const n = p.dataEnd - payload;
  if (n <= 0 || r.chance(0.25)) return p.data + r.int(Math.max(1, p.dataEnd - p.data));
  return payload + r.int(r.chance(0.33) ? Math.min(n, 16) : n);
}

/** Where a mutation lands: mostly inside packet data, sometimes anywhere in the file. */
function pickOffset(b, r) {
  const list = records(b);
  if (list.length === 0 || r.chance(0.15)) return r.int(b.length);
  return Math.min(offsetIn(b, pickRecord(b, list, r), r), b.length - 1);
}

// ---------------------------------------------------------------- mutations

const INTERESTING = [0x00, 0xff, 0x7f, 0x80, 0x7e, 0x81, 0x1b, 0x01, 0x0a, 0x0d, 0x88, 0x89, 0x8a, 0xc1, 0x9b];

const randomBytes = (n, r) => Buffer.from(Array.from({ length: n }, () => (r.chance(0.3) ? r.pick(INTERESTING) : r.int(256))));
const splice = (b, at, remove, insert = Buffer.alloc(0)) => Buffer.concat([b.subarray(0, at), insert, b.subarray(at + remove)]);

/** Removes `remove` bytes at `o` inside record `p` and inserts `insert` there, with the record's lengths fixed. */
function reshape(b, p, o, remove, insert = Buffer.alloc(0)) {
  const out = splice(b, o, remove, insert);
  const d = insert.length - remove;
  const add = (at, le) => put32(out, at, u32(out, at, le) + d, le);
  if (p.form === 'pcap') {
    add(p.start + 8, p.le); // captured length
    add(p.start + 12, p.le); // original length
  } else {
    const total = u32(out, p.start + 4, p.le) + d;
    put32(out, p.start + 4, total, p.le);
    put32(out, p.start + total - 4, total, p.le);
    add(p.start + 20, p.le);
    add(p.start + 24, p.le);
  }
  return out;
}

/** Pieces of the protocols, for the token mutation: HTTP heads, terminal escapes, then bytes: WebSocket frame headers, deflate, odd UTF-8. */
const TOKENS = [
  'GET / HTTP/1.1\r\n',
  'HTTP/1.1 101 Switching Protocols\r\n',
  'HTTP/1.0 ',
  'Upgrade: websocket\r\n',
  'Connection: Upgrade\r\n',
  'Host: x\r\n',
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n',
  'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n',
  'Sec-WebSocket-Version: 13\r\n',
  'Sec-WebSocket-Protocol: chat, superchat\r\n',
  'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=8; server_no_context_takeover\r\n',
  'permessage-deflate',
  'client_max_window_bits',
  'server_max_window_bits=15',
  'client_no_context_takeover',
  'Content-Length: 99999999999999999999\r\n',
  'Transfer-Encoding: chunked\r\n',
  '\r\n',
  '\r\n\r\n',
  ': ',
  '; ',
  ', ',
  '=',
  '"',
  '\x1b[31m',
  '\u202e',
  '\u0085\u009b',
  [0x81, 0x05],
  [0x81, 0x7e, 0xff, 0xff],
  [0x82, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  [0x82, 0x7f, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
  [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d],
  [0x01, 0x03],
  [0x80, 0x00],
  [0xc1, 0x05],
  [0x41, 0x00],
  [0x88, 0x00],
  [0x88, 0x01, 0x03],
  [0x88, 0x02, 0x03, 0xe8],
  [0x88, 0x04, 0x0b, 0xb8, 0xc3, 0x28],
  [0x89, 0x7d],
  [0x8a, 0x00],
  [0x00, 0x00, 0xff, 0xff],
  [0x03, 0x00],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xc0, 0xaf],
].map((t) => Buffer.from(t));

/** Each takes a non-empty buffer and the PRNG, and returns [the new buffer, a description]. */
const MUTATIONS = {
  flip(b, r) {
    const o = pickOffset(b, r);
    const bit = r.int(8);
    b[o] ^= 1 << bit;
    return [b, `flip@${o}.${bit}`];
  },
  interesting(b, r) {
    const o = pickOffset(b, r);
    const n = Math.min(1 + r.int(4), b.length - o);
    for (let i = 0; i < n; i++) b[o + i] = r.pick(INTERESTING);
    return [b, `set@${o}=${b.toString('hex', o, o + n)}`];
  },
  insert(b, r) {
    const o = pickOffset(b, r);
    const n = 1 + r.int(r.chance(0.8) ? 8 : 256);
    return [splice(b, o, 0, randomBytes(n, r)), `insert@${o}+${n}`];
  },
  delete(b, r) {
    const o = pickOffset(b, r);
    const n = 1 + r.int(Math.min(r.chance(0.8) ? 16 : 2048, b.length - o));
    return [splice(b, o, n), `delete@${o}-${n}`];
  },
  duplicate(b, r) {
    const from = pickOffset(b, r);
    const n = 1 + r.int(Math.min(r.chance(0.8) ? 32 : 2048, b.length - from));
    const to = pickOffset(b, r);
    return [splice(b, to, 0, Buffer.from(b.subarray(from, from + n))), `dup@${from}..${from + n}→${to}`];
  },
  truncate(b, r) {
    const o = r.chance(0.5) ? pickOffset(b, r) : r.int(b.length);
    return [b.subarray(0, o), `truncate@${o}`];
  },
  /** Inserts or removes bytes inside a packet, its record's lengths fixed: the file stays readable, the TCP stream shifts. */
  resize(b, r) {
    const list = records(b).filter((p) => p.form !== 'spb');
    if (list.length === 0) return MUTATIONS.insert(b, r);
    const p = pickRecord(b, list, r);
    const o = offsetIn(b, p, r);
    const step = p.form === 'epb' ? 4 : 1; // pcapng keeps its padding when whole words come and go
    if (r.chance(0.5)) {
      const n = step * (1 + r.int(16));
      return [reshape(b, p, o, 0, randomBytes(n, r)), `resize@${o}+${n}`];
    }
    const most = Math.floor((p.dataEnd - o) / step);
    if (most === 0) return MUTATIONS.flip(b, r);
    const n = step * (1 + r.int(most));
    return [reshape(b, p, o, n), `resize@${o}-${n}`];
  },
  /** A piece of HTTP, WebSocket or deflate written over the bytes, or inserted into a packet with its lengths fixed. */
  token(b, r) {
    const t = r.pick(TOKENS);
    const latin1 = t.toString('latin1');
    const label = /^[\x20-\x7e\r\n]*$/.test(latin1) ? JSON.stringify(latin1) : t.toString('hex');
    const list = records(b).filter((p) => p.form === 'pcap' || (p.form === 'epb' && t.length % 4 === 0));
    if (list.length > 0 && r.chance(0.5)) {
      const p = pickRecord(b, list, r);
      const o = offsetIn(b, p, r);
      return [reshape(b, p, o, 0, t), `token@${o}+${label}`];
    }
    const o = pickOffset(b, r);
    t.copy(b, o);
    return [b, `token@${o}=${label}`];
  },
  dropPacket(b, r) {
    const list = records(b);
    if (list.length === 0) return MUTATIONS.delete(b, r);
    const k = r.int(list.length);
    return [splice(b, list[k].start, list[k].end - list[k].start), `drop#${k + 1}`];
  },
  duplicatePacket(b, r) {
    const list = records(b);
    if (list.length === 0) return MUTATIONS.duplicate(b, r);
    const k = r.int(list.length);
    const to = r.chance(0.5) ? list[k].end : r.pick(list).start;
    return [splice(b, to, 0, Buffer.from(b.subarray(list[k].start, list[k].end))), `dup#${k + 1}→${to}`];
  },
  swapPackets(b, r) {
    const list = records(b);
    if (list.length < 2) return MUTATIONS.flip(b, r);
    const i = r.int(list.length - 1);
    const j = Math.min(list.length - 1, i + 1 + r.int(r.chance(0.7) ? 3 : list.length));
    const [p, q] = [list[i], list[j]];
    const swapped = Buffer.concat([b.subarray(0, p.start), b.subarray(q.start, q.end), b.subarray(p.end, q.start), b.subarray(p.start, p.end), b.subarray(q.end)]);
    return [swapped, `swap#${i + 1},#${j + 1}`];
  },
  /** A record's timestamp made strange: zero, huge, an hour back, past the 10-minute idle limit (pcap: its seconds; pcapng: its high word). */
  retime(b, r) {
    const list = records(b).filter((p) => p.form !== 'spb');
    if (list.length === 0) return MUTATIONS.interesting(b, r);
    const k = r.int(list.length);
    const p = list[k];
    const at = p.form === 'pcap' ? p.start : p.start + 12;
    const now = u32(b, at, p.le);
    const value = r.pick([0, 0x7fffffff, 0xffffffff, now - 3600, now + 601, now + 1]) >>> 0;
    put32(b, at, value, p.le);
    return [b, `retime#${k + 1}=${value}`];
  },
};

const WEIGHTS = [
  ['flip', 6],
  ['interesting', 6],
  ['insert', 3],
  ['delete', 3],
  ['duplicate', 2],
  ['truncate', 1],
  ['resize', 3],
  ['token', 3],
  ['dropPacket', 1],
  ['duplicatePacket', 1],
  ['swapPackets', 1],
  ['retime', 1],
];
const TABLE = WEIGHTS.flatMap(([name, w]) => Array(w).fill(name));

function mutateBytes(bytes, r) {
  let b = Buffer.from(bytes);
  const done = [];
  const count = 1 + r.int(8);
  for (let i = 0; i < count && b.length > 0; i++) {
    const [out, what] = MUTATIONS[r.pick(TABLE)](b, r);
    b = out;
    done.push(what);
  }
  return { input: b, mutations: done };
}

/** A gzip seed has its compressed bytes mutated, or (half the time) its capture, compressed again. */
function mutate(seed, r) {
  if (!seed.gzip || !seed.inner) return mutateBytes(seed.bytes, r);
  if (r.chance(0.5)) {
    const m = mutateBytes(seed.bytes, r);
    return { input: m.input, mutations: m.mutations.map((w) => `gzip:${w}`) };
  }
  const m = mutateBytes(seed.inner, r);
  return { input: gzipSync(m.input), mutations: m.mutations.map((w) => `inner:${w}`) };
}

// ---------------------------------------------------------------- the worker

/** One worker thread, reused until it times out or crashes. */
class Runner {
  worker = null;
  id = 0;

  async spawn() {
    const worker = new Worker(new URL('./worker.mjs', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    // errors after a result (a dying worker) are not ours to report twice
    worker.on('error', () => {});
    await new Promise((resolve, reject) => {
      worker.once('message', resolve).once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the fuzz worker exited (${code}) before it was ready`)));
    });
    this.worker = worker;
  }

  /** The result for the input, given `limit` ms. */
  async run(input, limit) {
    if (!this.worker) await this.spawn();
    const worker = this.worker;
    const id = ++this.id;
    return new Promise((resolve) => {
      const done = (result, replace) => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if (replace) {
          this.worker = null;
          void worker.terminate();
        }
        resolve(result);
      };
      const onMessage = (m) => m.id === id && done(m, !m.ok && m.kind === 'crash');
      const onError = (err) => done({ ok: false, kind: 'crash', error: `the worker died: ${err.code ?? ''} ${err.stack ?? err}` }, true);
      const onExit = (code) => done({ ok: false, kind: 'crash', error: `the worker exited with status ${code}` }, true);
      const timer = setTimeout(() => done({ ok: false, kind: 'hang', error: `no result after ${limit} ms (the worker was terminated)` }, true), limit);
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage({ id, input });
    });
  }

  stop() {
    return this.worker?.terminate();
  }
}

// ---------------------------------------------------------------- failures

/**
 * What tells one failure from another: its kind, its first line without
 * numbers, and where it was thrown; a hang or a slow input has no stack, and
 * is told by the capture it was made from.
 */
function signature(kind, error, seed) {
  if (kind === 'hang' || kind === 'slow') return `${kind}|${seed}`;
  const lines = error.split('\n');
  const where = lines.find((l) => /^\s+at /.test(l))?.trim() ?? '';
  return `${kind}|${lines[0].replace(/\d+/g, '#')}|${where.replace(/:\d+\)?$/, '')}`;
}

function save(kind, input, ext, line) {
  mkdirSync(SAVE, { recursive: true });
  const name = `${kind}-${createHash('sha1').update(input).digest('hex').slice(0, 12)}.${ext}`;
  const path = join(SAVE, name);
  if (!existsSync(path)) {
    writeFileSync(path, input);
    const readme = join(SAVE, 'README.md');
    if (!existsSync(readme)) {
      writeFileSync(
        readme,
        '# Fuzz regression inputs\n\nInputs on which `npm run fuzz` (test/fuzz/fuzz.mjs) found a failure, one line each: what failed, and the capture and mutations it was made from. test/fuzz.test.ts runs each of them through the CLI in every output mode.\n\n',
      );
    }
    appendFileSync(readme, `- \`${name}\`: ${line}\n`);
  }
  return relative(ROOT, path);
}

const indent = (text) => text.replace(/^/gm, '    ');

// ---------------------------------------------------------------- the campaign

const KEPT = join(CAPTURES, 'fuzz');
const isKept = (path) => path.startsWith(KEPT + sep);
// the largest captures (a hundred thousand connections) would take most of the time for little more reach
const all = listCaptures(CAPTURES).filter(selected).map(loadSeed);
const seeds = all.filter((s) => MAX_SEED === 0 || s.size <= MAX_SEED);
const left = all.filter((s) => !seeds.includes(s)).map((s) => s.name);
if (seeds.length === 0) {
  console.error(`fuzz: no capture under captures/ matches ${args.only ?? ''} and is at most --max-seed-size ${MAX_SEED} bytes`);
  process.exit(2);
}
const main = seeds.filter((s) => !isKept(s.path));
// every kept input is run first (below), whatever --only says, so that its failure is known
const kept = existsSync(KEPT) ? listCaptures(KEPT).map((path) => seeds.find((s) => s.path === path) ?? loadSeed(path)) : [];
console.log(`fuzz: ${main.length} seed captures and ${kept.length} kept in captures/fuzz, --seed ${SEED}, iterations ${START}–${START + ITERATIONS - 1}, time limit ${TIMEOUT} ms (more past 512 KiB)`);
if (left.length > 0) console.log(`  left out, larger than --max-seed-size ${MAX_SEED}: ${left.join(', ')}`);

/** The time limit grows with the capture: --timeout for each 512 KiB started. */
const limitFor = (size) => TIMEOUT * Math.max(1, Math.ceil(size / (512 * 1024)));

const runner = new Runner();

// The inputs kept before go through once as they are, a second each at most. One that still
// fails or is slow (its test in test/fuzz.test.ts may fail too) is no seed, and its failure,
// found again, is not kept twice. The others are drawn apart, a tenth of the time, so that
// keeping an input changes only the iterations that draw from them.
const known = new Map(); // signature → the kept input that shows it
const fixed = [];
const origins = existsSync(join(KEPT, 'README.md')) ? readFileSync(join(KEPT, 'README.md'), 'utf8') : '';
for (const input of kept) {
  const result = await runner.run(input.bytes, 1000);
  const from = new RegExp(`^- \`${basename(input.name).replace(/\./g, '\\.')}\`.*?; from \`([^\`]+)\``, 'm').exec(origins)?.[1] ?? input.name;
  if (result.ok) {
    if (seeds.includes(input)) fixed.push(input);
  } else if (result.kind === 'hang') {
    // over a second: a hang or a slow input, as it was kept
    known.set(signature('hang', '', from), input.name).set(signature('slow', '', from), input.name);
  } else {
    known.set(signature(result.kind, result.error, from), input.name);
  }
}
if (known.size > 0) console.log(`  kept inputs that fail or take over a second, no seeds: ${[...new Set(known.values())].join(', ')}`);
if (main.length + fixed.length === 0) {
  console.error('fuzz: every capture selected is a kept input that still fails');
  process.exit(2);
}
const pickSeed = (r) => {
  const fromKept = r.chance(0.1);
  return r.pick((fromKept && fixed.length > 0) || main.length === 0 ? fixed : main);
};

/** The time of a capture's unmutated run, measured when first asked for. */
const cleanTimes = new Map();
async function cleanTime(seed) {
  if (!cleanTimes.has(seed.name)) {
    const t0 = performance.now();
    await runner.run(seed.bytes, limitFor(seed.size));
    cleanTimes.set(seed.name, performance.now() - t0);
  }
  return cleanTimes.get(seed.name);
}

/**
 * Over a second, and --slow times as long as the capture it was made from:
 * the analysis is worse than linear somewhere. The input is timed again
 * first (the first one of a worker, or a busy machine, can be slow).
 */
async function slowness(seed, input, ms) {
  if (SLOW === 0 || ms < 1000) return null;
  const clean = await cleanTime(seed);
  if (ms < SLOW * clean) return null;
  const t0 = performance.now();
  await runner.run(input, limitFor(Math.max(input.length, seed.size)));
  const again = Math.min(ms, performance.now() - t0);
  if (again < 1000 || again < SLOW * clean) return null;
  return `took ${again.toFixed(0)} ms, ${(again / clean).toFixed(1)} times as long as the unmutated ${seed.name} (${clean.toFixed(0)} ms)`;
}

const causes = new Map(); // signature → { file: the input that shows it, times }
const began = performance.now();
let failures = 0;
let unreadable = 0;
let slowest = { ms: 0, iteration: -1 };

for (let i = START; i < START + ITERATIONS; i++) {
  const r = rng(SEED, i);
  const seed = pickSeed(r);
  const { input, mutations } = mutate(seed, r);
  const t0 = performance.now();
  let result = await runner.run(input, limitFor(Math.max(input.length, seed.size)));
  const ms = performance.now() - t0;
  if (ms > slowest.ms) slowest = { ms, iteration: i, seed: seed.name };
  const slow = result.ok ? await slowness(seed, input, ms) : null;
  if (slow) result = { ok: false, kind: 'slow', error: slow };

  if (result.ok) {
    if (result.unreadable) unreadable++;
  } else {
    failures++;
    const sig = signature(result.kind, result.error, seed.name);
    const cause = causes.get(sig);
    if (cause) {
      cause.times++;
    } else if (known.has(sig)) {
      causes.set(sig, { file: known.get(sig), times: 1 });
      console.log(`FAIL ${result.kind} at iteration ${i} (${seed.name}): the same failure as ${known.get(sig)}, kept before`);
    } else {
      const lines = result.error.split('\n');
      const where = lines.find((l) => /^\s+at /.test(l))?.trim() ?? '';
      const saved = save(result.kind, input, seed.ext, `${result.kind}: ${lines[0]}${where ? ` (${where})` : ''}; from \`${seed.name}\`, --seed ${SEED} iteration ${i}: ${mutations.join(' ')}`);
      causes.set(sig, { file: saved, times: 1 });
      console.log(`\nFAIL ${result.kind} at iteration ${i} (replay: node test/fuzz/fuzz.mjs --seed ${SEED} --start ${i} --iterations 1)`);
      console.log(`  seed file: ${seed.name}\n  mutations: ${mutations.join(' ')}\n  saved as:  ${saved}\n  error:\n${indent(result.error)}\n`);
    }
  }

  const n = i - START + 1;
  if (n % 100 === 0 && n < ITERATIONS) {
    const s = (performance.now() - began) / 1000;
    console.log(`  ${n}/${ITERATIONS} inputs, ${failures} failures, ${s.toFixed(1)} s (${(n / s).toFixed(1)} inputs/s)`);
  }
}

await runner.stop();
const seconds = (performance.now() - began) / 1000;
console.log(`${unreadable} of them unreadable (a CaptureError); ${(ITERATIONS / seconds).toFixed(1)} inputs/s; slowest ${slowest.ms.toFixed(0)} ms (iteration ${slowest.iteration}, ${slowest.seed ?? '-'})`);
for (const { file, times } of causes.values()) console.log(`  failed ${times} time${times === 1 ? '' : 's'} like ${file}`);
console.log(`${ITERATIONS} inputs, ${failures} failures, ${seconds.toFixed(1)} s`);
process.exitCode = failures > 0 ? 1 : 0;
