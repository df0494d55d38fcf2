// A packet and a frame in words, as the walkthrough, the ladder and the JSON's
// timeline tell them: "Text [FIN] 5 bytes [MASKED] \"Hello\"", "GET /chat
// HTTP/1.1 (Upgrade: websocket)", "ACK". Pure functions of the facts a
// timeline entry keeps (model.ts PacketFact; analyze/annotate.ts makes them).
import { formatRtt, plural } from './words.js';
import { type Frame, type FrameFact, type HttpHint, type Message, type PacketFact, TCP_FIN, TCP_RST, TCP_SYN, type TimelineEntry, type TlsFact } from '../model.js';
import { flagNames } from '../tcp/segment.js';
import { opcodeName } from '../websocket/frame.js';
import { frameFact } from '../analyze/annotate.js';

/** Frames a packet's summary names; the rest are counted. */
const MAX_FRAMES_NAMED = 3;

function capitalised(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * "Text [FIN] 5 bytes [MASKED] "Hello"", as the walkthrough names a frame;
 * the last fragment of a message also tells the whole message.
 */
export function describeFrame(f: FrameFact): string {
  const parts = [capitalised(opcodeName(f.opcode))];
  if (f.fin) parts.push('[FIN]');
  if (f.rsv1) parts.push('[RSV1]');
  if (f.rsv2) parts.push('[RSV2]');
  if (f.rsv3) parts.push('[RSV3]');
  if (f.close) {
    if (f.close.code !== null) parts.push(String(f.close.code));
    if (f.close.reason !== null) parts.push(f.close.reason);
  } else {
    parts.push(typeof f.length === 'string' ? `${f.length} bytes` : plural(f.length, 'byte'));
  }
  if (f.masked) parts.push('[MASKED]');
  if (f.preview !== null) parts.push(f.preview);
  if (f.compressedPart) parts.push('(compressed)');
  if (f.answers) parts.push(`(answers the ping in packet ${f.answers.packet}, round trip ${formatRtt(f.answers.rtt)})`);
  if (f.segments > 1) parts.push(`(reassembled from ${f.segments} segments)`);
  if (!f.complete) parts.push(f.missingBytes > 0 ? `(incomplete: ${plural(f.missingBytes, 'byte')} never captured)` : '(incomplete)');
  const m = f.completes;
  if (m && m.compressed) {
    const content = m.preview !== null ? `: ${m.preview}` : '';
    const frames = m.frames > 1 ? `, ${plural(m.frames, 'fragment')}` : '';
    parts.push(m.inflatedLength !== null ? `— compressed ${m.type} message ${m.index}${frames}, ${plural(m.length, 'byte')} inflating to ${plural(m.inflatedLength, 'byte')}${content}` : `— compressed ${m.type} message ${m.index}${frames}, not inflated`);
  } else if (m && m.frames > 1) {
    const whole = m.preview !== null ? `: ${m.preview}` : '';
    parts.push(`— completes ${m.type} message ${m.index} (${plural(m.frames, 'fragment')}, ${plural(m.length, 'byte')})${whole}`);
  }
  if (m?.app) parts.push(`— ${m.app.text} (${m.app.user ? 'application data' : 'framework'})`);
  return parts.join(' ');
}

/** A frame in words, from the frame and what is known of its message (see analyze/annotate.ts frameFact). */
export function describeFrameOf(f: Frame, type: 'text' | 'binary' | null = null, completes: Message | null = null, inCompressed = false): string {
  return describeFrame(frameFact(f, type, completes, inCompressed));
}

/** Why a plain HTTP request is worth a word. */
const HTTP_HINTS: Record<HttpHint, string> = {
  'engine.io-polling': 'Engine.IO long-polling, before the upgrade to WebSocket',
  'sockjs-info': "SockJS info request: the client asks the server's options before opening the WebSocket",
  'sockjs-info-maybe': "SockJS's info request if a SockJS client sent it: the client asks the server's options before opening the WebSocket",
};

function describeTls(records: readonly TlsFact[]): string {
  const parts: string[] = [];
  for (const r of records) {
    switch (r.kind) {
      case 'client-hello': {
        const said = [r.sni ? `SNI ${r.sni}` : null, r.alpn ? `ALPN ${r.alpn.join(', ')}` : null].filter((x) => x !== null);
        parts.push(`TLS ClientHello${said.length > 0 ? ` (${said.join(', ')})` : ''}`);
        break;
      }
      case 'server-hello':
        parts.push(`TLS ${r.retry ? 'HelloRetryRequest' : 'ServerHello'} (${r.version}, ${r.suite}${r.alpn ? `, ALPN ${r.alpn}` : ''})`);
        break;
      case 'handshake':
        parts.push(`TLS ${r.name}`);
        break;
      case 'alert':
        parts.push(`TLS alert ${r.name}`);
        break;
      case 'change-cipher-spec':
        parts.push('TLS ChangeCipherSpec');
        break;
      case 'encrypted':
        parts.push(plural(r.records, 'encrypted TLS record'));
        break;
    }
  }
  return parts.join('; ');
}

function describeFact(fact: PacketFact): string | null {
  switch (fact.kind) {
    case 'keep-alive':
      return 'TCP keep-alive';
    case 'retransmission':
      return `retransmission of ${plural(fact.bytes, 'byte')} already delivered`;
    case 'out-of-order':
      return `out-of-order segment, ${plural(fact.bytes, 'byte')} held until the hole before them fills`;
    case 'late':
      return `out-of-order segment: ${plural(fact.bytes, 'byte')} the peer had already acknowledged, captured late (not lost)`;
    case 'acked-unseen':
      return `ACKed unseen segment: acknowledges bytes from the ${fact.peer} that the capture has not shown yet`;
    case 'gap':
      // the gap may be found from the peer's acknowledgement, in the peer's packet
      return fact.own ? `${plural(fact.bytes, 'byte')} before this segment were never captured (capture loss)` : `acknowledges ${plural(fact.bytes, 'byte')} from the ${fact.from} that the capture lost`;
    case 'resync':
      return fact.skipped === 0 ? 'frame decoding resumes here, after the lost bytes' : `frame decoding resumes at a frame header after ${plural(fact.skipped, 'byte')} that could not be framed`;
    case 'detected':
      return `WebSocket recognised from a run of valid frames${fact.skipped > 0 ? ` (the first ${plural(fact.skipped, 'byte')} end a frame begun before the capture)` : ''}`;
    case 'opaque':
      return `${plural(fact.bytes, 'byte')} of data`;
    case 'held':
      return `${plural(fact.bytes, 'byte')} sent before the server's answer arrived`;
    case 'early-response':
      return `${plural(fact.bytes, 'byte')} of an HTTP response captured before the request it answers (the capture shows the client's packets late); read once the request is`;
    case 'http-partial':
      return `part of an HTTP ${fact.role} (${plural(fact.bytes, 'byte')})`;
    case 'request':
      return `${fact.method} ${fact.target} ${fact.version}${fact.upgrade ? ' (Upgrade: websocket)' : ''}${fact.hint ? ` (${HTTP_HINTS[fact.hint]})` : ''}`;
    case 'response':
      return `${fact.version} ${fact.status}${fact.reason ? ` ${fact.reason}` : ''}`;
    case 'partial-frame':
      return `part of a ${capitalised(opcodeName(fact.opcode))} frame (${fact.received} of ${fact.total} payload bytes so far)`;
    case 'frame':
      return describeFrame(fact);
    case 'tls':
      return describeTls(fact.records);
  }
}

/** A packet's one-line summary, from what it carried: its TCP flags when they matter. */
export function packetSummary(told: readonly PacketFact[], tcp: number | null): string {
  const texts: string[] = [];
  let frames = 0;
  let partialShown = false;
  for (const f of told) {
    if (f.kind === 'frame') {
      frames++;
      if (frames > MAX_FRAMES_NAMED) continue;
    }
    // a frame completed in this packet already says it was reassembled
    if (f.kind === 'partial-frame') {
      if (partialShown) continue;
      partialShown = true;
    }
    const t = describeFact(f);
    if (t) texts.push(t);
  }
  if (frames > MAX_FRAMES_NAMED) texts.push(`(+${frames - MAX_FRAMES_NAMED} more frames)`);
  let summary = texts.join('; ');
  if (tcp !== null) {
    const flags = flagNames(tcp);
    const shown = (tcp & (TCP_SYN | TCP_FIN | TCP_RST)) !== 0 || summary === '';
    if (shown) summary = summary === '' ? flags : `${summary} + ${flags}`;
  }
  return summary;
}

/** A timeline entry's one-line summary. */
export function entrySummary(e: TimelineEntry): string {
  return packetSummary(e.told, e.tcp);
}
