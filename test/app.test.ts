// The application-protocol decoders (src/app/) on messages made by hand, one
// rule at a time; test/app-captures.test.ts runs them on real recordings.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Side } from '../src/model.js';
import type { AppDecoder, AppInfo, AppMessage, AppResult, GraphQlInfo } from '../src/app/types.js';
import { StompDecoder } from '../src/app/stomp.js';
import { SockJsDecoder, sockJsUrl } from '../src/app/sockjs.js';
import { EngineIoDecoder, parseSocketIo } from '../src/app/engineio.js';
import { MqttDecoder } from '../src/app/mqtt.js';
import { GraphQlDecoder } from '../src/app/graphql.js';
import { JsonDecoder } from '../src/app/json.js';
import { AppSession, SNIFF_MESSAGES } from '../src/app/registry.js';
import { appHttpHint, appKeys } from '../src/app/labels.js';
import { appSummary, appText } from '../src/text/app-words.js';

let index = 0;
function msg(from: Side, payload: string | Buffer, type: 'text' | 'binary' = typeof payload === 'string' ? 'text' : 'binary', packet = 10 + index, ts = index): AppMessage {
  return { index: index++, from, type, payload: typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload, packet, ts };
}

function codes(r: AppResult | { findings: { code: string }[] }): string[] {
  return r.findings.map((f) => f.code);
}

/** The info of a result, of the decoder expected (graphql's two protocols share a type: hence the intersection). */
function info<T extends AppInfo['decoder']>(r: AppResult, decoder: T): Extract<AppInfo, { decoder: T }> | (T extends GraphQlInfo['decoder'] ? GraphQlInfo : never) {
  expect(r.info?.decoder).toBe(decoder);
  return r.info as never;
}

describe('STOMP', () => {
  it('reads a frame: command, headers in order, body up to the NUL', () => {
    const d = new StompDecoder('v12.stomp');
    const r = d.decode(msg('client', 'SEND\ndestination:/app/hello\ncontent-type:application/json\n\n{"name":"Ada"}\0'));
    const s = info(r, 'stomp');
    expect(codes(r)).toEqual([]);
    expect(s.type).toBe('SEND');
    expect(s.user).toBe(true);
    expect(s.fields.version).toBe('1.2');
    expect(s.fields.frames[0]).toEqual({ command: 'SEND', headers: [['destination', '/app/hello'], ['content-type', 'application/json']], body: '{"name":"Ada"}', bodyLength: 14 });
    expect(appSummary(s)).toBe('SEND /app/hello {"name":"Ada"}');
  });

  it('takes end-of-lines alone for a heart-beat, and CRLF lines for lines', () => {
    const d = new StompDecoder(null);
    const hb = info(d.decode(msg('client', '\n')), 'stomp');
    expect(hb.type).toBe('heart-beat');
    expect(hb.user).toBe(false);
    const crlf = info(d.decode(msg('server', 'CONNECTED\r\nversion:1.2\r\nheart-beat:0,1000\r\n\r\n\0\n')), 'stomp');
    expect(crlf.fields.frames[0]!.headers).toEqual([['version', '1.2'], ['heart-beat', '0,1000']]);
    expect(crlf.fields.version).toBe('1.2');
    expect(crlf.user).toBe(false);
  });

  it('reads several frames of one message, and a body with NULs by its content-length', () => {
    const d = new StompDecoder('v12.stomp');
    const r = d.decode(msg('server', 'MESSAGE\ndestination:/t\ncontent-length:3\n\na\0b\0\nRECEIPT\nreceipt-id:7\n\n\0'));
    const s = info(r, 'stomp');
    expect(codes(r)).toEqual([]);
    expect(s.type).toBe('MESSAGE + RECEIPT');
    expect(s.fields.frames[0]!.bodyLength).toBe(3);
    expect(s.fields.frames[1]!.headers).toEqual([['receipt-id', '7']]);
  });

  it('unescapes header values in 1.1 and 1.2, but not in CONNECT or in 1.0', () => {
    const d12 = new StompDecoder('v12.stomp');
    expect(info(d12.decode(msg('client', 'SEND\ndestination:/a\\cb\\n\\\\\n\n\0')), 'stomp').fields.frames[0]!.headers[0]).toEqual(['destination', '/a:b\n\\']);
    expect(info(d12.decode(msg('client', 'CONNECT\nlogin:a\\cb\n\n\0')), 'stomp').fields.frames[0]!.headers[0]).toEqual(['login', 'a\\cb']);
    const d10 = new StompDecoder('v10.stomp');
    expect(info(d10.decode(msg('client', 'SEND\ndestination:/a\\cb\n\n\0')), 'stomp').fields.frames[0]!.headers[0]).toEqual(['destination', '/a\\cb']);
  });

  it('reports a frame without its NUL, a wrong content-length, an unknown command and a header without a colon', () => {
    const d = new StompDecoder('v12.stomp');
    // no NUL yet: the frame may go on in the next message; a new command line says it never ended
    expect(codes(d.decode(msg('client', 'SEND\ndestination:/a\n\nhello', 'text', 70)))).toEqual([]);
    const next = d.decode(msg('client', 'SEND\ndestination:/a\ncontent-length:5\n\nhello world\0'));
    expect(next.findings.map((f) => [f.code, f.packet ?? null])).toEqual([['app.stomp-no-null', 70], ['app.stomp-content-length', null]]);
    expect(codes(d.decode(msg('client', 'SNED\ndestination:/a\n\nhi\0')))).toEqual(['app.stomp-bad-frame']);
    expect(codes(d.decode(msg('client', 'SEND\ndestination /a\n\nhi\0')))).toEqual(['app.stomp-bad-frame']);
    d.decode(msg('client', 'SEND'));
    expect(codes({ findings: d.end() })).toEqual(['app.stomp-bad-frame']);
    const err = d.decode(msg('server', 'ERROR\nmessage:Bad login\n\nbye\0'));
    expect(codes(err)).toEqual(['app.stomp-error']);
    expect(err.findings[0]!.message).toContain('Bad login');
  });
});

