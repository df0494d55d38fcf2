// One direction of a WebSocket connection: a resumable state machine that
// turns a byte stream into frames, at any chunk boundary. Like ws's Receiver
// it stops when bytes run short and resumes with the next chunk; unlike it, a
// protocol error never stops decoding (the checks are made elsewhere).
import { decodeFrameHeader, type FrameHeader, unmask } from './frame.js';

export interface DecodedFrame {
  header: FrameHeader;
  /** unmasked payload, at most `maxHeld` bytes of it */
  payload: Buffer;
  /** bytes of payload seen (may exceed payload.length when not all are held) */
  received: number;
  packets: number[];
  /** packet and time where the frame completed (or where its last bytes arrived) */
  packet: number;
  ts: number;
  complete: boolean;
}

/** Progress of a frame still being received, for describing the packet that carried a piece of it. */
export interface PartialFrame {
  header: FrameHeader;
  received: number;
}

export const DEFAULT_MAX_HELD = 16 * 1024 * 1024;

export class FrameParser {
  private headerBuf: Buffer = Buffer.alloc(0);
  private current: DecodedFrame | null = null;
  private heldParts: Buffer[] = [];
  private heldLength = 0;

  constructor(private readonly maxHeld = DEFAULT_MAX_HELD) {}

  /** The frame in progress, if bytes of one have arrived. */
  get partial(): PartialFrame | null {
    return this.current ? { header: this.current.header, received: this.current.received } : null;
  }

  /** Bytes of a header that has not arrived whole. */
  get pendingHeaderBytes(): number {
    return this.headerBuf.length;
  }

  push(data: Buffer, packet: number, ts: number, onFrame: (f: DecodedFrame) => void): void {
    let b = data;
    while (b.length > 0) {
      if (!this.current) {
        const consumed = this.readHeader(b, packet, ts);
        b = b.subarray(consumed);
        if (!this.current) return;
        if (this.remaining() === 0) this.finish(packet, ts, onFrame);
        continue;
      }
      const frame = this.current;
      const take = Math.min(this.remaining(), b.length);
      const piece = b.subarray(0, take);
      if (frame.packets[frame.packets.length - 1] !== packet) frame.packets.push(packet);
      frame.packet = packet;
      frame.ts = ts;
      const room = this.maxHeld - this.heldLength;
      if (room > 0) {
        const kept = Buffer.from(piece.subarray(0, Math.min(room, piece.length)));
        if (frame.header.maskingKey) unmask(kept, frame.header.maskingKey, frame.received);
        this.heldParts.push(kept);
        this.heldLength += kept.length;
      }
      frame.received += take;
      b = b.subarray(take);
      if (this.remaining() === 0) this.finish(packet, ts, onFrame);
    }
  }

  /** The capture ended: a frame still being received is handed on as incomplete. */
  end(onFrame: (f: DecodedFrame) => void): void {
    if (!this.current) return;
    const frame = this.current;
    frame.complete = false;
    this.finish(frame.packet, frame.ts, onFrame);
  }

  private remaining(): number {
    const f = this.current;
    return f ? f.header.payloadLength - f.received : 0;
  }

  private readHeader(b: Buffer, packet: number, ts: number): number {
    const had = this.headerBuf.length;
    // at most 14 header bytes are ever needed
    const view = had === 0 ? b : Buffer.concat([this.headerBuf, b.subarray(0, 14 - had)]);
    const r = decodeFrameHeader(view);
    if (!r.header) {
      this.headerBuf = Buffer.from(view.subarray(0, Math.min(view.length, 14)));
      if (had === 0) this.headerPackets = [packet];
      else if (this.headerPackets[this.headerPackets.length - 1] !== packet) this.headerPackets.push(packet);
      return b.length;
    }
    const packets = had === 0 ? [packet] : [...this.headerPackets];
    if (packets[packets.length - 1] !== packet) packets.push(packet);
    this.headerBuf = Buffer.alloc(0);
    this.headerPackets = [];
    this.current = { header: r.header, payload: Buffer.alloc(0), received: 0, packets, packet, ts, complete: true };
    return r.header.headerLength - had;
  }

  private headerPackets: number[] = [];

  private finish(packet: number, ts: number, onFrame: (f: DecodedFrame) => void): void {
    const frame = this.current!;
    frame.payload = this.heldParts.length === 1 ? this.heldParts[0]! : Buffer.concat(this.heldParts, this.heldLength);
    frame.packet = packet;
    frame.ts = ts;
    this.current = null;
    this.heldParts = [];
    this.heldLength = 0;
    onFrame(frame);
  }
}
