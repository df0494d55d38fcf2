// The command as a user runs it: built by `npm install` (prepare) or `npm run build`.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { errnoReason } from '../src/capture/reader.js';
import { describe, expect, it } from 'vitest';
import { schemaErrors } from './support/schema.js';
import { Conversation, MASK, upgradeRequest, upgradeResponse, wsFrame } from './support/pcap.js';

const CLI = 'dist/cli.js';
const TEXTBOOK = 'captures/textbook_rfc6455.pcap';

function run(args: string[], input?: Buffer): { status: number | null; stdout: string; stderr: string } {
  // (spawnSync's default buffer is 1 MiB: past it the child is killed, and a long output, --hex's of mixed_midstream, is over it)
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A directory and every directory above it. */
function ancestors(d: string): string[] {
  const out = [d];
  while (dirname(out[out.length - 1]!) !== out[out.length - 1]) out.push(dirname(out[out.length - 1]!));
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'wsdissect-cli-'));
// others may enter it (the permission test runs the command as another user)
chmodSync(dir, 0o755);

describe('a message cut by the capture', () => {
  // captures/snaplen/deflate_s120.pcap: packets cut at 120 bytes, so several messages' frames were not captured whole
  it.each(['captures/snaplen/deflate_s120.pcap', 'captures/snaplen/deflate_s200.pcap'])('%s: the messages --json calls incomplete are those --ndjson and --messages call incomplete', (file) => {
    const json = JSON.parse(run([file, '--json', '--max-payload', '0']).stdout) as { connections: { messages: { index: number; complete: boolean }[]; frames: { message: number | null; complete: boolean }[] }[] };
    const c = json.connections[0]!;
    const cut = c.messages.filter((m) => !m.complete).map((m) => m.index);
    expect(cut.length).toBeGreaterThan(0);
    // a message is incomplete exactly when one of its frames is
    expect(cut).toEqual([...new Set(c.frames.filter((f) => !f.complete && f.message !== null).map((f) => f.message))]);
    const ndjson = run([file, '--ndjson', '--max-payload', '0'])
      .stdout.trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; index: number; complete: boolean })
      .filter((l) => l.type === 'message' && !l.complete)
      .map((l) => l.index);
    expect(ndjson).toEqual(cut);
    expect(run([file, '--messages']).stdout.split('\n').filter((l) => l.includes('(incomplete')).length).toBe(cut.length);
  });
});

