// The Open311 endpoint as the gateway runs it: the operations HTTP server with the plugin under /open311/v2, the
// real Redis-backed intake (own key prefix per test, removed afterwards) and integrator keys from a real keys file.

import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createApiKey, FileApiKeys, writeApiKeysFile } from '../../../src/adapters/api-keys/index.js';
import { buildHttpServer } from '../../../src/adapters/http/index.js';
import { open311Routes } from '../../../src/adapters/http/open311/index.js';
import type { Open311RoutesDeps } from '../../../src/adapters/http/open311/index.js';
import { loadDispositions } from '../../../src/adapters/flow/load-dispositions.js';
import { createIntake } from '../../../src/adapters/intake/create-intake.js';
import { createLogger } from '../../../src/adapters/log/index.js';
import { GatewayMetrics } from '../../../src/adapters/metrics/index.js';
import { silentLog } from '../../../src/app/app-ports.js';
import type { Intake } from '../../../src/app/intake/intake-ports.js';
import { redisGuard } from '../../support/guard.js';
import { dropIntake } from '../../support/intake.js';
import { REDIS_URL, singleRedis } from '../../support/redis.js';

export const JURISDICTION = 'beijing.gov.cn';

export interface Open311Gateway {
  /** `http://127.0.0.1:<port>/open311/v2` */
  readonly base: string;
  readonly intake: Intake;
  /** Keys by what they may do: `open311` (FixMyStreet), `submit`, `read` only, and `open311` with 2 requests a minute. */
  readonly keys: { readonly open311: string; readonly submit: string; readonly readOnly: string; readonly slow: string };
  /** Jobs in this test's intake queue, whatever their state. */
  jobCount(): Promise<number>;
  close(): Promise<void>;
}

/** `options` overrides the plugin's optional settings (rates, discovery). */
export async function startOpen311Gateway(options: Partial<Omit<Open311RoutesDeps, 'intake' | 'guard' | 'jurisdictionId'>> = {}): Promise<Open311Gateway> {
  const prefix = `t-open311-${randomUUID().slice(0, 8)}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'open311-'));
  const created = await createIntake({ redis: singleRedis(REDIS_URL), prefix, dataDir, log: silentLog });

  const open311 = createApiKey({ name: 'FixMyStreet', scopes: ['open311'] });
  const submit = createApiKey({ name: 'Web integrator', scopes: ['submit', 'read'] });
  const readOnly = createApiKey({ name: 'Dashboard', scopes: ['read'] });
  const slow = createApiKey({ name: 'Slow', scopes: ['open311'], rateLimitPerMinute: 2 });
  const keysFile = join(dataDir, 'api-keys.json');
  await writeApiKeysFile(keysFile, { keys: [open311.entry, submit.entry, readOnly.entry, slow.entry] });
  const keys = await FileApiKeys.load(keysFile);

  const server = buildHttpServer({
    log: createLogger({ level: 'silent' }),
    metrics: new GatewayMetrics({ processMetrics: false }),
    readiness: () => ({ redis: true }),
  });
  const dispositions = await loadDispositions('ivr-flows/dispositions.yaml');
  const guarded = await redisGuard(keys, prefix);
  server.register(open311Routes({ dispositions, ...options, intake: created.intake, guard: guarded.guard, jurisdictionId: JURISDICTION }), { prefix: '/open311/v2' });
  const { url } = await server.listen(0, '127.0.0.1');

  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const queue = new Queue(created.queueName, { connection: redis, prefix: created.queuePrefix });

  return {
    base: `${url}/open311/v2`,
    intake: created.intake,
    keys: { open311: open311.key, submit: submit.key, readOnly: readOnly.key, slow: slow.key },
    async jobCount() {
      const counts = await queue.getJobCounts();
      return Object.values(counts).reduce((sum, n) => sum + n, 0);
    },
    async close() {
      await server.close();
      await guarded.limits.close();
      await queue.close();
      await created.close();
      await redis.quit();
      await dropIntake(prefix, dataDir);
    },
  };
}

/** As Perl's HTTP::Request::Common sends it (no charset: GeoReport says the body is UTF-8). */
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** A form body exactly as Perl's HTTP::Request::Common encodes it: `+` for spaces, `%XX` for the rest. */
export function formBody(fields: readonly (readonly [string, string])[]): string {
  return fields.map(([name, value]) => `${encodeForm(name)}=${encodeForm(value)}`).join('&');
}

function encodeForm(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
