// One direction of a WebSocket connection: a resumable state machine that
// turns a byte stream into frames, at any chunk boundary. Like ws's Receiver
// it stops when bytes run short and resumes with the next chunk; unlike it, a
// protocol error never stops decoding (the checks are made elsewhere), and
// bytes lost from the capture are survived: a gap inside a frame's payload
// leaves the framing intact; a gap anywhere else makes the parser look for
// the next plausible frame header (see sync.ts) instead of inventing frames.
import { decodeFrameHeader, type FrameHeader, unmaskInto } from './frame.js';

const EMPTY = Buffer.alloc(0);
import { findEvidence, findFrameStart, type SyncResult, type SyncRules } from './sync.js';

export interface DecodedFrame {
  header: FrameHeader;
  /** unmasked payload, at most `maxHeld` bytes of it (bytes never captured are zeros) */
  payload: Buffer;
  /** bytes of payload accounted for (received or lost) */
  received: number;
  /** payload bytes that were never captured */
  missing: number;
  packets: number[];
  /** packet and time where the frame completed (or where its last bytes arrived) */
  packet: number;
  ts: number;
  /** every byte of the frame was captured */
  complete: boolean;
}

/** Progress of a frame still being received, for describing the packet that carried a piece of it. */
export interface PartialFrame {
  header: FrameHeader;
  received: number;
}

export interface FrameEvents {
  frame(f: DecodedFrame): void;
  /**
   * Decoding starts again at a frame boundary after `skipped` bytes that could
   * not be framed; `masked` is the mask bit the frames found there carry.
   */
  resync(skipped: number, packet: number, masked: boolean): void;
  /** the stream ended while looking for a frame boundary: `skipped` bytes were never framed */
  unsynced(skipped: number): void;
}

export const DEFAULT_MAX_HELD = 16 * 1024 * 1024;
/** Bytes examined for a frame boundary before the oldest are given up. */
export const SYNC_WINDOW = 1024 * 1024;

export class FrameParser {
  private headerBuf: Buffer = Buffer.alloc(0);
  private headerPackets: number[] = [];
  private current: DecodedFrame | null = null;
  private heldParts: Buffer[] = [];
  private heldLength = 0;
  /** bytes waiting for a frame boundary, when the framing is lost */
  private syncBuf: Buffer | null = null;
  private syncPackets: { at: number; packet: number; ts: number }[] = [];
  private skipped = 0;
  private lastPacket = 0;
  /** consecutive plausible frames that confirm a boundary */
  private run = 3;
  /** looking for frames to decide whether this is WebSocket at all */
  private sniffing = false;

  constructor(
    private readonly maxHeld = DEFAULT_MAX_HELD,
    private rules: SyncRules = { masked: null, deflate: false, maxLength: SYNC_WINDOW },
  ) {}

  /** What a plausible header must look like in this direction (known once the roles are). */
  setRules(rules: SyncRules): void {
    this.rules = rules;
  }

  /** The frame in progress, if bytes of one have arrived. */
  get partial(): PartialFrame | null {
    return this.current ? { header: this.current.header, received: this.current.received } : null;
  }

  /** Bytes of a header that has not arrived whole. */
  get pendingHeaderBytes(): number {
    return this.headerBuf.length;
  }

  /** Looking for a frame boundary (after loss, or from the start of a mid-stream capture). */
  get syncing(): boolean {
    return this.syncBuf !== null;
  }

  /**
   * The stream's first bytes may fall anywhere in a frame: find a boundary
   * before decoding, confirmed by `run` consecutive plausible frames.
   */
  startUnsynced(run = 3, sniffing = false): void {
    this.run = run;
    this.sniffing = sniffing;
    this.syncBuf = Buffer.alloc(0);
    this.syncPackets = [];
    this.skipped = 0;
  }

