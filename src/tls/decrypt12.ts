// Opening TLS 1.2 protected records with the master secret of a key log
// (CLIENT_RANDOM lines).
//
//   PRF (RFC 5246 §5): P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) + HMAC_hash(secret, A(2) + seed) + …,
//     A(0) = seed, A(i) = HMAC_hash(secret, A(i-1)); PRF(secret, label, seed) = P_hash(secret, label + seed),
//     with the suite's hash: SHA-256, or SHA-384 for the *_SHA384 suites (RFC 5289 §3, RFC 5288 §3).
//   key block (RFC 5246 §6.3): PRF(master_secret, "key expansion", server_random + client_random), cut into
//     client_write_MAC_key, server_write_MAC_key, client_write_key, server_write_key, client_write_IV,
//     server_write_IV (AEAD suites have no MAC keys).
//   AES-GCM (RFC 5288 §3): nonce = salt (the 4-byte write IV) + the 8-byte explicit nonce that opens the record
//     body; additional_data = seq_num(8) + type(1) + version(2) + length(2) of the plaintext (RFC 5246 §6.2.3.3).
//   ChaCha20-Poly1305 (RFC 7905 §2): 12-byte write IV, nonce = IV XOR the left-padded seq_num, no explicit nonce.
//
// The sequence number counts a direction's records from its ChangeCipherSpec
// (RFC 5246 §6.1). The CBC suites (MAC-then-encrypt, RFC 5246 §6.2.3.2, and
// encrypt-then-MAC, RFC 7366) are not supported: tls12Suite() gives null.
import { createHmac } from 'node:crypto';
import { type AeadCipher, aeadOpen, AEAD_TAG_LENGTH, type RecordDecryption, seqBytes, xorNonce } from './aead.js';
import type { HashName } from './keyschedule.js';
import type { SealedRecord } from './decrypt13.js';

export type { RecordDecryption, RecordFailure } from './aead.js';

export interface Tls12Suite {
  /** IANA cipher suite id */
  id: number;
  name: string;
  /** the PRF hash */
  hash: HashName;
  cipher: AeadCipher;
  keyLength: number;
  /** the write IV taken from the key block: 4 (the GCM salt) or 12 (ChaCha20-Poly1305) */
  fixedIvLength: number;
  /** bytes of nonce that open each record body: 8 for GCM, 0 for ChaCha20-Poly1305 */
  explicitNonceLength: number;
}

const GCM128 = ['sha256', 'aes-128-gcm', 16, 4, 8] as const;
const GCM256 = ['sha384', 'aes-256-gcm', 32, 4, 8] as const;
const CHACHA = ['sha256', 'chacha20-poly1305', 32, 12, 0] as const;

