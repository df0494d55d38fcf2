// Every word --messages (render/transcript.ts) prints, as a catalogue per
// language (see text/explain-words.ts for how catalogues work). What comes
// from the capture (payloads, close reasons, what an application protocol's
// decoder read) is the renderer's, sanitized, and never passes through here.
import type { Side } from '../model.js';
import type { Lang } from './lang.js';
import { TRANSCRIPT_EN } from './en/transcript.js';
import { TRANSCRIPT_ZH_CN } from './zh-CN/transcript.js';

export interface TranscriptWords {
  /** the direction column: "C → S", "C ← S" (every language's two the same width) */
  direction(from: Side): string;
  /** the type column: a message's type ("text", "binary") */
  messageType(type: 'text' | 'binary'): string;
  /** the type column: a frame of no message, by its opcode ("ping", "close", "reserved-3") */
  opcode(opcode: number): string;
  /** a count of bytes: "1 byte", "5 bytes" */
  bytes(n: bigint | number): string;
  /** between a hex preview's count and its bytes ("5 bytes: 01 02"): two columns wide */
  colon: string;
  /** a control frame with no payload */
  empty: string;
  /** the notes after a line's content, each in its brackets, and what goes between two */
  inflatedFrom(wire: bigint): string;
  notInflated: string;
  fragments(n: number): string;
  incomplete(missingBytes: number): string;
  roundTrip(seconds: number): string;
  noMessage: string;
  /** text cut to --max-payload bytes: how much of it is shown */
  firstOf(kept: number, total: bigint): string;
  notesJoin: string;
  /** between a line's content and its notes */
  notesGap: string;
  /** the line of a JSON message laid out under it */
  json(object: boolean, bytes: number): string;
  /** under laid-out JSON that --max-payload cut */
  moreNotShown(bytes: number): string;
  /** a Close frame's content: its code and that code's name, or no code */
  closeCode(code: number): string;
  closeNoCode(oneByteBody: boolean): string;
  /** the line under a message an application protocol's decoder read: what it read (as read), and whose it is */
  app(text: string, user: boolean): string;
  /** a connection with nothing to list */
  /** (`refused`: the refusal's words, "upgrade refused (403 Forbidden)", when the server refused the upgrade) */
  nothing(websocket: boolean, refused: string | null): string;
}

export function transcriptWords(lang: Lang | undefined): TranscriptWords {
  return lang === 'zh-CN' ? TRANSCRIPT_ZH_CN : TRANSCRIPT_EN;
}
