// The TLS 1.3 key schedule pieces a key-log decryptor needs (RFC 8446):
// HKDF (RFC 5869 §2.2, §2.3) over HMAC by hand, HKDF-Expand-Label and
// Derive-Secret (§7.1), the traffic key and iv of a traffic secret (§7.3),
// the per-record nonce (§5.3) and the next-generation secret a KeyUpdate
// moves to (§7.2, "traffic upd"). The three cipher suites of §B.4 that
// matter on the web: TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384,
// TLS_CHACHA20_POLY1305_SHA256. Pure functions of their arguments.
import { createHash, createHmac } from 'node:crypto';
import { type AeadCipher, xorNonce } from './aead.js';

export type HashName = 'sha256' | 'sha384';

export interface Tls13Suite {
  /** IANA cipher suite id */
  id: number;
  name: string;
  hash: HashName;
  /** Hash.length */
  hashLength: number;
  cipher: AeadCipher;
  keyLength: number;
  /** RFC 8446 §5.3: iv_length = max(8, N_MIN) = 12 for these AEADs */
  ivLength: number;
}

export const TLS13_SUITES: ReadonlyMap<number, Tls13Suite> = new Map(
  (
    [
      [0x1301, 'TLS_AES_128_GCM_SHA256', 'sha256', 32, 'aes-128-gcm', 16],
      [0x1302, 'TLS_AES_256_GCM_SHA384', 'sha384', 48, 'aes-256-gcm', 32],
      [0x1303, 'TLS_CHACHA20_POLY1305_SHA256', 'sha256', 32, 'chacha20-poly1305', 32],
    ] as const
  ).map(([id, name, hash, hashLength, cipher, keyLength]) => [id, { id, name, hash, hashLength, cipher, keyLength, ivLength: 12 }]),
);

/** The TLS 1.3 suite with this id, or null for one not supported (TLS_AES_128_CCM_SHA256 and _8 are not). */
export function tls13Suite(id: number): Tls13Suite | null {
  return TLS13_SUITES.get(id) ?? null;
}

export function hashLength(hash: HashName): number {
  return hash === 'sha256' ? 32 : 48;
}

/** RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM); an empty salt is Hash.length zeros. */
export function hkdfExtract(hash: HashName, salt: Buffer, ikm: Buffer): Buffer {
  return createHmac(hash, salt.length > 0 ? salt : Buffer.alloc(hashLength(hash))).update(ikm).digest();
}

/** RFC 5869 §2.3: T(i) = HMAC-Hash(PRK, T(i-1) | info | i), the first `length` bytes of T(1) | T(2) | … */
export function hkdfExpand(hash: HashName, prk: Buffer, info: Buffer, length: number): Buffer {
  const n = Math.ceil(length / hashLength(hash));
  if (n > 255) throw new RangeError(`HKDF-Expand: ${length} bytes is more than 255 × Hash.length`);
  const blocks: Buffer[] = [];
  let t = Buffer.alloc(0);
  for (let i = 1; i <= n; i++) {
    t = createHmac(hash, prk).update(t).update(info).update(Buffer.from([i])).digest();
    blocks.push(t);
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/**
 * RFC 8446 §7.1: HKDF-Expand(Secret, HkdfLabel, Length) with
 *   struct { uint16 length = Length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255> = Context; } HkdfLabel;
 */
export function hkdfExpandLabel(hash: HashName, secret: Buffer, label: string, context: Buffer, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'latin1');
  if (fullLabel.length > 255 || context.length > 255) throw new RangeError('HKDF-Expand-Label: label or context too long');
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 0xff, fullLabel.length]),
    fullLabel,
    Buffer.from([context.length]),
    context,
  ]);
  return hkdfExpand(hash, secret, info, length);
}

/** RFC 8446 §7.1: Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length). */
export function deriveSecret(hash: HashName, secret: Buffer, label: string, messages: Buffer): Buffer {
  return hkdfExpandLabel(hash, secret, label, createHash(hash).update(messages).digest(), hashLength(hash));
}

export interface TrafficKeys {
  key: Buffer;
  iv: Buffer;
}

/** RFC 8446 §7.3: [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length), [sender]_write_iv likewise with "iv". */
export function trafficKeys(suite: Tls13Suite, secret: Buffer): TrafficKeys {
  return {
    key: hkdfExpandLabel(suite.hash, secret, 'key', Buffer.alloc(0), suite.keyLength),
    iv: hkdfExpandLabel(suite.hash, secret, 'iv', Buffer.alloc(0), suite.ivLength),
  };
}

/** RFC 8446 §5.3: the 64-bit record sequence number, padded on the left to iv_length, XORed with the static iv. */
export function recordNonce(iv: Buffer, seq: number | bigint): Buffer {
  return xorNonce(iv, seq);
}

/** RFC 8446 §7.2: application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length). */
export function nextTrafficSecret(suite: Tls13Suite, secret: Buffer): Buffer {
  return hkdfExpandLabel(suite.hash, secret, 'traffic upd', Buffer.alloc(0), suite.hashLength);
}
