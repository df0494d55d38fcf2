// Hostile input (captures/hostile/, made by captures/gen/hostile.mjs): each
// capture hits one hard limit or smuggles terminal escape sequences. Each
// must finish with the diagnostic naming the limit, keep analysing what
// follows, print nothing raw, and export valid JSON. (Time and memory of
// each are measured by `npm run bench -- --hostile`, not here.)
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyze, codes, only } from './support/analyze.js';
import { Conversation, pcapFile } from './support/pcap.js';
import { MAX_WAITING } from '../src/analyze/analyzer.js';
import { schemaErrors } from './support/schema.js';
import type { Connection } from '../src/model.js';

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** C0 controls but newline, DEL, C1 controls, and the bidirectional overrides and isolates. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

const H = 'captures/hostile';

/** The codes of every diagnostic of a result: the connections' and the capture's. */
function allCodes(r: { connections: Connection[]; diagnostics: { code: string }[] }): string[] {
  return [...r.connections.flatMap((c) => codes(c)), ...r.diagnostics.map((d) => d.code)];
}

describe('a frame claiming 2^63 - 1 bytes, and one with the top bit set', () => {
  it('costs only the bytes carried, keeps both lengths exact, and flags only the top bit', async () => {
    const r = await analyze(`${H}/frame_2e63.pcap`);
    const c = r.connections[0]!;
    const client = c.frames.find((f) => f.from === 'client')!;
    const server = c.frames.find((f) => f.from === 'server')!;
    expect(client).toMatchObject({ payloadLength: '9223372036854775807', complete: false });
    expect(client.payload.length).toBe(1000);
    expect(server).toMatchObject({ payloadLength: '18446744073709551615', complete: false });
    expect(c.diagnostics.filter((d) => d.code === 'frame.length-msb-set').map((d) => d.from)).toEqual(['server']);
    expect(c.messages.map((m) => m.lengthText)).toEqual(expect.arrayContaining(['9223372036854775807', '18446744073709551615']));
  });

  it('exports lengths past 2^53 as strings, in JSON and NDJSON', () => {
    const doc = JSON.parse(cli([`${H}/frame_2e63.pcap`, '--json']).stdout) as { connections: { frames: { payloadLength: unknown }[]; messages: { length: unknown }[]; counts: { client: { messageBytes: unknown } } }[] };
    expect(schemaErrors(doc)).toEqual([]);
    const c = doc.connections[0]!;
    expect(c.frames.map((f) => f.payloadLength).sort()).toEqual(['18446744073709551615', '9223372036854775807']);
    expect(c.messages.map((m) => m.length).sort()).toEqual(['18446744073709551615', '9223372036854775807']);
    // a sum past 2^53 is a string too (as close as a double holds it)
    expect(typeof c.counts.client.messageBytes).toBe('string');
    const lines = cli([`${H}/frame_2e63.pcap`, '--ndjson']).stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l['type'] === 'message').map((m) => m['length']).sort()).toEqual(['18446744073709551615', '9223372036854775807']);
  });

  it('says so when a frame is larger than the payload held for it (--max-frame-payload)', () => {
    const r = cli([`${H}/frame_2e63.pcap`, '--ndjson', '--max-frame-payload', '500']);
    const diags = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['code'] === 'limit.payload');
    expect(diags.map((d) => d['from']).sort()).toEqual(['client', 'server']);
    expect(String(diags[0]!['message'])).toMatch(/--max-frame-payload/);
  });
});

describe('a decompression bomb (256 MiB of zeros in 256 KB)', () => {
  it('inflates no further than the limit and says so', async () => {
    const r = await analyze(`${H}/inflate_bomb.pcap`);
    const c = r.connections[0]!;
    expect(codes(c)).toEqual(['message.inflate-limit']);
    expect(c.messages[0]!).toMatchObject({ compressed: true, inflatedLength: null });
    expect(c.close.clean).toBe(true);
  });
});

describe('100 000 half-open connections, then a WebSocket conversation', () => {
  it('tracks at most --max-connections at once, says so once, and still analyses the conversation', async () => {
    const r = await analyze(`${H}/half_open_100k.pcap.gz`);
    expect(r.summary.connections).toBe(100001);
    const limit = r.diagnostics.filter((d) => d.code === 'limit.connections');
    expect(limit).toHaveLength(1);
    expect(limit[0]!.message).toMatch(/more than 10000 connections were open at once/);
    const ws = r.connections.filter((c) => c.websocket);
    expect(ws).toHaveLength(1);
    expect(ws[0]!.messages.map((m) => m.payload.toString())).toEqual(['still here']);
    expect(ws[0]!.close.clean).toBe(true);
  }, 60_000);
});

