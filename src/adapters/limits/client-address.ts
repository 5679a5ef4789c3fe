// How limits and flags spell a client address, so that the address a supervisor flags is the one the guard counts:
// an IPv4-mapped IPv6 address as IPv4, any other IPv6 address as the start of its /64 (one household's or one
// host's addresses), IPv4 as is.

import { normalizeIP } from '@fastify/rate-limit';
import { FlagRequestError } from '../../app/limits/flag-desk.js';
import type { Identity } from '../../domain/limits/identity.js';

export function canonicalAddress(ip: string): string {
  return normalizeIP(ip);
}

/** Flags on IP addresses use the spelling the guard counts with; other identities are already in theirs. */
export function canonicalIdentity(identity: Identity): Identity {
  if (identity.kind !== 'ip') return identity;
  try {
    return { kind: 'ip', value: canonicalAddress(identity.value) };
  } catch {
    throw new FlagRequestError('value', 'not an IPv4 or IPv6 address');
  }
}
