// The application protocols' findings on malformed messages are told from
// their facts: in English word for word as they always were, and in Chinese
// with no English sentence left in them (what stays in Latin letters is the
// capture's own text, the parsers' own words, and the names of protocols,
// packet types and fields).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { StompDecoder } from '../src/app/stomp.js';
import { SockJsDecoder } from '../src/app/sockjs.js';
import { EngineIoDecoder } from '../src/app/engineio.js';
import { MqttDecoder } from '../src/app/mqtt.js';
import { GraphQlDecoder } from '../src/app/graphql.js';
import { JsonDecoder } from '../src/app/json.js';
import { diagnosticText } from '../src/text/diagnostics.js';
import { diagnosticTextZh } from '../src/text/zh-CN/diagnostics.js';
import { wordCases } from './support/app-word-cases.js';

const inner = { decode: () => ({ info: null, findings: [] }), skip: () => {}, end: () => [] };
const CASES = wordCases({
  stomp: (s) => new StompDecoder(s),
  sockjs: (t) => new SockJsDecoder(t, inner),
  engineio: (t, s) => new EngineIoDecoder(t, s),
  mqtt: (s) => new MqttDecoder(s),
  graphql: (p, f) => new GraphQlDecoder(p, f),
  json: (r, s) => new JsonDecoder(r, s),
});

