// Gateways with the agent queue as their own processes (`hotline-gateway serve`), against simulated Asterisks that
// run in the test process: an "Asterisk" outlives a gateway that is killed, as a real one does, and the test plays
// its far ends (callers, agents' phones) directly. Agents are driven through each gateway's /v1/agents API.

import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFailed } from 'vitest';
import { createApiKey, writeApiKeysFile } from '../../../src/adapters/api-keys/index.js';
import { startSimulatedAsterisk } from '../../../src/simulator/simulated-asterisk.js';
import type { SimulatedAsterisk } from '../../../src/simulator/simulated-asterisk.js';
import { REPO_ROOT, startCli } from '../../support/cli-process.js';
import type { CliProcess } from '../../support/cli-process.js';
import { dropIntake } from '../../support/intake.js';
import { freePort } from '../../support/net.js';
import { REDIS_URL } from '../../support/redis.js';
import { FLOW_FILE, hotlineSounds } from '../gateway/harness.js';

// Limits on waiting, not expectations of speed: a gateway process compiles its TypeScript (tsx) as it starts, which
// takes many seconds on a loaded 2-core machine.
export const PROCESS_START_MS = 60_000;

/** What the gateways of one hotline share: the Redis prefix (intake and queue) and the integrators' key file. */
export interface Hotline {
  readonly prefix: string;
  readonly apiKeysFile: string;
  readonly agentsKey: string;
  /** A data folder of its own for each gateway (spool, attachments), removed with the hotline. */
  dataDir(gatewayId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startHotline(name: string): Promise<Hotline> {
  const prefix = `test-${name}-${randomUUID().slice(0, 8)}`;
  const home = await mkdtemp(join(tmpdir(), `${name}-`));
  const apiKeysFile = join(home, 'api-keys.json');
  const key = createApiKey({ name: 'CTI connector', scopes: ['agents'], rateLimitPerMinute: 1_000_000 });
  await writeApiKeysFile(apiKeysFile, { keys: [key.entry] });
  return {
    prefix,
    apiKeysFile,
    agentsKey: key.key,
    dataDir: (gatewayId) => mkdtemp(join(home, `${gatewayId.replace(/[^A-Za-z0-9_.-]/g, '_')}-`)),
    close: () => dropIntake(prefix, home),
  };
}

/**
 * A simulated Asterisk with the hotline's prompts short and agents' phones that answer at once. Several Asterisks
 * of one hotline have distinct `systemname`s (asterisk.conf), so their channel ids, which the shared queue keys its
 * calls by, never collide.
 */
export function startAsterisk(systemName = 'pbx-1'): Promise<SimulatedAsterisk> {
  return startSimulatedAsterisk({
    systemName,
    sounds: hotlineSounds(),
    msPerDigit: 5,
    dtmfIntervalMs: 20,
    defaultDialBehaviour: { result: 'answer', afterMs: 20 },
    waitTimeoutMs: 15_000,
  });
}

export interface GatewayProcess {
  readonly gatewayId: string;
  readonly httpUrl: string;
  readonly process: CliProcess;
  /** Calls the gateway's /v1 API with the hotline's `agents` key. */
  api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  kill(): Promise<void>;
}

export interface GatewaySpec {
  readonly hotline: Hotline;
  readonly asterisk: SimulatedAsterisk;
  readonly gatewayId: string;
  readonly dataDir: string;
  readonly env?: Record<string, string>;
}

/**
 * Starts `hotline-gateway serve` against `asterisk` and resolves once it is ready (its ARI link is up). The same
 * spec starts the same gateway again after a kill: same id, same data folder, same Asterisk.
 */
export async function spawnGateway(spec: GatewaySpec): Promise<GatewayProcess> {
  const { hotline, asterisk } = spec;
  const httpPort = await freePort();
  const child = startCli(['serve'], {
    cwd: spec.dataDir,
    env: {
      REDIS_URL,
      INTAKE_PREFIX: hotline.prefix,
      DATA_DIR: spec.dataDir,
      API_KEYS_FILE: hotline.apiKeysFile,
      SMTP_ACCEPT: '',
      WECHAT_TOKEN: '',
      ARI_URL: asterisk.ariUrl,
      ARI_USERNAME: asterisk.credentials.ari.username,
      ARI_PASSWORD: asterisk.credentials.ari.password,
      AMI_HOST: '127.0.0.1',
      AMI_PORT: String(asterisk.amiPort),
      AMI_USERNAME: asterisk.credentials.ami.username,
      AMI_SECRET: asterisk.credentials.ami.secret,
      HTTP_PORT: String(httpPort),
      HTTP_HOST: '127.0.0.1',
      IVR_FLOW: join(REPO_ROOT, FLOW_FILE),
      DISPOSITIONS_FILE: join(REPO_ROOT, 'ivr-flows', 'dispositions.yaml'),
      SOUNDS_DIR: join(REPO_ROOT, 'asterisk-config', 'sounds'),
      LOG_LEVEL: 'warn',
      ACD_GATEWAY_ID: spec.gatewayId,
      ...spec.env,
    },
  });
  onTestFailed(() => {
    const said = child.stdout + child.stderr;
    // The end of what the process said: its warnings and errors (LOG_LEVEL=warn) up to the failure.
    if (said !== '') console.error(`gateway ${spec.gatewayId} (pid ${child.child.pid ?? '?'}) said:\n${said.slice(-20_000)}`);
  });
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const gateway: GatewayProcess = {
    gatewayId: spec.gatewayId,
    httpUrl,
    process: child,
    async api<T>(method: string, path: string, body?: unknown) {
      const headers: Record<string, string> = { authorization: `Bearer ${hotline.agentsKey}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${httpUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: response.status, body: (await response.json()) as T };
    },
    async kill() {
      await child.stop('SIGKILL');
    },
  };
  const deadline = Date.now() + PROCESS_START_MS;
  for (;;) {
    if (child.child.exitCode !== null) throw new Error(`gateway ${spec.gatewayId} exited (${child.child.exitCode}):\n${child.stdout}${child.stderr}`);
    const ready = await fetch(`${httpUrl}/readyz`).then((r) => r.status === 200, () => false);
    if (ready) return gateway;
    if (Date.now() > deadline) throw new Error(`gateway ${spec.gatewayId} not ready after ${PROCESS_START_MS} ms:\n${child.stdout}${child.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface AgentBody {
  readonly id: string;
  readonly state: string;
  readonly reason: string | null;
  readonly callId: string | null;
}

export interface QueueBody {
  readonly waiting: number;
  readonly agentsByState: Record<string, number>;
  readonly today: { readonly queued: number; readonly offered: number; readonly answered: number; readonly abandoned: number };
}

/** An agent operation through the API that must succeed. */
export async function agentStep(gateway: GatewayProcess, method: string, path: string, body?: unknown): Promise<AgentBody> {
  const response = await gateway.api<{ agent: AgentBody }>(method, path, body);
  if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.agent;
}

export async function until<T>(what: string, probe: () => Promise<T | null | undefined> | T | null | undefined, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A work order as an agent fills it in for a consultation they answered. */
export const ANSWERED_FORM = { kind: 'consultation', category: 'other', matter: 'Asked about opening hours of the service centre', disposition: 'answered' };

/** An agent's phone call as the simulated Asterisks saw it. */
export interface AgentLeg {
  readonly legId: string;
  readonly asterisk: string;
  /** The endpoint dialled (`PJSIP/a7`): the agent. */
  readonly agent: string;
  /** The caller number the agent's phone was shown. */
  readonly callerNumber: string;
  /** The caller's channel, once the leg was joined to it in a mixing bridge. */
  bridgedTo: string | null;
  hungUp: boolean;
}

/**
 * Plays the far ends on one or more simulated Asterisks and records what happened to them: callers (each with a
 * number of their own) press `choice` at the greeting and `rating` at the survey; an agent's phone (any `PJSIP/`
 * endpoint) answers as the simulator's dial behaviour says, and is hung up by `onBridged`'s caller. It counts the
 * legs alive per agent and per caller at every moment, across all the Asterisks, so two at once cannot go unseen.
 */
export class FarEnds {
  readonly legs = new Map<string, AgentLeg>();
  /** Callers' channels, and the Asterisk each called. */
  readonly callers = new Map<string, SimulatedAsterisk>();
  /** Moments an agent, or a caller, had two legs alive at once. */
  readonly doubles: string[] = [];
  private readonly liveByAgent = new Map<string, number>();
  private readonly liveByCaller = new Map<string, number>();
  private readonly bridgedListeners: ((leg: AgentLeg, asterisk: SimulatedAsterisk) => void)[] = [];
  private readonly hungUpListeners: ((leg: AgentLeg) => void)[] = [];
  private readonly stops: (() => void)[] = [];
  private readonly placers = new Map<SimulatedAsterisk, (number: string) => string>();

  constructor(private readonly choice: string, private readonly rating: string) {}

  watch(name: string, asterisk: SimulatedAsterisk): void {
    const numbers = new Map<string, string>();
    const greeted = new Set<string>();
    const surveyed = new Set<string>();
    this.stops.push(
      asterisk.control.onLifecycle((event) => {
        switch (event.type) {
          // Not at channelCreated: the endpoint and the caller ID variables are set on the channel after it.
          case 'stasisStart': {
            const ch = event.channel;
            if (ch.kind !== 'outbound' || ch.endpoint === null || !ch.endpoint.startsWith('PJSIP/') || this.legs.has(ch.id)) return;
            const callerNumber = asterisk.control.channel(ch.id)?.presentedCallerId.number ?? '';
            const leg: AgentLeg = { legId: ch.id, asterisk: name, agent: ch.endpoint, callerNumber, bridgedTo: null, hungUp: false };
            this.legs.set(ch.id, leg);
            this.count(this.liveByAgent, leg.agent, 1, `agent ${leg.agent} has a second leg (${ch.id} on ${name})`);
            this.count(this.liveByCaller, callerNumber, 1, `caller ${callerNumber} is offered twice (${ch.id} to ${leg.agent} on ${name})`);
            return;
          }
          case 'channelHungUp': {
            const leg = this.legs.get(event.channel.id);
            if (leg === undefined || leg.hungUp) return;
            leg.hungUp = true;
            this.count(this.liveByAgent, leg.agent, -1, '');
            this.count(this.liveByCaller, leg.callerNumber, -1, '');
            for (const listener of this.hungUpListeners) listener(leg);
            return;
          }
          case 'bridgeEntered': {
            if (event.bridge.bridgeType !== 'mixing') return;
            for (const id of event.bridge.channelIds) {
              const leg = this.legs.get(id);
              if (leg === undefined || leg.bridgedTo !== null || leg.hungUp) continue;
              const caller = event.bridge.channelIds.find((other) => other !== id && numbers.has(other));
              if (caller === undefined) continue;
              leg.bridgedTo = caller;
              for (const listener of this.bridgedListeners) listener(leg, asterisk);
            }
            return;
          }
          case 'playbackStarted': {
            const number = numbers.get(event.channel.id);
            if (number === undefined) return;
            if (event.media === 'sound:hotline/greeting' && !greeted.has(event.channel.id)) {
              greeted.add(event.channel.id);
              void asterisk.control.sendDigits(event.channel.id, this.choice).catch(() => undefined);
            } else if (event.media === 'sound:hotline/queue-survey' && !surveyed.has(event.channel.id)) {
              surveyed.add(event.channel.id);
              void asterisk.control.sendDigits(event.channel.id, this.rating).catch(() => undefined);
            }
            return;
          }
          default:
            return;
        }
      }),
    );
    this.placers.set(asterisk, (number) => {
      const { channelId } = asterisk.control.placeCall({ from: number });
      numbers.set(channelId, number);
      this.callers.set(channelId, asterisk);
      return channelId;
    });
  }

  /** A caller with `number` calls the hotline on `asterisk`; returns their channel. */
  call(asterisk: SimulatedAsterisk, number: string): string {
    const place = this.placers.get(asterisk);
    if (place === undefined) throw new Error('call: that Asterisk is not watched');
    return place(number);
  }

  /** When an agent's leg is joined to its caller. */
  onBridged(listener: (leg: AgentLeg, asterisk: SimulatedAsterisk) => void): void {
    this.bridgedListeners.push(listener);
  }

  onLegHungUp(listener: (leg: AgentLeg) => void): void {
    this.hungUpListeners.push(listener);
  }

  /** Whether the caller has hung up or been hung up. */
  callerGone(callerChannel: string): boolean {
    return this.callers.get(callerChannel)?.control.channel(callerChannel)?.hungUp === true;
  }

  /** The legs joined to `callerChannel`, in order. */
  legsOf(callerChannel: string): AgentLeg[] {
    return [...this.legs.values()].filter((leg) => leg.bridgedTo === callerChannel);
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  private count(live: Map<string, number>, key: string, step: number, double: string): void {
    const now = (live.get(key) ?? 0) + step;
    live.set(key, now);
    if (step > 0 && now > 1) this.doubles.push(double);
  }
}

/** Caller numbers of a test, distinct (the flow's fair-use node counts calls per number). */
export function callerNumber(n: number): string {
  return `139${String(n).padStart(8, '0')}`;
}
