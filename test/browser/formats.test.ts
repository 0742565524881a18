import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../src/config.js';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { indexSettings } from '../../src/meili/settings.js';
import { SearchBackend } from '../../src/search/backend.js';
import { freshIndexes, searchBackendFor, tempDir, testMeili } from '../helpers.js';
import { closePage, PageOpener, SCREENSHOTS, servePage } from './chromium.js';

const FIXTURES = path.join(projectRoot, 'test', 'fixtures', 'formats');
const settings = indexSettings(path.join(projectRoot, 'config', 'synonyms.json'));

describe('PDF pages in the search page (Chromium)', { timeout: 120_000 }, () => {
  const { url, client } = testMeili();
  const uid = freshIndexes(client)('formatspage');
  const dir = tempDir('citable-formats-page-');
  let browser: Browser;
  let server: Server;
  let backend: SearchBackend;
  let base: string;
  const pages = new PageOpener(() => browser, () => base);

  before(async () => {
    for (const f of ['harbour-report.pdf', 'tide-gauges.docx']) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
    await runIndexJob(client, uid, settings, { roots: [dir] });
    backend = await searchBackendFor({ url, client }, uid, settings);
    ({ server, base, browser } = await servePage(backend));
  });

  after(async () => {
    await closePage(browser, server, backend);
  });

  const open = (address: string): Promise<Page> => pages.open(address, { viewport: { width: 1200, height: 900 }, clipboard: true });

  it('cites a PDF hit by its printed page, names the format, and links the PDF at its page', async () => {
    const page = await open('/?q=quokka%20emblem');
    const hit = page.locator('.hit').first();
    await hit.waitFor();
    const cite = hit.locator('p.cite');
    assert.match(await cite.innerText(), /PDF · p\. 1\b/);
    assert.equal(await cite.locator('a').getAttribute('href'), '/api/documents/harbour-report/file#page=3');
    await hit.locator('.copy-cite').click();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.hit .copy-cite')?.dataset.copied);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(copied.split('\n')[0]!, /, p\. 1\. /);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'pdf-hit.png') });
    await page.context().close();
  });

  it('cites a passage across a page break as a page range', async () => {
    const page = await open('/?q=pelicans%20dolphin');
    const hit = page.locator('.hit').first();
    await hit.waitFor();
    assert.match(await hit.locator('p.cite').innerText(), /pp\. 2–3/);
    await page.context().close();
  });

  it('marks the page breaks in the document view, each linking the PDF at its page', async () => {
    const page = await open('/documents/harbour-report');
    await page.waitForSelector('#document .page-break');
    const breaks = page.locator('#document :is(.page-break, .page-break-inline) a');
    assert.deepEqual(await breaks.allInnerTexts(), ['Page 1 (printed i)', 'Page 2 (printed ii)', 'Page 3 (printed 1)', 'Page 4 (printed 2)', 'Page 5 (printed 3)']);
    assert.equal(await breaks.nth(2).getAttribute('href'), '/api/documents/harbour-report/file#page=3');
    // Page 5 starts in the middle of a paragraph that runs over the break: marked where it starts.
    const across = page.locator('#document p:has(.page-break-inline)');
    assert.match(await across.innerText(), /programme before\s*Page 5 \(printed 3\)\s*the quay could be reopened/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'pdf-document.png'), fullPage: true });
    await page.context().close();
  });

  it('shows no page marks for a document without pages', async () => {
    const page = await open('/documents/tide-gauges');
    await page.waitForSelector('#document section.passage');
    assert.equal(await page.locator('#document .page-break').count(), 0);
    assert.match(await page.locator('#document p.meta').innerText(), /Word/);
    await page.context().close();
  });

  it('logs nothing to the console', () => assert.deepEqual(pages.consoleErrors, []));
});
