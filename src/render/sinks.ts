// Sinks: where the analysis goes as it is produced. Each writes through a
// function so the CLI and the tests can both use them.
import { conversationName } from '../model.js';
import { contractDiagnostic } from '../diagnostic.js';
import { endpoint } from './kind.js';
import type { AnalysisSink, CaptureInfo, Connection, Diagnostic, Frame, List, Message, Summary } from '../model.js';
import { connectionHeadJson, itemLines, safeNumbers, SCHEMA_VERSION, TOOL, writeFrame, writeFrameLine, writeMessage, writeMessageLine, writeEntry, type JsonOptions } from './json.js';
import { messageOf } from '../select/lookup.js';
import { JsonBytes, type WriteBytes } from './json-bytes.js';
import { renderSummaryConnection, renderSummaryEnd } from './summary.js';
import { connectionChunks, renderEnd, type TerminalOptions } from './terminal.js';
import { renderExplain, renderFrame } from './explain.js';
import { ladderChunks } from './ladder.js';
import { transcriptChunks } from './transcript.js';
import { hexChunks } from './hex.js';
import { connectionRowIn, type ConnectionRow, connectionsTableLines, renderStats } from './stats.js';
import { paint } from './paint.js';
import { SpillFile, SpillList } from '../util/list.js';
import type { Ranges, RangeTask } from './ranges.js';
import { reportWords } from '../text/report-words.js';
import { renderCheckConnection, renderCheckEnd } from './check.js';
import { connectionLabel, type CheckCollector } from '../check/report.js';
import type { Lang } from '../text/lang.js';

export type Write = (text: string) => void;

/** What the terminal shows of each connection; several may be asked for at once. */
export type View = 'report' | 'explain' | 'ladder' | 'messages' | 'hex' | 'stats' | { frame: number };

/**
 * Prints each connection as soon as it is over; memory holds one connection
 * at a time (with --stats, the connections table at the end needs them all).
 */
export class TerminalSink implements AnalysisSink {
  /**
   * with --stats, each connection's row of the final table (only the row:
   * the connection itself is not kept), past the newest few hundred in the
   * spill file when given one: a capture of a million connections has a
   * million rows
   */
  private readonly rows: SpillList<ConnectionRow>;
  /** the frame --frame N asks for, if it does */
  private readonly frameAsked: number | null;
  private readonly bytes: WriteBytes;

  /** only statistics are shown, of whole connections: they are counted as each connection goes by, and nothing of it is kept */
  readonly streaming: boolean;

  constructor(
    private readonly write: Write,
    private readonly opts: TerminalOptions,
    private readonly views: readonly View[] = ['report'],
    /** no selection narrows the connections (--from, --opcode, --phase, --grep, --limit): with --stats alone, the analysis keeps no list */
    whole = false,
    /** where the rows of --stats's table go past the newest (null: they stay in memory) */
    rowsSpill: SpillFile | null = null,
    /** where bytes go (a view's pieces laid out as bytes: --messages's JSON), when the output takes them as they are (else they are written as text) */
    bytes?: WriteBytes,
    /** how a long list is drawn a range at a time, some ranges elsewhere (render/draw.ts), when it may be */
    private readonly ranges: Ranges | null = null,
  ) {
    this.bytes = bytes ?? textOf(write);
    this.rows = new SpillList(rowsSpill);
    this.streaming = whole && views.length === 1 && views[0] === 'stats';
    const asked = views.find((v) => typeof v === 'object');
    this.frameAsked = asked === undefined ? null : asked.frame;
  }

  /** A view of a connection, a piece at a time (the long views a line or an item at a time: a long connection's is never held whole). */
  private chunks(view: View, conn: Connection): Iterable<string | Buffer> {
    if (typeof view === 'object') return [renderFrame(conn, view.frame, this.opts)];
    switch (view) {
      case 'report':
        return connectionChunks(conn, this.opts, this.ranges);
      case 'explain':
        return [renderExplain(conn, this.opts)];
      case 'ladder':
        return ladderChunks(conn, this.opts);
      case 'messages':
        return transcriptChunks(conn, this.opts);
      case 'hex':
        // with --frame N, --hex dumps frame N only; the views that tell the
        // connection as a sequence (walkthrough, --explain, --ladder, --messages,
        // --stats) keep all of it, frame N being drawn by --frame itself
        return hexChunks(conn, this.opts, this.frameAsked, this.ranges);
      case 'stats':
        return [renderStats(conn, this.opts)];
    }
  }

