// HTTP/2 framing (RFC 9113 §4, §6) on one direction of a TCP byte stream.
// Pure and incremental: bytes in as TCP reassembly hands them over (any
// segmentation), events out. A DATA frame's payload is handed on as its bytes
// arrive, padding left out (§6.1), so that what a stream carries (WebSocket
// frames, RFC 8441) is read packet by packet like a TCP stream's bytes; every
// other frame is small and is handed on whole, once complete.

/** What a client sends first (§3.4). */
export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export const DATA = 0x0;
export const HEADERS = 0x1;
export const PRIORITY = 0x2;
export const RST_STREAM = 0x3;
export const SETTINGS = 0x4;
export const PUSH_PROMISE = 0x5;
export const PING = 0x6;
export const GOAWAY = 0x7;
export const WINDOW_UPDATE = 0x8;
export const CONTINUATION = 0x9;

/** Frame types by number (§6, §11.2); others are extensions, ignored by a receiver (§5.5). */
export const FRAME_NAMES: Readonly<Record<number, string>> = {
  [DATA]: 'DATA',
  [HEADERS]: 'HEADERS',
  [PRIORITY]: 'PRIORITY',
  [RST_STREAM]: 'RST_STREAM',
  [SETTINGS]: 'SETTINGS',
  [PUSH_PROMISE]: 'PUSH_PROMISE',
  [PING]: 'PING',
  [GOAWAY]: 'GOAWAY',
  [WINDOW_UPDATE]: 'WINDOW_UPDATE',
  [CONTINUATION]: 'CONTINUATION',
};

export const END_STREAM = 0x1;
/** SETTINGS and PING: the frame acknowledges the peer's */
export const ACK = 0x1;
export const END_HEADERS = 0x4;
export const PADDED = 0x8;
export const PRIORITY_FLAG = 0x20;

/** Error codes (§7). */
export const ERROR_NAMES: Readonly<Record<number, string>> = {
  0x0: 'NO_ERROR',
  0x1: 'PROTOCOL_ERROR',
  0x2: 'INTERNAL_ERROR',
  0x3: 'FLOW_CONTROL_ERROR',
  0x4: 'SETTINGS_TIMEOUT',
  0x5: 'STREAM_CLOSED',
  0x6: 'FRAME_SIZE_ERROR',
  0x7: 'REFUSED_STREAM',
  0x8: 'CANCEL',
  0x9: 'COMPRESSION_ERROR',
  0xa: 'CONNECT_ERROR',
  0xb: 'ENHANCE_YOUR_CALM',
  0xc: 'INADEQUATE_SECURITY',
  0xd: 'HTTP_1_1_REQUIRED',
};

export function errorName(code: number): string {
  return ERROR_NAMES[code] ?? `0x${code.toString(16)}`;
}

/** Settings (§6.5.2; ENABLE_CONNECT_PROTOCOL: RFC 8441 §3). */
export const SETTINGS_NAMES: Readonly<Record<number, string>> = {
  0x1: 'HEADER_TABLE_SIZE',
  0x2: 'ENABLE_PUSH',
  0x3: 'MAX_CONCURRENT_STREAMS',
  0x4: 'INITIAL_WINDOW_SIZE',
  0x5: 'MAX_FRAME_SIZE',
  0x6: 'MAX_HEADER_LIST_SIZE',
  0x8: 'ENABLE_CONNECT_PROTOCOL',
};
export const SETTINGS_ENABLE_CONNECT_PROTOCOL = 0x8;
export const SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
export const SETTINGS_HEADER_TABLE_SIZE = 0x1;

export interface FrameHeader {
  /** payload length (24 bits) */
  length: number;
  type: number;
  flags: number;
  /** stream identifier (31 bits; the reserved bit dropped) */
  stream: number;
}

export type FrameEvent =
  /** the client's connection preface, whole */
  | { kind: 'preface' }
  /** the client's first bytes are not the preface: not HTTP/2 with prior knowledge; nothing more is read */
  | { kind: 'no-preface' }
  /** a frame's header was read (its payload may come in later chunks) */
  | { kind: 'header'; frame: FrameHeader }
  /** bytes of a DATA frame's data, padding left out, as they came */
  | { kind: 'data'; frame: FrameHeader; bytes: Buffer }
  /**
   * a frame, complete. `payload`: its payload (a padded HEADERS or
   * PUSH_PROMISE without its Pad Length and padding), null for DATA (handed on
   * as it came) and for a frame past the bytes held (`held`); `padding`:
   * padding bytes; `malformed`: the Pad Length is longer than the payload
   * (§6.1, §6.2: PROTOCOL_ERROR)
   */
  | { kind: 'frame'; frame: FrameHeader; payload: Buffer | null; padding: number; malformed: boolean };

export const HEADER_LENGTH = 9;

/** Payload bytes held of a frame other than DATA; the largest frame a peer may allow is 2^24 - 1 (§6.5.2). */
export const DEFAULT_MAX_FRAME_HELD = 1 << 20;

export function readHeader(b: Uint8Array, at = 0): FrameHeader {
  return {
    length: (b[at]! << 16) | (b[at + 1]! << 8) | b[at + 2]!,
    type: b[at + 3]!,
    flags: b[at + 4]!,
    stream: ((b[at + 5]! & 0x7f) << 24) | (b[at + 6]! << 16) | (b[at + 7]! << 8) | b[at + 8]!,
  };
}

function padded(h: FrameHeader): boolean {
  return (h.flags & PADDED) !== 0 && (h.type === DATA || h.type === HEADERS || h.type === PUSH_PROMISE);
}

/**
 * One direction's frames. A client's direction starts with the preface when
 * `preface` is set (prior knowledge, or after the 101 of an h2c upgrade,
 * §3.2); a server's starts with its SETTINGS frame.
 */
