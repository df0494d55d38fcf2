// The contract a CI pipeline relies on: exit status (0 pass, 1 fail or no
// WebSocket, 2 unusable input or arguments), "-" for standard input wherever a
// capture is taken, check's verdict line always last, the arguments checked,
// and the machine-readable reports of check (--json, --junit).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { Conversation, upgradeRequest } from './support/pcap.js';
import { interruptedRun } from './support/interrupt.js';

const CLI = 'dist/cli.js';
const CLEAN = 'captures/ws_echo.pcap';
const FAILING = 'captures/violations/frame.client-unmasked.pcap';
const NOT_WS = 'captures/mixed_network.pcap';
const dir = mkdtempSync(join(tmpdir(), 'wsdissect-contract-'));

function run(args: string[], options: { input?: Buffer; env?: NodeJS.ProcessEnv } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input: options.input, encoding: 'utf8', env: options.env ?? process.env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lastLine = (s: string): string => s.trimEnd().split('\n').pop() ?? '';

// a pcap with its global header only, and one cut inside its first record
const HEADER_ONLY = join(dir, 'header-only.pcap');
writeFileSync(HEADER_ONLY, readFileSync(CLEAN).subarray(0, 24));
const CUT_FIRST = join(dir, 'cut-first.pcap');
writeFileSync(CUT_FIRST, readFileSync(CLEAN).subarray(0, 24 + 16 + 10));

describe('exit status and standard input', () => {
  it('check - reads standard input and fails it as it fails the same file by path', () => {
    const byPath = run(['check', FAILING]);
    const piped = run(['check', '-'], { input: readFileSync(FAILING) });
    expect(byPath.status).toBe(1);
    expect(piped.status).toBe(1);
    expect(piped.stdout.split('\n')[0]).toBe('(stdin)');
    // the same report but for the name
    expect(piped.stdout.split('\n').slice(1)).toEqual(byPath.stdout.split('\n').slice(1));
  });

  it('check - among other captures reads each, - once', () => {
    const r = run(['check', '-', CLEAN], { input: readFileSync(FAILING) });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('(stdin)\n  FAIL  connection 0');
    expect(r.stdout).toContain(`${CLEAN}\n  PASS  connection 0`);
    expect(lastLine(r.stdout)).toBe('FAIL: diagnostics at or above --fail-on error in (stdin)');
    const twice = run(['check', '-', '-'], { input: readFileSync(CLEAN) });
    expect(twice.status).toBe(2);
    expect(twice.stderr).toBe('wsdissect: - (standard input) can be read only once\n');
  });

  it('check always ends with its verdict line on standard output', () => {
    expect(lastLine(run(['check', CLEAN]).stdout)).toBe('PASS: nothing at or above --fail-on error (1 capture, 1 WebSocket connection)');
    expect(lastLine(run(['check', FAILING]).stdout)).toBe('FAIL: diagnostics at or above --fail-on error');
    const unreadable = run(['check', join(dir, 'missing.pcap')]);
    expect(unreadable.status).toBe(2);
    expect(lastLine(unreadable.stdout)).toBe('ERROR: the capture could not be read');
    expect(unreadable.stderr).toBe(`wsdissect: ${join(dir, 'missing.pcap')}: no such file\n`);
  });

  it('check fails a capture in which nothing is WebSocket, unless --allow-empty', () => {
    for (const file of [NOT_WS.replace('mixed_network', 'ws_rejected_403'), HEADER_ONLY]) {
      const r = run(['check', file]);
      expect(r.status, file).toBe(1);
      expect(lastLine(r.stdout)).toBe('FAIL: no WebSocket connection (--allow-empty accepts a capture without one)');
      expect(run(['check', file, '--allow-empty']).status).toBe(0);
    }
    // the main command analysed it and found nothing wrong
    expect(run([HEADER_ONLY]).status).toBe(0);
  });

  it('a pcap cut inside its first record is unreadable: exit 2 with one line, for every command', () => {
    for (const args of [[CUT_FIRST], [CUT_FIRST, '--json'], ['check', CUT_FIRST]]) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(`wsdissect: ${CUT_FIRST}: the file ends before its first packet is whole: no packet could be read\n`);
    }
  });

  it('a file name with a comma is one file', () => {
    const comma = join(dir, 'run1,fail.pcap');
    copyFileSync(FAILING, comma);
    const r = run(['check', comma]);
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe(comma);
    const missing = run(['check', join(dir, 'a,b.pcap')]);
    expect(missing.stderr).toBe(`wsdissect: ${join(dir, 'a,b.pcap')}: no such file\n`);
  });

  it('check keeps its exit status when its reader stops early (| head)', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; ${JSON.stringify(process.execPath)} ${CLI} check ${FAILING} ${FAILING} ${FAILING} | head -c 1 >/dev/null`]);
    expect(r.status).toBe(1);
  });
});

describe('arguments', () => {
  it.each([
    [['--frame', 'abc'], 'wsdissect: --frame takes a whole number of at least 0, not "abc"'],
    [['--limit', '-3'], 'wsdissect: --limit takes a whole number of at least 1, not "-3"'],
    [['--limit', '2.5'], 'wsdissect: --limit takes a whole number of at least 1, not "2.5"'],
    [['--preview', '-5'], 'wsdissect: --preview takes a whole number from 8 to 10000, not "-5"'],
    [['--width', '20'], 'wsdissect: --width takes a whole number from 60 to 10000, not "20"'],
    [['--max-connections', '0'], 'wsdissect: --max-connections takes a whole number of at least 1, not "0"'],
    [['--json', '--ndjson'], 'wsdissect: --json and --ndjson ask for different outputs: choose one'],
    [['--format', 'text', '--json'], 'wsdissect: --json and --format text ask for different outputs: choose one'],
    [['--html', '-', '--ndjson'], 'wsdissect: --ndjson and --html ask for different outputs: choose one'],
    [['--json', '--explain'], 'wsdissect: --explain is a terminal view; --json writes the whole analysis: choose one'],
    [['--summary', '--ladder'], 'wsdissect: --summary shows only the counts; it cannot be combined with --ladder'],
    [['--summary', '--opcode', 'close'], 'wsdissect: --summary counts whole connections; --opcode does not apply to it (--stream does)'],
    [['--stream', '7'], 'wsdissect: --stream 7: the capture has no connection 7 (its only connection is 0)'],
    [['--frame', '99'], 'wsdissect: --frame 99: no connection shown has a frame 99 (frames are numbered from 0; the most a connection has is 10)'],
    [[CLEAN.replace('ws_echo', 'ws_fragmented')], `wsdissect: one capture at a time (given 2: ${CLEAN}, captures/ws_fragmented.pcap); "wsdissect check ${CLEAN} captures/ws_fragmented.pcap" checks several one after another`],
  ])('%j is refused with exit status 2 and one line', (args, line) => {
    const r = run([CLEAN, ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`${line}\n`);
  });

  it('a wrong --stream leaves no report behind', () => {
    const out = join(dir, 'stream7.html');
    expect(run([CLEAN, '--stream', '7', '--html', out]).status).toBe(2);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('the parser\'s own complaints are one line too', () => {
    expect(run([CLEAN, '--fail-on', 'bogus']).stderr).toBe('wsdissect: --fail-on takes error, warning, info, none, not "bogus" (wsdissect --help lists the options)\n');
    expect(run(['check']).stderr).toBe('wsdissect: check needs at least one capture (a pcap or pcapng file, or - for standard input) (wsdissect --help lists the options)\n');
    const unknown = run([CLEAN, '--no-such']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('agreeing outputs are one output', () => {
    expect(run([CLEAN, '--format', 'json', '--json']).stdout).toBe(run([CLEAN, '--json']).stdout);
  });

  it('the help fits 80 columns without breaking an example command', () => {
    const help = run(['--help'], { env: { ...process.env, COLUMNS: '80' } }).stdout;
    const examples = help.slice(help.indexOf('Examples:'));
    for (const cmd of ['wsdissect capture.pcap --explain --ladder', 'wsdissect capture.pcapng --stream 2 --opcode close --json', 'tcpdump -U -w - port 8080 | wsdissect -', 'wsdissect check *.pcap --junit report.xml']) {
      expect(examples).toContain(`\n  ${cmd}\n`);
    }
    expect(Math.max(...help.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(80);
  });
});

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
ajv.addSchema(JSON.parse(readFileSync('schema/wsdissect.schema.json', 'utf8')) as object);
const validCheck = ajv.compile(JSON.parse(readFileSync('schema/check.schema.json', 'utf8')) as object);

interface CheckDoc {
  verdict: string;
  exitStatus: number;
  captures: { file: string; verdict: string; reasons: string[]; error: string | null; connections: { id: number; verdict: string; kind: string; frames: number; counts: Record<string, number> }[] }[];
}

describe('check --json', () => {
  const files = [CLEAN, FAILING, HEADER_ONLY, NOT_WS, 'captures/ws_rejected_403.pcap', join(dir, 'missing.pcap')];
  const r = run(['check', ...files, '--json']);
  const doc = JSON.parse(r.stdout) as CheckDoc;

  it('is one document the schema accepts, whose verdict is the exit status', () => {
    expect(validCheck(doc), JSON.stringify(validCheck.errors)).toBe(true);
    expect(doc.verdict).toBe('error');
    expect(doc.exitStatus).toBe(2);
    expect(r.status).toBe(2);
    // the verdict line goes to standard error, the document stays JSON
    expect(lastLine(r.stderr)).toMatch(/^ERROR: 1 capture \(.*missing\.pcap\) could not be read; diagnostics at or above --fail-on error in captures\/violations\/frame\.client-unmasked\.pcap; no WebSocket connection in .*header-only\.pcap, captures\/ws_rejected_403\.pcap/);
  });

  it('tells for each capture and connection what the text report tells', () => {
    expect(doc.captures.map((c) => [c.file, c.verdict])).toEqual([
      [CLEAN, 'pass'],
      [FAILING, 'fail'],
      [HEADER_ONLY, 'fail'],
      [NOT_WS, 'pass'],
      ['captures/ws_rejected_403.pcap', 'fail'],
      [files[5], 'error'],
    ]);
    for (const file of files.slice(0, 5)) {
      const text = run(['check', file]).stdout;
      const lines = [...text.matchAll(/^ {2}(PASS|FAIL) {2}connection (\d+) .*\((\d+) frames?; (\d+) errors?, (\d+) warnings?, (\d+) info\)$/gm)];
      const connections = doc.captures.find((c) => c.file === file)!.connections.filter((c) => c.kind === 'websocket');
      expect(lines.filter((m) => connections.some((c) => c.id === Number(m[2]))).map((m) => [m[1], Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])])).toEqual(
        connections.map((c) => [c.verdict.toUpperCase(), c.id, c.frames, c.counts.error, c.counts.warning, c.counts.info]),
      );
    }
  });
});

function xmllint(xml: string): { ok: boolean; out: string } {
  const file = join(dir, `r${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--schema', 'test/fixtures/junit.xsd', file], { encoding: 'utf8' });
  if (r.error) throw new Error(`xmllint is needed (Debian's libxml2-utils; .ci/run installs it): ${r.error.message}`);
  return { ok: r.status === 0, out: r.stderr };
}

describe('check --junit', () => {
  const report = join(dir, 'report.xml');
  const files = [CLEAN, FAILING, HEADER_ONLY, 'captures/violations/close.invalid-code.pcap', join(dir, 'missing.pcap')];
  const r = run(['check', ...files, '--junit', report]);
  const xml = readFileSync(report, 'utf8');
  const json = JSON.parse(run(['check', ...files, '--json']).stdout) as CheckDoc;

  it('is valid under the strictest JUnit schema the CI readers follow', () => {
    const v = xmllint(xml);
    expect(v.ok, v.out).toBe(true);
    // and the schema is not a formality: a case without its classname is refused
    expect(xmllint(xml.replace(/ classname="[^"]*"/, '')).ok).toBe(false);
    expect(xmllint(xml.replace('<failure ', '<failure ').replace(/(<failure[^>]*>[^<]*<\/failure>)/, '$1$1')).ok).toBe(false);
  });

  it('has a suite per capture and a case per WebSocket connection, failing where the check fails', () => {
    expect(r.status).toBe(2);
    const suites = [...xml.matchAll(/<testsuite name="([^"]*)"[^>]* tests="(\d+)" failures="(\d+)" errors="(\d+)"/g)].map((m) => [m[1], Number(m[2]), Number(m[3]), Number(m[4])]);
    expect(suites.map((s) => s[0])).toEqual(files);
    json.captures.forEach((c, i) => {
      const ws = c.connections.filter((k) => k.kind !== 'other' || k.verdict === 'fail');
      // the capture's own case, then one per connection that upgraded or fails
      expect(suites[i]![1]).toBe(1 + ws.length);
      expect(suites[i]![2]).toBe(ws.filter((k) => k.verdict === 'fail').length + (c.reasons.includes('no WebSocket connection') ? 1 : 0));
      expect(suites[i]![3]).toBe(c.verdict === 'error' ? 1 : 0);
    });
  });

  it('names each failing diagnostic with its packet, code and RFC section', () => {
    const failure = /<testcase name="connection 0 [^"]*" classname="captures\/violations\/frame\.client-unmasked\.pcap"[^>]*>\s*<failure type="frame\.client-unmasked" message="1 diagnostic at or above --fail-on error: frame\.client-unmasked">([^<]*)<\/failure>/.exec(xml);
    expect(failure?.[1]).toMatch(/^error frame\.client-unmasked \(packet 8, frame 0, client\): .* \[RFC 6455 §5\.1\]$/);
    expect(xml).toMatch(/<testcase name="capture" classname="[^"]*header-only\.pcap"[^>]*>\s*<failure type="no-websocket" message="no WebSocket connection in the capture/);
    expect(xml).toMatch(/<testcase name="capture" classname="[^"]*missing\.pcap" time="0\.000000">\s*<error type="unreadable" message="no such file"\/>/);
  });

  it('escapes what a capture puts in a message, and keeps out what XML cannot hold', () => {
    // a refusal whose reason phrase is markup and escape sequences; --fail-on warning makes it a failure
    const evil = 'Nope </failure><x a="&amp;"> ]]> \x1b[2J\x07';
    const conv = new Conversation().handshake().send('client', upgradeRequest()).send('server', `HTTP/1.1 403 ${evil}\r\nContent-Length: 0\r\n\r\n`).fin('server').fin('client');
    const file = join(dir, 'evil.pcap');
    writeFileSync(file, conv.pcap());
    const out = join(dir, 'evil.xml');
    expect(run(['check', file, '--allow-empty', '--fail-on', 'warning', '--junit', out]).status).toBe(1);
    const evilXml = readFileSync(out, 'utf8');
    const v = xmllint(evilXml);
    expect(v.ok, v.out).toBe(true);
    expect(evilXml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    // the reason reaches the report as text: escaped markup, escape sequences shown as \xNN
    expect(evilXml).toContain('Nope &lt;/failure&gt;&lt;x a=&quot;&amp;amp;&quot;&gt; ]]&gt; \\x1b[2J\\x07');
    expect(evilXml).toMatch(/<failure type="handshake\.rejected"/);
  });
});

describe('Ctrl-C', () => {
  /** Feeds a capture to `wsdissect ARGS -` through a pipe that stays open, then interrupts it. */
  async function interrupt(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    // the whole capture, but the pipe is left open: a live capture still running
    const { code, stdout, stderr } = await interruptedRun(args, readFileSync(CLEAN));
    return { status: code, stdout, stderr };
  }

  it('a live pipe gets a finished connection reported while it is still open', { timeout: 15_000 }, async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, '--summary', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stdin.write(readFileSync(CLEAN));
    const started = Date.now();
    // the connection ended (FIN both ways) in the capture; the pipe stays open as tcpdump's would
    while (!stdout.includes('connection 0') && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 100));
    const waited = Date.now() - started;
    child.kill('SIGINT');
    await new Promise((r) => child.on('exit', r));
    expect(stdout).toContain('connection 0  127.0.0.1:37826 → 127.0.0.1:8080  WebSocket: clean close');
    // a few seconds of quiet after its end (the grace for late packets), not the end of the pipe
    expect(waited).toBeLessThan(10_000);
  });

  it('on a live capture reports what was read, with the summary, and exits 130', async () => {
    const r = await interrupt([]);
    expect(r.status).toBe(130);
    expect(r.stderr).toContain('wsdissect: interrupted: reporting what was read so far');
    expect(r.stdout).toContain('Connection 0: 127.0.0.1:37826 (client) ⇄ 127.0.0.1:8080 (server)');
    expect(r.stdout).toMatch(/Summary: 1 TCP connection \(1 WebSocket\), 10 frames, 4 messages/);
  });

  it('writes the HTML report whole and leaves no hidden part file', async () => {
    const out = join(dir, 'live.html');
    const r = await interrupt(['--html', out]);
    expect(r.status).toBe(130);
    expect(readFileSync(out, 'utf8')).toMatch(/<\/html>\s*$/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('ends a check with its verdict line', async () => {
    const r = await interrupt(['check']);
    expect(r.status).toBe(130);
    expect(lastLine(r.stdout)).toBe('PASS: nothing at or above --fail-on error (1 capture, 1 WebSocket connection)');
  });
});
