import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskPhone } from '../../src/domain/masking.js';

const digitCount = (s: string) => (s.match(/[0-9]/g) ?? []).length;

describe('maskPhone', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['+8613812345678', '+861******5678'],
    ['008613812345678', '008********5678'],
    ['010-62345678', '010-****5678'],
    ['6234-5678', '****-**78'],
    ['62345678', '******78'],
    ['1234567', '*****67'],
    ['123456', '******'],
    ['12345', '*****'],
    ['110', '***'],
    ['', ''],
    ['anonymous', 'anonymous'],
    // Characters outside the BMP are two UTF-16 units: kept whole, and not counted as digits.
    ['📞13812345678𠀀', '📞138****5678𠀀'],
    ['138****5678', '138****5678'],
  ])('%j -> %j', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  it('masks null and undefined to the empty string', () => {
    expect(maskPhone(undefined)).toBe('');
    expect(maskPhone(null)).toBe('');
  });

  const digits = fc.array(fc.constantFrom(...'0123456789'), { maxLength: 20 }).map((d) => d.join(''));
  const phones = fc.oneof(
    digits,
    fc.tuple(fc.constantFrom('+', '00', ''), digits).map(([prefix, d]) => prefix + d),
    fc.stringMatching(/^[0-9 ()+*-]{0,24}$/),
    fc.string({ unit: 'grapheme-ascii', maxLength: 30 }),
  );

  it('never reveals more than 7 digits', () => {
    fc.assert(fc.property(phones, (phone) => digitCount(maskPhone(phone)) <= 7));
  });

  it('masks at least 4 digits, or all of a number shorter than 7 digits (a `*` counting as a masked digit)', () => {
    // Without the `*`s, "0*00000" would look like a 6-digit number of which 2 digits are shown; maskPhone reads it as
    // a 7-digit one with one digit already masked, as it must for text it masked itself ("138****5678").
    const digitsOrMasks = (s: string) => (s.match(/[0-9*]/g) ?? []).length;
    fc.assert(
      fc.property(phones, (phone) => {
        const positions = digitsOrMasks(phone);
        const hidden = positions - digitCount(maskPhone(phone));
        return positions < 7 ? hidden === positions : hidden >= 4;
      }),
    );
  });

  it('gives the same text when masking twice', () => {
    fc.assert(fc.property(phones, (phone) => maskPhone(maskPhone(phone)) === maskPhone(phone)));
  });

  it('preserves the length and every non-digit character', () => {
    fc.assert(
      fc.property(phones, (phone) => {
        const masked = maskPhone(phone);
        expect(masked).toHaveLength(phone.length);
        [...phone].forEach((c, i) => {
          if (!/[0-9]/.test(c)) expect(masked[i]).toBe(c);
          else expect([c, '*']).toContain(masked[i]);
        });
      }),
    );
  });

  it('is idempotent, so a masked number can pass through another masking serializer', () => {
    fc.assert(fc.property(phones, (phone) => maskPhone(maskPhone(phone)) === maskPhone(phone)));
  });
});
