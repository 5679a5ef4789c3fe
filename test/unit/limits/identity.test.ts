// One spelling per identity, so that what a supervisor flags is what the channels count.

import { describe, expect, it } from 'vitest';
import { maskIdentity, parseIdentity } from '../../../src/domain/limits/identity.js';

describe('parseIdentity', () => {
  it('reduces each kind to the spelling the channels see', () => {
    expect(parseIdentity('phone', '+86 138-0013-8000')).toEqual({ ok: true, identity: { kind: 'phone', value: '13800138000' } });
    expect(parseIdentity('phone', '(010) 6234 5678')).toEqual({ ok: true, identity: { kind: 'phone', value: '01062345678' } });
    expect(parseIdentity('email', ' Citizen@Example.CN ')).toEqual({ ok: true, identity: { kind: 'email', value: 'citizen@example.cn' } });
    expect(parseIdentity('openid', 'oCitizen_0001-x')).toEqual({ ok: true, identity: { kind: 'openid', value: 'oCitizen_0001-x' } });
    expect(parseIdentity('ip', '2001:DB8::1')).toEqual({ ok: true, identity: { kind: 'ip', value: '2001:db8::1' } });
  });

  it('names what is wrong', () => {
    expect(parseIdentity('fax', '1')).toEqual({ ok: false, problem: 'kind must be one of phone, openid, email, ip' });
    expect(parseIdentity('phone', '12')).toMatchObject({ ok: false, problem: expect.stringMatching(/3 to 20 digits/) });
    expect(parseIdentity('email', 'nobody')).toMatchObject({ ok: false, problem: 'not a plausible email address' });
    expect(parseIdentity('ip', '256.1.1.1')).toMatchObject({ ok: false, problem: 'not an IPv4 or IPv6 address' });
    expect(parseIdentity('openid', 'has space')).toMatchObject({ ok: false });
    expect(parseIdentity('phone', '  ')).toMatchObject({ ok: false, problem: 'the phone is empty' });
  });

  it('masks what logs show', () => {
    expect(maskIdentity({ kind: 'phone', value: '13800138000' })).toBe('138****8000');
    expect(maskIdentity({ kind: 'email', value: 'citizen@example.cn' })).toBe('c***@example.cn');
    expect(maskIdentity({ kind: 'openid', value: 'oCitizen0000001' })).toBe('oCit****0001');
  });
});
