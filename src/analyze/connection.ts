// One TCP connection, analysed: the layers over its two byte streams, and
// what spans them. Each direction's bytes come out of TCP reassembly, go
// through its transform (none, or the TLS records: tls/layer.ts), then to the
// stage that reads them: the HTTP/1.1 framing (http/upgrade.ts) until the
// upgrade, then the connection's WebSocket session (websocket/session.ts);
// the bytes of a connection joined in the middle may be searched for frames
// instead, or be another protocol's (identify/).
//
// It owns which side is the client (from the SYN, HTTP, the frames' masks or
// the ports), which stage reads each direction, the counts, the timeline
// (each packet's phase and what it carried, annotated as it is processed), the
// hand-off when frames are found without a handshake, and the Connection
// result put together in finish(). The layers own their protocol's state:
// nothing of the handshake, the frames or the records is kept here.
import { diagnostic } from '../diagnostic.js';
import { emptyCounts } from '../model.js';
import type {
  Connection,
  ConnectionClose,
  Diagnostic,
  Endpoint,
  Frame,
  Message,
  Phase,
  ProtocolInfo,
  Side,
  TcpInfo,
  TimelineBounds,
  TlsInfo,
  TimelineEntry,
} from '../model.js';
import { type Dir, TcpConnection } from '../tcp/connection.js';
import { seqDiff, type TcpSegment } from '../tcp/segment.js';
import { HttpReader } from '../http/reader.js';
import { Http1Framing, startsHttp, type AgreedExtensions, type HeldChunk, type HttpSink } from '../http/upgrade.js';
import { SUSPECT_SECONDS, type HoldBudget } from '../tcp/reassembly.js';
import type { Finding } from '../websocket/checks.js';
import { isControl } from '../websocket/frame.js';
import { WebSocketSession, type WebSocketSink } from '../websocket/session.js';
import { describePacket, factOf, later, NOTHING, type PacketItem } from './annotate.js';
import { countFrame, StatsTally, statsOf } from './stats.js';
import { StoryTally } from './story.js';
import { type AfterGap, said, told } from '../text/diagnostics.js';
import { SpillList, type List, type SpillFile } from '../util/list.js';
import { entryCodec, finishedEntry, frameCodec, messageCodec, type HeldEntry, TimelineList } from './codecs.js';
import { AppSession } from '../app/registry.js';
import { appHttpHint, appKeys } from '../app/labels.js';
import type { AppChoice } from '../app/types.js';
import { identifyStart, type Identified } from '../identify/identify.js';
import { startsTlsHandshake, tlsRecordChain } from '../tls/record.js';
import { IDENTITY, TlsLayer, type TlsProblem, type Transform } from '../tls/layer.js';
import type { KeyLog } from '../tls/keylog.js';
import { H2Carrier, type Tunnel } from './h2.js';
import { PREFACE } from '../http2/frames.js';
import { checkNegotiation, describeHandshake } from '../http/handshake.js';
import type { H2FrameFact, Handshake, Http2Info, HttpRequest, HttpResponse } from '../model.js';

export interface ConnectionLimits {
  /** payload bytes held per frame */
  maxFramePayload: number;
  /** bytes held out of order per TCP direction */
  reassemblyHold: number;
  /** bytes held out of order by all connections together (for messages; the budget enforces it) */
  globalReassemblyHold: number;
  /** bytes of one HTTP head */
  maxHttpHead: number;
  /** header lines of one HTTP head */
  maxHttpHeaders: number;
  /** connections tracked at once (the analyzer's limit; here for the messages) */
  maxConnections: number;
  /** bytes one compressed message may inflate to */
  inflateLimit: number;
  /**
   * payload bytes of each data frame and message kept in the connection's
   * report once they have been checked (what the output will show at most);
   * Infinity keeps them whole
   */
  keepPayload: number;
}

/** A byte count as the options take it: 4M, 256M, 1536K. */
/** What a feed step returns when it used every byte (shared: nothing writes into it). */
const EMPTY = Buffer.alloc(0);

/** What a connection's analysis hands on as soon as it is final, when it does not keep it. */
export interface ConnectionEvents {
  frame(connection: number, frame: Frame, context: { messageType: 'text' | 'binary' | null; compressed: boolean }, stream: number | null): void;
  message(connection: number, message: Message, stream: number | null): void;
  diagnostic(connection: number, diagnostic: Diagnostic, stream: number | null): void;
}

export interface ConnectionOptions {
  limits: ConnectionLimits;
  /**
   * Keep every frame, message, timeline entry and diagnostic for the
   * connection's report (the terminal and --json need them); when false they
   * are handed to `events` at once and forgotten (--ndjson, --summary).
   */
  retain: boolean;
  /**
   * where a retained connection's frames, messages and timeline go beyond
   * their newest items (util/list.ts), or null to keep them in memory; the
   * lists are then valid until the sink's connection() returns
   */
  spill?: SpillFile | null;
  /**
   * server ports whose connections are WebSocket even without a handshake
   * (tshark's decode-as), each with the permessage-deflate agreement to
   * assume (its Sec-WebSocket-Extensions text), or null when the extensions
   * are not known
   */
  decodeAs: ReadonlyMap<number, string | null>;
  /** bytes of a connection without a handshake examined for a run of valid frames */
  sniffBytes: number;
  /** the application-protocol decoders: chosen per connection, one forced, or none */
  app: AppChoice;
  /** TLS session keys (--tls-keylog, SSLKEYLOGFILE): a TLS connection they open is read through its records' cleartext */
  keylog?: KeyLog | null;
  /**
   * Keep a retained connection's timeline (each packet's phase and what it
   * carried: what the walkthrough, --explain, --ladder, --stats, --json and
   * --html show). False leaves it empty, for views that show none of it
   * (--messages, --hex): an entry per packet is a good part of what keeping
   * a long connection costs. Nothing else of the analysis depends on it.
   */
  timeline?: boolean;
}

/** A timeline entry as the analysis keeps it until the connection is over. */
type Entry = HeldEntry;

/** A list that spills is told when an item it may have written out is changed. */
function changed(list: unknown[] | SpillList<unknown>, index: number): void {
  if (list instanceof SpillList) list.changed(index);
}

/** Application-level types counted per side at most; the rest count as "other". */
const MAX_APP_TYPES = 100;

function countMessage(c: Connection['counts'], m: Message): void {
  c.messages++;
  const side = c[m.from];
  if (m.app) {
    for (const key of appKeys(m.app)) {
      // distinct types are bounded (event names and methods come from the capture): past the limit they count as "other"
      const k = key in side.app || Object.keys(side.app).length < MAX_APP_TYPES ? key : 'other';
      side.app[k] = (side.app[k] ?? 0) + 1;
    }
  }
  side.messages++;
  side.messageBytes += m.length;
  side.largestMessage = Math.max(side.largestMessage, m.length);
  const seen = m.compressed ? m.inflatedLength : m.length;
  if (seen !== null) side.largestInflated = Math.max(side.largestInflated, seen);
  if (m.frames.length > 1) side.fragmentedMessages++;
}

/** Frames in a row that make bytes with no handshake WebSocket, by heuristic. */
const SNIFF_RUN = 3;
/** Segments of a direction examined for that evidence, at most (each is a place a run may start). */
const SNIFF_SEGMENTS = 64;

export interface PacketRef {
  number: number;
  ts: number;
  relTs: number;
}

/** Which stage reads a direction's bytes: the HTTP framing, a WebSocket session (or its search for frames), the TLS records, or none. */
type Mode = 'http' | 'websocket' | 'sniff' | 'tls' | 'start' | 'opaque' | 'lost' | 'h2';

interface Direction {
  mode: Mode;
  /** bytes, and segments, examined while sniffing for frames */
  sniffed: number;
  sniffedSegments: number;
  /** bytes of data this direction carried */
  bytes: number;
  /** what sits between its bytes and the framing: none (IDENTITY), or the TLS records */
  transform: Transform;
  /** in mode 'start': the first bytes, held until there are enough to tell what they are */
  start: Buffer | null;
  /** nothing of the direction's (clear) bytes read yet: its first bytes may open HTTP/2 */
  fresh: boolean;
}

