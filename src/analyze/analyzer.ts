// The pipeline driver: each packet, as it is read, goes link → IP → TCP →
// its connection's analysis (connection.ts). Connections are reported to the sink as soon as
// they are over, and forgotten; nothing here keeps every packet.
import { told } from '../text/diagnostics.js';
import type { CaptureMeta, RawPacket } from '../capture/reader.js';
import { LINK_TYPES, linkTypeName } from '../link/link.js';
import { decodeIpv4, decodeIpv6, IPPROTO_TCP, type IpPacket } from '../ip/ip.js';
import { Defragmenter } from '../ip/defrag.js';
import { decodeTcp, type TcpSegment } from '../tcp/segment.js';
import type { AnalysisSink, CaptureInfo, Diagnostic } from '../model.js';
import type { ConnectionOptions, PacketRef } from './connection.js';
import type { Dir } from '../tcp/connection.js';
import { type CaptureClock, type ConnectionHost, errorText, type HostedFlow, LocalHost, type PlacedDiagnostic, relativeTime, withKeyLog } from './host.js';
import { DEFAULT_MAX_HELD } from '../websocket/parser.js';
import { DEFAULT_GLOBAL_HOLD_LIMIT, DEFAULT_HOLD_LIMIT } from '../tcp/reassembly.js';
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
  // In a file, waiting costs no time (capture time is not waited for), so a
  // closed connection keeps 5 s of capture time for a late retransmission
  // (Zeek's tcp_close_delay), and at most MAX_WAITING of them wait at once.
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
 * A connection as the flow table keeps it: what it needs to sweep, evict and
 * reuse 4-tuples (the time of its last packet, whether it is over), whatever
 * host analyses it. `closed` is the TCP connection's own (connection.ts:
 * a reset, or a FIN each way), followed from the flags.
 */
class Flow implements HostedFlow {
  slot: unknown = null;
  lastTs: number;
  /** counted among the finished connections waiting for late packets (Analyzer.finished) */
  waiting = false;
  private fins = 0;
  private reset = false;

  constructor(
    readonly id: number,
    /** the flow key of the first packet's sender (raw address bytes and port): direction 0 */
    readonly firstKey: string,
    ts: number,
  ) {
    this.lastTs = ts;
  }

  /** Notes a packet of the flow; true when it is the one that finished it (the first to make it closed). */
  saw(dir: Dir, seg: TcpSegment, ts: number): boolean {
    this.lastTs = ts;
    const f = seg.flags;
    if (!f.rst && !f.fin) return false;
    const was = this.closed;
    if (f.rst) this.reset = true;
    else this.fins |= dir === 0 ? 1 : 2;
    return !was && this.closed;
  }

  get closed(): boolean {
    return this.reset || this.fins === 3;
  }
}

/**
 * Finished connections (a FIN each way, or a reset) that wait at once for a
 * late packet. A capture that finishes hundreds of connections a second
 * would otherwise hold every one of its last 5 s (a few thousand, each with
 * all its state: tens of megabytes, and hundreds with the views that keep
 * each connection's lists); past this many, the half that finished longest
 * ago are reported without waiting further, and a packet of one of them
 * that still comes (a retransmitted FIN, seconds late) starts a connection
 * of its own, as after the grace. A capture finishing fewer than about 200
 * connections a second never gets here.
 */
export const MAX_WAITING = 1024;

export class Analyzer implements CaptureClock {
  private readonly analyses = new Map<string, Flow>();
  /** finished connections waiting for late packets (Flow.waiting) */
  private waiting = 0;
  private readonly defrag = new Defragmenter();
  /** the IPv4 flow of the last packet, and the direction of that packet */
  private lastFlow: { src: number; dst: number; sport: number; dport: number; flow: Flow; dir: Dir } | null = null;
  /** where each connection is analysed */
  private readonly host: ConnectionHost;
  private nextId = 0;
  firstTs: number | null = null;
  /** the finest timestamp resolution seen (units per second): times relative to the first packet are given to it */
  resolution = 1;
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
  /** the capture's own diagnostics, each placed among the hosts' by the host's clock when it was made */
  private readonly diagnostics: PlacedDiagnostic[] = [];

  private rel(ts: number): number {
    return relativeTime(ts, this);
  }

  constructor(
    private readonly sink: AnalysisSink,
    private options: AnalyzerOptions = DEFAULT_OPTIONS,
    /** where connections are analysed: by default on this thread, into the sink */
    host?: (clock: CaptureClock) => ConnectionHost,
  ) {
    this.host = host ? host(this) : new LocalHost(sink, options.limits.globalReassemblyHold, (ts) => this.rel(ts));
  }

  /** A diagnostic of the capture itself, placed after what the hosts were given so far. */
  private say(d: Diagnostic): void {
    this.diagnostics.push({ at: this.host.clock, diagnostic: d });
  }

  /**
   * A TLS key log the capture itself carries (pcapng Decryption Secrets
   * Block): added to the keys given (--tls-keylog), for the connections that
   * begin after it.
   */
  tlsKeyLog(text: string, capture: string): void {
    const source = `${capture} (Decryption Secrets Block)`;
    this.options = withKeyLog(this.options, text, source);
    this.host.keyLog(text, source);
  }

