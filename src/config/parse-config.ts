// Turns the process environment into a validated `Config`. Pure: the caller passes `process.env`.
// Every variable is checked before failing, so one `ConfigError` lists all problems at once.

import { EMERGENCY_SERVICES } from '../domain/flow/types.js';
import type { EmergencyService } from '../domain/flow/types.js';
import { DEFAULT_EMERGENCY_ROUTES, DEFAULTS, CONFIG_DOC } from './config-doc.js';
import { ConfigError } from './config-error.js';
import type { ConfigProblem } from './config-error.js';
import { DURATION_FORM, parseDuration } from './duration.js';
import { HASH_TAG_FORM, HASH_TAG_TEXT } from './hash-tag.js';
import { LOG_LEVELS } from './types.js';
import { OPEN311_PUBLIC_FIELDS } from '../domain/open311/public-fields.js';
import type { Open311PublicField } from '../domain/open311/public-fields.js';
import { parseTicketShard, SINGLE_SHARD } from '../domain/access/ticket-shard.js';
import type { TicketShard } from '../domain/access/ticket-shard.js';
import { dialTemplateProblem } from '../domain/acd/callback-dial.js';
import type { AcdConfig, AmiConfig, AriConfig, Config, EmailConfig, HostPort, IntakeConfig, LimitsConfig, LogLevel, RedisConfig, RedisCredentials, RedisDurability, StaffConfig, WechatConfig } from './types.js';

export type Env = Readonly<Record<string, string | undefined>>;

const SECRET_VARIABLES = new Set(CONFIG_DOC.filter((v) => v.secret === true).map((v) => v.name));

/** `TECH/resource`: the technology, then a resource without spaces or the separators Dial and our lists use. */
const DIAL_STRING = /^[A-Za-z][A-Za-z0-9_-]*\/[^\s,&|;()'"]+$/;
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._:-]+)$/;
/** Dialplan/Stasis names: letters, digits and the punctuation Asterisk accepts without quoting. */
const ASTERISK_NAME = /^[A-Za-z0-9_.-]+$/;
/** Extensions may also hold `+`, `*` and `#`. */
const EXTENSION = /^[A-Za-z0-9_.+*#-]+$/;

/** `scheme://user:password@host` -> `scheme://***@host`, so a rejected URL can be quoted without its password. */
export function maskUrlCredentials(text: string): string {
  return text.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^@/]*@/, '$1***@');
}

class EnvReader {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly env: Env) {}

  /** The trimmed value; blank counts as unset so that `FOO=` in an env file means "use the default". */
  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  reject(name: string, value: string | undefined, expected: string): void {
    const shown = value === undefined ? name : SECRET_VARIABLES.has(name) ? `${name} (value hidden)` : `${name}=${JSON.stringify(maskUrlCredentials(value))}`;
    this.problems.push({ variable: name, problem: `${shown}: ${expected}` });
  }

  string(name: string, fallback: string, pattern: RegExp, form: string): string {
    const value = this.raw(name) ?? fallback;
    if (!pattern.test(value)) this.reject(name, value, `expected ${form}`);
    return value;
  }

  integer(name: string, fallback: string, min: number, max: number, form: string): number {
    const value = this.raw(name) ?? fallback;
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      this.reject(name, value, `expected ${form}`);
      return min;
    }
    return n;
  }

  port(name: string, fallback: string): number {
    return this.integer(name, fallback, 1, 65535, 'an integer port 1-65535');
  }

  duration(name: string, fallback: string, minMs: number): number {
    const value = this.raw(name) ?? fallback;
    const ms = parseDuration(value);
    if (ms === null || ms < minMs) {
      this.reject(name, value, `expected ${DURATION_FORM}${minMs > 0 ? `, at least ${minMs}ms` : ''}`);
      return minMs;
    }
    return ms;
  }

  /** `20MB`, `512KB`, `1GB` (binary multiples) or plain bytes. */
  bytes(name: string, fallback: string, min: number, max: number): number {
    const value = this.raw(name) ?? fallback;
    const match = /^(\d+)\s*(B|KB|MB|GB)?$/i.exec(value);
    const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(match?.[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb' | 'gb'];
    const n = match === null ? NaN : Number(match[1]) * unit;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      this.reject(name, value, `expected a size such as 512KB, 20MB or a number of bytes, from ${min} to ${max} bytes`);
      return min;
    }
    return n;
  }

  required(name: string, because: string): string {
    const value = this.raw(name);
    if (value === undefined) {
      this.reject(name, undefined, `required ${because}`);
      return '';
    }
    return value;
  }
}

