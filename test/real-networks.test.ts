// Real captures of real networks: WebSocket among other traffic, captures
// that join connections in the middle, captures merged from the two ports of
// a tap, and captures cut by the snapshot length (captures/README.md says how
// each was made). Nothing may be invented, nothing that was captured lost.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Connection, Frame } from '../src/model.js';
import { analyze, only } from './support/analyze.js';
import { locate, readPcapRecords, writePcap } from './support/damage.js';
import { ethernet, ipv4Tcp, pcapFile, type Record } from './support/pcap.js';
import { renderJson } from './support/render.js';
import { protocolDetail } from '../src/render/kind.js';

const wsCodes = (c: Connection): string[] => Array.from(c.diagnostics, (d) => d.code).filter((code) => /^(ws|frame|message|close|ping|pong|handshake)\./.test(code));

describe('a capture that mixes WebSocket with TLS, SSH, databases, file sharing and HTTP', () => {
  it('reports exactly the WebSocket connections and names the others', async () => {
    const r = await analyze('captures/mixed_network.pcap');
    const byPort = (port: number): Connection[] => r.connections.filter((c) => c.server.port === port);
    for (const c of r.connections) {
      if (c.websocket) continue;
      expect(c.frames, `connection ${c.id} (port ${c.server.port}) is not WebSocket`).toEqual([]);
      if (c.handshake === null) expect(wsCodes(c), `connection ${c.id}`).toEqual([]);
    }
    expect(r.connections.filter((c) => c.websocket).map((c) => c.server.port).sort()).toEqual([8080, 9001]);
    expect(r.summary.websocketConnections).toBe(2);
    expect(byPort(2222).map((c) => c.protocol?.name)).toEqual(['ssh']);
    expect(byPort(2222)[0]!.protocol!.detail).toMatch(/^SSH-2\.0-OpenSSH/);
    expect(byPort(3306).map((c) => c.protocol?.name)).toEqual(['mysql']);
    expect(byPort(445).map((c) => c.protocol?.name)).toEqual(['smb']);
    expect(byPort(6379).every((c) => c.protocol?.name === 'redis')).toBe(true);
    // TLS: what the cleartext handshake shows, and nothing else
    const tls = [...byPort(8443), ...byPort(8444)];
    expect(tls.length).toBeGreaterThanOrEqual(3);
    for (const c of tls) {
      expect(c.protocol?.name).toBe('tls');
      expect(c.tls?.handshakeSeen).toBe(true);
      expect(c.tls?.sni).toMatch(/^wss?\.test$|^wsd\.test$/);
      expect(c.tls?.cipherSuite).toMatch(/^TLS_/);
    }
    expect(tls.map((c) => c.tls!.version).sort()).toContain('TLS 1.2');
    // the JSON export says the same, connection by connection
    const doc = (await renderJson('captures/mixed_network.pcap')) as { connections: { id: number; websocket: boolean; protocol: unknown; tls: unknown }[]; summary: { refusedUpgrades: number } };
    // (a TLS connection's detail is the export's words for its tls facts)
    for (const c of r.connections) expect(doc.connections.find((j) => j.id === c.id)).toMatchObject({ websocket: c.websocket, protocol: c.protocol && { name: c.protocol.name, detail: protocolDetail(c) }, tls: c.tls });
    for (const c of tls) expect(protocolDetail(c)).toMatch(/^TLS 1\.[23], SNI \S+, .*TLS_/);
    expect(doc.summary.refusedUpgrades).toBe(r.summary.refusedUpgrades);
    expect(tls.map((c) => c.tls!.version).sort()).toContain('TLS 1.3');
  });

  it('reports a refused upgrade as refused, with its body, and counts it apart', async () => {
    const r = await analyze('captures/mixed_network.pcap');
    const refused = r.connections.filter((c) => c.handshake?.outcome === 'rejected');
    expect(refused.map((c) => c.handshake!.response!.status).sort()).toEqual([200, 401, 403]);
    expect(r.summary.refusedUpgrades).toBe(3);
    for (const c of refused) {
      expect(c.websocket).toBe(false);
      expect(c.protocol?.name).toBe('http');
      expect(c.frames).toEqual([]);
    }
    const page = refused.find((c) => c.handshake!.response!.status === 401)!.handshake!.response!.body!;
    expect(page.complete).toBe(true);
    expect(page.data.toString()).toContain('401');
    expect(page.length).toBe(page.data.length);
  });
});

