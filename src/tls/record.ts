// The TLS record layer (RFC 8446 §5, RFC 5246 §6.2): recognizing record
// headers in bytes of unknown framing, and following one direction of a
// connection record by record. Only what travels in the clear is read: the
// ClientHello and ServerHello, plaintext alerts; everything protected is
// counted, not kept. Pure: no I/O, memory bounded whatever the stream length.
//
//   struct {
//       ContentType type;                      // 20..24
//       ProtocolVersion legacy_record_version; // {3, 0..4}
//       uint16 length;
//       opaque fragment[TLSPlaintext.length];
//   } TLSPlaintext;
import { type CertificateInfo, certificateInfo, type ClientHello, type EncryptedExtensions, firstCertificate, parseClientHello, parseEncryptedExtensions, parseNewSessionTicket12, parseServerHello, type ServerHello } from './hello.js';
import { alertName, contentTypeName, handshakeTypeName } from './names.js';

export const RECORD_HEADER_LENGTH = 5;
/** RFC 5246 §6.2.3: TLSCiphertext.length MUST NOT exceed 2^14 + 2048 (RFC 8446 §5.2 lowers it to 2^14 + 256) */
export const MAX_RECORD_LENGTH = 2 ** 14 + 2048;
/** tlsRecordChain tries start offsets in this many bytes at most */
export const CHAIN_SCAN_LIMIT = 64 * 1024;
/** the largest handshake message a TlsStream keeps (hellos only): the memory a direction may hold */
export const HANDSHAKE_BUFFER_LIMIT = 64 * 1024;
/** consecutive records a TlsStream wants before it believes it found its way back */
export const RESYNC_RECORDS = 3;
/** bytes a TlsStream hunts through for records before it decides they are not TLS */
export const HUNT_LIMIT = 256 * 1024;

const CHANGE_CIPHER_SPEC = 20;
const ALERT = 21;
const HANDSHAKE = 22;
const APPLICATION_DATA = 23;
const EMPTY = Buffer.alloc(0);
/** what a protected record handed to the decrypt hook says went by before it, when nothing did */
const NOTHING_SKIPPED: { readonly records: number; readonly bytes: number } = Object.freeze({ records: 0, bytes: 0 });

/**
 * Could a TLS record header start at b[at]? 'need' while the bytes present
 * all fit but fewer than 5 are there (a wrong first byte is false at once).
 */
export function looksLikeTlsRecord(b: Buffer, at = 0): boolean | 'need' {
  const n = b.length - at;
  // RFC 8446 §5.1, RFC 6520 §3: change_cipher_spec(20), alert, handshake, application_data, heartbeat(24)
  if (n >= 1 && (b[at]! < 20 || b[at]! > 24)) return false;
  // RFC 5246 §6.2.1, Appendix E: the version is {3, 0} for SSL 3.0, {3, x + 1} for TLS 1.x
  if (n >= 2 && b[at + 1] !== 3) return false;
  if (n >= 3 && b[at + 2]! > 4) return false;
  if (n < RECORD_HEADER_LENGTH) return 'need';
  const length = b.readUInt16BE(at + 3);
  // RFC 8446 §5.1: no zero-length handshake, alert or CCS fragments; a protected one carries at least its tag
  return length >= 1 && length <= MAX_RECORD_LENGTH;
}

/** Could these first bytes of a stream open a TLS handshake (a record carrying a ClientHello or ServerHello)? */
export function startsTlsHandshake(b: Buffer): boolean | 'need' {
  const header = looksLikeTlsRecord(b);
  if (header !== true) return header;
  if (b[0] !== HANDSHAKE) return false;
  if (b.length <= RECORD_HEADER_LENGTH) return 'need';
  return b[RECORD_HEADER_LENGTH] === 1 || b[RECORD_HEADER_LENGTH] === 2;
}

