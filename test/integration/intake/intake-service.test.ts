// Given the durable intake on a real Redis, when channels submit, retry, update and query,
// then exactly one job per dedup key reaches the `intake` queue and the records say what happened.

import { Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { intakeJobId } from '../../../src/adapters/intake/bullmq-intake-queue.js';
import { dedupHash, INTAKE_QUEUE_NAME } from '../../../src/adapters/intake/intake-keys.js';
import { RedisIntakeStore } from '../../../src/adapters/intake/redis-intake-store.js';
import { openIntakeTail } from '../../../src/adapters/intake/intake-tail.js';
import { IdempotencyConflictError, SubmissionInvalidError } from '../../../src/app/intake/intake-ports.js';
import type { Submission } from '../../../src/domain/intake/submission.js';
import { isValidTicket, ticketFromSequence } from '../../../src/domain/intake/ticket.js';
import { REDIS_URL, singleRedis } from '../../support/redis.js';
import { draft, IntakeFixture, request } from './intake-harness.js';

let fx: IntakeFixture;
const workers: Worker[] = [];

beforeEach(async () => {
  fx = await IntakeFixture.create();
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
  await fx.cleanup();
});

/** A real BullMQ worker on the intake queue; resolves each job's data as it is processed. */
function startWorker(): { next(): Promise<Job> } {
  const waiting: ((job: Job) => void)[] = [];
  const seen: Job[] = [];
  const worker = new Worker(
    INTAKE_QUEUE_NAME,
    async (job) => {
      const taker = waiting.shift();
      if (taker) taker(job);
      else seen.push(job);
    },
    { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix: fx.keys.bullPrefix },
  );
  workers.push(worker);
  return {
    next: () => {
      const job = seen.shift();
      return job ? Promise.resolve(job) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

function completed(worker: Worker, count: number): Promise<void> {
  let done = 0;
  return new Promise((resolve) => {
    worker.on('completed', () => {
      if (++done === count) resolve();
    });
  });
}

describe('submit', () => {
  it('queues the canonical submission, and a BullMQ worker receives it as the job data', async () => {
    const { intake } = await fx.open();
    const worker = startWorker();
    const outcome = await intake.submit(request(1));
    expect(outcome).toMatchObject({ duplicate: false, durability: 'queued' });
    const s = outcome.submission;
    expect(s).toMatchObject({ schemaVersion: 1, channel: 'web', contact: { anonymous: false, phone: '13800000001' }, hints: {} });
    expect(isValidTicket(s.ticket)).toBe(true);
    expect(Date.parse(s.receivedAt)).toBeGreaterThan(Date.now() - 60_000);

    const job = await worker.next();
    expect(job.id).toBe(intakeJobId('web:test-key:1'));
    expect(job.name).toBe('submission');
    expect(job.data).toEqual(s);
    expect(job.opts.priority).toBe(s.priority);
  });

  it('rejects an invalid draft naming the field, storing nothing and using no ticket', async () => {
    const { intake } = await fx.open();
    const bad = intake.submit({ dedupKey: 'web:k:bad', fingerprint: 'x', draft: draft({ text: '', contact: { phone: 'call me' } }) });
    await expect(bad).rejects.toBeInstanceOf(SubmissionInvalidError);
    await expect(bad).rejects.toMatchObject({ problems: expect.arrayContaining([expect.objectContaining({ field: 'contact.phone' })]) });
    await expect(intake.submit({ ...request(2), dedupKey: ' ' })).rejects.toMatchObject({ problems: [{ field: 'dedupKey' }] });
    expect(await fx.redis.exists(fx.keys.idempotency('web:k:bad'))).toBe(0);
    expect(await fx.jobs()).toEqual([]);

    const first = await intake.submit(request(1));
    expect(await fx.sequenceOf(first.submission.ticket)).toBe(1);
  });

  it('answers a sequential retry with the first submission and makes no second job', async () => {
    const { intake } = await fx.open();
    const first = await intake.submit(request(1));
    const again = await intake.submit(request(1));
    expect(again).toEqual({ submission: first.submission, duplicate: true, durability: 'queued' });
    expect((await fx.jobs()).map((j) => j.id)).toEqual([intakeJobId('web:test-key:1')]);
  });

  it('makes one job and one ticket for 20 concurrent submits with the same dedup key', async () => {
    const { intake } = await fx.open();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => intake.submit(request(7))));
    expect(new Set(outcomes.map((o) => o.submission.id)).size).toBe(1);
    expect(new Set(outcomes.map((o) => o.submission.ticket)).size).toBe(1);
    expect(outcomes.filter((o) => !o.duplicate)).toHaveLength(1);
    expect(outcomes.every((o) => o.durability === 'queued')).toBe(true);
    const jobs = await fx.jobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.data).toEqual(outcomes[0]?.submission);
  });

  it('refuses the same dedup key with a different fingerprint', async () => {
    const { intake } = await fx.open();
    const first = await intake.submit(request(1));
    const reused = intake.submit({ ...request(2), dedupKey: 'web:test-key:1' });
    await expect(reused).rejects.toBeInstanceOf(IdempotencyConflictError);
    await expect(reused).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', existingId: first.submission.id });
    expect(await fx.jobs()).toHaveLength(1);
  });

  it('still answers a retry with the first submission after its job was completed and removed', async () => {
    const { intake } = await fx.open({ removeOnComplete: true });
    const worker = new Worker(INTAKE_QUEUE_NAME, async () => 'done', {
      connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }),
      prefix: fx.keys.bullPrefix,
    });
    workers.push(worker);
    const done = completed(worker, 1);
    const first = await intake.submit(request(1));
    await done;
    // No worker from here on: a second job would stay in the queue for us to see.
    await worker.close();
    expect(await fx.jobs()).toEqual([]);

    const again = await intake.submit(request(1));
    expect(again).toMatchObject({ submission: first.submission, duplicate: true });
    // Even a claim left `pending` (a crash between enqueue and marking it queued) cannot bring the job back.
    await fx.redis.zadd(fx.keys.pendingClaims, Date.now(), dedupHash('web:test-key:1'));
    const afterCrash = await intake.submit(request(1));
    expect(afterCrash).toMatchObject({ submission: first.submission, duplicate: true, durability: 'queued' });
    expect(await fx.jobs()).toEqual([]);
    const counts = await fx.queue().getJobCounts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('queues a claim left pending by a gateway that died between claiming and queueing', async () => {
    const first = await fx.open();
    const { submission: model } = await first.intake.submit(request(1));
    await first.close();
    const died = { ...model, id: '01J0000000000000000000DEAD', ticket: ticketFromSequence(900) };
    const young = { ...model, id: '01J000000000000000000YVNG0', ticket: ticketFromSequence(901) };
    const minuteAgo = new RedisIntakeStore(fx.redis, fx.keys, { idempotencyTtlSeconds: 3600, now: () => Date.now() - 60_000 });
    const justNow = new RedisIntakeStore(fx.redis, fx.keys, { idempotencyTtlSeconds: 3600 });
    expect(await minuteAgo.claim({ dedupKey: 'web:died', fingerprint: 'd', submission: died, state: 'pending' })).toBeNull();
    expect(await justNow.claim({ dedupKey: 'web:young', fingerprint: 'y', submission: young, state: 'pending' })).toBeNull();

    const restarted = await fx.open({ stalledClaimMs: 30_000 });
    await restarted.intake.forwarder.idle();
    const jobs = new Map((await fx.jobs()).map((j) => [j.id, j.data]));
    expect(jobs.get(intakeJobId('web:died'))).toEqual(died);
    // Still young: its own submit may be about to queue it.
    expect(jobs.has(intakeJobId('web:young'))).toBe(false);
    // Queued: out of the pending index, the claim itself kept for its TTL.
    expect(await fx.redis.exists(fx.keys.idempotency('web:died'))).toBe(1);
    expect(await fx.redis.zrange(fx.keys.pendingClaims, 0, -1)).toEqual([dedupHash('web:young')]);
    expect(fx.recorded.lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: expect.stringContaining('died after claiming') }));
  });

  it('answers a retry from the stored claim, whether a string or a hash an earlier version wrote', async () => {
    const { intake } = await fx.open();
    const { submission: model } = await intake.submit(request(1));
    const store = new RedisIntakeStore(fx.redis, fx.keys, { idempotencyTtlSeconds: 3600 });
    const first = { ...model, id: '01J00000000000000000000STR', ticket: ticketFromSequence(902) };
    // Colons and digits in the key and the fingerprint must not confuse the length-prefixed claim string.
    const key = 'v1:12:34:retry';
    expect(await store.claim({ dedupKey: key, fingerprint: '5:ab:c', submission: first, state: 'pending' })).toBeNull();
    const again = await store.claim({ dedupKey: key, fingerprint: 'other', submission: { ...first, id: '01J00000000000000000000TWO' }, state: 'pending' });
    expect(again).toEqual({ dedupKey: key, fingerprint: '5:ab:c', submission: first, state: 'pending' });
    await store.markQueued([key]);
    expect((await store.claim({ dedupKey: key, fingerprint: 'x', submission: first, state: 'pending' }))?.state).toBe('queued');

    const legacy = { ...model, id: '01J00000000000000000000HSH', ticket: ticketFromSequence(903) };
    await fx.redis.hset(fx.keys.idempotency('web:legacy'), 'fingerprint', 'f', 'state', 'queued', 'submission', JSON.stringify(legacy), 'dedupKey', 'web:legacy');
    expect(await store.claim({ dedupKey: 'web:legacy', fingerprint: 'f', submission: model, state: 'pending' })).toEqual({
      dedupKey: 'web:legacy',
      fingerprint: 'f',
      submission: legacy,
      state: 'queued',
    });
  });

  it('marks the claims queued after answering, many per round trip, and leaves none pending once closed', async () => {
    const created = await fx.open();
    const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) => created.intake.submit(request(i))));
    expect(outcomes.every((o) => o.durability === 'queued' && !o.duplicate)).toBe(true);
    await created.close();
    expect(await fx.redis.zcard(fx.keys.pendingClaims)).toBe(0);
    const kept = await Promise.all(outcomes.map((_, i) => fx.redis.exists(fx.keys.idempotency(`web:test-key:${i}`))));
    expect(kept).toEqual(outcomes.map(() => 1));
    expect(await fx.jobs()).toHaveLength(30);
  });

  it('keeps the idempotency claim for the configured TTL', async () => {
    const { intake } = await fx.open({ idempotencyTtlMs: 2 * 86_400_000 });
    await intake.submit(request(1));
    const ttl = await fx.redis.ttl(fx.keys.idempotency('web:test-key:1'));
    expect(ttl).toBeGreaterThan(2 * 86_400 - 60);
    expect(ttl).toBeLessThanOrEqual(2 * 86_400);
  });

  it('keeps every key in one hash slot, under the prefix hash tag', async () => {
    const { intake } = await fx.open();
    await intake.submit(request(1));
    const keys = await fx.redis.keys(`*${fx.prefix}*`);
    expect(keys.length).toBeGreaterThan(5);
    expect(keys.every((key) => key.startsWith(`{${fx.prefix}}:`))).toBe(true);
    expect(keys.some((key) => key.startsWith(`{${fx.prefix}}:intake:`))).toBe(true);
    // No phone number in any key name.
    expect(keys.some((key) => key.includes('13800000001'))).toBe(false);
  });
});

