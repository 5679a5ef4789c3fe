// Figures, ratios and verdicts of the IVR benchmark. A report, not a test: a missed target is printed as FAIL
// but does not change the exit code.

import { ms, ratio, reportText } from '../shared/format.js';
import type { Verdict } from '../shared/format.js';
import type { IvrBenchOptions } from './options.js';
import type { SubjectResult } from './subject-process.js';

export const TARGETS = { heldCalls: 1000, p99Ms: 50, bytesPerCall: 100 * 1024, throughputRatio: 0.8 } as const;

export interface IvrReport {
  readonly options: IvrBenchOptions;
  readonly gateway: SubjectResult;
  readonly baseline: SubjectResult;
  /** Gateway heap per held call minus the baseline's (simulator + minimal ari-client app). */
  readonly gatewayOwnBytesPerCall: number;
  readonly throughputRatio: number;
  readonly verdicts: readonly Verdict[];
  readonly notes: readonly string[];
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

export function buildReport(options: IvrBenchOptions, gateway: SubjectResult, baseline: SubjectResult): IvrReport {
  const gatewayOwnBytesPerCall = gateway.hold.bytesPerCall - baseline.hold.bytesPerCall;
  const throughputRatio = baseline.throughput.callsPerSecond === 0 ? 0 : gateway.throughput.callsPerSecond / baseline.throughput.callsPerSecond;
  const g = gateway.hold;
  const verdicts: Verdict[] = [
    {
      target: `${TARGETS.heldCalls} concurrent calls held by one gateway process`,
      measured: `peak ${g.peakHeld} held, ${g.completed}/${g.calls} reached the queue, ${g.failed} failed`,
      pass: g.peakHeld >= TARGETS.heldCalls && g.failed === 0 && g.completed === g.calls,
    },
    { target: `p99 event -> command < ${TARGETS.p99Ms} ms (with all calls held)`, measured: ms(g.p99Ms), pass: g.p99Ms !== null && g.p99Ms < TARGETS.p99Ms },
    {
      target: `< ${kb(TARGETS.bytesPerCall)} per call (gateway's own, over the baseline)`,
      measured: `${kb(gatewayOwnBytesPerCall)} (${kb(g.bytesPerCall)} with the simulator)`,
      pass: gatewayOwnBytesPerCall < TARGETS.bytesPerCall,
    },
    { target: `throughput >= ${TARGETS.throughputRatio} x baseline`, measured: `${throughputRatio.toFixed(2)} x`, pass: throughputRatio >= TARGETS.throughputRatio },
  ];
  const notes = [
    'Simulator and application share one Node process (one per subject); its own per-call memory and CPU are in both columns, so "gateway own" = gateway - baseline.',
    'Latency: from the simulator emitting StasisStart / ChannelDtmfReceived / PlaybackFinished for a channel to it handling the next ARI request for that channel (performance.now(), same process).',
    'Throughput: closed loop of short calls (5 ms prompts) walking the same menu; calls/s reaching the queue in the measured window. The simulator\'s share of the CPU dilutes the ratio toward 1.',
    'http.globalAgent.maxSockets = 64 (keep-alive) was set by the benchmark for both subjects; src/adapters/ari does not set it itself.',
  ];
  return { options, gateway, baseline, gatewayOwnBytesPerCall, throughputRatio, verdicts, notes };
}

export function formatReport(report: IvrReport): string {
  const { gateway: g, baseline: b } = report;
  const rows = [
    ['', 'gateway', 'baseline', 'gateway/baseline'],
    ['throughput, calls/s', g.throughput.callsPerSecond.toFixed(1), b.throughput.callsPerSecond.toFixed(1), ratio(g.throughput.callsPerSecond, b.throughput.callsPerSecond)],
    ['CPU per call (incl. simulator)', ms(g.throughput.cpuMsPerCall), ms(b.throughput.cpuMsPerCall), ratio(g.throughput.cpuMsPerCall, b.throughput.cpuMsPerCall)],
    ['held: peak concurrent calls', String(g.hold.peakHeld), String(b.hold.peakHeld), ''],
    ['held: event->command p50', ms(g.hold.p50Ms), ms(b.hold.p50Ms), ratio(g.hold.p50Ms, b.hold.p50Ms)],
    ['held: event->command p99', ms(g.hold.p99Ms), ms(b.hold.p99Ms), ratio(g.hold.p99Ms, b.hold.p99Ms)],
    ['held: event->command max', ms(g.hold.maxMs), ms(b.hold.maxMs), ''],
    ['held: latency samples', String(g.hold.latencySamples), String(b.hold.latencySamples), ''],
    ['held: heap per call (incl. simulator)', kb(g.hold.bytesPerCall), kb(b.hold.bytesPerCall), ratio(g.hold.bytesPerCall, b.hold.bytesPerCall)],
    ['held: gateway own heap per call', kb(report.gatewayOwnBytesPerCall), '', ''],
    ['loaded: event->command p50', ms(g.throughput.p50Ms), ms(b.throughput.p50Ms), ''],
    ['loaded: event->command p99', ms(g.throughput.p99Ms), ms(b.throughput.p99Ms), ''],
  ];
  const o = report.options;
  const heading = [
    `IVR benchmark: ${o.calls} calls held (placed over ${o.rampMs} ms, all in the greeting together for ${o.holdMs} ms), then ${o.durationMs} ms of throughput at ${o.concurrency} concurrent calls`,
    'Menu: greeting -> 2 (consultation queue) or 3, 2 (complaint, environment) -> queue variables -> continue in the dialplan',
  ];
  return reportText(heading, rows, report.verdicts, report.notes);
}
