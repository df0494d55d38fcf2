// One direction of an HTTP/1.1 exchange: collects message heads as their
// bytes arrive and skips the bodies that follow them. A head is handed back
// together with the bytes after it, so the caller can switch protocols there.
import { findHeadEnd, headerTokens, headerValues, looksLikeRequest, looksLikeResponse, parseHead, type ParsedHead } from './head.js';

export type HttpRole = 'request' | 'response';

export interface HeadEvent {
  head: ParsedHead;
  /** packet where the head completed, and every packet that carried its bytes */
  packet: number;
  packets: number[];
  ts: number;
  byteLength: number;
}

export interface PushResult {
  head: HeadEvent | null;
  /** bytes not consumed: everything after a completed head */
  rest: Buffer;
  /** bytes that were not HTTP at all: the stream is not an HTTP exchange */
  notHttp: boolean;
  /** the head grew past the limit without ending */
  tooLarge: boolean;
  /** the head had more header lines than the limit (this many): only the first ones are kept */
  tooManyHeaders: number | null;
}

type Body =
  | { kind: 'none' }
  | { kind: 'length'; remaining: number }
  | { kind: 'chunked'; state: 'size' | 'data' | 'data-end' | 'trailer'; remaining: number; line: string }
  | { kind: 'until-close' };

export const DEFAULT_MAX_HEAD = 64 * 1024;
/** Header lines kept of one head (a browser's handshake has about 15). */
export const DEFAULT_MAX_HEADERS = 256;

/** The first bytes of a message body, kept to show (a refused upgrade's 401 page), and how many there were. */
export interface BodyCapture {
  parts: Buffer[];
  held: number;
  limit: number;
  /** body bytes seen (de-chunked) */
  length: number;
  /** the body ended where its framing says (false: it runs to the end of the connection, or the capture ended first) */
  complete: boolean;
}

export class HttpReader {
  private parts: Buffer[] = [];
  private length = 0;
  private packets: number[] = [];
  /** the capture time of the first of them */
  private firstTs = 0;
  private body: Body = { kind: 'none' };
  /** the body being kept, once asked for (captureBody) */
  private capture: BodyCapture | null = null;

  constructor(
    readonly role: HttpRole,
    private readonly maxHead = DEFAULT_MAX_HEAD,
    private readonly maxHeaders = DEFAULT_MAX_HEADERS,
  ) {}

  /** Bytes of a head collected so far (an incomplete head at the end of the capture). */
  get pending(): number {
    return this.length;
  }

  /** How the body after the head just returned is delimited; the caller knows the request method. */
  setBody(head: ParsedHead, opts: { status?: number; requestMethod?: string }): void {
    const status = opts.status;
    if (status !== undefined && (status < 200 || status === 204 || status === 304 || opts.requestMethod === 'HEAD')) {
      this.body = { kind: 'none' };
      return;
    }
    if (headerTokens(head.headers, 'transfer-encoding').some((t) => t.toLowerCase() === 'chunked')) {
      this.body = { kind: 'chunked', state: 'size', remaining: 0, line: '' };
      return;
    }
    const cl = headerValues(head.headers, 'content-length')[0];
    if (cl !== undefined && /^\d+$/.test(cl)) {
      this.body = { kind: 'length', remaining: Number(cl) };
      return;
    }
    this.body = this.role === 'response' ? { kind: 'until-close' } : { kind: 'none' };
  }

  /**
   * Keep the first `limit` bytes of the body that setBody just described
   * (de-chunked), and count the rest; the capture is returned, and fills as
   * the bytes arrive.
   */
  captureBody(limit: number): BodyCapture {
    this.capture = { parts: [], held: 0, limit, length: 0, complete: this.body.kind === 'none' };
    return this.capture;
  }

  private keep(b: Buffer): void {
    const c = this.capture;
    if (!c || b.length === 0) return;
    c.length += b.length;
    const room = c.limit - c.held;
    if (room <= 0) return;
    // a copy: the capture reader's buffer is reused
    const piece = Buffer.from(b.subarray(0, room));
    c.parts.push(piece);
    c.held += piece.length;
  }

  private bodyEnded(): void {
    if (this.capture) this.capture.complete = true;
    this.capture = null;
  }