/** Records chained from `start`, 0 when the chain breaks early, 'need' when it runs off the bytes. */
function chainFrom(b: Buffer, start: number, minRecords: number, atEnd: boolean): number | 'need' {
  let at = start;
  let version = -1;
  for (let n = 0; n < minRecords; n++) {
    if (at === b.length && n > 0) return atEnd ? n : 'need';
    const ok = looksLikeTlsRecord(b, at);
    if (ok === 'need') return atEnd ? 0 : 'need';
    if (!ok) return 0;
    // one connection's records share one legacy_record_version (only a first ClientHello may differ)
    if (n > 0 && b.readUInt16BE(at + 1) !== version) return 0;
    version = b.readUInt16BE(at + 1);
    at += RECORD_HEADER_LENGTH + b.readUInt16BE(at + 3);
    if (at > b.length && n + 1 < minRecords) return atEnd ? 0 : 'need';
  }
  return minRecords;
}

type Scan = { offset: number; records: number } | { keepFrom: number };

function scanChains(b: Buffer, minRecords: number, atEnd: boolean): Scan {
  const limit = Math.min(b.length, CHAIN_SCAN_LIMIT);
  for (let i = 0; i < limit; i++) {
    const v = chainFrom(b, i, minRecords, atEnd);
    if (v === 'need') return { keepFrom: i };
    if (v > 0) return { offset: i, records: v };
  }
  return { keepFrom: limit };
}

/**
 * For bytes from the middle of a TLS connection: the first offset (among the
 * first CHAIN_SCAN_LIMIT) from which `minRecords` plausible records follow
 * each other exactly, the last one's body allowed to run past the end. With
 * `atEnd` (the bytes end the stream), a shorter chain of at least one record
 * that ends exactly at the end of the bytes counts too.
 */
export function tlsRecordChain(b: Buffer, opts: { minRecords: number; atEnd: boolean }): { offset: number; records: number } | null {
  const r = scanChains(b, Math.max(1, opts.minRecords), opts.atEnd);
  return 'offset' in r ? r : null;
}

export interface HandshakeMessageInfo {
  /** HandshakeType (RFC 8446 §4) */
  type: number;
  typeName: string;
  /** the body length its header declares */
  length: number;
  /** on a client_hello: the hello, or null when malformed or not kept (over HANDSHAKE_BUFFER_LIMIT, cut by a gap) */
  clientHello?: ClientHello | null;
  /** on a server_hello (HelloRetryRequest included): likewise */
  serverHello?: ServerHello | null;
  /** on encrypted_extensions (TLS 1.3, decrypted): likewise */
  encryptedExtensions?: EncryptedExtensions | null;
  /** on a certificate: its first (end-entity) certificate, or null when malformed, empty or not kept */
  certificate?: CertificateInfo | null;
  /** on a TLS 1.2 new_session_ticket: the ticket (hex), or null */
  ticket?: string | null;
}

/** handshake messages whose bodies are kept and read: client_hello, server_hello, new_session_ticket, encrypted_extensions, certificate */
const READ_MESSAGES: ReadonlySet<number> = new Set([1, 2, 4, 8, 11]);

export interface TlsRecordEvent {
  /** offset of the record's first byte in this direction's stream, gaps counted */
  offset: number;
  /** ContentType as on the wire (TLS 1.3 sends everything protected as application_data, RFC 8446 §5.2) */
  type: number;
  typeName: string;
  /** legacy_record_version */
  version: number;
  /** length of the body that follows the 5-byte header */
  length: number;
  /** the body is protected with the negotiated keys: not parsed (a handshake record so marked is an encrypted handshake) */
  encrypted: boolean;
  /** plaintext handshake records: the messages that end in this record */
  handshake?: HandshakeMessageInfo[];
  /** a plaintext alert (RFC 8446 §6) */
  alert?: { level: number; description: number; name: string };
  /** part of the body was lost to a gap */
  cut?: true;
  /** what the decrypt hook made of a protected record, and the secret that opened it */
  decrypted?: { type: number; typeName: string; length: number; secret: RecordSecret | null };
  /** the decrypt hook had keys for the record and it did not open: why (authentication, …) */
  failed?: string;
  /** a decrypted record of application data: its cleartext, for the stage above */
  plaintext?: Buffer;
}

/** What a connection's hellos said; give both directions' TlsStreams the same object. */
export interface TlsSession {
  clientHello: ClientHello | null;
  serverHello: ServerHello | null;
  /** TLS 1.3's EncryptedExtensions (read once decrypted) */
  encryptedExtensions?: EncryptedExtensions | null;
  /** the first Certificate message's end-entity certificate (the server's: it sends first) */
  certificate?: CertificateInfo | null;
  /** the ticket a TLS 1.2 server gave for resuming this session (RFC 5077), hex */
  ticket?: string | null;
}

