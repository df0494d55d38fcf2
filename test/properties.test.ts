// Properties that must hold for every input, checked on many generated ones
// (fast-check; a failure prints the smallest input that breaks it).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TcpDirection } from '../src/tcp/reassembly.js';
import { FrameParser, type DecodedFrame, type FrameEvents } from '../src/websocket/parser.js';
import { wsFrame } from './support/pcap.js';
import { scanJson } from '../src/app/json-scan.js';

// One seed, so that a run is repeatable (CI must not flicker); FC_SEED=random
// explores new inputs, FC_SEED=N replays a failure.
const seedText = process.env['FC_SEED'];
if (seedText !== 'random') fc.configureGlobal({ seed: seedText ? Number(seedText) : 6455 });

/** Cuts `data` at the given points into segments with their sequence numbers. */
function segments(data: Uint8Array, cuts: number[], isn: number): { seq: number; bytes: Buffer }[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const bounds = [0, ...points.filter((p) => p > 0 && p < data.length), data.length];
  const out: { seq: number; bytes: Buffer }[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    out.push({ seq: (isn + 1 + bounds[i]!) >>> 0, bytes: Buffer.from(data.subarray(bounds[i], bounds[i + 1])) });
  }
  return out;
}

describe('TCP reassembly', () => {
  it('gives back the stream for any segmentation, any reordering within a window, any duplicates, across 2^32', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 3000 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.oneof(fc.constant(0xfffff000), fc.nat({ max: 0xffffffff })),
        fc.nat({ max: 8 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (data, cuts, isn, window, swaps, dups) => {
          const segs = segments(data, cuts, isn);
          // reorder: swaps of segments at most `window` apart
          for (let k = 0; k + 1 < swaps.length && window > 0; k += 2) {
            const i = swaps[k]! % segs.length;
            const j = Math.min(segs.length - 1, i + (swaps[k + 1]! % (window + 1)));
            [segs[i], segs[j]] = [segs[j]!, segs[i]!];
          }
          for (const d of dups) {
            const s = segs[d % segs.length]!;
            segs.splice(Math.min(segs.length, (d % segs.length) + 1 + (d % 3)), 0, s);
          }
          const dir = new TcpDirection();
          dir.syn(isn);
          const out: Buffer[] = [];
          segs.forEach((s, n) => {
            for (const c of dir.accept(s.seq, s.bytes, n + 1, 0).chunks) {
              expect(c.kind).toBe('data');
              if (c.kind === 'data') out.push(c.data);
            }
          });
          expect(dir.flush()).toEqual([]);
          expect(Buffer.concat(out).equals(Buffer.from(data))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

const frameArb = fc.record({
  opcode: fc.constantFrom(0, 1, 2, 8, 9, 10),
  fin: fc.boolean(),
  masked: fc.boolean(),
  payload: fc.uint8Array({ maxLength: 300 }),
  key: fc.uint8Array({ minLength: 4, maxLength: 4 }),
  lengthForm: fc.constantFrom(undefined, 16, 64),
});

function events(out: DecodedFrame[]): FrameEvents {
  return { frame: (f) => out.push(f), resync: () => {}, unsynced: () => {} };
}

describe('frame parser', () => {
  it('decodes the same frames however the bytes are split', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 30 }), (frames, cuts) => {
        const bytes = Buffer.concat(
          frames.map((f) => wsFrame({ opcode: f.opcode, fin: f.fin, payload: Buffer.from(f.payload), mask: f.masked ? Buffer.from(f.key) : null, lengthForm: f.lengthForm as 16 | 64 | undefined })),
        );
        const whole: DecodedFrame[] = [];
        new FrameParser().push(bytes, 1, 0, events(whole));
        const parts: DecodedFrame[] = [];
        const p = new FrameParser();
        for (const s of segments(bytes, cuts, 0)) p.push(s.bytes, 1, 0, events(parts));
        const view = (l: DecodedFrame[]) => l.map((f) => [f.header.opcode, f.header.fin, f.header.masked, f.payload.toString('hex')]);
        expect(view(parts)).toEqual(view(whole));
        expect(view(whole)).toEqual(frames.map((f) => [f.opcode, f.fin, f.masked, Buffer.from(f.payload).toString('hex')]));
      }),
      { numRuns: 300 },
    );
  });

  // one direction, as a conforming client sends it: every frame masked, control
  // frames whole and short, text as ASCII, close bodies with a valid code
  const conforming = (f: { opcode: number; payload: Uint8Array }): Buffer => {
    const raw = Buffer.from(f.payload.subarray(0, f.opcode >= 8 ? 123 : 300));
    if (f.opcode === 1 || f.opcode === 0) return Buffer.from(raw.map((b) => b & 0x7f));
    if (f.opcode === 8) return raw.length === 0 ? raw : Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from(raw.map((b) => b & 0x7f))]);
    return raw;
  };
  const clientFrames = (frames: { opcode: number; fin: boolean; payload: Uint8Array; key: Uint8Array }[]) =>
    frames.map((f) => wsFrame({ opcode: f.opcode, fin: f.opcode >= 8 ? true : f.fin, payload: conforming(f), mask: Buffer.from(f.key) }));
  const clientRules = { masked: true, deflate: false, maxLength: 1 << 20 };
  const view = (l: DecodedFrame[]) => l.filter((f) => f.complete).map((f) => wsFrame({ opcode: f.header.opcode, fin: f.header.fin, payload: f.payload, mask: f.header.maskingKey }).toString('hex'));

  it('when whole frames are lost, resumes exactly at the next frame', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 2, maxLength: 12 }), fc.nat(), fc.nat(), (frames, a, b) => {
        const sent = clientFrames(frames);
        const first = a % sent.length;
        const last = Math.min(sent.length - 1, first + (b % 3));
        const before = Buffer.concat(sent.slice(0, first));
        const lost = Buffer.concat(sent.slice(first, last + 1));
        const after = Buffer.concat(sent.slice(last + 1));
        const got: DecodedFrame[] = [];
        const notes: string[] = [];
        const ev = { ...events(got), resync: (n: number) => notes.push(`resync ${n}`) };
        const p = new FrameParser(undefined, clientRules);
        p.push(before, 1, 0, ev);
        p.gap(lost.length, 2, 0, ev);
        p.push(after, 3, 0, ev);
        p.end(ev);
        expect(view(got)).toEqual([...sent.slice(0, first), ...sent.slice(last + 1)].map((x) => x.toString('hex')));
        if (after.length > 0) expect(notes).toEqual(['resync 0']);
      }),
      { numRuns: 500 },
    );
  });

  it('after a loss anywhere, never throws and keeps every frame before it', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 2, maxLength: 12 }), fc.nat(), fc.nat({ max: 400 }), (frames, at, length) => {
        const sent = clientFrames(frames);
        const bytes = Buffer.concat(sent);
        const from = at % bytes.length;
        const to = Math.min(bytes.length, from + length);
        const got: DecodedFrame[] = [];
        const p = new FrameParser(undefined, clientRules);
        const ev = events(got);
        p.push(bytes.subarray(0, from), 1, 0, ev);
        if (to > from) p.gap(to - from, 2, 0, ev);
        p.push(bytes.subarray(to), 3, 0, ev);
        p.end(ev);
        let offset = 0;
        const whole = sent.filter((f) => (offset += f.length) <= from);
        expect(view(got).slice(0, whole.length)).toEqual(whole.map((x) => x.toString('hex')));
      }),
      { numRuns: 500 },
    );
  });
});

