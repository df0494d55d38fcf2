// The teaching and everyday views wired together: explain mode, --frame,
// the selection options (which reach the JSON export too), colour only on a
// terminal, no progress line when not on a terminal.
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderExplain, renderFrame } from '../src/render/explain.js';
import { PLAIN } from '../src/render/options.js';
import { EVERYTHING, narrowedBy, selectConnection } from '../src/select/selection.js';
import { renderConnection } from '../src/render/terminal.js';
import { renderTranscript } from '../src/render/transcript.js';
import { renderHex } from '../src/render/hex.js';
import { renderLadder } from '../src/render/ladder.js';
import { renderStats } from '../src/render/stats.js';
import { visibleLength } from '../src/render/paint.js';
import { analyze, held, only } from './support/analyze.js';
import { Conversation, upgradeRequest, upgradeResponse, wsFrame } from './support/pcap.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectGolden } from './support/golden.js';

const CAPTURES = readdirSync('captures').filter((f) => f.endsWith('.pcap')).sort();

const golden = expectGolden;

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: undefined } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.each(CAPTURES)('--explain on %s', (file) => {
  it('matches its golden file, fits 100 columns and says where to read more', async () => {
    const r = await analyze(`captures/${file}`);
    const text = r.connections.map((c) => renderExplain(c, { ...PLAIN, width: 100 })).join('\n');
    golden(`test/golden/explain/${file.replace(/\.pcap$/, '.txt')}`, text);
    for (const line of text.split('\n')) expect(visibleLength(line), line).toBeLessThanOrEqual(100);
  });
});

