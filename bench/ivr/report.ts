// Figures, ratios and verdicts of the IVR benchmark. Each target is judged against the raw ari-client baseline
// measured in the same run; run-ivr.ts sets exit code 1 when one fails. A --smoke run prints the same table
// but judges only that the bench itself worked (every call walked the menu to the queue).

import { ms, ratio, reportText } from '../shared/format.js';
import type { Verdict } from '../shared/format.js';
import type { IvrBenchOptions } from './options.js';
import type { HoldResult } from './phases.js';
import type { SubjectResult } from './simulator-process.js';

export const TARGETS = {
  throughputRatio: 0.9,
  cpuRatio: 1.2,
  heldCalls: 5000,
  p99Ratio: 2,
  p99Ms: 10,
  ownBytesPerCall: 8 * 1024,
} as const;

export interface IvrLevel {
  readonly calls: number;
  readonly gateway: HoldResult;
  readonly baseline: HoldResult;
  /** Gateway process's heap per held call minus the baseline app process's (ari-client and Node), after a forced GC. */
  readonly gatewayOwnBytesPerCall: number;
}

export interface IvrReport {
  readonly options: IvrBenchOptions;
  /** False under --smoke: the figures are printed, the targets are not judged. */
  readonly judged: boolean;
  readonly levels: readonly IvrLevel[];
  readonly throughput: { readonly gateway: SubjectResult['throughput']; readonly baseline: SubjectResult['throughput'] };
  readonly throughputRatio: number;
  readonly cpuRatio: number;
  /** Each subject's app and simulator processes (all exited by the time the report is made). */
  readonly pids: { readonly gateway: SubjectResult['pids']; readonly baseline: SubjectResult['pids'] };
  readonly verdicts: readonly Verdict[];
  readonly pass: boolean;
  readonly notes: readonly string[];
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
const div = (x: number, y: number): number => (y === 0 ? 0 : x / y);

function completedVerdict(subject: string, levels: readonly HoldResult[], throughput: SubjectResult['throughput']): Verdict {
  const broken = levels.filter((l) => l.failed > 0 || l.completed !== l.calls);
  return {
    target: `${subject}: every call walked the menu to the queue`,
    measured:
      levels.map((l) => `${l.completed}/${l.calls} held`).join(', ') +
      `, ${throughput.completed} in the throughput window, ${levels.reduce((n, l) => n + l.failed, 0) + throughput.failed} failed`,
    pass: broken.length === 0 && throughput.failed === 0 && throughput.completed > 0,
  };
}

export function buildReport(options: IvrBenchOptions, gateway: SubjectResult, baseline: SubjectResult): IvrReport {
  const levels: IvrLevel[] = options.levels.map((calls, i) => {
    const g = gateway.levels[i];
    const b = baseline.levels[i];
    if (g === undefined || b === undefined || g.calls !== calls || b.calls !== calls) throw new Error(`hold level ${calls} is missing from a subject's result`);
    return { calls, gateway: g, baseline: b, gatewayOwnBytesPerCall: g.bytesPerCall - b.bytesPerCall };
  });
  const tg = gateway.throughput;
  const tb = baseline.throughput;
  const throughputRatio = div(tg.callsPerSecond, tb.callsPerSecond);
  const cpuRatio = div(tg.cpuMsPerCall, tb.cpuMsPerCall);
  const verdicts: Verdict[] = [completedVerdict('gateway', gateway.levels, tg), completedVerdict('baseline', baseline.levels, tb)];
  const judged = !options.smoke;
  if (judged && !options.acd) {
    verdicts.push(
      { target: `throughput >= ${TARGETS.throughputRatio} x baseline`, measured: `${throughputRatio.toFixed(2)} x`, pass: throughputRatio >= TARGETS.throughputRatio },
      { target: `CPU per call <= ${TARGETS.cpuRatio} x baseline`, measured: `${cpuRatio.toFixed(2)} x`, pass: tb.cpuMsPerCall > 0 && cpuRatio <= TARGETS.cpuRatio },
    );
  }
  if (judged) {
    const top = levels.find((l) => l.calls === TARGETS.heldCalls);
    if (top === undefined) {
      verdicts.push({ target: `${TARGETS.heldCalls} calls held`, measured: `not measured (levels ${options.levels.join(', ')})`, pass: false });
    } else {
      const g = top.gateway;
      const b = top.baseline;
      const p99Ratio = g.p99Ms === null || b.p99Ms === null || b.p99Ms === 0 ? null : g.p99Ms / b.p99Ms;
      verdicts.push(
        {
          target: `${TARGETS.heldCalls} concurrent calls held by one gateway process`,
          measured: `peak ${g.peakHeld} held, ${g.completed}/${g.calls} reached the queue, ${g.failed} failed`,
          pass: g.peakHeld >= TARGETS.heldCalls && g.failed === 0 && g.completed === g.calls,
        },
        {
          target: `p99 event -> command with ${TARGETS.heldCalls} held <= ${TARGETS.p99Ratio} x baseline and < ${TARGETS.p99Ms} ms`,
          measured: `${ms(g.p99Ms)} (${p99Ratio === null ? 'n/a' : `${p99Ratio.toFixed(2)} x`} of ${ms(b.p99Ms)})`,
          pass: g.p99Ms !== null && p99Ratio !== null && p99Ratio <= TARGETS.p99Ratio && g.p99Ms < TARGETS.p99Ms,
        },
        {
          target: `<= ${kb(TARGETS.ownBytesPerCall)} of the gateway's own heap per call (${TARGETS.heldCalls} held, over the baseline)`,
          measured: `${kb(top.gatewayOwnBytesPerCall)} (gateway process ${kb(g.bytesPerCall)}, baseline app process ${kb(b.bytesPerCall)})`,
          pass: top.gatewayOwnBytesPerCall <= TARGETS.ownBytesPerCall,
        },
      );
    }
  }
  const notes = [
    ...(judged ? [] : ['--smoke: small figures to check the bench runs end to end; the performance targets are not judged.']),
    options.acd
      ? 'Queue: --acd, the gateway queues each caller itself (ACD=on: a holding bridge, music on hold, the shared queue in Redis, position announcements) while the baseline continues in the dialplan, so throughput and CPU per call are shown and not judged; the held-call figures are still judged (the calls are held in the greeting, before the queue).'
      : 'Queue: the gateway runs with ACD=off, so its queue node sets the queue variables and continues in the dialplan as the baseline does: the same ARI requests per call. --acd measures the gateway queueing callers itself.',
    'Baseline: ari-client alone (bench/ivr/baseline-app.ts) walking the same menu with the same ARI requests against the same simulator. It does not load or validate a flow, keep call state for reconnects, log, mask numbers, count metrics, time out, or carry fastify, BullMQ, the AMI client and Redis as the gateway process does.',
    'Processes: for each subject the simulated Asterisk, the callers and the latency probe run in one Node process and the application in another, connected over loopback as to a real Asterisk (the gateway configured by ARI_URL, ARI_* and AMI_* as in production). Heap per call and CPU per call are the application process\'s own; "gateway own heap" = gateway process - baseline app process (ari-client and Node\'s share), read after a forced GC with every call of the level in the greeting.',
    'Latency: from the simulator emitting StasisStart / ChannelDtmfReceived / PlaybackFinished for a channel to it handling the next ARI request for that channel (performance.now() in the simulator\'s process): the application process\'s reaction plus the loopback both ways. Neither process\'s GC stops the other; waits overlapping the bench\'s forced GC of the app process (from asking for it to the answer) are left out.',
    'Throughput: closed loop of short calls (5 ms prompts) walking the same menu; calls/s reaching the queue in the measured window. CPU per call is the app process\'s alone (judged), no longer diluted toward 1 by the simulator\'s share; the simulator process\'s CPU per call is shown beside it, not judged.',
    'Sockets: http.globalAgent.maxSockets = 64 (keep-alive), what the gateway sets itself at start (src/main.ts, for Asterisk\'s small HTTP session limit); the benchmark sets the same for the baseline app.',
  ];
  return { options, judged, levels, throughput: { gateway: tg, baseline: tb }, throughputRatio, cpuRatio, pids: { gateway: gateway.pids, baseline: baseline.pids }, verdicts, pass: verdicts.every((v) => v.pass), notes };
}

export function formatReport(report: IvrReport): string {
  const { gateway: tg, baseline: tb } = report.throughput;
  const rows: string[][] = [
    ['', 'gateway', 'baseline', 'gateway/baseline'],
    ['throughput, calls/s', tg.callsPerSecond.toFixed(1), tb.callsPerSecond.toFixed(1), ratio(tg.callsPerSecond, tb.callsPerSecond)],
    ['CPU per call, app process', ms(tg.cpuMsPerCall), ms(tb.cpuMsPerCall), ratio(tg.cpuMsPerCall, tb.cpuMsPerCall)],
    ['CPU per call, simulator process', ms(tg.simulatorCpuMsPerCall), ms(tb.simulatorCpuMsPerCall), ''],
    ['loaded: event->command p50', ms(tg.p50Ms), ms(tb.p50Ms), ratio(tg.p50Ms, tb.p50Ms)],
    ['loaded: event->command p99', ms(tg.p99Ms), ms(tb.p99Ms), ratio(tg.p99Ms, tb.p99Ms)],
  ];
  for (const { calls, gateway: g, baseline: b, gatewayOwnBytesPerCall } of report.levels) {
    const at = `${calls.toLocaleString('en-US')} held:`;
    rows.push(
      [`${at} peak concurrent calls`, String(g.peakHeld), String(b.peakHeld), ''],
      [`${at} event->command p50`, ms(g.p50Ms), ms(b.p50Ms), ratio(g.p50Ms, b.p50Ms)],
      [`${at} event->command p99`, ms(g.p99Ms), ms(b.p99Ms), ratio(g.p99Ms, b.p99Ms)],
      [`${at} event->command max`, ms(g.maxMs), ms(b.maxMs), ''],
      [`${at} heap per call, app process`, kb(g.bytesPerCall), kb(b.bytesPerCall), ratio(g.bytesPerCall, b.bytesPerCall)],
      [`${at} gateway own heap per call`, kb(gatewayOwnBytesPerCall), '', ''],
    );
  }
  const o = report.options;
  const heading = [
    `IVR benchmark${report.judged ? '' : ' (--smoke, not judged)'}: ${o.levels.join(', ')} calls held in turn (the largest placed over ${o.rampMs} ms, the others at the same rate; all of a level in the greeting together for ${o.holdMs} ms), then ${o.durationMs} ms of throughput at ${o.concurrency} concurrent calls`,
    'Menu: greeting -> 2 (consultation queue) or 3, 2 (complaint, environment) -> queue variables -> continue in the dialplan',
  ];
  return reportText(heading, rows, report.verdicts, report.notes);
}
