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
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { setup, sleep, ready, check } from './lib.mjs';
import { CHROMIUM, expectedForm, samePayload } from './deflate_data.mjs';

const { role, host, port, log, fail } = setup('chromium_deflate', { deadlineMs: 18000 });
const { steps, close } = CHROMIUM;
const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

// A 1x1 transparent GIF.
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

function page() {
  const messages = JSON.stringify(steps.map((s) => expectedForm(s.client))).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>wsdissect chromium_deflate</title>
<link rel="icon" href="data:,"></head>
<body>
<pre id="result">RESULT pending</pre>
<script>
const MESSAGES = ${messages};
const CLOSE = ${JSON.stringify(close)};
const result = document.getElementById('result');
const bytesOf = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
let index = 0, failure = null;
const ws = new WebSocket('ws://' + location.host + '/ws');
ws.binaryType = 'arraybuffer';
function sendNext() {
  if (index === MESSAGES.length) { ws.close(CLOSE.code, CLOSE.reason); return; }
  const m = MESSAGES[index];
  ws.send(m.type === 'text' ? m.text : bytesOf(m.base64).buffer);
}
ws.onopen = () => setTimeout(sendNext, 40);
ws.onmessage = (e) => {
  const m = MESSAGES[index];
  const ok = m.type === 'text'
    ? typeof e.data === 'string' && e.data === m.text
    : e.data instanceof ArrayBuffer && same(new Uint8Array(e.data), bytesOf(m.base64));
  if (!ok && !failure) failure = 'echo ' + (index + 1) + ' differs';
  index++;
  setTimeout(sendNext, 40);
};
ws.onerror = () => { failure = failure || 'error event'; };
ws.onclose = (e) => {
  if (!failure && !(e.wasClean && e.code === CLOSE.code && index === MESSAGES.length))
    failure = 'close ' + e.code + ' clean=' + e.wasClean + ' after ' + index;
  result.textContent = failure ? 'RESULT FAILED: ' + failure : 'RESULT ok';
  document.title = 'done';
};
</script>
<img src="/wait.gif" alt="">
</body></html>
`;
}

if (role === 'server') {
  const sockets = new Set();
  let finished = false;
  const waiting = [];
  const sendGif = (res) => {
    res.writeHead(200, { 'Content-Type': 'image/gif', 'Content-Length': GIF.length, 'Cache-Control': 'no-store' });
    res.end(GIF);
  };

  const server = createServer((req, res) => {
    log(`request ${req.method} ${req.url} from port ${req.socket.remotePort}`);
    if (req.method === 'GET' && req.url === '/') {
      const body = Buffer.from(page(), 'utf8');
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store' });
      res.end(body);
    } else if (req.method === 'GET' && req.url === '/wait.gif') {
      if (finished) sendGif(res);
      else waiting.push(res);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': 9 });
      res.end('not found');
    }
  });
  server.on('connection', (socket) => {
    log(`connection from port ${socket.remotePort}`);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('error', fail);

  const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: { threshold: 0 } });
  wss.on('error', fail);
  wss.on('headers', (headers, req) => {
    log('upgrade request headers:', JSON.stringify(req.rawHeaders));
    log('101 response headers:', JSON.stringify(headers));
  });
  wss.on('connection', (ws, req) => {
    log(`WebSocket from port ${req.socket.remotePort}`);
    let index = 0;
    ws.on('error', fail);
    ws.on('message', (data, isBinary) => {
      const step = steps[index++];
      check(step !== undefined, `unexpected message #${index}`);
      check(samePayload(step.client, data, isBinary), `page message #${index}`);
      ws.send(data, { binary: isBinary, compress: true });
    });
    ws.on('close', async (code, reason) => {
      log('closed', code, reason.toString(), `after ${index} messages`);
      check(index === steps.length, 'every message received');
      check(code === close.code && reason.toString() === close.reason, `close ${close.code}`);
      finished = true;
      waiting.splice(0).forEach(sendGif);
      // Let the browser dump the page and exit, closing its connections.
      for (let t = 0; t < 100 && sockets.size > 0; t++) await sleep(50);
      log(sockets.size === 0 ? 'the browser closed every connection' : `${sockets.size} connections left open`);
      server.close(() => process.exit(0));
      server.closeAllConnections();
    });
  });

  server.listen(port, host, ready);
} else {
  const profile = mkdtempSync(join(tmpdir(), 'wsdissect-chromium-'));
  const binary = process.env.WSDISSECT_CHROMIUM || 'chromium';
  const args = [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-extensions',
    '--disable-default-apps',
    '--disable-breakpad',
    '--disable-crash-reporter',
    `--user-data-dir=${profile}`,
    '--dump-dom',
    `${origin}/`,
  ];
  log(`running ${binary} ${args.join(' ')}`);
  const child = spawn(binary, args, {
    detached: true, // own process group, so that every helper process can be killed
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: profile },
  });
  child.on('error', (err) => fail(`cannot run ${binary}: ${err.message} (apt-get install chromium, or set WSDISSECT_CHROMIUM)`));
  const killGroup = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.on('exit', () => {
    killGroup();
    rmSync(profile, { recursive: true, force: true });
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => {
    log('chromium did not exit within 15 s; killing it');
    killGroup();
  }, 15000);
  const [code, signal] = await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  // Helpers of the browser (zygote, renderer, utility) left behind, if any.
  killGroup();
  const result = /RESULT [^<]*/.exec(stdout)?.[0];
  log(`chromium exited with ${code ?? signal}; page says ${JSON.stringify(result)}`);
  if (result !== 'RESULT ok') {
    log('chromium stderr:\n' + stderr);
    fail('the page did not report success');
  }
  process.exit(0);
}
