// Shared by app/mqtt_v311 and app/mqtt_v5: the MQTT.js client, and the
// stream that hands a server-side WebSocket to the broker.
//
// MQTT.js opens the WebSocket with subprotocol "mqtt". Under Node it would
// wrap it in ws.createWebSocketStream, which has no _writev: every one of the
// small buffers mqtt-packet writes for a packet (fixed header, length, topic,
// payload, …) would become a WebSocket message of its own. The client here
// takes MQTT.js's browser stream instead (forceNativeWebSocket, with the `ws`
// WebSocket given through createWebsocket), whose _writev joins the buffers
// of one corked write: one MQTT packet per binary message, as from a browser.
// The broker's side gets the same _writev (wsStream below).
//
//   CONNECT (clean session, keepalive 1 s, fixed client id)   <- CONNACK
//   SUBSCRIBE sensors/# QoS 1 (packet id 1)                   <- SUBACK [1]
//   PUBLISH sensors/temp "21.5" QoS 0                         <- the broker's PUBLISH of it, QoS 0
//   PUBLISH sensors/hum {"rh":40} QoS 1 (id 2)                <- PUBLISH of it to the subscriber
//                                                                (QoS 1), PUBACK 2; the client
//                                                                PUBACKs the forwarded message
//   PUBLISH sensors/door "open" QoS 2 (id 3)                  <- PUBREC 3; PUBREL 3 -> PUBCOMP 3;
//                                                                and the forwarded PUBLISH, acked:
//                                                                QoS 1 (the subscription's) from the
//                                                                v5 broker, but QoS 2 from aedes 1.2.0,
//                                                                which looks subscriptions up by topic
//                                                                name and so misses sensors/#
//   PINGREQ / PINGRESP, twice (keepalive 1 s, no other traffic meanwhile)
//   UNSUBSCRIBE sensors/# (id 4)                              <- UNSUBACK 4
//   DISCONNECT, then the client closes the WebSocket.
import mqtt from 'mqtt';
import { WebSocket, createWebSocketStream } from 'ws';
import { sleep, check } from '../scenarios/lib.mjs';

/** A Duplex over a server-side `ws` WebSocket whose corked writes become one message. */
export function wsStream(ws) {
  const stream = createWebSocketStream(ws);
  stream._writev = function writev(chunks, callback) {
    this._write(Buffer.concat(chunks.map(({ chunk }) => chunk)), 'binary', callback);
  };
  return stream;
}

/**
 * Packet identifiers 1, 2, 3, … in order (MQTT.js's default provider starts at
 * a random number, its UniqueMessageIdProvider reuses the lowest free one).
 */
class SequentialIds {
  #last = 0;
  #used = new Set();
  allocate() {
    this.#last = (this.#last % 65535) + 1;
    this.#used.add(this.#last);
    return this.#last;
  }
  getLastAllocated() { return this.#last || null; }
  register(id) { if (this.#used.has(id)) return false; this.#used.add(id); return true; }
  deallocate(id) { this.#used.delete(id); }
  clear() { this.#used.clear(); }
}

export async function runClient({ url, log, fail, protocolVersion, clientId, publishProperties = {} }) {
  const client = mqtt.connect(url, {
    protocolVersion,
    clientId,
    keepalive: 1,
    clean: true,
    reconnectPeriod: 0,
    forceNativeWebSocket: true,
    createWebsocket: (wsUrl, protocols) => new WebSocket(wsUrl, protocols),
    connectTimeout: 4000,
    messageIdProvider: new SequentialIds(), // packet ids 1, 2, 3, …
    ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 0 } } : {}),
  });
  client.on('error', fail);
  let pings = 0;
  client.on('packetreceive', (packet) => {
    if (packet.cmd === 'pingresp') pings++;
  });
  const received = [];
  let waiting = null;
  client.on('message', (topic, payload, packet) => {
    received.push(packet);
    log('message', topic, payload.toString(), 'qos', packet.qos, packet.properties ?? '');
    if (waiting && received.length >= waiting.n) waiting.resolve();
  });
  const messages = (n) => new Promise((resolve) => {
    if (received.length >= n) resolve();
    else waiting = { n, resolve };
  });

  const [connack] = await new Promise((resolve) => client.once('connect', (...a) => resolve(a)));
  log('CONNACK', JSON.stringify(connack));
  await sleep(50);

  const granted = await client.subscribeAsync('sensors/#', { qos: 1 });
  check(granted[0].qos === 1, 'granted QoS 1');
  await sleep(50);

  await client.publishAsync('sensors/temp', '21.5', { qos: 0, properties: publishProperties.temp });
  await messages(1);
  await sleep(50);

  await client.publishAsync('sensors/hum', '{"rh":40}', { qos: 1, properties: publishProperties.hum });
  await messages(2);
  await sleep(50);

  await client.publishAsync('sensors/door', 'open', { qos: 2, properties: publishProperties.door });
  await messages(3);
  check(received.map((p) => p.payload.toString()).join('|') === '21.5|{"rh":40}|open', 'three messages');

  // Two keepalive round trips, then leave.
  while (pings < 2) await sleep(20);
  await sleep(200);
  await client.unsubscribeAsync('sensors/#');
  await sleep(50);
  await client.endAsync();
  log('done, pings', pings);
  return received;
}
