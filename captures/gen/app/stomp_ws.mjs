// app/stomp_ws: STOMP over a plain WebSocket.
//   server: stomp-broker-js (its own `ws` 5.2.8 WebSocketServer on an http
//           server, path /stomp, heartbeat [1000, 1000])
//   client: @stomp/stompjs Client whose webSocketFactory makes a `ws` 8
//           WebSocket offering v12.stomp, v11.stomp, v10.stomp (stompjs's
//           own list, as with brokerURL)
//
// Conversation (client C, broker B), every STOMP frame in its own text
// WebSocket message:
//   C: CONNECT accept-version:1.2,1.1,1.0 heart-beat:1000,1000
//   B: CONNECTED session:session-1 server:STOMP-JS/1.3.0 heart-beat:0,1000 version:1.1
//      (the broker takes the client->server direction only, so from now on
//      the client sends a heart-beat, a bare "\n" message, every 1000 ms)
//   C: SUBSCRIBE id:sub-0 destination:/topic/greetings
//   C: SEND destination:/app/hello content-type:application/json  {"name":"Ada"}
//   B: MESSAGE destination:/topic/greetings message-id:msg-1 ...  {"greeting":"Hello, Ada!"}
//      (the broker's own subscription to /app/hello answers on /topic/greetings)
//   C: SEND destination:/app/hello content-type:text/plain  Hello again
//   B: MESSAGE destination:/topic/greetings message-id:msg-2 ...  echo: Hello again
//   C: "\n" heart-beat, twice (about 1 s and 2 s after CONNECTED)
//   C: UNSUBSCRIBE id:sub-0
//   C: DISCONNECT receipt:close-1     B: RECEIPT receipt-id:close-1
//   C: Close (no status code)         B: Close (echo, no status code)
//   (ws ends the TCP connection on both sides once a side has sent and
//   received a Close; in the committed capture the broker's FIN comes first.)
import { createRequire } from 'node:module';
import http from 'node:http';
import { WebSocket } from 'ws';
import { Client, Versions } from '@stomp/stompjs';
import { setup, sleep, ready, check } from '../scenarios/lib.mjs';

const require = createRequire(import.meta.url);
const { role, host, port, log, fail, url } = setup('stomp_ws');

if (role === 'server') {
  const StompServer = require('stomp-broker-js');
  const server = http.createServer();
  const broker = new StompServer({ server, path: '/stomp', heartbeat: [1000, 1000] });
  // A fixed session id instead of the library's random one.
  broker.addMiddleware('connect', (socket, args, next) => {
    socket.sessionId = 'session-1';
    return next();
  });
  let messageId = 0;
  broker.subscribe(
    '/app/hello',
    (body, headers) => {
      log('app/hello got', headers['content-type'], JSON.stringify(body));
      const out = { destination: '/topic/greetings', 'message-id': `msg-${++messageId}` };
      if (headers['content-type'] === 'application/json') {
        const { name } = JSON.parse(body);
        broker.send('/topic/greetings', { ...out, 'content-type': 'application/json' },
          JSON.stringify({ greeting: `Hello, ${name}!` }));
      } else {
        broker.send('/topic/greetings', { ...out, 'content-type': 'text/plain' }, `echo: ${body}`);
      }
    },
    { id: 'app-hello' },
  );
  broker.on('error', fail);
  broker.socket.on('connection', (ws) => {
    log('connection, subprotocol', ws.protocol);
    ws.on('close', (code) => {
      log('closed', code);
      check(messageId === 2, 'two messages answered');
      server.close(() => process.exit(0));
    });
  });
  server.on('error', fail);
  server.listen(port, host, ready);
} else {
  let pings = 0;
  const messages = [];
  let onMessage = () => {};
  const client = new Client({
    webSocketFactory: () => new WebSocket(url('/stomp'), Versions.default.protocolVersions()),
    heartbeatIncoming: 1000,
    heartbeatOutgoing: 1000,
    reconnectDelay: 0,
    debug: (text) => {
      if (text === '>>> PING') pings++;
    },
    onStompError: (frame) => fail(`STOMP ERROR ${frame.headers.message}`),
    onWebSocketError: (event) => fail(event.message ?? 'WebSocket error'),
  });
  const connected = new Promise((resolve) => (client.onConnect = resolve));
  const closed = new Promise((resolve) => (client.onWebSocketClose = resolve));
  const nextMessage = () => new Promise((resolve) => (onMessage = resolve));
  client.activate();
  const frame = await connected;
  log('CONNECTED', JSON.stringify(frame.headers));
  check(frame.headers['heart-beat'] === '0,1000', 'heart-beat 0,1000');
  await sleep(100);

  const sub = client.subscribe('/topic/greetings', (message) => {
    messages.push(message);
    onMessage(message);
  });
  await sleep(100);

  let got = nextMessage();
  client.publish({
    destination: '/app/hello',
    body: JSON.stringify({ name: 'Ada' }),
    headers: { 'content-type': 'application/json' },
  });
  let message = await got;
  check(message.body === '{"greeting":"Hello, Ada!"}', 'JSON greeting');
  await sleep(100);

  got = nextMessage();
  client.publish({ destination: '/app/hello', body: 'Hello again', headers: { 'content-type': 'text/plain' } });
  message = await got;
  check(message.body === 'echo: Hello again', 'text echo');

  // Two client heart-beats, then a little quiet before leaving.
  while (pings < 2) await sleep(20);
  await sleep(200);
  sub.unsubscribe();
  await sleep(100);

  const disconnected = new Promise((resolve) => (client.onDisconnect = resolve));
  client.deactivate();
  const receipt = await disconnected;
  log('RECEIPT', JSON.stringify(receipt.headers));
  const event = await closed;
  log('closed', event.code, 'heart-beats sent', pings, 'messages', messages.length);
  check(pings === 2 && messages.length === 2, 'two heart-beats and two messages');
  process.exit(0);
}
