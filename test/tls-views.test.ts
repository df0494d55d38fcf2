// What the views say of a wss:// connection decrypted with a key log: the
// TLS handshake as a phase of its own, which key log line opened which
// records, the packets inside a record; why a connection or a record could
// not be opened (tls.no-key, tls.decrypt-failed, tls.keylog-line); and the
// decoding that goes on after records lost or damaged in a decrypted
// direction, with nothing invented.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze, only, type Held } from './support/analyze.js';
import { KeyLog } from '../src/tls/keylog.js';
import { tellStory } from '../src/render/story.js';
import { protocolDetail, webSocketKind } from '../src/render/kind.js';
import type { Frame, TlsFact } from '../src/model.js';

const AES = 'captures/tls/wss_tls13_aes128.pcap';
const CBC = 'captures/tls/wss_tls12_cbc.pcap';
const keysText = (pcap: string): string => readFileSync(pcap.replace(/\.pcap$/, '.keys'), 'utf8');
const keysOf = (pcap: string): KeyLog => KeyLog.parse(keysText(pcap), pcap.replace(/\.pcap$/, '.keys'));

/** The TLS facts of an entry. */
function tlsFacts(c: Held, packet: number): TlsFact[] {
  return c.timeline.find((e) => e.packet === packet)!.told.flatMap((f) => (f.kind === 'tls' ? f.records : []));
}

/** A classic pcap's records, and the file rebuilt from some of them (byte for byte otherwise). */
function records(file: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 24; at + 16 <= file.length; ) {
    const n = file.readUInt32LE(at + 8);
    out.push(file.subarray(at, at + 16 + n));
    at += 16 + n;
  }
  return out;
}
function without(file: string, drop: (packet: number) => boolean): Buffer {
  const b = readFileSync(file);
  return Buffer.concat([b.subarray(0, 24), ...records(b).filter((_, i) => !drop(i + 1))]);
}
/** A frame as the wire had it (its payload by digest: a failing comparison stays readable). */
const wire = (f: Frame): string => `${f.from} ${f.opcode} ${f.payloadLength} ${createHash('sha1').update(f.payload).digest('hex').slice(0, 12)}`;

