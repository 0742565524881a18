/*
 * Hostile documents: each is read within bounds, or refused by name. No test here times anything:
 * an input that took minutes before (the cost grew with the square of its size) must simply complete
 * within the test's generous timeout, and the checks are on what comes out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ancestorIds } from '../../src/ingest/blocks.js';
import { htmlToBlocks, MAX_HTML_ELEMENTS } from '../../src/ingest/html.js';
import { ingestDocument } from '../../src/ingest/ingest.js';
import { limitNesting, MAX_HTML_DEPTH } from '../../src/ingest/nesting.js';
import { sentenceRanges } from '../../src/ingest/passages.js';
import { textFragmentsFor } from '../../src/ingest/text-fragment.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('a page nested 100,000 elements deep', () => {
  const depth = 100_000;
  const page = `<!doctype html><html><head><title>Deep</title></head><body>${'<div>'.repeat(depth)}<p>The investigators said the network had been used by thousands of people across several countries, and that the messages were read for months.</p>${'</div>'.repeat(depth)}</body></html>`;

  it('is read, not a stack overflow, with its text kept', { timeout: 120_000 }, () => {
    const doc = ingestDocument('deep.html', bytes(page));
    assert.equal(doc.title, 'Deep');
    assert.match(doc.body, /investigators said the network/);
  });

  it('is nested no deeper than browsers nest it once flattened', () => {
    const { html, depth: found } = limitNesting(page);
    assert.ok(found >= depth, `depth ${found}`);
    const again = limitNesting(html);
    assert.ok(again.depth <= MAX_HTML_DEPTH + 2, `depth after the cut ${again.depth}`);
    const { blocks } = htmlToBlocks(page);
    const deepest = Math.max(...blocks.map((b) => ancestorIds(b).length));
    assert.ok(deepest <= MAX_HTML_DEPTH + 2, `blocks nested ${deepest} deep`);
  });

  it('leaves markup nested less deeply exactly as it was', () => {
    const shallow = '<html><body><div><p>One <b>two</b></p><!-- <div><div> --><script>if (a < b) "<div>"</script></div></body></html>';
    assert.equal(limitNesting(shallow).html, shallow);
    assert.equal(limitNesting(shallow).depth, 4);
  });
});

describe('a page of 200,000 paragraphs', () => {
  it('is read whole', { timeout: 300_000 }, () => {
    const n = 200_000;
    const body = Array.from({ length: n }, (_, i) => `<p>Paragraph ${i} says the police read the messages of the network for months.</p>`).join('');
    const doc = ingestDocument('many.html', bytes(`<html><head><title>Many</title></head><body>${body}</body></html>`));
    assert.match(doc.body, /Paragraph 0 says/);
    assert.match(doc.body, new RegExp(`Paragraph ${n - 1} says`));
  });
});

describe('bounds that refuse by name', () => {
  it('more elements than the bound', () => {
    const page = `<html><body>${'<b>x</b>'.repeat(MAX_HTML_ELEMENTS + 1)}</body></html>`;
    assert.throws(() => htmlToBlocks(page), /more than 1,000,000 HTML elements/);
  });

  it('a YAML alias bomb in front matter', () => {
    const lines = ['---', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i <= 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    lines.push('title: Bomb', '---', '', 'The body of the post says very little.');
    assert.throws(() => ingestDocument('bomb.md', bytes(lines.join('\n'))), /front matter: .*alias/i);
  });
});

describe('text whose cleaning grew with the square of its size', () => {
  it('finds unique starts for 20,000 passages of one repeated sentence', { timeout: 60_000 }, () => {
    const sentence = 'The police said the phones were sold to criminals across Europe for years. ';
    const body = sentence.repeat(20_000);
    const ranges = Array.from({ length: 20_000 }, (_, i) => [i * sentence.length, (i + 1) * sentence.length - 1] as const);
    const fragments = textFragmentsFor(body, ranges);
    assert.equal(fragments.length, 20_000);
    // Every start is ambiguous, so each is lengthened to the longest allowed (12 words).
    assert.ok(fragments.every((f) => f.startsWith('The%20police%20said%20the%20phones%20were%20sold%20to%20criminals%20across%20Europe%20for')), fragments[0]);
  });

  it('tells apart starts that differ only in case, as a browser matches', () => {
    const body = 'The police said one thing here today. the police said ANOTHER thing there too and more and more.';
    const [a, b] = textFragmentsFor(body, [[0, 37], [38, body.length]]);
    assert.ok(a!.startsWith('The%20police%20said%20one'), a);
    assert.ok(b!.startsWith('the%20police%20said%20ANOTHER'), b);
  });

  it('splits a one-megabyte paragraph into sentences', { timeout: 60_000 }, () => {
    const sentence = 'Investigators read the messages for months before the arrests. ';
    const text = sentence.repeat(Math.ceil(1_000_000 / sentence.length));
    const ranges = sentenceRanges(text);
    assert.equal(ranges.length, Math.ceil(1_000_000 / sentence.length));
    assert.equal(text.slice(...ranges[1]!), sentence.trim());
  });

  it('bounds a run of abbreviations that would join into one endless sentence', { timeout: 60_000 }, () => {
    const text = 'Dr. '.repeat(250_000);
    const ranges = sentenceRanges(text);
    assert.ok(ranges.length > 100, `${ranges.length} sentences`);
    assert.ok(ranges.every(([s, e]) => e - s <= 2_048));
  });
});
