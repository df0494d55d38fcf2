// Annotation: what each packet is, in a connection's story. A pure function
// of what the packet carried (TCP events, HTTP heads, frames) and the phase
// the connection was in, giving the packet's phase and the facts its
// timeline entry keeps; they are put in words by src/text/packets.ts.
import type { Frame, FrameFact, Message, MessageFact, PacketFact, Phase, Side, TlsFact } from '../model.js';
import { previewPayload, previewText } from '../util/text.js';
import { PHASE_ORDER } from '../model.js';
import type { LifecycleEvent } from '../tcp/connection.js';
import { flagBits, type TcpFlags } from '../tcp/segment.js';
import type { HttpItem } from '../http/upgrade.js';
import type { WebSocketItem } from '../websocket/session.js';

/** What the stages tell of a packet as it is processed: facts, but for the TCP event, a gap's side and the frames themselves. */
export type PacketItem =
  | { kind: 'tcp'; event: LifecycleEvent; flags: TcpFlags }
  | Extract<PacketFact, { kind: 'retransmission' | 'keep-alive' | 'out-of-order' | 'late' | 'acked-unseen' | 'detected' | 'opaque' | 'tls' | 'h2' }>
  | { kind: 'gap'; bytes: number; from: Side }
  | HttpItem
  | WebSocketItem;

export interface PacketDescription {
  phase: Phase;
  /** the furthest phase this packet takes the connection to */
  reached: Phase;
  /** what it carried beyond TCP, for its timeline entry (a packet that carried nothing else: the one empty list) */
  told: PacketFact[];
  /** its TCP flags */
  tcp: number | null;
}

function rank(p: Phase): number {
  return PHASE_ORDER.indexOf(p);
}

/** The later of two phases in a connection's life. */
export function later(a: Phase, b: Phase): Phase {
  return rank(b) > rank(a) ? b : a;
}

/** TLS handshake messages after which the handshake is over (RFC 8446 §4.6: post-handshake messages) */
const AFTER_HANDSHAKE = new Set(['new_session_ticket', 'key_update', 'hello_request']);

function isTlsHandshake(f: TlsFact): boolean {
  switch (f.kind) {
    case 'client-hello':
    case 'server-hello':
    case 'change-cipher-spec':
    case 'certificate':
    case 'encrypted-extensions':
      return true;
    case 'handshake':
      return !AFTER_HANDSHAKE.has(f.name);
    default:
      return false;
  }
}

/** A packet's records opened with the key log: told after what they carried. */
function isDecryptedNote(i: PacketItem): boolean {
  return i.kind === 'tls' && i.records.length === 1 && i.records[0]!.kind === 'decrypted';
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
    case 'tls':
      // the cleartext of a TLS handshake (hellos, the messages decrypted after them, ChangeCipherSpec); records
      // after it (application data, tickets, KeyUpdate, alerts) take the connection nowhere new
      return item.records.some(isTlsHandshake) ? 'tls-handshake' : null;
    case 'h2':
      // on a WebSocket's stream, the end of the stream (RST_STREAM, or END_STREAM with no data) is its teardown (RFC 8441 §5);
      // on the connection carrying HTTP/2 (not WebSocket itself) every phase but TCP's is "other"
      if (item.frame.type === 0x3) return 'tcp-teardown';
      return item.frame.type === 0x0 && (item.frame.flags & 0x1) !== 0 && item.frame.length === 0 ? 'tcp-teardown' : null;
    case 'acked-unseen':
      // it acknowledges bytes sent after the TCP handshake: at the start, the request the capture lost; later, it takes the connection nowhere new
      return 'ws-handshake';
    default:
      return null;
  }
}

/**
 * A frame as its packet tells it, with what was known of its message then:
 * `type`, the message's type; `completes`, the message it ends;
 * `inCompressed`, it belongs to a compressed message (whose continuations
 * carry compressed bytes without RSV1), so its payload is never shown as text.
 * The quoted payloads are the capture's own bytes, escaped: the same in every
 * language, so they are kept with the facts rather than quoted by each view.
 */
export function frameFact(f: Frame, type: 'text' | 'binary' | null, completes: Message | null, inCompressed: boolean): FrameFact {
  const compressed = f.message !== null && (inCompressed || f.rsv1 || completes?.compressed === true);
  // a message its application protocol explains is told by that, not by its raw start
  const explained = completes?.app != null && completes.frames.length === 1 && !completes.compressed;
  return {
    kind: 'frame',
    index: f.index,
    opcode: f.opcode,
    fin: f.fin,
    rsv1: f.rsv1,
    rsv2: f.rsv2,
    rsv3: f.rsv3,
    masked: f.masked,
    length: f.payloadLength,
    close: f.close ? { code: f.close.code, reason: f.close.reason === '' ? null : previewPayload(Buffer.from(f.close.reason), 24) } : null,
    preview: type === 'text' && f.payload.length > 0 && !compressed && !explained ? previewText(f.payload, 24) : null,
    compressedPart: compressed && !f.rsv1 && !completes,
    answers: f.answers ? { packet: f.answers.packet, rtt: f.answers.rtt } : null,
    segments: f.packets.length,
    complete: f.complete,
    missingBytes: f.missingBytes,
    completes: completes && (completes.compressed || completes.frames.length > 1 || completes.app) ? messageFact(completes) : null,
  };
}

function messageFact(m: Message): MessageFact {
  const shown = m.type === 'text' && !m.app && (!m.compressed || m.inflatedLength !== null);
  return {
    index: m.index,
    type: m.type,
    frames: m.frames.length,
    length: m.length,
    inflatedLength: m.inflatedLength,
    compressed: m.compressed,
    preview: shown ? previewText(m.payload, 32) : null,
    app: m.app,
  };
}

/** What a packet that carried nothing but TCP told: one list for all of them (never added to: an entry told more later gets its own). */
export const NOTHING: PacketFact[] = [];

/** What an item tells of a packet sent by `from`, as a fact the timeline keeps. */
export function factOf(item: Exclude<PacketItem, { kind: 'tcp' }>, from: Side): PacketFact {
  switch (item.kind) {
    case 'gap':
      return { kind: 'gap', bytes: item.bytes, from: item.from, own: item.from === from };
    case 'partial-frame':
      return { kind: 'partial-frame', opcode: item.opcode, received: item.received, total: item.total };
    case 'frame':
      return frameFact(item.frame, item.messageType, item.completes, item.compressed);
    default:
      return item;
  }
}

/** A packet's phase (and the furthest it takes the connection to), and the facts of what it carried. */
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
  let told: PacketFact[] = NOTHING;
  let flags: number | null = null;
  let decrypted: PacketFact | null = null;
  for (const i of items) {
    const p = itemPhase(i);
    if (p) reached = later(reached, p);
    if (i.kind === 'tcp') flags ??= flagBits(i.flags);
    else if (isDecryptedNote(i)) decrypted = factOf(i, from);
    else if (told === NOTHING) told = [factOf(i, from)];
    else told.push(factOf(i, from));
  }
  if (decrypted !== null) told = told === NOTHING ? [decrypted] : [...told, decrypted];
  return { phase, reached, told, tcp: flags };
}
