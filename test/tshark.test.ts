// Cross-check with tshark: for every capture, the frames wsdissect finds must
// agree with Wireshark's dissector on packet number, FIN, RSV, opcode, MASK,
// payload length, masking key and close code. .ci/run installs tshark, so CI
// always runs this; on a machine without it the check is skipped (and fails
// under CI=true, so it can never be skipped silently there).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from './support/analyze.js';
import type { AnalyzerOptions } from '../src/index.js';
import { KeyLog } from '../src/tls/keylog.js';

function findTshark(): string | null {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return 'tshark';
  } catch {
    return null;
  }
}

const tshark = findTshark();
// the application protocols' recordings (captures/app/) too: their WebSocket layer is checked the same way
const CAPTURES = [...readdirSync('captures').filter((f) => f.endsWith('.pcap')), ...['app', 'snaplen', 'tapmerge'].flatMap((dir) => readdirSync(`captures/${dir}`).filter((f) => f.endsWith('.pcap')).map((f) => `${dir}/${f}`))].sort();

/**
 * Captures where tshark is wrong, with the reason; their rows are compared to
 * what is written here instead.
 */
const TSHARK_WRONG: Record<string, { why: string; tshark: string[] }> = {
  // After the first 101 (whose response says "Upgrade: websockets"), tshark
  // hands the rest of the connection to a "websockets" protocol it does not
  // know, and dissects none of the four later HTTP exchanges nor the final
  // frame. The last exchange does upgrade (its response says "websocket") and
  // the client then sends a masked text frame with FIN clear: wsdissect
  // decodes it; see test/captures.test.ts.
  'scapy_invalid_handshakes.pcap': { why: 'stops at the first 101', tshark: [] },
  // the 101 cut at 200 bytes loses its end: tshark never switches the connection to WebSocket
  // ("HTTP Continuation"); wsdissect decodes the frames of deflate_full.pcap (real-networks.test.ts)
  'snaplen/deflate_s200.pcap': { why: 'does not switch to WebSocket after a cut 101', tshark: [] },
  // the response shown before its request (and the SYN-ACK before the SYN): tshark pairs nothing and
  // decodes no frame; wsdissect decodes the clean recording's frames (real-networks.test.ts)
  'tapmerge/py_echo_deflate.skew20ms.pcap': { why: 'decodes nothing when a tap merge puts ACKs before their data', tshark: [] },
  'tapmerge/ws_deflate_takeover.skew5ms.pcap': { why: 'decodes nothing when a tap merge shows the 101 before its request', tshark: [] },
};

/** Captures that carry no WebSocket frame (a rejected upgrade). */
const NO_FRAMES = ['ws_rejected_403.pcap'];

/**
 * Captures whose WebSocket connections have no handshake in the file: tshark
 * is told their ports (-d), as wsdissect finds them by their frames.
 */
const DECODE_AS: Record<string, string[]> = {
  'mixed_midstream.pcap': ['-d', 'tcp.port==8080,websocket', '-d', 'tcp.port==9001,websocket'],
};

const FIELDS = ['frame.number', 'websocket.fin', 'websocket.rsv', 'websocket.opcode', 'websocket.mask', 'websocket.payload_length', 'websocket.payload_length_ext_16', 'websocket.payload_length_ext_64', 'websocket.masking_key', 'websocket.payload.close.status_code'];

