// ws_deflate_takeover: `ws` client <-> `ws` server, permessage-deflate on
// both sides with threshold 0 (every data message is compressed) and context
// takeover in both directions (ws's default), 15-bit windows.
//
// Conversation (deflate_data.mjs, WS_TAKEOVER), the server answering each
// client message with the same payload:
//   1-4  text   "heartbeat N: the quick brown fox ..." (213 bytes each;
//               thanks to context takeover 2-4 shrink to a few bytes)
//   5    text   a 277-byte JSON document
//   6    binary 4000 bytes, byte i = (i * 37 + (i >> 7)) & 0xff
//   7    text   92 bytes of non-ASCII UTF-8 (umlauts, CJK, emoji, Cyrillic, Greek)
//   8    text   136 bytes, FRAGMENTED and compressed: the client sends 3
//               frames (31 + 11 + 94 bytes before compression; RSV1 on the
//               first frame only) with a ping between the first and the
//               second; the server answers in 2 fragments (91 + 45 bytes).
//               Every cut falls inside a multi-byte character.
//   9    text   message 1 again (the contexts survive the fragmented message)
//   client close 1000 "done", server's echo.
import { run } from './ws_deflate_common.mjs';
import { WS_TAKEOVER } from './deflate_data.mjs';

await run('ws_deflate_takeover', {
  conversation: WS_TAKEOVER,
  perMessageDeflate: { threshold: 0 },
  expectedExtensions: WS_TAKEOVER.extensions,
  path: '/deflate',
});
