// The analysis result: what every stage produces and every renderer reads.
// Field names follow docs/json-contract (the JSON export) and RFC 6455.

import type { AppChosenBy, AppInfo, AppName } from './app/types.js';
import type { ProtocolName } from './identify/identify.js';
import type { List } from './util/list.js';
import type { Severity, Side } from './vocabulary.js';
import type { DiagnosticFacts } from './diagnostic.js';
import type { ConnectionStats } from './analyze/stats.js';
import type { StoryFacts } from './analyze/story.js';
import type { FrameFact as H2FrameFact } from './http2/session.js';

export type { ProtocolName, List, Severity, Side, H2FrameFact };

export type Phase = 'tcp-handshake' | 'tls-handshake' | 'ws-handshake' | 'data' | 'closing' | 'tcp-teardown' | 'other';

/** Phases in the order a connection goes through them (tls-handshake: wss:// decrypted with a key log). */
export const PHASE_ORDER: readonly Phase[] = ['tcp-handshake', 'tls-handshake', 'ws-handshake', 'data', 'closing', 'tcp-teardown'];
/** Every phase: those of a connection's life, and other (every packet of a connection that is not WebSocket). */
export const PHASES: readonly Phase[] = [...PHASE_ORDER, 'other'];

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  rfc: string | null;
  packet: number | null;
  frame: number | null;
  from: Side | null;
  /** what the sentence was made from (a code's values), when it was: the terminal views say it in other languages from these; never exported */
  facts?: DiagnosticFacts;
}

export type CaptureFormat = 'pcap' | 'pcap-ns' | 'pcapng';

export interface CaptureInfo {
  file: string;
  format: CaptureFormat;
  /** the file was gzip-compressed */
  compressed: boolean;
  linkTypes: number[];
  packets: number;
  bytes: number;
  firstTs: number | null;
  lastTs: number | null;
  /**
   * the reading was interrupted (Ctrl-C on a live capture) before the capture
   * ended: it is analysed up to there, and the connections still open then
   * are reported as they stood, cut short
   */
  interrupted: boolean;
}

export interface Endpoint {
  ip: string;
  port: number;
}

export interface HttpHead {
  packet: number;
  headers: [string, string][];
}

export interface HttpRequest extends HttpHead {
  method: string;
  target: string;
  version: string;
}

export interface HttpResponse extends HttpHead {
  version: string;
  status: number;
  reason: string;
  /** the body of a response that refused an upgrade (the 401 or 403 page), as far as it was kept; absent otherwise */
  body?: HttpBody;
}

export interface HttpBody {
  /** bytes of body seen (de-chunked) */
  length: number;
  /** the body ended where its framing says; false when it was cut by the end of the connection or the capture */
  complete: boolean;
  /** its first bytes, at most what the output shows (--max-payload) */
  data: Buffer;
}

export interface Extension {
  name: string;
  params: Record<string, string | true>;
}

export type HandshakeOutcome = 'upgraded' | 'rejected' | 'no-response';

export interface Handshake {
  request: HttpRequest;
  response: HttpResponse | null;
  key: string | null;
  accept: string | null;
  expectedAccept: string | null;
  acceptValid: boolean | null;
  offeredSubprotocols: string[];
  subprotocol: string | null;
  offeredExtensions: string[];
  extensions: Extension[];
  outcome: HandshakeOutcome;
  /** the request or the response was not captured whole (snapshot length, loss): its rules were checked only as far as it was (handshake.truncated) */
  truncated: boolean;
}

export interface CloseInfo {
  /** null when the close frame had no body */
  code: number | null;
  reason: string;
}

export interface Frame {
  index: number;
  /** the packet where the frame completes (where Wireshark shows it) */
  packet: number;
  ts: number;
  relTs: number;
  from: Side;
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  maskingKey: string | null;
  /** exact value as a decimal string when it exceeds 2^53 - 1 */
  payloadLength: number | string;
  headerLength: number;
  packets: number[];
  message: number | null;
  /** unmasked payload bytes (at most the configured number held) */
  payload: Buffer;
  /** false when bytes of the frame were never captured (loss, or the capture's end) */
  complete: boolean;
  /** payload bytes never captured */
  missingBytes: number;
  close: CloseInfo | null;
  /** on a pong: the ping it answers and the round trip in seconds */
  answers: { frame: number; packet: number; rtt: number } | null;
}

