// One number, one source: for every bundled capture, each view's numbers
// (frame and message counts, wire and inflated sizes, close codes, ping round
// trips, times and durations, diagnostics by severity, verdicts) are read out
// of its text and compared with the JSON export of the same capture.
//
// The views are the ones the CLI prints, drawn by the same sinks and
// renderers on one analysis per kind of sink: the retained one (--json,
// --stats, --messages, --ladder, --explain, check, --html) and the streaming
// one (--ndjson, --summary). Where a view rounds, the JSON's number is
// rounded the same way before it is compared: times with 6 decimals (3 in the
// connections table), round trips by formatRtt (µs, ms with 3 decimals, or s),
// compression ratios with one decimal.
//
// The HTML report is checked through the data it embeds (the same objects as
// the export, which its script draws from); the page's own statistics table
// needs a browser to be computed and is left to test/html-browser.test.ts.
import { execFileSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { analyzeCapture, DEFAULT_OPTIONS, type AnalyzerOptions } from '../src/index.js';
import type { AnalysisSink, CaptureInfo, Connection, Diagnostic, Frame, Message, SideCounts, Summary } from '../src/model.js';
import { formatRtt, plural } from '../src/text/words.js';
import { CheckSink, JsonSink, NdjsonSink, SummarySink } from '../src/render/sinks.js';
import { PolicySink } from '../src/check/policy.js';
import { CheckCollector } from '../src/check/report.js';
import { HtmlSink } from '../src/render/html.js';
import { renderConnectionsTable, renderStats, meanRtt, connectionRow } from '../src/render/stats.js';
import { renderTranscript } from '../src/render/transcript.js';
import { renderLadder } from '../src/render/ladder.js';
import { renderExplain } from '../src/render/explain.js';
import { renderEnd } from '../src/render/terminal.js';
import { selectConnection, EVERYTHING } from '../src/select/selection.js';
import type { TerminalOptions } from '../src/render/terminal.js';
import { sanitize } from '../src/util/text.js';

/** Every bundled capture, in every file form. */
const CAPTURES = execFileSync('find', ['captures', '-type', 'f', '(', '-name', '*.pcap', '-o', '-name', '*.pcapng', '-o', '-name', '*.gz', ')'], { encoding: 'utf8' })
  .trim()
  .split('\n')
  .sort();

/** Connections drawn in every terminal view, at most, per capture (the rest are checked in the JSON, NDJSON, summary and check). */
const DRAWN = 40;
/** The maximum payload the CLI shows by default, and what the analysis keeps for it. */
const MAX_PAYLOAD = 1024;
const WIDTH = 400;
const TERMINAL: TerminalOptions = { width: WIDTH, color: false, maxPayload: MAX_PAYLOAD, prettyJson: false, collapse: false, previewWidth: 40 };
const ANALYZER: AnalyzerOptions = { ...DEFAULT_OPTIONS, limits: { ...DEFAULT_OPTIONS.limits, keepPayload: Math.max(MAX_PAYLOAD, TERMINAL.previewWidth * 4, 64) } };

type Side = 'client' | 'server';
const SIDES: Side[] = ['client', 'server'];

/** Passes the analysis on to several sinks of the same kind (all retained, or all streaming). */
class Tee implements AnalysisSink {
  readonly streaming: boolean;
  constructor(private readonly sinks: AnalysisSink[]) {
    this.streaming = sinks.every((s) => s.streaming === true);
  }
  frame(c: number, f: Frame, ctx: { messageType: 'text' | 'binary' | null; compressed: boolean }, stream: number | null = null): void {
    for (const s of this.sinks) s.frame?.(c, f, ctx, stream);
  }
  message(c: number, m: Message, stream: number | null = null): void {
    for (const s of this.sinks) s.message?.(c, m, stream);
  }
  diagnostic(c: number, d: Diagnostic, stream: number | null = null): void {
    for (const s of this.sinks) s.diagnostic?.(c, d, stream);
  }
  connection(conn: Connection): void {
    for (const s of this.sinks) s.connection(conn);
  }
  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    for (const s of this.sinks) s.end(capture, summary, diagnostics);
  }
}

/** Keeps the connections (to draw the terminal views from) and the end. */
class Keep implements AnalysisSink {
  connections: Connection[] = [];
  end_: { capture: CaptureInfo; summary: Summary; diagnostics: Diagnostic[] } | null = null;
  connection(conn: Connection): void {
    if (this.connections.length < DRAWN || conn.frames.length > 0) this.connections.push(conn);
  }
  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    this.end_ = { capture, summary, diagnostics };
  }
}

