// Given what a citizen types or a channel vouches for, when it is checked against a case, then only the PIN, the
// contact's last four phone digits, its e-mail address or the same caller ID / openid / sender open it, each compared
// exactly once in constant time whatever the contact holds.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../../../src/adapters/access/constant-time-equal.js';
import { hmacCaseKeys } from '../../../src/adapters/intake/case-secret.js';
import { casePin, hasContactProof, proofOpens, readTypedProof } from '../../../src/domain/access/case-proof.js';
import type { CaseProof, SameSecret } from '../../../src/domain/access/case-proof.js';
import type { Contact, Submission } from '../../../src/domain/intake/submission.js';

const KEYS = hmacCaseKeys('a test secret of at least thirty-two characters');
const pin = (ticket: string): string => casePin(ticket, KEYS.pinPrf);
const TICKET = '100000000008';

const withPhone = (phone: string): Contact => ({ anonymous: false, phone });
const withEmail = (email: string): Contact => ({ anonymous: false, email });
const both: Contact = { anonymous: false, name: '李', phone: '+8613800138000', email: 'Li.Ming@example.cn' };

function submissionOf(contact: Contact, refs: Submission['refs'] = {}): Submission {
  return {
    schemaVersion: 1,
    id: '01JCASEPR00F0000000000000A',
    ticket: TICKET,
    channel: 'web',
    receivedAt: '2026-12-01T00:00:00.000Z',
    kind: 'complaint',
    category: 'other',
    text: '路灯坏了',
    language: 'zh',
    contact,
    attachments: [],
    refs,
    hints: {},
    priority: 5,
  };
}

/** Reads a proof the test knows to be well formed. */
function proof(text: string): CaseProof {
  const read = readTypedProof(text);
  if (read === null) throw new Error(`not a proof: ${text}`);
  return read;
}

const opens = (contact: Contact, given: CaseProof, same: SameSecret = constantTimeEqual): boolean => proofOpens(submissionOf(contact), given, pin, same);
const matches = (contact: Contact, text: string): boolean => opens(contact, proof(text));

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

describe('readTypedProof', () => {
  it('reads four digits, formatting and full-width digits ignored, as a phone proof', () => {
    expect(readTypedProof('8000')).toEqual({ kind: 'phone', value: '8000' });
    expect(readTypedProof(' 80-00 ')).toEqual({ kind: 'phone', value: '8000' });
    expect(readTypedProof('８０００')).toEqual({ kind: 'phone', value: '8000' });
    expect(readTypedProof('0123')).toEqual({ kind: 'phone', value: '0123' });
  });

  it('reads anything with an @ as an e-mail proof, folded to lower case and trimmed', () => {
    expect(readTypedProof('  Li.Ming@Example.CN ')).toEqual({ kind: 'email', value: 'li.ming@example.cn' });
    expect(readTypedProof('ｌｉ＠example.cn')).toEqual({ kind: 'email', value: 'li@example.cn' });
  });

  it('is not a proof otherwise: fewer or more digits, letters, nothing', () => {
    for (const text of ['', '   ', '800', '80000', '1234567', '13800138000', 'abcd', '8o00', '80 0', '٨٠٠٠', '*8000']) expect(readTypedProof(text), text).toBeNull();
  });

  it('reads six digits as a PIN, formatting ignored', () => {
    expect(readTypedProof('123456')).toEqual({ kind: 'pin', value: '123456' });
    expect(readTypedProof(' 123-456 ')).toEqual({ kind: 'pin', value: '123456' });
    expect(readTypedProof('１２３４５６')).toEqual({ kind: 'pin', value: '123456' });
  });

  it('reads any formatting of any four digits as those digits', () => {
    fc.assert(
      fc.property(
        digitString(4, 4).chain((digits) => fc.tuple(fc.constant(digits), formatted(digits))),
        ([digits, typed]) => {
          expect(readTypedProof(typed)).toEqual({ kind: 'phone', value: digits });
        },
      ),
    );
  });
});

