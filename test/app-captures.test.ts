// The application protocols on real recordings (captures/app/, made by
// captures/gen/app/ with npm implementations: stomp-broker-js and
// @stomp/stompjs, sockjs, socket.io 4 and 2, aedes and MQTT.js, graphql-ws,
// subscriptions-transport-ws, rpc-websockets): each is recognised by itself,
// each message summarised as its protocol means it, the framework's traffic
// told apart from the application's own data; golden walkthrough and JSON.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Message } from '../src/model.js';
import type { Held as Connection } from './support/analyze.js';
import type { AppInfo } from '../src/app/types.js';
import { analyze } from './support/analyze.js';
import { renderJson, renderTerminal } from './support/render.js';
import { schemaErrors } from './support/schema.js';
import { expectGolden } from './support/golden.js';
import { renderStats } from '../src/render/stats.js';
import { renderTranscript } from '../src/render/transcript.js';
import { PLAIN } from '../src/render/options.js';
import { DEFAULT_OPTIONS } from '../src/index.js';
import { Conversation, MASK, upgradeRequest, upgradeResponse, wsFrame } from './support/pcap.js';

const DIR = 'captures/app';
const CAPTURES = readdirSync(DIR).filter((f) => f.endsWith('.pcap')).sort();

describe.each(CAPTURES)('%s', (file) => {
  const path = `${DIR}/${file}`;
  const base = file.replace(/\.pcap$/, '');

  it('prints the golden walkthrough', async () => {
    expectGolden(`test/golden/app/${base}.txt`, await renderTerminal(path));
  });

  it('exports golden JSON that the schema accepts', async () => {
    const doc = await renderJson(path);
    expect(schemaErrors(doc)).toEqual([]);
    expectGolden(`test/golden/app/${base}.json`, `${JSON.stringify(doc, null, 2)}\n`);
  });

  it('is a clean conversation: no diagnostic of its application protocol, every message decoded', async () => {
    const r = await analyze(path);
    const ws = r.connections.filter((c) => c.websocket);
    expect(ws).toHaveLength(1);
    const conn = ws[0]!;
    expect(conn.diagnostics.filter((d) => d.code.startsWith('app.'))).toEqual([]);
    expect(conn.messages.filter((m) => m.app === null)).toEqual([]);
  });

  it('is listed in captures/README.md', () => {
    expect(readFileSync('captures/README.md', 'utf8')).toContain(`app/${file}`);
  });
});

async function writeTemp(bytes: Buffer): Promise<string> {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = `${mkdtempSync(`${tmpdir()}/wsdissect-app-`)}/c.pcap`;
  writeFileSync(path, bytes);
  return path;
}

async function conversation(file: string): Promise<Connection> {
  const r = await analyze(`${DIR}/${file}`);
  return r.connections.find((c) => c.websocket)!;
}

/** "c STOMP SEND" per message: the sender and the units its protocol names. */
function units(info: AppInfo): string[] {
  if (info.inner) return info.inner.flatMap(units);
  switch (info.decoder) {
    case 'stomp':
      return info.fields.frames.map((f) => f.command);
    case 'mqtt':
      return info.fields.packets.map((p) => p.type);
    case 'socket.io':
      return [info.fields.event !== undefined && info.type === 'event' ? `event ${info.fields.event}` : info.type];
    default:
      return [info.type];
  }
}
const sequence = (conn: Connection): string[] => conn.messages.map((m) => `${m.from === 'client' ? 'C' : 'S'} ${units(m.app!).join('+')}`);
const userMessages = (conn: Connection): Message[] => conn.messages.filter((m) => m.app?.user);