  push(data: Buffer, packet: number, ts: number): PushResult {
    const result: PushResult = { head: null, rest: Buffer.alloc(0), notHttp: false, tooLarge: false, tooManyHeaders: null };
    let b = this.skipBody(data);
    if (b.length === 0) return result;

    if (this.length === 0) {
      // the first bytes of a message must look like HTTP
      const ok = this.role === 'request' ? looksLikeRequest(b) : looksLikeResponse(b);
      if (!ok) {
        result.notHttp = true;
        result.rest = b;
        return result;
      }
    }
    const searchFrom = this.length;
    this.parts.push(b);
    this.length += b.length;
    if (this.packets.length === 0) this.firstTs = ts;
    if (this.packets[this.packets.length - 1] !== packet) this.packets.push(packet);
    const all = this.parts.length === 1 ? b : Buffer.concat(this.parts, this.length);
    this.parts = [all];
    const end = findHeadEnd(all, searchFrom);
    if (end < 0) {
      if (this.length > this.maxHead) {
        result.tooLarge = true;
        this.reset();
      }
      return result;
    }
    const head = parseHead(all.subarray(0, end));
    if (head.headers.length > this.maxHeaders) {
      result.tooManyHeaders = head.headers.length;
      head.headers.length = this.maxHeaders;
    }
    result.head = {
      head,
      packet,
      packets: this.packets,
      ts,
      byteLength: end,
    };
    result.rest = all.subarray(end);
    this.reset();
    this.body = { kind: 'none' };
    return result;
  }

  /**
   * The head being collected will never end (bytes of it were not
   * captured): what arrived of it, its complete lines only (a start line cut
   * short is kept as it is), and the packet that carried its first bytes
   * with its time. Null when nothing was collected. The reader starts afresh.
   */
  cutHead(): { head: ParsedHead; packet: number; ts: number; bytes: number } | null {
    if (this.length === 0) return null;
    const all = Buffer.concat(this.parts, this.length);
    const packet = this.packets[0] ?? 0;
    const lastLine = all.lastIndexOf('\n');
    const head = parseHead(lastLine < 0 ? all : all.subarray(0, lastLine + 1));
    const bytes = this.length;
    const ts = this.firstTs;
    this.reset();
    return { head, packet, ts, bytes };
  }

  private reset(): void {
    this.parts = [];
    this.length = 0;
    this.packets = [];
  }

  /** Consumes body bytes at the front of data; returns what is left. */
  private skipBody(data: Buffer): Buffer {
    let b = data;
    while (b.length > 0) {
      const body = this.body;
      switch (body.kind) {
        case 'none':
          return b;
        case 'until-close':
          this.keep(b);
          return Buffer.alloc(0);
        case 'length': {
          const n = Math.min(body.remaining, b.length);
          this.keep(b.subarray(0, n));
          body.remaining -= n;
          b = b.subarray(n);
          if (body.remaining === 0) {
            this.body = { kind: 'none' };
            this.bodyEnded();
          }
          break;
        }
        case 'chunked':
          b = this.skipChunked(body, b);
          break;
      }
    }
    return b;
  }

  private skipChunked(body: Extract<Body, { kind: 'chunked' }>, data: Buffer): Buffer {
    let b = data;
    while (b.length > 0 && this.body === body) {
      if (body.state === 'data') {
        const n = Math.min(body.remaining, b.length);
        this.keep(b.subarray(0, n));
        body.remaining -= n;
        b = b.subarray(n);
        if (body.remaining === 0) {
          body.state = 'data-end';
          body.line = '';
        }
        continue;
      }
      const nl = b.indexOf(0x0a);
      const piece = b.toString('latin1', 0, nl < 0 ? b.length : nl);
      b = nl < 0 ? Buffer.alloc(0) : b.subarray(nl + 1);
      if (nl < 0) {
        body.line += piece;
        if (body.line.length > 4096) this.body = { kind: 'until-close' };
        continue;
      }
      const line = (body.line + piece).replace(/\r$/, '');
      body.line = '';
      if (body.state === 'size') {
        const size = parseInt(line.split(';')[0] ?? '', 16);
        if (Number.isNaN(size)) {
          this.body = { kind: 'until-close' };
        } else if (size === 0) {
          body.state = 'trailer';
        } else {
          body.state = 'data';
          body.remaining = size;
        }
      } else if (body.state === 'data-end') {
        body.state = 'size';
      } else if (line === '') {
        this.body = { kind: 'none' };
        this.bodyEnded();
      }
    }
    return b;
  }
}
