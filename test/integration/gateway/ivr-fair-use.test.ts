// Given the gateway with tight call limits (one call an hour and a day per number, abusive at twice that, one second
// held without progress) and real Redis, when one number keeps calling, then the first call gets the menus, later
// ones a notice and an agent, and the clearly abusive ones a notice and a polite goodbye; a number a supervisor
// flags gets the notice while the flag lasts; a caller going round the menus is handed to an agent; under every
// limit at once the emergency menu still forwards to the emergency line.
// Asserted on what the simulator played, bridged and hung up.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisFlagStore } from '../../../src/adapters/limits/redis-flag-store.js';
import { REDIS_URL } from '../../support/redis.js';
import type { Harness } from './harness.js';
import { heard, startHarness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ IVR_CALLS_PER_HOUR: '1', IVR_CALLS_PER_DAY: '1', IVR_ABUSE_FACTOR: '2', IVR_IDLE_LIMIT: '1s' });
});

afterAll(async () => {
  await h.close();
});

let numbers = 0;
function freshNumber(): string {
  numbers += 1;
  return `1370000${String(numbers).padStart(4, '0')}`;
}

/** Places a call and waits for the first thing the gateway plays to it. */
async function callHearing(from: string, media: string): Promise<string> {
  const { channelId } = h.sim.placeCall({ from });
  await h.sim.waitForPlayback(channelId, media);
  return channelId;
}

async function usedUp(from: string): Promise<void> {
  const first = await callHearing(from, 'sound:hotline/greeting');
  h.sim.hangup(first);
  await h.sim.waitForHangup(first);
}

async function bridgedLine(channelId: string): Promise<string | null> {
  const bridge = await h.sim.waitForBridgeWith(channelId);
  const peerId = bridge.channelIds.find((id) => id !== channelId);
  return (peerId === undefined ? undefined : h.sim.channel(peerId)?.dialstring) ?? null;
}

describe('calls per number on the phone', () => {
  it('past the limit a caller hears a short notice instead of the menus, and 0 reaches an agent', async () => {
    const from = freshNumber();
    await usedUp(from);
    const channelId = await callHearing(from, 'sound:hotline/fair-use-over');
    expect(heard(h.sim, channelId)[0]).toBe('zh:sound:hotline/fair-use-over');
    await h.sim.waitForPlayback(channelId, 'sound:hotline/fair-use-over-options');
    await h.sim.sendDigits(channelId, '0');
    expect(await h.sim.waitForContinue(channelId)).toMatchObject({ context: 'ivr-fallback', extension: 'queue' });
    expect(h.sim.channel(channelId)?.variables).toMatchObject({ HOTLINE_SKILL: 'general' });
    expect(heard(h.sim, channelId)).not.toContain('zh:sound:hotline/greeting');
  });

  it('a number a supervisor flags hears the notice from its next call on, and the menus again once the flag is lifted', async () => {
    const from = freshNumber();
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const flags = new RedisFlagStore(redis, { prefix: h.gateway.config.intake.prefix, auditRetentionMs: 3_600_000 });
      const now = Date.now();
      await flags.flag({ identity: { kind: 'phone', value: from }, reason: 'floods the hotline', by: 'supervisor', at: new Date(now).toISOString(), expiresAt: new Date(now + 600_000).toISOString() });
      const flagged = await callHearing(from, 'sound:hotline/fair-use-over');
      expect(heard(h.sim, flagged)).not.toContain('zh:sound:hotline/greeting');
      h.sim.hangup(flagged);
      await h.sim.waitForHangup(flagged);
      await flags.unflag({ kind: 'phone', value: from }, 'supervisor', 'agreed with the caller', new Date().toISOString());
      // The flagged call counted towards the abuse limits only: the number's one call an hour is still there.
      const after = await callHearing(from, 'sound:hotline/greeting');
      expect(heard(h.sim, after)[0]).toBe('zh:sound:hotline/greeting');
    } finally {
      redis.disconnect();
    }
  });

  it('far past it the call ends politely after a notice and a goodbye', async () => {
    const from = freshNumber();
    await usedUp(from);
    const over = await callHearing(from, 'sound:hotline/fair-use-over');
    h.sim.hangup(over);
    const channelId = await callHearing(from, 'sound:hotline/fair-use-abusive');
    await h.sim.waitForPlayback(channelId, 'sound:hotline/fair-use-abusive-options');
    await h.sim.sendDigits(channelId, '2');
    const ended = await h.sim.waitForHangup(channelId);
    expect(ended.hangupBy).toBe('app');
    expect(heard(h.sim, channelId)).toEqual([
      'zh:sound:hotline/fair-use-abusive',
      'zh:sound:hotline/fair-use-abusive-options',
      'zh:sound:hotline/fair-use-goodbye',
    ]);
  });

  it('a caller held going round the main menu without progress is handed to an agent after a notice', async () => {
    const channelId = await callHearing(freshNumber(), 'sound:hotline/greeting');
    await h.sim.waitForPlayback(channelId, 'sound:hotline/main-menu', { finished: true });
    // The repeat key plays the menu again and again: nothing new is reached.
    await h.sim.sendDigits(channelId, '*');
    await h.sim.waitFor('main menu played twice', () => (heard(h.sim, channelId).filter((m) => m === 'zh:sound:hotline/main-menu').length >= 2 ? true : undefined), 5000);
    expect(await h.sim.waitForContinue(channelId)).toMatchObject({ context: 'ivr-fallback', extension: 'queue' });
    expect(h.sim.channel(channelId)?.variables).toMatchObject({ HOTLINE_SKILL: 'general' });
    expect(heard(h.sim, channelId).at(-1)).toBe('zh:sound:hotline/idle-notice');
    expect(heard(h.sim, channelId)).not.toContain('zh:sound:hotline/no-input');
  });

  it('other numbers are not affected', async () => {
    const channelId = await callHearing(freshNumber(), 'sound:hotline/greeting');
    h.sim.hangup(channelId);
  });

  it.each([
    ['over the hourly and daily limits', 1, 'sound:hotline/fair-use-over', '1', '110@psap-police'],
    ['clearly abusive (every limit at once)', 2, 'sound:hotline/fair-use-abusive', '3', '120@psap-ambulance'],
  ] as const)('a number %s still reaches the emergency line: 1, then the service', async (_, extraCalls, notice, service, line) => {
    const from = freshNumber();
    await usedUp(from);
    for (let i = 1; i < extraCalls; i += 1) {
      const extra = await callHearing(from, 'sound:hotline/fair-use-over');
      h.sim.hangup(extra);
    }
    const channelId = await callHearing(from, notice);
    // Keyed during the notice: nothing stands between the caller and the emergency menu.
    await h.sim.sendDigits(channelId, `1${service}`);
    expect(await bridgedLine(channelId)).toBe(line);
    expect(h.sim.channel(channelId)?.continuedTo).toBeNull();
    h.sim.hangup(channelId);
  });
});
