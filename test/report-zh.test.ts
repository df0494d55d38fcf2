// The default report in Simplified Chinese (--lang zh-CN): golden reports of
// a textbook capture, a compressed one and an application protocol's; on
// every committed capture, no English word left in what the report says
// (what came from the capture, and the walkthrough's summaries, aside), and
// no line wider than the width in terminal columns (a Chinese character
// takes two).
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../src/index.js';
import { PLAIN } from '../src/render/options.js';
import { TerminalSink } from '../src/render/sinks.js';
import { renderConnection } from '../src/render/terminal.js';
import { visibleLength } from '../src/render/paint.js';
import { endpoint, protocolLabel } from '../src/render/kind.js';
import { capByCode, omittedLine } from '../src/render/capped.js';
import { storyOfLists } from '../src/analyze/story.js';
import { APP_LABELS } from '../src/app/protocols.js';
import { WEBSOCKET_GUID } from '../src/http/handshake.js';
import { explainWords } from '../src/text/explain-words.js';
import { entrySummary } from '../src/text/packets.js';
import { cutWidth, safeCut, sanitize } from '../src/util/text.js';
import type { Connection } from '../src/model.js';
import { analyze, type Held } from './support/analyze.js';
import { expectGolden } from './support/golden.js';

const ZH = { ...PLAIN, lang: 'zh-CN' as const, previewWidth: 40 };

async function report(file: string, width: number): Promise<string> {
  let out = '';
  await analyzeCapture(file, new TerminalSink((t) => (out += t), { ...ZH, width }));
  return out;
}

describe('the default report in Simplified Chinese (--lang zh-CN)', () => {
  it.each(['textbook_rfc6455.pcap', 'chromium_deflate.pcap', 'app/stomp_ws.pcap'])('matches its golden report of %s at 100 columns', async (file) => {
    const text = await report(`captures/${file}`, 100);
    expectGolden(`test/golden/report/zh-CN/${file.replace(/^app\//, '').replace(/\.pcap$/, '.txt')}`, text);
    for (const line of text.split('\n')) {
      expect(visibleLength(line), line).toBeLessThanOrEqual(100);
      // Chinese punctuation that closes never starts a line, and none that opens ends one
      expect(line.trimStart()).not.toMatch(/^[，。、：；！？）」』】]/);
      expect(line).not.toMatch(/[（「『【]$/);
    }
  });
});

const FILES = [
  ...readdirSync('captures').filter((f) => f.endsWith('.pcap')).map((f) => `captures/${f}`),
  ...readdirSync('captures/violations').filter((f) => f.endsWith('.pcap')).map((f) => `captures/violations/${f}`),
  ...readdirSync('captures/app').filter((f) => f.endsWith('.pcap')).map((f) => `captures/app/${f}`),
].sort();

/** Names of protocols, fields and bits, abbreviations and notation the Chinese report writes as they are. */
const TERMS = new Set([
  'TCP', 'SYN', 'ACK', 'FIN', 'RST', 'SYN-ACK', 'FIN/ACK', 'HTTP', 'HTTP/1.1', 'TLS', 'WebSocket', 'WS', 'Ping', 'Pong', 'GUID', 'SHA-1', 'base64', 'UTF-8', 'RFC',
  'permessage-deflate', 'Accept', 'RSV', 'MASK', 'F', 'M', 'URL', 'wss', 'wsdissect',
  // HTTP/2 (RFC 9113) and WebSocket over it (RFC 8441): the version, its forms, frame types, flags, settings and the extended CONNECT
  // (its constants END_STREAM, RST_STREAM and SETTINGS_ENABLE_CONNECT_PROTOCOL come in words split at their underscores)
  'HTTP/2', 'h2', 'h2c', 'CONNECT', 'END', 'STREAM', 'SETTINGS', 'ENABLE', 'PROTOCOL', 'DATA', 'HEADERS', 'GOAWAY', 'protocol', 'status', 'PRI',
]);

/** What a connection's report shows of the capture itself: the handshake's lines, the application's names, what its protocol is, the diagnostics' codes. */
function fromCapture(c: Held): string[] {
  const out: string[] = [];
  const hs = c.handshake;
  if (hs) {
    const { request: req, response: res } = hs;
    out.push(req.method, req.target, safeCut(req.target, 40), req.version, ...req.headers.flat());
    if (res) out.push(res.version, String(res.status), res.reason, ...res.headers.flat());
    out.push(...hs.offeredSubprotocols, ...hs.offeredExtensions, hs.subprotocol ?? '', hs.key ?? '', hs.accept ?? '', hs.expectedAccept ?? '', WEBSOCKET_GUID);
    for (const e of hs.extensions) out.push(e.name, ...Object.entries(e.params).map(([k, v]) => (v === true ? k : `${k}=${v}`)));
  }
  if (c.app) out.push(APP_LABELS[c.app.decoder], ...(c.story ?? storyOfLists(c as unknown as Connection)).app.types.flatMap((t) => [t.name, cutWidth(t.name, 40)]));
  out.push(protocolLabel(c as unknown as Connection, 'zh-CN'), endpoint(c.client), endpoint(c.server));
  // the streams of the HTTP/2 it carries: their requests (method, path, :protocol) and errors are the capture's
  for (const s of c.http2?.streams ?? []) out.push(...[s.method, s.path, s.protocol, s.reset?.error].filter((x): x is string => x !== null && x !== undefined));
  // a packet's summary is told in Chinese (test/packet-words.test.ts holds those words to Chinese), the HTTP messages of a connection that is not WebSocket too
  for (const e of c.timeline) out.push(entrySummary(e), entrySummary(e, 'zh-CN'));
  for (const [code, n] of capByCode(c.diagnostics).omitted) out.push(omittedLine(code, n));
  // (what has no Latin letter needs no taking out)
  return out.map(sanitize).filter((s) => /[A-Za-z]/.test(s));
}

