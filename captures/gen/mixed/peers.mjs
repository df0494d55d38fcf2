// The Node peers of captures/gen/mixed.sh: WebSocket servers and clients
// (the `ws` package of the root node_modules) and a plain HTTP/1.1 server
// (Node's http), for captures/mixed_network.pcap and mixed_midstream.pcap.
//
//   node peers.mjs ROLE PORT [ARG...]
//
// Servers print "READY" on stdout once they listen; mixed.sh waits for it.
// Every peer exits by itself with status 0 when its part is over and
// non-zero on any surprise (and after a hard deadline, 30 s).
//
// Roles:
//   ws-server PORT CONV [CERT KEY]  WebSocket server for conversation CONV
//                                   (see CONVERSATIONS); wss:// when given a
//                                   certificate and key (Node's https)
//   ws-client PORT CONV [GO]        its client; with GO (a file name), the
//                                   client goes through the conversation's
//                                   `pre` steps, prints "ESTABLISHED", waits
//                                   until the file GO exists, then goes on
//   gate-server PORT                refuses every upgrade: /needs-token with
//                                   ws's verifyClient (401, text/html), and
//                                   /forbidden by hand (403, text/plain)
//   refused-client PORT PATH STATUS a `ws` client whose upgrade to PATH must
//                                   be answered STATUS
//   http-server PORT                a plain Node http server (no 'upgrade'
//                                   listener: Node answers an upgrade request
//                                   like any other request, here 200 OK)
//                                   for curl's GET, GET, POST and one
//                                   WebSocket upgrade attempt
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { WebSocket, WebSocketServer } from 'ws';
import { sleep, next, ready, check, refusal, hangUp } from '../scenarios/lib.mjs';

const [role, portText, ...rest] = process.argv.slice(2);
const port = Number(portText);
const HOST = '127.0.0.1';
const tag = `[${role} ${portText}${role.startsWith('ws-') ? ` ${rest[0]}` : ''}]`;
const log = (...args) => console.error(tag, ...args);
const fail = (why) => {
  console.error(tag, 'FAILED:', why instanceof Error ? why.stack : why);
  process.exit(1);
};
if (!role || !Number.isInteger(port)) fail('usage: node peers.mjs ROLE PORT [ARG...]');
setTimeout(() => fail('deadline of 30 s exceeded'), 30000).unref();
process.on('unhandledRejection', fail);
process.on('uncaughtException', fail);

// ------------------------------------------------------------ messages --
const text = (s) => ({ type: 'text', data: Buffer.from(s, 'utf8') });
const json = (v) => text(JSON.stringify(v));
const binary = (buf) => ({ type: 'binary', data: Buffer.from(buf) });
/** n bytes, byte i = (i * mul + (i >> 6)) & 0xff: deterministic, not all alike. */
const pattern = (n, mul) => Buffer.from(Array.from({ length: n }, (_, i) => (i * mul + (i >> 6)) & 0xff));
/** A text of exactly n bytes (ASCII), a repeated sentence. */
const sized = (n, s) => s.repeat(Math.ceil(n / s.length)).slice(0, n);

/**
 * The 12 steps the midstream conversations go through after the capture has
 * started (plus one `pre` step before it): texts, JSON and binary messages of
 * 1 byte to 70000 bytes (7-bit, 16-bit and 64-bit payload lengths, messages
 * spread over many TCP segments), a client ping and a server ping.
 */
function midstreamSteps(label) {
  const fox = 'The quick brown fox jumps over the lazy dog. ';
  return [
    { client: json({ op: 'hello', client: label, version: 3 }), server: json({ op: 'hello', server: label, session: 'mid-0001' }) },
    { client: text('tick 1'), server: text('tock 1') },
    { client: json({ seq: 2, op: 'ping', ts: 1700000002 }), server: json({ seq: 2, op: 'pong', ts: 1700000002, lag_ms: 3 }) },
    { client: binary([0x2a]), server: binary([0xd5]) },
    { client: text(sized(125, fox)), server: text(sized(125, fox.toUpperCase())), clientPingAfter: 'mid-ping' },
    { client: binary(pattern(126, 7)), server: binary(pattern(126, 11)) },
    {
      client: json({ seq: 6, op: 'update', items: Array.from({ length: 8 }, (_, i) => ({ id: i + 1, name: `item-${i + 1}`, qty: (i * 7) % 5, price: 9.99 + i })) }),
      server: json({ seq: 6, op: 'updated', ok: true, count: 8, total: 123.45 }),
    },
    { client: binary(pattern(1500, 37)), server: binary(pattern(1500, 37).reverse()) },
    { client: text('Grüße aus 東京 — Ünïcödé ✓ 🎉'), server: text('Привет, мир! Γειά σου κόσμε'), serverPingAfter: 'server-mid-ping' },
    { client: binary(pattern(5000, 13)), server: json({ seq: 9, op: 'stored', bytes: 5000, sha: 'not-computed' }) },
    { client: json([1, 2, 3, { nested: { deeper: [true, false, null] } }, 'end']), server: json({ seq: 10, op: 'ack' }) },
    { client: binary(pattern(70000, 3)), server: text(sized(65536, fox)) },
    { client: text('bye soon'), server: text('bye') },
  ];
}

