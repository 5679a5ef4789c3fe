// Figures and verdicts of the call-queue benchmark: each routing decision beside the raw EVALSHA round trips taken
// between its own samples. A missed target is an exit code: a caller waits on every decision.

import { ms, ratio, reportText } from '../shared/format.js';
import type { Verdict } from '../shared/format.js';
import { machineNote } from '../shared/machine.js';
import type { AcdReport, Beside, Timings } from './run-acd.js';

export const TARGETS = { decisionP99Ms: 5, decisionOverRaw: 3, tickP99Ms: 5 } as const;

export function acdVerdicts(report: AcdReport): Verdict[] {
  const decision = (name: string, { timings: t, raw }: Beside): Verdict => ({
    target: `${name} p99 < ${TARGETS.decisionP99Ms} ms and <= ${TARGETS.decisionOverRaw} x raw EVALSHA p99, none failed`,
    measured: `${ms(t.p99Ms)}, ${ratio(t.p99Ms, raw.p99Ms)} of ${ms(raw.p99Ms)}, ${t.failed + raw.failed} failed${failure(t) || failure(raw)}`,
    pass:
      t.p99Ms !== null &&
      raw.p99Ms !== null &&
      t.p99Ms < TARGETS.decisionP99Ms &&
      t.p99Ms <= TARGETS.decisionOverRaw * raw.p99Ms &&
      t.failed + raw.failed === 0 &&
      t.samples > 0,
  });
  const tick = report.tick.timings;
  return [
    decision('agent ready -> offer', report.agentReady),
    decision('enqueue -> offer', report.enqueueOffered),
    decision('enqueue, no agent free', report.enqueueWaits),
    {
      target: `tick p99 < ${TARGETS.tickP99Ms} ms, none failed`,
      measured: `${ms(tick.p99Ms)}, ${tick.failed} failed${failure(tick)}`,
      pass: tick.p99Ms !== null && tick.p99Ms < TARGETS.tickP99Ms && tick.failed === 0 && tick.samples > 0,
    },
  ];
}

function failure(t: Timings): string {
  return t.errors[0] === undefined ? '' : ` (first: ${t.errors[0]})`;
}

export function acdReportText(report: AcdReport, verdicts: readonly Verdict[]): string {
  const row = (name: string, { timings: t, raw }: Beside): string[] => [name, String(t.samples), ms(t.p50Ms), ms(t.p99Ms), ms(t.maxMs), ms(raw.p99Ms), ratio(t.p99Ms, raw.p99Ms)];
  const { raw } = report;
  const rows = [
    ['operation', 'samples', 'p50', 'p99', 'max', 'raw p99 beside', 'p99 / raw'],
    ['raw EVALSHA (return 1), all', String(raw.samples), ms(raw.p50Ms), ms(raw.p99Ms), ms(raw.maxMs), ms(raw.p99Ms), ratio(raw.p99Ms, raw.p99Ms)],
    row('agent ready -> offer', report.agentReady),
    row('enqueue -> offer', report.enqueueOffered),
    row('enqueue, no agent free', report.enqueueWaits),
    row(`tick (${report.duePerTick.toFixed(1)} widening calls)`, report.tick),
  ];
  const { load, settings } = report;
  return reportText(
    [
      `call queue benchmark: ${load.agents.toLocaleString('en')} agents (${load.readyAgents} ready), ${load.calls.toLocaleString('en')} calls waiting, one decision in flight`,
      `loaded in ${load.seconds.toFixed(1)} s; levels widen every ${settings.widenEveryMs / 1000} s, overflow after ${settings.overflowAfterMs / 1000} s`,
    ],
    rows,
    verdicts,
    [
      'Each decision is one Lua script of RedisAcdStore, timed from the call into the store to its answer. Before each sample a raw round trip is timed: LuaScript.run of `return 1` on a connection of its own, the floor any script from this process pays. The floor does: one EVALSHA round trip through the same LuaScript wrapper. It does not: read or write a key, or sort or probe any set; "raw p99 beside" is the p99 of those taken between that row\'s samples, so both saw the machine at the same moments.',
      `agent ready -> offer: a paused agent (three matters at levels 1-3, Mandarin, one in five English too) becomes ready and is offered the best of the ${load.calls.toLocaleString('en')} waiting calls (twenty matters, 85% Mandarin, priorities 3/5/7 and calls back at the head, waiting up to ten minutes). Ringing, answer, end, pause and a new caller in its place run between samples, untimed.`,
      `enqueue -> offer: a Cantonese call finds the longest-idle of the ${load.readyAgents} ready Cantonese agents (let go again untimed); enqueue, no agent free: a Mandarin call joins the queue with nobody ready for it.`,
      "tick: one per second of the bench's clock; as many callers arrive as the oldest leave (untimed), so each tick finds the calls whose level or overflow time came in that second and looks for an agent for each.",
      "Decisions probe sorted sets per (skill, language, level) and per priority band, never the whole queue or pool: their cost grows with the log of a set's size, not with the number of calls or agents.",
      machineNote(report.machine),
    ],
  );
}
