// What the figures were measured on: they only compare with figures from a machine like it, equally idle.

import { cpus, loadavg } from 'node:os';
import { redisServerInfo } from './redis-tools.js';
import type { BenchRedis } from './redis-tools.js';

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly redis: string;
  /** Where Redis was (no password), and how many masters served the run (1 unless a cluster). */
  readonly redisAt?: string;
  readonly redisMasters?: number;
  /** One-minute load average when the run started: other work on the machine skews every figure. */
  readonly loadAverage: number;
}

export async function machineInfo(redis: BenchRedis | string): Promise<MachineInfo> {
  const server = await redisServerInfo(redis);
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown CPU',
    node: process.versions.node,
    redis: server.version,
    ...(typeof redis === 'string' ? {} : { redisAt: redis.label, redisMasters: server.masters }),
    loadAverage: loadavg()[0] ?? 0,
  };
}

export function machineNote(machine: MachineInfo): string {
  return (
    `Machine: ${machine.cpus} x ${machine.cpuModel}, Node ${machine.node}, Redis ${machine.redis}${machine.redisAt === undefined ? '' : ` at ${machine.redisAt}${(machine.redisMasters ?? 1) > 1 ? ` (${machine.redisMasters} masters; Redis figures summed over them)` : ''}`}, load average ${machine.loadAverage.toFixed(2)} at the start. ` +
    'The load generator, the gateway and Redis share these cores, as do the baseline\'s caller and Redis.'
  );
}
