// WebSocket over HTTP/2 (RFC 8441): the stage that reads a TCP connection's
// HTTP/2 (http2/session.ts) and gives each WebSocket it carries a
// conversation of its own. An extended CONNECT with :protocol websocket opens
// one; its DATA bytes are the WebSocket's byte stream, read by a connection
// analysis of its own (a tunnel: connection.ts), packet by packet as TCP
// delivers them; END_STREAM and RST_STREAM are its teardown. The rules of
// the extended CONNECT are checked here; the WebSocket's own rules there,
// as over HTTP/1.1.
import type { Dir } from '../tcp/connection.js';
import type { Diagnostic, Http2Info, Http2StreamInfo, HttpRequest, HttpResponse, Side } from '../model.js';
import type { DiagnosticFacts } from '../diagnostic.js';
import { told } from '../text/diagnostics.js';
import { errorName, FRAME_NAMES, SETTINGS_ENABLE_CONNECT_PROTOCOL, SETTINGS_NAMES } from '../http2/frames.js';
import { H2Session, type FrameFact, type H2Problem, type H2Sink, type H2Stream } from '../http2/session.js';
import type { PacketItem } from './annotate.js';

/** A WebSocket an HTTP/2 stream carries, analysed as a conversation of its own (connection.ts in tunnel mode). */
export interface Tunnel {
  /** the extended CONNECT: the conversation's opening request */
  openTunnel(stream: number, request: HttpRequest, ts: number): void;
  /** the server's answer; a 2xx opens the WebSocket (RFC 8441 §5) */
  tunnelResponse(response: HttpResponse, ts: number): void;
  /** bytes of the stream's DATA, by the conversation's direction (0: the client's) */
  tunnelData(dir: Dir, bytes: Buffer, packet: number, ts: number): void;
  /** a direction ended the stream (END_STREAM), or reset it (RST_STREAM) */
  tunnelEnd(dir: Dir, how: 'end-stream' | 'reset', packet: number, ts: number): void;
  /** an HTTP/2 frame of the stream, told on the packet that completed it */
  tunnelFrame(fact: FrameFact): void;
  tunnelDiagnostic(d: Diagnostic): void;
  /** bytes of the connection's direction (0: the client's) were lost: what the stream carried in them is lost too, of unknown length */
  tunnelGap(dir: Dir, bytes: number, packet: number, ts: number): void;
  /** the packet is over: its entry in the conversation's timeline */
  tunnelPacket(pkt: { number: number; ts: number; relTs: number }, dir: Dir): void;
}

/** What the carrier needs of the connection it reads. */
export interface CarrierHost {
  side(dir: Dir): Side;
  item(item: PacketItem): void;
  diagnostic(d: Diagnostic): void;
  /** a new conversation for a WebSocket stream */
  tunnel(): Tunnel;
  /** a conversation whose stream is over (both ends, or a reset): finished and reported now, not kept until the connection ends */
  conclude(t: Tunnel): void;
}

/** Stream summaries kept for the report; past this many, the oldest go (streamCount still counts them). */
const MAX_STREAM_INFOS = 1000;

function field(fields: readonly [string, string][], name: string): string | undefined {
  return fields.find(([n]) => n === name)?.[1];
}

/** An HTTP/2 head as the HTTP/1.1 model holds one: the pseudo-header fields stay among the fields, as they were sent. */
function asRequest(s: H2Stream): HttpRequest {
  const h = s.request!;
  return { packet: h.packet, method: field(h.fields, ':method') ?? '', target: field(h.fields, ':path') ?? '', version: 'HTTP/2', headers: h.fields };
}

function asResponse(s: H2Stream): HttpResponse {
  const h = s.response!;
  return { packet: h.packet, version: 'HTTP/2', status: Number(field(h.fields, ':status') ?? 0), reason: '', headers: h.fields };
}

