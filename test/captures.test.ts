// Every committed capture, end to end: golden terminal and JSON output (the
// golden files are reviewed like code; regenerate with UPDATE_GOLDEN=1 and
// read the diff), the JSON checked against the shipped schema, and the facts
// each capture was made to show.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze, codes, only } from './support/analyze.js';
import { renderJson, renderTerminal } from './support/render.js';
import { schemaErrors } from './support/schema.js';
import { tellStory } from '../src/render/story.js';
import { expectGolden } from './support/golden.js';

const CAPTURES = readdirSync('captures').filter((f) => f.endsWith('.pcap')).sort();
const GOLDEN = 'test/golden';

const golden = (name: string, actual: string): void => expectGolden(`${GOLDEN}/${name}`, actual);

describe.each(CAPTURES)('%s', (file) => {
  const path = `captures/${file}`;
  const base = file.replace(/\.pcap$/, '');

  it('prints the golden walkthrough', async () => {
    golden(`${base}.txt`, await renderTerminal(path));
  });

  it('exports golden JSON that the schema accepts', async () => {
    const doc = await renderJson(path);
    expect(schemaErrors(doc)).toEqual([]);
    golden(`${base}.json`, `${JSON.stringify(doc, null, 2)}\n`);
  });

  it('is listed in captures/README.md', () => {
    expect(readFileSync('captures/README.md', 'utf8')).toContain(file);
  });
});

const text = (b: Buffer): string => b.toString('utf8');

describe('clean conversations between real implementations', () => {
  // recorded from ws, Python websockets and Chromium doing nothing wrong: not one
  // error may be raised on them, and no warning but one: some of these clients
  // close TCP as soon as the closing handshake is done, before the server,
  // which RFC 6455 §7.1.1 says the server SHOULD do (a warning, never an error)
  it.each(['ws_echo', 'ws_echo_ipv6', 'ws_fragmented', 'ws_large_binary', 'ws_server_close', 'py_client_ws_server', 'py_echo_deflate', 'ws_deflate_takeover', 'ws_deflate_no_takeover', 'py_deflate_fragmented', 'chromium_deflate', 'textbook_rfc6455'])('%s raises no error or warning', async (name) => {
    const r = await analyze(`captures/${name}.pcap`);
    const all = [...r.diagnostics, ...r.connections.flatMap((c) => c.diagnostics)];
    expect(all.filter((d) => d.severity !== 'info' && d.code !== 'close.client-closed-tcp-first')).toEqual([]);
    expect(all.filter((d) => d.code === 'close.client-closed-tcp-first').every((d) => d.severity === 'warning')).toBe(true);
  });
});

