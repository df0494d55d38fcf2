// Messages that break the application protocols' rules one way each: every
// reason a malformed message is reported for, and the MQTT packet too long to
// follow. The decoders are passed in (the module imports none), so the same
// cases run on any build of them.
import type { AppDecoder, AppFinding, AppMessage } from '../../src/app/types.js';
import type { Side } from '../../src/model.js';

export interface AppDecoders {
  stomp: (subprotocol: string | null) => AppDecoder;
  sockjs: (target: string | null) => AppDecoder;
  engineio: (target: string | null, socketIo: boolean) => AppDecoder;
  mqtt: (subprotocol: string | null) => AppDecoder;
  graphql: (protocol: 'graphql-transport-ws' | 'graphql-ws', fixed: boolean) => AppDecoder;
  json: (rpc: boolean, strict: boolean) => AppDecoder;
}

export interface WordCase {
  name: string;
  findings: AppFinding[];
}

type Sent = [Side, string | number[]];

/** What a fresh decoder finds in these messages, then at the connection's end. */
function run(d: AppDecoder, sent: Sent[]): AppFinding[] {
  const out: AppFinding[] = [];
  sent.forEach(([from, p], index) => {
    const payload = typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p);
    const m: AppMessage = { index, from, type: typeof p === 'string' ? 'text' : 'binary', payload, packet: 10 + index, ts: index };
    out.push(...d.decode(m).findings);
  });
  out.push(...d.end());
  return out;
}

const str = (s: string): number[] => [0, s.length, ...Buffer.from(s, 'latin1')];
/** an MQTT packet: its first byte, a one-byte remaining length, its body */
const mqtt = (first: number, body: number[]): number[] => [first, body.length, ...body];
/** CONNECT of MQTT 5 (no properties, an empty client id), which sets the level the packets after it are read at */
const connect5 = mqtt(0x10, [...str('MQTT'), 5, 0x02, 0, 60, 0, ...str('')]);

