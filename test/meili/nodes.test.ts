import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseNodes } from '../../src/config.js';
import { federatedSearch } from '../../src/meili/federation.js';
import { nodeFor } from '../../src/meili/nodes.js';

const named = (...names: string[]) => names.map((name) => ({ name }));

describe('MEILI_NODES', () => {
  it('reads URLs with their own key or the shared one, named by host and port', () => {
    const { nodes, problems } = parseNodes('http://meili-1:7700 k1, http://meili-2:7700/ ,https://search.example.org', 'shared');
    assert.deepEqual(problems, []);
    assert.deepEqual(nodes, [
      { name: 'meili-1-7700', url: 'http://meili-1:7700', key: 'k1' },
      { name: 'meili-2-7700', url: 'http://meili-2:7700', key: 'shared' },
      { name: 'search-example-org-443', url: 'https://search.example.org', key: 'shared' },
    ]);
  });

  it('names every problem', () => {
    const { problems } = parseNodes('ftp://x:1 k, not-a-url, http://a:1 k, http://a:1 k, http://b:2', null);
    assert.equal(problems.length, 4, problems.join('\n'));
    assert.match(problems.join('\n'), /ftp:\/\/x:1.*http\(s\)/);
    assert.match(problems.join('\n'), /not-a-url/);
    assert.match(problems.join('\n'), /http:\/\/a:1 is listed twice/);
    assert.match(problems.join('\n'), /http:\/\/b:2 has no key/);
    assert.deepEqual(parseNodes(' , ', 'k').problems, ['lists no node']);
  });
});

describe('rendezvous routing', () => {
  const docs = Array.from({ length: 3_000 }, (_, i) => `doc-${i}`);

  it('spreads documents evenly and does not depend on the order of the list', () => {
    const nodes = named('a-7700', 'b-7700', 'c-7700');
    const counts = new Map<string, number>();
    for (const d of docs) {
      const n = nodeFor(d, nodes).name;
      counts.set(n, (counts.get(n) ?? 0) + 1);
      assert.equal(nodeFor(d, [...nodes].reverse()).name, n);
    }
    // 1,000 each expected; a binomial spread stays well within ±15%.
    for (const c of counts.values()) assert.ok(c > 850 && c < 1150, `${[...counts]}`);
  });

  it('moves only the documents a new node takes, and only a removed node’s documents', () => {
    const three = named('a-7700', 'b-7700', 'c-7700');
    const four = [...three, { name: 'd-7700' }];
    let moved = 0;
    for (const d of docs) {
      const before = nodeFor(d, three).name;
      const after = nodeFor(d, four).name;
      if (before !== after) {
        assert.equal(after, 'd-7700');
        moved++;
      }
      // Without b, b's documents go elsewhere and nobody else's move.
      const withoutB = nodeFor(d, three.filter((n) => n.name !== 'b-7700')).name;
      if (before !== 'b-7700') assert.equal(withoutB, before);
    }
    assert.ok(moved > 600 && moved < 900, `${moved} of 3000 moved to the fourth node`);
  });
});

describe('a federated search', () => {
  it('pages by page and hitsPerPage as one index does: the same slice of the merged list', () => {
    const { federation, queries } = federatedSearch('passages', { q: 'x', page: 3, hitsPerPage: 20, sort: ['timestamp:desc'] }, ['a', 'b']);
    assert.equal(federation.offset, 40);
    assert.equal(federation.limit, 20);
    for (const q of queries) {
      assert.equal('page' in q || 'hitsPerPage' in q, false, 'paging belongs to the federation');
      assert.deepEqual((q as Record<string, unknown>).sort, ['timestamp:desc']);
    }
    assert.deepEqual(federatedSearch('passages', { q: '', page: 1, hitsPerPage: 0 }, ['a']).federation, { limit: 0, offset: 0 });
    assert.deepEqual(federatedSearch('passages', { q: '', offset: 10, limit: 5 }, ['a']).federation, { limit: 5, offset: 10 });
  });
});