/** The words in Latin letters a report says, once what came from the capture is taken out: each with its line. */
function englishLeft(text: string, c: Held): string[] {
  const w = explainWords('zh-CN');
  // a diagnostic is told as explain mode tells it (its own catalogue); what it says is tested there
  const told = new Set(c.diagnostics.map((d) => `  ${w.diagnostic(w.severity(d.severity), d)}`));
  const strip = [...new Set(fromCapture(c))].sort((a, b) => b.length - a.length);
  const left: string[] = [];
  for (const whole of text.split('\n')) {
    if (told.has(whole)) continue;
    let line = whole;
    // the frame table's payload cells are the capture's
    if (line.includes('│')) line = line.replace(/│[^│]*│\s*$/, '│');
    // the protocol's header names are said as they are, before a header of the capture that ends like one is taken out
    line = line.replace(/\bSec-WebSocket-[A-Za-z]+/g, ' ');
    // the RFC's own name of what a client does on a bad Accept, given beside the Chinese
    line = line.replace(/Fail the WebSocket Connection/g, ' ');
    for (const s of strip) if (line.includes(s)) line = line.split(s).join(' ');
    line = line
      .replace(/"[^"]*"|'[^']*'/g, ' ') // quoted: payloads, reasons
      .replace(/--[a-z-]+/g, ' ') // options
      .replace(/\b0x[0-9a-f]+\b/g, ' ')
      .replace(/(?<![0-9A-Za-z])[0-9a-f]{8}(?![0-9A-Za-z])/g, ' '); // masking keys
    for (const word of line.match(/[A-Za-z][A-Za-z0-9/+.-]*[A-Za-z0-9]|[A-Za-z]/g) ?? []) if (!TERMS.has(word)) left.push(`${word} ← ${whole.trim()}`);
  }
  return left;
}

describe.each(FILES)('the Chinese report of %s', (file) => {
  it('says every sentence in Chinese and fits 60 and 100 columns', async () => {
    const r = await analyze(file);
    for (const c of r.connections) {
      const wide = renderConnection(c as unknown as Connection, { ...ZH, width: 10000 });
      expect(englishLeft(wide, c)).toEqual([]);
      for (const width of [60, 100]) {
        for (const line of renderConnection(c as unknown as Connection, { ...ZH, width }).split('\n')) expect(visibleLength(line), line).toBeLessThanOrEqual(width);
      }
    }
  });
});

describe('the Chinese report laid out in terminal columns', () => {
  /** The display columns where each of `marks` starts in a line. */
  const columnsOf = (line: string, marks: RegExp): number[] => {
    const out: number[] = [];
    for (const m of line.matchAll(marks)) out.push(visibleLength(line.slice(0, m.index)));
    return out;
  };

  it('lines the walkthrough\'s heads up over its columns, and the frame table\'s borders over its cells', async () => {
    for (const width of [60, 100]) {
      const text = await report('captures/ws_echo.pcap', width);
      const lines = text.split('\n');
      const head = lines.findIndex((l) => /^ +序号 +时间 +方向 +阶段 +摘要$/.test(l));
      expect(head, text).toBeGreaterThan(0);
      // the phase column starts where its head does, and the summary where its head does
      const at = (l: string, what: string): number => visibleLength(l.slice(0, l.indexOf(what)));
      const rows = lines.slice(head + 1, head + 26);
      expect(rows).toHaveLength(25);
      for (const row of rows) {
        const m = /^(.*?(?:客→服|客←服) {2})(\S+(?: \S+)?)( +)(.*)$/.exec(row);
        expect(m, row).not.toBeNull();
        expect(visibleLength(m![1]!), row).toBe(at(lines[head]!, '阶段'));
        expect(visibleLength(m![1]! + m![2]! + m![3]!), row).toBe(at(lines[head]!, '摘要'));
      }
      const table = lines.filter((l) => /^ {2}[┌│└]/.test(l));
      const junctions = columnsOf(table[0]!, /[┌┬┐]/g);
      for (const l of table) expect(columnsOf(l, /[┌┬┐│├┼┤└┴┘]/g), l).toEqual(junctions);
    }
  });

  it('hangs a diagnostic\'s continuation lines under its first', async () => {
    const lines = (await report('captures/scapy_invalid_handshakes.pcap', 60)).split('\n');
    const start = lines.findIndex((l) => l.startsWith('诊断（'));
    const block = lines.slice(start + 1, lines.indexOf('', start));
    expect(block.length).toBeGreaterThan(15);
    for (const l of block) expect(l, l).toMatch(/^ {2}(错误|警告|提示) |^ {4}\S/);
  });
});
