// Builds the durable intake for the composition root: two fail-fast Redis connections (records and queue), the
// local spool under `<dataDir>/spool`, the ticket lease, and the service, with the spool forwarded at start-up
// and whenever Redis becomes ready again.

import type { Config } from '../../config/index.js';
import type { RedisDurability, RedisTarget } from '../../config/types.js';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Log } from '../../app/app-ports.js';
import { CachedCaseKeys } from '../../app/access/case-keys.js';
import type { CaseKeySource } from '../../app/access/case-keys.js';
import { IntakeService } from '../../app/intake/intake-service.js';
import { RecordRetention } from '../../app/intake/record-retention.js';
import type { ExpiringFiles } from '../../app/intake/record-retention.js';
import { TicketLease } from '../../app/intake/ticket-lease.js';
import type { Clock } from '../../app/ports.js';
import { systemClock } from '../../app/ports.js';
import { closeRedis, failFastRedis, untilReady } from '../redis/fail-fast-redis.js';
import { ReplicaWait } from '../redis/replica-wait.js';
import { createProfiles } from '../identity/create-profiles.js';
import type { CitizenProfiles } from '../identity/create-profiles.js';
import { BullmqIntakeQueue } from './bullmq-intake-queue.js';
import { ConfiguredCaseSecret, RedisCaseSecret } from './case-secret.js';
import type { RemoveFinishedJobs } from './bullmq-intake-queue.js';
import { FileSpool } from './file-spool.js';
import { INTAKE_QUEUE_NAME, IntakeKeys } from './intake-keys.js';
import { RedisIntakeStore } from './redis-intake-store.js';
import { RedisTicketBlocks } from './redis-ticket-lease.js';
import type { TicketShard } from '../../domain/access/ticket-shard.js';

const DAY_SECONDS = 86_400;
const DEFAULT_RECORD_RETENTION_DAYS = 400;

export interface CreateIntakeOptions {
  readonly redis: RedisTarget;
  /** REDIS_WAIT_REPLICAS and REDIS_WAIT_TIMEOUT: a job counts as queued once this many replicas have it (default 0: the master). */
  readonly durability?: RedisDurability;
  /** Key prefix; all keys become `{prefix}:...` (one Redis Cluster slot). */
  readonly prefix: string;
  /** The spool lives in `<dataDir>/spool`. */
  readonly dataDir: string;
  readonly log: Log;
  /** Ticket numbers reserved per Redis round trip (default 1000). */
  readonly ticketBlock?: number;
  /** This intake's shard among a deployment's (`INTAKE_SHARD`); default the only one. */
  readonly ticketShard?: TicketShard;
  /** `CASE_SECRET`: the secret behind tickets and PINs; unset, one kept in Redis (`{prefix}:case-secret`) is used. */
  readonly caseSecret?: string;
  /** How long a dedup key is remembered, also after its job was removed (`INTAKE_IDEMPOTENCY_TTL`, default 30 days). */
  readonly idempotencyTtlMs?: number;
  /** Records unchanged this long are deleted (`INTAKE_RECORD_RETENTION`, default 400 days). */
  readonly recordRetentionMs?: number;
  /** Between retention sweeps (default 1 hour; the first runs a minute after start). */
  readonly retentionSweepMs?: number;
  /** Files that go by the records' retention (attachments, raw mail). */
  readonly expiringFiles?: readonly ExpiringFiles[];
  /** BullMQ `removeOnComplete` for intake jobs (default: keep 1 day, at most 10000). */
  readonly removeOnComplete?: RemoveFinishedJobs;
  /** BullMQ `removeOnFail` for intake jobs (default: keep 30 days). */
  readonly removeOnFail?: RemoveFinishedJobs;
  /** Between sweeps for accepted submissions no citizen profile took yet (default 60 s). */
  readonly profileSweepMs?: number;
  /** A Redis command slower than this counts as Redis being down (default 2000 ms). */
  readonly commandTimeoutMs?: number;
  /** `Retry-After` when neither Redis nor the spool can take a submission (default 30 s). */
  readonly retryAfterSeconds?: number;
  /** Wait before forwarding the spool again after a failed attempt (default 2000 ms). */
  readonly forwardRetryMs?: number;
  /** A claim still pending after this long lost its submit (gateway crash) and gets queued (default 30 s). */
  readonly stalledClaimMs?: number;
  /** How often to look for such claims (default 60 s). */
  readonly sweepMs?: number;
  /** How long start-up waits for Redis before starting anyway, spooling (default 3000 ms). */
  readonly connectWaitMs?: number;
  readonly clock?: Clock;
}

