import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mailDate, messageDocId, separateReply, splitMbox } from '../../../src/ingest/formats/email.js';

describe('e-mail parts', () => {
  it('reads the calendar date the Date header writes, in the sender\'s zone', () => assert.equal(mailDate('Mon, 1 Jan 2024 00:30:00 +0100'), '2024-01-01'));
  it('has no date where the header has none', () => assert.equal(mailDate('sometime last week'), null));
  it('gives the same id to the same Message-ID', () => assert.equal(messageDocId('<A@example.org>'), messageDocId('a@example.org')));

  it('keeps ">" lines and their attribution apart from the message', () => {
    const r = separateReply([{ text: 'I agree with the plan.' }, { text: 'On Mon, 8 Jan 2024, Ann wrote:\n> Shall we go ahead?' }]);
    assert.deepEqual(r.paragraphs, ['I agree with the plan.']);
    assert.deepEqual(r.removed, [{ text: 'On Mon, 8 Jan 2024, Ann wrote:\n> Shall we go ahead?', reason: 'quoted reply' }]);
  });

  it('treats everything after an "Original Message" separator as quoted', () => {
    const r = separateReply([{ text: 'See below.' }, { text: '-----Original Message-----\nFrom: Ann' }, { text: 'The old text.' }]);
    assert.deepEqual(r.paragraphs, ['See below.']);
  });

  it('keeps a signature after "-- " apart', () => {
    const r = separateReply([{ text: 'The meeting moves to Friday.\n-- \nAnn Smith\nHarbour Office' }]);
    assert.deepEqual(r.paragraphs, ['The meeting moves to Friday.']);
    assert.equal(r.removed[0]!.reason, 'signature');
  });

  it('keeps a closing and a name apart as the signature', () => {
    const r = separateReply([{ text: 'The meeting moves to Friday.' }, { text: 'Kind regards,\nAnn Smith' }]);
    assert.deepEqual(r.paragraphs, ['The meeting moves to Friday.']);
  });

  it('keeps a long last paragraph that starts with thanks', () => {
    const long = 'Thanks, the survey team finished the soundings of the outer channel yesterday and found that the bar has moved about forty metres to the south since the last survey in the spring, which the pilots will want to know before the next spring tides bring the deep-draught tankers in.';
    assert.deepEqual(separateReply([{ text: long }]).paragraphs, [long]);
  });

  it('splits an mbox at its "From " lines', () => {
    const parts = splitMbox(Buffer.from('From a@x Mon Jan  1 00:00:00 2024\nSubject: one\n\nbody one\n>From here\n\nFrom b@x Mon Jan  1 00:00:00 2024\nSubject: two\n\nbody two\n'));
    assert.equal(parts.length, 2);
    assert.equal(Buffer.from(parts[0]!).toString(), 'Subject: one\n\nbody one\nFrom here\n\n');
    assert.equal(Buffer.from(parts[1]!).toString(), 'Subject: two\n\nbody two\n');
  });
});
