// Words for people, shared by every view: counts with their noun, and times
// in the unit that reads best. The sentences the views make are built from
// these; the analysis hands on numbers.

/** "1 frame", "3 frames" (`many` for an irregular plural). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A round trip in the unit that reads best: µs, ms or s. */
export function formatRtt(seconds: number): string {
  if (seconds < 0.001) return `${(seconds * 1e6).toFixed(0)} µs`;
  if (seconds < 1) return `${(seconds * 1e3).toFixed(3)} ms`;
  return `${seconds.toFixed(3)} s`;
}
