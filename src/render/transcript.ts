// The conversation as a transcript, the way one follows a stream: one line
// per reassembled (and inflated) message, with the control frames between
// them in the order they were sent (by packet, then frame). Text is shown as
// text, binary as a hex preview; JSON text may be pretty-printed under its
// line. Reads the analysis result only; every string from the capture is
// sanitized before it is printed.
import { noFramesBecause, tellsWebSocket } from './kind.js';
import { appText } from '../text/app-words.js';
import { isUtf8 } from 'node:buffer';
import { capturedWhole, type Connection, type Frame, type Message, type Side } from '../model.js';
import type { RenderOptions } from './options.js';
import { clip, paint, type Paint, trimEnd } from './paint.js';
import { isControl } from '../websocket/frame.js';
import { transcriptWords, type TranscriptWords } from '../text/transcript-words.js';
import { cutWidth, displayWidth, fixed6, lenientUtf8, quotable, quoteMark, sanitize, safeCut } from '../util/text.js';
import { reportWords } from '../text/report-words.js';
import { noMatchLine, selectionLine } from './narrowed.js';
import { BitSet } from '../util/list.js';
import { Scratch } from '../util/scratch.js';

/** What one line of the transcript says, before it is laid out. */
interface Entry {
  /** where it goes: the packet and frame of the message's last frame, or of the control frame */
  packet: number;
  frame: number;
  /** ties between entries with no frame of their own (a message whose frames are not in view) */
  order: number;
  relTs: number | null;
  from: Side;
  label: string;
  style: 'text' | 'binary' | 'control' | 'close' | 'other';
  /** the content, given the columns it may take */
  content: (room: number) => string;
  notes: string[];
  /**
   * lines printed under the content (pretty JSON), each given the columns it
   * may take; or, when room is at least 1 and they need no cut, the lines
   * ready to print (Ready)
   */
  below: (room: number, pad: string) => string[] | Ready;
  /** the note that text was cut to --max-payload bytes, and the characters of the text kept */
  cutNote: { note: string; chars: number } | null;
}

const NOTHING = (): string[] => [];

/**
 * Lines ready to print, each after `pad`, ended, and trimmed (see trimEnd):
 * text, then bytes (printable ASCII laid out by prettyJsonBytes, read before
 * the next entry is made: its buffer is used again).
 */
interface Ready {
  text: string;
  bytes: Buffer | null;
}

/** Where to cut bytes of UTF-8 so that no character is split (at most 3 bytes back). */
function charBoundary(b: Buffer, at: number): number {
  if (at >= b.length) return b.length;
  let i = at;
  while (i > 0 && at - i < 3 && (b[i]! & 0xc0) === 0x80) i--;
  return (b[i]! & 0xc0) === 0x80 ? at : i;
}

/** Quoted, sanitized text of at most `room` terminal columns; `more` adds the mark of a cut. */
function quoted(bytes: Buffer, room: number, more: boolean): string {
  const inner = Math.max(1, room - 2);
  const head = Number.isFinite(inner) ? bytes.subarray(0, inner * 4 + 8) : bytes;
  const raw = lenientUtf8(head);
  const mark = quoteMark(raw);
  const text = quotable(raw, mark);
  const cutMore = more || head.length < bytes.length;
  return `${mark}${cutWidth(cutMore ? `${text}…` : text, inner)}${mark}`;
}

/** Text cut to `limit` bytes (on a character boundary): the bytes kept and whether any were left out. */
function limitText(payload: Buffer, limit: number): { bytes: Buffer; cutBytes: boolean } {
  if (payload.length <= limit) return { bytes: payload, cutBytes: false };
  return { bytes: payload.subarray(0, charBoundary(payload, limit)), cutBytes: true };
}

