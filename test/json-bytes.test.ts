// JSON written as bytes (src/render/json-bytes.ts): the NDJSON lines of
// frames and messages are encoded into a buffer without building their text.
// They must be byte for byte what JSON.stringify writes of the export's objects.
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonBytes } from '../src/render/json-bytes.js';
import { contractEntry, entryText, frameJson, messageJson, writeEntry, writeFrameLine, writeMessageLine } from '../src/render/json.js';
import { messageOf } from '../src/select/lookup.js';
import { analyze } from './support/analyze.js';
import type { Message } from '../src/model.js';
import type { AppInfo } from '../src/app/types.js';

function written(fill: (out: JsonBytes) => void, out = new JsonBytes(16)): string {
  out.reset();
  fill(out);
  return out.text();
}

describe('a number written as bytes', () => {
  const out = new JsonBytes(16);
  const same = (n: number): void => expect(written((o) => o.number(n), out), `${n}`).toBe(String(n));

  it('is String(n) for the numbers met at the edges', () => {
    for (const n of [0, -0, 1, 9, 10, 99, 100, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 1e21, 1e22, -1, -0.5, 0.5, 1e-6, 5e-7, 1e-7, 0.000001, 0.1, 0.123456, 0.1234567, 12.5, 2 ** 33, 2 ** 33 - 1e-6, 2 ** 33 + 0.5, 2 ** 33 - 0.000002, 8589934591.999999, NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE, 0.3 - 0.1, 1700000000.1, 1700000000.000001, 1795291884.160436, 2 ** 31 - 1, 2 ** 31 + 1, 99_999_999, 100_000_000, 199_999_999_999, 2 ** 53 - 2, 12_345_678_900_000_001, 9_999_999_999_999_999, 0.00001, 0.10001, 8589934591.000001])
      same(n);
  });

  it('is String(n) for any time in microseconds (a capture\'s ts and relTs)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 34 }), fc.integer({ min: 0, max: 999_999 }), (sec, usec) => {
        same(sec + usec / 1e6);
        same(Math.round((sec + usec / 1e6) * 1e6) / 1e6);
        same(usec / 1e6);
      }),
      { numRuns: 20_000 },
    );
  });

  it('is String(n) for any double and any whole number', () => {
    fc.assert(
      fc.property(fc.double(), fc.maxSafeNat(), (d, n) => {
        same(d);
        same(n);
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('a string written as bytes', () => {
  it('is JSON.stringify(s) for any text: controls, quotes, backslashes, wide characters, lone surrogates', () => {
    const out = new JsonBytes(16);
    for (const s of ['', 'a', '"', '\\', '\n', '\u0000', '\u001f', ' ', '\u007f', 'é', '—', '日本', '\u{1f600}', '\ud800', 'a\udc00b', '\u2028'])
      expect(written((o) => o.string(s), out)).toBe(JSON.stringify(s));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) })), (s) => {
        expect(written((o) => o.string(s), out)).toBe(JSON.stringify(s));
      }),
      { numRuns: 20_000 },
    );
  });

  it('is JSON.stringify(s) for long texts too (searched and encoded natively from 48 characters), at either side of that length', () => {
    const out = new JsonBytes(16);
    const wide = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    const mostlyPlain = fc.oneof({ weight: 20, arbitrary: fc.constantFrom('a', ' ', '—', 'é', '日') }, { weight: 1, arbitrary: wide });
    fc.assert(
      fc.property(fc.string({ unit: mostlyPlain, minLength: 40, maxLength: 300 }), (s) => {
        expect(written((o) => o.string(s), out)).toBe(JSON.stringify(s));
      }),
      { numRuns: 20_000 },
    );
    for (const s of ['x'.repeat(47), 'x'.repeat(48), '"'.repeat(48), `${'x'.repeat(60)}\ud800`, `${'x'.repeat(60)}\u{1f600}`, `${'—'.repeat(60)}\u001b`, `${'x'.repeat(60)}\\`])
      expect(written((o) => o.string(s), out)).toBe(JSON.stringify(s));
  });
});

describe('bytes written as base64', () => {
  it("is Buffer#toString('base64') of any bytes, short (encoded by the loop) and long (natively), from any place in a buffer", () => {
    const out = new JsonBytes(16);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), fc.nat(5), fc.nat(5), (bytes, before, after) => {
        const whole = Buffer.concat([Buffer.alloc(before, 0xff), bytes, Buffer.alloc(after, 0xfe)]);
        const expected = Buffer.from(bytes).toString('base64');
        expect(written((o) => o.base64(whole, before, before + bytes.length), out)).toBe(expected);
        // a view into a larger ArrayBuffer, as a payload read from the spill is
        expect(written((o) => o.base64(whole.subarray(before), 0, bytes.length), out)).toBe(expected);
      }),
      { numRuns: 5_000 },
    );
    for (const n of [0, 1, 2, 3, 255, 256, 257, 258])
      expect(written((o) => o.base64(Buffer.alloc(n, 0xfb), 0, n), out)).toBe(Buffer.alloc(n, 0xfb).toString('base64'));
  });
});

