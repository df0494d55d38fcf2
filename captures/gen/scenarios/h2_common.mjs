// WebSocket over HTTP/2 (RFC 8441, the extended CONNECT): one HTTP/2
// connection between a Node `http2` client and a Node `http2` server
// (`settings: { enableConnectProtocol: true }`), carrying plain requests and
// two WebSockets at the same time. Recorded in the clear with prior knowledge
// (captures/h2/h2c_ws.pcap: h2c_ws.mjs; the client sends the connection
// preface at once, no HTTP/1.1 Upgrade) and over TLS 1.3 with ALPN "h2"
// (captures/tls/h2_ws_tls13.pcap and .keys: h2_ws_tls13.mjs).
//
// Node has no WebSocket framing for an HTTP/2 stream, so the frames are those
// of the `ws` package: each side makes a `ws` WebSocket with no connection of
// its own (`new WebSocket(null, undefined, { autoPong: true })`, as ws's
// WebSocketServer does; the client's is then marked as a client,
// `_isServer = false`, so that it masks its frames and expects unmasked
// ones), negotiates the subprotocol and permessage-deflate with ws's own
// code (ws/lib/subprotocol.js, ws/lib/extension.js, ws/lib/permessage-deflate.js:
// offer(), accept(), params, as ws's handshake does) and hands it the
// Http2Stream with websocket.setSocket(stream, ...): ws's Sender writes its
// frames into the stream (so into DATA frames), its Receiver reads the
// stream's DATA, and its closing handshake ends the stream (END_STREAM)
// where it would end a TCP connection.
//
// The conversation, in this order (client C, server S; 40 ms between steps;
// each step waits for the answer before the next one, so the order is
// always the same; C's stream ids are 1, 3, 5, ... in the order it opens
// them):
//   stream 1  C GET /hello                       S 200 text/plain HELLO.body
//   stream 3  C CONNECT :protocol websocket /chat (WebSocket A),
//             sec-websocket-protocol CHAT.offered, no extension offered
//                                                S 200, sec-websocket-protocol CHAT.protocol
//   stream 5  C CONNECT :protocol websocket /echo (WebSocket B),
//             sec-websocket-extensions ECHO.offered (ws's offer with
//             { threshold: 0 })                  S 200, sec-websocket-extensions ECHO.extensions
//   A  C text CHAT_TEXT                          S text CHAT_REPLY
//   B  C text ECHO_TEXT, compressed (RSV1)       S text ECHO_REPLY, compressed
//   A  C text CHAT_FRAGMENTS.join(''), in 3 frames (text FIN=0,
//      continuation FIN=0, continuation FIN=1; 40 ms apart)
//                                                S text CHAT_FRAGMENTS_REPLY
//   stream 7  C POST /submit, SUBMIT.body        S 200 text/plain SUBMIT.reply
//   B  C binary ECHO_LARGE (70000 bytes, 64-bit length, sent with
//      compress: false: no RSV1; random-looking bytes from a fixed seed);
//      more than HTTP/2's initial 65535-byte windows, so it waits for the
//      server's WINDOW_UPDATEs             S text ECHO_LARGE_REPLY, compressed
//   A  C binary CHAT_BINARY (300 bytes, 16-bit length)
//                                                S binary, the same 300 bytes
//   A  C ping CHAT_PING                          S pong CHAT_PING (ws's automatic pong)
//   stream 9  C CONNECT :protocol websocket /nope
//                                                S 404, END_STREAM (refused); then
//      Node's server resets the stream (RST_STREAM NO_ERROR), whose client
//      side was still open
//   A  C close CHAT_CLOSE (1000 "done")          S close 1000 "done" (ws echoes it)
//      then END_STREAM from each side (ws ends the stream once it has sent
//      and received a Close)
//   B  S close ECHO_CLOSE (1001 "going away"), once A's stream is closed
//                                                C close 1001 "going away"
//      then END_STREAM from each side
//   C closes the session (GOAWAY; S answers with its own) and the connection.
// The frames of each WebSocket, in order, are FRAMES.chat and FRAMES.echo.
//
// Both sides check every header and message against these constants and
// exit non-zero on any difference (and on any unexpected stream, message or
// error). For TLS, the server is http2.createSecureServer (ALPN "h2" only,
// allowHTTP1: false) with the certificate of WSDISSECT_TLS_CERT and
// WSDISSECT_TLS_KEY; the client connects to https://wss.test (SNI wss.test,
// the name resolved to ADDRESS), verifies the certificate against that same
// certificate, and both append their 'keylog' lines to WSDISSECT_KEYLOG
// (client) and WSDISSECT_KEYLOG_SERVER (server).
//
// The end of this file serves chromium_h2_ws.mjs (captures/tls/chromium_h2_ws.pcap):
// headless Chromium's page opens the two WebSockets of BROWSER on the page's
// own HTTP/2 connection; BROWSER_FRAMES are their frames.
import fs from 'node:fs';
import http2 from 'node:http2';
import tls from 'node:tls';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { WebSocket } from 'ws';
import { setup, sleep, next, ready, check } from './lib.mjs';
import { pseudoRandomBytes } from './chromium_common.mjs';

