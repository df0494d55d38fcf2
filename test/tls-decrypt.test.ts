// Decrypting real TLS 1.2 and 1.3 connections recorded by
// test/support/gen-tls-fixtures.mjs (Node's tls, each cipher suite, the
// client's key log), through the TlsStream decrypt hook; KeyUpdate on
// records sealed here; the key log parser.
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptRecord12, keyBlock12, prf12, TLS12_SUITES, tls12Suite } from '../src/tls/decrypt12.js';
import { decryptRecord13, recordHeader, Tls13Direction } from '../src/tls/decrypt13.js';
import { KeyLog, parseKeyLogs } from '../src/tls/keylog.js';
import { nextTrafficSecret, recordNonce, TLS13_SUITES, tls13Suite, trafficKeys } from '../src/tls/keyschedule.js';
import type { TlsDecryptHook, TlsSession } from '../src/tls/record.js';
import { TlsStream } from '../src/tls/record.js';
import { type DirectionKeys, directionKeys, type TlsDirection } from '../src/tls/sessionkeys.js';
import { loadTlsFixture as load, type TlsFixture as Fixture, TLS_FIXTURES as FIXTURES } from './support/tls-fixtures.js';

/** The TlsDecryptHook of one direction: a few lines on top of directionKeys. Plaintexts are kept for the test. */
function hook(keylog: KeyLog, direction: TlsDirection, out: { type: number; plaintext: Buffer }[], failures: string[]): TlsDecryptHook {
  let keys: DirectionKeys | null = null;
  return (record) => {
    keys ??= directionKeys(keylog, record.session, direction);
    if (!keys.ok) {
      failures.push('clientRandom' in keys.reason ? `${keys.reason.why} ${keys.reason.clientRandom}` : keys.reason.why);
      if (!keys.final) keys = null;
      return null;
    }
    const r = keys.state.decrypt(record);
    if (!r.ok) {
      failures.push(r.reason);
      return { failed: r.reason };
    }
    out.push({ type: r.type, plaintext: r.plaintext });
    return { type: r.type, plaintext: r.plaintext, secret: null };
  };
}

/** The first record of a stream (the client's: its ClientHello). */
function firstRecordLength(b: Buffer): number {
  return 5 + b.readUInt16BE(3);
}

function decryptFixture(f: Fixture, keylog: KeyLog) {
  const session: TlsSession = { clientHello: null, serverHello: null };
  const got = { client: [] as { type: number; plaintext: Buffer }[], server: [] as { type: number; plaintext: Buffer }[] };
  const failures = { client: [] as string[], server: [] as string[] };
  const client = new TlsStream({ session, decrypt: hook(keylog, 'client', got.client, failures.client) });
  const server = new TlsStream({ session, decrypt: hook(keylog, 'server', got.server, failures.server) });
  const c = Buffer.from(f.client, 'base64');
  const s = Buffer.from(f.server, 'base64');
  // the order the bytes met on the wire, near enough: the ClientHello, the server's side, the rest of the client's
  const n = firstRecordLength(c);
  const events = [...client.push(c.subarray(0, n)), ...server.push(s), ...client.push(c.subarray(n))];
  const appData = (list: { type: number; plaintext: Buffer }[]) =>
    Buffer.concat(list.filter((p) => p.type === 23).map((p) => p.plaintext)).toString('latin1');
  return { session, got, failures, events, appData };
}

