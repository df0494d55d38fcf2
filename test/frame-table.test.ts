// The frame table's shortcuts, held to the long way: a column's width worked
// out from the frame's numbers equals the width of the cell it draws, and the
// payload column, measured only up to the ceiling the other columns leave it,
// gives the table measuring every payload would.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, only, type Held } from './support/analyze.js';
import { DEFAULT_OPTIONS } from '../src/analyze/analyzer.js';
import { rng } from './support/damage.js';
import { frameColumns, type MadeCell, narrowedPreview, renderConnection } from '../src/render/terminal.js';
import type { GridCell } from '../src/render/columns.js';
import { sectionsWords } from '../src/text/sections-words.js';
import { LANGS } from '../src/text/lang.js';
import { cutWidth, displayWidth, fixed6, intWidth, microsWidth, plainPreview, previewPayload, previewTextOf } from '../src/util/text.js';
import { PLAIN } from '../src/render/options.js';
import type { Connection, Frame } from '../src/model.js';

const CAPTURES = [
  ...readdirSync('captures').filter((f) => f.endsWith('.pcap')),
  ...['violations', 'snaplen', 'wide', 'cut'].flatMap((d) =>
    readdirSync(join('captures', d))
      .filter((f) => f.endsWith('.pcap') || f.endsWith('.pcapng'))
      .map((f) => join(d, f)),
  ),
].map((f) => join('captures', f));

async function connections(): Promise<Held[]> {
  const all: Held[] = [];
  for (const file of CAPTURES) all.push(...(await analyze(file)).connections.filter((c) => c.frames.length > 0));
  return all;
}

describe('widths of numbers without their strings', () => {
  it('intWidth is String(n).length', () => {
    const cases = [0, 1, 9, 10, 11, 99, 100, 999_999, 1_000_000, 2 ** 32, 2 ** 53 - 1, 1e15 - 1, 1e15, 1e16, 1e21, 1.5, 0.1, -1, -0, NaN, Infinity, -Infinity];
    for (let k = 1; k < 16; k++) cases.push(10 ** k - 1, 10 ** k, 10 ** k + 1);
    const random = rng(7);
    for (let i = 0; i < 2000; i++) cases.push(Math.floor(random() * 10 ** Math.floor(random() * 17)));
    for (const n of cases) expect(intWidth(n), String(n)).toBe(String(n).length);
  });

  it('microsWidth is toFixed(6).length, also where rounding to the microsecond carries into a new digit', () => {
    const cases = [0, -0, 1e-7, 5e-7, 4.99e-7, 0.9999994, 0.9999995, 0.9999996, 1, 1e9 - 1e-6, 1e9 - 1e-7, 1e9, 1e9 + 1, 1e12, 1e20, 1e21, 1e22, -1, -1e-7, -0.9999996, NaN, Infinity, -Infinity];
    for (let k = 0; k <= 10; k++) for (const d of [0, 1e-7, 4e-7, 4.9e-7, 5e-7, 5.1e-7, 6e-7, 1e-6, 1.1e-6, 2e-6, 1e-3]) cases.push(10 ** k - d, 10 ** k + d);
    const random = rng(11);
    for (let i = 0; i < 5000; i++) cases.push(random() * 10 ** Math.floor(random() * 12));
    let carried = 0;
    for (const t of cases) {
      expect(microsWidth(t), String(t)).toBe(t.toFixed(6).length);
      if (t > 0 && t < 1e9 && t.toFixed(6).length !== String(Math.floor(t)).length + 7) carried++;
    }
    // the cases reach the carry (9.9999996 → "10.000000")
    expect(carried).toBeGreaterThan(5);
  });
});

