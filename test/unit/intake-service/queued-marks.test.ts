// Given claims whose jobs are queued, when many are marked while Redis answers slowly, fails, or the caller waits
// for them, then they go out many per round trip, a failed batch is left to the stalled-claim sweep without
// stopping later ones, and `flush` resolves only once everything added before it is settled.

import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../src/app/intake/durable-intake-ports.js';
import { QueuedMarks } from '../../../src/app/intake/queued-marks.js';
import { recordingLog } from '../../support/logs.js';

/** A store whose `markQueued` calls wait until the test answers them. */
class SlowStore {
  readonly batches: string[][] = [];
  private readonly answers: ((error?: Error) => void)[] = [];

  markQueued(dedupKeys: readonly string[]): Promise<void> {
    this.batches.push([...dedupKeys]);
    return new Promise((resolve, reject) => this.answers.push((error) => (error === undefined ? resolve() : reject(error))));
  }

  /** Answers the oldest waiting call, then lets the marker go on. */
  async answer(error?: Error): Promise<void> {
    const answer = this.answers.shift();
    if (answer === undefined) throw new Error('no markQueued call is waiting');
    answer(error);
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
}

describe('QueuedMarks', () => {
  it('marks the first claim at once and everything added meanwhile in the next batch', async () => {
    const store = new SlowStore();
    const marks = new QueuedMarks(store, recordingLog().log);
    marks.add('a');
    expect(store.batches).toEqual([['a']]);
    marks.add('b');
    marks.add('c');
    marks.add('d');
    expect(store.batches).toHaveLength(1);
    await store.answer();
    expect(store.batches).toEqual([['a'], ['b', 'c', 'd']]);
    await store.answer();
    expect(store.batches).toHaveLength(2);
  });

  it('leaves a batch Redis refused to the sweep, logs it at debug, and still marks the later ones', async () => {
    const store = new SlowStore();
    const recorded = recordingLog();
    const marks = new QueuedMarks(store, recorded.log);
    marks.add('a');
    marks.add('b');
    await store.answer(new StoreUnavailableError('Redis: connection lost'));
    expect(recorded.lines).toEqual([expect.objectContaining({ level: 'debug', msg: expect.stringContaining('stalled-claim sweep'), fields: expect.objectContaining({ claims: 1 }) })]);
    expect(store.batches).toEqual([['a'], ['b']]);
    await store.answer();
    marks.add('c');
    expect(store.batches).toEqual([['a'], ['b'], ['c']]);
    await store.answer();
    await marks.flush();
    expect(recorded.lines).toHaveLength(1);
  });

  it('logs an unexpected failure as an error instead of rejecting anyone', async () => {
    const store = new SlowStore();
    const recorded = recordingLog();
    const marks = new QueuedMarks(store, recorded.log);
    marks.add('a');
    await store.answer(new TypeError('bug'));
    await marks.flush();
    expect(recorded.lines).toEqual([expect.objectContaining({ level: 'error', fields: expect.objectContaining({ err: 'bug' }) })]);
  });

  it('flush resolves once every mark added before it is written', async () => {
    const store = new SlowStore();
    const marks = new QueuedMarks(store, recordingLog().log);
    await marks.flush();
    marks.add('a');
    let flushed = false;
    const flushing = marks.flush().then(() => (flushed = true));
    marks.add('b');
    await store.answer();
    expect(flushed).toBe(false);
    await store.answer();
    await flushing;
    expect(store.batches).toEqual([['a'], ['b']]);
  });

  it('sends at most 500 claims per round trip', async () => {
    const store = new SlowStore();
    const marks = new QueuedMarks(store, recordingLog().log);
    for (let i = 0; i < 1200; i++) marks.add(`k${i}`);
    for (let i = 0; i < 4; i++) await store.answer();
    await marks.flush();
    expect(store.batches.map((b) => b.length)).toEqual([1, 500, 500, 199]);
  });
});
