// The story of a connection in English (the interface: text/story-words.ts).
import type { AppTypeTold, Run, StoryWords } from '../story-words.js';
import { CHOSEN_BY } from './app.js';
import { closeCodeName } from '../words.js';
import { opcodeName } from '../../websocket/frame.js';
import { plural } from '../words.js';

function range(r: Run): string {
  return r.first === r.last ? `packet ${r.first}` : `packets ${r.first}–${r.last}`;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function types(list: readonly AppTypeTold[], more: number): string {
  const parts = list.map((g) => {
    const shown = g.packets.join(', ') + (g.more ? `, … (${g.count})` : '');
    return `${g.name}${shown ? ` (${g.count === 1 ? 'packet' : 'packets'} ${shown})` : ''}`;
  });
  return parts.join(', ') + (more > 0 ? ` and ${more} more ${more === 1 ? 'type' : 'types'}` : '');
}

export const STORY_EN: StoryWords = {
  midStream: (how) => {
    const by = how === 'heuristic' ? '; it is recognised as WebSocket from a run of valid frames (by heuristic)' : how === 'decode-as' ? '; it is decoded as WebSocket because you asked (--decode-as)' : how === 'response' ? "; the server's 101 switches it to WebSocket, answering an upgrade request made before the capture began" : '';
    return `The capture starts in the middle of this connection (no SYN seen)${by}.`;
  },
  carried: (stream, connection, websocket) =>
    websocket
      ? `This WebSocket is carried by HTTP/2 stream ${stream} of connection ${connection} (RFC 8441): its packets are those of the connection that carry the stream's frames, and the stream's end is its teardown.`
      : `This is HTTP/2 stream ${stream} of connection ${connection}, an extended CONNECT for a WebSocket (RFC 8441).`,
  streamEnd: (r, first) => `${capital(range(r))} ${r.first === r.last ? 'ends' : 'end'} the HTTP/2 stream (END_STREAM)${first ? `; the ${first} ended it first` : ''}.`,
  streamReset: (r, by) => `${capital(range(r))} ${r.first === r.last ? 'ends' : 'end'} the HTTP/2 stream with a reset (RST_STREAM)${by ? ` from the ${by}` : ''}.`,
  tcpHandshake: (r) => `${capital(range(r))} are the TCP three-way handshake (SYN, SYN-ACK, ACK).`,
  tcpHandshakePart: (r, entries, more) => `${capital(range(r))} are part of the TCP handshake (${entries.join('; ')}${more ? '; …' : ''}).`,
  tlsHandshake: (r, t) => {
    const said = [t.version, t.suite, t.sni !== null ? `SNI ${t.sni}` : null].filter((x) => x !== null);
    const logs = t.keyLogs.length === 0 ? '' : `; its records are decrypted with the key log${t.keyLogs.length === 1 ? '' : 's'} ${t.keyLogs.join(', ')}`;
    return `${capital(range(r))} ${r.first === r.last ? 'is' : 'are'} the TLS handshake${said.length > 0 ? ` (${said.join(', ')})` : ''}${logs}.`;
  },
  http: (r, joined) => `${capital(range(r))} ${r.first === r.last ? 'carries' : 'carry'} HTTP${joined ? ": the server's 101 Switching Protocols to websocket, answering an upgrade request the capture does not hold" : ''}.`,
  upgrade: (req, res) => {
    const parts = [`Packet ${req.packet} is the client's ${req.method} ${req.target} asking ${req.method === 'CONNECT' ? 'for a WebSocket on its stream' : 'to upgrade to WebSocket'}`];
    if (res) {
      const verdict = {
        match: ', and its Sec-WebSocket-Accept matches the key',
        mismatch: ', but its Sec-WebSocket-Accept does NOT match the key',
        'no-accept': ', but it carries no Sec-WebSocket-Accept',
        refused: ': the upgrade is refused',
        'h2-open': ': the WebSocket is open (over HTTP/2 the :protocol pseudo-header takes the place of the key and its Accept)',
      }[res.verdict];
      parts.push(`packet ${res.packet} is the server's ${res.status}${res.reason ? ` ${res.reason}` : ''}${verdict}`);
    } else {
      parts.push('no answer from the server was captured');
    }
    return `${parts.join('; ')}.`;
  },
  data: (r, counts) => {
    const verb = r.first === r.last ? 'carries' : 'carry';
    // counts per sender and opcode, in order of first appearance
    const parts = counts.map((c) => {
      const masking = c.masked === c.n ? 'masked' : c.masked === 0 ? 'unmasked' : `${c.masked} masked`;
      return `${plural(c.n, `${opcodeName(c.opcode)} frame`)} from the ${c.from} (${masking})`;
    });
    const told = parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
    return told ? `${capital(range(r))} ${verb} ${told}.` : `${capital(range(r))} ${verb} no complete frame.`;
  },
  app: (a) => {
    const framework = types(a.framework, a.moreFramework);
    const own = types(a.own, a.moreOwn);
    const by = a.chosenBy === 'subprotocol' && a.subprotocol !== null ? `the subprotocol ${a.subprotocol}` : CHOSEN_BY[a.chosenBy];
    const lead = a.decoded < a.messages ? `${a.decoded} of the ${a.messages} messages are ${a.name}` : `The messages are ${a.name}`;
    const parts = [`${lead} (recognised by ${by})`];
    if (framework) parts.push(`the framework's traffic is ${framework}`);
    if (own) parts.push(`the application's own data is ${own}`);
    if (!framework && !own) parts.push('but no message was decoded');
    return `${parts.join('; ')}.`;
  },
  closingRun: (r) => `${capital(range(r))} belong to the closing handshake.`,
  close: (first, reply) => {
    const what = first.code === null ? 'with no status code' : `${first.code} ${closeCodeName(first.code)}${first.reason !== null ? `, ${first.reason}` : ''}`;
    let s = `Packet ${first.packet} is the ${first.initiator}'s Close (${what})`;
    if (reply) s += `; packet ${reply.packet} is the ${reply.from}'s Close in reply${reply.code !== null ? ` (${reply.code})` : ''}`;
    else s += `; the ${first.from === 'client' ? 'server' : 'client'} never answered with its own Close`;
    return `${s}.`;
  },
  reset: (r, by) => `${capital(range(r))} ${r.first === r.last ? 'ends' : 'end'} the connection with a reset (RST) from the ${by}.`,
  teardown: (r, first) => `${capital(range(r))} ${r.first === r.last ? 'is' : 'are'} the TCP teardown (FIN/ACK); the ${first} closed first.`,
};
