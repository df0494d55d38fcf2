// STOMP 1.0, 1.1 and 1.2 (https://stomp.github.io/stomp-specification-1.2.html)
// over WebSocket: a frame is a command line, header lines, a blank line and a
// body ended by a NUL byte; end-of-line bytes alone are heart-beats. One
// WebSocket message usually carries one frame, but may carry several.
import { isUtf8 } from 'node:buffer';
import type { Side } from '../model.js';
import type { AppDecoder, AppFinding, AppMessage, AppResult, StompFrame, StompInfo } from './types.js';
import { BODY_PREVIEW, clipText, MAX_UNITS, unitTypes } from './types.js';
import { said } from '../text/diagnostics.js';

const CLIENT_COMMANDS = new Set(['CONNECT', 'STOMP', 'SEND', 'SUBSCRIBE', 'UNSUBSCRIBE', 'ACK', 'NACK', 'BEGIN', 'COMMIT', 'ABORT', 'DISCONNECT']);
const SERVER_COMMANDS = new Set(['CONNECTED', 'MESSAGE', 'RECEIPT', 'ERROR']);
/** Commands that carry the application's own data; the rest is the framework's. */
const USER_COMMANDS = new Set(['SEND', 'MESSAGE']);

/** Whether a STOMP frame of this command carries the application's own data (SEND, MESSAGE). */
export function isStompUserCommand(command: string): boolean {
  return USER_COMMANDS.has(command);
}

/** Header lines of a frame kept (the rest are read and not kept). */
const MAX_HEADERS = 64;
/** Bytes of an unfinished frame held for the sender's next message at most. */
const MAX_HELD = 16 * 1024 * 1024;

/** Whether a text looks like the start of a STOMP frame (a known command on its own line). */
export function looksLikeStomp(payload: Buffer): boolean {
  const end = payload.indexOf(0x0a);
  if (end < 0 || end > 12) return false;
  const command = payload.subarray(0, end).toString('latin1').replace(/\r$/, '');
  return CLIENT_COMMANDS.has(command) || SERVER_COMMANDS.has(command);
}

/** The STOMP version a subprotocol names (v12.stomp → 1.2), null for another. */
export function stompVersionOf(subprotocol: string | null): string | null {
  const m = /^v1([0-2])\.stomp$/.exec(subprotocol ?? '');
  return m ? `1.${m[1]}` : null;
}

/** STOMP 1.1 and 1.2 escape ":", newline and backslash in header names and values (not in CONNECT/CONNECTED). */
function unescape(s: string, version: string | null, command: string): string {
  if (version === '1.0' || command === 'CONNECT' || command === 'CONNECTED' || !s.includes('\\')) return s;
  return s.replace(/\\(.)/g, (all, c: string) => (c === 'n' ? '\n' : c === 'c' ? ':' : c === '\\' ? '\\' : c === 'r' && version === '1.2' ? '\r' : all));
}

interface Parsed {
  frame: StompFrame;
  findings: AppFinding[];
  /** where the next frame may start */
  next: number;
}

/**
 * A frame whose end is not in the bytes so far: it may continue in the
 * sender's next message (stomp.js and @stomp/stompjs split large frames,
 * servers join them); the finding is what it is if it never does.
 */
interface Unfinished {
  unfinished: AppFinding;
}

function isEol(b: Buffer, at: number): number {
  if (b[at] === 0x0a) return 1;
  if (b[at] === 0x0d && b[at + 1] === 0x0a) return 2;
  return 0;
}

function readLine(b: Buffer, at: number): { line: string; next: number } | null {
  const nl = b.indexOf(0x0a, at);
  if (nl < 0) return null;
  const end = nl > at && b[nl - 1] === 0x0d ? nl - 1 : nl;
  return { line: b.subarray(at, end).toString('utf8'), next: nl + 1 };
}

function bodyOf(body: Buffer): Pick<StompFrame, 'body' | 'bodyLength' | 'bodyTruncated'> {
  if (body.length === 0 || !isUtf8(body)) return { body: null, bodyLength: body.length };
  const text = body.toString('utf8');
  const shown = clipText(text, BODY_PREVIEW);
  return shown === text ? { body: text, bodyLength: body.length } : { body: shown, bodyLength: body.length, bodyTruncated: true };
}

