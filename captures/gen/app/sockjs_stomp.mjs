// app/sockjs_stomp: STOMP over SockJS (websocket transport only).
//   server: an http server with a `sockjs` 0.3.24 server (prefix /stomp,
//           heartbeat_delay 1000 ms; its WebSocket side is faye-websocket)
//           carrying stomp-broker-js 1.3.0
//   client: sockjs-client 1.6.1 in Node (transports: ['websocket'], server id
//           "042", session id "stompsession1"; its WebSocket side is
//           faye-websocket too) under @stomp/stompjs 7.5.0 (heart-beat 0,0)
//
// stomp-broker-js has a SockJS adapter of its own (protocol: 'sockjs'), but it
// passes no SockJS option through (the heartbeat would stay at 25 s), so this
// script registers an adapter of the same shape, around a SockJS server it
// configures itself, and selects it with the broker's `protocol` option.
//
// On the wire:
//   1. GET /stomp/info (sockjs-client 1.6 adds no ?t= to it) -> 200,
//      application/json {"websocket":true,"origins":["*:*"],
//      "cookie_needed":false,"entropy":<random>}, on a TCP connection of its
//      own (Connection: close; the server closes it first)
//   2. GET /stomp/042/stompsession1/websocket, upgraded (no subprotocol);
//      SockJS frames in text messages:
//        S: o                                   (open)
//        C: ["CONNECT\naccept-version:1.2,1.1,1.0\nheart-beat:0,0\n\n\u0000"]
//        S: a["CONNECTED\nsession:session-1\n…version:1.1\n\n\u0000"]
//        C: ["SUBSCRIBE\nid:sub-0\ndestination:/topic/greetings\n\n\u0000"]
//        C: ["SEND\ndestination:/app/hello\ncontent-type:application/json\n…{\"name\":\"Ada\"}\u0000"]
//        S: a["MESSAGE\ndestination:/topic/greetings\nmessage-id:msg-1\n…"]
//        S: WebSocket Ping (empty), C: Pong, 1000 ms and 2000 ms after the
//           open frame: on its websocket transport the sockjs server's
//           heartbeat is a WebSocket ping (since sockjs 0.3.16), not an "h"
//           frame (that one is for the HTTP transports)
//        C: ["UNSUBSCRIBE\nid:sub-0\n\n\u0000"]
//        C: ["DISCONNECT\nreceipt:close-1\n\n\u0000"]
//        S: a["RECEIPT\nreceipt-id:close-1\n\n\u0000"], c[3000,"Go away!"] and a
//           WebSocket Close 1000 "Normal closure", in one TCP segment
//        C: Close 1000
import { createRequire } from 'node:module';
import http from 'node:http';
import { Client } from '@stomp/stompjs';
import { setup, sleep, ready, check } from '../scenarios/lib.mjs';

const require = createRequire(import.meta.url);
const { role, host, port, log, fail } = setup('sockjs_stomp');

