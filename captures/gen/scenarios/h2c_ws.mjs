// h2c_ws: the WebSocket over HTTP/2 conversation of h2_common.mjs in the
// clear, HTTP/2 with prior knowledge (the client starts with the connection
// preface; no HTTP/1.1 Upgrade): captures/h2/h2c_ws.pcap.
import { run } from './h2_common.mjs';

await run('h2c_ws');
