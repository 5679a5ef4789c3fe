// The intake benchmark's subject, in its own Node process (started by run-intake.ts with --expose-gc): the web
// API v1 on the gateway's HTTP server, over the real durable intake (Redis, BullMQ, spool) and content store,
// wired as src/main.ts wires them, with production defaults from parseConfig and an integrator key from the
// keys file. Logs go to standard output at the configured level, as in production (the parent drops them).

import { join } from 'node:path';
import { FileApiKeys } from '../../src/adapters/api-keys/index.js';
import { ContentStore } from '../../src/adapters/attachments/content-store.js';
import { apiV1Routes } from '../../src/adapters/http/api-v1/index.js';
import { buildHttpServer } from '../../src/adapters/http/index.js';
import { createIntake, intakeOptionsFrom } from '../../src/adapters/intake/create-intake.js';
import { createLogger } from '../../src/adapters/log/index.js';
import { GatewayMetrics } from '../../src/adapters/metrics/index.js';
import type { Log } from '../../src/app/app-ports.js';
import { parseConfig } from '../../src/config/index.js';
import type { LogLevel } from '../../src/config/types.js';
import { GATEWAY_VERSION } from '../../src/main.js';
import { serveSubject } from '../shared/subject.js';

export interface IntakeSubjectConfig {
  readonly redisUrl: string;
  /** INTAKE_PREFIX of this run (random; the parent removes its keys afterwards). */
  readonly prefix: string;
  /** DATA_DIR of this run (a temporary folder). */
  readonly dataDir: string;
  /** The keys file holding the load generator's integrator key (written by the parent, shared by all replicas). */
  readonly apiKeysFile: string;
  readonly logLevel: LogLevel;
}

export interface IntakeSubjectInfo {
  readonly url: string;
  /** BullMQ key prefix of the `intake` queue (`{prefix}`). */
  readonly queuePrefix: string;
  readonly idempotencyTtlMs: number;
}

serveSubject<IntakeSubjectConfig, IntakeSubjectInfo>(async (settings) => {
  const config = parseConfig({
    ...process.env,
    REDIS_URL: settings.redisUrl,
    DATA_DIR: settings.dataDir,
    INTAKE_PREFIX: settings.prefix,
    API_KEYS_FILE: settings.apiKeysFile,
    LOG_LEVEL: settings.logLevel,
  });
  const log = createLogger({ level: config.log.level, base: { name: 'hotline-gateway' } });

  const intake = await createIntake(intakeOptionsFrom(config, log as Log));
  const attachments = new ContentStore({ dir: join(config.intake.dataDir, 'attachments'), maxBytes: config.intake.attachmentMaxBytes });
  await attachments.sweepTemp();
  const apiKeys = await FileApiKeys.load(config.intake.apiKeysFile);

  const http = buildHttpServer({
    log,
    metrics: new GatewayMetrics(),
    readiness: () => ({ intake: intake.connected() }),
    trustProxy: config.http.trustProxy,
    openApi: { version: GATEWAY_VERSION },
  });
  const limits = { fileBytes: config.intake.attachmentMaxBytes, files: config.intake.attachmentMaxFiles };
  http.register(apiV1Routes({ intake: intake.intake, attachments, keys: apiKeys, limits: { ...limits, bodyBytes: config.intake.bodyLimitBytes }, log: log as Log }));
  const address = await http.listen(0, '127.0.0.1');
  if (!intake.connected()) throw new Error(`intake is not connected to Redis at ${config.redis.url}`);

  return {
    info: { url: address.url, queuePrefix: intake.queuePrefix, idempotencyTtlMs: config.intake.idempotencyTtlMs },
    async close() {
      await http.close();
      await intake.close();
    },
  };
});
