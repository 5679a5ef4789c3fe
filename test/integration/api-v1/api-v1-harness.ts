// A real gateway HTTP server with the v1 routes over real components: the Redis/BullMQ intake under a random
// prefix, the content-addressed store in a temp dir, keys from a real keys file. Torn down (keys deleted) after.

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { createApiKey, FileApiKeys, writeApiKeysFile } from '../../../src/adapters/api-keys/index.js';
import type { ApiKeyEntry } from '../../../src/adapters/api-keys/index.js';
import { ContentStore } from '../../../src/adapters/attachments/content-store.js';
import { apiV1Routes } from '../../../src/adapters/http/api-v1/index.js';
import type { ApiV1Limits } from '../../../src/adapters/http/api-v1/index.js';
import { buildHttpServer } from '../../../src/adapters/http/index.js';
import { createIntake } from '../../../src/adapters/intake/create-intake.js';
import { createLogger } from '../../../src/adapters/log/index.js';
import { GatewayMetrics } from '../../../src/adapters/metrics/index.js';
import type { ApiKeyScope } from '../../../src/app/intake/api-keys.js';
import type { Submission } from '../../../src/domain/intake/submission.js';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

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

  const chunks: string[] = [];
  const log = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    }),
  });
  const created = await createIntake({
    redisUrl: options.intakeRedisUrl ?? REDIS_URL,
    prefix,
    dataDir,
    log,
    ...(options.intakeRedisUrl === undefined ? {} : { connectWaitMs: 100 }),
  });
  const server = buildHttpServer({
    log,
    metrics: new GatewayMetrics({ processMetrics: false }),
    readiness: () => ({ redis: created.connected() }),
    openApi: { version: '0.0.0-test' },
    routes: [
      apiV1Routes({
        intake: created.intake,
        attachments: new ContentStore({ dir: join(dataDir, 'attachments'), maxBytes: limits.fileBytes }),
        keys: await FileApiKeys.load(keysFile),
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
    logText: () => chunks.join(''),
    async jobFor(id) {
      const jobs = await queue.getJobs(['waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed']);
      return jobs.find((job) => job.data.id === id);
    },
    async close() {
      await server.close();
      await queue.close();
      await created.close();
      const redis = new Redis(REDIS_URL);
      try {
        let cursor = '0';
        do {
          const [next, found] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 500);
          cursor = next;
          if (found.length > 0) await redis.del(...found);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function auth(key: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${key}`, ...extra };
}

export function json(key: string, extra: Record<string, string> = {}): Record<string, string> {
  return auth(key, { 'content-type': 'application/json', ...extra });
}
