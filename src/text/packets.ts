// A packet and a frame in words, as the walkthrough, the ladder and the JSON's
// timeline tell them: "Text [FIN] 5 bytes [MASKED] \"Hello\"", "GET /chat
// HTTP/1.1 (Upgrade: websocket)", "ACK". Pure functions of the facts a
// timeline entry keeps (model.ts PacketFact; analyze/annotate.ts makes them),
// in the reader's language (text/packet-words.ts): English when none is
// given, as the exports (JSON, NDJSON, HTML) always ask.
import { type PacketWords, packetWords } from './packet-words.js';
import type { Lang } from './lang.js';
import { type FrameFact, type PacketFact, TCP_FIN, TCP_RST, TCP_SYN, type TimelineEntry, type TlsFact } from '../model.js';
import { flagNames } from '../tcp/segment.js';
import { cutWidth, sanitize } from '../util/text.js';

/** Frames a packet's summary names; the rest are counted. */
const MAX_FRAMES_NAMED = 3;
/** HTTP/2 frames a packet's summary names; the rest are counted. */
const MAX_H2_NAMED = 4;

/**
 * "Text [FIN] 5 bytes [MASKED] "Hello"", as the walkthrough names a frame;
 * the last fragment of a message also tells the whole message; `decrypted`:
 * its connection's TLS records were decrypted (its bytes came out of them).
 */
export function describeFrame(f: FrameFact, lang?: Lang, decrypted = false): string {
  return packetWords(lang).frame(f, decrypted);
}


function describeTls(records: readonly TlsFact[], w: PacketWords): string {
  let out = '';
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    let t: string;
    switch (r.kind) {
      case 'client-hello':
        t = w.tlsClientHello(r.sni, r.alpn);
        break;
      case 'server-hello':
        t = w.tlsServerHello(r.retry, r.version, r.suite, r.alpn);
        break;
      case 'handshake':
        t = w.tlsHandshake(r.name);
        break;
      case 'certificate':
        t = w.tlsCertificate(sanitize(cutWidth(r.subject, 60)), sanitize(cutWidth(r.issuer, 60)), sanitize(r.notAfter));
        break;
      case 'encrypted-extensions':
        t = w.tlsEncryptedExtensions(r.alpn !== null ? sanitize(cutWidth(r.alpn, 30)) : null);
        break;
      case 'alert':
        t = w.tlsAlert(r.name);
        break;
      case 'change-cipher-spec':
        t = w.tlsChangeCipherSpec;
        break;
      case 'encrypted':
        t = w.tlsEncrypted(r.records, r.failed);
        break;
      case 'decrypted':
        t = w.tlsDecrypted(r.records, r.keys.length === 0 ? r.keys : r.keys.map((k) => ({ ...k, file: sanitize(k.file) })));
        break;
      case 'record-part':
        t = w.tlsRecordPart(r.received, r.total);
        break;
    }
    out = i === 0 ? t : `${out}${w.tlsJoin}${t}`;
  }
  return out;
}

function describeFact(fact: PacketFact, w: PacketWords, decrypted = false): string | null {
  switch (fact.kind) {
    case 'keep-alive':
      return w.keepAlive;
    case 'retransmission':
      return w.retransmission(fact.bytes);
    case 'out-of-order':
      return w.outOfOrder(fact.bytes);
    case 'late':
      return w.late(fact.bytes);
    case 'acked-unseen':
      return w.ackedUnseen(fact.peer);
    case 'gap':
      return w.gap(fact.bytes, fact.from, fact.own);
    case 'resync':
      return w.resync(fact.skipped);
    case 'detected':
      return w.detected(fact.skipped);
    case 'opaque':
      return w.opaque(fact.bytes);
    case 'held':
      return w.held(fact.bytes);
    case 'early-response':
      return w.earlyResponse(fact.bytes);
    case 'http-partial':
      return w.httpPartial(fact.role, fact.bytes);
    case 'request':
      return w.request(fact.method, fact.target, fact.version, fact.upgrade, fact.hint);
    case 'response':
      return w.response(fact.version, fact.status, fact.reason);
    case 'partial-frame':
      return w.partialFrame(fact.opcode, fact.received, fact.total);
    case 'frame':
      return w.frame(fact, decrypted);
    case 'tls':
      return describeTls(fact.records, w);
    case 'h2': {
      // what the capture says (a path, a protocol name) is shown escaped
      const f = fact.frame;
      const clean = (t: string | undefined): string | undefined => (t === undefined ? undefined : sanitize(cutWidth(t, 80)));
      return w.h2(f.method === undefined && f.path === undefined && f.protocol === undefined ? f : { ...f, method: clean(f.method), path: clean(f.path), protocol: clean(f.protocol) });
    }
  }
}

/** A packet's one-line summary, from what it carried: its TCP flags when they matter. */
export function packetSummary(told: readonly PacketFact[], tcp: number | null, lang?: Lang): string {
  const w = packetWords(lang);
  const texts: string[] = [];
  let frames = 0;
  let h2 = 0;
  let partialShown = false;
  // a decrypted packet's frames came out of TLS records, not straight out of TCP segments
  const decrypted = told.some((f) => f.kind === 'tls' && f.records.some((r) => r.kind === 'decrypted'));
  for (let i = 0; i < told.length; i++) {
    const f = told[i]!;
    if (f.kind === 'frame') {
      frames++;
      if (frames > MAX_FRAMES_NAMED) continue;
    }
    if (f.kind === 'h2' && ++h2 > MAX_H2_NAMED) continue;
    // a frame completed in this packet already says it was reassembled
    if (f.kind === 'partial-frame') {
      if (partialShown) continue;
      partialShown = true;
    }
    const t = describeFact(f, w, decrypted);
    if (t) texts.push(t);
  }
  if (frames > MAX_FRAMES_NAMED) texts.push(w.moreFrames(frames - MAX_FRAMES_NAMED));
  if (h2 > MAX_H2_NAMED) texts.push(w.moreH2(h2 - MAX_H2_NAMED));
  let summary = texts.join(w.join);
  if (tcp !== null) {
    const flags = flagNames(tcp);
    const shown = (tcp & (TCP_SYN | TCP_FIN | TCP_RST)) !== 0 || summary === '';
    if (shown) summary = summary === '' ? flags : w.withFlags(summary, flags);
  }
  return summary;
}

/**
 * A timeline entry's one-line summary, in `lang` (English without it). The
 * signature without a language comes first so that the function can still
 * be handed to Array.map as it is (which passes an index second: a number
 * is no language, and the summary is English).
 */
export function entrySummary(e: TimelineEntry): string;
export function entrySummary(e: TimelineEntry, lang?: Lang): string;
export function entrySummary(e: TimelineEntry, lang?: Lang): string {
  return packetSummary(e.told, e.tcp, lang);
}
