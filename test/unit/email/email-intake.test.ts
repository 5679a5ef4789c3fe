// The mail-to-submission orchestration against in-memory ports: which failures defer the mail (451), which refuse it
// (554), and which only cost a hint or an acknowledgement. The real adapters are exercised over SMTP in
// test/integration/email/.

import type { FairUse } from '../../../src/app/limits/fair-use.js';
import { describe, expect, it } from 'vitest';
import { silentLog } from '../../../src/app/app-ports.js';
import { EmailIntake, MailLimitedError, MailRefusedError, MailTemporaryError } from '../../../src/app/email/email-intake.js';
import type { FiledMail, MailReceipt } from '../../../src/app/email/email-intake.js';
import type { AckContext } from '../../../src/app/email/acknowledgement-dispatcher.js';
import type { MailParser, OutgoingMail, StoredRawMail, ThreadIndex, ThreadRoot } from '../../../src/app/email/email-ports.js';
import { MailUnparseableError } from '../../../src/app/email/email-ports.js';
import type { AttachmentInput, AttachmentStore, Intake, IntakeRecord, SubmitOutcome, SubmitRequest } from '../../../src/app/intake/intake-ports.js';
import { AttachmentRejectedError, IdempotencyConflictError, IntakeUnavailableError, SubmissionInvalidError } from '../../../src/app/intake/intake-ports.js';
import type { ParsedMail } from '../../../src/domain/email/parsed-mail.js';
import { normaliseSubmission } from '../../../src/domain/intake/normalise.js';
import { findRepeat } from '../../../src/domain/intake/repeat.js';
import type { AttachmentRef, Rating, StatusEntry, Submission } from '../../../src/domain/intake/submission.js';
import { ticketFromSequence } from '../../../src/domain/intake/ticket.js';
import { testCaseAccess } from '../../support/case-access.js';

const RAW: StoredRawMail = { id: 'sha256:' + 'd'.repeat(64), sha256: 'd'.repeat(64), size: 10, bytes: new Uint8Array(10) };
const ENVELOPE = { mailFrom: 'citizen@example.cn', rcptTo: ['12345@hotline.example'] };
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

/** Intake in memory, normalising and classifying drafts the way the real one does. */
class MemoryIntake implements Intake {
  readonly requests: SubmitRequest[] = [];
  readonly byKey = new Map<string, { fingerprint: string; submission: Submission }>();
  readonly byId = new Map<string, Submission>();
  /** Status histories by submission id; a submission without one has just been received. */
  readonly histories = new Map<string, StatusEntry[]>();
  failNext: Error | null = null;
  lookupsFail = false;
  /** Mark a submission that repeats an earlier one (`hints.repeatOf`), as intake does. */
  detectRepeats = false;
  /** Fields `submit` refuses, as intake's validation would. */
  refuse: string[] = [];
  private seq = 0;

  async submit(request: SubmitRequest): Promise<SubmitOutcome> {
    this.requests.push(request);
    if (this.failNext !== null) {
      const err = this.failNext;
      this.failNext = null;
      throw err;
    }
    const existing = this.byKey.get(request.dedupKey);
    if (existing !== undefined) {
      if (existing.fingerprint !== request.fingerprint) throw new IdempotencyConflictError(request.dedupKey, existing.submission.id);
      return { submission: existing.submission, duplicate: true, durability: 'queued' };
    }
    const refused = this.refuse.filter((field) => {
      const [head = '', key = ''] = field.split('.');
      const section = (request.draft as unknown as Record<string, Record<string, unknown> | undefined>)[head];
      return section?.[key] !== undefined;
    });
    if (refused.length > 0) throw new SubmissionInvalidError(refused.map((field) => ({ field, message: 'refused' })));
    const { hints, ...draft } = request.draft;
    this.seq++;
    const result = normaliseSubmission(draft, {
      id: `01HXZ5K3M8Q9R2S4T6V7W8X${String(this.seq).padStart(3, '0')}`,
      ticket: ticketFromSequence(this.seq),
      receivedAt: '2024-05-06T01:30:00.000Z',
    });
    if (!result.ok) throw new SubmissionInvalidError(result.problems);
    const normalised: Submission = { ...result.submission, hints: { ...result.submission.hints, ...hints } };
    const repeatOf = this.detectRepeats ? findRepeat(normalised, [...this.byId.values()]) : null;
    const submission: Submission = repeatOf === null ? normalised : { ...normalised, hints: { ...normalised.hints, repeatOf } };
    this.byKey.set(request.dedupKey, { fingerprint: request.fingerprint, submission });
    this.byId.set(submission.id, submission);
    return { submission, duplicate: false, durability: 'queued' };
  }

