import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { Meilisearch, type Settings } from 'meilisearch';
import { main as users, type CliIo } from '../src/accounts/cli.js';
import { projectRoot } from '../src/config.js';
import { ensureSearchKey } from '../src/meili/keys.js';
import { SearchBackend } from '../src/search/backend.js';
import { openApiDocument } from '../src/server/openapi.js';

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

/**
 * Index names for one test suite (call it in a `describe` body): each call gives a unique name.
 * After the suite, every index whose name begins with one of them is deleted: the index, its terms
 * index and any rebuild's.
 */
export function freshIndexes(client: Meilisearch): (prefix: string) => string {
  const uids: string[] = [];
  after(async () => {
    const all = await client.getIndexes({ limit: 10_000 });
    const ours = all.results.filter((i) => uids.some((u) => i.uid.startsWith(u)));
    await Promise.all(ours.map((i) => client.deleteIndex(i.uid).waitTask().catch(() => undefined)));
  });
  return (prefix) => {
    const uid = uniqueIndex(prefix);
    uids.push(uid);
    return uid;
  };
}

/**
 * A search backend on an index through a search-only key of its own, as the service builds one.
 (with the index's synonyms). The caller closes it.
 */
export async function searchBackendFor(
  meili: { url: string; client: Meilisearch },
  uid: string,
  settings: Pick<Settings, 'synonyms'> = {},
): Promise<SearchBackend> {
  const key = await ensureSearchKey(meili.client, uid);
  return new SearchBackend(() => ({ url: meili.url, key, index: uid }), { synonyms: settings.synonyms ?? {} });
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

/**
 * Sends bytes on a connection of their own, exactly as written (no client library to tidy them),
 * and reads the answer until the server closes the connection.
 */
export function rawHttp(port: number, request: string): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), head: text.slice(0, split), body: text.slice(split + 4) });
    });
    socket.end(request);
  });
}

/** `npm run users` in-process, on the accounts of `dataDir`; returns stdout (a token for `add` and `token`). */
export async function usersCli(dataDir: string, argv: string[], stdin = ''): Promise<string> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (s) => void (out += s), stderr: (s) => void (err += s), readStdin: async () => stdin, promptHidden: async () => '' };
  const code = await users(argv, io, { DATA_DIR: dataDir });
  assert.equal(code, 0, err);
  return out.trim();
}

/** Validates a response body against a schema of the served OpenAPI document. */
export function openApiValidator(schemaName: keyof typeof openApiDocument.components.schemas) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema({ ...openApiDocument, $id: 'openapi.json' });
  return ajv.compile({ $ref: `openapi.json#/components/schemas/${schemaName}` });
}
