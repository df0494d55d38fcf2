// The ladder diagram: golden output of every bundled capture (reviewed like
// code; regenerate with UPDATE_GOLDEN=1 and read the diff), and what every
// ladder must do: arrows the right way, each packet once, phases in order,
// the width respected, colour only when asked, capture text sanitized.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze, only } from './support/analyze.js';
import { Conversation, MASK, upgradeRequest, upgradeResponse, wsFrame } from './support/pcap.js';
import type { Connection, Phase, Side, TimelineEntry } from '../src/model.js';
import { emptyCounts } from '../src/model.js';
import { StatsTally, statsOf } from '../src/analyze/stats.js';
import { PHASE_NAMES, renderLadder } from '../src/render/ladder.js';
import { renderConnection } from '../src/render/terminal.js';
import { PLAIN, type RenderOptions } from '../src/render/options.js';
import { visibleLength } from '../src/render/paint.js';
import { expectGolden } from './support/golden.js';

const CAPTURES = readdirSync('captures').filter((f) => f.endsWith('.pcap')).sort();
const GOLDEN = 'test/golden/ladder';
const ESC = '\u001b';

const opts = (width: number, color = false): RenderOptions => ({ ...PLAIN, width, color });

const golden = (name: string, actual: string): void => expectGolden(`${GOLDEN}/${name}`, actual);

/** The arrow rows of a ladder: packet number, direction and the line. */
function arrows(ladder: string): { packet: number; dir: 'right' | 'left'; line: string }[] {
  return ladder
    .split('\n')
    .map((line) => ({ line, m: /^ *(\d+) +\d+\.\d{6} +│(.*)│$/.exec(line) }))
    .filter((x) => x.m !== null)
    .map(({ line, m }) => ({ packet: Number(m![1]), dir: m![2]!.startsWith('◀') ? ('left' as const) : ('right' as const), line }));
}

/** The phase names of the separator lines, in order. */
function separators(ladder: string): string[] {
  return ladder
    .split('\n')
    .map((l) => /^── (.+?) ─+$/.exec(l)?.[1])
    .filter((x) => x !== undefined);
}


/** A connection made by hand: only the endpoints and the timeline matter to a ladder. */
function connection(timeline: TimelineEntry[], client = { ip: '192.0.2.10', port: 51000 }, server = { ip: '192.0.2.20', port: 80 }): Connection {
  const conn: Omit<Connection, 'stats'> = {
    id: 0,
    stream: null,
    http2: null,
    client,
    server,
    websocket: true,
    protocol: { name: 'websocket', detail: null },
    tls: null,
    detection: 'handshake',
    app: null,
    tcp: {
      handshake: { syn: null, synAck: null, ack: null },
      teardown: { kind: 'none', firstBy: null, packets: [] },
      retransmissions: 0,
      outOfOrder: 0,
      lostBytes: 0,
      finBy: { client: null, server: null },
    },
    handshake: null,
    compression: null,
    frames: [],
    messages: [],
    counts: emptyCounts(),
    // counted from its lists
    story: null,
    close: { initiator: null, code: null, reason: null, replyCode: null, clean: false, packet: null, replyPacket: null },
    timeline,
    // not noted: the ladder measures the timeline itself
    timelineBounds: null,
    diagnostics: [],
  };
  return { ...conn, stats: statsOf(conn, new StatsTally(), { syn: null, synAck: null, request: null, response: null }) };
}

// an entry whose summary holds the given text: a TLS handshake message of that name ("TLS <text>"), the one fact told with a name of the capture's
const entry = (packet: number, from: Side, phase: Phase, text: string): TimelineEntry => ({ packet, ts: 1700000000 + packet / 10, relTs: packet / 10, from, phase, told: [{ kind: 'tls', records: [{ kind: 'handshake', name: text }] }], tcp: null, bare: false, http: false });

