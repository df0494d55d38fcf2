// The README's command samples are what the commands print today
// (test/support/readme-samples.mjs produces them: npm run readme).
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain ES module of the repository's scripts, without types
import { runSample, samples } from './support/readme-samples.mjs';

interface Sample {
  line: number;
  command: string;
  shown: string;
}

const all = samples() as Sample[];

describe('README samples', () => {
  it('there are samples, each with its command', () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
  });

  it.each(all.map((s) => [`README.md:${s.line} ${s.command}`, s] as const))('%s prints what the README shows', (_name, s) => {
    expect(runSample(s.command) as string).toBe(s.shown);
  });
});
