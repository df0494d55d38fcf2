// --hex in English (the interface: text/hex-words.ts).
import type { HexWords } from '../hex-words.js';
import { opcodeName } from '../../websocket/frame.js';
import { closeCodeName } from '../words.js';
import { formatRtt, plural } from '../words.js';

const bytes = (n: bigint | number): string => (BigInt(n) === 1n ? '1 byte' : `${n} bytes`);

export const HEX_EN: HexWords = {
  wrap: null,
  frame: (i) => `Frame ${i}`,
  packets: (first, last, segments) => (segments <= 1 ? `packet ${last}` : `packets ${first}–${last} (${segments} segments)`),
  direction: (from) => (from === 'client' ? 'client → server' : 'server → client'),
  opcode: opcodeName,
  length: (n, bits) => `${bytes(n)}${bits === null ? '' : ` (${bits}-bit length)`}`,
  key: 'key',
  notMasked: 'not masked',
  incomplete: 'incomplete',
  header: 'header',
  firstByte: (fin, rsv, opcode) => `FIN ${fin ? 1 : 0}, RSV ${rsv}, opcode 0x${opcode.toString(16)} ${opcodeName(opcode)}`,
  secondByte: (masked, code) => `MASK ${masked ? 1 : 0}, length ${code}${code === 126 ? ': a 16-bit length follows' : code === 127 ? ': a 64-bit length follows' : ''}`,
  extendedLength: (n) => `extended length ${n}`,
  maskingKey: 'masking key',
  noteGap: ' ',
  note: 'note:',
  neverCaptured: (n) => `${plural(n, 'payload byte')} never captured (lost bytes are shown as unmasked 00)`,
  holds: (held, len) => `the capture holds ${held} of the ${bytes(len)} of payload`,
  partsJoin: '; ',
  incompleteNote: (parts) => `incomplete: ${parts ?? 'not every byte of this frame was captured'}`,
  keptOnly: (held, len) => `the analysis kept only the first ${held} of the ${bytes(len)} of payload`,
  fragment: (part, of, type, message) => `fragment ${part} of ${of} of ${type} message ${message}`,
  compressed: (fragment, message, inflated) =>
    `compressed (permessage-deflate): the payload is deflate data, shown as sent; ${fragment ? `this is ${fragment}, which` : `message ${message}`} ${inflated !== null ? `inflates to ${plural(inflated, 'byte')}` : 'could not be inflated'}`,
  closeNoCode: (one) => (one ? 'close body of 1 byte: no status code can be read' : 'close with no status code'),
  closeCode: (code, reason) => `close code ${code} (${closeCodeName(code)})${reason !== null ? `, reason ${reason}` : ''}`,
  answers: (frame, packet, rtt) => `answers the ping of frame ${frame} (packet ${packet}); round trip ${formatRtt(rtt)}`,
  payload: 'payload',
  none: 'none',
  notShown: (n) => `${plural(n, 'byte')} not shown`,
  columns: { wire: 'wire (masked)', wireShort: 'wire', unmasked: 'unmasked', unmaskedDeflate: 'unmasked (deflate)', bytes: 'bytes', bytesDeflate: 'bytes (deflate)', ascii: 'ascii' },
  moreNotShown: (n) => `… ${plural(n, 'more payload byte')} not shown`,
  nothing: (websocket, refused) => (refused !== null ? `No WebSocket frames: ${refused}.` : websocket ? 'No WebSocket frames.' : 'No WebSocket frames: not a WebSocket connection.'),
  noFrame: (i) => `No frame ${i} to dump.`,
};
