// An HTTP/2 connection (RFC 9113) as both directions' frames show it: the
// header blocks decoded (HPACK, one decoder per direction), the streams and
// their ends, the settings each side sent, and the flow-control windows. It
// hands on what the analysis needs — each frame as a fact for the packet
// that completed it, each stream's heads, its DATA bytes as they come, its
// end — and the problems it finds. HTTP/2 itself is summarised, not
// dissected at length: what matters is what carries WebSocket (RFC 8441).
import type { Dir } from '../tcp/connection.js';
import {
  ACK,
  CONTINUATION,
  DATA,
  END_HEADERS,
  END_STREAM,
  FrameReader,
  GOAWAY,
  HEADERS,
  headerBlockOf,
  PING,
  PRIORITY,
  PUSH_PROMISE,
  readSettings,
  RST_STREAM,
  SETTINGS,
  SETTINGS_ENABLE_CONNECT_PROTOCOL,
  SETTINGS_HEADER_TABLE_SIZE,
  SETTINGS_INITIAL_WINDOW_SIZE,
  WINDOW_UPDATE,
  type FrameEvent,
  type FrameHeader,
} from './frames.js';
import { HpackDecoder, type HpackError } from './hpack.js';
import type { H2FrameProblem } from '../diagnostic.js';

/** The largest frame a receiver takes until its SETTINGS say more (§4.2, §6.5.2). */
const DEFAULT_MAX_FRAME_SIZE = 16384;
const SETTINGS_MAX_FRAME_SIZE = 0x5;

/** The client's connection preface as a packet tells it: a FrameFact of this type (no HTTP/2 frame type is negative). */
export const PREFACE_TYPE = -1;

/** The window every stream and the connection start with (§6.9.2). */
export const DEFAULT_WINDOW = 65535;

/** A frame as its packet tells it (model.ts H2FrameFact has the same shape). */
export interface FrameFact {
  type: number;
  flags: number;
  stream: number;
  length: number;
  /** HEADERS: the request's method and path, or the response's status; RST_STREAM and GOAWAY: the error code; SETTINGS: the parameters; WINDOW_UPDATE: the increment */
  method?: string;
  path?: string;
  protocol?: string;
  status?: number;
  error?: number;
  settings?: { id: number; value: number }[];
  increment?: number;
  /** GOAWAY: the last stream the sender processed */
  lastStream?: number;
  /** PUSH_PROMISE: the stream promised */
  promised?: number;
}

export interface StreamHead {
  packet: number;
  ts: number;
  fields: [string, string][];
}

export interface H2Stream {
  id: number;
  request: StreamHead | null;
  response: StreamHead | null;
  /** informational responses (1xx) and trailers are not kept */
  /** the packet where each direction (by Dir) ended its side of the stream (END_STREAM) */
  ended: [number | null, number | null];
  reset: { dir: Dir; code: number; packet: number } | null;
  /** DATA payload bytes (padding excluded) per direction */
  data: [number, number];
  /** flow-control windows: what each direction may still send on the stream */
  window: [number, number];
  /** (its reader's marks) it carried a WebSocket; it was summarised once ended */
  websocket?: boolean;
  summarised?: boolean;
}

export type H2Problem =
  /** a frame that breaks the framing (§4–§6): what, in words of the RFC's error names */
  | { kind: 'frame'; dir: Dir; packet: number; stream: number; type: number; what: H2FrameProblem }
  | { kind: 'hpack'; dir: Dir; packet: number; stream: number; error: HpackError }
  | { kind: 'flow-control'; dir: Dir; packet: number; stream: number; length: number; window: number; connection: boolean }
  | { kind: 'after-end'; dir: Dir; packet: number; stream: number; type: number; ended: number }
  | { kind: 'connect-setting'; dir: Dir; packet: number; value: number; before: number | null }
  | { kind: 'goaway'; dir: Dir; packet: number; lastStream: number; error: number };

