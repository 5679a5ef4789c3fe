// What the agents' desktop, the supervisor view and the agents' API show, built in one place so that every surface
// shows the same thing: an agent as the floor sees them, the queue's figures (from the same store counters that feed
// /metrics), the calls waiting with their waits, and the screen pop of a call. The screen pop joins the call's record
// (what the IVR learnt: path, category, language, time waited) with the caller's history (earlier calls and
// submissions of the same number, with their status) from the citizens' profiles. The caller's number is shown
// masked: the agent needs to recognise a repeat caller, not to copy the number down.

import { maskPhone } from '../../domain/masking.js';
import { SERVICE_LEVEL_THRESHOLD_MS, serviceLevel } from '../../domain/acd/service-level.js';
import { formatSkills } from '../../domain/acd/skills.js';
import type { AgentRecord, AgentState, Skill, WaitingCall } from '../../domain/acd/types.js';
import { statusView } from '../../domain/identity/citizen-history.js';
import type { CitizenHistory } from '../../domain/identity/citizen-history.js';
import type { LinkStrength } from '../../domain/identity/identifier.js';
import type { Channel, Status } from '../../domain/intake/submission.js';
import type { Log } from '../app-ports.js';
import type { HistoryLookup } from '../identity/profile-ports.js';
import type { Clock } from '../ports.js';
import type { AcdStore, QueueStats } from './acd-store.js';
import type { CallRecord, CallRecords } from './call-records.js';

export interface AgentView {
  readonly id: string;
  readonly endpoint: string;
  readonly skills: readonly Skill[];
  readonly skillsText: string;
  readonly state: AgentState;
  readonly reason: string | null;
  readonly callId: string | null;
  readonly since: string;
  readonly idleSince: string;
}

export interface QueueView {
  readonly waiting: number;
  readonly longestWaitSeconds: number;
  readonly agentsByState: Readonly<Record<AgentState, number>>;
  readonly today: QueueStats['today'];
  /** Share of the day's calls answered within the threshold, of those answered or abandoned (1 before any). */
  readonly serviceLevel: number;
  readonly serviceLevelThresholdSeconds: number;
}

export interface WaitingCallView {
  readonly callId: string;
  readonly skill: string;
  readonly lang: string;
  readonly priority: number;
  readonly waitedSeconds: number;
  readonly enqueuedAt: string;
}

export interface ScreenPopContact {
  readonly channel: Channel;
  readonly at: string;
  readonly ticket: string | null;
  readonly status: Status | null;
  readonly statusName: { readonly zh: string; readonly en: string } | null;
}

export interface ScreenPop {
  readonly callId: string;
  /** `138****5678`; '' when the network withheld the number. */
  readonly callerMasked: string;
  readonly lang: string;
  readonly queueSkill: string;
  readonly category: string | null;
  readonly ivrPath: readonly string[];
  readonly enqueuedAt: string;
  readonly answeredAt: string | null;
  /** Until answered (or now, while still ringing). */
  readonly waitedSeconds: number;
  /** The open case the caller was told about in the IVR (a repeat caller), if any. */
  readonly earlierTicket: string | null;
  readonly history: {
    /** How sure the profile is that this number is the person (`inferred`: maybe not the owner). */
    readonly link: LinkStrength;
    readonly contacts: readonly ScreenPopContact[];
    readonly openCases: ReadonlyArray<{ readonly ticket: string; readonly channel: Channel; readonly receivedAt: string; readonly status: Status; readonly statusName: { readonly zh: string; readonly en: string } }>;
  } | null;
  /** The history could not be read (its store is down): the pop still shows the call. */
  readonly historyUnavailable: boolean;
}

export interface FloorView {
  readonly queue: QueueView;
  readonly agents: readonly AgentView[];
  readonly waitingCalls: readonly WaitingCallView[];
}

/** Earlier contacts shown on a pop: a screen's worth. */
const POP_CONTACTS = 10;

export function agentView(agent: AgentRecord): AgentView {
  return {
    id: agent.id,
    endpoint: agent.endpoint,
    skills: agent.skills.map((skill) => ({ name: skill.name, level: skill.level })),
    skillsText: formatSkills(agent.skills),
    state: agent.state,
    reason: agent.reason,
    callId: agent.callId,
    since: new Date(agent.since).toISOString(),
    idleSince: new Date(agent.idleSince).toISOString(),
  };
}

export function queueView(stats: QueueStats): QueueView {
  return {
    waiting: stats.waiting,
    longestWaitSeconds: Math.floor(stats.longestWaitMs / 1000),
    agentsByState: stats.agentsByState,
    today: stats.today,
    serviceLevel: serviceLevel(stats.today),
    serviceLevelThresholdSeconds: SERVICE_LEVEL_THRESHOLD_MS / 1000,
  };
}

