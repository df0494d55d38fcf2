// wss_tls13_aes128: the wss:// conversation of wss_common.mjs over TLSv1.3 with TLS_AES_128_GCM_SHA256 only
// (both sides: minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256').
import { run } from './wss_common.mjs';

await run('wss_tls13_aes128', {
  tlsOptions: { minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' },
  expect: { version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' },
});
