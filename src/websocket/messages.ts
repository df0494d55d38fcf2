// Message assembly (RFC 6455 §5.4): one direction's data frames joined into
// messages. Control frames may come between fragments and belong to no message.
import { isControl } from './frame.js';
import { DEFAULT_MAX_HELD } from './parser.js';
import type { Finding } from './checks.js';
import { said } from '../text/diagnostics.js';

export interface AssembledMessage {
  index: number;
  opcode: number;
  frames: number[];
  /** wire bytes, summed over the frames */
  length: number;
  /** the exact sum as text when it is past 2^53 (a number would round it), else null */
  lengthText: string | null;
  /** RSV1 on the first frame under permessage-deflate */
  compressed: boolean;
  payload: Buffer;
  complete: boolean;
  /** every frame of it was captured whole */
  allCaptured: boolean;
  /** the packet of its last frame */
  lastPacket: number;
  /** its frames' bytes together passed the limit: only the first `maxHeld` are in payload */
  cut: boolean;
}

export interface FrameInput {
  index: number;
  opcode: number;
  fin: boolean;
  rsv1: boolean;
  payload: Buffer;
  payloadLength: number;
  /** decimal text of a 64-bit length a number cannot hold exactly */
  payloadLengthText?: string | null;
  /** the frame was captured whole */
  complete?: boolean;
  packet?: number;
}

export interface AssemblyStep {
  /** index of the message this frame belongs to, null for control and stray frames */
  message: number | null;
  completed: AssembledMessage | null;
  /** a message cut short by this frame (a new one began before it ended) */
  abandoned: AssembledMessage | null;
  findings: Finding[];
}

interface OpenMessage {
  index: number;
  opcode: number;
  frames: number[];
  parts: Buffer[];
  length: number;
  /** the exact length, kept once it passes 2^53 */
  exact: bigint | null;
  compressed: boolean;
  allCaptured: boolean;
  lastPacket: number;
  held: number;
  cut: boolean;
}

export class MessageAssembler {
  private open: OpenMessage | null = null;
  /** bytes were lost: continuations with no open message may belong to one that began in them */
  private afterLoss = false;

  /** Index of the message still open, if any. */
  get openIndex(): number | null {
    return this.open ? this.open.index : null;
  }

  /** Type of the message still open (being fragmented), if any. */
  get openType(): 'text' | 'binary' | null {
    return this.open ? (this.open.opcode === 1 ? 'text' : 'binary') : null;
  }

  /** Whether the message still open is compressed (null when none is open). */
  get openCompressed(): boolean | null {
    return this.open ? this.open.compressed : null;
  }

  /**
   * @param allocate hands out message indexes; shared by both directions of a
   *   connection, so indexes follow the order in which messages begin
   * @param deflate permessage-deflate was negotiated (RSV1 marks compression)
   */
  constructor(
    private readonly allocate: () => number,
    private deflate: boolean,
    /** payload bytes held per message: a message of many frames costs no more */
    private readonly maxHeld = DEFAULT_MAX_HELD,
  ) {}

  /** permessage-deflate was found in use (assumed from RSV1 where the handshake is not in the capture): RSV1 marks compression from now on */
  compressing(): void {
    this.deflate = true;
  }

  frame(f: FrameInput): AssemblyStep {
    const step: AssemblyStep = { message: null, completed: null, abandoned: null, findings: [] };
    if (isControl(f.opcode)) return step;
    if (f.opcode === 0x1 || f.opcode === 0x2) {
      if (this.open) {
        // RFC 6455 §5.4: fragments of one message must not be interleaved with a new message
        step.findings.push(said({ code: 'frame.expected-continuation', type: f.opcode === 1 ? 'text' : 'binary', open: this.open.index }));
        step.abandoned = this.close(this.open, false);
      }
      this.open = { index: this.allocate(), opcode: f.opcode, frames: [], parts: [], length: 0, exact: null, compressed: this.deflate && f.rsv1, allCaptured: true, lastPacket: 0, held: 0, cut: false };
      this.afterLoss = false;
    } else if (f.opcode === 0x0) {
      if (!this.open) {
        if (this.afterLoss) return step; // its message began in bytes the capture lost
        // RFC 6455 §5.4: a continuation frame continues a fragmented message
        step.findings.push(said({ code: 'frame.unexpected-continuation' }));
        return step;
      }
    } else {
      return step; // reserved opcodes carry nothing we can assemble
    }
    const msg = this.open!;
    msg.frames.push(f.index);
    const room = this.maxHeld - msg.held;
    if (f.payload.length > room) msg.cut = true;
    const part = f.payload.length > room ? f.payload.subarray(0, Math.max(0, room)) : f.payload;
    if (part.length > 0) msg.parts.push(part);
    msg.held += part.length;
    const sum = msg.length + f.payloadLength;
    if (msg.exact !== null || f.payloadLengthText || !Number.isSafeInteger(sum)) {
      msg.exact = (msg.exact ?? BigInt(msg.length)) + BigInt(f.payloadLengthText ?? f.payloadLength);
    }
    msg.length = sum;
    if (f.complete === false) msg.allCaptured = false;
    if (f.packet !== undefined) msg.lastPacket = f.packet;
    step.message = msg.index;
    if (f.fin) {
      step.completed = this.close(msg, true);
      this.open = null;
    }
    return step;
  }

  /**
   * Bytes of the stream were lost and decoding resumed at a later frame: the
   * message open then can no longer be completed, and a continuation that
   * follows may belong to a message whose start was lost.
   */
  lost(): AssembledMessage | null {
    this.afterLoss = true;
    return this.end();
  }

  /** The stream ended: an open message is handed on incomplete. */
  end(): AssembledMessage | null {
    const msg = this.open;
    this.open = null;
    return msg ? this.close(msg, false) : null;
  }

  private close(msg: OpenMessage, complete: boolean): AssembledMessage {
    return {
      index: msg.index,
      opcode: msg.opcode,
      frames: msg.frames,
      length: msg.length,
      lengthText: msg.exact === null ? null : msg.exact.toString(),
      compressed: msg.compressed,
      payload: msg.parts.length === 1 ? msg.parts[0]! : Buffer.concat(msg.parts),
      complete,
      allCaptured: msg.allCaptured,
      lastPacket: msg.lastPacket,
      cut: msg.cut,
    };
  }
}
