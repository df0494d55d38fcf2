// Finding a frame's message, or a packet's timeline entry, in a connection:
// an index built once per connection, so that renderers stay linear in the
// size of what they render.
import type { Connection, Message, TimelineEntry } from '../model.js';

const messages = new WeakMap<readonly Message[], Map<number, Message>>();
const entries = new WeakMap<readonly TimelineEntry[], Map<number, TimelineEntry>>();

export function messageOf(conn: Connection, index: number | null): Message | undefined {
  if (index === null) return undefined;
  let byIndex = messages.get(conn.messages);
  if (!byIndex) {
    byIndex = new Map(conn.messages.map((m) => [m.index, m]));
    messages.set(conn.messages, byIndex);
  }
  return byIndex.get(index);
}

export function entryOf(conn: Connection, packet: number | null): TimelineEntry | undefined {
  if (packet === null) return undefined;
  let byPacket = entries.get(conn.timeline);
  if (!byPacket) {
    byPacket = new Map(conn.timeline.map((e) => [e.packet, e]));
    entries.set(conn.timeline, byPacket);
  }
  return byPacket.get(packet);
}
