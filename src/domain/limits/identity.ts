// Who a supervisor can flag and a fair-use limit can count: a phone number, a WeChat openid, an email address or
// a client IP address. Each is reduced to one spelling, so that `+86 138-0013-8000` flagged on the CLI is the
// caller ID `13800138000` on the phone and `Citizen@Example.CN` is the sender `citizen@example.cn`.

import { normaliseEmail } from '../intake/normalise.js';
import { maskEmail } from '../email/mask-address.js';
import { maskPhone } from '../masking.js';

export const IDENTITY_KINDS = ['phone', 'openid', 'email', 'ip'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

export interface Identity {
  readonly kind: IdentityKind;
  readonly value: string;
}

export type IdentityResult = { readonly ok: true; readonly identity: Identity } | { readonly ok: false; readonly problem: string };

const PHONE_PUNCTUATION = /[\s\-().\u00B7]/g;
const PHONE = /^\+?[0-9]{3,20}$/;
/** A mainland mobile number with its country code: the same line as the 11 digits alone. */
const CHINA_MOBILE = /^(?:\+86|0086|86)(1[0-9]{10})$/;
const OPEN_ID = /^[A-Za-z0-9_-]{1,128}$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;
const IPV6_SHAPE = /^[0-9a-f:.]{2,45}$/;

export function isIdentityKind(kind: string): kind is IdentityKind {
  return (IDENTITY_KINDS as readonly string[]).includes(kind);
}

/**
 * The identity in its one spelling, or the problem with it. IPv6 addresses are only checked for their shape here;
 * the adapters that see addresses on the wire reduce them to one spelling.
 */
export function parseIdentity(kind: string, raw: string): IdentityResult {
  const value = raw.normalize('NFKC').trim();
  if (!isIdentityKind(kind)) return { ok: false, problem: `kind must be one of ${IDENTITY_KINDS.join(', ')}` };
  if (value === '') return { ok: false, problem: `the ${kind} is empty` };
  switch (kind) {
    case 'phone': {
      const digits = value.replace(PHONE_PUNCTUATION, '');
      if (!PHONE.test(digits)) return { ok: false, problem: 'a phone number is 3 to 20 digits with an optional leading +' };
      return { ok: true, identity: { kind, value: CHINA_MOBILE.exec(digits)?.[1] ?? digits } };
    }
    case 'openid':
      if (!OPEN_ID.test(value)) return { ok: false, problem: 'an openid is 1 to 128 letters, digits, _ or -' };
      return { ok: true, identity: { kind, value } };
    case 'email': {
      const email = normaliseEmail(value);
      if (email === null) return { ok: false, problem: 'not a plausible email address' };
      return { ok: true, identity: { kind, value: email.toLowerCase() } };
    }
    case 'ip': {
      const lower = value.toLowerCase();
      if (!IPV4.test(lower) && !(lower.includes(':') && IPV6_SHAPE.test(lower))) return { ok: false, problem: 'not an IPv4 or IPv6 address' };
      return { ok: true, identity: { kind, value: lower } };
    }
  }
}

/** What a log line or a list for operators may show of an identity. */
export function maskIdentity(identity: Identity): string {
  switch (identity.kind) {
    case 'phone':
      return maskPhone(identity.value);
    case 'email':
      return maskEmail(identity.value);
    case 'openid':
      return identity.value.length <= 8 ? '****' : `${identity.value.slice(0, 4)}****${identity.value.slice(-4)}`;
    case 'ip':
      return identity.value;
  }
}
