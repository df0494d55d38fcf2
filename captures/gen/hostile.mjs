#!/usr/bin/env node
// Writes captures/hostile/: crafted captures of hostile input, each made to
// hit one of wsdissect's hard limits or to smuggle terminal escape sequences,
// byte-for-byte reproducible (no traffic is sent; the addresses are RFC 5737
// documentation and private ones, only inside the files).
//
//   node captures/gen/hostile.mjs [OUTPUT_DIR]
//
// Classic little-endian pcap, microsecond timestamps, Ethernet/IPv4/TCP.
//
//   frame_2e63.pcap         a client frame declaring 2^63 - 1 payload bytes, a
//                           server frame with the length's top bit set (2^64 - 1)
//   inflate_bomb.pcap       permessage-deflate; one 256 KB compressed message that
//                           inflates to 256 MiB of zeros
//   half_open_100k.pcap.gz  100 000 SYNs nobody answers, then one whole
//                           WebSocket conversation
//   huge_headers.pcap.gz    an upgrade request with 1 MiB of header lines (never
//                           ends within the head limit), then a handshake with
//                           1000 header lines (the limit reads the first 256)
//   out_of_order.pcap.gz    a hole, then 20 000 one-byte segments after it
//   resync_flood.pcap.gz    after a loss, 1 MiB in which every offset looks like
//                           a frame header but no chain of frames is confirmed
//   sniff_flood.pcap.gz     a connection joined in the middle: a header claiming
//                           1 MiB, then 60 000 one-byte segments, never frames
//   escapes.pcap            terminal escape sequences, C1 controls and
//                           bidirectional overrides in the URL, headers,
//                           subprotocol, payloads and the close reason
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync, gzipSync, constants } from 'node:zlib';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = process.argv[2] ?? join(HERE, '..', 'hostile');
mkdirSync(OUT, { recursive: true });

// ------------------------------------------------------------ pcap --
class Pcap {
  constructor() {
    this.parts = [];
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(262144, 16);
    h.writeUInt32LE(1, 20); // Ethernet
    this.parts.push(h);
    this.us = 0;
  }

  /** One Ethernet/IPv4/TCP packet, 100 µs after the one before. */
  packet(src, dst, flags, seq, ack, payload = Buffer.alloc(0)) {
    this.us += 100;
    const frame = Buffer.alloc(14 + 20 + 20 + payload.length);
    frame.writeUInt16BE(0x0800, 12);
    frame[14] = 0x45;
    frame.writeUInt16BE(40 + payload.length, 16);
    frame[22] = 64;
    frame[23] = 6;
    Buffer.from(src.ip).copy(frame, 26);
    Buffer.from(dst.ip).copy(frame, 30);
    let sum = 0;
    for (let i = 14; i < 34; i += 2) sum += frame.readUInt16BE(i);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    frame.writeUInt16BE(~sum & 0xffff, 24);
    frame.writeUInt16BE(src.port, 34);
    frame.writeUInt16BE(dst.port, 36);
    frame.writeUInt32BE(seq >>> 0, 38);
    frame.writeUInt32BE(ack >>> 0, 42);
    frame[46] = 0x50;
    frame[47] = { S: 0x02, SA: 0x12, A: 0x10, PA: 0x18, FA: 0x11 }[flags];
    frame.writeUInt16BE(65535, 48);
    payload.copy(frame, 54);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1700000000 + Math.floor(this.us / 1e6), 0);
    rec.writeUInt32LE(this.us % 1e6, 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    this.parts.push(rec, frame);
  }

  bytes() {
    return Buffer.concat(this.parts);
  }
}

/** A TCP connection between two endpoints: handshake, data in segments of up to 1448 bytes, teardown. */
class Tcp {
  constructor(pcap, client, server) {
    Object.assign(this, { pcap, client, server });
    this.seq = { client: 1000, server: 5000 };
  }

  open() {
    const { pcap, client, server } = this;
    pcap.packet(client, server, 'S', this.seq.client - 1, 0);
    pcap.packet(server, client, 'SA', this.seq.server - 1, this.seq.client);
    pcap.packet(client, server, 'A', this.seq.client, this.seq.server);
    return this;
  }

  send(side, data) {
    const [from, to, other] = side === 'client' ? [this.client, this.server, 'server'] : [this.server, this.client, 'client'];
    for (let at = 0; at < data.length; at += 1448) {
      const piece = data.subarray(at, at + 1448);
      this.pcap.packet(from, to, 'PA', this.seq[side], this.seq[other], piece);
      this.seq[side] += piece.length;
    }
    this.pcap.packet(to, from, 'A', this.seq[other], this.seq[side]);
    return this;
  }

  close() {
    const { pcap, client, server } = this;
    pcap.packet(server, client, 'FA', this.seq.server, this.seq.client);
    pcap.packet(client, server, 'A', this.seq.client, this.seq.server + 1);
    pcap.packet(client, server, 'FA', this.seq.client, this.seq.server + 1);
    pcap.packet(server, client, 'A', this.seq.server + 1, this.seq.client + 1);
  }
}

