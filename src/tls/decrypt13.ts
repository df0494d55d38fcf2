// Opening TLS 1.3 protected records (RFC 8446 §5.2-§5.4) with the traffic
// secrets of a key log, one direction of a connection at a time.
//
//   TLSCiphertext = opaque_type(23) legacy_record_version(0x0303) length encrypted_record
//   additional_data = the 5-byte record header (§5.2)
//   nonce = write_iv XOR padded 64-bit sequence number (§5.3)
//   TLSInnerPlaintext = content ‖ ContentType type ‖ zeros (§5.4)
//
// A direction starts on its handshake traffic secret and moves to its
// application traffic secret once its own Finished has passed (§7.1; the
// Finished ends a record, §5.1); each KeyUpdate it sends moves it to the next
// generation (§4.6.3, §7.2). The sequence number restarts at 0 with every key
// (§5.3). The Tls13Direction reads the handshake message headers in what it
// decrypts to notice these itself; a caller that knows better can say so
// (useApplicationKeys, keyUpdate). A record that does not authenticate gives a
// failure value; nothing throws.
import { aeadOpen, type RecordDecryption, AEAD_NONCE_LENGTH, AEAD_TAG_LENGTH, xorNonceInto } from './aead.js';
import { nextTrafficSecret, recordNonce, type Tls13Suite, trafficKeys, type TrafficKeys } from './keyschedule.js';
import { type Skipped, SeqWindow } from './seqwindow.js';

export type { RecordDecryption, RecordFailure } from './aead.js';

/** What is needed of a record: outer type and version (the header), and its body; what went by unopened before it (capture loss). ProtectedRecord fits. */
export interface SealedRecord {
  type: number;
  version: number;
  body: Buffer;
  skipped?: Skipped;
}

const HANDSHAKE = 22;
const FINISHED = 20;
const KEY_UPDATE = 24;

/** The 5-byte record header of a record whose body is `length` bytes (RFC 8446 §5.2: the additional data). */
export function recordHeader(type: number, version: number, length: number): Buffer {
  return writeRecordHeader(Buffer.allocUnsafe(5), type, version, length);
}

function writeRecordHeader(out: Buffer, type: number, version: number, length: number): Buffer {
  out[0] = type;
  out[1] = version >> 8;
  out[2] = version & 0xff;
  out[3] = length >> 8;
  out[4] = length & 0xff;
  return out;
}

// aeadOpen hands the nonce and the additional data to the cipher, which copies them, before it returns: one
// buffer of each serves every record (no two allocations per record)
const NONCE = Buffer.alloc(AEAD_NONCE_LENGTH);
const AAD = Buffer.alloc(5);

/**
 * Opens one TLS 1.3 record with the keys of a traffic secret at sequence number seq: the inner content type and
 * the content with its padding zeros removed, or a failure.
 */
export function decryptRecord13(suite: Tls13Suite, keys: TrafficKeys, seq: number, record: SealedRecord): RecordDecryption {
  const body = record.body;
  // RFC 8446 §5.2: at least the inner content type and the tag
  if (body.length < 1 + AEAD_TAG_LENGTH) return { ok: false, reason: 'too-short' };
  const aad = writeRecordHeader(AAD, record.type, record.version, body.length);
  const nonce = keys.iv.length === NONCE.length ? xorNonceInto(NONCE, keys.iv, seq) : recordNonce(keys.iv, seq);
  const inner = aeadOpen(suite.cipher, keys.key, nonce, aad, body);
  if (inner === null) return { ok: false, reason: 'authentication' };
  // RFC 8446 §5.4: the content type is the last non-zero byte; all zeros is an error
  let end = inner.length;
  while (end > 0 && inner[end - 1] === 0) end--;
  if (end === 0) return { ok: false, reason: 'no-content-type' };
  return { ok: true, type: inner[end - 1]!, plaintext: inner.subarray(0, end - 1), seq };
}

export type Tls13Phase = 'handshake' | 'application';

export interface Tls13DirectionSecrets {
  /** [sender]_handshake_traffic_secret (CLIENT_/SERVER_HANDSHAKE_TRAFFIC_SECRET) */
  handshake?: Buffer | null;
  /** [sender]_application_traffic_secret_0 (CLIENT_/SERVER_TRAFFIC_SECRET_0) */
  application?: Buffer | null;
}

/** Handshake message headers (type u8, length u24) followed across records; bodies are only counted. */
class MessageHeaders {
  private head: number[] = [];
  private left = 0;

  /** The types of the messages that end in this fragment. */
  feed(part: Buffer): number[] {
    const ended: number[] = [];
    let at = 0;
    while (at < part.length) {
      if (this.left > 0) {
        const n = Math.min(this.left, part.length - at);
        this.left -= n;
        at += n;
        if (this.left === 0) ended.push(this.head[0]!);
        continue;
      }
      if (this.head.length === 4) this.head = [];
      this.head.push(part[at++]!);
      if (this.head.length === 4) {
        this.left = (this.head[1]! << 16) | (this.head[2]! << 8) | this.head[3]!;
        if (this.left === 0) ended.push(this.head[0]!);
      }
    }
    return ended;
  }

