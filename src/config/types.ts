// The gateway's validated configuration. Durations are milliseconds; everything is already checked,
// so the composition root never has to re-validate a value it reads from here.

import type { EmergencyService } from '../domain/flow/types.js';
import type { Open311PublicField } from '../domain/open311/public-fields.js';
import type { TicketShard } from '../domain/access/ticket-shard.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** ARI either points at a real Asterisk (`ARI_URL` set) or at the built-in simulator. */
export type AriConfig =
  | {
      readonly simulated: true;
      readonly app: string;
      readonly reconnectMaxDelayMs: number;
    }
  | {
      readonly simulated: false;
      /** Base URL of Asterisk's HTTP server, without `/ari` (ari-client appends it), e.g. `http://pbx:8088`. */
      readonly url: string;
      readonly username: string;
      readonly password: string;
      readonly app: string;
      readonly reconnectMaxDelayMs: number;
    };

/** AMI follows ARI: a real Asterisk needs real AMI credentials, the simulator brings its own AMI. */
export type AmiConfig =
  | { readonly simulated: true }
  | {
      readonly simulated: false;
      readonly host: string;
      readonly port: number;
      readonly username: string;
      readonly secret: string;
    };

export interface EmergencyConfig {
  /** Ordered dial strings per service (`PJSIP/110@psap-police`, ...): the first is tried first. */
  readonly routes: Readonly<Record<EmergencyService, readonly string[]>>;
  /** How long one route may ring before the next one is tried. */
  readonly ringTimeoutMs: Readonly<Record<EmergencyService, number>>;
  /** How many times the whole route list is tried (the caller hears the number to dial between rounds). */
  readonly rounds: number;
}

/** Where calls go when the gateway hands them back to the dialplan (it never leaves a caller silent). */
export interface FallbackConfig {
  readonly context: string;
  readonly queueExten: string;
  readonly menuExten: string;
}

/** Everything the intake queue and its HTTP channels need. Sizes are bytes. */
export interface IntakeConfig {
  readonly dataDir: string;
  readonly prefix: string;
  readonly ticketBlock: number;
  /** `INTAKE_SHARD`: which of the deployment's intake shards this is. */
  readonly ticketShard: TicketShard;
  /** `CASE_SECRET`, or `undefined` for the secret kept in Redis. */
  readonly caseSecret?: string;
  readonly idempotencyTtlMs: number;
  /** A record is deleted this long after its last change (receipt, status update, rating). */
  readonly recordRetentionMs: number;
  readonly apiKeysFile: string;
  readonly bodyLimitBytes: number;
  readonly attachmentMaxBytes: number;
  readonly attachmentMaxFiles: number;
  readonly formRatePerMinute: number;
  readonly open311Jurisdiction: string;
  /** Where-to-go texts for legal-procedure, out-of-scope and state-secret matters. */
  readonly dispositionsFile: string;
  /** What public Open311 reads show of a request (`service_request_id` always). */
  readonly open311PublicFields: readonly Open311PublicField[];
}

/** Inbound email; `null` in `Config.email` when `SMTP_ACCEPT` is unset. */
export interface EmailConfig {
  readonly accept: string;
  readonly port: number;
  readonly host: string;
  readonly serverName: string | null;
  readonly maxBytes: number;
  readonly maxRecipients: number;
  readonly tls: { readonly certPath: string; readonly keyPath: string } | null;
  readonly relay: { readonly url: string; readonly from: string } | null;
}

/** The WeChat Official Account / WeCom channel; `null` in `Config.wechat` when `WECHAT_TOKEN` is unset. */
export interface WechatConfig {
  readonly token: string;
  readonly appId: string;
  readonly encodingAesKey: string | null;
  readonly previousEncodingAesKey: string | null;
  readonly appSecret: string | null;
  readonly mode: 'auto' | 'official' | 'wecom';
  readonly apiBase: string | null;
  readonly mergeWindowMs: number;
  readonly maxClockSkewMs: number;
  readonly locationTtlMs: number;
}

/** Fair use of the internet channels (submissions an hour), kept in Redis and shared by every replica. */
export interface LimitsConfig {
  readonly submissionsPerHour: { readonly ip: number; readonly apiKey: number; readonly openid: number; readonly email: number };
  /** Submissions an hour of an identity a supervisor flagged; 0: none but emergencies. */
  readonly flaggedSubmissionsPerHour: number;
  /** Flag audit entries younger than this are never trimmed. */
  readonly flagAuditRetentionMs: number;
}