// ------------------------------------------------------------ WebSocket --
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const accept = (key) => createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');

function request(path = '/chat', extra = []) {
  return Buffer.from([`GET ${path} HTTP/1.1`, 'Host: server.example.com', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${KEY}`, 'Sec-WebSocket-Version: 13', ...extra, '', ''].join('\r\n'), 'latin1');
}

function response(extra = []) {
  return Buffer.from(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept(KEY)}`, ...extra, '', ''].join('\r\n'), 'latin1');
}

const MASK = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

/** A frame; `length` may claim more than the payload carries (a bigint for 64-bit claims). */
function frame({ opcode, payload = Buffer.alloc(0), fin = true, rsv1 = false, masked = false, length }) {
  const n = length ?? BigInt(payload.length);
  const head = [(fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode];
  let ext = Buffer.alloc(0);
  if (n < 126n) head.push(Number(n));
  else if (n < 65536n) {
    head.push(126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(Number(n));
  } else {
    head.push(127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(n);
  }
  if (masked) head[1] |= 0x80;
  const body = Buffer.from(payload);
  if (masked) for (let i = 0; i < body.length; i++) body[i] ^= MASK[i & 3];
  return Buffer.concat([Buffer.from(head), ext, masked ? MASK : Buffer.alloc(0), body]);
}

const closeBody = (code, reason) => Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason, 'utf8')]);

const CLIENT = { ip: [192, 0, 2, 10], port: 51000 };
const SERVER = { ip: [192, 0, 2, 20], port: 80 };

function write(name, bytes) {
  writeFileSync(join(OUT, name), bytes);
  console.log(`${name}: ${bytes.length} bytes`);
}

// ------------------------------------------------------------ the captures --

{
  // a length nobody can send: 2^63 - 1 bytes claimed, 1000 carried; then the
  // server's frame with the top bit set (RFC 6455 §5.2 forbids it)
  const pcap = new Pcap();
  const tcp = new Tcp(pcap, CLIENT, SERVER).open().send('client', request()).send('server', response());
  tcp.send('server', frame({ opcode: 2, length: 0xffffffffffffffffn, payload: Buffer.alloc(600, 0x42) }));
  tcp.send('client', frame({ opcode: 2, masked: true, length: 0x7fffffffffffffffn, payload: Buffer.alloc(1000, 0x41) }));
  tcp.close();
  write('frame_2e63.pcap', pcap.bytes());
}

