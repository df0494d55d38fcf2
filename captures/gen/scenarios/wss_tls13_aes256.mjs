// wss_tls13_aes256: the wss:// conversation of wss_common.mjs over TLSv1.3 with TLS_AES_256_GCM_SHA384 only
// (both sides: minVersion: 'TLSv1.3', ciphers: 'TLS_AES_256_GCM_SHA384').
import { run } from './wss_common.mjs';

await run('wss_tls13_aes256', {
  tlsOptions: { minVersion: 'TLSv1.3', ciphers: 'TLS_AES_256_GCM_SHA384' },
  expect: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
});
