// Engine.IO (protocols 3 and 4, https://github.com/socketio/engine.io-protocol)
// and the Socket.IO packets it carries (protocols 4 and 5,
// https://github.com/socketio/socket.io-protocol). Over WebSocket, each
// message is one Engine.IO packet: a type digit (0 open, 1 close, 2 ping,
// 3 pong, 4 message, 5 upgrade, 6 noop) and its data. A message packet
// carries a Socket.IO packet: a type digit, for binary packets the count of
// attachments and "-", a namespace ("/admin,"), an acknowledgement id and
// JSON; its binary attachments follow as binary WebSocket messages.
import type { Side } from '../model.js';
import type { AppDecoder, AppFinding, AppInfo, AppMessage, AppResult, EngineIoFields, EngineIoInfo, SocketIoFacts, SocketIoFields, SocketIoInfo } from './types.js';
import { BODY_PREVIEW, clipText, tryJson } from './types.js';
import { said } from '../text/diagnostics.js';
import type { SocketIoProblem } from '../diagnostic.js';

const EIO_TYPES = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop'];
/** Socket.IO protocol 5 (Socket.IO 3 and 4); protocol 4 (Socket.IO 2) calls 4 ERROR. */
const SIO_TYPES = ['CONNECT', 'DISCONNECT', 'EVENT', 'ACK', 'CONNECT_ERROR', 'BINARY_EVENT', 'BINARY_ACK'];

/** The Engine.IO version of a URL (its EIO query parameter), null when it is not an Engine.IO URL. */
export function engineIoUrl(target: string | null): { version: 3 | 4 | null } | null {
  if (target === null) return null;
  const eio = /[?&]EIO=(\d+)/.exec(target);
  if (eio) return { version: eio[1] === '3' ? 3 : eio[1] === '4' ? 4 : null };
  return /\/(socket|engine)\.io\//.test(target) ? { version: null } : null;
}

/** Whether a request is Engine.IO's long-polling transport (before an upgrade to WebSocket). */
export function isEngineIoPolling(target: string): boolean {
  return /[?&]transport=polling(?:&|$)/.test(target) && /[?&]EIO=\d/.test(target);
}

/** Engine.IO's open packet, the first a server sends: 0{"sid":… */
export function looksLikeEngineIo(m: AppMessage): boolean {
  return m.type === 'text' && m.from === 'server' && m.payload.subarray(0, 8).toString('latin1') === '0{"sid":';
}

function json(v: unknown): string {
  return clipText(JSON.stringify(v) ?? 'undefined', BODY_PREVIEW);
}

/** Binary attachments a side still owes to its last BINARY_EVENT or BINARY_ACK. */
interface Pending {
  packet: string;
  event: string | undefined;
  namespace: string;
  total: number;
  next: number;
  /** the packet that carried the announcing message */
  announcedIn: number;
}

export class EngineIoDecoder implements AppDecoder {
  private version: 3 | 4;
  private readonly pending: Record<Side, Pending | null> = { client: null, server: null };
  /**
   * Whether message packets carry Socket.IO: true when the URL said so
   * (/socket.io/) or the user did; when Engine.IO was recognised from the
   * content, decided once, by the first message packet (null until then),
   * and a guess never reports Socket.IO errors.
   */
  private socketIo: boolean | null;

  constructor(target: string | null, socketIo: boolean) {
    this.version = engineIoUrl(target)?.version ?? 4;
    this.socketIo = socketIo ? true : null;
  }

  private binaryMessage(m: AppMessage, data: Buffer, base64: boolean, findings: AppFinding[]): AppResult {
    const inner = this.attachment(m.from, data, findings);
    const fields: EngineIoFields = { version: this.version, packet: 'message', binary: true };
    const info: EngineIoInfo = { decoder: 'engine.io', type: 'message', user: true, fields, facts: { bytes: data.length, base64 }, ...(inner ? { inner: [inner] } : {}) };
    return { info, findings };
  }

