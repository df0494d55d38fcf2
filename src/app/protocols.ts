// Every application protocol wsdissect reads, in one list: its name, the
// label people read, the subprotocols that name it, how its decoder is made,
// and how its messages are named in the story and counted in the
// statistics. The list is keyed by AppName, so a protocol added to the
// AppName union (types.ts) without its entry here does not compile. How a
// protocol is recognised from its messages' content, where the order of the
// tries matters, is registry.ts's byContent. README, "Adding an application
// protocol", walks through it.
import type { AppChosenBy, AppContext, AppDecoder, AppInfo, AppName } from './types.js';
import { clipText } from './types.js';
import { isStompUserCommand, StompDecoder, stompVersionOf } from './stomp.js';
import { SockJsDecoder } from './sockjs.js';
import { EngineIoDecoder } from './engineio.js';
import { MqttDecoder } from './mqtt.js';
import { GraphQlDecoder } from './graphql.js';
import { JsonDecoder } from './json.js';
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
    make: (ctx) => new StompDecoder(ctx.subprotocol),
    units: (info, label) => info.fields.frames.map((f) => ({ name: `${label} ${f.command}`, user: isStompUserCommand(f.command) })),
    keys: (info) => info.fields.frames.map((f) => `stomp ${clipText(f.command, 24)}`),
  },
  sockjs: {
    label: 'SockJS',
    // a carrier: its inner messages go to a decoder chosen for them
    make: (ctx) => new SockJsDecoder(ctx.target, new AppSession({ target: null, subprotocol: null }, 'auto')),
  },
  'engine.io': {
    label: 'Engine.IO',
    make: (ctx) => new EngineIoDecoder(ctx.target, false),
  },
  'socket.io': {
    label: 'Socket.IO',
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
    make: (ctx) => new MqttDecoder(ctx.subprotocol),
    units: (info, label) => info.fields.packets.map((p) => ({ name: `${label} ${p.type}`, user: p.type === 'PUBLISH' })),
    keys: (info) => info.fields.packets.map((p) => `mqtt ${p.type}`),
  },
  'graphql-transport-ws': {
    label: 'GraphQL',
    subprotocol: (p) => p === 'graphql-transport-ws',
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
    make: (_ctx, by) => new JsonDecoder(false, by !== 'content'),
  },
  'json-rpc': {
    label: 'JSON-RPC',
    subprotocol: (p) => p === 'jsonrpc' || p === 'json-rpc' || p === 'jsonrpc2.0' || p === 'jsonrpc-2.0',
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
