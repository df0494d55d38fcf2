// IP fragment reassembly (RFC 791 §3.2, RFC 8200 §4.5): fragments of one
// datagram, keyed by addresses, protocol and identification, are joined once
// every byte from 0 to the last fragment's end is there. Bounded: datagrams
// that never complete are dropped after a timeout, and only so many are held.

export interface FragmentLimits {
  /** datagrams held at once; the oldest is dropped past this */
  maxDatagrams: number;
  /** seconds (capture time) a datagram may wait for its fragments */
  timeout: number;
}

export const DEFAULT_FRAGMENT_LIMITS: FragmentLimits = { maxDatagrams: 1024, timeout: 30 };

/** IPv4's largest datagram; IPv6 without jumbograms is the same. */
const MAX_DATAGRAM = 65535;
/**
 * Fragments one datagram may have: 45 carry 64 KiB at an Ethernet MTU, and
 * the smallest legal ones (8 bytes) need 8192. A datagram sent in more
 * pieces than this (duplicates count) is dropped: checking for completeness
 * costs the number of pieces at each new one.
 */
export const MAX_FRAGMENTS = 1024;

interface Pending {
  firstTs: number;
  pieces: { offset: number; data: Buffer }[];
  /** total length, known once the last fragment (more = false) arrived */
  total: number | null;
}

export class Defragmenter {
  private readonly pending = new Map<string, Pending>();
  /** datagrams dropped unfinished (timeout, limit, or the capture's end) */
  dropped = 0;

  constructor(private readonly limits: FragmentLimits = DEFAULT_FRAGMENT_LIMITS) {}

  /**
   * Adds one fragment; returns the whole datagram's payload when this
   * fragment completes it, else null.
   */
  add(key: string, offset: number, more: boolean, data: Buffer, ts: number): Buffer | null {
    this.expire(ts);
    let p = this.pending.get(key);
    if (!p) {
      if (this.pending.size >= this.limits.maxDatagrams) {
        const oldest = this.pending.keys().next().value;
        if (oldest !== undefined) this.pending.delete(oldest);
        this.dropped++;
      }
      p = { firstTs: ts, pieces: [], total: null };
      this.pending.set(key, p);
    }
    if (offset + data.length > MAX_DATAGRAM) {
      this.pending.delete(key);
      this.dropped++;
      return null;
    }
    if (p.pieces.length >= MAX_FRAGMENTS) {
      this.pending.delete(key);
      this.dropped++;
      return null;
    }
    p.pieces.push({ offset, data: Buffer.from(data) });
    if (!more) p.total = offset + data.length;
    if (p.total === null) return null;
    // contiguous from 0 to the end? (the first copy of overlapping bytes wins)
    const sorted = [...p.pieces].sort((a, b) => a.offset - b.offset);
    let covered = 0;
    for (const piece of sorted) {
      if (piece.offset > covered) return null;
      covered = Math.max(covered, piece.offset + piece.data.length);
    }
    if (covered < p.total) return null;
    const out = Buffer.alloc(p.total);
    const filled = new Uint8Array(p.total);
    for (const piece of p.pieces) {
      for (let i = 0; i < piece.data.length && piece.offset + i < p.total; i++) {
        if (filled[piece.offset + i]) continue;
        out[piece.offset + i] = piece.data[i]!;
        filled[piece.offset + i] = 1;
      }
    }
    this.pending.delete(key);
    return out;
  }

  /** Datagrams still waiting; at the end of the capture they count as dropped. */
  finish(): number {
    this.dropped += this.pending.size;
    this.pending.clear();
    return this.dropped;
  }

  private expire(now: number): void {
    for (const [key, p] of this.pending) {
      if (now - p.firstTs <= this.limits.timeout) break; // insertion order is age order
      this.pending.delete(key);
      this.dropped++;
    }
  }
}
