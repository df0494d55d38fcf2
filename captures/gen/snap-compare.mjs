// Compare a capture with its snapshot-length twin, recorded at the same time
// by another tcpdump with a smaller -s (captures/gen/record.sh, SNAP_SETS):
//
//   node captures/gen/snap-compare.mjs FULL.pcap TWIN.pcap SNAPLEN
//
// Both must be classic little-endian pcap files with microsecond timestamps
// and the same link type; TWIN's header must give SNAPLEN. They must hold
// the same packets in the same order: for each record, the same original
// length, TWIN's captured length min(original length, SNAPLEN), FULL's
// captured length the original length, and TWIN's bytes a prefix of FULL's.
// Timestamps may differ by a few microseconds (each capture socket stamps a
// packet when it reaches it). Prints one line: how many packets, how many
// were cut, how many timestamps differ and by how much at most; exits 1 with
// the first difference otherwise. No dependency.
import { readFileSync } from 'node:fs';

const [fullPath, twinPath, snapText] = process.argv.slice(2);
const snaplen = Number(snapText);
if (!fullPath || !twinPath || !Number.isInteger(snaplen) || snaplen <= 0) {
  console.error('usage: node snap-compare.mjs FULL.pcap TWIN.pcap SNAPLEN');
  process.exit(64);
}
const fail = (why) => {
  console.error(`snap-compare: ${why}`);
  process.exit(1);
};

function read(path) {
  const buf = readFileSync(path);
  if (buf.length < 24 || buf.readUInt32LE(0) !== 0xa1b2c3d4) fail(`${path}: not a little-endian microsecond pcap`);
  const header = { snaplen: buf.readUInt32LE(16), linktype: buf.readUInt32LE(20) };
  const records = [];
  for (let off = 24; off < buf.length; ) {
    if (off + 16 > buf.length) fail(`${path}: truncated record header at offset ${off}`);
    const sec = buf.readUInt32LE(off);
    const usec = buf.readUInt32LE(off + 4);
    const incl = buf.readUInt32LE(off + 8);
    const orig = buf.readUInt32LE(off + 12);
    if (off + 16 + incl > buf.length) fail(`${path}: truncated record at offset ${off}`);
    records.push({ us: sec * 1e6 + usec, incl, orig, data: buf.subarray(off + 16, off + 16 + incl) });
    off += 16 + incl;
  }
  return { header, records };
}

const full = read(fullPath);
const twin = read(twinPath);
if (full.header.linktype !== twin.header.linktype) fail(`link types differ: ${full.header.linktype} vs ${twin.header.linktype}`);
if (twin.header.snaplen !== snaplen) fail(`${twinPath}: snapshot length ${twin.header.snaplen} in the header, expected ${snaplen}`);
if (full.records.length !== twin.records.length) fail(`${full.records.length} packets vs ${twin.records.length}`);
let cut = 0;
let differ = 0;
let max = 0;
full.records.forEach((a, i) => {
  const b = twin.records[i];
  const n = i + 1;
  if (a.orig !== b.orig) fail(`packet ${n}: original length ${a.orig} vs ${b.orig}`);
  if (a.incl !== a.orig) fail(`packet ${n}: cut in ${fullPath} (${a.incl} of ${a.orig} bytes)`);
  if (b.incl !== Math.min(b.orig, snaplen)) fail(`packet ${n}: ${b.incl} bytes captured in ${twinPath}, expected ${Math.min(b.orig, snaplen)}`);
  if (!a.data.subarray(0, b.incl).equals(b.data)) fail(`packet ${n}: the bytes differ`);
  if (b.incl < b.orig) cut++;
  const d = Math.abs(a.us - b.us);
  if (d > 0) differ++;
  if (d > max) max = d;
});
console.log(`${full.records.length} packets, ${cut} cut to ${snaplen} bytes, ${differ} timestamps differ, by at most ${max} us`);
