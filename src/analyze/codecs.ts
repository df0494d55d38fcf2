// How a connection's frames and timeline entries are written when their list
// spills (util/list.ts, util/codec.ts). Every field of the model is written:
// test/spill.test.ts reads every frame and entry of every capture back and
// compares it with the original, so a field added to the model and not here
// fails it.
import { deserialize, serialize } from 'node:v8';
import type { AppInfo, JsonFields, JsonInfo } from '../app/types.js';
import { plainJsonInfo, sameKeys } from '../app/json.js';
import { type Frame, type FrameFact, type Message, type MessageFact, type PacketFact, PHASES, type Side, type TimelineEntry } from '../model.js';
import type { Dir } from '../tcp/connection.js';
import { NOTHING } from './annotate.js';
import { type Codec, Reader, Writer } from '../util/codec.js';
import { MappedList, type SpillList } from '../util/list.js';

const SIDES: readonly Side[] = ['client', 'server'];

const writer = new Writer();

export const frameCodec: Codec<Frame> = {
  encode(items) {
    const w = writer;
    w.reset();
    keysWritten = null;
    w.uint(items.length);
    for (const f of items) {
      w.uint(f.index);
      w.uint(f.packet);
      w.f64(f.ts);
      w.f64(f.relTs);
      w.u8(SIDES.indexOf(f.from));
      w.u8((f.fin ? 1 : 0) | (f.rsv1 ? 2 : 0) | (f.rsv2 ? 4 : 0) | (f.rsv3 ? 8 : 0) | (f.masked ? 16 : 0) | (f.complete ? 32 : 0) | (typeof f.payloadLength === 'string' ? 64 : 0));
      w.u8(f.opcode);
      w.strOrNull(f.maskingKey);
      if (typeof f.payloadLength === 'string') w.str(f.payloadLength);
      else w.uint(f.payloadLength);
      w.uint(f.headerLength);
      w.uint(f.packets.length);
      for (const p of f.packets) w.uint(p);
      w.uintOrNull(f.message);
      w.bytes(f.payload);
      w.uint(f.missingBytes);
      w.u8(f.close === null ? 0 : 1);
      if (f.close) {
        w.num(f.close.code);
        w.str(f.close.reason);
      }
      w.u8(f.answers === null ? 0 : 1);
      if (f.answers) {
        w.uint(f.answers.frame);
        w.uint(f.answers.packet);
        w.f64(f.answers.rtt);
      }
    }
    return w.take();
  },
  decode(bytes) {
    const r = new Reader(bytes);
    keysRead = null;
    const n = r.uint();
    const out: Frame[] = [];
    for (let i = 0; i < n; i++) {
      const index = r.uint();
      const packet = r.uint();
      const ts = r.f64();
      const relTs = r.f64();
      const from = SIDES[r.u8()]!;
      const bits = r.u8();
      const opcode = r.u8();
      const maskingKey = r.strOrNull();
      const payloadLength = bits & 64 ? r.str() : r.uint();
      const headerLength = r.uint();
      const packets: number[] = [];
      for (let k = r.uint(); k > 0; k--) packets.push(r.uint());
      const message = r.uintOrNull();
      const payload = r.bytes();
      const missingBytes = r.uint();
      const close = r.u8() === 1 ? { code: r.num(), reason: r.str() } : null;
      const answers = r.u8() === 1 ? { frame: r.uint(), packet: r.uint(), rtt: r.f64() } : null;
      out.push({ index, packet, ts, relTs, from, fin: (bits & 1) !== 0, rsv1: (bits & 2) !== 0, rsv2: (bits & 4) !== 0, rsv3: (bits & 8) !== 0, opcode, masked: (bits & 16) !== 0, maskingKey, payloadLength, headerLength, packets, message, payload, complete: (bits & 32) !== 0, missingBytes, close, answers });
    }
    return out;
  },
};

/** A timeline entry as the analysis keeps it until the connection is over (see connection.ts). */
/** `bare`: the packet carried nothing but TCP (its summary is its flags); `closesTcp`: a bare packet that carried FIN or RST. */
export type HeldEntry = TimelineEntry & { dir: Dir; provisional: boolean; closesTcp: boolean };

/** A held entry as the views read it once its connection is over: its side known from the client's direction, its phase `other` on a connection that is not WebSocket. */
export function finishedEntry(e: HeldEntry, clientDir: Dir, websocket: boolean): TimelineEntry {
  return {
    packet: e.packet,
    ts: e.ts,
    relTs: e.relTs,
    from: e.dir === clientDir ? 'client' : 'server',
    phase: websocket ? e.phase : 'other',
    told: e.told,
    tcp: e.tcp,
    bare: e.bare,
    http: e.http,
  };
}

