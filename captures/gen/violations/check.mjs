#!/usr/bin/env node
// Compares what wsdissect reports for every capture in captures/violations/
// with expected.json: the expected code at the expected packet and sender,
// the codes listed in alsoExpected, and nothing else. Informational: prints one
// line per file and exits 1 if any file differs. Needs a build (npm run build).
//
//   node captures/gen/violations/check.mjs [DIR] [--cli dist/cli.js]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const cliAt = args.indexOf('--cli');
const cli = cliAt >= 0 ? args.splice(cliAt, 2)[1] : join(HERE, '..', '..', '..', 'dist', 'cli.js');
const dir = args[0] ?? join(HERE, '..', '..', 'violations');
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));

let bad = 0;
for (const e of expected) {
  let out;
  try {
    out = execFileSync(process.execPath, [cli, join(dir, e.file), '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (err) {
    out = err.stdout;
  }
  let doc;
  try {
    doc = JSON.parse(out);
  } catch {
    console.log(`FAIL ${e.file}: no JSON output`);
    bad++;
    continue;
  }
  const all = [...(doc.diagnostics ?? []), ...(doc.connections ?? []).flatMap((c) => c.diagnostics ?? [])];
  const fmt = (d) => `${d.code}@${d.packet ?? '-'}${d.from ? `/${d.from}` : ''}`;
  const main = all.filter((d) => d.code === e.code);
  const hit = main.find((d) => d.packet === e.packet && (d.from ?? null) === e.from);
  const allowed = new Set([e.code, ...e.alsoExpected.map((a) => a.code)]);
  const extra = all.filter((d) => !allowed.has(d.code));
  const missingAlso = e.alsoExpected.filter((a) => !all.some((d) => d.code === a.code && (a.packet === undefined || d.packet === a.packet)));
  const ok = hit && extra.length === 0 && missingAlso.length === 0;
  if (!ok) bad++;
  const notes = [];
  if (!hit) notes.push(`expected ${e.code}@${e.packet ?? '-'}${e.from ? `/${e.from}` : ''}, got ${main.map(fmt).join(' ') || 'none'}`);
  if (extra.length) notes.push(`also reported: ${extra.map(fmt).join(' ')}`);
  if (missingAlso.length) notes.push(`missing alsoExpected: ${missingAlso.map((a) => `${a.code}@${a.packet ?? '-'}`).join(' ')}`);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${e.file.padEnd(40)} ${notes.join('; ') || all.map(fmt).join(' ')}`);
}
console.log(`${expected.length - bad} of ${expected.length} as expected`);
process.exit(bad ? 1 : 0);
