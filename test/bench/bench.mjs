// npm run bench: generates (reproducibly) a capture of about 100 MB of
// WebSocket conversation, then times, side by side, several repetitions
// each (round-robin): wsdissect --ndjson --max-payload 0, --summary, --json, a bare walk
// over the file's records (the floor), and tshark's three fields and its
// JSON when tshark is installed; with the median wall time and the peak
// resident memory of each. When the real recording bench-data/ws-real-100mb.pcap
// is there (made by `sudo npm run record -- bench/ws_busy`: real `ws` client
// and server over TCP, captured by tcpdump; captures/gen/scenarios/ws_busy.mjs),
// the same table on it too, in the same rounds (the walk, --ndjson
// --max-payload 0, --summary and tshark's three fields); when it is not, a
// line saying how to make it. Then the streaming modes (--ndjson, --summary)
// on a capture ten times larger, once each, to show that memory stays flat. Writes nothing but its
// report (and its captures, under bench-data/, which git ignores).
//   node test/bench/bench.mjs [--size MB] [--reps N] [--no-large] [--large-size MB]
//   node test/bench/bench.mjs --real [--size MB] [--reps N]   (only the table of the capture and that of the
//       real recording, in the same rounds)
//   node test/bench/bench.mjs --hostile   (time and memory of each capture in captures/hostile/)
//   node test/bench/bench.mjs --h2 [--count N]   (one HTTP/2 connection carrying N WebSockets one after
//       another, h2-many.mjs, 20 000 by default, and a tenth of them: --summary, the report, --json; peak
//       memory must not grow with the number of WebSockets)
//   node test/bench/bench.mjs --long [--long-size MB | --long-file FILE]   (every view on one long connection, or on FILE:
//       generate.mjs --long, permessage-deflate, 40 MB ≈ 200 000 frames by default, and the exports (HAR, ECS, Zeek); --views report,json,har,ecs
//       runs only those (and --summary); terminal
//       views write their whole output to a pipe, as the goal of "every view in bounded memory" says)
//   node test/bench/bench.mjs --wss [--size MB] [--reps N] [--tls12]   (wss://: the capture's TLS 1.3 twin,
//       generate.mjs --wss, decrypted with its key log, against the cleartext capture; --tls12 adds the TLS 1.2 twin)
//   node test/bench/bench.mjs --scale [--size MB] [--large-size MB] [--reps N]   (cost that grows linearly:
//       the bare walk, --ndjson --max-payload 0 and --summary on the 100 MB capture, the 1 GB one (the
//       default run's large capture, the same file) and one of a single short connection (the start-up);
//       frames read back from the output, wall, CPU, peak RSS and RSS along the run, CPU µs per frame
//       (with and without the start-up) and ms per MB; whether the per-frame cost at 1 GB is within
//       10 % of that at 100 MB; the 1 GB runs again with V8's old space capped at 48 MB; the
//       projection to 10 GB. Once each unless --reps)
//   node test/bench/bench.mjs --many [--count N] [--reps N]   (N short connections, 10^6 by default,
//       generate.mjs --short: the walk, then --summary, --ndjson --max-payload 0, --stats, --json and
//       the report, output to a pipe; the connections, frames and messages read back from each
//       output must be those generated (exit 1 otherwise). About 25 minutes at 10^6)
//   node test/bench/bench.mjs --gc [--size MB] [--reps N] [--alloc]   (the garbage collector on the streaming
//       paths: collections by kind and their pauses (gc-observe.mjs preloaded), scavenges per 1000
//       frames, bytes allocated and promoted per frame (--trace-gc-nvp), for the walk, --summary and
//       --ndjson --max-payload 0; --alloc adds the functions that allocate most (alloc-profile.mjs))
// The default run ends with the wss:// comparison too (without tshark's; --no-wss leaves it out) and the scaling of
// --threads on the capture and on one long connection (test/bench/threads.mjs; --no-threads leaves it out).
import { spawn, spawnSync } from 'node:child_process';
import { measure, median } from './measure.mjs';
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
// the real recording of the same kind, when it has been made (not generated here: it needs root)
const REAL = 'bench-data/ws-real-100mb.pcap';
const realMissing = `${REAL}: not recorded, so not measured; make it with: sudo npm run record -- bench/ws_busy (root: a network namespace and tcpdump)`;

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


const tshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
const cli = 'dist/cli.js';
if (!existsSync(cli)) throw new Error('build first: npm run build');

/**
 * Runs every command n times, round-robin (one run of each, then the next
 * round), so that a slow spell of a shared machine falls on all of them
 * alike; `once` commands run in the first round only. `sets`: the files,
 * each with the commands beyond the walk, --ndjson and --summary that it
 * gets (json: wsdissect --json; tshark: its three fields; tsharkJson: its
 * -T json, once); a round runs the commands of every file. Returns the rows
 * of each file.
 */
async function suite(sets, n) {
  const node = process.execPath;
  const commands = [];
  for (const [s, { file, json = false, tshark: fields = false, tsharkJson = false }] of sets.entries()) {
    const add = (c) => commands.push({ set: s, ...c });
    add({ label: 'bare walk over the records (pcap-parser)', command: node, argv: ['test/bench/walk.mjs', file] });
    add({ label: 'wsdissect --ndjson --max-payload 0', command: node, argv: [cli, file, '--ndjson', '--max-payload', '0'] });
    add({ label: 'wsdissect --summary', command: node, argv: [cli, file, '--summary'] });
    if (json) add({ label: 'wsdissect --json', command: node, argv: [cli, file, '--json'] });
    if (fields && tshark) add({ label: 'tshark -T fields (3 fields)', command: 'tshark', argv: ['-r', file, '-Y', 'websocket', '-T', 'fields', '-e', 'frame.number', '-e', 'websocket.opcode', '-e', 'websocket.payload_length'] });
    if (tsharkJson && tshark) add({ label: 'tshark -T json', command: 'tshark', argv: ['-r', file, '-Y', 'websocket', '-T', 'json'], once: true });
  }
  const runs = commands.map(() => []);
  for (let round = 0; round < n; round++) {
    for (const [i, c] of commands.entries()) {
      if (c.once && round > 0) continue;
      runs[i].push(await measure(c.command, c.argv));
    }
  }
  const rows = commands.map((c, i) => ({ set: c.set, label: c.label, seconds: median(runs[i].map((r) => r.seconds)), peak: Math.max(...runs[i].map((r) => r.peak)), tail: runs[i][0].tail }));
  return sets.map((_, s) => rows.filter((r) => r.set === s));
}

/**
 * The throughput goals, each with what this run measured on each capture:
 * --ndjson --max-payload 0 at least 10 times faster than tshark's three
 * fields, --summary within 1.3 times the bare walk, the streaming modes
 * under 150 MB (BENCHMARKS.md says why the first two are not met).
 */
function goals(sets) {
  const row = (rows, label) => rows.find((r) => r.label.startsWith(label));
  const lines = ['| goal | ' + sets.map(([name]) => name).join(' | ') + ' |', '| --- |' + sets.map(() => ' --- |').join('')];
  const goal = (text, each) => lines.push(`| ${text} | ${sets.map(([, rows]) => each(rows)).join(' | ')} |`);
  goal('--ndjson --max-payload 0 ≥ 10 × faster than tshark 3 fields', (rows) => {
    const t = row(rows, 'tshark -T fields');
    if (!t) return 'no tshark';
    const x = t.seconds / row(rows, 'wsdissect --ndjson').seconds;
    return `${x.toFixed(2)} × (${x >= 10 ? 'met' : 'not met'})`;
  });
  goal('--summary ≤ 1.3 × the bare walk', (rows) => {
    const x = row(rows, 'wsdissect --summary').seconds / row(rows, 'bare walk').seconds;
    return `${x.toFixed(2)} × (${x <= 1.3 ? 'met' : 'not met'})`;
  });
  goal('--ndjson and --summary peak RSS < 150 MB', (rows) => {
    const peak = Math.max(row(rows, 'wsdissect --ndjson').peak, row(rows, 'wsdissect --summary').peak);
    return `${peak.toFixed(0)} MB (${peak < 150 ? 'met' : 'not met'})`;
  });
  return lines.join('\n');
}

