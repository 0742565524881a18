import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SESSION_IDLE_MS, SESSION_LIFETIME_MS, SessionStore } from '../../src/server/auth/sessions.js';

describe('page sessions', () => {
  it('find a live session by its id, and never by another', () => {
    const store = new SessionStore();
    const { id } = store.create('ada');
    assert.equal(store.get(id)?.account, 'ada');
    assert.equal(store.get(`${id}x`), undefined);
  });

  it('end after the idle time without requests', () => {
    let now = 0;
    const store = new SessionStore(() => now);
    const { id } = store.create('ada');
    now = SESSION_IDLE_MS - 1;
    assert.ok(store.get(id), 'still alive just before the idle limit');
    now += SESSION_IDLE_MS + 1;
    assert.equal(store.get(id), undefined);
  });

  it('end at their lifetime even when used all along', () => {
    let now = 0;
    const store = new SessionStore(() => now);
    const { id, maxAgeSeconds } = store.create('ada');
    assert.equal(maxAgeSeconds * 1000, SESSION_LIFETIME_MS);
    for (now = 0; now <= SESSION_LIFETIME_MS; now += SESSION_IDLE_MS / 2) assert.ok(store.get(id), `alive at ${now}`);
    now = SESSION_LIFETIME_MS + 1;
    assert.equal(store.get(id), undefined);
  });

  it('end when destroyed (sign-out)', () => {
    const store = new SessionStore();
    const { id } = store.create('ada');
    store.destroy(id);
    assert.equal(store.get(id), undefined);
  });
});