describe('times without toFixed', () => {
  it('fixed6 is toFixed(6): times a capture gives (whole microseconds and differences of them), any double, and halves', () => {
    const random = rng(13);
    const cases = [0, -0, 1e-7, 5e-7, 4.999999e-7, 0.0000015, 0.0000025, 1.0000005, 999999999.9999995, 1e9 - 1e-6, 1e9, 1e21, -1e-7, -1, NaN, Infinity, 123.4567895, 0.1 + 0.2];
    for (let i = 0; i < 30000; i++) {
      const a = Math.floor(random() * 2e9) + Math.floor(random() * 1e6) / 1e6;
      const b = Math.floor(random() * 2e9) + Math.floor(random() * 1e6) / 1e6;
      cases.push(Math.abs(a - b), (Math.floor(random() * 1e15) + 0.5) / 1e6, random() * 10 ** Math.floor(random() * 12 - 3), Math.floor(random() * 1e12) / 1e6);
    }
    for (const t of cases) expect(fixed6(t), String(t)).toBe(t.toFixed(6));
  });
});

describe('the frame table', () => {
  it("tells a compressed frame's size, not the part of its payload the analysis kept (--max-payload)", async () => {
    // a compressed frame of 16312 bytes, never inflated (past the inflation limit): its cell says its size with any payload kept
    const cell = async (keepPayload: number): Promise<string | undefined> => {
      const c = only(await analyze('captures/violations/message.inflate-limit.pcap', { limits: { ...DEFAULT_OPTIONS.limits, keepPayload } }));
      return renderConnection(c, { ...PLAIN, width: 200, previewWidth: 40, collapse: true, maxPayload: 1024 })
        .split('\n')
        .find((l) => l.includes('(compressed'));
    };
    const whole = await cell(Infinity);
    expect(whole).toContain('(compressed, 16312 bytes, not inflated)');
    for (const keep of [0, 64, 1024]) expect(await cell(keep)).toBe(whole);
  });

  it("works out each column's width as the width of the cell it draws, for every frame of the captures, in every language", async () => {
    const frames: Frame[] = (await connections()).flatMap((c) => c.frames);
    expect(frames.length).toBeGreaterThan(500);
    // frames the captures do not have: every opcode, lengths past 2^53 (a decimal string), frames cut short, long indexes and times
    const random = rng(3);
    const made: Frame[] = [];
    for (let i = 0; i < 3000; i++) {
      const f = frames[Math.floor(random() * frames.length)]!;
      made.push({
        ...f,
        opcode: Math.floor(random() * 16),
        index: Math.floor(random() * 10 ** Math.floor(random() * 10)),
        packet: Math.floor(random() * 10 ** Math.floor(random() * 12)),
        relTs: random() < 0.1 ? -random() * 100 : random() < 0.1 ? 10 ** Math.floor(random() * 6) - random() * 1e-6 : random() * 10 ** Math.floor(random() * 10),
        payloadLength: random() < 0.1 ? '18446744073709551615' : Math.floor(random() * 2 ** Math.floor(random() * 40)),
        headerLength: [2, 4, 10, 6, 8, 14][Math.floor(random() * 6)]!,
        masked: random() < 0.5,
        maskingKey: random() < 0.5 ? null : 'a1b2c3d4',
        complete: random() < 0.7,
        from: random() < 0.5 ? 'client' : 'server',
      });
    }
    for (const lang of LANGS) {
      const columns = frameColumns(sectionsWords(lang).frameTable);
      for (const f of [...frames, ...made])
        for (const c of columns)
          for (const compact of [false, true]) expect(c.width(f, compact), `${lang} ${c.head} ${compact} ${JSON.stringify({ ...f, payload: null })}`).toBe(displayWidth(c.cell(f, compact)));
    }
  });

  it('measures the cells that are not previews whatever the widest preview: a compressed message too large to inflate says its size whole', async () => {
    const base = (await analyze('captures/ws_echo.pcap')).connections[0]!;
    const t = base.frames.find((f) => f.opcode === 1 && f.masked)!;
    const text = (i: number, n: number): Frame => ({ ...t, index: i, packet: 100 + i, message: null, opcode: 1, fin: true, rsv1: false, close: null, payload: Buffer.from('x'.repeat(n)), payloadLength: n });
    // "(compressed, N bytes, not inflated)": 40 columns at 999 999 bytes, 41 at 1 000 000, wider than a preview of 37 and its quotes
    const big = (i: number, n: number): Frame => ({ ...t, index: i, packet: 100 + i, message: i, opcode: 1, fin: true, rsv1: true, close: null, payload: Buffer.alloc(n, 0x41), payloadLength: n });
    const a = big(1, 999_999);
    const b = big(3, 1_000_000);
    // a frame that widens the other columns late (a cut 64-bit continuation), moving the payload's ceiling up
    const late: Frame = { ...text(2, 5), opcode: 0, fin: false, complete: false, headerLength: 14, payloadLength: 100_000 };
    const message = (f: Frame) => ({ ...base.messages[0]!, index: f.index, frames: [f.index], compressed: true, inflatedLength: null, type: 'text' as const, payload: f.payload });
    const conn = { ...base, frames: [text(0, 37), a, late, b], messages: [message(a), message(b)] } as unknown as Connection;
    const table = renderConnection(conn, { ...PLAIN, width: 114, previewWidth: 37, collapse: true });
    expect(table).toContain('(compressed, 1000000 bytes, not inflated) │');
    expect(table).toBe(renderConnection(conn, { ...PLAIN, width: 114, previewWidth: 37, collapse: true, measureEveryPayload: true }));
  });

  it('draws the table measuring every payload would, whatever the width, the preview, the language, and numbers that widen the columns late', async () => {
    const all = await connections();
    const random = rng(5);
    let compared = 0;
    let narrowed = 0;
    for (let round = 0; round < 2000; round++) {
      const base = all[Math.floor(random() * all.length)]!;
      // late in the table a frame whose numbers widen the columns, so that the payload's ceiling moves (down or up)
      const frames = base.frames.map((f) => ({ ...f }));
      if (round % 2 === 1) {
        // previews that widen down the table: a short text first (the payload's ceiling may be met at once, and the rest skipped),
        // long ones after it; when a late frame then widens the columns past the first plan, the ceiling rises above the short
        // preview, and the skipped rows must be measured after all
        const text = (n: number): Buffer => Buffer.from('x'.repeat(n));
        frames.forEach((f, i) => Object.assign(f, { opcode: 1, fin: true, rsv1: false, close: null, payload: text(i === 0 ? 4 + Math.floor(random() * 20) : 20 + Math.floor(random() * 60)) }));
      }
      const late = frames[Math.floor(frames.length * (0.5 + random() / 2))]!;
      if (random() < 0.7) late.packet = Math.floor(10 ** (6 + random() * 9));
      if (random() < 0.5) late.index = Math.floor(10 ** (4 + random() * 8));
      if (random() < 0.5) late.relTs = 10 ** (3 + random() * 6);
      if (random() < 0.3) late.payloadLength = '18446744073709551615';
      const conn = { ...base, frames } as unknown as Connection;
      const opts = {
        ...PLAIN,
        width: 60 + Math.floor(random() * 160),
        previewWidth: 8 + Math.floor(random() * 80),
        collapse: random() < 0.7,
        lang: LANGS[Math.floor(random() * LANGS.length)]!,
      };
      const quick = renderConnection(conn, opts);
      const long = renderConnection(conn, { ...opts, measureEveryPayload: true });
      expect(quick, `${base.id} ${JSON.stringify(opts)}`).toBe(long);
      compared++;
      if (quick.includes('…')) narrowed++;
    }
    expect(compared).toBe(2000);
    // most rounds draw a payload column narrower than its previews: the shortcut was taken
    expect(narrowed).toBeGreaterThan(500);
    // (4000 tables drawn: about 3 s alone, past vitest's 5 s on a machine busy with other work)
  }, 60_000);
});

