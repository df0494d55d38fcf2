// Statistics of a connection: how long, how fast, how much each side sent, of
// what kind. Counted once, as the connection goes by (StatsTally, fed by the
// analysis: analyze/connection.ts), so that --stats needs none of the
// connection's frames; a view of a connection a selection narrowed counts
// what the selection kept, from its lists, through the same tally.
import { emptyCounts, type Connection, type Frame, type Message, type Severity, type Side, type SideCounts } from '../model.js';

/** The opcode classes counted, in the order the tables list them. */
export const STAT_OPCODES = ['text', 'binary', 'continuation', 'close', 'ping', 'pong', 'reserved'] as const;
export type OpcodeClass = (typeof STAT_OPCODES)[number];

export interface FrameTally {
  frames: number;
  /** payload bytes as the frame headers declare them */
  bytes: number;
}

export interface DirectionStats {
  /** frames and payload bytes per opcode class */
  opcodes: Record<OpcodeClass, FrameTally>;
  /** over every opcode */
  frames: FrameTally;
  messages: {
    count: number;
    /** bytes on the wire, summed over the messages' frames */
    bytes: number;
    /**
     * bytes as the application sees them: the inflated length of each
     * compressed message that could be inflated, the wire length of every
     * uncompressed one (compressed messages left uninflated are not counted)
     */
    inflatedBytes: number;
    /** compressed messages that could not be inflated */
    notInflated: number;
    /** the largest message on the wire (the first of equals), or null without messages */
    largest: { index: number; bytes: number } | null;
    fragmented: {
      /** messages of more than one frame */
      count: number;
      /** the most frames in one message (0 without fragmented messages) */
      mostFragments: number;
    };
    compression: {
      /** compressed messages that were inflated */
      count: number;
      wire: number;
      inflated: number;
      /** inflated / wire over those messages; null when there are none */
      ratio: number | null;
    };
  };
}

export interface ConnectionStats {
  id: number;
  /** packets of the connection (its timeline) */
  packets: number;
  /** seconds from the first to the last packet of the connection; null without packets */
  duration: number | null;
  /** seconds from the SYN to the SYN-ACK; null unless both were captured */
  tcpHandshakeRtt: number | null;
  /** seconds from the upgrade request's packet to the response's; null without both */
  wsHandshakeRtt: number | null;
  client: DirectionStats;
  server: DirectionStats;
  pings: {
    /** ping frames, both ways */
    sent: number;
    /** pongs that answer a ping */
    answered: number;
    /** round trips in seconds over the answered pings; null when none was answered */
    min: number | null;
    avg: number | null;
    max: number | null;
  };
  tcp: { retransmissions: number; outOfOrder: number; lostBytes: number };
  diagnostics: Record<Severity, number>;
}

export function opcodeClass(opcode: number): OpcodeClass {
  switch (opcode) {
    case 0x0:
      return 'continuation';
    case 0x1:
      return 'text';
    case 0x2:
      return 'binary';
    case 0x8:
      return 'close';
    case 0x9:
      return 'ping';
    case 0xa:
      return 'pong';
    default:
      return 'reserved';
  }
}

/**
 * A time span in seconds, rounded to the microsecond: timestamps are seconds
 * since 1970 in a double, whose resolution there (about 0.24 µs) makes any
 * digit below the microsecond noise. Pong round trips are rounded the same way.
 */
function span(from: number, to: number): number {
  return Math.round((to - from) * 1e6) / 1e6;
}

/** The mean of round trips given to the microsecond, without the float noise of their sum. */
export function meanRtt(sum: number, count: number): number {
  return Math.round((sum / count) * 1e9) / 1e9;
}

