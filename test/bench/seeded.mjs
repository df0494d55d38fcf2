// A seeded pseudo-random sequence (mulberry32-like), the same on every run:
// the bench's generated captures (generate.mjs) and the content of the busy
// recording (captures/gen/scenarios/ws_busy.mjs) are made from it.
export function seeded(start) {
  let seed = start;
  const random = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** a whole number from 0 to n - 1 */
  const pick = (n) => Math.floor(random() * n);
  return { random, pick };
}
