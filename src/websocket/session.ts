// One WebSocket session over a byte stream: each direction's frame parser and
// its sync state, the message assembler, the extension state (a
// permessage-deflate inflation context per direction), and the RFC 6455 rules
// that span frames (ping and pong, the closing handshake, data after Close).
// It turns the bytes it is given into frames and messages and hands them, with
// its diagnostics and what each packet carried, to its owner through a
// WebSocketSink.
//
// It does not own the bytes' transport: which TCP direction is which side,
// where a packet's sequence numbers end, the HTTP handshake that started it
// and how the connection ended are the owner's, told to it as packet numbers,
// timestamps and sides. Nor does it read the application protocol: the owner
// gives it a MessageReader, made at its first whole message.
import { isUtf8 } from 'node:buffer';
import type { Code } from '../codes.js';
import type { ConnectionClose, Frame, Message, Side } from '../model.js';
import { deflateRules } from '../deflate/negotiation.js';
import { InflateContext } from '../deflate/inflate.js';
import { said } from '../text/diagnostics.js';
import type { DiagnosticFacts } from '../diagnostic.js';
import { checkCloseBody, checkFrameHeader, type Finding } from './checks.js';
import { parseCloseBody } from './close.js';
import { isControl } from './frame.js';
import { MessageAssembler, type AssembledMessage } from './messages.js';
import { FrameParser, SYNC_WINDOW, type DecodedFrame, type FrameEvents } from './parser.js';
import type { SyncRules } from './sync.js';

/** A direction of the byte stream, as the owner numbers them (which side it is may be learnt late). */
export type Way = 0 | 1;

/** What a session tells of a packet, for the owner's timeline. */
export type WebSocketItem =
  | { kind: 'resync'; skipped: number }
  | { kind: 'partial-frame'; opcode: number; received: number; total: number; from: Side }
  | { kind: 'frame'; frame: Frame; messageType: 'text' | 'binary' | null; compressed: boolean; completes: Message | null };

/** A rule of the application protocol broken, as its reader says it. */
export interface ReaderFinding {
  code: Code;
  message: string;
  /** the section broken, when a narrower one than the registry's applies */
  spec?: string;
  /** where it was, when not the message being read */
  packet?: number;
  from?: Side;
  /** what the sentence was made from, when it was */
  facts?: DiagnosticFacts;
}

/** What reads the application protocol carried in whole messages (src/app/ gives one). */
export interface MessageReader {
  decode(m: { index: number; from: Side; type: 'text' | 'binary'; payload: Buffer; packet: number; ts: number }): { info: Message['app']; findings: ReaderFinding[] };
  /** a message it does not get (cut, or not inflated) */
  skip(from: Side): void;
  /** the session is over: what is left open */
  end(): ReaderFinding[];
}

/** Where a session's results go: its owner. */
export interface WebSocketSink {
  /** which side sends in this direction (the roles may be decided late) */
  side(way: Way): Side;
  /** seconds since the capture's first packet */
  relTs(ts: number): number;
  /** a frame, once it is checked; `completes` is known only for a retained frame */
  frame(frame: Frame, context: { messageType: 'text' | 'binary' | null; compressed: boolean; completes: Message | null }): void;
  /** a message, in order of index when retained */
  message(message: Message): void;
  diagnostic(finding: Finding, packet: number | null, frame: number | null, from: Side | null): void;
  /** what the packet being processed carried */
  item(item: WebSocketItem): void;
  /** a direction looked at for frames found a run of them: the owner decides that the bytes are WebSocket */
  detected(way: Way, masked: boolean, skipped: number, packet: number): void;
  /** the reader of the application protocol, made at the first whole message (null: none) */
  reader(): MessageReader | null;
}

export interface WebSocketLimits {
  /** payload bytes held per frame */
  maxFramePayload: number;
  /** bytes one compressed message may inflate to */
  inflateLimit: number;
  /** payload bytes of each data frame and message kept once checked */
  keepPayload: number;
}

/** How the transport ended, as the rules of the closing handshake need it (RFC 6455 §7). */
export interface TransportEnd {
  /** how it was torn down */
  teardown: 'fin' | 'rst' | 'none';
  /** the packet that began the teardown */
  firstTeardownPacket: number | null;
  /** the side that began it */
  firstBy: Side | null;
  /** the connection's last packet */
  lastPacket: number | null;
  /** the transport is an HTTP/2 stream (RFC 8441): its END_STREAM and RST_STREAM stand for TCP's FIN and RST */
  stream?: boolean;
}

