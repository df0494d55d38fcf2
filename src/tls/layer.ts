// The transformation layer between a direction's bytes and the framing that
// reads them. Most connections have none: the framing reads the bytes as
// they came (IDENTITY). A TLS connection has its records: this layer follows
// them in both directions, reads the cleartext of the handshake (the hellos:
// version, SNI, ALPN, cipher suite) and tells what each packet carried. It
// hands up the application's bytes; without keys the records stay encrypted
// and nothing comes up (a decryptor given a key log would hand the cleartext
// up from here: see the hook in record.ts).
//
// It does not decide that a connection is TLS (identify/ and the connection
// do), and it does not read what the cleartext carries.
import type { TlsFact, TlsInfo } from '../model.js';
import { cipherSuiteName, tlsVersionName } from './names.js';
import { TlsStream, type TlsRecordEvent, type TlsSession } from './record.js';

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
  ) {}

  /** A direction's records start here; `midStream`: in the middle of the connection, so a record boundary is looked for first. */
  start(way: Way, midStream: boolean): void {
    this.streams[way] = new TlsStream({ session: this.session, midStream });
  }

  push(way: Way, data: Buffer): Buffer {
    this.tell(this.streams[way]!.push(data));
    return EMPTY;
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
