// A hex and ASCII dump of every frame of a connection, the bytes as they were
// on the wire: for each frame a title, the header bytes (rebuilt from the
// decoded fields, each group explained), then the payload in rows of 16 or 8
// bytes, masked frames with the wire bytes (re-masked with the key) next to
// the unmasked ones. Reads the analysis result only; the ASCII column shows
// printable ASCII and nothing else, and every other string from the capture
// is sanitized before it is printed.
import { noFramesBecause, tellsWebSocket } from './kind.js';
import type { Connection, Frame, Message } from '../model.js';
import type { RenderOptions } from './options.js';
import { clip, paint, type Paint, trimEnd, visibleLength } from './paint.js';
import { hexWords, type HexWords } from '../text/hex-words.js';
import { displayWidth, inQuotes } from '../util/text.js';
import { reportWords } from '../text/report-words.js';
import { noMatchLine, selectionLine } from './narrowed.js';
import { messageOf } from '../select/lookup.js';
import { find, type List, rangeOf } from '../util/list.js';
import type { Ranges } from './ranges.js';
import { putBytes, Scratch } from '../util/scratch.js';
import { codesOf } from './line-bytes.js';

/** A frame's message, by its index. */
interface Messages {
  get(index: number | null): Message | undefined;
}

/** The hex digits, as bytes. */
const DIGITS = Buffer.from('0123456789abcdef', 'latin1');
/** Where a dump's text is put together byte by byte before it becomes one (flat) string: quicker than joining many short strings. */
const scratch = new Scratch(3 * 64);
const room = (n: number): Buffer => scratch.room(n);
/** Where a dump's payload rows are made: they go out as bytes, written before the next frame's are made. */
const rowsScratch = new Scratch(4096);

/** "81 fe 00 7e": bytes in hex, a space between two. */
function hexBytes(bytes: ArrayLike<number>): string {
  const n = bytes.length;
  if (n === 0) return '';
  const out = room(3 * n);
  let j = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]! & 0xff;
    if (i > 0) out[j++] = 0x20;
    out[j++] = DIGITS[b >> 4]!;
    out[j++] = DIGITS[b & 0x0f]!;
  }
  return out.toString('latin1', 0, j);
}

interface HeaderGroup {
  bytes: number[];
  what: string;
  key?: boolean;
}

/**
 * The header as it was sent, rebuilt from the decoded fields: the length form
 * is the one the sender used (the header's length tells it), not the shortest.
 */
function headerGroups(f: Frame, w: HexWords): HeaderGroup[] {
  const b0 = (f.fin ? 0x80 : 0) | (f.rsv1 ? 0x40 : 0) | (f.rsv2 ? 0x20 : 0) | (f.rsv3 ? 0x10 : 0) | (f.opcode & 0x0f);
  const len = BigInt(f.payloadLength);
  let form = f.headerLength - (f.masked ? 4 : 0);
  if (form !== 2 && form !== 4 && form !== 10) form = len < 126n ? 2 : len < 65536n ? 4 : 10;
  const code = form === 4 ? 126 : form === 10 ? 127 : Number(len);
  const rsv = `${f.rsv1 ? 1 : 0}${f.rsv2 ? 1 : 0}${f.rsv3 ? 1 : 0}`;
  const groups: HeaderGroup[] = [
    { bytes: [b0], what: w.firstByte(f.fin, rsv, f.opcode) },
    { bytes: [(f.masked ? 0x80 : 0) | code], what: w.secondByte(f.masked, code) },
  ];
  if (form !== 2) {
    const size = form === 4 ? 2 : 8;
    const ext: number[] = [];
    for (let i = size - 1; i >= 0; i--) ext.push(Number((len >> BigInt(8 * i)) & 0xffn));
    groups.push({ bytes: ext, what: w.extendedLength(len) });
  }
  if (f.masked && f.maskingKey) groups.push({ bytes: Array.from(keyOf(f.maskingKey).bytes), what: w.maskingKey, key: true });
  return groups;
}

function packetsText(f: Frame, w: HexWords): string {
  const first = f.packets[0];
  if (f.packets.length <= 1 || first === undefined || first === f.packet) return w.packets(f.packet, f.packet, 1);
  return w.packets(first, f.packet, f.packets.length);
}

