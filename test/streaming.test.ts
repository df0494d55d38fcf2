// The streaming outputs: --ndjson writes each object as soon as it is final
// and keeps nothing; --summary keeps only counts. Both must say the same as
// the full JSON export.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../src/index.js';
import type { AnalysisSink, Connection, Frame, Message } from '../src/model.js';

const schema = JSON.parse(readFileSync('schema/wsdissect.schema.json', 'utf8')) as object;
const ajv = new Ajv({ strict: true, allowUnionTypes: true });
ajv.addSchema(schema);
const validFrame = ajv.getSchema('wsdissect.schema.json#/definitions/frame')!;
const validMessage = ajv.getSchema('wsdissect.schema.json#/definitions/message')!;
const validDiagnostic = ajv.getSchema('wsdissect.schema.json#/definitions/diagnostic')!;

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe.each(['ws_echo', 'ws_fragmented', 'py_echo_deflate', 'chromium_deflate', 'suricata_control_frag', 'scapy_invalid_handshakes'])('--ndjson on %s', (name) => {
  it('writes valid objects, frames before the messages they complete, and says what --json says', () => {
    const lines = cli([`captures/${name}.pcap`, '--ndjson']).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const doc = JSON.parse(cli([`captures/${name}.pcap`, '--json'])) as { summary: unknown; connections: { id: number; stream: number | null; frames: unknown[]; messages: unknown[]; diagnostics: unknown[] }[] };
    const of = (type: string) => lines.filter((l) => l['type'] === type);
    expect(lines.at(-1)!['type']).toBe('summary');
    expect(lines.at(-2)!['type']).toBe('capture');
    const { type: _s, ...summary } = lines.at(-1)!;
    expect(summary).toEqual(doc.summary);
    // a connection is known by its id and (for a WebSocket an HTTP/2 stream carried) its stream
    const mine = (l: Record<string, unknown>, c: { id: number; stream: number | null }): boolean => l['connection'] === c.id && l['stream'] === c.stream;
    for (const c of doc.connections) {
      const frames = of('frame').filter((f) => mine(f, c)).map(({ type: _t, connection: _c, stream: _st, ...f }) => f);
      expect(frames).toEqual(c.frames);
      for (const f of frames) expect(validFrame(f), JSON.stringify(validFrame.errors)).toBe(true);
      const messages: Record<string, unknown>[] = of('message').filter((m) => mine(m, c)).map(({ type: _t, connection: _c, stream: _st, messageType, ...m }) => ({ ...m, type: messageType }));
      expect([...messages].sort((a, b) => (a['index'] as number) - (b['index'] as number))).toEqual(c.messages);
      for (const m of messages) expect(validMessage(m), JSON.stringify(validMessage.errors)).toBe(true);
      const diags = of('diagnostic').filter((d) => mine(d, c)).map(({ type: _t, connection: _c, stream: _st, ...d }) => d);
      expect(diags.length).toBe(c.diagnostics.length);
      for (const d of diags) expect(validDiagnostic(d)).toBe(true);
      expect(of('connection').filter((x) => mine(x, c))).toHaveLength(1);
    }
    // a message line comes after the line of its last frame
    const seen = new Set<string>();
    for (const l of lines) {
      if (l['type'] === 'frame') seen.add(`${String(l['connection'])}/${String(l['stream'])}:${String(l['index'])}`);
      if (l['type'] === 'message') for (const f of l['frames'] as number[]) expect(seen.has(`${String(l['connection'])}/${String(l['stream'])}:${f}`)).toBe(true);
    }
  });
});

describe('a streaming sink', () => {
  it('receives every frame and message as it is final, and connections come without them', async () => {
    const frames: Frame[] = [];
    const messages: Message[] = [];
    const conns: Connection[] = [];
    const sink: AnalysisSink = {
      streaming: true,
      frame: (_c, f) => frames.push(f),
      message: (_c, m) => messages.push(m),
      diagnostic: () => {},
      connection: (c) => conns.push(c),
      end: () => {},
    };
    await analyzeCapture(Readable.from([readFileSync('captures/ws_echo.pcap')]), sink);
    expect(frames).toHaveLength(10);
    expect(messages).toHaveLength(4);
    expect(conns[0]!.frames).toEqual([]);
    expect(conns[0]!.timeline).toEqual([]);
    expect(conns[0]!.counts).toMatchObject({ packets: 25, frames: 10, messages: 4 });
    expect(conns[0]!.close).toMatchObject({ initiator: 'client', clean: true });
  });
});

describe('--summary', () => {
  it('gives each connection a verdict and its counts', () => {
    const out = cli(['captures/chromium_deflate.pcap', '--summary']);
    expect(out).toContain('connection 2  127.0.0.1:53678 → 127.0.0.1:8090  WebSocket: clean close');
    expect(out).toContain('client 8 frames, 7 messages (1751 bytes on the wire)');
    expect(out).toContain('compression 7.0×');
    expect(out).toMatch(/3 connections \(1 WebSocket\), 16 frames, 14 messages; 0 errors/);
    expect(cli(['captures/violations/frame.client-unmasked.pcap', '--summary'])).toContain('1 error');
  });
});
