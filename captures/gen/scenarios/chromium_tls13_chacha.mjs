// chromium_tls13_chacha: the headless Chromium conversation of
// chromium_common.mjs over wss://, TLS 1.3 with TLS_CHACHA20_POLY1305_SHA256:
// the server alone is restricted (minVersion: 'TLSv1.3', ciphers:
// 'TLS_CHACHA20_POLY1305_SHA256'), so Chromium, which offers its usual list,
// has to agree to that.
import { run } from './chromium_common.mjs';

await run('chromium_tls13_chacha', {
  tls: {
    options: { minVersion: 'TLSv1.3', ciphers: 'TLS_CHACHA20_POLY1305_SHA256' },
    expect: { version: 'TLSv1.3', cipher: 'TLS_CHACHA20_POLY1305_SHA256' },
  },
});
