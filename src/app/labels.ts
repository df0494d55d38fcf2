// How decoded messages count in statistics, and which plain HTTP requests
// belong to an application protocol's transport: pure functions (the
// renderers use them without the decoders). A message's one-line summary is
// worded by text/app-words.ts.
import type { AppInfo } from './types.js';
import type { HttpHint } from '../model.js';
import { keysOf } from './protocols.js';
import { isSockJsInfo } from './sockjs.js';
import { isEngineIoPolling } from './engineio.js';

/** The application-level types a message counts as (--stats): "stomp SEND", "socket.io event "chat message"". */
export function appKeys(info: AppInfo): string[] {
  const keys = keysOf(info);
  for (const i of info.inner ?? []) keys.push(...appKeys(i));
  return keys;
}

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
