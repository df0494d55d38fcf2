// What a TCP connection carries when it is not WebSocket: the protocols an
// analyzer meets beside it on real networks, told from the first bytes of a
// direction by their own signatures. Pure functions of the bytes; a
// connection named here is never searched for WebSocket frames.
import { looksLikeTlsRecord } from '../tls/record.js';

export type ProtocolName = 'websocket' | 'http' | 'tls' | 'ssh' | 'http2' | 'mysql' | 'postgresql' | 'redis' | 'smb' | 'unknown';

export interface Identified {
  protocol: Exclude<ProtocolName, 'websocket' | 'unknown'>;
  /** what the signature itself says (an SSH banner, a database server's version), or null */
  detail: string | null;
}

/** The protocols' names as a person reads them. */
export const PROTOCOL_LABELS: Readonly<Record<ProtocolName, string>> = {
  websocket: 'WebSocket',
  http: 'HTTP',
  tls: 'TLS',
  ssh: 'SSH',
  http2: 'HTTP/2',
  mysql: 'MySQL/MariaDB',
  postgresql: 'PostgreSQL',
  redis: 'Redis',
  smb: 'SMB',
  unknown: 'unknown',
};

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Printable ASCII from `from` up to (not including) the first byte outside it, at most `max` characters. */
function asciiRun(b: Buffer, from: number, max: number): string {
  let end = from;
  while (end < b.length && end - from < max && b[end]! >= 0x20 && b[end]! < 0x7f) end++;
  return b.toString('latin1', from, end);
}

type Signature = (b: Buffer) => Identified | null;

const SIGNATURES: readonly Signature[] = [
  // RFC 8446 §5.1, RFC 5246 §6.2.1: a record header (content type, version 3.x, length)
  (b) => (looksLikeTlsRecord(b, 0) === true ? { protocol: 'tls', detail: null } : null),
  // RFC 4253 §4.2: the identification string "SSH-protoversion-softwareversion"
  (b) => (b.length >= 8 && b.toString('latin1', 0, 4) === 'SSH-' ? { protocol: 'ssh', detail: asciiRun(b, 0, 128) } : null),
  // RFC 9113 §3.4: the client connection preface of HTTP/2 with prior knowledge
  (b) => (b.length >= 16 && b.subarray(0, Math.min(b.length, H2_PREFACE.length)).equals(H2_PREFACE.subarray(0, Math.min(b.length, H2_PREFACE.length))) ? { protocol: 'http2', detail: null } : null),
  // MySQL client/server protocol, Initial Handshake Packet: 3-byte length, sequence 0, protocol version 10, server version NUL-terminated
  (b) => {
    if (b.length < 10 || b[3] !== 0 || b[4] !== 0x0a) return null;
    const length = b.readUIntLE(0, 3);
    const version = asciiRun(b, 5, 64);
    if (length < 30 || length > 1024 || version.length === 0 || b[5 + version.length] !== 0) return null;
    return { protocol: 'mysql', detail: version };
  },
  // PostgreSQL frontend/backend protocol 3.0: StartupMessage (length, 196608), SSLRequest (8, 80877103), GSSENCRequest (8, 80877104)
  (b) => {
    if (b.length < 8) return null;
    const length = b.readUInt32BE(0);
    const code = b.readUInt32BE(4);
    if (length === 8 && (code === 80877103 || code === 80877104)) return { protocol: 'postgresql', detail: code === 80877103 ? 'SSLRequest' : 'GSSENCRequest' };
    if (code === 0x00030000 && length >= 9 && length < 10000) return { protocol: 'postgresql', detail: 'StartupMessage' };
    return null;
  },
  // Redis serialization protocol: a command is an array of bulk strings, "*<n>\r\n$<len>\r\n"
  (b) => (/^\*[1-9]\d{0,5}\r\n\$\d{1,9}\r\n/.test(b.toString('latin1', 0, Math.min(b.length, 32))) ? { protocol: 'redis', detail: null } : null),
  // MS-SMB2 §2.1 over direct TCP (port 445): a NetBIOS session message (type 0, 24-bit length), then 0xFE 'SMB' (or 0xFF 'SMB', SMB1)
  (b) => (b.length >= 8 && b[0] === 0 && (b[4] === 0xfe || b[4] === 0xff) && b.toString('latin1', 5, 8) === 'SMB' ? { protocol: 'smb', detail: b[4] === 0xfe ? 'SMB2/3' : 'SMB1' } : null),
];

/** The protocol whose signature the first bytes of a direction carry, or null. */
export function identifyStart(b: Buffer): Identified | null {
  for (const sig of SIGNATURES) {
    const found = sig(b);
    if (found) return found;
  }
  return null;
}
