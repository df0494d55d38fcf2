// The HTML report: one self-contained file (no network, no external script,
// font or style) that shows the analysis as Wireshark's flow graph and
// packet panes do. Like the JSON export it is written as the analysis goes:
// each connection, once over, becomes a block of JSON data in the page (the
// same objects as --json, with what the terminal shows besides: the story,
// the verdict, the Accept computation), and the page's own script draws the
// views from those blocks when it opens, page by page. Nothing from the
// capture is ever written as markup: the data blocks escape "<", and the
// script puts text into the page as text only.
import { conversationName } from '../model.js';
import { contractDiagnostic } from '../diagnostic.js';
import { endingWords, interruptedNote, protocolDetail, protocolLabel, refusal, webSocketKind } from './kind.js';
import type { AnalysisSink, CaptureInfo, Connection, Diagnostic, Frame, Message, Summary, TimelineEntry } from '../model.js';
import { acceptSha1Hex, WEBSOCKET_GUID } from '../http/handshake.js';
import { contractEntry, frameJson, handshakeJson, messageJson, safeNumbers, SCHEMA_VERSION, TOOL, writeEntry, writeFrame, writeMessage, type JsonOptions } from './json.js';
import { ITEM_BATCH, JsonBytes, type WriteBytes } from './json-bytes.js';
import { isUtf8 } from 'node:buffer';
import { tellStory } from './story.js';
import { describeFrame } from '../text/packets.js';
import { frameFact } from '../analyze/annotate.js';
import { messageOf } from '../select/lookup.js';
import { EVERYTHING, selectConnection } from '../select/selection.js';
import { HTML_STYLE, pageScript, sharedScript } from './html-assets.js';
import { HIDDEN_CHARS } from '../util/text.js';
import { closeCodeName } from '../text/words.js';
import { linkTypeName } from '../link/link.js';
import { createHash } from 'node:crypto';

/**
 * The page's script as written into the report, with its hash: in the head,
 * drawing the views once the document is read (a report cut short, its
 * process killed while writing it, still opens and says so; one of a
 * capture whose reading was interrupted is whole, and says that), with the
 * characters to escape shared with the terminal's sanitize. Made when a
 * report is first written. The hash is the only script the page may run, in
 * its Content-Security-Policy (the JSON blocks are data, never run).
 */
function script(): { text: string; hash: string } {
  if (made === null) {
    const text = `\n(function () {\n'use strict';\nvar HIDDEN = new RegExp(${JSON.stringify(HIDDEN_CHARS)}, 'gu');\n${sharedScript()}\n${pageScript()}\n})();\n`;
    made = { text, hash: createHash('sha256').update(text).digest('base64') };
  }
  return made;
}
let made: { text: string; hash: string } | null = null;
import { textOf, type Write } from './sinks.js';

/**
 * JSON that can sit inside a <script> element: "<" (so no "</script>" and no
 * "<!--"), ">" and "&" written as escapes, and the two line separators
 * JavaScript once refused in strings.
 */
export function scriptJson(value: unknown): string {
  return scriptSafe(JSON.stringify(value, safeNumbers));
}

/** JSON text made safe inside a <script> element (see scriptJson), in one pass, and none when nothing needs it. */
function scriptSafe(json: string): string {
  return SCRIPT_UNSAFE.test(json) ? json.replace(SCRIPT_UNSAFE_ALL, (c) => SCRIPT_ESCAPES[c]!) : json;
}

