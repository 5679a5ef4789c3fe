// The one service that owns agent operations: log in and out, ready, pause with a reason, and wrap up with the
// call's work order. The HTTP API (and the desktop after it) call only this; the queue's shared store decides what
// is allowed, so every gateway refuses the same things. It also turns the store's changes into the events the
// desktop and the supervisor view show: offered, answered, ended, state changed, queue changed.

import { parseSkills } from '../../domain/acd/skills.js';
import { parsePauseReason } from '../../domain/acd/agent-state.js';
import { parseWorkOrderForm } from '../../domain/acd/work-order.js';
import type { AgentRecord, AgentState } from '../../domain/acd/types.js';
import type { Log } from '../app-ports.js';
import type { Clock } from '../ports.js';
import type { AcdChange, AcdStore, AgentRefusal, Offer, QueueStats } from './acd-store.js';
import type { FiledOrder, WorkOrders } from './work-orders.js';
import type { CallRecords } from './call-records.js';
import type { GatewayCommand, GatewayCommands } from './gateway-commands.js';
import { SKILL_NAME_PATTERN } from '../../domain/acd/skills.js';

export type AgentEvent =
  | { readonly type: 'stateChanged'; readonly agent: AgentRecord }
  /** A call was set aside for the agent and their phone is about to ring. */
  | { readonly type: 'offered'; readonly agentId: string; readonly callId: string }
  | { readonly type: 'answered'; readonly agentId: string; readonly callId: string }
  | { readonly type: 'ended'; readonly agentId: string; readonly callId: string }
  | { readonly type: 'queueChanged' };

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export class AgentRequestError extends Error {
  constructor(
    /** `unavailable`: the gateway holding the agent's caller does not answer (it is down). */
    readonly code: 'invalid' | 'unknown_agent' | 'not_allowed' | 'unavailable',
    message: string,
    readonly state?: AgentState,
    /** With `invalid`: each problem with the field it is about. */
    readonly problems: readonly FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'AgentRequestError';
  }
}

/** The domain names the field first (`department: required with ...`). */
function fieldProblem(text: string): FieldProblem {
  const at = text.indexOf(': ');
  return at > 0 ? { field: text.slice(0, at), message: text.slice(at + 2) } : { field: '(body)', message: text };
}

function invalid(problems: readonly FieldProblem[]): AgentRequestError {
  return new AgentRequestError('invalid', problems.map((p) => `${p.field}: ${p.message}`).join('; '), undefined, problems);
}

export interface AgentDeskDeps {
  readonly store: AcdStore;
  readonly workOrders: WorkOrders;
  readonly records: CallRecords;
  /** Reaches the gateway holding the agent's caller (for hang-up and transfer). */
  readonly commands: GatewayCommands;
  readonly clock: Clock;
  readonly log: Log;
  /** Offers made by an operation here for this gateway's callers (others' owners are nudged by the store). */
  readonly offer: (offer: Offer) => void;
  /**
   * Runs before a login answers (the agent's phone state is read then, so a `ready` that follows never offers a
   * call to a phone Asterisk knows is unregistered or busy). Must not reject.
   */
  readonly loggedIn?: (agent: AgentRecord) => Promise<void>;
}

