// Which decoder reads a connection's messages: the one the user forced
// (--app NAME), else the one the negotiated subprotocol names, else the one
// the URL's shape names (SockJS, Engine.IO), else the first whose
// recognisable start a message has (STOMP's command line, Engine.IO's open
// packet, SockJS's "o", MQTT's CONNECT, GraphQL's connection_init, JSON):
// each protocol says how it is recognised, and in which order, in
// protocols.ts.
// A connection is decided once; carriers (SockJS, Engine.IO) hand their inner
// messages to a registry of their own.
import type { Side } from '../model.js';
import type { AppChoice, AppChosenBy, AppContext, AppDecoder, AppFinding, AppMessage, AppName, AppResult } from './types.js';
import { NO_RESULT, tryJson } from './types.js';
import { looksLikeJson } from './json.js';
import { APP_NAMES, type AppProtocol, PROTOCOLS } from './protocols.js';

/** Messages of a connection looked at for a recognisable start before giving up on it. */
export const SNIFF_MESSAGES = 32;

/** The protocol a negotiated subprotocol names (RFC 6455 §1.9, IANA's WebSocket Subprotocol Name Registry and common use): protocols.ts. */
function bySubprotocol(subprotocol: string | null): AppName | null {
  if (subprotocol === null) return null;
  const p = subprotocol.toLowerCase();
  for (const name of APP_NAMES) if (PROTOCOLS[name].subprotocol?.(p)) return name;
  return null;
}

/**
 * The protocols a URL or a message's content may show, in the order they
 * are tried (protocols.ts); made on first use (protocols.ts, which makes
 * carriers' registries, imports this module).
 */
let tries: { url: { name: AppName; test: (target: string) => boolean }[]; content: ({ name: AppName } & NonNullable<AppProtocol<AppName>['content']>)[] } | null = null;

function ordered(): NonNullable<typeof tries> {
  tries ??= {
    url: APP_NAMES.flatMap((name) => {
      const url = PROTOCOLS[name].url;
      return url ? [{ name, ...url }] : [];
    }).sort((x, y) => x.order - y.order),
    content: APP_NAMES.flatMap((name) => {
      const content = PROTOCOLS[name].content;
      return content ? [{ name, ...content }] : [];
    }).sort((x, y) => ('json' in x ? 1 : 0) - ('json' in y ? 1 : 0) || x.order - y.order),
  };
  return tries;
}

function byUrl(target: string | null): AppName | null {
  if (target === null) return null;
  for (const u of ordered().url) if (u.test(target)) return u.name;
  return null;
}

function byContent(m: AppMessage): AppName | null {
  if (m.payload.length === 0) return null;
  // a JSON message is parsed once, for every protocol recognised by its value
  let json: { value: unknown } | null | undefined;
  for (const c of ordered().content) {
    if ('message' in c) {
      if (c.message(m)) return c.name;
      continue;
    }
    if (json === undefined) {
      const v = m.type === 'text' && looksLikeJson(m.payload) ? tryJson(m.payload.toString('utf8')) : null;
      json = v !== null && v.ok ? { value: v.value } : null;
    }
    if (json === null) return null;
    if (c.json(json.value)) return c.name;
  }
  return null;
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
    this.decoder = PROTOCOLS[name].make(this.ctx, by);
    this.chosen = { name, by };
    this.confirmed = !(name === 'sockjs' && by === 'url');
  }

  /**
   * SockJS named by the URL alone is confirmed by the server's first
   * message, "o" (SockJS protocol §Session): other URLs end in
   * /<a>/<b>/websocket too. Until then nothing is held against the client's
   * messages; if the server says something else, the content decides.
   */
  private confirmed = true;

  decode(m: AppMessage): AppResult {
    if (this.decoder && !this.confirmed) {
      if (m.from === 'server') {
        if (m.type === 'text' && m.payload.length === 1 && m.payload[0] === 0x6f) this.confirmed = true;
        else {
          this.decoder = null;
          this.chosen = null;
        }
      } else {
        const r = this.decoder.decode(m);
        return r.findings.length > 0 ? NO_RESULT : r;
      }
    }
    if (!this.decoder) {
      if (this.looked >= SNIFF_MESSAGES) return NO_RESULT;
      this.looked++;
      const name = byContent(m);
      if (!name) return NO_RESULT;
      this.choose(name, 'content');
    }
    return this.decoder!.decode(m);
  }

  skip(from: Side): void {
    this.decoder?.skip(from);
  }

  end(): AppFinding[] {
    return this.decoder?.end() ?? [];
  }
}
