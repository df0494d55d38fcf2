// chromium_tls12_cbc: the headless Chromium conversation of
// chromium_common.mjs over wss://, TLS 1.2 with ECDHE-RSA-AES128-SHA (CBC):
// the server alone is restricted (minVersion and maxVersion: 'TLSv1.2',
// ciphers: 'ECDHE-RSA-AES128-SHA'), so Chromium, which offers its usual list,
// has to agree to that.
import { run } from './chromium_common.mjs';

await run('chromium_tls12_cbc', {
  tls: {
    options: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA' },
    expect: { version: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA' },
  },
});
