import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeText, detectFormat, docIdFromFile, ingestDocument } from '../../src/ingest/ingest.js';
import { wrap } from '../fixtures/layouts/layouts.js';

const enc = (s: string) => new TextEncoder().encode(s);
const paragraphs = (body: string) => body.split('\n\n');

/** Realistic article paragraphs: long enough, with the function words of running prose. */
const P1 =
  'The city council voted on Tuesday to close the old harbour bridge for repairs, after inspectors found that several of its steel supports had rusted through over the past winter.';
const P2 =
  'Engineers said the work would take at least four months and that ferries would carry commuters across the river in the meantime, at no extra cost to those who hold a monthly pass.';
const P3 =
  'Residents who live near the bridge told reporters that they had complained about the noise and the state of the railings for years, and that they were glad something was finally being done.';

describe('plain-text cleaning', () => {
  it('normalize-spaces: folds non-breaking spaces and runs of spaces, keeps curly quotes', () => {
    const doc = ingestDocument('a.txt', enc(`A headline\n\n${P1.replace('voted', 'voted\u00A0\u00A0')}  “Quoted,”  she said.\n\n${P2}`));
    assert.ok(!doc.body.includes('\u00A0'));
    assert.ok(!doc.body.includes('  '));
    assert.ok(doc.body.includes('“Quoted,” she said.'));
  });

  it('single-block: a file of one paragraph or one line is its text, untitled', () => {
    for (const text of [P1, 'Meeting with the harbour master moved to Thursday', 'RADIO WAVE PROPAGATION IN THE IONOSPHERE AT LOW FREQUENCIES']) {
      const doc = ingestDocument('note.txt', enc(`${text}\n`));
      assert.equal(doc.title, null, text);
      assert.equal(doc.body, text);
      assert.equal(doc.passages.length, 1);
    }
  });

  it('trailing-furniture: a run of short lines after the article is dropped', () => {
    const text = `Bridge closes\n\n${P1}\n\n${P2}\n\nShare on Facebook\nShare on X\nEmail this\n\nLeave a comment\n\nYou must be logged in to post a comment.\n\nMore stories\nTop ten beaches of the summer\nWhy cats sleep so much`;
    const doc = ingestDocument('a.txt', enc(text));
    assert.deepEqual(paragraphs(doc.body), [P1, P2]);
  });

  it('leading-furniture: a menu before the article is dropped', () => {
    const text = `Bridge closes | Daily Harbour\n\nHome\nNews\nSport\nWeather\nSubscribe\n\n${P1}\n\n${P2}`;
    const doc = ingestDocument('a.txt', enc(text));
    assert.equal(doc.title, 'Bridge closes | Daily Harbour');
    assert.deepEqual(paragraphs(doc.body), [P1, P2]);
  });

  it('heading-between-paragraphs: a short line between body paragraphs is a heading', () => {
    const doc = ingestDocument('a.txt', enc(`Bridge closes\n\n${P1}\n\nWhat happens next\n\n${P2}\n\n${P3}`));
    assert.deepEqual(doc.items.map((i) => i.kind), ['paragraph', 'heading', 'paragraph', 'paragraph']);
    assert.equal(doc.items[1]!.text, 'What happens next');
    assert.equal(doc.passages.at(-1)!.heading, 'What happens next');
  });

  it('date-line-and-byline: become metadata, not body', () => {
    const doc = ingestDocument('a.txt', enc(`Bridge closes\n\n${P1}\n\nPublished 3 March 2021\nBy María José Núñez\n\n${P2}`));
    assert.equal(doc.date, '2021-03-03');
    assert.equal(doc.author, 'María José Núñez');
    assert.deepEqual(paragraphs(doc.body), [P1, P2]);
  });

  it('copyright-line: names the publisher', () => {
    const doc = ingestDocument('a.txt', enc(`Bridge closes\n\n${P1}\n\n${P2}\n\n© 2021 Harbour Media Group. All rights reserved.`));
    assert.equal(doc.publisher, 'Harbour Media Group');
    assert.ok(!doc.body.includes('rights reserved'));
  });

  it('image-credit: is no publisher (an agency credited for a photo did not publish the text), and leaves the body', () => {
    const doc = ingestDocument('a.txt', enc(`Bridge closes\n\n${P1}\n\n${P2}\n\nPhoto: City of Harbourtown\nThe bridge at dusk`));
    assert.equal(doc.publisher, null);
    assert.equal(doc.provenance.publisher, undefined);
    assert.ok(!doc.body.includes('Photo'));
    assert.ok(doc.removed.some((r) => r.text === 'Photo: City of Harbourtown' && r.reason === 'image credit'));
  });

  it('hard-wrapped-text: lines wrapped at a fixed width join into one paragraph', () => {
    const wrapped = P1.replace(/(.{50,70}?) /g, '$1\n');
    const doc = ingestDocument('a.txt', enc(`Bridge closes\n\n${wrapped}\n\n${P2}`));
    assert.deepEqual(paragraphs(doc.body), [P1, P2]);
  });

  it('non-english: keeps non-ASCII letters and tells the language', () => {
    const nl =
      'De gemeenteraad heeft dinsdag besloten de oude havenbrug te sluiten voor herstel, nadat inspecteurs hadden vastgesteld dat een aantal van de stalen steunen de afgelopen winter was doorgeroest.';
    const nl2 =
      'Volgens de coördinator duurt het werk minstens vier maanden en zullen veerboten de forensen in de tussentijd over de rivier brengen, zonder extra kosten voor wie één maandabonnement heeft.';
    const doc = ingestDocument('a.txt', enc(`Brug dicht\n\n${nl}\n\n${nl2}`));
    assert.equal(doc.lang, 'nl');
    assert.ok(doc.body.includes(nl2), doc.body);
  });
});

