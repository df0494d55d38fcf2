// No input makes a decoder throw: arbitrary bytes into every public entry
// point of every stage (fast-check, one fixed seed like properties.test.ts),
// and the HTTP head reader gives the same head however its bytes are split.
// The whole pipeline on mutated captures is the fuzzer's job (test/fuzz/).
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LINK_TYPES } from '../src/link/link.js';
import { decodeIpv4, decodeIpv6 } from '../src/ip/ip.js';
import { decodeTcp } from '../src/tcp/segment.js';
import { TcpDirection } from '../src/tcp/reassembly.js';
import { decodeFrameHeader } from '../src/websocket/frame.js';
import { FrameParser, type FrameEvents } from '../src/websocket/parser.js';
import { findFrameStart } from '../src/websocket/sync.js';
import { MessageAssembler } from '../src/websocket/messages.js';
import { checkCloseBody, checkFrameHeader } from '../src/websocket/checks.js';
import { parseCloseBody } from '../src/websocket/close.js';
import { InflateContext } from '../src/deflate/inflate.js';
import { HttpReader } from '../src/http/reader.js';
import { parseHead, parseRequestLine, parseStatusLine } from '../src/http/head.js';
import { checkDeflateResponse, deflateRules, parseDeflate } from '../src/deflate/negotiation.js';
import { checkRequest, checkResponse, describeHandshake, parseExtensions, splitOffers } from '../src/http/handshake.js';
import { PcapngReader } from '../src/capture/pcapng.js';
import { Defragmenter, MAX_FRAGMENTS } from '../src/ip/defrag.js';
import { analyzeCapture, CaptureError } from '../src/index.js';
import type { AnalysisSink, Diagnostic, HttpRequest, HttpResponse } from '../src/model.js';
import { diagnosticTextZh } from '../src/text/zh-CN/diagnostics.js';

const seedText = process.env['FC_SEED'];
if (seedText !== 'random') fc.configureGlobal({ seed: seedText ? Number(seedText) : 6455 });

const bytes = (max = 200) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
/** Bytes that are often near-valid: random, or a few interesting values repeated. */
const wild = fc.oneof(bytes(300), fc.array(fc.constantFrom(0x00, 0x7e, 0x7f, 0x80, 0x81, 0x88, 0xff, 0x0d, 0x0a, 0x3a, 0x20), { maxLength: 300 }).map((a) => Buffer.from(a)));

const quiet: FrameEvents = { frame: () => {}, resync: () => {}, unsynced: () => {} };

