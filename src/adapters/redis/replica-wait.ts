// REDIS_WAIT_REPLICAS: after a durable write, WAIT until that many replicas have it, so that "acknowledged" survives
// the master's loss. WAIT counts the replicas that have everything up to the last write of the connection it is
// sent on, and the writes it must cover were made on other connections too (the record's claim, a job another
// gateway added); so a probe key in the same slot is written first, on the connection (on a cluster: the node)
// that serves the slot, and the WAIT then covers every write made to the slot before the probe.

import type { Redis } from 'ioredis';
import { keySlot } from './key-slot.js';
import { connectionForSlot } from './redis-connection.js';
import type { RedisClient } from './redis-connection.js';
import { pipelineOutcomes } from './tick-batch.js';

/** The probe only needs to outlive the WAIT that follows it. */
const PROBE_TTL_MS = 60_000;

/** Fewer replicas than asked had the writes within the timeout: they are on the master, not yet on enough replicas. */
export class ReplicasBehindError extends Error {
  readonly code = 'REDIS_REPLICAS_BEHIND';
  constructor(
    readonly acknowledged: number,
    readonly wanted: number,
    timeoutMs: number,
  ) {
    super(`${acknowledged} of ${wanted} replicas confirmed the write within ${timeoutMs} ms (REDIS_WAIT_REPLICAS)`);
    this.name = 'ReplicasBehindError';
  }
}

export interface ReplicaWaitOptions {
  /** REDIS_WAIT_REPLICAS: at least 1 (0 means no waiting: make no ReplicaWait). */
  readonly replicas: number;
  /** REDIS_WAIT_TIMEOUT. */
  readonly timeoutMs: number;
  /** A key under the hash tag of the writes to cover (`IntakeKeys.replicaProbe`). */
  readonly probeKey: string;
}

export class ReplicaWait {
  private readonly slot: number;

  constructor(
    private readonly client: RedisClient,
    private readonly options: ReplicaWaitOptions,
  ) {
    if (!Number.isSafeInteger(options.replicas) || options.replicas < 1) throw new RangeError(`replicas to wait for must be a positive integer, got ${options.replicas}`);
    if (!Number.isSafeInteger(options.timeoutMs) || options.timeoutMs < 1) throw new RangeError(`WAIT timeout must be a positive number of ms, got ${options.timeoutMs}`);
    this.slot = keySlot(options.probeKey);
  }

  /** Resolves once enough replicas have every write made to the slot before this call; rejects otherwise. */
  async confirm(): Promise<void> {
    const connection = this.master();
    const replies = await connection.pipeline().set(this.options.probeKey, String(Date.now()), 'PX', PROBE_TTL_MS).wait(this.options.replicas, this.options.timeoutMs).exec();
    const [probe, wait] = pipelineOutcomes(replies, 2);
    if (probe === undefined || !probe.ok) throw probe?.error ?? new Error('no reply to the replica probe');
    if (wait === undefined || !wait.ok) throw wait?.error ?? new Error('no reply to WAIT');
    const acknowledged = Number(wait.value);
    if (acknowledged < this.options.replicas) throw new ReplicasBehindError(acknowledged, this.options.replicas, this.options.timeoutMs);
  }

  /** The replicas the slot's master has now (`connected_slaves`): fewer than asked means every submission is spooled. */
  async replicasNow(): Promise<number> {
    const info = await this.master().info('replication');
    return Number(/^connected_slaves:(\d+)/m.exec(info)?.[1] ?? 0);
  }

  private master(): Redis {
    const connection = connectionForSlot(this.client, this.slot);
    if (connection === null) throw new Error(`no master is known for slot ${this.slot} (cluster failover under way?)`);
    return connection;
  }
}