// ws's handshake helpers are not in its package's exports: load them from
// its lib/ folder.
const require = createRequire(import.meta.url);
const wsLib = join(dirname(require.resolve('ws')), 'lib');
const PerMessageDeflate = require(join(wsLib, 'permessage-deflate.js'));
const extension = require(join(wsLib, 'extension.js'));
const subprotocol = require(join(wsLib, 'subprotocol.js'));

export const SNI = 'wss.test';
export const ALPN = 'h2';
/** ws's maxPayload default (100 MiB), for the Receiver and permessage-deflate. */
const MAX_PAYLOAD = 100 * 1024 * 1024;
/** permessage-deflate on both sides of WebSocket B: compress even short messages. */
const PMD_OPTIONS = { threshold: 0 };

/** Stream 1: a plain GET. */
export const HELLO = {
  path: '/hello',
  status: 200,
  contentType: 'text/plain; charset=utf-8',
  body: 'Hello over HTTP/2, from the server.\n',
};
/** Stream 7: a plain POST in the middle of the WebSockets. */
export const SUBMIT = {
  path: '/submit',
  contentType: 'application/x-www-form-urlencoded',
  body: 'name=wsdissect&transport=h2&streams=2',
  status: 200,
  replyType: 'text/plain; charset=utf-8',
  reply: 'stored 37 bytes\n',
};
/** Stream 9: an extended CONNECT the server refuses. */
export const REFUSED = { path: '/nope', status: 404 };

/** WebSocket A (stream 3): a subprotocol, no extension. */
export const CHAT = { path: '/chat', offered: 'chat.v1, chat.v0', protocol: 'chat.v1' };
/** WebSocket B (stream 5): permessage-deflate, no subprotocol. */
export const ECHO = {
  path: '/echo',
  offered: 'permessage-deflate; client_max_window_bits',
  extensions: 'permessage-deflate',
};

export const CHAT_TEXT = 'Hello on /chat, over an HTTP/2 stream';
export const CHAT_REPLY = 'chat.v1 here: hello back on stream 3';
export const CHAT_FRAGMENTS = ['one message ', 'in three ', 'fragments over h2'];
export const CHAT_FRAGMENTS_REPLY = 'got 38 bytes in fragments';
/** 300 bytes, byte i = (i * 5 + 1) & 0xff: a 16-bit extended length. */
export const CHAT_BINARY = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 5 + 1) & 0xff));
export const CHAT_PING = 'are you there, A?';
export const CHAT_CLOSE = { code: 1000, reason: 'done' };

export const ECHO_TEXT =
  'echo over h2 with permessage-deflate: the quick brown fox jumps over the lazy dog; ' +
  'the quick brown fox jumps over the lazy dog.';
export const ECHO_REPLY = 'echo: ' + ECHO_TEXT;
/** 70000 bytes of xorshift32 from a fixed seed (deflate could not shrink them): a 64-bit extended length. */
export const ECHO_LARGE = Buffer.from(pseudoRandomBytes(0x8441, 70000));
export const ECHO_LARGE_REPLY = 'received 70000 bytes';
export const ECHO_CLOSE = { code: 1001, reason: 'going away' };

const closePayload = ({ code, reason }) => {
  const b = Buffer.alloc(2 + Buffer.byteLength(reason));
  b.writeUInt16BE(code, 0);
  b.write(reason, 2);
  return b;
};

/**
 * Every WebSocket frame of each WebSocket, in the order sent on its stream:
 * from (client frames masked, server frames not), opcode, fin, rsv1 (set:
 * the payload is compressed, and `payload` is the message inflated) and the
 * payload (for a close, the code and reason as sent).
 */
