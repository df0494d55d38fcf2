// HTTP/2 framing (src/http2/frames.ts) and the connection's state
// (src/http2/session.ts), on bytes made here: every frame type, padding,
// priority fields, CONTINUATION, and any TCP segmentation of the same bytes.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FrameReader, PREFACE, type FrameEvent } from '../src/http2/frames.js';
import { H2Session, type FrameFact, type H2Problem, type H2Sink, type H2Stream } from '../src/http2/session.js';
import type { Dir } from '../src/tcp/connection.js';

function frame(type: number, flags: number, stream: number, payload: Buffer | number[] = []): Buffer {
  const data = Buffer.from(payload);
  const head = Buffer.alloc(9);
  head.writeUIntBE(data.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream, 5);
  return Buffer.concat([head, data]);
}

/** A header block of literals without indexing (RFC 7541 §6.2.2), names and values under 127 bytes. */
function block(fields: [string, string][]): Buffer {
  return Buffer.concat(fields.flatMap(([n, v]) => [Buffer.from([0, n.length]), Buffer.from(n, 'latin1'), Buffer.from([v.length]), Buffer.from(v, 'latin1')]));
}

/** What a reader makes of the bytes: each frame with its (unpadded) payload, DATA as the bytes it handed on, joined. */
function read(chunks: Buffer[], preface = true): { frames: { type: number; flags: number; stream: number; length: number; payload: string | null; padding: number; malformed: boolean }[]; data: Map<number, string>; prefaces: number } {
  const r = new FrameReader(preface);
  const events: FrameEvent[] = chunks.flatMap((c) => r.push(c));
  const data = new Map<number, string>();
  const frames = [];
  let prefaces = 0;
  for (const e of events) {
    if (e.kind === 'preface') prefaces++;
    if (e.kind === 'data') data.set(e.frame.stream, (data.get(e.frame.stream) ?? '') + e.bytes.toString('latin1'));
    if (e.kind === 'frame') frames.push({ type: e.frame.type, flags: e.frame.flags, stream: e.frame.stream, length: e.frame.length, payload: e.payload?.toString('hex') ?? null, padding: e.padding, malformed: e.malformed });
  }
  return { frames, data, prefaces };
}

/** Every kind of frame the reader must take apart, after the preface. */
const CONVERSATION = Buffer.concat([
  PREFACE,
  frame(0x4, 0, 0, [0, 8, 0, 0, 0, 1, 0, 4, 0, 1, 0, 0]),
  frame(0x4, 0x1, 0),
  // HEADERS, padded (3 bytes of padding) and with priority fields (5 bytes), not ended: a CONTINUATION ends it
  frame(0x1, 0x8 | 0x20, 1, [3, 0, 0, 0, 0, 16, ...block([[':method', 'CONNECT']]), 0, 0, 0]),
  frame(0x9, 0x4, 1, block([[':protocol', 'websocket']])),
  // DATA padded: 1 byte of Pad Length, then "hello", then 4 bytes of padding
  frame(0x0, 0x8, 1, [4, ...Buffer.from('hello'), 0, 0, 0, 0]),
  frame(0x0, 0, 1, Buffer.from(' world')),
  frame(0x0, 0x1, 3),
  frame(0x8, 0, 1, [0, 0, 0x10, 0]),
  frame(0x6, 0, 0, [1, 2, 3, 4, 5, 6, 7, 8]),
  frame(0x2, 0, 5, [0, 0, 0, 1, 200]),
  frame(0x3, 0, 5, [0, 0, 0, 8]),
  frame(0x7, 0, 0, [0, 0, 0, 5, 0, 0, 0, 0]),
  // a type no one defined: its payload kept, nothing else done (RFC 9113 §5.5)
  frame(0xa, 0, 0, [9, 9]),
]);

