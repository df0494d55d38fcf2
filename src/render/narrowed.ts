// What a view says of a connection a selection narrowed (select/selection.ts):
// "Frames (2 of 10)", "selected by --opcode close: 2 of 10 frames", or that
// nothing matched; in the reader's language (English when none is given),
// in the words of text/report-words.ts.
import type { Connection } from '../model.js';
import type { Lang } from '../text/lang.js';
import { type Counted, reportWords } from '../text/report-words.js';
import { narrowedBy, type Narrowed } from '../select/selection.js';

/** `n`, or `n of TOTAL` when a selection narrowed the connection: for a title ("Frames (2 of 10)", "2/10"). */
export function shownOf(conn: Connection, what: Counted, n: number, lang?: Lang): string {
  const narrowed = narrowedBy(conn);
  if (!narrowed) return String(n);
  return reportWords(lang).selection.shownOf(n, narrowed.total[what]);
}

function counted(conn: Connection, narrowed: Narrowed, what: Counted, lang: Lang | undefined): string {
  const n = what === 'frames' ? conn.frames.length : what === 'messages' ? conn.messages.length : conn.timeline.length;
  return reportWords(lang).selection.counted(what, n, narrowed.total[what]);
}

/**
 * The line a view starts with when a selection narrowed the connection:
 * "selected by --opcode close: 2 of 10 frames, 6 of 20 packets"; null when
 * nothing narrowed it.
 */
export function selectionLine(conn: Connection, what: readonly Counted[], lang?: Lang): string | null {
  const narrowed = narrowedBy(conn);
  if (!narrowed) return null;
  return reportWords(lang).selection.selectedBy(narrowed.selected, what.map((w) => counted(conn, narrowed, w, lang)));
}

/**
 * What a view says when the selection left it nothing to show:
 * "no frame matches --opcode close (0 of 10 frames)"; null when something is
 * left or nothing narrowed the connection.
 */
export function noMatchLine(conn: Connection, what: readonly Counted[], lang?: Lang): string | null {
  const narrowed = narrowedBy(conn);
  if (!narrowed) return null;
  const lists = { frames: conn.frames.length, messages: conn.messages.length, packets: conn.timeline.length };
  // nothing left of what there was (a connection that never had any says so in its own words)
  if (what.some((w) => lists[w] > 0) || what.every((w) => narrowed.total[w] === 0)) return null;
  return reportWords(lang).selection.noMatch(what, narrowed.selected, what.map((w) => counted(conn, narrowed, w, lang)));
}

/**
 * The widest packet number and time (as `time` writes it) of the timeline a
 * view shows, in characters: by the bounds the analysis noted, unless a
 * selection narrowed the timeline (or none were noted), when it is read.
 * The widest time is the earliest or the latest: a time's digits grow with
 * its distance from 0 (below the 10^21 seconds where toFixed stops writing
 * digits: a capture's times are below 2^64 ns).
 */
export function timelineWidths(conn: Connection, time: (t: number) => string): { packet: number; time: number } {
  const b = conn.timelineBounds;
  if (b !== null && narrowedBy(conn) === null) return { packet: String(b.maxPacket).length, time: Math.max(time(b.minRelTs).length, time(b.maxRelTs).length) };
  let packet = 0;
  let widest = 0;
  for (const e of conn.timeline) {
    packet = Math.max(packet, String(e.packet).length);
    widest = Math.max(widest, time(e.relTs).length);
  }
  return { packet, time: widest };
}
