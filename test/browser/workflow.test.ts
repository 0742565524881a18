import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseBibtex } from '@retorquere/bibtex-parser';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { indexSettings } from '../../src/meili/settings.js';
import { afterIndexJob } from '../../src/saved/alerts.js';
import { SearchBackend } from '../../src/search/backend.js';
import { closePage, PageOpener, SCREENSHOTS, servePage } from './chromium.js';
import { freshIndexes, searchBackendFor, SEED_SYNONYMS, SEEDS_DIR, tempDir, testMeili } from '../helpers.js';
import { workflowDeps } from '../workflow-helpers.js';

const settings = indexSettings(SEED_SYNONYMS);

describe('the investigator’s workflow in Chromium', { timeout: 180_000 }, () => {
  const { url, client } = testMeili();
  const uid = freshIndexes(client)('flow');
  const docs = tempDir('citable-flow-');
  let browser: Browser;
  let base: string;
  let server: Server;
  let backend: SearchBackend;
  let closeWorkflow: () => Promise<void>;
  const pages = new PageOpener(() => browser, () => base);

  before(async () => {
    for (const f of fs.readdirSync(SEEDS_DIR)) fs.copyFileSync(path.join(SEEDS_DIR, f), path.join(docs, f));
    await runIndexJob(client, uid, settings, { roots: [docs] });
    backend = await searchBackendFor({ url, client }, uid, settings);
    const workflow = await workflowDeps(url, client, uid);
    closeWorkflow = workflow.close;
    ({ server, base, browser } = await servePage(backend, { workflow }));
  });

  after(async () => {
    await closePage(browser, server, backend);
    await closeWorkflow?.();
  });

  const open = (pathAndQuery: string): Promise<Page> => pages.open(pathAndQuery, { viewport: { width: 1200, height: 900 }, acceptDownloads: true, clipboard: true });

  const api = async <T>(p: string): Promise<T> => (await (await fetch(`${base}${p}`)).json()) as T;

  it('lists the collection with no query, with counted facets that filter it and a histogram', async () => {
    const page = await open('/');
    await page.waitForSelector('table.documents tbody tr');
    assert.equal(await page.locator('table.documents tbody tr').count(), 5);
    const dates = await page.locator('table.documents tbody tr td:nth-child(3)').allInnerTexts();
    assert.deepEqual(dates, [...dates].sort().reverse(), 'newest first');
    assert.ok(await page.locator('.histogram svg rect.bar').count() >= 1);
    // The Ennetcom seed names no publisher: the site of its canonical URL, reuters.com, stands in.
    const reutersCount = Number(await page.locator('#facets label:has(input[value="reuters.com"]) .count').innerText());
    assert.ok(reutersCount >= 1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'collection.png'), fullPage: true });
    await page.locator('#facets input[value="reuters.com"]').check();
    await page.waitForURL(/publisher=reuters\.com/);
    await page.waitForFunction((n) => document.querySelectorAll('table.documents tbody tr').length === n, reutersCount);
    const publishers = await page.locator('table.documents tbody tr td:nth-child(2)').allInnerTexts();
    assert.ok(publishers.every((p) => p === 'reuters.com'), publishers.join('|'));
    await page.locator('#collection-sort').selectOption('passages:desc');
    await page.waitForURL(/sort=passages%3Adesc/);
    await page.waitForFunction(() => document.querySelectorAll('table.documents tbody tr').length > 0);
    const sizes = (await page.locator('table.documents tbody tr td.num').allInnerTexts()).map(Number);
    assert.deepEqual(sizes, [...sizes].sort((a, b) => b - a), 'longest first');
    await page.context().close();
  });

  it('finds every occurrence in a document and steps through them with the keyboard, keeping the place in the URL', async () => {
    const docId = '003_ae79e258a1b5c6aa';
    const doc = await api<{ passages: Array<{ text: string }> }>(`/api/documents/${docId}`);
    const expected = doc.passages.reduce((n, p) => n + (p.text.match(/police/gi)?.length ?? 0), 0);
    assert.ok(expected >= 3, `${expected} occurrences`);
    const page = await open(`/documents/${docId}`);
    await page.waitForSelector('#document .passage');
    await page.locator('#find').fill('Police');
    await page.waitForFunction((n) => document.querySelector('.find-count')?.textContent === `1 of ${n}`, expected);
    assert.equal(await page.locator('#document mark.find').count(), expected);
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelector('.find-count')?.textContent === `2 of ${n}`, expected);
    assert.equal(await page.locator('mark.find.current').count(), 1);
    assert.equal(await page.locator('mark.find').nth(1).getAttribute('class'), 'find current');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.press('Shift+Enter');
    await page.waitForFunction((n) => document.querySelector('.find-count')?.textContent === `${n} of ${n}`, expected);
    await page.waitForURL(new RegExp(`find=Police&at=${expected}$`));
    const shared = page.url();
    await page.context().close();

    const again = await open(shared.slice(base.length));
    await again.waitForFunction((n) => document.querySelector('.find-count')?.textContent === `${n} of ${n}`, expected);
    assert.equal(await again.locator('#find').inputValue(), 'Police');
    assert.equal(await again.locator('mark.find').nth(expected - 1).getAttribute('class'), 'find current');
    await again.screenshot({ path: path.join(SCREENSHOTS, 'find.png') });
    await again.context().close();
  });

  it('copies a BibTeX citation that a BibTeX parser reads back', async () => {
    const page = await open('/?q=Manupassa');
    await page.waitForSelector('.hit');
    const title = await page.locator('.hit h2 a').first().innerText();
    await page.locator('.hit .cite-format').first().selectOption('bibtex');
    await page.locator('.hit .copy-cite').first().click();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.hit .copy-cite')?.dataset.copied);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const lib = parseBibtex(copied);
    assert.deepEqual(lib.errors, []);
    assert.equal(lib.entries.length, 1);
    const e = lib.entries[0]!;
    assert.equal(e.fields.title, title);
    assert.deepEqual(e.fields.author?.map((a) => a.lastName), ['Sterling']);
    assert.equal(e.fields.year, '2016');
    assert.match(String(e.fields.note), /Manupassa/);
    assert.match(await page.locator('.hit .cite-download').first().getAttribute('href') ?? '', /\/api\/passages\/.+\/cite\?format=bibtex&download=1$/);
    await page.context().close();
  });

  it('exports the current search as CSV whose rows are the search’s hits', async () => {
    const q = 'Sky ECC';
    const hits = await api<{ total: number; hits: Array<{ id: string; source: { title: string } }> }>(`/api/search?q=${encodeURIComponent(q)}&limit=50`);
    assert.ok(hits.total > 1 && hits.total <= 50, `${hits.total} hits`);
    const page = await open(`/?q=${encodeURIComponent(q)}`);
    await page.waitForSelector('.hit');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a.export[data-format="csv"]').click()]);
    assert.match(download.suggestedFilename(), /^citable-sky-ecc-\d{4}-\d{2}-\d{2}\.csv$/);
    const file = await download.path();
    const rows = parseCsv(fs.readFileSync(file!, 'utf8'), { columns: true, bom: true }) as Array<Record<string, string>>;
    assert.deepEqual(rows.map((r) => r.passage_id), hits.hits.map((h) => h.id));
    assert.deepEqual(rows.map((r) => r.title), hits.hits.map((h) => h.source.title));
    assert.deepEqual(rows.map((r) => Number(r.rank)), rows.map((_, i) => i + 1));
    await page.context().close();
  });

  it('runs a batch of five names and lists the one without hits apart', async () => {
    const page = await open('/batch');
    await page.waitForSelector('#batch-queries');
    const names = ['Danny Manupassa', 'Aart Garssen', 'Ennetcom', 'Sky ECC', 'Zwartkop Vissermans'];
    await page.locator('#batch-queries').fill(names.join('\n'));
    await page.locator('#batch-form button[type="submit"]').click();
    await page.waitForSelector('#batch-found li');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('5 queries'));
    const found = await page.locator('#batch-found > li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-query')));
    assert.deepEqual([...found].sort(), names.slice(0, 4).sort());
    assert.deepEqual(await page.locator('#batch-none li').allInnerTexts(), ['Zwartkop Vissermans']);
    const counts = await page.locator('#batch-found > li .counts').allInnerTexts();
    const passages = counts.map((c) => Number(/^(\d+)/.exec(c)![1]));
    assert.deepEqual(passages, [...passages].sort((a, b) => b - a), 'most hits first');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'batch.png'), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#batch-csv').click()]);
    const rows = parseCsv(fs.readFileSync((await download.path())!, 'utf8'), { columns: true, bom: true }) as Array<Record<string, string>>;
    assert.deepEqual(rows.map((r) => r.query), names);
    assert.equal(rows[4]!.passages, '0');
    await page.context().close();
  });

  it('saves a search, and after indexing a new matching document marks it new', async () => {
    const page = await open('/?q=Marjolein%20trawler');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('No passages'));
    await page.locator('#save-search').click();
    await page.locator('#save-name').fill('Vessel Marjolein');
    await page.locator('#save-form button[type="submit"]').click();
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('Saved as'));
    await page.context().close();

    fs.writeFileSync(
      path.join(docs, 'trawler.txt'),
      'Customs seize trawler Marjolein\n\nCustoms officers boarded the trawler Marjolein in the port of Vlissingen on Tuesday and found 200 kilos of cocaine hidden in the hold, the public prosecutor said.\n',
    );
    await runIndexJob(client, uid, settings, { roots: [docs] });
    const alerts = await afterIndexJob([client], uid);
    assert.deepEqual(alerts.summary.savedSearches.map((a) => [a.name, a.newMatches]), [['Vessel Marjolein', 1]]);

    const landing = await open('/');
    await landing.waitForSelector('#saved-list li');
    assert.equal(await landing.locator('#saved-list li .new-count').innerText(), '1 new');
    const feedHref = await landing.locator('#saved-list li a.feed').getAttribute('href');
    await landing.locator('#saved-list li a').first().click();
    await landing.waitForSelector('.hit.new');
    assert.match(await landing.locator('.hit.new h2').innerText(), /^New\s+Customs seize trawler Marjolein/);
    assert.match(await landing.locator('#status').innerText(), /1 new since the last indexing job/);
    await landing.screenshot({ path: path.join(SCREENSHOTS, 'saved-new.png'), fullPage: true });
    const feed = await fetch(`${base}${feedHref}`);
    assert.match(feed.headers.get('content-type') ?? '', /^application\/atom\+xml/);
    assert.ok((await feed.text()).includes('Customs seize trawler Marjolein'), 'the feed announces the new passage');
    await landing.context().close();
  });

  it('logged no console errors', () => {
    assert.deepEqual(pages.consoleErrors, []);
  });
});