  /** The key log lines that could not be read (of --tls-keylog files and the capture's own): the first few, and how many more. */
  private keyLogProblems(): void {
    const problems = this.options.keylog?.problems ?? [];
    const shown = problems.slice(0, MAX_KEYLOG_PROBLEMS);
    shown.forEach((p, i) => {
      const more = i === shown.length - 1 ? problems.length - shown.length : 0;
      this.say(told({ code: 'tls.keylog-line', file: p.file, line: p.line, kind: p.kind, text: p.text, hidden: p.hidden, more }));
    });
  }

  /** One packet through the pipeline; a failure inside it is reported, never thrown. */
  packet(raw: RawPacket): void {
    try {
      this.decode(raw);
    } catch (err) {
      this.say(told({ code: 'internal.error', stage: 'packet', packet: raw.number, error: errorText(err) }, { packet: raw.number }));
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
        this.say(told({ code: 'capture.unknown-link-type', linkType: linkTypeName(raw.linkType) }, { packet: raw.number }));
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
    // the segment's bytes, TCP header included, for a host that hands them on
    let bytes: Buffer;
    let start: number;
    let end: number;
    if (ip.fragmentOf) {
      // a fragment that was cut cannot be joined: its datagram is lost
      if (ip.truncated) {
        this.truncated(raw);
        return;
      }
      const whole = this.defrag.add(ip.fragmentOf.key, ip.fragmentOf.offset, ip.fragmentOf.more, ip.payload, raw.ts);
      if (!whole) return;
      seg = decodeTcp(whole);
      [bytes, start, end] = [whole, 0, whole.length];
      missing = 0;
    } else {
      seg = decodeTcp(ip.header, ip.payloadAt, ip.payloadEnd);
      [bytes, start, end] = [ip.header, ip.payloadAt, ip.payloadEnd];
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
        const dir = same ? last.dir : last.dir === 0 ? 1 : 0;
        const finished = last.flow.saw(dir, seg, raw.ts);
        this.host.packet(last.flow, { number: raw.number, ts: raw.ts, relTs: this.rel(raw.ts) }, dir, seg, bytes, start, end, missing);
        this.after(last.flow, finished, raw.ts);
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
      found = new Flow(this.nextId++, a, raw.ts);
      this.analyses.set(key, found);
      this.host.open(found, { ip: ip.src, port: seg.srcPort }, { ip: ip.dst, port: seg.dstPort }, this.options);
    }
    const flow = found;
    const dir: Dir = a === flow.firstKey ? 0 : 1;
    this.lastFlow = ip.version === 4 ? { src: ip.header.readUInt32BE(ip.srcAt), dst: ip.header.readUInt32BE(ip.srcAt + 4), sport: seg.srcPort, dport: seg.dstPort, flow, dir } : null;
    const finished = flow.saw(dir, seg, raw.ts);
    this.host.packet(flow, pkt, dir, seg, bytes, start, end, missing);
    this.after(flow, finished, raw.ts);
  }

  /** After a packet: a connection it finished waits for late packets (at most MAX_WAITING do); once a second of capture time, those over are reported. */
  private after(flow: Flow, finished: boolean, ts: number): void {
    if (finished) this.finished(flow);
    if (ts - this.lastSweep >= 1) this.sweep(ts);
  }

  /** A connection has just finished: it waits for late packets, unless too many already do. */
  private finished(flow: Flow): void {
    flow.waiting = true;
    if (++this.waiting <= MAX_WAITING) return;
    const done: [string, Flow][] = [];
    for (const entry of this.analyses) if (entry[1].waiting && entry[1] !== flow) done.push(entry);
    done.sort((x, y) => x[1].lastTs - y[1].lastTs || x[1].id - y[1].id);
    for (const [key, s] of done.slice(0, done.length - MAX_WAITING / 2)) {
      this.analyses.delete(key);
      this.report(s);
    }
  }

  private truncated(raw: RawPacket): void {
    this.say(told({ code: 'capture.truncated-packet', packet: raw.number, captured: raw.capturedLength, original: raw.originalLength }, { packet: raw.number }));
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

  /** A connection is over: its host finishes it and hands it to the sink. */
  private report(flow: Flow): void {
    if (this.lastFlow?.flow === flow) this.lastFlow = null;
    if (flow.waiting) {
      flow.waiting = false;
      this.waiting--;
    }
    this.host.report(flow);
  }

  /** The capture ended: every connection still open is reported, then the capture itself. */
  async finish(meta: CaptureMeta, file: string): Promise<void> {
    const open = [...this.analyses.values()].sort((x, y) => x.id - y.id);
    this.analyses.clear();
    for (const s of open) this.report(s);
    if (this.evicted > 0) {
      const max = this.options.limits.maxConnections;
      this.say(told({ code: 'limit.connections', max, evicted: this.evicted, from: this.firstEviction! }, { packet: this.firstEviction }));
    }
    const unjoined = this.defrag.finish();
    if (unjoined > 0) this.say(told({ code: 'ip.fragments-incomplete', datagrams: unjoined }));
    this.keyLogProblems();
    const hosts = await this.host.finish();
    const summary = hosts.summary;
    // the capture's diagnostics and the hosts' in the order one thread makes them (a stable sort: each list is in order)
    const placed = [...this.diagnostics, ...hosts.diagnostics].sort((x, y) => x.at - y.at);
    const diagnostics = [...meta.diagnostics, ...placed.map((p) => p.diagnostic)];
    for (const d of diagnostics) summary.diagnostics[d.severity]++;
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
    this.sink.end(capture, summary, diagnostics);
  }
}
