// One subject in its own Node process (started by run-ivr.ts with --expose-gc): the gateway with its built-in
// simulator, or the raw ari-client baseline against the same simulator. Sends its figures to the parent over IPC.

import http from 'node:http';
import { resolve } from 'node:path';
import ari from 'ari-client';
import type { AriClient } from 'ari-client';
import { createLogger } from '../../src/adapters/log/index.js';
import { loadFlowFile } from '../../src/adapters/flow/load-flow-file.js';
import { parseConfig } from '../../src/config/index.js';
import { startGateway } from '../../src/main.js';
import { MemorySoundCatalog } from '../../src/simulator/index.js';
import type { SimulatorControl } from '../../src/simulator/index.js';
import { startSimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { BaselineApp } from './baseline-app.js';
import { CallerDriver } from './caller-driver.js';
import type { CallerBehaviour } from './caller-driver.js';
import { LatencyProbe } from './latency-probe.js';
import type { IvrBenchOptions } from './options.js';
import { holdPhase, throughputPhase, warmUp } from './phases.js';
import type { HoldResult, ThroughputResult } from './phases.js';

export type SubjectName = 'gateway' | 'baseline';

export interface SubjectResult {
  readonly subject: SubjectName;
  /** One per hold level, in the order of options.levels. */
  readonly levels: readonly HoldResult[];
  readonly throughput: ThroughputResult;
}

/** What the gateway subject gets of the run's own: Redis, a key prefix, a DATA_DIR (see bench-scratch.ts). */
export interface SubjectSettings {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly dataDir: string;
}

export type SubjectMessage = { readonly ok: true; readonly result: SubjectResult } | { readonly ok: false; readonly error: string };

const FLOW_FILE = 'ivr-flows/12345.yaml';
const APP = 'ivr-12345';

interface Running {
  readonly control: SimulatorControl;
  close(): Promise<void>;
}

async function startSubject(subject: SubjectName, settings: SubjectSettings, options: IvrBenchOptions, sounds: MemorySoundCatalog, audio: (prompt: string) => string): Promise<Running> {
  const simulator = { ariPort: 0, amiPort: 0, sounds, msPerDigit: 10, waitTimeoutMs: 30_000, defaultDialBehaviour: { result: 'answer', afterMs: 20 } } as const;
  if (subject === 'gateway') {
    const parsed = parseConfig({
      ...process.env,
      ARI_URL: undefined,
      IVR_FLOW: FLOW_FILE,
      ARI_APP: APP,
      REDIS_URL: settings.redisUrl,
      INTAKE_PREFIX: settings.prefix,
      DATA_DIR: settings.dataDir,
      // Like for like by default: the flow's queue node continues in the dialplan, as the baseline does.
      ACD: options.acd ? 'on' : 'off',
    });
    const config = { ...parsed, http: { ...parsed.http, port: 0, host: '127.0.0.1' } };
    const gateway = await startGateway(config, { log: createLogger({ level: 'silent' }), simulator });
    const control = gateway.simulator?.control;
    if (control === undefined) throw new Error('the gateway did not start its built-in simulator (is ARI_URL set?)');
    // Calls placed before the link is up would be taken for stranded calls and sent to the fallback menu.
    const deadline = Date.now() + 20_000;
    while (!gateway.ready().ari) {
      if (Date.now() > deadline) throw new Error('the gateway did not connect to its simulator within 20 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    return { control, close: () => gateway.close() };
  }
  const asterisk = await startSimulatedAsterisk({ ...simulator, app: APP });
  const client: AriClient = await ari.connect(asterisk.ariUrl, asterisk.credentials.ari.username, asterisk.credentials.ari.password);
  const app = new BaselineApp(client, audio);
  app.listen();
  await client.start(APP);
  await asterisk.control.waitForApp(APP);
  return {
    control: asterisk.control,
    close: async () => {
      client.removeAllListeners();
      client.stop();
      await asterisk.close();
    },
  };
}

async function main(): Promise<SubjectResult> {
  const subject = process.argv[2] as SubjectName;
  const options = JSON.parse(process.argv[3] ?? '{}') as IvrBenchOptions;
  const settings = JSON.parse(process.argv[4] ?? '{}') as SubjectSettings;
  // What load-notes.md found to hold up against a real Asterisk: a capped pool of keep-alive sockets (the
  // global agent keeps sockets alive by default since Node 19).
  http.globalAgent.maxSockets = 64;

  const flow = await loadFlowFile(resolve(FLOW_FILE));
  const audio = (prompt: string): string => {
    const p = flow.prompts[prompt];
    if (p === undefined) throw new Error(`prompt "${prompt}" is not in ${FLOW_FILE}`);
    return p.audio;
  };
  const promptSounds = Object.values(flow.prompts).map((p) => p.audio);
  const sounds = new MemorySoundCatalog(Object.fromEntries(promptSounds.map((s) => [s, 300])));
  const running = await startSubject(subject, settings, options, sounds, audio);
  const probe = new LatencyProbe(running.control);
  const behaviour: CallerBehaviour = {
    greetingMedia: `sound:${audio('greeting')}`,
    mainMenuMedia: `sound:${audio('main-menu')}`,
    reactMs: 0,
    digitGapMs: 150,
  };
  const driver = new CallerDriver(running.control, behaviour, probe);
  const ctx = { driver, probe, sounds, behaviour, promptSounds, greetingSound: audio('greeting'), mainMenuSound: audio('main-menu') };
  try {
    await warmUp(ctx, options.smoke ? 20 : 200);
    const levels: HoldResult[] = [];
    for (const calls of options.levels) levels.push(await holdPhase(ctx, options, calls));
    const throughput = await throughputPhase(ctx, options);
    return { subject, levels, throughput };
  } finally {
    await running.close();
  }
}

main().then(
  (result) => {
    process.send?.({ ok: true, result } satisfies SubjectMessage, () => process.exit(0));
  },
  (err: unknown) => {
    process.send?.({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies SubjectMessage, () => process.exit(1));
  },
);