export class H2Carrier implements H2Sink {
  readonly session: H2Session;
  private readonly tunnels = new Map<number, Tunnel>();
  /** conversations a packet gave something to: each gets the packet's entry when it is over */
  private readonly touched = new Set<Tunnel>();
  /** streams that ended, summarised (the session forgets streams) */
  private readonly done: Http2StreamInfo[] = [];
  /** WebSocket streams the packet being read ended */
  private readonly over = new Set<number>();
  private packet = 0;
  private ts = 0;

  constructor(
    private readonly host: CarrierHost,
    private readonly clientDir: Dir,
    private readonly start: Http2Info['start'],
  ) {
    this.session = new H2Session(clientDir, this);
  }

  push(dir: Dir, data: Buffer, packet: number, ts: number): void {
    this.packet = packet;
    this.ts = ts;
    this.session.push(dir, data, packet, ts);
  }

  /**
   * Bytes of a direction were lost (capture loss, the snapshot length): the
   * HTTP/2 frames after them cannot be found (nothing marks where one
   * starts), so each open WebSocket loses that direction from here on, and
   * says so.
   */
  gap(dir: Dir, bytes: number, packet: number, ts: number): void {
    for (const t of this.tunnels.values()) this.touch(t).tunnelGap(this.of(dir), bytes, packet, ts);
  }

  /**
   * The HTTP/1.1 request an h2c upgrade answered: HTTP/2's stream 1, the
   * client's side of it ended (RFC 7540 §3.2); its answer comes in HTTP/2.
   */
  upgraded(request: HttpRequest): void {
    this.session.upgradedRequest([[':method', request.method], [':path', request.target]], request.packet, this.ts);
  }

  /** A direction's bytes are not HTTP/2 after all (no preface). */
  stopped(dir: Dir): boolean {
    return this.session.stopped(dir);
  }

  /**
   * The packet is over: each conversation it carried something of gets its
   * entry; those whose stream it ended are concluded (a long connection
   * opening WebSocket after WebSocket keeps only the open ones).
   */
  endPacket(pkt: { number: number; ts: number; relTs: number }, dir: Dir): void {
    if (this.touched.size === 0) return;
    for (const t of this.touched) t.tunnelPacket(pkt, this.of(dir));
    this.touched.clear();
    for (const id of this.over) {
      const t = this.tunnels.get(id);
      if (!t) continue;
      this.tunnels.delete(id);
      this.host.conclude(t);
    }
    this.over.clear();
  }

  /** A direction of the TCP connection as the conversation names it: 0 the client's. */
  private of(dir: Dir): Dir {
    return dir === this.clientDir ? 0 : 1;
  }

  private touch(t: Tunnel): Tunnel {
    this.touched.add(t);
    return t;
  }

  frame(_dir: Dir, fact: FrameFact): void {
    this.host.item({ kind: 'h2', frame: fact });
    const t = this.tunnels.get(fact.stream);
    if (t) this.touch(t).tunnelFrame(fact);
  }

  head(_dir: Dir, s: H2Stream, role: 'request' | 'response'): void {
    if (role === 'request') {
      this.request(s);
      return;
    }
    const t = this.tunnels.get(s.id);
    if (!t) return;
    const res = asResponse(s);
    this.touch(t).tunnelResponse(res, s.response!.ts);
    const accepts = res.headers.filter(([n]) => n === 'sec-websocket-accept');
    if (accepts.length > 0) t.tunnelDiagnostic(told({ code: 'h2.websocket-key', stream: s.id, headers: ['Sec-WebSocket-Accept'], in: 'response' }, { packet: res.packet, from: 'server' }));
  }

