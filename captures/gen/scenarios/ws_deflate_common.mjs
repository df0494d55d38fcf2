// Shared runner of ws_deflate_takeover.mjs and ws_deflate_no_takeover.mjs:
// a `ws` client and a `ws` server with permessage-deflate enabled on both
// sides go through a conversation of deflate_data.mjs.
//
// Each step: the client sends its message (one frame, or fragments sent with
// ws.send(chunk, { fin: false, compress: true }) ... { fin: true } and 40 ms
// between them, optionally a ping after the first fragment), the server
// checks the reassembled, inflated payload and answers with its own message
// the same way; 40 ms pauses keep every frame in its own TCP segment. Then
// the side named in `close` closes, the other echoes the close, and both
// check the codes. The client also checks the Sec-WebSocket-Extensions
// value of the 101 response against `expectedExtensions`.
import { WebSocket, WebSocketServer } from 'ws';
import { setup, sleep, next, ready, check } from './lib.mjs';
import { samePayload } from './deflate_data.mjs';

/** Send `msg` (deflate_data.mjs form) on `ws`; resolves once written. */
async function sendMessage(ws, msg, { pingBetween, pong } = {}) {
  const binary = msg.type === 'binary';
  const sent = (chunk, fin) =>
    new Promise((resolve, reject) =>
      ws.send(chunk, { binary, fin, compress: true }, (err) => (err ? reject(err) : resolve())),
    );
  for (let i = 0; i < msg.chunks.length; i++) {
    if (i > 0) await sleep(40);
    await sent(msg.chunks[i], i === msg.chunks.length - 1);
    if (i === 0 && pingBetween !== undefined) {
      // A control frame between the compressed fragments (never compressed).
      await sleep(40);
      ws.ping(pingBetween);
      await pong;
    }
  }
}

export async function run(name, { conversation, perMessageDeflate, expectedExtensions, path }) {
  const { role, host, port, log, fail, url } = setup(name);
  const { steps, close } = conversation;

  if (role === 'server') {
    const wss = new WebSocketServer({ host, port, perMessageDeflate });
    wss.on('listening', ready);
    wss.on('error', fail);
    wss.on('headers', (headers, req) => {
      log('offered extensions:', JSON.stringify(req.headers['sec-websocket-extensions']));
      log('101 response headers:', JSON.stringify(headers));
    });
    wss.on('connection', (ws) => {
      ws.on('error', fail);
      let index = 0;
      ws.on('ping', (data) => log('got ping', JSON.stringify(data.toString())));
      ws.on('message', async (data, isBinary) => {
        const step = steps[index++];
        check(step !== undefined, `unexpected message #${index}`);
        check(samePayload(step.client, data, isBinary), `client message #${index}`);
        await sleep(40);
        await sendMessage(ws, step.server);
        if (step.serverPingAfter !== undefined) {
          await sleep(40);
          ws.ping(step.serverPingAfter);
        }
        if (index === steps.length && close.by === 'server') {
          await sleep(40);
          ws.close(close.code, close.reason);
        }
      });
      ws.on('close', (code, reason) => {
        log('closed', code, reason.toString(), `after ${index} messages`);
        check(index === steps.length, 'every message received');
        check(code === close.code && reason.toString() === close.reason, `close ${close.code}`);
        wss.close(() => process.exit(0));
      });
    });
  } else {
    const ws = new WebSocket(url(path), { perMessageDeflate });
    ws.on('error', fail);
    let extensions;
    ws.on('upgrade', (res) => {
      extensions = res.headers['sec-websocket-extensions'];
    });
    await next(ws, 'open');
    log('negotiated extensions:', JSON.stringify(extensions));
    check(extensions === expectedExtensions, `Sec-WebSocket-Extensions is ${JSON.stringify(expectedExtensions)}`);
    const closed = next(ws, 'close');
    await sleep(40);

    for (const [i, step] of steps.entries()) {
      const reply = next(ws, 'message');
      const serverPing = step.serverPingAfter !== undefined ? next(ws, 'ping') : null;
      await sendMessage(ws, step.client, {
        pingBetween: step.pingBetween,
        pong: step.pingBetween !== undefined ? next(ws, 'pong') : null,
      });
      const [data, isBinary] = await reply;
      check(samePayload(step.server, data, isBinary), `server message #${i + 1}`);
      if (serverPing) {
        const [payload] = await serverPing;
        check(payload.toString() === step.serverPingAfter, 'server ping payload');
      }
      await sleep(40);
    }

    if (close.by === 'client') ws.close(close.code, close.reason);
    const [code, reason] = await closed;
    log('closed', code, reason.toString());
    check(code === close.code && reason.toString() === close.reason, `close echo ${close.code}`);
    process.exit(0);
  }
}
