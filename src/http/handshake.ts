// The WebSocket opening handshake (RFC 6455 §4): the Accept computation,
// header parsing and every rule the request and the response must follow.
import { told } from '../text/diagnostics.js';
import { createHash } from 'node:crypto';
import type { Diagnostic, Extension, Handshake, HttpRequest, HttpResponse } from '../model.js';
import { headerTokens, headerValues } from './head.js';
import { checkDeflateResponse } from '../deflate/negotiation.js';

export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** base64(SHA-1(key + GUID)) — RFC 6455 §4.2.2 item 5.4 */
export function computeAccept(key: string): string {
  return createHash('sha1').update(key + WEBSOCKET_GUID, 'latin1').digest('base64');
}

/** The SHA-1 step of the computation in hex, for explaining it. */
export function acceptSha1Hex(key: string): string {
  return createHash('sha1').update(key + WEBSOCKET_GUID, 'latin1').digest('hex');
}

/** Does this request try to open a WebSocket? (an Upgrade naming websocket, or any Sec-WebSocket-* field) */
export function isUpgradeAttempt(request: HttpRequest): boolean {
  if (headerTokens(request.headers, 'upgrade').some((t) => /websocket/i.test(t))) return true;
  return request.headers.some(([name]) => /^sec-websocket-/i.test(name));
}

/**
 * Parses a Sec-WebSocket-Extensions value list into offers (RFC 6455 §9.1):
 * `name; param; param=value, name2`. Quoted values are unquoted.
 */
export function parseExtensions(values: readonly string[]): Extension[] {
  const out: Extension[] = [];
  for (const offer of splitOffers(values)) {
    const [name, ...params] = offer.split(';').map((p) => p.trim());
    if (!name) continue;
    const ext: Extension = { name: name.toLowerCase(), params: {} };
    for (const p of params) {
      if (p === '') continue;
      const eq = p.indexOf('=');
      if (eq < 0) ext.params[p.toLowerCase()] = true;
      else ext.params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    }
    out.push(ext);
  }
  return out;
}

/** Extension offers as written, one string per offer (commas inside quotes kept). */
export function splitOffers(values: readonly string[]): string[] {
  const offers: string[] = [];
  for (const v of values) {
    let cur = '';
    let quoted = false;
    for (const ch of v) {
      if (ch === '"') quoted = !quoted;
      if (ch === ',' && !quoted) {
        if (cur.trim()) offers.push(cur.trim());
        cur = '';
      } else {
        cur += ch;
      }
    }
    if (cur.trim()) offers.push(cur.trim());
  }
  return offers;
}

function hasToken(headers: readonly [string, string][], name: string, token: string): boolean {
  return headerTokens(headers, name).some((t) => t.toLowerCase() === token);
}

/** A diagnostic of the handshake: its severity from the registry (src/codes.ts), the section of the rule that applies here. */
const KEY_FORM = /^[A-Za-z0-9+/]{22}==$/;

