// The routing policy against its specification, written out again here (not imported): eligibility, ranking,
// widening. Examples pin the rules; properties check the picks against the specification for any pool and queue.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareCalls,
  MAX_RANKED_TIME,
  nextEligibilityChange,
  pickAgentForCall,
  pickCallForAgent,
  rankScore,
  RoutingError,
} from '../../../src/domain/acd/routing.js';
import { AGENT_STATES, HEAD_PRIORITY } from '../../../src/domain/acd/types.js';
import type { AgentRecord, RoutingSettings, Skill, WaitingCall } from '../../../src/domain/acd/types.js';

// --- the specification -------------------------------------------------------------------------------------------

function specMaxLevel(waited: number, s: RoutingSettings): number {
  return s.widenEveryMs === 0 ? 9 : Math.min(9, 1 + Math.floor(waited / s.widenEveryMs));
}

function specOverflowed(waited: number, s: RoutingSettings): boolean {
  return s.overflowAfterMs > 0 && waited >= s.overflowAfterMs;
}

function specEligible(agent: AgentRecord, call: WaitingCall, now: number, s: RoutingSettings, device = true): boolean {
  const waited = Math.max(0, now - call.enqueuedAt);
  const level = agent.skills.find((k) => k.name === call.skill)?.level;
  return (
    agent.state === 'ready' &&
    device &&
    agent.skills.some((k) => k.name === call.lang) &&
    (specOverflowed(waited, s) || (level !== undefined && level <= specMaxLevel(waited, s)))
  );
}

/** True when call `a` is served before `b`. */
function specCallBefore(a: WaitingCall, b: WaitingCall): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.enqueuedAt !== b.enqueuedAt) return a.enqueuedAt < b.enqueuedAt;
  return a.callId < b.callId;
}

function specAgentBefore(a: AgentRecord, b: AgentRecord): boolean {
  return a.idleSince !== b.idleSince ? a.idleSince < b.idleSince : a.id < b.id;
}

// --- builders and arbitraries ------------------------------------------------------------------------------------

function agent(id: string, skills: string, idleSince = 0, state: AgentRecord['state'] = 'ready'): AgentRecord {
  const parsed: Skill[] = skills.split(',').map((item) => {
    const [name, level] = item.trim().split(':');
    return { name: name ?? '', level: Number(level ?? 1) };
  });
  return { id, endpoint: `PJSIP/${id}`, skills: parsed, state, reason: null, callId: null, since: 0, idleSince };
}

function call(callId: string, skill: string, lang: string, enqueuedAt: number, priority = 5): WaitingCall {
  return { callId, gateway: 'g1', skill, lang, priority, enqueuedAt };
}

const always = () => true;
const settings: RoutingSettings = { widenEveryMs: 10_000, overflowAfterMs: 60_000 };

const skillArb: fc.Arbitrary<Skill> = fc.record({ name: fc.constantFrom('env', 'edu', 'zh', 'en'), level: fc.integer({ min: 1, max: 9 }) });
const agentArb: fc.Arbitrary<AgentRecord> = fc.record({
  id: fc.constantFrom('a1', 'a2', 'a3', 'b1', 'b2'),
  endpoint: fc.constantFrom('PJSIP/1', 'PJSIP/2', 'PJSIP/3'),
  skills: fc.uniqueArray(skillArb, { maxLength: 4, selector: (k) => k.name }),
  state: fc.oneof({ arbitrary: fc.constant('ready' as const), weight: 4 }, { arbitrary: fc.constantFrom(...AGENT_STATES), weight: 1 }),
  reason: fc.constant(null),
  callId: fc.constant(null),
  since: fc.constant(0),
  idleSince: fc.integer({ min: 0, max: 5 }),
});
const callArb: fc.Arbitrary<WaitingCall> = fc.record({
  callId: fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c10'),
  gateway: fc.constant('g1'),
  skill: fc.constantFrom('env', 'edu'),
  lang: fc.constantFrom('zh', 'en'),
  priority: fc.integer({ min: 0, max: HEAD_PRIORITY }),
  enqueuedAt: fc.integer({ min: 0, max: 100_000 }),
});
const settingsArb: fc.Arbitrary<RoutingSettings> = fc.record({
  widenEveryMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20_000 })),
  overflowAfterMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 90_000 })),
});
const nowArb = fc.integer({ min: 0, max: 250_000 });
const devicesArb = fc.func(fc.boolean());

