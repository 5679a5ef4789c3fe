// Given calls in the IVR, when the ARI link drops, the gateway process dies or is stopped, then no caller
// is left in silence: the gateway picks the calls up again or the dialplan takes them over.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import { IntakeKeys } from '../../../src/adapters/intake/intake-keys.js';
import { startSimulatedAsterisk } from '../../../src/simulator/simulated-asterisk.js';
import type { SimulatedAsterisk } from '../../../src/simulator/simulated-asterisk.js';
import { dropIntake } from '../../support/intake.js';
import { freePort } from '../../support/net.js';
import { REDIS_URL } from '../../support/redis.js';
import type { Harness } from './harness.js';
import { FLOW_FILE, heard, hotlineSounds, startHarness } from './harness.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function harness(...args: Parameters<typeof startHarness>): Promise<Harness> {
  const h = await startHarness(...args);
  cleanups.push(() => h.close());
  return h;
}

describe('ARI link loss', () => {
  it('a playback that ended while the socket was down is caught up after reconnecting', async () => {
    const h = await harness({}, { simulator: { sounds: hotlineSounds(600) } });
    const channelId = await h.call();
    // The greeting's PlaybackFinished happens while no socket is connected, so Asterisk never delivers it.
    h.sim.dropWebSockets({ refuseMs: 900 });
    await h.sim.waitForPlayback(channelId, 'sound:hotline/greeting', { finished: true });
    await h.sim.waitForApp('ivr-12345', 10_000);
    await h.sim.waitForPlayback(channelId, 'sound:hotline/main-menu', { timeoutMs: 10_000 });
    await h.sim.sendDigits(channelId, '2');
    expect((await h.sim.waitForContinue(channelId)).extension).toBe('queue');
    expect(await (await fetch(`${h.gateway.httpUrl}/metrics`)).text()).toMatch(/hotline_ari_connected 1/);
  }, 20_000);

  it('the AMI fail-safe moves calls stranded in Stasis to the dialplan menu while ARI stays down', async () => {
    const h = await harness({}, { failsafeGraceMs: 300, simulator: { sounds: hotlineSounds(200) } });
    const channelId = await h.call();
    h.sim.dropWebSockets({ refuseMs: 60_000 });
    const where = await h.sim.waitForContinue(channelId, 10_000);
    expect(where).toMatchObject({ context: 'ivr-fallback', extension: 'menu' });
    const ready = await fetch(`${h.gateway.httpUrl}/readyz`);
    expect(ready.status).toBe(503);
  }, 20_000);
});

/** Where a spawned gateway keeps its state: its own key prefix and data directory, shared by its restarts. */
interface GatewayHome {
  readonly prefix: string;
  readonly dataDir: string;
}

async function gatewayHome(): Promise<GatewayHome> {
  const home = { prefix: `test-resilience-${randomUUID().slice(0, 8)}`, dataDir: await mkdtemp(join(tmpdir(), 'resilience-')) };
  cleanups.push(() => dropIntake(home.prefix, home.dataDir));
  return home;
}

/** The gateway as its own process (`hotline-gateway serve`) against an Asterisk it does not own. */
async function spawnGateway(asterisk: SimulatedAsterisk, home: GatewayHome): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    env: {
      ...process.env,
      // Never the production defaults (`hotline`, ./data): the shared Redis and the checkout stay untouched.
      REDIS_URL,
      INTAKE_PREFIX: home.prefix,
      DATA_DIR: home.dataDir,
      API_KEYS_FILE: join(home.dataDir, 'api-keys.json'),
      SMTP_ACCEPT: '',
      WECHAT_TOKEN: '',
      ARI_URL: asterisk.ariUrl,
      ARI_USERNAME: asterisk.credentials.ari.username,
      ARI_PASSWORD: asterisk.credentials.ari.password,
      AMI_HOST: '127.0.0.1',
      AMI_PORT: String(asterisk.amiPort),
      AMI_USERNAME: asterisk.credentials.ami.username,
      AMI_SECRET: asterisk.credentials.ami.secret,
      HTTP_PORT: String(await freePort()),
      HTTP_HOST: '127.0.0.1',
      IVR_FLOW: FLOW_FILE,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // What the process said on stderr (start-up errors, warnings) is shown when the test fails.
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  onTestFailed(() => {
    if (stderr !== '') console.error(`gateway process ${child.pid ?? '?'} stderr:\n${stderr}`);
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
  return child;
}

// Limits on waiting, not expectations of speed: a gateway process compiles its TypeScript (tsx) as it starts, which
// took over 15 s with the whole suite running on a loaded 2-core machine.
const PROCESS_START_MS = 60_000;
const STEP_MS = 30_000;

describe('gateway process', () => {
  async function asteriskWithCallInMenu(): Promise<{ asterisk: SimulatedAsterisk; home: GatewayHome; channelId: string; gateway: ChildProcess }> {
    const home = await gatewayHome();
    const asterisk = await startSimulatedAsterisk({ sounds: hotlineSounds(), msPerDigit: 5 });
    cleanups.push(() => asterisk.close());
    const gateway = await spawnGateway(asterisk, home);
    await asterisk.control.waitForApp('ivr-12345', PROCESS_START_MS);
    const { channelId } = asterisk.control.placeCall({ from: '13812345678' });
    await asterisk.control.waitForPlayback(channelId, 'sound:hotline/main-menu', { finished: true, timeoutMs: STEP_MS });
    return { asterisk, home, channelId, gateway };
  }

  it('restarted mid-call (killed), the new process hands the orphaned call to the dialplan menu', async () => {
    const { asterisk, home, channelId, gateway } = await asteriskWithCallInMenu();
    gateway.kill('SIGKILL');
    await new Promise((resolve) => gateway.once('exit', resolve));
    // Asterisk keeps the caller in Stasis, in silence, until someone acts.
    expect(asterisk.control.channel(channelId)?.app).toBe('ivr-12345');
    await spawnGateway(asterisk, home);
    const where = await asterisk.control.waitForContinue(channelId, PROCESS_START_MS);
    expect(where).toMatchObject({ context: 'ivr-fallback', extension: 'menu' });
  }, 2 * PROCESS_START_MS + 2 * STEP_MS);

  it('stopped with SIGTERM mid-call, it hands the call to the dialplan menu and exits cleanly', async () => {
    const { asterisk, home, channelId, gateway } = await asteriskWithCallInMenu();
    // Its ticket numbers were leased under the test's own prefix, not the production one.
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    cleanups.push(async () => void (await redis.quit()));
    expect(await redis.exists(new IntakeKeys(home.prefix).ticketSequence)).toBe(1);
    const exited = new Promise<number | null>((resolve) => gateway.once('exit', (code) => resolve(code)));
    gateway.kill('SIGTERM');
    const where = await asterisk.control.waitForContinue(channelId, STEP_MS);
    expect(where).toMatchObject({ context: 'ivr-fallback', extension: 'menu' });
    expect(await exited).toBe(0);
    expect(heard(asterisk.control, channelId)).toContain('zh:sound:hotline/main-menu');
  }, PROCESS_START_MS + 3 * STEP_MS);
});
