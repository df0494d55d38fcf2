// Ctrl-C on a capture read from a pipe that stays open, as a live capture's.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** Waits until `ok()` holds, checking every 50 ms; false if `ms` pass first. */
export async function until(ok: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * Waits until the CLI's signal handlers are installed (once Node has started
 * and loaded it: a Ctrl-C before that would kill it). Linux shows the caught
 * signals in /proc: Node itself catches SIGINT from the start, so the sign is
 * SIGHUP's bit, whose handler the CLI installs after its Ctrl-C one.
 * Elsewhere, a second.
 */
export async function catchesCtrlC(child: ChildProcess): Promise<void> {
  const status = `/proc/${child.pid}/status`;
  if (!existsSync(status)) return void (await new Promise((r) => setTimeout(r, 1000)));
  const SIGHUP = 1n << 0n;
  const caught = (): boolean => (BigInt(`0x${/^SigCgt:\s*([0-9a-f]+)$/m.exec(readFileSync(status, 'utf8'))?.[1] ?? '0'}`) & SIGHUP) !== 0n;
  if (!(await until(caught, 10_000))) throw new Error('wsdissect did not start');
}

/**
 * `wsdissect ARGS -` reading `bytes` from a pipe that stays open, then
 * interrupted (SIGINT) once it has had a second to read them (nothing shows
 * that it has: a connection still open is reported only when the capture ends).
 */
export async function interruptedRun(args: string[], bytes: Buffer): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['dist/cli.js', ...args, '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.stdin.write(bytes);
  await catchesCtrlC(child);
  await new Promise((r) => setTimeout(r, 1000));
  child.kill('SIGINT');
  return { ...(await exit), stdout, stderr };
}

/** Bytes of a little-endian microsecond pcap up to its nth record: a capture whose reading goes on after them. */
export function firstRecords(pcap: Buffer, n: number): Buffer {
  let at = 24;
  for (let i = 0; i < n; i++) at += 16 + pcap.readUInt32LE(at + 8);
  return pcap.subarray(0, at);
}
