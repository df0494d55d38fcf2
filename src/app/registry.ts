// Which decoder reads a connection's messages: the one the user forced
// (--app NAME), else the one the negotiated subprotocol names, else the one
// the URL's shape names (SockJS, Engine.IO), else the first whose
// recognisable start a message has (STOMP's command line, Engine.IO's open
// packet, SockJS's "o", MQTT's CONNECT, GraphQL's connection_init, JSON).
// A connection is decided once; carriers (SockJS, Engine.IO) hand their inner
// messages to a registry of their own.
import type { AppChoice, AppContext, AppDecoder, AppFinding, AppInfo, AppMessage, AppName, AppResult } from './types.js';
import { NO_RESULT } from './types.js';
import { looksLikeStomp, StompDecoder, stompVersionOf } from './stomp.js';
import { isSockJsInfo, SockJsDecoder, sockJsUrl } from './sockjs.js';
import { EngineIoDecoder, engineIoUrl, isEngineIoPolling, looksLikeEngineIo } from './engineio.js';
import { looksLikeMqtt, MqttDecoder } from './mqtt.js';
import { GraphQlDecoder, looksLikeGraphQl } from './graphql.js';
import { isJsonRpc, JsonDecoder, looksLikeJson } from './json.js';

/** Messages of a connection looked at for a recognisable start before giving up on it. */
export const SNIFF_MESSAGES = 32;

/** Subprotocols (RFC 6455 §1.9, IANA's WebSocket Subprotocol Name Registry and common use) and their decoders. */
function bySubprotocol(subprotocol: string | null): AppName | null {
  if (subprotocol === null) return null;
  const p = subprotocol.toLowerCase();
  if (stompVersionOf(p) !== null || p === 'stomp') return 'stomp';
  if (p === 'mqtt' || p === 'mqttv3.1') return 'mqtt';
  if (p === 'graphql-transport-ws') return 'graphql-transport-ws';
  if (p === 'graphql-ws') return 'graphql-ws';
  if (p === 'jsonrpc' || p === 'json-rpc' || p === 'jsonrpc2.0' || p === 'jsonrpc-2.0') return 'json-rpc';
  if (p === 'json') return 'json';
  return null;
}

function byUrl(target: string | null): AppName | null {
  if (sockJsUrl(target)) return 'sockjs';
  if (engineIoUrl(target)) return /\/socket\.io\//.test(target ?? '') ? 'socket.io' : 'engine.io';
  return null;
}

function byContent(m: AppMessage): AppName | null {
  if (m.payload.length === 0) return null;
  if (looksLikeEngineIo(m)) return 'engine.io';
  if (m.type === 'text' && m.from === 'server' && m.payload.length === 1 && m.payload[0] === 0x6f) return 'sockjs';
  if (looksLikeMqtt(m)) return 'mqtt';
  if (m.type === 'text' && looksLikeStomp(m.payload)) return 'stomp';
  if (m.type === 'text' && looksLikeJson(m.payload)) {
    let value: unknown;
    try {
      value = JSON.parse(m.payload.toString('utf8'));
    } catch {
      return null;
    }
    if (looksLikeGraphQl(value)) return 'graphql-transport-ws';
    return isJsonRpc(value) ? 'json-rpc' : 'json';
  }
  return null;
}

/**
 * How the decoder was chosen, for the reader: the subprotocol, the URL, the
 * content, or the user.
 */
export type AppChosenBy = 'forced' | 'subprotocol' | 'url' | 'content';

function make(name: AppName, ctx: AppContext, by: AppChosenBy): AppDecoder {
  switch (name) {
    case 'stomp':
      return new StompDecoder(ctx.subprotocol);
    case 'sockjs':
      return new SockJsDecoder(ctx.target, new AppSession({ target: null, subprotocol: null }, 'auto'));
    case 'engine.io':
      return new EngineIoDecoder(ctx.target, false);
    case 'socket.io':
      return new EngineIoDecoder(ctx.target, true);
    case 'mqtt':
      return new MqttDecoder(ctx.subprotocol);
    case 'graphql-transport-ws':
    case 'graphql-ws':
      // told by the subprotocol or the user, the protocol is fixed; found from content, the messages may correct it
      return new GraphQlDecoder(name, by !== 'content');
    case 'json':
      return new JsonDecoder(false);
    case 'json-rpc':
      return new JsonDecoder(by !== 'content');
  }
}

