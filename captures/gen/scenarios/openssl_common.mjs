// The part openssl_keyupdate.mjs and openssl_tls12_cbc.mjs share: a wss://
// conversation whose client is OpenSSL's own `openssl s_client`, driven
// through its stdin, and whose server is a Node `https` server with a `ws`
// server that echoes every message.
//
// server: one TLS version, one cipher suite, ALPN "http/1.1"; the lines of its
//   'keylog' event go to WSDISSECT_KEYLOG_SERVER. It checks the negotiated
//   version, suite, SNI and ALPN, the close, and that every message arrived.
// client: openssl s_client -connect HOST:PORT VERSION_ARGS -servername wss.test
//   -alpn http/1.1 -CAfile CERT -verify_return_error -keylogfile KEYS
//   -quiet -no_ign_eof
//   (-quiet alone would imply -ign_eof, which turns the command letters off;
//   -no_ign_eof after it turns them back on and makes s_client end the
//   connection when its stdin ends). s_client looks at the first byte of
//   every read from its stdin: a read that starts with K, k, Q or R is a
//   command and is not sent. So every write is one read for s_client (they
//   are STEP_MS apart), a command letter is written alone ("k\n"), and no data
//   write starts with one of those letters (the request starts with "GET", a
//   frame with 0x81, 0x82, 0x88 or 0x89). With -quiet, s_client's stdout is
//   exactly the cleartext the server sent, which the client parses (the 101,
//   then the frames) and compares with what it sent.
//
// The client sends the upgrade (GET PATH), then each step in turn: a masked
// frame, whose echo (a pong for a ping) it waits for, or a command letter;
// then the close, waits for the server's, and ends s_client's stdin, so that
// s_client sends its close_notify.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import { WebSocketServer } from 'ws';
import { setup, sleep, ready, check } from './lib.mjs';

