// Explain mode: the connection told in plain words, phase by phase, for a
// person who has never read RFC 6455 — what each packet does, what each
// handshake header is for, the Accept computed step by step with this
// capture's key, why the client masks, each frame's bits drawn as the RFC
// draws them, the closing handshake and the teardown. Reads the analysis
// result only.
import { isUtf8 } from 'node:buffer';
import { protocolLabel, tellsWebSocket, endpoint } from './kind.js';
import type { Connection, Frame, Side, TimelineEntry } from '../model.js';
import { acceptSha1Hex, WEBSOCKET_GUID } from '../http/handshake.js';
import { closeCodeName } from '../websocket/close.js';
import { formatRtt, plural } from '../text/words.js';
import { displayWidth, inQuotes, previewPayload, previewText, sanitize, wrap, safeCut } from '../util/text.js';
import { renderFrameDiagram, renderUnmasking } from './diagram.js';
import type { RenderOptions } from './options.js';
import { paint } from './paint.js';
import { entryOf, messageOf } from '../select/lookup.js';
import { noMatchLine, selectionLine, shownOf } from './narrowed.js';
import { find } from '../util/list.js';
import { capByCode, omittedLine } from './capped.js';

/** What each header of the opening handshake is for. */
const HEADER_PURPOSE: Readonly<Record<string, string>> = {
  host: 'which site the request is for; required by HTTP/1.1 and by RFC 6455 §4.1',
  upgrade: 'asks to switch this connection from HTTP to another protocol, here "websocket" (§4.1)',
  connection: 'must contain "Upgrade": the Upgrade header is for this hop, not to be forwarded (§4.1)',
  'sec-websocket-key': 'a random 16-byte nonce in base64; the server must prove it read it by hashing it into Sec-WebSocket-Accept (§4.1)',
  'sec-websocket-version': 'the WebSocket protocol version; 13 is RFC 6455 (§4.1)',
  'sec-websocket-protocol': 'application protocols (subprotocols) the client can speak, in order of preference; the server picks at most one (§1.9, §4.1)',
  'sec-websocket-extensions': 'extensions the client offers, such as permessage-deflate compression (RFC 7692); the server accepts some or none (§9.1)',
  'sec-websocket-accept': 'the server\'s proof that it understood a WebSocket handshake: base64 of SHA-1 of the key and a fixed GUID (§4.2.2)',
  origin: 'the web page that opened the socket; a browser always sends it, so a server can refuse other sites (§4.1, §10.2)',
  'user-agent': 'the client software; not part of the WebSocket handshake',
  cookie: 'cookies, sent as with any HTTP request; may authenticate the user',
  'cache-control': 'caching instructions; not part of the WebSocket handshake',
  pragma: 'old HTTP/1.0 caching instruction; not part of the WebSocket handshake',
  'accept-encoding': 'compressions accepted for an HTTP body; no effect on WebSocket frames',
  'accept-language': 'preferred languages; not part of the WebSocket handshake',
  server: 'the server software; not part of the WebSocket handshake',
  date: 'when the response was sent',
  authorization: 'credentials for the server, as with any HTTP request',
};

const OPCODE_MEANING: Readonly<Record<number, string>> = {
  0x0: 'a continuation frame: the next fragment of a message begun earlier',
  0x1: 'a text frame: UTF-8 text',
  0x2: 'a binary frame: bytes for the application to interpret',
  0x8: 'a Close frame: the sender starts (or answers) the closing handshake',
  0x9: 'a Ping: the peer must answer with a Pong carrying the same data',
  0xa: 'a Pong: the answer to a Ping (or an unsolicited heartbeat)',
};

function timeOf(conn: Connection, packet: number | null): TimelineEntry | undefined {
  return entryOf(conn, packet);
}

function at(conn: Connection, packet: number | null): string {
  const e = timeOf(conn, packet);
  return e ? `packet ${packet} (${e.relTs.toFixed(6)} s)` : `packet ${packet}`;
}


