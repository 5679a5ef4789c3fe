// Prometheus metrics of the gateway behind methods named for what happened, so callers never touch prom-client.
// Each instance owns its registry (never prom-client's global one): tests and several gateways in one process
// do not collide.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EmergencyService } from '../../domain/flow/types.js';
import { DEVICE_STATES } from '../../domain/telephony/device-state.js';
import type { DeviceState } from '../../domain/telephony/device-state.js';
import type { IvrOutcome } from '../../domain/ivr/protocol.js';
import type { SubmissionResult } from '../../app/intake/metered-intake.js';
import type { QueueStats } from '../../app/acd/acd-store.js';
import { AGENT_STATES } from '../../domain/acd/types.js';
import { serviceLevel } from '../../domain/acd/service-level.js';

/**
 * One per emergency forward, counted when it ends: `answered` by the first route tried, `failed_over` answered
 * only after at least one route failed, `all_routes_failed` handed to the dialplan fallback, `caller_hung_up`.
 */
export type EmergencyForwardResult = 'answered' | 'failed_over' | 'all_routes_failed' | 'caller_hung_up';
export type IvrInputProblem = 'timeout' | 'invalid';

export interface GatewayMetricsOptions {
  /** Node.js process metrics (CPU, memory, event loop lag); on by default. */
  readonly processMetrics?: boolean;
  /** Prefix for the process metrics' names, e.g. `hotline_`; none by default (the conventional names). */
  readonly processMetricsPrefix?: string;
}

export class GatewayMetrics {
  /** For adapters that add metrics of their own; everything on it is served at `/metrics`. */
  readonly registry = new Registry();

  private readonly callsActive: Gauge;
  private readonly callsTotal: Counter;
  private readonly emergencyForwards: Counter<'service' | 'result'>;
  private readonly emergencyForwardSeconds: Histogram<'service'>;
  private readonly ariReconnects: Counter;
  private readonly ariUp: Gauge;
  private readonly amiUp: Gauge;
  private readonly inputProblems: Counter<'node' | 'problem'>;
  private readonly outcomes: Counter<'outcome'>;
  private readonly handedToDialplan: Counter<'reason'>;
  private readonly submissions: Counter<'channel' | 'result'>;
  private readonly fairUseDecisions: Counter<'channel' | 'decision'>;
  private readonly queueOutcomes: Counter<'outcome'>;
  private queueStats: QueueStats | null = null;
  private spooledNow: () => number = () => 0;
  private watchedDevices: readonly string[] = [];
  private deviceStateOf: (device: string) => DeviceState | null = () => null;
  private deskSocketsNow: () => Readonly<Record<string, number>> = () => ({});

