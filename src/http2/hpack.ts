// HPACK (RFC 7541): the header compression of HTTP/2, decoding side. A
// decoder per direction of a connection keeps that direction's dynamic table
// (§2.3.2); each header block (HEADERS and its CONTINUATIONs) is decoded in
// order, since every block may change the table the next one reads. Pure:
// bytes in, header fields (or the first error, with where it was) out.
//
// Names and values are octets; they are given as latin1 text (one character
// a byte), as the HTTP/1.1 heads are (http/head.ts), so that nothing a
// capture holds is lost or replaced.

/** A header field as a block carries it, and how it was represented (§6). */
export interface HeaderField {
  name: string;
  value: string;
  /** indexed: from a table; incremental: a literal added to the table; without / never: a literal left out of it (never: §6.2.3) */
  representation: 'indexed' | 'incremental' | 'without' | 'never';
  /** the value (or name) was Huffman-coded (§5.2) */
  huffman: boolean;
}

/** Why a block could not be decoded: HTTP/2's COMPRESSION_ERROR (RFC 9113 §4.3), with where in the block. */
export interface HpackError {
  reason: 'truncated' | 'integer-overflow' | 'index-zero' | 'index-out-of-range' | 'huffman-eos' | 'huffman-padding' | 'table-size-over-limit' | 'table-size-update-late';
  /** the offset in the block where the failing representation starts */
  at: number;
  detail: string;
}

export interface DecodedBlock {
  fields: HeaderField[];
  /** dynamic table size updates the block began with (§4.2, §6.3) */
  sizeUpdates: number[];
  /** null when the whole block was decoded */
  error: HpackError | null;
}

/** The static table (Appendix A): index 1 to 61. */
export const STATIC_TABLE: readonly (readonly [string, string])[] = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''],
  ['accept-ranges', ''],
  ['accept', ''],
  ['access-control-allow-origin', ''],
  ['age', ''],
  ['allow', ''],
  ['authorization', ''],
  ['cache-control', ''],
  ['content-disposition', ''],
  ['content-encoding', ''],
  ['content-language', ''],
  ['content-length', ''],
  ['content-location', ''],
  ['content-range', ''],
  ['content-type', ''],
  ['cookie', ''],
  ['date', ''],
  ['etag', ''],
  ['expect', ''],
  ['expires', ''],
  ['from', ''],
  ['host', ''],
  ['if-match', ''],
  ['if-modified-since', ''],
  ['if-none-match', ''],
  ['if-range', ''],
  ['if-unmodified-since', ''],
  ['last-modified', ''],
  ['link', ''],
  ['location', ''],
  ['max-forwards', ''],
  ['proxy-authenticate', ''],
  ['proxy-authorization', ''],
  ['range', ''],
  ['referer', ''],
  ['refresh', ''],
  ['retry-after', ''],
  ['server', ''],
  ['set-cookie', ''],
  ['strict-transport-security', ''],
  ['transfer-encoding', ''],
  ['user-agent', ''],
  ['vary', ''],
  ['via', ''],
  ['www-authenticate', ''],
];

/**
 * The length in bits of each symbol's Huffman code (Appendix B's "len"
 * column, symbols 0 to 255 and EOS, 256). The code is canonical: sorted by
 * length, then by symbol, each code the previous one plus one (shifted left
 * when the length grows), so these lengths alone give every code, as the
 * Appendix's "code as hex" column lists them (test/hpack.test.ts compares).
 */
const HUFFMAN_LENGTHS = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30,
] as const;

export const EOS = 256;

/** Each symbol's code, from the lengths (canonical assignment). */
export function huffmanCodes(): { code: number; length: number }[] {
  const order = HUFFMAN_LENGTHS.map((length, symbol) => ({ symbol, length })).sort((a, b) => a.length - b.length || a.symbol - b.symbol);
  const codes: { code: number; length: number }[] = new Array(HUFFMAN_LENGTHS.length);
  let code = 0;
  let length = order[0]!.length;
  for (const [i, s] of order.entries()) {
    if (i > 0) {
      code++;
      // (a 30-bit code: multiplication, not a shift, keeps it exact)
      code *= 2 ** (s.length - length);
    }
    length = s.length;
    codes[s.symbol] = { code, length };
  }
  return codes;
}