/** Checks of the client's opening handshake (RFC 6455 §4.1). */
export function checkRequest(req: HttpRequest): Diagnostic[] {
  const out: Diagnostic[] = [];
  const p = req.packet;
  if (req.method !== 'GET') {
    // RFC 6455 §4.1: "The method of the request MUST be GET"
    out.push(told({ code: 'handshake.method', method: req.method }, { packet: p, from: 'client' }));
  }
  const version = /^HTTP\/(\d)(?:\.(\d))?$/.exec(req.version);
  if (!version || Number(version[1]) * 10 + Number(version[2] ?? 0) < 11) {
    // RFC 6455 §4.1: "the HTTP version MUST be at least 1.1"
    out.push(told({ code: 'handshake.http-version', version: req.version }, { packet: p, from: 'client' }));
  }
  if (headerValues(req.headers, 'host').length === 0) {
    // RFC 6455 §4.1 item 4: a |Host| header field
    out.push(told({ code: 'handshake.host-missing' }, { packet: p, from: 'client' }));
  }
  if (!hasToken(req.headers, 'upgrade', 'websocket')) {
    // RFC 6455 §4.1 item 5: |Upgrade| containing "websocket"
    const got = headerValues(req.headers, 'upgrade').join(', ');
    out.push(told({ code: 'handshake.upgrade-header', in: 'request', got }, { packet: p, from: 'client' }, 'RFC 6455 §4.1'));
  }
  if (!hasToken(req.headers, 'connection', 'upgrade')) {
    // RFC 6455 §4.1 item 6: |Connection| including the token "Upgrade"
    const got = headerValues(req.headers, 'connection').join(', ');
    out.push(told({ code: 'handshake.connection-header', in: 'request', got }, { packet: p, from: 'client' }, 'RFC 6455 §4.1'));
  }
  const keys = headerValues(req.headers, 'sec-websocket-key');
  if (keys.length !== 1) {
    // RFC 6455 §4.1 item 7: exactly one |Sec-WebSocket-Key|
    out.push(told({ code: 'handshake.key-invalid', keys: keys.length }, { packet: p, from: 'client' }));
  } else if (!KEY_FORM.test(keys[0]!)) {
    // RFC 6455 §4.1 item 7: a base64-encoded random 16-byte value
    const decoded = Buffer.from(keys[0]!, 'base64').length;
    out.push(told({ code: 'handshake.key-invalid', key: keys[0]!, decodedBytes: decoded }, { packet: p, from: 'client' }));
  }
  const versions = headerValues(req.headers, 'sec-websocket-version');
  if (versions.length !== 1 || versions[0] !== '13') {
    // RFC 6455 §4.1 item 9: |Sec-WebSocket-Version| whose value MUST be 13
    out.push(told({ code: 'handshake.version', versions }, { packet: p, from: 'client' }));
  }
  return out;
}

/** Checks of the server's answer to an upgrade request (RFC 6455 §4.2.2, §4.1). */
export function checkResponse(req: HttpRequest, res: HttpResponse): Diagnostic[] {
  const out: Diagnostic[] = [];
  const p = res.packet;
  if (res.status !== 101) {
    // RFC 6455 §4.2.2, §4.4: any status other than 101 means the handshake has not completed
    out.push(told({ code: 'handshake.rejected', status: res.status, reason: res.reason }, { packet: p, from: 'server' }));
    return out;
  }
  if (!hasToken(res.headers, 'upgrade', 'websocket')) {
    // RFC 6455 §4.1 (client checks) item 2: |Upgrade| must be "websocket"
    const got = headerValues(res.headers, 'upgrade').join(', ');
    out.push(told({ code: 'handshake.upgrade-header', in: 'response', got }, { packet: p, from: 'server' }, 'RFC 6455 §4.2.2'));
  }
  if (!hasToken(res.headers, 'connection', 'upgrade')) {
    // RFC 6455 §4.1 (client checks) item 3: |Connection| must contain "Upgrade"
    const got = headerValues(res.headers, 'connection').join(', ');
    out.push(told({ code: 'handshake.connection-header', in: 'response', got }, { packet: p, from: 'server' }, 'RFC 6455 §4.2.2'));
  }
  const accepts = headerValues(res.headers, 'sec-websocket-accept');
  const keys = headerValues(req.headers, 'sec-websocket-key');
  if (accepts.length === 0) {
    // RFC 6455 §4.2.2 item 5.4: the server MUST send |Sec-WebSocket-Accept|
    out.push(told({ code: 'handshake.accept-missing' }, { packet: p, from: 'server' }));
  } else if (keys.length === 1) {
    const expected = computeAccept(keys[0]!);
    if (accepts.length !== 1 || accepts[0] !== expected) {
      // RFC 6455 §4.2.2 item 5.4 and §4.1 (client checks) item 4
      out.push(told({ code: 'handshake.accept-mismatch', accepts, expected }, { packet: p, from: 'server' }));
    }
  }
  out.push(...checkNegotiation(req, res));
  return out;
}

/**
 * What the server agreed to of what the client offered: the subprotocol and
 * the extensions (RFC 6455 §4.1, §9.1; RFC 7692 §5, §7.1), over HTTP/1.1 and
 * over HTTP/2 alike (RFC 8441 §5 keeps these header fields as they are).
 */
