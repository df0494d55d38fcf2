// app/socketio_v2: Socket.IO 2 (Engine.IO protocol 3), default transports.
//   server: socket.io 2.5.1 (engine.io 3.6) on an http server (pingInterval
//           1000 ms, Engine.IO session id fixed with io.engine.generateId)
//   client: socket.io-client 2.5.0 (engine.io-client 3.5: HTTP long-polling
//           first, then the upgrade to WebSocket)
// (installed under the npm aliases socket.io-v2 and socket.io-client-v2)
//
// Conversation: the Engine.IO handshake (whose response also carries the
// Socket.IO CONNECT of "/", sent by the server unasked) goes over HTTP
// long-polling (GET /socket.io/?EIO=3&transport=polling&t=…); then the client
// opens GET /socket.io/?EIO=3&transport=websocket&sid=…, probes it
// (2probe / 3probe) and upgrades (5). Over the WebSocket:
//   C: 42["chat message","hello from socket.io-client 2"]
//   C: 420["add",2,3]                       S: 430[5]   (ack id 0)
//   C: 451-["upload",{"_placeholder":true,"num":0},"tiny.bin"]
//      then a binary message 04 00 01 02 03 ff (Engine.IO 3 puts the packet
//      type 4, "message", in front of binary data)
//   S: 42["news",{"headline":"hello from the server","n":1}]
//   C: 40/admin,                            S: 40/admin,  (no sid in Socket.IO 2)
//   C: 42/admin,["stats"]                   S: 42/admin,["stats",{"clients":1}]
//   C: 2 (ping)  S: 3 (pong): in Engine.IO 3 the client pings, every 1000 ms
//   C: 41/admin,  C: 41  (disconnect from both namespaces); then, with no
//   namespace left, the client closes the WebSocket (a Close without status
//   code, answered by the server).
import { createRequire } from 'node:module';
import http from 'node:http';
import { setup, ready, check } from '../scenarios/lib.mjs';
import { clientConversation } from './socketio_client.mjs';

const require = createRequire(import.meta.url);
const { role, host, port, log, fail } = setup('socketio_v2');

if (role === 'server') {
  const createIo = require('socket.io-v2');
  const server = http.createServer();
  const io = createIo(server, { pingInterval: 1000, pingTimeout: 5000, serveClient: false });
  io.engine.generateId = () => 'EngineIOsession3';
  const gone = (reason) => log('disconnect', reason);
  // Leave when the client has closed the Engine.IO connection (its WebSocket).
  io.engine.on('connection', (conn) => conn.on('close', (reason) => {
    log('Engine.IO connection closed:', reason);
    io.close();
    server.close(() => process.exit(0));
  }));
  io.on('connection', (socket) => {
    log('connection /', socket.id);
    socket.on('chat message', (text) => {
      log('chat message', text);
      check(text === 'hello from socket.io-client 2', 'chat message');
    });
    socket.on('add', (a, b, ack) => ack(a + b));
    socket.on('upload', (data, name) => {
      log('upload', name, data);
      check(Buffer.isBuffer(data) && data.equals(Buffer.from([0, 1, 2, 3, 255])), 'attachment');
      socket.emit('news', { headline: 'hello from the server', n: 1 });
    });
    socket.on('disconnect', gone);
  });
  io.of('/admin').on('connection', (socket) => {
    log('connection /admin', socket.id);
    socket.on('stats', () => socket.emit('stats', { clients: Object.keys(io.of('/').sockets).length }));
    socket.on('disconnect', gone);
  });
  server.on('error', fail);
  server.listen(port, host, ready);
} else {
  await clientConversation({ connect: require('socket.io-client-v2'), base: `http://${host}:${port}`, text: 'hello from socket.io-client 2', leave: (s) => s.close(), log, fail });
}