/** Agent ids as a call centre numbers its seats: `1001`, `agent-17`. */
const AGENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** A dial string Asterisk can call: `PJSIP/1001`, `Local/1001@agents`, `SIP/trunk/1001` (also what a staff account may hold). */
export const AGENT_ENDPOINT = /^[A-Za-z0-9]+\/[A-Za-z0-9_.@+#*/:-]{1,120}$/;

export class AgentDesk {
  private readonly listeners = new Set<(event: AgentEvent) => void>();
  /** The state each agent was last seen in, to tell an answer from a wrap-up in the store's changes. */
  private readonly lastSeen = new Map<string, { state: AgentState; callId: string | null }>();

  constructor(private readonly deps: AgentDeskDeps) {}

  onEvent(listener: (event: AgentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async login(input: { readonly agentId: string; readonly endpoint: string; readonly skills: string }): Promise<AgentRecord> {
    if (!AGENT_ID.test(input.agentId)) throw invalid([{ field: 'agentId', message: '1-64 letters, digits, _ . or -, starting with a letter or digit' }]);
    if (!AGENT_ENDPOINT.test(input.endpoint)) throw invalid([{ field: 'endpoint', message: 'must be a dial string such as PJSIP/1001 or Local/1001@agents' }]);
    const skills = parseSkills(input.skills);
    if ('error' in skills) throw invalid([{ field: 'skills', message: skills.error }]);
    const result = await this.deps.store.login({ id: input.agentId, endpoint: input.endpoint, skills }, this.deps.clock.now());
    const agent = this.accepted(result);
    await this.deps.loggedIn?.(agent);
    return agent;
  }

  async logout(agentId: string): Promise<AgentRecord> {
    return this.accepted(await this.deps.store.logout(agentId, this.deps.clock.now()));
  }

  async ready(agentId: string): Promise<AgentRecord> {
    const result = await this.deps.store.ready(agentId, this.deps.clock.now());
    const agent = this.accepted(result);
    if (result.ok && result.offer !== null) this.deps.offer(result.offer);
    return agent;
  }

  async pause(agentId: string, reasonText: string): Promise<AgentRecord> {
    const reason = parsePauseReason(reasonText);
    if (typeof reason !== 'string') throw invalid([{ field: 'reason', message: reason.error }]);
    return this.accepted(await this.deps.store.pause(agentId, reason, this.deps.clock.now()));
  }

  /**
   * Files the work order of the agent's call (the one in wrap-up, or `callId` for a call they answered earlier)
   * and ends the wrap-up: the agent is ready for the next call.
   */
  async wrapUp(agentId: string, form: unknown, callId?: string): Promise<{ agent: AgentRecord; order: FiledOrder }> {
    const parsed = parseWorkOrderForm(form);
    if ('errors' in parsed) throw invalid(parsed.errors.map(fieldProblem));
    const agent = await this.deps.store.agent(agentId);
    if (agent === null) throw new AgentRequestError('unknown_agent', `no agent ${agentId} is logged in`);
    const target = callId ?? (agent.state === 'wrapUp' ? agent.callId : null);
    if (target === null) throw new AgentRequestError('not_allowed', 'no call to wrap up: name the call (callId)', agent.state);
    const order = await this.deps.workOrders.file(target, agentId, parsed);
    if (agent.state === 'wrapUp' && agent.callId === target) {
      const done = await this.deps.store.wrapUpDone(agentId, this.deps.clock.now());
      if (done.ok && done.offer !== null) this.deps.offer(done.offer);
      if (done.ok) return { agent: done.agent, order };
    }
    return { agent: (await this.deps.store.agent(agentId)) ?? agent, order };
  }

  /** Ends the agent's call from the desk: the caller is asked for a rating, the agent goes to wrap-up. */
  async hangup(agentId: string): Promise<AgentRecord> {
    const agent = await this.onCall(agentId);
    await this.send(agent, { type: 'hangup', callId: agent.callId, agentId });
    return agent;
  }

  /** Puts the agent's caller back in the queue at its head, for `skill` or the same skill; the agent goes to wrap-up. */
  async transfer(agentId: string, skill: string | null): Promise<AgentRecord> {
    if (skill !== null && !new RegExp(SKILL_NAME_PATTERN).test(skill)) {
      throw invalid([{ field: 'skill', message: 'a skill name: lower-case letters, digits and -, such as environment' }]);
    }
    const agent = await this.onCall(agentId);
    await this.send(agent, { type: 'transfer', callId: agent.callId, agentId, skill });
    return agent;
  }

  private async onCall(agentId: string): Promise<AgentRecord & { callId: string }> {
    const agent = await this.deps.store.agent(agentId);
    if (agent === null) throw new AgentRequestError('unknown_agent', 'no such agent is logged in');
    if (agent.state !== 'onCall' || agent.callId === null) throw new AgentRequestError('not_allowed', `not allowed while the agent is ${agent.state}`, agent.state);
    return agent as AgentRecord & { callId: string };
  }

  private async send(agent: AgentRecord & { callId: string }, command: GatewayCommand): Promise<void> {
    const record = await this.deps.records.get(agent.callId);
    const delivered = record !== null && (await this.deps.commands.send(record.gateway, command));
    if (!delivered) throw new AgentRequestError('unavailable', 'the gateway holding this call does not answer', agent.state);
  }

  agent(agentId: string): Promise<AgentRecord | null> {
    return this.deps.store.agent(agentId);
  }

  agents(): Promise<AgentRecord[]> {
    return this.deps.store.agents();
  }

  stats(): Promise<QueueStats> {
    return this.deps.store.stats(this.deps.clock.now());
  }

  /** A change any gateway made to the shared queue. */
  changed(change: AcdChange): void {
    if (change.kind === 'queue') {
      this.emit({ type: 'queueChanged' });
      return;
    }
    if (change.kind !== 'agent') return;
    void this.deps.store
      .agent(change.agentId)
      .then((agent) => {
        if (agent !== null) this.agentChanged(agent);
      })
      .catch((err: unknown) => this.deps.log.warn({ err, agentId: change.agentId }, 'could not read the changed agent'));
  }

  private agentChanged(agent: AgentRecord): void {
    const before = this.lastSeen.get(agent.id);
    if (before?.state === agent.state && before.callId === agent.callId) return;
    this.lastSeen.set(agent.id, { state: agent.state, callId: agent.callId });
    this.emit({ type: 'stateChanged', agent });
    if (agent.callId === null) {
      if (before?.state === 'onCall' && before.callId !== null) this.emit({ type: 'ended', agentId: agent.id, callId: before.callId });
      return;
    }
    if (agent.state === 'reserved' || (agent.state === 'ringing' && before?.callId !== agent.callId)) {
      this.emit({ type: 'offered', agentId: agent.id, callId: agent.callId });
    } else if (agent.state === 'onCall') {
      this.emit({ type: 'answered', agentId: agent.id, callId: agent.callId });
    } else if (agent.state === 'wrapUp' && before?.state === 'onCall') {
      this.emit({ type: 'ended', agentId: agent.id, callId: agent.callId });
    }
  }

  private emit(event: AgentEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.deps.log.warn({ err }, 'agent event listener failed');
      }
    }
  }

  private accepted(result: { readonly ok: true; readonly agent: AgentRecord } | AgentRefusal): AgentRecord {
    if (result.ok) return result.agent;
    if (result.code === 'unknown_agent') throw new AgentRequestError('unknown_agent', 'no such agent is logged in');
    throw new AgentRequestError('not_allowed', `not allowed while the agent is ${result.state}`, result.state);
  }
}
