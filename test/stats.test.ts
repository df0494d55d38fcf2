// Connection statistics and the capture-wide table: golden output of every
// bundled capture (reviewed like code; regenerate with UPDATE_GOLDEN=1 and
// read the diff), the numbers each recorded capture is known to hold, and the
// drawing rules: never wider than asked, colour on the header rows only.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze, only } from './support/analyze.js';
import { connectionStats, renderConnectionsTable, renderStats } from '../src/render/stats.js';
import { statsOfLists } from '../src/analyze/stats.js';
import { analyzeCapture, DEFAULT_OPTIONS, TerminalSink } from '../src/index.js';
import { endingWords as verdict } from '../src/render/kind.js';
import { PLAIN, type RenderOptions } from '../src/render/options.js';
import { visibleLength } from '../src/render/paint.js';
import { expectGolden } from './support/golden.js';

const CAPTURES = readdirSync('captures').filter((f) => f.endsWith('.pcap')).sort();
const GOLDEN = 'test/golden/stats';
const at = (width: number, color = false): RenderOptions => ({ ...PLAIN, width, color });
// eslint-disable-next-line no-control-regex
const ESC = /\u001b\[[0-9;]*m/g;

const golden = (name: string, actual: string): void => expectGolden(`${GOLDEN}/${name}`, actual);

/** Everything this module draws for a capture: each connection's statistics, then the capture-wide table. */
async function renderAll(file: string, opts: RenderOptions): Promise<string> {
  const { connections } = await analyze(file);
  return [...connections.map((c) => renderStats(c, opts)), renderConnectionsTable(connections, opts)].join('\n');
}

describe.each(CAPTURES)('%s', (file) => {
  const path = `captures/${file}`;

  it('draws the golden statistics at width 120', async () => {
    golden(file.replace(/\.pcap$/, '.txt'), await renderAll(path, at(120)));
  });

  it.each([80, 120])('fits in %i columns, without trailing spaces or escape sequences', async (width) => {
    const out = await renderAll(path, at(width));
    for (const line of out.split('\n')) {
      expect(visibleLength(line), line).toBeLessThanOrEqual(width);
      expect(line).not.toMatch(/\s$/);
    }
    expect(out).not.toContain('\u001b');
  });

  it('has statistics that JSON carries unchanged', async () => {
    for (const c of (await analyze(path)).connections) {
      const s = connectionStats(c);
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
      expect(connectionStats(c)).toEqual(s);
    }
  });
});

describe('statistics counted as the connection goes by', () => {
  // every capture the project has, the damaged, reordered, cut and hostile ones too
  const all = execFileSync('find', ['captures', '-type', 'f', '(', '-name', '*.pcap', '-o', '-name', '*.pcapng', '-o', '-name', '*.gz', ')'], { encoding: 'utf8' }).trim().split('\n').sort();
  it.each(all)('--stats alone keeps no list and says the same as with the lists kept: %s', async (file) => {
    const run = async (whole: boolean): Promise<{ text: string; streaming: boolean }> => {
      let text = '';
      const sink = new TerminalSink((t) => (text += t), { ...at(120), previewWidth: 40 }, ['stats'], whole);
      await analyzeCapture(file, sink, { analyzer: DEFAULT_OPTIONS });
      return { text, streaming: sink.streaming === true };
    };
    const kept = await run(false);
    const counted = await run(true);
    expect(kept.streaming).toBe(false);
    expect(counted.streaming).toBe(true);
    expect(counted.text).toBe(kept.text);
  }, 60_000);

  it.each(all)('are those the connection\'s lists give: %s', async (file) => {
    for (const c of (await analyze(file)).connections) expect(statsOfLists(c), `connection ${c.id}`).toEqual(c.stats);
  }, 60_000);
});

describe('the numbers each capture is known to hold', () => {
  it('ws_echo: one text and one binary message each way, a ping each way answered', async () => {
    const c = only(await analyze('captures/ws_echo.pcap'));
    const s = connectionStats(c);
    for (const side of [s.client, s.server]) {
      expect(side.opcodes.text).toEqual({ frames: 1, bytes: 17 });
      expect(side.opcodes.binary).toEqual({ frames: 1, bytes: 5 });
      expect(side.opcodes.ping.frames).toBe(1);
      expect(side.opcodes.pong.frames).toBe(1);
      expect(side.opcodes.close.frames).toBe(1);
      expect(side.opcodes.continuation.frames + side.opcodes.reserved.frames).toBe(0);
      expect(side.frames.frames).toBe(5);
      expect(side.messages).toMatchObject({ count: 2, bytes: 22, inflatedBytes: 22, fragmented: { count: 0, mostFragments: 0 } });
      expect(side.messages.compression).toEqual({ count: 0, wire: 0, inflated: 0, ratio: null });
    }
    const rtts = c.frames.flatMap((f) => (f.answers ? [f.answers.rtt] : []));
    expect(rtts).toHaveLength(2);
    expect(s.pings).toEqual({
      sent: 2,
      answered: 2,
      min: Math.min(...rtts),
      avg: expect.closeTo((rtts[0]! + rtts[1]!) / 2, 9),
      max: Math.max(...rtts),
    });
    expect(s.pings.min!).toBeGreaterThan(0);
    expect(s.diagnostics).toEqual({ error: 0, warning: 1, info: 0 }); // the client closed TCP first (RFC 6455 §7.1.1 SHOULD)
    expect(s.tcp).toEqual({ retransmissions: 0, outOfOrder: 0, lostBytes: 0 });
  });

  it('ws_large_binary: the largest client message is the 100000-byte one', async () => {
    const s = connectionStats(only(await analyze('captures/ws_large_binary.pcap')));
    expect(s.client.messages.largest).toEqual({ index: 0, bytes: 100000 });
    expect(s.server.messages.largest).toEqual({ index: 1, bytes: 3000 });
    expect(s.client.opcodes.binary).toEqual({ frames: 1, bytes: 100000 });
  });

  it('ws_fragmented: one client message in three fragments', async () => {
    const s = connectionStats(only(await analyze('captures/ws_fragmented.pcap')));
    expect(s.client.messages.fragmented).toEqual({ count: 1, mostFragments: 3 });
    expect(s.server.messages.fragmented).toEqual({ count: 0, mostFragments: 0 });
    expect(s.client.opcodes.text.frames + s.client.opcodes.continuation.frames).toBe(3);
    expect(s.client.opcodes.continuation.frames).toBe(2);
    expect(s.pings).toMatchObject({ sent: 1, answered: 1 });
  });

  it('py_echo_deflate: both sides inflate to more than they send, as the analyzer totals say', async () => {
    const c = only(await analyze('captures/py_echo_deflate.pcap'));
    const s = connectionStats(c);
    for (const side of ['client', 'server'] as const) {
      const z = s[side].messages.compression;
      expect(z.ratio).toBeGreaterThan(1);
      expect(z.count).toBe(5);
      expect({ wire: z.wire, inflated: z.inflated }).toEqual(c.compression![side]);
      expect(s[side].messages.inflatedBytes).toBe(z.inflated);
    }
    expect(renderStats(c, at(120))).toMatch(/Compression\s+│ client \d+\.\d×, server \d+\.\d×/);
  });

  it('textbook_rfc6455: the TCP handshake takes packet 2 minus packet 1, the connection 0.525107 s', async () => {
    const c = only(await analyze('captures/textbook_rfc6455.pcap'));
    const s = connectionStats(c);
    const ts = (n: number): number => c.timeline.find((e) => e.packet === n)!.ts;
    expect(s.tcpHandshakeRtt).toBe(0.012345);
    expect(s.tcpHandshakeRtt).toBeCloseTo(ts(2) - ts(1), 6);
    expect(s.duration).toBe(0.525107);
    expect(s.wsHandshakeRtt).toBeCloseTo(ts(6) - ts(4), 6);
    expect(s.packets).toBe(20);
    expect(s.client.opcodes.close).toEqual({ frames: 1, bytes: 2 });
    expect(s.server.opcodes.text).toEqual({ frames: 3, bytes: 19 });
    expect(s.pings).toEqual({ sent: 0, answered: 0, min: null, avg: null, max: null });
    const out = renderStats(c, at(120));
    expect(out).toContain('12.345 ms (SYN → SYN-ACK)');
    expect(out).toContain('0.525107 s (20 packets)');
  });

  it('ndn_ipv6_segmented: no SYN in the capture, so no TCP handshake round trip', async () => {
    const s = connectionStats(only(await analyze('captures/ndn_ipv6_segmented.pcap')));
    expect(s.tcpHandshakeRtt).toBeNull();
    expect(s.wsHandshakeRtt).not.toBeNull();
  });
});

describe('the capture-wide table', () => {
  it('tells the page, idle and WebSocket connections of chromium_deflate apart', async () => {
    const { connections } = await analyze('captures/chromium_deflate.pcap');
    expect(connections.map((c) => verdict(c))).toEqual(['not WebSocket', 'not WebSocket', 'clean close']);
    const rows = renderConnectionsTable(connections, at(120)).split('\n');
    const ws = rows.find((l) => l.includes('handshake'))!;
    expect(ws.split('│').map((x) => x.trim())).toEqual(['', '2', '127.0.0.1:53678', '127.0.0.1:8090', 'handshake', '34', '16', '14', '0.417 s', '0/0/0', 'clean close', '']);
  });

  it('names a refused upgrade by its status', async () => {
    const { connections } = await analyze('captures/ws_rejected_403.pcap');
    expect(verdict(connections[0]!)).toBe('refused 403');
    expect(renderConnectionsTable(connections, at(120))).toMatch(/│ —\s+│.*│ refused 403 │/);
  });

  it('says when neither side sent a Close', async () => {
    const { connections } = await analyze('captures/suricata_ping_sll.pcap');
    expect(connections.map((c) => verdict(c))).toEqual(['no close', 'not WebSocket']);
    expect(verdict(only(await analyze('captures/arkime_websocket.pcap')))).toBe('still open');
  });
});

describe('drawing', () => {
  it('paints the header rows only, and nothing else changes with colour', async () => {
    const { connections } = await analyze('captures/ws_echo.pcap');
    const c = connections[0]!;
    for (const [plain, colored] of [
      [renderStats(c, at(120)), renderStats(c, at(120, true))],
      [renderConnectionsTable(connections, at(120)), renderConnectionsTable(connections, at(120, true))],
    ] as const) {
      expect(colored).toContain('\u001b[1m');
      expect(colored.replace(ESC, '')).toBe(plain);
    }
    const painted = [renderStats(c, at(120, true)), renderConnectionsTable(connections, at(120, true))]
      .join('\n')
      .split('\n')
      .filter((l) => l.includes('\u001b'))
      .map((l) => l.replace(ESC, '').trim().replace(/\s+/g, ' '));
    expect(painted).toEqual([
      '│ │ Client │ Server │',
      '│ Frames │ count │ bytes │ count │ bytes │',
      '│ # │ Client │ Server │ WebSocket │ Packets │ Frames │ Messages │ Duration │ E/W/I │ Verdict │',
    ]);
  });

  it.each([20, 40, 60])('stays within %i columns when squeezed', async (width) => {
    for (const file of ['captures/ws_echo.pcap', 'captures/ndn_ipv6_segmented.pcap', 'captures/chromium_deflate.pcap']) {
      for (const line of (await renderAll(file, at(width))).split('\n')) expect(visibleLength(line), line).toBeLessThanOrEqual(width);
    }
  });

  it('breaks an address after a colon or a dot rather than inside a number', async () => {
    const out = renderConnectionsTable((await analyze('captures/ndn_ipv6_segmented.pcap')).connections, at(120));
    const cells = out.split('\n').map((l) => l.split('│')[2]?.trim() ?? '');
    expect(cells.some((x) => /[:.]$/.test(x))).toBe(true);
    expect(cells.join('')).toContain('[2607:f010:3f9::1001]:59720');
  });
});

describe('how a connection ended: one reading, worded alike by every view', () => {
  it('the table, the summary and the HTML report say the same ending of every connection of the bundled captures', async () => {
    const { ending, endingWords } = await import('../src/render/kind.js');
    const { renderSummaryConnection } = await import('../src/render/summary.js');
    const { connectionRow, rowCells } = await import('../src/render/stats.js');
    const { connectionData } = await import('../src/render/html.js');
    const seen = new Set<string>();
    for (const dir of ['captures', 'captures/violations', 'captures/hostile']) {
      for (const file of readdirSync(dir).filter((f) => /\.pcap(ng)?(\.gz)?$/.test(f))) {
        const { connections } = await analyze(`${dir}/${file}`);
        for (const c of connections) {
          const kind = ending(c);
          seen.add(kind);
          // the summary's sentence words it in full, the table and the HTML report in short
          expect(renderSummaryConnection(c, at(400)).split('\n')[0], `${file} ${c.id}`).toContain(`: ${endingWords(c, true)}`);
          expect(rowCells(connectionRow(c)).at(-1), `${file} ${c.id}`).toBe(endingWords(c));
          expect(connectionData(c, { maxPayload: 0 })['verdict'], `${file} ${c.id}`).toBe(endingWords(c));
        }
      }
    }
    // the captures show most of the ways a connection ends
    expect([...seen].sort()).toEqual(expect.arrayContaining(['clean-close', 'close-unanswered', 'no-close', 'not-websocket', 'refused', 'still-open']));
  }, 60_000);
});
