import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { runIndexJob } from '../../src/indexing/indexer.js';
import type { PassageRecord } from '../../src/ingest/records.js';
import { BASE_SETTINGS } from '../../src/meili/settings.js';
import { SearchBackend } from '../../src/search/backend.js';
import type { createApp } from '../../src/server/app.js';
import { freshIndexes, searchBackendFor, tempDir, testMeili } from '../helpers.js';
import { closePage, servePage } from './chromium.js';

const HOSTILE = /javascript:|data:text|vbscript:/i;
const P1 =
  'The harbour council voted on Tuesday to close the old swing bridge for repairs, after inspectors found that several of its steel supports had rusted through over the past winter.';
const P2 =
  'Engineers said the work would take at least four months and that ferries would carry commuters across the river in the meantime, at no extra cost to those who hold a monthly pass.';

/** Documents whose every metadata source holds a javascript: or data: URL. */
const FILES: Record<string, string> = {
  'canonical.html': `<html><head><title>Swing bridge closes</title><link rel="canonical" href="javascript:alert(1)"><meta property="og:url" content="data:text/html,<script>alert(1)</script>"></head><body><article><p>${P1}</p><p>${P2}</p><p><a href="javascript:alert(2)">Source</a></p></article></body></html>`,
  'front-matter.md': `---\ntitle: Swing bridge closes again\ncanonical_url: "JavaScript:alert(3)"\nurl: "data:text/html;base64,PHNjcmlwdD4="\n---\n\n${P1}\n\n${P2}\n`,
};

describe('javascript: and data: URLs never reach the API or the page', { timeout: 120_000 }, () => {
  const { url, client } = testMeili();
  const uid = freshIndexes(client)('urls');
  let app: ReturnType<typeof createApp>;
  let server: Server;
  let base: string;
  let backend: SearchBackend;
  let browser: Browser;

  before(async () => {
    const dir = tempDir();
    for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, name), text);
    await runIndexJob(client, uid, BASE_SETTINGS, { roots: [dir] });
    // An index written by an older release, or by another tool, may hold any URL: the API checks again.
    const legacy: Partial<PassageRecord> = {
      id: 'legacy-0', docId: 'legacy', file: 'legacy.txt', title: 'Swing bridge legacy record', heading: null, text: `${P1} ${P2}`,
      position: 0, start: 0, end: P1.length + P2.length + 1, author: null, date: null, year: null, timestamp: null, publisher: null,
      url: 'javascript:alert(4)', lang: 'en', hash: 'x', fragment: 'The%20harbour', docHash: 'x', passages: 1, docTokens: 60, rootId: 'r',
      details: { provenance: { url: { rule: 'canonical link', source: '<link rel="canonical" href="javascript:alert(4)">' } }, retention: { wordsIn: 60, wordsKept: 60, proseWordsIn: 60, proseWordsKept: 60 }, removed: [], removedOmitted: 0 },
    };
    await client.index(uid).addDocuments([legacy]).waitTask();
    backend = await searchBackendFor({ url, client }, uid);
    ({ app, server, base, browser } = await servePage(backend));
  });

  after(async () => {
    await closePage(browser, server, backend);
  });

  it('search answers hold none, in any field', async () => {
    for (const q of ['swing bridge', 'harbour council voted on Tuesday to close the old swing bridge']) {
      const res = await request(app).get('/api/search').query({ q, limit: '50' });
      assert.equal(res.status, 200);
      assert.equal(res.body.hits.length, 3, q);
      assert.doesNotMatch(JSON.stringify(res.body), HOSTILE);
      for (const h of res.body.hits) assert.equal(h.source.url, null);
    }
  });

  it('document answers hold none, nor evidence for a URL they do not serve', async () => {
    for (const docId of ['canonical', 'front-matter', 'legacy']) {
      const res = await request(app).get(`/api/documents/${docId}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.url, null);
      assert.equal(res.body.provenance.url, undefined);
      assert.doesNotMatch(JSON.stringify(res.body), HOSTILE, docId);
    }
  });

  it('the page makes no link of them, in results or in the document view', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/?q=swing%20bridge`);
    await page.waitForSelector('.hit');
    await page.goto(`${base}/documents/legacy`);
    await page.waitForSelector('#document h1');
    await page.locator('#document details.provenance-box summary').click();
    for (const target of [`${base}/?q=swing%20bridge`, `${base}/documents/legacy`, `${base}/documents/canonical`]) {
      await page.goto(target);
      await page.waitForSelector(target.includes('documents') ? '#document .passage' : '.hit');
      const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      for (const h of hrefs) assert.doesNotMatch(h, HOSTILE, target);
      assert.doesNotMatch(await page.content(), HOSTILE, target);
    }
    await page.close();
  });
});
