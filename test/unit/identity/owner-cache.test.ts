// The owners a linker keeps in memory: bounded, the least recently used identifier evicted first, and an identifier
// known to be free kept as not known (the linker plans both the same way).

import { describe, expect, it } from 'vitest';
import { OwnerCache } from '../../../src/app/identity/owner-cache.js';
import type { Owner } from '../../../src/domain/identity/linking.js';

const owner = (profile: string): Owner => ({ profile, strength: 'confirmed' });

describe('OwnerCache', () => {
  it('never holds more than its capacity, evicting the least recently used', () => {
    const cache = new OwnerCache(3);
    for (const key of ['phone:1', 'phone:2', 'phone:3']) cache.set(key, owner(key));
    // Using phone:1 makes phone:2 the least recently used.
    expect(cache.get('phone:1')?.profile).toBe('phone:1');
    cache.set('phone:4', owner('phone:4'));
    expect(cache.size).toBe(3);
    expect(cache.get('phone:2')).toBeUndefined();
    expect(['phone:1', 'phone:3', 'phone:4'].map((k) => cache.get(k)?.profile)).toEqual(['phone:1', 'phone:3', 'phone:4']);
    for (let i = 0; i < 100; i += 1) cache.set(`email:${i}`, owner(String(i)));
    expect(cache.size).toBe(3);
    expect(['email:97', 'email:98', 'email:99'].map((k) => cache.get(k)?.profile)).toEqual(['97', '98', '99']);
  });

  it('replaces an entry in place, and an owner of nobody or a forgotten one is not known', () => {
    const cache = new OwnerCache(2);
    cache.set('phone:1', owner('A'));
    cache.set('phone:1', { profile: 'A', strength: 'inferred' });
    expect(cache.size).toBe(1);
    expect(cache.get('phone:1')).toEqual({ profile: 'A', strength: 'inferred' });
    cache.set('phone:1', undefined);
    expect(cache.get('phone:1')).toBeUndefined();
    cache.set('phone:2', owner('B'));
    cache.forget('phone:2');
    expect(cache.size).toBe(0);
  });

  it('with capacity 0 keeps nothing, and refuses a capacity that is not a whole number >= 0', () => {
    const cache = new OwnerCache(0);
    cache.set('phone:1', owner('A'));
    expect(cache.get('phone:1')).toBeUndefined();
    expect(() => new OwnerCache(-1)).toThrow(RangeError);
    expect(() => new OwnerCache(1.5)).toThrow(RangeError);
  });
});
