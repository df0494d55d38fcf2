// MQTT 3.1.1 (OASIS, 2014) and MQTT 5.0 (OASIS, 2019) over WebSocket
// (subprotocol "mqtt"): control packets in binary messages, where a message
// may carry several packets or part of one (MQTT 3.1.1 §6.0, MQTT 5 §6), so
// each direction is a byte stream cut into packets: a fixed header (type and
// flags, then the remaining length as a variable byte integer), a variable
// header and a payload.
import { isUtf8 } from 'node:buffer';
import type { Side } from '../model.js';
import type { AppDecoder, AppFinding, AppMessage, AppResult, MqttInfo, MqttPacket } from './types.js';
import { BODY_PREVIEW, clipText, MAX_UNITS, unitTypes } from './types.js';
import { said, type MqttField, type MqttProblem } from '../text/diagnostics.js';

const TYPES = ['reserved', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH'];

/** Bytes of a packet followed across messages at most; past it, the direction is no longer decoded. */
const MAX_PACKET = 16 * 1024 * 1024;

/** CONNACK return codes of MQTT 3.1.1 §3.2.2.3. */
const CONNACK_311: Record<number, string> = {
  0: 'accepted',
  1: 'unacceptable protocol version',
  2: 'identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
};

/** MQTT 5 reason codes (§2.4); 0x00-0x02 read differently by packet type (reasonText). */
const REASONS_5: Record<number, string> = {
  0x04: 'disconnect with will message',
  0x10: 'no matching subscribers',
  0x11: 'no subscription existed',
  0x18: 'continue authentication',
  0x19: 're-authenticate',
  0x80: 'unspecified error',
  0x81: 'malformed packet',
  0x82: 'protocol error',
  0x83: 'implementation specific error',
  0x84: 'unsupported protocol version',
  0x85: 'client identifier not valid',
  0x86: 'bad user name or password',
  0x87: 'not authorized',
  0x88: 'server unavailable',
  0x89: 'server busy',
  0x8a: 'banned',
  0x8b: 'server shutting down',
  0x8c: 'bad authentication method',
  0x8d: 'keep alive timeout',
  0x8e: 'session taken over',
  0x8f: 'topic filter invalid',
  0x90: 'topic name invalid',
  0x91: 'packet identifier in use',
  0x92: 'packet identifier not found',
  0x93: 'receive maximum exceeded',
  0x94: 'topic alias invalid',
  0x95: 'packet too large',
  0x96: 'message rate too high',
  0x97: 'quota exceeded',
  0x98: 'administrative action',
  0x99: 'payload format invalid',
  0x9a: 'retain not supported',
  0x9b: 'QoS not supported',
  0x9c: 'use another server',
  0x9d: 'server moved',
  0x9e: 'shared subscriptions not supported',
  0x9f: 'connection rate exceeded',
  0xa0: 'maximum connect time',
  0xa1: 'subscription identifiers not supported',
  0xa2: 'wildcard subscriptions not supported',
};

type PropKind = 'byte' | 'u16' | 'u32' | 'varint' | 'string' | 'binary' | 'pair';

/** MQTT 5 §2.2.2.2: property identifiers, names and types. */
const PROPERTIES: Record<number, [string, PropKind]> = {
  0x01: ['payloadFormatIndicator', 'byte'],
  0x02: ['messageExpiryInterval', 'u32'],
  0x03: ['contentType', 'string'],
  0x08: ['responseTopic', 'string'],
  0x09: ['correlationData', 'binary'],
  0x0b: ['subscriptionIdentifier', 'varint'],
  0x11: ['sessionExpiryInterval', 'u32'],
  0x12: ['assignedClientIdentifier', 'string'],
  0x13: ['serverKeepAlive', 'u16'],
  0x15: ['authenticationMethod', 'string'],
  0x16: ['authenticationData', 'binary'],
  0x17: ['requestProblemInformation', 'byte'],
  0x18: ['willDelayInterval', 'u32'],
  0x19: ['requestResponseInformation', 'byte'],
  0x1a: ['responseInformation', 'string'],
  0x1c: ['serverReference', 'string'],
  0x1f: ['reasonString', 'string'],
  0x21: ['receiveMaximum', 'u16'],
  0x22: ['topicAliasMaximum', 'u16'],
  0x23: ['topicAlias', 'u16'],
  0x24: ['maximumQoS', 'byte'],
  0x25: ['retainAvailable', 'byte'],
  0x26: ['userProperties', 'pair'],
  0x27: ['maximumPacketSize', 'u32'],
  0x28: ['wildcardSubscriptionAvailable', 'byte'],
  0x29: ['subscriptionIdentifierAvailable', 'byte'],
  0x2a: ['sharedSubscriptionAvailable', 'byte'],
};

/** What is wrong with a packet, as its facts (text/diagnostics.ts words them). */
class Malformed extends Error {
  constructor(readonly problem: MqttProblem) {
    super(problem.problem);
  }
}

/** Reads the fields of one packet's variable header and payload, failing with Malformed past its end. */
class Reader {
  constructor(
    private readonly b: Buffer,
    public at: number,
    private readonly end: number,
  ) {}

  get left(): number {
    return this.end - this.at;
  }

  need(n: number, what: MqttField): void {
    if (this.at + n > this.end) throw new Malformed({ problem: 'ends-inside', field: what });
  }

  byte(what: MqttField): number {
    this.need(1, what);
    return this.b[this.at++]!;
  }

  u16(what: MqttField): number {
    this.need(2, what);
    const v = this.b.readUInt16BE(this.at);
    this.at += 2;
    return v;
  }

  u32(what: MqttField): number {
    this.need(4, what);
    const v = this.b.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }

  varint(what: MqttField): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.byte(what);
      v += (c & 0x7f) * 128 ** i;
      if ((c & 0x80) === 0) return v;
    }
    throw new Malformed({ problem: 'varint-too-long', field: what });
  }

  bytes(n: number, what: MqttField): Buffer {
    this.need(n, what);
    const v = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }

  binary(what: MqttField): Buffer {
    return this.bytes(this.u16(what), what);
  }

  /** MQTT §1.5.3: a UTF-8 string with a 2-byte length (kept to BODY_PREVIEW characters) */
  string(what: MqttField): string {
    const b = this.binary(what);
    if (!isUtf8(b)) throw new Malformed({ problem: 'not-utf8', field: what });
    return clipText(b.toString('utf8'), BODY_PREVIEW);
  }

  rest(): Buffer {
    return this.bytes(this.left, 'payload');
  }
}