// ---------------------------------------------------------------------------
// DECRYPTION HOOK: where key-log (SSLKEYLOGFILE) decryption slots in
// (tls/layer.ts gives it). When a hook is given, the body of each protected
// record (one at a time, at most MAX_RECORD_LENGTH bytes) is kept and handed
// to it; a plaintext handshake or alert it returns is read like a clear one.
// ---------------------------------------------------------------------------
export interface ProtectedRecord {
  /** outer ContentType and version */
  type: number;
  version: number;
  /** the whole protected body (after the 5-byte header); only for the call: it may be the pushed chunk's own bytes */
  body: Buffer;
  /** protected records before this one in this direction */
  seq: number;
  /** the hellos seen so far: client random, cipher suite, version */
  session: TlsSession;
  /**
   * what went by unopened since the protected record handed over before this one: `records` protected records
   * cut by capture loss (their number is known), and `bytes` of the stream in which the record boundaries were
   * lost (after a gap that swallowed a header: an unknown number of records, each 22 bytes or more)
   */
  skipped: { records: number; bytes: number };
}

/** The secret of the key log that opened a record: its label, where it was read, and (TLS 1.3) the KeyUpdates since it. */
export interface RecordSecret {
  label: string;
  source: { file: string; line: number };
  generation: number;
}

/**
 * Returns the inner ContentType and plaintext (TLS 1.3 padding removed) with the secret that opened it; `failed`
 * when the keys did not open the record (why); null without keys for it.
 */
export type TlsDecryptHook = (record: ProtectedRecord) => { type: number; plaintext: Buffer; secret: RecordSecret | null } | { failed: string } | null;

export interface TlsStreamOptions {
  /** the bytes start in the middle of the connection: hunt for record boundaries first */
  midStream?: boolean;
  /** shared by the two directions of a connection */
  session?: TlsSession;
  decrypt?: TlsDecryptHook;
}

/** Handshake messages (type u8, length u24, body; RFC 8446 §4) reassembled across records; only hello bodies are kept. */
class HandshakeReader {
  /** whether the session is TLS 1.3 (its Certificate message has a request context and per-entry extensions) */
  constructor(private readonly tls13: () => boolean) {}
  private readonly head = Buffer.alloc(4);
  private headGot = 0;
  private type = -1;
  private length = 0;
  private got = 0;
  private body: Buffer[] | null = null;

  feed(part: Buffer): HandshakeMessageInfo[] {
    const out: HandshakeMessageInfo[] = [];
    let at = 0;
    while (at < part.length) {
      if (this.type < 0) {
        const n = Math.min(4 - this.headGot, part.length - at);
        part.copy(this.head, this.headGot, at, at + n);
        this.headGot += n;
        at += n;
        if (this.headGot < 4) break;
        this.headGot = 0;
        this.type = this.head[0]!;
        this.length = this.head.readUIntBE(1, 3);
        this.got = 0;
        this.body = READ_MESSAGES.has(this.type) && this.length <= HANDSHAKE_BUFFER_LIMIT ? [] : null;
      } else {
        const n = Math.min(this.length - this.got, part.length - at);
        this.body?.push(Buffer.from(part.subarray(at, at + n)));
        this.got += n;
        at += n;
      }
      if (this.got === this.length) out.push(this.finish());
    }
    return out;
  }

  /** n bytes lost: the messages that end in them, or null when a message boundary was lost with them. */
  skip(n: number): HandshakeMessageInfo[] | null {
    if (this.type < 0 || this.got + n > this.length) return null;
    this.got += n;
    this.body = null;
    return this.got === this.length ? [this.finish()] : [];
  }

  private finish(): HandshakeMessageInfo {
    const info: HandshakeMessageInfo = { type: this.type, typeName: handshakeTypeName(this.type), length: this.length };
    const body = this.body && Buffer.concat(this.body);
    if (this.type === 1) info.clientHello = body && parseClientHello(body);
    if (this.type === 2) info.serverHello = body && parseServerHello(body);
    // TLS 1.3's tickets (encrypted, post-handshake) are PSK identities whose secrets a key log gives anew: only TLS 1.2's are read
    if (this.type === 4 && !this.tls13()) info.ticket = body && parseNewSessionTicket12(body);
    if (this.type === 8) info.encryptedExtensions = body && parseEncryptedExtensions(body);
    if (this.type === 11) info.certificate = body && certificateInfo(firstCertificate(body, this.tls13()));
    this.type = -1;
    this.body = null;
    return info;
  }
}

