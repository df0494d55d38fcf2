// One HTTP/2 connection (h2c, prior knowledge) carrying N WebSockets one
// after another (RFC 8441), each an extended CONNECT, its 200, four text
// messages each way, the closing handshake and END_STREAM both ways: the case
// where a connection lives long and opens WebSocket after WebSocket, and what
// the analysis keeps must not grow with their number. Hand-made frames (HPACK
// literals, no Huffman), a little-endian microsecond pcap over Ethernet/IPv4.
// Usage: node test/bench/h2-many.mjs N OUT.pcap
import { writeFileSync } from 'node:fs';
const recs = [];
let ts = 1700000000;
const seq = { c: 1000, s: 5000 };
function csum(buf) { let s = 0; for (let i = 0; i < buf.length; i += 2) s += (buf[i] << 8) | (buf[i + 1] ?? 0); while (s >> 16) s = (s & 0xffff) + (s >> 16); return ~s & 0xffff; }
function pkt(from, flags, payload = Buffer.alloc(0)) {
  const [sip, dip, sp, dp] = from === 'c' ? [[10,0,0,1],[10,0,0,2],40000,80] : [[10,0,0,2],[10,0,0,1],80,40000];
  const tcp = Buffer.alloc(20); tcp.writeUInt16BE(sp, 0); tcp.writeUInt16BE(dp, 2); tcp.writeUInt32BE(seq[from] >>> 0, 4); tcp.writeUInt32BE(seq[from === 'c' ? 's' : 'c'] >>> 0, 8);
  tcp[12] = 5 << 4; let f = 0; for (const ch of flags) f |= { F: 1, S: 2, R: 4, P: 8, A: 16 }[ch]; tcp[13] = f; tcp.writeUInt16BE(65535, 14);
  const ip = Buffer.alloc(20); ip[0] = 0x45; ip.writeUInt16BE(20 + 20 + payload.length, 2); ip[8] = 64; ip[9] = 6; Buffer.from(sip).copy(ip, 12); Buffer.from(dip).copy(ip, 16); ip.writeUInt16BE(csum(ip), 10);
  const eth = Buffer.concat([Buffer.alloc(12), Buffer.from([8, 0])]);
  const data = Buffer.concat([eth, ip, tcp, payload]);
  ts += 0.0001; recs.push({ ts, data });
  seq[from] = (seq[from] + payload.length + (flags.includes('S') || flags.includes('F') ? 1 : 0)) >>> 0;
}
const frame = (type, flags, stream, payload = []) => { const d = Buffer.from(payload); const h = Buffer.alloc(9); h.writeUIntBE(d.length, 0, 3); h[3] = type; h[4] = flags; h.writeUInt32BE(stream, 5); return Buffer.concat([h, d]); };
const block = (fields) => Buffer.concat(fields.flatMap(([n, v]) => [Buffer.from([0, n.length]), Buffer.from(n, 'latin1'), Buffer.from([v.length]), Buffer.from(v, 'latin1')]));
const mask = Buffer.from([1, 2, 3, 4]);
const ws = (op, p, m) => Buffer.concat([Buffer.from([0x80 | op, (m ? 0x80 : 0) | p.length]), m ? mask : Buffer.alloc(0), m ? Buffer.from(p.map((b, i) => b ^ mask[i % 4])) : p]);
const n = Number(process.argv[2] ?? 5000);
if (!process.argv[3]) throw new Error('usage: node test/bench/h2-many.mjs N OUT.pcap');
pkt('c', 'S'); pkt('s', 'SA'); pkt('c', 'A');
pkt('c', 'PA', Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), frame(4, 0, 0)]));
pkt('s', 'PA', frame(4, 0, 0, [0, 8, 0, 0, 0, 1]));
for (let i = 0; i < n; i++) {
  const id = 1 + 2 * i;
  pkt('c', 'PA', frame(1, 4, id, block([[':method', 'CONNECT'], [':protocol', 'websocket'], [':scheme', 'http'], [':path', `/s${i}`], [':authority', 'a'], ['sec-websocket-version', '13']])));
  pkt('s', 'PA', frame(1, 4, id, block([[':status', '200']])));
  for (let k = 0; k < 4; k++) { pkt('c', 'PA', frame(0, 0, id, ws(1, Buffer.from(`hello ${k}`), true))); pkt('s', 'PA', frame(0, 0, id, ws(1, Buffer.from(`reply ${k}`), false))); }
  pkt('c', 'PA', frame(0, 0, id, ws(8, Buffer.from([3, 232]), true)));
  pkt('s', 'PA', Buffer.concat([frame(0, 0, id, ws(8, Buffer.from([3, 232]), false)), frame(0, 1, id)]));
  pkt('c', 'PA', frame(0, 1, id));
}
pkt('c', 'FA'); pkt('s', 'FA'); pkt('c', 'A');
const out = [Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex')];
for (const r of recs) { const h = Buffer.alloc(16); h.writeUInt32LE(Math.floor(r.ts), 0); h.writeUInt32LE(Math.round((r.ts % 1) * 1e6) % 1000000, 4); h.writeUInt32LE(r.data.length, 8); h.writeUInt32LE(r.data.length, 12); out.push(h, r.data); }
writeFileSync(process.argv[3], Buffer.concat(out));
