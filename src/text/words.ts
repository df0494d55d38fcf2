// Words for people, shared by every view: counts with their noun, and times
// in the unit that reads best. The sentences the views make are built from
// these; the analysis hands on numbers.
import { CLOSE_CODE_NAMES, closeCodeKind } from '../websocket/close.js';

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

/** A close status code's name in English: the IANA registry's, or where the code stands (text/zh-CN/words.ts has the Chinese). */
export function closeCodeName(code: number): string {
  const kind = closeCodeKind(code);
  return kind === 'named' ? CLOSE_CODE_NAMES[code]! : kind === 'registered' ? 'registered (libraries and frameworks)' : kind === 'private' ? 'private use' : 'invalid';
}