/** The decoders of one connection: chooses one, then hands it every whole message. */
export class AppSession implements AppDecoder {
  private decoder: AppDecoder | null = null;
  private looked = 0;
  chosen: { name: AppName; by: AppChosenBy } | null = null;

  constructor(
    private readonly ctx: AppContext,
    choice: AppChoice,
  ) {
    if (choice === 'none') {
      this.looked = SNIFF_MESSAGES;
      return;
    }
    if (choice !== 'auto') this.choose(choice, 'forced');
    else {
      const sub = bySubprotocol(ctx.subprotocol);
      if (sub) this.choose(sub, 'subprotocol');
      else {
        const url = byUrl(ctx.target);
        if (url) this.choose(url, 'url');
      }
    }
  }

  private choose(name: AppName, by: AppChosenBy): void {
    this.decoder = make(name, this.ctx, by);
    this.chosen = { name, by };
  }

  decode(m: AppMessage): AppResult {
    if (!this.decoder) {
      if (this.looked >= SNIFF_MESSAGES) return NO_RESULT;
      this.looked++;
      const name = byContent(m);
      if (!name) return NO_RESULT;
      this.choose(name, 'content');
    }
    return this.decoder!.decode(m);
  }

  end(): AppFinding[] {
    return this.decoder?.end() ?? [];
  }
}

/** Names people read: STOMP, SockJS, Socket.IO, … */
export const APP_LABELS: Record<AppName, string> = {
  stomp: 'STOMP',
  sockjs: 'SockJS',
  'engine.io': 'Engine.IO',
  'socket.io': 'Socket.IO',
  mqtt: 'MQTT',
  'graphql-transport-ws': 'GraphQL',
  'graphql-ws': 'GraphQL (graphql-ws)',
  json: 'JSON',
  'json-rpc': 'JSON-RPC',
};

/** "SockJS a[1 message] → STOMP SEND /app/hello {…}": a decoded message and what it carries. */
export function appText(info: AppInfo): string {
  const own = `${APP_LABELS[info.decoder]} ${info.summary}`;
  return info.inner && info.inner.length > 0 ? `${own} → ${info.inner.map(appText).join('; ')}` : own;
}

/** Whose traffic a decoded message is: the application's own data, or the framework's. */
export function appRole(info: AppInfo): string {
  return info.user ? 'application data' : 'framework';
}

/** The application-level types a message counts as (--stats): "stomp SEND", "socket.io event "chat message"". */
export function appKeys(info: AppInfo): string[] {
  const keys: string[] = [];
  switch (info.decoder) {
    case 'stomp':
      for (const f of info.fields.frames) keys.push(`stomp ${f.command}`);
      break;
    case 'mqtt':
      for (const p of info.fields.packets) keys.push(`mqtt ${p.type}`);
      break;
    case 'socket.io':
      keys.push(info.fields.event !== undefined && info.type === 'event' ? `socket.io event ${JSON.stringify(info.fields.event)}` : `socket.io ${info.type}`);
      break;
    case 'json-rpc':
      for (const c of info.fields.calls) keys.push(`json-rpc ${c.kind}${c.method !== undefined ? ` ${c.method}` : ''}`);
      break;
    default:
      keys.push(`${info.decoder} ${info.type}`);
  }
  for (const i of info.inner ?? []) keys.push(...appKeys(i));
  return keys;
}

/** What a plain HTTP request is, when it belongs to an application protocol's transport (SockJS's info, Engine.IO's polling). */
export function appHttpHint(target: string): string | null {
  if (isEngineIoPolling(target)) return 'Engine.IO long-polling, before the upgrade to WebSocket';
  if (isSockJsInfo(target)) return "SockJS info request: the client asks the server's options before opening the WebSocket";
  return null;
}
