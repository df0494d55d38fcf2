// The wss:// scenarios (captures/tls/): a `ws` client <-> a Node `https`
// server with a `ws` server, over TLS with one cipher suite, and the TLS
// session keys written in the NSS key log format (SSLKEYLOGFILE).
//
// Both sides restrict themselves to the scenario's protocol version and
// cipher suite; the client sends SNI "wss.test" (its URL is
// wss://wss.test/echo, with :PORT unless PORT is 443, the name resolved to
// ADDRESS) and offers ALPN
// "http/1.1" only, and it verifies the server's certificate
// (CN=wss.test, subjectAltName DNS:wss.test) against that same certificate.
// Both check, once connected, the version, suite, SNI and ALPN they agreed on.
//
// Conversation (client C, server S), permessage-deflate negotiated (both
// sides `{ threshold: 0 }`, ws's defaults otherwise) but only message 3
// compressed (every other send passes `compress: false`):
//   1  C -> S  text   "Hello, wsdissect!"                S -> C  echo
//   2  C -> S  binary 01 02 03 04 05                     S -> C  echo
//   3  C -> S  text   DEFLATE_TEXT (173 bytes), compressed (RSV1, 77 bytes)
//                                                        S -> C  echo, compressed
//   4  C -> S  binary 40000 bytes, byte i = (i * 7 + (i >> 8)) & 0xff,
//              uncompressed: 3 TLS records (16384 + 16384 + the rest),
//              about 28 TCP segments                   S -> C  echo, the same
//   5  C -> S  ping   "client-ping"                      S -> C  pong (automatic)
//      S -> C  ping   "server-ping"                      C -> S  pong (automatic)
//   6  C -> S  close  1000 "bye"                         S -> C  close 1000 "bye"
//   The server sends its TLS close_notify and closes the TCP connection
//   first; the client answers with its own close_notify and FIN.
//
// Files (set by captures/gen/record.sh, in the environment):
//   WSDISSECT_TLS_CERT, WSDISSECT_TLS_KEY  the server's certificate and key
//                                          (PEM), made afresh for each run
//   WSDISSECT_KEYLOG                       the client appends every line of
//                                          its TLS socket's 'keylog' event here
//   WSDISSECT_KEYLOG_SERVER                the server appends its own lines
//                                          here (record.sh checks that they are
//                                          the same lines as the client's)
import fs from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import { WebSocket, WebSocketServer } from 'ws';
import { setup, sleep, next, ready, check } from './lib.mjs';

export const SNI = 'wss.test';
export const ALPN = 'http/1.1';
export const TEXT = 'Hello, wsdissect!';
export const BINARY = Buffer.from([1, 2, 3, 4, 5]);
export const DEFLATE_TEXT =
  'wss deflate: the quick brown fox jumps over the lazy dog; ' +
  'the quick brown fox jumps over the lazy dog; the quick brown fox jumps over the lazy dog; ' +
  'compressed once each way.';
export const LARGE = Buffer.alloc(40000, 0).map((_, i) => (i * 7 + (i >> 8)) & 0xff);

/**
 * The options of a `ws` client that reach wss.test at `host` (an IPv4
 * address: no name lookup) and append the lines of every TLS connection's
 * 'keylog' event to the file `keylog`.
 */
