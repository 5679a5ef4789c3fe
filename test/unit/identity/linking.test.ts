// The linking rules, by example and as properties over random histories of contacts: no identifier ever belongs to
// two profiles, an identifier never moves, a confirmed link is never weakened, and a contact with a confirmed
// identifier never joins a profile through a typed one.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identifierClaims, identifierKey } from '../../../src/domain/identity/identifier.js';
import type { IdentifierClaim, IdentifierKind, LinkStrength } from '../../../src/domain/identity/identifier.js';
import { applyPlan, planLink } from '../../../src/domain/identity/linking.js';
import type { Owner } from '../../../src/domain/identity/linking.js';

const claim = (key: string, strength: LinkStrength): IdentifierClaim => ({ key, kind: key.split(':')[0] as IdentifierKind, strength });
const owners = (entries: [string, string, LinkStrength][]): Map<string, Owner> => new Map(entries.map(([key, profile, strength]) => [key, { profile, strength }]));

describe('identifierClaims: the channel vouches for its own identifier only', () => {
  it('a call confirms the caller ID; a web form infers everything typed in it', () => {
    expect(identifierClaims('voice', { anonymous: false, phone: '+86 138 0013 8000' })).toEqual([{ key: 'phone:13800138000', kind: 'phone', strength: 'confirmed' }]);
    expect(identifierClaims('web', { anonymous: false, phone: '13800138000', email: 'A@Example.org' })).toEqual([
      { key: 'phone:13800138000', kind: 'phone', strength: 'inferred' },
      { key: 'email:a@example.org', kind: 'email', strength: 'inferred' },
    ]);
  });

  it('WeChat confirms the openid and e-mail the sender, the confirmed one first; a typed phone stays inferred', () => {
    expect(identifierClaims('wechat', { anonymous: false, phone: '13800138000', wechatOpenId: 'oABC' }).map((c) => [c.key, c.strength])).toEqual([
      ['wechat:oABC', 'confirmed'],
      ['phone:13800138000', 'inferred'],
    ]);
    expect(identifierClaims('email', { anonymous: false, email: 'x@y.cn' })[0]?.strength).toBe('confirmed');
    expect(identifierClaims('open311', { anonymous: true, phone: '13800138000' })).toEqual([]);
  });

  it('identifierKey normalises as intake does, and refuses a blank value', () => {
    expect(identifierKey('phone', '0086-138 0013 8000')).toBe('phone:13800138000');
    expect(identifierKey('email', ' Someone@Example.ORG ')).toBe('email:someone@example.org');
    expect(identifierKey('wechat', ' o1 ')).toBe('wechat:o1');
    expect(identifierKey('phone', '---')).toBeNull();
  });
});

describe('planLink by example', () => {
  it('an anonymous contact attaches to nobody', () => {
    expect(planLink([], new Map(), 'new')).toBeNull();
  });

  it('a new person gets a new profile holding each identifier as the contact established it', () => {
    const plan = planLink([claim('phone:1', 'inferred'), claim('email:a', 'inferred')], new Map(), 'P');
    expect(plan).toEqual({
      profile: 'P',
      created: true,
      links: [
        { key: 'phone:1', kind: 'phone', strength: 'inferred', change: 'new' },
        { key: 'email:a', kind: 'email', strength: 'inferred', change: 'new' },
      ],
      conflicts: [],
    });
  });

  it('a call from a number typed earlier into a form joins that profile and confirms the number', () => {
    const plan = planLink([claim('phone:1', 'confirmed')], owners([['phone:1', 'A', 'inferred']]), 'new');
    expect(plan).toEqual({ profile: 'A', created: false, links: [{ key: 'phone:1', kind: 'phone', strength: 'confirmed', change: 'confirm' }], conflicts: [] });
  });

  it('identifiers of two profiles: the contact joins its confirmed one and records the other as a conflict, never merging', () => {
    const plan = planLink([claim('wechat:o', 'confirmed'), claim('phone:1', 'inferred')], owners([['wechat:o', 'B', 'confirmed'], ['phone:1', 'A', 'confirmed']]), 'new');
    expect(plan).toEqual({ profile: 'B', created: false, links: [], conflicts: [{ key: 'phone:1', kind: 'phone', strength: 'inferred', heldBy: 'A' }] });
  });

  it('a new confirmed identifier never joins a profile through a typed one: it starts its own', () => {
    const plan = planLink([claim('wechat:o', 'confirmed'), claim('phone:1', 'inferred')], owners([['phone:1', 'A', 'confirmed']]), 'N');
    expect(plan?.profile).toBe('N');
    expect(plan?.created).toBe(true);
    expect(plan?.links).toEqual([{ key: 'wechat:o', kind: 'wechat', strength: 'confirmed', change: 'new' }]);
    expect(plan?.conflicts).toEqual([{ key: 'phone:1', kind: 'phone', strength: 'inferred', heldBy: 'A' }]);
  });

  it('typed identifiers only: the profile holding one of them confirmed is preferred', () => {
    const plan = planLink([claim('phone:1', 'inferred'), claim('email:a', 'inferred')], owners([['phone:1', 'A', 'inferred'], ['email:a', 'B', 'confirmed']]), 'new');
    expect(plan?.profile).toBe('B');
    expect(plan?.conflicts.map((c) => c.heldBy)).toEqual(['A']);
  });

  it('an inferred claim never steals nor weakens a confirmed link', () => {
    const held = owners([['phone:1', 'A', 'confirmed']]);
    expect(planLink([claim('phone:1', 'inferred')], held, 'new')).toEqual({ profile: 'A', created: false, links: [], conflicts: [] });
  });
});

