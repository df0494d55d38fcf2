// Compressed conversations recorded from three implementations (the ws
// package with and without context takeover, Python's websockets, and
// Chromium): every message must inflate to exactly what the application sent,
// as captures/deflate_expected.json lists it (written from the scenarios' own
// data, not from the captures). tshark 4.0.17 gets the fragmented ones wrong
// (it shows their compressed bytes as text, and fails the messages that refer
// back to them): see captures/README.md.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { headerValues } from '../src/http/head.js';
import { analyze } from './support/analyze.js';

interface Expected {
  file: string;
  extensions: string;
  client: ({ type: 'text'; text: string } | { type: 'binary'; base64: string })[];
  server: ({ type: 'text'; text: string } | { type: 'binary'; base64: string })[];
}

const EXPECTED = JSON.parse(readFileSync('captures/deflate_expected.json', 'utf8')) as Expected[];

describe.each(EXPECTED.map((e) => [e.file, e] as const))('%s', (_file, e) => {
  it('inflates every message to what was sent, in both directions', async () => {
    const r = await analyze(`captures/${e.file}`);
    const c = r.connections.find((x) => x.handshake?.outcome === 'upgraded')!;
    expect(headerValues(c.handshake!.response!.headers, 'sec-websocket-extensions').join(', ')).toBe(e.extensions);
    for (const side of ['client', 'server'] as const) {
      const got = c.messages
        .filter((m) => m.from === side)
        .map((m) => (m.type === 'text' ? { type: 'text', text: m.payload.toString('utf8') } : { type: 'binary', base64: m.payload.toString('base64') }));
      expect(got).toEqual(e[side]);
      for (const m of c.messages.filter((x) => x.from === side)) {
        expect(m).toMatchObject({ compressed: true, complete: true });
        expect(m.inflatedLength).toBe(m.payload.length);
      }
    }
    // nothing broken but the TCP teardown order, which the recording's client chose (a warning: RFC 6455 §7.1.1 SHOULD)
    expect(c.diagnostics.filter((d) => d.severity !== 'info' && d.code !== 'close.client-closed-tcp-first')).toEqual([]);
    // RSV1 only on the first frame of each message (RFC 7692 §6.1)
    for (const m of c.messages) expect(m.frames.map((i) => c.frames[i]!.rsv1)).toEqual(m.frames.map((_, k) => k === 0));
  });

  it('includes fragmented compressed messages where the scenario sent them', async () => {
    const c = (await analyze(`captures/${e.file}`)).connections.find((x) => x.websocket)!;
    const fragmented = c.messages.filter((m) => m.frames.length > 1).length;
    if (e.file.startsWith('chromium')) expect(fragmented).toBe(0); // Chromium never fragments
    else expect(fragmented).toBeGreaterThan(0);
  });
});