/** A frame's masking key as bytes and as spaced hex ("a1 b2 c3 d4"), made once for the several parts of its dump that show it. */
interface Key {
  text: string;
  bytes: Buffer;
  spaced: string;
}

let lastKey: Key | null = null;

function keyOf(text: string): Key {
  if (lastKey?.text !== text) {
    const bytes = Buffer.from(text, 'hex');
    lastKey = { text, bytes, spaced: hexBytes(bytes) };
  }
  return lastKey;
}

/** Lines, and whether each fits the width as it is (nothing to cut, no trailing space): then they need no measuring again. */
interface Lines {
  lines: string[];
  fit: boolean;
}

/** Joins the parts with a separator, starting a new (indented) line when the next would not fit. */
function wrap(parts: string[], width: number, sep = ' · ', indent = '  '): Lines {
  const lines: string[] = [];
  let cur = '';
  // the width of the line so far, kept as it grows (each part is measured once)
  let used = 0;
  let widest = 0;
  for (const part of parts) {
    const w = visibleLength(part);
    if (cur === '') {
      cur = lines.length === 0 ? part : `${indent}${part}`;
      used = (lines.length === 0 ? 0 : visibleLength(indent)) + w;
    } else if (used + sep.length + w <= width) {
      cur += `${sep}${part}`;
      used += sep.length + w;
    } else {
      lines.push(cur);
      widest = Math.max(widest, used);
      cur = `${indent}${part}`;
      used = visibleLength(indent) + w;
    }
  }
  if (cur !== '') lines.push(cur);
  widest = Math.max(widest, used);
  // the parts (frame fields) never end in a space
  return { lines, fit: widest <= width };
}

/** Wrapped texts by room and text, per style: a dump explains the same header fields (the same few dozen texts) for every frame. */
const FLOWN = new WeakMap<(s: string) => string, Map<string, Lines>>();
const FLOWN_MAX = 4096;
const plainStyle = (s: string): string => s;

/**
 * Text after a prefix, its words wrapped to the width; later lines are
 * indented under the text. `remember`: the text is one of a few that come
 * back (a header field's explanation), its wrapping kept.
 */
/** The last prefix flow measured, and its width: a dump's notes and header lines start with a few prefixes over and over. */
let lastPrefix = '';
let lastPrefixWidth = 0;

function flow(prefix: string, text: string, width: number, style: (s: string) => string = plainStyle, remember = false, lay: HexWords['wrap'] = null): Lines {
  if (prefix !== lastPrefix) {
    lastPrefix = prefix;
    lastPrefixWidth = visibleLength(prefix);
  }
  const prefixWidth = lastPrefixWidth;
  const room = width - prefixWidth;
  let styled: Lines | undefined;
  if (remember) {
    let known = FLOWN.get(style);
    if (!known) FLOWN.set(style, (known = new Map()));
    const key = `${room}\u0000${text}`;
    styled = known.get(key);
    if (!styled) {
      styled = wrapText(text, room, style, lay);
      if (known.size >= FLOWN_MAX) known.clear();
      known.set(key, styled);
    }
  } else styled = wrapText(text, room, style, lay);
  // (an empty text leaves the prefix's trailing spaces: not a line that fits as it is)
  if (styled.lines.length === 1) return { lines: [`${prefix}${styled.lines[0]}`], fit: styled.fit && text !== '' };
  const indent = ' '.repeat(prefixWidth);
  return { lines: styled.lines.map((l, i) => `${i === 0 ? prefix : indent}${l}`), fit: styled.fit };
}

/**
 * Words in lines of at most `room` columns (a word wider than that alone on
 * its line), each styled; `fit`: every line fits and none ends in a space.
 */
export function wrapText(text: string, room: number, style: (s: string) => string, lay: HexWords['wrap'] = null): Lines {
  if (lay !== null) {
    // a language whose lines break between characters too
    const laid = lay(text, Math.max(1, room), '');
    return { lines: laid.map(style), fit: laid.every((l) => displayWidth(l) <= room && !l.endsWith(' ')) };
  }
  // on one line (the usual note): what the loop below gives it, without cutting it into words (a leading space it would drop)
  if (!text.startsWith(' ') && displayWidth(text) <= room) return { lines: [style(text)], fit: !text.endsWith(' ') };
  if (PLAIN_WORDS.test(text)) return wrapPlain(text, room, style);
  const lines: string[] = [];
  let cur = '';
  // the width of the line so far, kept as it grows (each word is measured once)
  let used = 0;
  let fit = true;
  const end = (): void => {
    if (used > room || cur.endsWith(' ')) fit = false;
    lines.push(style(cur));
  };
  for (const word of text.split(' ')) {
    const w = displayWidth(word);
    if (cur === '') {
      cur = word;
      used = w;
    } else if (used + 1 + w <= room) {
      cur += ` ${word}`;
      used += 1 + w;
    } else {
      end();
      cur = word;
      used = w;
    }
  }
  end();
  return { lines, fit };
}

