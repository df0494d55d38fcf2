// HTTP/1.1 as the application framing of one TCP connection: each
// direction's message heads, the Upgrade handshake (the request, holding
// client bytes sent before the response, a response shown before its
// request), heads the capture cut, and the body of a response that refused
// the upgrade. When the server agrees (101), it tells its owner, which hands
// the bytes that follow to a WebSocket session.
//
// It owns the handshake's state, not the directions' bytes: the owner decides
// which stage reads a direction, sends a direction's bytes here while it is
// HTTP, and is told when they stop being HTTP (not HTTP at all, not
// understood, or lost). It knows nothing of frames.
import type { Code } from '../codes.js';
import type { DiagnosticFacts } from '../diagnostic.js';
import type { Diagnostic, Handshake, HttpHint, HttpRequest, HttpResponse, PacketFact, Side } from '../model.js';
import type { Chunk } from '../tcp/reassembly.js';
import { said } from '../text/diagnostics.js';
import { checkCutResponse, checkRequest, checkResponse, describeHandshake, isUpgradeAttempt, splitOffers } from './handshake.js';
import { headerTokens, headerValues, parseRequestLine, parseStatusLine } from './head.js';
import { HttpReader, type BodyCapture } from './reader.js';

/** A direction of the byte stream, as the owner numbers them. */
export type Way = 0 | 1;

/** A chunk as a direction holds it while waiting for the other side: a gap among them was told already. */
export type HeldChunk = Chunk & { told?: true };

/** What the framing tells of a packet, for the owner's timeline. */
export type HttpItem = Extract<PacketFact, { kind: 'early-response' | 'held' | 'http-partial' | 'request' | 'response' }>;

function requestFact(req: HttpRequest, upgrade: boolean, hint: HttpHint | null): HttpItem {
  return { kind: 'request', method: req.method, target: req.target, version: req.version, upgrade, hint };
}

function responseFact(res: HttpResponse): HttpItem {
  return { kind: 'response', version: res.version, status: res.status, reason: res.reason };
}

/** What the bytes after a gap were, when they were HTTP. */
export type HttpAfterGap = 'cut-head' | 'awaiting' | 'http';

/**
 * The extensions a 101 agreed: permessage-deflate or not, with its text;
 * 'unknown' when the header may be among the bytes the capture cut; null
 * when nothing is said of them.
 */
export type AgreedExtensions = { deflate: boolean; text: string | null } | 'unknown' | null;

/** Where the framing's results go: its owner. */
export interface HttpSink {
  /** which side sends in this direction */
  side(way: Way): Side;
  /** the roles are known from the SYN */
  rolesFromSyn(): boolean;
  item(item: HttpItem): void;
  diagnostic(finding: { code: Code; message: string; rfc?: string | null; facts?: DiagnosticFacts }, packet: number | null, frame: number | null, from: Side | null): void;
  report(d: Diagnostic): void;
  /** a direction's bytes are not HTTP: `rest` are the first of them */
  notHttp(way: Way, rest: Buffer): void;
  /** a direction's bytes are not read any more: not understood ('opaque'), or after a loss that leaves them unplaced ('lost') */
  leave(way: Way, why: 'opaque' | 'lost'): void;
  /** an upgrade was asked for (or answered with 101): the connection's story is a WebSocket one */
  attempted(): void;
  /** whether it is one already */
  webSocket(): boolean;
  /**
   * The server agreed (101) in the direction `way`: both directions carry
   * frames from here on. Returns whether the extensions agreed are known.
   */
  upgraded(way: Way, extensions: AgreedExtensions): boolean;
  /**
   * A 101 to websocket in the direction `way` answers no request the capture
   * holds (it joined the connection after the request, or lost it): both
   * directions carry frames from here on, with the extensions the response
   * names.
   */
  joinedUpgraded(way: Way, extensions: { deflate: boolean; text: string | null }): void;
  /** the server switched to HTTP/2 (a 101 to h2c, RFC 7540 §3.2) in the direction `way`: both directions carry HTTP/2 frames from here on, the client's after its preface */
  http2(way: Way, upgraded: HttpRequest | null): void;
  /** bytes of a direction that waited, read again from where the direction now stands */
  feed(way: Way, chunk: HeldChunk): void;
  /** a server's bytes that waited for the request they answer, read now: told on the packet that carried them */
  feedHeld(way: Way, chunk: HeldChunk): void;
  /** the client's bytes that waited for the response, read again once it chose how (`upgraded`) */
  replay(way: Way, chunks: HeldChunk[], upgraded: boolean): void;
}