describe('explain mode in Simplified Chinese (--lang zh-CN)', () => {
  it('tells the textbook capture\'s whole story in Chinese, fitting the width in columns (a Chinese character takes two)', async () => {
    const c = only(await analyze('captures/textbook_rfc6455.pcap'));
    for (const width of [60, 100]) {
      const text = renderExplain(c, { ...PLAIN, width, lang: 'zh-CN' });
      golden(`test/golden/explain/zh-CN/textbook_rfc6455.w${width}.txt`, text);
      for (const line of text.split('\n')) {
        expect(visibleLength(line), line).toBeLessThanOrEqual(width);
        // Chinese punctuation that closes never starts a line, and none that opens ends one
        expect(line.trimStart()).not.toMatch(/^[，。、：；！？）」』】]/);
        expect(line).not.toMatch(/[（「『【]$/);
      }
    }
    // every sentence is Chinese (each on a line of its own at this width): what stays in Latin letters is the capture's own (headers, payloads), the RFC's figure and the names of protocols and fields
    const sentences = renderExplain(c, { ...PLAIN, width: 10000, lang: 'zh-CN' })
      .split('\n')
      .filter((l) => /^ {2}\S/.test(l) || /^ {10}→/.test(l));
    expect(sentences.length).toBeGreaterThan(20);
    for (const l of sentences) expect(l, l).toMatch(/[\u4e00-\u9fff]/);
  });

  it('says every diagnostic in Chinese from its facts', async () => {
    const { diagnosticTextZh } = await import('../src/text/zh-CN/diagnostics.js');
    const told = new Set<string>();
    for (const dir of ['captures', 'captures/violations', 'captures/app', 'captures/snaplen', 'captures/tapmerge', 'captures/cut']) {
      for (const f of readdirSync(dir).filter((x) => /\.pcap(ng)?$/.test(x))) {
        const r = await analyze(`${dir}/${f}`);
        for (const d of [...r.diagnostics, ...r.connections.flatMap((c) => [...c.diagnostics])]) {
          expect(d.facts, `${dir}/${f} ${d.code}`).toBeDefined();
          told.add(d.code);
          expect(diagnosticTextZh(d.facts!), d.code).toMatch(/[\u4e00-\u9fff]/);
        }
      }
    }
    expect(told.size).toBeGreaterThan(50);
    // a head the capture cut, decoding resumed after a loss or at the start of a capture
    for (const code of ['handshake.truncated', 'ws.resync']) expect(told, code).toContain(code);
    const text = renderExplain(only(await analyze('captures/violations/frame.client-unmasked.pcap')), { ...PLAIN, width: 100, lang: 'zh-CN' });
    expect(text).toContain('错误 frame.client-unmasked（第 8 个包，帧 0，客户端）：客户端发送的文本帧没有设置 MASK 位');
  });

  it('tells the capture\'s own diagnostics at the end in Chinese too, and in English as before', () => {
    for (const [file, code] of [
      ['captures/violations/capture.truncated-packet.pcap', 'capture.truncated-packet'],
      ['captures/violations/capture.truncated-file.pcap', 'capture.truncated-file'],
    ] as const) {
      const run = (lang: string): string => spawnSync(process.execPath, ['dist/cli.js', '--explain', '--lang', lang, '--width', '100', file], { encoding: 'utf8' }).stdout;
      const zh = run('zh-CN');
      const section = zh.slice(zh.indexOf('抓包层面的诊断'), zh.indexOf('\n抓包文件：'));
      expect(section, file).toContain(`警告 ${code}`);
      expect(section.replaceAll(code, ''), file).not.toMatch(/\b(warning|error|info)\b|snapshot|packet|file ends|bytes/);
      for (const l of section.split('\n').slice(1)) if (l.trim() !== '') expect(l, l).toMatch(/[\u4e00-\u9fff]/);
      const en = run('en');
      expect(en).toMatch(new RegExp(`^Capture diagnostics\\n  warning ${code.replace('.', '\\.')}`, 'm'));
    }
    const zh = spawnSync(process.execPath, ['dist/cli.js', '--explain', '--lang', 'zh-CN', '--width', '100', 'captures/violations/capture.truncated-packet.pcap'], { encoding: 'utf8' }).stdout;
    expect(zh).toContain('  警告 capture.truncated-packet（第 12 个包）：第 12 个包被快照长度截断（抓到 1514 字节中的');
  });

  it('leaves a message still worded in English an English sentence, without Chinese punctuation', async () => {
    // a diagnostic without facts (a program using the library may make one): its message is said as it is
    const c = only(await analyze('captures/violations/tcp.gap.pcap'));
    const failed = { code: 'internal.error' as const, severity: 'warning' as const, message: 'connection 0 could not be finished: boom', rfc: null, packet: 5, frame: null, from: null };
    const text = renderExplain({ ...c, diagnostics: [...c.diagnostics, failed] }, { ...PLAIN, width: 10000, lang: 'zh-CN' });
    const english = text.split('\n').find((l) => l.includes(' internal.error'))!;
    expect(english).toMatch(/^ {2}警告 internal\.error（第 5 个包）: connection 0 could not be finished: boom[^\u3000-\u303f\uff00-\uffef]*$/);
    // the messages told in Chinese end as Chinese sentences, the dash against its words
    const gap = text.split('\n').find((l) => l.includes(' tcp.gap'))!;
    expect(gap).toMatch(/[\u4e00-\u9fff]——见 RFC [^ ]+ §[\d.]+。$|[\u4e00-\u9fff]。$/);
    expect(text).not.toContain(' —— ');
  });

  it('names frames, protocols and their details as Chinese text does', async () => {
    const say = async (file: string): Promise<string> => (await analyze(file)).connections.map((c) => renderExplain(c, { ...PLAIN, width: 10000, lang: 'zh-CN' })).join('\n');
    // the opcode's Chinese name, as the frames are named elsewhere
    for (const [file, name] of [['captures/violations/frame.server-masked.pcap', '服务器发送了加掩码的文本帧（'], ['captures/violations/frame.control-too-long.pcap', '一个 Ping 帧带有 126 字节']] as const) {
      const text = await say(file);
      expect(text, file).toContain(name);
      expect(text, file).not.toMatch(/\b(text|binary|ping|pong|close|continuation) 帧/);
    }
    // a Latin word next to Chinese has a space
    expect(await say('captures/violations/frame.control-too-long.pcap')).toContain('发出的 Ping 直到连接结束');
    expect(await say('captures/ndn_ipv6_segmented.pcap')).toContain('两端的角色由 HTTP 交换判断');
    // what a connection carries: its details in full-width brackets inside a Chinese sentence
    const mixed = await say('captures/mixed_network.pcap');
    expect(mixed).toContain('承载的是 SSH（SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10），从未请求升级');
    expect(mixed).not.toMatch(/（[^（）]*\(/);
    // what a TLS handshake's cleartext says, in Chinese too (the JSON export keeps its English words)
    expect(mixed).toContain('TLS（TLS 1.3，SNI wsd.test，客户端提供的 ALPN：h2, http/1.1，TLS_AES_256_GCM_SHA384）');
    expect(mixed).not.toContain('ALPN offered');
    expect(await say('captures/mixed_midstream.pcap')).toMatch(/抓包在它的握手之后才开始|Hello 消息没有完整抓到/);
    const exported = JSON.parse(spawnSync(process.execPath, ['dist/cli.js', 'captures/mixed_network.pcap', '--json'], { encoding: 'utf8' }).stdout) as { connections: { protocol: { name: string; detail: string | null } | null }[] };
    expect(exported.connections.map((c) => c.protocol?.detail)).toContain('TLS 1.3, SNI wsd.test, ALPN offered h2, http/1.1, TLS_AES_256_GCM_SHA384');
  });

  it('lines the summary\'s continuation up under what follows its label, in either language', () => {
    const end = (lang: string): string[] => {
      const out = spawnSync(process.execPath, ['dist/cli.js', 'captures/ws_echo.pcap', '--explain', '--lang', lang, '--width', '60'], { encoding: 'utf8' }).stdout.trimEnd().split('\n');
      return out.slice(out.findIndex((l) => /^(Summary: |汇总：)/.test(l)));
    };
    const zh = end('zh-CN');
    expect(zh.length).toBeGreaterThan(1);
    for (const l of zh.slice(1)) expect(l, l).toMatch(/^ {6}\S/);
    const en = end('en');
    expect(en.length).toBeGreaterThan(1);
    for (const l of en.slice(1)) expect(l, l).toMatch(/^ {9}\S/);
  });

  it('says things as a Chinese reader would put them', () => {
    const cli = (...args: string[]): string => spawnSync(process.execPath, ['dist/cli.js', ...args, '--lang', 'zh-CN', '--width', '10000'], { encoding: 'utf8' }).stdout;
    const textbook = cli('captures/textbook_rfc6455.pcap', '--explain');
    for (const said of ['客户端支持的应用层协议（子协议）', '双方交换的是 WebSocket 帧', '同时确认你的初始序列号”', '发送 FIN：“我没有数据要发送了”', '抓包文件：pcap，以太网，']) expect(textbook, said).toContain(said);
    // the title the view gives is not the connection's line again
    const [first, second] = textbook.split('\n');
    expect(first).toBe('连接 0：192.0.2.10:51000（客户端）⇄ 192.0.2.20:80（服务器）');
    expect(second).toBe('讲解');
    const echo = cli('captures/ws_echo.pcap', '--explain');
    expect(echo).toContain('服务器 → 客户端。它是 Pong 帧（操作码 0xa），用来回应 Ping（也可以主动发送，作为心跳）；FIN 置位');
    expect(echo).toContain('（有效载荷 11 字节，显示前 8 字节）');
    expect(echo).not.toMatch(/心跳）（操作码/);
    expect(cli('captures/scapy_invalid_handshakes.pcap', '--summary')).toContain('WebSocket：未经关闭握手即断开');
    expect(cli('captures/ws_echo.pcap', '--summary')).toMatch(/^pcap，以太网，25 个包/m);
  });

  it('gives --summary in Chinese too, each line of it', () => {
    for (const file of ['captures/mixed_network.pcap', 'captures/violations/capture.truncated-file.pcap', 'captures/ws_rejected_403.pcap', 'captures/py_echo_deflate.pcap']) {
      const out = spawnSync(process.execPath, ['dist/cli.js', '--summary', '--lang', 'zh-CN', '--width', '100', file], { encoding: 'utf8' }).stdout;
      const lines = out.trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(1);
      for (const l of lines) {
        expect(visibleLength(l), l).toBeLessThanOrEqual(100);
        // a line of its own, or the end of one the width broke: either way Chinese
        if (!/^ {4}/.test(l)) expect(l, `${file}: ${l}`).toMatch(/[\u4e00-\u9fff]/);
      }
      expect(out).not.toMatch(/\b(packets|frames|messages|errors|warnings|connection|not WebSocket|clean close)\b/);
    }
  });

  it('keeps the facts out of every export (the JSON contract has the diagnostic\'s fields only)', () => {
    for (const file of ['captures/violations/close.not-echoed.pcap', 'captures/violations/app.mqtt-connack-refused.pcap', 'captures/violations/capture.truncated-file.pcap']) {
      for (const args of [['--json'], ['--ndjson'], ['--html', '-'], ['check', '--json']]) {
        const out = spawnSync(process.execPath, ['dist/cli.js', ...args, file], { encoding: 'utf8' }).stdout;
        expect(out, `${args.join(' ')} ${file}`).toMatch(/"code":\s?"/);
        expect(out, `${args.join(' ')} ${file}`).not.toMatch(/"facts"/);
      }
    }
  }, 30_000);

  it('lines up the Accept computation\'s values in one column, in either language', async () => {
    const c = only(await analyze('captures/textbook_rfc6455.pcap'));
    for (const lang of ['en', 'zh-CN'] as const) {
      const lines = renderExplain(c, { ...PLAIN, width: 120, lang }).split('\n');
      const columns = ['dGhlIHNhbXBsZSBub25jZQ==', 'b37a4f2cc0624f1690f64606cf385945b2bec4ea', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=']
        .flatMap((v) => lines.filter((l) => l.endsWith(v) && /^ {6}\d\./.test(l)).map((l) => visibleLength(l) - v.length));
      expect(columns.length, lang).toBe(4);
      expect(new Set(columns).size, `${lang}: ${columns.join(', ')}`).toBe(1);
    }
  });

  it('is chosen by --lang or by the locale, and refuses a language it does not speak', () => {
    const env = (vars: Record<string, string | undefined>) => spawnSync(process.execPath, ['dist/cli.js', 'captures/textbook_rfc6455.pcap', '--explain', '--width', '100'], { encoding: 'utf8', env: { ...process.env, LANGUAGE: undefined, LC_ALL: undefined, LC_MESSAGES: undefined, LANG: undefined, ...vars } });
    const chinese = /^讲解$/m;
    expect(env({}).stdout).toMatch(/^Explained: connection 0/m);
    expect(env({ LANG: 'zh_CN.UTF-8' }).stdout).toMatch(chinese);
    expect(env({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'zh_CN.UTF-8' }).stdout).toMatch(chinese);
    // LC_ALL wins over LANG; LANGUAGE is a list of preferences, unless the locale is C
    expect(env({ LANG: 'zh_CN.UTF-8', LC_ALL: 'en_GB.UTF-8' }).stdout).not.toMatch(chinese);
    expect(env({ LANG: 'de_DE.UTF-8', LANGUAGE: 'fr:zh_CN' }).stdout).toMatch(chinese);
    expect(env({ LC_ALL: 'C', LANGUAGE: 'zh_CN' }).stdout).not.toMatch(chinese);
    // Traditional Chinese is not spoken: English
    expect(env({ LANG: 'zh_TW.UTF-8' }).stdout).not.toMatch(chinese);
    const asked = spawnSync(process.execPath, ['dist/cli.js', 'captures/textbook_rfc6455.pcap', '--explain', '--lang', 'zh-CN'], { encoding: 'utf8', env: { ...process.env, LANG: 'en_US.UTF-8' } });
    expect(asked.stdout).toMatch(chinese);
    // the summary at the end too; the JSON export stays in English
    expect(asked.stdout).toMatch(/^汇总：1 条 TCP 连接/m);
    const json = spawnSync(process.execPath, ['dist/cli.js', 'captures/textbook_rfc6455.pcap', '--json', '--lang', 'zh-CN'], { encoding: 'utf8' });
    expect(json.stdout).not.toMatch(/[\u4e00-\u9fff]/);
    const bad = spawnSync(process.execPath, ['dist/cli.js', 'captures/textbook_rfc6455.pcap', '--explain', '--lang', 'fr'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--lang takes en or zh-CN, not "fr"/);
    // without a value: it says one is needed
    for (const args of [['--lang'], ['--lang='], ['--lang', '--explain']]) {
      const none = spawnSync(process.execPath, ['dist/cli.js', 'captures/textbook_rfc6455.pcap', ...args], { encoding: 'utf8' });
      expect(none.status, args.join(' ')).toBe(2);
      expect(none.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(none.stderr, args.join(' ')).toMatch(/--lang needs a value: en or zh-CN/);
    }
    // LANGUAGE, when set, is all gettext tries: Traditional Chinese first means English, whatever LANG says
    expect(env({ LANGUAGE: 'zh_TW', LANG: 'zh_CN.UTF-8' }).stdout).not.toMatch(chinese);
  }, 30_000);
});

describe('explain mode', () => {
  it('computes the Accept step by step with the RFC 6455 example values', async () => {
    const text = renderExplain(only(await analyze('captures/textbook_rfc6455.pcap')), PLAIN);
    expect(text).toContain('1. the key, as sent:                   dGhlIHNhbXBsZSBub25jZQ==');
    expect(text).toContain('dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11');
    expect(text).toContain('SHA-1 of those 60 bytes, in hex:    b37a4f2cc0624f1690f64606cf385945b2bec4ea');
    expect(text).toContain('the 20 bytes of the hash in base64: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(text).toContain('✔ they match');
  });

  it('draws a frame header with its real bits and unmasks its first bytes', async () => {
    const c = only(await analyze('captures/textbook_rfc6455.pcap'));
    const text = renderFrame(c, 3, PLAIN);
    // FIN 1, RSV 000, opcode 1000 (close), MASK 1, length 0000010, key 37fa213d
    expect(text).toContain('|1|0|0|0|1 0 0 0|1|0 0 0 0 0 1 0|0 0 1 1 0 1 1 1 1 1 1 1 1 0 1 0|');
    expect(text).toContain('on the wire (masked)   34 12');
    expect(text).toContain('= payload (unmasked)   03 e8');
    expect(renderFrame(c, 99, PLAIN)).toContain('has no frame 99');
  });

  it('tells a rejected upgrade and a mid-stream capture in their own words', async () => {
    expect(renderExplain(only(await analyze('captures/ws_rejected_403.pcap')), PLAIN)).toContain('anything but 101 means no WebSocket');
    const ndn = (await analyze('captures/violations/tcp.handshake-missing.pcap')).connections[0]!;
    expect(renderExplain(ndn, PLAIN)).toContain('The capture starts after this connection was opened');
  });
});

describe('selecting what to see', () => {
  it('narrows frames, messages and the timeline, keeping their indexes', async () => {
    const c = only(await analyze('captures/ws_echo.pcap'));
    const pings = held(selectConnection(c, { ...EVERYTHING, opcodes: new Set([9]) })!);
    expect(pings.frames.map((f) => [f.index, f.opcode])).toEqual([
      [4, 9],
      [6, 9],
    ]);
    const server = held(selectConnection(c, { ...EVERYTHING, from: 'server' })!);
    expect(new Set(server.frames.map((f) => f.from))).toEqual(new Set(['server']));
    expect(new Set(server.timeline.map((e) => e.from))).toEqual(new Set(['server']));
    expect(held(selectConnection(c, { ...EVERYTHING, grep: 'WSDISSECT' })!).messages.map((m) => m.index)).toEqual([0, 1]);
    expect(held(selectConnection(c, { ...EVERYTHING, limit: 3 })!).frames).toHaveLength(3);
    expect(held(selectConnection(c, { ...EVERYTHING, phases: new Set(['closing']) })!).frames.map((f) => f.opcode)).toEqual([8, 8]);
    expect(selectConnection(c, { ...EVERYTHING, streams: new Set([1]) })).toBeNull();
  });

  it('carries the totals of the analysis along, and the views say "2 of 10"', async () => {
    const c = only(await analyze('captures/ws_echo.pcap'));
    expect(c.frames).toHaveLength(10);
    expect(narrowedBy(c)).toBeNull();
    expect(narrowedBy(held(selectConnection(c, { ...EVERYTHING, streams: new Set([0]) })!))).toBeNull();
    const two = held(selectConnection(c, { ...EVERYTHING, limit: 2 })!);
    expect(narrowedBy(two)).toEqual({ selected: '--limit 2', total: { frames: c.frames.length, messages: c.messages.length, packets: c.timeline.length } });
    const report = renderConnection(two, { ...PLAIN, previewWidth: 40 });
    expect(report).toContain(`Frames (2 of ${c.frames.length})`);
    expect(report).toContain(`Walkthrough (${two.timeline.length} of ${c.timeline.length} packets)`);
    expect(renderConnection(c, { ...PLAIN, previewWidth: 40 })).toContain(`Frames (${c.frames.length})\n`);
    expect(renderTranscript(two, PLAIN)).toContain(`selected by --limit 2: 2 of ${c.messages.length} messages, 2 of ${c.frames.length} frames`);
    expect(renderHex(two, PLAIN)).toContain(`selected by --limit 2: 2 of ${c.frames.length} frames`);
    expect(renderLadder(two, PLAIN)).toContain(`selected by --limit 2: ${two.timeline.length} of ${c.timeline.length} packets`);
    expect(renderExplain(two, PLAIN)).toContain(`The frames (2 of ${c.frames.length})`);
    expect(renderStats(two, PLAIN)).toContain(`selected by --limit 2: 2 of ${c.frames.length} frames`);
  });

  it('says when a selection matches nothing', async () => {
    const c = only(await analyze('captures/ws_echo.pcap'));
    const none = held(selectConnection(c, { ...EVERYTHING, opcodes: new Set([0]) })!);
    expect(none.frames).toHaveLength(0);
    const report = renderConnection(none, { ...PLAIN, previewWidth: 40 });
    expect(report).toContain(`Frames (0 of ${c.frames.length})`);
    expect(report).toContain(`no frame matches --opcode continuation (0 of ${c.frames.length} frames)`);
    expect(renderHex(none, PLAIN)).toContain(`no frame matches --opcode continuation (0 of ${c.frames.length} frames)`);
    const grep = held(selectConnection(c, { ...EVERYTHING, grep: 'no such text' })!);
    expect(renderTranscript(grep, PLAIN)).toContain(`no message or frame matches --grep "no such text" (0 of ${c.messages.length} messages, 0 of ${c.frames.length} frames)`);
    expect(renderExplain(grep, PLAIN)).toContain(`No frame matches --grep "no such text" (0 of ${c.frames.length} frames).`);
    // a connection that never had a frame is not said to have lost them to the selection
    const rejected = only(await analyze('captures/ws_rejected_403.pcap'));
    expect(renderHex(selectConnection(rejected, { ...EVERYTHING, opcodes: new Set([8]) })!, PLAIN)).toContain('No WebSocket frames');
  });

  it('keeps the handshakes and the teardown with --limit, --opcode and --grep, and the packets of the frames kept', async () => {
    const c = only(await analyze('captures/ws_echo.pcap'));
    const outside = c.timeline.filter((e) => e.phase !== 'data' && e.phase !== 'closing').map((e) => e.packet);
    expect(outside.length).toBeGreaterThan(6);
    for (const s of [{ limit: 2 }, { opcodes: new Set([8]) }, { grep: 'ping' }]) {
      const v = held(selectConnection(c, { ...EVERYTHING, ...s })!);
      const shown = v.timeline.map((e) => e.packet);
      for (const p of outside) expect(shown, JSON.stringify(s)).toContain(p);
      // in the data and closing phases, exactly the packets of the frames kept
      const framePackets = new Set(v.frames.flatMap((f) => f.packets));
      expect(v.timeline.filter((e) => e.phase === 'data' || e.phase === 'closing').map((e) => e.packet)).toEqual(c.timeline.filter((e) => framePackets.has(e.packet) && (e.phase === 'data' || e.phase === 'closing')).map((e) => e.packet));
    }
    const two = held(selectConnection(c, { ...EVERYTHING, limit: 2 })!);
    expect(two.timeline.map((e) => e.phase)).toEqual([...c.timeline.filter((e) => e.phase === 'tcp-handshake' || e.phase === 'ws-handshake').map((e) => e.phase), 'data', 'data', ...c.timeline.filter((e) => e.phase === 'tcp-teardown').map((e) => e.phase)]);
  });

  it('leaves the JSON export\'s fields as they are', () => {
    const doc = JSON.parse(cli(['captures/ws_echo.pcap', '--json', '--limit', '2']).stdout) as { connections: Record<string, unknown>[] };
    const all = JSON.parse(cli(['captures/ws_echo.pcap', '--json']).stdout) as { connections: Record<string, unknown>[] };
    expect(Object.keys(doc.connections[0]!)).toEqual(Object.keys(all.connections[0]!));
    expect(JSON.stringify(doc)).not.toContain('narrowed');
  });

  it('applies to the JSON export too', () => {
    const doc = JSON.parse(cli(['captures/chromium_deflate.pcap', '--json', '--stream', '2', '--opcode', 'close']).stdout) as { connections: { id: number; frames: { opcode: number }[] }[] };
    expect(doc.connections.map((c) => c.id)).toEqual([2]);
    expect(doc.connections[0]!.frames.map((f) => f.opcode)).toEqual([8, 8]);
  });

  it('refuses an unknown opcode name with exit status 2', () => {
    const r = cli(['captures/ws_echo.pcap', '--opcode', 'shout']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--opcode takes');
  });
});

describe('the command line views', () => {
  it('prints several views of each connection together', () => {
    const r = cli(['captures/textbook_rfc6455.pcap', '--explain', '--ladder', '--width', '90']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('1. The TCP three-way handshake');
    expect(r.stdout).toContain('── TCP three-way handshake ──');
    for (const line of r.stdout.split('\n')) expect(visibleLength(line)).toBeLessThanOrEqual(90);
  });

  it('colours only when asked or on a terminal, never with NO_COLOR, and draws no progress off a terminal', () => {
    const plain = cli(['captures/textbook_rfc6455.pcap']);
    expect(plain.stdout).not.toContain('\u001b[');
    expect(plain.stderr).toBe('');
    const forced = cli(['captures/textbook_rfc6455.pcap', '--color']);
    expect(forced.stdout).toContain('\u001b[');
    const r = spawnSync(process.execPath, ['dist/cli.js', 'captures/textbook_rfc6455.pcap', '--ladder'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('collapses runs of identical frames unless told not to', () => {
    let conv = new Conversation().handshake().send('client', upgradeRequest()).send('server', upgradeResponse());
    for (let i = 0; i < 6; i++) conv = conv.send('server', wsFrame({ opcode: 1, payload: Buffer.from('tick') }));
    const path = join(mkdtempSync(join(tmpdir(), 'wsdissect-views-')), 'ticks.pcap');
    writeFileSync(path, conv.pcap());
    expect(cli([path]).stdout).toContain('… 5 more frames like frame 0 (packets 7–11); --no-collapse shows them');
    expect(cli([path, '--no-collapse']).stdout).not.toMatch(/more frames like frame/);
  });

  it('lays out a long frame table as one table, every frame in it', async () => {
    let conv = new Conversation().handshake().send('client', upgradeRequest()).send('server', upgradeResponse());
    for (let i = 0; i < 180; i++) conv = conv.send('server', wsFrame({ opcode: 1, payload: Buffer.from(`tick ${i}`) }));
    const path = join(mkdtempSync(join(tmpdir(), 'wsdissect-views-')), 'long.pcap');
    writeFileSync(path, conv.pcap());
    const out = cli([path, '--width', '160']).stdout;
    const table = out.slice(out.indexOf('Frames (180)'), out.indexOf('Close\n'));
    expect(table.match(/┌/g)).toHaveLength(1);
    expect(table.match(/└/g)).toHaveLength(1);
    expect(table.match(/│ Pkt │/g)).toHaveLength(1);
    for (let i = 0; i < 180; i++) expect(table).toContain(`"tick ${i}"`);
    const widths = new Set(table.split('\n').filter((l) => l.includes('│')).map((l) => visibleLength(l)));
    expect(widths.size).toBe(1);
  });

  it('shows every option in --help, with examples', () => {
    const help = cli(['--help']).stdout;
    for (const option of ['--explain', '--ladder', '--messages', '--hex', '--stats', '--frame', '--stream', '--from', '--opcode', '--phase', '--grep', '--limit', '--max-payload', '--pretty-json', '--width', '--color', '--fail-on', '--ignore', '--decode-as', '--inflate-limit']) expect(help).toContain(option);
    expect(help).toContain('Examples:');
    expect(cli(['check', '--help']).stdout).toContain('--fail-on');
  });
});
