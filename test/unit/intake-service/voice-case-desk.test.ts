// Given the IVR's desk in front of a scripted intake, a real attachment store and a recording source, when a caller
// leaves a voice message or keys in a ticket, then the desk answers with a ticket or an outcome, or with `null` /
// `unavailable` when anything on the way fails or is too slow: it never rejects and never outlasts its bound.

import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentStore } from '../../../src/adapters/attachments/content-store.js';
import { ConfiguredCaseSecret } from '../../../src/adapters/intake/case-secret.js';
import { constantTimeEqual } from '../../../src/adapters/access/constant-time-equal.js';
import { DEFAULT_PROOF_LIMITS, ProvenCaseAccess } from '../../../src/app/access/case-access.js';
import type { ProofLimits } from '../../../src/app/access/case-access.js';
import type { PhoneCaller, VoiceMessage } from '../../../src/app/case-desk.js';
import { MemoryLimiter } from '../../../src/app/limits/memory-limiter.js';
import { AttachmentRejectedError, IntakeUnavailableError, SubmissionInvalidError } from '../../../src/app/intake/intake-ports.js';
import type { Intake, IntakeQuery, IntakeRecord, SubmitOutcome, SubmitRequest } from '../../../src/app/intake/intake-ports.js';
import type { RecentSubmission } from '../../../src/app/intake/durable-intake-ports.js';
import { VoiceCaseDesk } from '../../../src/app/intake/voice-case-desk.js';
import type { RecordingSource } from '../../../src/app/intake/voice-case-desk.js';
import { systemClock } from '../../../src/app/ports.js';
import type { Clock } from '../../../src/app/ports.js';
import { normaliseSubmission } from '../../../src/domain/intake/normalise.js';
import { contactKeys } from '../../../src/domain/intake/repeat.js';
import type { Rating, Status, StatusEntry } from '../../../src/domain/intake/submission.js';
import { ticketFromSequence } from '../../../src/domain/intake/ticket.js';
import { RecordingLog } from '../../support/logs.js';
import { wav as recording } from '../../support/wav.js';

/** How a scripted call behaves: answer, fail the way a Redis outage does, or never settle. */
type Behaviour = 'answer' | 'reject' | 'hang';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

/** A call that never settles, and a promise a test can await to know the call has begun to hang. */
class Hang {
  private begun: () => void = () => undefined;
  readonly started = new Promise<void>((resolve) => (this.begun = resolve));

  now<T>(): Promise<T> {
    this.begun();
    return never();
  }
}

/** Intake as far as the desk uses it, with what it was asked; submissions go through the real normaliser. */
class ScriptedIntake implements Intake {
  submitBehaviour: Behaviour = 'answer';
  lookupBehaviour: Behaviour = 'answer';
  contactBehaviour: Behaviour = 'answer';
  readonly submitted: SubmitRequest[] = [];
  readonly lookedUp: string[] = [];
  readonly hang = new Hang();
  private readonly records = new Map<string, IntakeRecord>();
  private sequence = 0;

  async submit(request: SubmitRequest): Promise<SubmitOutcome> {
    this.submitted.push(request);
    if (this.submitBehaviour === 'hang') return this.hang.now();
    if (this.submitBehaviour === 'reject') throw new IntakeUnavailableError('Redis and the spool are both unavailable', 5);
    this.sequence++;
    const receivedAt = new Date(Date.UTC(2024, 4, 1, 2, 30, this.sequence)).toISOString();
    const result = normaliseSubmission(request.draft, {
      id: `01J0000000000000000000${String(this.sequence).padStart(4, '0')}`,
      ticket: ticketFromSequence(this.sequence),
      receivedAt,
    });
    if (!result.ok) throw new SubmissionInvalidError(result.problems);
    this.records.set(result.submission.id, { submission: result.submission, history: [{ status: 'received', at: receivedAt }] });
    return { submission: result.submission, duplicate: false, durability: 'queued' };
  }

  async get(id: string): Promise<IntakeRecord | null> {
    return this.records.get(id) ?? null;
  }