describe('real connections recorded with their key logs', () => {
  it('has the fixtures', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(12);
  });

  for (const name of FIXTURES) {
    it(`${name}: every protected record of both directions opens to what was sent`, () => {
      const f = load(name);
      const r = decryptFixture(f, KeyLog.parse(f.keylog, name));
      expect(r.failures).toEqual({ client: [], server: [] });
      expect(r.appData(r.got.client)).toBe(f.clientMessages.join(''));
      expect(r.appData(r.got.server)).toBe(f.serverMessages.join(''));
      // the handshake messages inside: the Finished each side sends (TLS 1.3: and the server's flight)
      const handshakeTypes = r.events.flatMap((e) => (e.decrypted ? (e.handshake ?? []).map((m) => m.typeName) : []));
      expect(handshakeTypes).toContain('finished');
      if (f.protocol === 'TLSv1.3') expect(handshakeTypes).toEqual(expect.arrayContaining(['encrypted_extensions', 'certificate', 'certificate_verify']));
      // the closing alert
      expect(r.events.some((e) => e.decrypted && e.alert?.name === 'close_notify')).toBe(true);
      // the CBC fixtures: encrypt_then_mac (extension 22) negotiated in the one named so, not in the others
      if (/cbc/.test(name)) expect(r.session.serverHello?.extensions.includes(22)).toBe(name.endsWith('-etm.json'));
    });
  }

  it('a key log with only the other connections: no key for this session, with the client random', () => {
    const f = load('tls13-chacha20.json');
    const r = decryptFixture(f, KeyLog.parse(load('tls13-aes128gcm.json').keylog));
    expect(r.failures.client[0]).toMatch(/^no-key [0-9a-f]{64}$/);
    expect(r.got.client).toEqual([]);
  });

  it('a wrong secret for the right client random: authentication failures, no plaintext', () => {
    for (const name of ['tls13-aes256gcm.json', 'tls12-ecdhe-rsa-chacha20.json', 'tls12-ecdhe-rsa-aes128cbc-sha-etm.json', 'tls12-rsa-aes128cbc-sha256.json']) {
      const f = load(name);
      // flip one bit of every secret
      const bad = f.keylog.replace(/ ([0-9a-f]+)$/gm, (_, s: string) => ` ${(s[0] === '0' ? '1' : '0') + s.slice(1)}`);
      const r = decryptFixture(f, KeyLog.parse(bad));
      expect(r.got).toEqual({ client: [], server: [] });
      expect(new Set([...r.failures.client, ...r.failures.server])).toEqual(new Set(['authentication']));
    }
  });

  for (const name of ['tls12-ecdhe-ecdsa-aes128gcm.json', 'tls12-ecdhe-rsa-aes128cbc-sha-etm.json', 'tls12-ecdhe-ecdsa-aes256cbc-sha384.json']) {
    for (const where of ['first', 'middle', 'last'] as const) {
      it(`${name}: a changed byte (${where} of the body) in an application record fails that record alone`, () => {
        const f = load(name);
        const s = Buffer.from(f.server, 'base64');
        const starts: number[] = [];
        for (let at = 0; at < s.length; at += 5 + s.readUInt16BE(at + 3)) starts.push(at);
        // the second application_data record ('server says hello')
        const target = starts.filter((at) => s[at] === 23)[1]!;
        const length = s.readUInt16BE(target + 3);
        s[target + 5 + (where === 'first' ? 0 : where === 'middle' ? length >> 1 : length - 1)]! ^= 0x40;
        const r = decryptFixture({ ...f, server: s.toString('base64') }, KeyLog.parse(f.keylog));
        expect(r.failures.server).toEqual(['authentication']);
        // the others still open (the state keeps its sequence number)
        expect(r.appData(r.got.server)).toBe(f.serverMessages[0]! + f.serverMessages[2]!);
      });
    }
  }
});

