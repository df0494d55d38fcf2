// wss_tls12_chacha: the wss:// conversation of wss_common.mjs over TLSv1.2 with TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 only
// (both sides: minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305').
import { run } from './wss_common.mjs';

await run('wss_tls12_chacha', {
  tlsOptions: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' },
  expect: { version: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256' },
});