export function toAddress(host, keylog) {
  return {
    lookup: (hostname, options, callback) =>
      options?.all ? callback(null, [{ address: host, family: 4 }]) : callback(null, host, 4),
    createConnection: (options) => {
      const socket = tls.connect(options);
      socket.on('keylog', (line) => fs.appendFileSync(keylog, line));
      return socket;
    },
  };
}

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run the scenario through captures/gen/record.sh)`);
  return value;
};

/**
 * Run the scenario `name` with `tlsOptions` (Node tls options: minVersion,
 * maxVersion, ciphers) on both sides; `expect` is what both must agree on:
 * { version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' } (the IANA/RFC name,
 * as getCipher().standardName gives it).
 */
export async function run(name, { tlsOptions, expect }) {
  const { role, host, port, log, fail } = setup(name);
  const cert = fs.readFileSync(env('WSDISSECT_TLS_CERT'));
  const agreed = (socket) => {
    const c = socket.getCipher();
    const got = { version: socket.getProtocol(), cipher: c.standardName, openssl: c.name, alpn: socket.alpnProtocol };
    log('TLS:', JSON.stringify(got));
    check(got.version === expect.version, `version ${expect.version} (got ${got.version})`);
    check(got.cipher === expect.cipher, `cipher ${expect.cipher} (got ${got.cipher})`);
    check(got.alpn === ALPN, `ALPN ${ALPN} (got ${got.alpn})`);
  };
  const pmd = { threshold: 0 };

  if (role === 'server') {
    const keylog = env('WSDISSECT_KEYLOG_SERVER');
    const server = https.createServer({ cert, key: fs.readFileSync(env('WSDISSECT_TLS_KEY')), ALPNProtocols: [ALPN], ...tlsOptions });
    server.on('keylog', (line) => fs.appendFileSync(keylog, line));
    server.on('tlsClientError', fail);
    server.on('request', (req) => fail(`unexpected plain request ${req.method} ${req.url}`));
    const wss = new WebSocketServer({ server, path: '/echo', perMessageDeflate: pmd });
    wss.on('error', fail);
    wss.on('connection', (ws, req) => {
      agreed(req.socket);
      check(req.socket.servername === SNI, `SNI ${SNI} (got ${req.socket.servername})`);
      log('extensions:', req.headers['sec-websocket-extensions']);
      ws.on('error', fail);
      ws.on('message', (data, isBinary) => {
        const compress = !isBinary && data.toString() === DEFLATE_TEXT;
        ws.send(data, { binary: isBinary, compress });
      });
      ws.on('ping', async (data) => {
        log('got ping', JSON.stringify(data.toString()));
        await sleep(40);
        ws.ping('server-ping');
      });
      ws.on('close', (code, reason) => {
        log('closed', code, reason.toString());
        check(code === 1000 && reason.toString() === 'bye', 'close 1000 "bye"');
        server.close(() => process.exit(0));
      });
    });
    server.listen(port, host, ready);
  } else {
    const keylog = env('WSDISSECT_KEYLOG');
    const ws = new WebSocket(`wss://${SNI}${port === 443 ? '' : `:${port}`}/echo`, {
      perMessageDeflate: pmd,
      ca: cert,
      servername: SNI,
      ALPNProtocols: [ALPN],
      ...tlsOptions,
      // wss.test is ADDRESS, the keys go to the key log
      ...toAddress(host, keylog),
    });
    ws.on('error', fail);
    await next(ws, 'open');
    agreed(ws._socket);
    check(ws.extensions === 'permessage-deflate', `permessage-deflate (got ${JSON.stringify(ws.extensions)})`);
    await sleep(40);

    const exchange = async (payload, binary, compress, what) => {
      ws.send(payload, { binary, compress });
      const [data, isBinary] = await next(ws, 'message');
      check(isBinary === binary && Buffer.from(data).equals(Buffer.from(payload)), `${what} echo`);
      await sleep(40);
    };
    await exchange(TEXT, false, false, 'text');
    await exchange(BINARY, true, false, 'binary');
    await exchange(DEFLATE_TEXT, false, true, 'compressed text');
    await exchange(LARGE, true, false, 'large binary');

    const serverPing = next(ws, 'ping');
    const pong = next(ws, 'pong');
    ws.ping('client-ping');
    let [data] = await pong;
    check(data.toString() === 'client-ping', 'pong payload');
    [data] = await serverPing;
    check(data.toString() === 'server-ping', 'server ping payload');
    await sleep(40);

    const closed = next(ws, 'close');
    ws.close(1000, 'bye');
    const [code, reason] = await closed;
    log('closed', code, reason.toString());
    check(code === 1000 && reason.toString() === 'bye', 'close echo 1000 "bye"');
    process.exit(0);
  }
}
