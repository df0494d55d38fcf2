// An application protocol's message in one line (text/app-words.ts): worded
// from the decoder's fields and facts, in English as the JSON export's
// `summary` has always had it, and in Chinese with every word translated but
// what came from the capture and the protocols' own notation.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from './support/analyze.js';
import type { AppInfo } from '../src/app/types.js';
import { appSummary, appText, MAX_SUMMARY } from '../src/text/app-words.js';
import { appJson } from '../src/render/json.js';

/** One reading of every kind whose line says something the fields alone do not: its English and Chinese lines. */
const CASES: [AppInfo, string, string][] = [
  [{ decoder: 'json', type: 'array', user: true, fields: { kind: 'array', length: 1 } }, 'array [1 item]', 'array [1 项]'],
  [{ decoder: 'json', type: 'object', user: true, fields: { kind: 'object', keys: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] } }, 'object {a, b, c, d, e, f, …}', 'object {a, b, c, d, e, f, …}'],
  [{ decoder: 'json', type: 'number', user: true, fields: { kind: 'number' }, facts: { value: '42' } }, 'number 42', 'number 42'],
  [
    { decoder: 'json-rpc', type: 'response + error', user: true, fields: { calls: [{ kind: 'response', id: 'a', method: 'sum', request: { message: 0, packet: 8, method: 'sum', rtt: 0.1 } }, { kind: 'error', id: 2, error: { code: -32601, message: 'Method not found' }, request: null }], batch: true, more: 1 }, facts: { items: 4 } },
    'batch of 4: response id "a" to sum (packet 8); error -32601 "Method not found" id 2 (+1 more)',
    '批量调用，共 4 项：response id "a"，对应第 8 个包里的 sum; error -32601 "Method not found" id 2（另有 1 个）',
  ],
  [{ decoder: 'json-rpc', type: 'notification', user: true, fields: { calls: [{ kind: 'notification', method: 'log' }], batch: false } }, 'notification log', 'notification log'],
  [{ decoder: 'graphql-transport-ws', type: 'subscribe', user: true, fields: { messageType: 'subscribe', id: '1', operation: 'subscription' } }, 'subscribe id 1 subscription (anonymous)', 'subscribe id 1 subscription（匿名）'],
  [{ decoder: 'graphql-transport-ws', type: 'next', user: true, fields: { messageType: 'next', id: '1', operation: 'query', payload: '{}' } }, 'next id 1 (anonymous query) {}', 'next id 1 (匿名 query) {}'],
  [{ decoder: 'sockjs', type: 'open', user: false, fields: { frame: 'open' } }, 'o (open)', 'o（打开）'],
  [{ decoder: 'sockjs', type: 'open', user: false, fields: { frame: 'open', prefix: '/s', server: '000', session: 'ab' } }, 'o (open: server 000, session ab)', 'o（打开：服务器 000，会话 ab）'],
  [{ decoder: 'sockjs', type: 'heartbeat', user: false, fields: { frame: 'heartbeat' } }, 'h (heartbeat)', 'h（心跳）'],
  [{ decoder: 'sockjs', type: 'close', user: false, fields: { frame: 'close', code: 3000, reason: 'Go away!' } }, 'c[3000,"Go away!"] (close)', 'c[3000,"Go away!"]（关闭）'],
  [
    { decoder: 'sockjs', type: 'array', user: true, fields: { frame: 'array', messages: ['1', '2', '3', '4', '5', '6', '7', '8', '9'] }, facts: { count: 70 } },
    'a[70 messages]: "1", "2", "3", "4", "5", "6", "7", "8", …',
    'a[70 条消息]："1", "2", "3", "4", "5", "6", "7", "8", …',
  ],
  [{ decoder: 'sockjs', type: 'message', user: true, fields: { frame: 'message', messages: ['x'] } }, 'm[1 message]: "x"', 'm[1 条消息]："x"'],
  [{ decoder: 'stomp', type: 'partial', user: false, fields: { version: '1.2', frames: [] }, facts: { partial: 29 } }, 'part of a STOMP frame (29 bytes so far)', '帧片段（目前 29 字节）'],
  [
    { decoder: 'stomp', type: 'SEND', user: true, fields: { version: '1.2', frames: [{ command: 'SEND', headers: [['receipt', 'r-1']], body: null, bodyLength: 3 }] }, facts: { unfinished: 7 } },
    'SEND (no destination) (receipt r-1) (3-byte body); (the start of a frame, 7 bytes)',
    'SEND（没有 destination）（要求回执 r-1）（消息体 3 字节）；（下一帧的开头，7 字节）',
  ],
  [{ decoder: 'stomp', type: 'heart-beat', user: false, fields: { version: '1.2', frames: [{ command: 'heart-beat', headers: [], body: null, bodyLength: 0 }] }, facts: { eols: 3 } }, 'heart-beat (3 end-of-lines)', 'heart-beat（3 个换行）'],
  [
    { decoder: 'mqtt', type: 'CONNECT', user: false, fields: { version: '5.0', packets: [{ type: 'CONNECT', clientId: 'c', protocolName: 'MQTT', protocolLevel: 5, keepAlive: 60, cleanStart: true, username: 'u' }] } },
    'CONNECT client "c" (MQTT level 5, keep-alive 60 s, clean, user u)',
    'CONNECT 客户端 "c"（MQTT 级别 5，保活 60 秒，清除会话，用户 u）',
  ],
  [
    { decoder: 'mqtt', type: 'CONNACK + PUBLISH + SUBACK', user: true, fields: { version: '3.1.1', packets: [{ type: 'CONNACK', reason: 'accepted', reasonCode: 0, sessionPresent: true }, { type: 'PUBLISH', topic: 't', qos: 0, payloadBase64: 'AA==', payloadLength: 1 }, { type: 'SUBACK', packetId: 1, codes: [0, 128] }], pending: 3 } },
    'CONNACK accepted (session present); PUBLISH t QoS 0 (1 binary bytes); SUBACK id 1 codes 0, 128; (3 bytes of the next packet)',
    'CONNACK accepted（会话已存在）; PUBLISH t QoS 0（二进制数据 1 字节）; SUBACK id 1 返回码 0, 128；（下一个报文的 3 字节）',
  ],
  [{ decoder: 'mqtt', type: 'partial', user: false, fields: { version: '3.1.1', packets: [] }, facts: { toCome: 900 } }, 'part of an MQTT packet too large to follow (900 bytes of it still to come)', '报文片段：报文太大，不再跟踪（后面还有 900 字节）'],
  [{ decoder: 'mqtt', type: 'partial', user: false, fields: { version: '3.1.1', packets: [], pending: 5 }, facts: { need: 9 } }, 'part of an MQTT packet (5 of 9 bytes so far)', '报文片段（共 9 字节，目前收到 5 字节）'],
  [{ decoder: 'mqtt', type: 'partial', user: false, fields: { version: '3.1.1', packets: [], pending: 5 } }, 'part of an MQTT packet (5 bytes so far)', '报文片段（目前 5 字节）'],
  [{ decoder: 'engine.io', type: 'open', user: false, fields: { version: 4, packet: 'open', sid: 'abc', pingInterval: 25000 } }, 'open (sid abc, ping every 25000 ms)', 'open（sid abc，每 25000 ms ping 一次）'],
  [{ decoder: 'engine.io', type: 'ping', user: false, fields: { version: 4, packet: 'ping', probe: true } }, 'ping probe (testing the WebSocket before the upgrade)', 'ping probe（升级之前先试探这条 WebSocket）'],
  [{ decoder: 'engine.io', type: 'upgrade', user: false, fields: { version: 4, packet: 'upgrade' } }, 'upgrade (the transport switches from polling to this WebSocket)', 'upgrade（传输方式从轮询切换到这条 WebSocket）'],
  [{ decoder: 'engine.io', type: 'message', user: true, fields: { version: 3, packet: 'message', binary: true }, facts: { bytes: 4, base64: true } }, 'message (4 binary bytes, sent as base64 text)', 'message（二进制数据 4 字节，以 base64 文本发送）'],
  [
    { decoder: 'socket.io', type: 'event', user: true, fields: { packet: 'BINARY_EVENT', namespace: '/admin', id: 3, event: 'up', args: '[{"_placeholder":true,"num":0}]', attachments: 2 }, facts: { args: '<binary 0>' } },
    'event /admin "up"(<binary 0>) ack 3 + 2 binary attachments',
    'event /admin "up"(<binary 0>) ack 3 + 2 个二进制附件',
  ],
  [{ decoder: 'socket.io', type: 'attachment', user: true, fields: { packet: 'ATTACHMENT', namespace: '/', id: null, attachment: 0, of: 1, length: 2 }, facts: { announcedBy: 'BINARY_ACK' } }, 'attachment 1 of 1 of BINARY_ACK (2 bytes)', 'BINARY_ACK 的第 1 个附件，共 1 个（2 字节）'],
  [{ decoder: 'socket.io', type: 'connect_error', user: false, fields: { packet: 'CONNECT_ERROR', namespace: '/', id: null, args: '{"message":"no"}' } }, 'connect error / {"message":"no"}', 'connect error / {"message":"no"}'],
];