/**
 * The first `n` bytes, in a buffer of their own so that the rest can be
 * freed: a short slice of a large buffer (a file chunk, a reassembled
 * stretch, zlib's 16 KiB output block for a 300-byte message) would keep all
 * of that buffer alive for as long as the frame or message is kept.
 */
function firstBytes(b: Buffer, n: number): Buffer {
  if (b.length > n) return Buffer.from(b.subarray(0, n));
  return b.buffer.byteLength > 2 * b.length + 1024 ? Buffer.from(b) : b;
}

interface Direction {
  /** null: its bytes are not looked at */
  parser: FrameParser | null;
  /** its parser looks for evidence of frames in bytes not known to be WebSocket */
  sniffing: boolean;
  assembler: MessageAssembler | null;
  /** frames decoded so far in this direction */
  frames: number;
  /** index of this direction's Close frame, once sent */
  closeFrame: number | null;
  /** the capture lost bytes of this direction since its frames were last in step */
  lostSync: boolean;
  /** the bytes lost were a TLS record's that did not open, not the capture's */
  undecrypted: boolean;
}

function newDirection(): Direction {
  return { parser: null, sniffing: false, assembler: null, frames: 0, closeFrame: null, lostSync: false, undecrypted: false };
}

export class WebSocketSession {
  private readonly dirs: [Direction, Direction] = [newDirection(), newDirection()];
  private deflate = false;
  /**
   * What was agreed on extensions is known: from the handshake, or as
   * --decode-as PORT:EXTENSION says. Without a handshake it is not: RSV1 is
   * then taken for permessage-deflate (assumed, and said) rather than blamed.
   */
  private extensionsKnown = true;
  private frameCount = 0;
  private nextMessage = 0;
  /** finished messages waiting for one begun before them (the other side's, still open): the list is in order of index */
  private readonly finished: Message[] = [];
  private readonly closeState: ConnectionClose = {
    initiator: null,
    code: null,
    reason: null,
    replyCode: null,
    clean: false,
    packet: null,
    replyPacket: null,
  };
  /** one inflation context per direction, under permessage-deflate */
  private inflaters: [InflateContext | null, InflateContext | null] = [null, null];
  private readonly compression = { client: { wire: 0, inflated: 0 }, server: { wire: 0, inflated: 0 } };
  /** each side's first Close frame: who closed first is decided from these */
  private readonly firstClose: Record<Side, Frame | null> = { client: null, server: null };
  /** permessage-deflate was assumed from RSV1: where, until it is said */
  private deflateAssumed: { side: Side; packet: number } | null = null;
  /** pongs that came with no ping waiting, per sender (the last 16): a ping shown after its answer is answered by one */
  private readonly earlyPongs: Record<Side, Frame[]> = { client: [], server: [] };
  /** pings waiting for their pong, per sender */
  private readonly pings: Record<Side, Frame[]> = { client: [], server: [] };
  /** the packet and time of each side's last frame that belongs to a message */
  private readonly lastDataFrame: Record<Side, { packet: number; ts: number } | null> = { client: null, server: null };
  /** payload bytes never captured of the frames of each side's open message */
  private readonly openMissing: Record<Side, number> = { client: 0, server: 0 };
  /** the application protocol's reader, asked for at the first whole message */
  private reader: MessageReader | null | undefined = undefined;
  /** the frame parser's callbacks for each direction, made once */
  private readonly events: [FrameEvents, FrameEvents];

  constructor(
    private readonly limits: WebSocketLimits,
    /** keep frames and messages for a report: messages are then handed on in order of index */
    private readonly retain: boolean,
    private readonly sink: WebSocketSink,
    /** how much earlier than its ping a pong may be captured and still answer it (captures merged from two taps): the transport's tolerance */
    private readonly lateSeconds: number,
  ) {
    this.events = [this.makeFrameEvents(0), this.makeFrameEvents(1)];
  }

  /** Permessage-deflate is in use, as agreed or assumed. */
  get deflating(): boolean {
    return this.deflate;
  }

  /** Bytes wire and inflated per side, under permessage-deflate. */
  get compressionCounts(): { client: { wire: number; inflated: number }; server: { wire: number; inflated: number } } {
    return this.compression;
  }

