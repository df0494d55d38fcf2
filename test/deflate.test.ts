import { deflateRawSync, constants } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDeflateResponse, deflateRules, parseDeflate } from '../src/deflate/negotiation.js';
import { deflateParamText, diagnosticText } from '../src/text/diagnostics.js';
import { diagnosticTextZh } from '../src/text/zh-CN/diagnostics.js';
import { InflateContext, inflateMessage, MAX_OPEN_INFLATERS, openInflaters } from '../src/deflate/inflate.js';
import { analyze, codes, only } from './support/analyze.js';
import { Conversation, MASK, upgradeRequest, upgradeResponse, wsFrame } from './support/pcap.js';

/** A message compressed as RFC 7692 §7.2.1 says: raw deflate, sync flush, the 00 00 ff ff tail removed. */
function compress(text: string | Buffer): Buffer {
  const out = deflateRawSync(typeof text === 'string' ? Buffer.from(text) : text, { finishFlush: constants.Z_SYNC_FLUSH });
  return out.subarray(0, out.length - 4);
}

describe('permessage-deflate negotiation (RFC 7692 §7)', () => {
  it.each<[string, boolean, string[]]>([
    ['permessage-deflate', false, []],
    ['permessage-deflate; client_max_window_bits', false, []],
    ['permessage-deflate; server_max_window_bits=10; client_max_window_bits="12"', false, []],
    ['permessage-deflate; server_no_context_takeover; client_no_context_takeover', true, []],
    ['permessage-deflate; client_max_window_bits', true, ['client_max_window_bits in a response must have a value']],
    ['permessage-deflate; server_max_window_bits', false, ['server_max_window_bits must be a number from 8 to 15 (got no value)']],
    ['permessage-deflate; server_max_window_bits=16', false, ['server_max_window_bits must be a number from 8 to 15 (got "16")']],
    ['permessage-deflate; client_max_window_bits=07', false, ['client_max_window_bits must be a number from 8 to 15 (got "07")']],
    ['permessage-deflate; server_no_context_takeover=yes', true, ['server_no_context_takeover must not have a value (got "yes")']],
    ['permessage-deflate; server_no_context_takeover; server_no_context_takeover', true, ['server_no_context_takeover is given more than once']],
    ['permessage-deflate; x_custom', true, ['unknown parameter x_custom']],
  ])('%s (as a response: %s)', (text, asResponse, problems) => {
    // the facts, in the words the diagnostics and --decode-as use
    expect(parseDeflate(text, asResponse).problems.map(deflateParamText)).toEqual(problems);
  });

  it.each<[string, string[], string, string | null]>([
    ['the plain answer to a plain offer', ['permessage-deflate'], 'permessage-deflate', null],
    ['a smaller client window when the client offered one', ['permessage-deflate; client_max_window_bits'], 'permessage-deflate; client_max_window_bits=10', null],
    ['a server window the client did not ask for (allowed)', ['permessage-deflate'], 'permessage-deflate; server_max_window_bits=12', null],
    ['the second of two offers', ['permessage-deflate; server_max_window_bits=10', 'permessage-deflate'], 'permessage-deflate', null],
    ['client_max_window_bits not offered', ['permessage-deflate'], 'permessage-deflate; client_max_window_bits=10', 'the response sets client_max_window_bits, which the client did not offer'],
    ['a client window above the offered one', ['permessage-deflate; client_max_window_bits=10'], 'permessage-deflate; client_max_window_bits=12', 'above the offered 10'],
    ['a server window above the limit asked', ['permessage-deflate; server_max_window_bits=10'], 'permessage-deflate; server_max_window_bits=12', 'limited server_max_window_bits to 10'],
    ['server_no_context_takeover asked and not granted', ['permessage-deflate; server_no_context_takeover'], 'permessage-deflate', 'does not grant it'],
    ['an unknown parameter in the response', ['permessage-deflate'], 'permessage-deflate; foo=1', 'unknown parameter foo'],
  ])('a response with %s', (_name, offers, response, problem) => {
    const got = checkDeflateResponse(offers, response);
    if (problem === null) return expect(got).toBeNull();
    expect(got).not.toBeNull();
    const facts = { code: 'handshake.extension-not-offered' as const, name: 'permessage-deflate' as const, parameters: got! };
    expect(diagnosticText(facts)).toContain(problem);
    // and in Chinese, with nothing of the English sentence but the parameters' names and values
    const zh = diagnosticTextZh(facts);
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
    const names = [response, ...offers].flatMap((t) => t.split(/[;=]/).map((x) => x.trim())).filter((x) => x !== '').sort((a, b) => b.length - a.length);
    let rest = zh;
    for (const n of names) rest = rest.replaceAll(n, '');
    expect(rest.replace(/"[^"]*"/g, '')).not.toMatch(/[A-Za-z]{3,}/);
  });

  it('gives each direction its context rules', () => {
    expect(deflateRules('permessage-deflate; server_no_context_takeover; client_max_window_bits=9')).toEqual({
      server: { takeover: false, windowBits: 15 },
      client: { takeover: true, windowBits: 9 },
    });
  });
});

describe('inflation (RFC 7692 §7.2.2)', () => {
  it('inflates one message and stops a bomb at the limit', () => {
    const r = inflateMessage(compress('hello'), null, 1000);
    expect(r.ok && r.data.toString()).toBe('hello');
    const bomb = compress(Buffer.alloc(16 * 1024 * 1024, 0x61));
    expect(bomb.length).toBeLessThan(20000);
    expect(inflateMessage(bomb, null, 1024 * 1024)).toMatchObject({ ok: false, reason: 'limit' });
    expect(inflateMessage(Buffer.from('ffffffff', 'hex'), null, 1000)).toMatchObject({ ok: false, reason: 'corrupt' });
  });

  it('keeps the window across messages with context takeover, and not without', async () => {
    // a real sender: one deflate stream, flushed at each message's end
    const { createDeflateRaw } = await import('node:zlib');
    const d = createDeflateRaw({ windowBits: 15 });
    const send = (text: string): Promise<Buffer> =>
      new Promise((resolve) => {
        const parts: Buffer[] = [];
        const on = (c: Buffer): number => parts.push(c);
        d.on('data', on);
        d.write(text);
        d.flush(constants.Z_SYNC_FLUSH, () => {
          d.off('data', on);
          const all = Buffer.concat(parts);
          resolve(all.subarray(0, all.length - 4));
        });
      });
    const text = 'the same words, the same words, the same words';
    const first = await send(text);
    const second = await send(text);
    expect(second.length).toBeLessThan(first.length); // it refers back to the first message
    const taking = new InflateContext({ takeover: true, windowBits: 15 }, 1 << 20);
    expect(taking.inflate(first)).toMatchObject({ ok: true });
    const r = taking.inflate(second);
    expect(r.ok && r.data.toString()).toBe(text);
    const resetting = new InflateContext({ takeover: false, windowBits: 15 }, 1 << 20);
    resetting.inflate(first);
    expect(resetting.inflate(second)).toMatchObject({ ok: false, reason: 'corrupt' });
  });

  it('after a message it could not read, says the context is lost instead of blaming the sender', () => {
    const ctx = new InflateContext({ takeover: true, windowBits: 15 }, 1 << 20);
    ctx.loseContext();
    expect(ctx.inflate(compress('x'))).toMatchObject({ ok: false, reason: 'context-lost' });
  });
});

describe('the inflater of a direction, fed message after message', () => {
  /**
   * A sender's messages, as a deflater with (or without) context takeover
   * makes them: each message compressed with the window before it as the
   * dictionary (what a deflater that keeps its window refers to), flushed
   * and its tail removed; or ended by a block with BFINAL (RFC 7692 §7.2.3.3
   * allows it; the next message starts another deflate stream that may
   * still refer to the window); or not deflate at all. A sender without
   * context takeover may refer to its earlier messages all the same (a
   * fault the inflater must find, as inflating each message alone does).
   */
  const sender = fc.array(
    fc.record({
      text: fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom('the same words again, ', '{"op":"update","id":1}'), fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b).toString('latin1'))),
      repeat: fc.integer({ min: 1, max: 60 }),
      end: fc.constantFrom('flush', 'flush', 'flush', 'final', 'garbage'),
    }),
    { minLength: 1, maxLength: 12 },
  );

  function send(messages: { text: string; repeat: number; end: string }[], takeover: boolean, bits: number, cheat = false): { payload: Buffer; plain: Buffer }[] {
    let window = Buffer.alloc(0);
    return messages.map(({ text, repeat, end }) => {
      const plain = Buffer.from(text.repeat(repeat), 'latin1');
      const opts = { windowBits: Math.max(9, bits), ...((takeover || cheat) && window.length > 0 ? { dictionary: window } : {}) };
      let payload: Buffer;
      if (end === 'garbage') payload = Buffer.concat([Buffer.from([0xff, 0xfe]), plain.subarray(0, 20)]);
      else if (end === 'final') payload = Buffer.concat([deflateRawSync(plain, opts), Buffer.from([0x00])]);
      else {
        const out = deflateRawSync(plain, { ...opts, finishFlush: constants.Z_SYNC_FLUSH });
        payload = out.subarray(0, out.length - 4);
      }
      window = Buffer.concat([window, plain]).subarray(-(1 << Math.max(9, bits)));
      return { payload, plain };
    });
  }

  it('gives what inflating each message alone gives: data, limits, errors and lost context alike', () => {
    fc.assert(
      fc.property(sender, fc.boolean(), fc.integer({ min: 8, max: 15 }), fc.boolean(), fc.constantFrom(1 << 20, 5000, 300), fc.boolean(), (messages, takeover, bits, partial, limit, cheat) => {
        const rules = { takeover, windowBits: bits };
        const stream = new InflateContext(rules, limit, partial);
        const alone = new InflateContext(rules, limit, partial, 'one-shot');
        for (const { payload, plain } of send(messages, takeover, bits, cheat)) {
          const a = stream.inflate(payload);
          const b = alone.inflate(payload);
          expect(a).toEqual(b);
          // and right: a message that inflates is what was sent
          if (a.ok && payload[0] !== 0xff) expect(a.data.equals(plain)).toBe(true);
        }
        stream.close();
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it("uses the direction's own inflater on this Node (the slower path is for a Node whose streams differ)", () => {
    const ctx = new InflateContext({ takeover: true, windowBits: 15 }, 1 << 20);
    expect(ctx.inflate(compress('hello'))).toMatchObject({ ok: true });
    expect(ctx.engine).toBe('stream');
    ctx.close();
  });

  it('keeps at most MAX_OPEN_INFLATERS open, and a direction whose inflater was closed goes on as if it had not been', () => {
    const n = MAX_OPEN_INFLATERS + 44;
    const rules = { takeover: true, windowBits: 15 };
    const directions = Array.from({ length: n }, (_, i) => ({
      stream: new InflateContext(rules, 1 << 20),
      alone: new InflateContext(rules, 1 << 20, false, 'one-shot'),
      // each direction's messages refer back to its earlier ones (the same words, numbered)
      messages: send([0, 1, 2].map((k) => ({ text: `direction ${i}, message ${k}: the same words again and again; `, repeat: 3, end: 'flush' })), true, 15),
    }));
    for (let k = 0; k < 3; k++) {
      for (const d of directions) {
        const { payload, plain } = d.messages[k]!;
        const r = d.stream.inflate(payload);
        expect(r.ok && r.data.equals(plain)).toBe(true);
        expect(r).toEqual(d.alone.inflate(payload));
        expect(openInflaters()).toBeLessThanOrEqual(MAX_OPEN_INFLATERS);
      }
    }
    expect(openInflaters()).toBe(MAX_OPEN_INFLATERS);
    for (const d of directions) d.stream.close();
    expect(openInflaters()).toBe(0);
  });

  it('says a message is over the limit when it passes the limit before it turns out corrupt', () => {
    const out = deflateRawSync(Buffer.alloc(5000, 0x78), { finishFlush: constants.Z_SYNC_FLUSH });
    const payload = Buffer.concat([out.subarray(0, out.length - 4), Buffer.from('ffffffffff', 'hex')]);
    expect(new InflateContext({ takeover: true, windowBits: 15 }, 1000).inflate(payload)).toEqual({ ok: false, reason: 'limit' });
    // within the limit, the same bytes are corrupt
    expect(new InflateContext({ takeover: true, windowBits: 15 }, 10000).inflate(payload)).toMatchObject({ ok: false, reason: 'corrupt' });
  });

  it('holds the sender to its window: a reference into an earlier message further back than the negotiated bits is an error', () => {
    // 1024 bytes with no repeat in them (a fixed pseudo-random sequence); the next message is their first 100 again
    let x = 12345;
    const first = Buffer.from(Array.from({ length: 1024 }, () => ((x = (x * 1103515245 + 12345) % 2 ** 31) >>> 16) & 0xff));
    const flushed = (b: Buffer, dictionary?: Buffer): Buffer => {
      const out = deflateRawSync(b, { finishFlush: constants.Z_SYNC_FLUSH, ...(dictionary ? { dictionary } : {}) });
      return out.subarray(0, out.length - 4);
    };
    const second = flushed(first.subarray(0, 100), first);
    expect(second.length).toBeLessThan(20); // a reference 1024 bytes back
    for (const engine of ['stream', 'one-shot'] as const) {
      const wide = new InflateContext({ takeover: true, windowBits: 15 }, 1 << 20, false, engine);
      expect(wide.inflate(flushed(first))).toMatchObject({ ok: true });
      const r = wide.inflate(second);
      expect(r.ok && r.data.equals(first.subarray(0, 100))).toBe(true);
      // the same messages from a sender that agreed to a window of 512 bytes
      const narrow = new InflateContext({ takeover: true, windowBits: 9 }, 1 << 20, false, engine);
      expect(narrow.inflate(flushed(first))).toMatchObject({ ok: true });
      expect(narrow.inflate(second)).toEqual({ ok: false, reason: 'corrupt', detail: 'invalid distance too far back' });
    }
  });

  it('keeps as its window exactly the last 2^bits bytes inflated, however the messages add up: a reference to the oldest byte reads it', () => {
    // zlib's deflater never refers further back than 2^bits - 262 bytes; the inflater must read any distance up to 2^bits,
    // so the reference to the oldest byte is written by hand: a block of fixed Huffman codes (RFC 1951 §3.2.6) holding one match
    const match = (length: number, distance: number): Buffer => {
      const bits: number[] = [];
      const put = (v: number, n: number): void => {
        for (let i = 0; i < n; i++) bits.push((v >> i) & 1);
      };
      const code = (v: number, n: number): void => {
        for (let i = n - 1; i >= 0; i--) bits.push((v >> i) & 1);
      };
      put(0, 1);
      put(1, 2);
      // lengths 3 to 10 are symbols 257 to 264, 7-bit codes 1 to 8, no extra bits
      code(length - 2, 7);
      let c = 0;
      const extra = (k: number): number => Math.max(0, (k >> 1) - 1);
      const base = (k: number): number => (k < 4 ? k + 1 : ((2 + (k & 1)) << extra(k)) + 1);
      while (distance >= base(c) + (1 << extra(c))) c++;
      code(c, 5);
      put(distance - base(c), extra(c));
      // end of block, then an empty stored block whose LEN and NLEN are the tail a sender leaves off (RFC 7692 §7.2.1)
      code(0, 7);
      put(0, 3);
      while (bits.length % 8 !== 0) bits.push(0);
      return Buffer.from(Array.from({ length: bits.length / 8 }, (_, i) => bits.slice(i * 8, i * 8 + 8).reduce((a, b, k) => a | (b << k), 0)));
    };
    let x = 99;
    const random = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) % 2 ** 31) >>> 16) & 0xff));
    const flushed = (b: Buffer, dictionary: Buffer, bits: number): Buffer => {
      const out = deflateRawSync(b, { windowBits: bits, finishFlush: constants.Z_SYNC_FLUSH, ...(dictionary.length > 0 ? { dictionary } : {}) });
      return out.subarray(0, out.length - 4);
    };
    for (const bits of [9, 10, 12])
      for (const engine of ['stream', 'one-shot'] as const) {
        const size = 1 << bits;
        const context = new InflateContext({ takeover: true, windowBits: bits }, 1 << 20, false, engine);
        let window = Buffer.alloc(0);
        const send = (payload: Buffer, plain: Buffer): void => {
          const r = context.inflate(payload);
          expect(r.ok && r.data.equals(plain), `${engine}, ${bits} bits, window of ${window.length}`).toBe(true);
          window = Buffer.concat([window, plain]).subarray(-size);
        };
        let references = 0;
        // messages of every size up to a little over the window, each followed by the window's oldest 8 bytes again (a reference 2^bits back)
        for (let i = 0; i < 60; i++) {
          const plain = random(1 + ((i * 37) % Math.floor(size * 1.1)));
          send(flushed(plain, window, bits), plain);
          if (window.length === size) {
            send(match(8, size), Buffer.from(window.subarray(0, 8)));
            references++;
          }
        }
        expect(references).toBeGreaterThan(30);
        context.close();
      }
  });

  it('starts the next message afresh after one that did not end between blocks (empty, its tail kept, cut short), as inflating each alone does', () => {
    const text = Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(40));
    const first = compress(text);
    const full = deflateRawSync(text, { finishFlush: constants.Z_SYNC_FLUSH });
    const next = deflateRawSync(Buffer.from('The quick brown fox again'), { finishFlush: constants.Z_SYNC_FLUSH, dictionary: text });
    const after = next.subarray(0, next.length - 4);
    const odd = { empty: Buffer.alloc(0), 'just the tail': Buffer.from([0x00, 0x00, 0xff, 0xff]), 'its tail kept': full, 'cut by 1': first.subarray(0, first.length - 1), 'cut by 5': first.subarray(0, first.length - 5) };
    for (const [name, payload] of Object.entries(odd)) {
      const stream = new InflateContext({ takeover: true, windowBits: 15 }, 1 << 20);
      const alone = new InflateContext({ takeover: true, windowBits: 15 }, 1 << 20, false, 'one-shot');
      // the odd message after a first one, so that the next may refer to the first's text in both
      const sent = name === 'its tail kept' ? [payload, after] : [first, payload, after];
      const got = sent.map((p) => [stream.inflate(p), alone.inflate(p)]);
      for (const [a, b] of got) expect(a, name).toEqual(b);
      expect(stream.engine).toBe('stream');
      stream.close();
    }
    // the message after an empty one is read right
    const ctx = new InflateContext({ takeover: true, windowBits: 15 }, 1 << 20);
    ctx.inflate(first);
    ctx.inflate(Buffer.alloc(0));
    expect(ctx.inflate(after)).toEqual({ ok: true, data: Buffer.from('The quick brown fox again') });
    ctx.close();
  });
});