export interface HttpLimits {
  /** bytes of one HTTP head */
  maxHttpHead: number;
  /** header lines of one HTTP head */
  maxHttpHeaders: number;
  /** payload bytes kept of a body shown */
  keepPayload: number;
}

/** What became of a direction's HTTP: reading heads, or holding bytes until the other side has spoken. */
type State = 'head' | 'await-request' | 'await-response';

interface Direction {
  state: State;
  reader: HttpReader | null;
  /** bytes held while waiting for the other side (a gap among them was reported when it was held: `told`) */
  held: HeldChunk[];
}

/** What a feed step returns when it used every byte (shared: nothing writes into it). */
const EMPTY = Buffer.alloc(0);

/** Bytes kept of the body of a response that refused an upgrade, at most. */
const MAX_REFUSAL_BODY = 64 * 1024;

/** The permessage-deflate text a response agreed to, if it has one. */
function agreedDeflate(res: HttpResponse): string | null {
  return splitOffers(headerValues(res.headers, 'sec-websocket-extensions')).find((e) => /^permessage-deflate\b/i.test(e)) ?? null;
}

/** Whether bytes begin with an HTTP request line (from a client) or status line (from a server). */
export function startsHttp(from: Side, data: Buffer): boolean {
  const firstLine = data.toString('latin1', 0, Math.min(data.length, 256)).split('\r\n')[0] ?? '';
  return from === 'client' ? parseRequestLine(firstLine) !== null : parseStatusLine(firstLine) !== null;
}

export class Http1Framing {
  private readonly dirs: [Direction, Direction] = [
    { state: 'head', reader: null, held: [] },
    { state: 'head', reader: null, held: [] },
  ];
  /** an HTTP head was read in either direction */
  private httpSeen = false;
  /** a response came before any request and was held for it (once: after that it is read as it comes) */
  private responseWaited = false;
  /** bytes of it held */
  private responseHeld = 0;
  /** the upgrade request was cut by the capture: what it offered is not all known */
  private requestCut = false;
  /** its handshake.truncated, said once the response shows it was an upgrade attempt */
  private cutRequestNote: (() => void) | null = null;
  private shake: Handshake | null = null;
  /** the capture times of the handshake's request and response packets */
  private times: { request: number | null; response: number | null } = { request: null, response: null };
  /** the capture time of the pending request's packet */
  private pendingTs = 0;
  private pendingRequest: HttpRequest | null = null;
  private lastRequestMethod: string | undefined;
  /** the last request read (an h2c upgrade's: HTTP/2's stream 1 answers it, RFC 7540 §3.2) */
  private lastRequest: HttpRequest | null = null;
  /** the body of the response that refused the upgrade, filled as it arrives */
  private refusalBody: { response: HttpResponse; capture: BodyCapture } | null = null;

  constructor(
    private readonly limits: HttpLimits,
    private readonly sink: HttpSink,
    /** what a plain request says of an application protocol's other transport (null: nothing) */
    private readonly hint: (method: string, target: string) => HttpHint | null,
  ) {}

  /** The upgrade handshake, once a request asked for one. */
  get handshake(): Handshake | null {
    return this.shake;
  }

  /** When the handshake's request and response packets were captured (null: no handshake, or no response). */
  get handshakeTimes(): { request: number | null; response: number | null } {
    return this.times;
  }

  /** An HTTP head was read in either direction. */
  get seen(): boolean {
    return this.httpSeen;
  }

  /** A direction holds its bytes until the other side has spoken. */
  awaiting(way: Way): boolean {
    return this.dirs[way].state !== 'head';
  }

  /** Reads a direction's bytes afresh from here, as the start of its HTTP (the cleartext inside TLS records). */
  restart(way: Way): void {
    this.dirs[way] = { state: 'head', reader: null, held: [] };
  }

  /** Reads a direction's heads again from here (the peer went back to HTTP after a 101). */
  resume(way: Way): void {
    this.dirs[way].state = 'head';
  }

  private clientWay(): Way {
    return this.sink.side(0) === 'client' ? 0 : 1;
  }

