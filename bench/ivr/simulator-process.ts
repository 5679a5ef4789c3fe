// The Asterisk side of one subject, in a Node process of its own (started by run-ivr.ts): the simulated Asterisk,
// the callers (caller-driver.ts) and the latency probe. It starts the application under test (app-process.ts: the
// gateway, or the raw ari-client baseline) as a further process pointed at the simulator's ARI and AMI ports over
// loopback, as at a real Asterisk, so that neither process's garbage collector stops the other and each one's heap
// and CPU are its own. Sends its figures to the parent over IPC.

import { fileURLToPath } from 'node:url';
import { MemorySoundCatalog } from '../../src/simulator/index.js';
import { startSimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import type { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { startSubject } from '../shared/subject.js';
import type { SubjectHandle } from '../shared/subject.js';
import type { AppInfo, SubjectName } from './app-process.js';
import { CallerDriver } from './caller-driver.js';
import { loadFlowAudio } from './flow-audio.js';
import type { CallerBehaviour } from './caller-driver.js';
import { LatencyProbe } from './latency-probe.js';
import type { IvrBenchOptions } from './options.js';
import { holdPhase, throughputPhase, warmUp } from './phases.js';
import type { AppProcess, HoldResult, ThroughputResult } from './phases.js';

export type { SubjectName } from './app-process.js';

export interface SubjectResult {
  readonly subject: SubjectName;
  /** One per hold level, in the order of options.levels. */
  readonly levels: readonly HoldResult[];
  readonly throughput: ThroughputResult;
  /** The two processes of the subject, so a caller can check that none outlived the run. */
  readonly pids: { readonly app: number; readonly simulator: number };
}

/** What the subject gets of the run's own: Redis, a key prefix, a DATA_DIR (see bench-scratch.ts), profile folders. */
export interface SubjectSettings {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly dataDir: string;
  /** The app process's CPU profile goes here (`--cpu-prof`). */
  readonly cpuProfDir?: string;
  /** The app process's sampling heap profile goes here (`--heap-prof`). */
  readonly heapProfDir?: string;
}

export type SubjectMessage = { readonly ok: true; readonly result: SubjectResult } | { readonly ok: false; readonly error: string };

const FLOW_FILE = 'ivr-flows/12345.yaml';
const APP = 'ivr-12345';
const APP_FILE = fileURLToPath(new URL('./app-process.ts', import.meta.url));
// A limit on waiting, not an expectation: the app process compiles its TypeScript (tsx) as it starts.
const APP_START_MS = 60_000;

/** The application's configuration, as an operator would write it for a real Asterisk at these addresses. */
function appEnvironment(subject: SubjectName, asterisk: SimulatedAsterisk, settings: SubjectSettings, options: IvrBenchOptions): Record<string, string> {
  const ari = { ARI_URL: asterisk.ariUrl, ARI_USERNAME: asterisk.credentials.ari.username, ARI_PASSWORD: asterisk.credentials.ari.password, ARI_APP: APP, IVR_FLOW: FLOW_FILE };
  if (subject === 'baseline') return ari;
  return {
    ...ari,
    AMI_HOST: '127.0.0.1',
    AMI_PORT: String(asterisk.amiPort),
    AMI_USERNAME: asterisk.credentials.ami.username,
    AMI_SECRET: asterisk.credentials.ami.secret,
    REDIS_URL: settings.redisUrl,
    INTAKE_PREFIX: settings.prefix,
    DATA_DIR: settings.dataDir,
    // Like for like by default: the flow's queue node continues in the dialplan, as the baseline does.
    ACD: options.acd ? 'on' : 'off',
    // The baseline logs nothing either; logging per call would be a cost of the configuration, not of the code.
    LOG_LEVEL: 'silent',
  };
}

function appProcess(handle: SubjectHandle<AppInfo>): AppProcess {
  return {
    heapAfterGc: () => handle.request<number>('heap'),
    cpuMs: () => handle.request<number>('cpu'),
  };
}

async function main(): Promise<SubjectResult> {
  const subject = process.argv[2] as SubjectName;
  const options = JSON.parse(process.argv[3] ?? '{}') as IvrBenchOptions;
  const settings = JSON.parse(process.argv[4] ?? '{}') as SubjectSettings;

  const { flow, audio } = await loadFlowAudio(FLOW_FILE);
  const promptSounds = Object.values(flow.prompts).map((p) => p.audio);
  const sounds = new MemorySoundCatalog(Object.fromEntries(promptSounds.map((s) => [s, 300])));
  const asterisk = await startSimulatedAsterisk({
    app: APP,
    ariPort: 0,
    amiPort: 0,
    sounds,
    msPerDigit: 10,
    waitTimeoutMs: 30_000,
    defaultDialBehaviour: { result: 'answer', afterMs: 20 },
  });
  let app: SubjectHandle<AppInfo> | null = null;
  try {
    // Before the application connects: the probe replaces the simulator's request log (see latency-probe.ts).
    const probe = new LatencyProbe(asterisk.control);
    app = await startSubject<AppInfo>(APP_FILE, { subject }, {
      label: `${subject} app process`,
      startTimeoutMs: APP_START_MS,
      env: appEnvironment(subject, asterisk, settings, options),
      ...(settings.cpuProfDir === undefined ? {} : { cpuProfDir: settings.cpuProfDir }),
      ...(settings.heapProfDir === undefined ? {} : { heapProfDir: settings.heapProfDir }),
    });
    await asterisk.control.waitForApp(APP);
    const behaviour: CallerBehaviour = {
      greetingMedia: `sound:${audio('greeting')}`,
      mainMenuMedia: `sound:${audio('main-menu')}`,
      reactMs: 0,
      digitGapMs: 150,
    };
    const driver = new CallerDriver(asterisk.control, behaviour, probe);
    const ctx = { driver, probe, sounds, behaviour, promptSounds, greetingSound: audio('greeting'), mainMenuSound: audio('main-menu'), app: appProcess(app) };
    const phases = async (): Promise<Omit<SubjectResult, 'pids'>> => {
      await warmUp(ctx, options.smoke ? 20 : 200);
      const levels: HoldResult[] = [];
      for (const calls of options.levels) levels.push(await holdPhase(ctx, options, calls));
      return { subject, levels, throughput: await throughputPhase(ctx, options) };
    };
    // An app process that dies fails the run at once, not when the callers' waits time out.
    const died = app.exited.then((how) => Promise.reject(new Error(`the ${subject} app process exited during the run (${how})`)));
    const result = await Promise.race([phases(), died]);
    return { ...result, pids: { app: app.info.pid, simulator: process.pid } };
  } finally {
    // The application first, as an operator stops the gateway before Asterisk; close() kills it if it hangs.
    await app?.close();
    await asterisk.close();
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