function newDirection(): Direction {
  return { mode: 'http', sniffed: 0, sniffedSegments: 0, bytes: 0, transform: IDENTITY, start: null, fresh: true };
}

/**
 * Whether a direction's first bytes open HTTP/2: the client's preface
 * (RFC 9113 §3.4), or a server's first SETTINGS frame (a server may send it
 * before the preface arrives: §3.4 lets it, and Node's does).
 */
function opensHttp2(from: Side, data: Buffer): 'yes' | 'no' | 'need' {
  if (from === 'client') {
    const n = Math.min(data.length, PREFACE.length);
    if (!data.subarray(0, n).equals(PREFACE.subarray(0, n))) return 'no';
    // "P", "PR", "PRI" may still be a POST, a PUT, a PRI of HTTP/1.1
    return n >= 4 ? 'yes' : 'need';
  }
  // a SETTINGS frame on stream 0, not an ACK, of a few whole parameters (its header cut by TCP is waited for)
  const like = [0, null, null, 0x4, 0, 0, 0, 0, 0];
  for (let i = 0; i < Math.min(data.length, like.length); i++) if (like[i] !== null && data[i] !== like[i]) return 'no';
  if (data.length < 9) return 'need';
  const length = (data[0]! << 16) | (data[1]! << 8) | data[2]!;
  return length % 6 === 0 && length <= 60 ? 'yes' : 'no';
}

/** A WebSocket carried by an HTTP/2 stream (RFC 8441): what its conversation knows of the stream. */
interface TunnelState {
  stream: number;
  request: HttpRequest;
  requestTs: number;
  responseTs: number | null;
  handshake: Handshake;
  /** the packet where each direction (0: the client's) ended the stream, and its time */
  ended: [number | null, number | null];
  endedTs: [number | null, number | null];
  reset: { dir: Dir; packet: number } | null;
  /** client bytes sent before the server's answer, replayed when it opens the WebSocket (at most MAX_EARLY) */
  early: { data: Buffer; packet: number; ts: number }[];
  earlyBytes: number;
}

/** Client bytes of an extended CONNECT held until its answer. */
const MAX_EARLY = 64 * 1024;

/** How the roles were decided: the SYN and HTTP are facts, the ports a guess that frames may correct. */
type RolesFrom = 'syn' | 'http' | 'frames' | 'ports';

/** The close of a connection with no WebSocket session: nothing of it seen. */
function noClose(): ConnectionClose {
  return { initiator: null, code: null, reason: null, replyCode: null, clean: false, packet: null, replyPacket: null };
}

/** Whether the server is the side with `a`'s port, guessing from the port numbers alone. */
export function serverByPort(a: number, b: number): boolean {
  const wellKnown = (p: number): boolean => p < 1024;
  const ephemeral = (p: number): boolean => p >= 32768;
  if (wellKnown(a) !== wellKnown(b)) return wellKnown(a);
  if (ephemeral(a) !== ephemeral(b)) return !ephemeral(a);
  return a < b;
}

export class ConnectionAnalysis {
  readonly tcp: TcpConnection;
  private readonly ends: [Endpoint, Endpoint];
  private clientDir: Dir | null = null;
  private rolesFrom: RolesFrom | null = null;
  private detection: Connection['detection'] = null;
  private readonly dirs: [Direction, Direction] = [newDirection(), newDirection()];
  private phase: Phase = 'tcp-handshake';
  /** an upgrade was attempted, or the bytes were taken for WebSocket: the connection's story is a WebSocket one */
  private websocket = false;
  /** what a direction's first bytes showed the connection to be, when not HTTP or WebSocket */
  private identified: Identified | null = null;
  /** the HTTP/1.1 framing: the upgrade handshake */
  private readonly http: Http1Framing;
  /** the records of a TLS connection, in both directions */
  private tls: TlsLayer | null = null;
  /** the WebSocket sessions the connection carries (HTTP/1.1 upgrades to one at most) */
  private readonly websockets: WebSocketSession[] = [];
  private readonly frames: Frame[] | SpillList<Frame>;
  private readonly messages: Message[] | SpillList<Message>;
  /**
   * One entry per packet. `provisional`: a packet with nothing in it, seen
   * before anything told where a mid-stream connection stands; it takes its
   * phase from what follows. `bare`: its summary is only TCP flags.
   */
  private readonly timeline: Entry[] | SpillList<Entry>;
  /** the timeline's largest packet number and relTs range (Connection.timelineBounds) */
  private bounds: TimelineBounds | null = null;
  /** position of the first provisional entry of the timeline, if any */
  private firstProvisional: number | null = null;
  private currentPacket = 0;
  private firstPacket: number | null = null;
  private lastPacket: number | null = null;
  private finishing = false;
  private diagnostics: Diagnostic[] | SpillList<Diagnostic>;
  /** diagnostics about a packet before the last one listed (most are told in order of packet): sorted in when the connection is over */
  private readonly lateDiagnostics: Diagnostic[] = [];
  private lastDiagnosticAt = -Infinity;
  private readonly counts: Connection['counts'] = emptyCounts();
  /** what the statistics count beyond the counts: the packets' times, the messages' sizes */
  private readonly tally = new StatsTally();
  /** what the story tells, counted as the timeline is made (analyze/story.ts) */
  private readonly story = new StoryTally<Entry>();
  /** an entry of the timeline was changed after it was counted: the story is counted from the lists */
  private storyUnsettled = false;
  /**
   * the sequence number after the segment that completed each side's first
   * Close frame: a FIN that acknowledges it was sent after the Close arrived
   */
  private readonly closeEnds: Record<Side, number | null> = { client: null, server: null };
  /** the acknowledgement number of the segment that completed each side's first Close frame */
  private readonly closeAcks: Record<Side, number | null> = { client: null, server: null };
  /** the sequence number after the chunk being decoded */
  private chunkEnd: number | null = null;
  /** the acknowledgement number of the packet being processed (null without ACK) */
  private currentAck: number | null = null;
  /** frames decoded while held client bytes are replayed */
  private replayed: Frame[] | null = null;
  /** the application protocol's decoders, made at the first whole message */
  private app: AppSession | null = null;
  /** items produced while the current packet is processed */
  private items: PacketItem[] = [];
  /** the HTTP/2 the connection carries (h2c, or h2 inside TLS), and the WebSocket conversations in it (analyze/h2.ts) */
  private h2: H2Carrier | null = null;
  /** this analysis is of a WebSocket an HTTP/2 stream carries: its carrier feeds it, not TCP */
  private tunnel: TunnelState | null = null;
  /** conversations whose stream ended, finished and waiting to be reported (takeCarried), with their analyses to release after */
  private carried: [Connection, ConnectionAnalysis][] = [];
  /** the conversations still open */
  private carriedAnalyses: ConnectionAnalysis[] = [];

  private readonly limits: ConnectionLimits;

  constructor(
    readonly id: number,
    /** the flow key of the first packet's sender (raw address bytes and port) */
    private readonly firstKey: string,
    first: Endpoint,
    second: Endpoint,
    private readonly options: ConnectionOptions,
    /** seconds since the capture's first packet, to the capture's precision */
    private readonly relTs: (ts: number) => number,
    budget?: HoldBudget,
    private readonly events?: ConnectionEvents,
  ) {
    this.ends = [first, second];
    this.limits = options.limits;
    const spill = options.spill ?? null;
    this.frames = spill ? new SpillList(spill, frameCodec) : [];
    this.messages = spill ? new SpillList(spill, messageCodec) : [];
    this.timeline = spill ? new SpillList(spill, entryCodec) : [];
    this.diagnostics = spill ? new SpillList(spill) : [];
    this.tcp = new TcpConnection(this.limits.reassemblyHold, budget);
    // a plain request of an application protocol's other transport says so (not when those are turned off)
    this.http = new Http1Framing(this.limits, this.httpSink(), (method, target) => (options.app === 'none' ? null : appHttpHint(method, target)));
  }

  /** Direction of a packet whose sender has this flow key. */
  dirOf(senderKey: string): Dir {
    return senderKey === this.firstKey ? 0 : 1;
  }

