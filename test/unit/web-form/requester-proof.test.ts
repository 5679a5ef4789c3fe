import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../../../src/adapters/http/web-form/constant-time-equal.js';
import {
  canProveRequester,
  expectedProofs,
  proofMatches,
  ratingRefusal,
  readRequesterProof,
} from '../../../src/domain/intake/requester-proof.js';
import type { RequesterProof, SameSecret } from '../../../src/domain/intake/requester-proof.js';
import { STATUSES } from '../../../src/domain/intake/submission.js';
import type { Contact } from '../../../src/domain/intake/submission.js';

const withPhone = (phone: string): Contact => ({ anonymous: false, phone });
const withEmail = (email: string): Contact => ({ anonymous: false, email });
const both: Contact = { anonymous: false, name: '李', phone: '+8613800138000', email: 'Li.Ming@example.cn' };

/** Reads a proof the test knows to be well formed. */
function proof(text: string): RequesterProof {
  const read = readRequesterProof(text);
  if (read === null) throw new Error(`not a proof: ${text}`);
  return read;
}

const matches = (contact: Contact, text: string): boolean => proofMatches(contact, proof(text), constantTimeEqual);

const FULL_WIDTH_DIGITS = '０１２３４５６７８９';
const separator = fc.constantFrom(' ', '-', '(', ')', '.', '\u00B7', '\u3000', '\t');
const digitString = (min: number, max: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));

/** The digits as people type them: separators anywhere, some digits full-width, spaces around. */
function formatted(digits: string): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.array(fc.array(separator, { maxLength: 2 }), { minLength: digits.length + 1, maxLength: digits.length + 1 }),
      fc.array(fc.boolean(), { minLength: digits.length, maxLength: digits.length }),
    )
    .map(([gaps, wide]) => {
      const typed = [...digits].map((d, i) => (wide[i] === true ? (FULL_WIDTH_DIGITS[Number(d)] ?? d) : d));
      return gaps.map((gap, i) => gap.join('') + (typed[i] ?? '')).join('');
    });
}

const phoneArb = fc.tuple(fc.boolean(), digitString(4, 20)).map(([plus, digits]) => `${plus ? '+' : ''}${digits}`);
const emailArb = fc.emailAddress().filter((email) => email.length <= 254);

describe('readRequesterProof', () => {
  it('reads four digits, formatting and full-width digits ignored, as a phone proof', () => {
    expect(readRequesterProof('8000')).toEqual({ kind: 'phone', value: '8000' });
    expect(readRequesterProof(' 80-00 ')).toEqual({ kind: 'phone', value: '8000' });
    expect(readRequesterProof('８０００')).toEqual({ kind: 'phone', value: '8000' });
    expect(readRequesterProof('0123')).toEqual({ kind: 'phone', value: '0123' });
  });

  it('reads anything with an @ as an e-mail proof, folded to lower case and trimmed', () => {
    expect(readRequesterProof('  Li.Ming@Example.CN ')).toEqual({ kind: 'email', value: 'li.ming@example.cn' });
    expect(readRequesterProof('ｌｉ＠example.cn')).toEqual({ kind: 'email', value: 'li@example.cn' });
  });

  it('is not a proof otherwise: fewer or more digits, letters, nothing', () => {
    for (const text of ['', '   ', '800', '80000', '13800138000', 'abcd', '8o00', '80 0', '٨٠٠٠', '*8000']) expect(readRequesterProof(text), text).toBeNull();
  });

  it('reads any formatting of any four digits as those digits', () => {
    fc.assert(
      fc.property(
        digitString(4, 4).chain((digits) => fc.tuple(fc.constant(digits), formatted(digits))),
        ([digits, typed]) => {
          expect(readRequesterProof(typed)).toEqual({ kind: 'phone', value: digits });
        },
      ),
    );
  });
});

describe('expectedProofs and canProveRequester', () => {
  it('expects the last four digits of the phone and the whole e-mail address', () => {
    expect(expectedProofs(both)).toEqual({ phone: '8000', email: 'li.ming@example.cn' });
    expect(expectedProofs(withPhone('010-6234 5678'))).toEqual({ phone: '5678' });
    expect(expectedProofs(withEmail('a@b.cn'))).toEqual({ email: 'a@b.cn' });
  });

  it('has nothing to prove with when the contact gives neither phone nor e-mail', () => {
    const cannot: Contact[] = [{ anonymous: true }, { anonymous: false, wechatOpenId: 'oAbC123' }, { anonymous: false, name: '王' }, withPhone('110'), withPhone('+86')];
    for (const contact of cannot) {
      expect(expectedProofs(contact), JSON.stringify(contact)).toEqual({});
      expect(canProveRequester(contact), JSON.stringify(contact)).toBe(false);
    }
    expect(canProveRequester(withPhone('6234'))).toBe(true);
    expect(canProveRequester(withEmail('a@b.cn'))).toBe(true);
  });
});

