import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { guessLanguage } from '../../src/text/language.js';
import { stopWordsFor } from '../../src/text/stop-words.js';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'languages', name), 'utf8');

describe('the language of a text, from its function words', () => {
  it('tells prose in English, Dutch and French apart', () => {
    assert.equal(guessLanguage('The police said that the servers had been seized and that the messages were read by investigators for months.'), 'en');
    assert.equal(guessLanguage(fixture('nl-encrochat.txt')), 'nl');
    assert.equal(guessLanguage(fixture('fr-skyecc.txt')), 'fr');
  });

  it('leaves a text without a language when its function words belong as much to another', () => {
    // "on" is an English, a Catalan and a Czech function word, among others: nothing tells which.
    const shared = ['en', 'ca', 'cs'].filter((l) => stopWordsFor(l).has('on'));
    assert.deepEqual(shared, ['en', 'ca', 'cs']);
    assert.equal(guessLanguage('papers on shock-sound wave interaction'), null);
    // "for" is English, Danish and Norwegian.
    assert.equal(guessLanguage('similarity laws for stressing heated wings'), null);
    // One function word only English has ("with") decides.
    assert.equal(guessLanguage('papers on shock waves with sound interaction'), 'en');
  });

  it('needs five words and a tenth of them function words', () => {
    assert.equal(guessLanguage('the harbour'), null);
    assert.equal(guessLanguage('harbour cargo customs smuggling freighter container vessel'), null);
  });
});