/** Each case's findings ("code: message"), as the decoders worded them where they were raised. */
const ENGLISH: [string, string[]][] = [
  ["mqtt remaining length too long", ["app.mqtt-bad-packet: a malformed MQTT PUBLISH packet from the client: its remaining length is longer than 4 bytes; the client's packets are not decoded further"]],
  ["mqtt remaining length too long, server", ["app.mqtt-bad-packet: a malformed MQTT SUBACK packet from the server: its remaining length is longer than 4 bytes; the server's packets are not decoded further"]],
  ["mqtt ends inside a field", ["app.mqtt-bad-packet: a malformed MQTT PUBLISH packet from the client: it ends inside its topic name"]],
  ["mqtt ends inside the packet identifier", ["app.mqtt-bad-packet: a malformed MQTT PUBACK packet from the server: it ends inside its packet identifier"]],
  ["mqtt ends inside the client identifier", ["app.mqtt-bad-packet: a malformed MQTT CONNECT packet from the client: it ends inside its client identifier"]],
  ["mqtt property length too long", ["app.mqtt-bad-packet: a malformed MQTT CONNECT packet from the client: its property length is a variable byte integer longer than 4 bytes"]],
  ["mqtt topic not UTF-8", ["app.mqtt-bad-packet: a malformed MQTT PUBLISH packet from the client: its topic name is not UTF-8"]],
  ["mqtt property not UTF-8", ["app.mqtt-bad-packet: a malformed MQTT PUBLISH packet from the client: its contentType is not UTF-8"]],
  ["mqtt property cut", ["app.mqtt-bad-packet: a malformed MQTT PUBLISH packet from the client: it ends inside its messageExpiryInterval"]],
  ["mqtt unknown property", ["app.mqtt-bad-packet: a malformed MQTT PUBLISH packet from the client: it has an unknown property identifier 0x7f"]],
  ["mqtt properties overrun", ["app.mqtt-bad-packet: a malformed MQTT PUBLISH packet from the client: its properties overrun their length"]],
  ["mqtt reserved type", ["app.mqtt-bad-packet: a malformed MQTT reserved packet from the client: packet type 0 is reserved"]],
  ["mqtt fixed-header flags", ["app.mqtt-bad-packet: a malformed MQTT SUBSCRIBE packet from the client: its fixed-header flags are 0000, not 0010"]],
  ["mqtt reserved connect flag", ["app.mqtt-bad-packet: a malformed MQTT CONNECT packet from the client: its reserved connect flag is set"]],
  ["mqtt QoS 3", ["app.mqtt-bad-packet: a malformed MQTT PUBLISH packet from the client: its QoS is 3"]],
  ["mqtt subscribes to nothing", ["app.mqtt-bad-packet: a malformed MQTT SUBSCRIBE packet from the client: it subscribes to no topic"]],
  ["mqtt unsubscribes from nothing", ["app.mqtt-bad-packet: a malformed MQTT UNSUBSCRIBE packet from the client: it unsubscribes from no topic"]],
  ["mqtt AUTH before 5", ["app.mqtt-bad-packet: a malformed MQTT AUTH packet from the server: AUTH exists only in MQTT 5"]],
  ["mqtt bytes left", ["app.mqtt-bad-packet: a malformed MQTT PINGREQ packet from the client: 2 bytes are left after its fields"]],
  ["mqtt packet too long to follow", ["limit.payload: an MQTT PUBLISH packet of 16777221 bytes from the client: more than the 16777216 followed across messages, so it is passed over undecoded"]],
  ["sockjs binary", ["app.sockjs-bad-frame: a binary message from the server; SockJS frames are text: \"\\u0001\\u0002\""]],
  ["sockjs client not strings", ["app.sockjs-bad-frame: a SockJS client message that is not a JSON array of strings: \"hello\""]],
  ["sockjs open with data", ["app.sockjs-bad-frame: a SockJS open frame with data after the \"o\": \"ox\""]],
  ["sockjs heartbeat with data", ["app.sockjs-bad-frame: a SockJS heartbeat frame with data after the \"h\": \"hh\""]],
  ["sockjs array not strings", ["app.sockjs-bad-frame: a SockJS \"a\" frame whose data is not a JSON array of strings: \"a{\\\"no\\\":1}\""]],
  ["sockjs message not a string", ["app.sockjs-bad-frame: a SockJS \"m\" frame whose data is not a JSON string: \"m[1]\""]],
  ["sockjs close not a pair", ["app.sockjs-bad-frame: a SockJS close frame whose data is not [code, \"reason\"]: \"c[3000]\""]],
  ["sockjs unknown frame", ["app.sockjs-bad-frame: not a SockJS frame (o, h, a, m or c): \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…\""]],
  ["graphql binary", ["app.graphql-bad-message: a binary message from the client; graphql-transport-ws messages are JSON text: \"{}\""]],
  ["graphql not JSON", ["app.graphql-bad-message: a graphql-ws message that is not JSON: \"not json\""]],
  ["graphql not typed", ["app.graphql-bad-message: a graphql-transport-ws message that is not an object with a string \"type\": \"[1]\""]],
  ["graphql unknown type", ["app.graphql-bad-message: \"start\" is not a graphql-transport-ws message type: \"{\\\"type\\\":\\\"start\\\",\\\"id\\\":\\\"1\\\"}\""]],
  ["graphql wrong side", ["app.graphql-bad-message: the server sent \"subscribe\", which only the client sends in graphql-transport-ws"]],
  ["graphql no id", ["app.graphql-bad-message: a graphql-ws \"start\" message without an id"]],
  ["json invalid", ["app.json-invalid: a text message that is not valid JSON (Unexpected end of JSON input): \"{\\\"a\\\":\""]],
  ["json-rpc invalid JSON", ["app.json-invalid: a text message that is not valid JSON (Unexpected token 'o', \"not json\" is not valid JSON): \"not json\""]],
  ["json-rpc empty batch", ["app.jsonrpc-invalid: an empty JSON-RPC batch"]],
  ["json-rpc not JSON-RPC", ["app.jsonrpc-invalid: a JSON-RPC message that is not an object with \"jsonrpc\": \"2.0\": 1", "app.jsonrpc-invalid: a JSON-RPC message that is not an object with \"jsonrpc\": \"2.0\": {\"jsonrpc\":\"1.0\"}"]],
  ["json-rpc id type", ["app.jsonrpc-invalid: a JSON-RPC id that is not a string, number or null: {\"a\":1}", "app.jsonrpc-unanswered: the client's JSON-RPC request m (id [object Object], packet 10) got no response before the connection ended"]],
  ["json-rpc method not a string", ["app.jsonrpc-invalid: a JSON-RPC request whose method is not a string"]],
  ["json-rpc request with a result", ["app.jsonrpc-invalid: a JSON-RPC request (sum) that also carries a result or an error"]],
  ["json-rpc result and error", ["app.jsonrpc-invalid: a JSON-RPC response with both a result and an error"]],
  ["json-rpc neither", ["app.jsonrpc-invalid: a JSON-RPC object with neither a method, a result nor an error"]],
  ["json-rpc response without id", ["app.jsonrpc-invalid: a JSON-RPC response without an id"]],
  ["json-rpc error object", ["app.jsonrpc-invalid: a JSON-RPC error object without a numeric code and a string message", "app.jsonrpc-unmatched-response: a JSON-RPC response with id 1, which no request from the client is waiting for"]],
  ["engine.io 3 binary first byte", ["app.engineio-bad-packet: a binary Engine.IO 3 message whose first byte is 9, not 4 (message)"]],
  ["engine.io 3 binary empty", ["app.engineio-bad-packet: a binary Engine.IO 3 message whose first byte is missing, not 4 (message)"]],
  ["engine.io unknown type", ["app.engineio-bad-packet: an Engine.IO packet of unknown type: \"9nope\""]],
  ["engine.io open without sid", ["app.engineio-bad-packet: an Engine.IO open packet whose data is not a handshake object with a sid: \"{\\\"no\\\":\\\"sid\\\"}\""]],
  ["socket.io not an array", ["app.socketio-bad-packet: the Socket.IO packet in Engine.IO message \"42{\\\"not\\\":\\\"an array\\\"}\" does not parse: an EVENT whose data is not an array starting with the event name"]],
  ["socket.io cut", ["app.socketio-bad-packet: the Socket.IO packet in Engine.IO message \"42[\\\"chat\\\",\" does not parse: its data is not JSON"]],
  ["socket.io no count", ["app.socketio-bad-packet: the Socket.IO packet in Engine.IO message \"45[\\\"no count\\\"]\" does not parse: a BINARY_EVENT without its count of attachments"]],
  ["socket.io unknown type", ["app.socketio-bad-packet: the Socket.IO packet in Engine.IO message \"49[\\\"x\\\"]\" does not parse: type \"9\" is not 0-6"]],
  ["socket.io ack not an array", ["app.socketio-bad-packet: the Socket.IO packet in Engine.IO message \"43{\\\"a\\\":1}\" does not parse: an ACK whose data is not an array"]],
  ["socket.io ack without id", ["app.socketio-bad-packet: the Socket.IO packet in Engine.IO message \"43[1]\" does not parse: an ACK without an id"]],
  ["stomp no end of line", ["app.stomp-bad-frame: STOMP frame \"SEND\" has no end of line after its command"]],
  ["stomp unknown command", ["app.stomp-bad-frame: \"BOGUS\" is not a STOMP command"]],
  ["stomp cut in its headers", ["app.stomp-bad-frame: STOMP SEND frame ends in its headers (no blank line before the body)"]],
  ["stomp header without colon", ["app.stomp-bad-frame: STOMP SEND frame has a header line without a colon: \"destination\""]],
  ["stomp content-length, body short", ["app.stomp-content-length: STOMP SEND frame says content-length 50, but only 3 bytes of its body came"]],
  ["stomp content-length, body longer", ["app.stomp-content-length: STOMP SEND frame says content-length 1, but its body is 3 bytes"]],
  ["stomp content-length, no NUL", ["app.stomp-content-length: STOMP SEND frame says content-length 1, but its body is 3 bytes with no NUL after it"]],
  ["stomp no NUL", ["app.stomp-no-null: STOMP SEND frame is not terminated by a NUL byte"]],
];

