// What a view says of a connection a selection narrowed (select/selection.ts):
// "Frames (2 of 10)", "selected by --opcode close: 2 of 10 frames", or that
// nothing matched; in the reader's language (English when none is given).
import type { Connection } from '../model.js';
import type { Lang } from '../text/lang.js';
import { narrowedBy, type Narrowed } from '../select/selection.js';

type Counted = 'frames' | 'messages' | 'packets';
const SINGULAR: Record<Counted, string> = { frames: 'frame', messages: 'message', packets: 'packet' };
/** 中文的量词和名词：个帧、条消息、个包 */
const COUNTED_ZH: Record<Counted, readonly [classifier: string, noun: string]> = { frames: ['个', '帧'], messages: ['条', '消息'], packets: ['个', '包'] };

/** `n`, or `n of TOTAL` when a selection narrowed the connection: for a title ("Frames (2 of 10)", "2/10"). */
export function shownOf(conn: Connection, what: Counted, n: number, lang?: Lang): string {
  const narrowed = narrowedBy(conn);
  if (!narrowed) return String(n);
  return lang === 'zh-CN' ? `${n}/${narrowed.total[what]}` : `${n} of ${narrowed.total[what]}`;
}

function counted(conn: Connection, narrowed: Narrowed, what: Counted, lang: Lang | undefined): string {
  const n = what === 'frames' ? conn.frames.length : what === 'messages' ? conn.messages.length : conn.timeline.length;
  if (lang === 'zh-CN') {
    const [classifier, noun] = COUNTED_ZH[what];
    // “10 个帧中的 2 个”
    return `${narrowed.total[what]} ${classifier}${noun}中的 ${n} ${classifier}`;
  }
  return `${n} of ${narrowed.total[what]} ${narrowed.total[what] === 1 ? SINGULAR[what] : what}`;
}

/**
 * The line a view starts with when a selection narrowed the connection:
 * "selected by --opcode close: 2 of 10 frames, 6 of 20 packets"; null when
 * nothing narrowed it.
 */
export function selectionLine(conn: Connection, what: readonly Counted[], lang?: Lang): string | null {
  const narrowed = narrowedBy(conn);
  if (!narrowed) return null;
  const counts = what.map((w) => counted(conn, narrowed, w, lang));
  if (lang === 'zh-CN') return `按 ${narrowed.selected} 选出：${counts.join('，')}`;
  return `selected by ${narrowed.selected}: ${counts.join(', ')}`;
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
  const counts = what.map((w) => counted(conn, narrowed, w, lang));
  if (lang === 'zh-CN') return `没有${what.map((w) => COUNTED_ZH[w][1]).join('或')}符合 ${narrowed.selected}（${counts.join('，')}）`;
  return `no ${what.map((w) => SINGULAR[w]).join(' or ')} matches ${narrowed.selected} (${counts.join(', ')})`;
}
