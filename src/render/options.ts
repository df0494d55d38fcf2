// What every terminal renderer is told: how wide to draw, whether to colour,
// how much of a payload to show. The CLI decides (terminal or not, NO_COLOR,
// the options given); renderers only obey.
import type { Lang } from '../text/lang.js';

export interface RenderOptions {
  /** columns available; lines are cut to fit */
  width: number;
  /** ANSI colours (only on a terminal, never with NO_COLOR) */
  color: boolean;
  /** payload bytes shown per frame or message (Infinity: all, 0: none) */
  maxPayload: number;
  /** text payloads that are JSON are pretty-printed */
  prettyJson: boolean;
  /** long runs of identical frames are shown once with a count */
  collapse: boolean;
  /** the language of the words (English when not given; the exports stay in English) */
  lang?: Lang;
}

export const PLAIN: RenderOptions = { width: 120, color: false, maxPayload: 1024, prettyJson: false, collapse: true };