function tcpHandshake(conn: Connection, say: (t: string) => void): void {
  const hs = conn.tcp.handshake;
  if (hs.syn === null && hs.synAck === null) {
    say('The capture starts after this connection was opened: its TCP handshake is not in the file, so the story begins in the middle.');
    return;
  }
  const c = endpoint(conn.client);
  const s = endpoint(conn.server);
  if (hs.syn !== null) say(`In ${at(conn, hs.syn)} the client ${c} sends SYN to the server ${s}: "I want to open a TCP connection; my bytes will be numbered from this initial sequence number".`);
  if (hs.synAck !== null) say(`In ${at(conn, hs.synAck)} the server answers SYN, ACK: "accepted; here is my own initial sequence number, and I acknowledge yours".`);
  if (hs.ack !== null) say(`In ${at(conn, hs.ack)} the client's ACK acknowledges the server's number: the connection is open in both directions.`);
  const a = timeOf(conn, hs.syn);
  const b = timeOf(conn, hs.synAck);
  if (a && b) say(`SYN to SYN, ACK took ${formatRtt(b.ts - a.ts)}: one network round trip as seen from the capture point.`);
}

/** In a response, some headers answer rather than ask. */
const RESPONSE_PURPOSE: Readonly<Record<string, string>> = {
  upgrade: 'confirms the switch to the protocol "websocket" (§4.2.2)',
  connection: 'must contain "Upgrade", as in the request (§4.2.2)',
  'sec-websocket-protocol': "the one subprotocol the server chose from the client's list (§4.2.2)",
  'sec-websocket-extensions': 'the extensions the server accepted, with their parameters; the only ones either side may use (§9.1)',
};

/** A head's headers with what each is for: in the request, in a 101, or in a refusal (where none is WebSocket's). */
function headerLines(headers: [string, string][], width: number, head: 'request' | 'response' | 'refusal' = 'request'): string[] {
  const out: string[] = [];
  for (const [name, value] of headers) {
    out.push(`      ${sanitize(name)}: ${safeCut(value, Math.max(20, width - displayWidth(sanitize(name)) - 8))}`);
    const key = name.toLowerCase();
    const ordinary = 'not part of the WebSocket handshake (an ordinary HTTP header)';
    const purpose = head === 'refusal' ? ordinary : ((head === 'response' ? RESPONSE_PURPOSE[key] : undefined) ?? HEADER_PURPOSE[key] ?? ordinary);
    out.push(...wrap(`→ ${purpose}`, width, '          '));
  }
  return out;
}