{
  // a decompression bomb: 256 MiB of zeros deflated to about 256 KB
  const pcap = new Pcap();
  const offer = 'Sec-WebSocket-Extensions: permessage-deflate';
  const tcp = new Tcp(pcap, CLIENT, SERVER).open().send('client', request('/chat', [offer])).send('server', response([offer]));
  const zeros = Buffer.alloc(256 * 1024 * 1024);
  const deflated = deflateRawSync(zeros, { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  // RFC 7692 §7.2.1: the message ends without the 00 00 ff ff tail
  const body = deflated.subarray(0, deflated.length - 4);
  tcp.send('client', frame({ opcode: 2, rsv1: true, masked: true, payload: body }));
  tcp.send('server', frame({ opcode: 8, payload: closeBody(1000, '') }));
  tcp.send('client', frame({ opcode: 8, masked: true, payload: closeBody(1000, '') }));
  tcp.close();
  write('inflate_bomb.pcap', pcap.bytes());
}

{
  // 100 000 half-open connections (SYN, no answer) from 10.0.0.0/8, then one
  // whole conversation: it must still be analysed, in bounded memory
  const pcap = new Pcap();
  for (let i = 0; i < 100000; i++) {
    const client = { ip: [10, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff], port: 40000 + (i % 20000) };
    pcap.packet(client, SERVER, 'S', i * 7919, 0);
  }
  const tcp = new Tcp(pcap, CLIENT, SERVER).open().send('client', request()).send('server', response());
  tcp.send('server', frame({ opcode: 1, payload: Buffer.from('still here') }));
  tcp.send('client', frame({ opcode: 8, masked: true, payload: closeBody(1000, '') }));
  tcp.send('server', frame({ opcode: 8, payload: closeBody(1000, '') }));
  tcp.close();
  write('half_open_100k.pcap.gz', gzipSync(pcap.bytes(), { level: 9 }));
}

{
  // a megabyte of header lines: the head never ends within the 64 KiB limit
  const pcap = new Pcap();
  const pad = Array.from({ length: 16384 }, (_, i) => `X-Pad-${i}: ${'a'.repeat(48)}`);
  new Tcp(pcap, CLIENT, SERVER).open().send('client', request('/chat', pad)).close();
  // a handshake with 1000 header lines (about 24 KB): the first 256 are read,
  // the ones that matter among them, and the upgrade goes on
  const many = Array.from({ length: 1000 }, (_, i) => `X-Many-${i}: ${i}`);
  const tcp = new Tcp(pcap, { ip: CLIENT.ip, port: 51001 }, SERVER).open().send('client', request('/chat', many)).send('server', response());
  tcp.send('server', frame({ opcode: 1, payload: Buffer.from('upgraded') }));
  tcp.send('client', frame({ opcode: 8, masked: true, payload: closeBody(1000, '') }));
  tcp.send('server', frame({ opcode: 8, payload: closeBody(1000, '') }));
  tcp.close();
  write('huge_headers.pcap.gz', gzipSync(pcap.bytes(), { level: 9 }));
}

{
  // a hole of 100 bytes, then 20 000 one-byte segments after it: the segment
  // limit gives the hole up long before the byte limit would
  const pcap = new Pcap();
  const tcp = new Tcp(pcap, CLIENT, SERVER).open().send('client', request()).send('server', response());
  const text = frame({ opcode: 1, payload: Buffer.from('x'.repeat(20000)) });
  const start = tcp.seq.server;
  for (let i = 100; i < text.length; i++) pcap.packet(SERVER, CLIENT, 'PA', start + i, tcp.seq.client, text.subarray(i, i + 1));
  pcap.packet(SERVER, CLIENT, 'PA', start, tcp.seq.client, text.subarray(0, 100));
  tcp.seq.server += text.length;
  tcp.send('client', frame({ opcode: 8, masked: true, payload: closeBody(1000, '') }));
  tcp.send('server', frame({ opcode: 8, payload: closeBody(1000, '') }));
  tcp.close();
  write('out_of_order.pcap.gz', gzipSync(pcap.bytes(), { level: 9 }));
}

{
  // after bytes lost by the capture, a megabyte in which every offset could
  // start a frame (82 7e ff ff: a binary frame of 65535 bytes) but no chain
  // of frames is ever confirmed: the search for a frame boundary must stay
  // linear, not start over at every segment
  const pcap = new Pcap();
  const tcp = new Tcp(pcap, CLIENT, SERVER).open().send('client', request()).send('server', response());
  tcp.send('server', frame({ opcode: 1, payload: Buffer.from('before the loss') }));
  tcp.seq.server += 100; // never captured; the client's ACK below says it was sent
  const junk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < junk.length; i += 4) junk.set([0x82, 0x7e, 0xff, 0xff], i);
  tcp.send('server', junk);
  tcp.send('client', frame({ opcode: 8, masked: true, payload: closeBody(1000, '') }));
  tcp.close();
  write('resync_flood.pcap.gz', gzipSync(pcap.bytes(), { level: 9 }));
}

{
  // a connection the capture joins in the middle (no SYN, no handshake) whose
  // bytes are examined for evidence of WebSocket frames: a header claiming
  // 1 MiB, then 60 000 one-byte segments, each a segment start where a run of
  // frames could begin and none ever completes; the search must stay linear
  const pcap = new Pcap();
  let seq = 7000;
  const first = Buffer.from([0x82, 0x7f, 0, 0, 0, 0, 0, 0x0f, 0, 0]);
  pcap.packet(CLIENT, SERVER, 'PA', seq, 9000, first);
  seq += first.length;
  for (let i = 0; i < 60000; i++) pcap.packet(CLIENT, SERVER, 'PA', seq++, 9000, Buffer.from([0x82]));
  write('sniff_flood.pcap.gz', gzipSync(pcap.bytes(), { level: 9 }));
}

{
  // escape sequences everywhere a capture's bytes reach the screen
  const ESC = [
    '\x1b]0;pwned\x07', // set the window title
    '\x1b[2J\x1b[H', // clear the screen
    '\x1b[31mred\x1b[0m',
    '\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\', // hyperlink
    '\x9b31m', // C1 CSI
    '\u202egnirts desrever', // right-to-left override
    'bell\x07 back\x08space nul\x00 del\x7f',
  ].join(' ');
  const pcap = new Pcap();
  const tcp = new Tcp(pcap, CLIENT, SERVER).open();
  tcp.send('client', Buffer.concat([request('/chat?\x1b[2J', [`X-Evil: ${ESC}`, 'Sec-WebSocket-Protocol: chat\x1b[5m']), Buffer.alloc(0)]));
  tcp.send('server', response([`X-Evil: ${ESC}`, 'Sec-WebSocket-Protocol: chat\x1b[5m']));
  tcp.send('server', frame({ opcode: 1, payload: Buffer.from(ESC, 'utf8') }));
  tcp.send('client', frame({ opcode: 1, masked: true, payload: Buffer.from(`{"msg":"${ESC.replace(/[\x00-\x1f\\"]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"}`, 'utf8') }));
  tcp.send('server', frame({ opcode: 2, payload: Buffer.from(ESC, 'latin1') }));
  tcp.send('client', frame({ opcode: 9, masked: true, payload: Buffer.from('\x1b[6n', 'latin1') }));
  tcp.send('server', frame({ opcode: 10, payload: Buffer.from('\x1b[6n', 'latin1') }));
  tcp.send('client', frame({ opcode: 8, masked: true, payload: closeBody(1000, '\x1b]0;closed\x07\u202e') }));
  tcp.send('server', frame({ opcode: 8, payload: closeBody(1000, '\x1b[2J') }));
  tcp.close();
  write('escapes.pcap', pcap.bytes());
}
