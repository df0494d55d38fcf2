// The two handshake messages that travel in the clear in every TLS version:
// ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) and ServerHello (RFC 8446
// §4.1.3, RFC 5246 §7.4.1.3). Pure parsing of a message body (the bytes
// after the 4-byte handshake header); malformed input gives null, never a throw.
// With a key log, the server's EncryptedExtensions (TLS 1.3's ALPN) and
// Certificate (in the clear in TLS 1.2) are read too.
import { X509Certificate } from 'node:crypto';

export interface ClientHello {
  legacyVersion: number;
  /** 32 bytes, hex */
  random: string;
  /** 0-32 bytes, hex ('' when empty) */
  sessionId: string;
  cipherSuites: number[];
  /** extension types in the order sent */
  extensions: number[];
  /** server_name (ext 0), the host_name entry; null when absent */
  sni: string | null;
  /** application_layer_protocol_negotiation (ext 16); null when absent */
  alpn: string[] | null;
  /** supported_versions (ext 43); null when absent */
  supportedVersions: number[] | null;
  /** session_ticket (ext 35, RFC 5077 §3.2): the ticket a TLS 1.2 client resumes with, hex; null when absent or empty */
  ticket: string | null;
  /** offers TLS 1.3 (0x0304 in supported_versions) */
  tls13: boolean;
}

export interface ServerHello {
  legacyVersion: number;
  random: string;
  sessionId: string;
  cipherSuite: number;
  extensions: number[];
  /** the version selected: supported_versions (ext 43) when present, else legacyVersion */
  version: number;
  /** ALPN (ext 16) as TLS 1.2 sends it; null when absent (TLS 1.3 sends it encrypted) */
  alpn: string | null;
  /** RFC 8446 §4.1.3: a HelloRetryRequest is a ServerHello with a fixed random */
  helloRetryRequest: boolean;
}

export const HELLO_RETRY_REQUEST_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;
const EXT_SUPPORTED_VERSIONS = 43;
const EXT_SESSION_TICKET = 35;

class Malformed extends Error {}

/** Reads big-endian fields inside [at, end); any overrun throws Malformed, caught by the parsers. */
export class ByteReader {
  constructor(
    private readonly b: Buffer,
    private at = 0,
    private readonly end = b.length,
  ) {}

  get left(): number {
    return this.end - this.at;
  }

  bytes(n: number): Buffer {
    if (n > this.left) throw new Malformed();
    this.at += n;
    return this.b.subarray(this.at - n, this.at);
  }

  uint(n: 1 | 2 | 3): number {
    return this.bytes(n).readUIntBE(0, n);
  }

  u8(): number {
    return this.uint(1);
  }

  u16(): number {
    return this.uint(2);
  }

  u24(): number {
    return this.uint(3);
  }

  /** RFC 8446 §3.4: a vector <min..max> whose length prefix takes as many bytes as max needs. */
  vector(prefix: 1 | 2 | 3, min = 0, max = 2 ** (8 * prefix) - 1): ByteReader {
    const n = this.uint(prefix);
    if (n < min || n > max) throw new Malformed();
    return new ByteReader(this.bytes(n));
  }

  rest(): Buffer {
    return this.bytes(this.left);
  }

  /** The rest as a list of uint16 (cipher suites, versions); an odd length is malformed. */
  u16s(): number[] {
    if (this.left % 2 !== 0) throw new Malformed();
    const out: number[] = [];
    while (this.left > 0) out.push(this.u16());
    return out;
  }

  /** Nothing may follow: a vector's declared length covers its content exactly. */
  done(): void {
    if (this.left !== 0) throw new Malformed();
  }
}

function orNull<T>(parse: () => T): T | null {
  try {
    return parse();
  } catch (e) {
    if (e instanceof Malformed) return null;
    throw e;
  }
}

/** Extensions as type → data, in the order sent. */
function readExtensions(r: ByteReader): Map<number, ByteReader> {
  const out = new Map<number, ByteReader>();
  // RFC 5246 §7.4.1.2: a hello without extensions simply ends (SSL 3.0, old TLS)
  if (r.left === 0) return out;
  const list = r.vector(2);
  r.done();
  while (list.left > 0) {
    const type = list.u16();
    // RFC 8446 §4.2: there MUST NOT be more than one extension of the same type
    if (out.has(type)) throw new Malformed();
    out.set(type, list.vector(2));
  }
  return out;
}

/** RFC 7301 §3.1: ProtocolName protocol_name_list<2..2^16-1>, each opaque<1..2^8-1>. */
function readAlpn(data: ByteReader): string[] {
  const list = data.vector(2, 2);
  data.done();
  const names: string[] = [];
  while (list.left > 0) names.push(list.vector(1, 1).rest().toString('latin1'));
  return names;
}