  /** One TCP segment; `missing` payload bytes were cut off by the snapshot length. */
  packet(pkt: PacketRef, dir: Dir, seg: TcpSegment, missing = 0): void {
    if (this.items.length > 0) this.items = [];
    this.currentPacket = pkt.number;
    this.currentAck = seg.flags.ack ? seg.ack : null;
    this.firstPacket ??= pkt.number;
    this.lastPacket = pkt.number;
    const r = this.tcp.segment(dir, seg, pkt.number, pkt.ts, missing);
    if (this.rolesFrom !== 'syn' && this.tcp.clientDir !== null) {
      this.clientDir = this.tcp.clientDir;
      this.rolesFrom = 'syn';
    }
    if (this.options.retain) this.items.push({ kind: 'tcp', event: r.event, flags: seg.flags });
    if (r.keepAlive) this.items.push({ kind: 'keep-alive' });
    if (r.retransmission) this.items.push({ kind: 'retransmission', bytes: seg.payload.length });
    if (r.conflict) {
      this.diag(said({ code: 'tcp.overlap-conflict', packet: pkt.number }), pkt.number, null, this.side(dir));
    }
    const other: Dir = dir === 0 ? 1 : 0;
    if (r.late) this.items.push({ kind: 'late', bytes: seg.payload.length });
    // held, unless the hole before it was settled at once (lost, as the peer's ACK had shown)
    else if (r.outOfOrder && !r.chunks.some((c) => c.kind === 'data' && c.packet === pkt.number)) this.items.push({ kind: 'out-of-order', bytes: seg.payload.length });
    if (r.ackedUnseen && this.options.retain) this.items.push({ kind: 'acked-unseen', peer: this.side(other) });
    // the peer's bytes that this acknowledgement shows were lost by the capture come first
    for (const chunk of r.peerChunks) this.feed(other, chunk);
    for (const chunk of r.chunks) this.feed(dir, chunk);
    this.annotate(pkt, dir);
    this.h2?.endPacket(pkt, dir);
  }

  /** Whether this connection's TCP exchange is over (both FINs, or a RST). */
  get closed(): boolean {
    return this.tcp.closed;
  }

  get lastTs(): number {
    return this.tcp.lastTs;
  }

  private side(dir: Dir): Side {
    return dir === (this.clientDir ?? 0) ? 'client' : 'server';
  }

  /**
   * What the handshake says of the application protocol. A subprotocol the
   * client never offered is not one it speaks (handshake.subprotocol-not-offered
   * says so): the decoder is then chosen from the URL and the content.
   */
  private appContext(): { target: string | null; subprotocol: string | null } {
    const hs = this.http.handshake;
    const sub = hs?.subprotocol ?? null;
    return { target: hs?.request.target ?? null, subprotocol: sub !== null && hs!.offeredSubprotocols.includes(sub) ? sub : null };
  }

  /** A finding as a diagnostic: its severity and section from the registry (src/codes.ts). */
  private diag(f: Finding, packet: number | null, frame: number | null, from: Side | null): void {
    this.report(diagnostic(f.code, f.message, { packet, frame, from }, f.rfc, f.facts));
  }

  private report(d: Diagnostic): void {
    this.counts.diagnostics[d.severity]++;
    if (this.options.retain) {
      const at = d.packet ?? Infinity;
      if (Array.isArray(this.diagnostics) || at >= this.lastDiagnosticAt) {
        this.diagnostics.push(d);
        this.lastDiagnosticAt = at;
      } else this.lateDiagnostics.push(d);
    }
    else this.events?.diagnostic(this.id, d, this.tunnel?.stream ?? null);
  }

  /**
   * Decides which side is the client when no SYN was seen: the one that
   * speaks HTTP first; failing that, a guess from the ports (a well-known or
   * non-ephemeral port is the server's), which frames may correct later.
   */
  private resolveRoles(dir: Dir, data: Buffer): void {
    if (this.clientDir !== null) return;
    const probe = new HttpReader('request');
    if (!probe.push(data.subarray(0, 64), 0, 0).notHttp) {
      this.clientDir = dir;
      this.rolesFrom = 'http';
    } else if (data.subarray(0, 5).toString('latin1') === 'HTTP/') {
      this.clientDir = dir === 0 ? 1 : 0;
      this.rolesFrom = 'http';
    } else {
      this.clientDir = serverByPort(this.ends[0].port, this.ends[1].port) ? 1 : 0;
      this.rolesFrom = 'ports';
    }
  }

  private feed(dir: Dir, chunk: HeldChunk): void {
    const d = this.dirs[dir];
    if (chunk.kind === 'gap') {
      const framed = d.mode === 'websocket' || d.mode === 'sniff';
      if (d.mode === 'h2') {
        // HTTP/2 frames have no marker to find again after a hole: the direction is not read further, nor what its streams carried
        if (!chunk.told) this.items.push({ kind: 'gap', bytes: chunk.length, from: this.side(dir) });
        if (!chunk.told) this.diag(said({ code: 'tcp.gap', bytes: chunk.length, side: this.side(dir), after: 'http2' }), chunk.packet, null, this.side(dir));
        this.h2?.gap(dir, chunk.length, chunk.packet, chunk.ts);
        d.mode = 'lost';
        return;
      }
      // a decrypted direction lost records: how much cleartext went with them is unknown
      const transformed = d.transform !== IDENTITY;
      const http = d.mode === 'http' && !transformed ? this.http.gapAfter(dir) : null;
      let after: AfterGap = framed ? 'frames' : d.mode === 'tls' ? 'tls' : (http ?? 'nothing');
      if (!chunk.told) this.items.push({ kind: 'gap', bytes: chunk.length, from: this.side(dir) });
      if (http === 'http') {
        this.http.gap(dir, chunk);
        // a lost request let the server's 101 be read (http/upgrade.ts gap): the direction is searched for frames
        if (d.mode === 'websocket') after = 'frames';
      }
      // a gap held while waiting for the other side was told when it came: it is replayed, not told again
      if (chunk.told) {
        // nothing to say
      } else if (chunk.cause === 'limit') {
        // not lost by the capture: the bytes after the hole were more than the reassembly may hold
        this.diag(said({ code: 'limit.reassembly', bytes: chunk.length, side: this.side(dir), perDirection: this.limits.reassemblyHold, total: this.limits.globalReassemblyHold, after }), chunk.packet, null, this.side(dir));
      } else {
        this.diag(said({ code: 'tcp.gap', bytes: chunk.length, side: this.side(dir), after }), chunk.packet, null, this.side(dir));
      }
      if (transformed) {
        // the records lost carried cleartext of unknown length: the records are found again after the hole
        // (tls/record.ts) and opened at the sequence numbers the lost ones leave (tls/seqwindow.ts); frames are
        // looked for in their cleartext as after any gap (an HTTP head cut there is not read on)
        d.transform.gap(dir, chunk.length);
        if (framed) this.ws().gap(dir, Infinity, chunk.packet, chunk.ts);
        else if (d.mode !== 'tls') d.mode = 'lost';
      } else if (framed) this.ws().gap(dir, chunk.length, chunk.packet, chunk.ts);
      else if (http === null) d.mode = 'lost';
      else if (http !== 'http') this.http.gap(dir, chunk);
      return;
    }
    this.resolveRoles(dir, chunk.data);
    this.chunkEnd = chunk.end;
    d.bytes += chunk.data.length;
    this.feedClear(dir, d.transform.push(dir, chunk.data), d.transform.holes(), chunk);
  }

  /** What the transform handed up, read around the holes where it lost bytes of unknown length (a record that did not open). */
  private feedClear(dir: Dir, data: Buffer, holes: readonly number[], chunk: HeldChunk & { kind: 'data' }): void {
    let from = 0;
    for (const at of holes) {
      this.readClear(dir, data.subarray(from, at), chunk);
      this.clearLost(dir, chunk);
      from = at;
    }
    this.readClear(dir, from === 0 ? data : data.subarray(from), chunk);
  }

  /** Cleartext of unknown length is missing: frames are looked for again after it; an HTTP head is not read on. */
  private clearLost(dir: Dir, chunk: HeldChunk & { kind: 'data' }): void {
    const d = this.dirs[dir];
    if (d.mode === 'websocket' || d.mode === 'sniff') this.ws().gap(dir, Infinity, chunk.packet, chunk.ts, true);
    else if (d.mode === 'http') d.mode = 'lost';
  }