/** "1000 bytes: 00 01 02 03 …", as many bytes as fit in `room` and `limit`. */
function hexPreview(w: TranscriptWords, payload: Buffer, total: bigint, room: number, limit: number): string {
  const head = w.bytes(total);
  if (limit <= 0 || payload.length === 0) return head;
  const space = room - displayWidth(head) - displayWidth(w.colon);
  let n = Math.min(payload.length, limit, Math.max(1, Math.floor((space + 1) / 3)));
  if (BigInt(n) < total) n = Math.min(n, Math.max(1, Math.floor((space - 1) / 3)));
  const hex = Array.from(payload.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `${head}${w.colon}${hex}${BigInt(n) < total ? ' …' : ''}`;
}

/** A control frame's payload: quoted text when it is UTF-8, else hex. */
function controlPayload(w: TranscriptWords, payload: Buffer, room: number, limit: number): string {
  if (payload.length === 0) return w.empty;
  if (!isUtf8(payload)) return hexPreview(w, payload, BigInt(payload.length), room, limit);
  if (limit <= 0) return w.bytes(payload.length);
  const { bytes, cutBytes } = limitText(payload, limit);
  return quoted(bytes, room, cutBytes);
}

function utf8Bytes(unit: number): number {
  if (unit < 0x80) return 1;
  if (unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff)) return 2;
  return 3;
}

interface JsonLine {
  text: string;
  /** bytes of the source shown once this line is */
  end: number;
}

/**
 * A JSON object or array re-indented by 2 spaces, token by token: numbers,
 * strings and their escapes stay exactly as they were sent (nothing is parsed
 * and printed again, so nothing is rounded or dropped). Null when the text is
 * not a JSON object or array.
 */
