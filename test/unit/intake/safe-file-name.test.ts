import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeFileName } from '../../../src/domain/intake/safe-file-name.js';

describe('safeFileName', () => {
  it.each([
    ['photo.jpg', 'photo.jpg'],
    ['/etc/passwd', 'passwd'],
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\windows\\system32\\cmd.exe', 'cmd.exe'],
    ['C:\\Users\\li\\Desktop\\照片.jpg', '照片.jpg'],
    ['C:evil.txt', 'evil.txt'],
    ['..', undefined],
    ['.', undefined],
    ['../', undefined],
    ['...', undefined],
    ['.htaccess', 'htaccess'],
    ['..hidden.png', 'hidden.png'],
    ['photo\u202Egpj.exe', 'photogpj.exe'],
    ['bad\u0000name\u0007.png', 'badname.png'],
    ['a\nb\r\nc.txt', 'abc.txt'],
    ['e\u0301.png', '\u00e9.png'],
    ['name:stream.txt', 'name_stream.txt'],
    ['what?<>|*".txt', 'what______.txt'],
    ['  spaced   out  .jpg ', 'spaced out .jpg'],
    ['trailing dot.exe.', 'trailing dot.exe'],
    ['  ', undefined],
    ['', undefined],
    [undefined, undefined],
    ['dir/', undefined],
  ])('%j -> %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });

  it('shortens to 200 characters, keeping the extension', () => {
    const long = `${'长'.repeat(300)}.jpeg`;
    const out = safeFileName(long);
    expect([...(out ?? '')]).toHaveLength(200);
    expect(out?.endsWith('.jpeg')).toBe(true);
    const noExtension = safeFileName('x'.repeat(250));
    expect(noExtension).toBe('x'.repeat(200));
    const emoji = safeFileName(`${'😀'.repeat(250)}.png`);
    expect([...(emoji ?? '')]).toHaveLength(200);
    expect(emoji).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('never leaves a separator, a leading dot, a control character or more than 200 characters; idempotent', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 250 }),
          fc.string({ unit: 'binary', maxLength: 60 }),
          fc.array(fc.constantFrom('..', '.', '/', '\\', 'C:', 'a', '文', ' ', '\u0000', '\u202E', '.exe', 'x'.repeat(90)), { maxLength: 12 }).map((p) => p.join('')),
        ),
        (name) => {
          const out = safeFileName(name);
          if (out === undefined) return;
          expect(out).not.toMatch(/[/\\\p{Cc}:]/u);
          expect(out).not.toMatch(/^[.\s]/u);
          expect(out).not.toMatch(/[.\s]$/u);
          expect(out).not.toBe('');
          expect([...out].length).toBeLessThanOrEqual(200);
          expect(out).toBe(out.normalize('NFC'));
          expect(safeFileName(out)).toBe(out);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