const REDIS_SOURCES = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const;
/** A host name, an IPv4 address, or an IPv6 address in brackets, then a port. */
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;
const SENTINEL_MASTER = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_WAIT_TIMEOUT_MS = 30_000;

/** `host:port,host:port`; every bad entry is named in one problem. */
function readHostPorts(r: EnvReader, name: string, value: string): HostPort[] {
  const entries = value.split(',').map((s) => s.trim());
  const nodes: HostPort[] = [];
  const bad: string[] = [];
  for (const entry of entries) {
    const match = HOST_PORT.exec(entry);
    const port = Number(match?.[2]);
    if (match === null || port < 1 || port > 65535) bad.push(entry === '' ? 'an empty entry' : JSON.stringify(entry));
    else nodes.push({ host: (match[1] as string).replace(/^\[(.*)\]$/, '$1'), port });
  }
  if (bad.length > 0) r.reject(name, value, `expected comma-separated host:port entries such as 10.0.0.1:7000,10.0.0.2:7000 ([::1]:7000 for IPv6); bad: ${bad.join(', ')}`);
  return nodes;
}

function readRedis(r: EnvReader): RedisConfig {
  const durability: RedisDurability = {
    waitReplicas: r.integer('REDIS_WAIT_REPLICAS', DEFAULTS.REDIS_WAIT_REPLICAS, 0, 16, 'a number of replicas 0-16'),
    waitTimeoutMs: r.duration('REDIS_WAIT_TIMEOUT', DEFAULTS.REDIS_WAIT_TIMEOUT, 1),
  };
  // Every acknowledgement waits up to this long while a replica is behind: past seconds it is an outage, not a wait.
  if (durability.waitTimeoutMs > MAX_WAIT_TIMEOUT_MS) r.reject('REDIS_WAIT_TIMEOUT', r.raw('REDIS_WAIT_TIMEOUT'), `expected at most ${MAX_WAIT_TIMEOUT_MS / 1000}s`);
  const given = REDIS_SOURCES.filter((name) => r.raw(name) !== undefined);
  if (given.length > 1) {
    for (const name of given.slice(1)) r.reject(name, undefined, `set only one of ${REDIS_SOURCES.join(', ')} (${given.join(' and ')} are set)`);
  }
  const credentials = (): RedisCredentials => {
    const username = r.raw('REDIS_USERNAME');
    const password = r.raw('REDIS_PASSWORD');
    return { ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) };
  };
  const sentinelOnly = ['REDIS_SENTINEL_MASTER', 'REDIS_SENTINEL_PASSWORD'].filter((name) => r.raw(name) !== undefined);
  const source = given[0];
  if (!given.includes('REDIS_SENTINELS')) {
    for (const name of sentinelOnly) r.reject(name, undefined, 'is set but REDIS_SENTINELS is not: name the sentinels too, or unset it');
  }
  if (source === 'REDIS_CLUSTER_NODES') {
    return { mode: 'cluster', nodes: readHostPorts(r, source, r.raw(source) ?? ''), ...credentials(), ...durability };
  }
  if (source === 'REDIS_SENTINELS') {
    const masterName = r.required('REDIS_SENTINEL_MASTER', 'when REDIS_SENTINELS is set (the name in `sentinel monitor <name> ...`)');
    if (masterName !== '' && !SENTINEL_MASTER.test(masterName)) r.reject('REDIS_SENTINEL_MASTER', masterName, 'expected a master name (letters, digits, _ . -)');
    const sentinelPassword = r.raw('REDIS_SENTINEL_PASSWORD');
    return {
      mode: 'sentinel',
      sentinels: readHostPorts(r, source, r.raw(source) ?? ''),
      masterName,
      ...(sentinelPassword === undefined ? {} : { sentinelPassword }),
      ...credentials(),
      ...durability,
    };
  }
  // One server: its credentials belong in the URL, where ioredis reads them; two places would disagree.
  for (const name of ['REDIS_USERNAME', 'REDIS_PASSWORD']) {
    if (r.raw(name) !== undefined) r.reject(name, undefined, 'is for REDIS_CLUSTER_NODES and REDIS_SENTINELS: with one server put it in REDIS_URL (redis://user:password@host:6379)');
  }
  const value = r.raw('REDIS_URL') ?? DEFAULTS.REDIS_URL;
  const url = URL.canParse(value) ? new URL(value) : null;
  if (url === null || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    r.reject('REDIS_URL', value, 'expected a redis:// or rediss:// URL such as redis://127.0.0.1:6379');
  }
  return { mode: 'single', url: value, ...durability };
}