  push(data: Buffer, packet: number, ts: number, ev: FrameEvents): void {
    this.lastPacket = packet;
    if (this.syncBuf !== null) {
      this.pushUnsynced(data, packet, ts, ev, false);
      return;
    }
    // the bytes are read in place; only payload pieces are copied (and unmasked in the copy)
    const end = data.length;
    let at = 0;
    while (at < end) {
      if (!this.current) {
        at += this.readHeader(data, at, packet, ts);
        if (!this.current) return;
        if (this.remaining() === 0) this.finish(packet, ts, ev);
        continue;
      }
      const frame = this.current;
      const take = Math.min(this.remaining(), end - at);
      if (frame.packets[frame.packets.length - 1] !== packet) frame.packets.push(packet);
      frame.packet = packet;
      frame.ts = ts;
      this.hold(data, at, take, frame);
      frame.received += take;
      at += take;
      if (this.remaining() === 0) this.finish(packet, ts, ev);
    }
  }

  /**
   * `length` bytes of the stream were never captured. Inside a frame's
   * payload the frame goes on (incomplete); anywhere else the framing is lost
   * and the parser looks for the next frame boundary.
   */
  gap(length: number, packet: number, ts: number, ev: FrameEvents): void {
    // `skipped` counts captured bytes that could not be framed; lost ones are the gap's own
    if (this.syncBuf !== null) {
      // still looking: what was buffered can no longer be followed by what comes next
      this.skipped += this.syncBuf.length;
      this.syncBuf = Buffer.alloc(0);
      this.syncPackets = [];
      return;
    }
    const frame = this.current;
    if (frame && this.headerBuf.length === 0 && length <= this.remaining()) {
      this.hold(null, 0, length, frame);
      frame.received += length;
      frame.missing += length;
      frame.complete = false;
      if (this.remaining() === 0) this.finish(packet, ts, ev);
      return;
    }
    if (frame) {
      frame.missing += this.remaining();
      frame.complete = false;
      this.finish(frame.packet, frame.ts, ev);
    }
    const partialHeader = this.headerBuf.length;
    this.headerBuf = Buffer.alloc(0);
    this.headerPackets = [];
    this.startUnsynced(this.run, this.sniffing);
    this.skipped = partialHeader;
  }

  /** Frames that must confirm a boundary from now on (the protocol became known). */
  setRun(run: number): void {
    this.run = run;
    this.sniffing = false;
  }

  /**
   * At the end of the capture, before end(): if the bytes still waiting for a
   * boundary hold one, decode them; otherwise leave them (end() may look again
   * with other rules).
   */
  settle(ev: FrameEvents): void {
    if (this.syncBuf === null || this.syncBuf.length === 0) return;
    if (this.search(this.syncBuf, true).found) this.pushUnsynced(Buffer.alloc(0), this.lastPacket, 0, ev, true);
  }

  /**
   * A frame boundary in bytes whose framing is unknown. Deciding whether the
   * bytes are WebSocket at all takes evidence (findEvidence); decoding
   * WebSocket already, frames aligned with the segments are enough.
   */
  private search(buf: Buffer, atEnd: boolean): SyncResult {
    const starts = this.syncPackets.map((p) => p.at);
    if (this.sniffing) return findEvidence(buf, this.rules, this.run, atEnd, starts);
    return findFrameStart(buf, this.rules, this.run, atEnd, 1, new Set(starts));
  }

  /** The capture ended: a frame still being received is handed on as incomplete. */
  end(ev: FrameEvents): void {
    if (this.syncBuf !== null) {
      if (this.syncBuf.length > 0) this.pushUnsynced(Buffer.alloc(0), this.lastPacket, 0, ev, true);
      if (this.syncBuf !== null && this.skipped + this.syncBuf.length > 0) ev.unsynced(this.skipped + this.syncBuf.length);
      this.syncBuf = null;
    }
    if (!this.current) return;
    const frame = this.current;
    frame.complete = false;
    this.finish(frame.packet, frame.ts, ev);
  }

