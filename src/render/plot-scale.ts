// The HTML report's message-size plot: its vertical scale, logarithmic in
// 1 + size, so that an empty message has a place (the bottom, 0 bytes). The
// points and the grid lines are both placed by it.
//
// Self-contained on purpose, as websocket/header-bits.ts is: the report
// carries its text (Function.toString) in its script and runs it in the
// browser (test/html.test.ts holds it to that).

/** Where a message of a size goes on the plot's height, as 0 (the bottom) to 1 (the top). */
export interface SizeScale {
  /** the sizes the grid lines are drawn at, from the bottom: 0, then each power of ten up to the first at or above the largest */
  ticks: number[];
  at: (size: number) => number;
}

/** The scale for sizes from 0 to `largest` bytes: log10(1 + size), its top the first power of ten at or above `largest` (10 at least). */
export function sizeScale(largest: number): SizeScale {
  let k = 1;
  while (Math.pow(10, k) < largest) k++;
  const top = Math.log10(1 + Math.pow(10, k));
  const ticks = [0];
  for (let i = 1; i <= k; i++) ticks.push(Math.pow(10, i));
  return { ticks, at: (size: number) => Math.log10(1 + Math.max(0, size)) / top };
}