  async getByTicket(ticket: string): Promise<IntakeRecord | null> {
    this.lookedUp.push(ticket);
    if (this.lookupBehaviour === 'hang') return this.hang.now();
    if (this.lookupBehaviour === 'reject') throw new IntakeUnavailableError('Redis: connection refused', 5);
    return [...this.records.values()].find((record) => record.submission.ticket === ticket) ?? null;
  }

  async updateStatus(id: string, entry: StatusEntry): Promise<IntakeRecord | null> {
    const record = this.records.get(id);
    if (record === undefined) return null;
    const updated = { ...record, history: [...record.history, entry] };
    this.records.set(id, updated);
    return updated;
  }

  // The desk submits, reads by ticket, rates and asks for a caller's open cases; anything else fails the test.
  async find(query: IntakeQuery): Promise<IntakeRecord[]> {
    throw new Error(`the voice desk has no use for find(${JSON.stringify(query)})`);
  }

  async rate(id: string, rating: Rating): Promise<IntakeRecord | null> {
    const record = this.records.get(id);
    if (record === undefined) return null;
    const rated = record.rating === undefined ? { ...record, rating } : record;
    this.records.set(id, rated);
    return rated;
  }

  /** `IntakeService.openByContact`, over the scripted records. */
  async openByContact(keys: readonly string[]): Promise<RecentSubmission[]> {
    if (this.contactBehaviour === 'hang') return never();
    if (this.contactBehaviour === 'reject') throw new IntakeUnavailableError('Redis: connection refused', 5);
    const wanted = new Set(keys);
    return [...this.records.values()]
      .map((r) => ({ submission: r.submission, status: r.history.at(-1)?.status ?? 'received' }))
      .filter((r) => ['received', 'accepted', 'in_progress'].includes(r.status))
      .filter((r) => contactKeys(r.submission.contact).some((key) => wanted.has(key)))
      .reverse();
  }
}

/** Asterisk's stored recordings, with a script for how the fetch behaves. */
class ScriptedRecordings implements RecordingSource {
  behaviour: Behaviour = 'answer';
  readonly stored = new Map<string, Uint8Array>();
  readonly fetched: string[] = [];
  readonly hang = new Hang();

  async fetch(name: string): Promise<Uint8Array | null> {
    this.fetched.push(name);
    if (this.behaviour === 'hang') return this.hang.now();
    if (this.behaviour === 'reject') throw new Error('ARI GET /recordings/stored: socket hang up');
    return this.stored.get(name) ?? null;
  }
}

/**
 * The system clock, counting the timers the desk starts, cancels and lets fire; `elapse()` fires the pending ones at
 * once, so a test of the desk's bound waits for no real time.
 */
function countingClock(): Clock & { readonly counts: { started: number; cancelled: number; fired: number }; elapse(): void } {
  const counts = { started: 0, cancelled: 0, fired: 0 };
  const pending = new Map<() => void, { cancel(): void }>();
  return {
    counts,
    now: () => systemClock.now(),
    setTimer(ms, fire) {
      counts.started++;
      const run = (): void => {
        pending.delete(run);
        counts.fired++;
        fire();
      };
      pending.set(run, systemClock.setTimer(ms, run));
      return {
        cancel: () => {
          counts.cancelled++;
          pending.get(run)?.cancel();
          pending.delete(run);
        },
      };
    },
    elapse() {
      for (const [run, timer] of [...pending]) {
        timer.cancel();
        run();
      }
    },
  };
}

/** What Asterisk stores for a voice message. */
const wav = (ms: number): Uint8Array => new Uint8Array(recording(ms));

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

let dataDir = '';
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'voice-case-desk-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

let stores = 0;
function setup(answerWithinMs = 2000, limits?: ProofLimits) {
  const intake = new ScriptedIntake();
  const recordings = new ScriptedRecordings();
  const attachments = new ContentStore({ dir: join(dataDir, `store-${++stores}`), maxBytes: 1_000_000 });
  const clock = countingClock();
  const logs = new RecordingLog();
  // The real access rules, with their own limiter and a configured secret (the PIN is the one every channel gives).
  const access = new ProvenCaseAccess({
    intake,
    keys: new ConfiguredCaseSecret('voice desk test secret'),
    limiter: new MemoryLimiter(systemClock),
    sameSecret: constantTimeEqual,
    clock: systemClock,
    log: logs.log,
    ...(limits === undefined ? {} : { limits }),
  });
  const desk = new VoiceCaseDesk({ intake, access, contactCases: intake, attachments, recordings, clock, log: logs.log, answerWithinMs });
  return { desk, intake, access, recordings, attachments, clock, logs };
}