/**
 * Conversations: path, permessage-deflate (threshold 0 on both sides, or
 * disabled on both), steps { client, server, clientPingAfter?,
 * serverPingAfter? }, `pre` (midstream: how many steps happen before the
 * capture starts), and who closes.
 */
const CONVERSATIONS = {
  // mixed_network, port 8080
  'net-deflate': {
    path: '/live',
    deflate: true,
    steps: [
      { client: text('hello from the mixed capture'), server: text('welcome, client 1') },
      {
        client: json({ op: 'subscribe', channel: 'ticker', symbols: ['BTC-EUR', 'ETH-EUR'], depth: 5 }),
        server: json({ op: 'subscribed', channel: 'ticker', symbols: ['BTC-EUR', 'ETH-EUR'], snapshot: [{ s: 'BTC-EUR', p: 61234.5 }, { s: 'ETH-EUR', p: 3012.25 }] }),
      },
      { client: binary(pattern(300, 29)), server: binary(pattern(300, 29)), clientPingAfter: 'are-you-there' },
      {
        client: json({ op: 'subscribe', channel: 'ticker', symbols: ['BTC-EUR', 'ETH-EUR', 'SOL-EUR'], depth: 5 }),
        server: json({ op: 'subscribed', channel: 'ticker', symbols: ['BTC-EUR', 'ETH-EUR', 'SOL-EUR'], snapshot: [{ s: 'SOL-EUR', p: 141.75 }] }),
      },
    ],
    pre: 0,
    close: { by: 'client', code: 1000, reason: 'done' },
  },
  // mixed_network, port 9001
  'net-plain': {
    path: '/plain',
    deflate: false,
    steps: [
      { client: text('status?'), server: text('all systems nominal') },
      { client: json({ cmd: 'uptime' }), server: json({ uptime: 12345, unit: 's' }), serverPingAfter: 'server-ping' },
      { client: binary([1, 2, 3, 4, 5, 6, 7, 8]), server: binary([8, 7, 6, 5, 4, 3, 2, 1]) },
    ],
    pre: 0,
    close: { by: 'server', code: 1001, reason: 'going away' },
  },
  // mixed_network, port 8444 (wss)
  'net-tls': {
    path: '/secure',
    deflate: false,
    steps: [
      { client: text('hello over TLS'), server: text('hello, wss.test') },
      { client: json({ op: 'whoami' }), server: json({ user: 'anonymous', tls: true }) },
      { client: binary(pattern(64, 5)), server: binary(pattern(64, 5)) },
    ],
    pre: 0,
    close: { by: 'client', code: 1000, reason: 'tls done' },
  },
  // mixed_midstream, port 8080
  'mid-deflate': { path: '/mid-deflate', deflate: true, steps: midstreamSteps('deflate'), pre: 1, close: { by: 'client', code: 1000, reason: 'done' } },
  // mixed_midstream, port 9001
  'mid-plain': { path: '/mid-plain', deflate: false, steps: midstreamSteps('plain'), pre: 1, close: { by: 'server', code: 1001, reason: 'going away' } },
  // mixed_midstream, port 8444 (wss)
  'mid-tls': { path: '/mid-tls', deflate: false, steps: midstreamSteps('tls'), pre: 1, close: { by: 'client', code: 1000, reason: 'done' } },
};

const same = (msg, data, isBinary) => msg.type === (isBinary ? 'binary' : 'text') && Buffer.compare(msg.data, Buffer.from(data)) === 0;
const perMessageDeflate = (conv) => (conv.deflate ? { threshold: 0 } : false);
const send = (ws, msg) =>
  new Promise((resolve, reject) => ws.send(msg.data, { binary: msg.type === 'binary' }, (err) => (err ? reject(err) : resolve())));

