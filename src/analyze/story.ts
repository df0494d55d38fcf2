// What a connection's story (render/story.ts) is told from: the runs of its
// timeline in one phase, each with its first few packets and its frames
// counted per sender and opcode, and the application protocol's message types
// with the packets that carried them (the closing handshake is the
// analysis's conn.close). Counted once, as the connection goes by (analyze/connection.ts feeds
// a StoryTally), so that telling the story reads none of the connection's
// lists, which may be millions of items long and spilled to a file. A
// connection a selection narrowed, or one whose timeline was changed after
// the fact (frames found late, packets of a connection joined in the middle
// whose phase was settled at its end), is counted from its lists through
// the same tally (storyOfLists).
import type { Connection, Frame, Message, Phase, Side, TimelineEntry } from '../model.js';
import type { AppInfo } from '../app/types.js';
import { type AppUnit, unitsOf } from '../app/protocols.js';

/** Packets a run keeps (the TCP handshake's are told when it is incomplete: three packets or so). */
export const RUN_ENTRIES = 8;
/** Runs counted as the connection goes by; past this, the story is counted from the lists (phases only go forward: a handful is usual). */
const MAX_RUNS = 64;
/** Application-level types counted (the rest are not: their names come from the capture). */
export const MAX_APP_TYPES = 1000;
/** Packets kept per application-level type. */
const TYPE_PACKETS = 4;

export interface FrameCount {
  from: Side;
  opcode: number;
  n: number;
  masked: number;
}

/** A run of the timeline in one phase. */
export interface PhaseRun<E = TimelineEntry> {
  phase: Phase;
  first: number;
  last: number;
  /** its first RUN_ENTRIES entries */
  entries: E[];
  /** of a data run, its frames per sender and opcode, in order of first appearance (a frame belongs to the run of its packet) */
  frames: FrameCount[];
}

/** An application-level type (STOMP SEND, Socket.IO event "chat"): the messages of it, by packet. */
export interface AppTypeCount {
  name: string;
  /** the application's own data, not the framework's */
  user: boolean;
  /** packets that carried one, counted once each (a message's packet is its last frame's) */
  count: number;
  /** the first TYPE_PACKETS of them */
  packets: number[];
}

export interface StoryFacts {
  runs: PhaseRun[];
  app: {
    /** messages the application protocol decoded, of all messages */
    decoded: number;
    messages: number;
    /** in order of first appearance, at most MAX_APP_TYPES */
    types: AppTypeCount[];
  };
}

/** A decoded message's units as people name them, with whose they are. */
function units(info: AppInfo): AppUnit[] {
  return info.inner && info.inner.length > 0 ? info.inner.flatMap(units) : unitsOf(info);
}

/**
 * Counts what the story tells. Fed in order: each timeline entry (`entry`),
 * then the frames its packet completed (`frameOfEntry`); each message
 * (`message`), in the order of its list.
 */
export class StoryTally<E extends { packet: number; phase: Phase } = TimelineEntry> {
  private readonly runs: PhaseRun<E>[] = [];
  private readonly counts: Map<number, FrameCount>[] = [];
  /** more runs than are counted: the story must be counted from the lists */
  overflow = false;
  private decoded = 0;
  private messages = 0;
  private readonly types = new Map<string, AppTypeCount & { last: number | null }>();

  /** `maxRuns`: runs counted before the tally gives up (overflow); the lists' tally counts them all */
  constructor(private readonly maxRuns = MAX_RUNS) {}

  entry(e: E): void {
    const last = this.runs[this.runs.length - 1];
    if (last && last.phase === e.phase) {
      last.last = e.packet;
      if (last.entries.length < RUN_ENTRIES) last.entries.push(e);
      return;
    }
    if (this.runs.length >= this.maxRuns) {
      this.overflow = true;
      return;
    }
    this.runs.push({ phase: e.phase, first: e.packet, last: e.packet, entries: [e], frames: [] });
    this.counts.push(new Map());
  }

  /** A frame its packet completed, the packet of the last entry: counted in its run when that is a data run. */
  frameOfEntry(f: Pick<Frame, 'from' | 'opcode' | 'masked'>): void {
    if (this.overflow) return;
    const at = this.runs.length - 1;
    if (at >= 0 && this.runs[at]!.phase === 'data') this.countIn(at, f);
  }

  private countIn(run: number, f: Pick<Frame, 'from' | 'opcode' | 'masked'>): void {
    const counts = this.counts[run]!;
    const key = f.from === 'client' ? f.opcode : 16 + f.opcode;
    let c = counts.get(key);
    if (!c) {
      c = { from: f.from, opcode: f.opcode, n: 0, masked: 0 };
      counts.set(key, c);
      this.runs[run]!.frames.push(c);
    }
    c.n++;
    if (f.masked) c.masked++;
  }

  message(m: Message): void {
    this.messages++;
    if (!m.app) return;
    this.decoded++;
    for (const u of units(m.app)) {
      let t = this.types.get(u.name);
      if (!t) {
        // a message from the capture names the type: only so many are kept
        if (this.types.size >= MAX_APP_TYPES) continue;
        t = { name: u.name, user: u.user, count: 0, packets: [], last: null };
        this.types.set(u.name, t);
      }
      if (t.last !== m.packet) {
        t.count++;
        t.last = m.packet;
        if (t.packets.length < TYPE_PACKETS) t.packets.push(m.packet);
      }
    }
  }

  /**
   * The facts, the runs' entries made what the views read (`view`); `phases`
   * false: the connection's packets are not WebSocket's, and its timeline is
   * one run of phase `other`.
   */
  facts(view: (e: E) => TimelineEntry, phases = true): StoryFacts {
    let runs: PhaseRun[] = this.runs.map((r) => ({ phase: r.phase, first: r.first, last: r.last, entries: r.entries.map(view), frames: r.frames }));
    if (!phases && runs.length > 0) {
      runs = [{ phase: 'other', first: runs[0]!.first, last: runs[runs.length - 1]!.last, entries: runs.flatMap((r) => r.entries).slice(0, RUN_ENTRIES), frames: [] }];
    }
    const types = [...this.types.values()].map(({ name, user, count, packets }) => ({ name, user, count, packets }));
    return { runs, app: { decoded: this.decoded, messages: this.messages, types } };
  }

  /** Frames of a connection's list, each counted in the data run of its packet (frames come in order of packet, nearly). */
  framesOfList(frames: Iterable<Frame>): void {
    const data: number[] = [];
    this.runs.forEach((r, i) => {
      if (r.phase === 'data') data.push(i);
    });
    let g = 0;
    for (const f of frames) {
      while (g < data.length && this.runs[data[g]!]!.last < f.packet) g++;
      let run = data[g];
      if (run === undefined || f.packet < this.runs[run]!.first) run = data.find((d) => f.packet >= this.runs[d]!.first && f.packet <= this.runs[d]!.last);
      if (run !== undefined) this.countIn(run, f);
    }
  }
}

/** The story's facts counted from a connection's lists (a connection a selection narrowed, or one the analysis could not count as it went). */
export function storyOfLists(conn: Connection): StoryFacts {
  // every run, however many (this reads the whole timeline anyway)
  const tally = new StoryTally<TimelineEntry>(Infinity);
  for (const e of conn.timeline) tally.entry(e);
  tally.framesOfList(conn.frames);
  for (const m of conn.messages) tally.message(m);
  return tally.facts((e) => e);
}