describe('every decoder takes any bytes without throwing', () => {
  it('link, IP and TCP', () => {
    fc.assert(
      fc.property(wild, fc.nat(), fc.nat(), (b, x, y) => {
        for (const { decode } of LINK_TYPES.values()) {
          const l = decode(b);
          if (l) expect(l.payload.length).toBeLessThanOrEqual(b.length);
        }
        const at = b.length === 0 ? 0 : x % b.length;
        for (const ip of [decodeIpv4(b, at), decodeIpv6(b, at)]) {
          if (!ip) continue;
          // the lazy parts too
          void [ip.src, ip.dst, ip.srcKey, ip.dstKey, ip.payload.length];
        }
        const end = at + (b.length - at === 0 ? 0 : y % (b.length - at + 1));
        const seg = decodeTcp(b, at, end);
        if (seg) expect(seg.payload.length).toBeLessThanOrEqual(end - at);
      }),
    );
  });

  it('TCP reassembly, on any segments in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 0xffffffff }), bytes(50), fc.nat({ max: 100 }), fc.nat({ max: 0xffffffff })), { maxLength: 40 }), (segs) => {
        const d = new TcpDirection(1000);
        for (const [seq, payload, missing, ack] of segs) {
          d.accept(seq, payload, 1, 0, missing % 3 === 0 ? missing : 0);
          d.acked(ack, 1, 0, []);
          d.expire(ack);
        }
        d.flush();
      }),
    );
  });

  it('WebSocket frame headers, the parser (synced and not), the resync search, message assembly and the checks', () => {
    fc.assert(
      fc.property(fc.array(wild, { maxLength: 6 }), fc.nat(), fc.boolean(), fc.boolean(), (pieces, gap, unsynced, masked) => {
        const p = new FrameParser(64, { masked, deflate: false, maxLength: 1 << 20 });
        if (unsynced) p.startUnsynced(3);
        const assembler = new MessageAssembler(
          (() => {
            let n = 0;
            return () => n++;
          })(),
          true,
          100,
        );
        const ev: FrameEvents = {
          ...quiet,
          frame: (f) => {
            checkFrameHeader(f.header, { from: masked ? 'client' : 'server', deflate: true });
            if (f.header.opcode === 8) {
              parseCloseBody(f.payload);
              checkCloseBody(f.payload);
            }
            assembler.frame({ index: 0, opcode: f.header.opcode, fin: f.header.fin, rsv1: f.header.rsv1, payload: f.payload, payloadLength: f.header.payloadLength, payloadLengthText: f.header.payloadLengthText });
          },
        };
        for (const [i, b] of pieces.entries()) {
          decodeFrameHeader(b, b.length === 0 ? 0 : gap % b.length);
          findFrameStart(b, { masked, deflate: false, maxLength: 1 << 20 }, 2, i === pieces.length - 1);
          p.push(b, i + 1, i, ev);
          if (i === 1) p.gap((gap % 5000) + 1, i + 1, i, ev);
        }
        p.settle(ev);
        p.end(ev);
        assembler.end();
      }),
    );
  });

  it('close bodies, permessage-deflate negotiation and inflation', () => {
    fc.assert(
      fc.property(bytes(), fc.string({ maxLength: 80 }), fc.array(fc.string({ maxLength: 40 }), { maxLength: 4 }), fc.boolean(), (b, text, offers, takeover) => {
        parseCloseBody(b);
        checkCloseBody(b);
        parseDeflate(text, true);
        parseDeflate(text, false);
        checkDeflateResponse(offers, text);
        deflateRules(text);
        splitOffers(offers);
        parseExtensions([text, ...offers]);
        const ctx = new InflateContext({ takeover, windowBits: 9 + (b.length % 7) }, 4096);
        const r = ctx.inflate(b);
        if (r.ok) expect(r.data.length).toBeLessThanOrEqual(4096);
        ctx.inflate(b);
      }),
    );
  });

  it('HTTP heads, and the handshake rules on any headers', () => {
    const header = fc.tuple(fc.constantFrom('Host', 'Upgrade', 'Connection', 'Sec-WebSocket-Key', 'Sec-WebSocket-Version', 'Sec-WebSocket-Accept', 'Sec-WebSocket-Protocol', 'Sec-WebSocket-Extensions', 'X'), fc.string({ maxLength: 40 }));
    fc.assert(
      fc.property(wild, fc.array(header, { maxLength: 12 }), fc.array(header, { maxLength: 12 }), fc.string({ maxLength: 20 }), (b, reqHeaders, resHeaders, line) => {
        for (const role of ['request', 'response'] as const) {
          const r = new HttpReader(role, 256, 8);
          r.push(b, 1, 0);
          r.push(b, 2, 0);
        }
        parseHead(b);
        parseRequestLine(line);
        parseStatusLine(line);
        const req: HttpRequest = { packet: 1, headers: reqHeaders, method: line, target: line, version: line };
        const res: HttpResponse = { packet: 2, headers: resHeaders, version: line, status: 101, reason: line };
        checkRequest(req);
        checkResponse(req, res);
        describeHandshake(req, res);
        describeHandshake(req, null);
      }),
    );
  });

  it('pcapng blocks', () => {
    const shb = Buffer.from('0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c000000', 'hex');
    fc.assert(
      fc.property(fc.array(wild, { maxLength: 5 }), (chunks) => {
        const r = new PcapngReader({ packet: () => {}, damaged: () => {}, interfaceAdded: () => {} });
        r.push(shb);
        for (const c of chunks) r.push(c);
      }),
    );
  });

  it('the whole pipeline, on a valid file header followed by anything', async () => {
    const headers = [
      Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex'), // pcap, Ethernet
      Buffer.from('a1b23c4d000200040000000000000000000400000000000c', 'hex'), // pcap ns, big-endian, raw IP
      Buffer.from('0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c000000', 'hex'), // pcapng section
    ];
    const sink: AnalysisSink = { streaming: true, frame: () => {}, message: () => {}, diagnostic: () => {}, connection: () => {}, end: () => {} };
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 2 }), fc.array(wild, { maxLength: 8 }), async (h, chunks) => {
        try {
          await analyzeCapture(Readable.from([headers[h]!, ...chunks]), sink);
        } catch (err) {
          expect(err).toBeInstanceOf(CaptureError);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('the HTTP head reader', () => {
  it('gives the same head however its bytes are split', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9-]{1,12}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(token, fc.stringMatching(/^[ -~]{0,30}$/)), { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 8 }), (headers, cuts) => {
        const text = `GET /x HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
        const b = Buffer.from(text, 'latin1');
        const whole = new HttpReader('request').push(b, 1, 0).head!.head;
        const points = [...new Set(cuts.map((c) => c % (b.length + 1)))].sort((x, y) => x - y);
        const reader = new HttpReader('request');
        let found = null;
        let from = 0;
        for (const p of [...points, b.length]) {
          if (p <= from) continue;
          const r = reader.push(b.subarray(from, p), 1, 0);
          if (r.head) found = r.head.head;
          from = p;
        }
        expect(found).toEqual(whole);
      }),
    );
  });
});

describe('a failure inside the analysis of one connection', () => {
  it('becomes an internal.error diagnostic, and the other connections are reported', async () => {
    const seen: number[] = [];
    let diagnostics: Diagnostic[] = [];
    const sink: AnalysisSink = {
      connection: (c) => {
        if (c.id === 0) throw new Error('a renderer bug');
        seen.push(c.id);
      },
      end: (_capture, _summary, d) => {
        diagnostics = d;
      },
    };
    await analyzeCapture('captures/hostile/huge_headers.pcap.gz', sink);
    expect(seen).toEqual([1]);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([['internal.error', 'connection 0 could not be reported: a renderer bug']]);
    // said from its facts in every language (the exception's own message as it is)
    expect(diagnostics[0]!.facts).toEqual({ code: 'internal.error', stage: 'report', connection: 0, error: 'a renderer bug' });
    expect(diagnosticTextZh(diagnostics[0]!.facts!)).toBe('连接 0 无法报告（内部错误）：a renderer bug');
  });
});

describe('IP fragment reassembly under a flood of fragments', () => {
  it('drops a datagram sent in more than MAX_FRAGMENTS pieces instead of checking them all at each one', () => {
    const d = new Defragmenter();
    // the last fragment first, then the same first fragment over and over: never complete
    expect(d.add('k', 8, false, Buffer.alloc(8), 0)).toBeNull();
    for (let i = 0; i < MAX_FRAGMENTS * 4; i++) expect(d.add('k', 16, true, Buffer.alloc(8), 0)).toBeNull();
    expect(d.finish()).toBeGreaterThanOrEqual(1);
    // a datagram in few pieces is still joined
    const e = new Defragmenter();
    expect(e.add('j', 8, false, Buffer.from('world!!!'), 0)).toBeNull();
    expect(e.add('j', 0, true, Buffer.from('hello, w'), 0)?.toString()).toBe('hello, wworld!!!');
  });
});