if (role === 'server') {
  const sockjs = require('sockjs');
  const adapters = require('stomp-broker-js/lib/adapter');
  const StompServer = require('stomp-broker-js');
  let connections = 0;

  // Same interface as stomp-broker-js's own SockJsAdapter, with SockJS options.
  adapters['sockjs-1s-heartbeat'] = function SockJsShortHeartbeat(config) {
    const sockjsServer = sockjs.createServer({ heartbeat_delay: 1000, log: () => {} });
    sockjsServer.installHandlers(config.server, { prefix: config.path });
    return {
      on(event, handler) {
        if (event !== 'connection') throw new Error(`no ${event} event on this adapter`);
        sockjsServer.on('connection', (c) => {
          connections++;
          log('SockJS connection', c.protocol, c.url);
          c.on('close', () => {
            log('SockJS connection closed');
            server.close(() => process.exit(0));
          });
          handler({
            on: (name, fn) => c.on(name === 'message' ? 'data' : name, fn),
            send: (data) => {
              if (!String(data).startsWith('RECEIPT\n')) return c.write(data);
              // The RECEIPT of the DISCONNECT: end the SockJS session right
              // behind it, c[3000,"Go away!"] then the WebSocket Close, all
              // three frames in one TCP segment (socket corked), so that they
              // are out before the client's own Close.
              const socket = sockets.get(c.remotePort);
              socket.cork();
              c.write(data);
              c.close(3000, 'Go away!');
              process.nextTick(() => socket.uncork());
            },
            close: () => c.close(),
          });
        });
      },
    };
  };

  const server = http.createServer();
  const broker = new StompServer({ server, path: '/stomp', protocol: 'sockjs-1s-heartbeat' });
  // (After the SockJS server: it takes over the 'upgrade' listeners already there.)
  const sockets = new Map(); // client port -> upgraded TCP socket
  server.on('upgrade', (req, socket) => sockets.set(socket.remotePort, socket));
  broker.addMiddleware('connect', (socket, args, next) => {
    socket.sessionId = 'session-1';
    return next();
  });
  broker.subscribe(
    '/app/hello',
    (body) => {
      const { name } = JSON.parse(body);
      broker.send('/topic/greetings',
        { destination: '/topic/greetings', 'message-id': 'msg-1', 'content-type': 'application/json' },
        JSON.stringify({ greeting: `Hello, ${name}!` }));
    },
    { id: 'app-hello' },
  );
  broker.on('error', fail);
  server.on('error', fail);
  server.listen(port, host, () => {
    check(connections === 0, 'no connection yet');
    ready();
  });
} else {
  const SockJS = require('sockjs-client');
  // sockjs-client makes its /info request with Node's global http agent;
  // without keep-alive (Node's default before version 19) that request asks
  // for Connection: close and has its TCP connection to itself.
  http.globalAgent = new http.Agent({ keepAlive: false });
  const base = `http://${host}:${port}/stomp`;
  const messages = [];
  let onMessage = () => {};
  let sock;
  const client = new Client({
    webSocketFactory: () => {
      sock = new SockJS(base, null, {
        transports: ['websocket'],
        server: '042',
        sessionId: () => 'stompsession1',
      });
      return sock;
    },
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    reconnectDelay: 0,
    debug: () => {},
    onStompError: (frame) => fail(`STOMP ERROR ${frame.headers.message}`),
    onWebSocketError: (event) => fail(event.message ?? 'SockJS error'),
  });
  const connected = new Promise((resolve) => (client.onConnect = resolve));
  const closed = new Promise((resolve) => (client.onWebSocketClose = resolve));
  client.activate();
  const frame = await connected;
  log('CONNECTED', JSON.stringify(frame.headers), 'transport', sock.transport);
  const openedAt = Date.now();
  await sleep(100);

  const sub = client.subscribe('/topic/greetings', (message) => {
    messages.push(message);
    onMessage(message);
  });
  await sleep(100);

  const got = new Promise((resolve) => (onMessage = resolve));
  client.publish({
    destination: '/app/hello',
    body: JSON.stringify({ name: 'Ada' }),
    headers: { 'content-type': 'application/json' },
  });
  const message = await got;
  check(message.body === '{"greeting":"Hello, Ada!"}', 'JSON greeting');

  // The server's heartbeats come 1000 ms and 2000 ms after the SockJS open
  // frame; leave 300 ms after the second.
  await sleep(openedAt + 2300 - Date.now());
  sub.unsubscribe();
  await sleep(100);

  const disconnected = new Promise((resolve) => (client.onDisconnect = resolve));
  client.deactivate();
  const receipt = await disconnected;
  log('RECEIPT', JSON.stringify(receipt.headers));
  const event = await closed;
  log('closed', event.code, event.reason, 'messages', messages.length);
  check(messages.length === 1, 'one MESSAGE');
  // No process.exit(): faye-websocket (under sockjs-client) still finishes
  // the closing handshake and the TCP teardown; the process ends after it.
}