// The JSON export's shapes, as far as the test reads them
interface JFrame {
  index: number;
  packet: number;
  relTs: number;
  from: Side;
  opcode: number;
  rsv1: boolean;
  fin: boolean;
  payloadLength: number | string;
  packets: number[];
  message: number | null;
  close: { code: number | null; reason: string } | null;
  answers: { frame: number; packet: number; rtt: number } | null;
}
interface JMessage {
  index: number;
  from: Side;
  type: 'text' | 'binary';
  frames: number[];
  length: number | string;
  compressed: boolean;
  inflatedLength: number | null;
  complete: boolean;
}
/** A side's counts as the JSON export has them (the model's, its opcode keys strings once parsed). */
type JSideCounts = Omit<SideCounts, 'frames'> & { frames: Record<string, { count: number; bytes: number }> };
interface JConnection {
  id: number;
  /** the HTTP/2 stream of a WebSocket conversation (RFC 8441), null for a TCP connection */
  stream: number | null;
  websocket: boolean;
  counts: { packets: number; frames: number; messages: number; client: JSideCounts; server: JSideCounts; diagnostics: Record<'error' | 'warning' | 'info', number> };
  compression: Record<Side, { wire: number; inflated: number }> | null;
  close: { initiator: Side | null; code: number | null; replyCode: number | null; clean: boolean; packet: number | null; replyPacket: number | null };
  frames: JFrame[];
  messages: JMessage[];
  timeline: { packet: number; relTs: number; ts: number; from: Side; summary: string }[];
  diagnostics: { severity: 'error' | 'warning' | 'info' }[];
}
interface JExport {
  connections: JConnection[];
  capture: { packets: number; bytes: number; format: string; firstTs: number | null; lastTs: number | null };
  summary: { connections: number; websocketConnections: number; frames: number; messages: number; diagnostics: Record<'error' | 'warning' | 'info', number> };
  diagnostics: { severity: 'error' | 'warning' | 'info' }[];
}

interface Views {
  json: JExport;
  ndjson: Record<string, unknown>[];
  summary: string;
  check: string;
  html: string;
  kept: Connection[];
  end: { capture: CaptureInfo; summary: Summary; diagnostics: Diagnostic[] };
}

async function views(file: string): Promise<Views> {
  let json = '';
  let check = '';
  let html = '';
  const keep = new Keep();
  const retained = new Tee([new JsonSink((t) => (json += t), { maxPayload: MAX_PAYLOAD }), new CheckSink((t) => (check += t), new CheckCollector(file, 'error', false)), new HtmlSink((t) => (html += t), { maxPayload: MAX_PAYLOAD }), keep]);
  await analyzeCapture(file, new PolicySink(retained, new Set(), 'error'), { name: file, analyzer: ANALYZER });
  let ndjson = '';
  let summary = '';
  const streaming = new Tee([new NdjsonSink((t) => (ndjson += t), { maxPayload: MAX_PAYLOAD }), new SummarySink((t) => (summary += t), TERMINAL)]);
  await analyzeCapture(file, new PolicySink(streaming, new Set(), 'error'), { name: file, analyzer: ANALYZER });
  return {
    json: JSON.parse(json) as JExport,
    ndjson: ndjson
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
    summary,
    check,
    html,
    kept: keep.connections,
    end: keep.end_!,
  };
}

/**
 * expect(got).toEqual(want), asked only when the two differ: a capture of
 * 100 000 connections makes millions of comparisons, which expect makes slowly.
 */
function same(got: unknown, want: unknown, what?: string): void {
  if (!isDeepStrictEqual(got, want)) expect(got, what).toEqual(want);
}

