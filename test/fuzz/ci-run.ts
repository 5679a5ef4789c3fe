// The fixed-seed CI run of one group of targets, as a vitest suite: one fuzzing process for the group (started in
// beforeAll), then one test per target naming every rule it broke.

import { beforeAll, describe, expect, it } from 'vitest';
import type { FuzzTarget } from './fuzz-target.js';
import type { FuzzResult } from './fuzz-protocol.js';
import { FUZZ_CI_SEED, fuzzProblems, runFuzz } from './run-fuzz.js';
import { FUZZ_TARGETS } from './targets/catalogue.js';

/** A cap for a machine far slower than expected, not a speed check: the fuzz suite takes seconds. */
const GROUP_CAP_MS = 600_000;

export function fuzzSuite(group: FuzzTarget['group'], title: string): void {
  const targets = FUZZ_TARGETS.filter((t) => t.group === group);
  describe(title, () => {
    let results: readonly FuzzResult[] = [];
    beforeAll(async () => {
      results = await runFuzz({ targets: targets.map((t) => t.name), runs: {}, seed: FUZZ_CI_SEED });
      // The figures README's "Fuzzing" section quotes: inputs, wall and CPU time, heap growth after forced GC.
      for (const r of results) {
        const growth = (r.heapAfterBytes - r.heapBeforeBytes) / 1024 / 1024;
        process.stdout.write(`fuzz ${r.target}: ${r.runs} inputs in ${(r.ms / 1000).toFixed(1)} s (CPU ${(r.cpuMs / 1000).toFixed(1)} s), heap ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB\n`);
        // In full, so that a CI log shows the shrunk input and the error without a local re-run.
        for (const problem of fuzzProblems(r)) process.stdout.write(`fuzz ${r.target} PROBLEM: ${problem}\n`);
      }
    }, GROUP_CAP_MS);

    for (const target of targets) {
      it(`${target.name}: ${target.ciRuns} inputs (seed ${FUZZ_CI_SEED}), no crash, no 5xx, no hang, heap back to its baseline`, () => {
        const result = results.find((r) => r.target === target.name);
        expect(result, `no result for ${target.name}`).toBeDefined();
        expect(fuzzProblems(result as FuzzResult)).toEqual([]);
        expect(result?.runs).toBe(target.ciRuns);
      });
    }
  });
}