describe('a capture that joins its connections in the middle', () => {
  it('finds the WebSocket ones by their frames, and only those', async () => {
    const r = await analyze('captures/mixed_midstream.pcap');
    for (const c of r.connections) {
      expect(c.tcp.handshake.syn).toBeNull();
      if (!c.websocket) expect(c.frames, `connection ${c.id} (port ${c.server.port})`).toEqual([]);
    }
    const ws = r.connections.filter((c) => c.websocket);
    expect(ws.map((c) => c.server.port).sort()).toEqual([8080, 9001]);
    for (const c of ws) {
      expect(c.detection).toBe('heuristic');
      // clients mask: the roles come from the frames, and no frame rule is broken by a connection that keeps them
      // (the client closing TCP first is the recording's own, a SHOULD of RFC 6455 §7.1.1)
      expect(c.diagnostics.filter((d) => d.severity !== 'info' && d.code !== 'close.client-closed-tcp-first')).toEqual([]);
    }
    // compressed without its handshake: permessage-deflate is assumed from RSV1 and said, never blamed
    const deflated = ws.find((c) => c.server.port === 8080)!;
    // said with what the first compressed message showed
    expect(deflated.diagnostics.find((d) => d.code === 'ws.deflate-assumed')?.message).toMatch(/the first compressed message \(\d+\) inflates cleanly/);
    expect(deflated.messages.some((m) => m.compressed && m.inflatedLength !== null)).toBe(true);
    expect(r.connections.find((c) => c.server.port === 8444)?.protocol?.name).toBe('tls');
  });
});

/** What a frame is, whatever packet carried it. */
const sig = (f: Frame): string => `${f.from} ${f.opcode} ${f.fin} ${f.rsv1} ${f.payloadLength} ${f.payload.toString('hex')}`;

describe('a capture merged from the two ports of a tap (ACKs before the data they acknowledge)', () => {
  it.each([
    ['captures/tapmerge/ws_deflate_takeover.skew5ms.pcap', 'captures/ws_deflate_takeover.pcap'],
    ['captures/tapmerge/py_echo_deflate.skew20ms.pcap', 'captures/py_echo_deflate.pcap'],
  ])('%s decodes like the clean recording, with nothing declared lost', async (merged, clean) => {
    const m = only(await analyze(merged));
    const c = only(await analyze(clean));
    // each direction's frames in order; how the two directions interleave is what the skew changed
    const side = (fs: Frame[], from: string): string[] => fs.filter((f) => f.from === from).map(sig);
    for (const from of ['client', 'server']) expect(side(m.frames, from)).toEqual(side(c.frames, from));
    expect(m.messages.map((x) => x.payload.toString('hex'))).toEqual(c.messages.map((x) => x.payload.toString('hex')));
    expect(m.tcp.lostBytes).toBe(0);
    expect(m.diagnostics.map((d) => d.code)).not.toContain('tcp.gap');
    expect(m.diagnostics.map((d) => d.code).sort()).toEqual(c.diagnostics.map((d) => d.code).sort());
    // who closed first and whether the close was clean are read from the acknowledgements, not the packet order the skew changed
    expect(m.close).toMatchObject({ clean: c.close.clean, initiator: c.close.initiator, code: c.close.code, replyCode: c.close.replyCode });
    expect(m.tcp.teardown.firstBy).toBe(c.tcp.teardown.firstBy);
    // the walkthrough says what Wireshark says: an ACK of unseen data, then the late segment
    expect(m.timeline.some((e) => e.summary.includes('ACKed unseen segment'))).toBe(true);
    expect(m.timeline.some((e) => e.summary.includes('captured late'))).toBe(true);
  });
});

