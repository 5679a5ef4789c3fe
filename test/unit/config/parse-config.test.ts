import { OPEN311_PUBLIC_FIELDS } from '../../../src/domain/open311/public-fields.js';
import { describe, expect, it } from 'vitest';
import { apiKeysFileFromEnv, ConfigError, CONFIG_DOC, configDocMarkdown, parseConfig, redactedConfig, redisLabel, simulatorPortsFromEnv } from '../../../src/config/index.js';
import type { Config, Env } from '../../../src/config/index.js';

/** The ConfigError thrown for `env`; fails the test when the env is accepted. */
function problemsOf(env: Env): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

const REAL_ASTERISK: Env = {
  ARI_URL: 'http://pbx.example:8088',
  ARI_USERNAME: 'gateway',
  ARI_PASSWORD: 'ari-pass-s3cret',
  AMI_HOST: 'pbx.example',
  AMI_USERNAME: 'watch',
  AMI_SECRET: 'ami-s3cret',
};

describe('parseConfig defaults', () => {
  it('gives a complete simulated configuration for an empty environment', () => {
    const config = parseConfig({});
    expect(config).toEqual({
      redis: { mode: 'single', url: 'redis://127.0.0.1:6379', waitReplicas: 0, waitTimeoutMs: 1000 },
      http: { port: 8080, host: '127.0.0.1', trustProxy: false },
      ari: { simulated: true, app: 'ivr-12345', reconnectMaxDelayMs: 10_000 },
      ami: { simulated: true },
      ivr: { flowPath: 'ivr-flows/12345.yaml', soundsDir: 'asterisk-config/sounds', callLimits: { callsPerHour: 10, callsPerDay: 30, abuseFactor: 5, idleLimitMs: 180_000 } },
      emergency: {
        routes: {
          '110': ['PJSIP/110@psap-police', 'PJSIP/110@psap-police-backup'],
          '119': ['PJSIP/119@psap-fire', 'PJSIP/119@psap-fire-backup'],
          '120': ['PJSIP/120@psap-ambulance', 'PJSIP/120@psap-ambulance-backup'],
          '122': ['PJSIP/122@psap-traffic', 'PJSIP/122@psap-traffic-backup'],
        },
        ringTimeoutMs: { '110': 20_000, '119': 20_000, '120': 20_000, '122': 20_000 },
        rounds: 3,
      },
      fallback: { context: 'ivr-fallback', queueExten: 'queue', menuExten: 'menu' },
      intake: {
        dataDir: 'data',
        prefix: 'hotline',
        ticketBlock: 1000,
        ticketShard: { index: 0, count: 1 },
        idempotencyTtlMs: 30 * 86_400_000,
        recordRetentionMs: 400 * 86_400_000,
        apiKeysFile: 'data/api-keys.json',
        bodyLimitBytes: 1024 ** 2,
        attachmentMaxBytes: 20 * 1024 ** 2,
        attachmentMaxFiles: 10,
        formRatePerMinute: 20,
        open311Jurisdiction: '12345.beijing.gov.cn',
        open311PublicFields: [...OPEN311_PUBLIC_FIELDS],
        dispositionsFile: 'ivr-flows/dispositions.yaml',
      },
      email: null,
      wechat: null,
      limits: {
        submissionsPerHour: { ip: 30, apiKey: 10_000, openid: 30, email: 20 },
        flaggedSubmissionsPerHour: 2,
        flagAuditRetentionMs: 1095 * 86_400_000,
      },
      acd: {
        enabled: true,
        gatewayId: 'ivr-12345@simulator',
        ringTimeoutMs: 15_000,
        wrapUpMs: 30_000,
        widenEveryMs: 30_000,
        overflowAfterMs: 120_000,
        announceEveryMs: 45_000,
        optionsAfterMs: 60_000,
        callback: true,
        callbackDial: null,
        callbackCallerId: '12345',
        callbackRingTimeoutMs: 30_000,
        callbackAttempts: 3,
        callbackRetryMs: 120_000,
        callbackConcurrency: 4,
        voicemail: true,
        survey: true,
        record: false,
        mohClass: 'hotline',
        reservationMs: 5_000,
      },
      staff: { sessionTtlMs: 10 * 3_600_000, loginFailuresPerId: 5, loginFailuresPerIp: 30, cookieSecure: 'auto', scryptCost: 15 },
      log: { level: 'info' },
      shutdownGraceMs: 10_000,
    });
  });

  it('names the gateway in the shared call queue after its ARI application and Asterisk, unless ACD_GATEWAY_ID says', () => {
    const real = { ARI_URL: 'http://pbx-2:8088', ARI_USERNAME: 'u', ARI_PASSWORD: 'p', AMI_HOST: 'pbx-2', AMI_USERNAME: 'u', AMI_SECRET: 's', ARI_APP: 'hotline-b' };
    expect(parseConfig(real).acd.gatewayId).toBe('hotline-b@pbx-2:8088');
    expect(parseConfig({ ...real, ACD_GATEWAY_ID: 'gw-2' }).acd.gatewayId).toBe('gw-2');
  });

  it("reads staff sign-in as operators write it: durations, counts, the cookie's Secure and scrypt's cost", () => {
    const env = { STAFF_SESSION_TTL: '8h', STAFF_LOGIN_FAILURES: '3', STAFF_LOGIN_FAILURES_PER_IP: '500', STAFF_COOKIE_SECURE: 'On', STAFF_SCRYPT_COST: '10' };
    expect(parseConfig(env).staff).toEqual({ sessionTtlMs: 8 * 3_600_000, loginFailuresPerId: 3, loginFailuresPerIp: 500, cookieSecure: 'on', scryptCost: 10 });
    expect(parseConfig({ STAFF_SESSION_TTL: '1s', STAFF_COOKIE_SECURE: 'off' }).staff).toMatchObject({ sessionTtlMs: 1000, cookieSecure: 'off' });
    expect(parseConfig({ STAFF_SESSION_TTL: '7d' }).staff.sessionTtlMs).toBe(7 * 86_400_000);
  });

  it('treats blank values as unset', () => {
    expect(parseConfig({ HTTP_PORT: '', LOG_LEVEL: '  ', ARI_URL: '' })).toEqual(parseConfig({}));
  });

  it('ignores variables it does not know', () => {
    expect(parseConfig({ PATH: '/usr/bin', HOME: '/root' })).toEqual(parseConfig({}));
  });
});

