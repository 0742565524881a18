import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pdfText } from '../../../src/ingest/formats/pdf.js';

describe('the characters of a PDF text run', () => {
  it('drops the U+0000 pdf.js gives for a glyph without a character', () => assert.equal(pdfText('\u0000\u0000 KBS \u0000'), ' KBS '));
  it('reads a Kangxi radical as the ideograph it stands for', () => assert.equal(pdfText('\u2F00般的に'), '一般的に'));
  it('reads a compatibility ideograph as the unified one', () => assert.equal(pdfText('\uF900'), '\u8C48'));
  it('leaves other text as it is, full-width signs included', () => assert.equal(pdfText('Ctrl＋Alt＋K “quoted”'), 'Ctrl＋Alt＋K “quoted”'));
});