function table(file, rows, what = '') {
  const mb = statSync(file).size / 1048576;
  const floor = rows[0].seconds;
  const t3 = rows.find((r) => r.label.startsWith('tshark -T fields'));
  // the counts, read back from --summary's last line
  const c = counts(rows.find((r) => r.label === 'wsdissect --summary').tail);
  const lines = [`${file}: ${mb.toFixed(1)} MB${what}, ${c.connections} connections (${c.websocket} WebSocket), ${c.frames} frames, ${c.messages} messages`, '', '| command | median time | MB/s | × the floor | × faster than tshark 3 fields | peak RSS |', '| --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const r of rows) {
    lines.push(`| ${r.label} | ${r.seconds.toFixed(2)} s | ${(mb / r.seconds).toFixed(0)} | ${(r.seconds / floor).toFixed(2)} | ${t3 ? (t3.seconds / r.seconds).toFixed(2) : '—'} | ${r.peak.toFixed(0)} MB |`);
  }
  return lines.join('\n');
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}${tshark ? `, ${spawnSync('tshark', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]}` : ', no tshark'}`);
// --scale, --many and --gc run once unless --reps is given
// (--long and --hostile run each command once, whatever --reps says)
const once = (['--scale', '--many', '--gc'].some((m) => args.includes(m)) && !args.includes('--reps')) || args.includes('--long') || args.includes('--hostile') || args.includes('--h2');
console.log(`repetitions: ${once ? 1 : reps}${once ? '' : ' (median)'}; peak RSS is the process's VmHWM\n`);
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
if (args.includes('--h2')) {
  // WebSocket after WebSocket over one HTTP/2 connection: each conversation is reported as its stream ends and let go of
  const count = opt('--count', 20000);
  const lines = ['| WebSockets over one connection | file | mode | time | peak RSS |', '| ---: | ---: | --- | ---: | ---: |'];
  for (const n of [Math.max(1, Math.round(count / 10)), count]) {
    const file = `bench-data/h2-many-${n}.pcap`;
    if (!existsSync(file)) spawnSync(process.execPath, ['test/bench/h2-many.mjs', String(n), file], { stdio: 'inherit' });
    for (const mode of [['--summary'], [], ['--json']]) {
      const r = await measure(process.execPath, [cli, file, ...mode]);
      lines.push(`| ${n} | ${(statSync(file).size / 1048576).toFixed(1)} MB | ${mode.join(' ') || 'report'} | ${r.seconds.toFixed(2)} s | ${r.peak.toFixed(0)} MB |`);
    }
  }
  console.log(lines.join('\n'));
  process.exit(0);
}
if (args.includes('--long')) {
  // every view on one long connection: time and peak memory, each against --summary
  // --long-file FILE: every view on a capture of your own (the 1 GB bench capture of many connections, a recording)
  const file = args.includes('--long-file') ? String(args[args.indexOf('--long-file') + 1]) : generate(opt('--long-size', 40), 'long');
  const all = [['--summary'], ['--ndjson', '--max-payload', '0'], [], ['--explain'], ['--ladder'], ['--messages'], ['--hex'], ['--stats'], ['--json'], ['--html', 'bench-data/report.html'], ['--har', 'bench-data/capture.har'], ['--format', 'ecs'], ['--format', 'zeek']];
  // (--html writes its report to a file, as it is used; the terminal views and --json to a pipe)
  // --views report,json,…: some of them (--summary always, first: the others are measured against it)
  const chosen = args.includes('--views') ? String(args[args.indexOf('--views') + 1]).split(',') : null;
  const name = (v) => (v.length === 0 ? 'report' : v[0] === '--format' ? v[1] : v[0].replace(/^--/, ''));
  const views = chosen ? all.filter((v, i) => i === 0 || chosen.includes(name(v))) : all;
  const rows = [];
  for (const v of views) {
    const r = await measure(process.execPath, [cli, file, ...v]).catch((e) => ({ failed: String(e.message) }));
    rows.push({ label: `wsdissect ${v.join(' ') || '(the report)'}`, ...r });
    process.stderr.write(`${rows[rows.length - 1].label}: ${r.failed ?? `${r.seconds.toFixed(1)} s (CPU ${r.cpu.toFixed(1)} s), ${r.peak.toFixed(0)} MB`}\n`);
  }
  rmSync('bench-data/report.html', { force: true });
  rmSync('bench-data/capture.har', { force: true });
  const base = rows[0].cpu;
  const mb = statSync(file).size / 1048576;
  console.log([`${file}: ${mb.toFixed(1)} MB${args.includes('--long-file') ? '' : ', one connection'}`, '', '| view | wall time | CPU time | CPU × --summary | peak RSS |', '| --- | ---: | ---: | ---: | ---: |', ...rows.map((r) => (r.failed ? `| ${r.label} | failed: ${r.failed} | — | — | — |` : `| ${r.label} | ${r.seconds.toFixed(2)} s | ${r.cpu.toFixed(2)} s | ${(r.cpu / base).toFixed(1)} | ${r.peak.toFixed(0)} MB |`))].join('\n'));
  process.exit(0);
}
/**
 * The counts at the end of a run's output: --ndjson's summary line, --json's
 * "summary" object, or the last line of --summary, --stats or the report.
 */