export class FrameReader {
  private expectPreface: boolean;
  /** bytes of the preface, or of a frame header, gathered so far */
  private head = Buffer.alloc(0);
  private frame: FrameHeader | null = null;
  /** payload bytes of the current frame read so far */
  private read = 0;
  /** the current frame's payload, gathered (not DATA) */
  private parts: Buffer[] = [];
  private held = 0;
  /** DATA: the data's end within the payload (after the Pad Length byte, before the padding); -1 until known */
  private dataEnd = -1;
  private padLength = 0;
  private stopped = false;

  constructor(preface: boolean, private readonly maxHeld = DEFAULT_MAX_FRAME_HELD) {
    this.expectPreface = preface;
  }

  /** The reader stopped: the bytes were not HTTP/2, or its frames were lost (stop()). */
  get done(): boolean {
    return this.stopped;
  }

  /** Nothing more is read: where the next frame starts is not known (a frame longer than any the peer allows). */
  stop(): void {
    this.stopped = true;
  }

  /** At a frame boundary (nothing of a frame half read). */
  get atBoundary(): boolean {
    return this.frame === null && this.head.length === 0;
  }

  push(data: Buffer): FrameEvent[] {
    const out: FrameEvent[] = [];
    let at = 0;
    while (at < data.length && !this.stopped) {
      if (this.expectPreface) {
        const need = PREFACE.length - this.head.length;
        const take = data.subarray(at, at + need);
        at += take.length;
        const got = Buffer.concat([this.head, take]);
        if (!got.equals(PREFACE.subarray(0, got.length))) {
          this.stopped = true;
          out.push({ kind: 'no-preface' });
          break;
        }
        if (got.length < PREFACE.length) {
          this.head = got;
          break;
        }
        this.head = Buffer.alloc(0);
        this.expectPreface = false;
        out.push({ kind: 'preface' });
        continue;
      }
      if (this.frame === null) {
        const need = HEADER_LENGTH - this.head.length;
        if (this.head.length === 0 && data.length - at >= HEADER_LENGTH) {
          this.begin(readHeader(data, at), out);
          at += HEADER_LENGTH;
        } else {
          const take = data.subarray(at, at + need);
          at += take.length;
          this.head = Buffer.concat([this.head, take]);
          if (this.head.length < HEADER_LENGTH) break;
          const h = readHeader(this.head);
          this.head = Buffer.alloc(0);
          this.begin(h, out);
        }
        // (begin() set the frame: the narrowing above does not know)
        const begun = this.frame as FrameHeader | null;
        if (begun !== null && begun.length === 0) this.complete(out);
        continue;
      }
      at = this.payload(data, at, out);
    }
    return out;
  }

  private begin(h: FrameHeader, out: FrameEvent[]): void {
    this.frame = h;
    this.read = 0;
    this.parts = [];
    this.held = 0;
    this.padLength = 0;
    this.dataEnd = h.type === DATA && !padded(h) ? h.length : -1;
    out.push({ kind: 'header', frame: h });
  }

  private payload(data: Buffer, at: number, out: FrameEvent[]): number {
    const h = this.frame!;
    const take = Math.min(h.length - this.read, data.length - at);
    const bytes = data.subarray(at, at + take);
    if (h.type === DATA) {
      let from = 0;
      if (this.dataEnd < 0 && this.read === 0 && take > 0) {
        // the Pad Length (§6.1)
        this.padLength = bytes[0]!;
        this.dataEnd = Math.max(1, h.length - this.padLength);
        from = 1;
      }
      const start = this.read + from;
      const end = Math.min(this.read + take, this.dataEnd);
      if (end > start) out.push({ kind: 'data', frame: h, bytes: bytes.subarray(from, from + end - start) });
    } else if (this.held + take <= this.maxHeld) {
      this.parts.push(bytes);
      this.held += take;
    }
    this.read += take;
    if (this.read === h.length) this.complete(out);
    return at + take;
  }

  private complete(out: FrameEvent[]): void {
    const h = this.frame!;
    this.frame = null;
    if (h.type === DATA) {
      const malformed = padded(h) && (h.length === 0 || this.padLength >= h.length);
      out.push({ kind: 'frame', frame: h, payload: null, padding: padded(h) ? Math.min(this.padLength, Math.max(0, h.length - 1)) : 0, malformed });
      return;
    }
    if (this.held < h.length) {
      out.push({ kind: 'frame', frame: h, payload: null, padding: 0, malformed: false });
      return;
    }
    let payload = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    this.parts = [];
    let padding = 0;
    let malformed = false;
    if (padded(h)) {
      padding = payload.length > 0 ? payload[0]! : 0;
      if (payload.length === 0 || padding >= payload.length) {
        malformed = true;
        payload = Buffer.alloc(0);
      } else payload = payload.subarray(1, payload.length - padding);
    }
    out.push({ kind: 'frame', frame: h, payload, padding, malformed });
  }
}

/** A SETTINGS frame's parameters, in order (§6.5.1); null when its length is not a multiple of 6 (FRAME_SIZE_ERROR). */
export function readSettings(payload: Buffer): { id: number; value: number }[] | null {
  if (payload.length % 6 !== 0) return null;
  const out: { id: number; value: number }[] = [];
  for (let i = 0; i < payload.length; i += 6) out.push({ id: payload.readUInt16BE(i), value: payload.readUInt32BE(i + 2) });
  return out;
}

/**
 * A HEADERS frame's payload without its priority fields (§6.2, padding
 * already gone): the header block fragment.
 */
export function headerBlockOf(h: FrameHeader, payload: Buffer): Buffer {
  return (h.flags & PRIORITY_FLAG) !== 0 && h.type === HEADERS ? payload.subarray(5) : payload;
}
