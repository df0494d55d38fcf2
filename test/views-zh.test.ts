// --messages, --hex, --stats and the check report in Simplified Chinese
// (--lang zh-CN): goldens read line by line, every word ours in Chinese on
// the committed captures, every line within the width, and a check's
// verdicts and exit status the same in every language.
import { spawnSync } from 'node:child_process';
import { ERROR_NAMES } from '../src/http2/frames.js';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeCapture, DEFAULT_OPTIONS, TerminalSink } from '../src/index.js';
import { CheckSink, type View } from '../src/render/sinks.js';
import { CheckCollector, checkRun, verdictLine } from '../src/check/report.js';
import { PLAIN } from '../src/render/options.js';
import type { TerminalOptions } from '../src/render/terminal.js';
import { visibleLength } from '../src/render/paint.js';
import { expectGolden } from './support/golden.js';

const CAPTURES = ['captures', 'captures/violations', 'captures/app'].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.pcap'))
    .map((f) => `${dir}/${f}`),
);

const opts = (width: number): TerminalOptions => ({ ...PLAIN, width, maxPayload: 256, previewWidth: 40, lang: 'zh-CN' });

/** What a view prints of a capture, connection titles and the capture's end lines with it, as the command line prints it. */
async function render(file: string, views: View[], width: number): Promise<string> {
  let out = '';
  await analyzeCapture(file, new TerminalSink((t) => (out += t), opts(width), views, true), { name: file, analyzer: DEFAULT_OPTIONS });
  return out;
}

/** The text report of `check` on one capture, in Chinese; and its verdict. */
async function check(file: string): Promise<{ text: string; collector: CheckCollector }> {
  let text = '';
  const collector = new CheckCollector(file, 'error', false);
  await analyzeCapture(file, new CheckSink((t) => (text += t), collector, 'zh-CN'), { name: file, analyzer: DEFAULT_OPTIONS });
  return { text, collector };
}

/**
 * The words in Latin letters a Chinese line may hold: the names of protocols,
 * of their fields and of the standards, as Chinese texts write them, and the
 * options a sentence names.
 */
const NOTATION = new Set([
  'TCP', 'FIN', 'RSV', 'RSV1', 'RSV2', 'RSV3', 'MASK', 'SYN', 'SYN-ACK', 'ACK', 'RST', 'HTTP', 'TLS', 'SNI', 'ALPN', 'WebSocket', 'Ping', 'Pong', 'UTF-8', 'RFC', 'ASCII', 'JSON', 'URL', 'GUID', 'SHA-1', 'base64',
  'permessage-deflate', 'deflate', 'pcap', 'pcapng', 'Sec-WebSocket-Accept', 'Sec-WebSocket-Key', 'Sec-WebSocket-Version', 'Sec-WebSocket-Protocol', 'Sec-WebSocket-Extensions', 'Upgrade', 'Connection', 'Host', 'Origin',
  'GET', 'POST', 'PORT', 'id', 'TIME_WAIT', 'IP', 'IPv4', 'IPv6', 'SSH', 'SMB', 'MySQL/MariaDB', 'nonce', 'XOR',
  // a link type's name (Linux cooked capture, SLL)
  'Linux', 'cooked', 'v1', 'v2',
  // the application protocols
  'STOMP', 'MQTT', 'SockJS', 'Socket.IO', 'Engine.IO', 'GraphQL', 'JSON-RPC', 'graphql-ws', 'graphql-transport-ws', 'Redis', 'PostgreSQL', 'MySQL',
  // options and their values
  'fail-on', 'error', 'warning', 'info', 'allow-empty', 'app', 'decode-as',
  // HTTP/2 (RFC 9113) and WebSocket over it (RFC 8441): its version, frame types, the extended CONNECT's method and
  // pseudo-header (":protocol websocket"), the cleartext form's name (the flags, settings and error codes, in capitals
  // with underscores, are taken out with the other constants)
  'HTTP/2', 'HTTP/1.1', 'h2c', 'CONNECT', 'DATA', 'HEADERS', 'SETTINGS', 'GOAWAY', 'PING', 'CONTINUATION', 'PRIORITY', 'protocol', 'status', 'scheme', 'path', 'authority', 'websocket',
  'http', 'https', 'ws', 'wss', 'PRI', ...Object.values(ERROR_NAMES),
]);

/**
 * What is left of a line once what came from the capture is taken out:
 * quoted text (payloads, close reasons), the dump's rows, the lines of a
 * laid-out JSON message, what an application protocol's decoder read (↳),
 * the application's message types (their table's first column), diagnostic
 * codes, addresses, what TLS said, and file names.
 */
function ours(line: string): string {
  if (/^ {2}[0-9a-f]{4,}  /.test(line)) return '';
  if (/^ {10,}\S/.test(line) && !/[\u4e00-\u9fff]/.test(line)) return '';
  return line
    .replace(/↳ .*?(（(应用数据|框架消息)）)?$/, '')
    .replace(/^ {2}│ [^│]*│( +\d+ │){2}$/, '')
    .replace(/"[^"]*"|'[^']*'/g, '')
    .replace(/\b0x[0-9a-f]+\b|\b[0-9a-f]{2}\b/g, '')
    .replace(/\b[a-z][a-z0-9]*(\.[a-z0-9-]+)+\b/g, '')
    .replace(/captures\/\S+/g, '')
    // where a diagnostic's rule is written, as its standard names it
    .replace(/（见 [^（）]*(\([^)]*\)[^（）]*)*）$|——见 .*$/, '')
    // an HTTP status with its reason phrase, and a header's value (the key, the Accept)
    .replace(/\b\d{3} [A-Z][A-Za-z-]*( [A-Z][A-Za-z-]*)*/g, '')
    .replace(/[A-Za-z0-9+/]+=+/g, '')
    .replace(/\[[0-9a-f:.]+\]:\d+/g, '')
    // what a protocol's own bytes said of it (a banner, a version)
    .replace(/(?<=不是 WebSocket：(SSH|MySQL\/MariaDB|SMB|PostgreSQL|Redis))（[^）]*）/g, '')
    .replace(/(SNI|ALPN：?) \S+?(?=[，）]|$)/g, '')
    .replace(/\b[A-Z0-9]+(_[A-Z0-9]+)+\b|\b(h2|http\/1\.1|TLS 1\.\d)\b/g, '');
}

