// The HTML report's document (src/render/html.ts), read as text: one data
// block per connection carrying the same frames and messages as the JSON
// export, nothing fetched from anywhere, and nothing from a capture written
// as markup. test/html-browser.test.ts opens the reports in Chromium.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../src/index.js';
import { escapeHtml, HtmlSink, scriptJson } from '../src/render/html.js';
import { Conversation, upgradeRequest, upgradeResponse, wsFrame } from './support/pcap.js';
import { renderJson } from './support/render.js';

const CAPTURES = [...readdirSync('captures').filter((f) => f.endsWith('.pcap')).map((f) => `captures/${f}`), ...readdirSync('captures/app').filter((f) => f.endsWith('.pcap')).map((f) => `captures/app/${f}`)].sort();

async function renderHtml(source: string | Buffer, maxPayload = 1024): Promise<{ html: string; writes: number; writesBeforeEnd: number; beforeEnd: string }> {
  let html = '';
  let writes = 0;
  let writesBeforeEnd = 0;
  let beforeEnd = '';
  const sink = new HtmlSink((t) => {
    html += t;
    writes++;
  }, { maxPayload });
  const end = sink.end.bind(sink);
  sink.end = (...args) => {
    writesBeforeEnd = writes;
    beforeEnd = html;
    end(...args);
  };
  await analyzeCapture(typeof source === 'string' ? source : Readable.from([source]), sink, { name: typeof source === 'string' ? source : 'crafted.pcap' });
  return { html, writes, writesBeforeEnd, beforeEnd };
}

interface Block {
  kind: string;
  data: Record<string, unknown>;
}

/** The page's data blocks, parsed. */
function blocks(html: string): Block[] {
  return [...html.matchAll(/<script type="application\/json" class="wsd-data" data-kind="(\w+)">([^<]*)<\/script>/g)].map((m) => ({ kind: m[1]!, data: JSON.parse(m[2]!) as Record<string, unknown> }));
}

