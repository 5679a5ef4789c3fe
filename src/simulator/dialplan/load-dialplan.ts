// Reads the dialplan and queues the simulator runs from an Asterisk configuration folder (the project's
// asterisk-config/ by default): the same files the real Asterisk image loads.

import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dialplan } from './extensions-conf.js';
import { parseExtensionsConf } from './extensions-conf.js';
import type { QueueConfig } from './queues-conf.js';
import { parseQueuesConf } from './queues-conf.js';

export interface SimulatedDialplan {
  readonly dialplan: Dialplan;
  readonly queues: ReadonlyMap<string, QueueConfig>;
}

/** The project's own asterisk-config/, wherever the gateway is started from. */
export const PROJECT_ASTERISK_CONFIG = fileURLToPath(new URL('../../../asterisk-config', import.meta.url));

/** Throws ConfigSyntaxError (`<file>:<line>: ...`) for what the simulator cannot read, or the fs error. */
export function loadDialplan(dir: string = PROJECT_ASTERISK_CONFIG): SimulatedDialplan {
  const read = (name: string): { text: string; shown: string } => {
    const path = join(dir, name);
    const shown = relative(process.cwd(), path) || path;
    return { text: readFileSync(path, 'utf8'), shown: shown.startsWith('..') ? path : shown };
  };
  const extensions = read('extensions.conf');
  const queues = read('queues.conf');
  return { dialplan: parseExtensionsConf(extensions.text, extensions.shown), queues: parseQueuesConf(queues.text, queues.shown) };
}