function emptyDirection(): DirectionStats {
  // written out rather than built from STAT_OPCODES: made twice per connection, a hundred thousand times in a large capture
  const opcodes: Record<OpcodeClass, FrameTally> = {
    text: { frames: 0, bytes: 0 },
    binary: { frames: 0, bytes: 0 },
    continuation: { frames: 0, bytes: 0 },
    close: { frames: 0, bytes: 0 },
    ping: { frames: 0, bytes: 0 },
    pong: { frames: 0, bytes: 0 },
    reserved: { frames: 0, bytes: 0 },
  };
  return {
    opcodes,
    frames: { frames: 0, bytes: 0 },
    messages: {
      count: 0,
      bytes: 0,
      inflatedBytes: 0,
      notInflated: 0,
      largest: null,
      fragmented: { count: 0, mostFragments: 0 },
      compression: { count: 0, wire: 0, inflated: 0, ratio: null },
    },
  };
}

/** Counted as frames go by, so that summaries need not keep them. */
export function countFrame(c: Connection['counts'], f: Frame): void {
  c.frames++;
  const side = c[f.from];
  const kind = (side.frames[f.opcode] ??= { count: 0, bytes: 0 });
  kind.count++;
  // a 64-bit length beyond 2^53 - 1 (kept as text) counts as the nearest number, as in --stats
  kind.bytes += Number(f.payloadLength);
  if (f.opcode === 0x9) side.pings++;
  if (f.opcode === 0xa) side.pongs++;
  if (f.answers) {
    const rtt = f.answers.rtt;
    side.rtts++;
    side.rttSum += rtt;
    side.rttMin = side.rttMin === null ? rtt : Math.min(side.rttMin, rtt);
    side.rttMax = side.rttMax === null ? rtt : Math.max(side.rttMax, rtt);
  }
}

/** Messages of one side as the statistics count them, beyond what the connection's counts hold. */
interface MessageTally {
  count: number;
  bytes: number;
  inflatedBytes: number;
  notInflated: number;
  largest: { index: number; bytes: number } | null;
  fragmented: number;
  mostFragments: number;
  compressed: number;
  wire: number;
  inflated: number;
}

function emptyMessages(): MessageTally {
  return { count: 0, bytes: 0, inflatedBytes: 0, notInflated: 0, largest: null, fragmented: 0, mostFragments: 0, compressed: 0, wire: 0, inflated: 0 };
}

/** Frames per opcode of one side: the shape of SideCounts.frames. */
type OpcodeTally = SideCounts['frames'];

/**
 * What the statistics count as a connection goes by: its packets' times, and
 * its messages. The frames per opcode and the pings are the connection's own
 * counts (Connection.counts), the handshake's times its layers'.
 */
export class StatsTally {
  packets = 0;
  first: number | null = null;
  last: number | null = null;
  readonly messages: Record<Side, MessageTally> = { client: emptyMessages(), server: emptyMessages() };

  packet(ts: number): void {
    this.packets++;
    if (this.first === null || ts < this.first) this.first = ts;
    if (this.last === null || ts > this.last) this.last = ts;
  }

  message(m: Message): void {
    const s = this.messages[m.from];
    s.count++;
    s.bytes += m.length;
    if (!m.compressed) s.inflatedBytes += m.length;
    else if (m.inflatedLength === null) s.notInflated++;
    else {
      s.inflatedBytes += m.inflatedLength;
      s.compressed++;
      s.wire += m.length;
      s.inflated += m.inflatedLength;
    }
    if (s.largest === null || m.length > s.largest.bytes) s.largest = { index: m.index, bytes: m.length };
    if (m.frames.length > 1) {
      s.fragmented++;
      if (m.frames.length > s.mostFragments) s.mostFragments = m.frames.length;
    }
  }
}

/** The times of the packets the round trips are measured between: the SYN, the SYN-ACK, the handshake's request and response. */
export interface HandshakeTimes {
  syn: number | null;
  synAck: number | null;
  request: number | null;
  response: number | null;
}

