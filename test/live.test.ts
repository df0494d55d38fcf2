// A capture read as it is made: `tcpdump -U -i lo -w - | wsdissect -`, for
// real, in a network namespace of its own (as root), and what the command
// line does with a pipe that stays open, without root: a finished connection
// is reported while the capture goes on; Ctrl-C reports what was read, says
// it was interrupted, and exits 130; no hidden part of an HTML report is left.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaErrors } from './support/schema.js';
import { catchesCtrlC, firstRecords, interruptedRun, until } from './support/interrupt.js';
import { liveFailure } from '../src/live/tool.js';

const CLI = 'dist/cli.js';
const CLEAN = 'captures/ws_echo.pcap';

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** wsdissect ARGS - reading a pipe whose other end is ours, its output collected. */
function wsdissect(args: string[]): Run {
  const child = spawn(process.execPath, [CLI, ...args, '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

const dir = mkdtempSync(join(tmpdir(), 'wsdissect-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Files in the report's directory that a report in the making is written to. */
const parts = (d: string): string[] => readdirSync(d).filter((f) => f.endsWith('.part'));

describe('a pipe that stays open (the command line)', () => {
  // ws_echo up to the server's Close (packet 22 of 25): the connection is still open
  const OPEN = firstRecords(readFileSync(CLEAN), 22);

  it('Ctrl-C: --json writes a whole document that says it was interrupted, the connection still open as it stood', async () => {
    const r = await interruptedRun(['--json'], OPEN);
    expect([r.code, r.signal]).toEqual([130, null]);
    const doc = JSON.parse(r.stdout) as { capture: { interrupted: boolean; packets: number }; connections: { tcp: { teardown: { kind: string } }; frames: unknown[] }[] };
    expect(schemaErrors(doc)).toEqual([]);
    expect(doc.capture).toMatchObject({ interrupted: true, packets: 22 });
    expect(doc.connections.map((c) => [c.tcp.teardown.kind, c.frames.length])).toEqual([['none', 10]]);
  });

  it('Ctrl-C: --format har writes a whole HAR whose log says it was interrupted, the open WebSocket with its messages so far', async () => {
    const r = await interruptedRun(['--format', 'har'], OPEN);
    expect([r.code, r.signal]).toEqual([130, null]);
    const har = JSON.parse(r.stdout) as { log: { comment: string; _capture: { interrupted: boolean; packets: number }; entries: { _webSocketMessages?: unknown[] }[] } };
    expect(har.log._capture).toMatchObject({ interrupted: true, packets: 22 });
    expect(har.log.comment).toMatch(/interrupted/i);
    expect(har.log.entries.map((e) => e._webSocketMessages?.length)).toEqual([10]);
  });

  it('Ctrl-C: --ndjson ends with its capture and summary lines, the capture interrupted', async () => {
    const r = await interruptedRun(['--ndjson'], OPEN);
    expect([r.code, r.signal]).toEqual([130, null]);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; interrupted?: boolean; packets?: number });
    expect(lines.slice(-2).map((l) => l.type)).toEqual(['capture', 'summary']);
    expect(lines.at(-2)).toMatchObject({ interrupted: true, packets: 22 });
  });

  it('Ctrl-C while a record is coming (half of it read): the capture is interrupted, not cut (no capture.truncated-file)', async () => {
    const whole = readFileSync(CLEAN);
    const next = firstRecords(whole, 23);
    const half = next.subarray(0, OPEN.length + Math.floor((next.length - OPEN.length) / 2));
    const r = await interruptedRun(['--ndjson'], half);
    expect([r.code, r.signal]).toEqual([130, null]);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; code?: string; interrupted?: boolean; packets?: number });
    expect(lines.at(-2)).toMatchObject({ type: 'capture', interrupted: true, packets: 22 });
    expect(lines.filter((l) => l.type === 'diagnostic' && l.code?.startsWith('capture.'))).toEqual([]);
  });

  const NOTE = 'Interrupted: the capture was read up to packet 22, no further; the connections still open then are reported as they stood, cut short.';

  it('Ctrl-C: --summary and check say it under their counts', async () => {
    const summary = await interruptedRun(['--summary', '--width', '200'], OPEN);
    expect([summary.code, summary.signal]).toEqual([130, null]);
    expect(summary.stdout).toContain('still open at the end of the capture');
    expect(summary.stdout.trimEnd().split('\n').slice(-2)).toEqual([expect.stringMatching(/^pcap, Ethernet, 22 packets, \d+ bytes: 1 connection \(1 WebSocket\), 10 frames, 4 messages; /), NOTE]);
    const check = await interruptedRun(['check'], OPEN);
    expect([check.code, check.signal]).toEqual([130, null]);
    expect(check.stdout).toContain(`\n  22 packets, 1 connection (1 WebSocket): `);
    expect(check.stdout).toContain(`\n  ${NOTE}\n`);
  });

  it('Ctrl-C: the note is in the reader\'s language, lined up under its label', async () => {
    const zh = await interruptedRun(['--summary', '--lang', 'zh-CN', '--width', '200'], OPEN);
    expect([zh.code, zh.signal]).toEqual([130, null]);
    expect(zh.stdout.trimEnd().split('\n').at(-1)).toBe('已中断：抓包只读到第 22 个包；那时仍未结束的连接按当时的样子报告（被截断）。');
    const report = await interruptedRun(['--explain', '--lang', 'zh-CN', '--width', '60'], OPEN);
    const lines = report.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('已中断：'));
    expect(at, report.stdout.slice(-600)).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^ {10}\S/);
    expect(report.stdout).not.toContain('Interrupted');
  });

  it('a capture that ends by itself is not interrupted', () => {
    const r = spawnSync(process.execPath, [CLI, '--json', '-'], { input: readFileSync(CLEAN), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { capture: { interrupted: boolean } }).capture.interrupted).toBe(false);
  });

  it('Ctrl-C before anything was read: exit 130, and why nothing is reported', async () => {
    const run = wsdissect([]);
    await catchesCtrlC(run.child);
    run.child.kill('SIGINT');
    expect(await run.exit).toEqual({ code: 130, signal: null });
    expect(run.stderr()).toContain('wsdissect: (stdin): interrupted before anything was read');
    expect(run.stdout()).toBe('');
  });

  it('SIGTERM while the HTML report is being written leaves no part of it behind', async () => {
    const d = mkdtempSync(join(dir, 'term-'));
    const out = join(d, 'r.html');
    const run = wsdissect(['--html', out]);
    run.child.stdin!.write(readFileSync(CLEAN));
    expect(await until(() => parts(d).length === 1, 5000)).toBe(true);
    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(readdirSync(d)).toEqual([]);
  });

  it('a wrong argument leaves neither the report nor a part of it', () => {
    const d = mkdtempSync(join(dir, 'arg-'));
    const r = spawnSync(process.execPath, [CLI, CLEAN, '--html', join(d, 'r.html'), '--ignore', 'no.such-code'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--ignore: unknown diagnostic code no.such-code');
    expect(readdirSync(d)).toEqual([]);
  });
});

describe('-i: what is refused, in one line', () => {
  const cli = (args: string[]): { status: number | null; stderr: string } => {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr };
  };
  it.each([
    [['-i', 'lo', CLEAN], `wsdissect: -i lo captures live; a capture file (${CLEAN}) too: choose one\n`],
    [['-f', 'tcp', CLEAN], 'wsdissect: -f: for a live capture (-i IFACE)\n'],
    [['-i', 'lo', '-a', '5'], 'wsdissect: -a takes duration:N (seconds), not "5"\n'],
    [['-i', 'lo', '-c', '0'], null],
    [['-i', 'lo', '-a', 'duration:99999999999'], 'wsdissect: -a duration:99999999999: at most 2147483 seconds\n'],
    [['-i', 'lo', '-i', 'eth0'], 'wsdissect: --interface: given more than once (it takes one value)\n'],
    [['-i', 'lo', '-w', 'x.pcap'], null],
  ])('%j', (args, said) => {
    const r = cli(args);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n').length).toBe(2);
    if (said !== null) expect(r.stderr).toBe(said);
  });

  it('an interface that does not exist, and capturing without the right to: the tool\'s reason, one line', () => {
    const missing = cli(['-i', 'nosuchif0']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^wsdissect: -i nosuchif0: no interface nosuchif0 to capture on \((dumpcap|tcpdump): .*\)\n$/);
    // the words dumpcap and tcpdump use when capturing is not permitted (as they printed them, run as nobody)
    expect(liveFailure('dumpcap', 'lo', 'Capturing on \'Loopback: lo\'\ndumpcap: You do not have permission to capture on device "lo".\n(socket: Operation not permitted)\nPlease check to make sure you have sufficient permissions.\n')).toBe(
      'capturing on lo is not permitted (dumpcap: You do not have permission to capture on device "lo".); run as root, or give dumpcap the capture capabilities (dumpcap: dpkg-reconfigure wireshark-common and the wireshark group; tcpdump: setcap cap_net_raw,cap_net_admin=eip)',
    );
    expect(liveFailure('tcpdump', 'lo', "tcpdump: lo: You don't have permission to capture on that device\n(socket: Operation not permitted)\n")).toMatch(/^capturing on lo is not permitted \(tcpdump: lo: You don't have permission/);
    // and for real, as nobody, where nobody can read the command (not in a private temporary directory)
    if (process.getuid?.() !== 0 || spawnSync('runuser', ['--help']).error) return;
    const cliPath = resolve(CLI);
    if (spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(cliPath)})`]).status !== 0) return;
    const r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, cliPath, '-i', 'lo', '-a', 'duration:1'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^wsdissect: -i lo: capturing on lo is not permitted \((dumpcap|tcpdump): .*\); run as root, or give \w+ the capture capabilities .*\n$/);
  });
});

// ---------------------------------------------------------------- tcpdump

/** Why the real capture cannot run here, or null when it can. */
function cannotCapture(): string | null {
  if (process.platform !== 'linux') return 'network namespaces are Linux only';
  if (process.getuid?.() !== 0) return 'needs root (ip netns, tcpdump)';
  for (const [tool, arg] of [
    ['ip', '-V'],
    ['tcpdump', '--version'],
  ] as const) {
    if (spawnSync(tool, [arg]).error) return `${tool} is not installed`;
  }
  if (!existsSync(CLI)) return `${CLI} is not built (npm run build)`;
  return null;
}
const why = cannotCapture();
const NS = `wsdissect-live-${process.pid}`;
const inNs = (...cmd: string[]): string[] => ['netns', 'exec', NS, ...cmd];
/** the finished conversation's server port, and one whose connection stays open */
const PORT = 8080;
const OPEN_PORT = 8081;

/** A WebSocket client that connects to its own server, has one message echoed, and stays connected until it is killed. */
const STAYS_OPEN = `
const { WebSocket, WebSocketServer } = require('ws');
const wss = new WebSocketServer({ host: '127.0.0.1', port: ${OPEN_PORT}, perMessageDeflate: false });
wss.on('connection', (ws) => ws.on('message', (m, binary) => ws.send(m, { binary })));
wss.on('listening', () => {
  const ws = new WebSocket('ws://127.0.0.1:${OPEN_PORT}/open', { perMessageDeflate: false });
  ws.on('open', () => ws.send('still here'));
  ws.on('message', () => process.stdout.write('READY\\n'));
});
setTimeout(() => process.exit(1), 25000);
`;

describe.skipIf(why !== null)(`tcpdump -U -i lo -w - piped into wsdissect, in a network namespace${why !== null ? ` (skipped: ${why})` : ''}`, () => {
  const started: ChildProcess[] = [];
  const ip = (...args: string[]): void => {
    const r = spawnSync('ip', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
  };

  beforeAll(() => {
    spawnSync('ip', ['netns', 'del', NS]);
    ip('netns', 'add', NS);
    ip(...inNs('ip', 'link', 'set', 'lo', 'mtu', '1500', 'up'));
    // one TCP segment a packet, as on a network (when ethtool is there)
    spawnSync('ip', inNs('ethtool', '-K', 'lo', 'tso', 'off', 'gso', 'off', 'gro', 'off'));
  });

  afterAll(() => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    spawnSync('ip', ['netns', 'del', NS]);
  });

  /** Starts a process in the namespace; resolves once `ready` appears on its output (stderr for tcpdump). */
  async function inNamespace(cmd: string[], ready: { stream: 'stdout' | 'stderr'; text: string } | null, stdout: 'pipe' | 'ignore' | NodeJS.WritableStream = 'pipe'): Promise<ChildProcess> {
    const child = spawn('ip', inNs(...cmd), { stdio: ['ignore', stdout as 'pipe', 'pipe'] });
    started.push(child);
    if (ready !== null) {
      let seen = '';
      child[ready.stream]!.on('data', (d: Buffer) => (seen += d.toString()));
      if (!(await until(() => seen.includes(ready.text) || child.exitCode !== null, 10_000)) || !seen.includes(ready.text)) throw new Error(`${cmd.join(' ')}: no "${ready.text}" (${seen})`);
    }
    return child;
  }

  it('reports a finished connection while tcpdump runs; Ctrl-C reports the rest, says so, and exits 130', { timeout: 30_000 }, async () => {
    const html = join(mkdtempSync(join(dir, 'html-')), 'live.html');
    const htmlDir = join(html, '..');
    // three captures of the same conversations: the terminal report, --json and --html
    const views = [['--width', '200'], ['--json'], ['--html', html]];
    const runs: { tcpdump: ChildProcess; run: Run }[] = [];
    for (const args of views) {
      // tcpdump writes into wsdissect's standard input (a pipe); once tcpdump has it, our end is closed
      const run = wsdissect(args);
      const tcpdump = await inNamespace(['tcpdump', '-U', '-i', 'lo', '-w', '-', `tcp port ${PORT} or tcp port ${OPEN_PORT}`], { stream: 'stderr', text: 'listening on lo' }, run.child.stdin!);
      run.child.stdin!.destroy();
      runs.push({ tcpdump, run });
    }

    // connection 0 stays open; connection 1 is the ws_echo conversation, closed and torn down
    await inNamespace([process.execPath, '-e', STAYS_OPEN], { stream: 'stdout', text: 'READY' });
    const server = await inNamespace([process.execPath, 'captures/gen/scenarios/ws_echo.mjs', 'server', '127.0.0.1', String(PORT)], { stream: 'stdout', text: 'READY' });
    const client = await inNamespace([process.execPath, 'captures/gen/scenarios/ws_echo.mjs', 'client', '127.0.0.1', String(PORT)], null, 'ignore');
    const [clientExit] = await Promise.all([new Promise((r) => client.on('exit', r)), new Promise((r) => server.on('exit', r))]);
    expect(clientExit).toBe(0);
    const ended = Date.now();

    // (1) the finished connection is reported a few seconds after its end (2 s of quiet, and tcpdump's batching),
    // while tcpdump still runs; 15 s is a deadline for the function, not a measure of speed
    const [text, json] = runs.map((r) => r.run);
    const finished = await Promise.all([
      until(() => /^Connection 1: 127\.0\.0\.1:\d+ \(client\) ⇄ 127\.0\.0\.1:8080 \(server\)$/m.test(text!.stdout()) && text!.stdout().includes('Verdict: clean close'), 15_000),
      until(() => json!.stdout().includes(`"port": ${PORT}`), 15_000),
      until(() => parts(htmlDir).some((f) => readFileSync(join(htmlDir, f), 'utf8').includes('data-kind="connection"')), 15_000),
    ]);
    const waited = Date.now() - ended;
    expect(finished).toEqual([true, true, true]);
    expect(waited).toBeLessThan(15_000);
    expect(runs.map((r) => r.tcpdump.exitCode)).toEqual([null, null, null]);
    // the open connection is not reported yet
    expect(text!.stdout()).not.toMatch(/^Connection 0:/m);

    // (2) Ctrl-C, as a terminal sends it to both ends of the pipe; here wsdissect has handled it before tcpdump
    // stops (the end of the pipe and the interruption handled in the same turn are in test/network.test.ts)
    for (const r of runs) r.run.child.kill('SIGINT');
    expect(await until(() => runs.every((r) => r.run.stderr().includes('wsdissect: interrupted: reporting what was read so far')), 10_000)).toBe(true);
    for (const r of runs) r.tcpdump.kill('SIGINT');
    const exits = await Promise.all(runs.map((r) => r.run.exit));
    expect(exits).toEqual([0, 1, 2].map(() => ({ code: 130, signal: null })));

    const out = text!.stdout();
    expect(out).toMatch(/^Connection 0: 127\.0\.0\.1:\d+ \(client\) ⇄ 127\.0\.0\.1:8081 \(server\)$/m);
    expect(out).toContain('TCP: still open when the capture ended.');
    expect(out).toMatch(/^Interrupted: the capture was read up to packet \d+, no further; the connections still open then are reported as they stood, cut short\.$/m);
    expect(out).toMatch(/^Summary: 2 TCP connections \(2 WebSocket\), 12 frames, 6 messages; /m);

    const doc = JSON.parse(json!.stdout()) as { capture: { interrupted: boolean; file: string }; connections: { id: number; server: { port: number }; tcp: { teardown: { kind: string } }; close: { clean: boolean } | null }[]; summary: { connections: number } };
    expect(schemaErrors(doc)).toEqual([]);
    expect(doc.capture).toMatchObject({ file: '(stdin)', interrupted: true });
    // in the order they were reported: the finished one while the capture ran, the open one at Ctrl-C
    expect(doc.connections.map((c) => [c.id, c.server.port, c.tcp.teardown.kind === 'none', c.close?.clean ?? null])).toEqual([
      [1, PORT, false, true],
      [0, OPEN_PORT, true, false],
    ]);

    expect(statSync(html).size).toBeGreaterThan(0);
    expect(parts(htmlDir)).toEqual([]);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/<\/html>\n$/);
    const end = JSON.parse(/<script type="application\/json" class="wsd-data" data-kind="end">(.*?)<\/script>/s.exec(page)![1]!) as { capture: { interrupted: boolean }; interruption: string | null };
    expect(end.capture.interrupted).toBe(true);
    expect(end.interruption).toMatch(/^Interrupted: the capture was read up to packet \d+, no further;/);
  });

  /** The ws_echo conversation in the namespace, on PORT, once the capture tool has had a moment to start; resolves when both ends are done. */
  async function echoConversation(): Promise<void> {
    await new Promise((r) => setTimeout(r, 1500));
    const server = await inNamespace([process.execPath, 'captures/gen/scenarios/ws_echo.mjs', 'server', '127.0.0.1', String(PORT)], { stream: 'stdout', text: 'READY' });
    const client = await inNamespace([process.execPath, 'captures/gen/scenarios/ws_echo.mjs', 'client', '127.0.0.1', String(PORT)], null, 'ignore');
    await Promise.all([new Promise((r) => client.on('exit', r)), new Promise((r) => server.on('exit', r))]);
  }

  it('-i lo -f FILTER -a duration:N: wsdissect starts the capture itself, reports the conversation, and ends by itself', { timeout: 30_000 }, async () => {
    const run = await inNamespace([process.execPath, CLI, '-i', 'lo', '-f', `tcp port ${PORT}`, '-a', 'duration:6', '--json'], null);
    let out = '';
    let err = '';
    run.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    run.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const exit = new Promise<number | null>((resolve) => run.on('exit', resolve));
    await echoConversation();
    expect(await exit).toBe(0);
    expect(err).toBe('');
    const doc = JSON.parse(out) as { capture: { file: string; interrupted: boolean; format: string }; connections: { server: { port: number }; frames: unknown[]; close: { clean: boolean } }[] };
    expect(schemaErrors(doc)).toEqual([]);
    expect(doc.capture).toMatchObject({ file: 'interface lo', interrupted: false });
    expect(doc.connections.map((c) => [c.server.port, c.frames.length, c.close.clean])).toEqual([[PORT, 10, true]]);
  });

  it('-i lo until Ctrl-C: what was captured, the summary, exit 130', { timeout: 30_000 }, async () => {
    const run = await inNamespace([process.execPath, CLI, '-i', 'lo', '-f', `tcp port ${PORT}`, '--summary'], null);
    let out = '';
    run.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const exit = new Promise<number | null>((resolve) => run.on('exit', resolve));
    await echoConversation();
    // reported while the capture goes on, a few seconds after the conversation's end
    expect(await until(() => out.includes('WebSocket: clean close'), 15_000)).toBe(true);
    run.kill('SIGINT');
    expect(await exit).toBe(130);
    expect(out).toMatch(/1 connection \(1 WebSocket\), 10 frames, 4 messages/);
  });
});
