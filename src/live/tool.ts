// -i IFACE: a live capture through the system's own capture tool, read from
// a pipe as `tcpdump -U -w - | wsdissect -` is (not part of the analysis: it
// starts another program, with that program's options). Debian's dumpcap (package
// wireshark-common, which tshark brings; it writes pcapng) is used when it
// is there, else tcpdump (package tcpdump; pcap, -U so that each packet comes
// as it is captured). The tool does the capturing, with its privileges; this
// only starts it, reads its output, and stops it: after -a duration:N (sent
// SIGINT, so that it writes what it has and ends: the capture then ends as a
// file does), at Ctrl-C, or when the command ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Readable } from 'node:stream';

export interface LiveOptions {
  iface: string;
  /** a BPF capture filter */
  filter: string | null;
  /** seconds to capture, or null until stopped */
  duration: number | null;
  /** packets to capture, or null */
  count: number | null;
}

export interface LiveCapture {
  tool: 'dumpcap' | 'tcpdump';
  child: ChildProcess;
  /** the capture as it is written (the tool's standard output) */
  stream: Readable;
  /** what the tool said on standard error */
  stderr(): string;
  /** resolves when the tool has ended */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** ends the capture (the tool writes what it has and ends) */
  stop(): void;
}

/** Where a program is, on PATH or in the system's own directories (tcpdump lives in /usr/sbin, off a user's PATH). */
export function findTool(name: string, path = process.env['PATH'] ?? ''): string | null {
  const dirs = [...path.split(delimiter).filter((d) => d !== ''), '/usr/bin', '/usr/sbin', '/bin', '/sbin'];
  for (const d of dirs) {
    const candidate = join(d, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** The tool's arguments: capture on the interface to standard output, as each packet comes. */
export function liveArguments(tool: 'dumpcap' | 'tcpdump', o: LiveOptions): string[] {
  if (tool === 'dumpcap') return ['-i', o.iface, '-w', '-', '-q', ...(o.filter !== null ? ['-f', o.filter] : []), ...(o.count !== null ? ['-c', String(o.count)] : [])];
  return ['-i', o.iface, '-U', '-w', '-', '--immediate-mode', ...(o.count !== null ? ['-c', String(o.count)] : []), ...(o.filter !== null ? [o.filter] : [])];
}

/** Starts the capture; null when neither tool is installed. */
export function startLiveCapture(o: LiveOptions): LiveCapture | null {
  const dumpcap = findTool('dumpcap');
  const tcpdump = dumpcap === null ? findTool('tcpdump') : null;
  const path = dumpcap ?? tcpdump;
  if (path === null) return null;
  const tool = dumpcap !== null ? 'dumpcap' : 'tcpdump';
  const child = spawn(path, liveArguments(tool, o), { stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  child.stderr!.on('data', (d: Buffer) => {
    // what it says is kept for an error (the last few kilobytes)
    said = (said + d.toString('utf8')).slice(-4096);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', () => resolve({ code: 127, signal: null }));
  });
  let timer: NodeJS.Timeout | null = null;
  const stop = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  if (o.duration !== null) timer = setTimeout(stop, o.duration * 1000);
  void exited.then(() => {
    if (timer !== null) clearTimeout(timer);
  });
  return { tool, child, stream: child.stdout!, stderr: () => said, exited, stop };
}

/**
 * Why the tool ended without a capture, in one line: not permitted, no such
 * interface, or the tool's own last words.
 */
export function liveFailure(tool: string, iface: string, stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^Capturing on|^listening on|^tcpdump: verbose output suppressed|^\(/i.test(l));
  // the tool's own first complaint, without its name
  const said = (lines[0] ?? 'it ended without a word').replace(/^(dumpcap|tcpdump): /, '');
  if (/permission|not permitted/i.test(stderr)) return `capturing on ${iface} is not permitted (${tool}: ${said}); run as root, or give ${tool} the capture capabilities (dumpcap: dpkg-reconfigure wireshark-common and the wireshark group; tcpdump: setcap cap_net_raw,cap_net_admin=eip)`;
  if (/no such device|there is no device|no suitable device/i.test(stderr)) return `no interface ${iface} to capture on (${tool}: ${said})`;
  return `${tool}: ${said}`;
}
