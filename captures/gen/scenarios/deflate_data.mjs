// The messages of the Node-driven permessage-deflate scenarios
// (ws_deflate_takeover, ws_deflate_no_takeover, chromium_deflate), kept in
// one place so that the scenarios send exactly these and
// deflate_expected.mjs writes exactly these into captures/deflate_expected.json.
//
// A message is { type: 'text' | 'binary', chunks: [Buffer, ...] }: the
// payload as the application hands it over, uncompressed. One chunk is a
// message sent in one frame; several chunks are the fragments of one
// message (the application calls ws.send(chunk, { fin: false }) for all but
// the last). Chunk boundaries are byte offsets in the UTF-8 text and may cut
// a multi-byte character.
//
// A conversation is a list of steps { client, server }: the client sends
// `client`, the server checks it and answers with `server` (usually the same
// payload, sometimes fragmented differently). Steps may carry `pingBetween`
// (the client sends a ping between its first and second fragment) or
// `serverPingAfter` (the server pings once it has answered).

const utf8 = (s) => Buffer.from(s, 'utf8');

export function text(s) {
  return { type: 'text', chunks: [utf8(s)] };
}

export function binary(buf) {
  return { type: 'binary', chunks: [Buffer.from(buf)] };
}

/** A message cut at the given byte offsets (of its UTF-8 form for a text). */
export function fragmented(type, payload, cuts) {
  const bytes = typeof payload === 'string' ? utf8(payload) : Buffer.from(payload);
  const chunks = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (!(cut > start && cut <= bytes.length)) throw new Error(`bad cut ${cut}`);
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  return { type, chunks };
}

/** The whole payload of a message. */
export const payloadOf = (msg) => Buffer.concat(msg.chunks);

/** Same payload, same type (the fragmentation is not compared). */
export const samePayload = (msg, data, isBinary) =>
  (msg.type === 'binary') === isBinary && payloadOf(msg).equals(Buffer.from(data));

/** The form used in captures/deflate_expected.json. */
export function expectedForm(msg) {
  const bytes = payloadOf(msg);
  return msg.type === 'text'
    ? { type: 'text', text: bytes.toString('utf8') }
    : { type: 'binary', base64: bytes.toString('base64') };
}

/** 4000 bytes: byte i is (i * 37 + (i >> 7)) & 0xff. */
export const PATTERN_4000 = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 37 + (i >> 7)) & 0xff));

const heartbeat = (n) =>
  `heartbeat ${n}: the quick brown fox jumps over the lazy dog; ` +
  'the quick brown fox jumps over the lazy dog; '.repeat(3) +
  'all systems nominal.';

const TELEMETRY = JSON.stringify({
  type: 'telemetry',
  seq: 5,
  sensors: [
    { id: 'temp-1', value: 21.5, unit: 'C', ok: true },
    { id: 'temp-2', value: 21.7, unit: 'C', ok: true },
    { id: 'hum-1', value: 48, unit: '%', ok: true },
    { id: 'door', value: 'closed', unit: null, ok: true },
  ],
  note: 'repeated keys compress well',
});

const UNICODE = 'Grüße aus 東京 — Ünïcödé ✓ 🎉 Привет, мир! Γειά σου κόσμε';

// 136 bytes of UTF-8. The client cuts it at bytes 31 and 42, inside "ü"
// (c3|bc) and inside "東" (e6 9d|b1); the server at byte 91, inside "✓"
// (e2|9c 93), so no fragment is valid UTF-8 on its own (the cuts are
// checked at the end of this file).
const FRAGMENTED_TEXT =
  'Fragmentiert & komprimiert: Grüße aus 東京 — fragment after fragment after fragment ✓ ' +
  'fragment after fragment after fragment ✓';
const FRAG_CLIENT_CUTS = [31, 42];
const FRAG_SERVER_CUTS = [91];

// ---------------------------------------------------------------------------
// ws_deflate_takeover: ws <-> ws, permessage-deflate with context takeover.
export const WS_TAKEOVER = {
  steps: [
    ...[1, 2, 3, 4].map((n) => ({ client: text(heartbeat(n)), server: text(heartbeat(n)) })),
    { client: text(TELEMETRY), server: text(TELEMETRY) },
    { client: binary(PATTERN_4000), server: binary(PATTERN_4000) },
    { client: text(UNICODE), server: text(UNICODE) },
    {
      client: fragmented('text', FRAGMENTED_TEXT, FRAG_CLIENT_CUTS),
      server: fragmented('text', FRAGMENTED_TEXT, FRAG_SERVER_CUTS),
      pingBetween: 'ping-between-compressed-fragments',
    },
    // After the fragmented message the contexts go on: this shrinks to a few bytes.
    { client: text(heartbeat(1)), server: text(heartbeat(1)) },
  ],
  close: { by: 'client', code: 1000, reason: 'done' },
  // The Sec-WebSocket-Extensions header of the 101 response.
  extensions: 'permessage-deflate',
};

// ---------------------------------------------------------------------------
// ws_deflate_no_takeover: ws <-> ws, no context takeover either way, 9-bit windows.
export const WS_NO_TAKEOVER = {
  steps: [
    // Three times the same text: without context takeover every copy is
    // compressed from scratch, so the three compressed payloads are the same.
    ...[1, 2, 3].map(() => ({ client: text(heartbeat(1)), server: text(heartbeat(1)) })),
    { client: text(TELEMETRY), server: text(TELEMETRY), serverPingAfter: 'server-ping' },
    { client: binary(PATTERN_4000), server: binary(PATTERN_4000) },
    { client: text(UNICODE), server: text(UNICODE) },
    {
      client: fragmented('text', FRAGMENTED_TEXT, FRAG_CLIENT_CUTS),
      server: fragmented('text', FRAGMENTED_TEXT, FRAG_SERVER_CUTS),
    },
    {
      // A fragmented binary message, echoed in one frame.
      client: fragmented('binary', PATTERN_4000.subarray(0, 1500), [700]),
      server: binary(PATTERN_4000.subarray(0, 1500)),
    },
  ],
  close: { by: 'server', code: 1000, reason: 'server done' },
  extensions:
    'permessage-deflate; server_no_context_takeover; client_no_context_takeover; ' +
    'server_max_window_bits=9; client_max_window_bits=9',
};

// ---------------------------------------------------------------------------
// chromium_deflate: the page's script sends these (texts as strings, the
// binary one as an ArrayBuffer); the ws server echoes each one.
const JACK = 'All work and no play makes Jack a dull boy. '.repeat(100);
export const CHROMIUM_MESSAGES = [
  text('Hello from Chromium'),
  text(JACK),
  text(TELEMETRY),
  text(UNICODE),
  binary(Buffer.from(Array.from({ length: 3000 }, (_, i) => (i % 200) ^ ((i >> 8) & 0x0f)))),
  text(JACK),
  text('bye'),
];
export const CHROMIUM = {
  steps: CHROMIUM_MESSAGES.map((m) => ({ client: m, server: m })),
  close: { by: 'client', code: 1000, reason: 'page done' },
};

// ------------------------------------------------------------------ checks --
for (const cuts of [FRAG_CLIENT_CUTS, FRAG_SERVER_CUTS]) {
  const bytes = utf8(FRAGMENTED_TEXT);
  for (const cut of cuts) {
    // The byte after each cut is a UTF-8 continuation byte (10xxxxxx).
    if ((bytes[cut] & 0xc0) !== 0x80) throw new Error(`cut ${cut} is not inside a character`);
  }
}
