// Which profile a contact joins, and what it may change. The rules, in order:
//
// 1. An identifier belongs to one profile at most, and never moves to another: profiles are never merged, and a
//    link is never taken from the profile that holds it. A claim on an identifier another profile holds is a
//    conflict, recorded on the profile the contact joins and changing nothing else.
// 2. A contact with a confirmed identifier joins the profile that holds it, or a new profile: never a profile found
//    through a typed (inferred) identifier. Otherwise anyone could type a stranger's number next to their own openid
//    and read the stranger's history through it.
// 3. A contact with only inferred identifiers joins the profile holding one of them (one holding it confirmed
//    first), else a new profile.
// 4. Links are only ever strengthened: an inferred link becomes confirmed when its own profile's contact confirms
//    it; a confirmed link is never made inferred.

import type { IdentifierClaim, IdentifierKey, IdentifierKind, LinkStrength } from './identifier.js';

export interface Owner {
  readonly profile: string;
  readonly strength: LinkStrength;
}

export interface PlannedLink {
  readonly key: IdentifierKey;
  readonly kind: IdentifierKind;
  readonly strength: LinkStrength;
  /** `new`: the identifier had no profile; `confirm`: the profile held it inferred and now holds it confirmed. */
  readonly change: 'new' | 'confirm';
}

export interface LinkConflict {
  readonly key: IdentifierKey;
  readonly kind: IdentifierKind;
  readonly strength: LinkStrength;
  /** The profile that holds the identifier and keeps it. */
  readonly heldBy: string;
}

export interface LinkPlan {
  readonly profile: string;
  readonly created: boolean;
  readonly links: readonly PlannedLink[];
  readonly conflicts: readonly LinkConflict[];
}

/**
 * The plan for a contact with `claims` given who holds each identifier now (`owners`); `newProfile` names the
 * profile to create if it joins none. `null` for a contact without identifiers (anonymous: nobody to attach).
 */
export function planLink(claims: readonly IdentifierClaim[], owners: ReadonlyMap<IdentifierKey, Owner>, newProfile: string): LinkPlan | null {
  const unique = dedupeClaims(claims);
  if (unique.length === 0) return null;
  const anchor = anchorOf(unique, owners);
  const profile = anchor ?? newProfile;
  const links: PlannedLink[] = [];
  const conflicts: LinkConflict[] = [];
  for (const claim of unique) {
    const owner = owners.get(claim.key);
    if (owner === undefined) links.push({ key: claim.key, kind: claim.kind, strength: claim.strength, change: 'new' });
    else if (owner.profile !== profile) conflicts.push({ key: claim.key, kind: claim.kind, strength: claim.strength, heldBy: owner.profile });
    else if (claim.strength === 'confirmed' && owner.strength === 'inferred') links.push({ key: claim.key, kind: claim.kind, strength: 'confirmed', change: 'confirm' });
  }
  return { profile, created: anchor === null, links, conflicts };
}

/** The owners after a plan is carried out (what the store's script does, for the properties and the tests). */
export function applyPlan(owners: ReadonlyMap<IdentifierKey, Owner>, plan: LinkPlan): Map<IdentifierKey, Owner> {
  return applyPlanInPlace(new Map(owners), plan);
}

/** `applyPlan` on `owners` itself: a batch plans each contact on what the one before leaves, without a copy each. */
export function applyPlanInPlace(owners: Map<IdentifierKey, Owner>, plan: LinkPlan): Map<IdentifierKey, Owner> {
  for (const link of plan.links) owners.set(link.key, { profile: plan.profile, strength: link.strength });
  return owners;
}

function anchorOf(claims: readonly IdentifierClaim[], owners: ReadonlyMap<IdentifierKey, Owner>): string | null {
  const confirmed = claims.filter((c) => c.strength === 'confirmed');
  if (confirmed.length > 0) {
    for (const claim of confirmed) {
      const owner = owners.get(claim.key);
      if (owner !== undefined) return owner.profile;
    }
    return null;
  }
  let found: Owner | undefined;
  for (const claim of claims) {
    const owner = owners.get(claim.key);
    if (owner === undefined) continue;
    if (owner.strength === 'confirmed') return owner.profile;
    found ??= owner;
  }
  return found?.profile ?? null;
}

/** One claim per identifier, the strongest. */
function dedupeClaims(claims: readonly IdentifierClaim[]): IdentifierClaim[] {
  const byKey = new Map<IdentifierKey, IdentifierClaim>();
  for (const claim of claims) {
    const seen = byKey.get(claim.key);
    if (seen === undefined || (seen.strength === 'inferred' && claim.strength === 'confirmed')) byKey.set(claim.key, claim);
  }
  // Confirmed first, keeping the given order otherwise: the anchor depends on it.
  return [...byKey.values()].sort((a, b) => (a.strength === b.strength ? 0 : a.strength === 'confirmed' ? -1 : 1));
}
