// wss_tls12_aes256gcm: the wss:// conversation of wss_common.mjs over TLSv1.2 with TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 only
// (both sides: minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES256-GCM-SHA384').
import { run } from './wss_common.mjs';

await run('wss_tls12_aes256gcm', {
  tlsOptions: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES256-GCM-SHA384' },
  expect: { version: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' },
});