function englishLeft(text: string): string[] {
  const left: string[] = [];
  for (const line of text.split('\n')) {
    for (const word of ours(line).match(/[A-Za-z][A-Za-z0-9_./-]*[A-Za-z0-9]|[A-Za-z]{2,}/g) ?? []) if (!NOTATION.has(word) && !/^\d/.test(word)) left.push(`${word} in: ${line}`);
  }
  return left;
}

describe('the views in Simplified Chinese (--lang zh-CN)', () => {
  const goldens: ['messages' | 'hex' | 'stats', string][] = [
    ['messages', 'captures/textbook_rfc6455.pcap'],
    ['messages', 'captures/chromium_deflate.pcap'],
    ['messages', 'captures/app/sockjs_stomp.pcap'],
    ['hex', 'captures/textbook_rfc6455.pcap'],
    ['hex', 'captures/chromium_deflate.pcap'],
    ['stats', 'captures/textbook_rfc6455.pcap'],
    ['stats', 'captures/chromium_deflate.pcap'],
    ['stats', 'captures/app/sockjs_stomp.pcap'],
  ];

  it.each(goldens)('--%s of %s matches its Chinese golden at width 100', async (view, file) => {
    const text = await render(file, [view], 100);
    expectGolden(`test/golden/${view}/zh-CN/${file.replace(/^.*\//, '').replace(/\.pcap$/, '')}.w100.txt`, text);
    for (const line of text.split('\n')) expect(visibleLength(line), line).toBeLessThanOrEqual(100);
  });

  it('says every word of its own in Chinese on every committed capture, and fits the width', async () => {
    const left: string[] = [];
    for (const file of CAPTURES) {
      for (const width of [60, 100]) {
        const text = await render(file, ['messages', 'hex', 'stats'], width);
        for (const line of text.split('\n')) expect(visibleLength(line), `${file}: ${line}`).toBeLessThanOrEqual(width);
        if (width === 100) left.push(...englishLeft(text).map((l) => `${file}: ${l}`));
      }
    }
    expect(left).toEqual([]);
  }, 120_000);

  it("check's report is in Chinese, its verdicts those of English", async () => {
    const left: string[] = [];
    const checked = [];
    for (const file of CAPTURES) {
      const { text, collector } = await check(file);
      // a diagnostic's sentence is its catalogue's (text/zh-CN/diagnostics.ts), with the capture's values in it: here, only that it is Chinese
      const lines = text.split('\n').map((l) => {
        const d = /^( {6}[a-z]+(\.[a-z0-9-]+)+(（[^）]*）)?：)(.*)$/.exec(l);
        if (!d) return l;
        expect(d[4], l).toMatch(/[\u4e00-\u9fff]/);
        return d[1]!;
      });
      left.push(...englishLeft(lines.join('\n')).map((l) => `${file}: ${l}`));
      checked.push(collector.result!);
      const verdict = collector.result!.verdict;
      expect(text.trimEnd().split('\n').at(-1), file).toMatch(verdict === 'pass' ? /^ {2}通过$/ : /^ {2}失败：/);
    }
    expect(left).toEqual([]);
    const run = checkRun(checked, 'error', false);
    expect(verdictLine(run, 'zh-CN')).toMatch(/^失败：有诊断达到或超过 --fail-on error（/);
    expect(verdictLine(run)).toMatch(/^FAIL: diagnostics at or above --fail-on error in /);
  }, 120_000);

  it('check --lang zh-CN exits as check does in English, and keeps --json English', () => {
    for (const args of [['captures/ws_echo.pcap'], ['captures/scapy_invalid_handshakes.pcap'], ['captures/ws_echo.pcap', 'captures/violations/frame.client-unmasked.pcap'], ['captures/violations/capture.truncated-file.pcap'], ['does-not-exist.pcap']]) {
      const run = (extra: string[]): ReturnType<typeof spawnSync> => spawnSync(process.execPath, ['dist/cli.js', 'check', ...extra, ...args], { encoding: 'utf8', env: { ...process.env, LANG: 'C', LANGUAGE: '', LC_ALL: '' } });
      const en = run([]);
      const zh = run(['--lang', 'zh-CN']);
      expect(zh.status, args.join(' ')).toBe(en.status);
      expect(String(zh.stdout).trimEnd().split('\n').at(-1), args.join(' ')).toMatch(/^(通过|失败|错误)：/);
      expect(run(['--json', '--lang', 'zh-CN']).stdout, args.join(' ')).toBe(run(['--json']).stdout);
    }
    const bad = spawnSync(process.execPath, ['dist/cli.js', 'check', '--lang', 'fr', 'captures/ws_echo.pcap'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
  }, 60_000);
});