  private readClear(dir: Dir, bytes: Buffer, chunk: HeldChunk & { kind: 'data' }): void {
    const d = this.dirs[dir];
    let data = bytes;
    while (data.length > 0) {
      switch (d.mode) {
        case 'http': {
          if (d.fresh) {
            // the direction's first bytes: HTTP/2's opening, or HTTP/1.1 (a few bytes are held until they tell which)
            const first = d.start === null ? data : Buffer.concat([d.start, data]);
            const opens = this.tunnel !== null || this.h2 !== null || this.http.seen ? 'no' : opensHttp2(this.side(dir), first);
            if (opens === 'need') {
              d.start = Buffer.from(first);
              data = EMPTY;
              break;
            }
            d.start = null;
            data = first;
            if (opens === 'yes') {
              this.startHttp2(this.side(dir) === 'client' ? dir : dir === 0 ? 1 : 0, this.tls !== null ? 'tls' : 'prior-knowledge', dir);
              break;
            }
            d.fresh = false;
          }
          data = this.http.push(dir, data, chunk);
          break;
        }
        case 'h2':
          this.h2!.push(dir, data, chunk.packet, chunk.ts);
          if (this.h2!.stopped(dir)) d.mode = 'opaque';
          data = EMPTY;
          break;
        case 'websocket':
          data = this.feedWebSocket(dir, data, chunk.packet, chunk.ts);
          break;
        case 'sniff':
          data = this.feedSniff(dir, data, chunk.packet, chunk.ts);
          break;
        case 'tls': {
          // bytes read before the direction was known to be TLS go through its records now; with keys, the cleartext they
          // hand up is read by the HTTP framing from here on, as a plain connection's bytes are
          const clear = d.transform.push(dir, data);
          data = EMPTY;
          if (this.tls?.decrypting) {
            this.http.restart(dir);
            d.mode = 'http';
            d.fresh = true;
            this.feedClear(dir, clear, d.transform.holes(), chunk);
          }
          break;
        }
        case 'start': {
          // the direction's first bytes, too few to tell a TLS record from other bytes: held until they tell
          const held = (d.start = d.start === null ? Buffer.from(data) : Buffer.concat([d.start, data]));
          data = EMPTY;
          if (startsTlsHandshake(held) !== 'need') {
            d.start = null;
            this.notHttp(dir, held);
            data = held;
          }
          break;
        }
        case 'opaque':
        case 'lost':
          this.items.push({ kind: 'opaque', bytes: data.length });
          data = EMPTY;
          break;
      }
    }
  }

  /**
   * HTTP/2 opened the connection (a direction's first bytes: h2c with prior
   * knowledge, or h2 inside TLS) or took it over (a 101 to h2c): both
   * directions are read as HTTP/2 frames from here on (`first`: the
   * direction whose bytes showed it; the other unless it already spoke
   * HTTP/1.1).
   */
  private startHttp2(clientDir: Dir, start: Http2Info['start'], first: Dir | null = null): void {
    this.h2 = new H2Carrier(
      {
        side: (d) => this.side(d),
        item: (item) => this.items.push(item),
        diagnostic: (d) => this.report(d),
        tunnel: () => this.newTunnel(),
        conclude: (t) => this.conclude(t as ConnectionAnalysis),
      },
      clientDir,
      start,
    );
    if (this.identified?.protocol !== 'tls') this.identified = { protocol: 'http2', detail: null };
    for (const x of [0, 1] as const) {
      const d = this.dirs[x];
      // after an h2c upgrade both directions were HTTP/1.1 until now
      if (x === first || start === 'upgrade' || (d.mode === 'http' && d.fresh)) {
        d.mode = 'h2';
        d.fresh = false;
      }
    }
  }

  /** A conversation for a WebSocket one of this connection's HTTP/2 streams carries (RFC 8441). */
  private newTunnel(): Tunnel {
    const client = this.ends[this.clientDir ?? 0];
    const server = this.ends[this.clientDir === 1 ? 0 : 1];
    const t = new ConnectionAnalysis(this.id, '', client, server, this.options, this.relTs, undefined, this.events);
    this.carriedAnalyses.push(t);
    return t;
  }

  /** A conversation whose stream is over: finished now, reported by the host with takeCarried(). */
  private conclude(t: ConnectionAnalysis): void {
    const i = this.carriedAnalyses.indexOf(t);
    if (i >= 0) this.carriedAnalyses.splice(i, 1);
    this.carried.push([t.finish(), t]);
  }

  /**
   * The WebSocket conversations the connection's HTTP/2 carried that are
   * finished and not yet reported: those whose stream ended, as it ends, and
   * after finish() the rest. The host reports each, then releases its
   * analysis.
   */
  takeCarried(): [Connection, ConnectionAnalysis][] {
    const out = this.carried;
    this.carried = [];
    return out;
  }

  openTunnel(stream: number, request: HttpRequest, ts: number): void {
    this.clientDir = 0;
    this.rolesFrom = 'syn';
    this.websocket = true;
    this.tunnel = { stream, request, requestTs: ts, responseTs: null, handshake: describeHandshake(request, null), ended: [null, null], endedTs: [null, null], reset: null, early: [], earlyBytes: 0 };
    this.phase = 'ws-handshake';
    this.items.push({ kind: 'request', method: request.method, target: request.target, version: request.version, upgrade: true, hint: null });
  }

  tunnelResponse(response: HttpResponse, ts: number): void {
    const t = this.tunnel!;
    t.responseTs = ts;
    const ok = (status: number): boolean => status >= 200 && status < 300;
    t.handshake = describeHandshake(t.request, response, ok);
    this.items.push({ kind: 'response', version: response.version, status: response.status, reason: response.reason });
    if (!ok(response.status)) {
      // RFC 8441 §5: any status but 2xx means the WebSocket was refused, as anything but a 101 over HTTP/1.1
      this.report(told({ code: 'handshake.rejected', status: response.status, reason: response.reason, http2: true }, { packet: response.packet, from: 'server' }, 'RFC 8441 §5'));
      return;
    }
    for (const d of checkNegotiation(t.request, response)) this.report(d);
    this.detection = 'handshake';
    const ws = this.ws();
    const deflate = t.handshake.extensions.some((e) => e.name === 'permessage-deflate');
    const text = t.handshake.extensions.length > 0 ? (response.headers.filter(([n]) => n === 'sec-websocket-extensions').map(([, v]) => v).join(', ').split(',').map((x) => x.trim()).find((x) => /^permessage-deflate\b/i.test(x)) ?? null) : null;
    if (deflate) ws.agree(true, text, false);
    this.startWebSocket(0);
    this.startWebSocket(1);
    // what the client sent before the answer: its frames, decoded now
    const early = t.early;
    t.early = [];
    for (const e of early) {
      this.currentPacket = e.packet;
      this.ws().push(0, e.data, e.packet, e.ts);
    }
  }

  tunnelData(dir: Dir, bytes: Buffer, packet: number, ts: number): void {
    const t = this.tunnel!;
    this.currentPacket = packet;
    this.firstPacket ??= packet;
    this.lastPacket = packet;
    this.dirs[dir].bytes += bytes.length;
    if (this.dirs[dir].mode === 'websocket') {
      this.ws().push(dir, bytes, packet, ts);
      return;
    }
    // before the answer (or after a refusal): held while it may still open the WebSocket, else only counted
    if (t.responseTs === null && dir === 0 && t.earlyBytes + bytes.length <= MAX_EARLY) {
      t.early.push({ data: Buffer.from(bytes), packet, ts });
      t.earlyBytes += bytes.length;
      this.items.push({ kind: 'held', bytes: bytes.length });
    } else this.items.push({ kind: 'opaque', bytes: bytes.length });
  }

  tunnelEnd(dir: Dir, how: 'end-stream' | 'reset', packet: number, ts: number): void {
    const t = this.tunnel!;
    this.lastPacket = packet;
    if (how === 'reset') t.reset ??= { dir, packet };
    else if (t.ended[dir] === null) {
      t.ended[dir] = packet;
      t.endedTs[dir] = ts;
    }
  }