describe("an application protocol's message in one line", () => {
  it.each(CASES.map(([info, en, zh]) => [appSummary(info), info, en, zh] as const))('%s', (_, info, en, zh) => {
    expect(appSummary(info)).toBe(en);
    expect(appSummary(info, 'zh-CN')).toBe(zh);
  });

  it("words a JSON object from its own keys and kind, whatever the object before it had (the last line is kept for the same keys)", () => {
    const object = (kind: string, keys: string[]): AppInfo => ({ decoder: 'json', type: kind, user: true, fields: { kind, keys } });
    const keys = ['type', 'seq'];
    const lines = [object('object', keys), object('object', [...keys]), object('object', ['type', 'seq', 'x']), object('object', ['type']), object('other', keys), object('object', ['type', 'sez']), object('object', keys)].map((i) => appSummary(i));
    expect(lines).toEqual(['object {type, seq}', 'object {type, seq}', 'object {type, seq, x}', 'object {type}', 'other {type, seq}', 'object {type, sez}', 'object {type, seq}']);
    // a keys array changed after it was worded is worded again from what it holds
    keys[1] = 'changed';
    expect(appSummary(object('object', keys))).toBe('object {type, changed}');
  });

  it('cuts a message of many units to its room, in either language', () => {
    const frames = Array.from({ length: 64 }, (_, i) => ({ command: 'SEND', headers: [['destination', `/queue/${'q'.repeat(20)}${i}`]] as [string, string][], body: null, bodyLength: 0 }));
    const info: AppInfo = { decoder: 'stomp', type: 'SEND', user: true, fields: { version: '1.2', frames, more: 1000 } };
    for (const lang of ['en', 'zh-CN'] as const) expect([...appSummary(info, lang)].length).toBe(MAX_SUMMARY + 1);
  });

  it('exports the English line as `summary`, in its place, for what a message carries too', () => {
    const info: AppInfo = { decoder: 'sockjs', type: 'array', user: true, fields: { frame: 'array', messages: ['x'] }, facts: { count: 1 }, inner: [{ decoder: 'json', type: 'string', user: true, fields: { kind: 'string' }, facts: { value: '"x"' } }] };
    expect(JSON.stringify(appJson(info))).toBe('{"decoder":"sockjs","type":"array","summary":"a[1 message]","user":true,"fields":{"frame":"array","messages":["x"]},"inner":[{"decoder":"json","type":"string","summary":"string \\"x\\"","user":true,"fields":{"kind":"string"}}]}');
    expect(appText(info, 'zh-CN')).toBe('SockJS a[1 条消息] → JSON string "x"');
  });
});

