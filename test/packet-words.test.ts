// A packet's summary (text/packets.ts) in each language: the English words
// exactly as before (the JSON, NDJSON and HTML exports keep them: a
// contract), the Chinese ones with no English word left but the protocol's
// own notation and what the capture itself says; and the ladder in Chinese
// (golden, reviewed like code; UPDATE_GOLDEN=1 rewrites it).
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyze, only } from './support/analyze.js';
import { ALL_FACTS, FACTS } from './support/packet-facts.js';
import { expectGolden } from './support/golden.js';
import type { PacketFact, Phase } from '../src/model.js';
import { describeFrame, entrySummary, packetSummary } from '../src/text/packets.js';
import { appText } from '../src/text/app-words.js';
import { ERROR_NAMES, FRAME_NAMES, SETTINGS_NAMES } from '../src/http2/frames.js';
import { ladderWords } from '../src/text/packet-words.js';
import { PHASE_NAMES, renderLadder } from '../src/render/ladder.js';
import { omittedLine } from '../src/render/capped.js';
import { PLAIN } from '../src/render/options.js';
import { visibleLength } from '../src/render/paint.js';
import { displayWidth, safeCut, sanitize } from '../src/util/text.js';

/** What the code before the languages said of each fact of support/packet-facts.ts, word for word. */
const ENGLISH: Record<keyof typeof FACTS | 'many', string[]> = {
  "keep-alive": [
    "TCP keep-alive",
  ],
  "retransmission": [
    "retransmission of 11 bytes already delivered",
    "retransmission of 1 byte already delivered",
  ],
  "out-of-order": [
    "out-of-order segment, 1448 bytes held until the hole before them fills",
  ],
  "late": [
    "out-of-order segment: 20 bytes the peer had already acknowledged, captured late (not lost)",
  ],
  "acked-unseen": [
    "ACKed unseen segment: acknowledges bytes from the client that the capture has not shown yet",
    "ACKed unseen segment: acknowledges bytes from the server that the capture has not shown yet",
  ],
  "gap": [
    "11 bytes before this segment were never captured (capture loss)",
    "acknowledges 1 byte from the server that the capture lost",
  ],
  "resync": [
    "frame decoding resumes here, after the lost bytes",
    "frame decoding resumes at a frame header after 7 bytes that could not be framed",
  ],
  "detected": [
    "WebSocket recognised from a run of valid frames",
    "WebSocket recognised from a run of valid frames (the first 3 bytes end a frame begun before the capture)",
  ],
  "opaque": [
    "32 bytes of data",
  ],
  "held": [
    "11 bytes sent before the server's answer arrived",
  ],
  "early-response": [
    "129 bytes of an HTTP response captured before the request it answers (the capture shows the client's packets late); read once the request is",
  ],
  "http-partial": [
    "part of an HTTP request (54 bytes)",
    "part of an HTTP response (1 byte)",
  ],
  "request": [
    "GET /chat HTTP/1.1 (Upgrade: websocket)",
    "GET /socket.io/?EIO=4&transport=polling HTTP/1.1 (Engine.IO long-polling, before the upgrade to WebSocket)",
    "GET /echo/info?t=1700000000 HTTP/1.1 (SockJS info request: the client asks the server's options before opening the WebSocket)",
    "GET /echo/info HTTP/1.1 (SockJS's info request if a SockJS client sent it: the client asks the server's options before opening the WebSocket)",
  ],
  "response": [
    "HTTP/1.1 101 Switching Protocols",
    "HTTP/1.1 403",
  ],
  "partial-frame": [
    "part of a Binary frame (1440 of 1500 payload bytes so far)",
    "part of a Reserved-3 frame (1 of 9 payload bytes so far)",
  ],
  "frame": [
    "Text [FIN] 5 bytes [MASKED] \"Hello\"",
    "Binary [FIN] 1 byte",
    "Continuation 36 bytes [MASKED] (compressed)",
    "Ping [FIN] 8 bytes [MASKED]",
    "Pong [FIN] 8 bytes (answers the ping in packet 14, round trip 920 µs)",
    "Pong [FIN] 0 bytes (answers the ping in packet 4, round trip 12.300 ms)",
    "Close [FIN] 1000 [MASKED]",
    "Close [FIN] 1001 \"bye now\"",
    "Close [FIN] [MASKED]",
    "Reserved-3 [FIN] [RSV2] [RSV3] 8 bytes",
    "Binary [FIN] 9223372036854775813 bytes [MASKED] (incomplete)",
    "Text [FIN] 2000 bytes [MASKED] \"abcdefghijklmnopqrstuvw…\" (reassembled from 2 segments) (incomplete: 1624 bytes never captured)",
    "Text [FIN] [RSV1] 20 bytes [MASKED] — compressed text message 0, 20 bytes inflating to 19 bytes: \"Hello from Chromium\"",
    "Continuation [FIN] 1 byte [MASKED] — compressed text message 6, 5 fragments, 93 bytes inflating to 98 bytes: \"Fragmented message from websock…\"",
    "Binary [FIN] [RSV1] 16312 bytes [MASKED] (reassembled from 12 segments) — compressed binary message 2, not inflated",
    "Continuation [FIN] 1 byte [MASKED] \"!\" — completes text message 1 (3 fragments, 11 bytes): \"Hello world!\"",
    "Continuation [FIN] 4 bytes [MASKED] — completes binary message 5 (2 fragments, 8 bytes)",
    "Text [FIN] 37 bytes [MASKED] — STOMP SEND /queue/a (application data)",
    "Text [FIN] 42 bytes — SockJS h (heartbeat) (framework)",
  ],
  "h2": [
    "HTTP/2 connection preface (PRI * HTTP/2.0)",
    "HTTP/2 HEADERS stream 3: CONNECT /chat (:protocol websocket)",
    "HTTP/2 HEADERS stream 1: :status 200 [END_STREAM]",
    "HTTP/2 DATA stream 3, 14 bytes",
    "HTTP/2 DATA stream 3, 1 byte [END_STREAM]",
    "HTTP/2 SETTINGS ENABLE_CONNECT_PROTOCOL=1, INITIAL_WINDOW_SIZE=1048576",
    "HTTP/2 SETTINGS ACK",
    "HTTP/2 WINDOW_UPDATE stream 0 +983041",
    "HTTP/2 RST_STREAM stream 5 CANCEL",
    "HTTP/2 GOAWAY last stream 7 NO_ERROR",
    "HTTP/2 PING ACK",
    "HTTP/2 PUSH_PROMISE stream 1 promises stream 2: GET /style.css",
    "HTTP/2 PRIORITY stream 9",
    "HTTP/2 frame type 0xa stream 0",
  ],
  "tls": [
    "TLS ClientHello (SNI wsd.test, ALPN h2, http/1.1)",
    "TLS ClientHello; TLS ClientHello (SNI a.test); TLS ClientHello (ALPN http/1.1)",
    "TLS ServerHello (TLS 1.3, TLS_AES_256_GCM_SHA384); TLS ChangeCipherSpec; 4 encrypted TLS records",
    "TLS HelloRetryRequest (TLS 1.3, TLS_AES_128_GCM_SHA256, ALPN http/1.1)",
    "TLS certificate; TLS alert handshake_failure; 1 encrypted TLS record",
    "3 encrypted TLS records (they do not open with the key log)",
    "1 encrypted TLS record (it does not open with the key log)",
    "3 encrypted TLS records (1 of them does not open with the key log)",
    "in 1 decrypted TLS record",
    "in 2 decrypted TLS records, opened with CLIENT_HANDSHAKE_TRAFFIC_SECRET (keys.log line 4) and CLIENT_TRAFFIC_SECRET_0 (keys.log line 5)",
    "in 1 decrypted TLS record, opened with SERVER_TRAFFIC_SECRET_0 after 2 KeyUpdates (keys.log line 3)",
    "part of a TLS record (1443 of 16401 bytes so far)",
    "TLS encrypted_extensions (ALPN http/1.1); TLS certificate (CN=wss.test, self-signed, valid until 2027-12-04)",
    "TLS encrypted_extensions; TLS certificate (CN=example.org, issued by C=US, O=Let's Encrypt, CN=R3, valid until 2027-01-31)",
  ],
  "many": [
    "Text [FIN] 5 bytes [MASKED] \"Hello\"; Binary [FIN] 1 byte; Continuation 36 bytes [MASKED] (compressed); (+2 more frames)",
    "SYN, ACK",
    "Text [FIN] 5 bytes [MASKED] \"Hello\" + FIN, ACK",
    "Text [FIN] 5 bytes [MASKED] \"Hello\"",
    "part of a Binary frame (1440 of 1500 payload bytes so far) + RST",
  ],
};

