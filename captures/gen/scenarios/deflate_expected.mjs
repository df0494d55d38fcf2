// Writes captures/deflate_expected.json: for each permessage-deflate capture
// recorded by record.sh (ws_deflate_takeover, ws_deflate_no_takeover,
// py_deflate_fragmented, chromium_deflate), the messages each side sent, in
// wire order, as the applications handed them over (uncompressed, fragments
// joined), taken from the scenarios' own data (deflate_data.mjs, and
// `py_deflate_fragmented.py data`), not from the captures; plus the
// Sec-WebSocket-Extensions values of the upgrade request ("offered") and of
// the 101 response ("extensions"), read from the capture with tshark and
// checked against what the scenario requires.
//
//   node captures/gen/scenarios/deflate_expected.mjs   (from the repository root)
//
// Needs tshark and /usr/bin/python3 (override with WSDISSECT_PYTHON); the
// output depends only on the scenarios' data and the negotiated values, so it
// does not change when the captures are re-recorded.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, WS_NO_TAKEOVER, WS_TAKEOVER, expectedForm } from './deflate_data.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const CAPTURES = join(HERE, '..', '..');
const PY = process.env.WSDISSECT_PYTHON || '/usr/bin/python3';

const fromSteps = ({ steps }) => ({
  client: steps.map((s) => expectedForm(s.client)),
  server: steps.map((s) => expectedForm(s.server)),
});
const py = JSON.parse(execFileSync(PY, [join(HERE, 'py_deflate_fragmented.py'), 'data'], { encoding: 'utf8' }));

const OFFER_WS = 'permessage-deflate; client_max_window_bits';
const captures = [
  { file: 'ws_deflate_takeover.pcap', port: 7681, offered: OFFER_WS, extensions: WS_TAKEOVER.extensions, ...fromSteps(WS_TAKEOVER) },
  { file: 'ws_deflate_no_takeover.pcap', port: 7682, offered: WS_NO_TAKEOVER.extensions, extensions: WS_NO_TAKEOVER.extensions, ...fromSteps(WS_NO_TAKEOVER) },
  {
    file: 'py_deflate_fragmented.pcap',
    port: 7683,
    offered: OFFER_WS,
    extensions: 'permessage-deflate; server_max_window_bits=12; client_max_window_bits=12',
    ...py,
  },
  { file: 'chromium_deflate.pcap', port: 8090, offered: OFFER_WS, extensions: 'permessage-deflate', ...fromSteps(CHROMIUM) },
];

// The values on the wire must be the ones the scenarios expect.
for (const c of captures) {
  const out = execFileSync(
    'tshark',
    ['-r', join(CAPTURES, c.file), '-d', `tcp.port==${c.port},http`, '-Y', 'http.sec_websocket_extensions',
      '-T', 'fields', '-e', 'http.response.code', '-e', 'http.sec_websocket_extensions'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const rows = out.trimEnd().split('\n').map((l) => l.split('\t'));
  const offered = rows.filter(([code]) => code === '').map(([, v]) => v);
  const answered = rows.filter(([code]) => code === '101').map(([, v]) => v);
  if (JSON.stringify(offered) !== JSON.stringify([c.offered]) || JSON.stringify(answered) !== JSON.stringify([c.extensions])) {
    throw new Error(`${c.file}: offered ${JSON.stringify(offered)}, answered ${JSON.stringify(answered)} on the wire`);
  }
}

const out = join(CAPTURES, 'deflate_expected.json');
writeFileSync(out, JSON.stringify(captures, null, 2) + '\n');
console.error(`wrote ${out}`);
