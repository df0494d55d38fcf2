// Preloaded into a process (node --import ./test/bench/gc-observe.mjs …):
// counts its garbage collections by kind, with their pauses, from
// perf_hooks' 'gc' entries, and writes them as one JSON line to stderr
// when the process exits — out of the way of its output on stdout.
//   {"gc":{"scavenges":N,"scavengeMs":…,"markCompacts":N,"markCompactMs":…,"incremental":N,"incrementalMs":…,"weak":N,"weakMs":…}}
import { PerformanceObserver, constants } from 'node:perf_hooks';

const totals = { scavenges: 0, scavengeMs: 0, markCompacts: 0, markCompactMs: 0, incremental: 0, incrementalMs: 0, weak: 0, weakMs: 0 };
const names = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: ['scavenges', 'scavengeMs'],
  [constants.NODE_PERFORMANCE_GC_MAJOR]: ['markCompacts', 'markCompactMs'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: ['incremental', 'incrementalMs'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: ['weak', 'weakMs'],
};
const add = (entries) => {
  for (const e of entries) {
    const [count, ms] = names[e.detail?.kind] ?? [];
    if (!count) continue;
    totals[count]++;
    totals[ms] += e.duration;
  }
};
const observer = new PerformanceObserver((list) => add(list.getEntries()));
observer.observe({ entryTypes: ['gc'] });
process.on('exit', () => {
  // what has not been delivered yet
  add(observer.takeRecords());
  process.stderr.write(`${JSON.stringify({ gc: totals })}\n`);
});
