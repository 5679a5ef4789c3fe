import { PRODUCTION_NODE_FLAGS } from '../../../bench/shared/node-flags.js';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONFIG_DOC } from '../../../src/config/index.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string): string => readFileSync(`${root}${path}`, 'utf8');

interface Service {
  build?: { context: string; dockerfile?: string; dockerfile_inline?: string };
  image?: string;
  restart?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
const compose = parse(read('docker-compose.yml')) as { version?: unknown; services: Record<string, Service>; volumes?: Record<string, unknown> };
const services = compose.services;
const service = (name: string): Service => {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};

/** Asterisk .conf: sections with their `key = value` / `key => value` lines, comments stripped. */
interface ConfSection {
  name: string;
  lines: Array<[key: string, value: string]>;
}
function parseConf(text: string): ConfSection[] {
  const sections: ConfSection[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(^|[^\\]);.*$/, '$1').trim();
    if (line === '' || line.startsWith('#include')) continue;
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header?.[1]) {
      sections.push({ name: header[1], lines: [] });
      continue;
    }
    const kv = /^([^=]+?)\s*=>?\s*(.*)$/.exec(line);
    if (!kv?.[1] || kv[2] === undefined) throw new Error(`not a .conf line: ${raw}`);
    const current = sections.at(-1);
    if (!current) throw new Error(`line before any section: ${raw}`);
    current.lines.push([kv[1], kv[2]]);
  }
  return sections;
}
const conf = (file: string): ConfSection[] => parseConf(read(`asterisk-config/${file}`));
const sectionsNamed = (sections: ConfSection[], name: string): ConfSection[] => sections.filter((s) => s.name === name);
/** Dialplan extensions of a context (`exten => NAME,priority,...`). */
const extensions = (context: ConfSection | undefined): string[] => [...new Set((context?.lines ?? []).filter(([k]) => k === 'exten').map(([, v]) => v.split(',')[0] ?? ''))];
/** The dialplan lines of one extension: its `exten =>` line and the `same =>` lines after it. */
function extensionBody(context: ConfSection | undefined, exten: string): string {
  const out: string[] = [];
  let inside = false;
  for (const [k, v] of context?.lines ?? []) {
    if (k === 'exten') inside = v.split(',')[0] === exten;
    if (inside && (k === 'exten' || k === 'same')) out.push(v);
  }
  return out.join('\n');
}