  /** This side's first Close frame, if it sent one. */
  firstCloseOf(side: Side): Frame | null {
    return this.firstClose[side];
  }

  /** What was agreed on extensions is known (from a handshake, or as the user says). */
  get knowsExtensions(): boolean {
    return this.extensionsKnown;
  }

  /** Frames decoded so far in a direction. */
  framesIn(way: Way): number {
    return this.dirs[way].frames;
  }

  /** A direction's parser is between frames, with nothing of one held. */
  atFrameStart(way: Way): boolean {
    const p = this.dirs[way].parser;
    return p !== null && p.partial === null && p.pendingHeaderBytes === 0;
  }

  /**
   * The extensions agreed: permessage-deflate or not, with its text when
   * known. `partial`: the stream's start may be missing, so the window
   * before it is unknown.
   */
  agree(deflate: boolean, text: string | null, partial: boolean): void {
    this.deflate = deflate;
    if (deflate && text !== null) this.inflateAs(text, partial);
  }

  /** What was agreed on extensions is not known: RSV1, if it comes, is taken for permessage-deflate. */
  extensionsUnknown(): void {
    this.extensionsKnown = false;
  }

  /** A direction's bytes are frames from here on; `unsyncedRun` frames in a row are looked for first when its start is not known. */
  start(way: Way, unsyncedRun = 0): void {
    const d = this.dirs[way];
    d.sniffing = false;
    d.parser = new FrameParser(this.limits.maxFramePayload, this.syncRules(way));
    if (unsyncedRun > 0) d.parser.startUnsynced(unsyncedRun);
    d.assembler = new MessageAssembler(() => this.nextMessage++, this.deflate, this.limits.maxFramePayload);
  }

  /** A direction's bytes, not known to be WebSocket, are searched for a run of `run` frames. */
  sniff(way: Way, run: number): void {
    const d = this.dirs[way];
    d.sniffing = true;
    d.parser = new FrameParser(this.limits.maxFramePayload, { masked: null, deflate: true, maxLength: SYNC_WINDOW });
    d.parser.startUnsynced(run, true);
  }

  /** A direction's bytes are no longer looked at. */
  stop(way: Way): void {
    const d = this.dirs[way];
    d.sniffing = false;
    d.parser = null;
  }

  /**
   * The owner decided from a run of frames that the bytes are WebSocket
   * (the roles may have changed with it): each direction assembles messages,
   * and a parser that was looking goes on with the roles known.
   */
  found(): void {
    this.extensionsKnown = false;
    for (const x of [0, 1] as const) {
      const d = this.dirs[x];
      d.assembler = new MessageAssembler(() => this.nextMessage++, this.deflate, this.limits.maxFramePayload);
      d.parser?.setRules(this.syncRules(x));
      d.parser?.setRun(3);
      d.sniffing = false;
    }
  }

  /** Bytes of a direction. */
  push(way: Way, data: Buffer, packet: number, ts: number): void {
    const d = this.dirs[way];
    const framing = !d.sniffing;
    d.parser!.push(data, packet, ts, this.events[way]);
    if (!framing) return;
    const partial = d.parser!.partial;
    if (partial) this.sink.item({ kind: 'partial-frame', opcode: partial.header.opcode, received: partial.received, total: partial.header.payloadLength, from: this.sink.side(way) });
  }

  /** Bytes of a direction the capture lost (`undecrypted`: in a TLS record that did not open; Infinity: of unknown length). */
  gap(way: Way, length: number, packet: number, ts: number, undecrypted = false): void {
    const d = this.dirs[way];
    d.parser!.gap(length, packet, ts, this.events[way]);
    d.lostSync = d.parser!.syncing;
    d.undecrypted = d.lostSync && undecrypted;
  }

  /**
   * The bytes are over: a direction still looking may find its frames only
   * now (then the other one knows its rules); what is open is settled.
   */
  end(lastTs: number): void {
    for (const way of [0, 1] as const) {
      if (this.dirs[way].sniffing) this.dirs[way].parser?.settle(this.events[way]);
    }
    for (const way of [0, 1] as const) {
      const d = this.dirs[way];
      d.parser?.end(this.events[way]);
      const open = d.assembler?.end();
      const side = this.sink.side(way);
      if (open) this.addMessage(open, side, open.lastPacket, lastTs, this.lastDataFrame[side]);
    }
    if (this.reader) for (const f of this.reader.end()) this.readerDiag(f, f.packet ?? null, null, f.from ?? null);
    this.tellDeflateAssumed(null);
    for (const ctx of this.inflaters) ctx?.close();
  }

