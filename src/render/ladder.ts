// A ladder (sequence) diagram of one connection, like Wireshark's flow graph:
// the client's lifeline on the left, the server's on the right, one arrow per
// packet of the timeline with its number and time in a left margin, and a rule
// naming each phase as the connection enters it. Reads the analysis result
// only; every summary from the capture is sanitized before it is drawn.
import { endpoint } from './kind.js';
import { type Connection, type Phase, PHASES, type TimelineEntry } from '../model.js';
import type { RenderOptions } from './options.js';
import { paint, type Paint } from './paint.js';
import { cutWidth, displayWidth, fixed6, safeCut } from '../util/text.js';
import { noMatchLine, selectionLine, timelineWidths } from './narrowed.js';
import { entrySummary } from '../text/packets.js';
import { type LadderWords, ladderWords } from '../text/packet-words.js';
import { reportWords } from '../text/report-words.js';
import type { Lang } from '../text/lang.js';

/** Arrows never get narrower than this, whatever the width asked for. */
const MIN_ARROW = 24;

/** Each phase in plain words, as its separator names it, in English (text/packet-words.ts ladderWords: in the reader's language). */
export const PHASE_NAMES: Readonly<Record<Phase, string>> = Object.fromEntries(PHASES.map((phase) => [phase, ladderWords('en').phase(phase)])) as Record<Phase, string>;

interface Layout {
  /** width of the packet-number and time columns of the margin */
  numWidth: number;
  timeWidth: number;
  /** column of the client's lifeline (the margin's width) */
  left: number;
  /** characters between the two lifelines */
  arrow: number;
  /** total width of a line */
  width: number;
  /** the words of the reader's language */
  w: LadderWords;
  lang: Lang | undefined;
}

function time(t: number): string {
  return fixed6(t);
}

function layout(conn: Connection, width: number, lang: Lang | undefined): Layout {
  const w = ladderWords(lang);
  // the columns' heads fit over them ("No.", "序号")
  const widest = timelineWidths(conn, time);
  const numWidth = Math.max(3, displayWidth(w.number), widest.packet);
  const timeWidth = Math.max(8, displayWidth(w.time), widest.time);
  const left = numWidth + 2 + timeWidth + 2;
  const arrow = Math.max(MIN_ARROW, width - left - 2);
  return { numWidth, timeWidth, left, arrow, width: left + arrow + 2, w, lang };
}

/** Terminal columns: a wide character (CJK, emoji) takes two, so the server's lifeline stays put. */
function length(s: string): number {
  return displayWidth(s);
}

/** `s` right-aligned in `width` columns. */
function padStart(s: string, width: number): string {
  return `${' '.repeat(Math.max(0, width - length(s)))}${s}`;
}

/** The lifelines' names over them: on one line when they fit, else one line each. */
function header(conn: Connection, l: Layout, p: Paint): string[] {
  const client = l.w.lifeline('client', endpoint(conn.client));
  const server = l.w.lifeline('server', endpoint(conn.server));
  const margin = `${padStart(l.w.number, l.numWidth)}  ${padStart(l.w.time, l.timeWidth)}  `;
  const lifelines = `${' '.repeat(l.left)}│${' '.repeat(l.arrow)}│`;
  if (l.left + length(client) + 1 + length(server) <= l.width) {
    const gap = l.width - l.left - length(client) - length(server);
    return [`${p.dim(margin)}${p.bold(client)}${' '.repeat(gap)}${p.bold(server)}`, lifelines];
  }
  // too narrow for both: the client's name starts at its lifeline (or earlier), the server's ends at its own
  const c = cutWidth(client, l.width);
  const s = cutWidth(server, l.width);
  const start = Math.min(l.left, l.width - length(c));
  const first = start >= length(margin) ? `${p.dim(margin)}${' '.repeat(start - length(margin))}` : ' '.repeat(start);
  return [`${first}${p.bold(c)}`, `${' '.repeat(l.width - length(s))}${p.bold(s)}`, lifelines];
}

/** A rule across the whole width naming the phase. */
function separator(phase: Phase, l: Layout, p: Paint): string {
  const label = `── ${cutWidth(l.w.phase(phase), l.width - 6)} `;
  return p.phase(phase, `${label}${'─'.repeat(Math.max(2, l.width - length(label)))}`);
}

/**
 * The arrow between the lifelines, the summary written on it near its left
 * end (so that summaries line up down the diagram): `─── SYN ────▶` from
 * the client, `◀── SYN, ACK ────` from the server.
 */
function arrow(e: TimelineEntry, l: Layout): string {
  const text = safeCut(entrySummary(e, l.lang), l.arrow - 7);
  const head = e.from === 'client' ? '─── ' : '◀── ';
  const body = `${head}${text} `;
  const rest = '─'.repeat(l.arrow - length(body) - (e.from === 'client' ? 1 : 0));
  return e.from === 'client' ? `${body}${rest}▶` : `${body}${rest}`;
}

function row(e: TimelineEntry, l: Layout, p: Paint): string {
  const margin = `${String(e.packet).padStart(l.numWidth)}  ${p.dim(time(e.relTs).padStart(l.timeWidth))}  `;
  return `${margin}│${p.phase(e.phase, arrow(e, l))}│`;
}

export function renderLadder(conn: Connection, opts: RenderOptions): string {
  let out = '';
  for (const chunk of ladderChunks(conn, opts)) out += chunk;
  return out;
}

/** The ladder a line at a time (measured in a first pass over the timeline, drawn in a second). */
export function* ladderChunks(conn: Connection, opts: RenderOptions): Generator<string> {
  const p = paint(opts.color);
  const wrap = reportWords(opts.lang).wrap;
  const none = noMatchLine(conn, ['packets'], opts.lang);
  if (none) {
    yield `${wrap(none, opts.width, '').join('\n')}\n`;
    return;
  }
  const l = layout(conn, opts.width, opts.lang);
  const selected = selectionLine(conn, ['packets'], opts.lang);
  for (const line of [...(selected ? wrap(selected, opts.width, '').map((s) => p.dim(s)) : []), ...header(conn, l, p)]) yield `${line.trimEnd()}\n`;
  let phase: Phase | null = null;
  for (const e of conn.timeline) {
    if (e.phase !== phase) yield `${separator(e.phase, l, p).trimEnd()}\n`;
    phase = e.phase;
    yield `${row(e, l, p).trimEnd()}\n`;
  }
}
