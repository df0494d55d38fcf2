// One direction of a TCP connection: delivers its bytes in sequence order,
// once each. The contract follows gopacket's tcpassembly: ordered chunks, and
// a `gap` chunk (N bytes never seen) where a hole is given up on.
import { seqAdd, seqDiff } from './segment.js';

export interface DataChunk {
  kind: 'data';
  data: Buffer;
  /** packet that carried these bytes */
  packet: number;
  ts: number;
}

export interface GapChunk {
  kind: 'gap';
  /** number of bytes missing */
  length: number;
  /**
   * why: the capture lost them ('loss'), or a reassembly limit gave up
   * waiting for them ('limit': out-of-order data past the limit was delivered
   * after the hole)
   */
  cause: 'loss' | 'limit';
  packet: number;
  ts: number;
}

export type Chunk = DataChunk | GapChunk;

export interface AcceptResult {
  chunks: Chunk[];
  /** the segment carried only bytes already delivered or already held */
  retransmission: boolean;
  /** the segment arrived ahead of a hole and is held until the hole fills */
  outOfOrder: boolean;
  /** a keep-alive probe: one old byte, sent one before the next expected (as tshark's "TCP Keep-Alive") */
  keepAlive: boolean;
  /** the segment carried bytes already delivered, and they differ from the first copy */
  conflict: boolean;
}

/** Bytes (and segments) held out of order by all directions together; past the limits, holes are given up. */
export class HoldBudget {
  used = 0;
  segments = 0;
  constructor(
    readonly limit: number,
    readonly segmentLimit = DEFAULT_GLOBAL_HOLD_SEGMENTS,
  ) {}

  get over(): boolean {
    return this.used > this.limit || this.segments > this.segmentLimit;
  }
}

/** The last bytes delivered, to compare a retransmitted copy with the first one. */
class RecentBytes {
  private readonly ring: Buffer;
  private total = 0;

  constructor(capacity: number) {
    this.ring = Buffer.alloc(capacity);
  }

  add(data: Buffer): void {
    const cap = this.ring.length;
    const src = data.length > cap ? data.subarray(data.length - cap) : data;
    let pos = (this.total + (data.length - src.length)) % cap;
    let i = 0;
    while (i < src.length) {
      const n = Math.min(src.length - i, cap - pos);
      src.copy(this.ring, pos, i, i + n);
      i += n;
      pos = (pos + n) % cap;
    }
    this.total += data.length;
  }

  /** Do these bytes, which end `back` bytes before the end of the stream, differ from what was delivered? null: unknown */
  differs(bytes: Buffer, back: number): boolean | null {
    const cap = this.ring.length;
    const start = this.total - back - bytes.length;
    if (start < 0 || this.total - start > cap) return null;
    for (let i = 0; i < bytes.length; i++) if (this.ring[(start + i) % cap] !== bytes[i]) return true;
    return false;
  }
}

/** How many delivered bytes each direction keeps to check retransmissions against. */
export const RECENT_BYTES = 16 * 1024;

interface Held {
  seq: number;
  data: Buffer;
  packet: number;
  ts: number;
}

/** Bytes one direction may hold ahead of a hole before the hole is declared a gap. */
export const DEFAULT_HOLD_LIMIT = 4 * 1024 * 1024;
/** Bytes all directions together may hold. */
export const DEFAULT_GLOBAL_HOLD_LIMIT = 256 * 1024 * 1024;
/**
 * Segments one direction, and all together, may hold: the byte limits alone
 * would let a flood of 1-byte segments cost far more in bookkeeping than in
 * bytes.
 */
export const DEFAULT_HOLD_SEGMENTS = 4096;
export const DEFAULT_GLOBAL_HOLD_SEGMENTS = 262144;

export class TcpDirection {
  /** next sequence number expected; null until the stream start is known */
  private next: number | null = null;
  private held: Held[] = [];
  private heldBytes = 0;
  private recent: RecentBytes | null = null;
  /** sequence number of this direction's FIN, once seen */
  private finSeq: number | null = null;
  finSeen = false;

  constructor(
    private readonly holdLimit = DEFAULT_HOLD_LIMIT,
    private readonly budget: HoldBudget = new HoldBudget(DEFAULT_GLOBAL_HOLD_LIMIT),
  ) {}

  /** A SYN fixes the initial sequence number: data starts one after it. */
  syn(seq: number): void {
    if (this.next === null) this.next = seqAdd(seq, 1);
  }

