// The fuzz run's report: one row per target (inputs, time, CPU, heap growth after GC), a verdict per target (every
// rule kept), and the failures in full. Unlike the load benchmarks, a failure here is a bug found: the exit code
// says so.

import { FUZZ_HEAP_GROWTH_LIMIT_BYTES, fuzzProblems } from '../../test/fuzz/run-fuzz.js';
import type { FuzzResult } from '../../test/fuzz/fuzz-protocol.js';
import { mb, reportText } from '../shared/format.js';
import type { Verdict } from '../shared/format.js';
import { machineNote } from '../shared/machine.js';
import type { MachineInfo } from '../shared/machine.js';

export interface FuzzReport {
  readonly seed: number;
  readonly machine: MachineInfo;
  readonly results: readonly FuzzResult[];
  readonly totalInputs: number;
  readonly verdicts: readonly Verdict[];
  readonly failures: readonly { readonly target: string; readonly problems: readonly string[] }[];
}

export function buildFuzzReport(seed: number, machine: MachineInfo, results: readonly FuzzResult[]): FuzzReport {
  const failures = results.map((r) => ({ target: r.target, problems: fuzzProblems(r) })).filter((f) => f.problems.length > 0);
  const verdicts: Verdict[] = results.map((r) => {
    const problems = fuzzProblems(r);
    return {
      target: `${r.target}: no crash, no 5xx, no hang, heap growth < ${mb(FUZZ_HEAP_GROWTH_LIMIT_BYTES)}`,
      measured: problems.length === 0 ? `${r.runs} inputs clean` : `${problems.length} problem(s), first: ${firstLine(problems[0] ?? '')}`,
      pass: problems.length === 0,
    };
  });
  return { seed, machine, results, totalInputs: results.reduce((sum, r) => sum + r.runs, 0), verdicts, failures };
}

export function formatFuzzReport(report: FuzzReport): string {
  const rows: string[][] = [
    ['target', 'inputs', 'wall', 'CPU', 'inputs/s', 'heap growth'],
    ...report.results.map((r) => [
      r.target,
      String(r.runs),
      `${(r.ms / 1000).toFixed(1)} s`,
      `${(r.cpuMs / 1000).toFixed(1)} s`,
      r.ms === 0 ? 'n/a' : (r.runs / (r.ms / 1000)).toFixed(0),
      mb(r.heapAfterBytes - r.heapBeforeBytes),
    ]),
  ];
  const notes = [
    `Seed ${report.seed}: replay any failure with --seed ${report.seed} --target NAME (and the same --runs); its report gives fast-check's path too.`,
    'CPU is the fuzzing process only (generation, the parser, the gateway code in-process); Redis and socket peers add to wall time. Heap growth is heapUsed after forced GCs, from after a warm-up to the end of the run.',
    'No floor: this bench judges rules (no crash, no 5xx, typed errors, bounded time and heap), not speed; inputs/s only compare runs of the same target.',
    machineNote(report.machine),
  ];
  const text = reportText([`fuzz: ${report.totalInputs} inputs over ${report.results.length} targets, seed ${report.seed}`], rows, report.verdicts, notes);
  const details = report.failures.flatMap((f) => ['', `--- ${f.target}`, ...f.problems]);
  return `${text}${details.join('\n')}${details.length > 0 ? '\n' : ''}`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 100 ? `${line.slice(0, 100)}...` : line;
}