export const SNI = 'wss.test';
export const ALPN = 'http/1.1';
const STEP_MS = 150;

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run the scenario through captures/gen/record.sh)`);
  return value;
};

/** A masked client frame (FIN set), RFC 6455 §5.2, payload shorter than 65536 bytes. */
function maskedFrame(opcode, payload) {
  const key = randomBytes(4);
  const header = payload.length < 126 ? Buffer.from([0x80 | opcode, 0x80 | payload.length]) : Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const body = Buffer.from(payload).map((b, i) => b ^ key[i & 3]);
  return Buffer.concat([header, key, body]);
}

/** Unmasked server frames from the start of `buf`: [{ fin, opcode, payload }], and the bytes used. */
function parseFrames(buf) {
  const frames = [];
  let at = 0;
  for (;;) {
    if (buf.length - at < 2) break;
    const b0 = buf[at];
    const b1 = buf[at + 1];
    check((b1 & 0x80) === 0, 'server frames are not masked');
    let len = b1 & 0x7f;
    let start = at + 2;
    if (len === 126) {
      if (buf.length - at < 4) break;
      len = buf.readUInt16BE(at + 2);
      start = at + 4;
    }
    check(len !== 127, 'no 64-bit lengths here');
    if (buf.length < start + len) break;
    frames.push({ fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload: buf.subarray(start, start + len) });
    at = start + len;
  }
  return { frames, used: at };
}

/**
 * Run the side of the scenario that record.sh asked for, and exit.
 *   name, deadlineMs  for setup()
 *   path              the WebSocket's path ("/keyupdate")
 *   version           'TLSv1.3' or 'TLSv1.2': the only one the server takes
 *   serverCiphers     the server's `ciphers` option (OpenSSL's names)
 *   cipher            the suite's standard name, which the server checks
 *   clientArgs        s_client's options between -connect and -servername
 *   steps             [{ opcode, payload } | { command }], in order
 *   close             { code, reason }
 *   afterExit(stderr) the client's last checks, once s_client has exited
 */
export function runOpensslScenario({ name, deadlineMs, path, version, serverCiphers, cipher, clientArgs, steps, close: CLOSE, afterExit }) {
  const { role, host, port, log, fail } = setup(name, { deadlineMs });
  if (role === 'server') server();
  else client();

  function server() {
    const keylog = env('WSDISSECT_KEYLOG_SERVER');
    const server = https.createServer({
      cert: fs.readFileSync(env('WSDISSECT_TLS_CERT')),
      key: fs.readFileSync(env('WSDISSECT_TLS_KEY')),
      minVersion: version,
      ...(version === 'TLSv1.2' ? { maxVersion: version } : {}),
      ciphers: serverCiphers,
      ALPNProtocols: [ALPN],
    });
    server.on('keylog', (line) => fs.appendFileSync(keylog, line));
    server.on('tlsClientError', fail);
    server.on('request', (req) => fail(`unexpected plain request ${req.method} ${req.url}`));
    const wss = new WebSocketServer({ server, path });
    wss.on('error', fail);
    wss.on('connection', (ws, req) => {
      const s = req.socket;
      log('TLS:', s.getProtocol(), s.getCipher().standardName, 'SNI', s.servername, 'ALPN', s.alpnProtocol);
      check(s.getProtocol() === version && s.getCipher().standardName === cipher, `${version} ${cipher}`);
      check(s.servername === SNI && s.alpnProtocol === ALPN, `SNI ${SNI}, ALPN ${ALPN}`);
      let count = 0;
      ws.on('error', fail);
      ws.on('message', (data, isBinary) => {
        count++;
        ws.send(data, { binary: isBinary });
      });
      ws.on('ping', (data) => log('ping', JSON.stringify(data.toString())));
      ws.on('close', (code, reason) => {
        log('closed', code, reason.toString(), `after ${count} messages`);
        check(code === CLOSE.code && reason.toString() === CLOSE.reason, `close ${CLOSE.code}`);
        check(count === steps.filter((s) => s.opcode === 1 || s.opcode === 2).length, 'every message received');
        server.close(() => process.exit(0));
      });
    });
    server.listen(port, host, ready);
  }

  async function client() {
    const args = [
      's_client',
      '-connect', `${host}:${port}`,
      ...clientArgs,
      '-servername', SNI,
      '-alpn', ALPN,
      '-CAfile', env('WSDISSECT_TLS_CERT'),
      '-verify_return_error',
      '-keylogfile', env('WSDISSECT_KEYLOG'),
      '-quiet',
      '-no_ign_eof',
    ];
    log(`running openssl ${args.join(' ')}`);
    const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    child.on('error', (err) => fail(`cannot run openssl: ${err.message}`));
    child.stdin.on('error', (err) => log('stdin:', err.message));
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));

    // Everything the server sent, as s_client printed it.
    let received = Buffer.alloc(0);
    let waiter = null;
    child.stdout.on('data', (d) => {
      received = Buffer.concat([received, d]);
      waiter?.();
    });
    const until = async (what, test) => {
      for (;;) {
        const got = test();
        if (got !== undefined) return got;
        const more = new Promise((resolve) => (waiter = resolve));
        const gone = exited.then((code) => fail(`s_client exited (${code}) while waiting for ${what}:\n${stderr}`));
        await Promise.race([more, gone]);
      }
    };
    const write = async (bytes) => {
      child.stdin.write(bytes);
      await sleep(STEP_MS);
    };

    // The upgrade.
    const key = randomBytes(16).toString('base64');
    await sleep(STEP_MS); // the handshake
    await write(
      `GET ${path} HTTP/1.1\r\nHost: ${SNI}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nUser-Agent: openssl-s_client-by-hand\r\n\r\n`,
    );
    const head = await until('the 101', () => {
      const end = received.indexOf('\r\n\r\n');
      return end < 0 ? undefined : end + 4;
    });
    const response = received.subarray(0, head).toString('latin1');
    received = received.subarray(head);
    log('response:', JSON.stringify(response));
    check(/^HTTP\/1\.1 101 /.test(response), '101 Switching Protocols');
    const accept = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    check(response.includes(`Sec-WebSocket-Accept: ${accept}\r\n`), 'Sec-WebSocket-Accept');

    // Wait for the server's next frame: the echo (opcode as sent) or the pong.
    const nextFrame = () =>
      until('a frame', () => {
        const { frames, used } = parseFrames(received);
        if (frames.length === 0) return undefined;
        received = received.subarray(used);
        check(frames.length === 1, 'one frame at a time');
        return frames[0];
      });

    for (const step of steps) {
      if (step.command) {
        log(`command ${step.command}`);
        await write(`${step.command}\n`);
        continue;
      }
      await write(maskedFrame(step.opcode, step.payload));
      const frame = await nextFrame();
      const opcode = step.opcode === 9 ? 10 : step.opcode;
      check(frame.fin && frame.opcode === opcode && frame.payload.equals(step.payload), `echo of ${step.payload.length} bytes, opcode ${step.opcode}`);
    }
    const reason = Buffer.from(CLOSE.reason);
    const closePayload = Buffer.concat([Buffer.from([CLOSE.code >> 8, CLOSE.code & 0xff]), reason]);
    await write(maskedFrame(8, closePayload));
    const close = await nextFrame();
    check(close.opcode === 8 && close.payload.equals(closePayload), `the server's close ${CLOSE.code}`);
    child.stdin.end();
    const code = await exited;
    log(`s_client exited with ${code}; its messages:`, JSON.stringify(stderr));
    afterExit?.(stderr);
    process.exit(0);
  }
}
