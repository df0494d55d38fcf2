// ws_fragmented: `ws` client sends one text message in three fragments, with a
// ping between the first and the second fragment; permessage-deflate off.
//
// The message is MESSAGE below: 31 bytes of UTF-8, cut at byte offsets 13
// and 21, both of which fall inside a multi-byte character:
//   fragment 1 (opcode 0x1, FIN=0): bytes  0..12  "Grüße aus " + e6      (first byte of "東")
//   ping "between-fragments" (opcode 0x9, FIN=1), sent between fragments 1 and 2
//   fragment 2 (opcode 0x0, FIN=0): bytes 13..20  9d b1 + "京 " + e2 80  ("—" cut 2|1)
//   fragment 3 (opcode 0x0, FIN=1): bytes 21..30  94 + " frag ✓"
// The server auto-pongs the ping (possibly before the message is complete,
// which RFC 6455 §5.5 allows), then answers with one text message
// "received: <MESSAGE>". The client closes with 1000 "done".
import { WebSocket, WebSocketServer } from 'ws';
import { setup, sleep, next, ready, check } from './lib.mjs';

const { role, host, port, log, fail, url } = setup('ws_fragmented');
const MESSAGE = 'Grüße aus 東京 — frag ✓';
const BYTES = Buffer.from(MESSAGE, 'utf8');
// "東" (e6 9d b1) occupies bytes 12..14 and "—" (e2 80 94) bytes 19..21.
const SPLITS = [13, 21];

if (role === 'server') {
  const wss = new WebSocketServer({ host, port, perMessageDeflate: false });
  wss.on('listening', ready);
  wss.on('error', fail);
  wss.on('connection', (ws) => {
    ws.on('error', fail);
    ws.on('ping', (data) => log('got ping', JSON.stringify(data.toString())));
    ws.on('message', async (data, isBinary) => {
      check(!isBinary && data.toString() === MESSAGE, 'reassembled message');
      log('got message', JSON.stringify(data.toString()));
      await sleep(40);
      ws.send(`received: ${data.toString()}`);
    });
    ws.on('close', (code, reason) => {
      log('closed', code, reason.toString());
      check(code === 1000, 'close 1000');
      wss.close(() => process.exit(0));
    });
  });
} else {
  const ws = new WebSocket(url('/fragments'), { perMessageDeflate: false });
  ws.on('error', fail);
  await next(ws, 'open');
  await sleep(40);

  const parts = [
    BYTES.subarray(0, SPLITS[0]),
    BYTES.subarray(SPLITS[0], SPLITS[1]),
    BYTES.subarray(SPLITS[1]),
  ];
  const reply = next(ws, 'message');
  const pong = next(ws, 'pong');
  // `binary: false` keeps the text opcode although the chunks are Buffers.
  ws.send(parts[0], { binary: false, fin: false });
  await sleep(40);
  ws.ping('between-fragments');
  await pong;
  await sleep(40);
  ws.send(parts[1], { binary: false, fin: false });
  await sleep(40);
  ws.send(parts[2], { binary: false, fin: true });

  const [data, isBinary] = await reply;
  check(!isBinary && data.toString() === `received: ${MESSAGE}`, 'server reply');
  await sleep(40);

  const closed = next(ws, 'close');
  ws.close(1000, 'done');
  const [code] = await closed;
  log('closed', code);
  check(code === 1000, 'close echo 1000');
  process.exit(0);
}