describe('connections finishing faster than they may wait for late packets', () => {
  /**
   * `n` TCP connections, one every `every` seconds (each a handshake, a FIN
   * each way and the last ACK); then, `late` seconds after connection
   * `lateOf` finished, its client's FIN again (a retransmission: what the
   * grace of 5 s after a close waits for).
   */
  function finishing(n: number, every: number, lateOf: number, late: number): Buffer {
    const records = [];
    for (let i = 0; i < n; i++) {
      const c = new Conversation({ ip: '10.1.0.1', port: 20000 + i }, { ip: '10.0.0.2', port: 80 }).handshake().fin('client').fin('server').ack('client');
      for (const r of c.records) records.push({ ...r, ts: r.ts + i * every });
    }
    const again = new Conversation({ ip: '10.1.0.1', port: 20000 + lateOf }, { ip: '10.0.0.2', port: 80 }).handshake().fin('client');
    const fin = again.records[again.records.length - 1]!;
    records.push({ ...fin, ts: fin.ts + lateOf * every + late });
    return pcapFile(records.sort((a, b) => a.ts - b.ts));
  }

  it('keeps a late packet with its connection while fewer than MAX_WAITING wait at once', async () => {
    const r = await analyze(finishing(MAX_WAITING - 24, 0.002, 0, 2.5));
    expect(r.connections).toHaveLength(MAX_WAITING - 24);
    expect(r.connections[0]!.counts.packets).toBe(7);
    expect(r.connections.slice(1).every((c) => c.counts.packets === 6)).toBe(true);
    // more in all than MAX_WAITING, but never that many waiting at once (one every 6 ms, 5 s each: about 833)
    const spread = await analyze(finishing(1300, 0.006, 500, 4));
    expect(spread.connections).toHaveLength(1300);
    expect(spread.connections[500]!.counts.packets).toBe(7);
  });

  it('past MAX_WAITING, reports those finished longest ago without waiting: a packet of theirs still to come is a connection of its own', async () => {
    const r = await analyze(finishing(MAX_WAITING + 76, 0.002, 0, 2.5));
    expect(r.connections).toHaveLength(MAX_WAITING + 77);
    // every connection whole, the first one too: only the packet 2.5 s late is apart
    expect(r.connections.slice(0, MAX_WAITING + 76).every((c) => c.counts.packets === 6)).toBe(true);
    expect(r.connections[MAX_WAITING + 76]!.counts.packets).toBe(1);
  });
});

describe('oversized HTTP heads', () => {
  it('gives up a head past --max-http-head, and reads the first --max-http-headers lines of a long one', async () => {
    const r = await analyze(`${H}/huge_headers.pcap.gz`);
    const [huge, many] = r.connections;
    expect(codes(huge!)).toEqual(['http.head-too-large']);
    expect(huge!.websocket).toBe(false);
    expect(codes(many!)).toEqual(['http.too-many-headers']);
    expect(many!.handshake!.outcome).toBe('upgraded');
    expect(many!.handshake!.request!.headers).toHaveLength(256);
    expect(many!.messages.map((m) => m.payload.toString())).toEqual(['upgraded']);
  });

  it('takes other limits when asked', () => {
    const r = cli([`${H}/huge_headers.pcap.gz`, '--ndjson', '--max-http-head', '2M', '--max-http-headers', '20000']);
    const found = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['type'] === 'diagnostic').map((d) => d['code']);
    expect(found).not.toContain('http.head-too-large');
    expect(found).not.toContain('http.too-many-headers');
  });
});

describe('20 000 one-byte segments after a hole', () => {
  it('gives the hole up at the segment limit, naming the reassembly limit rather than capture loss', async () => {
    const r = await analyze(`${H}/out_of_order.pcap.gz`);
    const c = r.connections[0]!;
    expect(codes(c)).toContain('limit.reassembly');
    expect(codes(c)).not.toContain('tcp.gap');
    expect(c.diagnostics.find((d) => d.code === 'limit.reassembly')!.message).toMatch(/--max-reassembly/);
  });
});

describe('a megabyte that looks like frame headers everywhere, after a loss', () => {
  it('never finds a frame in it, says how much could not be framed, and reads what comes after', async () => {
    const r = await analyze(`${H}/resync_flood.pcap.gz`);
    const c = r.connections[0]!;
    expect(codes(c).sort()).toEqual(['close.not-echoed', 'tcp.gap', 'ws.unframed']);
    expect(c.diagnostics.find((d) => d.code === 'ws.unframed')!.message).toMatch(/^1048576 bytes from the server could not be framed/);
    expect(c.frames.map((f) => [f.from, f.opcode])).toEqual([['server', 1], ['client', 8]]);
  });
});

