// chromium_tls12_aes256gcm: the headless Chromium conversation of
// chromium_common.mjs over wss://, TLS 1.2 with ECDHE-RSA-AES256-GCM-SHA384:
// the server alone is restricted (minVersion and maxVersion: 'TLSv1.2',
// ciphers: 'ECDHE-RSA-AES256-GCM-SHA384'), so Chromium, which offers its usual
// list, has to agree to that.
import { run } from './chromium_common.mjs';

await run('chromium_tls12_aes256gcm', {
  tls: {
    options: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES256-GCM-SHA384' },
    expect: { version: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' },
  },
});
