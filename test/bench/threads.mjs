// The scaling of --threads: --ndjson --max-payload 0 and --summary with 1,
// 2, 3 and 4 threads on the bench capture (many connections) and on the
// one-long-connection capture, round-robin, with the median wall time, the
// CPU time of the whole process and of its main thread, and the peak
// resident memory; and a check that the output is the same, byte for byte,
// with every number of threads. Output read from a pipe as fast as it comes.
//   node test/bench/threads.mjs [--reps N] [--threads 1,2,3,4] [--modes ndjson,summary,report,ladder] [FILE…]
// Files default to bench-data/ws-100mb.pcap and bench-data/ws-long-40mb.pcap
// (made by test/bench/generate.mjs: `npm run bench` makes them).
import { existsSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { measure, median } from './measure.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const reps = Number(opt('--reps', 3));
const counts = String(opt('--threads', '1,2,3,4')).split(',').map(Number);
const files = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
if (files.length === 0) files.push('bench-data/ws-100mb.pcap', 'bench-data/ws-long-40mb.pcap');
for (const f of files) if (!existsSync(f)) throw new Error(`${f}: not there (node test/bench/generate.mjs makes it; npm run bench does)`);
if (!existsSync('dist/cli.js')) throw new Error('build first: npm run build');

const MODES = {
  ndjson: ['--ndjson --max-payload 0', ['--ndjson', '--max-payload', '0']],
  summary: ['--summary', ['--summary']],
  report: ['the report', []],
  ladder: ['--ladder', ['--ladder']],
};
const modes = String(opt('--modes', 'ndjson,summary')).split(',').map((m) => MODES[m] ?? (() => { throw new Error(`--modes: ${m}? (${Object.keys(MODES).join(', ')})`); })());

console.log(`${cpus().length} cores; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the start`);
for (const file of files) {
  const mb = statSync(file).size / 1048576;
  console.log(`\n${file}: ${mb.toFixed(1)} MB\n`);
  console.log('| view | threads | wall time | × 1 thread | CPU time (process) | CPU time (main thread) | CPU time (busiest other thread) | peak RSS |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [label, flags] of modes) {
    const runs = counts.map(() => []);
    for (let r = 0; r < reps; r++) for (const [i, n] of counts.entries()) runs[i].push(await measure(process.execPath, ['dist/cli.js', file, ...flags, '--threads', String(n)]));
    const digests = new Set(runs.flat().map((x) => x.digest));
    const base = median(runs[0].map((x) => x.seconds));
    for (const [i, n] of counts.entries()) {
      const rs = runs[i];
      const wall = median(rs.map((x) => x.seconds));
      console.log(`| ${label} | ${n} | ${wall.toFixed(2)} s | ${(base / wall).toFixed(2)} | ${median(rs.map((x) => x.cpu)).toFixed(2)} s | ${median(rs.map((x) => x.main)).toFixed(2)} s | ${median(rs.map((x) => x.busiest)).toFixed(2)} s | ${Math.max(...rs.map((x) => x.peak)).toFixed(0)} MB |`);
    }
    if (digests.size !== 1) throw new Error(`${file} ${label}: the output differs between thread counts`);
    console.log(`| ${label} | | output identical with ${counts.join(', ')} threads | | | | | |`);
  }
}
console.log(`\nload average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end`);
