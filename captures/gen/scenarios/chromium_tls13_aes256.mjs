// chromium_tls13_aes256: the headless Chromium conversation of
// chromium_common.mjs over wss://, TLS 1.3 with TLS_AES_256_GCM_SHA384: the
// server alone is restricted (minVersion: 'TLSv1.3', ciphers:
// 'TLS_AES_256_GCM_SHA384'), so Chromium, which offers its usual list, has to
// agree to that.
import { run } from './chromium_common.mjs';

await run('chromium_tls13_aes256', {
  tls: {
    options: { minVersion: 'TLSv1.3', ciphers: 'TLS_AES_256_GCM_SHA384' },
    expect: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
  },
});