/** Longest-waiting first, as a supervisor reads a queue. */
export function waitingCallViews(calls: readonly WaitingCall[], now: number): WaitingCallView[] {
  return [...calls]
    .sort((a, b) => a.enqueuedAt - b.enqueuedAt || a.callId.localeCompare(b.callId))
    .map((call) => ({
      callId: call.callId,
      skill: call.skill,
      lang: call.lang,
      priority: call.priority,
      waitedSeconds: Math.max(0, Math.floor((now - call.enqueuedAt) / 1000)),
      enqueuedAt: new Date(call.enqueuedAt).toISOString(),
    }));
}

/** The pop of one call: its record, and the caller's history when it could be read (`undefined`: unavailable). */
export function screenPop(record: CallRecord, history: CitizenHistory | null | undefined, now: number): ScreenPop {
  const waitedUntil = record.answeredAt ?? now;
  return {
    callId: record.callId,
    callerMasked: maskPhone(record.caller),
    lang: record.lang,
    queueSkill: record.queueSkill,
    category: record.category,
    ivrPath: record.ivrPath,
    enqueuedAt: new Date(record.enqueuedAt).toISOString(),
    answeredAt: record.answeredAt === undefined ? null : new Date(record.answeredAt).toISOString(),
    waitedSeconds: Math.max(0, Math.floor((waitedUntil - record.enqueuedAt) / 1000)),
    earlierTicket: record.earlierTicket ?? null,
    history:
      history === null || history === undefined
        ? null
        : {
            link: history.link,
            // This call itself is among the profile's contacts (attached when it started): it is not "earlier".
            contacts: history.contacts
              .filter((c) => c.id !== record.callId)
              .slice(0, POP_CONTACTS)
              .map((c) => ({
                channel: c.channel,
                at: c.at,
                ticket: c.ticket ?? null,
                status: c.status ?? null,
                statusName: c.status === undefined ? null : statusView(c.status).statusName,
              })),
            openCases: history.openCases.map((c) => ({ ticket: c.ticket, channel: c.channel, receivedAt: c.receivedAt, status: c.status, statusName: c.statusName })),
          },
    historyUnavailable: history === undefined,
  };
}

export interface DeskViewsDeps {
  readonly store: Pick<AcdStore, 'agent' | 'agents' | 'stats' | 'waitingCalls'>;
  readonly records: Pick<CallRecords, 'get'>;
  /** The citizens' profiles; without them, a pop shows the call alone. */
  readonly history?: HistoryLookup;
  readonly clock: Clock;
  readonly log: Log;
}

export class DeskViews {
  constructor(private readonly deps: DeskViewsDeps) {}

  async agent(agentId: string): Promise<AgentView | null> {
    const agent = await this.deps.store.agent(agentId);
    return agent === null ? null : agentView(agent);
  }

  async agents(): Promise<AgentView[]> {
    return (await this.deps.store.agents()).map(agentView);
  }

  async queue(): Promise<QueueView> {
    return queueView(await this.deps.store.stats(this.deps.clock.now()));
  }

  async waitingCalls(): Promise<WaitingCallView[]> {
    return waitingCallViews(await this.deps.store.waitingCalls(), this.deps.clock.now());
  }

  async floor(): Promise<FloorView> {
    const [queue, agents, waitingCalls] = await Promise.all([this.queue(), this.agents(), this.waitingCalls()]);
    return { queue, agents, waitingCalls };
  }

  /**
   * The pop of a call (null when the queue has no record of it). `answeredAt`: when the call is known to be answered
   * (the agent's state says so) before its record does: the record notes the answer only once the caller is bridged.
   */
  async screenPop(callId: string, answeredAt?: number): Promise<ScreenPop | null> {
    const record = await this.deps.records.get(callId);
    if (record === null) return null;
    const known = record.answeredAt === undefined && answeredAt !== undefined ? { ...record, answeredAt } : record;
    return screenPop(known, await this.historyOf(record.caller), this.deps.clock.now());
  }

  /** The pop of the agent's current call (offered, ringing, on call or in wrap-up); null when they have none. */
  async currentPop(agentId: string): Promise<ScreenPop | null> {
    const agent = await this.deps.store.agent(agentId);
    if (agent?.callId == null) return null;
    return this.screenPop(agent.callId, agent.state === 'onCall' ? agent.since : undefined);
  }

  private async historyOf(caller: string): Promise<CitizenHistory | null | undefined> {
    if (this.deps.history === undefined || caller === '') return null;
    try {
      return await this.deps.history.history({ kind: 'phone', value: caller }, { limit: POP_CONTACTS + 1 });
    } catch (err) {
      this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'caller history unavailable for a screen pop');
      return undefined;
    }
  }
}
