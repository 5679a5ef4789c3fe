// A Redis Cluster of a test's own: 3 masters and 3 replicas from `redis-server --cluster-enabled yes` on loopback
// ports, in a temp dir, made with `redis-cli --cluster create`, and ready only when every node says
// `cluster_state:ok` and every replica is in sync. A low node timeout makes a failover take seconds, not minutes.
// The benchmarks' `--redis-cluster` starts one too, without replicas (bench/shared/bench-redis-run.ts).

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DATA_NODE_ARGS, freePorts, RedisProcess, waitUntil } from './redis-process.js';

const run = promisify(execFile);

/** How long a node may be unreachable before the others fail it over (production: 15 s). */
const NODE_TIMEOUT_MS = 1000;

export interface ClusterNodeView {
  readonly address: string;
  readonly role: 'master' | 'replica';
  readonly failed: boolean;
  /** Slot ranges a master serves, inclusive. */
  readonly slots: readonly (readonly [number, number])[];
}

export class RedisClusterFixture {
  private constructor(
    readonly dir: string,
    readonly nodes: readonly RedisProcess[],
    private readonly masters: number,
  ) {}

  /** `replicasPerMaster`: 1 (the default, what failover tests need) or 0 (masters only, as a throughput bench wants). */
  static async start(options: { readonly masters?: number; readonly replicasPerMaster?: 0 | 1 } = {}): Promise<RedisClusterFixture> {
    const masters = options.masters ?? 3;
    const replicas = options.replicasPerMaster ?? 1;
    const count = masters * (1 + replicas);
    const dir = await mkdtemp(join(tmpdir(), 'redis-cluster-'));
    const ports = await freePorts(count * 2);
    const nodes = ports.slice(0, count).map((port, i) => {
      const busPort = ports[count + i] as number;
      return new RedisProcess(port, join(dir, String(port)), [
        ...DATA_NODE_ARGS,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-port',
        String(busPort),
        '--cluster-node-timeout',
        String(NODE_TIMEOUT_MS),
        // A replica may always take over, however long it was cut off: the tests want the failover, not the safety.
        '--cluster-replica-validity-factor',
        '0',
      ]);
    });
    const fixture = new RedisClusterFixture(dir, nodes, masters);
    try {
      await Promise.all(nodes.map((node) => node.start()));
      await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => n.address), '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: 30_000 });
      await fixture.waitHealthy();
    } catch (err) {
      await fixture.close();
      throw err;
    }
    return fixture;
  }

  /** `REDIS_CLUSTER_NODES` naming every node as a seed. */
  get env(): { readonly REDIS_CLUSTER_NODES: string } {
    return { REDIS_CLUSTER_NODES: this.nodes.map((n) => n.address).join(',') };
  }

  /** `redis-cli -p <port> <args>` on a node: its reply as text. */
  async cli(node: RedisProcess, ...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-p', String(node.port), ...args], { timeout: 5000 });
    return stdout;
  }

  async slotOf(key: string): Promise<number> {
    return Number((await this.cli(this.live()[0] as RedisProcess, 'cluster', 'keyslot', key)).trim());
  }

  /** The cluster as a live node sees it. */
  async view(from: RedisProcess = this.live()[0] as RedisProcess): Promise<ClusterNodeView[]> {
    const text = await this.cli(from, 'cluster', 'nodes');
    return text
      .trim()
      .split('\n')
      .map((line) => {
        const [, address = '', flags = '', , , , , , ...slots] = line.trim().split(' ');
        return {
          address: address.split('@')[0] ?? '',
          role: flags.includes('master') ? 'master' : 'replica',
          failed: /\bfail\b|fail\?/.test(flags),
          slots: slots
            .filter((s) => !s.startsWith('['))
            .map((s) => {
              const [from, to = from] = s.split('-');
              return [Number(from), Number(to)] as const;
            }),
        } as const;
      });
  }

  /** The process serving `slot` as master now, as every live node agrees. */
  async masterOf(slot: number): Promise<RedisProcess> {
    const views = await Promise.all(this.live().map((node) => this.view(node)));
    const addresses = new Set(views.map((view) => view.find((n) => n.role === 'master' && !n.failed && n.slots.some(([a, b]) => slot >= a && slot <= b))?.address));
    const [address] = [...addresses];
    const node = this.nodes.find((n) => n.address === address);
    if (addresses.size !== 1 || node === undefined || !node.running) throw new Error(`the live nodes do not agree on the master of slot ${slot}: ${[...addresses].join(', ')}`);
    return node;
  }

  /** Resolves when every live node says `cluster_state:ok`, knows all the others, and every replica is in sync. */
  async waitHealthy(timeoutMs = 20_000): Promise<void> {
    await waitUntil(
      'a healthy cluster (cluster_state:ok everywhere, replicas in sync)',
      async () => {
        for (const node of this.live()) {
          const info = await this.cli(node, 'cluster', 'info');
          if (!info.includes('cluster_state:ok') || !info.includes(`cluster_known_nodes:${this.nodes.length}`)) return undefined;
          const replication = await this.cli(node, 'info', 'replication');
          if (replication.includes('role:slave') && !(replication.includes('master_link_status:up') && replication.includes('master_sync_in_progress:0'))) return undefined;
        }
        const masters = (await this.view()).filter((n) => n.role === 'master' && !n.failed && n.slots.length > 0);
        return masters.length === this.masters ? true : undefined;
      },
      timeoutMs,
    );
  }

  /** After a master was killed: resolves with the replica that took its slot over, once the cluster is ok again. */
  async waitFailover(slot: number, killed: RedisProcess, timeoutMs = 20_000): Promise<RedisProcess> {
    return await waitUntil(
      `a new master for slot ${slot} after ${killed.address} died`,
      async () => {
        for (const node of this.live()) if (!(await this.cli(node, 'cluster', 'info')).includes('cluster_state:ok')) return undefined;
        const master = await this.masterOf(slot).catch(() => undefined);
        return master === undefined || master === killed ? undefined : master;
      },
      timeoutMs,
    );
  }

  live(): RedisProcess[] {
    return this.nodes.filter((n) => n.running);
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.kill()));
    await rm(this.dir, { recursive: true, force: true });
  }
}
