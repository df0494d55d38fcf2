// chromium_tls12_chacha: the headless Chromium conversation of
// chromium_common.mjs over wss://, TLS 1.2 with ECDHE-RSA-CHACHA20-POLY1305:
// the server alone is restricted (minVersion and maxVersion: 'TLSv1.2',
// ciphers: 'ECDHE-RSA-CHACHA20-POLY1305'), so Chromium, which offers its usual
// list, has to agree to that.
import { run } from './chromium_common.mjs';

await run('chromium_tls12_chacha', {
  tls: {
    options: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' },
    expect: { version: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256' },
  },
});
