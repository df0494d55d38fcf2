// Which sequence number a protected record was sealed with, when a capture
// lost or damaged records before it. TLS never sends the sequence number
// (RFC 8446 §5.3, RFC 5246 §6.2.3.3: it is counted by each end), and an AEAD
// or a MAC opens a record only with the right one, so a reader that missed
// records tries the likely numbers, most likely first:
//   - records cut by capture loss (their headers seen): each one counted;
//   - bytes in which the record boundaries were lost (a gap swallowed a
//     header): between bytes / (largest record) and bytes / (smallest
//     record) records, most likely bytes / (the direction's mean record);
//   - records that did not open (damaged, or not records at all): each may
//     or may not have used a number.
// Bounded: at most MAX_TRIES numbers for a record.

/** the smallest protected record: 5-byte header, an AEAD tag and TLS 1.3's content type (RFC 8446 §5.2) */
export const MIN_RECORD = 5 + 16 + 1;
/** the largest: header and 2^14 + 2048 bytes of body (RFC 5246 §6.2.3) */
export const MAX_RECORD = 5 + 2 ** 14 + 2048;
/** sequence numbers tried for one record at most */
export const MAX_TRIES = 64;
/** records in a row that did not open after which a direction stops trying (before any opened; after one did) */
export const GIVE_UP = [8, 32] as const;

export interface Skipped {
  records: number;
  bytes: number;
}

export class SeqWindow {
  /** the next record's number is next + k for k in [lo, hi], most likely next + guess */
  private lo = 0;
  private hi = 0;
  private guess = 0;
  private opened = 0;
  private openedBytes = 0;
  private failedInRow = 0;

  constructor(private next = 0) {}

  /** the number the next record is expected at */
  get expected(): number {
    return this.next + this.guess;
  }

  /** Records and bytes that went by before the next record. */
  skip(s: Skipped | undefined): void {
    if (!s) return;
    this.next += s.records;
    if (s.bytes > 0) {
      const mean = this.opened > 0 ? this.openedBytes / this.opened : MAX_RECORD;
      this.lo += Math.ceil(s.bytes / MAX_RECORD);
      this.hi += Math.floor(s.bytes / MIN_RECORD);
      this.guess += Math.min(Math.max(Math.round(s.bytes / mean), 0), Math.floor(s.bytes / MIN_RECORD));
      this.guess = Math.max(this.guess, this.lo);
    }
  }

  /** the records in a row that did not open are too many: the keys are not these records' (or a KeyUpdate was lost) */
  get givenUp(): boolean {
    return this.failedInRow >= GIVE_UP[this.opened > 0 ? 1 : 0];
  }

  /** The numbers to try for the next record, most likely first (the guess, then alternately above and below it); none once given up. */
  candidates(): number[] {
    if (this.givenUp) return [];
    const out: number[] = [this.next + this.guess];
    for (let d = 1; out.length < MAX_TRIES && (this.guess + d <= this.hi || this.guess - d >= this.lo); d++) {
      if (this.guess + d <= this.hi) out.push(this.next + this.guess + d);
      if (this.guess - d >= this.lo && out.length < MAX_TRIES) out.push(this.next + this.guess - d);
    }
    return out;
  }

  /** The record opened with number seq (its body `length` bytes): in step again. */
  took(seq: number, length: number): void {
    this.next = seq + 1;
    this.lo = this.hi = this.guess = 0;
    this.failedInRow = 0;
    this.opened++;
    this.openedBytes += 5 + length;
  }

  /** The record did not open: it may have used a number (a damaged record) or not (bytes that were no record). */
  failed(): void {
    this.hi++;
    this.guess++;
    this.failedInRow++;
  }

  /** Keys changed (TLS 1.3: handshake to application, KeyUpdate): numbering starts again at `next`. */
  restart(next = 0): void {
    this.next = next;
    this.lo = this.hi = this.guess = 0;
    this.failedInRow = 0;
  }
}
