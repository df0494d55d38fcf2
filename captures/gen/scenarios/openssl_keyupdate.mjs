// openssl_keyupdate: a TLS 1.3 KeyUpdate (RFC 8446 §4.6.3) in the middle of
// a wss:// conversation. The client is OpenSSL's own `openssl s_client`,
// driven through its stdin: the HTTP upgrade request and the WebSocket
// frames are written by this script (masked, built here), and between them
// s_client's command letters `k` (send a KeyUpdate, update_not_requested) and
// `K` (send a KeyUpdate with update_requested, so that the server updates its
// own keys too). The server is a Node `https` server with a `ws` server that
// echoes every message.
//
// server: TLS 1.3 only, TLS_AES_128_GCM_SHA256 only, ALPN "http/1.1"; the
//   lines of its 'keylog' event go to WSDISSECT_KEYLOG_SERVER.
// client: openssl s_client -connect HOST:PORT -tls1_3 -servername wss.test
//   -alpn http/1.1 -CAfile CERT -verify_return_error -keylogfile KEYS
//   -quiet -no_ign_eof
//   (-quiet alone would imply -ign_eof, which turns the command letters off;
//   -no_ign_eof after it turns them back on and makes s_client end the
//   connection when its stdin ends). s_client looks at the first byte of
//   every read from its stdin: a read that starts with K, k, Q or R is a
//   command and is not sent. So every write is one read for s_client
//   (they are STEP_MS apart), the command letters are written alone ("k\n"),
//   and no data write starts with one of those letters (the request starts
//   with "GET", a frame with 0x81, 0x82, 0x88 or 0x89). With -quiet,
//   s_client's stdout is exactly the cleartext the server sent, which the
//   script parses (the 101, then the frames) and compares with what it sent.
//   The driver and the server are in openssl_common.mjs; this file adds the
//   KeyUpdate commands and, once s_client has exited, checks that its
//   messages report one KEYUPDATE per command.
//
// Conversation (client C, server S; no permessage-deflate: none is offered):
//   GET /keyupdate upgrade, 101
//   1  C -> S  text   "before any key update"            S -> C  echo
//   2  C -> S  binary 00 01 02 03 04 05 06 07            S -> C  echo
//   -  C: `k`  the client's KeyUpdate (update_not_requested): client keys 1
//   3  C -> S  text   "after the client's key update"    S -> C  echo
//   -  C: `K`  the client's KeyUpdate (update_requested): client keys 2;
//              the server answers with its own KeyUpdate: server keys 1
//   4  C -> S  text   "after both sides updated"          S -> C  echo
//   5  C -> S  ping   "ping after K"                      S -> C  pong
//   -  C: `K`  again: client keys 3, server keys 2
//   6  C -> S  binary 300 bytes, byte i = (i * 5) & 0xff  S -> C  echo
//   7  C -> S  text   "last words"                        S -> C  echo
//   8  C -> S  close  1000 "keys updated"                 S -> C  close 1000
//   then the script ends s_client's stdin: s_client sends its close_notify.
import { check } from './lib.mjs';
import { runOpensslScenario } from './openssl_common.mjs';

export { SNI, ALPN } from './openssl_common.mjs';

export const CIPHER = 'TLS_AES_128_GCM_SHA256';

/** What the client does, in order: a frame to send (opcode, payload), or a command letter for s_client. */
export const STEPS = [
  { opcode: 1, payload: Buffer.from('before any key update') },
  { opcode: 2, payload: Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]) },
  { command: 'k' },
  { opcode: 1, payload: Buffer.from("after the client's key update") },
  { command: 'K' },
  { opcode: 1, payload: Buffer.from('after both sides updated') },
  { opcode: 9, payload: Buffer.from('ping after K') },
  { command: 'K' },
  { opcode: 2, payload: Buffer.alloc(300).map((_, i) => (i * 5) & 0xff) },
  { opcode: 1, payload: Buffer.from('last words') },
];
export const CLOSE = { code: 1000, reason: 'keys updated' };

runOpensslScenario({
  name: 'openssl_keyupdate',
  deadlineMs: 12000,
  path: '/keyupdate',
  version: 'TLSv1.3',
  serverCiphers: CIPHER,
  cipher: CIPHER,
  clientArgs: ['-tls1_3'],
  steps: STEPS,
  close: CLOSE,
  afterExit: (stderr) => check(stderr.split('KEYUPDATE').length - 1 === STEPS.filter((s) => s.command).length, 'every KeyUpdate command taken'),
});
