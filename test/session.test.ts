// End-to-end behaviour on crafted conversations: the edge cases of the
// handshake, reassembly and closing that no implementation produces on demand.
import { describe, expect, it } from 'vitest';
import { analyze, codes, only } from './support/analyze.js';
import { Conversation, MASK, pcapFile, RFC_ACCEPT, upgradeRequest, upgradeResponse, wsFrame } from './support/pcap.js';

const text = (s: string, mask: Buffer | null = null, fin = true) => wsFrame({ opcode: 1, payload: Buffer.from(s), mask, fin });
const close = (code: number, reason: string, mask: Buffer | null = null) => {
  const body = Buffer.alloc(2 + Buffer.byteLength(reason));
  body.writeUInt16BE(code, 0);
  body.write(reason, 2);
  return wsFrame({ opcode: 8, payload: body, mask });
};

function upgraded(): Conversation {
  return new Conversation().handshake().send('client', upgradeRequest()).ack('server').send('server', upgradeResponse());
}

describe('a textbook conversation', () => {
  const conv = upgraded()
    .ack('client')
    .send('server', text('Hello'))
    .send('client', text('Hi', MASK))
    .send('client', close(1000, 'bye', MASK))
    .send('server', close(1000, 'bye'))
    .fin('server')
    .fin('client')
    .ack('server');

  it('annotates every packet with its phase', async () => {
    const c = only(await analyze(conv.pcap()));
    expect(c.timeline.map((e) => `${e.packet}:${e.phase}`)).toEqual([
      '1:tcp-handshake', '2:tcp-handshake', '3:tcp-handshake',
      '4:ws-handshake', '5:ws-handshake', '6:ws-handshake', '7:ws-handshake',
      '8:data', '9:data',
      '10:closing', '11:closing',
      '12:tcp-teardown', '13:tcp-teardown', '14:tcp-teardown',
    ]);
    expect(c.timeline[3]!.summary).toBe('GET /chat HTTP/1.1 (Upgrade: websocket)');
    expect(c.timeline[5]!.summary).toBe('HTTP/1.1 101 Switching Protocols');
    expect(c.timeline[7]!.summary).toBe('Text [FIN] 5 bytes "Hello"');
    expect(c.timeline[9]!.summary).toBe('Close [FIN] 1000 "bye" [MASKED]');
    expect(c.tcp.handshake).toEqual({ syn: 1, synAck: 2, ack: 3 });
    expect(c.tcp.teardown).toEqual({ kind: 'fin', firstBy: 'server', packets: [12, 13, 14] });
  });

  it('verifies the handshake and reports the close', async () => {
    const c = only(await analyze(conv.pcap()));
    expect(c.handshake).toMatchObject({ outcome: 'upgraded', acceptValid: true, accept: RFC_ACCEPT });
    expect(c.close).toMatchObject({ initiator: 'client', code: 1000, reason: 'bye', replyCode: 1000, clean: true });
    expect(c.frames.map((f) => [f.from, f.opcode, f.masked, f.payload.toString('latin1')])).toEqual([
      ['server', 1, false, 'Hello'],
      ['client', 1, true, 'Hi'],
      ['client', 8, true, '\x03\xe8bye'],
      ['server', 8, false, '\x03\xe8bye'],
    ]);
    expect(c.diagnostics).toEqual([]);
  });
});