function wsHandshake(conn: Connection, opts: RenderOptions, say: (t: string) => void, raw: (lines: string[]) => void): void {
  const hs = conn.handshake;
  if (!hs) return;
  const req = hs.request;
  say(`In ${at(conn, req.packet)} the client sends an ordinary HTTP/1.1 request, ${sanitize(`${req.method} ${req.target}`)}, whose headers ask the server to switch this TCP connection to WebSocket:`);
  raw(headerLines(req.headers, opts.width));
  const res = hs.response;
  if (!res) {
    say('No answer from the server is in the capture.');
    return;
  }
  if (hs.outcome === 'rejected') {
    say(`In ${at(conn, res.packet)} the server answers ${res.status} ${sanitize(res.reason)}: anything but 101 means no WebSocket; the upgrade is refused and the connection stays HTTP (or closes).`);
    // its headers are an ordinary response's: what they mean in a 101 does not apply
    raw(headerLines(res.headers, opts.width, 'refusal'));
    const body = res.body;
    if (body && body.length > 0) {
      const text = isUtf8(body.data) ? previewText(body.data, Math.max(20, opts.width - 10)) : previewPayload(body.data, Math.max(20, opts.width - 10));
      say(`Its body (${plural(body.length, 'byte')}${body.complete ? '' : ', cut short'}) usually says why: ${text}`);
    }
    return;
  }
  say(`In ${at(conn, res.packet)} the server answers 101 Switching Protocols: from the end of this response on, both sides speak WebSocket frames, not HTTP.`);
  raw(headerLines(res.headers, opts.width, 'response'));
  if (hs.key !== null) {
    say('The server proves it understood the request by computing Sec-WebSocket-Accept from the client\'s key (RFC 6455 §4.2.2):');
    const concat = `${hs.key}${WEBSOCKET_GUID}`;
    // a step's value goes under its words when the line would not fit; a value too long for a line is broken
    const step = (words: string, value: string): string[] => {
      const line = `${words}${value}`;
      if (displayWidth(line) <= opts.width) return [line];
      return [words.trimEnd(), ...wrap(value, opts.width, '         ')];
    };
    raw([
      ...step('      1. the key, as sent:                  ', sanitize(hs.key)),
      ...step(`      2. append the GUID `, `${WEBSOCKET_GUID}:`),
      ...wrap(sanitize(concat), opts.width, '         '),
      ...step(`      3. SHA-1 of those ${concat.length} bytes, in hex:    `, acceptSha1Hex(hs.key)),
      ...step('      4. the 20 bytes of the hash in base64: ', hs.expectedAccept ?? ''),
      ...step('      5. the server sent:                    ', hs.accept === null ? '(no Sec-WebSocket-Accept at all)' : sanitize(hs.accept)),
      `         ${hs.acceptValid ? paint(opts.color).green('✔ they match: the handshake is verified') : paint(opts.color).red('✘ they differ: a client must fail this connection')}`,
    ]);
  }
  if (hs.subprotocol) say(`The server picked the subprotocol ${inQuotes(hs.subprotocol)}: the messages that follow are in that application protocol.`);
  for (const e of hs.extensions) {
    say(
      e.name === 'permessage-deflate'
        ? `The server accepted permessage-deflate (RFC 7692): a data message may now be compressed, which its first frame says with the RSV1 bit; wsdissect inflates such messages to show what the application sent.`
        : `The server accepted the extension ${sanitize(e.name)}.`,
    );
  }
}

function masking(conn: Connection, say: (t: string) => void): void {
  if (conn.frames.length === 0) return;
  say(
    'Why the client masks and the server does not (RFC 6455 §5.3, §10.3): every frame from client to server is XORed with a fresh random 4-byte masking key sent in its header. A browser runs scripts from many sites; masking makes the bytes on the wire unpredictable to the script, so a malicious page cannot make its frames look like an HTTP request to a proxy in between and poison its cache. Servers run trusted code, so their frames are never masked.',
  );
}

function frameSentence(f: Frame, conn: Connection): string {
  const dir = f.from === 'client' ? 'client → server' : 'server → client';
  const what = OPCODE_MEANING[f.opcode] ?? `opcode 0x${f.opcode.toString(16)}, which RFC 6455 reserves: no endpoint may send it`;
  const fin = f.fin ? (f.opcode === 0 ? 'FIN set: the last fragment, the message is complete' : f.opcode >= 8 ? 'FIN set (control frames are never fragmented)' : 'FIN set: the whole message in one frame') : 'FIN clear: more fragments of this message follow';
  const msg = messageOf(conn, f.message);
  const mask = f.masked ? `masked with key ${f.maskingKey}` : 'not masked';
  let content = '';
  if (f.close) content = f.close.code === null ? ', with no status code' : `, status ${f.close.code} (${closeCodeName(f.close.code)})${f.close.reason ? ` ${inQuotes(f.close.reason, 40)}` : ''}`;
  else if (msg?.compressed) content = f.rsv1 ? ', compressed (RSV1 set)' : ', part of a compressed message';
  else if ((f.opcode === 1 || (f.opcode === 0 && msg?.type === 'text')) && f.payload.length > 0) content = `: ${previewText(f.payload, 40, true)}`;
  const rtt = f.answers ? `; it answers the ping of packet ${f.answers.packet} after ${formatRtt(f.answers.rtt)}` : '';
  const carried = f.packets.length > 1 ? ` (carried by ${f.packets.length} TCP segments, packets ${f.packets[0]}–${f.packets[f.packets.length - 1]})` : '';
  return `Frame ${f.index}, ${at(conn, f.packet)}${carried}, ${dir}: ${what} (opcode 0x${f.opcode.toString(16)}), ${fin}, ${plural(Number(f.payloadLength), 'byte')} of payload, ${mask}${content}${rtt}.`;
}

