// A terminal list of diagnostics stays readable when a capture breaks one
// rule thousands of times (a flood of bad frames): the first few of each code
// are shown, then how many more there are. The JSON exports list every one.
import type { Diagnostic } from '../model.js';
import type { Lang } from '../text/lang.js';
import { reportWords } from '../text/report-words.js';

/** Diagnostics of one code shown in a terminal list before the rest are counted. */
export const SHOWN_PER_CODE = 20;

/** The diagnostics to show, in order, and per code how many are left out. */
export function capByCode(list: Iterable<Diagnostic>, max = SHOWN_PER_CODE): { shown: Diagnostic[]; omitted: [string, number][] } {
  const seen = new Map<string, number>();
  const shown: Diagnostic[] = [];
  for (const d of list) {
    const n = (seen.get(d.code) ?? 0) + 1;
    seen.set(d.code, n);
    if (n <= max) shown.push(d);
  }
  const omitted = [...seen].filter(([, n]) => n > max).map(([code, n]): [string, number] => [code, n - max]);
  return { shown, omitted };
}

/** The line that counts what a list left out, in the reader's language (English when none is given). */
export function omittedLine(code: string, n: number, lang?: Lang): string {
  return reportWords(lang).omitted(code, n);
}
