// chromium_deflate: a real browser (Debian's Chromium, headless) talks to a
// `ws` server with permessage-deflate. Both directions are compressed.
//
// server: one Node `http` server on PORT serves
//   GET /          a page whose inline script opens
//                  new WebSocket('ws://HOST:PORT/ws'), sends the messages of
//                  deflate_data.mjs CHROMIUM_MESSAGES one at a time (texts as
//                  strings, the binary one as an ArrayBuffer), waits for each
//                  echo and compares it, 40 ms between steps, then closes with
//                  1000 "page done" and writes "RESULT ok" into the page;
//   GET /wait.gif  an image at the end of the page, answered only once the
//                  WebSocket conversation is over: it holds the page's load
//                  event back, so that --dump-dom prints the page only then;
//   GET /ws        the WebSocket upgrade, handled by a `ws` WebSocketServer
//                  with perMessageDeflate { threshold: 0 } that echoes every
//                  message (compressed: context takeover, 15-bit windows).
//   It exits once the browser has closed its connections after the
//   conversation (or 5 s later).
// client: starts `chromium --headless=new --dump-dom ... http://HOST:PORT/`
//   in its own process group, waits for it to exit by itself (killing the
//   whole group after 15 s) and checks that the dumped page says "RESULT ok".
//   Set WSDISSECT_CHROMIUM to use another binary.
//
// Chromium offers "permessage-deflate; client_max_window_bits"; the server
// answers "permessage-deflate". The page is fetched over its own TCP
// connection (which also carries /wait.gif; the page names an empty data:
// icon, so there is no /favicon.ico request); Chromium opens a separate
// connection for the WebSocket, and one more that it never uses.
//
// The page's skeleton, the serving of / and /wait.gif and the running of
// Chromium are those of chromium_browser.mjs.
import { WebSocketServer } from 'ws';
import { setup, ready } from './lib.mjs';
import { CHROMIUM, expectedForm, samePayload } from './deflate_data.mjs';
import { browserPage, browserServer, echoPage, watchUpgrades, runChromium } from './chromium_browser.mjs';

const { role, host, port, log, fail } = setup('chromium_deflate', { deadlineMs: 18000 });
const { steps, close } = CHROMIUM;
const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

function page() {
  const messages = JSON.stringify(steps.map((s) => expectedForm(s.client))).replace(/</g, '\\u003c');
  return browserPage({
    title: 'chromium_deflate',
    declarations: [`const MESSAGES = ${messages};`, `const CLOSE = ${JSON.stringify(close)};`],
    helpers: ["const bytesOf = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));"],
    url: "'ws://' + location.host + '/ws'",
    item: 'const m = MESSAGES[index];',
    send: "ws.send(m.type === 'text' ? m.text : bytesOf(m.base64).buffer);",
    ok: `m.type === 'text'
    ? typeof e.data === 'string' && e.data === m.text
    : e.data instanceof ArrayBuffer && same(new Uint8Array(e.data), bytesOf(m.base64))`,
  });
}

if (role === 'server') {
  const { httpServer, finish } = browserServer({ log, page });
  const server = httpServer();
  server.on('error', fail);

  const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: { threshold: 0 } });
  watchUpgrades(wss, { log, fail });
  wss.on('connection', (ws, req) => {
    log(`WebSocket from port ${req.socket.remotePort}`);
    const same = (step, data, isBinary) => samePayload(step.client, data, isBinary);
    echoPage(ws, { log, fail, messages: steps, same, compress: true, close, done: () => finish(server) });
  });

  server.listen(port, host, ready);
} else {
  await runChromium({ log, fail, url: `${origin}/` });
}
