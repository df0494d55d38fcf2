// The byte streams of a recorded TCP connection and the order of its
// conversation (which side spoke when), and a capture of the same
// conversation rebuilt from them with the bytes cut into any segments: for
// tests that send the same bytes through the analysis under another
// segmentation, or with some of them damaged. Also where the TLS records of a
// stream are. Reads what damage.ts reads: little-endian microsecond pcap
// files, Ethernet frames, IPv4 (the rebuilt capture is IPv4 too).
import { locate, readPcapRecords } from './damage.js';
import { Conversation, pcapFile } from './pcap.js';

export type Side = 'client' | 'server';

/** A run of bytes one side sent before the other side sent any: [start, end) of that side's stream. */
export interface Turn {
  from: Side;
  start: number;
  end: number;
}

export interface TcpConversation {
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  /** each side's bytes, in sequence order (retransmitted bytes once) */
  streams: Record<Side, Buffer>;
  /** the turns, in the order of the capture: each side's turns cover its stream, in order */
  turns: Turn[];
  /** for each packet (1-based, as the analysis numbers them) that carried new bytes: its side and how far its side's stream then reached */
  reach: Map<number, { from: Side; end: number }>;
  /** the sides that sent a FIN, the first first */
  fins: Side[];
}

const ip4 = (b: Buffer): string => Array.from(b).join('.');

/**
 * The one TCP connection of a capture (its first SYN without ACK names the
 * client), or in a capture of several the one from `clientPort`. Bytes are placed by their sequence numbers, so a retransmission
 * adds nothing; a hole in a stream is an error (the recordings have none).
 */
export function tcpConversation(pcap: Buffer, clientPort?: number): TcpConversation {
  const { records } = readPcapRecords(pcap);
  let client: { ip: string; port: number } | null = null;
  let server: { ip: string; port: number } | null = null;
  const isn: Partial<Record<Side, number>> = {};
  const chunks: Record<Side, Buffer[]> = { client: [], server: [] };
  const length: Record<Side, number> = { client: 0, server: 0 };
  const turns: Turn[] = [];
  const reach = new Map<number, { from: Side; end: number }>();
  const fins: Side[] = [];
  records.forEach((r, i) => {
    const t = locate(r.data);
    if (!t || t.v6) return;
    const d = r.data;
    const src = { ip: ip4(d.subarray(t.ip + 12, t.ip + 16)), port: d.readUInt16BE(t.tcp) };
    const dst = { ip: ip4(d.subarray(t.ip + 16, t.ip + 20)), port: d.readUInt16BE(t.tcp + 2) };
    const flags = d[t.tcp + 13]!;
    const seq = d.readUInt32BE(t.tcp + 4);
    if (flags & 0x02 && !(flags & 0x10) && client === null && (clientPort === undefined || src.port === clientPort)) {
      client = src;
      server = dst;
    }
    if (client === null || server === null) return;
    const same = (a: { ip: string; port: number }, b: { ip: string; port: number }): boolean => a.ip === b.ip && a.port === b.port;
    const from: Side | null = same(src, client) && same(dst, server) ? 'client' : same(src, server) && same(dst, client) ? 'server' : null;
    if (from === null) return;
    if (flags & 0x02) {
      isn[from] = seq;
      return;
    }
    const base = isn[from];
    if (base === undefined) throw new Error(`packet ${i + 1}: data before the SYN`);
    if (flags & 0x01 && !fins.includes(from)) fins.push(from);
    const payload = d.subarray(t.payload, t.end);
    if (payload.length === 0) return;
    const offset = (seq - base - 1) >>> 0;
    if (offset > length[from]) throw new Error(`packet ${i + 1}: a hole of ${offset - length[from]} bytes in the ${from}'s stream`);
    const fresh = payload.subarray(length[from] - offset);
    if (fresh.length === 0) return;
    chunks[from].push(Buffer.from(fresh));
    const start = length[from];
    length[from] += fresh.length;
    const last = turns[turns.length - 1];
    if (last && last.from === from) last.end = length[from];
    else turns.push({ from, start, end: length[from] });
    reach.set(i + 1, { from, end: length[from] });
  });
  if (client === null || server === null) throw new Error('no SYN: no connection to read');
  return { client, server, streams: { client: Buffer.concat(chunks.client), server: Buffer.concat(chunks.server) }, turns, reach, fins };
}

/** The size of the next segment a side sends, `at` bytes into its stream (at least 1 is sent; more than the turn has left, the rest). */
export type SegmentSize = (from: Side, at: number) => number;

const other = (side: Side): Side => (side === 'client' ? 'server' : 'client');

/**
 * A capture of the conversation, its packets as records: SYN handshake, each
 * turn's bytes cut into segments of the sizes `size` gives, the other side's
 * ACK after each turn, then FIN from both (in the recording's order) and the
 * last ACK. `streams`: the bytes to send, by default the conversation's own
 * (give damaged ones of the same lengths).
 */
export function rebuildRecords(c: TcpConversation, size: SegmentSize, streams: Record<Side, Buffer> = c.streams): Conversation['records'] {
  const conv = new Conversation(c.client, c.server).handshake();
  for (const turn of c.turns) {
    for (let at = turn.start; at < turn.end; ) {
      const n = Math.max(1, Math.min(turn.end - at, Math.floor(size(turn.from, at))));
      conv.send(turn.from, streams[turn.from].subarray(at, at + n));
      at += n;
    }
    conv.ack(other(turn.from));
  }
  const first = c.fins[0] ?? 'client';
  conv.fin(first).fin(other(first)).ack(first);
  return conv.records;
}

/** rebuildRecords() as a pcap file; `packets`: only the first ones (the capture cut after them). */
export function rebuild(c: TcpConversation, size: SegmentSize, opts: { streams?: Record<Side, Buffer>; packets?: number } = {}): Buffer {
  const records = rebuildRecords(c, size, opts.streams);
  return pcapFile(opts.packets === undefined ? records : records.slice(0, opts.packets));
}

/** A TLS record of a stream: where its 5-byte header starts, its content type, where its body is. */
export interface TlsRecordSpan {
  offset: number;
  type: number;
  body: { start: number; end: number };
}

/** The TLS records a stream holds, header after header, up to the first one its end cuts. */
export function tlsRecords(stream: Buffer): TlsRecordSpan[] {
  const out: TlsRecordSpan[] = [];
  for (let at = 0; at + 5 <= stream.length; ) {
    const end = at + 5 + stream.readUInt16BE(at + 3);
    if (end > stream.length) break;
    out.push({ offset: at, type: stream[at]!, body: { start: at + 5, end } });
    at = end;
  }
  return out;
}

/**
 * The records of a stream whose bodies are protected: application data
 * (type 23), and in TLS 1.2 whatever follows the side's ChangeCipherSpec
 * (its encrypted Finished); a ChangeCipherSpec itself is clear.
 */
export function protectedRecords(stream: Buffer): TlsRecordSpan[] {
  let afterCcs = false;
  return tlsRecords(stream).filter((r) => {
    if (r.type === 20) {
      afterCcs = true;
      return false;
    }
    return r.type === 23 || afterCcs;
  });
}
