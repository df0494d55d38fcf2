// One direction of a TCP connection: delivers its bytes in sequence order,
// once each. The contract follows gopacket's tcpassembly: ordered chunks, and
// a `gap` chunk (N bytes never seen) where a hole is given up on.
import { seqAdd, seqDiff } from './segment.js';

export interface DataChunk {
  kind: 'data';
  data: Buffer;
  /** the sequence number after its last byte (where the next byte of the stream goes) */
  end: number;
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
  /** the segment filled a hole its peer had already acknowledged: it was captured late, not lost (Wireshark's "out of order") */
  late: boolean;
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

/**
 * The last bytes delivered, to compare a retransmitted copy with the first
 * one. The ring starts small and doubles while the stream is shorter than
 * it may hold (until then every byte is at its own offset), so a short
 * connection keeps a few hundred bytes, not the whole capacity: a capture
 * of a million short connections holds thousands of them at once.
 */
class RecentBytes {
  private ring: Buffer;
  private total = 0;

  constructor(private readonly capacity: number) {
    this.ring = Buffer.allocUnsafe(Math.min(capacity, 256));
  }

  add(data: Buffer): void {
    const end = this.total + data.length;
    if (end > this.ring.length && this.ring.length < this.capacity) {
      let size = this.ring.length;
      while (size < end && size < this.capacity) size *= 2;
      const bigger = Buffer.allocUnsafe(Math.min(size, this.capacity));
      this.ring.copy(bigger, 0, 0, this.total);
      this.ring = bigger;
    }
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

/**
 * Capture time (seconds) an acknowledged but unseen range may stay a
 * suspicion before its bytes are declared lost. Captures merged from the two
 * ports of a tap, from several interfaces or from a SPAN port show a peer's
 * ACK a few milliseconds before the data it acknowledges; a second is far
 * beyond such skews, and the data that follows a real loss usually settles
 * it sooner (see `acked`).
 */
export const SUSPECT_SECONDS = 1;

/** Bytes the peer acknowledged that this direction has not delivered yet: lost by the capture, or only late. */
interface Suspect {
  /** the acknowledged end of the range (exclusive) */
  upTo: number;
  /** the ACK that first showed the range */
  packet: number;
  ts: number;
}

export class TcpDirection {
  /** next sequence number expected; null until the stream start is known */
  private next: number | null = null;
  private suspect: Suspect | null = null;
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
    const result: AcceptResult = { chunks: [], retransmission: false, outOfOrder: false, keepAlive: false, conflict: false, late: false };
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
      // data from past the start of an acknowledged hole came first: the hole's bytes were lost, not late
      if (this.suspect) this.settleSuspect(result.chunks);
      while (this.held.length > 0 && (this.heldBytes > this.holdLimit || this.held.length > DEFAULT_HOLD_SEGMENTS || this.budget.over)) this.giveUpHole(result.chunks, 'limit');
      return result;
    }
    // overlapping what was delivered: the first copy wins (RFC 9293 leaves it open; tshark and Zeek do the same)
    if (offset < 0) result.conflict = this.recent?.differs(payload.subarray(0, -offset), 0) === true;
    const fresh = offset < 0 ? payload.subarray(-offset) : payload;
    // the bytes of an acknowledged hole, arriving after the ACK: late, not lost
    if (this.suspect) result.late = true;
    this.deliver(fresh, packet, ts, result.chunks);
    this.drain(result.chunks);
    this.clearSuspect();
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
    this.clearSuspect();
    return result;
  }

  /** At the end of the capture: whatever is held after a hole is delivered after a gap. */
  flush(): Chunk[] {
    const chunks: Chunk[] = [];
    if (this.suspect) this.settleSuspect(chunks);
    while (this.held.length > 0) this.giveUpHole(chunks, 'loss');
    if (this.suspect) this.declareSuspect(chunks);
    return chunks;
  }

