// The pipeline driver: each packet, as it is read, goes link → IP → TCP →
// its connection's analysis (connection.ts). Connections are reported to the sink as soon as
// they are over, and forgotten; nothing here keeps every packet.
import { KeyLog } from '../tls/keylog.js';
import type { DiagnosticFacts } from '../diagnostic.js';
import { told } from '../text/diagnostics.js';
import type { CaptureMeta, RawPacket } from '../capture/reader.js';
import { LINK_TYPES, linkTypeName } from '../link/link.js';
import { decodeIpv4, decodeIpv6, IPPROTO_TCP, type IpPacket } from '../ip/ip.js';
import { Defragmenter } from '../ip/defrag.js';
import { decodeTcp, type TcpSegment } from '../tcp/segment.js';
import type { AnalysisSink, CaptureInfo, Connection, Diagnostic, Endpoint, Summary } from '../model.js';
import { ConnectionAnalysis, type ConnectionEvents, type ConnectionOptions, type PacketRef } from './connection.js';
import { DEFAULT_MAX_HELD } from '../websocket/parser.js';
import { DEFAULT_GLOBAL_HOLD_LIMIT, DEFAULT_HOLD_LIMIT, HoldBudget } from '../tcp/reassembly.js';
import { DEFAULT_MAX_HEAD, DEFAULT_MAX_HEADERS } from '../http/reader.js';
import { DEFAULT_INFLATE_LIMIT } from '../deflate/inflate.js';

/** unreadable key log lines told one by one; the rest are counted in the last */
const MAX_KEYLOG_PROBLEMS = 10;

export interface AnalyzerOptions extends Omit<ConnectionOptions, 'retain'> {
  /** seconds (capture time) a closed connection waits for stray packets before it is reported */
  closedGrace: number;
  /**
   * seconds (wall clock) a closed connection of a capture read as it is made
   * (a pipe from tcpdump) waits with no packet arriving before it is reported
   */
  liveClosedGrace: number;
  /** seconds (capture time) without a packet after which an open connection is reported as it stands */
  idleTimeout: number;
}

/** Connections tracked at once; past it, the quietest are reported as they stand. */
export const DEFAULT_MAX_CONNECTIONS = 10000;

export const DEFAULT_OPTIONS: AnalyzerOptions = {
  limits: {
    maxFramePayload: DEFAULT_MAX_HELD,
    reassemblyHold: DEFAULT_HOLD_LIMIT,
    globalReassemblyHold: DEFAULT_GLOBAL_HOLD_LIMIT,
    maxHttpHead: DEFAULT_MAX_HEAD,
    maxHttpHeaders: DEFAULT_MAX_HEADERS,
    inflateLimit: DEFAULT_INFLATE_LIMIT,
    keepPayload: Infinity,
    maxConnections: DEFAULT_MAX_CONNECTIONS,
  },
  decodeAs: new Map(),
  sniffBytes: 64 * 1024,
  app: 'auto',
  // In a file, waiting costs nothing (capture time is not waited for), so a
  // closed connection keeps 5 s of capture time for a late retransmission.
  closedGrace: 5,
  // Read live, the grace is waited for on the wall clock, so it is short: 2 s
  // with no packet after both FINs (or a reset). What can still come then is
  // the ACK of the last FIN (one round trip) and, when a FIN or its ACK was
  // lost, its retransmission (Linux's retransmission timeout is at least
  // 200 ms plus the round trip); tcpdump delivers packets up to a second late
  // in a batch (libpcap's buffer timeout, without --immediate-mode). A packet
  // later than that is reported as a connection of its own. A finished
  // connection is therefore on the reader's screen 2 to 2.5 s after its last
  // packet reached wsdissect (the clock is read every 250 ms).
  liveClosedGrace: 2,
  idleTimeout: 600,
};


/**
 * A connection of which only its first packet, a bare SYN, has been seen (a
 * port scan, a SYN flood, a connection not answered yet): kept as that one
 * segment, about a tenth of the memory of an analysis, which is made from it
 * (the SYN given to it as it came) when a second packet arrives or the
 * connection is reported. The 10 000 connections tracked at once of a flood
 * of half-open ones take a few megabytes rather than tens.
 */
class Embryo {
  readonly closed = false;

  constructor(
    readonly id: number,
    readonly key: string,
    readonly first: Endpoint,
    readonly second: Endpoint,
    readonly pkt: PacketRef,
    readonly seg: TcpSegment,
  ) {}

  get lastTs(): number {
    return this.pkt.ts;
  }
}

