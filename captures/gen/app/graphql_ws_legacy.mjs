// app/graphql_ws_legacy: GraphQL over WebSocket, the legacy "graphql-ws"
// protocol of subscriptions-transport-ws 0.11.0 (both sides; graphql 16.15.0).
//   server: SubscriptionServer.create({ schema, execute, subscribe,
//           keepAlive: 1000 }) on an http server, path /graphql (the library's
//           own `ws` 7.5.14 WebSocketServer)
//   client: SubscriptionClient with webSocketImpl = `ws` 8 WebSocket,
//           reconnect: false, lazy: false; operation ids "1", "2" (the
//           library counts from 1)
// Conversation (text messages, JSON), subprotocol graphql-ws:
//   C: {"type":"connection_init","payload":{}}
//   S: {"type":"connection_ack"}   S: {"type":"ka"}  (then a "ka" every 1000 ms)
//   C: {"id":"1","type":"start","payload":{"query":"query Hello { hello }",…}}
//   S: {"type":"data","id":"1","payload":{"data":{"hello":"Hello, world!"}}}
//   S: {"type":"complete","id":"1","payload":null}
//   C: {"id":"2","type":"start","payload":{"query":"subscription Countdown { countdown(from: 3) }",…}}
//   S: data {"countdown":3}, data {"countdown":2}, data {"countdown":1}, complete
//   S: {"type":"ka"} twice more (1000 ms and 2000 ms after the first)
//   C: {"type":"connection_terminate","payload":null} (no "stop": both
//      operations are over), then Close (no status code);
//   S: Close (no status code)
import { createRequire } from 'node:module';
import http from 'node:http';
import { WebSocket } from 'ws';
import { execute, subscribe } from 'graphql';
import { setup, sleep, ready } from '../scenarios/lib.mjs';
import { operations, schema } from './graphql_schema.mjs';

const require = createRequire(import.meta.url);
const { SubscriptionServer, SubscriptionClient } = require('subscriptions-transport-ws');
const { role, host, port, log, fail, url } = setup('graphql_ws_legacy');

if (role === 'server') {
  const server = http.createServer();
  const subscriptionServer = SubscriptionServer.create(
    { schema, execute, subscribe, keepAlive: 1000 },
    { server, path: '/graphql', perMessageDeflate: false },
  );
  subscriptionServer.server.on('connection', (ws) => {
    log('connection, subprotocol', ws.protocol);
    ws.on('close', (code, reason) => {
      log('closed', code, String(reason));
      subscriptionServer.close();
      server.close(() => process.exit(0));
    });
  });
  server.on('error', fail);
  server.listen(port, host, ready);
} else {
  const client = new SubscriptionClient(url('/graphql'), { reconnect: false, lazy: false }, WebSocket);
  let kas = 0;
  client.client.on('message', (data) => {
    if (JSON.parse(data).type === 'ka') kas++;
  });
  client.onError(fail);
  await new Promise((resolve) => client.onConnected(resolve));
  await sleep(50);

  await operations((payload, sink) => client.request(payload).subscribe(sink));

  // The first "ka" follows the ack; wait for two more.
  while (kas < 3) await sleep(20);
  await sleep(200);
  const ws = client.client;
  const closed = new Promise((resolve) => ws.once('close', resolve));
  client.close();
  const code = await closed;
  log('closed', code, 'keep-alives', kas);
}
