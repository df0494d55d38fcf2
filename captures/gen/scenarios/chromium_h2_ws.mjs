// chromium_h2_ws: a real browser (Debian's Chromium, headless) opens two
// WebSockets over the HTTP/2 connection of its page (RFC 8441, extended
// CONNECT), over TLS 1.3, and writes the TLS session keys itself
// (SSLKEYLOGFILE): captures/tls/chromium_h2_ws.pcap and .keys.
//
// server: one Node http2.createSecureServer on PORT (ALPN "h2" only,
// allowHTTP1: false, TLS 1.3, settings { enableConnectProtocol: true }, so
// that Chromium may send an extended CONNECT on the connection it already
// has) answers on its streams:
//   GET /          the page (BROWSER_PAGE in h2_common.mjs): its inline
//                  script opens new WebSocket('wss://wss.test/chat',
//                  'chat.v1') and new WebSocket('wss://wss.test/echo') on
//                  the page's origin, sends BROWSER.chat.messages and
//                  BROWSER.echo.messages (alternately, one at a time,
//                  waiting for each echo, 40 ms between steps), then closes
//                  the first with BROWSER.chat.close, the second with
//                  BROWSER.echo.close, and writes "RESULT ok" into the page;
//   GET /wait.gif  an image at the end of the page, answered only once both
//                  WebSockets are closed: it holds the page's load event
//                  back, so that --dump-dom prints the page only then;
//   CONNECT :protocol websocket /chat and /echo
//                  the WebSockets: /chat agrees subprotocol chat.v1, /echo
//                  permessage-deflate (ws's accept of Chromium's offer,
//                  { threshold: 0 }: every message compressed both ways);
//                  the frames are ws's (see h2_common.mjs), each message
//                  echoed as it came;
//   anything else  404.
//   It appends the lines of its 'keylog' event to WSDISSECT_KEYLOG_SERVER,
//   checks that the WebSockets came as extended CONNECTs on the page's own
//   HTTP/2 session, and exits once the browser has closed its connections
//   (or 5 s later).
// client: runChromium of chromium_browser.mjs on https://wss.test/ with
//   SSLKEYLOGFILE=WSDISSECT_KEYLOG, --host-resolver-rules mapping wss.test
//   to HOST and --ignore-certificate-errors.
import { appendFileSync, readFileSync } from 'node:fs';
import http2 from 'node:http2';
import { setup, ready, check, sleep } from './lib.mjs';
import { runChromium } from './chromium_browser.mjs';
import { SNI, ALPN, BROWSER, browserPage, browserMessage, acceptWebSocket } from './h2_common.mjs';

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run the scenario through captures/gen/record.sh)`);
  return value;
};

const { role, host, port, log, fail } = setup('chromium_h2_ws', { deadlineMs: 18000 });
const authority = `${SNI}${port === 443 ? '' : `:${port}`}`;

if (role === 'server') {
  const keylog = env('WSDISSECT_KEYLOG_SERVER');
  const server = http2.createSecureServer({
    cert: readFileSync(env('WSDISSECT_TLS_CERT')),
    key: readFileSync(env('WSDISSECT_TLS_KEY')),
    minVersion: 'TLSv1.3',
    allowHTTP1: false,
    settings: { enableConnectProtocol: true },
  });
  server.on('keylog', (line) => appendFileSync(keylog, line));
  server.on('secureConnection', (socket) => {
    const got = { version: socket.getProtocol(), cipher: socket.getCipher().standardName, sni: socket.servername, alpn: socket.alpnProtocol };
    log(`TLS connection from port ${socket.remotePort}: ${JSON.stringify(got)}`);
    check(got.version === 'TLSv1.3', 'TLS 1.3');
  });
  server.on('tlsClientError', (err, socket) => log(`TLS error from port ${socket.remotePort}: ${err.message}`));
  server.on('error', fail);

  const sessions = new Set();
  server.on('session', (session) => {
    sessions.add(session);
    log(`HTTP/2 session from port ${session.socket.remotePort}`);
    session.on('error', (err) => log(`session error: ${err.message}`));
    session.on('close', () => sessions.delete(session));
  });

  let pageSession = null;
  const waiting = [];
  const closed = new Set();
  let finished = false;
  const sendGif = (stream) => {
    stream.respond({ ':status': 200, 'content-type': 'image/gif', 'content-length': GIF.length, 'cache-control': 'no-store' });
    stream.end(GIF);
  };
  const finish = async () => {
    finished = true;
    waiting.splice(0).forEach(sendGif);
    for (let t = 0; t < 100 && sessions.size > 0; t++) await sleep(50);
    log(sessions.size === 0 ? 'the browser closed every connection' : `${sessions.size} sessions left open`);
    for (const s of sessions) s.destroy();
    server.close(() => process.exit(0));
  };

  server.on('stream', (stream, headers) => {
    const method = headers[':method'];
    const path = headers[':path'];
    const from = stream.session.socket.remotePort;
    log(`stream ${stream.id} from port ${from}: ${method} ${path}${headers[':protocol'] ? ` :protocol ${headers[':protocol']}` : ''}`);
    stream.on('error', (err) => log(`stream ${stream.id} error: ${err.message}`));
    if (method === 'GET' && path === '/') {
      pageSession = stream.session;
      const body = Buffer.from(browserPage(authority), 'utf8');
      stream.respond({ ':status': 200, 'content-type': 'text/html; charset=utf-8', 'content-length': body.length, 'cache-control': 'no-store' });
      stream.end(body);
    } else if (method === 'GET' && path === '/wait.gif') {
      if (finished) sendGif(stream);
      else waiting.push(stream);
    } else if (method === 'CONNECT' && headers[':protocol'] === 'websocket') {
      log('extended CONNECT headers:', JSON.stringify(headers));
      const which = Object.keys(BROWSER).find((k) => BROWSER[k].path === path);
      check(which !== undefined, `a WebSocket path (got ${path})`);
      check(stream.session === pageSession, 'the WebSocket shares the page\'s HTTP/2 session');
      const spec = BROWSER[which];
      const ws = acceptWebSocket(stream, headers, spec, log);
      ws.on('error', fail);
      let index = 0;
      ws.on('message', (data, isBinary) => {
        const m = spec.messages[index++];
        check(m !== undefined, `${which}: unexpected message #${index}`);
        const d = browserMessage(m);
        check(typeof d === 'string' ? !isBinary && Buffer.from(data).toString('utf8') === d : isBinary && Buffer.from(data).equals(Buffer.from(d)), `${which}: message #${index}`);
        ws.send(data, { binary: isBinary, compress: true });
      });
      ws.on('close', (code, reason) => {
        log(`${which} closed`, code, reason.toString(), `after ${index} messages`);
        check(index === spec.messages.length, `${which}: every message`);
        check(code === spec.close.code && reason.toString() === spec.close.reason, `${which}: close ${spec.close.code}`);
        closed.add(which);
        if (closed.size === Object.keys(BROWSER).length) finish().catch(fail);
      });
    } else {
      stream.respond({ ':status': 404, 'content-type': 'text/plain', 'content-length': 9 });
      stream.end('not found');
    }
  });
  server.listen(port, host, ready);
} else {
  await runChromium({
    log,
    fail,
    url: `https://${authority}/`,
    args: ['--ignore-certificate-errors', `--host-resolver-rules=MAP ${SNI} ${host}`],
    env: { SSLKEYLOGFILE: env('WSDISSECT_KEYLOG') },
  });
}
