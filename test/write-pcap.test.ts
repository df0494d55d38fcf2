// -w OUT: the packets of a selection written back as a capture. Read back,
// the file holds exactly the packets the selection's timeline names (the
// JSON export's), each with the original's bytes, timestamp, lengths and link
// type, in the original's format (a pcap's header byte for byte, a pcapng's
// interfaces and other blocks); tshark reads it; analysed, it gives the
// selected connection's frames again.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCapture, type RawPacket } from '../src/capture/reader.js';

const CLI = 'dist/cli.js';
const dir = mkdtempSync(join(tmpdir(), 'wsdissect-w-'));
let n = 0;
const out = (ext: string): string => join(dir, `out-${n++}.${ext}`);

function run(args: string[], input?: Buffer): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function packets(file: string): Promise<RawPacket[]> {
  const all: RawPacket[] = [];
  await readCapture(file, file, (p) => all.push({ ...p, data: Buffer.from(p.data) }));
  return all;
}

interface JsonConn {
  id: number;
  tls: object | null;
  timeline: { packet: number; from: string; phase: string }[];
  frames: { opcode: number; payloadLength: number; from: string }[];
}
const jsonOf = (args: string[]): { connections: JsonConn[] } => JSON.parse(run(['--json', '--max-payload', '0', ...args]).stdout) as { connections: JsonConn[] };