describe('STOMP over a raw WebSocket (stomp-broker-js, @stomp/stompjs)', () => {
  it('is chosen by its subprotocol and names every frame; only SEND and MESSAGE are the application\'s', async () => {
    const c = await conversation('stomp_ws.pcap');
    expect(c.app).toEqual({ decoder: 'stomp', chosenBy: 'subprotocol' });
    expect(c.handshake!.subprotocol).toBe('v12.stomp');
    expect(sequence(c)).toEqual(['C CONNECT', 'S CONNECTED', 'C SUBSCRIBE', 'C SEND', 'S MESSAGE', 'C SEND', 'S MESSAGE', 'C heart-beat', 'C heart-beat', 'C UNSUBSCRIBE', 'C DISCONNECT', 'S RECEIPT']);
    expect(userMessages(c).map((m) => units(m.app!)[0])).toEqual(['SEND', 'MESSAGE', 'SEND', 'MESSAGE']);
    const send = c.messages[3]!.app as Extract<AppInfo, { decoder: 'stomp' }>;
    expect(send.fields.frames[0]).toMatchObject({ command: 'SEND', body: '{"name":"Ada"}', bodyLength: 14 });
    expect(send.fields.frames[0]!.headers).toContainEqual(['destination', '/app/hello']);
    // the broker answered version 1.1 to a v12.stomp offer: the decoder follows CONNECTED
    expect((c.messages[1]!.app as Extract<AppInfo, { decoder: 'stomp' }>).fields.version).toBe('1.1');
  });

  it('counts messages per STOMP command in --stats', async () => {
    const c = await conversation('stomp_ws.pcap');
    expect(c.counts.client.app).toEqual({ 'stomp CONNECT': 1, 'stomp SUBSCRIBE': 1, 'stomp SEND': 2, 'stomp heart-beat': 2, 'stomp UNSUBSCRIBE': 1, 'stomp DISCONNECT': 1 });
    expect(c.counts.server.app).toEqual({ 'stomp CONNECTED': 1, 'stomp MESSAGE': 2, 'stomp RECEIPT': 1 });
    const stats = renderStats(c, { ...PLAIN, width: 120 });
    expect(stats).toMatch(/│ stomp SEND +│ +2 │ +0 │/);
    expect(stats).toContain('Application protocol │ STOMP (recognised by the subprotocol)');
  });
});