/** Several frames and TCP flags: the frames past the third counted, the flags told when they matter. */
function many(lang?: 'en' | 'zh-CN'): string[] {
  const f = FACTS.frame;
  const p = FACTS['partial-frame'];
  return [packetSummary(f.slice(0, 5), 0x18, lang), packetSummary([], 0x12, lang), packetSummary([f[0]!], 0x11, lang), packetSummary([f[0]!], 0x18, lang), packetSummary([p[0]!, p[1]!], 0x04, lang)];
}

/** The text of a fact that comes from the capture (a request or status line, a quoted payload, names a TLS handshake carries): it is shown as it is. */
function fromCapture(f: PacketFact): string[] {
  switch (f.kind) {
    case 'request':
      return [`${f.method} ${f.target} ${f.version}`];
    case 'response':
      return [`${f.version} ${f.status}${f.reason ? ` ${f.reason}` : ''}`];
    case 'frame':
      return [f.preview, f.close?.reason, f.completes?.preview, f.completes?.app ? appText(f.completes.app, 'zh-CN') : undefined].filter((x): x is string => typeof x === 'string');
    case 'tls':
      return f.records.flatMap((r) => (r.kind === 'client-hello' ? [r.sni, r.alpn?.join(', ')] : r.kind === 'server-hello' ? [r.version, r.suite, r.alpn] : r.kind === 'handshake' || r.kind === 'alert' ? [r.name] : r.kind === 'decrypted' ? r.keys.flatMap((k) => [k.label, k.file]) : r.kind === 'certificate' ? [r.subject, r.issuer] : r.kind === 'encrypted-extensions' ? [r.alpn] : [])).filter((x): x is string => typeof x === 'string');
    case 'h2':
      return [f.frame.method, f.frame.path, f.frame.protocol].filter((x): x is string => typeof x === 'string');
    default:
      return [];
  }
}

