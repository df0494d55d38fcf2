// The headless Chromium recordings of one conversation over several
// transports: wss:// with one TLS version and cipher suite each
// (captures/tls/chromium_tls13_*.pcap, chromium_tls12_*.pcap, one small
// scenario file each that calls run() below) and plain ws://
// (captures/browser/chromium_ws_plain.pcap), so that each decrypted wss://
// recording can be compared with the plain one.
//
// server: one Node server on PORT, `https` (for wss://: the SERVER alone is
// restricted, with the scenario's minVersion/maxVersion/ciphers, so Chromium
// has to negotiate that version and suite; ALPN "http/1.1" only, so the page
// comes over HTTP/1.1 and not HTTP/2) or `http` (for ws://), serves
//   GET /          a page whose inline script opens
//                  new WebSocket('wss://wss.test/ws') (or ws://), sends the
//                  MESSAGES one at a time (texts as strings, the binary ones
//                  as ArrayBuffers), waits for each echo and compares it,
//                  40 ms between steps, then closes with CLOSE and writes
//                  "RESULT ok" into the page;
//   GET /wait.gif  an image at the end of the page, answered only once the
//                  WebSocket conversation is over: it holds the page's load
//                  event back, so that --dump-dom prints the page only then;
//   GET /ws        the WebSocket upgrade, handled by a `ws` WebSocketServer
//                  with perMessageDeflate { threshold: 0 }: Chromium offers
//                  "permessage-deflate; client_max_window_bits", the 101
//                  answers "permessage-deflate", and every data message is
//                  compressed both ways (context takeover, 15-bit windows).
//                  The server pings the browser once ("server-ping",
//                  answered by Chromium by itself) as soon as the WebSocket
//                  is open (the page waits 40 ms before its first message),
//                  then echoes every message, compressed.
//   For wss://, it checks every TLS connection's version, suite and SNI, and
//   appends the lines of its 'keylog' event (every TLS connection it
//   accepted) to WSDISSECT_KEYLOG_SERVER. It exits once the browser has
//   closed its connections after the conversation (or 5 s later).
// client: starts `chromium --headless=new --dump-dom ... https://wss.test/`
//   (http://wss.test/ for ws://), with SSLKEYLOGFILE=WSDISSECT_KEYLOG in its
//   environment for wss://, --host-resolver-rules mapping wss.test to HOST
//   (so the TLS SNI and the Host header say wss.test) and
//   --ignore-certificate-errors (the certificate is self-signed), in its own
//   process group; waits for it to exit by itself (killing the whole group
//   after 15 s) and checks that the dumped page says "RESULT ok". Set
//   WSDISSECT_CHROMIUM to use another binary.
//
// The data is the same in every recording: the long text and the large
// binary come from a fixed xorshift32 generator (random-looking, so that
// deflate hardly shrinks them: the text stays over 1400 bytes on the wire,
// several TCP segments, and the binary over 65536, several TLS records);
// the page and the server run the same generator (its source is put into
// the page).
//
// The page's skeleton, the serving of / and /wait.gif and the running of
// Chromium are those of chromium_browser.mjs.
import { appendFileSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { WebSocketServer } from 'ws';
import { setup, ready, check } from './lib.mjs';
import { browserPage, browserServer, echoPage, watchUpgrades, runChromium } from './chromium_browser.mjs';

export const SNI = 'wss.test';
export const ALPN = 'http/1.1';

/** `length` bytes from xorshift32 started at `seed` (the low byte of each state). */
export function pseudoRandomBytes(seed, length) {
  const out = new Uint8Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** What the page sends, in order (a text's `text` or a binary's generator); the server echoes each one. */
export const MESSAGES = [
  { type: 'text', text: 'Hello from Chromium, compressed' },
  { type: 'binary', seed: 0, length: 200 }, // bytes i = (i * 3) & 0xff, see messageData
  { type: 'text', text: 'ünïcödé ✓ 你好 🎉' },
  { type: 'text', seed: 0x2545f491, length: 3000 }, // 3000 characters of [A-Za-z0-9+/]
  { type: 'binary', seed: 0x9e3779b9, length: 70000 },
];
export const CLOSE = { code: 4002, reason: 'page done' };
export const SERVER_PING = 'server-ping';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** A message's data: a string for a text, a Uint8Array for a binary (the same code runs in the page). */
export function messageData(m) {
  if (m.type === 'text') {
    if (m.text !== undefined) return m.text;
    return Array.from(pseudoRandomBytes(m.seed, m.length), (b) => ALPHABET[b & 63]).join('');
  }
  if (m.seed === 0) return Uint8Array.from({ length: m.length }, (_, i) => (i * 3) & 0xff);
  return pseudoRandomBytes(m.seed, m.length);
}

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run the scenario through captures/gen/record.sh)`);
  return value;
};

const authority = (port, secure) => `${SNI}${port === (secure ? 443 : 80) ? '' : `:${port}`}`;

function page(name, port, secure) {
  const messages = JSON.stringify(MESSAGES).replace(/</g, '\\u003c');
  const url = `${secure ? 'wss' : 'ws'}://${authority(port, secure)}/ws`;
  return browserPage({
    title: name,
    declarations: [
      `const ALPHABET = ${JSON.stringify(ALPHABET)};`,
      pseudoRandomBytes.toString(),
      messageData.toString(),
      `const MESSAGES = ${messages};`,
      'const DATA = MESSAGES.map(messageData);',
      `const CLOSE = ${JSON.stringify(CLOSE)};`,
    ],
    url: JSON.stringify(url),
    item: 'const d = DATA[index];',
    send: "ws.send(typeof d === 'string' ? d : d.slice().buffer);",
    ok: `typeof d === 'string'
    ? typeof e.data === 'string' && e.data === d
    : e.data instanceof ArrayBuffer && same(new Uint8Array(e.data), d)`,
  });
}