describe('STOMP over SockJS (sockjs, sockjs-client, @stomp/stompjs)', () => {
  it('shows the /info request, the SockJS URL and framing, and the STOMP frames inside', async () => {
    const r = await analyze(`${DIR}/sockjs_stomp.pcap`);
    const info = r.connections.find((c) => !c.websocket)!;
    expect(info.timeline.some((e) => /^GET \/stomp\/info HTTP\/1\.1 \(SockJS.s info request if a SockJS client sent it/.test(e.summary))).toBe(true);
    const c = r.connections.find((x) => x.websocket)!;
    expect(c.app).toEqual({ decoder: 'sockjs', chosenBy: 'url' });
    expect(c.messages[0]!.app).toMatchObject({ decoder: 'sockjs', type: 'open', user: false, fields: { frame: 'open', prefix: '/stomp', server: '042', session: 'stompsession1' } });
    expect(c.messages.map((m) => `${m.from === 'client' ? 'C' : 'S'} ${m.app!.type}${m.app!.inner ? ` ${units(m.app!).join('+')}` : ''}`)).toEqual([
      'S open',
      'C send CONNECT',
      'S array CONNECTED',
      'C send SUBSCRIBE',
      'C send SEND',
      'S array MESSAGE',
      'C send UNSUBSCRIBE',
      'C send DISCONNECT',
      'S array RECEIPT',
      'S close',
    ]);
  });

  it('tells the framework\'s frames and the user\'s message apart, packet by packet', async () => {
    const c = await conversation('sockjs_stomp.pcap');
    expect(userMessages(c).map((m) => units(m.app!)[0])).toEqual(['SEND', 'MESSAGE']);
    const send = c.timeline.find((e) => e.summary.includes('STOMP SEND'))!;
    expect(send.summary).toMatch(/— SockJS \[1 message\] → STOMP SEND \/app\/hello \{"name":"Ada"\} \(application data\)$/);
    const connect = c.timeline.find((e) => e.summary.includes('STOMP CONNECT '))!;
    expect(connect.summary).toMatch(/\(framework\)$/);
    const out = await renderTerminal(`${DIR}/sockjs_stomp.pcap`);
    expect(out).toMatch(/The messages are SockJS \(recognised by the URL\); the framework's traffic is SockJS open \(packet \d+\), STOMP CONNECT/);
    expect(out).toMatch(/the application's own data is STOMP SEND \(packet \d+\), STOMP MESSAGE \(packet \d+\)\./);
  });
});

describe('Socket.IO 4 over Engine.IO 4 (socket.io, socket.io-client)', () => {
  it('is chosen by its URL and reads the probe, the upgrade, events, acks, namespaces and a binary attachment', async () => {
    const r = await analyze(`${DIR}/socketio.pcap`);
    // the polling requests before the upgrade are on their own connections
    const polling = r.connections.filter((c) => !c.websocket);
    expect(polling.length).toBeGreaterThan(0);
    for (const p of polling) expect(p.timeline.some((e) => e.summary.includes('(Engine.IO long-polling'))).toBe(true);
    const c = r.connections.find((x) => x.websocket)!;
    expect(c.app).toEqual({ decoder: 'socket.io', chosenBy: 'url' });
    expect(sequence(c)).toEqual([
      'C ping',
      'S pong',
      'C upgrade',
      'C event chat message',
      'C event add',
      'S ack',
      'C event upload',
      'C attachment',
      'S event news',
      'C connect',
      'S connect',
      'C event stats',
      'S event stats',
      'S ping',
      'C pong',
      'S ping',
      'C pong',
      'C disconnect',
      'C disconnect',
    ]);
    const probe = c.messages[0]!.app as Extract<AppInfo, { decoder: 'engine.io' }>;
    expect(probe.fields).toEqual({ version: 4, packet: 'ping', probe: true });
    const add = c.messages[4]!.app!.inner![0] as Extract<AppInfo, { decoder: 'socket.io' }>;
    expect(add.fields).toMatchObject({ packet: 'EVENT', event: 'add', args: '[2,3]', id: 0 });
    expect((c.messages[5]!.app!.inner![0] as Extract<AppInfo, { decoder: 'socket.io' }>).fields).toMatchObject({ packet: 'ACK', id: 0, args: '[5]' });
    const upload = c.messages[6]!.app!.inner![0] as Extract<AppInfo, { decoder: 'socket.io' }>;
    expect(upload.fields).toMatchObject({ packet: 'BINARY_EVENT', event: 'upload', attachments: 1 });
    expect(c.messages[7]!.type).toBe('binary');
    expect(c.messages[7]!.app!.inner![0]!.fields).toMatchObject({ packet: 'ATTACHMENT', event: 'upload', attachment: 0, of: 1, length: 5 });
    expect((c.messages[11]!.app!.inner![0] as Extract<AppInfo, { decoder: 'socket.io' }>).fields.namespace).toBe('/admin');
    expect(c.counts.client.app['socket.io event "chat message"']).toBe(1);
    expect(c.counts.server.app['engine.io ping']).toBe(2);
  });

  it('reads Engine.IO 3 (Socket.IO 2): pings from the client, binary with its type byte', async () => {
    const c = await conversation('socketio_v2.pcap');
    expect(c.handshake!.request.target).toContain('EIO=3');
    expect(c.messages.every((m) => (m.app as Extract<AppInfo, { decoder: 'engine.io' }>).fields.version === 3)).toBe(true);
    expect(sequence(c).filter((s) => /ping|pong/.test(s))).toEqual(['C ping', 'S pong', 'C ping', 'S pong', 'C ping', 'S pong']);
    const attachment = c.messages.find((m) => m.type === 'binary')!;
    expect(attachment.payload[0]).toBe(4);
    expect(attachment.app!.inner![0]!.fields).toMatchObject({ packet: 'ATTACHMENT', event: 'upload', length: attachment.payload.length - 1 });
  });
});

describe('MQTT over WebSocket (aedes, MQTT.js)', () => {
  it('3.1.1: every packet type and field of the conversation, QoS 0, 1 and 2 flows', async () => {
    const c = await conversation('mqtt_v311.pcap');
    expect(c.app).toEqual({ decoder: 'mqtt', chosenBy: 'subprotocol' });
    const packets = c.messages.flatMap((m) => (m.app as Extract<AppInfo, { decoder: 'mqtt' }>).fields.packets);
    expect(packets[0]).toMatchObject({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, keepAlive: 1 });
    expect(packets.filter((p) => p.type === 'PUBLISH').map((p) => [p.topic, p.qos, p.payload])).toEqual([
      ['sensors/temp', 0, '21.5'],
      ['sensors/temp', 0, '21.5'],
      ['sensors/hum', 1, '{"rh":40}'],
      ['sensors/hum', 1, '{"rh":40}'],
      ['sensors/door', 2, 'open'],
      ['sensors/door', 2, 'open'],
    ]);
    // QoS 2: PUBREC, PUBREL, PUBCOMP in both directions, each with its packet id
    for (const t of ['PUBREC', 'PUBREL', 'PUBCOMP']) expect(packets.filter((p) => p.type === t)).toHaveLength(2);
    expect(userMessages(c).every((m) => units(m.app!).includes('PUBLISH'))).toBe(true);
  });

  it('5.0: properties and the protocol level from CONNECT', async () => {
    const c = await conversation('mqtt_v5.pcap');
    const infos = c.messages.map((m) => m.app as Extract<AppInfo, { decoder: 'mqtt' }>);
    expect(infos.every((i) => i.fields.version === '5.0')).toBe(true);
    const packets = infos.flatMap((i) => i.fields.packets);
    expect(packets[0]).toMatchObject({ type: 'CONNECT', protocolLevel: 5 });
    expect(packets.some((p) => p.type === 'PUBLISH' && p.properties !== undefined)).toBe(true);
  });
});

describe('GraphQL over WebSocket', () => {
  it('graphql-transport-ws (graphql-ws): operations and their results by name', async () => {
    const c = await conversation('graphql_transport_ws.pcap');
    expect(c.app).toEqual({ decoder: 'graphql-transport-ws', chosenBy: 'subprotocol' });
    expect(sequence(c)).toEqual(['C connection_init', 'S connection_ack', 'C subscribe', 'S next', 'S complete', 'C subscribe', 'S next', 'S next', 'S next', 'S complete', 'C ping', 'S pong', 'C ping', 'S pong']);
    const fields = c.messages.map((m) => m.app!.fields as { operationName?: string });
    expect(fields.map((f) => f.operationName ?? null)).toEqual([null, null, 'Hello', 'Hello', 'Hello', 'Countdown', 'Countdown', 'Countdown', 'Countdown', 'Countdown', null, null, null, null]);
  });

  it('graphql-ws (subscriptions-transport-ws): start, data, ka, connection_terminate', async () => {
    const c = await conversation('graphql_ws_legacy.pcap');
    expect(c.app).toEqual({ decoder: 'graphql-ws', chosenBy: 'subprotocol' });
    expect(sequence(c)).toEqual(['C connection_init', 'S connection_ack', 'S ka', 'C start', 'S data', 'S complete', 'C start', 'S data', 'S data', 'S data', 'S complete', 'S ka', 'S ka', 'C connection_terminate']);
  });
});

describe('JSON-RPC 2.0 (rpc-websockets)', () => {
  it('matches each response to its request by id, even out of order', async () => {
    const c = await conversation('jsonrpc.pcap');
    expect(c.app).toEqual({ decoder: 'json-rpc', chosenBy: 'content' });
    const calls = c.messages.flatMap((m) => (m.app as Extract<AppInfo, { decoder: 'json-rpc' }>).fields.calls.map((x) => ({ ...x, from: m.from })));
    const requests = calls.filter((x) => x.kind === 'request');
    const answers = calls.filter((x) => x.kind === 'response' || x.kind === 'error');
    expect(answers).toHaveLength(requests.length);
    for (const a of answers) {
      const asked = requests.find((q) => q.id === a.id)!;
      expect(a.request!.method).toBe(asked.method);
      expect(a.request!.rtt).toBeGreaterThanOrEqual(0);
    }
    expect(answers.find((a) => a.kind === 'error')!.error!.code).toBe(-32601);
    expect(calls.some((x) => x.kind === 'notification')).toBe(true);
    // two calls in flight at once, answered in the other order
    const last = answers.slice(-2).map((a) => a.id);
    const lastAsked = requests.slice(-2).map((q) => q.id);
    expect(last).toEqual([...lastAsked].reverse());
  });
});

describe('the choice of decoder', () => {
  it('--app none decodes nothing; --app forces a decoder whatever the subprotocol', async () => {
    const none = (await analyze(`${DIR}/stomp_ws.pcap`, { app: 'none' })).connections[0]!;
    expect(none.app).toBeNull();
    expect(none.messages.every((m) => m.app === null)).toBe(true);
    expect(none.timeline.some((e) => e.summary.includes('STOMP'))).toBe(false);
    const forced = (await analyze(`${DIR}/graphql_transport_ws.pcap`, { app: 'json' })).connections[0]!;
    expect(forced.app).toEqual({ decoder: 'json', chosenBy: 'forced' });
    expect(forced.messages.every((m) => m.app?.decoder === 'json')).toBe(true);
  });

  it('the transcript shows each message with what it means under it', async () => {
    const c = await conversation('stomp_ws.pcap');
    const lines = renderTranscript(c, { ...PLAIN, width: 200 }).split('\n');
    const send = lines.findIndex((l) => l.includes("'SEND\\ndestination:/app/hello"));
    expect(lines[send + 1]!.trim()).toBe('↳ STOMP SEND /app/hello {"name":"Ada"} (application data)');
  });
});

describe('through the analysis', () => {
  const mqttPacket = (first: number, body: number[]): Buffer => Buffer.from([first, body.length, ...body]);
  const str = (t: string): number[] => [0, t.length, ...Buffer.from(t)];

  it('a message cut by --max-frame-payload is not decoded and throws nothing out of step', async () => {
    const publish = Buffer.concat([Buffer.from([0x30, 0xb3, 0x02]), Buffer.from(str('t')), Buffer.alloc(300, 0x61)]);
    const conv = new Conversation()
      .handshake()
      .send('client', upgradeRequest(['Sec-WebSocket-Protocol: mqtt']))
      .ack('server')
      .send('server', upgradeResponse(['Sec-WebSocket-Protocol: mqtt']))
      .send('client', wsFrame({ opcode: 2, payload: mqttPacket(0x10, [...str('MQTT'), 4, 2, 0, 60, ...str('c')]), mask: MASK }))
      .send('server', wsFrame({ opcode: 2, payload: mqttPacket(0x20, [0, 0]) }))
      .send('client', wsFrame({ opcode: 2, payload: publish, mask: MASK }))
      .send('client', wsFrame({ opcode: 2, payload: mqttPacket(0xc0, []), mask: MASK }));
    const r = await analyze(conv.pcap(), { limits: { ...DEFAULT_OPTIONS.limits, maxFramePayload: 200 } });
    const c = r.connections[0]!;
    expect(c.diagnostics.map((d) => d.code)).toEqual(['limit.payload']);
    expect(c.messages.map((m) => m.app?.type ?? null)).toEqual(['CONNECT', 'CONNACK', null, 'PINGREQ']);
  });

  it('counts at most 100 application-level types per side (then "other"), and the story names sixteen', async () => {
    let conv = new Conversation().handshake().send('client', upgradeRequest(['Sec-WebSocket-Protocol: jsonrpc'])).ack('server').send('server', upgradeResponse(['Sec-WebSocket-Protocol: jsonrpc']));
    for (let i = 0; i < 150; i++) conv = conv.send('client', wsFrame({ opcode: 1, payload: Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: `m${i}` })), mask: MASK }));
    const c = (await analyze(conv.pcap())).connections[0]!;
    expect(Object.keys(c.counts.client.app)).toHaveLength(101);
    expect(c.counts.client.app['other']).toBe(50);
    const out = await renderTerminal(await writeTemp(conv.pcap()));
    expect(out).toMatch(/JSON-RPC notification m15 \(packet \d+\) and 134 more types\./);
  });
});