/**
 * The decoding tree: node n's children at 2n and 2n + 1 of `next` (0: none);
 * a leaf holds -1 - symbol. Built once from the codes.
 */
const tree = ((): Int32Array => {
  const codes = huffmanCodes();
  // at most one internal node per bit of every code
  const next = new Int32Array(2 * 4096);
  let nodes = 1;
  for (const [symbol, { code, length }] of codes.entries()) {
    let node = 0;
    for (let bit = length - 1; bit >= 0; bit--) {
      const b = Math.floor(code / 2 ** bit) % 2;
      const slot = 2 * node + b;
      if (bit === 0) next[slot] = -1 - symbol;
      else {
        if (next[slot] === 0) next[slot] = nodes++;
        node = next[slot]!;
      }
    }
  }
  return next;
})();

/** A Huffman-coded string (§5.2): its octets, or why not (EOS inside, padding longer than 7 bits or not all ones). */
export function huffmanDecode(src: Uint8Array, start = 0, end = src.length): { bytes: Buffer } | { error: 'huffman-eos' | 'huffman-padding' } {
  const out: number[] = [];
  let node = 0;
  /** bits read since the last symbol, and whether they were all ones (padding is a prefix of EOS) */
  let pending = 0;
  let ones = true;
  for (let i = start; i < end; i++) {
    const byte = src[i]!;
    for (let bit = 7; bit >= 0; bit--) {
      const b = (byte >> bit) & 1;
      const n = tree[2 * node + b]!;
      pending++;
      if (b === 0) ones = false;
      if (n < 0) {
        const symbol = -1 - n;
        if (symbol === EOS) return { error: 'huffman-eos' };
        out.push(symbol);
        node = 0;
        pending = 0;
        ones = true;
      } else node = n;
    }
  }
  if (pending > 7 || !ones) return { error: 'huffman-padding' };
  return { bytes: Buffer.from(out) };
}

/** An integer with an N-bit prefix (§5.1) at `at`: its value and where it ends, or null when the block ends first or it passes 2^32. */
export function readInteger(src: Uint8Array, at: number, prefix: number): { value: number; end: number } | 'truncated' | 'integer-overflow' {
  if (at >= src.length) return 'truncated';
  const max = (1 << prefix) - 1;
  let value = src[at]! & max;
  let i = at + 1;
  if (value < max) return { value, end: i };
  let shift = 0;
  for (;;) {
    if (i >= src.length) return 'truncated';
    const b = src[i++]!;
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (value > 0xffffffff) return 'integer-overflow';
    if ((b & 0x80) === 0) return { value, end: i };
  }
}

/** The size an entry takes in the dynamic table (§4.1): its octets and 32. */
export function entrySize(name: string, value: string): number {
  return name.length + value.length + 32;
}

/**
 * One direction's decoder: its dynamic table, and the most the other side
 * allowed it to be (SETTINGS_HEADER_TABLE_SIZE, 4096 until a SETTINGS frame
 * says otherwise).
 */
export class HpackDecoder {
  /** newest first (§2.3.3: index 62 is the newest) */
  private readonly table: [string, string][] = [];
  private size = 0;
  /** the table's current maximum (§4.2), set by size updates within the limit */
  private max: number;

  constructor(private limit = 4096) {
    this.max = limit;
  }

  /** The peer's SETTINGS_HEADER_TABLE_SIZE: the most a size update may set. */
  setLimit(limit: number): void {
    this.limit = limit;
  }

  /** The dynamic table, newest first, and its size in octets (as §4.1 counts it). */
  dynamic(): { entries: readonly (readonly [string, string])[]; size: number; max: number } {
    return { entries: this.table, size: this.size, max: this.max };
  }

  private field(index: number): readonly [string, string] | null {
    if (index >= 1 && index <= STATIC_TABLE.length) return STATIC_TABLE[index - 1]!;
    return this.table[index - STATIC_TABLE.length - 1] ?? null;
  }

  private evict(room: number): void {
    while (this.table.length > 0 && this.size + room > this.max) {
      const [n, v] = this.table.pop()!;
      this.size -= entrySize(n, v);
    }
  }