const t6 = (x: number): string => x.toFixed(6);
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const len = (n: number | string): number => Number(n);
const framesOf = (k: JSideCounts): number => sum(Object.values(k.frames).map((f) => f.count));
const diagText = (d: Record<'error' | 'warning' | 'info', number>): string => `${plural(d.error, 'error')}, ${plural(d.warning, 'warning')}, ${d.info} info`;
const tally = (list: { severity: 'error' | 'warning' | 'info' }[]): Record<'error' | 'warning' | 'info', number> => ({
  error: list.filter((d) => d.severity === 'error').length,
  warning: list.filter((d) => d.severity === 'warning').length,
  info: list.filter((d) => d.severity === 'info').length,
});
/** A time span rounded to the microsecond, as the analysis gives durations and round trips. */
const span = (a: number, b: number): number => Math.round((b - a) * 1e6) / 1e6;
const duration = (c: JConnection): number | null => (c.timeline.length === 0 ? null : span(Math.min(...c.timeline.map((e) => e.ts)), Math.max(...c.timeline.map((e) => e.ts))));

/** The export is consistent with itself: its counts are those of its own frames, messages and diagnostics. */
function checkExport(j: JExport): void {
  for (const c of j.connections) {
    const k = c.counts;
    // a frame's message is one that lists it
    const messageOf = new Map(c.messages.map((m) => [m.index, m]));
    for (const f of c.frames) if (f.message !== null && messageOf.get(f.message)?.frames.includes(f.index) !== true) expect.fail(`connection ${c.id}: frame ${f.index} belongs to message ${f.message}, which does not list it`);
    same(k.frames, c.frames.length, `connection ${c.id} frames`);
    same(k.messages, c.messages.length, `connection ${c.id} messages`);
    same(k.packets, c.timeline.length, `connection ${c.id} packets`);
    same(k.diagnostics, tally(c.diagnostics), `connection ${c.id} diagnostics`);
    for (const side of SIDES) {
      const s = k[side];
      const frames = c.frames.filter((f) => f.from === side);
      const messages = c.messages.filter((m) => m.from === side);
      const byOpcode: Record<string, { count: number; bytes: number }> = {};
      for (const f of frames) {
        const o = (byOpcode[String(f.opcode)] ??= { count: 0, bytes: 0 });
        o.count++;
        o.bytes += len(f.payloadLength);
      }
      const written = Object.fromEntries(Object.entries(s.frames).map(([o, x]) => [o, { count: x.count, bytes: Number(x.bytes) }]));
      same(written, byOpcode, `connection ${c.id} ${side} frames by opcode`);
      same(s.messages, messages.length);
      // (a sum past 2^53, of 64-bit lengths frames claimed, is written as a decimal string)
      same(Number(s.messageBytes), sum(messages.map((m) => len(m.length))));
      same(Number(s.largestMessage), Math.max(0, ...messages.map((m) => len(m.length))));
      same(Number(s.largestInflated), Math.max(0, ...messages.map((m) => (m.compressed ? (m.inflatedLength ?? 0) : len(m.length)))));
      same(s.fragmentedMessages, messages.filter((m) => m.frames.length > 1).length);
      same(s.pings, frames.filter((f) => f.opcode === 9).length);
      same(s.pongs, frames.filter((f) => f.opcode === 10).length);
      // the round trips are the pongs' own (answers.rtt)
      const rtts = frames.filter((f) => f.answers !== null).map((f) => f.answers!.rtt);
      same(s.rtts, rtts.length, `connection ${c.id} ${side} round trips`);
      same(s.rttMin, rtts.length ? Math.min(...rtts) : null);
      same(s.rttMax, rtts.length ? Math.max(...rtts) : null);
      if (Math.abs(s.rttSum - sum(rtts)) > 1e-9) expect(s.rttSum).toBeCloseTo(sum(rtts), 9);
      if (c.compression) {
        const inflated = messages.filter((m) => m.compressed && m.inflatedLength !== null);
        same(c.compression[side], { wire: sum(inflated.map((m) => len(m.length))), inflated: sum(inflated.map((m) => m.inflatedLength!)) });
      }
    }
  }
  const all = j.connections;
  // the TCP connections: a WebSocket an HTTP/2 stream carried is one of its connection's
  same(j.summary.connections, all.filter((c) => c.stream === null).length);
  same(j.summary.frames, sum(all.map((c) => c.counts.frames)));
  same(j.summary.messages, sum(all.map((c) => c.counts.messages)));
  same(j.summary.diagnostics, tally([...all.flatMap((c) => c.diagnostics), ...j.diagnostics]));
}