// --- examples ----------------------------------------------------------------------------------------------------

describe('eligibility, by example', () => {
  const c = call('c1', 'env', 'zh', 100_000);
  const at = (waited: number) => 100_000 + waited;
  const eligible = (a: AgentRecord, now: number, s = settings, device: (endpoint: string) => boolean = always) => pickAgentForCall(c, [a], now, s, device) !== null;

  it('needs the language at any level and the skill at level 1 at once', () => {
    expect(eligible(agent('a', 'env:1, zh:9'), at(0))).toBe(true);
    expect(eligible(agent('a', 'env:1, en:1'), at(0))).toBe(false);
    expect(eligible(agent('a', 'env:2, zh:1'), at(0))).toBe(false);
    expect(eligible(agent('a', 'zh:1'), at(0))).toBe(false);
  });

  it('lets one level deeper in every widenEveryMs, up to 9', () => {
    const level3 = agent('a', 'env:3, zh:1');
    expect(eligible(level3, at(19_999))).toBe(false);
    expect(eligible(level3, at(20_000))).toBe(true);
    const level9 = agent('a', 'env:9, zh:1');
    const slow = { widenEveryMs: 10_000, overflowAfterMs: 0 };
    expect(eligible(level9, at(79_999), slow)).toBe(false);
    expect(eligible(level9, at(80_000), slow)).toBe(true);
    expect(eligible(agent('a', 'env:9, zh:1'), at(0), { widenEveryMs: 0, overflowAfterMs: 0 })).toBe(true);
  });

  it('drops the skill past overflowAfterMs, never the language', () => {
    expect(eligible(agent('a', 'zh:1'), at(59_999))).toBe(false);
    expect(eligible(agent('a', 'zh:1'), at(60_000))).toBe(true);
    expect(eligible(agent('a', 'edu:1, en:1'), at(600_000))).toBe(false);
    expect(eligible(agent('a', 'zh:1'), at(10_000_000), { widenEveryMs: 10_000, overflowAfterMs: 0 })).toBe(false);
  });

  it('needs a ready agent with an available phone', () => {
    for (const state of AGENT_STATES.filter((s) => s !== 'ready')) expect(eligible(agent('a', 'env:1, zh:1', 0, state), at(0))).toBe(false);
    expect(eligible(agent('a', 'env:1, zh:1'), at(0), settings, (endpoint) => endpoint !== 'PJSIP/a')).toBe(false);
  });

  it('counts a call stamped ahead of our clock as just queued', () => {
    expect(eligible(agent('a', 'env:1, zh:1'), at(-5_000))).toBe(true);
    expect(eligible(agent('a', 'env:2, zh:1'), at(-5_000))).toBe(false);
  });
});