  private pushUnsynced(data: Buffer, packet: number, ts: number, ev: FrameEvents, atEnd: boolean): void {
    if (data.length > 0) {
      this.syncPackets.push({ at: this.syncBuf!.length, packet, ts });
      this.syncBuf = this.syncBuf!.length === 0 ? Buffer.from(data) : Buffer.concat([this.syncBuf!, data]);
    }
    const buf = this.syncBuf!;
    const r = this.search(buf, atEnd);
    if (!r.found) {
      let drop = r.keepFrom;
      if (buf.length - drop > SYNC_WINDOW) drop = buf.length - SYNC_WINDOW;
      if (drop > 0) this.dropSynced(drop);
      return;
    }
    this.skipped += r.offset;
    const packets = this.syncPackets;
    this.syncBuf = null;
    this.syncPackets = [];
    const firstPacket = [...packets].reverse().find((p) => p.at <= r.offset)?.packet ?? packet;
    ev.resync(this.skipped, firstPacket, r.masked);
    this.skipped = 0;
    // decode the buffered bytes again, each piece with the packet that carried it
    for (let i = 0; i < packets.length; i++) {
      const p = packets[i]!;
      const from = Math.max(p.at, r.offset);
      const to = packets[i + 1]?.at ?? buf.length;
      if (to > from) this.push(buf.subarray(from, to), p.packet, p.ts, ev);
    }
  }

  private dropSynced(n: number): void {
    this.skipped += n;
    this.syncBuf = Buffer.from(this.syncBuf!.subarray(n));
    const shifted = this.syncPackets.map((p) => ({ ...p, at: p.at - n }));
    // a packet whose bytes were all dropped goes; the first one left starts at 0
    this.syncPackets = shifted.filter((_, i) => (shifted[i + 1]?.at ?? Infinity) > 0);
    if (this.syncPackets[0]) this.syncPackets[0].at = Math.max(0, this.syncPackets[0].at);
  }

  /** Keeps `length` payload bytes of src from `from` (zeros for bytes never captured: src null), up to maxHeld in all. */
  private hold(src: Buffer | null, from: number, length: number, frame: DecodedFrame): void {
    const room = this.maxHeld - this.heldLength;
    if (room <= 0 || length === 0) return;
    const kept = Buffer.allocUnsafe(Math.min(room, length));
    const key = frame.header.maskingKey;
    if (src === null) kept.fill(0);
    else if (key) unmaskInto(src, from, kept, key, frame.received);
    else src.copy(kept, 0, from, from + kept.length);
    this.heldParts.push(kept);
    this.heldLength += kept.length;
  }

  private remaining(): number {
    const f = this.current;
    return f ? f.header.payloadLength - f.received : 0;
  }

  /** Reads a frame header at b[at] (completing one begun in an earlier chunk); returns the bytes of b it used. */
  private readHeader(b: Buffer, at: number, packet: number, ts: number): number {
    const had = this.headerBuf.length;
    // at most 14 header bytes are ever needed
    const view = had === 0 ? b : Buffer.concat([this.headerBuf, b.subarray(at, at + 14 - had)]);
    const viewAt = had === 0 ? at : 0;
    const r = decodeFrameHeader(view, viewAt);
    if (!r.header) {
      this.headerBuf = Buffer.from(view.subarray(viewAt, viewAt + Math.min(view.length - viewAt, 14)));
      if (had === 0) this.headerPackets = [packet];
      else if (this.headerPackets[this.headerPackets.length - 1] !== packet) this.headerPackets.push(packet);
      return b.length - at;
    }
    const packets = had === 0 ? [packet] : [...this.headerPackets];
    if (packets[packets.length - 1] !== packet) packets.push(packet);
    if (had > 0) {
      this.headerBuf = EMPTY;
      this.headerPackets = [];
    }
    this.current = { header: r.header, payload: EMPTY, received: 0, missing: 0, packets, packet, ts, complete: true };
    return r.header.headerLength - had;
  }

  private finish(packet: number, ts: number, ev: FrameEvents): void {
    const frame = this.current!;
    frame.payload = this.heldParts.length === 1 ? this.heldParts[0]! : Buffer.concat(this.heldParts, this.heldLength);
    frame.packet = packet;
    frame.ts = ts;
    this.current = null;
    this.heldParts = [];
    this.heldLength = 0;
    ev.frame(frame);
  }
}
