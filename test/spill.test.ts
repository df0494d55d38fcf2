// Lists that spill to a temporary file (util/list.ts), and the views that read
// them: every view gives the same output whether a connection's frames,
// messages and timeline were kept in memory or mostly written out. The tests
// make the chunks tiny (two items), so that every capture spills and every
// item is read back from the file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture, DEFAULT_OPTIONS } from '../src/index.js';
import { JsonSink, TerminalSink, type View } from '../src/render/sinks.js';
import { HtmlSink } from '../src/render/html.js';
import { EVERYTHING, SelectSink, type Selection } from '../src/select/selection.js';
import { PLAIN } from '../src/render/options.js';
import { BitSet, KeyedLookup, SpillFile, SpillList, SubList } from '../src/util/list.js';
import type { AnalysisSink, FrameFact, PacketFact } from '../src/model.js';
import { entryCodec, frameCodec, messageCodec } from '../src/analyze/codecs.js';
import { Reader, Writer } from '../src/util/codec.js';
import { analyze } from './support/analyze.js';

const ROOT = mkdtempSync(join(tmpdir(), 'wsdissect-spill-test-'));
afterAll(() => {
  // every spill file was unlinked as it was made: only the empty folders are left to remove
  for (const dir of readdirSync(ROOT)) expect(readdirSync(join(ROOT, dir))).toEqual([]);
  rmSync(ROOT, { recursive: true });
});

function freshDir(): string {
  return mkdtempSync(join(ROOT, 'run-'));
}