describe('parseConfig good forms', () => {
  const cases: [string, string, (c: Config) => unknown, unknown][] = [
    ['REDIS_URL', 'redis://cache:6380/2', (c) => c.redis.mode === 'single' && c.redis.url, 'redis://cache:6380/2'],
    ['REDIS_URL', 'rediss://:pw@cache.example:6380', (c) => c.redis.mode === 'single' && c.redis.url, 'rediss://:pw@cache.example:6380'],
    ['REDIS_WAIT_REPLICAS', '2', (c) => c.redis.waitReplicas, 2],
    ['REDIS_WAIT_TIMEOUT', '250ms', (c) => c.redis.waitTimeoutMs, 250],
    ['HTTP_PORT', '9090', (c) => c.http.port, 9090],
    ['HTTP_PORT', '65535', (c) => c.http.port, 65535],
    ['HTTP_PORT', '1', (c) => c.http.port, 1],
    ['HTTP_HOST', '127.0.0.1', (c) => c.http.host, '127.0.0.1'],
    ['HTTP_BODY_LIMIT', '512KB', (c) => c.intake.bodyLimitBytes, 512 * 1024],
    ['HTTP_TRUST_PROXY', 'true', (c) => c.http.trustProxy, true],
    ['HTTP_TRUST_PROXY', '2', (c) => c.http.trustProxy, 2],
    ['HTTP_TRUST_PROXY', '10.0.0.0/8, 127.0.0.1', (c) => c.http.trustProxy, '10.0.0.0/8,127.0.0.1'],
    ['ATTACHMENT_MAX_BYTES', '5000000', (c) => c.intake.attachmentMaxBytes, 5_000_000],
    ['INTAKE_IDEMPOTENCY_TTL', '12h', (c) => c.intake.idempotencyTtlMs, 12 * 3_600_000],
    ['INTAKE_RECORD_RETENTION', '90d', (c) => c.intake.recordRetentionMs, 90 * 86_400_000],
    ['HTTP_HOST', '::', (c) => c.http.host, '::'],
    ['HTTP_HOST', 'gateway.local', (c) => c.http.host, 'gateway.local'],
    ['ARI_APP', 'hotline_ivr.v2', (c) => c.ari.app, 'hotline_ivr.v2'],
    ['IVR_FLOW', '/etc/hotline/flow.yaml', (c) => c.ivr.flowPath, '/etc/hotline/flow.yaml'],
    ['SOUNDS_DIR', '/var/lib/asterisk/sounds/hotline', (c) => c.ivr.soundsDir, '/var/lib/asterisk/sounds/hotline'],
    ['IVR_CALLS_PER_HOUR', '4', (c) => c.ivr.callLimits.callsPerHour, 4],
    ['IVR_CALLS_PER_DAY', '12', (c) => c.ivr.callLimits.callsPerDay, 12],
    ['IVR_ABUSE_FACTOR', '3', (c) => c.ivr.callLimits.abuseFactor, 3],
    ['IVR_IDLE_LIMIT', '0', (c) => c.ivr.callLimits.idleLimitMs, 0],
    ['IVR_IDLE_LIMIT', '90s', (c) => c.ivr.callLimits.idleLimitMs, 90_000],
    ['EMERGENCY_ROUNDS', '1', (c) => c.emergency.rounds, 1],
    ['EMERGENCY_ROUNDS', '10', (c) => c.emergency.rounds, 10],
    ['FALLBACK_CONTEXT', 'hotline-fallback', (c) => c.fallback.context, 'hotline-fallback'],
    ['FALLBACK_QUEUE_EXTEN', 'agents', (c) => c.fallback.queueExten, 'agents'],
    ['FALLBACK_MENU_EXTEN', 's', (c) => c.fallback.menuExten, 's'],
    ['LOG_LEVEL', 'debug', (c) => c.log.level, 'debug'],
    ['LOG_LEVEL', 'WARN', (c) => c.log.level, 'warn'],
    ['LOG_LEVEL', 'silent', (c) => c.log.level, 'silent'],
    ['SHUTDOWN_GRACE', '30s', (c) => c.shutdownGraceMs, 30_000],
    ['SHUTDOWN_GRACE', '0', (c) => c.shutdownGraceMs, 0],
    ['SHUTDOWN_GRACE', '1m', (c) => c.shutdownGraceMs, 60_000],
    ['ARI_RECONNECT_MAX_DELAY', '2500ms', (c) => c.ari.reconnectMaxDelayMs, 2500],
    ['ARI_RECONNECT_MAX_DELAY', '1.5', (c) => c.ari.reconnectMaxDelayMs, 1500],
  ];
  it.each(cases)('%s=%s', (name, value, read, expected) => {
    expect(read(parseConfig({ [name]: value }))).toEqual(expected);
  });

  it.each(['110', '119', '120', '122'] as const)('EMERGENCY_DIAL_%s and EMERGENCY_RING_TIMEOUT_%s', (service) => {
    const config = parseConfig({
      [`EMERGENCY_DIAL_${service}`]: ` PJSIP/${service}@line-a , Local/${service}@emergency-fallback,SIP/trunk/${service}`,
      [`EMERGENCY_RING_TIMEOUT_${service}`]: '15s',
    });
    expect(config.emergency.routes[service]).toEqual([`PJSIP/${service}@line-a`, `Local/${service}@emergency-fallback`, `SIP/trunk/${service}`]);
    expect(config.emergency.ringTimeoutMs[service]).toBe(15_000);
    // The other services keep their defaults: timeouts are per service.
    for (const other of (['110', '119', '120', '122'] as const).filter((s) => s !== service)) {
      expect(config.emergency.ringTimeoutMs[other]).toBe(20_000);
    }
  });

  it.each([
    ['20s', 20_000],
    ['1500ms', 1500],
    ['2m', 120_000],
    ['25', 25_000],
    ['2.5s', 2500],
  ])('ring timeout %s is %i ms', (text, ms) => {
    expect(parseConfig({ EMERGENCY_RING_TIMEOUT_120: text }).emergency.ringTimeoutMs['120']).toBe(ms);
  });

  it('uses a real Asterisk when ARI_URL is set, with AMI', () => {
    const config = parseConfig({ ...REAL_ASTERISK, AMI_PORT: '15038' });
    expect(config.ari).toEqual({
      simulated: false,
      url: 'http://pbx.example:8088',
      username: 'gateway',
      password: 'ari-pass-s3cret',
      app: 'ivr-12345',
      reconnectMaxDelayMs: 10_000,
    });
    expect(config.ami).toEqual({ simulated: false, host: 'pbx.example', port: 15038, username: 'watch', secret: 'ami-s3cret' });
  });

  it('accepts https and a trailing slash on ARI_URL', () => {
    const config = parseConfig({ ...REAL_ASTERISK, ARI_URL: 'https://pbx.example:8089/' });
    expect(config.ari.simulated === false && config.ari.url).toBe('https://pbx.example:8089');
  });

  it('listens on loopback only with the simulator, on all interfaces with a real Asterisk', () => {
    const smtp = { SMTP_ACCEPT: '@hotline.example' };
    const simulated = parseConfig(smtp);
    expect([simulated.http.host, simulated.email?.host]).toEqual(['127.0.0.1', '127.0.0.1']);
    const real = parseConfig({ ...REAL_ASTERISK, ...smtp });
    expect([real.http.host, real.email?.host]).toEqual(['0.0.0.0', '0.0.0.0']);
    const chosen = parseConfig({ ...smtp, HTTP_HOST: '0.0.0.0', SMTP_HOST: '::' });
    expect([chosen.http.host, chosen.email?.host]).toEqual(['0.0.0.0', '::']);
  });

  it('reads API_KEYS_FILE and the simulator ports alone, as the CLI needs them', () => {
    expect(apiKeysFileFromEnv({})).toBe('data/api-keys.json');
    expect(apiKeysFileFromEnv({ API_KEYS_FILE: '/etc/hotline/keys.json', ARI_URL: 'not checked here' })).toBe('/etc/hotline/keys.json');
    expect(apiKeysFileFromEnv({})).toBe(parseConfig({}).intake.apiKeysFile);
    expect(() => apiKeysFileFromEnv({ API_KEYS_FILE: ' a b' })).not.toThrow();
    expect(simulatorPortsFromEnv({})).toEqual({ ari: 8088, ami: 5038 });
    expect(simulatorPortsFromEnv({ SIMULATOR_ARI_PORT: '18088', SIMULATOR_AMI_PORT: '15038' })).toEqual({ ari: 18088, ami: 15038 });
    expect(() => simulatorPortsFromEnv({ SIMULATOR_AMI_PORT: '70000' })).toThrow(/SIMULATOR_AMI_PORT="70000": expected an integer port 1-65535/);
  });

  it('defaults AMI_PORT to 5038', () => {
    const config = parseConfig(REAL_ASTERISK);
    expect(config.ami.simulated === false && config.ami.port).toBe(5038);
  });
});