/** At most this many frames are told one by one; the rest are counted. */
const FRAMES_TOLD = 40;

function frames(conn: Connection, opts: RenderOptions, say: (t: string) => void, raw: (lines: string[]) => void): void {
  const drawn = new Set<string>();
  for (let i = 0; i < Math.min(FRAMES_TOLD, conn.frames.length); i++) {
    const f = conn.frames.at(i)!;
    say(frameSentence(f, conn));
    const kind = `${f.from}:${f.opcode}`;
    // the first frame of each kind from each side gets its header drawn
    if (drawn.has(kind)) continue;
    drawn.add(kind);
    raw(['', ...renderFrameDiagram(f, opts.color, opts.width - 4).map((l) => `    ${l}`), ...renderUnmasking(f, 8, opts.width - 4).map((l) => `    ${l}`), '']);
  }
  if (conn.frames.length > FRAMES_TOLD) say(`… and ${conn.frames.length - FRAMES_TOLD} more frames (the frame table of the default report lists them all; --frame N draws any one).`);
}

function closing(conn: Connection, say: (t: string) => void): void {
  const cs = conn.close;
  if (!cs.initiator) {
    say('Neither side sent a Close frame: the WebSocket connection was not closed by the closing handshake (if TCP ended anyway, that is the abnormal closure RFC 6455 §7.1.5 calls 1006).');
    return;
  }
  const peer: Side = cs.initiator === 'client' ? 'server' : 'client';
  const code = cs.code === null ? 'without a status code' : `with status ${cs.code}, "${closeCodeName(cs.code)}"${cs.reason ? `, and the reason ${inQuotes(cs.reason, 60)}` : ''}`;
  say(`The ${cs.initiator} starts the closing handshake in ${at(conn, cs.packet)}: a Close frame ${code}. After sending it, it sends no more data (RFC 6455 §5.5.1).`);
  if (cs.replyPacket !== null) say(`The ${peer} answers in ${at(conn, cs.replyPacket)} with its own Close${cs.replyCode !== null ? ` (${cs.replyCode})` : ''}: both sides have now agreed the WebSocket connection is over, and TCP can close.`);
  else say(`The ${peer} never answers with its own Close: the closing handshake is incomplete.`);
}

function teardown(conn: Connection, say: (t: string) => void): void {
  const t = conn.tcp.teardown;
  if (t.kind === 'none') {
    say('The capture ends while the TCP connection is still open.');
    return;
  }
  if (t.kind === 'rst') {
    say(`In ${at(conn, t.packets[0] ?? null)} the ${t.firstBy} resets the connection (RST): TCP ends at once, without the orderly FIN exchange.`);
    return;
  }
  const fins = conn.tcp.finBy;
  const first = t.firstBy ?? 'client';
  const other: Side = first === 'client' ? 'server' : 'client';
  say(`In ${at(conn, fins[first])} the ${first} sends FIN: "I have nothing more to send". The ${other} acknowledges it${fins[other] !== null ? ` and sends its own FIN in ${at(conn, fins[other])}` : ''}; the last ACK ends the connection.`);
  say(
    first === 'server'
      ? 'The server closed TCP first, as RFC 6455 §7.1.1 asks, so it is the server that keeps the TIME_WAIT state, not the client.'
      : 'The client closed TCP first; RFC 6455 §7.1.1 asks the server to close first so that the server, not the client, holds the TIME_WAIT state.',
  );
}

