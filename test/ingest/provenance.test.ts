import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ingestDocument } from '../../src/ingest/ingest.js';
import { toPassageRecords } from '../../src/ingest/records.js';

const enc = (s: string) => new TextEncoder().encode(s);
const P1 =
  'The city council voted on Tuesday to close the old harbour bridge for repairs, after inspectors found that several of its steel supports had rusted through over the past winter.';
const P2 =
  'Engineers said the work would take at least four months and that ferries would carry commuters across the river in the meantime, at no extra cost to those who hold a monthly pass.';
const HOSTILE = ['javascript:alert(document.cookie)', 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==', 'JaVaScRiPt:alert(1)'];

describe('metadata comes from what the document states', () => {
  it('an ordinary page with footer and share links has no URL and no publisher', () => {
    const html = `<html><head><title>Bridge closes</title></head><body><article><p>${P1}</p><p>${P2}</p></article>
      <div><a href="https://twitter.com/share?u=x">Tweet</a> <a href="https://www.facebook.com/harbour">Follow us</a></div>
      <p><a href="https://www.examplecdn.net/about">About us</a></p></body></html>`;
    const doc = ingestDocument('page.html', enc(html));
    assert.equal(doc.url, null);
    assert.equal(doc.publisher, null);
    assert.deepEqual(Object.keys(doc.provenance).sort(), ['lang', 'title']);
    assert.deepEqual(doc.provenance.title, { rule: 'title element', source: '<title>Bridge closes</title>' });
  });

  it('the site name is the one the page declares, with the tag it came from', () => {
    const html = `<html><head><meta property="og:site_name" content="The Harbour Times"><link rel="canonical" href="https://news.harbour.example.co.uk/bridge"></head>
      <body><article><p>${P1}</p><p>${P2}</p></article></body></html>`;
    const doc = ingestDocument('page.html', enc(html));
    assert.equal(doc.publisher, 'The Harbour Times');
    assert.deepEqual(doc.provenance.publisher, { rule: 'meta og:site_name', source: '<meta property="og:site_name" content="The Harbour Times">' });
    assert.deepEqual(doc.provenance.url, { rule: 'canonical link', source: '<link rel="canonical" href="https://news.harbour.example.co.uk/bridge">' });
  });

  it('without a declared name, the site is the canonical URL\'s registrable domain, never a capitalised host label', () => {
    const html = `<html><head><link rel="canonical" href="https://www.nytimes.com/2020/01/01/bridge.html"></head><body><article><p>${P1}</p><p>${P2}</p></article></body></html>`;
    const doc = ingestDocument('page.html', enc(html));
    assert.equal(doc.publisher, 'nytimes.com');
  });

  it('a plain-text source line gives the URL', () => {
    const doc = ingestDocument('a.txt', enc(`Bridge closes\n\n${P1}\n\n${P2}\n\nSource: https://harbour.example.org/bridge`));
    assert.equal(doc.url, 'https://harbour.example.org/bridge');
    assert.deepEqual(doc.provenance.url, { rule: 'source line', source: 'Source: https://harbour.example.org/bridge' });
    assert.ok(!doc.body.includes('Source:'));
  });
});

describe('only http(s) URLs are accepted, from any metadata source', () => {
  const sources: Array<[string, string, (u: string) => string]> = [
    ['canonical link', 'page.html', (u) => `<html><head><link rel="canonical" href="${u}"></head><body><article><p>${P1}</p><p>${P2}</p></article></body></html>`],
    ['og:url', 'page.html', (u) => `<html><head><meta property="og:url" content="${u}"></head><body><article><p>${P1}</p><p>${P2}</p></article></body></html>`],
    ['link labelled as the source', 'page.html', (u) => `<html><body><article><p>${P1}</p><p>${P2}</p><p><a href="${u}">Source</a></p></article></body></html>`],
    ['front matter canonical_url', 'post.md', (u) => `---\ntitle: Bridge closes\ncanonical_url: "${u}"\nurl: "${u}"\n---\n\n${P1}\n\n${P2}\n`],
    ['plain-text source line', 'a.txt', (u) => `Bridge closes\n\n${P1}\n\n${P2}\n\nSource: ${u}`],
  ];
  for (const [name, file, make] of sources) {
    for (const url of HOSTILE) {
      it(`${name}: ${url.slice(0, 16)}… never reaches the document or its records`, () => {
        const doc = ingestDocument(file, enc(make(url)));
        assert.equal(doc.url, null);
        // As metadata: the text of a line that quotes it stays text (escaped wherever it is shown).
        const records = toPassageRecords(doc, 'h');
        const metadata = JSON.stringify([records.map((r) => [r.url, r.publisher, r.title, r.author]), doc.provenance]);
        assert.doesNotMatch(metadata, /javascript:|data:text/i);
      });
    }
  }

  it('front matter: a hostile url key is passed over for an http(s) one', () => {
    const md = `---\ntitle: Bridge closes\ncanonical_url: "javascript:alert(1)"\nlink: "https://harbour.example.org/bridge"\n---\n\n${P1}\n\n${P2}\n`;
    const doc = ingestDocument('post.md', enc(md));
    assert.equal(doc.url, 'https://harbour.example.org/bridge');
    assert.equal(doc.provenance.url?.rule, 'front matter link');
  });
});