describe('parseConfig bad forms', () => {
  it.each([
    ['REDIS_URL', 'http://cache:6379', 'REDIS_URL="http://cache:6379": expected a redis:// or rediss:// URL'],
    ['REDIS_URL', 'cache:6379', 'REDIS_URL="cache:6379": expected a redis:// or rediss:// URL'],
    ['HTTP_PORT', 'abc', 'HTTP_PORT="abc": expected an integer port 1-65535'],
    ['HTTP_PORT', '0', 'HTTP_PORT="0": expected an integer port 1-65535'],
    ['HTTP_PORT', '65536', 'HTTP_PORT="65536": expected an integer port 1-65535'],
    ['HTTP_PORT', '80.5', 'HTTP_PORT="80.5": expected an integer port 1-65535'],
    ['HTTP_PORT', '-1', 'HTTP_PORT="-1": expected an integer port 1-65535'],
    ['HTTP_HOST', 'two words', 'HTTP_HOST="two words": expected a host name or IP address'],
    ['ARI_APP', 'my app', 'ARI_APP="my app": expected a Stasis application name'],
    ['AMI_PORT', 'x', 'AMI_PORT="x": expected an integer port 1-65535'],
    ['ACD', 'yes', 'ACD="yes": expected on or off'],
    ['ACD_SURVEY', '1', 'ACD_SURVEY="1": expected on or off'],
    ['ACD_GATEWAY_ID', 'gw one', 'ACD_GATEWAY_ID="gw one": expected 1-100 letters'],
    ['ACD_RING_TIMEOUT', '500ms', 'ACD_RING_TIMEOUT="500ms"'],
    ['ACD_MOH_CLASS', 'my class', 'ACD_MOH_CLASS="my class": expected a music-on-hold class name'],
    ['ACD_CALLBACK_DIAL', 'PJSIP/carrier', 'ACD_CALLBACK_DIAL="PJSIP/carrier": expected a dial string TECH/resource with {number} once'],
    ['ACD_CALLBACK_DIAL', 'PJSIP/{number}@carrier,30', 'ACD_CALLBACK_DIAL="PJSIP/{number}@carrier,30": expected a dial string'],
    ['ACD_CALLBACK_DIAL', '{number}', 'ACD_CALLBACK_DIAL="{number}": expected a dial string'],
    ['ACD_CALLBACK_ATTEMPTS', '0', 'ACD_CALLBACK_ATTEMPTS="0": expected an integer 1-10'],
    ['ACD_CALLBACK_CALLER_ID', 'hotline', 'ACD_CALLBACK_CALLER_ID="hotline": expected a caller number'],
    ['STAFF_SESSION_TTL', '500ms', 'STAFF_SESSION_TTL="500ms": expected a duration'],
    ['STAFF_SESSION_TTL', '8d', 'STAFF_SESSION_TTL="8d": expected a duration such as 20s, 1500ms, 2m, 12h, 30d or plain seconds, at most 7d'],
    ['STAFF_LOGIN_FAILURES', '0', 'STAFF_LOGIN_FAILURES="0": expected an integer 1-1000'],
    ['STAFF_LOGIN_FAILURES_PER_IP', 'many', 'STAFF_LOGIN_FAILURES_PER_IP="many": expected an integer 1-100000'],
    ['STAFF_COOKIE_SECURE', 'yes', 'STAFF_COOKIE_SECURE="yes": expected on, off or auto'],
    ['STAFF_SCRYPT_COST', '9', 'STAFF_SCRYPT_COST="9": expected an integer 10-20 (log2 of scrypt N)'],
    ['STAFF_SCRYPT_COST', '32768', 'STAFF_SCRYPT_COST="32768": expected an integer 10-20'],
    ['EMERGENCY_ROUNDS', '0', 'EMERGENCY_ROUNDS="0": expected an integer 1-10'],
    ['EMERGENCY_ROUNDS', '11', 'EMERGENCY_ROUNDS="11": expected an integer 1-10'],
    ['EMERGENCY_ROUNDS', 'three', 'EMERGENCY_ROUNDS="three": expected an integer 1-10'],
    ['FALLBACK_CONTEXT', 'ivr fallback', 'FALLBACK_CONTEXT="ivr fallback": expected a dialplan context name'],
    ['FALLBACK_QUEUE_EXTEN', 'q,1', 'FALLBACK_QUEUE_EXTEN="q,1": expected a dialplan extension'],
    ['FALLBACK_MENU_EXTEN', 'm(1)', 'FALLBACK_MENU_EXTEN="m(1)": expected a dialplan extension'],
    ['LOG_LEVEL', 'verbose', 'LOG_LEVEL="verbose": expected one of fatal, error, warn, info, debug, trace, silent'],
    ['SHUTDOWN_GRACE', '10 minutes', 'SHUTDOWN_GRACE="10 minutes": expected a duration such as 20s, 1500ms, 2m, 12h, 30d or plain seconds'],
    ['SHUTDOWN_GRACE', '-5s', 'SHUTDOWN_GRACE="-5s": expected a duration'],
    ['ARI_RECONNECT_MAX_DELAY', '0', 'ARI_RECONNECT_MAX_DELAY="0": expected a duration'],
    ['ARI_RECONNECT_MAX_DELAY', '1 hour', 'ARI_RECONNECT_MAX_DELAY="1 hour": expected a duration'],
    ['INTAKE_PREFIX', '{hot}', 'INTAKE_PREFIX="{hot}": expected 1-64 letters, digits'],
    ['INTAKE_PREFIX', 'hot}line', 'Redis Cluster hash tag {INTAKE_PREFIX}'],
    ['REDIS_WAIT_REPLICAS', '-1', 'REDIS_WAIT_REPLICAS="-1": expected a number of replicas 0-16'],
    ['REDIS_WAIT_REPLICAS', '17', 'REDIS_WAIT_REPLICAS="17": expected a number of replicas 0-16'],
    ['REDIS_WAIT_TIMEOUT', '0', 'REDIS_WAIT_TIMEOUT="0": expected a duration'],
    ['REDIS_WAIT_TIMEOUT', '2m', 'REDIS_WAIT_TIMEOUT="2m": expected at most 30s'],
    ['REDIS_CLUSTER_NODES', '10.0.0.1', 'REDIS_CLUSTER_NODES="10.0.0.1": expected comma-separated host:port entries'],
    ['REDIS_CLUSTER_NODES', 'n1:7000,n2', 'REDIS_CLUSTER_NODES="n1:7000,n2": expected comma-separated host:port entries such as 10.0.0.1:7000,10.0.0.2:7000 ([::1]:7000 for IPv6); bad: "n2"'],
    ['REDIS_SENTINEL_MASTER', 'mymaster', 'REDIS_SENTINEL_MASTER: is set but REDIS_SENTINELS is not'],
    ['REDIS_PASSWORD', 'pw', 'REDIS_PASSWORD: is for REDIS_CLUSTER_NODES and REDIS_SENTINELS: with one server put it in REDIS_URL'],
    ['INTAKE_TICKET_BLOCK', '5', 'INTAKE_TICKET_BLOCK="5": expected an integer 10-1000000'],
    ['INTAKE_IDEMPOTENCY_TTL', '10s', 'INTAKE_IDEMPOTENCY_TTL="10s": expected a duration'],
    ['INTAKE_RECORD_RETENTION', '7d', 'INTAKE_RECORD_RETENTION="7d": expected at least INTAKE_IDEMPOTENCY_TTL (2592000 s)'],
    ['HTTP_BODY_LIMIT', '1 TB', 'HTTP_BODY_LIMIT="1 TB": expected a size such as 512KB'],
    ['ATTACHMENT_MAX_BYTES', '2GB', 'ATTACHMENT_MAX_BYTES="2GB": expected a size'],
    ['ATTACHMENT_MAX_FILES', '21', 'ATTACHMENT_MAX_FILES="21": expected an integer 1-20'],
    ['FORM_RATE_LIMIT', '0', 'FORM_RATE_LIMIT="0": expected an integer'],
    ['IVR_CALLS_PER_HOUR', '0', 'IVR_CALLS_PER_HOUR="0": expected an integer 1-10000'],
    ['IVR_CALLS_PER_DAY', 'many', 'IVR_CALLS_PER_DAY="many": expected an integer 1-100000'],
    ['IVR_ABUSE_FACTOR', '1', 'IVR_ABUSE_FACTOR="1": expected an integer 2-100'],
    ['HTTP_TRUST_PROXY', 'proxy.example', 'HTTP_TRUST_PROXY="proxy.example": expected true, false'],
    ['SMTP_ACCEPT', 'hotline.example', 'SMTP_ACCEPT="hotline.example": expected comma-separated addresses or @domains'],
    ['SMTP_RELAY_URL', 'smtp://relay:25', 'SMTP_RELAY_URL: is set but SMTP_ACCEPT is not'],
    ['OPEN311_JURISDICTION', 'a b', 'OPEN311_JURISDICTION="a b": expected a jurisdiction id'],
    ['ARI_URL', 'pbx:8088', 'ARI_URL="pbx:8088": expected the http:// or https:// URL'],
    ['ARI_URL', 'ws://pbx:8088', 'ARI_URL="ws://pbx:8088": expected the http:// or https:// URL'],
    ['ARI_URL', 'http://pbx:8088/ari', 'ARI_URL="http://pbx:8088/ari": expected no path, query or fragment'],
  ] as const)('%s=%s', (name, value, message) => {
    const env = name === 'ARI_URL' ? { ...REAL_ASTERISK, [name]: value } : { [name]: value };
    const error = problemsOf(env);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.problems.map((p) => p.variable)).toEqual([name]);
    expect(error.message).toContain(message);
  });

  it.each(['110', '119', '120', '122'] as const)('EMERGENCY_DIAL_%s and EMERGENCY_RING_TIMEOUT_%s bad forms', (service) => {
    for (const bad of ['110', 'PJSIP/', '/110@x', 'PJSIP/110@a,', 'PJSIP/110@a&PJSIP/110@b', 'PJSIP/110 @a', 'PJSIP/110@a,,PJSIP/110@b']) {
      const error = problemsOf({ [`EMERGENCY_DIAL_${service}`]: bad });
      expect(error.problems.map((p) => p.variable)).toEqual([`EMERGENCY_DIAL_${service}`]);
      expect(error.message).toContain(`EMERGENCY_DIAL_${service}=${JSON.stringify(bad)}: expected comma-separated TECH/resource dial strings`);
    }
    for (const bad of ['soon', '0', '500ms', '20 s s', '1w']) {
      const error = problemsOf({ [`EMERGENCY_RING_TIMEOUT_${service}`]: bad });
      expect(error.problems.map((p) => p.variable)).toEqual([`EMERGENCY_RING_TIMEOUT_${service}`]);
      expect(error.message).toContain(`EMERGENCY_RING_TIMEOUT_${service}=${JSON.stringify(bad)}: expected a duration`);
    }
  });

  it('names which dial strings are bad', () => {
    const error = problemsOf({ EMERGENCY_DIAL_119: 'PJSIP/119@fire,,fire-backup' });
    expect(error.message).toContain('bad: an empty entry, "fire-backup"');
  });

  it('requires ARI credentials and AMI when ARI_URL is set', () => {
    const error = problemsOf({ ARI_URL: 'http://pbx:8088' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['AMI_HOST', 'ARI_PASSWORD', 'ARI_USERNAME']);
    expect(error.message).toContain('ARI_USERNAME: required when ARI_URL is set');
    expect(error.message).toContain('ARI_PASSWORD: required when ARI_URL is set');
    expect(error.message).toContain('AMI_HOST: required when ARI_URL is set');
  });

  it('requires AMI credentials when AMI_HOST is set', () => {
    const error = problemsOf({ ...REAL_ASTERISK, AMI_USERNAME: undefined, AMI_SECRET: ' ' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['AMI_SECRET', 'AMI_USERNAME']);
    expect(error.message).toContain('AMI_SECRET: required when AMI_HOST is set');
  });

  it('rejects a bad AMI_HOST', () => {
    const error = problemsOf({ ...REAL_ASTERISK, AMI_HOST: 'pbx example' });
    expect(error.message).toContain('AMI_HOST="pbx example": expected a host name or IP address');
  });

  it('rejects AMI_HOST with the simulator, since both must reach the same Asterisk', () => {
    const error = problemsOf({ AMI_HOST: 'pbx', AMI_USERNAME: 'u', AMI_SECRET: 's' });
    expect(error.problems.map((p) => p.variable)).toEqual(['AMI_HOST']);
    expect(error.message).toContain('AMI_HOST="pbx": must be unset when ARI_URL is unset');
  });

  it('lists every bad variable at once', () => {
    const error = problemsOf({ HTTP_PORT: 'abc', LOG_LEVEL: 'loud', EMERGENCY_ROUNDS: '0', EMERGENCY_DIAL_122: 'x', SHUTDOWN_GRACE: 'later' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['EMERGENCY_DIAL_122', 'EMERGENCY_ROUNDS', 'HTTP_PORT', 'LOG_LEVEL', 'SHUTDOWN_GRACE']);
    expect(error.message).toMatch(/^invalid configuration \(5 problems\):\n/);
    for (const p of error.problems) expect(error.message).toContain(p.problem);
  });
});

describe('secrets', () => {
  it('never appear in error messages', () => {
    const error = problemsOf({
      ...REAL_ASTERISK,
      ARI_URL: 'http://admin:url-s3cret@pbx:8088',
      REDIS_URL: 'http://:redis-s3cret@cache:6379',
      HTTP_PORT: 'abc',
    });
    expect(error.message).not.toMatch(/s3cret/);
    expect(error.message).toContain('ARI_URL: must not contain credentials');
    expect(error.message).toContain('REDIS_URL="http://***@cache:6379"');
  });

  it('are hidden by redactedConfig', () => {
    const config = parseConfig({ ...REAL_ASTERISK, REDIS_URL: 'redis://user:redis-s3cret@cache:6379' });
    const redacted = redactedConfig(config);
    expect(JSON.stringify(redacted)).not.toMatch(/s3cret/);
    expect(redacted.ari.simulated === false && redacted.ari.password).toBe('[redacted]');
    expect(redacted.ami.simulated === false && redacted.ami.secret).toBe('[redacted]');
    expect(redacted.redis.mode === 'single' && redacted.redis.url).toBe('redis://***@cache:6379');
    // Everything else is kept, for the start-up log to be useful.
    expect(redacted.ari.simulated === false && redacted.ari.username).toBe('gateway');
    expect(redacted.emergency).toEqual(config.emergency);
    // The original is untouched.
    expect(config.ari.simulated === false && config.ari.password).toBe('ari-pass-s3cret');
  });

  it('redactedConfig keeps a simulated configuration as is', () => {
    const config = parseConfig({});
    expect(redactedConfig(config)).toEqual(config);
  });
});

describe('CONFIG_DOC', () => {
  it('documents every variable parseConfig reads, secrets marked', () => {
    const names = CONFIG_DOC.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS', 'REDIS_SENTINEL_MASTER', 'REDIS_SENTINEL_PASSWORD', 'REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_WAIT_REPLICAS', 'REDIS_WAIT_TIMEOUT', 'HTTP_PORT', 'HTTP_HOST', 'ARI_URL', 'ARI_USERNAME', 'ARI_PASSWORD', 'ARI_APP', 'AMI_HOST', 'AMI_PORT', 'AMI_USERNAME', 'AMI_SECRET', 'IVR_FLOW', 'SOUNDS_DIR', 'IVR_CALLS_PER_HOUR', 'IVR_CALLS_PER_DAY', 'IVR_ABUSE_FACTOR', 'IVR_IDLE_LIMIT', 'EMERGENCY_DIAL_110', 'EMERGENCY_DIAL_119', 'EMERGENCY_DIAL_120', 'EMERGENCY_DIAL_122', 'EMERGENCY_RING_TIMEOUT_110', 'EMERGENCY_RING_TIMEOUT_119', 'EMERGENCY_RING_TIMEOUT_120', 'EMERGENCY_RING_TIMEOUT_122', 'EMERGENCY_ROUNDS', 'FALLBACK_CONTEXT', 'FALLBACK_QUEUE_EXTEN', 'FALLBACK_MENU_EXTEN', 'LOG_LEVEL', 'SHUTDOWN_GRACE', 'ARI_RECONNECT_MAX_DELAY', 'DATA_DIR', 'INTAKE_PREFIX', 'INTAKE_TICKET_BLOCK', 'INTAKE_SHARD', 'INTAKE_IDEMPOTENCY_TTL', 'INTAKE_RECORD_RETENTION', 'API_KEYS_FILE', 'HTTP_BODY_LIMIT', 'ATTACHMENT_MAX_BYTES', 'ATTACHMENT_MAX_FILES', 'FORM_RATE_LIMIT', 'OPEN311_JURISDICTION', 'OPEN311_PUBLIC_FIELDS', 'CASE_SECRET', 'HTTP_TRUST_PROXY']) {
      expect(names).toContain(name);
    }
    expect(CONFIG_DOC.filter((v) => v.secret === true).map((v) => v.name)).toEqual([
      'REDIS_SENTINEL_PASSWORD',
      'REDIS_PASSWORD',
      'ARI_PASSWORD',
      'AMI_SECRET',
      'CASE_SECRET',
      'SMTP_RELAY_URL',
      'WECHAT_TOKEN',
      'WECHAT_ENCODING_AES_KEY',
      'WECHAT_PREVIOUS_ENCODING_AES_KEY',
      'WECHAT_APPSECRET',
    ]);
  });

  it('documented defaults are the ones parseConfig applies', () => {
    const env = Object.fromEntries(CONFIG_DOC.flatMap((v) => (v.default === null ? [] : [[v.name, v.simulatorDefault ?? v.default]])));
    expect(parseConfig(env)).toEqual(parseConfig({}));
    const real = Object.fromEntries(CONFIG_DOC.flatMap((v) => (v.default === null ? [] : [[v.name, v.default]])));
    expect(parseConfig({ ...real, ...REAL_ASTERISK })).toEqual(parseConfig(REAL_ASTERISK));
  });

  it('renders a Markdown table', () => {
    const table = configDocMarkdown();
    expect(table.split('\n')).toHaveLength(CONFIG_DOC.length + 2);
    expect(table).toContain('| `HTTP_PORT` | `8080` |');
    expect(table).toContain('| `ARI_PASSWORD` | - |');
  });
});

describe('parseConfig Redis topologies', () => {
  it('reads a cluster from its seed nodes, IPv6 in brackets, with the data nodes\' credentials', () => {
    const config = parseConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b.internal:7001,[::1]:7002', REDIS_USERNAME: 'gateway', REDIS_PASSWORD: 'node-s3cret' });
    expect(config.redis).toEqual({
      mode: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-b.internal', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      username: 'gateway',
      password: 'node-s3cret',
      waitReplicas: 0,
      waitTimeoutMs: 1000,
    });
    expect(redisLabel(config.redis)).toBe('cluster 10.0.0.1:7000,redis-b.internal:7001,[::1]:7002');
    expect(JSON.stringify(redactedConfig(config))).not.toMatch(/s3cret/);
  });

  it('reads a Sentinel-managed master with WAIT for one replica', () => {
    const config = parseConfig({
      REDIS_SENTINELS: 's1:26379,s2:26379,s3:26379',
      REDIS_SENTINEL_MASTER: 'hotline-main',
      REDIS_SENTINEL_PASSWORD: 'sentinel-s3cret',
      REDIS_WAIT_REPLICAS: '1',
      REDIS_WAIT_TIMEOUT: '500ms',
    });
    expect(config.redis).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
        { host: 's3', port: 26379 },
      ],
      masterName: 'hotline-main',
      sentinelPassword: 'sentinel-s3cret',
      waitReplicas: 1,
      waitTimeoutMs: 500,
    });
    expect(redisLabel(config.redis)).toBe('master "hotline-main" of sentinels s1:26379,s2:26379,s3:26379');
    expect(JSON.stringify(redactedConfig(config))).not.toMatch(/s3cret/);
  });

  it('takes exactly one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS, naming the ones set', () => {
    const error = problemsOf({ REDIS_URL: 'redis://cache:6379', REDIS_CLUSTER_NODES: 'n1:7000', REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_MASTER: 'm' });
    expect(error.problems.map((p) => p.variable)).toEqual(['REDIS_CLUSTER_NODES', 'REDIS_SENTINELS']);
    expect(error.message).toContain('REDIS_CLUSTER_NODES: set only one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS (REDIS_URL and REDIS_CLUSTER_NODES and REDIS_SENTINELS are set)');
  });

  it('needs the master name with the sentinels, and names every bad node', () => {
    expect(problemsOf({ REDIS_SENTINELS: 's1:26379' }).message).toContain('REDIS_SENTINEL_MASTER: required when REDIS_SENTINELS is set');
    expect(problemsOf({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_MASTER: 'my master' }).message).toContain('REDIS_SENTINEL_MASTER="my master": expected a master name');
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'a:1,,b:99999,c d:7000' }).message).toContain('bad: an empty entry, "b:99999", "c d:7000"');
  });
});

