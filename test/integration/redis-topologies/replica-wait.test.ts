// Given a master and its replica of the test's own and the gateway with REDIS_WAIT_REPLICAS=1, when a submission
// comes while the replica keeps up, then it is acknowledged as queued and the replica has its job; when the replica
// is stuck (SIGSTOP), then the submission is acknowledged as spooled (on the gateway's disk, and on the master), kept
// in the spool while the replica stays behind, and let go only once the replica has it. With REDIS_WAIT_REPLICAS=0
// the master's word is enough.

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, writeApiKeysFile } from '../../../src/adapters/api-keys/index.js';
import { createIntake } from '../../../src/adapters/intake/create-intake.js';
import { IntakeKeys } from '../../../src/adapters/intake/intake-keys.js';
import type { Harness } from '../gateway/harness.js';
import { startHarness } from '../gateway/harness.js';
import { RecordingLog } from '../../support/logs.js';
import { DATA_NODE_ARGS, freePorts, RedisProcess, waitUntil } from '../../support/redis-process.js';
import { singleRedis } from '../../support/redis.js';
import { postSubmission, queuedSubmissions } from './submission-load.js';

const PREFIX = `test-wait-${randomUUID().slice(0, 8)}`;

let dir: string;
let master: RedisProcess;
let replica: RedisProcess;
let replicaClient: Redis;
let apiKey: string;
let waiting: Harness;
let notWaiting: Harness;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'replica-wait-'));
  const [masterPort, replicaPort] = (await freePorts(2)) as [number, number];
  master = new RedisProcess(masterPort, join(dir, 'master'), DATA_NODE_ARGS);
  replica = new RedisProcess(replicaPort, join(dir, 'replica'), [...DATA_NODE_ARGS, '--replicaof', '127.0.0.1', String(masterPort)]);
  await master.start();
  await replica.start();
  replicaClient = new Redis({ port: replicaPort, maxRetriesPerRequest: 1 });
  await waitUntil('the replica in sync', async () => ((await replicaClient.info('replication')).includes('master_link_status:up') ? true : undefined), 10_000);

  const made = createApiKey({ name: 'wait', scopes: ['submit'], rateLimitPerMinute: 10_000 });
  apiKey = made.key;
  await writeApiKeysFile(join(dir, 'api-keys.json'), { keys: [made.entry] });
  const env = { REDIS_URL: `redis://${master.address}`, INTAKE_PREFIX: PREFIX, API_KEYS_FILE: join(dir, 'api-keys.json'), ACD: 'off' };
  waiting = await startHarness({ ...env, REDIS_WAIT_REPLICAS: '1', REDIS_WAIT_TIMEOUT: '300ms' });
  notWaiting = await startHarness(env);
}, 30_000);

afterAll(async () => {
  replica?.resume();
  await notWaiting?.close();
  await waiting?.close();
  replicaClient?.disconnect();
  await replica?.kill();
  await master?.kill();
  await rm(dir, { recursive: true, force: true });
});

/** The job of a submission, read on the replica itself (BullMQ keeps a job as the hash `{prefix}:intake:<job id>`). */
async function onReplica(id: string): Promise<boolean> {
  const bull = new IntakeKeys(PREFIX).bullPrefix;
  for (const key of await replicaClient.keys(`${bull}:intake:*`)) {
    if ((await replicaClient.type(key)) !== 'hash') continue;
    const data = await replicaClient.hget(key, 'data');
    if (data !== null && data.includes(`"id":"${id}"`)) return true;
  }
  return false;
}

describe('REDIS_WAIT_REPLICAS=1', () => {
  it('acknowledges a submission as queued once the replica has it', async () => {
    const answer = await postSubmission(waiting.gateway.httpUrl, apiKey, 'wait-1', 'The bus stop sign on Dongdan Street fell over');
    expect(answer).toMatchObject({ status: 201, durability: 'queued' });
    expect(await onReplica(answer.id ?? '')).toBe(true);
  });

  it('spools what the replica does not confirm in time, keeps it while the replica lags, and lets go once it has it', async () => {
    replica.pause();
    const answer = await postSubmission(waiting.gateway.httpUrl, apiKey, 'wait-2', 'Water has been leaking from the pipe under the bridge for days');
    // On the master and on the gateway's disk, and the citizen is told which.
    expect(answer).toMatchObject({ status: 201, durability: 'spooled' });
    expect(waiting.gateway.intake.spooled()).toBe(1);
    expect((await queuedSubmissions(waiting.gateway.config.redis, PREFIX)).map((s) => s.id)).toContain(answer.id);

    // Forwarding while the replica is stuck adds nothing twice and gives nothing up.
    const forwarder = waiting.gateway.intake.intake.forwarder;
    forwarder.kick();
    await forwarder.idle();
    expect(waiting.gateway.intake.spooled()).toBe(1);

    replica.resume();
    forwarder.kick();
    await waitUntil('the spool to be let go', async () => (waiting.gateway.intake.spooled() === 0 ? true : undefined), 10_000);
    expect(await onReplica(answer.id ?? '')).toBe(true);
    expect((await queuedSubmissions(waiting.gateway.config.redis, PREFIX)).filter((s) => s.id === answer.id)).toHaveLength(1);
    // A retry finds it queued.
    expect(await postSubmission(waiting.gateway.httpUrl, apiKey, 'wait-2', 'Water has been leaking from the pipe under the bridge for days')).toMatchObject({
      status: 200,
      id: answer.id,
      durability: 'queued',
    });
  });
});

describe('REDIS_WAIT_REPLICAS above the replicas there are', () => {
  it('is said at start, since every submission would wait and be spooled', async () => {
    const recorded = new RecordingLog();
    const created = await createIntake({
      redis: singleRedis(`redis://${master.address}`),
      durability: { waitReplicas: 2, waitTimeoutMs: 100 },
      prefix: `${PREFIX}-two`,
      dataDir: join(dir, 'two'),
      log: recorded.log,
    });
    await created.close();
    expect(recorded.lines.find((l) => l.msg.startsWith('REDIS_WAIT_REPLICAS is more than the replicas'))).toMatchObject({ level: 'warn', fields: { waitReplicas: 2, replicas: 1 } });
  });
});

describe('REDIS_WAIT_REPLICAS=0', () => {
  it("acknowledges on the master's word, replica or not", async () => {
    replica.pause();
    try {
      const answer = await postSubmission(notWaiting.gateway.httpUrl, apiKey, 'nowait-1', 'Street vendors block the fire lane every evening');
      expect(answer).toMatchObject({ status: 201, durability: 'queued' });
    } finally {
      replica.resume();
    }
  });
});
