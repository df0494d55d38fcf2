// Explain mode: the connection told in plain words, phase by phase, for a
// person who has never read RFC 6455 — what each packet does, what each
// handshake header is for, the Accept computed step by step with this
// capture's key, why the client masks, each frame's bits drawn as the RFC
// draws them, the closing handshake and the teardown. Reads the analysis
// result only.
import { conversationName } from '../model.js';
import { isUtf8 } from 'node:buffer';
import { protocolLabel, tellsWebSocket, endpoint, webSocketsCarried } from './kind.js';
import type { Connection, Frame, Side } from '../model.js';
import { acceptSha1Hex, WEBSOCKET_GUID } from '../http/handshake.js';
import { explainWords, type ExplainWords, type FrameFacts } from '../text/explain-words.js';
import { cutWidth, displayWidth, inQuotes, previewPayload, previewText, sanitize, wrap, safeCut } from '../util/text.js';
import { reportWords } from '../text/report-words.js';
import { renderFrameDiagram, renderUnmasking } from './diagram.js';
import type { RenderOptions } from './options.js';
import { paint } from './paint.js';
import { entryOf, messageOf } from '../select/lookup.js';
import { noMatchLine, selectionLine, shownOf } from './narrowed.js';
import { find } from '../util/list.js';
import { capByCode, omittedLine } from './capped.js';

/** The words of the language asked for, and how that language lays out a paragraph. */
interface Speech {
  w: ExplainWords;
  wrap(text: string, width: number, indent: string, rest?: string): string[];
}

function speech(opts: RenderOptions): Speech {
  return { w: explainWords(opts.lang), wrap: reportWords(opts.lang).wrap };
}

function at(conn: Connection, w: ExplainWords, packet: number | null): string {
  const e = entryOf(conn, packet);
  return w.at({ packet, relTs: e ? e.relTs : null });
}

function tcpHandshake(conn: Connection, w: ExplainWords, say: (t: string) => void): void {
  const hs = conn.tcp.handshake;
  if (hs.syn === null && hs.synAck === null) {
    say(w.midStream);
    return;
  }
  if (hs.syn !== null) say(w.syn(at(conn, w, hs.syn), endpoint(conn.client), endpoint(conn.server)));
  if (hs.synAck !== null) say(w.synAck(at(conn, w, hs.synAck)));
  if (hs.ack !== null) say(w.handshakeAck(at(conn, w, hs.ack)));
  const a = entryOf(conn, hs.syn);
  const b = entryOf(conn, hs.synAck);
  if (a && b) say(w.handshakeRtt(b.ts - a.ts));
}

/** A head's headers with what each is for: in the request, in a 101, or in a refusal (where none is WebSocket's). */
function headerLines(s: Speech, headers: [string, string][], width: number, head: 'request' | 'response' | 'refusal' = 'request'): string[] {
  const out: string[] = [];
  for (const [name, value] of headers) {
    out.push(`      ${sanitize(name)}: ${safeCut(value, Math.max(20, width - displayWidth(sanitize(name)) - 8))}`);
    const key = name.toLowerCase();
    // (a refusal's headers are an ordinary response's, but HTTP/2's pseudo-header fields keep their meaning)
    const purpose = head === 'refusal' && !key.startsWith(':') ? s.w.ordinaryHeader : ((head === 'response' ? s.w.responseHeader(key) : null) ?? s.w.requestHeader(key) ?? s.w.ordinaryHeader);
    out.push(...s.wrap(`→ ${purpose}`, width, '          '));
  }
  return out;
}

/** A WebSocket an HTTP/2 stream carries: its extended CONNECT and the answer (RFC 8441 §4, §5). */
function wsHandshakeH2(conn: Connection, stream: number, opts: RenderOptions, s: Speech, say: (t: string) => void, raw: (lines: string[]) => void): void {
  const { w } = s;
  const hs = conn.handshake;
  if (!hs) return;
  say(w.requestH2(at(conn, w, hs.request.packet), stream, sanitize(safeCut(hs.request.target, 60))));
  raw(headerLines(s, hs.request.headers, opts.width));
  const res = hs.response;
  if (!res) {
    say(w.noResponse);
    return;
  }
  if (hs.outcome === 'rejected') {
    say(w.rejectedH2(at(conn, w, res.packet), res.status));
    raw(headerLines(s, res.headers, opts.width, 'refusal'));
    return;
  }
  say(w.openedH2(at(conn, w, res.packet), res.status));
  raw(headerLines(s, res.headers, opts.width, 'response'));
  if (hs.subprotocol) say(w.subprotocol(inQuotes(hs.subprotocol)));
  for (const e of hs.extensions) say(e.name === 'permessage-deflate' ? w.deflate : w.extension(sanitize(e.name)));
}