  /** Bytes of a direction that is HTTP: returns those it did not read (they are for the stage that reads the direction now). */
  push(way: Way, data: Buffer, chunk: Chunk & { kind: 'data' }): Buffer {
    const d = this.dirs[way];
    switch (d.state) {
      case 'head':
        return this.feedHead(way, data, chunk.packet, chunk.ts);
      case 'await-response':
        d.held.push({ kind: 'data', data: Buffer.from(data), end: chunk.end, packet: chunk.packet, ts: chunk.ts });
        this.sink.item({ kind: 'held', bytes: data.length });
        return EMPTY;
      case 'await-request':
        return this.holdResponse(way, data, chunk);
    }
  }

  /** What a gap in a direction that is HTTP came after. */
  gapAfter(way: Way): HttpAfterGap {
    const d = this.dirs[way];
    if (d.state !== 'head') return 'awaiting';
    return d.reader !== null && d.reader.pending > 0 ? 'cut-head' : 'http';
  }

  /** Bytes of a direction that is HTTP the capture lost (told already). */
  gap(way: Way, chunk: HeldChunk & { kind: 'gap' }): void {
    const after = this.gapAfter(way);
    if (after === 'awaiting') this.dirs[way].held.push({ ...chunk, told: true });
    else if (after === 'cut-head') this.cutHead(way);
    else {
      this.sink.leave(way, 'lost');
      // the client's bytes are lost before a request was read, while the server's answer waits for one: the request
      // was among them, and the answer is read as it is (a 101 to websocket opens WebSocket all the same)
      if (this.sink.side(way) === 'client' && this.lastRequestMethod === undefined) this.releaseResponse();
    }
  }

  /** The capture has ended: a server's answer that waited for a request that never came is read as it is. */
  settle(): void {
    if (this.lastRequestMethod === undefined) this.releaseResponse();
  }

  /** The connection is over: a request never answered is said, and the refusal's body is told as it was captured. */
  finish(): void {
    if (this.pendingRequest) {
      this.shake = describeHandshake(this.pendingRequest, null);
      this.times = { request: this.pendingTs, response: null };
      this.sink.diagnostic(said({ code: 'handshake.no-response', request: this.pendingRequest.packet }), this.pendingRequest.packet, null, 'client');
    }
    const refused = this.refusalBody;
    if (refused && this.shake?.response === refused.response) {
      const c = refused.capture;
      refused.response.body = { length: c.length, complete: c.complete, data: c.parts.length === 1 ? c.parts[0]! : Buffer.concat(c.parts, c.held) };
    }
  }

