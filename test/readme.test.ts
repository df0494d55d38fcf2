// The README's command samples are what the commands print today
// (test/support/readme-samples.mjs produces them: npm run readme).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain ES module of the repository's scripts, without types
import { runSample, samples, withCodesTable, withSchemaCodes } from './support/readme-samples.mjs';
import { CODES, codesTable } from '../src/codes.js';

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

describe('what is made from the registry of codes', () => {
  it("the README's table of codes is the registry's, row for row", () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toBe(withCodesTable(readme, codesTable()) as string);
    // every code is in it once, with its severity
    for (const [code, info] of Object.entries(CODES)) expect(readme.split(`| \`${code}\` | ${info.severity} |`).length, code).toBe(2);
  });

  it("the schema's list of codes is the registry's", () => {
    const text = readFileSync('schema/wsdissect.schema.json', 'utf8');
    expect(text).toBe(withSchemaCodes(text, Object.keys(CODES)) as string);
    const schema = JSON.parse(text) as { definitions: { diagnostic: { properties: { code: { enum: string[] } } } } };
    expect(schema.definitions.diagnostic.properties.code.enum).toEqual(Object.keys(CODES));
  });
});