/**
 * A spilled timeline as the views read it: the held entries, each made a
 * finished one as it is read. What it is made with is plain data, so that
 * another thread reading the same file makes the same (analyze/share.ts).
 */
export class TimelineList extends MappedList<HeldEntry, TimelineEntry> {
  constructor(
    readonly held: SpillList<HeldEntry>,
    readonly clientDir: Dir,
    readonly websocket: boolean,
  ) {
    super(held, (e) => finishedEntry(e, clientDir, websocket));
  }
}

/**
 * A packet's facts: the common ones (TCP flags, frames, byte counts) field by
 * field, the rare ones (HTTP heads, TLS records) as JSON text.
 */
const FACT_KINDS = ['frame', 'keep-alive', 'retransmission', 'out-of-order', 'late', 'acked-unseen', 'gap', 'resync', 'detected', 'opaque', 'held', 'early-response', 'http-partial', 'partial-frame'] as const;
const FACT_KIND = new Map<string, number>(FACT_KINDS.map((k, i) => [k, i]));
const JSON_FACT = 255;

function writeFrameFact(w: Writer, f: FrameFact): void {
  w.uint(f.index);
  w.u8(f.opcode);
  const m = f.completes;
  w.u8((f.fin ? 1 : 0) | (f.rsv1 ? 2 : 0) | (f.rsv2 ? 4 : 0) | (f.rsv3 ? 8 : 0) | (f.masked ? 16 : 0) | (f.complete ? 32 : 0) | (f.compressedPart ? 64 : 0) | (typeof f.length === 'string' ? 128 : 0));
  w.u8((f.close ? 1 : 0) | (f.answers ? 2 : 0) | (m ? 4 : 0) | (m?.compressed ? 8 : 0) | (m?.app ? 16 : 0) | (m?.type === 'binary' ? 64 : 0));
  if (typeof f.length === 'string') w.str(f.length);
  else w.uint(f.length);
  if (f.close) {
    w.num(f.close.code);
    w.strOrNull(f.close.reason);
  }
  w.strOrNull(f.preview);
  if (f.answers) {
    w.uint(f.answers.packet);
    w.f64(f.answers.rtt);
  }
  w.uint(f.segments);
  w.uint(f.missingBytes);
  if (m) {
    w.uint(m.index);
    w.uint(m.frames);
    w.uint(m.length);
    w.uintOrNull(m.inflatedLength);
    w.strOrNull(m.preview);
    if (m.app) writeAppAlone(w, m.app);
  }
}

function readFrameFact(r: Reader): FrameFact {
  const index = r.uint();
  const opcode = r.u8();
  const bits = r.u8();
  const has = r.u8();
  const length = bits & 128 ? r.str() : r.uint();
  const close = has & 1 ? { code: r.num(), reason: r.strOrNull() } : null;
  const preview = r.strOrNull();
  const answers = has & 2 ? { packet: r.uint(), rtt: r.f64() } : null;
  const segments = r.uint();
  const missingBytes = r.uint();
  let completes: MessageFact | null = null;
  if (has & 4) {
    const mIndex = r.uint();
    const frames = r.uint();
    const mLength = r.uint();
    const inflatedLength = r.uintOrNull();
    const mPreview = r.strOrNull();
    const app = has & 16 ? readAppAlone(r) : null;
    completes = { index: mIndex, type: has & 64 ? 'binary' : 'text', frames, length: mLength, inflatedLength, compressed: (has & 8) !== 0, preview: mPreview, app };
  }
  return { kind: 'frame', index, opcode, fin: (bits & 1) !== 0, rsv1: (bits & 2) !== 0, rsv2: (bits & 4) !== 0, rsv3: (bits & 8) !== 0, masked: (bits & 16) !== 0, length, close, preview, compressedPart: (bits & 64) !== 0, answers, segments, complete: (bits & 32) !== 0, missingBytes, completes };
}

function writeFact(w: Writer, f: PacketFact): void {
  const k = FACT_KIND.get(f.kind);
  if (k === undefined) {
    w.u8(JSON_FACT);
    w.str(JSON.stringify(f));
    return;
  }
  w.u8(k);
  switch (f.kind) {
    case 'frame':
      writeFrameFact(w, f);
      return;
    case 'keep-alive':
      return;
    case 'acked-unseen':
      w.u8(SIDES.indexOf(f.peer));
      return;
    case 'gap':
      w.f64(f.bytes);
      w.u8(SIDES.indexOf(f.from) | (f.own ? 2 : 0));
      return;
    case 'resync':
    case 'detected':
      w.f64(f.skipped);
      return;
    case 'http-partial':
      w.f64(f.bytes);
      w.u8(f.role === 'request' ? 0 : 1);
      return;
    case 'partial-frame':
      w.u8(f.opcode);
      w.f64(f.received);
      w.f64(f.total);
      return;
    default:
      w.f64((f as { bytes: number }).bytes);
  }
}