/** NDJSON carries the same objects as the export. */
function checkNdjson(j: JExport, lines: Record<string, unknown>[]): void {
  const strip = (o: Record<string, unknown>, ...keys: string[]): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
  const of = new Map<unknown, { frames: Record<string, unknown>[]; messages: Record<string, unknown>[]; diagnostics: number; head: Record<string, unknown> | null }>();
  for (const l of lines) {
    // a connection is known by its id and stream (a WebSocket an HTTP/2 stream carried)
    const key = `${String(l.connection)}/${String(l.stream ?? null)}`;
    let e = of.get(key);
    if (!e) of.set(key, (e = { frames: [], messages: [], diagnostics: 0, head: null }));
    if (l.type === 'frame') e.frames.push(strip(l, 'type', 'connection', 'stream'));
    else if (l.type === 'message') {
      const { messageType, ...rest } = l;
      e.messages.push({ ...strip(rest, 'type', 'connection', 'stream'), type: messageType });
    } else if (l.type === 'diagnostic') e.diagnostics++;
    else if (l.type === 'connection') e.head = l;
  }
  for (const c of j.connections) {
    const e = of.get(`${c.id}/${String(c.stream)}`)!;
    same(e.frames, c.frames, `connection ${c.id} frames`);
    same(e.messages.sort((a, b) => (a.index as number) - (b.index as number)), c.messages, `connection ${c.id} messages`);
    same(e.head!.counts, c.counts, `connection ${c.id} counts`);
    same(e.head!.close, c.close);
    same(e.head!.compression, c.compression);
    same(e.diagnostics, c.diagnostics.length);
  }
  same(strip(lines.find((l) => l.type === 'summary')!, 'type'), j.summary);
}

/** The line --summary and every terminal view end with. */
function checkEndLines(j: JExport, text: string): void {
  const s = j.summary;
  expect(text).toContain(`${plural(s.frames, 'frame')}, ${plural(s.messages, 'message')}; ${diagText(s.diagnostics)}`);
  expect(text).toContain(`${plural(j.capture.packets, 'packet')}, ${plural(j.capture.bytes, 'byte')}`);
}

/** How every view names a connection: its id, "ID/STREAM" for a WebSocket an HTTP/2 stream carried. */
function nameOf(c: { id: number; stream: number | null }): string {
  return c.stream === null ? String(c.id) : `${c.id}/${c.stream}`;
}

function checkSummary(j: JExport, text: string): void {
  checkEndLines(j, text);
  const lines = text.split('\n');
  const where = new Map<string, number>();
  lines.forEach((l, i) => {
    const m = /^connection (\d+(?:\/\d+)?) /.exec(l);
    if (m) where.set(m[1]!, i);
  });
  for (const c of j.connections) {
    const at = where.get(nameOf(c)) ?? -1;
    if (at < 0) expect.fail(`connection ${c.id} is not in --summary`);
    const next = lines[at + 1] ?? '';
    const k = c.counts;
    if (!next.startsWith('  ')) {
      same(lines[at]!.endsWith(`; ${plural(k.packets, 'packet')}`), true, lines[at]);
      continue;
    }
    const m = /^ {2}(\d+) packets?; client (.*?); server (.*?)(?:; compression ([\d.]+)×)?(?:; subprotocol .*)?; (\d+) errors?, (\d+) warnings?, (\d+) info$/.exec(next);
    if (!m) expect.fail(`--summary: ${next}`);
    same(Number(m![1]), k.packets);
    for (const [side, said] of [['client', m![2]!], ['server', m![3]!]] as const) {
      const s = k[side];
      const p = /^(\d+) frames?, (\d+) messages? \((\d+) bytes?(?: on the wire)?(?:, (\d+) fragmented)?\)(?:, (\d+) pongs? answered in (\S+ \S+?)(?:–(\S+ \S+))?)?$/.exec(said);
      if (!p) expect.fail(`--summary: ${said}`);
      same(Number(p![1]), framesOf(s), `${side} frames`);
      same(Number(p![2]), s.messages);
      same(Number(p![3]), Number(s.messageBytes));
      same(Number(p![4] ?? 0), s.fragmentedMessages);
      same(Number(p![5] ?? 0), s.rtts, `${side} round trips in --summary`);
      if (s.rtts > 0) {
        same(p![6], formatRtt(s.rttMin!));
        same(p![7] ?? p![6], formatRtt(s.rttMax!));
      }
    }
    const z = c.compression;
    const ratio = z && z.client.wire + z.server.wire > 0 ? ((z.client.inflated + z.server.inflated) / (z.client.wire + z.server.wire)).toFixed(1) : undefined;
    same(m![4], ratio);
    same([Number(m![5]), Number(m![6]), Number(m![7])], [k.diagnostics.error, k.diagnostics.warning, k.diagnostics.info]);
  }
}

