// The intake benchmark's subject, in its own Node process (started by run-intake.ts with --expose-gc): the web
// API v1, Open311 GeoReport v2 and the citizen web form on the gateway's HTTP server, registered as src/main.ts does, over the gateway core (gateway-core.ts: real durable intake and content
// store, wired as src/main.ts wires them, production defaults from parseConfig) and an integrator key from the
// keys file. The proxy in front (loopback) is trusted, as behind an operator's load balancer, so the form's
// per-address limits see each citizen's address; those limits are set high enough for a load test of many citizens,
// not turned off. Logs go to standard output at the configured level, as in production (the parent drops them).

import { createCaseAccess } from '../../src/adapters/access/create-case-access.js';
import { FileApiKeys } from '../../src/adapters/api-keys/index.js';
import { apiV1Routes } from '../../src/adapters/http/api-v1/index.js';
import { open311Routes } from '../../src/adapters/http/open311/index.js';
import { webFormRoutes } from '../../src/adapters/http/web-form/index.js';
import { HttpGuard } from '../../src/adapters/http/guard/http-guard.js';
import { createLimits, limitsOptionsFrom } from '../../src/adapters/limits/create-limits.js';
import { redisLabel } from '../../src/config/index.js';
import type { Log } from '../../src/app/app-ports.js';
import { startGatewayCore } from '../shared/gateway-core.js';
import type { GatewayCoreSettings } from '../shared/gateway-core.js';
import { serveSubject } from '../shared/subject.js';

export interface IntakeSubjectConfig extends GatewayCoreSettings {
  /** The keys file holding the load generator's integrator key (written by the parent, shared by all replicas). */
  readonly apiKeysFile: string;
}

export interface IntakeSubjectInfo {
  readonly url: string;
  /** BullMQ key prefix of the `intake` queue (`{prefix}`). */
  readonly queuePrefix: string;
  readonly idempotencyTtlMs: number;
}

serveSubject<IntakeSubjectConfig, IntakeSubjectInfo>(async (settings) => {
  const { config, log, intake, submissions, dispositions, attachments, http } = await startGatewayCore(settings, {
    API_KEYS_FILE: settings.apiKeysFile,
    FAIR_USE_KEY_PER_HOUR: '1000000',
    FAIR_USE_IP_PER_HOUR: '1000000',
    FORM_RATE_LIMIT: '100000',
    HTTP_TRUST_PROXY: '127.0.0.1',
  });
  const apiKeys = await FileApiKeys.load(config.intake.apiKeysFile);
  const limits = { fileBytes: config.intake.attachmentMaxBytes, files: config.intake.attachmentMaxFiles };
  // The limits as src/main.ts builds them: every submission passes the shared limiter, as in production.
  const fairUse = await createLimits(limitsOptionsFrom(config, log as Log));
  const guard = new HttpGuard({ keys: apiKeys, limiter: fairUse.limiter, fairUse: fairUse.fairUse });
  const access = createCaseAccess({ intake: submissions, keys: intake.caseKeys, limiter: fairUse.limiter, log: log as Log });
  http.register(apiV1Routes({ intake: submissions, access, dispositions, attachments, guard, limits: { ...limits, bodyBytes: config.intake.bodyLimitBytes }, log: log as Log }));
  http.register(
    open311Routes({
      intake: submissions,
      guard,
      jurisdictionId: config.intake.open311Jurisdiction,
      publicFields: config.intake.open311PublicFields,
      dispositions,
      log: log as Log,
    }),
    { prefix: '/open311/v2' },
  );
  http.register(webFormRoutes({ intake: submissions, access, dispositions, attachments, guard, limits, log: log as Log, rateLimit: { submissionsPerMinute: config.intake.formRatePerMinute } }));
  const address = await http.listen(0, '127.0.0.1');
  if (!intake.connected()) throw new Error(`intake is not connected to Redis at ${redisLabel(config.redis)}`);

  return {
    info: { url: address.url, queuePrefix: intake.queuePrefix, idempotencyTtlMs: config.intake.idempotencyTtlMs },
    async close() {
      await http.close();
      await fairUse.close();
      await intake.close();
    },
  };
});
