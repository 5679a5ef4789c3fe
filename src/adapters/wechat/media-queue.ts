// The `wechat-media` BullMQ queue: media downloads survive restarts and run on whichever instance is free.
// A job is one message's files; its id is a hash of `wechat-media:<MsgId>`, so WeChat's retries add nothing.
// The worker retries a failed job with capped exponential backoff for as long as WeChat keeps the files (3 days);
// the attacher decides when to give up, and the last attempt never throws for what another try could mend.
//
// When Redis cannot take a job (it is down; intake then spools the message itself), the job waits in memory and
// is added as soon as the connection is ready again: only a gateway stopped during the outage loses those files.

import { createHash } from 'node:crypto';
import { Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { RedisClient } from '../redis/redis-connection.js';
import type { Log } from '../../app/app-ports.js';
import type { AttachOutcome, MediaAttacher } from '../../app/wechat/media-attacher.js';
import { WECHAT_MEDIA_LIFETIME_MS } from '../../app/wechat/media-attacher.js';
import type { MediaFetchRequest, MediaQueue } from '../../app/wechat/wechat-ports.js';
import type { MediaItem, MediaRole } from '../../domain/wechat/to-draft.js';
import { LazyQueue } from '../redis/lazy-queue.js';

export const WECHAT_MEDIA_QUEUE_NAME = 'wechat-media';
const JOB_NAME = 'fetch';
const BACKOFF_TYPE = 'wechat-media';
const DAY_SECONDS = 86_400;
const MAX_DEFERRED = 10_000;

export interface MediaRetryPolicy {
  /** First retry after this long; each next one waits twice as long (default 5 s). */
  readonly baseDelayMs: number;
  /** No wait longer than this (default 30 minutes). */
  readonly maxDelayMs: number;
}

export const DEFAULT_MEDIA_RETRY: MediaRetryPolicy = { baseDelayMs: 5_000, maxDelayMs: 30 * 60_000 };

/** Enough attempts to keep trying, at the longest wait, past WeChat's 3 days. */
export function attemptsFor(policy: MediaRetryPolicy): number {
  let elapsed = 0;
  let attempts = 1;
  while (elapsed < WECHAT_MEDIA_LIFETIME_MS && attempts < 100_000) {
    elapsed += retryDelay(policy, attempts);
    attempts++;
  }
  return attempts;
}

export function retryDelay(policy: MediaRetryPolicy, attemptsMade: number): number {
  const exponent = Math.min(Math.max(attemptsMade - 1, 0), 30);
  return Math.min(policy.baseDelayMs * 2 ** exponent, policy.maxDelayMs);
}

/** The BullMQ job id for a request (BullMQ ids may not contain ':', dedup keys do). */
export function mediaJobId(dedupKey: string): string {
  return `m-${createHash('sha256').update(dedupKey, 'utf8').digest('hex')}`;
}

export interface BullmqMediaQueueOptions {
  /** BullMQ key prefix, intake's hash tag (`{hotline}`). */
  readonly prefix: string;
  readonly retry?: MediaRetryPolicy;
}

export class BullmqMediaQueue implements MediaQueue {
  private readonly queue: LazyQueue;
  private readonly deferred = new Map<string, MediaFetchRequest>();
  /** Per job: derived from the retry policy once, not on every add. */
  private readonly attempts: number;
  private flushing: Promise<void> | null = null;
  private readonly onReady = (): void => void this.flush();

  /** `connection` is shared, not owned, and should fail fast while Redis is down (no offline queue). */
  constructor(
    private readonly connection: RedisClient,
    options: BullmqMediaQueueOptions,
    private readonly log: Log,
  ) {
    this.attempts = attemptsFor(options.retry ?? DEFAULT_MEDIA_RETRY);
    this.queue = new LazyQueue(connection, {
      name: WECHAT_MEDIA_QUEUE_NAME,
      prefix: options.prefix,
      onError: (err) => log.debug({ err: err.message }, 'wechat media queue connection error'),
    });
    connection.on('ready', this.onReady);
  }

  async enqueue(request: MediaFetchRequest): Promise<'queued' | 'deferred'> {
    try {
      await this.add(request);
      if (this.deferred.size > 0) void this.flush();
      return 'queued';
    } catch (err) {
      if (this.deferred.size >= MAX_DEFERRED && !this.deferred.has(request.dedupKey)) {
        this.log.error({ err: errorMessage(err) }, 'wechat media queue unreachable and too many downloads waiting: dropping this one');
        throw err;
      }
      this.deferred.set(request.dedupKey, request);
      this.log.warn({ err: errorMessage(err), waiting: this.deferred.size }, 'wechat media queue unreachable: download held in memory');
      return 'deferred';
    }
  }

  async close(): Promise<void> {
    this.connection.off('ready', this.onReady);
    await this.flushing?.catch(() => undefined);
    if (this.deferred.size > 0) this.log.error({ lost: this.deferred.size }, 'wechat media downloads not queued before shutdown are lost');
    await this.queue.close();
  }

  private flush(): Promise<void> {
    if (this.flushing !== null) return this.flushing;
    if (this.deferred.size === 0) return Promise.resolve();
    const run = async (): Promise<void> => {
      try {
        const count = this.deferred.size;
        for (const [key, request] of [...this.deferred]) {
          await this.add(request);
          this.deferred.delete(key);
        }
        this.log.info({ queued: count }, 'wechat media downloads held in memory are queued');
      } catch (err) {
        this.log.warn({ err: errorMessage(err), waiting: this.deferred.size }, 'wechat media queue still unreachable');
      }
    };
    // `finally` runs in a later microtask, so `flushing` is set before it is cleared.
    const flushing = run().finally(() => {
      this.flushing = null;
    });
    this.flushing = flushing;
    return flushing;
  }

  private async add(request: MediaFetchRequest): Promise<void> {
    const queue = await this.queue.get();
    await queue.add(JOB_NAME, request, {
      jobId: mediaJobId(request.dedupKey),
      attempts: this.attempts,
      backoff: { type: BACKOFF_TYPE },
      removeOnComplete: { age: DAY_SECONDS },
      removeOnFail: { age: 7 * DAY_SECONDS },
    });
  }
}

export interface MediaWorkerOptions {
  /** A connection for the worker's blocking commands (`maxRetriesPerRequest: null`), owned by the caller. */
  readonly connection: RedisClient;
  readonly prefix: string;
  readonly attacher: Pick<MediaAttacher, 'attach'>;
  readonly log: Log;
  /** Downloads at a time (default 4). */
  readonly concurrency?: number;
  readonly retry?: MediaRetryPolicy;
}

export interface MediaWorker {
  close(): Promise<void>;
}

export function startMediaWorker(options: MediaWorkerOptions): MediaWorker {
  const log = options.log.child({ component: 'wechat-media' });
  const retry = options.retry ?? DEFAULT_MEDIA_RETRY;
  const worker = new Worker<unknown, AttachOutcome>(
    WECHAT_MEDIA_QUEUE_NAME,
    async (job: Job<unknown, AttachOutcome>) => {
      const request = parseRequest(job.data);
      if (request === null) {
        log.error({ jobId: job.id }, 'wechat media job with unreadable data: dropped');
        return { kind: 'gave-up', reason: 'nothing-fetched' };
      }
      const attempts = job.opts.attempts ?? 1;
      return await options.attacher.attach(request, {
        fingerprint: fingerprintOf(request),
        lastAttempt: job.attemptsMade + 1 >= attempts,
      });
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 4,
      settings: { backoffStrategy: (attemptsMade: number) => retryDelay(retry, attemptsMade) },
    },
  );
  worker.on('failed', (job, err) => {
    const final = job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1);
    if (final) log.error({ jobId: job.id, err: err.message }, 'wechat media job failed for good');
    else log.debug({ jobId: job?.id, err: err.message }, 'wechat media job failed: will retry');
  });
  worker.on('error', (err: Error) => log.warn({ err: err.message }, 'wechat media worker error'));
  return {
    async close() {
      await worker.close();
    },
  };
}