  /** Messages still waiting for one begun before them are handed on. */
  flush(): void {
    this.keepFinished(true);
  }

  private syncRules(way: Way): SyncRules {
    return { masked: this.sink.side(way) === 'client', deflate: this.deflate || !this.extensionsKnown, maxLength: SYNC_WINDOW };
  }

  private makeFrameEvents(way: Way): FrameEvents {
    return {
      frame: (f) => this.onFrame(way, f),
      resync: (skipped, packet, masked) => this.onResync(way, skipped, packet, masked),
      unsynced: (skipped) => {
        if (this.dirs[way].sniffing) return; // looking found nothing: not WebSocket, nothing to say
        const side = this.sink.side(way);
        this.sink.diagnostic(said({ code: 'ws.unframed', bytes: skipped, side }), null, null, side);
      },
    };
  }

  private onResync(way: Way, skipped: number, packet: number, masked: boolean): void {
    const d = this.dirs[way];
    if (d.sniffing) {
      this.sink.detected(way, masked, skipped, packet);
      return;
    }
    d.assembler?.lost();
    this.openMissing[this.sink.side(way)] = 0;
    const afterLoss = d.lostSync;
    const undecrypted = d.undecrypted;
    d.lostSync = false;
    d.undecrypted = false;
    if (!afterLoss && skipped === 0) return; // a mid-stream direction whose first byte starts a frame
    this.sink.item({ kind: 'resync', skipped });
    this.sink.diagnostic(said({ code: 'ws.resync', packet, afterLoss, skipped, ...(undecrypted ? { undecrypted } : {}) }), packet, null, this.sink.side(way));
  }

  /** One inflation context per direction, with the rules of the agreed permessage-deflate text. */
  private inflateAs(agreed: string, partial: boolean): void {
    const rules = deflateRules(agreed);
    const clientWay: Way = this.sink.side(0) === 'client' ? 0 : 1;
    for (const ctx of this.inflaters) ctx?.close();
    this.inflaters[clientWay] = new InflateContext(rules.client, this.limits.inflateLimit, partial);
    this.inflaters[clientWay === 0 ? 1 : 0] = new InflateContext(rules.server, this.limits.inflateLimit, partial);
  }

  /**
   * RSV1 on a data frame of a connection whose extensions are not known: the
   * only extension in common use that defines it is permessage-deflate
   * (RFC 7692), so it is assumed from here on, with its defaults (15-bit
   * windows, context takeover), and said.
   */
  private inferDeflate(way: Way, packet: number): void {
    this.deflate = true;
    this.inflateAs('permessage-deflate', true);
    for (const x of [0, 1] as const) {
      this.dirs[x].assembler?.compressing();
      this.dirs[x].parser?.setRules(this.syncRules(x));
    }
    // said once the first compressed message shows whether it inflates
    this.deflateAssumed = { side: this.sink.side(way), packet };
  }

  /** ws.deflate-assumed, with what the first compressed message showed (null: none completed). */
  private tellDeflateAssumed(first: Message | null): void {
    const a = this.deflateAssumed;
    if (!a) return;
    this.deflateAssumed = null;
    this.sink.diagnostic(said({ code: 'ws.deflate-assumed', side: a.side, first: first && { index: first.index, length: first.length, inflated: first.inflatedLength } }), a.packet, null, a.side);
  }

