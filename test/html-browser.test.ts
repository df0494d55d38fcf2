// The HTML report (--html) opened in a real browser: Debian's Chromium,
// headless, driven by playwright-core. Each report is written by the built
// CLI into a temporary directory and opened from disk (file://), offline:
// the page must fetch nothing, throw nothing, and draw what the JSON export
// says, for every bundled capture. Then what a reader does: click a frame or
// a packet, walk with the keys, filter, print, and open a capture written to
// attack the page. .ci/run installs Chromium, so CI always runs these; on a
// machine without it they are skipped (and fail under CI, so they can never
// be skipped silently there).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Conversation, MASK, RFC_ACCEPT, RFC_KEY, upgradeRequest, upgradeResponse, wsFrame } from './support/pcap.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const inCi = Boolean(process.env['CI']);
if (!haveChromium && !inCi) {
  console.warn(`html-browser.test.ts: ${CHROMIUM} is missing, so the browser tests of the HTML report are skipped (apt-get install chromium, or run .ci/run, to run them)`);
}

/** Slow, shared machines: a browser test may take a while. */
const TIMEOUT = 60_000;
/** The ladder draws this many packets a page. */
const LADDER_PAGE = 200;

const CAPTURES = [...readdirSync('captures').filter((f) => f.endsWith('.pcap')).map((f) => `captures/${f}`), ...readdirSync('captures/app').filter((f) => f.endsWith('.pcap')).map((f) => `captures/app/${f}`)].sort();

// ------------------------------------------------------ the JSON export, as read here
interface Payload {
  text?: string;
  base64?: string;
}
interface App {
  decoder: string;
  type: string;
  summary: string;
  user: boolean;
  inner?: App[];
}
interface JsonFrame {
  index: number;
  packet: number;
  from: 'client' | 'server';
  opcode: number;
  fin: boolean;
  masked: boolean;
  maskingKey: string | null;
  payloadLength: number | string;
  payload?: Payload;
  rsv1: boolean;
  complete: boolean;
  missingBytes: number;
}
interface JsonConnection {
  id: number;
  websocket: boolean;
  timeline: { packet: number }[];
  frames: JsonFrame[];
  messages: { index: number; frames: number[]; app: App | null }[];
  diagnostics: { severity: 'error' | 'warning' | 'info'; code: string }[];
}
interface JsonExport {
  connections: JsonConnection[];
}

function exportJson(capture: string): JsonExport {
  return JSON.parse(execFileSync(process.execPath, ['dist/cli.js', capture, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 })) as JsonExport;
}

/** The connection the page shows when it opens: the first WebSocket one, else the first. */
function selectedAtLoad(json: JsonExport): JsonConnection | undefined {
  const byId = [...json.connections].sort((a, b) => a.id - b.id);
  return byId.find((c) => c.websocket) ?? byId[0];
}

/** The TCP payload of packet `n` (1-based) of a little-endian, Ethernet/IPv4 pcap. */
function tcpPayload(file: string, n: number): Buffer {
  const b = readFileSync(file);
  let at = 24;
  for (let i = 1; at < b.length; i++) {
    const caplen = b.readUInt32LE(at + 8);
    if (i === n) {
      const ip = b.subarray(at + 16 + 14, at + 16 + caplen);
      const tcp = ip.subarray((ip[0]! & 0x0f) * 4, ip.readUInt16BE(2));
      return tcp.subarray((tcp[12]! >> 4) * 4);
    }
    at += 16 + caplen;
  }
  throw new Error(`${file} has no packet ${n}`);
}

/**
 * What a report must never put in the page as is, by Unicode category, not
 * by the report's own list: controls (Cc) but newline and tab, format
 * characters (Cf: bidi, zero-width, tags, …), line and paragraph separators.
 */
const RAW_CONTROL = /(?![\n\t])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** Text as the report shows it: C0 controls and DEL as \xNN, the others as \u{N}. */
function shownAsText(s: string): string {
  return s.replace(new RegExp(RAW_CONTROL.source, 'gu'), (c) => {
    const n = c.codePointAt(0)!;
    return n < 0x20 || n === 0x7f ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
  });
}

const hexBytes = (s: string): number[] => s.trim().split(/\s+/).filter((x) => x !== '').map((x) => parseInt(x, 16));