describe('STOMP frames split over messages', () => {
  it('joins the pieces of a frame (stomp.js and @stomp/stompjs split large frames), each piece told as part of it', () => {
    const d = new StompDecoder('v12.stomp');
    const frame = `SEND\ndestination:/a\ncontent-length:40\n\n${'x'.repeat(40)}\0`;
    const first = d.decode(msg('client', frame.slice(0, 20)));
    expect(codes(first)).toEqual([]);
    expect(first.info!.type).toBe('partial');
    const middle = d.decode(msg('client', frame.slice(20, 50)));
    expect(codes(middle)).toEqual([]);
    const last = info(d.decode(msg('client', frame.slice(50))), 'stomp');
    expect(last.fields.frames[0]).toMatchObject({ command: 'SEND', bodyLength: 40 });
    expect(d.end()).toEqual([]);
  });

  it('drops a held piece when a message of that side was not decoded', () => {
    const d = new StompDecoder('v12.stomp');
    d.decode(msg('client', 'SEND\ndestination:/a\n\npart one'));
    d.skip('client');
    expect(d.end()).toEqual([]);
  });

  it('keeps the first frames of a message of many, and counts the rest', () => {
    const d = new StompDecoder('v12.stomp');
    const r = info(d.decode(msg('client', 'SEND\n\n\0'.repeat(100000))), 'stomp');
    expect(r.fields.frames).toHaveLength(64);
    expect(r.fields.more).toBe(100000 - 64);
    expect(r.type).toBe('SEND');
    expect(appSummary(r).length).toBeLessThanOrEqual(401);
  });
});

describe('SockJS', () => {
  it('reads the URL of its WebSocket transport', () => {
    expect(sockJsUrl('/stomp/123/abcdefgh/websocket')).toEqual({ prefix: '/stomp', server: '123', session: 'abcdefgh' });
    expect(sockJsUrl('/123/abc/websocket')).toEqual({ prefix: '/', server: '123', session: 'abc' });
    expect(sockJsUrl('/chat')).toBeNull();
    // not every URL that ends in /websocket is SockJS's: two segments and the server's "o" decide (below)
    expect(sockJsUrl('/websocket')).toBeNull();
    expect(sockJsUrl('/ws/websocket')).toBeNull();
    // what the request is (put in words with the packet: text/packets.ts; the captures' tests read the words)
    expect(appHttpHint('GET', '/stomp/info?t=1700000000000')).toBe('sockjs-info');
    expect(appHttpHint('GET', '/stomp/info')).toBe('sockjs-info-maybe');
    expect(appHttpHint('POST', '/actuator/info')).toBeNull();
    expect(appHttpHint('GET', '/socket.io/?EIO=4&transport=polling&t=abc')).toBe('engine.io-polling');
    expect(appHttpHint('GET', '/index.html')).toBeNull();
  });

  it('reads o, h, a[…] and c[…] frames and hands the messages inside to the next decoder', () => {
    const d = new SockJsDecoder('/stomp/000/sess/websocket', new AppSession({ target: null, subprotocol: null }, 'auto'));
    const open = info(d.decode(msg('server', 'o')), 'sockjs');
    expect(open.fields).toEqual({ frame: 'open', prefix: '/stomp', server: '000', session: 'sess' });
    expect(open.user).toBe(false);
    expect(info(d.decode(msg('server', 'h')), 'sockjs').fields.frame).toBe('heartbeat');
    const send = d.decode(msg('client', JSON.stringify(['SEND\ndestination:/app/x\n\nhi\0'])));
    const s = info(send, 'sockjs');
    expect(s.fields.frame).toBe('send');
    expect(s.inner?.map((i) => `${i.decoder} ${i.type}`)).toEqual(['stomp SEND']);
    expect(s.user).toBe(true);
    expect(appText(s)).toBe('SockJS [1 message] → STOMP SEND /app/x hi');
    const hb = info(d.decode(msg('server', 'a["\\n"]')), 'sockjs');
    expect(hb.inner?.[0]?.type).toBe('heart-beat');
    expect(hb.user).toBe(false);
    const close = info(d.decode(msg('server', 'c[3000,"Go away!"]')), 'sockjs');
    expect(close.fields).toMatchObject({ frame: 'close', code: 3000, reason: 'Go away!' });
  });

  it('reports what is not a SockJS frame', () => {
    const d = new SockJsDecoder(null, new AppSession({ target: null, subprotocol: null }, 'none'));
    expect(codes(d.decode(msg('server', 'x')))).toEqual(['app.sockjs-bad-frame']);
    expect(codes(d.decode(msg('server', 'a{"no":1}')))).toEqual(['app.sockjs-bad-frame']);
    expect(codes(d.decode(msg('server', 'c[3000]')))).toEqual(['app.sockjs-bad-frame']);
    expect(codes(d.decode(msg('client', 'hello')))).toEqual(['app.sockjs-bad-frame']);
    expect(codes(d.decode(msg('server', Buffer.from([1, 2]))))).toEqual(['app.sockjs-bad-frame']);
  });
});

