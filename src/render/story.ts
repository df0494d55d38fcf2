// The connection told in a few sentences, the way a teacher walks a class
// through a capture: which packets are the TCP handshake, the upgrade, the
// data, the closing handshake and the teardown. Reads the analysis result only.
import { tellsWebSocket } from './kind.js';
import type { Connection } from '../model.js';
import { type FrameCount, type PhaseRun, RUN_ENTRIES, type StoryFacts, storyOfLists } from '../analyze/story.js';
import { narrowedBy } from '../select/selection.js';
import { closeCodeName } from '../websocket/close.js';
import { opcodeName } from '../websocket/frame.js';
import { plural } from '../text/words.js';
import { sanitize, cutWidth, inQuotes, safeCut } from '../util/text.js';
import { CHOSEN_BY } from '../app/labels.js';
import { APP_LABELS } from '../app/protocols.js';
import { entrySummary } from '../text/packets.js';

/** Application-level types the story names per role at most. */
const MAX_TYPES_TOLD = 16;

/**
 * The application protocol's sentence: which messages are the framework's
 * (handshakes, heartbeats, subscriptions) and which carry the application's
 * own data, by packet.
 */
export function appSentence(conn: Connection, facts: StoryFacts = storyFacts(conn)): string | null {
  if (!conn.app) return null;
  const { decoded, messages, types } = facts.app;
  const list = (user: boolean): string => {
    const parts: string[] = [];
    let more = 0;
    for (const g of types) {
      if (g.user !== user) continue;
      // sixteen types are told; the others counted (event names and methods come from the capture)
      if (parts.length >= MAX_TYPES_TOLD) {
        more++;
        continue;
      }
      const shown = g.packets.join(', ') + (g.count > 4 ? `, … (${g.count})` : '');
      parts.push(`${sanitize(cutWidth(g.name, 40))}${shown ? ` (${g.count === 1 ? 'packet' : 'packets'} ${shown})` : ''}`);
    }
    return parts.join(', ') + (more > 0 ? ` and ${more} more ${more === 1 ? 'type' : 'types'}` : '');
  };
  const framework = list(false);
  const own = list(true);
  const name = APP_LABELS[conn.app.decoder];
  const by = conn.app.chosenBy === 'subprotocol' && conn.handshake?.subprotocol ? `the subprotocol ${sanitize(cutWidth(conn.handshake.subprotocol, 30))}` : CHOSEN_BY[conn.app.chosenBy];
  const lead = decoded < messages ? `${decoded} of the ${messages} messages are ${name}` : `The messages are ${name}`;
  const parts = [`${lead} (recognised by ${by})`];
  if (framework) parts.push(`the framework's traffic is ${framework}`);
  if (own) parts.push(`the application's own data is ${own}`);
  if (!framework && !own) parts.push('but no message was decoded');
  return `${parts.join('; ')}.`;
}

/** The story's facts: as the analysis counted them, or from the lists of a connection a selection narrowed. */
function storyFacts(conn: Connection): StoryFacts {
  return conn.story !== null && !narrowedBy(conn) ? conn.story : storyOfLists(conn);
}

function groupRange(g: PhaseRun): string {
  return g.first === g.last ? `packet ${g.first}` : `packets ${g.first}–${g.last}`;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function describeCounts(counts: readonly FrameCount[]): string {
  // counts per sender and opcode, in order of first appearance
  const parts = counts.map((c) => {
    const masking = c.masked === c.n ? 'masked' : c.masked === 0 ? 'unmasked' : `${c.masked} masked`;
    return `${plural(c.n, `${opcodeName(c.opcode)} frame`)} from the ${c.from} (${masking})`;
  });
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

function handshakeSentence(conn: Connection, g: PhaseRun): string {
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

function closingSentence(conn: Connection, g: PhaseRun, seen: StoryFacts): string {
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

function teardownSentence(conn: Connection, g: PhaseRun): string {
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
  const seen = storyFacts(conn);
  for (const g of seen.runs) {
    switch (g.phase) {
      case 'tcp-handshake': {
        const hs = conn.tcp.handshake;
        const complete = hs.syn !== null && hs.synAck !== null && hs.ack !== null;
        out.push(complete ? `${capital(groupRange(g))} are the TCP three-way handshake (SYN, SYN-ACK, ACK).` : `${capital(groupRange(g))} are part of the TCP handshake (${g.entries.map(entrySummary).join('; ')}${g.entries.length === RUN_ENTRIES ? '; …' : ''}).`);
        break;
      }
      case 'ws-handshake':
        out.push(handshakeSentence(conn, g));
        break;
      case 'data': {
        const verb = g.first === g.last ? 'carries' : 'carry';
        const counts = describeCounts(g.frames);
        out.push(counts ? `${capital(groupRange(g))} ${verb} ${counts}.` : `${capital(groupRange(g))} ${verb} no complete frame.`);
        if (!appTold) {
          appTold = true;
          const app = appSentence(conn, seen);
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