export interface CreatedIntake {
  readonly intake: IntakeService;
  /** The keys tickets and PINs are made with (the same on every replica). */
  readonly caseKeys: CaseKeySource;
  /** The BullMQ queue name (`intake`); its key prefix is `queuePrefix`. */
  readonly queueName: string;
  readonly queuePrefix: string;
  /** Both Redis connections are ready (for `/readyz`; intake keeps accepting into the spool when not). */
  connected(): boolean;
  /** Citizen profiles on the records' connection: wrap `intake` in `LinkingIntake` with `profiles.linker`. */
  readonly profiles: CitizenProfiles;
  /** Submissions waiting in the local spool for Redis (a gauge worth exporting). */
  spooled(): number;
  /** Runs a retention sweep now (one also runs every hour): resolves with how many records were deleted. */
  purgeExpired(): Promise<number>;
  /** Stops forwarding, lets pending spool writes finish, and closes the connections. */
  close(): Promise<void>;
}

/**
 * Random bytes for ULIDs from a pool filled 4 KiB at a time: one call into the CSPRNG per ~400 submissions instead
 * of one each. The bytes are just as random; ULIDs are not secrets anyway.
 */
function pooledRandomBytes(poolSize = 4096): (size: number) => Uint8Array {
  let pool = randomBytes(poolSize);
  let offset = 0;
  return (size) => {
    if (size > poolSize) return randomBytes(size);
    if (offset + size > poolSize) {
      pool = randomBytes(poolSize);
      offset = 0;
    }
    offset += size;
    return pool.subarray(offset - size, offset);
  };
}

/** The options the gateway's configuration gives: one place, so the gateway and the benchmarks build the same intake. */
export function intakeOptionsFrom(config: Pick<Config, 'redis' | 'intake'>, log: Log): CreateIntakeOptions {
  return {
    redis: config.redis,
    durability: { waitReplicas: config.redis.waitReplicas, waitTimeoutMs: config.redis.waitTimeoutMs },
    prefix: config.intake.prefix,
    dataDir: config.intake.dataDir,
    // `createIntake` names the component itself: a child here too would print `component` twice on every line.
    log,
    ticketBlock: config.intake.ticketBlock,
    ticketShard: config.intake.ticketShard,
    ...(config.intake.caseSecret === undefined ? {} : { caseSecret: config.intake.caseSecret }),
    idempotencyTtlMs: config.intake.idempotencyTtlMs,
    recordRetentionMs: config.intake.recordRetentionMs,
  };
}