export function parseClientHello(body: Buffer): ClientHello | null {
  return orNull(() => {
    const r = new ByteReader(body);
    const legacyVersion = r.u16();
    const random = r.bytes(32).toString('hex');
    const sessionId = r.vector(1, 0, 32).rest().toString('hex');
    const cipherSuites = r.vector(2, 2).u16s(); // cipher_suites<2..2^16-2>
    r.vector(1, 1); // legacy_compression_methods<1..2^8-1>
    const ext = readExtensions(r);
    let sni: string | null = null;
    const sn = ext.get(EXT_SERVER_NAME);
    if (sn && sn.left > 0) {
      // RFC 6066 §3: ServerNameList server_name_list<1..2^16-1>; host_name is type 0
      const list = sn.vector(2, 1);
      sn.done();
      while (list.left > 0) {
        const type = list.u8();
        const name = list.vector(2, 1);
        if (type === 0 && sni === null) sni = name.rest().toString('latin1');
      }
    }
    const alpnExt = ext.get(EXT_ALPN);
    let supportedVersions: number[] | null = null;
    const sv = ext.get(EXT_SUPPORTED_VERSIONS);
    if (sv) {
      // RFC 8446 §4.2.1: ProtocolVersion versions<2..254> in a ClientHello
      supportedVersions = sv.vector(1, 2, 254).u16s();
      sv.done();
    }
    return {
      legacyVersion,
      random,
      sessionId,
      cipherSuites,
      extensions: [...ext.keys()],
      sni,
      alpn: alpnExt ? readAlpn(alpnExt) : null,
      supportedVersions,
      tls13: supportedVersions?.includes(0x0304) ?? false,
      ticket: ext.get(EXT_SESSION_TICKET)?.rest().toString('hex') || null,
    };
  });
}

export function parseServerHello(body: Buffer): ServerHello | null {
  return orNull(() => {
    const r = new ByteReader(body);
    const legacyVersion = r.u16();
    const random = r.bytes(32).toString('hex');
    const sessionId = r.vector(1, 0, 32).rest().toString('hex');
    const cipherSuite = r.u16();
    r.u8(); // legacy_compression_method
    const ext = readExtensions(r);
    let version = legacyVersion;
    const sv = ext.get(EXT_SUPPORTED_VERSIONS);
    if (sv) {
      // RFC 8446 §4.2.1: a ServerHello carries the one selected_version; the client uses it, not legacy_version
      version = sv.u16();
      sv.done();
    }
    let alpn: string | null = null;
    const alpnExt = ext.get(EXT_ALPN);
    if (alpnExt) {
      const names = readAlpn(alpnExt);
      // RFC 7301 §3.1: the server's ProtocolNameList MUST contain exactly one ProtocolName
      if (names.length !== 1) throw new Malformed();
      alpn = names[0] ?? null;
    }
    return {
      legacyVersion,
      random,
      sessionId,
      cipherSuite,
      extensions: [...ext.keys()],
      version,
      alpn,
      // RFC 8446 §4.1.3: HelloRetryRequest uses the SHA-256 of "HelloRetryRequest" as its random
      helloRetryRequest: random === HELLO_RETRY_REQUEST_RANDOM,
    };
  });
}

/** What the server's EncryptedExtensions says (RFC 8446 §4.3.1): the application protocol it chose (ALPN), where TLS 1.3 puts it. */
export interface EncryptedExtensions {
  extensions: number[];
  alpn: string | null;
}

export function parseEncryptedExtensions(body: Buffer): EncryptedExtensions | null {
  return orNull(() => {
    const r = new ByteReader(body);
    const ext = readExtensions(r);
    r.done();
    const alpnExt = ext.get(EXT_ALPN);
    let alpn: string | null = null;
    if (alpnExt) {
      const names = readAlpn(alpnExt);
      // RFC 7301 §3.1: exactly one ProtocolName in the server's list
      if (names.length !== 1) throw new Malformed();
      alpn = names[0] ?? null;
    }
    return { extensions: [...ext.keys()], alpn };
  });
}

/**
 * The first certificate of a Certificate message (the end-entity's, RFC 8446
 * §4.4.2 and RFC 5246 §7.4.2), DER: TLS 1.3 puts a request context before
 * the list and extensions after each entry. Null when malformed or empty.
 */
export function firstCertificate(body: Buffer, tls13: boolean): Buffer | null {
  return orNull(() => {
    const r = new ByteReader(body);
    if (tls13) r.vector(1, 0, 255);
    const list = r.vector(3, 0, 2 ** 24 - 1);
    r.done();
    if (list.left === 0) throw new Malformed();
    return Buffer.from(list.vector(3, 1, 2 ** 24 - 1).rest());
  });
}

/** What the server's certificate says of itself, as a person checks it. */
export interface CertificateInfo {
  /** the subject's distinguished name ("CN=wss.test") */
  subject: string;
  issuer: string;
  /** the end of its validity, as a date (YYYY-MM-DD) */
  notAfter: string;
  /** the DNS names and IP addresses of its subjectAltName */
  altNames: string[];
}

/** A DER certificate read with Node's X.509 parser; null when it does not parse. */
export function certificateInfo(der: Buffer | null): CertificateInfo | null {
  if (der === null) return null;
  try {
    const c = new X509Certificate(der);
    const end = new Date(c.validTo);
    return {
      subject: c.subject.split('\n').join(', '),
      issuer: c.issuer.split('\n').join(', '),
      notAfter: Number.isNaN(end.getTime()) ? c.validTo : end.toISOString().slice(0, 10),
      altNames: (c.subjectAltName ?? '')
        .split(', ')
        .filter((n) => n.startsWith('DNS:') || n.startsWith('IP Address:'))
        .map((n) => n.slice(n.indexOf(':') + 1)),
    };
  } catch {
    return null;
  }
}

/** A TLS 1.2 NewSessionTicket (RFC 5077 §3.3): the ticket, hex (null when malformed or empty). */
export function parseNewSessionTicket12(body: Buffer): string | null {
  return orNull(() => {
    const r = new ByteReader(body);
    r.bytes(4); // ticket_lifetime_hint
    const ticket = r.vector(2).rest();
    r.done();
    return ticket.length > 0 ? ticket.toString('hex') : null;
  });
}
