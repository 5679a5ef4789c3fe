// queues.conf as app_queue reads it, the part the simulator rings: each queue's strategy, ring timeout, retry,
// joinempty and static members, with `(!)` templates and `[queue](template)` inheritance.

import { ConfigSyntaxError, configLines } from './config-lines.js';

export interface QueueMember {
  readonly interface: string;
  readonly penalty: number;
  readonly name: string;
  readonly stateInterface: string;
}

export interface QueueConfig {
  readonly name: string;
  readonly strategy: string;
  readonly timeoutSeconds: number;
  readonly retrySeconds: number;
  /** joinempty conditions: a caller does not join when every member is in one of these (e.g. unavailable). */
  readonly joinEmpty: readonly string[];
  readonly members: readonly QueueMember[];
}

interface Section {
  readonly settings: Map<string, string>;
  readonly members: QueueMember[];
  readonly template: boolean;
}

export function parseQueuesConf(text: string, file: string): Map<string, QueueConfig> {
  const sections = new Map<string, Section>();
  let current: Section | null = null;
  for (const line of configLines(text, file)) {
    if (line.kind === 'section') {
      const settings = new Map<string, string>();
      const members: QueueMember[] = [];
      for (const base of line.bases) {
        const from = sections.get(base);
        if (from === undefined) throw new ConfigSyntaxError(file, line.line, `[${line.name}] inherits from unknown [${base}]`);
        for (const [k, v] of from.settings) settings.set(k, v);
        members.push(...from.members);
      }
      current = { settings, members, template: line.template };
      sections.set(line.name, current);
      continue;
    }
    if (current === null) throw new ConfigSyntaxError(file, line.line, 'entry before any [section]');
    if (line.key.toLowerCase() === 'member') {
      const [iface, penalty, name, stateInterface] = line.value.split(',').map((s) => s.trim());
      if (!iface || !/^[A-Za-z0-9]+\/\S+$/.test(iface)) throw new ConfigSyntaxError(file, line.line, `bad member interface: ${line.value}`);
      const p = penalty === undefined || penalty === '' ? 0 : Number(penalty);
      if (!Number.isInteger(p)) throw new ConfigSyntaxError(file, line.line, `bad member penalty: ${penalty ?? ''}`);
      current.members.push({ interface: iface, penalty: p, name: name || iface, stateInterface: stateInterface || iface });
    } else {
      current.settings.set(line.key.toLowerCase(), line.value);
    }
  }
  const queues = new Map<string, QueueConfig>();
  for (const [name, s] of sections) {
    if (name === 'general' || s.template) continue;
    const num = (key: string, fallback: number): number => {
      const v = Number(s.settings.get(key));
      return Number.isFinite(v) && s.settings.has(key) ? v : fallback;
    };
    queues.set(name, {
      name,
      strategy: s.settings.get('strategy') ?? 'ringall',
      timeoutSeconds: num('timeout', 15),
      retrySeconds: num('retry', 5),
      joinEmpty: (s.settings.get('joinempty') ?? '').split(',').map((x) => x.trim().toLowerCase()).filter((x) => x !== '' && x !== 'no'),
      members: s.members,
    });
  }
  return queues;
}