describe('Engine.IO and Socket.IO', () => {
  const URL4 = '/socket.io/?EIO=4&transport=websocket';

  it('reads Engine.IO packets: open, the probe, ping, pong, upgrade', () => {
    const d = new EngineIoDecoder(URL4, true);
    const open = info(d.decode(msg('server', '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}')), 'engine.io');
    expect(open.fields).toEqual({ version: 4, packet: 'open', sid: 'abc', upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1000000 });
    expect(info(d.decode(msg('client', '2probe')), 'engine.io').fields).toEqual({ version: 4, packet: 'ping', probe: true });
    expect(info(d.decode(msg('server', '3probe')), 'engine.io').fields.probe).toBe(true);
    expect(info(d.decode(msg('client', '5')), 'engine.io').type).toBe('upgrade');
    expect(info(d.decode(msg('server', '2')), 'engine.io').user).toBe(false);
  });

  it('reads the Socket.IO packet inside a message: namespace, event, arguments, ack id', () => {
    const d = new EngineIoDecoder(URL4, true);
    const e = info(d.decode(msg('client', '42/admin,17["chat message","hi",{"a":1}]')), 'engine.io');
    expect(e.type).toBe('message');
    const sio = e.inner![0] as Extract<AppInfo, { decoder: 'socket.io' }>;
    expect(sio.fields).toEqual({ packet: 'EVENT', namespace: '/admin', id: 17, event: 'chat message', args: '["hi",{"a":1}]' });
    expect(appText(e)).toBe('Engine.IO message → Socket.IO event /admin "chat message"("hi", {"a":1}) ack 17');
    expect(appKeys(e)).toEqual(['engine.io message', 'socket.io event /admin "chat message"']);
    const ack = info(d.decode(msg('server', '43/admin,17[5]')), 'engine.io').inner![0]!;
    expect(ack.type).toBe('ack');
    expect(info(d.decode(msg('client', '40')), 'engine.io').inner![0]!.user).toBe(false);
  });

  it('follows binary attachments: the placeholder packet, then each binary message', () => {
    const d = new EngineIoDecoder(URL4, true);
    const r = d.decode(msg('client', '452-["upload",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]'));
    expect((r.info!.inner![0] as Extract<AppInfo, { decoder: 'socket.io' }>).fields.attachments).toBe(2);
    const a0 = d.decode(msg('client', Buffer.from([1, 2, 3])));
    expect(appSummary(a0.info!.inner![0]!)).toBe('attachment 1 of 2 of event "upload" (3 bytes)');
    const a1 = d.decode(msg('client', Buffer.from([4])));
    expect(codes(a1)).toEqual([]);
    expect(d.end()).toEqual([]);
    // one too many
    expect(codes(d.decode(msg('client', Buffer.from([5]))))).toEqual(['app.socketio-unexpected-binary']);
  });

  it('reports attachments that never came, at the next packet or at the end', () => {
    const d = new EngineIoDecoder(URL4, true);
    d.decode(msg('client', '451-["upload",{"_placeholder":true,"num":0}]', 'text', 40));
    expect(codes(d.decode(msg('client', '42["next"]')))).toEqual(['app.socketio-missing-attachment']);
    d.decode(msg('server', '451-["down",{"_placeholder":true,"num":0}]', 'text', 50));
    const end = d.end();
    expect(end.map((f) => [f.code, f.packet, f.from])).toEqual([['app.socketio-missing-attachment', 50, 'server']]);
  });

  it('reads Engine.IO 3: a binary message carries its packet type first', () => {
    const d = new EngineIoDecoder('/socket.io/?EIO=3&transport=websocket', true);
    d.decode(msg('server', '451-["bin",{"_placeholder":true,"num":0}]'));
    const r = d.decode(msg('server', Buffer.from([4, 0xde, 0xad])));
    expect(appSummary(r.info!.inner![0]!)).toBe('attachment 1 of 1 of event "bin" (2 bytes)');
    expect(codes(d.decode(msg('client', Buffer.from([9]))))).toEqual(['app.engineio-bad-packet']);
    // protocol 4 of Socket.IO (Socket.IO 2) calls type 4 ERROR
    expect(info(d.decode(msg('server', '44"Not authorized"')), 'engine.io').inner![0]!.type).toBe('error');
  });

  it('reports packets that do not parse, and a refused namespace', () => {
    const d = new EngineIoDecoder(URL4, true);
    expect(codes(d.decode(msg('server', '9nope')))).toEqual(['app.engineio-bad-packet']);
    expect(codes(d.decode(msg('server', '0{"no":"sid"}')))).toEqual(['app.engineio-bad-packet']);
    expect(codes(d.decode(msg('client', '42{"not":"an array"}')))).toEqual(['app.socketio-bad-packet']);
    expect(codes(d.decode(msg('client', '42["chat",')))).toEqual(['app.socketio-bad-packet']);
    expect(codes(d.decode(msg('client', '45["no count"]')))).toEqual(['app.socketio-bad-packet']);
    expect(codes(d.decode(msg('server', '44/admin,{"message":"Not authorized"}')))).toEqual(['app.socketio-connect-error']);
    expect(parseSocketIo('2["x"]', 5)).toMatchObject({ fields: { packet: 'EVENT', event: 'x', namespace: '/' } });
  });
});

/** MQTT packet bytes: a fixed header, then the body. */
function mqtt(first: number, body: number[] | Buffer): Buffer {
  const b = Buffer.from(body);
  const len: number[] = [];
  let n = b.length;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    len.push(byte);
  } while (n > 0);
  return Buffer.concat([Buffer.from([first, ...len]), b]);
}
const str = (s: string): number[] => [s.length >> 8, s.length & 0xff, ...Buffer.from(s)];

