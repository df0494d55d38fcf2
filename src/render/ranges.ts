// A long list's drawing split into ranges of items, each drawn apart and put
// in its place (render/draw.ts draws some of them in a second thread).
// What a range needs besides the items is said here, as plain data.
import type { Connection } from '../model.js';
import type { RenderOptions } from './options.js';

/** Which drawing of which list: the same function draws a range wherever it runs (render/draw-worker.ts). */
export type RangeTask = { view: 'hex'; opts: RenderOptions };

/** A drawing of a connection's list, its pieces in order: `local` draws the items from `from` to `to` (not included) here; `items` is the list's length. */
export type Ranges = (conn: Connection, task: RangeTask, items: number, local: (from: number, to: number) => Iterable<string | Buffer>) => Iterable<string | Buffer>;