/** Is `data` (as `ws` hands it over) the message `m` of MESSAGES? */
function sameMessage(m, data, isBinary) {
  const d = messageData(m);
  if (typeof d === 'string') return !isBinary && data.toString('utf8') === d;
  return isBinary && Buffer.from(data).equals(Buffer.from(d));
}

/**
 * Run the scenario `name`: with `tls` ({ options, expect: { version, cipher } },
 * options the Node tls options of the server: minVersion, maxVersion,
 * ciphers; expect what every TLS connection must have agreed, version as
 * getProtocol() and cipher as getCipher().standardName give them) over
 * wss://, without it over ws://.
 */
export async function run(name, { tls = null } = {}) {
  const { role, host, port, log, fail } = setup(name, { deadlineMs: 18000 });
  const secure = tls !== null;
  const origin = `${secure ? 'https' : 'http'}://${authority(port, secure)}`;
  if (role === 'server') {
    const { handler, track, httpServer, finish } = browserServer({ log, page: () => page(name, port, secure), alpn: secure });

    let server;
    if (secure) {
      const keylog = env('WSDISSECT_KEYLOG_SERVER');
      server = createHttpsServer({
        cert: readFileSync(env('WSDISSECT_TLS_CERT')),
        key: readFileSync(env('WSDISSECT_TLS_KEY')),
        ALPNProtocols: [ALPN],
        ...tls.options,
      }, handler);
      server.on('keylog', (line) => appendFileSync(keylog, line));
      server.on('secureConnection', (socket) => {
        const got = { version: socket.getProtocol(), cipher: socket.getCipher().standardName, sni: socket.servername, alpn: socket.alpnProtocol, resumed: socket.isSessionReused() };
        log(`TLS connection from port ${socket.remotePort}: ${JSON.stringify(got)}`);
        check(got.version === tls.expect.version, `version ${tls.expect.version} (got ${got.version})`);
        check(got.cipher === tls.expect.cipher, `cipher ${tls.expect.cipher} (got ${got.cipher})`);
        // (On a resumed TLS 1.2 session Node's servername is false: OpenSSL
        // keeps the name of the session, not the one this ClientHello sent.)
        if (!(got.resumed && got.version === 'TLSv1.2')) check(got.sni === SNI, `SNI ${SNI} (got ${got.sni})`);
        track(socket);
      });
      server.on('tlsClientError', (err, socket) => log(`TLS error from port ${socket.remotePort}: ${err.message}`));
    } else {
      server = httpServer();
    }
    server.on('error', fail);

    const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: { threshold: 0 } });
    watchUpgrades(wss, { log, fail });
    wss.on('connection', (ws, req) => {
      log(`WebSocket from port ${req.socket.remotePort}, extensions ${JSON.stringify(ws.extensions)}`);
      check(ws.extensions === 'permessage-deflate', `permessage-deflate (got ${JSON.stringify(ws.extensions)})`);
      if (secure) check(req.socket.alpnProtocol === ALPN, `ALPN ${ALPN} (got ${req.socket.alpnProtocol})`);
      echoPage(ws, { log, fail, messages: MESSAGES, same: sameMessage, compress: true, ping: SERVER_PING, close: CLOSE, done: () => finish(server) });
    });

    server.listen(port, host, ready);
  } else {
    const args = ['--ignore-certificate-errors', `--host-resolver-rules=MAP ${SNI} ${host}`];
    await runChromium({ log, fail, url: `${origin}/`, args, env: secure ? { SSLKEYLOGFILE: env('WSDISSECT_KEYLOG') } : {} });
  }
}
