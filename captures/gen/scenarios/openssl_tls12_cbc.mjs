// openssl_tls12_cbc: wss:// over TLS 1.2 with a CBC suite in its original
// MAC-then-encrypt form (RFC 5246 §6.2.3.2: HMAC-SHA1 over the plaintext,
// then padding, then AES-128-CBC), not the encrypt-then-MAC of RFC 7366 that
// OpenSSL negotiates by default (wss_tls12_cbc). The client is OpenSSL's own
// `openssl s_client` with -no_etm, so its ClientHello does not offer the
// encrypt_then_mac extension (22) and the ServerHello cannot carry it; the
// server is a Node `https` server with a `ws` server that echoes every
// message. As in openssl_keyupdate.mjs (both run openssl_common.mjs), the
// upgrade request and the masked WebSocket frames are written by this script
// to s_client's stdin, STEP_MS apart, and s_client's stdout (with -quiet,
// exactly the cleartext the server sent) is parsed and compared with what
// was sent.
//
// server: TLS 1.2 only, ECDHE-RSA-AES128-SHA only, ALPN "http/1.1"; the lines
//   of its 'keylog' event go to WSDISSECT_KEYLOG_SERVER. It checks that the
//   suite is TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA.
// client: openssl s_client -connect HOST:PORT -tls1_2
//   -cipher ECDHE-RSA-AES128-SHA -no_etm -servername wss.test
//   -alpn http/1.1 -CAfile CERT -verify_return_error -keylogfile KEYS
//   -quiet -no_ign_eof
//   (-no_ign_eof: s_client ends the connection when its stdin ends; no data
//   write starts with one of s_client's command letters K, k, Q, R: the
//   request starts with "GET", a frame with 0x81, 0x82, 0x88 or 0x89).
//
// Conversation (client C, server S; no permessage-deflate: none is offered):
//   GET /cbc upgrade, 101
//   1  C -> S  text   "MAC-then-encrypt: HMAC-SHA1, then AES-128-CBC"
//                                                        S -> C  echo
//   2  C -> S  binary 1000 bytes, byte i = (i * 11 + 3) & 0xff (16-bit length)
//                                                        S -> C  echo
//   3  C -> S  ping   "cbc-ping"                         S -> C  pong
//   4  C -> S  binary 00 (one byte)                      S -> C  echo
//   5  C -> S  close  1000 "cbc done"                    S -> C  close 1000
//   then the script ends s_client's stdin: s_client sends its close_notify.
import { runOpensslScenario } from './openssl_common.mjs';

export { SNI, ALPN } from './openssl_common.mjs';

export const OPENSSL_CIPHER = 'ECDHE-RSA-AES128-SHA';
export const CIPHER = 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA';

/** The client's frames, in order (the server echoes each, a pong for the ping). */
export const STEPS = [
  { opcode: 1, payload: Buffer.from('MAC-then-encrypt: HMAC-SHA1, then AES-128-CBC') },
  { opcode: 2, payload: Buffer.alloc(1000).map((_, i) => (i * 11 + 3) & 0xff) },
  { opcode: 9, payload: Buffer.from('cbc-ping') },
  { opcode: 2, payload: Buffer.from([0]) },
];
export const CLOSE = { code: 1000, reason: 'cbc done' };

runOpensslScenario({
  name: 'openssl_tls12_cbc',
  deadlineMs: 10000,
  path: '/cbc',
  version: 'TLSv1.2',
  serverCiphers: OPENSSL_CIPHER,
  cipher: CIPHER,
  clientArgs: ['-tls1_2', '-cipher', OPENSSL_CIPHER, '-no_etm'],
  steps: STEPS,
  close: CLOSE,
});
