// Given intake on its own redis-server, when Redis is SIGKILLed in the middle of a burst of submissions (or the
// gateway restarts while Redis is down), then every submission whose submit() resolved ends up in the `intake`
// queue exactly once, and nothing a caller was told failed sneaks in.

import { appendFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { intakeJobId } from '../../../src/adapters/intake/bullmq-intake-queue.js';
import { createIntake } from '../../../src/adapters/intake/create-intake.js';
import type { CreatedIntake, CreateIntakeOptions } from '../../../src/adapters/intake/create-intake.js';
import { encodeLine } from '../../../src/adapters/intake/file-spool.js';
import { INTAKE_QUEUE_NAME, IntakeKeys } from '../../../src/adapters/intake/intake-keys.js';
import type { SubmitOutcome } from '../../../src/app/intake/intake-ports.js';
import { IntakeUnavailableError } from '../../../src/app/intake/intake-ports.js';
import type { Submission } from '../../../src/domain/intake/submission.js';
import { recordingLog } from '../../support/logs.js';
import { freePort } from '../../support/net.js';
import { request } from './intake-harness.js';
import { RedisServer } from './redis-server.js';
import { singleRedis } from '../../support/redis.js';

const PREFIX = 'crash';
let root: string;
let redis: RedisServer;
const opened: CreatedIntake[] = [];
const recorded = recordingLog();

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'intake-crash-'));
  await writeFile(join(root, '.keep'), '');
  redis = new RedisServer(await freePort(), root);
  await redis.start();
  recorded.lines.length = 0;
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
  await redis.kill();
  await rm(root, { recursive: true, force: true });
});

async function open(options: Partial<CreateIntakeOptions> = {}): Promise<CreatedIntake> {
  const created = await createIntake({
    redis: singleRedis(redis.url),
    prefix: PREFIX,
    dataDir: join(root, 'data'),
    log: recorded.log,
    commandTimeoutMs: 1000,
    forwardRetryMs: 100,
    ...options,
  });
  opened.push(created);
  return created;
}

async function queuedJobs(): Promise<Map<string, Submission>> {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  const queue = new Queue(INTAKE_QUEUE_NAME, { connection, prefix: new IntakeKeys(PREFIX).bullPrefix });
  try {
    const jobs = await queue.getJobs(['waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed', 'waiting-children'], 0, -1);
    const byId = new Map<string, Submission>();
    for (const job of jobs) {
      expect(byId.has(String(job.id))).toBe(false);
      byId.set(String(job.id), job.data as Submission);
    }
    return byId;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

async function untilForwarded(created: CreatedIntake): Promise<void> {
  await vi.waitFor(() => expect(created.spooled()).toBe(0), { timeout: 20_000, interval: 50 });
  await created.intake.forwarder.idle();
}

describe('Redis SIGKILLed during a burst', () => {
  it('queues every resolved submission exactly once', { timeout: 60_000 }, async () => {
    const created = await open({ ticketBlock: 1000 });
    const total = 3000;
    const inFlight = 32;
    const resolved = new Map<number, SubmitOutcome>();
    const unavailable: number[] = [];
    let next = 0;
    let outage: Promise<void> | null = null;

    // A third before the crash, a third during the outage (about a second), a third after Redis is back.
    const submitter = async (): Promise<void> => {
      while (next < total) {
        const n = next++;
        if (n === Math.floor(total / 3)) {
          outage = (async () => {
            await redis.kill();
            await new Promise((resolve) => setTimeout(resolve, 1000));
            await redis.start();
            await vi.waitFor(() => expect(created.connected()).toBe(true), { timeout: 10_000, interval: 20 });
          })();
        }
        if (n >= Math.floor((2 * total) / 3)) await outage;
        try {
          resolved.set(n, await created.intake.submit(request(n)));
        } catch (err) {
          if (!(err instanceof IntakeUnavailableError)) throw err;
          unavailable.push(n);
        }
      }
    };
    await Promise.all(Array.from({ length: inFlight }, submitter));
    await outage;
    await untilForwarded(created);

    const outcomes = [...resolved.values()];
    const spooled = outcomes.filter((o) => o.durability === 'spooled');
    expect(spooled.length).toBeGreaterThan(0);
    // Those after the restart went straight to the queue again.
    expect(resolved.get(total - 1)?.durability).toBe('queued');
    expect(resolved.size + unavailable.length).toBe(total);
    expect(new Set(outcomes.map((o) => o.submission.ticket)).size).toBe(resolved.size);

    const jobs = await queuedJobs();
    for (const [n, outcome] of resolved) {
      const job = jobs.get(intakeJobId(`web:test-key:${n}`));
      expect(job, `submission ${n} (${outcome.durability})`).toEqual(outcome.submission);
    }
    const refused = new Set(unavailable.map((n) => intakeJobId(`web:test-key:${n}`)));
    const extra = [...jobs.keys()].filter((id) => !refused.has(id));
    expect(extra).toHaveLength(resolved.size);
    expect(new Set([...jobs.values()].map((s) => s.id)).size).toBe(jobs.size);

    // The spooled ones have records now, and their segments are gone.
    const sample = spooled[0]!.submission;
    expect((await created.intake.getByTicket(sample.ticket))?.submission).toEqual(sample);
    expect((await readdir(join(root, 'data', 'spool'))).filter((f) => f.startsWith('segment-'))).toEqual([]);
  });
});

describe('gateway restarted while Redis was down', () => {
  it('forwards what the previous run spooled, once, ignoring a torn last line', async () => {
    const first = await open();
    await redis.kill();
    const spooled: SubmitOutcome[] = [];
    for (let n = 0; n < 20; n++) spooled.push(await first.intake.submit(request(n)));
    expect(spooled.every((o) => o.durability === 'spooled' && !o.duplicate)).toBe(true);

    // While Redis is down, a citizen can look the spooled submission up and a retry gets the same ticket.
    const one = spooled[3]!.submission;
    expect((await first.intake.getByTicket(one.ticket))?.submission).toEqual(one);
    expect((await first.intake.get(one.id))?.history).toEqual([{ status: 'received', at: one.receivedAt }]);
    expect(await first.intake.submit(request(3))).toEqual({ submission: one, duplicate: true, durability: 'spooled' });
    await expect(first.intake.find({ limit: 10 })).rejects.toBeInstanceOf(IntakeUnavailableError);

    await first.close();
    opened.splice(opened.indexOf(first), 1);
    // The crash hit while a 21st line was being written.
    const spoolDir = join(root, 'data', 'spool');
    const segments = (await readdir(spoolDir)).filter((f) => f.startsWith('segment-')).sort();
    const torn = { dedupKey: 'web:torn', fingerprint: 'x', submission: { ...one, id: '01J0000000000000000000TORN', ticket: '000009999' } };
    await appendFile(join(spoolDir, segments[segments.length - 1]!), encodeLine(torn).slice(0, 60));

    await redis.start();
    const second = await open();
    await untilForwarded(second);
    const jobs = await queuedJobs();
    expect(jobs.size).toBe(20);
    for (const [n, outcome] of spooled.entries()) expect(jobs.get(intakeJobId(`web:test-key:${n}`))).toEqual(outcome.submission);
    expect(recorded.lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: expect.stringContaining('torn last line') }));

    // A late retry of a forwarded submission is answered from Redis, with no new job.
    expect(await second.intake.submit(request(5))).toEqual({ submission: spooled[5]!.submission, duplicate: true, durability: 'queued' });
    expect((await second.intake.get(one.id))?.submission).toEqual(one);
    // Restarted again: the spool is empty, nothing is replayed.
    await second.close();
    opened.splice(opened.indexOf(second), 1);
    const third = await open();
    expect(third.spooled()).toBe(0);
    expect((await queuedJobs()).size).toBe(20);
  });

  it('answers "try again" when neither Redis nor the spool can take a submission', async () => {
    const created = await open({ retryAfterSeconds: 15 });
    await redis.kill();
    // Nothing was spooled yet, so the first spooled line needs a new segment file: the disk refuses it.
    const spoolDir = join(root, 'data', 'spool');
    await rm(spoolDir, { recursive: true });
    await writeFile(spoolDir, 'not a directory');
    const refused = created.intake.submit(request(1));
    await expect(refused).rejects.toBeInstanceOf(IntakeUnavailableError);
    await expect(refused).rejects.toMatchObject({ code: 'INTAKE_UNAVAILABLE', retryAfterSeconds: 15 });
    expect(created.spooled()).toBe(0);
    expect(recorded.lines).toContainEqual(expect.objectContaining({ level: 'error', msg: expect.stringContaining('neither Redis nor the spool') }));
  });
});

