// Every environment variable the gateway reads, with its default: the single source for both
// `parseConfig` and the README table (`configDocMarkdown()`).

import { OPEN311_PUBLIC_FIELDS } from '../domain/open311/public-fields.js';
import type { EmergencyService } from '../domain/flow/types.js';

export interface ConfigVariableDoc {
  readonly name: string;
  /** Text of the default value, or `null` when the variable has no default. */
  readonly default: string | null;
  readonly description: string;
  /** Secrets are never printed: not in errors, not in the start-up log. */
  readonly secret?: boolean;
  /** The default while `ARI_URL` is unset (the built-in simulator), when it differs from `default`. */
  readonly simulatorDefault?: string;
}

const EMERGENCY_NAMES: Readonly<Record<EmergencyService, string>> = {
  '110': 'police',
  '119': 'fire',
  '120': 'ambulance',
  '122': 'traffic accidents',
};

export const DEFAULT_EMERGENCY_ROUTES: Readonly<Record<EmergencyService, string>> = {
  '110': 'PJSIP/110@psap-police,PJSIP/110@psap-police-backup',
  '119': 'PJSIP/119@psap-fire,PJSIP/119@psap-fire-backup',
  '120': 'PJSIP/120@psap-ambulance,PJSIP/120@psap-ambulance-backup',
  '122': 'PJSIP/122@psap-traffic,PJSIP/122@psap-traffic-backup',
};

export const DEFAULTS = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  REDIS_WAIT_REPLICAS: '0',
  REDIS_WAIT_TIMEOUT: '1s',
  HTTP_PORT: '8080',
  HTTP_HOST: '0.0.0.0',
  // With the built-in simulator the gateway is a developer's toy: nothing should reach it from the network.
  HTTP_HOST_WITH_SIMULATOR: '127.0.0.1',
  ARI_APP: 'ivr-12345',
  AMI_PORT: '5038',
  IVR_FLOW: 'ivr-flows/12345.yaml',
  DISPOSITIONS_FILE: 'ivr-flows/dispositions.yaml',
  SOUNDS_DIR: 'asterisk-config/sounds',
  IVR_CALLS_PER_HOUR: '10',
  IVR_CALLS_PER_DAY: '30',
  IVR_ABUSE_FACTOR: '5',
  IVR_IDLE_LIMIT: '3m',
  EMERGENCY_RING_TIMEOUT: '20s',
  EMERGENCY_ROUNDS: '3',
  FALLBACK_CONTEXT: 'ivr-fallback',
  FALLBACK_QUEUE_EXTEN: 'queue',
  FALLBACK_MENU_EXTEN: 'menu',
  LOG_LEVEL: 'info',
  SHUTDOWN_GRACE: '10s',
  ARI_RECONNECT_MAX_DELAY: '10s',
  DATA_DIR: 'data',
  INTAKE_PREFIX: 'hotline',
  INTAKE_TICKET_BLOCK: '1000',
  INTAKE_SHARD: '0/1',
  INTAKE_IDEMPOTENCY_TTL: '30d',
  INTAKE_RECORD_RETENTION: '400d',
  API_KEYS_FILE: 'data/api-keys.json',
  HTTP_BODY_LIMIT: '1MB',
  ATTACHMENT_MAX_BYTES: '20MB',
  ATTACHMENT_MAX_FILES: '10',
  FORM_RATE_LIMIT: '20',
  OPEN311_JURISDICTION: '12345.beijing.gov.cn',
  OPEN311_PUBLIC_FIELDS: OPEN311_PUBLIC_FIELDS.join(','),
  HTTP_TRUST_PROXY: 'false',
  SMTP_PORT: '2525',
  SMTP_HOST: '0.0.0.0',
  SMTP_HOST_WITH_SIMULATOR: '127.0.0.1',
  SMTP_MAX_BYTES: '25MB',
  SMTP_MAX_RECIPIENTS: '50',
  WECHAT_MODE: 'auto',
  WECHAT_MERGE_WINDOW: '2m',
  WECHAT_MAX_CLOCK_SKEW: '5m',
  WECHAT_LOCATION_TTL: '10m',
  SIMULATOR_ARI_PORT: '8088',
  SIMULATOR_AMI_PORT: '5038',
  FAIR_USE_IP_PER_HOUR: '30',
  FAIR_USE_KEY_PER_HOUR: '10000',
  FAIR_USE_OPENID_PER_HOUR: '30',
  FAIR_USE_EMAIL_PER_HOUR: '20',
  FAIR_USE_FLAGGED_PER_HOUR: '2',
  FLAG_AUDIT_RETENTION: '1095d',
  ACD: 'on',
  ACD_RING_TIMEOUT: '15s',
  ACD_WRAP_UP: '30s',
  ACD_WIDEN_EVERY: '30s',
  ACD_OVERFLOW_AFTER: '2m',
  ACD_ANNOUNCE_EVERY: '45s',
  ACD_OPTIONS_AFTER: '60s',
  ACD_CALLBACK: 'on',
  ACD_CALLBACK_CALLER_ID: '12345',
  ACD_CALLBACK_RING_TIMEOUT: '30s',
  ACD_CALLBACK_ATTEMPTS: '3',
  ACD_CALLBACK_RETRY: '2m',
  ACD_CALLBACK_CONCURRENCY: '4',
  ACD_VOICEMAIL: 'on',
  ACD_SURVEY: 'on',
  ACD_RECORD: 'off',
  ACD_MOH_CLASS: 'hotline',
  ACD_RESERVATION: '5s',
  STAFF_SESSION_TTL: '10h',
  STAFF_LOGIN_FAILURES: '5',
  STAFF_LOGIN_FAILURES_PER_IP: '30',
  STAFF_COOKIE_SECURE: 'auto',
  STAFF_SCRYPT_COST: '15',
} as const;