  private feedHead(way: Way, data: Buffer, packet: number, ts: number): Buffer {
    const d = this.dirs[way];
    const isClient = this.sink.side(way) === 'client';
    if (!isClient && !this.responseWaited && this.lastRequestMethod === undefined && d.reader === null && data.subarray(0, 5).toString('latin1') === 'HTTP/' && this.sink.rolesFromSyn()) {
      this.responseWaited = true;
      // A response before any request: a capture merged from the two ports of a tap (or two interfaces)
      // shows one direction late. It is read once the request it answers has been.
      d.state = 'await-request';
      return data;
    }
    d.reader ??= new HttpReader(isClient ? 'request' : 'response', this.limits.maxHttpHead, this.limits.maxHttpHeaders);
    const r = d.reader.push(data, packet, ts);
    if (r.notHttp) {
      this.sink.notHttp(way, r.rest);
      return r.rest;
    }
    if (r.tooManyHeaders !== null) {
      this.sink.diagnostic(said({ code: 'http.too-many-headers', lines: r.tooManyHeaders, max: this.limits.maxHttpHeaders }), packet, null, this.sink.side(way));
    }
    if (r.tooLarge) {
      this.sink.diagnostic(said({ code: 'http.head-too-large', max: this.limits.maxHttpHead }), packet, null, this.sink.side(way));
      this.sink.leave(way, 'opaque');
      return EMPTY;
    }
    if (!r.head) {
      if (d.reader.pending > 0) this.sink.item({ kind: 'http-partial', role: d.reader.role, bytes: data.length });
      return r.rest;
    }
    const { head } = r.head;
    this.httpSeen = true;
    if (isClient) {
      const line = parseRequestLine(head.startLine);
      if (!line) {
        this.sink.leave(way, 'opaque');
        return r.rest;
      }
      const req: HttpRequest = { packet, method: line.method, target: line.target, version: line.version, headers: head.headers };
      this.lastRequestMethod = line.method;
      this.lastRequest = req;
      const upgrade = isUpgradeAttempt(req);
      // a plain request of an application protocol's other transport says so
      const hint = upgrade ? null : this.hint(req.method, req.target);
      this.sink.item(requestFact(req, upgrade, hint));
      if (upgrade) {
        this.sink.attempted();
        this.pendingRequest = req;
        this.pendingTs = ts;
        this.shake = describeHandshake(req, null);
        this.times = { request: ts, response: null };
        for (const f of checkRequest(req)) this.sink.report(f);
        d.state = 'await-response';
      } else {
        d.reader.setBody(head, {});
      }
      this.releaseResponse();
      return r.rest;
    }
    const line = parseStatusLine(head.startLine);
    if (!line) {
      this.sink.leave(way, 'opaque');
      return r.rest;
    }
    const res: HttpResponse = { packet, version: line.version, status: line.status, reason: line.reason, headers: head.headers };
    const req = this.pendingRequest;
    if (req && line.status >= 100 && line.status < 200 && line.status !== 101) {
      this.sink.item(responseFact(res));
      return r.rest; // informational (100 Continue): the real answer follows
    }
    this.sink.item(responseFact(res));
    if (!req && line.status === 101 && headerTokens(res.headers, 'upgrade').some((t) => /^websocket$/i.test(t))) {
      // No request waits for an answer, and the server switches to WebSocket: the capture joined the connection after the
      // upgrade request, or lost it. What follows is WebSocket, as the server says; nothing of the handshake can be
      // checked without its request (the key, the offers), and no handshake is made up: tcp.handshake-missing or
      // tcp.gap says what is missing.
      this.sink.attempted();
      const agreed = agreedDeflate(res);
      this.sink.joinedUpgraded(way, { deflate: agreed !== null, text: agreed });
      return r.rest;
    }
    if (!req && line.status === 101 && headerTokens(res.headers, 'upgrade').some((t) => /^h2c$/i.test(t))) {
      // the h2c upgrade (RFC 7540 §3.2; RFC 9113 deprecates it, clients still send it): HTTP/2 from the byte after the 101
      this.sink.http2(way, this.lastRequest);
      return r.rest;
    }
    if (!req) {
      d.reader.setBody(head, { status: line.status, requestMethod: this.lastRequestMethod });
      return r.rest;
    }
    this.pendingRequest = null;
    const clientWay = this.clientWay();
    if (this.requestCut && !this.sink.webSocket() && line.status !== 101) {
      // a request cut before anything showed it was an upgrade, answered as plain HTTP
      this.dirs[clientWay].state = 'head';
      this.sink.leave(clientWay, 'lost');
      d.reader.setBody(head, { status: line.status, requestMethod: req.method });
      return r.rest;
    }
    this.shake = describeHandshake(req, res);
    this.times = { request: this.pendingTs, response: ts };
    if (this.requestCut) {
      this.shake.truncated = true;
      this.tellCutRequest();
    }
    for (const f of this.requestCut ? checkCutResponse(req, res, { request: true, response: false }) : checkResponse(req, res)) this.sink.report(f);
    const client = this.dirs[clientWay];
    const held = client.held;
    client.held = [];
    client.state = 'head';
    if (line.status === 101) {
      const deflate = this.shake.extensions.some((e) => e.name === 'permessage-deflate');
      this.sink.upgraded(way, { deflate, text: deflate ? agreedDeflate(res) : null });
      this.sink.replay(clientWay, held, true);
      return r.rest;
    }
    // rejected: both sides go on speaking HTTP; the refusal's body (a 401 or 403 page) is kept to show
    d.reader.setBody(head, { status: line.status, requestMethod: req.method });
    this.refusalBody = { response: res, capture: d.reader.captureBody(Math.min(this.limits.keepPayload, MAX_REFUSAL_BODY)) };
    this.sink.replay(clientWay, held, false);
    return r.rest;
  }

  /** A cut request turned out to be an upgrade attempt: it is said now. */
  private tellCutRequest(): void {
    this.cutRequestNote?.();
    this.cutRequestNote = null;
  }

