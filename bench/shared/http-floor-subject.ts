// The HTTP floor: the least any HTTP front of the `intake` queue could do on this machine, in its own Node process,
// measured with the same load generator as the gateway's web API. A bare fastify `POST /v1/submissions` takes the JSON body and adds it as
// the job, with the job options intake uses (job id from the Idempotency-Key, priority, deduplication, retention),
// and answers 201 once the add resolved. No API key, validation, normalising, classification, records, indexes,
// tickets or logging. It shows how much of the raw queue.add rate survives HTTP alone on the same cores.

import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import { floorQueue } from './intake-job-options.js';
import type { BenchRedis } from './redis-tools.js';
import { serveSubject } from './subject.js';

export interface HttpFloorConfig {
  readonly redis: BenchRedis;
  /** BullMQ key prefix, with its hash tag. */
  readonly queuePrefix: string;
  readonly dedupTtlMs: number;
}

export interface HttpFloorInfo {
  readonly url: string;
}

serveSubject<HttpFloorConfig, HttpFloorInfo>(async (settings) => {
  const queue = await floorQueue(settings.redis, settings.queuePrefix, settings.dedupTtlMs);
  const app = Fastify({ logger: false });
  app.post('/v1/submissions', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    const id = typeof key === 'string' ? key : `${request.id}:${Date.now()}`;
    const jobId = createHash('sha256').update(id, 'utf8').digest('hex');
    await queue.add(jobId, request.body);
    return await reply.code(201).send({ ticket: jobId.slice(0, 10), durability: 'queued' });
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    info: { url },
    async close() {
      await app.close();
      await queue.close();
    },
  };
});
