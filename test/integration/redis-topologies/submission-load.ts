// A steady load of /v1 submissions for the failover tests: a few clients, each posting one submission after another
// with its own idempotency key, recording every answer, until stopped. What a citizen was told (the status, the
// ticket, queued or spooled) is what the tests hold the gateway to afterwards.

import { Queue } from 'bullmq';
import { closeRedis } from '../../../src/adapters/redis/fail-fast-redis.js';
import { connectRedis } from '../../../src/adapters/redis/redis-connection.js';
import type { RedisTarget } from '../../../src/config/index.js';
import type { Submission } from '../../../src/domain/intake/submission.js';

export interface Answer {
  readonly idempotencyKey: string;
  readonly text: string;
  /** HTTP status, or 0 when no answer came at all. */
  readonly status: number;
  readonly id?: string;
  readonly ticket?: string;
  readonly durability?: 'queued' | 'spooled';
  readonly retryAfter?: string;
}

export function postSubmission(httpUrl: string, apiKey: string, idempotencyKey: string, text: string): Promise<Answer> {
  return fetch(`${httpUrl}/v1/submissions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify({ text, contact: { phone: '13800138000' } }),
    signal: AbortSignal.timeout(15_000),
  }).then(
    async (response) => {
      const body = (await response.json()) as { id?: string; ticket?: string; durability?: 'queued' | 'spooled' };
      const retryAfter = response.headers.get('retry-after');
      return {
        idempotencyKey,
        text,
        status: response.status,
        ...(body.id === undefined ? {} : { id: body.id, ticket: body.ticket, durability: body.durability }),
        ...(retryAfter === null ? {} : { retryAfter }),
      };
    },
    () => ({ idempotencyKey, text, status: 0 }),
  );
}

export class SubmissionLoad {
  readonly answers: Answer[] = [];
  private running = false;
  private clients: Promise<void>[] = [];
  private next = 0;

  constructor(
    private readonly httpUrl: string,
    private readonly apiKey: string,
    private readonly name: string,
  ) {}

  start(clients = 6): void {
    this.running = true;
    this.clients = Array.from({ length: clients }, async () => {
      while (this.running) {
        const n = this.next++;
        this.answers.push(await postSubmission(this.httpUrl, this.apiKey, `${this.name}-${n}`, `The street light at number ${n} on Gulou Street is out`));
      }
    });
  }

  /** Resolves once `count` more answers came in than now. */
  async more(count: number, timeoutMs = 20_000): Promise<void> {
    const target = this.answers.length + count;
    const deadline = Date.now() + timeoutMs;
    while (this.answers.length < target) {
      if (Date.now() > deadline) throw new Error(`the load got ${this.answers.length} answers, not ${target}, within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<Answer[]> {
    this.running = false;
    await Promise.all(this.clients);
    return this.answers;
  }
}

/** Every submission in the intake queue (waiting or not), read on a connection of the test's own. */
export async function queuedSubmissions(target: RedisTarget, prefix: string): Promise<Submission[]> {
  const connection = connectRedis(target, { enableOfflineQueue: true, maxRetriesPerRequest: 3, retryDelayMs: () => 200 });
  const queue = new Queue('intake', { connection, prefix: `{${prefix}}` });
  try {
    return (await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'])).map((job) => job.data as Submission);
  } finally {
    await queue.close();
    await closeRedis(connection);
  }
}
