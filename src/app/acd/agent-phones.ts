// Keeps the shared queue told which agents' phones can take a call. Two sources, combined by `phoneCanTakeCall`:
// ARI's endpoint registration (each logged-in agent's PJSIP endpoint is subscribed to, and read when the agent logs
// in and after every ARI reconnect) and AMI's device states (the device watch). The store only ever holds the
// combined answer per endpoint, so a phone is offered calls only when neither source holds it back.

import { parseEndpointState, phoneCanTakeCall, registeredEndpointOf } from '../../domain/telephony/agent-phone.js';
import type { EndpointState } from '../../domain/telephony/agent-phone.js';
import type { AgentRecord } from '../../domain/acd/types.js';
import type { DeviceState } from '../../domain/telephony/device-state.js';
import type { Log } from '../app-ports.js';
import type { DeviceStateChange, DeviceStateLookup } from '../device-watch.js';
import type { Clock } from '../ports.js';
import type { AcdStore } from './acd-store.js';

/** ARI's endpoints as the agent phones need them. */
export interface EndpointStates {
  /**
   * Subscribes the application to the endpoint's state changes and reads its state now. Null when Asterisk has no
   * such endpoint (its registration is then unknown). Rejects when ARI cannot answer.
   */
  watch(technology: string, resource: string): Promise<EndpointState | null>;
  /** Ends the subscription. Rejects when ARI cannot answer. */
  unwatch(technology: string, resource: string): Promise<void>;
}

export interface AgentPhonesDeps {
  readonly store: Pick<AcdStore, 'deviceAvailable' | 'agents'>;
  readonly endpoints: EndpointStates;
  /** AMI's device states. */
  readonly devices: DeviceStateLookup;
  readonly clock: Clock;
  readonly log: Log;
  /** A login waits at most this long for the phone's state before it answers anyway. Default 2 s. */
  readonly loginWithinMs?: number;
  /** Endpoints read at once after a reconnect. Default 8. */
  readonly concurrency?: number;
}

export interface PhoneView {
  /** ARI's registration of the endpoint; null when not followed or not known. */
  readonly registration: EndpointState | null;
  /** AMI's device state; null when never reported. */
  readonly device: DeviceState | null;
  /** The two combined (`phoneCanTakeCall`). */
  readonly canTakeCall: boolean;
  /** What this gateway last wrote to the shared store for the endpoint, once written; null before any write. */
  readonly recorded: boolean | null;
}

interface Watched {
  readonly technology: string;
  readonly resource: string;
  /** The dial string the agents logged in with: what the store keys device availability by. */
  readonly endpoint: string;
  readonly agents: Set<string>;
  /** ARI's last word; null while unknown (not read yet, no such endpoint, ARI down). */
  registration: EndpointState | null;
  /** EndpointStateChange events seen: a read that started before one of them is older than it. */
  events: number;
  pending: Promise<void> | null;
}

export class AgentPhones {
  /** By `PJSIP/<resource>`. */
  private readonly watched = new Map<string, Watched>();
  /** Each logged-in agent's endpoint key (or their dial string when ARI has no registration for it). */
  private readonly agentKeys = new Map<string, string>();
  /** The availability last written per endpoint, so a repeated answer is not written again. */
  private readonly written = new Map<string, boolean>();
  /** What the store holds per endpoint, as far as this gateway wrote it (set once the write is done). */
  private readonly recorded = new Map<string, boolean>();
  private closed = false;

  constructor(private readonly deps: AgentPhonesDeps) {}

  /**
   * An agent logged in through this gateway: resolves once their phone's state is in the store (or `loginWithinMs`
   * passed), so a `ready` that follows never offers a call to a phone Asterisk already knows is down. Never rejects.
   */
  async agentLoggedIn(agent: Pick<AgentRecord, 'id' | 'endpoint'>): Promise<void> {
    const done = this.follow(agent.id, agent.endpoint);
    let cancel = (): void => {};
    const late = new Promise<void>((resolve) => {
      const timer = this.deps.clock.setTimer(this.deps.loginWithinMs ?? 2000, resolve);
      cancel = () => timer.cancel();
    });
    await Promise.race([done, late]);
    cancel();
  }

  /** An agent's state as the desk saw it change (on any gateway): follows logins elsewhere, forgets logouts. */
  agentSeen(agent: Pick<AgentRecord, 'id' | 'endpoint' | 'state'>): void {
    if (agent.state === 'offline') {
      this.unfollow(agent.id);
      return;
    }
    const key = keyOf(agent.endpoint);
    if (this.agentKeys.get(agent.id) === key) return;
    void this.follow(agent.id, agent.endpoint);
  }

  /** ARI EndpointStateChange. */
  endpointChanged(technology: string, resource: string, stateText: string): void {
    const watched = this.watched.get(`${technology.toUpperCase()}/${resource}`);
    if (watched === undefined || this.closed) return;
    const state = parseEndpointState(stateText) ?? 'unknown';
    watched.events += 1;
    if (watched.registration !== state) {
      this.deps.log.info({ endpoint: watched.endpoint, state, previous: watched.registration, agents: [...watched.agents] }, "an agent's phone changed registration");
    }
    watched.registration = state;
    void this.write(watched.endpoint, false);
  }