  connection(conn: Connection): void {
    const only = this.views.length === 1 && this.views[0] === 'report';
    const p = paint(this.opts.color);
    const title = only ? '' : `${reportWords(this.opts.lang).wrap(reportWords(this.opts.lang).connectionTitle(conversationName(conn), endpoint(conn.client), endpoint(conn.server)), this.opts.width, '', '  ').map((l) => p.bold(l)).join('\n')}\n`;
    this.write(title);
    this.views.forEach((v, i) => {
      if (i > 0) this.write('\n');
      for (const chunk of this.chunks(v, conn)) {
        if (typeof chunk === 'string') this.write(chunk);
        else this.bytes(chunk, 0, chunk.length);
      }
    });
    this.write('\n');
    if (this.views.includes('stats')) this.rows.push(connectionRowIn(conn, this.opts.lang));
  }

  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    if (this.rows.length > 1) {
      for (const line of connectionsTableLines(this.rows, this.opts)) this.write(`${line}\n`);
      this.write('\n');
    }
    this.rows.release();
    this.write(renderEnd(capture, summary, diagnostics, this.opts.color, this.opts.width, this.opts.lang));
  }
}

/**
 * The JSON document, written as it goes: its head first, each connection as
 * soon as it is over (so the connections come in the order they end, and
 * memory holds one connection at a time), then the capture, the summary and
 * the capture-level diagnostics. The document is the same, key order aside.
 */
export class JsonSink implements AnalysisSink {
  private started = false;
  private count = 0;
  /** frames and messages are encoded as bytes (json-bytes.ts) */
  private readonly out = new JsonBytes();
  private readonly bytes: WriteBytes;

  constructor(
    private readonly write: Write,
    private readonly opts: JsonOptions,
    /** where bytes go, when the output takes them as they are (else they are written as text) */
    bytes?: WriteBytes,
    /** how a long timeline is written a range at a time, some ranges drawn elsewhere (render/draw.ts), when it may be */
    private readonly ranges: Ranges | null = null,
  ) {
    this.bytes = bytes ?? textOf(write);
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.write(`{\n  "schemaVersion": ${SCHEMA_VERSION},\n  "tool": ${JSON.stringify(TOOL)},\n  "connections": [`);
  }

  /**
   * A connection is written piece by piece, never as one string: its own
   * fields indented, then each frame, message, timeline entry and diagnostic
   * on a line of its own (compact), so that a long connection costs no more
   * than its pieces and the file stays easy to read and to grep.
   */
  connection(conn: Connection): void {
    this.start();
    const head = JSON.stringify(connectionHeadJson(conn, this.opts), safeNumbers, 2).replace(/\n/g, '\n    ');
    // the head's closing brace goes; the lists follow
    this.write(`${this.count++ === 0 ? '\n' : ',\n'}    ${head.slice(0, head.lastIndexOf('\n'))}`);
    this.list(conn, 'frames', conn.frames, null, (out, f) => {
      const msg = messageOf(conn, f.message);
      writeFrame(out, f, { messageType: msg?.type ?? null, compressed: msg?.compressed ?? false }, this.opts);
    });
    this.list(conn, 'messages', conn.messages, null, (out, m) => writeMessage(out, m, this.opts));
    // a long timeline: some of its ranges drawn by a second thread (render/draw.ts)
    this.list(conn, 'timeline', conn.timeline, null, (out, e) => writeEntry(out, e), { view: 'json-timeline' });
    this.list(conn, 'diagnostics', conn.diagnostics, (d) => JSON.stringify(contractDiagnostic(d)));
    this.write('\n    }');
  }

  /**
   * One list field of a connection, an item per line: its JSON text, or
   * (frames, messages, the timeline) encoded as bytes and handed on a batch
   * at a time (a copy a batch, not an item); with `task`, a long list a
   * range at a time, some ranges drawn elsewhere. (No replacer: frames and
   * messages carry lengths past 2^53 as text already, and a replacer would
   * make JSON.stringify several times slower.)
   */
  private list<T>(conn: Connection, name: string, items: List<T>, json: ((item: T) => string) | null, encode?: (out: JsonBytes, item: T) => void, task?: RangeTask): void {
    if (items.length === 0) {
      this.write(`,\n      "${name}": []`);
      return;
    }
    this.write(`,\n      "${name}": [`);
    if (json !== null) {
      let first = true;
      for (const item of items) {
        this.write(`${first ? '\n' : ',\n'}        ${json(item)}`);
        first = false;
      }
    } else {
      const local = (from: number, to: number): Iterable<Buffer> => itemLines(items, from, to, encode!, this.out);
      const pieces = task !== undefined && this.ranges !== null ? this.ranges(conn, task, items.length, local) : local(0, items.length);
      for (const piece of pieces) {
        if (typeof piece === 'string') this.write(piece);
        else this.bytes(piece, 0, piece.length);
      }
    }
    this.write('\n      ]');
  }

  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    this.start();
    const field = (name: string, value: unknown): string => `  ${JSON.stringify(name)}: ${JSON.stringify(value, safeNumbers, 2).replace(/\n/g, '\n  ')}`;
    this.write(`${this.count > 0 ? '\n  ' : ''}],\n${[field('capture', capture), field('summary', summary), field('diagnostics', diagnostics.map(contractDiagnostic))].join(',\n')}\n}\n`);
  }
}

