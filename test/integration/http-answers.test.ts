import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/log.js';
import { SearchBackend } from '../../src/search/backend.js';
import { createApp } from '../../src/server/app.js';
import { rawHttp, testMeili, uniqueIndex } from '../helpers.js';

interface Answer {
  status: number;
  headers: Headers;
  body: { error?: { code: string; message: string; param?: string } };
}

describe('every answer is JSON, even for requests the HTTP parser rejects', { timeout: 60_000 }, () => {
  const { url } = testMeili();
  let server: Server;
  let base: string;
  let port: number;
  let backend: SearchBackend;

  before(async () => {
    // No request in this file reaches Meilisearch: each is refused before its route runs.
    backend = new SearchBackend(() => ({ url, key: 'unused', index: uniqueIndex('never') }), { synonyms: {} });
    const app = createApp({ search: backend, readiness: async () => ({ ready: true, passages: 1 }), logger: createLogger('silent') });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    port = (server.address() as net.AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    server.close();
    await backend.close();
  });

  async function call(path: string, init: RequestInit = {}): Promise<Answer> {
    const res = await fetch(`${base}${path}`, init);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `${init.method ?? 'GET'} ${path.slice(0, 60)} answers JSON`);
    return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
  }

  it('answers a 20 KB query string with a JSON 414', async () => {
    const r = await call(`/api/search?q=${'a'.repeat(20 * 1024)}`);
    assert.equal(r.status, 414);
    assert.equal(r.body.error?.code, 'uri_too_long');
  });

  it('answers a 100 KB header with a JSON 431', async () => {
    const r = await rawHttp(port, `GET /api/search?q=police HTTP/1.1\r\nHost: x\r\nX-Padding: ${'p'.repeat(100 * 1024)}\r\n\r\n`);
    assert.equal(r.status, 431);
    assert.match(r.head, /content-type: application\/json/i);
    assert.equal((JSON.parse(r.body) as Answer['body']).error?.code, 'headers_too_large');
  });

  it('answers a request line longer than the header limit with a JSON 414, not 431', async () => {
    const r = await rawHttp(port, `GET /api/search?q=${'a'.repeat(64 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.equal(r.status, 414);
    assert.equal((JSON.parse(r.body) as Answer['body']).error?.code, 'uri_too_long');
  });

  it('answers bytes that are not HTTP with a JSON 400', async () => {
    const r = await rawHttp(port, 'GET /api/search HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n');
    assert.equal(r.status, 400);
    assert.equal((JSON.parse(r.body) as Answer['body']).error?.code, 'malformed_request');
  });

  it('answers malformed percent-encoding with a 400 naming the parameter', async () => {
    for (const [path, param] of [
      ['/api/search?q=%E0%A4%A', 'q'],
      ['/api/search?q=police&publisher=%', 'publisher'],
      ['/api/search?q=%E0%A4', 'q'],
      ['/api/suggest?q=%ZZ', 'q'],
    ] as const) {
      const r = await call(path);
      assert.equal(r.status, 400, path);
      assert.equal(r.body.error?.code, 'invalid_parameter', path);
      assert.equal(r.body.error?.param, param, path);
    }
  });

  it('answers other methods on API routes with a JSON 405 and Allow', async () => {
    for (const [method, path, allow] of [
      ['POST', '/api/search?q=x', 'GET, HEAD'],
      ['DELETE', '/api/documents/002_b09c8a4e056d45ba', 'GET, HEAD'],
      ['PUT', '/api/suggest?q=x', 'GET, HEAD'],
      ['PATCH', '/api/openapi.json', 'GET, HEAD'],
      ['PUT', '/api/session', 'GET, POST, DELETE, HEAD'],
      ['POST', '/healthz', 'GET, HEAD'],
    ] as const) {
      const r = await call(path, { method });
      assert.equal(r.status, 405, `${method} ${path}`);
      assert.equal(r.body.error?.code, 'method_not_allowed');
      assert.equal(r.headers.get('allow'), allow, `${method} ${path}`);
    }
  });

  it('still answers 404 for a path no method serves', async () => {
    const r = await call('/api/nothing-here', { method: 'POST' });
    assert.equal(r.status, 404);
  });
});