function readAri(r: EnvReader): AriConfig {
  const app = r.string('ARI_APP', DEFAULTS.ARI_APP, ASTERISK_NAME, 'a Stasis application name (letters, digits, _ . -)');
  const reconnectMaxDelayMs = r.duration('ARI_RECONNECT_MAX_DELAY', DEFAULTS.ARI_RECONNECT_MAX_DELAY, 1);
  const rawUrl = r.raw('ARI_URL');
  if (rawUrl === undefined) return { simulated: true, app, reconnectMaxDelayMs };

  const url = URL.canParse(rawUrl) ? new URL(rawUrl) : null;
  if (url !== null && (url.username !== '' || url.password !== '')) {
    // Do not quote it: the point is that it holds a credential.
    r.reject('ARI_URL', undefined, 'must not contain credentials: put them in ARI_USERNAME and ARI_PASSWORD');
  } else if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    r.reject('ARI_URL', rawUrl, "expected the http:// or https:// URL of Asterisk's HTTP server, such as http://127.0.0.1:8088");
  } else if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    // ari-client keeps only scheme, host and port and adds /ari itself: a path here would be silently dropped.
    r.reject('ARI_URL', rawUrl, 'expected no path, query or fragment (ari-client adds /ari itself), such as http://127.0.0.1:8088');
  }
  const username = r.required('ARI_USERNAME', 'when ARI_URL is set');
  const password = r.required('ARI_PASSWORD', 'when ARI_URL is set');
  return { simulated: false, url: url === null ? rawUrl : url.origin, username, password, app, reconnectMaxDelayMs };
}

function readAmi(r: EnvReader, ariSimulated: boolean): AmiConfig {
  const port = r.port('AMI_PORT', DEFAULTS.AMI_PORT);
  const host = r.raw('AMI_HOST');
  if (host === undefined) {
    // A real Asterisk without AMI would run without the fail-safe that rescues calls when ARI is down.
    if (!ariSimulated) r.reject('AMI_HOST', undefined, 'required when ARI_URL is set (AMI is the fail-safe)');
    return { simulated: true };
  }
  if (ariSimulated) {
    r.reject('AMI_HOST', host, 'must be unset when ARI_URL is unset: the built-in simulator provides AMI, and both must reach the same Asterisk');
  } else if (!HOST.test(host)) {
    r.reject('AMI_HOST', host, 'expected a host name or IP address');
  }
  const username = r.required('AMI_USERNAME', 'when AMI_HOST is set');
  const secret = r.required('AMI_SECRET', 'when AMI_HOST is set');
  return { simulated: false, host, port, username, secret };
}

function readDialStrings(r: EnvReader, service: EmergencyService): string[] {
  const name = `EMERGENCY_DIAL_${service}`;
  const value = r.raw(name) ?? DEFAULT_EMERGENCY_ROUTES[service];
  const routes = value.split(',').map((s) => s.trim());
  const bad = routes.filter((s) => !DIAL_STRING.test(s));
  if (bad.length > 0) {
    const which = bad.map((s) => (s === '' ? 'an empty entry' : JSON.stringify(s))).join(', ');
    r.reject(name, value, `expected comma-separated TECH/resource dial strings such as PJSIP/${service}@psap-line or Local/${service}@emergency-fallback; bad: ${which}`);
  }
  return routes;
}

