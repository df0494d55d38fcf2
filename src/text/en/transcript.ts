// --messages in English (the interface: text/transcript-words.ts).
import type { TranscriptWords } from '../transcript-words.js';
import { opcodeName } from '../../websocket/frame.js';
import { closeCodeName } from '../words.js';
import { formatRtt, plural } from '../words.js';

const bytes = (n: bigint | number): string => (BigInt(n) === 1n ? '1 byte' : `${n} bytes`);

export const TRANSCRIPT_EN: TranscriptWords = {
  direction: (from) => (from === 'client' ? 'C → S' : 'C ← S'),
  messageType: (type) => type,
  opcode: opcodeName,
  bytes,
  colon: ': ',
  empty: '(empty)',
  inflatedFrom: (wire) => `(inflated from ${bytes(wire)})`,
  notInflated: '(compressed, not inflated)',
  fragments: (n) => `(${plural(n, 'fragment')})`,
  incomplete: (missing) => (missing > 0 ? `(incomplete: ${plural(missing, 'byte')} never captured)` : '(incomplete)'),
  roundTrip: (s) => `(round trip ${formatRtt(s)})`,
  noMessage: '(belongs to no message)',
  firstOf: (kept, total) => `(first ${kept} of ${bytes(total)})`,
  notesGap: ' ',
  notesJoin: ' ',
  json: (object, n) => `${object ? 'JSON object' : 'JSON array'}, ${plural(n, 'byte')}`,
  moreNotShown: (n) => `… ${plural(n, 'more byte')} not shown`,
  closeCode: (code) => `${code} ${closeCodeName(code)}`,
  closeNoCode: (one) => (one ? '(1-byte body, no status code)' : '(no status code)'),
  app: (text, user) => `↳ ${text} (${user ? 'application data' : 'framework'})`,
  nothing: (websocket, refused) => (refused !== null ? `No WebSocket messages or frames: ${refused}.` : websocket ? 'No WebSocket messages or frames.' : 'No WebSocket messages or frames: not a WebSocket connection.'),
};
