#!/usr/bin/env node
// One capture per wsdissect diagnostic code (src/codes.ts):
// captures/violations/CODE.pcap, each showing exactly one violation (plus, where
// unavoidable, its natural consequences), and captures/violations/expected.json.
//
// Plain Node ESM, no dependency. Raw `net` sockets write exact bytes (no
// WebSocket library), over real TCP on the loopback of a private network
// namespace, recorded by tcpdump: see captures/gen/violations.sh, which runs
// this file inside the namespace. The few captures that cannot be produced by
// a real connection (capture loss, a conflicting retransmission, a capture that
// starts mid-connection, a file cut short) are rewritten from a recording made
// the same way; the rewriting is in this file too (craft()).
//
//   node captures/gen/violations.mjs list                 # every file name (= code)
//   node captures/gen/violations.mjs show CODE            # the two scripts, step by step
//   node captures/gen/violations.mjs plan [CODE...]       # for violations.sh: code|port|snaplen|kind
//   node captures/gen/violations.mjs server CODE ADDR PORT  # one side of a scenario
//   node captures/gen/violations.mjs client CODE ADDR PORT  # (run by violations.sh in the namespace)
//   node captures/gen/violations.mjs craft CODE BASE.pcap OUTDIR
//   node captures/gen/violations.mjs expected [DIR]       # DIR/expected.json, located with tshark
//
// How a scenario is written: a conversation is a list of actions by the client
// (C...) and the server (S...): write these exact bytes, end the TCP
// connection (FIN), destroy the socket. compile() turns it into one script per
// side made of the steps "wait until K bytes received", "wait for the peer's
// FIN", "pause N ms", "write", "end", "destroy": before each of its actions a
// side waits until it has received everything the peer wrote (and the peer's
// FIN, if the peer ended) in earlier actions, then pauses PAUSE_MS, so every
// write is its own TCP segment and the order of the packets is fixed.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { fixIpv4Checksum, pcapBytes, readPcap, setUs, tcpOf, usOf, writePcap } from './violations/pcap.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT_DIR = join(HERE, '..', 'violations');

/**
 * Pause before each action (ms). Longer than Linux's minimum delayed-ACK
 * time (40 ms), so that a side never sends within the delayed-ACK time of
 * what it received: TCP stays out of its "ping-pong" (interactive) mode and
 * every data segment gets its own immediate pure ACK, never a piggybacked
 * one. That keeps packet numbers the same from one recording to the next.
 */
const PAUSE_MS = Number(process.env.VIOLATIONS_PAUSE_MS ?? 60);
/**
 * Pause before an action that follows the peer's FIN (ms). Receiving a FIN
 * puts Linux TCP in ping-pong mode: the FIN's ACK is delayed by 40 ms. Waiting
 * well beyond that means the ACK is always its own packet, before our FIN.
 */
const PAUSE_AFTER_FIN_MS = Number(process.env.VIOLATIONS_PAUSE_AFTER_FIN_MS ?? 150);
/** Hard limit for one side of one scenario (ms). */
const DEADLINE_MS = 10000;