/** Fair use on the phone (`IVR_CALLS_PER_HOUR`, `IVR_CALLS_PER_DAY`, `IVR_ABUSE_FACTOR`). */
export interface CallLimitsConfig {
  readonly callsPerHour: number;
  readonly callsPerDay: number;
  readonly abuseFactor: number;
  /** `IVR_IDLE_LIMIT`: time held in the IVR without progress before the flow's `onIdle`; 0: none. */
  readonly idleLimitMs: number;
}

/** The gateway's own call queue (`ACD_*`). Durations in ms; 0 turns the feature it names off. */
export interface AcdConfig {
  /** `ACD=off`: every queue choice continues in the dialplan (app_queue), as before the gateway had its own queue. */
  readonly enabled: boolean;
  /** Names this gateway's calls in the shared queue; each gateway of a hotline needs its own. */
  readonly gatewayId: string;
  readonly ringTimeoutMs: number;
  readonly wrapUpMs: number;
  readonly widenEveryMs: number;
  readonly overflowAfterMs: number;
  readonly announceEveryMs: number;
  readonly optionsAfterMs: number;
  /** Call-backs are offered only when on and `callbackDial` is set. */
  readonly callback: boolean;
  /** Dial-string template of a call-back (`PJSIP/{number}@carrier`); null: call-backs cannot be dialed, so none is offered. */
  readonly callbackDial: string | null;
  readonly callbackCallerId: string;
  readonly callbackRingTimeoutMs: number;
  readonly callbackAttempts: number;
  readonly callbackRetryMs: number;
  /** Call-backs this gateway dials at once. */
  readonly callbackConcurrency: number;
  readonly voicemail: boolean;
  readonly survey: boolean;
  readonly record: boolean;
  readonly mohClass: string;
  /** An offer not rung by its gateway within this is given back (the gateway died). */
  readonly reservationMs: number;
}

/** A `host:port` of a cluster seed node or a sentinel. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** ACL user and password of the data nodes (cluster nodes, or the master and replicas Sentinel names). */
export interface RedisCredentials {
  readonly username?: string;
  readonly password?: string;
}

/** Where the gateway's Redis is: one server (`REDIS_URL`), a Redis Cluster, or a master watched by Sentinel. */
export type RedisTarget =
  | { readonly mode: 'single'; readonly url: string }
  | ({ readonly mode: 'cluster'; readonly nodes: readonly HostPort[] } & RedisCredentials)
  | ({
      readonly mode: 'sentinel';
      readonly sentinels: readonly HostPort[];
      /** The master's name in the sentinels' configuration (`sentinel monitor <name> ...`). */
      readonly masterName: string;
      readonly sentinelPassword?: string;
    } & RedisCredentials);

/** What "durable" means for a submission: `waitReplicas` replicas confirmed its write (WAIT), or 0 for the master alone. */
export interface RedisDurability {
  readonly waitReplicas: number;
  readonly waitTimeoutMs: number;
}

export type RedisConfig = RedisTarget & RedisDurability;

/** Agents' and supervisors' sign-in (`STAFF_*`): only with the gateway's own queue (`ACD=on`). */
export interface StaffConfig {
  /** How long a session lasts from login. */
  readonly sessionTtlMs: number;
  /** Wrong passwords per staff id, and per client address, in 15 minutes before logins are throttled. */
  readonly loginFailuresPerId: number;
  readonly loginFailuresPerIp: number;
  /** The session cookie's `Secure`: always, never, or when the request came over https (`auto`). */
  readonly cookieSecure: 'on' | 'off' | 'auto';
  /** scrypt's cost as log2 N (15: N = 32768). */
  readonly scryptCost: number;
}

export interface Config {
  readonly redis: RedisConfig;
  readonly http: { readonly port: number; readonly host: string; readonly trustProxy: boolean | number | string };
  readonly ari: AriConfig;
  readonly ami: AmiConfig;
  readonly ivr: { readonly flowPath: string; readonly soundsDir: string; readonly callLimits: CallLimitsConfig };
  readonly emergency: EmergencyConfig;
  readonly fallback: FallbackConfig;
  readonly intake: IntakeConfig;
  readonly email: EmailConfig | null;
  readonly wechat: WechatConfig | null;
  readonly limits: LimitsConfig;
  readonly acd: AcdConfig;
  readonly staff: StaffConfig;
  readonly log: { readonly level: LogLevel };
  readonly shutdownGraceMs: number;
}