const message: VoiceMessage = {
  callId: '1718000000.42',
  caller: '+86 (10) 1234-5678',
  recording: 'msg-1718000000.42',
  kind: 'complaint',
  category: 'transportation',
  lang: 'zh',
  private: false,
};

/** The caller who left `message`, and a stranger. */
const OWNER: PhoneCaller = { callId: 'call-2', caller: '010-1234 5678' };
const STRANGER: PhoneCaller = { callId: 'call-3', caller: '13900001111' };

describe('VoiceCaseDesk.submitVoiceMessage', () => {
  it('stores the recording and submits it as a voice work order, answering with the ticket', async () => {
    const { desk, intake, recordings, attachments } = setup();
    const bytes = wav(500);
    recordings.stored.set(message.recording, bytes);

    const filed = await desk.submitVoiceMessage(message);

    expect(filed?.ticket).toBe(ticketFromSequence(1));
    expect(recordings.fetched).toEqual([message.recording]);
    expect(intake.submitted).toHaveLength(1);
    const request = intake.submitted[0]!;
    expect(request.dedupKey).toBe(`voice:${message.callId}:${message.recording}`);
    expect(request.fingerprint).toBe(sha256(bytes));
    expect(request.draft).toMatchObject({
      channel: 'voice',
      text: '',
      kind: 'complaint',
      category: 'transportation',
      language: 'zh',
      contact: { phone: '+861012345678' },
      refs: { callId: message.callId, recordingName: message.recording },
    });
    expect(request.draft.attachments).toEqual([
      {
        id: `sha256:${sha256(bytes)}`,
        mediaKind: 'audio',
        mimeType: 'audio/wav',
        size: bytes.length,
        sha256: sha256(bytes),
        originalName: `${message.recording}.wav`,
      },
    ]);
    expect(await attachments.read(sha256(bytes))).toEqual(bytes);
  });

  it('logs one info line naming the call and the ticket, with no trace of the phone number', async () => {
    const { desk, recordings, logs } = setup();
    recordings.stored.set(message.recording, wav(100));

    const filed = await desk.submitVoiceMessage(message);
    const ticket = filed?.ticket;

    expect(logs.lines).toHaveLength(1);
    expect(logs.lines[0]).toMatchObject({
      level: 'info',
      msg: 'voice message submitted',
      fields: { callId: message.callId, recording: message.recording, ticket, durability: 'queued' },
    });
    const logged = JSON.stringify(logs.lines);
    for (const trace of ['1234-5678', '12345678', '+86', filed?.pin ?? 'no pin']) expect(logged).not.toContain(trace);
  });

  it('answers with the ticket\'s PIN, the one every channel gives for it', async () => {
    const { desk, access, recordings } = setup();
    recordings.stored.set(message.recording, wav(100));

    const filed = await desk.submitVoiceMessage(message);

    expect(filed?.pin).toMatch(/^[0-9]{6}$/);
    expect(filed?.pin).toBe(await access.pinOf(ticketFromSequence(1)));
  });

  it('asks intake to keep the request private when the caller asked for it, and only then', async () => {
    const asked = setup();
    asked.recordings.stored.set(message.recording, wav(100));
    await asked.desk.submitVoiceMessage({ ...message, private: true });
    expect(asked.intake.submitted[0]!.draft.private).toBe(true);
    expect((await asked.intake.getByTicket(ticketFromSequence(1)))?.submission.private).toBe(true);

    const plain = setup();
    plain.recordings.stored.set(message.recording, wav(100));
    await plain.desk.submitVoiceMessage(message);
    expect(plain.intake.submitted[0]!.draft).not.toHaveProperty('private');
    expect((await plain.intake.getByTicket(ticketFromSequence(1)))?.submission).not.toHaveProperty('private');
  });

  it('leaves out a category the intake does not know, and passes an empty one as absent', async () => {
    for (const category of ['potholes', null]) {
      const { desk, intake, recordings } = setup();
      recordings.stored.set(message.recording, wav(100));

      expect(await desk.submitVoiceMessage({ ...message, category, kind: 'report', lang: 'en' })).toMatchObject({ ticket: ticketFromSequence(1) });

      const draft = intake.submitted[0]!.draft;
      expect(draft).not.toHaveProperty('category');
      expect(draft).toMatchObject({ kind: 'report', language: 'en' });
    }
  });

  it('gives no phone for a caller id that is not a number', async () => {
    for (const caller of ['anonymous', 'unknown', '']) {
      const { desk, intake, recordings } = setup();
      recordings.stored.set(message.recording, wav(100));

      expect(await desk.submitVoiceMessage({ ...message, caller })).toMatchObject({ ticket: ticketFromSequence(1) });

      expect(intake.submitted[0]!.draft.contact).toEqual({});
      const record = await intake.getByTicket(ticketFromSequence(1));
      expect(record?.submission.contact).toEqual({ anonymous: true });
    }
  });

  /** The desk answered `null`, logged why once, and never claimed a submission. */
  function expectRefused(logs: RecordingLog, reason: (err: unknown) => void): void {
    expect(logs.lines.map((line) => [line.level, line.msg])).toEqual([['error', 'voice message could not be submitted']]);
    expect(logs.lines[0]!.fields).toMatchObject({ callId: message.callId, recording: message.recording });
    reason(logs.lines[0]!.fields['err']);
  }

  it('answers null when Asterisk has no such recording', async () => {
    const { desk, intake, logs } = setup();

    await expect(desk.submitVoiceMessage(message)).resolves.toBeNull();

    expect(intake.submitted).toEqual([]);
    expectRefused(logs, (err) => expect(String(err)).toContain(`no stored recording "${message.recording}"`));
  });

  it('answers null when fetching the recording fails', async () => {
    const { desk, intake, recordings, logs } = setup();
    recordings.behaviour = 'reject';

    await expect(desk.submitVoiceMessage(message)).resolves.toBeNull();

    expect(intake.submitted).toEqual([]);
    expectRefused(logs, (err) => expect(String(err)).toContain('socket hang up'));
  });

  it('answers null, storing nothing, when the recording is not a type the attachment store takes', async () => {
    const { desk, intake, recordings, attachments, logs } = setup();
    const bytes = new TextEncoder().encode('<html><body>not a recording at all, padded past the sniffing window</body></html>');
    recordings.stored.set(message.recording, bytes);

    await expect(desk.submitVoiceMessage(message)).resolves.toBeNull();

    expect(intake.submitted).toEqual([]);
    expect(await attachments.has(sha256(bytes))).toBe(false);
    expectRefused(logs, (err) => {
      expect(err).toBeInstanceOf(AttachmentRejectedError);
      expect((err as AttachmentRejectedError).problem).toBe('type_not_allowed');
    });
  });

  it('answers null when intake refuses the submission', async () => {
    const { desk, intake, recordings, logs } = setup();
    recordings.stored.set(message.recording, wav(100));
    intake.submitBehaviour = 'reject';

    await expect(desk.submitVoiceMessage(message)).resolves.toBeNull();

    expect(intake.submitted).toHaveLength(1);
    expectRefused(logs, (err) => expect(err).toBeInstanceOf(IntakeUnavailableError));
  });

  // The bound's time passes (clock.elapse) once the slow dependency hangs, never before (the real timer is a minute
  // away), so the answer can only come from the bound, whatever the machine's load.
  it('answers null at the bound when intake never answers', async () => {
    const { desk, intake, recordings, clock, logs } = setup(60_000);
    recordings.stored.set(message.recording, wav(100));
    intake.submitBehaviour = 'hang';

    const answer = desk.submitVoiceMessage(message);
    await intake.hang.started;
    clock.elapse();
    await expect(answer).resolves.toBeNull();

    expect(intake.submitted).toHaveLength(1);
    expect(clock.counts.fired).toBe(1);
    expectRefused(logs, (err) => expect(String(err)).toContain('no answer within 60000 ms'));
  });

  it('answers null at the bound when Asterisk never hands over the recording', async () => {
    const { desk, intake, recordings, clock, logs } = setup(60_000);
    recordings.behaviour = 'hang';

    const answer = desk.submitVoiceMessage(message);
    await recordings.hang.started;
    clock.elapse();
    await expect(answer).resolves.toBeNull();

    expect(intake.submitted).toEqual([]);
    expectRefused(logs, (err) => expect(String(err)).toContain('no answer within 60000 ms'));
  });

  it('cancels its timer once the work is done, whether it succeeded or failed', async () => {
    const succeeded = setup(60_000);
    succeeded.recordings.stored.set(message.recording, wav(100));
    expect(await succeeded.desk.submitVoiceMessage(message)).not.toBeNull();
    expect(succeeded.clock.counts).toEqual({ started: 1, cancelled: 1, fired: 0 });

    const failed = setup(60_000);
    failed.recordings.stored.set(message.recording, wav(100));
    failed.intake.submitBehaviour = 'reject';
    expect(await failed.desk.submitVoiceMessage(message)).toBeNull();
    expect(failed.clock.counts).toEqual({ started: 1, cancelled: 1, fired: 0 });
  });
});

