// Where connections are analysed. The analyzer (analyzer.ts) reads the
// capture down to TCP and keeps the flow table; each connection's own
// analysis (connection.ts) runs in a host: this thread's (LocalHost, the
// whole analysis in one thread) or a worker thread's (threads.ts, the
// connections shared out). A host is told, in order, what happens to each
// connection: it begins, a packet, it is over; and a key log found in the
// capture. Everything a host does for one of these operations is tied to
// its place in that order (its clock), so that what several hosts made can
// be put back in the order one thread would have made it.
import type { AnalysisSink, Connection, Diagnostic, Endpoint, Summary } from '../model.js';
import type { TcpSegment } from '../tcp/segment.js';
import type { Dir } from '../tcp/connection.js';
import type { DiagnosticFacts } from '../diagnostic.js';
import { told } from '../text/diagnostics.js';
import { HoldBudget } from '../tcp/reassembly.js';
import { KeyLog } from '../tls/keylog.js';
import { ConnectionAnalysis, type ConnectionEvents, type ConnectionOptions, type PacketRef } from './connection.js';

/** A connection as the flow table knows it; `slot` is the host's own (its analysis, or the worker that has it). */
export interface HostedFlow {
  readonly id: number;
  slot: unknown;
}

/** The capture's first packet's time and the finest resolution of its times so far (what relative times are computed from). */
export interface CaptureClock {
  readonly firstTs: number | null;
  readonly resolution: number;
}

/**
 * Seconds since the first packet, to the capture's precision and at most
 * to the microsecond: an epoch time in a double (as timestamps are) holds
 * about 0.24 µs (a number near 1.7e9 keeps 22 bits of fraction), so the
 * difference of two carries noise below it (0.052644968032836914 for
 * 0.052645). Rounded, it is exact for microsecond captures, and the same
 * for a nanosecond capture of the same packets; finer digits would be
 * noise.
 */
export function relativeTime(ts: number, clock: CaptureClock): number {
  const d = ts - (clock.firstTs ?? ts);
  const units = Math.min(clock.resolution, 1e6);
  return Math.round(d * units) / units;
}

/** The options of a connection's analysis but whether it keeps what it found (the host's sink decides). */
export type HostOptions = Omit<ConnectionOptions, 'retain'>;

/** A diagnostic a host made (an internal error), with the place in the order of operations it belongs to. */
export interface PlacedDiagnostic {
  at: number;
  diagnostic: Diagnostic;
}

/** What a host counted of the connections it reported, and its own diagnostics. */
export interface HostTotals {
  summary: Summary;
  diagnostics: PlacedDiagnostic[];
}

export interface ConnectionHost {
  /** Operations given so far; an operation's own diagnostics are placed at its number + 0.5. */
  readonly clock: number;
  /** A connection begins (its first packet comes next), with the options of the connections that begin now. */
  open(flow: HostedFlow, first: Endpoint, second: Endpoint, options: HostOptions): void;
  /**
   * One of its packets: the decoded segment, and the segment's bytes
   * (bytes[start, end), TCP header included) for a host that hands them on.
   */
  packet(flow: HostedFlow, pkt: PacketRef, dir: Dir, seg: TcpSegment, bytes: Buffer, start: number, end: number, missing: number): void;
  /** The connection is over: it is finished and goes to the sink. */
  report(flow: HostedFlow): void;
  /** A key log the capture carries (pcapng Decryption Secrets Block), for the connections that begin after it. */
  keyLog(text: string, source: string): void;
  /** Every connection has been reported. */
  finish(): Promise<HostTotals>;
}

export function emptySummary(): Summary {
  return { connections: 0, websocketConnections: 0, refusedUpgrades: 0, frames: 0, messages: 0, diagnostics: { error: 0, warning: 0, info: 0 } };
}

/** Adds what one host counted to the total. */
export function addSummary(to: Summary, s: Summary): void {
  to.connections += s.connections;
  to.websocketConnections += s.websocketConnections;
  to.refusedUpgrades += s.refusedUpgrades;
  to.frames += s.frames;
  to.messages += s.messages;
  for (const level of ['error', 'warning', 'info'] as const) to.diagnostics[level] += s.diagnostics[level];
}

/**
 * A connection of which only its first packet, a bare SYN, has been seen (a
 * port scan, a SYN flood, a connection not answered yet): kept as that one
 * segment, about a tenth of the memory of an analysis, which is made from it
 * (the SYN given to it as it came) when a second packet arrives or the
 * connection is reported. The 10 000 connections tracked at once of a flood
 * of half-open ones take a few megabytes rather than tens.
 */
class Embryo {
  constructor(
    readonly pkt: PacketRef,
    readonly seg: TcpSegment,
    readonly first: Endpoint,
    readonly second: Endpoint,
    readonly options: HostOptions,
  ) {}
}

/** Whether a segment is a bare SYN with nothing else to it: all an embryo can hold. */
function bareSyn(seg: TcpSegment, missing: number): boolean {
  const f = seg.flags;
  return f.syn && !f.ack && !f.fin && !f.rst && seg.payload.length === 0 && missing === 0;
}

/** The endpoints and options of a connection opened but not yet given a packet. */
interface Opened {
  first: Endpoint;
  second: Endpoint;
  options: HostOptions;
}