describe('SpillList', () => {
  it('gives back every item in order and by position, from memory and from the file', () => {
    const file = new SpillFile(freshDir(), 8);
    const list = new SpillList<{ n: number; b: Buffer; s: string | null }>(file);
    for (let n = 0; n < 5000; n++) list.push({ n, b: Buffer.from([n & 0xff, n >> 8]), s: n % 3 === 0 ? null : `item ${n}` });
    expect(list.length).toBe(5000);
    expect(list.spilled).toBe(true);
    expect(file.written).toBeGreaterThan(0);
    let i = 0;
    for (const item of list) {
      expect(item.n).toBe(i);
      expect(Buffer.isBuffer(item.b)).toBe(true);
      expect([...item.b]).toEqual([i & 0xff, i >> 8]);
      i++;
    }
    expect(i).toBe(5000);
    // random access, both ways, and from the end
    for (const k of [4999, 0, 2500, 17, 4000, 3, 4998]) expect(list.at(k)!.n).toBe(k);
    expect(list.at(-1)!.n).toBe(4999);
    expect(list.at(5000)).toBeUndefined();
    expect(list.at(-5001)).toBeUndefined();
    file.close();
  });

  it('keeps a change told with changed(), however often its chunk leaves memory', () => {
    const file = new SpillFile(freshDir(), 4);
    const list = new SpillList<{ n: number; tag: string }>(file);
    for (let n = 0; n < 400; n++) list.push({ n, tag: 'old' });
    for (const k of [3, 150, 399, 0]) {
      list.at(k)!.tag = 'new';
      list.changed(k);
    }
    // read everything else, so that the changed chunks are written out again and read back
    for (let k = 0; k < 400; k++) list.at((k * 37) % 400);
    expect([...list].filter((x) => x.tag === 'new').map((x) => x.n)).toEqual([0, 3, 150, 399]);
    file.close();
  });

  it('leaves no file behind, and starts the file again once every list has let go', () => {
    const dir = freshDir();
    const file = new SpillFile(dir, 2);
    const a = new SpillList<number>(file);
    const b = new SpillList<number>(file);
    for (let n = 0; n < 100; n++) {
      a.push(n);
      b.push(1000 + n);
    }
    // the file was unlinked as soon as it was opened
    expect(readdirSync(dir)).toEqual([]);
    expect(file.size).toBeGreaterThan(0);
    a.release();
    expect(file.size).toBeGreaterThan(0);
    expect([...b].slice(0, 3)).toEqual([1000, 1001, 1002]);
    b.release();
    expect(file.size).toBe(0);
    expect(a.length).toBe(0);
    file.close();
  });

  it('reads back bytes gathered, in flight and landed, and waits for the writes in flight to start again or close', async () => {
    const dir = freshDir();
    // a stage of 300 bytes, chunks of 4 items of about 40 bytes: a background write every couple of chunks
    const file = new SpillFile(dir, 4, undefined, 300);
    const a = new SpillList<{ n: number; s: string }>(file);
    const b = new SpillList<{ n: number; s: string }>(file);
    const item = (n: number) => ({ n, s: `item ${n} `.repeat(1 + (Math.abs(n) % 5)) });
    for (let n = 0; n < 2000; n++) {
      a.push(item(n));
      b.push(item(-n));
    }
    // nothing has landed yet (the writes are done on other threads, and told when this one is free)
    expect(file.inFlight).toBeGreaterThan(0);
    const all = (l: SpillList<{ n: number; s: string }>, sign: number) => [...l].every((x, k) => x.n === sign * k && x.s === item(sign * k).s);
    expect(all(a, 1) && all(b, -1)).toBe(true);
    for (const k of [1999, 0, 1000, 7, 1500]) expect(a.at(k)).toEqual(item(k));
    // once every write has landed, the same from the file
    while (file.inFlight > 0) await new Promise((r) => setImmediate(r));
    expect(all(a, 1) && all(b, -1)).toBe(true);
    for (const k of [1999, 0, 1000, 7, 1500]) expect(b.at(k)).toEqual(item(-k));
    // let go of everything while writes are in flight: the file starts again from empty (a new one; the old one is
    // closed when they land), and is used again at once
    for (let n = 0; n < 400; n++) a.push(item(n));
    expect(file.inFlight).toBeGreaterThan(0);
    a.release();
    b.release();
    expect(file.size).toBe(0);
    const c = new SpillList<{ n: number; s: string }>(file);
    for (let n = 0; n < 1000; n++) c.push(item(n));
    expect(c.at(500)).toEqual(item(500));
    while (file.inFlight > 0) await new Promise((r) => setImmediate(r));
    expect([...c].every((x, k) => x.n === k && x.s === item(k).s)).toBe(true);
    file.close();
    expect(readdirSync(dir)).toEqual([]);
    expect(file.failed).toBeNull();
  });

  it('writes a chunk as large as the stage at once, after the bytes gathered before it', () => {
    const file = new SpillFile(freshDir(), 2, undefined, 200);
    const list = new SpillList<{ n: number; b: Buffer }>(file);
    // small and large items in turn: some chunks are gathered, some are written on the spot
    const item = (n: number) => ({ n, b: Buffer.alloc(n % 3 === 0 ? 300 : 10, n & 0xff) });
    for (let n = 0; n < 300; n++) list.push(item(n));
    expect([...list].every((x, k) => x.n === k && x.b.equals(item(k).b))).toBe(true);
    file.close();
  });

  it('keeps everything in memory when its file cannot be made, and says so once', () => {
    const told: string[] = [];
    const file = new SpillFile(join(ROOT, 'missing', 'folder'), 2, (reason) => told.push(reason));
    const list = new SpillList<number>(file);
    for (let n = 0; n < 100; n++) list.push(n);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/ENOENT/);
    expect(list.spilled).toBe(false);
    expect([...list]).toEqual(Array.from({ length: 100 }, (_, n) => n));
    expect(list.at(3)).toBe(3);
  });

  it('keeps everything in memory without a file', () => {
    const list = new SpillList<number>(null);
    for (let n = 0; n < 3000; n++) list.push(n);
    expect(list.spilled).toBe(false);
    expect(list.at(1234)).toBe(1234);
  });
});

