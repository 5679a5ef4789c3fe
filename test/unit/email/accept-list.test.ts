import { describe, expect, it } from 'vitest';
import { AcceptListError, isAcceptedRecipient, parseAcceptList } from '../../../src/domain/email/accept-list.js';

describe('parseAcceptList', () => {
  it('reads addresses and domains', () => {
    expect(parseAcceptList(' 12345@Hotline.Example , @intake.hotline.example,')).toEqual([
      { kind: 'address', address: '12345@hotline.example' },
      { kind: 'domain', domain: 'intake.hotline.example' },
    ]);
  });

  it.each(['', ' , ', 'hotline.example', '@', '@not_a_domain', 'a b@hotline.example', '@hotline', 'x@-bad.example'])('refuses %j naming SMTP_ACCEPT', (spec) => {
    expect(() => parseAcceptList(spec)).toThrow(AcceptListError);
    expect(() => parseAcceptList(spec)).toThrow(/SMTP_ACCEPT/);
  });
});

describe('isAcceptedRecipient', () => {
  const rules = parseAcceptList('12345@hotline.example,@intake.hotline.example');

  it.each([
    ['12345@hotline.example', true],
    ['12345@HOTLINE.EXAMPLE.', true],
    ['anyone@intake.hotline.example', true],
    ['other@hotline.example', false],
    ['12345@hotline.example.evil.example', false],
    ['x@sub.intake.hotline.example', false],
    ['12345', false],
    ['@hotline.example', false],
  ])('%s → %s', (address, accepted) => {
    expect(isAcceptedRecipient(address, rules)).toBe(accepted);
  });
});