/** Every string a reading holds: what came from the capture. */
function values(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) values(x, out);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) values(x, out);
  return out;
}

/** The protocols' own notation, kept as the wire has it in every language. */
const NOTATION = new Set(['o', 'h', 'a', 'm', 'c', 'id', 'QoS', 'retain', 'dup', 'ack', 'event', 'connect', 'disconnect', 'error', 'probe', 'sid', 'ms', 'ping', 'accept-version', 'host', 'heart-beat', 'version', 'MQTT', 'WebSocket', 'base64', 'destination']);

describe('the Chinese line of every decoded message of the committed captures', () => {
  const files = readdirSync('captures/app').filter((f) => f.endsWith('.pcap'));
  it.each(files)('%s has no English word but the capture\'s and the notation', async (file) => {
    const r = await analyze(`captures/app/${file}`);
    let seen = 0;
    for (const c of r.connections) {
      for (const m of c.messages) {
        const stack = m.app ? [m.app] : [];
        while (stack.length > 0) {
          const info = stack.pop()!;
          stack.push(...(info.inner ?? []));
          seen++;
          // quoted text, and a Socket.IO binary attachment's placeholder (<binary 0>)
          let line = appSummary(info, 'zh-CN').replace(/"(?:[^"\\]|\\.)*"/g, '').replace(/<binary \d+>/g, '');
          // what came from the capture, longest first; the message's types
          for (const v of [...values(info.fields), ...values(info.facts), ...info.type.split(' + ')].sort((a, b) => b.length - a.length)) if (v !== '') line = line.split(v).join('');
          const left = (line.match(/[A-Za-z][A-Za-z-]*/g) ?? []).filter((w) => !NOTATION.has(w));
          expect(left, `${appSummary(info)} → ${appSummary(info, 'zh-CN')}`).toEqual([]);
        }
      }
    }
    expect(seen).toBeGreaterThan(0);
  });
});
