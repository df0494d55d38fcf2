// The transformation layer between a direction's bytes and the framing that
// reads them. Most connections have none: the framing reads the bytes as
// they came (IDENTITY). A TLS connection has its records: this layer follows
// them in both directions, reads the cleartext of the handshake (the hellos:
// version, SNI, ALPN, cipher suite) and tells what each packet carried.
//
// With a key log (tls/keylog.ts), each direction's protected records are
// decrypted (tls/sessionkeys.ts finds the keys from the hellos) and the
// application data's cleartext is handed up, in order, for the framing; the
// layer tells which secret opened the first record of each key, and why a
// connection or a record could not be opened (facts: the views word them).
//
// It does not decide that a connection is TLS (identify/ and the connection
// do), and it does not read what the cleartext carries.
import type { Side, TlsFact, TlsInfo } from '../model.js';
import { cipherSuiteName, tlsVersionName } from './names.js';
import { type RecordSecret, TlsStream, type TlsDecryptHook, type TlsRecordEvent, type TlsSession } from './record.js';
import type { KeyLog } from './keylog.js';
import { directionKeys, type DirectionKeys, type NoKeys, secretInUse, type SecretUse } from './sessionkeys.js';

/** A direction of the byte stream, as the owner numbers them. */
export type Way = 0 | 1;

/** What sits between a direction's bytes and its framing. */
export interface Transform {
  /** bytes of a direction, in order: returns those the framing reads (none: nothing to read yet) */
  push(way: Way, data: Buffer): Buffer;
  /** bytes of a direction the capture lost */
  gap(way: Way, length: number): void;
  /** where, in what the last push returned, bytes of unknown length are missing (a record that did not open): offsets, ascending */
  holes(): readonly number[];
}

const NO_HOLES: readonly number[] = [];

/** No transformation: the framing reads the bytes as they came. */
export const IDENTITY: Transform = {
  push: (_way, data) => data,
  gap: () => {},
  holes: () => NO_HOLES,
};

/** What kept a connection's records from being opened with the key log. */
export type TlsProblem =
  /** no keys for a direction (told once per reason and connection) */
  | { kind: 'no-keys'; side: Side; reason: NoKeys }
  /** a record the keys did not open (told at the first of a run of such records); givenUp: the direction stopped trying */
  | { kind: 'failed'; side: Side; reason: string; givenUp: boolean };

export interface TlsLayerOptions {
  /** what a packet carried (only when the connection keeps its timeline of packets) */
  note?: ((told: TlsFact[]) => void) | null;
  /** the session keys, when the user gave a key log: the records are decrypted */
  keylog?: KeyLog | null;
  /** which side sends a direction's records */
  sideOf?: (way: Way) => Side;
  /** a problem of decryption, as it happens (during push or end) */
  problem?: (p: TlsProblem) => void;
}

const EMPTY = Buffer.alloc(0);

interface WayState {
  stream: TlsStream | null;
  /** the secret that opened the last record told, and the last one counted (the hook gives one object per secret) */
  secret: RecordSecret | null;
  counted: RecordSecret | null;
  /** the last record handed to the keys failed */
  failing: boolean;
  opened: number;
  failed: number;
  /** bytes of cleartext handed up */
  handedUp: number;
}

/** The TLS records of a connection's two directions. */
export class TlsLayer implements Transform {
  /** the hellos, shared by the two directions' record readers */
  readonly session: TlsSession = { clientHello: null, serverHello: null };
  private readonly ways: [WayState, WayState] = [this.wayState(), this.wayState()];
  private readonly note: ((told: TlsFact[]) => void) | null;
  private readonly keylog: KeyLog | null;
  private readonly sideOf: (way: Way) => Side;
  private readonly problem: (p: TlsProblem) => void;
  /** the key log lines that opened records, in the order they first did */
  private readonly keysUsed: { label: string; file: string; line: number }[] = [];
  private readonly told = new Set<string>();
  /** TLS 1.2: the client random the session's master secret is logged under, once found */
  private root: string | null = null;
  /** the holes of the last push's cleartext */
  private lastHoles: readonly number[] = NO_HOLES;
  /** why a direction has no keys, while the reason may still change (a hello not seen yet) */
  private readonly pending: [NoKeys | null, NoKeys | null] = [null, null];

