// `npm run bench -- fuzz`: the fuzz targets the CI runs with a fixed seed, with more inputs and a seed of the
// run's own (random unless given), in the same child process with forced-GC heap reads, one target after another.

import { randomInt } from 'node:crypto';
import { fuzzProblems, runFuzz } from '../../test/fuzz/run-fuzz.js';
import { FUZZ_TARGETS } from '../../test/fuzz/targets/catalogue.js';
import { benchEntry } from '../shared/bench-entry.js';
import { machineInfo } from '../shared/machine.js';
import { BENCH_REDIS_URL } from '../shared/redis-tools.js';
import { DEFAULT_SCALE, parseFuzzOptions, SMOKE_DIVISOR, USAGE } from './options.js';
import { buildFuzzReport, formatFuzzReport } from './report.js';

export function runFuzzBench(args: readonly string[]): Promise<void> {
  return benchEntry(args, parseFuzzOptions, USAGE, async (o, progress) => {
    const machine = await machineInfo(BENCH_REDIS_URL);
    const seed = o.seed ?? randomInt(1, 2_147_483_647);
    const targets = FUZZ_TARGETS.filter((t) => o.target === null || t.name === o.target);
    const runsOf = (ciRuns: number): number => o.runs ?? (o.smoke ? Math.max(1, Math.ceil(ciRuns / SMOKE_DIVISOR)) : ciRuns * DEFAULT_SCALE);
    const runs = Object.fromEntries(targets.map((t) => [t.name, runsOf(t.ciRuns)]));
    progress(`fuzz bench: ${targets.length} targets, seed ${seed}, ${Object.values(runs).reduce((a, b) => a + b, 0)} inputs; Redis ${BENCH_REDIS_URL}`);
    let last = 0;
    const results = await runFuzz({
      targets: targets.map((t) => t.name),
      runs,
      seed,
      onProgress: (target, done) => {
        const now = Date.now();
        if (now - last < 5_000) return;
        last = now;
        progress(`${target}: ${done} of ${runs[target] ?? 0} inputs`);
      },
      // Each verdict as it comes: a long run shows what it found before it ends.
      onResult: (result) => {
        const problems = fuzzProblems(result);
        progress(`${result.target}: ${result.runs} inputs in ${(result.ms / 1000).toFixed(1)} s, ${problems.length === 0 ? 'clean' : `FAILED: ${problems[0]?.split('\n')[0] ?? ''}`}`);
      },
    });
    const report = buildFuzzReport(seed, machine, results);
    process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatFuzzReport(report));
    if (report.failures.length > 0) process.exitCode = 1;
  });
}
