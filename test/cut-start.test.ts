// Captures that hold the server's 101 but not the upgrade request it answers
// (captures/cut/, made from committed recordings by gen/cut-start.sh): the
// capture started after the request, or lost it. The 101 to websocket says
// what follows is WebSocket; every frame of the original is decoded, none is
// invented, and nothing of the handshake is made up. tshark 4.0 decodes no
// WebSocket frame in any of them (it needs the request to follow the
// upgrade): here it is wrong, and these tests do not cross-check with it.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyze, only, type Held } from './support/analyze.js';
import { appSummary } from '../src/text/app-words.js';
import { Conversation, MASK, upgradeResponse, wsFrame } from './support/pcap.js';

/** What a frame is on the wire, but the packet numbers (the cut capture has fewer packets). */
const wire = (c: Held): unknown[] => c.frames.map((f) => ({ from: f.from, opcode: f.opcode, fin: f.fin, rsv1: f.rsv1, masked: f.masked, key: f.maskingKey, length: f.payloadLength, payload: f.payload.toString('hex'), close: f.close }));
const said = (c: Held): unknown[] => c.messages.map((m) => ({ from: m.from, type: m.type, compressed: m.compressed, payload: m.payload.toString('hex'), app: m.app ? appSummary(m.app) : null }));

describe('a capture that starts after the upgrade request', () => {
  it('decodes every frame of the original from the 101 on, as WebSocket the response shows', async () => {
    const original = only(await analyze('captures/ws_echo.pcap'));
    const c = only(await analyze('captures/cut/ws_echo.after-request.pcap'));
    expect(c.websocket).toBe(true);
    expect(c.detection).toBe('response');
    // no handshake is made up: the request (its key, its offers) is not in the capture
    expect(c.handshake).toBeNull();
    expect(c.frames).toHaveLength(10);
    expect(wire(c)).toEqual(wire(original));
    expect(said(c)).toEqual(said(original));
    expect(c.close).toMatchObject({ initiator: 'client', code: 1000, reason: 'bye', replyCode: 1000, clean: true });
    const missing = c.diagnostics.find((d) => d.code === 'tcp.handshake-missing');
    expect(missing?.message).toMatch(/the server's 101 switches it to WebSocket, answering an upgrade request the capture does not hold/);
    // the 101 is told on its packet; its phase is the WebSocket handshake
    const answer = c.timeline.find((e) => e.summary.startsWith('HTTP/1.1 101'));
    expect(answer).toMatchObject({ packet: 2, from: 'server', phase: 'ws-handshake' });
    expect(c.timeline.filter((e) => e.phase === 'data').length).toBeGreaterThan(0);
  });

  it('inflates the messages with the extension the 101 agreed (permessage-deflate)', async () => {
    const original = only(await analyze('captures/py_echo_deflate.pcap'));
    const c = only(await analyze('captures/cut/py_echo_deflate.after-request.pcap'));
    expect(c.detection).toBe('response');
    expect(c.messages.every((m) => !m.compressed || m.inflatedLength !== null)).toBe(true);
    expect(said(c)).toEqual(said(original));
    expect(c.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  });
});

describe('a capture that lost the upgrade request', () => {
  it('reads the 101 that waited for it, and finds the client\'s frames after the loss', async () => {
    const original = only(await analyze('captures/ws_echo.pcap'));
    const c = only(await analyze('captures/cut/ws_echo.request-lost.pcap'));
    expect(c.websocket).toBe(true);
    expect(c.detection).toBe('response');
    expect(wire(c)).toEqual(wire(original));
    const gap = c.diagnostics.find((d) => d.code === 'tcp.gap');
    expect(gap).toMatchObject({ from: 'client', packet: 4 });
    // the direction goes on as frames, and the message says so
    expect(gap?.message).toMatch(/frame decoding goes on$/);
    // the 101 waited for a request that was lost: once read, it is told on its own packet (the server's), not on the
    // client's packet whose loss released it
    const at = (packet: number) => c.timeline.find((e) => e.packet === packet)!;
    expect(at(5)).toMatchObject({ from: 'server', phase: 'ws-handshake', summary: 'HTTP/1.1 101 Switching Protocols' });
    expect(at(7).from).toBe('client');
    expect(at(7).summary).not.toContain('101');
    expect(at(7).summary).toMatch(/^157 bytes before this segment were never captured \(capture loss\); Text \[FIN\] 17 bytes \[MASKED\]/);
    // the server's ACK of the lost request is past the TCP handshake: the story's three-way handshake is packets 1–3
    expect(at(4)).toMatchObject({ from: 'server', phase: 'ws-handshake' });
    expect(at(4).summary).toMatch(/^ACKed unseen segment/);
  });

  it('tells the TCP handshake as its three packets in the story, the ACK of the lost request with the HTTP', () => {
    const out = spawnSync(process.execPath, ['dist/cli.js', 'captures/cut/ws_echo.request-lost.pcap', '--width', '200'], { encoding: 'utf8' });
    expect(out.stdout).toContain('Packets 1–3 are the TCP three-way handshake (SYN, SYN-ACK, ACK).');
    expect(out.stdout).toContain("Packets 4–6 carry HTTP: the server's 101 Switching Protocols to websocket, answering an upgrade request the capture does not hold.");
  }, 30_000);
});

describe('a 101 without its request that is not WebSocket', () => {
  it('is not taken for WebSocket when it switches to another protocol (h2c)', async () => {
    const conv = new Conversation()
      .send('server', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n')
      // an HTTP/2 SETTINGS frame, then a client's frame-like bytes
      .send('server', Buffer.from('000000040000000000', 'hex'))
      .send('client', wsFrame({ opcode: 1, payload: Buffer.from('hello'), mask: MASK }));
    const c = only(await analyze(conv.pcap()));
    expect(c.websocket).toBe(false);
    expect(c.frames).toEqual([]);
  });

  it('is WebSocket when it switches to websocket, crafted without a SYN', async () => {
    const conv = new Conversation()
      .send('server', upgradeResponse())
      .send('server', wsFrame({ opcode: 1, payload: Buffer.from('hi') }))
      .send('client', wsFrame({ opcode: 1, payload: Buffer.from('hello'), mask: MASK }));
    const c = only(await analyze(conv.pcap()));
    expect(c.detection).toBe('response');
    expect(c.frames.map((f) => [f.from, f.payload.toString()])).toEqual([
      ['server', 'hi'],
      ['client', 'hello'],
    ]);
  });
});
