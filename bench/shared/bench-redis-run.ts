// The Redis a benchmark runs on: the gateway's own REDIS_* settings (one server by default), or with
// `--redis-cluster` a private Redis Cluster of 3 masters (no replicas: a throughput run, not a failover test) from
// `redis-server --cluster-enabled yes` on loopback ports in a temp dir, started for the run and removed after it.
// The cluster comes from the tests' own fixture, so the benches and the Cluster tests build it the same way.

import { RedisClusterFixture } from '../../test/support/redis-cluster.js';
import { benchRedisFromEnv } from './redis-tools.js';
import type { BenchRedis } from './redis-tools.js';

const BENCH_CLUSTER_MASTERS = 3;

export async function withBenchRedis<T>(privateCluster: boolean, progress: (text: string) => void, run: (redis: BenchRedis) => Promise<T>): Promise<T> {
  if (!privateCluster) return await run(benchRedisFromEnv());
  progress(`starting a private Redis Cluster (${BENCH_CLUSTER_MASTERS} masters, no replicas)...`);
  const cluster = await RedisClusterFixture.start({ masters: BENCH_CLUSTER_MASTERS, replicasPerMaster: 0 });
  try {
    return await run(benchRedisFromEnv(cluster.env));
  } finally {
    await cluster.close();
    progress(`private Redis Cluster stopped and its folder ${cluster.dir} removed`);
  }
}
