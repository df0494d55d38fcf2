// ws_rejected_403: the `ws` server refuses the upgrade with HTTP 403.
//
// The client sends an otherwise valid upgrade request with
// "Origin: http://evil.example"; the server's verifyClient rejects it, so ws
// answers "HTTP/1.1 403 Forbidden" with Connection: close, Content-Type:
// text/html, Content-Length: 18 and the body "Origin not allowed", then ends
// the connection. The client reads the whole response and closes its side.
// No WebSocket frame is ever sent.
import http from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { setup, ready, check, refusal, hangUp } from './lib.mjs';

const { role, host, port, log, fail, url } = setup('ws_rejected_403');
const ALLOWED = 'http://good.example';
const BODY = 'Origin not allowed';

if (role === 'server') {
  const wss = new WebSocketServer({
    host,
    port,
    perMessageDeflate: false,
    verifyClient: ({ origin }, done) => {
      log('origin', origin);
      done(origin === ALLOWED, 403, BODY);
    },
  });
  wss.on('listening', ready);
  wss.on('error', fail);
  wss.on('connection', () => fail('the upgrade should have been refused'));
  // Exit once the refused connection has been closed by both sides.
  wss._server.on('connection', (socket) => {
    socket.on('close', () => wss.close(() => process.exit(0)));
  });
} else {
  const ws = new WebSocket(url('/private'), {
    perMessageDeflate: false,
    origin: 'http://evil.example',
  });
  const { req, res, body } = await refusal(ws, fail);
  log('refused:', res.statusCode, res.statusMessage, JSON.stringify(body));
  check(res.statusCode === 403 && body === BODY, '403 with body');
  // The server has already half-closed; close our side of the TCP connection.
  await hangUp(req);
  process.exit(0);
}
