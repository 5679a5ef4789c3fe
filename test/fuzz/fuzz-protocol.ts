// What run-fuzz.ts and fuzz-child.ts say to each other over the IPC channel.

export interface FuzzChildRequest {
  readonly targets: readonly string[];
  /** Inputs per target; a target left out runs its CI count. */
  readonly runs: Readonly<Record<string, number>>;
  readonly seed: number;
}

export interface FuzzResult {
  readonly target: string;
  readonly parser: string;
  readonly seed: number;
  readonly requestedRuns: number;
  /** Inputs fast-check ran (fewer than requested only when a failure ended the run). */
  readonly runs: number;
  /** Wall time of the measured run, warm-up and set-up excluded. */
  readonly ms: number;
  /** CPU (user + system) of the fuzzing process over the measured run: what the run costs on an idle machine. */
  readonly cpuMs: number;
  /** Heap used after a forced GC before and after the measured run (same session open both times). */
  readonly heapBeforeBytes: number;
  readonly heapAfterBytes: number;
  /** fast-check's report (seed, path, shrunk counterexample, error), or why the target did not run. */
  readonly failure: string | null;
  /** Uncaught exceptions and unhandled rejections seen while the target ran. */
  readonly unhandled: readonly string[];
}

export type ToParent =
  | { readonly kind: 'progress'; readonly target: string; readonly runs: number }
  | { readonly kind: 'result'; readonly result: FuzzResult }
  | { readonly kind: 'done' };
