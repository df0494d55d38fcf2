// A connection's lists as another thread reads them: a long connection's
// frames, messages and timeline are in the spill file (util/list.ts), whose descriptor
// the whole process shares, so a thread that draws part of a view reads them
// there itself. What it is given is plain data: where each chunk is, the
// chunks only in memory (encoded), and the bytes of the file not written
// yet. Valid while the file is left as it is: from the connection's end
// until its view is written (nothing is written to the file, nor freed,
// meanwhile).
import type { Connection, Frame, List, Message, TimelineEntry } from '../model.js';
import type { Codec } from '../util/codec.js';
import { type SharedList, type SpillFile, SpillList, SpillReader, type SpillReaderData } from '../util/list.js';
import { entryCodec, frameCodec, type HeldEntry, messageCodec, TimelineList } from './codecs.js';
import type { Dir } from '../tcp/connection.js';

/** The codecs a shared list may be written with, by their place here. */
const CODECS: readonly Codec<unknown>[] = [frameCodec, messageCodec, entryCodec] as Codec<unknown>[];

interface SharedSpill {
  list: SharedList;
  codec: number;
}

/** A list as it is sent: where to read it (and a timeline, how its held entries are made finished ones). */
type Shared = { spill: SharedSpill; timeline?: { clientDir: Dir; websocket: boolean } };

/** The names of a connection's lists. */
export type ListName = 'frames' | 'messages' | 'timeline';

/** The lists of a connection that another thread reads (those it needs), and the file they are in. */
export interface SharedLists {
  file: SpillReaderData;
  lists: Partial<Record<ListName, Shared>>;
}

/** The lists a thread reads: made again from what was shared (empty, those it was not given). */
export interface ListsOf {
  frames: List<Frame>;
  messages: List<Message>;
  timeline: List<TimelineEntry>;
}

function shareOne(list: List<unknown>): Shared | null {
  if (list instanceof TimelineList) {
    const shared = shareOne(list.held);
    return shared === null ? null : { ...shared, timeline: { clientDir: list.clientDir, websocket: list.websocket } };
  }
  if (list instanceof SpillList) {
    const codec = CODECS.indexOf(list.codec as Codec<unknown>);
    const shared = codec >= 0 ? list.share() : null;
    return shared === null ? null : { spill: { list: shared, codec } };
  }
  // lists kept in memory (no spill file), a selection's lists (--from, --grep…): drawn where they are
  return null;
}

/**
 * What another thread needs to read these lists of the connection, or null
 * when they cannot be shared (a selection of them, a file that failed, lists
 * kept in memory): the view is then drawn in this thread alone.
 */
export function shareLists(conn: Connection, file: SpillFile, names: readonly ListName[]): SharedLists | null {
  const reader = file.readerData();
  if (reader === null) return null;
  const lists: Partial<Record<ListName, Shared>> = {};
  for (const name of names) {
    const shared = shareOne(conn[name] as List<unknown>);
    if (shared === null) return null;
    lists[name] = shared;
  }
  return { file: reader, lists };
}

/** The buffers of what is shared, that are its own (sent by transfer, not copied again). */
export function ownBuffers(s: SharedLists): ArrayBuffer[] {
  const out: ArrayBuffer[] = s.file.pieces.map((p) => p.bytes.buffer as ArrayBuffer);
  for (const shared of Object.values(s.lists)) {
    const spill = shared.spill;
    out.push(spill.list.spans.buffer as ArrayBuffer);
    for (const [, bytes] of spill.list.held) out.push(bytes.buffer as ArrayBuffer);
  }
  return out;
}

function listOf<T>(s: Shared | undefined, store: SpillReader): List<T> {
  if (s === undefined) return [];
  const list = SpillList.replica(s.spill.list, store, CODECS[s.spill.codec]!);
  if (s.timeline !== undefined) return new TimelineList(list as SpillList<HeldEntry>, s.timeline.clientDir, s.timeline.websocket) as unknown as List<T>;
  return list as List<T>;
}

/** The lists, read from the file in this thread. */
export function listsFrom(s: SharedLists): ListsOf {
  const store = new SpillReader(s.file);
  const l = s.lists;
  return { frames: listOf(l.frames, store), messages: listOf(l.messages, store), timeline: listOf(l.timeline, store) };
}