describe('front matter and HTML', () => {
  it('placeholder-author: a role word in front matter loses to a byline the text gives', () => {
    const md = `---\ntitle: Bridge closes\nauthor: admin\ndate: 2021-03-04\n---\n\nBy Jane Doe\n\n${P1}\n\n${P2}\n`;
    const doc = ingestDocument('post.md', enc(md));
    assert.equal(doc.format, 'markdown');
    assert.equal(doc.author, 'Jane Doe');
    assert.equal(doc.date, '2021-03-04');
  });

  it('markdown-front-matter: title and fields from YAML, headings from #', () => {
    const md = `---\ntitle: "Bridge: closed"\npublisher: Harbour Daily\nurl: https://example.org/bridge\nlang: en-GB\n---\n\n# Bridge: closed\n\n${P1}\n\n## Next steps\n\n${P2}\n`;
    const doc = ingestDocument('post.md', enc(md));
    assert.equal(doc.title, 'Bridge: closed');
    assert.equal(doc.publisher, 'Harbour Daily');
    assert.equal(doc.url, 'https://example.org/bridge');
    assert.equal(doc.lang, 'en');
    assert.deepEqual(doc.items.map((i) => i.kind), ['paragraph', 'heading', 'paragraph']);
    assert.ok(!doc.body.includes('publisher:'));
  });

  it('wordpress-export: shortcodes dropped, spans unwrapped, the link labelled as the source gives the URL and its site', () => {
    const wp = `---\npost_title: Bridge closes\nauthor: Staff Writer\npost_date: 2020-01-02 10:00:00\n---\n [ad_1]\n<div><span class="x"><p>${P1}</p></span><p>${P2} &amp; more.</p></div>\n[ad_2]\n<a href="https://www.harbourtimes.co.uk/news/1">Source</a>`;
    const doc = ingestDocument('post.txt', enc(wp));
    assert.equal(doc.format, 'wordpress');
    assert.equal(doc.title, 'Bridge closes');
    assert.equal(doc.author, null);
    assert.equal(doc.date, '2020-01-02');
    // The link labelled "Source" is the URL; the site is its registrable domain, as written.
    assert.equal(doc.publisher, 'harbourtimes.co.uk');
    assert.equal(doc.url, 'https://www.harbourtimes.co.uk/news/1');
    assert.deepEqual(doc.provenance.url, { rule: 'link labelled as the source', source: '<a href="https://www.harbourtimes.co.uk/news/1">Source</a>' });
    assert.equal(doc.provenance.publisher?.rule, 'site of the link labelled as the source (public suffix list)');
    assert.ok(doc.body.includes(`${P2} & more.`));
    assert.doesNotMatch(doc.body, /\[ad_\d\]|Source|<span/);
  });

  it('html-page: drops scripts, navigation, asides and footers; decodes entities; reads the head', () => {
    const html = `<!doctype html><html lang="en-US"><head><title>Bridge closes - Harbour Times</title>
      <meta property="og:site_name" content="Harbour Times"><meta name="author" content="Jane Doe">
      <meta property="article:published_time" content="2021-05-06T08:00:00Z">
      <link rel="canonical" href="https://harbour.example/bridge"><script>var x = "<p>not text</p>";</script>
      <style>p { color: red }</style></head><body>
      <nav><a href="/">Home</a><a href="/news">News</a></nav>
      <article><h1>Bridge closes</h1><p>${P1}</p><h2>Next steps</h2><p>${P2.replace('&', '&amp;')} Caf&eacute; owners agreed.</p>
      <ul class="share"><li><a href="/s">Share</a></li></ul></article>
      <aside><p>Most read: ten other stories you may like to read later today if you have the time for it.</p></aside>
      <footer><p>© 2021 Harbour Times. All rights reserved.</p></footer></body></html>`;
    const doc = ingestDocument('page.html', enc(html));
    assert.equal(doc.format, 'html');
    assert.equal(doc.author, 'Jane Doe');
    assert.equal(doc.date, '2021-05-06');
    assert.equal(doc.publisher, 'Harbour Times');
    assert.equal(doc.url, 'https://harbour.example/bridge');
    assert.equal(doc.lang, 'en');
    assert.deepEqual(doc.items.map((i) => i.kind), ['paragraph', 'heading', 'paragraph']);
    assert.ok(doc.body.includes('Café owners agreed.'));
    assert.doesNotMatch(doc.body, /not text|Home|Most read|Share|rights reserved/);
  });

  it('link-dense-blocks: a list of links inside the article is furniture', () => {
    const links = Array.from({ length: 8 }, (_, i) => `<a href="/s/${i}">Another related story number ${i}</a>`).join(' ');
    const doc = ingestDocument('page.html', enc(`<html><body><div><p>${P1}</p><p>${links}</p><p>${P2}</p></div></body></html>`));
    assert.deepEqual(paragraphs(doc.body), [P1, P2]);
  });

  it('detects HTML by content whatever the extension', () => {
    assert.equal(detectFormat('saved.txt', '<!DOCTYPE html><html><body><p>x</p></body></html>'), 'html');
    assert.equal(detectFormat('notes.txt', 'Just a line of text.\n\nAnother.'), 'text');
  });
});