export const FRAMES = {
  chat: [
    { from: 'client', opcode: 1, fin: true, rsv1: false, payload: Buffer.from(CHAT_TEXT) },
    { from: 'server', opcode: 1, fin: true, rsv1: false, payload: Buffer.from(CHAT_REPLY) },
    { from: 'client', opcode: 1, fin: false, rsv1: false, payload: Buffer.from(CHAT_FRAGMENTS[0]) },
    { from: 'client', opcode: 0, fin: false, rsv1: false, payload: Buffer.from(CHAT_FRAGMENTS[1]) },
    { from: 'client', opcode: 0, fin: true, rsv1: false, payload: Buffer.from(CHAT_FRAGMENTS[2]) },
    { from: 'server', opcode: 1, fin: true, rsv1: false, payload: Buffer.from(CHAT_FRAGMENTS_REPLY) },
    { from: 'client', opcode: 2, fin: true, rsv1: false, payload: CHAT_BINARY },
    { from: 'server', opcode: 2, fin: true, rsv1: false, payload: CHAT_BINARY },
    { from: 'client', opcode: 9, fin: true, rsv1: false, payload: Buffer.from(CHAT_PING) },
    { from: 'server', opcode: 10, fin: true, rsv1: false, payload: Buffer.from(CHAT_PING) },
    { from: 'client', opcode: 8, fin: true, rsv1: false, payload: closePayload(CHAT_CLOSE) },
    { from: 'server', opcode: 8, fin: true, rsv1: false, payload: closePayload(CHAT_CLOSE) },
  ],
  echo: [
    { from: 'client', opcode: 1, fin: true, rsv1: true, payload: Buffer.from(ECHO_TEXT) },
    { from: 'server', opcode: 1, fin: true, rsv1: true, payload: Buffer.from(ECHO_REPLY) },
    { from: 'client', opcode: 2, fin: true, rsv1: false, payload: ECHO_LARGE },
    { from: 'server', opcode: 1, fin: true, rsv1: true, payload: Buffer.from(ECHO_LARGE_REPLY) },
    { from: 'server', opcode: 8, fin: true, rsv1: false, payload: closePayload(ECHO_CLOSE) },
    { from: 'client', opcode: 8, fin: true, rsv1: false, payload: closePayload(ECHO_CLOSE) },
  ],
};

