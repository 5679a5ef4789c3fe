// Every environment variable the gateway reads, with its default: the single source for both
// `parseConfig` and the README table (`configDocMarkdown()`).

import type { EmergencyService } from '../domain/flow/types.js';

export interface ConfigVariableDoc {
  readonly name: string;
  /** Text of the default value, or `null` when the variable has no default. */
  readonly default: string | null;
  readonly description: string;
  /** Secrets are never printed: not in errors, not in the start-up log. */
  readonly secret?: boolean;
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
  HTTP_PORT: '8080',
  HTTP_HOST: '0.0.0.0',
  ARI_APP: 'ivr-12345',
  AMI_PORT: '5038',
  IVR_FLOW: 'ivr-flows/12345.yaml',
  SOUNDS_DIR: 'asterisk-config/sounds',
  EMERGENCY_RING_TIMEOUT: '20s',
  EMERGENCY_ROUNDS: '3',
  FALLBACK_CONTEXT: 'ivr-fallback',
  FALLBACK_QUEUE_EXTEN: 'queue',
  FALLBACK_MENU_EXTEN: 'menu',
  LOG_LEVEL: 'info',
  SHUTDOWN_GRACE: '10s',
  ARI_RECONNECT_MAX_DELAY: '10s',
} as const;

const SERVICES: readonly EmergencyService[] = ['110', '119', '120', '122'];

export const CONFIG_DOC: readonly ConfigVariableDoc[] = [
  { name: 'REDIS_URL', default: DEFAULTS.REDIS_URL, description: 'Redis server (`redis://` or `rediss://` URL; a password in it is never logged).' },
  { name: 'HTTP_PORT', default: DEFAULTS.HTTP_PORT, description: 'Port of the operations HTTP server (`/healthz`, `/readyz`, `/metrics`).' },
  { name: 'HTTP_HOST', default: DEFAULTS.HTTP_HOST, description: 'Address the operations HTTP server listens on.' },
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
  { name: 'SOUNDS_DIR', default: DEFAULTS.SOUNDS_DIR, description: 'Folder of the IVR sound files.' },
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
  { name: 'LOG_LEVEL', default: DEFAULTS.LOG_LEVEL, description: 'fatal, error, warn, info, debug, trace or silent.' },
  { name: 'SHUTDOWN_GRACE', default: DEFAULTS.SHUTDOWN_GRACE, description: 'How long a shutdown waits for calls in progress before handing them to the dialplan.' },
  { name: 'ARI_RECONNECT_MAX_DELAY', default: DEFAULTS.ARI_RECONNECT_MAX_DELAY, description: 'Longest back-off between ARI reconnection attempts.' },
];

/** The variables as a Markdown table for the README. */
export function configDocMarkdown(): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const rows = CONFIG_DOC.map(
    (v) => `| \`${v.name}\` | ${v.default === null ? '-' : `\`${cell(v.default)}\``} | ${cell(v.description)}${v.secret === true ? ' (secret)' : ''} |`,
  );
  return ['| Variable | Default | Description |', '| --- | --- | --- |', ...rows].join('\n');
}
