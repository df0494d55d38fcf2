// A packet and a frame in words, as the walkthrough, the ladder and the JSON's
// timeline tell them: "Text [FIN] 5 bytes [MASKED] \"Hello\"", "GET /chat
// HTTP/1.1 (Upgrade: websocket)", "ACK". Pure functions of what the packet
// carried (analyze/annotate.ts says which phase it is in).
import { formatRtt, plural } from './words.js';
import type { Frame, Message, Side } from '../model.js';
import type { PacketItem } from '../analyze/annotate.js';
import { flagNames } from '../tcp/segment.js';
import { opcodeName } from '../websocket/frame.js';
import { previewPayload, previewText } from '../util/text.js';
import { appRole, appText } from '../app/labels.js';

/** Frames a packet's summary names; the rest are counted. */
const MAX_FRAMES_NAMED = 3;

function capitalised(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * "Text [FIN] 5 bytes [MASKED] "Hello"", as the walkthrough names a frame;
 * the last fragment of a message also shows the whole message.
 * `inCompressed`: the frame belongs to a compressed message (its
 * continuations carry compressed bytes without RSV1), so its payload is
 * never shown as text.
 */
export function describeFrame(f: Frame, messageType: 'text' | 'binary' | null = null, completes: Message | null = null, inCompressed = false): string {
  const parts = [capitalised(opcodeName(f.opcode))];
  if (f.fin) parts.push('[FIN]');
  if (f.rsv1) parts.push('[RSV1]');
  if (f.rsv2) parts.push('[RSV2]');
  if (f.rsv3) parts.push('[RSV3]');
  if (f.close) {
    if (f.close.code !== null) parts.push(String(f.close.code));
    if (f.close.reason !== '') parts.push(previewPayload(Buffer.from(f.close.reason), 24));
  } else {
    const len = typeof f.payloadLength === 'number' ? f.payloadLength : Number(f.payloadLength);
    parts.push(typeof f.payloadLength === 'string' ? `${f.payloadLength} bytes` : plural(len, 'byte'));
  }
  if (f.masked) parts.push('[MASKED]');
  const compressed = f.message !== null && (inCompressed || f.rsv1 || completes?.compressed === true);
  // a message its application protocol explains is told by that (below), not by its raw start
  const explained = completes?.app != null && completes.frames.length === 1 && !completes.compressed;
  if (messageType === 'text' && f.payload.length > 0 && !compressed && !explained) parts.push(previewText(f.payload, 24));
  // a continuation of a compressed message: its bytes are compressed (the message is told where it ends)
  if (compressed && !f.rsv1 && !completes) parts.push('(compressed)');
  if (f.answers) parts.push(`(answers the ping in packet ${f.answers.packet}, round trip ${formatRtt(f.answers.rtt)})`);
  if (f.packets.length > 1) parts.push(`(reassembled from ${f.packets.length} segments)`);
  if (!f.complete) parts.push(f.missingBytes > 0 ? `(incomplete: ${plural(f.missingBytes, 'byte')} never captured)` : '(incomplete)');
  if (completes && completes.compressed) {
    const inflated = completes.inflatedLength !== null;
    const content = inflated && completes.type === 'text' && !completes.app ? `: ${previewText(completes.payload, 32)}` : '';
    const frames = completes.frames.length > 1 ? `, ${plural(completes.frames.length, 'fragment')}` : '';
    parts.push(inflated ? `— compressed ${completes.type} message ${completes.index}${frames}, ${plural(completes.length, 'byte')} inflating to ${plural(completes.inflatedLength!, 'byte')}${content}` : `— compressed ${completes.type} message ${completes.index}${frames}, not inflated`);
  } else if (completes && completes.frames.length > 1) {
    const whole = completes.type === 'text' ? `: ${previewText(completes.payload, 32)}` : '';
    parts.push(`— completes ${completes.type} message ${completes.index} (${plural(completes.frames.length, 'fragment')}, ${plural(completes.length, 'byte')})${completes.app ? '' : whole}`);
  }
  if (completes?.app) parts.push(`— ${appText(completes.app)} (${appRole(completes.app)})`);
  return parts.join(' ');
}

function describeItem(item: PacketItem, from: Side): string | null {
  switch (item.kind) {
    case 'tcp':
      return null;
    case 'keep-alive':
      return 'TCP keep-alive';
    case 'retransmission':
      return `retransmission of ${plural(item.bytes, 'byte')} already delivered`;
    case 'out-of-order':
      return `out-of-order segment, ${plural(item.bytes, 'byte')} held until the hole before them fills`;
    case 'late':
      return `out-of-order segment: ${plural(item.bytes, 'byte')} the peer had already acknowledged, captured late (not lost)`;
    case 'note':
      return item.text;
    case 'acked-unseen':
      return `ACKed unseen segment: acknowledges bytes from the ${item.peer} that the capture has not shown yet`;
    case 'gap':
      // the gap may be found from the peer's acknowledgement, in the peer's packet
      return item.from === from ? `${plural(item.bytes, 'byte')} before this segment were never captured (capture loss)` : `acknowledges ${plural(item.bytes, 'byte')} from the ${item.from} that the capture lost`;
    case 'resync':
      return item.skipped === 0 ? 'frame decoding resumes here, after the lost bytes' : `frame decoding resumes at a frame header after ${plural(item.skipped, 'byte')} that could not be framed`;
    case 'detected':
      return `WebSocket recognised from a run of valid frames${item.skipped > 0 ? ` (the first ${plural(item.skipped, 'byte')} end a frame begun before the capture)` : ''}`;
    case 'opaque':
      return `${plural(item.bytes, 'byte')} of data`;
    case 'held':
      return `${plural(item.bytes, 'byte')} sent before the server's answer arrived`;
    case 'http-partial':
      return `part of an HTTP ${item.role} (${plural(item.bytes, 'byte')})`;
    case 'request': {
      const r = item.request;
      return `${r.method} ${r.target} ${r.version}${item.upgrade ? ' (Upgrade: websocket)' : ''}${item.hint ? ` (${item.hint})` : ''}`;
    }
    case 'response': {
      const r = item.response;
      return `${r.version} ${r.status}${r.reason ? ` ${r.reason}` : ''}`;
    }
    case 'partial-frame':
      return `part of a ${capitalised(opcodeName(item.opcode))} frame (${item.received} of ${item.total} payload bytes so far)`;
    case 'frame':
      return describeFrame(item.frame, item.messageType, item.completes, item.compressed);
  }
}

/** A packet's one-line summary: what it carried, its TCP flags when they matter. */
export function packetSummary(items: readonly PacketItem[], from: Side): string {
  const content = items.filter((i) => i.kind !== 'tcp');
  const tcp = items.find((i): i is Extract<PacketItem, { kind: 'tcp' }> => i.kind === 'tcp');
  const texts: string[] = [];
  let frames = 0;
  let partialShown = false;
  for (const i of content) {
    if (i.kind === 'frame') {
      frames++;
      if (frames > MAX_FRAMES_NAMED) continue;
    }
    // a frame completed in this packet already says it was reassembled
    if (i.kind === 'partial-frame') {
      if (partialShown) continue;
      partialShown = true;
    }
    const t = describeItem(i, from);
    if (t) texts.push(t);
  }
  if (frames > MAX_FRAMES_NAMED) texts.push(`(+${frames - MAX_FRAMES_NAMED} more frames)`);
  let summary = texts.join('; ');
  if (tcp) {
    const flags = flagNames(tcp.flags);
    const shown = tcp.flags.syn || tcp.flags.fin || tcp.flags.rst || summary === '';
    if (shown) summary = summary === '' ? flags : `${summary} + ${flags}`;
  }
  return summary;
}