check(Buffer.byteLength(CHAT_FRAGMENTS.join('')) === 38, 'CHAT_FRAGMENTS_REPLY counts the bytes');
check(Buffer.byteLength(SUBMIT.body) === 37, 'SUBMIT.reply counts the bytes');

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run the scenario through captures/gen/record.sh)`);
  return value;
};

/**
 * A ws WebSocket on an Http2Stream: `isServer` picks the role (masking),
 * `extensions` ({ 'permessage-deflate': PerMessageDeflate } or {}) and
 * `protocol` what the handshake agreed.
 */
function webSocketOn(stream, { isServer, extensions = {}, protocol = '' }) {
  const ws = new WebSocket(null, undefined, { autoPong: true });
  ws._isServer = isServer;
  ws._extensions = extensions;
  ws._protocol = protocol;
  ws.setSocket(stream, Buffer.alloc(0), { allowSynchronousEvents: true, maxPayload: MAX_PAYLOAD });
  return ws;
}

/** The messages `ws` receives, one at a time: next() resolves with { data (a Buffer), isBinary }. */
function inbox(ws) {
  const queue = [];
  const waiting = [];
  ws.on('message', (data, isBinary) => {
    const item = { data: Buffer.from(data), isBinary };
    if (waiting.length > 0) waiting.shift()(item);
    else queue.push(item);
  });
  return () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve)));
}

const sameText = (m, text) => !m.isBinary && m.data.toString('utf8') === text;
const sameBinary = (m, bytes) => m.isBinary && m.data.equals(Buffer.from(bytes));

/** A whole response body of `stream`, as a string. */
async function readBody(stream) {
  let body = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => (body += chunk));
  await next(stream, 'end');
  return body;
}

/**
 * Run the scenario `name`: with `secure` over TLS 1.3 (ALPN h2), else in the
 * clear with prior knowledge.
 */
export async function run(name, { secure = false } = {}) {
  const { role, host, port, log, fail } = setup(name);
  const scheme = secure ? 'https' : 'http';
  const authority = secure ? `${SNI}${port === 443 ? '' : `:${port}`}` : `${host}:${port}`;
  if (role === 'server') await server({ host, port, scheme, authority, secure, log, fail });
  else await client({ host, port, scheme, authority, secure, log, fail });
}

async function server({ host, port, scheme, authority, secure, log, fail }) {
  const settings = { enableConnectProtocol: true };
  let server;
  if (secure) {
    const keylog = env('WSDISSECT_KEYLOG_SERVER');
    server = http2.createSecureServer({
      cert: fs.readFileSync(env('WSDISSECT_TLS_CERT')),
      key: fs.readFileSync(env('WSDISSECT_TLS_KEY')),
      minVersion: 'TLSv1.3',
      allowHTTP1: false,
      settings,
    });
    server.on('keylog', (line) => fs.appendFileSync(keylog, line));
    server.on('secureConnection', (socket) => {
      const got = { version: socket.getProtocol(), cipher: socket.getCipher().standardName, sni: socket.servername, alpn: socket.alpnProtocol };
      log('TLS:', JSON.stringify(got));
      check(got.version === 'TLSv1.3', `TLS 1.3 (got ${got.version})`);
      check(got.sni === SNI, `SNI ${SNI} (got ${got.sni})`);
      check(got.alpn === ALPN, `ALPN ${ALPN} (got ${got.alpn})`);
    });
    server.on('tlsClientError', fail);
  } else {
    server = http2.createServer({ settings });
  }
  server.on('error', fail);
  server.on('unknownProtocol', () => fail('a connection without HTTP/2'));

  let sessions = 0;
  let chat = null;
  let echo = null;
  const seen = [];
  server.on('session', (session) => {
    check(++sessions === 1, 'one HTTP/2 session');
    session.on('error', fail);
    session.on('goaway', (code) => log('GOAWAY from the client, code', code));
    session.on('close', () => {
      log('session closed; streams:', seen.join(', '));
      check(seen.join(' ') === 'GET/hello CONNECT/chat CONNECT/echo POST/submit CONNECT/nope', 'every request, in order');
      check(chat?.done && echo?.done, 'both WebSockets closed as planned');
      server.close(() => process.exit(0));
    });
  });

  server.on('stream', (stream, headers) => {
    const method = headers[':method'];
    const path = headers[':path'];
    log(`stream ${stream.id}: ${method} ${path}${headers[':protocol'] ? ` :protocol ${headers[':protocol']}` : ''}`);
    seen.push(`${method}${path}`);
    stream.on('error', fail);
    check(headers[':scheme'] === scheme, `:scheme ${scheme} (got ${headers[':scheme']})`);
    check(headers[':authority'] === authority, `:authority ${authority} (got ${headers[':authority']})`);
    if (method === 'GET' && path === HELLO.path) {
      stream.respond({ ':status': HELLO.status, 'content-type': HELLO.contentType, 'content-length': Buffer.byteLength(HELLO.body) });
      stream.end(HELLO.body);
    } else if (method === 'POST' && path === SUBMIT.path) {
      check(headers['content-type'] === SUBMIT.contentType, 'POST content-type');
      readBody(stream).then((body) => {
        check(body === SUBMIT.body, `POST body (got ${JSON.stringify(body)})`);
        stream.respond({ ':status': SUBMIT.status, 'content-type': SUBMIT.replyType, 'content-length': Buffer.byteLength(SUBMIT.reply) });
        stream.end(SUBMIT.reply);
      }, fail);
    } else if (method === 'CONNECT' && headers[':protocol'] === 'websocket') {
      check(headers['sec-websocket-version'] === '13', 'sec-websocket-version 13');
      if (path === CHAT.path) chat = serveChat(stream, headers, { log, fail, closed: () => echo.closeNow() });
      else if (path === ECHO.path) echo = serveEcho(stream, headers, { log, fail });
      else if (path === REFUSED.path) stream.respond({ ':status': REFUSED.status }, { endStream: true });
      else fail(`unexpected WebSocket path ${path}`);
    } else {
      fail(`unexpected request ${method} ${path}`);
    }
  });
  server.listen(port, host, ready);
}

/** The server's WebSocket A: subprotocol CHAT.protocol; answers each message as planned. */
function serveChat(stream, headers, { log, fail, closed }) {
  const offered = subprotocol.parse(headers['sec-websocket-protocol']);
  check([...offered].join(', ') === CHAT.offered, `A offers ${CHAT.offered}`);
  check(headers['sec-websocket-extensions'] === undefined, 'A offers no extension');
  check(offered.has(CHAT.protocol), `${CHAT.protocol} offered`);
  stream.respond({ ':status': 200, 'sec-websocket-protocol': CHAT.protocol });
  const ws = webSocketOn(stream, { isServer: true, protocol: CHAT.protocol });
  const state = { done: false };
  ws.on('error', fail);
  ws.on('ping', (data) => check(data.toString() === CHAT_PING, 'A ping payload'));
  const expected = [
    [(m) => sameText(m, CHAT_TEXT), () => ws.send(CHAT_REPLY)],
    [(m) => sameText(m, CHAT_FRAGMENTS.join('')), () => ws.send(CHAT_FRAGMENTS_REPLY)],
    [(m) => sameBinary(m, CHAT_BINARY), () => ws.send(CHAT_BINARY, { binary: true })],
  ];
  let index = 0;
  ws.on('message', (data, isBinary) => {
    const step = expected[index++];
    check(step !== undefined, `A: unexpected message #${index}`);
    check(step[0]({ data: Buffer.from(data), isBinary }), `A: message #${index} as sent`);
    step[1]();
  });
  ws.on('close', (code, reason) => {
    log('A closed', code, reason.toString());
    check(index === expected.length, 'A: every message');
    check(code === CHAT_CLOSE.code && reason.toString() === CHAT_CLOSE.reason, `A: close ${CHAT_CLOSE.code}`);
    state.done = true;
    sleep(40).then(closed);
  });
  return state;
}

