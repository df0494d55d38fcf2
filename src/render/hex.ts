// A hex and ASCII dump of every frame of a connection, the bytes as they were
// on the wire: for each frame a title, the header bytes (rebuilt from the
// decoded fields, each group explained), then the payload in rows of 16 or 8
// bytes, masked frames with the wire bytes (re-masked with the key) next to
// the unmasked ones. Reads the analysis result only; the ASCII column shows
// printable ASCII and nothing else, and every other string from the capture
// is sanitized before it is printed.
import { tellsWebSocket } from './kind.js';
import type { Connection, Frame, Message } from '../model.js';
import type { RenderOptions } from './options.js';
import { clip, paint, type Paint, trimEnd, visibleLength } from './paint.js';
import { opcodeName } from '../websocket/frame.js';
import { closeCodeName } from '../websocket/close.js';
import { formatRtt, plural } from '../text/words.js';
import { displayWidth, inQuotes, wrap as wrapWords } from '../util/text.js';
import { noMatchLine, selectionLine } from './narrowed.js';
import { messageOf } from '../select/lookup.js';
import { find, type List } from '../util/list.js';

/** A frame's message, by its index. */
interface Messages {
  get(index: number | null): Message | undefined;
}

/** The hex digits, as bytes. */
const DIGITS = Buffer.from('0123456789abcdef', 'latin1');
/** Where a dump's text is put together byte by byte before it becomes one (flat) string: quicker than joining many short strings. */
let scratch = Buffer.alloc(3 * 64);

function room(n: number): Buffer {
  if (scratch.length < n) scratch = Buffer.alloc(Math.max(n, 2 * scratch.length));
  return scratch;
}

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

/** Printable ASCII as it is, every other byte a dot. */
function ascii(bytes: Buffer): string {
  const n = bytes.length;
  const out = room(n);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    out[i] = b >= 0x20 && b <= 0x7e ? b : 0x2e;
  }
  return out.toString('latin1', 0, n);
}

function lengthText(n: bigint): string {
  return n === 1n ? '1 byte' : `${n} bytes`;
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
function headerGroups(f: Frame): HeaderGroup[] {
  const b0 = (f.fin ? 0x80 : 0) | (f.rsv1 ? 0x40 : 0) | (f.rsv2 ? 0x20 : 0) | (f.rsv3 ? 0x10 : 0) | (f.opcode & 0x0f);
  const len = BigInt(f.payloadLength);
  let form = f.headerLength - (f.masked ? 4 : 0);
  if (form !== 2 && form !== 4 && form !== 10) form = len < 126n ? 2 : len < 65536n ? 4 : 10;
  const code = form === 4 ? 126 : form === 10 ? 127 : Number(len);
  const rsv = `${f.rsv1 ? 1 : 0}${f.rsv2 ? 1 : 0}${f.rsv3 ? 1 : 0}`;
  const groups: HeaderGroup[] = [
    { bytes: [b0], what: `FIN ${f.fin ? 1 : 0}, RSV ${rsv}, opcode 0x${f.opcode.toString(16)} ${opcodeName(f.opcode)}` },
    {
      bytes: [(f.masked ? 0x80 : 0) | code],
      what: `MASK ${f.masked ? 1 : 0}, length ${code}${code === 126 ? ': a 16-bit length follows' : code === 127 ? ': a 64-bit length follows' : ''}`,
    },
  ];
  if (form !== 2) {
    const size = form === 4 ? 2 : 8;
    const ext: number[] = [];
    for (let i = size - 1; i >= 0; i--) ext.push(Number((len >> BigInt(8 * i)) & 0xffn));
    groups.push({ bytes: ext, what: `extended length ${len}` });
  }
  if (f.masked && f.maskingKey) groups.push({ bytes: Array.from(Buffer.from(f.maskingKey, 'hex')), what: 'masking key', key: true });
  return groups;
}

function packetsText(f: Frame): string {
  const first = f.packets[0];
  if (f.packets.length <= 1 || first === undefined || first === f.packet) return `packet ${f.packet}`;
  return `packets ${first}–${f.packet} (${f.packets.length} segments)`;
}

function spacedKey(key: string): string {
  return key.replace(/(..)(?!$)/g, '$1 ');
}

/** Joins the parts with a separator, starting a new (indented) line when the next would not fit. */
function wrap(parts: string[], width: number, sep = ' · ', indent = '  '): string[] {
  const lines: string[] = [];
  let cur = '';
  // the width of the line so far, kept as it grows (each part is measured once)
  let used = 0;
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
      cur = `${indent}${part}`;
      used = visibleLength(indent) + w;
    }
  }
  if (cur !== '') lines.push(cur);
  return lines;
}

