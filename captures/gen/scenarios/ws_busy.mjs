// ws_busy: a busy `ws` echo service, the real counterpart of the bench
// capture (test/bench/generate.mjs), recorded into bench-data/ by
// `npm run record -- bench/ws_busy` (about 100 MB; not committed, not used by
// the tests). permessage-deflate off on both sides.
//
// 4 connections, one after the other (GET /feed/1 … /feed/4), each of
// 25 000 client messages, every one echoed by the server as it came (same
// type, same bytes, one frame), so about 200 000 frames in all:
//   ~97 % text, JSON-like, 50–600 bytes ({"type":"quote","seq":N,…,"pad":"…"})
//    ~1 % binary, 2–16 KB (several 1448-byte segments each way)
//    ~2 % fragmented by the client: text (or now and then binary) in 2–4
//         frames (`ws.send(part, { fin: false })` … `{ fin: true }`), the
//         server's echo in one frame
//   a client ping ("keepalive N") every 300 messages, answered by ws's
//   automatic pong; a server ping ("server N") after every 2000th message
//   echoed, answered by the client's automatic pong.
// Then the client closes with 1000 "bye" and the server echoes it. Which FIN
// comes first is a race in ws: the server ends its socket once its close
// frame is written, the client as soon as that frame arrives; on a busy
// machine the client wins now and then (wsdissect's warning
// close.client-closed-tcp-first for that connection).
// The content comes from a seeded generator (the same every run); the
// masking keys are ws's own, random, and the TCP segmentation (and a tail
// loss probe now and then) the kernel's. Flow control: the client awaits
// each send's callback and keeps at most WINDOW messages unanswered, so
// neither side buffers much; the run takes a few seconds. The client checks
// every echo against what it sent, and both sides the counts of pongs.
import { WebSocket, WebSocketServer } from 'ws';
import { setup, next, ready, check } from './lib.mjs';
import { seeded } from '../../../test/bench/seeded.mjs';

const { role, host, port, log, fail, url } = setup('ws_busy', { deadlineMs: 110000 });
const CONNECTIONS = 4;
const MESSAGES = 25000; // per connection
const WINDOW = 32; // messages sent but not yet echoed, at most
const CLIENT_PING_EVERY = 300;
const SERVER_PING_EVERY = 2000;

// the bench's seeded sequence (test/bench/seeded.mjs)
const { random, pick } = seeded(0x5eed);
const words = ['price', 'order', 'tick', 'user', 'chat', 'status', 'update', 'quote', 'trade', 'heartbeat'];

/** A JSON-like text of exactly `length` bytes (50 ≤ length ≤ 600, ASCII). */
function text(conn, seq, length) {
  const head = `{"type":"${words[pick(10)]}","conn":${conn},"seq":${seq},"symbol":"SYM${pick(50)}","price":"${(100 + random() * 50).toFixed(4)}","size":${pick(10000)},"pad":"`;
  const body = head.length + 2 <= length ? head : `{"seq":${seq},"pad":"`;
  return `${body}${'abcdefghijklmnopqrstuvwxyz'.repeat(24).slice(0, Math.max(0, length - body.length - 2))}"}`;
}

/** Binary of 2048–16384 bytes: a counter pattern shifted by the message number. */
function binary(seq) {
  const n = 2048 + pick(16384 - 2048 + 1);
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i + seq + (i >> 8)) & 0xff;
  return b;
}

/** Cut `data` (string or Buffer) into `parts` non-empty pieces at random places. */
function cut(data, parts) {
  const cuts = new Set();
  while (cuts.size < parts - 1) cuts.add(1 + pick(data.length - 1));
  const at = [0, ...[...cuts].sort((a, b) => a - b), data.length];
  return at.slice(1).map((end, k) => (typeof data === 'string' ? data.slice(at[k], end) : data.subarray(at[k], end)));
}

