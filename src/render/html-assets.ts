// The HTML report's own style sheet and script, written into every report
// (src/render/html.ts): the report fetches nothing. The script reads the
// page's JSON data blocks and draws the views from them, one page of rows at
// a time; everything from the capture goes into the page as text
// (textContent, attribute values), never as markup.

import { APP_LABELS } from '../app/protocols.js';
import { PHASES } from '../model.js';
import { OPCODE_NAMES } from '../websocket/frame.js';

/** The font of the sequence diagram's text: the style sheet draws it, the script measures its labels with it. */
const LADDER_FONT = '12px ui-monospace, Menlo, Consolas, monospace';

export const HTML_STYLE = String.raw`
:root { --client: #1f6fd1; --server: #c85a00; --err: #c62828; --warn: #b26a00; --info: #2e7d9a; --line: #d0d7de; --muted: #57606a; --sel: #fff3b0; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1f2328; background: #fff; }
code, pre, .mono, td.mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
header.top { position: sticky; top: 0; z-index: 5; background: #f6f8fa; border-bottom: 1px solid var(--line); padding: 6px 16px; display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: center; }
header.top h1 { font-size: 16px; margin: 0; }
header.top .file { color: var(--muted); }
.controls { display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: center; }
.controls fieldset { border: 0; padding: 0; margin: 0; display: inline-flex; gap: 6px; align-items: center; }
.controls legend { float: left; margin-right: 4px; color: var(--muted); }
main { padding: 8px 16px 40px; }
section { margin: 14px 0 22px; }
h2 { font-size: 18px; margin: 18px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 12px 0 6px; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num, th.num { text-align: right; }
tr.clickable { cursor: pointer; }
tr.clickable:hover { background: #f3f8ff; }
tr.sel, tr.sel:hover { background: var(--sel); }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 12px; color: #fff; }
.badge.error { background: var(--err); } .badge.warning { background: var(--warn); } .badge.info { background: var(--info); }
.from-client { color: var(--client); } .from-server { color: var(--server); }
.muted { color: var(--muted); }
.cut-short { border-left: 4px solid var(--warn); background: #fff6e0; padding: 6px 10px; font-weight: 600; }
/* the details pane is docked at the bottom of the window, as Wireshark's is under its packet list: opening it leaves the views above as wide as they were */
aside#detail { display: none; position: fixed; left: 0; right: 0; bottom: 0; z-index: 4; height: var(--detail-h, 45vh); overflow: auto; border-top: 1px solid #8c959f; box-shadow: 0 -2px 8px rgba(31, 35, 40, 0.12); padding: 0 16px 12px; background: #fcfcfd; }
.layout.with-detail aside#detail { display: block; }
body.detail-open main { padding-bottom: calc(var(--detail-h, 45vh) + 24px); }
aside#detail .grip { position: sticky; top: 0; z-index: 1; height: 9px; margin: 0 -16px 4px; cursor: ns-resize; background: linear-gradient(#8c959f, #8c959f) center / 36px 3px no-repeat, #eaeef2; touch-action: none; }
aside#detail button.close { position: sticky; top: 12px; float: right; z-index: 1; font: inherit; }
@media (min-width: 1360px) {
  /* wide: the header and its fields beside the payload, like Wireshark's details and bytes panes */
  aside#detail .detail-cols { display: grid; grid-template-columns: 660px minmax(0, 1fr); gap: 0 24px; align-items: start; }
}
.table-wrap { overflow-x: auto; max-width: 100%; }
#frame-table { width: 100%; min-width: 720px; }
#frame-table th, #frame-table td { white-space: nowrap; }
/* the payload takes the room the other columns leave, on one line, ellipsised */
#frame-table td.payload { width: 100%; max-width: 0; overflow: hidden; text-overflow: ellipsis; }
#frame-table td.payload .note { color: var(--muted); font-style: italic; }
.pager { display: flex; gap: 8px; align-items: center; margin: 4px 0; }
.pager button { font: inherit; }
.ladder-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
svg.ladder text { font: ${LADDER_FONT}; fill: #1f2328; }
svg.ladder .lifeline { stroke: #8c959f; stroke-width: 1.5; }
svg.ladder .arrow { stroke-width: 1.6; }
svg.ladder .arrow.client { stroke: var(--client); } svg.ladder .arrow.server { stroke: var(--server); }
svg.ladder .row.bare .arrow { stroke-opacity: 0.45; stroke-width: 1; } svg.ladder .row.bare text.summary { fill: var(--muted); }
svg.ladder .hit { fill: transparent; cursor: pointer; }
svg.ladder .row.sel .hit { fill: var(--sel); }
svg.ladder .phase-label { fill: var(--muted); font-style: italic; }
.phase-tcp-handshake { fill: #e8f1fb; background: #e8f1fb; } .phase-ws-handshake { fill: #efe8fb; background: #efe8fb; }
.phase-data { fill: #ffffff; background: #ffffff; } .phase-closing { fill: #fdf0e3; background: #fdf0e3; }
.phase-tcp-teardown { fill: #f2f2f2; background: #f2f2f2; } .phase-other { fill: #fafafa; background: #fafafa; }
.legend span { display: inline-block; padding: 0 6px; margin-right: 6px; border: 1px solid var(--line); }
svg .mark.error { fill: var(--err); } svg .mark.warning { fill: var(--warn); } svg .mark.info { fill: var(--info); }
/* the RFC 6455 §5.2 diagram: 32 columns of one width, one bit a cell, so a row never wraps and the ruler stands over its bits */
.bits-wrap { overflow-x: auto; max-width: 100%; margin: 6px 0; }
table.bits { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 11px; table-layout: fixed; width: 641px; }
table.bits col { width: 20px; }
table.bits th, table.bits td { text-align: center; padding: 1px 0; overflow: hidden; }
table.bits td.bit { white-space: nowrap; border-left-color: #eaeef2; border-right-color: #eaeef2; }
table.bits td.bit.start { border-left-color: #8c959f; }
table.bits td.field { background: #f6f8fa; padding: 1px 3px; word-break: break-word; font-size: 10.5px; }
/* a 1- or 2-bit field's name stands upright, letter under letter, as in the RFC */
table.bits td.field.upright { writing-mode: vertical-lr; text-orientation: upright; padding: 3px 0; letter-spacing: -1px; }
table.bits th { font-weight: 400; color: var(--muted); padding: 0; border: 0; border-bottom: 1px solid var(--line); white-space: nowrap; overflow: visible; }
table.bits th.byte { border-left: 1px solid #8c959f; }
pre.payload.hex { white-space: pre; overflow-x: auto; }
#frame-table tr, #connection, h2, h3 { scroll-margin-top: calc(var(--header, 52px) + 8px); }
pre.payload { white-space: pre-wrap; word-break: break-all; background: #f6f8fa; border: 1px solid var(--line); padding: 6px; max-height: 320px; overflow: auto; margin: 4px 0; }
table.hex td { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; border: 0; padding: 0 6px; white-space: pre; }
table.hex th { border: 0; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 1px 10px; margin: 4px 0; }
dl.kv dt { color: var(--muted); } dl.kv dd { margin: 0; word-break: break-word; }
ol.steps li { margin: 2px 0; word-break: break-all; }
.verdict-ok { color: #1a7f37; font-weight: 600; } .verdict-bad { color: var(--err); font-weight: 600; }
.app-user { color: #1a7f37; } .app-framework { color: var(--muted); }
svg.plot text { font-size: 11px; fill: var(--muted); }
svg.plot .pt { cursor: pointer; } svg.plot .pt.client { fill: var(--client); } svg.plot .pt.server { fill: var(--server); }
svg.plot .axis { stroke: #8c959f; } svg.plot .grid { stroke: #eaeef2; }
.help { color: var(--muted); font-size: 12px; }
.noscript { padding: 16px; font-weight: 600; }
a.pkt { cursor: pointer; color: #0969da; text-decoration: underline; }
@media print {
  header.top .controls, .pager button, .help, aside#detail button.close { display: none !important; }
  header.top { position: static; }
  aside#detail button.close, aside#detail .grip { display: none; }
  aside#detail { position: static; height: auto; overflow: visible; border: 0; box-shadow: none; padding: 0; }
  body.detail-open main { padding-bottom: 0; }
  aside#detail .detail-cols { display: block; }
  pre.payload { max-height: none; }
  section, tr { break-inside: avoid; }
  body { font-size: 11px; }
  .ladder-wrap, .table-wrap { overflow: visible; border: 0; }
  svg.ladder, svg.plot { width: 100%; height: auto; }
  table { max-width: 100%; }
}
`;