  decode(m: AppMessage): AppResult {
    const findings: AppFinding[] = [];
    const v = this.version;
    if (m.type === 'binary') {
      // protocol 3 prefixes a binary message with its packet type; 4 sends the data alone
      let data = m.payload;
      if (v === 3) {
        if (data[0] !== 4) {
          return { info: null, findings: [said({ code: 'app.engineio-bad-packet', problem: 'binary-type', first: data[0] ?? null })] };
        }
        data = data.subarray(1);
      }
      return this.binaryMessage(m, data, false, findings);
    }
    const text = m.payload.toString('utf8');
    // binary data sent as text (forceBase64, or a transport without binary): b<base64> in protocol 4, b4<base64> in 3
    if (text.charAt(0) === 'b') {
      const b64 = v === 3 && text.charAt(1) === '4' ? text.slice(2) : text.slice(1);
      if (/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return this.binaryMessage(m, Buffer.from(b64, 'base64'), true, findings);
    }
    const digit = text.charCodeAt(0) - 48;
    const type = EIO_TYPES[digit];
    if (type === undefined || text.length === 0) {
      return { info: null, findings: [said({ code: 'app.engineio-bad-packet', problem: 'unknown-type', text: clipText(text, 40) })] };
    }
    const data = text.slice(1);
    const fields: EngineIoFields = { version: v, packet: type };
    let user = false;
    let inner: AppInfo | null = null;
    switch (type) {
      case 'open': {
        const o = tryJson(data);
        const h = o.ok && o.value !== null && typeof o.value === 'object' ? (o.value as Record<string, unknown>) : null;
        if (!h || typeof h['sid'] !== 'string') {
          findings.push({ ...said({ code: 'app.engineio-bad-packet', problem: 'open-without-sid', data: clipText(data, 40) }), spec: 'Engine.IO protocol §Handshake' });
          break;
        }
        fields.sid = clipText(h['sid'] as string, BODY_PREVIEW);
        if (Array.isArray(h['upgrades'])) fields.upgrades = h['upgrades'].slice(0, 8).map((u) => clipText(String(u), 40));
        if (typeof h['pingInterval'] === 'number') fields.pingInterval = h['pingInterval'];
        if (typeof h['pingTimeout'] === 'number') fields.pingTimeout = h['pingTimeout'];
        if (typeof h['maxPayload'] === 'number') fields.maxPayload = h['maxPayload'];
        break;
      }
      case 'ping':
      case 'pong':
        if (data === 'probe') {
          fields.probe = true;
        } else if (data !== '') {
          fields.data = clipText(data, BODY_PREVIEW);
        }
        break;
      case 'message': {
        user = true;
        if (this.socketIo === null) this.socketIo = looksLikeSocketIo(data) && !('problem' in parseSocketIo(data, this.version === 3 ? 4 : 5));
        const sio = this.socketIo ? this.socketIoPacket(m.from, data, findings, m.packet) : null;
        if (sio) {
          inner = sio;
          user = sio.user;
        } else {
          fields.data = clipText(data, BODY_PREVIEW);
        }
        break;
      }
    }
    const info: EngineIoInfo = { decoder: 'engine.io', type, user, fields, ...(inner ? { inner: [inner] } : {}) };
    return { info, findings };
  }

  private socketIoPacket(from: Side, data: string, findings: AppFinding[], at: number): SocketIoInfo | null {
    const r = parseSocketIo(data, this.version === 3 ? 4 : 5);
    if ('problem' in r) {
      // quoted as on the wire, with the Engine.IO message type in front
      findings.push(said({ code: 'app.socketio-bad-packet', text: clipText(`4${data}`, 40), problem: r.problem }));
      return null;
    }
    const owed = this.pending[from];
    if (owed && owed.next < owed.total) findings.push(missing(owed, from));
    this.pending[from] = null;
    if (r.fields.attachments !== undefined && r.fields.attachments > 0) {
      this.pending[from] = { packet: r.fields.packet, event: r.fields.event, namespace: r.fields.namespace, total: r.fields.attachments, next: 0, announcedIn: at };
    }
    if (r.fields.packet === 'CONNECT_ERROR' || r.fields.packet === 'ERROR') {
      findings.push(said({ code: 'app.socketio-connect-error', namespace: r.fields.namespace, args: r.fields.args ?? '' }));
    }
    return r.info;
  }

  private attachment(from: Side, data: Buffer, findings: AppFinding[]): SocketIoInfo | null {
    const p = this.pending[from];
    if (!p || p.next >= p.total) {
      if (this.socketIo !== true) return null;
      findings.push(said({ code: 'app.socketio-unexpected-binary', bytes: data.length, side: from }));
      return null;
    }
    const k = p.next++;
    const fields: SocketIoFields = { packet: 'ATTACHMENT', namespace: p.namespace, id: null, ...(p.event !== undefined ? { event: p.event } : {}), attachment: k, of: p.total, length: data.length };
    return { decoder: 'socket.io', type: 'attachment', user: true, fields, ...(p.event === undefined ? { facts: { announcedBy: p.packet } } : {}) };
  }

  skip(from: Side): void {
    // a lost binary message is counted as the attachment it probably was; a lost text packet may have announced attachments
    const p = this.pending[from];
    if (p && p.next < p.total) p.next++;
    else this.pending[from] = null;
  }

  end(): AppFinding[] {
    const out: AppFinding[] = [];
    for (const side of ['client', 'server'] as const) {
      const p = this.pending[side];
      if (p && p.next < p.total) out.push({ ...missing(p, side), packet: p.announcedIn, from: side });
    }
    return out;
  }
}

function missing(p: Pending, from: Side): AppFinding {
  return said({ code: 'app.socketio-missing-attachment', side: from, packet: p.packet, event: p.event, announced: p.total, followed: p.next });
}

/** An argument as a summary shows it: JSON, cut; a binary attachment's placeholder as <binary N>. */
function argText(a: unknown): string {
  if (typeof a === 'object' && a !== null && (a as Record<string, unknown>)['_placeholder'] === true && typeof (a as Record<string, unknown>)['num'] === 'number') return `<binary ${(a as Record<string, unknown>)['num'] as number}>`;
  return clipText(JSON.stringify(a) ?? '', 40);
}

/** A Socket.IO packet's shape: type digit, optional attachments-, namespace, id, JSON. */
export function looksLikeSocketIo(data: string): boolean {
  return /^[0-6](\d+-)?(\/[^,]*,?)?\d*([[{"]|$)/.test(data);
}

export function parseSocketIo(data: string, protocol: 4 | 5): { info: SocketIoInfo; fields: SocketIoFields } | { problem: SocketIoProblem } {
  const t = data.charCodeAt(0) - 48;
  let packet = SIO_TYPES[t];
  if (packet === undefined) return { problem: { why: 'type', char: data.charAt(0) } };
  if (protocol === 4 && t === 4) packet = 'ERROR';
  let at = 1;
  let attachments: number | undefined;
  if (t === 5 || t === 6) {
    const m = /^(\d+)-/.exec(data.slice(at));
    if (!m) return { problem: { why: 'no-attachments', packet } };
    attachments = Number(m[1]);
    at += m[0].length;
  }
  let namespace = '/';
  if (data.charAt(at) === '/') {
    const comma = data.indexOf(',', at);
    namespace = clipText(comma < 0 ? data.slice(at) : data.slice(at, comma), BODY_PREVIEW);
    at = comma < 0 ? data.length : comma + 1;
  }
  const idm = /^\d+/.exec(data.slice(at));
  const id = idm ? Number(idm[0]) : null;
  if (idm) at += idm[0].length;
  const rest = data.slice(at);
  let payload: unknown = undefined;
  if (rest !== '') {
    try {
      payload = JSON.parse(rest);
    } catch {
      return { problem: { why: 'not-json' } };
    }
  }
  const fields: SocketIoFields = { packet, namespace, id };
  if (attachments !== undefined) fields.attachments = attachments;
  let facts: SocketIoFacts | undefined;
  let user = false;
  switch (packet) {
    case 'EVENT':
    case 'BINARY_EVENT': {
      if (!Array.isArray(payload) || payload.length === 0 || typeof payload[0] !== 'string') return { problem: { why: 'not-event-array', packet } };
      fields.event = clipText(payload[0], BODY_PREVIEW);
      fields.args = json(payload.slice(1));
      user = true;
      facts = { args: clipText(payload.slice(1).map(argText).join(', '), 200) };
      break;
    }
    case 'ACK':
    case 'BINARY_ACK':
      if (!Array.isArray(payload)) return { problem: { why: 'not-array', packet } };
      if (id === null) return { problem: { why: 'no-id', packet } };
      fields.args = json(payload);
      user = true;
      facts = { args: payload.map(argText).join(', ') };
      break;
    case 'CONNECT':
      if (payload !== undefined) fields.args = json(payload);
      if (payload !== undefined && typeof payload === 'object' && payload !== null && 'sid' in payload) facts = { sid: String((payload as Record<string, unknown>)['sid']) };
      break;
    case 'DISCONNECT':
      break;
    default:
      if (payload !== undefined) fields.args = json(payload);
      break;
  }
  const type = packet === 'EVENT' || packet === 'BINARY_EVENT' ? 'event' : packet === 'ACK' || packet === 'BINARY_ACK' ? 'ack' : packet.toLowerCase();
  return { info: { decoder: 'socket.io', type, user, fields, ...(facts ? { facts } : {}) }, fields };
}