  tunnelFrame(fact: H2FrameFact): void {
    // the HEADERS of the CONNECT and of its answer are told as the request and the response
    if (fact.type === 0x1 && (fact.method !== undefined || fact.status !== undefined)) return;
    this.items.push({ kind: 'h2', frame: fact });
  }

  tunnelDiagnostic(d: Diagnostic): void {
    this.report(d);
  }

  tunnelGap(dir: Dir, bytes: number, packet: number, ts: number): void {
    const side = this.side(dir);
    this.currentPacket = packet;
    this.items.push({ kind: 'gap', bytes, from: side });
    this.diag(said({ code: 'tcp.gap', bytes, side, after: 'http2' }), packet, null, side);
    // how much of the lost bytes were this stream's is unknown: the frame they cut is incomplete, and nothing after it is read
    if (this.dirs[dir].mode === 'websocket') this.ws().gap(dir, Infinity, packet, ts);
    this.dirs[dir].mode = 'lost';
  }

  tunnelPacket(pkt: PacketRef, dir: Dir): void {
    this.currentPacket = pkt.number;
    this.firstPacket ??= pkt.number;
    this.lastPacket = pkt.number;
    this.annotate(pkt, dir);
    this.items = [];
  }

  /** The stream's end as a connection's teardown: END_STREAM for FIN, RST_STREAM for RST (RFC 8441 §5). */
  private streamTeardown(t: TunnelState): { kind: 'fin' | 'rst' | 'none'; first: Dir | null; packets: number[] } {
    // a reset is the teardown, as TCP's RST is (its packet first, as a RST's); else the END_STREAMs in order
    if (t.reset !== null) return { kind: 'rst', first: t.reset.dir, packets: [t.reset.packet] };
    const ends = [t.ended[0], t.ended[1]].filter((p): p is number => p !== null).sort((a, b) => a - b);
    const first: Dir | null = ends.length === 0 ? null : t.ended[0] === ends[0] ? 0 : 1;
    return { kind: ends.length > 0 ? 'fin' : 'none', first, packets: ends };
  }

  /**
   * A direction whose bytes are not HTTP. Without a handshake seen, it may
   * still be WebSocket: with --decode-as for its server port it is decoded
   * as WebSocket. Otherwise WebSocket is never guessed where the capture
   * holds the connection's start (its SYN): it would have begun with an HTTP
   * Upgrade. Bytes that carry another protocol's signature (TLS, SSH,
   * HTTP/2, the databases, SMB) are that protocol. Only in a connection the
   * capture joined in the middle are the bytes searched for evidence of
   * frames (see findEvidence).
   */
  private notHttp(dir: Dir, data: Buffer): void {
    const d = this.dirs[dir];
    if (this.http.handshake !== null || this.websocket) {
      d.mode = 'opaque';
      return;
    }
    const ports = [this.ends[0].port, this.ends[1].port];
    const asked = ports.find((p) => this.options.decodeAs.has(p));
    if (asked !== undefined) {
      // the user says which side is the server
      this.clientDir = this.ends[0].port === asked ? 1 : 0;
      this.rolesFrom = this.rolesFrom === 'syn' ? 'syn' : 'ports';
      this.detection = 'decode-as';
      this.websocket = true;
      const agreed = this.options.decodeAs.get(asked) ?? null;
      if (agreed === null) this.ws().extensionsUnknown();
      // the connection's start may be missing all the same: the window before it is unknown
      else this.ws().agree(/^permessage-deflate\b/i.test(agreed), agreed, this.tcp.syn === null && this.tcp.synAck === null);
      // the user says it is WebSocket: a single plausible header is enough to start
      this.startWebSocket(0, 1);
      this.startWebSocket(1, 1);
      return;
    }
    d.mode = 'opaque';
    if (d.bytes === data.length && startsTlsHandshake(data) === 'need') {
      // too few bytes to say (a first segment of 1 to 5 bytes): the ones handed back are held in 'start'
      d.mode = 'start';
      return;
    }
    const startSeen = this.tcp.syn !== null || this.tcp.synAck !== null;
    // a connection joined in the middle may still show TLS records one after another
    const signed = d.bytes === data.length ? identifyStart(data) : null;
    const midTls = signed === null && d.bytes === data.length && !startSeen && tlsRecordChain(data, { minRecords: 2, atEnd: true }) !== null;
    const found = signed ?? (midTls ? { protocol: 'tls' as const, detail: null } : null);
    if (found) {
      this.identified ??= found;
      if (found.protocol === 'tls' && this.identified.protocol === 'tls') {
        // its records are followed: the cleartext handshake says what it is, and with a key log the records are decrypted
        d.mode = 'tls';
        this.tls ??= new TlsLayer({
          note: this.options.retain ? (records) => this.items.push({ kind: 'tls', records }) : null,
          keylog: this.options.keylog ?? null,
          sideOf: (way) => this.side(way),
          problem: (p) => this.tlsProblem(p),
        });
        this.tls.start(dir, midTls);
        d.transform = this.tls;
      }
      // nothing of it is WebSocket: the other direction stops looking
      for (const x of [0, 1] as const) if (this.dirs[x].mode === 'sniff') {
        this.dirs[x].mode = 'opaque';
        this.ws().stop(x);
      }
      return;
    }
    if (startSeen || this.identified !== null || this.http.seen || this.options.sniffBytes <= 0) return;
    d.mode = 'sniff';
    this.ws().sniff(dir, SNIFF_RUN);
  }

  /** What kept the key log from opening the connection's records: a diagnostic at the packet being read (none at the end). */
  private tlsProblem(p: TlsProblem): void {
    const packet = this.finishing ? null : this.currentPacket;
    if (p.kind === 'no-keys') {
      const files = [...new Set(this.options.keylog?.files.map((f) => f.file) ?? [])];
      // the secrets a direction needs are its own; the other reasons are the session's
      const side = p.reason.why === 'no-secret' || p.reason.why === 'secret-length' ? p.side : null;
      this.diag(said({ code: 'tls.no-key', side, reason: p.reason, files }), packet, null, side);
    } else {
      const version = this.tls?.session.serverHello?.version;
      const cite = version === 0x0304 ? 'RFC 8446 §5.2' : version === 0x0303 ? 'RFC 5246 §6.2.3' : null;
      this.diag({ ...said({ code: 'tls.decrypt-failed', side: p.side, reason: p.reason }), ...(cite !== null ? { rfc: cite } : {}) }, packet, null, p.side);
    }
  }

  /** Bytes of a direction that may be WebSocket: looked at until a run of frames is found, or the budget ends. */
  private feedSniff(dir: Dir, data: Buffer, packet: number, ts: number): Buffer {
    const d = this.dirs[dir];
    d.sniffed += data.length;
    d.sniffedSegments++;
    this.ws().push(dir, data, packet, ts);
    // evidence starts at a segment start: a few dozen segments hold it if the bytes are WebSocket (and the search stays linear)
    if (d.mode === 'sniff' && (d.sniffed > this.options.sniffBytes || d.sniffedSegments > SNIFF_SEGMENTS)) {
      d.mode = 'opaque';
      this.ws().stop(dir);
    }
    return EMPTY;
  }

  /** A run of valid frames was found in a direction without a handshake: the connection is WebSocket. */
  private detected(dir: Dir, masked: boolean, skipped: number, packet: number): void {
    // clients mask, servers do not (RFC 6455 §5.1): the frames tell the roles
    if (this.rolesFrom !== 'syn' && this.rolesFrom !== 'http') {
      this.clientDir = masked ? dir : dir === 0 ? 1 : 0;
      this.rolesFrom = 'frames';
    }
    this.websocket = true;
    this.detection = 'heuristic';
    this.ws().found();
    for (const x of [0, 1] as const) {
      const d = this.dirs[x];
      if (x === dir) d.mode = 'websocket';
      else if (d.mode === 'sniff') d.mode = 'websocket'; // its parser goes on looking for a boundary, now with the roles known
      else if ((d.mode === 'http' && !this.http.awaiting(x)) || d.mode === 'opaque') this.startWebSocket(x, 3);
    }
    this.items.push({ kind: 'detected', skipped });
    if (skipped > 0) this.diag(said({ code: 'ws.resync', bytes: skipped, side: this.side(dir) }), packet, null, this.side(dir));
  }