/** Whether a segment is a bare SYN with nothing else to it: all an embryo can hold. */
function bareSyn(seg: TcpSegment, missing: number): boolean {
  const f = seg.flags;
  return f.syn && !f.ack && !f.fin && !f.rst && seg.payload.length === 0 && missing === 0;
}

export class Analyzer {
  private readonly analyses = new Map<string, ConnectionAnalysis | Embryo>();
  private readonly defrag = new Defragmenter();
  /** the IPv4 flow of the last packet, with its analysis and the direction of that packet */
  private lastFlow: { src: number; dst: number; sport: number; dport: number; analysis: ConnectionAnalysis; dir: 0 | 1 } | null = null;
  private readonly budget: HoldBudget;
  private nextId = 0;
  private firstTs: number | null = null;
  /** the finest timestamp resolution seen (units per second): times relative to the first packet are given to it */
  private resolution = 1;
  private lastTs: number | null = null;
  private lastSweep = 0;
  /**
   * Wall-clock time the last packet arrived, for captures read as they are
   * made. Packets only say that they came (`arrived`); the next tick (every
   * 250 ms) reads the clock, not every packet.
   */
  private lastArrival = Date.now();
  private arrived = false;
  private readonly unknownLinks = new Set<number>();
  /** connections reported early because too many were open at once, and the packet where that first happened */
  private evicted = 0;
  private firstEviction: number | null = null;
  private readonly diagnostics: Diagnostic[] = [];
  private readonly summary: Summary = {
    connections: 0,
    websocketConnections: 0,
    refusedUpgrades: 0,
    frames: 0,
    messages: 0,
    diagnostics: { error: 0, warning: 0, info: 0 },
  };

  private readonly events: ConnectionEvents | undefined;

  /**
   * Seconds since the first packet, to the capture's precision and at most
   * to the microsecond: an epoch time in a double (as timestamps are) holds
   * about 0.24 µs (a number near 1.7e9 keeps 22 bits of fraction), so the
   * difference of two carries noise below it (0.052644968032836914 for
   * 0.052645). Rounded, it is exact for microsecond captures, and the same
   * for a nanosecond capture of the same packets; finer digits would be
   * noise.
   */
  private rel(ts: number): number {
    const d = ts - (this.firstTs ?? ts);
    const units = Math.min(this.resolution, 1e6);
    return Math.round(d * units) / units;
  }

  private readonly relTs = (ts: number): number => this.rel(ts);

  constructor(
    private readonly sink: AnalysisSink,
    private options: AnalyzerOptions = DEFAULT_OPTIONS,
  ) {
    this.budget = new HoldBudget(options.limits.globalReassemblyHold);
    this.events = sink.streaming
      ? {
          frame: (c, f, ctx) => sink.frame?.(c, f, ctx),
          message: (c, m) => sink.message?.(c, m),
          diagnostic: (c, d) => sink.diagnostic?.(c, d),
        }
      : undefined;
  }

  /**
   * A TLS key log the capture itself carries (pcapng Decryption Secrets
   * Block): added to the keys given (--tls-keylog), for the connections that
   * begin after it.
   */
  tlsKeyLog(text: string, capture: string): void {
    const keylog = this.options.keylog ?? new KeyLog();
    keylog.add(text, `${capture} (Decryption Secrets Block)`);
    if (this.options.keylog !== keylog) this.options = { ...this.options, keylog };
  }

  /** The key log lines that could not be read (of --tls-keylog files and the capture's own): the first few, and how many more. */
  private keyLogProblems(): void {
    const problems = this.options.keylog?.problems ?? [];
    const shown = problems.slice(0, MAX_KEYLOG_PROBLEMS);
    shown.forEach((p, i) => {
      const more = i === shown.length - 1 ? problems.length - shown.length : 0;
      this.diagnostics.push(told({ code: 'tls.keylog-line', file: p.file, line: p.line, kind: p.kind, text: p.text, hidden: p.hidden, more }));
    });
  }

  /** One packet through the pipeline; a failure inside it is reported, never thrown. */
  packet(raw: RawPacket): void {
    try {
      this.decode(raw);
    } catch (err) {
      this.internalError({ code: 'internal.error', stage: 'packet', packet: raw.number, error: errorText(err) }, raw.number);
    }
  }

