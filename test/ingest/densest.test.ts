import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as cheerio from 'cheerio';
import { ancestorIds } from '../../src/ingest/blocks.js';
import { agreementWithDensest, densestContainer, readingScope } from '../../src/ingest/densest.js';
import { htmlToBlocks } from '../../src/ingest/html.js';
import { readPageMeta } from '../../src/ingest/page-meta.js';

const prose = (topic: string) =>
  `The report on ${topic} was published on Monday, and it found that the number of cases had risen, for the third year in a row, across most of the regions that the authors had studied.`;

/** An article of four paragraphs beside a list of teasers and a thread of short comments. */
const PAGE = `<html><body>
  <div id="teasers"><p><a href="/a">${prose('teasers one')}</a></p><p><a href="/b">${prose('teasers two')}</a></p></div>
  <div id="story"><p>${prose('housing')}</p><p>${prose('schools')}</p><p>${prose('transport')}</p><p>${prose('health')}</p></div>
  <div id="thread"><p>Great article, thanks.</p><p>I disagree with this.</p><p>First!</p></div>
</body></html>`;

describe('the densest container', () => {
  const { blocks } = htmlToBlocks(PAGE, { dropByName: false });
  const inStory = (i: number) => blocks[i]!.text.includes('report on') && !blocks[i]!.text.includes('teasers');

  it('is the element most prose votes for, not a list of links or a thread of short lines', () => {
    const top = densestContainer(blocks);
    assert.notEqual(top, null);
    const inside = blocks.filter((b) => ancestorIds(b).includes(top!)).map((b) => b.text);
    assert.equal(inside.length, 4);
    assert.ok(inside.every((t) => t.includes('report on') && !t.includes('teasers')));
  });

  it('agrees fully with a body that is exactly its prose', () => {
    assert.deepEqual(agreementWithDensest(blocks, inStory), { cover: 1, reach: 1 });
  });

  it('measures a body that also keeps the thread (cover) and one that lost most of the story (reach)', () => {
    const withThread = agreementWithDensest(blocks, (i) => inStory(i) || /thanks|disagree|First/.test(blocks[i]!.text));
    assert.equal(withThread.reach, 1);
    assert.ok(withThread.cover < 1 && withThread.cover > 0.8, `cover ${withThread.cover}`);
    const lost = agreementWithDensest(blocks, (i) => blocks[i]!.text.includes('housing'));
    assert.equal(lost.cover, 1);
    assert.ok(Math.abs(lost.reach - 0.25) < 0.01, `reach ${lost.reach}`);
    assert.deepEqual(agreementWithDensest(blocks, () => false), { cover: 0, reach: 0 });
  });

  it('is null when no paragraph votes', () => {
    assert.equal(densestContainer(htmlToBlocks('<ul><li>Home</li><li>News</li></ul>').blocks), null);
  });
});

describe('the reading scope', () => {
  const section = (topic: string) => `<div class="section"><div class="inner"><p>${prose(topic)}</p><p>${prose(`${topic} again`)}</p><p>${prose(`${topic} once more`)}</p></div></div>`;

  it('reaches two levels above the densest container, with the article and what sits beside it', () => {
    const page = htmlToBlocks(`<html><body><div id="site"><div id="main"><h1>Title</h1><div id="wrap"><div id="story">
      <p>${prose('housing')}</p><p>${prose('schools')}</p></div></div></div><div id="other"><p>Sport results: the match was cancelled.</p></div></div></body></html>`, { dropByName: false });
    const scope = readingScope(page.blocks);
    assert.notEqual(scope, null);
    const html = page.outerHtml(scope!);
    assert.match(html, /^<div id="main">/);
    assert.match(html, /<h1>Title<\/h1>/);
    assert.doesNotMatch(html, /Sport results/);
  });

  it('climbs until it holds most of the prose when the article is cut into sibling sections', () => {
    const page = htmlToBlocks(`<html><body><div id="site"><div id="article">${section('housing')}${section('schools')}${section('transport')}</div></div></body></html>`, { dropByName: false });
    const scope = readingScope(page.blocks);
    assert.notEqual(scope, null);
    const html = page.outerHtml(scope!);
    for (const topic of ['housing', 'schools', 'transport']) assert.ok(html.includes(`report on ${topic} was`), topic);
  });

  it('is the whole page (null) when the article sits near the top or nothing votes', () => {
    assert.equal(readingScope(htmlToBlocks(`<html><body><p>${prose('housing')}</p></body></html>`).blocks), null);
    assert.equal(readingScope(htmlToBlocks('<ul><li>Home</li><li>News</li></ul>').blocks), null);
  });
});

describe('page metadata in one pass', () => {
  const read = (html: string) => {
    const $ = cheerio.load(html, { xml: { xmlMode: false, decodeEntities: true } });
    return readPageMeta($.root()[0]!, (el) => $(el).text());
  };

  it('takes the first of each declaration, in document order, wherever it sits', () => {
    const { meta, links } = read(`<html lang="nl"><head><title> Page  title </title>
      <meta name="author" content="First Author"><meta name="author" content="Second Author">
      <link rel="canonical" href="https://example.org/a"></head><body>
      <a href="/relative">r</a><a href="https://one.example/x">1</a><p>Originally published at <a href="http://two.example/y">Two</a></p><a href="https://three.example/z">Source</a><a href="javascript:alert(1)">Source</a>
      <meta itemprop="datePublished" content="2020-01-02"><time datetime="2019-09-09">then</time></body></html>`);
    assert.equal(meta.title, 'Page title');
    assert.equal(meta.author, 'First Author');
    assert.equal(meta.url, 'https://example.org/a');
    assert.equal(meta.lang, 'nl');
    assert.equal(meta.date, '2020-01-02');
    // Only links the page labels as its source, http(s) ones: an unlabelled link says nothing of where the text comes from.
    assert.deepEqual(links.map((l) => l.value), ['http://two.example/y', 'https://three.example/z']);
    assert.equal(links[1]!.source, '<a href="https://three.example/z">Source</a>');
    assert.equal(meta.evidence?.author?.source, '<meta name="author" content="First Author">');
  });

  it('prefers Open Graph and JSON-LD to the <title>, and reads the publisher from JSON-LD', () => {
    const { meta } = read(`<html><head><title>Site | Headline</title>
      <script type="application/ld+json">{"@type":"NewsArticle","headline":"The headline","author":{"name":"Ann Writer"},"publisher":{"name":"Daily Example"},"datePublished":"2022-03-04"}</script>
      </head><body><time datetime="2001-01-01">x</time><span rel="author">Someone Else</span></body></html>`);
    assert.equal(meta.title, 'The headline');
    assert.equal(meta.author, 'Ann Writer');
    assert.equal(meta.publisher, 'Daily Example');
    assert.equal(meta.date, '2022-03-04');
  });

  it('falls back to a rel="author" element and a <time> when the head says nothing', () => {
    const { meta } = read('<html><body><p>By <a rel="author" href="/u">Pat Lee</a></p><time datetime="2018-11-13">Nov 13</time></body></html>');
    assert.equal(meta.author, 'Pat Lee');
    assert.equal(meta.date, '2018-11-13');
    assert.equal(meta.title, null);
  });
});