type BodyUse = 'skip' | 'lost' | 'handshake' | 'alert' | 'collect';

interface OpenRecord {
  event: TlsRecordEvent;
  left: number;
  /** skip: event already out, bytes counted; the others: event out at the end */
  use: BodyUse;
  /**
   * alert, collect: the body so far. A body that arrives whole in one push() is that chunk's own bytes, read
   * (decrypted) before push() returns: not copied; one that comes in pieces is copied into a buffer of its
   * length as they come (`got` bytes so far).
   */
  body: Buffer | null;
  got: number;
  messages: HandshakeMessageInfo[];
  /** protected records before this one */
  seq: number;
}

export type TlsStreamMode = 'records' | 'hunting' | 'notTls';

/**
 * One direction of a TLS connection, fed its TCP payload in order in chunks
 * of any size. push() returns one event per record, in order: as soon as its
 * header is complete when its body is only counted (application data,
 * anything protected), when its body ends for the records it reads (plaintext
 * handshake and alert records, protected ones handed to a decrypt hook).
 */
export class TlsStream {
  readonly session: TlsSession;
  private modeNow: TlsStreamMode;
  private readonly decrypt: TlsDecryptHook | null;
  private readonly head = Buffer.alloc(RECORD_HEADER_LENGTH);
  private headGot = 0;
  private rec: OpenRecord | null = null;
  /** null once message boundaries are unknown (after a gap, or joined mid-stream) */
  private handshake: HandshakeReader | null;
  private ccsSeen = false;
  private protectedSeq = 0;
  private hunt = EMPTY;
  private hunted = 0;
  private position = 0;
  private recordCount = 0;
  /** where the last record read in step ended (stream offset), while the boundaries after it are being hunted for */
  private unknownFrom: number | null = null;
  /** what went by unopened since the last protected record handed to the decrypt hook (usually nothing: NOTHING_SKIPPED) */
  private skipped: { records: number; bytes: number } = NOTHING_SKIPPED;

  constructor(opts: TlsStreamOptions = {}) {
    this.session = opts.session ?? { clientHello: null, serverHello: null };
    this.decrypt = opts.decrypt ?? null;
    this.modeNow = opts.midStream ? 'hunting' : 'records';
    this.handshake = opts.midStream ? null : new HandshakeReader(() => this.session.serverHello?.version === 0x0304);
  }

  /**
   * records: in step. hunting: looking for RESYNC_RECORDS chained records (joined mid-stream, after a gap, or
   * after a bad header in a stream that had shown RESYNC_RECORDS good ones). notTls: the bytes are not TLS
   * records (a bad header before that, or HUNT_LIMIT bytes hunted in vain); final.
   */
  get mode(): TlsStreamMode {
    return this.modeNow;
  }

  get notTls(): boolean {
    return this.modeNow === 'notTls';
  }

  /** bytes of this direction so far, gaps included */
  get offset(): number {
    return this.position;
  }

  /** records seen so far */
  get records(): number {
    return this.recordCount;
  }

  /** the record whose body is being read (its header read, its body not ended): its body length and the bytes of it read */
  get openRecord(): { length: number; received: number } | null {
    const rec = this.rec;
    return rec === null ? null : { length: rec.event.length, received: rec.event.length - rec.left };
  }

  push(data: Buffer): TlsRecordEvent[] {
    const out: TlsRecordEvent[] = [];
    const base = this.position;
    this.position += data.length;
    let at = 0;
    while (at < data.length && this.modeNow !== 'notTls') {
      if (this.modeNow === 'hunting') at += this.huntIn(data.subarray(at, at + CHAIN_SCAN_LIMIT), base + at, out);
      else at += this.step(data, at, base, out);
    }
    return out;
  }