describe('VoiceCaseDesk.lookupCase', () => {
  /** An intake holding one voice submission (ticket of sequence 1) whose history went through `statuses`. */
  async function withCase(statuses: readonly Status[], answerWithinMs?: number) {
    const context = setup(answerWithinMs);
    context.recordings.stored.set(message.recording, wav(100));
    const filed = await context.desk.submitVoiceMessage(message);
    if (filed === null) throw new Error('fixture submission failed');
    const { ticket, pin } = filed;
    const record = await context.intake.getByTicket(ticket);
    if (record === null) throw new Error('fixture submission is not in intake');
    for (const status of statuses) await context.intake.updateStatus(record.submission.id, { status, at: '2024-05-02T08:00:00.000Z' });
    context.intake.lookedUp.length = 0;
    context.clock.counts.started = context.clock.counts.cancelled = context.clock.counts.fired = 0;
    return { ...context, ticket, pin };
  }

  it('answers notFound for a mistyped ticket without asking intake', async () => {
    const { desk, intake, clock } = setup();
    const valid = ticketFromSequence(42);
    const wrongCheckDigit = valid.slice(0, -1) + String((Number(valid.at(-1)) + 1) % 10);

    for (const ticket of [wrongCheckDigit, '', '4', '00000004a']) expect(await desk.lookupCase(ticket, OWNER, null)).toBe('notFound');

    expect(intake.lookedUp).toEqual([]);
    expect(clock.counts.started).toBe(0);
  });

  it('answers a valid ticket intake does not know like one the caller ID does not open: proofNeeded, then denied', async () => {
    const { desk, intake } = setup();

    expect(await desk.lookupCase(ticketFromSequence(42), OWNER, null)).toBe('proofNeeded');
    expect(await desk.lookupCase(ticketFromSequence(42), OWNER, '123456')).toBe('denied');

    expect(intake.lookedUp).toEqual([ticketFromSequence(42), ticketFromSequence(42)]);
  });

  it('answers with the latest status in the case history', async () => {
    const fresh = await withCase([]);
    expect(await fresh.desk.lookupCase(fresh.ticket, OWNER, null)).toBe('received');

    const handled = await withCase(['accepted', 'in_progress', 'rejected']);
    expect(await handled.desk.lookupCase(handled.ticket, OWNER, null)).toBe('rejected');
    expect(handled.intake.lookedUp).toEqual([handled.ticket]);
  });

  it('opens the case to its own caller ID (however the number is written), to anyone else only with its PIN', async () => {
    const { desk, ticket, pin } = await withCase(['accepted']);
    expect(await desk.lookupCase(ticket, { callId: 'c', caller: '+86 10 12345678' }, null)).toBe('accepted');
    expect(await desk.lookupCase(ticket, STRANGER, null)).toBe('proofNeeded');
    expect(await desk.lookupCase(ticket, { callId: 'c', caller: 'anonymous' }, null)).toBe('proofNeeded');
    expect(await desk.lookupCase(ticket, STRANGER, pin)).toBe('accepted');
  });

  it('counts wrong PINs per ticket: denied, then locked, and then not even the right PIN opens it', async () => {
    const { desk, ticket, pin } = await withCase([]);
    const wrong = pin === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i += 1) expect(await desk.lookupCase(ticket, STRANGER, wrong)).toBe('denied');
    expect(await desk.lookupCase(ticket, STRANGER, wrong)).toBe('locked');
    expect(await desk.lookupCase(ticket, STRANGER, pin)).toBe('locked');
    // The caller ID is no guess: the owner still reads their case.
    expect(await desk.lookupCase(ticket, OWNER, null)).toBe('received');
  });

  it('counts wrong PINs from one number together, however the network writes the number', async () => {
    const context = setup(2000, { ...DEFAULT_PROOF_LIMITS, perSourcePerHour: 2 });
    context.recordings.stored.set(message.recording, wav(100));
    const filed = await context.desk.submitVoiceMessage(message);
    const ticket = filed!.ticket;
    const wrong = filed!.pin === '000000' ? '111111' : '000000';
    expect(await context.desk.lookupCase(ticket, { callId: 'a', caller: '13900001111' }, wrong)).toBe('denied');
    expect(await context.desk.lookupCase(ticket, { callId: 'b', caller: '+86 139 0000 1111' }, wrong)).toBe('denied');
    expect(await context.desk.lookupCase(ticket, { callId: 'c', caller: '008613900001111' }, filed!.pin)).toBe('locked');
    // Another number is not this one's source.
    expect(await context.desk.lookupCase(ticket, { callId: 'd', caller: '13900002222' }, filed!.pin)).toBe('received');
  });

  it('tells a finished case not rated yet apart, so the flow can offer a rating', async () => {
    const resolved = await withCase(['accepted', 'resolved']);
    expect(await resolved.desk.lookupCase(resolved.ticket, OWNER, null)).toBe('resolvedUnrated');
    const closed = await withCase(['closed']);
    expect(await closed.desk.lookupCase(closed.ticket, STRANGER, closed.pin)).toBe('closedUnrated');
    expect(await closed.desk.rateCase(closed.ticket, STRANGER, closed.pin, 4)).toBe('rated');
    expect(await closed.desk.lookupCase(closed.ticket, STRANGER, closed.pin)).toBe('closed');
  });

  it('answers unavailable, and logs it, when intake fails', async () => {
    const { desk, intake, ticket, logs } = await withCase([]);
    intake.lookupBehaviour = 'reject';

    await expect(desk.lookupCase(ticket, OWNER, null)).resolves.toBe('unavailable');

    const errors = logs.lines.filter((line) => line.level === 'error');
    expect(errors.map((line) => line.msg)).toEqual(['case status lookup failed']);
    expect(errors[0]!.fields['err']).toBeInstanceOf(IntakeUnavailableError);
  });

  it('answers unavailable at the bound when intake never answers', async () => {
    const { desk, intake, ticket, clock, logs } = await withCase([], 60_000);
    intake.lookupBehaviour = 'hang';

    const answer = desk.lookupCase(ticket, OWNER, null);
    await intake.hang.started;
    clock.elapse();
    await expect(answer).resolves.toBe('unavailable');

    expect(intake.lookedUp).toEqual([ticket]);
    expect(clock.counts.fired).toBe(1);
    expect(logs.lines.filter((line) => line.level === 'error').map((line) => String(line.fields['err']))).toEqual([
      expect.stringContaining('no answer within 60000 ms'),
    ]);
  });

  it('cancels its timer once the lookup is done, whether it found the case or failed', async () => {
    const found = await withCase(['accepted'], 60_000);
    expect(await found.desk.lookupCase(found.ticket, OWNER, null)).toBe('accepted');
    expect(found.clock.counts).toEqual({ started: 1, cancelled: 1, fired: 0 });

    const failed = await withCase([], 60_000);
    failed.intake.lookupBehaviour = 'reject';
    expect(await failed.desk.lookupCase(failed.ticket, OWNER, null)).toBe('unavailable');
    expect(failed.clock.counts).toEqual({ started: 1, cancelled: 1, fired: 0 });
  });
});