  private add(name: string, value: string): void {
    const size = entrySize(name, value);
    // an entry larger than the table empties it and is not added (§4.4)
    this.evict(size);
    if (size <= this.max) {
      this.table.unshift([name, value]);
      this.size += size;
    }
  }

  /** A string literal (§5.2) at `at`. */
  private string(src: Uint8Array, at: number): { text: string; huffman: boolean; end: number } | HpackError {
    const huffman = at < src.length && (src[at]! & 0x80) !== 0;
    const len = readInteger(src, at, 7);
    if (typeof len === 'string') return { reason: len, at, detail: 'a string length' };
    const end = len.end + len.value;
    if (end > src.length) return { reason: 'truncated', at, detail: `a string of ${len.value} octets, ${src.length - len.end} left in the block` };
    if (!huffman) return { text: Buffer.from(src.buffer, src.byteOffset + len.end, len.value).toString('latin1'), huffman, end };
    const r = huffmanDecode(src, len.end, end);
    if ('error' in r) return { reason: r.error, at, detail: r.error === 'huffman-eos' ? 'the EOS symbol inside a Huffman-coded string' : 'Huffman padding longer than 7 bits or not all ones' };
    return { text: r.bytes.toString('latin1'), huffman, end };
  }

  /**
   * Decodes a whole header block. The table changes as it goes; on an error
   * the fields decoded before it are given and the connection's compression
   * state can no longer be trusted (HTTP/2 ends the connection there).
   */
  decode(src: Uint8Array): DecodedBlock {
    const fields: HeaderField[] = [];
    const sizeUpdates: number[] = [];
    let at = 0;
    const fail = (e: HpackError): DecodedBlock => ({ fields, sizeUpdates, error: e });
    while (at < src.length) {
      const b = src[at]!;
      if (b & 0x80) {
        // §6.1 indexed header field
        const idx = readInteger(src, at, 7);
        if (typeof idx === 'string') return fail({ reason: idx, at, detail: 'an index' });
        if (idx.value === 0) return fail({ reason: 'index-zero', at, detail: 'index 0 (§6.1)' });
        const f = this.field(idx.value);
        if (f === null) return fail({ reason: 'index-out-of-range', at, detail: `index ${idx.value}, the tables hold ${STATIC_TABLE.length + this.table.length}` });
        fields.push({ name: f[0], value: f[1], representation: 'indexed', huffman: false });
        at = idx.end;
        continue;
      }
      if ((b & 0xe0) === 0x20) {
        // §6.3 dynamic table size update: only at the start of a block (§4.2)
        if (fields.length > 0) return fail({ reason: 'table-size-update-late', at, detail: 'a dynamic table size update after a header field' });
        const size = readInteger(src, at, 5);
        if (typeof size === 'string') return fail({ reason: size, at, detail: 'a table size' });
        if (size.value > this.limit) return fail({ reason: 'table-size-over-limit', at, detail: `a table size of ${size.value}, over the ${this.limit} allowed` });
        this.max = size.value;
        this.evict(0);
        sizeUpdates.push(size.value);
        at = size.end;
        continue;
      }
      // §6.2 literals: with incremental indexing (01), never indexed (0001), without indexing (0000)
      const incremental = (b & 0xc0) === 0x40;
      const prefix = incremental ? 6 : 4;
      const representation = incremental ? 'incremental' : (b & 0xf0) === 0x10 ? 'never' : 'without';
      const idx = readInteger(src, at, prefix);
      if (typeof idx === 'string') return fail({ reason: idx, at, detail: 'a name index' });
      let name: string;
      let next = idx.end;
      let huffman = false;
      if (idx.value === 0) {
        const n = this.string(src, next);
        if ('reason' in n) return fail({ ...n, at });
        name = n.text;
        huffman = n.huffman;
        next = n.end;
      } else {
        const f = this.field(idx.value);
        if (f === null) return fail({ reason: 'index-out-of-range', at, detail: `name index ${idx.value}, the tables hold ${STATIC_TABLE.length + this.table.length}` });
        name = f[0];
      }
      const v = this.string(src, next);
      if ('reason' in v) return fail({ ...v, at });
      fields.push({ name, value: v.text, representation, huffman: huffman || v.huffman });
      if (incremental) this.add(name, v.text);
      at = v.end;
    }
    return { fields, sizeUpdates, error: null };
  }
}
