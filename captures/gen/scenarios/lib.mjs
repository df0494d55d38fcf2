// Shared helpers for the Node recording scenarios (no build step, plain ESM).
//
// Every scenario script is invoked as
//   node SCRIPT.mjs server|client HOST PORT
// by captures/gen/record.sh, inside a private network namespace. The server
// prints the line "READY" on stdout once it listens; record.sh waits for it
// before it starts the client. Both sides exit by themselves when the
// conversation is over, with status 0 on success and non-zero on any surprise.

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Parse `server|client HOST PORT` and arm a hard deadline. */
export function setup(name, { deadlineMs = 8000 } = {}) {
  const [role, host, portText] = process.argv.slice(2);
  const port = Number(portText);
  if (!['server', 'client'].includes(role) || !host || !Number.isInteger(port)) {
    console.error(`usage: node ${name}.mjs server|client HOST PORT`);
    process.exit(64);
  }
  const tag = `[${name} ${role}]`;
  const log = (...args) => console.error(tag, ...args);
  const fail = (why) => {
    console.error(tag, 'FAILED:', why instanceof Error ? why.stack : why);
    process.exit(1);
  };
  // Bounded run time: never hang the recorder.
  setTimeout(() => fail(`deadline of ${deadlineMs} ms exceeded`), deadlineMs).unref();
  process.on('unhandledRejection', fail);
  process.on('uncaughtException', fail);
  const url = (path) => `ws://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
  return { role, host, port, log, fail, url };
}

/** Resolve with the next event `name` emitted by `emitter` (first arguments as an array). */
export function next(emitter, name) {
  return new Promise((resolve) => emitter.once(name, (...args) => resolve(args)));
}

/** Tell record.sh that the server is listening. */
export function ready() {
  process.stdout.write('READY\n');
}

/** Throw unless `cond` holds. */
export function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
}

/**
 * A client whose upgrade the server must refuse: waits for the answer and
 * reads its body. `fail` ends the run if the upgrade succeeds or errors.
 */
export async function refusal(ws, fail) {
  ws.on('open', () => fail('the upgrade should have been refused'));
  ws.on('error', fail);
  const [req, res] = await next(ws, 'unexpected-response');
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk) => (body += chunk));
  await next(res, 'end');
  return { req, res, body };
}

/** Close our side of the refused request's TCP connection (the server may have half-closed it already). */
export async function hangUp(req) {
  const socket = req.socket;
  if (socket.destroyed) return;
  const closed = next(socket, 'close');
  req.destroy();
  await closed;
}
