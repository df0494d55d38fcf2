// The connection told in a few sentences, the way a teacher walks a class
// through a capture: which packets are the TCP handshake, the upgrade, the
// data, the closing handshake and the teardown. Reads the analysis result only.
import { tellsWebSocket } from './kind.js';
import type { Connection, Frame, Phase, Side, TimelineEntry } from '../model.js';
import { closeCodeName } from '../websocket/close.js';
import { opcodeName } from '../websocket/frame.js';
import { plural } from '../text/words.js';
import { sanitize, cutWidth, inQuotes, safeCut } from '../util/text.js';
import { CHOSEN_BY } from '../app/labels.js';
import { APP_LABELS } from '../app/protocols.js';
import { type AppUnit, unitsOf } from '../app/protocols.js';
import type { AppInfo } from '../app/types.js';
import { entrySummary } from '../text/packets.js';

/** A decoded message's units as people name them (STOMP SEND, Socket.IO event "chat"), with whose they are. */
function units(info: AppInfo): AppUnit[] {
  return info.inner && info.inner.length > 0 ? info.inner.flatMap(units) : unitsOf(info);
}

/** Application-level types the story names per role at most. */
const MAX_TYPES_TOLD = 16;
/** Types looked at in all (the rest are not counted: their names come from the capture). */
const MAX_TYPES_KEPT = 1000;

/**
 * The application protocol's sentence: which messages are the framework's
 * (handshakes, heartbeats, subscriptions) and which carry the application's
 * own data, by packet.
 */
export function appSentence(conn: Connection): string | null {
  if (!conn.app) return null;
  // per type, its first four packets and how many (a message's packet is its last frame's)
  const groups = new Map<string, { user: boolean; packets: number[]; count: number; last: number | null }>();
  let decoded = 0;
  for (const m of conn.messages) {
    if (!m.app) continue;
    decoded++;
    for (const u of units(m.app)) {
      let g = groups.get(u.name);
      if (!g) {
        // a message from the capture names the type: only so many are kept
        if (groups.size >= MAX_TYPES_KEPT) continue;
        g = { user: u.user, packets: [], count: 0, last: null };
        groups.set(u.name, g);
      }
      if (g.last !== m.packet) {
        g.count++;
        g.last = m.packet;
        if (g.packets.length < 4) g.packets.push(m.packet);
      }
    }
  }
  const list = (user: boolean): string => {
    const parts: string[] = [];
    let more = 0;
    for (const [name, g] of groups) {
      if (g.user !== user) continue;
      // sixteen types are told; the others counted (event names and methods come from the capture)
      if (parts.length >= MAX_TYPES_TOLD) {
        more++;
        continue;
      }
      const shown = g.packets.join(', ') + (g.count > 4 ? `, … (${g.count})` : '');
      parts.push(`${sanitize(cutWidth(name, 40))}${shown ? ` (${g.count === 1 ? 'packet' : 'packets'} ${shown})` : ''}`);
    }
    return parts.join(', ') + (more > 0 ? ` and ${more} more ${more === 1 ? 'type' : 'types'}` : '');
  };
  const framework = list(false);
  const own = list(true);
  const name = APP_LABELS[conn.app.decoder];
  const by = conn.app.chosenBy === 'subprotocol' && conn.handshake?.subprotocol ? `the subprotocol ${sanitize(cutWidth(conn.handshake.subprotocol, 30))}` : CHOSEN_BY[conn.app.chosenBy];
  const lead = decoded < conn.messages.length ? `${decoded} of the ${conn.messages.length} messages are ${name}` : `The messages are ${name}`;
  const parts = [`${lead} (recognised by ${by})`];
  if (framework) parts.push(`the framework's traffic is ${framework}`);
  if (own) parts.push(`the application's own data is ${own}`);
  if (!framework && !own) parts.push('but no message was decoded');
  return `${parts.join('; ')}.`;
}

/** A run of the timeline in one phase: its first and last packet, and the summaries of its first few. */
interface Group {
  phase: Phase;
  first: number;
  last: number;
  summaries: string[];
}

/** Summaries a group keeps (the TCP handshake's are told when it is incomplete: three packets or so). */
const GROUP_SUMMARIES = 8;

function groups(timeline: Iterable<TimelineEntry>): Group[] {
  const out: Group[] = [];
  for (const e of timeline) {
    const last = out[out.length - 1];
    if (last && last.phase === e.phase) {
      last.last = e.packet;
      if (last.summaries.length < GROUP_SUMMARIES) last.summaries.push(entrySummary(e));
    } else out.push({ phase: e.phase, first: e.packet, last: e.packet, summaries: [entrySummary(e)] });
  }
  return out;
}

