import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, MARK_END as E, MARK_START as S, renderSnippet } from '../../src/search/snippet.js';

describe('snippets: escape, then mark', () => {
  it('marks matched words', () => {
    assert.equal(renderSnippet(`the ${S}police${E} said`), 'the <mark>police</mark> said');
  });
  it('escapes markup in the text, inside and outside marks', () => {
    assert.equal(
      renderSnippet(`<img src=x onerror="alert(1)"> ${S}<b>bold</b>${E} & 'q'`),
      '&lt;img src=x onerror=&quot;alert(1)&quot;&gt; <mark>&lt;b&gt;bold&lt;/b&gt;</mark> &amp; &#39;q&#39;',
    );
  });
  it('marks a phrase whole', () => {
    assert.equal(renderSnippet(`a ${S}Sky${E} ${S}ECC${E} phone`), 'a <mark>Sky ECC</mark> phone');
  });
  it('marks a number with thousands separators whole', () => {
    assert.equal(renderSnippet(`more than ${S}23${E},${S}000${E} kilos`), 'more than <mark>23,000</mark> kilos');
  });
  it('widens a typo or prefix match to the whole word', () => {
    assert.equal(renderSnippet(`Danny ${S}Manupass${E}a, 36`), 'Danny <mark>Manupassa</mark>, 36');
  });
  it('survives unbalanced sentinels without leaving a tag open', () => {
    assert.equal(renderSnippet(`${S}open`), '<mark>open</mark>');
    assert.equal(renderSnippet(`close${E} end`), 'close end');
  });
  it('leaves no tag but mark, whatever the input', () => {
    const hostile = `</mark><script>x</script>${S}<mark>${E}<svg/onload=1>`;
    const out = renderSnippet(hostile);
    assert.equal(out.replace(/<\/?mark>/g, '').includes('<'), false);
  });
  it('escapes the five HTML specials', () => assert.equal(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;'));
});