/** The protocols' own names and notation, which Chinese text writes as they are. */
const NOTATION = new Set(['TCP', 'SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'HTTP', 'TLS', 'WebSocket', 'Ping', 'Pong', 'ALPN', 'SNI', 'RFC', 'UTF-8', 'IP', 'RSV1', 'RSV2', 'RSV3', 'ClientHello', 'ServerHello', 'HelloRetryRequest', 'ChangeCipherSpec', 'KeyUpdate', 'encrypted_extensions', 'certificate', 'Engine.IO', 'SockJS', '/info',
  // HTTP/2's frame types, flags, settings and error codes, and its pseudo-header fields' names (":protocol", ":status")
  ...Object.values(FRAME_NAMES), ...Object.values(SETTINGS_NAMES), ...Object.values(ERROR_NAMES), 'END_STREAM', 'protocol', 'status', 'websocket', 'PRI']);

/** The Latin words of a Chinese summary that are neither the capture's own nor notation. */
function englishLeft(summary: string, told: readonly PacketFact[]): string[] {
  let rest = summary;
  for (const f of told) for (const s of fromCapture(f)) rest = rest.replace(s, ' ');
  rest = rest.replace(/\b0x[0-9a-f]+\b/g, ' ');
  return (rest.match(/\/?[A-Za-z][A-Za-z0-9._-]*/g) ?? []).filter((w) => !NOTATION.has(w.replace(/[.]$/, '')));
}

/** Chinese text: its characters, or its full-width punctuation (what a summary of notation alone says in Chinese: its brackets and commas) */
const CJK = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;

describe('packet summaries in English (the exports\' words)', () => {
  it.each(Object.keys(FACTS) as (keyof typeof FACTS)[])('says %s as before, with no language and with English', (kind) => {
    const facts: readonly PacketFact[] = FACTS[kind];
    expect(facts.map((f) => packetSummary([f], null))).toEqual(ENGLISH[kind]);
    expect(facts.map((f) => packetSummary([f], null, 'en'))).toEqual(ENGLISH[kind]);
    for (const f of facts) if (f.kind === 'frame') expect(describeFrame(f)).toBe(packetSummary([f], null));
  });

  it('counts the frames past the third and adds the flags that matter, as before', () => {
    expect(many()).toEqual(ENGLISH.many);
    expect(many('en')).toEqual(ENGLISH.many);
  });

  it('can still be handed to Array.map as it is: the index it is given is no language', async () => {
    const c = only(await analyze('captures/textbook_rfc6455.pcap'));
    expect(c.timeline.map(entrySummary)).toEqual(c.timeline.map((e) => e.summary));
  });
});