export function parseConfig(env: Env): Config {
  const r = new EnvReader(env);

  const redis = readRedis(r);
  const httpPort = r.port('HTTP_PORT', DEFAULTS.HTTP_PORT);
  const ari = readAri(r);
  const httpHost = r.string(
    'HTTP_HOST',
    ari.simulated ? DEFAULTS.HTTP_HOST_WITH_SIMULATOR : DEFAULTS.HTTP_HOST,
    HOST,
    'a host name or IP address such as 0.0.0.0 or 127.0.0.1',
  );
  const trustProxy = readTrustProxy(r);
  const ami = readAmi(r, ari.simulated);
  const flowPath = r.string('IVR_FLOW', DEFAULTS.IVR_FLOW, /^\S(?:.*\S)?$/, 'a file path');
  const soundsDir = r.string('SOUNDS_DIR', DEFAULTS.SOUNDS_DIR, /^\S(?:.*\S)?$/, 'a folder path');
  const callLimits = {
    callsPerHour: r.integer('IVR_CALLS_PER_HOUR', DEFAULTS.IVR_CALLS_PER_HOUR, 1, 10_000, 'an integer 1-10000'),
    callsPerDay: r.integer('IVR_CALLS_PER_DAY', DEFAULTS.IVR_CALLS_PER_DAY, 1, 100_000, 'an integer 1-100000'),
    abuseFactor: r.integer('IVR_ABUSE_FACTOR', DEFAULTS.IVR_ABUSE_FACTOR, 2, 100, 'an integer 2-100'),
    idleLimitMs: r.duration('IVR_IDLE_LIMIT', DEFAULTS.IVR_IDLE_LIMIT, 0),
  };

  const routes = {} as Record<EmergencyService, readonly string[]>;
  const ringTimeoutMs = {} as Record<EmergencyService, number>;
  for (const service of EMERGENCY_SERVICES) {
    routes[service] = readDialStrings(r, service);
    ringTimeoutMs[service] = r.duration(`EMERGENCY_RING_TIMEOUT_${service}`, DEFAULTS.EMERGENCY_RING_TIMEOUT, 1000);
  }
  const rounds = r.integer('EMERGENCY_ROUNDS', DEFAULTS.EMERGENCY_ROUNDS, 1, 10, 'an integer 1-10');

  const fallback = {
    context: r.string('FALLBACK_CONTEXT', DEFAULTS.FALLBACK_CONTEXT, ASTERISK_NAME, 'a dialplan context name (letters, digits, _ . -)'),
    queueExten: r.string('FALLBACK_QUEUE_EXTEN', DEFAULTS.FALLBACK_QUEUE_EXTEN, EXTENSION, 'a dialplan extension (letters, digits, _ . + * # -)'),
    menuExten: r.string('FALLBACK_MENU_EXTEN', DEFAULTS.FALLBACK_MENU_EXTEN, EXTENSION, 'a dialplan extension (letters, digits, _ . + * # -)'),
  };

  const levelText = r.raw('LOG_LEVEL') ?? DEFAULTS.LOG_LEVEL;
  const level = LOG_LEVELS.find((l) => l === levelText.toLowerCase());
  if (level === undefined) r.reject('LOG_LEVEL', levelText, `expected one of ${LOG_LEVELS.join(', ')}`);

  const shutdownGraceMs = r.duration('SHUTDOWN_GRACE', DEFAULTS.SHUTDOWN_GRACE, 0);
  const intake = readIntake(r);
  const email = readEmail(r, ari.simulated);
  const wechat = readWechat(r);
  const limits = readLimits(r);
  const acd = readAcd(r, ari);
  const staff = readStaff(r);

  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return {
    redis,
    http: { port: httpPort, host: httpHost, trustProxy },
    ari,
    ami,
    ivr: { flowPath, soundsDir, callLimits },
    emergency: { routes, ringTimeoutMs, rounds },
    fallback,
    intake,
    email,
    wechat,
    limits,
    acd,
    staff,
    log: { level: level as LogLevel },
    shutdownGraceMs,
  };
}

const PATH = /^\S(?:.*\S)?$/;

function readApiKeysFilePath(r: EnvReader): string {
  return r.string('API_KEYS_FILE', DEFAULTS.API_KEYS_FILE, PATH, 'a file path');
}

/**
 * `API_KEYS_FILE` exactly as the gateway reads it (default `data/api-keys.json`, relative to the working directory),
 * for the `apikey` commands, which must not need the rest of the gateway's configuration to be valid.
 */
export function apiKeysFileFromEnv(env: Env): string {
  const r = new EnvReader(env);
  const file = readApiKeysFilePath(r);
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return file;
}

/** Loopback ports of the built-in simulator (`hotline-gateway serve` with `ARI_URL` unset, and `call`). */
export interface SimulatorPorts {
  readonly ari: number;
  readonly ami: number;
}

export function simulatorPortsFromEnv(env: Env): SimulatorPorts {
  const r = new EnvReader(env);
  const ports = { ari: r.port('SIMULATOR_ARI_PORT', DEFAULTS.SIMULATOR_ARI_PORT), ami: r.port('SIMULATOR_AMI_PORT', DEFAULTS.SIMULATOR_AMI_PORT) };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return ports;
}

