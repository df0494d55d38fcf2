// Writes a large capture of WebSocket conversations, reproducibly (a seeded
// generator): many connections over Ethernet/IPv4, each with its TCP
// handshake, an upgrade with a correct Accept, then thousands of frames —
// masked client text (JSON-like) and binary, unmasked server echoes,
// messages over several 1448-byte segments, fragmented messages, pings and
// pongs — acknowledged as a TCP stack would, and a closing handshake and
// FIN teardown. Usage: node test/bench/generate.mjs OUT.pcap MEGABYTES
//
// With --long: one long connection instead, as a busy real one is: a ws-like
// echo with permessage-deflate (context takeover on both sides, every data
// message compressed, RSV1), JSON messages of a few hundred bytes, a ping now
// and then, until the file has MEGABYTES; a single connection of hundreds of
// thousands of frames, the case where what a view keeps per frame decides
// its memory.
//
// With --wss (TLS 1.3, TLS_AES_128_GCM_SHA256) or --wss12 (TLS 1.2,
// ECDHE-ECDSA-AES128-GCM-SHA256): the wss:// twin of the capture without
// it — the same connections, the same WebSocket bytes in the same sends, at
// the same times — each connection carried inside a real TLS session
// between a Node TLS client and server back to back in memory
// (tls-pair.mjs): after the TCP handshake, the TLS handshake; each send is
// one write of the TLS socket (records of up to 16 KB), whose records are
// cut into 1448-byte segments and take the timestamps the cleartext's
// segments and ACKs have (more segments than those: a few microseconds
// apart); then close_notify both ways and the FIN teardown. The key log
// goes to OUT.keys (OUT without .pcap); the certificate, made once with
// openssl, to the folder of OUT. The TLS randomness differs from run to
// run: the file's bytes do, its cleartext does not.
//
// With --short: CONNECTIONS short connections instead of MEGABYTES of long
// ones (node test/bench/generate.mjs OUT.pcap --short CONNECTIONS), the
// case where what is kept per connection decides the cost: each a whole
// small conversation of 15 packets — the three-way handshake, the upgrade
// and its 101 with a correct Accept, a masked text and a masked binary
// frame from the client each answered by the server, the closing handshake
// both ways and the FIN teardown (the server's first), each packet
// acknowledging what came before it. The clients are 4096 addresses
// (10.1.1.2 – 10.1.64.65), each taking its source ports one after the other
// from 32768 (a 4-tuple comes back only after 28 232 connections of one
// client, long closed); the server is 10.0.0.1:80. Up to 8 connections are
// open at once, the next packet taken from one of them at random.
import { createHash } from 'node:crypto';
import { createWriteStream, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { constants as Z, createDeflateRaw } from 'node:zlib';
import { testCertificate, tlsSession } from './tls-pair.mjs';
import { seeded } from './seeded.mjs';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const long = process.argv.includes('--long');
const short = process.argv.includes('--short');
const tlsVersion = process.argv.includes('--wss') ? '1.3' : process.argv.includes('--wss12') ? '1.2' : null;
// with --short, the number is of connections
const [out, megabytes = '100'] = positional;
if (!out || [long, short, tlsVersion !== null].filter(Boolean).length > 1 || (short && !(Number(megabytes) >= 1))) {
  console.error('usage: node test/bench/generate.mjs OUT.pcap MEGABYTES [--long | --wss | --wss12]\n       node test/bench/generate.mjs OUT.pcap --short CONNECTIONS');
  process.exit(2);
}
const target = Number(megabytes) * 1024 * 1024;
const keysFile = `${out.replace(/\.pcap$/, '')}.keys`;
const certificate = tlsVersion ? testCertificate(dirname(out)) : null;
const keylog = [];

const { random, pick } = seeded(0x5eed);

const file = createWriteStream(out);
let written = 0;
const parts = [];
let pending = 0;
async function emit(buf) {
  parts.push(buf);
  pending += buf.length;
  written += buf.length;
  if (pending > 1 << 20) {
    const ok = file.write(Buffer.concat(parts));
    parts.length = 0;
    pending = 0;
    if (!ok) await new Promise((r) => file.once('drain', r));
  }
}

const header = Buffer.alloc(24);
header.writeUInt32LE(0xa1b2c3d4, 0);
header.writeUInt16LE(2, 4);
header.writeUInt16LE(4, 6);
header.writeUInt32LE(262144, 16);
header.writeUInt32LE(1, 20);
await emit(header);

/**
 * The bytes the capture without TLS has: written, or (with TLS) counted as
 * if written, so that a twin has the same connections as its cleartext.
 */
let cleartextWritten = header.length;
const RECORD = 16 + 14 + 20 + 20;
/** how many data segments and ACKs `send` makes of length bytes (the receiver ACKs every other segment, and the last) */
const segmentsOf = (length) => {
  const data = Math.ceil(length / 1448);
  return { data, acks: Math.ceil(data / 2) };
};

let ts = 1700000000;
/** the next packet's timestamp: 20–220 µs after the one before */
const tick = () => (ts += 0.00002 + random() * 0.0002);
async function packet(src, dst, sport, dport, seq, ack, flags, payload = Buffer.alloc(0), at = tick()) {
  const frame = Buffer.alloc(14 + 20 + 20 + payload.length);
  frame.writeUInt16BE(0x0800, 12);
  frame[14] = 0x45;
  frame.writeUInt16BE(40 + payload.length, 16);
  frame[22] = 64;
  frame[23] = 6;
  Buffer.from(src).copy(frame, 26);
  Buffer.from(dst).copy(frame, 30);
  frame.writeUInt16BE(sport, 34);
  frame.writeUInt16BE(dport, 36);
  frame.writeUInt32BE(seq >>> 0, 38);
  frame.writeUInt32BE(ack >>> 0, 42);
  frame[46] = 5 << 4;
  frame[47] = flags;
  frame.writeUInt16BE(65535, 48);
  payload.copy(frame, 54);
  const rec = Buffer.alloc(16);
  const sec = Math.floor(at);
  rec.writeUInt32LE(sec, 0);
  rec.writeUInt32LE(Math.floor((at - sec) * 1e6), 4);
  rec.writeUInt32LE(frame.length, 8);
  rec.writeUInt32LE(frame.length, 12);
  await emit(rec);
  await emit(frame);
}

function wsFrame(opcode, payload, masked, fin = true, rsv1 = false) {
  const len = payload.length;
  const b0 = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  const head = len < 126 ? Buffer.from([b0, (masked ? 0x80 : 0) | len]) : len < 65536 ? Buffer.from([b0, (masked ? 0x80 : 0) | 126, len >> 8, len & 0xff]) : null;
  let h = head;
  if (!h) {
    h = Buffer.alloc(10);
    h[0] = b0;
    h[1] = (masked ? 0x80 : 0) | 127;
    h.writeBigUInt64BE(BigInt(len), 2);
  }
  if (!masked) return Buffer.concat([h, payload]);
  const key = Buffer.from([pick(256), pick(256), pick(256), pick(256)]);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
  return Buffer.concat([h, key, body]);
}

const FLAGS = { FIN: 0x01, SYN: 0x02, PSH: 0x08, ACK: 0x10 };
const words = ['price', 'order', 'tick', 'user', 'chat', 'status', 'update', 'quote', 'trade', 'heartbeat'];

/**
 * One TCP connection between 127.0.0.1:cp and 127.0.0.2:8080: its three-way
 * handshake, the WebSocket upgrade (with `extensions` in both heads when
 * given), `send` of bytes in MSS-sized segments (the receiver ACKs every
 * other segment), and the closing handshake and FIN teardown.
 */
function tcpConnection(cp, cseq, sseq) {
  const c = [127, 0, 0, 1];
  const s = [127, 0, 0, 2];
  const sp = 8080;
  const ack = (fromClient, at) => (fromClient ? packet(s, c, sp, cp, sseq, cseq, FLAGS.ACK, undefined, at) : packet(c, s, cp, sp, cseq, sseq, FLAGS.ACK, undefined, at));
  /** bytes in 1448-byte segments, the receiver ACKing every other one and the last; `times`: their timestamps, while there are some */
  const segments = async (fromClient, bytes, times = null) => {
    let segs = 0;
    let k = 0;
    // past the times given (TLS adds bytes), 5 µs apart
    const at = () => (times === null ? undefined : k < times.length ? (ts = Math.max(ts, times[k++])) : (ts += 0.000005));
    for (let off = 0; off < bytes.length; off += 1448) {
      const piece = bytes.subarray(off, off + 1448);
      if (fromClient) {
        await packet(c, s, cp, sp, cseq, sseq, FLAGS.PSH | FLAGS.ACK, piece, at());
        cseq += piece.length;
      } else {
        await packet(s, c, sp, cp, sseq, cseq, FLAGS.PSH | FLAGS.ACK, piece, at());
        sseq += piece.length;
      }
      if (++segs % 2 === 0) await ack(fromClient, at());
    }
    if (segs % 2 === 1) await ack(fromClient, at());
    // the clock where the capture without TLS has it
    if (times !== null && k < times.length) ts = Math.max(ts, times[times.length - 1]);
  };
  const tls = { session: null };
  /** what TLS wrote since the last time, segment by segment, 50 µs on (the cleartext has no such packets: no random draws) */
  const wire = async (chunks) => {
    for (const { fromClient, data } of chunks) await segments(fromClient, data, [(ts += 0.00005)]);
  };
  const send = async (fromClient, bytes) => {
    const { data, acks } = segmentsOf(bytes.length);
    cleartextWritten += (data + acks) * RECORD + bytes.length;
    if (tls.session === null) return segments(fromClient, bytes);
    // the timestamps of the cleartext's packets (its random draws, in its order)
    const before = ts;
    const times = Array.from({ length: data + acks }, tick);
    ts = before;
    await tls.session.write(fromClient, bytes);
    const chunks = tls.session.drain();
    // this send's records, in one run of segments with the cleartext's times (anything else the TLS stack wrote keeps its place)
    const mine = chunks.filter((x) => x.fromClient === fromClient);
    if (mine.length === 0) throw new Error('a TLS write wrote nothing');
    const first = chunks.indexOf(mine[0]);
    await wire(chunks.slice(0, first).filter((x) => x.fromClient !== fromClient));
    await segments(fromClient, mine.length === 1 ? mine[0].data : Buffer.concat(mine.map((x) => x.data)), times);
    await wire(chunks.slice(first).filter((x) => x.fromClient !== fromClient));
  };
  const open = async (path, extensions = null) => {
    await packet(c, s, cp, sp, cseq, 0, FLAGS.SYN);
    cseq++;
    await packet(s, c, sp, cp, sseq, cseq, FLAGS.SYN | FLAGS.ACK);
    sseq++;
    await packet(c, s, cp, sp, cseq, sseq, FLAGS.ACK);
    cleartextWritten += 3 * RECORD;
    if (tlsVersion) {
      tls.session = await tlsSession({ version: tlsVersion, ...certificate, onKeylog: (line) => keylog.push(line) });
      await wire(tls.session.drain());
    }
    const key = Buffer.from(Array.from({ length: 16 }, () => pick(256))).toString('base64');
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    const offer = extensions ? `Sec-WebSocket-Extensions: ${extensions.offer}\r\n` : '';
    const answer = extensions ? `Sec-WebSocket-Extensions: ${extensions.answer}\r\n` : '';
    await send(true, Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.2:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${offer}\r\n`));
    await send(false, Buffer.from(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n${answer}\r\n`));
  };
  const close = async () => {
    await send(true, wsFrame(8, Buffer.from([0x03, 0xe8, 0x62, 0x79, 0x65]), true));
    await send(false, wsFrame(8, Buffer.from([0x03, 0xe8, 0x62, 0x79, 0x65]), false));
    if (tls.session) {
      // close_notify, the client's first
      await tls.session.close();
      await wire(tls.session.drain());
    }
    await packet(s, c, sp, cp, sseq, cseq, FLAGS.FIN | FLAGS.ACK);
    sseq++;
    await packet(c, s, cp, sp, cseq, sseq, FLAGS.ACK);
    await packet(c, s, cp, sp, cseq, sseq, FLAGS.FIN | FLAGS.ACK);
    cseq++;
    await packet(s, c, sp, cp, sseq, cseq, FLAGS.ACK);
    cleartextWritten += 4 * RECORD;
  };
  return { send, open, close };
}

