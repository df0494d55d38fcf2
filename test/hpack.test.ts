// HPACK (src/http2/hpack.ts) against RFC 7541 itself: the integer examples
// of C.1, the representations of C.2, the three requests of C.3 and C.4 and
// the three responses of C.5 and C.6 (each series on one decoder, the
// dynamic table checked after each block, entry by entry and in size), the
// Huffman code against Appendix B's codes, and the errors §5 and §6 name.
import { describe, expect, it } from 'vitest';
import { EOS, HpackDecoder, huffmanCodes, huffmanDecode, readInteger, STATIC_TABLE } from '../src/http2/hpack.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const pairs = (d: ReturnType<HpackDecoder['decode']>): [string, string][] => d.fields.map((f) => [f.name, f.value]);

describe('integers (RFC 7541 §5.1, C.1)', () => {
  it('C.1.1: 10 on a 5-bit prefix; C.1.2: 1337 on a 5-bit prefix; C.1.3: 42 on 8 bits', () => {
    expect(readInteger(hex('0a'), 0, 5)).toEqual({ value: 10, end: 1 });
    expect(readInteger(hex('1f9a0a'), 0, 5)).toEqual({ value: 1337, end: 3 });
    expect(readInteger(hex('2a'), 0, 8)).toEqual({ value: 42, end: 1 });
  });

  it('a value cut short, and one past 2^32, are refused', () => {
    expect(readInteger(hex('1f9a'), 0, 5)).toBe('truncated');
    expect(readInteger(hex('1fffffffffff0f'), 0, 5)).toBe('integer-overflow');
  });
});

describe('the Huffman code (Appendix B)', () => {
  const codes = huffmanCodes();
  it('the canonical codes from the lengths are Appendix B\'s', () => {
    // (symbol, code as hex, length) rows of the Appendix, from its start, middle and end
    const rows: [number, number, number][] = [
      [0, 0x1ff8, 13],
      [1, 0x7fffd8, 23],
      [10, 0x3ffffffc, 30],
      [32, 0x14, 6],
      [48, 0x0, 5],
      [58, 0x5c, 7],
      [92, 0x7fff0, 19],
      [97, 0x3, 5],
      [127, 0xffffffc, 28],
      [128, 0xfffe6, 20],
      [195, 0x7fff1, 19],
      [220, 0xffffffd, 28],
      [255, 0x3ffffee, 26],
      [EOS, 0x3fffffff, 30],
    ];
    for (const [symbol, code, length] of rows) expect(codes[symbol], `symbol ${symbol}`).toEqual({ code, length });
    // a complete prefix code: Kraft's sum is exactly 1
    expect(codes.reduce((s, c) => s + 2 ** -c.length, 0)).toBe(1);
  });

  it('decodes the strings of C.4 and C.6', () => {
    const cases: [string, string][] = [
      ['f1e3 c2e5 f23a 6ba0 ab90 f4ff', 'www.example.com'],
      ['a8eb 1064 9cbf', 'no-cache'],
      ['25a8 49e9 5ba9 7d7f', 'custom-key'],
      ['25a8 49e9 5bb8 e8b4 bf', 'custom-value'],
      ['6402', '302'],
      ['aec3 771a 4b', 'private'],
      ['d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff', 'Mon, 21 Oct 2013 20:13:21 GMT'],
      ['9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3', 'https://www.example.com'],
      ['9bd9 ab', 'gzip'],
      ['94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1'],
    ];
    for (const [coded, text] of cases) expect(huffmanDecode(hex(coded))).toEqual({ bytes: Buffer.from(text) });
  });

  it('every byte value, coded by the codes and decoded back', () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    let bits = '';
    for (const b of bytes) bits += codes[b]!.code.toString(2).padStart(codes[b]!.length, '0');
    bits += '1'.repeat((8 - (bits.length % 8)) % 8);
    const coded = Buffer.from(bits.match(/.{8}/g)!.map((x) => parseInt(x, 2)));
    expect(huffmanDecode(coded)).toEqual({ bytes });
  });

  it('refuses padding of 8 bits or more, padding that is not all ones, and EOS inside (§5.2)', () => {
    // "0" is 00000 then 111 of padding: fine; a whole extra octet of ones is not
    expect(huffmanDecode(hex('07'))).toEqual({ bytes: Buffer.from('0') });
    expect(huffmanDecode(hex('07ff'))).toEqual({ error: 'huffman-padding' });
    expect(huffmanDecode(hex('06'))).toEqual({ error: 'huffman-padding' });
    expect(huffmanDecode(hex('ffffffff'))).toEqual({ error: 'huffman-eos' });
  });
});

describe('representations (C.2)', () => {
  it('C.2.1 literal with indexing: added to the table (size 55)', () => {
    const d = new HpackDecoder();
    const r = d.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572'));
    expect(pairs(r)).toEqual([['custom-key', 'custom-header']]);
    expect(r.fields[0]!.representation).toBe('incremental');
    expect(d.dynamic()).toMatchObject({ entries: [['custom-key', 'custom-header']], size: 55 });
  });

  it('C.2.2 without indexing, C.2.3 never indexed, C.2.4 indexed: the table stays empty', () => {
    const d = new HpackDecoder();
    const a = d.decode(hex('040c 2f73 616d 706c 652f 7061 7468'));
    expect(pairs(a)).toEqual([[':path', '/sample/path']]);
    expect(a.fields[0]!.representation).toBe('without');
    const b = d.decode(hex('1008 7061 7373 776f 7264 0673 6563 7265 74'));
    expect(pairs(b)).toEqual([['password', 'secret']]);
    expect(b.fields[0]!.representation).toBe('never');
    const c = d.decode(hex('82'));
    expect(pairs(c)).toEqual([[':method', 'GET']]);
    expect(d.dynamic()).toMatchObject({ entries: [], size: 0 });
  });
});