function readTrustProxy(r: EnvReader): boolean | number | string {
  const value = r.raw('HTTP_TRUST_PROXY') ?? DEFAULTS.HTTP_TRUST_PROXY;
  if (/^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const entries = value.split(',').map((s) => s.trim());
  if (entries.every((e) => /^[0-9A-Fa-f:.]+(?:\/\d{1,3})?$/.test(e))) return entries.join(',');
  r.reject('HTTP_TRUST_PROXY', value, 'expected true, false, a hop count, or comma-separated proxy addresses/CIDRs such as 10.0.0.0/8');
  return false;
}

function readIntake(r: EnvReader): IntakeConfig {
  const idempotencyTtlMs = r.duration('INTAKE_IDEMPOTENCY_TTL', DEFAULTS.INTAKE_IDEMPOTENCY_TTL, 60_000);
  const recordRetentionMs = r.duration('INTAKE_RECORD_RETENTION', DEFAULTS.INTAKE_RECORD_RETENTION, 60_000);
  // A retried request within the dedup window must still find its record: status and rating answer from it.
  if (recordRetentionMs < idempotencyTtlMs) {
    r.reject('INTAKE_RECORD_RETENTION', r.raw('INTAKE_RECORD_RETENTION') ?? DEFAULTS.INTAKE_RECORD_RETENTION, `expected at least INTAKE_IDEMPOTENCY_TTL (${idempotencyTtlMs / 1000} s)`);
  }
  const caseSecret = r.raw('CASE_SECRET');
  if (caseSecret !== undefined && caseSecret.length < 32) r.reject('CASE_SECRET', caseSecret, 'expected at least 32 characters (e.g. `openssl rand -hex 32`)');
  const shard = readTicketShard(r, caseSecret !== undefined);
  return {
    ticketShard: shard,
    ...(caseSecret === undefined ? {} : { caseSecret }),
    dataDir: r.string('DATA_DIR', DEFAULTS.DATA_DIR, PATH, 'a folder path'),
    prefix: r.string('INTAKE_PREFIX', DEFAULTS.INTAKE_PREFIX, HASH_TAG_TEXT, HASH_TAG_FORM),
    ticketBlock: r.integer('INTAKE_TICKET_BLOCK', DEFAULTS.INTAKE_TICKET_BLOCK, 10, 1_000_000, 'an integer 10-1000000'),
    idempotencyTtlMs,
    recordRetentionMs,
    apiKeysFile: readApiKeysFilePath(r),
    bodyLimitBytes: r.bytes('HTTP_BODY_LIMIT', DEFAULTS.HTTP_BODY_LIMIT, 1024, 64 * 1024 ** 2),
    attachmentMaxBytes: r.bytes('ATTACHMENT_MAX_BYTES', DEFAULTS.ATTACHMENT_MAX_BYTES, 1024, 1024 ** 3),
    attachmentMaxFiles: r.integer('ATTACHMENT_MAX_FILES', DEFAULTS.ATTACHMENT_MAX_FILES, 1, 20, 'an integer 1-20'),
    formRatePerMinute: r.integer('FORM_RATE_LIMIT', DEFAULTS.FORM_RATE_LIMIT, 1, 100_000, 'an integer 1-100000'),
    open311Jurisdiction: r.string('OPEN311_JURISDICTION', DEFAULTS.OPEN311_JURISDICTION, /^[A-Za-z0-9_.-]{1,128}$/, 'a jurisdiction id (letters, digits, _ . -)'),
    open311PublicFields: readPublicFields(r),
    dispositionsFile: r.string('DISPOSITIONS_FILE', DEFAULTS.DISPOSITIONS_FILE, PATH, 'a file path'),
  };
}

function readTicketShard(r: EnvReader, hasCaseSecret: boolean): TicketShard {
  const text = r.raw('INTAKE_SHARD') ?? DEFAULTS.INTAKE_SHARD;
  const shard = parseTicketShard(text);
  if (typeof shard === 'string') {
    r.reject('INTAKE_SHARD', text, shard);
    return SINGLE_SHARD;
  }
  // Each shard's own Redis would otherwise make its own secret, and two permutations can give the same ticket.
  if (shard.count > 1 && !hasCaseSecret) r.reject('INTAKE_SHARD', text, 'several shards need one CASE_SECRET, the same in every shard');
  return shard;
}

function readPublicFields(r: EnvReader): readonly Open311PublicField[] {
  const value = r.raw('OPEN311_PUBLIC_FIELDS') ?? DEFAULTS.OPEN311_PUBLIC_FIELDS;
  const fields = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const known = new Set<string>(OPEN311_PUBLIC_FIELDS);
  const unknown = fields.filter((f) => !known.has(f));
  if (unknown.length > 0) r.reject('OPEN311_PUBLIC_FIELDS', value, `unknown field ${unknown.map((f) => JSON.stringify(f)).join(', ')}: expected comma-separated fields from ${OPEN311_PUBLIC_FIELDS.join(', ')}`);
  return [...new Set(fields.filter((f) => known.has(f)))] as Open311PublicField[];
}

const GATEWAY_ID = /^[A-Za-z0-9_.@:-]{1,100}$/;
const CALLER_ID = /^\+?[0-9]{1,20}$/;

function readCallbackDial(r: EnvReader): string | null {
  const value = r.raw('ACD_CALLBACK_DIAL');
  if (value === undefined || value === '') return null;
  const problem = dialTemplateProblem(value);
  if (problem !== null) r.reject('ACD_CALLBACK_DIAL', value, `expected ${problem}`);
  return value;
}

function readAcd(r: EnvReader, ari: AriConfig): AcdConfig {
  const onOff = (name: keyof typeof DEFAULTS): boolean => {
    const value = (r.raw(name) ?? DEFAULTS[name]).toLowerCase();
    if (value !== 'on' && value !== 'off') r.reject(name, value, 'expected on or off');
    return value === 'on';
  };
  const ariHost = ari.simulated ? 'simulator' : hostOfUrl(ari.url);
  return {
    enabled: onOff('ACD'),
    // The derived default is not checked here: a bad ARI_APP is reported as such, not as a bad gateway id.
    gatewayId:
      r.raw('ACD_GATEWAY_ID') === undefined
        ? `${ari.app}@${ariHost}`
        : r.string('ACD_GATEWAY_ID', '', GATEWAY_ID, "1-100 letters, digits, '_', '.', '@', ':' or '-'"),
    ringTimeoutMs: r.duration('ACD_RING_TIMEOUT', DEFAULTS.ACD_RING_TIMEOUT, 1000),
    wrapUpMs: r.duration('ACD_WRAP_UP', DEFAULTS.ACD_WRAP_UP, 0),
    widenEveryMs: r.duration('ACD_WIDEN_EVERY', DEFAULTS.ACD_WIDEN_EVERY, 0),
    overflowAfterMs: r.duration('ACD_OVERFLOW_AFTER', DEFAULTS.ACD_OVERFLOW_AFTER, 0),
    announceEveryMs: r.duration('ACD_ANNOUNCE_EVERY', DEFAULTS.ACD_ANNOUNCE_EVERY, 0),
    optionsAfterMs: r.duration('ACD_OPTIONS_AFTER', DEFAULTS.ACD_OPTIONS_AFTER, 0),
    callback: onOff('ACD_CALLBACK'),
    callbackDial: readCallbackDial(r),
    callbackCallerId: r.string('ACD_CALLBACK_CALLER_ID', DEFAULTS.ACD_CALLBACK_CALLER_ID, CALLER_ID, 'a caller number (digits, optionally a leading +)'),
    callbackRingTimeoutMs: r.duration('ACD_CALLBACK_RING_TIMEOUT', DEFAULTS.ACD_CALLBACK_RING_TIMEOUT, 1000),
    callbackAttempts: r.integer('ACD_CALLBACK_ATTEMPTS', DEFAULTS.ACD_CALLBACK_ATTEMPTS, 1, 10, 'an integer 1-10'),
    callbackRetryMs: r.duration('ACD_CALLBACK_RETRY', DEFAULTS.ACD_CALLBACK_RETRY, 0),
    callbackConcurrency: r.integer('ACD_CALLBACK_CONCURRENCY', DEFAULTS.ACD_CALLBACK_CONCURRENCY, 1, 100, 'an integer 1-100'),
    voicemail: onOff('ACD_VOICEMAIL'),
    survey: onOff('ACD_SURVEY'),
    record: onOff('ACD_RECORD'),
    mohClass: r.string('ACD_MOH_CLASS', DEFAULTS.ACD_MOH_CLASS, ASTERISK_NAME, 'a music-on-hold class name (letters, digits, _ . -)'),
    reservationMs: r.duration('ACD_RESERVATION', DEFAULTS.ACD_RESERVATION, 1000),
  };
}

const MAX_SESSION_TTL_MS = 7 * 86_400_000;

function readStaff(r: EnvReader): StaffConfig {
  const sessionTtlMs = r.duration('STAFF_SESSION_TTL', DEFAULTS.STAFF_SESSION_TTL, 1000);
  // A session outliving a week is a credential nobody remembers handing out.
  if (sessionTtlMs > MAX_SESSION_TTL_MS) r.reject('STAFF_SESSION_TTL', r.raw('STAFF_SESSION_TTL'), `expected ${DURATION_FORM}, at most 7d`);
  const cookieSecure = (r.raw('STAFF_COOKIE_SECURE') ?? DEFAULTS.STAFF_COOKIE_SECURE).toLowerCase();
  if (cookieSecure !== 'on' && cookieSecure !== 'off' && cookieSecure !== 'auto') r.reject('STAFF_COOKIE_SECURE', cookieSecure, 'expected on, off or auto');
  return {
    sessionTtlMs,
    loginFailuresPerId: r.integer('STAFF_LOGIN_FAILURES', DEFAULTS.STAFF_LOGIN_FAILURES, 1, 1000, 'an integer 1-1000'),
    loginFailuresPerIp: r.integer('STAFF_LOGIN_FAILURES_PER_IP', DEFAULTS.STAFF_LOGIN_FAILURES_PER_IP, 1, 100_000, 'an integer 1-100000'),
    cookieSecure: cookieSecure === 'on' || cookieSecure === 'off' ? cookieSecure : 'auto',
    scryptCost: r.integer('STAFF_SCRYPT_COST', DEFAULTS.STAFF_SCRYPT_COST, 10, 20, 'an integer 10-20 (log2 of scrypt N)'),
  };
}

/** `host:port` of an http(s) URL already validated by readAri, for the default gateway id. */
function hostOfUrl(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'asterisk';
  }
}