/** One frame from `at` (after any heart-beat end-of-lines). */
function parseFrame(b: Buffer, at: number, version: string | null): Parsed | Unfinished {
  const first = readLine(b, at);
  const findings: AppFinding[] = [];
  if (!first) {
    const text = clipText(b.subarray(at, at + 64).toString('utf8'), 24);
    return { unfinished: said({ code: 'app.stomp-bad-frame', problem: 'no-eol', text }) };
  }
  const known = CLIENT_COMMANDS.has(first.line) || SERVER_COMMANDS.has(first.line);
  const command = clipText(first.line, 32);
  if (!known) findings.push(said({ code: 'app.stomp-bad-frame', problem: 'unknown-command', command: clipText(command, 24) }));
  const headers: [string, string][] = [];
  let pos = first.next;
  for (;;) {
    const eol = isEol(b, pos);
    if (eol > 0) {
      pos += eol;
      break;
    }
    const line = readLine(b, pos);
    if (!line) return { unfinished: said({ code: 'app.stomp-bad-frame', problem: 'cut-in-headers', command: clipText(command, 24) }) };
    const colon = line.line.indexOf(':');
    if (colon < 0) findings.push(said({ code: 'app.stomp-bad-frame', problem: 'header-without-colon', command: clipText(command, 24), line: clipText(line.line, 32) }));
    else if (headers.length < MAX_HEADERS) headers.push([clipText(unescape(line.line.slice(0, colon), version, command), BODY_PREVIEW), clipText(unescape(line.line.slice(colon + 1), version, command), BODY_PREVIEW)]);
    pos = line.next;
  }
  // STOMP 1.2: the first of repeated headers counts
  const lengthHeader = headers.find(([k]) => k === 'content-length')?.[1];
  let end: number;
  if (lengthHeader !== undefined && /^\d+$/.test(lengthHeader)) {
    const n = Number(lengthHeader);
    end = pos + n;
    if (end >= b.length) return { unfinished: said({ code: 'app.stomp-content-length', command, length: n, came: b.length - pos }) };
    if (b[end] !== 0x00) {
      // STOMP 1.2 §Header content-length: the body is exactly that many bytes, then the NUL
      const nul = b.indexOf(0x00, pos);
      const actual = (nul < 0 ? b.length : nul) - pos;
      findings.push(said({ code: 'app.stomp-content-length', command, length: n, body: actual, nul: nul >= 0 }));
      end = nul < 0 ? b.length : nul;
    }
  } else {
    end = b.indexOf(0x00, pos);
    // STOMP 1.2 §STOMP Frames: the body is followed by the NULL octet
    if (end < 0) return { unfinished: said({ code: 'app.stomp-no-null', command: clipText(command, 24) }) };
  }
  const frame: StompFrame = { command, headers, ...bodyOf(b.subarray(pos, end)) };
  return { frame, findings, next: Math.min(b.length, end + 1) };
}

export function header(f: StompFrame, name: string): string | undefined {
  return f.headers.find(([k]) => k === name)?.[1];
}

/** An unfinished frame of one side, waiting for the rest. */
interface Held {
  bytes: Buffer;
  packet: number;
  unfinished: AppFinding;
}

export class StompDecoder implements AppDecoder {
  private version: string | null;
  private readonly held: Record<Side, Held | null> = { client: null, server: null };

  constructor(subprotocol: string | null) {
    this.version = stompVersionOf(subprotocol);
  }

  /** The held frame of a side never finished: its finding, at the packet it began in. */
  private giveUp(side: Side): AppFinding[] {
    const h = this.held[side];
    this.held[side] = null;
    return h ? [{ ...h.unfinished, packet: h.packet, from: side }] : [];
  }

  decode(m: AppMessage): AppResult {
    const findings: AppFinding[] = [];
    const before = this.held[m.from];
    let b = m.payload;
    if (before) {
      // end-of-lines alone are a heart-beat; a new command line means the held frame never ended
      const onlyEols = m.payload.every((c) => c === 0x0a || c === 0x0d);
      if (looksLikeStomp(m.payload)) findings.push(...this.giveUp(m.from));
      else if (!onlyEols) {
        b = Buffer.concat([before.bytes, m.payload]);
        this.held[m.from] = null;
      }
    }
    const frames: StompFrame[] = [];
    let count = 0;
    let at = 0;
    let eols = 0;
    let unfinished: Unfinished | null = null;
    while (at < b.length) {
      const eol = isEol(b, at);
      if (eol > 0) {
        // STOMP 1.2 §Heart-beating: end-of-lines between frames are heart-beats
        at += eol;
        eols++;
        continue;
      }
      const parsed = parseFrame(b, at, this.version);
      if ('unfinished' in parsed) {
        unfinished = parsed;
        break;
      }
      count++;
      if (frames.length < MAX_UNITS) frames.push(parsed.frame);
      findings.push(...parsed.findings);
      at = parsed.next;
      if (parsed.frame.command === 'CONNECTED') {
        const v = header(parsed.frame, 'version');
        this.version = v ?? '1.0';
      }
      if (parsed.frame.command === 'ERROR') {
        const msg = header(parsed.frame, 'message');
        findings.push(said({ code: 'app.stomp-error', message: msg, body: parsed.frame.body }));
      }
    }
    if (unfinished) {
      const rest = b.subarray(at);
      // held for the next message; past the limit it is what it is
      if (rest.length <= MAX_HELD) this.held[m.from] = { bytes: Buffer.from(rest), packet: before && b !== m.payload && at === 0 ? before.packet : m.packet, unfinished: unfinished.unfinished };
      else findings.push(unfinished.unfinished);
    }
    if (frames.length === 0 && unfinished) {
      const info: StompInfo = { decoder: 'stomp', type: 'partial', user: false, fields: { version: this.version, frames: [] }, facts: { partial: b.length - at } };
      return { info, findings };
    }
    // end-of-lines alone (or after the frames, not counted) make a heart-beat message
    if (frames.length === 0) {
      frames.push({ command: 'heart-beat', headers: [], body: null, bodyLength: 0 });
      count = 1;
    }
    const commands = frames.map((f) => f.command);
    const info: StompInfo = {
      decoder: 'stomp',
      type: unitTypes(commands),
      user: commands.some((c) => USER_COMMANDS.has(c)),
      fields: { version: this.version, frames, ...(count > frames.length ? { more: count - frames.length } : {}) },
    };
    const heartBeats = eols > 1 && frames[0]!.command === 'heart-beat';
    if (unfinished || heartBeats) info.facts = { ...(unfinished ? { unfinished: b.length - at } : {}), ...(heartBeats ? { eols } : {}) };
    return { info, findings };
  }

  skip(from: Side): void {
    this.held[from] = null;
  }

  end(): AppFinding[] {
    return [...this.giveUp('client'), ...this.giveUp('server')];
  }
}