function properties(r: Reader): Record<string, unknown> | undefined {
  const length = r.varint('property length');
  r.need(length, 'properties');
  const end = r.at + length;
  const out: Record<string, unknown> = {};
  while (r.at < end) {
    const id = r.varint('property identifier');
    const prop = PROPERTIES[id];
    if (!prop) throw new Malformed({ problem: 'unknown-property', id });
    const [name, kind] = prop;
    const field = { property: name };
    let v: unknown;
    switch (kind) {
      case 'byte':
        v = r.byte(field);
        break;
      case 'u16':
        v = r.u16(field);
        break;
      case 'u32':
        v = r.u32(field);
        break;
      case 'varint':
        v = r.varint(field);
        break;
      case 'string':
        v = r.string(field);
        break;
      case 'binary':
        v = r.binary(field).subarray(0, BODY_PREVIEW).toString('base64');
        break;
      case 'pair': {
        const pair = [r.string('user property name'), r.string('user property value')];
        const list = (out[name] ??= []) as string[][];
        if (list.length < MAX_UNITS) list.push(pair);
        continue;
      }
    }
    out[name] = v;
  }
  if (r.at !== end) throw new Malformed({ problem: 'properties-overrun' });
  return Object.keys(out).length > 0 ? out : undefined;
}

/** MQTT 5: a reason code, then properties when bytes are left (both may be left out). */
function readReason(p: MqttPacket, r: Reader): void {
  p.reasonCode = r.byte('reason code');
  p.reason = reasonText(p.reasonCode, true, p.type);
  if (r.left > 0) readProperties(p, r);
}

/** MQTT 5 properties into the packet's fields (none: no field). */
function readProperties(p: MqttPacket, r: Reader): void {
  const props = properties(r);
  if (props) p.properties = props;
}

/**
 * A reason or return code in words, as the packet type reads it. A CONNACK
 * of 1-5 answering a CONNECT of level 5 is a 3.1.1 return code: a broker
 * that only speaks 3.1.1 refuses the version that way (MQTT 5 §3.2.2.2 has
 * no codes below 0x80 but 0).
 */
