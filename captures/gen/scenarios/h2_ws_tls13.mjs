// h2_ws_tls13: the WebSocket over HTTP/2 conversation of h2_common.mjs over
// TLS 1.3 with ALPN "h2" (both sides minVersion 'TLSv1.3', OpenSSL's default
// suites; SNI wss.test), the session keys in the NSS key log format:
// captures/tls/h2_ws_tls13.pcap and .keys.
import { run } from './h2_common.mjs';

await run('h2_ws_tls13', { secure: true });