/** Printable ASCII words between single spaces: a column a character, a line break at a space. */
const PLAIN_WORDS = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

/**
 * wrapText's lines for a text of PLAIN_WORDS, found at its spaces rather
 * than word by word (a compressed frame's note, about 110 columns, wraps
 * once message numbers reach five digits: for every frame from then on):
 * a line ends at the last space within the room, or, when the first word is
 * wider than the room, after that word.
 */
function wrapPlain(text: string, room: number, style: (s: string) => string): Lines {
  const lines: string[] = [];
  let fit = true;
  let start = 0;
  while (text.length - start > room) {
    let space = text.lastIndexOf(' ', start + room);
    if (space <= start) {
      space = text.indexOf(' ', start);
      if (space === -1) break;
      fit = false;
    }
    lines.push(style(text.slice(start, space)));
    start = space + 1;
  }
  if (text.length - start > room) fit = false;
  lines.push(style(text.slice(start)));
  return { lines, fit };
}

function title(f: Frame, width: number, p: Paint, w: HexWords): Lines {
  const len = BigInt(f.payloadLength);
  const form = f.headerLength - (f.masked ? 4 : 0);
  const bits = form === 4 ? 16 : form === 10 ? 64 : null;
  const rsv = [f.rsv1 ? 'RSV1' : '', f.rsv2 ? 'RSV2' : '', f.rsv3 ? 'RSV3' : ''].filter((x) => x !== '').join(' ');
  const parts = [
    p.bold(w.frame(f.index)),
    packetsText(f, w),
    w.direction(f.from),
    w.opcode(f.opcode),
    `FIN ${f.fin ? 1 : 0}`,
    ...(rsv ? [rsv] : []),
    w.length(len, bits),
    f.masked && f.maskingKey ? `${w.key} ${p.magenta(keyOf(f.maskingKey).spaced)}` : w.notMasked,
    ...(f.complete ? [] : [p.yellow(w.incomplete)]),
  ];
  return wrap(parts, width);
}

/**
 * What a connection's dump makes again and again, made once (its width,
 * paint and words are the same for every frame): the lines that explain the
 * first two header bytes, by their values and the column they sit in, and
 * the payload's column heads.
 */
interface HexCache {
  byteLines: Map<string, Lines[]>;
  heads: Map<string, string>;
}

function headerLines(f: Frame, width: number, p: Paint, w: HexWords, cache: HexCache): Lines[] {
  const groups = headerGroups(f, w);
  const colour = (g: HeaderGroup, s: string): string => (g.key ? p.magenta(s) : p.cyan(s));
  let bytes = 0;
  for (const g of groups) bytes += g.bytes.length;
  // "  header  " and the bytes, a space between two
  const out: Lines[] = [{ lines: [`  ${w.header}  ${groups.map((g) => colour(g, hexBytes(g.bytes))).join(' ')}`], fit: 4 + displayWidth(w.header) + 3 * bytes - 1 <= width }];
  const widest = Math.max(...groups.map((g) => g.bytes.length * 3 - 1));
  const line = (g: HeaderGroup): Lines => flow(`    ${colour(g, hexBytes(g.bytes))}${' '.repeat(widest - (g.bytes.length * 3 - 1))}  `, g.what, width, p.dim, true, w.wrap);
  // the first byte (FIN, RSV, opcode) and the second (MASK, the length's code) say what their values say
  const key = `${groups[0]!.bytes[0]} ${groups[1]!.bytes[0]} ${widest}`;
  let first = cache.byteLines.get(key);
  if (first === undefined) {
    if (cache.byteLines.size >= FLOWN_MAX) cache.byteLines.clear();
    cache.byteLines.set(key, (first = [line(groups[0]!), line(groups[1]!)]));
  }
  out.push(...first);
  for (let i = 2; i < groups.length; i++) out.push(line(groups[i]!));
  return out;
}

