// From a key log and a connection's hellos to the decryption state of one
// direction: the client random of the ClientHello finds the connection's
// secrets (NSS key log, RFC 9850), the ServerHello gives the version and
// cipher suite (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3) and, for TLS 1.2, the
// server random of the key block (RFC 5246 §6.3). A connection that cannot
// be decrypted gets the reason as facts (the views word them), never a throw.
import type { KeyLog, KeyLogSource } from './keylog.js';
import { tls13Suite } from './keyschedule.js';
import { Tls13Direction } from './decrypt13.js';
import { keyBlock12, tls12Suite, Tls12Direction } from './decrypt12.js';
import type { TlsSession } from './record.js';
import { cipherSuiteName } from './names.js';

export type TlsDirection = 'client' | 'server';

/** Why a direction cannot be decrypted. */
export type NoKeys =
  /** the ClientHello was not captured: no client random to look the keys up by */
  | { why: 'no-client-hello' }
  /** the ServerHello was not captured: version and cipher suite unknown */
  | { why: 'no-server-hello'; clientRandom: string }
  /**
   * no key log line has this session's client random; `resumes`: the connection resumes an earlier TLS 1.2 session
   * (by ticket, or by the session ID the server echoes) that no connection of the capture opened with the log
   */
  | { why: 'no-key'; clientRandom: string; resumes: 'ticket' | 'id' | null }
  /** the key log has lines for the session, but not the secrets this direction needs (their labels) */
  | { why: 'no-secret'; clientRandom: string; labels: string[] }
  /** a secret of the wrong length for the suite's hash */
  | { why: 'secret-length'; clientRandom: string; label: string; source: KeyLogSource; length: number; need: number; suite: string }
  /** a cipher suite this tool does not decrypt */
  | { why: 'suite'; clientRandom: string; suite: string }
  /** a TLS version this tool does not decrypt (SSL 3.0, TLS 1.0, 1.1) */
  | { why: 'version'; clientRandom: string; version: number };

/** A secret of the key log that opens a direction's records: its label, and where it was read. */
export interface KeySecret {
  label: string;
  source: KeyLogSource;
}

export type DirectionKeys =
  | {
      ok: true;
      state: Tls13Direction | Tls12Direction;
      version: 0x0304 | 0x0303;
      suite: string;
      /** TLS 1.3: the handshake traffic secret and the first application traffic secret, as logged (null: not in the log) */
      handshake: KeySecret | null;
      application: KeySecret | null;
      /** TLS 1.2: the master secret (CLIENT_RANDOM) */
      master: KeySecret | null;
      /** the client random the secrets are logged under: this connection's, or (TLS 1.2) the session's it resumes */
      clientRandom: string;
      /** TLS 1.2: opened with the master secret of an earlier connection's session, which this one resumes */
      resumed: boolean;
    }
  | {
      ok: false;
      reason: NoKeys;
      /** false while a hello is missing: later records (after the hellos) may still find keys; ask again */
      final: boolean;
    };

/** Which secret opened the last record a direction opened: its label and source, and the KeyUpdates since (TLS 1.3). */
export interface SecretUse extends KeySecret {
  generation: number;
}

/** secretInUse's last answer for a direction's keys, and what it was the answer for (its keys' lastOpened, or the master secret) */
const IN_USE = new WeakMap<object, { opened: unknown; use: SecretUse | null }>();

/**
 * The secret the direction's last opened record used (null before any); the same object while it stays the same
 * (asked for every record: nothing made per record).
 */
export function secretInUse(keys: DirectionKeys & { ok: true }): SecretUse | null {
  const opened = keys.state instanceof Tls12Direction ? keys.master : keys.state.lastOpened;
  const last = IN_USE.get(keys);
  if (last !== undefined && last.opened === opened) return last.use;
  const use = findSecretInUse(keys);
  IN_USE.set(keys, { opened, use });
  return use;
}

function findSecretInUse(keys: DirectionKeys & { ok: true }): SecretUse | null {
  const state = keys.state;
  if (state instanceof Tls12Direction) return keys.master && { ...keys.master, generation: 0 };
  const opened = state.lastOpened;
  if (opened === null) return null;
  const secret = opened.phase === 'handshake' ? keys.handshake : keys.application;
  return secret && { ...secret, generation: opened.phase === 'handshake' ? 0 : opened.generation };
}

