// ws_interop: a plain `ws` echo server for the py_client_ws_server scenario,
// whose client is py_interop_client.py (Python `websockets`).
//
// The server is created with ws's defaults, so permessage-deflate stays off:
// it ignores the client's permessage-deflate offer and the 101 response
// carries no Sec-WebSocket-Extensions header. Every data message is echoed
// with its own type; pings are answered automatically; the server echoes the
// client's close frame and then closes the TCP connection.
import { WebSocketServer } from 'ws';
import { setup, ready, check } from './lib.mjs';

const { role, host, port, log, fail } = setup('ws_interop');
check(role === 'server', 'ws_interop.mjs only has a server role');

const wss = new WebSocketServer({ host, port });
wss.on('listening', ready);
wss.on('error', fail);
wss.on('connection', (ws, req) => {
  log('offered extensions:', req.headers['sec-websocket-extensions']);
  log('negotiated extensions:', JSON.stringify(ws.extensions));
  ws.on('error', fail);
  ws.on('ping', (data) => log('got ping', JSON.stringify(data.toString())));
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('close', (code, reason) => {
    log('closed', code, reason.toString());
    check(code === 1000, 'close 1000');
    wss.close(() => process.exit(0));
  });
});
