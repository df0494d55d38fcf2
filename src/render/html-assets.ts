// The HTML report's own style sheet and script, written into every report
// (src/render/html.ts): the report fetches nothing. The script is
// src/page/report.ts, compiled on its own by the build (it runs in the
// browser, against the DOM); it is given the tables and functions it shares
// with the terminal views (opcode names, labels, phases, the header's bit
// layout) from their TypeScript sources here.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { APP_LABELS } from '../app/protocols.js';
import { PHASES } from '../model.js';
import { OPCODE_NAMES } from '../websocket/frame.js';
import { headerFields, headerRows } from '../websocket/header-bits.js';
import { sizeScale } from './plot-scale.js';

/** The font of the sequence diagram's text: the style sheet draws it, the script measures its labels with it. */
export const LADDER_FONT = '12px ui-monospace, Menlo, Consolas, monospace';

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
.phase-tcp-handshake { fill: #e8f1fb; background: #e8f1fb; } .phase-tls-handshake { fill: #e6f4ef; background: #e6f4ef; } .phase-ws-handshake { fill: #efe8fb; background: #efe8fb; }
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
#f-conn { max-width: 24em; text-overflow: ellipsis; }
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

/**
 * What the page's script is given (its global SHARED, src/page/data.d.ts):
 * the terminal's own tables, the header's bit layout as the source of the
 * functions the terminal runs, and the message-size plot's scale (they use
 * nothing outside their bodies).
 */
export function sharedScript(): string {
  const data = { opcodes: OPCODE_NAMES, labels: APP_LABELS, phases: PHASES, ladderFont: LADDER_FONT };
  const json = JSON.stringify(data);
  return `var SHARED = ${json.slice(0, -1)}, "headerFields": ${headerFields.toString()}, "headerRows": ${headerRows.toString()}, "sizeScale": ${sizeScale.toString()}};`;
}

/** Where the build puts the page's script, from here as from the compiled module (both two folders below the package). */
const COMPILED = new URL('../../dist/page/page/report.js', import.meta.url);

let compiled: string | null = null;

/** The page's script as the build compiled it (read once). */
export function pageScript(): string {
  if (compiled === null) {
    try {
      compiled = readFileSync(COMPILED, 'utf8');
    } catch (err) {
      throw new Error(`the HTML report's script is not built (${fileURLToPath(COMPILED)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}): run npm run build`);
    }
  }
  return compiled;
}
