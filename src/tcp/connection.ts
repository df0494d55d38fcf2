// A TCP connection: its two directions and its lifecycle (three-way
// handshake, FIN in each direction, RST). Directions are numbered 0 (the
// sender of the first packet seen) and 1.
import { type Chunk, DEFAULT_HOLD_LIMIT, HoldBudget, DEFAULT_GLOBAL_HOLD_LIMIT, TcpDirection } from './reassembly.js';
import { seqAdd, seqDiff, type TcpSegment } from './segment.js';

export type Dir = 0 | 1;

export type LifecycleEvent = 'syn' | 'syn-ack' | 'handshake-ack' | 'fin' | 'rst' | null;

export interface SegmentResult {
  chunks: Chunk[];
  /** the other direction's bytes, released by this segment's acknowledgement (capture loss found) */
  peerChunks: Chunk[];
  retransmission: boolean;
  outOfOrder: boolean;
  keepAlive: boolean;
  conflict: boolean;
  /** the segment filled a hole its peer had acknowledged before (captured late) */
  late: boolean;
  /** the segment acknowledges bytes of the peer that the capture has not shown (yet) */
  ackedUnseen: boolean;
  event: LifecycleEvent;
}

export class TcpConnection {
  readonly dirs: [TcpDirection, TcpDirection];
  /** direction of the client, once known from the SYN (or set by a higher layer) */
  clientDir: Dir | null = null;
  syn: number | null = null;
  synAck: number | null = null;
  /** the capture times of those two packets */
  synTs: number | null = null;
  synAckTs: number | null = null;
  handshakeAck: number | null = null;
  teardownKind: 'fin' | 'rst' | 'none' = 'none';
  teardownFirst: Dir | null = null;
  teardownPackets: number[] = [];
  /** the packet of each direction's FIN (a half-close when only one was sent) */
  finPackets: [number | null, number | null] = [null, null];
  /** the sequence number of each direction's FIN, and what that FIN acknowledged of the peer */
  finSeqs: [number | null, number | null] = [null, null];
  finAcks: [number | null, number | null] = [null, null];
  retransmissions = 0;
  outOfOrder = 0;
  lostBytes = 0;
  conflicts = 0;
  rstSeen = false;
  lastTs = 0;

  constructor(holdLimit = DEFAULT_HOLD_LIMIT, budget = new HoldBudget(DEFAULT_GLOBAL_HOLD_LIMIT)) {
    this.dirs = [new TcpDirection(holdLimit, budget), new TcpDirection(holdLimit, budget)];
  }

  /** Both directions finished, or reset: the connection is over. */
  get closed(): boolean {
    return this.rstSeen || (this.dirs[0].finSeen && this.dirs[1].finSeen);
  }

  segment(dir: Dir, seg: TcpSegment, packet: number, ts: number, missing = 0): SegmentResult {
    this.lastTs = ts;
    const stream = this.dirs[dir];
    let event: LifecycleEvent = null;
    const { flags } = seg;
    if (flags.syn && !flags.ack) {
      event = 'syn';
      if (this.syn === null) {
        this.syn = packet;
        this.synTs = ts;
      }
      this.clientDir ??= dir;
      stream.syn(seg.seq);
    } else if (flags.syn && flags.ack) {
      event = 'syn-ack';
      if (this.synAck === null) {
        this.synAck = packet;
        this.synAckTs = ts;
      }
      this.clientDir ??= dir === 0 ? 1 : 0;
      stream.syn(seg.seq);
    } else if (
      flags.ack &&
      this.synAck !== null &&
      this.handshakeAck === null &&
      dir === this.clientDir &&
      !flags.fin &&
      !flags.rst
    ) {
      event = 'handshake-ack';
      this.handshakeAck = packet;
    }

    const peer = this.dirs[dir === 0 ? 1 : 0];
    // suspected holes that waited long enough are lost, before this segment's bytes
    const expired = stream.expire(ts);
    const peerChunks: Chunk[] = peer.expire(ts) ?? [];
    const accepted = stream.accept(seg.seq, seg.payload, packet, ts, missing);
    const chunks = expired ? expired.concat(accepted.chunks) : accepted.chunks;
    if (accepted.retransmission) this.retransmissions++;
    if (accepted.outOfOrder || accepted.late) this.outOfOrder++;
    if (accepted.conflict) this.conflicts++;
    if (flags.fin) stream.fin(seg.seq, seg.payload.length);
    const ackedUnseen = flags.ack && !flags.rst ? peer.acked(seg.ack, packet, ts, peerChunks) : false;
    for (const c of chunks) if (c.kind === 'gap') this.lostBytes += c.length;
    for (const c of peerChunks) if (c.kind === 'gap') this.lostBytes += c.length;

    if (flags.rst || flags.fin) {
      event = flags.rst ? 'rst' : 'fin';
      // the kind is what began the teardown: a FIN later followed by a RST is a 'fin' teardown
      if (this.teardownKind === 'none') {
        this.teardownFirst = dir;
        this.teardownKind = flags.rst ? 'rst' : 'fin';
      }
      if (flags.rst) this.rstSeen = true;
      else {
        stream.finSeen = true;
        if (this.finPackets[dir] === null) {
          this.finPackets[dir] = packet;
          this.finSeqs[dir] = seqAdd(seg.seq, seg.payload.length);
          this.finAcks[dir] = flags.ack ? seg.ack : null;
          this.orderFins();
        }
      }
    }
    if (this.teardownKind !== 'none') this.teardownPackets.push(packet);
    return { chunks, retransmission: accepted.retransmission, outOfOrder: accepted.outOfOrder || accepted.late, keepAlive: accepted.keepAlive, conflict: accepted.conflict, late: accepted.late, ackedUnseen, peerChunks, event };
  }

  /**
   * Who closed first, when both FINs are in: the side whose FIN already
   * acknowledged the other's FIN had received it, so the other closed
   * first, whatever order the capture shows them in (a capture merged from
   * two taps or interfaces can show a FIN before the one it answers).
   */
  private orderFins(): void {
    const first = this.teardownFirst;
    if (this.teardownKind !== 'fin' || first === null) return;
    const other: Dir = first === 0 ? 1 : 0;
    const ack = this.finAcks[first];
    const peerFin = this.finSeqs[other];
    if (ack !== null && peerFin !== null && seqDiff(ack, peerFin) > 0) this.teardownFirst = other;
  }

  /** Whether this direction's FIN acknowledged the peer's bytes up to `seq` (it had received them when it closed). */
  finAcknowledged(dir: Dir, seq: number): boolean {
    const ack = this.finAcks[dir];
    return ack !== null && seqDiff(ack, seq) >= 0;
  }

  /** End of capture: deliver what is held after holes, as gaps then data. */
  flush(): [Chunk[], Chunk[]] {
    const out: [Chunk[], Chunk[]] = [this.dirs[0].flush(), this.dirs[1].flush()];
    for (const chunks of out) for (const c of chunks) if (c.kind === 'gap') this.lostBytes += c.length;
    return out;
  }
}