describe.each(CAPTURES)('%s', (file) => {
  const path = `captures/${file}`;

  it('draws the golden ladder at width 100', async () => {
    const r = await analyze(path);
    golden(file.replace(/\.pcap$/, '.txt'), r.connections.map((c) => renderLadder(c, opts(100))).join('\n'));
  });

  it('draws every timeline entry once, in order, the right way, under each phase', async () => {
    for (const c of (await analyze(path)).connections) {
      const ladder = renderLadder(c, opts(100));
      const rows = arrows(ladder);
      expect(rows.map((a) => a.packet)).toEqual(c.timeline.map((e) => e.packet));
      expect(rows.map((a) => a.dir)).toEqual(c.timeline.map((e) => (e.from === 'client' ? 'right' : 'left')));
      const phases = c.timeline.map((e) => e.phase).filter((p, i, all) => i === 0 || all[i - 1] !== p);
      expect(separators(ladder)).toEqual(phases.map((p) => PHASE_NAMES[p]));
    }
  });

  it('is drawn alike whether it sizes its columns by the bounds the analysis noted or by reading the timeline (so is the narrow walkthrough), and those bounds are the timeline\'s', async () => {
    for (const c of (await analyze(path)).connections) {
      const packets = c.timeline.map((e) => e.packet);
      const times = c.timeline.map((e) => e.relTs);
      expect(c.timelineBounds).toEqual(packets.length === 0 ? null : { maxPacket: Math.max(...packets), minRelTs: Math.min(...times), maxRelTs: Math.max(...times) });
      for (const width of [60, 100]) expect(renderLadder(c, opts(width))).toBe(renderLadder({ ...c, timelineBounds: null }, opts(width)));
      // and the report's walkthrough, whose columns are sized the same way when the width is narrow
      const narrow = { ...opts(60), previewWidth: 40 };
      expect(renderConnection(c, narrow)).toBe(renderConnection({ ...c, timelineBounds: null }, narrow));
    }
  });

  it.each([60, 80, 100, 160])('fits width %i, with and without colour, with no trailing space', async (width) => {
    for (const c of (await analyze(path)).connections) {
      for (const color of [false, true]) {
        const lines = renderLadder(c, opts(width, color)).trimEnd().split('\n');
        for (const line of lines) {
          expect(visibleLength(line)).toBeLessThanOrEqual(width);
          expect(line).not.toMatch(/ $/);
        }
        // arrows and separators use the full width
        expect(arrows(lines.join('\n')).every((a) => visibleLength(a.line) === width)).toBe(true);
      }
    }
  });
});

describe('the ladder of the textbook capture', () => {
  it('sends the SYN right and the SYN, ACK left', async () => {
    const ladder = renderLadder(only(await analyze('captures/textbook_rfc6455.pcap')), opts(100));
    const rows = arrows(ladder);
    expect(rows[0]).toMatchObject({ packet: 1, dir: 'right' });
    expect(rows[0]!.line).toMatch(/│─── SYN ─+▶│$/);
    expect(rows[1]).toMatchObject({ packet: 2, dir: 'left' });
    expect(rows[1]!.line).toMatch(/│◀── SYN, ACK ─+│$/);
    expect(ladder.split('\n').slice(0, 2)).toEqual([
      `No.      Time  client 192.0.2.10:51000${' '.repeat(100 - 15 - 23 - 20)}server 192.0.2.20:80`,
      `${' '.repeat(15)}│${' '.repeat(83)}│`,
    ]);
  });

  it('separates the phases in the order the connection goes through them', async () => {
    const ladder = renderLadder(only(await analyze('captures/textbook_rfc6455.pcap')), opts(80));
    expect(separators(ladder)).toEqual(['TCP three-way handshake', 'WebSocket opening handshake', 'data', 'closing handshake', 'TCP teardown']);
  });

  it('colours only when asked', async () => {
    const conn = only(await analyze('captures/textbook_rfc6455.pcap'));
    expect(renderLadder(conn, opts(100))).not.toContain(ESC);
    const coloured = renderLadder(conn, opts(100, true));
    expect(coloured).toContain(`${ESC}[`);
    // the same drawing under the colours
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(renderLadder(conn, opts(100)));
  });

  it('cuts long summaries with an ellipsis to fit the arrow', async () => {
    const rows = arrows(renderLadder(only(await analyze('captures/textbook_rfc6455.pcap')), opts(60)));
    expect(rows.find((a) => a.packet === 4)!.line).toBe('  4  0.012650  │─── GET /chat HTTP/1.1 (Upgrade: websoc… ─▶│');
  });
});

