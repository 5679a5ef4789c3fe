import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText } from '../../../src/domain/email/html-text.js';

describe('htmlToText', () => {
  it('keeps what a reader sees, with block elements as line breaks', () => {
    const html =
      '<!DOCTYPE html><html><head><title>Title</title><style>p { color: red }</style></head><body>' +
      '<p>路灯坏了，\n   请尽快修理。</p><div>第二段<br>第二行</div><ul><li>一</li><li>二</li></ul>' +
      '<table><tr><td>地址</td><td>东城区</td></tr></table></body></html>';
    expect(htmlToText(html)).toBe('路灯坏了， 请尽快修理。\n\n第二段\n第二行\n\n- 一\n- 二\n\n地址 东城区');
  });

  it('drops scripts, styles, comments and other invisible content, also when left open', () => {
    expect(htmlToText('a<script>if (a<b) alert("x")</script>b<!-- secret -->c<svg><text>svg</text></svg>d')).toBe('a bc d');
    expect(htmlToText('<SCRIPT type="x">a</b></Script >after')).toBe('after');
    expect(htmlToText('before<style>p{}')).toBe('before');
    expect(htmlToText('x<!-- never closed')).toBe('x');
  });

  it('decodes entities once, so encoded markup stays text', () => {
    expect(htmlToText('<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp;lt; &#x4E2D;&#25991; &nbsp;&copy;</p>')).toBe('<script>alert(1)</script> &lt; 中文 ©');
  });

  it('keeps a literal < that starts no tag, and image descriptions', () => {
    expect(htmlToText('3 < 5 and 5 > 3')).toBe('3 < 5 and 5 > 3');
    expect(htmlToText('<img src="cid:1" alt="路面塌陷的照片">')).toBe('路面塌陷的照片');
    expect(htmlToText('text <b')).toBe('text <b');
  });

  it('never throws, never leaves a tag it removed, and stays fast on hostile input', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('<p>', '</p>', '<br/>', '<script>', '</script>', '<!--', '-->', 'text', '&amp;', '&#0;', '<', '>', '"', '<a href="x">', '\n'), { maxLength: 60 }), (parts) => {
        const out = htmlToText(parts.join(''));
        expect(out).not.toMatch(/<(?:p|br|a|script)\b[^>]*>/);
      }),
    );
    const started = performance.now();
    htmlToText('<a'.repeat(200_000));
    htmlToText('<script>'.repeat(50_000));
    htmlToText('<!--'.repeat(100_000));
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('decodeEntities', () => {
  it('decodes named and numeric entities and leaves unknown ones', () => {
    expect(decodeEntities('&quot;&apos;&hellip;&unknown;&#39;&#x1F600;')).toBe('"\'…&unknown;\'😀');
  });

  it('turns invalid code points into the replacement character', () => {
    expect(decodeEntities('&#0;&#xD800;&#x110000;')).toBe('\uFFFD\uFFFD\uFFFD');
  });
});
