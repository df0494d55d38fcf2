// The default report's sections (render/terminal.ts connectionChunks): their
// titles, the walkthrough's and the frame table's heads, the words in their
// cells, the handshake's rows, the close section's sentences, and the block
// of a connection that is not WebSocket, as a catalogue per language. The
// renderer decides what to say and lays it out (in display columns); a
// catalogue only words it from the values it is given. The story's sentences
// are text/story-words.ts; see text/explain-words.ts for how catalogues work.
import type { Phase, Side } from '../model.js';
import type { Lang } from './lang.js';
import { SECTIONS_EN } from './en/sections.js';
import { SECTIONS_ZH_CN } from './zh-CN/sections.js';

/** The frame table's columns, in their order. */
export type FrameColumn = 'index' | 'packet' | 'time' | 'from' | 'fin' | 'rsv' | 'opcode' | 'mask' | 'length' | 'key' | 'payload';

export interface SectionsWords {
  titles: {
    inShort: string;
    /** `shown`: how many packets are shown when a selection narrowed them ("3 of 20"), else null */
    walkthrough(shown: string | null): string;
    handshake: string;
    frames(shown: string): string;
    close: string;
    diagnostics(n: number): string;
  };
  /** what the diagnostics section says when there are none */
  noDiagnostics: string;

  /** the walkthrough's column heads */
  walkthroughHeads: { no: string; time: string; dir: string; phase: string; summary: string };
  /** a phase as its column says it (at most 13 columns) */
  phase(p: Phase): string;
  /** a packet's direction, 5 columns: "C → S" */
  arrow(from: Side): string;

  /**
   * a connection that is not WebSocket: what it carries (`label`, already worded); whether it is encrypted
   * ('no-keys': no key log was given; 'not-opened': the key logs given did not open it, their diagnostics listed
   * after; null: not encrypted, or decrypted); its packets; whether its HTTP is listed after
   */
  notWebSocket(label: string, encrypted: 'no-keys' | 'not-opened' | null, packets: number, http: boolean): string;
  /** the HTTP messages not listed */
  moreHttp(n: number): string;
  /**
   * a connection carrying HTTP/2: how it began, whether (and in which packet)
   * the server enabled the extended CONNECT (RFC 8441), how many streams
   */
  http2Head(start: 'prior-knowledge' | 'upgrade' | 'tls', connectProtocol: number | null, streams: number): string;
  /**
   * one of its streams: the request (method, path, :protocol; sanitized), the
   * status, how it ended; `conversation`: the name of the WebSocket it carried
   * (reported on its own)
   */
  http2Stream(s: { id: number; method: string | null; path: string | null; protocol: string | null; status: number | null; reset: string | null; conversation: string | null }): string;
  moreStreams(n: number): string;
  /** the head of a connection carrying HTTP/2 (not itself WebSocket): what it is (TLS detail included), the WebSockets it carried (reportWords.carriesWebSockets, or null), its packets */
  http2Connection(label: string, carries: string | null, packets: number): string;

  handshake: {
    request(packet: number): string;
    response(packet: number): string;
    noResponse: string;
    /** the rows' labels (each padded to 22 columns by the renderer) */
    labels: { key: string; acceptReceived: string; acceptComputed: string; verdict: string; refusalBody: string; subprotocol: string; extensions: string };
    missing: string;
    noKeyToCompute: string;
    /** the Accept computed from the key, and how */
    computed(accept: string, guid: string): string;
    verdict(v: 'rejected' | 'no-response' | 'valid' | 'invalid' | 'no-accept' | 'h2', status: number | null, reason: string): string;
    /** a refusal's body: its size, whether it was captured whole, its preview */
    refusalBody(bytes: number, complete: boolean, shown: string): string;
    /** no subprotocol, no extension */
    none: string;
    /** what the client offered (sanitized), after the server's choice */
    offered(list: string): string;
  };

  frameTable: {
    /** each column's head, in full and when the table is squeezed */
    heads: Readonly<Record<FrameColumn, readonly [full: string, short: string]>>;
    side(s: Side): string;
    /** an opcode's short name, after its value ("0x1 text") */
    opcode(opcode: number): string;
    /** the extended length's form: 16-bit, 64-bit */
    lengthForm(bits: 16 | 64): string;
    incomplete: string;
    /** a Close with a 1-byte body, a Close with no status code */
    closeOneByte: string;
    noStatusCode: string;
    closeCodeName(code: number): string;
    /** a part of a compressed message: its bytes on the wire; `notInflated` when the message could not be inflated */
    compressed(bytes: number, notInflated: boolean): string;
    /** a compressed message inflated: its size (binary), or its preview (text; the preview fits the width less 14 columns) */
    inflatedBytes(bytes: number): string;
    inflatedText(preview: string): string;
    /** a run of frames alike, collapsed: how many more, the frame shown, the packets of the others */
    collapsed(more: number, frame: number, first: number, last: number): string;
  };

  close: {
    /** the first Close: who sent it, its code (null: none), its reason quoted (or null), its packet; the reply, or null when never sent */
    sent(initiator: Side, code: number | null, reason: string | null, packet: number | null, reply: { code: number | null; packet: number } | null): string;
    noClose: string;
    tcpOpen: string;
    /** a WebSocket an HTTP/2 stream carried: the stream's ends (END_STREAM each way, or RST_STREAM), in place of TCP's */
    streamOpen: string;
    streamReset(by: Side | null, packet: number | undefined): string;
    streamEnd(first: Side | null, ends: readonly { side: Side; packet: number }[], half: boolean): string;
    tcpReset(by: Side | null, packet: number | undefined): string;
    /** FINs: the side that sent the first, then each FIN in order; `half` when only one side sent one */
    tcpFin(first: Side | null, fins: readonly { side: Side; packet: number }[], half: boolean): string;
    /** the TCP analysis's counts, null when all are zero */
    tcpAnalysis(retransmissions: number, outOfOrder: number, lostBytes: number): string | null;
    compression(client: { wire: number; inflated: number }, server: { wire: number; inflated: number }): string;
    clean: string;
    /** a WebSocket an HTTP/2 stream carried */
    cleanStream: string;
    notClean: string;
  };
}

export function sectionsWords(lang: Lang | undefined): SectionsWords {
  return lang === 'zh-CN' ? SECTIONS_ZH_CN : SECTIONS_EN;
}
