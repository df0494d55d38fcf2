// The TLS connections of test/fixtures/tls/*.json, recorded by
// test/support/gen-tls-fixtures.mjs (Node's tls, one cipher suite each, the
// client's key log): what tls-decrypt.test.ts and tls-record-bodies.test.ts
// decrypt.
import { readdirSync, readFileSync } from 'node:fs';

export interface TlsFixture {
  suite: string;
  protocol: string;
  keylog: string;
  client: string;
  server: string;
  clientMessages: string[];
  serverMessages: string[];
}

const DIR = new URL('../fixtures/tls/', import.meta.url);

/** The fixtures' file names, sorted. */
export const TLS_FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

/** The fixture of that file name. */
export function loadTlsFixture(name: string): TlsFixture {
  return JSON.parse(readFileSync(new URL(name, DIR), 'utf8')) as TlsFixture;
}