/** A frame's notes, each as flow lays it out (lines that fit the width as they are say so). */
function notes(f: Frame, msg: Message | undefined, width: number, p: Paint, w: HexWords): Lines[] {
  const out: Lines[] = [];
  const note = (s: string): void => void out.push(flow(`  ${p.cyan(w.note)}${w.noteGap}`, s, width, plainStyle, false, w.wrap));
  const warn = (s: string): void => void out.push(flow(`  ${p.yellow(w.note)}${w.noteGap}`, s, width, plainStyle, false, w.wrap));
  const len = BigInt(f.payloadLength);
  const held = BigInt(f.payload.length);
  if (!f.complete) {
    const parts: string[] = [];
    if (f.missingBytes > 0) parts.push(w.neverCaptured(f.missingBytes));
    if (held < len) parts.push(w.holds(held, len));
    warn(w.incompleteNote(parts.length > 0 ? parts.join(w.partsJoin) : null));
  } else if (held < len) {
    warn(w.keptOnly(held, len));
  }
  const fragment = msg && msg.frames.length > 1 ? w.fragment(msg.frames.indexOf(f.index) + 1, msg.frames.length, msg.type, msg.index) : null;
  if (msg?.compressed) note(w.compressed(fragment, msg.index, msg.inflatedLength));
  else if (fragment) note(fragment);
  if (f.close) {
    if (f.close.code === null) note(w.closeNoCode(f.payload.length === 1));
    else note(w.closeCode(f.close.code, f.close.reason ? inQuotes(f.close.reason, 60) : null));
  }
  if (f.answers) note(w.answers(f.answers.frame, f.answers.packet, f.answers.rtt));
  return out;
}

/** Bytes per row: 16 when they fit in the width, else 8 (fewer only when even 8 do not fit). */
function rowBytes(masked: boolean, offsetWidth: number, width: number): number {
  for (const n of [16, 8, 4, 2, 1]) {
    const column = 3 * n - 1;
    const row = 2 + offsetWidth + 2 + column + (masked ? 2 + column : 0) + 2 + n + 2;
    if (row <= width) return n;
  }
  return 1;
}

/** ANSI codes as bytes (empty when colour is off): a dump row is put together byte by byte. */
interface RowCodes {
  dim: [Buffer, Buffer];
  yellow: [Buffer, Buffer];
}

const CODES = new WeakMap<Paint, RowCodes>();

function codes(p: Paint): RowCodes {
  const known = CODES.get(p);
  if (known) return known;
  const made = { dim: codesOf(p.dim), yellow: codesOf(p.yellow) };
  CODES.set(p, made);
  return made;
}

/**
 * The payload rows, each line ending in a newline, built byte by byte and
 * printed as the bytes they are (every character of a row is ASCII: offsets,
 * hex digits, printable ASCII or a dot, and the colour codes): a busy
 * connection has millions. A view of a buffer used again for the next frame's.
 * Rows fit the width by construction (rowBytes) but when not even one byte a row does.
 */
function payloadRows(payload: Buffer, shown: number, n: number, key: Buffer | null, offsetWidth: number, column: number, c: RowCodes): Buffer {
  const rows = Math.ceil(shown / n);
  const colour = c.dim[0].length + c.dim[1].length;
  const perRow = 2 + offsetWidth + 2 + (key ? column + 2 + c.yellow[0].length + c.yellow[1].length : 0) + column + 2 + n + 2 + 3 * colour + 1;
  const out = rowsScratch.room(rows * perRow);
  let j = 0;
  // (no colour: nothing to put)
  const put = colour === 0 ? (): void => {} : (b: Buffer): void => void (j = putBytes(out, j, b));
  const spaces = (k: number): void => {
    for (; k > 0; k--) out[j++] = 0x20;
  };
  const hex = (b: number): void => {
    out[j++] = DIGITS[b >> 4]!;
    out[j++] = DIGITS[b & 0x0f]!;
  };
  for (let at = 0; at < shown; at += n) {
    const end = Math.min(at + n, shown);
    spaces(2);
    put(c.dim[0]);
    // the offset in hex, zero-padded (a digit a nibble, from the last; a Buffer holds fewer than 2^32 bytes)
    for (let k = offsetWidth - 1, v = at; k >= 0; k--, v >>>= 4) out[j + k] = DIGITS[v & 0x0f]!;
    j += offsetWidth;
    put(c.dim[1]);
    spaces(2);
    if (key) {
      put(c.yellow[0]);
      for (let i = at; i < end; i++) {
        if (i > at) out[j++] = 0x20;
        hex(payload[i]! ^ key[i & 3]!);
      }
      put(c.yellow[1]);
      spaces(column - ((end - at) * 3 - 1) + 2);
    }
    for (let i = at; i < end; i++) {
      if (i > at) out[j++] = 0x20;
      hex(payload[i]!);
    }
    spaces(column - ((end - at) * 3 - 1) + 2);
    put(c.dim[0]);
    out[j++] = 0x7c;
    put(c.dim[1]);
    for (let i = at; i < end; i++) {
      const b = payload[i]!;
      out[j++] = b >= 0x20 && b <= 0x7e ? b : 0x2e;
    }
    put(c.dim[0]);
    out[j++] = 0x7c;
    put(c.dim[1]);
    out[j++] = 0x0a;
  }
  return out.subarray(0, j);
}

