import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ingestDocument } from '../../src/ingest/ingest.js';
import { projectRoot } from '../../src/config.js';
import { SEEDS_DIR, seedFiles } from '../helpers.js';

interface SeedFixture {
  format: string;
  title: string;
  author: string | null;
  date: string | null;
  publisher: string | null;
  url: string | null;
  lang: string;
  /** The rule each field with a value was read by. */
  evidence: Record<string, string>;
  firstSentence: string;
  lastSentence: string;
  paragraphs: number;
  headings: string[];
  furniture: string[];
}

const FIXTURES = path.join(projectRoot, 'test', 'fixtures', 'seeds');

describe('the seeds', () => {
  it('are the five given documents, each with a fixture', () => {
    const files = seedFiles();
    assert.equal(files.length, 5);
    for (const f of files) assert.ok(fs.existsSync(path.join(FIXTURES, f.replace(/\.[^.]+$/, '.json'))), `fixture for ${f}`);
  });

  for (const file of seedFiles()) {
    describe(file, () => {
      const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, file.replace(/\.[^.]+$/, '.json')), 'utf8')) as SeedFixture;
      const doc = ingestDocument(file, fs.readFileSync(path.join(SEEDS_DIR, file)));
      const paragraphs = doc.items.filter((i) => i.kind === 'paragraph').map((i) => i.text);
      const headings = doc.items.filter((i) => i.kind === 'heading').map((i) => i.text);

      it('is detected as its format', () => assert.equal(doc.format, expected.format));
      it('has its title', () => assert.equal(doc.title, expected.title));
      it('has its author', () => assert.equal(doc.author, expected.author));
      it('has its date', () => assert.equal(doc.date, expected.date));
      it('has its publisher', () => assert.equal(doc.publisher, expected.publisher));
      it('has its url', () => assert.equal(doc.url, expected.url));
      it('has its language', () => assert.equal(doc.lang, expected.lang));
      it('keeps the evidence of each field it has, and none for the fields it lacks', () => {
        const rules = Object.fromEntries(Object.entries(doc.provenance).map(([field, e]) => [field, e!.rule]));
        assert.deepEqual(rules, expected.evidence);
        for (const field of ['title', 'author', 'date', 'publisher', 'url', 'lang'] as const) {
          assert.equal(doc[field] !== null, field in doc.provenance, field);
        }
      });
      it('starts with the first body sentence', () => assert.ok(paragraphs[0]!.startsWith(expected.firstSentence), paragraphs[0]));
      it('ends with the last body sentence', () => assert.ok(paragraphs.at(-1)!.endsWith(expected.lastSentence), paragraphs.at(-1)));
      it('keeps every body paragraph', () => assert.equal(paragraphs.length, expected.paragraphs));
      it('keeps its headings as headings', () => assert.deepEqual(headings, expected.headings));
      it('drops the page furniture', () => {
        for (const f of expected.furniture) assert.ok(!doc.body.includes(f), `"${f}" is still in the body`);
      });
      it('holds no markup, entities or non-breaking spaces', () => {
        assert.doesNotMatch(doc.body, /<\/?[a-z][^>]*>|&[a-z]+;|&#\d+;|\u00A0|\[\/?ad_\d\]/i);
      });
      it('covers its body with passages', () => {
        assert.ok(doc.passages.length > 0);
        for (const p of paragraphs) assert.ok(doc.passages.some((x) => x.text.includes(p)), `paragraph not in any passage: ${p.slice(0, 60)}`);
      });
    });
  }
});
