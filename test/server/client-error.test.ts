import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { clientErrorAnswer } from '../../src/server/client-error.js';
import { applyServerLimits, serverOptions } from '../../src/server/http-limits.js';
import { rawHttp } from '../helpers.js';

describe("answers to requests Node's parser rejects", () => {
  let server: http.Server;
  let port: number;
  before(async () => {
    server = applyServerLimits(http.createServer(serverOptions, (_req, res) => res.end('{}')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  after(() => server.close());

  it('answers a URL longer than the header limit with a JSON 414', async () => {
    const r = await rawHttp(port, `GET /api/search?q=${'a'.repeat(40_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.equal(r.status, 414);
    assert.match(r.head, /content-type: application\/json/i);
    assert.equal((JSON.parse(r.body) as { error: { code: string } }).error.code, 'uri_too_long');
  });

  it('answers a 100 KB header with a JSON 431', async () => {
    const r = await rawHttp(port, `GET /api/search?q=x HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(100_000)}\r\n\r\n`);
    assert.equal(r.status, 431);
    assert.equal((JSON.parse(r.body) as { error: { code: string } }).error.code, 'headers_too_large');
  });

  it('answers a request that is not HTTP with a JSON 400', async () => {
    const r = await rawHttp(port, 'HELLO THERE\r\n\r\n');
    assert.equal(r.status, 400);
    assert.equal((JSON.parse(r.body) as { error: { code: string } }).error.code, 'malformed_request');
  });

  it('answers a bad header line with a JSON 400', async () => {
    const r = await rawHttp(port, 'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    assert.equal(r.status, 400);
    assert.match(r.head, /content-length: \d+/i);
    assert.equal((JSON.parse(r.body) as { error: { message: string } }).error.message.length > 0, true);
  });

  it('tells a long request line from long headers by the bytes the parser saw', () => {
    const overflow = (packet: string) => clientErrorAnswer(Object.assign(new Error('overflow'), { code: 'HPE_HEADER_OVERFLOW', rawPacket: Buffer.from(packet) }))?.status;
    assert.equal(overflow(`GET /${'a'.repeat(100)}`), 414);
    assert.equal(overflow(`GET / HTTP/1.1\r\nX-Big: ${'b'.repeat(100)}`), 431);
    assert.equal(overflow('bbbbbbbb'), 431);
    assert.equal(clientErrorAnswer(Object.assign(new Error('reset'), { code: 'ECONNRESET' })), null);
  });
});
