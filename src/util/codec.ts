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

  str(s: string): void {
    // at most 3 bytes a UTF-16 unit
    this.room(4 + s.length * 3);
    const n = this.buf.write(s, this.at + 4, 'utf8');
    this.view.setUint32(this.at, n, true);
    this.at += 4 + n;
  }

  strOrNull(s: string | null): void {
    this.u8(s === null ? 0 : 1);
    if (s !== null) this.str(s);
  }

  bytes(b: Uint8Array): void {
    this.room(4 + b.length);
    this.view.setUint32(this.at, b.length, true);
    this.buf.set(b, this.at + 4);
    this.at += 4 + b.length;
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
    this.u32(id);
  }

  endNames(): void {
    const names = this.names!;
    this.view.setUint32(this.namesAt, this.at, true);
    this.u32(names.size);
    for (const s of names.keys()) this.str(s);
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

  str(): string {
    const n = this.u32();
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
    for (let k = this.u32(); k > 0; k--) table.push(this.str());
    this.table = table;
    this.at = back;
  }

  name(): string {
    return this.table[this.u32()]!;
  }

  /** a view of the chunk read (the items of a chunk live and go together; nothing copies them) */
  bytes(): Buffer {
    const n = this.u32();
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
}