describe('parseConfig case secret and Open311 fields', () => {
  it('takes a CASE_SECRET of at least 32 characters, and never shows it', () => {
    const secret = 'x'.repeat(32);
    expect(parseConfig({ CASE_SECRET: secret }).intake.caseSecret).toBe(secret);
    expect(parseConfig({}).intake.caseSecret).toBeUndefined();
    expect(() => parseConfig({ CASE_SECRET: 'short-secret' })).toThrow(/CASE_SECRET \(value hidden\): expected at least 32 characters/);
  });

  it('takes INTAKE_SHARD as INDEX/COUNT, and several shards only with one CASE_SECRET', () => {
    const secret = 'x'.repeat(32);
    expect(parseConfig({}).intake.ticketShard).toEqual({ index: 0, count: 1 });
    expect(parseConfig({ INTAKE_SHARD: '2/8', CASE_SECRET: secret }).intake.ticketShard).toEqual({ index: 2, count: 8 });
    expect(() => parseConfig({ INTAKE_SHARD: '2/8' })).toThrow(/INTAKE_SHARD="2\/8": several shards need one CASE_SECRET/);
    expect(() => parseConfig({ INTAKE_SHARD: '8/8', CASE_SECRET: secret })).toThrow(/INTAKE_SHARD="8\/8": the index counts from 0, so it must be below the count 8, got 8/);
    expect(() => parseConfig({ INTAKE_SHARD: 'east', CASE_SECRET: secret })).toThrow(/INTAKE_SHARD="east": expected INDEX\/COUNT/);
    expect(() => parseConfig({ INTAKE_SHARD: '0/1001', CASE_SECRET: secret })).toThrow(/the count must be 1 to 1000, got 1001/);
  });

  it('takes the public Open311 fields from the GeoReport list only', () => {
    expect(parseConfig({ OPEN311_PUBLIC_FIELDS: 'status, service_code,status' }).intake.open311PublicFields).toEqual(['status', 'service_code']);
    expect(() => parseConfig({ OPEN311_PUBLIC_FIELDS: 'status,email' })).toThrow(/OPEN311_PUBLIC_FIELDS.*unknown field "email"/);
  });
});