function checkCheck(j: JExport, text: string): void {
  const d = j.summary.diagnostics;
  expect(text).toContain(`  ${plural(j.capture.packets, 'packet')}, ${plural(j.summary.connections, 'connection')} (`);
  expect(text).toContain(`): ${diagText(d)}\n`);
  const heads = new Map<string, RegExpExecArray>();
  for (const m of text.matchAll(/^ {2}(PASS|FAIL) {2}connection (\d+(?:\/\d+)?) .*; (\d+) errors?, (\d+) warnings?, (\d+) info\)$/gm)) heads.set(m[2]!, m);
  for (const c of j.connections) {
    const found = heads.get(nameOf(c));
    const head = found ? ([found[0], found[1], found[3], found[4], found[5]] as const) : null;
    if (!head) expect.fail(`connection ${c.id} is not in check`);
    const k = c.counts.diagnostics;
    same([Number(head![2]), Number(head![3]), Number(head![4])], [k.error, k.warning, k.info]);
    same(head![1], k.error > 0 ? 'FAIL' : 'PASS');
    if (c.websocket && / \d+ frames?;/.test(head![0])) same(head![0].includes(`(${plural(c.frames.length, 'frame')};`), true, head![0]);
  }
}

/** The report's data blocks: the export's objects, and the counts its statistics are drawn from. */
function checkHtml(j: JExport, html: string): void {
  const blocks = [...html.matchAll(/<script type="application\/json" class="wsd-data" data-kind="(connection|end)">(.*?)<\/script>/gs)].map((m) => ({ kind: m[1], data: JSON.parse(m[2]!) as Record<string, unknown> }));
  const conns = blocks.filter((b) => b.kind === 'connection').map((b) => b.data as unknown as Omit<JConnection, 'frames' | 'timeline'> & { frames: (JFrame & { closeBody?: unknown; closeName?: unknown; summary?: unknown })[]; timeline: (JConnection['timeline'][number] & { bare: boolean; http: boolean })[] });
  expect(conns).toHaveLength(j.connections.length);
  const byId = new Map(conns.map((x) => [nameOf(x), x]));
  for (const c of j.connections) {
    const h = byId.get(nameOf(c))!;
    same(h.counts, c.counts, `connection ${c.id} counts in the report`);
    same(h.compression, c.compression);
    same(h.close, c.close);
    same(h.messages, c.messages);
    same(h.frames.map(({ closeBody: _b, closeName: _n, summary: _s, ...f }) => f), c.frames);
    // the report's entries carry what the page draws from besides (bare, http)
    same(h.timeline.map(({ bare: _b, http: _h, ...e }) => e), c.timeline);
    same(tally(h.diagnostics), tally(c.diagnostics));
  }
  const end = blocks.find((b) => b.kind === 'end')!.data;
  same(end.summary, j.summary);
}

