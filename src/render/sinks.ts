// Sinks: where the analysis goes as it is produced. Each writes through a
// function so the CLI and the tests can both use them.
import type { AnalysisSink, CaptureInfo, Connection, Diagnostic, Summary } from '../model.js';
import { connectionJson, documentJson, type JsonOptions } from './json.js';
import { renderConnection, renderEnd, type TerminalOptions } from './terminal.js';
import { type FailOn, fails, renderCheckConnection, renderCheckEnd } from './check.js';

export type Write = (text: string) => void;

/** Prints each connection as soon as it is over; memory holds one connection at a time. */
export class TerminalSink implements AnalysisSink {
  constructor(
    private readonly write: Write,
    private readonly opts: TerminalOptions,
  ) {}

  connection(conn: Connection): void {
    this.write(`${renderConnection(conn, this.opts)}\n`);
  }

  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    this.write(renderEnd(capture, summary, diagnostics));
  }
}

/**
 * Collects the JSON document. Each connection is converted when it is reported
 * (payloads cut to --max-payload then), and the document is written at the end,
 * with connections in id order.
 */
export class JsonSink implements AnalysisSink {
  private readonly connections: Record<string, unknown>[] = [];

  constructor(
    private readonly write: Write,
    private readonly opts: JsonOptions,
  ) {}

  connection(conn: Connection): void {
    this.connections.push(connectionJson(conn, this.opts));
  }

  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    this.connections.sort((a, b) => (a['id'] as number) - (b['id'] as number));
    this.write(`${JSON.stringify(documentJson(capture, summary, this.connections, diagnostics), null, 2)}\n`);
  }
}

/** The check report: verdicts and diagnostics only. */
export class CheckSink implements AnalysisSink {
  constructor(
    private readonly write: Write,
    private readonly failOn: FailOn,
  ) {}

  connection(conn: Connection): void {
    this.write(renderCheckConnection(conn, this.failOn));
  }

  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    this.write(renderCheckEnd(capture, summary, diagnostics));
  }
}

/**
 * Between the analysis and a renderer: leaves out the diagnostics the user
 * ignores (--ignore CODE), recounts, and remembers whether what is left fails
 * the --fail-on threshold.
 */
export class PolicySink implements AnalysisSink {
  failed = false;
  private readonly counts: Summary['diagnostics'] = { error: 0, warning: 0, info: 0 };

  constructor(
    private readonly inner: AnalysisSink,
    private readonly ignore: ReadonlySet<string>,
    private readonly failOn: FailOn,
  ) {}

  private keep(list: Diagnostic[]): Diagnostic[] {
    const kept = list.filter((d) => !this.ignore.has(d.code));
    for (const d of kept) {
      this.counts[d.severity]++;
      if (fails(d, this.failOn)) this.failed = true;
    }
    return kept;
  }

  connection(conn: Connection): void {
    this.inner.connection({ ...conn, diagnostics: this.keep(conn.diagnostics) });
  }

  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    const kept = this.keep(diagnostics);
    this.inner.end(capture, { ...summary, diagnostics: { ...this.counts } }, kept);
  }
}
