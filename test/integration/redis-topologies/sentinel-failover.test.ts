// Given the gateway on a master and replica watched by three sentinels of the test's own, with
// REDIS_WAIT_REPLICAS=1, a steady load of /v1 submissions and a caller in the IVR, when the master is killed
// (SIGKILL), then the caller in the IVR and a new caller both reach their emergency lines while Redis has no master,
// the sentinels promote the replica and the gateway follows it, submissions are spooled (and say so) until the new
// master has a replica again, and every submission answered 2xx is in the intake queue afterwards.

import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, writeApiKeysFile } from '../../../src/adapters/api-keys/index.js';
import type { Harness } from '../gateway/harness.js';
import { startHarness } from '../gateway/harness.js';
import { waitUntil } from '../../support/redis-process.js';
import { RedisSentinelFixture } from '../../support/redis-sentinel.js';
import { queuedSubmissions, SubmissionLoad } from './submission-load.js';

const PREFIX = `test-sentinel-${randomUUID().slice(0, 8)}`;

let topology: RedisSentinelFixture;
let h: Harness;
let apiKey: string;
/** Holds the API keys file the gateways read. */
let keysDir: string;

beforeAll(async () => {
  topology = await RedisSentinelFixture.start();
  keysDir = mkdtempSync(join(tmpdir(), 'sentinel-failover-'));
  const made = createApiKey({ name: 'load', scopes: ['submit'], rateLimitPerMinute: 1_000_000 });
  apiKey = made.key;
  await writeApiKeysFile(join(keysDir, 'api-keys.json'), { keys: [made.entry] });
  h = await startHarness({
    ...topology.env,
    INTAKE_PREFIX: PREFIX,
    API_KEYS_FILE: join(keysDir, 'api-keys.json'),
    FAIR_USE_KEY_PER_HOUR: '1000000',
    REDIS_WAIT_REPLICAS: '1',
    // Long enough that a loaded machine's replica still acknowledges in time once it is back: the test waits for the
    // answers to say "queued" again, which one late acknowledgement would turn back to "spooled".
    REDIS_WAIT_TIMEOUT: '2s',
  });
}, 30_000);

afterAll(async () => {
  await h?.close();
  await topology?.close();
  if (keysDir !== undefined) await rm(keysDir, { recursive: true, force: true });
});

async function bridgedTo(channelId: string): Promise<string | null> {
  const bridge = await h.sim.waitForBridgeWith(channelId, 10_000);
  return h.sim.channel(bridge.channelIds.find((id) => id !== channelId) ?? '')?.dialstring ?? null;
}

describe('the Sentinel-managed master dies under load', () => {
  it('keeps calls and emergencies going, spools while no replica confirms, and loses no acknowledged submission', async () => {
    const master = await topology.master();
    const load = new SubmissionLoad(h.gateway.httpUrl, apiKey, 'sentinel');
    load.start();
    await load.more(30);
    expect(load.answers.every((a) => a.durability === 'queued')).toBe(true);
    const inMenu = await h.call('13911112222');

    await master.kill();
    // The IVR and emergency forwarding do not wait for Redis: a caller already in the menu and a new one both reach
    // their line while the sentinels are still deciding.
    await h.sim.sendDigits(inMenu, '11');
    const arriving = await h.call('13922223333');
    await h.sim.sendDigits(arriving, '12');
    expect(await bridgedTo(inMenu)).toBe('110@psap-police');
    expect(await bridgedTo(arriving)).toBe('119@psap-fire');
    h.sim.hangup(inMenu);
    h.sim.hangup(arriving);

    const promoted = await topology.waitFailover(master);
    // No replica confirms on the new master yet: what comes now is spooled, and says so.
    await load.more(12);
    await waitUntil('submissions spooled while the new master has no replica', async () => (load.answers.slice(-6).every((a) => a.durability === 'spooled') ? true : undefined), 10_000);

    // While no replica confirms, the load's submissions pile up in the spool; on a loaded machine a replica fed the
    // spool's forwarding and a full-speed load at once can stay seconds behind for long. So the load stops here, and
    // a lighter one (its own idempotency keys) judges whether submissions are queued again once the replica is back.
    const failoverAnswers = await load.stop();
    // The old master comes back as the new one's replica: submissions are queued again and the spool drains.
    await topology.restartAsReplica(master, promoted);
    const after = new SubmissionLoad(h.gateway.httpUrl, apiKey, 'sentinel-after');
    after.start(2);
    // The replica's full resynchronisation comes first, then the spool's forwarding; on a loaded machine that takes a while.
    await waitUntil('submissions queued again', async () => (after.answers.length >= 6 && after.answers.slice(-6).every((a) => a.durability === 'queued') ? true : undefined), 60_000).catch(async (err: unknown) => {
      const last = after.answers.slice(-10).map((a) => `${a.status} ${a.durability ?? '-'}`);
      throw new Error(`${String(err)}\n${after.answers.length} answers since the replica came back (${failoverAnswers.length} before), the last: ${last.join(', ')}; ${h.gateway.intake.spooled()} spooled\n${await topology.describe()}`);
    });
    const answers = [...failoverAnswers, ...(await after.stop())];
    expect(answers.filter((a) => a.status !== 201)).toEqual([]);

    await waitUntil('the spool to be forwarded', async () => (h.gateway.intake.spooled() === 0 ? true : undefined), 45_000);
    const ids = (await queuedSubmissions(h.gateway.config.redis, PREFIX)).map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(answers.filter((a) => !ids.includes(a.id ?? ''))).toEqual([]);
  }, 180_000);
});
