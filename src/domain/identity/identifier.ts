// The identifiers a citizen profile links, and how each one was established. A channel vouches for the identifier
// it delivered the message on (the caller ID of a call, the openid of a WeChat message, the sender of a mail):
// that link is `confirmed`. Anything typed into a form or an API body is only what someone said: `inferred`.

import { contactKeys } from '../intake/repeat.js';
import type { Channel, Contact } from '../intake/submission.js';

export const IDENTIFIER_KINDS = ['phone', 'wechat', 'email'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export const LINK_STRENGTHS = ['confirmed', 'inferred'] as const;
export type LinkStrength = (typeof LINK_STRENGTHS)[number];

/** `phone:<number>`, `wechat:<openid>` or `email:<address>`, normalised as intake's contact keys are. */
export type IdentifierKey = string;

export interface IdentifierClaim {
  readonly key: IdentifierKey;
  readonly kind: IdentifierKind;
  readonly strength: LinkStrength;
}

/** The identifier each channel itself vouches for. */
const VOUCHED_BY: Readonly<Record<Channel, IdentifierKind | null>> = {
  voice: 'phone',
  wechat: 'wechat',
  email: 'email',
  web: null,
  open311: null,
};

/** A contact's identifiers as claims, the channel's own one first (it is what a profile is anchored on). */
export function identifierClaims(channel: Channel, contact: Contact): IdentifierClaim[] {
  const vouched = VOUCHED_BY[channel];
  const claims = contactKeys(contact).map((key): IdentifierClaim => {
    const kind = kindOf(key);
    return { key, kind, strength: kind === vouched ? 'confirmed' : 'inferred' };
  });
  return claims.sort((a, b) => rank(a) - rank(b));
}

/** The normalised key of one identifier as an integrator or a phone system gives it; `null` when it is blank. */
export function identifierKey(kind: IdentifierKind, value: string): IdentifierKey | null {
  const contact: Contact =
    kind === 'phone' ? { anonymous: false, phone: value } : kind === 'email' ? { anonymous: false, email: value } : { anonymous: false, wechatOpenId: value.trim() };
  return contactKeys(contact)[0] ?? null;
}

function kindOf(key: IdentifierKey): IdentifierKind {
  const kind = key.slice(0, key.indexOf(':'));
  if (!(IDENTIFIER_KINDS as readonly string[]).includes(kind)) throw new RangeError(`not an identifier key: ${kind}:…`);
  return kind as IdentifierKind;
}

function rank(claim: IdentifierClaim): number {
  return (claim.strength === 'confirmed' ? 0 : 10) + IDENTIFIER_KINDS.indexOf(claim.kind);
}
