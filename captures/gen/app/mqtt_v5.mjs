// app/mqtt_v5: MQTT 5 over WebSocket.
//   server: a minimal broker written here with mqtt-packet 9.0.2 (the packet
//           codec MQTT.js itself uses) on a `ws` 8 WebSocketServer (path
//           /mqtt, subprotocol "mqtt"): aedes 1.2.0 refuses protocol level 5.
//           It answers CONNACK (property receive-maximum 16), SUBACK, PUBACK,
//           PUBREC, PUBCOMP, UNSUBACK and PINGRESP, and forwards each
//           publication matching the subscription 10 ms after acknowledging
//           it, at the lower of the two QoS (so QoS 1 at most), with its
//           properties, numbering its own packets 1, 2, …
//   client: MQTT.js 5.16.0, protocolVersion 5, client id wsdissect-v5,
//           CONNECT property session-expiry-interval 0; PUBLISH properties:
//           sensors/hum content-type application/json and payload-format-
//           indicator 1, sensors/door the user property room=lab.
// The client's side of the conversation is in mqtt_common.mjs.
import http from 'node:http';
import { WebSocketServer } from 'ws';
import mqttPacket from 'mqtt-packet';
import { setup, ready, check } from '../scenarios/lib.mjs';
import { runClient } from './mqtt_common.mjs';

const { role, host, port, log, fail, url } = setup('mqtt_v5');
const V5 = { protocolVersion: 5 };

/** MQTT topic filter match (+ and # wildcards). */
function matches(filter, topic) {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

if (role === 'server') {
  const server = http.createServer();
  const wss = new WebSocketServer({
    server,
    path: '/mqtt',
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
  });
  wss.on('connection', (ws) => {
    log('connection, subprotocol', ws.protocol);
    const parser = mqttPacket.parser(V5);
    const send = (packet) => ws.send(mqttPacket.generate(packet, V5));
    const subscriptions = new Map(); // filter -> granted QoS
    let nextId = 0;
    const forward = (p) => setTimeout(() => {
      for (const [filter, granted] of subscriptions) {
        if (!matches(filter, p.topic)) continue;
        const qos = Math.min(p.qos, granted);
        send({ cmd: 'publish', topic: p.topic, payload: p.payload, qos, retain: false, dup: false,
          ...(qos > 0 ? { messageId: ++nextId } : {}), ...(p.properties ? { properties: p.properties } : {}) });
        return;
      }
    }, 10);
    parser.on('error', fail);
    parser.on('packet', (p) => {
      log('<', p.cmd, p.messageId ?? '', p.topic ?? '', p.properties ? JSON.stringify(p.properties) : '');
      switch (p.cmd) {
        case 'connect':
          check(p.protocolVersion === 5, 'MQTT 5');
          send({ cmd: 'connack', sessionPresent: false, reasonCode: 0, properties: { receiveMaximum: 16 } });
          break;
        case 'subscribe':
          for (const s of p.subscriptions) subscriptions.set(s.topic, Math.min(s.qos, 1));
          send({ cmd: 'suback', messageId: p.messageId, granted: p.subscriptions.map((s) => Math.min(s.qos, 1)) });
          break;
        case 'unsubscribe':
          for (const t of p.unsubscriptions) subscriptions.delete(t);
          send({ cmd: 'unsuback', messageId: p.messageId, granted: p.unsubscriptions.map(() => 0) });
          break;
        case 'publish':
          if (p.qos === 1) send({ cmd: 'puback', messageId: p.messageId, reasonCode: 0 });
          if (p.qos === 2) send({ cmd: 'pubrec', messageId: p.messageId, reasonCode: 0 });
          forward(p);
          break;
        case 'pubrel':
          send({ cmd: 'pubcomp', messageId: p.messageId, reasonCode: 0 });
          break;
        case 'pingreq':
          send({ cmd: 'pingresp' });
          break;
        case 'puback':
        case 'disconnect':
          break;
        default:
          fail(`unexpected ${p.cmd}`);
      }
    });
    ws.on('message', (data) => parser.parse(data));
    ws.on('close', (code) => {
      log('closed', code);
      server.close(() => process.exit(0));
    });
  });
  server.on('error', fail);
  server.listen(port, host, ready);
} else {
  const received = await runClient({
    url: url('/mqtt'),
    log,
    fail,
    protocolVersion: 5,
    clientId: 'wsdissect-v5',
    publishProperties: {
      hum: { contentType: 'application/json', payloadFormatIndicator: true },
      door: { userProperties: { room: 'lab' } },
    },
  });
  check(received[1].properties?.contentType === 'application/json', 'content type forwarded');
  check(received[2].properties?.userProperties?.room === 'lab', 'user property forwarded');
}
