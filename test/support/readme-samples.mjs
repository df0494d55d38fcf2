#!/usr/bin/env node
// The README's output samples, produced by running them. A sample is a
// ```text block right after a `<!-- sample -->` line, whose first line is the
// command (`$ wsdissect …`, a shell pipeline allowed: `| head -n 30`); the
// rest of the block is what the command prints, as the built CLI prints it
// (dist/cli.js, without colour, not on a terminal).
//
//   node test/support/readme-samples.mjs          lists the samples that differ (exit 1 if any)
//   node test/support/readme-samples.mjs --write  rewrites them in README.md
//
// test/readme.test.ts runs the check, so a sample cannot drift from the tool.
//
// The same run keeps what is made from the registry of diagnostic codes
// (src/codes.ts) in step with it: the README's table of codes, between
// `<!-- codes -->` and `<!-- /codes -->`, and the list of codes in the JSON
// schema (the diagnostic's `code` enum).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const README = join(ROOT, 'README.md');
const MARK = '<!-- sample -->';

/** A directory holding a `wsdissect` that runs the built CLI of this checkout. */
function shim() {
  const dir = mkdtempSync(join(tmpdir(), 'wsdissect-samples-'));
  const bin = join(dir, 'wsdissect');
  writeFileSync(bin, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'dist', 'cli.js'))} "$@"\n`);
  chmodSync(bin, 0o755);
  return dir;
}

/** What a sample's command prints, its trailing blank lines dropped. */
export function runSample(command, bin = shim()) {
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1' };
  delete env.COLUMNS;
  delete env.FORCE_COLOR;
  let out;
  try {
    out = execFileSync('bash', ['-o', 'pipefail', '-c', command], { cwd: ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    // a sample may show a failing check: its output is still the sample
    if (typeof err.stdout !== 'string' || err.status === null || err.status > 1) throw new Error(`the README sample "${command}" failed: ${err.stderr ?? err.message}`);
    out = err.stdout;
  }
  return out.replace(/\s+$/, '');
}

/** Every sample: where its block is in the README, its command, and what the block holds now. */
export function samples(text = readFileSync(README, 'utf8')) {
  const lines = text.split('\n');
  const found = [];
  lines.forEach((line, i) => {
    if (line.trim() !== MARK) return;
    if (lines[i + 1] !== '```text' || !lines[i + 2]?.startsWith('$ ')) throw new Error(`README.md:${i + 1}: ${MARK} must be followed by a \`\`\`text block whose first line is "$ command"`);
    const end = lines.indexOf('```', i + 3);
    found.push({ line: i + 3, command: lines[i + 2].slice(2), start: i + 3, end, shown: lines.slice(i + 3, end).join('\n') });
  });
  return found;
}

const SCHEMA = join(ROOT, 'schema', 'wsdissect.schema.json');
const CODES_OPEN = '<!-- codes -->';
const CODES_CLOSE = '<!-- /codes -->';

/** The README with its table of codes as `table` (the text between the marks). */
export function withCodesTable(text, table) {
  const a = text.indexOf(CODES_OPEN);
  const b = text.indexOf(CODES_CLOSE);
  if (a < 0 || b < a) throw new Error(`README.md: ${CODES_OPEN} … ${CODES_CLOSE} is missing`);
  return `${text.slice(0, a + CODES_OPEN.length)}\n${table}\n${text.slice(b)}`;
}

/** The JSON schema's text with `codes` as the list a diagnostic's code is one of. */
export function withSchemaCodes(text, codes) {
  const schema = JSON.parse(text);
  schema.definitions.diagnostic.properties.code.enum = codes;
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** What is made from the registry (dist/codes.js, as built): [file, text now, text it should be]. */
async function fromRegistry(readme) {
  const { CODES, codesTable } = await import(join(ROOT, 'dist', 'codes.js'));
  const schema = readFileSync(SCHEMA, 'utf8');
  return [
    [README, readme, withCodesTable(readme, codesTable())],
    [SCHEMA, schema, withSchemaCodes(schema, Object.keys(CODES))],
  ];
}

async function main() {
  const write = process.argv.includes('--write');
  let text = readFileSync(README, 'utf8');
  const stale = [];
  for (const [file, now, made] of await fromRegistry(text)) {
    if (now === made) continue;
    stale.push({ line: 0, command: `${file.slice(ROOT.length + 1)} from src/codes.ts` });
    if (file === README) text = made;
    else if (write) writeFileSync(file, made);
  }
  const lines = text.split('\n');
  const bin = shim();
  // from the last block up, so the line numbers of the earlier ones hold
  for (const s of samples(text).reverse()) {
    const now = runSample(s.command, bin);
    if (now === s.shown) continue;
    stale.push(s);
    lines.splice(s.start, s.end - s.start, ...now.split('\n'));
  }
  if (write) {
    writeFileSync(README, lines.join('\n'));
    console.log(stale.length === 0 ? 'README.md: every sample is up to date' : `README.md: rewrote ${stale.length} sample(s): ${stale.map((s) => s.command).join('; ')}`);
    return 0;
  }
  for (const s of stale) console.log(s.line === 0 ? `${s.command}: out of date (npm run readme rewrites it)` : `README.md:${s.line}: "${s.command}" prints something else now (npm run readme rewrites it)`);
  return stale.length === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main();
