// ws_echo: `ws` client <-> `ws` server, permessage-deflate off on both sides.
//
// Conversation (client C, server S):
//   C -> S  text   "Hello, wsdissect!"          S -> C  same text echoed
//   C -> S  binary 01 02 03 04 05               S -> C  same bytes echoed
//   C -> S  ping   "client-ping"                S -> C  pong "client-ping" (auto)
//   S -> C  ping   "server-ping"                C -> S  pong "server-ping" (auto)
//   C -> S  close  1000 "bye"                   S -> C  close 1000 "bye" (echo)
//   S closes the TCP connection first, as RFC 6455 says.
import { WebSocket, WebSocketServer } from 'ws';
import { setup, sleep, next, ready, check } from './lib.mjs';

const { role, host, port, log, fail, url } = setup('ws_echo');
const TEXT = 'Hello, wsdissect!';
const BINARY = Buffer.from([1, 2, 3, 4, 5]);

if (role === 'server') {
  const wss = new WebSocketServer({ host, port, perMessageDeflate: false });
  wss.on('listening', ready);
  wss.on('error', fail);
  wss.on('connection', (ws) => {
    ws.on('error', fail);
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on('ping', async (data) => {
      // ws has already answered with a pong; now ping the client ourselves.
      log('got ping', JSON.stringify(data.toString()));
      await sleep(40);
      ws.ping('server-ping');
    });
    ws.on('close', (code, reason) => {
      log('closed', code, reason.toString());
      check(code === 1000 && reason.toString() === 'bye', 'close 1000 "bye"');
      wss.close(() => process.exit(0));
    });
  });
} else {
  const ws = new WebSocket(url('/echo'), { perMessageDeflate: false });
  ws.on('error', fail);
  await next(ws, 'open');
  await sleep(40);

  ws.send(TEXT);
  let [data, isBinary] = await next(ws, 'message');
  check(!isBinary && data.toString() === TEXT, 'text echo');
  await sleep(40);

  ws.send(BINARY);
  [data, isBinary] = await next(ws, 'message');
  check(isBinary && data.equals(BINARY), 'binary echo');
  await sleep(40);

  const serverPing = next(ws, 'ping');
  const pong = next(ws, 'pong');
  ws.ping('client-ping');
  [data] = await pong;
  check(data.toString() === 'client-ping', 'pong payload');
  [data] = await serverPing;
  check(data.toString() === 'server-ping', 'server ping payload');
  await sleep(40);

  const closed = next(ws, 'close');
  ws.close(1000, 'bye');
  const [code, reason] = await closed;
  log('closed', code, reason.toString());
  check(code === 1000 && reason.toString() === 'bye', 'close echo 1000 "bye"');
  process.exit(0);
}
