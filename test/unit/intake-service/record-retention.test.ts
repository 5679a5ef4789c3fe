// The retention sweep's loop over a scripted store: batches until nothing older is left, a cap per sweep, one
// sweep at a time, failures logged (never thrown), and the schedule.

import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../src/app/intake/durable-intake-ports.js';
import { RecordRetention } from '../../../src/app/intake/record-retention.js';
import type { Clock, TimerHandle } from '../../../src/app/ports.js';
import { RecordingLog } from '../../support/logs.js';

class ManualClock implements Clock {
  nowMs = 1_000_000_000;
  readonly timers: { ms: number; fire: () => void; cancelled: boolean }[] = [];
  now(): number {
    return this.nowMs;
  }
  setTimer(ms: number, fire: () => void): TimerHandle {
    const timer = { ms, fire, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }
  pending(): { ms: number; fire: () => void }[] {
    return this.timers.filter((t) => !t.cancelled);
  }
  /** Fires the oldest pending timer, which is then spent. */
  fireNext(): void {
    const timer = this.timers.find((t) => !t.cancelled);
    if (timer === undefined) throw new Error('no timer pending');
    timer.cancelled = true;
    timer.fire();
  }
}

/** A store holding `due` stale records; `fail` makes the next call throw it. */
class ScriptedStore {
  readonly calls: { changedBeforeMs: number; limit: number }[] = [];
  fail: Error | null = null;
  gate: Promise<void> = Promise.resolve();
  constructor(public due: number) {}
  async purgeStale(changedBeforeMs: number, limit: number): Promise<{ examined: number; purged: number }> {
    this.calls.push({ changedBeforeMs, limit });
    await this.gate;
    if (this.fail !== null) throw this.fail;
    const purged = Math.min(this.due, limit);
    this.due -= purged;
    return { examined: purged, purged };
  }
}

function setup(due: number, options: { batch?: number; maxPerSweep?: number } = {}) {
  const store = new ScriptedStore(due);
  const clock = new ManualClock();
  const recorded = new RecordingLog();
  const retention = new RecordRetention(store, clock, recorded.log, { retentionMs: 1000, everyMs: 3_600_000, firstAfterMs: 60_000, ...options });
  return { store, clock, recorded, retention };
}

describe('RecordRetention', () => {
  it('deletes in batches until fewer than a batch are due, with the cutoff one retention period ago', async () => {
    const { store, clock, recorded, retention } = setup(1250, { batch: 500 });
    expect(await retention.sweep()).toBe(1250);
    expect(store.calls).toEqual([
      { changedBeforeMs: clock.nowMs - 1000, limit: 500 },
      { changedBeforeMs: clock.nowMs - 1000, limit: 500 },
      { changedBeforeMs: clock.nowMs - 1000, limit: 500 },
    ]);
    expect(recorded.lines.map((l) => [l.level, l.msg, l.fields['purged']])).toEqual([['info', 'expired intake records deleted', 1250]]);
    expect(await retention.sweep()).toBe(0);
    expect(recorded.lines).toHaveLength(1);
  });

  it('stops at the per-sweep cap and leaves the rest to the next sweep', async () => {
    const { store, retention } = setup(1000, { batch: 300, maxPerSweep: 700 });
    expect(await retention.sweep()).toBe(700);
    expect(store.calls.map((c) => c.limit)).toEqual([300, 300, 100]);
    expect(await retention.sweep()).toBe(300);
  });

  it('runs one sweep at a time: a second call joins the running one', async () => {
    const { store, retention } = setup(10);
    let open = (): void => undefined;
    store.gate = new Promise((resolve) => (open = resolve));
    const first = retention.sweep();
    const second = retention.sweep();
    open();
    expect(await Promise.all([first, second])).toEqual([10, 10]);
    expect(store.calls).toHaveLength(1);
  });

  it('logs a sweep Redis cut short as a warning and any other failure as an error, and never rejects', async () => {
    const { store, recorded, retention } = setup(10);
    store.fail = new StoreUnavailableError('Redis: connection is closed');
    expect(await retention.sweep()).toBe(0);
    store.fail = new Error('unreadable record');
    expect(await retention.sweep()).toBe(0);
    expect(recorded.lines.map((l) => [l.level, l.fields['err']])).toEqual([
      ['warn', 'Redis: connection is closed'],
      ['error', 'unreadable record'],
    ]);
  });

  it('sweeps a minute after start, then every period, until stopped', async () => {
    const { store, clock, retention } = setup(0);
    retention.start();
    retention.start();
    expect(clock.pending().map((t) => t.ms)).toEqual([60_000]);
    clock.fireNext();
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.calls).toHaveLength(1);
    expect(clock.pending().map((t) => t.ms)).toEqual([3_600_000]);
    await retention.stop();
    expect(clock.pending()).toEqual([]);
    retention.start();
    expect(clock.pending()).toEqual([]);
  });

  it('refuses settings that are not positive integers', () => {
    const clock = new ManualClock();
    const { log } = new RecordingLog();
    expect(() => new RecordRetention(new ScriptedStore(0), clock, log, { retentionMs: 0 })).toThrow('record retention retentionMs must be a positive integer, got 0');
    expect(() => new RecordRetention(new ScriptedStore(0), clock, log, { retentionMs: 1, batch: 1.5 })).toThrow('batch must be a positive integer');
  });

  it('sweeps the files with the records\' cutoff afterwards, and a failing file store does not stop the others', async () => {
    const store = new ScriptedStore(2);
    const clock = new ManualClock();
    const recorded = new RecordingLog();
    const cutoffs: [string, number][] = [];
    const retention = new RecordRetention(store, clock, recorded.log, {
      retentionMs: 1000,
      files: [
        { name: 'attachments', sweepOlderThan: async (cutoffMs) => (cutoffs.push(['attachments', cutoffMs]), 3) },
        { name: 'broken', sweepOlderThan: () => Promise.reject(new Error('EACCES: permission denied')) },
        { name: 'raw mail', sweepOlderThan: async (cutoffMs) => (cutoffs.push(['raw mail', cutoffMs]), 0) },
      ],
    });
    expect(await retention.sweep()).toBe(2);
    expect(cutoffs).toEqual([
      ['attachments', clock.nowMs - 1000],
      ['raw mail', clock.nowMs - 1000],
    ]);
    expect(recorded.lines.map((l) => [l.level, l.msg, l.fields['files'] ?? null])).toEqual([
      ['info', 'expired intake records deleted', null],
      ['info', 'expired intake files deleted', 'attachments'],
      ['error', 'intake file retention sweep failed', 'broken'],
    ]);
  });
});
