// What of the analysis counts, and what the exit status is: --ignore drops
// diagnostics by code (from the counts too), --fail-on sets the threshold a
// diagnostic fails the run at. A step of the chain of sinks between the
// analysis and the views (cli.ts), as the selection (select/) is.
import { type AnalysisSink, type CaptureInfo, type Connection, conversationName, type Diagnostic, type Frame, type List, type Message, type Summary } from '../model.js';
import { SubList } from '../util/list.js';
import { type FailOn, fails } from './report.js';

/** A connection, or a WebSocket conversation an HTTP/2 stream of it carried, as a key. */
function conversationKey(id: number, stream: number | null): string | number {
  return stream === null ? id : `${id}/${stream}`;
}

function tally(list: Iterable<Diagnostic>): Summary['diagnostics'] {
  const t = { error: 0, warning: 0, info: 0 };
  for (const d of list) t[d.severity]++;
  return t;
}

/** A sink that hands everything on to another: a step of the chain overrides only what it changes. */
export class ForwardSink implements AnalysisSink {
  readonly streaming: boolean;

  constructor(protected readonly inner: AnalysisSink) {
    this.streaming = inner.streaming === true;
  }

  frame(connection: number, frame: Frame, context: { messageType: 'text' | 'binary' | null; compressed: boolean }, stream: number | null = null): void {
    this.inner.frame?.(connection, frame, context, stream);
  }

  message(connection: number, message: Message, stream: number | null = null): void {
    this.inner.message?.(connection, message, stream);
  }

  diagnostic(connection: number, d: Diagnostic, stream: number | null = null): void {
    this.inner.diagnostic?.(connection, d, stream);
  }

  connection(conn: Connection): void {
    this.inner.connection(conn);
  }

  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    this.inner.end(capture, summary, diagnostics);
  }
}

export interface PolicyShared {
  counts: Summary['diagnostics'];
  failed: boolean;
}

export class PolicySink extends ForwardSink {
  failed = false;
  private readonly counts: Summary['diagnostics'] = { error: 0, warning: 0, info: 0 };
  /** per connection, what its ignored diagnostics took from its counts */
  private readonly dropped = new Map<string | number, Summary['diagnostics']>();

  constructor(
    inner: AnalysisSink,
    private readonly ignore: ReadonlySet<string>,
    private readonly failOn: FailOn,
  ) {
    super(inner);
  }

  override diagnostic(connection: number, d: Diagnostic, stream: number | null = null): void {
    if (this.ignore.has(d.code)) {
      const key = conversationKey(connection, stream);
      const n = this.dropped.get(key) ?? { error: 0, warning: 0, info: 0 };
      n[d.severity]++;
      this.dropped.set(key, n);
      return;
    }
    this.keep([d]);
    this.inner.diagnostic?.(connection, d, stream);
  }

  /** The diagnostics --ignore leaves, counted (a list of positions in the connection's own: nothing is copied). */
  private keep<L extends List<Diagnostic>>(list: L): L | SubList<Diagnostic> {
    const kept = this.ignore.size === 0 ? list : new SubList(list);
    let i = 0;
    for (const d of list) {
      if (!this.ignore.has(d.code)) {
        if (kept instanceof SubList) kept.add(i);
        this.counts[d.severity]++;
        if (fails(d, this.failOn)) this.failed = true;
      }
      i++;
    }
    return kept;
  }

  override connection(conn: Connection): void {
    const key = conversationKey(conn.id, conn.stream);
    const dropped = this.dropped.get(key);
    this.dropped.delete(key);
    const counts = dropped
      ? { ...conn.counts, diagnostics: { error: conn.counts.diagnostics.error - dropped.error, warning: conn.counts.diagnostics.warning - dropped.warning, info: conn.counts.diagnostics.info - dropped.info } }
      : conn.counts;
    const diagnostics = this.keep(conn.diagnostics);
    this.inner.connection({ ...conn, diagnostics, counts: this.streaming ? counts : { ...counts, diagnostics: tally(diagnostics) } });
  }

  /** What the connections given to it counted, for a run split over threads: the copy that ends the run absorbs the others'. */
  shared(): PolicyShared {
    return { counts: { ...this.counts }, failed: this.failed };
  }

  absorb(s: PolicyShared): void {
    for (const level of ['error', 'warning', 'info'] as const) this.counts[level] += s.counts[level];
    if (s.failed) this.failed = true;
  }

  override end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    const kept = [...this.keep(diagnostics)];
    this.inner.end(capture, { ...summary, diagnostics: { ...this.counts } }, kept);
  }
}

/** Notes which connections the capture had (before any selection), for --stream and --frame. */
export class SeenConnections extends ForwardSink {
  /** the ids seen, when --stream asked for some (only those pass the selection above): nothing grows with a capture's connections otherwise */
  readonly ids = new Set<string>();
  count = 0;
  /** the most frames a selected connection has */
  frames = 0;

  constructor(
    inner: AnalysisSink,
    private readonly noteIds: boolean,
  ) {
    super(inner);
  }

  override connection(conn: Connection): void {
    // by name: "3", and "3/5" for a WebSocket conversation HTTP/2 stream 5 of connection 3 carried
    if (this.noteIds) this.ids.add(conversationName(conn));
    if (this.noteIds && conn.stream !== null) this.ids.add(String(conn.id));
    this.frames = Math.max(this.frames, conn.counts.frames);
    this.inner.connection(conn);
  }

  shared(): SeenShared {
    return { ids: [...this.ids], frames: this.frames };
  }

  absorb(s: SeenShared): void {
    for (const id of s.ids) this.ids.add(id);
    this.frames = Math.max(this.frames, s.frames);
  }

  override end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    this.count = summary.connections;
    this.inner.end(capture, summary, diagnostics);
  }
}

export interface SeenShared {
  ids: string[];
  frames: number;
}
