// What a packet carried, in words, as a catalogue per language (see
// text/explain-words.ts for how catalogues work): the walkthrough's rows and
// the ladder's arrows (text/packets.ts decides which facts a summary tells,
// a catalogue only words them). What comes from the capture (an HTTP request
// or status line, a quoted payload, a TLS message's name) is handed in as it
// is, and the protocol's own notation (TCP flags, [FIN], [RSV1], close codes)
// stays as the wire has it.
import type { FrameFact, H2FrameFact, HttpHint, Phase, Side } from '../model.js';
import type { Lang } from './lang.js';
import { LADDER_EN, PACKETS_EN } from './en/packets.js';
import { LADDER_ZH_CN, PACKETS_ZH_CN } from './zh-CN/packets.js';

export interface PacketWords {
  /** "Text [FIN] 5 bytes [MASKED] "Hello"": a frame, and the message it completes when the summary tells it */
  /** `decrypted`: its packet's TLS records were decrypted, so the packets it came in are those whose records ended its bytes */
  frame(f: FrameFact, decrypted?: boolean): string;
  /** the start of a frame whose end is still to come */
  partialFrame(opcode: number, received: number, total: number): string;

  // what TCP shows of the packet
  keepAlive: string;
  retransmission(bytes: number): string;
  outOfOrder(bytes: number): string;
  late(bytes: number): string;
  ackedUnseen(peer: Side): string;
  /** bytes lost before this segment (`own`), or the peer's lost bytes this packet acknowledges */
  gap(bytes: number, from: Side, own: boolean): string;
  /** frame decoding resumes after a loss: at once (`skipped` 0) or after bytes that could not be framed */
  resync(skipped: number): string;
  /** WebSocket recognised without its handshake; `skipped`: bytes that end a frame begun before the capture */
  detected(skipped: number): string;

  // what the bytes are, when they are not frames
  opaque(bytes: number): string;
  held(bytes: number): string;
  earlyResponse(bytes: number): string;
  httpPartial(role: 'request' | 'response', bytes: number): string;
  /** an HTTP request: its request line (from the capture, as it is) and what it asks */
  request(method: string, target: string, version: string, upgrade: boolean, hint: HttpHint | null): string;
  /** an HTTP response: its status line, as it is */
  response(version: string, status: number, reason: string): string;

  // a TLS handshake's cleartext, record by record (the message names are TLS's own)
  tlsClientHello(sni: string | null, alpn: readonly string[] | null): string;
  tlsServerHello(retry: boolean, version: string, suite: string, alpn: string | null): string;
  tlsHandshake(name: string): string;
  /** the server's certificate: subject and issuer (from the capture, sanitized), end of validity (YYYY-MM-DD) */
  tlsCertificate(subject: string, issuer: string, notAfter: string): string;
  /** TLS 1.3's EncryptedExtensions, with the ALPN choice when it has one */
  tlsEncryptedExtensions(alpn: string | null): string;
  tlsAlert(name: string): string;
  tlsChangeCipherSpec: string;
  /** protected records not opened; `failed` of them did not open with the key log's keys */
  tlsEncrypted(records: number, failed: number): string;
  /**
   * protected records opened with the key log (told after what they carried), with the secrets that opened a
   * direction's records for the first time here: the label (TLS's own), the file and line, KeyUpdates since
   */
  tlsDecrypted(records: number, keys: readonly { label: string; file: string; line: number; generation: number }[]): string;
  /** a packet inside one record: bytes of its body received so far, of its length */
  tlsRecordPart(received: number, total: number): string;
  /** between a packet's TLS records */
  tlsJoin: string;

  /**
   * an HTTP/2 frame (RFC 9113): its type and flags as HTTP/2 names them, its
   * stream, and what it says (a request's method and path and :protocol, a
   * status, settings, an error code); what comes from the capture is sanitized
   */
  h2(f: H2FrameFact): string;
  /** the HTTP/2 frames a summary counts but does not name */
  moreH2(n: number): string;

  /** the frames a summary counts but does not name */
  moreFrames(n: number): string;
  /** between the facts of one packet */
  join: string;
  /** a summary and the TCP flags that matter with it ("… + FIN, ACK") */
  withFlags(summary: string, flags: string): string;
}

/** The ladder's words (render/ladder.ts): its margin's heads, the lifelines' names, each phase's rule. */
export interface LadderWords {
  /** the packet-number and time columns' heads */
  number: string;
  time: string;
  /** over a lifeline: "client 192.0.2.10:51000" */
  lifeline(side: Side, endpoint: string): string;
  phase(p: Phase): string;
}

export function packetWords(lang: Lang | undefined): PacketWords {
  return lang === 'zh-CN' ? PACKETS_ZH_CN : PACKETS_EN;
}

export function ladderWords(lang: Lang | undefined): LadderWords {
  return lang === 'zh-CN' ? LADDER_ZH_CN : LADDER_EN;
}
