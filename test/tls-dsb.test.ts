// The same wss:// captures as pcapng with their key logs injected
// (`editcap --inject-secrets tls,KEYS`, a Decryption Secrets Block) give the
// same analysis, without --tls-keylog, as the pcap with its key log: the
// JSON export (every connection, frame, message, diagnostic and timeline
// entry) and the report, --explain, --ladder and --summary, byte for byte
// but for the capture's format. .ci/run installs editcap
// (wireshark-common); without it the test is skipped, and fails under
// CI=true so that it is never skipped there.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

function has(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const editcap = has('editcap');
const FILES = readdirSync('captures/tls')
  .filter((f) => f.endsWith('.pcap') && existsSync(`captures/tls/${f.replace(/\.pcap$/, '.keys')}`))
  .sort();
const dir = mkdtempSync(join(tmpdir(), 'wsdissect-dsb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]): string => {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`wsdissect ${args.join(' ')}: status ${r.status}: ${r.stderr}`);
  return r.stdout;
};

describe.skipIf(!editcap && process.env.CI !== 'true')('pcapng with the key log injected (Decryption Secrets Block)', () => {
  it('has editcap (CI installs it)', () => {
    expect(editcap).toBe(true);
  });

  it.each(FILES)('%s: the same analysis as the pcap with its key log, every field but the capture\'s format', (name) => {
    const pcap = `captures/tls/${name}`;
    const keys = pcap.replace(/\.pcap$/, '.keys');
    // one path for both runs, and the key log copied to the name the capture's block is read under: the words
    // that name the input are then the same, and any other difference is the analysis'
    const path = join(dir, name.replace(/\.pcap$/, '.pcapng'));
    const asBlock = `${path} (Decryption Secrets Block)`;
    copyFileSync(keys, asBlock);
    copyFileSync(pcap, path);
    const views = (extra: string[]) => [['--json', '--max-payload', '0'], [], ['--explain'], ['--ladder'], ['--summary']].map((v) => run([path, ...extra, '--width', '300', ...v]));
    const withKeys = views(['--tls-keylog', asBlock]);
    execFileSync('editcap', ['--inject-secrets', `tls,${keys}`, pcap, path], { stdio: 'ignore' });
    const injected = views([]);
    // the keys were read from the capture itself, and decrypted what the key log did
    expect(injected[0]).toContain('(Decryption Secrets Block)');
    expect(JSON.parse(injected[0]!).capture.format).toBe('pcapng');
    const same = (text: string) => text.replace(/"format": "pcap(ng)?"/, '"format": "?"').replace(/Capture: pcap(ng)?,/, 'Capture: ?,').replace(/^pcap(ng)?, /m, '?, ');
    injected.forEach((text, i) => expect(same(text)).toBe(same(withKeys[i]!)));
  }, 30_000);
});
