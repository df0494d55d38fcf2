// The connection told in a few sentences, the way a teacher walks a class
// through a capture: which packets are the TCP handshake, the upgrade, the
// data, the closing handshake and the teardown. Reads the analysis result only;
// the words are the language's (text/story-words.ts).
import { tellsWebSocket } from './kind.js';
import type { Connection } from '../model.js';
import { type PhaseRun, RUN_ENTRIES, type StoryFacts, storyOfLists } from '../analyze/story.js';
import { narrowedBy } from '../select/selection.js';
import { sanitize, cutWidth, inQuotes, safeCut } from '../util/text.js';
import { APP_LABELS } from '../app/protocols.js';
import { entrySummary } from '../text/packets.js';
import { type AppTypeTold, type StoryWords, storyWords } from '../text/story-words.js';
import type { Lang } from '../text/lang.js';

/** Application-level types the story names per role at most. */
const MAX_TYPES_TOLD = 16;

/**
 * The application protocol's sentence: which messages are the framework's
 * (handshakes, heartbeats, subscriptions) and which carry the application's
 * own data, by packet.
 */
export function appSentence(conn: Connection, facts: StoryFacts = storyFacts(conn), lang?: Lang): string | null {
  if (!conn.app) return null;
  const { decoded, messages, types } = facts.app;
  const list = (user: boolean): { told: AppTypeTold[]; more: number } => {
    const told: AppTypeTold[] = [];
    let more = 0;
    for (const g of types) {
      if (g.user !== user) continue;
      // sixteen types are told; the others counted (event names and methods come from the capture)
      if (told.length >= MAX_TYPES_TOLD) {
        more++;
        continue;
      }
      told.push({ name: sanitize(cutWidth(g.name, 40)), count: g.count, packets: g.packets, more: g.count > 4 });
    }
    return { told, more };
  };
  const framework = list(false);
  const own = list(true);
  const subprotocol = conn.app.chosenBy === 'subprotocol' && conn.handshake?.subprotocol ? sanitize(cutWidth(conn.handshake.subprotocol, 30)) : null;
  return storyWords(lang).app({
    name: APP_LABELS[conn.app.decoder],
    decoded,
    messages,
    chosenBy: conn.app.chosenBy,
    subprotocol,
    framework: framework.told,
    own: own.told,
    moreFramework: framework.more,
    moreOwn: own.more,
  });
}

/** The story's facts: as the analysis counted them, or from the lists of a connection a selection narrowed. */
function storyFacts(conn: Connection): StoryFacts {
  return conn.story !== null && !narrowedBy(conn) ? conn.story : storyOfLists(conn);
}

function handshakeSentence(conn: Connection, g: PhaseRun, w: StoryWords): string {
  const hs = conn.handshake;
  if (!hs) return w.http(g, conn.detection === 'response');
  const req = hs.request;
  const res = hs.response;
  // over HTTP/2 (RFC 8441) there is no key nor Accept: a 2xx opens the WebSocket
  const verdict = hs.outcome !== 'upgraded' ? 'refused' : conn.stream !== null ? 'h2-open' : hs.acceptValid === true ? 'match' : hs.acceptValid === false ? 'mismatch' : 'no-accept';
  return w.upgrade(
    { packet: req.packet, method: sanitize(req.method), target: safeCut(req.target, 40) },
    res ? { packet: res.packet, status: res.status, reason: sanitize(res.reason), verdict } : null,
  );
}

/** The closing handshake as the analysis settled it (conn.close: in a capture merged from two taps, the first Close captured may be the reply). */
function closingSentence(conn: Connection, g: PhaseRun, w: StoryWords): string {
  const cs = conn.close;
  if (!cs.initiator || cs.packet === null) return w.closingRun(g);
  const peer = cs.initiator === 'client' ? 'server' : 'client';
  const reason = cs.code !== null && cs.reason ? inQuotes(cs.reason, 40) : null;
  return w.close({ packet: cs.packet, initiator: cs.initiator, from: cs.initiator, code: cs.code, reason }, cs.replyPacket !== null ? { packet: cs.replyPacket, from: peer, code: cs.replyCode } : null);
}

function teardownSentence(conn: Connection, g: PhaseRun, w: StoryWords): string {
  const t = conn.tcp.teardown;
  // a WebSocket over HTTP/2: its stream's end (conn.tcp tells the stream's ends for it)
  if (conn.stream !== null) return t.kind === 'rst' ? w.streamReset(g, t.firstBy) : w.streamEnd(g, t.firstBy);
  return t.kind === 'rst' ? w.reset(g, t.firstBy) : w.teardown(g, t.firstBy);
}

/** Sentences, one per phase of the connection in the order they happened, in the language asked for (English when none). */
export function tellStory(conn: Connection, lang?: Lang): string[] {
  if (!tellsWebSocket(conn)) return [];
  const w = storyWords(lang);
  const out: string[] = [];
  const hs = conn.tcp.handshake;
  if (conn.stream !== null) out.push(w.carried(conn.stream, conn.id, conn.websocket));
  else if (hs.syn === null && hs.synAck === null) out.push(w.midStream(conn.detection === 'handshake' ? null : conn.detection));
  let appTold = false;
  const seen = storyFacts(conn);
  for (const g of seen.runs) {
    switch (g.phase) {
      case 'tcp-handshake': {
        const hs = conn.tcp.handshake;
        const complete = hs.syn !== null && hs.synAck !== null && hs.ack !== null;
        out.push(complete ? w.tcpHandshake(g) : w.tcpHandshakePart(g, g.entries.map((e) => entrySummary(e, lang)), g.entries.length === RUN_ENTRIES));
        break;
      }
      case 'tls-handshake': {
        const t = conn.tls;
        const keyLogs = [...new Set(t?.keys.map((k) => sanitize(k.file)) ?? [])];
        out.push(w.tlsHandshake(g, { version: t?.version ?? null, suite: t?.cipherSuite ?? null, sni: t?.sni != null ? sanitize(cutWidth(t.sni, 60)) : null, keyLogs }));
        break;
      }
      case 'ws-handshake':
        out.push(handshakeSentence(conn, g, w));
        break;
      case 'data': {
        out.push(w.data(g, g.frames));
        if (!appTold) {
          appTold = true;
          const app = appSentence(conn, seen, lang);
          if (app) out.push(app);
        }
        break;
      }
      case 'closing':
        out.push(closingSentence(conn, g, w));
        break;
      case 'tcp-teardown':
        out.push(teardownSentence(conn, g, w));
        break;
      case 'other':
        break;
    }
  }
  return out;
}
