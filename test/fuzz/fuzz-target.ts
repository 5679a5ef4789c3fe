// What one fuzz target is: a parser that faces the outside, the inputs fast-check generates for it, and the rules
// every input must keep (no crash, no 5xx, an answer within the per-input bound). The runner (fuzz-child.ts)
// counts the inputs, watches the heap and reports; the vitest files and `npm run bench -- fuzz` only choose how many
// inputs and which seed.

import type { Arbitrary } from 'fast-check';

/** One started target: its parser wired to real components (Redis under a random prefix, sockets on loopback). */
export interface FuzzSession<Input> {
  readonly arbitrary: Arbitrary<Input>;
  /** Feeds one input and throws an Error naming the broken rule (a crash, a 5xx, an error logged, a wrong answer). */
  check(input: Input): Promise<void>;
  /** Closes what `start` opened and removes what it left behind (Redis keys, temp files). */
  close(): Promise<void>;
}

/**
 * A target as the runners see it. `load` imports the target's module only in the process that fuzzes it, so the
 * vitest file and the bench that fork that process do not load fastify, BullMQ and the rest themselves.
 */
export interface FuzzTarget {
  /** Short name used on the command line: `http-v1`, `wechat-xml`, ... */
  readonly name: string;
  /** The vitest file that runs it in CI (test/fuzz/<group>.test.ts), one fuzzing process per file. */
  readonly group: 'http' | 'pure' | 'mail' | 'flow-ami';
  /** What is fuzzed, for the report. */
  readonly parser: string;
  /** Inputs of the fixed-seed CI run. */
  readonly ciRuns: number;
  /** One input must be answered within this (fast-check's per-run `timeout`): a hang fails the property. */
  readonly inputTimeoutMs: number;
  readonly load: () => Promise<{ start(): Promise<FuzzSession<unknown>> }>;
}

/** A broken rule: thrown by `check`, reported with the input fast-check shrank it to. */
export class FuzzViolation extends Error {
  override readonly name = 'FuzzViolation';
}