  private onFrame(way: Way, df: DecodedFrame): void {
    const d = this.dirs[way];
    const from = this.sink.side(way);
    const h = df.header;
    const index = this.frameCount++;
    d.frames++;
    if (!this.extensionsKnown && !this.deflate && h.rsv1 && (h.opcode === 1 || h.opcode === 2)) this.inferDeflate(way, df.packet);
    const findings = checkFrameHeader(h, { from, deflate: this.deflate });
    if (d.closeFrame !== null && !isControl(h.opcode)) {
      // RFC 6455 §5.5.1: after sending a Close frame, the endpoint MUST NOT send any more data frames
      findings.push(said({ code: 'close.data-after-close', side: from, close: d.closeFrame }));
    }
    const step = d.assembler!.frame({ index, opcode: h.opcode, fin: h.fin, rsv1: h.rsv1, payload: df.payload, payloadLength: h.payloadLength, payloadLengthText: h.payloadLengthText, complete: df.complete, packet: df.packet });
    findings.push(...step.findings);
    if (df.payload.length < df.received) {
      findings.push(said({ code: 'limit.payload', frame: { length: h.payloadLengthText ?? String(h.payloadLength) }, held: this.limits.maxFramePayload }));
    }
    let close: Frame['close'] = null;
    if (h.opcode === 0x8) {
      const body = parseCloseBody(df.payload);
      close = { code: body.code, reason: body.reasonBytes.toString('utf8') };
      if (df.complete) findings.push(...checkCloseBody(df.payload));
      if (d.closeFrame === null) d.closeFrame = index;
    }
    const frame: Frame = {
      index,
      packet: df.packet,
      ts: df.ts,
      relTs: this.sink.relTs(df.ts),
      from,
      fin: h.fin,
      rsv1: h.rsv1,
      rsv2: h.rsv2,
      rsv3: h.rsv3,
      opcode: h.opcode,
      masked: h.masked,
      maskingKey: h.maskingKey ? h.maskingKey.toString('hex') : null,
      payloadLength: h.payloadLengthText ?? h.payloadLength,
      headerLength: h.headerLength,
      packets: df.packets,
      message: step.message,
      payload: df.payload,
      complete: df.complete,
      missingBytes: df.missing,
      close,
      answers: null,
    };
    // control frames stay whole (125 bytes at most; pongs are matched on them)
    if (this.retain && !isControl(h.opcode)) frame.payload = firstBytes(frame.payload, this.limits.keepPayload);
    if (h.opcode === 0x8 && this.firstClose[from] === null) this.firstClose[from] = frame;
    if (h.opcode === 0x9 && df.complete && !this.answeredEarly(frame)) this.pings[from].push(frame);
    if (h.opcode === 0xa && df.complete) findings.push(...this.matchPong(frame));
    for (const f of findings) this.sink.diagnostic(f, df.packet, index, from);
    // the abandoned message's last frame was this side's previous data frame
    if (step.abandoned) this.addMessage(step.abandoned, from, df.packet, df.ts, this.lastDataFrame[from]);
    const here = { packet: df.packet, ts: df.ts };
    if (step.message !== null) {
      this.lastDataFrame[from] = here;
      this.openMissing[from] += df.missing;
    }
    const done = step.completed;
    const messageType = step.message === null ? null : (d.assembler!.openType ?? (done ? (done.opcode === 1 ? 'text' : 'binary') : null));
    // a frame of a compressed message carries compressed bytes (a control frame between its fragments does not)
    const compressed = step.message === null ? false : (d.assembler!.openCompressed ?? done?.compressed ?? false);
    if (!this.retain) {
      // the frame goes out before the message it completes
      this.sink.frame(frame, { messageType, compressed, completes: null });
      if (done) this.addMessage(done, from, df.packet, df.ts, here);
      return;
    }
    const completes = done ? this.addMessage(done, from, df.packet, df.ts, here) : null;
    this.sink.frame(frame, { messageType, compressed, completes });
  }

  private readerDiag(f: ReaderFinding, packet: number | null, frame: number | null, from: Side | null): void {
    this.sink.diagnostic({ code: f.code, message: f.message, rfc: f.spec, ...(f.facts ? { facts: f.facts } : {}) }, f.packet ?? packet, frame, f.from ?? from);
  }