describe('what a capture says through an application protocol', () => {
  it('reaches the terminal escaped, in every view', async () => {
    const evil = '/topic/\x1b[31mred\x1b]0;title\x07\u202eevil\x9b2J';
    const conv = new Conversation()
      .handshake()
      .send('client', upgradeRequest(['Sec-WebSocket-Protocol: v12.stomp']))
      .ack('server')
      .send('server', upgradeResponse(['Sec-WebSocket-Protocol: v12.stomp']))
      .send('client', wsFrame({ opcode: 1, payload: Buffer.from(`SUBSCRIBE\nid:\x1b[2J\ndestination:${evil}\n\n\0`), mask: MASK }))
      .send('server', wsFrame({ opcode: 1, payload: Buffer.from(`MESSAGE\ndestination:${evil}\n\n${evil}\0`) }))
      .send('client', wsFrame({ opcode: 1, payload: Buffer.from(`\x1b[5m\nx:y\n\n\0`), mask: MASK }));
    const path = await writeTemp(conv.pcap());
    for (const view of [[], ['--messages'], ['--stats'], ['--explain'], ['--ladder']]) {
      const out = execFileSync(process.execPath, ['dist/cli.js', path, ...view, '--width', '200'], { encoding: 'utf8' });
      expect(out, view.join(' ')).toContain('STOMP');
      expect(out, view.join(' ')).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
    }
  });
});