describe('VoiceCaseDesk.rateCase', () => {
  async function finished(statuses: readonly Status[]) {
    const context = setup();
    context.recordings.stored.set(message.recording, wav(100));
    const filed = await context.desk.submitVoiceMessage(message);
    if (filed === null) throw new Error('fixture submission failed');
    const record = await context.intake.getByTicket(filed.ticket);
    for (const status of statuses) await context.intake.updateStatus(record!.submission.id, { status, at: '2024-05-02T08:00:00.000Z' });
    return { ...context, ...filed, id: record!.submission.id };
  }

  it('stores the rating with the same proof as the reading, once', async () => {
    const { desk, intake, ticket, id } = await finished(['resolved']);
    expect(await desk.rateCase(ticket, OWNER, null, 5)).toBe('rated');
    expect((await intake.get(id))?.rating).toMatchObject({ score: 5 });
    expect(await desk.rateCase(ticket, OWNER, null, 1)).toBe('refused');
    expect((await intake.get(id))?.rating).toMatchObject({ score: 5 });
  });

  it('refuses a case not finished yet, and fails without proof or when intake fails', async () => {
    const open = await finished(['in_progress']);
    expect(await open.desk.rateCase(open.ticket, OWNER, null, 3)).toBe('refused');
    const done = await finished(['closed']);
    expect(await done.desk.rateCase(done.ticket, STRANGER, null, 3)).toBe('failed');
    expect(await done.desk.rateCase(done.ticket, STRANGER, done.pin === '999999' ? '888888' : '999999', 3)).toBe('failed');
    done.intake.lookupBehaviour = 'reject';
    expect(await done.desk.rateCase(done.ticket, OWNER, null, 3)).toBe('failed');
    expect((await done.intake.get(done.id))?.rating).toBeUndefined();
  });
});

