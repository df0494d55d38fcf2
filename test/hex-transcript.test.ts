// The hex dump and the transcript: golden output of every bundled capture
// (reviewed like code; regenerate with UPDATE_GOLDEN=1 and read the diff),
// the header and the wire bytes checked against the capture itself, and what
// both must always do: fit the width, colour only when asked, never let a
// byte from the capture reach the terminal as a control character.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, only } from './support/analyze.js';
import { Conversation, MASK, upgradeRequest, upgradeResponse, wsFrame } from './support/pcap.js';
import type { Connection } from '../src/model.js';
import { renderHex, wrapText } from '../src/render/hex.js';
import { prettyJsonBytes, prettyJsonLines, renderTranscript } from '../src/render/transcript.js';
import { PLAIN, type RenderOptions } from '../src/render/options.js';
import { visibleLength } from '../src/render/paint.js';
import { formatRtt } from '../src/text/words.js';
import { expectGolden } from './support/golden.js';

const CAPTURES = readdirSync('captures').filter((f) => f.endsWith('.pcap')).sort();
const ESC = '\u001b';
const SGR = /\u001b\[[0-9;]*m/g; // eslint-disable-line no-control-regex

const GOLDEN_OPTS: RenderOptions = { ...PLAIN, width: 120, color: false, maxPayload: 256 };
const opts = (o: Partial<RenderOptions> = {}): RenderOptions => ({ ...GOLDEN_OPTS, ...o });

const golden = (dir: string, name: string, actual: string): void => expectGolden(`test/golden/${dir}/${name}`, actual);

function endpoint(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** Every connection of a capture under a title, the way the CLI prints a view. */
function renderAll(conns: Connection[], render: (c: Connection, o: RenderOptions) => string, o: RenderOptions): string {
  return conns.map((c) => `Connection ${c.id}: ${endpoint(c.client)} (client) ⇄ ${endpoint(c.server)} (server)\n${render(c, o)}`).join('\n');
}

/** The TCP payload of packet `n` (1-based) of a little-endian, microsecond, Ethernet/IPv4 pcap. */
function tcpPayload(file: string, n: number): Buffer {
  const b = readFileSync(file);
  let at = 24;
  for (let i = 1; at < b.length; i++) {
    const caplen = b.readUInt32LE(at + 8);
    const data = b.subarray(at + 16, at + 16 + caplen);
    if (i === n) {
      const ip = data.subarray(14);
      const ihl = (ip[0]! & 0x0f) * 4;
      const tcp = ip.subarray(ihl, ip.readUInt16BE(2));
      return tcp.subarray((tcp[12]! >> 4) * 4);
    }
    at += 16 + caplen;
  }
  throw new Error(`${file} has no packet ${n}`);
}

const spaced = (b: Buffer): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/** The lines of one frame's section of a hex dump. */
function frameSection(dump: string, index: number): string[] {
  const sections = dump.trimEnd().split('\n\n');
  const section = sections.find((s) => s.startsWith(`Frame ${index} `));
  if (!section) throw new Error(`no frame ${index} in the dump`);
  return section.split('\n');
}

function upgraded(): Conversation {
  return new Conversation().handshake().send('client', upgradeRequest()).ack('server').send('server', upgradeResponse());
}

describe.each(CAPTURES)('%s', (file) => {
  const path = `captures/${file}`;
  const base = file.replace(/\.pcap$/, '.txt');

  it('dumps the golden hex', async () => {
    golden('hex', base, renderAll((await analyze(path)).connections, renderHex, GOLDEN_OPTS));
  });

  it('writes the golden transcript', async () => {
    golden('messages', base, renderAll((await analyze(path)).connections, renderTranscript, GOLDEN_OPTS));
  });

  // 12 and 30: narrower than a row of one byte, or of 16 (the library takes any width; the command line 60 or more)
  it.each([12, 30, 60, 80, 120])('fits width %i, with and without colour, with no trailing space', async (width) => {
    for (const c of (await analyze(path)).connections) {
      for (const color of [false, true]) {
        // every payload byte, a row each at width 12, would take long: the first 1024 are enough there
        for (const o of [opts({ width, color }), opts({ width, color, prettyJson: true, maxPayload: width < 30 ? 1024 : Infinity })]) {
          for (const out of [renderHex(c, o), renderTranscript(c, o)]) {
            expect(out.endsWith('\n')).toBe(true);
            for (const line of out.slice(0, -1).split('\n')) {
              expect(visibleLength(line), line).toBeLessThanOrEqual(width);
              expect(line).not.toMatch(/ $/);
              if (color) expect(line.replace(SGR, '')).not.toContain(ESC);
            }
            if (!color) expect(out).not.toContain(ESC);
          }
        }
      }
    }
  });
});

describe('the hex dump', () => {
  it('shows the RFC 6455 §5.7 masked "Hello" as wire bytes, unmasked bytes and ASCII', async () => {
    const conv = upgraded().send('client', wsFrame({ opcode: 1, payload: Buffer.from('Hello'), mask: MASK }));
    const c = only(await analyze(conv.pcap()));
    const lines = frameSection(renderHex(c, opts()), 0);
    expect(lines[0]).toBe('Frame 0 · packet 7 · client → server · text · FIN 1 · 5 bytes · key 37 fa 21 3d');
    expect(lines).toContain('  header  81 85 37 fa 21 3d');
    expect(lines).toContain('    81           FIN 1, RSV 000, opcode 0x1 text');
    expect(lines).toContain('    85           MASK 1, length 5');
    expect(lines).toContain('    37 fa 21 3d  masking key');
    expect(lines).toContain('  0000  7f 9f 4d 51 58  48 65 6c 6c 6f  |Hello|');
  });

  it('shows an unmasked frame with one column of bytes', async () => {
    const conv = upgraded().send('server', wsFrame({ opcode: 1, payload: Buffer.from('Hello') }));
    const lines = frameSection(renderHex(only(await analyze(conv.pcap())), opts()), 0);
    expect(lines).toContain('  header  81 05');
    expect(lines).toContain('  0000  48 65 6c 6c 6f  |Hello|');
  });

  it('rebuilds the 64-bit and the 16-bit length headers of ws_large_binary byte for byte', async () => {
    const file = 'captures/ws_large_binary.pcap';
    const c = only(await analyze(file));
    const dump = renderHex(c, opts());
    const [up, down] = c.frames;
    // the client's 100000-byte frame: its header and first payload bytes are in the first packet of the frame
    const wire = tcpPayload(file, up!.packets[0]!);
    expect(spaced(wire.subarray(0, 14))).toBe('82 ff 00 00 00 00 00 01 86 a0 e0 2a c0 fa');
    const upLines = frameSection(dump, 0);
    expect(upLines).toContain(`  header  ${spaced(wire.subarray(0, 14))}`);
    expect(upLines).toContain('    00 00 00 00 00 01 86 a0  extended length 100000');
    // 8 bytes a row at width 120 for a masked frame: the wire bytes as captured, then the unmasked ones
    expect(upLines).toContain(`  0000  ${spaced(wire.subarray(14, 22))}  00 01 02 03 04 05 06 07  |........|`);
    expect(upLines).toContain(`  0020  ${spaced(wire.subarray(46, 54))}  20 21 22 23 24 25 26 27  | !"#$%&'|`);
    // the server's 3000-byte frame with a 16-bit length
    const back = tcpPayload(file, down!.packets[0]!);
    expect(spaced(back.subarray(0, 4))).toBe('82 7e 0b b8');
    const downLines = frameSection(dump, 1);
    expect(downLines[0]).toContain('3000 bytes (16-bit length) · not masked');
    expect(downLines).toContain('  header  82 7e 0b b8');
    expect(downLines).toContain('    7e     MASK 0, length 126: a 16-bit length follows');
    expect(downLines).toContain(`  0000  ${spaced(back.subarray(4, 20))}  |................|`);
  });

  it('keeps a 64-bit length beyond 2^53 exact', async () => {
    const c = only(await analyze('captures/violations/frame.length-msb-set.pcap'));
    const lines = frameSection(renderHex(c, opts()), 0);
    expect(lines[0]).toContain('9223372036854775813 bytes (64-bit length)');
    expect(lines).toContain('  header  82 ff 80 00 00 00 00 00 00 05 37 fa 21 3d');
    expect(renderTranscript(c, opts())).toContain('binary  9223372036854775813 bytes: 01 02 03 04 05 … (incomplete)');
  });

  it('shows at most maxPayload bytes and says how many more there are; 0 shows headers only', async () => {
    const c = only(await analyze('captures/ws_large_binary.pcap'));
    const cut = frameSection(renderHex(c, opts({ maxPayload: 20 })), 0);
    expect(cut.filter((l) => /^ {2}[0-9a-f]{4} {2}/.test(l)).map((l) => l.slice(2, 6))).toEqual(['0000', '0008', '0010']);
    expect(cut.find((l) => /^ {2}0010 {2}/.test(l))).toMatch(/ 10 11 12 13 +\|\.\.\.\.\|$/);
    expect(cut).toContain('  … 99980 more payload bytes not shown');
    const none = frameSection(renderHex(c, opts({ maxPayload: 0 })), 0);
    expect(none.some((l) => /^ {2}0000 /.test(l))).toBe(false);
    expect(none).toContain('  header  82 ff 00 00 00 00 00 01 86 a0 e0 2a c0 fa');
    expect(none).toContain('  payload  100000 bytes not shown');
    const all = renderHex(c, opts({ maxPayload: Infinity, width: 200 }));
    // 16 bytes a row, offsets of 5 digits: the last row starts at 99984
    expect(all).toContain('\n  18690  ');
    expect(all).not.toContain('not shown');
  });

  it('uses rows of 16 bytes when they fit, else 8', async () => {
    const c = only(await analyze('captures/ws_large_binary.pcap'));
    const rowsOf = (dump: string, frame: number): number => frameSection(dump, frame).filter((l) => /^ {2}[0-9a-f]{4,} {2}/.test(l))[0]!.split('|')[1]!.length;
    expect(rowsOf(renderHex(c, opts({ width: 120 })), 0)).toBe(8);
    expect(rowsOf(renderHex(c, opts({ width: 130 })), 0)).toBe(16);
    expect(rowsOf(renderHex(c, opts({ width: 80 })), 1)).toBe(16);
    expect(rowsOf(renderHex(c, opts({ width: 60 })), 1)).toBe(8);
  });

  it('says when a frame was not captured whole', async () => {
    const c = only(await analyze('captures/violations/capture.truncated-packet.pcap'));
    const lines = frameSection(renderHex(c, opts()), 2);
    // the title wraps at 120 columns
    expect(lines.slice(0, 2).join(' ')).toMatch(/ · not masked +incomplete$/);
    expect(lines.join('\n')).toContain('incomplete: 1624 payload bytes never captured');
  });

  it('dumps compressed frames as the deflate bytes they are, with a note', async () => {
    const c = only(await analyze('captures/py_echo_deflate.pcap'));
    const lines = frameSection(renderHex(c, opts()), 1);
    expect(lines[0]).toContain('text · FIN 1 · RSV1 · 11 bytes · not masked');
    expect(lines.join(' ')).toContain('compressed (permessage-deflate): the payload is deflate data, shown as sent; message 1 inflates to 72 bytes');
    expect(lines).toContain(`  0000  ${spaced(c.frames[1]!.payload)}  |.H...W.....|`);
  });

  it('explains a close frame and a pong', async () => {
    const c = only(await analyze('captures/ws_echo.pcap'));
    const dump = renderHex(c, opts());
    const close = c.frames.find((f) => f.opcode === 8)!;
    expect(frameSection(dump, close.index)).toContain('  note: close code 1000 (Normal Closure), reason "bye"');
    const pong = c.frames.find((f) => f.opcode === 10)!;
    expect(frameSection(dump, pong.index).join('\n')).toContain(`round trip ${formatRtt(pong.answers!.rtt)}`);
  });

  it('paints the masking key when asked to', async () => {
    const c = only(await analyze('captures/textbook_rfc6455.pcap'));
    expect(renderHex(c, opts({ color: true }))).toContain(`${ESC}[35m37 fa 21 3d${ESC}[39m`);
    expect(renderHex(c, opts())).not.toContain(ESC);
  });

  it('says so in one line when a connection has no frame, and why when the server refused the upgrade', async () => {
    const c = only(await analyze('captures/ws_rejected_403.pcap'));
    expect(renderHex(c, opts())).toBe('No WebSocket frames: upgrade refused (403 Forbidden).\n');
  });
});

describe('the transcript', () => {
  it('follows ws_echo: messages, pings and pongs with their round trips, the close', async () => {
    const c = only(await analyze('captures/ws_echo.pcap'));
    const lines = renderTranscript(c, opts()).trimEnd().split('\n');
    const rtt = c.frames.filter((f) => f.answers).map((f) => formatRtt(f.answers!.rtt));
    expect(lines.map((l) => l.replace(/^\d+\.\d{6} {2}/, ''))).toEqual([
      'C → S  text    "Hello, wsdissect!"',
      'C ← S  text    "Hello, wsdissect!"',
      'C → S  binary  5 bytes: 01 02 03 04 05',
      'C ← S  binary  5 bytes: 01 02 03 04 05',
      'C → S  ping    "client-ping"',
      `C ← S  pong    "client-ping" (round trip ${rtt[0]})`,
      'C ← S  ping    "server-ping"',
      `C → S  pong    "server-ping" (round trip ${rtt[1]})`,
      'C → S  close   1000 Normal Closure "bye"',
      'C ← S  close   1000 Normal Closure "bye"',
    ]);
    // the time of each line is the time of the message's last frame
    expect(lines[0]!.slice(0, 8)).toBe(c.frames[c.messages[0]!.frames.at(-1)!]!.relTs.toFixed(6));
  });

  it('names the close code', async () => {
    const c = only(await analyze('captures/ws_server_close.pcap'));
    expect(renderTranscript(c, opts())).toMatch(/C ← S {2}close {2}1001 Going Away "going away"\n/);
  });

  it('shows the inflated text of compressed messages', async () => {
    const c = only(await analyze('captures/py_echo_deflate.pcap'));
    const out = renderTranscript(c, opts());
    expect(out).toMatch(/C → S {2}text {4}"hello hello hello [^"]*" \(inflated from 11 bytes\)\n/);
    expect(out).toMatch(/C → S {2}text {4}"bye\?" \(inflated from 6 bytes\)\n/);
    expect(out).toContain('binary  1000 bytes: 00 00 00');
  });

  it('notes fragments, and puts a ping sent between them before the message it interrupted', async () => {
    const c = only(await analyze('captures/ws_fragmented.pcap'));
    const lines = renderTranscript(c, opts()).trimEnd().split('\n');
    const ping = lines.findIndex((l) => /C → S {2}ping +"between-fragments"$/.test(l));
    const msg = lines.findIndex((l) => /C → S {2}text +"Grüße aus 東京 — frag ✓" \(3 fragments\)$/.test(l));
    expect(ping).toBeGreaterThanOrEqual(0);
    expect(msg).toBeGreaterThan(ping);
  });

  it('notes incomplete messages', async () => {
    const c = only(await analyze('captures/violations/capture.truncated-packet.pcap'));
    expect(renderTranscript(c, opts())).toContain('(incomplete: 1624 bytes never captured)');
  });

  it('cuts text and hex to maxPayload bytes, with a marker', async () => {
    const deflate = only(await analyze('captures/py_echo_deflate.pcap'));
    expect(renderTranscript(deflate, opts({ maxPayload: 10 }))).toContain('text    "hello hell…" (first 10 of 72 bytes) (inflated from 11 bytes)');
    const large = only(await analyze('captures/ws_large_binary.pcap'));
    expect(renderTranscript(large, opts({ maxPayload: 4 }))).toContain('C → S  binary  100000 bytes: 00 01 02 03 …\n');
    const none = renderTranscript(deflate, opts({ maxPayload: 0 }));
    expect(none).toContain('text    72 bytes (inflated from 11 bytes)');
    expect(none).toContain('binary  1000 bytes (inflated from 10 bytes)');
  });

  it('does not split a character when it cuts to maxPayload bytes', async () => {
    const conv = upgraded().send('server', wsFrame({ opcode: 1, payload: Buffer.from('東京東京') }));
    const out = renderTranscript(only(await analyze(conv.pcap())), opts({ maxPayload: 4 }));
    expect(out).toContain('"東…" (first 3 of 12 bytes)');
  });

  it('wraps a note between words; a note that fits stays whole, as the word by word wrapping would leave it', () => {
    const plain = (s: string): string => s;
    expect(wrapText('compressed: message 0 inflates to 156 bytes', 80, plain)).toEqual({ lines: ['compressed: message 0 inflates to 156 bytes'], fit: true });
    expect(wrapText('compressed: message 0 inflates to 156 bytes', 20, plain)).toEqual({ lines: ['compressed: message', '0 inflates to 156', 'bytes'], fit: true });
    // two spaces stay two; a leading space goes; a trailing one stays, and the line is then not one that fits as it is
    expect(wrapText('a  b', 10, plain)).toEqual({ lines: ['a  b'], fit: true });
    expect(wrapText(' a b', 10, plain)).toEqual({ lines: ['a b'], fit: true });
    expect(wrapText('a b ', 10, plain)).toEqual({ lines: ['a b '], fit: false });
    expect(wrapText('東京 東京', 4, plain)).toEqual({ lines: ['東京', '東京'], fit: true });
    expect(wrapText('東京 東京', 9, (s) => `<${s}>`)).toEqual({ lines: ['<東京 東京>'], fit: true });
  });

  it('wraps printable ASCII words at their spaces as the word by word wrapping does', () => {
    // the word by word wrapping, as wrapText makes it for any text (the reference)
    const byWords = (text: string, room: number): { lines: string[]; fit: boolean } => {
      const lines: string[] = [];
      let cur = '';
      let used = 0;
      let fit = true;
      const end = (): void => {
        if (used > room) fit = false;
        lines.push(`<${cur}>`);
      };
      for (const word of text.split(' ')) {
        if (cur === '') {
          cur = word;
          used = word.length;
        } else if (used + 1 + word.length <= room) {
          cur += ` ${word}`;
          used += 1 + word.length;
        } else {
          end();
          cur = word;
          used = word.length;
        }
      }
      end();
      return { lines, fit };
    };
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let wrapped = 0;
    for (let k = 0; k < 20000; k++) {
      const words = Array.from({ length: 1 + rand(12) }, () => Array.from({ length: 1 + (rand(4) === 0 ? rand(30) : rand(8)) }, () => String.fromCharCode(0x21 + rand(94))).join(''));
      const text = words.join(' ');
      const room = rand(45) - 2;
      const got = wrapText(text, room, (s) => `<${s}>`);
      expect(got, `${JSON.stringify(text)} in ${room}`).toEqual(byWords(text, room));
      if (got.lines.length > 1) wrapped++;
    }
    // most of them wrapped (the way under test), some over a word wider than the room
    expect(wrapped).toBeGreaterThan(10000);
  });

  it('pretty-prints a JSON text message under its line when asked to, and nothing else', async () => {
    // without the application decoders, which lay out what they recognise as JSON by themselves (below)
    const c = only(await analyze('captures/py_echo_deflate.pcap', { app: 'none' }));
    const lines = renderTranscript(c, opts({ prettyJson: true })).trimEnd().split('\n');
    const at = lines.findIndex((l) => l.includes('C → S  text    JSON object, 69 bytes (inflated from 39 bytes)'));
    expect(at).toBeGreaterThanOrEqual(0);
    const column = lines[at]!.indexOf('JSON');
    expect(lines.slice(at + 1, at + 6).map((l) => l.slice(column))).toEqual(['{', '  "type": "tick",', '  "seq": 1,', '  "data": "abcabcabcabcabcabcabcabcabcabcabcabc"', '}']);
    expect(lines.slice(at + 1, at + 6).every((l) => l.slice(0, column).trim() === '')).toBe(true);
    // the text that is not JSON stays on its line
    expect(lines.filter((l) => l.includes('"hello hello'))).toHaveLength(4);
    expect(lines.some((l) => l.includes('"bye?"'))).toBe(true);
    // and without the option the JSON is text like any other
    const plain = renderTranscript(c, opts());
    expect(plain).toContain(`text    '{"type":"tick","seq":1,`);
    expect(plain).not.toContain('"type": "tick"');
  });

  it('keeps JSON exactly as sent when it re-indents it, and cuts it to maxPayload', async () => {
    const json = '{"big":12345678901234567890,"x":1.0,"e":[],"o":{},"s":"a,b:{c}\\"d","dup":1,"dup":2}';
    const conv = upgraded()
      .send('server', wsFrame({ opcode: 1, payload: Buffer.from(json) }))
      .send('server', wsFrame({ opcode: 1, payload: Buffer.from('{not json') }))
      .send('server', wsFrame({ opcode: 1, payload: Buffer.from('"a string"') }))
      .send('server', wsFrame({ opcode: 1, payload: Buffer.from(' [1, 2] ') }));
    const c = only(await analyze(conv.pcap(), { app: 'none' }));
    const lines = renderTranscript(c, opts({ prettyJson: true })).trimEnd().split('\n');
    const column = lines[0]!.indexOf('JSON object, ');
    expect(column).toBeGreaterThan(0);
    expect(lines.slice(1, 10).map((l) => l.slice(column))).toEqual(['{', '  "big": 12345678901234567890,', '  "x": 1.0,', '  "e": [],', '  "o": {},', '  "s": "a,b:{c}\\"d",', '  "dup": 1,', '  "dup": 2', '}']);
    // not JSON, or JSON but neither an object nor an array: text on its line
    expect(lines[10]).toMatch(/text {2}"\{not json"$/);
    // text holding double quotes is put between single ones
    expect(lines[11]).toMatch(/text {2}'"a string"'$/);
    expect(lines[12]).toMatch(/text {2}JSON array, 8 bytes$/);
    expect(lines.slice(13).map((l) => l.slice(column))).toEqual(['[', '  1,', '  2', ']']);
    // cut after the last line whose bytes are all within maxPayload
    const cut = renderTranscript(c, opts({ prettyJson: true, maxPayload: 30 })).trimEnd().split('\n');
    expect(cut.slice(1, 4).map((l) => l.slice(column))).toEqual(['{', '  "big": 12345678901234567890,', `… ${json.length - json.indexOf('"x"')} more bytes not shown`]);
  });

  it('lays out JSON as JSON.stringify(value, null, 2) does, whether its lines are printed as one block (printable ASCII) or one by one', async () => {
    // printable ASCII that fits is printed as a block, other text line by line (sanitized, measured): both must lay out alike
    const text = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('数据', 'é', '日本語テキスト', 'a\u00e9b'));
    const leaf = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }),
    }));
    const tops = fc.sample(fc.oneof(fc.array(value, { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 6 }), value, { maxKeys: 4 })), { numRuns: 200, seed: 6455 });
    let conv = upgraded();
    for (const v of tops) conv = conv.send('server', wsFrame({ opcode: 1, payload: Buffer.from(JSON.stringify(v)) }));
    const c = only(await analyze(conv.pcap(), { app: 'none' }));
    const lines = renderTranscript(c, opts({ prettyJson: true, maxPayload: Infinity, width: 1000 })).trimEnd().split('\n');
    const heads = lines.flatMap((l, i) => (/ {2}JSON (object|array), /.test(l) ? [i] : []));
    expect(heads).toHaveLength(tops.length);
    const column = lines[heads[0]!]!.indexOf('JSON');
    const plain = tops.filter((v) => /^[\x20-\x7e]*$/.test(JSON.stringify(v))).length;
    // both ways are taken
    expect(plain).toBeGreaterThan(20);
    expect(tops.length - plain).toBeGreaterThan(20);
    tops.forEach((v, k) => {
      const under = lines.slice(heads[k]! + 1, heads[k + 1] ?? lines.length).map((l) => l.slice(column));
      expect(under).toEqual(JSON.stringify(v, null, 2).split('\n'));
    });
  });

  it('lays out a block from the bytes as prettyJsonLines lays out the text, spaces and escapes and all, or declines where a line would need a cut', () => {
    // the block the bytes must give: every line after the pad, when the text is printable ASCII and no line is wider than the room or ends in a space
    const prettyJsonBlock = (source: string, room: number, pad: string): string | null => {
      if (!/^[\x20-\x7e]*$/.test(source)) return null;
      const lines = prettyJsonLines(source, true)!.map((l) => l.text);
      return lines.some((l) => l.length > room || l.endsWith(' ')) ? null : lines.map((l) => `${pad}${l}\n`).join('');
    };
    const text = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('a"b', 'back\\slash', 'é', '数据', '\u0001', ' x '));
    const leaf = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }),
    }));
    const top = fc.oneof(fc.array(value, { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 6 }), value, { maxKeys: 4 }));
    // as senders write it: compact, Python's ", " and ": ", spaces everywhere, spaces around the whole
    const styles = [(s: string) => s, (s: string) => s.replace(/([,:])(?=(?:[^"\\]|\\.|"(?:[^"\\]|\\.)*")*$)/g, '$1 '), (s: string) => s.replace(/([{}[\],:])(?=(?:[^"\\]|\\.|"(?:[^"\\]|\\.)*")*$)/g, ' $1 '), (s: string) => `  ${s}   `];
    let laid = 0;
    let declined = 0;
    fc.assert(
      fc.property(top, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 120 }), fc.integer({ min: 0, max: 40 }), (v, style, room, padding) => {
        const source = styles[style]!(JSON.stringify(v));
        const pad = ' '.repeat(padding);
        const quick = prettyJsonBytes(Buffer.from(source), room, pad.length)?.toString('latin1') ?? null;
        expect(quick).toBe(prettyJsonBlock(source, room, pad));
        if (quick === null) declined++;
        else laid++;
      }),
      { numRuns: 3000, seed: 6455 },
    );
    // both ways are taken
    expect(laid).toBeGreaterThan(500);
    expect(declined).toBeGreaterThan(300);
    // and text that is not quite JSON (a line may then end in a space, which the block declines)
    const jsonish = fc.stringMatching(/^[{}[\],: "a1\\.-]{0,40}$/);
    let endsInSpace = 0;
    fc.assert(
      fc.property(jsonish, fc.integer({ min: 1, max: 60 }), (source, room) => {
        // (outside what either is for: closing more than was opened)
        let depth = 0;
        for (const c of source.replace(/"(?:[^"\\]|\\.)*"?/g, '')) if ((depth += c === '{' || c === '[' ? 1 : c === '}' || c === ']' ? -1 : 0) < 0) return;
        const quick = prettyJsonBytes(Buffer.from(source), room, 2)?.toString('latin1') ?? null;
        expect(quick).toBe(prettyJsonBlock(source, room, '  '));
        // (printable, and no line of 40 characters wider than 1000: declined only for a line ending in a space)
        if (prettyJsonBlock(source, 1000, '') === null) endsInSpace++;
      }),
      { numRuns: 3000, seed: 7692 },
    );
    expect(endsInSpace).toBeGreaterThan(50);
    // a block larger than the buffer it starts in
    const big = JSON.stringify(Array.from({ length: 20000 }, (_, i) => ({ i })));
    expect(prettyJsonBytes(Buffer.from(big), 100, 4)?.toString('latin1')).toBe(prettyJsonBlock(big, 100, '    '));
  });

  it('tells under a message what its application protocol makes of it, and lays out what it recognised as JSON', async () => {
    const c = only(await analyze('captures/py_echo_deflate.pcap'));
    const lines = renderTranscript(c, opts()).trimEnd().split('\n');
    const at = lines.findIndex((l) => l.includes('C → S  text    JSON object, 69 bytes (inflated from 39 bytes)'));
    expect(at).toBeGreaterThanOrEqual(0);
    const column = lines[at]!.indexOf('JSON');
    expect(lines.slice(at + 1, at + 7).map((l) => l.slice(column))).toEqual(['↳ JSON object {type, seq, data} (application data)', '{', '  "type": "tick",', '  "seq": 1,', '  "data": "abcabcabcabcabcabcabcabcabcabcabcabc"', '}']);
    // the free text around it is not JSON: no line under it
    const hello = lines.findIndex((l) => l.includes('"hello hello'));
    expect(lines[hello + 1]).toMatch(/^\d/);
  });

  it('says so in one line when a connection has no message or frame, and why when the server refused the upgrade', async () => {
    expect(renderTranscript(only(await analyze('captures/ws_rejected_403.pcap')), opts())).toBe('No WebSocket messages or frames: upgrade refused (403 Forbidden).\n');
    const chromium = (await analyze('captures/chromium_deflate.pcap')).connections[0]!;
    expect(renderTranscript(chromium, opts()).split('\n')).toHaveLength(2);
  });

  it('still shows a message none of whose frames is in view, at its own time', async () => {
    const c = only(await analyze('captures/ws_echo.pcap'));
    const view = { ...c, frames: c.frames.filter((f) => f.opcode !== 1) };
    const lines = renderTranscript(view, opts()).trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    const texts = c.messages.filter((m) => m.type === 'text');
    expect(texts).toHaveLength(2);
    for (const m of texts) {
      // the time of the frame that completes it, as the whole connection shows it
      expect(m.relTs).toBe(c.frames[m.frames[m.frames.length - 1]!]!.relTs);
      expect(lines).toContain(`${m.relTs.toFixed(6)}  ${m.from === 'client' ? 'C → S' : 'C ← S'}  text    "Hello, wsdissect!"`);
    }
    // in the same order as with every frame in view
    expect(lines).toEqual(renderTranscript(c, opts()).trimEnd().split('\n'));
  });
});

describe('bytes from the capture reach the terminal sanitized', () => {
  const evil = '\u001b[2J\u001b]0;pwned\u0007 \u202egnp.exe\r\n\u009b';
  const conv = upgraded()
    .send('server', wsFrame({ opcode: 1, payload: Buffer.from(evil) }))
    .send('server', wsFrame({ opcode: 1, payload: Buffer.from(`{"k":"${'\u202e'}x"}`) }))
    .send('server', wsFrame({ opcode: 9, payload: Buffer.from(evil) }))
    .send('client', wsFrame({ opcode: 8, payload: Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from(evil)]), mask: MASK }));

  it.each([false, true])('with colour %s', async (color) => {
    const c = only(await analyze(conv.pcap()));
    for (const o of [opts({ color }), opts({ color, prettyJson: true }), opts({ color, width: 60 })]) {
      for (const out of [renderHex(c, o), renderTranscript(c, o)]) {
        const bare = out.replace(SGR, '');
        expect(bare).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/); // eslint-disable-line no-control-regex
        if (!color) expect(out).toBe(bare);
      }
    }
    const transcript = renderTranscript(c, opts({ color }));
    expect(transcript.replace(SGR, '')).toContain('"\\x1b[2J\\x1b]0;pwned\\x07 \\u{202e}gnp.exe\\r\\n\\u{9b}"');
    expect(renderTranscript(c, opts({ color, prettyJson: true })).replace(SGR, '')).toContain('"k": "\\u{202e}x"');
    expect(renderHex(c, opts({ color })).replace(SGR, '')).toContain('|.[2J.]0;pwned. ');
  });
});