export interface H2Sink {
  frame(dir: Dir, fact: FrameFact): void;
  /** a stream's request head (the client's first HEADERS) or response head (the server's first final HEADERS) */
  head(dir: Dir, stream: H2Stream, role: 'request' | 'response'): void;
  data(dir: Dir, stream: H2Stream, bytes: Buffer): void;
  /** a direction ended its side of the stream (END_STREAM), or reset it (RST_STREAM) */
  ended(dir: Dir, stream: H2Stream, how: 'end-stream' | 'reset'): void;
  problem(p: H2Problem): void;
}

interface Block {
  stream: number;
  type: number;
  endStream: boolean;
  parts: Buffer[];
  promised: number;
  packet: number;
  ts: number;
}

/** Streams kept at once; the oldest ended ones are forgotten past it (their ids are still known closed). */
const MAX_STREAMS = 1000;

export class H2Session {
  readonly readers: [FrameReader, FrameReader];
  private readonly decoders: [HpackDecoder, HpackDecoder] = [new HpackDecoder(), new HpackDecoder()];
  private readonly blocks: [Block | null, Block | null] = [null, null];
  readonly streams = new Map<number, H2Stream>();
  /** every setting each direction sent, the last value of each */
  readonly settings: [Map<number, number>, Map<number, number>] = [new Map(), new Map()];
  /** the packet of the server's first SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (RFC 8441 §3), and whether it was ever withdrawn */
  connectEnabledAt: number | null = null;
  /** the connection windows: what each direction may still send */
  private readonly window: [number, number] = [DEFAULT_WINDOW, DEFAULT_WINDOW];
  /** GOAWAY each direction sent: the last stream it processed */
  readonly goaway: [{ lastStream: number; error: number; packet: number } | null, { lastStream: number; error: number; packet: number } | null] = [null, null];
  /** frames by type, per direction */
  readonly frameCounts: [Record<number, number>, Record<number, number>] = [{}, {}];
  /** streams seen in all (kept or forgotten) */
  streamCount = 0;
  /** the highest stream id opened, of the client's (odd) and of the server's (even): a higher one is idle (§5.1.1) */
  private readonly highest: [number, number] = [0, 0];
  private packet = 0;
  private ts = 0;

  constructor(
    /** the client's direction */
    private readonly clientDir: Dir,
    private readonly sink: H2Sink,
    /** the client's preface is still to come (false: it was read already, as the h2c upgrade's 101 reads it) */
    preface = true,
  ) {
    this.readers = clientDir === 0 ? [new FrameReader(preface), new FrameReader(false)] : [new FrameReader(false), new FrameReader(preface)];
  }

  /** Stream 1 of an h2c upgrade: the HTTP/1.1 request the 101 answered, its client side ended (RFC 7540 §3.2). */
  upgradedRequest(fields: [string, string][], packet: number, ts: number): void {
    const s = this.stream(1);
    s.request = { packet, ts, fields };
    s.ended[this.clientDir] = packet;
  }

  /** Bytes of a direction, from the packet `packet`; what is not HTTP/2 stops the reader (done). */
  push(dir: Dir, data: Buffer, packet: number, ts: number): void {
    this.packet = packet;
    this.ts = ts;
    for (const e of this.readers[dir].push(data)) this.event(dir, e);
  }

  /** The direction stopped reading: it did not start with the preface. */
  stopped(dir: Dir): boolean {
    return this.readers[dir].done;
  }

  private event(dir: Dir, e: FrameEvent): void {
    switch (e.kind) {
      case 'preface':
        // told on the packet that completed it, as a frame of its own (a pseudo type: no frame has it)
        this.sink.frame(dir, { type: PREFACE_TYPE, flags: 0, stream: 0, length: 24 });
        return;
      case 'no-preface':
        return;
      case 'header':
        this.begin(dir, e.frame);
        return;
      case 'data': {
        const s = this.streams.get(e.frame.stream);
        if (s) {
          s.data[dir] += e.bytes.length;
          this.sink.data(dir, s, e.bytes);
        }
        return;
      }
      case 'frame':
        this.frame(dir, e.frame, e.payload, e.malformed);
        return;
    }
  }

