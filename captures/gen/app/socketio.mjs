// app/socketio: Socket.IO 4 (Engine.IO protocol 4), default transports.
//   server: socket.io 4.8.4 on an http server (pingInterval 1000 ms, Engine.IO
//           session id fixed with io.engine.generateId)
//   client: socket.io-client 4.8.4 (engine.io-client 6.6.8: HTTP long-polling
//           first, then the upgrade to WebSocket)
//
// Conversation: the Engine.IO handshake and the Socket.IO CONNECT of "/" go
// over HTTP long-polling (GET/POST /socket.io/?EIO=4&transport=polling&t=…);
// then the client opens GET /socket.io/?EIO=4&transport=websocket&sid=…,
// probes it (2probe / 3probe) and upgrades (5). Over the WebSocket:
//   C: 42["chat message","hello from socket.io-client"]
//   C: 420["add",2,3]                       S: 430[5]   (ack id 0)
//   C: 451-["upload",{"_placeholder":true,"num":0},"tiny.bin"]
//      then a binary message 00 01 02 03 ff  (the attachment)
//   S: 42["news",{"headline":"hello from the server","n":1}]
//   C: 40/admin,                            S: 40/admin,{"sid":"…"}
//   C: 42/admin,["stats"]                   S: 42/admin,["stats",{"clients":1}]
//   S: 2 (ping)  C: 3 (pong), every 1000 ms: twice
//   C: 41/admin,   C: 41  (disconnect from both namespaces); then, with no
//   namespace left, the client closes the WebSocket (a Close without status
//   code, echoed by the server).
import http from 'node:http';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { setup, ready, check } from '../scenarios/lib.mjs';
import { clientConversation } from './socketio_client.mjs';

const { role, host, port, log, fail } = setup('socketio');

if (role === 'server') {
  const server = http.createServer();
  const io = new Server(server, { pingInterval: 1000, pingTimeout: 5000, serveClient: false });
  io.engine.generateId = () => 'EngineIOsession4';
  const gone = (reason) => log('disconnect', reason);
  // Leave when the client has closed the Engine.IO connection (its WebSocket).
  io.engine.on('connection', (conn) => conn.on('close', (reason) => {
    log('Engine.IO connection closed:', reason);
    io.close();
    server.close(() => process.exit(0));
  }));
  io.on('connection', (socket) => {
    log('connection /');
    socket.on('chat message', (text) => {
      log('chat message', text);
      check(text === 'hello from socket.io-client', 'chat message');
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
    log('connection /admin');
    socket.on('stats', () => socket.emit('stats', { clients: io.of('/').sockets.size }));
    socket.on('disconnect', gone);
  });
  server.on('error', fail);
  server.listen(port, host, ready);
} else {
  await clientConversation({ connect, base: `http://${host}:${port}`, text: 'hello from socket.io-client', leave: (s) => s.disconnect(), log, fail });
}
