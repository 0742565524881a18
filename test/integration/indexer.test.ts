import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Meilisearch } from 'meilisearch';
import { projectRoot } from '../../src/config.js';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { indexSettings } from '../../src/meili/settings.js';
import { accumulate, emptyDelta } from '../../src/indexing/term-stats.js';
import { termsIndexOf } from '../../src/meili/indexes.js';
import { decodeDocumentPostings, decodePassagePostings } from '../../src/terms/postings.js';
import { CORPUS_RECORD_ID, DOCUMENT_COUNTS_VERSION, POSTINGS_VERSION, termId, type DocumentCountsRecord, type TermRecord } from '../../src/terms/schema.js';
import { decodeTermCounts } from '../../src/text/term-counts.js';
import { freshIndexes, SEED_SYNONYMS, seedFiles, SEEDS_DIR, tempDir, testMeili } from '../helpers.js';

const settings = indexSettings(SEED_SYNONYMS);

/** A folder holding the seeds plus the given extra files. */
function seedFolder(extra: Record<string, Buffer | string> = {}): string {
  const dir = tempDir('citable-corpus-');
  for (const f of seedFiles()) fs.copyFileSync(path.join(SEEDS_DIR, f), path.join(dir, f));
  for (const [name, content] of Object.entries(extra)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

async function docIds(client: Meilisearch, uid: string): Promise<string[]> {
  const res = await client.index(uid).search('', { facets: ['docId'], limit: 0 });
  return Object.keys(res.facetDistribution?.docId ?? {}).sort();
}

function runCli(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'scripts', 'index.ts'), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    cwd: projectRoot,
  });
}