export function renderExplain(conn: Connection, opts: RenderOptions): string {
  const p = paint(opts.color);
  const out: string[] = [];
  const say = (t: string): void => {
    out.push(...wrap(t, opts.width, '  '));
  };
  const raw = (lines: string[]): void => {
    out.push(...lines.map((l) => l.replace(/\s+$/, '')));
  };
  const section = (n: number, title: string, body: () => void): void => {
    const before = out.length;
    out.push('', p.bold(`${n}. ${title}`));
    const mark = out.length;
    body();
    if (out.length === mark) out.splice(before);
  };
  out.push(...wrap(`Explained: connection ${conn.id}, ${endpoint(conn.client)} (client) ⇄ ${endpoint(conn.server)} (server)`, opts.width, '', '  ').map((l) => p.bold(l)));
  if (!tellsWebSocket(conn)) {
    say(`This connection never asks to become a WebSocket (it carries ${protocolLabel(conn)}): there is nothing WebSocket to explain.`);
    return `${out.join('\n')}\n`;
  }
  const selected = selectionLine(conn, ['frames', 'packets']);
  if (selected) say(selected);
  let n = 1;
  section(n++, 'The TCP three-way handshake', () => tcpHandshake(conn, say));
  if (conn.handshake) section(n++, 'The WebSocket opening handshake (RFC 6455 §4)', () => wsHandshake(conn, opts, say, raw));
  else if (conn.detection) section(n++, 'How this is known to be WebSocket', () => say(conn.detection === 'heuristic' ? 'Its handshake is not in the capture, but the bytes hold a run of valid WebSocket frames.' : 'Its handshake is not in the capture; it is decoded as WebSocket because you asked (--decode-as).'));
  const none = noMatchLine(conn, ['frames']);
  if (conn.frames.length > 0) {
    section(n++, 'Masking', () => masking(conn, say));
    section(n++, `The frames (${shownOf(conn, 'frames', conn.frames.length)}), as RFC 6455 §5.2 lays them out`, () => frames(conn, opts, say, raw));
  } else if (none) section(n++, `The frames (${shownOf(conn, 'frames', 0)})`, () => say(`${none.charAt(0).toUpperCase()}${none.slice(1)}.`));
  if (conn.handshake?.outcome !== 'rejected') section(n++, 'The closing handshake (RFC 6455 §7)', () => closing(conn, say));
  section(n++, 'The TCP teardown', () => teardown(conn, say));
  if (conn.diagnostics.length > 0) {
    section(n++, 'What broke the rules', () => {
      // a flood of one rule is told by its first few and counted
      const { shown, omitted } = capByCode(conn.diagnostics);
      for (const d of shown) say(`${p.severity(d.severity, d.severity)} ${d.code}${d.packet !== null ? ` (packet ${d.packet})` : ''}: ${sanitize(d.message)}${d.rfc ? ` — see ${d.rfc}` : ''}.`);
      for (const [code, n] of omitted) say(omittedLine(code, n));
    });
  }
  return `${out.join('\n')}\n`;
}

/** `--frame N`: one frame's header drawn, and how its payload unmasks. */
export function renderFrame(conn: Connection, index: number, opts: RenderOptions): string {
  // by its index, not its place: a selection keeps the indexes of the frames it keeps
  const f = find(conn.frames, (x) => x.index === index);
  if (!f) return `${wrap(`connection ${conn.id} has no frame ${index} (it has ${plural(conn.frames.length, 'frame')}, numbered from 0)`, opts.width, '  ').join('\n')}\n`;
  return `${[...wrap(frameSentence(f, conn), opts.width, '  '), '', ...renderFrameDiagram(f, opts.color, opts.width - 2).map((l) => `  ${l}`), ...renderUnmasking(f, 16, opts.width - 2).map((l) => `  ${l}`)].join('\n')}\n`;
}