describe('MQTT', () => {
  const connect311 = mqtt(0x10, [...str('MQTT'), 4, 0x02, 0, 60, ...str('c1')]);

  it('reads CONNECT, CONNACK, SUBSCRIBE and PUBLISH of MQTT 3.1.1', () => {
    const d = new MqttDecoder('mqtt');
    const c = info(d.decode(msg('client', connect311)), 'mqtt');
    expect(c.fields.packets[0]).toEqual({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, keepAlive: 60, cleanStart: true, clientId: 'c1' });
    expect(c.fields.version).toBe('3.1.1');
    expect(info(d.decode(msg('server', mqtt(0x20, [0, 0]))), 'mqtt').fields.packets[0]).toMatchObject({ type: 'CONNACK', sessionPresent: false, reasonCode: 0, reason: 'accepted' });
    expect(info(d.decode(msg('client', mqtt(0x82, [0, 1, ...str('sensors/#'), 1]))), 'mqtt').fields.packets[0]).toEqual({ type: 'SUBSCRIBE', packetId: 1, subscriptions: [{ topic: 'sensors/#', qos: 1 }] });
    const pub = info(d.decode(msg('client', mqtt(0x32, [...str('sensors/hum'), 0, 7, ...Buffer.from('{"rh":40}')]))), 'mqtt');
    expect(pub.fields.packets[0]).toEqual({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 'sensors/hum', packetId: 7, payload: '{"rh":40}', payloadLength: 9 });
    expect(pub.user).toBe(true);
    expect(appSummary(pub)).toBe('PUBLISH sensors/hum QoS 1 id 7 "{\\"rh\\":40}"');
  });

  it('reads MQTT 5 properties and reason codes', () => {
    const d = new MqttDecoder('mqtt');
    // CONNECT level 5 with session expiry 10 and a receive maximum of 20
    d.decode(msg('client', mqtt(0x10, [...str('MQTT'), 5, 0x02, 0, 30, 8, 0x11, 0, 0, 0, 10, 0x21, 0, 20, ...str('c5')])));
    // PUBLISH QoS 0 with a content type and a user property
    const props = [0x03, ...str('text/plain'), 0x26, ...str('k'), ...str('v')];
    const pub = info(d.decode(msg('client', mqtt(0x30, [...str('a/b'), props.length, ...props, ...Buffer.from('hi')]))), 'mqtt');
    expect(pub.fields.version).toBe('5.0');
    expect(pub.fields.packets[0]).toMatchObject({ topic: 'a/b', payload: 'hi', properties: { contentType: 'text/plain', userProperties: [['k', 'v']] } });
    const ack = info(d.decode(msg('server', mqtt(0x40, [0, 7, 0x10, 0]))), 'mqtt');
    expect(ack.fields.packets[0]).toMatchObject({ type: 'PUBACK', packetId: 7, reasonCode: 0x10, reason: 'no matching subscribers' });
  });

  it('cuts a byte stream into packets: two in one message, one across two messages', () => {
    const d = new MqttDecoder('mqtt');
    d.decode(msg('client', connect311));
    const two = info(d.decode(msg('server', Buffer.concat([mqtt(0x20, [0, 0]), mqtt(0xd0, [])]))), 'mqtt');
    expect(two.type).toBe('CONNACK + PINGRESP');
    const pub = mqtt(0x30, [...str('t'), ...Buffer.from('payload')]);
    const first = info(d.decode(msg('client', pub.subarray(0, 4))), 'mqtt');
    expect(first.type).toBe('partial');
    expect(first.fields.pending).toBe(4);
    const rest = info(d.decode(msg('client', pub.subarray(4))), 'mqtt');
    expect(rest.fields.packets[0]).toMatchObject({ type: 'PUBLISH', topic: 't', payload: 'payload' });
    expect(d.end()).toEqual([]);
  });

  it('reports a malformed packet, a text frame, a refused CONNACK and a packet never finished', () => {
    const d = new MqttDecoder('mqtt');
    d.decode(msg('client', connect311));
    expect(codes(d.decode(msg('client', mqtt(0x36, [...str('t'), 0, 1]))))).toEqual(['app.mqtt-bad-packet']);
    expect(codes(d.decode(msg('client', mqtt(0x80, [0, 1, ...str('t'), 0]))))).toEqual(['app.mqtt-bad-packet']);
    // the framing held: the packets after a malformed one are read
    expect(info(d.decode(msg('client', mqtt(0xc0, []))), 'mqtt').type).toBe('PINGREQ');
    expect(codes(d.decode(msg('client', '0\x07\x00\x03a/bhi', 'text')))).toEqual(['app.mqtt-text-frame']);
    expect(codes(d.decode(msg('server', mqtt(0x20, [0, 5]))))).toEqual(['app.mqtt-connack-refused']);
    d.decode(msg('client', mqtt(0x30, [...str('t'), ...Buffer.from('xyz')]).subarray(0, 5), 'binary', 77));
    expect(d.end().map((f) => [f.code, f.packet, f.from])).toEqual([['app.mqtt-incomplete', 77, 'client']]);
    // a remaining length of more than 4 bytes cannot be framed: that side is not decoded further
    const e = new MqttDecoder('mqtt');
    expect(codes(e.decode(msg('client', Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))))).toEqual(['app.mqtt-bad-packet']);
    expect(e.decode(msg('client', mqtt(0xc0, []))).info).toBeNull();
  });
});

