// wss_tls12_resume: TLS 1.2 session resumption, by session ID and by session
// ticket, in one recording of three wss:// connections between a `ws` client
// and a Node `https` server with a `ws` server, one after the other, all of
// ONE TLS session (one master secret, made by the first handshake):
//
//   a  full handshake. The client does not offer the session_ticket
//      extension (secureOptions SSL_OP_NO_TICKET on this connection only),
//      so the server, whose tickets are on, gives the session a session ID in
//      its ServerHello and stores it (its 'newSession' event, a Map).
//   b  resumed BY SESSION ID: the client passes a's session (tls.connect's
//      `session`) and offers an empty session_ticket extension; the server
//      finds the ID (its 'resumeSession' event), answers with an abbreviated
//      handshake (ServerHello with the same ID, no Certificate, no key
//      exchange) and, since the client offered the extension, sends a
//      NewSessionTicket for the same session before its ChangeCipherSpec.
//   c  resumed BY SESSION TICKET: the client passes b's session (which holds
//      the ticket b received; OpenSSL's client then sends, as the session ID,
//      the SHA-256 of the ticket) and the ticket in its session_ticket
//      extension; the server decrypts the ticket and answers with an
//      abbreviated handshake whose ServerHello echoes that ID.
//
// The order (ID first, ticket second) is the only one in which both
// resumptions reuse a's master secret: an OpenSSL server that will send a
// ticket gives the session no ID (so a session from a ticketed handshake
// cannot be resumed by ID), and OpenSSL's client replaces a session's ID
// with the SHA-256 of the ticket once it gets one.
//
// Both sides: TLSv1.2 only, ECDHE-RSA-AES128-GCM-SHA256 only, ALPN
// "http/1.1", SNI "wss.test", the client verifies the certificate; no
// permessage-deflate. Each connection: GET /PATH upgrade, 101; the client's
// text, the server's echo; the client's close 1000 with a reason, the
// server's close 1000 with the same reason; the server ends the TCP
// connection first.
//   a  GET /a  text "a: full handshake"             close 1000 "a done"
//   b  GET /b  text "b: resumed by session ID"      close 1000 "b done"
//   c  GET /c  text "c: resumed by session ticket"  close 1000 "c done"
//
// Key logs: every line of the client's TLS sockets' 'keylog' events goes to
// WSDISSECT_KEYLOG, every line of the server's to WSDISSECT_KEYLOG_SERVER
// (record.sh checks that they are the same lines). OpenSSL logs a
// CLIENT_RANDOM line for each connection, the resumed ones too (each with
// its own client random and the session's master secret).
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import { WebSocket, WebSocketServer } from 'ws';
import { setup, next, sleep, ready, check } from './lib.mjs';
import { toAddress } from './wss_common.mjs';