function groupRange(g: Group): string {
  return g.first === g.last ? `packet ${g.first}` : `packets ${g.first}–${g.last}`;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function describeCounts(counts: ReadonlyMap<string, FrameCount>): string {
  // counts per sender and opcode, in order of first appearance
  const parts = [...counts.values()].map((c) => {
    const masking = c.masked === c.n ? 'masked' : c.masked === 0 ? 'unmasked' : `${c.masked} masked`;
    return `${plural(c.n, `${opcodeName(c.opcode)} frame`)} from the ${c.from} (${masking})`;
  });
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

function handshakeSentence(conn: Connection, g: Group): string {
  const hs = conn.handshake;
  if (!hs) return `${capital(groupRange(g))} carry HTTP.`;
  const req = hs.request;
  const parts = [`Packet ${req.packet} is the client's ${sanitize(req.method)} ${safeCut(req.target, 40)} asking to upgrade to WebSocket`];
  const res = hs.response;
  if (res) {
    let verdict: string;
    if (hs.outcome === 'upgraded') {
      verdict =
        hs.acceptValid === true
          ? ', and its Sec-WebSocket-Accept matches the key'
          : hs.acceptValid === false
            ? ', but its Sec-WebSocket-Accept does NOT match the key'
            : ', but it carries no Sec-WebSocket-Accept';
    } else {
      verdict = ': the upgrade is refused';
    }
    parts.push(`packet ${res.packet} is the server's ${res.status} ${sanitize(res.reason)}${verdict}`);
  } else {
    parts.push('no answer from the server was captured');
  }
  return `${parts.join('; ')}.`;
}

/** What the story needs of the frames, gathered in one pass: the first Close, the first Close from the other side, and the frames of each data group. */
interface FramesSeen {
  close: Frame | null;
  reply: Frame | null;
  /** per data group (by its first packet), its frames counted per sender and opcode */
  counts: Map<number, Map<string, FrameCount>>;
}

interface FrameCount {
  from: Side;
  opcode: number;
  n: number;
  masked: number;
}

function seeFrames(conn: Connection, data: readonly Group[]): FramesSeen {
  const seen: FramesSeen = { close: null, reply: null, counts: new Map() };
  let g = 0;
  for (const f of conn.frames) {
    if (f.opcode === 0x8) {
      if (seen.close === null) seen.close = f;
      else if (seen.reply === null && f.from !== seen.close.from) seen.reply = f;
    }
    // a group is a run of the timeline: its frames are those whose packet is in its range (frames come in order of packet, nearly)
    while (g < data.length && data[g]!.last < f.packet) g++;
    let group = data[g];
    if (group === undefined || f.packet < group.first) group = data.find((d) => f.packet >= d.first && f.packet <= d.last);
    if (group === undefined) continue;
    let counts = seen.counts.get(group.first);
    if (!counts) seen.counts.set(group.first, (counts = new Map()));
    const key = `${f.from}:${f.opcode}`;
    const c = counts.get(key) ?? { from: f.from, opcode: f.opcode, n: 0, masked: 0 };
    c.n++;
    if (f.masked) c.masked++;
    counts.set(key, c);
  }
  return seen;
}

function closingSentence(conn: Connection, g: Group, seen: FramesSeen): string {
  const cs = conn.close;
  const first = seen.close;
  if (!first || !cs.initiator) {
    return `${capital(groupRange(g))} belong to the closing handshake.`;
  }
  const code = first.close?.code;
  const what = code === null || code === undefined ? 'with no status code' : `${code} ${closeCodeName(code)}${first.close?.reason ? `, ${inQuotes(first.close.reason, 40)}` : ''}`;
  let s = `Packet ${first.packet} is the ${cs.initiator}'s Close (${what})`;
  const reply = seen.reply;
  if (reply) s += `; packet ${reply.packet} is the ${reply.from}'s Close in reply${reply.close?.code !== null && reply.close?.code !== undefined ? ` (${reply.close.code})` : ''}`;
  else s += `; the ${first.from === 'client' ? 'server' : 'client'} never answered with its own Close`;
  return `${s}.`;
}

function teardownSentence(conn: Connection, g: Group): string {
  const t = conn.tcp.teardown;
  const range = capital(groupRange(g));
  const one = g.first === g.last;
  if (t.kind === 'rst') return `${range} ${one ? 'ends' : 'end'} the connection with a reset (RST) from the ${t.firstBy}.`;
  return `${range} ${one ? 'is' : 'are'} the TCP teardown (FIN/ACK); the ${t.firstBy} closed first.`;
}

/** Sentences, one per phase of the connection in the order they happened. */
export function tellStory(conn: Connection): string[] {
  if (!tellsWebSocket(conn)) return [];
  const out: string[] = [];
  const hs = conn.tcp.handshake;
  if (hs.syn === null && hs.synAck === null) {
    const how =
      conn.detection === 'heuristic'
        ? '; it is recognised as WebSocket from a run of valid frames (by heuristic)'
        : conn.detection === 'decode-as'
          ? '; it is decoded as WebSocket because you asked (--decode-as)'
          : '';
    out.push(`The capture starts in the middle of this connection (no SYN seen)${how}.`);
  }
  let appTold = false;
  const all = groups(conn.timeline);
  const seen = seeFrames(conn, all.filter((g) => g.phase === 'data'));
  for (const g of all) {
    switch (g.phase) {
      case 'tcp-handshake': {
        const hs = conn.tcp.handshake;
        const complete = hs.syn !== null && hs.synAck !== null && hs.ack !== null;
        out.push(complete ? `${capital(groupRange(g))} are the TCP three-way handshake (SYN, SYN-ACK, ACK).` : `${capital(groupRange(g))} are part of the TCP handshake (${g.summaries.join('; ')}${g.summaries.length === GROUP_SUMMARIES ? '; …' : ''}).`);
        break;
      }
      case 'ws-handshake':
        out.push(handshakeSentence(conn, g));
        break;
      case 'data': {
        const verb = g.first === g.last ? 'carries' : 'carry';
        const counts = describeCounts(seen.counts.get(g.first) ?? new Map());
        out.push(counts ? `${capital(groupRange(g))} ${verb} ${counts}.` : `${capital(groupRange(g))} ${verb} no complete frame.`);
        if (!appTold) {
          appTold = true;
          const app = appSentence(conn);
          if (app) out.push(app);
        }
        break;
      }
      case 'closing':
        out.push(closingSentence(conn, g, seen));
        break;
      case 'tcp-teardown':
        out.push(teardownSentence(conn, g));
        break;
      case 'other':
        break;
    }
  }
  return out;
}
