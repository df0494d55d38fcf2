// One packet fact of every kind, and of every way a frame is told, made by
// hand: what a summary can say, for the tests of its words in every language.
import type { FrameFact, PacketFact } from '../../src/model.js';

const frame = (over: Partial<FrameFact>): FrameFact => ({
  kind: 'frame',
  index: 3,
  opcode: 0x1,
  fin: true,
  rsv1: false,
  rsv2: false,
  rsv3: false,
  masked: true,
  length: 5,
  close: null,
  preview: '"Hello"',
  compressedPart: false,
  answers: null,
  segments: 1,
  complete: true,
  missingBytes: 0,
  completes: null,
  ...over,
});

/** Every kind of fact (the compiler holds the list to every kind), each kind in each of its ways. */
export const FACTS: { readonly [K in PacketFact['kind']]: readonly Extract<PacketFact, { kind: K }>[] } = {
  'keep-alive': [{ kind: 'keep-alive' }],
  retransmission: [{ kind: 'retransmission', bytes: 11 }, { kind: 'retransmission', bytes: 1 }],
  'out-of-order': [{ kind: 'out-of-order', bytes: 1448 }],
  late: [{ kind: 'late', bytes: 20 }],
  'acked-unseen': [{ kind: 'acked-unseen', peer: 'client' }, { kind: 'acked-unseen', peer: 'server' }],
  gap: [
    { kind: 'gap', bytes: 11, from: 'client', own: true },
    { kind: 'gap', bytes: 1, from: 'server', own: false },
  ],
  resync: [{ kind: 'resync', skipped: 0 }, { kind: 'resync', skipped: 7 }],
  detected: [{ kind: 'detected', skipped: 0 }, { kind: 'detected', skipped: 3 }],
  opaque: [{ kind: 'opaque', bytes: 32 }],
  held: [{ kind: 'held', bytes: 11 }],
  'early-response': [{ kind: 'early-response', bytes: 129 }],
  'http-partial': [{ kind: 'http-partial', role: 'request', bytes: 54 }, { kind: 'http-partial', role: 'response', bytes: 1 }],
  request: [
    { kind: 'request', method: 'GET', target: '/chat', version: 'HTTP/1.1', upgrade: true, hint: null },
    { kind: 'request', method: 'GET', target: '/socket.io/?EIO=4&transport=polling', version: 'HTTP/1.1', upgrade: false, hint: 'engine.io-polling' },
    { kind: 'request', method: 'GET', target: '/echo/info?t=1700000000', version: 'HTTP/1.1', upgrade: false, hint: 'sockjs-info' },
    { kind: 'request', method: 'GET', target: '/echo/info', version: 'HTTP/1.1', upgrade: false, hint: 'sockjs-info-maybe' },
  ],
  response: [{ kind: 'response', version: 'HTTP/1.1', status: 101, reason: 'Switching Protocols' }, { kind: 'response', version: 'HTTP/1.1', status: 403, reason: '' }],
  'partial-frame': [{ kind: 'partial-frame', opcode: 0x2, received: 1440, total: 1500 }, { kind: 'partial-frame', opcode: 0x3, received: 1, total: 9 }],
  frame: [
    frame({}),
    frame({ masked: false, preview: null, opcode: 0x2, length: 1 }),
    frame({ opcode: 0x0, fin: false, compressedPart: true, preview: null, length: 36 }),
    frame({ opcode: 0x9, preview: null, length: 8 }),
    frame({ opcode: 0xa, masked: false, preview: null, length: 8, answers: { packet: 14, rtt: 0.00092 } }),
    frame({ opcode: 0xa, masked: false, preview: null, length: 0, answers: { packet: 4, rtt: 0.0123 } }),
    frame({ opcode: 0x8, preview: null, length: 2, close: { code: 1000, reason: null } }),
    frame({ opcode: 0x8, masked: false, preview: null, length: 11, close: { code: 1001, reason: '"bye now"' } }),
    frame({ opcode: 0x8, preview: null, length: 0, close: { code: null, reason: null } }),
    frame({ opcode: 0x3, masked: false, preview: null, length: 8, rsv2: true, rsv3: true }),
    frame({ opcode: 0x2, preview: null, length: '9223372036854775813', complete: false }),
    frame({ length: 2000, preview: '"abcdefghijklmnopqrstuvw…"', segments: 2, complete: false, missingBytes: 1624 }),
    frame({ rsv1: true, preview: null, length: 20, completes: { index: 0, type: 'text', frames: 1, length: 20, inflatedLength: 19, compressed: true, preview: '"Hello from Chromium"', app: null } }),
    frame({ opcode: 0x0, rsv1: false, preview: null, length: 1, completes: { index: 6, type: 'text', frames: 5, length: 93, inflatedLength: 98, compressed: true, preview: '"Fragmented message from websock…"', app: null } }),
    frame({ rsv1: true, opcode: 0x2, preview: null, length: 16312, segments: 12, completes: { index: 2, type: 'binary', frames: 1, length: 16312, inflatedLength: null, compressed: true, preview: null, app: null } }),
    frame({ opcode: 0x0, preview: '"!"', length: 1, completes: { index: 1, type: 'text', frames: 3, length: 11, inflatedLength: null, compressed: false, preview: '"Hello world!"', app: null } }),
    frame({ opcode: 0x0, preview: null, length: 4, completes: { index: 5, type: 'binary', frames: 2, length: 8, inflatedLength: null, compressed: false, preview: null, app: null } }),
    frame({ preview: null, length: 37, completes: { index: 0, type: 'text', frames: 1, length: 37, inflatedLength: null, compressed: false, preview: null, app: { decoder: 'stomp', type: 'SEND', user: true, fields: { version: '1.2', frames: [{ command: 'SEND', headers: [['destination', '/queue/a']], body: null, bodyLength: 0 }] } } } }),
    frame({ masked: false, preview: null, length: 42, completes: { index: 1, type: 'text', frames: 1, length: 42, inflatedLength: null, compressed: false, preview: null, app: { decoder: 'sockjs', type: 'heartbeat', user: false, fields: { frame: 'heartbeat' } } } }),
  ],
  tls: [
    { kind: 'tls', records: [{ kind: 'client-hello', sni: 'wsd.test', alpn: ['h2', 'http/1.1'] }] },
    { kind: 'tls', records: [{ kind: 'client-hello', sni: null, alpn: null }, { kind: 'client-hello', sni: 'a.test', alpn: null }, { kind: 'client-hello', sni: null, alpn: ['http/1.1'] }] },
    { kind: 'tls', records: [{ kind: 'server-hello', retry: false, version: 'TLS 1.3', suite: 'TLS_AES_256_GCM_SHA384', alpn: null }, { kind: 'change-cipher-spec' }, { kind: 'encrypted', records: 4, failed: 0 }] },
    { kind: 'tls', records: [{ kind: 'server-hello', retry: true, version: 'TLS 1.3', suite: 'TLS_AES_128_GCM_SHA256', alpn: 'http/1.1' }] },
    { kind: 'tls', records: [{ kind: 'handshake', name: 'certificate' }, { kind: 'alert', name: 'handshake_failure' }, { kind: 'encrypted', records: 1, failed: 0 }] },
    { kind: 'tls', records: [{ kind: 'encrypted', records: 3, failed: 3 }] },
    { kind: 'tls', records: [{ kind: 'encrypted', records: 1, failed: 1 }] },
    { kind: 'tls', records: [{ kind: 'encrypted', records: 3, failed: 1 }] },
    { kind: 'tls', records: [{ kind: 'decrypted', records: 1, keys: [] }] },
    { kind: 'tls', records: [{ kind: 'decrypted', records: 2, keys: [{ label: 'CLIENT_HANDSHAKE_TRAFFIC_SECRET', file: 'keys.log', line: 4, generation: 0 }, { label: 'CLIENT_TRAFFIC_SECRET_0', file: 'keys.log', line: 5, generation: 0 }] }] },
    { kind: 'tls', records: [{ kind: 'decrypted', records: 1, keys: [{ label: 'SERVER_TRAFFIC_SECRET_0', file: 'keys.log', line: 3, generation: 2 }] }] },
    { kind: 'tls', records: [{ kind: 'record-part', received: 1443, total: 16401 }] },
  ],
};

/** Every fact above, in order. */
export const ALL_FACTS: readonly PacketFact[] = Object.values(FACTS).flat();
