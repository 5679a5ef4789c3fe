// Figures and verdicts of the identity benchmark. Unlike the throughput reports, a missed target here is an exit
// code: the IVR waits on a history lookup while the caller listens, and every submission waits on a limit check.

import { mb, ms, perSecond, ratio, reportText } from '../shared/format.js';
import type { Verdict } from '../shared/format.js';
import { machineNote } from '../shared/machine.js';
import type { WindowResult } from '../shared/measured-window.js';
import type { IdentityReport } from './run-identity.js';

export const TARGETS = { p99Ms: 2 } as const;

export function identityVerdicts(report: IdentityReport): Verdict[] {
  const verdict = (name: string, w: WindowResult): Verdict => ({
    target: `${name} p99 < ${TARGETS.p99Ms} ms, none failed`,
    measured: `${ms(w.p99Ms)}, ${w.failed} failed${w.errors[0] === undefined ? '' : ` (first: ${w.errors[0]})`}`,
    pass: w.p99Ms !== null && w.p99Ms < TARGETS.p99Ms && w.failed === 0 && w.operations > 0,
  });
  return [verdict('history lookup', report.history), verdict('limit check', report.limits)];
}

export function identityReportText(report: IdentityReport, verdicts: readonly Verdict[]): string {
  const row = (name: string, w: WindowResult): string[] => [
    name,
    perSecond(w.perSecond),
    ms(w.p50Ms),
    ms(w.p99Ms),
    ms(w.maxMs),
    ratio(w.p99Ms, report.ping.p99Ms),
    w.redisCommands.toFixed(1),
    `${w.redisCpuMs.toFixed(3)} ms`,
  ];
  const rows = [
    ['operation', 'rate', 'p50', 'p99', 'max', 'p99 / PING', 'Redis cmds/op', 'Redis CPU/op'],
    row('raw Redis round trip (PING)', report.ping),
    row('history lookup (by phone)', report.history),
    row('limit check (2 rules)', report.limits),
  ];
  const { load } = report;
  return reportText(
    [
      `identity benchmark: ${load.profiles.toLocaleString('en')} profiles, ${report.options.concurrency} operations in flight, ${report.options.durationMs} ms windows`,
      `loaded in ${load.seconds.toFixed(1)} s (${perSecond(load.perSecond)}, bulk script), Redis memory +${mb(load.redisMemoryBytes)}`,
    ],
    rows,
    verdicts,
    [
      'A history lookup is one Lua script: the identifier\'s owner, the profile\'s latest contacts and its open cases with each record\'s status, closed cases dropped from the open set as they are found. Each citizen here has two contacts and one open case.',
      'A limit check is RedisLimiter.hit with two rules (calls per hour and per day from one number), one script counting both or neither.',
      'The three windows run one after the other on separate connections, with the same closed loop; PING is the floor any Redis operation from this process pays. The floor does: one round trip on a connection of its own, through ioredis, under the same closed loop. It does not: run a script, read or write a key, or parse an answer beyond PONG.',
      machineNote(report.machine),
    ],
  );
}
