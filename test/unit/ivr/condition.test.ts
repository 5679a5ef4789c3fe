import { describe, expect, it } from 'vitest';
import type { ConditionNode } from '../../../src/domain/flow/types.js';
import { chooseBranch, localClock } from '../../../src/domain/ivr/time-window.js';
import { CallDriver, hotlineFlow } from './fixtures.js';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;

describe('localClock', () => {
  it('gives date, weekday and minute in the zone, across a UTC date boundary', () => {
    // Sunday 2025-03-02 17:30 UTC is Monday 01:30 in Shanghai.
    expect(localClock(Date.UTC(2025, 2, 2, 17, 30), 'Asia/Shanghai')).toEqual({ date: '2025-03-03', weekday: 'mon', minute: 90 });
    expect(localClock(Date.UTC(2025, 2, 2, 17, 30), 'UTC')).toEqual({ date: '2025-03-02', weekday: 'sun', minute: 17 * 60 + 30 });
  });

  it('reports local midnight as minute 0', () => {
    expect(localClock(Date.UTC(2025, 2, 2, 16, 0), 'Asia/Shanghai')).toEqual({ date: '2025-03-03', weekday: 'mon', minute: 0 });
  });
});

describe('condition node', () => {
  const flow = hotlineFlow();
  const node = flow.nodes.hours as ConditionNode;

  it('matches working hours in Shanghai time, not UTC', () => {
    // Monday 08:00 Shanghai = Monday 00:00 UTC; Monday 07:59 Shanghai = Sunday 23:59 UTC.
    expect(chooseBranch(flow, node, Date.UTC(2025, 2, 3, 0, 0))).toBe('welcome');
    expect(chooseBranch(flow, node, Date.UTC(2025, 2, 2, 23, 59))).toBe('closed');
    // Friday 19:59 open, 20:00 closed (toMinute is exclusive).
    expect(chooseBranch(flow, node, Date.UTC(2025, 2, 7, 11, 59))).toBe('welcome');
    expect(chooseBranch(flow, node, Date.UTC(2025, 2, 7, 12, 0))).toBe('closed');
    // Saturday 10:00.
    expect(chooseBranch(flow, node, Date.UTC(2025, 2, 8, 2, 0))).toBe('closed');
  });

  it('treats a holiday by its date in the zone', () => {
    // 2025-09-30 16:30 UTC is 2025-10-01 00:30 in Shanghai: a holiday.
    expect(chooseBranch(flow, node, Date.UTC(2025, 8, 30, 16, 30))).toBe('holiday-msg');
    // 2025-10-01 16:30 UTC is 2025-10-02 in Shanghai (a Thursday, 00:30): closed, not a holiday.
    expect(chooseBranch(flow, node, Date.UTC(2025, 9, 1, 16, 30))).toBe('closed');
    // 2025-09-30 15:59 UTC is still 2025-09-30 23:59 in Shanghai.
    expect(chooseBranch(flow, node, Date.UTC(2025, 8, 30, 15, 59))).toBe('closed');
  });

  it('holiday false excludes holidays; holiday null ignores them; first match wins', () => {
    const workdays = { days: [...WEEKDAYS], fromMinute: 0, toMinute: 24 * 60 };
    const cond: ConditionNode = {
      id: 'c',
      type: 'condition',
      branches: [
        { windows: [workdays], holiday: false, next: 'workday' },
        { windows: [workdays], holiday: null, next: 'any-weekday' },
        { windows: [], holiday: null, next: 'always' },
      ],
      otherwise: 'never',
    };
    const wednesdayHoliday = Date.UTC(2025, 9, 1, 4, 0); // Wed 2025-10-01 12:00 Shanghai
    const wednesdayNormal = Date.UTC(2025, 9, 8, 4, 0);
    const sunday = Date.UTC(2025, 9, 5, 4, 0);
    expect(chooseBranch(flow, cond, wednesdayNormal)).toBe('workday');
    expect(chooseBranch(flow, cond, wednesdayHoliday)).toBe('any-weekday');
    expect(chooseBranch(flow, cond, sunday)).toBe('always');
  });

  it('several windows: any of them matches', () => {
    const cond: ConditionNode = {
      id: 'c',
      type: 'condition',
      branches: [
        {
          windows: [
            { days: ['sat'], fromMinute: 9 * 60, toMinute: 12 * 60 },
            { days: ['sun'], fromMinute: 13 * 60, toMinute: 17 * 60 },
          ],
          holiday: null,
          next: 'weekend-desk',
        },
      ],
      otherwise: 'closed',
    };
    expect(chooseBranch(flow, cond, Date.UTC(2025, 2, 8, 1, 0))).toBe('weekend-desk'); // Sat 09:00
    expect(chooseBranch(flow, cond, Date.UTC(2025, 2, 8, 5, 0))).toBe('closed'); // Sat 13:00
    expect(chooseBranch(flow, cond, Date.UTC(2025, 2, 9, 5, 0))).toBe('weekend-desk'); // Sun 13:00
  });

  it('an unusable zone falls back to otherwise instead of failing the call', () => {
    expect(chooseBranch(hotlineFlow({ timezone: 'Mars/Olympus' }), node, Date.UTC(2025, 2, 3, 2, 0))).toBe('closed');
  });

  it('is evaluated against the time of the event that enters it', () => {
    const flow2 = hotlineFlow({}, { greeting: { type: 'play', prompts: ['greeting'], bargeIn: true, next: 'hours' } });
    // Start at Friday 19:59:50 Shanghai: open. The greeting ends after 20:00: closed.
    const call = new CallDriver(flow2, Date.UTC(2025, 2, 7, 11, 59, 50));
    expect(call.state.node).toBe('greeting');
    call.at = Date.UTC(2025, 2, 7, 12, 0, 5);
    call.playbackDone();
    expect(call.state.node).toBe('closed');
  });
});