// ------------------------------------------------------------ the bytes --
/** RFC 6455 §1.3 / §4.2.2 example key and its accept value. */
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
export const acceptOf = (key) => createHash('sha1').update(key + GUID).digest('base64');
if (acceptOf(KEY) !== 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=') throw new Error('Sec-WebSocket-Accept computation is wrong');

/** The masking key of every client frame (RFC 6455 §5.7), so that captures are reproducible in content. */
const MASK = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

const OP = { cont: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa };
const bytes = (x) => (Buffer.isBuffer(x) ? x : typeof x === 'string' ? Buffer.from(x, 'utf8') : Buffer.from(x));

/**
 * One WebSocket frame (RFC 6455 §5.2), byte for byte.
 *   fin, rsv1, rsv2, rsv3: header bits (fin defaults to true)
 *   mask: a 4-byte key (Buffer) or null/false for an unmasked frame
 *   lenForm: 7, 16 or 64 to force a length form; default the shortest
 *   length: a BigInt written as the 64-bit length instead of the payload's (lenForm 64)
 */
export function frame(opcode, payload = Buffer.alloc(0), o = {}) {
  const { fin = true, rsv1 = false, rsv2 = false, rsv3 = false, mask = null, lenForm = null, length = null } = o;
  const data = bytes(payload);
  const n = data.length;
  const form = lenForm ?? (length !== null ? 64 : n < 126 ? 7 : n < 65536 ? 16 : 64);
  const head = [(fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | (rsv2 ? 0x20 : 0) | (rsv3 ? 0x10 : 0) | opcode];
  const m = mask ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (form === 7) {
    if (n > 125) throw new Error(`payload of ${n} bytes does not fit the 7-bit length`);
    head.push(m | n);
  } else if (form === 16) {
    if (n > 0xffff) throw new Error(`payload of ${n} bytes does not fit the 16-bit length`);
    head.push(m | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(n);
  } else if (form === 64) {
    head.push(m | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(length ?? BigInt(n));
  } else throw new Error(`bad length form ${form}`);
  let body = data;
  if (mask) {
    const key = bytes(mask);
    body = Buffer.from(data.map((b, i) => b ^ key[i % 4]));
    return Buffer.concat([Buffer.from(head), ext, key, body]);
  }
  return Buffer.concat([Buffer.from(head), ext, body]);
}

/** Client frames: masked with MASK unless told otherwise. Server frames: unmasked unless told otherwise. */
const cf = (opcode, payload, o = {}) => frame(opcode, payload, { mask: MASK, ...o });
const sf = (opcode, payload, o = {}) => frame(opcode, payload, { mask: null, ...o });
/** Close frame body: 2-byte status code then the reason bytes (RFC 6455 §5.5.1). */
export function closeBody(code, reason = Buffer.alloc(0)) {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code);
  return Buffer.concat([b, bytes(reason)]);
}

/** permessage-deflate payload (RFC 7692 §7.2.1): raw DEFLATE, sync flush, without the final 00 00 ff ff. */
export function deflateMessage(data, level = zlib.constants.Z_DEFAULT_COMPRESSION) {
  const out = zlib.deflateRawSync(bytes(data), { finishFlush: zlib.constants.Z_SYNC_FLUSH, level });
  if (!out.subarray(-4).equals(Buffer.from([0x00, 0x00, 0xff, 0xff]))) throw new Error('deflate output does not end with 00 00 ff ff');
  return out.subarray(0, -4);
}

/**
 * An upgrade request. o: method, target, version, key, protocol, extensions,
 * set: { Header: value | null } to replace (or, with null, remove) a header.
 */
function request(ctx, o = {}) {
  let headers = [
    ['Host', `${ctx.host}:${ctx.port}`],
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', o.key ?? KEY],
    ['Sec-WebSocket-Version', '13'],
  ];
  if (o.protocol) headers.push(['Sec-WebSocket-Protocol', o.protocol]);
  if (o.extensions) headers.push(['Sec-WebSocket-Extensions', o.extensions]);
  for (const [name, value] of Object.entries(o.set ?? {})) {
    headers = value === null ? headers.filter(([n]) => n !== name) : headers.map(([n, v]) => [n, n === name ? value : v]);
  }
  const head = `${o.method ?? 'GET'} ${o.target ?? '/chat'} ${o.version ?? 'HTTP/1.1'}\r\n`;
  return Buffer.from(head + headers.map(([n, v]) => `${n}: ${v}\r\n`).join('') + '\r\n', 'latin1');
}

/** A 101 response. o: key (whose accept value is sent), accept (a value, or null for none), protocol, extensions. */
function response(o = {}) {
  const headers = [
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
  ];
  const accept = o.accept === undefined ? acceptOf(o.key ?? KEY) : o.accept;
  if (accept !== null) headers.push(['Sec-WebSocket-Accept', accept]);
  if (o.protocol) headers.push(['Sec-WebSocket-Protocol', o.protocol]);
  if (o.extensions) headers.push(['Sec-WebSocket-Extensions', o.extensions]);
  return Buffer.from('HTTP/1.1 101 Switching Protocols\r\n' + headers.map(([n, v]) => `${n}: ${v}\r\n`).join('') + '\r\n', 'latin1');
}

// --------------------------------------------------- conversation steps --
// A write by the client / the server; o.mark: this write carries the
// violation; o.now: no waiting and no pause before it (back to back with the
// previous action); o.pause: another pause (ms) before it.
const C = (data, o = {}) => ({ side: 'client', op: 'write', data: bytes(data), ...o });
const S = (data, o = {}) => ({ side: 'server', op: 'write', data: bytes(data), ...o });
/**
 * A write cut into writes of at most `size` bytes, each after the usual pause,
 * so that each is its own TCP segment with its own ACK (one write of several
 * segments goes out as a burst whose ACKs interleave differently from one
 * recording to the next). o applies to the last piece (o.mark: the last
 * segment carries the violation).
 */
function chunked(make, data, size, o = {}) {
  const out = [];
  for (let i = 0; i < data.length; i += size) {
    const last = i + size >= data.length;
    const piece = data.subarray(i, i + size);
    const label = i === 0 ? `${describe(data)}, bytes 0-${piece.length - 1}` : `the same frame, bytes ${i}-${i + piece.length - 1}`;
    out.push(make(piece, { label, ...(last ? o : {}) }));
  }
  return out;
}
/** The maximum segment size on the namespace's loopback (MTU 1500, IPv4, TCP timestamps). */
const MSS = 1448;
const CEnd = (o = {}) => ({ side: 'client', op: 'end', ...o });
const SEnd = (o = {}) => ({ side: 'server', op: 'end', ...o });

const EXT_OFFER = 'permessage-deflate; client_max_window_bits';
const EXT_ACCEPT = 'permessage-deflate';

/** Handshake: the request and the 101 response. */
const upgrade = (ctx, req = {}, res = {}) => [C(request(ctx, req)), S(response(res))];
/** Handshake negotiating permessage-deflate. */
const upgradeExt = (ctx) => upgrade(ctx, { extensions: EXT_OFFER }, { extensions: EXT_ACCEPT });
/** A text message and its echo. */
const echo = (text = 'hello') => [C(cf(OP.text, text)), S(sf(OP.text, text))];
/** The closing handshake of RFC 6455 §7.1.1: client Close 1000, server echo, the server ends TCP first. */
const closing = () => [C(cf(OP.close, closeBody(1000))), S(sf(OP.close, closeBody(1000))), SEnd(), CEnd()];

const RSV1_TEXT = 'Hello, permessage-deflate! Hello, permessage-deflate! Hello again.';
const RSV1_DEFLATED = deflateMessage(RSV1_TEXT);
const RSV1_CUT = Math.ceil(RSV1_DEFLATED.length / 2);
const BOMB_SIZE = 16 * 1024 * 1024;
let bomb = null; // computed on first use (about 50 ms)
const bombPayload = () => (bomb ??= deflateMessage(Buffer.alloc(BOMB_SIZE, 'a'), 9));
const PING126 = Buffer.from('0123456789'.repeat(13).slice(0, 126));
const BIG2000 = Buffer.from('abcdefghijklmnopqrstuvwxyz'.repeat(77).slice(0, 2000));

// The application protocols' bytes (src/app/).
/** STOMP 1.2 (subprotocol v12.stomp): CONNECT and its CONNECTED. */
const STOMP = 'v12.stomp';
const STOMP_CONNECT = 'CONNECT\naccept-version:1.2\nhost:127.0.0.1\n\n\0';
const STOMP_CONNECTED = 'CONNECTED\nversion:1.2\n\n\0';
/** Handshake offering and selecting v12.stomp, then CONNECT / CONNECTED. */
const stompOpen = (ctx) => [...upgrade(ctx, { protocol: STOMP }, { protocol: STOMP }), C(cf(OP.text, STOMP_CONNECT)), S(sf(OP.text, STOMP_CONNECTED))];

/** SockJS's raw WebSocket transport: /<prefix>/<server>/<session>/websocket. */
const SOCKJS_TARGET = '/echo/000/abcdefgh/websocket';

/** Engine.IO 4 carrying Socket.IO 5: the URL, the server's open packet, the connection to the main namespace. */
const EIO_TARGET = '/socket.io/?EIO=4&transport=websocket';
const EIO_OPEN = '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';
const socketIoOpen = (ctx) => [...upgrade(ctx, { target: EIO_TARGET }), S(sf(OP.text, EIO_OPEN)), C(cf(OP.text, '40')), S(sf(OP.text, '40{"sid":"xyz"}'))];

/** An MQTT control packet (MQTT 3.1.1 §2.2): first byte, remaining length (variable byte integer), the rest. */
function mqttPacket(first, body) {
  const rest = bytes(body);
  const len = [];
  let n = rest.length;
  do {
    const b = n % 128;
    n = Math.floor(n / 128);
    len.push(n > 0 ? b | 0x80 : b);
  } while (n > 0);
  return Buffer.concat([Buffer.from([first, ...len]), rest]);
}
/** An MQTT string: 2-byte length, UTF-8 bytes (MQTT 3.1.1 §1.5.3). */
function mqttString(s) {
  const b = Buffer.from(s, 'utf8');
  const head = Buffer.alloc(2);
  head.writeUInt16BE(b.length);
  return Buffer.concat([head, b]);
}
/** MQTT 3.1.1 CONNECT: protocol "MQTT" level 4, clean session, keep-alive 60 s, client id "c1". */
const MQTT_CONNECT = mqttPacket(0x10, Buffer.concat([mqttString('MQTT'), Buffer.from([0x04, 0x02, 0x00, 0x3c]), mqttString('c1')]));
const mqttConnack = (code) => mqttPacket(0x20, [0x00, code]);
/** PUBLISH QoS 0, topic a/b, payload "hi": 30 07 00 03 61 2f 62 68 69. */
const MQTT_PUBLISH = mqttPacket(0x30, Buffer.concat([mqttString('a/b'), Buffer.from('hi')]));
/** Handshake offering and selecting mqtt, then CONNECT / CONNACK (accepted), in binary messages. */
const mqttOpen = (ctx) => [...upgrade(ctx, { protocol: 'mqtt' }, { protocol: 'mqtt' }), C(cf(OP.binary, MQTT_CONNECT)), S(sf(OP.binary, mqttConnack(0)))];

/** graphql-transport-ws: handshake offering and selecting it, connection_init / connection_ack. */
const GRAPHQL = 'graphql-transport-ws';
const graphqlOpen = (ctx) => [
  ...upgrade(ctx, { protocol: GRAPHQL }, { protocol: GRAPHQL }),
  C(cf(OP.text, '{"type":"connection_init"}')),
  S(sf(OP.text, '{"type":"connection_ack"}')),
];

/** A JSON-RPC 2.0 request from the client and the server's response. */
const rpcPing = () => [C(cf(OP.text, '{"jsonrpc":"2.0","method":"ping","id":1}')), S(sf(OP.text, '{"jsonrpc":"2.0","result":"pong","id":1}'))];

// ------------------------------------------------------------ scenarios --
// code: the diagnostic (and the file name); port: distinct per scenario;
// from: the sender of what the diagnostic's packet points at (null: neither);
// conv(ctx): the conversation; a write with mark: true carries the violation
// (its packet is the segment holding its last byte); locate: another rule to
// find the packet; also: codes that necessarily follow ({ code, why, locate? });
// crafted: the recording is rewritten by craft(); snaplen: tcpdump -s.
const SCENARIOS = [
  // ----------------------------------------------------------- handshake
  {
    code: 'handshake.method',
    what: 'request POST /chat with every upgrade header; valid 101, text exchange, closing handshake',
    from: 'client',
    conv: (ctx) => [...upgrade(ctx, { method: 'POST' }).map(markFirst), ...echo(), ...closing()],
  },
  {
    code: 'handshake.http-version',
    what: 'request GET /chat HTTP/1.0 (all upgrade headers); valid 101, text exchange, closing handshake',
    from: 'client',
    conv: (ctx) => [...upgrade(ctx, { version: 'HTTP/1.0' }).map(markFirst), ...echo(), ...closing()],
  },
  {
    code: 'handshake.host-missing',
    what: 'request without Host; valid 101, text exchange, closing handshake',
    from: 'client',
    conv: (ctx) => [...upgrade(ctx, { set: { Host: null } }).map(markFirst), ...echo(), ...closing()],
  },
  {
    code: 'handshake.upgrade-header',
    what: 'request without Upgrade (Connection: Upgrade, key and version present); valid 101, text exchange, closing handshake',
    from: 'client',
    conv: (ctx) => [...upgrade(ctx, { set: { Upgrade: null } }).map(markFirst), ...echo(), ...closing()],
  },
  {
    code: 'handshake.connection-header',
    what: 'request with Connection: keep-alive; valid 101, text exchange, closing handshake',
    from: 'client',
    conv: (ctx) => [...upgrade(ctx, { set: { Connection: 'keep-alive' } }).map(markFirst), ...echo(), ...closing()],
  },
  {
    code: 'handshake.key-invalid',
    what: 'Sec-WebSocket-Key c3VyaWNhdGEtdGVzdC1rZXkh (18 bytes once decoded); the 101 carries the accept value of that key; text exchange, closing handshake',
    from: 'client',
    conv: (ctx) => [
      ...upgrade(ctx, { key: 'c3VyaWNhdGEtdGVzdC1rZXkh' }, { key: 'c3VyaWNhdGEtdGVzdC1rZXkh' }).map(markFirst),
      ...echo(),
      ...closing(),
    ],
  },
  {
    code: 'handshake.version',
    what: 'request with Sec-WebSocket-Version: 8; valid 101, text exchange, closing handshake',
    from: 'client',
    conv: (ctx) => [...upgrade(ctx, { set: { 'Sec-WebSocket-Version': '8' } }).map(markFirst), ...echo(), ...closing()],
  },
  {
    code: 'handshake.accept-missing',
    what: 'valid request; 101 without Sec-WebSocket-Accept; text exchange, closing handshake',
    from: 'server',
    conv: (ctx) => [...upgrade(ctx, {}, { accept: null }).map(markSecond), ...echo(), ...closing()],
  },
  {
    code: 'handshake.accept-mismatch',
    what: 'valid request; 101 with Sec-WebSocket-Accept AAAAAAAAAAAAAAAAAAAAAAAAAAA= (expected s3pPLMBiTxaQ9kYGzzhZRbK+xOo=); text exchange, closing handshake',
    from: 'server',
    conv: (ctx) => [...upgrade(ctx, {}, { accept: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }).map(markSecond), ...echo(), ...closing()],
  },
  {
    code: 'handshake.subprotocol-not-offered',
    what: 'request offers Sec-WebSocket-Protocol: chat; the 101 selects mqtt; text exchange, closing handshake',
    from: 'server',
    conv: (ctx) => [...upgrade(ctx, { protocol: 'chat' }, { protocol: 'mqtt' }).map(markSecond), ...echo(), ...closing()],
  },
  {
    code: 'handshake.extension-not-offered',
    what: 'request offers no extension; the 101 accepts permessage-deflate; text exchange without RSV1, closing handshake',
    from: 'server',
    conv: (ctx) => [...upgrade(ctx, {}, { extensions: EXT_ACCEPT }).map(markSecond), ...echo(), ...closing()],
  },
  {
    code: 'handshake.rejected',
    what: 'valid request; HTTP/1.1 403 Forbidden with a 10-byte body (Content-Length); the server closes TCP, then the client',
    from: 'server',
    conv: (ctx) => [
      C(request(ctx)),
      S(
        'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 10\r\nConnection: close\r\n\r\nForbidden\n',
        { mark: true },
      ),
      SEnd(),
      CEnd(),
    ],
  },
  {
    code: 'handshake.no-response',
    what: 'valid request; the server reads it and closes TCP without a response; then the client closes',
    from: 'client',
    conv: (ctx) => [C(request(ctx), { mark: true }), SEnd(), CEnd()],
  },
  {
    code: 'handshake.frames-before-upgrade',
    what: 'the client writes the request and, right after it, a masked text frame "early"; the server answers 101 50 ms later, echoes "early"; closing handshake',
    from: 'client',
    conv: (ctx) => [
      C(request(ctx)),
      C(cf(OP.text, 'early'), { now: true, mark: true }),
      S(response(), { pause: 50 }),
      S(sf(OP.text, 'early')),
      ...closing(),
    ],
  },
  // -------------------------------------------------------------- frames
  {
    code: 'frame.client-unmasked',
    what: 'client text "hello" without the MASK bit; server echo; closing handshake',
    from: 'client',
    conv: (ctx) => [...upgrade(ctx), C(frame(OP.text, 'hello'), { mark: true }), S(sf(OP.text, 'hello')), ...closing()],
  },
  {
    code: 'frame.server-masked',
    what: 'client text "hello"; server echo masked (key 37 fa 21 3d); closing handshake',
    from: 'server',
    conv: (ctx) => [...upgrade(ctx), C(cf(OP.text, 'hello')), S(frame(OP.text, 'hello', { mask: MASK }), { mark: true }), ...closing()],
  },
  {
    code: 'frame.rsv-without-extension',
    what: 'no extension negotiated; client text "hello"; server text "hello" with RSV1 set (payload not compressed); closing handshake',
    from: 'server',
    conv: (ctx) => [...upgrade(ctx), C(cf(OP.text, 'hello')), S(sf(OP.text, 'hello', { rsv1: true }), { mark: true }), ...closing()],
  },
  {
    code: 'frame.reserved-opcode',
    what: 'client text "hello"; server frame with opcode 0x3, payload "reserved"; closing handshake',
    from: 'server',
    conv: (ctx) => [...upgrade(ctx), C(cf(OP.text, 'hello')), S(sf(0x3, 'reserved'), { mark: true }), ...closing()],
  },
  {
    code: 'frame.control-too-long',
    what: 'client ping with 126 bytes of payload (16-bit length form); the server does not answer it (a pong would have to be as long); closing handshake',
    from: 'client',
    conv: (ctx) => [...upgrade(ctx), C(cf(OP.ping, PING126), { mark: true }), ...closing()],
    also: [
      {
        code: 'ping.unanswered',
        why: 'the server cannot answer: a pong must carry the ping\'s 126 bytes, and a control frame over 125 bytes breaks §5.5 itself; so the ping goes unanswered',
        locate: { mark: true },
      },
    ],
  },
  {
    code: 'frame.control-fragmented',
    what: 'client ping "frag" with FIN clear; server pong "frag"; closing handshake',
    from: 'client',
    conv: (ctx) => [...upgrade(ctx), C(cf(OP.ping, 'frag', { fin: false }), { mark: true }), S(sf(OP.pong, 'frag')), ...closing()],
  },
  {
    code: 'frame.length-not-minimal',
    what: 'client text "hello"; server text "hello" with its length 5 in the 16-bit form (7e 00 05); closing handshake',
    from: 'server',
    conv: (ctx) => [...upgrade(ctx), C(cf(OP.text, 'hello')), S(sf(OP.text, 'hello', { lenForm: 16 }), { mark: true }), ...closing()],
  },
  {
    code: 'frame.length-msb-set',
    what: 'client binary frame header with the 64-bit length 0x8000000000000005, then 5 masked payload bytes; no Close is possible after it: the server closes TCP (failing the connection), then the client',
    from: 'client',
    conv: (ctx) => [
      ...upgrade(ctx),
      C(cf(OP.binary, [1, 2, 3, 4, 5], { length: 0x8000000000000005n }), { mark: true }),
      SEnd(),
      CEnd(),
    ],
    also: [
      {
        code: 'close.abnormal',
        why: 'the frame can never end, so no Close frame can follow in that direction: the connection ends with no Close at all (status 1006)',
        locate: { fin: 'first' },
      },
    ],
  },
  {
    code: 'frame.unexpected-continuation',
    what: 'client continuation frame "orphan" with FIN set, no fragmented message open; closing handshake',
    from: 'client',
    conv: (ctx) => [...upgrade(ctx), C(cf(OP.cont, 'orphan'), { mark: true }), ...closing()],
  },
  {
    code: 'frame.expected-continuation',
    what: 'client text "part one" with FIN clear, then a new text frame "new message" (FIN set) instead of a continuation; closing handshake',
    from: 'client',
    conv: (ctx) => [
      ...upgrade(ctx),
      C(cf(OP.text, 'part one', { fin: false })),
      C(cf(OP.text, 'new message'), { mark: true }),
      ...closing(),
    ],
  },
  {
    code: 'frame.rsv1-on-continuation',
    what: `permessage-deflate negotiated; client compressed text message "${RSV1_TEXT}" in two frames: text RSV1 FIN=0 (${RSV1_CUT} bytes), continuation with RSV1 set, FIN=1 (${RSV1_DEFLATED.length - RSV1_CUT} bytes); closing handshake`,
    from: 'client',
    conv: (ctx) => [
      ...upgradeExt(ctx),
      C(cf(OP.text, RSV1_DEFLATED.subarray(0, RSV1_CUT), { rsv1: true, fin: false })),
      C(cf(OP.cont, RSV1_DEFLATED.subarray(RSV1_CUT), { rsv1: true }), { mark: true }),
      ...closing(),
    ],
  },
  {
    code: 'frame.rsv1-on-control',
    what: 'permessage-deflate negotiated; client ping "ping" with RSV1 set (payload not compressed); server pong "ping"; closing handshake',
    from: 'client',
    conv: (ctx) => [...upgradeExt(ctx), C(cf(OP.ping, 'ping', { rsv1: true }), { mark: true }), S(sf(OP.pong, 'ping')), ...closing()],
  },
  // ------------------------------------------------------------ messages
  {
    code: 'message.invalid-utf8',
    what: 'client text "hello"; server text message with payload c3 28; closing handshake',
    from: 'server',
    conv: (ctx) => [...upgrade(ctx), C(cf(OP.text, 'hello')), S(sf(OP.text, [0xc3, 0x28]), { mark: true }), ...closing()],
  },
  {
    code: 'message.inflate-failed',
    what: 'permessage-deflate negotiated; server text frame, RSV1 set, payload ff ff ff ff (not raw DEFLATE: block type 3); closing handshake',
    from: 'server',
    conv: (ctx) => [...upgradeExt(ctx), S(sf(OP.text, [0xff, 0xff, 0xff, 0xff], { rsv1: true }), { mark: true }), ...closing()],
  },
  {
    code: 'message.inflate-limit',
    what: 'permessage-deflate negotiated; server text message, RSV1 set, the raw DEFLATE of 16 MiB of "a" (a decompression bomb, about 16 KiB on the wire, one frame written in segments of 1448 bytes, each ACKed); closing handshake',
    from: 'server',
    conv: (ctx) => [...upgradeExt(ctx), ...chunked(S, sf(OP.text, bombPayload(), { rsv1: true }), MSS, { mark: true }), ...closing()],
  },
  // ------------------------------------------------------------- closing
  {
    code: 'close.payload-one-byte',
    what: 'client Close with a 1-byte body (03); server Close 1002; the server closes TCP, then the client',
    from: 'client',
    conv: (ctx) => [...upgrade(ctx), C(cf(OP.close, [0x03]), { mark: true }), S(sf(OP.close, closeBody(1002))), SEnd(), CEnd()],
  },
  {
    code: 'close.invalid-code',
    what: 'client Close with status 1005; server Close 1002; the server closes TCP, then the client',
    from: 'client',
    conv: (ctx) => [...upgrade(ctx), C(cf(OP.close, closeBody(1005)), { mark: true }), S(sf(OP.close, closeBody(1002))), SEnd(), CEnd()],
  },
  {
    code: 'close.invalid-utf8-reason',
    what: 'client Close 1000 with reason bytes c3 28; server Close 1000; the server closes TCP, then the client',
    from: 'client',
    conv: (ctx) => [
      ...upgrade(ctx),
      C(cf(OP.close, closeBody(1000, [0xc3, 0x28])), { mark: true }),
      S(sf(OP.close, closeBody(1000))),
      SEnd(),
      CEnd(),
    ],
  },
  {
    code: 'close.data-after-close',
    what: 'client Close 1000, then a client text "late"; server Close 1000; the server closes TCP, then the client',
    from: 'client',
    conv: (ctx) => [
      ...upgrade(ctx),
      C(cf(OP.close, closeBody(1000))),
      C(cf(OP.text, 'late'), { mark: true }),
      S(sf(OP.close, closeBody(1000))),
      SEnd(),
      CEnd(),
    ],
  },
  {
    code: 'close.not-echoed',
    what: 'text exchange; client Close 1000; the server closes TCP without sending a Close; then the client closes',
    from: 'client',
    conv: (ctx) => [...upgrade(ctx), ...echo(), C(cf(OP.close, closeBody(1000)), { mark: true }), SEnd(), CEnd()],
  },
  {
    code: 'close.abnormal',
    what: 'text exchange; the server closes TCP with no Close frame in either direction; then the client closes',
    from: null,
    conv: (ctx) => [...upgrade(ctx), ...echo(), SEnd({ mark: true }), CEnd()],
  },
  {
    code: 'close.client-closed-tcp-first',
    what: 'text exchange; complete closing handshake (client Close 1000, server Close 1000); the client closes TCP first, the server after',
    from: 'client',
    conv: (ctx) => [
      ...upgrade(ctx),
      ...echo(),
      C(cf(OP.close, closeBody(1000))),
      S(sf(OP.close, closeBody(1000))),
      CEnd({ mark: true }),
      SEnd(),
    ],
  },
  // ---------------------------------------------------------- ping, pong
  {
    code: 'ping.unanswered',
    what: 'client ping "are you there"; the server never answers it; closing handshake',
    from: 'client',
    conv: (ctx) => [...upgrade(ctx), C(cf(OP.ping, 'are you there'), { mark: true }), ...closing()],
  },
  {
    code: 'pong.payload-mismatch',
    what: 'client ping "abc"; server pong "xyz"; closing handshake',
    from: 'server',
    conv: (ctx) => [...upgrade(ctx), C(cf(OP.ping, 'abc')), S(sf(OP.pong, 'xyz'), { mark: true }), ...closing()],
  },
  // ---------------------------------------------------- the capture itself
  {
    code: 'capture.truncated-packet',
    what: 'text exchange, then a 2000-byte server text message (16-bit length; two TCP segments, 1448 + 556 bytes), closing handshake; recorded with snapshot length 256, which cuts only the two segments of the 2000-byte message (the largest other packet, the request, is 224 bytes long)',
    from: null,
    snaplen: 256,
    conv: (ctx) => [...upgrade(ctx), ...echo(), ...chunked(S, sf(OP.text, BIG2000), MSS, { mark: true }), ...closing()],
    locate: { truncated: 'first' },
    also: [
      {
        code: 'capture.truncated-packet',
        why: 'the 2000-byte message takes two segments, both longer than 256 bytes, and each is cut: the same diagnostic, for the second segment',
        locate: { truncated: 'second' },
      },
      {
        code: 'tcp.gap',
        why: 'the bytes cut off the first segment by the snapshot length are missing from the reassembled server stream (inside the frame, so frame decoding goes on)',
        locate: { truncated: 'first' },
      },
      {
        code: 'tcp.gap',
        why: 'the same for the second segment',
        locate: { truncated: 'second' },
      },
    ],
  },
  {
    code: 'capture.truncated-file',
    what: 'a normal conversation (text exchange, closing handshake); the file is cut in the middle of its last record (the final ACK): its record header promises 66 bytes, 33 follow',
    from: null,
    crafted: 'truncate-file',
    conv: (ctx) => [...upgrade(ctx), ...echo(), ...closing()],
    locate: { none: true },
  },
  {
    code: 'tcp.gap',
    what: 'client texts "one" … "five", each in its own segment, no answer; closing handshake; the packet of "three" is removed from the capture (the server\'s ACK of it stays)',
    from: 'client',
    crafted: 'remove-packet',
    also: [
      {
        code: 'ws.resync',
        why: 'frame decoding resumes after the hole, at the frame header at the start of the next client segment',
        locate: { resync: true },
      },
    ],
    conv: (ctx) => [
      ...upgrade(ctx),
      C(cf(OP.text, 'one')),
      C(cf(OP.text, 'two')),
      C(cf(OP.text, 'three'), { remove: true }),
      C(cf(OP.text, 'four')),
      C(cf(OP.text, 'five')),
      ...closing(),
    ],
    locate: { gap: true },
  },
  {
    code: 'ws.resync',
    copyOf: 'tcp.gap',
    what: 'the same file as tcp.gap.pcap (a copy): decoding resumes with "four", in the first client data packet after the removed one',
    from: 'client',
    locate: { resync: true },
    also: [
      {
        code: 'tcp.gap',
        why: 'the resynchronisation follows the loss of the packet of "three"',
        locate: { gap: true },
      },
    ],
  },
  {
    code: 'tcp.overlap-conflict',
    what: 'text "hello" and its echo, closing handshake; the client packet of "hello" is followed in the file by a copy of itself (same sequence numbers and headers) whose payload is the frame of "HELLO": a retransmission that differs',
    from: 'client',
    crafted: 'duplicate-differing',
    conv: (ctx) => [...upgrade(ctx), C(cf(OP.text, 'hello'), { duplicateAs: cf(OP.text, 'HELLO') }), S(sf(OP.text, 'hello')), ...closing()],
    locate: { retransmission: true },
  },
  {
    code: 'tcp.handshake-missing',
    what: 'texts "hello", "again" and their echoes, closing handshake; the capture starts at the client packet of the first frame ("hello"): SYN, SYN-ACK, ACK, the HTTP request and response and their ACKs are removed',
    from: null,
    crafted: 'cut-head',
    conv: (ctx) => [...upgrade(ctx), C(cf(OP.text, 'hello'), { startHere: true }), S(sf(OP.text, 'hello')), ...echo('again'), ...closing()],
    locate: { first: true },
  },
  // ------------------------------------------- application protocols (src/app/)
  {
    code: 'app.stomp-bad-frame',
    what: 'subprotocol v12.stomp offered and selected; CONNECT / CONNECTED; the client sends "SNED\\ndestination:/queue/a\\n\\nhi\\0" (not a STOMP command); closing handshake',
    from: 'client',
    conv: (ctx) => [...stompOpen(ctx), C(cf(OP.text, 'SNED\ndestination:/queue/a\n\nhi\0'), { mark: true }), ...closing()],
  },
  {
    code: 'app.stomp-no-null',
    what: 'subprotocol v12.stomp; CONNECT / CONNECTED; the client sends "SEND\\ndestination:/queue/a\\n\\nhi" with no NUL after the body; closing handshake',
    from: 'client',
    conv: (ctx) => [...stompOpen(ctx), C(cf(OP.text, 'SEND\ndestination:/queue/a\n\nhi'), { mark: true }), ...closing()],
  },
  {
    code: 'app.stomp-content-length',
    what: 'subprotocol v12.stomp; CONNECT / CONNECTED; the client sends a SEND with content-length:5 and the 11-byte body "hello world", then NUL; closing handshake',
    from: 'client',
    conv: (ctx) => [...stompOpen(ctx), C(cf(OP.text, 'SEND\ndestination:/queue/a\ncontent-length:5\n\nhello world\0'), { mark: true }), ...closing()],
  },
  {
    code: 'app.stomp-error',
    what: 'subprotocol v12.stomp; the client sends CONNECT; the server answers with a well-formed "ERROR\\nmessage:Bad login\\n\\nbye\\0"; closing handshake',
    from: 'server',
    conv: (ctx) => [
      ...upgrade(ctx, { protocol: STOMP }, { protocol: STOMP }),
      C(cf(OP.text, STOMP_CONNECT)),
      S(sf(OP.text, 'ERROR\nmessage:Bad login\n\nbye\0'), { mark: true }),
      ...closing(),
    ],
  },
  {
    code: 'app.sockjs-bad-frame',
    what: `request ${SOCKJS_TARGET} (SockJS's WebSocket transport, no subprotocol); server "o", client ["hello"], server a["hello"]; then the server sends a{"not":"array"} (an "a" frame whose data is not an array of strings); closing handshake`,
    from: 'server',
    conv: (ctx) => [
      ...upgrade(ctx, { target: SOCKJS_TARGET }),
      S(sf(OP.text, 'o')),
      C(cf(OP.text, '["hello"]')),
      S(sf(OP.text, 'a["hello"]')),
      S(sf(OP.text, 'a{"not":"array"}'), { mark: true }),
      ...closing(),
    ],
  },
  {
    code: 'app.engineio-bad-packet',
    what: `request ${EIO_TARGET}; server open packet ${EIO_OPEN}, client 40, server 40{"sid":"xyz"}; then the server sends "9nope" (Engine.IO packet type 9 does not exist); closing handshake`,
    from: 'server',
    conv: (ctx) => [...socketIoOpen(ctx), S(sf(OP.text, '9nope'), { mark: true }), ...closing()],
  },
  {
    code: 'app.socketio-bad-packet',
    what: `request ${EIO_TARGET}; Engine.IO open, Socket.IO connect (40 / 40{"sid":"xyz"}); then the client sends 42{"not":"an array"} (an EVENT whose data is not an array); closing handshake`,
    from: 'client',
    conv: (ctx) => [...socketIoOpen(ctx), C(cf(OP.text, '42{"not":"an array"}'), { mark: true }), ...closing()],
  },
  {
    code: 'app.socketio-missing-attachment',
    what: `request ${EIO_TARGET}; Engine.IO open, Socket.IO connect; the client sends the BINARY_EVENT 451-["upload",{"_placeholder":true,"num":0}] (one attachment announced), then, instead of the binary attachment, the text 42["next"]: the missing attachment is found there; closing handshake`,
    from: 'client',
    conv: (ctx) => [
      ...socketIoOpen(ctx),
      C(cf(OP.text, '451-["upload",{"_placeholder":true,"num":0}]')),
      C(cf(OP.text, '42["next"]'), { mark: true }),
      ...closing(),
    ],
  },
  {
    code: 'app.socketio-unexpected-binary',
    what: `request ${EIO_TARGET}; Engine.IO open, Socket.IO connect; the client sends a binary message 01 02 03 04 with no BINARY_EVENT or BINARY_ACK announcing it; closing handshake`,
    from: 'client',
    conv: (ctx) => [...socketIoOpen(ctx), C(cf(OP.binary, [1, 2, 3, 4]), { mark: true }), ...closing()],
  },
  {
    code: 'app.socketio-connect-error',
    what: `request ${EIO_TARGET}; server open packet; the client connects to namespace /admin (40/admin,); the server refuses: 44/admin,{"message":"Not authorized"}; closing handshake`,
    from: 'server',
    conv: (ctx) => [
      ...upgrade(ctx, { target: EIO_TARGET }),
      S(sf(OP.text, EIO_OPEN)),
      C(cf(OP.text, '40/admin,')),
      S(sf(OP.text, '44/admin,{"message":"Not authorized"}'), { mark: true }),
      ...closing(),
    ],
  },
  {
    code: 'app.mqtt-bad-packet',
    what: 'subprotocol mqtt; binary messages: MQTT 3.1.1 CONNECT (client id c1, keep-alive 60 s, clean session), CONNACK 20 02 00 00; then the client sends a PUBLISH with QoS bits 3 (36 09 00 03 61 2f 62 00 01 68 69); closing handshake',
    from: 'client',
    conv: (ctx) => [...mqttOpen(ctx), C(cf(OP.binary, mqttPacket(0x36, Buffer.concat([mqttString('a/b'), Buffer.from([0x00, 0x01]), Buffer.from('hi')]))), { mark: true }), ...closing()],
  },
  {
    code: 'app.mqtt-text-frame',
    what: 'subprotocol mqtt; CONNECT / CONNACK in binary messages; then the client sends a well-formed PUBLISH QoS 0 (topic a/b, payload "hi": 30 07 00 03 61 2f 62 68 69, valid UTF-8) in a text message; closing handshake',
    from: 'client',
    conv: (ctx) => [...mqttOpen(ctx), C(cf(OP.text, MQTT_PUBLISH), { mark: true }), ...closing()],
  },
  {
    code: 'app.mqtt-incomplete',
    what: 'subprotocol mqtt; CONNECT / CONNACK; the client sends a binary message holding the first 5 bytes of a PUBLISH whose remaining length is 7 (30 07 00 03 61); its rest never follows; closing handshake',
    from: 'client',
    conv: (ctx) => [...mqttOpen(ctx), C(cf(OP.binary, MQTT_PUBLISH.subarray(0, 5)), { mark: true }), ...closing()],
  },
  {
    code: 'app.mqtt-connack-refused',
    what: 'subprotocol mqtt; the client sends CONNECT; the server answers CONNACK 20 02 00 05 (return code 5, not authorized); closing handshake',
    from: 'server',
    conv: (ctx) => [
      ...upgrade(ctx, { protocol: 'mqtt' }, { protocol: 'mqtt' }),
      C(cf(OP.binary, MQTT_CONNECT)),
      S(sf(OP.binary, mqttConnack(5)), { mark: true }),
      ...closing(),
    ],
  },
  {
    code: 'app.graphql-bad-message',
    what: 'subprotocol graphql-transport-ws; connection_init / connection_ack; the client sends {"type":"subscribe","payload":{"query":"{ hello }"}} without an id; closing handshake',
    from: 'client',
    conv: (ctx) => [...graphqlOpen(ctx), C(cf(OP.text, '{"type":"subscribe","payload":{"query":"{ hello }"}}'), { mark: true }), ...closing()],
  },
  {
    code: 'app.graphql-unknown-id',
    what: 'subprotocol graphql-transport-ws; connection_init / connection_ack; the server sends {"id":"99","type":"next","payload":{"data":{"hello":"world"}}} for an id no subscribe started; closing handshake',
    from: 'server',
    conv: (ctx) => [...graphqlOpen(ctx), S(sf(OP.text, '{"id":"99","type":"next","payload":{"data":{"hello":"world"}}}'), { mark: true }), ...closing()],
  },
  {
    code: 'app.graphql-error',
    what: 'subprotocol graphql-transport-ws; connection_init / connection_ack; the client subscribes (id 1, query Hello { hello }); the server answers {"id":"1","type":"error","payload":[{"message":"boom"}]}; closing handshake',
    from: 'server',
    conv: (ctx) => [
      ...graphqlOpen(ctx),
      C(cf(OP.text, '{"id":"1","type":"subscribe","payload":{"query":"query Hello { hello }"}}')),
      S(sf(OP.text, '{"id":"1","type":"error","payload":[{"message":"boom"}]}'), { mark: true }),
      ...closing(),
    ],
  },
  {
    code: 'app.json-invalid',
    what: 'subprotocol json offered and selected (JSON named, not guessed from content: then text that is not JSON is an error); client {"hello":"world"}, server echo; then the client sends {"hello": (JSON cut short); closing handshake',
    from: 'client',
    conv: (ctx) => [...upgrade(ctx, { protocol: 'json' }, { protocol: 'json' }), ...echo('{"hello":"world"}'), C(cf(OP.text, '{"hello":'), { mark: true }), ...closing()],
  },
  {
    code: 'app.jsonrpc-invalid',
    what: 'no subprotocol; JSON-RPC 2.0 request {"jsonrpc":"2.0","method":"ping","id":1} and its response; then the client sends {"jsonrpc":"2.0","id":2} (neither a method, a result nor an error); closing handshake',
    from: 'client',
    conv: (ctx) => [...upgrade(ctx), ...rpcPing(), C(cf(OP.text, '{"jsonrpc":"2.0","id":2}'), { mark: true }), ...closing()],
  },
  {
    code: 'app.jsonrpc-unmatched-response',
    what: 'no subprotocol; JSON-RPC 2.0 request ping (id 1) and its response; then the server sends {"jsonrpc":"2.0","result":1,"id":42}, answering no request; closing handshake',
    from: 'server',
    conv: (ctx) => [...upgrade(ctx), ...rpcPing(), S(sf(OP.text, '{"jsonrpc":"2.0","result":1,"id":42}'), { mark: true }), ...closing()],
  },
  {
    code: 'app.jsonrpc-unanswered',
    what: 'no subprotocol; JSON-RPC 2.0 request ping (id 1) and its response; then the client sends {"jsonrpc":"2.0","method":"slow","id":7}, which the server never answers; closing handshake',
    from: 'client',
    conv: (ctx) => [...upgrade(ctx), ...rpcPing(), C(cf(OP.text, '{"jsonrpc":"2.0","method":"slow","id":7}'), { mark: true }), ...closing()],
  },
  // ------------------------------------------------ partial captures
  {
    code: 'handshake.truncated',
    what: 'request and 101 response each cut by the snapshot length 120 (the first 54 bytes of their payload captured), then text "hello" and its echo, closing handshake (every frame fits in 120 bytes)',
    from: 'client',
    snaplen: 120,
    conv: (ctx) => [...upgrade(ctx).map(markFirst), ...echo(), ...closing()],
    locate: { truncated: 'first' },
    also: [
      { code: 'capture.truncated-packet', why: 'the request (224 bytes on the wire) is longer than the snapshot length', locate: { truncated: 'first' } },
      { code: 'capture.truncated-packet', why: 'so is the 101 response: the same diagnostic, for its packet', locate: { truncated: 'second' } },
      { code: 'tcp.gap', why: 'the bytes cut off the request are missing from the client stream', locate: { truncated: 'first' } },
      { code: 'tcp.gap', why: 'the bytes cut off the response are missing from the server stream', locate: { truncated: 'second' } },
      { code: 'handshake.truncated', why: 'the 101 response is cut too: the connection is taken as upgraded from its status line', locate: { truncated: 'second' } },
    ],
  },
  {
    code: 'ws.deflate-assumed',
    what: `permessage-deflate negotiated; the client sends three compressed texts ("${RSV1_TEXT}" and two more), each echoed compressed by the server; closing handshake; the capture starts at the client packet of the first compressed frame: the handshake that agreed on the extension is removed`,
    from: 'client',
    crafted: 'cut-head',
    conv: (ctx) => {
      const texts = [RSV1_TEXT, 'a second message, compressed on its own', 'and a third one'];
      // each message compressed on its own (no back reference): it inflates whatever came before the capture
      const clientOut = texts.map((t) => deflateMessage(t));
      const serverOut = texts.map((t) => deflateMessage(t.toUpperCase()));
      return [
        ...upgradeExt(ctx),
        ...texts.flatMap((_, i) => [
          C(cf(OP.text, clientOut[i], { rsv1: true }), i === 0 ? { startHere: true } : {}),
          S(sf(OP.text, serverOut[i], { rsv1: true })),
        ]),
        ...closing(),
      ];
    },
    locate: { first: true },
    also: [{ code: 'tcp.handshake-missing', why: 'the capture starts in the middle of the connection', locate: { first: true } }],
  },
];

// ------------------------------------------- WebSocket over HTTP/2 (RFC 8441) --
// HTTP/2 with prior knowledge (h2c): the client's preface, then frames
// (RFC 9113 §4.1); header blocks are HPACK literals without indexing and
// without Huffman coding (RFC 7541 §6.2.2), so that every byte is plain.
const H2 = { DATA: 0x0, HEADERS: 0x1, RST_STREAM: 0x3, SETTINGS: 0x4, PING: 0x6, GOAWAY: 0x7, WINDOW_UPDATE: 0x8 };
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const END_STREAM = 0x1;
const END_HEADERS = 0x4;

/** One HTTP/2 frame: 9-byte header, then the payload. */
export function h2frame(type, flags, stream, payload = Buffer.alloc(0)) {
  const data = bytes(payload);
  const head = Buffer.alloc(9);
  head.writeUIntBE(data.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream, 5);
  return Buffer.concat([head, data]);
}

/** An HPACK integer with an N-bit prefix (RFC 7541 §5.1), the prefix's other bits `first`. */
function hpackInt(value, prefix, first = 0) {
  const max = (1 << prefix) - 1;
  if (value < max) return [first | value];
  const out = [first | max];
  let v = value - max;
  while (v >= 128) {
    out.push((v % 128) + 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** A header block of literal fields without indexing, new names (RFC 7541 §6.2.2): [[name, value], ...]. */
export function hpack(fields) {
  const out = [];
  for (const [name, value] of fields) {
    const n = Buffer.from(name, 'latin1');
    const v = Buffer.from(value, 'latin1');
    out.push(Buffer.from([0x00, ...hpackInt(n.length, 7)]), n, Buffer.from(hpackInt(v.length, 7)), v);
  }
  return Buffer.concat(out);
}

const settings = (pairs) => Buffer.concat(pairs.map(([id, value]) => {
  const b = Buffer.alloc(6);
  b.writeUInt16BE(id);
  b.writeUInt32BE(value, 2);
  return b;
}));
const ENABLE_CONNECT_PROTOCOL = 0x8;
const INITIAL_WINDOW_SIZE = 0x4;

/** The extended CONNECT of a WebSocket (RFC 8441 §5) on stream 1; o.set replaces (or with null removes) a field, o.add appends some. */
function connectFields(ctx, o = {}) {
  let fields = [
    [':method', 'CONNECT'],
    [':protocol', 'websocket'],
    [':scheme', 'http'],
    [':path', '/chat'],
    [':authority', `${ctx.host}:${ctx.port}`],
    ['sec-websocket-version', '13'],
  ];
  for (const [name, value] of Object.entries(o.set ?? {})) {
    fields = value === null ? fields.filter(([n]) => n !== name) : fields.map(([n, v]) => [n, n === name ? value : v]);
  }
  return [...fields, ...(o.add ?? [])];
}

const h2c = (data, label, o = {}) => C(data, { label, ...o });
const h2s = (data, label, o = {}) => S(data, { label, ...o });

/**
 * The connection's start: the client's preface and SETTINGS, the server's
 * SETTINGS (ENABLE_CONNECT_PROTOCOL = 1 unless o.serverSettings says what
 * instead) and the acknowledgements.
 */
const h2start = (o = {}) => [
  h2c(Buffer.concat([H2_PREFACE, h2frame(H2.SETTINGS, 0, 0)]), 'the HTTP/2 preface and an empty SETTINGS'),
  h2s(Buffer.concat([h2frame(H2.SETTINGS, 0, 0, settings(o.serverSettings ?? [[ENABLE_CONNECT_PROTOCOL, 1]])), h2frame(H2.SETTINGS, 0x1, 0)]), 'SETTINGS and the ACK of the client\'s', o.settingsMark ? { mark: true } : {}),
  h2c(h2frame(H2.SETTINGS, 0x1, 0), 'SETTINGS ACK'),
];
/** The WebSocket's extended CONNECT on stream 1 and its 200. */
const h2connect = (ctx, o = {}, mark = {}) => [
  h2c(h2frame(H2.HEADERS, END_HEADERS, 1, hpack(connectFields(ctx, o))), 'HEADERS stream 1: the extended CONNECT', mark),
  h2s(h2frame(H2.HEADERS, END_HEADERS, 1, hpack([[':status', '200']])), 'HEADERS stream 1: :status 200'),
];
/** A text message and its echo, in DATA frames of stream 1. */
const h2echo = (text = 'hello') => [
  h2c(h2frame(H2.DATA, 0, 1, cf(OP.text, text)), `DATA stream 1: a text frame "${text}"`),
  h2s(h2frame(H2.DATA, 0, 1, sf(OP.text, text)), `DATA stream 1: its echo`),
];
/** The closing handshake on stream 1, then the server ends the stream first, the client after, and TCP ends. */
const h2closing = () => [
  h2c(h2frame(H2.DATA, 0, 1, cf(OP.close, closeBody(1000))), 'DATA stream 1: Close 1000'),
  h2s(h2frame(H2.DATA, 0, 1, sf(OP.close, closeBody(1000))), 'DATA stream 1: Close 1000'),
  h2s(h2frame(H2.DATA, END_STREAM, 1), 'DATA stream 1, END_STREAM'),
  h2c(h2frame(H2.DATA, END_STREAM, 1), 'DATA stream 1, END_STREAM'),
  SEnd(),
  CEnd(),
];
/** A plain GET on stream `id` (END_STREAM) and its 200 (END_STREAM). */
const h2get = (ctx, id, fields = [], mark = {}) => [
  h2c(h2frame(H2.HEADERS, END_HEADERS | END_STREAM, id, hpack([[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', `${ctx.host}:${ctx.port}`], ...fields])), `HEADERS stream ${id}: GET /`, mark),
  h2s(h2frame(H2.HEADERS, END_HEADERS | END_STREAM, id, hpack([[':status', '200']])), `HEADERS stream ${id}: :status 200`),
];
const h2webSocket = (ctx, o = {}, mark = {}) => [...h2start(), ...h2connect(ctx, o, mark), ...h2echo(), ...h2closing()];
const RST_CANCEL = Buffer.from([0, 0, 0, 0x8]);

const H2_SCENARIOS = [
  {
    code: 'h2.connect-not-enabled',
    what: 'h2c; the server\'s SETTINGS do not enable the extended CONNECT; the client sends one for websocket all the same (the violation), the server answers 200; text exchange and closing handshake on stream 1',
    from: 'client',
    conv: (ctx) => [...h2start({ serverSettings: [] }), ...h2connect(ctx, {}, { mark: true }), ...h2echo(), ...h2closing()],
  },
  {
    code: 'h2.connect-setting',
    what: 'h2c; the server sends SETTINGS_ENABLE_CONNECT_PROTOCOL = 1, then another SETTINGS with 0 (the violation); a plain GET / on stream 1',
    from: 'server',
    conv: (ctx) => [...h2start(), h2s(h2frame(H2.SETTINGS, 0, 0, settings([[ENABLE_CONNECT_PROTOCOL, 0]])), 'SETTINGS ENABLE_CONNECT_PROTOCOL = 0', { mark: true }), h2c(h2frame(H2.SETTINGS, 0x1, 0), 'SETTINGS ACK'), ...h2get(ctx, 1), SEnd(), CEnd()],
  },
  {
    code: 'h2.protocol-without-connect',
    what: 'h2c with the extended CONNECT enabled; a GET / on stream 1 carrying :protocol websocket (the violation), answered 200',
    from: 'client',
    conv: (ctx) => [...h2start(), ...h2get(ctx, 1, [[':protocol', 'websocket']], { mark: true }), SEnd(), CEnd()],
  },
  {
    code: 'h2.connect-pseudo-missing',
    what: 'h2c; the WebSocket\'s extended CONNECT on stream 1 has no :path (the violation); 200, text exchange and closing handshake',
    from: 'client',
    conv: (ctx) => h2webSocket(ctx, { set: { ':path': null } }, { mark: true }),
  },
  {
    code: 'h2.connect-scheme',
    what: 'h2c; the WebSocket\'s extended CONNECT on stream 1 has :scheme ws (the violation: http or https); 200, text exchange and closing handshake',
    from: 'client',
    conv: (ctx) => h2webSocket(ctx, { set: { ':scheme': 'ws' } }, { mark: true }),
  },
  {
    code: 'h2.connect-hop-header',
    what: 'h2c; the WebSocket\'s extended CONNECT on stream 1 carries connection: Upgrade and upgrade: websocket (the violation); 200, text exchange and closing handshake',
    from: 'client',
    conv: (ctx) => h2webSocket(ctx, { add: [['connection', 'Upgrade'], ['upgrade', 'websocket']] }, { mark: true }),
  },
  {
    code: 'h2.websocket-key',
    what: 'h2c; the WebSocket\'s extended CONNECT on stream 1 carries sec-websocket-key (superseded by :protocol over HTTP/2); 200, text exchange and closing handshake',
    from: 'client',
    conv: (ctx) => h2webSocket(ctx, { add: [['sec-websocket-key', KEY]] }, { mark: true }),
  },
  {
    code: 'h2.stream-reset',
    what: 'h2c; a WebSocket on stream 1, text exchange; the client resets the stream (RST_STREAM CANCEL, the violation) with no Close frame; TCP ends',
    from: 'client',
    conv: (ctx) => [...h2start(), ...h2connect(ctx), ...h2echo(), h2c(h2frame(H2.RST_STREAM, 0, 1, RST_CANCEL), 'RST_STREAM stream 1 CANCEL', { mark: true }), SEnd(), CEnd()],
    also: [{ code: 'close.abnormal', why: 'the WebSocket ends with its stream reset, with no Close frame either way (status 1006)', locate: { mark: true } }],
  },
  {
    code: 'h2.goaway',
    what: 'h2c; a WebSocket on stream 1, text exchange; the server sends GOAWAY (last stream 1, NO_ERROR: the violation is the warning that a WebSocket was open); the closing handshake on stream 1 still completes',
    from: 'server',
    conv: (ctx) => [...h2start(), ...h2connect(ctx), ...h2echo(), h2s(h2frame(H2.GOAWAY, 0, 0, Buffer.from([0, 0, 0, 1, 0, 0, 0, 0])), 'GOAWAY last stream 1 NO_ERROR', { mark: true }), ...h2closing()],
  },
  {
    code: 'h2.flow-control',
    what: 'h2c; the server\'s SETTINGS give each stream a window of 16 bytes; the client\'s first DATA on the WebSocket\'s stream 1 is 20 bytes (the violation); the server then opens the window (WINDOW_UPDATE +65535); echo and closing handshake',
    from: 'client',
    conv: (ctx) => [
      ...h2start({ serverSettings: [[ENABLE_CONNECT_PROTOCOL, 1], [INITIAL_WINDOW_SIZE, 16]] }),
      ...h2connect(ctx),
      h2c(h2frame(H2.DATA, 0, 1, cf(OP.text, 'hello world!!!')), 'DATA stream 1: a text frame of 20 bytes', { mark: true }),
      h2s(h2frame(H2.WINDOW_UPDATE, 0, 1, Buffer.from([0, 0, 0xff, 0xff])), 'WINDOW_UPDATE stream 1 +65535'),
      h2s(h2frame(H2.DATA, 0, 1, sf(OP.text, 'hello world!!!')), 'DATA stream 1: its echo'),
      ...h2closing(),
    ],
  },
  {
    code: 'h2.frame-error',
    what: 'h2c; the client sends a PING on stream 1 (the violation: PING belongs to stream 0); a plain GET / on stream 1',
    from: 'client',
    conv: (ctx) => [...h2start(), h2c(h2frame(H2.PING, 0, 1, Buffer.alloc(8)), 'PING on stream 1', { mark: true }), ...h2get(ctx, 1), SEnd(), CEnd()],
  },
  {
    code: 'h2.hpack-error',
    what: 'h2c; a GET on stream 1 whose header block ends with an index past both tables (70: COMPRESSION_ERROR, the violation); the server answers 200',
    from: 'client',
    conv: (ctx) => [
      ...h2start(),
      h2c(h2frame(H2.HEADERS, END_HEADERS | END_STREAM, 1, Buffer.from([0x82, 0x86, 0x84, 0xc6])), 'HEADERS stream 1: :method GET, :scheme http, :path /, then index 70', { mark: true }),
      h2s(h2frame(H2.HEADERS, END_HEADERS | END_STREAM, 1, hpack([[':status', '200']])), 'HEADERS stream 1: :status 200'),
      SEnd(),
      CEnd(),
    ],
  },
  {
    code: 'h2.after-end-stream',
    what: 'h2c; a WebSocket on stream 1: text exchange, closing handshake, both sides end the stream; then the client sends an empty DATA on stream 1 (the violation)',
    from: 'client',
    conv: (ctx) => {
      const closing = h2closing();
      // after both END_STREAMs (before TCP ends)
      return [...h2start(), ...h2connect(ctx), ...h2echo(), ...closing.slice(0, 4), h2c(h2frame(H2.DATA, 0, 1), 'DATA stream 1 after its END_STREAM', { mark: true }), ...closing.slice(4)];
    },
  },
];

function markFirst(action, i) {
  return i === 0 ? { ...action, mark: true } : action;
}
function markSecond(action, i) {
  return i === 1 ? { ...action, mark: true } : action;
}

SCENARIOS.push(...H2_SCENARIOS);

const BASE_PORT = 47001;
SCENARIOS.forEach((s, i) => {
  s.port = BASE_PORT + i;
});
const byCode = new Map(SCENARIOS.map((s) => [s.code, s]));
function scenario(code) {
  const s = byCode.get(code);
  if (!s) throw new Error(`unknown scenario '${code}' (see: node captures/gen/violations.mjs list)`);
  return s.copyOf ? byCode.get(s.copyOf) : s;
}

// --------------------------------------------------------------- compile --
/**
 * Turns a conversation into one script per side, and remembers where each
 * action's bytes are in its direction's stream (offsets from 0).
 */
export function compile(conv) {
  const other = { client: 'server', server: 'client' };
  const scripts = { client: [], server: [] };
  const sent = { client: 0, server: 0 };
  const ended = { client: false, server: false };
  const seen = { client: { bytes: 0, end: false }, server: { bytes: 0, end: false } };
  const places = [];
  /** Wait for what the peer sent so far; true if that includes its FIN, just now. */
  const sync = (me) => {
    const peer = other[me];
    if (sent[peer] > seen[me].bytes) {
      scripts[me].push({ op: 'recv', bytes: sent[peer] });
      seen[me].bytes = sent[peer];
    }
    if (ended[peer] && !seen[me].end) {
      scripts[me].push({ op: 'peerEnd' });
      seen[me].end = true;
      return true;
    }
    return false;
  };
  for (const a of conv) {
    const me = a.side;
    if (ended[me]) throw new Error(`${me} acts after it ended`);
    if (!a.now) {
      const afterFin = sync(me);
      const pause = a.pause ?? (afterFin ? PAUSE_AFTER_FIN_MS : PAUSE_MS);
      if (pause > 0) scripts[me].push({ op: 'pause', ms: pause });
    }
    if (a.op === 'write') {
      scripts[me].push({ op: 'write', data: a.data, label: a.label });
      places.push({ action: a, side: me, first: sent[me], last: sent[me] + a.data.length - 1 });
      sent[me] += a.data.length;
    } else {
      scripts[me].push({ op: a.op });
      places.push({ action: a, side: me, first: null, last: null });
      if (a.op === 'end' || a.op === 'destroy') ended[me] = true;
    }
  }
  // Each side finishes once it has everything the peer sent, and its FIN.
  sync('client');
  sync('server');
  return { scripts, places, total: sent };
}

/** Human description of the bytes of one write. */
export function describe(data) {
  if (/^[A-Z]+ |^HTTP\//.test(data.subarray(0, 8).toString('latin1'))) {
    return JSON.stringify(data.toString('latin1').split('\r\n')[0]) + ` (HTTP head, ${data.length} bytes)`;
  }
  const names = { 0: 'continuation', 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };
  const b0 = data[0];
  const b1 = data[1];
  const op = b0 & 0x0f;
  let len = b1 & 0x7f;
  let off = 2;
  let form = '7-bit';
  if (len === 126) {
    len = data.readUInt16BE(2);
    off = 4;
    form = '16-bit';
  } else if (len === 127) {
    len = data.readBigUInt64BE(2);
    off = 10;
    form = '64-bit';
  }
  const masked = (b1 & 0x80) !== 0;
  const bits = [(b0 & 0x80) && 'FIN', (b0 & 0x40) && 'RSV1', (b0 & 0x20) && 'RSV2', (b0 & 0x10) && 'RSV3', masked && 'MASK'].filter(Boolean);
  let payload = data.subarray(off + (masked ? 4 : 0));
  if (masked) payload = Buffer.from(payload.map((x, i) => x ^ data[off + (i % 4)]));
  const preview = payload.length <= 24 ? ` ${payload.toString('hex').replace(/(..)/g, '$1 ').trim()}` : '';
  return `${names[op] ?? `opcode 0x${op.toString(16)}`} [${bits.join(' ')}] length ${len} (${form})${preview} — ${data.length} bytes`;
}

// ------------------------------------------------------------ run a side --
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function runSide(role, code, host, port) {
  const sc = scenario(code);
  const { scripts, total } = compile(sc.conv({ host, port }));
  const steps = scripts[role];
  const expectIn = total[role === 'client' ? 'server' : 'client'];
  const t0 = Date.now();
  const log = (...args) => console.error(`[${code} ${role} +${String(Date.now() - t0).padStart(4)} ms]`, ...args);
  setTimeout(() => {
    log(`FAILED: deadline of ${DEADLINE_MS} ms exceeded`);
    process.exit(1);
  }, DEADLINE_MS).unref();

  let sock;
  if (role === 'server') {
    const server = net.createServer({ allowHalfOpen: true });
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    process.stdout.write('READY\n');
    [sock] = await new Promise((resolve) => server.once('connection', (...a) => resolve(a)));
    server.close();
  } else {
    sock = net.connect({ host, port, allowHalfOpen: true });
    await new Promise((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
  }
  sock.setNoDelay(true);
  log(`connected ${sock.localAddress}:${sock.localPort} -> ${sock.remoteAddress}:${sock.remotePort}`);

  const st = { received: 0, peerEnded: false, closed: false, error: null };
  let wake = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  sock.on('data', (d) => {
    st.received += d.length;
    log(`received ${d.length} bytes (${st.received} in all)`);
    poke();
  });
  sock.on('end', () => {
    st.peerEnded = true;
    log('received FIN');
    poke();
  });
  sock.on('close', () => {
    st.closed = true;
    poke();
  });
  sock.on('error', (e) => {
    st.error = e;
    poke();
  });
  const until = async (cond, what) => {
    while (!cond()) {
      if (st.error) throw st.error;
      if (st.closed) throw new Error(`socket closed while waiting for ${what}`);
      await new Promise((resolve) => (wake = resolve));
    }
  };

  for (const step of steps) {
    switch (step.op) {
      case 'recv':
        await until(() => st.received >= step.bytes, `${step.bytes} bytes`);
        break;
      case 'peerEnd':
        await until(() => st.peerEnded, "the peer's FIN");
        break;
      case 'pause':
        await sleep(step.ms);
        break;
      case 'write':
        log(`write ${step.label ?? describe(step.data)}`);
        await new Promise((resolve, reject) => sock.write(step.data, (e) => (e ? reject(e) : resolve())));
        break;
      case 'end':
        log('end (FIN)');
        sock.end();
        break;
      case 'destroy':
        log('destroy');
        sock.destroy();
        break;
      default:
        throw new Error(`bad step ${step.op}`);
    }
  }
  if (!sock.destroyed) await until(() => st.closed || sock.destroyed, 'the socket to close').catch(() => {});
  if (st.error) throw st.error;
  if (st.received !== expectIn) throw new Error(`received ${st.received} bytes, expected ${expectIn}`);
  log('done');
}

// ---------------------------------------------------------------- craft --
/** The relative view of a recording: per packet its direction and stream offsets. */
function streamView(pcap, port) {
  const isn = {};
  return pcap.records.map((r, i) => {
    const t = tcpOf(r.data);
    if (!t) return { index: i, tcp: null };
    const side = t.srcPort === port ? 'server' : 'client';
    if (t.syn) isn[side] = t.seq;
    const first = isn[side] === undefined ? null : (t.seq - isn[side] - 1) >>> 0;
    return { index: i, tcp: t, side, first, len: t.payloadLen };
  });
}

/** Index of the record that carries stream byte `offset` of `side`. */
function recordWith(view, side, offset) {
  const p = view.find((v) => v.tcp && v.side === side && v.len > 0 && v.first <= offset && offset < v.first + v.len);
  if (!p) throw new Error(`no ${side} packet carries stream offset ${offset}`);
  return p;
}

function craft(code, basePcap, outDir) {
  const sc = scenario(code);
  const { places } = compile(sc.conv({ host: '127.0.0.1', port: sc.port }));
  const pcap = readPcap(basePcap);
  const view = streamView(pcap, sc.port);
  const place = (key) => {
    const p = places.find((x) => x.action[key]);
    const v = recordWith(view, p.side, p.first);
    if (v.first !== p.first || v.len !== p.last - p.first + 1) {
      throw new Error(`${code}: the ${key} write (${p.side} bytes ${p.first}-${p.last}) is not alone in packet ${v.index + 1}`);
    }
    return { p, v };
  };
  const out = (name) => join(outDir, `${name}.pcap`);
  switch (sc.crafted) {
    case 'truncate-file': {
      // The whole file, minus the second half of the last record's data.
      const all = pcapBytes(pcap);
      const last = pcap.records[pcap.records.length - 1];
      const cut = Math.ceil(last.data.length / 2);
      writeFileSync(out(code), all.subarray(0, all.length - cut));
      console.error(`${code}: ${pcap.records.length} records; the last one (${last.data.length} bytes) keeps ${last.data.length - cut}`);
      break;
    }
    case 'remove-packet': {
      const { v } = place('remove');
      pcap.records.splice(v.index, 1);
      writePcap(out(code), pcap);
      for (const s of SCENARIOS.filter((x) => x.copyOf === code)) copyFileSync(out(code), out(s.code));
      console.error(`${code}: removed packet ${v.index + 1} (${v.len} client bytes at offset ${v.first}); ${pcap.records.length} packets left`);
      break;
    }
    case 'duplicate-differing': {
      const { p, v } = place('duplicateAs');
      const alt = p.action.duplicateAs;
      if (alt.length !== v.len) throw new Error(`${code}: the other payload must have the same length`);
      const orig = pcap.records[v.index];
      const copy = { ...orig, data: Buffer.from(orig.data) };
      alt.copy(copy.data, v.tcp.payload);
      fixIpv4Checksum(copy.data); // unchanged header, kept valid anyway
      const next = pcap.records[v.index + 1];
      const gap = next ? usOf(next) - usOf(orig) : 2000;
      setUs(copy, usOf(orig) + Math.max(0, Math.min(1000, Math.floor(gap / 2))));
      pcap.records.splice(v.index + 1, 0, copy);
      writePcap(out(code), pcap);
      console.error(`${code}: packet ${v.index + 1} duplicated as packet ${v.index + 2} with payload ${alt.toString('hex')} instead of ${orig.data.subarray(v.tcp.payload, v.tcp.payload + v.len).toString('hex')}`);
      break;
    }
    case 'cut-head': {
      const { v } = place('startHere');
      pcap.records.splice(0, v.index);
      writePcap(out(code), pcap);
      console.error(`${code}: removed packets 1-${v.index}; the capture starts with the first frame; ${pcap.records.length} packets left`);
      break;
    }
    default:
      throw new Error(`${code} is not crafted`);
  }
}

// ------------------------------------------------------------- expected --
function tsharkRows(file, port) {
  const fields = ['frame.number', 'frame.len', 'frame.cap_len', 'tcp.srcport', 'tcp.seq', 'tcp.len', 'tcp.flags.fin', 'tcp.analysis.lost_segment', 'tcp.analysis.ack_lost_segment', 'tcp.analysis.retransmission', 'websocket.opcode', 'http.request.method', 'http.response.code'];
  const args = ['-r', file, '-n', '-o', 'tcp.relative_sequence_numbers:TRUE', '-d', `tcp.port==${port},http`, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,'];
  for (const f of fields) args.push('-e', f);
  let text;
  try {
    text = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (!e.stdout) throw e;
    text = e.stdout; // a file cut short: tshark prints the packets it read, then fails
  }
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const f = line.split('\t');
      return {
        number: Number(f[0]),
        len: Number(f[1]),
        capLen: Number(f[2]),
        side: Number(f[3]) === port ? 'server' : 'client',
        seq: Number(f[4]),
        tcpLen: Number(f[5]),
        fin: f[6] === '1' || f[6] === 'True',
        lost: f[7] !== '',
        ackLost: f[8] !== '',
        retransmission: f[9] !== '',
        ws: f[10],
        method: f[11],
        status: f[12],
      };
    });
}

/** The packet number a locate rule designates in `rows` (tshark's view of the file). */
function locatePacket(sc, rule, rows, places) {
  if (rule.none) return null;
  if (rule.first) return rows[0].number;
  if (rule.fin) {
    const fins = rows.filter((r) => r.fin && (rule.side ? r.side === rule.side : true));
    return fins[0].number;
  }
  if (rule.truncated) {
    const cut = rows.filter((r) => r.capLen < r.len && r.tcpLen > 0);
    return cut[rule.truncated === 'first' ? 0 : 1].number;
  }
  if (rule.gap) return rows.find((r) => r.lost || r.ackLost).number;
  if (rule.resync) return rows.find((r) => r.side === 'client' && r.lost).number;
  if (rule.retransmission) return rows.find((r) => r.retransmission).number;
  if (rule.mark) {
    const p = places.find((x) => x.action.mark);
    if (p.action.op !== 'write') {
      return rows.find((r) => r.fin && r.side === p.side).number;
    }
    // The segment that holds the write's last byte (tshark's relative sequence numbers start at 1).
    const r = rows.find((x) => x.side === p.side && x.tcpLen > 0 && !x.retransmission && x.seq - 1 <= p.last && p.last < x.seq - 1 + x.tcpLen);
    if (!r) throw new Error(`${sc.code}: no packet holds ${p.side} byte ${p.last}`);
    return r.number;
  }
  throw new Error(`${sc.code}: bad locate rule ${JSON.stringify(rule)}`);
}

function expected(dir) {
  const entries = [];
  for (const s of SCENARIOS) {
    const file = join(dir, `${s.code}.pcap`);
    if (!existsSync(file)) {
      console.error(`warning: ${file} is missing (bash captures/gen/violations.sh ${s.code}); not in expected.json`);
      continue;
    }
    const base = scenario(s.code);
    const rows = tsharkRows(file, base.port);
    const { places } = compile(base.conv({ host: '127.0.0.1', port: base.port }));
    const packet = locatePacket(s, s.locate ?? { mark: true }, rows, places);
    const alsoExpected = (s.also ?? []).map((a) => {
      const entry = { code: a.code, why: a.why };
      if (a.locate) entry.packet = locatePacket(s, a.locate, rows, places);
      return entry;
    });
    entries.push({ file: `${s.code}.pcap`, code: s.code, packet, from: s.from, port: base.port, what: s.what, alsoExpected });
    const at = rows.find((r) => r.number === packet);
    const shown = at ? `${at.side} tcp.len ${at.tcpLen}${at.ws ? ` ws.opcode ${at.ws}` : ''}${at.method ? ` ${at.method}` : ''}${at.status ? ` HTTP ${at.status}` : ''}${at.fin ? ' FIN' : ''}` : '';
    console.log(`${s.code.padEnd(34)} ${String(rows.length).padStart(3)} packets  packet ${String(packet).padEnd(4)} ${shown}`);
  }
  writeFileSync(join(dir, 'expected.json'), JSON.stringify(entries, null, 2) + '\n');
  console.log(`wrote ${join(dir, 'expected.json')} (${entries.length} entries)`);
}

// ------------------------------------------------------------------ main --
async function main() {
  const [mode, ...args] = process.argv.slice(2);
  switch (mode) {
    case 'list':
      for (const s of SCENARIOS) console.log(s.code);
      break;
    case 'plan': {
      // code|port|snaplen|kind  (kind: recorded, crafted, or copy:CODE)
      const wanted = args.length ? args : SCENARIOS.map((s) => s.code);
      const seen = new Set();
      for (const code of wanted) {
        const s = byCode.get(code);
        if (!s) throw new Error(`unknown scenario '${code}' (see: node captures/gen/violations.mjs list)`);
        const real = s.copyOf ? byCode.get(s.copyOf) : s;
        if (seen.has(real.code)) continue;
        seen.add(real.code);
        console.log([real.code, real.port, real.snaplen ?? 0, real.crafted ? 'crafted' : 'recorded'].join('|'));
      }
      break;
    }
    case 'show': {
      const sc = scenario(args[0]);
      const { scripts, places } = compile(sc.conv({ host: '127.0.0.1', port: sc.port }));
      console.log(`${args[0]} (port ${sc.port}${sc.crafted ? `, then crafted: ${sc.crafted}` : ''}): ${byCode.get(args[0]).what}`);
      for (const role of ['client', 'server']) {
        console.log(`\n${role}:`);
        for (const st of scripts[role]) {
          if (st.op === 'write') {
            const p = places.find((x) => x.action.data === st.data);
            console.log(`  write ${st.label ?? describe(st.data)}${p?.action.mark ? '   <== the violation' : ''}`);
          } else if (st.op === 'recv') console.log(`  wait until ${st.bytes} bytes received`);
          else if (st.op === 'pause') console.log(`  wait ${st.ms} ms`);
          else if (st.op === 'peerEnd') console.log("  wait for the peer's FIN");
          else {
            const p = places.find((x) => x.action.op === st.op && x.side === role);
            console.log(`  ${st.op}${p?.action.mark ? '   <== the violation' : ''}`);
          }
        }
      }
      break;
    }
    case 'server':
    case 'client': {
      const [code, host, port] = args;
      if (!code || !host || !Number.isInteger(Number(port))) throw new Error(`usage: violations.mjs ${mode} CODE ADDR PORT`);
      await runSide(mode, code, host, Number(port));
      break;
    }
    case 'craft': {
      const [code, base, outDir = OUT_DIR] = args;
      craft(code, base, outDir);
      break;
    }
    case 'expected':
      expected(args[0] ?? OUT_DIR);
      break;
    default:
      console.error('usage: node captures/gen/violations.mjs list | show CODE | plan [CODE...] | server|client CODE ADDR PORT | craft CODE BASE.pcap [OUTDIR] | expected [DIR]');
      process.exit(64);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`violations.mjs ${process.argv.slice(2).join(' ')}: FAILED: ${e instanceof Error ? (process.env.VERBOSE ? e.stack : e.message) : e}`);
    process.exit(1);
  },
);
