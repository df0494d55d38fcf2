// wss_tls12_aes128gcm: the wss:// conversation of wss_common.mjs over TLSv1.2 with TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 only
// (both sides: minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256').
import { run } from './wss_common.mjs';

await run('wss_tls12_aes128gcm', {
  tlsOptions: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' },
  expect: { version: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' },
});