describe('MQTT across many messages', () => {
  it('follows a packet sent a byte at a time, and gives up on one that says it is longer than it follows', () => {
    const d = new MqttDecoder('mqtt');
    const pub = mqtt(0x30, [...str('t'), ...Buffer.alloc(300, 0x61)]);
    const infos = [...pub].map((byte, i) => d.decode(msg('client', Buffer.from([byte]), 'binary', 100 + i)).info as Extract<AppInfo, { decoder: 'mqtt' }>);
    expect(infos.slice(0, -1).every((i) => i.type === 'partial')).toBe(true);
    expect(infos[infos.length - 1]!.fields.packets[0]).toMatchObject({ type: 'PUBLISH', topic: 't', payloadLength: 300 });
    // a remaining length of 2^28 - 1 (the largest there is), 5 bytes of fixed header: valid, more than is followed, passed over
    const e = new MqttDecoder('mqtt');
    const huge = e.decode(msg('client', Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f, 0, 1, 0x74])));
    expect(codes(huge)).toEqual(['limit.payload']);
    expect(huge.findings[0]!.message).toContain('of 268435460 bytes');
    expect(e.decode(msg('client', Buffer.alloc(1000))).info!.type).toBe('partial');
    expect(e.end()).toEqual([]);
  });
});

describe('a message the decoder does not get (cut by --max-frame-payload or capture loss)', () => {
  it('MQTT drops the packet it held and is not thrown out of step', () => {
    const d = new MqttDecoder('mqtt');
    const pub = mqtt(0x30, [...str('t'), ...Buffer.alloc(300, 0x61)]);
    d.decode(msg('client', pub.subarray(0, 100)));
    d.skip('client');
    // the next message begins a packet: read as such, nothing held against the lost one
    expect(info(d.decode(msg('client', mqtt(0xc0, []))), 'mqtt').type).toBe('PINGREQ');
    expect(d.end()).toEqual([]);
    // and when the next one begins inside a packet, it is passed over without an error
    d.skip('client');
    expect(d.decode(msg('client', Buffer.from([0x00, 0x05, 0x61])))).toEqual({ info: null, findings: [] });
    expect(info(d.decode(msg('client', mqtt(0xc0, []))), 'mqtt').type).toBe('PINGREQ');
  });

  it('Socket.IO counts a lost binary message as the attachment it was', () => {
    const d = new EngineIoDecoder('/socket.io/?EIO=4', true);
    d.decode(msg('client', '451-["upload",{"_placeholder":true,"num":0}]'));
    d.skip('client');
    expect(codes(d.decode(msg('client', '42["next"]')))).toEqual([]);
    expect(d.end()).toEqual([]);
  });

  it('JSON-RPC and GraphQL hold no unmatched answer or unanswered call against a lost message', () => {
    const j = new JsonDecoder(true, true);
    j.decode(msg('client', '{"jsonrpc":"2.0","method":"a","id":1}'));
    j.skip('server');
    expect(codes(j.decode(msg('server', '{"jsonrpc":"2.0","result":1,"id":2}')))).toEqual([]);
    expect(j.end()).toEqual([]);
    const g = new GraphQlDecoder('graphql-transport-ws', true);
    g.skip('client');
    expect(codes(g.decode(msg('server', '{"id":"9","type":"next","payload":{}}')))).toEqual([]);
  });
});

describe('what a guess does not claim', () => {
  it('a URL that ends in /a/b/websocket is SockJS only if the server then says "o"', () => {
    const s = new AppSession({ target: '/api/v1/websocket', subprotocol: null }, 'auto');
    expect(s.chosen).toEqual({ name: 'sockjs', by: 'url' });
    // a client message that is no SockJS frame is not held against it yet
    expect(s.decode(msg('client', '{"hello":1}'))).toEqual({ info: null, findings: [] });
    const r = s.decode(msg('server', '{"hello":2}'));
    expect(codes(r)).toEqual([]);
    expect(s.chosen).toEqual({ name: 'json', by: 'content' });
    const real = new AppSession({ target: '/echo/000/abc/websocket', subprotocol: null }, 'auto');
    expect(real.decode(msg('server', 'o')).info?.decoder).toBe('sockjs');
    expect(real.chosen).toEqual({ name: 'sockjs', by: 'url' });
  });

  it('Engine.IO found by content decides once whether its messages are Socket.IO, and a guess reports no Socket.IO error', () => {
    const d = new EngineIoDecoder(null, false);
    d.decode(msg('server', '0{"sid":"x"}'));
    // "42" is no Socket.IO packet: these messages are plain Engine.IO messages
    expect(d.decode(msg('client', '42'))).toMatchObject({ info: { type: 'message', fields: { data: '2' } }, findings: [] });
    expect(codes(d.decode(msg('client', '43')))).toEqual([]);
    expect(codes(d.decode(msg('server', '44{"message":"x"}')))).toEqual([]);
  });

  it('Engine.IO binary sent as base64 text (forceBase64) is binary', () => {
    const v4 = new EngineIoDecoder('/socket.io/?EIO=4', true);
    v4.decode(msg('client', '451-["up",{"_placeholder":true,"num":0}]'));
    const r = v4.decode(msg('client', `b${Buffer.from([1, 2, 3]).toString('base64')}`));
    expect(codes(r)).toEqual([]);
    expect(r.info!.inner![0]!.fields).toMatchObject({ packet: 'ATTACHMENT', length: 3 });
    const v3 = new EngineIoDecoder('/socket.io/?EIO=3', true);
    v3.decode(msg('client', '451-["up",{"_placeholder":true,"num":0}]'));
    expect(v3.decode(msg('client', `b4${Buffer.from([9, 9]).toString('base64')}`)).info!.inner![0]!.fields).toMatchObject({ length: 2 });
  });

  it('a CONNACK of 1-5 to an MQTT 5 CONNECT is a 3.1.1 broker refusing the version', () => {
    const d = new MqttDecoder('mqtt');
    d.decode(msg('client', mqtt(0x10, [...str('MQTT'), 5, 0x02, 0, 30, 0, ...str('c5')])));
    const r = d.decode(msg('server', mqtt(0x20, [0, 1])));
    expect(info(r, 'mqtt').fields.packets[0]).toMatchObject({ reasonCode: 1, reason: 'unacceptable protocol version' });
    expect(r.findings[0]!.message).toContain('unacceptable protocol version');
    expect(info(d.decode(msg('server', mqtt(0x90, [0, 1, 0, 1]))), 'mqtt').fields.packets[0]!.codes).toEqual([1]);
    expect(info(d.decode(msg('server', mqtt(0xe0, [0x8b, 0]))), 'mqtt').fields.packets[0]!.reason).toBe('server shutting down');
  });
});