/** Whether text is a JSON object or array (what prettyJsonLines lays out). */
function isJson(source: string): boolean {
  const t = source.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

/** { } [ ] , : */
const STRUCTURAL = new Uint8Array(128);
for (const c of [0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a]) STRUCTURAL[c] = 1;
const structural = (c: number): boolean => c < 128 && STRUCTURAL[c] === 1;
/** Indents by depth, made once each. */
const INDENTS: string[] = [];
const indentOf = (depth: number): string => (INDENTS[depth] ??= '  '.repeat(depth));

export function prettyJsonLines(source: string, known = false): JsonLine[] | null {
  if (!known && !isJson(source.trim())) return null;
  const lines: JsonLine[] = [];
  layJson(source, (text, end) => lines.push({ text, end }));
  return lines;
}

/** Where prettyJsonBytes lays a block out. */
const block = new Scratch(64 * 1024);
const FOUR_SPACES = 0x20202020;
/** A block larger than this is laid out the general way (line by line) rather than in one buffer. */
const BLOCK_MOST = 32 * 1024 * 1024;

/**
 * Pretty JSON as prettyJsonLines lays it out, as what the transcript prints
 * under a message: each line after `padLength` spaces, ended. Laid out byte
 * by byte straight into a buffer, and printed as bytes (no string is made of
 * it, nor encoded again), when every byte is printable ASCII and every line
 * fits `room` columns and needs no cut (the usual message; the block would
 * not be larger than BLOCK_MOST): null otherwise, to be laid out line by
 * line. The block is a view of a buffer used again for the next: to be
 * written before another is asked for. The same layout as layJson's (a test
 * holds the two together). One function without closures: its counters stay
 * local.
 */
export function prettyJsonBytes(src: Uint8Array, room: number, padLength: number): Buffer | null {
  let start = 0;
  let end = src.length;
  // printable ASCII, and the block's size at most: the lines (a structural character outside strings starts at most one)
  // each with the pad and the deepest indent, the bytes, a space after each colon
  let lines = 1;
  let colons = 0;
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let k = 0; k < end; k++) {
    const c = src[k]!;
    if (c < 0x20 || c > 0x7e) return null;
    if (inString) {
      if (c === 0x5c) k++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      lines++;
      if (++depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) {
      lines++;
      depth--;
    } else if (c === 0x2c) lines++;
    else if (c === 0x3a) colons++;
  }
  const most = end + colons + lines * (padLength + 2 * deepest + 1) + padLength;
  if (most > BLOCK_MOST) return null;
  const out = block.room(most);
  const view = block.view();
  while (start < end && src[start] === 0x20) start++;
  while (end > start && src[end - 1] === 0x20) end--;
  depth = 0;
  // the first line: the pad, no indent
  let j = 0;
  let k = padLength;
  for (; k >= 4; k -= 4, j += 4) view.setUint32(j, FOUR_SPACES);
  for (; k > 0; k--) out[j++] = 0x20;
  // where the current line's text starts (after the pad)
  let lineStart = j;
  let i = start;
  while (i < end) {
    const c = src[i]!;
    if (c === 0x20) {
      i++;
      continue;
    }
    if (c === 0x22) {
      let k = i + 1;
      while (k < end && src[k] !== 0x22) k += src[k] === 0x5c ? 2 : 1;
      const to = k + 1 < end ? k + 1 : end;
      for (; i < to; i++) out[j++] = src[i]!;
      continue;
    }
    if (!structural(c)) {
      // a number, true, false or null: as it was sent, whole
      out[j++] = c;
      i++;
      while (i < end) {
        const d = src[i]!;
        if (structural(d) || d === 0x20 || d === 0x22) break;
        out[j++] = d;
        i++;
      }
      continue;
    }
    i++;
    if (c === 0x3a) {
      out[j++] = 0x3a;
      out[j++] = 0x20;
      continue;
    }
    let next = depth;
    if (c === 0x7b || c === 0x5b) {
      const close = c === 0x7b ? 0x7d : 0x5d;
      let k = i;
      while (k < end && src[k] === 0x20) k++;
      out[j++] = c;
      if (src[k] === close) {
        out[j++] = close;
        i = k + 1;
        continue;
      }
      next = depth + 1;
    } else if (c === 0x2c) out[j++] = 0x2c;
    else next = depth - 1;
    // the line ends: declined when it is too wide, or ends in a space (a trimmed line would differ)
    if (j - lineStart > room || (j > lineStart && out[j - 1] === 0x20)) return null;
    out[j++] = 0x0a;
    // the next begins: the pad, then the indent
    depth = next;
    lineStart = j + padLength;
    let spaces = padLength + (depth > 0 ? 2 * depth : 0);
    for (; spaces >= 4; spaces -= 4, j += 4) view.setUint32(j, FOUR_SPACES);
    for (; spaces > 0; spaces--) out[j++] = 0x20;
    if (c === 0x7d || c === 0x5d) out[j++] = c;
  }
  // the last line, unless it is only its indent
  let blank = true;
  for (let k = lineStart; k < j; k++) if (out[k] !== 0x20) blank = false;
  if (blank) j = lineStart - padLength;
  else {
    if (j - lineStart > room || (j > lineStart && out[j - 1] === 0x20)) return null;
    out[j++] = 0x0a;
  }
  return out.subarray(0, j);
}

/** Lays out JSON text (a JSON object or array) as prettyJsonLines describes, a line at a time: each with the bytes of the source shown once it is. */
function layJson(source: string, line: (text: string, end: number) => void): void {
  const start = source.length - source.trimStart().length;
  const t = source.trim();
  let bytes = start;
  let depth = 0;
  let cur = '';
  const indent = (): string => indentOf(depth);
  const push = (): void => {
    line(cur, bytes);
    cur = indent();
  };
  let i = 0;
  const n = t.length;
  // outside its strings, JSON text (what JSON.parse took) holds only these white space characters, and ASCII
  const space = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
  const skipSpace = (): void => {
    while (i < n && space(t.charCodeAt(i))) {
      bytes++;
      i++;
    }
  };
  while (i < n) {
    const c = t.charCodeAt(i);
    if (space(c)) {
      skipSpace();
      continue;
    }
    if (c === 0x22) {
      let j = i + 1;
      while (j < n && t.charCodeAt(j) !== 0x22) j += t.charCodeAt(j) === 0x5c ? 2 : 1;
      for (let k = i; k <= j && k < n; k++) bytes += utf8Bytes(t.charCodeAt(k));
      cur += t.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (!structural(c)) {
      // a number, true, false or null: as it was sent, whole
      let j = i + 1;
      while (j < n && !structural(t.charCodeAt(j)) && !space(t.charCodeAt(j)) && t.charCodeAt(j) !== 0x22) j++;
      cur += t.slice(i, j);
      bytes += j - i;
      i = j;
      continue;
    }
    const ch = t[i]!;
    bytes += 1;
    i++;
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      const saveI = i;
      const saveBytes = bytes;
      skipSpace();
      if (t[i] === close) {
        cur += `${ch}${close}`;
        i++;
        bytes += 1;
        continue;
      }
      i = saveI;
      bytes = saveBytes;
      cur += ch;
      depth++;
      push();
    } else if (ch === '}' || ch === ']') {
      bytes -= 1;
      push();
      bytes += 1;
      depth--;
      cur = `${indent()}${ch}`;
    } else if (ch === ',') {
      cur += ',';
      push();
    } else {
      cur += ': ';
    }
  }
  if (cur.trim() !== '') line(cur, bytes);
}

/** The first byte of a JSON text that is not white space. */
function firstNonSpace(b: Buffer): number | undefined {
  let i = 0;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  return b[i];
}

/** A message's line, and under it what it means in its application protocol. */
function messageEntry(w: TranscriptWords, m: Message, opts: RenderOptions, limit: number): Entry {
  const e = payloadEntry(w, m, opts, limit);
  e.order = m.index;
  const app = m.app;
  if (!app) return e;
  // what the decoder read is the capture's: said as it was read
  const line = w.app(appText(app, opts.lang), app.user);
  const under = e.below;
  e.below = (room, pad) => {
    const first = safeCut(line, room);
    const rest = under(room, pad);
    return Array.isArray(rest) ? [first, ...rest] : { text: `${pad}${trimEnd(first)}\n${rest.text}`, bytes: rest.bytes };
  };
  return e;
}

/** An entry, its style, content and what is under it still to be told (made whole here, not spread from parts: one shape for all). */
function entryOf(packet: number, frame: number, relTs: number | null, from: Side, label: string, notes: string[]): Entry {
  return { packet, frame, order: 0, relTs, from, label, style: 'other', content: NO_CONTENT, notes, below: NOTHING, cutNote: null };
}
const NO_CONTENT = (): string => '';

/**
 * A message's line: its time, sizes and state are the analysis' (the
 * message's own), never recomputed from the frames in view or from the bytes
 * kept of its payload, so a selection (--opcode, --grep, --limit) or
 * --max-payload changes nothing of what is shown of it but its content.
 */
function payloadEntry(w: TranscriptWords, m: Message, opts: RenderOptions, limit: number): Entry {
  const inflated = m.compressed && m.inflatedLength !== null;
  const notInflated = m.compressed && !inflated;
  // on the wire, exact even beyond 2^53
  const wire = BigInt(m.lengthText ?? m.length);
  const total = inflated ? BigInt(m.inflatedLength!) : wire;
  const notes: string[] = [];
  if (inflated) notes.push(w.inflatedFrom(wire));
  if (notInflated) notes.push(w.notInflated);
  if (m.frames.length > 1) notes.push(w.fragments(m.frames.length));
  const whole = capturedWhole(m);
  if (!whole) notes.push(w.incomplete(m.missingBytes));
  const e = entryOf(m.packet, m.frames[m.frames.length - 1] ?? -1, m.relTs, m.from, w.messageType(m.type), notes);

  if (m.type === 'binary' || notInflated) {
    e.style = m.type;
    e.content = (room) => hexPreview(w, m.payload, total, room, limit);
    return e;
  }
  // JSON is laid out when asked, and always when the message was decoded as JSON
  // (a message the JSON decoder read as an object or an array is one: it is not parsed again to know)
  const decodedAsJson = m.app?.decoder === 'json' && (m.app.fields.kind === 'object' || m.app.fields.kind === 'array');
  const json = (opts.prettyJson || m.app?.decoder === 'json' || m.app?.decoder === 'json-rpc') && whole && BigInt(m.payload.length) === total && limit > 0 && isUtf8(m.payload) && (decodedAsJson || isJson(m.payload.toString('utf8')));
  if (json) {
    const size = Number(total);
    const object = firstNonSpace(m.payload) === 0x7b;
    // laid out when printed, not before: a connection's messages are not all held laid out at once
    const below = (room: number, pad: string): string[] | Ready => {
      // shown whole (the last line's end is at most the size): as a block when it needs no cut (`pad` is the transcript's indent, spaces)
      const bytes = size <= limit && room >= 1 ? prettyJsonBytes(m.payload, room, pad.length) : null;
      if (bytes !== null) return { text: '', bytes };
      const source = m.payload.toString('utf8');
      const all = prettyJsonLines(source, true) ?? [];
      // (the whole message is shown unless --max-payload cuts it)
      const shown = (all[all.length - 1]?.end ?? 0) <= limit ? all : all.filter((l) => l.end <= limit);
      const lastEnd = shown[shown.length - 1]?.end ?? 0;
      const lines = shown.map((l) => safeCut(l.text, room));
      if (shown.length < all.length) lines.push(cutWidth(w.moreNotShown(size - lastEnd), room));
      return lines;
    };
    e.style = 'text';
    e.content = () => w.json(object, size);
    e.below = below;
    return e;
  }
  e.style = 'text';
  if (limit <= 0) {
    e.content = () => w.bytes(total);
    return e;
  }
  const { bytes, cutBytes } = limitText(m.payload, limit);
  // said only when the line has room for the text up to the cut: otherwise the width cuts it first
  const cutNote = cutBytes ? { note: w.firstOf(bytes.length, total), chars: displayWidth(sanitize(lenientUtf8(bytes))) + 1 } : null;
  e.content = (room) => quoted(bytes, room, cutBytes);
  e.cutNote = cutNote;
  return e;
}

function frameEntry(w: TranscriptWords, f: Frame, limit: number): Entry {
  const notes: string[] = [];
  const e = entryOf(f.packet, f.index, f.relTs, f.from, w.opcode(f.opcode), notes);
  if (!f.complete) notes.push(w.incomplete(f.missingBytes));
  if (f.opcode === 0x8) {
    const c = f.close;
    let text: string;
    if (!c || c.code === null) text = w.closeNoCode(f.payload.length === 1);
    else text = w.closeCode(c.code);
    const reason = c && c.reason !== '' && limit > 0 ? Buffer.from(c.reason) : null;
    const content = (room: number): string => {
      if (!reason) return text;
      const { bytes, cutBytes } = limitText(reason, limit);
      return `${text} ${quoted(bytes, room - displayWidth(text) - 1, cutBytes)}`;
    };
    e.style = 'close';
    e.content = content;
    return e;
  }
  if (f.opcode === 0xa && f.answers) notes.unshift(w.roundTrip(f.answers.rtt));
  if (isControl(f.opcode)) {
    e.style = f.opcode === 0x9 || f.opcode === 0xa ? 'control' : 'other';
    e.content = (room) => controlPayload(w, f.payload, room, limit);
    return e;
  }
  // a data frame that belongs to no message: a continuation with nothing open, or a reserved opcode
  if (f.opcode === 0x0) notes.push(w.noMessage);
  e.content = (room) => hexPreview(w, f.payload, BigInt(f.payloadLength), room, limit);
  return e;
}

/** A frame shown on a line of its own: one of no message in view. */
function strayFrame(shown: BitSet, f: Frame): boolean {
  return f.message === null || !shown.has(f.message);
}

/**
 * The messages and the frames outside them, in the order of the packets
 * that complete them: a merge of three lists already in that order — each
 * side's messages (a side has one message open at a time, so its messages
 * end in the order they begin) and the frames of no message (in the order
 * they were decoded) — so that nothing is held but one entry of each.
 */
function* entries(w: TranscriptWords, conn: Connection, shown: BitSet, opts: RenderOptions, limit: number): Generator<Entry> {
  function* side(from: 'client' | 'server'): Generator<Entry> {
    // each message where its last frame is, whether that frame is in view or not
    for (const m of conn.messages) if (m.from === from) yield messageEntry(w, m, opts, limit);
  }
  function* stray(): Generator<Entry> {
    for (const f of conn.frames) if (strayFrame(shown, f)) yield frameEntry(w, f, limit);
  }
  const before = (a: Entry, b: Entry): boolean => (a.packet - b.packet || a.frame - b.frame || a.order - b.order) <= 0;
  const streams = [side('client'), side('server'), stray()];
  const heads = streams.map((s) => s.next());
  for (;;) {
    let k = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i]!;
      if (!h.done && (k < 0 || !before((heads[k] as IteratorYieldResult<Entry>).value, h.value))) k = i;
    }
    if (k < 0) return;
    yield (heads[k] as IteratorYieldResult<Entry>).value;
    heads[k] = streams[k]!.next();
  }
}