describe('VoiceCaseDesk.openCaseOf', () => {
  async function filedBy(caller: string, statuses: readonly Status[] = []) {
    const context = setup();
    context.recordings.stored.set(message.recording, wav(100));
    const filed = await context.desk.submitVoiceMessage({ ...message, caller });
    const record = await context.intake.getByTicket(filed!.ticket);
    for (const status of statuses) await context.intake.updateStatus(record!.submission.id, { status, at: '2024-05-02T08:00:00.000Z' });
    return { ...context, ticket: filed!.ticket };
  }

  it('finds the caller\'s open case and where it stands', async () => {
    const { desk, ticket } = await filedBy('13812345678', ['in_progress']);
    expect(await desk.openCaseOf({ callId: 'c', caller: '+86 138 1234 5678' })).toEqual({ outcome: 'in_progress', ticket });
  });

  it('finds none for another number, an anonymous caller or a case no longer open', async () => {
    const { desk } = await filedBy('13812345678');
    expect(await desk.openCaseOf(STRANGER)).toEqual({ outcome: 'none', ticket: null });
    expect(await desk.openCaseOf({ callId: 'c', caller: 'anonymous' })).toEqual({ outcome: 'none', ticket: null });
    const closed = await filedBy('13812345678', ['resolved']);
    expect(await closed.desk.openCaseOf({ callId: 'c', caller: '13812345678' })).toEqual({ outcome: 'none', ticket: null });
  });

  it('answers unavailable, within the bound, when intake fails or never answers', async () => {
    const failing = await filedBy('13812345678');
    failing.intake.contactBehaviour = 'reject';
    expect(await failing.desk.openCaseOf({ callId: 'c', caller: '13812345678' })).toEqual({ outcome: 'unavailable', ticket: null });
    const slow = setup(50);
    slow.intake.contactBehaviour = 'hang';
    expect(await slow.desk.openCaseOf({ callId: 'c', caller: '13812345678' })).toEqual({ outcome: 'unavailable', ticket: null });
    expect(slow.clock.counts.fired).toBe(1);
  });
});