/** The server's WebSocket B: permessage-deflate; answers each message, compressed; closes it with ECHO_CLOSE when told. */
function serveEcho(stream, headers, { log, fail }) {
  check(headers['sec-websocket-protocol'] === undefined, 'B offers no subprotocol');
  check(headers['sec-websocket-extensions'] === ECHO.offered, `B offers ${ECHO.offered} (got ${headers['sec-websocket-extensions']})`);
  const offers = extension.parse(headers['sec-websocket-extensions']);
  const pmd = new PerMessageDeflate(PMD_OPTIONS, true, MAX_PAYLOAD);
  pmd.accept(offers[PerMessageDeflate.extensionName]);
  const answer = extension.format({ [PerMessageDeflate.extensionName]: [pmd.params] });
  check(answer === ECHO.extensions, `B answers ${ECHO.extensions} (got ${answer})`);
  stream.respond({ ':status': 200, 'sec-websocket-extensions': answer });
  const ws = webSocketOn(stream, { isServer: true, extensions: { [PerMessageDeflate.extensionName]: pmd } });
  ws.on('error', fail);
  const expected = [
    [(m) => sameText(m, ECHO_TEXT), () => ws.send(ECHO_REPLY, { compress: true })],
    [(m) => sameBinary(m, ECHO_LARGE), () => ws.send(ECHO_LARGE_REPLY, { compress: true })],
  ];
  let index = 0;
  ws.on('message', (data, isBinary) => {
    const step = expected[index++];
    check(step !== undefined, `B: unexpected message #${index}`);
    check(step[0]({ data: Buffer.from(data), isBinary }), `B: message #${index} as sent`);
    step[1]();
  });
  const state = {
    done: false,
    closeNow: () => {
      check(index === expected.length, 'B: every message before the close');
      ws.close(ECHO_CLOSE.code, ECHO_CLOSE.reason);
    },
  };
  ws.on('close', (code, reason) => {
    log('B closed', code, reason.toString());
    check(code === ECHO_CLOSE.code && reason.toString() === ECHO_CLOSE.reason, `B: close ${ECHO_CLOSE.code} echoed`);
    state.done = true;
  });
  return state;
}

