// Every application protocol wsdissect reads, in one list: its name, the
// label people read, the subprotocols that name it, how its decoder is made,
// how it is recognised (by a URL's shape, by a message's start or JSON value,
// each with its place in the order of the tries), and how its messages are
// named in the story and counted in the statistics. The list is keyed by
// AppName, so a protocol added to the AppName union (types.ts) without its
// entry here does not compile; registry.ts chooses from it. README,
// "Adding an application protocol", walks through it.
import type { AppChosenBy, AppContext, AppDecoder, AppInfo, AppMessage, AppName } from './types.js';
import { clipText } from './types.js';
import { isStompUserCommand, looksLikeStomp, StompDecoder, stompVersionOf } from './stomp.js';
import { SockJsDecoder, sockJsUrl } from './sockjs.js';
import { EngineIoDecoder, engineIoUrl, looksLikeEngineIo } from './engineio.js';
import { looksLikeMqtt, MqttDecoder } from './mqtt.js';
import { GraphQlDecoder, looksLikeGraphQl } from './graphql.js';
import { isJsonRpc, JsonDecoder } from './json.js';
import { AppSession } from './registry.js';

/** The reading of a message of protocol N (GraphQL's two protocols share one). */
export type InfoOf<N extends AppName> = AppInfo extends infer I ? (I extends AppInfo ? (N extends I['decoder'] ? I : never) : never) : never;

/** A unit of a message (a STOMP frame, an MQTT packet, a JSON-RPC call) as people name it, and whether it is the application's own data or the framework's. */
export interface AppUnit {
  name: string;
  user: boolean;
}

export interface AppProtocol<N extends AppName> {
  /** the name people read: STOMP, Socket.IO, … */
  label: string;
  /** whether a negotiated subprotocol (lower case) names this protocol */
  subprotocol?: (p: string) => boolean;
  /** whether the request's target names it (SockJS's and Engine.IO's paths); tried in `order` */
  url?: { order: number; test: (target: string) => boolean };
  /**
   * how a message shows it when nothing named the protocol: its start
   * (`message`), or, for a JSON message, its value (`json`, the message
   * parsed once for all of them); tried in `order`, the first that holds is
   * chosen (a JSON try after every start: a JSON message has none of theirs)
   */
  content?: { order: number; message: (m: AppMessage) => boolean } | { order: number; json: (value: unknown) => boolean };
  /** its decoder for a connection; `by`: how it was chosen (a protocol found from content is held less strictly) */
  make: (ctx: AppContext, by: AppChosenBy) => AppDecoder;
  /** the units of a message as the story names them (default: the label and the message's type) */
  units?: (info: InfoOf<N>, label: string) => AppUnit[];
  /** the types a message counts as in the statistics, "stomp SEND" (default: the name and the message's type) */
  keys?: (info: InfoOf<N>) => string[];
}