export const HTML_SCRIPT = String.raw`
(function () {
  'use strict';
  var PAGE = 200;
  var started = performance.now();
  var OPCODES = ${JSON.stringify(OPCODE_NAMES)};
  var OPCLASSES = ['text', 'binary', 'continuation', 'close', 'ping', 'pong', 'other'];
  var LABELS = ${JSON.stringify(APP_LABELS)};
  var PHASES = ${JSON.stringify(PHASES)};
  var conns = [];
  var end = null;
  var blocks = document.querySelectorAll('script.wsd-data');
  for (var b = 0; b < blocks.length; b++) {
    var data = JSON.parse(blocks[b].textContent);
    if (blocks[b].getAttribute('data-kind') === 'end') end = data; else conns.push(data);
  }
  conns.sort(function (x, y) { return x.id - y.id; });
  var state = { conn: 0, sender: 'all', opcodes: {}, severities: { error: true, warning: true, info: true }, ladderPage: 0, framePage: 0, frame: null, packet: null, help: false };
  OPCLASSES.forEach(function (o) { state.opcodes[o] = true; });
  var firstWs = conns.findIndex(function (c) { return c.websocket; });
  state.conn = firstWs >= 0 ? firstWs : 0;

  // ---------------------------------------------------------------- helpers
  /** Control and bidirectional characters from a capture, made visible (never interpreted). */
  var CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
  function shown(s) {
    // C0 controls but newline and tab as \xNN, the hidden characters (HIDDEN, as the terminal's sanitize has them) as \u{N}
    return String(s).replace(CONTROL, function (c) { return '\\x' + ('0' + c.charCodeAt(0).toString(16)).slice(-2); })
      .replace(HIDDEN, function (c) { return '\\u{' + c.codePointAt(0).toString(16) + '}'; });
  }
  /** Text in quotes as the terminal quotes it (inQuotes): single quotes around text holding double ones and no single one, else double quotes with the inner ones escaped. */
  function quoted(s) {
    s = shown(s);
    return s.indexOf('"') >= 0 && s.indexOf("'") < 0 ? "'" + s + "'" : '"' + s.replace(/"/g, '\\"') + '"';
  }
  function isoTime(ts) {
    // a timestamp past a Date's range (a damaged or crafted capture) shows as seconds
    var d = new Date(ts * 1000);
    return isFinite(d.getTime()) ? d.toISOString() : ts + ' s since 1970';
  }
  function minMax(list) {
    var lo = Infinity, hi = -Infinity;
    for (var i = 0; i < list.length; i++) { if (list[i] < lo) lo = list[i]; if (list[i] > hi) hi = list[i]; }
    return [lo, hi];
  }
  function sizeLabel(n) { return n >= 1e9 ? n / 1e9 + 'G' : n >= 1e6 ? n / 1e6 + 'M' : n >= 1e3 ? n / 1e3 + 'k' : String(n); }
  /** JSON re-indented as sent (numbers, escapes and repeated keys kept): only white space outside strings changes. */
  function layOut(text) {
    var out = '', depth = 0, inStr = false, esc = false;
    function nl() { out += '\n' + Array(depth + 1).join('  '); }
    for (var i = 0; i < text.length; i++) {
      var ch = text.charAt(i);
      if (inStr) { out += ch; if (esc) esc = false; else if (ch === '\\') esc = true; else if (ch === '"') inStr = false; continue; }
      if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t') continue;
      if (ch === '"') { inStr = true; out += ch; }
      else if (ch === '{' || ch === '[') {
        var close = ch === '{' ? '}' : ']';
        var j = i + 1; while (j < text.length && /\s/.test(text.charAt(j))) j++;
        if (text.charAt(j) === close) { out += ch + close; i = j; continue; }
        depth++; out += ch; nl();
      } else if (ch === '}' || ch === ']') { depth--; nl(); out += ch; }
      else if (ch === ',') { out += ch; nl(); }
      else if (ch === ':') out += ': ';
      else out += ch;
    }
    return out;
  }
  /** The characters of s as a reader counts them (a letter and its accents, an emoji, are one). */
  var segmenter = typeof Intl !== 'undefined' && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;
  function characters(s) { return segmenter ? Array.from(segmenter.segment(s), function (x) { return x.segment; }) : Array.from(s); }
  var measurer = null;
  function textWidth(s, font) {
    if (!measurer) measurer = document.createElement('canvas').getContext('2d');
    measurer.font = font;
    return measurer.measureText(s).width;
  }
  /**
   * s made to fit in width pixels of font: whole when it fits, else cut
   * between two words (or, when the last space is far back or there is none,
   * as in Chinese, between two characters) and ended with "…".
   */
  function fit(s, width, font) {
    s = String(s);
    if (textWidth(s, font) <= width) return s;
    var ch = characters(s);
    var lo = 0, hi = ch.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (textWidth(ch.slice(0, mid).join('') + '…', font) <= width) lo = mid; else hi = mid - 1; }
    var cut = lo;
    // letters of scripts that put spaces between words
    var spaced = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{N}]/u;
    if (cut > 0 && spaced.test(ch[cut - 1]) && spaced.test(ch[cut])) {
      // inside a word: back to the space before it, when that keeps at least half of what fits
      var k = cut - 1;
      while (k > 0 && !/\s/u.test(ch[k - 1])) k--;
      if (k > 0 && k >= cut / 2) cut = k;
    }
    return ch.slice(0, cut).join('').replace(/\s+$/u, '') + '…';
  }
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, String(attrs[k]));
    append(e, kids);
    return e;
  }
  function sv(tag, attrs, kids) {
    var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, String(attrs[k]));
    append(e, kids);
    return e;
  }
  function append(e, kids) {
    if (kids === undefined || kids === null) return;
    if (!Array.isArray(kids)) kids = [kids];
    kids.forEach(function (k) { if (k === null || k === undefined || k === false) return; e.appendChild(typeof k === 'object' ? k : document.createTextNode(String(k))); });
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
  function ep(e) { return e.ip.indexOf(':') >= 0 ? '[' + e.ip + ']:' + e.port : e.ip + ':' + e.port; }
  function opName(op) { return OPCODES[op] || ('reserved-' + op); }
  function opClass(op) { return OPCODES[op] || 'other'; }
  function plural(n, w) { return n + ' ' + w + (n === 1 ? '' : 's'); }
  function secs(t) { return typeof t === 'number' ? t.toFixed(6) : '-'; }
  function bytesOf(p) {
    if (!p) return new Uint8Array(0);
    if (p.text !== undefined) return new TextEncoder().encode(p.text);
    var bin = atob(p.base64); var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function hx(n) { return ('0' + n.toString(16)).slice(-2); }
  function pager(page, total, go, what) {
    var pages = Math.max(1, Math.ceil(total / PAGE));
    var from = total === 0 ? 0 : page * PAGE + 1, to = Math.min(total, (page + 1) * PAGE);
    var prev = el('button', { type: 'button', 'data-role': 'prev' }, '◀'), next = el('button', { type: 'button', 'data-role': 'next' }, '▶');
    prev.disabled = page <= 0; next.disabled = page >= pages - 1;
    prev.onclick = function () { go(page - 1); }; next.onclick = function () { go(page + 1); };
    return el('div', { class: 'pager' }, [prev, el('span', { class: 'count' }, total === 0 ? 'No ' + what.toLowerCase() : what + ' ' + from + '–' + to + ' of ' + total + (pages > 1 ? ' (page ' + (page + 1) + ' of ' + pages + ')' : '')), next]);
  }
  function conn() { return conns[state.conn]; }
  function severityOn(d) { return state.severities[d.severity]; }
  function frameVisible(f) { return (state.sender === 'all' || f.from === state.sender) && state.opcodes[opClass(f.opcode)]; }
  function appLine(app) {
    var s = (LABELS[app.decoder] || app.decoder) + ' ' + app.summary;
    if (app.inner && app.inner.length) s += ' → ' + app.inner.map(appLine).join('; ');
    return s;
  }

  // ----------------------------------------------------------------- layout
  var top = el('header', { class: 'top' });
  var main = el('main');
  document.body.appendChild(top);
  document.body.appendChild(main);
  var overview = el('section', { id: 'overview' });
  var connSec = el('section', { id: 'connection' });
  main.appendChild(overview);
  main.appendChild(connSec);

  function renderHeader() {
    clear(top);
    top.appendChild(el('h1', null, 'wsdissect report'));
    if (end) top.appendChild(el('span', { class: 'file' }, shown(end.capture.file)));
    var controls = el('div', { class: 'controls', id: 'controls' });
    var pick;
    if (conns.length <= 500) {
      pick = el('select', { id: 'f-conn', 'aria-label': 'connection' });
      conns.forEach(function (c, i) { var o = el('option', { value: i }, 'Connection ' + c.id + (c.websocket ? '' : ' — ' + c.kind)); if (i === state.conn) o.selected = true; pick.appendChild(o); });
      pick.onchange = function () { selectConn(Number(pick.value)); };
    } else {
      pick = el('input', { id: 'f-conn', type: 'number', min: 0, value: conns[state.conn] ? conns[state.conn].id : 0, 'aria-label': 'connection number' });
      pick.onchange = function () { var v = Number(pick.value); var i = conns.findIndex(function (c) { return c.id === v; }); if (i >= 0) selectConn(i); };
    }
    controls.appendChild(el('label', null, ['Connection ', pick]));
    var sender = el('select', { id: 'f-sender', 'aria-label': 'sender' }, ['all', 'client', 'server'].map(function (s) { var o = el('option', { value: s }, s === 'all' ? 'both sides' : 'the ' + s); if (s === state.sender) o.selected = true; return o; }));
    sender.onchange = function () { state.sender = sender.value; state.framePage = 0; renderFrames(); renderLadder(); renderPlot(); };
    controls.appendChild(el('label', null, ['Sender ', sender]));
    var ops = el('fieldset', { id: 'f-opcodes' }, el('legend', null, 'Opcodes'));
    OPCLASSES.forEach(function (o) {
      var box = el('input', { type: 'checkbox', value: o, 'data-opcode': o }); box.checked = state.opcodes[o];
      box.onchange = function () { state.opcodes[o] = box.checked; state.framePage = 0; renderFrames(); renderLadder(); renderPlot(); };
      ops.appendChild(el('label', null, [box, o]));
    });
    controls.appendChild(ops);
    var sev = el('fieldset', { id: 'f-severity' }, el('legend', null, 'Severity'));
    ['error', 'warning', 'info'].forEach(function (s) {
      var box = el('input', { type: 'checkbox', value: s, 'data-severity': s }); box.checked = state.severities[s];
      box.onchange = function () { state.severities[s] = box.checked; renderDiagnostics(); renderLadder(); renderOverview(); };
      sev.appendChild(el('label', null, [box, s]));
    });
    controls.appendChild(sev);
    controls.appendChild(el('span', { class: 'help' }, 'Keys: j / ↓ next frame, k / ↑ previous (the arrows once a frame is selected), n / p next or previous connection. The sender and opcode filters apply to the frame table and the plot; the severity filter to the diagnostics and the ladder\'s marks.'));
    top.appendChild(controls);
  }

  // --------------------------------------------------------------- overview
  function renderOverview() {
    clear(overview);
    overview.appendChild(el('h2', null, 'Overview'));
    if (!end) { overview.appendChild(el('p', null, 'The report is incomplete: the analysis did not finish.')); return; }
    // the reading was interrupted (Ctrl-C on a live capture): the report holds what was read until then
    if (end.interruption) overview.appendChild(el('p', { class: 'cut-short', id: 'interrupted', role: 'note' }, end.interruption));
    var c = end.capture, s = end.summary;
    var first = c.firstTs, last = c.lastTs;
    overview.appendChild(el('dl', { class: 'kv', id: 'capture-facts' }, [
      el('dt', null, 'File'), el('dd', null, shown(c.file) + (c.compressed ? ' (gzip)' : '')),
      el('dt', null, 'Format'), el('dd', null, c.format + ', ' + (end.linkTypeNames || c.linkTypes).join(', ')),
      el('dt', null, 'Packets'), el('dd', null, c.packets + ' packets, ' + c.bytes + ' bytes'),
      el('dt', null, 'Time'), el('dd', null, first === null ? '—' : isoTime(first) + ', ' + (last - first).toFixed(6) + ' s'),
      el('dt', null, 'Connections'), el('dd', null, plural(s.connections, 'TCP connection') + ', ' + s.websocketConnections + ' WebSocket' + (s.refusedUpgrades ? ', ' + plural(s.refusedUpgrades, 'upgrade') + ' refused' : '') + '; ' + plural(s.frames, 'frame') + ', ' + plural(s.messages, 'message')),
      el('dt', null, 'Diagnostics'), el('dd', { id: 'severity-counts' }, ['error', 'warning', 'info'].map(function (k) { return el('span', null, [el('span', { class: 'badge ' + k }, k), ' ' + s.diagnostics[k] + '  ']); })),
      end.selection ? el('dt', null, 'Selection') : null, end.selection ? el('dd', { id: 'selection' }, shown(end.selection) + ': the report holds only what this selects (the counts above are the whole capture\'s)') : null,
      el('dt', null, 'Made by'), el('dd', null, end.tool.name + ' ' + end.tool.version + (end.maxPayload !== null ? '; payloads cut to ' + end.maxPayload + ' bytes (--max-payload)' : '')),
    ]));
    var MAX_ROWS = 2000;
    // past the rows shown, the WebSocket connections come first: they are what a report is for
    var order = conns.map(function (cn, i) { return i; });
    if (conns.length > MAX_ROWS) order.sort(function (a, b) { return (conns[b].websocket ? 1 : 0) - (conns[a].websocket ? 1 : 0) || a - b; });
    var rows = order.slice(0, MAX_ROWS).map(function (i) {
      var cn = conns[i];
      var d = cn.counts.diagnostics;
      var tr = el('tr', { class: 'clickable' + (i === state.conn ? ' sel' : ''), 'data-conn': i }, [
        el('td', { class: 'num' }, cn.id), el('td', { class: 'mono' }, ep(cn.client)), el('td', { class: 'mono' }, ep(cn.server)),
        el('td', null, cn.kind), el('td', null, cn.app ? LABELS[cn.app.decoder] || cn.app.decoder : '—'), el('td', null, cn.verdict),
        el('td', { class: 'num' }, cn.counts.frames), el('td', { class: 'num' }, cn.counts.messages),
        el('td', { class: 'num' }, d.error), el('td', { class: 'num' }, d.warning), el('td', { class: 'num' }, d.info),
      ]);
      tr.onclick = function () { selectConn(i); connSec.scrollIntoView(); };
      return tr;
    });
    var head = el('tr', null, ['#', 'Client', 'Server', 'Protocol', 'Application', 'Verdict', 'Frames', 'Messages', 'Errors', 'Warnings', 'Info'].map(function (h) { return el('th', null, h); }));
    overview.appendChild(el('h3', null, 'Connections'));
    overview.appendChild(el('div', { class: 'table-wrap' }, el('table', { id: 'connections' }, [el('thead', null, head), el('tbody', null, rows)])));
    if (conns.length > rows.length) overview.appendChild(el('p', { class: 'muted' }, (conns.length - rows.length) + ' more connections (WebSocket ones are listed first): pick one by its number above.'));
    var capDiags = end.diagnostics.filter(severityOn);
    if (capDiags.length) {
      overview.appendChild(el('h3', null, 'Capture diagnostics'));
      overview.appendChild(el('ul', { id: 'capture-diagnostics' }, capDiags.slice(0, 1000).map(function (d) { return diagItem(d, null); })));
    }
  }

  // ------------------------------------------------------------- connection
  var ladderBox, framesBox, detail, layoutBox, handshakeBox, plotBox, statsBox, diagBox;
  function renderConnection() {
    clear(connSec);
    var c = conn();
    if (!c) { connSec.appendChild(el('p', null, 'No TCP connection in this capture.')); return; }
    connSec.appendChild(el('h2', { id: 'conn-title' }, 'Connection ' + c.id + ': ' + ep(c.client) + ' (client) ⇄ ' + ep(c.server) + ' (server)'));
    if (c.story.length) connSec.appendChild(el('ul', { class: 'story', id: 'story' }, c.story.map(function (s) { return el('li', null, shown(s)); })));
    else if (!c.websocket) connSec.appendChild(el('p', null, 'Not WebSocket: ' + c.kind + ', no upgrade request; ' + plural(c.timeline.length, 'packet') + '.'));
    var left = el('div', { class: 'left' });
    detail = el('aside', { id: 'detail' }, el('p', { class: 'muted' }, 'Click a packet in the ladder or a frame in the table to see its details.'));
    layoutBox = el('div', { class: 'layout', id: 'layout' }, [left, detail]);
    document.body.classList.remove('detail-open');
    connSec.appendChild(layoutBox);
    ladderBox = el('section', { id: 'ladder' });
    if (ladderSizes) { ladderSizes.disconnect(); ladderSizes.observe(ladderBox); }
    framesBox = el('section', { id: 'frames' });
    left.appendChild(ladderBox);
    left.appendChild(framesBox);
    handshakeBox = el('section', { id: 'handshake' });
    plotBox = el('section', { id: 'plot' });
    statsBox = el('section', { id: 'stats' });
    diagBox = el('section', { id: 'diagnostics' });
    connSec.appendChild(handshakeBox);
    connSec.appendChild(plotBox);
    connSec.appendChild(statsBox);
    connSec.appendChild(diagBox);
    renderLadder();
    renderFrames();
    renderHandshake();
    renderPlot();
    renderStats();
    renderDiagnostics();
    if (state.frame !== null) renderFrameDetail(state.frame); else if (state.packet !== null) renderPacketDetail(state.packet);
  }

  function diagsAt(c, packet) { return c.diagnostics.filter(function (d) { return d.packet === packet && severityOn(d); }); }

  // ---------------------------------------------------------------- ladder
  var ROW = 22, TOPY = 36, CX = 218;
  /** The narrowest the diagram is drawn (a narrower window scrolls it), and the font of its text. */
  var LADDER_MIN = 480, LADDER_FONT = ${JSON.stringify(LADDER_FONT)};
  var ladderWidth = 0;
  function renderLadder() {
    if (!ladderBox) return;
    clear(ladderBox);
    var c = conn();
    ladderBox.appendChild(el('h3', null, 'Sequence diagram'));
    ladderBox.appendChild(el('div', { class: 'legend' }, PHASES.map(function (p) { return el('span', { class: 'phase-' + p }, p); })));
    var tl = c.timeline;
    var pages = Math.max(1, Math.ceil(tl.length / PAGE));
    if (state.ladderPage >= pages) state.ladderPage = pages - 1;
    ladderBox.appendChild(pager(state.ladderPage, tl.length, function (p) { state.ladderPage = p; renderLadder(); }, 'Packets'));
    var rows = tl.slice(state.ladderPage * PAGE, (state.ladderPage + 1) * PAGE);
    // as wide as its box: each label is made to fit what is left of it
    var wrap = el('div', { class: 'ladder-wrap' });
    ladderBox.appendChild(wrap);
    ladderWidth = wrap.clientWidth;
    var h = TOPY + rows.length * ROW + 10, w = Math.max(LADDER_MIN, ladderWidth);
    // the arrows shorter in a narrow window, for more of the labels
    var SX = CX + Math.max(100, Math.min(170, Math.round((w - 600) / 2))), TX = SX + 12;
    /** Text made to fit in room pixels, with the whole as its tooltip when it had to be shortened. */
    function label(attrs, s, room) {
      var whole = shown(s), short = fit(whole, room, LADDER_FONT);
      var t = sv('text', attrs, short);
      if (short !== whole) t.appendChild(sv('title', null, whole));
      return t;
    }
    var s = sv('svg', { class: 'ladder', id: 'ladder-svg', width: w, height: h, viewBox: '0 0 ' + w + ' ' + h, role: 'img', 'aria-label': 'sequence diagram' });
    var defs = sv('defs');
    ['client', 'server'].forEach(function (side) {
      defs.appendChild(sv('marker', { id: 'head-' + side, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, sv('path', { d: 'M0,0 L10,5 L0,10 z', fill: side === 'client' ? '#1f6fd1' : '#c85a00' })));
    });
    s.appendChild(defs);
    // phases: a band behind each run of packets in the same phase
    var i = 0;
    while (i < rows.length) {
      var j = i;
      while (j + 1 < rows.length && rows[j + 1].phase === rows[i].phase) j++;
      s.appendChild(sv('rect', { class: 'phase-' + rows[i].phase, x: 0, y: TOPY + i * ROW, width: w, height: (j - i + 1) * ROW }));
      s.appendChild(sv('text', { class: 'phase-label', x: CX - 12, y: TOPY + i * ROW + 15, 'text-anchor': 'end' }, rows[i].phase));
      i = j + 1;
    }
    // each end's name over its lifeline, its address under the client's and to the right of the server's (IPv6 addresses are long)
    s.appendChild(sv('text', { x: CX, y: 12, 'text-anchor': 'middle' }, 'client'));
    s.appendChild(label({ x: CX - 6, y: 26, 'text-anchor': 'end', class: 'muted' }, ep(c.client), CX - 6 - 4));
    s.appendChild(sv('text', { x: SX, y: 12, 'text-anchor': 'middle' }, 'server'));
    s.appendChild(label({ x: SX + 6, y: 26, class: 'muted' }, ep(c.server), w - SX - 6 - 8));
    s.appendChild(sv('line', { class: 'lifeline', x1: CX, y1: 16, x2: CX, y2: h - 4 }));
    s.appendChild(sv('line', { class: 'lifeline', x1: SX, y1: 16, x2: SX, y2: h - 4 }));
    rows.forEach(function (e, k) {
      var y = TOPY + k * ROW + ROW / 2;
      // a packet with TCP flags only (an ACK) is drawn lighter than one that carries something
      var bare = /^(?:SYN|ACK|FIN|RST|PSH|URG|ECE|CWR)(?:, (?:SYN|ACK|FIN|RST|PSH|URG|ECE|CWR))*$/.test(e.summary);
      var g = sv('g', { class: 'row' + (bare ? ' bare' : '') + (state.packet === e.packet ? ' sel' : ''), 'data-packet': e.packet });
      g.appendChild(sv('rect', { class: 'hit', x: 0, y: y - ROW / 2, width: w, height: ROW }));
      g.appendChild(sv('text', { x: 6, y: y + 4 }, String(e.packet)));
      g.appendChild(sv('text', { x: 46, y: y + 4, class: 'muted' }, secs(e.relTs)));
      var x1 = e.from === 'client' ? CX : SX, x2 = e.from === 'client' ? SX : CX;
      g.appendChild(sv('line', { class: 'arrow ' + e.from, x1: x1, y1: y, x2: x2, y2: y, 'marker-end': 'url(#head-' + e.from + ')' }));
      var ds = diagsAt(c, e.packet);
      if (ds.length) {
        var worst = ds.some(function (d) { return d.severity === 'error'; }) ? 'error' : ds.some(function (d) { return d.severity === 'warning'; }) ? 'warning' : 'info';
        g.appendChild(sv('circle', { class: 'mark ' + worst, cx: (CX + SX) / 2, cy: y, r: 6, 'data-diagnostics': ds.length }, sv('title', null, ds.map(function (d) { return d.severity + ' ' + d.code + ': ' + shown(d.message); }).join('\n'))));
      }
      // the whole summary is the label's tooltip, shortened or not
      var whole = shown(e.summary);
      var t = sv('text', { x: TX, y: y + 4, class: 'summary' }, fit(whole, w - TX - 8, LADDER_FONT));
      t.appendChild(sv('title', null, whole));
      g.appendChild(t);
      g.addEventListener('click', function () { selectPacket(e.packet); });
      s.appendChild(g);
    });
    wrap.appendChild(s);
  }
  // a box made wider or narrower (the window resized, a scroll bar come or gone) draws the diagram again, to its new width
  var resizing = false;
  var ladderSizes = typeof ResizeObserver === 'function' ? new ResizeObserver(function () {
    if (resizing) return;
    resizing = true;
    requestAnimationFrame(function () {
      resizing = false;
      var wrap = ladderBox && ladderBox.querySelector('.ladder-wrap');
      if (wrap && wrap.clientWidth !== ladderWidth) renderLadder();
    });
  }) : null;

  // ---------------------------------------------------------------- frames
  function renderFrames() {
    if (!framesBox) return;
    clear(framesBox);
    var c = conn();
    framesBox.appendChild(el('h3', null, 'Frames'));
    var list = c.frames.filter(frameVisible);
    var pages = Math.max(1, Math.ceil(list.length / PAGE));
    if (state.framePage >= pages) state.framePage = pages - 1;
    framesBox.appendChild(pager(state.framePage, list.length, function (p) { state.framePage = p; renderFrames(); }, 'Frames'));
    var head = el('tr', null, ['#', 'Pkt', 'Time', 'From', 'FIN', 'RSV', 'Opcode', 'MASK', 'Length', 'Masking key', 'Payload'].map(function (x) { return el('th', null, x); }));
    var body = el('tbody');
    var messages = {};
    c.messages.forEach(function (m) { messages[m.index] = m; });
    list.slice(state.framePage * PAGE, (state.framePage + 1) * PAGE).forEach(function (f) {
      var pv = preview(f, f.message === null ? null : messages[f.message]);
      var tr = el('tr', { class: 'clickable' + (state.frame === f.index ? ' sel' : ''), 'data-frame': f.index }, [
        el('td', { class: 'num' }, f.index), el('td', { class: 'num' }, f.packet), el('td', { class: 'num' }, secs(f.relTs)),
        el('td', { class: 'from-' + f.from }, f.from), el('td', null, f.fin ? '1' : '0'), el('td', { class: 'mono' }, (f.rsv1 ? 1 : 0) + '' + (f.rsv2 ? 1 : 0) + (f.rsv3 ? 1 : 0)),
        el('td', null, '0x' + f.opcode.toString(16) + ' ' + opName(f.opcode)), el('td', null, f.masked ? '1' : '0'), el('td', { class: 'num' }, f.payloadLength),
        el('td', { class: 'mono' }, f.maskingKey || '-'), el('td', { class: 'mono payload', title: pv.text || null }, [pv.note ? el('span', { class: 'note' }, pv.note + ' ') : null, pv.text]),
      ]);
      tr.onclick = function () { selectFrame(f.index); };
      body.appendChild(tr);
    });
    framesBox.appendChild(el('div', { class: 'table-wrap' }, el('table', { id: 'frame-table' }, [el('thead', null, head), body])));
    if (!c.frames.length) framesBox.appendChild(el('p', { class: 'muted' }, c.websocket ? 'No WebSocket frame.' : c.handshake ? 'No WebSocket frame: ' + c.kind + '.' : 'Not a WebSocket connection.'));
  }

  /**
   * What a frame carries, for its row: the payload as text (on one line,
   * newlines and tabs as \n and \t) or as hex, a Close's code and reason,
   * and, for a compressed message, its inflated payload on its last frame.
   * The cell cuts it to its width; the first PREVIEW characters are kept.
   */
  var PREVIEW = 300;
  function preview(f, msg) {
    if (f.opcode === 8) {
      if (f.close && f.close.code !== null) return { text: shown(f.close.code + (f.closeName ? ' ' + f.closeName : '') + (f.close.reason ? ' "' + oneLine(f.close.reason) + '"' : '')) };
      return { text: f.closeBody ? hexStart({ base64: f.closeBody }) : '' };
    }
    if (msg && msg.compressed) {
      var last = msg.frames[msg.frames.length - 1] === f.index;
      if (last && msg.inflatedLength !== null && msg.payload) return { note: 'inflated', text: payloadStart(msg.payload) };
      return { note: 'compressed', text: f.payload ? hexStart(f.payload) : '' };
    }
    if (!f.payload) return { note: String(f.payloadLength) !== '0' ? '(left out)' : null, text: '' };
    return { text: payloadStart(f.payload) };
  }
  function oneLine(s) {
    var ch = characters(String(s).slice(0, PREVIEW * 4)), more = ch.length > PREVIEW || String(s).length > PREVIEW * 4;
    return shown(ch.slice(0, PREVIEW).join('')).replace(/\n/g, '\\n').replace(/\t/g, '\\t') + (more ? '…' : '');
  }
  function payloadStart(p) { return p.text !== undefined ? oneLine(p.text) + (p.truncated ? '…' : '') : hexStart(p); }
  /** The first bytes in hex (decoding only the start of a large payload). */
  function hexStart(p) {
    var n = 48, b = bytesOf({ base64: p.base64.slice(0, n / 3 * 4) });
    var total = p.base64.length / 4 * 3 - (/==$/.test(p.base64) ? 2 : /=$/.test(p.base64) ? 1 : 0);
    var more = p.truncated || total > n;
    return Array.prototype.map.call(b.slice(0, n), hx).join(' ') + (more ? ' …' : '');
  }

  // ---------------------------------------------------------------- detail
  /** The frame header as RFC 6455 §5.2 draws it: 32 bits a row, each field's bits with its value. */
  function bitDiagram(f) {
    var base = f.headerLength - (f.masked ? 4 : 0);
    var ext = base === 4 ? 16 : base === 10 ? 64 : 0;
    var code = ext === 16 ? 126 : ext === 64 ? 127 : Number(f.payloadLength);
    function bits(v, n) { var out = []; var big = BigInt(v); for (var i = n - 1; i >= 0; i--) out.push(Number((big >> BigInt(i)) & 1n)); return out; }
    var fields = [
      { name: 'FIN', bits: [f.fin ? 1 : 0] }, { name: 'RSV1', bits: [f.rsv1 ? 1 : 0] }, { name: 'RSV2', bits: [f.rsv2 ? 1 : 0] }, { name: 'RSV3', bits: [f.rsv3 ? 1 : 0] },
      { name: 'opcode 0x' + f.opcode.toString(16) + ' ' + opName(f.opcode), bits: bits(f.opcode, 4) }, { name: 'MASK', bits: [f.masked ? 1 : 0] },
      { name: 'payload len ' + code, bits: bits(code, 7) },
    ];
    if (ext) fields.push({ name: 'extended payload length ' + f.payloadLength, bits: bits(f.payloadLength, ext) });
    if (f.maskingKey) fields.push({ name: 'masking key ' + f.maskingKey, bits: bits('0x' + f.maskingKey, 32) });
    // 32 columns of one width (table-layout: fixed), one bit a cell: a row never wraps, and the ruler's numbers stand over bits 0, 8, 16 and 24
    var table = el('table', { class: 'bits', id: 'bit-diagram' });
    var cols = el('colgroup');
    for (var i = 0; i < 32; i++) cols.appendChild(el('col'));
    table.appendChild(cols);
    var head = el('tr', { class: 'ruler' });
    for (var j = 0; j < 32; j++) head.appendChild(el('th', { class: j % 8 === 0 && j > 0 ? 'byte' : null }, j % 8 === 0 ? String(j) : ''));
    table.appendChild(head);
    var row = el('tr'), labels = el('tr'), used = 0;
    fields.forEach(function (fd) {
      var rest = fd.bits, first = true;
      while (rest.length) {
        var take = Math.min(32 - used, rest.length);
        rest.slice(0, take).forEach(function (bit, k) { row.appendChild(el('td', { class: 'mono bit' + (k === 0 ? ' start' : '') }, String(bit))); });
        var name = first ? fd.name : '(' + fd.name.split(' ')[0] + ' cont.)';
        labels.appendChild(el('td', { colspan: take, class: 'field' + (take <= 2 ? ' upright' : ''), title: name }, name));
        rest = rest.slice(take); first = false; used += take;
        if (used === 32) { table.appendChild(row); table.appendChild(labels); row = el('tr'); labels = el('tr'); used = 0; }
      }
    });
    if (used > 0) { row.appendChild(el('td', { colspan: 32 - used, class: 'field' }, 'payload data …')); labels.appendChild(el('td', { colspan: 32 - used })); table.appendChild(row); table.appendChild(labels); }
    else { table.appendChild(el('tr', null, el('td', { colspan: 32, class: 'field' }, 'payload data …'))); }
    // a pane too narrow for it scrolls it sideways
    return el('div', { class: 'bits-wrap' }, table);
  }

  function hexDump(bytes, max) {
    var out = [];
    for (var i = 0; i < Math.min(bytes.length, max); i += 16) {
      var part = bytes.slice(i, Math.min(i + 16, bytes.length));
      var h = Array.prototype.map.call(part, hx).join(' ');
      var a = Array.prototype.map.call(part, function (b) { return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'; }).join('');
      out.push(('0000' + i.toString(16)).slice(-4) + '  ' + (h + Array(48).join(' ')).slice(0, 48) + ' ' + a);
    }
    if (bytes.length > max) out.push('… ' + (bytes.length - max) + ' more bytes');
    return el('pre', { class: 'payload hex' }, out.join('\n'));
  }

  /** Masked bytes (as on the wire) beside the unmasked ones: each is the other XOR the key byte. */
  function maskTable(f, bytes) {
    var key = [];
    for (var i = 0; i < 4; i++) key.push(parseInt(f.maskingKey.substr(i * 2, 2), 16));
    var t = el('table', { class: 'hex', id: 'mask-table' }, el('tr', null, ['offset', 'on the wire (masked)', 'key', 'unmasked'].map(function (x) { return el('th', null, x); })));
    for (var o = 0; o < Math.min(bytes.length, 64); o += 8) {
      var plain = bytes.slice(o, o + 8);
      var masked = Array.prototype.map.call(plain, function (b, k) { return hx(b ^ key[(o + k) % 4]); }).join(' ');
      var keys = Array.prototype.map.call(plain, function (b, k) { return hx(key[(o + k) % 4]); }).join(' ');
      t.appendChild(el('tr', null, [el('td', null, ('0000' + o.toString(16)).slice(-4)), el('td', null, masked), el('td', { class: 'muted' }, keys), el('td', null, Array.prototype.map.call(plain, hx).join(' '))]));
    }
    if (bytes.length > 64) t.appendChild(el('tr', null, el('td', { colspan: 4, class: 'muted' }, 'the first 64 of ' + bytes.length + ' bytes shown; each byte is unmasked with the key byte of its offset modulo 4')));
    return t;
  }

  /** A payload as text (JSON laid out), then as bytes. lost: bytes the capture never had, shown as 00. */
  function payloadView(p, total, asText, id, lost) {
    var box = el('div', { id: id });
    if (!p) { box.appendChild(el('p', { class: 'muted' }, String(total) !== '0' ? 'Payload left out (--max-payload 0).' : 'No payload.')); return box; }
    var bytes = bytesOf(p);
    if (lost) box.appendChild(el('p', { class: 'muted' }, lost));
    if (p.truncated) box.appendChild(el('p', { class: 'muted' }, 'The first ' + bytes.length + ' of ' + total + ' bytes' + (end && end.maxPayload !== null && bytes.length >= end.maxPayload ? ' (--max-payload).' : ' (the rest was not captured or not held).')));
    if (asText && p.text !== undefined) {
      var pretty = null;
      if (!p.truncated && /^\s*[\[{]/.test(p.text)) { try { JSON.parse(p.text); pretty = layOut(p.text); } catch (e) { pretty = null; } }
      box.appendChild(el('div', { class: 'muted' }, pretty !== null ? 'JSON, laid out:' : 'As text:'));
      box.appendChild(el('pre', { class: 'payload text' }, shown(pretty !== null ? pretty : p.text)));
    }
    box.appendChild(el('div', { class: 'muted' }, 'Bytes:'));
    box.appendChild(hexDump(bytes, 4096));
    return box;
  }

  function diagItem(d, onPacket) {
    var where = [];
    var li = el('li', { class: 'diag ' + d.severity, 'data-code': d.code }, [el('span', { class: 'badge ' + d.severity }, d.severity), ' ', el('code', null, d.code), ' ']);
    if (d.packet !== null && onPacket) {
      var a = el('a', { class: 'pkt', 'data-packet': d.packet, tabindex: 0, role: 'link' }, 'packet ' + d.packet);
      a.onclick = function () { onPacket(d.packet); };
      a.onkeydown = function (ev) { if (ev.key === 'Enter') { onPacket(d.packet); ev.preventDefault(); } };
      li.appendChild(a);
    } else if (d.packet !== null) li.appendChild(el('span', { 'data-packet': d.packet }, 'packet ' + d.packet));
    if (d.frame !== null) where.push('frame ' + d.frame);
    if (d.from) where.push(d.from);
    if (where.length) li.appendChild(el('span', { class: 'muted' }, ' (' + where.join(', ') + ')'));
    li.appendChild(el('span', null, ': ' + shown(d.message)));
    if (d.rfc) li.appendChild(el('span', { class: 'muted' }, ' [' + d.rfc + ']'));
    return li;
  }

  /**
   * The details pane, emptied and shown docked at the bottom of the window,
   * with a grip that makes it taller or shorter and a button that closes it.
   */
  function openDetail() {
    clear(detail);
    layoutBox.classList.add('with-detail');
    document.body.classList.add('detail-open');
    var grip = el('div', { class: 'grip', title: 'drag to make the details taller or shorter', role: 'separator', 'aria-orientation': 'horizontal' });
    grip.addEventListener('pointerdown', function (ev) {
      grip.setPointerCapture(ev.pointerId);
      function move(e) {
        var height = Math.max(120, Math.min(window.innerHeight - top.offsetHeight - 60, window.innerHeight - e.clientY));
        document.documentElement.style.setProperty('--detail-h', height + 'px');
      }
      function up() { grip.removeEventListener('pointermove', move); grip.removeEventListener('pointerup', up); }
      grip.addEventListener('pointermove', move);
      grip.addEventListener('pointerup', up);
      ev.preventDefault();
    });
    detail.appendChild(grip);
    var close = el('button', { type: 'button', class: 'close', 'aria-label': 'close the details' }, '×');
    close.onclick = closeDetail;
    detail.appendChild(close);
  }
  function closeDetail() {
    layoutBox.classList.remove('with-detail');
    document.body.classList.remove('detail-open');
    state.frame = null; state.packet = null;
    renderLadder(); renderFrames();
  }

  function renderFrameDetail(index) {
    var c = conn();
    var f = c.frames.find(function (x) { return x.index === index; });
    if (!f || !detail) return;
    openDetail();
    detail.appendChild(el('h3', { id: 'detail-title' }, 'Frame ' + f.index + ' — packet ' + f.packet + ', ' + (f.from === 'client' ? 'client → server' : 'server → client')));
    detail.appendChild(el('p', { class: 'mono', id: 'detail-summary' }, shown(f.summary)));
    // the header (its bits, its fields) and what it carries: side by side in a wide window
    var head = el('div', { class: 'detail-head' }), data = el('div', { class: 'detail-data' });
    detail.appendChild(el('div', { class: 'detail-cols' }, [head, data]));
    head.appendChild(bitDiagram(f));
    var msg = f.message === null ? null : c.messages.find(function (m) { return m.index === f.message; });
    var kv = [
      ['Time', secs(f.relTs) + ' s (' + isoTime(f.ts) + ')'],
      ['Packets', f.packets.join(', ') + (f.packets.length > 1 ? ' (reassembled from ' + f.packets.length + ' segments)' : '')],
      ['FIN', f.fin ? '1: the last frame of its message' : '0: more fragments follow'],
      ['RSV1 RSV2 RSV3', (f.rsv1 ? 1 : 0) + ' ' + (f.rsv2 ? 1 : 0) + ' ' + (f.rsv3 ? 1 : 0) + (f.rsv1 && msg && msg.compressed ? ' (RSV1: compressed, permessage-deflate)' : '')],
      ['Opcode', '0x' + f.opcode.toString(16) + ' ' + opName(f.opcode)],
      ['MASK', f.masked ? '1, key ' + f.maskingKey : '0'],
      ['Payload length', f.payloadLength + ' bytes (header ' + f.headerLength + ' bytes)'],
    ];
    if (!f.complete) kv.push(['Incomplete', f.missingBytes > 0 ? f.missingBytes + ' bytes never captured (capture loss)' : 'the capture ended before the frame did']);
    if (f.close) kv.push(['Close', (f.close.code === null ? (f.closeBody && f.closeBody.length === 4 ? 'a 1-byte body, no status code' : 'no status code') : f.close.code + ' ' + (f.closeName || '')) + (f.close.reason ? ', reason ' + quoted(f.close.reason) : '')]);
    if (f.answers) kv.push(['Answers', 'the ping in packet ' + f.answers.packet + ', round trip ' + (f.answers.rtt * 1000).toFixed(3) + ' ms']);
    head.appendChild(el('dl', { class: 'kv', id: 'frame-fields' }, kv.reduce(function (a, r) { a.push(el('dt', null, r[0]), el('dd', null, r[1])); return a; }, [])));
    var compressed = msg && msg.compressed;
    // a Close frame's body is kept apart from the payloads (its code and reason are fields)
    var payload = f.opcode === 8 && f.closeBody !== undefined ? { base64: f.closeBody } : f.payload;
    var bytes = bytesOf(payload);
    var lost = !f.complete && f.missingBytes > 0 ? 'Bytes the capture lost are shown as 00 (unmasked): they are not what was sent.' : null;
    if (f.masked && f.maskingKey && bytes.length && !lost) {
      data.appendChild(el('h3', null, 'Masking (RFC 6455 §5.3)'));
      data.appendChild(el('div', { class: 'table-wrap' }, maskTable(f, bytes)));
    }
    data.appendChild(el('h3', null, 'Payload' + (compressed ? ' (compressed, as on the wire)' : '')));
    var textual = f.opcode === 1 || f.opcode === 9 || f.opcode === 10 || (f.opcode === 0 && msg && msg.type === 'text');
    data.appendChild(payloadView(payload, f.payloadLength, textual && !compressed, 'frame-payload', lost));
    if (msg) {
      data.appendChild(el('h3', null, 'Message ' + msg.index));
      data.appendChild(el('p', null, msg.type + ', ' + plural(msg.frames.length, 'frame') + ' (' + msg.frames.join(', ') + '), ' + msg.length + ' bytes on the wire' + (msg.compressed ? (msg.inflatedLength !== null ? ', inflated to ' + msg.inflatedLength + ' bytes' : ', not inflated') : '') + (msg.complete ? '' : ', incomplete')));
      if (msg.app) {
        data.appendChild(el('p', { id: 'app-summary', class: msg.app.user ? 'app-user' : 'app-framework' }, shown(appLine(msg.app)) + (msg.app.user ? ' (application data)' : ' (framework)')));
        data.appendChild(el('pre', { class: 'payload', id: 'app-fields' }, shown(JSON.stringify(msg.app.fields, null, 2))));
      }
      if (msg.frames[msg.frames.length - 1] === f.index) data.appendChild(payloadView(msg.payload, msg.inflatedLength !== null ? msg.inflatedLength : msg.length, msg.type === 'text' && (!msg.compressed || msg.inflatedLength !== null), 'message-payload', msg.complete ? null : 'The message is incomplete.'));
    }
    var ds = c.diagnostics.filter(function (d) { return (d.frame === f.index || (d.frame === null && d.packet === f.packet)) && severityOn(d); });
    if (ds.length) {
      data.appendChild(el('h3', null, 'Diagnostics'));
      data.appendChild(el('ul', null, ds.map(function (d) { return diagItem(d, selectPacket); })));
    }
  }

  function renderPacketDetail(packet) {
    var c = conn();
    var e = c.timeline.find(function (x) { return x.packet === packet; });
    if (!e || !detail) return;
    openDetail();
    detail.appendChild(el('h3', { id: 'detail-title' }, 'Packet ' + packet + ' — ' + (e.from === 'client' ? 'client → server' : 'server → client')));
    detail.appendChild(el('dl', { class: 'kv' }, [el('dt', null, 'Time'), el('dd', null, secs(e.relTs) + ' s'), el('dt', null, 'Phase'), el('dd', null, e.phase), el('dt', null, 'Summary'), el('dd', { id: 'detail-summary' }, shown(e.summary))]));
    var ds = diagsAt(c, packet);
    if (ds.length) detail.appendChild(el('ul', null, ds.map(function (d) { return diagItem(d, null); })));
  }

  // ------------------------------------------------------------- handshake
  function renderHandshake() {
    clear(handshakeBox);
    var c = conn(), hs = c.handshake;
    if (!hs) return;
    handshakeBox.appendChild(el('h3', null, 'Opening handshake'));
    function head(title, line, headers) {
      return el('div', null, [el('div', { class: 'muted' }, title), el('pre', { class: 'payload' }, shown(line) + '\n' + headers.map(function (h) { return shown(h[0]) + ': ' + shown(h[1]); }).join('\n'))]);
    }
    var rq = hs.request;
    handshakeBox.appendChild(head('Request (packet ' + rq.packet + '), client → server', rq.method + ' ' + rq.target + ' ' + rq.version, rq.headers));
    if (hs.response) handshakeBox.appendChild(head('Response (packet ' + hs.response.packet + '), server → client', hs.response.version + ' ' + hs.response.status + ' ' + hs.response.reason, hs.response.headers));
    else handshakeBox.appendChild(el('p', null, 'No response captured.'));
    if (hs.acceptSteps) {
      var st = hs.acceptSteps;
      handshakeBox.appendChild(el('h3', null, 'Sec-WebSocket-Accept, step by step (RFC 6455 §4.2.2)'));
      handshakeBox.appendChild(el('ol', { class: 'steps mono', id: 'accept-steps' }, [
        el('li', null, 'the client\'s key: ' + shown(st.key)),
        el('li', null, 'the key followed by the GUID ' + st.guid + ': ' + shown(st.concatenated)),
        el('li', null, 'SHA-1 of that, in hex: ' + st.sha1),
        el('li', null, 'those 20 bytes in base64: ' + st.base64),
        el('li', null, 'the server sent: ' + (hs.accept === null ? '(no Sec-WebSocket-Accept)' : shown(hs.accept))),
      ]));
    }
    var ok = hs.outcome === 'upgraded' && hs.acceptValid === true;
    var verdict = hs.outcome === 'rejected' ? '✘ rejected: the server answered ' + hs.response.status : hs.outcome === 'no-response' ? '? no response to the upgrade request in this capture' : hs.acceptValid === true ? '✔ upgraded: the Accept matches the key' : hs.acceptValid === false ? '✘ upgraded, but the Accept does not match the key' : '✘ upgraded without a Sec-WebSocket-Accept the client could check';
    handshakeBox.appendChild(el('p', { class: ok ? 'verdict-ok' : 'verdict-bad', id: 'handshake-verdict' }, verdict));
    var body = hs.response && hs.response.body;
    if (body && body.length) {
      handshakeBox.appendChild(el('p', null, 'The refusal\'s body, ' + plural(body.length, 'byte') + (body.complete ? '' : ' (cut short)') + (body.payload && body.payload.truncated ? ', the first shown' : '') + ':'));
      handshakeBox.appendChild(el('pre', { class: 'mono', id: 'refusal-body' }, body.payload ? ('text' in body.payload ? shown(body.payload.text) : body.payload.base64) : '(left out: --max-payload 0)'));
    }
    handshakeBox.appendChild(el('dl', { class: 'kv' }, [
      el('dt', null, 'Subprotocol'), el('dd', null, (hs.subprotocol === null ? 'none' : shown(hs.subprotocol)) + (hs.offeredSubprotocols.length ? ' (offered: ' + shown(hs.offeredSubprotocols.join(', ')) + ')' : '')),
      el('dt', null, 'Extensions'), el('dd', null, (hs.extensions.length ? shown(hs.extensions.map(function (x) { return [x.name].concat(Object.keys(x.params).map(function (k) { return x.params[k] === true ? k : k + '=' + x.params[k]; })).join('; '); }).join(', ')) : 'none') + (hs.offeredExtensions.length ? ' (offered: ' + shown(hs.offeredExtensions.join(', ')) + ')' : '')),
      el('dt', null, 'Application'), el('dd', null, c.app ? (LABELS[c.app.decoder] || c.app.decoder) + ' (recognised by ' + c.app.chosenBy + ')' : 'none recognised'),
      el('dt', null, 'Close'), el('dd', null, c.close.initiator ? 'the ' + c.close.initiator + ' closed first (' + (c.close.code === null ? 'no code' : c.close.code) + (c.close.reason ? ' ' + quoted(c.close.reason) : '') + ')' + (c.close.replyCode !== null ? '; reply ' + c.close.replyCode : '; never echoed') + (c.close.clean ? '; clean' : '') : 'no Close frame'),
    ]));
  }

  // ---------------------------------------------------------------- plot
  function renderPlot() {
    clear(plotBox);
    var c = conn();
    if (!c.messages.length) return;
    plotBox.appendChild(el('h3', null, 'Message sizes over time'));
    var byIndex = {};
    c.frames.forEach(function (f) { byIndex[f.index] = f; });
    var pts = [];
    c.messages.forEach(function (m) {
      var last = byIndex[m.frames[m.frames.length - 1]];
      // the sender and opcode filters apply here too
      if (!last || (state.sender !== 'all' && m.from !== state.sender) || !state.opcodes[m.type]) return;
      var size = m.inflatedLength !== null ? m.inflatedLength : Number(m.length);
      pts.push({ t: last.relTs, size: size, from: m.from, frame: last.index, index: m.index });
    });
    if (!pts.length) { plotBox.appendChild(el('p', { class: 'muted' }, 'No message of the sides and opcodes chosen.')); return; }
    var W = 900, H = 260, L = 60, R = 20, T = 16, B = 34;
    var tr = minMax(pts.map(function (p) { return p.t; }));
    var t0 = tr[0], t1 = tr[1];
    if (t1 === t0) t1 = t0 + 1;
    var maxLog = Math.max(1, Math.ceil(Math.log10(1 + minMax(pts.map(function (p) { return p.size; }))[1])));
    function X(t) { return L + (t - t0) / (t1 - t0) * (W - L - R); }
    function Y(sz) { return T + (1 - Math.log10(1 + sz) / maxLog) * (H - T - B); }
    var s = sv('svg', { class: 'plot', id: 'plot-svg', width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'message sizes over time' });
    for (var k = 0; k <= maxLog; k++) {
      var y = Y(Math.pow(10, k) - 1);
      s.appendChild(sv('line', { class: 'grid', x1: L, y1: y, x2: W - R, y2: y }));
      s.appendChild(sv('text', { x: L - 6, y: y + 4, 'text-anchor': 'end' }, k === 0 ? '0' : sizeLabel(Math.pow(10, k))));
    }
    for (var q = 0; q <= 4; q++) {
      var t = t0 + (t1 - t0) * q / 4;
      s.appendChild(sv('text', { x: X(t), y: H - 14, 'text-anchor': 'middle' }, t.toFixed(3) + ' s'));
    }
    s.appendChild(sv('line', { class: 'axis', x1: L, y1: H - B, x2: W - R, y2: H - B }));
    s.appendChild(sv('line', { class: 'axis', x1: L, y1: T, x2: L, y2: H - B }));
    s.appendChild(sv('text', { x: 4, y: 12 }, 'bytes'));
    // points that fall on the same pixel are drawn once (tens of thousands of messages stay light)
    var seen = {};
    pts.forEach(function (p) {
      var key = p.from + Math.round(X(p.t)) + ',' + Math.round(Y(p.size));
      if (seen[key]) return;
      seen[key] = true;
      var dot = p.from === 'client' ? sv('circle', { class: 'pt client', cx: X(p.t), cy: Y(p.size), r: 3.5, 'data-message': p.index }) : sv('rect', { class: 'pt server', x: X(p.t) - 3, y: Y(p.size) - 3, width: 6, height: 6, 'data-message': p.index });
      dot.appendChild(sv('title', null, 'message ' + p.index + ' from the ' + p.from + ', ' + p.size + ' bytes at ' + p.t.toFixed(6) + ' s'));
      dot.addEventListener('click', function () { selectFrame(p.frame); });
      s.appendChild(dot);
    });
    plotBox.appendChild(s);
    plotBox.appendChild(el('p', { class: 'muted' }, [el('span', { class: 'from-client' }, '● client'), '  ', el('span', { class: 'from-server' }, '■ server'), '  — sizes after inflation, on a logarithmic scale; click a point for its message.']));
  }

  // ----------------------------------------------------------- statistics
  /** What --stats tells of the connection, from the counts the analysis kept. */
  function renderStats() {
    clear(statsBox);
    var c = conn(), k = c.counts;
    if (!k.frames) return;
    statsBox.appendChild(el('h3', null, 'Statistics'));
    var sides = ['client', 'server'];
    var rows = [];
    var ops = {};
    sides.forEach(function (sd) { Object.keys(k[sd].frames).forEach(function (op) { ops[op] = true; }); });
    Object.keys(ops).map(Number).sort(function (a, b) { return a - b; }).forEach(function (op) {
      rows.push([opName(op) + ' frames'].concat(sides.map(function (sd) { var x = k[sd].frames[op]; return x ? x.count + ' (' + x.bytes + ' bytes)' : '0'; })));
    });
    rows.push(['messages'].concat(sides.map(function (sd) { return k[sd].messages + ' (' + k[sd].messageBytes + ' bytes)'; })));
    rows.push(['largest message'].concat(sides.map(function (sd) { return k[sd].largestMessage + ' bytes' + (c.compression ? ' on the wire' : ''); })));
    if (c.compression) rows.push(['largest message, inflated'].concat(sides.map(function (sd) { return k[sd].largestInflated + ' bytes'; })));
    rows.push(['fragmented messages'].concat(sides.map(function (sd) { return String(k[sd].fragmentedMessages); })));
    rows.push(['pings / pongs'].concat(sides.map(function (sd) { return k[sd].pings + ' / ' + k[sd].pongs; })));
    rows.push(['pong round trips'].concat(sides.map(function (sd) { var x = k[sd]; return x.rtts ? 'min ' + (x.rttMin * 1000).toFixed(3) + ' ms, mean ' + (x.rttSum / x.rtts * 1000).toFixed(3) + ' ms, max ' + (x.rttMax * 1000).toFixed(3) + ' ms' : '—'; })));
    if (c.compression) rows.push(['compressed messages, on the wire → inflated'].concat(sides.map(function (sd) { var z = c.compression[sd]; return z.wire + ' → ' + z.inflated + ' bytes'; })));
    var appKeys = {};
    sides.forEach(function (sd) { Object.keys(k[sd].app || {}).forEach(function (key) { appKeys[key] = true; }); });
    Object.keys(appKeys).forEach(function (key) { rows.push([shown(key)].concat(sides.map(function (sd) { return String((k[sd].app || {})[key] || 0); }))); });
    var t = el('table', { id: 'stats-table' }, el('tr', null, [el('th', null, ''), el('th', null, 'client'), el('th', null, 'server')]));
    rows.forEach(function (r) { t.appendChild(el('tr', null, [el('td', null, r[0]), el('td', null, r[1]), el('td', null, r[2])])); });
    statsBox.appendChild(t);
    var tcp = c.tcp;
    statsBox.appendChild(el('p', { class: 'muted' }, 'TCP: ' + plural(tcp.retransmissions, 'retransmission') + ', ' + plural(tcp.outOfOrder, 'segment') + ' out of order, ' + plural(tcp.lostBytes, 'byte') + ' lost; teardown ' + tcp.teardown.kind + (tcp.teardown.firstBy ? ', the ' + tcp.teardown.firstBy + ' first' : '') + '.'));
  }

  // ---------------------------------------------------------- diagnostics
  function renderDiagnostics() {
    if (!diagBox) return;
    clear(diagBox);
    var c = conn();
    var list = c.diagnostics.filter(severityOn);
    diagBox.appendChild(el('h3', null, 'Diagnostics (' + list.length + (list.length !== c.diagnostics.length ? ' of ' + c.diagnostics.length : '') + ')'));
    if (!list.length) { diagBox.appendChild(el('p', { class: 'muted' }, 'None.')); return; }
    var shownList = list.slice(0, 1000);
    diagBox.appendChild(el('ul', { id: 'diagnostic-list' }, shownList.map(function (d) { return diagItem(d, selectPacket); })));
    if (list.length > shownList.length) diagBox.appendChild(el('p', { class: 'muted' }, (list.length - shownList.length) + ' more: the JSON export (--json) lists every one.'));
  }

  // ------------------------------------------------------------ selection
  function pageOfPacket(c, packet) {
    var i = c.timeline.findIndex(function (e) { return e.packet === packet; });
    return i < 0 ? state.ladderPage : Math.floor(i / PAGE);
  }
  function selectPacket(packet) {
    var c = conn();
    state.packet = packet;
    state.ladderPage = pageOfPacket(c, packet);
    var f = c.frames.find(function (x) { return x.packet === packet; }) || c.frames.find(function (x) { return x.packets.indexOf(packet) >= 0; });
    state.frame = f ? f.index : null;
    if (f) movePageTo(f);
    renderLadder(); renderFrames();
    if (f) renderFrameDetail(f.index); else renderPacketDetail(packet);
    scrollToSelected();
  }
  function movePageTo(f) {
    var list = conn().frames.filter(frameVisible);
    var i = list.indexOf(f);
    if (i >= 0) state.framePage = Math.floor(i / PAGE);
  }
  function selectFrame(index) {
    var c = conn();
    var f = c.frames.find(function (x) { return x.index === index; });
    if (!f) return;
    state.frame = index; state.packet = f.packet;
    state.ladderPage = pageOfPacket(c, f.packet);
    movePageTo(f);
    renderLadder(); renderFrames(); renderFrameDetail(index);
    scrollToSelected();
  }
  function scrollToSelected() {
    // scrolled to only when out of sight: a scroll forces a layout
    // (the frame's row, else the packet's arrow: a packet that carries no frame)
    var row = document.querySelector('#frame-table tr.sel') || document.querySelector('#ladder-svg g.row.sel');
    if (!row) return;
    var r = row.getBoundingClientRect();
    // in sight: between the sticky header and the details pane, in the middle of that when it was not
    var above = top.offsetHeight, below = layoutBox.classList.contains('with-detail') ? detail.getBoundingClientRect().top : window.innerHeight;
    if (r.top < above || r.bottom > below) window.scrollBy(0, r.top + r.height / 2 - (above + below) / 2);
  }
  function selectConn(i) {
    state.conn = i; state.frame = null; state.packet = null; state.ladderPage = 0; state.framePage = 0;
    var pick = document.getElementById('f-conn'); if (pick) pick.value = pick.tagName === 'SELECT' ? String(i) : String(conns[i].id);
    renderOverview(); renderConnection();
  }
  function step(delta) {
    var list = conn().frames.filter(frameVisible);
    if (!list.length) return;
    var at = list.findIndex(function (f) { return f.index === state.frame; });
    var next;
    if (at >= 0) next = Math.min(list.length - 1, Math.max(0, at + delta));
    else if (state.frame === null) next = delta > 0 ? 0 : list.length - 1;
    else {
      // the selected frame is filtered out: the nearest visible one in the direction asked
      var after = list.findIndex(function (f) { return f.index > state.frame; });
      next = delta > 0 ? (after < 0 ? list.length - 1 : after) : (after < 0 ? list.length - 1 : Math.max(0, after - 1));
    }
    selectFrame(list[next].index);
  }
  document.addEventListener('keydown', function (ev) {
    var target = ev.target || {};
    var t = target.tagName;
    // typing in a field keeps its keys; a ticked box does not
    if ((t === 'INPUT' && target.type !== 'checkbox') || t === 'SELECT' || t === 'TEXTAREA' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    // the arrows move between frames once one is selected; before that they scroll the page
    var arrows = state.frame !== null;
    if (ev.key === 'j' || (arrows && ev.key === 'ArrowDown')) { step(1); ev.preventDefault(); }
    else if (ev.key === 'k' || (arrows && ev.key === 'ArrowUp')) { step(-1); ev.preventDefault(); }
    else if (ev.key === 'Escape' && layoutBox && layoutBox.classList.contains('with-detail')) closeDetail();
    else if (ev.key === 'n' && state.conn < conns.length - 1) selectConn(state.conn + 1);
    else if (ev.key === 'p' && state.conn > 0) selectConn(state.conn - 1);
  });

  if (end) document.title = 'wsdissect — ' + shown(end.capture.file) + (end.interruption ? ' (interrupted)' : '');
  renderHeader();
  // the detail pane sticks below the header, whose height depends on how its controls wrap
  function headerHeight() { document.documentElement.style.setProperty('--header', top.offsetHeight + 'px'); }
  headerHeight();
  window.addEventListener('resize', headerHeight);
  renderOverview();
  renderConnection();
  document.body.setAttribute('data-render-ms', String(Math.round(performance.now() - started)));
  document.body.setAttribute('data-ready', 'true');
})();
`;