function conversation(name) {
  const conv = CONVERSATIONS[name];
  if (!conv) fail(`unknown conversation ${name}`);
  return conv;
}

// --------------------------------------------------------------- roles --
async function wsServer(name, cert, key) {
  const conv = conversation(name);
  const server = cert ? https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }) : http.createServer();
  server.on('request', (req, res) => fail(`unexpected plain request ${req.method} ${req.url}`));
  const wss = new WebSocketServer({ server, path: conv.path, perMessageDeflate: perMessageDeflate(conv) });
  wss.on('error', fail);
  wss.on('headers', (headers, req) => log('offered extensions:', JSON.stringify(req.headers['sec-websocket-extensions'] ?? null), '101 headers:', JSON.stringify(headers)));
  wss.on('connection', (ws) => {
    ws.on('error', fail);
    let index = 0;
    ws.on('ping', (data) => log('got ping', JSON.stringify(data.toString())));
    ws.on('message', async (data, isBinary) => {
      const step = conv.steps[index++];
      check(step !== undefined, `unexpected message #${index}`);
      check(same(step.client, data, isBinary), `client message #${index}`);
      await sleep(40);
      await send(ws, step.server);
      if (step.serverPingAfter !== undefined) {
        await sleep(40);
        ws.ping(step.serverPingAfter);
      }
      if (index === conv.steps.length && conv.close.by === 'server') {
        await sleep(40);
        ws.close(conv.close.code, conv.close.reason);
      }
    });
    ws.on('close', (code, reason) => {
      log('closed', code, JSON.stringify(reason.toString()), `after ${index} messages`);
      check(index === conv.steps.length, 'every message received');
      check(code === conv.close.code && reason.toString() === conv.close.reason, `close ${conv.close.code}`);
      // ws emits 'close' once the TCP connection is closed too.
      server.close(() => process.exit(0));
    });
  });
  server.listen(port, HOST, ready);
}

async function wsClient(name, go) {
  const conv = conversation(name);
  const tls = name.endsWith('-tls');
  const url = `${tls ? 'wss' : 'ws'}://${HOST}:${port}${conv.path}`;
  const ws = new WebSocket(url, { perMessageDeflate: perMessageDeflate(conv), ...(tls ? { rejectUnauthorized: false, servername: 'wss.test' } : {}) });
  ws.on('error', fail);
  let extensions;
  ws.on('upgrade', (res) => (extensions = res.headers['sec-websocket-extensions']));
  await next(ws, 'open');
  log('negotiated extensions:', JSON.stringify(extensions ?? null));
  check((extensions === 'permessage-deflate') === conv.deflate, 'permessage-deflate negotiated exactly when wanted');
  const closed = next(ws, 'close');
  await sleep(40);
  for (const [i, step] of conv.steps.entries()) {
    if (go && i === conv.pre) {
      process.stdout.write('ESTABLISHED\n');
      while (!fs.existsSync(go)) await sleep(20);
      await sleep(40);
    }
    const reply = next(ws, 'message');
    const serverPing = step.serverPingAfter !== undefined ? next(ws, 'ping') : null;
    await send(ws, step.client);
    const [data, isBinary] = await reply;
    check(same(step.server, data, isBinary), `server message #${i + 1}`);
    if (step.clientPingAfter !== undefined) {
      await sleep(40);
      const pong = next(ws, 'pong');
      ws.ping(step.clientPingAfter);
      const [payload] = await pong;
      check(payload.toString() === step.clientPingAfter, 'pong payload');
    }
    if (serverPing) {
      const [payload] = await serverPing;
      check(payload.toString() === step.serverPingAfter, 'server ping payload');
    }
    await sleep(40);
  }
  if (conv.close.by === 'client') ws.close(conv.close.code, conv.close.reason);
  const [code, reason] = await closed;
  log('closed', code, JSON.stringify(reason.toString()));
  check(code === conv.close.code && reason.toString() === conv.close.reason, `close ${conv.close.code}`);
  process.exit(0);
}

const REFUSALS = {
  '/needs-token': { status: 401, body: '<h1>401</h1><p>token required</p>' },
  '/forbidden': { status: 403, body: 'forbidden: this origin may not open a WebSocket here\n' },
};