/** The end of a WebSocket's HTTP/2 stream: END_STREAM each way, or RST_STREAM (conn.tcp tells the stream's ends for it). */
function streamEnd(conn: Connection, w: ExplainWords, say: (t: string) => void): void {
  const t = conn.tcp.teardown;
  if (t.kind === 'none') {
    say(w.streamStillOpen);
    return;
  }
  if (t.kind === 'rst') {
    say(w.streamReset(at(conn, w, t.packets.at(-1) ?? null), t.firstBy, conn.websocket));
    return;
  }
  const ends = conn.tcp.finBy;
  const first: Side = t.firstBy ?? 'client';
  const other: Side = first === 'client' ? 'server' : 'client';
  say(w.streamEnds({ at: at(conn, w, ends[first]), side: first }, ends[other] !== null ? { at: at(conn, w, ends[other]), side: other } : null));
}

function wsHandshake(conn: Connection, opts: RenderOptions, s: Speech, say: (t: string) => void, raw: (lines: string[]) => void): void {
  const { w } = s;
  const hs = conn.handshake;
  if (!hs) return;
  const req = hs.request;
  say(w.request(at(conn, w, req.packet), sanitize(`${req.method} ${req.target}`)));
  raw(headerLines(s, req.headers, opts.width));
  const res = hs.response;
  if (!res) {
    say(w.noResponse);
    return;
  }
  if (hs.outcome === 'rejected') {
    say(w.rejected(at(conn, w, res.packet), res.status, sanitize(res.reason)));
    // its headers are an ordinary response's: what they mean in a 101 does not apply
    raw(headerLines(s, res.headers, opts.width, 'refusal'));
    const body = res.body;
    if (body && body.length > 0) {
      const text = isUtf8(body.data) ? previewText(body.data, Math.max(20, opts.width - 10)) : previewPayload(body.data, Math.max(20, opts.width - 10));
      say(w.refusalBody(body.length, body.complete, text));
    }
    return;
  }
  say(w.switching(at(conn, w, res.packet)));
  raw(headerLines(s, res.headers, opts.width, 'response'));
  if (hs.key !== null) {
    say(w.acceptIntro);
    const concat = `${hs.key}${WEBSOCKET_GUID}`;
    const steps = w.acceptSteps;
    // the values of steps 1, 3, 4 and 5 in one column, after the widest of their words
    const labels = [steps.key, steps.sha1(concat.length), steps.base64, steps.sent];
    const column = Math.max(...labels.map(displayWidth)) + 1;
    const pad = (label: string): string => `      ${label}${' '.repeat(column - displayWidth(label))}`;
    // a step's value goes under its words when the line would not fit; a value too long for a line is broken
    const step = (words: string, value: string): string[] => {
      const line = `${words}${value}`;
      if (displayWidth(line) <= opts.width) return [line];
      return [words.trimEnd(), ...wrap(value, opts.width, '         ')];
    };
    const p = paint(opts.color);
    raw([
      ...step(pad(steps.key), sanitize(hs.key)),
      ...s.wrap(steps.guid(WEBSOCKET_GUID), opts.width, '      ', '         '),
      ...wrap(sanitize(concat), opts.width, '         '),
      ...step(pad(steps.sha1(concat.length)), acceptSha1Hex(hs.key)),
      ...step(pad(steps.base64), hs.expectedAccept ?? ''),
      ...step(pad(steps.sent), hs.accept === null ? steps.noAccept : sanitize(hs.accept)),
      `         ${hs.acceptValid ? p.green(steps.match) : p.red(steps.differ)}`,
    ]);
  }
  if (hs.subprotocol) say(w.subprotocol(inQuotes(hs.subprotocol)));
  for (const e of hs.extensions) say(e.name === 'permessage-deflate' ? w.deflate : w.extension(sanitize(e.name)));
}

