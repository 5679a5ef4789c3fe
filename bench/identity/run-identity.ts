// `npm run bench -- identity`: history lookups and limit checks against a million citizen profiles, beside a raw
// Redis round trip measured in the same run. The profiles are bulk-loaded by a script of the bench's own, a thousand
// per call, under a random prefix that is removed after.

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { silentLog } from '../../src/app/app-ports.js';
import { HistoryService } from '../../src/app/identity/history-service.js';
import { IdentityKeys } from '../../src/adapters/identity/identity-keys.js';
import { RedisProfileStore } from '../../src/adapters/identity/redis-profile-store.js';
import { IntakeKeys } from '../../src/adapters/intake/intake-keys.js';
import { LuaScript } from '../../src/adapters/redis/lua-script.js';
import { RedisLimiter } from '../../src/adapters/limits/redis-limiter.js';
import { benchEntry } from '../shared/bench-entry.js';
import { machineInfo } from '../shared/machine.js';
import type { MachineInfo } from '../shared/machine.js';
import { measuredWindow, warmUp } from '../shared/measured-window.js';
import type { WindowResult } from '../shared/measured-window.js';
import { BENCH_REDIS_URL, benchPrefix, deletePrefixedKeys, RedisUsage } from '../shared/redis-tools.js';
import { parseIdentityOptions, USAGE } from './options.js';
import type { IdentityBenchOptions } from './options.js';
import { identityReportText, identityVerdicts } from './report.js';

export interface IdentityReport {
  readonly options: IdentityBenchOptions;
  readonly machine: MachineInfo;
  readonly load: { readonly profiles: number; readonly seconds: number; readonly perSecond: number; readonly redisMemoryBytes: number };
  readonly ping: WindowResult;
  readonly history: WindowResult;
  readonly limits: WindowResult;
}

/** The i-th citizen's mobile number: 1,000,000 distinct numbers from 139 0000 0000 on. */
const phoneOf = (i: number): string => `139${String(i).padStart(8, '0')}`;
const LOAD_BATCH = 1000;
const LOADS_IN_FLIGHT = 4;

export async function measureIdentity(
  options: IdentityBenchOptions,
  progress: (text: string) => void,
  prefix = benchPrefix('identity'),
): Promise<IdentityReport> {
  const intakeKeys = new IntakeKeys(prefix);
  const machine = await machineInfo(BENCH_REDIS_URL);
  const loader = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: 3 });
  const historyClient = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: 3 });
  const limitClient = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: 3 });
  const pingClient = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: 3 });
  const usage = new RedisUsage(BENCH_REDIS_URL);
  try {
    const memoryBefore = await usedMemory(loader);
    const load = await loadProfiles(loader, intakeKeys, options.profiles, progress);
    const redisMemoryBytes = (await usedMemory(loader)) - memoryBefore;

    const history = new HistoryService(new RedisProfileStore(historyClient, new IdentityKeys(intakeKeys)));
    const limiter = new RedisLimiter(limitClient, { prefix, log: silentLog });
    const pick = (): number => Math.floor(Math.random() * options.profiles);
    const window = async (name: string, operation: () => Promise<void>): Promise<WindowResult> => {
      progress(`${name}: warm-up ${options.warmupMs} ms, then ${options.durationMs} ms measured at ${options.concurrency} in flight`);
      await warmUp(options.concurrency, options.warmupMs, operation);
      return measuredWindow({ concurrency: options.concurrency, durationMs: options.durationMs, redis: usage }, operation);
    };
    const ping = await window('raw Redis round trip (PING)', async () => {
      if ((await pingClient.ping()) !== 'PONG') throw new Error('PING was not answered PONG');
    });
    const lookups = await window('history lookups', async () => {
      const i = pick();
      const found = await history.history({ kind: 'phone', value: phoneOf(i) });
      // Each loaded citizen has two contacts and one open case: anything else is a wrong answer, not a fast one.
      if (found === null || found.link !== 'confirmed' || found.contacts.length !== 2 || found.openCases.length !== 1) throw new Error(`history of citizen ${i} is wrong: ${JSON.stringify(found)}`);
    });
    const limits = await window('limit checks', async () => {
      const phone = phoneOf(pick());
      // What a call's fair-use check asks: calls per hour and per day from one number, never reached here.
      const verdict = await limiter.hit([
        { key: `call:hour:${phone}`, limit: 1_000_000, windowMs: 3_600_000 },
        { key: `call:day:${phone}`, limit: 1_000_000, windowMs: 86_400_000 },
      ]);
      if (!verdict.allowed || !limiter.shared) throw new Error('the limit check was not answered by Redis');
    });
    return {
      options,
      machine,
      load: { ...load, redisMemoryBytes },
      ping,
      history: lookups,
      limits,
    };
  } finally {
    progress(`removing the run's keys ({${prefix}}*)`);
    const removed = await deletePrefixedKeys(BENCH_REDIS_URL, prefix);
    progress(`removed ${removed} keys`);
    usage.close();
    for (const client of [loader, historyClient, limitClient, pingClient]) client.disconnect();
  }
}