/** --stats: the key/value rows, the traffic table, and the table of all connections. */
function checkStats(c: JConnection, text: string): void {
  const k = c.counts;
  const d = duration(c);
  if (!c.websocket && !/Ping round trips/.test(text)) {
    if (/Not WebSocket/.test(text)) expect(text).toContain(`${plural(k.packets, 'packet')} over ${d === null ? '—' : `${t6(d)} s`}.`);
    return;
  }
  const row = (name: string): string => {
    const m = new RegExp(`│ ${name} +│ (.*?) +│$`, 'm').exec(text);
    expect(m, `${name} in --stats`).not.toBeNull();
    return m![1]!;
  };
  expect(row('Duration')).toBe(`${d === null ? '—' : `${t6(d)} s`} (${plural(k.packets, 'packet')})`);
  const pings = row('Ping round trips');
  const sent = k.client.pings + k.server.pings;
  const answered = k.client.rtts + k.server.rtts;
  if (sent === 0 && answered === 0) expect(pings).toBe('no ping');
  else {
    const of = `${answered} of ${plural(sent, 'ping')} answered`;
    const least = Math.min(...[k.client.rttMin, k.server.rttMin].filter((x) => x !== null));
    const most = Math.max(...[k.client.rttMax, k.server.rttMax].filter((x) => x !== null));
    if (answered === 0) expect(pings).toBe(of);
    else if (answered === 1) expect(pings).toBe(`${formatRtt(least)} (${of})`);
    else expect(pings).toBe(`min ${formatRtt(least)}, avg ${formatRtt(meanRtt(k.client.rttSum + k.server.rttSum, answered))}, max ${formatRtt(most)} (${of})`);
  }
  expect(row('Diagnostics')).toBe(diagText(k.diagnostics));
  // the compression ratios of the inflated messages, against the analysis' per-side sums
  const z = c.compression;
  const compression = row('Compression');
  if (z && z.client.wire + z.server.wire > 0) {
    const r = (s: Side): string => (z[s].wire > 0 ? `${(z[s].inflated / z[s].wire).toFixed(1)}×` : '—');
    expect(compression).toBe(`client ${r('client')}, server ${r('server')} (inflated / wire)`);
  }
  if (c.frames.length + c.messages.length === 0) return;
  const cells = (name: string): string[] => {
    const m = new RegExp(`^ *│ ${name} +│(.*)│$`, 'm').exec(text);
    expect(m, `${name} row in --stats`).not.toBeNull();
    return m![1]!.split('│').map((x) => x.trim());
  };
  const classes: [string, number[]][] = [
    ['text', [1]],
    ['binary', [2]],
    ['continuation', [0]],
    ['close', [8]],
    ['ping', [9]],
    ['pong', [10]],
    ['reserved', [3, 4, 5, 6, 7, 11, 12, 13, 14, 15]],
  ];
  for (const [name, ops] of classes) {
    const n = (s: Side): { count: number; bytes: number } => {
      const fs = c.frames.filter((f) => f.from === s && ops.includes(f.opcode));
      return { count: fs.length, bytes: sum(fs.map((f) => len(f.payloadLength))) };
    };
    if (n('client').count + n('server').count === 0) continue;
    const [cc, cb, sc, sb] = cells(name);
    expect([Number(cc), Number(cb), Number(sc), Number(sb)], `${name} frames`).toEqual([n('client').count, n('client').bytes, n('server').count, n('server').bytes]);
    // and against the analysis' counts (a sum past 2^53 is written as a decimal string)
    const counted = (s: Side, what: 'count' | 'bytes'): number => sum(ops.map((o) => Number(k[s].frames[String(o)]?.[what] ?? 0)));
    expect([Number(cc), Number(cb), Number(sc), Number(sb)]).toEqual([counted('client', 'count'), counted('client', 'bytes'), counted('server', 'count'), counted('server', 'bytes')]);
  }
  const [all0, , all2] = cells('all frames');
  expect([Number(all0), Number(all2)]).toEqual([framesOf(k.client), framesOf(k.server)]);
  const [mc, mb, sc, sb] = cells('messages');
  expect([Number(mc), Number(mb), Number(sc), Number(sb)]).toEqual([k.client.messages, Number(k.client.messageBytes), k.server.messages, Number(k.server.messageBytes)]);
  const [lc, lcb, ls, lsb] = cells('largest message');
  const largest = (s: Side): [string, string] => {
    const ms = c.messages.filter((m) => m.from === s);
    if (ms.length === 0) return ['—', '—'];
    const top = ms.reduce((a, b) => (len(b.length) > len(a.length) ? b : a));
    expect(len(top.length)).toBe(Number(k[s].largestMessage));
    return [`#${top.index}`, String(Number(k[s].largestMessage))];
  };
  expect([lc, lcb]).toEqual(largest('client'));
  expect([ls, lsb]).toEqual(largest('server'));
  const [fc, , fs] = cells('fragmented');
  expect([Number(fc), Number(fs)]).toEqual([k.client.fragmentedMessages, k.server.fragmentedMessages]);
  if (/│ inflated /.test(text)) {
    const [, ic, , is] = cells('inflated');
    const inflated = (s: Side): number => sum(c.messages.filter((m) => m.from === s).map((m) => (m.compressed ? (m.inflatedLength ?? 0) : len(m.length))));
    expect([Number(ic), Number(is)]).toEqual([inflated('client'), inflated('server')]);
  }
}

