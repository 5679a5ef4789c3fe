import { describe, expect, it } from 'vitest';
import { agentView, queueView, screenPop, waitingCallViews } from '../../../src/app/acd/desk-views.js';
import type { CallRecord } from '../../../src/app/acd/call-records.js';
import type { CitizenHistory } from '../../../src/domain/identity/citizen-history.js';
import { statusView } from '../../../src/domain/identity/citizen-history.js';

const T0 = Date.parse('2026-12-07T08:00:00Z');
const record: CallRecord = {
  callId: '1700000000.42',
  gateway: 'ivr-12345@host',
  caller: '13812345678',
  lang: 'zh',
  queueSkill: 'complaint',
  category: 'environment',
  ivrPath: ['fair-use', 'main-menu', 'complaint-menu', 'complaint-queue'],
  enqueuedAt: T0,
};
const history: CitizenHistory = {
  profile: 'p1',
  link: 'confirmed',
  contacts: [
    { id: '1700000000.42', channel: 'voice', at: new Date(T0).toISOString() },
    { id: 's-2', channel: 'web', at: '2026-12-01T02:00:00.000Z', ticket: '482193746501', status: 'in_progress' },
    { id: '1690000000.1', channel: 'voice', at: '2026-11-20T02:00:00.000Z' },
  ],
  openCases: [{ id: 's-2', ticket: '482193746501', channel: 'web', receivedAt: '2026-12-01T02:00:00.000Z', ...statusView('in_progress') }],
};

describe('the screen pop', () => {
  it('shows the caller masked, what the IVR learnt, the wait so far, and the earlier contacts without this call', () => {
    const pop = screenPop(record, history, T0 + 42_500);
    expect(pop).toMatchObject({
      callId: record.callId,
      callerMasked: '138****5678',
      lang: 'zh',
      queueSkill: 'complaint',
      category: 'environment',
      ivrPath: record.ivrPath,
      answeredAt: null,
      waitedSeconds: 42,
      earlierTicket: null,
      historyUnavailable: false,
    });
    expect(pop.history?.contacts.map((c) => c.channel)).toEqual(['web', 'voice']);
    expect(pop.history?.contacts[0]).toMatchObject({ ticket: '482193746501', status: 'in_progress', statusName: statusView('in_progress').statusName });
    expect(pop.history?.contacts[1]).toMatchObject({ ticket: null, status: null, statusName: null });
    expect(pop.history?.openCases).toEqual([{ ticket: '482193746501', channel: 'web', receivedAt: '2026-12-01T02:00:00.000Z', status: 'in_progress', statusName: statusView('in_progress').statusName }]);
    expect(JSON.stringify(pop)).not.toContain('13812345678');
  });

  it('counts the wait up to the answer once answered, and says when the history could not be read', () => {
    const pop = screenPop({ ...record, answeredAt: T0 + 19_000, earlierTicket: '482193746501' }, undefined, T0 + 600_000);
    expect(pop).toMatchObject({ waitedSeconds: 19, answeredAt: new Date(T0 + 19_000).toISOString(), earlierTicket: '482193746501', history: null, historyUnavailable: true });
  });

  it('shows a withheld number as withheld, and no history for a number nobody knows', () => {
    expect(screenPop({ ...record, caller: '' }, null, T0)).toMatchObject({ callerMasked: '', history: null, historyUnavailable: false });
  });
});

describe('the floor', () => {
  it('lists waiting calls longest-waiting first, with whole seconds waited', () => {
    const calls = [
      { callId: 'b', gateway: 'g', skill: 'consultation', lang: 'zh', priority: 3, enqueuedAt: T0 + 5_000 },
      { callId: 'a', gateway: 'g', skill: 'complaint', lang: 'en', priority: 5, enqueuedAt: T0 },
    ];
    expect(waitingCallViews(calls, T0 + 30_999)).toEqual([
      { callId: 'a', skill: 'complaint', lang: 'en', priority: 5, waitedSeconds: 30, enqueuedAt: new Date(T0).toISOString() },
      { callId: 'b', skill: 'consultation', lang: 'zh', priority: 3, waitedSeconds: 25, enqueuedAt: new Date(T0 + 5_000).toISOString() },
    ]);
  });

  it('gives the queue figures with the service level of the day, and agents with their skills as text', () => {
    const zero = { offline: 0, ready: 1, paused: 0, reserved: 0, ringing: 0, onCall: 2, wrapUp: 0 };
    const view = queueView({
      waiting: 3,
      longestWaitMs: 61_900,
      agentsByState: zero,
      today: { queued: 10, offered: 9, answered: 8, abandoned: 2, answeredInTime: 6, callbacksBooked: 0, callbacksAbandoned: 0 },
    });
    expect(view).toMatchObject({ waiting: 3, longestWaitSeconds: 61, serviceLevel: 0.6, serviceLevelThresholdSeconds: 20 });
    const agent = agentView({ id: '1001', endpoint: 'PJSIP/1001', skills: [{ name: 'complaint', level: 1 }, { name: 'zh', level: 1 }], state: 'ready', reason: null, callId: null, since: T0, idleSince: T0 });
    expect(agent).toMatchObject({ id: '1001', skillsText: 'complaint:1, zh:1', since: new Date(T0).toISOString() });
  });
});