async function conversation(n) {
  const { send, open, close } = tcpConnection(20000 + (n % 40000), (pick(2 ** 31) * 2) >>> 0, (pick(2 ** 31) * 2) >>> 0);
  await open(`/feed/${n}`);
  const messages = 2000 + pick(2000);
  for (let i = 0; i < messages; i++) {
    const r = random();
    if (r < 0.03) {
      const ping = Buffer.from(`ping ${i}`);
      await send(true, wsFrame(9, ping, true));
      await send(false, wsFrame(10, ping, false));
    } else if (r < 0.045) {
      const bin = Buffer.alloc(2000 + pick(14000), i & 0xff);
      await send(true, wsFrame(2, bin, true));
      await send(false, wsFrame(2, bin, false));
    } else if (r < 0.065) {
      const text = Buffer.from(`{"fragmented":${i},"parts":["${words[pick(10)]}","${words[pick(10)]}","${words[pick(10)]}"]}`);
      const cut = 1 + pick(text.length - 2);
      await send(true, Buffer.concat([wsFrame(1, text.subarray(0, cut), true, false), wsFrame(0, text.subarray(cut), true, true)]));
      await send(false, wsFrame(1, text, false));
    } else {
      const text = Buffer.from(JSON.stringify({ type: words[pick(10)], seq: i, value: random().toFixed(6), note: 'x'.repeat(pick(120)) }));
      await send(true, wsFrame(1, text, true));
      // several server frames may share one segment
      await send(false, Buffer.concat([wsFrame(1, text, false), ...(random() < 0.3 ? [wsFrame(1, Buffer.from('{"ack":true}'), false)] : [])]));
    }
  }
  await close();
  ts += 1;
}

