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
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { setup, sleep, ready, check } from './lib.mjs';

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

// A 1x1 transparent GIF.
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

function page(port) {
  const messages = JSON.stringify(MESSAGES).replace(/</g, '\\u003c');
  const url = `wss://${SNI}${port === 443 ? '' : `:${port}`}/ws`;
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>wsdissect chromium_wss</title>
<link rel="icon" href="data:,"></head>
<body>
<pre id="result">RESULT pending</pre>
<script>
const MESSAGES = ${messages};
const CLOSE = ${JSON.stringify(CLOSE)};
const result = document.getElementById('result');
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
let index = 0, failure = null;
const ws = new WebSocket(${JSON.stringify(url)});
ws.binaryType = 'arraybuffer';
function sendNext() {
  if (index === MESSAGES.length) { ws.close(CLOSE.code, CLOSE.reason); return; }
  const m = MESSAGES[index];
  ws.send(m.type === 'text' ? m.text : new Uint8Array(m.bytes).buffer);
}
ws.onopen = () => setTimeout(sendNext, 40);
ws.onmessage = (e) => {
  const m = MESSAGES[index];
  const ok = m.type === 'text'
    ? typeof e.data === 'string' && e.data === m.text
    : e.data instanceof ArrayBuffer && same(Array.from(new Uint8Array(e.data)), m.bytes);
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

/** Is `data` (as `ws` hands it over) the message `m` of MESSAGES? */
function sameMessage(m, data, isBinary) {
  if (m.type === 'text') return !isBinary && data.toString('utf8') === m.text;
  return isBinary && Buffer.from(data).equals(Buffer.from(m.bytes));
}

const main = async () => {
  const { role, host, port, log, fail } = setup('chromium_wss', { deadlineMs: 18000 });
  if (role === 'server') {
    const keylog = env('WSDISSECT_KEYLOG_SERVER');
    const sockets = new Set();
    let finished = false;
    const waiting = [];
    const sendGif = (res) => {
      res.writeHead(200, { 'Content-Type': 'image/gif', 'Content-Length': GIF.length, 'Cache-Control': 'no-store' });
      res.end(GIF);
    };

    const server = createServer({
      cert: readFileSync(env('WSDISSECT_TLS_CERT')),
      key: readFileSync(env('WSDISSECT_TLS_KEY')),
      minVersion: 'TLSv1.3',
      ALPNProtocols: ['http/1.1'],
    }, (req, res) => {
      log(`request ${req.method} ${req.url} from port ${req.socket.remotePort}, ALPN ${req.socket.alpnProtocol}`);
      if (req.method === 'GET' && req.url === '/') {
        const body = Buffer.from(page(port), 'utf8');
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
    server.on('keylog', (line) => appendFileSync(keylog, line));
    server.on('secureConnection', (socket) => {
      log(`TLS connection from port ${socket.remotePort}: ${socket.getProtocol()} ${socket.getCipher().standardName}, SNI ${socket.servername}, ALPN ${socket.alpnProtocol}`);
      check(socket.getProtocol() === 'TLSv1.3', 'TLS 1.3');
      check(socket.servername === SNI, `SNI ${SNI}`);
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.on('tlsClientError', (err, socket) => log(`TLS error from port ${socket.remotePort}: ${err.message}`));
    server.on('error', fail);

    const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false });
    wss.on('error', fail);
    wss.on('headers', (headers, req) => {
      log('upgrade request headers:', JSON.stringify(req.rawHeaders));
      log('101 response headers:', JSON.stringify(headers));
    });
    wss.on('connection', (ws, req) => {
      log(`WebSocket from port ${req.socket.remotePort}`);
      let index = 0;
      let ponged = false;
      ws.on('error', fail);
      ws.on('pong', (data) => {
        log('pong', JSON.stringify(data.toString()));
        ponged = data.toString() === SERVER_PING;
      });
      ws.ping(SERVER_PING);
      ws.on('message', (data, isBinary) => {
        const m = MESSAGES[index++];
        check(m !== undefined, `unexpected message #${index}`);
        check(sameMessage(m, data, isBinary), `page message #${index}`);
        ws.send(data, { binary: isBinary });
      });
      ws.on('close', async (code, reason) => {
        log('closed', code, reason.toString(), `after ${index} messages`);
        check(ponged, 'the browser answered the ping');
        check(index === MESSAGES.length, 'every message received');
        check(code === CLOSE.code && reason.toString() === CLOSE.reason, `close ${CLOSE.code}`);
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
      '--ignore-certificate-errors',
      `--host-resolver-rules=MAP ${SNI} ${host}`,
      `--user-data-dir=${profile}`,
      '--dump-dom',
      `https://${SNI}${port === 443 ? '' : `:${port}`}/`,
    ];
    log(`running SSLKEYLOGFILE=… ${binary} ${args.join(' ')}`);
    const child = spawn(binary, args, {
      detached: true, // own process group, so that every helper process can be killed
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HOME: profile, SSLKEYLOGFILE: env('WSDISSECT_KEYLOG') },
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
};

await main();
