// wss_tls13_chacha: the wss:// conversation of wss_common.mjs over TLSv1.3 with TLS_CHACHA20_POLY1305_SHA256 only
// (both sides: minVersion: 'TLSv1.3', ciphers: 'TLS_CHACHA20_POLY1305_SHA256').
import { run } from './wss_common.mjs';

await run('wss_tls13_chacha', {
  tlsOptions: { minVersion: 'TLSv1.3', ciphers: 'TLS_CHACHA20_POLY1305_SHA256' },
  expect: { version: 'TLSv1.3', cipher: 'TLS_CHACHA20_POLY1305_SHA256' },
});
