import { describe, expect, it } from 'vitest';
import { sectionOf } from '../src/codes.js';
import { decodeFrameHeader, unmask, unmaskInto } from '../src/websocket/frame.js';
import { FrameParser, type DecodedFrame, type FrameEvents } from '../src/websocket/parser.js';
import { MessageAssembler } from '../src/websocket/messages.js';
import { checkCloseBody, checkFrameHeader } from '../src/websocket/checks.js';
import { isValidCloseCode } from '../src/websocket/close.js';
import { closeCodeName } from '../src/text/words.js';
import { MASK, wsFrame } from './support/pcap.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('frame header decoder (RFC 6455 §5.2)', () => {
  // the examples of RFC 6455 §5.7
  it.each([
    ['single-frame unmasked text "Hello"', '81 05 48656c6c6f', { fin: true, opcode: 1, masked: false, payloadLength: 5, headerLength: 2 }],
    ['single-frame masked text "Hello"', '81 85 37fa213d 7f9f4d5158', { fin: true, opcode: 1, masked: true, payloadLength: 5, headerLength: 6 }],
    ['first fragment "Hel"', '01 03 48656c', { fin: false, opcode: 1, payloadLength: 3 }],
    ['unmasked ping "Hello"', '89 05 48656c6c6f', { opcode: 9, payloadLength: 5 }],
    ['256 bytes binary, 16-bit length', '82 7E 0100', { opcode: 2, lengthCode: 126, payloadLength: 256, headerLength: 4 }],
    ['64 KiB binary, 64-bit length', '82 7F 0000000000010000', { opcode: 2, lengthCode: 127, payloadLength: 65536, headerLength: 10 }],
  ])('%s', (_name, bytes, expected) => {
    const r = decodeFrameHeader(hex(bytes));
    expect(r.header).toMatchObject(expected);
  });

  it('says how many bytes a short header needs', () => {
    expect(decodeFrameHeader(hex('81')).need).toBe(2);
    expect(decodeFrameHeader(hex('81 fe 00')).need).toBe(8);
    expect(decodeFrameHeader(hex('82 7f 00 00')).need).toBe(10);
  });

  it('keeps a 64-bit length beyond 2^53 exactly, as text', () => {
    const h = decodeFrameHeader(hex('82 7F 7fffffffffffffff')).header!;
    expect(h.payloadLengthText).toBe('9223372036854775807');
  });

  it('unmasks at any offset into the payload', () => {
    const masked = hex('7f9f4d5158');
    const tail = Buffer.from(masked.subarray(2));
    unmask(tail, MASK, 2);
    expect(tail.toString()).toBe('llo');
  });

  it('unmasks while copying, for every length, source offset and payload offset', () => {
    const src = Buffer.from(Array.from({ length: 40 }, (_, i) => (i * 37 + 11) & 0xff));
    for (let from = 0; from < 5; from++) {
      for (let at = 0; at < 5; at++) {
        for (let n = 0; n <= 17; n++) {
          const dst = Buffer.alloc(n);
          unmaskInto(src, from, dst, MASK, at);
          const expected = Buffer.from(Array.from({ length: n }, (_, i) => src[from + i]! ^ MASK[(at + i) % 4]!));
          expect(dst.equals(expected), `from ${from}, at ${at}, ${n} bytes`).toBe(true);
        }
      }
    }
  });

  it('decodes a header in the middle of a buffer', () => {
    const b = Buffer.concat([hex('ffff'), hex('81 85 37fa213d 7f9f4d5158')]);
    const h = decodeFrameHeader(b, 2).header!;
    expect(h).toMatchObject({ opcode: 1, masked: true, payloadLength: 5, headerLength: 6 });
    expect(h.maskingKey!.toString('hex')).toBe('37fa213d');
    expect(decodeFrameHeader(b.subarray(0, 6), 2).need).toBe(6);
  });
});

function collect(out: DecodedFrame[], notes: string[] = []): FrameEvents {
  return {
    frame: (f) => out.push(f),
    resync: (skipped, packet, masked) => notes.push(`resync ${skipped} at ${packet}${masked ? ' masked' : ''}`),
    unsynced: (skipped) => notes.push(`unsynced ${skipped}`),
  };
}

