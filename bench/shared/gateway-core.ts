// What every gateway subject starts with, wired as src/main.ts wires it: the config from the environment with the
// run's own Redis, prefix, DATA_DIR and LOG_LEVEL (production defaults otherwise), the logger, the real durable
// intake (Redis, BullMQ, spool) behind MeteredIntake and the profile linker as every channel submits through it, the content store, and
// the HTTP server. The subject registers its channels' routes and listens.

import { join } from 'node:path';
import { ContentStore } from '../../src/adapters/attachments/content-store.js';
import { buildHttpServer } from '../../src/adapters/http/index.js';
import type { HttpServer } from '../../src/adapters/http/index.js';
import { createIntake, intakeOptionsFrom } from '../../src/adapters/intake/create-intake.js';
import type { CreatedIntake } from '../../src/adapters/intake/create-intake.js';
import { createLogger } from '../../src/adapters/log/index.js';
import type { Logger } from '../../src/adapters/log/index.js';
import { GatewayMetrics } from '../../src/adapters/metrics/index.js';
import type { Log } from '../../src/app/app-ports.js';
import { MeteredIntake } from '../../src/app/intake/metered-intake.js';
import { LinkingIntake } from '../../src/app/identity/linking-intake.js';
import type { CaseAccess } from '../../src/app/access/case-access-ports.js';
import { MemoryLimiter } from '../../src/app/limits/memory-limiter.js';
import { systemClock } from '../../src/app/ports.js';
import { createCaseAccess } from '../../src/adapters/access/create-case-access.js';
import { loadDispositions } from '../../src/adapters/flow/load-dispositions.js';
import type { DispositionTexts } from '../../src/domain/dispositions/dispositions.js';
import { parseConfig } from '../../src/config/index.js';
import type { Config, LogLevel } from '../../src/config/index.js';
import { GATEWAY_VERSION } from '../../src/main.js';
import { REDIS_ENV_NAMES } from './redis-tools.js';
import type { BenchRedis } from './redis-tools.js';

export interface GatewayCoreSettings {
  /** The run's Redis (one server, a cluster or Sentinel), as the gateway's REDIS_* settings. */
  readonly redis: BenchRedis;
  /** INTAKE_PREFIX of this run (random; the parent removes its keys afterwards). */
  readonly prefix: string;
  /** DATA_DIR of this run (a temporary folder). */
  readonly dataDir: string;
  readonly logLevel: LogLevel;
}

export interface GatewayCore {
  readonly config: Config;
  readonly log: Logger;
  readonly intake: CreatedIntake;
  /** What the channels submit to: the intake, counted in /metrics as in production. */
  readonly submissions: MeteredIntake;
  /** Citizens' cases, opened by proof, with wrong proofs counted as the gateway counts them. */
  readonly access: CaseAccess;
  /** The where-to-go texts the channels add to their replies. */
  readonly dispositions: DispositionTexts;
  readonly attachments: ContentStore;
  readonly http: HttpServer;
}

/** `env`: the subject's own settings on top of the run's (API_KEYS_FILE, WECHAT_*, SMTP_ACCEPT...). */
export async function startGatewayCore(settings: GatewayCoreSettings, env: Readonly<Record<string, string>> = {}): Promise<GatewayCore> {
  // Only the run's REDIS_* settings: one from the parent's environment would clash with another the run chose.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !(REDIS_ENV_NAMES as readonly string[]).includes(name)));
  const config = parseConfig({
    ...inherited,
    ...settings.redis.env,
    DATA_DIR: settings.dataDir,
    INTAKE_PREFIX: settings.prefix,
    LOG_LEVEL: settings.logLevel,
    ...env,
  });
  const log = createLogger({ level: config.log.level, base: { name: 'hotline-gateway' } });
  const metrics = new GatewayMetrics();
  const attachments = new ContentStore({ dir: join(config.intake.dataDir, 'attachments'), maxBytes: config.intake.attachmentMaxBytes });
  await attachments.sweepTemp();
  const intake = await createIntake(intakeOptionsFrom(config, log as Log));
  const http = buildHttpServer({
    log,
    metrics,
    readiness: () => ({ intake: intake.connected() }),
    trustProxy: config.http.trustProxy,
    openApi: { version: GATEWAY_VERSION },
  });
  // As src/main.ts: each accepted submission is attached to its citizen's profile after its answer.
  const submissions = new MeteredIntake(new LinkingIntake(intake.intake, intake.profiles.linker), metrics);
  const access = createCaseAccess({ intake: submissions, keys: intake.caseKeys, limiter: new MemoryLimiter(systemClock), log: log as Log });
  const dispositions = await loadDispositions(config.intake.dispositionsFile);
  return { config, log, intake, submissions, access, dispositions, attachments, http };
}