describe('TLS 1.2 key block', () => {
  it('PRF: the published TLS 1.2 PRF vectors (IETF TLS WG list, msg03416; the same from `openssl kdf TLS1-PRF`)', () => {
    const h = (s: string) => Buffer.from(s, 'hex');
    expect(prf12('sha256', h('9bbe436ba940f017b17652849a71db35'), 'test label', h('a0ba9f936cda311827a6f796ffd5198c'), 100).toString('hex')).toBe(
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
    );
    expect(prf12('sha384', h('b80b733d6ceefcdc71566ea48e5567df'), 'test label', h('cd665cf6a8447dd6ff8b27555edb7465'), 148).toString('hex')).toBe(
      '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f',
    );
  });

  it('PRF: the first bytes are HMAC(secret, A(1) + label + seed) (RFC 5246 §5)', async () => {
    const { createHmac } = await import('node:crypto');
    const secret = Buffer.alloc(48, 7);
    const seed = Buffer.from('seed');
    const ls = Buffer.concat([Buffer.from('test label'), seed]);
    const a1 = createHmac('sha384', secret).update(ls).digest();
    const a2 = createHmac('sha384', secret).update(a1).digest();
    const expected = Buffer.concat([createHmac('sha384', secret).update(a1).update(ls).digest(), createHmac('sha384', secret).update(a2).update(ls).digest()]);
    expect(prf12('sha384', secret, 'test label', seed, 80)).toEqual(expected.subarray(0, 80));
  });

  it('cuts the key block client key, server key, client IV, server IV', () => {
    const suite = tls12Suite(0xc02f)!;
    const kb = keyBlock12(suite, Buffer.alloc(48, 1), Buffer.alloc(32, 2), Buffer.alloc(32, 3));
    const block = prf12('sha256', Buffer.alloc(48, 1), 'key expansion', Buffer.concat([Buffer.alloc(32, 2), Buffer.alloc(32, 3)]), 40);
    expect(Buffer.concat([kb.client.key, kb.server.key, kb.client.iv, kb.server.iv])).toEqual(block);
    expect(tls12Suite(0x000a)).toBeNull(); // TLS_RSA_WITH_3DES_EDE_CBC_SHA: not supported
    const cbc = tls12Suite(0xc028)!;
    const kb2 = keyBlock12(cbc, Buffer.alloc(48, 1), Buffer.alloc(32, 2), Buffer.alloc(32, 3));
    const block2 = prf12('sha384', Buffer.alloc(48, 1), 'key expansion', Buffer.concat([Buffer.alloc(32, 2), Buffer.alloc(32, 3)]), 2 * 48 + 2 * 32 + 2 * 16);
    expect(Buffer.concat([kb2.client.macKey, kb2.server.macKey, kb2.client.key, kb2.server.key, kb2.client.iv, kb2.server.iv])).toEqual(block2);
  });

  it('a record too short for explicit nonce and tag is a failure value', () => {
    const suite = tls12Suite(0xc02b)!;
    const keys = { macKey: Buffer.alloc(0), key: Buffer.alloc(16), iv: Buffer.alloc(4) };
    expect(decryptRecord12(suite, keys, 0, { type: 23, version: 0x0303, body: Buffer.alloc(23) })).toEqual({ ok: false, reason: 'too-short' });
  });
});

describe('TLS 1.3 KeyUpdate', () => {
  // Node 20's tls has no API to send a KeyUpdate, so the records are sealed here with createCipheriv and the keys
  // of RFC 8448 §3's client_application_traffic_secret_0 and of the next generation, whose value was computed
  // independently (openssl kdf, see tls-rfc8448.test.ts).
  const suite = tls13Suite(0x1301)!;
  const C_AP = Buffer.from('9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5', 'hex');
  const C_AP_1 = Buffer.from('fcdfcc72725aaee48bf64e4fd8b749cdbdbab39d90da0b26e2245ca6ea167207', 'hex');

  function seal(secret: Buffer, seq: number, type: number, content: Buffer, padding = 0) {
    const { key, iv } = trafficKeys(suite, secret);
    const inner = Buffer.concat([content, Buffer.from([type]), Buffer.alloc(padding)]);
    const header = recordHeader(23, 0x0303, inner.length + 16);
    const c = createCipheriv('aes-128-gcm', key, recordNonce(iv, seq));
    c.setAAD(header);
    const body = Buffer.concat([c.update(inner), c.final(), c.getAuthTag()]);
    return { type: 23, version: 0x0303, body };
  }

  it('moves to the next generation after the KeyUpdate, sequence number back to 0', () => {
    expect(nextTrafficSecret(suite, C_AP)).toEqual(C_AP_1);
    const d = new Tls13Direction(suite, { application: C_AP });
    d.useApplicationKeys();
    expect(d.decrypt(seal(C_AP, 0, 23, Buffer.from('before')))).toMatchObject({ ok: true, type: 23, seq: 0 });
    // KeyUpdate (24), length 1, update_not_requested(0); padded
    expect(d.decrypt(seal(C_AP, 1, 22, Buffer.from([24, 0, 0, 1, 0]), 7))).toMatchObject({ ok: true, type: 22, seq: 1 });
    expect(d.generation).toBe(1);
    expect(d.applicationSecret).toEqual(C_AP_1);
    const after = d.decrypt(seal(C_AP_1, 0, 23, Buffer.from('after')));
    expect(after.ok && after.plaintext.toString()).toBe('after');
    // a record still under the old keys does not open any more
    expect(d.decrypt(seal(C_AP, 2, 23, Buffer.from('stale')))).toEqual({ ok: false, reason: 'authentication' });
  });

  it('an all-zero inner plaintext has no content type', () => {
    const d = new Tls13Direction(suite, { application: C_AP });
    d.useApplicationKeys();
    const { key, iv } = trafficKeys(suite, C_AP);
    const header = recordHeader(23, 0x0303, 8 + 16);
    const c = createCipheriv('aes-128-gcm', key, recordNonce(iv, 0));
    c.setAAD(header);
    const body = Buffer.concat([c.update(Buffer.alloc(8)), c.final(), c.getAuthTag()]);
    expect(d.decrypt({ type: 23, version: 0x0303, body })).toEqual({ ok: false, reason: 'no-content-type' });
  });
});

