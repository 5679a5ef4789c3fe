// How the configured Redis is named in logs and messages: where it is, never a password.

import { maskUrlCredentials } from './parse-config.js';
import type { HostPort, RedisTarget } from './types.js';

function list(nodes: readonly HostPort[]): string {
  return nodes.map(({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`).join(',');
}

export function redisLabel(target: RedisTarget): string {
  switch (target.mode) {
    case 'single':
      return maskUrlCredentials(target.url);
    case 'cluster':
      return `cluster ${list(target.nodes)}`;
    case 'sentinel':
      return `master "${target.masterName}" of sentinels ${list(target.sentinels)}`;
  }
}
