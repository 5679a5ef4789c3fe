import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allows,
  clockOffset,
  fillText,
  formatClock,
  formatDuration,
  formatPercent,
  labelOf,
  longestWaitSeconds,
  problemsByField,
  reconnectDelayMs,
  retryAfterSeconds,
  secondsSince,
  workOrderPayload,
} from '../../../src/adapters/http/desk/assets/desk-format.js';
import type { WorkOrderValues } from '../../../src/adapters/http/desk/assets/desk-format.js';
import { AGENT_TRANSITIONS } from '../../../src/domain/acd/agent-state.js';
import { parseWorkOrderForm } from '../../../src/domain/acd/work-order.js';
import { AGENT_DISPOSITIONS, CATEGORIES, KINDS } from '../../../src/domain/intake/submission.js';
import { ticketFromSequence } from '../../../src/domain/intake/ticket.js';

const BLANK: WorkOrderValues = { kind: '', category: '', matter: '', disposition: '', department: '', repeatOf: '', note: '' };
/** A valid ticket (digits with a Luhn check digit). */
const TICKET = ticketFromSequence(1);

describe('durations and times', () => {
  it('shows durations as a wallboard does', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(7.9)).toBe('0:07');
    expect(formatDuration(725)).toBe('12:05');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(-5)).toBe('0:00');
    expect(formatDuration(Number.NaN)).toBe('0:00');
  });

  it('counts whole seconds since a time, never below zero', () => {
    const now = Date.parse('2026-03-01T08:00:10.900Z');
    expect(secondsSince('2026-03-01T08:00:00.000Z', now)).toBe(10);
    expect(secondsSince('2026-03-01T08:01:00.000Z', now)).toBe(0);
    expect(secondsSince('not a time', now)).toBe(0);
  });

  it("measures the browser's clock against the server's", () => {
    expect(clockOffset('2026-03-01T08:00:05.000Z', Date.parse('2026-03-01T08:00:00.000Z'))).toBe(5000);
    expect(clockOffset('garbage', 123)).toBe(0);
  });

  it('writes times in Beijing time whatever the zone of the PC', () => {
    expect(formatClock('2026-03-01T08:00:05.000Z', 'zh')).toBe('16:00:05');
    expect(formatClock('2026-03-01T23:59:59.000Z', 'en')).toBe('07:59:59');
  });

  it('rounds a service level down', () => {
    expect(formatPercent(0.876)).toBe('87%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.999)).toBe('99%');
    expect(formatPercent(Number.NaN)).toBe('–');
  });

  it('takes the longest wait from the oldest waiting call', () => {
    const now = Date.parse('2026-03-01T08:01:00.000Z');
    expect(longestWaitSeconds([], now)).toBe(0);
    expect(longestWaitSeconds([{ enqueuedAt: '2026-03-01T08:00:30.000Z' }, { enqueuedAt: '2026-03-01T08:00:00.000Z' }], now)).toBe(60);
  });
});

describe('texts', () => {
  it('fill markers and leave unknown ones visible', () => {
    expect(fillText('{seconds} s, {other}', { seconds: 3 })).toBe('3 s, {other}');
  });

  it('label a value the queue sends, or show it as it is', () => {
    const table = { 'state.onCall': '通话中', 'reason.lunch': '用餐' };
    expect(labelOf(table, 'state', 'onCall')).toBe('通话中');
    expect(labelOf(table, 'reason', 'dentist at 3')).toBe('dentist at 3');
    expect(labelOf(table, 'reason', 'constructor')).toBe('constructor');
  });
});