  private problem(p: H2Problem): void {
    this.sink.problem(p);
  }

  /** A frame's header: what may be checked before its payload (flow control, the stream it is on). */
  private begin(dir: Dir, h: FrameHeader): void {
    // a frame longer than the receiver allows (SETTINGS_MAX_FRAME_SIZE, 16384 until it says more: §4.2) is not HTTP/2 as
    // sent: bytes that only look like it (after a preface), or lost framing; nothing after it can be placed
    const max = this.settings[dir === 0 ? 1 : 0].get(SETTINGS_MAX_FRAME_SIZE) ?? DEFAULT_MAX_FRAME_SIZE;
    if (h.length > Math.max(max, DEFAULT_MAX_FRAME_SIZE)) {
      this.problem({ kind: 'frame', dir, packet: this.packet, stream: h.stream, type: h.type, what: 'too-large' });
      this.readers[dir].stop();
      return;
    }
    this.frameCounts[dir][h.type] = (this.frameCounts[dir][h.type] ?? 0) + 1;
    const block = this.blocks[dir];
    if (block !== null && (h.type !== CONTINUATION || h.stream !== block.stream)) {
      this.problem({ kind: 'frame', dir, packet: this.packet, stream: h.stream, type: h.type, what: 'continuation-expected' });
      this.blocks[dir] = null;
    }
    if (h.type !== DATA) return;
    if (h.stream === 0) {
      this.problem({ kind: 'frame', dir, packet: this.packet, stream: 0, type: h.type, what: 'stream-zero' });
      return;
    }
    const s = this.streams.get(h.stream);
    // DATA on a stream no HEADERS opened (an idle one): PROTOCOL_ERROR (§5.1)
    if (s === undefined && h.stream > this.highest[h.stream % 2]!) this.problem({ kind: 'frame', dir, packet: this.packet, stream: h.stream, type: h.type, what: 'idle-stream' });
    if (s?.ended[dir] != null) this.problem({ kind: 'after-end', dir, packet: this.packet, stream: h.stream, type: h.type, ended: s.ended[dir]! });
    // flow control (§6.9.1): the whole payload counts, padding included
    if (h.length > this.window[dir]) this.problem({ kind: 'flow-control', dir, packet: this.packet, stream: h.stream, length: h.length, window: this.window[dir], connection: true });
    else if (s && h.length > s.window[dir]) this.problem({ kind: 'flow-control', dir, packet: this.packet, stream: h.stream, length: h.length, window: s.window[dir], connection: false });
    this.window[dir] -= h.length;
    if (s) s.window[dir] -= h.length;
  }

  private stream(id: number): H2Stream {
    let s = this.streams.get(id);
    if (s) return s;
    const initial = (d: Dir): number => this.settings[d === 0 ? 1 : 0].get(SETTINGS_INITIAL_WINDOW_SIZE) ?? DEFAULT_WINDOW;
    s = { id, request: null, response: null, ended: [null, null], reset: null, data: [0, 0], window: [initial(0), initial(1)] };
    const parity = id % 2;
    if (id > this.highest[parity]!) this.highest[parity] = id;
    this.streams.set(id, s);
    this.streamCount++;
    if (this.streams.size > MAX_STREAMS) this.forget();
    return s;
  }

  /** The oldest streams that ended both ways are let go of (a long connection of many requests). */
  private forget(): void {
    for (const [id, s] of this.streams) {
      if (this.streams.size <= MAX_STREAMS / 2) return;
      if (s.reset !== null || (s.ended[0] !== null && s.ended[1] !== null)) this.streams.delete(id);
    }
  }

