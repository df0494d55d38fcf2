// The story of a connection (render/story.ts: the report's "In short", the
// HTML report's story), as a catalogue per language. The renderer decides
// which sentences a connection gets, from the facts the analysis counted
// (analyze/story.ts); a catalogue only words them. See
// text/explain-words.ts for how catalogues work.
import type { Side } from '../model.js';
import type { AppChosenBy } from '../app/types.js';
import type { FrameCount } from '../analyze/story.js';
import type { Lang } from './lang.js';
import { STORY_EN } from './en/story.js';
import { STORY_ZH_CN } from './zh-CN/story.js';

/** A run of packets: its first and last packet numbers (the same for one packet). */
export interface Run {
  first: number;
  last: number;
}

/** An application-level type told in the story: its name (from the decoder or the capture, sanitized), how many, the packets shown. */
export interface AppTypeTold {
  name: string;
  count: number;
  /** the first packets that carried it (a few) */
  packets: readonly number[];
  /** more packets than those shown carried it */
  more: boolean;
}

export interface StoryWords {
  /** no SYN was seen; how the connection was known to be WebSocket without its handshake, when it was not by one */
  midStream(how: 'heuristic' | 'decode-as' | 'response' | null): string;
  /** a WebSocket an HTTP/2 stream carried (RFC 8441): the stream, and the TCP connection carrying it */
  /** `websocket`: the stream carries an open WebSocket (else its extended CONNECT was refused or not answered) */
  carried(stream: number, connection: number, websocket: boolean): string;
  /** the end of its stream: END_STREAM, the first side to send it; or RST_STREAM, and who sent it */
  streamEnd(r: Run, first: Side | null): string;
  streamReset(r: Run, by: Side | null): string;
  /** the TCP three-way handshake, whole */
  tcpHandshake(r: Run): string;
  /** part of it: what its packets were (already put in words) */
  tcpHandshakePart(r: Run, entries: readonly string[], more: boolean): string;
  /**
   * the TLS handshake of a wss:// connection decrypted with a key log: what its cleartext said (version, cipher
   * suite, server name; null where not seen; the name sanitized) and the key log files whose lines opened it
   */
  tlsHandshake(r: Run, tls: { version: string | null; suite: string | null; sni: string | null; keyLogs: readonly string[] }): string;
  /** HTTP, when no upgrade request was parsed */
  /** packets of HTTP where no upgrade request was captured; `joined`: among them the server's 101 to websocket, answering a request the capture does not hold */
  http(r: Run, joined: boolean): string;
  /**
   * The upgrade: the request (method and target from the capture, sanitized
   * and cut) and the response, with what the Accept says, when one was captured.
   */
  upgrade(request: { packet: number; method: string; target: string }, response: { packet: number; status: number; reason: string; verdict: 'match' | 'mismatch' | 'no-accept' | 'refused' | 'h2-open' } | null): string;
  /** a run of data packets, with its frames counted per sender and opcode (none: no complete frame) */
  data(r: Run, counts: readonly FrameCount[]): string;
  /**
   * The application protocol: its name, how it was recognised (the
   * subprotocol, sanitized and cut, when by it), how many messages it
   * decoded, the framework's and the application's own types.
   */
  app(a: { name: string; decoded: number; messages: number; chosenBy: AppChosenBy; subprotocol: string | null; framework: readonly AppTypeTold[]; own: readonly AppTypeTold[]; moreFramework: number; moreOwn: number }): string;
  /** closing packets whose Close is not known */
  closingRun(r: Run): string;
  /** the first Close (its reason quoted and cut), sent by the side that began the closing handshake, and its reply, or the peer that never answered */
  close(first: { packet: number; initiator: Side; from: Side; code: number | null; reason: string | null }, reply: { packet: number; from: Side; code: number | null } | null): string;
  /** the TCP teardown: a reset, or FINs */
  reset(r: Run, by: Side | null): string;
  teardown(r: Run, first: Side | null): string;
}

export function storyWords(lang: Lang | undefined): StoryWords {
  return lang === 'zh-CN' ? STORY_ZH_CN : STORY_EN;
}
