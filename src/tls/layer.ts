// The transformation layer between a direction's bytes and the framing that
// reads them. Most connections have none: the framing reads the bytes as
// they came (IDENTITY). A TLS connection has its records: this layer follows
// them in both directions, reads the cleartext of the handshake (the hellos:
// version, SNI, ALPN, cipher suite) and tells what each packet carried. It
// hands up the application's bytes; without keys the records stay encrypted
// and nothing comes up (a decryptor given a key log would hand the cleartext
// up from here: see the hook in record.ts).
//
// With a key log (tls/keylog.ts), each direction's protected records are
// decrypted (tls/sessionkeys.ts finds the keys from the hellos) and the
// application data's cleartext is handed up, in order, for the framing.
//
// It does not decide that a connection is TLS (identify/ and the connection
// do), and it does not read what the cleartext carries.
import type { Side, TlsFact, TlsInfo } from '../model.js';
import { cipherSuiteName, tlsVersionName } from './names.js';
import { TlsStream, type TlsDecryptHook, type TlsRecordEvent, type TlsSession } from './record.js';
import type { KeyLog } from './keylog.js';
import { directionKeys, type DirectionKeys } from './sessionkeys.js';

/** A direction of the byte stream, as the owner numbers them. */
export type Way = 0 | 1;

/** What sits between a direction's bytes and its framing. */
export interface Transform {
  /** bytes of a direction, in order: returns those the framing reads (none: nothing to read yet) */
  push(way: Way, data: Buffer): Buffer;
  /** bytes of a direction the capture lost */
  gap(way: Way, length: number): void;
}

/** No transformation: the framing reads the bytes as they came. */
export const IDENTITY: Transform = {
  push: (_way, data) => data,
  gap: () => {},
};

const EMPTY = Buffer.alloc(0);

/** The TLS records of a connection's two directions. */
export class TlsLayer implements Transform {
  /** the hellos, shared by the two directions' record readers */
  readonly session: TlsSession = { clientHello: null, serverHello: null };
  private readonly streams: [TlsStream | null, TlsStream | null] = [null, null];

  constructor(
    /** what a packet carried (only when the connection keeps its timeline of packets) */
    private readonly note: ((told: TlsFact[]) => void) | null,
    /** the session keys, when the user gave a key log: the records are decrypted */
    private readonly keylog: KeyLog | null = null,
    /** which side sends a direction's records */
    private readonly sideOf: (way: Way) => Side = (way) => (way === 0 ? 'client' : 'server'),
  ) {}

  /** Whether the layer hands cleartext up (it has keys to try). */
  get decrypting(): boolean {
    return this.keylog !== null;
  }

  /** A direction's records start here; `midStream`: in the middle of the connection, so a record boundary is looked for first. */
  start(way: Way, midStream: boolean): void {
    this.streams[way] = new TlsStream({ session: this.session, midStream, ...(this.keylog ? { decrypt: this.hook(way, this.keylog) } : {}) });
  }

  /** A direction's decryption: its keys found once the hellos are in (asked again while one is missing). */
  private hook(way: Way, keylog: KeyLog): TlsDecryptHook {
    let keys: DirectionKeys | null = null;
    return (record) => {
      keys ??= directionKeys(keylog, record.session, this.sideOf(way));
      if (!keys.ok) {
        if (!keys.final) keys = null;
        return null;
      }
      const r = keys.state.decrypt(record);
      return r.ok ? { type: r.type, plaintext: r.plaintext } : null;
    };
  }

  push(way: Way, data: Buffer): Buffer {
    const events = this.streams[way]!.push(data);
    this.tell(events);
    let clear: Buffer[] | null = null;
    for (const e of events) if (e.plaintext) (clear ??= []).push(e.plaintext);
    return clear === null ? EMPTY : clear.length === 1 ? clear[0]! : Buffer.concat(clear);
  }

  gap(way: Way, length: number): void {
    this.tell(this.streams[way]!.gap(length));
  }

  /** TLS records of a direction: what each packet carried, for the walkthrough. */
  private tell(events: TlsRecordEvent[]): void {
    if (events.length === 0 || this.note === null) return;
    const told: TlsFact[] = [];
    let data = 0;
    for (const e of events) {
      for (const m of e.handshake ?? []) {
        const ch = m.clientHello;
        const sh = m.serverHello;
        if (ch) told.push({ kind: 'client-hello', sni: ch.sni, alpn: ch.alpn });
        else if (sh) told.push({ kind: 'server-hello', retry: sh.helloRetryRequest, version: tlsVersionName(sh.version), suite: cipherSuiteName(sh.cipherSuite), alpn: sh.alpn });
        else told.push({ kind: 'handshake', name: m.typeName });
      }
      if (e.alert) told.push({ kind: 'alert', name: e.alert.name });
      else if (e.encrypted || e.type === 23) data++;
      else if (e.type === 20) told.push({ kind: 'change-cipher-spec' });
    }
    if (data > 0) told.push({ kind: 'encrypted', records: data });
    if (told.length > 0) this.note(told);
  }

  /** What the cleartext of the handshake says. */
  info(): TlsInfo {
    const ch = this.session.clientHello;
    const sh = this.session.serverHello;
    return {
      version: sh ? tlsVersionName(sh.version) : null,
      sni: ch?.sni ?? null,
      alpnOffered: ch?.alpn ?? [],
      alpn: sh?.alpn ?? null,
      cipherSuite: sh ? cipherSuiteName(sh.cipherSuite) : null,
      handshakeSeen: ch !== null || sh !== null,
    };
  }
}
