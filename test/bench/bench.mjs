// npm run bench: generates (reproducibly) a capture of about 100 MB of
// WebSocket conversation, then times, side by side, several repetitions
// each (round-robin): wsdissect --ndjson --max-payload 0, --summary, --json, a bare walk
// over the file's records (the floor), and tshark's three fields and its
// JSON when tshark is installed; with the median wall time and the peak
// resident memory of each. Then the streaming modes (--ndjson, --summary)
// on a capture ten times larger, once each, to show that memory stays flat. Writes nothing but its
// report (and its captures, under bench-data/, which git ignores).
//   node test/bench/bench.mjs [--size MB] [--reps N] [--no-large] [--large-size MB]
//   node test/bench/bench.mjs --hostile   (time and memory of each capture in captures/hostile/)
//   node test/bench/bench.mjs --long [--long-size MB | --long-file FILE]   (every view on one long connection, or on FILE:
//       generate.mjs --long, permessage-deflate, 40 MB ≈ 200 000 frames by default; --views report,json
//       runs only those (and --summary); terminal
//       views write their whole output to a pipe, as the goal of "every view in bounded memory" says)
//   node test/bench/bench.mjs --wss [--size MB] [--reps N] [--tls12]   (wss://: the capture's TLS 1.3 twin,
//       generate.mjs --wss, decrypted with its key log, against the cleartext capture; --tls12 adds the TLS 1.2 twin)
// The default run ends with the wss:// comparison too (without tshark's; --no-wss leaves it out).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const size = opt('--size', 100);
const reps = opt('--reps', 3);
const largeSize = opt('--large-size', size * 10);
const large = !args.includes('--no-large');
mkdirSync('bench-data', { recursive: true });

function generate(mb, kind = '') {
  // the wss:// twins: bench-data/wss-100mb.pcap and .keys (TLS 1.3), wss12-100mb (TLS 1.2)
  const file = kind === 'wss' || kind === 'wss12' ? `bench-data/${kind}-${mb}mb.pcap` : `bench-data/ws-${kind ? `${kind}-` : ''}${mb}mb.pcap`;
  if (!existsSync(file) || ((kind === 'wss' || kind === 'wss12') && !existsSync(file.replace(/\.pcap$/, '.keys')))) {
    process.stderr.write(`generating ${file} …\n`);
    const r = spawnSync(process.execPath, ['test/bench/generate.mjs', file, String(mb), ...(kind ? [`--${kind}`] : [])], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`generating ${file} failed`);
  }
  return file;
}

/**
 * Runs a command with its output read from a pipe and thrown away; resolves with the wall time,
 * the CPU time (user + system, read from /proc as it runs: a machine busy
 * with other work stretches the wall time, much less the CPU time) and the
 * peak RSS (VmHWM) in MB.
 */