const REQUESTS: [string, [string, string][], [string, string][], number][] = [
  [
    '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
    [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com']],
    [[':authority', 'www.example.com']],
    57,
  ],
  [
    '8286 84be 5808 6e6f 2d63 6163 6865',
    [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com'], ['cache-control', 'no-cache']],
    [['cache-control', 'no-cache'], [':authority', 'www.example.com']],
    110,
  ],
  [
    '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65',
    [[':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], [':authority', 'www.example.com'], ['custom-key', 'custom-value']],
    [['custom-key', 'custom-value'], ['cache-control', 'no-cache'], [':authority', 'www.example.com']],
    164,
  ],
];
const HUFFMAN_REQUESTS = ['8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff', '8286 84be 5886 a8eb 1064 9cbf', '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf'];

const DATE1 = 'Mon, 21 Oct 2013 20:13:21 GMT';
const DATE2 = 'Mon, 21 Oct 2013 20:13:22 GMT';
const COOKIE = 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1';
const RESPONSES: [string, [string, string][], [string, string][], number][] = [
  [
    '4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
    [[':status', '302'], ['cache-control', 'private'], ['date', DATE1], ['location', 'https://www.example.com']],
    [['location', 'https://www.example.com'], ['date', DATE1], ['cache-control', 'private'], [':status', '302']],
    222,
  ],
  [
    '4803 3330 37c1 c0bf',
    [[':status', '307'], ['cache-control', 'private'], ['date', DATE1], ['location', 'https://www.example.com']],
    [[':status', '307'], ['location', 'https://www.example.com'], ['date', DATE1], ['cache-control', 'private']],
    222,
  ],
  [
    '88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31',
    [[':status', '200'], ['cache-control', 'private'], ['date', DATE2], ['location', 'https://www.example.com'], ['content-encoding', 'gzip'], ['set-cookie', COOKIE]],
    [['set-cookie', COOKIE], ['content-encoding', 'gzip'], ['date', DATE2]],
    215,
  ],
];
const HUFFMAN_RESPONSES = [
  '4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3',
  '4883 640e ffc1 c0bf',
  '88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07',
];

describe('a connection\'s blocks in turn, one dynamic table (C.3 to C.6)', () => {
  it.each([
    ['C.3 requests', REQUESTS.map((r) => r[0]), REQUESTS, 4096],
    ['C.4 requests, Huffman-coded', HUFFMAN_REQUESTS, REQUESTS, 4096],
    ['C.5 responses, a table of 256 octets (evictions)', RESPONSES.map((r) => r[0]), RESPONSES, 256],
    ['C.6 responses, Huffman-coded, 256 octets', HUFFMAN_RESPONSES, RESPONSES, 256],
  ] as const)('%s', (_name, blocks, expected, limit) => {
    const d = new HpackDecoder(limit);
    blocks.forEach((block, i) => {
      const r = d.decode(hex(block));
      expect(r.error).toBeNull();
      const [, fields, table, size] = expected[i]!;
      expect(pairs(r)).toEqual(fields);
      expect(d.dynamic().entries).toEqual(table);
      expect(d.dynamic().size).toBe(size);
    });
  });
});

describe('what a decoder refuses (COMPRESSION_ERROR), with where', () => {
  it('index 0, an index past both tables, a block cut inside a string', () => {
    expect(new HpackDecoder().decode(hex('80')).error).toMatchObject({ reason: 'index-zero', at: 0 });
    expect(new HpackDecoder().decode(hex('82 be')).error).toMatchObject({ reason: 'index-out-of-range', at: 1 });
    const cut = new HpackDecoder().decode(hex('82 400a 6375 7374'));
    expect(cut.error).toMatchObject({ reason: 'truncated', at: 1 });
    // what came before the error is given
    expect(pairs(cut)).toEqual([[':method', 'GET']]);
  });

  it('a table size update over SETTINGS_HEADER_TABLE_SIZE, or after a field (§4.2, §6.3); one within it evicts', () => {
    expect(new HpackDecoder(256).decode(hex('3fe1 1f')).error).toMatchObject({ reason: 'table-size-over-limit' });
    expect(new HpackDecoder().decode(hex('82 20')).error).toMatchObject({ reason: 'table-size-update-late', at: 1 });
    const d = new HpackDecoder();
    d.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572'));
    const r = d.decode(hex('20 82'));
    expect(r.sizeUpdates).toEqual([0]);
    expect(d.dynamic()).toMatchObject({ entries: [], size: 0, max: 0 });
  });

  it('the static table is Appendix A\'s 61 entries', () => {
    expect(STATIC_TABLE.length).toBe(61);
    expect(STATIC_TABLE[0]).toEqual([':authority', '']);
    expect(STATIC_TABLE[60]).toEqual(['www-authenticate', '']);
  });
});
