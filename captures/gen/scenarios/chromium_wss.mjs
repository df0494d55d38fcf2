// chromium_wss: a real browser (Debian's Chromium, headless) talks wss:// to a
// Node `https` server with a `ws` server, and Chromium itself writes the TLS
// session keys (SSLKEYLOGFILE in its environment).
//
// server: one Node `https` server on PORT (TLS 1.3 only, ALPN "http/1.1" only,
// so that Chromium fetches the page over HTTP/1.1 and not HTTP/2) serves
//   GET /          a page whose inline script opens
//                  new WebSocket('wss://wss.test/ws'), sends the MESSAGES
//                  one at a time (texts as strings, the binary one as an
//                  ArrayBuffer), waits for each echo and compares it, 40 ms
//                  between steps, then closes with CLOSE and writes
//                  "RESULT ok" into the page;
//   GET /wait.gif  an image at the end of the page, answered only once the
//                  WebSocket conversation is over: it holds the page's load
//                  event back, so that --dump-dom prints the page only then;
//   GET /ws        the WebSocket upgrade, handled by a `ws` WebSocketServer
//                  without permessage-deflate (Chromium offers it, the 101
//                  has no Sec-WebSocket-Extensions): it pings the browser
//                  once ("server-ping", answered by Chromium by itself), then
//                  echoes every message.
//   It appends the lines of its 'keylog' event (every TLS connection it
//   accepted) to WSDISSECT_KEYLOG_SERVER, and exits once the browser has
//   closed its connections after the conversation (or 5 s later).
// client: starts `chromium --headless=new --dump-dom ... https://wss.test/`
//   with SSLKEYLOGFILE=WSDISSECT_KEYLOG in its environment,
//   --host-resolver-rules mapping wss.test to HOST (so the TLS SNI and the
//   Host header say wss.test) and --ignore-certificate-errors (the
//   certificate is self-signed), in its own process group; waits for it to
//   exit by itself (killing the whole group after 15 s) and checks that the
//   dumped page says "RESULT ok". Set WSDISSECT_CHROMIUM to use another binary.
//
// The page is fetched over its own TCP connection (which also carries
// /wait.gif; the page names an empty data: icon, so there is no
// /favicon.ico request); the WebSocket has a connection of its own. The key
// log Chromium writes holds the lines of every TLS connection it made (the
// page's and the WebSocket's, each with its own client random).
//
// The page's skeleton, the serving of / and /wait.gif and the running of
// Chromium are those of chromium_browser.mjs.
import { appendFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { WebSocketServer } from 'ws';
import { setup, ready, check } from './lib.mjs';
import { browserPage, browserServer, echoPage, watchUpgrades, runChromium } from './chromium_browser.mjs';

export const SNI = 'wss.test';
/** What the page sends, in order; the server echoes each one as it came. */
export const MESSAGES = [
  { type: 'text', text: 'Hello from Chromium over wss://' },
  { type: 'binary', bytes: Array.from({ length: 200 }, (_, i) => (i * 3) & 0xff) },
  { type: 'text', text: 'ünïcödé ✓ 你好 🎉' },
  { type: 'text', text: 'wss '.repeat(300).trimEnd() },
];
export const CLOSE = { code: 4001, reason: 'page done' };
export const SERVER_PING = 'server-ping';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run the scenario through captures/gen/record.sh)`);
  return value;
};

function page(port) {
  const messages = JSON.stringify(MESSAGES).replace(/</g, '\\u003c');
  const url = `wss://${SNI}${port === 443 ? '' : `:${port}`}/ws`;
  return browserPage({
    title: 'chromium_wss',
    declarations: [`const MESSAGES = ${messages};`, `const CLOSE = ${JSON.stringify(CLOSE)};`],
    url: JSON.stringify(url),
    item: 'const m = MESSAGES[index];',
    send: "ws.send(m.type === 'text' ? m.text : new Uint8Array(m.bytes).buffer);",
    ok: `m.type === 'text'
    ? typeof e.data === 'string' && e.data === m.text
    : e.data instanceof ArrayBuffer && same(Array.from(new Uint8Array(e.data)), m.bytes)`,
  });
}

/** Is `data` (as `ws` hands it over) the message `m` of MESSAGES? */
function sameMessage(m, data, isBinary) {
  if (m.type === 'text') return !isBinary && data.toString('utf8') === m.text;
  return isBinary && Buffer.from(data).equals(Buffer.from(m.bytes));
}

const main = async () => {
  const { role, host, port, log, fail } = setup('chromium_wss', { deadlineMs: 18000 });
  if (role === 'server') {
    const keylog = env('WSDISSECT_KEYLOG_SERVER');
    const { handler, track, finish } = browserServer({ log, page: () => page(port), alpn: true });

    const server = createServer({
      cert: readFileSync(env('WSDISSECT_TLS_CERT')),
      key: readFileSync(env('WSDISSECT_TLS_KEY')),
      minVersion: 'TLSv1.3',
      ALPNProtocols: ['http/1.1'],
    }, handler);
    server.on('keylog', (line) => appendFileSync(keylog, line));
    server.on('secureConnection', (socket) => {
      log(`TLS connection from port ${socket.remotePort}: ${socket.getProtocol()} ${socket.getCipher().standardName}, SNI ${socket.servername}, ALPN ${socket.alpnProtocol}`);
      check(socket.getProtocol() === 'TLSv1.3', 'TLS 1.3');
      check(socket.servername === SNI, `SNI ${SNI}`);
      track(socket);
    });
    server.on('tlsClientError', (err, socket) => log(`TLS error from port ${socket.remotePort}: ${err.message}`));
    server.on('error', fail);

    const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false });
    watchUpgrades(wss, { log, fail });
    wss.on('connection', (ws, req) => {
      log(`WebSocket from port ${req.socket.remotePort}`);
      echoPage(ws, { log, fail, messages: MESSAGES, same: sameMessage, ping: SERVER_PING, close: CLOSE, done: () => finish(server) });
    });

    server.listen(port, host, ready);
  } else {
    await runChromium({
      log,
      fail,
      url: `https://${SNI}${port === 443 ? '' : `:${port}`}/`,
      args: ['--ignore-certificate-errors', `--host-resolver-rules=MAP ${SNI} ${host}`],
      env: { SSLKEYLOGFILE: env('WSDISSECT_KEYLOG') },
    });
  }
};

await main();