/**
 * The payload part of a frame's dump: its lines to be cut to the width, and
 * the rows (ready, each ending in a newline) that follow them, then its last lines.
 */
function payloadLines(f: Frame, msg: Message | undefined, limit: number, width: number, p: Paint, w: HexWords, cache: HexCache): { head: Lines; rows: string | Buffer; tail: string[] } {
  const none = { head: { lines: [], fit: true }, rows: '', tail: [] };
  const len = BigInt(f.payloadLength);
  if (len === 0n) return { ...none, head: { lines: [`  ${w.payload}  ${w.none}`], fit: false } };
  const held = f.payload.length;
  const shown = Math.min(held, limit);
  if (shown === 0) {
    if (held === 0) return none;
    return { ...none, head: { lines: [`  ${w.payload}  ${w.notShown(held)}`], fit: false } };
  }
  const key = f.masked && f.maskingKey ? keyOf(f.maskingKey).bytes : null;
  const masked = key !== null && key.length === 4;
  const offsetWidth = Math.max(4, (shown - 1).toString(16).length);
  const n = rowBytes(masked, offsetWidth, width);
  // a payload shorter than a row gets columns as wide as it (or as its labels)
  const bytesWidth = 3 * Math.min(n, shown) - 1;
  const compressed = msg?.compressed === true;
  const pick = (long: string, short: string): string => (displayWidth(long) <= bytesWidth ? long : short);
  const c = w.columns;
  const names = masked ? [pick(c.wire, c.wireShort), pick(compressed ? c.unmaskedDeflate : c.unmasked, c.unmasked)] : [pick(compressed ? c.bytesDeflate : c.bytes, c.bytes)];
  const column = Math.max(bytesWidth, ...names.map(displayWidth));
  // the column heads, as they are printed (cut to the width), made once for each layout
  const headKey = `${names.join('\u0000')}\u0000${column}\u0000${offsetWidth}`;
  let headLine = cache.heads.get(headKey);
  if (headLine === undefined) {
    const labels = names.map((l) => `${l}${' '.repeat(column - displayWidth(l))}`);
    if (cache.heads.size >= FLOWN_MAX) cache.heads.clear();
    cache.heads.set(headKey, (headLine = trimEnd(clip(`  ${' '.repeat(offsetWidth)}  ${p.dim([...labels, c.ascii].join('  '))}`, width))));
  }
  // (cut already)
  const head = { lines: [headLine], fit: true };
  const tail = held > shown ? [`  ${p.dim(w.moreNotShown(held - shown))}`] : [];
  const rows = payloadRows(f.payload, shown, n, masked ? key : null, offsetWidth, column, codes(p));
  // rows wider than the width (only when not even one byte a row fits) are cut like every other line
  const rowWidth = 2 + offsetWidth + 2 + (masked ? column + 2 : 0) + column + 2 + Math.min(n, shown) + 2;
  if (rowWidth > width) return { head, rows: `${rows.toString('latin1', 0, rows.length - 1).split('\n').map((l) => trimEnd(clip(l, width))).join('\n')}\n`, tail };
  return { head, rows, tail };
}