/** The decryption state of one direction (the records the client, or the server, sends) of the session's connection. */
export function directionKeys(keylog: KeyLog, session: TlsSession, direction: TlsDirection): DirectionKeys {
  const ch = session.clientHello;
  const sh = session.serverHello;
  // TLS 1.3 early data (RFC 8446 §4.2.10) is protected before the ServerHello: not final
  if (!ch) return { ok: false, final: false, reason: { why: 'no-client-hello' } };
  const clientRandom = ch.random;
  if (!sh) return { ok: false, final: false, reason: { why: 'no-server-hello', clientRandom } };
  let entry = keylog.get(clientRandom);
  let root = clientRandom;
  // RFC 5246 §7.4.1.3, RFC 5077 §3.4: the server echoes the session ID of a session it resumes
  const echoed = sh.version === 0x0303 && sh.sessionId !== '' && sh.sessionId === ch.sessionId;
  if (!entry && sh.version === 0x0303) {
    // RFC 5077 §3.4, RFC 5246 §7.3: a resumed session keeps its master secret; a ticket, or the session ID the
    // server echoes, names a session the capture showed earlier, logged under that connection's client random
    const byTicket = ch.ticket !== null ? keylog.resumes('ticket', ch.ticket) : undefined;
    const byId = echoed ? keylog.resumes('id', sh.sessionId) : undefined;
    const earlier = byTicket ?? byId;
    if (earlier !== undefined) {
      entry = keylog.get(earlier);
      root = earlier;
    }
  }
  if (!entry) {
    const resumes = !echoed ? null : ch.ticket !== null ? 'ticket' : 'id';
    return { ok: false, final: true, reason: { why: 'no-key', clientRandom, resumes } };
  }
  const side = direction === 'client' ? 'CLIENT' : 'SERVER';
  if (sh.version === 0x0304) {
    const suite = tls13Suite(sh.cipherSuite);
    if (!suite) return { ok: false, final: true, reason: { why: 'suite', clientRandom, suite: cipherSuiteName(sh.cipherSuite) } };
    const hsLabel = `${side}_HANDSHAKE_TRAFFIC_SECRET` as const;
    const appLabel = `${side}_TRAFFIC_SECRET_0` as const;
    const hs = entry[hsLabel];
    const app = entry[appLabel];
    if (!hs && !app) return { ok: false, final: true, reason: { why: 'no-secret', clientRandom, labels: [hsLabel, appLabel] } };
    for (const [label, s] of [[hsLabel, hs], [appLabel, app]] as const) {
      if (s && s.secret.length !== suite.hashLength) {
        return { ok: false, final: true, reason: { why: 'secret-length', clientRandom, label, source: s.source, length: s.secret.length, need: suite.hashLength, suite: suite.name } };
      }
    }
    const state = new Tls13Direction(suite, { handshake: hs?.secret ?? null, application: app?.secret ?? null });
    return {
      ok: true,
      state,
      version: 0x0304,
      suite: suite.name,
      handshake: hs ? { label: hsLabel, source: hs.source } : null,
      application: app ? { label: appLabel, source: app.source } : null,
      master: null,
      clientRandom,
      resumed: false,
    };
  }
  if (sh.version === 0x0303) {
    const suite = tls12Suite(sh.cipherSuite);
    if (!suite) return { ok: false, final: true, reason: { why: 'suite', clientRandom, suite: cipherSuiteName(sh.cipherSuite) } };
    const master = entry.CLIENT_RANDOM;
    if (!master) return { ok: false, final: true, reason: { why: 'no-secret', clientRandom, labels: ['CLIENT_RANDOM'] } };
    // the key block of this connection's randoms, whichever connection's session the master secret is (RFC 5246 §6.3)
    const kb = keyBlock12(suite, master.secret, Buffer.from(sh.random, 'hex'), Buffer.from(clientRandom, 'hex'));
    // RFC 7366 §2: encrypt_then_mac (22) applies when the client offered it and the server echoed it, to CBC suites only
    const encryptThenMac = suite.mac !== null && ch.extensions.includes(22) && sh.extensions.includes(22);
    const state = new Tls12Direction(suite, kb[direction], { encryptThenMac });
    return { ok: true, state, version: 0x0303, suite: suite.name, handshake: null, application: null, master: { label: 'CLIENT_RANDOM', source: master.source }, clientRandom: root, resumed: root !== clientRandom };
  }
  return { ok: false, final: true, reason: { why: 'version', clientRandom, version: sh.version } };
}
