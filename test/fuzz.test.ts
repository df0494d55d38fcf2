// The fuzzer (test/fuzz/fuzz.mjs) as a test: a short campaign with a fixed
// seed must find nothing, and every input a campaign has kept in
// captures/fuzz/ must go through the command line in every output mode
// without a crash. Both use dist/, built by `npm test` before the tests run.
// A long campaign is run by hand: npm run fuzz -- --iterations 5000
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaErrors } from './support/schema.js';

const KEPT = 'captures/fuzz';
const inputs = existsSync(KEPT) ? readdirSync(KEPT).filter((f) => /\.(pcap|pcapng|gz)$/.test(f)).sort() : [];

/** An exception inside the analysis is reported as an internal.error diagnostic: a crash all the same. */
const noInternalError = (out: string): void => expect(out).not.toMatch(/"code": ?"internal\.error"/);

/** Each output mode of the CLI, and what its output must be. */
const MODES: [string, string[], (stdout: string) => void][] = [
  [
    '--json',
    ['--json'],
    (out) => {
      const doc: unknown = JSON.parse(out);
      expect(schemaErrors(doc)).toEqual([]);
      noInternalError(JSON.stringify(doc));
    },
  ],
  ['--ndjson', ['--ndjson'], (out) => out.split('\n').filter((l) => l !== '').forEach((l) => noInternalError(JSON.stringify(JSON.parse(l))))],
  ['the report', [], () => {}],
  ['--summary', ['--summary'], () => {}],
  ['the views', ['--explain', '--ladder', '--messages', '--hex', '--stats'], () => {}],
];

describe('the fuzzer', () => {
  it('finds nothing in 150 mutated captures (--seed 6455)', () => {
    // failing inputs go to a temporary directory: a test leaves captures/ as it was
    const save = mkdtempSync(join(tmpdir(), 'wsdissect-fuzz-'));
    const r = spawnSync(process.execPath, ['test/fuzz/fuzz.mjs', '--iterations', '150', '--seed', '6455', '--save', save], { encoding: 'utf8' });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/^150 inputs, 0 failures, [\d.]+ s$/m);
  }, 120_000);
});

describe.runIf(inputs.length > 0)('the inputs kept in captures/fuzz/', () => {
  it.each(inputs)('%s goes through every output mode', (name) => {
    const file = join(KEPT, name);
    for (const [mode, args, check] of MODES) {
      const r = spawnSync(process.execPath, ['dist/cli.js', file, ...args], { encoding: 'utf8', maxBuffer: 1024 ** 3, timeout: 30_000 });
      const what = `${name}, ${mode}: ${r.error ? `${r.error.message} (a limit of 30 s)` : `status ${r.status}, signal ${r.signal}`}\n${r.stderr}`;
      expect(r.signal, what).toBeNull();
      // 2 is for a capture that cannot be read, said in one line naming the file; anything else with 2 is an exception
      if (r.status === 2) expect(r.stderr, what).toMatch(new RegExp(`^wsdissect: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: [^\\n]+\\n$`));
      else expect(r.status, what).toBe(0);
      if (r.status === 0) check(r.stdout);
    }
  }, 200_000);
});
