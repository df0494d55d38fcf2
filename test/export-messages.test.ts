// --export-messages DIR: a file per message, its bytes those the JSON export
// gives the message (inflated), its name made of numbers and our words only,
// a manifest line per file whose SHA-256 is the file's; the same files
// whether the view streams or takes whole connections; the compressed
// recordings' messages as their scenarios sent them.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Conversation, MASK, upgradeRequest, upgradeResponse, wsFrame } from './support/pcap.js';

const CLI = 'dist/cli.js';
const root = mkdtempSync(join(tmpdir(), 'wsdissect-export-'));
let n = 0;
const fresh = (): string => join(root, `out-${n++}`);

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface ManifestLine {
  file: string;
  connection: number;
  message: number;
  from: 'client' | 'server';
  type: 'text' | 'binary';
  opcode: number;
  length: number;
  size: number;
  compressed: boolean;
  inflated: boolean;
  complete: boolean;
  packet: number;
  ts: number;
  sha256: string;
}

/** The directory an export made: its manifest, read back and held to the files. */
function exported(dir: string): ManifestLine[] {
  const lines = readFileSync(join(dir, 'manifest.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ManifestLine);
  expect(readdirSync(dir).sort()).toEqual([...lines.map((l) => l.file), 'manifest.ndjson'].sort());
  for (const l of lines) {
    const bytes = readFileSync(join(dir, l.file));
    expect(bytes.length).toBe(l.size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(l.sha256);
    // the name is its connection, index, sender and type, nothing else
    expect(l.file).toBe(`c${String(l.connection).padStart(4, '0')}-m${String(l.message).padStart(6, '0')}-${l.from}-${l.type}.${l.compressed && !l.inflated ? 'deflate' : l.type === 'text' ? 'txt' : 'bin'}`);
  }
  return lines;
}

interface JsonMessage {
  index: number;
  from: 'client' | 'server';
  type: 'text' | 'binary';
  opcode: number;
  length: number;
  compressed: boolean;
  inflatedLength: number | null;
  complete: boolean;
  payload?: { text?: string; base64?: string };
}

const bytesOf = (p: JsonMessage['payload']): Buffer => (p?.text !== undefined ? Buffer.from(p.text, 'utf8') : Buffer.from(p?.base64 ?? '', 'base64'));

const captures = [...readdirSync('captures').filter((f) => /\.pcap$/.test(f)).map((f) => `captures/${f}`), ...readdirSync('captures/app').filter((f) => f.endsWith('.pcap')).map((f) => `captures/app/${f}`), 'captures/snaplen/deflate_s120.pcap'];

describe('--export-messages: the files are the messages of the JSON export', () => {
  it.each(captures)('%s', (file) => {
    const dir = fresh();
    const r = run([file, '--summary', '--export-messages', dir]);
    expect(r.status).toBe(0);
    const lines = exported(dir);
    expect(r.stderr).toBe(`wsdissect: ${lines.length} message${lines.length === 1 ? '' : 's'} written to ${dir} (manifest.ndjson)\n`);
    const json = JSON.parse(run([file, '--json', '--max-payload', 'all']).stdout) as { connections: { id: number; messages: JsonMessage[] }[] };
    const want = json.connections.flatMap((c) => c.messages.map((m) => ({ c: c.id, m })));
    const key = (c: number, i: number): string => `${c}/${i}`;
    expect(lines.map((l) => key(l.connection, l.message)).sort()).toEqual(want.map((w) => key(w.c, w.m.index)).sort());
    const byKey = new Map(want.map((w) => [key(w.c, w.m.index), w.m]));
    for (const l of lines) {
      const m = byKey.get(key(l.connection, l.message))!;
      expect(readFileSync(join(dir, l.file)).equals(bytesOf(m.payload))).toBe(true);
      expect([l.from, l.type, l.opcode, l.length, l.compressed, l.inflated, l.complete]).toEqual([m.from, m.type, m.opcode, m.length, m.compressed, m.inflatedLength !== null, m.complete]);
    }
  });

  it('the same files whether the view streams (--ndjson) or takes whole connections (the report)', () => {
    const a = fresh();
    const b = fresh();
    expect(run(['captures/mixed_network.pcap', '--ndjson', '--export-messages', a]).status).toBe(0);
    expect(run(['captures/mixed_network.pcap', '--export-messages', b]).status).toBe(0);
    const files = (d: string): [string, string][] => readdirSync(d).filter((f) => f !== 'manifest.ndjson').sort().map((f) => [f, readFileSync(join(d, f), 'hex')]);
    expect(files(a)).toEqual(files(b));
    expect(files(a).length).toBe(14);
  });
});

describe('what is written', () => {
  interface Expected {
    file: string;
    client: ({ type: 'text'; text: string } | { type: 'binary'; base64: string })[];
    server: ({ type: 'text'; text: string } | { type: 'binary'; base64: string })[];
  }
  const EXPECTED = JSON.parse(readFileSync('captures/deflate_expected.json', 'utf8')) as Expected[];
  it.each(EXPECTED.map((e) => [e.file, e] as const))('%s: each message inflated, as the scenario sent it', (file, want) => {
    const dir = fresh();
    expect(run([`captures/${file}`, '--summary', '--export-messages', dir]).status).toBe(0);
    const lines = exported(dir);
    for (const side of ['client', 'server'] as const) {
      const got = lines
        .filter((l) => l.from === side)
        .sort((x, y) => x.message - y.message)
        .map((l) => {
          const bytes = readFileSync(join(dir, l.file));
          return l.type === 'text' ? { type: 'text', text: bytes.toString('utf8') } : { type: 'binary', base64: bytes.toString('base64') };
        });
      expect(got).toEqual(want[side]);
    }
  });

  it('the selection chooses the messages: --stream and --from', () => {
    const dir = fresh();
    expect(run(['captures/mixed_network.pcap', '--ndjson', '--stream', '1', '--from', 'server', '--export-messages', dir]).status).toBe(0);
    const lines = exported(dir);
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines.map((l) => `${l.connection} ${l.from}`))).toEqual(new Set(['1 server']));
  });

  it('a capture without messages: an empty manifest', () => {
    const dir = fresh();
    const r = run(['captures/ws_rejected_403.pcap', '--summary', '--export-messages', dir]);
    expect(r.status).toBe(0);
    expect(readdirSync(dir)).toEqual(['manifest.ndjson']);
    expect(readFileSync(join(dir, 'manifest.ndjson'), 'utf8')).toBe('');
    expect(r.stderr).toBe(`wsdissect: 0 messages written to ${dir} (manifest.ndjson)\n`);
  });
});

describe('--export-messages with every selection: the messages the JSON export holds for the same selection', () => {
  it.each([
    [['--stream', '1', '--stream', '6']],
    [['--from', 'client']],
    [['--opcode', 'text']],
    [['--opcode', 'binary']],
    [['--phase', 'data']],
    [['--grep', 'hello']],
    [['--limit', '2']],
  ])('%j', (selection) => {
    const file = 'captures/mixed_network.pcap';
    const dir = fresh();
    expect(run([file, ...selection, '--export-messages', dir]).status).toBe(0);
    const lines = exported(dir);
    const json = JSON.parse(run([file, ...selection, '--json', '--max-payload', 'all']).stdout) as { connections: { id: number; messages: JsonMessage[] }[] };
    const want = json.connections.flatMap((c) => c.messages.map((m) => `${c.id}/${m.index}`)).sort();
    expect(want.length).toBeGreaterThan(0);
    expect(lines.map((l) => `${l.connection}/${l.message}`).sort()).toEqual(want);
  });
});

describe('the directory', () => {
  it('a command that fails leaves no export behind (nor the directories it made)', () => {
    const top = fresh();
    const r = run(['captures/ws_echo.pcap', '--summary', '--stream', '9', '--export-messages', join(top, 'a', 'b')]);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(/written to/);
    expect(existsSync(top)).toBe(false);
  });

  it('a place no directory can be made (/proc): one line, at once', () => {
    const r = spawnSync(process.execPath, [CLI, 'captures/ws_echo.pcap', '--summary', '--export-messages', '/proc/wsdissect-x'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('wsdissect: --export-messages /proc/wsdissect-x: cannot make /proc/wsdissect-x\n');
  });

  it('with a streaming output, --opcode and --limit are refused (they judge messages by frames not yet known)', () => {
    const r = run(['captures/ws_echo.pcap', '--ndjson', '--opcode', 'text', '--export-messages', fresh()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^wsdissect: --export-messages with --ndjson takes --stream, --from and --grep; --opcode chooses messages with the other outputs/);
  });

  it('one that holds anything is refused in one line, and left as it was', () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    const r = run(['captures/ws_echo.pcap', '--export-messages', dir]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`wsdissect: --export-messages ${dir}: not empty (it writes into a new or empty directory)\n`);
    expect(readdirSync(dir)).toEqual(['keep.txt']);
  });

  it('a file in its place is refused; missing parents are made', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    const r = run(['captures/ws_echo.pcap', '--export-messages', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`wsdissect: --export-messages ${file}: not a directory\n`);
    const deep = join(fresh(), 'x', 'y');
    expect(run(['captures/ws_echo.pcap', '--summary', '--export-messages', deep]).status).toBe(0);
    expect(exported(deep).length).toBe(4);
  });

  it('no name is made of the capture: messages that look like paths stay in the directory, as files named by numbers', () => {
    const conv = new Conversation()
      .handshake()
      .send('client', upgradeRequest())
      .send('server', upgradeResponse())
      .send('client', wsFrame({ opcode: 1, payload: Buffer.from('../../escaped.txt'), mask: MASK }))
      .send('server', wsFrame({ opcode: 2, payload: Buffer.from('/etc/passwd\u0000') }))
      .send('client', wsFrame({ opcode: 8, payload: Buffer.from([0x03, 0xe8]), mask: MASK }))
      .send('server', wsFrame({ opcode: 8, payload: Buffer.from([0x03, 0xe8]) }));
    const capture = join(root, 'paths.pcap');
    writeFileSync(capture, conv.pcap());
    const dir = join(fresh(), 'inner');
    expect(run([capture, '--summary', '--export-messages', dir]).status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['c0000-m000000-client-text.txt', 'c0000-m000001-server-binary.bin', 'manifest.ndjson']);
    expect(readFileSync(join(dir, 'c0000-m000000-client-text.txt'), 'utf8')).toBe('../../escaped.txt');
    expect(existsSync(join(dir, '..', '..', 'escaped.txt'))).toBe(false);
  });
});
