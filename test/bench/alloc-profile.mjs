// Preloaded into a process (node --import ./test/bench/alloc-profile.mjs …):
// V8's sampling heap profiler over the whole run, counting the objects the
// garbage collector has since taken as well (every allocation, not only
// what is left at the end), one sample per 16 KB allocated on average; at
// exit, the functions that allocated most (their own allocations, not their
// callees'), with the file and the line the function starts at, to stderr.
// ALLOC_TOP=N lines (default 20).
import { Session } from 'node:inspector';

const session = new Session();
session.connect();
session.post('HeapProfiler.enable');
session.post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true });
process.on('exit', () => {
  // the inspector answers a session of the same thread before post() returns
  session.post('HeapProfiler.stopSampling', (error, result) => {
    if (error) {
      process.stderr.write(`alloc-profile: ${error.message}\n`);
      return;
    }
    const bySite = new Map();
    let total = 0;
    const visit = (node) => {
      const f = node.callFrame;
      const site = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(dist|node_modules)\//, '$1/') || '(native)'}:${f.lineNumber + 1}`;
      bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
      total += node.selfSize;
      for (const child of node.children) visit(child);
    };
    visit(result.profile.head);
    const top = [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.ALLOC_TOP ?? 20));
    const mb = (b) => `${(b / 1048576).toFixed(0)} MB`;
    process.stderr.write(`alloc-profile: ${mb(total)} allocated (sampled)\n${top.map(([site, bytes]) => `alloc-profile: ${mb(bytes).padStart(7)} ${((100 * bytes) / total).toFixed(1).padStart(5)} %  ${site}`).join('\n')}\n`);
  });
});
