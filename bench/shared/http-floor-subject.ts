// The HTTP floor: the least any HTTP front of the `intake` queue could do on this machine, in its own Node process,
// measured with the same load generator as the gateway's web API. A bare fastify `POST /v1/submissions` takes the JSON body and adds it as
// the job, with the job options intake uses (job id from the Idempotency-Key, priority, deduplication, retention),
// and answers 201 once the add resolved. No API key, validation, normalising, classification, records, indexes,
// tickets or logging. It shows how much of the raw queue.add rate survives HTTP alone on the same cores.

import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { INTAKE_JOB_NAME } from '../../src/adapters/intake/bullmq-intake-queue.js';
import { INTAKE_QUEUE_NAME } from '../../src/adapters/intake/intake-keys.js';
import { serveSubject } from './subject.js';

const DAY_SECONDS = 86_400;
/** Intake's usual priority for a request without an emergency hint. */
const PRIORITY = 5;

export interface HttpFloorConfig {
  readonly redisUrl: string;
  /** BullMQ key prefix, with its hash tag. */
  readonly queuePrefix: string;
  readonly dedupTtlMs: number;
}

export interface HttpFloorInfo {
  readonly url: string;
}

serveSubject<HttpFloorConfig, HttpFloorInfo>(async (settings) => {
  const connection = new Redis(settings.redisUrl, { maxRetriesPerRequest: 3 });
  const queue = new Queue(INTAKE_QUEUE_NAME, { connection, prefix: settings.queuePrefix });
  await queue.waitUntilReady();
  const app = Fastify({ logger: false });
  app.post('/v1/submissions', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    const id = typeof key === 'string' ? key : `${request.id}:${Date.now()}`;
    const jobId = createHash('sha256').update(id, 'utf8').digest('hex');
    await queue.add(INTAKE_JOB_NAME, request.body, {
      jobId,
      priority: PRIORITY,
      deduplication: { id: jobId, ttl: settings.dedupTtlMs },
      removeOnComplete: { age: DAY_SECONDS, count: 10_000 },
      removeOnFail: { age: 30 * DAY_SECONDS },
    });
    return await reply.code(201).send({ ticket: jobId.slice(0, 10), durability: 'queued' });
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    info: { url },
    async close() {
      await app.close();
      await queue.close();
      connection.disconnect();
    },
  };
});