describe('packet summaries in Simplified Chinese', () => {
  it('words every kind of fact in Chinese, leaving only the capture\'s own text and the protocols\' notation in Latin letters', () => {
    for (const f of ALL_FACTS) {
      const zh = packetSummary([f], null, 'zh-CN');
      expect(englishLeft(zh, [f]), zh).toEqual([]);
      // a status line or a TLS handshake message's name is all some summaries are
      // (and an HTTP/2 SETTINGS or PING is its frame type, flags and parameters' names)
      const notation = f.kind === 'response' || (f.kind === 'tls' && f.records.every((r) => r.kind === 'handshake' || r.kind === 'change-cipher-spec')) || (f.kind === 'h2' && (f.frame.type === 0x4 || f.frame.type === 0x6));
      // (the preface is said in Chinese around its own notation: PRI * HTTP/2.0)
      if (!notation) {
        expect(zh, zh).toMatch(CJK);
        expect(zh).not.toBe(packetSummary([f], null));
        // and the check sees the English words it replaces (a TLS hello is named in TLS's words in either language)
        if (!(f.kind === 'tls' && f.records.every((r) => r.kind !== 'alert' && r.kind !== 'encrypted'))) expect(englishLeft(packetSummary([f], null), [f]).length, packetSummary([f], null)).toBeGreaterThan(0);
      }
    }
    for (const s of many('zh-CN')) expect(englishLeft(s, [...FACTS.frame, ...FACTS['partial-frame']]), s).toEqual([]);
    expect(many('zh-CN')[0]).toMatch(/（另有 2 个帧）$/);
    expect(many('zh-CN')[1]).toBe('SYN, ACK');
  });

  it('names frames as the other Chinese words do: the opcode\'s Chinese name, a space between a number and its unit', () => {
    const say = (f: PacketFact): string => packetSummary([f], null, 'zh-CN');
    expect(say(FACTS.frame[0]!)).toBe('文本帧 [FIN] 5 字节 [已加掩码] "Hello"');
    expect(say(FACTS.frame[4]!)).toBe('Pong 帧 [FIN] 8 字节（回应第 14 个包里的 Ping，往返 920 微秒）');
    expect(say(FACTS.frame[6]!)).toBe('关闭帧 [FIN] 1000 [已加掩码]');
    expect(say(FACTS.request[0]!)).toBe('GET /chat HTTP/1.1（请求升级为 WebSocket）');
    expect(say(FACTS.tls[0]!)).toBe('TLS ClientHello（SNI wsd.test，ALPN h2, http/1.1）');
    for (const f of ALL_FACTS) expect(say(f)).not.toMatch(/\d字节|个包里的 Ping，往返 \d+ (µs|ms)/);
  });

  const SOURCES = [
    ...['captures', 'captures/violations', 'captures/app', 'captures/snaplen'].flatMap((dir) => readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => `${dir}/${f}`)),
    'captures/hostile/escapes.pcap',
    'captures/hostile/frame_2e63.pcap',
    'captures/hostile/out_of_order.pcap.gz',
    'captures/hostile/resync_flood.pcap.gz',
  ];

  it('says every packet of the committed captures in Chinese, and cuts a summary to its room by columns', { timeout: 120_000 }, async () => {
    const kinds = new Set<string>();
    const checked = new Set<string>();
    for (const file of SOURCES) {
      for (const c of (await analyze(file)).connections) {
        for (const e of c.timeline) {
          for (const f of e.told) kinds.add(f.kind);
          const zh = entrySummary(e, 'zh-CN');
          if (checked.has(zh)) continue;
          checked.add(zh);
          expect(englishLeft(zh, e.told), `${file} packet ${e.packet}: ${zh}`).toEqual([]);
          // what the walkthrough and the ladder do: cut to the room, by terminal columns (a Chinese character takes two)
          for (const room of [12, 25, 40, 77]) {
            const cut = safeCut(zh, room);
            expect(displayWidth(cut), `${zh} in ${room}`).toBeLessThanOrEqual(room);
            if (displayWidth(sanitize(zh)) <= room) expect(cut).toBe(sanitize(zh));
          }
        }
      }
    }
    expect(checked.size).toBeGreaterThan(100);
    for (const kind of ['frame', 'request', 'response', 'tls', 'gap', 'resync', 'detected', 'retransmission', 'out-of-order', 'partial-frame', 'keep-alive', 'held']) expect(kinds, kind).toContain(kind);
  });
});

