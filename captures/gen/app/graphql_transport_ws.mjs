// app/graphql_transport_ws: GraphQL over WebSocket, the graphql-transport-ws
// protocol (graphql-ws 6.4.2 on both sides, graphql 16.15.0).
//   server: useServer (graphql-ws/use/ws) on a `ws` 8 WebSocketServer, path /graphql
//   client: createClient with webSocketImpl = `ws` WebSocket, lazy: false,
//           keepAlive 1000 ms (the client pings), operation ids "1", "2"
//           (generateID), no retries
// Conversation (text messages, JSON), subprotocol graphql-transport-ws:
//   C: {"type":"connection_init"}                 S: {"type":"connection_ack"}
//   C: {"id":"1","type":"subscribe","payload":{"operationName":"Hello","query":"query Hello { hello }"}}
//   S: {"id":"1","type":"next","payload":{"data":{"hello":"Hello, world!"}}}
//   S: {"id":"1","type":"complete"}
//   C: {"id":"2","type":"subscribe","payload":{…"subscription Countdown { countdown(from: 3) }"}}
//   S: next {"countdown":3}, next {"countdown":2}, next {"countdown":1}, complete
//   C: {"type":"ping"}  S: {"type":"pong"}   (1000 ms after connecting; twice)
//   C: Close 1000 "Normal Closure" (client.dispose()), S: Close 1000 echoed
import http from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { createClient } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { setup, sleep, ready } from '../scenarios/lib.mjs';
import { operations, schema } from './graphql_schema.mjs';

const { role, host, port, log, fail, url } = setup('graphql_transport_ws');

if (role === 'server') {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, path: '/graphql', perMessageDeflate: false });
  useServer({ schema }, wss);
  wss.on('connection', (ws) => {
    log('connection, subprotocol', ws.protocol);
    ws.on('close', (code, reason) => {
      log('closed', code, reason.toString());
      wss.close();
      server.close(() => process.exit(0));
    });
  });
  server.on('error', fail);
  server.listen(port, host, ready);
} else {
  let nextId = 0;
  let pongs = 0;
  const client = createClient({
    url: url('/graphql'),
    webSocketImpl: WebSocket,
    lazy: false,
    keepAlive: 1000,
    retryAttempts: 0,
    generateID: () => String(++nextId),
    on: { pong: () => pongs++, error: fail },
  });
  await new Promise((resolve) => client.on('connected', resolve));
  await sleep(50);

  await operations((payload, sink) => client.subscribe(payload, sink));

  while (pongs < 2) await sleep(20);
  await sleep(200);
  const closed = new Promise((resolve) => client.on('closed', resolve));
  await client.dispose();
  const event = await closed;
  log('closed', event.code, event.reason, 'pongs', pongs);
}
