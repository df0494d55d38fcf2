// What the HTML report's script reads: the data blocks render/html.ts writes
// into the page (the JSON export's objects, with what the terminal shows
// besides), and what it is given from the TypeScript tables it shares with
// the terminal views. Types only: the page's program is a script, and these
// are its globals.

type Side = 'client' | 'server';
type Severity = 'error' | 'warning' | 'info';

/** Given to the script by render/html.ts, from the tables the terminal views use. */
interface PageShared {
  /** opcode → name (websocket/frame.ts) */
  opcodes: Record<string, string>;
  /** application protocol → label (app/protocols.ts) */
  labels: Record<string, string>;
  /** a connection's phases, in order (model.ts) */
  phases: string[];
  /** the sequence diagram's font: the style sheet draws with it, the script measures with it */
  ladderFont: string;
  /** websocket/header-bits.ts, as it runs in the terminal */
  headerFields: typeof import('../websocket/header-bits.js').headerFields;
  headerRows: typeof import('../websocket/header-bits.js').headerRows;
  /** render/plot-scale.ts: the message-size plot's scale */
  sizeScale: typeof import('../render/plot-scale.js').sizeScale;
}

/** The characters the terminal's sanitize makes visible (util/text.ts HIDDEN_CHARS). */
declare const HIDDEN: RegExp;
declare const SHARED: PageShared;

interface Endpoint {
  ip: string;
  port: number;
}

/** A payload as the JSON export writes it: text when it is UTF-8 text, else base64; truncated when cut. */
interface Payload {
  text?: string;
  base64?: string;
  truncated?: boolean;
}

interface PageFrame {
  index: number;
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
  payloadLength: number | string;
  headerLength: number;
  packets: number[];
  message: number | null;
  payload?: Payload;
  close: { code: number | null; reason: string } | null;
  complete: boolean;
  missingBytes: number;
  answers: { frame: number; packet: number; rtt: number } | null;
  /** a Close frame's body, base64 */
  closeBody?: string;
  closeName?: string | null;
  /** the walkthrough's words for it */
  summary: string;
}

interface AppReading {
  decoder: string;
  summary: string;
  user: boolean;
  fields: unknown;
  inner?: AppReading[];
}

interface PageMessage {
  index: number;
  from: Side;
  opcode: number;
  type: 'text' | 'binary';
  frames: number[];
  length: number | string;
  compressed: boolean;
  inflatedLength: number | null;
  payload?: Payload;
  complete: boolean;
  app: AppReading | null;
}

interface PageEntry {
  packet: number;
  relTs: number;
  from: Side;
  phase: string;
  summary: string;
  /** it carried nothing but TCP (drawn lighter) */
  bare: boolean;
}

interface PageDiagnostic {
  code: string;
  severity: Severity;
  message: string;
  rfc: string | null;
  packet: number | null;
  frame: number | null;
  from: Side | null;
}

interface HttpHeadData {
  packet: number;
  version: string;
  headers: [string, string][];
}

interface PageHandshake {
  request: HttpHeadData & { method: string; target: string };
  response: (HttpHeadData & { status: number; reason: string; body?: { length: number; complete: boolean; payload?: Payload } }) | null;
  outcome: 'upgraded' | 'rejected' | 'no-response';
  accept: string | null;
  acceptValid: boolean | null;
  subprotocol: string | null;
  offeredSubprotocols: string[];
  extensions: { name: string; params: Record<string, string | true> }[];
  offeredExtensions: string[];
  acceptSteps: { key: string; guid: string; concatenated: string; sha1: string; base64: string } | null;
}

interface SideCounts {
  frames: Record<string, { count: number; bytes: number }>;
  messages: number;
  messageBytes: number;
  largestMessage: number;
  largestInflated: number;
  fragmentedMessages: number;
  pings: number;
  pongs: number;
  rtts: number;
  rttMin: number;
  rttMax: number;
  rttSum: number;
  app?: Record<string, number>;
}

interface PageConnection {
  /** when the report's frame budget (--html-frames) cut it: the frames it holds, of how many */
  cut?: { shown: number; frames: number };
  id: number;
  /** the HTTP/2 stream of a WebSocket conversation connection id carried (RFC 8441), else null */
  stream: number | null;
  /** how the views and --stream name it: "3", or "3/5" for a conversation */
  name: string;
  client: Endpoint;
  server: Endpoint;
  websocket: boolean;
  /** what it is, in words */
  kind: string;
  app: { decoder: string; chosenBy: string } | null;
  verdict: string;
  story: string[];
  tcp: { retransmissions: number; outOfOrder: number; lostBytes: number; teardown: { kind: string; firstBy: Side | null } };
  handshake: PageHandshake | null;
  compression: Record<Side, { wire: number; inflated: number }> | null;
  /** the HTTP/2 it carries (its streams, each WebSocket among them a connection of its own), null when none */
  http2: { start: string; connectProtocol: number | null; streamCount: number; streams: { id: number; method: string | null; path: string | null; protocol: string | null; status: number | null; websocket: boolean }[] } | null;
  close: { initiator: Side | null; code: number | null; reason: string; replyCode: number | null; clean: boolean };
  counts: { frames: number; messages: number; diagnostics: Record<Severity, number>; client: SideCounts; server: SideCounts };
  frames: PageFrame[];
  messages: PageMessage[];
  timeline: PageEntry[];
  diagnostics: PageDiagnostic[];
}

interface PageEnd {
  tool: { name: string; version: string };
  capture: { file: string; compressed: boolean; format: string; linkTypes: number[]; packets: number; bytes: number; firstTs: number | null; lastTs: number | null };
  linkTypeNames?: string[];
  /** the terminal's note when the reading was interrupted */
  interruption: string | null;
  selection: string | null;
  summary: { connections: number; websocketConnections: number; refusedUpgrades: number; frames: number; messages: number; diagnostics: Record<Severity, number> };
  diagnostics: PageDiagnostic[];
  maxPayload: number | null;
  /** when the report's frame budget (--html-frames) left frames out: the budget, the connections cut, the frames held of how many */
  cut?: { budget: number; connections: number; shown: number; frames: number };
}