// ------------------------------------------------------------------- the browser
let browser: Browser | null = null;
let dir = '';
const pages: Page[] = [];

interface Opened {
  page: Page;
  url: string;
  /** uncaught exceptions and console errors */
  errors: string[];
  /** every URL the page asked for */
  requests: string[];
}

/** Writes the report of `capture` into the temporary directory. */
function report(capture: string, name: string, args: string[] = []): string {
  const out = join(dir, name);
  execFileSync(process.execPath, ['dist/cli.js', capture, '--html', out, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  return out;
}

/** Opens a report from disk in a new page and waits until its script has drawn the views. */
async function open(file: string): Promise<Opened> {
  if (!browser) throw new Error(`no browser: ${CHROMIUM} is missing`);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  pages.push(page);
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => requests.push(r.url()));
  const url = pathToFileURL(file).href;
  await page.goto(url);
  // (a selector, not a function: the page's policy allows no evaluated script)
  await page.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT, state: 'attached' });
  return { page, url, errors, requests };
}

/** What every test ends with: nothing thrown, nothing logged as an error, nothing fetched but the page. */
function expectQuiet(o: Opened): void {
  expect(o.errors).toEqual([]);
  expect(o.requests).toEqual([o.url]);
}

/** The packet numbers the ladder draws, page after page. */
async function ladderPackets(page: Page): Promise<number[]> {
  const packets: number[] = [];
  const next = page.locator('#ladder .pager button[data-role=next]');
  for (let p = 0; ; p++) {
    const rows = await page.locator('#ladder-svg g.row').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-packet'))));
    expect(rows.length).toBeLessThanOrEqual(LADDER_PAGE);
    packets.push(...rows);
    if (await next.isDisabled()) break;
    expect(rows.length, `page ${p + 1} of the ladder is full before the next one`).toBe(LADDER_PAGE);
    await next.click();
  }
  return packets;
}

const text = async (page: Page, selector: string): Promise<string> => (await page.locator(selector).textContent()) ?? '';

