// Selecting what to see (--stream, --from, --opcode, --phase, --grep,
// --limit): a view of the analysis result, applied before any renderer, the
// JSON export included. Frames and messages keep their indexes, so what is
// shown can still be found in the full output.
import type { AnalysisSink, CaptureInfo, Connection, Diagnostic, Frame, Message, Phase, Side, Summary } from '../model.js';

export interface Selection {
  /** connection ids (tcp.stream); null: all */
  streams: ReadonlySet<number> | null;
  from: Side | null;
  /** opcodes; null: all */
  opcodes: ReadonlySet<number> | null;
  phases: ReadonlySet<Phase> | null;
  /** text looked for in payloads (case-insensitive; inflated messages searched as such) */
  grep: string | null;
  /** at most this many frames per connection */
  limit: number | null;
}

export const EVERYTHING: Selection = { streams: null, from: null, opcodes: null, phases: null, grep: null, limit: null };

export const OPCODES_BY_NAME: Readonly<Record<string, number>> = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 };

export function selectsAll(s: Selection): boolean {
  return s.streams === null && s.from === null && s.opcodes === null && s.phases === null && s.grep === null && s.limit === null;
}

function contains(payload: Buffer, needle: string): boolean {
  return payload.toString('utf8').toLowerCase().includes(needle.toLowerCase());
}

/** The part of a connection the selection keeps, or null when the connection itself is not selected. */
export function selectConnection(conn: Connection, s: Selection): Connection | null {
  if (s.streams !== null && !s.streams.has(conn.id)) return null;
  if (selectsAll({ ...s, streams: null })) return conn;
  const phaseOf = new Map(conn.timeline.map((e) => [e.packet, e.phase]));
  const messageText = new Map(conn.messages.map((m) => [m.index, m.payload]));
  const keep = (f: Frame): boolean => {
    if (s.from !== null && f.from !== s.from) return false;
    if (s.opcodes !== null && !s.opcodes.has(f.opcode)) return false;
    if (s.phases !== null && !s.phases.has(phaseOf.get(f.packet) ?? 'other')) return false;
    if (s.grep !== null) {
      const whole = f.message === null ? undefined : messageText.get(f.message);
      if (!contains(f.payload, s.grep) && !(whole && contains(whole, s.grep))) return false;
    }
    return true;
  };
  let frames = conn.frames.filter(keep);
  if (s.limit !== null) frames = frames.slice(0, s.limit);
  const kept = new Set(frames.map((f) => f.message).filter((m) => m !== null));
  const frameFilters = s.opcodes !== null || s.grep !== null || s.limit !== null;
  const messages = conn.messages.filter((m) => (s.from === null || m.from === s.from) && (!frameFilters || kept.has(m.index)));
  const packets = new Set(frames.flatMap((f) => f.packets));
  const timeline = conn.timeline.filter((e) => (s.from === null || e.from === s.from) && (s.phases === null || s.phases.has(e.phase)) && (!frameFilters || packets.has(e.packet)));
  return { ...conn, frames, messages, timeline };
}

/** Passes on only the selected connections, each narrowed to the selection. */
export class SelectSink implements AnalysisSink {
  readonly streaming: boolean;

  constructor(
    private readonly inner: AnalysisSink,
    private readonly selection: Selection,
  ) {
    this.streaming = inner.streaming === true;
  }

  private wants(connection: number): boolean {
    return this.selection.streams === null || this.selection.streams.has(connection);
  }

  frame(connection: number, frame: Frame, context: { messageType: 'text' | 'binary' | null; compressed: boolean }): void {
    const s = this.selection;
    if (!this.wants(connection)) return;
    if ((s.from !== null && frame.from !== s.from) || (s.opcodes !== null && !s.opcodes.has(frame.opcode))) return;
    if (s.grep !== null && !contains(frame.payload, s.grep)) return;
    this.inner.frame?.(connection, frame, context);
  }

  message(connection: number, message: Message): void {
    const s = this.selection;
    if (!this.wants(connection) || (s.from !== null && message.from !== s.from) || (s.grep !== null && !contains(message.payload, s.grep))) return;
    this.inner.message?.(connection, message);
  }

  diagnostic(connection: number, d: Diagnostic): void {
    if (this.wants(connection)) this.inner.diagnostic?.(connection, d);
  }

  connection(conn: Connection): void {
    const view = selectConnection(conn, this.selection);
    if (view) this.inner.connection(view);
  }

  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    this.inner.end(capture, summary, diagnostics);
  }
}
