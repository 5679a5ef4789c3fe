// Every key family of the gateway starts with the hash tag `{INTAKE_PREFIX}`, so a Redis Cluster keeps them all in
// one slot (multi-key scripts and MULTI stay legal), and a prefix that would not make a tag is refused wherever keys
// are made, with an error naming INTAKE_PREFIX. The keys actually written are checked on a real cluster too
// (test/integration/redis-topologies/cluster-gateway.test.ts).

import { describe, expect, it } from 'vitest';
import { AcdKeys } from '../../../src/adapters/acd/acd-keys.js';
import { IdentityKeys } from '../../../src/adapters/identity/identity-keys.js';
import { hashTag, IntakeKeys, IntakePrefixError } from '../../../src/adapters/intake/intake-keys.js';
import { keySlot } from '../../../src/adapters/redis/key-slot.js';
import { parseConfig } from '../../../src/config/index.js';
import { CHANNELS, STATUSES } from '../../../src/domain/intake/submission.js';

const PREFIX = 'hotline-district.7';

function keysOf(prefix: string): string[] {
  const intake = new IntakeKeys(prefix);
  const acd = new AcdKeys(prefix);
  const identity = new IdentityKeys(intake);
  return [
    `${intake.bullPrefix}:intake:wait`,
    intake.ticketSequence,
    intake.caseSecret,
    intake.byTime,
    intake.byChange,
    intake.pendingClaims,
    intake.replicaProbe,
    intake.idempotency('v1:key-1:retry-42'),
    intake.record('01HZX'),
    intake.history('01HZX'),
    intake.followUps('01HZX'),
    intake.ticket('000001236'),
    ...CHANNELS.map((c) => intake.byChannel(c)),
    ...STATUSES.map((s) => intake.byStatus(s)),
    intake.byServiceCode('street lights/{broken}'),
    intake.byContact('phone:13800138000'),
    ...acd.fixedList,
    acd.day(Date.UTC(2026, 5, 1)),
    acd.call('1796659279.0'),
    acd.agent('agent-7'),
    acd.offers('ivr-12345@pbx:8088'),
    acd.changes,
    acd.offerChannel('ivr-12345@pbx:8088'),
    identity.identifier('phone:13800138000'),
    identity.profile('p1'),
    identity.contacts('p1'),
    identity.openCases('p1'),
    identity.conflicts('p1'),
    identity.byActivity,
    // The Lua scripts build these from the prefixes they are given.
    `${identity.profilePrefix}p1:open`,
    `${identity.recordPrefix}01HZX`,
  ];
}

describe('the hash tag {INTAKE_PREFIX}', () => {
  it('starts every key family, so all of them share its slot', () => {
    const slot = keySlot(`{${PREFIX}}`);
    for (const key of keysOf(PREFIX)) {
      expect(key.startsWith(`{${PREFIX}}:`), key).toBe(true);
      expect(keySlot(key), key).toBe(slot);
    }
  });

  it('refuses a prefix that would not make a tag, naming INTAKE_PREFIX', () => {
    for (const prefix of ['hot{line', 'hot}line', '{hotline}', '', 'hot line', 'a:b', 'x'.repeat(65)]) {
      expect(() => hashTag(prefix)).toThrow(IntakePrefixError);
      expect(() => new IntakeKeys(prefix)).toThrow(/^INTAKE_PREFIX=.*Redis Cluster hash tag/);
      expect(() => new AcdKeys(prefix)).toThrow(IntakePrefixError);
    }
  });

  it('is refused at start when INTAKE_PREFIX would break it', () => {
    expect(() => parseConfig({ INTAKE_PREFIX: 'hot}line' })).toThrow(/INTAKE_PREFIX="hot}line": expected 1-64 letters.*Redis Cluster hash tag \{INTAKE_PREFIX\}/);
    expect(parseConfig({ INTAKE_PREFIX: PREFIX }).intake.prefix).toBe(PREFIX);
  });
});