describe('Redis that stops answering', () => {
  it('spools after one command timeout, not one per command, and queues the submission once Redis answers again', async () => {
    const created = await open({ commandTimeoutMs: 1000 });
    const first = await created.intake.submit(request(1));
    expect(first.durability).toBe('queued');
    redis.pause();
    let outcome: SubmitOutcome;
    let elapsed: number;
    try {
      const started = Date.now();
      outcome = await created.intake.submit(request(2));
      elapsed = Date.now() - started;
    } finally {
      redis.resume();
    }
    expect(outcome.durability).toBe('spooled');
    // The repeat check timed out; waiting for the claim as well would have taken a second timeout.
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(1900);
    await untilForwarded(created);
    const jobs = await queuedJobs();
    expect([...jobs.keys()].sort()).toEqual([intakeJobId('web:test-key:1'), intakeJobId('web:test-key:2')].sort());
    expect(jobs.get(intakeJobId('web:test-key:2'))).toEqual(outcome.submission);
  });
});

describe('two gateway instances, one of them spooling', () => {
  it('lets the first copy of a request win: a later spooled copy adds no job, and its ticket still leads to the request', async () => {
    const dataA = join(root, 'a');
    const a = await open({ dataDir: dataA });
    await redis.kill();
    const spooledCopy = await a.intake.submit(request(1));
    const spooledConflict = await a.intake.submit(request(2));
    expect([spooledCopy.durability, spooledConflict.durability]).toEqual(['spooled', 'spooled']);
    // Instance A cannot forward until Redis is back; stop it from trying while B goes first.
    await a.intake.forwarder.stop();

    await redis.start();
    const b = await open({ dataDir: join(root, 'b') });
    const first = await b.intake.submit(request(1));
    expect(first).toMatchObject({ duplicate: false, durability: 'queued' });
    // The same key with other content: the client's bug, but B cannot know A holds another version.
    await b.intake.submit({ ...request(3), dedupKey: 'web:test-key:2' });

    await a.close();
    opened.splice(opened.indexOf(a), 1);
    const restartedA = await open({ dataDir: dataA });
    await untilForwarded(restartedA);

    const jobs = await queuedJobs();
    expect(jobs.size).toBe(2);
    expect(jobs.get(intakeJobId('web:test-key:1'))).toEqual(first.submission);
    expect((await b.intake.getByTicket(spooledCopy.submission.ticket))?.submission).toEqual(first.submission);
    expect(recorded.lines).toContainEqual(
      expect.objectContaining({ level: 'error', msg: expect.stringContaining('idempotency key is used by a different submission') }),
    );
  });
});