/** Text after a prefix, its words wrapped to the width; later lines are indented under the text. */
function flow(prefix: string, text: string, width: number, style: (s: string) => string = (s) => s): string[] {
  const room = width - visibleLength(prefix);
  const indent = ' '.repeat(visibleLength(prefix));
  const lines: string[] = [];
  let cur = '';
  // the width of the line so far, kept as it grows (each word is measured once)
  let used = 0;
  for (const word of text.split(' ')) {
    const w = displayWidth(word);
    if (cur === '') {
      cur = word;
      used = w;
    } else if (used + 1 + w <= room) {
      cur += ` ${word}`;
      used += 1 + w;
    } else {
      lines.push(cur);
      cur = word;
      used = w;
    }
  }
  lines.push(cur);
  return lines.map((l, i) => `${i === 0 ? prefix : indent}${style(l)}`);
}

function title(f: Frame, width: number, p: Paint): string[] {
  const len = BigInt(f.payloadLength);
  const form = f.headerLength - (f.masked ? 4 : 0);
  const bits = form === 4 ? ' (16-bit length)' : form === 10 ? ' (64-bit length)' : '';
  const rsv = [f.rsv1 ? 'RSV1' : '', f.rsv2 ? 'RSV2' : '', f.rsv3 ? 'RSV3' : ''].filter((x) => x !== '').join(' ');
  const parts = [
    p.bold(`Frame ${f.index}`),
    packetsText(f),
    f.from === 'client' ? 'client → server' : 'server → client',
    opcodeName(f.opcode),
    `FIN ${f.fin ? 1 : 0}`,
    ...(rsv ? [rsv] : []),
    `${lengthText(len)}${bits}`,
    f.masked && f.maskingKey ? `key ${p.magenta(spacedKey(f.maskingKey))}` : 'not masked',
    ...(f.complete ? [] : [p.yellow('incomplete')]),
  ];
  return wrap(parts, width);
}

function headerLines(f: Frame, width: number, p: Paint): string[] {
  const groups = headerGroups(f);
  const colour = (g: HeaderGroup, s: string): string => (g.key ? p.magenta(s) : p.cyan(s));
  const lines = [`  header  ${groups.map((g) => colour(g, hexBytes(g.bytes))).join(' ')}`];
  const w = Math.max(...groups.map((g) => g.bytes.length * 3 - 1));
  for (const g of groups) lines.push(...flow(`    ${colour(g, hexBytes(g.bytes))}${' '.repeat(w - (g.bytes.length * 3 - 1))}  `, g.what, width, p.dim));
  return lines;
}