describe.each(CAPTURES)('%s', (path) => {
  it('carries every connection with the frames, messages and timeline of the JSON export, and fetches nothing', async () => {
    const { html } = await renderHtml(path);
    const doc = (await renderJson(path)) as { connections: Record<string, unknown>[]; summary: unknown };
    const found = blocks(html);
    const conns = found.filter((b) => b.kind === 'connection').map((b) => b.data);
    expect(found.filter((b) => b.kind === 'end')).toHaveLength(1);
    expect(conns.map((c) => c['id']).sort()).toEqual(doc.connections.map((c) => c['id']).sort());
    for (const c of conns) {
      const j = doc.connections.find((x) => x['id'] === c['id'])!;
      // the same frame objects, with the walkthrough's words for each
      expect((c['frames'] as Record<string, unknown>[]).map(({ summary: _s, closeBody: _b, closeName: _n, ...f }) => f)).toEqual(j['frames']);
      expect((c['frames'] as { summary: unknown }[]).every((f) => typeof f.summary === 'string')).toBe(true);
      expect(c['messages']).toEqual(j['messages']);
      // the JSON export's entries, with what the page draws from (a packet of TCP alone drawn lighter)
      expect((c['timeline'] as Record<string, unknown>[]).map(({ bare: _b, http: _h, ...e }) => e)).toEqual(j['timeline']);
      expect((c['timeline'] as { bare: unknown; http: unknown }[]).every((e) => typeof e.bare === 'boolean' && typeof e.http === 'boolean')).toBe(true);
      expect(c['diagnostics']).toEqual(j['diagnostics']);
      expect(c['handshake'] === null ? null : (c['handshake'] as { acceptSteps: unknown }).acceptSteps !== undefined).toBe(j['handshake'] === null ? null : true);
    }
    expect(found.find((b) => b.kind === 'end')!.data['summary']).toEqual(doc.summary);
    // self-contained: no attribute that loads anything, and a policy that forbids it
    expect(html).not.toMatch(/\s(src|href)\s*=/i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    // the policy allows one script: the page's own, by its hash
    const hash = /script-src 'sha256-([A-Za-z0-9+/=]+)'/.exec(html)![1];
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(createHash('sha256').update(script).digest('base64')).toBe(hash);
    expect(html.startsWith('<!DOCTYPE html>\n')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });
});

describe('escaping', () => {
  const hostile = '</script><script>alert(1)</script><!-- <img src=x onerror=alert(2)> & \u2028 \u202e';

  function conversation(): Conversation {
    return new Conversation()
      .handshake()
      .send('client', upgradeRequest())
      .ack('server')
      .send('server', upgradeResponse())
      .send('client', wsFrame({ opcode: 1, payload: Buffer.from(hostile), mask: Buffer.from([1, 2, 3, 4]) }))
      .send('server', wsFrame({ opcode: 1, payload: Buffer.from(hostile) }));
  }

  it('keeps a payload with markup as data: no tag of it reaches the page, and it reads back whole', async () => {
    const { html } = await renderHtml(conversation().pcap());
    // the only script elements are wsdissect's: the data blocks and the one script
    const scripts = [...html.matchAll(/<script\b/g)].length;
    expect(scripts).toBe(blocks(html).length + 1);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('alert(1)</script>');
    expect(html).not.toContain('<!--');
    const conn = blocks(html).find((b) => b.kind === 'connection')!.data as { frames: { payload?: { text?: string } }[]; messages: { payload?: { text?: string } }[] };
    expect(conn.frames.map((f) => f.payload?.text)).toEqual([hostile, hostile]);
    expect(conn.messages.map((m) => m.payload?.text)).toEqual([hostile, hostile]);
  });

  it('scriptJson escapes what could end a script element or a string, and still parses to the same value', () => {
    const value = { a: '</script>', b: '<!--', c: 'x & y > z', d: '\u2028\u2029' };
    const text = scriptJson(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('scriptJson writes integers past 2^53 as decimal strings, and only them', () => {
    // each on its own: one in an object is enough to take the careful way for all of it
    const cases: [unknown, unknown][] = [
      [{ sum: 2 ** 64 }, { sum: '18446744073709551616' }],
      [{ big: 1e21 }, { big: '1000000000000000000000' }],
      [{ float: 1.5e300 }, { float: BigInt(1.5e300).toString() }],
      [{ negative: -(2 ** 53) - 2 }, { negative: '-9007199254740994' }],
      [{ nested: [{ n: 2 ** 60 }] }, { nested: [{ n: '1152921504606846976' }] }],
      [{ safe: 2 ** 53 - 1, small: -(2 ** 53) + 1 }, { safe: 2 ** 53 - 1, small: -(2 ** 53) + 1 }],
      [{ digits: '12345678901234567890', e: 'e+5', x: 1e-7 }, { digits: '12345678901234567890', e: 'e+5', x: 1e-7 }],
    ];
    for (const [value, parsed] of cases) expect(JSON.parse(scriptJson(value))).toEqual(parsed);
    // nothing to change: the text is JSON's own
    const plain = { a: 1, b: [2.5, 'x'], c: 'no digits here' };
    expect(scriptJson(plain)).toBe(JSON.stringify(plain));
  });

  it('escapeHtml escapes markup characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;');
  });
});

describe('the document', () => {
  it('is written as the analysis goes: each connection before the end', async () => {
    const { html, beforeEnd, writesBeforeEnd } = await renderHtml('captures/app/socketio.pcap');
    const conns = blocks(html).filter((b) => b.kind === 'connection').length;
    expect(conns).toBeGreaterThan(1);
    // the head, then every connection's data block whole, before end() wrote the rest (a block is written a piece at a time)
    expect(blocks(`${beforeEnd}</body>`).filter((b) => b.kind === 'connection')).toHaveLength(conns);
    expect(beforeEnd.endsWith('</script>\n')).toBe(true);
    expect(writesBeforeEnd).toBeGreaterThan(1 + conns);
  });

  it('cuts payloads to --max-payload, and leaves them out with 0', async () => {
    const cut = blocks((await renderHtml('captures/ws_large_binary.pcap', 16)).html).find((b) => b.kind === 'connection')!.data as { frames: { payload?: { base64?: string; truncated?: true } }[] };
    const big = cut.frames.find((f) => f.payload?.truncated)!;
    expect(Buffer.from(big.payload!.base64!, 'base64')).toHaveLength(16);
    const none = blocks((await renderHtml('captures/ws_echo.pcap', 0)).html).find((b) => b.kind === 'connection')!.data as { frames: { payload?: unknown }[] };
    expect(none.frames.every((f) => f.payload === undefined)).toBe(true);
  });

  it('gives each handshake its Accept computation step by step', async () => {
    const conn = blocks((await renderHtml('captures/textbook_rfc6455.pcap')).html).find((b) => b.kind === 'connection')!.data as { handshake: { acceptSteps: Record<string, string> } };
    expect(conn.handshake.acceptSteps).toEqual({
      key: 'dGhlIHNhbXBsZSBub25jZQ==',
      guid: '258EAFA5-E914-47DA-95CA-C5AB0DC85B11',
      concatenated: 'dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11',
      sha1: 'b37a4f2cc0624f1690f64606cf385945b2bec4ea',
      base64: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
    });
  });
});

describe("the page's script", () => {
  it('is given the header\'s bit layout as the terminal runs it, in functions that stand alone', async () => {
    const { sharedScript } = await import('../src/render/html-assets.js');
    const { headerFields, headerRows } = await import('../src/websocket/header-bits.js');
    // run as the page runs it: nothing else in scope
    const shared = new Function(`${sharedScript()}\nreturn SHARED;`)() as { headerFields: typeof headerFields; headerRows: typeof headerRows; opcodes: Record<string, string> };
    const frames = [
      { fin: true, rsv1: false, rsv2: false, rsv3: false, opcode: 1, masked: true, headerLength: 6, payloadLength: 5, maskingKey: '37fa213d' },
      { fin: false, rsv1: true, rsv2: false, rsv3: true, opcode: 2, masked: false, headerLength: 4, payloadLength: 300, maskingKey: null },
      { fin: true, rsv1: false, rsv2: true, rsv3: false, opcode: 0, masked: true, headerLength: 14, payloadLength: '18446744073709551615', maskingKey: 'ffffffff' },
      // a 16-bit length form for 5 bytes: the form the sender used is drawn
      { fin: true, rsv1: false, rsv2: false, rsv3: false, opcode: 9, masked: false, headerLength: 4, payloadLength: 5, maskingKey: null },
    ];
    for (const f of frames) {
      const fields = headerFields(f);
      expect(shared.headerFields(f)).toEqual(fields);
      for (const perRow of [16, 32]) expect(shared.headerRows(fields, perRow)).toEqual(headerRows(fields, perRow));
    }
    expect(headerFields(frames[2]!).map((x) => [x.kind, x.value, x.bits.length])).toEqual([
      ['FIN', null, 1], ['RSV1', null, 1], ['RSV2', null, 1], ['RSV3', null, 1], ['opcode', '0x0', 4], ['MASK', null, 1], ['length', '127', 7], ['extended length', '18446744073709551615', 64], ['masking key', 'ffffffff', 32],
    ]);
    expect(headerRows(headerFields(frames[2]!), 32).map((row) => row.map((c) => `${c.field.kind}${c.first ? '' : '…'}:${c.bits.length}`))).toEqual([
      ['FIN:1', 'RSV1:1', 'RSV2:1', 'RSV3:1', 'opcode:4', 'MASK:1', 'length:7', 'extended length:16'],
      ['extended length…:32'],
      ['extended length…:16', 'masking key:16'],
      ['masking key…:16'],
    ]);
    expect(shared.opcodes[8]).toBe('close');
  });

  it('is given the message-size plot\'s scale, one for the points and the grid lines, standing alone', async () => {
    const { sharedScript } = await import('../src/render/html-assets.js');
    const { sizeScale } = await import('../src/render/plot-scale.js');
    const shared = new Function(`${sharedScript()}\nreturn SHARED;`)() as { sizeScale: typeof sizeScale };
    for (const largest of [0, 1, 9, 10, 11, 17, 999, 1000, 1001, 65536, 16777216]) {
      const mine = sizeScale(largest);
      const page = shared.sizeScale(largest);
      expect(page.ticks).toEqual(mine.ticks);
      // the bottom is 0 bytes, the top the last grid line, at or above the largest size
      expect(mine.ticks[0]).toBe(0);
      expect(mine.at(0)).toBe(0);
      expect(mine.at(mine.ticks.at(-1)!)).toBeCloseTo(1, 12);
      expect(mine.ticks.at(-1)!).toBeGreaterThanOrEqual(largest);
      for (const t of mine.ticks) expect(page.at(t)).toBe(mine.at(t));
      expect(mine.at(largest)).toBeLessThanOrEqual(1 + 1e-12);
      // strictly increasing: a larger message is drawn higher
      for (let i = 1; i < mine.ticks.length; i++) expect(mine.at(mine.ticks[i]!)).toBeGreaterThan(mine.at(mine.ticks[i - 1]!));
    }
  });
});

describe('the JSON of frames and messages, written out by hand', () => {
  // every kind of frame: violations, capture loss, frames cut by the snapshot length, lengths past 2^53
  const all = [...CAPTURES, 'captures/hostile/escapes.pcap', ...['violations', 'snaplen', 'tapmerge', 'cut'].flatMap((d) => readdirSync(`captures/${d}`).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => `captures/${d}/${f}`))];
  it.each(all)('%s: is JSON.stringify of the export\'s objects, byte for byte', async (file) => {
    const { analyze } = await import('./support/analyze.js');
    const { contractEntry, entryText, frameJson, frameJsonText, messageJson, messageText } = await import('../src/render/json.js');
    for (const c of (await analyze(file)).connections) {
      // and of each timeline entry, as the export writes it and as the report adds what its views draw by
      for (const { summary: _words, ...e } of c.timeline) {
        expect(entryText(e)).toBe(JSON.stringify(contractEntry(e)));
        expect(entryText(e, true)).toBe(JSON.stringify({ ...contractEntry(e), bare: e.bare, http: e.http }));
      }
      for (const maxPayload of [0, 16, 1024, Infinity]) {
        for (const f of c.frames) expect(frameJsonText(f, c, { maxPayload })).toBe(JSON.stringify(frameJson(f, c, { maxPayload })));
        for (const m of c.messages) expect(messageText(m, { maxPayload })).toBe(JSON.stringify(messageJson(m, { maxPayload })));
      }
      for (const f of c.frames) {
        if (f.close) seen.add(f.close.code === null ? 'close without code' : 'close');
        if (f.answers) seen.add('answers');
        if (!f.complete) seen.add('incomplete');
        if (typeof f.payloadLength === 'string') seen.add('length as text');
        if (f.maskingKey) seen.add('masked');
        if (f.message === null) seen.add('no message');
      }
      for (const m of c.messages) {
        if (m.app) seen.add('app');
        if (m.compressed && m.inflatedLength === null) seen.add('not inflated');
        if (m.lengthText !== null) seen.add('message length as text');
      }
    }
  });
  const seen = new Set<string>();
  it('on frames and messages of every kind', () => {
    expect([...seen].sort()).toEqual(['answers', 'app', 'close', 'close without code', 'incomplete', 'length as text', 'masked', 'message length as text', 'no message', 'not inflated'].sort());
  });
});

describe('the data block of a connection', () => {
  it('escapes the line separators and markup characters a payload carries, in batches of items or alone', async () => {
    const { analyze } = await import('./support/analyze.js');
    const { connectionData, connectionPieces } = await import('../src/render/html.js');
    const texts = ['a\u2028b', 'c\u2029d', 'x<y', 'p>q', 'r&s', 'plain — text → ok', '\u2028'];
    for (const many of [1, 400]) {
      let conv = new Conversation().handshake().send('client', upgradeRequest()).ack('server').send('server', upgradeResponse());
      // one text each (a batch of items with one of them), then many plain texts and one of them at the end
      for (const t of texts) {
        for (let k = 1; k < many; k++) conv = conv.send('server', wsFrame({ opcode: 1, payload: Buffer.from(`plain text ${k} — → …`) }));
        conv = conv.send('server', wsFrame({ opcode: 1, payload: Buffer.from(t) }));
      }
      for (const c of (await analyze(conv.pcap())).connections) {
        let text = '';
        for (const piece of connectionPieces(c, { maxPayload: 1024 })) text += typeof piece === 'string' ? piece : piece.toString('utf8');
        expect(text).toBe(scriptJson(connectionData(c, { maxPayload: 1024 })));
        expect(text).not.toMatch(/[<>&\u2028\u2029]/);
      }
    }
  });

  it.each([...CAPTURES, 'captures/violations/frame.length-msb-set.pcap', 'captures/hostile/escapes.pcap'])('%s: written a piece at a time, it is the whole block', async (file) => {
    const { analyze } = await import('./support/analyze.js');
    const { connectionData, connectionPieces } = await import('../src/render/html.js');
    for (const c of (await analyze(file)).connections) {
      for (const maxPayload of [0, 1024, Infinity]) {
        // (a piece of bytes is valid until the next is asked for: read as it comes)
        let text = '';
        for (const piece of connectionPieces(c, { maxPayload })) text += typeof piece === 'string' ? piece : piece.toString('utf8');
        expect(text).toBe(scriptJson(connectionData(c, { maxPayload })));
      }
    }
  });
});

describe('the report\'s budget of frames (--html-frames)', () => {
  /** The report of `file` with `args`, its connection blocks by id and its end block. */
  function made(file: string, args: string[]): { conns: Map<number, Record<string, unknown>>; end: Record<string, unknown> } {
    const r = spawnSync(process.execPath, ['dist/cli.js', file, '--html', '-', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(r.status, r.stderr).toBe(0);
    const found = blocks(r.stdout);
    return { conns: new Map(found.filter((b) => b.kind === 'connection').map((b) => [b.data['id'] as number, b.data])), end: found.find((b) => b.kind === 'end')!.data };
  }
  const frames = (c: Record<string, unknown>): { index: number; packets: number[] }[] => c['frames'] as { index: number; packets: number[] }[];
  const packets = (c: Record<string, unknown>): { packet: number; phase: string }[] => c['timeline'] as { packet: number; phase: string }[];

  it('holds a connection whole within the budget, and says nothing of a budget', () => {
    const { conns, end } = made('captures/ws_echo.pcap', []);
    expect(frames(conns.get(0)!)).toHaveLength(10);
    expect(conns.get(0)!['cut']).toBeUndefined();
    expect(end['cut']).toBeUndefined();
  });

  it('cuts the connection that crosses it as --limit would: its first frames, their packets, its handshakes and teardown', () => {
    const whole = made('captures/ws_echo.pcap', []).conns.get(0)!;
    const { conns, end } = made('captures/ws_echo.pcap', ['--html-frames', '4']);
    const c = conns.get(0)!;
    expect(c['cut']).toEqual({ shown: 4, frames: 10 });
    expect(frames(c).map((f) => f.index)).toEqual([0, 1, 2, 3]);
    // the counts stay the whole connection's
    expect((c['counts'] as { frames: number }).frames).toBe(10);
    // the packets of the data and closing phases follow the frames held; the others all stay
    const held = new Set(frames(c).flatMap((f) => f.packets));
    const expected = packets(whole).filter((e) => !['data', 'closing'].includes(e.phase) || held.has(e.packet));
    expect(packets(c)).toEqual(expected);
    expect(packets(c).length).toBeLessThan(packets(whole).length);
    expect(packets(c).some((e) => e.phase === 'tcp-teardown')).toBe(true);
    expect(end['cut']).toEqual({ budget: 4, connections: 1, shown: 4, frames: 10 });
  });

  it('spends one budget over the capture: the connections after it keep no frame', () => {
    const all = made('captures/mixed_network.pcap', []);
    const withFrames = [...all.conns.values()].filter((c) => frames(c).length > 0);
    expect(withFrames.length).toBe(2);
    const { conns, end } = made('captures/mixed_network.pcap', ['--html-frames', '3']);
    const cut = [...conns.values()].filter((c) => c['cut'] !== undefined).map((c) => c['cut'] as { shown: number; frames: number });
    expect(cut.map((c) => c.frames).sort()).toEqual(withFrames.map((c) => frames(c).length).sort());
    expect(cut.map((c) => c.shown).sort()).toEqual([0, 3]);
    expect([...conns.values()].reduce((n, c) => n + frames(c).length, 0)).toBe(3);
    expect(end['cut']).toEqual({ budget: 3, connections: 2, shown: 3, frames: 22 });
    // the connections without frames are written as they were
    for (const [id, c] of all.conns) if (frames(c).length === 0) expect(conns.get(id)).toEqual(c);
  });

  it('tells the story, the verdict and the counts of a cut connection whole: only its lists are cut', () => {
    const LISTS = ['frames', 'messages', 'timeline', 'diagnostics', 'cut'];
    const head = (c: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(c).filter(([k]) => !LISTS.includes(k)));
    for (const [file, budget] of [['captures/mixed_network.pcap', '3'], ['captures/py_echo_deflate.pcap', '5'], ['captures/violations/app.engineio-bad-packet.pcap', '1']] as const) {
      const whole = made(file, []).conns;
      const { conns } = made(file, ['--html-frames', budget]);
      const cut = [...conns.values()].filter((c) => c['cut'] !== undefined);
      expect(cut.length, file).toBeGreaterThan(0);
      for (const c of cut) expect(head(c), `${file} ${String(c['id'])}`).toEqual(head(whole.get(c['id'] as number)!));
    }
  });

  it('counts the frames a selection keeps, and all lifts it', () => {
    const { conns, end } = made('captures/ws_echo.pcap', ['--from', 'client', '--html-frames', '5']);
    expect(conns.get(0)!['cut']).toBeUndefined();
    expect(end['cut']).toBeUndefined();
    expect(frames(made('captures/mixed_network.pcap', ['--html-frames', 'all']).conns.get(1)!).length).toBeGreaterThan(0);
    expect(made('captures/mixed_network.pcap', ['--html-frames', 'all']).end['cut']).toBeUndefined();
  });

  it('is refused when it is not a whole number, and without --html', () => {
    for (const [args, words] of [
      [['--html', '-', '--html-frames', '0'], '--html-frames takes a whole number of at least 1 or "all", not "0"'],
      [['--html', '-', '--html-frames', 'many'], '--html-frames takes a whole number of at least 1 or "all", not "many"'],
      [['--html', '-', '--html-frames', 'ALL'], '--html-frames takes a whole number of at least 1 or "all", not "ALL"'],
      [['--html-frames', '5'], '--html-frames is for the HTML report (--html FILE)'],
      [['--json', '--html-frames', '5'], '--html-frames is for the HTML report (--html FILE)'],
    ] as const) {
      const r = spawnSync(process.execPath, ['dist/cli.js', 'captures/ws_echo.pcap', ...args], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`wsdissect: ${words}\n`);
    }
  });
});