describe('key log files', () => {
  const R1 = 'a'.repeat(64);
  const R2 = 'B'.repeat(64);
  const S32 = '11'.repeat(32);
  const S48 = '22'.repeat(48);

  it('reads CRLF lines, skips comments and blanks, ignores unknown labels, counts junk with its line number', () => {
    const text = [
      '# SSL/TLS secrets log file, generated by NSS',
      '',
      `CLIENT_RANDOM ${R1} ${S48}`,
      `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${R2} ${S32}`,
      `SERVER_TRAFFIC_SECRET_0 ${R2} ${S32}`,
      `SOME_FUTURE_SECRET ${R2} ${S32}`,
      'this is not a key log line',
      `CLIENT_RANDOM ${R1.slice(2)} ${S48}`,
      `CLIENT_RANDOM ${R2} ${S32}`,
      `CLIENT_TRAFFIC_SECRET_0 ${R2} 1z${S32.slice(2)}`,
      `EXPORTER_SECRET ${R2} ${S32}`,
      '   ',
    ].join('\r\n');
    const log = KeyLog.parse(text, 'keys.log');
    expect(log.size).toBe(2);
    expect(log.files[0]).toMatchObject({ file: 'keys.log', lines: 12, secrets: 4, ignored: 1 });
    expect(log.problems.map((p) => [p.line, p.kind])).toEqual([
      [7, 'fields'],
      [8, 'client-random'],
      [9, 'secret'],
      [10, 'secret'],
    ]);
    expect(log.secret(R1, 'CLIENT_RANDOM')?.secret).toEqual(Buffer.from(S48, 'hex'));
    // upper-case hex in the file, any case or the bytes when asked
    const entry = log.get(Buffer.from(R2, 'hex'))!;
    expect(entry.CLIENT_HANDSHAKE_TRAFFIC_SECRET?.source).toEqual({ file: 'keys.log', line: 4 });
    expect(entry.SERVER_TRAFFIC_SECRET_0?.source.line).toBe(5);
    expect(entry.EXPORTER_SECRET?.secret.length).toBe(32);
    expect(log.get(R2.toLowerCase())).toBe(entry);
    expect(log.get('c'.repeat(64))).toBeUndefined();
  });

  it('merges several files, remembering where each secret came from; a conflicting repeat is a problem, an identical one is not', () => {
    const a = `CLIENT_RANDOM ${R1} ${S48}\n`;
    const b = `# second\nCLIENT_RANDOM ${R1} ${S48}\nSERVER_HANDSHAKE_TRAFFIC_SECRET ${R2} ${S32}\nCLIENT_RANDOM ${R1} ${'33'.repeat(48)}\n`;
    const log = parseKeyLogs([
      { file: 'a.log', text: a },
      { file: 'b.log', text: b },
    ]);
    expect(log.secret(R1, 'CLIENT_RANDOM')?.source).toEqual({ file: 'a.log', line: 1 });
    expect(log.secret(R2, 'SERVER_HANDSHAKE_TRAFFIC_SECRET')?.source).toEqual({ file: 'b.log', line: 3 });
    expect(log.problems).toEqual([{ file: 'b.log', line: 4, kind: 'conflict', text: `CLIENT_RANDOM ${R1}`, hidden: [96] }]);
    expect(JSON.stringify(log.problems)).not.toContain('3333');
    const merged = KeyLog.parse(a, 'a.log').merge(KeyLog.parse(`CLIENT_TRAFFIC_SECRET_0 ${R2} ${S32}`, 'c.log'));
    expect(merged.size).toBe(2);
    expect(merged.secret(R2, 'CLIENT_TRAFFIC_SECRET_0')?.source.file).toBe('c.log');
  });

  it('never throws on binary junk', () => {
    const junk = Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256)).toString('latin1');
    const log = KeyLog.parse(junk);
    expect(log.size).toBe(0);
  });
});

