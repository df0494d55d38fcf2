// What the tests of the wss:// recordings in captures/tls/ with a key log of
// their own (tls-recordings.test.ts, tls-recordings2.test.ts) share: their
// files, their key logs, and what every decrypted recording must show.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { analyze, only, type Held } from './analyze.js';
import { KeyLog } from '../../src/tls/keylog.js';

export type KeysExt = 'keys' | 'first-only.keys';

/** captures/tls/NAME.EXT */
export const recordingPath = (name: string, ext: 'pcap' | KeysExt) => `captures/tls/${name}.${ext}`;
/** The text of NAME's key log (NAME.keys, or NAME.first-only.keys). */
export const keysText = (name: string, ext: KeysExt = 'keys') => readFileSync(recordingPath(name, ext), 'utf8');
/** NAME's key log parsed, under its file name; from `text` instead of the file's when given. */
export const keysOf = (name: string, ext: KeysExt = 'keys', text = keysText(name, ext)) => KeyLog.parse(text, recordingPath(name, ext));

export type Side = 'client' | 'server';
/** The messages one side sent: a text as a string, a binary as a Buffer. */
export const messages = (c: Held, side: Side) => c.messages.filter((m) => m.from === side).map((m) => (m.type === 'text' ? m.payload.toString('utf8') : Buffer.from(m.payload)));

/** What every decrypted recording must show: an accepted upgrade, client frames masked and server frames not, every frame whole, no error. */
export function expectSound(c: Held): void {
  expect(c.websocket).toBe(true);
  expect(c.handshake?.acceptValid).toBe(true);
  expect(c.handshake?.outcome).toBe('upgraded');
  for (const f of c.frames) {
    expect(f.masked, `frame ${f.index} (packet ${f.packet}) from the ${f.from}`).toBe(f.from === 'client');
    expect(f.complete).toBe(true);
  }
  expect(c.messages.every((m) => m.complete)).toBe(true);
  expect(c.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
}

/** NAME's capture analysed without its key log: one TLS connection, nothing in it taken for WebSocket. */
export async function withoutKeys(name: string): Promise<Held> {
  const c = only(await analyze(recordingPath(name, 'pcap')));
  expect(c.websocket).toBe(false);
  expect(c.frames).toEqual([]);
  expect(c.messages).toEqual([]);
  expect(c.protocol?.name).toBe('tls');
  return c;
}

/** captures/README.md lists the recording's capture and its key log. */
export function expectListed(name: string): void {
  const readme = readFileSync('captures/README.md', 'utf8');
  expect(readme).toContain(`\`tls/${name}.pcap\``);
  expect(readme).toContain(`\`tls/${name}.keys\``);
}
