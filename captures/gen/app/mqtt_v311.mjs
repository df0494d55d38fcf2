// app/mqtt_v311: MQTT 3.1.1 over WebSocket.
//   server: aedes 1.2.0 (in-memory persistence), each WebSocket connection of a
//           `ws` 8 WebSocketServer (path /mqtt, subprotocol "mqtt") handed to
//           aedes as a stream (ws.createWebSocketStream with a _writev, see
//           mqtt_common.mjs)
//   client: MQTT.js 5.16.0, protocolVersion 4, client id wsdissect-311
// The conversation is in mqtt_common.mjs. aedes numbers the packets it sends
// (the forwarded QoS 1 publications) from a random start: their packet ids
// change from one recording to the next.
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { Aedes } from 'aedes';
import { setup, ready } from '../scenarios/lib.mjs';
import { runClient, wsStream } from './mqtt_common.mjs';

const { role, host, port, log, fail, url } = setup('mqtt_v311');

if (role === 'server') {
  const broker = await Aedes.createBroker();
  const server = http.createServer();
  const wss = new WebSocketServer({ server, path: '/mqtt', perMessageDeflate: false });
  wss.on('connection', (ws) => {
    log('connection, subprotocol', ws.protocol);
    ws.on('close', (code) => {
      log('closed', code);
      broker.close(() => server.close(() => process.exit(0)));
    });
    broker.handle(wsStream(ws));
  });
  broker.on('clientError', (client, err) => log('clientError', err.message));
  broker.on('clientDisconnect', (client) => log('clientDisconnect', client.id));
  server.on('error', fail);
  server.listen(port, host, ready);
} else {
  await runClient({ url: url('/mqtt'), log, fail, protocolVersion: 4, clientId: 'wsdissect-311' });
}