async function client({ host, port, scheme, authority, secure, log, fail }) {
  const options = {};
  if (secure) {
    const keylog = env('WSDISSECT_KEYLOG');
    const ca = fs.readFileSync(env('WSDISSECT_TLS_CERT'));
    // wss.test is ADDRESS; the keys go to the key log.
    options.createConnection = () => {
      const socket = tls.connect({ host, port, servername: SNI, ca, ALPNProtocols: [ALPN], minVersion: 'TLSv1.3' });
      socket.on('keylog', (line) => fs.appendFileSync(keylog, line));
      return socket;
    };
  }
  const session = http2.connect(`${scheme}://${secure ? authority : `${host}:${port}`}`, options);
  session.on('error', fail);
  session.on('goaway', (code) => fail(`GOAWAY from the server, code ${code}`));
  await next(session, 'remoteSettings');
  check(session.remoteSettings.enableConnectProtocol === true, 'the server allows the extended CONNECT');
  if (secure) {
    const socket = session.socket;
    const got = { version: socket.getProtocol(), cipher: socket.getCipher().standardName, alpn: session.alpnProtocol };
    log('TLS:', JSON.stringify(got));
    check(got.version === 'TLSv1.3', `TLS 1.3 (got ${got.version})`);
    check(got.alpn === ALPN, `ALPN ${ALPN} (got ${got.alpn})`);
  }
  const base = { ':scheme': scheme, ':authority': authority };

  // stream 1: GET /hello
  {
    const req = session.request({ ...base, ':method': 'GET', ':path': HELLO.path });
    req.on('error', fail);
    const [headers] = await next(req, 'response');
    check(headers[':status'] === HELLO.status && headers['content-type'] === HELLO.contentType, 'GET /hello answer');
    check((await readBody(req)) === HELLO.body, 'GET /hello body');
    log(`stream ${req.id}: GET ${HELLO.path} -> ${headers[':status']}`);
  }
  await sleep(40);

  /** An extended CONNECT to `path` with `extra` headers: resolves with [stream, response headers]. */
  const connect = async (path, extra = {}) => {
    const req = session.request(
      { ...base, ':method': 'CONNECT', ':protocol': 'websocket', ':path': path, 'sec-websocket-version': '13', ...extra },
      { endStream: false },
    );
    req.on('error', fail);
    const [headers] = await next(req, 'response');
    log(`stream ${req.id}: CONNECT ${path} -> ${headers[':status']}`);
    return [req, headers];
  };

  // stream 3: WebSocket A
  const [aStream, aHeaders] = await connect(CHAT.path, { 'sec-websocket-protocol': CHAT.offered });
  check(aHeaders[':status'] === 200, 'A: 200');
  const agreed = aHeaders['sec-websocket-protocol'];
  check(agreed === CHAT.protocol && subprotocol.parse(CHAT.offered).has(agreed), `A: subprotocol ${CHAT.protocol}`);
  check(aHeaders['sec-websocket-extensions'] === undefined, 'A: no extension');
  const a = webSocketOn(aStream, { isServer: false, protocol: agreed });
  a.on('error', fail);
  const aNext = inbox(a);
  await sleep(40);

  // stream 5: WebSocket B
  const pmd = new PerMessageDeflate(PMD_OPTIONS, false, MAX_PAYLOAD);
  const offer = extension.format({ [PerMessageDeflate.extensionName]: pmd.offer() });
  check(offer === ECHO.offered, `B offers ${ECHO.offered} (got ${offer})`);
  const [bStream, bHeaders] = await connect(ECHO.path, { 'sec-websocket-extensions': offer });
  check(bHeaders[':status'] === 200, 'B: 200');
  check(bHeaders['sec-websocket-protocol'] === undefined, 'B: no subprotocol');
  check(bHeaders['sec-websocket-extensions'] === ECHO.extensions, `B: ${ECHO.extensions}`);
  const answer = extension.parse(bHeaders['sec-websocket-extensions']);
  check(Object.keys(answer).join() === PerMessageDeflate.extensionName, 'B: permessage-deflate only');
  pmd.accept(answer[PerMessageDeflate.extensionName]);
  const b = webSocketOn(bStream, { isServer: false, extensions: { [PerMessageDeflate.extensionName]: pmd } });
  b.on('error', fail);
  const bNext = inbox(b);
  await sleep(40);

  // A: text, and its answer
  a.send(CHAT_TEXT);
  check(sameText(await aNext(), CHAT_REPLY), 'A: reply to the text');
  await sleep(40);

  // B: a compressed text each way
  b.send(ECHO_TEXT, { compress: true });
  check(sameText(await bNext(), ECHO_REPLY), 'B: reply to the text');
  await sleep(40);

  // A: a text message in 3 frames
  for (let i = 0; i < CHAT_FRAGMENTS.length; i++) {
    a.send(CHAT_FRAGMENTS[i], { fin: i === CHAT_FRAGMENTS.length - 1 });
    if (i < CHAT_FRAGMENTS.length - 1) await sleep(40);
  }
  check(sameText(await aNext(), CHAT_FRAGMENTS_REPLY), 'A: reply to the fragmented text');
  await sleep(40);

  // stream 7: POST /submit
  {
    const req = session.request({ ...base, ':method': 'POST', ':path': SUBMIT.path, 'content-type': SUBMIT.contentType, 'content-length': Buffer.byteLength(SUBMIT.body) });
    req.on('error', fail);
    req.end(SUBMIT.body);
    const [headers] = await next(req, 'response');
    check(headers[':status'] === SUBMIT.status && headers['content-type'] === SUBMIT.replyType, 'POST /submit answer');
    check((await readBody(req)) === SUBMIT.reply, 'POST /submit reply body');
    log(`stream ${req.id}: POST ${SUBMIT.path} -> ${headers[':status']}`);
  }
  await sleep(40);

  // B: 70000 bytes, not compressed
  b.send(ECHO_LARGE, { binary: true, compress: false });
  check(sameText(await bNext(), ECHO_LARGE_REPLY), 'B: reply to the large binary');
  await sleep(40);

  // A: 300 bytes and their echo
  a.send(CHAT_BINARY, { binary: true });
  check(sameBinary(await aNext(), CHAT_BINARY), 'A: binary echo');
  await sleep(40);

  // A: ping, and the automatic pong
  const pong = next(a, 'pong');
  a.ping(CHAT_PING);
  const [pongData] = await pong;
  check(pongData.toString() === CHAT_PING, 'A: pong payload');
  await sleep(40);

  // stream 9: a refused extended CONNECT
  {
    const [req, headers] = await connect(REFUSED.path);
    check(headers[':status'] === REFUSED.status, `${REFUSED.path}: ${REFUSED.status}`);
    check((await readBody(req)) === '', `${REFUSED.path}: no body`);
    if (!req.closed) await next(req, 'close');
    log(`stream ${req.id}: closed, rstCode ${req.rstCode}`);
  }
  await sleep(40);

  // A: the client closes; B: the server closes once A is closed
  const aClosed = next(a, 'close');
  const bClosed = next(b, 'close');
  a.close(CHAT_CLOSE.code, CHAT_CLOSE.reason);
  let [code, reason] = await aClosed;
  log('A closed', code, reason.toString());
  check(code === CHAT_CLOSE.code && reason.toString() === CHAT_CLOSE.reason, `A: close ${CHAT_CLOSE.code} echoed`);
  [code, reason] = await bClosed;
  log('B closed', code, reason.toString());
  check(code === ECHO_CLOSE.code && reason.toString() === ECHO_CLOSE.reason, `B: close ${ECHO_CLOSE.code}`);
  check(aStream.closed && bStream.closed, 'both streams closed');
  check(a.protocol === CHAT.protocol && b.extensions === ECHO.extensions, 'what the handshakes agreed');
  await sleep(40);

  const sessionClosed = next(session, 'close');
  session.close();
  await sessionClosed;
  log('session closed');
  process.exit(0);
}