/** The facts of a frame that its sentence tells. */
function frameFacts(f: Frame, conn: Connection): FrameFacts {
  const msg = messageOf(conn, f.message);
  const e = entryOf(conn, f.packet);
  const text = !f.close && !msg?.compressed && (f.opcode === 1 || (f.opcode === 0 && msg?.type === 'text')) && f.payload.length > 0 ? previewText(f.payload, 40, true) : null;
  return {
    index: f.index,
    at: { packet: f.packet, relTs: e ? e.relTs : null },
    from: f.from,
    opcode: f.opcode,
    fin: f.fin,
    length: Number(f.payloadLength),
    masked: f.masked,
    maskingKey: f.maskingKey,
    segments: f.packets.length > 1 ? { count: f.packets.length, first: f.packets[0]!, last: f.packets[f.packets.length - 1]! } : null,
    close: f.close ? { code: f.close.code, reason: f.close.reason ? inQuotes(f.close.reason, 40) : null } : null,
    compressed: msg?.compressed ? (f.rsv1 ? 'rsv1' : 'part') : null,
    text,
    answers: f.answers ? { packet: f.answers.packet, rtt: f.answers.rtt } : null,
  };
}

/** At most this many frames are told one by one; the rest are counted. */
const FRAMES_TOLD = 40;

function frames(conn: Connection, opts: RenderOptions, w: ExplainWords, say: (t: string) => void, raw: (lines: string[]) => void): void {
  const drawn = new Set<string>();
  for (let i = 0; i < Math.min(FRAMES_TOLD, conn.frames.length); i++) {
    const f = conn.frames.at(i)!;
    say(w.frame(frameFacts(f, conn)));
    const kind = `${f.from}:${f.opcode}`;
    // the first frame of each kind from each side gets its header drawn
    if (drawn.has(kind)) continue;
    drawn.add(kind);
    raw(['', ...renderFrameDiagram(f, opts.color, opts.width - 4, w.diagram).map((l) => `    ${l}`), ...renderUnmasking(f, 8, opts.width - 4, w.unmasking, reportWords(opts.lang).wrap).map((l) => `    ${l}`), '']);
  }
  if (conn.frames.length > FRAMES_TOLD) say(w.moreFrames(conn.frames.length - FRAMES_TOLD));
}

/** The TLS handshake of a connection decrypted with a key log: its hellos, what a key log is, which secrets opened what. */
function tlsHandshake(conn: Connection, w: ExplainWords, say: (t: string) => void): void {
  const t = conn.tls!;
  let client: number | null = null;
  let server: number | null = null;
  for (const e of conn.timeline) {
    for (const f of e.told) {
      if (f.kind !== 'tls') continue;
      for (const r of f.records) {
        if (r.kind === 'client-hello') client ??= e.packet;
        if (r.kind === 'server-hello' && !r.retry) server ??= e.packet;
      }
    }
    if (client !== null && server !== null) break;
  }
  say(
    w.tlsHellos(
      client !== null ? { at: at(conn, w, client), sni: t.sni !== null ? sanitize(cutWidth(t.sni, 60)) : null, alpn: t.alpnOffered.map((a) => sanitize(cutWidth(a, 30))) } : null,
      server !== null ? { at: at(conn, w, server), version: t.version, suite: t.cipherSuite } : null,
    ),
  );
  const cert = t.certificate;
  const shown = (x: string): string => sanitize(cutWidth(x, 60));
  const serverSaid = w.tlsServerSaid(cert && { subject: shown(cert.subject), issuer: shown(cert.issuer), notAfter: shown(cert.notAfter), altNames: cert.altNames.slice(0, 4).map(shown) }, t.alpn !== null ? shown(t.alpn) : null);
  if (serverSaid !== '') say(serverSaid);
  const files = [...new Set(t.keys.map((k) => sanitize(k.file)))];
  say(w.tlsKeyLog(files));
  const version = t.version === 'TLS 1.3' || t.version === 'TLS 1.2' ? t.version : null;
  say(w.tlsSecrets(version, t.keys.map((k) => ({ label: k.label, file: sanitize(k.file), line: k.line }))));
  if (t.failedRecords > 0) say(w.tlsFailed(t.failedRecords));
}

function closing(conn: Connection, w: ExplainWords, say: (t: string) => void): void {
  const cs = conn.close;
  if (!cs.initiator) {
    say(w.noClose);
    return;
  }
  const peer: Side = cs.initiator === 'client' ? 'server' : 'client';
  say(w.closeStarts(cs.initiator, at(conn, w, cs.packet), cs.code, cs.code !== null && cs.reason ? inQuotes(cs.reason, 60) : null));
  if (cs.replyPacket !== null) say(w.closeAnswered(peer, at(conn, w, cs.replyPacket), cs.replyCode));
  else say(w.closeUnanswered(peer));
}