export function checkNegotiation(req: HttpRequest, res: HttpResponse): Diagnostic[] {
  const out: Diagnostic[] = [];
  const p = res.packet;
  const offeredProtocols = headerTokens(req.headers, 'sec-websocket-protocol');
  for (const chosen of headerTokens(res.headers, 'sec-websocket-protocol')) {
    if (!offeredProtocols.includes(chosen)) {
      // RFC 6455 §4.1 (client checks) item 6: a subprotocol not requested fails the connection
      out.push(told({ code: 'handshake.subprotocol-not-offered', chosen, offered: offeredProtocols }, { packet: p, from: 'server' }));
    }
  }
  const offers = splitOffers(headerValues(req.headers, 'sec-websocket-extensions'));
  const accepted = splitOffers(headerValues(res.headers, 'sec-websocket-extensions'));
  const nameOf = (e: string): string => (e.split(';')[0] ?? '').trim().toLowerCase();
  const seen = new Set<string>();
  for (const ext of accepted) {
    const name = nameOf(ext);
    const matching = offers.filter((o) => nameOf(o) === name);
    if (matching.length === 0) {
      // RFC 6455 §4.1 (client checks) item 5, §9.1: an extension not requested fails the connection
      out.push(told({ code: 'handshake.extension-not-offered', name, why: 'not-offered' }, { packet: p, from: 'server' }, 'RFC 6455 §9.1'));
    } else if (seen.has(name)) {
      // RFC 7692 §5: the server accepts at most one permessage-deflate offer
      out.push(told({ code: 'handshake.extension-not-offered', name, why: 'repeated' }, { packet: p, from: 'server' }, 'RFC 7692 §5'));
    } else if (name === 'permessage-deflate') {
      // RFC 7692 §7.1: the response must answer one of the offers with parameters it allows
      const problem = checkDeflateResponse(matching, ext);
      if (problem) out.push(told({ code: 'handshake.extension-not-offered', name: 'permessage-deflate', parameters: problem }, { packet: p, from: 'server' }, 'RFC 7692 §7.1'));
    }
    seen.add(name);
  }
  return out;
}

/**
 * The response's rules where the capture cut the request or the response
 * (the snapshot length, loss): a rule is checked only where what it reads
 * was captured. A cut response may have lost any header after the last
 * captured line; a cut request, what it offered and its key.
 */
export function checkCutResponse(req: HttpRequest, res: HttpResponse, cut: { request: boolean; response: boolean }): Diagnostic[] {
  const missingFromResponse = new Set(['handshake.upgrade-header', 'handshake.connection-header', 'handshake.accept-missing']);
  const missingFromRequest = new Set(['handshake.subprotocol-not-offered', 'handshake.extension-not-offered']);
  return checkResponse(req, res).filter((d) => !(cut.response && missingFromResponse.has(d.code)) && !(cut.request && missingFromRequest.has(d.code)));
}

/**
 * The handshake as reported: what was asked, what was answered, and the
 * Accept verdict. `agreed`: the status that opens the WebSocket (101 over
 * HTTP/1.1; over HTTP/2, RFC 8441 §5, any 2xx: Sec-WebSocket-Key and Accept
 * are not used there, and are reported as they are, unchecked).
 */
export function describeHandshake(req: HttpRequest, res: HttpResponse | null, agreed: (status: number) => boolean = (status) => status === 101): Handshake {
  const keys = headerValues(req.headers, 'sec-websocket-key');
  const key = keys.length >= 1 ? keys[0]! : null;
  const accepts = res ? headerValues(res.headers, 'sec-websocket-accept') : [];
  const accept = accepts[0] ?? null;
  const expectedAccept = key !== null ? computeAccept(key) : null;
  const upgraded = res !== null && agreed(res.status);
  const protocols = res ? headerTokens(res.headers, 'sec-websocket-protocol') : [];
  return {
    request: req,
    response: res,
    key,
    accept,
    expectedAccept,
    acceptValid: upgraded && accept !== null && expectedAccept !== null && res.status === 101 ? accept === expectedAccept : null,
    offeredSubprotocols: headerTokens(req.headers, 'sec-websocket-protocol'),
    subprotocol: upgraded ? (protocols[0] ?? null) : null,
    offeredExtensions: splitOffers(headerValues(req.headers, 'sec-websocket-extensions')),
    extensions: upgraded ? parseExtensions(res ? headerValues(res.headers, 'sec-websocket-extensions') : []) : [],
    outcome: res === null ? 'no-response' : upgraded ? 'upgraded' : 'rejected',
    truncated: false,
  };
}