/** Connections analysed on this thread, each delivered to the sink when it is over. */
export class LocalHost implements ConnectionHost {
  /** a worker sets it to the number of the operation it is given (threads.ts) */
  clock = 0;
  private readonly summary = emptySummary();
  private readonly diagnostics: PlacedDiagnostic[] = [];
  private readonly events: ConnectionEvents | undefined;
  private readonly budget: HoldBudget;

  constructor(
    private readonly sink: AnalysisSink,
    globalReassemblyHold: number,
    /** seconds since the capture's first packet, to the capture's precision */
    private readonly relTs: (ts: number) => number,
  ) {
    this.budget = new HoldBudget(globalReassemblyHold);
    this.events = sink.streaming
      ? {
          frame: (c, f, ctx, st) => sink.frame?.(c, f, ctx, st),
          message: (c, m, st) => sink.message?.(c, m, st),
          diagnostic: (c, d, st) => sink.diagnostic?.(c, d, st),
        }
      : undefined;
  }

  open(flow: HostedFlow, first: Endpoint, second: Endpoint, options: HostOptions): void {
    this.clock++;
    const opened: Opened = { first, second, options };
    flow.slot = opened;
  }

  private analysis(id: number, o: Opened): ConnectionAnalysis {
    return new ConnectionAnalysis(id, '', o.first, o.second, { ...o.options, retain: !this.sink.streaming }, this.relTs, this.budget, this.events);
  }

  /** The analysis an embryo becomes: its SYN given to it as it came. */
  private grown(id: number, e: Embryo): ConnectionAnalysis {
    const analysis = this.analysis(id, e);
    analysis.packet(e.pkt, 0, e.seg, 0);
    return analysis;
  }

  packet(flow: HostedFlow, pkt: PacketRef, dir: Dir, seg: TcpSegment, _bytes: Buffer, _start: number, _end: number, missing: number): void {
    const at = this.clock++;
    try {
      let a = flow.slot;
      if (!(a instanceof ConnectionAnalysis)) {
        if (a instanceof Embryo) a = this.grown(flow.id, a);
        else if (bareSyn(seg, missing)) {
          flow.slot = new Embryo(pkt, seg, (a as Opened).first, (a as Opened).second, (a as Opened).options);
          return;
        } else a = this.analysis(flow.id, a as Opened);
        flow.slot = a;
      }
      (a as ConnectionAnalysis).packet(pkt, dir, seg, missing);
      // a WebSocket an HTTP/2 stream carried is reported as soon as its stream ends
      this.deliverCarried(a as ConnectionAnalysis, at);
    } catch (err) {
      this.problem(at, { code: 'internal.error', stage: 'packet', packet: pkt.number, error: errorText(err) }, pkt.number);
    }
  }

  report(flow: HostedFlow): void {
    const at = this.clock++;
    const found = flow.slot;
    flow.slot = null;
    let s: ConnectionAnalysis;
    let conn: Connection;
    try {
      s = found instanceof ConnectionAnalysis ? found : found instanceof Embryo ? this.grown(flow.id, found) : this.analysis(flow.id, found as Opened);
      conn = s.finish();
    } catch (err) {
      this.problem(at, { code: 'internal.error', stage: 'finish', connection: flow.id, error: errorText(err) }, null);
      return;
    }
    try {
      this.deliver(conn);
      // the WebSocket conversations its HTTP/2 streams carried (RFC 8441) still open when it ended, right after it
      this.deliverCarried(s, at);
    } catch (err) {
      this.problem(at, { code: 'internal.error', stage: 'report', connection: s.id, error: errorText(err) }, null);
    } finally {
      s.release();
    }
  }

  keyLog(): void {
    // the analyzer's options, given with each connection that opens, carry it
    this.clock++;
  }

  private problem(at: number, facts: Extract<DiagnosticFacts, { code: 'internal.error' }>, packet: number | null): void {
    this.diagnostics.push({ at: at + 0.5, diagnostic: told(facts, { packet }) });
  }

  /** The conversations an analysis finished: each reported, then let go of. */
  private deliverCarried(s: ConnectionAnalysis, at: number): void {
    for (const [conn, analysis] of s.takeCarried()) {
      try {
        this.deliver(conn);
      } catch (err) {
        this.problem(at, { code: 'internal.error', stage: 'report', connection: conn.id, error: errorText(err) }, null);
      } finally {
        analysis.release();
      }
    }
  }

  private deliver(conn: Connection): void {
    const sum = this.summary;
    // a conversation an HTTP/2 stream carried is not a TCP connection of its own
    if (conn.stream === null) sum.connections++;
    if (conn.websocket) sum.websocketConnections++;
    if (conn.handshake?.outcome === 'rejected') sum.refusedUpgrades++;
    sum.frames += conn.counts.frames;
    sum.messages += conn.counts.messages;
    for (const level of ['error', 'warning', 'info'] as const) sum.diagnostics[level] += conn.counts.diagnostics[level];
    this.sink.connection(conn);
  }

  finish(): Promise<HostTotals> {
    return Promise.resolve({ summary: this.summary, diagnostics: this.diagnostics });
  }
}

/**
 * The options of the connections that begin after a key log found in the
 * capture: the keys given (--tls-keylog) and these lines, together. (When
 * keys were given, the lines join them, for every connection.)
 */
export function withKeyLog<O extends { keylog?: KeyLog | null }>(options: O, text: string, source: string): O {
  const keylog = options.keylog ?? new KeyLog();
  keylog.add(text, source);
  return options.keylog === keylog ? options : { ...options, keylog };
}

/** An exception's own message (what it says is not ours to word). */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
