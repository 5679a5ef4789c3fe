// What the figures were measured on: they only compare with figures from a machine like it, equally idle.

import { cpus, loadavg } from 'node:os';
import { Redis } from 'ioredis';

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly redis: string;
  /** One-minute load average when the run started: other work on the machine skews every figure. */
  readonly loadAverage: number;
}

export async function machineInfo(redisUrl: string): Promise<MachineInfo> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  try {
    const info = await redis.info('server');
    const list = cpus();
    return {
      cpus: list.length,
      cpuModel: list[0]?.model.trim() ?? 'unknown CPU',
      node: process.versions.node,
      redis: /^redis_version:(\S+)/m.exec(info)?.[1] ?? 'unknown',
      loadAverage: loadavg()[0] ?? 0,
    };
  } finally {
    redis.disconnect();
  }
}

export function machineNote(machine: MachineInfo): string {
  return (
    `Machine: ${machine.cpus} x ${machine.cpuModel}, Node ${machine.node}, Redis ${machine.redis}, load average ${machine.loadAverage.toFixed(2)} at the start. ` +
    'The load generator, the gateway and Redis share these cores, as do the baseline\'s caller and Redis.'
  );
}
