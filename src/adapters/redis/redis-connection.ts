// The one way the gateway connects to Redis. From the configured target it makes a standalone `Redis`, an ioredis
// `Cluster` seeded with REDIS_CLUSTER_NODES, or a `Redis` that asks REDIS_SENTINELS where the master is; each call
// site keeps its own policy (fail fast and spool, or block and wait forever for BullMQ's workers), and the policy
// means the same on every topology. Call sites then use ioredis' command interface, common to `Redis` and `Cluster`.

import { Cluster, Redis } from 'ioredis';
import type { ClusterOptions, RedisOptions } from 'ioredis';
import type { RedisTarget } from '../../config/types.js';

/** A connection to the gateway's Redis, whatever its topology. */
export type RedisClient = Redis | Cluster;

/** How a connection behaves while Redis is slow or gone. */
export interface ConnectionPolicy {
  /** Queue commands while disconnected (false: fail them at once). */
  readonly enableOfflineQueue: boolean;
  /** Resends of a command across reconnections; `null`: forever (BullMQ's blocking connections need that). */
  readonly maxRetriesPerRequest: number | null;
  /** A command unanswered this long fails; unset: no limit. */
  readonly commandTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** Send again, after a reconnect, the commands that were unanswered when the connection dropped. */
  readonly autoResendUnfulfilledCommands?: boolean;
  /** Delay before the next reconnection attempt. */
  readonly retryDelayMs: (attempt: number) => number;
  readonly lazyConnect?: boolean;
}

/** Between tries of a command that met a closed node connection or CLUSTERDOWN (a failover, or a node not yet connected). */
const FAILOVER_RETRY_MS = 100;
/**
 * Tries (redirections included) of a command on a connection that queues nothing while down: a cluster connects to
 * its nodes only as commands need them, so the first command for a node may meet its connection still opening and
 * is tried again; but a failover, which takes seconds, fails the command within about 300 ms, and its caller spools.
 */
const FAIL_FAST_TRIES = 3;
/** ioredis' default: connections that wait for Redis wait out a failover too. */
const PATIENT_TRIES = 16;

export function connectRedis(target: RedisTarget, policy: ConnectionPolicy): RedisClient {
  const common: RedisOptions = {
    enableOfflineQueue: policy.enableOfflineQueue,
    maxRetriesPerRequest: policy.maxRetriesPerRequest,
    ...(policy.commandTimeoutMs === undefined ? {} : { commandTimeout: policy.commandTimeoutMs }),
    ...(policy.connectTimeoutMs === undefined ? {} : { connectTimeout: policy.connectTimeoutMs }),
    ...(policy.autoResendUnfulfilledCommands === undefined ? {} : { autoResendUnfulfilledCommands: policy.autoResendUnfulfilledCommands }),
    ...(policy.lazyConnect === undefined ? {} : { lazyConnect: policy.lazyConnect }),
    retryStrategy: policy.retryDelayMs,
  };
  switch (target.mode) {
    case 'single':
      return new Redis(target.url, common);
    case 'sentinel':
      return new Redis({
        ...common,
        sentinels: target.sentinels.map(({ host, port }) => ({ host, port })),
        name: target.masterName,
        ...(target.sentinelPassword === undefined ? {} : { sentinelPassword: target.sentinelPassword }),
        ...credentials(target),
        sentinelRetryStrategy: policy.retryDelayMs,
        ...(policy.connectTimeoutMs === undefined ? {} : { sentinelCommandTimeout: policy.connectTimeoutMs }),
        // Sentinel announces a new master (+switch-master): drop the old one at once rather than at its timeout.
        failoverDetector: true,
        // A master demoted under us (it came back after a failover, or a manual one) refuses writes: reconnect,
        // and the sentinels name the current master; the refused command is not sent again (the caller spools).
        reconnectOnError: (err) => err.message.startsWith('READONLY'),
      });
    case 'cluster': {
      const { retryStrategy: _perNode, enableOfflineQueue: _clusterWide, lazyConnect: _whole, ...nodeOptions } = common;
      const options: ClusterOptions = {
        enableOfflineQueue: policy.enableOfflineQueue,
        clusterRetryStrategy: policy.retryDelayMs,
        ...(policy.lazyConnect === undefined ? {} : { lazyConnect: policy.lazyConnect }),
        // Writes and reads both go to the slot's master: a replica may not have a submission the master acknowledged.
        scaleReads: 'master',
        maxRedirections: policy.enableOfflineQueue ? PATIENT_TRIES : FAIL_FAST_TRIES,
        retryDelayOnFailover: FAILOVER_RETRY_MS,
        retryDelayOnClusterDown: FAILOVER_RETRY_MS,
        retryDelayOnTryAgain: FAILOVER_RETRY_MS,
        ...(policy.connectTimeoutMs === undefined ? {} : { slotsRefreshTimeout: policy.connectTimeoutMs }),
        redisOptions: { ...nodeOptions, ...credentials(target) },
      };
      return new Cluster(
        target.nodes.map(({ host, port }) => ({ host, port })),
        options,
      );
    }
  }
}

function credentials(target: { readonly username?: string; readonly password?: string }): Pick<RedisOptions, 'username' | 'password'> {
  return { ...(target.username === undefined ? {} : { username: target.username }), ...(target.password === undefined ? {} : { password: target.password }) };
}

/**
 * A connection of its own for SUBSCRIBE (a subscribed connection can do nothing else), made like `client`: it
 * queues its SUBSCRIBE until connected and subscribes again after a reconnect, with no command timeout.
 */
export function subscriberOf(client: RedisClient): RedisClient {
  if (client instanceof Cluster) {
    const { commandTimeout: _none, ...nodeOptions } = client.options.redisOptions ?? {};
    return client.duplicate([], { enableOfflineQueue: true, redisOptions: nodeOptions });
  }
  return client.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
}

/**
 * The connection that serves `slot`'s writes: `client` itself, or on a cluster its node holding the slot (the same
 * connection the cluster sends that slot's commands on). `null` while a cluster does not know the slot's master.
 */
export function connectionForSlot(client: RedisClient, slot: number): Redis | null {
  if (!(client instanceof Cluster)) return client;
  const master = client.slots[slot]?.[0];
  if (master === undefined) return null;
  return client.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === master) ?? null;
}