describe('the ladder in Simplified Chinese', () => {
  const zh = (width: number, color = false) => ({ ...PLAIN, width, color, lang: 'zh-CN' as const });

  it('draws the textbook capture\'s golden ladder at width 100', async () => {
    const c = only(await analyze('captures/textbook_rfc6455.pcap'));
    const ladder = renderLadder(c, zh(100));
    expectGolden('test/golden/ladder/zh-CN/textbook_rfc6455.w100.txt', ladder);
    const rules = ladder.split('\n').map((l) => /^── (.+?) ─+$/.exec(l)?.[1]).filter((x) => x !== undefined);
    expect(rules).toEqual(['TCP 三次握手', 'WebSocket 握手', '数据传输', '关闭握手', 'TCP 四次挥手']);
    expect(ladder.split('\n')[0]).toMatch(/^序号 {6}时间  客户端 192\.0\.2\.10:51000 +服务器 192\.0\.2\.20:80$/);
  });

  it('names every phase in Chinese, and in English as before', () => {
    for (const p of Object.keys(PHASE_NAMES) as Phase[]) {
      expect(ladderWords('zh-CN').phase(p)).toMatch(CJK);
      expect(ladderWords(undefined).phase(p)).toBe(PHASE_NAMES[p]);
    }
  });

  it.each([60, 80, 100, 160])('fits width %i with its lifelines lined up, with and without colour', async (width) => {
    for (const file of readdirSync('captures').filter((f) => f.endsWith('.pcap'))) {
      for (const c of (await analyze(`captures/${file}`)).connections) {
        for (const color of [false, true]) {
          const lines = renderLadder(c, zh(width, color)).trimEnd().split('\n');
          const rows = lines.filter((l) => /│.*│$/.test(l));
          expect(rows.length, file).toBeGreaterThan(0);
          for (const line of lines) {
            expect(visibleLength(line), `${file}: ${line}`).toBeLessThanOrEqual(width);
            expect(line).not.toMatch(/ $/);
          }
          // every arrow, whatever its words, ends on the server's lifeline
          for (const row of rows) expect(visibleLength(row), `${file}: ${row}`).toBe(visibleLength(rows[0]!));
        }
      }
    }
  });

  const cli = (...args: string[]): string => spawnSync(process.execPath, ['dist/cli.js', 'captures/textbook_rfc6455.pcap', '--ladder', '--width', '80', ...args], { encoding: 'utf8' }).stdout;

  it('says what a selection kept, or that it kept nothing, in Chinese, and in English as before', () => {
    expect(cli('--opcode', 'close', '--lang', 'zh-CN').split('\n')[1]).toBe('按 --opcode close 选出：20 个包中的 13 个');
    expect(cli('--opcode', 'close', '--lang', 'en').split('\n')[1]).toBe('selected by --opcode close: 13 of 20 packets');
    expect(cli('--opcode', 'ping', '--phase', 'data', '--lang', 'zh-CN').split('\n')[1]).toBe('没有包符合 --opcode ping --phase data（20 个包中的 0 个）');
    expect(cli('--opcode', 'ping', '--phase', 'data', '--lang', 'en').split('\n')[1]).toBe('no packet matches --opcode ping --phase data (0 of 20 packets)');
  });

  it('says in explain mode too what a selection kept, as Chinese sentences', () => {
    const explain = (...args: string[]): string => spawnSync(process.execPath, ['dist/cli.js', 'captures/textbook_rfc6455.pcap', '--explain', '--width', '200', ...args], { encoding: 'utf8' }).stdout;
    const kept = explain('--opcode', 'close', '--lang', 'zh-CN');
    expect(kept).toContain('\n  按 --opcode close 选出：5 个帧中的 2 个，20 个包中的 13 个\n');
    expect(kept).toContain('\n4. 帧（2/5 个），按 RFC 6455 §5.2 的格式展开\n');
    expect(explain('--opcode', 'ping', '--phase', 'data', '--lang', 'zh-CN')).toContain('\n  没有帧符合 --opcode ping --phase data（5 个帧中的 0 个）。\n');
    expect(explain('--opcode', 'ping', '--phase', 'data')).toContain('\n  No frame matches --opcode ping --phase data (0 of 5 frames).\n');
    expect(explain('--lang', 'zh-CN')).toContain('\n4. 帧（共 5 个），按 RFC 6455 §5.2 的格式展开\n');
  });

  it('counts the diagnostics a list left out in Chinese, and in English as before', () => {
    expect(omittedLine('frame.client-unmasked', 980)).toBe('… and 980 more frame.client-unmasked (--json or --ndjson lists every one)');
    expect(omittedLine('frame.client-unmasked', 980, 'en')).toBe(omittedLine('frame.client-unmasked', 980));
    expect(omittedLine('frame.client-unmasked', 980, 'zh-CN')).toBe('……另有 980 条 frame.client-unmasked（--json 或 --ndjson 会全部列出）');
  });
});