function measure(command, argv) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // the output goes to a pipe that is read as fast as it comes (| cat > /dev/null): what a pipe costs is counted
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.resume();
    let peak = 0;
    let cpu = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
        // utime and stime, the 14th and 15th fields, in ticks of 1/100 s (after the command name, which may hold spaces)
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        cpu = Math.max(cpu, (Number(f[11]) + Number(f[12])) / 100);
      } catch {
        /* gone */
      }
    }, 10);
    child.on('error', reject);
    const tail = [];
    child.stdout.on('data', (d) => {
      // the last bytes of the output, for the counts of its last line
      tail.push(d);
      if (tail.length > 4) tail.shift();
    });
    child.on('exit', (code) => {
      clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) reject(new Error(`${command} ${argv.join(' ')} exited ${code}`));
      else resolve({ seconds, peak, cpu, tail: Buffer.concat(tail).toString('utf8') });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const tshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
const cli = 'dist/cli.js';
if (!existsSync(cli)) throw new Error('build first: npm run build');

/**
 * Runs every command n times, round-robin (one run of each, then the next
 * round), so that a slow spell of a shared machine falls on all of them
 * alike; `once` commands run in the first round only.
 */
async function suite(file, n, withOthers) {
  const node = process.execPath;
  const commands = [
    { label: 'bare walk over the records (pcap-parser)', command: node, argv: ['test/bench/walk.mjs', file] },
    { label: 'wsdissect --ndjson --max-payload 0', command: node, argv: [cli, file, '--ndjson', '--max-payload', '0'] },
    { label: 'wsdissect --summary', command: node, argv: [cli, file, '--summary'] },
  ];
  if (withOthers) commands.push({ label: 'wsdissect --json', command: node, argv: [cli, file, '--json'] });
  if (withOthers && tshark) {
    commands.push({ label: 'tshark -T fields (3 fields)', command: 'tshark', argv: ['-r', file, '-Y', 'websocket', '-T', 'fields', '-e', 'frame.number', '-e', 'websocket.opcode', '-e', 'websocket.payload_length'] });
    commands.push({ label: 'tshark -T json', command: 'tshark', argv: ['-r', file, '-Y', 'websocket', '-T', 'json'], once: true });
  }
  const runs = commands.map(() => []);
  for (let round = 0; round < n; round++) {
    for (const [i, c] of commands.entries()) {
      if (c.once && round > 0) continue;
      runs[i].push(await measure(c.command, c.argv));
    }
  }
  return commands.map((c, i) => ({ label: c.label, seconds: median(runs[i].map((r) => r.seconds)), peak: Math.max(...runs[i].map((r) => r.peak)) }));
}

function table(file, rows) {
  const mb = statSync(file).size / 1048576;
  const floor = rows[0].seconds;
  const t3 = rows.find((r) => r.label.startsWith('tshark -T fields'));
  const lines = [`${file}: ${mb.toFixed(1)} MB`, '', '| command | median time | MB/s | × the floor | × faster than tshark 3 fields | peak RSS |', '| --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const r of rows) {
    lines.push(`| ${r.label} | ${r.seconds.toFixed(2)} s | ${(mb / r.seconds).toFixed(0)} | ${(r.seconds / floor).toFixed(2)} | ${t3 ? (t3.seconds / r.seconds).toFixed(2) : '—'} | ${r.peak.toFixed(0)} MB |`);
  }
  return lines.join('\n');
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}${tshark ? `, ${spawnSync('tshark', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]}` : ', no tshark'}`);
console.log(`repetitions: ${reps} (median); peak RSS is the process's VmHWM\n`);
if (args.includes('--hostile')) {
  // each hostile capture (captures/hostile/) through the default report and --json: time and peak memory
  const { readdirSync } = await import('node:fs');
  const lines = ['| capture | mode | time | peak RSS |', '| --- | --- | ---: | ---: |'];
  for (const name of readdirSync('captures/hostile').filter((f) => /\.pcap(\.gz)?$/.test(f)).sort()) {
    for (const mode of [[], ['--json']]) {
      const r = await measure(process.execPath, [cli, `captures/hostile/${name}`, ...mode]).catch(() => null);
      lines.push(`| ${name} | ${mode.join(' ') || 'report'} | ${r ? `${r.seconds.toFixed(2)} s` : 'failed'} | ${r ? `${r.peak.toFixed(0)} MB` : '—'} |`);
    }
  }
  console.log(lines.join('\n'));
  process.exit(0);
}
if (args.includes('--long')) {
  // every view on one long connection: time and peak memory, each against --summary
  // --long-file FILE: every view on a capture of your own (the 1 GB bench capture of many connections, a recording)
  const file = args.includes('--long-file') ? String(args[args.indexOf('--long-file') + 1]) : generate(opt('--long-size', 40), 'long');
  const all = [['--summary'], ['--ndjson', '--max-payload', '0'], [], ['--explain'], ['--ladder'], ['--messages'], ['--hex'], ['--stats'], ['--json'], ['--html', 'bench-data/report.html']];
  // (--html writes its report to a file, as it is used; the terminal views and --json to a pipe)
  // --views report,json,…: some of them (--summary always, first: the others are measured against it)
  const chosen = args.includes('--views') ? String(args[args.indexOf('--views') + 1]).split(',') : null;
  const name = (v) => (v.length === 0 ? 'report' : v[0].replace(/^--/, ''));
  const views = chosen ? all.filter((v, i) => i === 0 || chosen.includes(name(v))) : all;
  const rows = [];
  for (const v of views) {
    const r = await measure(process.execPath, [cli, file, ...v]).catch((e) => ({ failed: String(e.message) }));
    rows.push({ label: `wsdissect ${v.join(' ') || '(the report)'}`, ...r });
    process.stderr.write(`${rows[rows.length - 1].label}: ${r.failed ?? `${r.seconds.toFixed(1)} s (CPU ${r.cpu.toFixed(1)} s), ${r.peak.toFixed(0)} MB`}\n`);
  }
  rmSync('bench-data/report.html', { force: true });
  const base = rows[0].cpu;
  const mb = statSync(file).size / 1048576;
  console.log([`${file}: ${mb.toFixed(1)} MB${args.includes('--long-file') ? '' : ', one connection'}`, '', '| view | wall time | CPU time | CPU × --summary | peak RSS |', '| --- | ---: | ---: | ---: | ---: |', ...rows.map((r) => (r.failed ? `| ${r.label} | failed: ${r.failed} | — | — | — |` : `| ${r.label} | ${r.seconds.toFixed(2)} s | ${r.cpu.toFixed(2)} s | ${(r.cpu / base).toFixed(1)} | ${r.peak.toFixed(0)} MB |`))].join('\n'));
  process.exit(0);
}
/** The counts at the end of a run's output: --ndjson's summary line, or --summary's last line. */
function counts(output) {
  const lines = output.trimEnd().split('\n');
  const last = lines[lines.length - 1];
  if (last.startsWith('{')) {
    const j = JSON.parse(last);
    return { connections: j.connections, websocket: j.websocketConnections, frames: j.frames, messages: j.messages };
  }
  // the summary's last line, wrapped at the terminal's width
  const m = /(\d+) connections? \((\d+) WebSocket\), (\d+) frames?, (\d+) messages?/.exec(lines.slice(-4).join(' ').replace(/\s+/g, ' '));
  if (!m) throw new Error(`no counts in ${JSON.stringify(output.slice(-300))}`);
  return { connections: Number(m[1]), websocket: Number(m[2]), frames: Number(m[3]), messages: Number(m[4]) };
}

/**
 * wss:// against ws://: --ndjson --max-payload 0 and --summary on the
 * cleartext capture and on its TLS twin(s) decrypted with the key log, n
 * rounds (round-robin, the cleartext run and its twin's next to each other),
 * and tshark's three fields on both when asked. Before timing, the twins
 * must give exactly the cleartext's connections, frames and messages.
 */
async function wssSuite(mb, n, { withTshark, tls12 }) {
  const clear = generate(mb);
  const twins = [{ name: 'TLS 1.3', file: generate(mb, 'wss') }, ...(tls12 ? [{ name: 'TLS 1.2', file: generate(mb, 'wss12') }] : [])];
  for (const t of twins) t.keys = t.file.replace(/\.pcap$/, '.keys');
  const node = process.execPath;
  const modes = [
    { mode: '--ndjson --max-payload 0', argv: ['--ndjson', '--max-payload', '0'] },
    { mode: '--summary', argv: ['--summary'] },
  ];
  const commands = [];
  for (const m of modes) {
    commands.push({ label: `ws:// ${m.mode}`, group: m.mode, base: true, command: node, argv: [cli, clear, ...m.argv] });
    for (const t of twins) commands.push({ label: `wss:// ${t.name} ${m.mode} --tls-keylog`, group: m.mode, command: node, argv: [cli, t.file, ...m.argv, '--tls-keylog', t.keys] });
  }
  const fields = ['-Y', 'websocket', '-T', 'fields', '-e', 'frame.number', '-e', 'websocket.opcode', '-e', 'websocket.payload_length'];
  if (withTshark && tshark) {
    commands.push({ label: 'ws:// tshark -T fields (3 fields)', group: 'tshark', base: true, command: 'tshark', argv: ['-r', clear, ...fields] });
    // the twins' port, 8080, is not one tshark reads TLS on by itself
    for (const t of twins) commands.push({ label: `wss:// ${t.name} tshark -T fields (3 fields), keylog_file`, group: 'tshark', command: 'tshark', argv: ['-r', t.file, '-o', `tls.keylog_file:${t.keys}`, '-d', 'tcp.port==8080,tls', ...fields] });
  }
  // the twins decode to every frame of the cleartext, or nothing is timed
  process.stderr.write('checking that the twins decode to the cleartext\'s frames …\n');
  for (const c of commands.filter((x) => x.command === node)) c.counts = counts((await measure(c.command, c.argv)).tail);
  for (const c of commands.filter((x) => x.command === node && !x.base)) {
    const base = commands.find((x) => x.base && x.group === c.group).counts;
    if (JSON.stringify(c.counts) !== JSON.stringify(base)) {
      console.error(`FAIL: ${c.label} counts ${JSON.stringify(c.counts)}, the cleartext ${JSON.stringify(base)}`);
      process.exit(1);
    }
  }
  const base = commands[0].counts;
  const runs = commands.map(() => []);
  for (let round = 0; round < n; round++) {
    for (const [i, c] of commands.entries()) runs[i].push(await measure(c.command, c.argv));
    process.stderr.write(`round ${round + 1}/${n}\n`);
  }
  const sizes = [clear, ...twins.map((t) => t.file)].map((f) => `${f} ${(statSync(f).size / 1048576).toFixed(1)} MB`).join(', ');
  const lines = [`${sizes}; each ${base.connections} connections, ${base.frames} frames, ${base.messages} messages (checked)`, ''];
  lines.push('| command | median wall time (min–max) | median CPU time | × ws:// (median wall) | × ws:// (median of the rounds\' ratios, wall; CPU) | peak RSS |', '| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [i, c] of commands.entries()) {
    const r = runs[i];
    const b = commands.findIndex((x) => x.base && x.group === c.group);
    const wall = median(r.map((x) => x.seconds));
    const cpu = median(r.map((x) => x.cpu));
    const ratio = c.base ? '1.00' : (wall / median(runs[b].map((x) => x.seconds))).toFixed(2);
    const paired = c.base ? '—' : `${median(r.map((x, k) => x.seconds / runs[b][k].seconds)).toFixed(2)}; ${(cpu / median(runs[b].map((x) => x.cpu))).toFixed(2)}`;
    lines.push(`| ${c.label} | ${wall.toFixed(2)} s (${Math.min(...r.map((x) => x.seconds)).toFixed(2)}–${Math.max(...r.map((x) => x.seconds)).toFixed(2)}) | ${cpu.toFixed(2)} s | ${ratio} | ${paired} | ${Math.max(...r.map((x) => x.peak)).toFixed(0)} MB |`);
  }
  return lines.join('\n');
}

if (args.includes('--wss')) {
  console.log(await wssSuite(size, reps, { withTshark: true, tls12: args.includes('--tls12') }));
  process.exit(0);
}
const small = generate(size);
console.log(table(small, await suite(small, reps, true)));
if (large) {
  const big = generate(largeSize);
  console.log('');
  console.log(table(big, await suite(big, 1, false)));
}
if (!args.includes('--no-wss')) {
  console.log('');
  console.log(await wssSuite(size, reps, { withTshark: false, tls12: false }));
}