  reset(): void {
    this.head = [];
    this.left = 0;
  }
}

/**
 * One direction (client to server, or server to client) of a TLS 1.3 connection: feed it that direction's
 * protected records in order. It tracks the sequence number, moves from the handshake to the application
 * traffic keys after the Finished and to the next generation after a KeyUpdate.
 *
 * Captures lose and damage records: the sequence numbers they may have used are tried (tls/seqwindow.ts). In the
 * handshake phase a record the handshake keys do not open is tried with the
 * application keys at 0, so a key log without handshake secrets, or a Finished not seen, still gets there.
 */
export class Tls13Direction {
  readonly suite: Tls13Suite;
  private phaseNow: Tls13Phase;
  private handshakeKeys: TrafficKeys | null;
  private secret: Buffer | null;
  private keys: TrafficKeys | null;
  private readonly window = new SeqWindow();
  private generationNow = 0;
  private readonly messages = new MessageHeaders();
  private openedWith: { phase: Tls13Phase; generation: number } | null = null;

  constructor(suite: Tls13Suite, secrets: Tls13DirectionSecrets) {
    this.suite = suite;
    this.handshakeKeys = secrets.handshake ? trafficKeys(suite, secrets.handshake) : null;
    this.secret = secrets.application ?? null;
    this.keys = this.secret ? trafficKeys(suite, this.secret) : null;
    this.phaseNow = 'handshake';
  }

  get phase(): Tls13Phase {
    return this.phaseNow;
  }

  /** the sequence number the next record is expected at */
  get seq(): number {
    return this.window.expected;
  }

  /** so many records in a row did not open that the direction stopped trying */
  get givenUp(): boolean {
    return this.window.givenUp;
  }

  /** application traffic secret generation (0 until a KeyUpdate) */
  get generation(): number {
    return this.generationNow;
  }

  /** the keys that opened the last record opened: the handshake secret, or the application secret of a generation */
  get lastOpened(): { phase: Tls13Phase; generation: number } | null {
    return this.openedWith;
  }

  /** the current application traffic secret (null without one) */
  get applicationSecret(): Buffer | null {
    return this.secret;
  }

  /** Opens the next record of this direction. */
  decrypt(record: SealedRecord): RecordDecryption {
    this.window.skip(record.skipped);
    if (this.phaseNow === 'handshake') {
      const r = this.tryKeys(this.handshakeKeys, record);
      if (r.ok) {
        this.opened('handshake', 0);
        this.took(r, record.body.length);
        if (r.type === HANDSHAKE && this.messages.feed(r.plaintext).includes(FINISHED)) this.useApplicationKeys();
        return r;
      }
      if (this.keys === null) return this.failed(r);
      // handshake keys unknown, or the Finished went by unseen: the application keys may open it
      const app = decryptRecord13(this.suite, this.keys, 0, record);
      if (!app.ok) return this.failed(r);
      this.useApplicationKeys();
      this.window.took(0, record.body.length);
      this.opened('application', this.generationNow);
      this.afterApplication(app);
      return app;
    }
    const r = this.tryKeys(this.keys, record);
    if (!r.ok) return this.failed(r);
    this.opened('application', this.generationNow);
    this.took(r, record.body.length);
    this.afterApplication(r);
    return r;
  }

  /** The keys that opened this record: the same object as long as they stay the same (none made per record). */
  private opened(phase: Tls13Phase, generation: number): void {
    const o = this.openedWith;
    if (o === null || o.phase !== phase || o.generation !== generation) this.openedWith = { phase, generation };
  }

  /** From now on the application traffic secret (after this direction's Finished); sequence number 0. */
  useApplicationKeys(): void {
    this.phaseNow = 'application';
    this.window.restart();
    this.messages.reset();
  }

  /** This direction sent a KeyUpdate: next-generation secret (RFC 8446 §7.2), sequence number 0. */
  keyUpdate(): void {
    if (this.secret === null) return;
    this.secret = nextTrafficSecret(this.suite, this.secret);
    this.keys = trafficKeys(this.suite, this.secret);
    this.generationNow++;
    this.window.restart();
    this.messages.reset();
  }

  private afterApplication(r: RecordDecryption & { ok: true }): void {
    // RFC 8446 §4.6.3: the sender's next records use the next generation (KeyUpdate ends its record, §5.1)
    if (r.type === HANDSHAKE && this.messages.feed(r.plaintext).includes(KEY_UPDATE)) this.keyUpdate();
  }

  private tryKeys(keys: TrafficKeys | null, record: SealedRecord): RecordDecryption {
    if (keys === null) return { ok: false, reason: 'no-keys' };
    let first: RecordDecryption | null = null;
    for (const seq of this.window.candidates()) {
      const r = decryptRecord13(this.suite, keys, seq, record);
      if (r.ok || r.reason !== 'authentication') return r;
      first ??= r;
    }
    return first ?? { ok: false, reason: 'authentication' };
  }

  private took(r: RecordDecryption & { ok: true }, length: number): void {
    this.window.took(r.seq, length);
  }

  private failed(r: RecordDecryption): RecordDecryption {
    if (r.ok) return r;
    this.window.failed();
    return r;
  }
}