export const PROTOCOLS: { readonly [N in AppName]: AppProtocol<N> } = {
  stomp: {
    label: 'STOMP',
    subprotocol: (p) => p === 'stomp' || stompVersionOf(p) !== null,
    content: { order: 4, message: (m) => m.type === 'text' && looksLikeStomp(m.payload) },
    make: (ctx) => new StompDecoder(ctx.subprotocol),
    units: (info, label) => info.fields.frames.map((f) => ({ name: `${label} ${f.command}`, user: isStompUserCommand(f.command) })),
    keys: (info) => info.fields.frames.map((f) => `stomp ${clipText(f.command, 24)}`),
  },
  sockjs: {
    label: 'SockJS',
    url: { order: 1, test: (t) => sockJsUrl(t) !== null },
    // the server's first message, "o" (open)
    content: { order: 2, message: (m) => m.type === 'text' && m.from === 'server' && m.payload.length === 1 && m.payload[0] === 0x6f },
    // a carrier: its inner messages go to a decoder chosen for them
    make: (ctx) => new SockJsDecoder(ctx.target, new AppSession({ target: null, subprotocol: null }, 'auto')),
  },
  'engine.io': {
    label: 'Engine.IO',
    url: { order: 3, test: (t) => engineIoUrl(t) !== null },
    // the open packet
    content: { order: 1, message: looksLikeEngineIo },
    make: (ctx) => new EngineIoDecoder(ctx.target, false),
  },
  'socket.io': {
    label: 'Socket.IO',
    // Engine.IO's path under /socket.io/
    url: { order: 2, test: (t) => engineIoUrl(t) !== null && /\/socket\.io\//.test(t) },
    make: (ctx) => new EngineIoDecoder(ctx.target, true),
    units: (info, label) => {
      const ns = info.fields.namespace === '/' ? '' : ` ${info.fields.namespace}`;
      return [{ name: info.type === 'event' && info.fields.event !== undefined ? `${label} event${ns} ${JSON.stringify(info.fields.event)}` : `${label} ${info.type}`, user: info.user }];
    },
    keys: (info) => {
      const ns = info.fields.namespace === '/' ? '' : ` ${clipText(info.fields.namespace, 40)}`;
      return [info.fields.event !== undefined && info.type === 'event' ? `socket.io event${ns} ${JSON.stringify(clipText(info.fields.event, 60))}` : `socket.io ${info.type}`];
    },
  },
  mqtt: {
    label: 'MQTT',
    subprotocol: (p) => p === 'mqtt' || p === 'mqttv3.1',
    content: { order: 3, message: looksLikeMqtt },
    make: (ctx) => new MqttDecoder(ctx.subprotocol),
    units: (info, label) => info.fields.packets.map((p) => ({ name: `${label} ${p.type}`, user: p.type === 'PUBLISH' })),
    keys: (info) => info.fields.packets.map((p) => `mqtt ${p.type}`),
  },
  'graphql-transport-ws': {
    label: 'GraphQL',
    subprotocol: (p) => p === 'graphql-transport-ws',
    content: { order: 10, json: looksLikeGraphQl },
    // told by the subprotocol or the user, the protocol is fixed; found from content, the messages may correct it
    make: (_ctx, by) => new GraphQlDecoder('graphql-transport-ws', by !== 'content'),
  },
  'graphql-ws': {
    label: 'GraphQL (graphql-ws)',
    subprotocol: (p) => p === 'graphql-ws',
    make: (_ctx, by) => new GraphQlDecoder('graphql-ws', by !== 'content'),
  },
  json: {
    label: 'JSON',
    subprotocol: (p) => p === 'json',
    // any other JSON message: last
    content: { order: 12, json: () => true },
    make: (_ctx, by) => new JsonDecoder(false, by !== 'content'),
  },
  'json-rpc': {
    label: 'JSON-RPC',
    subprotocol: (p) => p === 'jsonrpc' || p === 'json-rpc' || p === 'jsonrpc2.0' || p === 'jsonrpc-2.0',
    content: { order: 11, json: isJsonRpc },
    make: (_ctx, by) => new JsonDecoder(by !== 'content', by !== 'content'),
    units: (info, label) => info.fields.calls.map((c) => ({ name: `${label} ${c.kind}${c.method ? ` ${c.method}` : ''}`, user: true })),
    keys: (info) => info.fields.calls.map((c) => `json-rpc ${c.kind}${c.method !== undefined ? ` ${c.method}` : ''}`),
  },
};

/** Every protocol's name, in the order --app lists them (and subprotocols are tried). */
export const APP_NAMES = Object.keys(PROTOCOLS) as AppName[];

/** Names people read: STOMP, SockJS, Socket.IO, … */
export const APP_LABELS = Object.fromEntries(APP_NAMES.map((n) => [n, PROTOCOLS[n].label])) as Record<AppName, string>;

/** The protocol of a reading, typed to it. */
function protocolOf<N extends AppName>(info: InfoOf<N>): AppProtocol<N> {
  return PROTOCOLS[info.decoder as N];
}

/** A message's units as the story names them. */
export function unitsOf(info: AppInfo): AppUnit[] {
  const p = protocolOf(info);
  return p.units ? p.units(info, p.label) : [{ name: `${p.label} ${info.type}`, user: info.user }];
}

/** The types a message counts as in the statistics (its own, not its inner messages'). */
export function keysOf(info: AppInfo): string[] {
  const p = protocolOf(info);
  return p.keys ? p.keys(info) : [`${info.decoder} ${info.type}`];
}