describe('SubList, BitSet and KeyedLookup', () => {
  it('picks items by position', () => {
    const base = [10, 11, 12, 13, 14];
    const sub = new SubList(base);
    for (const p of [1, 3, 4]) sub.add(p);
    expect([...sub]).toEqual([11, 13, 14]);
    expect(sub.at(-1)).toBe(14);
    expect(sub.at(3)).toBeUndefined();
  });

  it('holds numbers as bits', () => {
    const set = new BitSet();
    for (const n of [0, 31, 32, 100000]) set.add(n);
    expect([0, 31, 32, 100000].every((n) => set.has(n))).toBe(true);
    expect([1, 30, 33, 99999, 100001, 5000000].some((n) => set.has(n))).toBe(false);
  });

  it('finds items by a growing key from wherever the last search ended', () => {
    const list = Array.from({ length: 1000 }, (_, i) => ({ key: i * 3 }));
    const lookup = new KeyedLookup(list, (x) => x.key);
    for (const k of [0, 3, 2997, 1500, 1503, 6, 999 * 3]) expect(lookup.get(k)?.key).toBe(k);
    for (const k of [1, 2998, -3, 3000, 1501]) expect(lookup.get(k)).toBeUndefined();
    expect(lookup.get(null)).toBeUndefined();
    expect(new KeyedLookup([], (x: { key: number }) => x.key).get(1)).toBeUndefined();
    // asked in order, each key the next item's (the common case, taken without a search), with misses, steps back and repeats between
    let reads = 0;
    const counted = { length: list.length, at: (i: number) => (reads++, list.at(i)), [Symbol.iterator]: () => list[Symbol.iterator]() };
    const inOrder = new KeyedLookup(counted, (x) => x.key);
    for (let i = 0; i < 1000; i++) expect(inOrder.get(i * 3)?.key).toBe(i * 3);
    expect(reads).toBeLessThanOrEqual(2 * 1000 + 2);
    for (const k of [4, 6, 9, 9, 12, 3, 0, 2997, 2998, 2994, 2997]) expect(inOrder.get(k)?.key).toBe(k % 3 === 0 && k >= 0 && k <= 2997 ? k : undefined);
  });

  it('finds a dense key (its item\'s place) after a skip in one read, and any key with items left out', () => {
    // keys 0..9999 (a message's index), then the same with every seventh left out (a selection)
    const whole = Array.from({ length: 10000 }, (_, i) => ({ key: i }));
    const holed = whole.filter((x) => x.key % 7 !== 3);
    for (const list of [whole, holed]) {
      let reads = 0;
      const counted = { length: list.length, at: (i: number) => (reads++, list.at(i)), [Symbol.iterator]: () => list[Symbol.iterator]() };
      const dense = new KeyedLookup(counted, (x) => x.key, true);
      const plain = new KeyedLookup(list, (x) => x.key);
      // ranges of 1024 keys read, every other one skipped (render/draw.ts), then anything
      const asked = [...Array.from({ length: 5 }, (_, r) => Array.from({ length: 1024 }, (_, i) => 2048 * r + i)).flat(), 9999, 17, 5000, 5003, 12000, -1];
      for (const k of asked) expect(dense.get(k)?.key, `key ${k}`).toBe(plain.get(k)?.key);
      if (list === whole) expect(reads).toBeLessThanOrEqual(2 * 5 * 1024 + 8 * 20);
    }
    // a skip costs one read, where a gallop reads about 2 log2(skip)
    let reads = 0;
    const counted = { length: whole.length, at: (i: number) => (reads++, whole.at(i)), [Symbol.iterator]: () => whole[Symbol.iterator]() };
    const dense = new KeyedLookup(counted, (x) => x.key, true);
    dense.get(0);
    reads = 0;
    expect(dense.get(5000)?.key).toBe(5000);
    expect(reads).toBe(3);
  });
});

const CAPTURES = [
  ...readdirSync('captures').filter((f) => f.endsWith('.pcap')).map((f) => `captures/${f}`),
  ...readdirSync('captures/app').filter((f) => f.endsWith('.pcap')).map((f) => `captures/app/${f}`),
  'captures/mixed_midstream.pcap',
  'captures/hostile/escapes.pcap',
];