describe('directionKeys: why a connection cannot be decrypted', () => {
  const R = 'ab'.repeat(32);
  const ch = { legacyVersion: 0x0303, random: R, sessionId: '', cipherSuites: [0x1301], extensions: [], sni: null, alpn: null, supportedVersions: [0x0304], tls13: true, ticket: null };
  const sh = (version: number, cipherSuite: number) => ({
    legacyVersion: 0x0303,
    random: 'cd'.repeat(32),
    sessionId: '',
    cipherSuite,
    extensions: [],
    version,
    alpn: null,
    helloRetryRequest: false,
  });
  const log = KeyLog.parse(`CLIENT_HANDSHAKE_TRAFFIC_SECRET ${R} ${'11'.repeat(32)}\nSERVER_TRAFFIC_SECRET_0 ${R} ${'22'.repeat(48)}\n`, 'k.log');
  const reason = (k: DirectionKeys) => (k.ok ? 'ok' : k.reason);

  it('names what is missing', () => {
    expect(reason(directionKeys(log, { clientHello: null, serverHello: null }, 'client'))).toEqual({ why: 'no-client-hello' });
    expect(directionKeys(log, { clientHello: ch, serverHello: null }, 'client')).toMatchObject({ ok: false, final: false, reason: { why: 'no-server-hello', clientRandom: R } });
    expect(reason(directionKeys(new KeyLog(), { clientHello: ch, serverHello: sh(0x0304, 0x1301) }, 'client'))).toEqual({ why: 'no-key', clientRandom: R, resumes: null });
    expect(reason(directionKeys(log, { clientHello: ch, serverHello: sh(0x0304, 0x1304) }, 'client'))).toEqual({ why: 'suite', clientRandom: R, suite: 'TLS_AES_128_CCM_SHA256' });
    expect(reason(directionKeys(log, { clientHello: ch, serverHello: sh(0x0303, 0xc02f) }, 'client'))).toEqual({ why: 'no-secret', clientRandom: R, labels: ['CLIENT_RANDOM'] });
    expect(reason(directionKeys(log, { clientHello: ch, serverHello: sh(0x0302, 0xc013) }, 'client'))).toEqual({ why: 'version', clientRandom: R, version: 0x0302 });
    // a 48-byte secret for a SHA-256 suite: where it came from
    expect(reason(directionKeys(log, { clientHello: ch, serverHello: sh(0x0304, 0x1301) }, 'server'))).toEqual({
      why: 'secret-length',
      clientRandom: R,
      label: 'SERVER_TRAFFIC_SECRET_0',
      source: { file: 'k.log', line: 2 },
      length: 48,
      need: 32,
      suite: 'TLS_AES_128_GCM_SHA256',
    });
    const ok = directionKeys(log, { clientHello: ch, serverHello: sh(0x0304, 0x1301) }, 'client');
    expect(ok).toMatchObject({ ok: true, version: 0x0304, suite: 'TLS_AES_128_GCM_SHA256', handshake: { label: 'CLIENT_HANDSHAKE_TRAFFIC_SECRET', source: { file: 'k.log', line: 1 } }, application: null });
  });
});