export interface Message {
  index: number;
  from: Side;
  opcode: number;
  type: 'text' | 'binary';
  frames: number[];
  /** bytes on the wire, summed over the frames (beyond 2^53 only close: see lengthText) */
  length: number;
  /** decimal text of a length a number cannot hold exactly (frames claiming 64-bit lengths), else null */
  lengthText: string | null;
  compressed: boolean;
  inflatedLength: number | null;
  payload: Buffer;
  complete: boolean;
  /** what the message means in its application protocol (STOMP, Socket.IO, MQTT, …); null when no decoder applies */
  app: AppInfo | null;
  /** the packet of its last frame (where it completes), and that frame's time: the message's time in every view */
  packet: number;
  ts: number;
  relTs: number;
  /** payload bytes of its frames never captured */
  missingBytes: number;
  /** every frame of it was captured whole (false when loss or the capture's end cut one) */
  allCaptured: boolean;
}

/** TCP flag bits of a packet as its timeline entry keeps them (the header's own bits). */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;

/** Why a plain HTTP request is worth a word: the application protocol's other transport (see app/labels.ts). */
export type HttpHint = 'engine.io-polling' | 'sockjs-info' | 'sockjs-info-maybe';

/** A TLS record, or a handshake message in one, as a packet carried it (the cleartext of the handshake). */
export type TlsFact =
  | { kind: 'client-hello'; sni: string | null; alpn: string[] | null }
  | { kind: 'server-hello'; retry: boolean; version: string; suite: string; alpn: string | null }
  | { kind: 'handshake'; name: string }
  /** the server's certificate (the end-entity's): its subject, issuer and end of validity, from the capture */
  | { kind: 'certificate'; subject: string; issuer: string; notAfter: string }
  /** TLS 1.3's EncryptedExtensions, with the application protocol the server chose (ALPN) */
  | { kind: 'encrypted-extensions'; alpn: string | null }
  | { kind: 'alert'; name: string }
  | { kind: 'change-cipher-spec' }
  /** protected records not opened: no keys for them, or (failed of them) the keys did not open them */
  | { kind: 'encrypted'; records: number; failed: number }
  /**
   * protected records opened with the key log (what they carried is told by the facts before this one); `keys`:
   * the secrets that opened a direction's records for the first time here (label, key log line, and for TLS 1.3
   * the KeyUpdates since the logged secret)
   */
  | { kind: 'decrypted'; records: number; keys: { label: string; file: string; line: number; generation: number }[] }
  /** the packet carried the middle of a record only: received bytes of its body so far, of total */
  | { kind: 'record-part'; received: number; total: number };

/**
 * What a packet carried, as facts: a kind and its values. The timeline keeps
 * these, and the views put them in words, in the reader's language
 * (src/text/packets.ts); a frame is named by its index in the connection's
 * frames, with what its packet knew of its message then.
 */
export type PacketFact =
  | { kind: 'keep-alive' }
  | { kind: 'retransmission'; bytes: number }
  | { kind: 'out-of-order'; bytes: number }
  | { kind: 'late'; bytes: number }
  | { kind: 'acked-unseen'; peer: Side }
  /** `own`: the bytes were lost in this packet's own direction (else it acknowledges the peer's lost bytes) */
  | { kind: 'gap'; bytes: number; from: Side; own: boolean }
  | { kind: 'resync'; skipped: number }
  | { kind: 'detected'; skipped: number }
  | { kind: 'opaque'; bytes: number }
  | { kind: 'held'; bytes: number }
  /** bytes of a response captured before the request it answers */
  | { kind: 'early-response'; bytes: number }
  | { kind: 'http-partial'; role: 'request' | 'response'; bytes: number }
  | { kind: 'request'; method: string; target: string; version: string; upgrade: boolean; hint: HttpHint | null }
  | { kind: 'response'; version: string; status: number; reason: string }
  | { kind: 'partial-frame'; opcode: number; received: number; total: number }
  | FrameFact
  | { kind: 'tls'; records: TlsFact[] }
  /** an HTTP/2 frame (RFC 9113), complete in this packet: on the connection carrying HTTP/2, and on the WebSocket conversation of its stream (RFC 8441) */
  | { kind: 'h2'; frame: H2FrameFact };