/** A compressor of one direction of permessage-deflate with context takeover (RFC 7692 §7.2.1). */
function deflater() {
  const z = createDeflateRaw({ windowBits: 15, memLevel: 8 });
  const chunks = [];
  z.on('data', (d) => chunks.push(d));
  return (data) =>
    new Promise((resolve, reject) => {
      z.write(data);
      z.flush(Z.Z_SYNC_FLUSH, () => {
        const all = Buffer.concat(chunks);
        chunks.length = 0;
        // the 00 00 ff ff that ends the sync flush is left off the wire
        if (all.length < 4 || all.readUInt32BE(all.length - 4) !== 0x0000ffff) reject(new Error('no sync flush marker'));
        else resolve(all.subarray(0, all.length - 4));
      });
    });
}

async function longConversation() {
  const { send, open, close } = tcpConnection(40404, 1000, 5000);
  await open('/stream', { offer: 'permessage-deflate; client_max_window_bits', answer: 'permessage-deflate' });
  const toServer = deflater();
  const toClient = deflater();
  let i = 0;
  // the closing handshake and teardown take a few hundred bytes
  while (written < target - 512) {
    if (i % 500 === 499) {
      const ping = Buffer.from(`keepalive ${i}`);
      await send(true, wsFrame(9, ping, true));
      await send(false, wsFrame(10, ping, false));
    }
    const text = Buffer.from(JSON.stringify({ type: words[pick(10)], seq: i, symbol: `SYM${pick(50)}`, price: (100 + random() * 50).toFixed(4), size: pick(10000), book: Array.from({ length: 4 + pick(6) }, () => [(100 + random()).toFixed(3), pick(500)]) }));
    await send(true, wsFrame(1, await toServer(text), true, true, true));
    await send(false, wsFrame(1, await toClient(text), false, true, true));
    i++;
  }
  await close();
  return i;
}