  /** What the connection does with what its HTTP framing finds. */
  private httpSink(): HttpSink {
    return {
      side: (dir) => this.side(dir),
      rolesFromSyn: () => this.rolesFrom === 'syn',
      item: (item) => this.items.push(item),
      diagnostic: (f, packet, frame, from) => this.diag(f, packet, frame, from),
      report: (d) => this.report(d),
      notHttp: (dir, rest) => this.notHttp(dir, rest),
      leave: (dir, why) => {
        this.dirs[dir].mode = why;
      },
      attempted: () => {
        this.websocket = true;
      },
      webSocket: () => this.websocket,
      upgraded: (dir, extensions) => this.upgraded(dir, extensions),
      joinedUpgraded: (dir, extensions) => this.joinedUpgraded(dir, extensions),
      http2: (dir, upgraded) => {
        this.startHttp2(dir === 0 ? 1 : 0, 'upgrade');
        // the upgraded request is HTTP/2's stream 1, whose answer the server sends in HTTP/2 (RFC 7540 §3.2)
        if (upgraded !== null) this.h2!.upgraded(upgraded);
      },
      feed: (dir, chunk) => this.feed(dir, chunk),
      feedHeld: (dir, chunk) => this.feedHeld(dir, chunk),
      replay: (dir, chunks, upgraded) => this.replayHeld(dir, chunks, upgraded),
    };
  }

  /** The server agreed to the upgrade: both directions carry frames, with the extensions it agreed. */
  private upgraded(dir: Dir, extensions: AgreedExtensions): boolean {
    this.detection = 'handshake';
    const ws = this.ws();
    if (extensions === 'unknown') ws.extensionsUnknown();
    else if (extensions !== null) ws.agree(extensions.deflate, extensions.text, false);
    this.startWebSocket(dir);
    this.startWebSocket(dir === 0 ? 1 : 0);
    return ws.knowsExtensions;
  }

  /**
   * A 101 to websocket answered a request the capture does not hold: the
   * server's direction carries frames from the byte after it; the client's
   * from its next bytes, or, when some came before (the request's tail), from
   * where a run of frames starts.
   */
  private joinedUpgraded(dir: Dir, extensions: { deflate: boolean; text: string | null }): void {
    this.detection = 'response';
    // the roles are the HTTP's: the 101 came from the server
    if (this.rolesFrom !== 'syn') {
      this.clientDir = dir === 0 ? 1 : 0;
      this.rolesFrom = 'http';
    }
    // the extensions' context starts with the 101, which the capture holds
    this.ws().agree(extensions.deflate, extensions.text, false);
    this.startWebSocket(dir);
    // the client's frames start at its next byte only when nothing of it came before (nor was lost)
    const client: Dir = dir === 0 ? 1 : 0;
    const untouched = this.dirs[client].bytes === 0 && this.dirs[client].mode === 'http';
    this.startWebSocket(client, untouched ? 0 : 3);
  }

  /** The connection's WebSocket session, made when its bytes are first taken for (or searched for) frames. */
  private ws(): WebSocketSession {
    return this.websockets[0] ?? this.newWebSocket();
  }

  private newWebSocket(): WebSocketSession {
    // a pong captured before its ping answers it within the time TCP waits for a hole to fill (captures merged from two taps)
    const session = new WebSocketSession(this.limits, this.options.retain, this.webSocketSink(), SUSPECT_SECONDS);
    this.websockets.push(session);
    return session;
  }

  /** What the connection does with what a WebSocket session finds. */
  private webSocketSink(): WebSocketSink {
    return {
      side: (dir) => this.side(dir),
      relTs: this.relTs,
      frame: (frame, context) => this.onFrame(frame, context),
      message: (message) => {
        countMessage(this.counts, message);
        this.tally.message(message);
        if (this.options.retain) {
          this.messages.push(message);
          this.story.message(message);
        } else this.events?.message(this.id, message, this.tunnel?.stream ?? null);
      },
      diagnostic: (f, packet, frame, from) => this.diag(f, packet, frame, from),
      item: (item) => {
        // a frame a packet leaves incomplete is told as far as the packet took it: a packet may hand it on in several
        // parts (an HTTP/2 packet's DATA frames, a TLS packet's records), each telling how far it got
        let at = -1;
        if (item.kind === 'partial-frame') for (let i = this.items.length - 1; i >= 0 && at < 0; i--) if (this.items[i]!.kind === 'partial-frame') at = i;
        if (at >= 0) this.items[at] = item;
        else this.items.push(item);
      },
      detected: (dir, masked, skipped, packet) => this.detected(dir, masked, skipped, packet),
      reader: () => (this.options.app === 'none' ? null : (this.app = new AppSession(this.appContext(), this.options.app))),
    };
  }

  private startWebSocket(dir: Dir, unsyncedRun = 0): void {
    this.dirs[dir].mode = 'websocket';
    this.ws().start(dir, unsyncedRun);
  }

  /** Client bytes that waited for the response are decoded now, in the mode the response chose. */
  private replayHeld(dir: Dir, held: HeldChunk[], upgraded: boolean): void {
    // what these bytes held was already said on the packets that carried them
    const items = this.items;
    this.items = [];
    this.replayed = [];
    for (const c of held) this.feed(dir, c);
    const replayed = this.replayed;
    this.replayed = null;
    this.items = items;
    if (!upgraded) return;
    for (const f of replayed) {
      if (isControl(f.opcode) || f.from !== 'client') continue;
      // RFC 6455 §4.1: the client sends data only after it has received the server's handshake
      this.diag(said({ code: 'handshake.frames-before-upgrade', opcode: f.opcode, packet: f.packets[0]! }), f.packet, f.index, 'client');
    }
  }

  private feedWebSocket(dir: Dir, data: Buffer, packet: number, ts: number): Buffer {
    const ws = this.ws();
    if (this.detection === 'handshake' && ws.framesIn(dir) === 0 && ws.atFrameStart(dir) && startsHttp(this.side(dir), data)) {
      // The 101 did not take: the peer goes on speaking HTTP (a client that rejected
      // the server's handshake, or a test harness). Both directions return to HTTP.
      for (const x of [0, 1] as const) {
        if (this.dirs[x].mode === 'websocket' && ws.framesIn(x) === 0) {
          this.dirs[x].mode = 'http';
          this.http.resume(x);
          ws.stop(x);
        }
      }
      return data;
    }
    ws.push(dir, data, packet, ts);
    return EMPTY;
  }

  /** A frame a WebSocket session decoded: counted, kept or handed on, and told on its packet. */
  private onFrame(frame: Frame, context: { messageType: 'text' | 'binary' | null; compressed: boolean; completes: Message | null }): void {
    const from = frame.from;
    this.replayed?.push(frame);
    if (frame.opcode === 0x8 && this.ws().firstCloseOf(from) === frame) {
      this.closeEnds[from] = this.chunkEnd;
      // what its segment acknowledged of the peer (known only when decoded with its own packet)
      this.closeAcks[from] = frame.packet === this.currentPacket ? this.currentAck : null;
    }
    // counted once its pong is matched: the round trip is the frame's (answers.rtt)
    countFrame(this.counts, frame);
    const { messageType, compressed, completes } = context;
    if (!this.options.retain) {
      this.events?.frame(this.id, frame, { messageType, compressed }, this.tunnel?.stream ?? null);
      return;
    }
    this.frames.push(frame);
    if (frame.packet < this.currentPacket || this.finishing) this.annotateLate(frame, messageType, compressed, completes);
    else this.items.push({ kind: 'frame', frame, messageType, compressed, completes });
  }