describe('docker-compose.yml', () => {
  it('uses the compose spec (no version key) and has the three services, always restarted', () => {
    expect(compose.version).toBeUndefined();
    expect(Object.keys(services).sort()).toEqual(['asterisk', 'gateway', 'redis']);
    for (const s of Object.values(services)) expect(s.restart).toBe('unless-stopped');
  });

  it('runs Redis 7 durably: AOF fsync always, no eviction, a volume, a ping healthcheck', () => {
    const redis = service('redis');
    expect(redis.image).toMatch(/^redis:7/);
    const command = (redis.command ?? []).join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--appendfsync always');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(redis.volumes?.some((v) => v.endsWith(':/data'))).toBe(true);
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('wires the gateway to Redis, ARI and AMI, with secrets required from .env', () => {
    const gateway = service('gateway');
    expect(gateway.build?.context).toBe('.');
    const env = gateway.environment ?? {};
    expect(env).toMatchObject({
      REDIS_URL: 'redis://redis:6379',
      ARI_URL: 'http://asterisk:8088',
      ARI_APP: 'ivr-12345',
      AMI_HOST: 'asterisk',
      AMI_PORT: '5038',
      HTTP_PORT: '8080',
    });
    expect(env.ARI_USERNAME).toMatch(/^\$\{ARI_USERNAME/);
    expect(env.AMI_USERNAME).toMatch(/^\$\{AMI_USERNAME/);
    expect(env.ARI_PASSWORD).toMatch(/^\$\{ARI_PASSWORD:\?.+\}$/);
    expect(env.AMI_SECRET).toMatch(/^\$\{AMI_SECRET:\?.+\}$/);
    expect(gateway.depends_on).toEqual({ redis: { condition: 'service_healthy' }, asterisk: { condition: 'service_healthy' } });
    expect(gateway.healthcheck?.test.join(' ')).toContain('/healthz');
  });

  it('builds the gateway image on a current Node LTS with everything the running gateway reads', () => {
    const dockerfile = service('gateway').build?.dockerfile_inline ?? '';
    const froms = [...dockerfile.matchAll(/^\s*FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms.length).toBe(2);
    for (const from of froms) expect(from).toMatch(/^node:(22|24)-/);
    for (const copied of ['./dist', './src/adapters/http/web-form/assets', './ivr-flows', './node_modules']) expect(dockerfile).toContain(copied);
    expect(existsSync(`${root}src/adapters/http/web-form/assets/index.html`)).toBe(true);
    // The image runs the gateway with the same V8 flags as `npm start` and the benchmarks (bench/shared/node-flags.ts).
    expect(dockerfile).toContain(`CMD ${JSON.stringify(['node', ...PRODUCTION_NODE_FLAGS, 'dist/src/cli.js', 'serve'])}`.replaceAll('","', '", "'));
    expect((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['start']).toBe(['node', ...PRODUCTION_NODE_FLAGS, 'dist/src/cli.js', 'serve'].join(' '));
    expect(dockerfile).toMatch(/USER node/);
  });

  it('keeps DATA_DIR on a volume and passes only variables the gateway knows', () => {
    const gateway = service('gateway');
    const env = gateway.environment ?? {};
    expect(gateway.volumes).toContain(`gateway-data:${env.DATA_DIR}`);
    const known = new Set(CONFIG_DOC.map((v) => v.name));
    for (const name of Object.keys(env)) expect(known, name).toContain(name);
  });

  it('gives Asterisk the same secrets, its ports, and a healthcheck', () => {
    const asterisk = service('asterisk');
    expect(asterisk.build?.context).toBe('./asterisk-config');
    const env = asterisk.environment ?? {};
    expect(env.ARI_PASSWORD).toBe(service('gateway').environment?.ARI_PASSWORD);
    expect(env.AMI_SECRET).toBe(service('gateway').environment?.AMI_SECRET);
    const ports = asterisk.ports ?? [];
    for (const port of ['5060:5060/udp', '5060:5060/tcp', '127.0.0.1:8088:8088', '127.0.0.1:5038:5038']) expect(ports).toContain(port);
    const rtp = conf('rtp.conf')[0]?.lines ?? [];
    const start = rtp.find(([k]) => k === 'rtpstart')?.[1];
    const end = rtp.find(([k]) => k === 'rtpend')?.[1];
    expect(ports).toContain(`${start}-${end}:${start}-${end}/udp`);
    expect(asterisk.healthcheck?.test.length).toBeGreaterThan(1);
  });

  it('references only files that exist, and mounts the prompts where Asterisk looks for them', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.build && s.build.dockerfile_inline === undefined) {
        expect(existsSync(`${root}${s.build.context}/${s.build.dockerfile ?? 'Dockerfile'}`), `${name} Dockerfile`).toBe(true);
      }
      for (const volume of s.volumes ?? []) {
        const [source] = volume.split(':');
        if (source?.startsWith('./')) expect(existsSync(`${root}${source.slice(2)}`), `${name} mounts ${source}`).toBe(true);
        else expect(compose.volumes ?? {}, `${name} uses volume ${source}`).toHaveProperty(source ?? '');
      }
    }
    const mounts = service('asterisk').volumes ?? [];
    expect(mounts).toContain('./asterisk-config/sounds/zh/hotline:/var/lib/asterisk/sounds/zh/hotline:ro');
    expect(mounts).toContain('./asterisk-config/sounds/en/hotline:/var/lib/asterisk/sounds/en/hotline:ro');
    for (const file of ['asterisk.conf', 'modules.conf', 'http.conf', 'ari.conf', 'manager.conf', 'pjsip.conf', 'extensions.conf', 'queues.conf', 'musiconhold.conf']) {
      expect(mounts).toContain(`./asterisk-config/${file}:/etc/asterisk/${file}:ro`);
    }
  });

  it('documents every variable it interpolates in asterisk-config/compose.env.example', () => {
    const used = new Set([...read('docker-compose.yml').matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]));
    const documented = new Set([...read('asterisk-config/compose.env.example').matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
    for (const name of used) expect(documented, name).toContain(name);
  });
});

describe('asterisk-config', () => {
  it('writes every secrets file the .conf files #include', () => {
    const entrypoint = read('asterisk-config/docker-entrypoint.sh');
    for (const file of ['ari.conf', 'manager.conf', 'pjsip.conf']) {
      const includes = [...read(`asterisk-config/${file}`).matchAll(/^#include "\/run\/asterisk-secrets\/([^"]+)"/gm)].map((m) => m[1]);
      expect(includes.length, file).toBe(1);
      for (const include of includes) expect(entrypoint).toContain(`$secrets_dir/${include}`);
    }
  });

  it('configures HTTP for load: a raised session limit and keep-alive', () => {
    const http = sectionsNamed(conf('http.conf'), 'general')[0]?.lines ?? [];
    const value = (key: string): string | undefined => http.find(([k]) => k === key)?.[1];
    expect(value('enabled')).toBe('yes');
    expect(value('bindaddr')).toBe('0.0.0.0');
    expect(value('bindport')).toBe('8088');
    expect(Number(value('sessionlimit'))).toBeGreaterThanOrEqual(500);
    expect(Number(value('session_keep_alive'))).toBeGreaterThan(0);
  });

  it('has balanced parentheses on every dialplan line once `;` comments are cut off (as Asterisk cuts them)', () => {
    for (const section of conf('extensions.conf')) {
      for (const [key, value] of section.lines) {
        if (key !== 'exten' && key !== 'same') continue;
        let depth = 0;
        for (const c of value) {
          depth += c === '(' ? 1 : c === ')' ? -1 : 0;
          expect(depth, `[${section.name}] ${value}`).toBeGreaterThanOrEqual(0);
        }
        expect(depth, `[${section.name}] ${value}`).toBe(0);
      }
    }
  });

  it('enters the gateway Stasis app on 12345 and falls back to the static menu when it fails', () => {
    const dialplan = conf('extensions.conf');
    const globals = sectionsNamed(dialplan, 'globals')[0]?.lines ?? [];
    expect(globals).toContainEqual(['HOTLINE_APP', 'ivr-12345']);
    const entry = extensionBody(sectionsNamed(dialplan, 'hotline-entry')[0], '12345');
    expect(entry).toContain('Stasis(${HOTLINE_APP})');
    expect(entry).toMatch(/GotoIf\(\$\["\$\{STASISSTATUS\}" = "FAILED"\]\?ivr-fallback,menu,1\)/);
    for (const context of ['from-carrier', 'ivr-inbound']) {
      expect(sectionsNamed(dialplan, context)[0]?.lines, context).toContainEqual(['include', 'hotline-entry']);
    }
    const menu = sectionsNamed(dialplan, 'ivr-static-menu')[0];
    expect(extensionBody(menu, 's')).toContain('Background(hotline/main-menu)');
    expect(extensionBody(menu, 's')).toContain('WaitExten(');
    expect(extensionBody(menu, '1')).toContain('ivr-static-emergency');
    expect(extensionBody(menu, 't')).toContain('HOTLINE_SKILL=general');
    expect(extensionBody(menu, 'i')).toContain('HOTLINE_SKILL=general');
  });

  it('plays only prompts the flow declares, so `prompts render` produces every file the dialplan needs', () => {
    const declared = new Set([...read('ivr-flows/12345.yaml').matchAll(/audio: (hotline\/[a-z0-9-]+)/g)].map((m) => m[1]));
    const played = [...read('asterisk-config/extensions.conf').matchAll(/(?:Background|Playback)\((hotline\/[a-z0-9-]+)\)/g), ...read('asterisk-config/queues.conf').matchAll(/= (hotline\/[a-z0-9-]+)/g)].map((m) => m[1]);
    expect(played.length).toBeGreaterThan(5);
    for (const prompt of played) expect(declared, prompt).toContain(prompt);
  });

  it('has the fallback contexts the gateway relies on', () => {
    const dialplan = conf('extensions.conf');
    const fallback = sectionsNamed(dialplan, 'ivr-fallback')[0];
    expect(extensions(fallback)).toEqual(expect.arrayContaining(['queue', 'menu']));
    const queue = extensionBody(fallback, 'queue');
    expect(queue).toContain('${HOTLINE_SKILL}');
    expect(queue).toContain('${HOTLINE_PRIORITY}');
    expect(queue).toContain('QUEUE_PRIO=');
    expect(queue).toContain('Queue(hotline-${SKILL}');
    expect(queue).toContain('Set(SKILL=general)');

    const emergency = sectionsNamed(dialplan, 'emergency-fallback')[0];
    expect(extensions(emergency).sort()).toEqual(['110', '119', '120', '122']);
    const trunks: Record<string, string> = { '110': 'psap-police', '119': 'psap-fire', '120': 'psap-ambulance', '122': 'psap-traffic' };
    for (const [number, trunk] of Object.entries(trunks)) expect(extensionBody(emergency, number)).toContain(`(${number},${trunk})`);
    const sub = extensionBody(sectionsNamed(dialplan, 'sub-emergency-dial')[0], 's');
    expect(sub).toContain('Dial(PJSIP/${ARG1}@${ARG2},');
    expect(sub).toContain('Dial(PJSIP/${ARG1}@${ARG2}-backup,');
    // The gateway's own announcement (ivr-flows/12345.yaml) with the number to dial in between.
    expect(sub).toMatch(/Playback\(hotline\/emergency-unreachable\)\n.*SayDigits\(\$\{ARG1\}\)\n.*Playback\(hotline\/emergency-retrying\)/);
    const staticEmergency = sectionsNamed(dialplan, 'ivr-static-emergency')[0];
    for (const [digit, number] of [['1', '110'], ['2', '119'], ['3', '120'], ['4', '122']] as const) {
      expect(extensionBody(staticEmergency, digit)).toContain(`emergency-fallback,${number},1`);
    }
  });

  it('defines every PJSIP endpoint the default emergency dial strings use, each matched by IP', () => {
    const pjsip = conf('pjsip.conf');
    const typeOf = (name: string): string[] => sectionsNamed(pjsip, name).map((s) => s.lines.find(([k]) => k === 'type')?.[1] ?? 'template-typed');
    const identified = new Set(pjsip.filter((s) => s.lines.some(([k, v]) => k === 'type' && v === 'identify')).map((s) => s.lines.find(([k]) => k === 'endpoint')?.[1]));
    for (const base of ['carrier', 'psap-police', 'psap-fire', 'psap-ambulance', 'psap-traffic']) {
      const names = base === 'carrier' ? [base] : [base, `${base}-backup`];
      for (const name of names) {
        expect(sectionsNamed(pjsip, name).length, name).toBe(2);
        expect(identified, name).toContain(name);
      }
    }
    expect(typeOf('agent-template')).toEqual(['endpoint']);
    expect(sectionsNamed(pjsip, 'agent-1001').length).toBe(2);
    expect(sectionsNamed(pjsip, 'agent-1002').length).toBe(2);
  });

  it('has the four hotline queues with ring-no-answer timeout, wrap-up and position announcements', () => {
    const queues = conf('queues.conf');
    const template = sectionsNamed(queues, 'hotline-template')[0]?.lines ?? [];
    for (const key of ['strategy', 'timeout', 'wrapuptime', 'announce-position']) expect(template.map(([k]) => k), key).toContain(key);
    for (const name of ['hotline-general', 'hotline-consultation', 'hotline-complaint', 'hotline-case-status']) {
      expect(sectionsNamed(queues, name), name).toHaveLength(1);
    }
    expect(read('asterisk-config/queues.conf')).toMatch(/^\[hotline-general\]\(hotline-template\)$/m);
  });

  it('gives the gateway AMI user the classes it needs and no default passwords anywhere', () => {
    const entrypoint = read('asterisk-config/docker-entrypoint.sh');
    expect(entrypoint).toContain('read = system,call,agent,user,reporting');
    expect(entrypoint).toContain('write = originate,call,system,reporting');
    for (const file of ['ari.conf', 'manager.conf', 'pjsip.conf']) {
      expect(read(`asterisk-config/${file}`), file).not.toMatch(/^\s*(password|secret)\s*=/m);
    }
  });
});