describe('the binary form the codecs write', () => {
  it('gives back whole numbers of any size in as few bytes as they need, and every text', () => {
    const numbers = [0, 1, 127, 128, 255, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35 + 1, 2 ** 53 - 1, 2 ** 53, 2 ** 63, 2 ** 64, 2 ** 70 + 2 ** 30];
    const texts = ['', 'a', 'x'.repeat(127), 'x'.repeat(128), 'é'.repeat(64), '€'.repeat(42), '€'.repeat(43), '𝄞'.repeat(40), 'y'.repeat(20000), 'z'.repeat(2 ** 14 - 1) + '€'];
    const w = new Writer();
    for (const n of numbers) {
      w.uint(n);
      if (n < Number.MAX_SAFE_INTEGER) w.uintOrNull(n === 0 ? null : n);
    }
    for (const t of texts) {
      w.str(t);
      w.u8(0xab);
    }
    const bytes = Buffer.from(w.take());
    const r = new Reader(bytes);
    for (const n of numbers) {
      expect(r.uint()).toBe(n);
      if (n < Number.MAX_SAFE_INTEGER) expect(r.uintOrNull()).toBe(n === 0 ? null : n);
    }
    for (const t of texts) {
      expect(r.str()).toBe(t);
      expect(r.u8()).toBe(0xab);
    }
    // a byte for each number below 128 and each length below 128; two up to 16383, three up to 2^21 - 1
    const sizeOf = (write: (w: Writer) => void): number => {
      const one = new Writer();
      write(one);
      return one.take().length;
    };
    expect([0, 127, 128, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 53].map((n) => sizeOf((x) => x.uint(n)))).toEqual([1, 1, 2, 2, 3, 3, 4, 8]);
    expect(['x'.repeat(127), 'x'.repeat(128), 'x'.repeat(16384)].map((t) => sizeOf((x) => x.str(t)))).toEqual([128, 130, 16387]);
  });

  it('writes a chunk whole after one that could not be written (a number refused half-way leaves nothing behind)', async () => {
    const frames = [...(await analyze('captures/ws_echo.pcap')).connections[0]!.frames];
    expect(frames.length).toBeGreaterThan(2);
    const bad = { ...frames[0]!, missingBytes: -1 };
    expect(() => frameCodec.encode([frames[0]!, bad])).toThrow(/not a whole number/);
    expect(frameCodec.decode(Buffer.from(frameCodec.encode(frames)))).toStrictEqual(frames);
  });

  it('refuses a number that is not whole and from 0 up, rather than write another', () => {
    for (const n of [0.5, -1, Number.NaN, 1000.25, Number.POSITIVE_INFINITY, -0.5]) expect(() => new Writer().uint(n)).toThrow(/not a whole number/);
    // (null is written as 0, n as n + 1: past 2^53 - 2, n + 1 is not exact)
    expect(() => new Writer().uintOrNull(Number.MAX_SAFE_INTEGER)).toThrow(/not a whole number/);
    expect(() => new Writer().uintOrNull(-1)).toThrow(/not a whole number/);
  });
});

