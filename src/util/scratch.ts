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
