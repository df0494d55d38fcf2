// Every capture in every file form (pcapng, nanosecond pcap, big-endian pcap,
// gzip of either) must give exactly the analysis of its classic-pcap twin;
// see captures/README.md for how the forms are made (captures/gen/forms.sh).
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderJson } from './support/render.js';
import { analyze } from './support/analyze.js';
import type { Held as Connection } from './support/analyze.js';

const CAPTURES = readdirSync('captures').filter((f) => f.endsWith('.pcap')).map((f) => f.replace(/\.pcap$/, '')).sort();
const FORMS = [
  ['pcapng', 'pcapng', false],
  ['ns.pcap', 'pcap-ns', false],
  ['be.pcap', 'pcap', false],
  ['pcap.gz', 'pcap', true],
  ['pcapng.gz', 'pcapng', true],
] as const;

interface Doc {
  capture: { format: string; compressed: boolean; linkTypes: number[]; packets: number };
  connections: unknown[];
  diagnostics: unknown[];
}

const json = async (path: string): Promise<Doc> => (await renderJson(path)) as Doc;

describe.each(CAPTURES)('%s', (name) => {
  it.each(FORMS)('as %s gives the same analysis', async (suffix, format, compressed) => {
    const path = `captures/forms/${name}.${suffix}`;
    expect(existsSync(path), `${path} is missing: run bash captures/gen/forms.sh`).toBe(true);
    const twin = await json(`captures/${name}.pcap`);
    const form = await json(path);
    expect(form.capture).toMatchObject({ format, compressed, linkTypes: twin.capture.linkTypes, packets: twin.capture.packets });
    expect(form.connections).toEqual(twin.connections);
    expect(form.diagnostics).toEqual(twin.diagnostics);
  });
});

/** A connection without what depends on the file rather than the conversation: times and packet numbers. */
function content(c: Connection): unknown {
  return {
    client: c.client,
    server: c.server,
    websocket: c.websocket,
    key: c.handshake?.key,
    accept: c.handshake?.accept,
    outcome: c.handshake?.outcome,
    frames: c.frames.map((f) => [f.from, f.fin, f.opcode, f.masked, f.maskingKey, f.payloadLength, f.payload.toString('base64')]),
    messages: c.messages.map((m) => [m.from, m.type, m.payload.toString('base64')]),
    close: [c.close.initiator, c.close.code, c.close.reason, c.close.replyCode, c.close.clean],
    phases: c.timeline.map((e) => [e.from, e.phase, e.summary.replace(/packet \d+/g, 'packet #')]),
    diagnostics: c.diagnostics.map((d) => [d.code, d.message.replace(/packet \d+/g, 'packet #')]),
  };
}

function withoutTimes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutTimes);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'ts' && k !== 'relTs' && k !== 'rtt').map(([k, x]) => [k, withoutTimes(x)]));
  return v;
}

describe('the same conversation on other link layers', () => {
  it.each([
    ['ws_echo.vlan.pcap', [1]],
    ['ws_echo.qinq.pcap', [1]],
  ])('%s (VLAN-tagged Ethernet) gives the analysis of ws_echo.pcap', async (file, linkTypes) => {
    const twin = await json('captures/ws_echo.pcap');
    const form = await json(`captures/forms/${file}`);
    expect(form.capture.linkTypes).toEqual(linkTypes);
    expect(form.connections).toEqual(twin.connections);
  });

  // recorded at the same time as ws_echo.pcap with tcpdump -i any: the same
  // packets, stamped a few microseconds apart by each capture
  it.each([
    ['ws_echo.any_sll.pcap', [113]],
    ['ws_echo.any_sll2.pcap', [276]],
  ])('%s (Linux cooked, recorded with -i any) gives the analysis of ws_echo.pcap but for times', async (file, linkTypes) => {
    const twin = await json('captures/ws_echo.pcap');
    const form = await json(`captures/forms/${file}`);
    expect(form.capture.linkTypes).toEqual(linkTypes);
    expect(withoutTimes(form.connections)).toEqual(withoutTimes(twin.connections));
  });
});

describe('a pcapng file with several interfaces', () => {
  it('merged_three_interfaces.pcapng holds the three conversations of its inputs', async () => {
    const merged = await analyze('captures/forms/merged_three_interfaces.pcapng');
    expect(merged.capture).toMatchObject({ format: 'pcapng', linkTypes: [1, 113], packets: 69 });
    const inputs = await Promise.all(['captures/ws_echo.pcap', 'captures/suricata_ping_sll.pcap', 'captures/ws_echo_ipv6.pcap'].map((f) => analyze(f)));
    const expected = inputs.flatMap((r) => r.connections).map(content);
    const got = merged.connections.map(content);
    expect(got).toHaveLength(expected.length);
    expect(got).toEqual(expect.arrayContaining(expected as unknown[]));
  });
});
