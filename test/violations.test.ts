// One capture per diagnostic code (captures/violations/, made by
// captures/gen/violations.mjs over real TCP connections, or rewritten from a
// recording where no connection can carry the fault): each code is reported
// at its packet, by its sender, with its RFC section, and nothing else is
// reported but what necessarily follows from the fault.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CODES } from '../src/codes.js';
import { analyze } from './support/analyze.js';

interface Expected {
  file: string;
  code: string;
  packet: number | null;
  from: 'client' | 'server' | null;
  what: string;
  alsoExpected: { code: string; why: string; packet?: number | null }[];
}

const EXPECTED = JSON.parse(readFileSync('captures/violations/expected.json', 'utf8')) as Expected[];

describe.each(EXPECTED.map((e) => [e.code, e] as const))('%s', (_code, e) => {
  it('is reported where the fault is, and nothing else', async () => {
    const r = await analyze(`captures/violations/${e.file}`);
    const all = [...r.diagnostics, ...r.connections.flatMap((c) => c.diagnostics)];
    const found = all.filter((d) => d.code === e.code);
    expect(found.length, `${e.code} not reported in ${e.file} (${e.what})`).toBeGreaterThan(0);
    expect(found[0]).toMatchObject({ packet: e.packet, from: e.from, severity: CODES[e.code]!.severity });
    // the application protocols' codes cite their own specifications (STOMP 1.2, MQTT 3.1.1, JSON-RPC 2.0, …)
    if (e.code.startsWith('app.')) expect(found[0]!.rfc).toMatch(/^(STOMP|SockJS|Engine\.IO|Socket\.IO|MQTT|GraphQL|subscriptions-transport-ws|JSON-RPC|RFC 8259)\b.*§?/);
    // the rules of WebSocket over HTTP/2 cite RFC 8441, and HTTP/2's own (RFC 9113, HPACK: RFC 7541) that carry it
    else if (CODES[e.code]!.rfc) expect(found[0]!.rfc).toMatch(/^RFC (6455|7692|8441|9113|7541)\b/);
    expect(found[0]!.message.length).toBeGreaterThan(20);
    const allowed = new Set([e.code, ...e.alsoExpected.map((a) => a.code)]);
    expect(all.filter((d) => !allowed.has(d.code)).map((d) => `${d.code}@${d.packet}: ${d.message}`)).toEqual([]);
    for (const a of e.alsoExpected) expect(all.some((d) => d.code === a.code && (a.packet === undefined || a.packet === null || d.packet === a.packet)), `${a.code} (${a.why})`).toBe(true);
  });
});

describe('the violation set', () => {
  it('has a capture for every rule of RFC 6455 and RFC 7692, of the application protocols, and every capture diagnostic', () => {
    const covered = new Set(EXPECTED.map((e) => e.code));
    // internal.error is a bug report; the limits are reached by the hostile captures (hostile.test.ts);
    // the rest by crafted inputs in the unit tests; the tls.* codes by the wss:// recordings, damaged and cut (tls-views.test.ts)
    const tls = ['tls.no-key', 'tls.decrypt-failed', 'tls.keylog-line'];
    const limits = ['limit.payload', 'limit.connections', 'limit.reassembly', 'http.too-many-headers', 'http.head-too-large'];
    const elsewhere = new Set(['internal.error', 'capture.damaged', 'capture.unknown-link-type', 'ip.fragments-incomplete', 'ws.unframed', ...limits, ...tls]);
    expect(Object.keys(CODES).filter((c) => !covered.has(c) && !elsewhere.has(c))).toEqual([]);
  });
});
