// An application protocol's message in one line, in English (the interface:
// text/app-words.ts). These are also the words of the JSON export's
// `summary`: a change here changes its contract.
import type { AppWords } from '../app-words.js';
import type { AppChosenBy } from '../../app/types.js';

/** How a connection's decoder was chosen, in words (the story, --stats). */
export const CHOSEN_BY: Readonly<Record<AppChosenBy, string>> = { subprotocol: 'the subprotocol', url: 'the URL', content: "the messages' content", forced: 'as asked (--app)' };

const s = (n: number): string => (n === 1 ? '' : 's');

export const APP_EN: AppWords = {
  unitJoin: '; ',
  more: (n) => ` (+${n} more)`,

  jsonItems: (n) => `${n} item${s(n)}`,

  rpcBatch: (items) => `batch of ${items}: `,
  rpcKind: (kind) => kind,
  rpcAnswers: (method, packet) => ` to ${method} (packet ${packet})`,

  gqlUnnamed: '(anonymous)',
  gqlOperation: 'operation',
  gqlAnonymous: (operation) => `anonymous ${operation}`,

  sockJsMessages: (n) => (n === 1 ? '1 message' : `${n} messages`),
  sockJsOpen: (url) => `(open${url ? `: server ${url.server}, session ${url.session}` : ''})`,
  sockJsHeartbeat: '(heartbeat)',
  sockJsClose: '(close)',
  listColon: ': ',

  stompNoDestination: '(no destination)',
  stompReceipt: (id) => `(receipt ${id})`,
  stompBody: (bytes) => `(${bytes}-byte body)`,
  stompPartial: (bytes) => `part of a STOMP frame (${bytes} bytes so far)`,
  stompUnfinished: (bytes) => `; (the start of a frame, ${bytes} bytes)`,
  stompEols: (n) => ` (${n} end-of-lines)`,

  mqttClient: (id) => `client ${id}`,
  mqttConnect: (name, level, keepAlive, clean, user) => `(${name} level ${level}, keep-alive ${keepAlive} s${clean ? ', clean' : ''}${user !== undefined ? `, user ${user}` : ''})`,
  mqttSessionPresent: ' (session present)',
  mqttBinary: (bytes) => `(${bytes} binary bytes)`,
  mqttCodes: (codes) => `codes ${codes}`,
  mqttTooLarge: (toCome) => `part of an MQTT packet too large to follow (${toCome} bytes of it still to come)`,
  mqttPartOf: (have, need) => `part of an MQTT packet (${have} of ${need} bytes so far)`,
  mqttPartSoFar: (have) => `part of an MQTT packet (${have} bytes so far)`,
  mqttNext: (bytes) => `; (${bytes} bytes of the next packet)`,

  eioOpen: (sid, pingInterval) => `open (sid ${sid}${pingInterval !== undefined ? `, ping every ${pingInterval} ms` : ''})`,
  eioProbe: (type) => `${type} probe (testing the WebSocket before the upgrade)`,
  eioUpgrade: 'upgrade (the transport switches from polling to this WebSocket)',
  eioBinary: (bytes, base64) => `message (${bytes} binary bytes${base64 ? ', sent as base64 text' : ''})`,

  sioAttachments: (n) => ` + ${n} binary attachment${s(n)}`,
  sioAttachment: (k, of, what, bytes) => `attachment ${k} of ${of} of ${what} (${bytes} bytes)`,
  sioEvent: (name) => `event ${name}`,
};