function gateServer() {
  const server = http.createServer((req, res) => fail(`unexpected plain request ${req.url}`));
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    // ws itself writes the refusal: HTTP/1.1 401 Unauthorized, Connection:
    // close, Content-Type: text/html, Content-Length, the extra header, body.
    verifyClient: (info, done) => done(false, 401, REFUSALS['/needs-token'].body, { 'WWW-Authenticate': 'Bearer realm="wsdissect"' }),
  });
  wss.on('connection', () => fail('the upgrade should have been refused'));
  let refused = 0;
  server.on('upgrade', (req, socket, head) => {
    log('upgrade request', req.url, 'origin', JSON.stringify(req.headers.origin ?? null));
    socket.on('close', () => {
      if (++refused === Object.keys(REFUSALS).length) server.close(() => process.exit(0));
    });
    if (req.url === '/needs-token') {
      wss.handleUpgrade(req, socket, head, () => fail('accepted'));
    } else if (req.url === '/forbidden') {
      const body = Buffer.from(REFUSALS['/forbidden'].body);
      socket.end(
        'HTTP/1.1 403 Forbidden\r\n' +
          'Content-Type: text/plain; charset=utf-8\r\n' +
          `Content-Length: ${body.length}\r\n` +
          'Connection: close\r\n\r\n' +
          body.toString(),
      );
    } else {
      fail(`unexpected path ${req.url}`);
    }
  });
  server.listen(port, HOST, ready);
}

async function refusedClient(path, status) {
  const ws = new WebSocket(`ws://${HOST}:${port}${path}`, {
    perMessageDeflate: false,
    ...(path === '/forbidden' ? { origin: 'http://evil.example' } : {}),
  });
  const { req, res, body } = await refusal(ws, fail);
  log('refused:', res.statusCode, res.statusMessage, JSON.stringify(res.headers['content-type']), JSON.stringify(body));
  check(res.statusCode === Number(status), `status ${status}`);
  if (REFUSALS[path]) check(body === REFUSALS[path].body, 'body');
  await hangUp(req);
  process.exit(0);
}

// Plain HTTP/1.1: curl's GET /, GET /status.json and POST /api/echo on one
// keep-alive connection, and a WebSocket upgrade request on another, which
// this server (no 'upgrade' listener) answers like any GET: 200 OK.
function httpServer() {
  const PAGE = '<!doctype html>\n<title>wsdissect</title>\n<p>plain HTTP/1.1, no WebSocket here</p>\n';
  const expected = 4;
  let served = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      log(req.method, req.url, 'upgrade:', JSON.stringify(req.headers.upgrade ?? null), 'body:', JSON.stringify(body));
      if (req.method === 'GET' && (req.url === '/' || req.url === '/ws')) {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(PAGE) });
        res.end(PAGE);
      } else if (req.method === 'GET' && req.url === '/status.json') {
        const out = JSON.stringify({ status: 'ok', connections: 1, version: '0.1.0' });
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(out) });
        res.end(out);
      } else if (req.method === 'POST' && req.url === '/api/echo') {
        const out = JSON.stringify({ received: JSON.parse(body) });
        res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(out) });
        res.end(out);
      } else {
        fail(`unexpected request ${req.method} ${req.url}`);
      }
      if (++served === expected) {
        // Wait for the clients to close their connections, then exit.
        server.close(() => process.exit(0));
      }
    });
  });
  server.keepAliveTimeout = 10000;
  server.listen(port, HOST, ready);
}

async function upgradeTo200Client() {
  const ws = new WebSocket(`ws://${HOST}:${port}/ws`, { perMessageDeflate: false });
  const { req, res, body } = await refusal(ws, fail);
  log('answered:', res.statusCode, res.statusMessage, JSON.stringify(body));
  check(res.statusCode === 200, 'status 200');
  await hangUp(req);
  process.exit(0);
}

switch (role) {
  case 'ws-server':
    await wsServer(rest[0], rest[1], rest[2]);
    break;
  case 'ws-client':
    await wsClient(rest[0], rest[1]);
    break;
  case 'gate-server':
    gateServer();
    break;
  case 'refused-client':
    await refusedClient(rest[0], rest[1]);
    break;
  case 'http-server':
    httpServer();
    break;
  case 'upgrade-200-client':
    await upgradeTo200Client();
    break;
  default:
    fail(`unknown role ${role}`);
}
