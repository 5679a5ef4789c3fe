// The Asterisk image starts with no ERROR lines: every module that modules.conf lets autoload and that logs an
// ERROR when its configuration file is missing has that file in asterisk-config/ (which the Dockerfile copies to
// /etc/asterisk), and no autoloaded module requires one that is noloaded (the loader's "Failed to load X due to
// dependencies", also an ERROR). The tables come from the Asterisk 22.10.1 source, as cited.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../../asterisk-config/', import.meta.url));
const read = (name: string): string => readFileSync(`${dir}${name}`, 'utf8');

/** Files the core itself loads through the config framework (config_options.c: "Unable to load config file"). */
const CORE_CONFIGS: Readonly<Record<string, string>> = {
  'cdr.conf': 'main/cdr.c',
  'cel.conf': 'main/cel.c',
  'features.conf': 'main/features_config.c',
  'udptl.conf': 'main/udptl.c',
  'stasis.conf': 'main/stasis.c',
  'acl.conf': 'main/named_acl.c',
};

/**
 * Loadable modules that log an ERROR at load when their file is missing: through the config framework
 * (config_options.c), sorcery's config wizard (res_sorcery_config.c "Unable to load config file"), or their own
 * check (app_amd "Configuration file amd.conf missing", res_clialiases, res_fax, cdrel_custom/config.c, the
 * channel drivers).
 */
const MODULE_CONFIGS: Readonly<Record<string, string>> = {
  res_pjsip: 'pjsip.conf',
  res_pjsip_pubsub: 'pjsip.conf',
  res_pjsip_outbound_registration: 'pjsip.conf',
  res_pjsip_endpoint_identifier_ip: 'pjsip.conf',
  res_pjsip_acl: 'pjsip.conf',
  res_pjproject: 'pjproject.conf',
  res_ari: 'ari.conf',
  res_websocket_client: 'websocket_client.conf',
  chan_websocket: 'chan_websocket.conf',
  res_stir_shaken: 'stir_shaken.conf',
  res_aeap: 'aeap.conf',
  res_geolocation: 'geolocation.conf',
  res_parking: 'res_parking.conf',
  app_agent_pool: 'agents.conf',
  app_confbridge: 'confbridge.conf',
  chan_motif: 'motif.conf',
  res_xmpp: 'xmpp.conf',
  res_pjsip_notify: 'pjsip_notify.conf',
  res_pjsip_config_wizard: 'pjsip_wizard.conf',
  res_prometheus: 'prometheus.conf',
  res_statsd: 'statsd.conf',
  res_http_media_cache: 'res_http_media_cache.conf',
  res_resolver_unbound: 'resolver_unbound.conf',
  app_amd: 'amd.conf',
  res_clialiases: 'cli_aliases.conf',
  res_fax: 'res_fax.conf',
  cdr_custom: 'cdr_custom.conf',
  cdr_sqlite3_custom: 'cdr_sqlite3_custom.conf',
  cel_custom: 'cel_custom.conf',
  cel_sqlite3_custom: 'cel_sqlite3_custom.conf',
  chan_iax2: 'iax.conf',
  chan_dahdi: 'chan_dahdi.conf',
  chan_unistim: 'unistim.conf',
  pbx_dundi: 'dundi.conf',
  res_calendar: 'calendar.conf',
  res_phoneprov: 'phoneprov.conf',
  res_config_ldap: 'res_ldap.conf',
};