function readFact(r: Reader): PacketFact {
  const k = r.u8();
  if (k === JSON_FACT) return JSON.parse(r.str()) as PacketFact;
  const kind = FACT_KINDS[k]!;
  switch (kind) {
    case 'frame':
      return readFrameFact(r);
    case 'keep-alive':
      return { kind };
    case 'acked-unseen':
      return { kind, peer: SIDES[r.u8()]! };
    case 'gap': {
      const bytes = r.f64();
      const bits = r.u8();
      return { kind, bytes, from: SIDES[bits & 1]!, own: (bits & 2) !== 0 };
    }
    case 'resync':
    case 'detected':
      return { kind, skipped: r.f64() };
    case 'http-partial': {
      const bytes = r.f64();
      return { kind, role: r.u8() === 0 ? 'request' : 'response', bytes };
    }
    case 'partial-frame': {
      const opcode = r.u8();
      const received = r.f64();
      return { kind, opcode, received, total: r.f64() };
    }
    default:
      return { kind, bytes: r.f64() };
  }
}

export const entryCodec: Codec<HeldEntry> = {
  encode(items) {
    const w = writer;
    w.reset();
    keysWritten = null;
    w.beginNames();
    w.uint(items.length);
    for (const e of items) {
      w.uint(e.packet);
      w.f64(e.ts);
      w.f64(e.relTs);
      w.u8(SIDES.indexOf(e.from) | (e.dir << 1) | (e.provisional ? 4 : 0) | (e.bare ? 8 : 0) | (e.closesTcp ? 16 : 0) | (e.http ? 32 : 0));
      w.u8(PHASES.indexOf(e.phase));
      // flags 0-63; 255: none told
      w.u8(e.tcp ?? 255);
      w.uint(e.told.length);
      for (const f of e.told) writeFact(w, f);
    }
    w.endNames();
    return w.take();
  },
  decode(bytes) {
    const r = new Reader(bytes);
    keysRead = null;
    r.names();
    const n = r.uint();
    const out: HeldEntry[] = [];
    for (let i = 0; i < n; i++) {
      const packet = r.uint();
      const ts = r.f64();
      const relTs = r.f64();
      const bits = r.u8();
      const phase = PHASES[r.u8()]!;
      const flags = r.u8();
      const n = r.uint();
      let told = NOTHING;
      if (n > 0) {
        told = [];
        for (let k = n; k > 0; k--) told.push(readFact(r));
      }
      out.push({ packet, ts, relTs, from: SIDES[bits & 1]!, dir: ((bits >> 1) & 1) as Dir, phase, told, tcp: flags === 255 ? null : flags, provisional: (bits & 4) !== 0, bare: (bits & 8) !== 0, http: (bits & 32) !== 0, closesTcp: (bits & 16) !== 0 });
    }
    return out;
  },
};

/** Whether JSON gives the value back as it is: plain objects (of Object's prototype) and arrays of strings, booleans, null and finite numbers (not -0). */
function jsonSafe(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!(i in v) || !jsonSafe(v[i])) return false;
    return true;
  }
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype) return false;
    for (const k in v) if (!Object.hasOwn(v, k) || !jsonSafe((v as Record<string, unknown>)[k])) return false;
    return true;
  }
  return false;
}

/**
 * The keys of the last JSON object written in the chunk being encoded, and
 * read in the chunk being decoded: an object with the same keys (most of a
 * connection's messages) says so in a bit, and its items share the keys
 * read (the readings are plain data no one changes).
 */
let keysWritten: readonly string[] | null = null;
let keysRead: string[] | null = null;

function writeJsonInfo(w: Writer, app: JsonInfo): void {
  const f = app.fields;
  const keys = f.keys;
  const again = keys !== undefined && keysWritten !== null && sameKeys(keys, keysWritten);
  w.name(app.type);
  w.u8((app.user ? 1 : 0) | (keys !== undefined ? 2 : 0) | (f.length !== undefined ? 4 : 0) | (again ? 8 : 0));
  w.name(f.kind);
  if (keys !== undefined && !again) {
    w.uint(keys.length);
    for (const key of keys) w.name(key);
    keysWritten = keys;
  }
  if (f.length !== undefined) w.uint(f.length);
}

