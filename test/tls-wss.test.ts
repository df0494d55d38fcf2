// wss:// decrypted with the session keys the implementations logged
// (captures/tls/, recorded by gen/record.sh with Node's `keylog` event):
// TLS 1.3 and 1.2, each cipher suite, the same conversation as ws_echo plus a
// compressed message and a 40 000-byte one. With the key log every frame and
// message is decoded through the records' cleartext, as over ws://; without
// it, or with another session's keys, nothing of WebSocket is invented.
// tshark 4.0 with `-o tls.keylog_file:` finds the same 14 frames in each file
// (gen/tls-check.sh); its payload_length field says 126 for the 40 000-byte
// frames (the 16-bit form's marker), where the length is 40000.
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyze, only } from './support/analyze.js';
import { KeyLog } from '../src/tls/keylog.js';

// (wss_tls12_resume.pcap, three connections of one resumed session, has a conversation of its own: tls-recordings2.test.ts)
const FILES = readdirSync('captures/tls').filter((f) => /^wss_tls1[23]_.*\.pcap$/.test(f) && f !== 'wss_tls12_resume.pcap').map((f) => `captures/tls/${f}`).sort();
const keysOf = (pcap: string): KeyLog => KeyLog.parse(readFileSync(pcap.replace(/\.pcap$/, '.keys'), 'utf8'), pcap.replace(/\.pcap$/, '.keys'));

/** The conversation each side sends (opcode, payload length): text, binary, compressed text, a large binary, ping, the peer's pong, close. */
const CLIENT = [
  [1, 17],
  [2, 5],
  [1, 77],
  [2, 40000],
  [9, 11],
  [10, 11],
  [8, 5],
];

describe('wss:// with a key log', () => {
  it('has a recording of every suite', () => {
    expect(FILES.map((f) => f.replace(/^.*\//, ''))).toEqual(['wss_tls12_aes128gcm.pcap', 'wss_tls12_aes256gcm.pcap', 'wss_tls12_cbc.pcap', 'wss_tls12_chacha.pcap', 'wss_tls13_aes128.pcap', 'wss_tls13_aes256.pcap', 'wss_tls13_chacha.pcap']);
  });

  it.each(FILES)('%s: every frame and message, through the cleartext', async (file) => {
    const c = only(await analyze(file, { keylog: keysOf(file) }));
    expect(c.websocket).toBe(true);
    expect(c.handshake?.acceptValid).toBe(true);
    expect(c.handshake?.request.target).toBe('/echo');
    for (const side of ['client', 'server'] as const) {
      const frames = c.frames.filter((f) => f.from === side).map((f) => [f.opcode, f.payloadLength]);
      // the server answers the client's ping, the client the server's: the same list each way
      expect(frames.sort()).toEqual([...CLIENT].sort());
      expect(c.frames.filter((f) => f.from === side).every((f) => f.masked === (side === 'client') && f.complete)).toBe(true);
    }
    const texts = c.messages.filter((m) => m.type === 'text').map((m) => m.payload.toString('utf8'));
    expect(texts.filter((t) => t === 'Hello, wsdissect!')).toHaveLength(2);
    // the compressed message inflates (77 bytes on the wire) to the same text each way
    const inflated = c.messages.filter((m) => m.compressed);
    expect(inflated).toHaveLength(2);
    expect(inflated.every((m) => m.length === 77 && m.inflatedLength !== null && m.inflatedLength > 77)).toBe(true);
    expect(inflated[0]!.payload.equals(inflated[1]!.payload)).toBe(true);
    expect(c.close).toMatchObject({ initiator: 'client', code: 1000, reason: 'bye', replyCode: 1000 });
    expect(c.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(c.tls?.sni).toBe('wss.test');
  });

  it.each(FILES)('%s: without keys, or with another session\'s, a TLS connection and nothing invented', async (file) => {
    const none = only(await analyze(file));
    expect(none.websocket).toBe(false);
    expect(none.frames).toEqual([]);
    const other = FILES.find((f) => f !== file)!;
    const wrong = only(await analyze(file, { keylog: keysOf(other) }));
    expect(wrong.websocket).toBe(false);
    expect(wrong.frames).toEqual([]);
    // said to be TLS, with what its cleartext handshake shows
    for (const c of [none, wrong]) {
      expect(c.protocol?.name).toBe('tls');
      expect(c.tls?.sni).toBe('wss.test');
    }
  });
});

describe('the keys a pcapng carries (Decryption Secrets Block)', () => {
  it('decrypts with them alone, as with the key log they were made from', async () => {
    const pcap = 'captures/tls/wss_tls13_aes128.pcap';
    const fromBlock = only(await analyze('captures/tls/wss_tls13_aes128.dsb.pcapng'));
    const fromFile = only(await analyze(pcap, { keylog: keysOf(pcap) }));
    expect(fromBlock.websocket).toBe(true);
    const wire = (c: typeof fromFile) => c.frames.map((f) => [f.packet, f.from, f.opcode, f.payloadLength, f.payload.toString('hex')]);
    expect(wire(fromBlock)).toEqual(wire(fromFile));
    expect(fromBlock.messages.map((m) => m.payload.toString('hex'))).toEqual(fromFile.messages.map((m) => m.payload.toString('hex')));
  });
});

describe('--tls-keylog and SSLKEYLOGFILE', () => {
  const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  const file = 'captures/tls/wss_tls13_chacha.pcap';

  it('decrypts with the file given, and with the one SSLKEYLOGFILE names', () => {
    const given = run([file, '--summary', '--tls-keylog', file.replace('.pcap', '.keys')]);
    expect(given.status).toBe(0);
    expect(given.stdout).toMatch(/1 connection \(1 WebSocket\), 14 frames, 8 messages/);
    const fromEnv = run([file, '--summary'], { SSLKEYLOGFILE: file.replace('.pcap', '.keys') });
    expect(fromEnv.stdout).toBe(given.stdout);
    // --tls-keylog is taken instead of the environment's file
    const both = run([file, '--summary', '--tls-keylog', 'captures/tls/wss_tls12_cbc.keys'], { SSLKEYLOGFILE: file.replace('.pcap', '.keys') });
    expect(both.stdout).toMatch(/0 WebSocket/);
  }, 30_000);

  it('refuses a key log it cannot read, in one line naming it, with exit status 2', () => {
    const r = run([file, '--tls-keylog', 'captures/tls/missing.keys']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--tls-keylog captures\/tls\/missing\.keys: no such file/);
    // the option without its file is not taken for no option
    const bare = run([file, '--summary', '--tls-keylog']);
    expect(bare.status).toBe(2);
    expect(bare.stderr.trim()).toBe('wsdissect: --tls-keylog needs a key log file');
  }, 30_000);
});
