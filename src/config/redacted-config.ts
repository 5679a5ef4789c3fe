// The configuration as it may be logged at start-up: same shape, secrets replaced.

import { maskUrlCredentials } from './parse-config.js';
import type { Config, RedisConfig } from './types.js';

export const REDACTED = '[redacted]';

export function redactedConfig(config: Config): Config {
  return {
    ...config,
    redis: redactedRedis(config.redis),
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

function redactedRedis(redis: RedisConfig): RedisConfig {
  if (redis.mode === 'single') return { ...redis, url: maskUrlCredentials(redis.url) };
  const withoutPassword = redis.password === undefined ? redis : { ...redis, password: REDACTED };
  if (withoutPassword.mode === 'sentinel' && withoutPassword.sentinelPassword !== undefined) return { ...withoutPassword, sentinelPassword: REDACTED };
  return withoutPassword;
}
