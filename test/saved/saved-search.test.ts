import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JSDOM } from 'jsdom';
import { InvalidParameterError } from '../../src/errors.js';
import {
  FEED_ENTRIES,
  newSavedSearch,
  parseSavedSearchInput,
  savedSearchFeed,
  searchPath,
  SEEN_MAX,
  withJobMatches,
  type MatchedPassage,
} from '../../src/saved/saved-search.js';

const passage = (id: string, hash = 'h1', text = `Text of ${id}`): MatchedPassage => ({
  id,
  docId: id.replace(/-\d+$/, ''),
  position: Number(id.split('-').pop()),
  hash,
  title: `Title of ${id}`,
  publisher: 'Reuters',
  date: '2020-07-02',
  url: null,
  text,
});

const input = { name: 'Sky ECC', q: 'Sky ECC', filters: { sources: [], publishers: [], years: [], from: null, to: null } };
const t0 = new Date('2026-12-01T10:00:00Z');
const t1 = new Date('2026-12-02T10:00:00Z');
const t2 = new Date('2026-12-03T10:00:00Z');

describe('saving a search', () => {
  it('takes a name, a query and the search API’s filters', () => {
    const parsed = parseSavedSearchInput({ name: '  Sky ECC in Reuters ', q: 'Sky ECC', publisher: ['Reuters'], year: ['2021'] });
    assert.deepEqual(parsed, { name: 'Sky ECC in Reuters', q: 'Sky ECC', filters: { sources: [], publishers: ['Reuters'], years: [2021], from: null, to: null } });
  });

  for (const [body, param] of [
    [{ q: 'x' }, 'name'],
    [{ name: '', q: 'x' }, 'name'],
    [{ name: 'x'.repeat(101), q: 'x' }, 'name'],
    [{ name: 'n' }, 'q'],
    [{ name: 'n', q: 'x', year: ['soon'] }, 'year'],
    [{ name: 'n', q: 'x', colour: 'red' }, 'colour'],
    [{ name: 'n', q: 42 }, 'q'],
  ] as const) {
    it(`refuses ${JSON.stringify(body)}, naming ${param}`, () => {
      assert.throws(() => parseSavedSearchInput(body), (e: unknown) => e instanceof InvalidParameterError && e.param === param);
    });
  }

  it('links to the page that runs it', () => {
    assert.equal(searchPath({ q: 'Sky ECC', filters: { ...input.filters, publishers: ['Reuters'], years: [2021] } }), '/?q=Sky+ECC&publisher=Reuters&year=2021');
  });
});

describe('new matches after an indexing job', () => {
  it('are the matching passages the search had not seen when saved or at an earlier job', () => {
    const saved = newSavedSearch(input, [passage('a-0'), passage('a-1')], t0);
    assert.equal(saved.checkedAt, null);
    const after1 = withJobMatches(saved, [passage('b-0'), passage('a-0'), passage('a-1')], t1);
    assert.equal(after1.newCount, 1);
    assert.deepEqual(after1.newMatches.map((m) => m.id), ['b-0']);
    assert.equal(after1.newMatches[0]!.foundAt, t1.toISOString());
    assert.equal(after1.checkedAt, t1.toISOString());
    const after2 = withJobMatches(after1, [passage('b-0'), passage('a-0'), passage('a-1')], t2);
    assert.equal(after2.newCount, 0, 'nothing new the second time');
    assert.deepEqual(after2.newMatches, []);
    assert.deepEqual(after2.recent.map((m) => m.id), ['b-0'], 'the feed keeps earlier jobs’ matches');
  });

  it('counts a passage whose text changed as new', () => {
    const saved = newSavedSearch(input, [passage('a-0', 'h1')], t0);
    assert.equal(withJobMatches(saved, [passage('a-0', 'h2')], t1).newCount, 1);
  });

  it('keeps the seen set and the feed bounded', () => {
    let s = newSavedSearch(input, [], t0);
    for (let job = 0; job < 3; job++) {
      s = withJobMatches(s, Array.from({ length: 1_000 }, (_, i) => passage(`d${job}-${i}`)), new Date(t1.getTime() + job * 1000));
    }
    assert.equal(s.seen.length, SEEN_MAX);
    assert.equal(s.recent.length, FEED_ENTRIES);
    assert.equal(s.recent[0]!.id, 'd2-0', 'newest first');
  });
});

describe('the Atom feed', () => {
  it('is Atom 1.0 with one entry per new match, linked to the passage, newest first', () => {
    let s = newSavedSearch(input, [], t0);
    s = withJobMatches(s, [passage('old-0')], t1);
    s = withJobMatches(s, [passage('new-3', 'h', 'Sky ECC <script>alert(1)</script> & more')], t2);
    const xml = savedSearchFeed(s, 'http://127.0.0.1:3000');
    const doc = new new JSDOM('').window.DOMParser().parseFromString(xml, 'application/xml');
    assert.equal(doc.getElementsByTagName('parsererror').length, 0, xml);
    const feed = doc.documentElement;
    assert.equal(feed.namespaceURI, 'http://www.w3.org/2005/Atom');
    assert.equal(feed.querySelector(':scope > title')?.textContent, 'Citable: new matches for “Sky ECC”');
    const entries = Array.from(feed.getElementsByTagName('entry'));
    assert.equal(entries.length, 2);
    const first = entries[0]!;
    assert.equal(first.getElementsByTagName('title')[0]?.textContent, 'Title of new-3 (¶4)');
    assert.equal(first.getElementsByTagName('link')[0]?.getAttribute('href'), 'http://127.0.0.1:3000/documents/new#p-3');
    assert.equal(first.getElementsByTagName('updated')[0]?.textContent, t2.toISOString());
    // Atom's type="html": the summary holds HTML, in which the passage's text is escaped text.
    const summary = first.getElementsByTagName('summary')[0]!;
    const shown = new JSDOM(summary.textContent ?? '').window.document.body;
    assert.equal(shown.querySelector('script'), null, 'no markup from the passage');
    assert.ok(shown.textContent?.startsWith('Sky ECC <script>alert(1)</script> & more — Reuters, 2020-07-02'), shown.textContent ?? '');
  });
});