if (role === 'server') {
  let closed = 0;
  const wss = new WebSocketServer({ host, port, perMessageDeflate: false });
  wss.on('listening', ready);
  wss.on('error', fail);
  wss.on('connection', (ws, req) => {
    let echoed = 0;
    let pings = 0;
    let pongs = 0;
    ws.on('error', fail);
    ws.on('message', (data, isBinary) => {
      ws.send(data, { binary: isBinary });
      if (++echoed % SERVER_PING_EVERY === 0) {
        pings++;
        ws.ping(`server ${echoed}`);
      }
    });
    ws.on('pong', () => pongs++);
    ws.on('close', (code, reason) => {
      log(req.url, 'closed', code, reason.toString(), `after ${echoed} messages echoed, ${pongs}/${pings} pongs`);
      check(code === 1000 && reason.toString() === 'bye', 'close 1000 "bye"');
      check(echoed === MESSAGES && pongs === pings, 'every message echoed, every ping answered');
      if (++closed === CONNECTIONS) wss.close(() => process.exit(0));
    });
  });
} else {
  const started = Date.now();
  let frames = 0;
  let bytes = 0;
  for (let conn = 1; conn <= CONNECTIONS; conn++) {
    const ws = new WebSocket(url(`/feed/${conn}`), { perMessageDeflate: false });
    ws.on('error', fail);
    await next(ws, 'open');
    const expected = []; // what each echo must be, oldest first
    let waiting = null; // resolves when the window has room again
    let pongs = 0;
    let serverPings = 0;
    ws.on('message', (data, isBinary) => {
      const want = expected.shift();
      check(want !== undefined, 'an echo of a message sent');
      const ok = typeof want === 'string' ? !isBinary && data.toString() === want : isBinary && data.equals(want);
      check(ok, `echo ${MESSAGES - expected.length} of connection ${conn}`);
      if (waiting && expected.length < WINDOW) {
        waiting();
        waiting = null;
      }
    });
    ws.on('pong', () => pongs++);
    ws.on('ping', () => serverPings++);
    const send = (data, options) => new Promise((resolve, reject) => ws.send(data, options, (err) => (err ? reject(err) : resolve())));
    let pings = 0;
    for (let seq = 1; seq <= MESSAGES; seq++) {
      if (expected.length >= WINDOW) await new Promise((resolve) => (waiting = resolve));
      const r = random();
      if (r < 0.01) {
        const data = binary(seq);
        expected.push(data);
        await send(data, { binary: true });
        frames++;
        bytes += data.length;
      } else if (r < 0.03) {
        const isBinary = pick(5) === 0;
        const data = isBinary ? binary(seq).subarray(0, 100 + pick(3000)) : text(conn, seq, 50 + pick(551));
        const parts = cut(data, 2 + pick(3));
        expected.push(data);
        for (const [k, part] of parts.entries()) await send(part, { binary: isBinary, fin: k === parts.length - 1 });
        frames += parts.length;
        bytes += data.length;
      } else {
        const data = text(conn, seq, 50 + pick(551));
        expected.push(data);
        await send(data);
        frames++;
        bytes += data.length;
      }
      if (seq % CLIENT_PING_EVERY === 0) {
        pings++;
        ws.ping(`keepalive ${seq}`);
        frames++;
      }
    }
    while (expected.length > 0) await new Promise((resolve) => (waiting = resolve));
    const closed = next(ws, 'close');
    ws.close(1000, 'bye');
    const [code, reason] = await closed;
    check(code === 1000 && reason.toString() === 'bye', 'close echo 1000 "bye"');
    check(pongs === pings, `${pongs} pongs for ${pings} pings`);
    frames++;
    log(`/feed/${conn} closed ${code}: ${pings} pings (${pongs} pongs), ${serverPings} server pings answered`);
  }
  log(`${CONNECTIONS} connections, ${frames} client frames, ${(bytes / 1048576).toFixed(1)} MB of client payload, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(0);
}
