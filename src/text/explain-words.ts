// Every sentence explain mode (render/explain.ts) says, as a catalogue: one
// per language, each a complete implementation of this interface (the
// compiler holds a language to every sentence). The renderer decides what to
// say and when; a catalogue only puts it in words, from the values it is given.
import type { Diagnostic, Side } from '../model.js';
import type { Lang } from './lang.js';
import { EXPLAIN_EN } from './en/explain.js';
import { EXPLAIN_ZH_CN } from './zh-CN/explain.js';

/** Where something happened: a packet, with its time since the capture began when it is known. */
export interface At {
  packet: number | null;
  relTs: number | null;
}

export interface FrameFacts {
  index: number;
  at: At;
  from: Side;
  opcode: number;
  fin: boolean;
  /** the payload's length, in bytes */
  length: number;
  masked: boolean;
  maskingKey: string | null;
  /** the packets that carried it, when more than one */
  segments: { count: number; first: number; last: number } | null;
  close: { code: number | null; reason: string | null } | null;
  /** its message is compressed: the frame that says so (RSV1), or a later part */
  compressed: 'rsv1' | 'part' | null;
  /** the start of a text payload, quoted */
  text: string | null;
  /** the ping it answers */
  answers: { packet: number; rtt: number } | null;
}

/** The unmasking rows' labels (render/diagram.ts): the wire bytes, the key bytes, the unmasked bytes; how many of how many are shown. */
export interface UnmaskingWords {
  wire: string;
  key: string;
  plain: string;
  /** `of`: the frame's payload length (a 64-bit one past 2^53 as text) */
  firstOf(n: number, of: number | string): string;
}

/** The words inside a frame's header diagram (render/diagram.ts) that are not RFC 6455's field names: the opcode's name under its value, and the label of a field the row above began. */
export interface DiagramWords {
  /** "text", "close" */
  opcode(opcode: number): string;
  /** under the 7-bit length when an extended length follows: "(+16 bits)" */
  extended(bits: number): string;
  /** "(masking key cont.)": `name` is the field's name as the diagram writes it */
  cont(field: 'extended length' | 'masking key', name: string): string;
}

export interface ExplainWords {
  /** "client", "server" */
  side(s: Side): string;
  /** "packet 4 (0.012650 s)" */
  at(at: At): string;
  title(id: number | string, client: string, server: string): string;
  notWebSocket(carries: string): string;
  /** a connection whose HTTP/2 carried WebSockets (RFC 8441): where each is explained */
  carriesWebSockets(names: readonly string[]): string;
  sections: {
    tcpHandshake: string;
    tlsHandshake: string;
    wsHandshake: string;
    detection: string;
    masking: string;
    frames(count: string): string;
    /** when a selection left no frame to tell */
    noFrames(count: string): string;
    closing: string;
    teardown: string;
    diagnostics: string;
    /** a WebSocket an HTTP/2 stream carries (RFC 8441): the stream in place of the TCP handshake and teardown */
    stream: string;
    wsHandshakeH2: string;
    streamEnd: string;
  };
  /** the stream and the TCP connection that carries it, and where its HTTP/2 began */
  carried(stream: number, connection: number): string;
  /** the extended CONNECT (RFC 8441 §4, §5), its path sanitized */
  requestH2(at: string, stream: number, target: string): string;
  /** the 2xx that opens the WebSocket on the stream */
  openedH2(at: string, status: number): string;
  rejectedH2(at: string, status: number): string;
  /** the stream's ends: END_STREAM each way (the first, and the other's when it came), or RST_STREAM */
  streamEnds(first: { at: string; side: Side }, other: { at: string; side: Side } | null): string;
  /** `websocket`: the stream carried an open WebSocket (else a refused one) */
  streamReset(at: string, by: Side | null, websocket: boolean): string;
  streamStillOpen: string;
  detectedBy(how: 'heuristic' | 'decode-as' | 'response'): string;
  /** a clause (a selection that kept nothing) said as a sentence of its own: "Nothing matched." */
  asSentence(clause: string): string;

  // the TLS handshake of a wss:// connection decrypted with a key log (names, labels and files as given)
  /** the hellos: where they are, the server name and ALPN asked for, the version and suite chosen (null: not captured) */
  tlsHellos(client: { at: string; sni: string | null; alpn: readonly string[] } | null, server: { at: string; version: string | null; suite: string | null } | null): string;
  /** what the decrypted handshake (or TLS 1.2's clear one) showed of the server: its certificate, the application protocol it chose */
  tlsServerSaid(certificate: { subject: string; issuer: string; notAfter: string; altNames: readonly string[] } | null, alpn: string | null): string;
  /** what a key log is, and which files were read */
  tlsKeyLog(files: readonly string[]): string;
  /** which secret of which line opened which direction's records (TLS 1.3 handshake/application secrets, TLS 1.2 master secret) */
  tlsSecrets(version: 'TLS 1.3' | 'TLS 1.2' | null, keys: readonly { label: string; file: string; line: number }[]): string;
  /** records that did not open */
  tlsFailed(records: number): string;

  // the TCP three-way handshake
  midStream: string;
  syn(at: string, client: string, server: string): string;
  synAck(at: string): string;
  handshakeAck(at: string): string;
  handshakeRtt(seconds: number): string;

  // the opening handshake
  request(at: string, methodTarget: string): string;
  /** what a request header is for; null for one WebSocket does not use */
  requestHeader(name: string): string | null;
  /** what a 101's header is for, when it differs from the request's */
  responseHeader(name: string): string | null;
  ordinaryHeader: string;
  noResponse: string;
  rejected(at: string, status: number, reason: string): string;
  refusalBody(bytes: number, complete: boolean, text: string): string;
  switching(at: string): string;
  acceptIntro: string;
  /** the Accept's steps: labels, each followed by its value */
  acceptSteps: { key: string; guid(guid: string): string; sha1(bytes: number): string; base64: string; sent: string; noAccept: string; match: string; differ: string };
  subprotocol(quoted: string): string;
  deflate: string;
  extension(name: string): string;

  // masking and frames
  maskingWhy: string;
  frame(f: FrameFacts): string;
  moreFrames(n: number): string;
  /** the unmasking under a frame's diagram */
  unmasking: UnmaskingWords;
  /** the words inside a frame's header diagram */
  diagram: DiagramWords;

  // the closing handshake and the teardown
  noClose: string;
  closeStarts(initiator: Side, at: string, code: number | null, reason: string | null): string;
  closeAnswered(peer: Side, at: string, code: number | null): string;
  closeUnanswered(peer: Side): string;
  stillOpen: string;
  reset(at: string, by: Side | null): string;
  fin(at: string, first: Side, other: Side, otherFinAt: string | null): string;
  serverClosedFirst: string;
  clientClosedFirst: string;

  // what broke the rules
  severity(s: 'error' | 'warning' | 'info'): string;
  /** a diagnostic told: its severity's word (coloured by the caller), its code, packet and message (sanitized) and where its rule is written */
  diagnostic(severity: string, d: Diagnostic): string;
  /** a diagnostic's own sentence: in this language from its facts, when it has them (else as it was raised) */
  diagnosticMessage(d: Diagnostic): string;
  noFrame(conn: number | string, index: number, frames: number): string;
}

export function explainWords(lang: Lang | undefined): ExplainWords {
  return lang === 'zh-CN' ? EXPLAIN_ZH_CN : EXPLAIN_EN;
}