  /**
   * @param packet, ts where the message is settled (told in its diagnostics)
   * @param last the packet and time of its last frame: the message's own (null: none known, then packet and ts)
   */
  private addMessage(m: AssembledMessage, from: Side, packet: number, ts: number, last: { packet: number; ts: number } | null): Message {
    const missingBytes = this.openMissing[from];
    this.openMissing[from] = 0;
    const type = m.opcode === 1 ? 'text' : 'binary';
    const lastFrame = m.frames[m.frames.length - 1] ?? null;
    // every byte of it captured and held: only then can it be inflated and judged
    const whole = m.complete && m.payload.length === m.length && m.allCaptured;
    const message: Message = {
      index: m.index,
      from,
      opcode: m.opcode,
      type,
      frames: m.frames,
      length: m.length,
      lengthText: m.lengthText,
      compressed: m.compressed,
      inflatedLength: null,
      payload: m.payload,
      complete: m.complete,
      app: null,
      packet: last?.packet ?? packet,
      ts: last?.ts ?? ts,
      relTs: this.sink.relTs(last?.ts ?? ts),
      missingBytes,
      allCaptured: m.allCaptured,
    };
    if (m.compressed) {
      const way: Way = this.sink.side(0) === from ? 0 : 1;
      const ctx = this.inflaters[way];
      if (ctx && whole) {
        const r = ctx.inflate(m.payload);
        if (r.ok) {
          message.payload = r.data;
          message.inflatedLength = r.data.length;
          this.compression[from].wire += m.length;
          this.compression[from].inflated += r.data.length;
        } else if (r.reason === 'limit') {
          // a decompression bomb costs no more than the limit
          this.sink.diagnostic(said({ code: 'message.inflate-limit', type, index: m.index, compressed: m.length, limit: this.limits.inflateLimit }), packet, lastFrame, from);
        } else if (r.reason === 'corrupt' && !ctx.partial) {
          // RFC 7692 §6.2: the payload must inflate in the negotiated context
          this.sink.diagnostic(said({ code: 'message.inflate-failed', type, index: m.index, length: m.length, takeover: ctx.rules.takeover, windowBits: ctx.rules.windowBits, detail: r.detail }), packet, lastFrame, from);
        }
      } else ctx?.loseContext();
    }
    if (m.compressed && whole) this.tellDeflateAssumed(message);
    if (m.cut && m.frames.length > 1) {
      // a frame past the limit on its own was told on the frame
      this.sink.diagnostic(said({ code: 'limit.payload', message: { type, index: m.index, length: m.length, frames: m.frames.length }, held: this.limits.maxFramePayload }), packet, lastFrame, from);
    }
    const judged = m.compressed ? message.inflatedLength !== null : whole;
    if (type === 'text' && judged && !isUtf8(message.payload)) {
      // RFC 6455 §5.6, §8.1: text messages are UTF-8 (judged on the whole, inflated message)
      this.sink.diagnostic(said({ code: 'message.invalid-utf8', index: m.index, length: message.payload.length, inflated: m.compressed }), packet, lastFrame, from);
    }
    // the application protocol reads whole messages only: a part would look like its errors (it is told one was missed)
    if (this.reader === undefined) this.reader = this.sink.reader();
    if (this.reader) {
      if (judged) {
        const r = this.reader.decode({ index: m.index, from, type, payload: message.payload, packet, ts });
        message.app = r.info;
        for (const f of r.findings) this.readerDiag(f, packet, lastFrame, from);
      } else this.reader.skip(from);
    }
    if (this.retain) {
      message.payload = firstBytes(message.payload, this.limits.keepPayload);
      // in order of index (almost always at the end)
      let at = this.finished.length;
      while (at > 0 && this.finished[at - 1]!.index > message.index) at--;
      this.finished.splice(at, 0, message);
      this.keepFinished(false);
    }
    else this.sink.message(message);
    return message;
  }

  /**
   * Finished messages are handed on in order of index: one waits while a
   * message begun before it (the other side's) is still open.
   */
  private keepFinished(all: boolean): void {
    let open = Infinity;
    if (!all) {
      for (const d of this.dirs) {
        const i = d.assembler?.openIndex;
        if (i !== undefined && i !== null) open = Math.min(open, i);
      }
    }
    let n = 0;
    while (n < this.finished.length && this.finished[n]!.index < open) this.sink.message(this.finished[n++]!);
    if (n > 0) this.finished.splice(0, n);
  }

