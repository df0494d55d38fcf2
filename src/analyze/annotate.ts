// Annotation: what each packet is, in a connection's story. A pure function
// of what the packet carried (TCP events, HTTP heads, frames) and the phase
// the connection was in, giving the packet's phase; its one-line summary is
// put in words by src/text/packets.ts.
import type { Phase, Side } from '../model.js';
import { PHASE_ORDER } from '../model.js';
import type { LifecycleEvent } from '../tcp/connection.js';
import type { TcpFlags } from '../tcp/segment.js';
import type { HttpItem } from '../http/upgrade.js';
import type { WebSocketItem } from '../websocket/session.js';
import { packetSummary } from '../text/packets.js';

export type PacketItem =
  | { kind: 'tcp'; event: LifecycleEvent; flags: TcpFlags }
  | { kind: 'retransmission'; bytes: number }
  | { kind: 'keep-alive' }
  | { kind: 'out-of-order'; bytes: number }
  | { kind: 'late'; bytes: number }
  | { kind: 'acked-unseen'; peer: Side }
  | { kind: 'note'; text: string }
  | { kind: 'gap'; bytes: number; from: Side }
  | { kind: 'detected'; skipped: number }
  | { kind: 'opaque'; bytes: number }
  | HttpItem
  | WebSocketItem;

export interface PacketDescription {
  phase: Phase;
  /** the furthest phase this packet takes the connection to */
  reached: Phase;
  summary: string;
}

function rank(p: Phase): number {
  return PHASE_ORDER.indexOf(p);
}

/** The later of two phases in a connection's life. */
export function later(a: Phase, b: Phase): Phase {
  return rank(b) > rank(a) ? b : a;
}

function itemPhase(item: PacketItem): Phase | null {
  switch (item.kind) {
    case 'tcp':
      if (item.event === 'syn' || item.event === 'syn-ack' || item.event === 'handshake-ack') return 'tcp-handshake';
      if (item.event === 'fin' || item.event === 'rst') return 'tcp-teardown';
      return null;
    case 'request':
    case 'response':
    case 'http-partial':
    case 'held':
      return 'ws-handshake';
    case 'frame':
      return item.frame.opcode === 0x8 ? 'closing' : 'data';
    case 'partial-frame':
      return item.opcode === 0x8 ? 'closing' : 'data';
    default:
      return null;
  }
}

/** A packet's phase (and the furthest it takes the connection to), and its summary in words. */
export function describePacket(items: readonly PacketItem[], current: Phase, from: Side): PacketDescription {
  // the phase of what it carried first, else of its TCP flags
  let first: Phase | null = null;
  for (const i of items) {
    if (i.kind === 'tcp') continue;
    first = itemPhase(i);
    if (first) break;
  }
  const tcp = first ? undefined : items.find((i) => i.kind === 'tcp');
  if (tcp) first = itemPhase(tcp);
  const phase = first ? later(current, first) : current;
  let reached = phase;
  for (const i of items) {
    const p = itemPhase(i);
    if (p) reached = later(reached, p);
  }
  return { phase, reached, summary: packetSummary(items, from) };
}