describe('a capture cut by the snapshot length', () => {
  it.each(['captures/snaplen/deflate_s120.pcap', 'captures/snaplen/deflate_s200.pcap'])('%s still has its handshake and every frame of the full capture', async (file) => {
    const cut = only(await analyze(file));
    const full = only(await analyze('captures/snaplen/deflate_full.pcap'));
    expect(cut.websocket).toBe(true);
    expect(cut.handshake?.outcome).toBe('upgraded');
    expect(cut.handshake?.truncated).toBe(true);
    const head = (f: Frame): string => `${f.packet} ${f.from} ${f.opcode} ${f.fin} ${f.rsv1} ${f.payloadLength}`;
    expect(cut.frames.map(head)).toEqual(full.frames.map(head));
    // no rule is blamed for what the capture did not keep
    expect(cut.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('the heuristic', () => {
  // a connection the capture joins in the middle (no SYN): only evidence makes it WebSocket
  const midStream = (segments: readonly Buffer[]): Buffer => {
    const records: Record[] = [];
    let seq = 1000;
    let ts = 1700000000;
    for (const payload of segments) {
      records.push({ ts: (ts += 0.001), data: ethernet(ipv4Tcp({ src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 9001, seq, ack: 1, flags: 'PA', payload })) });
      seq += payload.length;
    }
    return pcapFile(records);
  };

  it('tells a packet whose frames were recognised only at the end by its frames, and keeps its FIN (not its other flags) in its summary', async () => {
    // two text frames from the server, the second in the segment that also carries its FIN: too short a run to be
    // taken for WebSocket until the capture ends, so both packets are told late, from what the analysis kept of them
    const frame = (s: string): Buffer => Buffer.concat([Buffer.from([0x81, s.length]), Buffer.from(s)]);
    const records: Record[] = [];
    let seq = 5000;
    for (const [i, [text, flags]] of [['one', 'PA'], ['two', 'FPA']].entries()) {
      const payload = frame(text!);
      records.push({ ts: 1700000000 + i / 1000, data: ethernet(ipv4Tcp({ src: '10.0.0.2', dst: '10.0.0.1', sport: 9001, dport: 40000, seq, ack: 1, flags: flags!, payload })) });
      seq += payload.length;
    }
    const c = only(await analyze(pcapFile(records)));
    expect(c.detection).toBe('heuristic');
    expect(c.timeline.map((e) => e.summary)).toEqual(['Text [FIN] 3 bytes "one"', 'Text [FIN] 3 bytes "two" + FIN, PSH, ACK']);
  });

  it('never takes a run of fragments that never end for WebSocket (found by the property below)', async () => {
    // 41 16 …: a text fragment (RSV1, FIN clear) of 22 bytes, then 00 01 01 and 00 00: continuations, none final
    const bytes = [Buffer.from([0]), Buffer.from([65]), Buffer.from([22, 3, 3, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 20, 3, 3, 0, 2, 0, 0, 20, 3, 3, 0, 1, 1]), Buffer.from([0, 0])];
    const r = await analyze(midStream(bytes));
    for (const c of r.connections) expect(c.websocket).toBe(false);
  });

  it('never takes random bytes, zero runs or TLS records for WebSocket', async () => {
    const tlsRecord = fc.tuple(fc.constantFrom(20, 21, 22, 23), fc.uint8Array({ minLength: 1, maxLength: 300 })).map(([type, body]) => Buffer.concat([Buffer.from([type, 3, 3, body.length >> 8, body.length & 0xff]), Buffer.from(body)]));
    const segment = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 1448 }).map((b) => Buffer.from(b)),
      fc.integer({ min: 1, max: 1448 }).map((n) => Buffer.alloc(n)),
      fc.array(tlsRecord, { minLength: 1, maxLength: 4 }).map((rs) => Buffer.concat(rs)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 12 }), async (segments) => {
        const r = await analyze(midStream(segments));
        for (const c of r.connections) {
          expect(c.websocket).toBe(false);
          expect(c.frames).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the heuristic on every bundled connection that is not WebSocket', () => {
  // each capture again, its connections joined in the middle: no SYN, and the first `skip` data
  // packets of every connection gone, so that the analysis meets their bytes with no start to read
  const flowOf = (frame: Buffer): { key: string; syn: boolean; data: boolean } | null => {
    const t = locate(frame);
    if (!t) return null;
    const dst = t.v6 ? `${frame.subarray(38, 54).toString('hex')}:${frame.readUInt16BE(t.tcp + 2)}` : `${frame.subarray(30, 34).toString('hex')}:${frame.readUInt16BE(t.tcp + 2)}`;
    return { key: [t.src, dst].sort().join('|'), syn: (frame[t.tcp + 13]! & 0x02) !== 0, data: t.end > t.payload };
  };
  const joinedLate = (bytes: Buffer, skip: number): Buffer => {
    const { records, linkType } = readPcapRecords(bytes);
    const seen = new Map<string, number>();
    const kept = records.filter((r) => {
      const f = flowOf(r.data);
      if (!f) return true;
      if (f.syn) return false;
      if (!f.data) return true;
      const n = seen.get(f.key) ?? 0;
      seen.set(f.key, n + 1);
      return n >= skip;
    });
    return writePcap(kept, linkType);
  };
  const files = [...readdirSync('captures').filter((f) => f.endsWith('.pcap')), ...readdirSync('captures/app').filter((f) => f.endsWith('.pcap')).map((f) => `app/${f}`)].map((f) => `captures/${f}`);

  it.each(files)('%s: what is not WebSocket stays so when joined in the middle', async (file) => {
    const bytes = readFileSync(file);
    if (bytes.readUInt32LE(0) !== 0xa1b2c3d4 || bytes.readUInt32LE(20) !== 1) return; // the Ethernet, little-endian ones
    const endpoints = (c: Connection): string => [`${c.client.ip}:${c.client.port}`, `${c.server.ip}:${c.server.port}`].sort().join('|');
    const others = new Set((await analyze(bytes)).connections.filter((c) => !c.websocket).map(endpoints));
    for (const skip of [0, 1, 2, 3]) {
      const r = await analyze(joinedLate(bytes, skip));
      for (const c of r.connections) {
        if (!others.has(endpoints(c))) continue;
        expect(c.websocket, `${file}, ${skip} data packets skipped: ${endpoints(c)}`).toBe(false);
        expect(c.frames).toEqual([]);
      }
    }
  });
});

describe('a response captured before its request', () => {
  it('is held once, and a gap among what was held is told once (captures/fuzz/crash-0f9e1c5f4ded.pcap.gz)', async () => {
    // the damaged request is not HTTP: the response waits for a request that never comes, past the HTTP head limit;
    // read as it is, it is a 101 to websocket, and the server's frames after it are decoded
    const c = only(await analyze('captures/fuzz/crash-0f9e1c5f4ded.pcap.gz'));
    expect(c.diagnostics.filter((d) => d.code === 'tcp.gap').map((d) => d.packet)).toEqual([10]);
    expect(c.protocol?.name).toBe('websocket');
    expect(c.detection).toBe('response');
    expect(c.frames[0]).toMatchObject({ from: 'server', opcode: 1, packet: 8 });
  });
});