function notes(f: Frame, messages: Messages, width: number, p: Paint): string[] {
  const out: string[] = [];
  const note = (s: string): void => void out.push(...flow(`  ${p.cyan('note:')} `, s, width));
  const warn = (s: string): void => void out.push(...flow(`  ${p.yellow('note:')} `, s, width));
  const len = BigInt(f.payloadLength);
  const held = BigInt(f.payload.length);
  if (!f.complete) {
    const parts: string[] = [];
    if (f.missingBytes > 0) parts.push(`${plural(f.missingBytes, 'payload byte')} never captured (lost bytes are shown as unmasked 00)`);
    if (held < len) parts.push(`the capture holds ${held} of the ${lengthText(len)} of payload`);
    warn(`incomplete: ${parts.length > 0 ? parts.join('; ') : 'not every byte of this frame was captured'}`);
  } else if (held < len) {
    warn(`the analysis kept only the first ${held} of the ${lengthText(len)} of payload`);
  }
  const msg = messages.get(f.message);
  const fragment = msg && msg.frames.length > 1 ? `fragment ${msg.frames.indexOf(f.index) + 1} of ${msg.frames.length} of ${msg.type} message ${msg.index}` : null;
  if (msg?.compressed) {
    const inflated = msg.inflatedLength !== null ? `inflates to ${plural(msg.inflatedLength, 'byte')}` : 'could not be inflated';
    note(`compressed (permessage-deflate): the payload is deflate data, shown as sent; ${fragment ? `this is ${fragment}, which` : `message ${msg.index}`} ${inflated}`);
  } else if (fragment) note(fragment);
  if (f.close) {
    if (f.close.code === null) note(f.payload.length === 1 ? 'close body of 1 byte: no status code can be read' : 'close with no status code');
    else {
      const reason = f.close.reason ? `, reason ${inQuotes(f.close.reason, 60)}` : '';
      note(`close code ${f.close.code} (${closeCodeName(f.close.code)})${reason}`);
    }
  }
  if (f.answers) note(`answers the ping of frame ${f.answers.frame} (packet ${f.answers.packet}); round trip ${formatRtt(f.answers.rtt)}`);
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

function payloadLines(f: Frame, messages: Messages, limit: number, width: number, p: Paint): string[] {
  const len = BigInt(f.payloadLength);
  if (len === 0n) return ['  payload  none'];
  const held = f.payload.length;
  const shown = Math.min(held, limit);
  if (shown === 0) {
    if (held === 0) return [];
    return [`  payload  ${plural(held, 'byte')} not shown`];
  }
  const key = f.masked && f.maskingKey ? Buffer.from(f.maskingKey, 'hex') : null;
  const masked = key !== null && key.length === 4;
  const offsetWidth = Math.max(4, (shown - 1).toString(16).length);
  const n = rowBytes(masked, offsetWidth, width);
  // a payload shorter than a row gets columns as wide as it (or as its labels)
  const bytesWidth = 3 * Math.min(n, shown) - 1;
  const compressed = messages.get(f.message)?.compressed === true;
  const pick = (long: string, short: string): string => (long.length <= bytesWidth ? long : short);
  const names = masked ? [pick('wire (masked)', 'wire'), pick(compressed ? 'unmasked (deflate)' : 'unmasked', 'unmasked')] : [pick(compressed ? 'bytes (deflate)' : 'bytes', 'bytes')];
  const column = Math.max(bytesWidth, ...names.map((l) => l.length));
  const labels = names.map((l) => l.padEnd(column));
  const lines = [`  ${' '.repeat(offsetWidth)}  ${p.dim([...labels, 'ascii'].join('  '))}`];
  for (let at = 0; at < shown; at += n) {
    const plain = f.payload.subarray(at, Math.min(at + n, shown));
    const cols: string[] = [];
    if (masked) {
      const wire = Buffer.from(plain);
      for (let i = 0; i < wire.length; i++) wire[i] = wire[i]! ^ key[(at + i) % 4]!;
      cols.push(p.yellow(hexBytes(wire)) + ' '.repeat(column - (wire.length * 3 - 1)));
    }
    cols.push(hexBytes(plain) + ' '.repeat(column - (plain.length * 3 - 1)));
    cols.push(`${p.dim('|')}${ascii(plain)}${p.dim('|')}`);
    lines.push(`  ${p.dim(at.toString(16).padStart(offsetWidth, '0'))}  ${cols.join('  ')}`);
  }
  if (held > shown) lines.push(`  ${p.dim(`… ${plural(held - shown, 'more payload byte')} not shown`)}`);
  return lines;
}

function frameSection(f: Frame, messages: Messages, opts: RenderOptions, width: number, p: Paint): string[] {
  const limit = Number.isNaN(opts.maxPayload) ? 0 : Math.max(0, Math.floor(opts.maxPayload));
  return [...title(f, width, p), ...headerLines(f, width, p), ...notes(f, messages, width, p), ...payloadLines(f, messages, limit, width, p)];
}

/**
 * The dump of a connection's frames; with `only` (--frame N), of frame N
 * alone: the user asked for that frame, and its bytes are what --hex adds to
 * the drawing of --frame.
 */
export function renderHex(conn: Connection, opts: RenderOptions, only: number | null = null): string {
  let out = '';
  for (const chunk of hexChunks(conn, opts, only)) out += chunk;
  return out;
}

/** The dump a frame at a time. */
export function* hexChunks(conn: Connection, opts: RenderOptions, only: number | null = null): Generator<string> {
  const p = paint(opts.color);
  const width = Number.isFinite(opts.width) ? Math.max(1, Math.floor(opts.width)) : Infinity;
  const none = noMatchLine(conn, ['frames']);
  if (none) {
    yield `${wrapWords(none, width, '').join('\n')}\n`;
    return;
  }
  if (conn.frames.length === 0) {
    yield `${clip(tellsWebSocket(conn) ? 'No WebSocket frames.' : 'No WebSocket frames: not a WebSocket connection.', width)}\n`;
    return;
  }
  // --frame N: that frame alone, found by its index (a selection keeps the indexes of the frames it keeps)
  const asked = only === null ? undefined : find(conn.frames, (f) => f.index === only);
  const frames: List<Frame> = only === null ? conn.frames : asked ? [asked] : [];
  if (frames.length === 0) {
    yield `${clip(`No frame ${only} to dump.`, width)}\n`;
    return;
  }
  const messages: Messages = { get: (index) => messageOf(conn, index) };
  const finish = (lines: string[]): string => `${lines.map((l) => trimEnd(clip(l, width))).join('\n')}\n`;
  const selected = selectionLine(conn, ['frames']);
  if (selected && only === null) yield finish(wrapWords(selected, width, '').map((l) => p.dim(l)));
  let first = true;
  for (const f of frames) {
    const section = frameSection(f, messages, opts, width, p);
    yield finish(first ? section : ['', ...section]);
    first = false;
  }
}