/** -w with the selection `args`: the file holds the packets `want` names, each as the original had it. */
async function holds(file: string, args: string[], want: number[], ext: string): Promise<string> {
  const to = out(ext);
  const r = run([file, ...args, '-w', to]);
  expect(r.status).toBe(0);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(new RegExp(`^wsdissect: ${want.length} packets? of \\d+ connections? written to ${to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
  const original = await packets(file);
  const written = await packets(to);
  const pick = new Set(want);
  const expected = original.filter((p) => pick.has(p.number));
  expect(written.length).toBe(want.length);
  expect(written.map((p) => [p.ts, p.resolution, p.linkType, p.capturedLength, p.originalLength, p.data.toString('hex')])).toEqual(expected.map((p) => [p.ts, p.resolution, p.linkType, p.capturedLength, p.originalLength, p.data.toString('hex')]));
  return to;
}

describe('-w: the selected packets, unchanged', () => {
  it.each([
    ['captures/mixed_network.pcap', 'pcap'],
    ['captures/forms/mixed_network.be.pcap', 'pcap'],
    ['captures/forms/mixed_network.ns.pcap', 'pcap'],
    ['captures/forms/mixed_network.pcap.gz', 'pcap'],
    ['captures/forms/mixed_network.pcapng', 'pcapng'],
    ['captures/forms/mixed_network.pcapng.gz', 'pcapng'],
  ])('%s --stream 1: the connection\'s packets, in the capture\'s own format', async (file, ext) => {
    const json = jsonOf([file]);
    const conn = json.connections.find((c) => c.id === 1)!;
    const to = await holds(file, ['--stream', '1'], conn.timeline.map((e) => e.packet), ext);
    // the header of a pcap is the original's, byte for byte (its byte order, its time precision, its link type)
    const raw = file.endsWith('.gz') ? gunzipSync(readFileSync(file)) : readFileSync(file);
    if (ext === 'pcap') expect(readFileSync(to).subarray(0, 24).equals(raw.subarray(0, 24))).toBe(true);
    else expect(readFileSync(to).readUInt32LE(0)).toBe(0x0a0d0d0a);
    // analysed again, the connection is the same conversation
    const again = jsonOf([to]);
    expect(again.connections.length).toBe(1);
    expect(again.connections[0]!.frames.map((f) => [f.from, f.opcode, f.payloadLength])).toEqual(conn.frames.map((f) => [f.from, f.opcode, f.payloadLength]));
  });

  it('a pcapng of three interfaces keeps them: each packet on its own interface, its own timestamp resolution', async () => {
    const file = 'captures/forms/merged_three_interfaces.pcapng';
    const json = jsonOf([file]);
    const want = json.connections.filter((c) => c.id === 0 || c.id === 2).flatMap((c) => c.timeline.map((e) => e.packet)).sort((a, b) => a - b);
    const to = await holds(file, ['--stream', '0', '--stream', '2'], want, 'pcapng');
    const ids = (f: string): string[] => spawnSync('tshark', ['-r', f, '-T', 'fields', '-e', 'frame.interface_id', '-e', 'frame.time_epoch'], { encoding: 'utf8' }).stdout.trim().split('\n');
    const original = ids(file);
    expect(ids(to)).toEqual(want.map((p) => original[p - 1]));
  });

  it('a pcapng\'s decryption secrets go with it: the written wss:// capture decrypts alone', async () => {
    const file = 'captures/tls/wss_tls13_aes128.dsb.pcapng';
    const json = jsonOf([file]);
    const to = await holds(file, ['--stream', '0'], json.connections[0]!.timeline.map((e) => e.packet), 'pcapng');
    expect(jsonOf([to]).connections[0]!.frames.length).toBe(json.connections[0]!.frames.length);
    expect(json.connections[0]!.frames.length).toBeGreaterThan(0);
  });

  it('--phase and --from keep the packets of those phases and that side', async () => {
    const file = 'captures/ws_echo.pcap';
    const conn = jsonOf([file]).connections[0]!;
    const want = conn.timeline.filter((e) => (e.phase === 'data' || e.phase === 'closing') && e.from === 'client').map((e) => e.packet);
    expect(want.length).toBeGreaterThan(0);
    await holds(file, ['--phase', 'data', '--phase', 'closing', '--from', 'client'], want, 'pcap');
  });

  it('--grep keeps the packets of the frames it finds and those that carry no frame (handshakes, acknowledgements, teardown)', async () => {
    const file = 'captures/ws_echo.pcap';
    const narrowed = jsonOf([file, '--grep', 'client-ping']).connections[0]!;
    const all = jsonOf([file]).connections[0]!;
    const want = narrowed.timeline.map((e) => e.packet);
    expect(want.length).toBeLessThan(all.timeline.length);
    await holds(file, ['--grep', 'client-ping'], want, 'pcap');
  });

  it('tshark reads what was written, packet for packet', () => {
    const to = out('pcap');
    expect(run(['captures/mixed_network.pcap', '--stream', '6', '-w', to]).status).toBe(0);
    const fields = (f: string): string[] => spawnSync('tshark', ['-r', f, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'tcp.srcport', '-e', 'tcp.dstport'], { encoding: 'utf8' }).stdout.trim().split('\n');
    const mine = jsonOf(['captures/mixed_network.pcap']).connections.find((c) => c.id === 6)!.timeline.map((e) => e.packet);
    const original = fields('captures/mixed_network.pcap');
    expect(fields(to)).toEqual(mine.map((p) => original[p - 1]));
  });
});

describe('-w with every selection: the packets the JSON export\'s timeline holds for the same selection', () => {
  it.each([
    [['--stream', '1', '--stream', '6']],
    [['--from', 'server']],
    [['--opcode', 'text']],
    [['--opcode', 'ping', '--opcode', 'pong']],
    [['--phase', 'ws-handshake']],
    [['--phase', 'tcp-teardown', '--from', 'client']],
    [['--grep', 'hello']],
    [['--limit', '2']],
    [['--stream', '1', '--opcode', 'binary', '--limit', '1']],
  ])('%j', async (selection) => {
    const file = 'captures/mixed_network.pcap';
    // a TLS connection is written whole whatever the selection narrows (its records depend on each other)
    const whole = new Map(jsonOf([file]).connections.map((c) => [c.id, c]));
    const want = jsonOf([file, ...selection])
      .connections.flatMap((c) => (c.tls !== null ? whole.get(c.id)! : c).timeline.map((e) => e.packet))
      .sort((a, b) => a - b);
    expect(want.length).toBeGreaterThan(0);
    await holds(file, selection, want, 'pcap');
  });
});

describe('-w: a TLS connection is written whole', () => {
  it('wss:// with --opcode ping: every packet of the connection, so the written capture still decrypts alone', async () => {
    const file = 'captures/tls/wss_tls13_aes128.dsb.pcapng';
    const json = jsonOf([file]);
    const to = await holds(file, ['--opcode', 'ping', '--opcode', 'pong'], json.connections[0]!.timeline.map((e) => e.packet), 'pcapng');
    expect(jsonOf([to]).connections[0]!.frames.length).toBe(json.connections[0]!.frames.length);
  });
});

describe('-w: what is refused, and what is left', () => {
  it('a directory as the file, and -w given twice', () => {
    expect(run(['captures/ws_echo.pcap', '-w', dir]).stderr).toBe(`wsdissect: ${dir}: is a directory; the packets need a file name\n`);
    const twice = run(['captures/ws_echo.pcap', '-w', out('pcap'), '-w', out('pcap')]);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toBe('wsdissect: --write: given more than once (it takes one value)\n');
  });

  it('standard input (read once: the packets are copied in a second reading)', () => {
    const r = run(['-', '-w', out('pcap')], readFileSync('captures/ws_echo.pcap'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^wsdissect: -w needs the capture in a file/);
    expect(r.stderr.split('\n').length).toBe(2);
  });

  it('another output or a terminal view beside it, and the capture itself as the output', () => {
    expect(run(['captures/ws_echo.pcap', '-w', out('pcap'), '--json']).stderr).toBe('wsdissect: --json and -w ask for different outputs: choose one\n');
    const view = run(['captures/ws_echo.pcap', '-w', out('pcap'), '--hex']);
    expect(view.status).toBe(2);
    const self = run(['captures/ws_echo.pcap', '-w', 'captures/ws_echo.pcap']);
    expect(self.status).toBe(2);
    expect(self.stderr).toBe('wsdissect: captures/ws_echo.pcap: is the capture being read; the packets need another file\n');
  });

  it('an unreadable capture leaves no file, nor a part of one', () => {
    const before = readdirSync(dir).length;
    const to = out('pcap');
    const r = run([join(dir, 'missing.pcap'), '-w', to]);
    expect(r.status).toBe(2);
    expect(existsSync(to)).toBe(false);
    expect(readdirSync(dir).length).toBe(before);
  });

  it('-w - writes the capture to standard output', () => {
    const r = spawnSync(process.execPath, [CLI, 'captures/ws_echo.pcap', '--stream', '0', '-w', '-']);
    expect(r.status).toBe(0);
    expect(Buffer.compare(r.stdout, readFileSync('captures/ws_echo.pcap'))).toBe(0);
  });
});