describe('one message of a million units', () => {
  it('keeps the first units and counts the rest, in bounded time and summary', () => {
    const started = Date.now();
    const pings = Buffer.concat(Array.from({ length: 200000 }, () => mqtt(0xc0, [])));
    const m = info(new MqttDecoder('mqtt').decode(msg('client', pings)), 'mqtt');
    expect(m.fields.packets).toHaveLength(64);
    expect(m.fields.more).toBe(200000 - 64);
    expect(m.type).toBe('PINGREQ');
    expect(appSummary(m).length).toBeLessThanOrEqual(401);
    const sock = new SockJsDecoder('/s/1/a/websocket', new AppSession({ target: null, subprotocol: null }, 'auto'));
    const a = info(sock.decode(msg('server', `a${JSON.stringify(Array.from({ length: 100000 }, (_, i) => `m${i}`))}`)), 'sockjs');
    expect(a.fields.messages).toHaveLength(64);
    expect(appSummary(a).length).toBeLessThanOrEqual(401);
    // generous: a guard against work per unit that grows with the message, not a benchmark
    expect(Date.now() - started).toBeLessThan(20000);
  });
});

describe('any bytes at all', () => {
  const message = fc.record({
    from: fc.constantFrom<Side>('client', 'server'),
    type: fc.constantFrom<'text' | 'binary'>('text', 'binary'),
    // random bytes, and texts that start like each protocol
    payload: fc.oneof(
      fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.from(a)),
      fc.tuple(fc.constantFrom('CONNECT\n', 'SEND\ncontent-length:', 'a[', 'c[', 'o', '0{"sid":', '42', '451-', '43/x,', '{"type":"next","id":', '{"jsonrpc":"2.0",', '[{"jsonrpc":"2.0"', '\x10\x0c\x00\x04MQTT'), fc.string({ maxLength: 40 })).map(([a, b]) => Buffer.from(a + b, 'latin1')),
    ),
  });
  const decoders: [string, () => AppDecoder][] = [
    ['stomp', () => new StompDecoder('v12.stomp')],
    ['sockjs', () => new SockJsDecoder('/s/1/a/websocket', new AppSession({ target: null, subprotocol: null }, 'auto'))],
    ['engine.io', () => new EngineIoDecoder('/socket.io/?EIO=3', false)],
    ['socket.io', () => new EngineIoDecoder('/socket.io/?EIO=4', true)],
    ['mqtt', () => new MqttDecoder('mqtt')],
    ['graphql', () => new GraphQlDecoder('graphql-transport-ws', false)],
    ['json-rpc', () => new JsonDecoder(true, true)],
    ['auto', () => new AppSession({ target: null, subprotocol: null }, 'auto')],
  ];

  it.each(decoders)('%s: never throws, and every finding is a registered code citing the registry\'s section', async (_name, make) => {
    const { CODES } = await import('../src/codes.js');
    fc.assert(
      fc.property(fc.array(message, { maxLength: 12 }), (ms) => {
        const d = make();
        const findings = [];
        for (const [i, m] of ms.entries()) {
          const r = d.decode({ index: i, packet: i + 1, ts: i, ...m });
          findings.push(...r.findings);
          if (r.info) expect(typeof appSummary(r.info)).toBe('string');
        }
        findings.push(...d.end());
        for (const f of findings) {
          const info = CODES[f.code];
          expect(info, f.code).toBeDefined();
          // a section named where it was raised is the registry's or one of the narrower ones it lists
          if (f.spec !== undefined) expect([info!.rfc, ...(info!.cites ?? [])], f.code).toContain(f.spec);
        }
      }),
      { numRuns: 300, seed: 9 },
    );
  });
});

