import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  byline, copyrightOwner, dateLine, imageCredit, isPlaceholderAuthor, parseDate, reportingCredit, sourceLine,
} from '../../src/ingest/metadata.js';
import { httpUrl, siteOfUrl } from '../../src/ingest/provenance.js';

describe('metadata rules', () => {
  it('parse dates in the forms pages print them', () => {
    assert.equal(parseDate('Nov 13, 2018'), '2018-11-13');
    assert.equal(parseDate('13 November 2018'), '2018-11-13');
    assert.equal(parseDate('September 1st, 2020'), '2020-09-01');
    assert.equal(parseDate('2016-04-23 02:43:04'), '2016-04-23');
    assert.equal(parseDate('2019-11-18T23:03:00Z'), '2019-11-18');
    assert.equal(parseDate('Feb 30, 2020'), null);
    assert.equal(parseDate('the 13th'), null);
  });
  it('read date lines with their noise, but not sentences that hold a date', () => {
    assert.equal(dateLine('Published: Tuesday, March 3, 2020 10:45 GMT'), '2020-03-03');
    assert.equal(dateLine('Updated 3 March 2020'), '2020-03-03');
    assert.equal(dateLine('The vote on March 3, 2020 was close and the count took all night.'), null);
  });
  it('read bylines that name people', () => {
    assert.equal(byline('By Tony Thompson'), 'Tony Thompson');
    assert.equal(byline('by Jan van der Berg | Reuters'), 'Jan van der Berg');
    assert.equal(byline('By the time police arrived, the men had gone.'), null);
  });
  it('read reporting credits', () => {
    assert.equal(reportingCredit('(Reporting by Toby Sterling, with additional reporting by Ethan Lou in Toronto; Editing by Dominic Evans)'), 'Toby Sterling');
    assert.equal(reportingCredit('(Reporting by Anna Smith; Editing by Bob Jones)'), 'Anna Smith');
  });
  it('know placeholder authors', () => {
    assert.ok(isPlaceholderAuthor('Staff Writer'));
    assert.ok(isPlaceholderAuthor('admin'));
    assert.ok(isPlaceholderAuthor('News Desk'));
    assert.ok(!isPlaceholderAuthor('Tony Thompson'));
  });
  it('read copyright owners and credits', () => {
    assert.equal(copyrightOwner('Copyright © 2024 Police Professional'), 'Police Professional');
    assert.equal(copyrightOwner('© 2010-2021 Example News Ltd. All rights reserved.'), 'Example News Ltd');
    assert.equal(copyrightOwner('Copyright 2020'), null);
    assert.equal(imageCredit('Image: Openbaar Ministerie'), 'Openbaar Ministerie');
    assert.equal(imageCredit('Photo credit: AFP'), 'AFP');
    assert.equal(imageCredit('Image: the suspects were seen leaving the building late at night'), null);
  });
  // A site is named by its registrable domain (public suffix list), as written: capitalising a host
  // label ("Bbc", "Nytimes") invented names no site uses.
  it('name the site of a URL by its registrable domain', () => {
    assert.equal(siteOfUrl('http://feeds.reuters.com/~r/x'), 'reuters.com');
    assert.equal(siteOfUrl('https://www.bbc.co.uk/news/1'), 'bbc.co.uk');
    assert.equal(siteOfUrl('https://someone.blogspot.com/2020/post'), 'someone.blogspot.com');
    assert.equal(siteOfUrl('http://10.0.0.1/x'), null);
    assert.equal(siteOfUrl('not a url'), null);
    assert.equal(siteOfUrl('javascript:alert(1)//example.com'), null);
  });
  it('accept only absolute http(s) URLs', () => {
    assert.equal(httpUrl('https://example.org/a?b=c#d'), 'https://example.org/a?b=c#d');
    assert.equal(httpUrl(' http://example.org/ '), 'http://example.org/');
    for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,<script>alert(1)</script>', '/relative/path', '//example.org/x', 'ftp://example.org/f', 'http://exa mple.org/', 'vbscript:x', '']) {
      assert.equal(httpUrl(bad), null, bad);
    }
  });
  it('read source lines', () => {
    assert.equal(sourceLine('Source: https://example.org/story/1'), 'https://example.org/story/1');
    assert.equal(sourceLine('Originally published at https://example.org/story/1.'), 'https://example.org/story/1');
    assert.equal(sourceLine('Source: javascript:alert(1)'), null);
    assert.equal(sourceLine('Source: Reuters'), null);
  });
});
