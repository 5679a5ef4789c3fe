// Record retention against the real Redis: a record nobody changed for INTAKE_RECORD_RETENTION goes with its
// history, ticket and every index entry; one changed since (status update, rating) stays until its own time.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/app/ports.js';
import { systemClock } from '../../../src/app/ports.js';
import { IntakeFixture, request } from './intake-harness.js';

const DAY_MS = 86_400_000;
const RETENTION_MS = 30 * DAY_MS;

/** Real timers, but a date the test moves forward. */
class MovableClock implements Clock {
  nowMs = Date.parse('2026-01-05T08:00:00.000Z');
  now(): number {
    return this.nowMs;
  }
  setTimer(ms: number, fire: () => void): ReturnType<Clock['setTimer']> {
    return systemClock.setTimer(ms, fire);
  }
}

let fx: IntakeFixture;
let clock: MovableClock;

beforeEach(async () => {
  fx = await IntakeFixture.create();
  clock = new MovableClock();
});

afterEach(async () => {
  await fx.cleanup();
});

/** Every key of this intake that is not BullMQ's, and the members of its sorted sets. */
async function recordKeys(): Promise<{ keys: string[]; members: Map<string, string[]> }> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await fx.redis.scan(cursor, 'MATCH', `{${fx.prefix}}:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...found.filter((k) => !k.startsWith(`{${fx.prefix}}:intake:`)));
  } while (cursor !== '0');
  const members = new Map<string, string[]>();
  for (const key of keys) if ((await fx.redis.type(key)) === 'zset') members.set(key, await fx.redis.zrange(key, 0, -1));
  return { keys: keys.sort(), members };
}

function mentioning(state: { keys: string[]; members: Map<string, string[]> }, id: string, ticket: string): string[] {
  const found = state.keys.filter((k) => k.endsWith(id) || k.endsWith(`ticket:${ticket}`));
  for (const [key, members] of state.members) if (members.includes(id)) found.push(`${key} ∋ ${id}`);
  return found;
}

describe('intake record retention', () => {
  it('deletes a record unchanged for the retention period, with its history, ticket and index entries, and keeps one changed since', async () => {
    const created = await fx.open({ clock, recordRetentionMs: RETENTION_MS });
    const { intake } = created;
    const old = (await intake.submit(request(1, { channel: 'open311', refs: { open311ServiceCode: 'roads' }, contact: { phone: '13800000001', email: 'a@example.com' } }))).submission;
    const updated = (await intake.submit(request(2))).submission;
    const rated = (await intake.submit(request(3))).submission;
    const followUp = (await intake.submit(request(4, { refs: { followUpOf: old.id } }))).submission;

    clock.nowMs += 10 * DAY_MS;
    await intake.updateStatus(updated.id, { status: 'in_progress', at: new Date(clock.nowMs).toISOString() });
    await intake.updateStatus(rated.id, { status: 'resolved', at: new Date(clock.nowMs).toISOString() });
    clock.nowMs += 5 * DAY_MS;
    await intake.rate(rated.id, { score: 5, at: new Date(clock.nowMs).toISOString() });
    expect(mentioning(await recordKeys(), old.id, old.ticket).length).toBeGreaterThan(5);

    // Day 31: only the two untouched since their receipt are due.
    clock.nowMs = Date.parse(old.receivedAt) + RETENTION_MS + DAY_MS;
    expect(await created.purgeExpired()).toBe(2);
    const after = await recordKeys();
    expect(mentioning(after, old.id, old.ticket)).toEqual([]);
    expect(mentioning(after, followUp.id, followUp.ticket)).toEqual([]);
    expect(await intake.get(old.id)).toBeNull();
    expect(await intake.getByTicket(old.ticket)).toBeNull();
    expect((await intake.find({ limit: 10 })).map((r) => r.submission.id).sort()).toEqual([updated.id, rated.id].sort());
    expect((await intake.get(updated.id))?.history.at(-1)?.status).toBe('in_progress');
    expect((await intake.get(rated.id))?.rating?.score).toBe(5);
    expect(fx.recorded.lines.filter((l) => l.msg === 'expired intake records deleted').map((l) => l.fields['purged'])).toEqual([2]);

    // A sweep with nothing due deletes nothing and says nothing.
    expect(await created.purgeExpired()).toBe(0);
    // Day 41: the updated one is due (changed on day 10); the rated one changed on day 15.
    clock.nowMs = Date.parse(old.receivedAt) + 10 * DAY_MS + RETENTION_MS + DAY_MS;
    expect(await created.purgeExpired()).toBe(1);
    expect(await intake.get(updated.id)).toBeNull();
    expect(await intake.get(rated.id)).not.toBeNull();
    clock.nowMs += 5 * DAY_MS;
    expect(await created.purgeExpired()).toBe(1);
    const last = await recordKeys();
    // What is left is intake's own bookkeeping (ticket counter, claims expiring on their own TTL), no record.
    expect(last.keys.filter((k) => /:(sub|history|ticket|followups):/.test(k))).toEqual([]);
    expect([...last.members].filter(([key, members]) => key.includes(':idx:') && members.length > 0)).toEqual([]);
  });

  it('cleans the indexes of a record whose hash is already gone', async () => {
    const created = await fx.open({ clock, recordRetentionMs: RETENTION_MS });
    const lost = (await created.intake.submit(request(5))).submission;
    await fx.redis.del(fx.keys.record(lost.id));
    clock.nowMs += RETENTION_MS + DAY_MS;
    expect(await created.purgeExpired()).toBe(1);
    const state = await recordKeys();
    for (const key of [fx.keys.byTime, fx.keys.byChange, fx.keys.byChannel('web'), fx.keys.byStatus('received')]) {
      expect(state.members.get(key) ?? []).not.toContain(lost.id);
    }
  });

  it('sweeps by itself on its schedule', async () => {
    const created = await fx.open({ clock, recordRetentionMs: RETENTION_MS, retentionSweepMs: 50 });
    const due = (await created.intake.submit(request(6))).submission;
    clock.nowMs += RETENTION_MS + DAY_MS;
    await expect.poll(async () => await created.intake.get(due.id), { timeout: 3000, interval: 50 }).toBeNull();
  });
});