  async get(id: string): Promise<IntakeRecord | null> {
    if (this.lookupsFail) throw new IntakeUnavailableError('Redis is down', 5);
    const submission = this.byId.get(id);
    return submission === undefined ? null : this.record(submission);
  }

  async getByTicket(ticket: string): Promise<IntakeRecord | null> {
    if (this.lookupsFail) throw new IntakeUnavailableError('Redis is down', 5);
    const submission = [...this.byId.values()].find((s) => s.ticket === ticket);
    return submission === undefined ? null : this.record(submission);
  }

  readonly ratings = new Map<string, Rating>();

  find = async () => [];
  updateStatus = async () => null;

  async rate(id: string, rating: Rating): Promise<IntakeRecord | null> {
    const submission = this.byId.get(id);
    if (submission === undefined) return null;
    if (!this.ratings.has(id)) this.ratings.set(id, rating);
    return this.record(submission);
  }

  private record(submission: Submission): IntakeRecord {
    const rating = this.ratings.get(submission.id);
    return {
      submission,
      history: this.histories.get(submission.id) ?? [{ status: 'received', at: submission.receivedAt }],
      ...(rating === undefined ? {} : { rating }),
    };
  }
}

class MemoryAttachments implements AttachmentStore {
  diskFails = false;
  async put(bytes: AsyncIterable<Uint8Array> | Uint8Array, input: AttachmentInput): Promise<AttachmentRef> {
    if (this.diskFails) throw new Error('EIO: disk failed');
    const content = bytes as Uint8Array;
    if (!PNG_MAGIC.every((b, i) => content[i] === b)) throw new AttachmentRejectedError('type_not_allowed', 'not allowed', input.originalName);
    const sha256 = String(content.length).padStart(64, '0');
    return { id: `sha256:${sha256}`, mediaKind: 'image', mimeType: 'image/png', size: content.length, sha256, ...(input.originalName ? { originalName: input.originalName } : {}) };
  }
  read = async () => null;
  has = async () => false;
}

class MemoryThreads implements ThreadIndex {
  readonly map = new Map<string, ThreadRoot>();
  fails = false;
  async find(ids: readonly string[]): Promise<ThreadRoot | null> {
    if (this.fails) throw new Error('Redis is down');
    for (const id of ids) {
      const root = this.map.get(id);
      if (root) return root;
    }
    return null;
  }
  async remember(ids: readonly string[], root: ThreadRoot): Promise<void> {
    if (this.fails) throw new Error('Redis is down');
    for (const id of ids) if (!this.map.has(id)) this.map.set(id, root);
  }
}

function mail(over: Partial<ParsedMail> = {}): ParsedMail {
  return {
    messageId: 'm1@example.cn',
    inReplyTo: [],
    references: [],
    subject: '路灯坏了',
    from: { address: 'citizen@example.cn' },
    headers: new Map(),
    text: '东城区的路灯坏了。',
    attachments: [],
    ...over,
  };
}