// ------------------------------------------------- headless Chromium --
// chromium_h2_ws.mjs: Chromium's page opens BROWSER.chat and BROWSER.echo
// over the HTTP/2 connection of the page itself.

/**
 * The two WebSockets of the Chromium page, on wss://wss.test: path, the
 * subprotocol the page asks for and the server agrees (or null), whether the
 * server accepts permessage-deflate (Chromium offers
 * "permessage-deflate; client_max_window_bits"), the messages the page
 * sends in order (the server echoes each one, compressed where
 * permessage-deflate was agreed) and the close the page sends (the server
 * echoes it).
 */
export const BROWSER = {
  chat: {
    path: '/chat',
    protocol: 'chat.v1',
    deflate: false,
    messages: [
      { type: 'text', text: 'Hello from Chromium on /chat, over the page\'s HTTP/2 connection' },
      { type: 'binary', seed: 0, length: 300 }, // byte i = (i * 5 + 1) & 0xff, as CHAT_BINARY
    ],
    close: { code: 1000, reason: 'done' },
  },
  echo: {
    path: '/echo',
    protocol: null,
    deflate: true,
    messages: [
      { type: 'text', text: ECHO_TEXT },
      { type: 'binary', seed: 0x8441, length: 70000 }, // ECHO_LARGE
    ],
    close: { code: 4003, reason: 'page done' },
  },
};

/**
 * Every WebSocket frame of each BROWSER WebSocket, in the order sent on its
 * stream, as FRAMES (Chromium sends each message in one frame; where
 * permessage-deflate was agreed, both sides compress every message, the
 * 70000 random bytes too, and `payload` is the message inflated).
 */
export const BROWSER_FRAMES = Object.fromEntries(
  Object.entries(BROWSER).map(([name, spec]) => [
    name,
    [
      ...spec.messages.flatMap((m) => {
        const payload = Buffer.from(browserMessage(m));
        const opcode = m.type === 'text' ? 1 : 2;
        return ['client', 'server'].map((from) => ({ from, opcode, fin: true, rsv1: spec.deflate, payload }));
      }),
      ...['client', 'server'].map((from) => ({ from, opcode: 8, fin: true, rsv1: false, payload: closePayload(spec.close) })),
    ],
  ]),
);

/** A BROWSER message's data: a string for a text, a Uint8Array for a binary (the same code runs in the page). */
export function browserMessage(m) {
  if (m.type === 'text') return m.text;
  if (m.seed === 0) return Uint8Array.from({ length: m.length }, (_, i) => (i * 5 + 1) & 0xff);
  return pseudoRandomBytes(m.seed, m.length);
}

/**
 * The page for `authority` (wss.test, or wss.test:PORT): opens both
 * WebSockets at once, then sends the messages alternately (chat's first,
 * echo's first, chat's second, ...), each after the echo of the one before
 * and 40 ms later; then closes chat, and once it is closed, echo; then
 * writes "RESULT ok" (or "RESULT FAILED: why"). It ends with the /wait.gif
 * image and names an empty data: icon (no /favicon.ico request).
 */