/** `.requires` of the modules that need one the hotline may noload (AST_MODULE_INFO in each module's source). */
const REQUIRES: Readonly<Record<string, readonly string[]>> = {
  res_ari: ['res_stasis', 'res_http_websocket', 'res_websocket_client'],
  app_stasis: ['res_stasis', 'res_ari'],
  chan_websocket: ['res_http_websocket', 'res_websocket_client'],
  res_pjsip_exten_state: ['res_pjsip', 'res_pjsip_pubsub', 'res_pjsip_outbound_publish'],
  res_pjsip_stir_shaken: ['res_pjsip', 'res_pjsip_session', 'res_stir_shaken'],
  res_pjsip_geolocation: ['res_geolocation', 'res_pjsip', 'res_pjsip_session', 'chan_pjsip'],
  res_speech_aeap: ['res_speech', 'res_aeap'],
  app_page: ['app_confbridge'],
  app_statsd: ['res_statsd'],
  res_chan_stats: ['res_statsd'],
  res_endpoint_stats: ['res_statsd'],
  cdr_custom: ['res_cdrel_custom'],
  cdr_sqlite3_custom: ['res_cdrel_custom'],
  cel_custom: ['res_cdrel_custom'],
  cel_sqlite3_custom: ['res_cdrel_custom'],
  res_hep_pjsip: ['res_hep'],
  res_hep_rtcp: ['res_hep'],
  chan_motif: ['res_xmpp'],
  res_pjsip_phoneprov_provider: ['res_phoneprov'],
  app_adsiprog: ['res_adsi'],
  app_getcpeid: ['res_adsi'],
};

/** What the hotline cannot run without: never noloaded. */
const NEEDED = [
  'res_ari', 'res_ari_channels', 'res_ari_bridges', 'res_ari_playbacks', 'res_ari_recordings', 'res_ari_events',
  'res_ari_applications', 'res_stasis', 'res_stasis_playback', 'res_stasis_recording', 'app_stasis',
  'res_http_websocket', 'res_websocket_client', 'res_pjsip', 'chan_pjsip', 'res_pjsip_session', 'res_pjproject',
  'app_queue', 'app_dial', 'app_playback', 'res_musiconhold', 'pbx_config', 'format_wav', 'codec_ulaw', 'codec_alaw',
  'func_strings', 'func_channel', 'func_logic', 'app_exec', 'app_stack',
];

function modulesConf(): { autoload: boolean; noload: string[] } {
  const noload: string[] = [];
  let autoload = false;
  for (const raw of read('modules.conf').split('\n')) {
    const line = raw.replace(/;.*$/, '').trim();
    const m = /^(\w+)\s*=>?\s*(.+)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'autoload') autoload = m[2] === 'yes';
    if (m[1] === 'noload') noload.push((m[2] as string).replace(/\.so$/, ''));
  }
  return { autoload, noload };
}

describe('asterisk-config starts Asterisk 22 without ERROR lines', () => {
  const { autoload, noload } = modulesConf();
  const shipped = new Set(readdirSync(dir).filter((f) => f.endsWith('.conf')));

  it('modules.conf autoloads, and names each noloaded module once, as a .so', () => {
    expect(autoload).toBe(true);
    expect(new Set(noload).size).toBe(noload.length);
    for (const raw of read('modules.conf').split('\n').filter((l) => /^\s*noload\b/.test(l))) expect(raw).toMatch(/^noload => \w+\.so$/);
  });

  it('ships every configuration file the core loads at start', () => {
    for (const [file, source] of Object.entries(CORE_CONFIGS)) expect(shipped.has(file), `${file} (${source})`).toBe(true);
  });

  it('every autoloaded module that needs a configuration file finds it', () => {
    const missing = Object.entries(MODULE_CONFIGS)
      .filter(([module, file]) => !noload.includes(module) && !shipped.has(file))
      .map(([module, file]) => `${module} needs ${file}: ship it or noload ${module}.so`);
    expect(missing).toEqual([]);
  });

  it('no autoloaded module requires a noloaded one', () => {
    const broken = Object.entries(REQUIRES)
      .filter(([module]) => !noload.includes(module))
      .flatMap(([module, requires]) => requires.filter((r) => noload.includes(r)).map((r) => `${module} requires ${r}, which is noloaded`));
    expect(broken).toEqual([]);
  });

  it('never noloads what the hotline needs', () => {
    expect(NEEDED.filter((m) => noload.includes(m))).toEqual([]);
  });

  it('the Dockerfile copies every shipped .conf to /etc/asterisk', () => {
    expect(read('Dockerfile')).toMatch(/^COPY \*\.conf \/etc\/asterisk\/$/m);
    for (const file of Object.keys(CORE_CONFIGS)) expect(existsSync(`${dir}${file}`)).toBe(true);
  });
});