/** Lines as they are printed: cut to the width and without trailing spaces, unless they are known to fit. */
function finish(pieces: readonly Lines[], width: number): string {
  let out = '';
  for (const piece of pieces) for (const l of piece.lines) out += `${piece.fit ? l : trimEnd(clip(l, width))}\n`;
  return out;
}

/** A frame's dump, each line ending in a newline: its lines, its payload's rows (bytes, mostly), its last lines. */
function* frameSection(f: Frame, messages: Messages, opts: RenderOptions, width: number, p: Paint, w: HexWords, first: boolean, cache: HexCache): Generator<string | Buffer> {
  const limit = Number.isNaN(opts.maxPayload) ? 0 : Math.max(0, Math.floor(opts.maxPayload));
  const msg = messages.get(f.message);
  const payload = payloadLines(f, msg, limit, width, p, w, cache);
  const head = finish([title(f, width, p, w), ...headerLines(f, width, p, w, cache), ...notes(f, msg, width, p, w), payload.head], width);
  yield first ? head : `\n${head}`;
  if (payload.rows.length > 0) yield payload.rows;
  if (payload.tail.length > 0) yield finish([{ lines: payload.tail, fit: false }], width);
}

/**
 * The dump of a connection's frames; with `only` (--frame N), of frame N
 * alone: the user asked for that frame, and its bytes are what --hex adds to
 * the drawing of --frame.
 */
export function renderHex(conn: Connection, opts: RenderOptions, only: number | null = null): string {
  let out = '';
  for (const chunk of hexChunks(conn, opts, only)) out += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
  return out;
}

/** What the dumps of a run of frames share: made once for the run. */
interface HexRun {
  p: Paint;
  w: HexWords;
  width: number;
  messages: Messages;
  cache: HexCache;
}

function hexRun(conn: Pick<Connection, 'messages'>, opts: RenderOptions): HexRun {
  return {
    p: paint(opts.color),
    w: hexWords(opts.lang),
    width: Number.isFinite(opts.width) ? Math.max(1, Math.floor(opts.width)) : Infinity,
    messages: { get: (index) => messageOf(conn, index) },
    cache: { byteLines: new Map(), heads: new Map() },
  };
}

/**
 * The dumps of the connection's frames `from` to `to` (not included), as
 * they are in the whole dump: a range can be drawn apart (by another
 * thread: render/draw.ts) and put in its place.
 */
export function* hexFrames(conn: Pick<Connection, 'frames' | 'messages'>, opts: RenderOptions, from: number, to: number, run: HexRun = hexRun(conn, opts)): Generator<string | Buffer> {
  let i = from;
  for (const f of rangeOf(conn.frames, from, to)) {
    yield* frameSection(f, run.messages, opts, run.width, run.p, run.w, i++ === 0, run.cache);
  }
}

/**
 * The dump a frame at a time; `ranges`, when given, draws the frames a
 * range at a time, some of them elsewhere (render/draw.ts).
 */
export function* hexChunks(conn: Connection, opts: RenderOptions, only: number | null = null, ranges: Ranges | null = null): Generator<string | Buffer> {
  const run = hexRun(conn, opts);
  const { p, w, width } = run;
  const none = noMatchLine(conn, ['frames'], opts.lang);
  if (none) {
    yield `${reportWords(opts.lang).wrap(none, width, '').join('\n')}\n`;
    return;
  }
  if (conn.frames.length === 0) {
    yield `${clip(w.nothing(tellsWebSocket(conn), noFramesBecause(conn, opts.lang)), width)}\n`;
    return;
  }
  // --frame N: that frame alone, found by its index (a selection keeps the indexes of the frames it keeps)
  const asked = only === null ? undefined : find(conn.frames, (f) => f.index === only);
  const frames: List<Frame> = only === null ? conn.frames : asked ? [asked] : [];
  if (frames.length === 0) {
    yield `${clip(w.noFrame(only), width)}\n`;
    return;
  }
  const selected = selectionLine(conn, ['frames'], opts.lang);
  if (selected && only === null) yield finish([{ lines: reportWords(opts.lang).wrap(selected, width, '').map((l) => p.dim(l)), fit: false }], width);
  const shown = { frames, messages: conn.messages };
  const local = (from: number, to: number): Iterable<string | Buffer> => hexFrames(shown, opts, from, to, run);
  yield* only === null && ranges !== null ? ranges(conn, { view: 'hex', opts }, frames.length, local) : local(0, frames.length);
}