/**
 * A frame as its packet tells it: the header's fields, what was captured of
 * it, and its payload quoted where the one-line summary shows it (a text
 * frame's own, uncompressed payload), so that the summary is made without
 * the frame.
 */
export interface FrameFact {
  kind: 'frame';
  index: number;
  opcode: number;
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  masked: boolean;
  /** as the header declares it (decimal text past 2^53 - 1) */
  length: number | string;
  /** a Close frame's code, and its reason quoted (null when it has none) */
  close: { code: number | null; reason: string | null } | null;
  /** the payload quoted (util/text.ts previewText, 24 characters), when the summary shows it; else null */
  preview: string | null;
  /** a continuation of a compressed message: its bytes are compressed (the message is told where it ends) */
  compressedPart: boolean;
  /** a pong: the ping it answers */
  answers: { packet: number; rtt: number } | null;
  /** the TCP segments it came in */
  segments: number;
  complete: boolean;
  missingBytes: number;
  /** the message the frame ends, when the summary tells it (compressed, fragmented, or read by an application protocol); else null */
  completes: MessageFact | null;
}

/** A message as the packet of its last frame tells it. */
export interface MessageFact {
  index: number;
  type: 'text' | 'binary';
  frames: number;
  /** bytes on the wire, and once inflated (null: compressed and not inflated, or not compressed) */
  length: number;
  inflatedLength: number | null;
  compressed: boolean;
  /** the whole (inflated) text quoted, 32 characters, when the summary shows it; else null */
  preview: string | null;
  /** what its application protocol says of it (worded by text/app-words.ts appText) */
  app: AppInfo | null;
}

export interface TimelineEntry {
  packet: number;
  ts: number;
  relTs: number;
  from: Side;
  phase: Phase;
  /** what the packet carried beyond TCP, in order (its one-line summary is made from these and its flags: text/packets.ts) */
  told: PacketFact[];
  /** its TCP flags (TCP_SYN, TCP_ACK…), null where what it carried is told without them */
  tcp: number | null;
  /** it carried nothing but TCP (its summary is its flags): views draw it lighter; not in the JSON export */
  bare: boolean;
  /** it carried an HTTP request or response head (its summary starts with that line); not in the JSON export */
  http: boolean;
}

export interface TcpInfo {
  handshake: { syn: number | null; synAck: number | null; ack: number | null };
  teardown: { kind: 'fin' | 'rst' | 'none'; firstBy: Side | null; packets: number[] };
  retransmissions: number;
  outOfOrder: number;
  lostBytes: number;
  /** the packet of each side's FIN; one without the other is a half-close */
  finBy: { client: number | null; server: number | null };
}

export interface ConnectionClose {
  initiator: Side | null;
  code: number | null;
  reason: string | null;
  replyCode: number | null;
  clean: boolean;
  /** packet numbers of the two Close frames */
  packet: number | null;
  replyPacket: number | null;
}

export interface SideCounts {
  /** by opcode */
  frames: Record<number, { count: number; bytes: number }>;
  messages: number;
  /** wire bytes of the messages */
  messageBytes: number;
  largestMessage: number;
  /**
   * the largest message as the application sees it: the inflated length of a
   * compressed message that was inflated, the wire length of an uncompressed
   * one (a compressed message left uninflated is not counted)
   */
  largestInflated: number;
  fragmentedMessages: number;
  pings: number;
  pongs: number;
  /** round trips of this side's pongs (answers to the peer's pings), in seconds */
  rtts: number;
  rttSum: number;
  rttMin: number | null;
  rttMax: number | null;
  /** messages per application-level type ("stomp SEND", "socket.io event \"chat message\"") */
  app: Record<string, number>;
}

export interface ConnectionCounts {
  packets: number;
  frames: number;
  messages: number;
  client: SideCounts;
  server: SideCounts;
  diagnostics: Record<Severity, number>;
}

