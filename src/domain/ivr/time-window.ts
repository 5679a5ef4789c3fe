// Local wall-clock time in the flow's zone, for condition nodes. Pure: the time comes from the event, and
// Intl.DateTimeFormat's zone database gives the same answer for the same instant every time.

import type { ConditionBranch, ConditionNode, Flow, TimeWindow, Weekday } from '../flow/types.js';

export interface LocalClock {
  /** `YYYY-MM-DD` in the zone. */
  readonly date: string;
  readonly weekday: Weekday;
  /** Minutes after local midnight. */
  readonly minute: number;
}

const WEEKDAYS: Readonly<Record<string, Weekday>> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

/** Throws RangeError for an unknown zone (the flow checker rejects those). */
export function localClock(at: number, timeZone: string): LocalClock {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(at)) parts[part.type] = part.value;
  // Some ICU versions spell midnight "24" even with h23.
  const hour = Number(parts.hour) % 24;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 'mon',
    minute: hour * 60 + Number(parts.minute),
  };
}

/** `toMinute` is exclusive; a window never wraps past midnight (the flow writes two windows for that). */
export function inWindow(clock: LocalClock, window: TimeWindow): boolean {
  return window.days.includes(clock.weekday) && clock.minute >= window.fromMinute && clock.minute < window.toMinute;
}

export function branchMatches(clock: LocalClock, isHoliday: boolean, branch: ConditionBranch): boolean {
  if (branch.holiday !== null && branch.holiday !== isHoliday) return false;
  return branch.windows.length === 0 || branch.windows.some((w) => inWindow(clock, w));
}

/**
 * The node to go to at instant `at`. An unusable zone falls back to `otherwise` instead of failing the call
 * (the flow checker is what keeps bad zones out).
 */
export function chooseBranch(flow: Flow, node: ConditionNode, at: number): string {
  let clock: LocalClock;
  try {
    clock = localClock(at, flow.timezone);
  } catch {
    return node.otherwise;
  }
  const isHoliday = flow.holidays.includes(clock.date);
  return node.branches.find((b) => branchMatches(clock, isHoliday, b))?.next ?? node.otherwise;
}