  private decode(raw: RawPacket): void {
    this.firstTs ??= raw.ts;
    if (raw.resolution > this.resolution) this.resolution = raw.resolution;
    this.lastTs = raw.ts;
    this.arrived = true;
    const link = LINK_TYPES.get(raw.linkType);
    if (!link) {
      if (!this.unknownLinks.has(raw.linkType)) {
        this.unknownLinks.add(raw.linkType);
        this.diagnostics.push(told({ code: 'capture.unknown-link-type', linkType: linkTypeName(raw.linkType) }, { packet: raw.number }));
      }
      return;
    }
    // each layer reads the captured bytes in place, at the offset the layer below found
    const l2 = link.decode(raw.data);
    if (!l2 || l2.network === 'other') return;
    const ip: IpPacket | null = l2.network === 'ipv4' ? decodeIpv4(raw.data, l2.at) : decodeIpv6(raw.data, l2.at);
    if (!ip || ip.protocol !== IPPROTO_TCP) return;
    // bytes of the TCP payload the snapshot length cut off
    let missing = ip.truncated ? ip.declaredLength - (ip.payloadEnd - ip.payloadAt) : 0;
    let seg: TcpSegment | null;
    if (ip.fragmentOf) {
      // a fragment that was cut cannot be joined: its datagram is lost
      if (ip.truncated) {
        this.truncated(raw);
        return;
      }
      const whole = this.defrag.add(ip.fragmentOf.key, ip.fragmentOf.offset, ip.fragmentOf.more, ip.payload, raw.ts);
      if (!whole) return;
      seg = decodeTcp(whole);
      missing = 0;
    } else {
      seg = decodeTcp(ip.header, ip.payloadAt, ip.payloadEnd);
    }
    if (ip.truncated || raw.capturedLength < raw.originalLength) this.truncated(raw);
    if (!seg) return;

    // most packets belong to the flow of the packet before: recognised without building a key
    const last = this.lastFlow;
    if (last && ip.version === 4 && !seg.flags.syn) {
      const src = ip.header.readUInt32BE(ip.srcAt);
      const dst = ip.header.readUInt32BE(ip.srcAt + 4);
      const same = last.src === src && last.dst === dst && last.sport === seg.srcPort && last.dport === seg.dstPort;
      const reverse = last.src === dst && last.dst === src && last.sport === seg.dstPort && last.dport === seg.srcPort;
      if (same || reverse) {
        last.analysis.packet({ number: raw.number, ts: raw.ts, relTs: this.rel(raw.ts) }, same ? last.dir : last.dir === 0 ? 1 : 0, seg, missing);
        if (raw.ts - this.lastSweep >= 1) this.sweep(raw.ts);
        return;
      }
    }
    // raw address bytes and ports as the key: no address is formatted for a known flow
    const a = ip.srcKey + String.fromCharCode(seg.srcPort);
    const b = ip.dstKey + String.fromCharCode(seg.dstPort);
    const key = a < b ? a + b : b + a;
    let found = this.analyses.get(key);
    if (found && found.closed && seg.flags.syn && !seg.flags.ack) {
      // a new SYN on a finished 4-tuple is a new connection (port reuse)
      this.report(found);
      this.analyses.delete(key);
      found = undefined;
    }
    const pkt: PacketRef = { number: raw.number, ts: raw.ts, relTs: this.rel(raw.ts) };
    if (!found) {
      if (this.analyses.size >= this.options.limits.maxConnections) this.evict(raw.number);
      const first = { ip: ip.src, port: seg.srcPort };
      const second = { ip: ip.dst, port: seg.dstPort };
      if (bareSyn(seg, missing)) {
        this.analyses.set(key, new Embryo(this.nextId++, a, first, second, pkt, seg));
        this.lastFlow = null;
        if (raw.ts - this.lastSweep >= 1) this.sweep(raw.ts);
        return;
      }
      found = this.newAnalysis(this.nextId++, a, first, second);
      this.analyses.set(key, found);
    } else if (found instanceof Embryo) {
      found = this.grown(found);
      this.analyses.set(key, found);
    }
    const analysis = found;
    const dir = analysis.dirOf(a);
    this.lastFlow = ip.version === 4 ? { src: ip.header.readUInt32BE(ip.srcAt), dst: ip.header.readUInt32BE(ip.srcAt + 4), sport: seg.srcPort, dport: seg.dstPort, analysis, dir } : null;
    analysis.packet(pkt, dir, seg, missing);
    if (raw.ts - this.lastSweep >= 1) this.sweep(raw.ts);
  }

  private newAnalysis(id: number, firstKey: string, first: Endpoint, second: Endpoint): ConnectionAnalysis {
    return new ConnectionAnalysis(id, firstKey, first, second, { ...this.options, retain: !this.sink.streaming }, this.relTs, this.budget, this.events);
  }

  /** The analysis an embryo becomes: its SYN given to it as it came. */
  private grown(e: Embryo): ConnectionAnalysis {
    const analysis = this.newAnalysis(e.id, e.key, e.first, e.second);
    analysis.packet(e.pkt, 0, e.seg, 0);
    return analysis;
  }

