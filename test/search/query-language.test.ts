import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeQuery, QUERY_TERMS_MAX } from '../../src/search/analyze.js';
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
  it(`keeps at most ${QUERY_TERMS_MAX} terms, the first in query order`, () => {
    const many = Array.from({ length: 50 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
    const a = analyzeQuery(many.join(' '));
    assert.equal(a.terms.length, QUERY_TERMS_MAX);
    assert.equal(a.words[0], many[0]);
  });
});