describe("the payload cell's narrowing", () => {
  // the plain way: made for --preview's width, then narrowed from the room less its quotes by what it was too wide, then cut
  function plainWay(make: (width: number) => MadeCell, asked: number, room: number): GridCell {
    let cell = make(asked);
    for (let k = Math.min(asked, room - 2); k >= 1 && cell.width > room && !cell.narrowest; k -= Math.max(1, cell.width - room)) cell = make(k);
    return cell.width <= room ? { text: cell.text, width: cell.width } : { text: cutWidth(cell.text, room) };
  }
  const made = (text: string, narrowest: boolean, grows: boolean): MadeCell => ({ text, width: displayWidth(text), narrowest, grows });
  // the payload cell's kinds, as payloadCell makes them: text (ASCII laid out as it is grows with the width; decoded text
  // need not), an inflated message's text, hex of binary, a Close's reason, a fixed text
  const kinds: ((payload: Buffer) => (k: number) => MadeCell)[] = [
    (payload) => (k) => {
      const plain = plainPreview(payload, k);
      return made(plain ?? previewTextOf(payload, k, true), k <= 1, plain !== null);
    },
    (payload) => (k) => {
      const m = Math.max(8, k - 14);
      const plain = plainPreview(payload, m);
      return made(`⇢ ${plain ?? previewTextOf(payload, m, true)} (inflated)`, k - 14 <= 8, plain !== null);
    },
    (payload) => (k) => {
      const bytes = Math.max(1, Math.floor(k / 3));
      const hex = payload.subarray(0, bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');
      return made(payload.length > bytes ? `${hex} …` : hex, bytes === 1, true);
    },
    (payload) => (k) => made(`1000 Normal Closure ${previewPayload(payload, k, true)}`, payload.length === 0 || k <= 1, payload.length === 0),
    () => () => made('(compressed, 1000000 bytes, not inflated)', true, true),
  ];
  // (combining marks take no column: a text of them can be narrower shown whole than cut with an ellipsis)
  const pieces = ['a', 'Z', ' ', '{"type":"tick","n":1}', '"', "'", '\\', '東京', 'é', 'e\u0301', '\u0301'.repeat(20), 'a'.repeat(10), '\u001b[31m', '\n', '\u202e', '😀', '\u0000', 'x'.repeat(60)];

  it('gives the cell the plain way gives, row after row, for payloads of every kind, any --preview and any room', () => {
    const random = rng(11);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const seen = { narrowed: false };
    for (let i = 0; i < 30000; i++) {
      let text = '';
      for (let n = Math.floor(random() * 12); n > 0; n--) text += pick(pieces);
      const payload = random() < 0.1 ? Buffer.from(Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256))) : Buffer.from(text);
      const make = pick(kinds)(payload);
      const asked = 8 + Math.floor(random() * 60);
      const room = Math.floor(random() * 90);
      expect(narrowedPreview(make, asked, room, seen), JSON.stringify({ text, asked, room })).toEqual(plainWay(make, asked, room));
    }
  });

  it('a text of combining marks: the cell for --preview is made, though the narrower one did not fit', () => {
    const make = kinds[0]!(Buffer.from(`${'a'.repeat(10)}${'\u0301'.repeat(20)}`));
    for (const [asked, room] of [[40, 12], [40, 14], [100, 13]] as const) expect(narrowedPreview(make, asked, room, { narrowed: true })).toEqual(plainWay(make, asked, room));
  });

  it('makes one cell a row where the plain way makes two: an inflated message on a terminal, row after row', () => {
    let ours = 0;
    let plain = 0;
    const make = kinds[1]!(Buffer.from('{"type":"tick","n":1,"payload":"abcdefghijklmnopqrstuvwxyz"}'));
    const seen = { narrowed: false };
    for (let row = 0; row < 10; row++) {
      narrowedPreview((k) => (ours++, make(k)), 40, 21, seen);
      plainWay((k) => (plain++, make(k)), 40, 21);
    }
    // (the first row learns that rows narrow)
    expect([ours, plain]).toEqual([11, 20]);
  });

  it('makes no more cells than the plain way where previews fit (short texts)', () => {
    let ours = 0;
    let plain = 0;
    const seen = { narrowed: false };
    for (let row = 0; row < 10; row++) {
      const make = kinds[0]!(Buffer.from(`tick ${row}`));
      narrowedPreview((k) => (ours++, make(k)), 40, 21, seen);
      plainWay((k) => (plain++, make(k)), 40, 21);
    }
    expect(ours).toBe(plain);
  });
});