/** What a connection carries, as the analysis decided it. */
export interface ProtocolInfo {
  /** websocket: upgraded (or taken for WebSocket); http: HTTP only, a refused upgrade among it; unknown: data no signature names */
  name: ProtocolName;
  /** what the protocol's own bytes say of it (an SSH banner, a database server's version), or null; a TLS connection's is told from its `tls` (render/kind.ts protocolDetail, the JSON export's words) */
  detail: string | null;
}

export interface TlsInfo {
  /** the version the server chose ("TLS 1.3"), null without its ServerHello */
  version: string | null;
  /** server_name the client asked for */
  sni: string | null;
  /** application protocols the client offered (ALPN) */
  alpnOffered: string[];
  /** the one the server chose, where the handshake shows it (TLS 1.2's ServerHello; TLS 1.3's EncryptedExtensions, once decrypted) */
  alpn: string | null;
  /** the server's certificate, where the handshake shows it (TLS 1.2 sends it in the clear; TLS 1.3 once decrypted) */
  certificate: { subject: string; issuer: string; notAfter: string; altNames: string[] } | null;
  cipherSuite: string | null;
  /** a ClientHello or ServerHello was captured (false: the capture joined the connection after its handshake) */
  handshakeSeen: boolean;
  /**
   * with a key log: whether records were opened with it (true), or not one (false); null when no key log was given.
   * A TLS 1.3 connection whose hellos were captured also tells its ALPN choice and certificate once decrypted.
   */
  decrypted: boolean | null;
  /** the key log lines that opened its records, in the order they first did */
  keys: { label: string; file: string; line: number }[];
  /** protected records that did not open with the keys (damage, wrong key) */
  failedRecords: number;
}

export interface Connection {
  id: number;
  /**
   * the HTTP/2 stream that carries this WebSocket conversation (RFC 8441),
   * inside TCP connection `id` (a conversation is reported as its stream
   * ends, the connection when it ends); null for a TCP connection itself
   */
  stream: number | null;
  /** what the HTTP/2 a TCP connection carries shows (h2c, or h2 inside TLS); null when it carries none */
  http2: Http2Info | null;
  client: Endpoint;
  server: Endpoint;
  /** the connection became WebSocket: upgraded by a 101, or taken for WebSocket without its handshake (see detection); a refused upgrade is not */
  websocket: boolean;
  /** what the connection carries; null when it carried no data */
  protocol: ProtocolInfo | null;
  /** a TLS connection: what its cleartext handshake shows (its application data, WebSocket or not, is encrypted); null otherwise */
  tls: TlsInfo | null;
  /**
   * how the connection was known to be WebSocket: its handshake, --decode-as,
   * a run of valid frames, or the server's 101 to websocket answering a
   * request the capture does not hold ('response': `handshake` is null)
   */
  detection: 'handshake' | 'decode-as' | 'heuristic' | 'response' | null;
  tcp: TcpInfo;
  handshake: Handshake | null;
  /** bytes of compressed messages on the wire and once inflated, per sender; null without permessage-deflate */
  compression: Record<Side, { wire: number; inflated: number }> | null;
  /** the application protocol's decoder and how it was chosen; null when none applied */
  app: { decoder: AppName; chosenBy: AppChosenBy } | null;
  /**
   * in order of index (messages too): arrays when the analysis keeps
   * everything in memory, lists that spill to a temporary file when it is
   * told to (the command line's views); see util/list.ts
   */
  frames: List<Frame>;
  messages: List<Message>;
  /** counted as the connection went by: what a summary needs without keeping the frames */
  counts: ConnectionCounts;
  /** its statistics (--stats), counted as it went by too (analyze/stats.ts); not in the JSON export */
  stats: ConnectionStats;
  /**
   * what its story (render/story.ts) tells, counted as it went by
   * (analyze/story.ts); null when it is to be counted from the lists (its
   * timeline was changed after the fact). Not in the JSON export.
   */
  story: StoryFacts | null;
  close: ConnectionClose;
  timeline: List<TimelineEntry>;
  /**
   * the largest packet number and the earliest and latest relTs of its
   * timeline's entries, noted as they were made (null when it has none):
   * what a view sizes its number and time columns by without reading a
   * long timeline back. Not in the JSON export.
   */
  timelineBounds: TimelineBounds | null;
  diagnostics: List<Diagnostic>;
}