  /**
   * The peer acknowledged everything before `ack`. Bytes before that which
   * this direction has not delivered were received by the peer: either the
   * capture lost them, or it shows them late (merged captures put a peer's
   * ACK before the data it acknowledges). With data held after the hole, the
   * sender's later bytes came before the hole's own: they were lost, and the
   * held data is delivered at once after a gap. With nothing held, the range
   * is only suspected (returns true the first time it is seen, Wireshark's
   * "ACKed unseen segment"); it is declared lost when later data of this
   * direction passes it, after SUSPECT_SECONDS of capture time (`expire`),
   * or at the end, and delivered as usual if its bytes arrive before that.
   */
  acked(ack: number, packet: number, ts: number, out: Chunk[]): boolean {
    if (this.next === null) return false;
    // the FIN's own sequence number carries no byte
    const upTo = this.finSeq !== null && seqDiff(ack, this.finSeq) > 0 ? this.finSeq : ack;
    const missing = seqDiff(upTo, this.next);
    if (missing <= 0 || missing >= 2 ** 30) return false;
    if (this.held.length > 0 && seqDiff(this.held[0]!.seq, this.next) > 0) {
      this.suspect = this.suspect ?? { upTo, packet, ts };
      if (seqDiff(upTo, this.suspect.upTo) > 0) this.suspect.upTo = upTo;
      this.settleSuspect(out);
      return false;
    }
    if (this.suspect) {
      if (seqDiff(upTo, this.suspect.upTo) > 0) this.suspect.upTo = upTo;
      return false;
    }
    this.suspect = { upTo, packet, ts };
    return true;
  }

  /** A suspected hole that has waited SUSPECT_SECONDS of capture time is declared lost: its chunks, or null. */
  expire(now: number): Chunk[] | null {
    if (this.suspect === null || now - this.suspect.ts <= SUSPECT_SECONDS) return null;
    const out: Chunk[] = [];
    this.settleSuspect(out);
    if (this.suspect) this.declareSuspect(out);
    return out;
  }

  /** Holes inside the suspected range with data held after them are given up (the capture lost them). */
  private settleSuspect(out: Chunk[]): void {
    const s = this.suspect!;
    while (this.next !== null && this.held.length > 0 && seqDiff(s.upTo, this.next) > 0 && seqDiff(this.held[0]!.seq, this.next) > 0) {
      this.giveUpHole(out, 'loss', s);
    }
    this.clearSuspect();
  }

  /** The rest of the suspected range, with nothing held after it, is lost. */
  private declareSuspect(out: Chunk[]): void {
    const s = this.suspect!;
    // an ACK of the FIN seen before the FIN: its sequence number carries no byte
    const upTo = this.finSeq !== null && seqDiff(s.upTo, this.finSeq) > 0 ? this.finSeq : s.upTo;
    const missing = this.next === null ? 0 : seqDiff(upTo, this.next);
    if (missing > 0 && this.held.length === 0) {
      out.push({ kind: 'gap', length: missing, cause: 'loss', packet: s.packet, ts: s.ts });
      this.next = upTo;
    }
    this.suspect = null;
  }

  private clearSuspect(): void {
    const s = this.suspect;
    if (!s) return;
    const upTo = this.finSeq !== null && seqDiff(s.upTo, this.finSeq) > 0 ? this.finSeq : s.upTo;
    if (this.next === null || seqDiff(upTo, this.next) <= 0) this.suspect = null;
  }

  /** The sequence number of the next byte expected (null until the stream's start is known). */
  get nextSeq(): number | null {
    return this.next;
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
    this.next = seqAdd(this.next ?? 0, data.length);
    out.push({ kind: 'data', data, end: this.next, packet, ts });
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

  /** The first hole is given up: a gap, told at the packet of the ACK that showed it lost, else of the data after it. */
  private giveUpHole(out: Chunk[], cause: GapChunk['cause'], ack: Suspect | null = null): void {
    const h = this.held[0];
    if (!h || this.next === null) return;
    const missing = seqDiff(h.seq, this.next);
    // an acknowledged hole was lost by the capture, whatever made us give up on it
    const acked = this.suspect !== null && seqDiff(this.suspect.upTo, this.next) > 0;
    const at = ack ?? h;
    out.push({ kind: 'gap', length: missing, cause: acked ? 'loss' : cause, packet: at.packet, ts: at.ts });
    this.next = h.seq;
    this.drain(out);
  }
}
