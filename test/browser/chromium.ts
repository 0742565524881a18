import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { projectRoot } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import type { SearchBackend } from '../../src/search/backend.js';
import { createApp } from '../../src/server/app.js';

/*
 * What every browser test shares: Debian's Chromium, the built page, a server on a free port, and
 * pages opened with their console errors recorded, for each file's "no console errors" check.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const WEB_ROOT = path.join(projectRoot, 'dist', 'web');
export const SCREENSHOTS = path.join(projectRoot, 'test-results');

/** Debian's Chromium, headless, with nothing of its own going out to the network. */
export async function launchChromium(): Promise<Browser> {
  assert.ok(fs.existsSync(CHROMIUM), 'Debian chromium is installed (.ci/run installs it)');
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The app listening on a free port of the loopback interface, and its address. */
export async function listen(app: ReturnType<typeof createApp>): Promise<{ server: Server; base: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      resolve({ server, base: `http://127.0.0.1:${(server.address() as { port: number }).port}` });
    });
  });
}

/** The app over `search` with the built page (ready, quiet, rate limit out of the way, plus `options`), listening, and Chromium. */
export async function servePage(search: SearchBackend, options: Partial<Parameters<typeof createApp>[0]> = {}) {
  const app = createApp({ search, readiness: async () => ({ ready: true, passages: 1 }), logger: createLogger('silent'), webRoot: WEB_ROOT, rateLimitPerMinute: 100_000, ...options });
  const { server, base } = await listen(app);
  return { app, server, base, browser: await launchChromium() };
}

/** Closes what servePage opened, and the search backend; each may be missing when `before` failed. */
export async function closePage(browser: Browser | undefined, server: Server | undefined, search: SearchBackend | undefined): Promise<void> {
  await browser?.close();
  server?.close();
  await search?.close();
}

export interface OpenOptions extends BrowserContextOptions {
  /** Open in this context instead of a new one. */
  context?: BrowserContext;
  /** Let the page read and write the clipboard (a new context only). */
  clipboard?: boolean;
}

/** Opens pages of one server in a browser, recording every console error and uncaught exception they report. */
export class PageOpener {
  /** Each error with the address of the page that reported it. */
  readonly consoleErrors: string[] = [];

  constructor(
    private readonly browser: () => Browser,
    private readonly base: () => string,
  ) {}

  /** Opens `address` (a path on the server, or a whole URL) in a new context, or in `context`. */
  async open(address: string, { context, clipboard = false, ...options }: OpenOptions = {}): Promise<Page> {
    let ctx = context;
    if (!ctx) {
      ctx = await this.browser().newContext(options);
      if (clipboard) await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: this.base() });
    }
    const page = await ctx.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') this.consoleErrors.push(`${address}: ${m.text()}`);
    });
    page.on('pageerror', (e) => this.consoleErrors.push(`${address}: ${e.message}`));
    await page.goto(address.startsWith('http') ? address : `${this.base()}${address}`);
    return page;
  }
}
