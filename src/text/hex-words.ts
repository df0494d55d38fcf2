// Every word --hex (render/hex.ts) prints, as a catalogue per language (see
// text/explain-words.ts for how catalogues work). The dump's bytes, offsets
// and ASCII column are data and never pass through here; the protocol's
// field names (FIN, RSV, MASK) stay as RFC 6455 §5.2 writes them.
import type { Side } from '../model.js';
import type { Lang } from './lang.js';
import { HEX_EN } from './en/hex.js';
import { HEX_ZH_CN } from './zh-CN/hex.js';

export interface HexWords {
  /** how this language lays out a note in lines of a width: null, between words (the dump's own way); else as the language breaks lines (between characters too) */
  wrap: ((text: string, width: number, indent: string, rest?: string) => string[]) | null;
  // a frame's title, its parts joined by " · "
  frame(index: number): string;
  /** "packet 8", or "packets 3–5 (3 segments)" */
  packets(first: number, last: number, segments: number): string;
  direction(from: Side): string;
  opcode(opcode: number): string;
  /** the payload's length, and the length form the sender used when it is not the 7-bit one */
  length(n: bigint, bits: 16 | 64 | null): string;
  /** before the masking key's bytes */
  key: string;
  notMasked: string;
  incomplete: string;

  // the header's bytes, each group explained
  header: string;
  firstByte(fin: boolean, rsv: string, opcode: number): string;
  secondByte(masked: boolean, code: number): string;
  extendedLength(n: bigint): string;
  maskingKey: string;

  // the notes under the header
  note: string;
  /** between the note's label and its text */
  noteGap: string;
  /** the parts of an incomplete frame's note: bytes never captured, what the capture holds */
  neverCaptured(missingBytes: number): string;
  holds(held: bigint, length: bigint): string;
  /** joins those parts */
  partsJoin: string;
  incompleteNote(parts: string | null): string;
  keptOnly(held: bigint, length: bigint): string;
  fragment(part: number, of: number, type: 'text' | 'binary', message: number): string;
  /** a compressed message's frame: `fragment` when it is one of several, else null; `inflated` its length inflated, null when it could not be */
  compressed(fragment: string | null, message: number, inflated: number | null): string;
  closeNoCode(oneByteBody: boolean): string;
  /** `reason` quoted, or null */
  closeCode(code: number, reason: string | null): string;
  answers(frame: number, packet: number, rtt: number): string;

  // the payload
  payload: string;
  none: string;
  notShown(bytes: number): string;
  /** the columns' labels: long when the column is wide enough, else short */
  columns: { wire: string; wireShort: string; unmasked: string; unmaskedDeflate: string; bytes: string; bytesDeflate: string; ascii: string };
  moreNotShown(bytes: number): string;

  /** a connection without a frame to dump */
  /** (`refused`: the refusal's words when the server refused the upgrade) */
  nothing(websocket: boolean, refused: string | null): string;
  noFrame(index: number | null): string;
}

export function hexWords(lang: Lang | undefined): HexWords {
  return lang === 'zh-CN' ? HEX_ZH_CN : HEX_EN;
}