function checkConnectionsTable(j: JExport, text: string): void {
  const byId = new Map(j.connections.map((c) => [nameOf(c), c]));
  for (const m of text.matchAll(/^ *│ +(\d+(?:\/\d+)?) │(.*)│$/gm)) {
    const c = byId.get(m[1]!)!;
    const [, , , packets, frames, messages, dur, ewi] = m[2]!.split('│').map((x) => x.trim());
    const d = duration(c);
    expect([Number(packets), Number(frames), Number(messages)], `connection ${c.id} in the table`).toEqual([c.counts.packets, c.counts.frames, c.counts.messages]);
    expect(dur).toBe(d === null ? '—' : `${d.toFixed(3)} s`);
    const k = c.counts.diagnostics;
    expect(ewi).toBe(`${k.error}/${k.warning}/${k.info}`);
  }
}

/**
 * What a line of --messages says in numbers: its time, direction and type,
 * the size it starts with, and its notes (the preview's own length, and so
 * its cut, follows the width of the columns, which follows the lines shown).
 */
function numbersOf(text: string): string[] {
  return text
    .split('\n')
    .map((l) => /^ *(-?\d+\.\d{6}) {2}(C . S) {2}(\S+) +(.*)$/.exec(l))
    .filter((m) => m !== null)
    .map(([, time, dir, label, rest]) => {
      const size = /^(?:JSON (?:object|array), )?(\d+ bytes?)/.exec(rest!)?.[1] ?? '';
      const notes = rest!.match(/\((?:inflated from|\d+ fragments|incomplete|compressed|round trip)[^)]*\)/g) ?? [];
      return [time, dir, label, size, ...notes].join(' ');
    });
}

const arrow = (s: Side): string => (s === 'client' ? 'C → S' : 'C ← S');

/** --messages: one line per message at the time of its last frame, with its real sizes; control frames with their codes and round trips. */
function checkTranscript(c: JConnection, text: string): void {
  const lines = text
    .split('\n')
    .filter((l) => /^ *-?\d+\.\d{6} {2}C [→←] S {2}/.test(l))
    .map((l) => l.trimStart());
  const byIndex = new Map(c.frames.map((f) => [f.index, f]));
  const inMessage = new Set(c.messages.flatMap((m) => m.frames));
  const entries = [
    ...c.messages.map((m, order) => ({ kind: 'message' as const, m, last: byIndex.get(m.frames[m.frames.length - 1]!)!, order })),
    ...c.frames.filter((f) => !inMessage.has(f.index)).map((f) => ({ kind: 'frame' as const, f, last: f, order: 0 })),
  ].sort((a, b) => a.last.packet - b.last.packet || a.last.index - b.last.index || a.order - b.order);
  expect(lines, 'lines of --messages').toHaveLength(entries.length);
  entries.forEach((e, i) => {
    const line = lines[i]!;
    same(line.startsWith(`${t6(e.last.relTs)}  ${arrow(e.last.from)}  `), true, `${line} at ${t6(e.last.relTs)}`);
    if (e.kind === 'frame') {
      const f = e.f;
      if (f.opcode === 10 && f.answers) same(line.includes(`(round trip ${formatRtt(f.answers.rtt)})`), true, line);
      if (f.opcode === 8 && f.close?.code != null) same(new RegExp(`close +${f.close.code} `).test(line), true, line);
      return;
    }
    const m = e.m;
    same(new RegExp(`^\\S+ {2}C . S {2}${m.type} `).test(line), true, line);
    const wire = len(m.length);
    const inflated = m.compressed && m.inflatedLength !== null;
    const total = inflated ? m.inflatedLength! : wire;
    same(line.includes(`(inflated from ${plural(wire, 'byte')})`), inflated, line);
    if (!inflated) same(line.includes('(inflated from'), false, line);
    if (m.frames.length > 1) same(line.includes(`(${m.frames.length} fragments)`), true, line);
    // every size said of it is its own (not counting what its quoted payload says: "got 38 bytes")
    const said = line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    for (const [, n] of said.matchAll(/(?:^|[ (:,])(\d+) bytes?(?=[:)\s]|$)(?! never)/g)) {
      if (line.includes(`from ${n} byte`) || line.includes(`${n} bytes never captured`)) continue;
      if (Number(n) !== total && Number(n) !== wire) expect([total, wire], `${line}: ${n}`).toContain(Number(n));
    }
    const first = /\(first \d+ of (\d+) bytes?\)/.exec(line);
    if (first) same(Number(first[1]), total, line);
    const head = new RegExp(`${m.type} +(?:JSON (?:object|array), )?(\\d+) bytes?(?::| |$)`).exec(line);
    if (head) same(Number(head[1]), total, line);
  });
}