  /** A request head: an extended CONNECT's rules (RFC 8441 §3–§5); one for websocket opens a conversation. */
  private request(s: H2Stream): void {
    const fields = s.request!.fields;
    const packet = s.request!.packet;
    const method = field(fields, ':method') ?? '';
    const protocol = field(fields, ':protocol');
    if (protocol === undefined) return;
    if (method !== 'CONNECT') {
      this.host.diagnostic(told({ code: 'h2.protocol-without-connect', stream: s.id, method, protocol }, { packet, from: 'client' }));
      return;
    }
    const found: Diagnostic[] = [];
    const setting = this.session.settings[this.clientDir === 0 ? 1 : 0].get(SETTINGS_ENABLE_CONNECT_PROTOCOL) ?? null;
    if (setting !== 1) found.push(told({ code: 'h2.connect-not-enabled', stream: s.id, protocol, setting }, { packet, from: 'client' }));
    const missing = [':scheme', ':path', ':authority'].filter((n) => field(fields, n) === undefined);
    if (missing.length > 0) found.push(told({ code: 'h2.connect-pseudo-missing', stream: s.id, missing }, { packet, from: 'client' }));
    if (protocol.toLowerCase() !== 'websocket') {
      // another protocol's tunnel (WebTransport, CONNECT-UDP…): its rules are the method's only
      for (const d of found) this.host.diagnostic(d);
      return;
    }
    const scheme = field(fields, ':scheme') ?? null;
    if (scheme !== 'http' && scheme !== 'https' && !missing.includes(':scheme')) found.push(told({ code: 'h2.connect-scheme', stream: s.id, scheme }, { packet, from: 'client' }));
    const names = new Set(fields.map(([n]) => n));
    const hop = (['connection', 'upgrade'] as const).filter((n) => names.has(n)).map((n) => (n === 'connection' ? 'Connection' : 'Upgrade'));
    if (hop.length > 0) found.push(told({ code: 'h2.connect-hop-header', stream: s.id, headers: hop }, { packet, from: 'client' }));
    if (names.has('sec-websocket-key')) found.push(told({ code: 'h2.websocket-key', stream: s.id, headers: ['Sec-WebSocket-Key'], in: 'request' }, { packet, from: 'client' }));
    const versions = fields.filter(([n]) => n === 'sec-websocket-version').map(([, v]) => v);
    // RFC 8441 §5: Sec-WebSocket-Version is used as RFC 6455 defines it
    if (versions.length !== 1 || versions[0] !== '13') found.push(told({ code: 'handshake.version', versions }, { packet, from: 'client' }));
    const t = this.host.tunnel();
    this.tunnels.set(s.id, t);
    s.websocket = true;
    this.touch(t).openTunnel(s.id, asRequest(s), s.request!.ts);
    for (const d of found) t.tunnelDiagnostic(d);
  }

  data(dir: Dir, s: H2Stream, bytes: Buffer): void {
    const t = this.tunnels.get(s.id);
    if (t) this.touch(t).tunnelData(this.of(dir), bytes, this.packet, this.ts);
  }

  ended(dir: Dir, s: H2Stream, how: 'end-stream' | 'reset'): void {
    const t = this.tunnels.get(s.id);
    if (t) {
      this.touch(t).tunnelEnd(this.of(dir), how, this.packet, this.ts);
      // a reset of a WebSocket that was open and not ended both ways cuts it (one after a refusal, or after both END_STREAMs, cuts nothing)
      const open = s.response !== null && /^2\d\d$/.test(field(s.response.fields, ':status') ?? '') && (s.ended[0] === null || s.ended[1] === null);
      if (how === 'reset' && open) t.tunnelDiagnostic(told({ code: 'h2.stream-reset', stream: s.id, side: this.host.side(dir), error: s.reset!.code }, { packet: this.packet, from: this.host.side(dir) }));
    }
    if (s.reset !== null || (s.ended[0] !== null && s.ended[1] !== null)) {
      this.summarise(s);
      if (t) this.over.add(s.id);
    }
  }

