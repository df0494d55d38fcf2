#!/usr/bin/env node
// Inserts IEEE 802.1Q / 802.1ad VLAN tags into every Ethernet frame of a
// classic pcap file, right after the destination and source MAC addresses;
// everything else (timestamps, the rest of each frame, byte order, timestamp
// resolution) is copied unchanged. Each record's incl_len and orig_len grow
// by 4 bytes per tag. No dependency.
//
//   node captures/gen/vlan.mjs INPUT OUTPUT TPID:VID[:PCP] [TPID:VID[:PCP] ...]
//
// Tags are written outermost first, e.g. for 802.1ad (QinQ), service tag
// 200 outside, customer tag 100 inside:
//
//   node captures/gen/vlan.mjs captures/ws_echo.pcap OUT 0x88a8:200 0x8100:100
//
// The tag control information is PCP (3 bits, default 0), DEI 0, VID
// (12 bits). The original EtherType follows the last tag. Only link type 1
// (Ethernet) is accepted. captures/gen/forms.sh uses this to write
// captures/forms/ws_echo.vlan.pcap and ws_echo.qinq.pcap: the project
// records only loopback traffic, which never carries a VLAN tag, so these
// forms are written, not recorded.
import { readFileSync, writeFileSync } from 'node:fs';

const MAGIC_USEC = 0xa1b2c3d4;
const MAGIC_NSEC = 0xa1b23c4d;
const LINKTYPE_ETHERNET = 1;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
const MACS = 12; // destination + source MAC addresses
const TAG = 4;

function usage(message) {
  if (message) process.stderr.write(`vlan: ${message}\n`);
  process.stderr.write('usage: node captures/gen/vlan.mjs INPUT OUTPUT TPID:VID[:PCP] [TPID:VID[:PCP] ...]\n');
  process.exit(2);
}

const [input, output, ...specs] = process.argv.slice(2);
if (!input || !output || specs.length === 0) usage();

const tags = specs.map((spec) => {
  const m = /^(0x[0-9a-f]{1,4}|\d+):(\d+)(?::(\d))?$/i.exec(spec);
  if (!m) usage(`bad tag '${spec}' (expected TPID:VID[:PCP], e.g. 0x8100:100)`);
  const tpid = Number(m[1]);
  const vid = Number(m[2]);
  const pcp = m[3] === undefined ? 0 : Number(m[3]);
  if (tpid > 0xffff || vid > 0xfff || pcp > 7) usage(`tag '${spec}' out of range`);
  const tag = Buffer.alloc(TAG);
  tag.writeUInt16BE(tpid, 0);
  tag.writeUInt16BE((pcp << 13) | vid, 2); // DEI 0
  return tag;
});
const insert = Buffer.concat(tags);

const src = readFileSync(input);
if (src.length < GLOBAL_HEADER) usage(`${input}: too short for a pcap global header`);
let little;
if ([MAGIC_USEC, MAGIC_NSEC].includes(src.readUInt32LE(0))) little = true;
else if ([MAGIC_USEC, MAGIC_NSEC].includes(src.readUInt32BE(0))) little = false;
else usage(`${input}: not a classic pcap file (magic ${src.subarray(0, 4).toString('hex')})`);
const r32 = (b, o) => (little ? b.readUInt32LE(o) : b.readUInt32BE(o));
const w32 = (b, v, o) => (little ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));

const header = Buffer.from(src.subarray(0, GLOBAL_HEADER));
const linktype = r32(header, 20) & 0x0fffffff; // upper bits: FCS length
if (linktype !== LINKTYPE_ETHERNET) usage(`${input}: link type ${linktype}, only Ethernet (1) can be tagged`);

const parts = [header];
let off = GLOBAL_HEADER;
let records = 0;
let longest = 0;
while (off < src.length) {
  if (off + RECORD_HEADER > src.length) throw new Error(`${input}: truncated record header at byte ${off}`);
  const inclLen = r32(src, off + 8);
  const origLen = r32(src, off + 12);
  const data = src.subarray(off + RECORD_HEADER, off + RECORD_HEADER + inclLen);
  if (data.length !== inclLen) throw new Error(`${input}: record ${records + 1} runs past the end of the file`);
  if (inclLen < MACS + 2) throw new Error(`${input}: record ${records + 1} is too short (${inclLen} bytes) to be tagged`);
  const rec = Buffer.from(src.subarray(off, off + RECORD_HEADER));
  w32(rec, inclLen + insert.length, 8);
  w32(rec, origLen + insert.length, 12);
  parts.push(rec, data.subarray(0, MACS), insert, data.subarray(MACS));
  longest = Math.max(longest, inclLen + insert.length);
  off += RECORD_HEADER + inclLen;
  records += 1;
}
// Keep every record within the advertised snapshot length.
if (longest > r32(header, 16)) w32(header, longest, 16);

writeFileSync(output, Buffer.concat(parts));
