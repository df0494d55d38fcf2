// How long a command takes and how much memory it needs, its output read
// from a pipe as fast as it comes: the wall time, the CPU time (user +
// system, read from /proc as it runs: a machine busy with other work
// stretches the wall time, much less the CPU time), the CPU time of its
// main thread and of its busiest other thread (a worker, or a helper of
// V8's or libuv's), the peak resident memory, the memory as it went, and a
// digest of the output. Shared by bench.mjs and threads.mjs.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

/** utime + stime of a /proc stat line, in seconds (the 14th and 15th fields, in ticks of 1/100 s, after the command name, which may hold spaces) */
function cpuOf(stat) {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs a command with its output read from a pipe and thrown away; resolves with the wall time
 * (`seconds`), the CPU time (`cpu`; `main` for the main thread, `busiest` for the busiest other),
 * the peak RSS (VmHWM) in MB, the RSS as it went (`rss`: [seconds, MB] every 10 ms), the last
 * bytes of the output (`tail`), its SHA-256 (`digest`) and, with `{ stderr: true }`, what the
 * command wrote to stderr.
 */
export function measure(command, argv, { stderr = false } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // the output goes to a pipe that is read as fast as it comes (| cat > /dev/null): what a pipe costs is counted
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', stderr ? 'pipe' : 'ignore'] });
    const errors = [];
    if (stderr) child.stderr.on('data', (d) => errors.push(d));
    let peak = 0;
    let cpu = 0;
    let main = 0;
    const others = new Map();
    const rss = [];
    const poll = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const m = /VmHWM:\s+(\d+) kB/.exec(status);
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
        const now = /VmRSS:\s+(\d+) kB/.exec(status);
        if (now) rss.push([Number(process.hrtime.bigint() - started) / 1e9, Number(now[1]) / 1024]);
        cpu = Math.max(cpu, cpuOf(readFileSync(`/proc/${child.pid}/stat`, 'utf8')));
        for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
          const t = cpuOf(readFileSync(`/proc/${child.pid}/task/${tid}/stat`, 'utf8'));
          if (Number(tid) === child.pid) main = Math.max(main, t);
          else others.set(tid, Math.max(others.get(tid) ?? 0, t));
        }
      } catch {
        /* gone */
      }
    }, 10);
    child.on('error', reject);
    const hash = createHash('sha256');
    const tail = [];
    child.stdout.on('data', (d) => {
      hash.update(d);
      // the last bytes of the output, for the counts of its last line
      tail.push(d);
      if (tail.length > 4) tail.shift();
    });
    // 'close', not 'exit': the pipes are read to their end
    child.on('close', (code) => {
      clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) reject(new Error(`${command} ${argv.join(' ')} exited ${code}`));
      else resolve({ seconds, peak, cpu, main, busiest: Math.max(0, ...others.values()), rss, tail: Buffer.concat(tail).toString('utf8'), digest: hash.digest('hex'), stderr: Buffer.concat(errors).toString('utf8') });
    });
  });
}