/** One row per frame: "packet fin rsv opcode mask length key close". `extra`: more tshark options (a TLS key log). */
function tsharkRows(file: string, extra: readonly string[] = []): string[] {
  const out = execFileSync(tshark!, ['--enable-heuristic', 'http_tcp', ...(DECODE_AS[file.replace(/^captures\//, '')] ?? []), ...extra, '-r', file, '-Y', 'websocket', '-T', 'fields', '-E', 'aggregator=|', ...FIELDS.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const rows: string[] = [];
  for (const line of out.split('\n')) {
    if (line.trim() === '') continue;
    const [num, ...cols] = line.split('\t');
    const split = cols.map((c) => c.split('|'));
    const n = split[0]!.length; // one value of fin per frame in the packet
    let closes = 0;
    for (let i = 0; i < n; i++) {
      const v = (k: number): string => split[k]![i] ?? '';
      const length = v(6) || v(5) || v(4);
      const opcode = Number(v(2));
      // a close code is listed only for close frames that have one; keys only for masked frames
      const close = opcode === 8 ? (split[8]![closes++] ?? '') : '';
      rows.push([num, Number(v(0) === 'True' || v(0) === '1'), Number(v(1)), opcode, Number(v(3) === 'True' || v(3) === '1'), length, v(3) === '1' || v(3) === 'True' ? '*' : '', close].join(' '));
    }
  }
  return rows;
}

async function ourRows(file: string, options: Partial<AnalyzerOptions> = {}): Promise<{ rows: string[]; keys: string[] }> {
  const r = await analyze(file, options);
  const frames = r.connections.flatMap((c) => c.frames).sort((a, b) => a.packet - b.packet || a.ts - b.ts);
  const rows = frames.map((f) => [f.packet, Number(f.fin), (f.rsv1 ? 4 : 0) | (f.rsv2 ? 2 : 0) | (f.rsv3 ? 1 : 0), f.opcode, Number(f.masked), String(f.payloadLength), f.masked ? '*' : '', f.opcode === 8 && f.close?.code !== null && f.close?.code !== undefined ? String(f.close.code) : ''].join(' '));
  return { rows, keys: frames.filter((f) => f.masked).map((f) => f.maskingKey!) };
}

function tsharkKeys(file: string, extra: readonly string[] = []): string[] {
  const out = execFileSync(tshark!, ['--enable-heuristic', 'http_tcp', ...(DECODE_AS[file.replace(/^captures\//, '')] ?? []), ...extra, '-r', file, '-Y', 'websocket.mask == 1', '-T', 'fields', '-E', 'aggregator=|', '-e', 'websocket.masking_key'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => l.split('|'))
    .map((k) => k.replace(/:/g, ''));
}

describe.skipIf(!tshark && process.env['CI'] !== 'true')('agreement with tshark', () => {
  it('is installed (CI must run this check)', () => {
    expect(tshark).not.toBeNull();
  });

  it.each(CAPTURES)('%s', async (file) => {
    const path = `captures/${file}`;
    const ours = await ourRows(path);
    const wrong = TSHARK_WRONG[file];
    const theirs = tsharkRows(path);
    if (wrong) {
      expect(theirs, `tshark ${wrong.why}`).toEqual(wrong.tshark);
      return;
    }
    // a capture with no frame at all must be known to have none
    expect(ours.rows.length > 0 || NO_FRAMES.includes(file)).toBe(true);
    expect(ours.rows).toEqual(theirs);
    expect(ours.keys).toEqual(tsharkKeys(path));
  });
});

// wss:// (captures/tls/): every recording that has its key log beside it
// (NAME.pcap with NAME.keys, whichever are added later), read by tshark with
// `-o tls.keylog_file:NAME.keys` and by wsdissect with the same key log; and
// every pcapng that carries its keys in a Decryption Secrets Block, read by
// both without any key log. The rows are the cleartext captures' rows:
// tshark puts a frame in the packet that completes its TLS record, as
// wsdissect does.
const TLS_DIR = 'captures/tls';
const keysBeside = (pcap: string): string => pcap.replace(/\.pcap$/, '.keys');
const TLS_CAPTURES = readdirSync(TLS_DIR)
  .filter((f) => f.endsWith('.pcap') && existsSync(`${TLS_DIR}/${keysBeside(f)}`))
  .sort();
const TLS_EMBEDDED = readdirSync(TLS_DIR)
  .filter((f) => f.endsWith('.dsb.pcapng'))
  .sort();

/**
 * wss:// captures where tshark is wrong: the file name, the reason with its
 * evidence, and tshark's rows, as for TSHARK_WRONG.
 */
const H2_WRONG =
  'finds no WebSocket frame in a WebSocket carried by HTTP/2 (RFC 8441): tshark 4.0 decodes the extended CONNECT and the DATA frames (with -o tls.keylog_file) but not what the stream carries; these recordings are WebSockets of ws and of Chromium over h2, and h2-recordings.test.ts compares their frames with what the scenario sent and their HTTP/2 frames with tshark';
const TLS_TSHARK_WRONG: Record<string, { why: string; tshark: string[] }> = {
  'h2_ws_tls13.pcap': { why: H2_WRONG, tshark: [] },
  'chromium_h2_ws.pcap': { why: H2_WRONG, tshark: [] },
};

/** tshark's options for a key log file; an empty file name: no key log at all (whatever a user's preferences name). */
const keylogOption = (file: string): string[] => ['-o', `tls.keylog_file:${file}`];

describe.skipIf(!tshark && process.env['CI'] !== 'true')('agreement with tshark on wss://, decrypted with the key log', () => {
  it('has recordings with their key logs, and one with its keys embedded', () => {
    expect(tshark).not.toBeNull();
    expect(TLS_CAPTURES.length).toBeGreaterThan(0);
    expect(TLS_EMBEDDED.length).toBeGreaterThan(0);
  });

  it.each(TLS_CAPTURES)('%s with its key log', async (file) => {
    const path = `${TLS_DIR}/${file}`;
    const keysFile = `${TLS_DIR}/${keysBeside(file)}`;
    const keylog = KeyLog.parse(readFileSync(keysFile, 'utf8'), keysFile);
    const ours = await ourRows(path, { keylog });
    const theirs = tsharkRows(path, keylogOption(keysFile));
    const wrong = TLS_TSHARK_WRONG[file];
    if (wrong) {
      expect(theirs, `tshark ${wrong.why}`).toEqual(wrong.tshark);
      return;
    }
    expect(ours.rows.length).toBeGreaterThan(0);
    expect(ours.rows).toEqual(theirs);
    expect(ours.keys).toEqual(tsharkKeys(path, keylogOption(keysFile)));
  });

  it.each(TLS_CAPTURES)('%s without a key log: no frame, for either', async (file) => {
    const path = `${TLS_DIR}/${file}`;
    expect(tsharkRows(path, keylogOption(''))).toEqual([]);
    expect((await ourRows(path)).rows).toEqual([]);
  });

  it.each(TLS_EMBEDDED)('%s with the keys it carries', async (file) => {
    const path = `${TLS_DIR}/${file}`;
    const ours = await ourRows(path);
    const wrong = TLS_TSHARK_WRONG[file];
    const theirs = tsharkRows(path, keylogOption(''));
    if (wrong) {
      expect(theirs, `tshark ${wrong.why}`).toEqual(wrong.tshark);
      return;
    }
    expect(ours.rows.length).toBeGreaterThan(0);
    expect(ours.rows).toEqual(theirs);
    expect(ours.keys).toEqual(tsharkKeys(path, keylogOption('')));
  });
});
