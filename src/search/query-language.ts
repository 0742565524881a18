import { stopWordsFor } from '../text/stop-words.js';
import { words } from '../text/words.js';

/*
 * The language a query is written in, among the languages the collection is written in. A query
 * is too short for the general language guess (two or three function words, and lists that share
 * many of them: "de" is Dutch, French, Spanish and more), so the choice is narrowed to what the
 * index holds: an English collection reads every query as English, and in a mixed one the query's
 * function words decide, each counting for the languages it belongs to in equal shares, so that a
 * word only one language uses ("wanneer", "quand") outweighs one they share. Without any such word,
 * the collection's most common language is taken.
 */

/** Passages per language in the index (as its `lang` facet counts them); null-language passages are left out. */
export type LanguageCounts = Readonly<Record<string, number>>;

/** The query's language: one of the index's languages, or null when the index states none. */
export function queryLanguage(q: string, indexLanguages: LanguageCounts): string | null {
  const langs = Object.entries(indexLanguages)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([l]) => l);
  if (langs.length <= 1) return langs[0] ?? null;
  const evidence = new Map<string, number>();
  for (const w of words(q)) {
    const holders = langs.filter((l) => stopWordsFor(l).has(w));
    for (const l of holders) evidence.set(l, (evidence.get(l) ?? 0) + 1 / holders.length);
  }
  // Most evidence wins; of equal evidence (or none), the language the index holds most of.
  let best = langs[0]!;
  for (const l of langs) if ((evidence.get(l) ?? 0) > (evidence.get(best) ?? 0)) best = l;
  return best;
}