// The bench's bulk loader: many citizens per script call, in the layout the link script writes (a web form giving
// the number, an open case whose record says `received`, then a call that confirmed it). Every measured lookup
// checks its answer, so a layout that drifted from the product's would show as failures, not as speed.
// ARGV: identifier prefix, profile prefix, record prefix, activity index, contact time, call time, then per citizen:
// identifier hash, profile id, submission id, ticket, call id.
const BULK_LOAD = new LuaScript(`
local idp, pp, rp, idx, at, callAt = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
for j = 7, #ARGV, 5 do
  local hash, pid, sub, ticket, call = ARGV[j], ARGV[j + 1], ARGV[j + 2], ARGV[j + 3], ARGV[j + 4]
  redis.call('SET', idp .. hash, pid .. ' c')
  redis.call('HSET', pp .. pid, 'created', callAt, 'last', callAt, 'i:' .. hash, 'phone c')
  redis.call('ZADD', pp .. pid .. ':contacts', at, sub .. ' web ' .. ticket, callAt, call .. ' voice -')
  redis.call('ZADD', pp .. pid .. ':open', at, sub .. ' web ' .. ticket)
  redis.call('ZADD', idx, callAt, pid)
  redis.call('HSET', rp .. sub, 'status', 'received', 'profile', pid)
end
return 1
`);

async function loadProfiles(client: Redis, intakeKeys: IntakeKeys, count: number, progress: (text: string) => void): Promise<{ profiles: number; seconds: number; perSecond: number }> {
  const keys = new IdentityKeys(intakeKeys);
  const started = performance.now();
  const atMs = Date.now() - 86_400_000;
  let next = 0;
  let lastReport = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const from = next;
      const to = Math.min(count, from + LOAD_BATCH);
      next = to;
      const args: (string | number)[] = [keys.identifierPrefix, keys.profilePrefix, keys.recordPrefix, keys.byActivity, atMs, atMs + 60_000];
      for (let i = from; i < to; i++) {
        args.push(IdentityKeys.hash(`phone:${phoneOf(i)}`), randomBytes(10).toString('hex'), `01JBENCH${String(i).padStart(18, '0')}`, String(100_000_000 + i), `call-${i}`);
      }
      await BULK_LOAD.run(client, [], args);
      if (to - lastReport >= 100_000 || to === count) {
        lastReport = to;
        progress(`loaded ${to} profiles`);
      }
    }
  };
  await Promise.all(Array.from({ length: LOADS_IN_FLIGHT }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { profiles: count, seconds, perSecond: count / seconds };
}

async function usedMemory(client: Redis): Promise<number> {
  const info = await client.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0);
}

export async function runIdentityBench(args: readonly string[]): Promise<void> {
  await benchEntry(args, parseIdentityOptions, USAGE, async (options, progress) => {
    const report = await measureIdentity(options, progress);
    // A smoke run is too short to judge a latency; it fails only when an operation did.
    const verdicts = options.smoke ? [] : identityVerdicts(report);
    if (options.json) process.stdout.write(`${JSON.stringify({ ...report, judged: !options.smoke, verdicts }, null, 2)}\n`);
    else process.stdout.write(identityReportText(report, verdicts));
    const windows = [report.ping, report.history, report.limits];
    if (options.smoke ? windows.some((w) => w.failed > 0 || w.operations === 0) : verdicts.some((v) => !v.pass)) process.exitCode = 1;
  });
}
