// What a throughput target relative to raw queue.add asks of the gateway's CPU, so a report can say whether a
// missed target is the gateway's doing or beyond any process on these cores.

import { ms, perSecond, ratio } from './format.js';

/**
 * What the throughput target asks of the gateway's CPU: one Node process runs on one core at most, so reaching
 * `ratio` × the raw rate allows it at most 1000 / (ratio × raw/s) ms of CPU per submission (less on a machine whose
 * other core serves the load generator and Redis).
 */
export function cpuBudgetNote(targetRatio: number, rawPerSecond: number, gatewayCpuMs: number | null, floorCpuMs: number | null): string {
  if (rawPerSecond <= 0) return 'CPU budget: no raw rate was measured.';
  const budget = 1000 / (targetRatio * rawPerSecond);
  const spent = (label: string, cpu: number | null): string => (cpu === null ? `${label}: not measured` : `${label} spent ${ms(cpu)} (${ratio(cpu, budget)} the budget)`);
  return `CPU budget: ${targetRatio} × ${perSecond(rawPerSecond)} leaves one gateway process at most ${ms(budget)} of CPU per submission; ${spent('the gateway', gatewayCpuMs)}, ${spent('the HTTP floor', floorCpuMs)}.`;
}