function setup(options: { parsed?: ParsedMail | Error; relay?: boolean; fairUse?: Pick<FairUse, 'admit'> } = {}) {
  const intake = new MemoryIntake();
  const attachments = new MemoryAttachments();
  const threads = new MemoryThreads();
  const sent: { mail: OutgoingMail; context: AckContext }[] = [];
  let parsed: ParsedMail | Error = options.parsed ?? mail();
  const parser: MailParser = {
    parse: async () => {
      if (parsed instanceof Error) throw parsed;
      return parsed;
    },
  };
  let ids = 0;
  const access = testCaseAccess(intake);
  const email = new EmailIntake({
    access,
    intake,
    attachments,
    parser,
    threads,
    acknowledgements: options.relay === false ? null : { dispatch: (m, context) => sent.push({ mail: m, context }) },
    isOwnAddress: (a) => a.endsWith('@hotline.example'),
    newMessageId: () => `ack-${++ids}@hotline.example`,
    ...(options.fairUse === undefined ? {} : { fairUse: options.fairUse }),
  });
  return {
    intake,
    access,
    attachments,
    threads,
    sent,
    setParsed: (p: ParsedMail | Error) => {
      parsed = p;
    },
    receive: async (raw: StoredRawMail = RAW) => filed(await email.receive(ENVELOPE, raw, silentLog)),
    receiveAny: (raw: StoredRawMail = RAW, envelope = ENVELOPE) => email.receive(envelope, raw, silentLog),
  };
}

function filed(receipt: MailReceipt): FiledMail {
  if (receipt.kind !== 'filed') throw new Error(`the mail was answered as a ${receipt.request} request, not filed`);
  return receipt;
}

const rawWith = (n: string): StoredRawMail => ({ ...RAW, id: `sha256:${n.repeat(64)}`, sha256: n.repeat(64) });

