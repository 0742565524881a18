import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { createLogger } from '../../src/log.js';
import { ensureSearchKey } from '../../src/meili/keys.js';
import { indexSettings } from '../../src/meili/settings.js';
import { SearchBackend } from '../../src/search/backend.js';
import { createApp } from '../../src/server/app.js';
import { launchChromium, listen, PageOpener, SCREENSHOTS, WEB_ROOT } from './chromium.js';
import { SEEDS_DIR, SEED_SYNONYMS, testMeili, uniqueIndex } from '../helpers.js';
import { workflowDeps } from '../workflow-helpers.js';


describe('the search page in Chromium', { timeout: 120_000 }, () => {
  const { url, client } = testMeili();
  const uid = uniqueIndex('page');
  let browser: Browser;
  let base: string;
  let deadBase: string;
  const servers: Server[] = [];
  const backends: SearchBackend[] = [];
  const closers: Array<() => Promise<void>> = [];
  const pages = new PageOpener(() => browser, () => base);

  before(async () => {
    assert.ok(fs.existsSync(path.join(WEB_ROOT, 'app.js')), 'the page is built (npm test builds it)');
    const settings = indexSettings(SEED_SYNONYMS);
    await runIndexJob(client, uid, settings, { roots: [SEEDS_DIR] });
    const key = await ensureSearchKey(client, uid);
    const live = new SearchBackend(() => ({ url, key, index: uid }), { synonyms: settings.synonyms ?? {} });
    const dead = new SearchBackend(() => ({ url: 'http://127.0.0.1:9', key, index: uid }), { synonyms: {} });
    backends.push(live, dead);
    const logger = createLogger('silent');
    const workflow = await workflowDeps(url, client, uid);
    closers.push(workflow.close);
    const ok = await listen(createApp({ search: live, readiness: async () => ({ ready: true, passages: 1 }), logger, webRoot: WEB_ROOT, rateLimitPerMinute: 100_000, workflow }));
    const down = await listen(createApp({ search: dead, readiness: async () => ({ ready: false, passages: 0 }), logger, webRoot: WEB_ROOT }));
    servers.push(ok.server, down.server);
    base = ok.base;
    deadBase = down.base;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    for (const s of servers) s.close();
    for (const b of backends) await b.close();
    for (const c of closers) await c();
    await client.deleteIndex(uid).waitTask();
    await client.deleteIndex(`${uid}__saved`).waitTask();
    await client.deleteIndex(`${uid}__terms`).waitTask();
  });

  const open = (pathAndQuery: string, width = 1200): Promise<Page> => pages.open(pathAndQuery, { viewport: { width, height: 900 }, clipboard: true });

  it('shows ranked hits with marked snippets and the source title for /?q=Sky ECC', async () => {
    const page = await open('/?q=Sky%20ECC');
    await page.waitForSelector('.hit');
    const first = page.locator('.hit').first();
    assert.equal(await first.locator('h2').innerText(), 'Blueprint underworld uncovered: dozens of arrests');
    const marks = await first.locator('.snippet mark').allInnerTexts();
    assert.ok(marks.some((m) => /Sky ECC/i.test(m)), marks.join('|'));
    assert.ok((await first.locator('.more-passages li').count()) >= 1, 'more passages of the same document under the hit');
    assert.equal(await page.locator('#more').isVisible(), false, 'no "load more" when everything is shown');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'results.png'), fullPage: true });
    await page.context().close();
  });

  it('searches as you type and keeps the query in the URL', async () => {
    const page = await open('/');
    await page.locator('#q').pressSequentially('Garssen', { delay: 30 });
    await page.waitForSelector('.hit');
    assert.match(await page.locator('.hit h2').first().innerText(), /Dutch police admit/);
    await page.waitForURL(/\?q=Garssen/);
    await page.context().close();
  });

  it('renders a hostile query as inert text', async () => {
    const hostile = '<img src=x onerror="window.__xss=1">"><script>window.__xss=2</script>';
    const page = await open(`/?q=${encodeURIComponent(hostile)}`);
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('No passages') || document.querySelector('.hit'));
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    assert.equal(await page.locator('main img, main script').count(), 0);
    assert.equal(await page.locator('#q').inputValue(), hostile);
    await page.context().close();
  });

  it('filters by a publisher facet', async () => {
    const page = await open('/?q=police');
    // The Ennetcom seed names no publisher; its canonical URL's site is reuters.com.
    await page.waitForSelector('#facets input[value="reuters.com"]');
    await page.locator('#facets input[value="reuters.com"]').check();
    await page.waitForURL(/publisher=reuters\.com/);
    await page.waitForFunction(() => document.querySelectorAll('.hit').length === 1);
    assert.match(await page.locator('.hit .cite').first().innerText(), /reuters\.com/);
    await page.context().close();
  });

  it('opens a document at the cited passage', async () => {
    const page = await open('/?q=Sinaloa');
    await page.waitForSelector('.hit');
    const link = await page.locator('.hit h2 a').first().getAttribute('href');
    assert.match(link ?? '', /^\/documents\/002_b09c8a4e056d45ba#p-\d+$/);
    await page.locator('.hit h2 a').first().click();
    await page.waitForSelector('#document .passage.cited');
    const id = await page.locator('#document .passage.cited').getAttribute('id');
    assert.equal(`#${id}`, link!.slice(link!.indexOf('#')));
    assert.match(await page.locator('#document .passage.cited').innerText(), /Sinaloa/);
    assert.equal(await page.locator('#document h1').innerText(), 'Dutch police admit accessing criminal chats by intercepting encryption server');
    await page.context().close();
  });

  it('shows where each field of the citation comes from on demand, and what cleaning removed collapsed', async () => {
    const page = await open('/documents/002_b09c8a4e056d45ba');
    await page.waitForSelector('#document .passage');
    const provenance = page.locator('#document details.provenance-box');
    assert.equal(await provenance.getAttribute('open'), null);
    await provenance.locator('summary').click();
    const text = await provenance.innerText();
    assert.match(text, /publisher\s+Police Professional — from the copyright line: .?Copyright © 2024 Police Professional/);
    assert.match(text, /author\s+Tony Thompson — from the byline/);
    assert.match(text, /url\s+not stated in the document/);
    const removed = page.locator('#document details.removed-box');
    assert.equal(await removed.getAttribute('open'), null);
    assert.equal(await removed.locator('li').first().isVisible(), false);
    await removed.locator('summary').click();
    assert.match(await removed.innerText(), /furniture\s+Related News/i);
    await page.context().close();
  });

  it('copies a citation with title, publisher, author, date, URL and the quote', async () => {
    const page = await open('/?q=Manupassa');
    await page.waitForSelector('.hit');
    await page.locator('.hit .actions button').first().click();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('.hit .actions button')?.dataset.copied);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    for (const part of ['Dutch police seize encrypted communication network with 19,000 users', 'reuters.com', 'Toby Sterling', '2016-04-23', 'http://feeds.reuters.com/', 'Manupassa']) {
      assert.ok(copied.includes(part), `citation holds ${part}: ${copied}`);
    }
    await page.context().close();
  });

  it('moves through hits with the keyboard', async () => {
    const page = await open('/?q=police');
    await page.waitForSelector('.hit');
    await page.locator('body').click();
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'q');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('hit')), true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/documents\//);
    await page.context().close();
  });

  it('says when search is unavailable', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${deadBase}/?q=police`);
    await page.waitForSelector('#status .error');
    assert.match(await page.locator('#status').innerText(), /unavailable/i);
    await context.close();
  });

  it('labels every control and fits a phone screen', async () => {
    const page = await open('/?q=police', 375);
    await page.waitForSelector('.hit');
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll('input, button, select, textarea'))
        .filter((e) => {
          const el = e as HTMLInputElement;
          if (el.type === 'checkbox') return !el.closest('label');
          return !(el.getAttribute('aria-label') || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.textContent?.trim());
        })
        .map((e) => e.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unlabelled, []);
    assert.ok(await page.locator('[role="search"]').count());
    assert.ok(await page.locator('main').count());
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'phone.png'), fullPage: false });
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    await page.context().close();
  });

  it('keeps its own assets under 50 KB before compression', () => {
    const total = fs.readdirSync(WEB_ROOT).reduce((n, f) => n + fs.statSync(path.join(WEB_ROOT, f)).size, 0);
    assert.ok(total < 50 * 1024, `${total} bytes`);
  });

  it('logged no console errors', () => {
    assert.deepEqual(pages.consoleErrors, []);
  });
});