describe('the TLS handshake as a phase of its own', () => {
  it.each([AES, CBC])('%s: TCP handshake, then TLS handshake, then the upgrade', async (file) => {
    const c = only(await analyze(file, { keylog: keysOf(file) }));
    const phaseOf = (p: number) => c.timeline.find((e) => e.packet === p)!.phase;
    expect([1, 2, 3].map(phaseOf)).toEqual(['tcp-handshake', 'tcp-handshake', 'tcp-handshake']);
    // the ClientHello opens the TLS handshake; every packet up to the upgrade request is in it
    const hello = c.timeline.find((e) => tlsFacts(c, e.packet).some((r) => r.kind === 'client-hello'))!.packet;
    expect(hello).toBe(4);
    const request = c.handshake!.request.packet;
    for (let p = 4; p < request; p++) expect(phaseOf(p)).toBe('tls-handshake');
    expect(c.timeline.filter((e) => e.phase === 'tls-handshake').every((e) => e.packet >= 4 && e.packet <= request)).toBe(true);
    const story = tellStory(c as never);
    expect(story[0]).toBe('Packets 1–3 are the TCP three-way handshake (SYN, SYN-ACK, ACK).');
    const last = Math.max(...c.timeline.filter((e) => e.phase === 'tls-handshake').map((e) => e.packet));
    expect(story[1]).toBe(`Packets 4–${last} are the TLS handshake (${c.tls!.version}, ${c.tls!.cipherSuite}, SNI wss.test); its records are decrypted with the key log ${file.replace(/\.pcap$/, '.keys')}.`);
    // without keys the connection is TLS, not WebSocket: no phases of its own
    const plain = only(await analyze(file));
    expect(new Set(plain.timeline.map((e) => e.phase))).toEqual(new Set(['other']));
  });

  it('names the key log line that opened each direction\'s records, once per secret', async () => {
    const c = only(await analyze(AES, { keylog: keysOf(AES) }));
    const lines = keysText(AES).split('\n');
    const told = c.timeline.flatMap((e) => tlsFacts(c, e.packet).flatMap((r) => (r.kind === 'decrypted' ? r.keys.map((k) => ({ ...k, from: e.from })) : [])));
    expect(told.map((k) => `${k.from} ${k.label}`)).toEqual(['server SERVER_HANDSHAKE_TRAFFIC_SECRET', 'client CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'client CLIENT_TRAFFIC_SECRET_0', 'server SERVER_TRAFFIC_SECRET_0']);
    // each names the line that holds it
    for (const k of told) expect(lines[k.line - 1]!.split(' ')[0]).toBe(k.label);
    expect(c.tls).toMatchObject({ decrypted: true, failedRecords: 0 });
    expect(c.tls!.keys.map((k) => k.label).sort()).toEqual(['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0']);
    // --summary and the export name it WebSocket over TLS, with what its handshake said
    expect(webSocketKind(c as never)).toBe('WebSocket over TLS (TLS 1.3, SNI wss.test, ALPN http/1.1, TLS_AES_128_GCM_SHA256)');
    expect(protocolDetail(c as never)).toBe('TLS 1.3, SNI wss.test, ALPN http/1.1, TLS_AES_128_GCM_SHA256');
    const cbc = only(await analyze(CBC, { keylog: keysOf(CBC) }));
    expect(cbc.tls!.keys).toEqual([{ label: 'CLIENT_RANDOM', file: 'captures/tls/wss_tls12_cbc.keys', line: 1 }]);
    // the records that carried each frame are counted after it
    const frameEntry = c.timeline.find((e) => e.told.some((f) => f.kind === 'frame'))!;
    expect(frameEntry.summary).toMatch(/^Text \[FIN\] 17 bytes \[MASKED\] "Hello, wsdissect!"; in 1 decrypted TLS record$/);
  });

  it('says which packets carry only part of a record, and how much of it', async () => {
    const c = only(await analyze(AES, { keylog: keysOf(AES) }));
    const parts = c.timeline.flatMap((e) => tlsFacts(c, e.packet).filter((r) => r.kind === 'record-part').map((r) => ({ packet: e.packet, ...r })));
    expect(parts.length).toBeGreaterThan(20);
    // within one record the bytes received grow; a record is never longer than TLS allows
    for (const p of parts) expect(p.kind === 'record-part' && p.received < p.total && p.total <= 2 ** 14 + 256).toBe(true);
    // the large frame came out of the records that ended in three packets, not out of three TCP segments
    const big = c.frames.find((f) => f.from === 'client' && f.payloadLength === 40000)!;
    expect(big.packets).toHaveLength(3);
    expect(c.timeline.find((e) => e.packet === big.packet)!.summary).toBe('Binary [FIN] 40000 bytes [MASKED] (reassembled from the TLS records of 3 packets); in 1 decrypted TLS record');
    // a packet that said nothing but ACK before: part of the 40 000-byte frame's first record
    expect(c.timeline.find((e) => e.packet === 20)!.summary).toBe('part of a TLS record (1443 of 16401 bytes so far)');
  });
});

describe('what the decrypted handshake shows', () => {
  it('TLS 1.3: the ALPN choice and the certificate, read from the decrypted EncryptedExtensions and Certificate', async () => {
    const plain = only(await analyze(AES));
    expect(plain.tls).toMatchObject({ alpn: null, certificate: null });
    const c = only(await analyze(AES, { keylog: keysOf(AES) }));
    expect(c.tls!.alpn).toBe('http/1.1');
    expect(c.tls!.certificate).toMatchObject({ subject: 'CN=wss.test', issuer: 'CN=wss.test', altNames: ['wss.test'] });
    expect(c.tls!.certificate!.notAfter).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(c.timeline.find((e) => e.packet === 6)!.summary).toContain(`TLS encrypted_extensions (ALPN http/1.1); TLS certificate (CN=wss.test, self-signed, valid until ${c.tls!.certificate!.notAfter})`);
  });

  it('TLS 1.2: the certificate travels in the clear, shown without keys', async () => {
    const plain = only(await analyze(CBC));
    expect(plain.tls!.certificate).toMatchObject({ subject: 'CN=wss.test', altNames: ['wss.test'] });
  });
});

describe('why the keys did not open a connection or a record', () => {
  it('another session\'s key log: tls.no-key names the client random and the files read; decrypted is false', async () => {
    const c = only(await analyze(AES, { keylog: keysOf(CBC) }));
    expect(c.websocket).toBe(false);
    expect(c.tls!.decrypted).toBe(false);
    const d = c.diagnostics.filter((x) => x.code === 'tls.no-key');
    expect(d).toHaveLength(1);
    const random = keysText(AES).split('\n')[0]!.split(' ')[1]!;
    expect(d[0]!.message).toBe(`no key for this TLS session (client random ${random}) in the key log captures/tls/wss_tls12_cbc.keys: its secrets were not logged there, or were logged to another file`);
    expect(d[0]).toMatchObject({ severity: 'info', from: null, rfc: 'RFC 9850' });
    // no key log at all: nothing to say, decrypted is null
    const none = only(await analyze(AES));
    expect(none.tls!.decrypted).toBeNull();
    expect(none.diagnostics.filter((x) => x.code.startsWith('tls.'))).toEqual([]);
  });

  it('a key log without the secrets one direction needs: tls.no-key for that side, the other side decrypted', async () => {
    const text = keysText(AES).split('\n').filter((l) => !l.startsWith('SERVER_')).join('\n');
    const c = only(await analyze(AES, { keylog: KeyLog.parse(text, 'client-only.keys') }));
    const d = c.diagnostics.filter((x) => x.code === 'tls.no-key');
    expect(d.map((x) => [x.from, x.message.includes('SERVER_HANDSHAKE_TRAFFIC_SECRET or SERVER_TRAFFIC_SECRET_0')])).toEqual([['server', true]]);
    expect(c.tls!.decrypted).toBe(true);
    // the client's request is read, the server's answer is not: no WebSocket is invented from half a conversation
    expect(c.handshake?.request.target).toBe('/echo');
    expect(c.frames.filter((f) => f.from === 'server')).toEqual([]);
  });

  it('unreadable key log lines: capture diagnostics with file and line, never the secret', async () => {
    const good = keysText(AES);
    const secret = good.split('\n')[0]!.split(' ')[2]!;
    const bad = `# a comment\nCLIENT_RANDOM zz ${secret}\nnot a key log line\n${good}CLIENT_HANDSHAKE_TRAFFIC_SECRET ${good.split('\n')[0]!.split(' ')[1]} ${'00'.repeat(32)}\n`;
    const r = await analyze(AES, { keylog: KeyLog.parse(bad, 'bad.keys') });
    const d = r.diagnostics.filter((x) => x.code === 'tls.keylog-line');
    expect(d.map((x) => x.message.slice(0, x.message.indexOf(':')))).toEqual(['bad.keys line 2 is not read', 'bad.keys line 3 is not read', 'bad.keys line 9 is not read']);
    expect(d.every((x) => !x.message.includes(secret) && x.severity === 'warning')).toBe(true);
    expect(d[2]!.message).toContain('another secret was logged before for the same label and client random');
    // the good lines still decrypt
    expect(only(r).frames).toHaveLength(14);
  });

  it('a damaged record: tls.decrypt-failed, the frames around it not joined, nothing invented', async () => {
    const b = readFileSync(AES);
    const recs = records(b);
    // packet 20 carries the first segment of the client record that opens the 40 000-byte frame
    const flipped = Buffer.from(b);
    const at = b.indexOf(recs[19]!) + 16 + 171;
    flipped[at]! ^= 1;
    const clean = only(await analyze(AES, { keylog: keysOf(AES) }));
    const c = only(await analyze(flipped, { keylog: keysOf(AES) }));
    const d = c.diagnostics.filter((x) => x.code === 'tls.decrypt-failed');
    expect(d.map((x) => [x.from, x.severity, x.rfc])).toEqual([['client', 'warning', 'RFC 8446 §5.2']]);
    expect(c.tls!.failedRecords).toBe(1);
    const original = new Set(clean.frames.map(wire));
    expect(c.frames.every((f) => original.has(wire(f)))).toBe(true);
    expect(c.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    // the server's side is whole, and the client's frames after the damaged record are found again
    expect(c.frames.filter((f) => f.from === 'server').map(wire)).toEqual(clean.frames.filter((f) => f.from === 'server').map(wire));
    expect(c.frames.filter((f) => f.from === 'client').map((f) => f.opcode)).toEqual([1, 2, 1, 9, 10, 8]);
    // decoding resumed at a frame header, and says why it had to
    expect(c.diagnostics.find((x) => x.code === 'ws.resync')?.message).toMatch(/^frame decoding resumed after a TLS record that could not be decrypted, in packet \d+/);
  });
});

describe('capture loss inside a decrypted direction', () => {
  it.each([AES, CBC])('%s: a lost segment in the middle of the large frame: decoding goes on after it', async (file) => {
    const clean = only(await analyze(file, { keylog: keysOf(file) }));
    const big = clean.frames.find((f) => f.from === 'client' && f.payloadLength === 40000)!;
    // a segment in the middle of the frame (not its first or last): its record cannot be opened, the rest can
    const lost = big.packets[Math.floor(big.packets.length / 2)]!;
    const c = only(await analyze(without(file, (p) => p === lost), { keylog: keysOf(file) }));
    expect(c.diagnostics.some((x) => x.code === 'tcp.gap' && x.from === 'client')).toBe(true);
    const original = new Set(clean.frames.map(wire));
    const after = clean.frames.filter((f) => f.from === 'client' && f.packet > big.packet).map(wire);
    // every frame after the loss is decoded again; nothing that was not sent appears
    expect(after.length).toBeGreaterThan(0);
    for (const f of after) expect(c.frames.map(wire)).toContain(f);
    expect(c.frames.filter((f) => f.complete).every((f) => original.has(wire(f)))).toBe(true);
  });

  it('the packets of a whole record lost: the records after it open at the sequence numbers it left', async () => {
    const clean = only(await analyze(AES, { keylog: keysOf(AES) }));
    // the client's binary frame (5 bytes) travels in one record of one packet: drop it
    const binary = clean.frames.find((f) => f.from === 'client' && f.opcode === 2 && f.payloadLength === 5)!;
    const c = only(await analyze(without(AES, (p) => p === binary.packet), { keylog: keysOf(AES) }));
    expect(c.tls!.failedRecords).toBe(0);
    for (const side of ['client', 'server'] as const) {
      expect(c.frames.filter((f) => f.from === side).map(wire)).toEqual(clean.frames.filter((f) => f !== binary && f.from === side).map(wire));
    }
  });
});

describe('a capture that begins after the TLS handshake', () => {
  it('cannot be decrypted: tls.no-key says the ClientHello is missing; nothing invented', async () => {
    const cut = without(AES, (p) => p <= 10);
    const r = await analyze(cut, { keylog: keysOf(AES) });
    const c = only(r);
    expect(c.frames).toEqual([]);
    expect(c.tls?.decrypted).toBe(false);
    const d = c.diagnostics.filter((x) => x.code === 'tls.no-key');
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toMatch(/the capture does not hold the ClientHello/);
  });
});
