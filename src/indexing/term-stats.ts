import { createHash } from 'node:crypto';
import { terms } from '../search/bm25.js';

/** The text of a passage that ranking reads: its title, heading and text. */
export interface ScoredFields {
  docId?: string;
  title: string | null;
  heading: string | null;
  text: string;
  position?: number;
  docTokens?: number;
}

/** What one set of passages adds to the corpus statistics. */
export interface TermStatsDelta {
  passages: number;
  tokens: number;
  docs: number;
  docTokens: number;
  /** Passages containing each term. */
  df: Map<string, number>;
  /** Documents containing each term. */
  ddf: Map<string, number>;
}

export function emptyDelta(): TermStatsDelta {
  return { passages: 0, tokens: 0, docs: 0, docTokens: 0, df: new Map(), ddf: new Map() };
}

/** The tokens ranking counts for a passage. */
export function passageTokens(p: ScoredFields): string[] {
  return terms(`${p.title ?? ''} ${p.heading ?? ''} ${p.text}`);
}

/** Adds (sign 1) or removes (sign -1) passages' contribution to a delta. */
export function accumulate(delta: TermStatsDelta, passages: readonly ScoredFields[], sign: 1 | -1): TermStatsDelta {
  const perDoc = new Map<string, Set<string>>();
  for (const p of passages) {
    const ts = passageTokens(p);
    delta.passages += sign;
    delta.tokens += sign * ts.length;
    if (p.position === 0) {
      delta.docs += sign;
      delta.docTokens += sign * (p.docTokens ?? 0);
    }
    const unique = new Set(ts);
    for (const t of unique) delta.df.set(t, (delta.df.get(t) ?? 0) + sign);
    const key = p.docId ?? '';
    const docTerms = perDoc.get(key) ?? new Set<string>();
    for (const t of unique) docTerms.add(t);
    perDoc.set(key, docTerms);
  }
  for (const docTerms of perDoc.values()) for (const t of docTerms) delta.ddf.set(t, (delta.ddf.get(t) ?? 0) + sign);
  return delta;
}

/** A document of the terms index: one per term, and one for the corpus totals. */
export interface TermRecord {
  id: string;
  term: string;
  df: number;
  /** Documents containing the term (on the corpus record: unused). */
  ddf?: number;
  /** Only on the corpus record: total tokens of all passages, documents, their tokens. */
  tokens?: number;
  docs?: number;
  docTokens?: number;
}

export const CORPUS_RECORD_ID = 'corpus';

/** Meilisearch ids allow only [A-Za-z0-9_-]; terms are any letters, so the id is a hash. */
export function termId(term: string): string {
  return `t${createHash('sha1').update(term).digest('hex').slice(0, 24)}`;
}

/** The name of the index holding an index's term statistics. */
export function termsIndexOf(indexUid: string): string {
  return `${indexUid}__terms`;
}
