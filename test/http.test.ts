import { describe, expect, it } from 'vitest';
import { findHeadEnd, parseHead, parseRequestLine, parseStatusLine, headerTokens } from '../src/http/head.js';
import { HttpReader } from '../src/http/reader.js';
import { acceptSha1Hex, checkRequest, checkResponse, computeAccept, describeHandshake, isUpgradeAttempt, parseExtensions } from '../src/http/handshake.js';
import type { HttpRequest, HttpResponse } from '../src/model.js';
import { RFC_ACCEPT, RFC_KEY, upgradeRequest, upgradeResponse } from './support/pcap.js';

function request(text: string): HttpRequest {
  const head = parseHead(Buffer.from(text, 'latin1'));
  const line = parseRequestLine(head.startLine)!;
  return { packet: 4, ...line, headers: head.headers };
}

function response(text: string): HttpResponse {
  const head = parseHead(Buffer.from(text, 'latin1'));
  const line = parseStatusLine(head.startLine)!;
  return { packet: 6, ...line, headers: head.headers };
}

describe('the Sec-WebSocket-Accept computation', () => {
  it('gives the RFC 6455 §1.3 example value', () => {
    expect(computeAccept(RFC_KEY)).toBe(RFC_ACCEPT);
    expect(acceptSha1Hex(RFC_KEY)).toBe('b37a4f2cc0624f1690f64606cf385945b2bec4ea');
  });
});