describe('indexing jobs against Meilisearch', () => {
  const { url, masterKey, client } = testMeili();
  const fresh = freshIndexes(client);

  it('indexes the seeds, names bad files, skips unchanged, removes deleted (CLI, --json)', () => {
    const uid = fresh('cli');
    const dir = seedFolder({ 'photo.bin': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]), 'empty.txt': '' });
    const env = { MEILI_URL: url, MEILI_MASTER_KEY: masterKey, INDEX: uid };

    const first = runCli(['--json', dir], env);
    assert.equal(first.status, 1, first.stderr);
    const s1 = JSON.parse(first.stdout);
    assert.equal(s1.documents.indexed, 5);
    assert.equal(s1.documents.failed, 2);
    assert.deepEqual(s1.failures.map((f: { file: string }) => path.basename(f.file)).sort(), ['empty.txt', 'photo.bin']);
    assert.ok(s1.failures.every((f: { error: string }) => f.error.length > 0));
    assert.ok(s1.passages > 5);

    const second = JSON.parse(runCli(['--json', dir], env).stdout);
    assert.equal(second.documents.unchanged, 5);
    assert.equal(second.documents.indexed, 0);

    fs.rmSync(path.join(dir, seedFiles()[0]!));
    const third = runCli(['--json', dir], env);
    const s3 = JSON.parse(third.stdout);
    assert.equal(s3.documents.removed, 1);
  });

  it('replaces a changed document and leaves none of its old passages behind', async () => {
    const uid = fresh('changed');
    const dir = seedFolder();
    await runIndexJob(client, uid, settings, { roots: [dir] });
    const file = seedFiles()[2]!;
    const docId = file.replace(/\.[^.]+$/, '');
    const before = await client.index(uid).search('', { filter: `docId = "${docId}"`, limit: 100 });
    // Keep the title and the first two paragraphs only.
    const text = fs.readFileSync(path.join(dir, file), 'utf8').split('\n\n').slice(0, 3).join('\n\n') + '\n\nA new closing paragraph says that the case is now closed and that the authorities have nothing more to add at this time.';
    fs.writeFileSync(path.join(dir, file), text);
    const summary = await runIndexJob(client, uid, settings, { roots: [dir] });
    assert.equal(summary.documents.indexed, 1);
    assert.equal(summary.documents.unchanged, 4);
    const after = await client.index(uid).search('', { filter: `docId = "${docId}"`, limit: 100 });
    assert.ok(after.hits.length < before.hits.length, `${after.hits.length} < ${before.hits.length}`);
    const hashes = new Set(after.hits.map((h) => h.docHash));
    assert.equal(hashes.size, 1);
    const closing = await client.index(uid).search('nothing more to add', { filter: `docId = "${docId}"` });
    assert.equal(closing.hits.length, 1);
  });

  it('removes the passages of a deleted document from search', async () => {
    const uid = fresh('deleted');
    const dir = seedFolder();
    await runIndexJob(client, uid, settings, { roots: [dir] });
    assert.equal((await docIds(client, uid)).length, 5);
    fs.rmSync(path.join(dir, '003_ae79e258a1b5c6aa.txt'));
    const s = await runIndexJob(client, uid, settings, { roots: [dir] });
    assert.equal(s.documents.removed, 1);
    assert.ok(!(await docIds(client, uid)).includes('003_ae79e258a1b5c6aa'));
    const hits = await client.index(uid).search('Sky ECC Argus');
    assert.ok(hits.hits.every((h) => h.docId !== '003_ae79e258a1b5c6aa'));
  });

  it('keeps term statistics equal to a count from scratch through changes and removals', async () => {
    const uid = fresh('terms');
    const dir = seedFolder();
    await runIndexJob(client, uid, settings, { roots: [dir] });
    const file = path.join(dir, seedFiles()[1]!);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').split('\n\n').slice(0, 3).join('\n\n'));
    fs.rmSync(path.join(dir, seedFiles()[3]!));
    await runIndexJob(client, uid, settings, { roots: [dir] });

    const all = await client.index(uid).getDocuments({ limit: 10_000 });
    const expected = accumulate(emptyDelta(), all.results as never[], 1);
    const stored = await client.index<TermRecord>(termsIndexOf(uid)).getDocuments({ filter: 'term EXISTS', limit: 100_000 });
    const byId = new Map(stored.results.map((r) => [r.id, r]));
    const corpus = byId.get(CORPUS_RECORD_ID)!;
    assert.equal(corpus.df, all.results.length);
    assert.equal(corpus.docs, 4);
    assert.equal(corpus.tokens, expected.tokens);
    assert.equal(stored.results.length - 1, expected.terms.size, 'no stale terms');
    assert.equal(corpus.postings, POSTINGS_VERSION);
    const sorted = <T,>(list: readonly T[] | undefined) => [...(list ?? [])].map((x) => JSON.stringify(x)).sort();
    for (const [term, { df, ddf, passages, documents }] of expected.terms) {
      const record = byId.get(termId(term));
      assert.equal(record?.df, df, `df of ${term}`);
      assert.equal(record?.ddf, ddf, `documents with ${term}`);
      // Four seeds hold fewer passages than a term keeps: every list is whole, with no passage of
      // the removed seed and only the shortened seed's new passages.
      assert.deepEqual(sorted(decodePassagePostings(record?.passages)), sorted(passages?.items), `passages with ${term}`);
      assert.deepEqual(sorted(decodeDocumentPostings(record?.documents)), sorted(documents?.items), `documents listed for ${term}`);
    }
    // One counts record per document held, none for the removed seed, the shortened seed's counting its new passages.
    const counts = (await client.index<DocumentCountsRecord>(termsIndexOf(uid)).getDocuments({ filter: 'term NOT EXISTS', limit: 1000 })).results;
    assert.deepEqual(counts.map((r) => r.docId).sort(), await docIds(client, uid));
    for (const r of counts) {
      const passages = (all.results as Array<{ docId: string; position: number; docTokens: number }>).filter((p) => p.docId === r.docId);
      const positions = decodeTermCounts(r.termCounts, [])?.passages.map((p) => p.position);
      assert.deepEqual(positions?.sort((a, b) => a - b), passages.map((p) => p.position).sort((a, b) => a - b), `passages counted of ${r.docId}`);
      assert.equal(r.docTokens, passages[0]?.docTokens);
    }
  });

  it('writes the counts records an index built before them lacks, for the documents it keeps', async () => {
    const uid = fresh('counts');
    const dir = seedFolder();
    await runIndexJob(client, uid, settings, { roots: [dir] });
    const termsIndex = client.index<TermRecord>(termsIndexOf(uid));
    const records = async () => (await termsIndex.getDocuments({ filter: 'term NOT EXISTS', limit: 1000 })).results.sort((a, b) => (a.id < b.id ? -1 : 1));
    const built = await records();
    assert.equal(built.length, 5);
    // As the previous release left an index: no counts records, no mark on the corpus record.
    await termsIndex.deleteDocuments(built.map((r) => r.id)).waitTask();
    const { counts: _, ...unmarked } = (await termsIndex.getDocuments({ filter: `id = "${CORPUS_RECORD_ID}"` })).results[0]!;
    await termsIndex.addDocuments([unmarked]).waitTask();

    const s = await runIndexJob(client, uid, settings, { roots: [dir] });
    assert.equal(s.documents.unchanged, 5);
    assert.deepEqual(await records(), built, 'the records a build writes, from the stored passages');
    const corpus = (await termsIndex.getDocuments({ filter: `id = "${CORPUS_RECORD_ID}"` })).results[0]!;
    assert.equal(corpus.counts, DOCUMENT_COUNTS_VERSION);
    assert.equal(corpus.pending, undefined);
  });

  it('recounts statistics an older release kept without postings, on the next job', async () => {
    const uid = fresh('recount');
    const dir = seedFolder();
    await runIndexJob(client, uid, settings, { roots: [dir] });
    const termsIndex = client.index<TermRecord>(termsIndexOf(uid));
    // As an older release left them: no postings mark, postings in another form.
    const before = await termsIndex.getDocuments({ limit: 100_000 });
    const old = before.results.map(({ postings: _p, passages, documents: _d, ...r }) => ({ ...r, ...(passages ? { passages: decodePassagePostings(passages) } : {}) }));
    await termsIndex.deleteAllDocuments().waitTask();
    await termsIndex.addDocuments(old as never[]).waitTask();

    const s = await runIndexJob(client, uid, settings, { roots: [dir] });
    assert.equal(s.documents.unchanged, 5);
    const after = new Map((await termsIndex.getDocuments({ limit: 100_000 })).results.map((r) => [r.id, r]));
    assert.equal(after.get(CORPUS_RECORD_ID)?.postings, POSTINGS_VERSION);
    // The recount empties the term records only: the documents' counts, which it does not write, stay.
    const counts = before.results.filter((r) => r.term === undefined);
    assert.equal(counts.length, 5);
    for (const r of counts) assert.deepEqual(after.get(r.id), r);
    for (const r of before.results) {
      assert.equal(after.get(r.id)?.df, r.df, `df of ${r.term}`);
      const same = (a?: string, b?: string) => assert.deepEqual((a ?? '').split(' ').sort(), (b ?? '').split(' ').sort(), `postings of ${r.term}`);
      same(after.get(r.id)?.passages, r.passages);
      same(after.get(r.id)?.documents, r.documents);
    }
  });

  it('recounts an index the previous release built (best documents only) into blocks of every document, as a fresh build writes them', async () => {
    const uid = fresh('blocks');
    const dir = seedFolder();
    // Blocks of two documents: the seeds' common terms span several.
    const postings = { block: 2 };
    await runIndexJob(client, uid, settings, { roots: [dir], postings });
    const termsIndex = client.index<TermRecord>(termsIndexOf(uid));
    const all = async (index: string) => new Map((await client.index<TermRecord>(termsIndexOf(index)).getDocuments({ filter: 'term EXISTS', limit: 100_000 })).results.map((r) => [r.id, r]));
    const built = await all(uid);
    assert.ok([...built.values()].some((r) => (r.block ?? 0) > 0), 'some term has a second block');
    // As the previous release left them: one record per term with its best documents, version 2.
    const previous = [...built.values()]
      .filter((r) => (r.block ?? 0) === 0)
      .map(({ block: _b, blocks: _n, blockSize: _s, weighedAt: _w, ...r }) =>
        r.id === CORPUS_RECORD_ID ? { ...r, postings: 2 } : { ...r, documents: [...built.values()].filter((b) => b.term === r.term).map((b) => b.documents).filter(Boolean).join(' ') },
      );
    await termsIndex.deleteAllDocuments().waitTask();
    await termsIndex.addDocuments(previous as never[]).waitTask();

    const s = await runIndexJob(client, uid, settings, { roots: [dir], postings });
    assert.equal(s.documents.unchanged, 5);
    const reference = fresh('blocks-reference');
    await runIndexJob(client, reference, settings, { roots: [dir], postings });
    const [after, expected] = [await all(uid), await all(reference)];
    assert.equal(after.get(CORPUS_RECORD_ID)?.postings, POSTINGS_VERSION);
    assert.deepEqual([...after.keys()].sort(), [...expected.keys()].sort());
    for (const [id, r] of expected) assert.deepEqual(after.get(id), r, `record ${id} (${r.term})`);

    // An incremental change keeps every term's documents whole across its blocks.
    const file = path.join(dir, seedFiles()[1]!);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').split('\n\n').slice(0, 3).join('\n\n'));
    fs.rmSync(path.join(dir, seedFiles()[3]!));
    await runIndexJob(client, uid, settings, { roots: [dir], postings });
    const rebuilt = fresh('blocks-rebuilt');
    await runIndexJob(client, rebuilt, settings, { roots: [dir], postings });
    const byTerm = (records: Map<string, TermRecord>) => {
      const out = new Map<string, { df: number; ddf?: number; documents: string[]; blocks: number }>();
      for (const r of records.values()) {
        if (r.id === CORPUS_RECORD_ID) continue;
        const e = out.get(r.term) ?? { df: 0, documents: [], blocks: 0 };
        if ((r.block ?? 0) === 0) Object.assign(e, { df: r.df, ddf: r.ddf });
        e.documents.push(...decodeDocumentPostings(r.documents).map((p) => p.join(',')));
        e.blocks++;
        out.set(r.term, e);
      }
      for (const e of out.values()) e.documents.sort();
      return out;
    };
    assert.deepEqual(byTerm(await all(uid)), byTerm(await all(rebuilt)));
  });

  it('names unreadable paths, symlink loops and oversized files, and indexes the rest', async () => {
    const uid = fresh('bad');
    // Control bytes that no text encoding reads as text (Latin-1 text itself is read: see the formats tests).
    const dir = seedFolder({ 'garbled.txt': Buffer.from([0x01, 0x02, 0x03, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86]), 'big.txt': 'word '.repeat(5_000) });
    fs.symlinkSync(dir, path.join(dir, 'loop'));
    const s = await runIndexJob(client, uid, settings, { roots: [dir, path.join(dir, 'missing')], maxFileBytes: 20_000 });
    assert.equal(s.documents.indexed, 5);
    const reasons = Object.fromEntries(s.failures.map((f) => [path.basename(f.file), f.error]));
    assert.match(reasons['garbled.txt']!, /no text encoding fits \(tried utf-8/);
    assert.match(reasons['big.txt']!, /over the limit/);
    assert.match(reasons.loop!, /loop/);
    assert.match(reasons.missing!, /no such file/);
  });

  it('applies settings only when they change', async () => {
    const uid = fresh('settings');
    const dir = seedFolder();
    await runIndexJob(client, uid, settings, { roots: [dir] });
    const tasksBefore = await client.tasks.getTasks({ indexUids: [uid], types: ['settingsUpdate'] });
    await runIndexJob(client, uid, settings, { roots: [dir] });
    const tasksAfter = await client.tasks.getTasks({ indexUids: [uid], types: ['settingsUpdate'] });
    assert.equal(tasksAfter.results.length, tasksBefore.results.length);
    const applied = await client.index(uid).getSettings();
    assert.deepEqual(applied.searchableAttributes, ['title', 'heading', 'text', 'author', 'publisher']);
    assert.deepEqual(applied.synonyms?.cryptophone, settings.synonyms?.cryptophone);
  });

  describe('--rebuild', () => {
    let uid: string;
    let dir: string;
    before(async () => {
      uid = fresh('rebuild');
      dir = seedFolder();
      await runIndexJob(client, uid, settings, { roots: [dir] });
    });

    it('swaps a fresh index in while searches in a loop all find hits', async () => {
      let stop = false;
      let searches = 0;
      const empty: number[] = [];
      const loop = (async () => {
        while (!stop) {
          const r = await client.index(uid).search('police');
          searches++;
          if (r.hits.length === 0) empty.push(searches);
        }
      })();
      const s = await runIndexJob(client, uid, settings, { roots: [dir], rebuild: true });
      stop = true;
      await loop;
      assert.equal(s.documents.indexed, 5);
      // However many ran while the job built and swapped the index, each found hits.
      assert.ok(searches > 0, 'searches ran during the rebuild');
      assert.deepEqual(empty, []);
      const indexes = await client.getIndexes({ limit: 1000 });
      assert.ok(!indexes.results.some((i) => i.uid.startsWith(`${uid}__rebuild`)), 'temporary index removed');
    });

    it('leaves the live index serving when the rebuild fails', async () => {
      const broken = { ...settings, filterableAttributes: ['not a valid attribute list' as unknown as string, 42 as unknown as string] };
      await assert.rejects(runIndexJob(client, uid, broken, { roots: [dir], rebuild: true }));
      const r = await client.index(uid).search('police');
      assert.ok(r.hits.length > 0);
    });
  });

  it('dry run prints each passage record and sends nothing', () => {
    const uid = fresh('dry');
    const out = runCli(['--dry-run', '--ndjson', SEEDS_DIR], { MEILI_URL: 'http://127.0.0.1:9', MEILI_MASTER_KEY: 'x'.repeat(16), INDEX: uid });
    assert.equal(out.status, 0, out.stderr);
    const records = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const fields = ['id', 'docId', 'file', 'title', 'heading', 'text', 'position', 'start', 'end', 'author', 'date', 'year', 'publisher', 'url', 'lang', 'hash'];
    for (const r of records) for (const f of fields) assert.ok(f in r, `record has ${f}`);
    assert.deepEqual([...new Set(records.map((r) => r.file))].sort(), seedFiles());
    for (const r of records) {
      assert.doesNotMatch(r.text, /<\/?[a-z][^>]*>|&[a-z]+;|&#\d+;|\u00A0/i);
      assert.doesNotMatch(r.text, /^(post_title|author|permalink|canonical_url):/m);
    }
  });

  it('dry run stops quietly when its reader closes the pipe early', () => {
    const script = `"${process.execPath}" --import tsx "${path.join(projectRoot, 'scripts', 'index.ts')}" --dry-run --ndjson "${SEEDS_DIR}" | head -n 1`;
    const out = spawnSync('bash', ['-o', 'pipefail', '-c', script], { encoding: 'utf8', cwd: projectRoot });
    assert.equal(out.status, 0, out.stderr);
    assert.equal(JSON.parse(out.stdout).position, 0);
    assert.doesNotMatch(out.stderr, /EPIPE|Error/);
  });

  it('exits 2 with a clear message when Meilisearch is unreachable', () => {
    const out = runCli([SEEDS_DIR], { MEILI_URL: 'http://127.0.0.1:9', MEILI_MASTER_KEY: 'x'.repeat(16) });
    assert.equal(out.status, 2);
    assert.match(out.stderr, /does not answer/);
  });

  it('exits 2 on a usage error', () => {
    const out = runCli(['--no-such-flag'], {});
    assert.equal(out.status, 2);
  });
});