const SERVICES: readonly EmergencyService[] = ['110', '119', '120', '122'];

export const CONFIG_DOC: readonly ConfigVariableDoc[] = [
  {
    name: 'REDIS_URL',
    default: DEFAULTS.REDIS_URL,
    description:
      'One Redis server (`redis://` or `rediss://` URL; a password in it is never logged). Set only one of `REDIS_URL`, `REDIS_CLUSTER_NODES` and `REDIS_SENTINELS`; with none, this default.',
  },
  {
    name: 'REDIS_CLUSTER_NODES',
    default: null,
    description:
      'A Redis Cluster instead: some of its nodes, comma-separated `host:port` (`10.0.0.1:7000,10.0.0.2:7000`; `[::1]:7000` for IPv6); the rest are found from them. Every key lives in the one slot of `{INTAKE_PREFIX}`. See "Redis Cluster and Sentinel".',
  },
  {
    name: 'REDIS_SENTINELS',
    default: null,
    description: 'A master watched by Redis Sentinel instead: the sentinels, comma-separated `host:port`. The gateway asks them for the master and follows a failover.',
  },
  { name: 'REDIS_SENTINEL_MASTER', default: null, description: 'The master\'s name in the sentinels\' configuration (`sentinel monitor <name> ...`); required with `REDIS_SENTINELS`.' },
  { name: 'REDIS_SENTINEL_PASSWORD', default: null, description: 'Password of the sentinels themselves (their `requirepass`), when they have one.', secret: true },
  { name: 'REDIS_USERNAME', default: null, description: 'ACL user of the cluster nodes, or of the master and replicas Sentinel names (with `REDIS_URL`, put it in the URL).' },
  { name: 'REDIS_PASSWORD', default: null, description: 'Password of the cluster nodes, or of the master and replicas Sentinel names (with `REDIS_URL`, put it in the URL).', secret: true },
  {
    name: 'REDIS_WAIT_REPLICAS',
    default: DEFAULTS.REDIS_WAIT_REPLICAS,
    description:
      'Replicas that must have a submission before it is acknowledged as queued (Redis `WAIT`, on the master holding `{INTAKE_PREFIX}`); when fewer confirm within `REDIS_WAIT_TIMEOUT`, it is acknowledged as spooled (fsynced on the gateway\'s disk, added again until they do). `0`: the master\'s word is enough (0-16). See "Redis Cluster and Sentinel".',
  },
  {
    name: 'REDIS_WAIT_TIMEOUT',
    default: DEFAULTS.REDIS_WAIT_TIMEOUT,
    description: 'How long a submission waits for `REDIS_WAIT_REPLICAS` replicas before it is spooled instead (at most `30s`).',
  },
  { name: 'HTTP_PORT', default: DEFAULTS.HTTP_PORT, description: 'Port of the HTTP server: operations (`/healthz`, `/readyz`, `/metrics`), the web form, `/v1` and `/open311/v2`.' },
  {
    name: 'HTTP_HOST',
    default: DEFAULTS.HTTP_HOST,
    simulatorDefault: DEFAULTS.HTTP_HOST_WITH_SIMULATOR,
    description:
      'Address the HTTP server listens on. With the simulator (`ARI_URL` unset) loopback only, so a development gateway cannot be reached from the network; set `0.0.0.0` to open it.',
  },
  {
    name: 'HTTP_TRUST_PROXY',
    default: DEFAULTS.HTTP_TRUST_PROXY,
    description: 'Behind a reverse proxy: `true`, the number of proxy hops, or comma-separated proxy addresses/CIDRs, so per-IP rate limits see the citizen, not the proxy.',
  },
  {
    name: 'ARI_URL',
    default: null,
    description: "Asterisk's HTTP server, e.g. `http://127.0.0.1:8088` (no path: `/ari` is added). Unset: the built-in Asterisk simulator is used.",
  },
  { name: 'ARI_USERNAME', default: null, description: 'ARI user (`ari.conf`); required when `ARI_URL` is set.' },
  { name: 'ARI_PASSWORD', default: null, description: 'ARI password; required when `ARI_URL` is set.', secret: true },
  { name: 'ARI_APP', default: DEFAULTS.ARI_APP, description: 'Stasis application name the dialplan sends calls to.' },
  {
    name: 'AMI_HOST',
    default: null,
    description: 'Asterisk Manager Interface host; required when `ARI_URL` is set (AMI is the fail-safe), must be unset with the simulator.',
  },
  { name: 'AMI_PORT', default: DEFAULTS.AMI_PORT, description: 'AMI port.' },
  { name: 'AMI_USERNAME', default: null, description: 'AMI user (`manager.conf`); required when `AMI_HOST` is set.' },
  { name: 'AMI_SECRET', default: null, description: 'AMI secret; required when `AMI_HOST` is set.', secret: true },
  { name: 'IVR_FLOW', default: DEFAULTS.IVR_FLOW, description: 'IVR flow file (YAML).' },
  {
    name: 'DISPOSITIONS_FILE',
    default: DEFAULTS.DISPOSITIONS_FILE,
    description:
      'Where-to-go texts (YAML, zh and en) added to the reply on every channel for matters the regulations send elsewhere: `legalProcedure`, `outOfScope`, `stateSecret`. Checked at start.',
  },
  { name: 'SOUNDS_DIR', default: DEFAULTS.SOUNDS_DIR, description: 'Folder of the IVR sound files.' },
  {
    name: 'IVR_CALLS_PER_HOUR',
    default: DEFAULTS.IVR_CALLS_PER_HOUR,
    description: 'Calls from one number per hour that get the menus (the flow\'s `fairUse` node); later calls hear a short notice and are offered an agent. Counted in Redis, shared by all replicas; emergencies are never limited (1-10000).',
  },
  { name: 'IVR_CALLS_PER_DAY', default: DEFAULTS.IVR_CALLS_PER_DAY, description: 'The same per day (1-100000).' },
  {
    name: 'IVR_ABUSE_FACTOR',
    default: DEFAULTS.IVR_ABUSE_FACTOR,
    description: 'A number calling this many times either limit is clearly abusive: after a notice it may still choose an emergency, else the call ends politely (2-100).',
  },
  {
    name: 'IVR_IDLE_LIMIT',
    default: DEFAULTS.IVR_IDLE_LIMIT,
    description: 'Time a caller may be held in the IVR without progress (going round menus they have been to) before the flow\'s `onIdle` (a notice and an agent); once per call; `0` turns it off.',
  },
  ...SERVICES.map((service) => ({
    name: `EMERGENCY_DIAL_${service}`,
    default: DEFAULT_EMERGENCY_ROUTES[service],
    description: `Dedicated lines for ${service} (${EMERGENCY_NAMES[service]}): comma-separated \`TECH/resource\` dial strings, tried in order.`,
  })),
  ...SERVICES.map((service) => ({
    name: `EMERGENCY_RING_TIMEOUT_${service}`,
    default: DEFAULTS.EMERGENCY_RING_TIMEOUT,
    description: `How long one ${service} line may ring before the next is tried (\`20s\`, \`1500ms\`, \`2m\` or plain seconds).`,
  })),
  {
    name: 'EMERGENCY_ROUNDS',
    default: DEFAULTS.EMERGENCY_ROUNDS,
    description: 'How many times the whole emergency line list is tried; between rounds the caller is told the number to dial (1-10).',
  },
  { name: 'FALLBACK_CONTEXT', default: DEFAULTS.FALLBACK_CONTEXT, description: 'Dialplan context calls are handed to when the gateway cannot handle them.' },
  { name: 'FALLBACK_QUEUE_EXTEN', default: DEFAULTS.FALLBACK_QUEUE_EXTEN, description: 'Extension in `FALLBACK_CONTEXT` that queues the caller for an agent.' },
  { name: 'FALLBACK_MENU_EXTEN', default: DEFAULTS.FALLBACK_MENU_EXTEN, description: 'Extension in `FALLBACK_CONTEXT` that plays the dialplan menu.' },
  {
    name: 'ACD',
    default: DEFAULTS.ACD,
    description:
      "`on`: callers who choose an agent wait in the gateway's own queue (Redis, shared by every gateway of the hotline) and are routed to agents logged in to it. While no agent speaking the caller's language is logged in, or with `off`, they continue in the dialplan (`FALLBACK_QUEUE_EXTEN`, app_queue's static members).",
  },
  { name: 'ACD_GATEWAY_ID', default: null, description: "This gateway's name in the shared queue (letters, digits, `_ . @ : -`); default `ARI_APP@host:port` of ARI. Keep it across restarts: a restarted gateway takes back the callers it held. Gateways on several Asterisks share one queue only if each Asterisk has its own `systemname` (asterisk.conf): the queue knows calls by their channel ids, which are unique per Asterisk only without it." },
  { name: 'ACD_RING_TIMEOUT', default: DEFAULTS.ACD_RING_TIMEOUT, description: "How long an agent's phone rings before the call goes back to the head of the queue and the agent is paused (\"no answer\")." },
  { name: 'ACD_WRAP_UP', default: DEFAULTS.ACD_WRAP_UP, description: 'Time after a call for the agent to finish the work order before the next call (`0`: none; the agent may end it early).' },
  { name: 'ACD_WIDEN_EVERY', default: DEFAULTS.ACD_WIDEN_EVERY, description: 'Every this much waiting, agents one skill level deeper may take the call (level 1 at once); `0`: every level at once.' },
  { name: 'ACD_OVERFLOW_AFTER', default: DEFAULTS.ACD_OVERFLOW_AFTER, description: "Past this wait any agent who speaks the caller's language may take the call, whatever their skills; `0`: never." },
  { name: 'ACD_ANNOUNCE_EVERY', default: DEFAULTS.ACD_ANNOUNCE_EVERY, description: 'How often a waiting caller hears their position and estimated wait; `0`: never.' },
  { name: 'ACD_OPTIONS_AFTER', default: DEFAULTS.ACD_OPTIONS_AFTER, description: 'Wait after which the caller is offered a call back or a voice message (then with every announcement); `0`: never.' },
  { name: 'ACD_CALLBACK', default: DEFAULTS.ACD_CALLBACK, description: '`on`: a waiting caller may keep their place and be called back when their turn comes. Needs `ACD_CALLBACK_DIAL`: without it no call-back is offered.' },
  {
    name: 'ACD_CALLBACK_DIAL',
    default: null,
    description:
      'Dial string of a call-back, with `{number}` where the caller\'s number goes (digits, a leading `+` dropped), e.g. `PJSIP/{number}@carrier`; checked at start. Unset: call-backs are not offered.',
  },
  { name: 'ACD_CALLBACK_CALLER_ID', default: DEFAULTS.ACD_CALLBACK_CALLER_ID, description: 'The number a called-back caller sees.' },
  { name: 'ACD_CALLBACK_RING_TIMEOUT', default: DEFAULTS.ACD_CALLBACK_RING_TIMEOUT, description: "How long a called-back caller's phone rings before the attempt counts as unanswered (their agent waits meanwhile)." },
  { name: 'ACD_CALLBACK_ATTEMPTS', default: DEFAULTS.ACD_CALLBACK_ATTEMPTS, description: 'Unanswered call-back attempts after which the call leaves the queue (counted abandoned).' },
  { name: 'ACD_CALLBACK_RETRY', default: DEFAULTS.ACD_CALLBACK_RETRY, description: 'After an unanswered attempt, the call-back waits this long out of the queue, then goes back to its head.' },
  { name: 'ACD_CALLBACK_CONCURRENCY', default: DEFAULTS.ACD_CALLBACK_CONCURRENCY, description: 'Call-backs this gateway dials at once (its BullMQ worker\'s concurrency).' },
  { name: 'ACD_VOICEMAIL', default: DEFAULTS.ACD_VOICEMAIL, description: '`on`: a waiting caller may leave a voice message instead (it becomes a work order).' },
  { name: 'ACD_SURVEY', default: DEFAULTS.ACD_SURVEY, description: '`on`: when the agent hangs up first, the caller is asked to rate the call (1-5); the rating is stored on the call\'s work order.' },
  { name: 'ACD_RECORD', default: DEFAULTS.ACD_RECORD, description: "`on`: agent calls are recorded (the caller is told while waiting) and the recording is attached to the call's work order." },
  { name: 'ACD_MOH_CLASS', default: DEFAULTS.ACD_MOH_CLASS, description: 'Music-on-hold class waiting callers hear (`musiconhold.conf`).' },
  { name: 'ACD_RESERVATION', default: DEFAULTS.ACD_RESERVATION, description: "How long a call set aside for an agent waits for its gateway to ring them before both are given back (the gateway stopped)." },
  {
    name: 'STAFF_SESSION_TTL',
    default: DEFAULTS.STAFF_SESSION_TTL,
    description:
      "How long an agent's or supervisor's session lasts from login (a shift); then every request with it is refused and they log in again. From `1s` to `7d`. Accounts are managed with `hotline-gateway staff` (only with `ACD=on`).",
  },
  {
    name: 'STAFF_LOGIN_FAILURES',
    default: DEFAULTS.STAFF_LOGIN_FAILURES,
    description: 'Wrong passwords for one staff id within 15 minutes, after which logins as that id are refused (429 with `Retry-After`) until the window passes, even with the right password. Counted in Redis, shared by every replica (1-1000).',
  },
  {
    name: 'STAFF_LOGIN_FAILURES_PER_IP',
    default: DEFAULTS.STAFF_LOGIN_FAILURES_PER_IP,
    description: 'The same per client address (whatever the id), so one address cannot try many ids; raise it when a whole call centre reaches the gateway through one NAT address (1-100000).',
  },
  {
    name: 'STAFF_COOKIE_SECURE',
    default: DEFAULTS.STAFF_COOKIE_SECURE,
    description:
      "`Secure` on the session cookie (`hotline_staff`): `on`, `off`, or `auto` (when the login came over https, as seen directly or, with `HTTP_TRUST_PROXY`, from the proxy's `X-Forwarded-Proto`). Use `on` whenever the desktop is served over https.",
  },
  {
    name: 'STAFF_SCRYPT_COST',
    default: DEFAULTS.STAFF_SCRYPT_COST,
    description:
      "scrypt's cost for new staff passwords, as log2 N (15: N = 32768, 32 MiB and tens of milliseconds per check; r = 8, p = 1). Stored with each hash, so raising it later keeps older passwords valid. 10-20; below 15 only for tests.",
  },
  { name: 'LOG_LEVEL', default: DEFAULTS.LOG_LEVEL, description: 'fatal, error, warn, info, debug, trace or silent.' },
  { name: 'SHUTDOWN_GRACE', default: DEFAULTS.SHUTDOWN_GRACE, description: 'How long a shutdown waits for calls in progress before handing them to the dialplan.' },
  { name: 'ARI_RECONNECT_MAX_DELAY', default: DEFAULTS.ARI_RECONNECT_MAX_DELAY, description: 'Longest back-off between ARI reconnection attempts.' },
  {
    name: 'DATA_DIR',
    default: DEFAULTS.DATA_DIR,
    description: 'Local durable storage: `attachments/` (content-addressed files) and `spool/` (submissions accepted while Redis was unreachable). Put it on a persistent volume.',
  },
  {
    name: 'INTAKE_PREFIX',
    default: DEFAULTS.INTAKE_PREFIX,
    description: 'Key prefix of the `intake` queue and its records; used as a Redis Cluster hash tag (`{hotline}`), so all intake keys live in one slot.',
  },
  {
    name: 'CASE_SECRET',
    default: null,
    description:
      'The secret ticket numbers and PINs are made with (at least 32 characters; every replica the same). Unset: the first gateway creates one in Redis (`{INTAKE_PREFIX}:case-secret`) and all use it. Changing it makes the PINs already given out wrong.',
    secret: true,
  },
  {
    name: 'INTAKE_TICKET_BLOCK',
    default: DEFAULTS.INTAKE_TICKET_BLOCK,
    description: 'Ticket numbers leased from Redis at a time; the lease lets the gateway keep issuing tickets while Redis is unreachable (10-1000000).',
  },
  {
    name: 'INTAKE_SHARD',
    default: DEFAULTS.INTAKE_SHARD,
    description:
      'This intake\'s shard as `INDEX/COUNT` (`2/8`: the third of eight, counting from 0) when a deployment runs several, each with its own `INTAKE_PREFIX` and Redis: their tickets never collide and a lookup that reaches the wrong shard is logged with the right one. More than one shard needs `CASE_SECRET`, the same in all. See "Capacity".',
  },
  {
    name: 'INTAKE_IDEMPOTENCY_TTL',
    default: DEFAULTS.INTAKE_IDEMPOTENCY_TTL,
    description: 'How long a dedup key (Idempotency-Key, WeChat MsgId, email Message-ID) is remembered after its job is gone (`30d`, `12h`).',
  },
  {
    name: 'INTAKE_RECORD_RETENTION',
    default: DEFAULTS.INTAKE_RECORD_RETENTION,
    description:
      "How long the gateway keeps a submission's record (status lookups, ratings, repeat detection) after its last change; then it is deleted from Redis with its indexes, and attachments and raw mail not stored again since are deleted from `DATA_DIR`. Citizen profiles with no contact for as long, whose cases are all closed or gone, go too (`hotline-gateway retention report` shows what is due). The work-order system keeps the case. At least `INTAKE_IDEMPOTENCY_TTL`.",
  },
  {
    name: 'API_KEYS_FILE',
    default: DEFAULTS.API_KEYS_FILE,
    description: 'Integrator API keys, hashed (`hotline-gateway apikey create` writes it). A missing file means no integrator keys yet.',
  },
  { name: 'HTTP_BODY_LIMIT', default: DEFAULTS.HTTP_BODY_LIMIT, description: 'Largest JSON or form body accepted (`512KB`, `1MB`, or bytes).' },
  { name: 'ATTACHMENT_MAX_BYTES', default: DEFAULTS.ATTACHMENT_MAX_BYTES, description: 'Largest single attachment (`20MB`, or bytes).' },
  { name: 'ATTACHMENT_MAX_FILES', default: DEFAULTS.ATTACHMENT_MAX_FILES, description: 'Most attachments in one submission (1-20).' },
  { name: 'FORM_RATE_LIMIT', default: DEFAULTS.FORM_RATE_LIMIT, description: 'Citizen web form submissions per minute from one IP address.' },
  { name: 'OPEN311_JURISDICTION', default: DEFAULTS.OPEN311_JURISDICTION, description: 'Open311 `jurisdiction_id` this endpoint serves.' },
  {
    name: 'OPEN311_PUBLIC_FIELDS',
    default: DEFAULTS.OPEN311_PUBLIC_FIELDS,
    description: `Fields public Open311 reads (\`GET requests\`) show, comma-separated, from ${OPEN311_PUBLIC_FIELDS.join(', ')}; \`service_request_id\` is always shown. Contact details are never shown, nor any request the citizen asked to keep private.`,
  },
  {
    name: 'SMTP_ACCEPT',
    default: null,
    description: 'Turns the email channel on: addresses and domains mail is accepted for, comma-separated (`12345@hotline.example,@hotline.example`). Nothing else is accepted; nothing is relayed.',
  },
  { name: 'SMTP_PORT', default: DEFAULTS.SMTP_PORT, description: 'Inbound SMTP port (map port 25 to it on the MX host).' },
  {
    name: 'SMTP_HOST',
    default: DEFAULTS.SMTP_HOST,
    simulatorDefault: DEFAULTS.SMTP_HOST_WITH_SIMULATOR,
    description: 'Address the SMTP server listens on; loopback only with the simulator, like `HTTP_HOST`.',
  },
  { name: 'SMTP_HOSTNAME', default: null, description: 'Name in the SMTP greeting; default: the machine\'s host name.' },
  { name: 'SMTP_MAX_BYTES', default: DEFAULTS.SMTP_MAX_BYTES, description: 'Largest message accepted (announced in EHLO SIZE; larger gets 552).' },
  { name: 'SMTP_MAX_RECIPIENTS', default: DEFAULTS.SMTP_MAX_RECIPIENTS, description: 'Recipients per message; more get 452.' },
  { name: 'SMTP_TLS_CERT', default: null, description: 'PEM certificate file: offers STARTTLS (with `SMTP_TLS_KEY`).' },
  { name: 'SMTP_TLS_KEY', default: null, description: 'PEM private key file for `SMTP_TLS_CERT`.' },
  {
    name: 'SMTP_RELAY_URL',
    default: null,
    description: 'SMTP relay for acknowledgements (`smtp://relay:25`, `smtps://user:pass@relay:465`); unset: no acknowledgements are sent.',
    secret: true,
  },
  { name: 'MAIL_FROM', default: null, description: 'From address of acknowledgements; required with `SMTP_RELAY_URL`.' },
  { name: 'WECHAT_TOKEN', default: null, description: 'Turns the WeChat channel (`/wechat`) on: the Token from the WeChat admin console.', secret: true },
  { name: 'WECHAT_APPID', default: null, description: 'Official Account AppID (or the WeCom CorpID); required with `WECHAT_TOKEN`.' },
  { name: 'WECHAT_ENCODING_AES_KEY', default: null, description: 'EncodingAESKey (43 characters); needed for safe mode and WeCom.', secret: true },
  { name: 'WECHAT_PREVIOUS_ENCODING_AES_KEY', default: null, description: 'The previous EncodingAESKey, tried while WeChat switches keys.', secret: true },
  { name: 'WECHAT_APPSECRET', default: null, description: 'AppSecret (WeCom: the app Secret) for downloading pictures, voice and video; unset: media is not downloaded.', secret: true },
  { name: 'WECHAT_MODE', default: DEFAULTS.WECHAT_MODE, description: '`auto`, `official` (Official Account) or `wecom` (always encrypted, CorpID).' },
  { name: 'WECHAT_API_BASE', default: null, description: "WeChat API base URL; default WeChat's (`https://api.weixin.qq.com`, or WeCom's in `wecom` mode)." },
  { name: 'WECHAT_MERGE_WINDOW', default: DEFAULTS.WECHAT_MERGE_WINDOW, description: 'Messages from one person within this time of the previous one belong to the same request (`0` turns merging off).' },
  { name: 'WECHAT_MAX_CLOCK_SKEW', default: DEFAULTS.WECHAT_MAX_CLOCK_SKEW, description: 'Pushes with a timestamp further off than this are refused as replays.' },
  { name: 'WECHAT_LOCATION_TTL', default: DEFAULTS.WECHAT_LOCATION_TTL, description: 'How long a location reported by the LOCATION event is used for that person\'s submissions.' },
  {
    name: 'FAIR_USE_IP_PER_HOUR',
    default: DEFAULTS.FAIR_USE_IP_PER_HOUR,
    description: 'Web form submissions an hour from one client IP address (an IPv6 address counts as its /64); more get 429 `too_many_submissions`. Shared by every replica through Redis; emergencies are never limited.',
  },
  { name: 'FAIR_USE_KEY_PER_HOUR', default: DEFAULTS.FAIR_USE_KEY_PER_HOUR, description: 'Submissions an hour through one integrator API key (`/v1`, Open311), besides the key\'s per-minute `--rate`.' },
  { name: 'FAIR_USE_OPENID_PER_HOUR', default: DEFAULTS.FAIR_USE_OPENID_PER_HOUR, description: 'WeChat messages an hour that one openid may file; more get a polite "try later" reply.' },
  { name: 'FAIR_USE_EMAIL_PER_HOUR', default: DEFAULTS.FAIR_USE_EMAIL_PER_HOUR, description: 'Mails an hour one sender address may file; more get SMTP `451 4.7.1` (the sender\'s server retries later).' },
  {
    name: 'FAIR_USE_FLAGGED_PER_HOUR',
    default: DEFAULTS.FAIR_USE_FLAGGED_PER_HOUR,
    description: 'Submissions an hour of an identity a supervisor flagged (`hotline-gateway flag add`, `/v1/flags`), on every internet channel; `0` refuses all but emergencies while the flag lasts.',
  },
  { name: 'FLAG_AUDIT_RETENTION', default: DEFAULTS.FLAG_AUDIT_RETENTION, description: 'The flag audit log keeps at least this much history (`1095d`); older entries are trimmed. At least `1d`.' },
];

/** The variables as a Markdown table for the README. */
export function configDocMarkdown(): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const value = (v: ConfigVariableDoc): string => {
    if (v.default === null) return '-';
    const fallback = `\`${cell(v.default)}\``;
    return v.simulatorDefault === undefined ? fallback : `\`${cell(v.simulatorDefault)}\` (simulator), ${fallback} (\`ARI_URL\` set)`;
  };
  const rows = CONFIG_DOC.map((v) => `| \`${v.name}\` | ${value(v)} | ${cell(v.description)}${v.secret === true ? ' (secret)' : ''} |`);
  return ['| Variable | Default | Description |', '| --- | --- | --- |', ...rows].join('\n');
}