describe('repeat hint', () => {
  it('points a new request that repeats the same contact’s open one at it', async () => {
    const { intake } = await fx.open();
    const contact = { phone: '13912345678' };
    const first = await intake.submit({ dedupKey: 'a', fingerprint: 'a', draft: draft({ contact }) });
    const repeat = await intake.submit({ dedupKey: 'b', fingerprint: 'b', draft: draft({ contact: { phone: '+86 139 1234 5678' } }) });
    expect(repeat.submission.hints.repeatOf).toEqual({ id: first.submission.id, ticket: first.submission.ticket });
    const other = await intake.submit({ dedupKey: 'c', fingerprint: 'c', draft: draft({ contact: { phone: '13700000000' } }) });
    expect(other.submission.hints.repeatOf).toBeUndefined();

    // Once the first is resolved, the same text is a new matter.
    await intake.updateStatus(first.submission.id, { status: 'resolved', at: new Date().toISOString() });
    await intake.updateStatus(repeat.submission.id, { status: 'closed', at: new Date().toISOString() });
    const later = await intake.submit({ dedupKey: 'd', fingerprint: 'd', draft: draft({ contact }) });
    expect(later.submission.hints.repeatOf).toBeUndefined();
  });
});

describe('records', () => {
  it('looks a submission up by id and by ticket, and records status updates and a rating', async () => {
    const { intake } = await fx.open();
    const { submission } = await intake.submit(request(1));
    expect(await intake.get(submission.id)).toEqual({ submission, history: [{ status: 'received', at: submission.receivedAt }] });
    expect((await intake.getByTicket(submission.ticket))?.submission).toEqual(submission);
    expect(await intake.getByTicket('123456789')).toBeNull();
    expect(await intake.getByTicket('not a ticket')).toBeNull();
    expect(await intake.get('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBeNull();

    const accepted = { status: 'accepted' as const, at: '2030-01-01T08:00:00.000Z', agency: '东城区城管委' };
    const resolved = { status: 'resolved' as const, at: '2030-01-02T08:00:00.000Z', note: '路灯已修好' };
    await intake.updateStatus(submission.id, accepted);
    const record = await intake.updateStatus(submission.id, resolved);
    expect(record?.history).toEqual([{ status: 'received', at: submission.receivedAt }, accepted, resolved]);
    const rated = await intake.rate(submission.id, { score: 5, at: '2030-01-03T08:00:00.000Z', comment: '很快' });
    expect(rated).toMatchObject({ rating: { score: 5, comment: '很快' }, history: [{}, {}, { status: 'resolved' }] });
    expect(await intake.updateStatus('01ARZ3NDEKTSV4RRFFQ69G5FAV', accepted)).toBeNull();
    expect(await intake.rate('01ARZ3NDEKTSV4RRFFQ69G5FAV', { score: 1, at: accepted.at })).toBeNull();
  });

  it('keeps the first rating when a case is rated again', async () => {
    const { intake } = await fx.open();
    const { submission } = await intake.submit(request(1));
    await intake.rate(submission.id, { score: 2, at: '2030-01-03T08:00:00.000Z' });
    const again = await intake.rate(submission.id, { score: 5, at: '2030-01-03T09:00:00.000Z' });
    expect(again?.rating).toMatchObject({ score: 2 });
  });

  it('lists a request\'s follow-ups in arrival order', async () => {
    const { intake } = await fx.open();
    const first = (await intake.submit(request(1))).submission;
    const second = (await intake.submit(request(2, { refs: { followUpOf: first.id } }))).submission;
    const third = (await intake.submit(request(3, { refs: { followUpOf: first.id } }))).submission;
    expect((await intake.get(first.id))?.followUps).toEqual([second.id, third.id]);
    expect((await intake.get(second.id))?.followUps).toBeUndefined();
  });

  it('finds by channel, Open311 service code, status, time and ids, newest first', async () => {
    const { intake } = await fx.open();
    const web: Submission[] = [];
    for (let i = 1; i <= 4; i++) web.push((await intake.submit(request(i))).submission);
    const open311 = (
      await intake.submit({
        dedupKey: 'open311:1',
        fingerprint: 'o',
        draft: draft({ channel: 'open311', refs: { open311ServiceCode: 'streetlight' }, contact: {} }),
      })
    ).submission;
    const voice = (await intake.submit({ dedupKey: 'voice:1', fingerprint: 'v', draft: draft({ channel: 'voice', text: '噪音扰民', contact: {} }) }))
      .submission;
    await intake.updateStatus(web[1]!.id, { status: 'accepted', at: new Date().toISOString() });
    await intake.updateStatus(web[2]!.id, { status: 'closed', at: new Date().toISOString() });

    const ids = async (query: Parameters<typeof intake.find>[0]) => (await intake.find(query)).map((r) => r.submission.id);
    expect(await ids({ limit: 100 })).toEqual([voice.id, open311.id, web[3]!.id, web[2]!.id, web[1]!.id, web[0]!.id]);
    expect(await ids({ limit: 2 })).toEqual([voice.id, open311.id]);
    expect(await ids({ channel: 'web', limit: 100 })).toEqual([web[3]!.id, web[2]!.id, web[1]!.id, web[0]!.id]);
    expect(await ids({ open311ServiceCode: 'streetlight', limit: 100 })).toEqual([open311.id]);
    expect(await ids({ status: ['received'], limit: 100 })).toEqual([voice.id, open311.id, web[3]!.id, web[0]!.id]);
    expect(await ids({ status: ['accepted', 'closed'], limit: 100 })).toEqual([web[2]!.id, web[1]!.id]);
    expect(await ids({ status: ['received'], channel: 'web', limit: 1 })).toEqual([web[3]!.id]);
    expect(await ids({ ids: [web[0]!.id, voice.id, 'nope'], limit: 100 })).toEqual([voice.id, web[0]!.id]);
    const from = Date.parse(web[2]!.receivedAt);
    const to = Date.parse(open311.receivedAt);
    const window = await ids({ fromMs: from, toMs: to, limit: 100 });
    // Submissions can share a millisecond (the voice one may land in open311's): expect exactly those in the window.
    const newestFirst = [voice, open311, web[3]!, web[2]!, web[1]!, web[0]!];
    const inWindow = newestFirst.filter((s) => Date.parse(s.receivedAt) >= from && Date.parse(s.receivedAt) <= to).map((s) => s.id);
    expect(inWindow).toEqual(expect.arrayContaining([open311.id, web[3]!.id, web[2]!.id]));
    expect(window).toEqual(inWindow);
  });

  it('pages through a long index when filters skip most entries', async () => {
    const { intake } = await fx.open();
    const all: Submission[] = [];
    for (let i = 0; i < 450; i++) all.push((await intake.submit(request(i))).submission);
    const oldest = all[0]!;
    await intake.updateStatus(oldest.id, { status: 'rejected', at: new Date().toISOString() });
    expect((await intake.find({ channel: 'web', status: ['rejected'], limit: 10 })).map((r) => r.submission.id)).toEqual([oldest.id]);
    const everything = await intake.find({ limit: 1000 });
    expect(everything).toHaveLength(450);
    expect(everything.map((r) => r.submission.id)).toEqual(all.map((s) => s.id).reverse());
  });
});

describe('tickets', () => {
  it('never reuses a ticket number after a restart, and refills the lease before it runs out', async () => {
    const first = await fx.open({ ticketBlock: 4 });
    const tickets: string[] = [];
    for (let i = 0; i < 6; i++) tickets.push((await first.intake.submit(request(i))).submission.ticket);
    await first.close();
    const second = await fx.open({ ticketBlock: 4 });
    for (let i = 6; i < 9; i++) tickets.push((await second.intake.submit(request(i))).submission.ticket);

    const seqs = await Promise.all(tickets.map((t) => fx.sequenceOf(t)));
    expect(new Set(seqs).size).toBe(9);
    expect(seqs.slice(0, 6)).toEqual([1, 2, 3, 4, 5, 6]);
    // The first run leased 1-4 and 5-8 (refilled in the background when half used); 7 and 8 are lost on restart.
    expect(Math.min(...seqs.slice(6))).toBeGreaterThan(8);
  });
});

describe('intake tail', () => {
  it('reports each submission added after it started, in order', async () => {
    const { intake } = await fx.open();
    await intake.submit(request(0));
    const seen: { jobId: string; submission: Submission | null }[] = [];
    let arrived: () => void = () => undefined;
    const two = new Promise<void>((resolve) => (arrived = resolve));
    const tail = await openIntakeTail({
      redis: singleRedis(REDIS_URL),
      prefix: fx.prefix,
      log: fx.recorded.log,
      onSubmission: (a) => {
        seen.push(a);
        if (seen.length === 2) arrived();
      },
    });
    try {
      const a = await intake.submit(request(1));
      const b = await intake.submit(request(2));
      await two;
      expect(seen).toEqual([
        { jobId: intakeJobId('web:test-key:1'), submission: a.submission },
        { jobId: intakeJobId('web:test-key:2'), submission: b.submission },
      ]);
    } finally {
      await tail.close();
    }
  });
});
