import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { main as users, type CliIo } from '../../src/accounts/cli.js';
import { UsersStore } from '../../src/accounts/users-store.js';
import { projectRoot } from '../../src/config.js';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { indexSettings } from '../../src/meili/settings.js';
import { SearchBackend } from '../../src/search/backend.js';
import { createAccess } from '../../src/server/auth/access.js';
import { closePage, PageOpener, SCREENSHOTS, servePage } from './chromium.js';
import { freshIndexes, searchBackendFor, SEEDS_DIR, tempDir, testMeili } from '../helpers.js';

const PASSWORD = 'correct horse battery staple';

describe('signing in and out of the page in Chromium', { timeout: 120_000 }, () => {
  const { url, client } = testMeili();
  const uid = freshIndexes(client)('signin');
  const dataDir = tempDir('citable-signin-');
  let browser: Browser;
  let base: string;
  let server: Server;
  let backend: SearchBackend;
  const pages = new PageOpener(() => browser, () => base);

  before(async () => {
    const settings = indexSettings(path.join(projectRoot, 'config', 'synonyms.json'));
    await runIndexJob(client, uid, settings, { roots: [SEEDS_DIR] });
    backend = await searchBackendFor({ url, client }, uid, settings);
    const io: CliIo = { stdout: () => undefined, stderr: () => undefined, readStdin: async () => PASSWORD, promptHidden: async () => PASSWORD };
    assert.equal(await users(['add', 'ada', '--role', 'reader', '--password-stdin', '--no-token'], io, { DATA_DIR: dataDir }), 0);
    // As main builds it for a service off loopback.
    const access = createAccess({ store: new UsersStore(dataDir), loopback: false, proxyAuth: null, trustProxy: { kind: 'off' }, audit: null });
    ({ server, base, browser } = await servePage(backend, { access }));
  });

  after(async () => {
    await closePage(browser, server, backend);
  });

  const open = (context: BrowserContext, pathAndQuery: string): Promise<Page> => pages.open(pathAndQuery, { context });

  async function signIn(page: Page, password: string) {
    await page.locator('#sign-in-name').fill('ada');
    await page.locator('#sign-in-password').fill(password);
    await page.locator('#sign-in-form button[type="submit"]').click();
  }

  it('asks for sign-in first and shows nothing of the collection', async () => {
    const context = await browser.newContext();
    const page = await open(context, '/?q=Sinaloa');
    await page.waitForSelector('#sign-in:not([hidden])');
    assert.equal(await page.locator('#sign-in-name').evaluate((e) => e === document.activeElement), true, 'the account field has focus');
    assert.equal(await page.locator('#search-form').isVisible(), false);
    assert.equal(await page.locator('.hit').count(), 0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'sign-in.png') });
    await context.close();
  });

  it('says when the password is wrong, then signs in and searches, and a reload stays signed in', async () => {
    const context = await browser.newContext();
    const page = await open(context, '/?q=Sinaloa');
    await page.waitForSelector('#sign-in:not([hidden])');
    await signIn(page, 'not the password');
    await page.waitForFunction(() => document.querySelector('#sign-in-message')?.textContent?.includes('wrong password'));
    assert.equal(await page.locator('#search-form').isVisible(), false);

    await signIn(page, PASSWORD);
    await page.waitForSelector('.hit');
    assert.match(await page.locator('.hit h2').first().innerText(), /Dutch police admit/);
    assert.match(await page.locator('#account').innerText(), /Signed in as ada/);
    assert.equal(await page.locator('#sign-in').isVisible(), false);

    const [cookie] = await context.cookies(base);
    assert.equal(cookie?.name, 'citable_session');
    assert.deepEqual([cookie?.httpOnly, cookie?.sameSite, cookie?.path], [true, 'Strict', '/']);
    assert.ok((cookie?.expires ?? 0) > Date.now() / 1000, 'the cookie expires');
    assert.equal(await page.evaluate(() => document.cookie), '', 'scripts cannot read the session cookie');

    await page.reload();
    await page.waitForSelector('.hit');
    assert.match(await page.locator('#account').innerText(), /Signed in as ada/);
    await context.close();
  });

  it('signs out: the results go, the form comes back, and the API answers 401', async () => {
    const context = await browser.newContext();
    const page = await open(context, '/documents/002_b09c8a4e056d45ba');
    await page.waitForSelector('#sign-in:not([hidden])');
    await signIn(page, PASSWORD);
    await page.waitForSelector('#document h1');
    await page.locator('#sign-out').click();
    await page.waitForSelector('#sign-in:not([hidden])');
    assert.match(await page.locator('#sign-in-message').innerText(), /Signed out/);
    assert.equal(await page.locator('#document').innerText(), '', 'the document is gone from the page');
    assert.equal(await page.locator('#account').innerText(), '');
    assert.deepEqual(await context.cookies(base), [], 'the cookie is cleared');
    const status = await page.evaluate(async () => (await fetch('/api/documents/002_b09c8a4e056d45ba')).status);
    assert.equal(status, 401);
    await context.close();
  });

  it('logged no console errors but the two refusals these tests asked for', () => {
    // Chromium reports every 4xx answer as a console error: one for the wrong password, one for the
    // request after sign-out. Anything else is a fault of the page.
    const unexpected = pages.consoleErrors.filter((e) => !/Failed to load resource: the server responded with a status of 401/.test(e));
    assert.deepEqual(unexpected, []);
    assert.equal(pages.consoleErrors.length, 2, pages.consoleErrors.join('\n'));
  });
});