describe('EmailIntake', () => {
  it('files the mail, remembers its thread, and queues an acknowledgement that threads back', async () => {
    const t = setup({ parsed: mail({ references: ['earlier@example.cn'] }) });
    const receipt = await t.receive();
    expect(receipt).toMatchObject({ duplicate: false, durability: 'queued', autoReply: null, acknowledgement: 'queued' });
    expect(t.intake.requests[0]).toMatchObject({ dedupKey: 'email:m1@example.cn', fingerprint: RAW.sha256 });
    const { submission } = receipt;
    expect(submission.channel).toBe('email');
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]?.mail).toMatchObject({
      to: 'citizen@example.cn',
      subject: `Re: 路灯坏了 [12345-${submission.ticket}]`,
      messageId: 'ack-1@hotline.example',
      inReplyTo: 'm1@example.cn',
      references: ['earlier@example.cn', 'm1@example.cn'],
    });
    expect(t.sent[0]?.context).toEqual({ submissionId: submission.id, ticket: submission.ticket });
    const root = { id: submission.id, ticket: submission.ticket };
    expect(t.threads.map.get('m1@example.cn')).toEqual(root);
    expect(t.threads.map.get('ack-1@hotline.example')).toEqual(root);
  });

  it('files an unreadable mail as its raw mail, without an acknowledgement', async () => {
    const t = setup({ parsed: new MailUnparseableError('parsing took too long') });
    const receipt = await t.receive();
    expect(receipt.acknowledgement).toBe('unparseable');
    expect(receipt.submission.text).toContain(RAW.id);
    expect(t.intake.requests[0]?.dedupKey).toBe(`email:sha256:${RAW.sha256}`);
    expect(t.sent).toHaveLength(0);
  });

  it('lets any other parser failure through (a bug, answered 451 by the server)', async () => {
    const t = setup({ parsed: new TypeError('bug') });
    await expect(t.receive()).rejects.toThrow(TypeError);
  });

  it('drops a refused attachment, keeps the mail, and says so in the text and the acknowledgement', async () => {
    const t = setup({
      parsed: mail({
        attachments: [
          { filename: 'photo.png', contentType: 'image/png', content: Uint8Array.from([...PNG_MAGIC, 1, 2]) },
          { filename: '..\\evil.exe', contentType: 'application/octet-stream', content: Uint8Array.from([0x4d, 0x5a]) },
          { filename: 'same.png', contentType: 'image/png', content: Uint8Array.from([...PNG_MAGIC, 1, 2]) },
        ],
      }),
    });
    const { submission } = await t.receive();
    expect(submission.attachments.map((a) => a.originalName)).toEqual(['photo.png']);
    expect(submission.text).toContain('evil.exe（类型不支持');
    expect(t.sent[0]?.mail.text).toContain('- evil.exe：文件类型不支持');
  });

  it('takes at most 20 attachments and names the rest', async () => {
    const attachments = Array.from({ length: 23 }, (_, i) => ({
      filename: `p${i}.png`,
      contentType: 'image/png',
      content: Uint8Array.from([...PNG_MAGIC, ...new Array<number>(i).fill(0)]),
    }));
    const t = setup({ parsed: mail({ attachments }) });
    const { submission } = await t.receive();
    expect(submission.attachments).toHaveLength(20);
    expect(submission.text).toContain('p22.png（超过数量上限');
  });

  it('defers the mail when the attachment store fails', async () => {
    const t = setup({ parsed: mail({ attachments: [{ filename: 'p.png', contentType: 'image/png', content: Uint8Array.from(PNG_MAGIC) }] }) });
    t.attachments.diskFails = true;
    await expect(t.receive()).rejects.toBeInstanceOf(MailTemporaryError);
    expect(t.intake.requests).toHaveLength(0);
  });

  it('defers the mail when intake is unavailable', async () => {
    const t = setup();
    t.intake.failNext = new IntakeUnavailableError('Redis and spool down', 30);
    const err = await t.receive().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailTemporaryError);
    expect((err as MailTemporaryError).retryAfterSeconds).toBe(30);
    expect(t.sent).toHaveLength(0);
  });

  it('files a mail again only once: same bytes, or same Message-ID with other bytes', async () => {
    const t = setup();
    const first = await t.receive();
    const again = await t.receive();
    expect(again.duplicate).toBe(true);
    expect(again.submission.id).toBe(first.submission.id);
    expect(again.acknowledgement).toBe('duplicate');
    const rerouted = await t.receive(rawWith('e'));
    expect(rerouted.duplicate).toBe(true);
    expect(rerouted.submission.id).toBe(first.submission.id);
    expect(t.sent).toHaveLength(1);
  });

  it('files a mail without the fields intake refused, and refuses it when that cannot help', async () => {
    const t = setup();
    t.intake.refuse = ['contact.email'];
    const receipt = await t.receive();
    expect(receipt.submission.contact).toEqual({ anonymous: true });
    expect(t.intake.requests).toHaveLength(2);

    const u = setup();
    u.intake.failNext = new SubmissionInvalidError([{ field: 'channel', message: 'unknown' }]);
    await expect(u.receive()).rejects.toBeInstanceOf(MailRefusedError);
  });

  it('records auto-replies with their flag and does not answer them', async () => {
    const t = setup({ parsed: mail({ headers: new Map([['auto-submitted', ['auto-replied']]]) }) });
    const receipt = await t.receive();
    expect(receipt.autoReply).toBe('auto-submitted');
    expect(receipt.acknowledgement).toBe('auto-reply');
    expect(receipt.submission.hints.autoReply).toEqual({ reason: 'auto-submitted' });
    expect(t.sent).toHaveLength(0);
  });

  it('says no-relay when there is nobody to send acknowledgements through', async () => {
    const t = setup({ relay: false });
    expect((await t.receive()).acknowledgement).toBe('no-relay');
    // The Message-ID is still remembered, so replies thread.
    expect(t.threads.map.has('m1@example.cn')).toBe(true);
  });

  it('tells the citizen the emergency line when the text reads like one', async () => {
    const t = setup({ parsed: mail({ subject: '楼下着火了', text: '楼下着火了，有很多烟' }) });
    const { submission } = await t.receive();
    expect(submission.hints.emergency?.line).toBe('119');
    expect(t.sent[0]?.mail.text).toContain('119（火警）');
  });

  describe('repeats', () => {
    async function withFirst() {
      const t = setup();
      t.intake.detectRepeats = true;
      const first = (await t.receive()).submission;
      t.sent.length = 0;
      return { t, first };
    }

    it('answer a repeat with the first request\'s progress, and its own ticket', async () => {
      const { t, first } = await withFirst();
      t.intake.histories.set(first.id, [
        { status: 'received', at: first.receivedAt },
        { status: 'accepted', at: '2024-05-06T02:00:00.000Z', note: '已转东城区城管委' },
      ]);
      t.setParsed(mail({ messageId: 'again@example.cn' }));
      const { submission } = await t.receive(rawWith('a'));
      expect(submission.hints.repeatOf).toEqual({ id: first.id, ticket: first.ticket });
      const ack = t.sent[0]?.mail;
      expect(ack?.subject).toBe(`Re: 路灯坏了 [12345-${submission.ticket}]`);
      expect(ack?.text).toContain(`工单号 ${first.ticket}（北京时间 2024-05-06 09:30 收到），目前状态：已受理（最新说明：已转东城区城管委）`);
      expect(ack?.text).toContain(`ticket ${first.ticket}, received 2024-05-06 09:30 Beijing time; status: accepted`);
    });

    it('still name the first ticket when intake cannot be read, and the mail is filed', async () => {
      const { t, first } = await withFirst();
      t.intake.lookupsFail = true;
      t.setParsed(mail({ messageId: 'again@example.cn' }));
      const receipt = await t.receive(rawWith('a'));
      expect(receipt.acknowledgement).toBe('queued');
      expect(t.sent[0]?.mail.text).toContain(`工单号 ${first.ticket}（办理进度暂时无法查询）`);
    });

    it('are not told to another address than the one the request is filed under (a Reply-To elsewhere)', async () => {
      const { t, first } = await withFirst();
      t.setParsed(mail({ messageId: 'probe@example.cn', replyTo: { address: 'someone.else@example.org' } }));
      const { submission } = await t.receive(rawWith('b'));
      expect(submission.hints.repeatOf?.id).toBe(first.id);
      expect(t.sent[0]?.mail.to).toBe('someone.else@example.org');
      expect(t.sent[0]?.mail.text).not.toContain(first.ticket);
      expect(t.sent[0]?.mail.text).toContain(`工单号：${submission.ticket}`);
    });
  });

  describe('threads', () => {
    async function withRoot() {
      const t = setup();
      const root = (await t.receive()).submission;
      t.sent.length = 0;
      return { t, root };
    }

    it('by the Message-ID a reply answers', async () => {
      const { t, root } = await withRoot();
      t.setParsed(mail({ messageId: 'reply@example.cn', inReplyTo: ['ack-1@hotline.example'], subject: 'Re: 路灯坏了', text: '还没修\n\nOn Mon wrote:\n> old' }));
      const { submission } = await t.receive(rawWith('f'));
      expect(submission.refs.followUpOf).toBe(root.id);
      expect(submission.text).toBe('Re: 路灯坏了\n\n还没修');
      expect(t.sent[0]?.mail.subject).toBe(`Re: 路灯坏了 [12345-${root.ticket}]`);
      expect(t.sent[0]?.mail.text).toContain(`已并入工单 ${root.ticket}`);
      expect(t.threads.map.get('reply@example.cn')).toEqual({ id: root.id, ticket: root.ticket });
    });

    it('by the ticket in the subject, from the same sender, up to the thread root', async () => {
      const { t, root } = await withRoot();
      t.setParsed(mail({ messageId: 'second@example.cn', subject: `工单 ${root.ticket}` }));
      const second = (await t.receive(rawWith('1'))).submission;
      expect(second.refs.followUpOf).toBe(root.id);
      // Naming the follow-up's own ticket still leads to the first request.
      t.setParsed(mail({ messageId: 'third@example.cn', subject: `[12345-${second.ticket}]`, from: { address: 'CITIZEN@example.cn' } }));
      expect((await t.receive(rawWith('2'))).submission.refs.followUpOf).toBe(root.id);
    });

    it('not by a ticket from another sender', async () => {
      const { t, root } = await withRoot();
      t.setParsed(mail({ messageId: 'other@example.org', subject: `工单 ${root.ticket}`, from: { address: 'other@example.org' } }));
      expect((await t.receive(rawWith('3'))).submission.refs.followUpOf).toBeUndefined();
    });

    it('falls back to the subject when the index is down, and to a new request when intake lookups are', async () => {
      const { t, root } = await withRoot();
      t.threads.fails = true;
      t.setParsed(mail({ messageId: 'r2@example.cn', inReplyTo: ['ack-1@hotline.example'], subject: `Re: [12345-${root.ticket}]` }));
      const viaSubject = await t.receive(rawWith('4'));
      expect(viaSubject.submission.refs.followUpOf).toBe(root.id);
      expect(viaSubject.acknowledgement).toBe('queued');

      t.intake.lookupsFail = true;
      t.setParsed(mail({ messageId: 'r3@example.cn', inReplyTo: ['ack-1@hotline.example'], subject: `Re: [12345-${root.ticket}]` }));
      expect((await t.receive(rawWith('5'))).submission.refs.followUpOf).toBeUndefined();
    });
  });
});

