import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Meilisearch } from 'meilisearch';
import { projectRoot } from '../src/config.js';

export const SEEDS_DIR = path.join(projectRoot, 'seeds');
/** The seed collection's own synonyms: an example file, not the product's default (which is empty). */
export const SEED_SYNONYMS = path.join(projectRoot, 'config', 'examples', 'seeds-synonyms.json');

/** The suite's Meilisearch, started once by scripts/test.ts. */
export function testMeili(): { url: string; masterKey: string; client: Meilisearch } {
  const url = process.env.MEILI_URL;
  const masterKey = process.env.MEILI_MASTER_KEY;
  if (!url || !masterKey) throw new Error('Run the tests with `npm test`, which starts Meilisearch for them.');
  return { url, masterKey, client: new Meilisearch({ host: url, apiKey: masterKey, timeout: 30_000 }) };
}

/** An index name no other test uses. */
export function uniqueIndex(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

const tempDirs: string[] = [];
process.on('exit', () => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder, removed when the test process exits. */
export function tempDir(prefix = 'citable-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function seedFiles(): string[] {
  return fs.readdirSync(SEEDS_DIR).filter((f) => !f.startsWith('.')).sort();
}