  /**
   * One segment's payload. `missing` bytes that followed it were not captured
   * (the packet was cut by the snapshot length): they become a gap.
   */
  accept(seq: number, payload: Buffer, packet: number, ts: number, missing = 0): AcceptResult {
    const result: AcceptResult = { chunks: [], retransmission: false, outOfOrder: false, keepAlive: false, conflict: false };
    if (missing > 0) return this.acceptCut(seq, payload, packet, ts, missing, result);
    if (payload.length === 0) return result;
    // capture started mid-stream: the first data seen defines the start
    if (this.next === null) this.next = seq;
    const offset = seqDiff(seq, this.next);
    const end = offset + payload.length;
    if (end <= 0) {
      if (offset === -1 && payload.length === 1) result.keepAlive = true;
      else {
        result.retransmission = true;
        result.conflict = this.recent?.differs(payload, -end) === true;
      }
      return result;
    }
    if (offset > 0) {
      const at = this.heldIndex(seq);
      const same = this.held[at];
      if (same && same.seq === seq && same.data.length === payload.length) {
        result.retransmission = true;
        return result;
      }
      // copy: the capture reader's buffer is reused
      this.hold(at, { seq, data: Buffer.from(payload), packet, ts });
      result.outOfOrder = true;
      while (this.held.length > 0 && (this.heldBytes > this.holdLimit || this.held.length > DEFAULT_HOLD_SEGMENTS || this.budget.over)) this.giveUpHole(result.chunks, 'limit');
      return result;
    }
    // overlapping what was delivered: the first copy wins (RFC 9293 leaves it open; tshark and Zeek do the same)
    if (offset < 0) result.conflict = this.recent?.differs(payload.subarray(0, -offset), 0) === true;
    const fresh = offset < 0 ? payload.subarray(-offset) : payload;
    this.deliver(fresh, packet, ts, result.chunks);
    this.drain(result.chunks);
    return result;
  }

  private acceptCut(seq: number, payload: Buffer, packet: number, ts: number, missing: number, result: AcceptResult): AcceptResult {
    if (this.next === null) this.next = seq;
    const offset = seqDiff(seq, this.next);
    if (offset !== 0) {
      // out of order or overlapping: keep what was captured, the hole stays a hole
      return payload.length > 0 ? this.accept(seq, payload, packet, ts) : result;
    }
    if (payload.length > 0) this.deliver(payload, packet, ts, result.chunks);
    result.chunks.push({ kind: 'gap', length: missing, cause: 'loss', packet, ts });
    this.next = seqAdd(this.next, missing);
    this.drain(result.chunks);
    return result;
  }

  /** At the end of the capture: whatever is held after a hole is delivered after a gap. */
  flush(): Chunk[] {
    const chunks: Chunk[] = [];
    while (this.held.length > 0) this.giveUpHole(chunks, 'loss');
    return chunks;
  }

  /**
   * The peer acknowledged everything before `ack`: a hole before that was
   * received by the peer, so the capture lost it. Held data after such a
   * hole is delivered at once, after a gap, instead of waiting for a
   * retransmission that will never come.
   */
  acked(ack: number, packet: number, ts: number): Chunk[] {
    const out: Chunk[] = [];
    while (this.next !== null && this.held.length > 0 && seqDiff(ack, this.next) > 0 && seqDiff(this.held[0]!.seq, this.next) > 0) {
      this.giveUpHole(out, 'loss');
    }
    // acknowledged bytes never seen, with nothing held after them (the FIN's own number excepted)
    if (this.next !== null && this.held.length === 0) {
      const limit = this.finSeq !== null && seqDiff(ack, this.finSeq) > 0 ? this.finSeq : ack;
      const missing = seqDiff(limit, this.next);
      if (missing > 0 && missing < 2 ** 30) {
        out.push({ kind: 'gap', length: missing, cause: 'loss', packet, ts });
        this.next = limit;
      }
    }
    return out;
  }

  /** This direction's FIN: its sequence number follows the last data byte. */
  fin(seq: number, payloadLength: number): void {
    this.finSeq ??= seqAdd(seq, payloadLength);
  }

  /** Where a segment starting at seq goes among the held ones (sorted by seq): the first not before it. */
  private heldIndex(seq: number): number {
    const held = this.held;
    // most segments arrive after the ones held
    if (held.length === 0 || seqDiff(held[held.length - 1]!.seq, seq) < 0) return held.length;
    let lo = 0;
    let hi = held.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seqDiff(held[mid]!.seq, seq) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private hold(at: number, h: Held): void {
    if (at === this.held.length) this.held.push(h);
    else this.held.splice(at, 0, h);
    this.heldBytes += h.data.length;
    this.budget.used += h.data.length;
    this.budget.segments++;
  }

  private deliver(data: Buffer, packet: number, ts: number, out: Chunk[]): void {
    out.push({ kind: 'data', data, packet, ts });
    this.next = seqAdd(this.next ?? 0, data.length);
    (this.recent ??= new RecentBytes(RECENT_BYTES)).add(data);
  }

  private drain(out: Chunk[]): void {
    while (this.held.length > 0) {
      const h = this.held[0]!;
      const offset = seqDiff(h.seq, this.next ?? h.seq);
      if (offset > 0) return;
      this.held.shift();
      this.heldBytes -= h.data.length;
      this.budget.used -= h.data.length;
      this.budget.segments--;
      if (offset + h.data.length <= 0) continue;
      this.deliver(offset < 0 ? h.data.subarray(-offset) : h.data, h.packet, h.ts, out);
    }
  }

  private giveUpHole(out: Chunk[], cause: GapChunk['cause']): void {
    const h = this.held[0];
    if (!h || this.next === null) return;
    const missing = seqDiff(h.seq, this.next);
    out.push({ kind: 'gap', length: missing, cause, packet: h.packet, ts: h.ts });
    this.next = h.seq;
    this.drain(out);
  }
}
