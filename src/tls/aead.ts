// AEAD opening for TLS records with Node's crypto: AES-128-GCM, AES-256-GCM
// (NIST SP 800-38D, as TLS uses them: RFC 5116 §5.1, §5.2) and
// ChaCha20-Poly1305 (RFC 8439), all with a 12-byte nonce and a 16-byte tag
// at the end of the ciphertext. A failed authentication is a null, never a
// throw and never unauthenticated bytes.
import { createDecipheriv } from 'node:crypto';

export type AeadCipher = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

export const AEAD_TAG_LENGTH = 16;
export const AEAD_NONCE_LENGTH = 12;

/** The plaintext of ciphertext‖tag under key and nonce with additional data aad, or null when it does not authenticate. */
export function aeadOpen(cipher: AeadCipher, key: Buffer, nonce: Buffer, aad: Buffer, sealed: Buffer): Buffer | null {
  if (sealed.length < AEAD_TAG_LENGTH || nonce.length !== AEAD_NONCE_LENGTH) return null;
  const ciphertext = sealed.subarray(0, sealed.length - AEAD_TAG_LENGTH);
  const tag = sealed.subarray(sealed.length - AEAD_TAG_LENGTH);
  try {
    // the GCM and ChaCha20-Poly1305 decipher types differ only in their option types; both take the same calls
    const d = createDecipheriv(cipher as 'aes-128-gcm', key, nonce, { authTagLength: AEAD_TAG_LENGTH });
    d.setAAD(aad, { plaintextLength: ciphertext.length });
    d.setAuthTag(tag);
    const out = d.update(ciphertext);
    const last = d.final();
    return last.length > 0 ? Buffer.concat([out, last]) : out;
  } catch {
    // final() throws when the tag does not match; a wrong key length throws at createDecipheriv
    return null;
  }
}

/** The result of opening one protected record. */
export type RecordDecryption =
  | { ok: true; type: number; plaintext: Buffer; /** the sequence number it opened with */ seq: number }
  | { ok: false; reason: RecordFailure };

export type RecordFailure =
  /** the tag does not verify: wrong key, wrong sequence number, damaged record */
  | 'authentication'
  /** the body cannot hold the explicit nonce and tag */
  | 'too-short'
  /** TLS 1.3: the inner plaintext is all zeros (RFC 8446 §5.4: unexpected_message) */
  | 'no-content-type'
  /** no keys for this direction yet (or any more) */
  | 'no-keys';

/** 8-byte big-endian sequence number (RFC 5246 §6.1, RFC 8446 §5.3: uint64, wraps never). */
export function seqBytes(seq: number | bigint): Buffer {
  return writeSeq(Buffer.alloc(8), 0, seq);
}

/** seqBytes written into `out` at `at`. */
export function writeSeq(out: Buffer, at: number, seq: number | bigint): Buffer {
  if (isSmallSeq(seq)) {
    // a number's two 32-bit halves: no BigInt per record
    out.writeUInt32BE(Math.floor(seq / 0x1_0000_0000), at);
    out.writeUInt32BE(seq >>> 0, at + 4);
  } else out.writeBigUInt64BE(BigInt(seq), at);
  return out;
}

/** RFC 8446 §5.3, RFC 7905 §2: the nonce is iv XOR the sequence number padded on the left to iv's length. */
export function xorNonce(iv: Buffer, seq: number | bigint): Buffer {
  return xorNonceInto(Buffer.allocUnsafe(iv.length), iv, seq);
}

/** xorNonce written into `out` (iv's length). */
export function xorNonceInto(out: Buffer, iv: Buffer, seq: number | bigint): Buffer {
  iv.copy(out);
  const at = out.length - 8;
  if (isSmallSeq(seq)) {
    // in place, 32 bits at a time (the nonce of every record: no temporary buffer)
    out.writeUInt32BE((out.readUInt32BE(at) ^ Math.floor(seq / 0x1_0000_0000)) >>> 0, at);
    out.writeUInt32BE((out.readUInt32BE(at + 4) ^ (seq >>> 0)) >>> 0, at + 4);
    return out;
  }
  const s = seqBytes(seq);
  for (let i = 0; i < 8; i++) out[at + i]! ^= s[i]!;
  return out;
}

/** A sequence number held exactly by a number (below 2^53), the case of every real connection. */
function isSmallSeq(seq: number | bigint): seq is number {
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0;
}