describe('ranking, by example', () => {
  it('gives a call to the longest idle agent, then the smallest id', () => {
    const c = call('c1', 'env', 'zh', 0);
    const pool = [agent('b', 'env:1, zh:1', 50), agent('c', 'env:1, zh:1', 10), agent('a', 'env:1, zh:1', 10), agent('d', 'env:2, zh:1', 0)];
    expect(pickAgentForCall(c, pool, 0, settings, always)?.id).toBe('a');
    expect(pickAgentForCall(c, pool, 0, settings, (e) => e !== 'PJSIP/a')?.id).toBe('c');
    expect(pickAgentForCall(c, [], 0, settings, always)).toBeNull();
  });

  it('gives an agent the call at the head first, then higher priority, then the earliest, then the smallest id', () => {
    const a = agent('a', 'env:1, edu:1, zh:1');
    const calls = [call('c5', 'env', 'zh', 10, 9), call('c4', 'edu', 'zh', 5, 9), call('c3', 'edu', 'zh', 5, 9), call('c9', 'env', 'zh', 900, HEAD_PRIORITY), call('c1', 'env', 'en', 0, HEAD_PRIORITY)];
    expect(pickCallForAgent(a, calls, 1_000, settings)?.callId).toBe('c9');
    expect(pickCallForAgent(a, calls.slice(0, 3), 1_000, settings)?.callId).toBe('c3');
    expect(pickCallForAgent({ ...a, state: 'paused' }, calls, 1_000, settings)).toBeNull();
  });
});

describe('nextEligibilityChange, by example', () => {
  const c = { enqueuedAt: 100_000 };
  it.each<[string, RoutingSettings, number, number | null]>([
    ['the first widening step', { widenEveryMs: 10_000, overflowAfterMs: 60_000 }, 100_000, 110_000],
    ['the next step, strictly after now', { widenEveryMs: 10_000, overflowAfterMs: 60_000 }, 110_000, 120_000],
    ['overflow once no step comes first', { widenEveryMs: 10_000, overflowAfterMs: 25_000 }, 121_000, 125_000],
    ['nothing after overflow', { widenEveryMs: 10_000, overflowAfterMs: 25_000 }, 125_000, null],
    ['the last step, to level 9', { widenEveryMs: 10_000, overflowAfterMs: 0 }, 179_999, 180_000],
    ['nothing once level 9 is in and overflow is off', { widenEveryMs: 10_000, overflowAfterMs: 0 }, 180_000, null],
    ['only overflow when every level is in at once', { widenEveryMs: 0, overflowAfterMs: 30_000 }, 100_000, 130_000],
    ['never, with neither', { widenEveryMs: 0, overflowAfterMs: 0 }, 100_000, null],
    ['the first step for a call stamped ahead of our clock', { widenEveryMs: 10_000, overflowAfterMs: 0 }, 50_000, 110_000],
  ])('%s', (_name, s, now, expected) => {
    expect(nextEligibilityChange(c, now, s)).toBe(expected);
  });
});

describe('rankScore', () => {
  it('puts the head band above every priority, then the earliest', () => {
    expect(rankScore({ priority: HEAD_PRIORITY, enqueuedAt: MAX_RANKED_TIME - 1 })).toBeLessThan(rankScore({ priority: 9, enqueuedAt: 0 }));
    expect(rankScore({ priority: HEAD_PRIORITY, enqueuedAt: 0 })).toBe(0);
    expect(rankScore({ priority: 0, enqueuedAt: 7 })).toBe(10 * 2 ** 41 + 7);
    expect(Number.isSafeInteger(rankScore({ priority: 0, enqueuedAt: MAX_RANKED_TIME - 1 }))).toBe(true);
  });

  it.each([
    { priority: 11, enqueuedAt: 0 },
    { priority: -1, enqueuedAt: 0 },
    { priority: 1.5, enqueuedAt: 0 },
    { priority: 5, enqueuedAt: -1 },
    { priority: 5, enqueuedAt: MAX_RANKED_TIME },
    { priority: 5, enqueuedAt: 0.5 },
  ])('refuses %j, which it could not order', (c) => {
    expect(() => rankScore(c)).toThrow(RoutingError);
  });

  it('sorts calls as the ranking does (ties broken by callId, as a Redis sorted set does)', () => {
    const rankedCall = fc.record({
      callId: fc.string({ unit: fc.constantFrom('1', '2', '.', 'a', 'z'), minLength: 1, maxLength: 4 }),
      gateway: fc.constant('g'),
      skill: fc.constant('env'),
      lang: fc.constant('zh'),
      priority: fc.integer({ min: 0, max: HEAD_PRIORITY }),
      enqueuedAt: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: MAX_RANKED_TIME - 1 }), fc.constant(MAX_RANKED_TIME - 1)),
    });
    fc.assert(
      fc.property(fc.array(rankedCall, { maxLength: 30 }), (calls) => {
        const byScore = [...calls].sort((a, b) => rankScore(a) - rankScore(b) || (a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0));
        const byRanking = [...calls].sort(compareCalls);
        expect(byScore).toEqual(byRanking);
        for (let i = 1; i < byRanking.length; i++) expect(specCallBefore(byRanking[i] as WaitingCall, byRanking[i - 1] as WaitingCall)).toBe(false);
      }),
    );
  });
});