export async function createIntake(options: CreateIntakeOptions): Promise<CreatedIntake> {
  const log = options.log.child({ component: 'intake' });
  const keys = new IntakeKeys(options.prefix);
  const ttlMs = options.idempotencyTtlMs ?? 30 * DAY_SECONDS * 1000;
  if (!Number.isFinite(ttlMs) || ttlMs < 1000) throw new RangeError(`idempotency TTL must be at least one second, got ${ttlMs} ms`);
  const ttlSeconds = Math.ceil(ttlMs / 1000);
  const ticketBlock = options.ticketBlock ?? 1000;
  if (!Number.isSafeInteger(ticketBlock) || ticketBlock < 1) throw new RangeError(`ticket block must be a positive integer, got ${ticketBlock}`);
  const commandTimeout = options.commandTimeoutMs ?? 2000;
  const retryAfterSeconds = options.retryAfterSeconds ?? 30;
  const clock = options.clock ?? systemClock;

  const spool = await FileSpool.open(join(options.dataDir, 'spool'), log.child({ part: 'spool' }));
  // Not ioredis auto-pipelining: it batches only within one tick, and each HTTP request is its own tick, so it
  // cost more CPU than it saved (`npm run bench -- intake`). The store and the queue batch per event-loop turn.
  const waitReplicas = options.durability?.waitReplicas ?? 0;
  const waitTimeoutMs = options.durability?.waitTimeoutMs ?? 1000;
  const storeConnection = failFastRedis(options.redis, { name: 'records', log, commandTimeoutMs: commandTimeout });
  // The WAIT after each batch of jobs takes up to its own timeout on the queue's connection, on top of the commands.
  const queueConnection = failFastRedis(options.redis, { name: 'queue', log, commandTimeoutMs: commandTimeout + (waitReplicas > 0 ? waitTimeoutMs : 0) });
  const replicas = waitReplicas > 0 ? new ReplicaWait(queueConnection, { replicas: waitReplicas, timeoutMs: waitTimeoutMs, probeKey: keys.replicaProbe }) : null;
  const queue = new BullmqIntakeQueue(
    queueConnection,
    {
      prefix: keys.bullPrefix,
      dedupTtlMs: ttlSeconds * 1000,
      removeOnComplete: options.removeOnComplete ?? { age: DAY_SECONDS, count: 10_000 },
      removeOnFail: options.removeOnFail ?? { age: 30 * DAY_SECONDS },
      ...(replicas === null ? {} : { replicas }),
    },
    log,
  );
  const caseKeys = new CachedCaseKeys(
    options.caseSecret === undefined ? new RedisCaseSecret(storeConnection, keys.caseSecret) : new ConfiguredCaseSecret(options.caseSecret),
  );
  const tickets = new TicketLease(
    new RedisTicketBlocks(storeConnection, keys.ticketSequence),
    caseKeys,
    { blockSize: ticketBlock, retryAfterSeconds, ...(options.ticketShard === undefined ? {} : { shard: options.ticketShard }) },
    clock,
    log,
  );
  const store = new RedisIntakeStore(storeConnection, keys, { idempotencyTtlSeconds: ttlSeconds, now: () => clock.now() });
  const profiles = createProfiles(storeConnection, keys, clock, log.child({ part: 'profiles' }), {
    ...(options.profileSweepMs === undefined ? {} : { sweepMs: options.profileSweepMs }),
  });
  const retention = new RecordRetention(store, clock, log.child({ part: 'retention' }), {
    profiles: { purgeOlderThan: (cutoffMs) => profiles.retention.purge(cutoffMs) },
    retentionMs: options.recordRetentionMs ?? DEFAULT_RECORD_RETENTION_DAYS * DAY_SECONDS * 1000,
    ...(options.retentionSweepMs === undefined ? {} : { everyMs: options.retentionSweepMs, firstAfterMs: options.retentionSweepMs }),
    ...(options.expiringFiles === undefined ? {} : { files: options.expiringFiles }),
  });
  const intake = new IntakeService(
    {
      store,
      queue,
      spool,
      tickets,
      clock,
      randomBytes: pooledRandomBytes(),
      log,
    },
    {
      retryAfterSeconds,
      forwardRetryMs: options.forwardRetryMs ?? 2000,
      ...(options.stalledClaimMs !== undefined ? { stalledClaimMs: options.stalledClaimMs } : {}),
      ...(options.sweepMs !== undefined ? { sweepMs: options.sweepMs } : {}),
    },
  );

  const connectWaitMs = options.connectWaitMs ?? 3000;
  const [storeReady, queueReady] = await Promise.all([untilReady(storeConnection, connectWaitMs), untilReady(queueConnection, connectWaitMs)]);
  if (replicas !== null && queueReady) await warnWithoutReplicas(replicas, waitReplicas, log);
  if (storeReady) {
    await tickets.prime().catch((err: unknown) => {
      log.warn({ err: (err as Error).message }, 'could not lease ticket numbers at start-up');
    });
  } else {
    log.warn({}, 'Redis not reachable at start-up: submissions go to the local spool until it is');
  }
  // Redis back (or reachable for the first time): forward what was spooled meanwhile, or by an earlier run.
  const kick = (): void => intake.forwarder.kick();
  storeConnection.on('ready', kick);
  queueConnection.on('ready', kick);
  intake.forwarder.kick();
  retention.start();
  profiles.linker.start();

  return {
    intake,
    caseKeys,
    queueName: INTAKE_QUEUE_NAME,
    queuePrefix: keys.bullPrefix,
    profiles,
    connected: () => storeConnection.status === 'ready' && queueConnection.status === 'ready',
    spooled: () => spool.size,
    purgeExpired: () => retention.sweep(),
    async close() {
      storeConnection.off('ready', kick);
      queueConnection.off('ready', kick);
      await retention.stop();
      await intake.close();
      await profiles.linker.stop();
      await spool.close();
      await queue.close();
      await Promise.all([closeRedis(storeConnection), closeRedis(queueConnection)]);
    },
  };
}

/** Said once at start: a master with fewer replicas than REDIS_WAIT_REPLICAS makes every submission wait and spool. */
async function warnWithoutReplicas(replicas: ReplicaWait, wanted: number, log: Log): Promise<void> {
  try {
    const present = await replicas.replicasNow();
    if (present < wanted) {
      log.warn(
        { waitReplicas: wanted, replicas: present },
        'REDIS_WAIT_REPLICAS is more than the replicas of the master holding the intake keys: every submission waits REDIS_WAIT_TIMEOUT and is spooled until enough replicas confirm',
      );
    }
  } catch (err) {
    log.debug({ err: (err as Error).message }, 'could not count the replicas of the master at start-up');
  }
}
