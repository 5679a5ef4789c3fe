// Given the gateway on a Redis Cluster of the test's own and a steady load of /v1 submissions, when the master
// holding `{INTAKE_PREFIX}` is killed (SIGKILL), then its replica takes the slot over, the gateway finds it, and
// every submission that was answered 2xx is in the intake queue afterwards: those answered while the slot had no
// master were spooled on the gateway's disk (and said so), none got an error, and a retry still finds its ticket.

import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, writeApiKeysFile } from '../../../src/adapters/api-keys/index.js';
import type { Harness } from '../gateway/harness.js';
import { startHarness } from '../gateway/harness.js';
import { RedisClusterFixture } from '../../support/redis-cluster.js';
import { waitUntil } from '../../support/redis-process.js';
import { postSubmission, queuedSubmissions, SubmissionLoad } from './submission-load.js';

const PREFIX = `test-failover-${randomUUID().slice(0, 8)}`;

let cluster: RedisClusterFixture;
let h: Harness;
let apiKey: string;
/** Holds the API keys file the gateways read. */
let keysDir: string;

beforeAll(async () => {
  cluster = await RedisClusterFixture.start();
  keysDir = mkdtempSync(join(tmpdir(), 'cluster-failover-'));
  const made = createApiKey({ name: 'load', scopes: ['submit'], rateLimitPerMinute: 1_000_000 });
  apiKey = made.key;
  await writeApiKeysFile(join(keysDir, 'api-keys.json'), { keys: [made.entry] });
  h = await startHarness({ ...cluster.env, INTAKE_PREFIX: PREFIX, API_KEYS_FILE: join(keysDir, 'api-keys.json'), FAIR_USE_KEY_PER_HOUR: '1000000', ACD: 'off' });
}, 30_000);

afterAll(async () => {
  await h?.close();
  await cluster?.close();
  if (keysDir !== undefined) await rm(keysDir, { recursive: true, force: true });
});

describe('a cluster master dies under load', () => {
  it('loses no acknowledged submission: the replica takes over and what came meanwhile is spooled, then queued', async () => {
    const slot = await cluster.slotOf(`{${PREFIX}}`);
    const master = await cluster.masterOf(slot);
    const load = new SubmissionLoad(h.gateway.httpUrl, apiKey, 'cluster');
    load.start();
    await load.more(30);

    await master.kill();
    const promoted = await cluster.waitFailover(slot, master);
    expect(promoted).not.toBe(master);
    // The gateway finds the new master: submissions are queued again, not spooled.
    await waitUntil('a submission queued on the new master', async () => (load.answers.slice(-6).every((a) => a.durability === 'queued') ? true : undefined), 20_000);
    const answers = await load.stop();

    // Nobody was turned away and nobody was left without an answer; some came while the slot had no master.
    expect(answers.filter((a) => a.status !== 201)).toEqual([]);
    const spooled = answers.filter((a) => a.durability === 'spooled');
    expect(spooled.length).toBeGreaterThan(0);

    // The spool is forwarded to the new master: every acknowledged submission is in the queue, once.
    await waitUntil('the spool to be forwarded', async () => (h.gateway.intake.spooled() === 0 ? true : undefined), 20_000);
    const inQueue = await queuedSubmissions(h.gateway.config.redis, PREFIX);
    const ids = inQueue.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    const missing = answers.filter((a) => !ids.includes(a.id ?? ''));
    expect(missing).toEqual([]);

    // A citizen retrying a request that was spooled during the failover gets the ticket they were given.
    const retried = spooled[0];
    const again = await postSubmission(h.gateway.httpUrl, apiKey, retried?.idempotencyKey ?? '', retried?.text ?? '');
    expect(again).toMatchObject({ status: 200, id: retried?.id, ticket: retried?.ticket, durability: 'queued' });
  }, 50_000);
});
