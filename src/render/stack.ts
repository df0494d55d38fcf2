// The chain of sinks between the analysis and a view: the selection
// (--stream, --from, …), then what counts and fails (--ignore, --fail-on),
// then which connections the capture had (for --stream and --frame asked
// of one it has not), then the view. Built the same way wherever the
// analysis runs: a run split over worker threads builds one chain in each
// thread, and the main thread's, which writes the end, absorbs what the
// others counted (shared/absorb).
import type { AnalysisSink } from '../model.js';
import { PolicySink, type PolicyShared, SeenConnections, type SeenShared } from '../check/policy.js';
import type { FailOn } from '../check/report.js';
import { SelectSink, type Selection } from '../select/selection.js';
import { NdjsonSink, SummarySink, TerminalSink, type View, type Write } from './sinks.js';
import type { WriteBytes } from './json-bytes.js';
import type { TerminalOptions } from './terminal.js';

export interface Chain {
  /** what the analysis writes to */
  readonly top: AnalysisSink;
  readonly policy: PolicySink;
  readonly seen: SeenConnections;
}

export interface ChainOptions {
  selection: Selection;
  ignore: ReadonlySet<string>;
  failOn: FailOn;
}

export function chain(view: AnalysisSink, o: ChainOptions): Chain {
  const seen = new SeenConnections(view, o.selection.streams !== null);
  const policy = new PolicySink(seen, o.ignore, o.failOn);
  return { top: new SelectSink(policy, o.selection), policy, seen };
}

/** What one chain counted, handed to another. */
export interface ChainShared {
  policy: PolicyShared;
  seen: SeenShared;
}

export function chainShared(c: Chain): ChainShared {
  return { policy: c.policy.shared(), seen: c.seen.shared() };
}

export function absorbChain(c: Chain, s: ChainShared): void {
  c.policy.absorb(s.policy);
  c.seen.absorb(s.seen);
}

/**
 * The views whose output is made a frame, a message or a connection at a
 * time and whose end depends on nothing but the totals: they can be made
 * by several threads and put together. Plain data, to be sent to a worker.
 */
export type ThreadedView =
  | { kind: 'ndjson'; maxPayload: number }
  | { kind: 'summary'; terminal: TerminalOptions }
  /** the terminal views but --stats (whose table of every connection at the end is made of rows each connection leaves) */
  | { kind: 'terminal'; terminal: TerminalOptions; views: View[]; whole: boolean };

export function threadedSink(v: ThreadedView, write: Write, bytes?: WriteBytes): AnalysisSink {
  switch (v.kind) {
    case 'ndjson':
      return new NdjsonSink(write, { maxPayload: v.maxPayload }, bytes);
    case 'summary':
      return new SummarySink(write, v.terminal);
    case 'terminal':
      return new TerminalSink(write, v.terminal, v.views, v.whole, null, bytes);
  }
}
