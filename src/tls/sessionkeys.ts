// From a key log and a connection's hellos to the decryption state of one
// direction: the client random of the ClientHello finds the connection's
// secrets (NSS key log, RFC 9850), the ServerHello gives the version and
// cipher suite (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3) and, for TLS 1.2, the
// server random of the key block (RFC 5246 §6.3). A connection that cannot
// be decrypted gets a reason a person can read, never a throw.
import { describeSource, type KeyLog } from './keylog.js';
import { tls13Suite } from './keyschedule.js';
import { Tls13Direction } from './decrypt13.js';
import { keyBlock12, tls12Suite, Tls12Direction } from './decrypt12.js';
import type { TlsSession } from './record.js';
import { cipherSuiteName } from './names.js';

export type TlsDirection = 'client' | 'server';

export type DirectionKeys =
  | { ok: true; state: Tls13Direction | Tls12Direction; version: 0x0304 | 0x0303; suite: string; source: string }
  | {
      ok: false;
      reason: string;
      /** false while a hello is missing: later records (after the hellos) may still find keys; ask again */
      final: boolean;
    };

/** The decryption state of one direction (the records the client, or the server, sends) of the session's connection. */
export function directionKeys(keylog: KeyLog, session: TlsSession, direction: TlsDirection): DirectionKeys {
  const ch = session.clientHello;
  const sh = session.serverHello;
  // TLS 1.3 early data (RFC 8446 §4.2.10) is protected before the ServerHello: not final
  if (!ch) return { ok: false, final: false, reason: 'the ClientHello was not seen: no client random to look the keys up by' };
  if (!sh) return { ok: false, final: false, reason: 'the ServerHello was not seen: version and cipher suite unknown' };
  const entry = keylog.get(ch.random);
  if (!entry) return { ok: false, final: true, reason: `no key for this session (client random ${ch.random})` };
  if (sh.version === 0x0304) {
    const suite = tls13Suite(sh.cipherSuite);
    if (!suite) return { ok: false, final: true, reason: `cipher suite ${cipherSuiteName(sh.cipherSuite)} is not supported for decryption` };
    const hs = entry[direction === 'client' ? 'CLIENT_HANDSHAKE_TRAFFIC_SECRET' : 'SERVER_HANDSHAKE_TRAFFIC_SECRET'];
    const app = entry[direction === 'client' ? 'CLIENT_TRAFFIC_SECRET_0' : 'SERVER_TRAFFIC_SECRET_0'];
    if (!hs && !app) return { ok: false, final: true, reason: `the key log has no TLS 1.3 ${direction} traffic secrets for client random ${ch.random}` };
    for (const s of [hs, app]) {
      if (s && s.secret.length !== suite.hashLength) {
        return { ok: false, final: true, reason: `the secret from ${describeSource(s.source)} is ${s.secret.length} bytes, ${suite.name} needs ${suite.hashLength}` };
      }
    }
    const state = new Tls13Direction(suite, { handshake: hs?.secret ?? null, application: app?.secret ?? null });
    return { ok: true, state, version: 0x0304, suite: suite.name, source: describeSource((hs ?? app)!.source) };
  }
  if (sh.version === 0x0303) {
    const suite = tls12Suite(sh.cipherSuite);
    if (!suite) return { ok: false, final: true, reason: `cipher suite ${cipherSuiteName(sh.cipherSuite)} is not supported for decryption` };
    const master = entry.CLIENT_RANDOM;
    if (!master) return { ok: false, final: true, reason: `the key log has no CLIENT_RANDOM (TLS 1.2 master secret) for client random ${ch.random}` };
    const kb = keyBlock12(suite, master.secret, Buffer.from(sh.random, 'hex'), Buffer.from(ch.random, 'hex'));
    // RFC 7366 §2: encrypt_then_mac (22) applies when the client offered it and the server echoed it, to CBC suites only
    const encryptThenMac = suite.mac !== null && ch.extensions.includes(22) && sh.extensions.includes(22);
    const state = new Tls12Direction(suite, kb[direction], { encryptThenMac });
    return { ok: true, state, version: 0x0303, suite: suite.name, source: describeSource(master.source) };
  }
  return { ok: false, final: true, reason: `TLS version 0x${sh.version.toString(16).padStart(4, '0')} is not supported for decryption` };
}
