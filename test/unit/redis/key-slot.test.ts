// The slot of a key as Redis Cluster computes it: checked against `CLUSTER KEYSLOT` answers of redis-server 7.

import { describe, expect, it } from 'vitest';
import { hashedPart, keySlot } from '../../../src/adapters/redis/key-slot.js';

describe('keySlot', () => {
  it.each([
    ['123456789', 12739],
    ['foo', 12182],
    ['hello', 866],
    ['{user1000}.following', 3443],
    ['{hotline}:sub:1', 10512],
    // An empty tag hashes the whole key; only the first {...} counts.
    ['a{}b', 13694],
    ['{}{x}', 3257],
    ['中文', 13257],
  ])('%s is in slot %i', (key, slot) => {
    expect(keySlot(key)).toBe(slot);
  });

  it('hashes only the hash tag when there is one', () => {
    expect(hashedPart('{hotline}:intake:wait')).toBe('hotline');
    expect(keySlot('{hotline}:intake:wait')).toBe(keySlot('hotline'));
    expect(hashedPart('no-tag')).toBe('no-tag');
    expect(hashedPart('{open')).toBe('{open');
  });
});