describe('what each recorded capture shows', () => {
  it('ws_echo: text, binary, pings both ways and a clean client close', async () => {
    const c = only(await analyze('captures/ws_echo.pcap'));
    expect(c.handshake).toMatchObject({ outcome: 'upgraded', acceptValid: true });
    expect(c.messages.map((m) => [m.from, m.type, m.type === 'text' ? text(m.payload) : m.payload.toString('hex')])).toEqual([
      ['client', 'text', 'Hello, wsdissect!'],
      ['server', 'text', 'Hello, wsdissect!'],
      ['client', 'binary', '0102030405'],
      ['server', 'binary', '0102030405'],
    ]);
    const control = c.frames.filter((f) => f.opcode >= 8).map((f) => [f.from, f.opcode, f.masked, f.opcode === 8 ? null : text(f.payload)]);
    expect(control).toEqual([
      ['client', 9, true, 'client-ping'],
      ['server', 10, false, 'client-ping'],
      ['server', 9, false, 'server-ping'],
      ['client', 10, true, 'server-ping'],
      ['client', 8, true, null],
      ['server', 8, false, null],
    ]);
    expect(c.close).toMatchObject({ initiator: 'client', code: 1000, reason: 'bye', replyCode: 1000, clean: true });
    expect(c.frames.every((f) => f.masked === (f.from === 'client'))).toBe(true);
    // ws's client ends the TCP connection first: the server SHOULD have (RFC 6455 §7.1.1)
    expect(c.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.severity} ${d.code}`)).toEqual(['warning close.client-closed-tcp-first']);
  });

  it('ws_echo_ipv6: the same conversation over IPv6', async () => {
    const c = only(await analyze('captures/ws_echo_ipv6.pcap'));
    expect(c.client.ip).toBe('::1');
    expect(c.server).toEqual({ ip: '::1', port: 8081 });
    expect(c.messages.map((m) => m.length)).toEqual([17, 17, 5, 5]);
  });

  it('ws_fragmented: a three-fragment message, a ping between fragments, characters split across them', async () => {
    const c = only(await analyze('captures/ws_fragmented.pcap'));
    const msg = c.messages[0]!;
    expect(text(msg.payload)).toBe('Grüße aus 東京 — frag ✓');
    expect(msg.frames).toHaveLength(3);
    const [first, , last] = msg.frames.map((i) => c.frames[i]!);
    const between = c.frames.filter((f) => f.index > first!.index && f.index < last!.index).map((f) => f.opcode);
    expect(between).toContain(9);
    expect(c.frames.map((f) => [f.opcode, f.fin])).toContainEqual([0, false]);
    expect(codes(c).filter((x) => x.startsWith('message.'))).toEqual([]);
    expect(text(c.messages[1]!.payload)).toBe('received: Grüße aus 東京 — frag ✓');
  });

  it('ws_large_binary: a 100000-byte frame with a 64-bit length over 70 segments, and a 16-bit one back', async () => {
    const c = only(await analyze('captures/ws_large_binary.pcap'));
    const [up, down] = c.frames;
    expect(up).toMatchObject({ from: 'client', opcode: 2, payloadLength: 100000, headerLength: 14, masked: true, complete: true });
    expect(up!.packets).toHaveLength(70);
    expect(up!.payload.every((b, i) => b === ((i + (i >> 8)) & 0xff))).toBe(true);
    expect(down).toMatchObject({ from: 'server', opcode: 2, payloadLength: 3000, headerLength: 4, masked: false });
    expect(down!.payload.every((b, i) => b === ((255 - i) & 0xff))).toBe(true);
    const partial = c.timeline.filter((e) => e.summary.startsWith('part of a Binary frame'));
    expect(partial.length).toBe(69 + 2);
  });

  it('ws_server_close: the server closes with 1001 and the client echoes it', async () => {
    const c = only(await analyze('captures/ws_server_close.pcap'));
    expect(c.close).toMatchObject({ initiator: 'server', code: 1001, reason: 'going away', replyCode: 1001, clean: true });
    const story = tellStory(c).join(' ');
    expect(story).toContain("is the server's Close (1001 Going Away, \"going away\")");
  });

  it('ws_rejected_403: the upgrade is refused and no frame follows', async () => {
    const c = only(await analyze('captures/ws_rejected_403.pcap'));
    expect(c.handshake).toMatchObject({ outcome: 'rejected', acceptValid: null });
    expect(c.handshake!.response).toMatchObject({ status: 403, reason: 'Forbidden' });
    expect(c.frames).toEqual([]);
    expect(codes(c)).toEqual(['handshake.rejected']);
  });

  it('py_client_ws_server: Python offers permessage-deflate, ws declines it, frames stay plain', async () => {
    const c = only(await analyze('captures/py_client_ws_server.pcap'));
    expect(c.handshake!.offeredExtensions).toEqual(['permessage-deflate; client_max_window_bits']);
    expect(c.handshake!.extensions).toEqual([]);
    expect(c.frames.some((f) => f.rsv1)).toBe(false);
    expect(c.messages.filter((m) => m.type === 'text').map((m) => text(m.payload))).toEqual([
      'hello from python websockets',
      'hello from python websockets',
      'ünïcödé ✓',
      'ünïcödé ✓',
    ]);
    expect(c.close).toMatchObject({ initiator: 'client', code: 1000, reason: 'done', clean: true });
    expect(c.tcp.teardown.firstBy).toBe('server');
  });

  it('py_echo_deflate: permessage-deflate negotiated, RSV1 on every data frame, no false alarm', async () => {
    const c = only(await analyze('captures/py_echo_deflate.pcap'));
    expect(c.handshake!.extensions).toEqual([{ name: 'permessage-deflate', params: { server_max_window_bits: '12', client_max_window_bits: '12' } }]);
    const data = c.frames.filter((f) => f.opcode === 1 || f.opcode === 2);
    expect(data.every((f) => f.rsv1)).toBe(true);
    expect(c.messages.every((m) => m.compressed)).toBe(true);
    expect(c.frames.filter((f) => f.opcode === 8).every((f) => !f.rsv1)).toBe(true);
    expect(c.diagnostics).toEqual([]);
  });

  it('textbook_rfc6455: the walkthrough a teacher gives', async () => {
    const c = only(await analyze('captures/textbook_rfc6455.pcap'));
    expect(tellStory(c)).toEqual([
      'Packets 1–3 are the TCP three-way handshake (SYN, SYN-ACK, ACK).',
      "Packet 4 is the client's GET /chat asking to upgrade to WebSocket; packet 6 is the server's 101 Switching Protocols, and its Sec-WebSocket-Accept matches the key.",
      'Packets 8–13 carry 3 text frames from the server (unmasked).',
      "Packet 14 is the client's Close (1000 Normal Closure); packet 16 is the server's Close in reply (1000).",
      'Packets 17–20 are the TCP teardown (FIN/ACK); the server closed first.',
    ]);
    expect(c.handshake).toMatchObject({ key: 'dGhlIHNhbXBsZSBub25jZQ==', accept: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=', acceptValid: true, subprotocol: 'chat' });
    expect(c.frames[3]).toMatchObject({ from: 'client', opcode: 8, maskingKey: '37fa213d', close: { code: 1000, reason: '' } });
  });
});

describe('what each third-party capture shows', () => {
  it('suricata_control_frag: the fragmented message reassembles around the ping; the key is 18 bytes', async () => {
    const c = only(await analyze('captures/suricata_control_frag.pcap'));
    expect(c.messages.map((m) => text(m.payload))).toEqual(['MALWARE_DOWNLOAD cmd.exe /c powershell -enc AAAA']);
    expect(c.frames.map((f) => f.opcode)).toEqual([1, 9, 0, 10]);
    expect(codes(c)).toEqual(['handshake.key-invalid']);
  });

  it('suricata_ping_sll: Linux cooked capture, an unmasked client ping', async () => {
    const r = await analyze('captures/suricata_ping_sll.pcap');
    expect(r.capture.linkTypes).toEqual([113]);
    const c = r.connections.find((x) => x.websocket)!;
    expect(c.frames.map((f) => [f.opcode, f.from, f.masked])).toEqual([
      [9, 'client', false],
      [1, 'server', false],
      [10, 'server', false],
    ]);
    expect(codes(c)).toContain('frame.client-unmasked');
    expect(c.tcp.teardown).toMatchObject({ kind: 'fin', firstBy: 'client' });
  });

  it('suricata_basic_websockets: the first server frame shares the segment of the 101', async () => {
    const c = only(await analyze('captures/suricata_basic_websockets.pcap'));
    expect(c.frames).toHaveLength(17);
    expect(c.frames[0]!.packet).toBe(c.handshake!.response!.packet);
    expect(c.handshake!.extensions).toEqual([]);
  });

  it('scapy_invalid_handshakes: five broken upgrades on one connection', async () => {
    const c = only(await analyze('captures/scapy_invalid_handshakes.pcap'));
    expect(new Set(codes(c))).toEqual(new Set(['handshake.method', 'handshake.version', 'handshake.upgrade-header', 'handshake.key-invalid', 'handshake.accept-mismatch', 'close.abnormal', 'close.client-closed-tcp-first']));
    expect(c.frames).toHaveLength(1);
    expect(c.frames[0]).toMatchObject({ fin: false, masked: true, opcode: 1 });
    expect(text(c.frames[0]!.payload)).toBe('Hello, world!');
  });

  it('ndn_ipv4_segmented: a capture that starts mid-connection still finds the 5379-byte frame', async () => {
    const r = await analyze('captures/ndn_ipv4_segmented.pcap');
    const c = r.connections.find((x) => x.websocket)!;
    expect(c.frames.map((f) => f.payloadLength)).toEqual([39, 5379]);
    expect(c.frames[1]!.packets.length).toBeGreaterThan(1);
  });

  it('suricata_compressed and scapy_compressed_session: compression is recognised from the negotiation', async () => {
    const s = only(await analyze('captures/suricata_compressed.pcap'));
    expect(s.handshake!.extensions[0]?.name).toBe('permessage-deflate');
    expect(s.messages).toHaveLength(10);
    expect(s.messages.every((m) => m.compressed && m.from === 'server')).toBe(true);
    const sc = only(await analyze('captures/scapy_compressed_session.pcap'));
    expect(sc.messages.map((m) => [m.from, m.compressed])).toEqual([
      ['client', true],
      ['server', false],
      ['client', true],
      ['server', false],
    ]);
  });
});