describe('directionKeys: a TLS 1.2 connection that resumes a session', () => {
  const R0 = '01'.repeat(32);
  const R1 = '02'.repeat(32);
  const SID = 'aa'.repeat(32);
  const TICKET = 'bb'.repeat(80);
  const master = '33'.repeat(48);
  const hello = (random: string, sessionId: string, ticket: string | null) => ({ legacyVersion: 0x0303, random, sessionId, cipherSuites: [0xc02f], extensions: [], sni: null, alpn: null, supportedVersions: null, tls13: false, ticket });
  const server = (sessionId: string) => ({ legacyVersion: 0x0303, random: 'cd'.repeat(32), sessionId, cipherSuite: 0xc02f, extensions: [], version: 0x0303, alpn: null, helloRetryRequest: false });

  it('is opened with the master secret of the session it resumes, by ticket or by the session ID the server echoes', () => {
    const log = KeyLog.parse(`CLIENT_RANDOM ${R0} ${master}\n`, 'first.keys');
    // nothing learned yet: no key, and the diagnostic can say the connection resumes a session
    expect(directionKeys(log, { clientHello: hello(R1, SID, TICKET), serverHello: server(SID) }, 'client')).toMatchObject({ ok: false, reason: { why: 'no-key', clientRandom: R1, resumes: 'ticket' } });
    expect(directionKeys(log, { clientHello: hello(R1, SID, null), serverHello: server(SID) }, 'client')).toMatchObject({ ok: false, reason: { why: 'no-key', resumes: 'id' } });
    // a new session (the server gives another ID): nothing resumed
    expect(directionKeys(log, { clientHello: hello(R1, SID, null), serverHello: server('cc'.repeat(32)) }, 'client')).toMatchObject({ ok: false, reason: { why: 'no-key', resumes: null } });
    log.learn('ticket', TICKET, R0);
    const byTicket = directionKeys(log, { clientHello: hello(R1, SID, TICKET), serverHello: server(SID) }, 'client');
    expect(byTicket).toMatchObject({ ok: true, clientRandom: R0, resumed: true, master: { label: 'CLIENT_RANDOM', source: { file: 'first.keys', line: 1 } } });
    log.learn('id', SID, R0);
    expect(directionKeys(log, { clientHello: hello(R1, SID, null), serverHello: server(SID) }, 'client')).toMatchObject({ ok: true, clientRandom: R0, resumed: true });
    // the same session ID offered but a new one given: not resumed
    expect(directionKeys(log, { clientHello: hello(R1, SID, null), serverHello: server('cc'.repeat(32)) }, 'client')).toMatchObject({ ok: false });
    // a line of its own wins
    log.add(`CLIENT_RANDOM ${R1} ${'44'.repeat(48)}\n`, 'second.keys');
    expect(directionKeys(log, { clientHello: hello(R1, SID, TICKET), serverHello: server(SID) }, 'client')).toMatchObject({ ok: true, clientRandom: R1, resumed: false });
  });
});

describe('arbitrary bodies', () => {
  it('every suite, every body length up to 120, random bytes: a failure value, never a throw', () => {
    let x = 12345;
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 24)));
    for (const suite of TLS13_SUITES.values()) {
      const keys = trafficKeys(suite, bytes(suite.hashLength));
      for (let n = 0; n <= 120; n++) expect(decryptRecord13(suite, keys, n, { type: 23, version: 0x0303, body: bytes(n) }).ok).toBe(false);
    }
    for (const suite of TLS12_SUITES.values()) {
      const kb = keyBlock12(suite, bytes(48), bytes(32), bytes(32));
      for (let n = 0; n <= 120; n++) {
        for (const encryptThenMac of [false, true]) {
          expect(decryptRecord12(suite, kb.client, n, { type: 23, version: 0x0303, body: bytes(n) }, { encryptThenMac }).ok).toBe(false);
        }
      }
    }
  });
});