describe('GraphQL over WebSocket', () => {
  it('names results after the operation that started them (graphql-transport-ws)', () => {
    const d = new GraphQlDecoder('graphql-transport-ws', true);
    expect(info(d.decode(msg('client', '{"type":"connection_init"}')), 'graphql-transport-ws').user).toBe(false);
    const sub = info(d.decode(msg('client', '{"id":"1","type":"subscribe","payload":{"query":"subscription Countdown { countdown(from: 3) }"}}')), 'graphql-transport-ws');
    expect(sub.fields).toMatchObject({ messageType: 'subscribe', id: '1', operation: 'subscription', operationName: 'Countdown' });
    const next = d.decode(msg('server', '{"id":"1","type":"next","payload":{"data":{"countdown":3}}}'));
    expect(codes(next)).toEqual([]);
    expect(appSummary(next.info!)).toBe('next id 1 (Countdown) {"data":{"countdown":3}}');
    expect(info(d.decode(msg('server', '{"id":"1","type":"complete"}')), 'graphql-transport-ws').fields.operationName).toBe('Countdown');
    // the id is free again: a result for it now has no operation
    expect(codes(d.decode(msg('server', '{"id":"1","type":"next","payload":{}}')))).toEqual(['app.graphql-unknown-id']);
  });

  it('reads the older graphql-ws protocol, and tells it from the messages when no subprotocol did', () => {
    const d = new GraphQlDecoder('graphql-transport-ws', false);
    d.decode(msg('client', '{"type":"connection_init","payload":{}}'));
    const start = d.decode(msg('client', '{"id":"1","type":"start","payload":{"query":"query Hello { hello }","operationName":"Hello"}}'));
    expect(start.info!.decoder).toBe('graphql-ws');
    expect(codes(start)).toEqual([]);
    expect(info(d.decode(msg('server', '{"type":"ka"}')), 'graphql-ws').user).toBe(false);
    expect(info(d.decode(msg('server', '{"id":"1","type":"data","payload":{"data":{"hello":"world"}}}')), 'graphql-ws').fields.operationName).toBe('Hello');
  });

  it('reports messages that are not of the protocol, lack their id, come from the wrong side, or are errors', () => {
    const d = new GraphQlDecoder('graphql-transport-ws', true);
    expect(codes(d.decode(msg('client', '{"type":"start","id":"1"}')))).toEqual(['app.graphql-bad-message']);
    expect(codes(d.decode(msg('client', '{"type":"subscribe","payload":{"query":"{ a }"}}')))).toEqual(['app.graphql-bad-message']);
    expect(codes(d.decode(msg('server', '{"type":"subscribe","id":"2","payload":{"query":"{ a }"}}')))).toEqual(['app.graphql-bad-message']);
    expect(codes(d.decode(msg('client', 'not json')))).toEqual(['app.graphql-bad-message']);
    expect(codes(d.decode(msg('client', '[1]')))).toEqual(['app.graphql-bad-message']);
    d.decode(msg('client', '{"type":"subscribe","id":"3","payload":{"query":"query Q { a }"}}'));
    const err = d.decode(msg('server', '{"type":"error","id":"3","payload":[{"message":"boom"}]}'));
    expect(codes(err)).toEqual(['app.graphql-error']);
    expect(err.findings[0]!.message).toContain('Q');
  });
});

describe('JSON and JSON-RPC 2.0', () => {
  it('summarises JSON by its shape (the value is the payload: not repeated)', () => {
    const d = new JsonDecoder(false, true);
    const o = info(d.decode(msg('client', '{"a":1,"b":[1,2]}')), 'json');
    expect(o.fields).toEqual({ kind: 'object', keys: ['a', 'b'] });
    expect(appSummary(o)).toBe('object {a, b}');
    expect(info(d.decode(msg('client', '[1,2,3]')), 'json').fields.length).toBe(3);
    // named JSON (subprotocol, --app): text that is not JSON is an error
    expect(codes(d.decode(msg('client', '{"a":')))).toEqual(['app.json-invalid']);
    expect(codes(d.decode(msg('client', 'hello')))).toEqual(['app.json-invalid']);
    // JSON guessed from content holds nothing against other text ("[INFO] started", NDJSON)
    const guessed = new JsonDecoder(false, false);
    for (const t of ['hello', '[INFO] started', '{"a":1}\n{"a":2}']) expect(guessed.decode(msg('client', t))).toEqual({ info: null, findings: [] });
  });

  it('matches responses to requests by id, whichever side asked, and in any order', () => {
    const d = new JsonDecoder(false, false);
    d.decode(msg('client', '{"jsonrpc":"2.0","method":"slow","id":1}', 'text', 20, 1.0));
    d.decode(msg('client', '{"jsonrpc":"2.0","method":"fast","id":"b"}', 'text', 21, 1.1));
    d.decode(msg('server', '{"jsonrpc":"2.0","method":"tick"}'));
    const fast = info(d.decode(msg('server', '{"jsonrpc":"2.0","result":2,"id":"b"}', 'text', 22, 1.25)), 'json-rpc');
    expect(fast.fields.calls[0]).toEqual({ kind: 'response', id: 'b', method: 'fast', request: { message: expect.any(Number), packet: 21, method: 'fast', rtt: 0.15 } });
    const slow = info(d.decode(msg('server', '{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1}', 'text', 23, 2.0)), 'json-rpc');
    expect(slow.fields.calls[0]).toMatchObject({ kind: 'error', id: 1, error: { code: -32601, message: 'Method not found' }, request: { packet: 20, method: 'slow', rtt: 1 } });
    expect(appSummary(slow)).toBe('error -32601 "Method not found" id 1 to slow (packet 20)');
    // a request from the server is answered by the client
    d.decode(msg('server', '{"jsonrpc":"2.0","method":"ask","id":1}'));
    expect(info(d.decode(msg('client', '{"jsonrpc":"2.0","result":true,"id":1}')), 'json-rpc').fields.calls[0]!.method).toBe('ask');
    expect(d.end()).toEqual([]);
  });

  it('reads batches, and reports wrong shapes, unmatched responses and requests never answered', () => {
    const d = new JsonDecoder(true, true);
    const batch = info(d.decode(msg('client', '[{"jsonrpc":"2.0","method":"a","id":1},{"jsonrpc":"2.0","method":"n"}]')), 'json-rpc');
    expect(batch.fields.batch).toBe(true);
    expect(batch.type).toBe('request + notification');
    expect(codes(d.decode(msg('client', '{"jsonrpc":"2.0","id":2}')))).toEqual(['app.jsonrpc-invalid']);
    expect(codes(d.decode(msg('server', '{"jsonrpc":"2.0","result":1,"error":{"code":1,"message":"x"},"id":1}')))).toEqual(['app.jsonrpc-invalid']);
    expect(codes(d.decode(msg('server', '{"jsonrpc":"2.0","result":1,"id":42}')))).toEqual(['app.jsonrpc-unmatched-response']);
    expect(codes(d.decode(msg('client', 'not json')))).toEqual(['app.json-invalid']);
    expect(d.end().map((f) => f.code)).toEqual(['app.jsonrpc-unanswered']);
  });
});

