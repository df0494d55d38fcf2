// ws_large_binary: large binary messages, permessage-deflate off.
//
//   C -> S  binary, 100000 bytes: payload length 127 + 64-bit length, the frame
//           spans ~70 TCP segments of at most 1448 bytes.
//           Byte i is (i + (i >> 8)) & 0xff, so every 256-byte block is shifted by one
//           and a reassembly error is visible in the content.
//   S -> C  binary, 3000 bytes: payload length 126 + 16-bit length.
//           Byte i is (255 - i) & 0xff.
//   C -> S  close 1000 (no reason)          S -> C  close 1000 (echo)
import { WebSocket, WebSocketServer } from 'ws';
import { setup, sleep, next, ready, check } from './lib.mjs';

const { role, host, port, log, fail, url } = setup('ws_large_binary');
const pattern = (n, f) => Buffer.from(Array.from({ length: n }, (_, i) => f(i) & 0xff));
const BIG = pattern(100000, (i) => i + (i >> 8));
const MEDIUM = pattern(3000, (i) => 255 - i);

if (role === 'server') {
  const wss = new WebSocketServer({ host, port, perMessageDeflate: false });
  wss.on('listening', ready);
  wss.on('error', fail);
  wss.on('connection', (ws) => {
    ws.on('error', fail);
    ws.on('message', async (data, isBinary) => {
      check(isBinary && data.equals(BIG), '100000-byte message intact');
      log('got', data.length, 'bytes');
      await sleep(40);
      ws.send(MEDIUM);
    });
    ws.on('close', (code) => {
      log('closed', code);
      check(code === 1000, 'close 1000');
      wss.close(() => process.exit(0));
    });
  });
} else {
  const ws = new WebSocket(url('/upload'), { perMessageDeflate: false });
  ws.on('error', fail);
  await next(ws, 'open');
  await sleep(40);

  const reply = next(ws, 'message');
  ws.send(BIG);
  const [data, isBinary] = await reply;
  check(isBinary && data.equals(MEDIUM), '3000-byte reply intact');
  await sleep(40);

  const closed = next(ws, 'close');
  ws.close(1000);
  const [code] = await closed;
  log('closed', code);
  check(code === 1000, 'close echo 1000');
  process.exit(0);
}