export function wordCases(d: AppDecoders): WordCase[] {
  const cases: [string, () => AppDecoder, Sent[]][] = [
    // MQTT (MQTT 3.1.1 §2, §3; MQTT 5 §2.2.2)
    ['mqtt remaining length too long', () => d.mqtt(null), [['client', [0x30, 0xff, 0xff, 0xff, 0xff, 0x01]]]],
    ['mqtt remaining length too long, server', () => d.mqtt('mqtt'), [['server', [0x90, 0x80, 0x80, 0x80, 0x80, 0x01]]]],
    ['mqtt ends inside a field', () => d.mqtt(null), [['client', mqtt(0x30, [0, 5, 0x74])]]],
    ['mqtt ends inside the packet identifier', () => d.mqtt(null), [['server', mqtt(0x40, [0])]]],
    ['mqtt ends inside the client identifier', () => d.mqtt(null), [['client', mqtt(0x10, [...str('MQTT'), 4, 0x02, 0, 60, 0])]]],
    ['mqtt property length too long', () => d.mqtt(null), [['client', mqtt(0x10, [...str('MQTT'), 5, 0x02, 0, 60, 0xff, 0xff, 0xff, 0xff])]]],
    ['mqtt topic not UTF-8', () => d.mqtt(null), [['client', mqtt(0x30, [0, 2, 0xff, 0xfe])]]],
    ['mqtt property not UTF-8', () => d.mqtt(null), [['client', connect5], ['client', mqtt(0x30, [...str('t'), 5, 0x03, 0, 2, 0xff, 0xfe])]]],
    ['mqtt property cut', () => d.mqtt(null), [['client', connect5], ['client', mqtt(0x30, [...str('t'), 3, 0x02, 0, 0])]]],
    ['mqtt unknown property', () => d.mqtt(null), [['client', connect5], ['client', mqtt(0x30, [...str('t'), 1, 0x7f])]]],
    ['mqtt properties overrun', () => d.mqtt(null), [['client', connect5], ['client', mqtt(0x30, [...str('t'), 1, 0x01, 0x01])]]],
    ['mqtt reserved type', () => d.mqtt(null), [['client', [0x00, 0x00]]]],
    ['mqtt fixed-header flags', () => d.mqtt(null), [['client', mqtt(0x80, [0, 1, ...str('t'), 0])]]],
    ['mqtt reserved connect flag', () => d.mqtt(null), [['client', mqtt(0x10, [...str('MQTT'), 4, 0x03, 0, 60, ...str('c')])]]],
    ['mqtt QoS 3', () => d.mqtt(null), [['client', mqtt(0x36, [...str('t'), 0, 1])]]],
    ['mqtt subscribes to nothing', () => d.mqtt(null), [['client', mqtt(0x82, [0, 1])]]],
    ['mqtt unsubscribes from nothing', () => d.mqtt(null), [['client', mqtt(0xa2, [0, 1])]]],
    ['mqtt AUTH before 5', () => d.mqtt(null), [['server', mqtt(0xf0, [])]]],
    ['mqtt bytes left', () => d.mqtt(null), [['client', mqtt(0xc0, [0, 0])]]],
    ['mqtt packet too long to follow', () => d.mqtt(null), [['client', [0x30, 0x80, 0x80, 0x80, 0x08, 0, 1, 0x74]]]],
    // SockJS (SockJS protocol 0.3.3 §Framing)
    ['sockjs binary', () => d.sockjs(null), [['server', [1, 2]]]],
    ['sockjs client not strings', () => d.sockjs(null), [['client', 'hello']]],
    ['sockjs open with data', () => d.sockjs(null), [['server', 'ox']]],
    ['sockjs heartbeat with data', () => d.sockjs(null), [['server', 'hh']]],
    ['sockjs array not strings', () => d.sockjs(null), [['server', 'a{"no":1}']]],
    ['sockjs message not a string', () => d.sockjs(null), [['server', 'm[1]']]],
    ['sockjs close not a pair', () => d.sockjs(null), [['server', 'c[3000]']]],
    ['sockjs unknown frame', () => d.sockjs(null), [['server', 'x'.repeat(60)]]],
    // GraphQL over WebSocket
    ['graphql binary', () => d.graphql('graphql-transport-ws', true), [['client', [0x7b, 0x7d]]]],
    ['graphql not JSON', () => d.graphql('graphql-ws', true), [['client', 'not json']]],
    ['graphql not typed', () => d.graphql('graphql-transport-ws', true), [['client', '[1]']]],
    ['graphql unknown type', () => d.graphql('graphql-transport-ws', true), [['client', '{"type":"start","id":"1"}']]],
    ['graphql wrong side', () => d.graphql('graphql-transport-ws', true), [['server', '{"type":"subscribe","id":"2","payload":{"query":"{ a }"}}']]],
    ['graphql no id', () => d.graphql('graphql-ws', false), [['client', '{"type":"start","payload":{"query":"{ a }"}}']]],
    // JSON and JSON-RPC 2.0
    ['json invalid', () => d.json(false, true), [['client', '{"a":']]],
    ['json-rpc invalid JSON', () => d.json(true, true), [['client', 'not json']]],
    ['json-rpc empty batch', () => d.json(true, true), [['client', '[]']]],
    ['json-rpc not JSON-RPC', () => d.json(true, true), [['client', '[1,{"jsonrpc":"1.0"}]']]],
    ['json-rpc id type', () => d.json(true, true), [['client', '{"jsonrpc":"2.0","id":{"a":1},"method":"m"}']]],
    ['json-rpc method not a string', () => d.json(true, true), [['client', '{"jsonrpc":"2.0","id":1,"method":7}']]],
    ['json-rpc request with a result', () => d.json(true, true), [['client', '{"jsonrpc":"2.0","id":1,"method":"sum","result":3}']]],
    ['json-rpc result and error', () => d.json(true, true), [['server', '{"jsonrpc":"2.0","result":1,"error":{"code":1,"message":"x"},"id":1}']]],
    ['json-rpc neither', () => d.json(true, true), [['client', '{"jsonrpc":"2.0","id":2}']]],
    ['json-rpc response without id', () => d.json(true, true), [['server', '{"jsonrpc":"2.0","result":1}']]],
    ['json-rpc error object', () => d.json(true, true), [['server', '{"jsonrpc":"2.0","error":{"code":"x"},"id":1}']]],
    // Engine.IO and Socket.IO
    ['engine.io 3 binary first byte', () => d.engineio('/socket.io/?EIO=3&transport=websocket', true), [['client', [9]]]],
    ['engine.io 3 binary empty', () => d.engineio('/socket.io/?EIO=3&transport=websocket', true), [['client', []]]],
    ['engine.io unknown type', () => d.engineio(null, true), [['server', '9nope']]],
    ['engine.io open without sid', () => d.engineio(null, true), [['server', '0{"no":"sid"}']]],
    ['socket.io not an array', () => d.engineio(null, true), [['client', '42{"not":"an array"}']]],
    ['socket.io cut', () => d.engineio(null, true), [['client', '42["chat",']]],
    ['socket.io no count', () => d.engineio(null, true), [['client', '45["no count"]']]],
    ['socket.io unknown type', () => d.engineio(null, true), [['client', '49["x"]']]],
    ['socket.io ack not an array', () => d.engineio(null, true), [['server', '43{"a":1}']]],
    ['socket.io ack without id', () => d.engineio(null, true), [['server', '43[1]']]],
    // STOMP 1.2
    ['stomp no end of line', () => d.stomp('v12.stomp'), [['client', 'SEND']]],
    ['stomp unknown command', () => d.stomp('v12.stomp'), [['client', 'BOGUS\n\n\0']]],
    ['stomp cut in its headers', () => d.stomp('v12.stomp'), [['client', 'SEND\ndestination:/q\n']]],
    ['stomp header without colon', () => d.stomp('v12.stomp'), [['client', 'SEND\ndestination\n\n\0']]],
    ['stomp content-length, body short', () => d.stomp('v12.stomp'), [['client', 'SEND\ncontent-length:50\n\nabc']]],
    ['stomp content-length, body longer', () => d.stomp('v12.stomp'), [['client', 'SEND\ncontent-length:1\n\nabc\0']]],
    ['stomp content-length, no NUL', () => d.stomp('v12.stomp'), [['client', 'SEND\ncontent-length:1\n\nabc']]],
    ['stomp no NUL', () => d.stomp('v12.stomp'), [['client', 'SEND\ndestination:/q\n\nabc']]],
  ];
  return cases.map(([name, make, sent]) => ({ name, findings: run(make(), sent) }));
}