function readLimits(r: EnvReader): LimitsConfig {
  const perHour = (name: keyof typeof DEFAULTS, min: number): number => r.integer(name, DEFAULTS[name], min, 1_000_000, `a whole number of submissions an hour, ${min}-1000000`);
  return {
    submissionsPerHour: {
      ip: perHour('FAIR_USE_IP_PER_HOUR', 1),
      apiKey: perHour('FAIR_USE_KEY_PER_HOUR', 1),
      openid: perHour('FAIR_USE_OPENID_PER_HOUR', 1),
      email: perHour('FAIR_USE_EMAIL_PER_HOUR', 1),
    },
    flaggedSubmissionsPerHour: perHour('FAIR_USE_FLAGGED_PER_HOUR', 0),
    flagAuditRetentionMs: r.duration('FLAG_AUDIT_RETENTION', DEFAULTS.FLAG_AUDIT_RETENTION, 86_400_000),
  };
}

const ADDRESS_OR_DOMAIN = /^(?:[^\s@,]+@|@)[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;

function readEmail(r: EnvReader, ariSimulated: boolean): EmailConfig | null {
  const accept = r.raw('SMTP_ACCEPT');
  const relayUrl = r.raw('SMTP_RELAY_URL');
  if (accept === undefined) {
    if (relayUrl !== undefined) r.reject('SMTP_RELAY_URL', undefined, 'is set but SMTP_ACCEPT is not: set SMTP_ACCEPT to turn the email channel on');
    return null;
  }
  const entries = accept.split(',').map((s) => s.trim());
  if (!entries.every((e) => ADDRESS_OR_DOMAIN.test(e))) {
    r.reject('SMTP_ACCEPT', accept, 'expected comma-separated addresses or @domains, such as 12345@hotline.example,@hotline.example');
  }
  const port = r.port('SMTP_PORT', DEFAULTS.SMTP_PORT);
  const host = r.string('SMTP_HOST', ariSimulated ? DEFAULTS.SMTP_HOST_WITH_SIMULATOR : DEFAULTS.SMTP_HOST, HOST, 'a host name or IP address');
  const serverName = r.raw('SMTP_HOSTNAME') ?? null;
  if (serverName !== null && !/^[A-Za-z0-9.-]+$/.test(serverName)) r.reject('SMTP_HOSTNAME', serverName, 'expected a host name');
  const maxBytes = r.bytes('SMTP_MAX_BYTES', DEFAULTS.SMTP_MAX_BYTES, 64 * 1024, 1024 ** 3);
  const maxRecipients = r.integer('SMTP_MAX_RECIPIENTS', DEFAULTS.SMTP_MAX_RECIPIENTS, 1, 1000, 'an integer 1-1000');
  const certPath = r.raw('SMTP_TLS_CERT');
  const keyPath = r.raw('SMTP_TLS_KEY');
  if ((certPath === undefined) !== (keyPath === undefined)) {
    r.reject(certPath === undefined ? 'SMTP_TLS_CERT' : 'SMTP_TLS_KEY', undefined, 'required together with the other of SMTP_TLS_CERT and SMTP_TLS_KEY');
  }
  let relay: EmailConfig['relay'] = null;
  if (relayUrl !== undefined) {
    const url = URL.canParse(relayUrl) ? new URL(relayUrl) : null;
    if (url === null || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
      r.reject('SMTP_RELAY_URL', undefined, 'expected an smtp:// or smtps:// URL such as smtp://relay.example:25');
    }
    const from = r.required('MAIL_FROM', 'when SMTP_RELAY_URL is set');
    if (from !== '' && !/^[^\s@<>]+@[^\s@<>]+$/.test(from)) r.reject('MAIL_FROM', from, 'expected an address such as 12345@hotline.example');
    relay = { url: relayUrl, from };
  }
  return {
    accept: entries.join(','),
    port,
    host,
    serverName,
    maxBytes,
    maxRecipients,
    tls: certPath !== undefined && keyPath !== undefined ? { certPath, keyPath } : null,
    relay,
  };
}

const AES_KEY = /^[A-Za-z0-9+/]{43}$/;

function readWechat(r: EnvReader): WechatConfig | null {
  const token = r.raw('WECHAT_TOKEN');
  if (token === undefined) return null;
  if (!/^[A-Za-z0-9]{3,32}$/.test(token)) r.reject('WECHAT_TOKEN', token, 'expected 3-32 letters or digits (the Token in the WeChat admin console)');
  const appId = r.required('WECHAT_APPID', 'when WECHAT_TOKEN is set');
  if (appId !== '' && !/^[A-Za-z0-9_-]{1,64}$/.test(appId)) r.reject('WECHAT_APPID', appId, 'expected an AppID such as wx1234567890abcdef or a CorpID');
  const key = (name: string): string | null => {
    const value = r.raw(name);
    if (value === undefined) return null;
    if (!AES_KEY.test(value)) r.reject(name, value, 'expected the 43-character EncodingAESKey from the WeChat admin console');
    return value;
  };
  const encodingAesKey = key('WECHAT_ENCODING_AES_KEY');
  const previousEncodingAesKey = key('WECHAT_PREVIOUS_ENCODING_AES_KEY');
  const mode = r.string('WECHAT_MODE', DEFAULTS.WECHAT_MODE, /^(auto|official|wecom)$/, 'auto, official or wecom') as WechatConfig['mode'];
  if (mode === 'wecom' && encodingAesKey === null) r.reject('WECHAT_ENCODING_AES_KEY', undefined, 'required when WECHAT_MODE=wecom (WeCom callbacks are always encrypted)');
  const apiBase = r.raw('WECHAT_API_BASE') ?? null;
  if (apiBase !== null && !(URL.canParse(apiBase) && /^https?:$/.test(new URL(apiBase).protocol))) {
    r.reject('WECHAT_API_BASE', apiBase, 'expected an http(s) URL such as https://api.weixin.qq.com');
  }
  return {
    token,
    appId,
    encodingAesKey,
    previousEncodingAesKey,
    appSecret: r.raw('WECHAT_APPSECRET') ?? null,
    mode,
    apiBase,
    mergeWindowMs: r.duration('WECHAT_MERGE_WINDOW', DEFAULTS.WECHAT_MERGE_WINDOW, 0),
    maxClockSkewMs: r.duration('WECHAT_MAX_CLOCK_SKEW', DEFAULTS.WECHAT_MAX_CLOCK_SKEW, 1000),
    locationTtlMs: r.duration('WECHAT_LOCATION_TTL', DEFAULTS.WECHAT_LOCATION_TTL, 1000),
  };
}
