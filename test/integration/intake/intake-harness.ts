// Shared set-up for the intake integration tests: a fresh key prefix and data directory per test on the real
// Redis, a recording log, drafts, and a look at what is really in the `intake` queue.

import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createIntake } from '../../../src/adapters/intake/create-intake.js';
import { hmacCaseKeys } from '../../../src/adapters/intake/case-secret.js';
import { unscramble } from '../../../src/domain/access/ticket-cipher.js';
import type { CreatedIntake, CreateIntakeOptions } from '../../../src/adapters/intake/create-intake.js';
import { INTAKE_QUEUE_NAME, IntakeKeys } from '../../../src/adapters/intake/intake-keys.js';
import type { SubmitRequest } from '../../../src/app/intake/intake-ports.js';
import type { Submission, SubmissionDraft } from '../../../src/domain/intake/submission.js';
import { recordingLog } from '../../support/logs.js';
import { dropIntake } from '../../support/intake.js';
import { REDIS_URL, singleRedis } from '../../support/redis.js';

export function draft(overrides: Partial<SubmissionDraft> = {}): SubmissionDraft {
  return {
    channel: 'web',
    text: '东城区和平里小区门口的路灯坏了三天了，晚上很黑',
    contact: { name: '张三', phone: '13812345678' },
    ...overrides,
  };
}

export function request(n: number, overrides: Partial<SubmissionDraft> = {}): SubmitRequest {
  return {
    dedupKey: `web:test-key:${n}`,
    fingerprint: `fp-${n}`,
    draft: draft({ text: `第${n}号诉求：小区门口的路灯坏了，编号${n}`, contact: { phone: `138${String(n).padStart(8, '0')}` }, ...overrides }),
  };
}

/** A fresh prefix and data directory; `cleanup` deletes the keys and the directory. */
export class IntakeFixture {
  readonly prefix = `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  readonly keys = new IntakeKeys(this.prefix);
  readonly redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  readonly recorded = recordingLog();
  private readonly opened: CreatedIntake[] = [];
  private readonly queues: Queue[] = [];
  dataDir = '';

  static async create(): Promise<IntakeFixture> {
    const fixture = new IntakeFixture();
    fixture.dataDir = await mkdtemp(join(tmpdir(), 'intake-test-'));
    return fixture;
  }

  /** The ticket counter's value a ticket was made from: the permutation undone with this prefix's case secret. */
  async sequenceOf(ticket: string): Promise<number> {
    const secret = await this.redis.get(this.keys.caseSecret);
    if (secret === null) throw new Error(`no case secret under ${this.keys.caseSecret}`);
    return unscramble(Number(ticket.slice(0, -1)), hmacCaseKeys(secret).ticketPrf);
  }

  async open(options: Partial<CreateIntakeOptions> = {}): Promise<CreatedIntake> {
    const created = await createIntake({
      redis: singleRedis(REDIS_URL),
      prefix: this.prefix,
      dataDir: this.dataDir,
      log: this.recorded.log,
      forwardRetryMs: 200,
      ...options,
    });
    this.opened.push(created);
    return created;
  }

  /** A Queue on the same keys, to look at what is really there. */
  queue(): Queue {
    const queue = new Queue(INTAKE_QUEUE_NAME, { connection: this.redis, prefix: this.keys.bullPrefix });
    this.queues.push(queue);
    return queue;
  }

  /** Every job in the queue, whatever its state. */
  async jobs(): Promise<{ id: string; data: Submission }[]> {
    const jobs = await this.queue().getJobs(['waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed', 'waiting-children'], 0, -1);
    return jobs.map((job) => ({ id: String(job.id), data: job.data as Submission }));
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.opened.splice(0).map((c) => c.close()));
    await Promise.all(this.queues.splice(0).map((q) => q.close()));
    this.redis.disconnect();
    await dropIntake(this.prefix, this.dataDir);
  }
}