  private truncated(raw: RawPacket): void {
    this.diagnostics.push(told({ code: 'capture.truncated-packet', packet: raw.number, captured: raw.capturedLength, original: raw.originalLength }, { packet: raw.number }));
  }

  /**
   * For a capture read while it is being made (tcpdump -w - | wsdissect -):
   * time passes even when no packet comes, so connections that are over get
   * reported without waiting for the next packet.
   */
  tick(): void {
    if (this.arrived) {
      this.arrived = false;
      this.lastArrival = Date.now();
    }
    if (this.lastTs === null) return;
    this.sweep(this.lastTs + (Date.now() - this.lastArrival) / 1000, this.options.liveClosedGrace);
  }

  /** Reports connections that are over and have been quiet for the grace period (capture time, or the wall clock's when live). */
  private sweep(now: number, closedGrace = this.options.closedGrace): void {
    this.lastSweep = now;
    for (const [key, s] of this.analyses) {
      const quiet = now - s.lastTs;
      if ((s.closed && quiet >= closedGrace) || quiet >= this.options.idleTimeout) {
        this.report(s);
        this.analyses.delete(key);
      }
    }
  }

  /**
   * More connections are open than may be tracked: the tenth of them that
   * have been quiet longest are reported as they stand (as an idle timeout
   * would), so memory stays bounded whatever the capture holds — a flood of
   * half-open connections, say. A later packet of one of them starts a new
   * connection.
   */
  private evict(packet: number): void {
    const quiet = [...this.analyses].sort((x, y) => x[1].lastTs - y[1].lastTs || x[1].id - y[1].id);
    const n = Math.max(1, Math.ceil(this.options.limits.maxConnections / 10));
    for (const [key, s] of quiet.slice(0, n)) {
      this.analyses.delete(key);
      this.report(s);
    }
    this.evicted += Math.min(n, quiet.length);
    this.firstEviction ??= packet;
  }

  /** A connection is over: it goes to the sink. A failure in it is a diagnostic; the others go on. */
  private report(found: ConnectionAnalysis | Embryo): void {
    if (this.lastFlow?.analysis === found) this.lastFlow = null;
    let s: ConnectionAnalysis;
    let conn: Connection;
    try {
      s = found instanceof Embryo ? this.grown(found) : found;
      conn = s.finish();
    } catch (err) {
      this.internalError({ code: 'internal.error', stage: 'finish', connection: found.id, error: errorText(err) }, null);
      return;
    }
    try {
      this.deliver(conn);
    } catch (err) {
      this.internalError({ code: 'internal.error', stage: 'report', connection: s.id, error: errorText(err) }, null);
    } finally {
      s.release();
    }
  }

  private internalError(facts: Extract<DiagnosticFacts, { code: 'internal.error' }>, packet: number | null): void {
    this.diagnostics.push(told(facts, { packet }));
  }

  private deliver(conn: Connection): void {
    const sum = this.summary;
    sum.connections++;
    if (conn.websocket) sum.websocketConnections++;
    if (conn.handshake?.outcome === 'rejected') sum.refusedUpgrades++;
    sum.frames += conn.counts.frames;
    sum.messages += conn.counts.messages;
    for (const level of ['error', 'warning', 'info'] as const) sum.diagnostics[level] += conn.counts.diagnostics[level];
    this.sink.connection(conn);
  }

  /** The capture ended: every connection still open is reported, then the capture itself. */
  finish(meta: CaptureMeta, file: string): void {
    const open = [...this.analyses.values()].sort((x, y) => x.id - y.id);
    this.analyses.clear();
    for (const s of open) this.report(s);
    if (this.evicted > 0) {
      const max = this.options.limits.maxConnections;
      this.diagnostics.push(told({ code: 'limit.connections', max, evicted: this.evicted, from: this.firstEviction! }, { packet: this.firstEviction }));
    }
    const unjoined = this.defrag.finish();
    if (unjoined > 0) this.diagnostics.push(told({ code: 'ip.fragments-incomplete', datagrams: unjoined }));
    this.keyLogProblems();
    const diagnostics = [...meta.diagnostics, ...this.diagnostics];
    for (const d of diagnostics) this.summary.diagnostics[d.severity]++;
    const capture: CaptureInfo = {
      file,
      format: meta.format,
      compressed: meta.compressed,
      linkTypes: meta.linkTypes,
      packets: meta.packets,
      bytes: meta.bytes,
      firstTs: this.firstTs,
      lastTs: this.lastTs,
      interrupted: meta.interrupted,
    };
    this.sink.end(capture, this.summary, diagnostics);
  }
}

/** An exception's own message (what it says is not ours to word). */
function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