describe('the codecs of frames, messages and timeline entries', () => {
  for (const file of CAPTURES) {
    it(`give back every field of every frame, message and entry: ${file}`, async () => {
      for (const c of (await analyze(file)).connections) {
        // a chunk at a time, as the list writes them
        expect(frameCodec.decode(Buffer.from(frameCodec.encode(c.frames)))).toStrictEqual(c.frames);
        expect(messageCodec.decode(Buffer.from(messageCodec.encode(c.messages)))).toStrictEqual(c.messages);
        const held = c.timeline.map(({ summary: _words, ...e }, i) => ({ ...e, dir: (i % 2) as 0 | 1, provisional: i % 3 === 0, bare: i % 5 === 0, closesTcp: i % 7 === 0 }));
        expect(entryCodec.decode(Buffer.from(entryCodec.encode(held)))).toStrictEqual(held);
      }
    });
  }

  it('give back what an application protocol said, in JSON when JSON keeps it exactly, else as v8 does', () => {
    const message = { index: 0, from: 'client' as const, opcode: 1, type: 'text' as const, frames: [0], length: 5, lengthText: null, compressed: false, inflatedLength: null, payload: Buffer.from('hello'), complete: true, app: null, packet: 4, ts: 1, relTs: 0, missingBytes: 0, allCaptured: true };
    const apps: unknown[] = [
      { decoder: 'json', type: 'object', user: true, summary: 'JSON object', fields: { kind: 'object', keys: ['a', 'b'] } },
      { decoder: 'json-rpc', fields: { calls: [{ kind: 'response', id: null, request: { message: 3, packet: 9, method: 'm', rtt: 0.25 } }], batch: false } },
      // what JSON would change: -0, an undefined property, NaN, a hole
      { decoder: 'json', fields: { kind: 'number', zero: -0, gone: undefined, nan: Number.NaN, holes: [1, , 3] } },
      // plain JSON readings as app/json.ts makes them (written field by field), and near misses of that shape (written as JSON or v8 does)
      { decoder: 'json', type: 'object', summary: 'object {a, b}', user: true, fields: { kind: 'object', keys: ['a', 'b'] } },
      { decoder: 'json', type: 'array', summary: 'array [3 items]', user: true, fields: { kind: 'array', length: 3 } },
      { decoder: 'json', type: 'string', summary: 'string "x"', user: false, fields: { kind: 'string' } },
      { decoder: 'json', type: 'object', summary: 'object {}', user: true, fields: { kind: 'object', keys: [] } },
      { decoder: 'json', type: 'object', summary: 'object {a}', user: true, fields: { keys: ['a'], kind: 'object' } },
      { decoder: 'json', type: 'object', summary: 'object {a}', user: true, fields: { kind: 'object', keys: ['a', 7] } },
      { decoder: 'json', type: 'array', summary: 'array', user: true, fields: { kind: 'array', length: -0 } },
      { decoder: 'json', type: 'object', summary: 'object', user: true, fields: { kind: 'object' }, inner: [] },
      { decoder: 'json', summary: 'object', type: 'object', user: true, fields: { kind: 'object' } },
    ];
    for (const app of apps) {
      const items = [{ ...message, app }, { ...message, index: 1, app: null }, { ...message, index: 2, app }] as never[];
      const back = messageCodec.decode(Buffer.from(messageCodec.encode(items)));
      expect(back).toStrictEqual(items);
      // in the order of its keys too: the JSON export writes the object as it is
      expect(JSON.stringify(back)).toBe(JSON.stringify(items));
    }
    // objects of the last object's keys (said in a bit), of other keys, of one key more or less, between arrays and others
    const objectOf = (keys: string[]): unknown => ({ decoder: 'json', type: 'object', user: true, fields: { kind: 'object', keys } });
    const keyed = [['a', 'b'], ['a', 'b'], ['a', 'c'], ['a'], ['a', 'b', 'c'], ['a', 'b', 'c'], []].map(objectOf);
    const run = [...keyed, apps[4], keyed[0], apps[1], keyed[0], keyed[6], keyed[6]].map((app, i) => ({ ...message, index: i, app })) as never[];
    expect(messageCodec.decode(Buffer.from(messageCodec.encode(run)))).toStrictEqual(run);
    const size = (keys: string[][]): number => messageCodec.encode(keys.map((k, i) => ({ ...message, index: i, app: objectOf(k) })) as never[]).length;
    expect(size([['a', 'b'], ['a', 'b'], ['a', 'b']])).toBeLessThan(size([['a', 'b'], ['b', 'a'], ['a', 'b']]));
    // a chunk of many readings, plain and not, sharing their strings
    const many = Array.from({ length: 300 }, (_, i) => ({ ...message, index: i, app: i % 7 === 0 ? null : (apps[i % apps.length] as never) }));
    const back = messageCodec.decode(Buffer.from(messageCodec.encode(many)));
    expect(back).toStrictEqual(many);
    expect(JSON.stringify(back)).toBe(JSON.stringify(many));
  });

  it('keep the lengths past 2^53 as text, and a frame that is a Close or answers a ping', () => {
    const base = { index: 7, packet: 9, ts: 1.5, relTs: 0.25, from: 'server' as const, fin: false, rsv1: true, rsv2: false, rsv3: true, opcode: 8, masked: false, maskingKey: null, payloadLength: '18446744073709551615', headerLength: 10, packets: [8, 9], message: null, payload: Buffer.from([3, 232, 0xff]), complete: false, missingBytes: 12, close: { code: null, reason: 'é\u0000' }, answers: { frame: 3, packet: 4, rtt: 0.001 } };
    expect(frameCodec.decode(Buffer.from(frameCodec.encode([base])))).toStrictEqual([base]);
  });

  it('give back every kind of fact a packet tells', () => {
    const plainFrame: FrameFact = { kind: 'frame', index: 3, opcode: 1, fin: true, rsv1: true, rsv2: false, rsv3: false, masked: true, length: 5, close: null, preview: '"hello"', compressedPart: false, answers: null, segments: 2, complete: true, missingBytes: 0, completes: null };
    // one of each kind (the Record makes the compiler name a kind added to PacketFact and missing here), with values at their edges
    const one: { [K in PacketFact['kind']]: Extract<PacketFact, { kind: K }>[] } = {
      'keep-alive': [{ kind: 'keep-alive' }],
      h2: [{ kind: 'h2', frame: { type: 0x1, flags: 0x5, stream: 2 ** 31 - 1, length: 2 ** 24 - 1, method: 'CONNECT', path: '/é\u0000', protocol: 'websocket', settings: [{ id: 8, value: 2 ** 32 - 1 }] } }],
      retransmission: [{ kind: 'retransmission', bytes: 2 ** 40 }],
      'out-of-order': [{ kind: 'out-of-order', bytes: 1 }],
      late: [{ kind: 'late', bytes: 0 }],
      'acked-unseen': [{ kind: 'acked-unseen', peer: 'server' }],
      gap: [{ kind: 'gap', bytes: 5, from: 'server', own: false }, { kind: 'gap', bytes: 5, from: 'client', own: true }],
      resync: [{ kind: 'resync', skipped: 0 }],
      detected: [{ kind: 'detected', skipped: 3 }],
      opaque: [{ kind: 'opaque', bytes: 9 }],
      held: [{ kind: 'held', bytes: 4 }],
      'early-response': [{ kind: 'early-response', bytes: 7 }],
      'http-partial': [{ kind: 'http-partial', role: 'response', bytes: 8 }, { kind: 'http-partial', role: 'request', bytes: 1 }],
      request: [{ kind: 'request', method: 'GET', target: '/é\u0000', version: 'HTTP/1.1', upgrade: true, hint: null }, { kind: 'request', method: 'GET', target: '/info', version: 'HTTP/1.1', upgrade: false, hint: 'sockjs-info-maybe' }],
      response: [{ kind: 'response', version: 'HTTP/1.1', status: 101, reason: '' }],
      'partial-frame': [{ kind: 'partial-frame', opcode: 0xf, received: 1440, total: 2 ** 53 - 1 }],
      frame: [
        { ...plainFrame, completes: { index: 4, type: 'text', frames: 3, length: 100, inflatedLength: 300, compressed: true, preview: '"abc…"', app: null } },
        { ...plainFrame, index: 2 ** 32, opcode: 9, fin: false, rsv2: true, masked: false, length: '18446744073709551615', preview: null, answers: { packet: 7, rtt: 0.000123 }, complete: false, missingBytes: 12 },
        { ...plainFrame, opcode: 8, rsv1: false, rsv3: true, close: { code: null, reason: null }, preview: null, compressedPart: true, segments: 1 },
        { ...plainFrame, opcode: 8, close: { code: 1000, reason: '"bye"' }, completes: { index: 0, type: 'binary', frames: 1, length: 0, inflatedLength: null, compressed: false, preview: null, app: { decoder: 'mqtt', type: 'PUBLISH', user: true, fields: { version: '3.1.1', packets: [{ type: 'PUBLISH', topic: 'a', qos: 0, payloadLength: 3 }] } } } },
        { ...plainFrame, completes: { index: 1, type: 'text', frames: 2, length: 5, inflatedLength: null, compressed: false, preview: null, app: { decoder: 'json', type: 'object', user: true, fields: { kind: 'object', keys: ['a', 'b'] } } } },
        // the three ways a reading is written: plain JSON's field by field (above), JSON text (an array, a scalar with its facts), v8.serialize (-0)
        { ...plainFrame, completes: { index: 2, type: 'text', frames: 1, length: 5, inflatedLength: null, compressed: false, preview: null, app: { decoder: 'json', type: 'array', user: false, fields: { kind: 'array', length: 0 } } } },
        { ...plainFrame, completes: { index: 3, type: 'text', frames: 1, length: 5, inflatedLength: null, compressed: false, preview: null, app: { decoder: 'json', type: 'string', user: true, fields: { kind: 'string' }, facts: { value: '"é"' } } } },
        { ...plainFrame, completes: { index: 4, type: 'binary', frames: 1, length: 5, inflatedLength: null, compressed: false, preview: null, app: { decoder: 'mqtt', type: 'CONNECT', user: false, fields: { version: '5.0', packets: [{ type: 'CONNECT', keepAlive: -0 }] } } } },
      ],
      tls: [{ kind: 'tls', records: [{ kind: 'client-hello', sni: 'a', alpn: ['h2'] }, { kind: 'server-hello', retry: true, version: 'TLS 1.3', suite: 'TLS_AES_128_GCM_SHA256', alpn: null }, { kind: 'encrypted', records: 2, failed: 0 }] }],
    };
    const told = Object.values(one).flat() as PacketFact[];
    const entries = [{ packet: 1, ts: 2, relTs: 0, from: 'client' as const, dir: 0 as const, phase: 'data' as const, told, tcp: 0x3f, provisional: false, bare: false, http: true, closesTcp: false }, { packet: 2, ts: 3, relTs: 1, from: 'server' as const, dir: 1 as const, phase: 'other' as const, told: [], tcp: null, provisional: true, bare: true, http: false, closesTcp: true }];
    expect(entryCodec.decode(Buffer.from(entryCodec.encode(entries)))).toStrictEqual(entries);
  });
});