describe('HTTP/2 frames on a byte stream', () => {
  const whole = read([CONVERSATION]);

  it('reads the preface and every frame, padding and priority fields taken off', () => {
    expect(whole.prefaces).toBe(1);
    expect(whole.frames.map((f) => [f.type, f.stream, f.length])).toEqual([
      [4, 0, 12],
      [4, 0, 0],
      [1, 1, 6 + block([[':method', 'CONNECT']]).length + 3],
      [9, 1, block([[':protocol', 'websocket']]).length],
      [0, 1, 10],
      [0, 1, 6],
      [0, 3, 0],
      [8, 1, 4],
      [6, 0, 8],
      [2, 5, 5],
      [3, 5, 4],
      [7, 0, 8],
      [0xa, 0, 2],
    ]);
    // the HEADERS payload without its Pad Length and padding (the priority fields are the session's to skip)
    expect(whole.frames[2]!.payload).toBe(Buffer.concat([Buffer.from([0, 0, 0, 0, 16]), block([[':method', 'CONNECT']])]).toString('hex'));
    expect(whole.frames[2]!.padding).toBe(3);
    expect(whole.frames[4]).toMatchObject({ payload: null, padding: 4, malformed: false });
    expect(whole.data.get(1)).toBe('hello world');
    expect(whole.data.has(3)).toBe(false);
  });

  it('gives the same frames and the same DATA bytes however TCP cut the stream', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: CONVERSATION.length - 1 }), { maxLength: 40 }), (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), CONVERSATION.length];
        const chunks = at.slice(1).map((end, i) => CONVERSATION.subarray(at[i], end));
        expect(read(chunks)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
    // one byte at a time
    expect(read([...CONVERSATION].map((b) => Buffer.from([b])))).toEqual(whole);
  });

  it('stops at a client whose first bytes are not the preface, and says so once', () => {
    const r = new FrameReader(true);
    expect(r.push(Buffer.from('GET / HTTP/1.1\r\n'))).toEqual([{ kind: 'no-preface' }]);
    expect(r.done).toBe(true);
    expect(r.push(frame(0x4, 0, 0))).toEqual([]);
  });

  it('says a Pad Length as long as the payload is malformed, and hands on no DATA for it', () => {
    const r = read([frame(0x0, 0x8, 1, [5, 1, 2, 3, 4])], false);
    expect(r.frames[0]).toMatchObject({ malformed: true });
    expect(r.data.size).toBe(0);
    expect(read([frame(0x1, 0x8, 1, [9, 1])], false).frames[0]).toMatchObject({ malformed: true, payload: '' });
  });
});

/** A sink that keeps what the session tells. */
class Recorder implements H2Sink {
  frames: [Dir, FrameFact][] = [];
  heads: [Dir, number, 'request' | 'response', [string, string][]][] = [];
  got: [Dir, number, string][] = [];
  ends: [Dir, number, string][] = [];
  problems: H2Problem[] = [];
  frame(dir: Dir, fact: FrameFact): void {
    this.frames.push([dir, fact]);
  }
  head(dir: Dir, s: H2Stream, role: 'request' | 'response'): void {
    this.heads.push([dir, s.id, role, (role === 'request' ? s.request : s.response)!.fields]);
  }
  data(dir: Dir, s: H2Stream, bytes: Buffer): void {
    this.got.push([dir, s.id, bytes.toString('latin1')]);
  }
  ended(dir: Dir, s: H2Stream, how: 'end-stream' | 'reset'): void {
    this.ends.push([dir, s.id, how]);
  }
  problem(p: H2Problem): void {
    this.problems.push(p);
  }
}