describe('UTF-8 text written as bytes', () => {
  it('is JSON.stringify of its text, for any valid UTF-8, long texts (in pieces) included', () => {
    const out = new JsonBytes(16);
    const same = (s: string): void => {
      const b = Buffer.from(s, 'utf8');
      expect(written((o) => o.utf8Text(b, 0, b.length), out)).toBe(JSON.stringify(s));
      // a part of a buffer: from and to where asked
      const framed = Buffer.concat([Buffer.from('\u0000"'), b, Buffer.from('\\\n')]);
      expect(written((o) => o.utf8Text(framed, 2, 2 + b.length), out)).toBe(JSON.stringify(s));
    };
    for (let c = 0; c < 0x80; c++) same(String.fromCharCode(c));
    for (const s of ['', 'é', '—', '日本', '\u{1f600}', '\u2028', '\u2029', '\u007f', '{"a":"b\\n"}', '"'.repeat(70_000), 'x\u0001'.repeat(40_000)]) same(s);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)) })), (s) => {
        // (text that is valid UTF-8: a lone surrogate is not; Buffer.from would write U+FFFD for it)
        if (/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) return;
        same(s);
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('the line buffer', () => {
  it('grows for a long line and lets a megabyte buffer go at the next line', () => {
    const out = new JsonBytes(16);
    const long = 'é'.repeat(800_000);
    expect(written((o) => o.utf8(long), out)).toBe(long);
    expect(out.bytes.length).toBeGreaterThan(1024 * 1024);
    expect(written((o) => o.numbers([1, 22, 333]), out)).toBe('[1,22,333]');
    expect(out.bytes.length).toBe(16);
  });
});

describe('the NDJSON lines of frames and messages', () => {
  // every kind of frame: violations, capture loss, cut frames, lengths past 2^53, text cut inside a character
  const files = [
    ...readdirSync('captures').filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => `captures/${f}`),
    'captures/hostile/escapes.pcap',
    ...['violations', 'snaplen', 'cut', 'app'].flatMap((d) => readdirSync(`captures/${d}`).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => `captures/${d}/${f}`)),
  ].sort();

  it.each(files)('%s: are JSON.stringify of the export\'s objects with type and connection first', async (file) => {
    const out = new JsonBytes(64);
    for (const c of (await analyze(file)).connections) {
      for (const maxPayload of [0, 5, 1024, Infinity]) {
        for (const f of c.frames) {
          const msg = messageOf(c, f.message);
          const line = written((o) => writeFrameLine(o, c.id, f, { messageType: msg?.type ?? null, compressed: msg?.compressed ?? false }, { maxPayload }, c.stream), out);
          expect(line).toBe(`${JSON.stringify({ type: 'frame', connection: c.id, stream: c.stream, ...frameJson(f, c, { maxPayload }) })}\n`);
        }
        for (const m of c.messages) {
          const { type, ...rest } = messageJson(m, { maxPayload });
          const line = written((o) => writeMessageLine(o, c.id, m, { maxPayload }, c.stream), out);
          expect(line).toBe(`${JSON.stringify({ type: 'message', connection: c.id, stream: c.stream, messageType: type, ...rest })}\n`);
        }
      }
      // and --json's timeline, an entry a line (the HTML report's with what its views draw by)
      for (const e of c.timeline) {
        expect(written((o) => writeEntry(o, e), out)).toBe(JSON.stringify(contractEntry(e)));
        expect(entryText(e, true)).toBe(JSON.stringify({ ...contractEntry(e), bare: e.bare, http: e.http }));
      }
    }
  });
});

describe("a message's application reading written as bytes", () => {
  // plain JSON readings of every shape (keys or a length or neither, text that needs escaping, repeated and alternating
  // shapes: the last one's bytes are used again), and readings of other kinds, which go through JSON.stringify
  const text = fc.oneof(fc.constantFrom('type', 'seq', 'a"b', 'back\\slash', 'tab\there', '東京', '—', '\u0000', '\ud800', ''), fc.string({ maxLength: 6 }));
  const plain = fc.record(
    {
      type: fc.constantFrom('JSON object', 'JSON array', 'JSON string'),
      user: fc.boolean(),
      kind: fc.constantFrom('object', 'array', 'string'),
      keys: fc.option(fc.array(text, { maxLength: 9 }), { nil: undefined }),
      length: fc.option(fc.oneof(fc.nat(), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).filter((n) => !Object.is(n, -0))), { nil: undefined }),
    },
    { requiredKeys: ['type', 'user', 'kind'] },
  );
  const app = fc.oneof(
    plain.map(({ type, user, kind, keys, length }) => ({ decoder: 'json' as const, type, user, fields: { kind, ...(keys !== undefined ? { keys } : {}), ...(length !== undefined ? { length } : {}) } })),
    fc.constant({ decoder: 'json' as const, type: 'JSON string', user: true, fields: { kind: 'string' }, facts: { value: '"x"' } }),
  );

  it('is JSON.stringify of appJson, in NDJSON message lines', () => {
    const out = new JsonBytes(64);
    fc.assert(
      fc.property(fc.array(app, { minLength: 1, maxLength: 6 }), (apps) => {
        for (const a of [...apps, ...apps]) {
          const m: Message = { index: 1, from: 'client', opcode: 1, type: 'text', frames: [1], length: 2, lengthText: null, compressed: false, inflatedLength: null, payload: Buffer.from('{}'), complete: true, app: a as AppInfo, packet: 4, ts: 1, relTs: 0.5, missingBytes: 0, allCaptured: true };
          const { type, ...rest } = messageJson(m, { maxPayload: 100 });
          expect(written((o) => writeMessageLine(o, 0, m, { maxPayload: 100 }), out)).toBe(`${JSON.stringify({ type: 'message', connection: 0, stream: null, messageType: type, ...rest })}\n`);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
