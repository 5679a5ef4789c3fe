// TickBatch: what is asked within one turn of the event loop goes out as one batch, each item with its own answer.

import { describe, expect, it } from 'vitest';
import { pipelineOutcomes, TickBatch } from '../../../src/adapters/redis/tick-batch.js';
import type { Outcome } from '../../../src/adapters/redis/tick-batch.js';

function doubling(sent: number[][]): TickBatch<number, number> {
  return new TickBatch<number, number>(async (items) => {
    sent.push([...items]);
    await Promise.resolve();
    return items.map((n): Outcome<number> => (n < 0 ? { ok: false, error: new Error(`negative: ${n}`) } : { ok: true, value: n * 2 }));
  });
}

describe('TickBatch', () => {
  it('sends the items of one turn together and answers each with its own result', async () => {
    const sent: number[][] = [];
    const batch = doubling(sent);
    const answers = await Promise.all([1, 2, 3].map((n) => batch.run(n)));
    expect(answers).toEqual([2, 4, 6]);
    expect(sent).toEqual([[1, 2, 3]]);
  });

  it('starts a new batch in a later turn', async () => {
    const sent: number[][] = [];
    const batch = doubling(sent);
    await batch.run(1);
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([batch.run(2), batch.run(3)]);
    expect(sent).toEqual([[1], [2, 3]]);
  });

  it('fails only the item that failed', async () => {
    const batch = doubling([]);
    const results = await Promise.allSettled([batch.run(1), batch.run(-1), batch.run(2)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('negative: -1'));
  });

  it('fails every item when the batch cannot be sent, whether the sender rejects or throws', async () => {
    const rejecting = new TickBatch<number, number>(() => Promise.reject(new Error('connection is closed')));
    await expect(Promise.all([rejecting.run(1), rejecting.run(2)])).rejects.toThrow('connection is closed');
    const throwing = new TickBatch<number, number>(() => {
      throw new Error('not writable');
    });
    const results = await Promise.allSettled([throwing.run(1), throwing.run(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('refuses to leave an item unanswered when the sender answers too few', async () => {
    const short = new TickBatch<number, number>(async () => [{ ok: true, value: 0 }]);
    const results = await Promise.allSettled([short.run(1), short.run(2)]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 0 });
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('a batch of 2 got only 1 answers'));
  });

  it('splits a burst into batches of at most the given size', async () => {
    const sent: number[][] = [];
    const batch = new TickBatch<number, number>(async (items) => {
      sent.push([...items]);
      return items.map((n) => ({ ok: true, value: n }));
    }, 2);
    expect(await Promise.all([1, 2, 3, 4, 5].map((n) => batch.run(n)))).toEqual([1, 2, 3, 4, 5]);
    expect(sent).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('refuses a batch size that is not a positive integer', () => {
    expect(() => new TickBatch(async () => [], 0)).toThrow('batch size must be a positive integer, got 0');
  });
});

describe('pipelineOutcomes', () => {
  it('turns pipeline replies into outcomes and a missing reply into an error', () => {
    const failure = new Error('WRONGTYPE');
    expect(pipelineOutcomes([[null, 'a'], [failure, null]], 3)).toEqual([
      { ok: true, value: 'a' },
      { ok: false, error: failure },
      { ok: false, error: new Error('pipeline answered 2 of 3 commands') },
    ]);
    expect(pipelineOutcomes(null, 1)).toEqual([{ ok: false, error: new Error('pipeline answered 0 of 1 commands') }]);
  });
});
