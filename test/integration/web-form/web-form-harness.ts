// A web form served the way the gateway serves it (the operations HTTP server plus the web form plugin), on the
// real intake (Redis, BullMQ) and the real content store in a temporary directory. Each harness has its own Redis
// key prefix, removed on close, so tests can run side by side against the one Redis.

import { Queue } from 'bullmq';
import type { Job } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { ContentStore } from '../../../src/adapters/attachments/content-store.js';
import { buildHttpServer } from '../../../src/adapters/http/index.js';
import { webFormRoutes } from '../../../src/adapters/http/web-form/index.js';
import type { WebFormDeps } from '../../../src/adapters/http/web-form/index.js';
import { intakeJobId } from '../../../src/adapters/intake/bullmq-intake-queue.js';
import { createIntake } from '../../../src/adapters/intake/create-intake.js';
import { GatewayMetrics } from '../../../src/adapters/metrics/index.js';
import type { Intake } from '../../../src/app/intake/intake-ports.js';
import type { CaseAccess } from '../../../src/app/access/case-access-ports.js';
import type { FairUsePolicy } from '../../../src/app/limits/fair-use.js';
import { createCaseAccess } from '../../../src/adapters/access/create-case-access.js';
import { loadDispositions } from '../../../src/adapters/flow/load-dispositions.js';
import type { Submission } from '../../../src/domain/intake/submission.js';
import { capturedLogger } from '../../support/logs.js';
import { redisGuard } from '../../support/guard.js';
import { dropIntake } from '../../support/intake.js';
import { REDIS_URL, singleRedis } from '../../support/redis.js';

export interface WebFormHarness {
  readonly url: string;
  readonly prefix: string;
  readonly intake: Intake;
  readonly access: CaseAccess;
  readonly attachments: ContentStore;
  readonly queue: Queue;
  /** Everything logged, as text. */
  logText(): string;
  /** The BullMQ job the form's idempotency key made, if any. */
  jobFor(idempotencyKey: string): Promise<Job<Submission> | undefined>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly limits?: WebFormDeps['limits'];
  readonly rateLimit?: WebFormDeps['rateLimit'];
  readonly intake?: (real: Intake) => Intake;
  /** Fair-use budgets (default: more than any test uses). */
  readonly policy?: FairUsePolicy;
  /** Share another harness's Redis prefix: a second gateway replica on the same hotline. */
  readonly prefix?: string;
}

export async function startWebForm(options: HarnessOptions = {}): Promise<WebFormHarness> {
  const prefix = options.prefix ?? `test-web-form-${randomUUID().slice(0, 8)}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'web-form-'));
  const logs = capturedLogger('debug');
  const log = logs.log;
  const created = await createIntake({ redis: singleRedis(REDIS_URL), prefix, dataDir, log });
  const limits = options.limits ?? { fileBytes: 256 * 1024, files: 3 };
  const attachments = new ContentStore({ dir: join(dataDir, 'attachments'), maxBytes: 8 * 1024 * 1024 });
  const intake = options.intake === undefined ? created.intake : options.intake(created.intake);
  const server = buildHttpServer({ log, metrics: new GatewayMetrics({ processMetrics: false }), readiness: () => ({}) });
  const guarded = await redisGuard({ verify: () => null }, prefix, { log, ...(options.policy === undefined ? {} : { policy: options.policy }) });
  // Wrong proofs are counted in the same shared Redis limiter as the gateway counts them.
  const access = createCaseAccess({ intake, keys: created.caseKeys, limiter: guarded.limits.limiter, log });
  const dispositions = await loadDispositions('ivr-flows/dispositions.yaml');
  server.register(
    webFormRoutes({ intake, access, dispositions, attachments, guard: guarded.guard, limits, log, ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }) }),
  );
  const { url } = await server.listen(0, '127.0.0.1');
  const queue = new Queue<Submission>(created.queueName, { connection: { url: REDIS_URL }, prefix: created.queuePrefix });
  return {
    url,
    prefix,
    intake,
    access,
    attachments,
    queue,
    logText: logs.text,
    jobFor: (idempotencyKey) => queue.getJob(intakeJobId(`form:${idempotencyKey}`)),
    async close() {
      await server.close();
      await guarded.limits.close();
      await queue.close();
      await created.close();
      await dropIntake(prefix, dataDir);
    },
  };
}

/** A real, decodable PNG (a red square), made here so the test does not depend on a fixture file. */
export function pngBytes(size = 8): Buffer {
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3, Buffer.from([200, 30, 30]))]);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

