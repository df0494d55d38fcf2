// Selecting what to see (--stream, --from, --opcode, --phase, --grep,
// --limit): a view of the analysis result, applied before any renderer, the
// JSON export included. Frames and messages keep their indexes, so what is
// shown can still be found in the full output.
//
// The frame filters (--opcode, --grep, --limit) choose frames; the packets
// of the timeline follow them only where packets carry frames, the data and
// closing phases: there a packet stays when it carries a chosen frame, and
// goes otherwise (with its ACKs and the frames left out). The TCP and
// WebSocket handshakes and the TCP teardown carry no frame and stay: the
// walkthrough and the ladder tell a story, and the selected frames are told
// between how the connection opened and how it ended. (Wireshark's display
// filter hides every packet that does not match; --phase and --from are the
// way to leave the handshakes out here.)
import type { AnalysisSink, CaptureInfo, Connection, Diagnostic, Frame, Message, Phase, Side, Summary } from '../model.js';
import { BitSet, SubList } from '../util/list.js';
import { entryOf, messageOf } from './lookup.js';

export interface Selection {
  /** connection ids (tcp.stream); null: all */
  streams: ReadonlySet<number> | null;
  /**
   * for a connection id here (--stream CONN/STREAM), only the WebSocket
   * conversations of these HTTP/2 streams (RFC 8441), not the connection
   * itself; a connection in `streams` and not here is selected whole, with
   * every conversation it carried
   */
  conversations?: ReadonlyMap<number, ReadonlySet<number>> | null;
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

/** Whether the selection holds connection `id`'s conversation of HTTP/2 stream `stream` (null: the connection itself). */
export function selectsConversation(s: Selection, id: number, stream: number | null): boolean {
  if (s.streams !== null && !s.streams.has(id)) return false;
  const only = s.conversations?.get(id);
  return only === undefined || (stream !== null && only.has(stream));
}

export function selectsAll(s: Selection): boolean {
  return s.streams === null && (s.conversations ?? null) === null && s.from === null && s.opcodes === null && s.phases === null && s.grep === null && s.limit === null;
}

/** The selection as the options that made it (`--opcode close --limit 2`); --stream left out. */
export function describeSelection(s: Selection): string {
  const names = Object.fromEntries(Object.entries(OPCODES_BY_NAME).map(([n, c]) => [c, n]));
  const parts: string[] = [];
  if (s.from !== null) parts.push(`--from ${s.from}`);
  if (s.opcodes !== null) parts.push(`--opcode ${[...s.opcodes].map((c) => names[c] ?? String(c)).join(',')}`);
  if (s.phases !== null) parts.push(`--phase ${[...s.phases].join(',')}`);
  if (s.grep !== null) parts.push(`--grep ${JSON.stringify(s.grep)}`);
  if (s.limit !== null) parts.push(`--limit ${s.limit}`);
  return parts.join(' ');
}

/**
 * What a connection narrowed by a selection carries besides its narrowed
 * lists: the selection (as its options) and the connection's totals before
 * it, as the analysis made them (the lengths of its frames, messages and
 * timeline), so that a view can say "2 of 10 frames".
 */
export interface Narrowed {
  selected: string;
  total: { frames: number; messages: number; packets: number };
}

/** A connection a selection narrowed: its Narrowed rides along (the JSON export names its fields and leaves it out). */
type NarrowedConnection = Connection & { narrowed?: Narrowed };

/** What narrowed this connection, or null when nothing did (--stream alone narrows nothing within a connection). */
export function narrowedBy(conn: Connection): Narrowed | null {
  return (conn as NarrowedConnection).narrowed ?? null;
}

/** Phases whose packets carry frames: the frame filters choose among these. */
const FRAME_PHASES: ReadonlySet<Phase> = new Set(['data', 'closing']);

function contains(payload: Buffer, needle: string): boolean {
  return payload.toString('utf8').toLowerCase().includes(needle.toLowerCase());
}

/** The part of a connection the selection keeps, or null when the connection itself is not selected. */
export function selectConnection(conn: Connection, s: Selection): Connection | null {
  if (!selectsConversation(s, conn.id, conn.stream)) return null;
  if (selectsAll({ ...s, streams: null, conversations: null })) return conn;
  // one pass over each list, in order; what is kept is positions (the items stay where they are: a spilled list is not copied)
  const keep = (f: Frame): boolean => {
    if (s.from !== null && f.from !== s.from) return false;
    if (s.opcodes !== null && !s.opcodes.has(f.opcode)) return false;
    if (s.phases !== null && !s.phases.has(entryOf(conn, f.packet)?.phase ?? 'other')) return false;
    if (s.grep !== null) {
      const whole = messageOf(conn, f.message)?.payload;
      if (!contains(f.payload, s.grep) && !(whole && contains(whole, s.grep))) return false;
    }
    return true;
  };
  const frames = new SubList(conn.frames);
  const kept = new BitSet();
  const packets = new BitSet();
  let i = 0;
  for (const f of conn.frames) {
    if (s.limit !== null && frames.length >= s.limit) break;
    if (keep(f)) {
      frames.add(i);
      if (f.message !== null) kept.add(f.message);
      for (const p of f.packets) packets.add(p);
    }
    i++;
  }
  const frameFilters = s.opcodes !== null || s.grep !== null || s.limit !== null;
  const messages = new SubList(conn.messages);
  i = 0;
  for (const m of conn.messages) {
    if ((s.from === null || m.from === s.from) && (!frameFilters || kept.has(m.index))) messages.add(i);
    i++;
  }
  // the frame filters leave the packets that carry no frame (see the top of this file)
  const timeline = new SubList(conn.timeline);
  i = 0;
  for (const e of conn.timeline) {
    if ((s.from === null || e.from === s.from) && (s.phases === null || s.phases.has(e.phase)) && (!frameFilters || !FRAME_PHASES.has(e.phase) || packets.has(e.packet))) timeline.add(i);
    i++;
  }
  const narrowed: Narrowed = { selected: describeSelection(s), total: { frames: conn.frames.length, messages: conn.messages.length, packets: conn.timeline.length } };
  const view: NarrowedConnection = { ...conn, frames, messages, timeline, narrowed };
  return view;
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

  private wants(connection: number, stream: number | null): boolean {
    return selectsConversation(this.selection, connection, stream);
  }

  frame(connection: number, frame: Frame, context: { messageType: 'text' | 'binary' | null; compressed: boolean }, stream: number | null = null): void {
    const s = this.selection;
    if (!this.wants(connection, stream)) return;
    if ((s.from !== null && frame.from !== s.from) || (s.opcodes !== null && !s.opcodes.has(frame.opcode))) return;
    if (s.grep !== null && !contains(frame.payload, s.grep)) return;
    this.inner.frame?.(connection, frame, context, stream);
  }

  message(connection: number, message: Message, stream: number | null = null): void {
    const s = this.selection;
    if (!this.wants(connection, stream) || (s.from !== null && message.from !== s.from) || (s.grep !== null && !contains(message.payload, s.grep))) return;
    this.inner.message?.(connection, message, stream);
  }

  diagnostic(connection: number, d: Diagnostic, stream: number | null = null): void {
    if (this.wants(connection, stream)) this.inner.diagnostic?.(connection, d, stream);
  }

  connection(conn: Connection): void {
    const view = selectConnection(conn, this.selection);
    if (view) this.inner.connection(view);
  }

  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    this.inner.end(capture, summary, diagnostics);
  }
}
