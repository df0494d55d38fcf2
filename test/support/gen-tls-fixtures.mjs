// Records real TLS connections for the decryption tests: a Node `tls` client
// and server on localhost, a TCP relay between them that keeps every byte of
// both directions, and the client's key log (the 'keylog' event, NSS format).
// One JSON fixture per cipher suite under test/fixtures/tls/:
//   { suite, protocol, keylog, client, server, clientMessages, serverMessages }
// client / server: the whole byte stream of that direction, base64. The tests
// split it into records and decrypt them to the messages sent.
// Run: node test/support/gen-tls-fixtures.mjs [name…]   (needs openssl for the
// certificates; with names, only those fixtures are recorded again)
import { execFileSync } from 'node:child_process';
import { constants } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';

const OUT = new URL('../fixtures/tls/', import.meta.url);

function selfSigned(kind) {
  const dir = mkdtempSync(join(tmpdir(), 'wsd-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const newkey = kind === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  execFileSync('openssl', ['req', '-x509', ...newkey, '-nodes', '-days', '2', '-subj', '/CN=wsd.test', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const out = { key: readFileSync(key), cert: readFileSync(cert) };
  rmSync(dir, { recursive: true });
  return out;
}

const CASES = [
  { file: 'tls13-aes128gcm', cert: 'ec', opts: { minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' } },
  { file: 'tls13-aes256gcm', cert: 'ec', opts: { minVersion: 'TLSv1.3', ciphers: 'TLS_AES_256_GCM_SHA384' } },
  { file: 'tls13-chacha20', cert: 'ec', opts: { minVersion: 'TLSv1.3', ciphers: 'TLS_CHACHA20_POLY1305_SHA256' } },
  { file: 'tls12-ecdhe-ecdsa-aes128gcm', cert: 'ec', opts: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' } },
  { file: 'tls12-ecdhe-ecdsa-aes256gcm', cert: 'ec', opts: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' } },
  { file: 'tls12-ecdhe-ecdsa-chacha20', cert: 'ec', opts: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305' } },
  { file: 'tls12-ecdhe-rsa-aes128gcm', cert: 'rsa', opts: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' } },
  { file: 'tls12-ecdhe-rsa-chacha20', cert: 'rsa', opts: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' } },
  { file: 'tls12-rsa-aes256gcm', cert: 'rsa', opts: { maxVersion: 'TLSv1.2', ciphers: 'AES256-GCM-SHA384' } },
  // CBC with HMAC: OpenSSL negotiates encrypt_then_mac (RFC 7366) unless told not to
  { file: 'tls12-ecdhe-rsa-aes128cbc-sha-etm', cert: 'rsa', opts: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA' } },
  { file: 'tls12-ecdhe-ecdsa-aes256cbc-sha384', cert: 'ec', opts: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES256-SHA384', secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC } },
  { file: 'tls12-rsa-aes128cbc-sha256', cert: 'rsa', opts: { maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA256', secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC } },
];

const CLIENT_MESSAGES = ['GET /chat HTTP/1.1\r\nHost: wsd.test\r\n\r\n', 'second message from the client', 'x'.repeat(300)];
// the last one is larger than a record (2^14) and is split
const SERVER_MESSAGES = ['HTTP/1.1 101 Switching Protocols\r\n\r\n', 'server says hello', 'S'.repeat(17000)];

function once(emitter, event) {
  return new Promise((resolve, reject) => {
    emitter.once(event, resolve);
    emitter.once('error', reject);
  });
}

async function record(c, certs) {
  const { key, cert } = certs[c.cert];
  const keylog = [];
  const streams = { client: [], server: [] };
  const server = tls.createServer({ key, cert, ...c.opts });
  let serverSide;
  server.on('secureConnection', (s) => {
    serverSide = s;
    let got = '';
    s.on('data', (d) => {
      got += d.toString('latin1');
      // answer each client message once it has fully arrived, one write each
      const want = CLIENT_MESSAGES.slice(0, SERVER_MESSAGES.length).map((m, i) => CLIENT_MESSAGES.slice(0, i + 1).join(''));
      for (let i = 0; i < want.length; i++) if (got === want[i]) s.write(SERVER_MESSAGES[i]);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const relay = net.createServer((inbound) => {
    const outbound = net.connect(server.address().port, '127.0.0.1');
    inbound.on('data', (d) => {
      streams.client.push(Buffer.from(d));
      outbound.write(d);
    });
    outbound.on('data', (d) => {
      streams.server.push(Buffer.from(d));
      inbound.write(d);
    });
    inbound.on('end', () => outbound.end());
    outbound.on('end', () => inbound.end());
  });
  relay.listen(0, '127.0.0.1');
  await once(relay, 'listening');
  const client = tls.connect({ port: relay.address().port, host: '127.0.0.1', servername: 'wsd.test', rejectUnauthorized: false, ...c.opts });
  client.on('keylog', (line) => keylog.push(line.toString('latin1').trimEnd()));
  await once(client, 'secureConnect');
  const suite = client.getCipher();
  const protocol = client.getProtocol();
  let received = '';
  const all = SERVER_MESSAGES.join('');
  const done = new Promise((resolve) =>
    client.on('data', (d) => {
      received += d.toString('latin1');
      if (received.length === all.length) resolve();
    }),
  );
  for (const m of CLIENT_MESSAGES) {
    client.write(m);
    // each write its own record: wait for it to leave before the next
    await new Promise((r) => setTimeout(r, 50));
  }
  await done;
  client.end();
  await once(client, 'close');
  serverSide?.destroy();
  await new Promise((r) => setTimeout(r, 50));
  server.close();
  relay.close();
  return {
    suite: suite.standardName,
    protocol,
    keylog: keylog.join('\n') + '\n',
    client: Buffer.concat(streams.client).toString('base64'),
    server: Buffer.concat(streams.server).toString('base64'),
    clientMessages: CLIENT_MESSAGES,
    serverMessages: SERVER_MESSAGES,
  };
}

const certs = { ec: selfSigned('ec'), rsa: selfSigned('rsa') };
const only = process.argv.slice(2);
for (const c of CASES.filter((x) => only.length === 0 || only.includes(x.file))) {
  const out = await record(c, certs);
  writeFileSync(new URL(`${c.file}.json`, OUT), JSON.stringify(out, null, 1) + '\n');
  console.log(c.file, out.protocol, out.suite, `client ${Buffer.from(out.client, 'base64').length} bytes, server ${Buffer.from(out.server, 'base64').length} bytes`);
}
