#!/usr/bin/env node
// Writes captures/textbook_rfc6455.pcap: a crafted, byte-for-byte reproducible
// capture of the RFC 6455 §1.3 example conversation. No traffic is sent; the
// documentation addresses (RFC 5737, RFC 7042) only appear inside the file.
//
//   node captures/gen/textbook.mjs [OUTPUT]
//   node captures/gen/textbook.mjs --wide [OUTPUT]   # captures/wide/textbook_wide.pcap
//
// --wide writes the same conversation with text a terminal draws two columns
// wide or not at all: the server's three texts are "你好，世界" (CJK and a
// fullwidth comma), "ｗｉｄｅ ＡＢＣ" (fullwidth Latin) and "emoji 🎉🚀 e\u0301"
// (emoji, and an e with a combining acute accent); the client closes 1000
// "再见" and the server answers 1001 "服务器维护中" (server under
// maintenance). Same packets, times and addresses; only the payloads differ.
//
// Classic little-endian pcap, microsecond timestamps, link type 1 (Ethernet).
// The capture point is the client, 192.0.2.10:51000, which talks to the
// server 192.0.2.20:80 through a router (00:00:5e:00:53:01) with a 12 ms
// round-trip time. Every IPv4 header and TCP checksum is correct; sequence,
// acknowledgement and TCP timestamp (TSval/TSecr) values are consistent with
// what each side has seen at that moment.
//
//  #  time (s)  dir   what
//  1  0.000000  C>S   SYN            (MSS 1460, SACK_PERM, TS, WS 7)
//  2  0.012345  S>C   SYN, ACK
//  3  0.012401  C>S   ACK
//  4  0.012650  C>S   GET /chat HTTP/1.1 (RFC 6455 §1.3 request)
//  5  0.024950  S>C   ACK
//  6  0.025730  S>C   HTTP/1.1 101 Switching Protocols (§1.3 response)
//  7  0.025771  C>S   ACK
//  8  0.100000  S>C   Text "Hello"        (FIN, unmasked)
//  9  0.100043  C>S   ACK
// 10  0.200000  S>C   Text "from"
// 11  0.200041  C>S   ACK
// 12  0.300000  S>C   Text "the server"
// 13  0.300044  C>S   ACK
// 14  0.500000  C>S   Close 1000, masked with key 37 fa 21 3d (RFC 6455 §5.7)
// 15  0.512400  S>C   ACK
// 16  0.512610  S>C   Close 1000 (echo, unmasked)
// 17  0.512655  S>C   FIN, ACK       (the server closes TCP first, §7.1.1)
// 18  0.512702  C>S   ACK
// 19  0.512913  C>S   FIN, ACK
// 20  0.525107  S>C   ACK
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const WIDE = process.argv[2] === '--wide';
const OUTPUT = process.argv[WIDE ? 3 : 2] ?? (WIDE ? join(HERE, '..', 'wide', 'textbook_wide.pcap') : join(HERE, '..', 'textbook_rfc6455.pcap'));

// ------------------------------------------------------------ the scene --
const EPOCH_S = 1700000000; // 2023-11-14T22:13:20Z
const RTT_US = 12000; // round trip between the capture point and the server
const ONE_WAY_US = RTT_US / 2;

const CLIENT = {
  name: 'client',
  mac: [0x00, 0x00, 0x5e, 0x00, 0x53, 0x0a],
  ip: [192, 0, 2, 10],
  port: 51000,
  isn: 2736483001,
  tsBase: 2902110000, // TSval clock, 1 tick per millisecond
  synWindow: 64240,
  window: 502, // scaled by 2^7: 64256 bytes
  ipId: 0x6f3a,
  ttl: 64, // the capture point is the client: its packets leave with TTL 64
};
const SERVER = {
  name: 'server',
  mac: [0x00, 0x00, 0x5e, 0x00, 0x53, 0x01], // the router, as seen from the client
  ip: [192, 0, 2, 20],
  port: 80,
  isn: 1504832750,
  tsBase: 1610520000,
  synWindow: 65160,
  window: 509, // 65152 bytes
  ipId: 0xb1c4,
  ttl: 56, // 64 minus 8 hops
};

const REQUEST =
  'GET /chat HTTP/1.1\r\n' +
  'Host: server.example.com\r\n' +
  'Upgrade: websocket\r\n' +
  'Connection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
  'Origin: http://example.com\r\n' +
  'Sec-WebSocket-Protocol: chat, superchat\r\n' +
  'Sec-WebSocket-Version: 13\r\n' +
  '\r\n';