function counts(output) {
  const lines = output.trimEnd().split('\n');
  const last = lines[lines.length - 1];
  if (last.startsWith('{')) {
    const j = JSON.parse(last);
    return { connections: j.connections, websocket: j.websocketConnections, frames: j.frames, messages: j.messages };
  }
  if (last === '}') {
    // --json: the document's "summary", near its end
    const at = output.lastIndexOf('"summary": {');
    const j = JSON.parse(output.slice(at + '"summary": '.length, output.indexOf('}', output.indexOf('"diagnostics": {', at)) + 1).replace(/\s+/g, '') + '}');
    return { connections: j.connections, websocket: j.websocketConnections, frames: j.frames, messages: j.messages };
  }
  // the summary's last line, wrapped at the terminal's width
  const m = /(\d+) (?:TCP )?connections? \((\d+) WebSocket\), (\d+) frames?, (\d+) messages?/.exec(lines.slice(-4).join(' ').replace(/\s+/g, ' '));
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

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
/** the RSS at a quarter, half and three quarters of a run, and at its end (the last sample) */
const rssAlong = (rss) => (rss.length === 0 ? '—' : [0.25, 0.5, 0.75, 1].map((q) => rss[Math.min(rss.length - 1, Math.floor(q * rss.length))][1].toFixed(0)).join(' / '));
const fmt = (n) => n.toLocaleString('en-US').replace(/,/g, ' ');

if (args.includes('--scale')) {
  // Cost that grows linearly: the streaming modes and the floor on --size (100 MB) and --large-size
  // (10 × that: the default run's large capture), and on a capture of one short connection for
  // what a run costs before its first frame (start-up: Node, the modules, the JIT's first
  // compilations); the cost per frame at each size with and without that, the projection to
  // 10 GB from the per-frame cost at the larger, and the streaming modes once more on the larger
  // with V8's old space capped at 48 MB: memory that grew per frame or per connection would not fit.
  const n = args.includes('--reps') ? reps : 1;
  const tiny = 'bench-data/ws-short-1.pcap';
  if (!existsSync(tiny)) spawnSync(process.execPath, ['test/bench/generate.mjs', tiny, '--short', '1'], { stdio: 'ignore' });
  const files = [generate(size), generate(largeSize)].map((file) => ({ file, mb: statSync(file).size / 1048576 }));
  const node = process.execPath;
  const commands = [
    { label: 'bare walk (pcap-parser)', argv: (f) => ['test/bench/walk.mjs', f] },
    { label: '--ndjson --max-payload 0', argv: (f) => [cli, f, '--ndjson', '--max-payload', '0'] },
    { label: '--summary', argv: (f) => [cli, f, '--summary'] },
  ];
  const runs = files.map(() => commands.map(() => []));
  const startup = commands.map(() => []);
  const loads = [loadavg()];
  for (let round = 0; round < n; round++) {
    for (const [i, c] of commands.entries()) startup[i].push(await measure(node, c.argv(tiny)));
    for (const [f, { file }] of files.entries()) {
      for (const [i, c] of commands.entries()) {
        const r = await measure(node, c.argv(file));
        runs[f][i].push(r);
        process.stderr.write(`${file} ${c.label}: ${r.seconds.toFixed(1)} s, CPU ${r.cpu.toFixed(1)} s, ${r.peak.toFixed(0)} MB (load ${loadavg()})\n`);
      }
    }
    loads.push(loadavg());
  }
  // the frames, read back: --ndjson's summary line, which --summary's counts must equal
  for (const [f, x] of files.entries()) {
    const a = counts(runs[f][1][0].tail);
    const b = counts(runs[f][2][0].tail);
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${x.file}: --ndjson counts ${JSON.stringify(a)}, --summary ${JSON.stringify(b)}`);
    x.frames = a.frames;
    x.packets = Number(/(\d+) packets/.exec(runs[f][0][0].tail)?.[1]);
  }
  const fixed = startup.map((r) => ({ cpu: median(r.map((y) => y.cpu)), wall: median(r.map((y) => y.seconds)) }));
  const rows = [];
  const lines = [`rounds: ${n} (median wall and CPU, highest peak); load average (1, 5, 15 min) before and after each round: ${loads.join(' → ')}`, ''];
  lines.push(`start-up (${tiny}, one short connection, 6 frames), CPU: ${commands.map((c, i) => `${c.label} ${fixed[i].cpu.toFixed(2)} s`).join(', ')}`, '');
  lines.push('| file | packets | frames | command | wall | CPU | peak RSS | RSS at ¼ / ½ / ¾ / end | CPU µs per frame | less the start-up | CPU ms per MB |', '| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [f, x] of files.entries()) {
    for (const [i, c] of commands.entries()) {
      const r = runs[f][i];
      const wall = median(r.map((y) => y.seconds));
      const cpu = median(r.map((y) => y.cpu));
      const peak = Math.max(...r.map((y) => y.peak));
      const row = { f, i, wall, cpu, peak, perFrame: (cpu / x.frames) * 1e6, net: ((cpu - fixed[i].cpu) / x.frames) * 1e6, wallNet: (wall - fixed[i].wall) / x.frames };
      rows.push(row);
      lines.push(`| ${x.file} (${x.mb.toFixed(1)} MB) | ${fmt(x.packets)} | ${fmt(x.frames)} | ${c.label} | ${wall.toFixed(2)} s | ${cpu.toFixed(2)} s | ${peak.toFixed(0)} MB | ${rssAlong(r[r.length - 1].rss)} MB | ${row.perFrame.toFixed(2)} | ${row.net.toFixed(2)} | ${((cpu / x.mb) * 1e3).toFixed(1)} |`);
    }
  }
  // the streaming modes with the old space capped
  const capped = [];
  for (const i of [1, 2]) {
    const r = await measure(node, ['--max-old-space-size=48', ...commands[i].argv(files[1].file)]).catch((e) => ({ failed: String(e.message) }));
    capped[i] = r.failed ? 'failed' : `completes, ${r.peak.toFixed(0)} MB`;
    if (!r.failed && JSON.stringify(counts(r.tail)) !== JSON.stringify(counts(runs[1][i][0].tail))) capped[i] = 'completes, with other counts';
  }
  // 10 GB (10 240 MB) of the same traffic: its frames in proportion to the larger file's, each at that file's cost, plus the start-up
  const [lo, hi] = files;
  const frames10 = (hi.frames / hi.mb) * 10240;
  lines.push('', `projection to 10 GB (10 240 MB of the same traffic, about ${fmt(Math.round(frames10))} frames): the start-up plus that many frames at the per-frame cost (less the start-up) at ${hi.mb.toFixed(0)} MB:`, '');
  lines.push(`| command | CPU µs per frame less the start-up, ${lo.mb.toFixed(0)} MB | ${hi.mb.toFixed(0)} MB | change | linear (within 10 %)? | marginal, ${lo.mb.toFixed(0)} → ${hi.mb.toFixed(0)} MB | peak RSS ${lo.mb.toFixed(0)} MB → ${hi.mb.toFixed(0)} MB | ${hi.mb.toFixed(0)} MB with old space capped at 48 MB | projected CPU at 10 GB | projected wall at 10 GB |`, '| --- | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: |');
  for (const [i, c] of commands.entries()) {
    const a = rows.find((r) => r.f === 0 && r.i === i);
    const b = rows.find((r) => r.f === 1 && r.i === i);
    const change = b.net / a.net - 1;
    const marginal = ((b.cpu - a.cpu) / (hi.frames - lo.frames)) * 1e6;
    lines.push(`| ${c.label} | ${a.net.toFixed(2)} | ${b.net.toFixed(2)} | ${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} % | ${Math.abs(change) <= 0.1 ? 'yes' : 'no'} | ${marginal.toFixed(2)} | ${a.peak.toFixed(0)} → ${b.peak.toFixed(0)} MB | ${capped[i] ?? '—'} | ${((fixed[i].cpu + (frames10 * b.net) / 1e6) / 60).toFixed(1)} min | ${((fixed[i].wall + frames10 * b.wallNet) / 60).toFixed(1)} min |`);
  }
  console.log(lines.join('\n'));
  process.exit(0);
}

if (args.includes('--many')) {
  // Many short connections (generate.mjs --short): every kind of output on --count of them, each
  // run once (or --reps), its output read from a pipe; the connections read back from the output
  // must be the number generated, each a WebSocket one, with 6 frames and 4 messages each.
  const count = opt('--count', 1000000);
  const n = args.includes('--reps') ? reps : 1;
  const file = `bench-data/ws-short-${count}.pcap`;
  if (!existsSync(file)) {
    process.stderr.write(`generating ${file} …\n`);
    const r = spawnSync(process.execPath, ['test/bench/generate.mjs', file, '--short', String(count)], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`generating ${file} failed`);
  }
  const mb = statSync(file).size / 1048576;
  const node = process.execPath;
  const views = [['--summary'], ['--ndjson', '--max-payload', '0'], ['--stats'], ['--json'], []];
  const commands = [{ label: 'bare walk (pcap-parser)', argv: ['test/bench/walk.mjs', file] }, ...views.map((v) => ({ label: `wsdissect ${v.join(' ') || '(the report)'}`, argv: [cli, file, ...v] }))];
  const want = { connections: count, websocket: count, frames: 6 * count, messages: 4 * count };
  const runs = commands.map(() => []);
  const loads = [loadavg()];
  let failed = false;
  for (let round = 0; round < n; round++) {
    for (const [i, c] of commands.entries()) {
      const r = await measure(node, c.argv).catch((e) => ({ failed: String(e.message) }));
      if (!r.failed && i > 0) {
        r.counts = counts(r.tail);
        if (JSON.stringify(r.counts) !== JSON.stringify(want)) {
          failed = true;
          console.error(`FAIL: ${c.label} read back ${JSON.stringify(r.counts)}, generated ${JSON.stringify(want)}`);
        }
      }
      runs[i].push(r);
      process.stderr.write(`${c.label}: ${r.failed ?? `${r.seconds.toFixed(1)} s, CPU ${r.cpu.toFixed(1)} s, ${r.peak.toFixed(0)} MB`} (load ${loadavg()})\n`);
    }
    loads.push(loadavg());
  }
  const lines = [`${file}: ${mb.toFixed(1)} MB, ${fmt(count)} connections generated (${fmt(15 * count)} packets, ${fmt(want.frames)} frames, ${fmt(want.messages)} messages); rounds: ${n}; load average before and after each round: ${loads.join(' → ')}`, ''];
  lines.push('| command | wall | CPU | peak RSS | RSS at ¼ / ½ / ¾ / end | connections read back (WebSocket) | frames | CPU µs per connection |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [i, c] of commands.entries()) {
    const r = runs[i];
    if (r.some((y) => y.failed)) {
      lines.push(`| ${c.label} | failed: ${r.find((y) => y.failed).failed} | | | | | | |`);
      continue;
    }
    const cpu = median(r.map((y) => y.cpu));
    const got = r[0].counts;
    lines.push(`| ${c.label} | ${median(r.map((y) => y.seconds)).toFixed(1)} s | ${cpu.toFixed(1)} s | ${Math.max(...r.map((y) => y.peak)).toFixed(0)} MB | ${rssAlong(r[r.length - 1].rss)} MB | ${got ? `${fmt(got.connections)} (${fmt(got.websocket)})${JSON.stringify(got) === JSON.stringify(want) ? ' ✓' : ' ✗'}` : '—'} | ${got ? fmt(got.frames) : '—'} | ${((cpu / count) * 1e6).toFixed(1)} |`);
  }
  console.log(lines.join('\n'));
  process.exit(failed ? 1 : 0);
}

if (args.includes('--gc')) {
  // The garbage collector on the streaming paths: --summary and --ndjson --max-payload 0 on the
  // --size capture, and the bare walk, each with test/bench/gc-observe.mjs preloaded (perf_hooks'
  // 'gc' entries, written to stderr at exit): collections by kind, their pauses; then the bytes
  // allocated and promoted, from V8's --trace-gc-nvp.
  const file = generate(size);
  const n = args.includes('--reps') ? reps : 1;
  const node = process.execPath;
  const preload = ['--import', './test/bench/gc-observe.mjs'];
  const commands = [
    { label: 'bare walk (pcap-parser)', argv: [...preload, 'test/bench/walk.mjs', file] },
    { label: 'wsdissect --summary', argv: [...preload, cli, file, '--summary'] },
    { label: 'wsdissect --ndjson --max-payload 0', argv: [...preload, cli, file, '--ndjson', '--max-payload', '0'] },
  ];
  const runs = commands.map(() => []);
  const loads = [loadavg()];
  for (let round = 0; round < n; round++) {
    for (const [i, c] of commands.entries()) {
      const r = await measure(node, c.argv, { stderr: true });
      const line = r.stderr.split('\n').find((l) => l.startsWith('{"gc"'));
      if (!line) throw new Error(`${c.label}: no gc line on stderr: ${r.stderr.slice(-300)}`);
      r.gc = JSON.parse(line).gc;
      runs[i].push(r);
    }
    loads.push(loadavg());
  }
  const frames = counts(runs[1][0].tail).frames;
  if (counts(runs[2][0].tail).frames !== frames) throw new Error('--summary and --ndjson count different frames');
  const lines = [`${file}: ${(statSync(file).size / 1048576).toFixed(1)} MB, ${fmt(frames)} frames (read back); rounds: ${n} (medians); load average before and after each round: ${loads.join(' → ')}`, ''];
  lines.push('| command | wall | CPU | peak RSS | scavenges | mark-compacts | incremental marking | GC pause (all kinds) | GC pause / CPU | scavenges per 1000 frames |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [i, c] of commands.entries()) {
    const r = runs[i];
    const m = (f) => median(r.map(f));
    const pause = m((y) => y.gc.scavengeMs + y.gc.markCompactMs + y.gc.incrementalMs + y.gc.weakMs);
    const cpu = m((y) => y.cpu);
    const scavenges = m((y) => y.gc.scavenges);
    lines.push(`| ${c.label} | ${m((y) => y.seconds).toFixed(2)} s | ${cpu.toFixed(2)} s | ${Math.max(...r.map((y) => y.peak)).toFixed(0)} MB | ${scavenges} (${m((y) => y.gc.scavengeMs).toFixed(0)} ms) | ${m((y) => y.gc.markCompacts)} (${m((y) => y.gc.markCompactMs).toFixed(0)} ms) | ${m((y) => y.gc.incremental)} (${m((y) => y.gc.incrementalMs).toFixed(0)} ms) | ${pause.toFixed(0)} ms | ${((pause / 1000 / cpu) * 100).toFixed(1)} % | ${((scavenges / frames) * 1000).toFixed(2)} |`);
  }
  // The bytes allocated: each command once more under --trace-gc-nvp, whose line per collection
  // (on stdout, among the output) says what was allocated since the one before (allocated=) and
  // what survived into the old generation (promoted=); its collections are counted against the
  // observer's of the same run, which checks that no line was lost in the output.
  lines.push('', 'bytes allocated, by V8\'s --trace-gc-nvp (one more run each; until the last collection):', '');
  lines.push('| command | collections traced (the observer\'s in the same run) | allocated | per frame | promoted to the old generation | per frame |', '| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const c of commands) {
    const traced = await new Promise((resolve, reject) => {
      const child = spawn(node, ['--trace-gc-nvp', ...c.argv], { stdio: ['ignore', 'pipe', 'pipe'] });
      const t = { gcs: 0, allocated: 0, promoted: 0, stderr: '' };
      let rest = '';
      child.stdout.setEncoding('latin1');
      child.stdout.on('data', (d) => {
        const text = rest + d;
        const cut = text.lastIndexOf('\n');
        rest = text.slice(cut + 1);
        for (const m of text.slice(0, cut + 1).matchAll(/ms: pause=[^\n]* gc=[a-z]+ [^\n]* allocated=(\d+) promoted=(\d+)/g)) {
          t.gcs++;
          t.allocated += Number(m[1]);
          t.promoted += Number(m[2]);
        }
      });
      child.stderr.on('data', (d) => (t.stderr += d));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(t) : reject(new Error(`${c.label} under --trace-gc-nvp exited ${code}`))));
    });
    const o = JSON.parse(traced.stderr.split('\n').find((l) => l.startsWith('{"gc"'))).gc;
    const mib = (b) => `${(b / 1048576).toFixed(0)} MB`;
    lines.push(`| ${c.label} | ${traced.gcs} (${o.scavenges + o.markCompacts}) | ${mib(traced.allocated)} | ${(traced.allocated / frames).toFixed(0)} B | ${mib(traced.promoted)} | ${(traced.promoted / frames).toFixed(1)} B |`);
  }
  // --alloc: which functions allocate, by the sampling heap profiler (test/bench/alloc-profile.mjs)
  if (args.includes('--alloc')) {
    for (const c of commands.slice(1)) {
      const r = await measure(node, ['--import', './test/bench/alloc-profile.mjs', ...c.argv.slice(preload.length)], { stderr: true });
      lines.push('', `${c.label}, the functions that allocate most (self; the line is where the function starts):`, '', '```', ...r.stderr.split('\n').filter((l) => l.startsWith('alloc-profile: ')).map((l) => l.slice('alloc-profile: '.length)), '```');
    }
  }
  console.log(lines.join('\n'));
  process.exit(0);
}
// the capture's table and the real recording's (when it is there), in the same rounds; --real: only these
if (args.includes('--real') && !existsSync(REAL)) {
  console.log(realMissing);
  process.exit(2);
}
const small = generate(size);
const real = existsSync(REAL);
const [smallRows, realRows] = await suite([{ file: small, json: true, tshark: true, tsharkJson: true }, ...(real ? [{ file: REAL, tshark: true }] : [])], reps);
console.log(table(small, smallRows, ', generated'));
console.log('');
console.log(real ? table(REAL, realRows, ', recorded (gen/scenarios/ws_busy.mjs)') : realMissing);
console.log('');
console.log(goals([['generated', smallRows], ...(real ? [['recorded', realRows]] : [])]));
if (args.includes('--real')) process.exit(0);
if (large) {
  const big = generate(largeSize);
  console.log('');
  console.log(table(big, (await suite([{ file: big }], 1))[0], ', generated'));
}
if (!args.includes('--no-wss')) {
  console.log('');
  console.log(await wssSuite(size, reps, { withTshark: false, tls12: false }));
}
if (!args.includes('--no-threads')) {
  // the scaling of --threads (threads.mjs): 1 to 4 threads on the capture above and on one long connection
  console.log('');
  const long = generate(40, 'long');
  const r = spawnSync(process.execPath, ['test/bench/threads.mjs', '--reps', String(reps), small, long], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('test/bench/threads.mjs failed');
}
