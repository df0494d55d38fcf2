// A long list's drawing split into ranges of items, each drawn apart and put
// in its place (render/draw.ts draws some of them in a second thread).
// What a range needs besides the items is said here, as plain data.
import type { Connection } from '../model.js';
import type { RenderOptions } from './options.js';
import type { TerminalOptions } from './terminal.js';

/** The walkthrough's columns, worked out from the whole timeline before its first row: every range is drawn to them. */
export interface WalkLayout {
  numWidth: number;
  timeWidth: number;
  /** columns left for a packet's summary */
  room: number;
  /** a row whose number and time fit their columns is as wide as the width allows (it is not clipped) */
  exact: boolean;
}

/** Which drawing of which list: the same function draws a range wherever it runs (render/draw-worker.ts). */
export type RangeTask = { view: 'hex'; opts: RenderOptions } | { view: 'walkthrough'; opts: TerminalOptions; layout: WalkLayout } | { view: 'json-timeline' };

/** A drawing of a connection's list, its pieces in order: `local` draws the items from `from` to `to` (not included) here; `items` is the list's length. */
export type Ranges = (conn: Connection, task: RangeTask, items: number, local: (from: number, to: number) => Iterable<string | Buffer>) => Iterable<string | Buffer>;