describe('routing properties', () => {
  it('a call takes an eligible agent, and no eligible agent ranks better; none when none is eligible', () => {
    fc.assert(
      fc.property(callArb, fc.array(agentArb, { maxLength: 8 }), nowArb, settingsArb, devicesArb, (c, agents, now, s, device) => {
        const picked = pickAgentForCall(c, agents, now, s, device);
        const eligible = agents.filter((a) => specEligible(a, c, now, s, device(a.endpoint)));
        if (picked === null) {
          expect(eligible).toEqual([]);
          return;
        }
        expect(specEligible(picked, c, now, s, device(picked.endpoint))).toBe(true);
        for (const other of eligible) expect(specAgentBefore(other, picked)).toBe(false);
      }),
    );
  });

  it('an agent takes an eligible call, and no eligible call ranks better; none when none is eligible', () => {
    fc.assert(
      fc.property(agentArb, fc.array(callArb, { maxLength: 8 }), nowArb, settingsArb, (a, calls, now, s) => {
        const picked = pickCallForAgent(a, calls, now, s);
        const eligible = calls.filter((c) => specEligible(a, c, now, s));
        if (picked === null) {
          expect(eligible).toEqual([]);
          return;
        }
        expect(specEligible(a, picked, now, s)).toBe(true);
        for (const other of eligible) expect(specCallBefore(other, picked)).toBe(false);
      }),
    );
  });

  it('an agent eligible for a call stays eligible as the call waits', () => {
    fc.assert(
      fc.property(agentArb, callArb, nowArb, fc.integer({ min: 0, max: 200_000 }), settingsArb, (a, c, now, later, s) => {
        fc.pre(pickAgentForCall(c, [a], now, s, always) !== null);
        expect(pickAgentForCall(c, [a], now + later, s, always)).not.toBeNull();
        expect(pickCallForAgent(a, [c], now + later, s)).not.toBeNull();
      }),
    );
  });

  it('nothing changes before nextEligibilityChange, something does at it, and nothing ever after null', () => {
    fc.assert(
      fc.property(
        callArb,
        fc.array(agentArb, { minLength: 1, maxLength: 6 }),
        nowArb,
        settingsArb,
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (c, agents, now, s, fraction) => {
          const next = nextEligibilityChange(c, now, s);
          const eligibleAt = (t: number) => agents.map((a) => pickAgentForCall(c, [a], t, s, always) !== null);
          // What decides eligibility at t: the deepest level in, or overflow (after which levels no longer matter).
          const levelAt = (t: number) => {
            const waited = Math.max(0, t - c.enqueuedAt);
            return specOverflowed(waited, s) ? 'overflow' : specMaxLevel(waited, s);
          };
          if (next === null) {
            expect(eligibleAt(now + 10_000_000)).toEqual(eligibleAt(now));
            expect(levelAt(now + 10_000_000)).toEqual(levelAt(now));
            return;
          }
          expect(next).toBeGreaterThan(now);
          const before = now + Math.floor((next - now) * fraction);
          expect(eligibleAt(before)).toEqual(eligibleAt(now));
          expect(levelAt(next - 1)).toEqual(levelAt(now));
          expect(levelAt(next)).not.toEqual(levelAt(now));
        },
      ),
    );
  });
});