describe('ladders of crafted connections', () => {
  it('sanitizes escape sequences a capture carries', async () => {
    const c = new Conversation()
      .handshake()
      .send('client', upgradeRequest())
      .send('server', upgradeResponse())
      .send('server', wsFrame({ opcode: 1, payload: Buffer.from('\u001b[31mred\u001b[0m') }))
      .send('client', wsFrame({ opcode: 1, mask: MASK, payload: Buffer.from('\u001b]0;title\u0007') }));
    const conn = only(await analyze(c.pcap()));
    expect(conn.timeline.some((e) => e.summary.includes('\\x1b') || e.summary.includes(ESC))).toBe(true);
    const ladder = renderLadder(conn, opts(100));
    expect(ladder).not.toContain(ESC);
    expect(ladder).not.toContain('\u0007');
    expect(ladder).toContain('\\x1b[31mred\\x1b[0m');
  });

  it('sanitizes a summary that holds raw control characters', () => {
    const conn = connection([entry(1, 'server', 'data', 'Text "\u001b[2J\u009b31m\u202eevil"')]);
    const ladder = renderLadder(conn, opts(100));
    expect(ladder.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/u);
    expect(ladder).toContain('Text "\\x1b[2J\\u{9b}31m\\u{202e}evil"');
  });

  it('sizes its time column by the earliest time as by the latest when the bounds are given (a capture whose clock went back)', () => {
    const at = (packet: number, relTs: number): TimelineEntry => ({ ...entry(packet, 'client', 'data', 'x'), relTs });
    for (const times of [[-123.5, 0.1, 3], [0.2, -0.000001, 1], [5, 1234.5, -7]]) {
      const timeline = times.map((t, i) => at(i + 1, t));
      const measured = renderLadder(connection(timeline), opts(100));
      const bounded = renderLadder({ ...connection(timeline), timelineBounds: { maxPacket: times.length, minRelTs: Math.min(...times), maxRelTs: Math.max(...times) } }, opts(100));
      expect(bounded).toBe(measured);
      expect(measured).toContain(`${Math.min(...times).toFixed(6)}  │`);
    }
  });

  it('draws only the header for an empty timeline', () => {
    const ladder = renderLadder(connection([]), opts(80));
    expect(ladder).toBe(`No.      Time  client 192.0.2.10:51000${' '.repeat(80 - 15 - 23 - 20)}server 192.0.2.20:80\n${' '.repeat(15)}│${' '.repeat(63)}│\n`);
  });

  it('puts IPv6 addresses in brackets, on two lines when they do not fit on one', () => {
    const v6 = (ip: string, port: number): { ip: string; port: number } => ({ ip, port });
    const conn = connection([entry(1, 'client', 'other', 'SYN')], v6('2001:db8:aaaa:bbbb:cccc:dddd:eeee:1', 51000), v6('2001:db8:aaaa:bbbb:cccc:dddd:eeee:2', 443));
    const wide = renderLadder(conn, opts(160)).split('\n');
    expect(wide[0]).toMatch(/^No\. +Time  client \[2001:db8:aaaa:bbbb:cccc:dddd:eeee:1\]:51000 +server \[2001:db8:aaaa:bbbb:cccc:dddd:eeee:2\]:443$/);
    const narrow = renderLadder(conn, opts(60)).split('\n');
    // the client's name starts left of its lifeline rather than be cut
    const client = 'client [2001:db8:aaaa:bbbb:cccc:dddd:eeee:1]:51000';
    const server = 'server [2001:db8:aaaa:bbbb:cccc:dddd:eeee:2]:443';
    expect(narrow[0]).toBe(`${' '.repeat(60 - client.length)}${client}`);
    expect(narrow[1]).toBe(`${' '.repeat(60 - server.length)}${server}`);
    expect(separators(narrow.join('\n'))).toEqual(['not WebSocket']);
    for (const line of narrow) expect(visibleLength(line)).toBeLessThanOrEqual(60);
  });

  it('widens the margin for long packet numbers and times and still fits', () => {
    const conn = connection([entry(1234567, 'client', 'data', 'x'.repeat(300)), { ...entry(1234568, 'server', 'data', 'y'), relTs: 123456.5 }]);
    for (const width of [60, 200]) {
      const lines = renderLadder(conn, opts(width)).trimEnd().split('\n');
      for (const line of lines) expect(visibleLength(line)).toBeLessThanOrEqual(width);
      const rows = arrows(lines.join('\n'));
      expect(rows.map((a) => a.packet)).toEqual([1234567, 1234568]);
      expect(rows[0]!.line).toContain('x…');
      expect(rows[1]!.line).toContain('123456.500000');
    }
  });
});
