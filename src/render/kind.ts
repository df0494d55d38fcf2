// What a connection is, in the words every view uses: read from the
// analysis (websocket, protocol, handshake), never decided again here.
import type { CaptureInfo, Connection, SideCounts } from '../model.js';
import { PROTOCOL_LABELS } from '../identify/identify.js';
import { sanitize } from '../util/text.js';
import { reportWords } from '../text/report-words.js';
import type { Lang } from '../text/lang.js';

/** The connection has a WebSocket story to tell: it became WebSocket, or an upgrade was attempted on it. */
export function tellsWebSocket(c: Connection): boolean {
  return c.websocket || c.handshake !== null;
}

/** "upgrade refused (401 Unauthorized)" for a refused upgrade, else null. */
export function refusal(c: Connection, lang?: Lang): string | null {
  const hs = c.handshake;
  if (hs?.outcome !== 'rejected' || !hs.response) return null;
  return reportWords(lang).refused(hs.response.status, hs.response.reason ? sanitize(hs.response.reason) : null, true);
}

/** Why a connection that is not WebSocket has no frames, when a view can say more than that: its refused upgrade, or the WebSockets its HTTP/2 carried (told on their own). */
export function noFramesBecause(c: Connection, lang?: Lang): string | null {
  const carried = webSocketsCarried(c);
  return carried.length > 0 ? reportWords(lang).carriesWebSockets(carried) : refusal(c, lang);
}

/** The names of the WebSocket conversations a connection's HTTP/2 streams carried (RFC 8441), as they are reported: "0/3". */
export function webSocketsCarried(c: Connection): string[] {
  return (c.http2?.streams ?? []).filter((s) => s.websocket && s.status !== null && s.status >= 200 && s.status < 300).map((s) => `${c.id}/${s.id}`);
}

/**
 * How a connection ended, read once from the analysis' facts (the upgrade's
 * outcome, the Close frames, the TCP teardown); every view words it with
 * endingWords, in its short form (tables) or its long one (sentences).
 */
export type Ending = 'refused' | 'not-websocket' | 'no-response' | 'clean-close' | 'close-unanswered' | 'closed-tcp-open' | 'unclean-close' | 'reset-no-close' | 'still-open' | 'no-close';

export function ending(c: Connection): Ending {
  const hs = c.handshake;
  if (hs?.outcome === 'rejected') return 'refused';
  if (!tellsWebSocket(c)) return 'not-websocket';
  if (hs?.outcome === 'no-response' && c.detection === null) return 'no-response';
  const cs = c.close;
  const t = c.tcp.teardown.kind;
  if (cs.clean) return 'clean-close';
  if (cs.initiator !== null) {
    if (cs.replyPacket === null) return 'close-unanswered';
    // both Close frames, but not both before the TCP teardown began (a clean close has them first)
    return t === 'none' ? 'closed-tcp-open' : 'unclean-close';
  }
  if (t === 'rst') return 'reset-no-close';
  if (t === 'none') return 'still-open';
  return 'no-close';
}

/** How the connection ended, in words: "clean close"; `long`, in a sentence's words ("still open at the end of the capture"). */
export function endingWords(c: Connection, long = false, lang?: Lang): string {
  const e = ending(c);
  const w = reportWords(lang);
  if (e === 'refused') return long ? (refusal(c, lang) ?? w.refused(null, null, true)) : w.refused(c.handshake?.response?.status ?? null, null, false);
  // a connection that is not WebSocket itself, whose HTTP/2 carried WebSockets (told on their own)
  const carried = e === 'not-websocket' ? webSocketsCarried(c) : [];
  if (carried.length > 0) return long ? w.carriesWebSockets(carried) : w.carriesShort(carried.length);
  return w.ending(e, long, c.stream !== null);
}

/** What a connection that is not WebSocket carries: "TLS 1.3, SNI example.com", "SSH (SSH-2.0-OpenSSH_9.2)", "HTTP", "no data". */
export function protocolLabel(c: Connection, lang?: Lang): string {
  const p = c.protocol;
  if (p === null) return reportWords(lang).noData;
  if (p.name === 'unknown') return reportWords(lang).unknownData;
  const label = PROTOCOL_LABELS[p.name];
  const detail = protocolDetail(c, lang);
  return detail ? reportWords(lang).protocolDetail(label, sanitize(detail)) : label;
}

/**
 * What the protocol's own bytes say of a connection: an SSH banner, a
 * database's version, or what a TLS handshake's cleartext says (put in words
 * here from the connection's tls facts); null when nothing.
 */
export function protocolDetail(c: Connection, lang?: Lang): string | null {
  const t = c.tls;
  // a wss:// connection decrypted with a key log: WebSocket, and what its TLS handshake said
  if (c.protocol?.name === 'websocket' && t?.decrypted === true) return tlsDetail(c, lang);
  if (c.protocol?.name !== 'tls' || t === null) return c.protocol?.detail ?? null;
  return tlsDetail(c, lang);
}

/** What a connection's TLS handshake said: "TLS 1.3, SNI example.com, ALPN http/1.1, TLS_AES_128_GCM_SHA256". */
export function tlsDetail(c: Connection, lang?: Lang): string | null {
  const t = c.tls;
  if (t === null) return null;
  const w = reportWords(lang).tls;
  const alpn = t.alpn ? `ALPN ${t.alpn}` : t.alpnOffered.length > 0 ? w.alpnOffered(t.alpnOffered) : null;
  const said = [t.version, t.sni ? `SNI ${t.sni}` : null, alpn, t.cipherSuite].filter((x) => x !== null);
  if (said.length > 0) return said.join(w.join);
  if (t.handshakeSeen) return null;
  return c.tcp.handshake.syn !== null || c.tcp.handshake.synAck !== null ? w.hellosCut : w.joinedLate;
}

/** The words --summary and the HTML list give a WebSocket connection: how it was told, and over TLS what TLS said. */
export function webSocketKind(c: Connection, lang?: Lang): string {
  const tls = c.tls?.decrypted === true ? tlsDetail(c, lang) : null;
  return reportWords(lang).summaryWebSocket(c.detection, tls !== null ? sanitize(tls) : null);
}

/** The summary's count of connections: "3 WebSocket, 1 upgrade refused". */
export { websocketCounts } from '../text/en/report.js';

/** For a TLS connection: why nothing WebSocket can be seen in it. */
export function encryptedNote(c: Connection): string {
  return c.tls ? '; encrypted: whatever it carries (wss:// WebSocket or not) cannot be read without its keys' : '';
}

/** An address and port as every view writes it: 127.0.0.1:8080, [::1]:8080. */
export function endpoint(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** Where a diagnostic happened, as every view says it: "packet 8, frame 0, client" (empty when nothing is known). */
export function diagnosticWhere(d: { packet: number | null; frame: number | null; from: string | null }): string {
  return [d.packet !== null ? `packet ${d.packet}` : null, d.frame !== null ? `frame ${d.frame}` : null, d.from].filter((x) => x !== null).join(', ');
}

/**
 * A capture whose reading was interrupted (Ctrl-C on a live capture), in
 * words, else null: "Interrupted: the capture was read up to packet 25, no
 * further; …".
 */
export function interruptedNote(c: CaptureInfo, lang?: Lang): string | null {
  return c.interrupted ? reportWords(lang).interrupted(c.packets) : null;
}

/** The frames a side sent, all opcodes: the sum of its counts per opcode. */
export function sideFrames(s: SideCounts): number {
  let n = 0;
  for (const f of Object.values(s.frames)) n += f.count;
  return n;
}