function readJsonInfo(r: Reader): JsonInfo {
  const type = r.name();
  const bits = r.u8();
  const fields: JsonFields = { kind: r.name() };
  if (bits & 8) fields.keys = keysRead!;
  else if (bits & 2) {
    const keys: string[] = [];
    for (let k = r.uint(); k > 0; k--) keys.push(r.name());
    fields.keys = keysRead = keys;
  }
  if (bits & 4) fields.length = r.uint();
  return { decoder: 'json', type, user: (bits & 1) !== 0, fields };
}

/**
 * One message's reading, alone (a timeline entry's message): plain JSON's
 * field by field (its type and keys in the chunk's names), any other as
 * JSON text when that gives it back exactly, else by v8.serialize.
 */
function writeAppAlone(w: Writer, app: AppInfo): void {
  if (plainJsonInfo(app)) {
    w.u8(8);
    writeJsonInfo(w, app);
  } else if (jsonSafe(app)) {
    w.u8(16);
    w.str(JSON.stringify(app));
  } else {
    w.u8(32);
    w.bytes(serialize(app));
  }
}

function readAppAlone(r: Reader): AppInfo {
  const bits = r.u8();
  if (bits & 16) return JSON.parse(r.str()) as AppInfo;
  if (bits & 32) return deserialize(r.bytes()) as AppInfo;
  return readJsonInfo(r);
}

/**
 * A message: its fixed fields in binary; what its application protocol says
 * in binary when it is plain JSON's reading (plainJsonInfo), else (any
 * shape) by one JSON text or v8.serialize a chunk, after them.
 */
export const messageCodec: Codec<Message> = {
  encode(items) {
    const w = writer;
    w.reset();
    keysWritten = null;
    w.beginNames();
    w.uint(items.length);
    const apps: AppInfo[] = [];
    for (let i = 0; i < items.length; i++) {
      const m = items[i]!;
      w.uint(m.index);
      const plain = m.app !== null && plainJsonInfo(m.app);
      w.u8(SIDES.indexOf(m.from) | (m.type === 'binary' ? 2 : 0) | (m.compressed ? 4 : 0) | (m.complete ? 8 : 0) | (m.allCaptured ? 16 : 0) | (m.app !== null && !plain ? 32 : 0) | (plain ? 64 : 0));
      w.u8(m.opcode);
      w.uint(m.frames.length);
      for (const f of m.frames) w.uint(f);
      w.uint(m.length);
      w.strOrNull(m.lengthText);
      w.uintOrNull(m.inflatedLength);
      w.bytes(m.payload);
      if (plain) writeJsonInfo(w, m.app as JsonInfo);
      else if (m.app !== null) apps.push(m.app);
      w.uint(m.packet);
      w.f64(m.ts);
      w.f64(m.relTs);
      w.uint(m.missingBytes);
    }
    if (apps.length > 0) {
      // JSON when it gives them back exactly (it reads back several times faster than v8.deserialize), else v8.serialize
      const json = jsonSafe(apps);
      w.u8(json ? 1 : 2);
      if (json) w.str(JSON.stringify(apps));
      else w.bytes(serialize(apps));
    }
    w.endNames();
    return w.take();
  },
  decode(bytes) {
    const r = new Reader(bytes);
    keysRead = null;
    r.names();
    const n = r.uint();
    const out: Message[] = [];
    const withApp: number[] = [];
    for (let i = 0; i < n; i++) {
      const index = r.uint();
      const bits = r.u8();
      const opcode = r.u8();
      const frames: number[] = [];
      for (let k = r.uint(); k > 0; k--) frames.push(r.uint());
      const length = r.uint();
      const lengthText = r.strOrNull();
      const inflatedLength = r.uintOrNull();
      const payload = r.bytes();
      const app = bits & 64 ? readJsonInfo(r) : null;
      if (bits & 32) withApp.push(out.length);
      out.push({ index, from: SIDES[bits & 1]!, opcode, type: bits & 2 ? 'binary' : 'text', frames, length, lengthText, compressed: (bits & 4) !== 0, inflatedLength, payload, complete: (bits & 8) !== 0, app, packet: r.uint(), ts: r.f64(), relTs: r.f64(), missingBytes: r.uint(), allCaptured: (bits & 16) !== 0 });
    }
    if (withApp.length > 0) {
      const apps = (r.u8() === 1 ? JSON.parse(r.str()) : deserialize(r.bytes())) as AppInfo[];
      withApp.forEach((k, i) => (out[k]!.app = apps[i]!));
    }
    return out;
  },
};