describe('frame parser', () => {
  const stream = Buffer.concat([
    wsFrame({ opcode: 1, payload: Buffer.from('Hello'), mask: MASK }),
    wsFrame({ opcode: 2, payload: Buffer.alloc(300, 7) }),
    wsFrame({ opcode: 9, payload: Buffer.alloc(0) }),
    wsFrame({ opcode: 2, payload: Buffer.alloc(70000, 1), mask: MASK }),
    wsFrame({ opcode: 8, payload: hex('03e8 627965'), mask: MASK }),
  ]);

  function parse(chunks: Buffer[]): DecodedFrame[] {
    const p = new FrameParser();
    const out: DecodedFrame[] = [];
    chunks.forEach((c, i) => p.push(c, i + 1, i, collect(out)));
    return out;
  }

  const whole = parse([stream]);

  it('decodes several frames in one chunk', () => {
    expect(whole.map((f) => [f.header.opcode, f.header.payloadLength, f.complete])).toEqual([
      [1, 5, true],
      [2, 300, true],
      [9, 0, true],
      [2, 70000, true],
      [8, 5, true],
    ]);
    expect(whole[0]!.payload.toString()).toBe('Hello');
    expect(whole[3]!.payload.equals(Buffer.alloc(70000, 1))).toBe(true);
    expect(whole[4]!.payload.subarray(2).toString()).toBe('bye');
  });

  it('gives the same frames when the bytes are split at any point', () => {
    const small = stream.subarray(0, stream.length - 70000 - 10 - 4 - 11);
    const expected = parse([small]);
    for (let cut = 1; cut < small.length; cut++) {
      const got = parse([small.subarray(0, cut), small.subarray(cut)]);
      expect(got.map((f) => [f.header.opcode, f.payload.toString('hex')])).toEqual(expected.map((f) => [f.header.opcode, f.payload.toString('hex')]));
    }
  });

  it('lists every packet that carried a frame that spans many', () => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 1448) chunks.push(stream.subarray(i, i + 1448));
    const frames = parse(chunks);
    const big = frames[3]!;
    expect(big.packets[0]).toBe(1);
    expect(big.packets.length).toBe(Math.ceil(stream.length / 1448) - 0);
    expect(big.packet).toBe(big.packets[big.packets.length - 1]);
    expect(big.payload.equals(Buffer.alloc(70000, 1))).toBe(true);
  });

  it('holds at most the configured payload bytes, and hands on an unfinished frame at the end', () => {
    const p = new FrameParser(10);
    const out: DecodedFrame[] = [];
    p.push(wsFrame({ opcode: 2, payload: Buffer.alloc(100, 9) }).subarray(0, 50), 1, 0, collect(out));
    expect(p.partial?.received).toBe(48);
    p.end(collect(out));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ complete: false, received: 48 });
    expect(out[0]!.payload.length).toBe(10);
  });
});

describe('message assembly (RFC 6455 §5.4)', () => {
  function assemble(frames: { opcode: number; fin: boolean; data: string }[]) {
    let next = 0;
    const a = new MessageAssembler(() => next++, false);
    return frames.map((f, index) => a.frame({ index, opcode: f.opcode, fin: f.fin, rsv1: false, payload: Buffer.from(f.data), payloadLength: f.data.length }));
  }

  it('joins fragments with a control frame between them', () => {
    const steps = assemble([
      { opcode: 1, fin: false, data: 'Hel' },
      { opcode: 9, fin: true, data: 'p' },
      { opcode: 0, fin: true, data: 'lo' },
    ]);
    expect(steps.map((s) => s.message)).toEqual([0, null, 0]);
    expect(steps[2]!.completed).toMatchObject({ index: 0, frames: [0, 2], length: 5, complete: true });
    expect(steps[2]!.completed!.payload.toString()).toBe('Hello');
  });

  it('flags a continuation with nothing open and a new message inside an open one', () => {
    const steps = assemble([
      { opcode: 0, fin: true, data: 'x' },
      { opcode: 1, fin: false, data: 'a' },
      { opcode: 2, fin: true, data: 'b' },
    ]);
    expect(steps[0]!.findings.map((f) => f.code)).toEqual(['frame.unexpected-continuation']);
    expect(steps[2]!.findings.map((f) => f.code)).toEqual(['frame.expected-continuation']);
    expect(steps[2]!.abandoned).toMatchObject({ index: 0, complete: false });
    expect(steps[2]!.completed).toMatchObject({ index: 1, complete: true });
  });
});