function reasonText(code: number, v5: boolean, type: string): string {
  if (type === 'CONNACK' && (!v5 || (code > 0 && code < 0x80))) return CONNACK_311[code] ?? `return code ${code}`;
  if (code === 0) return type === 'DISCONNECT' ? 'normal disconnection' : type === 'SUBACK' ? 'granted QoS 0' : 'success';
  if (type === 'SUBACK' && code <= 2) return `granted QoS ${code}`;
  return REASONS_5[code] ?? `reason 0x${code.toString(16)}`;
}

function payloadFields(p: Buffer): Pick<MqttPacket, 'payload' | 'payloadBase64' | 'payloadLength'> {
  if (isUtf8(p)) return { payload: clipText(p.toString('utf8'), BODY_PREVIEW), payloadLength: p.length };
  return { payloadBase64: p.subarray(0, BODY_PREVIEW).toString('base64'), payloadLength: p.length };
}

/** One control packet, whole: `b[at]` is its first byte, `end` one past its last. */
function decodePacket(b: Buffer, at: number, bodyAt: number, end: number, level: number): MqttPacket {
  const first = b[at]!;
  const typeNo = first >> 4;
  const flags = first & 0x0f;
  const type = TYPES[typeNo]!;
  const r = new Reader(b, bodyAt, end);
  const v5 = level === 5;
  const p: MqttPacket = { type };
  // MQTT 3.1.1 §2.2.2, MQTT 5 §2.1.3: fixed flags of every packet but PUBLISH
  const fixed = typeNo === 6 || typeNo === 8 || typeNo === 10 ? 0b0010 : 0;
  if (typeNo === 0) throw new Malformed({ problem: 'reserved-type' });
  if (typeNo !== 3 && flags !== fixed) throw new Malformed({ problem: 'fixed-flags', flags, expected: fixed });
  switch (type) {
    case 'CONNECT': {
      p.protocolName = r.string('protocol name');
      p.protocolLevel = r.byte('protocol level');
      const f = r.byte('connect flags');
      if (f & 1) throw new Malformed({ problem: 'reserved-connect-flag' });
      p.keepAlive = r.u16('keep alive');
      p.cleanStart = (f & 0x02) !== 0;
      if (p.protocolLevel === 5) readProperties(p, r);
      p.clientId = r.string('client identifier');
      if (f & 0x04) {
        if (p.protocolLevel === 5) properties(r);
        const topic = r.string('will topic');
        r.binary('will payload');
        p.will = { topic, qos: (f >> 3) & 3, retain: (f & 0x20) !== 0 };
      }
      if (f & 0x80) p.username = r.string('user name');
      if (f & 0x40) r.binary('password');
      break;
    }
    case 'CONNACK': {
      p.sessionPresent = (r.byte('acknowledge flags') & 1) === 1;
      p.reasonCode = r.byte('return code');
      p.reason = reasonText(p.reasonCode, v5, 'CONNACK');
      if (v5 && r.left > 0) readProperties(p, r);
      break;
    }
    case 'PUBLISH': {
      p.dup = (flags & 0x08) !== 0;
      p.qos = (flags >> 1) & 3;
      p.retain = (flags & 1) !== 0;
      // MQTT 3.1.1 §3.3.1.2: QoS 3 is malformed
      if (p.qos === 3) throw new Malformed({ problem: 'qos-3' });
      p.topic = r.string('topic name');
      if (p.qos > 0) p.packetId = r.u16('packet identifier');
      if (v5) readProperties(p, r);
      Object.assign(p, payloadFields(r.rest()));
      break;
    }
    case 'PUBACK':
    case 'PUBREC':
    case 'PUBREL':
    case 'PUBCOMP':
      p.packetId = r.u16('packet identifier');
      if (v5 && r.left > 0) readReason(p, r);
      break;
    case 'SUBSCRIBE': {
      p.packetId = r.u16('packet identifier');
      if (v5) readProperties(p, r);
      p.subscriptions = [];
      while (r.left > 0) {
        const sub = { topic: r.string('topic filter'), qos: r.byte('subscription options') & 3 };
        if (p.subscriptions.length < MAX_UNITS) p.subscriptions.push(sub);
      }
      // MQTT 3.1.1 §3.8.3: at least one topic filter
      if (p.subscriptions.length === 0) throw new Malformed({ problem: 'no-subscription' });
      break;
    }
    case 'UNSUBSCRIBE':
      p.packetId = r.u16('packet identifier');
      if (v5) readProperties(p, r);
      p.topics = [];
      let topics = 0;
      while (r.left > 0) {
        const topic = r.string('topic filter');
        if (topics++ < MAX_UNITS) p.topics.push(topic);
      }
      if (topics === 0) throw new Malformed({ problem: 'no-unsubscription' });
      break;
    case 'SUBACK':
    case 'UNSUBACK':
      p.packetId = r.u16('packet identifier');
      if (v5) readProperties(p, r);
      p.codes = [...r.rest().subarray(0, MAX_UNITS)];
      break;
    case 'DISCONNECT':
    case 'AUTH':
      if (type === 'AUTH' && !v5) throw new Malformed({ problem: 'auth-before-5' });
      if (v5 && r.left > 0) readReason(p, r);
      break;
    default:
      break;
  }
  if (r.left > 0) throw new Malformed({ problem: 'bytes-left', bytes: r.left });
  return p;
}