const VIEWS: View[][] = [['report'], ['explain'], ['ladder'], ['messages'], ['hex'], ['messages', 'hex'], ['stats'], ['report', 'messages']];

async function render(file: string, make: (write: (t: string) => void) => AnalysisSink, spill: boolean, selection: Selection = EVERYTHING, timeline = true): Promise<string> {
  let out = '';
  const sink = make((t) => (out += t));
  // a stage of 512 bytes: the chunks are read back from the stage, from writes still in flight and from the file
  await analyzeCapture(file, new SelectSink(sink, selection), { analyzer: { ...DEFAULT_OPTIONS, spill: spill ? new SpillFile(freshDir(), 2, undefined, 512) : null, timeline } });
  return out;
}


describe('every view reads a spilled connection as it reads one in memory', () => {
  it('on the command line, and without a temporary folder too (one line on stderr, the same output)', () => {
    const run = (env: Record<string, string>) => spawnSync(process.execPath, ['dist/cli.js', 'captures/hostile/out_of_order.pcap.gz', '--ladder'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
    const normal = run({});
    const missing = run({ TMPDIR: join(ROOT, 'no-such-folder') });
    expect(normal.status).toBe(0);
    expect(missing.status).toBe(0);
    expect(missing.stdout).toBe(normal.stdout);
    expect(normal.stderr).toBe('');
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^wsdissect: no temporary file \(ENOENT.*\): long connections are kept in memory\n$/);
  });

  for (const file of CAPTURES) {
    it(file, async () => {
      const opts = { ...PLAIN, width: 120, previewWidth: 40 };
      for (const views of VIEWS) {
        const sink = (w: (t: string) => void): AnalysisSink => new TerminalSink(w, opts, views);
        const held = await render(file, sink, false);
        expect(held.length).toBeGreaterThan(0);
        expect(await render(file, sink, true), views.join('+')).toBe(held);
        // the views that show no timeline show the same without one (the command line leaves it out for them)
        if (views.every((v) => v === 'messages' || v === 'hex')) expect(await render(file, sink, true, EVERYTHING, false), `${views.join('+')} without a timeline`).toBe(held);
      }
      const json = (w: (t: string) => void): AnalysisSink => new JsonSink(w, { maxPayload: 64 });
      expect(await render(file, json, true)).toBe(await render(file, json, false));
      const html = (w: (t: string) => void): AnalysisSink => new HtmlSink(w, { maxPayload: 64 });
      expect(await render(file, html, true)).toBe(await render(file, html, false));
    });
  }

  it('without a timeline: none is made, and everything else is as with one', async () => {
    for (const file of ['captures/ws_fragmented.pcap', 'captures/chromium_deflate.pcap']) {
      const whole = await analyze(file);
      const bare = await analyze(file, { timeline: false });
      expect(whole.connections.some((c) => c.timeline.length > 0)).toBe(true);
      for (const [i, c] of bare.connections.entries()) {
        expect(c.timeline).toEqual([]);
        // the story's runs are the timeline's (its frames, Close and application types are counted all the same)
        const w = whole.connections[i]!;
        expect(c.story?.runs ?? []).toEqual([]);
        // (nor the bounds of a timeline)
        expect(c.timelineBounds).toBeNull();
        expect({ ...c, timeline: [], timelineBounds: null, story: c.story && { ...c.story, runs: [] } }).toStrictEqual({ ...w, timeline: [], timelineBounds: null, story: w.story && { ...w.story, runs: [] } });
      }
      expect(bare.summary).toStrictEqual(whole.summary);
    }
  });

  it("--stats's table of every connection, its rows spilled two at a time", async () => {
    const file = 'captures/mixed_network.pcap';
    const opts = { ...PLAIN, width: 120, previewWidth: 40 };
    // every write made on the spot (no stage)
    const rowsFile = new SpillFile(freshDir(), 2, undefined, 0);
    const spilled = await render(file, (w) => new TerminalSink(w, opts, ['stats'], true, rowsFile), false);
    expect(rowsFile.written).toBeGreaterThan(0);
    // the rows are let go once the table is written
    expect(rowsFile.size).toBe(0);
    rowsFile.close();
    const held = await render(file, (w) => new TerminalSink(w, opts, ['stats'], true), false);
    // a row for each of the 15 connections: more than a chunk of two could hold
    expect(held).toMatch(/^Connections \(15\)$/m);
    expect(spilled).toBe(held);
  });

  it('with a selection narrowing the lists', async () => {
    const file = 'captures/ws_fragmented.pcap';
    const opts = { ...PLAIN, width: 100, previewWidth: 30 };
    const selections: Partial<Selection>[] = [{ limit: 3 }, { opcodes: new Set([1, 0]) }, { from: 'server' }, { phases: new Set(['closing'] as const) }, { grep: 'e' }];
    for (const s of selections) {
      const selection = { ...EVERYTHING, ...s };
      for (const views of VIEWS) {
        const sink = (w: (t: string) => void): AnalysisSink => new TerminalSink(w, opts, views);
        expect(await render(file, sink, true, selection), `${JSON.stringify(s)} ${views.join('+')}`).toBe(await render(file, sink, false, selection));
      }
    }
  });
});
