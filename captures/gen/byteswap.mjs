#!/usr/bin/env node
// Rewrites a classic pcap file in the other byte order: the global header and
// every record header are written big-endian (or little-endian with
// --to little); the packet bytes are copied unchanged. No dependency.
//
//   node captures/gen/byteswap.mjs INPUT OUTPUT [--to big|little]
//
// Microsecond (magic a1b2c3d4) and nanosecond (a1b23c4d) files are both
// accepted and keep their resolution: only the byte order of the header
// fields changes, so a reader that honours the magic number sees exactly the
// same file. pcapng input is refused (its byte order is per section, and
// Wireshark's tools already write it). captures/gen/forms.sh uses this to
// make captures/forms/NAME.be.pcap from captures/NAME.pcap.
import { readFileSync, writeFileSync } from 'node:fs';

const MAGIC_USEC = 0xa1b2c3d4;
const MAGIC_NSEC = 0xa1b23c4d;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

function usage(message) {
  if (message) process.stderr.write(`byteswap: ${message}\n`);
  process.stderr.write('usage: node captures/gen/byteswap.mjs INPUT OUTPUT [--to big|little]\n');
  process.exit(2);
}

const args = process.argv.slice(2);
let to = 'big';
const toAt = args.indexOf('--to');
if (toAt !== -1) {
  to = args[toAt + 1];
  args.splice(toAt, 2);
  if (to !== 'big' && to !== 'little') usage(`--to must be big or little, not ${to}`);
}
if (args.length !== 2) usage();
const [input, output] = args;

const src = readFileSync(input);
if (src.length < GLOBAL_HEADER) usage(`${input}: too short for a pcap global header`);

// The magic number, read in each byte order, tells the file's own order.
let inLittle;
if ([MAGIC_USEC, MAGIC_NSEC].includes(src.readUInt32LE(0))) inLittle = true;
else if ([MAGIC_USEC, MAGIC_NSEC].includes(src.readUInt32BE(0))) inLittle = false;
else if (src.readUInt32LE(0) === 0x0a0d0d0a) usage(`${input}: pcapng is not handled, only classic pcap`);
else usage(`${input}: not a classic pcap file (magic ${src.subarray(0, 4).toString('hex')})`);

const outLittle = to === 'little';
const r16 = (o) => (inLittle ? src.readUInt16LE(o) : src.readUInt16BE(o));
const r32 = (o) => (inLittle ? src.readUInt32LE(o) : src.readUInt32BE(o));
const i32 = (o) => (inLittle ? src.readInt32LE(o) : src.readInt32BE(o));

const dst = Buffer.alloc(src.length);
const w16 = (v, o) => (outLittle ? dst.writeUInt16LE(v, o) : dst.writeUInt16BE(v, o));
const w32 = (v, o) => (outLittle ? dst.writeUInt32LE(v, o) : dst.writeUInt32BE(v, o));
const wi32 = (v, o) => (outLittle ? dst.writeInt32LE(v, o) : dst.writeInt32BE(v, o));

// Global header: magic, version major/minor, thiszone, sigfigs, snaplen,
// network (the link type, with the FCS bits above it: copied as one word).
w32(r32(0), 0);
w16(r16(4), 4);
w16(r16(6), 6);
wi32(i32(8), 8);
w32(r32(12), 12);
w32(r32(16), 16);
w32(r32(20), 20);

let off = GLOBAL_HEADER;
let records = 0;
while (off < src.length) {
  if (off + RECORD_HEADER > src.length) {
    throw new Error(`${input}: truncated record header at byte ${off} (record ${records + 1})`);
  }
  const inclLen = r32(off + 8);
  const end = off + RECORD_HEADER + inclLen;
  if (end > src.length) throw new Error(`${input}: record ${records + 1} at byte ${off} runs past the end of the file`);
  w32(r32(off), off); // ts_sec
  w32(r32(off + 4), off + 4); // ts_usec or ts_nsec
  w32(inclLen, off + 8); // incl_len
  w32(r32(off + 12), off + 12); // orig_len
  src.copy(dst, off + RECORD_HEADER, off + RECORD_HEADER, end);
  off = end;
  records += 1;
}

writeFileSync(output, dst);
