// The HAR export imported by Chrome DevTools itself: Debian's Chromium,
// headless (playwright-core), opens its bundled DevTools front end
// (devtools://devtools/bundled/devtools_app.html) and hands each document to
// DevTools' own HAR module (models/har: HARRoot, then
// Importer.requestsFromHARLog, the code behind "Import HAR file"). What the
// Network panel would hold must be what the document says: every entry a
// request, each WebSocket's messages its frames (side, time, opcode, data),
// its type "websocket". Like html-browser.test.ts, skipped on a machine
// without Chromium, never under CI (.ci/run installs it).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const inCi = Boolean(process.env['CI']);
if (!haveChromium && !inCi) console.warn(`har-devtools.test.ts: ${CHROMIUM} is missing, so DevTools' import of the HAR export is not tried (apt-get install chromium, or run .ci/run)`);

const TIMEOUT = 60_000;

interface HarMessage {
  type: string;
  time: number;
  opcode: number;
  data: string;
}
interface Har {
  log: { entries: { request: { url: string; method: string }; response: { status: number }; startedDateTime: string; _resourceType?: string; _webSocketMessages?: HarMessage[] }[] };
}
interface Imported {
  url: string;
  method: string;
  status: number;
  type: string;
  frames: { type: string; time: number; opCode: number; text: string }[];
}

function har(args: string[]): Har {
  const r = spawnSync(process.execPath, ['dist/cli.js', '--format', 'har', ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Har;
}

describe.skipIf(!haveChromium && !inCi)("the HAR export imported by DevTools' own importer, in Chromium", { timeout: TIMEOUT }, () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await (await browser.newContext()).newPage();
    await page.goto('devtools://devtools/bundled/devtools_app.html');
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
  });

  /**
   * The requests DevTools makes of the document (it throws where it refuses one). The page's code is a string: the
   * test runner would rewrite a dynamic import() written here as a function.
   */
  const IMPORT = `async (d) => {
    const base = location.href.replace(/[^/]*$/, '');
    const HAR = await import(base + 'models/har/har.js');
    const root = new HAR.HARFormat.HARRoot(d);
    return HAR.Importer.Importer.requestsFromHARLog(root.log).map((q) => ({
      url: q.url(), method: q.requestMethod, status: q.statusCode, type: q.resourceType().name(),
      frames: q.frames().map((f) => ({ type: f.type, time: f.time, opCode: f.opCode, text: f.text })),
    }));
  }`;
  const importInDevTools = async (doc: Har): Promise<Imported[]> => {
    const handle = await page.evaluateHandle(IMPORT);
    try {
      return (await handle.evaluate((fn, d) => (fn as unknown as (x: unknown) => Promise<Imported[]>)(d), doc)) as Imported[];
    } finally {
      await handle.dispose();
    }
  };

  it.each([
    ['captures/ws_echo.pcap'],
    ['captures/ws_deflate_takeover.pcap'],
    ['captures/py_deflate_fragmented.pcap'],
    ['captures/chromium_deflate.pcap'],
    ['captures/browser/chromium_ws_plain.pcap'],
    ['captures/mixed_network.pcap'],
    ['captures/mixed_midstream.pcap'],
    ['captures/app/socketio.pcap'],
    ['captures/ws_rejected_403.pcap'],
  ])('%s: every entry a request, every message a frame of its WebSocket', async (file) => {
    const doc = har([file]);
    const got = await importInDevTools(doc);
    // DevTools sorts the entries by startedDateTime (a stable sort): so is the document's list here
    const entries = [...doc.log.entries].sort((a, b) => Date.parse(a.startedDateTime) - Date.parse(b.startedDateTime));
    expect(got.map((q) => [q.url, q.method, q.status])).toEqual(entries.map((e) => [e.request.url, e.request.method, e.response.status]));
    entries.forEach((e, i) => {
      if (e._resourceType === 'websocket') expect(got[i]!.type).toBe('websocket');
      expect(got[i]!.frames).toEqual((e._webSocketMessages ?? []).map((m) => ({ type: m.type, time: m.time, opCode: m.opcode, text: m.data })));
    });
    expect(got.some((q) => q.type === 'websocket')).toBe(true);
  });

  /** The Network panel's own "Import HAR file" (NetworkLogView.onLoadFromFile), then what the panel's log holds. */
  const PANEL = `async (text) => {
    const base = location.href.replace(/[^/]*$/, '');
    const UI = await import(base + 'ui/legacy/legacy.js');
    const Network = await import(base + 'panels/network/network.js');
    const Logs = await import(base + 'models/logs/logs.js');
    await UI.ViewManager.ViewManager.instance().showView('network');
    Logs.NetworkLog.NetworkLog.instance().reset(true);
    await Network.NetworkPanel.NetworkPanel.instance().networkLogView.onLoadFromFile(new File([text], 'capture.har'));
    return Logs.NetworkLog.NetworkLog.instance().requests().map((q) => [q.url(), q.statusCode, q.resourceType().name(), q.frames().length]);
  }`;

  it.each([['captures/mixed_network.pcap'], ['captures/ws_deflate_takeover.pcap']])("%s: imported into the Network panel, as a user's Import HAR does, its log holds every entry and each WebSocket's messages", async (file) => {
    const doc = har([file]);
    const handle = await page.evaluateHandle(PANEL);
    const got = (await handle.evaluate((fn, text) => (fn as unknown as (t: string) => Promise<unknown>)(text), JSON.stringify(doc))) as [string, number, string, number][];
    await handle.dispose();
    const entries = [...doc.log.entries].sort((a, b) => Date.parse(a.startedDateTime) - Date.parse(b.startedDateTime));
    expect(got).toEqual(entries.map((e) => [e.request.url, e.response.status, e._resourceType ?? 'other', e._webSocketMessages?.length ?? 0]));
  });
});
