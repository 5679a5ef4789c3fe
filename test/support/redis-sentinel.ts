// A Sentinel topology of a test's own: a master, a replica and three `redis-server --sentinel` (quorum 2), each with
// its sentinel.conf in the test's temp dir, on loopback ports. Sentinels notice a dead master after a second and fail
// over within a few, instead of production's 30 s and 3 min.

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DATA_NODE_ARGS, freePorts, RedisProcess, waitUntil } from './redis-process.js';

const run = promisify(execFile);

export const SENTINEL_MASTER = 'hotline-test';

export class RedisSentinelFixture {
  private constructor(
    readonly dir: string,
    /** The data nodes: the first starts as master, the second as its replica. */
    readonly servers: [RedisProcess, RedisProcess],
    readonly sentinels: readonly RedisProcess[],
  ) {}

  static async start(): Promise<RedisSentinelFixture> {
    const dir = await mkdtemp(join(tmpdir(), 'redis-sentinel-'));
    const [masterPort, replicaPort, ...sentinelPorts] = (await freePorts(5)) as [number, number, number, number, number];
    const master = new RedisProcess(masterPort, join(dir, 'a'), DATA_NODE_ARGS);
    const replica = new RedisProcess(replicaPort, join(dir, 'b'), [...DATA_NODE_ARGS, '--replicaof', '127.0.0.1', String(masterPort)]);
    const sentinels: RedisProcess[] = [];
    for (const port of sentinelPorts) {
      const home = join(dir, `sentinel-${port}`);
      await mkdir(home, { recursive: true });
      const conf = join(home, 'sentinel.conf');
      // Sentinel rewrites its file as it learns the topology: it must be its own and writable.
      await writeFile(
        conf,
        [
          `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${masterPort} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER} 1000`,
          `sentinel failover-timeout ${SENTINEL_MASTER} 5000`,
          `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
          '',
        ].join('\n'),
      );
      sentinels.push(new RedisProcess(port, home, [conf, '--sentinel', '--protected-mode', 'no']));
    }
    const fixture = new RedisSentinelFixture(dir, [master, replica], sentinels);
    try {
      await master.start();
      await replica.start();
      await Promise.all(sentinels.map((s) => s.start()));
      await fixture.waitHealthy(master);
    } catch (err) {
      await fixture.close();
      throw err;
    }
    return fixture;
  }

  get env(): { readonly REDIS_SENTINELS: string; readonly REDIS_SENTINEL_MASTER: string } {
    return { REDIS_SENTINELS: this.sentinels.map((s) => s.address).join(','), REDIS_SENTINEL_MASTER: SENTINEL_MASTER };
  }

  async cli(node: RedisProcess, ...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-p', String(node.port), ...args], { timeout: 5000 });
    return stdout;
  }

  /** The data node every live sentinel names as master. */
  async master(): Promise<RedisProcess> {
    const answers = await Promise.all(this.sentinels.filter((s) => s.running).map((s) => this.cli(s, 'sentinel', 'get-master-addr-by-name', SENTINEL_MASTER)));
    const addresses = new Set(answers.map((answer) => answer.trim().split('\n').join(':')));
    const [address] = [...addresses];
    const server = this.servers.find((s) => s.address === address);
    if (addresses.size !== 1 || server === undefined) throw new Error(`the sentinels do not agree on the master: ${[...addresses].join(', ')}`);
    return server;
  }

  /**
   * Resolves when `master` is the master every sentinel names, the other data node (when running) is its replica in
   * sync, and every sentinel knows both the replica and the other sentinels.
   */
  async waitHealthy(master: RedisProcess, timeoutMs = 20_000): Promise<void> {
    const other = this.servers.find((s) => s !== master) as RedisProcess;
    await waitUntil(
      `${master.address} as the master of a healthy Sentinel topology`,
      async () => {
        if ((await this.master()) !== master) return undefined;
        if (!(await this.cli(master, 'role')).startsWith('master')) return undefined;
        if (other.running) {
          const replication = await this.cli(other, 'info', 'replication');
          if (!replication.includes(`master_port:${master.port}`) || !replication.includes('master_link_status:up') || !replication.includes('master_sync_in_progress:0')) return undefined;
        }
        for (const sentinel of this.sentinels.filter((s) => s.running)) {
          const fields = pairs(await this.cli(sentinel, 'sentinel', 'master', SENTINEL_MASTER));
          if (Number(fields.get('num-other-sentinels')) !== this.sentinels.length - 1) return undefined;
          if (other.running && !(Number(fields.get('num-slaves')) >= 1)) return undefined;
        }
        return true;
      },
      timeoutMs,
    );
  }

  /** After the master was killed: resolves with the replica the sentinels promoted. */
  async waitFailover(killed: RedisProcess, timeoutMs = 20_000): Promise<RedisProcess> {
    return await waitUntil(
      `the sentinels to promote a replica after ${killed.address} died`,
      async () => {
        const master = await this.master();
        if (master === killed || !(await this.cli(master, 'role')).startsWith('master')) return undefined;
        return master;
      },
      timeoutMs,
    );
  }

  /**
   * Starts a killed data node again as a replica of `master`, on its port and with its files, as an operator (or its
   * configuration management) brings a failed master back after a failover; resolves once it is in sync.
   */
  async restartAsReplica(killed: RedisProcess, master: RedisProcess): Promise<RedisProcess> {
    const index = this.servers.indexOf(killed);
    if (index < 0 || killed.running) throw new Error(`${killed.address} is not a stopped data node of this topology`);
    const node = new RedisProcess(killed.port, killed.dir, [...DATA_NODE_ARGS, '--replicaof', '127.0.0.1', String(master.port)]);
    this.servers[index] = node;
    await node.start();
    await this.waitHealthy(master);
    return node;
  }

  /** What each node and sentinel says now, for a failed test's message: who is master, links, offsets. */
  async describe(): Promise<string> {
    const lines: string[] = [];
    for (const server of this.servers) {
      if (!server.running) {
        lines.push(`${server.address}: not running`);
        continue;
      }
      const info = await this.cli(server, 'info', 'replication').catch((err: unknown) => String(err));
      const replication = new Map(info.split('\n').filter((line) => line.includes(':')).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as const));
      const fields = ['role', 'master_port', 'master_link_status', 'master_sync_in_progress', 'connected_slaves', 'slave0', 'master_repl_offset'];
      lines.push(`${server.address}: ${fields.map((f) => `${f}=${replication.get(f) ?? '-'}`).join(' ')}`);
    }
    for (const sentinel of this.sentinels.filter((s) => s.running)) {
      const fields = pairs(await this.cli(sentinel, 'sentinel', 'master', SENTINEL_MASTER).catch((err: unknown) => String(err)));
      lines.push(`sentinel ${sentinel.address}: master ${fields.get('ip') ?? '?'}:${fields.get('port') ?? '?'} flags=${fields.get('flags') ?? '?'} num-slaves=${fields.get('num-slaves') ?? '?'}`);
    }
    return lines.join('\n');
  }

  async close(): Promise<void> {
    await Promise.all([...this.sentinels, ...this.servers].map((node) => node.kill()));
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** redis-cli's rendering of a flat field/value reply (one per line) as a map. */
function pairs(text: string): Map<string, string> {
  const lines = text.trim().split('\n');
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < lines.length; i += 2) map.set(lines[i] as string, lines[i + 1] as string);
  return map;
}