describe('bad input', () => {
  it('refuses an empty file', () => assert.throws(() => decodeText(new Uint8Array()), /empty/));
  it('refuses whitespace only', () => assert.throws(() => decodeText(enc(' \n\t ')), /empty/));
  it('refuses binary data', () => assert.throws(() => decodeText(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1])), /binary/));
  it('reads text that is not UTF-8 in the encoding that fits', () => assert.equal(decodeText(new Uint8Array([0x61, 0xff, 0xfe, 0x62])), 'aÿþb'));
  it('refuses bytes that no encoding fits, naming those tried', () =>
    assert.throws(() => decodeText(new Uint8Array([0x01, 0x02, 0x03, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86])), /no text encoding fits \(tried utf-8, .*windows-1252\)/));
  it('refuses a document with no text', () => assert.throws(() => ingestDocument('a.txt', enc('Title\n\n* * *\n---')), /no text/));
  it('keeps a document of figures rather than lose it', () => {
    const doc = ingestDocument('a.txt', enc('RESULTS\n\nShr 34 cts vs 1.19 dlrs\nNet 807,000 vs 2,858,000\nAssets 510.2 mln vs 479.7 mln'));
    assert.deepEqual(paragraphs(doc.body), ['Shr 34 cts vs 1.19 dlrs', 'Net 807,000 vs 2,858,000', 'Assets 510.2 mln vs 479.7 mln']);
  });
});

describe('document ids', () => {
  it('come from the file name and are safe for Meilisearch', () => {
    assert.equal(docIdFromFile('/x/y/000_89e9f66e6ae9edbb.txt'), '000_89e9f66e6ae9edbb');
    assert.equal(docIdFromFile('Ünïcode name (1).html'), 'Unicode-name-1');
    assert.match(docIdFromFile('../../../etc/passwd'), /^[A-Za-z0-9_-]+$/);
    assert.equal(docIdFromFile('....txt'), 'doc');
  });
});