describe('choosing the decoder', () => {
  const run = (s: AppDecoder, ...ms: AppMessage[]): (string | null)[] => ms.map((m) => s.decode(m).info?.decoder ?? null);

  it('by the subprotocol first, then the URL, then the content', () => {
    expect(new AppSession({ target: '/socket.io/?EIO=4', subprotocol: 'v11.stomp' }, 'auto').chosen).toEqual({ name: 'stomp', by: 'subprotocol' });
    expect(new AppSession({ target: '/x/1/abc/websocket', subprotocol: null }, 'auto').chosen).toEqual({ name: 'sockjs', by: 'url' });
    expect(new AppSession({ target: '/socket.io/?EIO=4&transport=websocket', subprotocol: null }, 'auto').chosen).toEqual({ name: 'socket.io', by: 'url' });
    expect(new AppSession({ target: '/mqtt', subprotocol: 'mqtt' }, 'auto').chosen).toEqual({ name: 'mqtt', by: 'subprotocol' });
    expect(new AppSession({ target: '/', subprotocol: 'graphql-ws' }, 'auto').chosen).toEqual({ name: 'graphql-ws', by: 'subprotocol' });
    const byContent = new AppSession({ target: '/', subprotocol: null }, 'auto');
    expect(byContent.chosen).toBeNull();
    expect(run(byContent, msg('client', 'hello'), msg('client', 'CONNECT\naccept-version:1.2\n\n\0'))).toEqual([null, 'stomp']);
    expect(byContent.chosen).toEqual({ name: 'stomp', by: 'content' });
    // decided once: what follows is STOMP, or a STOMP error (a line without its end may go on: told at the end)
    expect(codes(byContent.decode(msg('client', '{"a":1}')))).toEqual([]);
    expect(codes({ findings: byContent.end() })).toEqual(['app.stomp-bad-frame']);
  });

  it('recognises each protocol by its first message', () => {
    const first = (m: AppMessage): string | null => new AppSession({ target: null, subprotocol: null }, 'auto').decode(m).info?.decoder ?? null;
    expect(first(msg('server', '0{"sid":"x","upgrades":[]}'))).toBe('engine.io');
    expect(first(msg('server', 'o'))).toBe('sockjs');
    expect(first(msg('client', mqtt(0x10, [...str('MQTT'), 4, 0x02, 0, 60, ...str('c1')])))).toBe('mqtt');
    expect(first(msg('client', '{"type":"connection_init"}'))).toBe('graphql-transport-ws');
    expect(first(msg('client', '{"jsonrpc":"2.0","method":"a","id":1}'))).toBe('json-rpc');
    expect(first(msg('client', '[1]'))).toBe('json');
    expect(first(msg('client', 'plain words'))).toBeNull();
  });

  it('as forced, or not at all, and gives up after the first messages', () => {
    const forced = new AppSession({ target: '/', subprotocol: 'v12.stomp' }, 'json');
    expect(forced.chosen).toEqual({ name: 'json', by: 'forced' });
    const none = new AppSession({ target: '/', subprotocol: 'v12.stomp' }, 'none');
    expect(run(none, msg('client', 'CONNECT\n\n\0'))).toEqual([null]);
    const late = new AppSession({ target: null, subprotocol: null }, 'auto');
    for (let i = 0; i < SNIFF_MESSAGES; i++) late.decode(msg('client', `line ${i}`));
    expect(run(late, msg('client', '{"a":1}'))).toEqual([null]);
  });
});

describe('the list of protocols (app/protocols.ts)', () => {
  it('is what --app offers, what the JSON schema allows as a decoder, and what the subprotocols choose', async () => {
    const { APP_NAMES, APP_LABELS, PROTOCOLS } = await import('../src/app/protocols.js');
    const { readFileSync } = await import('node:fs');
    // every "decoder" enum of the schema lists exactly the protocols
    const schema = readFileSync('schema/wsdissect.schema.json', 'utf8');
    const enums = [...schema.matchAll(/"decoder": \{\s*"enum": (\[[^\]]*\])/g)].map((m) => JSON.parse(m[1]!) as string[]);
    expect(enums.length).toBe(2);
    for (const e of enums) expect(e).toEqual(APP_NAMES);
    // --app's choices
    const { spawnSync } = await import('node:child_process');
    const help = spawnSync(process.execPath, ['dist/cli.js', '--help'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`"auto", "none", ${APP_NAMES.map((n) => `"${n}"`).join(', ')}`);
    // a label for each, and each subprotocol names one protocol at most
    for (const n of APP_NAMES) expect(APP_LABELS[n]).toBe(PROTOCOLS[n].label);
    for (const p of ['stomp', 'v12.stomp', 'mqtt', 'mqttv3.1', 'graphql-transport-ws', 'graphql-ws', 'json', 'jsonrpc', 'json-rpc', 'jsonrpc-2.0', 'chat', 'soap']) {
      expect(APP_NAMES.filter((n) => PROTOCOLS[n].subprotocol?.(p)).length, p).toBeLessThanOrEqual(1);
    }
    const chosen = (sub: string): string | null => new AppSession({ target: null, subprotocol: sub }, 'auto').chosen?.name ?? null;
    expect(['v11.stomp', 'MQTT', 'graphql-ws', 'JSONRPC', 'chat'].map(chosen)).toEqual(['stomp', 'mqtt', 'graphql-ws', 'json-rpc', null]);
  });
});