/** The codes whose sentences are made from facts now, not where they are raised. */
const CONVERTED = new Set(['app.mqtt-bad-packet', 'limit.payload', 'app.sockjs-bad-frame', 'app.graphql-bad-message', 'app.json-invalid', 'app.jsonrpc-invalid', 'app.engineio-bad-packet', 'app.socketio-bad-packet', 'app.stomp-bad-frame', 'app.stomp-content-length', 'app.stomp-no-null']);

/** Every string among the facts' values: they are quoted as they came, in whatever language they are. */
function values(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => (k === 'code' ? [] : values(x)));
  return [];
}

describe('the application protocols\' malformed messages, told from their facts', () => {
  it('are worded in English exactly as before', () => {
    expect(CASES.map((c) => c.name)).toEqual(ENGLISH.map(([name]) => name));
    for (const [i, c] of CASES.entries()) {
      expect(c.findings.map((f) => `${f.code}: ${f.message}`), c.name).toEqual(ENGLISH[i]![1]);
      for (const f of c.findings) {
        expect(f.facts, c.name).toBeDefined();
        expect(diagnosticText(f.facts!), c.name).toBe(f.message);
      }
    }
  });

  it('cover every code and every way each is broken', () => {
    const seen = new Set(CASES.flatMap((c) => c.findings.map((f) => f.code)).filter((code) => CONVERTED.has(code)));
    expect([...seen].sort()).toEqual([...CONVERTED].sort());
    const problems = new Set(CASES.flatMap((c) => c.findings.map((f) => `${f.code} ${(f.facts as { problem?: string } | undefined)?.problem ?? ''}`)));
    for (const p of ['binary-type', 'unknown-type', 'open-without-sid']) expect(problems).toContain(`app.engineio-bad-packet ${p}`);
    expect([...problems].filter((p) => p.startsWith('app.mqtt-bad-packet')).length).toBe(14);
    expect([...problems].filter((p) => p.startsWith('app.jsonrpc-invalid')).length).toBe(9);
    expect([...problems].filter((p) => p.startsWith('app.sockjs-bad-frame')).length).toBe(8);
    expect([...problems].filter((p) => p.startsWith('app.graphql-bad-message')).length).toBe(6);
    expect([...problems].filter((p) => p.startsWith('app.stomp-bad-frame')).length).toBe(4);
    const sio = new Set(CASES.flatMap((c) => c.findings.filter((f) => f.code === 'app.socketio-bad-packet').map((f) => (f.facts as { problem: { why: string } }).problem.why)));
    expect([...sio].sort()).toEqual(['no-attachments', 'no-id', 'not-array', 'not-event-array', 'not-json', 'type']);
  });

  it('are said in Chinese with no English sentence left', () => {
    for (const c of CASES) {
      for (const f of c.findings.filter((x) => CONVERTED.has(x.code))) {
        const zh = diagnosticTextZh(f.facts!);
        expect(zh, c.name).toMatch(/[\u4e00-\u9fff]/);
        expect(zh, c.name).not.toBe(f.message);
        // without the values quoted from the capture or from a parser, and the quoted names of the protocols' own words
        let rest = zh;
        for (const v of values(f.facts).sort((a, b) => b.length - a.length)) if (v !== '') rest = rest.replaceAll(JSON.stringify(v), ' ').replaceAll(v, ' ');
        rest = rest.replace(/"[^"]*"/g, ' ');
        expect(rest, `${c.name}: ${zh}`).not.toMatch(/[A-Za-z]+ [A-Za-z]+ [A-Za-z]+/);
        expect(rest, `${c.name}: ${zh}`).not.toMatch(/\b(the|is|not|of|an|with|from|that|whose|its|it|are|has|no|only|after|bytes|packet|frame)\b/i);
      }
    }
  });

  it('say an MQTT field in Chinese, and an MQTT 5 property by its name', () => {
    const zh = (name: string): string => diagnosticTextZh(CASES.find((c) => c.name === name)!.findings[0]!.facts!);
    expect(zh('mqtt ends inside a field')).toBe('来自客户端的一个格式错误的 MQTT PUBLISH 包：它在主题名的中间就结束了');
    expect(zh('mqtt property not UTF-8')).toBe('来自客户端的一个格式错误的 MQTT PUBLISH 包：它的属性 contentType 不是合法的 UTF-8');
    expect(zh('mqtt remaining length too long, server')).toBe('来自服务器的一个格式错误的 MQTT SUBACK 包：它的剩余长度超过 4 字节；服务器之后的包不再解码');
    expect(zh('sockjs open with data')).toBe('一个在 "o" 之后还带有数据的 SockJS 打开帧："ox"');
  });

  it('are said in Chinese by --explain --lang zh-CN on the captures that break them', () => {
    for (const code of [...CONVERTED].filter((c) => c.startsWith('app.'))) {
      const run = (lang: string): string[] =>
        spawnSync(process.execPath, ['dist/cli.js', '--explain', '--lang', lang, '--width', '10000', `captures/violations/${code}.pcap`], { encoding: 'utf8' })
          .stdout.split('\n')
          .filter((l) => l.includes(` ${code}`) && /^ {2}\S/.test(l));
      const zh = run('zh-CN');
      expect(zh.length, code).toBeGreaterThan(0);
      expect(zh.length, code).toBe(run('en').length);
      for (const line of zh) {
        const said = line.slice(line.indexOf('：') + 1).replace(/——见 .*$/, '');
        expect(said, line).toMatch(/[\u4e00-\u9fff]/);
        // the capture's text is quoted, the parsers' own words follow their place: what is left is Chinese
        const rest = said.replace(/"(?:[^"\\]|\\.)*"/g, ' ').replace(/（Unexpected[^）]*）/, ' ').replace(/无法解析：.*$/, '无法解析');
        expect(rest, line).not.toMatch(/[A-Za-z]+ [A-Za-z]+ [A-Za-z]+/);
        expect(rest, line).not.toMatch(/\b(the|is|not|of|an|with|from|that|whose|its|it|are|has|no|only|after|bytes|packet|frame)\b/i);
      }
    }
  }, 60_000);
});
