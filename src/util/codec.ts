// A compact binary form for the items a list spills (util/list.ts): numbers,
// flags, strings and bytes written one after another, read back in the same
// order. Several times cheaper than v8.serialize for the items there are
// millions of (frames, timeline entries), which have a fixed shape.

/** Turns a chunk of items into bytes and back. */
export interface Codec<T> {
  /** the bytes may be a view of a buffer the next encode reuses: write them (or copy them) at once */
  encode(items: readonly T[]): Uint8Array;
  decode(bytes: Buffer): T[];
}

/** A DataView of a buffer's bytes: its number accessors are compiled inline, Buffer's (writeDoubleLE…) copy byte by byte. */
function viewOf(b: Buffer): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

export class Writer {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private view = viewOf(this.buf);
  private at = 0;

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
    this.view = viewOf(grown);
  }

  u8(n: number): void {
    this.room(1);
    this.buf[this.at++] = n;
  }

  u32(n: number): void {
    this.room(4);
    this.view.setUint32(this.at, n, true);
    this.at += 4;
  }

  f64(n: number): void {
    this.room(8);
    this.view.setFloat64(this.at, n, true);
    this.at += 8;
  }

  /** a number, or null (as NaN: no number the items hold is NaN) */
  num(n: number | null): void {
    this.f64(n === null ? Number.NaN : n);
  }

  /**
   * A whole number from 0 up, in as few bytes as it needs (7 bits a byte,
   * the high bit set on all but the last): most numbers a frame or an entry
   * holds (indexes, packet numbers, lengths) take one to three bytes, not
   * eight; the file a long connection spills to is a third smaller.
   */
  uint(n: number): void {
    this.room(5);
    const buf = this.buf;
    let at = this.at;
    if (n >>> 0 === n) {
      // below 2^32: by the bits
      while (n > 0x7f) {
        buf[at++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
      buf[at++] = n;
      this.at = at;
      return;
    }
    if (!(n >= 0 && Number.isInteger(n))) throw new Error(`not a whole number: ${n}`);
    // larger (a double's whole numbers up to 2^1024 take at most 147 bytes; those the items hold, below 2^64, at most 10)
    this.room(Math.ceil(Math.log2(n + 1) / 7) + 1);
    const big = this.buf;
    while (n >= 0x80) {
      big[at++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    big[at++] = n;
    this.at = at;
  }

  /** a whole number from 0 up to 2^53 - 2 (an index, a length held in memory), or null */
  uintOrNull(n: number | null): void {
    if (n !== null && !(n >= 0 && n < Number.MAX_SAFE_INTEGER)) throw new Error(`not a whole number below 2^53 - 1: ${n}`);
    this.uint(n === null ? 0 : n + 1);
  }

  str(s: string): void {
    // at most 3 bytes a UTF-16 unit; the length first, in one byte when below 128 (else the text moves along for it)
    this.room(10 + s.length * 3);
    const start = this.at;
    const n = this.buf.write(s, start + 1, 'utf8');
    if (n < 0x80) {
      this.buf[start] = n;
      this.at = start + 1 + n;
      return;
    }
    let k = 1;
    for (let rest = n; rest >= 0x80; rest = Math.floor(rest / 0x80)) k++;
    this.buf.copyWithin(start + k, start + 1, start + 1 + n);
    this.uint(n);
    this.at = start + k + n;
  }

  strOrNull(s: string | null): void {
    this.u8(s === null ? 0 : 1);
    if (s !== null) this.str(s);
  }

  bytes(b: Uint8Array): void {
    this.uint(b.length);
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }

  /** the names of the chunk being written, each with its number, and where the table's place is kept (see names) */
  private names: Map<string, number> | null = null;
  private namesAt = 0;

  /**
   * Starts a chunk whose names (strings its items repeat: a JSON message's
   * type and keys) are written once each, in a table after the items (end
   * it with endNames, read it with Reader.names); each name where it is used
   * is the number of its entry.
   */
  beginNames(): void {
    this.names = new Map();
    this.namesAt = this.at;
    this.u32(0);
  }

  name(s: string): void {
    const names = this.names!;
    let id = names.get(s);
    if (id === undefined) names.set(s, (id = names.size));
    this.uint(id);
  }

  endNames(): void {
    const names = this.names!;
    this.view.setUint32(this.namesAt, this.at, true);
    this.uint(names.size);
    for (const s of names.keys()) this.str(s);
    this.names = null;
  }

  /** Starts again from empty, whatever was begun (an encoding that threw leaves nothing behind for the next). */
  reset(): void {
    this.at = 0;
    this.names = null;
  }

  /**
   * What was written, as a view of the writer's buffer, valid until the
   * writer is used again (a chunk is encoded and written at once: no copy of
   * every spilled byte); the writer starts again.
   */
  take(): Buffer {
    const out = this.buf.subarray(0, this.at);
    this.at = 0;
    return out;
  }
}

export class Reader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly buf: Buffer) {
    this.view = viewOf(buf);
  }

  u8(): number {
    return this.buf[this.at++]!;
  }

  u32(): number {
    const n = this.view.getUint32(this.at, true);
    this.at += 4;
    return n;
  }

  f64(): number {
    const n = this.view.getFloat64(this.at, true);
    this.at += 8;
    return n;
  }

  num(): number | null {
    const n = this.f64();
    return Number.isNaN(n) ? null : n;
  }

  /** a number Writer.uint wrote */
  uint(): number {
    const buf = this.buf;
    let at = this.at;
    let b = buf[at++]!;
    let n = b & 0x7f;
    // up to four bytes (below 2^28) by the bits, then as a double
    for (let shift = 7; b >= 0x80 && shift < 28; shift += 7) {
      b = buf[at++]!;
      n |= (b & 0x7f) << shift;
    }
    for (let scale = 2 ** 28; b >= 0x80; scale *= 0x80) {
      b = buf[at++]!;
      n += (b & 0x7f) * scale;
    }
    this.at = at;
    return n;
  }

  uintOrNull(): number | null {
    const n = this.uint();
    return n === 0 ? null : n - 1;
  }

  str(): string {
    const n = this.uint();
    const s = this.buf.toString('utf8', this.at, this.at + n);
    this.at += n;
    return s;
  }

  strOrNull(): string | null {
    return this.u8() === 0 ? null : this.str();
  }

  private table: string[] = [];

  /** The table of names of a chunk Writer.beginNames started: read first, where the chunk says it is. */
  names(): void {
    const end = this.u32();
    const back = this.at;
    this.at = end;
    const table: string[] = [];
    for (let k = this.uint(); k > 0; k--) table.push(this.str());
    this.table = table;
    this.at = back;
  }

  name(): string {
    return this.table[this.uint()]!;
  }

  /** a view of the chunk read (the items of a chunk live and go together; nothing copies them) */
  bytes(): Buffer {
    const n = this.uint();
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
}