  problem(p: H2Problem): void {
    const from = this.host.side(p.dir);
    const where = { packet: p.packet, from };
    let facts: DiagnosticFacts;
    switch (p.kind) {
      case 'frame':
        facts = { code: 'h2.frame-error', stream: p.stream, side: from, type: p.type, what: p.what };
        break;
      case 'hpack':
        facts = { code: 'h2.hpack-error', stream: p.stream, side: from, reason: p.error.reason, at: p.error.at };
        break;
      case 'flow-control':
        facts = { code: 'h2.flow-control', stream: p.stream, side: from, length: p.length, window: p.window, connection: p.connection };
        break;
      case 'after-end':
        facts = { code: 'h2.after-end-stream', stream: p.stream, side: from, type: p.type, ended: p.ended };
        break;
      case 'connect-setting':
        facts = { code: 'h2.connect-setting', side: from, value: p.value, before: p.before };
        break;
      case 'goaway': {
        const open = [...this.tunnels.entries()].filter(([id]) => {
          const s = this.session.streams.get(id);
          return s !== undefined && s.reset === null && (s.ended[0] === null || s.ended[1] === null);
        });
        if (open.length === 0 && p.error === 0) return;
        const d = told({ code: 'h2.goaway', side: from, lastStream: p.lastStream, error: p.error, open: open.map(([id]) => id) }, where);
        this.host.diagnostic(d);
        // each WebSocket it cuts says so too
        for (const [, t] of open) t.tunnelDiagnostic(d);
        return;
      }
    }
    const d = told(facts, where);
    // a problem of a WebSocket's stream is that conversation's; the others are the connection's
    const t = 'stream' in p ? this.tunnels.get(p.stream) : undefined;
    if (t) t.tunnelDiagnostic(d);
    else this.host.diagnostic(d);
  }

  private summarise(s: H2Stream): void {
    if (s.summarised) return;
    s.summarised = true;
    this.done.push(this.infoOf(s));
    if (this.done.length > MAX_STREAM_INFOS) this.done.shift();
  }

  private infoOf(s: H2Stream): Http2StreamInfo {
    const side = (d: Dir): Side => this.host.side(d);
    const req = s.request?.fields ?? [];
    const status = s.response ? Number(field(s.response.fields, ':status')) : NaN;
    const c = this.clientDir;
    const v: Dir = c === 0 ? 1 : 0;
    return {
      id: s.id,
      method: field(req, ':method') ?? null,
      path: field(req, ':path') ?? null,
      protocol: field(req, ':protocol') ?? null,
      status: Number.isInteger(status) ? status : null,
      websocket: s.websocket === true,
      request: s.request?.packet ?? null,
      response: s.response?.packet ?? null,
      end: { client: s.ended[c], server: s.ended[v] },
      reset: s.reset ? { by: side(s.reset.dir), error: errorName(s.reset.code), packet: s.reset.packet } : null,
      bytes: { client: s.data[c], server: s.data[v] },
    };
  }

  /** What the connection's HTTP/2 showed, for its report. */
  info(): Http2Info {
    const c = this.clientDir;
    const v: Dir = c === 0 ? 1 : 0;
    const open = [...this.session.streams.values()].filter((s) => !s.summarised).map((s) => this.infoOf(s));
    const streams = [...this.done, ...open].sort((a, b) => a.id - b.id).slice(-MAX_STREAM_INFOS);
    const named = (m: Map<number, number>): Record<string, number> => Object.fromEntries([...m].map(([id, value]) => [SETTINGS_NAMES[id] ?? `0x${id.toString(16)}`, value]));
    const frames = (d: Dir): Record<string, number> => Object.fromEntries(Object.entries(this.session.frameCounts[d]).map(([t, n]) => [FRAME_NAMES[Number(t)] ?? `0x${Number(t).toString(16)}`, n]));
    const goaway = (d: Dir): Http2Info['goaway']['client'] => {
      const g = this.session.goaway[d];
      return g ? { lastStream: g.lastStream, error: errorName(g.error), packet: g.packet } : null;
    };
    return {
      start: this.start,
      settings: { client: named(this.session.settings[c]), server: named(this.session.settings[v]) },
      connectProtocol: this.session.connectEnabledAt,
      frames: { client: frames(c), server: frames(v) },
      streamCount: this.session.streamCount,
      streams,
      goaway: { client: goaway(c), server: goaway(v) },
    };
  }
}