/** Bytes written as text, for an output that takes text only. */
export function textOf(write: Write): WriteBytes {
  return (b, start, end) => write(b.toString('utf8', start, end));
}

/** The check report: verdicts and diagnostics only. */
/** The check: collects each connection's verdict and, unless the output is a document (--json), prints it as it comes. */
export class CheckSink implements AnalysisSink {
  constructor(
    private readonly write: Write | null,
    private readonly collector: CheckCollector,
    /** the language of the text report (the verdicts themselves are the same in every one) */
    private readonly lang?: Lang,
  ) {}

  connection(conn: Connection): void {
    this.collector.connection(conn);
    if (!this.write) return;
    const checked = this.collector.connections[this.collector.connections.length - 1]!;
    // the checked connection's label is English (the JSON and JUnit reports read it): another language words it again
    this.write(renderCheckConnection(checked, this.lang, this.lang !== undefined && this.lang !== 'en' ? connectionLabel(conn, this.lang) : checked.label));
  }

  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    this.collector.end(capture, summary, diagnostics);
    if (this.write) this.write(renderCheckEnd(this.collector.result!, capture, summary, this.lang, this.collector.failOn));
  }
}


/**
 * NDJSON: one JSON object per line, each written as soon as it is final
 * (frames, messages, diagnostics as they are decoded; a connection when it is
 * over; the capture and the summary at the end). Nothing is kept.
 */
export class NdjsonSink implements AnalysisSink {
  readonly streaming = true;
  /** the line being made: frames and messages are encoded as bytes (json-bytes.ts) */
  private readonly out = new JsonBytes();
  private readonly bytes: WriteBytes;

  constructor(
    private readonly write: Write,
    private readonly opts: JsonOptions,
    /** where bytes go, when the output takes them as they are (else they are written as text) */
    bytes?: WriteBytes,
  ) {
    this.bytes = bytes ?? textOf(write);
  }

  private line(o: Record<string, unknown>): void {
    this.write(`${JSON.stringify(o, safeNumbers)}\n`);
  }

  frame(connection: number, frame: Frame, context: { messageType: 'text' | 'binary' | null; compressed: boolean }, stream: number | null = null): void {
    this.out.reset();
    writeFrameLine(this.out, connection, frame, context, this.opts, stream);
    this.bytes(this.out.bytes, 0, this.out.at);
  }

  message(connection: number, message: Message, stream: number | null = null): void {
    // `type` names the kind of line here: the message's own type (text or binary) is `messageType`
    this.out.reset();
    writeMessageLine(this.out, connection, message, this.opts, stream);
    this.bytes(this.out.bytes, 0, this.out.at);
  }

  diagnostic(connection: number | null, diagnostic: Diagnostic, stream: number | null = null): void {
    // a diagnostic's numbers are packet and frame indexes, always safe: no replacer (a flood of them is common)
    this.write(`${JSON.stringify({ type: 'diagnostic', connection, stream, ...contractDiagnostic(diagnostic) })}\n`);
  }

  connection(conn: Connection): void {
    this.line({ type: 'connection', connection: conn.id, ...connectionHeadJson(conn, this.opts) });
  }

  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    for (const d of diagnostics) this.diagnostic(null, d);
    this.line({ type: 'capture', schemaVersion: SCHEMA_VERSION, tool: TOOL, ...capture });
    this.line({ type: 'summary', ...summary });
  }
}

/** --summary: a verdict and the counts of each connection, no per-frame output; nothing is kept. */
export class SummarySink implements AnalysisSink {
  readonly streaming = true;

  constructor(
    private readonly write: Write,
    private readonly opts: TerminalOptions,
  ) {}

  connection(conn: Connection): void {
    this.write(renderSummaryConnection(conn, this.opts));
  }

  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    this.write(renderSummaryEnd(capture, summary, diagnostics, this.opts));
  }
}