describe('the handshake across segments', () => {
  it('finds a request and a response split across several segments', async () => {
    const req = upgradeRequest();
    const res = upgradeResponse();
    const conv = new Conversation().handshake().send('client', req.slice(0, 10)).send('client', req.slice(10, 40)).send('client', req.slice(40)).send('server', res.slice(0, 50)).send('server', res.slice(50));
    const c = only(await analyze(conv.pcap()));
    expect(c.handshake).toMatchObject({ outcome: 'upgraded', acceptValid: true });
    expect(c.handshake!.request.packet).toBe(6);
    expect(c.handshake!.response!.packet).toBe(8);
    expect(c.timeline[3]!.summary).toMatch(/^part of an HTTP request/);
  });

  it('decodes frames that share the segment of the 101', async () => {
    const conv = new Conversation().handshake().send('client', upgradeRequest()).send('server', Buffer.concat([Buffer.from(upgradeResponse()), text('first'), text('second')]));
    const c = only(await analyze(conv.pcap()));
    expect(c.frames.map((f) => [f.packet, f.payload.toString()])).toEqual([
      [5, 'first'],
      [5, 'second'],
    ]);
    expect(c.timeline[4]).toMatchObject({ phase: 'ws-handshake', summary: 'HTTP/1.1 101 Switching Protocols; Text [FIN] 5 bytes "first"; Text [FIN] 6 bytes "second"' });
  });

  it('flags a data frame sent before the 101 arrived, and still decodes it', async () => {
    const conv = new Conversation().handshake().send('client', upgradeRequest()).send('client', text('eager', MASK)).send('server', upgradeResponse());
    const c = only(await analyze(conv.pcap()));
    expect(codes(c)).toEqual(['handshake.frames-before-upgrade']);
    expect(c.frames).toHaveLength(1);
    expect(c.frames[0]!.packets).toEqual([5]);
    expect(c.timeline[4]!.summary).toMatch(/before the server's answer/);
  });

  it('reports a rejected upgrade and follows a retry on the same connection', async () => {
    const conv = new Conversation()
      .handshake()
      .send('client', upgradeRequest())
      .send('server', 'HTTP/1.1 403 Forbidden\r\nContent-Length: 6\r\n\r\nno way')
      .send('client', upgradeRequest())
      .send('server', upgradeResponse())
      .send('server', text('ok'));
    const c = only(await analyze(conv.pcap()));
    expect(codes(c)).toEqual(['handshake.rejected']);
    expect(c.handshake).toMatchObject({ outcome: 'upgraded' });
    expect(c.handshake!.request.packet).toBe(6);
    expect(c.frames.map((f) => f.payload.toString())).toEqual(['ok']);
  });

  it('reports an upgrade request that never got an answer', async () => {
    const c = only(await analyze(new Conversation().handshake().send('client', upgradeRequest()).pcap()));
    expect(c.handshake?.outcome).toBe('no-response');
    expect(codes(c)).toEqual(['handshake.no-response']);
  });

  it('keeps to HTTP when the client ignores a 101 and sends another request', async () => {
    const conv = new Conversation()
      .handshake()
      .send('client', upgradeRequest([], { method: 'POST' }))
      .send('server', upgradeResponse())
      .send('client', upgradeRequest())
      .send('server', upgradeResponse())
      .send('client', text('hi', MASK));
    const c = only(await analyze(conv.pcap()));
    expect(c.frames).toHaveLength(1);
    expect(c.handshake!.request.method).toBe('GET');
    expect(codes(c)).toEqual(['handshake.method']);
  });

  it('finds the upgrade on a keep-alive connection after a plain request', async () => {
    const conv = new Conversation()
      .handshake()
      .send('client', 'GET /info HTTP/1.1\r\nHost: a\r\n\r\n')
      .send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{"ws":true}')
      .send('client', upgradeRequest())
      .send('server', upgradeResponse())
      .send('server', text('hello'));
    const c = only(await analyze(conv.pcap()));
    expect(c.handshake?.request.packet).toBe(6);
    expect(c.frames.map((f) => f.payload.toString())).toEqual(['hello']);
  });
});

describe('reassembly in the pipeline', () => {
  it('does not deliver a retransmitted frame twice', async () => {
    const frame = text('once');
    const conv = upgraded().send('server', frame).resend('server', frame, frame.length).send('server', text('twice'));
    const c = only(await analyze(conv.pcap()));
    expect(c.frames.map((f) => f.payload.toString())).toEqual(['once', 'twice']);
    expect(c.tcp.retransmissions).toBe(1);
    expect(c.timeline[7]!.summary).toMatch(/^retransmission of 6 bytes/);
  });

  it('joins a frame spread over many segments and lists its packets', async () => {
    const big = wsFrame({ opcode: 2, payload: Buffer.alloc(5000, 0xab), mask: MASK });
    let conv = upgraded();
    for (let i = 0; i < big.length; i += 1448) conv = conv.send('client', big.subarray(i, i + 1448));
    const c = only(await analyze(conv.pcap()));
    expect(c.frames).toHaveLength(1);
    expect(c.frames[0]!.packets).toEqual([7, 8, 9, 10]);
    expect(c.frames[0]!.payload.equals(Buffer.alloc(5000, 0xab))).toBe(true);
    expect(c.timeline[6]!.summary).toBe('part of a Binary frame (1440 of 5000 payload bytes so far)');
    expect(c.timeline[9]!.summary).toBe('Binary [FIN] 5000 bytes [MASKED] (reassembled from 4 segments)');
  });

  it('treats a new SYN on a closed 4-tuple as a new connection', async () => {
    const first = new Conversation().handshake().send('client', 'x').fin('client').fin('server').ack('client');
    const second = new Conversation().handshake().send('client', 'y');
    const records = [...first.records, ...second.records.map((r) => ({ ...r, ts: r.ts + 10 }))];
    const r = await analyze(pcapFile(records));
    expect(r.connections.map((c) => [c.id, c.timeline.length])).toEqual([
      [0, 7],
      [1, 4],
    ]);
  });

  it('decides the roles from HTTP when the capture starts mid-connection', async () => {
    const conv = upgraded();
    const records = conv.records.slice(3); // no SYN, SYN-ACK or ACK
    const c = only(await analyze(pcapFile(records)));
    expect(c.client).toEqual({ ip: '10.0.0.1', port: 40000 });
    expect(c.tcp.handshake).toEqual({ syn: null, synAck: null, ack: null });
    expect(c.handshake?.outcome).toBe('upgraded');
  });
});

describe('closing rules decided at the end of the connection', () => {
  it('data after close, and a close never echoed', async () => {
    const conv = upgraded().send('client', close(1000, '', MASK)).send('client', text('late', MASK)).fin('server').fin('client');
    const c = only(await analyze(conv.pcap()));
    expect(codes(c)).toEqual(['close.not-echoed', 'close.data-after-close']);
    expect(c.close).toMatchObject({ initiator: 'client', replyCode: null, clean: false });
  });

  it('a connection that ends with no Close at all, client first', async () => {
    const c = only(await analyze(upgraded().send('server', text('x')).fin('client').fin('server').pcap()));
    expect(codes(c)).toEqual(['close.abnormal', 'close.client-closed-tcp-first']);
  });

  it('text that is not UTF-8 once reassembled, and a split character that is fine', async () => {
    const euro = Buffer.from('€'); // e2 82 ac
    const conv = upgraded()
      .send('server', wsFrame({ opcode: 1, fin: false, payload: euro.subarray(0, 1) }))
      .send('server', wsFrame({ opcode: 0, payload: euro.subarray(1) }))
      .send('server', wsFrame({ opcode: 1, payload: Buffer.from([0xc3, 0x28]) }));
    const c = only(await analyze(conv.pcap()));
    expect(c.messages.map((m) => m.payload.toString('hex'))).toEqual(['e282ac', 'c328']);
    expect(codes(c)).toEqual(['message.invalid-utf8']);
    expect(c.diagnostics[0]).toMatchObject({ packet: 9, frame: 2, from: 'server' });
  });
});

describe('limits and leftovers', () => {
  it('gives up on an HTTP head past the size limit (http.head-too-large)', async () => {
    const huge = `GET /chat HTTP/1.1\r\nX-Filler: ${'a'.repeat(70 * 1024)}`;
    let conv = new Conversation().handshake();
    for (let i = 0; i < huge.length; i += 1400) conv = conv.send('client', huge.slice(i, i + 1400));
    const c = only(await analyze(conv.pcap()));
    expect(codes(c)).toEqual(['http.head-too-large']);
  });

  it('reports bytes after a loss that never become frames (ws.unframed)', async () => {
    const conv = new Conversation()
      .handshake()
      .send('client', upgradeRequest())
      .send('server', upgradeResponse())
      .send('server', text('kept'))
      .send('server', text('lost'))
      .send('server', Buffer.from([0xff, 0xfe, 0xfd]));
    conv.records.splice(6, 1); // the capture loses 'lost'
    const c = only(await analyze(conv.pcap()));
    expect(c.frames.map((f) => f.payload.toString())).toEqual(['kept']);
    expect(codes(c)).toEqual(['tcp.gap', 'ws.unframed']);
  });
});

describe('what is not WebSocket', () => {
  it('marks every packet of a plain HTTP connection as "other"', async () => {
    const conv = new Conversation().handshake().send('client', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n').send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi').fin('client');
    const c = only(await analyze(conv.pcap()));
    expect(c.websocket).toBe(false);
    expect(new Set(c.timeline.map((e) => e.phase))).toEqual(new Set(['other']));
  });

  it('reports a link type it cannot decode, once', async () => {
    const conv = upgraded();
    const r = await analyze(pcapFile(conv.records, { linkType: 147 }));
    expect(r.connections).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['capture.unknown-link-type']);
    expect(r.diagnostics[0]!.message).toContain('link type 147');
  });
});
