// Sinks: where the analysis goes as it is produced. Each writes through a
// function so the CLI and the tests can both use them.
import type { AnalysisSink, CaptureInfo, Connection, Diagnostic, Summary } from '../model.js';
import { connectionJson, documentJson, type JsonOptions } from './json.js';
import { renderConnection, renderEnd, type TerminalOptions } from './terminal.js';
import { renderExplain, renderFrame } from './explain.js';
import { renderLadder } from './ladder.js';
import { renderTranscript } from './transcript.js';
import { renderHex } from './hex.js';
import { renderConnectionsTable, renderStats } from './stats.js';
import { paint } from './paint.js';
import { type FailOn, fails, renderCheckConnection, renderCheckEnd } from './check.js';

export type Write = (text: string) => void;

/** What the terminal shows of each connection; several may be asked for at once. */
export type View = 'report' | 'explain' | 'ladder' | 'messages' | 'hex' | 'stats' | { frame: number };

/**
 * Prints each connection as soon as it is over; memory holds one connection
 * at a time (with --stats, the connections table at the end needs them all).
 */
export class TerminalSink implements AnalysisSink {
  private readonly seen: Connection[] = [];

  constructor(
    private readonly write: Write,
    private readonly opts: TerminalOptions,
    private readonly views: readonly View[] = ['report'],
  ) {}

  private render(view: View, conn: Connection): string {
    if (typeof view === 'object') return renderFrame(conn, view.frame, this.opts);
    switch (view) {
      case 'report':
        return renderConnection(conn, this.opts);
      case 'explain':
        return renderExplain(conn, this.opts);
      case 'ladder':
        return renderLadder(conn, this.opts);
      case 'messages':
        return renderTranscript(conn, this.opts);
      case 'hex':
        return renderHex(conn, this.opts);
      case 'stats':
        return renderStats(conn, this.opts);
    }
  }

  connection(conn: Connection): void {
    const only = this.views.length === 1 && this.views[0] === 'report';
    const parts = this.views.map((v) => this.render(v, conn));
    const title = only ? '' : `${paint(this.opts.color).bold(`Connection ${conn.id}: ${endpointText(conn.client)} (client) ⇄ ${endpointText(conn.server)} (server)`)}\n`;
    this.write(`${title}${parts.join('\n')}\n`);
    if (this.views.includes('stats')) this.seen.push(conn);
  }

  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    if (this.seen.length > 1) this.write(`${renderConnectionsTable(this.seen, this.opts)}\n`);
    this.write(renderEnd(capture, summary, diagnostics, this.opts.color, this.opts.width));
  }
}

function endpointText(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
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
