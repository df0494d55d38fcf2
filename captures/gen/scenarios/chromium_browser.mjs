// What the headless Chromium scenarios share (chromium_deflate.mjs,
// chromium_wss.mjs and chromium_common.mjs, which runs chromium_tls1*_*.mjs
// and chromium_ws_plain.mjs): the page's skeleton, the server's page and
// /wait.gif, and the browser itself.
//
// The page (browserPage): an inline script opens a WebSocket, sends the
// scenario's messages one at a time, waits for each echo and compares it,
// 40 ms between steps, then closes with CLOSE and writes "RESULT ok" (or
// "RESULT FAILED: why") into the page. It names an empty data: icon, so
// there is no /favicon.ico request, and ends with an image, /wait.gif.
//
// The server (browserServer, and echoPage for the WebSocket):
//   GET /          the page;
//   GET /wait.gif  a 1x1 GIF, answered only once the WebSocket conversation
//                  is over (finish()): it holds the page's load event back,
//                  so that --dump-dom prints the page only then;
//   anything else  404.
//   finish() also waits until the browser has closed the connections the
//   server tracked (or 5 s), then closes the server and exits.
//
// The client (runChromium): `chromium --headless=new ... --dump-dom URL` in
// its own process group with a fresh profile (also its HOME); waits for it
// to exit by itself (killing the whole group after 15 s) and checks that the
// dumped page says "RESULT ok". Set WSDISSECT_CHROMIUM to use another
// binary.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep, check } from './lib.mjs';

// A 1x1 transparent GIF.
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * The page, as HTML. Its script is `declarations` (lines that define
 * MESSAGES, CLOSE and what else the scenario needs, before `result`),
 * `helpers` (lines after it), then the conversation: `url` (a JavaScript
 * expression) is the WebSocket's URL; for message `index`, `item` is the
 * line that picks it up (`const m = MESSAGES[index];`), `send` the line that
 * sends it and `ok` the expression (over e.data) that accepts its echo.
 */
export function browserPage({ title, declarations, helpers = [], url, item, send, ok }) {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>wsdissect ${title}</title>
<link rel="icon" href="data:,"></head>
<body>
<pre id="result">RESULT pending</pre>
<script>
${[...declarations, "const result = document.getElementById('result');", ...helpers].join('\n')}
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
let index = 0, failure = null;
const ws = new WebSocket(${url});
ws.binaryType = 'arraybuffer';
function sendNext() {
  if (index === MESSAGES.length) { ws.close(CLOSE.code, CLOSE.reason); return; }
  ${item}
  ${send}
}
ws.onopen = () => setTimeout(sendNext, 40);
ws.onmessage = (e) => {
  ${item}
  const ok = ${ok};
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

/**
 * The server's side of the page: `handler` for http(s).createServer, with
 * `page()` the page's HTML (made for each request) and, with `alpn`, the
 * ALPN protocol in the request's log line; `track(socket)` for each
 * connection the browser opens; `httpServer()`, an `http` server (ws://)
 * with that handler that tracks (and logs) every connection;
 * `finish(server)` once the conversation is over (see above).
 */
export function browserServer({ log, page, alpn = false }) {
  const sockets = new Set();
  let finished = false;
  const waiting = [];
  const sendGif = (res) => {
    res.writeHead(200, { 'Content-Type': 'image/gif', 'Content-Length': GIF.length, 'Cache-Control': 'no-store' });
    res.end(GIF);
  };
  const handler = (req, res) => {
    log(`request ${req.method} ${req.url} from port ${req.socket.remotePort}${alpn ? `, ALPN ${req.socket.alpnProtocol}` : ''}`);
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
  };
  const track = (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const httpServer = () => {
    const server = createHttpServer(handler);
    server.on('connection', (socket) => {
      log(`connection from port ${socket.remotePort}`);
      track(socket);
    });
    return server;
  };
  const finish = async (server) => {
    finished = true;
    waiting.splice(0).forEach(sendGif);
    // Let the browser dump the page and exit, closing its connections.
    for (let t = 0; t < 100 && sockets.size > 0; t++) await sleep(50);
    log(sockets.size === 0 ? 'the browser closed every connection' : `${sockets.size} connections left open`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  return { handler, track, httpServer, finish };
}

/**
 * The server's side of the page's WebSocket `ws`: with `ping`, ping the
 * browser once with that payload (Chromium answers by itself); check that
 * each message is the next of `messages` (`same(m, data, isBinary)`) and echo
 * it as it came (with `compress`, asking for compression); at the close,
 * check the pong, that every message came, and the close code and reason
 * (`close`), then `done()`.
 */
export function echoPage(ws, { log, fail, messages, same, compress = false, ping, close, done }) {
  let index = 0;
  let ponged = false;
  ws.on('error', fail);
  if (ping !== undefined) {
    ws.on('pong', (data) => {
      log('pong', JSON.stringify(data.toString()));
      ponged = data.toString() === ping;
    });
    ws.ping(ping);
  }
  ws.on('message', (data, isBinary) => {
    const m = messages[index++];
    check(m !== undefined, `unexpected message #${index}`);
    check(same(m, data, isBinary), `page message #${index}`);
    ws.send(data, compress ? { binary: isBinary, compress: true } : { binary: isBinary });
  });
  ws.on('close', async (code, reason) => {
    log('closed', code, reason.toString(), `after ${index} messages`);
    if (ping !== undefined) check(ponged, 'the browser answered the ping');
    check(index === messages.length, 'every message received');
    check(code === close.code && reason.toString() === close.reason, `close ${close.code}`);
    await done();
  });
}

/** Log the upgrade request's headers and the 101's, and fail on the WebSocketServer's errors. */
export function watchUpgrades(wss, { log, fail }) {
  wss.on('error', fail);
  wss.on('headers', (headers, req) => {
    log('upgrade request headers:', JSON.stringify(req.rawHeaders));
    log('101 response headers:', JSON.stringify(headers));
  });
}

/**
 * The client: run Chromium on `url` (see above), with `args` before its
 * --user-data-dir and `env` added to its environment (SSLKEYLOGFILE, shown
 * in the log line), then exit.
 */
export async function runChromium({ log, fail, url, args: extraArgs = [], env = {} }) {
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
    ...extraArgs,
    `--user-data-dir=${profile}`,
    '--dump-dom',
    url,
  ];
  log(`running ${env.SSLKEYLOGFILE ? 'SSLKEYLOGFILE=… ' : ''}${binary} ${args.join(' ')}`);
  const child = spawn(binary, args, {
    detached: true, // own process group, so that every helper process can be killed
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: profile, ...env },
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