/** MQTT's CONNECT at the start of a binary message: 0x10, a remaining length, then "MQTT" or "MQIsdp". */
export function looksLikeMqtt(m: AppMessage): boolean {
  const b = m.payload;
  if (m.type !== 'binary' || b[0] !== 0x10) return false;
  let at = 1;
  while (at < 5 && (b[at]! & 0x80) !== 0) at++;
  const name = b.subarray(at + 3, at + 3 + (b[at + 2] ?? 0)).toString('latin1');
  return name === 'MQTT' || name === 'MQIsdp';
}

const VERSIONS: Record<number, string> = { 3: '3.1', 4: '3.1.1', 5: '5.0' };

/**
 * The start of a packet that continues in later messages: its pieces are
 * kept apart (joined once the packet is whole, so that a packet sent a byte
 * at a time costs no more than its length), with its size once its fixed
 * header is known and the packet its first byte came in.
 */
interface Held {
  pieces: Buffer[];
  length: number;
  need: number | null;
  packet: number;
}

export class MqttDecoder implements AppDecoder {
  /** protocol level: from CONNECT, else the subprotocol's (mqttv3.1 is 3.1), else 4 */
  private level: number;
  /** bytes of a packet begun in an earlier message, per sender */
  private readonly held: Record<Side, Held | null> = { client: null, server: null };
  private readonly broken: Record<Side, boolean> = { client: false, server: false };
  /** bytes of a packet too large to follow, still to pass over, per sender */
  private readonly passing: Record<Side, number> = { client: 0, server: 0 };
  /**
   * a message of this side was not decoded: the next may begin inside a
   * packet, so until one decodes cleanly, what does not is not reported
   */
  private readonly unsure: Record<Side, boolean> = { client: false, server: false };

  constructor(subprotocol: string | null) {
    this.level = subprotocol === 'mqttv3.1' ? 3 : 4;
  }