  private annotate(pkt: PacketRef, dir: Dir): void {
    this.counts.packets++;
    this.tally.packet(pkt.ts);
    // the timeline is only kept for the reports that show it
    if (!this.options.retain || this.options.timeline === false) return;
    const from = this.side(dir);
    const described = describePacket(this.items, this.phase, from);
    const bare = this.items.every((i) => i.kind === 'tcp');
    const midStream = this.tcp.syn === null && this.tcp.synAck === null;
    const provisional = midStream && bare && described.phase === 'tcp-handshake';
    // asked of bare packets only (the only ones told again later from their flags)
    const closesTcp = bare && this.items.some((i) => i.kind === 'tcp' && (i.flags.fin || i.flags.rst));
    // what it carried first, but TCP: an HTTP head begins its summary
    const http = this.items.find((i) => i.kind !== 'tcp')?.kind;
    const entry = { packet: pkt.number, ts: pkt.ts, relTs: pkt.relTs, from, dir, phase: described.phase, told: described.told, tcp: described.tcp, provisional, bare, http: http === 'request' || http === 'response', closesTcp };
    if (provisional && this.firstProvisional === null) this.firstProvisional = this.timeline.length;
    this.timeline.push(entry);
    const b = (this.bounds ??= { maxPacket: pkt.number, minRelTs: pkt.relTs, maxRelTs: pkt.relTs });
    if (pkt.number > b.maxPacket) b.maxPacket = pkt.number;
    if (pkt.relTs < b.minRelTs) b.minRelTs = pkt.relTs;
    if (pkt.relTs > b.maxRelTs) b.maxRelTs = pkt.relTs;
    this.story.entry(entry);
    for (const i of this.items) if (i.kind === 'frame') this.story.frameOfEntry(i.frame);
    if (!provisional) this.phase = later(this.phase, described.reached);
  }

  /**
   * A frame recognised after its packet was annotated (decoding resumed at an
   * earlier byte, or the framing was found only at the end): its packet's
   * entry is told now.
   */
  private annotateLate(frame: Frame, messageType: 'text' | 'binary' | null, compressed: boolean, completes: Message | null): void {
    const tl = this.timeline;
    for (let i = tl.length - 1; i >= 0; i--) {
      const e = tl.at(i)!;
      if (e.packet < frame.packet) return;
      if (e.packet !== frame.packet) continue;
      changed(tl, i);
      this.storyUnsettled = true;
      const told = factOf({ kind: 'frame', frame, messageType, compressed, completes }, e.from);
      if (e.bare) {
        // the packet's flags, all it told until now, stay told when they end the connection
        e.told = [told];
        if (!e.closesTcp) e.tcp = null;
        e.bare = false;
      } else {
        // (the one empty list of packets that told nothing is never added to)
        if (e.told === NOTHING) e.told = [told];
        else e.told.push(told);
      }
      const phase: Phase = frame.opcode === 0x8 ? 'closing' : 'data';
      if (e.provisional) {
        e.phase = phase;
        e.provisional = false;
      }
      if (later(e.phase, phase) === phase) this.reachForward(i, phase);
      return;
    }
  }

  /**
   * Server bytes that waited for the request they answer (a capture merged
   * from two taps, a request lost), read now: what they hold is told on the
   * packet that carried them, which said until now that they waited.
   */
  private feedHeld(dir: Dir, chunk: HeldChunk): void {
    if (chunk.kind !== 'data' || chunk.packet >= this.currentPacket || !this.options.retain || this.options.timeline === false) {
      this.feed(dir, chunk);
      return;
    }
    const items = this.items;
    this.items = [];
    // (frames are told on their packets as they are found: annotateLate)
    this.feed(dir, chunk);
    const told = this.items;
    this.items = items;
    this.retell(chunk.packet, told);
  }

  /**
   * Phases never go back: a packet told late took the connection to `phase`,
   * so the entries from position `from` on are at least there (but those
   * still provisional, and the teardown's), and so is the connection.
   */
  private reachForward(from: number, phase: Phase): void {
    const tl = this.timeline;
    for (let j = from; j < tl.length; j++) {
      const f = tl.at(j)!;
      if (!f.provisional && f.phase !== 'tcp-teardown' && later(f.phase, phase) !== f.phase) {
        f.phase = later(f.phase, phase);
        changed(tl, j);
      }
    }
    this.phase = later(this.phase, phase);
  }

  /** A packet's entry told again: what its bytes held, once read, in place of their having waited. */
  private retell(packet: number, items: PacketItem[]): void {
    const tl = this.timeline;
    for (let i = tl.length - 1; i >= 0; i--) {
      const e = tl.at(i)!;
      if (e.packet < packet) return;
      if (e.packet !== packet) continue;
      const d = describePacket(items, e.phase, e.from);
      const told = [...e.told.filter((f) => f.kind !== 'early-response'), ...d.told];
      e.told = told.length === 0 ? NOTHING : told;
      e.phase = d.phase;
      changed(tl, i);
      this.storyUnsettled = true;
      this.reachForward(i + 1, d.reached);
      return;
    }
  }

  /** The capture ended or the connection is over: settle everything left open and report. */
  finish(): Connection {
    this.items = [];
    this.finishing = true;
    if (this.tunnel !== null) return this.finishTunnel(this.tunnel);
    const flushed = this.tcp.flush();
    flushed.forEach((chunks, i) => {
      for (const c of chunks) this.feed(i as Dir, c);
    });
    this.http.settle();
    this.tls?.end();
    for (const ws of this.websockets) ws.end(this.tcp.lastTs);
    this.http.finish();
    // the WebSocket conversations its HTTP/2 carried that are still open end with it
    for (const t of this.carriedAnalyses) this.carried.push([t.finish(), t]);
    this.carriedAnalyses = [];
    if (this.tcp.syn === null && this.tcp.synAck === null) {
      const first = this.firstPacket;
      const rolesFrom = this.rolesFrom === 'http' || this.rolesFrom === 'frames' ? this.rolesFrom : 'ports';
      this.diag(said({ code: 'tcp.handshake-missing', rolesFrom, detection: this.detection }), first, null, null);
    }
    const handshake = this.http.handshake;
    const upgraded = handshake?.outcome === 'upgraded' || this.detection === 'heuristic' || this.detection === 'decode-as' || this.detection === 'response';
    const sideOf = (d: Dir | null): Side | null => (d === null ? null : this.side(d));
    const ws = this.websockets[0] ?? null;
    const cs = ws ? ws.settleClose((side) => this.answersClose(side)) : noClose();
    cs.clean = this.closedCleanly(cs);
    if (upgraded) {
      const end = { teardown: this.tcp.teardownKind, firstTeardownPacket: this.tcp.teardownPackets[0] ?? null, firstBy: sideOf(this.tcp.teardownFirst), lastPacket: this.lastPacket };
      this.ws().closeChecks(end);
    }
    const ends = this.ends;
    const clientDir = this.clientDir ?? 0;
    // a provisional entry takes the phase of what follows it (entries before the first provisional one are settled)
    let next: Phase = 'data';
    const tl = this.timeline;
    if (this.firstProvisional !== null) {
      for (let i = tl.length - 1; i >= this.firstProvisional; i--) {
        const e = tl.at(i)!;
        if (e.provisional) {
          e.phase = next;
          changed(tl, i);
        } else next = e.phase === 'tcp-teardown' ? next : e.phase;
      }
    }
    const websocket = this.websocket;
    const timeline: List<TimelineEntry> = Array.isArray(tl) ? tl.map((e) => finishedEntry(e, clientDir, websocket)) : new TimelineList(tl, clientDir, websocket);
    for (const w of this.websockets) w.flush();
    this.sortDiagnostics();
    const tls = this.identified?.protocol === 'tls' && this.tls !== null ? this.tls.info() : null;
    const tcp: TcpInfo = {
      handshake: { syn: this.tcp.syn, synAck: this.tcp.synAck, ack: this.tcp.handshakeAck },
      teardown: { kind: this.tcp.teardownKind, firstBy: sideOf(this.tcp.teardownFirst), packets: this.tcp.teardownPackets },
      retransmissions: this.tcp.retransmissions,
      outOfOrder: this.tcp.outOfOrder,
      lostBytes: this.tcp.lostBytes,
      finBy: { client: this.finPacket('client'), server: this.finPacket('server') },
    };
    return {
      id: this.id,
      stream: null,
      http2: this.h2?.info() ?? null,
      client: ends[clientDir],
      server: ends[clientDir === 0 ? 1 : 0],
      websocket: upgraded,
      protocol: this.protocolInfo(upgraded, tls),
      tls,
      detection: this.detection,
      tcp,
      handshake,
      story: this.storyUnsettled || this.firstProvisional !== null || this.story.overflow ? null : this.story.facts((e) => finishedEntry(e, clientDir, websocket), websocket),
      stats: statsOf({ id: this.id, counts: this.counts, tcp }, this.tally, { syn: this.tcp.synTs, synAck: this.tcp.synAckTs, ...this.http.handshakeTimes }),
      close: cs,
      timeline,
      ...this.kept(ws),
    };
  }