function direction(frames: OpcodeTally, m: MessageTally): DirectionStats {
  const d = emptyDirection();
  for (const key in frames) {
    const { count, bytes } = frames[key]!;
    const tally = d.opcodes[opcodeClass(Number(key))];
    tally.frames += count;
    tally.bytes += bytes;
    d.frames.frames += count;
    d.frames.bytes += bytes;
  }
  const s = d.messages;
  s.count = m.count;
  s.bytes = m.bytes;
  s.inflatedBytes = m.inflatedBytes;
  s.notInflated = m.notInflated;
  s.largest = m.largest === null ? null : { ...m.largest };
  s.fragmented = { count: m.fragmented, mostFragments: m.mostFragments };
  s.compression = { count: m.compressed, wire: m.wire, inflated: m.inflated, ratio: m.compressed > 0 && m.wire > 0 ? m.inflated / m.wire : null };
  return d;
}

/** A connection's statistics from what was counted: its counts (frames, pings, diagnostics), the tally, the handshake's times. */
export function statsOf(conn: Pick<Connection, 'id' | 'counts' | 'tcp'>, tally: StatsTally, times: HandshakeTimes, frames: Record<Side, OpcodeTally> = { client: conn.counts.client.frames, server: conn.counts.server.frames }): ConnectionStats {
  const between = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : span(a, b));
  const { client: kc, server: kv } = conn.counts;
  const answered = kc.rtts + kv.rtts;
  const least = [kc.rttMin, kv.rttMin].filter((x) => x !== null);
  const most = [kc.rttMax, kv.rttMax].filter((x) => x !== null);
  return {
    id: conn.id,
    packets: tally.packets,
    duration: tally.first === null || tally.last === null ? null : span(tally.first, tally.last),
    tcpHandshakeRtt: between(times.syn, times.synAck),
    wsHandshakeRtt: between(times.request, times.response),
    client: direction(frames.client, tally.messages.client),
    server: direction(frames.server, tally.messages.server),
    pings: {
      sent: kc.pings + kv.pings,
      answered,
      min: least.length > 0 ? Math.min(...least) : null,
      avg: answered > 0 ? meanRtt(kc.rttSum + kv.rttSum, answered) : null,
      max: most.length > 0 ? Math.max(...most) : null,
    },
    tcp: { retransmissions: conn.tcp.retransmissions, outOfOrder: conn.tcp.outOfOrder, lostBytes: conn.tcp.lostBytes },
    // as the connection's counts hold them: --ignore leaves out the codes it ignores (check/policy.ts)
    diagnostics: { ...conn.counts.diagnostics },
  };
}

/**
 * The statistics of the part of a connection a selection kept, counted from
 * its lists: the packets and the handshake's times are those of the entries
 * kept, the frames and messages those kept.
 */
export function statsOfLists(conn: Connection): ConnectionStats {
  const tally = new StatsTally();
  const timed = [conn.tcp.handshake.syn, conn.tcp.handshake.synAck, conn.handshake?.request.packet, conn.handshake?.response?.packet];
  const tsOf = new Map<number, number>();
  for (const e of conn.timeline) {
    tally.packet(e.ts);
    if (timed.includes(e.packet) && !tsOf.has(e.packet)) tsOf.set(e.packet, e.ts);
  }
  const at = (p: number | null | undefined): number | null => tsOf.get(p ?? Number.NaN) ?? null;
  // the frames kept, counted as the analysis counts them (of those counts, the statistics read the frames per opcode)
  const kept = emptyCounts();
  for (const f of conn.frames) countFrame(kept, f);
  const frames: Record<Side, OpcodeTally> = { client: kept.client.frames, server: kept.server.frames };
  for (const m of conn.messages) tally.message(m);
  const diagnostics: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const d of conn.diagnostics) diagnostics[d.severity]++;
  const times = { syn: at(conn.tcp.handshake.syn), synAck: at(conn.tcp.handshake.synAck), request: at(conn.handshake?.request.packet), response: at(conn.handshake?.response?.packet) };
  return statsOf({ ...conn, counts: { ...conn.counts, diagnostics } }, tally, times, frames);
}