describe('the JSON scan (app/json-scan.ts) against JSON.parse', () => {
  /** What the JSON decoder reads of a text by JSON.parse: null when it is not a JSON object or array. */
  function parsed(text: string): { kind: string; keys: string[]; keyCount: number; length: number } | null {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      return null;
    }
    if (typeof v !== 'object' || v === null) return null;
    const keys = Array.isArray(v) ? [] : Object.keys(v);
    return { kind: Array.isArray(v) ? 'array' : 'object', keys: keys.slice(0, 16), keyCount: keys.length, length: Array.isArray(v) ? v.length : 0 };
  }
  /** JSON text of a value, with white space (of the four kinds JSON allows) wherever it may go. */
  const spaced = (v: unknown, spaces: string[]): string => {
    let k = 0;
    return (JSON.stringify(v, null, 1) ?? 'null').replace(/\n */g, () => spaces[k++ % spaces.length]!);
  };
  const space = fc.array(fc.constantFrom('', ' ', '\n', '\t', '\r', '  \n '), { minLength: 1, maxLength: 8 });
  const json = fc.jsonValue({ maxDepth: 4 });

  it('reads every object and array it is sure of exactly as JSON.parse and Object.keys do, and most of the ones without escapes', () => {
    let read = 0;
    let plain = 0;
    fc.assert(
      fc.property(json, space, (v, spaces) => {
        const text = spaced(v, spaces);
        const shape = scanJson(Buffer.from(text), 16);
        const want = parsed(text);
        if (shape) {
          read++;
          expect(shape).toEqual(want);
        }
        if (want && !text.includes('\\') && !Object.keys(want.kind === 'object' ? (JSON.parse(text) as object) : {}).some((k) => /^(0|[1-9]\d*)$/.test(k))) {
          plain++;
          expect(shape).toEqual(want);
        }
      }),
      { numRuns: 2000 },
    );
    // the property above looked at many of both
    expect(plain).toBeGreaterThan(200);
    expect(read).toBeGreaterThanOrEqual(plain);
  });

  it('reads texts one after another as it reads each alone: objects whose keys are the last ones\' in part, or repeat, or are indexes', () => {
    // a connection's messages mostly have the last one's keys: the scan takes a key whose bytes are the last text's key at
    // that place without its checks; texts from a few keys (a repeat, an index, an escape, a key longer or shorter by a byte)
    const key = fc.constantFrom('type', 'typ', 'types', 'seq', 'price', 'a', '0', '7', 'ty\\u0070e', 'é', '');
    const object = fc.array(fc.tuple(key, fc.constantFrom('1', '"x"', '[]', '{"type":2}', 'null')), { maxLength: 6 });
    const text = fc.oneof(object.map((members) => `{${members.map(([k, v]) => `"${k}":${v}`).join(',')}}`), fc.constantFrom('[1,2]', '{"type":1,"seq":2', 'not json', '{}'));
    let keyed = 0;
    fc.assert(
      fc.property(fc.array(text, { minLength: 2, maxLength: 8 }), (texts) => {
        const inTurn = texts.map((t) => scanJson(Buffer.from(t), 16));
        const alone = texts.map((t) => {
          // (a text of another key first: the last keys are none of these)
          scanJson(Buffer.from('{"zz":0}'), 16);
          return scanJson(Buffer.from(t), 16);
        });
        expect(inTurn).toEqual(alone);
        texts.forEach((t, i) => {
          if (inTurn[i]) expect(inTurn[i], t).toEqual(parsed(t));
          if (inTurn[i]?.keys.length) keyed++;
        });
      }),
      { numRuns: 5000 },
    );
    expect(keyed).toBeGreaterThan(2000);
  });

  it('never reads a text JSON.parse refuses: any text cut, grown or changed a byte at a time', () => {
    const edits = fc.array(fc.tuple(fc.nat(), fc.constantFrom('del', 'ins', 'set'), fc.constantFrom(...'{}[],:"\\ -+.0123456789eEtrufalsn\u00e9\u0001x/'.split(''))), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(json, space, edits, (v, spaces, changes) => {
        let text = spaced(v, spaces);
        for (const [at, how, ch] of changes) {
          const i = at % (text.length + 1);
          text = how === 'del' ? text.slice(0, i) + text.slice(i + 1) : how === 'ins' ? text.slice(0, i) + ch + text.slice(i) : text.slice(0, i) + ch + text.slice(i + 1);
        }
        const shape = scanJson(Buffer.from(text), 16);
        if (shape) expect(shape).toEqual(parsed(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('never reads a text JSON.parse refuses: texts made of the pieces of JSON in any order', () => {
    const pieces = ['{', '}', '[', ']', ',', ':', '"', '\\', 'u', '0', '1', '9', 'a', 'F', 'x', 'e', 'E', '-', '+', '.', ' ', '\n', 'true', 'fals', 'null', '"k"', '\u00e9', '\u0001', '/', 'b', 'n', 't'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 24 }), (parts) => {
        const text = parts.join('');
        const shape = scanJson(Buffer.from(text), 16);
        if (shape) expect(shape).toEqual(parsed(text));
      }),
      { numRuns: 20000 },
    );
    // inside a string and a number, where their grammar is finest
    const inString = fc.array(fc.constantFrom('\\', 'u', 'x', '0', 'a', 'F', 'g', '"', 'n', '/', '\u00e9', '\u0001', '\u007f'), { maxLength: 8 });
    const inNumber = fc.array(fc.constantFrom('-', '+', '0', '1', '.', 'e', 'E'), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(inString, inNumber, (str, num) => {
        for (const text of [`{"k":"${str.join('')}"}`, `["${str.join('')}",1]`, `{"${str.join('')}":0}`, `{"n":${num.join('')}}`, `[${num.join('')}]`]) {
          const shape = scanJson(Buffer.from(text), 16);
          if (shape) expect(shape, text).toEqual(parsed(text));
          else if (!text.includes('\\') && !text.startsWith('{"0') && !/^\{"[1-9]\d*"/.test(text)) expect(parsed(text), text).toBeNull();
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('leaves to JSON.parse what it cannot be sure of: escaped keys, index keys, repeated keys, JSON-RPC, other kinds', () => {
    for (const text of ['{"a\\u0062":1}', '{"b":1,"0":2}', '{"a":1,"a":2}', '{"jsonrpc":"2.0","method":"m"}', '[{"json\\u0072pc":"2.0","method":"m"}]', '"text"', '42', 'null', '{"a":1} x', '\ufeff{"a":1}', '{"a":01}', '[1,]', '{"a":"\u0001"}', '{"a":"\\x41"}', '{"a":"\\u00g0"}', '{"a":1.}', '{"a":-}', '{"a":1e}', '{"a":.5}', '{"a":tru}', '{"a" 1}', '{"a":1,}', '{,}', '[1 2]', '{"a":[}']) {
      expect(scanJson(Buffer.from(text), 16), text).toBeNull();
    }
    // and reads the common ones
    expect(scanJson(Buffer.from(' {"type":"tick","n":-1.5e+3,"ok":true,"list":[1,{"x":null}],"s":"caf\u00e9 \\"q\\""} '), 16)).toEqual({ kind: 'object', keys: ['type', 'n', 'ok', 'list', 's'], keyCount: 5, length: 0 });
    expect(scanJson(Buffer.from('[[],{},[1,[2]],"a"]'), 16)).toEqual({ kind: 'array', keys: [], keyCount: 0, length: 4 });
  });
});