describe('compressed conversations through the pipeline', () => {
  const ext = ['Sec-WebSocket-Extensions: permessage-deflate'];
  const offer = ['Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits'];

  it('joins a fragmented compressed message before inflating it, RSV1 on its first frame only', async () => {
    const whole = compress('fragmented and compressed, fragmented and compressed');
    const conv = new Conversation()
      .handshake()
      .send('client', upgradeRequest(offer))
      .send('server', upgradeResponse(ext))
      .send('server', wsFrame({ opcode: 1, rsv1: true, fin: false, payload: whole.subarray(0, 7) }))
      .send('server', wsFrame({ opcode: 0, fin: false, payload: whole.subarray(7, 12) }))
      .send('server', wsFrame({ opcode: 0, payload: whole.subarray(12) }));
    const c = only(await analyze(conv.pcap()));
    expect(c.messages).toHaveLength(1);
    expect(c.messages[0]).toMatchObject({ compressed: true, length: whole.length, inflatedLength: 52 });
    expect(c.messages[0]!.payload.toString()).toBe('fragmented and compressed, fragmented and compressed');
    expect(c.compression).toEqual({ client: { wire: 0, inflated: 0 }, server: { wire: whole.length, inflated: 52 } });
    expect(c.diagnostics).toEqual([]);
  });

  it('judges UTF-8 on the inflated text', async () => {
    const conv = new Conversation()
      .handshake()
      .send('client', upgradeRequest(offer))
      .send('server', upgradeResponse(ext))
      .send('server', wsFrame({ opcode: 1, rsv1: true, payload: compress(Buffer.from([0x61, 0xc3, 0x28])) }));
    expect(codes(only(await analyze(conv.pcap())))).toEqual(['message.invalid-utf8']);
  });

  it('flags a response that accepts parameters the client cannot accept', async () => {
    const conv = new Conversation().handshake().send('client', upgradeRequest(['Sec-WebSocket-Extensions: permessage-deflate'])).send('server', upgradeResponse(['Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10']));
    const c = only(await analyze(conv.pcap()));
    expect(codes(c)).toEqual(['handshake.extension-not-offered']);
    expect(c.diagnostics[0]!.message).toContain('client_max_window_bits');
    expect(c.diagnostics[0]!.rfc).toBe('RFC 7692 §7.1');
  });
});