describe('hasContactProof', () => {
  it('has nothing but the PIN to prove with when the contact gives neither phone nor e-mail', () => {
    const cannot: Contact[] = [{ anonymous: true }, { anonymous: false, wechatOpenId: 'oAbC123' }, { anonymous: false, name: '王' }, withPhone('110'), withPhone('+86')];
    for (const contact of cannot) expect(hasContactProof(contact), JSON.stringify(contact)).toBe(false);
    expect(hasContactProof(withPhone('6234'))).toBe(true);
    expect(hasContactProof(withEmail('a@b.cn'))).toBe(true);
    expect(hasContactProof(both)).toBe(true);
  });
});

describe('the PIN', () => {
  it('opens the case of its own ticket only, whatever the contact holds', () => {
    for (const contact of [both, { anonymous: true }, { anonymous: false, wechatOpenId: 'oAbC123' }]) {
      expect(opens(contact, { kind: 'pin', value: pin(TICKET) })).toBe(true);
      expect(opens(contact, { kind: 'pin', value: pin('100000000016') })).toBe(false);
    }
  });

  it('is six digits, differs between tickets and between secrets', () => {
    const tickets = Array.from({ length: 200 }, (_, i) => String(100000000000 + i));
    const pins = tickets.map(pin);
    for (const p of pins) expect(p).toMatch(/^[0-9]{6}$/);
    expect(new Set(pins).size).toBeGreaterThan(190);
    const other = hmacCaseKeys('another secret of at least thirty-two characters');
    expect(tickets.filter((t) => casePin(t, other.pinPrf) === pin(t)).length).toBeLessThan(3);
  });
});

describe('identities the channel vouches for', () => {
  it('opens with the same caller ID in any form, and no other', () => {
    expect(opens(both, { kind: 'caller', value: '13800138000' })).toBe(true);
    expect(opens(both, { kind: 'caller', value: '008613800138000' })).toBe(true);
    expect(opens(both, { kind: 'caller', value: '+86 138 0013 8000' })).toBe(true);
    expect(opens(both, { kind: 'caller', value: '13800138001' })).toBe(false);
    expect(opens({ anonymous: true }, { kind: 'caller', value: '' })).toBe(false);
    expect(opens(withEmail('a@b.cn'), { kind: 'caller', value: 'anonymous' })).toBe(false);
  });

  it('opens with the same openid (contact or channel refs), and the same sender address in any case', () => {
    expect(opens({ anonymous: false, wechatOpenId: 'oAbC123' }, { kind: 'openid', value: 'oAbC123' })).toBe(true);
    expect(opens({ anonymous: false, wechatOpenId: 'oAbC123' }, { kind: 'openid', value: 'oabc123' })).toBe(false);
    expect(proofOpens(submissionOf({ anonymous: true }, { wechatOpenId: 'oXyZ' }), { kind: 'openid', value: 'oXyZ' }, pin, constantTimeEqual)).toBe(true);
    expect(opens(both, { kind: 'sender', value: 'LI.MING@example.CN' })).toBe(true);
    expect(opens(both, { kind: 'sender', value: 'other@example.cn' })).toBe(false);
    expect(opens({ anonymous: true }, { kind: 'openid', value: '' })).toBe(false);
  });
});

describe('typed contact proofs', () => {
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
      for (const given of ['8000', 'a@b.cn', '1234', 'x@y.cn', '123456']) {
        const calls: [string, string][] = [];
        const counting: SameSecret = (a, b) => {
          calls.push([a, b]);
          return a === b;
        };
        const result = opens(contact, proof(given), counting);
        expect(calls, `${JSON.stringify(contact)} ${given}`).toHaveLength(1);
        expect(result).toBe(matches(contact, given));
      }
    }
  });

  it('does not match when the contact has nothing of that kind, even with a comparison that says yes', () => {
    const yes: SameSecret = () => true;
    expect(opens({ anonymous: true }, proof('8000'), yes)).toBe(false);
    expect(opens(withPhone('13800138000'), proof('a@b.cn'), yes)).toBe(false);
    expect(opens(withEmail('a@b.cn'), proof('1234'), yes)).toBe(false);
    expect(opens({ anonymous: true }, { kind: 'caller', value: '' }, yes)).toBe(false);
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