export const TLS12_SUITES: ReadonlyMap<number, Tls12Suite> = new Map(
  (
    [
      // RFC 5288
      [0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256', GCM128],
      [0x009d, 'TLS_RSA_WITH_AES_256_GCM_SHA384', GCM256],
      [0x009e, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', GCM128],
      [0x009f, 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', GCM256],
      // RFC 5289
      [0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', GCM128],
      [0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', GCM256],
      [0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', GCM128],
      [0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', GCM256],
      // RFC 7905
      [0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', CHACHA],
      [0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', CHACHA],
      [0xccaa, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', CHACHA],
    ] as const
  ).map(([id, name, [hash, cipher, keyLength, fixedIvLength, explicitNonceLength]]) => [
    id,
    { id, name, hash, cipher, keyLength, fixedIvLength, explicitNonceLength },
  ]),
);

/** The TLS 1.2 AEAD suite with this id, or null (CBC, CCM and the rest are not supported). */
export function tls12Suite(id: number): Tls12Suite | null {
  return TLS12_SUITES.get(id) ?? null;
}

/** RFC 5246 §5: PRF(secret, label, seed) = P_hash(secret, label + seed), the first `length` bytes. */
export function prf12(hash: HashName, secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  const labelSeed = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const out: Buffer[] = [];
  let got = 0;
  let a = labelSeed;
  while (got < length) {
    a = createHmac(hash, secret).update(a).digest();
    const block = createHmac(hash, secret).update(a).update(labelSeed).digest();
    out.push(block);
    got += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

export interface Tls12WriteKeys {
  key: Buffer;
  /** the GCM salt (4 bytes) or the ChaCha20-Poly1305 IV (12) */
  iv: Buffer;
}

export interface Tls12KeyBlock {
  client: Tls12WriteKeys;
  server: Tls12WriteKeys;
}

/** RFC 5246 §6.3: the write keys of both sides from the master secret and the two hello randoms (32 bytes each). */
export function keyBlock12(suite: Tls12Suite, masterSecret: Buffer, serverRandom: Buffer, clientRandom: Buffer): Tls12KeyBlock {
  const k = suite.keyLength;
  const v = suite.fixedIvLength;
  const block = prf12(suite.hash, masterSecret, 'key expansion', Buffer.concat([serverRandom, clientRandom]), 2 * k + 2 * v);
  return {
    client: { key: block.subarray(0, k), iv: block.subarray(2 * k, 2 * k + v) },
    server: { key: block.subarray(k, 2 * k), iv: block.subarray(2 * k + v, 2 * k + 2 * v) },
  };
}

/** Opens one TLS 1.2 AEAD record at sequence number seq: its type (the outer one) and plaintext, or a failure. */
export function decryptRecord12(suite: Tls12Suite, keys: Tls12WriteKeys, seq: number, record: SealedRecord): RecordDecryption {
  const body = record.body;
  const n = suite.explicitNonceLength;
  if (body.length < n + AEAD_TAG_LENGTH) return { ok: false, reason: 'too-short' };
  const nonce = n > 0 ? Buffer.concat([keys.iv, body.subarray(0, n)]) : xorNonce(keys.iv, seq);
  const sealed = body.subarray(n);
  const length = sealed.length - AEAD_TAG_LENGTH;
  const aad = Buffer.concat([seqBytes(seq), Buffer.from([record.type, record.version >> 8, record.version & 0xff, length >> 8, length & 0xff])]);
  const plaintext = aeadOpen(suite.cipher, keys.key, nonce, aad, sealed);
  if (plaintext === null) return { ok: false, reason: 'authentication' };
  return { ok: true, type: record.type, plaintext, seq };
}

/** records that failed in a row after which a direction stops guessing that some were missing or extra */
export const SEQ_WINDOW_12 = 8;

/**
 * One direction of a TLS 1.2 connection after its ChangeCipherSpec: feed it that direction's protected records
 * in order (the first is the Finished). After a failure the next record is also tried at the following
 * sequence numbers, up to SEQ_WINDOW_12, as records go missing from captures.
 */
export class Tls12Direction {
  readonly suite: Tls12Suite;
  private readonly keys: Tls12WriteKeys;
  private seqNow = 0;
  private failures = 0;

  constructor(suite: Tls12Suite, keys: Tls12WriteKeys) {
    this.suite = suite;
    this.keys = keys;
  }

  /** Both directions of a connection from its master secret: [client to server, server to client]. */
  static pair(suite: Tls12Suite, masterSecret: Buffer, serverRandom: Buffer, clientRandom: Buffer): { client: Tls12Direction; server: Tls12Direction } {
    const kb = keyBlock12(suite, masterSecret, serverRandom, clientRandom);
    return { client: new Tls12Direction(suite, kb.client), server: new Tls12Direction(suite, kb.server) };
  }

  /** the sequence number the next record is expected at */
  get seq(): number {
    return this.seqNow;
  }

  decrypt(record: SealedRecord): RecordDecryption {
    let first: RecordDecryption | null = null;
    for (let k = 0; k <= Math.min(this.failures, SEQ_WINDOW_12); k++) {
      const r = decryptRecord12(this.suite, this.keys, this.seqNow + k, record);
      if (r.ok) {
        this.seqNow = r.seq + 1;
        this.failures = 0;
        return r;
      }
      if (r.reason !== 'authentication') {
        first = r;
        break;
      }
      first ??= r;
    }
    this.failures++;
    return first ?? { ok: false, reason: 'authentication' };
  }
}