describe('ping and pong (RFC 6455 §5.5.2, §5.5.3)', () => {
  const ping = (data: string, mask: Buffer | null = MASK) => wsFrame({ opcode: 9, payload: Buffer.from(data), mask });
  const pong = (data: string, mask: Buffer | null = null) => wsFrame({ opcode: 10, payload: Buffer.from(data), mask });
  const closing = (c: Conversation) =>
    c
      .send('client', wsFrame({ opcode: 8, payload: Buffer.from([3, 232]), mask: MASK }))
      .send('server', wsFrame({ opcode: 8, payload: Buffer.from([3, 232]) }))
      .fin('server')
      .fin('client');
  const upgraded = () => new Conversation().handshake().send('client', upgradeRequest()).send('server', upgradeResponse());

  it('matches a pong to its ping and measures the round trip', async () => {
    const c = only(await analyze(closing(upgraded().send('client', ping('a')).send('server', pong('a'))).pcap()));
    const p = c.frames.find((f) => f.opcode === 10)!;
    expect(p.answers).toMatchObject({ frame: 0, packet: 6 });
    expect(p.answers!.rtt).toBeCloseTo(0.001, 5);
    expect(c.diagnostics).toEqual([]);
  });

  it('flags a pong whose data differs from the ping', async () => {
    const c = only(await analyze(closing(upgraded().send('client', ping('abc')).send('server', pong('xyz'))).pcap()));
    expect(codes(c)).toEqual(['pong.payload-mismatch']);
    expect(c.diagnostics[0]).toMatchObject({ packet: 7, from: 'server' });
    expect(c.diagnostics[0]!.message).toContain('"xyz"');
  });

  it('flags a ping never answered, but not one superseded by a later answered ping, nor a heartbeat pong', async () => {
    const c = only(await analyze(closing(upgraded().send('server', pong('beat')).send('client', ping('1')).send('client', ping('2')).send('server', pong('2')).send('client', ping('3'))).pcap()));
    expect(codes(c)).toEqual(['ping.unanswered']);
    expect(c.diagnostics[0]!.message).toContain('ping in packet 10 got no pong');
  });
});
