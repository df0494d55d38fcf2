// How a protected record's body reaches the decryptor, whatever the chunks
// it came in (whole in one push: the chunk's own bytes; in pieces: copied as
// they come), and the per-record nonce computed without BigInt.
import { describe, expect, it } from 'vitest';
import { seqBytes, writeSeq, xorNonce, xorNonceInto } from '../src/tls/aead.js';
import { KeyLog } from '../src/tls/keylog.js';
import { type TlsDecryptHook, type TlsSession, TlsStream } from '../src/tls/record.js';
import { type DirectionKeys, directionKeys, type TlsDirection } from '../src/tls/sessionkeys.js';
import { loadTlsFixture, TLS_FIXTURES as FIXTURES } from './support/tls-fixtures.js';

/** The 8-byte big-endian sequence number, as RFC 8446 §5.3 pads it: by BigInt, the reference. */
function reference(seq: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(seq));
  return b;
}

describe('sequence numbers and nonces', () => {
  const iv = Buffer.from('000102030405060708090a0b', 'hex');
  const seqs: (number | bigint)[] = [0, 1, 255, 256, 0xffff_ffff, 0x1_0000_0000, 0x1_0000_0005, 0x12_3456_789a_bcde, Number.MAX_SAFE_INTEGER, 2n ** 64n - 1n, 5n];
  for (const seq of seqs) {
    it(`seq ${seq}: the same bytes as by BigInt, XORed into the last 8 bytes of the iv`, () => {
      expect(seqBytes(seq).toString('hex')).toBe(reference(seq).toString('hex'));
      const want = Buffer.from(iv);
      const s = reference(seq);
      for (let i = 0; i < 8; i++) want[4 + i]! ^= s[i]!;
      expect(xorNonce(iv, seq).toString('hex')).toBe(want.toString('hex'));
      // into a buffer of the caller's, and at an offset
      expect(xorNonceInto(Buffer.alloc(12, 0xff), iv, seq).toString('hex')).toBe(want.toString('hex'));
      expect(writeSeq(Buffer.alloc(13, 0xff), 3, seq).toString('hex')).toBe(`ffffff${reference(seq).toString('hex')}ffff`);
      // the iv itself is left as it was
      expect(iv.toString('hex')).toBe('000102030405060708090a0b');
    });
  }
});

/** Feeds `bytes` in pieces of `size` through one scratch buffer that the next piece overwrites, as a reader reusing its buffer would. */
function pushReused(stream: TlsStream, bytes: Buffer, size: number) {
  const scratch = Buffer.alloc(size);
  const events = [];
  for (let at = 0; at < bytes.length; at += size) {
    const n = Math.min(size, bytes.length - at);
    bytes.copy(scratch, 0, at, at + n);
    events.push(...stream.push(scratch.subarray(0, n)));
    scratch.fill(0xee);
  }
  return events;
}

function hook(keylog: KeyLog, direction: TlsDirection, out: Buffer[], failures: string[]): TlsDecryptHook {
  let keys: DirectionKeys | null = null;
  return (record) => {
    keys ??= directionKeys(keylog, record.session, direction);
    if (!keys.ok) {
      if (!keys.final) keys = null;
      return null;
    }
    const r = keys.state.decrypt(record);
    if (!r.ok) {
      failures.push(r.reason);
      return null;
    }
    if (r.type === 23) out.push(Buffer.from(r.plaintext));
    return { type: r.type, plaintext: r.plaintext, secret: null };
  };
}

describe('record bodies in any chunks', () => {
  it('a hook sees each body whole, the same whether it came in one piece or many', () => {
    const records = [Buffer.from('x'), Buffer.alloc(1500, 7), Buffer.from('short one'), Buffer.alloc(17000 - 1, 1), Buffer.from('last')];
    const wire = Buffer.concat(
      records.map((body, i) => Buffer.concat([Buffer.from([23, 3, 3, body.length >> 8, body.length & 0xff]), Buffer.from(body.map((b) => (b + i) & 0xff))])),
    );
    for (const size of [1, 3, 5, 1448, 4096, wire.length]) {
      const seen: string[] = [];
      const decrypt: TlsDecryptHook = (r) => {
        seen.push(r.body.toString('hex'));
        return { type: 23, plaintext: Buffer.from(r.body), secret: null };
      };
      const s = new TlsStream({ decrypt });
      const events = pushReused(s, wire, size);
      expect(events.map((e) => e.length)).toEqual(records.map((r) => r.length));
      expect(seen).toEqual(records.map((body, i) => Buffer.from(body.map((b) => (b + i) & 0xff)).toString('hex')));
    }
  });

  for (const name of FIXTURES) {
    it(`${name}: decrypts to what was sent, fed in segments of 1448, 100 and 7 bytes through a reused buffer`, () => {
      const f = loadTlsFixture(name);
      const keylog = KeyLog.parse(f.keylog, name);
      const c = Buffer.from(f.client, 'base64');
      const s = Buffer.from(f.server, 'base64');
      const first = 5 + c.readUInt16BE(3);
      for (const size of [1448, 100, 7]) {
        const session: TlsSession = { clientHello: null, serverHello: null };
        const got = { client: [] as Buffer[], server: [] as Buffer[] };
        const failures: string[] = [];
        const client = new TlsStream({ session, decrypt: hook(keylog, 'client', got.client, failures) });
        const server = new TlsStream({ session, decrypt: hook(keylog, 'server', got.server, failures) });
        pushReused(client, c.subarray(0, first), size);
        pushReused(server, s, size);
        pushReused(client, c.subarray(first), size);
        expect(failures).toEqual([]);
        expect(Buffer.concat(got.client).toString('latin1')).toBe(f.clientMessages.join(''));
        expect(Buffer.concat(got.server).toString('latin1')).toBe(f.serverMessages.join(''));
      }
    });
  }
});
