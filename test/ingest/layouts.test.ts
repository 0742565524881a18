import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ingestDocument } from '../../src/ingest/ingest.js';
import { keptShare, LAYOUTS, layOut, reutersArticles, type Article, type Layout } from '../fixtures/layouts/layouts.js';

const enc = new TextEncoder();
/** The floor: at least this share of an article's words survive cleaning, whatever the layout. */
const MIN_KEPT = 0.95;
/** A layout may move a word or two between title and body, not lose text the plain layout keeps. */
const MAX_LAYOUT_COST = 0.02;

const articles = reutersArticles(40);
const original = (a: Article) => `${a.title} ${a.paragraphs.join(' ')}`;

function clean(a: Article, layout: Layout) {
  const doc = ingestDocument(`${a.id}.txt`, enc.encode(layOut(a, layout)));
  return { doc, share: keptShare(original(a), `${doc.title ?? ''} ${doc.body}`) };
}

describe('plain-text layouts of real articles (Reuters-21578 stories)', () => {
  it('has enough articles to measure', () => assert.equal(articles.length, 40));
  const plain = new Map(articles.map((a) => [a.id, clean(a, 'web-copy').share]));

  for (const layout of LAYOUTS) {
    describe(layout, () => {
      const results = articles.map((a) => ({ a, ...clean(a, layout) }));
      it(`keeps at least ${MIN_KEPT * 100}% of the words`, () => {
        const total = articles.reduce((n, a) => n + original(a).split(/\s+/).length, 0);
        const kept = results.reduce((n, r) => n + r.share * original(r.a).split(/\s+/).length, 0);
        assert.ok(kept / total >= MIN_KEPT, `${layout}: ${(kept / total).toFixed(3)} of the words kept`);
      });
      it('loses no article text that one line per paragraph keeps', () => {
        for (const r of results) {
          assert.ok(r.share >= plain.get(r.a.id)! - MAX_LAYOUT_COST, `${r.a.id}: ${r.share.toFixed(3)} kept, ${plain.get(r.a.id)!.toFixed(3)} as web copy`);
        }
      });
      it('records the words it came with and kept', () => {
        const inWords = results.reduce((n, r) => n + r.doc.retention.proseWordsIn, 0);
        const keptWords = results.reduce((n, r) => n + r.doc.retention.proseWordsKept, 0);
        assert.ok(keptWords / inWords >= MIN_KEPT, `${(keptWords / inWords).toFixed(3)} of the prose-like words kept`);
        for (const r of results) assert.ok(r.doc.retention.wordsKept <= r.doc.retention.wordsIn);
      });
    });
  }

  it('double-spaced: a blank line after every line is not a paragraph break', () => {
    const a = articles[0]!;
    const doc = ingestDocument('a.txt', enc.encode(layOut(a, 'double-spaced')));
    assert.deepEqual(doc.items.filter((i) => i.kind === 'paragraph').map((i) => i.text), a.paragraphs);
  });

  it('hand-wrapped: lines broken at no fixed width join back into the paragraphs', () => {
    // Where a line ends a sentence, nothing tells the end of a paragraph from a break inside one: a
    // paragraph may come back as two, but each still starts one, and lines are joined, not kept
    // apart. (Joined, a paragraph may still be judged furniture: it is then among those removed.)
    for (const a of articles.slice(0, 10)) {
      const doc = ingestDocument('a.txt', enc.encode(layOut(a, 'hand-wrapped')));
      const paragraphs = [...doc.items.filter((i) => i.kind === 'paragraph').map((i) => i.text), ...doc.removed.map((r) => r.text)];
      for (const p of a.paragraphs) {
        const opening = p.split(' ').slice(0, 8).join(' ');
        assert.ok(paragraphs.some((t) => t.startsWith(opening)), `${a.id}: no paragraph starts "${opening}"`);
      }
      assert.ok(paragraphs.length <= 2 * a.paragraphs.length, `${a.id}: ${paragraphs.length} blocks for ${a.paragraphs.length} paragraphs`);
    }
  });

  it('capitals without paragraph marks (every line double-spaced): lines join into sentences', () => {
    const a = articles[1]!;
    const doc = ingestDocument('a.txt', enc.encode(layOut(a, 'capitals-double-spaced')));
    // Nothing marks the title off either: it opens the first sentence.
    assert.equal(doc.body.replace(/\s+/g, ' '), [a.title, ...a.paragraphs].join(' ').toUpperCase());
  });
});