  /**
   * A pong answers the peer's ping with the same application data; the ping
   * answered and every older one are settled (RFC 6455 §5.5.3: an endpoint
   * may answer only the most recent ping). A pong with no ping waiting is a
   * heartbeat, allowed by §5.5.3.
   */
  private matchPong(pong: Frame): Finding[] {
    const waiting = this.pings[pong.from === 'client' ? 'server' : 'client'];
    if (waiting.length === 0) {
      // a heartbeat, or the answer to a ping the capture shows late (merged captures): kept a while
      const early = this.earlyPongs[pong.from];
      early.push(pong);
      if (early.length > 16) early.shift();
      return [];
    }
    let at = waiting.findIndex((p) => p.payload.equals(pong.payload));
    const findings: Finding[] = [];
    if (at < 0) {
      at = waiting.length - 1;
      const ping = waiting[at]!;
      // RFC 6455 §5.5.3: the Pong frame must have identical application data
      findings.push(said({ code: 'pong.payload-mismatch', pong: pong.payload, ping: ping.payload, pingPacket: ping.packet }));
    }
    const ping = waiting[at]!;
    // to the microsecond: the difference of two epoch times in floating point carries noise below it
    pong.answers = { frame: ping.index, packet: ping.packet, rtt: Math.round((pong.ts - ping.ts) * 1e6) / 1e6 };
    waiting.splice(0, at + 1);
    return findings;
  }

  /**
   * A ping whose pong the capture showed first: captures merged from two
   * taps or interfaces put one direction a little late. A pong from the
   * peer with the same data, at most `lateSeconds` earlier, answers it.
   */
  private answeredEarly(ping: Frame): boolean {
    const early = this.earlyPongs[ping.from === 'client' ? 'server' : 'client'];
    const at = early.findIndex((p) => ping.ts - p.ts <= this.lateSeconds && p.payload.equals(ping.payload));
    if (at < 0) return false;
    early.splice(0, at + 1);
    return true;
  }

  /**
   * Who closed first is decided by the packets, not by the order frames were
   * decoded in (after a loss, a frame may be recognised late). `answersClose`:
   * whether a side's first Close was sent after the peer's had arrived, as
   * the transport shows it (whatever order a merged capture shows them in).
   */
  settleClose(answersClose: (side: Side) => boolean): ConnectionClose {
    const cs = this.closeState;
    const closes = [this.firstClose.client, this.firstClose.server].filter((f) => f !== null).sort((a, b) => a.packet - b.packet || a.ts - b.ts);
    if (closes.length === 2 && answersClose(closes[0]!.from)) closes.reverse();
    const first = closes[0];
    if (!first) return cs;
    cs.initiator = first.from;
    cs.code = first.close?.code ?? null;
    cs.reason = first.close?.reason ?? null;
    cs.packet = first.packet;
    const reply = closes.find((f) => f.from !== first.from);
    if (reply) {
      cs.replyCode = reply.close?.code ?? null;
      cs.replyPacket = reply.packet;
    }
    return cs;
  }

  /** Rules decided when the connection is over (RFC 6455 §7). */
  /** `rules.serverFirst`: check that the server ended the transport first (TCP; not an HTTP/2 stream) */
  closeChecks(end: TransportEnd, rules: { serverFirst: boolean } = { serverFirst: true }): void {
    const cs = this.closeState;
    const ended = end.teardown !== 'none';
    for (const side of ['client', 'server'] as const) {
      const last = this.pings[side][this.pings[side].length - 1];
      if (!ended || !last) continue;
      // RFC 6455 §5.5.2: a ping must be answered, unless its receiver had already received a Close
      const close = this.firstClose[side];
      const closedBefore = close !== null && close.packet <= last.packet && close.index < last.index;
      if (closedBefore) continue;
      this.sink.diagnostic(said({ code: 'ping.unanswered', side, packet: last.packet, count: this.pings[side].length }), last.packet, last.index, side);
    }
    if (ended && cs.initiator === null) {
      // RFC 6455 §7.1.5: a connection closed without a Close frame has status 1006
      this.sink.diagnostic(said({ code: 'close.abnormal', teardown: end.teardown, ...(end.stream ? { stream: true } : {}) }), end.firstTeardownPacket ?? end.lastPacket, null, null);
    }
    if (ended && cs.initiator !== null && cs.replyPacket === null) {
      // RFC 6455 §5.5.1: the peer MUST send a Close frame in response
      this.sink.diagnostic(said({ code: 'close.not-echoed', initiator: cs.initiator, packet: cs.packet }), cs.packet, null, cs.initiator);
    }
    if (rules.serverFirst && end.firstBy === 'client' && end.teardown === 'fin') {
      // RFC 6455 §7.1.1: the server should close the TCP connection first
      this.sink.diagnostic(said({ code: 'close.client-closed-tcp-first' }), end.firstTeardownPacket, null, 'client');
    }
  }
}