export interface Http2Info {
  /** how HTTP/2 began: the client's preface with prior knowledge (h2c), an HTTP/1.1 request upgraded by a 101 to h2c, or inside TLS (ALPN h2) */
  start: 'prior-knowledge' | 'upgrade' | 'tls';
  /** the last value of every setting each side sent, by name (SETTINGS_ENABLE_CONNECT_PROTOCOL: ENABLE_CONNECT_PROTOCOL) */
  settings: Record<Side, Record<string, number>>;
  /** the packet of the server's first SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (RFC 8441 §3), null when it never sent it */
  connectProtocol: number | null;
  /** frames per type name, per side */
  frames: Record<Side, Record<string, number>>;
  /** streams opened in all; `streams` lists the last ones kept (at most 1000) */
  streamCount: number;
  streams: Http2StreamInfo[];
  /** the first GOAWAY each side sent */
  goaway: Record<Side, { lastStream: number; error: string; packet: number } | null>;
}

export interface Http2StreamInfo {
  id: number;
  method: string | null;
  path: string | null;
  /** the extended CONNECT's :protocol (RFC 8441), else null */
  protocol: string | null;
  status: number | null;
  /** it carried a WebSocket, reported as a conversation of its own (Connection.stream) */
  websocket: boolean;
  /** packets of the request and response heads */
  request: number | null;
  response: number | null;
  /** packets where each side ended its half of the stream (END_STREAM) */
  end: Record<Side, number | null>;
  reset: { by: Side; error: string; packet: number } | null;
  /** DATA bytes each side sent on it (padding excluded) */
  bytes: Record<Side, number>;
}

export interface TimelineBounds {
  maxPacket: number;
  minRelTs: number;
  maxRelTs: number;
}

export interface Summary {
  connections: number;
  /** connections that became WebSocket */
  websocketConnections: number;
  /** connections whose last upgrade request was answered with a status other than 101 */
  refusedUpgrades: number;
  frames: number;
  messages: number;
  diagnostics: Record<Severity, number>;
}

/**
 * Receives the analysis as it is produced. A sink that wants frames, messages
 * and diagnostics one by one as soon as they are final (and so lets the
 * analysis forget them) says so with `streaming`; its connections then come
 * without frames, messages, timeline or diagnostics.
 */
export interface AnalysisSink {
  readonly streaming?: boolean;
  /** `stream`: the HTTP/2 stream of a WebSocket conversation inside connection `connection` (RFC 8441), null for the connection's own */
  frame?(connection: number, frame: Frame, context: { messageType: 'text' | 'binary' | null; compressed: boolean }, stream?: number | null): void;
  message?(connection: number, message: Message, stream?: number | null): void;
  diagnostic?(connection: number, diagnostic: Diagnostic, stream?: number | null): void;
  connection(conn: Connection): void;
  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void;
}

/**
 * How a connection is named in every view and by --stream: its id, and for a
 * WebSocket conversation an HTTP/2 stream carried, "ID/STREAM".
 */
export function conversationName(c: Pick<Connection, 'id' | 'stream'>): string {
  return c.stream === null ? String(c.id) : `${c.id}/${c.stream}`;
}

/**
 * A message was captured whole: its last frame (FIN) came and every frame
 * of it was captured entire (none cut by capture loss or by the capture's
 * end). What every view and export calls a complete message.
 */
export function capturedWhole(m: Pick<Message, 'complete' | 'allCaptured' | 'missingBytes'>): boolean {
  return m.complete && m.allCaptured && m.missingBytes === 0;
}

export function emptyCounts(): ConnectionCounts {
  const side = (): SideCounts => ({ frames: {}, messages: 0, messageBytes: 0, largestMessage: 0, largestInflated: 0, fragmentedMessages: 0, pings: 0, pongs: 0, rtts: 0, rttSum: 0, rttMin: null, rttMax: null, app: {} });
  return { packets: 0, frames: 0, messages: 0, client: side(), server: side(), diagnostics: { error: 0, warning: 0, info: 0 } };
}
