// A TLS session between a Node TLS client and server connected back to back
// in memory (no network), for generate.mjs --wss: each side's TLS socket
// writes its records into a duplex whose other end the peer reads, and every
// chunk of records is noted, in the order written, with its direction — the
// bytes a capture of the connection would carry. The client's key log lines
// (its 'keylog' event, the NSS key log format) go to onKeylog.
//
// The TLS randomness (client and server randoms, key shares) is Node's: the
// records differ from run to run, their cleartext does not.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Duplex } from 'node:stream';
import tls from 'node:tls';

export const SNI = 'bench.wsdissect.test';
export const ALPN = 'http/1.1';

/** The versions and suites a twin can be made with: Node's options for each. */
export const TLS_SETUPS = {
  // TLS 1.3, TLS_AES_128_GCM_SHA256 only
  '1.3': { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256', expect: { version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' } },
  // TLS 1.2, ECDHE-ECDSA with AES-128-GCM (the key log's CLIENT_RANDOM line gives the master secret)
  '1.2': { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256', expect: { version: 'TLSv1.2', cipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' } },
};

/**
 * A self-signed P-256 certificate for SNI, made once with openssl under dir
 * (bench-data/, which git ignores): its key never leaves that folder.
 */
export function testCertificate(dir) {
  const cert = `${dir}/wss-bench-cert.pem`;
  const key = `${dir}/wss-bench-key.pem`;
  if (!existsSync(cert) || !existsSync(key)) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '3650', '-subj', `/CN=${SNI}`, '-addext', `subjectAltName=DNS:${SNI}`], { stdio: 'ignore' });
  }
  return { cert: readFileSync(cert), key: readFileSync(key) };
}

const tick = () => new Promise((r) => setImmediate(r));

/**
 * Connects a client and a server; resolves once both have finished the
 * handshake and the server's post-handshake messages (TLS 1.3 session
 * tickets) are on the wire. Returns:
 *   write(fromClient, bytes)  the side sends bytes (application data)
 *   close()                   each side sends its close_notify, the client first
 *   drain()                   the chunks written since the last drain(): [{ fromClient, data }]
 */
export async function tlsSession({ version, cert, key, onKeylog }) {
  const setup = TLS_SETUPS[version];
  if (!setup) throw new Error(`no TLS setup ${version}`);
  const { expect, ...options } = setup;
  const wire = [];
  const ends = {};
  const end = (fromClient) =>
    new Duplex({
      read() {},
      write(chunk, _encoding, done) {
        wire.push({ fromClient, data: chunk });
        ends[fromClient ? 'server' : 'client'].push(chunk);
        done();
      },
      final(done) {
        ends[fromClient ? 'server' : 'client'].push(null);
        done();
      },
    });
  ends.client = end(true);
  ends.server = end(false);

  const server = new tls.TLSSocket(ends.server, { isServer: true, secureContext: tls.createSecureContext({ cert, key, ...options }), ALPNProtocols: [ALPN] });
  const client = tls.connect({ socket: ends.client, servername: SNI, ca: cert, ALPNProtocols: [ALPN], ...options });
  client.on('keylog', onKeylog);
  // what each side receives is read and dropped
  server.on('data', () => {});
  client.on('data', () => {});
  const failed = new Promise((_, reject) => {
    server.on('error', reject);
    client.on('error', reject);
  });
  await Promise.race([Promise.all([new Promise((r) => server.once('secure', r)), new Promise((r) => client.once('secureConnect', r))]), failed]);
  const got = { version: client.getProtocol(), cipher: client.getCipher().standardName };
  if (got.version !== expect.version || got.cipher !== expect.cipher) throw new Error(`TLS agreed on ${JSON.stringify(got)}, not ${JSON.stringify(expect)}`);
  // the server's session tickets follow the client's Finished
  await settle();

  async function settle() {
    let seen = -1;
    for (let quiet = 0; quiet < 3; ) {
      await tick();
      if (wire.length === seen) quiet++;
      else quiet = 0;
      seen = wire.length;
    }
  }

  return {
    async write(fromClient, bytes) {
      const socket = fromClient ? client : server;
      await Promise.race([new Promise((r) => socket.write(bytes, r)), failed]);
      await tick();
    },
    async close() {
      // each side's close_notify read by the other ('end'); the server answers the client's with its own
      const serverRead = new Promise((r) => server.once('end', r));
      const clientRead = new Promise((r) => client.once('end', r));
      client.end();
      await Promise.race([serverRead, failed]);
      server.end();
      await Promise.race([clientRead, failed]);
      await settle();
    },
    drain: () => wire.splice(0),
  };
}
