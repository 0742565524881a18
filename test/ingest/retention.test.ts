import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ingestDocument } from '../../src/ingest/ingest.js';
import { PROSE_LOSS_FLAG_SHARE, proseLoss } from '../../src/ingest/retention.js';
import { describeFlag, formatReport, proseLossFlag, retentionLine } from '../../src/indexing/loss-report.js';

const enc = (s: string) => new TextEncoder().encode(s);
const P1 =
  'The city council voted on Tuesday to close the old harbour bridge for repairs, after inspectors found that several of its steel supports had rusted through over the past winter.';
const P2 =
  'Engineers said the work would take at least four months and that ferries would carry commuters across the river in the meantime, at no extra cost to those who hold a monthly pass.';
const P3 =
  'Residents who live near the bridge told reporters that they had complained about the noise and the state of the railings for years, and that they were glad something was finally being done.';
const MENU = Array.from({ length: 30 }, (_, i) => `Section ${i}`).join('\n');

describe('what cleaning removes is listed with its reason', () => {
  it('metadata lines and trailing furniture of a text file', () => {
    const doc = ingestDocument('a.txt', enc(`Bridge closes\n\nPublished 3 March 2021\nBy Jane Doe\n\n${P1}\n\n${P2}\n\nShare on Facebook\nShare on X\n\n© 2021 Harbour Media Group. All rights reserved.`));
    assert.deepEqual(doc.removed, [
      { text: 'Published 3 March 2021', reason: 'date line' },
      { text: 'By Jane Doe', reason: 'byline' },
      { text: 'Share on Facebook', reason: 'furniture' },
      { text: 'Share on X', reason: 'furniture' },
      { text: '© 2021 Harbour Media Group. All rights reserved.', reason: 'copyright line' },
    ]);
  });

  it('navigation and footers of a page, which never reach the block rules', () => {
    const html = `<html><body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article><p>${P1}</p><p>${P2}</p></article><footer><p>Contact the newsroom</p></footer></body></html>`;
    const doc = ingestDocument('a.html', enc(html));
    assert.deepEqual(doc.removed.filter((r) => r.reason === 'furniture element').map((r) => r.text), ['Home News', 'Contact the newsroom']);
    assert.equal(doc.removed.find((r) => r.text === 'Home News')!.reason, 'furniture element');
  });
});

describe('words in and words kept', () => {
  it('count every word a text file shows, and the title and body kept', () => {
    const doc = ingestDocument('a.txt', enc(`Bridge closes\n\n${P1}\n\n${P2}\n\nShare on Facebook`));
    const count = (s: string) => s.split(/\s+/).filter(Boolean).length;
    assert.equal(doc.retention.wordsIn, count(`Bridge closes ${P1} ${P2} Share on Facebook`));
    assert.equal(doc.retention.wordsKept, count(`Bridge closes ${P1} ${P2}`));
    assert.equal(doc.retention.proseWordsIn, count(`${P1} ${P2}`));
    assert.equal(doc.retention.proseWordsKept, doc.retention.proseWordsIn);
  });

  it('a document that lost most of its prose is flagged', () => {
    // Three stories between menus: the cleaner keeps one run of prose, the others go as furniture.
    const doc = ingestDocument('a.txt', enc(`Front page\n\n${P1}\n\n${MENU}\n\n${P2}\n\n${MENU}\n\n${P3}`));
    assert.ok(proseLoss(doc.retention) > PROSE_LOSS_FLAG_SHARE, `${proseLoss(doc.retention)}`);
    const flag = proseLossFlag('a.txt', 'a', doc.retention);
    assert.ok(flag);
    assert.match(describeFlag(flag), /^flagged: a\.txt: cleaning removed \d+% of its prose-like words/);
  });

  it('a document that kept its prose is not flagged', () => {
    const doc = ingestDocument('a.txt', enc(`Bridge closes\n\n${P1}\n\n${P2}\n\n${P3}\n\n${MENU}`));
    assert.equal(proseLossFlag('a.txt', 'a', doc.retention), null);
  });

  it('the report has a line per document and marks the flagged ones', () => {
    const lines = [
      retentionLine('kept.txt', 'kept', { wordsIn: 100, wordsKept: 90, proseWordsIn: 80, proseWordsKept: 80 }),
      retentionLine('lost.txt', 'lost', { wordsIn: 100, wordsKept: 30, proseWordsIn: 80, proseWordsKept: 20 }),
    ];
    const out = formatReport(lines).split('\n');
    assert.match(out[1]!, /^kept\.txt\s+100\s+90\s+80\s+80\s+0%$/);
    assert.match(out[2]!, /^lost\.txt\s+100\s+30\s+80\s+20\s+75%\s+FLAGGED$/);
  });
});
