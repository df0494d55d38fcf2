// Finding a frame's message, or a packet's timeline entry, in a connection:
// an index built once per list, so that renderers stay linear in the size of
// what they render.
import type { Connection, Message, TimelineEntry } from '../model.js';

const indexes = new WeakMap<readonly object[], Map<number, unknown>>();

/** The item of `list` whose key is `key`, through an index built on first use. */
function lookup<T extends object>(list: readonly T[], keyOf: (item: T) => number, key: number | null): T | undefined {
  if (key === null) return undefined;
  let index = indexes.get(list);
  if (!index) {
    index = new Map(list.map((item) => [keyOf(item), item]));
    indexes.set(list, index);
  }
  return index.get(key) as T | undefined;
}

export function messageOf(conn: Connection, index: number | null): Message | undefined {
  return lookup(conn.messages, (m) => m.index, index);
}

export function entryOf(conn: Connection, packet: number | null): TimelineEntry | undefined {
  return lookup(conn.timeline, (e) => e.packet, packet);
}