  constructor(options: GatewayMetricsOptions = {}) {
    const registers = [this.registry];
    this.callsActive = new Gauge({ name: 'hotline_ivr_calls_active', help: 'Calls currently handled by the IVR', registers });
    this.callsTotal = new Counter({ name: 'hotline_ivr_calls_total', help: 'Calls that entered the IVR', registers });
    this.emergencyForwards = new Counter({
      name: 'hotline_emergency_forwards_total',
      help: 'Emergency forwards by service and result (answered, failed_over, all_routes_failed, caller_hung_up)',
      labelNames: ['service', 'result'],
      registers,
    });
    this.emergencyForwardSeconds = new Histogram({
      name: 'hotline_emergency_forward_seconds',
      help: 'Time from the start of an emergency forward until a dedicated line answered',
      labelNames: ['service'],
      buckets: [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180],
      registers,
    });
    this.ariReconnects = new Counter({ name: 'hotline_ari_reconnects_total', help: 'Times the ARI connection was re-established', registers });
    this.ariUp = new Gauge({ name: 'hotline_ari_connected', help: '1 while the ARI event stream is connected', registers });
    this.amiUp = new Gauge({ name: 'hotline_ami_connected', help: '1 while the AMI connection is logged in', registers });
    this.inputProblems = new Counter({
      name: 'hotline_ivr_input_problems_total',
      help: 'IVR inputs that timed out or were invalid, by node',
      labelNames: ['node', 'problem'],
      registers,
    });
    this.outcomes = new Counter({ name: 'hotline_ivr_outcomes_total', help: 'Why the IVR stopped handling calls', labelNames: ['outcome'], registers });
    this.handedToDialplan = new Counter({
      name: 'hotline_calls_handed_to_dialplan_total',
      help: 'Calls handed back to the dialplan fallback, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.submissions = new Counter({
      name: 'hotline_intake_submissions_total',
      help: 'Submissions handed to intake, by channel and result (queued, spooled, duplicate, invalid, conflict, unavailable)',
      labelNames: ['channel', 'result'],
      registers,
    });
    this.fairUseDecisions = new Counter({
      name: 'hotline_fair_use_total',
      help: 'Fair-use decisions by channel: refused (budget used up), refused_flagged (a flagged identity), emergency (let through every limit)',
      labelNames: ['channel', 'decision'],
      registers,
    });
    const spooled = (): number => this.spooledNow();
    new Gauge({
      name: 'hotline_intake_spooled',
      help: 'Submissions acknowledged while Redis was unreachable and still waiting in the local spool',
      registers,
      collect() {
        this.set(spooled());
      },
    });
    const devices = (): readonly string[] => this.watchedDevices;
    const stateOf = (device: string): DeviceState | null => this.deviceStateOf(device);
    new Gauge({
      name: 'hotline_device_state',
      help: 'State Asterisk reports for the device of an emergency line: 1 for its current state, 0 for the others (UNKNOWN when none is reported)',
      labelNames: ['device', 'state'],
      registers,
      collect() {
        this.reset();
        for (const device of devices()) {
          const current = stateOf(device) ?? 'UNKNOWN';
          for (const state of DEVICE_STATES) this.set({ device, state }, state === current ? 1 : 0);
        }
      },
    });
    const queue = (): QueueStats | null => this.queueStats;
    new Gauge({
      name: 'hotline_acd_waiting_calls',
      help: "Callers waiting in the gateway's agent queue (every gateway of the hotline)",
      registers,
      collect() {
        this.set(queue()?.waiting ?? 0);
      },
    });
    new Gauge({
      name: 'hotline_acd_longest_wait_seconds',
      help: 'How long the longest-waiting caller has waited',
      registers,
      collect() {
        this.set((queue()?.longestWaitMs ?? 0) / 1000);
      },
    });
    new Gauge({
      name: 'hotline_acd_agents',
      help: 'Agents by state (offline, ready, paused, reserved, ringing, onCall, wrapUp)',
      labelNames: ['state'],
      registers,
      collect() {
        const stats = queue();
        for (const state of AGENT_STATES) this.set({ state }, stats?.agentsByState[state] ?? 0);
      },
    });
    new Gauge({
      name: 'hotline_acd_calls_today',
      help: "Queued calls of the hotline's day (Beijing time) by what became of them: queued, offered (an agent rang), answered, answered_in_time (within 20 s), abandoned, callback_booked, callback_abandoned (given up after the last unanswered attempt; also abandoned)",
      labelNames: ['outcome'],
      registers,
      collect() {
        const today = queue()?.today;
        this.set({ outcome: 'queued' }, today?.queued ?? 0);
        this.set({ outcome: 'offered' }, today?.offered ?? 0);
        this.set({ outcome: 'answered' }, today?.answered ?? 0);
        this.set({ outcome: 'answered_in_time' }, today?.answeredInTime ?? 0);
        this.set({ outcome: 'abandoned' }, today?.abandoned ?? 0);
        this.set({ outcome: 'callback_booked' }, today?.callbacksBooked ?? 0);
        this.set({ outcome: 'callback_abandoned' }, today?.callbacksAbandoned ?? 0);
      },
    });
    new Gauge({
      name: 'hotline_acd_service_level',
      help: 'Share of the day\'s queued calls answered within 20 s, of those answered or abandoned (1 before any)',
      registers,
      collect() {
        const today = queue()?.today;
        this.set(today === undefined ? 1 : serviceLevel(today));
      },
    });
    const deskSockets = (): Readonly<Record<string, number>> => this.deskSocketsNow();
    new Gauge({
      name: 'hotline_desk_sockets',
      help: "Open WebSockets of the agents' desktop and the supervisor view on this gateway, by role (agent, supervisor)",
      labelNames: ['role'],
      registers,
      collect() {
        for (const [role, count] of Object.entries(deskSockets())) this.set({ role }, count);
      },
    });
    this.queueOutcomes = new Counter({
      name: 'hotline_acd_caller_outcomes_total',
      help: 'How callers left this gateway\'s queue: served, surveyed, surveySkipped, surveyFailed, callback, voicemail, abandoned',
      labelNames: ['outcome'],
      registers,
    });
    // Series that should read 0 rather than be absent before anything happened (alerts compare against them).
    this.ariUp.set(0);
    this.amiUp.set(0);
    if (options.processMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry, ...(options.processMetricsPrefix === undefined ? {} : { prefix: options.processMetricsPrefix }) });
    }
  }

  submission(channel: string, result: SubmissionResult): void {
    this.submissions.inc({ channel, result });
  }

  fairUse(channel: string, decision: string): void {
    this.fairUseDecisions.inc({ channel, decision });
  }

  /** The queue gauges read the latest figures of the shared queue (refreshed by the call queue's tick). */
  queueFigures(stats: QueueStats): void {
    this.queueStats = stats;
  }

  queueOutcome(outcome: string): void {
    this.queueOutcomes.inc({ outcome });
  }

  /** The desk-socket gauge reads the open sockets by role whenever /metrics is scraped. */
  watchDeskSockets(open: () => Readonly<Record<string, number>>): void {
    this.deskSocketsNow = open;
  }

  /** The gauge reads the spool's size whenever /metrics is scraped. */
  watchSpool(spooled: () => number): void {
    this.spooledNow = spooled;
  }

  /**
   * The device-state gauge reads `stateOf` for each of `devices` whenever /metrics is scraped. Only a few devices
   * (the emergency lines'), as each adds a series per state.
   */
  watchDevices(devices: readonly string[], stateOf: (device: string) => DeviceState | null): void {
    this.watchedDevices = [...new Set(devices)];
    this.deviceStateOf = stateOf;
  }

  callStarted(): void {
    this.callsTotal.inc();
    this.callsActive.inc();
  }

  callEnded(): void {
    this.callsActive.dec();
  }

  /** `seconds` is the time to answer, recorded for forwards that were answered. */
  emergencyForward(service: EmergencyService, result: EmergencyForwardResult, seconds?: number): void {
    this.emergencyForwards.inc({ service, result });
    if (seconds !== undefined && (result === 'answered' || result === 'failed_over')) {
      this.emergencyForwardSeconds.observe({ service }, seconds);
    }
  }

  ariReconnected(): void {
    this.ariReconnects.inc();
  }

  ariConnected(connected: boolean): void {
    this.ariUp.set(connected ? 1 : 0);
  }

  amiConnected(connected: boolean): void {
    this.amiUp.set(connected ? 1 : 0);
  }

  ivrInputProblem(node: string, problem: IvrInputProblem): void {
    this.inputProblems.inc({ node, problem });
  }

  ivrOutcome(outcome: IvrOutcome['kind']): void {
    this.outcomes.inc({ outcome });
  }

  /** A call given back to the dialplan (`reason` e.g. `ari_down`, `shutdown`, `emergency_all_routes_failed`). */
  callHandedToDialplan(reason: string): void {
    this.handedToDialplan.inc({ reason });
  }

  /** Content-Type of `render()`'s text, for the HTTP response. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Everything in the Prometheus text exposition format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