describe('proofMatches', () => {
  it('matches the last four digits of the phone, or the e-mail in any case', () => {
    expect(matches(both, '8000')).toBe(true);
    expect(matches(both, '  LI.MING@EXAMPLE.CN')).toBe(true);
    expect(matches(both, '0013')).toBe(false);
    expect(matches(both, '8001')).toBe(false);
    expect(matches(both, 'li.ming@example.com')).toBe(false);
    expect(matches(both, 'liming@example.cn')).toBe(false);
  });

  it('never matches a kind the contact does not hold', () => {
    expect(matches(withEmail('8000@example.cn'), '8000')).toBe(false);
    expect(matches(withPhone('13800138000'), '13800138000@example.cn')).toBe(false);
    expect(matches({ anonymous: true }, '8000')).toBe(false);
    expect(matches(withPhone('110'), '0110')).toBe(false);
  });

  it('matches the last four digits of any phone, however either side is formatted', () => {
    fc.assert(
      fc.property(
        phoneArb.chain((phone) => fc.tuple(fc.constant(phone), formatted(phone.slice(-4)), formatted(phone.replace('+', '')))),
        ([phone, typedProof, storedPhone]) => {
          expect(matches(withPhone(phone), typedProof)).toBe(true);
          expect(matches(withPhone(storedPhone), typedProof)).toBe(true);
        },
      ),
    );
  });

  it('matches no other four digits', () => {
    fc.assert(
      fc.property(phoneArb, digitString(4, 4), (phone, other) => {
        fc.pre(other !== phone.slice(-4));
        expect(matches(withPhone(phone), other)).toBe(false);
        expect(matches({ anonymous: false, phone, email: `${other}@example.cn` }, other)).toBe(false);
      }),
    );
  });

  it('matches any e-mail address in any case with spaces around, and no other address', () => {
    fc.assert(
      fc.property(emailArb, emailArb, fc.array(fc.boolean(), { maxLength: 300 }), (email, other, upper) => {
        const typed = ` ${[...email].map((c, i) => (upper[i] === true ? c.toUpperCase() : c)).join('')}\t`;
        expect(matches(withEmail(email), typed)).toBe(true);
        if (email.toLowerCase() !== other.toLowerCase()) expect(matches(withEmail(email), other)).toBe(false);
      }),
    );
  });

  it('compares exactly once whatever the contact holds, so the time taken does not say what it holds', () => {
    const contacts: Contact[] = [both, withPhone('13800138000'), withEmail('a@b.cn'), { anonymous: true }, withPhone('110')];
    for (const contact of contacts) {
      for (const given of ['8000', 'a@b.cn', '1234', 'x@y.cn']) {
        const calls: [string, string][] = [];
        const counting: SameSecret = (a, b) => {
          calls.push([a, b]);
          return a === b;
        };
        const result = proofMatches(contact, proof(given), counting);
        expect(calls, `${JSON.stringify(contact)} ${given}`).toHaveLength(1);
        expect(result).toBe(matches(contact, given));
      }
    }
  });

  it('does not match when the contact has nothing of that kind, even with a comparison that says yes', () => {
    const yes: SameSecret = () => true;
    expect(proofMatches({ anonymous: true }, proof('8000'), yes)).toBe(false);
    expect(proofMatches(withPhone('13800138000'), proof('a@b.cn'), yes)).toBe(false);
    expect(proofMatches(withEmail('a@b.cn'), proof('1234'), yes)).toBe(false);
  });
});

describe('ratingRefusal', () => {
  it('takes a rating once the request is resolved or closed, once, from a request that can be proven', () => {
    for (const status of STATUSES) {
      const finished = status === 'resolved' || status === 'closed';
      expect(ratingRefusal({ status, rated: false, contact: both }), status).toBe(finished ? null : 'not_rateable');
      expect(ratingRefusal({ status, rated: true, contact: both }), status).toBe('already_rated');
      expect(ratingRefusal({ status, rated: false, contact: { anonymous: true } }), status).toBe(finished ? 'no_contact' : 'not_rateable');
      expect(ratingRefusal({ status, rated: true, contact: { anonymous: true } }), status).toBe('already_rated');
    }
    expect(ratingRefusal({ status: 'resolved', rated: false, contact: { anonymous: false, wechatOpenId: 'oAbC123' } })).toBe('no_contact');
    expect(ratingRefusal({ status: 'closed', rated: false, contact: withPhone('6234') })).toBeNull();
    expect(ratingRefusal({ status: 'closed', rated: false, contact: withEmail('a@b.cn') })).toBeNull();
  });
});

describe('constantTimeEqual', () => {
  it('is string equality, for strings of any length', () => {
    expect(constantTimeEqual('8000', '8000')).toBe(true);
    expect(constantTimeEqual('8000', '8001')).toBe(false);
    expect(constantTimeEqual('8000', '')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(a === b);
        expect(constantTimeEqual(a, a)).toBe(true);
      }),
    );
  });
});