/** --ladder: one row per packet of the timeline, at its time, with its summary. */
function checkLadder(c: JConnection, text: string): void {
  const rows = text.split('\n').filter((l) => /^ *\d+ {2}/.test(l) && l.includes('│'));
  expect(rows, 'rows of --ladder').toHaveLength(c.timeline.length);
  c.timeline.forEach((e, i) => {
    const m = /^ *(\d+) {2} *(-?\d+\.\d{6}) {2}│(.*)│$/.exec(rows[i]!);
    if (!m) expect.fail(`--ladder: ${rows[i]}`);
    same([Number(m[1]), m[2]], [e.packet, t6(e.relTs)], rows[i]);
    const said = sanitize(e.summary);
    if (said.length < WIDTH - 60) same(m[3]!.includes(said), true, `${rows[i]} tells ${said}`);
  });
  const rowOf = new Map(c.timeline.map((e, i) => [e.packet, rows[i]!]));
  for (const f of c.frames) {
    if (!f.answers) continue;
    const row = rowOf.get(f.packet)!;
    if (!row.includes(`round trip ${formatRtt(f.answers.rtt)}`)) expect(row).toContain(`round trip ${formatRtt(f.answers.rtt)}`);
  }
  // a frame of a compressed message is never shown as text
  const compressed = new Set(c.messages.filter((m) => m.compressed).flatMap((m) => m.frames));
  const entryOf = new Map(c.timeline.map((e) => [e.packet, e]));
  for (const f of c.frames) {
    if (!compressed.has(f.index)) continue;
    const e = entryOf.get(f.packet);
    if (e && /^(?:Text|Binary|Continuation)[^—;]*? \d+ bytes?(?: \[MASKED\])? ["']/.test(e.summary)) expect.fail(`frame ${f.index} of a compressed message is shown as text: ${e.summary}`);
  }
}

/** --explain: each frame told with its packet, time, length and round trip. */
function checkExplain(c: JConnection, text: string): void {
  const told = [...text.matchAll(/^ {2}Frame (\d+), packet (\d+) \((\d+\.\d{6}) s\)[^:]*: .*?, (\d+) bytes? of payload, (.*)$/gm)];
  expect(told.length, 'frames told by --explain').toBe(Math.min(c.frames.length, 40));
  for (const t of told) {
    const f = c.frames[Number(t[1])]!;
    expect([Number(t[2]), t[3], t[4]]).toEqual([f.packet, t6(f.relTs), String(len(f.payloadLength))]);
    if (f.answers) expect(t[5]).toContain(`; it answers the ping of packet ${f.answers.packet} after ${formatRtt(f.answers.rtt)}.`);
    if (f.close?.code != null) expect(t[5]).toContain(`status ${f.close.code} (`);
  }
}

describe.each(CAPTURES)('%s: every view tells the numbers of the JSON export', (file) => {
  it('in --json, --ndjson, --summary, check, --html, --stats, --messages, --ladder and --explain', { timeout: 120_000 }, async () => {
    const v = await views(file);
    const j = v.json;
    checkExport(j);
    checkNdjson(j, v.ndjson);
    checkSummary(j, v.summary);
    checkCheck(j, v.check);
    checkHtml(j, v.html);
    const end = renderEnd(v.end.capture, v.end.summary, v.end.diagnostics, false, WIDTH);
    checkEndLines(j, end);
    const byId = new Map(j.connections.map((c) => [nameOf(c), c]));
    for (const conn of v.kept) {
      const c = byId.get(nameOf(conn))!;
      checkStats(c, renderStats(conn, TERMINAL));
      const transcript = renderTranscript(conn, TERMINAL);
      checkTranscript(c, transcript);
      // a selection changes which lines are shown, never what a line says
      const dataOnly = selectConnection(conn, { ...EVERYTHING, opcodes: new Set([1, 2]) })!;
      const all = new Set(numbersOf(transcript));
      for (const line of numbersOf(renderTranscript(dataOnly, TERMINAL))) same(all.has(line), true, `${line}, with --opcode text,binary`);
      checkLadder(c, renderLadder(conn, TERMINAL));
      checkExplain(c, renderExplain(conn, { ...TERMINAL, width: 100000 }));
    }
    if (v.kept.length > 1) checkConnectionsTable(j, renderConnectionsTable(v.kept.map(connectionRow), TERMINAL));
  });
});
