// Group commit: what concurrent requests ask of Redis within one turn of the event loop goes out as one batch (one
// pipeline: one write and one read on either side) instead of a round trip each. Under load the HTTP server parses
// many requests in the same turn, so batches grow with the load; a lone request waits only for the loop's check
// phase (`setImmediate`), not for a timer. Every item still gets its own answer or its own error.

import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './redis-connection.js';

/** One item's answer from a batch. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: Error };

/**
 * Sends a batch and answers each of its items in order; rejecting fails the whole batch (the connection is down,
 * the pipeline could not be sent).
 */
export type SendBatch<I, O> = (items: readonly I[]) => Promise<readonly Outcome<O>[]>;

interface Waiter<O> {
  readonly resolve: (value: O) => void;
  readonly reject: (error: Error) => void;
}

/** Items per batch at most: a bigger burst is sent in several, so one huge reply cannot stall the loop. */
const DEFAULT_MAX_BATCH = 256;

export class TickBatch<I, O> {
  private items: I[] = [];
  private waiters: Waiter<O>[] = [];
  private scheduled = false;

  constructor(
    private readonly send: SendBatch<I, O>,
    private readonly maxBatch = DEFAULT_MAX_BATCH,
  ) {
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new RangeError(`batch size must be a positive integer, got ${maxBatch}`);
  }

  run(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.items.push(item);
      this.waiters.push({ resolve, reject });
      if (this.items.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.onCheckPhase);
      }
    });
  }

  private readonly onCheckPhase = (): void => {
    this.scheduled = false;
    this.flush();
  };

  private flush(): void {
    if (this.items.length === 0) return;
    const items = this.items;
    const waiters = this.waiters;
    this.items = [];
    this.waiters = [];
    let sent: Promise<readonly Outcome<O>[]>;
    try {
      sent = this.send(items);
    } catch (err) {
      sent = Promise.reject(err);
    }
    sent.then(
      (outcomes) => {
        waiters.forEach((waiter, i) => {
          const outcome = outcomes[i];
          if (outcome === undefined) waiter.reject(new Error(`a batch of ${items.length} got only ${outcomes.length} answers`));
          else if (outcome.ok) waiter.resolve(outcome.value);
          else waiter.reject(outcome.error);
        });
      },
      (err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        for (const waiter of waiters) waiter.reject(error);
      },
    );
  }
}

/**
 * A TickBatch whose batch is one pipeline with one command per item (`command` adds it): each item gets its own
 * reply or its own error.
 */
export function pipelineBatch<I>(client: RedisClient, command: (pipeline: ChainableCommander, item: I) => void): TickBatch<I, unknown> {
  return new TickBatch(async (items) => {
    const pipeline = client.pipeline();
    for (const item of items) command(pipeline, item);
    return pipelineOutcomes(await pipeline.exec(), items.length);
  });
}

/** ioredis `pipeline.exec()` replies as outcomes; a missing reply is an error, never a silent `undefined`. */
export function pipelineOutcomes(replies: readonly [Error | null, unknown][] | null, expected: number): Outcome<unknown>[] {
  const outcomes: Outcome<unknown>[] = [];
  for (let i = 0; i < expected; i++) {
    const reply = replies?.[i];
    if (reply === undefined) outcomes.push({ ok: false, error: new Error(`pipeline answered ${replies?.length ?? 0} of ${expected} commands`) });
    else if (reply[0] !== null) outcomes.push({ ok: false, error: reply[0] });
    else outcomes.push({ ok: true, value: reply[1] });
  }
  return outcomes;
}
