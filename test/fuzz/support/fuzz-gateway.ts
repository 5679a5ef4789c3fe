// The gateway's HTTP side as src/main.ts assembles it (the operations server, then /v1, Open311 under /open311/v2,
// WeChat and the web form), on the real intake: Redis under a random prefix, the attachment store and spool in a
// temp dir. Requests go in through fastify's `inject`, so thousands of inputs cost no sockets. Fair-use limits are
// set out of reach: the fuzzer must reach the parsers, and a 429 would hide them. When the routes' dependencies
// change, this builder is the one place the fuzz targets need to follow.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createApiKey, FileApiKeys, writeApiKeysFile } from '../../../src/adapters/api-keys/index.js';
import { ContentStore } from '../../../src/adapters/attachments/content-store.js';
import { apiV1Routes } from '../../../src/adapters/http/api-v1/index.js';
import { buildHttpServer } from '../../../src/adapters/http/index.js';
import { open311Routes } from '../../../src/adapters/http/open311/index.js';
import { webFormRoutes } from '../../../src/adapters/http/web-form/index.js';
import { createIntake } from '../../../src/adapters/intake/create-intake.js';
import { createCaseAccess } from '../../../src/adapters/access/create-case-access.js';
import { loadDispositions } from '../../../src/adapters/flow/load-dispositions.js';
import { redisGuard } from '../../support/guard.js';
import { MAX_RATE_LIMIT_PER_MINUTE } from '../../../src/adapters/api-keys/api-key-material.js';
import { GatewayMetrics } from '../../../src/adapters/metrics/index.js';
import { createWechatChannel } from '../../../src/adapters/wechat/index.js';
import type { Log } from '../../../src/app/app-ports.js';
import type { Intake } from '../../../src/app/intake/intake-ports.js';
import { ErrorTally } from './error-tally.js';
import { FUZZ_REDIS_URL, fuzzScratch } from './scratch.js';
import { singleRedis } from '../../support/redis.js';
/** Far above what a fuzz run sends in a minute. */
const OUT_OF_REACH = MAX_RATE_LIMIT_PER_MINUTE;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface WechatAccount {
  readonly token: string;
  readonly appId: string;
  readonly encodingAesKey: string;
}

export interface FuzzGateway {
  readonly app: FastifyInstance;
  readonly intake: Intake;
  /** Presented keys: `submit` (submit, read), `status` (status:write), `open311`. */
  readonly keys: { readonly submit: string; readonly status: string; readonly open311: string };
  readonly wechat: WechatAccount;
  readonly errors: ErrorTally;
  close(): Promise<void>;
}

export async function startFuzzGateway(): Promise<FuzzGateway> {
  const scratch = await fuzzScratch('http');
  const { prefix, dataDir } = scratch;
  const errors = new ErrorTally();
  const log = errors.log;
  const created = await createIntake({ redis: singleRedis(FUZZ_REDIS_URL), prefix, dataDir, log });

  const submit = createApiKey({ name: 'fuzz submit', scopes: ['submit', 'read'], rateLimitPerMinute: OUT_OF_REACH });
  const status = createApiKey({ name: 'fuzz status', scopes: ['status:write'], rateLimitPerMinute: OUT_OF_REACH });
  const open311 = createApiKey({ name: 'fuzz open311', scopes: ['open311'], rateLimitPerMinute: OUT_OF_REACH });
  const keysFile = join(dataDir, 'api-keys.json');
  await writeApiKeysFile(keysFile, { keys: [submit.entry, status.entry, open311.entry] });
  const keys = await FileApiKeys.load(keysFile);
  // The limits as the gateway builds them (shared Redis, under this run's prefix), every budget out of reach.
  const { guard, limits: fairUseLimits } = await redisGuard(keys, prefix, {
    log: log as Log,
    redisUrl: FUZZ_REDIS_URL,
    policy: { perHour: { ip: OUT_OF_REACH, apiKey: OUT_OF_REACH, openid: OUT_OF_REACH, email: OUT_OF_REACH }, flaggedPerHour: OUT_OF_REACH },
  });
  const access = createCaseAccess({ intake: created.intake, keys: created.caseKeys, limiter: fairUseLimits.limiter, log: log as Log });
  const dispositions = await loadDispositions('ivr-flows/dispositions.yaml');

  const attachments = new ContentStore({ dir: join(dataDir, 'attachments'), maxBytes: 256 * 1024 });
  const limits = { fileBytes: 256 * 1024, files: 3 };
  const wechat: WechatAccount = {
    token: `fuzz${randomBytes(6).toString('hex')}`,
    appId: `wx${randomBytes(8).toString('hex')}`,
    encodingAesKey: Array.from(randomBytes(43), (b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join(''),
  };

  const http = buildHttpServer({ log, metrics: new GatewayMetrics({ processMetrics: false }), readiness: () => ({ intake: created.connected() }) });
  http.register(
    apiV1Routes({
      intake: created.intake,
      access,
      dispositions,
      attachments,
      guard,
      flags: fairUseLimits.desk,
      limits: { ...limits, bodyBytes: 1024 * 1024 },
      log: log as Log,
      unauthenticatedPerMinute: OUT_OF_REACH,
    }),
  );
  http.register(
    open311Routes({ intake: created.intake, guard, dispositions, jurisdictionId: '12345.beijing.gov.cn', log: log as Log, unauthenticatedPerMinute: OUT_OF_REACH, readsPerMinute: OUT_OF_REACH }),
    { prefix: '/open311/v2' },
  );
  const channel = await createWechatChannel({
    ...wechat,
    mode: 'auto',
    // WeChat's 4.5 s reply deadline turns a slow answer into a 503 (WeChat retries): on a loaded test machine that
    // would be a 5xx about the machine, not about the input, so the fuzz run gives intake longer.
    replyDeadlineMs: 8_000,
    // No AppSecret, so nothing is ever downloaded: the media worker would only slow closing down.
    mediaWorker: false,
    redis: singleRedis(FUZZ_REDIS_URL),
    prefix,
    intake: created.intake,
    access,
    dispositions,
    fairUse: fairUseLimits.fairUse,
    attachments,
    log: log as Log,
  });
  http.register(channel.routes);
  http.register(
    webFormRoutes({
      intake: created.intake,
      access,
      dispositions,
      guard,
      attachments,
      limits,
      log: log as Log,
      rateLimit: { submissionsPerMinute: OUT_OF_REACH, lookupsPerMinute: OUT_OF_REACH, ratingsPerMinute: OUT_OF_REACH },
    }),
  );
  await http.app.ready();

  return {
    app: http.app,
    intake: created.intake,
    keys: { submit: submit.key, status: status.key, open311: open311.key },
    wechat,
    errors,
    async close() {
      await http.close();
      await channel.close();
      await fairUseLimits.close();
      await created.close();
      await scratch.remove();
    },
  };
}
