// chromium_ws_plain: the headless Chromium conversation of chromium_common.mjs
// over plain ws:// (an `http` server), the same page and the same data as
// the wss:// recordings chromium_tls13_*.mjs and chromium_tls12_*.mjs.
import { run } from './chromium_common.mjs';

await run('chromium_ws_plain');