describe('the command line', () => {
  const cli = (args: string[]): string => execFileSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8' });

  it('writes the same app summaries in --ndjson as in --json', () => {
    const json = JSON.parse(cli([`${DIR}/socketio.pcap`, '--json'])) as { connections: { id: number; messages: { index: number; app: unknown }[] }[] };
    const fromJson = json.connections.flatMap((c) => c.messages.map((m) => [c.id, m.index, m.app]));
    const lines = cli([`${DIR}/socketio.pcap`, '--ndjson']).trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; connection: number; index: number; app: unknown });
    const fromNdjson = lines.filter((l) => l.type === 'message').map((l) => [l.connection, l.index, l.app]);
    expect(fromNdjson.sort()).toEqual(fromJson.sort());
    expect(fromJson.length).toBeGreaterThan(10);
  });

  it('takes --app NAME and --app none, and refuses an unknown name', () => {
    expect(cli([`${DIR}/stomp_ws.pcap`, '--app', 'none'])).not.toContain('STOMP SEND');
    expect(cli([`${DIR}/stomp_ws.pcap`, '--app', 'stomp'])).toContain('— STOMP SEND /app/hello');
    expect(() => execFileSync(process.execPath, ['dist/cli.js', `${DIR}/stomp_ws.pcap`, '--app', 'xmpp'], { stdio: 'pipe' })).toThrow(/--app takes auto, none, stomp.*, not "xmpp"/);
  });
});
