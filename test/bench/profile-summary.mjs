// The self time of a V8 CPU profile (node --cpu-prof), by function and by
// file, largest first. Usage: node test/bench/profile-summary.mjs FILE.cpuprofile [TOP]
import { readFileSync } from 'node:fs';

const [file, top = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node test/bench/profile-summary.mjs FILE.cpuprofile [TOP]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
// each sample's time: the gap to the next one
const self = new Map(profile.nodes.map((n) => [n.id, 0]));
for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], self.get(profile.samples[i]) + (profile.timeDeltas[i + 1] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byFunction = new Map();
const byFile = new Map();
for (const n of profile.nodes) {
  const t = self.get(n.id);
  if (t === 0) continue;
  const { functionName, url, lineNumber } = n.callFrame;
  const where = url ? url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/').replace(/^node:/, 'node:') : '';
  const fn = `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : ''}`.trim();
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + t);
  const f = where || functionName;
  byFile.set(f, (byFile.get(f) ?? 0) + t);
}
const show = (title, m) => {
  console.log(`${title} (total ${(total / 1e6).toFixed(2)} s)`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`${((100 * t) / total).toFixed(1).padStart(5)} %  ${(t / 1e6).toFixed(2).padStart(6)} s  ${k}`);
  console.log('');
};
show('self time by function', byFunction);
show('self time by file', byFile);