  constructor(opts: TlsLayerOptions = {}) {
    this.note = opts.note ?? null;
    this.keylog = opts.keylog ?? null;
    this.sideOf = opts.sideOf ?? ((way) => (way === 0 ? 'client' : 'server'));
    this.problem = opts.problem ?? (() => {});
  }

  private wayState(): WayState {
    return { stream: null, secret: null, counted: null, failing: false, opened: 0, failed: 0, handedUp: 0 };
  }

  /** Whether the layer hands cleartext up (it has keys to try). */
  get decrypting(): boolean {
    return this.keylog !== null;
  }

  /** A direction's records start here; `midStream`: in the middle of the connection, so a record boundary is looked for first. */
  start(way: Way, midStream: boolean): void {
    this.ways[way].stream = new TlsStream({ session: this.session, midStream, ...(this.keylog ? { decrypt: this.hook(way, this.keylog) } : {}) });
  }

  /** A direction's decryption: its keys found once the hellos are in (asked again while one is missing). */
  private hook(way: Way, keylog: KeyLog): TlsDecryptHook {
    let keys: DirectionKeys | null = null;
    // what the records say of their secret: made once per secret (secretInUse gives the same object meanwhile)
    let inUse: SecretUse | null = null;
    let secret: RecordSecret | null = null;
    let told = false;
    return (record) => {
      keys ??= directionKeys(keylog, record.session, this.sideOf(way));
      if (!keys.ok) {
        if (keys.final) {
          // said once: the records after it have no keys either
          if (told) return null;
          told = true;
          this.pending[way] = null;
          this.noKeys(way, keys.reason);
        } else {
          this.pending[way] = keys.reason;
          keys = null;
        }
        return null;
      }
      if (keys.version === 0x0303 && this.root === null) this.learn(keylog, keys.clientRandom);
      const r = keys.state.decrypt(record);
      if (!r.ok) return { failed: r.reason };
      const use = secretInUse(keys);
      if (use !== inUse) {
        inUse = use;
        secret = use && { label: use.label, source: use.source, generation: use.generation };
      }
      return { type: r.type, plaintext: r.plaintext, secret };
    };
  }

  /**
   * A TLS 1.2 session whose master secret the key log has (under `root`): its session ID and ticket, so that a
   * later connection resuming it is opened too.
   */
  private learn(keylog: KeyLog, root: string): void {
    this.root = root;
    const sid = this.session.serverHello?.sessionId;
    if (sid) keylog.learn('id', sid, root);
    if (this.session.ticket) keylog.learn('ticket', this.session.ticket, root);
  }

  private noKeys(way: Way, reason: NoKeys): void {
    const key = JSON.stringify(reason);
    if (this.told.has(key)) return;
    this.told.add(key);
    this.problem({ kind: 'no-keys', side: this.sideOf(way), reason });
  }

  push(way: Way, data: Buffer): Buffer {
    const w = this.ways[way];
    const events = w.stream!.push(data);
    this.count(way, events);
    // the record a packet was inside of is asked only when the packets are told (the timeline kept)
    this.tell(way, events, events.length === 0 && this.note !== null ? w.stream!.openRecord : null);
    let clear: Buffer[] | null = null;
    let length = 0;
    this.lastHoles = NO_HOLES;
    for (const e of events) {
      if (e.plaintext) {
        (clear ??= []).push(e.plaintext);
        length += e.plaintext.length;
      } else if (e.failed !== undefined && w.handedUp + length > 0 && this.lastHoles[this.lastHoles.length - 1] !== length) {
        // what the record carried is lost: the stage above must not read across it (before any cleartext went up
        // there is nothing to read across: a TLS 1.3 handshake record the handshake secret does not open)
        if (this.lastHoles === NO_HOLES) this.lastHoles = [];
        (this.lastHoles as number[]).push(length);
      }
    }
    w.handedUp += length;
    return clear === null ? EMPTY : clear.length === 1 ? clear[0]! : Buffer.concat(clear);
  }

  holes(): readonly number[] {
    return this.lastHoles;
  }

  gap(way: Way, length: number): void {
    const events = this.ways[way].stream!.gap(length);
    this.count(way, events);
    this.tell(way, events, null);
  }

  /** The bytes are over: a direction that never found its keys because a hello was never seen says so. */
  end(): void {
    for (const way of [0, 1] as const) {
      const reason = this.pending[way];
      if (reason !== null) this.noKeys(way, reason);
      this.pending[way] = null;
    }
  }