/**
 * One short connection from client k (of 4096) and its next source port to
 * 10.0.0.1:80, as the list of its 15 packets in order (made when it opens:
 * its random draws come in the order connections open).
 */
const clientPorts = new Uint16Array(4096);
function shortConnection(n) {
  const k = pick(4096);
  const c = [10, 1, 1 + (k >> 6), 2 + (k & 63)];
  const s = [10, 0, 0, 1];
  const cp = 32768 + clientPorts[k];
  clientPorts[k] = (clientPorts[k] + 1) % 28232;
  const sp = 80;
  let cseq = (pick(2 ** 31) * 2) >>> 0;
  let sseq = (pick(2 ** 31) * 2) >>> 0;
  const packets = [];
  const fromClient = (flags, payload = Buffer.alloc(0)) => {
    packets.push([c, s, cp, sp, cseq, sseq, flags, payload]);
    cseq += payload.length + (flags & (FLAGS.SYN | FLAGS.FIN) ? 1 : 0);
  };
  const fromServer = (flags, payload = Buffer.alloc(0)) => {
    packets.push([s, c, sp, cp, sseq, cseq, flags, payload]);
    sseq += payload.length + (flags & (FLAGS.SYN | FLAGS.FIN) ? 1 : 0);
  };
  const data = FLAGS.PSH | FLAGS.ACK;
  // the SYN acknowledges nothing (its ack field is 0)
  packets.push([c, s, cp, sp, cseq, 0, FLAGS.SYN, Buffer.alloc(0)]);
  cseq++;
  fromServer(FLAGS.SYN | FLAGS.ACK);
  fromClient(FLAGS.ACK);
  const key = Buffer.from(Array.from({ length: 16 }, () => pick(256))).toString('base64');
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  fromClient(data, Buffer.from(`GET /s/${n} HTTP/1.1\r\nHost: 10.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`));
  fromServer(data, Buffer.from(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`));
  const text = Buffer.from(`{"${words[pick(10)]}":${n}}`);
  fromClient(data, wsFrame(1, text, true));
  fromServer(data, wsFrame(1, Buffer.from(`{"ok":${n}}`), false));
  const bin = Buffer.alloc(8 + pick(56), n & 0xff);
  fromClient(data, wsFrame(2, bin, true));
  fromServer(data, wsFrame(2, bin, false));
  const bye = Buffer.from([0x03, 0xe8]);
  fromClient(data, wsFrame(8, bye, true));
  fromServer(data, wsFrame(8, bye, false));
  fromServer(FLAGS.FIN | FLAGS.ACK);
  fromClient(FLAGS.ACK);
  fromClient(FLAGS.FIN | FLAGS.ACK);
  fromServer(FLAGS.ACK);
  return packets;
}

async function shortConnections(count) {
  const open = [];
  let opened = 0;
  while (opened < count || open.length > 0) {
    while (open.length < 8 && opened < count) open.push({ packets: shortConnection(opened++), next: 0 });
    const i = pick(open.length);
    const conn = open[i];
    await packet(...conn.packets[conn.next++]);
    if (conn.next === conn.packets.length) open.splice(i, 1);
  }
  return opened;
}

let n = 0;
if (short) n = await shortConnections(Number(megabytes));
else if (long) n = await longConversation();
// a twin has as many connections as its cleartext
else while (cleartextWritten < target) await conversation(n++);
file.end(Buffer.concat(parts));
await new Promise((r) => file.on('finish', r));
if (!tlsVersion && !short && cleartextWritten !== written) throw new Error(`counted ${cleartextWritten} bytes, wrote ${written}`);
if (tlsVersion) writeFileSync(keysFile, keylog.join(''));
console.error(`wrote ${out}: ${(written / 1048576).toFixed(1)} MB, ${long ? `one connection, ${n} messages each way` : `${n} connections${short ? ' (short ones)' : ''}`}${tlsVersion ? ` in TLS ${tlsVersion}, keys in ${keysFile}` : ''}`);
