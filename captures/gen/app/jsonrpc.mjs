// app/jsonrpc: JSON-RPC 2.0 over WebSocket with rpc-websockets 10.0.1 on both
// sides (its Server runs its own `ws` 8 WebSocketServer; its Client uses `ws`).
// Namespace (URL path) /rpc, no subprotocol. Request ids come from the
// client's counter: 1, 2, 3, 4. Text messages:
//   C: {"jsonrpc":"2.0","method":"sum","params":[1,2,3],"id":1}
//   S: {"jsonrpc":"2.0","result":6,"id":1}
//   C: {"jsonrpc":"2.0","method":"nope","id":2}   (no params)
//   S: {"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":2}
//   C: {"jsonrpc":"2.0","method":"log","params":["client ready"]}   (notification: no id, no answer)
//   C: {"jsonrpc":"2.0","method":"slow","params":[300,"first"],"id":3}
//   C: {"jsonrpc":"2.0","method":"slow","params":[50,"second"],"id":4}
//   S: {"jsonrpc":"2.0","result":"second","id":4}   (answered first: 50 ms)
//   S: {"jsonrpc":"2.0","result":"first","id":3}    (300 ms)
//   C: Close 1000 "bye"    S: Close 1000 "bye" (echo)
import { Client, Server } from 'rpc-websockets';
import { setup, sleep, check } from '../scenarios/lib.mjs';

const { role, host, port, log, fail, url } = setup('jsonrpc');
const NS = '/rpc';

if (role === 'server') {
  const server = new Server({ host, port, perMessageDeflate: false });
  server.register('sum', (params) => params.reduce((a, b) => a + b, 0), NS);
  server.register('log', (params) => { log('log notification', JSON.stringify(params)); }, NS);
  server.register('slow', async ([ms, tag]) => { await sleep(ms); return tag; }, NS);
  server.on('error', fail);
  server.on('disconnection', () => {
    log('disconnection');
    server.close().then(() => process.exit(0), fail);
  });
  server.on('listening', () => process.stdout.write('READY\n'));
} else {
  const client = new Client(url(NS), { reconnect: false });
  client.on('error', fail);
  await new Promise((resolve) => client.once('open', resolve));
  await sleep(50);

  check((await client.call('sum', [1, 2, 3])) === 6, 'sum');
  await sleep(50);

  const error = await client.call('nope').then(() => null, (e) => e);
  log('nope ->', JSON.stringify(error));
  check(error && error.code === -32601, 'method not found');
  await sleep(50);

  await client.notify('log', ['client ready']);
  await sleep(50);

  const order = [];
  const first = client.call('slow', [300, 'first']).then((r) => { order.push(r); return r; });
  const second = client.call('slow', [50, 'second']).then((r) => { order.push(r); return r; });
  await Promise.all([first, second]);
  check(order.join() === 'second,first', 'answers in the opposite order');
  await sleep(50);

  const closed = new Promise((resolve) => client.once('close', (code, reason) => resolve([code, String(reason)])));
  client.close(1000, 'bye');
  log('closed', ...(await closed));
}