  decode(m: AppMessage): AppResult {
    const findings: AppFinding[] = [];
    const version = (): string => VERSIONS[this.level] ?? String(this.level);
    if (m.type === 'text') {
      // MQTT 3.1.1 §6.0, MQTT 5 §6: control packets go in binary data frames
      findings.push(said({ code: 'app.mqtt-text-frame', side: m.from, bytes: m.payload.length }));
    }
    if (this.broken[m.from]) return { info: null, findings };
    let payload = m.payload;
    if (this.passing[m.from] > 0) {
      const n = Math.min(this.passing[m.from], payload.length);
      this.passing[m.from] -= n;
      payload = payload.subarray(n);
      if (payload.length === 0) {
        const info: MqttInfo = { decoder: 'mqtt', type: 'partial', user: false, fields: { version: version(), packets: [] }, facts: { toCome: this.passing[m.from] } };
        return { info, findings };
      }
    }
    const before = this.held[m.from];
    if (before && before.need !== null && before.length + payload.length < before.need) {
      // still short of the packet's end: nothing to decode yet
      before.pieces.push(payload);
      before.length += payload.length;
      const info: MqttInfo = { decoder: 'mqtt', type: 'partial', user: false, fields: { version: version(), packets: [], pending: before.length }, facts: { need: before.need } };
      return { info, findings };
    }
    const b = before ? Buffer.concat([...before.pieces, payload]) : payload;
    const packets: MqttPacket[] = [];
    let count = 0;
    const own: AppFinding[] = [];
    let at = 0;
    let pending: number | undefined;
    let need: number | null = null;
    while (at < b.length) {
      // the fixed header: type and flags, then the remaining length (MQTT §2.2.3, at most 4 bytes)
      let length = 0;
      let i = at + 1;
      let complete = false;
      for (let n = 0; n < 4 && i < b.length; n++, i++) {
        length += (b[i]! & 0x7f) * 128 ** n;
        if ((b[i]! & 0x80) === 0) {
          complete = true;
          i++;
          break;
        }
      }
      if (!complete && i - at - 1 >= 4) {
        own.push(this.malformed(m.from, b[at]!, { problem: 'remaining-length' }, true));
        break;
      }
      if (!complete || i + length > b.length) {
        need = complete ? i + length - at : null;
        if (need !== null && need > MAX_PACKET) {
          // a packet may be 256 MB (MQTT 3.1.1 §2.2.3): not an error, but more than is followed
          this.passing[m.from] = need - (b.length - at);
          own.push(said({ code: 'limit.payload', mqtt: { type: TYPES[b[at]! >> 4]!, length: need, side: m.from }, max: MAX_PACKET }));
          need = null;
          break;
        }
        pending = b.length - at;
        break;
      }
      try {
        const p = decodePacket(b, at, i, i + length, this.level);
        if (p.type === 'CONNECT' && p.protocolLevel !== undefined) this.level = p.protocolLevel;
        count++;
        if (packets.length < MAX_UNITS) packets.push(p);
        if (p.type === 'CONNACK' && p.reasonCode !== 0) {
          own.push({ ...said({ code: 'app.mqtt-connack-refused', reason: p.reason, reasonCode: p.reasonCode }), spec: this.level === 5 ? 'MQTT 5 §3.2.2.2' : 'MQTT 3.1.1 §3.2.2.3' });
        }
      } catch (e) {
        if (!(e instanceof Malformed)) throw e;
        // its length still frames it: the packets after it are decoded
        own.push(this.malformed(m.from, b[at]!, e.problem, false));
      }
      at = i + length;
    }
    if (this.unsure[m.from]) {
      // after a message that was not decoded: one made of whole, clean packets is back in step; one that is not is not held against the sender
      if (pending !== undefined || own.some((f) => f.code === 'app.mqtt-bad-packet')) {
        this.held[m.from] = null;
        this.broken[m.from] = false;
        return { info: null, findings };
      }
      this.unsure[m.from] = false;
    }
    findings.push(...own);
    this.held[m.from] = pending !== undefined && !this.broken[m.from] ? { pieces: [Buffer.from(b.subarray(b.length - pending))], length: pending, need, packet: at === 0 && before ? before.packet : m.packet } : null;
    if (packets.length === 0 && pending === undefined) return { info: null, findings };
    const types = packets.map((p) => p.type);
    const info: MqttInfo = {
      decoder: 'mqtt',
      type: packets.length > 0 ? unitTypes(types) : 'partial',
      user: types.includes('PUBLISH'),
      fields: { version: version(), packets, ...(count > packets.length ? { more: count - packets.length } : {}), ...(pending !== undefined ? { pending } : {}) },
    };
    return { info, findings };
  }

  skip(from: Side): void {
    this.held[from] = null;
    this.passing[from] = 0;
    this.unsure[from] = true;
  }

  /** `fatal`: the packet's length cannot be trusted, so nothing after it can be framed */
  private malformed(from: Side, first: number, problem: MqttProblem, fatal: boolean): AppFinding {
    if (fatal) this.broken[from] = true;
    const type = TYPES[first >> 4]!;
    return { ...said({ code: 'app.mqtt-bad-packet', side: from, type, fatal, ...problem }), spec: this.level === 5 ? 'MQTT 5 §2' : 'MQTT 3.1.1 §2' };
  }

  end(): AppFinding[] {
    const out: AppFinding[] = [];
    for (const side of ['client', 'server'] as const) {
      const held = this.held[side];
      if (held) out.push({ ...said({ code: 'app.mqtt-incomplete', side, type: TYPES[held.pieces[0]![0]! >> 4], seen: held.length, need: held.need }), packet: held.packet, from: side });
    }
    return out;
  }
}