  /** AMI DeviceStateChange (through the device watch), for every device: agents may log in on any of them later. */
  deviceChanged(change: DeviceStateChange): void {
    if (this.closed) return;
    void this.write(change.device, false);
  }

  /**
   * After every ARI (re)connect: subscriptions may be gone with an Asterisk restart, and registrations changed
   * unseen. Every logged-in agent's endpoint is subscribed to and read again; agents who left are forgotten.
   */
  async resync(): Promise<void> {
    let agents: AgentRecord[];
    try {
      agents = await this.deps.store.agents();
    } catch (err) {
      this.deps.log.warn({ err }, "could not list the agents to read their phones' registration");
      return;
    }
    const present = new Set<string>();
    for (const agent of agents) {
      if (agent.state === 'offline') continue;
      present.add(agent.id);
      this.remember(agent.id, agent.endpoint);
    }
    for (const agentId of [...this.agentKeys.keys()]) if (!present.has(agentId)) this.unfollow(agentId);
    const queue = [...this.watched.values()];
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) await this.read(next, true);
    };
    await Promise.all(Array.from({ length: Math.max(1, this.deps.concurrency ?? 8) }, worker));
  }

  /** What is known of an agent's phone (for the supervisor view, and tests waiting for a change to be applied). */
  phoneOf(endpoint: string): PhoneView {
    const registration = this.watched.get(keyOf(endpoint))?.registration ?? null;
    const device = this.deps.devices.stateOf(endpoint);
    return { registration, device, canTakeCall: phoneCanTakeCall({ registration, device }), recorded: this.recorded.get(endpoint) ?? null };
  }

  close(): void {
    this.closed = true;
  }

  /** Starts following the agent's endpoint and writes its state; resolves when written. Never rejects. */
  private async follow(agentId: string, endpoint: string): Promise<void> {
    const watched = this.remember(agentId, endpoint);
    if (watched === null) {
      // No registration to read (a Local channel): the device state alone decides, written now in case it was never.
      await this.write(endpoint, true);
      return;
    }
    await this.read(watched, false);
  }

  private remember(agentId: string, endpoint: string): Watched | null {
    const key = keyOf(endpoint);
    if (this.agentKeys.get(agentId) !== key) {
      this.unfollow(agentId);
      this.agentKeys.set(agentId, key);
    }
    const registered = registeredEndpointOf(endpoint);
    if (registered === null) return null;
    let watched = this.watched.get(key);
    if (watched === undefined) {
      watched = { ...registered, endpoint, agents: new Set(), registration: null, events: 0, pending: null };
      this.watched.set(key, watched);
    }
    watched.agents.add(agentId);
    return watched;
  }

  private unfollow(agentId: string): void {
    const key = this.agentKeys.get(agentId);
    if (key === undefined) return;
    this.agentKeys.delete(agentId);
    const watched = this.watched.get(key);
    if (watched === undefined) return;
    watched.agents.delete(agentId);
    if (watched.agents.size > 0) return;
    this.watched.delete(key);
    void this.deps.endpoints
      .unwatch(watched.technology, watched.resource)
      .catch((err: unknown) => this.deps.log.debug({ err, endpoint: watched.endpoint }, 'could not end the endpoint subscription'));
  }

  /** Subscribes and reads (once at a time per endpoint unless `again`), then writes the combined state. */
  private read(watched: Watched, again: boolean): Promise<void> {
    if (watched.pending !== null && !again) return watched.pending;
    const pending = (async () => {
      const eventsBefore = watched.events;
      try {
        const state = await this.deps.endpoints.watch(watched.technology, watched.resource);
        if (state === null) this.deps.log.warn({ endpoint: watched.endpoint }, "Asterisk has no such endpoint: the agent's phone registration is unknown");
        // An EndpointStateChange that came while the read was under way is newer than its answer.
        if (watched.events === eventsBefore) watched.registration = state;
      } catch (err) {
        this.deps.log.warn({ err, endpoint: watched.endpoint }, "could not read the agent's phone registration: device state alone decides until ARI is back");
      }
      await this.write(watched.endpoint, true);
    })();
    watched.pending = pending;
    void pending.finally(() => {
      if (watched.pending === pending) watched.pending = null;
    });
    return pending;
  }

  /** Writes the combined state of the endpoint (always with `force`, else only when it changed). Never rejects. */
  private async write(endpoint: string, force: boolean): Promise<void> {
    if (this.closed) return;
    const registration = this.watched.get(keyOf(endpoint))?.registration ?? null;
    const available = phoneCanTakeCall({ registration, device: this.deps.devices.stateOf(endpoint) });
    if (!force && this.written.get(endpoint) === available) return;
    this.written.set(endpoint, available);
    try {
      await this.deps.store.deviceAvailable(endpoint, available, this.deps.clock.now());
      if (this.written.get(endpoint) === available) this.recorded.set(endpoint, available);
    } catch (err) {
      this.written.delete(endpoint);
      this.deps.log.warn({ err, endpoint }, 'could not record whether the phone can take calls');
    }
  }
}

/** `PJSIP/1001` whatever the case of the technology (ARI events spell it their way); other dial strings as given. */
function keyOf(endpoint: string): string {
  const registered = registeredEndpointOf(endpoint);
  return registered === null ? endpoint : `${registered.technology}/${registered.resource}`;
}