  private frame(dir: Dir, h: FrameHeader, payload: Buffer | null, malformed: boolean): void {
    const fact: FrameFact = { type: h.type, flags: h.flags, stream: h.stream, length: h.length };
    if (malformed) this.problem({ kind: 'frame', dir, packet: this.packet, stream: h.stream, type: h.type, what: 'padding' });
    const zero = h.type === SETTINGS || h.type === PING || h.type === GOAWAY;
    const nonZero = h.type === HEADERS || h.type === PRIORITY || h.type === RST_STREAM || h.type === PUSH_PROMISE || h.type === CONTINUATION;
    if (zero && h.stream !== 0) this.problem({ kind: 'frame', dir, packet: this.packet, stream: h.stream, type: h.type, what: 'stream-nonzero' });
    if (nonZero && h.stream === 0) this.problem({ kind: 'frame', dir, packet: this.packet, stream: 0, type: h.type, what: 'stream-zero' });
    switch (h.type) {
      case DATA: {
        const s = this.streams.get(h.stream);
        if (s && (h.flags & END_STREAM) !== 0) this.end(dir, s);
        break;
      }
      case HEADERS:
      case PUSH_PROMISE:
        if (h.stream === 0 || payload === null || malformed) break;
        if (h.type === HEADERS && dir === this.clientDir && h.stream % 2 === 0) this.problem({ kind: 'frame', dir, packet: this.packet, stream: h.stream, type: h.type, what: 'even-stream' });
        this.blocks[dir] = {
          stream: h.stream,
          type: h.type,
          endStream: (h.flags & END_STREAM) !== 0,
          parts: [h.type === HEADERS ? headerBlockOf(h, payload) : payload.subarray(4)],
          promised: h.type === PUSH_PROMISE && payload.length >= 4 ? payload.readUInt32BE(0) & 0x7fffffff : 0,
          packet: this.packet,
          ts: this.ts,
        };
        if (h.type === PUSH_PROMISE) fact.promised = this.blocks[dir]!.promised;
        if ((h.flags & END_HEADERS) !== 0) this.headerBlock(dir, fact);
        break;
      case CONTINUATION: {
        const b = this.blocks[dir];
        if (b === null || b.stream !== h.stream) {
          this.problem({ kind: 'frame', dir, packet: this.packet, stream: h.stream, type: h.type, what: 'continuation-unexpected' });
          break;
        }
        if (payload !== null) b.parts.push(payload);
        if ((h.flags & END_HEADERS) !== 0) this.headerBlock(dir, fact);
        break;
      }
      case RST_STREAM:
        if (payload === null || payload.length !== 4) {
          this.problem({ kind: 'frame', dir, packet: this.packet, stream: h.stream, type: h.type, what: 'frame-size' });
          break;
        }
        fact.error = payload.readUInt32BE(0);
        if (h.stream !== 0) {
          const s = this.stream(h.stream);
          if (s.reset === null) {
            s.reset = { dir, code: fact.error, packet: this.packet };
            this.sink.ended(dir, s, 'reset');
          }
        }
        break;
      case SETTINGS: {
        if ((h.flags & ACK) !== 0 || payload === null) break;
        const list = readSettings(payload);
        if (list === null) {
          this.problem({ kind: 'frame', dir, packet: this.packet, stream: 0, type: h.type, what: 'settings-length' });
          break;
        }
        fact.settings = list;
        const peer: Dir = dir === 0 ? 1 : 0;
        for (const { id, value } of list) {
          const before = this.settings[dir].get(id) ?? null;
          this.settings[dir].set(id, value);
          if (id === SETTINGS_HEADER_TABLE_SIZE) this.decoders[peer].setLimit(value);
          else if (id === SETTINGS_INITIAL_WINDOW_SIZE) {
            // every open stream's window changes by the difference (§6.9.2)
            const delta = value - (before ?? DEFAULT_WINDOW);
            for (const s of this.streams.values()) s.window[peer] += delta;
          } else if (id === SETTINGS_ENABLE_CONNECT_PROTOCOL) {
            // RFC 8441 §3: 0 or 1, and never 0 after 1
            if (value > 1 || (value === 0 && before === 1)) this.problem({ kind: 'connect-setting', dir, packet: this.packet, value, before });
            if (value === 1 && dir !== this.clientDir) this.connectEnabledAt ??= this.packet;
          }
        }
        break;
      }
      case WINDOW_UPDATE:
        if (payload === null || payload.length !== 4) {
          this.problem({ kind: 'frame', dir, packet: this.packet, stream: h.stream, type: h.type, what: 'frame-size' });
          break;
        }
        fact.increment = payload.readUInt32BE(0) & 0x7fffffff;
        {
          // what the receiver allows the peer to send
          const peer: Dir = dir === 0 ? 1 : 0;
          if (h.stream === 0) this.window[peer] += fact.increment;
          else {
            const s = this.streams.get(h.stream);
            if (s) s.window[peer] += fact.increment;
          }
        }
        break;
      case GOAWAY:
        if (payload === null || payload.length < 8) {
          this.problem({ kind: 'frame', dir, packet: this.packet, stream: h.stream, type: h.type, what: 'frame-size' });
          break;
        }
        fact.lastStream = payload.readUInt32BE(0) & 0x7fffffff;
        fact.error = payload.readUInt32BE(4);
        this.goaway[dir] ??= { lastStream: fact.lastStream, error: fact.error, packet: this.packet };
        this.problem({ kind: 'goaway', dir, packet: this.packet, lastStream: fact.lastStream, error: fact.error });
        break;
      default:
        break;
    }
    this.sink.frame(dir, fact);
  }

