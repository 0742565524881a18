import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RankedCache } from '../../src/search/ranked-cache.js';

describe('the ranked-list cache', () => {
  it('drops the oldest lists when their memory would pass the bound', () => {
    const cache = new RankedCache<string>(100);
    cache.set('a', 'A', 40);
    cache.set('b', 'B', 40);
    cache.set('c', 'C', 40);
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.get('b'), 'B');
    assert.equal(cache.get('c'), 'C');
    assert.equal(cache.bytes, 80);
  });
  it('counts a list kept again under the same key once', () => {
    const cache = new RankedCache<string>(100);
    cache.set('a', 'A', 60);
    cache.set('a', 'A2', 70);
    assert.equal(cache.get('a'), 'A2');
    assert.equal(cache.bytes, 70);
  });
  it('does not keep a list larger than the whole cache', () => {
    const cache = new RankedCache<string>(100);
    cache.set('a', 'A', 10);
    cache.set('huge', 'H', 101);
    assert.equal(cache.get('huge'), undefined);
    assert.equal(cache.get('a'), 'A');
  });
});