  /**
   * An HTTP head the capture cut (the snapshot length, or loss): what was
   * captured of it still counts. A request line is a request, an upgrade
   * attempt when its visible headers say so; a 101 status line upgrades the
   * connection even when the headers after it are missing, and frames are
   * decoded from the next segment on, where the sequence numbers place
   * them. What could not be checked is said (handshake.truncated).
   */
  private cutHead(way: Way): void {
    const d = this.dirs[way];
    const cut = d.reader!.cutHead()!;
    const side = this.sink.side(way);
    const where = { packet: cut.packet, bytes: cut.bytes, headers: cut.head.headers.length };
    if (side === 'client') {
      const line = parseRequestLine(cut.head.startLine);
      if (!line) {
        this.sink.leave(way, 'lost');
        return;
      }
      const req: HttpRequest = { packet: cut.packet, method: line.method, target: line.target, version: line.version, headers: cut.head.headers };
      this.httpSeen = true;
      this.lastRequestMethod = line.method;
      const upgrade = isUpgradeAttempt(req);
      this.sink.item(requestFact(req, upgrade, null));
      // whether it asked to upgrade may be in the missing bytes: the response will tell, and then this is said
      this.requestCut = true;
      this.cutRequestNote = () => this.sink.diagnostic(said({ code: 'handshake.truncated', role: 'request', ...where, upgrade }), cut.packet, null, side);
      this.pendingRequest = req;
      this.pendingTs = cut.ts;
      if (upgrade) {
        this.sink.attempted();
        this.shake = { ...describeHandshake(req, null), truncated: true };
        this.times = { request: cut.ts, response: null };
        this.tellCutRequest();
      }
      d.state = 'await-response';
      return;
    }
    const line = parseStatusLine(cut.head.startLine);
    const req = this.pendingRequest;
    if (!line || !req) {
      this.sink.leave(way, 'lost');
      return;
    }
    const res: HttpResponse = { packet: cut.packet, version: line.version, status: line.status, reason: line.reason, headers: cut.head.headers };
    this.httpSeen = true;
    this.sink.item(responseFact(res));
    this.pendingRequest = null;
    const clientWay = this.clientWay();
    const client = this.dirs[clientWay];
    const held = client.held;
    client.held = [];
    client.state = 'head';
    const attempted = this.sink.webSocket() || line.status === 101;
    if (attempted) {
      this.shake = { ...describeHandshake(req, res), truncated: true };
      this.times = { request: this.pendingTs, response: cut.ts };
      this.tellCutRequest();
      for (const f of checkCutResponse(req, res, { request: this.requestCut, response: true })) this.sink.report(f);
    }
    if (line.status !== 101) {
      this.sink.leave(way, 'lost');
      this.sink.leave(clientWay, 'lost');
      return;
    }
    this.sink.attempted();
    const agreed = headerValues(res.headers, 'sec-websocket-extensions');
    const offered = this.shake!.offeredExtensions;
    let extensions: AgreedExtensions = null;
    if (agreed.length > 0) {
      const deflate = this.shake!.extensions.some((e) => e.name === 'permessage-deflate');
      extensions = { deflate, text: deflate ? agreedDeflate(res) : null };
    } else if (this.requestCut || offered.length > 0) {
      // the extensions header may be among the missing bytes: RSV1 will tell
      extensions = 'unknown';
    }
    const known = this.sink.upgraded(way, extensions);
    this.sink.diagnostic(said({ code: 'handshake.truncated', role: 'response', ...where, acceptChecked: this.shake!.accept !== null, extensionsKnown: known }), cut.packet, null, side);
    this.sink.replay(clientWay, held, true);
  }

  /** Server bytes that came before the request they answer: held (as far as an HTTP head may be long), then read as they are. */
  private holdResponse(way: Way, data: Buffer, chunk: Chunk & { kind: 'data' }): Buffer {
    const d = this.dirs[way];
    this.responseHeld += data.length;
    if (this.responseHeld > this.limits.maxHttpHead) {
      // no request came: the bytes are read as they are
      d.state = 'head';
      const waiting = d.held;
      d.held = [];
      for (const c of waiting) this.sink.feedHeld(way, c);
      return data;
    }
    d.held.push({ kind: 'data', data: Buffer.from(data), end: chunk.end, packet: chunk.packet, ts: chunk.ts });
    this.sink.item({ kind: 'early-response', bytes: data.length });
    return EMPTY;
  }

  /** The request came: the server's bytes that waited for it are read now. */
  private releaseResponse(): void {
    const serverWay: Way = this.clientWay() === 0 ? 1 : 0;
    const d = this.dirs[serverWay];
    if (d.state !== 'await-request') return;
    const waiting = d.held;
    d.held = [];
    d.state = 'head';
    for (const c of waiting) this.sink.feedHeld(serverWay, c);
  }
}