  /** A header block is whole: decoded in order (the dynamic table changes with each), then read as a request or a response. */
  private headerBlock(dir: Dir, fact: FrameFact): void {
    const b = this.blocks[dir]!;
    this.blocks[dir] = null;
    const block = b.parts.length === 1 ? b.parts[0]! : Buffer.concat(b.parts);
    const decoded = this.decoders[dir].decode(block);
    if (decoded.error !== null) this.problem({ kind: 'hpack', dir, packet: this.packet, stream: b.stream, error: decoded.error });
    const fields = decoded.fields.map((f) => [f.name, f.value] as [string, string]);
    const value = (name: string): string | undefined => fields.find(([n]) => n === name)?.[1];
    if (b.type === PUSH_PROMISE) {
      // a promised request: the server's own, on a stream of its own
      const s = this.stream(b.promised);
      s.request = { packet: b.packet, ts: b.ts, fields };
      fact.method = value(':method');
      fact.path = value(':path');
      return;
    }
    const s = this.stream(b.stream);
    const role = dir === this.clientDir ? 'request' : 'response';
    if (role === 'request') {
      fact.method = value(':method');
      fact.path = value(':path');
      fact.protocol = value(':protocol');
      if (s.request === null) {
        s.request = { packet: b.packet, ts: b.ts, fields };
        this.sink.head(dir, s, 'request');
      }
    } else {
      const text = value(':status');
      const status = text !== undefined && /^[1-9]\d\d$/.test(text) ? Number(text) : null;
      if (status !== null) fact.status = status;
      // a response (not trailers) must say its status in three digits (RFC 9113 §8.3.2): without it, no response is read
      if (s.response === null && status === null) this.problem({ kind: 'frame', dir, packet: this.packet, stream: b.stream, type: HEADERS, what: 'no-status' });
      // informational heads (1xx) come before the real one; a later block is trailers
      else if (s.response === null && status !== null && status >= 200) {
        s.response = { packet: b.packet, ts: b.ts, fields };
        this.sink.head(dir, s, 'response');
      }
    }
    if (b.endStream) this.end(dir, s);
  }

  private end(dir: Dir, s: H2Stream): void {
    if (s.ended[dir] !== null) return;
    s.ended[dir] = this.packet;
    this.sink.ended(dir, s, 'end-stream');
  }
}