export function browserPage(authority) {
  const spec = JSON.stringify(BROWSER).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>wsdissect chromium_h2_ws</title>
<link rel="icon" href="data:,"></head>
<body>
<pre id="result">RESULT pending</pre>
<script>
const BROWSER = ${spec};
${pseudoRandomBytes.toString()}
${browserMessage.toString()}
const result = document.getElementById('result');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
function open(name) {
  const spec = BROWSER[name];
  const ws = spec.protocol ? new WebSocket('wss://${authority}' + spec.path, spec.protocol) : new WebSocket('wss://${authority}' + spec.path);
  ws.binaryType = 'arraybuffer';
  const inbox = [], waiting = [];
  ws.onmessage = (e) => (waiting.length ? waiting.shift()(e.data) : inbox.push(e.data));
  const closed = new Promise((resolve) => (ws.onclose = resolve));
  const opened = new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error(name + ': error event')); });
  return { name, spec, ws, closed, opened, next: () => (inbox.length ? Promise.resolve(inbox.shift()) : new Promise((r) => waiting.push(r))) };
}
async function exchange(s, i) {
  const d = browserMessage(s.spec.messages[i]);
  s.ws.send(typeof d === 'string' ? d : d.slice().buffer);
  const got = await s.next();
  const ok = typeof d === 'string' ? got === d : got instanceof ArrayBuffer && same(new Uint8Array(got), d);
  if (!ok) throw new Error(s.name + ': echo ' + (i + 1) + ' differs');
  await sleep(40);
}
async function main() {
  const chat = open('chat'), echo = open('echo');
  await Promise.all([chat.opened, echo.opened]);
  if (chat.ws.protocol !== BROWSER.chat.protocol) throw new Error('chat: protocol ' + chat.ws.protocol);
  await sleep(40);
  for (let i = 0; i < 2; i++) { await exchange(chat, i); await exchange(echo, i); }
  for (const s of [chat, echo]) {
    s.ws.close(s.spec.close.code, s.spec.close.reason);
    const e = await s.closed;
    if (!(e.wasClean && e.code === s.spec.close.code)) throw new Error(s.name + ': close ' + e.code + ' clean=' + e.wasClean);
    if (s === chat) await sleep(40);
  }
  return JSON.stringify([chat.ws.extensions, echo.ws.extensions]);
}
main().then((info) => { result.textContent = 'RESULT ok'; document.title = 'extensions ' + info; },
  (err) => { result.textContent = 'RESULT FAILED: ' + err.message; });
</script>
<img src="/wait.gif" alt="">
</body></html>
`;
}

/**
 * The server's answer to an extended CONNECT for the BROWSER WebSocket
 * `spec`: 200 with the subprotocol it names (which the request must offer)
 * and, if it accepts permessage-deflate and the request offers it, ws's
 * answer to the offer; resolves nothing, returns the ws WebSocket on the
 * stream.
 */
export function acceptWebSocket(stream, headers, spec, log) {
  check(headers['sec-websocket-version'] === '13', 'sec-websocket-version 13');
  const response = { ':status': 200 };
  if (spec.protocol) {
    const offered = headers['sec-websocket-protocol'];
    check(offered !== undefined && subprotocol.parse(offered).has(spec.protocol), `${spec.path}: ${spec.protocol} offered (got ${offered})`);
    response['sec-websocket-protocol'] = spec.protocol;
  }
  const extensions = {};
  const offer = headers['sec-websocket-extensions'];
  log(`${spec.path}: offered subprotocol ${JSON.stringify(headers['sec-websocket-protocol'])}, extensions ${JSON.stringify(offer)}`);
  if (spec.deflate) {
    check(offer !== undefined, `${spec.path}: an extension offered`);
    const offers = extension.parse(offer);
    check(offers[PerMessageDeflate.extensionName] !== undefined, `${spec.path}: permessage-deflate offered`);
    const pmd = new PerMessageDeflate(PMD_OPTIONS, true, MAX_PAYLOAD);
    pmd.accept(offers[PerMessageDeflate.extensionName]);
    response['sec-websocket-extensions'] = extension.format({ [PerMessageDeflate.extensionName]: [pmd.params] });
    extensions[PerMessageDeflate.extensionName] = pmd;
  }
  stream.respond(response);
  log(`${spec.path}: answered ${JSON.stringify(response)}`);
  return webSocketOn(stream, { isServer: true, extensions, protocol: spec.protocol ?? '' });
}
