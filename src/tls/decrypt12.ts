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
//   AES-CBC with HMAC (RFC 5246 §6.2.3.2, MAC-then-encrypt): body = IV(16) + CBC(content + MAC + padding +
//     padding_length), MAC = HMAC(MAC_write_key, seq_num + type + version + length + content); with
//     encrypt_then_mac negotiated (RFC 7366 §3, extension 22 in both hellos): body = IV + CBC(content +
//     padding + padding_length) + MAC, the MAC over seq_num + type + version + length(IV + ciphertext) + IV +
//     ciphertext, checked before decrypting.
//
// The sequence number counts a direction's records from its ChangeCipherSpec
// (RFC 5246 §6.1). Not supported (tls12Suite() gives null): CCM, 3DES, RC4,
// CAMELLIA, ARIA and the other rare suites; SSL 3.0 to TLS 1.1 (their CBC
// uses an implicit IV and, before TLS 1.2, another PRF).
import { createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { type AeadCipher, aeadOpen, AEAD_NONCE_LENGTH, AEAD_TAG_LENGTH, type RecordDecryption, writeSeq, xorNonce, xorNonceInto } from './aead.js';
import { SeqWindow } from './seqwindow.js';
import type { HashName } from './keyschedule.js';
import type { SealedRecord } from './decrypt13.js';

export type { RecordDecryption, RecordFailure } from './aead.js';

export type CbcCipher = 'aes-128-cbc' | 'aes-256-cbc';
export type MacHash = 'sha1' | 'sha256' | 'sha384';

export interface Tls12Suite {
  /** IANA cipher suite id */
  id: number;
  name: string;
  /** the PRF hash */
  hash: HashName;
  cipher: AeadCipher | CbcCipher;
  keyLength: number;
  /** the write IV taken from the key block: 4 (the GCM salt), 12 (ChaCha20-Poly1305), 16 (CBC: unused in TLS 1.2) */
  fixedIvLength: number;
  /** bytes of nonce or IV that open each record body: 8 for GCM, 0 for ChaCha20-Poly1305, 16 for CBC */
  explicitNonceLength: number;
  /** CBC suites: the record MAC; null for AEAD */
  mac: { hash: MacHash; length: number } | null;
}

const GCM128 = ['sha256', 'aes-128-gcm', 16, 4, 8, null] as const;
const GCM256 = ['sha384', 'aes-256-gcm', 32, 4, 8, null] as const;
const CHACHA = ['sha256', 'chacha20-poly1305', 32, 12, 0, null] as const;
const CBC128_SHA = ['sha256', 'aes-128-cbc', 16, 16, 16, 'sha1'] as const;
const CBC256_SHA = ['sha256', 'aes-256-cbc', 32, 16, 16, 'sha1'] as const;
const CBC128_SHA256 = ['sha256', 'aes-128-cbc', 16, 16, 16, 'sha256'] as const;
const CBC256_SHA256 = ['sha256', 'aes-256-cbc', 32, 16, 16, 'sha256'] as const;
const CBC256_SHA384 = ['sha384', 'aes-256-cbc', 32, 16, 16, 'sha384'] as const;
const MAC_LENGTH = { sha1: 20, sha256: 32, sha384: 48 } as const;

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
      // RFC 5246 Appendix A.5, RFC 4492 §6, RFC 5289 §3: CBC with HMAC
      [0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA', CBC128_SHA],
      [0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA', CBC256_SHA],
      [0x003c, 'TLS_RSA_WITH_AES_128_CBC_SHA256', CBC128_SHA256],
      [0x003d, 'TLS_RSA_WITH_AES_256_CBC_SHA256', CBC256_SHA256],
      [0x0033, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', CBC128_SHA],
      [0x0039, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', CBC256_SHA],
      [0x0067, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', CBC128_SHA256],
      [0x006b, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', CBC256_SHA256],
      [0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', CBC128_SHA],
      [0xc00a, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', CBC256_SHA],
      [0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', CBC128_SHA],
      [0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', CBC256_SHA],
      [0xc023, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', CBC128_SHA256],
      [0xc024, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', CBC256_SHA384],
      [0xc027, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', CBC128_SHA256],
      [0xc028, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', CBC256_SHA384],
    ] as const
  ).map(([id, name, [hash, cipher, keyLength, fixedIvLength, explicitNonceLength, mac]]) => [
    id,
    { id, name, hash, cipher, keyLength, fixedIvLength, explicitNonceLength, mac: mac ? { hash: mac, length: MAC_LENGTH[mac] } : null },
  ]),
);

/** The TLS 1.2 suite with this id (AES-GCM, ChaCha20-Poly1305, AES-CBC with HMAC), or null (CCM and the rest are not supported). */
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
  /** CBC suites: the HMAC key (empty for AEAD) */
  macKey: Buffer;
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
  const m = suite.mac?.length ?? 0;
  const k = suite.keyLength;
  const v = suite.fixedIvLength;
  const block = prf12(suite.hash, masterSecret, 'key expansion', Buffer.concat([serverRandom, clientRandom]), 2 * m + 2 * k + 2 * v);
  const at = (start: number, n: number): Buffer => block.subarray(start, start + n);
  return {
    client: { macKey: at(0, m), key: at(2 * m, k), iv: at(2 * m + 2 * k, v) },
    server: { macKey: at(m, m), key: at(2 * m + k, k), iv: at(2 * m + 2 * k + v, v) },
  };
}

export interface Tls12Options {
  /** CBC suites: encrypt_then_mac (RFC 7366) was negotiated (extension 22 in the ClientHello and the ServerHello) */
  encryptThenMac?: boolean;
}

/** seq_num + type + version + length: what the MAC (CBC) or the additional data (AEAD) begins with (RFC 5246 §6.2.3). */
function macHeader(seq: number, record: SealedRecord, length: number): Buffer {
  return writeMacHeader(Buffer.allocUnsafe(13), seq, record, length);
}

function writeMacHeader(out: Buffer, seq: number, record: SealedRecord, length: number): Buffer {
  writeSeq(out, 0, seq);
  out[8] = record.type;
  out[9] = record.version >> 8;
  out[10] = record.version & 0xff;
  out[11] = length >> 8;
  out[12] = length & 0xff;
  return out;
}

// aeadOpen hands the nonce and the additional data to the cipher, which copies them, before it returns: one
// buffer of each serves every record (no allocations per record for them)
const NONCE = Buffer.alloc(AEAD_NONCE_LENGTH);
const AAD = Buffer.alloc(13);

/** Opens one TLS 1.2 record at sequence number seq: its type (the outer one) and plaintext, or a failure. */
export function decryptRecord12(suite: Tls12Suite, keys: Tls12WriteKeys, seq: number, record: SealedRecord, opts: Tls12Options = {}): RecordDecryption {
  if (suite.mac) return decryptCbc(suite, suite.mac, keys, seq, record, opts.encryptThenMac === true);
  const body = record.body;
  const n = suite.explicitNonceLength;
  if (body.length < n + AEAD_TAG_LENGTH) return { ok: false, reason: 'too-short' };
  // RFC 5288 §3: salt (the key block's 4 bytes) ‖ the record's explicit 8; RFC 7905 §2: iv XOR sequence number
  let nonce: Buffer;
  if (keys.iv.length + n !== NONCE.length) nonce = n > 0 ? Buffer.concat([keys.iv, body.subarray(0, n)]) : xorNonce(keys.iv, seq);
  else if (n > 0) {
    keys.iv.copy(NONCE);
    body.copy(NONCE, keys.iv.length, 0, n);
    nonce = NONCE;
  } else nonce = xorNonceInto(NONCE, keys.iv, seq);
  const sealed = body.subarray(n);
  const length = sealed.length - AEAD_TAG_LENGTH;
  const aad = writeMacHeader(AAD, seq, record, length);
  const plaintext = aeadOpen(suite.cipher as AeadCipher, keys.key, nonce, aad, sealed);
  if (plaintext === null) return { ok: false, reason: 'authentication' };
  return { ok: true, type: record.type, plaintext, seq };
}

const BLOCK = 16;

function macEquals(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** AES-CBC decryption without OpenSSL's padding removal (TLS padding is checked here); null on a bad length. */
function cbcDecrypt(cipher: string, key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer | null {
  if (ciphertext.length === 0 || ciphertext.length % BLOCK !== 0) return null;
  try {
    const d = createDecipheriv(cipher, key, iv);
    d.setAutoPadding(false);
    return Buffer.concat([d.update(ciphertext), d.final()]);
  } catch {
    return null;
  }
}

/** RFC 5246 §6.2.3.2: padding_length bytes, each equal to padding_length, then padding_length itself. The content before them, or null. */
function unpad(p: Buffer): Buffer | null {
  const n = p[p.length - 1]!;
  if (n + 1 > p.length) return null;
  for (let i = p.length - 1 - n; i < p.length - 1; i++) if (p[i] !== n) return null;
  return p.subarray(0, p.length - 1 - n);
}

function decryptCbc(suite: Tls12Suite, mac: { hash: MacHash; length: number }, keys: Tls12WriteKeys, seq: number, record: SealedRecord, etm: boolean): RecordDecryption {
  const body = record.body;
  const iv = body.subarray(0, BLOCK);
  const fail = { ok: false, reason: 'authentication' } as const;
  if (etm) {
    // RFC 7366 §3: IV, ciphertext, then the MAC over both
    if (body.length < 2 * BLOCK + mac.length) return { ok: false, reason: 'too-short' };
    const sealed = body.subarray(0, body.length - mac.length);
    const tag = body.subarray(body.length - mac.length);
    const want = createHmac(mac.hash, keys.macKey).update(macHeader(seq, record, sealed.length)).update(sealed).digest();
    if (!macEquals(want, tag)) return fail;
    const padded = cbcDecrypt(suite.cipher, keys.key, iv, sealed.subarray(BLOCK));
    const content = padded && unpad(padded);
    return content ? { ok: true, type: record.type, plaintext: content, seq } : fail;
  }
  // MAC-then-encrypt: IV, then CBC(content + MAC + padding)
  if (body.length < BLOCK + Math.ceil((mac.length + 1) / BLOCK) * BLOCK) return { ok: false, reason: 'too-short' };
  const padded = cbcDecrypt(suite.cipher, keys.key, iv, body.subarray(BLOCK));
  const unpadded = padded && unpad(padded);
  if (!unpadded || unpadded.length < mac.length) return fail;
  const content = unpadded.subarray(0, unpadded.length - mac.length);
  const tag = unpadded.subarray(unpadded.length - mac.length);
  const want = createHmac(mac.hash, keys.macKey).update(macHeader(seq, record, content.length)).update(content).digest();
  return macEquals(want, tag) ? { ok: true, type: record.type, plaintext: content, seq } : fail;
}


/**
 * One direction of a TLS 1.2 connection after its ChangeCipherSpec: feed it that direction's protected records
 * in order (the first is the Finished). Records lost or damaged by the capture: the sequence numbers they may
 * have used are tried (tls/seqwindow.ts).
 */
export class Tls12Direction {
  readonly suite: Tls12Suite;
  private readonly keys: Tls12WriteKeys;
  private readonly opts: Tls12Options;
  private readonly window = new SeqWindow();

  constructor(suite: Tls12Suite, keys: Tls12WriteKeys, opts: Tls12Options = {}) {
    this.suite = suite;
    this.keys = keys;
    this.opts = opts;
  }

  /** Both directions of a connection from its master secret: client (its records to the server) and server. */
  static pair(
    suite: Tls12Suite,
    masterSecret: Buffer,
    serverRandom: Buffer,
    clientRandom: Buffer,
    opts: Tls12Options = {},
  ): { client: Tls12Direction; server: Tls12Direction } {
    const kb = keyBlock12(suite, masterSecret, serverRandom, clientRandom);
    return { client: new Tls12Direction(suite, kb.client, opts), server: new Tls12Direction(suite, kb.server, opts) };
  }

  /** the sequence number the next record is expected at */
  get seq(): number {
    return this.window.expected;
  }

  /** so many records in a row did not open that the direction stopped trying */
  get givenUp(): boolean {
    return this.window.givenUp;
  }

  decrypt(record: SealedRecord): RecordDecryption {
    this.window.skip(record.skipped);
    let first: RecordDecryption | null = null;
    for (const seq of this.window.candidates()) {
      const r = decryptRecord12(this.suite, this.keys, seq, record, this.opts);
      if (r.ok) {
        this.window.took(r.seq, record.body.length);
        return r;
      }
      if (r.reason !== 'authentication') {
        first = r;
        break;
      }
      first ??= r;
    }
    this.window.failed();
    return first ?? { ok: false, reason: 'authentication' };
  }
}