describe.skipIf(!haveChromium && !inCi)('the HTML report in Chromium', { timeout: TIMEOUT }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wsdissect-browser-'));
    if (haveChromium) browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  }, TIMEOUT);

  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, TIMEOUT);

  it('has a browser (CI must run these tests)', () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} (Debian's chromium package)`).toBe(true);
  });

  // ------------------------------------------------------------ every capture
  describe('every bundled capture', () => {
    it.each(CAPTURES)('%s: opens offline, lists every connection and ladders every packet', async (capture) => {
      const json = exportJson(capture);
      const o = await open(report(capture, `${capture.replace(/\W/g, '_')}.html`));
      const { page } = o;
      await expect(page.locator('#overview').isVisible()).resolves.toBe(true);
      expect(await page.locator('#connections tbody tr').count()).toBe(json.connections.length);
      const conn = selectedAtLoad(json);
      if (conn) {
        expect(await text(page, '#conn-title')).toContain(`Connection ${conn.id}:`);
        expect(await ladderPackets(page)).toEqual(conn.timeline.map((e) => e.packet));
        // the frame table's first page: the connection's frames, in order
        const frames = await page.locator('#frame-table tbody tr').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-frame'))));
        expect(frames).toEqual(conn.frames.slice(0, LADDER_PAGE).map((f) => f.index));
      }
      expectQuiet(o);
    });

    it('turns the ladder page by page when a connection has more packets than one page holds', async () => {
      const conv = new Conversation().handshake().send('client', upgradeRequest()).ack('server').send('server', upgradeResponse());
      for (let i = 0; i < 130; i++) {
        conv.send('client', wsFrame({ opcode: 1, payload: Buffer.from(`message ${i}`), mask: MASK }));
        conv.send('server', wsFrame({ opcode: 1, payload: Buffer.from(`reply ${i}`) }));
      }
      const capture = join(dir, 'long.pcap');
      writeFileSync(capture, conv.pcap());
      const conn = selectedAtLoad(exportJson(capture))!;
      expect(conn.timeline.length).toBeGreaterThan(LADDER_PAGE);
      const o = await open(report(capture, 'long.html'));
      const { page } = o;
      expect(await ladderPackets(page)).toEqual(conn.timeline.map((e) => e.packet));
      await expect(page.locator('#ladder .pager button[data-role=prev]').isEnabled()).resolves.toBe(true);
      // the last frame, on the frame table's second page: the ladder goes to its packet's page
      await page.locator('#ladder .pager button[data-role=prev]').click();
      await page.locator('#frames .pager button[data-role=next]').click();
      const last = conn.frames[conn.frames.length - 1]!;
      await page.locator(`#frame-table tr[data-frame="${last.index}"]`).click();
      expect(await page.locator('#ladder-svg g.row.sel').getAttribute('data-packet')).toBe(String(last.packet));
      expect(await text(page, '#detail-title')).toContain(`Frame ${last.index} — packet ${last.packet}`);
      expectQuiet(o);
    });
  });

  // ------------------------------------------------------------- frame detail
  describe('captures/ws_echo.pcap', () => {
    const capture = 'captures/ws_echo.pcap';
    const hello = 'Hello, wsdissect!';

    it('shows a masked text frame: title, header bits, unmasking and payload', async () => {
      const conn = selectedAtLoad(exportJson(capture))!;
      const f = conn.frames.find((x) => x.opcode === 1)!;
      expect(f.payload?.text).toBe(hello);
      expect(f.masked).toBe(true);
      const o = await open(report(capture, 'ws_echo.html'));
      const { page } = o;
      await page.locator(`#frame-table tr[data-frame="${f.index}"]`).click();
      expect(await page.locator('#frame-table tr.sel').getAttribute('data-frame')).toBe(String(f.index));
      expect(await text(page, '#detail-title')).toBe(`Frame ${f.index} — packet ${f.packet}, client → server`);

      // the bit diagram's first row: FIN, RSV1-3, opcode, MASK, payload len (RFC 6455 §5.2)
      const bits = page.locator('#bit-diagram');
      await expect(bits.count()).resolves.toBe(1);
      const values = await bits.locator('tr').nth(1).locator('td').allTextContents();
      const labels = await bits.locator('tr').nth(2).locator('td').allTextContents();
      expect(labels.slice(0, 7)).toEqual(['FIN', 'RSV1', 'RSV2', 'RSV3', 'opcode 0x1 text', 'MASK', `payload len ${hello.length}`]);
      expect(values.slice(0, 7)).toEqual(['1', '0', '0', '0', '0 0 0 1', '1', hello.length.toString(2).padStart(7, '0').split('').join(' ')]);

      // the masking table: wire bytes XOR key = unmasked bytes = the text; wire bytes as captured
      const rows = page.locator('#mask-table tr').filter({ has: page.locator('td') });
      const cells = await rows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => (td as { textContent: string | null }).textContent ?? '')));
      const masked = cells.flatMap((r) => hexBytes(r[1]!));
      const key = cells.flatMap((r) => hexBytes(r[2]!));
      const unmasked = cells.flatMap((r) => hexBytes(r[3]!));
      expect(Buffer.from(unmasked).toString('utf8')).toBe(hello);
      expect(masked.map((b, i) => b ^ key[i]!)).toEqual(unmasked);
      const wire = tcpPayload(capture, f.packet);
      expect(wire.subarray(2, 6).toString('hex')).toBe(f.maskingKey);
      expect(Buffer.from(masked)).toEqual(wire.subarray(6, 6 + hello.length));

      expect(await text(page, '#frame-payload pre.text')).toBe(hello);
      expectQuiet(o);
    });

    it('follows a click on a packet in the ladder', async () => {
      const conn = selectedAtLoad(exportJson(capture))!;
      const reply = conn.frames.find((x) => x.opcode === 1 && x.from === 'server')!;
      const o = await open(report(capture, 'ws_echo.html'));
      const { page } = o;
      await page.locator('#frame-table tr[data-frame="0"]').click();
      await page.locator(`#ladder-svg g.row[data-packet="${reply.packet}"]`).click();
      expect(await text(page, '#detail-title')).toBe(`Frame ${reply.index} — packet ${reply.packet}, server → client`);
      expect(await page.locator('#ladder-svg g.row.sel').getAttribute('data-packet')).toBe(String(reply.packet));
      expect(await page.locator('#frame-table tr.sel').getAttribute('data-frame')).toBe(String(reply.index));
      expect(await text(page, '#frame-payload pre.text')).toBe(hello);
      await expect(page.locator('#mask-table').count()).resolves.toBe(0); // a server frame is not masked
      // a packet that carries no frame: the TCP SYN
      const syn = conn.timeline[0]!.packet;
      await page.locator(`#ladder-svg g.row[data-packet="${syn}"]`).click();
      expect(await text(page, '#detail-title')).toBe(`Packet ${syn} — client → server`);
      expect(await text(page, '#detail-summary')).toContain('SYN');
      await expect(page.locator('#frame-table tr.sel').count()).resolves.toBe(0);
      expectQuiet(o);
    });

    it('moves the selection with j and k', async () => {
      const conn = selectedAtLoad(exportJson(capture))!;
      const o = await open(report(capture, 'ws_echo.html'));
      const { page } = o;
      const selected = async (): Promise<string | null> => page.locator('#frame-table tr.sel').getAttribute('data-frame');
      await page.locator('#frame-table tr[data-frame="0"]').click();
      await page.keyboard.press('j');
      expect(await selected()).toBe('1');
      expect(await text(page, '#detail-title')).toContain(`Frame 1 — packet ${conn.frames[1]!.packet}`);
      await page.keyboard.press('j');
      expect(await selected()).toBe('2');
      await page.keyboard.press('k');
      expect(await selected()).toBe('1');
      await page.keyboard.press('k');
      expect(await selected()).toBe('0');
      await page.keyboard.press('k'); // already the first: stays
      expect(await selected()).toBe('0');
      await expect(page.locator('#frame-table tr.sel').count()).resolves.toBe(1);
      expectQuiet(o);
    });
  });

  // --------------------------------------------------------------- handshake
  it('shows the Sec-WebSocket-Accept computation of RFC 6455 §1.3 (textbook_rfc6455.pcap)', async () => {
    const o = await open(report('captures/textbook_rfc6455.pcap', 'textbook.html'));
    const { page } = o;
    const sha1 = createHash('sha1').update(`${RFC_KEY}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('hex');
    expect(Buffer.from(sha1, 'hex').toString('base64')).toBe(RFC_ACCEPT);
    const steps = await page.locator('#accept-steps li').allTextContents();
    expect(steps[0]).toContain(RFC_KEY);
    expect(steps[1]).toContain(`${RFC_KEY}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`);
    expect(steps[2]).toContain(sha1);
    expect(steps[3]).toContain(RFC_ACCEPT);
    expect(steps[4]).toContain(`the server sent: ${RFC_ACCEPT}`);
    const verdict = page.locator('#handshake-verdict');
    expect(await verdict.textContent()).toMatch(/upgraded.*Accept matches/);
    expect(await verdict.getAttribute('class')).toContain('verdict-ok');
    expectQuiet(o);
  });

  // ----------------------------------------------------------------- filters
  describe('filters', () => {
    it('keeps the frames of one side, and drops an opcode', async () => {
      const capture = 'captures/ws_echo.pcap';
      const conn = selectedAtLoad(exportJson(capture))!;
      const server = conn.frames.filter((f) => f.from === 'server').map((f) => String(f.index));
      expect(server.length).toBeGreaterThan(0);
      expect(server.length).toBeLessThan(conn.frames.length);
      expect(conn.frames.some((f) => f.opcode === 9)).toBe(true);
      const o = await open(report(capture, 'ws_echo.html'));
      const { page } = o;
      const rows = page.locator('#frame-table tbody tr');
      const shownFrames = async (): Promise<string[]> => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-frame') ?? ''));
      expect(await shownFrames()).toHaveLength(conn.frames.length);

      await page.locator('#f-sender').selectOption('server');
      expect(await shownFrames()).toEqual(server);
      expect(new Set(await rows.locator('td:nth-child(4)').allTextContents())).toEqual(new Set(['server']));
      await page.locator('#f-sender').selectOption('all');
      expect(await shownFrames()).toHaveLength(conn.frames.length);

      await page.locator('input[data-opcode=ping]').uncheck();
      expect(await shownFrames()).toEqual(conn.frames.filter((f) => f.opcode !== 9).map((f) => String(f.index)));
      expect((await rows.locator('td:nth-child(7)').allTextContents()).filter((t) => t.includes('ping'))).toEqual([]);
      // both filters at once
      await page.locator('#f-sender').selectOption('client');
      expect(await shownFrames()).toEqual(conn.frames.filter((f) => f.opcode !== 9 && f.from === 'client').map((f) => String(f.index)));
      await page.locator('input[data-opcode=ping]').check();
      expect(await shownFrames()).toEqual(conn.frames.filter((f) => f.from === 'client').map((f) => String(f.index)));
      expectQuiet(o);
    });

    it('filters the diagnostics by severity (violations/ws.resync.pcap)', async () => {
      const capture = 'captures/violations/ws.resync.pcap';
      const conn = selectedAtLoad(exportJson(capture))!;
      const count = (s: string): number => conn.diagnostics.filter((d) => d.severity === s).length;
      expect(count('warning')).toBeGreaterThan(0);
      expect(count('info')).toBeGreaterThan(0);
      const o = await open(report(capture, 'resync.html'));
      const { page } = o;
      const items = page.locator('#diagnostic-list li');
      const severities = async (): Promise<string[]> => items.evaluateAll((lis) => lis.map((li) => li.querySelector('.badge')?.textContent ?? ''));
      expect(await items.count()).toBe(conn.diagnostics.length);

      await page.locator('input[data-severity=warning]').uncheck();
      expect(await severities()).toEqual(conn.diagnostics.filter((d) => d.severity !== 'warning').map((d) => d.severity));
      await page.locator('input[data-severity=info]').uncheck();
      await expect(items.count()).resolves.toBe(conn.diagnostics.filter((d) => d.severity === 'error').length);
      await page.locator('input[data-severity=warning]').check();
      expect(await severities()).toEqual(conn.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.severity));
      await page.locator('input[data-severity=info]').check();
      expect(await items.count()).toBe(conn.diagnostics.length);
      expectQuiet(o);
    });
  });

  // ------------------------------------------------------ application layer
  it('names the STOMP SEND inside SockJS as application data (app/sockjs_stomp.pcap)', async () => {
    const capture = 'captures/app/sockjs_stomp.pcap';
    const conn = selectedAtLoad(exportJson(capture))!;
    const send = conn.messages.find((m) => m.app?.inner?.some((a) => a.decoder === 'stomp' && a.type === 'SEND'));
    expect(send).toBeDefined();
    const frame = send!.frames[send!.frames.length - 1]!;
    const o = await open(report(capture, 'sockjs_stomp.html'));
    const { page } = o;
    await page.locator(`#frame-table tr[data-frame="${frame}"]`).click();
    const summary = await text(page, '#app-summary');
    expect(summary).toContain('STOMP SEND /app/hello');
    expect(summary).toContain('(application data)');
    expect(await page.locator('#app-summary').getAttribute('class')).toContain('app-user');
    expectQuiet(o);
  });

  // ------------------------------------------------------- hostile captures
  describe('hostile payloads stay text', () => {
    /** The page holds only wsdissect's own script and no element from a capture. */
    async function expectNoInjection(page: Page): Promise<void> {
      await expect(page.locator('script:not(.wsd-data)').count()).resolves.toBe(1);
      await expect(page.locator('img').count()).resolves.toBe(0);
      await expect(page.locator('iframe, object, embed, link, meta[http-equiv=refresh]').count()).resolves.toBe(0);
      expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    }

    it('hostile/escapes.pcap: escape sequences are shown escaped, never as raw control characters', async () => {
      const capture = 'captures/hostile/escapes.pcap';
      const conn = selectedAtLoad(exportJson(capture))!;
      const o = await open(report(capture, 'escapes.html'));
      const { page } = o;
      await expectNoInjection(page);
      const first = conn.frames.find((f) => f.opcode === 1 && f.payload?.text !== undefined && RAW_CONTROL.test(f.payload.text))!;
      expect(first).toBeDefined();
      await page.locator(`#frame-table tr[data-frame="${first.index}"]`).click();
      const shown = await text(page, '#frame-payload pre.text');
      expect(shown).toBe(shownAsText(first.payload!.text!));
      expect(shown).toContain('\\x1b]0;pwned\\x07');
      // every frame's detail, and then all the page shows
      for (const f of conn.frames) {
        await page.locator(`#frame-table tr[data-frame="${f.index}"]`).click();
        expect(await text(page, '#detail-title')).toContain(`Frame ${f.index} `);
      }
      expect(await text(page, 'header.top')).not.toMatch(RAW_CONTROL);
      expect(await text(page, 'main')).not.toMatch(RAW_CONTROL);
      expect(await page.title()).not.toMatch(RAW_CONTROL);
      await expectNoInjection(page);
      expectQuiet(o);
    });

    it('a crafted capture of markup: no script or element from it runs or appears', async () => {
      const markup = '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
      const close = Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from(markup)]);
      const conv = new Conversation()
        .handshake()
        .send('client', upgradeRequest([`X-Note: ${markup}`]))
        .ack('server')
        .send('server', upgradeResponse())
        .send('client', wsFrame({ opcode: 1, payload: Buffer.from(markup), mask: MASK }))
        .send('server', wsFrame({ opcode: 1, payload: Buffer.from(markup) }))
        .send('client', wsFrame({ opcode: 8, payload: close, mask: MASK }))
        .send('server', wsFrame({ opcode: 8, payload: close }));
      // the file's name is markup too: the report shows it in its header and title
      const name = '<img src=x onerror=window.__pwned=3>.pcap';
      const capture = join(dir, name);
      writeFileSync(capture, conv.pcap());
      const conn = selectedAtLoad(exportJson(capture))!;
      expect(conn.frames.map((f) => f.opcode)).toEqual([1, 1, 8, 8]);
      const o = await open(report(capture, 'markup.html'));
      const { page } = o;
      await expectNoInjection(page);
      expect(await text(page, 'header.top .file')).toContain(name);
      expect(await page.title()).toContain(name);
      expect(await text(page, '#handshake')).toContain(`X-Note: ${markup}`);

      await page.locator('#frame-table tr[data-frame="0"]').click();
      expect(await text(page, '#frame-payload pre.text')).toBe(markup);
      await page.locator('#frame-table tr[data-frame="1"]').click();
      expect(await text(page, '#frame-payload pre.text')).toBe(markup);
      await page.locator('#frame-table tr[data-frame="2"]').click();
      // the reason holds double quotes and no single one: it is put between single quotes, as the terminal does
      expect(await text(page, '#frame-fields')).toContain(`1000 Normal Closure, reason '${markup}'`);
      await expectNoInjection(page);
      expectQuiet(o);
    });
  });

  // ------------------------------------------------------------------- print
  it('draws the 16-bit and 64-bit length forms in the bit diagram (ws_large_binary.pcap)', async () => {
    const conn = selectedAtLoad(exportJson('captures/ws_large_binary.pcap'))!;
    const o = await open(report('captures/ws_large_binary.pcap', 'large.html'));
    const { page } = o;
    const big = conn.frames.find((f) => f.payloadLength === 100000)!;
    await page.locator(`#frame-table tr[data-frame="${big.index}"]`).click();
    const bits = await text(page, '#bit-diagram');
    expect(bits).toContain('payload len 127');
    expect(bits).toContain('extended payload length 100000');
    // the bit cells in order: 127 in 7 bits, then 100000 in 64 (split over two rows), then the key
    const cells = (await page.locator('#bit-diagram td.mono').allTextContents()).join('').replace(/\s/g, '');
    expect(cells).toContain(`1111111${(100000).toString(2).padStart(64, '0')}`);
    const mid = conn.frames.find((f) => f.payloadLength === 3000)!;
    await page.locator(`#frame-table tr[data-frame="${mid.index}"]`).click();
    expect(await text(page, '#bit-diagram')).toContain('payload len 126');
    expect(await text(page, '#bit-diagram')).toContain('extended payload length 3000');
    expectQuiet(o);
  });

  it('shows a Close frame\'s body, code name and masking (ws_echo.pcap)', async () => {
    const conn = selectedAtLoad(exportJson('captures/ws_echo.pcap'))!;
    const close = conn.frames.find((f) => f.opcode === 8 && f.masked)!;
    const o = await open(report('captures/ws_echo.pcap', 'close.html'));
    const { page } = o;
    await page.locator(`#frame-table tr[data-frame="${close.index}"]`).click();
    expect(await text(page, '#frame-fields')).toContain('1000 Normal Closure, reason "bye"');
    // 03 e8 'b' 'y' 'e' unmasked
    const rows = await page.locator('#mask-table tr').allTextContents();
    expect(rows.join(' ')).toContain('03 e8 62 79 65');
    expect(await text(page, '#frame-payload')).not.toContain('left out');
    expectQuiet(o);
  });

  it('keeps a compressed frame apart from its inflated message (ws_deflate_takeover.pcap)', async () => {
    const conn = selectedAtLoad(exportJson('captures/ws_deflate_takeover.pcap'))!;
    const f = conn.frames.find((x) => x.rsv1 && x.opcode === 1 && x.fin)!;
    const o = await open(report('captures/ws_deflate_takeover.pcap', 'deflate.html'));
    const { page } = o;
    await page.locator(`#frame-table tr[data-frame="${f.index}"]`).click();
    expect(await text(page, '#detail')).toContain('Payload (compressed, as on the wire)');
    expect(await page.locator('#frame-payload pre.text').count()).toBe(0);
    expect(await text(page, '#message-payload pre.text')).toContain('heartbeat 1: the quick brown fox');
    expectQuiet(o);
  });

  it('says which bytes the capture lost, and draws no masking for them (capture.truncated-packet.pcap)', async () => {
    const conn = selectedAtLoad(exportJson('captures/violations/capture.truncated-packet.pcap'))!;
    const f = conn.frames.find((x) => !x.complete && (x.missingBytes ?? 0) > 0)!;
    const o = await open(report('captures/violations/capture.truncated-packet.pcap', 'lost.html'));
    const { page } = o;
    await page.locator(`#frame-table tr[data-frame="${f.index}"]`).click();
    expect(await text(page, '#frame-fields')).toContain(`${f.missingBytes} bytes never captured (capture loss)`);
    expect(await text(page, '#frame-payload')).toContain('Bytes the capture lost are shown as 00');
    expect(await page.locator('#mask-table').count()).toBe(0);
    expectQuiet(o);
  });

  it('gives the handshake verdict the terminal gives, without an Accept too', async () => {
    const o = await open(report('captures/violations/handshake.accept-missing.pcap', 'noaccept.html'));
    expect(await text(o.page, '#handshake-verdict')).toBe('✘ upgraded without a Sec-WebSocket-Accept the client could check');
    expectQuiet(o);
  });

  it('says when a selection narrowed what the report holds', async () => {
    const o = await open(report('captures/ws_echo.pcap', 'selected.html', ['--opcode', 'close', '--from', 'client']));
    expect(await text(o.page, '#selection')).toBe('--from client --opcode close: the report holds only what this selects (the counts above are the whole capture\'s)');
    expect(await o.page.locator('#frame-table tr[data-frame]').count()).toBe(1);
    const whole = await open(report('captures/ws_echo.pcap', 'whole-sel.html'));
    expect(await whole.page.locator('#selection').count()).toBe(0);
    expectQuiet(o);
  });

  it('leaves payloads out with --max-payload 0, and says so', async () => {
    const o = await open(report('captures/ws_echo.pcap', 'nopayload.html', ['--max-payload', '0']));
    await o.page.locator('#frame-table tr[data-frame="0"]').click();
    expect(await text(o.page, '#frame-payload')).toContain('Payload left out (--max-payload 0).');
    expectQuiet(o);
  });

  it('lays JSON out as sent: big numbers, decimals, repeated keys and escapes kept', async () => {
    const json = '{"id":12345678901234567890,"v":1.50,"a":1,"a":2,"s":"\\u003c"}';
    const conv = new Conversation().handshake().send('client', upgradeRequest()).ack('server').send('server', upgradeResponse()).send('server', wsFrame({ opcode: 1, payload: Buffer.from(json) }));
    const capture = join(dir, 'json.pcap');
    writeFileSync(capture, conv.pcap());
    const o = await open(report(capture, 'json.html'));
    await o.page.locator('#frame-table tr[data-frame="0"]').click();
    const shown = await text(o.page, '#frame-payload pre.text');
    expect(shown).toBe('{\n  "id": 12345678901234567890,\n  "v": 1.50,\n  "a": 1,\n  "a": 2,\n  "s": "\\u003c"\n}');
    expectQuiet(o);
  });

  it('opens a report cut short (an interrupted analysis) and says it is incomplete', async () => {
    const whole = readFileSync(report('captures/ws_echo.pcap', 'whole.html'), 'utf8');
    const cut = join(dir, 'cut.html');
    writeFileSync(cut, whole.slice(0, whole.indexOf('data-kind="end"') - 40));
    const o = await open(cut);
    expect(await text(o.page, '#overview')).toContain('The report is incomplete');
    expect(await o.page.locator('#ladder-svg g.row').count()).toBeGreaterThan(0);
    expectQuiet(o);
  });

  it('moves to the nearest visible frame when the selected one is filtered out', async () => {
    const o = await open(report('captures/ws_echo.pcap', 'filter-step.html'));
    const { page } = o;
    await page.locator('#frame-table tr[data-frame="4"]').click();
    await page.locator('#f-sender').selectOption('server');
    // frame 4 is the client's: j goes to the server's next one, not back to the first
    await page.locator('body').press('j');
    const sel = Number(await page.locator('#frame-table tr.sel').getAttribute('data-frame'));
    expect(sel).toBeGreaterThan(4);
    expectQuiet(o);
  });

  it('opens the report of every violation and hostile capture without a script error', { timeout: 600_000 }, async () => {
    const files = [...readdirSync('captures/violations').filter((f) => f.endsWith('.pcap')).map((f) => `captures/violations/${f}`), 'captures/hostile/escapes.pcap', 'captures/hostile/frame_2e63.pcap', 'captures/hostile/inflate_bomb.pcap'];
    for (const [i, file] of files.entries()) {
      const o = await open(report(file, `all-${i}.html`));
      // a frame of each, when there is one
      const first = o.page.locator('#frame-table tr[data-frame]').first();
      if ((await first.count()) > 0) await first.click();
      expect(o.errors, file).toEqual([]);
      expect(o.requests, file).toEqual([o.url]);
      await o.page.close();
    }
  });

  it('prints without the controls, to a PDF', async () => {
    const o = await open(report('captures/ws_echo.pcap', 'ws_echo.html'));
    const { page } = o;
    await page.locator('#frame-table tr[data-frame="0"]').click();
    await expect(page.locator('#controls').isVisible()).resolves.toBe(true);
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('#controls').isVisible()).resolves.toBe(false);
    // the page buttons go; what the page shows of how many stays
    await expect(page.locator('#ladder .pager button').first().isVisible()).resolves.toBe(false);
    await expect(page.locator('#ladder .pager .count').isVisible()).resolves.toBe(true);
    await expect(page.locator('#ladder-svg').isVisible()).resolves.toBe(true);
    await expect(page.locator('#detail').isVisible()).resolves.toBe(true);
    const path = join(dir, 'ws_echo.pdf');
    const pdf = await page.pdf({ path, format: 'A4', printBackground: true });
    expect(pdf.length).toBeGreaterThan(1000);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(statSync(path).size).toBe(pdf.length);
    await page.emulateMedia({ media: 'screen' });
    await expect(page.locator('#controls').isVisible()).resolves.toBe(true);
    expectQuiet(o);
  });

  // -------------------------------------------------------------- screenshot
  it('takes a screenshot of ws_echo with a frame selected', async () => {
    const capture = 'captures/ws_echo.pcap';
    const conn = selectedAtLoad(exportJson(capture))!;
    const f = conn.frames[0]!;
    const o = await open(report(capture, 'ws_echo.html'));
    const { page } = o;
    await page.locator(`#frame-table tr[data-frame="${f.index}"]`).click();
    const path = join(dir, 'ws_echo.png');
    const png = await page.screenshot({ path, fullPage: true });
    expect(png.length).toBeGreaterThan(1000);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(statSync(path).size).toBe(png.length);
    // what the picture shows
    expect(await text(page, 'header.top h1')).toBe('wsdissect report');
    expect(await text(page, 'header.top .file')).toContain('ws_echo.pcap');
    for (const sel of ['#overview', '#connections', '#ladder-svg', '#frame-table', '#detail', '#bit-diagram', '#mask-table', '#handshake-verdict']) {
      await expect(page.locator(sel).isVisible(), sel).resolves.toBe(true);
    }
    expect(await text(page, '#detail-title')).toBe(`Frame ${f.index} — packet ${f.packet}, client → server`);
    expect(await page.locator('#frame-table tr.sel').getAttribute('data-frame')).toBe(String(f.index));
    expect(await page.locator('#ladder-svg g.row.sel').getAttribute('data-packet')).toBe(String(f.packet));
    expect(await text(page, '#frame-payload pre.text')).toBe(f.payload!.text!);
    expectQuiet(o);
  });
});