  /** `length` bytes were lost. Returns a record finished by it (cut). */
  gap(length: number): TlsRecordEvent[] {
    const out: TlsRecordEvent[] = [];
    this.position += length;
    if (length <= 0 || this.modeNow === 'notTls') return out;
    if (this.modeNow === 'hunting') {
      // a chain cannot span the gap: start over after it
      this.hunted += this.hunt.length;
      this.hunt = EMPTY;
      return out;
    }
    const rec = this.rec;
    if (rec && length <= rec.left) {
      // lost inside a body whose length is known: still in step
      this.lose(rec, length);
      if (rec.left === 0) this.end(out);
      return out;
    }
    const before = this.position - length;
    if (rec) {
      // the record ends inside the gap: the boundaries after its end are unknown
      this.unknownFrom ??= before + rec.left;
      this.lose(rec, rec.left);
      this.end(out);
    } else this.unknownFrom ??= before - this.headGot;
    // the gap swallowed a record header: the next one is somewhere ahead
    this.headGot = 0;
    this.handshake = null;
    this.modeNow = 'hunting';
    return out;
  }

  private lose(rec: OpenRecord, n: number): void {
    rec.left -= n;
    if (rec.use === 'skip') return;
    rec.event.cut = true;
    if (rec.use !== 'handshake') {
      // a protected record that will not be handed over: the decryptor counts it (its sequence number goes by)
      if (rec.use === 'collect') this.skip(1, 0);
      rec.use = 'lost';
      rec.body = null;
    } else if (this.handshake) {
      const done = this.handshake.skip(n);
      if (done) rec.messages.push(...done);
      else this.handshake = null;
    }
  }

  private huntIn(chunk: Buffer, chunkOffset: number, out: TlsRecordEvent[]): number {
    const start = chunkOffset - this.hunt.length;
    const buf = this.hunt.length > 0 ? Buffer.concat([this.hunt, chunk]) : chunk;
    const found = scanChains(buf, RESYNC_RECORDS, false);
    if ('offset' in found) {
      this.hunt = EMPTY;
      this.hunted = 0;
      this.modeNow = 'records';
      for (let at = found.offset; at < buf.length && this.modeNow === 'records'; ) at += this.step(buf, at, start, out);
      return chunk.length;
    }
    this.hunted += found.keepFrom;
    this.hunt = Buffer.from(buf.subarray(found.keepFrom));
    if (this.hunted + this.hunt.length > HUNT_LIMIT) {
      this.modeNow = 'notTls';
      this.hunt = EMPTY;
    }
    return chunk.length;
  }

  /** Reads from data[at] (stream offset base + at) up to the end of a header or body; returns the bytes used. */
  private step(data: Buffer, at: number, base: number, out: TlsRecordEvent[]): number {
    const rec = this.rec;
    if (rec === null) {
      const n = Math.min(RECORD_HEADER_LENGTH - this.headGot, data.length - at);
      data.copy(this.head, this.headGot, at, at + n);
      this.headGot += n;
      if (this.headGot < RECORD_HEADER_LENGTH) return n;
      this.headGot = 0;
      if (looksLikeTlsRecord(this.head) === true) this.begin(base + at + n - RECORD_HEADER_LENGTH, out);
      else if (this.recordCount < RESYNC_RECORDS) this.modeNow = 'notTls';
      else {
        // a stream that was TLS went wrong (damage, a miscounted gap): look for the records again
        this.unknownFrom ??= base + at + n - RECORD_HEADER_LENGTH;
        this.hunt = Buffer.from(this.head);
        this.handshake = null;
        this.modeNow = 'hunting';
      }
      return n;
    }
    const n = Math.min(rec.left, data.length - at);
    const part = data.subarray(at, at + n);
    if (rec.use === 'handshake') rec.messages.push(...this.messages(part));
    else if (rec.use === 'alert' || rec.use === 'collect') {
      if (rec.body === null && n === rec.left) rec.body = part;
      else {
        rec.body ??= Buffer.allocUnsafe(rec.left);
        part.copy(rec.body, rec.got);
      }
      rec.got += n;
    }
    rec.left -= n;
    if (rec.left === 0) this.end(out);
    return n;
  }