describe('EmailIntake: status and rating mails', () => {
  async function filedRequest() {
    const t = setup();
    const receipt = await t.receive();
    const ack = t.sent[0]?.mail;
    return { t, submission: receipt.submission, ack, pin: await t.access.pinOf(receipt.submission.ticket) };
  }

  it('gives the PIN in the acknowledgement of a new request, and not in a follow-up\'s', async () => {
    const { t, submission, ack, pin } = await filedRequest();
    expect(ack?.text).toContain(`工单号：${submission.ticket}，查询码：${pin}。`);
    expect(ack?.text).toContain(`Your ticket number is ${submission.ticket}, and its PIN is ${pin}.`);
    t.setParsed(mail({ messageId: 'm2@example.cn', inReplyTo: [ack?.messageId ?? ''], subject: `Re: ${ack?.subject}`, text: '还有一盏也坏了' }));
    await t.receive(rawWith('e'));
    expect(t.sent[1]?.mail.text).not.toContain(pin);
  });

  it('answers the sender of a reply that says "查询" with the status, files nothing, and threads the answer', async () => {
    const { t, submission, ack } = await filedRequest();
    t.setParsed(mail({ messageId: 'ask@example.cn', inReplyTo: [ack?.messageId ?? ''], subject: `Re: ${ack?.subject}`, text: '查询\n\n> 您好！' }));
    const receipt = await t.receiveAny(rawWith('e'));
    expect(receipt).toEqual({ kind: 'case-request', request: 'status', outcome: 'granted', answer: 'queued' });
    expect(t.intake.requests).toHaveLength(1);
    const answer = t.sent[1]?.mail;
    expect(answer).toMatchObject({ to: 'citizen@example.cn', subject: `Re: 路灯坏了 [12345-${submission.ticket}]`, inReplyTo: 'ask@example.cn' });
    expect(answer?.text).toContain(`工单 ${submission.ticket}：已接收`);
    expect(t.threads.map.get(answer?.messageId ?? '')).toEqual({ id: submission.id, ticket: submission.ticket });
  });

  it('answers a status mail from a sender past its hourly budget, and refuses that sender\'s next request', async () => {
    const refusing: Pick<FairUse, 'admit'> = {
      admit: async () => ({ admitted: false, refusal: { submitter: { kind: 'email', value: 'citizen@example.cn' }, limit: 1, retryAfterSeconds: 1800 } }) as never,
    };
    const t = setup({ fairUse: refusing });
    t.setParsed(mail({ messageId: 'ask-limited@example.cn', subject: 'status 100000000008', text: '' }));
    // A status question is no submission: it is answered (here: a PIN is needed), never refused with 451.
    expect(await t.receiveAny(rawWith('s'))).toMatchObject({ kind: 'case-request', request: 'status' });
    t.setParsed(mail({ messageId: 'new-limited@example.cn', text: '路灯又坏了' }));
    await expect(t.receiveAny(rawWith('n'))).rejects.toBeInstanceOf(MailLimitedError);
    expect(t.intake.requests).toHaveLength(0);
  });

  it('takes the case from the subject tag when the reply\'s client dropped In-Reply-To', async () => {
    const { t, submission } = await filedRequest();
    t.setParsed(mail({ messageId: 'tagged@example.cn', subject: `回复：路灯坏了 [12345-${submission.ticket}]`, text: 'status' }));
    expect(await t.receiveAny(rawWith('e'))).toMatchObject({ request: 'status', outcome: 'granted' });
    expect(t.sent[1]?.mail.text).toContain(`Ticket ${submission.ticket}: received`);
  });

  it('answers the From address, never Reply-To, and asks another sender for the PIN', async () => {
    const { t, submission, pin } = await filedRequest();
    t.setParsed(mail({ messageId: 'x1@example.org', subject: `status ${submission.ticket}`, text: '', from: { address: 'other@example.org' }, replyTo: { address: 'citizen@example.cn' } }));
    expect(await t.receiveAny(rawWith('e'))).toMatchObject({ outcome: 'proof_needed' });
    expect(t.sent[1]?.mail.to).toBe('other@example.org');
    expect(t.sent[1]?.mail.text).toContain(`请写“查询 ${submission.ticket} 查询码”`);
    t.setParsed(mail({ messageId: 'x2@example.org', subject: `status ${submission.ticket} ${pin}`, text: '', from: { address: 'other@example.org' } }));
    expect(await t.receiveAny(rawWith('f'))).toMatchObject({ outcome: 'granted' });
    expect(t.sent[2]?.mail.text).toContain(`Ticket ${submission.ticket}: received`);
    expect(t.intake.requests).toHaveLength(1);
  });

  it('rates by mail once the case is resolved', async () => {
    const { t, submission, ack } = await filedRequest();
    t.intake.histories.set(submission.id, [{ status: 'resolved', at: '2024-05-07T01:00:00.000Z' }]);
    t.setParsed(mail({ messageId: 'r1@example.cn', inReplyTo: [ack?.messageId ?? ''], subject: `Re: ${ack?.subject}`, text: '评价 4' }));
    expect(await t.receiveAny(rawWith('e'))).toMatchObject({ request: 'rate', outcome: 'rated' });
    expect(t.intake.ratings.get(submission.id)).toMatchObject({ score: 4 });
    expect(t.sent[1]?.mail.text).toContain(`感谢您的评价！工单 ${submission.ticket} 的评分（4分）已记录。`);
    t.setParsed(mail({ messageId: 'r2@example.cn', subject: `rate ${submission.ticket} 1`, text: '' }));
    expect(await t.receiveAny(rawWith('f'))).toMatchObject({ outcome: 'refused' });
    expect(t.intake.ratings.get(submission.id)).toMatchObject({ score: 4 });
  });

  it('files an auto-reply that reads like a status request, without answering it', async () => {
    const { t, submission } = await filedRequest();
    t.setParsed(mail({ messageId: 'ooo@example.cn', subject: `自动回复: status ${submission.ticket}`, text: `status ${submission.ticket}`, headers: new Map([['auto-submitted', ['auto-replied']]]) }));
    const receipt = await t.receive(rawWith('e'));
    expect(receipt.autoReply).toBe('auto-submitted');
    expect(t.sent).toHaveLength(1);
  });

  it('files a status request when no relay could answer it, and defers it while intake cannot be read', async () => {
    const t = setup({ relay: false, parsed: mail({ subject: `status ${ticketFromSequence(1)}`, text: '' }) });
    expect((await t.receive()).submission.channel).toBe('email');
    const u = setup({ parsed: mail({ subject: `status ${ticketFromSequence(1)}`, text: '' }) });
    u.intake.lookupsFail = true;
    await expect(u.receiveAny()).rejects.toBeInstanceOf(MailTemporaryError);
  });
});
