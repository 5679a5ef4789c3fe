// A real gateway HTTP server with the v1 routes over real components: the Redis/BullMQ intake under a random
// prefix, the content-addressed store in a temp dir, keys from a real keys file. Torn down (keys deleted) after.

import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { Job } from 'bullmq';
import { createApiKey, FileApiKeys, writeApiKeysFile } from '../../../src/adapters/api-keys/index.js';
import type { ApiKeyEntry } from '../../../src/adapters/api-keys/index.js';
import { ContentStore } from '../../../src/adapters/attachments/content-store.js';
import { apiV1Routes } from '../../../src/adapters/http/api-v1/index.js';
import type { ApiV1Limits } from '../../../src/adapters/http/api-v1/index.js';
import { buildHttpServer } from '../../../src/adapters/http/index.js';
import { testCaseAccess } from '../../support/case-access.js';
import { loadDispositions } from '../../../src/adapters/flow/load-dispositions.js';
import { createIntake } from '../../../src/adapters/intake/create-intake.js';
import { GatewayMetrics } from '../../../src/adapters/metrics/index.js';
import type { ApiKeyScope } from '../../../src/app/intake/api-keys.js';
import type { FairUsePolicy } from '../../../src/app/limits/fair-use.js';
import type { Submission } from '../../../src/domain/intake/submission.js';
import { capturedLogger } from '../../support/logs.js';
import { redisGuard } from '../../support/guard.js';
import type { RedisGuard } from '../../support/guard.js';
import { dropIntake } from '../../support/intake.js';
import { REDIS_URL, singleRedis } from '../../support/redis.js';

/** A real 1x1 PNG. */
export const PNG_BYTES = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
/** A real JPEG (CPython's imghdr test image, 543 bytes). */
export const JPEG_BYTES = Buffer.from(
  [
    '/9j/4AAQSkZJRgABAQEAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/',
    '2wBDAQMDAwQDBAgEBAgQCwkLEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBD/wAARCAAQABADASIAAhEBAxEB/8QA',
    'FgABAQEAAAAAAAAAAAAAAAAABwQF/8QAJBAAAQQBBAICAwAAAAAAAAAAAQIDBAYFBwgSExEiABQJMTL/xAAVAQEBAAAAAAAAAAAAAAAAAAAABv/EACMRAAEC',
    'BQMFAAAAAAAAAAAAAAECEQMEBQYhABIxFRZhgeH/2gAMAwEAAhEDEQA/ABSm0mobc8HmExLUlRzzEWPkJWW+ulrsaUVAseUgslSlH9LKuPryIKuWPZdskzXm',
    'm3fX5m2nF4GlVxx/HOpx4ks51+MiU/Iaad7UcUo4tILoS4kqcWkezS0hO/HvuRp0rO6hWnWO1UisZVuFi4GFeyEpmGepa5S5SWVPuciFKRFLgSrwetnyPIB+',
    'Vb4N9mKhQMzo5po9XLdDs9d6ZVix2VEhiL9kuNPxw2gEKcDQ/rs8AuA8VAe0vdl7VOYn+27flGAUgmITjbhSmCg3BYlyeWDkMolvw4KOp1KM6iCNvngZHwet',
    'f//Z',
  ].join(''),
  'base64',
);

export interface KeySpec {
  readonly scopes: readonly ApiKeyScope[];
  readonly rate?: number;
  readonly revoked?: boolean;
}

export interface Harness<K extends string> {
  readonly url: string;
  /** The presented key for each named spec. */
  readonly keys: Record<K, string>;
  readonly entries: Record<K, ApiKeyEntry>;
  readonly dataDir: string;
  readonly logText: () => string;
  /** The submission job intake queued for this id, if any. */
  jobFor(id: string): Promise<Job<Submission> | undefined>;
  close(): Promise<void>;
}

export const DEFAULT_LIMITS: ApiV1Limits = { bodyBytes: 64 * 1024, fileBytes: 256 * 1024, files: 3 };

export async function startApiV1<K extends string>(
  specs: Record<K, KeySpec>,
  options: {
    readonly limits?: ApiV1Limits;
    readonly unauthenticatedPerMinute?: number;
    /** Where intake finds Redis: a dead address makes it spool. */
    readonly intakeRedisUrl?: string;
    /** Fair-use budgets (default: more than any test uses). */
    readonly policy?: FairUsePolicy;
  } = {},
): Promise<Harness<K>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'api-v1-'));
  const prefix = `t-apiv1-${randomUUID()}`;
  const limits = options.limits ?? DEFAULT_LIMITS;

  const keys = {} as Record<K, string>;
  const entries = {} as Record<K, ApiKeyEntry>;
  for (const [name, spec] of Object.entries(specs) as [K, KeySpec][]) {
    const created = createApiKey({ name, scopes: spec.scopes, ...(spec.rate === undefined ? {} : { rateLimitPerMinute: spec.rate }) });
    keys[name] = created.key;
    entries[name] = { ...created.entry, revoked: spec.revoked ?? false };
  }
  const keysFile = join(dataDir, 'api-keys.json');
  await writeApiKeysFile(keysFile, { keys: Object.values(entries) });

  const logs = capturedLogger('debug');
  const log = logs.log;
  const created = await createIntake({
    redis: singleRedis(options.intakeRedisUrl ?? REDIS_URL),
    prefix,
    dataDir,
    log,
    ...(options.intakeRedisUrl === undefined ? {} : { connectWaitMs: 100 }),
  });
  const guarded: RedisGuard = await redisGuard(await FileApiKeys.load(keysFile), prefix, { log, ...(options.policy === undefined ? {} : { policy: options.policy }) });
  const server = buildHttpServer({
    log,
    metrics: new GatewayMetrics({ processMetrics: false }),
    readiness: () => ({ redis: created.connected() }),
    openApi: { version: '0.0.0-test' },
    routes: [
      apiV1Routes({
        intake: created.intake,
        access: testCaseAccess(created.intake, { keys: created.caseKeys, log }),
        dispositions: await loadDispositions('ivr-flows/dispositions.yaml'),
        attachments: new ContentStore({ dir: join(dataDir, 'attachments'), maxBytes: limits.fileBytes }),
        guard: guarded.guard,
        flags: guarded.limits.desk,
        limits,
        ...(options.unauthenticatedPerMinute === undefined ? {} : { unauthenticatedPerMinute: options.unauthenticatedPerMinute }),
      }),
    ],
  });
  const { url } = await server.listen(0, '127.0.0.1');
  const queue = new Queue<Submission>(created.queueName, { connection: { url: REDIS_URL }, prefix: created.queuePrefix });

  return {
    url,
    keys,
    entries,
    dataDir,
    logText: logs.text,
    async jobFor(id) {
      const jobs = await queue.getJobs(['waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed']);
      return jobs.find((job) => job.data.id === id);
    },
    async close() {
      await server.close();
      await guarded.limits.close();
      await queue.close();
      await created.close();
      await dropIntake(prefix, dataDir);
    },
  };
}

export function auth(key: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${key}`, ...extra };
}

export function json(key: string, extra: Record<string, string> = {}): Record<string, string> {
  return auth(key, { 'content-type': 'application/json', ...extra });
}