describe('wsdissect', () => {
  it('prints the walkthrough of a capture', () => {
    const r = run([TEXTBOOK]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Packets 1–3 are the TCP three-way handshake');
    expect(r.stdout).toContain('Accept (computed)     s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(r.stdout).toMatch(/Summary: 1 TCP connection \(1 WebSocket\), 5 frames, 3 messages; 0 errors/);
  });

  it('takes the capture after an option given several times: one value each time, or a list with commas', () => {
    const before = run([TEXTBOOK, '--messages', '--stream', '0', '--phase', 'data', '--opcode', 'text']);
    expect(before.status).toBe(0);
    for (const args of [
      ['--messages', '--stream', '0', '--phase', 'data', '--opcode', 'text', TEXTBOOK],
      ['--messages', '--stream=0', '--phase=data', '--opcode=text', TEXTBOOK],
    ]) {
      const r = run(args);
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.stdout).toBe(before.stdout);
    }
    const both = run(['--messages', '--opcode', 'text', '--opcode', 'close', TEXTBOOK]);
    expect(both.status).toBe(0);
    expect(both.stdout).toContain('selected by --opcode text,close: 3 of 3 messages, 5 of 5 frames');
    expect(both.stdout).toBe(run(['--messages', '--opcode', 'text,close', TEXTBOOK]).stdout);
    const phases = run(['--messages', '--phase', 'data', '--phase', 'closing', TEXTBOOK]).stdout;
    expect(phases).toContain('selected by --phase data,closing: 3 of 3 messages, 5 of 5 frames');
    expect(run(['--messages', '--phase', 'data,closing', TEXTBOOK]).stdout).toBe(phases);
    const wrong = run(['--phase', 'data,bogus', TEXTBOOK]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toBe('wsdissect: --phase takes tcp-handshake, tls-handshake, ws-handshake, data, closing, tcp-teardown, other, not "bogus"\n');
    // check reads every capture named after --ignore
    const check = run(['check', '--ignore', 'close.abnormal', TEXTBOOK, TEXTBOOK]);
    expect(check.stdout).toMatch(/\(2 captures, 2 WebSocket connections\)/);
  }, 30_000);

  it('writes to a pipe what it writes to a file, and stops quietly when the pipe\'s reader goes away', () => {
    // more than one block of output (256 KiB): a pipe is written straight to its descriptor, a file through Node's stream
    const big = 'captures/mixed_midstream.pcap';
    for (const view of ['--hex', '--json', '--ladder']) {
      const file = join(dir, `out${view}.txt`);
      const toFile = spawnSync('bash', ['-c', `${JSON.stringify(process.execPath)} ${CLI} ${view} --max-payload 100000 ${big} > ${JSON.stringify(file)}`], { encoding: 'utf8' });
      expect(toFile.status).toBe(0);
      const toPipe = run([view, '--max-payload', '100000', big]);
      expect(toPipe.status).toBe(0);
      expect(toPipe.stdout, view).toBe(readFileSync(file, 'utf8'));
    }
    expect(run(['--hex', '--max-payload', '100000', big]).stdout.length).toBeGreaterThan(4 * 256 * 1024);
    // | head: the reader takes one byte and goes; the run ends with status 0 and says nothing
    const head = spawnSync('bash', ['-c', `set -o pipefail; ${JSON.stringify(process.execPath)} ${CLI} --hex --max-payload 100000 ${big} | head -c 1 >/dev/null`], { encoding: 'utf8' });
    expect(head.status).toBe(0);
    expect(head.stderr).toBe('');
  }, 30_000);

  it('writes JSON that the schema accepts, with payloads cut as asked', () => {
    const full = run([TEXTBOOK, '--json']);
    expect(full.status).toBe(0);
    const doc = JSON.parse(full.stdout) as { capture: { file: string }; connections: { frames: { payload?: unknown }[] }[] };
    expect(schemaErrors(doc)).toEqual([]);
    expect(doc.capture.file).toBe(TEXTBOOK);
    expect(doc.connections[0]!.frames[2]!.payload).toEqual({ text: 'the server' });
    const cut = JSON.parse(run([TEXTBOOK, '--json', '--max-payload', '3']).stdout) as typeof doc;
    expect(cut.connections[0]!.frames[2]!.payload).toEqual({ text: 'the', truncated: true });
    const none = JSON.parse(run([TEXTBOOK, '--json', '--max-payload', '0']).stdout) as typeof doc;
    expect(none.connections[0]!.frames.every((f) => !('payload' in f))).toBe(true);
  });

  it('reads the capture from standard input with -', () => {
    const viaStdin = run(['-'], readFileSync(TEXTBOOK));
    expect(viaStdin.status).toBe(0);
    expect(viaStdin.stdout).toBe(run([TEXTBOOK]).stdout);
  });

  it.each([
    ['a missing file', () => join(dir, 'missing.pcap'), 'no such file'],
    ['a directory', () => dir, 'is a directory'],
    ['a text file', () => {
      const p = join(dir, 'readme.txt');
      writeFileSync(p, 'not a capture, just words\n');
      return p;
    }, 'not a pcap or pcapng capture'],
    ['an empty file', () => {
      const p = join(dir, 'empty.pcap');
      writeFileSync(p, '');
      return p;
    }, 'empty file'],
  ])('refuses %s with one line naming it, and exit status 2', (_name, make, reason) => {
    const path = make();
    const r = run([path]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`wsdissect: ${path}: ${r.stderr.slice(`wsdissect: ${path}: `.length)}`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(reason);
  });

  // as root the command runs as nobody, who must be able to reach the project (a clone in a 0700 temporary directory is not)
  const reachable = process.getuid?.() !== 0 || ancestors(process.cwd()).every((d) => (statSync(d).mode & 0o001) !== 0);
  it('names a permission problem as such', () => {
    expect(errnoReason(Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES' }))).toBe('permission denied');
  });

  it.runIf(reachable)('refuses a file it may not read with one line naming it, and exit status 2', () => {
    const sub = join(dir, 'locked');
    mkdirSync(sub, { mode: 0o755 });
    const path = join(sub, 'secret.pcap');
    writeFileSync(path, readFileSync(TEXTBOOK));
    chmodSync(path, 0o000);
    // root reads anything: then the command runs as nobody
    const asRoot = process.getuid?.() === 0;
    const r = spawnSync(process.execPath, [CLI, path], { encoding: 'utf8', ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`wsdissect: ${path}: permission denied\n`);
  });

  it('decodes a connection without its handshake as WebSocket with --decode-as', () => {
    const plain = run(['captures/ndn_ipv4_segmented.pcap']);
    expect(plain.stdout).toContain('Connection 0: 131.179.196.220:59622 (client) ⇄ 131.179.196.46:9696 (server)\n  Not WebSocket');
    const asked = run(['captures/ndn_ipv4_segmented.pcap', '--decode-as', '9696', '--width', '200']);
    expect(asked.status).toBe(0);
    expect(asked.stdout).toContain('it is decoded as WebSocket because you asked (--decode-as)');
    expect(asked.stdout).toContain("Packet 1 is the client's Close (1001 Going Away); packet 3 is the server's Close in reply (1001).");
  });

  it('check: exit 0 on a clean capture, 1 on errors, 2 on an unreadable file, with a verdict per connection', () => {
    const clean = run(['check', TEXTBOOK]);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toContain('PASS  connection 0  192.0.2.10:51000 → 192.0.2.20:80');
    const broken = run(['check', TEXTBOOK, 'captures/suricata_ping_sll.pcap']);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/FAIL  connection 0 .*\n    errors \(1\)\n      frame\.client-unmasked \(packet 8, frame 0, client\): .* \[RFC 6455 §5\.1\]/);
    const missing = run(['check', join(dir, 'missing.pcap'), TEXTBOOK]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no such file');
  });

  it('check: --fail-on sets the threshold and --ignore silences a rule', () => {
    const sll = 'captures/suricata_ping_sll.pcap';
    expect(run(['check', sll, '--ignore', 'frame.client-unmasked']).status).toBe(0);
    expect(run(['check', sll, '--ignore', 'frame.client-unmasked', '--fail-on', 'warning']).status).toBe(1); // close.abnormal
    expect(run(['check', sll, '--fail-on', 'none']).status).toBe(0);
    const ignored = run(['check', sll, '--ignore', 'frame.client-unmasked,close.abnormal,close.client-closed-tcp-first', '--fail-on', 'warning']);
    expect(ignored.status).toBe(0);
    expect(ignored.stdout).not.toContain('frame.client-unmasked');
  });

  it('the main command takes --fail-on too, and --ignore reaches the JSON', () => {
    const sll = 'captures/suricata_ping_sll.pcap';
    expect(run([sll]).status).toBe(0);
    expect(run([sll, '--fail-on', 'error']).status).toBe(1);
    const doc = JSON.parse(run([sll, '--json', '--ignore', 'frame.client-unmasked']).stdout) as { summary: { diagnostics: { error: number } }; connections: { diagnostics: { code: string }[] }[] };
    expect(doc.summary.diagnostics.error).toBe(0);
    expect(doc.connections.flatMap((c) => c.diagnostics.map((d) => d.code))).not.toContain('frame.client-unmasked');
  });

  it('writes the HTML report to a file with --html, to standard output with --html - or --format html', () => {
    const out = join(dir, 'report.html');
    const r = run([TEXTBOOK, '--html', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(run([TEXTBOOK, '--html', '-']).stdout).toBe(html);
    expect(run([TEXTBOOK, '--format', 'html']).stdout).toBe(html);
    // --format json is --json
    expect(run([TEXTBOOK, '--format', 'json']).stdout).toBe(run([TEXTBOOK, '--json']).stdout);
    // the selection applies to the report as to every view
    const one = run(['captures/app/socketio.pcap', '--html', '-', '--stream', '2']).stdout;
    expect([...one.matchAll(/data-kind="connection"/g)]).toHaveLength(1);
  });

  it('writes a report of many blocks to its file whole: the same bytes as on standard output', () => {
    // 2.5 MB of report, ten of the blocks the output goes out in
    const big = 'captures/hostile/out_of_order.pcap.gz';
    const out = join(dir, 'big.html');
    expect(run([big, '--html', out]).status).toBe(0);
    const file = readFileSync(out);
    expect(file.length).toBeGreaterThan(2_000_000);
    expect(file.equals(spawnSync(process.execPath, [CLI, big, '--html', '-'], { maxBuffer: 64 * 1024 * 1024 }).stdout)).toBe(true);
  });

  it('a report its file cannot hold: one line naming the file and why, exit status 2, no report and no part of it', () => {
    // a limit on file size (ulimit -f, 10 blocks), with SIGXFSZ ignored so that the write fails instead (EFBIG)
    const out = join(dir, 'limited.html');
    const r = spawnSync('sh', ['-c', `trap "" XFSZ; ulimit -f 10; exec "${process.execPath}" ${CLI} ${TEXTBOOK} --html "${out}"`], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`wsdissect: ${out}: ${errnoReason(Object.assign(new Error('x'), { code: 'EFBIG' }))}\n`);
    expect(() => statSync(out)).toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('names the report file it cannot write, with exit status 2, before reading the capture', () => {
    const r = run([TEXTBOOK, '--html', join(dir, 'no-such-dir', 'r.html')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`wsdissect: ${join(dir, 'no-such-dir', 'r.html')}: ${errnoReason(Object.assign(new Error('x'), { code: 'ENOENT' }))}\n`);
  });

  it('never writes the report over the capture, and leaves no report for an unreadable one', () => {
    const cap = join(dir, 'self.pcap');
    writeFileSync(cap, readFileSync(TEXTBOOK));
    const r = run([cap, '--html', cap]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`wsdissect: ${cap}: is the capture being read; the report needs another name\n`);
    expect(readFileSync(cap).equals(readFileSync(TEXTBOOK))).toBe(true);
    const out = join(dir, 'none.html');
    expect(run([join(dir, 'missing.pcap'), '--html', out]).status).toBe(2);
    expect(() => statSync(out)).toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('refuses bad arguments with exit status 2', () => {
    expect(run([]).status).toBe(2);
    expect(run([TEXTBOOK, '--max-payload', 'lots']).status).toBe(2);
    expect(run([TEXTBOOK, '--no-such-option']).status).toBe(2);
    const typo = run(['check', TEXTBOOK, '--ignore', 'frame.client-unmaskd']);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('unknown diagnostic code frame.client-unmaskd');
    const port = run([TEXTBOOK, '--decode-as', '70000']);
    expect(port.status).toBe(2);
    expect(port.stderr).toContain('--decode-as takes a TCP port');
  });

  it('never lets escape sequences from a capture reach the terminal', () => {
    const evil = '\x1b]0;owned\x07\x1b[2J\x1b[31mred\u202e';
    const conv = new Conversation()
      .handshake()
      .send('client', upgradeRequest([`X-Evil: ${evil}`]))
      .send('server', upgradeResponse())
      .send('server', wsFrame({ opcode: 1, payload: Buffer.from(evil) }))
      .send('client', wsFrame({ opcode: 8, payload: Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from(evil)]), mask: MASK }));
    const path = join(dir, 'evil.pcap');
    writeFileSync(path, conv.pcap());
    const r = run([path]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e]/);
    expect(r.stdout).toContain('\\x1b]0;owned\\x07');
    const json = JSON.parse(run([path, '--json']).stdout) as { connections: { frames: { payload?: { text?: string } }[] }[] };
    expect(json.connections[0]!.frames[0]!.payload?.text).toBe(evil);
  });
});
