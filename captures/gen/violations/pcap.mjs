// Minimal classic-pcap reading and writing for captures/gen/violations.mjs:
// just enough to rewrite the recordings made by tcpdump on a namespace's
// loopback (little-endian, microseconds, LINKTYPE_ETHERNET, IPv4, TCP).
// No dependency beyond Node itself.
import { readFileSync, writeFileSync } from 'node:fs';

const MAGIC_LE_US = 0xa1b2c3d4;

/** Reads a classic pcap file: { header: Buffer(24), records: [{ tsSec, tsUsec, origLen, data }] }. */
export function readPcap(file) {
  const buf = readFileSync(file);
  if (buf.length < 24 || buf.readUInt32LE(0) !== MAGIC_LE_US) {
    throw new Error(`${file}: not a little-endian microsecond pcap file`);
  }
  if (buf.readUInt32LE(20) !== 1) throw new Error(`${file}: link type ${buf.readUInt32LE(20)}, expected 1 (Ethernet)`);
  const records = [];
  let off = 24;
  while (off < buf.length) {
    if (off + 16 > buf.length) throw new Error(`${file}: truncated record header at offset ${off}`);
    const tsSec = buf.readUInt32LE(off);
    const tsUsec = buf.readUInt32LE(off + 4);
    const inclLen = buf.readUInt32LE(off + 8);
    const origLen = buf.readUInt32LE(off + 12);
    if (off + 16 + inclLen > buf.length) throw new Error(`${file}: truncated record at offset ${off}`);
    records.push({ tsSec, tsUsec, origLen, data: Buffer.from(buf.subarray(off + 16, off + 16 + inclLen)) });
    off += 16 + inclLen;
  }
  return { header: Buffer.from(buf.subarray(0, 24)), records };
}

/** The bytes of a pcap file made of `header` and `records` (incl_len = data.length). */
export function pcapBytes({ header, records }) {
  const parts = [header];
  for (const r of records) {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(r.tsSec, 0);
    h.writeUInt32LE(r.tsUsec, 4);
    h.writeUInt32LE(r.data.length, 8);
    h.writeUInt32LE(r.origLen ?? r.data.length, 12);
    parts.push(h, r.data);
  }
  return Buffer.concat(parts);
}

export function writePcap(file, pcap) {
  writeFileSync(file, pcapBytes(pcap));
}

/**
 * Decodes Ethernet + IPv4 + TCP of one record: offsets and the fields the
 * rewriting needs. Returns null for anything else.
 */
export function tcpOf(data) {
  if (data.length < 14 + 20 || data.readUInt16BE(12) !== 0x0800) return null;
  const ip = 14;
  const ihl = (data[ip] & 0x0f) * 4;
  if (data[ip + 9] !== 6) return null;
  const totalLen = data.readUInt16BE(ip + 2);
  const tcp = ip + ihl;
  const doff = (data[tcp + 12] >> 4) * 4;
  const payload = tcp + doff;
  const flags = data[tcp + 13];
  return {
    ip,
    ihl,
    tcp,
    payload,
    payloadLen: totalLen - ihl - doff,
    srcPort: data.readUInt16BE(tcp),
    dstPort: data.readUInt16BE(tcp + 2),
    seq: data.readUInt32BE(tcp + 4),
    ack: data.readUInt32BE(tcp + 8),
    syn: (flags & 0x02) !== 0,
    fin: (flags & 0x01) !== 0,
    rst: (flags & 0x04) !== 0,
  };
}

/** Recomputes the IPv4 header checksum of a record in place. */
export function fixIpv4Checksum(data) {
  const ip = 14;
  const ihl = (data[ip] & 0x0f) * 4;
  data.writeUInt16BE(0, ip + 10);
  let sum = 0;
  for (let i = 0; i < ihl; i += 2) sum += data.readUInt16BE(ip + i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  data.writeUInt16BE(~sum & 0xffff, ip + 10);
}

/** Microseconds since the epoch of a record, as a Number (exact below 2^53). */
export const usOf = (r) => r.tsSec * 1e6 + r.tsUsec;
export function setUs(r, us) {
  r.tsSec = Math.floor(us / 1e6);
  r.tsUsec = us - r.tsSec * 1e6;
}