  /** What a finished connection (or conversation) hands on of what it kept and counted as it went. */
  private kept(ws: WebSocketSession | null): Pick<Connection, 'compression' | 'app' | 'frames' | 'messages' | 'counts' | 'timelineBounds' | 'diagnostics'> {
    return {
      compression: ws?.deflating ? ws.compressionCounts : null,
      app: this.app?.chosen ? { decoder: this.app.chosen.name, chosenBy: this.app.chosen.by } : null,
      frames: this.frames,
      messages: this.messages,
      counts: this.counts,
      timelineBounds: this.bounds,
      diagnostics: this.diagnostics,
    };
  }

  /**
   * Diagnostics in order of packet (those of no packet last), each packet's
   * in the order told: a stable sort of an array; for a list that spills,
   * the few told late merged into the ones told in order.
   */
  private sortDiagnostics(): void {
    const at = (d: Diagnostic): number => d.packet ?? Infinity;
    const list = this.diagnostics;
    if (Array.isArray(list)) {
      list.sort((a, b) => at(a) - at(b));
      return;
    }
    if (this.lateDiagnostics.length === 0) return;
    const late = this.lateDiagnostics.sort((a, b) => at(a) - at(b));
    const merged = new SpillList<Diagnostic>(this.options.spill ?? null);
    let k = 0;
    // told in order first among equals: a late one was told after every in-order one of its packet
    for (const d of list) {
      while (k < late.length && at(late[k]!) < at(d)) merged.push(late[k++]!);
      merged.push(d);
    }
    while (k < late.length) merged.push(late[k++]!);
    list.release();
    this.diagnostics = merged;
  }

  /** The connection has been reported: its spilled lists let go of their file space. */
  release(): void {
    for (const list of [this.frames, this.messages, this.timeline, this.diagnostics]) if (list instanceof SpillList) list.release();
  }

  /**
   * A WebSocket conversation an HTTP/2 stream carried, finished when its
   * connection is: the stream's ends are its teardown, its CONNECT and 2xx
   * its handshake; there is no TCP of its own (its packets are the
   * connection's that carried its stream's frames).
   */
  private finishTunnel(t: TunnelState): Connection {
    const lastTs = Math.max(t.endedTs[0] ?? 0, t.endedTs[1] ?? 0, t.responseTs ?? 0, t.requestTs);
    for (const ws of this.websockets) ws.end(lastTs);
    const handshake = t.handshake;
    const upgraded = handshake.outcome === 'upgraded';
    const down = this.streamTeardown(t);
    const sideOf = (d: Dir | null): Side | null => (d === null ? null : this.side(d));
    const ws = this.websockets[0] ?? null;
    const cs = ws ? ws.settleClose(() => false) : noClose();
    const first = down.packets[0];
    // clean: both Close frames, and each side ended its half of the stream (END_STREAM) with its Close or after it;
    // a side may end its half with its Close frame (Chromium does), as a half-close, and still read the peer's
    const closeOf = (d: Dir): number | null => (cs.initiator === null ? null : sideOf(d) === cs.initiator ? cs.packet : cs.replyPacket);
    const endedAfterClose = (d: Dir): boolean => {
      const c = closeOf(d);
      const e = t.ended[d];
      return c !== null && e !== null && c <= e;
    };
    cs.clean = down.kind === 'fin' && endedAfterClose(0) && endedAfterClose(1);
    // (the server-first rule of RFC 6455 §7.1.1 is TCP's: it keeps TIME_WAIT off the server, which a stream does not have)
    if (upgraded) this.ws().closeChecks({ teardown: down.kind, firstTeardownPacket: first ?? null, firstBy: sideOf(down.first), lastPacket: this.lastPacket, stream: true }, { serverFirst: false });
    const tl = this.timeline;
    const timeline: List<TimelineEntry> = Array.isArray(tl) ? tl.map((e) => finishedEntry(e, 0, true)) : new TimelineList(tl, 0, true);
    for (const w of this.websockets) w.flush();
    this.sortDiagnostics();
    const tcp: TcpInfo = {
      handshake: { syn: null, synAck: null, ack: null },
      teardown: { kind: down.kind, firstBy: sideOf(down.first), packets: down.packets },
      retransmissions: 0,
      outOfOrder: 0,
      lostBytes: 0,
      finBy: { client: t.ended[0], server: t.ended[1] },
    };
    return {
      id: this.id,
      stream: t.stream,
      http2: null,
      client: this.ends[0],
      server: this.ends[1],
      websocket: upgraded,
      protocol: upgraded ? { name: 'websocket', detail: null } : { name: 'http2', detail: null },
      tls: null,
      detection: upgraded ? 'handshake' : null,
      tcp,
      handshake,
      story: this.storyUnsettled || this.story.overflow ? null : this.story.facts((e) => finishedEntry(e, 0, true), true),
      stats: statsOf({ id: this.id, counts: this.counts, tcp }, this.tally, { syn: null, synAck: null, request: t.requestTs, response: t.responseTs }),
      close: cs,
      timeline,
      ...this.kept(ws),
    };
  }

  /** What the connection carries: WebSocket, HTTP (a refused upgrade too), a protocol named by its signature, or data no signature names. */
  private protocolInfo(websocket: boolean, tls: TlsInfo | null): ProtocolInfo | null {
    if (websocket) return { name: 'websocket', detail: null };
    // an h2c upgrade read HTTP/1.1 first: the connection is HTTP/2's
    if (this.h2 !== null && this.identified?.protocol !== 'tls') return { name: 'http2', detail: null };
    if (this.http.seen) return { name: 'http', detail: null };
    if (this.identified) {
      // a TLS connection's is told from its tls facts (render/kind.ts protocolDetail)
      return { name: this.identified.protocol, detail: tls ? null : this.identified.detail };
    }
    return this.dirs[0].bytes + this.dirs[1].bytes > 0 ? { name: 'unknown', detail: null } : null;
  }

  /**
   * Clean: both Close frames, then the TCP teardown (a Close may ride on the
   * first FIN). The side that closed TCP first must have had the peer's
   * Close: its FIN acknowledges it. Where the acknowledgement cannot tell
   * (a RST, a FIN without ACK), the packet order does; it is the order a
   * merged capture may show wrong.
   */
  private closedCleanly(cs: ConnectionClose): boolean {
    const firstTeardown = this.tcp.teardownPackets[0];
    if (cs.packet === null || cs.replyPacket === null || firstTeardown === undefined) return false;
    const closer = this.tcp.teardownFirst;
    if (this.tcp.teardownKind === 'fin' && closer !== null && this.tcp.finAcks[closer] !== null) {
      const peerClose = this.closeEnds[this.side(closer === 0 ? 1 : 0)];
      if (peerClose !== null) return this.tcp.finAcknowledged(closer, peerClose);
    }
    return cs.packet <= firstTeardown && cs.replyPacket <= firstTeardown;
  }

  /** The packet that carried this side's FIN, if it sent one. */
  private finPacket(side: Side): number | null {
    const dir: Dir = side === 'client' ? (this.clientDir ?? 0) : this.clientDir === 1 ? 0 : 1;
    return this.tcp.finPackets[dir];
  }

  /** Whether this side's first Close was sent after the peer's had arrived (its segment acknowledges it). */
  private answersClose(side: Side): boolean {
    const ack = this.closeAcks[side];
    const peerEnd = this.closeEnds[side === 'client' ? 'server' : 'client'];
    return ack !== null && peerEnd !== null && seqDiff(ack, peerEnd) >= 0;
  }
}
