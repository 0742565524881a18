import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { accessProblem, isLoopbackHost } from '../../src/server/auth/access-policy.js';
import { compileTrust } from '../../src/server/client-address.js';

describe('access settings', () => {
  it('are off by default: no proxy header, no trusted proxy, no query text in the request log', () => {
    const s = loadConfig({});
    assert.deepEqual([s.proxyAuth, s.trustProxy, s.logQueries], [null, { kind: 'off' }, false]);
  });

  it('read the single-sign-on header and its proxy addresses together', () => {
    const s = loadConfig({ AUTH_PROXY_HEADER: 'X-Forwarded-User', AUTH_PROXY_ADDRESSES: '10.0.0.5, 192.168.1.0/24' });
    assert.deepEqual(s.proxyAuth, { header: 'x-forwarded-user', addresses: ['10.0.0.5', '192.168.1.0/24'] });
  });

  it('refuse a header without addresses, addresses without a header, and headers a client controls', () => {
    assert.throws(() => loadConfig({ AUTH_PROXY_HEADER: 'X-Forwarded-User' }), /AUTH_PROXY_ADDRESSES/);
    assert.throws(() => loadConfig({ AUTH_PROXY_ADDRESSES: '10.0.0.5' }), /AUTH_PROXY_HEADER/);
    assert.throws(() => loadConfig({ AUTH_PROXY_HEADER: 'Authorization', AUTH_PROXY_ADDRESSES: '10.0.0.5' }), /AUTH_PROXY_HEADER/);
    assert.throws(() => loadConfig({ AUTH_PROXY_HEADER: 'X-User', AUTH_PROXY_ADDRESSES: 'proxy.example' }), /AUTH_PROXY_ADDRESSES/);
  });

  it('read TRUST_PROXY as a hop count or as addresses', () => {
    assert.deepEqual(loadConfig({ TRUST_PROXY: '1' }).trustProxy, { kind: 'hops', hops: 1 });
    assert.deepEqual(loadConfig({ TRUST_PROXY: 'loopback,10.0.0.0/8' }).trustProxy, { kind: 'addresses', addresses: ['loopback', '10.0.0.0/8'] });
    assert.deepEqual(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, { kind: 'off' });
    assert.throws(() => loadConfig({ TRUST_PROXY: 'yes please' }), /TRUST_PROXY/);
  });

  it('believe only the hops TRUST_PROXY names', () => {
    const byAddress = compileTrust({ kind: 'addresses', addresses: ['10.0.0.0/8'] });
    assert.equal(byAddress('10.1.2.3', 0), true);
    assert.equal(byAddress('203.0.113.9', 0), false);
    const oneHop = compileTrust({ kind: 'hops', hops: 1 });
    assert.deepEqual([oneHop('203.0.113.9', 0), oneHop('203.0.113.9', 1)], [true, false]);
    assert.equal(compileTrust({ kind: 'off' })('127.0.0.1', 0), false);
  });

  it('know loopback addresses from the others', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', 'example.org', '10.0.0.1']) assert.equal(isLoopbackHost(h), false, h);
  });

  it('refuse to listen off loopback with no access configured, naming the two ways', () => {
    const problem = accessProblem('0.0.0.0', { accounts: false, proxyAuth: false });
    assert.match(problem ?? '', /npm run users -- add/);
    assert.match(problem ?? '', /AUTH_PROXY_HEADER/);
    assert.equal(accessProblem('0.0.0.0', { accounts: true, proxyAuth: false }), null);
    assert.equal(accessProblem('0.0.0.0', { accounts: false, proxyAuth: true }), null);
    assert.equal(accessProblem('127.0.0.1', { accounts: false, proxyAuth: false }), null);
  });
});