  private begin(offset: number, out: TlsRecordEvent[]): void {
    const type = this.head[0]!;
    const length = this.head.readUInt16BE(3);
    const encrypted = this.isProtected(type);
    if (this.unknownFrom !== null) {
      // back in step after lost boundaries: the bytes between held records of unknown number
      this.skip(0, Math.max(0, offset - this.unknownFrom));
      this.unknownFrom = null;
    }
    const event: TlsRecordEvent = { offset, type, typeName: contentTypeName(type), version: this.head.readUInt16BE(1), length, encrypted };
    let use: BodyUse = 'skip';
    if (encrypted) use = this.decrypt ? 'collect' : 'skip';
    else if (type === HANDSHAKE && this.handshake) use = 'handshake';
    else if (type === ALERT) use = length === 2 ? 'alert' : 'skip';
    // RFC 5246 §7.1: the records after ChangeCipherSpec use the new keys (see isProtected)
    if (type === CHANGE_CIPHER_SPEC) this.ccsSeen = true;
    this.recordCount++;
    this.rec = { event, left: length, use, body: null, got: 0, messages: [], seq: encrypted ? this.protectedSeq++ : -1 };
    if (use === 'skip') out.push(event);
  }

  private isProtected(type: number): boolean {
    // RFC 8446 §5: change_cipher_spec is never protected; application data is never sent in the clear
    if (type === CHANGE_CIPHER_SPEC) return false;
    if (type === APPLICATION_DATA) return true;
    const sh = this.session.serverHello;
    const tls13 = sh !== null && sh.version === 0x0304;
    // RFC 8446 §2: all messages after the ServerHello are encrypted (a HelloRetryRequest is followed by a clear ClientHello)
    if (tls13 && !sh.helloRetryRequest) return true;
    // RFC 5246 §7.1: after ChangeCipherSpec the new keys apply; RFC 8446 §D.4: in TLS 1.3 it is a dummy
    return this.ccsSeen && !tls13;
  }

  private end(out: TlsRecordEvent[]): void {
    const rec = this.rec;
    this.rec = null;
    if (rec === null || rec.use === 'skip') return;
    const event = rec.event;
    if (rec.use === 'handshake') event.handshake = rec.messages;
    const body = rec.body ?? EMPTY;
    if (rec.use === 'alert') readAlert(event, body);
    if (rec.use === 'collect') this.decrypted(event, body, rec.seq);
    out.push(event);
  }

  private messages(bytes: Buffer): HandshakeMessageInfo[] {
    const found = this.handshake?.feed(bytes) ?? [];
    for (const m of found) {
      if (m.clientHello) this.session.clientHello = m.clientHello;
      if (m.serverHello) this.session.serverHello = m.serverHello;
      if (m.encryptedExtensions) this.session.encryptedExtensions ??= m.encryptedExtensions;
      if (m.certificate) this.session.certificate ??= m.certificate;
      if (m.ticket) this.session.ticket = m.ticket;
    }
    return found;
  }

  /** Records or bytes that go by unopened (capture loss): an object of its own only then, none per record. */
  private skip(records: number, bytes: number): void {
    const s = this.skipped;
    this.skipped = { records: s.records + records, bytes: s.bytes + bytes };
  }

  private decrypted(event: TlsRecordEvent, body: Buffer, seq: number): void {
    // DECRYPTION HOOK: the one place a protected record meets the key log
    const skipped = this.skipped;
    this.skipped = NOTHING_SKIPPED;
    const plain = this.decrypt?.({ type: event.type, version: event.version, body, seq, session: this.session, skipped }) ?? null;
    if (plain === null) return;
    if ('failed' in plain) {
      event.failed = plain.failed;
      // it may have held handshake messages, or parts of them: their boundaries are lost
      this.handshake = null;
      return;
    }
    event.decrypted = { type: plain.type, typeName: contentTypeName(plain.type), length: plain.plaintext.length, secret: plain.secret };
    if (plain.type === HANDSHAKE) event.handshake = this.messages(plain.plaintext);
    if (plain.type === ALERT) readAlert(event, plain.plaintext);
    if (plain.type === APPLICATION_DATA && plain.plaintext.length > 0) event.plaintext = plain.plaintext;
  }
}

function readAlert(event: TlsRecordEvent, body: Buffer): void {
  // RFC 8446 §5.1: alerts are never fragmented or coalesced: a record holds exactly one, 2 bytes
  if (body.length !== 2) return;
  event.alert = { level: body[0]!, description: body[1]!, name: alertName(body[1]!) };
}