  /** What was opened and what failed, and the problems a run of failures starts. */
  private count(way: Way, events: TlsRecordEvent[]): void {
    const w = this.ways[way];
    for (const e of events) {
      // a ticket given after the keys were found (the server's NewSessionTicket ends its handshake)
      if (this.root !== null && this.keylog !== null && e.handshake?.some((m) => m.ticket)) this.learn(this.keylog, this.root);
      if (e.decrypted) {
        w.opened++;
        w.failing = false;
        // a record's secret is the same object as long as it is the same secret (the hook): looked up only when it changes
        const s = e.decrypted.secret;
        if (s && s !== w.counted) {
          w.counted = s;
          if (!this.keysUsed.some((k) => k.label === s.label && k.file === s.source.file && k.line === s.source.line)) this.keysUsed.push({ label: s.label, file: s.source.file, line: s.source.line });
        }
      } else if (e.failed !== undefined) {
        w.failed++;
        if (!w.failing) this.problem({ kind: 'failed', side: this.sideOf(way), reason: e.failed, givenUp: false });
        w.failing = true;
      }
    }
  }

  /** TLS records of a direction: what each packet carried, for the walkthrough (a packet inside one record: its part). */
  private tell(way: Way, events: TlsRecordEvent[], part: { length: number; received: number } | null): void {
    if (this.note === null) return;
    if (events.length === 0) {
      if (part !== null && part.received > 0) this.note([{ kind: 'record-part', received: part.received, total: part.length }]);
      return;
    }
    const w = this.ways[way];
    const told: TlsFact[] = [];
    let encrypted = 0;
    let failed = 0;
    let decrypted = 0;
    let keys: Extract<TlsFact, { kind: 'decrypted' }>['keys'] | null = null;
    for (const e of events) {
      const s = e.decrypted?.secret;
      if (e.decrypted) decrypted++;
      if (s && s !== w.secret) {
        w.secret = s;
        (keys ??= []).push({ label: s.label, file: s.source.file, line: s.source.line, generation: s.generation });
      }
      for (const m of e.handshake ?? []) {
        const ch = m.clientHello;
        const sh = m.serverHello;
        const ee = m.encryptedExtensions;
        const cert = m.certificate;
        if (ch) told.push({ kind: 'client-hello', sni: ch.sni, alpn: ch.alpn });
        else if (sh) told.push({ kind: 'server-hello', retry: sh.helloRetryRequest, version: tlsVersionName(sh.version), suite: cipherSuiteName(sh.cipherSuite), alpn: sh.alpn });
        else if (ee) told.push({ kind: 'encrypted-extensions', alpn: ee.alpn });
        else if (cert) told.push({ kind: 'certificate', subject: cert.subject, issuer: cert.issuer, notAfter: cert.notAfter });
        else told.push({ kind: 'handshake', name: m.typeName });
      }
      if (e.alert) told.push({ kind: 'alert', name: e.alert.name });
      else if (e.decrypted) {
        // told by what it carried: its handshake messages above, its application data by the stage that reads it
      } else if (e.encrypted || e.type === 23) {
        encrypted++;
        if (e.failed !== undefined) failed++;
      } else if (e.type === 20) told.push({ kind: 'change-cipher-spec' });
    }
    if (encrypted > 0) told.push({ kind: 'encrypted', records: encrypted, failed });
    if (told.length > 0) this.note(told);
    // told on its own: the packet's summary tells it after what the records carried (analyze/annotate.ts)
    if (decrypted > 0) this.note([{ kind: 'decrypted', records: decrypted, keys: keys ?? [] }]);
  }

  /** What the cleartext of the handshake says, and what the key log opened. */
  info(): TlsInfo {
    const ch = this.session.clientHello;
    const sh = this.session.serverHello;
    const opened = this.ways[0].opened + this.ways[1].opened;
    return {
      version: sh ? tlsVersionName(sh.version) : null,
      sni: ch?.sni ?? null,
      alpnOffered: ch?.alpn ?? [],
      alpn: sh?.alpn ?? this.session.encryptedExtensions?.alpn ?? null,
      certificate: this.session.certificate ?? null,
      cipherSuite: sh ? cipherSuiteName(sh.cipherSuite) : null,
      handshakeSeen: ch !== null || sh !== null,
      decrypted: this.keylog === null ? null : opened > 0,
      keys: this.keysUsed,
      failedRecords: this.ways[0].failed + this.ways[1].failed,
    };
  }
}