describe('HTTP heads', () => {
  it('finds the end of a head, also when the search resumes inside the blank line', () => {
    const b = Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\nrest');
    expect(findHeadEnd(b)).toBe(27);
    expect(findHeadEnd(b, 25)).toBe(27);
    expect(findHeadEnd(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n'))).toBe(-1);
  });

  it('keeps header order and case, joins folded lines and splits token lists', () => {
    const h = parseHead(Buffer.from('GET /x HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n two\r\nConnection: keep-alive, Upgrade\r\n\r\n'));
    expect(h.headers).toEqual([
      ['Host', 'a'],
      ['X-Long', 'one two'],
      ['Connection', 'keep-alive, Upgrade'],
    ]);
    expect(headerTokens(h.headers, 'connection')).toEqual(['keep-alive', 'Upgrade']);
  });

  it('parses request and status lines and refuses others', () => {
    expect(parseRequestLine('GET /chat?room=1 HTTP/1.1')).toEqual({ method: 'GET', target: '/chat?room=1', version: 'HTTP/1.1' });
    expect(parseStatusLine('HTTP/1.1 101 Switching Protocols')).toEqual({ version: 'HTTP/1.1', status: 101, reason: 'Switching Protocols' });
    expect(parseStatusLine('HTTP/1.1 204')).toEqual({ version: 'HTTP/1.1', status: 204, reason: '' });
    // a status code is 100-999: three digits starting with 0 are not one (and the export's schema says so)
    expect(parseStatusLine('HTTP/1.1 001 Odd')).toBeNull();
    expect(parseStatusLine('HTTP/1.1 999 Odd')).toEqual({ version: 'HTTP/1.1', status: 999, reason: 'Odd' });
    expect(parseRequestLine('\x16\x03\x01 hello')).toBeNull();
  });
});

describe('HTTP reader', () => {
  const text = `${upgradeRequest()}\x81\x05Hello`;

  it('gives the same head and the same rest whatever the split', () => {
    const bytes = Buffer.from(text, 'latin1');
    for (let cut = 1; cut < bytes.length; cut++) {
      const r = new HttpReader('request');
      const first = r.push(bytes.subarray(0, cut), 1, 0);
      const second = first.head ? null : r.push(bytes.subarray(cut), 2, 0);
      const done = first.head ? first : second!;
      const rest = first.head ? Buffer.concat([first.rest, bytes.subarray(cut)]) : done.rest;
      expect(done.head?.head.startLine).toBe('GET /chat HTTP/1.1');
      expect(done.head?.packets).toEqual(cut < bytes.length - 7 ? [1, 2] : [1]);
      expect(rest.toString('latin1')).toBe('\x81\x05Hello');
    }
  });

  it('says when a stream is not HTTP', () => {
    expect(new HttpReader('request').push(Buffer.from([0x16, 0x03, 0x01, 0x00]), 1, 0).notHttp).toBe(true);
    expect(new HttpReader('response').push(Buffer.from('SSH-2.0-OpenSSH'), 1, 0).notHttp).toBe(true);
  });

  it('skips bodies by Content-Length and by chunked encoding', () => {
    const r = new HttpReader('response');
    const first = r.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'), 1, 0);
    r.setBody(first.head!.head, { status: 200 });
    const second = r.push(first.rest, 1, 0);
    expect(second.head?.head.startLine).toBe('HTTP/1.1 200 OK');
    r.setBody(second.head!.head, { status: 200 });
    const third = r.push(Buffer.from('3\r\nabc\r\n0\r\n\r\nHTTP/1.1 101 Switching Protocols\r\n\r\n'), 2, 0);
    expect(third.head?.head.startLine).toBe('HTTP/1.1 101 Switching Protocols');
  });

  it('gives up on a head that passes the size limit', () => {
    const r = new HttpReader('request', 64);
    expect(r.push(Buffer.from(`GET / HTTP/1.1\r\nX: ${'a'.repeat(100)}`), 1, 0).tooLarge).toBe(true);
  });
});

describe('extension negotiation headers', () => {
  it('parses offers with parameters, values and quotes', () => {
    expect(parseExtensions(['permessage-deflate; client_max_window_bits, permessage-deflate; server_max_window_bits="10"', 'x-webkit-deflate-frame'])).toEqual([
      { name: 'permessage-deflate', params: { client_max_window_bits: true } },
      { name: 'permessage-deflate', params: { server_max_window_bits: '10' } },
      { name: 'x-webkit-deflate-frame', params: {} },
    ]);
  });
});

describe('opening handshake rules', () => {
  it('finds nothing wrong with the RFC 6455 §1.3 example', () => {
    const req = request(upgradeRequest(['Sec-WebSocket-Protocol: chat, superchat']));
    const res = response(upgradeResponse(['Sec-WebSocket-Protocol: chat']));
    expect(checkRequest(req)).toEqual([]);
    expect(checkResponse(req, res)).toEqual([]);
    expect(describeHandshake(req, res)).toMatchObject({ key: RFC_KEY, accept: RFC_ACCEPT, expectedAccept: RFC_ACCEPT, acceptValid: true, subprotocol: 'chat', offeredSubprotocols: ['chat', 'superchat'], outcome: 'upgraded' });
  });

  it.each<[string, string, string[]]>([
    ['handshake.method', upgradeRequest([], { method: 'POST' }), ['POST', 'GET']],
    ['handshake.http-version', upgradeRequest([], { version: 'HTTP/1.0' }), ['HTTP/1.0']],
    ['handshake.host-missing', upgradeRequest([], { omit: ['Host'] }), ['Host']],
    ['handshake.upgrade-header', upgradeRequest([], { omit: ['Upgrade'] }), ['Upgrade']],
    ['handshake.connection-header', upgradeRequest(['Connection: keep-alive'], { omit: ['Connection'] }), ['keep-alive']],
    ['handshake.key-invalid', upgradeRequest([], { omit: ['Sec-WebSocket-Key'] }), ['no Sec-WebSocket-Key']],
    ['handshake.key-invalid', upgradeRequest(['Sec-WebSocket-Key: c3VyaWNhdGEtdGVzdC1rZXkh'], { omit: ['Sec-WebSocket-Key'] }), ['decodes to 18']],
    ['handshake.key-invalid', upgradeRequest([`Sec-WebSocket-Key: ${RFC_KEY}`]), ['2 Sec-WebSocket-Key']],
    ['handshake.version', upgradeRequest(['Sec-WebSocket-Version: 8'], { omit: ['Sec-WebSocket-Version'] }), ['"8"']],
  ])('request rule %s', (code, text, words) => {
    const found = checkRequest(request(text));
    expect(found.map((d) => d.code)).toEqual([code]);
    for (const w of words) expect(found[0]!.message).toContain(w);
    expect(found[0]).toMatchObject({ packet: 4, from: 'client', severity: 'error' });
    expect(found[0]!.rfc).toMatch(/^RFC 6455 §4/);
  });

  it('accepts token lists in any case', () => {
    const req = request(upgradeRequest(['upgrade: WebSocket', 'connection: keep-alive, UPGRADE'], { omit: ['Upgrade', 'Connection'] }));
    expect(checkRequest(req)).toEqual([]);
  });

  it.each<[string, string, string, string[]]>([
    ['handshake.accept-mismatch', upgradeRequest(), upgradeResponse([], { accept: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }), ['AAAA', RFC_ACCEPT]],
    ['handshake.accept-missing', upgradeRequest(), upgradeResponse([], { accept: null }), ['no Sec-WebSocket-Accept']],
    ['handshake.upgrade-header', upgradeRequest(), upgradeResponse(['Upgrade: websockets'], { omit: ['Upgrade'] }), ['websockets']],
    ['handshake.connection-header', upgradeRequest(), upgradeResponse([], { omit: ['Connection'] }), ['Connection']],
    ['handshake.subprotocol-not-offered', upgradeRequest(['Sec-WebSocket-Protocol: chat']), upgradeResponse(['Sec-WebSocket-Protocol: mqtt']), ['mqtt', 'chat']],
    ['handshake.extension-not-offered', upgradeRequest(), upgradeResponse(['Sec-WebSocket-Extensions: permessage-deflate']), ['permessage-deflate']],
    ['handshake.rejected', upgradeRequest(), 'HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n', ['403 Forbidden']],
  ])('response rule %s', (code, req, res, words) => {
    const found = checkResponse(request(req), response(res));
    expect(found.map((d) => d.code)).toEqual([code]);
    for (const w of words) expect(found[0]!.message).toContain(w);
    expect(found[0]).toMatchObject({ packet: 6, from: 'server' });
  });

  it('tells an upgrade attempt from a plain request', () => {
    expect(isUpgradeAttempt(request(upgradeRequest()))).toBe(true);
    expect(isUpgradeAttempt(request('GET /info HTTP/1.1\r\nHost: a\r\n\r\n'))).toBe(false);
    expect(isUpgradeAttempt(request('GET / HTTP/1.1\r\nUpgrade: h2c\r\n\r\n'))).toBe(false);
  });
});
