// Finding a frame's message, or a packet's timeline entry, in a connection:
// by key, from where the last search ended (util/list.ts KeyedLookup), so
// that renderers stay linear in the size of what they render and read a
// spilled list forward, without an index of their own.
import type { Connection, List, Message, TimelineEntry } from '../model.js';
import { KeyedLookup } from '../util/list.js';

const lookups = new WeakMap<object, KeyedLookup<never>>();

/** The list looked in last, and its lookup (a view asks of one list many times in a row). */
let lastList: object | null = null;
let lastLookup: KeyedLookup<never> | null = null;

function lookup<T>(list: List<T>, keyOf: (item: T) => number, key: number | null, dense = false): T | undefined {
  if (key === null) return undefined;
  let found = (list === lastList ? lastLookup : lookups.get(list)) as unknown as KeyedLookup<T> | undefined;
  if (!found) {
    found = new KeyedLookup(list, keyOf, dense);
    lookups.set(list, found as unknown as KeyedLookup<never>);
  }
  lastList = list;
  lastLookup = found as unknown as KeyedLookup<never>;
  return found.get(key);
}

/** The message with this index (messages are in order of index). */
const messageIndex = (m: Message): number => m.index;
const entryPacket = (e: TimelineEntry): number => e.packet;

export function messageOf(conn: Pick<Connection, 'messages'>, index: number | null): Message | undefined {
  // (a message's index is its place among the connection's messages, unless a selection left some out)
  return lookup(conn.messages, messageIndex, index, true);
}

/** The timeline entry of this packet (entries are in order of packet). */
export function entryOf(conn: Pick<Connection, 'timeline'>, packet: number | null): TimelineEntry | undefined {
  return lookup(conn.timeline, entryPacket, packet);
}