export const SNI = 'wss.test';
export const ALPN = 'http/1.1';
export const CIPHER = 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256';
const OPENSSL_CIPHER = 'ECDHE-RSA-AES128-GCM-SHA256';
/** The three connections, in order: path, the client's text, the close reason, how the handshake goes. */
export const CONNECTIONS = [
  { path: '/a', text: 'a: full handshake', reason: 'a done', resumed: false },
  { path: '/b', text: 'b: resumed by session ID', reason: 'b done', resumed: true },
  { path: '/c', text: 'c: resumed by session ticket', reason: 'c done', resumed: true },
];

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run the scenario through captures/gen/record.sh)`);
  return value;
};

const { role, host, port, log, fail } = setup('wss_tls12_resume', { deadlineMs: 10000 });
const tlsOptions = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: OPENSSL_CIPHER };
const cert = fs.readFileSync(env('WSDISSECT_TLS_CERT'));

const agreed = (socket, c) => {
  const got = { version: socket.getProtocol(), cipher: socket.getCipher().standardName, alpn: socket.alpnProtocol, reused: socket.isSessionReused() };
  log(c.path, 'TLS:', JSON.stringify(got));
  check(got.version === 'TLSv1.2' && got.cipher === CIPHER && got.alpn === ALPN, `TLSv1.2 ${CIPHER} ${ALPN}`);
  check(got.reused === c.resumed, `${c.path}: session ${c.resumed ? '' : 'not '}reused`);
};

if (role === 'server') {
  const keylog = env('WSDISSECT_KEYLOG_SERVER');
  const server = https.createServer({ cert, key: fs.readFileSync(env('WSDISSECT_TLS_KEY')), ALPNProtocols: [ALPN], ...tlsOptions });
  // The session cache for resumption by ID (Node's server keeps none of its own).
  const sessions = new Map();
  server.on('newSession', (id, data, done) => {
    log('new session, ID', id.toString('hex'));
    sessions.set(id.toString('hex'), data);
    done();
  });
  server.on('resumeSession', (id, done) => {
    log('resume session, ID', id.toString('hex'), sessions.has(id.toString('hex')) ? 'found' : 'not found');
    done(null, sessions.get(id.toString('hex')) ?? null);
  });
  server.on('keylog', (line) => fs.appendFileSync(keylog, line));
  server.on('tlsClientError', fail);
  server.on('request', (req) => fail(`unexpected plain request ${req.method} ${req.url}`));
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('error', fail);
  let n = 0;
  wss.on('connection', (ws, req) => {
    const c = CONNECTIONS[n++];
    check(c && req.url === c.path, `connection ${n} is GET ${c?.path} (got ${req.url})`);
    agreed(req.socket, c);
    // (Node's servername is false on a resumed connection, though the ClientHello has the SNI)
    log(c.path, 'servername', req.socket.servername);
    if (!c.resumed) check(req.socket.servername === SNI, `SNI ${SNI}`);
    ws.on('error', fail);
    ws.on('message', (data, isBinary) => {
      check(!isBinary && data.toString() === c.text, `${c.path}: the text`);
      ws.send(data, { binary: false });
    });
    ws.on('close', (code, reason) => {
      log(c.path, 'closed', code, reason.toString());
      check(code === 1000 && reason.toString() === c.reason, `${c.path}: close 1000 ${c.reason}`);
      if (n === CONNECTIONS.length) server.close(() => process.exit(0));
    });
  });
  server.listen(port, host, ready);
} else {
  const keylog = env('WSDISSECT_KEYLOG');
  let session = null;
  for (const [i, c] of CONNECTIONS.entries()) {
    const ws = new WebSocket(`wss://${SNI}${port === 443 ? '' : `:${port}`}${c.path}`, {
      perMessageDeflate: false,
      ca: cert,
      servername: SNI,
      ALPNProtocols: [ALPN],
      ...tlsOptions,
      // a: no session_ticket extension, so that the server gives the session an ID
      ...(i === 0 ? { secureOptions: crypto.constants.SSL_OP_NO_TICKET } : { session }),
      // wss.test is ADDRESS, the keys go to the key log
      ...toAddress(host, keylog),
    });
    ws.on('error', fail);
    await next(ws, 'open');
    const socket = ws._socket;
    agreed(socket, c);
    const ticket = socket.getTLSTicket();
    log(c.path, 'ticket:', ticket ? `${ticket.length} bytes` : 'none');
    if (i === 0) check(!ticket, 'a: no ticket');
    if (i === 1) check(ticket, 'b: a ticket from the server');
    // the session the next connection resumes: a's (by its ID), then b's (with b's ticket)
    if (i < 2) session = socket.getSession();
    await sleep(40);
    ws.send(c.text, { binary: false });
    const [data, isBinary] = await next(ws, 'message');
    check(!isBinary && data.toString() === c.text, `${c.path}: the echo`);
    await sleep(40);
    const closed = next(ws, 'close');
    ws.close(1000, c.reason);
    const [code, reason] = await closed;
    log(c.path, 'closed', code, reason.toString());
    check(code === 1000 && reason.toString() === c.reason, `${c.path}: the server's close`);
    if (!socket.destroyed) await next(socket, 'close');
    await sleep(100);
  }
  process.exit(0);
}
