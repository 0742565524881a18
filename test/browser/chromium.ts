import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { projectRoot } from '../../src/config.js';

export const CHROMIUM = '/usr/bin/chromium';
export const WEB_ROOT = path.join(projectRoot, 'dist', 'web');
export const SCREENSHOTS = path.join(projectRoot, 'test-results');

/** Debian's Chromium, headless, with nothing of its own going out to the network. */
export async function launchChromium(): Promise<Browser> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
