import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashSecret, newToken, parseToken, UNMATCHABLE_HASH, verifySecret } from '../../src/accounts/secrets.js';

describe('stored secrets', () => {
  it('verifies the secret a hash was made from, and nothing else', async () => {
    const stored = await hashSecret('correct horse battery staple');
    assert.equal(await verifySecret('correct horse battery staple', stored), true);
    assert.equal(await verifySecret('correct horse battery stapler', stored), false);
  });

  it('salts each hash, so one secret hashed twice gives two hashes', async () => {
    const [a, b] = await Promise.all([hashSecret('same secret'), hashSecret('same secret')]);
    assert.notEqual(a, b);
    assert.match(a, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  });

  it('verifies a hash made with other scrypt parameters, read from the hash itself', async () => {
    const stored = await hashSecret('older secret', { N: 2 ** 10, r: 8, p: 1 });
    assert.match(stored, /^scrypt\$1024\$/);
    assert.equal(await verifySecret('older secret', stored), true);
  });

  it('treats a malformed hash as no match instead of throwing', async () => {
    for (const bad of ['', 'plain', 'scrypt$x$8$1$c2FsdA$aGFzaA', 'bcrypt$1$2$3$4$5', 'scrypt$1024$8$1$c2FsdA$c2hvcnQ']) {
      assert.equal(await verifySecret('anything', bad), false, bad);
    }
  });

  it('matches nothing with the stand-in hash for unknown accounts', async () => {
    assert.equal(await verifySecret('', UNMATCHABLE_HASH), false);
  });

  it('reads back the id and secret of a new token, and rejects altered tokens', () => {
    const t = newToken();
    assert.deepEqual(parseToken(t.token), { id: t.id, secret: t.secret });
    assert.equal(parseToken(t.token.slice(0, -1)), null);
    assert.equal(parseToken(`x${t.token}`), null);
    assert.equal(parseToken(t.token.replace('ctk_', 'ctk-')), null);
  });
});
