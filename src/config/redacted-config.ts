// The configuration as it may be logged at start-up: same shape, secrets replaced.

import { maskUrlCredentials } from './parse-config.js';
import type { Config } from './types.js';

export const REDACTED = '[redacted]';

export function redactedConfig(config: Config): Config {
  return {
    ...config,
    redis: { url: maskUrlCredentials(config.redis.url) },
    intake: config.intake.caseSecret === undefined ? config.intake : { ...config.intake, caseSecret: REDACTED },
    ari: config.ari.simulated ? config.ari : { ...config.ari, password: REDACTED },
    ami: config.ami.simulated ? config.ami : { ...config.ami, secret: REDACTED },
    email: config.email === null ? null : { ...config.email, relay: config.email.relay === null ? null : { ...config.email.relay, url: maskUrlCredentials(config.email.relay.url) } },
    wechat:
      config.wechat === null
        ? null
        : {
            ...config.wechat,
            token: REDACTED,
            encodingAesKey: config.wechat.encodingAesKey === null ? null : REDACTED,
            previousEncodingAesKey: config.wechat.previousEncodingAesKey === null ? null : REDACTED,
            appSecret: config.wechat.appSecret === null ? null : REDACTED,
          },
  };
}
