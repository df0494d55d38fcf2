// ws_deflate_no_takeover: `ws` client <-> `ws` server, permessage-deflate
// with threshold 0 and, requested by the client and granted by the server,
// no context takeover in either direction and 9-bit LZ77 windows
// (server_no_context_takeover, client_no_context_takeover,
// server_max_window_bits=9, client_max_window_bits=9).
//
// Conversation (deflate_data.mjs, WS_NO_TAKEOVER), each client message
// answered by the server with the same payload:
//   1-3  text   "heartbeat 1: ..." three times (213 bytes; no context
//               takeover: the three compressed payloads are identical)
//   4    text   the 277-byte JSON document; then the server pings "server-ping"
//   5    binary 4000 bytes, byte i = (i * 37 + (i >> 7)) & 0xff
//   6    text   92 bytes of non-ASCII UTF-8
//   7    text   136 bytes FRAGMENTED and compressed: client 31 + 11 + 94,
//               server 91 + 45 (RSV1 on the first frame of each only)
//   8    binary the first 1500 bytes of message 5, fragmented by the client
//               (700 + 800), answered in one frame
//   server close 1000 "server done", client's echo.
import { run } from './ws_deflate_common.mjs';
import { WS_NO_TAKEOVER } from './deflate_data.mjs';

await run('ws_deflate_no_takeover', {
  conversation: WS_NO_TAKEOVER,
  perMessageDeflate: {
    threshold: 0,
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    serverMaxWindowBits: 9,
    clientMaxWindowBits: 9,
  },
  expectedExtensions: WS_NO_TAKEOVER.extensions,
  path: '/deflate-no-takeover',
});
