import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeQuery, QUERY_TERMS_MAX, QUERY_TERMS_READ, rarestTerms } from '../../src/search/analyze.js';
import { queryLanguage } from '../../src/search/query-language.js';

describe('the language of a query', () => {
  const mixed = { en: 500, nl: 40, fr: 30, es: 10 };
  it('is the collection’s only language, whatever the words', () => {
    assert.equal(queryLanguage('papers on shock-sound wave interaction', { en: 1400 }), 'en');
    assert.equal(queryLanguage('wanneer werd het netwerk ontmanteld', { en: 1400 }), 'en');
  });
  it('is told by function words only one of the collection’s languages uses', () => {
    assert.equal(queryLanguage('Wanneer werd het netwerk van Ennetcom door de politie ontmanteld?', mixed), 'nl');
    assert.equal(queryLanguage('Quand la police a-t-elle démantelé le réseau EncroChat ?', mixed), 'fr');
    assert.equal(queryLanguage('¿Cuántos teléfonos de la red EncroChat fueron intervenidos por la policía?', mixed), 'es');
    assert.equal(queryLanguage('When did the police take down the Ennetcom network?', mixed), 'en');
  });
  it('falls back to the collection’s most common language without any function word', () => {
    assert.equal(queryLanguage('Ennetcom EncroChat Sky ECC', mixed), 'en');
    assert.equal(queryLanguage('Ennetcom EncroChat Sky ECC', { en: 3, nl: 9 }), 'nl');
  });
  it('is null for a collection that states no language', () => {
    assert.equal(queryLanguage('anything at all', {}), null);
  });
});

describe('query analysis in a language', () => {
  it('drops that language’s stop words and stems by its rules', () => {
    const nl = analyzeQuery('Hoeveel telefoons van de criminelen werden er ontsleuteld', 'nl');
    assert.deepEqual(nl.words, ['hoeveel', 'telefoons', 'criminelen', 'werden', 'ontsleuteld']);
    assert.deepEqual(nl.terms, ['hoevel', 'telefon', 'criminel', 'werd', 'ontsleuteld']);
    const fr = analyzeQuery('Combien de téléphones chiffrés les enquêteurs ont-ils saisis', 'fr');
    assert.ok(!fr.words.includes('les') && !fr.words.includes('de'));
    assert.ok(fr.terms.includes('téléphon'));
  });
  it(`keeps at most ${QUERY_TERMS_READ} distinct terms, the first in query order`, () => {
    const many = Array.from({ length: QUERY_TERMS_READ + 20 }, (_, i) => `word${i.toString(36)}x`);
    const a = analyzeQuery(`${many.join(' ')} ${many.slice(0, 5).join(' ')}`);
    assert.equal(a.terms.length, QUERY_TERMS_READ);
    assert.deepEqual(a.words, many.slice(0, QUERY_TERMS_READ));
  });
});

describe('a query longer than a person types', () => {
  const filler = Array.from({ length: QUERY_TERMS_MAX }, (_, i) => `filler${i.toString(36)}x`).join(' ');
  it('reads its quotation marks and dashes as text, not as phrases and exclusions', () => {
    const a = analyzeQuery(`${filler} the minister said "we will not resign" and -nothing more`);
    assert.deepEqual(a.phrases, []);
    assert.deepEqual(a.negated, []);
    for (const w of ['resign', 'nothing']) assert.ok(a.words.includes(w), w);
  });
  it('keeps them as operators in a query a person types', () => {
    const a = analyzeQuery('the minister said "we will not resign" and -nothing more');
    assert.deepEqual(a.phrases, ['we will not resign']);
    assert.deepEqual(a.negated, ['nothing']);
    assert.ok(!a.words.includes('resign'));
  });
});

describe('the terms a long query is ranked with', () => {
  // Word i is held by 1,000 - i documents: the later a word, the rarer.
  const many = Array.from({ length: 50 }, (_, i) => `word${i.toString(36)}x`);
  const a = analyzeQuery(many.join(' '));
  const holding = new Map(a.terms.map((t, i) => [t, 1000 - i]));

  it(`are all of them up to ${QUERY_TERMS_MAX}`, () => {
    const short = analyzeQuery(many.slice(0, QUERY_TERMS_MAX).join(' '));
    assert.equal(rarestTerms(short, () => 1), short);
  });
  it(`are the ${QUERY_TERMS_MAX} rarest past that, kept in query order with their words`, () => {
    const kept = rarestTerms(a, (t) => holding.get(t));
    assert.equal(kept.terms.length, QUERY_TERMS_MAX);
    assert.deepEqual(kept.terms, a.terms.slice(-QUERY_TERMS_MAX));
    assert.deepEqual(kept.words, many.slice(-QUERY_TERMS_MAX));
    assert.ok(kept.long);
  });
  it('put terms the collection does not hold last, and equal rarity in query order', () => {
    // The first ten are unheld; all others are equally common: the first 32 of the others are kept.
    const kept = rarestTerms(a, (t) => (a.terms.indexOf(t) < 10 ? undefined : 7));
    assert.deepEqual(kept.terms, a.terms.slice(10, 10 + QUERY_TERMS_MAX));
  });
  it('are the first in query order when there are no statistics to ask', () => {
    assert.deepEqual(rarestTerms(a).terms, a.terms.slice(0, QUERY_TERMS_MAX));
  });
});