/** The same request always gives the same digest: intake's fingerprint for the follow-up. */
export function fingerprintOf(request: MediaFetchRequest): string {
  const canonical = JSON.stringify([request.dedupKey, request.msgId, request.openId, request.requestId, request.items.map((i) => [i.mediaId, i.role])]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

const ROLES: ReadonlySet<string> = new Set<MediaRole>(['image', 'voice', 'video', 'thumbnail']);

/** Job data comes back from Redis: checked, not trusted. */
function parseRequest(data: unknown): MediaFetchRequest | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  const strings = ['dedupKey', 'msgId', 'openId', 'requestId'].every((k) => typeof d[k] === 'string' && d[k] !== '');
  if (!strings || typeof d['sentAtMs'] !== 'number' || !Array.isArray(d['items'])) return null;
  const items: MediaItem[] = [];
  for (const item of d['items'] as unknown[]) {
    if (typeof item !== 'object' || item === null) return null;
    const { mediaId, role } = item as Record<string, unknown>;
    if (typeof mediaId !== 'string' || typeof role !== 'string' || !ROLES.has(role)) return null;
    items.push({ mediaId, role: role as MediaRole });
  }
  return {
    dedupKey: d['dedupKey'] as string,
    msgId: d['msgId'] as string,
    openId: d['openId'] as string,
    requestId: d['requestId'] as string,
    items,
    sentAtMs: d['sentAtMs'],
  };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