function teardown(conn: Connection, w: ExplainWords, say: (t: string) => void): void {
  const t = conn.tcp.teardown;
  if (t.kind === 'none') {
    say(w.stillOpen);
    return;
  }
  if (t.kind === 'rst') {
    say(w.reset(at(conn, w, t.packets[0] ?? null), t.firstBy));
    return;
  }
  const fins = conn.tcp.finBy;
  const first = t.firstBy ?? 'client';
  const other: Side = first === 'client' ? 'server' : 'client';
  say(w.fin(at(conn, w, fins[first]), first, other, fins[other] !== null ? at(conn, w, fins[other]) : null));
  say(first === 'server' ? w.serverClosedFirst : w.clientClosedFirst);
}

export function renderExplain(conn: Connection, opts: RenderOptions): string {
  const p = paint(opts.color);
  const s = speech(opts);
  const { w } = s;
  const out: string[] = [];
  const say = (t: string): void => {
    out.push(...s.wrap(t, opts.width, '  '));
  };
  const raw = (lines: string[]): void => {
    out.push(...lines.map((l) => l.replace(/\s+$/, '')));
  };
  const section = (n: number, title: string, body: () => void): void => {
    const before = out.length;
    out.push('', p.bold(`${n}. ${title}`));
    const mark = out.length;
    body();
    if (out.length === mark) out.splice(before);
  };
  out.push(...s.wrap(w.title(conversationName(conn), endpoint(conn.client), endpoint(conn.server)), opts.width, '', '  ').map((l) => p.bold(l)));
  if (!tellsWebSocket(conn)) {
    const carried = webSocketsCarried(conn);
    say(carried.length > 0 ? w.carriesWebSockets(carried) : w.notWebSocket(protocolLabel(conn, opts.lang)));
    return `${out.join('\n')}\n`;
  }
  const selected = selectionLine(conn, ['frames', 'packets'], opts.lang);
  if (selected) say(selected);
  let n = 1;
  const stream = conn.stream;
  if (stream !== null) {
    section(n++, w.sections.stream, () => say(w.carried(stream, conn.id)));
    section(n++, w.sections.wsHandshakeH2, () => wsHandshakeH2(conn, stream, opts, s, say, raw));
  } else section(n++, w.sections.tcpHandshake, () => tcpHandshake(conn, w, say));
  if (conn.tls?.decrypted === true) section(n++, w.sections.tlsHandshake, () => tlsHandshake(conn, w, say));
  if (stream !== null) {
    // (told above)
  } else if (conn.handshake) section(n++, w.sections.wsHandshake, () => wsHandshake(conn, opts, s, say, raw));
  else {
    const how = conn.detection;
    if (how !== null && how !== 'handshake') section(n++, w.sections.detection, () => say(w.detectedBy(how)));
  }
  const none = noMatchLine(conn, ['frames'], opts.lang);
  if (conn.frames.length > 0) {
    section(n++, w.sections.masking, () => say(w.maskingWhy));
    section(n++, w.sections.frames(shownOf(conn, 'frames', conn.frames.length, opts.lang)), () => frames(conn, opts, w, say, raw));
  } else if (none) section(n++, w.sections.noFrames(shownOf(conn, 'frames', 0, opts.lang)), () => say(w.asSentence(none)));
  if (conn.handshake?.outcome !== 'rejected') section(n++, w.sections.closing, () => closing(conn, w, say));
  if (stream !== null) section(n++, w.sections.streamEnd, () => streamEnd(conn, w, say));
  else section(n++, w.sections.teardown, () => teardown(conn, w, say));
  if (conn.diagnostics.length > 0) {
    section(n++, w.sections.diagnostics, () => {
      // a flood of one rule is told by its first few and counted
      const { shown, omitted } = capByCode(conn.diagnostics);
      for (const d of shown) say(w.diagnostic(p.severity(d.severity, w.severity(d.severity)), d));
      for (const [code, n] of omitted) say(omittedLine(code, n, opts.lang));
    });
  }
  return `${out.join('\n')}\n`;
}

/** `--frame N`: one frame's header drawn, and how its payload unmasks. */
export function renderFrame(conn: Connection, index: number, opts: RenderOptions): string {
  // by its index, not its place: a selection keeps the indexes of the frames it keeps
  const f = find(conn.frames, (x) => x.index === index);
  const s = speech(opts);
  if (!f) return `${s.wrap(s.w.noFrame(conversationName(conn), index, conn.frames.length), opts.width, '  ').join('\n')}\n`;
  return `${[...s.wrap(s.w.frame(frameFacts(f, conn)), opts.width, '  '), '', ...renderFrameDiagram(f, opts.color, opts.width - 2, s.w.diagram).map((l) => `  ${l}`), ...renderUnmasking(f, 16, opts.width - 2, s.w.unmasking, s.wrap).map((l) => `  ${l}`)].join('\n')}\n`;
}
