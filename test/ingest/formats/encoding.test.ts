import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { decodeTextFile } from '../../../src/ingest/formats/encoding.js';

const sample = 'The café’s “small craft” rate – €4.20 per tonne – stays as it was for naïve visitors.';

describe('text encodings', () => {
  it('reads UTF-8', () => assert.deepEqual(decodeTextFile(Buffer.from(sample)), { text: sample, encoding: 'utf-8' }));
  it('reads UTF-8 with a byte-order mark, without the mark', () =>
    assert.deepEqual(decodeTextFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sample)])), { text: sample, encoding: 'utf-8' }));
  it('reads UTF-16LE without a byte-order mark', () => assert.deepEqual(decodeTextFile(Buffer.from(sample, 'utf16le')), { text: sample, encoding: 'utf-16le' }));
  it('reads UTF-16BE with a byte-order mark', () =>
    assert.deepEqual(decodeTextFile(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(sample, 'utf16le').swap16()])), { text: sample, encoding: 'utf-16be' }));
  it('reads Windows-1252, curly quotes and euro sign included', () => assert.deepEqual(decodeTextFile(iconv.encode(sample, 'windows-1252')), { text: sample, encoding: 'windows-1252' }));
  it('reads ISO-8859-2 Czech text', () => {
    const czech = 'Příliš žluťoučký kůň úpěl ďábelské ódy. Řeka teče pod mostem a lidé na břehu čekají na loď, která přiveze náklad až zítra ráno.';
    const decoded = decodeTextFile(iconv.encode(czech, 'iso-8859-2'));
    assert.equal(decoded.text, czech);
  });
  it('refuses binary data', () => assert.throws(() => decodeTextFile(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 0x13, 0, 0xff, 0x80, 0])), /binary/));
  it('refuses bytes no encoding fits, naming the encodings tried', () =>
    assert.throws(() => decodeTextFile(new Uint8Array([0x01, 0x02, 0x03, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86])), /no text encoding fits \(tried utf-8, .*windows-1252\)/));
});
