// The HTML report's script: it reads the page's JSON data blocks (one per
// connection, then the capture's end) and draws the views from them, one page
// of rows at a time, when the document has been read. Everything from the
// capture goes into the page as text (textContent, attribute values), never
// as markup. Compiled on its own (src/page/tsconfig.json: the DOM's types,
// not Node's) and written into every report by render/html.ts, with SHARED
// (the opcode names, the labels, the phases, the header's bit layout: the
// terminal views' own tables and functions) and HIDDEN before it.

/** Rows a page of the ladder and of the frame table. */
const PAGE = 200;

type Kid = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | null | undefined> | null;

function drawReport(): void {
  const started = performance.now();
  const OPCODES = SHARED.opcodes;
  /** Characters of a connection's description shown in the connection list (the rest in its title). */
  const CONN_OPTION = 48;
  const OPCLASSES = ['text', 'binary', 'continuation', 'close', 'ping', 'pong', 'other'];
  const LABELS = SHARED.labels;
  const PHASES = SHARED.phases;
  const conns: PageConnection[] = [];
  let end: PageEnd | null = null;
  const blocks = document.querySelectorAll('script.wsd-data');
  for (const block of Array.from(blocks)) {
    const data = JSON.parse(block.textContent ?? 'null') as unknown;
    if (block.getAttribute('data-kind') === 'end') end = data as PageEnd;
    else conns.push(data as PageConnection);
  }
  // by connection, each with the WebSocket conversations its HTTP/2 streams carried after it, in order of stream
  conns.sort((x, y) => x.id - y.id || (x.stream ?? -1) - (y.stream ?? -1));
  const state = {
    conn: 0,
    sender: 'all',
    opcodes: {} as Record<string, boolean>,
    severities: { error: true, warning: true, info: true } as Record<Severity, boolean>,
    ladderPage: 0,
    framePage: 0,
    frame: null as number | null,
    packet: null as number | null,
  };
  OPCLASSES.forEach((o) => (state.opcodes[o] = true));
  const firstWs = conns.findIndex((c) => c.websocket);
  state.conn = firstWs >= 0 ? firstWs : 0;

  // ---------------------------------------------------------------- helpers
  /** Control and bidirectional characters from a capture, made visible (never interpreted). */
  // eslint-disable-next-line no-control-regex
  const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
  function shown(s: unknown): string {
    // C0 controls but newline and tab as \xNN, the hidden characters (HIDDEN, as the terminal's sanitize has them) as \u{N}
    return String(s)
      .replace(CONTROL, (c) => '\\x' + ('0' + c.charCodeAt(0).toString(16)).slice(-2))
      .replace(HIDDEN, (c) => '\\u{' + c.codePointAt(0)!.toString(16) + '}');
  }
  /** Text in quotes as the terminal quotes it (inQuotes): single quotes around text holding double ones and no single one, else double quotes with the inner ones escaped. */
  function quoted(raw: string): string {
    const s = shown(raw);
    return s.indexOf('"') >= 0 && s.indexOf("'") < 0 ? "'" + s + "'" : '"' + s.replace(/"/g, '\\"') + '"';
  }
  function isoTime(ts: number): string {
    // a timestamp past a Date's range (a damaged or crafted capture) shows as seconds
    const d = new Date(ts * 1000);
    return isFinite(d.getTime()) ? d.toISOString() : ts + ' s since 1970';
  }
  function minMax(list: number[]): [number, number] {
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of list) {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    return [lo, hi];
  }
  function sizeLabel(n: number): string {
    return n >= 1e9 ? n / 1e9 + 'G' : n >= 1e6 ? n / 1e6 + 'M' : n >= 1e3 ? n / 1e3 + 'k' : String(n);
  }
  /** JSON re-indented as sent (numbers, escapes and repeated keys kept): only white space outside strings changes. */
  function layOut(text: string): string {
    let out = '';
    let depth = 0;
    let inStr = false;
    let esc = false;
    const nl = (): void => {
      out += '\n' + Array(depth + 1).join('  ');
    };
    for (let i = 0; i < text.length; i++) {
      const ch = text.charAt(i);
      if (inStr) {
        out += ch;
        if (esc) esc = false;
        else if (ch === '\\') esc = true;
        else if (ch === '"') inStr = false;
        continue;
      }
      if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t') continue;
      if (ch === '"') {
        inStr = true;
        out += ch;
      } else if (ch === '{' || ch === '[') {
        const close = ch === '{' ? '}' : ']';
        let j = i + 1;
        while (j < text.length && /\s/.test(text.charAt(j))) j++;
        if (text.charAt(j) === close) {
          out += ch + close;
          i = j;
          continue;
        }
        depth++;
        out += ch;
        nl();
      } else if (ch === '}' || ch === ']') {
        depth--;
        nl();
        out += ch;
      } else if (ch === ',') {
        out += ch;
        nl();
      } else if (ch === ':') out += ': ';
      else out += ch;
    }
    return out;
  }
  /** The characters of s as a reader counts them (a letter and its accents, an emoji, are one). */
  const segmenter = typeof Intl !== 'undefined' && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;
  function characters(s: string): string[] {
    return segmenter ? Array.from(segmenter.segment(s), (x) => x.segment) : Array.from(s);
  }
  let measurer: CanvasRenderingContext2D | null = null;
  function textWidth(s: string, font: string): number {
    if (!measurer) measurer = document.createElement('canvas').getContext('2d')!;
    measurer.font = font;
    return measurer.measureText(s).width;
  }
  /**
   * s made to fit in width pixels of font: whole when it fits, else cut
   * between two words (or, when the last space is far back or there is none,
   * as in Chinese, between two characters) and ended with "…".
   */
  function fit(text: unknown, width: number, font: string): string {
    const s = String(text);
    if (textWidth(s, font) <= width) return s;
    const ch = characters(s);
    let lo = 0;
    let hi = ch.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (textWidth(ch.slice(0, mid).join('') + '…', font) <= width) lo = mid;
      else hi = mid - 1;
    }
    let cut = lo;
    // letters of scripts that put spaces between words
    const spaced = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{N}]/u;
    if (cut > 0 && spaced.test(ch[cut - 1]!) && spaced.test(ch[cut]!)) {
      // inside a word: back to the space before it, when that keeps at least half of what fits
      let k = cut - 1;
      while (k > 0 && !/\s/u.test(ch[k - 1]!)) k--;
      if (k > 0 && k >= cut / 2) cut = k;
    }
    return ch.slice(0, cut).join('').replace(/\s+$/u, '') + '…';
  }
  function setAttrs(e: Element, attrs: Attrs): void {
    if (attrs) for (const k in attrs) if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, String(attrs[k]));
  }
  function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, kids?: Kid | Kid[]): HTMLElementTagNameMap[K] {
    const e = document.createElement(tag);
    setAttrs(e, attrs ?? null);
    append(e, kids);
    return e;
  }
  function sv(tag: string, attrs?: Attrs, kids?: Kid | Kid[]): SVGElement {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag) as SVGElement;
    setAttrs(e, attrs ?? null);
    append(e, kids);
    return e;
  }
  function append(e: Element, kids: Kid | Kid[] | undefined): void {
    if (kids === undefined || kids === null) return;
    const list = Array.isArray(kids) ? kids : [kids];
    list.forEach((k) => {
      if (k === null || k === undefined || k === false) return;
      e.appendChild(typeof k === 'object' ? k : document.createTextNode(String(k)));
    });
  }
  function clear<E extends Element>(e: E): E {
    while (e.firstChild) e.removeChild(e.firstChild);
    return e;
  }
  function ep(e: Endpoint): string {
    return e.ip.indexOf(':') >= 0 ? '[' + e.ip + ']:' + e.port : e.ip + ':' + e.port;
  }
  function opName(op: number): string {
    return OPCODES[op] || 'reserved-' + op;
  }
  function opClass(op: number): string {
    return OPCODES[op] || 'other';
  }
  function plural(n: number, w: string): string {
    return n + ' ' + w + (n === 1 ? '' : 's');
  }
  function secs(t: unknown): string {
    return typeof t === 'number' ? t.toFixed(6) : '-';
  }
  function bytesOf(p: Payload | undefined): Uint8Array {
    if (!p) return new Uint8Array(0);
    if (p.text !== undefined) return new TextEncoder().encode(p.text);
    const bin = atob(p.base64 ?? '');
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function hx(n: number): string {
    return ('0' + n.toString(16)).slice(-2);
  }
  function hexOf(bytes: Uint8Array): string {
    return Array.from(bytes, hx).join(' ');
  }
  function pager(page: number, total: number, go: (page: number) => void, what: string): HTMLElement {
    const pages = Math.max(1, Math.ceil(total / PAGE));
    const from = total === 0 ? 0 : page * PAGE + 1;
    const to = Math.min(total, (page + 1) * PAGE);
    const prev = el('button', { type: 'button', 'data-role': 'prev' }, '◀');
    const next = el('button', { type: 'button', 'data-role': 'next' }, '▶');
    prev.disabled = page <= 0;
    next.disabled = page >= pages - 1;
    prev.onclick = () => go(page - 1);
    next.onclick = () => go(page + 1);
    return el('div', { class: 'pager' }, [prev, el('span', { class: 'count' }, total === 0 ? 'No ' + what.toLowerCase() : what + ' ' + from + '–' + to + ' of ' + total + (pages > 1 ? ' (page ' + (page + 1) + ' of ' + pages + ')' : '')), next]);
  }
  function conn(): PageConnection | undefined {
    return conns[state.conn];
  }
  function severityOn(d: PageDiagnostic): boolean {
    return state.severities[d.severity];
  }
  function frameVisible(f: PageFrame): boolean {
    return (state.sender === 'all' || f.from === state.sender) && state.opcodes[opClass(f.opcode)] === true;
  }
  function appLine(app: AppReading): string {
    let s = (LABELS[app.decoder] || app.decoder) + ' ' + app.summary;
    if (app.inner && app.inner.length) s += ' → ' + app.inner.map(appLine).join('; ');
    return s;
  }

  // ----------------------------------------------------------------- layout
  const top = el('header', { class: 'top' });
  const main = el('main');
  document.body.appendChild(top);
  document.body.appendChild(main);
  const overview = el('section', { id: 'overview' });
  const connSec = el('section', { id: 'connection' });
  main.appendChild(overview);
  main.appendChild(connSec);

  function renderHeader(): void {
    clear(top);
    top.appendChild(el('h1', null, 'wsdissect report'));
    if (end) top.appendChild(el('span', { class: 'file' }, shown(end.capture.file)));
    const controls = el('div', { class: 'controls', id: 'controls' });
    let pick: HTMLSelectElement | HTMLInputElement;
    if (conns.length <= 500) {
      const select = el('select', { id: 'f-conn', 'aria-label': 'connection' });
      conns.forEach((c, i) => {
        // a long description (a TLS connection's) is cut, whole in the option's title: the list stays narrow
        const label = 'Connection ' + c.name + (c.websocket ? '' : ' — ' + c.kind);
        const o = el('option', { value: i, title: label }, label.length > CONN_OPTION ? label.slice(0, CONN_OPTION - 1) + '…' : label);
        if (i === state.conn) o.selected = true;
        select.appendChild(o);
      });
      select.onchange = () => selectConn(Number(select.value));
      pick = select;
    } else {
      const input = el('input', { id: 'f-conn', type: 'number', min: 0, value: conns[state.conn] ? conns[state.conn]!.id : 0, 'aria-label': 'connection number' });
      input.onchange = () => {
        const v = Number(input.value);
        const i = conns.findIndex((c) => c.id === v && c.stream === null);
        if (i >= 0) selectConn(i);
      };
      pick = input;
    }
    controls.appendChild(el('label', null, ['Connection ', pick]));
    const sender = el(
      'select',
      { id: 'f-sender', 'aria-label': 'sender' },
      ['all', 'client', 'server'].map((s) => {
        const o = el('option', { value: s }, s === 'all' ? 'both sides' : 'the ' + s);
        if (s === state.sender) o.selected = true;
        return o;
      }),
    );
    sender.onchange = () => {
      state.sender = sender.value;
      state.framePage = 0;
      renderFrames();
      renderLadder();
      renderPlot();
    };
    controls.appendChild(el('label', null, ['Sender ', sender]));
    const ops = el('fieldset', { id: 'f-opcodes' }, el('legend', null, 'Opcodes'));
    OPCLASSES.forEach((o) => {
      const box = el('input', { type: 'checkbox', value: o, 'data-opcode': o });
      box.checked = state.opcodes[o] === true;
      box.onchange = () => {
        state.opcodes[o] = box.checked;
        state.framePage = 0;
        renderFrames();
        renderLadder();
        renderPlot();
      };
      ops.appendChild(el('label', null, [box, o]));
    });
    controls.appendChild(ops);
    const sev = el('fieldset', { id: 'f-severity' }, el('legend', null, 'Severity'));
    (['error', 'warning', 'info'] as const).forEach((s) => {
      const box = el('input', { type: 'checkbox', value: s, 'data-severity': s });
      box.checked = state.severities[s];
      box.onchange = () => {
        state.severities[s] = box.checked;
        renderDiagnostics();
        renderLadder();
        renderOverview();
      };
      sev.appendChild(el('label', null, [box, s]));
    });
    controls.appendChild(sev);
    controls.appendChild(el('span', { class: 'help' }, "Keys: j / ↓ next frame, k / ↑ previous (the arrows once a frame is selected), n / p next or previous connection. The sender and opcode filters apply to the frame table and the plot; the severity filter to the diagnostics and the ladder's marks."));
    top.appendChild(controls);
  }

  // --------------------------------------------------------------- overview
  function renderOverview(): void {
    clear(overview);
    overview.appendChild(el('h2', null, 'Overview'));
    if (!end) {
      overview.appendChild(el('p', null, 'The report is incomplete: the analysis did not finish.'));
      return;
    }
    // the reading was interrupted (Ctrl-C on a live capture): the report holds what was read until then
    if (end.interruption) overview.appendChild(el('p', { class: 'cut-short', id: 'interrupted', role: 'note' }, end.interruption));
    const c = end.capture;
    const s = end.summary;
    const first = c.firstTs;
    const last = c.lastTs;
    overview.appendChild(
      el('dl', { class: 'kv', id: 'capture-facts' }, [
        el('dt', null, 'File'),
        el('dd', null, shown(c.file) + (c.compressed ? ' (gzip)' : '')),
        el('dt', null, 'Format'),
        el('dd', null, c.format + ', ' + (end.linkTypeNames || c.linkTypes).join(', ')),
        el('dt', null, 'Packets'),
        el('dd', null, c.packets + ' packets, ' + c.bytes + ' bytes'),
        el('dt', null, 'Time'),
        el('dd', null, first === null ? '—' : isoTime(first) + ', ' + ((last ?? first) - first).toFixed(6) + ' s'),
        el('dt', null, 'Connections'),
        el('dd', null, plural(s.connections, 'TCP connection') + ', ' + s.websocketConnections + ' WebSocket' + (s.refusedUpgrades ? ', ' + plural(s.refusedUpgrades, 'upgrade') + ' refused' : '') + '; ' + plural(s.frames, 'frame') + ', ' + plural(s.messages, 'message')),
        el('dt', null, 'Diagnostics'),
        el(
          'dd',
          { id: 'severity-counts' },
          (['error', 'warning', 'info'] as const).map((k) => el('span', null, [el('span', { class: 'badge ' + k }, k), ' ' + s.diagnostics[k] + '  '])),
        ),
        end.cut ? el('dt', null, 'Frames held') : null,
        end.cut
          ? el(
              'dd',
              { id: 'report-cut', class: 'cut-short' },
              'this report holds ' + end.cut.shown + ' of ' + (end.selection ? 'the ' + plural(end.cut.frames, 'frame') + ' selected' : plural(end.cut.frames, 'frame')) + ': the connections whole, in the order they ended, up to ' + end.cut.budget + ' frames (--html-frames), then only their handshakes and teardown; ' + plural(end.cut.connections, 'connection') + ' cut (the counts and verdicts are the whole capture\'s). A page of every frame would not open in a browser: make a report of one connection with --stream N, narrow it with --from, --opcode or --limit, raise the budget with --html-frames, or read everything with --json.',
            )
          : null,
        end.selection ? el('dt', null, 'Selection') : null,
        end.selection ? el('dd', { id: 'selection' }, shown(end.selection) + ": the report holds only what this selects (the counts above are the whole capture's)") : null,
        el('dt', null, 'Made by'),
        el('dd', null, end.tool.name + ' ' + end.tool.version + (end.maxPayload !== null ? '; payloads cut to ' + end.maxPayload + ' bytes (--max-payload)' : '')),
      ]),
    );
    const MAX_ROWS = 2000;
    // past the rows shown, the WebSocket connections come first: they are what a report is for
    const order = conns.map((_, i) => i);
    if (conns.length > MAX_ROWS) order.sort((a, b) => (conns[b]!.websocket ? 1 : 0) - (conns[a]!.websocket ? 1 : 0) || a - b);
    const rows = order.slice(0, MAX_ROWS).map((i) => {
      const cn = conns[i]!;
      const d = cn.counts.diagnostics;
      const tr = el('tr', { class: 'clickable' + (i === state.conn ? ' sel' : ''), 'data-conn': i }, [
        el('td', { class: 'num' }, cn.name),
        el('td', { class: 'mono' }, ep(cn.client)),
        el('td', { class: 'mono' }, ep(cn.server)),
        el('td', null, cn.kind),
        el('td', null, cn.app ? LABELS[cn.app.decoder] || cn.app.decoder : '—'),
        el('td', null, cn.verdict),
        el('td', { class: 'num' }, cn.counts.frames),
        el('td', { class: 'num' }, cn.counts.messages),
        el('td', { class: 'num' }, d.error),
        el('td', { class: 'num' }, d.warning),
        el('td', { class: 'num' }, d.info),
      ]);
      tr.onclick = () => {
        selectConn(i);
        connSec.scrollIntoView();
      };
      return tr;
    });
    const head = el(
      'tr',
      null,
      ['#', 'Client', 'Server', 'Protocol', 'Application', 'Verdict', 'Frames', 'Messages', 'Errors', 'Warnings', 'Info'].map((h) => el('th', null, h)),
    );
    overview.appendChild(el('h3', null, 'Connections'));
    overview.appendChild(el('div', { class: 'table-wrap' }, el('table', { id: 'connections' }, [el('thead', null, head), el('tbody', null, rows)])));
    if (conns.length > rows.length) overview.appendChild(el('p', { class: 'muted' }, conns.length - rows.length + ' more connections (WebSocket ones are listed first): pick one by its number above.'));
    const capDiags = end.diagnostics.filter(severityOn);
    if (capDiags.length) {
      overview.appendChild(el('h3', null, 'Capture diagnostics'));
      overview.appendChild(el('ul', { id: 'capture-diagnostics' }, capDiags.slice(0, 1000).map((d) => diagItem(d, null))));
    }
  }

  // ------------------------------------------------------------- connection
  // the connection's boxes, made by renderConnection (none when the capture has no connection)
  let ladderBox: HTMLElement | null = null;
  let framesBox: HTMLElement | null = null;
  let detail: HTMLElement | null = null;
  let layoutBox: HTMLElement | null = null;
  let handshakeBox: HTMLElement | null = null;
  let plotBox: HTMLElement | null = null;
  let statsBox: HTMLElement | null = null;
  let diagBox: HTMLElement | null = null;
  function renderConnection(): void {
    clear(connSec);
    const c = conn();
    if (!c) {
      connSec.appendChild(el('p', null, 'No TCP connection in this capture.'));
      return;
    }
    connSec.appendChild(el('h2', { id: 'conn-title' }, 'Connection ' + c.name + ': ' + ep(c.client) + ' (client) ⇄ ' + ep(c.server) + ' (server)'));
    if (c.cut) connSec.appendChild(el('p', { class: 'cut-short', id: 'conn-cut', role: 'note' }, 'This report holds ' + (c.cut.shown === 0 ? 'none' : 'the first ' + c.cut.shown) + ' of ' + (end && end.selection ? 'the ' + plural(c.cut.frames, 'frame') + ' of this connection selected' : 'this connection\'s ' + plural(c.cut.frames, 'frame')) + ' (the report\'s budget of frames, --html-frames, was reached): the ladder, the frame table and the plot leave out the others and the packets that carry them, the handshakes and the teardown kept; the story, the statistics and the diagnostics tell of every frame. ' + (conns.length > 1 ? '--stream ' + c.name + ' makes a report of this connection alone, --html-frames all one of every frame of it.' : '--html-frames all makes a report of every frame of it.')));
    if (c.story.length) connSec.appendChild(el('ul', { class: 'story', id: 'story' }, c.story.map((s) => el('li', null, shown(s)))));
    else if (!c.websocket) connSec.appendChild(el('p', null, 'Not WebSocket: ' + c.kind + ', no upgrade request; ' + plural(c.timeline.length, 'packet') + '.'));
    const h2 = c.http2;
    if (h2) {
      // its HTTP/2 streams: a WebSocket among them is a connection of its own (RFC 8441)
      const head = 'HTTP/2 (' + (h2.start === 'tls' ? 'h2 inside TLS' : h2.start === 'upgrade' ? 'h2c, upgraded from HTTP/1.1' : 'h2c, prior knowledge') + '): ' + (h2.connectProtocol !== null ? 'the server enabled the extended CONNECT in packet ' + h2.connectProtocol : 'the server never enabled the extended CONNECT') + '; ' + plural(h2.streamCount, 'stream') + '.';
      connSec.appendChild(el('p', { id: 'h2-streams' }, head));
      connSec.appendChild(
        el(
          'ul',
          { class: 'story' },
          h2.streams.map((s) => el('li', null, shown('stream ' + s.id + '  ' + (s.method ?? '(no request seen)') + (s.path !== null ? ' ' + s.path : '') + (s.protocol !== null ? ' (:protocol ' + s.protocol + ')' : '') + (s.status !== null ? ' → ' + s.status : '') + (s.websocket ? (s.status !== null && s.status >= 200 && s.status < 300 ? ': WebSocket, connection ' : ': WebSocket refused, connection ') + c.id + '/' + s.id : '')))),
        ),
      );
    }
    const left = el('div', { class: 'left' });
    detail = el('aside', { id: 'detail' }, el('p', { class: 'muted' }, 'Click a packet in the ladder or a frame in the table to see its details.'));
    layoutBox = el('div', { class: 'layout', id: 'layout' }, [left, detail]);
    document.body.classList.remove('detail-open');
    connSec.appendChild(layoutBox);
    ladderBox = el('section', { id: 'ladder' });
    if (ladderSizes) {
      ladderSizes.disconnect();
      ladderSizes.observe(ladderBox);
    }
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
    if (state.frame !== null) renderFrameDetail(state.frame);
    else if (state.packet !== null) renderPacketDetail(state.packet);
  }

  function diagsAt(c: PageConnection, packet: number): PageDiagnostic[] {
    return c.diagnostics.filter((d) => d.packet === packet && severityOn(d));
  }

  // ---------------------------------------------------------------- ladder
  const ROW = 22;
  const TOPY = 36;
  const CX = 218;
  /** The narrowest the diagram is drawn (a narrower window scrolls it), and the font of its text. */
  const LADDER_MIN = 480;
  const LADDER_FONT = SHARED.ladderFont;
  let ladderWidth = 0;
  function renderLadder(): void {
    const c = conn();
    if (!ladderBox || !c) return;
    const box = ladderBox;
    clear(box);
    box.appendChild(el('h3', null, 'Sequence diagram'));
    box.appendChild(el('div', { class: 'legend' }, PHASES.map((p) => el('span', { class: 'phase-' + p }, p))));
    const tl = c.timeline;
    const pages = Math.max(1, Math.ceil(tl.length / PAGE));
    if (state.ladderPage >= pages) state.ladderPage = pages - 1;
    box.appendChild(
      pager(
        state.ladderPage,
        tl.length,
        (p) => {
          state.ladderPage = p;
          renderLadder();
        },
        'Packets',
      ),
    );
    const rows = tl.slice(state.ladderPage * PAGE, (state.ladderPage + 1) * PAGE);
    // as wide as its box: each label is made to fit what is left of it
    const wrap = el('div', { class: 'ladder-wrap' });
    box.appendChild(wrap);
    ladderWidth = wrap.clientWidth;
    const h = TOPY + rows.length * ROW + 10;
    const w = Math.max(LADDER_MIN, ladderWidth);
    // the arrows shorter in a narrow window, for more of the labels
    const SX = CX + Math.max(100, Math.min(170, Math.round((w - 600) / 2)));
    const TX = SX + 12;
    /** Text made to fit in room pixels, with the whole as its tooltip when it had to be shortened. */
    function label(attrs: Attrs, s: string, room: number): SVGElement {
      const whole = shown(s);
      const short = fit(whole, room, LADDER_FONT);
      const t = sv('text', attrs, short);
      if (short !== whole) t.appendChild(sv('title', null, whole));
      return t;
    }
    const s = sv('svg', { class: 'ladder', id: 'ladder-svg', width: w, height: h, viewBox: '0 0 ' + w + ' ' + h, role: 'img', 'aria-label': 'sequence diagram' });
    const defs = sv('defs');
    (['client', 'server'] as const).forEach((side) => {
      defs.appendChild(
        sv(
          'marker',
          { id: 'head-' + side, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
          sv('path', { d: 'M0,0 L10,5 L0,10 z', fill: side === 'client' ? '#1f6fd1' : '#c85a00' }),
        ),
      );
    });
    s.appendChild(defs);
    // phases: a band behind each run of packets in the same phase
    let i = 0;
    while (i < rows.length) {
      let j = i;
      while (j + 1 < rows.length && rows[j + 1]!.phase === rows[i]!.phase) j++;
      s.appendChild(sv('rect', { class: 'phase-' + rows[i]!.phase, x: 0, y: TOPY + i * ROW, width: w, height: (j - i + 1) * ROW }));
      s.appendChild(sv('text', { class: 'phase-label', x: CX - 12, y: TOPY + i * ROW + 15, 'text-anchor': 'end' }, rows[i]!.phase));
      i = j + 1;
    }
    // each end's name over its lifeline, its address under the client's and to the right of the server's (IPv6 addresses are long)
    s.appendChild(sv('text', { x: CX, y: 12, 'text-anchor': 'middle' }, 'client'));
    s.appendChild(label({ x: CX - 6, y: 26, 'text-anchor': 'end', class: 'muted' }, ep(c.client), CX - 6 - 4));
    s.appendChild(sv('text', { x: SX, y: 12, 'text-anchor': 'middle' }, 'server'));
    s.appendChild(label({ x: SX + 6, y: 26, class: 'muted' }, ep(c.server), w - SX - 6 - 8));
    s.appendChild(sv('line', { class: 'lifeline', x1: CX, y1: 16, x2: CX, y2: h - 4 }));
    s.appendChild(sv('line', { class: 'lifeline', x1: SX, y1: 16, x2: SX, y2: h - 4 }));
    rows.forEach((e, k) => {
      const y = TOPY + k * ROW + ROW / 2;
      // a packet with TCP flags only (an ACK) is drawn lighter than one that carries something
      const bare = e.bare;
      const g = sv('g', { class: 'row' + (bare ? ' bare' : '') + (state.packet === e.packet ? ' sel' : ''), 'data-packet': e.packet });
      g.appendChild(sv('rect', { class: 'hit', x: 0, y: y - ROW / 2, width: w, height: ROW }));
      g.appendChild(sv('text', { x: 6, y: y + 4 }, String(e.packet)));
      g.appendChild(sv('text', { x: 46, y: y + 4, class: 'muted' }, secs(e.relTs)));
      const x1 = e.from === 'client' ? CX : SX;
      const x2 = e.from === 'client' ? SX : CX;
      g.appendChild(sv('line', { class: 'arrow ' + e.from, x1, y1: y, x2, y2: y, 'marker-end': 'url(#head-' + e.from + ')' }));
      const ds = diagsAt(c, e.packet);
      if (ds.length) {
        const worst = ds.some((d) => d.severity === 'error') ? 'error' : ds.some((d) => d.severity === 'warning') ? 'warning' : 'info';
        g.appendChild(
          sv('circle', { class: 'mark ' + worst, cx: (CX + SX) / 2, cy: y, r: 6, 'data-diagnostics': ds.length }, sv('title', null, ds.map((d) => d.severity + ' ' + d.code + ': ' + shown(d.message)).join('\n'))),
        );
      }
      // the whole summary is the label's tooltip, shortened or not
      const whole = shown(e.summary);
      const t = sv('text', { x: TX, y: y + 4, class: 'summary' }, fit(whole, w - TX - 8, LADDER_FONT));
      t.appendChild(sv('title', null, whole));
      g.appendChild(t);
      g.addEventListener('click', () => selectPacket(e.packet));
      s.appendChild(g);
    });
    wrap.appendChild(s);
  }
  // a box made wider or narrower (the window resized, a scroll bar come or gone) draws the diagram again, to its new width
  let resizing = false;
  const ladderSizes =
    typeof ResizeObserver === 'function'
      ? new ResizeObserver(() => {
          if (resizing) return;
          resizing = true;
          requestAnimationFrame(() => {
            resizing = false;
            const wrap = ladderBox && ladderBox.querySelector('.ladder-wrap');
            if (wrap && wrap.clientWidth !== ladderWidth) renderLadder();
          });
        })
      : null;

  // ---------------------------------------------------------------- frames
  function renderFrames(): void {
    const c = conn();
    if (!framesBox || !c) return;
    const box = framesBox;
    clear(box);
    box.appendChild(el('h3', null, 'Frames'));
    const list = c.frames.filter(frameVisible);
    const pages = Math.max(1, Math.ceil(list.length / PAGE));
    if (state.framePage >= pages) state.framePage = pages - 1;
    box.appendChild(
      pager(
        state.framePage,
        list.length,
        (p) => {
          state.framePage = p;
          renderFrames();
        },
        'Frames',
      ),
    );
    const head = el(
      'tr',
      null,
      ['#', 'Pkt', 'Time', 'From', 'FIN', 'RSV', 'Opcode', 'MASK', 'Length', 'Masking key', 'Payload'].map((x) => el('th', null, x)),
    );
    const body = el('tbody');
    const messages = new Map<number, PageMessage>();
    c.messages.forEach((m) => messages.set(m.index, m));
    list.slice(state.framePage * PAGE, (state.framePage + 1) * PAGE).forEach((f) => {
      const pv = preview(f, f.message === null ? undefined : messages.get(f.message));
      const tr = el('tr', { class: 'clickable' + (state.frame === f.index ? ' sel' : ''), 'data-frame': f.index }, [
        el('td', { class: 'num' }, f.index),
        el('td', { class: 'num' }, f.packet),
        el('td', { class: 'num' }, secs(f.relTs)),
        el('td', { class: 'from-' + f.from }, f.from),
        el('td', null, f.fin ? '1' : '0'),
        el('td', { class: 'mono' }, (f.rsv1 ? 1 : 0) + '' + (f.rsv2 ? 1 : 0) + (f.rsv3 ? 1 : 0)),
        el('td', null, '0x' + f.opcode.toString(16) + ' ' + opName(f.opcode)),
        el('td', null, f.masked ? '1' : '0'),
        el('td', { class: 'num' }, f.payloadLength),
        el('td', { class: 'mono' }, f.maskingKey || '-'),
        el('td', { class: 'mono payload', title: pv.text || null }, [pv.note ? el('span', { class: 'note' }, pv.note + ' ') : null, pv.text]),
      ]);
      tr.onclick = () => selectFrame(f.index);
      body.appendChild(tr);
    });
    box.appendChild(el('div', { class: 'table-wrap' }, el('table', { id: 'frame-table' }, [el('thead', null, head), body])));
    if (!c.frames.length && c.cut) box.appendChild(el('p', { class: 'muted' }, 'None of ' + (end && end.selection ? 'the ' + plural(c.cut.frames, 'frame') + ' selected' : 'its ' + plural(c.cut.frames, 'frame')) + ' is held: the report\'s budget of frames (--html-frames) was spent before this connection.'));
    else if (!c.frames.length) box.appendChild(el('p', { class: 'muted' }, c.websocket ? 'No WebSocket frame.' : c.handshake ? 'No WebSocket frame: ' + c.kind + '.' : 'Not a WebSocket connection.'));
  }

  /**
   * What a frame carries, for its row: the payload as text (on one line,
   * newlines and tabs as \n and \t) or as hex, a Close's code and reason,
   * and, for a compressed message, its inflated payload on its last frame.
   * The cell cuts it to its width; the first PREVIEW characters are kept.
   */
  const PREVIEW = 300;
  function preview(f: PageFrame, msg: PageMessage | undefined): { text: string; note?: string | null } {
    if (f.opcode === 8) {
      if (f.close && f.close.code !== null) return { text: shown(f.close.code + (f.closeName ? ' ' + f.closeName : '') + (f.close.reason ? ' "' + oneLine(f.close.reason) + '"' : '')) };
      return { text: f.closeBody ? hexStart({ base64: f.closeBody }) : '' };
    }
    if (msg && msg.compressed) {
      const last = msg.frames[msg.frames.length - 1] === f.index;
      if (last && msg.inflatedLength !== null && msg.payload) return { note: 'inflated', text: payloadStart(msg.payload) };
      return { note: 'compressed', text: f.payload ? hexStart(f.payload) : '' };
    }
    if (!f.payload) return { note: String(f.payloadLength) !== '0' ? '(left out)' : null, text: '' };
    return { text: payloadStart(f.payload) };
  }
  function oneLine(text: string): string {
    const ch = characters(String(text).slice(0, PREVIEW * 4));
    const more = ch.length > PREVIEW || String(text).length > PREVIEW * 4;
    return (
      shown(ch.slice(0, PREVIEW).join(''))
        .replace(/\n/g, '\\n')
        .replace(/\t/g, '\\t') + (more ? '…' : '')
    );
  }
  function payloadStart(p: Payload): string {
    return p.text !== undefined ? oneLine(p.text) + (p.truncated ? '…' : '') : hexStart(p);
  }
  /** The first bytes in hex (decoding only the start of a large payload). */
  function hexStart(p: Payload): string {
    const n = 48;
    const base64 = p.base64 ?? '';
    const b = bytesOf({ base64: base64.slice(0, (n / 3) * 4) });
    const total = (base64.length / 4) * 3 - (/==$/.test(base64) ? 2 : /=$/.test(base64) ? 1 : 0);
    const more = p.truncated || total > n;
    return hexOf(b.slice(0, n)) + (more ? ' …' : '');
  }

  // ---------------------------------------------------------------- detail
  /** The frame header as RFC 6455 §5.2 draws it: 32 bits a row, each field's bits with its value (the terminal's layout, websocket/header-bits.ts). */
  function bitDiagram(f: PageFrame): HTMLElement {
    const name = (field: ReturnType<typeof SHARED.headerFields>[number]): string => {
      switch (field.kind) {
        case 'opcode':
          return 'opcode ' + field.value + ' ' + opName(f.opcode);
        case 'length':
          return 'payload len ' + field.value;
        case 'extended length':
          return 'extended payload length ' + field.value;
        case 'masking key':
          return 'masking key ' + field.value;
        default:
          return field.kind;
      }
    };
    // 32 columns of one width (table-layout: fixed), one bit a cell: a row never wraps, and the ruler's numbers stand over bits 0, 8, 16 and 24
    const table = el('table', { class: 'bits', id: 'bit-diagram' });
    const cols = el('colgroup');
    for (let i = 0; i < 32; i++) cols.appendChild(el('col'));
    table.appendChild(cols);
    const head = el('tr', { class: 'ruler' });
    for (let j = 0; j < 32; j++) head.appendChild(el('th', { class: j % 8 === 0 && j > 0 ? 'byte' : null }, j % 8 === 0 ? String(j) : ''));
    table.appendChild(head);
    let used = 0;
    for (const cells of SHARED.headerRows(SHARED.headerFields(f), 32)) {
      const row = el('tr');
      const labels = el('tr');
      used = 0;
      for (const cell of cells) {
        cell.bits.forEach((bit, k) => row.appendChild(el('td', { class: 'mono bit' + (k === 0 ? ' start' : '') }, String(bit))));
        const text = cell.first ? name(cell.field) : '(' + name(cell.field).split(' ')[0] + ' cont.)';
        labels.appendChild(el('td', { colspan: cell.bits.length, class: 'field' + (cell.bits.length <= 2 ? ' upright' : ''), title: text }, text));
        used += cell.bits.length;
      }
      // the payload data starts where the header ends
      if (used < 32) {
        row.appendChild(el('td', { colspan: 32 - used, class: 'field' }, 'payload data …'));
        labels.appendChild(el('td', { colspan: 32 - used }));
      }
      table.appendChild(row);
      table.appendChild(labels);
    }
    if (used === 32) table.appendChild(el('tr', null, el('td', { colspan: 32, class: 'field' }, 'payload data …')));
    // a pane too narrow for it scrolls it sideways
    return el('div', { class: 'bits-wrap' }, table);
  }

  function hexDump(bytes: Uint8Array, max: number): HTMLElement {
    const out: string[] = [];
    for (let i = 0; i < Math.min(bytes.length, max); i += 16) {
      const part = bytes.slice(i, Math.min(i + 16, bytes.length));
      const h = hexOf(part);
      const a = Array.from(part, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
      out.push(('0000' + i.toString(16)).slice(-4) + '  ' + (h + Array(48).join(' ')).slice(0, 48) + ' ' + a);
    }
    if (bytes.length > max) out.push('… ' + (bytes.length - max) + ' more bytes');
    return el('pre', { class: 'payload hex' }, out.join('\n'));
  }

  /** Masked bytes (as on the wire) beside the unmasked ones: each is the other XOR the key byte. */
  function maskTable(maskingKey: string, bytes: Uint8Array): HTMLElement {
    const key: number[] = [];
    for (let i = 0; i < 4; i++) key.push(parseInt(maskingKey.substr(i * 2, 2), 16));
    const t = el('table', { class: 'hex', id: 'mask-table' }, el('tr', null, ['offset', 'on the wire (masked)', 'key', 'unmasked'].map((x) => el('th', null, x))));
    for (let o = 0; o < Math.min(bytes.length, 64); o += 8) {
      const plain = bytes.slice(o, o + 8);
      const masked = Array.from(plain, (b, k) => hx(b ^ key[(o + k) % 4]!)).join(' ');
      const keys = Array.from(plain, (_, k) => hx(key[(o + k) % 4]!)).join(' ');
      t.appendChild(el('tr', null, [el('td', null, ('0000' + o.toString(16)).slice(-4)), el('td', null, masked), el('td', { class: 'muted' }, keys), el('td', null, hexOf(plain))]));
    }
    if (bytes.length > 64) t.appendChild(el('tr', null, el('td', { colspan: 4, class: 'muted' }, 'the first 64 of ' + bytes.length + ' bytes shown; each byte is unmasked with the key byte of its offset modulo 4')));
    return t;
  }

  /** A payload as text (JSON laid out), then as bytes. lost: bytes the capture never had, shown as 00. */
  function payloadView(p: Payload | undefined, total: number | string, asText: boolean, id: string, lost: string | null): HTMLElement {
    const box = el('div', { id });
    if (!p) {
      box.appendChild(el('p', { class: 'muted' }, String(total) !== '0' ? 'Payload left out (--max-payload 0).' : 'No payload.'));
      return box;
    }
    const bytes = bytesOf(p);
    if (lost) box.appendChild(el('p', { class: 'muted' }, lost));
    if (p.truncated) box.appendChild(el('p', { class: 'muted' }, 'The first ' + bytes.length + ' of ' + total + ' bytes' + (end && end.maxPayload !== null && bytes.length >= end.maxPayload ? ' (--max-payload).' : ' (the rest was not captured or not held).')));
    if (asText && p.text !== undefined) {
      let pretty: string | null = null;
      if (!p.truncated && /^\s*[[{]/.test(p.text)) {
        try {
          JSON.parse(p.text);
          pretty = layOut(p.text);
        } catch {
          pretty = null;
        }
      }
      box.appendChild(el('div', { class: 'muted' }, pretty !== null ? 'JSON, laid out:' : 'As text:'));
      box.appendChild(el('pre', { class: 'payload text' }, shown(pretty !== null ? pretty : p.text)));
    }
    box.appendChild(el('div', { class: 'muted' }, 'Bytes:'));
    box.appendChild(hexDump(bytes, 4096));
    return box;
  }

  /** @param left the diagnostic's packet is not in the report (a selection or the budget of frames left it out): told, not linked */
  function diagItem(d: PageDiagnostic, onPacket: ((packet: number) => void) | null, left = false): HTMLElement {
    const where: string[] = [];
    const li = el('li', { class: 'diag ' + d.severity, 'data-code': d.code }, [el('span', { class: 'badge ' + d.severity }, d.severity), ' ', el('code', null, d.code), ' ']);
    const packet = d.packet;
    if (packet !== null && onPacket && !left) {
      const a = el('a', { class: 'pkt', 'data-packet': packet, tabindex: 0, role: 'link' }, 'packet ' + packet);
      a.onclick = () => onPacket(packet);
      a.onkeydown = (ev) => {
        if (ev.key === 'Enter') {
          onPacket(packet);
          ev.preventDefault();
        }
      };
      li.appendChild(a);
    } else if (packet !== null) li.appendChild(el('span', { 'data-packet': packet }, 'packet ' + packet));
    if (d.frame !== null) where.push('frame ' + d.frame);
    if (d.from) where.push(d.from);
    if (left) where.push('not in this report');
    if (where.length) li.appendChild(el('span', { class: 'muted' }, ' (' + where.join(', ') + ')'));
    li.appendChild(el('span', null, ': ' + shown(d.message)));
    if (d.rfc) li.appendChild(el('span', { class: 'muted' }, ' [' + d.rfc + ']'));
    return li;
  }

  /**
   * The details pane, emptied and shown docked at the bottom of the window,
   * with a grip that makes it taller or shorter and a button that closes it.
   */
  function openDetail(pane: HTMLElement): void {
    clear(pane);
    layoutBox?.classList.add('with-detail');
    document.body.classList.add('detail-open');
    const grip = el('div', { class: 'grip', title: 'drag to make the details taller or shorter', role: 'separator', 'aria-orientation': 'horizontal' });
    grip.addEventListener('pointerdown', (ev) => {
      grip.setPointerCapture(ev.pointerId);
      const move = (e: PointerEvent): void => {
        const height = Math.max(120, Math.min(window.innerHeight - top.offsetHeight - 60, window.innerHeight - e.clientY));
        document.documentElement.style.setProperty('--detail-h', height + 'px');
      };
      const up = (): void => {
        grip.removeEventListener('pointermove', move);
        grip.removeEventListener('pointerup', up);
      };
      grip.addEventListener('pointermove', move);
      grip.addEventListener('pointerup', up);
      ev.preventDefault();
    });
    pane.appendChild(grip);
    const close = el('button', { type: 'button', class: 'close', 'aria-label': 'close the details' }, '×');
    close.onclick = closeDetail;
    pane.appendChild(close);
  }
  function closeDetail(): void {
    layoutBox?.classList.remove('with-detail');
    document.body.classList.remove('detail-open');
    state.frame = null;
    state.packet = null;
    renderLadder();
    renderFrames();
  }

  function renderFrameDetail(index: number): void {
    const c = conn();
    const f = c?.frames.find((x) => x.index === index);
    if (!c || !f || !detail) return;
    const pane = detail;
    openDetail(pane);
    pane.appendChild(el('h3', { id: 'detail-title' }, 'Frame ' + f.index + ' — packet ' + f.packet + ', ' + (f.from === 'client' ? 'client → server' : 'server → client')));
    pane.appendChild(el('p', { class: 'mono', id: 'detail-summary' }, shown(f.summary)));
    // the header (its bits, its fields) and what it carries: side by side in a wide window
    const head = el('div', { class: 'detail-head' });
    const data = el('div', { class: 'detail-data' });
    pane.appendChild(el('div', { class: 'detail-cols' }, [head, data]));
    head.appendChild(bitDiagram(f));
    const msg = f.message === null ? undefined : c.messages.find((m) => m.index === f.message);
    const kv: [string, string][] = [
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
    head.appendChild(el('dl', { class: 'kv', id: 'frame-fields' }, kv.flatMap((r) => [el('dt', null, r[0]), el('dd', null, r[1])])));
    const compressed = msg !== undefined && msg.compressed;
    // a Close frame's body is kept apart from the payloads (its code and reason are fields)
    const payload = f.opcode === 8 && f.closeBody !== undefined ? { base64: f.closeBody } : f.payload;
    const bytes = bytesOf(payload);
    const lost = !f.complete && f.missingBytes > 0 ? 'Bytes the capture lost are shown as 00 (unmasked): they are not what was sent.' : null;
    if (f.masked && f.maskingKey && bytes.length && !lost) {
      data.appendChild(el('h3', null, 'Masking (RFC 6455 §5.3)'));
      data.appendChild(el('div', { class: 'table-wrap' }, maskTable(f.maskingKey, bytes)));
    }
    data.appendChild(el('h3', null, 'Payload' + (compressed ? ' (compressed, as on the wire)' : '')));
    const textual = f.opcode === 1 || f.opcode === 9 || f.opcode === 10 || (f.opcode === 0 && msg !== undefined && msg.type === 'text');
    data.appendChild(payloadView(payload, f.payloadLength, textual && !compressed, 'frame-payload', lost));
    if (msg) {
      data.appendChild(el('h3', null, 'Message ' + msg.index));
      data.appendChild(
        el(
          'p',
          null,
          msg.type + ', ' + plural(msg.frames.length, 'frame') + ' (' + msg.frames.join(', ') + '), ' + msg.length + ' bytes on the wire' + (msg.compressed ? (msg.inflatedLength !== null ? ', inflated to ' + msg.inflatedLength + ' bytes' : ', not inflated') : '') + (msg.complete ? '' : ', incomplete'),
        ),
      );
      if (msg.app) {
        data.appendChild(el('p', { id: 'app-summary', class: msg.app.user ? 'app-user' : 'app-framework' }, shown(appLine(msg.app)) + (msg.app.user ? ' (application data)' : ' (framework)')));
        data.appendChild(el('pre', { class: 'payload', id: 'app-fields' }, shown(JSON.stringify(msg.app.fields, null, 2))));
      }
      if (msg.frames[msg.frames.length - 1] === f.index)
        data.appendChild(payloadView(msg.payload, msg.inflatedLength !== null ? msg.inflatedLength : msg.length, msg.type === 'text' && (!msg.compressed || msg.inflatedLength !== null), 'message-payload', msg.complete ? null : 'The message is incomplete.'));
    }
    const ds = c.diagnostics.filter((d) => (d.frame === f.index || (d.frame === null && d.packet === f.packet)) && severityOn(d));
    if (ds.length) {
      data.appendChild(el('h3', null, 'Diagnostics'));
      data.appendChild(el('ul', null, ds.map((d) => diagItem(d, selectPacket))));
    }
  }

  function renderPacketDetail(packet: number): void {
    const c = conn();
    const e = c?.timeline.find((x) => x.packet === packet);
    if (!c || !e || !detail) return;
    const pane = detail;
    openDetail(pane);
    pane.appendChild(el('h3', { id: 'detail-title' }, 'Packet ' + packet + ' — ' + (e.from === 'client' ? 'client → server' : 'server → client')));
    pane.appendChild(el('dl', { class: 'kv' }, [el('dt', null, 'Time'), el('dd', null, secs(e.relTs) + ' s'), el('dt', null, 'Phase'), el('dd', null, e.phase), el('dt', null, 'Summary'), el('dd', { id: 'detail-summary' }, shown(e.summary))]));
    const ds = diagsAt(c, packet);
    if (ds.length) pane.appendChild(el('ul', null, ds.map((d) => diagItem(d, null))));
  }

  // ------------------------------------------------------------- handshake
  function renderHandshake(): void {
    const c = conn();
    if (!handshakeBox || !c) return;
    const box = clear(handshakeBox);
    const hs = c.handshake;
    if (!hs) return;
    box.appendChild(el('h3', null, 'Opening handshake'));
    const head = (title: string, line: string, headers: [string, string][]): HTMLElement =>
      el('div', null, [el('div', { class: 'muted' }, title), el('pre', { class: 'payload' }, shown(line) + '\n' + headers.map((h) => shown(h[0]) + ': ' + shown(h[1])).join('\n'))]);
    const rq = hs.request;
    box.appendChild(head('Request (packet ' + rq.packet + '), client → server', rq.method + ' ' + rq.target + ' ' + rq.version, rq.headers));
    if (hs.response) box.appendChild(head('Response (packet ' + hs.response.packet + '), server → client', hs.response.version + ' ' + hs.response.status + ' ' + hs.response.reason, hs.response.headers));
    else box.appendChild(el('p', null, 'No response captured.'));
    if (hs.acceptSteps) {
      const st = hs.acceptSteps;
      box.appendChild(el('h3', null, 'Sec-WebSocket-Accept, step by step (RFC 6455 §4.2.2)'));
      box.appendChild(
        el('ol', { class: 'steps mono', id: 'accept-steps' }, [
          el('li', null, "the client's key: " + shown(st.key)),
          el('li', null, 'the key followed by the GUID ' + st.guid + ': ' + shown(st.concatenated)),
          el('li', null, 'SHA-1 of that, in hex: ' + st.sha1),
          el('li', null, 'those 20 bytes in base64: ' + st.base64),
          el('li', null, 'the server sent: ' + (hs.accept === null ? '(no Sec-WebSocket-Accept)' : shown(hs.accept))),
        ]),
      );
    }
    // over HTTP/2 (RFC 8441) a 2xx to the extended CONNECT opens the WebSocket: no key, no Accept
    const h2 = c.stream !== null;
    const ok = hs.outcome === 'upgraded' && (hs.acceptValid === true || h2);
    const verdict =
      hs.outcome === 'rejected'
        ? '✘ rejected: the server answered ' + hs.response?.status
        : hs.outcome === 'no-response'
          ? '? no response to the upgrade request in this capture'
          : h2
            ? '✔ opened: the server answered the extended CONNECT with ' + hs.response?.status + ' (RFC 8441: over HTTP/2 no key or Accept is exchanged)'
            : hs.acceptValid === true
            ? '✔ upgraded: the Accept matches the key'
            : hs.acceptValid === false
              ? '✘ upgraded, but the Accept does not match the key'
              : '✘ upgraded without a Sec-WebSocket-Accept the client could check';
    box.appendChild(el('p', { class: ok ? 'verdict-ok' : 'verdict-bad', id: 'handshake-verdict' }, verdict));
    const body = hs.response && hs.response.body;
    if (body && body.length) {
      box.appendChild(el('p', null, "The refusal's body, " + plural(body.length, 'byte') + (body.complete ? '' : ' (cut short)') + (body.payload && body.payload.truncated ? ', the first shown' : '') + ':'));
      box.appendChild(el('pre', { class: 'mono', id: 'refusal-body' }, body.payload ? (body.payload.text !== undefined ? shown(body.payload.text) : body.payload.base64) : '(left out: --max-payload 0)'));
    }
    const extension = (x: { name: string; params: Record<string, string | true> }): string => [x.name].concat(Object.keys(x.params).map((k) => (x.params[k] === true ? k : k + '=' + x.params[k]))).join('; ');
    box.appendChild(
      el('dl', { class: 'kv' }, [
        el('dt', null, 'Subprotocol'),
        el('dd', null, (hs.subprotocol === null ? 'none' : shown(hs.subprotocol)) + (hs.offeredSubprotocols.length ? ' (offered: ' + shown(hs.offeredSubprotocols.join(', ')) + ')' : '')),
        el('dt', null, 'Extensions'),
        el('dd', null, (hs.extensions.length ? shown(hs.extensions.map(extension).join(', ')) : 'none') + (hs.offeredExtensions.length ? ' (offered: ' + shown(hs.offeredExtensions.join(', ')) + ')' : '')),
        el('dt', null, 'Application'),
        el('dd', null, c.app ? (LABELS[c.app.decoder] || c.app.decoder) + ' (recognised by ' + c.app.chosenBy + ')' : 'none recognised'),
        el('dt', null, 'Close'),
        el(
          'dd',
          null,
          c.close.initiator
            ? 'the ' + c.close.initiator + ' closed first (' + (c.close.code === null ? 'no code' : c.close.code) + (c.close.reason ? ' ' + quoted(c.close.reason) : '') + ')' + (c.close.replyCode !== null ? '; reply ' + c.close.replyCode : '; never echoed') + (c.close.clean ? '; clean' : '')
            : 'no Close frame',
        ),
      ]),
    );
  }

  // ---------------------------------------------------------------- plot
  function renderPlot(): void {
    const c = conn();
    if (!plotBox || !c) return;
    const box = clear(plotBox);
    if (!c.messages.length) return;
    box.appendChild(el('h3', null, 'Message sizes over time'));
    const byIndex = new Map<number, PageFrame>();
    c.frames.forEach((f) => byIndex.set(f.index, f));
    const pts: { t: number; size: number; from: Side; frame: number; index: number }[] = [];
    c.messages.forEach((m) => {
      const last = byIndex.get(m.frames[m.frames.length - 1]!);
      // the sender and opcode filters apply here too
      if (!last || (state.sender !== 'all' && m.from !== state.sender) || !state.opcodes[m.type]) return;
      const size = m.inflatedLength !== null ? m.inflatedLength : Number(m.length);
      pts.push({ t: last.relTs, size, from: m.from, frame: last.index, index: m.index });
    });
    if (!pts.length) {
      box.appendChild(el('p', { class: 'muted' }, 'No message of the sides and opcodes chosen.'));
      return;
    }
    const W = 900;
    const H = 260;
    const L = 60;
    const R = 20;
    const T = 16;
    const B = 34;
    const [t0, t1Seen] = minMax(pts.map((p) => p.t));
    const t1 = t1Seen === t0 ? t0 + 1 : t1Seen;
    // the points and the grid lines on one scale, log10(1 + size): the bottom is 0 bytes
    const scale = SHARED.sizeScale(minMax(pts.map((p) => p.size))[1]);
    const X = (t: number): number => L + ((t - t0) / (t1 - t0)) * (W - L - R);
    const Y = (sz: number): number => T + (1 - scale.at(sz)) * (H - T - B);
    const s = sv('svg', { class: 'plot', id: 'plot-svg', width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'message sizes over time' });
    for (const size of scale.ticks) {
      const y = Y(size);
      s.appendChild(sv('line', { class: 'grid', x1: L, y1: y, x2: W - R, y2: y }));
      s.appendChild(sv('text', { x: L - 6, y: y + 4, 'text-anchor': 'end' }, sizeLabel(size)));
    }
    for (let q = 0; q <= 4; q++) {
      const t = t0 + ((t1 - t0) * q) / 4;
      s.appendChild(sv('text', { x: X(t), y: H - 14, 'text-anchor': 'middle' }, t.toFixed(3) + ' s'));
    }
    s.appendChild(sv('line', { class: 'axis', x1: L, y1: H - B, x2: W - R, y2: H - B }));
    s.appendChild(sv('line', { class: 'axis', x1: L, y1: T, x2: L, y2: H - B }));
    s.appendChild(sv('text', { x: 4, y: 12 }, 'bytes'));
    // points that fall on the same pixel are drawn once (tens of thousands of messages stay light)
    const seen = new Set<string>();
    pts.forEach((p) => {
      const key = p.from + Math.round(X(p.t)) + ',' + Math.round(Y(p.size));
      if (seen.has(key)) return;
      seen.add(key);
      const dot =
        p.from === 'client'
          ? sv('circle', { class: 'pt client', cx: X(p.t), cy: Y(p.size), r: 3.5, 'data-message': p.index })
          : sv('rect', { class: 'pt server', x: X(p.t) - 3, y: Y(p.size) - 3, width: 6, height: 6, 'data-message': p.index });
      dot.appendChild(sv('title', null, 'message ' + p.index + ' from the ' + p.from + ', ' + p.size + ' bytes at ' + p.t.toFixed(6) + ' s'));
      dot.addEventListener('click', () => selectFrame(p.frame));
      s.appendChild(dot);
    });
    box.appendChild(s);
    box.appendChild(el('p', { class: 'muted' }, [el('span', { class: 'from-client' }, '● client'), '  ', el('span', { class: 'from-server' }, '■ server'), '  — sizes after inflation, on a logarithmic scale; click a point for its message.']));
  }

  // ----------------------------------------------------------- statistics
  /** What --stats tells of the connection, from the counts the analysis kept. */
  function renderStats(): void {
    const c = conn();
    if (!statsBox || !c) return;
    const box = clear(statsBox);
    const k = c.counts;
    if (!k.frames) return;
    box.appendChild(el('h3', null, 'Statistics'));
    const sides = ['client', 'server'] as const;
    const rows: string[][] = [];
    const ops = new Set<number>();
    sides.forEach((sd) => Object.keys(k[sd].frames).forEach((op) => ops.add(Number(op))));
    [...ops]
      .sort((a, b) => a - b)
      .forEach((op) => {
        rows.push([opName(op) + ' frames'].concat(sides.map((sd) => {
          const x = k[sd].frames[op];
          return x ? x.count + ' (' + x.bytes + ' bytes)' : '0';
        })));
      });
    rows.push(['messages'].concat(sides.map((sd) => k[sd].messages + ' (' + k[sd].messageBytes + ' bytes)')));
    rows.push(['largest message'].concat(sides.map((sd) => k[sd].largestMessage + ' bytes' + (c.compression ? ' on the wire' : ''))));
    if (c.compression) rows.push(['largest message, inflated'].concat(sides.map((sd) => k[sd].largestInflated + ' bytes')));
    rows.push(['fragmented messages'].concat(sides.map((sd) => String(k[sd].fragmentedMessages))));
    rows.push(['pings / pongs'].concat(sides.map((sd) => k[sd].pings + ' / ' + k[sd].pongs)));
    rows.push(
      ['pong round trips'].concat(
        sides.map((sd) => {
          const x = k[sd];
          return x.rtts ? 'min ' + (x.rttMin * 1000).toFixed(3) + ' ms, mean ' + ((x.rttSum / x.rtts) * 1000).toFixed(3) + ' ms, max ' + (x.rttMax * 1000).toFixed(3) + ' ms' : '—';
        }),
      ),
    );
    const compression = c.compression;
    if (compression) rows.push(['compressed messages, on the wire → inflated'].concat(sides.map((sd) => compression[sd].wire + ' → ' + compression[sd].inflated + ' bytes')));
    const appKeys = new Set<string>();
    sides.forEach((sd) => Object.keys(k[sd].app || {}).forEach((key) => appKeys.add(key)));
    appKeys.forEach((key) => rows.push([shown(key)].concat(sides.map((sd) => String((k[sd].app || {})[key] || 0)))));
    const t = el('table', { id: 'stats-table' }, el('tr', null, [el('th', null, ''), el('th', null, 'client'), el('th', null, 'server')]));
    rows.forEach((r) => t.appendChild(el('tr', null, [el('td', null, r[0]), el('td', null, r[1]), el('td', null, r[2])])));
    box.appendChild(t);
    const tcp = c.tcp;
    const td = tcp.teardown;
    if (c.stream !== null) {
      // a WebSocket an HTTP/2 stream carried: its transport is the stream (its TCP is connection c.id's)
      const end =
        td.kind === 'fin' ? 'END_STREAM' + (td.firstBy ? ', the ' + td.firstBy + ' first' : '') : td.kind === 'rst' ? 'reset (RST_STREAM)' + (td.firstBy ? ' by the ' + td.firstBy : '') : 'still open at the end of the capture';
      box.appendChild(el('p', { class: 'muted' }, 'HTTP/2 stream ' + c.stream + ' of connection ' + c.id + ': ' + end + '.'));
    } else {
      const teardown =
        td.kind === 'fin' ? 'FIN teardown' + (td.firstBy ? ', the ' + td.firstBy + ' first' : '') : td.kind === 'rst' ? 'reset (RST)' + (td.firstBy ? ' by the ' + td.firstBy : '') : 'no teardown: still open at the end of the capture';
      box.appendChild(el('p', { class: 'muted' }, 'TCP: ' + plural(tcp.retransmissions, 'retransmission') + ', ' + plural(tcp.outOfOrder, 'segment') + ' out of order, ' + plural(tcp.lostBytes, 'byte') + ' lost; ' + teardown + '.'));
    }
  }

  // ---------------------------------------------------------- diagnostics
  function renderDiagnostics(): void {
    const c = conn();
    if (!diagBox || !c) return;
    const box = clear(diagBox);
    const list = c.diagnostics.filter(severityOn);
    box.appendChild(el('h3', null, 'Diagnostics (' + list.length + (list.length !== c.diagnostics.length ? ' of ' + c.diagnostics.length : '') + ')'));
    if (!list.length) {
      box.appendChild(el('p', { class: 'muted' }, 'None.'));
      return;
    }
    const shownList = list.slice(0, 1000);
    const held = new Set(c.timeline.map((e) => e.packet));
    box.appendChild(el('ul', { id: 'diagnostic-list' }, shownList.map((d) => diagItem(d, selectPacket, d.packet !== null && !held.has(d.packet)))));
    if (list.length > shownList.length) box.appendChild(el('p', { class: 'muted' }, list.length - shownList.length + ' more: the JSON export (--json) lists every one.'));
  }

  // ------------------------------------------------------------ selection
  function pageOfPacket(c: PageConnection, packet: number): number {
    const i = c.timeline.findIndex((e) => e.packet === packet);
    return i < 0 ? state.ladderPage : Math.floor(i / PAGE);
  }
  function selectPacket(packet: number): void {
    const c = conn();
    if (!c) return;
    state.packet = packet;
    state.ladderPage = pageOfPacket(c, packet);
    const f = c.frames.find((x) => x.packet === packet) || c.frames.find((x) => x.packets.indexOf(packet) >= 0);
    state.frame = f ? f.index : null;
    if (f) movePageTo(c, f);
    renderLadder();
    renderFrames();
    if (f) renderFrameDetail(f.index);
    else renderPacketDetail(packet);
    scrollToSelected();
  }
  function movePageTo(c: PageConnection, f: PageFrame): void {
    const i = c.frames.filter(frameVisible).indexOf(f);
    if (i >= 0) state.framePage = Math.floor(i / PAGE);
  }
  function selectFrame(index: number): void {
    const c = conn();
    const f = c?.frames.find((x) => x.index === index);
    if (!c || !f) return;
    state.frame = index;
    state.packet = f.packet;
    state.ladderPage = pageOfPacket(c, f.packet);
    movePageTo(c, f);
    renderLadder();
    renderFrames();
    renderFrameDetail(index);
    scrollToSelected();
  }
  function scrollToSelected(): void {
    // scrolled to only when out of sight: a scroll forces a layout
    // (the frame's row, else the packet's arrow: a packet that carries no frame)
    const row = document.querySelector('#frame-table tr.sel') || document.querySelector('#ladder-svg g.row.sel');
    if (!row) return;
    const r = row.getBoundingClientRect();
    // in sight: between the sticky header and the details pane, in the middle of that when it was not
    const above = top.offsetHeight;
    const below = layoutBox && detail && layoutBox.classList.contains('with-detail') ? detail.getBoundingClientRect().top : window.innerHeight;
    if (r.top < above || r.bottom > below) window.scrollBy(0, r.top + r.height / 2 - (above + below) / 2);
  }
  function selectConn(i: number): void {
    state.conn = i;
    state.frame = null;
    state.packet = null;
    state.ladderPage = 0;
    state.framePage = 0;
    const pick = document.getElementById('f-conn') as HTMLSelectElement | HTMLInputElement | null;
    if (pick) pick.value = pick.tagName === 'SELECT' ? String(i) : String(conns[i]!.id);
    renderOverview();
    renderConnection();
  }
  function step(delta: number): void {
    const c = conn();
    const list = c ? c.frames.filter(frameVisible) : [];
    if (!list.length) return;
    const at = list.findIndex((f) => f.index === state.frame);
    let next: number;
    if (at >= 0) next = Math.min(list.length - 1, Math.max(0, at + delta));
    else if (state.frame === null) next = delta > 0 ? 0 : list.length - 1;
    else {
      // the selected frame is filtered out: the nearest visible one in the direction asked
      const selected = state.frame;
      const after = list.findIndex((f) => f.index > selected);
      next = delta > 0 ? (after < 0 ? list.length - 1 : after) : after < 0 ? list.length - 1 : Math.max(0, after - 1);
    }
    selectFrame(list[next]!.index);
  }
  document.addEventListener('keydown', (ev) => {
    const target = ev.target instanceof HTMLElement ? ev.target : null;
    const t = target ? target.tagName : '';
    // typing in a field keeps its keys; a ticked box does not
    if ((t === 'INPUT' && (target as HTMLInputElement).type !== 'checkbox') || t === 'SELECT' || t === 'TEXTAREA' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    // the arrows move between frames once one is selected; before that they scroll the page
    const arrows = state.frame !== null;
    if (ev.key === 'j' || (arrows && ev.key === 'ArrowDown')) {
      step(1);
      ev.preventDefault();
    } else if (ev.key === 'k' || (arrows && ev.key === 'ArrowUp')) {
      step(-1);
      ev.preventDefault();
    } else if (ev.key === 'Escape' && layoutBox && layoutBox.classList.contains('with-detail')) closeDetail();
    else if (ev.key === 'n' && state.conn < conns.length - 1) selectConn(state.conn + 1);
    else if (ev.key === 'p' && state.conn > 0) selectConn(state.conn - 1);
  });

  if (end) document.title = 'wsdissect — ' + shown(end.capture.file) + (end.interruption ? ' (interrupted)' : '');
  renderHeader();
  // the detail pane sticks below the header, whose height depends on how its controls wrap
  const headerHeight = (): void => document.documentElement.style.setProperty('--header', top.offsetHeight + 'px');
  headerHeight();
  window.addEventListener('resize', headerHeight);
  renderOverview();
  renderConnection();
  document.body.setAttribute('data-render-ms', String(Math.round(performance.now() - started)));
  document.body.setAttribute('data-ready', 'true');
}

document.addEventListener('DOMContentLoaded', drawReport);
