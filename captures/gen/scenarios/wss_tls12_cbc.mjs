// wss_tls12_cbc: the wss:// conversation of wss_common.mjs over TLSv1.2 with TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 only
// (both sides: minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA256').
import { run } from './wss_common.mjs';

await run('wss_tls12_cbc', {
  tlsOptions: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA256' },
  expect: { version: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256' },
});