describe('60 000 one-byte segments of a connection joined in the middle', () => {
  it('is examined for frames only as far as its first segments, and is not WebSocket', async () => {
    const c = only(await analyze(`${H}/sniff_flood.pcap.gz`));
    expect(c.websocket).toBe(false);
    expect(c.frames).toEqual([]);
    expect(c.protocol).toEqual({ name: 'unknown', detail: null });
    expect(c.counts.packets).toBe(60001);
  });
});

describe('escape sequences in every field a capture controls', () => {
  const file = `${H}/escapes.pcap`;
  it.each([[[]], [['--explain']], [['--ladder']], [['--messages']], [['--hex']], [['--stats']], [['--summary']], [['--frame', '0']], [['--color']]])('prints them escaped (%j)', (args: string[]) => {
    const r = cli([file, ...args]);
    expect(r.status).toBe(0);
    // with --color, the report's own colours are the only escapes: take them out first
    const text = args.includes('--color') ? r.stdout.replace(/\x1b\[[0-9;]*m/g, '') : r.stdout;
    const bad = text.split('\n').filter((l) => UNSAFE.test(l));
    expect(bad).toEqual([]);
    expect(r.stdout.length).toBeGreaterThan(0);
  });

  it('cuts the long lines they make to the width, with a marker', () => {
    const r = cli([file, '--width', '80', '--preview', '20']);
    const lines = r.stdout.split('\n');
    // the frame table's columns are fixed (its payload column takes --preview characters): the rest keeps to the width
    expect(lines.filter((l) => !/[│┌└├]/.test(l) && [...l].length > 80)).toEqual([]);
    const table = lines.filter((l) => l.includes('│'));
    expect(table.length).toBeGreaterThan(0);
    expect(new Set(table.map((l) => [...l].length)).size).toBe(1);
    // the header line full of escapes is cut, and says so
    expect(lines.find((l) => l.includes('X-Evil:'))).toMatch(/…$/);
  });

  it('prints them escaped in check', () => {
    const r = cli(['check', file]);
    expect(r.stdout.split('\n').filter((l) => UNSAFE.test(l))).toEqual([]);
  });

  it('keeps them intact, as data, in the JSON export', () => {
    const doc = JSON.parse(cli([file, '--json']).stdout) as { connections: { messages: { payload?: { text?: string } }[] }[] };
    expect(schemaErrors(doc)).toEqual([]);
    expect(doc.connections[0]!.messages[0]!.payload!.text).toContain('\x1b]0;pwned\x07');
  });

  it('is seen for what it is: no diagnostics beyond what the conversation breaks', async () => {
    const r = await analyze(file);
    expect(allCodes(r)).toEqual([]);
  });
});

describe('a flood of broken frames (found by the fuzzer: captures/fuzz/hang-792e21ae2300.pcap.gz)', () => {
  const file = 'captures/fuzz/hang-792e21ae2300.pcap.gz';
  it('lists the first diagnostics of each code in the terminal, and counts the rest', { timeout: 60_000 }, () => {
    const out = cli([file]).stdout;
    const lines = out.split('\n');
    const more = lines.filter((l) => l.includes('… and'));
    expect(more.length).toBeGreaterThan(0);
    for (const l of more) expect(l).toMatch(/^ {2}… and \d+ more [a-z.-]+ \(--json or --ndjson lists every one\)$/);
    const shown = lines.filter((l) => /^ {2}error {3}frame\.reserved-opcode/.test(l));
    expect(shown).toHaveLength(20);
    const check = cli(['check', file]).stdout;
    expect(check).toMatch(/… and \d+ more frame\.reserved-opcode/);
  });

  it('lists every one in the JSON export', async () => {
    const r = await analyze(file);
    const all = r.connections[0]!.diagnostics.filter((d) => d.code === 'frame.reserved-opcode').length;
    const doc = JSON.parse(cli([file, '--json']).stdout) as { connections: { diagnostics: { code: string }[] }[] };
    expect(doc.connections[0]!.diagnostics.filter((d) => d.code === 'frame.reserved-opcode')).toHaveLength(all);
    expect(all).toBeGreaterThan(1000);
  }, 60_000);

  it('names three frames of a packet and counts the rest, also where the frames were found after the packet was told', async () => {
    const c = (await analyze(file)).connections[0]!;
    let many = 0;
    for (const e of c.timeline) {
      const frames = e.told.filter((f) => f.kind === 'frame').length;
      if (frames <= 3) continue;
      many++;
      expect(e.summary).toMatch(new RegExp(`\\(\\+${frames - 3} more frames\\)`));
      expect(e.summary.match(/Reserved-15 \[FIN\]/g)?.length ?? 0).toBeLessThanOrEqual(3);
    }
    // the packets whose frames a late resumption of decoding found hold hundreds each
    expect(many).toBeGreaterThan(0);
    expect(Math.max(...c.timeline.map((e) => e.summary.length))).toBeLessThan(1000);
  }, 60_000);
});
