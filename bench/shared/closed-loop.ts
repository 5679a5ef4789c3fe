// A closed loop of N clients: each starts its next operation as soon as its previous one finished, so N operations
// are in flight until the stop condition. Rate and latency therefore describe the system at exactly that
// concurrency (a bench at "64 concurrent clients"), not at an arrival rate the system may not keep up with.

import { performance } from 'node:perf_hooks';

export type StopCondition =
  /** Start no operation at or after this `performance.now()` time. */
  | { readonly atMs: number }
  /** Start exactly this many operations. */
  | { readonly count: number };

export interface LoopResult {
  /** Operations that succeeded. */
  readonly completed: number;
  readonly failed: number;
  /** The first few failures, for the report. */
  readonly errors: readonly string[];
  /** Latency of every successful operation, ms. */
  readonly latenciesMs: readonly number[];
  /** From the first start to the last completion (the drain included), ms. */
  readonly elapsedMs: number;
}

const KEPT_ERRORS = 5;

/** `operation` rejects (or throws) to count as failed; its own checks of the answer belong in it. */
export async function closedLoop(concurrency: number, stop: StopCondition, operation: () => Promise<void>): Promise<LoopResult> {
  let started = 0;
  let completed = 0;
  let failed = 0;
  const errors: string[] = [];
  const latenciesMs: number[] = [];
  const more = 'atMs' in stop ? (): boolean => performance.now() < stop.atMs : (): boolean => started < stop.count;

  const client = async (): Promise<void> => {
    while (more()) {
      started += 1;
      const at = performance.now();
      try {
        await operation();
        latenciesMs.push(performance.now() - at);
        completed += 1;
      } catch (err) {
        failed += 1;
        if (errors.length < KEPT_ERRORS) errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  };

  const begin = performance.now();
  await Promise.all(Array.from({ length: concurrency }, client));
  return { completed, failed, errors, latenciesMs, elapsedMs: performance.now() - begin };
}