describe('frame rules', () => {
  const h = (bytes: Buffer) => decodeFrameHeader(bytes).header!;

  it.each<[string, Buffer, 'client' | 'server', boolean, string[]]>([
    ['a masked client text frame', wsFrame({ opcode: 1, mask: MASK, payload: Buffer.from('a') }), 'client', false, []],
    ['an unmasked client frame', wsFrame({ opcode: 1, payload: Buffer.from('a') }), 'client', false, ['frame.client-unmasked']],
    ['a masked server frame', wsFrame({ opcode: 1, mask: MASK }), 'server', false, ['frame.server-masked']],
    ['a reserved opcode', wsFrame({ opcode: 3 }), 'server', false, ['frame.reserved-opcode']],
    ['a 126-byte ping', wsFrame({ opcode: 9, payload: Buffer.alloc(126) }), 'server', false, ['frame.control-too-long']],
    ['a fragmented close', wsFrame({ opcode: 8, fin: false }), 'server', false, ['frame.control-fragmented']],
    ['a 16-bit length of 5', wsFrame({ opcode: 2, payload: Buffer.alloc(5), lengthForm: 16 }), 'server', false, ['frame.length-not-minimal']],
    ['RSV1 without an extension', wsFrame({ opcode: 1, rsv1: true }), 'server', false, ['frame.rsv-without-extension']],
    ['RSV1 under permessage-deflate', wsFrame({ opcode: 1, rsv1: true }), 'server', true, []],
    ['RSV2 under permessage-deflate', wsFrame({ opcode: 1, rsv2: true }), 'server', true, ['frame.rsv-without-extension']],
    ['RSV1 on a ping under permessage-deflate', wsFrame({ opcode: 9, rsv1: true }), 'server', true, ['frame.rsv1-on-control']],
    ['RSV1 on a continuation under permessage-deflate', wsFrame({ opcode: 0, rsv1: true }), 'server', true, ['frame.rsv1-on-continuation']],
  ])('%s', (_name, bytes, from, deflate, codes) => {
    const found = checkFrameHeader(h(bytes), { from, deflate });
    expect(found.map((f) => f.code)).toEqual(codes);
    // the section is the registry's (src/codes.ts)
    for (const f of found) expect(sectionOf(f.code, f.rfc)).toMatch(/^RFC (6455|7692) §/);
  });

  it('flags a 64-bit length with its top bit set', () => {
    const found = checkFrameHeader(h(hex('82 7F 8000000000000001')), { from: 'server', deflate: false });
    expect(found.map((f) => f.code)).toEqual(['frame.length-msb-set']);
  });

  it('does not flag 2^63 - 1, the largest length allowed (a double would round it up to 2^63)', () => {
    expect(checkFrameHeader(h(hex('82 7F 7fffffffffffffff')), { from: 'server', deflate: false })).toEqual([]);
    expect(checkFrameHeader(h(hex('82 7F 8000000000000000')), { from: 'server', deflate: false }).map((f) => f.code)).toEqual(['frame.length-msb-set']);
  });

  it.each<[string, string, string[]]>([
    ['an empty body', '', []],
    ['1000 with a reason', '03e8 627965', []],
    ['a one-byte body', '03', ['close.payload-one-byte']],
    ['code 1005', '03ed', ['close.invalid-code']],
    ['code 999', '03e7', ['close.invalid-code']],
    ['code 4000', '0fa0', []],
    ['a reason that is not UTF-8', '03e8 c328', ['close.invalid-utf8-reason']],
  ])('close body: %s', (_name, body, codes) => {
    expect(checkCloseBody(hex(body)).map((f) => f.code)).toEqual(codes);
  });

  it('names the close codes', () => {
    expect(closeCodeName(1000)).toBe('Normal Closure');
    expect(closeCodeName(1012)).toBe('Service Restart');
    expect(closeCodeName(1014)).toBe('Bad Gateway');
    expect(closeCodeName(3001)).toMatch(/registered/);
    expect(closeCodeName(4001)).toBe('private use');
    expect([1000, 1015, 2999, 3000, 4999, 5000].map(isValidCloseCode)).toEqual([true, false, false, true, true, false]);
  });
});
