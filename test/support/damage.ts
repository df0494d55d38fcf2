// Damaged versions of real captures, made deterministically from a seed:
// packets reordered within a window, duplicated, dropped, split into smaller
// segments, sequence numbers moved next to 2^32, the start cut off. Works on
// classic little-endian pcap files with Ethernet frames carrying IPv4 or IPv6.
import { pcapFile, type Record } from './pcap.js';

export function readPcapRecords(bytes: Buffer): { records: Record[]; linkType: number } {
  if (bytes.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error('only little-endian microsecond pcap files can be damaged');
  const records: Record[] = [];
  let at = 24;
  while (at + 16 <= bytes.length) {
    const caplen = bytes.readUInt32LE(at + 8);
    records.push({
      ts: bytes.readUInt32LE(at) + bytes.readUInt32LE(at + 4) / 1e6,
      data: Buffer.from(bytes.subarray(at + 16, at + 16 + caplen)),
      originalLength: bytes.readUInt32LE(at + 12),
    });
    at += 16 + caplen;
  }
  return { records, linkType: bytes.readUInt32LE(20) };
}

export function writePcap(records: readonly Record[], linkType = 1): Buffer {
  return pcapFile(records, { linkType });
}

/** A small seeded generator (mulberry32): the same seed, the same damage. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Tcp {
  /** offset of the IP header, of the TCP header, of the payload, and of the end of the datagram (before any Ethernet padding) */
  ip: number;
  tcp: number;
  payload: number;
  end: number;
  v6: boolean;
  src: string;
}

/** Where the layers of an Ethernet/IP/TCP frame are, or null for anything else. */
export function locate(frame: Buffer): Tcp | null {
  if (frame.length < 14) return null;
  const type = frame.readUInt16BE(12);
  if (type === 0x0800) {
    const ihl = (frame[14]! & 0x0f) * 4;
    if (frame[23] !== 6) return null;
    const tcp = 14 + ihl;
    return { ip: 14, tcp, payload: tcp + (frame[tcp + 12]! >> 4) * 4, end: 14 + frame.readUInt16BE(16), v6: false, src: `${frame.subarray(26, 30).toString('hex')}:${frame.readUInt16BE(tcp)}` };
  }
  if (type === 0x86dd) {
    if (frame[20] !== 6) return null;
    const tcp = 54;
    return { ip: 14, tcp, payload: tcp + (frame[tcp + 12]! >> 4) * 4, end: 54 + frame.readUInt16BE(18), v6: true, src: `${frame.subarray(22, 38).toString('hex')}:${frame.readUInt16BE(tcp)}` };
  }
  return null;
}

function setIpLength(frame: Buffer, t: Tcp): void {
  if (t.v6) frame.writeUInt16BE(frame.length - t.ip - 40, t.ip + 4);
  else frame.writeUInt16BE(frame.length - t.ip, t.ip + 2);
}

/**
 * Permutes packets within consecutive windows of `window` packets, as a
 * network reorders them, then keeps what every capture point must see in
 * order: an acknowledgement never comes before the data it acknowledges.
 */
export function shuffle(records: Record[], window: number, random: () => number): Record[] {
  const order = records.map((_, i) => i);
  for (let start = 0; start < order.length; start += window) {
    const end = Math.min(order.length, start + window);
    for (let i = end - 1; i > start; i--) {
      const j = start + Math.floor(random() * (i - start + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
  }
  // each acknowledgement needs the earlier data of the other side it covers
  const info = records.map((r) => {
    const t = locate(r.data);
    if (!t) return null;
    const seq = r.data.readUInt32BE(t.tcp + 4);
    const flags = r.data[t.tcp + 13]!;
    const len = t.end - t.payload + (flags & 0x03 ? 1 : 0); // SYN and FIN count
    return { src: t.src, end: (seq + len) >>> 0, ack: flags & 0x10 ? r.data.readUInt32BE(t.tcp + 8) : null, len };
  });
  const needs = records.map((_, i) => {
    const me = info[i];
    if (!me || me.ack === null) return [];
    const ack = me.ack;
    return info
      .map((o, j) => ({ o, j }))
      .filter(({ o, j }) => j < i && o && o.src !== me.src && o.len > 0 && ((ack - o.end) | 0) >= 0)
      .map(({ j }) => j);
  });
  const emitted = new Set<number>();
  const waiting: number[] = [];
  const out: Record[] = [];
  const emit = (i: number): void => {
    out.push(records[i]!);
    emitted.add(i);
    for (let k = 0; k < waiting.length; ) {
      const w = waiting[k]!;
      if (needs[w]!.every((j) => emitted.has(j))) {
        waiting.splice(k, 1);
        emit(w);
        k = 0;
      } else k++;
    }
  };
  for (const i of order) {
    if (needs[i]!.every((j) => emitted.has(j))) emit(i);
    else waiting.push(i);
  }
  for (const w of waiting) out.push(records[w]!);
  return out;
}

/** Sends a share of the packets twice (the copy a little later, as a retransmission would be). */
export function duplicate(records: Record[], share: number, random: () => number): Record[] {
  const out: Record[] = [];
  const later: Record[] = [];
  for (const r of records) {
    out.push(r, ...later.splice(0));
    if (random() < share) later.push({ ...r, data: Buffer.from(r.data) });
  }
  return [...out, ...later];
}

/** Splits every TCP segment with payload into two at a random point. */
export function split(records: Record[], random: () => number): Record[] {
  const out: Record[] = [];
  for (const r of records) {
    const t = locate(r.data);
    const len = t ? t.end - t.payload : 0;
    if (!t || len < 2) {
      out.push(r);
      continue;
    }
    const cut = 1 + Math.floor(random() * (len - 1));
    const head = Buffer.concat([r.data.subarray(0, t.payload + cut)]);
    const tail = Buffer.concat([r.data.subarray(0, t.payload), r.data.subarray(t.payload + cut, t.end)]);
    tail.writeUInt32BE((tail.readUInt32BE(t.tcp + 4) + cut) >>> 0, t.tcp + 4);
    head[t.tcp + 13] = head[t.tcp + 13]! & ~0x01; // a FIN belongs to the second part
    setIpLength(head, t);
    setIpLength(tail, t);
    out.push({ ts: r.ts, data: head }, { ts: r.ts, data: tail });
  }
  return out;
}

/** Moves every sequence (and acknowledgement) number so that each direction crosses 2^32 early. */
export function wrapSequence(records: Record[]): Record[] {
  const shift = new Map<string, number>();
  return records.map((r) => {
    const t = locate(r.data);
    if (!t) return r;
    const data = Buffer.from(r.data);
    const seq = data.readUInt32BE(t.tcp + 4);
    if (!shift.has(t.src)) shift.set(t.src, (2 ** 32 - 40 - seq) >>> 0);
    data.writeUInt32BE((seq + shift.get(t.src)!) >>> 0, t.tcp + 4);
    const flags = data[t.tcp + 13]!;
    if (flags & 0x10) {
      const peer = [...shift.keys()].find((k) => k !== t.src);
      const peerShift = peer ? shift.get(peer)! : null;
      if (peerShift !== null) data.writeUInt32BE((data.readUInt32BE(t.tcp + 8) + peerShift) >>> 0, t.tcp + 8);
    }
    return { ...r, data };
  });
}

/** TCP payload length of a record (0 for anything else). */
export function payloadLength(r: Record): number {
  const t = locate(r.data);
  return t ? t.end - t.payload : 0;
}