describe('an HTTP/2 connection', () => {
  const connect: [string, string][] = [[':method', 'CONNECT'], [':protocol', 'websocket'], [':scheme', 'http'], [':path', '/chat'], [':authority', 'a.test'], ['sec-websocket-version', '13']];

  it('decodes header blocks across CONTINUATION, hands on the stream\'s data and its ends', () => {
    const sink = new Recorder();
    const h2 = new H2Session(0, sink);
    const b = block(connect);
    h2.push(1, frame(0x4, 0, 0, [0, 8, 0, 0, 0, 1]), 1, 1);
    h2.push(0, Buffer.concat([PREFACE, frame(0x4, 0, 0), frame(0x1, 0, 1, b.subarray(0, 10)), frame(0x9, 0x4, 1, b.subarray(10))]), 2, 2);
    h2.push(1, frame(0x1, 0x4, 1, block([[':status', '200']])), 3, 3);
    h2.push(0, frame(0x0, 0, 1, Buffer.from('abc')), 4, 4);
    h2.push(1, frame(0x0, 0x1, 1, Buffer.from('xyz')), 5, 5);
    h2.push(0, frame(0x3, 0, 1, [0, 0, 0, 8]), 6, 6);
    expect(h2.connectEnabledAt).toBe(1);
    expect(sink.heads).toEqual([
      [0, 1, 'request', connect],
      [1, 1, 'response', [[':status', '200']]],
    ]);
    expect(sink.got).toEqual([
      [0, 1, 'abc'],
      [1, 1, 'xyz'],
    ]);
    expect(sink.ends).toEqual([
      [1, 1, 'end-stream'],
      [0, 1, 'reset'],
    ]);
    expect(sink.problems).toEqual([]);
    // the CONTINUATION completes the block: the request is told on it
    expect(sink.frames.find(([, f]) => f.type === 0x9)?.[1]).toMatchObject({ method: 'CONNECT', path: '/chat', protocol: 'websocket' });
  });

  it('counts flow control: DATA past the window the receiver allowed is a problem, WINDOW_UPDATE and SETTINGS move it', () => {
    const sink = new Recorder();
    const h2 = new H2Session(0, sink);
    // the server allows 10 bytes per stream
    h2.push(1, frame(0x4, 0, 0, [0, 4, 0, 0, 0, 10]), 1, 1);
    h2.push(0, Buffer.concat([PREFACE, frame(0x1, 0x4, 1, block(connect)), frame(0x0, 0, 1, Buffer.alloc(10))]), 2, 2);
    expect(sink.problems).toEqual([]);
    h2.push(0, frame(0x0, 0, 1, Buffer.alloc(1)), 3, 3);
    expect(sink.problems).toEqual([{ kind: 'flow-control', dir: 0, packet: 3, stream: 1, length: 1, window: 0, connection: false }]);
    h2.push(1, frame(0x8, 0, 1, [0, 0, 0, 100]), 4, 4);
    h2.push(0, frame(0x0, 0, 1, Buffer.alloc(99)), 5, 5);
    expect(sink.problems).toHaveLength(1);
    // a larger INITIAL_WINDOW_SIZE opens every stream's window by the difference (RFC 9113 §6.9.2)
    h2.push(1, frame(0x4, 0, 0, [0, 4, 0, 0, 0, 60]), 6, 6);
    h2.push(0, frame(0x0, 0, 1, Buffer.alloc(50)), 7, 7);
    expect(sink.problems).toHaveLength(1);
  });

  it('tells the frames that break the framing, each where it came', () => {
    const sink = new Recorder();
    const h2 = new H2Session(0, sink);
    h2.push(0, Buffer.concat([PREFACE, frame(0x0, 0, 0, [1]), frame(0x6, 0, 3, Buffer.alloc(8)), frame(0x4, 0, 0, [1, 2, 3, 4, 5]), frame(0x1, 0, 1, block(connect).subarray(0, 4)), frame(0x0, 0, 1, [1])]), 7, 7);
    h2.push(0, frame(0x9, 0x4, 9, [1]), 8, 8);
    h2.push(0, frame(0x1, 0x5, 2, block([[':method', 'GET']])), 9, 9);
    h2.push(0, frame(0x1, 0x5, 5, Buffer.from([0xc6])), 10, 10);
    h2.push(0, frame(0x0, 0, 5, [1]), 11, 11);
    expect(sink.problems.map((p) => (p.kind === 'frame' ? `${p.what}@${p.packet}` : `${p.kind}@${p.packet}`))).toEqual([
      'stream-zero@7',
      'stream-nonzero@7',
      'settings-length@7',
      'continuation-expected@7',
      // (the DATA on stream 1 whose HEADERS were dropped unfinished: no HEADERS opened it)
      'idle-stream@7',
      'continuation-unexpected@8',
      'even-stream@9',
      'hpack@10',
      'after-end@11',
    ]);
  });

  it('stops at a frame longer than the receiver allows: bytes after a preface that only look like HTTP/2', () => {
    const sink = new Recorder();
    const h2 = new H2Session(0, sink);
    // "GET / HTTP/1.1…" read as a frame header: 0x474554 (4670804) bytes, type 0x20 (" "), flags "/", stream " HTT"
    h2.push(0, Buffer.concat([PREFACE, Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n')]), 4, 4);
    h2.push(0, frame(0x4, 0, 0), 5, 5);
    expect(sink.problems).toEqual([{ kind: 'frame', dir: 0, packet: 4, stream: 0x20485454 & 0x7fffffff, type: 0x20, what: 'too-large' }]);
    expect(h2.stopped(0)).toBe(true);
    // the preface is all that was read
    expect(sink.frames).toEqual([[0, { type: -1, flags: 0, stream: 0, length: 24 }]]);
  });

  it('says SETTINGS_ENABLE_CONNECT_PROTOCOL other than 0 or 1, or 0 after 1', () => {
    const sink = new Recorder();
    const h2 = new H2Session(0, sink);
    h2.push(1, Buffer.concat([frame(0x4, 0, 0, [0, 8, 0, 0, 0, 1]), frame(0x4, 0, 0, [0, 8, 0, 0, 0, 0]), frame(0x4, 0, 0, [0, 8, 0, 0, 0, 2])]), 3, 3);
    expect(sink.problems).toEqual([
      { kind: 'connect-setting', dir: 1, packet: 3, value: 0, before: 1 },
      { kind: 'connect-setting', dir: 1, packet: 3, value: 2, before: 0 },
    ]);
  });
});

describe('HTTP/2 begun by an HTTP/1.1 upgrade to h2c (RFC 7540 §3.2), carrying a WebSocket', () => {
  const mask = Buffer.from([1, 2, 3, 4]);
  const ws = (opcode: number, payload: Buffer, masked: boolean): Buffer => {
    const body = masked ? Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!)) : payload;
    return Buffer.concat([Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | payload.length]), masked ? mask : Buffer.alloc(0), body]);
  };
  const close = Buffer.from([0x03, 0xe8]);

  it('reads the frames after the 101 as HTTP/2 and the extended CONNECT\'s stream as a WebSocket', async () => {
    const { Conversation } = await import('./support/pcap.js');
    const { analyze } = await import('./support/analyze.js');
    const c = new Conversation({ ip: '10.0.0.1', port: 40000 }, { ip: '10.0.0.2', port: 80 }).handshake();
    c.send('client', 'GET / HTTP/1.1\r\nHost: a.test\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n');
    // the 101, then at once the server's SETTINGS and its answer to the upgraded request (stream 1)
    c.send('server', Buffer.concat([Buffer.from('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n', 'latin1'), frame(0x4, 0, 0, [0, 8, 0, 0, 0, 1]), frame(0x1, 0x5, 1, block([[':status', '200']]))]));
    c.send('client', Buffer.concat([PREFACE, frame(0x4, 0, 0), frame(0x4, 0x1, 0)]));
    c.send('client', frame(0x1, 0x4, 3, block([[':method', 'CONNECT'], [':protocol', 'websocket'], [':scheme', 'http'], [':path', '/chat'], [':authority', 'a.test'], ['sec-websocket-version', '13']])));
    c.send('server', frame(0x1, 0x4, 3, block([[':status', '200']])));
    c.send('client', frame(0x0, 0, 3, ws(0x1, Buffer.from('hi'), true)));
    c.send('server', frame(0x0, 0, 3, ws(0x1, Buffer.from('hi'), false)));
    c.send('client', frame(0x0, 0, 3, ws(0x8, close, true)));
    c.send('server', Buffer.concat([frame(0x0, 0, 3, ws(0x8, close, false)), frame(0x0, 0x1, 3)]));
    c.send('client', frame(0x0, 0x1, 3));
    c.fin('server').fin('client').ack('server');
    const r = await analyze(c.pcap());
    expect(r.connections.map((x) => [x.id, x.stream])).toEqual([
      [0, 3],
      [0, null],
    ]);
    const tcp = r.connections[1]!;
    expect(tcp.http2).toMatchObject({ start: 'upgrade', connectProtocol: 5 });
    // stream 1 is the upgraded request (RFC 7540 §3.2), answered in HTTP/2
    expect(tcp.http2!.streams.map((s) => [s.id, s.method, s.path, s.status])).toEqual([
      [1, 'GET', '/', 200],
      [3, 'CONNECT', '/chat', 200],
    ]);
    const chat = r.connections[0]!;
    expect(chat.frames.map((f) => [f.from, f.opcode, f.masked, f.payload.toString('latin1')])).toEqual([
      ['client', 1, true, 'hi'],
      ['server', 1, false, 'hi'],
      ['client', 8, true, '\u0003\u00e8'],
      ['server', 8, false, '\u0003\u00e8'],
    ]);
    expect(chat.close).toMatchObject({ initiator: 'client', code: 1000, replyCode: 1000, clean: true });
    expect([...tcp.diagnostics, ...chat.diagnostics]).toEqual([]);
  });
});