const ACCEPT = createHash('sha1')
  .update('dGhlIHNhbXBsZSBub25jZQ==' + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
  .digest('base64');
if (ACCEPT !== 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=') throw new Error(`unexpected accept ${ACCEPT}`);

const RESPONSE =
  'HTTP/1.1 101 Switching Protocols\r\n' +
  'Upgrade: websocket\r\n' +
  'Connection: Upgrade\r\n' +
  `Sec-WebSocket-Accept: ${ACCEPT}\r\n` +
  'Sec-WebSocket-Protocol: chat\r\n' +
  '\r\n';

const MASK_KEY = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

/** A single-frame WebSocket message (FIN set), masked when a key is given. */
function wsFrame(opcode, payload, maskKey) {
  if (payload.length > 125) throw new Error('textbook frames are small');
  const head = Buffer.from([0x80 | opcode, (maskKey ? 0x80 : 0) | payload.length]);
  if (!maskKey) return Buffer.concat([head, payload]);
  const masked = Buffer.from(payload.map((b, i) => b ^ maskKey[i % 4]));
  return Buffer.concat([head, maskKey, masked]);
}
const code1000 = Buffer.from([0x03, 0xe8]);
const closeBody = (code, reason) => Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason, 'utf8')]);
const TEXTS = WIDE ? ['你好，世界', 'ｗｉｄｅ ＡＢＣ', 'emoji 🎉🚀 e\u0301'] : ['Hello', 'from', 'the server'];
const CLIENT_CLOSE = WIDE ? closeBody(1000, '再见') : code1000;
const SERVER_CLOSE = WIDE ? closeBody(1001, '服务器维护中') : code1000;

// flags
const FIN = 0x01, SYN = 0x02, PSH = 0x08, ACK = 0x10;

// from, time in microseconds after EPOCH_S, TCP flags, payload
const C = CLIENT, S = SERVER;
const script = [
  [C, 0, SYN],
  [S, 12345, SYN | ACK],
  [C, 12401, ACK],
  [C, 12650, PSH | ACK, Buffer.from(REQUEST, 'latin1')],
  [S, 24950, ACK],
  [S, 25730, PSH | ACK, Buffer.from(RESPONSE, 'latin1')],
  [C, 25771, ACK],
  [S, 100000, PSH | ACK, wsFrame(0x1, Buffer.from(TEXTS[0]))],
  [C, 100043, ACK],
  [S, 200000, PSH | ACK, wsFrame(0x1, Buffer.from(TEXTS[1]))],
  [C, 200041, ACK],
  [S, 300000, PSH | ACK, wsFrame(0x1, Buffer.from(TEXTS[2]))],
  [C, 300044, ACK],
  [C, 500000, PSH | ACK, wsFrame(0x8, CLIENT_CLOSE, MASK_KEY)],
  [S, 512400, ACK],
  [S, 512610, PSH | ACK, wsFrame(0x8, SERVER_CLOSE)],
  [S, 512655, FIN | ACK],
  [C, 512702, ACK],
  [C, 512913, FIN | ACK],
  [S, 525107, ACK],
];

// ------------------------------------------------------- TCP simulation --
// Packets from the client are seen by the server ONE_WAY_US after they were
// captured; packets from the server were sent ONE_WAY_US before they were
// captured. So the server, when sending a packet captured at t, has seen the
// client packets captured at or before t - RTT_US. The client has seen every
// server packet captured before its own.
const packets = script.map(([from, t, flags, payload = Buffer.alloc(0)]) => ({ from, t, flags, payload }));
const sendTime = (p) => (p.from === SERVER ? p.t - ONE_WAY_US : p.t);
const seqSpace = (p) => p.payload.length + (p.flags & SYN ? 1 : 0) + (p.flags & FIN ? 1 : 0);
const seenBy = (receiver, p, q) => q.from !== receiver && (receiver === CLIENT ? q.t <= p.t : q.t <= p.t - RTT_US);

const state = new Map([
  [CLIENT, { sndNxt: CLIENT.isn, ipId: CLIENT.ipId }],
  [SERVER, { sndNxt: SERVER.isn, ipId: SERVER.ipId }],
]);

