// How decoded messages read to people and count in statistics: pure
// functions of an AppInfo (the renderers use these without the decoders).
import type { AppChosenBy, AppInfo } from './types.js';
import type { HttpHint } from '../model.js';
import { APP_LABELS, keysOf } from './protocols.js';
import { isSockJsInfo } from './sockjs.js';
import { isEngineIoPolling } from './engineio.js';

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
  const keys = keysOf(info);
  for (const i of info.inner ?? []) keys.push(...appKeys(i));
  return keys;
}

/** How the decoder was chosen, in words: "the subprotocol", "the URL", … */
export const CHOSEN_BY: Record<AppChosenBy, string> = { subprotocol: 'the subprotocol', url: 'the URL', content: "the messages' content", forced: 'as asked (--app)' };

/**
 * What a plain HTTP request is, when it belongs to an application
 * protocol's transport: Engine.IO's long-polling (its URL says so), or
 * SockJS's info request (GET <prefix>/info; sockjs-client 0.3 adds ?t=,
 * 1.x nothing, so without it the path alone could be another /info).
 */
export function appHttpHint(method: string, target: string): HttpHint | null {
  if (isEngineIoPolling(target)) return 'engine.io-polling';
  if (method === 'GET' && isSockJsInfo(target)) return /\?t=\d+$/.test(target) ? 'sockjs-info' : 'sockjs-info-maybe';
  return null;
}