const SCRIPT_UNSAFE = /[<>&\u2028\u2029]/;
const SCRIPT_UNSAFE_ALL = /[<>&\u2028\u2029]/g;
const SCRIPT_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** Text for HTML markup (only wsdissect's own strings are written as markup). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The Accept computation, step by step (RFC 6455 §4.2.2), as the report shows it. */
function acceptSteps(key: string | null): { key: string; guid: string; concatenated: string; sha1: string; base64: string } | null {
  if (key === null) return null;
  const sha1 = acceptSha1Hex(key);
  return { key, guid: WEBSOCKET_GUID, concatenated: key + WEBSOCKET_GUID, sha1, base64: Buffer.from(sha1, 'hex').toString('base64') };
}

/** A frame as the page's script reads it: the JSON export's frame, the walkthrough's words, a Close's body and name. */
function frameData(conn: Connection, f: Frame, opts: JsonOptions): Record<string, unknown> {
  const msg = messageOf(conn, f.message);
  // the walkthrough's words for the frame (its message's meaning when it completes one)
  const completes = msg && msg.frames[msg.frames.length - 1] === f.index ? msg : null;
  const extra = f.opcode === 0x8 ? { closeBody: f.payload.toString('base64'), closeName: f.close?.code != null ? closeCodeName(f.close.code) : null } : {};
  return { ...frameJson(f, conn, opts), ...extra, summary: describeFrame(frameFact(f, msg?.type ?? null, completes, msg?.compressed ?? false), undefined, conn.tls?.decrypted === true) };
}

/** JSON.stringify(frameData(…)) into `out`, written out by hand (frames are most of a report's data). */
function writeFrameData(out: JsonBytes, conn: Connection, f: Frame, opts: JsonOptions): void {
  const msg = messageOf(conn, f.message);
  const completes = msg && msg.frames[msg.frames.length - 1] === f.index ? msg : null;
  const close = f.opcode === 0x8 ? `,"closeBody":"${f.payload.toString('base64')}","closeName":${f.close?.code != null ? JSON.stringify(closeCodeName(f.close.code)) : 'null'}` : '';
  const summary = `,"summary":${JSON.stringify(describeFrame(frameFact(f, msg?.type ?? null, completes, msg?.compressed ?? false), undefined, conn.tls?.decrypted === true))}`;
  writeFrame(out, f, { messageType: msg?.type ?? null, compressed: msg?.compressed ?? false }, opts, close + summary);
}

/** The bytes of a data block's items gathered before they are handed on (one connection's at a time). */
const itemBytes = new JsonBytes();

/**
 * A batch of items as it goes in the page: its bytes as they are (a view,
 * valid until the next batch) when nothing in them needs scriptSafe's
 * escapes (the ASCII "<", ">" and "&", which no other character's UTF-8
 * holds, and U+2028 and U+2029, E2 80 A8 and E2 80 A9), else as text made
 * safe.
 */
function safeBatch(out: JsonBytes): string | Buffer {
  const b = out.bytes.subarray(0, out.at);
  let safe = b.indexOf(0x3c) < 0 && b.indexOf(0x3e) < 0 && b.indexOf(0x26) < 0 && isUtf8(b);
  for (let i = safe ? b.indexOf(0xe2) : -1; i >= 0; i = b.indexOf(0xe2, i + 1)) {
    if (b[i + 1] === 0x80 && (b[i + 2] === 0xa8 || b[i + 2] === 0xa9)) {
      safe = false;
      break;
    }
  }
  return safe ? b : scriptSafe(b.toString('utf8'));
}

/** Of a connection the report's frame budget cut: the frames it holds, of how many. */
export interface ReportCut {
  shown: number;
  frames: number;
}

/**
 * One connection as the page's script reads it, but its lists: the JSON
 * export's objects and what the terminal adds. The story is told of `whole`:
 * of a connection the frame budget cut, what the connection carried, not
 * only the frames the report holds.
 */
function connectionHead(conn: Connection, opts: JsonOptions, cut: ReportCut | null, whole: Connection): Record<string, unknown> {
  return {
    ...(cut ? { cut } : {}),
    id: conn.id,
    stream: conn.stream,
    name: conversationName(conn),
    client: conn.client,
    server: conn.server,
    websocket: conn.websocket,
    protocol: conn.protocol && { name: conn.protocol.name, detail: protocolDetail(conn) },
    /** what it is, in words: WebSocket, a refused upgrade, or the protocol it carries */
    kind: conn.websocket ? (conn.tls?.decrypted === true ? webSocketKind(conn) : 'WebSocket') : (refusal(conn) ?? protocolLabel(conn)),
    detection: conn.detection,
    app: conn.app,
    verdict: endingWords(conn),
    story: tellStory(whole),
    tcp: conn.tcp,
    handshake: conn.handshake ? { ...(handshakeJson(conn.handshake, opts) as object), acceptSteps: acceptSteps(conn.handshake.key) } : null,
    compression: conn.compression,
    close: conn.close,
    counts: conn.counts,
    http2: conn.http2,
  };
}

/** A timeline entry as the page's script reads it: the export's fields and what the views draw by (bare, http). */
function entryData(e: TimelineEntry): Record<string, unknown> {
  return { ...contractEntry(e), bare: e.bare, http: e.http };
}

/** One connection as the page's script reads it, whole (what connectionPieces writes a piece at a time). */
export function connectionData(conn: Connection, opts: JsonOptions, cut: ReportCut | null = null, whole: Connection = conn): Record<string, unknown> {
  return {
    ...connectionHead(conn, opts, cut, whole),
    frames: Array.from(conn.frames, (f) => frameData(conn, f, opts)),
    messages: Array.from(conn.messages, (m) => messageJson(m, opts)),
    timeline: Array.from(conn.timeline, entryData),
    diagnostics: Array.from(conn.diagnostics, contractDiagnostic),
  };
}

/**
 * The text of scriptJson(connectionData(conn)), a piece at a time (the head,
 * then each frame, message, timeline entry and diagnostic): a long
 * connection's data block is never built whole, as object or as string.
 */
export function* connectionPieces(conn: Connection, opts: JsonOptions, cut: ReportCut | null = null, whole: Connection = conn): Generator<string | Buffer> {
  const head = scriptJson(connectionHead(conn, opts, cut, whole));
  yield head.slice(0, -1);
  // frames, messages and timeline entries encoded as bytes (as --json writes them), handed on a batch at a time
  const lists: [string, Iterable<unknown>, (out: JsonBytes, x: never) => void][] = [
    ['frames', conn.frames, (out, f: Frame) => writeFrameData(out, conn, f, opts)],
    ['messages', conn.messages, (out, m: Message) => writeMessage(out, m, opts)],
    ['timeline', conn.timeline, (out, e: TimelineEntry) => writeEntry(out, e, true)],
  ];
  for (const [name, items, write] of lists) {
    yield `,"${name}":[`;
    const out = itemBytes;
    out.reset();
    let first = true;
    for (const item of items) {
      // without JSON.stringify's replacer (a call per key), as the JSON export writes its lists: an item carries a
      // length past 2^53 as text already (render/sinks.ts JsonSink.list)
      if (!first) out.byte(0x2c);
      write(out, item as never);
      first = false;
      if (out.at >= ITEM_BATCH) {
        yield safeBatch(out);
        out.reset();
      }
    }
    if (out.at > 0) yield safeBatch(out);
    yield ']';
  }
  yield ',"diagnostics":[';
  let first = true;
  for (const d of conn.diagnostics) {
    yield `${first ? '' : ','}${scriptSafe(JSON.stringify(contractDiagnostic(d)))}`;
    first = false;
  }
  yield ']}';
}

/**
 * The frames a report holds by default (--html-frames). The page is read
 * whole by the browser (each connection's data block parsed at once): a
 * report of about 40 000 frames (70 MB) opens in Chromium in 4 s, one of
 * 207 000 (340 MB) in 20 s with 800 MB of JavaScript heap, and one of a
 * few million (gigabytes) not at all — a string of the page's data would
 * pass V8's largest. So a report holds the frames of the connections in the
 * order they end until this many, then cuts the connection that crosses it
 * and keeps only the handshakes and teardown of the ones after (as --limit
 * would), and says so at the top and on each connection cut. The counts
 * and verdicts stay the whole capture's.
 */
export const HTML_FRAMES = 100_000;

/** Writes the report as the analysis goes: the page's head, a data block per connection, then the rest and the script. */
export class HtmlSink implements AnalysisSink {
  private started = false;
  /** frames the report may still hold (Infinity: no budget) */
  private remaining: number;
  /** what the budget left out: connections cut, frames held and frames in all of the connections written */
  private readonly cut = { connections: 0, shown: 0, frames: 0 };

  /**
   * @param selection the selection options that narrowed the report (--stream 2 --opcode close), null when none did
   * @param budget the frames the report holds at most (HTML_FRAMES; Infinity: every one)
   */
  constructor(
    private readonly write: Write,
    private readonly opts: JsonOptions,
    private readonly selection: string | null = null,
    private readonly budget = HTML_FRAMES,
    /** where bytes go (the data blocks' items, encoded as --json encodes them), when the output takes them as they are (else they are written as text) */
    bytes?: WriteBytes,
  ) {
    this.remaining = budget;
    this.bytes = bytes ?? textOf(write);
  }

  private readonly bytes: WriteBytes;

  /** The connection as the report holds it: whole, or its first frames the budget leaves (with the packets that follow them, as --limit keeps them). */
  private withinBudget(conn: Connection): { shown: Connection; cut: ReportCut | null } {
    const frames = conn.frames.length;
    this.cut.frames += frames;
    if (frames <= this.remaining) {
      this.remaining -= frames;
      this.cut.shown += frames;
      return { shown: conn, cut: null };
    }
    const keep = this.remaining;
    this.remaining = 0;
    this.cut.connections++;
    this.cut.shown += keep;
    const shown = selectConnection(conn, { ...EVERYTHING, limit: keep })!;
    return { shown, cut: { shown: keep, frames } };
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    const { text, hash } = script();
    this.write(
      '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
        // nothing may be fetched: no network, no external resource, no inline handler
        `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'; img-src data:">\n` +
        `<meta name="generator" content="${escapeHtml(`${TOOL.name} ${TOOL.version}`)}">\n<title>wsdissect report</title>\n<style>\n${HTML_STYLE}\n</style>\n<script>${text}</script>\n</head>\n<body>\n` +
        '<noscript><p class="noscript">This report draws its views with the script it carries; turn JavaScript on to read it (nothing is fetched from the network).</p></noscript>\n',
    );
  }

  connection(conn: Connection): void {
    this.start();
    this.write('<script type="application/json" class="wsd-data" data-kind="connection">');
    const { shown, cut } = this.withinBudget(conn);
    for (const piece of connectionPieces(shown, this.opts, cut, conn)) {
      if (typeof piece === 'string') this.write(piece);
      else this.bytes(piece, 0, piece.length);
    }
    this.write('</script>\n');
  }

  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    this.start();
    // interruption: the words of the terminal's note for capture.interrupted, shown at the top of the overview
    const end = { schemaVersion: SCHEMA_VERSION, tool: TOOL, capture, linkTypeNames: capture.linkTypes.map(linkTypeName), interruption: interruptedNote(capture), selection: this.selection, summary, diagnostics: diagnostics.map(contractDiagnostic), maxPayload: Number.isFinite(this.opts.maxPayload) ? this.opts.maxPayload : null, ...(this.cut.connections > 0 ? { cut: { budget: this.budget, ...this.cut } } : {}) };
    this.write(`<script type="application/json" class="wsd-data" data-kind="end">${scriptJson(end)}</script>\n</body>\n</html>\n`);
  }
}
