// The client's side of app/socketio (socket.io-client 4) and app/socketio_v2
// (socket.io-client 2): the same conversation, with what differs between
// the two versions passed in.
import { check, sleep } from '../scenarios/lib.mjs';

/**
 * connect: the library's io(); text: the chat message; leave: how a socket
 * leaves (disconnect() in 4, close() in 2); log, fail: the scenario's.
 * Engine.IO pings come from the server in protocol 4 and from the client in
 * 3; either way the conversation ends after two.
 */
export async function clientConversation({ connect, base, text, leave, log, fail }) {
  const socket = connect(base, { reconnection: false });
  socket.on('connect_error', fail);
  await new Promise((resolve) => socket.once('connect', resolve));
  const engine = socket.io.engine;
  let pings = 0;
  engine.on('ping', () => pings++);
  if (engine.transport.name !== 'websocket') await new Promise((resolve) => engine.once('upgrade', resolve));
  log('upgraded to', engine.transport.name);
  await sleep(50);

  socket.emit('chat message', text);
  await sleep(50);

  const sum = await new Promise((resolve) => socket.emit('add', 2, 3, resolve));
  check(sum === 5, 'ack 5');
  await sleep(50);

  const news = new Promise((resolve) => socket.once('news', resolve));
  socket.emit('upload', Buffer.from([0, 1, 2, 3, 255]), 'tiny.bin');
  const item = await news;
  check(item.headline === 'hello from the server', 'news');
  await sleep(50);

  const admin = connect(`${base}/admin`, { reconnection: false });
  admin.on('connect_error', fail);
  await new Promise((resolve) => admin.once('connect', resolve));
  const stats = await new Promise((resolve) => {
    admin.once('stats', resolve);
    admin.emit('stats');
  });
  check(stats.clients === 1, 'stats');

  while (pings < 2) await sleep(20);
  await sleep(200);
  leave(admin);
  leave(socket);
  log('pings', pings);
  // The WebSocket closes by itself once both namespaces are left; the
  // closing handshake and the TCP teardown finish before the process ends.
}
