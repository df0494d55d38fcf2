// A buffer used again and again for text made byte by byte (a hex dump's
// rows, a block of pretty JSON): grown as a use asks, and let go after a
// large use at the next small one, so that one large payload does not keep
// its buffer for the rest of the run.

/** Pieces at most this long are copied byte by byte (TypedArray.set is a call into C++, dearer than the copy). */
const SHORT = 64;

/** Copies `src` into `dst` at `at` (the room is there); where the copy ends. */
export function putBytes(dst: Uint8Array, at: number, src: Uint8Array): number {
  const n = src.length;
  if (n > SHORT) {
    dst.set(src, at);
    return at + n;
  }
  for (let i = 0; i < n; i++) dst[at++] = src[i]!;
  return at;
}

/**
 * Writes the UTF-8 of `c`, a UTF-16 code unit from 0x80 up that is not a
 * surrogate (two or three bytes; the room is there); where it ends. The
 * text encoders' loops (LineBytes.text, JsonBytes.string) write ASCII
 * themselves and leave surrogates to Buffer#write.
 */
export function putChar(dst: Uint8Array, at: number, c: number): number {
  if (c < 0x800) {
    dst[at] = 0xc0 | (c >> 6);
    dst[at + 1] = 0x80 | (c & 0x3f);
    return at + 2;
  }
  dst[at] = 0xe0 | (c >> 12);
  dst[at + 1] = 0x80 | ((c >> 6) & 0x3f);
  dst[at + 2] = 0x80 | (c & 0x3f);
  return at + 3;
}

/** Past this, a buffer is let go at the next use that needs no more. */
const KEPT = 1024 * 1024;

export class Scratch {
  private bytes: Buffer;
  private dataView: DataView | null = null;

  constructor(private readonly size: number) {
    this.bytes = Buffer.allocUnsafe(size);
  }

  /** The buffer, at least `n` bytes long (what it held before is not kept). */
  room(n: number): Buffer {
    const b = this.bytes;
    if (b.length < n) this.bytes = Buffer.allocUnsafe(Math.max(n, 2 * b.length));
    else if (b.length > KEPT && n <= KEPT) this.bytes = Buffer.allocUnsafe(Math.max(n, this.size));
    if (this.bytes !== b) this.dataView = null;
    return this.bytes;
  }

  /** A DataView of the buffer room() last gave (for writing several bytes at once). */
  view(): DataView {
    return (this.dataView ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }
}
