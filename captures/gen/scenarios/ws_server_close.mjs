// ws_server_close: the server starts the closing handshake; deflate off.
//
//   C -> S  text "hello"                    S -> C  text "welcome"
//   C -> S  text "status?"                  S -> C  text "shutting down for maintenance"
//   S -> C  close 1001 "going away"         C -> S  close 1001 "going away" (echo, masked)
//   then the TCP teardown.
import { WebSocket, WebSocketServer } from 'ws';
import { setup, sleep, next, ready, check } from './lib.mjs';

const { role, host, port, log, fail, url } = setup('ws_server_close');
const REASON = 'going away';

if (role === 'server') {
  const wss = new WebSocketServer({ host, port, perMessageDeflate: false });
  wss.on('listening', ready);
  wss.on('error', fail);
  wss.on('connection', (ws) => {
    ws.on('error', fail);
    let n = 0;
    ws.on('message', async (data) => {
      n += 1;
      log('got', JSON.stringify(data.toString()));
      await sleep(40);
      if (n === 1) {
        ws.send('welcome');
      } else {
        ws.send('shutting down for maintenance');
        await sleep(40);
        ws.close(1001, REASON);
      }
    });
    ws.on('close', (code, reason) => {
      log('closed', code, reason.toString());
      check(code === 1001 && reason.toString() === REASON, 'close echo 1001');
      wss.close(() => process.exit(0));
    });
  });
} else {
  const ws = new WebSocket(url('/session'), { perMessageDeflate: false });
  ws.on('error', fail);
  await next(ws, 'open');
  await sleep(40);

  const closed = next(ws, 'close');
  let reply = next(ws, 'message');
  ws.send('hello');
  check((await reply)[0].toString() === 'welcome', 'welcome');
  await sleep(40);
  reply = next(ws, 'message');
  ws.send('status?');
  check((await reply)[0].toString() === 'shutting down for maintenance', 'status');

  // ws echoes the server's close frame (same code and reason) by itself.
  const [code, reason] = await closed;
  log('closed', code, reason.toString());
  check(code === 1001 && reason.toString() === REASON, 'server close 1001');
  process.exit(0);
}
