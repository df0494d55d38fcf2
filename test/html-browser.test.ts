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
import { firstRecords, interruptedRun } from './support/interrupt.js';

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

const CAPTURES = [...readdirSync('captures').filter((f) => f.endsWith('.pcap')).map((f) => `captures/${f}`), ...['app', 'h2'].flatMap((dir) => readdirSync(`captures/${dir}`).filter((f) => f.endsWith('.pcap')).map((f) => `captures/${dir}/${f}`))].sort();

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
  headerLength: number;
  payload?: Payload;
  rsv1: boolean;
  complete: boolean;
  missingBytes: number;
}
interface JsonConnection {
  id: number;
  stream: number | null;
  websocket: boolean;
  timeline: { packet: number; summary: string }[];
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
  // as the page orders them: by connection, each with the WebSockets its HTTP/2 carried after it, by stream
  const byId = [...json.connections].sort((a, b) => a.id - b.id || (a.stream ?? -1) - (b.stream ?? -1));
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
async function open(file: string, width = 1400): Promise<Opened> {
  if (!browser) throw new Error(`no browser: ${CHROMIUM} is missing`);
  const page = await browser.newPage({ viewport: { width, height: 900 } });
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
        expect(await text(page, '#conn-title')).toContain(`Connection ${conn.stream === null ? conn.id : `${conn.id}/${conn.stream}`}:`);
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
      // (one cell a bit, under each field's name)
      const values = await bits.locator('tr').nth(1).locator('td').allTextContents();
      const labels = await bits.locator('tr').nth(2).locator('td').allTextContents();
      expect(labels.slice(0, 7)).toEqual(['FIN', 'RSV1', 'RSV2', 'RSV3', 'opcode 0x1 text', 'MASK', `payload len ${hello.length}`]);
      expect(await bits.locator('tr').nth(2).locator('td').evaluateAll((tds) => tds.slice(0, 7).map((td) => Number(td.getAttribute('colspan') ?? 1)))).toEqual([1, 1, 1, 1, 4, 1, 7]);
      expect(values.slice(0, 16).join('')).toBe(`1000${'0001'}1${hello.length.toString(2).padStart(7, '0')}`);

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

  it('says when the budget of frames (--html-frames) cut the report, at the top and on the connection it cut', async () => {
    const o = await open(report('captures/ws_echo.pcap', 'budget.html', ['--html-frames', '4']));
    expect(await text(o.page, '#report-cut')).toMatch(/^this report holds 4 of 10 frames: .* up to 4 frames \(--html-frames\), then only their handshakes and teardown; 1 connection cut /);
    expect(await text(o.page, '#conn-cut')).toMatch(/^This report holds the first 4 of this connection's 10 frames .* the story, the statistics and the diagnostics tell of every frame\. --html-frames all makes a report of every frame of it\.$/);
    expect(await o.page.locator('#frame-table tr[data-frame]').count()).toBe(4);
    const whole = await open(report('captures/ws_echo.pcap', 'budget-whole.html'));
    expect(await whole.page.locator('#report-cut').count()).toBe(0);
    expect(await whole.page.locator('#conn-cut').count()).toBe(0);
    expect(await whole.page.locator('#frame-table tr[data-frame]').count()).toBe(10);
    expectQuiet(o);
    expectQuiet(whole);
  });

  it('says of a connection the budget left no frame that its frames are not held, not that it has none', async () => {
    const o = await open(report('captures/mixed_network.pcap', 'budget-none.html', ['--html-frames', '2']));
    await o.page.locator('#f-conn').selectOption({ label: 'Connection 6' });
    expect(await text(o.page, '#conn-cut')).toMatch(/^This report holds none of this connection's 10 frames .* --stream 6 makes a report of this connection alone, --html-frames all one of every frame of it\.$/);
    expect(await o.page.locator('#frame-table tr[data-frame]').count()).toBe(0);
    expect(await text(o.page, '#frames p.muted')).toBe("None of its 10 frames is held: the report's budget of frames (--html-frames) was spent before this connection.");
    expectQuiet(o);
  });

  it('counts the frames a selection keeps in the notes of the budget, as selected', async () => {
    const o = await open(report('captures/mixed_network.pcap', 'budget-selected.html', ['--from', 'server', '--html-frames', '5']));
    expect(await text(o.page, '#report-cut')).toMatch(/^this report holds 5 of the 11 frames selected: /);
    expect(await text(o.page, '#conn-cut')).toMatch(/^This report holds the first 5 of the 6 frames of this connection selected /);
    await o.page.locator('#f-conn').selectOption({ label: 'Connection 6' });
    expect(await text(o.page, '#frames p.muted')).toBe("None of the 5 frames selected is held: the report's budget of frames (--html-frames) was spent before this connection.");
    expectQuiet(o);
  });

  it('tells, without a link, a diagnostic whose packet the budget left out', async () => {
    const capture = 'captures/violations/app.engineio-bad-packet.pcap';
    const o = await open(report(capture, 'budget-diag.html', ['--html-frames', '1']));
    const item = o.page.locator('#diagnostic-list li[data-code="app.engineio-bad-packet"]');
    expect(await item.locator('a.pkt').count()).toBe(0);
    expect(await item.locator('[data-packet="14"]').count()).toBe(1);
    expect(await item.textContent()).toContain('packet 14 (frame 3, server, not in this report)');
    // held, the packet is a link as before
    const whole = await open(report(capture, 'budget-diag-whole.html'));
    expect(await whole.page.locator('#diagnostic-list li[data-code="app.engineio-bad-packet"] a.pkt[data-packet="14"]').count()).toBe(1);
    expect(await whole.page.locator('#diagnostic-list').textContent()).not.toContain('not in this report');
    expectQuiet(o);
    expectQuiet(whole);
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

  it('draws lighter the packets that carried nothing but TCP, as the analysis found them', async () => {
    const o = await open(report('captures/ws_echo.pcap', 'bare.html'));
    const drawn = await o.page.locator('#ladder-svg g.row.bare').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-packet'))));
    const { analyze } = await import('./support/analyze.js');
    const c = (await analyze('captures/ws_echo.pcap')).connections[0]!;
    const bare = [...c.timeline].filter((e) => e.bare).map((e) => e.packet);
    expect(bare.length).toBeGreaterThan(3);
    expect(drawn).toEqual(bare.filter((p) => p <= [...c.timeline][Math.min(c.timeline.length, 200) - 1]!.packet));
    // an ACK, not a frame
    expect([...c.timeline].find((e) => e.packet === bare[0])!.summary).toMatch(/^(SYN|ACK|FIN|RST|PSH)/);
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

  it('says at the top of the overview, and in its title, that a live capture was interrupted (Ctrl-C)', async () => {
    const out = join(dir, 'interrupted.html');
    // ws_echo up to the server's Close, from a pipe that stays open
    const r = await interruptedRun(['--html', out], firstRecords(readFileSync('captures/ws_echo.pcap'), 22));
    expect([r.code, r.signal]).toEqual([130, null]);
    const o = await open(out);
    const note = o.page.locator('#overview > #interrupted');
    expect(await note.isVisible()).toBe(true);
    expect(await note.textContent()).toBe('Interrupted: the capture was read up to packet 22, no further; the connections still open then are reported as they stood, cut short.');
    expect(await o.page.title()).toBe('wsdissect — (stdin) (interrupted)');
    const whole = await open(report('captures/ws_echo.pcap', 'not-interrupted.html'));
    expect(await whole.page.locator('#interrupted').count()).toBe(0);
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

  it('places the message-size plot\'s points and grid lines on one scale, its bottom 0 bytes (textbook_rfc6455.pcap)', async () => {
    const o = await open(report('captures/textbook_rfc6455.pcap', 'plot-scale.html'));
    const plot = (await o.page.evaluate(`(() => {
      const svg = document.querySelector('#plot-svg');
      const grid = Array.from(svg.querySelectorAll('line.grid'), (l) => Number(l.getAttribute('y1')));
      const labels = Array.from(svg.querySelectorAll('text'), (t) => ({ text: t.textContent, y: Number(t.getAttribute('y')) }));
      const points = Array.from(svg.querySelectorAll('.pt'), (p) => ({ y: p.tagName === 'circle' ? Number(p.getAttribute('cy')) : Number(p.getAttribute('y')) + 3, title: p.querySelector('title').textContent }));
      return { grid, labels, points };
    })()`)) as { grid: number[]; labels: { text: string; y: number }[]; points: { y: number; title: string }[] };
    // each grid line's label, next to it
    const lineOf = (label: string): number => plot.grid.find((y) => plot.labels.some((l) => l.text === label && Math.abs(l.y - 4 - y) < 0.01))!;
    const bottom = Math.max(...plot.grid);
    expect(plot.labels.find((l) => Math.abs(l.y - 4 - bottom) < 0.01)?.text).toBe('0');
    // "the server" is 10 bytes: its point is on the line marked 10; smaller messages are between 0 and it
    const ten = plot.points.find((p) => / 10 bytes /.test(p.title))!;
    expect(ten, JSON.stringify(plot.points)).toBeDefined();
    expect(Math.abs(ten.y - lineOf('10'))).toBeLessThan(0.01);
    for (const p of plot.points.filter((x) => !/ 10 bytes /.test(x.title))) {
      expect(p.y, p.title).toBeLessThan(bottom);
      expect(p.y, p.title).toBeGreaterThan(lineOf('10'));
    }
    expectQuiet(o);
  });

  it('keeps the connection list narrow: a long description is cut, whole in its title (mixed_network.pcap)', async () => {
    const o = await open(report('captures/mixed_network.pcap', 'conn-list.html'));
    const list = (await o.page.evaluate(`(() => {
      const s = document.querySelector('#f-conn');
      return { width: s.getBoundingClientRect().width, options: Array.from(s.options, (x) => ({ text: x.textContent, title: x.getAttribute('title') })) };
    })()`)) as { width: number; options: { text: string; title: string | null }[] };
    expect(list.width).toBeLessThanOrEqual(400);
    const long = list.options.filter((x) => x.title !== null && x.title.length > x.text.length);
    expect(long.length).toBeGreaterThan(0);
    for (const x of long) {
      expect(x.text.endsWith('…')).toBe(true);
      expect(x.title!.startsWith(x.text.slice(0, -1))).toBe(true);
    }
    for (const x of list.options) expect(x.title ?? x.text, x.text).toMatch(/^Connection \d+/);
    expectQuiet(o);
  });

  it('words how TCP ended in the statistics (ws_echo.pcap)', async () => {
    const o = await open(report('captures/ws_echo.pcap', 'teardown.html'));
    const stats = await text(o.page, '#stats');
    expect(stats).toMatch(/FIN teardown, the client first\./);
    expect(stats).not.toMatch(/teardown (fin|rst|none)/);
    expectQuiet(o);
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

  // ---------------------------------------------------------------- geometry
  describe('what the page draws fits the window', () => {
    const WIDTHS = [1280, 800];
    const LONG_TEXT = `this is a rather long text message whose words go on and on, past the end of any column: ${'lorem ipsum dolor sit amet '.repeat(6).trim()}`;
    const CHINESE = '你好，世界！这是一条很长的中文消息，用来测试报告中的省略号是否正确地显示在字符边界上，而不是在中间被截断。';
    const REASON = 'the server is going down for maintenance and will be back soon; please try again in a while';
    let made = '';
    /** Long labels and payloads: a long text, Chinese, a 64-bit length, a packet of four frames, a long close reason, many frames. */
    function longCapture(): string {
      if (made) return made;
      const conv = new Conversation().handshake().send('client', upgradeRequest()).ack('server').send('server', upgradeResponse());
      conv.send('client', wsFrame({ opcode: 1, payload: Buffer.from(LONG_TEXT), mask: MASK }));
      conv.send('server', wsFrame({ opcode: 1, payload: Buffer.from(CHINESE) }));
      conv.send('server', wsFrame({ opcode: 2, payload: Buffer.alloc(200, 0xab), lengthForm: 64 }));
      conv.send('client', wsFrame({ opcode: 2, payload: Buffer.alloc(300, 0x5a), mask: MASK }));
      conv.send('client', Buffer.concat([1, 2, 3, 4].map((i) => wsFrame({ opcode: 1, payload: Buffer.from(i % 2 ? `one of four frames in a segment, number ${i}` : `${CHINESE.slice(0, 8)}${i}`), mask: MASK }))));
      for (let i = 0; i < 24; i++) conv.send('client', wsFrame({ opcode: 1, payload: Buffer.from(`message number ${i} with a few words`), mask: MASK })).send('server', wsFrame({ opcode: 1, payload: Buffer.from(`reply ${i}`) }));
      const close = Buffer.concat([Buffer.from([0x03, 0xe9]), Buffer.from(REASON)]);
      conv.send('client', wsFrame({ opcode: 8, payload: close, mask: MASK })).send('server', wsFrame({ opcode: 8, payload: close }));
      conv.fin('client').fin('server').ack('client');
      made = join(dir, 'long-labels.pcap');
      writeFileSync(made, conv.pcap());
      return made;
    }

    /** Each ladder row's label: its own text (its tooltip apart), its tooltip, and where it ends against the ladder's visible box. */
    const LADDER_LABELS = `(() => {
      const wrap = document.querySelector('#ladder .ladder-wrap');
      const box = wrap.getBoundingClientRect();
      const left = box.left + wrap.clientLeft, right = left + wrap.clientWidth;
      const texts = Array.from(document.querySelectorAll('#ladder-svg text'), (t) => {
        const r = t.getBoundingClientRect();
        return { own: Array.from(t.childNodes).filter((n) => n.nodeType === 3).map((n) => n.data).join(''), left: r.left, right: r.right };
      });
      const rows = Array.from(document.querySelectorAll('#ladder-svg g.row'), (g) => {
        const t = g.querySelector('text.summary');
        return { packet: Number(g.getAttribute('data-packet')), text: Array.from(t.childNodes).filter((n) => n.nodeType === 3).map((n) => n.data).join(''), title: t.querySelector('title')?.textContent ?? null };
      });
      return { left, right, texts, rows };
    })()`;

    /** The frame table's payload cells. */
    const PAYLOAD_CELLS = `(() => {
      const wrap = document.querySelector('#frames .table-wrap');
      const box = wrap.getBoundingClientRect();
      return {
        head: Array.from(document.querySelectorAll('#frame-table thead th'), (th) => th.textContent),
        right: box.left + wrap.clientLeft + wrap.clientWidth,
        cells: Array.from(document.querySelectorAll('#frame-table tbody tr'), (tr) => {
          const td = tr.lastElementChild;
          const cs = getComputedStyle(td);
          return { frame: Number(tr.getAttribute('data-frame')), text: td.textContent, title: td.getAttribute('title'), overflow: cs.overflowX, textOverflow: cs.textOverflow, whiteSpace: cs.whiteSpace, scrollWidth: td.scrollWidth, clientWidth: td.clientWidth, right: td.getBoundingClientRect().right, height: tr.getBoundingClientRect().height };
        }),
      };
    })()`;

    /** The bit diagram: the ruler's cells and, for each row of bits, where each bit's character is drawn. */
    const BIT_ROWS = `(() => {
      const t = document.querySelector('#bit-diagram');
      const center = (r) => r.left + r.width / 2;
      const charRect = (n, i) => { const range = document.createRange(); range.setStart(n, i); range.setEnd(n, i + 1); return range.getBoundingClientRect(); };
      const ruler = Array.from(t.querySelector('tr').children, (th) => {
        const n = th.firstChild;
        // a tick's number: the middle of its digits
        const tick = n && n.nodeType === 3 && n.data.length ? (charRect(n, 0).left + charRect(n, n.data.length - 1).right) / 2 : null;
        return { text: th.textContent, center: center(th.getBoundingClientRect()), tick };
      });
      const rows = [];
      for (const tr of Array.from(t.querySelectorAll('tr'))) {
        const cells = Array.from(tr.querySelectorAll('td.mono'));
        if (!cells.length) continue;
        const bits = [];
        for (const td of cells) {
          const walk = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
          for (let n = walk.nextNode(); n; n = walk.nextNode()) {
            for (let i = 0; i < n.data.length; i++) {
              if (/\\s/.test(n.data[i])) continue;
              const r = charRect(n, i);
              bits.push({ bit: n.data[i], x: center(r), top: r.top });
            }
          }
        }
        rows.push(bits);
      }
      const wrap = t.parentElement;
      return { ruler, rows, wrapOverflow: getComputedStyle(wrap).overflowX };
    })()`;

    interface LadderLabels {
      left: number;
      right: number;
      texts: { own: string; left: number; right: number }[];
      rows: { packet: number; text: string; title: string | null }[];
    }
    interface PayloadCells {
      head: string[];
      right: number;
      cells: { frame: number; text: string; title: string | null; overflow: string; textOverflow: string; whiteSpace: string; scrollWidth: number; clientWidth: number; right: number; height: number }[];
    }
    interface BitRows {
      ruler: { text: string; center: number; tick: number | null }[];
      rows: { bit: string; x: number; top: number }[][];
      wrapOverflow: string;
    }

    /** Saves what the page looks like, as the screenshot test does (under WSDISSECT_SCREENSHOTS when set, to look at). */
    async function shot(page: Page, name: string): Promise<void> {
      const path = join(process.env['WSDISSECT_SCREENSHOTS'] ?? dir, `${name}.png`);
      const png = await page.screenshot({ path });
      expect(png.subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    }

    /** Cut between two letters or digits of a word (not between CJK characters, which have no spaces between them). */
    const insideWord = (kept: string, rest: string): boolean => /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{Nd}]$/u.test(kept) && /^[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{Nd}]/u.test(rest);

    it.each([...WIDTHS, 600])('the ladder shortens a label that does not fit, at a word or character boundary, with "…" and the whole label as its tooltip (%i px)', async (width) => {
      const file = longCapture();
      const conn = selectedAtLoad(exportJson(file))!;
      const o = await open(report(file, `labels-${width}.html`), width);
      const { page } = o;
      const packetOf = (frame: number): number => conn.frames.find((f) => f.index === frame)!.packet;
      // the segment of four frames is too long at any width
      const long = [packetOf(4)];
      const other = width === 1280 ? 800 : 1280;
      for (const step of ['opened', 'a frame selected', `the window made ${other} px wide`, 'its box made narrower (as by a scroll bar)']) {
        if (step === 'a frame selected') await page.locator('#frame-table tr[data-frame="1"]').click();
        if (step.startsWith('its box')) await page.evaluate(`document.querySelector('main').style.paddingRight = '60px'`);
        if (step.startsWith('the window')) await page.setViewportSize({ width: other, height: 900 });
        if (step.startsWith('the window') || step.startsWith('its box')) {
          // drawn again to the new width
          await expect.poll(async () => page.evaluate(`(() => { const w = document.querySelector('#ladder .ladder-wrap'); return Math.abs(w.clientWidth - w.querySelector('svg').getBoundingClientRect().width); })()`)).toBeLessThan(1);
        }
        const l = (await page.evaluate(LADDER_LABELS)) as LadderLabels;
        expect(l.rows.map((r) => r.packet)).toEqual(conn.timeline.map((e) => e.packet));
        // nothing the ladder writes runs out of its box
        for (const t of l.texts) {
          expect(t.left, t.own).toBeGreaterThanOrEqual(l.left - 0.5);
          expect(t.right, t.own).toBeLessThanOrEqual(l.right + 0.5);
        }
        for (const r of l.rows) {
          const whole = shownAsText(conn.timeline.find((e) => e.packet === r.packet)!.summary);
          expect(r.title, `packet ${r.packet}`).toBe(whole);
          if (r.text === whole) {
            expect(long, `packet ${r.packet} is shown whole`).not.toContain(r.packet);
            continue;
          }
          expect(r.text.endsWith('…'), r.text).toBe(true);
          const kept = r.text.slice(0, -1);
          expect(whole.startsWith(kept), r.text).toBe(true);
          expect(kept.length, r.text).toBeGreaterThan(10);
          expect(insideWord(kept, whole.slice(kept.length)), `${r.text} cuts a word of ${whole}`).toBe(false);
          expect(kept, r.text).not.toMatch(/[\s\uD800-\uDBFF]$/u);
        }
        const shortened = l.rows.filter((r) => r.text !== r.title).map((r) => r.packet);
        for (const p of long) expect(shortened, step).toContain(p);
        if (step === 'opened') await shot(page, `ladder-${width}`);
      }
      expectQuiet(o);
    });

    it.each(WIDTHS)('the frame table\'s payload column holds the payload only, on one line, with an ellipsis when it does not fit (%i px)', async (width) => {
      const file = longCapture();
      const conn = selectedAtLoad(exportJson(file))!;
      const o = await open(report(file, `payloads-${width}.html`), width);
      const { page } = o;
      const t = (await page.evaluate(PAYLOAD_CELLS)) as PayloadCells;
      expect(t.head[t.head.length - 1]).toBe('Payload');
      expect(t.cells.map((c) => c.frame)).toEqual(conn.frames.map((f) => f.index));
      const heights = t.cells.map((c) => c.height);
      expect(Math.max(...heights) - Math.min(...heights), 'every row one line high').toBeLessThan(1);
      for (const c of t.cells) {
        // FIN, RSV, MASK and the length have their own columns
        expect(c.text, `frame ${c.frame}`).not.toMatch(/FIN|RSV|MASK|\bbytes\b/);
        expect([c.overflow, c.textOverflow, c.whiteSpace], `frame ${c.frame}`).toEqual(['hidden', 'ellipsis', 'nowrap']);
        expect(c.right, `frame ${c.frame}: the cell ends inside the table's box`).toBeLessThanOrEqual(t.right + 0.5);
      }
      const cell = (i: number): PayloadCells['cells'][number] => t.cells.find((c) => c.frame === i)!;
      // the long text: its start, cut by the ellipsis, the whole in the tooltip
      expect(cell(0).text).toBe(LONG_TEXT);
      expect(cell(0).title).toBe(LONG_TEXT);
      expect(cell(0).scrollWidth).toBeGreaterThan(cell(0).clientWidth);
      expect(cell(1).text).toBe(CHINESE);
      expect(cell(2).text).toMatch(/^ab ab ab ab /);
      expect(cell(3).text).toMatch(/^5a 5a 5a 5a /); // unmasked
      expect(cell(6).text).toBe('one of four frames in a segment, number 3');
      expect(cell(7).text).toBe(`${CHINESE.slice(0, 8)}4`);
      const close = conn.frames.find((f) => f.opcode === 8)!;
      expect(cell(close.index).text).toBe(`1001 Going Away "${REASON}"`);
      await shot(page, `payloads-${width}`);
      expectQuiet(o);
    });

    it.each(WIDTHS)('selecting a frame leaves the frame table and the ladder as wide as they were, and the selected row in sight (%i px)', async (width) => {
      const file = longCapture();
      const o = await open(report(file, `select-${width}.html`), width);
      const { page } = o;
      const table = page.locator('#frame-table');
      const ladder = page.locator('#ladder .ladder-wrap');
      const before = { table: (await table.boundingBox())!, ladder: (await ladder.boundingBox())! };
      const inSight = async (selected: string): Promise<void> => {
        const row = (await page.locator(selected).boundingBox())!;
        const header = (await page.locator('header.top').boundingBox())!;
        const detail = (await page.locator('#detail').boundingBox())!;
        expect(row.y).toBeGreaterThanOrEqual(header.y + header.height - 0.5);
        expect(row.y + row.height).toBeLessThanOrEqual(detail.y + 0.5);
      };
      // a frame's row, the next frame's, a packet's arrow (its frame's row is kept in sight), and, the pane closed,
      // the arrow of the last packet at the bottom of the window (no frame: the arrow is kept in sight as the pane opens)
      const last = async (): Promise<void> => {
        await page.keyboard.press('Escape');
        await page.evaluate(`document.querySelector('#ladder-svg g.row:last-of-type').scrollIntoView({ block: 'end' })`);
        await page.locator('#ladder-svg g.row').last().click();
      };
      const steps: [() => Promise<void>, string][] = [
        [() => page.locator('#frame-table tr[data-frame="30"]').click(), '#frame-table tr.sel'],
        [() => page.keyboard.press('j'), '#frame-table tr.sel'],
        [() => page.locator('#ladder-svg g.row').nth(8).click(), '#frame-table tr.sel'],
        [last, '#ladder-svg g.row.sel'],
      ];
      for (const [go, selected] of steps) {
        await go();
        await expect(page.locator('#detail').isVisible()).resolves.toBe(true);
        const after = { table: (await table.boundingBox())!, ladder: (await ladder.boundingBox())! };
        expect(after.table.width).toBeCloseTo(before.table.width, 1);
        expect(after.table.x).toBeCloseTo(before.table.x, 1);
        expect(after.ladder.width).toBeCloseTo(before.ladder.width, 1);
        await inSight(selected);
      }
      await shot(page, `selected-${width}`);
      // closed by its button, or with Escape
      await page.locator('#detail button.close').click();
      await expect(page.locator('#detail').isVisible()).resolves.toBe(false);
      expect((await table.boundingBox())!.width).toBeCloseTo(before.table.width, 1);
      await page.locator('#frame-table tr[data-frame="3"]').click();
      await expect(page.locator('#detail').isVisible()).resolves.toBe(true);
      await page.keyboard.press('Escape');
      await expect(page.locator('#detail').isVisible()).resolves.toBe(false);
      await expect(page.locator('#frame-table tr.sel').count()).resolves.toBe(0);
      expectQuiet(o);
    });

    it.each([...WIDTHS, 600])('the bit diagram keeps each 32-bit row on one line, under a ruler whose ticks stand over bits 0, 8, 16 and 24 (%i px)', async (width) => {
      const large = selectedAtLoad(exportJson('captures/ws_large_binary.pcap'))!;
      const cases: [string, JsonFrame[]][] = [
        // 64-bit and 16-bit lengths, masked and not
        ['captures/ws_large_binary.pcap', [large.frames.find((f) => f.payloadLength === 100000)!, large.frames.find((f) => f.masked && Number(f.payloadLength) >= 126)!]],
        // a 7-bit length, masked; a 64-bit one for 200 bytes
        [longCapture(), selectedAtLoad(exportJson(longCapture()))!.frames.slice(0, 3)],
      ];
      for (const [file, frames] of cases) {
        const o = await open(report(file, `bits-${width}.html`), width);
        const { page } = o;
        for (const f of frames) {
          await page.locator(`#frame-table tr[data-frame="${f.index}"]`).click();
          const b = (await page.evaluate(BIT_ROWS)) as BitRows;
          expect(b.ruler).toHaveLength(32);
          expect([0, 8, 16, 24].map((i) => b.ruler[i]!.text)).toEqual(['0', '8', '16', '24']);
          const full = b.rows.filter((r) => r.length === 32);
          expect(full.length, `frame ${f.index}`).toBeGreaterThanOrEqual(f.masked ? 1 : 0);
          // the header's bits, all of them: 16, the extended length's 16 or 64, the key's 32
          expect(b.rows.flat().length, `frame ${f.index}`).toBe(f.headerLength * 8);
          for (const [k, row] of b.rows.entries()) {
            expect(row.length, `row ${k} of frame ${f.index}`).toBeLessThanOrEqual(32);
            // one line: every bit at the height of the first
            for (const bit of row) expect(bit.top, `row ${k} of frame ${f.index}`).toBeCloseTo(row[0]!.top, 0);
            // each bit under its column of the ruler, and the ruler's numbers over bits 0, 8, 16 and 24
            for (const [i, bit] of row.entries()) expect(Math.abs(bit.x - b.ruler[i]!.center), `bit ${i} of row ${k}, frame ${f.index}`).toBeLessThan(1.5);
            for (const i of [0, 8, 16, 24]) if (row[i]) expect(Math.abs(b.ruler[i]!.tick! - row[i]!.x), `tick ${i}, row ${k} of frame ${f.index}`).toBeLessThan(1.5);
          }
          // too narrow a pane scrolls the diagram rather than wrapping it
          expect(b.wrapOverflow).toBe('auto');
        }
        await shot(page, `bits-${width}-${file === longCapture() ? 'long' : 'large'}`);
        expectQuiet(o);
      }
    });
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