describe('reconnection and retries', () => {
  it('doubles the delay from half a second up to 15 s, with jitter', () => {
    expect(reconnectDelayMs(0, 1)).toBe(500);
    expect(reconnectDelayMs(0, 0)).toBe(250);
    expect(reconnectDelayMs(3, 1)).toBe(4000);
    expect(reconnectDelayMs(30, 1)).toBe(15_000);
    fc.assert(
      fc.property(fc.nat(60), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, random) => {
        const delay = reconnectDelayMs(attempt, random);
        return delay >= 250 && delay <= 15_000;
      }),
    );
  });

  it('reads Retry-After in seconds or as a date', () => {
    const now = Date.parse('2026-03-01T08:00:00.000Z');
    expect(retryAfterSeconds('120', now)).toBe(120);
    expect(retryAfterSeconds('Sun, 01 Mar 2026 08:01:30 GMT', now)).toBe(90);
    expect(retryAfterSeconds(null, now)).toBeNull();
    expect(retryAfterSeconds('soon', now)).toBeNull();
  });
});

describe('the agent controls follow the domain state machine', () => {
  it('offers ready from paused and wrap-up, pause from ready, logout unless offline', () => {
    expect(allows(AGENT_TRANSITIONS, 'ready', 'paused')).toBe(true);
    expect(allows(AGENT_TRANSITIONS, 'ready', 'wrapUp')).toBe(true);
    expect(allows(AGENT_TRANSITIONS, 'ready', 'onCall')).toBe(false);
    expect(allows(AGENT_TRANSITIONS, 'pause', 'ringing')).toBe(false);
    expect(allows(AGENT_TRANSITIONS, 'logout', 'offline')).toBe(false);
    expect(allows(AGENT_TRANSITIONS, 'toString', 'ready')).toBe(false);
  });
});

describe('the work order as the page sends it', () => {
  const filled = fc.record({
    kind: fc.constantFrom(...KINDS),
    category: fc.constantFrom(...CATEGORIES),
    matter: fc.string({ minLength: 1, maxLength: 200 }).filter((s) => /\p{L}/u.test(s)),
    disposition: fc.constantFrom(...AGENT_DISPOSITIONS),
    department: fc.constantFrom('', '朝阳区城管执法局', 'Water Authority'),
    repeatOf: fc.constantFrom('', TICKET),
    note: fc.constantFrom('', '  ', '来电人情绪激动'),
  });

  it('is accepted by the server whenever the fields its disposition needs are filled', () => {
    fc.assert(
      fc.property(filled, (values) => {
        const complete = {
          ...values,
          department: values.disposition === 'dispatched' && values.department === '' ? '市水务局' : values.department,
          repeatOf: values.disposition === 'repeat' && values.repeatOf === '' ? TICKET : values.repeatOf,
        };
        const parsed = parseWorkOrderForm(workOrderPayload(complete));
        expect(parsed).not.toHaveProperty('errors');
      }),
    );
  });

  it('leaves out what the disposition does not take, even if it was typed before the disposition changed', () => {
    const payload = workOrderPayload({ ...BLANK, kind: 'complaint', category: 'environment', matter: '噪音', disposition: 'answered', department: '环保局', repeatOf: TICKET });
    expect(payload).toEqual({ kind: 'complaint', category: 'environment', matter: '噪音', disposition: 'answered' });
  });

  it('leaves blanks out, so the server names them as missing beside their fields', () => {
    expect(workOrderPayload(BLANK)).toEqual({});
    const parsed = parseWorkOrderForm(workOrderPayload({ ...BLANK, disposition: 'dispatched', matter: '   ' }));
    expect('errors' in parsed && parsed.errors.map((e) => e.split(':')[0]).sort()).toEqual(['category', 'department', 'kind', 'matter']);
  });

  it("sorts the server's problems by field, with the API's prefix or without", () => {
    const byField = problemsByField([
      { field: 'department', message: 'required with disposition dispatched' },
      { field: 'workOrder.matter', message: 'required' },
      { field: 'workOrder', message: 'must be an object' },
      { field: 'matter', message: 'too long' },
    ]);
    expect(byField).toEqual({ department: ['required with disposition dispatched'], matter: ['required', 'too long'], other: ['must be an object'] });
    expect(problemsByField(undefined)).toEqual({});
  });
});