function checksum(...bufs) {
  let sum = 0;
  for (const b of bufs) {
    for (let i = 0; i < b.length; i += 2) sum += (b[i] << 8) | (i + 1 < b.length ? b[i + 1] : 0);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function tcpOptions(p, tsval, tsecr) {
  const ts = Buffer.alloc(10);
  ts[0] = 8; ts[1] = 10;
  ts.writeUInt32BE(tsval, 2);
  ts.writeUInt32BE(tsecr, 6);
  if (p.flags & SYN) {
    // Linux order: MSS, SACK_PERM, TS, NOP, WS
    return Buffer.concat([Buffer.from([2, 4, 0x05, 0xb4, 4, 2]), ts, Buffer.from([1, 3, 3, 7])]);
  }
  return Buffer.concat([Buffer.from([1, 1]), ts]);
}

function buildFrame(p, index) {
  const me = p.from;
  const peer = me === CLIENT ? SERVER : CLIENT;
  const st = state.get(me);
  const seen = packets.slice(0, index).filter((q) => seenBy(me, p, q));
  const ack = p.flags & ACK ? (peer.isn + seen.reduce((n, q) => n + seqSpace(q), 0)) >>> 0 : 0;
  const tsval = me.tsBase + Math.floor(sendTime(p) / 1000);
  const lastSeen = seen.at(-1);
  const tsecr = lastSeen ? lastSeen.from.tsBase + Math.floor(sendTime(lastSeen) / 1000) : 0;

  const opts = tcpOptions(p, tsval, tsecr);
  const tcp = Buffer.alloc(20 + opts.length);
  tcp.writeUInt16BE(me.port, 0);
  tcp.writeUInt16BE(peer.port, 2);
  tcp.writeUInt32BE(st.sndNxt >>> 0, 4);
  tcp.writeUInt32BE(ack, 8);
  tcp[12] = (tcp.length / 4) << 4;
  tcp[13] = p.flags;
  tcp.writeUInt16BE(p.flags & SYN ? me.synWindow : me.window, 14);
  opts.copy(tcp, 20);
  st.sndNxt += seqSpace(p);

  const tcpLen = tcp.length + p.payload.length;
  const pseudo = Buffer.from([...me.ip, ...peer.ip, 0, 6, tcpLen >> 8, tcpLen & 0xff]);
  tcp.writeUInt16BE(checksum(pseudo, tcp, p.payload), 16);

  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + tcpLen, 2);
  // Linux sends a SYN-ACK from a request socket with IP ID 0.
  const id = p.flags === (SYN | ACK) ? 0 : st.ipId++;
  ip.writeUInt16BE(id & 0xffff, 4);
  ip.writeUInt16BE(0x4000, 6); // DF
  ip[8] = me.ttl;
  ip[9] = 6;
  Buffer.from(me.ip).copy(ip, 12);
  Buffer.from(peer.ip).copy(ip, 16);
  ip.writeUInt16BE(checksum(ip), 10);

  const eth = Buffer.from([...peer.mac, ...me.mac, 0x08, 0x00]);
  return Buffer.concat([eth, ip, tcp, p.payload]);
}

// ------------------------------------------------------------ pcap file --
const globalHeader = Buffer.alloc(24);
globalHeader.writeUInt32LE(0xa1b2c3d4, 0); // microsecond timestamps
globalHeader.writeUInt16LE(2, 4);
globalHeader.writeUInt16LE(4, 6);
globalHeader.writeInt32LE(0, 8); // thiszone
globalHeader.writeUInt32LE(0, 12); // sigfigs
globalHeader.writeUInt32LE(262144, 16); // snaplen
globalHeader.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET

const records = packets.map((p, i) => {
  const frame = buildFrame(p, i);
  const rec = Buffer.alloc(16);
  rec.writeUInt32LE(EPOCH_S + Math.floor(p.t / 1e6), 0);
  rec.writeUInt32LE(p.t % 1e6, 4);
  rec.writeUInt32LE(frame.length, 8);
  rec.writeUInt32LE(frame.length, 12);
  return Buffer.concat([rec, frame]);
});

const file = Buffer.concat([globalHeader, ...records]);
mkdirSync(dirname(OUTPUT), { recursive: true });
writeFileSync(OUTPUT, file);
const sha = createHash('sha256').update(file).digest('hex');
console.error(
  `[textbook] ${packets.length} packets, ${file.length} bytes -> ${relative(process.cwd(), OUTPUT) || OUTPUT} (sha256 ${sha.slice(0, 16)}…)`,
);