const KEYS = ['phone:1', 'phone:2', 'phone:3', 'email:a', 'email:b', 'wechat:x', 'wechat:y'];
const contactArb = fc.uniqueArray(fc.record({ key: fc.constantFrom(...KEYS), strength: fc.constantFrom<LinkStrength>('confirmed', 'inferred') }), {
  minLength: 0,
  maxLength: 4,
  selector: (c) => c.key,
});

function run(contacts: readonly (readonly { key: string; strength: LinkStrength }[])[], check: (before: Map<string, Owner>, after: Map<string, Owner>, claims: IdentifierClaim[], profile: string | null) => void): void {
  let state = new Map<string, Owner>();
  contacts.forEach((contact, i) => {
    const claims = contact.map((c) => claim(c.key, c.strength));
    const plan = planLink(claims, state, `P${i}`);
    const next = plan === null ? state : applyPlan(state, plan);
    check(state, next, claims, plan?.profile ?? null);
    state = next;
  });
}

describe('planLink properties over random contact histories', () => {
  const histories = fc.array(contactArb, { maxLength: 30 });

  it('an identifier, once held, never changes profile (so none ever belongs to two, and profiles never merge)', () => {
    fc.assert(
      fc.property(histories, (contacts) => {
        run(contacts, (before, after) => {
          for (const [key, owner] of before) expect(after.get(key)?.profile).toBe(owner.profile);
        });
      }),
      { seed: 1107, numRuns: 2000 },
    );
  });

  it('a confirmed link is never overwritten by an inferred one', () => {
    fc.assert(
      fc.property(histories, (contacts) => {
        run(contacts, (before, after) => {
          for (const [key, owner] of before) if (owner.strength === 'confirmed') expect(after.get(key)).toEqual(owner);
        });
      }),
      { seed: 1108, numRuns: 2000 },
    );
  });

  it('each contact with identifiers joins a profile that holds at least one of them afterwards', () => {
    fc.assert(
      fc.property(histories, (contacts) => {
        run(contacts, (_before, after, claims, profile) => {
          if (claims.length === 0) return expect(profile).toBeNull();
          expect(claims.some((c) => after.get(c.key)?.profile === profile)).toBe(true);
        });
      }),
      { seed: 1109, numRuns: 2000 },
    );
  });

  it("a contact's confirmed identifiers end up in its profile, unless another profile held them already", () => {
    fc.assert(
      fc.property(histories, (contacts) => {
        run(contacts, (before, after, claims, profile) => {
          for (const c of claims.filter((c) => c.strength === 'confirmed')) {
            const held = before.get(c.key);
            if (held === undefined || held.profile === profile) expect(after.get(c.key)).toEqual({ profile, strength: 'confirmed' });
            else expect(after.get(c.key)).toEqual(held);
          }
        });
      }),
      { seed: 1110, numRuns: 2000 },
    );
  });

  it('a contact with a confirmed identifier joins a profile that held a confirmed claim of it, or a new one', () => {
    fc.assert(
      fc.property(histories, (contacts) => {
        let n = 0;
        run(contacts, (before, _after, claims, profile) => {
          const fresh = `P${n++}`;
          const confirmed = claims.filter((c) => c.strength === 'confirmed');
          if (confirmed.length === 0) return;
          const holders = confirmed.map((c) => before.get(c.key)?.profile).filter((p): p is string => p !== undefined);
          expect(holders.length === 0 ? profile === fresh : holders.includes(profile ?? '')).toBe(true);
        });
      }),
      { seed: 1111, numRuns: 2000 },
    );
  });
});