/** A paragraph broken into lines of these many words in turn, as text typed line by line is. */
function ragged(p: string, sizes: readonly number[]): string[] {
  const words = p.split(' ');
  const lines: string[] = [];
  for (let i = 0, k = 0; i < words.length; k++) {
    const n = sizes[k % sizes.length]!;
    lines.push(words.slice(i, i + n).join(' '));
    i += n;
  }
  return lines;
}

describe('hard-wrapped text', () => {
  it('written as text: a wrapped text has no page furniture, so a short closing line after figures is kept', () => {
    const wire = [
      'BRIDGE REPAIRS TO COST CITY 12 MLN DLRS',
      '',
      ...wrap(`${P1} ${P2}`, 66),
      '',
      ...wrap(P3, 66),
      '',
      '    Bridge budget        1986/87     1987/88',
      '    Repairs                  4.1        12.0',
      '',
      'Terms were not disclosed.',
    ].join('\n');
    const doc = ingestDocument('wire.txt', enc(wire));
    assert.ok(doc.body.includes(P3));
    assert.ok(doc.body.endsWith('Terms were not disclosed.'), doc.body.slice(-200));
    // A copy of a web page, one paragraph a line, still leaves a teaser after the article out.
    const page = ingestDocument('page.txt', enc(`Bridge closes\n\n${P1}\n${P2}\n${P3}\n\nRead more: Ferry timetables\nShare this`));
    assert.ok(!page.body.includes('Share this'));
  });

  it('wire-copy: indented lines start paragraphs inside one wrapped group', () => {
    const wire = [
      'Showers continued throughout the week in',
      'the Bahia cocoa zone, alleviating the drought since early',
      'January and improving prospects for the coming temporao.',
      '    The dry period means the temporao will be late this year,',
      'and arrivals for the week ended February 22 were 155,221 bags',
      'of 60 kilos making a cumulative total for the season.',
    ].join('\n');
    const doc = ingestDocument('wire.txt', enc(`BAHIA COCOA REVIEW\n\n${wire}`));
    assert.deepEqual(paragraphs(doc.body), [
      'Showers continued throughout the week in the Bahia cocoa zone, alleviating the drought since early January and improving prospects for the coming temporao.',
      'The dry period means the temporao will be late this year, and arrivals for the week ended February 22 were 155,221 bags of 60 kilos making a cumulative total for the season.',
    ]);
  });

  it('hand-wrapped: lines broken inside sentences at no fixed width join into paragraphs, and none is dropped', () => {
    // Lines of 3 to 11 words, as text typed line by line breaks them: no line is full against its
    // neighbours, so no wrapping width shows; the breaks fall inside sentences.
    const lines = [...ragged(P1, [9, 4, 11, 6, 3]), ...ragged(P2, [5, 10, 7, 4]).map((l, i) => (i === 0 ? `  ${l}` : l))];
    assert.ok(lines.length >= 8);
    const doc = ingestDocument('abstract.txt', enc(`Harbour bridge to close for repairs\n\n${lines.join('\n')}\n`));
    assert.equal(doc.title, 'Harbour bridge to close for repairs');
    assert.deepEqual(paragraphs(doc.body), [P1, P2]);
    assert.deepEqual(doc.removed, []);
  });

  it('hand-wrapped with indented paragraphs: a sentence ending at the end of a line does not end its paragraph', () => {
    const indent = (lines: string[]) => lines.map((l, i) => (i === 0 ? `  ${l}` : l));
    // P1 ends on a line of its own, short of any width; only indented lines open paragraphs.
    const lines = [...indent([...ragged(P1, [9, 4, 11, 6, 3]), ...ragged(P2, [5, 10, 7, 4])]), ...indent(ragged(P3, [8, 6, 10, 5]))];
    const doc = ingestDocument('abstract.txt', enc(`Harbour bridge to close for repairs\n\n${lines.join('\n')}\n`));
    assert.deepEqual(paragraphs(doc.body), [`${P1} ${P2}`, P3]);
  });
});