describe('parseConfig channels', () => {
  it('leaves the email and WeChat channels off unless their switch variable is set', () => {
    const config = parseConfig({});
    expect(config.email).toBeNull();
    expect(config.wechat).toBeNull();
  });

  it('reads the email channel with its relay and TLS files', () => {
    const config = parseConfig({
      SMTP_ACCEPT: '12345@hotline.example, @hotline.example',
      SMTP_PORT: '2526',
      SMTP_RELAY_URL: 'smtp://relay.example:25',
      MAIL_FROM: 'noreply@hotline.example',
      SMTP_TLS_CERT: '/etc/tls/cert.pem',
      SMTP_TLS_KEY: '/etc/tls/key.pem',
      SMTP_MAX_BYTES: '10MB',
    });
    expect(config.email).toEqual({
      accept: '12345@hotline.example,@hotline.example',
      port: 2526,
      host: '127.0.0.1',
      serverName: null,
      maxBytes: 10 * 1024 ** 2,
      maxRecipients: 50,
      tls: { certPath: '/etc/tls/cert.pem', keyPath: '/etc/tls/key.pem' },
      relay: { url: 'smtp://relay.example:25', from: 'noreply@hotline.example' },
    });
  });

  it('names what the email channel is missing', () => {
    const error = problemsOf({ SMTP_ACCEPT: '@hotline.example', SMTP_RELAY_URL: 'smtp://relay:25', SMTP_TLS_CERT: '/c.pem' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['MAIL_FROM', 'SMTP_TLS_KEY']);
  });

  it('reads the WeChat channel and hides its secrets in errors', () => {
    const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    const config = parseConfig({ WECHAT_TOKEN: 'AAAAA', WECHAT_APPID: 'wxb11529c136998cb6', WECHAT_ENCODING_AES_KEY: key, WECHAT_MERGE_WINDOW: '0' });
    expect(config.wechat).toMatchObject({ token: 'AAAAA', appId: 'wxb11529c136998cb6', encodingAesKey: key, mode: 'auto', mergeWindowMs: 0 });
    expect(redactedConfig(config).wechat).toMatchObject({ token: '[redacted]', encodingAesKey: '[redacted]' });
    const error = problemsOf({ WECHAT_TOKEN: 'AAAAA', WECHAT_ENCODING_AES_KEY: 'short-secret', WECHAT_MODE: 'wecom' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['WECHAT_APPID', 'WECHAT_ENCODING_AES_KEY']);
    expect(error.message).toContain('WECHAT_ENCODING_AES_KEY (value hidden): expected the 43-character EncodingAESKey');
    expect(error.message).not.toContain('short-secret');
    const token = problemsOf({ WECHAT_TOKEN: 'not a token', WECHAT_APPID: 'wx1' });
    expect(token.message).toContain('WECHAT_TOKEN (value hidden): expected 3-32 letters or digits');
    expect(problemsOf({ WECHAT_TOKEN: 'AAAAA', WECHAT_APPID: 'wx1', WECHAT_MODE: 'wecom' }).problems.map((p) => p.variable)).toEqual(['WECHAT_ENCODING_AES_KEY']);
  });
});