function styled(e: Entry, p: Paint, s: string): string {
  switch (e.style) {
    case 'text':
      return p.green(s);
    case 'binary':
      return p.blue(s);
    case 'control':
      return p.cyan(s);
    case 'close':
      return p.magenta(s);
    case 'other':
      return p.yellow(s);
  }
}

/** The shortest content worth keeping the notes on the line for. */
const MIN_CONTENT = 12;

export function renderTranscript(conn: Connection, opts: RenderOptions): string {
  let out = '';
  for (const chunk of transcriptChunks(conn, opts)) out += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  return out;
}

/**
 * The transcript a piece at a time (a message or frame with the lines under
 * it), so that a long connection's transcript is written as it is made
 * rather than held whole.
 */
export function* transcriptChunks(conn: Connection, opts: RenderOptions): Generator<string | Buffer> {
  const p = paint(opts.color);
  const w = transcriptWords(opts.lang);
  const width = Number.isFinite(opts.width) ? Math.max(1, Math.floor(opts.width)) : Infinity;
  const limit = Number.isNaN(opts.maxPayload) ? 0 : Math.max(0, Math.floor(opts.maxPayload));
  const none = noMatchLine(conn, ['messages', 'frames'], opts.lang);
  if (none) {
    yield `${reportWords(opts.lang).wrap(none, width, '').join('\n')}\n`;
    return;
  }
  // measured in a first pass (over what gives an entry its time and label, not the entries themselves), drawn in a second
  const time = (e: { relTs: number | null }): string => (e.relTs === null ? '-' : fixed6(e.relTs));
  let timeWidth = 0;
  let labelWidth = 0;
  let any = false;
  // the indexes of the messages in view, a bit each: a frame's message is
  // looked for here, not in the list (a lookup reads the messages where the
  // frames are, ahead of where the transcript prints them by as much as from
  // one ping to the next, and a spilled list's chunks read that early are
  // held until printed)
  const shown = new BitSet();
  for (const m of conn.messages) {
    any = true;
    shown.add(m.index);
    timeWidth = Math.max(timeWidth, time(m).length);
    labelWidth = Math.max(labelWidth, displayWidth(w.messageType(m.type)));
  }
  for (const f of conn.frames) {
    if (!strayFrame(shown, f)) continue;
    any = true;
    timeWidth = Math.max(timeWidth, time(f).length);
    labelWidth = Math.max(labelWidth, displayWidth(w.opcode(f.opcode)));
  }
  if (!any) {
    yield `${clip(w.nothing(tellsWebSocket(conn), noFramesBecause(conn, opts.lang)), width)}\n`;
    return;
  }
  // time, direction and type, then the content
  const arrows = Math.max(displayWidth(w.direction('client')), displayWidth(w.direction('server')));
  const indent = timeWidth + 2 + arrows + 2 + labelWidth + 2;
  const pad = ' '.repeat(indent);
  const finish = (lines: string[]): string => `${lines.map((l) => trimEnd(clip(l, width))).join('\n')}\n`;
  const selected = selectionLine(conn, ['messages', 'frames'], opts.lang);
  if (selected) yield finish(reportWords(opts.lang).wrap(selected, width, '').map((l) => p.dim(l)));
  for (const e of entries(w, conn, shown, opts, limit)) {
    const lines: string[] = [];
    const prefix = `${p.dim(time(e).padStart(timeWidth))}  ${w.direction(e.from)}  ${styled(e, p, e.label)}${' '.repeat(labelWidth - displayWidth(e.label))}  `;
    const room = width - indent;
    const withCut = e.cutNote ? [e.cutNote.note, ...e.notes].join(w.notesJoin) : '';
    const notes = e.cutNote && e.cutNote.chars + 2 + 1 + displayWidth(withCut) <= room ? withCut : e.notes.join(w.notesJoin);
    const notesWidth = notes === '' ? 0 : displayWidth(notes) + w.notesGap.length;
    const together = room - notesWidth >= MIN_CONTENT || notes === '';
    const content = e.content(together ? room - notesWidth : room);
    if (together) lines.push(`${prefix}${content}${notes === '' ? '' : `${w.notesGap}${p.dim(notes)}`}`);
    else lines.push(`${prefix}${content}`, `${' '.repeat(indent)}${p.dim(notes)}`);
    // the lines under it are cut to the room after the indent: when there is room, they fit the width as they are
    const below = e.below(room, pad);
    if (!Array.isArray(below)) {
      yield finish(lines);
      if (below.text !== '') yield below.text;
      if (below.bytes !== null && below.bytes.length > 0) yield below.bytes;
    }
    // no room after the indent: every line is cut to the width
    else if (room < 1) yield finish([...lines, ...below.map((l) => `${pad}${l}`)]);
    else {
      yield finish(lines);
      // apart from the line above: text that is all ASCII (most of a JSON message's lines) stays a one-byte string, quicker to encode
      if (below.length > 0) yield `${pad}${below.map(trimEnd).join(`\n${pad}`)}\n`;
    }
  }
}
