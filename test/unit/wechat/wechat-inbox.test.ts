// The channel's decisions with in-memory ports: an intake that keeps submissions in a map (normalised by the real
// domain code) and a conversation store with a hand-driven clock. The Redis-backed versions are exercised in
// test/integration/wechat.
import { describe, expect, it } from 'vitest';
import { IdempotencyConflictError, IntakeUnavailableError, SubmissionInvalidError } from '../../../src/app/intake/intake-ports.js';
import type { Intake, IntakeRecord, SubmitOutcome, SubmitRequest } from '../../../src/app/intake/intake-ports.js';
import { WechatInbox } from '../../../src/app/wechat/wechat-inbox.js';
import type { WechatAnswer } from '../../../src/app/wechat/wechat-inbox.js';
import type { ConversationStore, Entered, MediaFetchRequest, MediaQueue, OpenRequest, PendingRating, WindowEntry } from '../../../src/app/wechat/wechat-ports.js';
import { normaliseSubmission } from '../../../src/domain/intake/normalise.js';
import { findRepeat } from '../../../src/domain/intake/repeat.js';
import type { Location, Submission } from '../../../src/domain/intake/submission.js';
import { ticketFromSequence } from '../../../src/domain/intake/ticket.js';
import type { WechatMessage } from '../../../src/domain/wechat/wechat-message.js';
import type { Rating } from '../../../src/domain/intake/submission.js';
import { testCaseAccess } from '../../support/case-access.js';
import type { DispositionTexts } from '../../../src/domain/dispositions/dispositions.js';

class MemoryIntake implements Intake {
  readonly byKey = new Map<string, { fingerprint: string; submission: Submission }>();
  readonly byId = new Map<string, IntakeRecord>();
  private seq = 0;
  failNext: Error | null = null;
  /** Mark a submission that repeats an earlier one (`hints.repeatOf`), as intake does. */
  detectRepeats = false;
  /** `get` fails as when Redis is down; submitting still works. */
  getFails = false;

  async submit(request: SubmitRequest): Promise<SubmitOutcome> {
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
    this.seq++;
    const result = normaliseSubmission(request.draft, {
      id: `01J0000000000000000000${String(this.seq).padStart(4, '0')}`,
      ticket: ticketFromSequence(this.seq),
      receivedAt: new Date(1_714_037_059_000 + this.seq).toISOString(),
    });
    if (!result.ok) throw new SubmissionInvalidError(result.problems);
    const repeatOf = this.detectRepeats ? findRepeat(result.submission, this.submissions()) : null;
    const submission: Submission = repeatOf === null ? result.submission : { ...result.submission, hints: { ...result.submission.hints, repeatOf } };
    this.byKey.set(request.dedupKey, { fingerprint: request.fingerprint, submission });
    this.byId.set(submission.id, { submission, history: [{ status: 'received', at: submission.receivedAt }] });
    return { submission, duplicate: false, durability: 'queued' };
  }

  async get(id: string): Promise<IntakeRecord | null> {
    if (this.getFails) throw new IntakeUnavailableError('Redis is down', 5);
    return this.byId.get(id) ?? null;
  }

  async getByTicket(ticket: string): Promise<IntakeRecord | null> {
    return [...this.byId.values()].find((r) => r.submission.ticket === ticket) ?? null;
  }

  async find(): Promise<IntakeRecord[]> {
    return [...this.byId.values()];
  }

  async updateStatus(id: string, entry: IntakeRecord['history'][number]): Promise<IntakeRecord | null> {
    const record = this.byId.get(id);
    if (record === undefined) return null;
    const updated = { ...record, history: [...record.history, entry] };
    this.byId.set(id, updated);
    return updated;
  }

  async rate(id: string, rating: Rating): Promise<IntakeRecord | null> {
    const record = this.byId.get(id);
    if (record === undefined) return null;
    if (record.rating !== undefined) return record;
    const rated = { ...record, rating };
    this.byId.set(id, rated);
    return rated;
  }

  submissions(): Submission[] {
    return [...this.byId.values()].map((r) => r.submission);
  }
}

class MemoryConversations implements ConversationStore {
  nowMs = 0;
  failing = false;
  /** Reported locations read, with an enter or alone. */
  locationReads = 0;
  readonly windows = new Map<string, { value: { claim: string } | { request: OpenRequest }; until: number }>();
  readonly locations = new Map<string, { location: Location; until: number }>();
  readonly ratings = new Map<string, { pending: PendingRating; until: number }>();

  async enter(openId: string, dedupKey: string, windowMs: number, withLocation = false): Promise<Entered> {
    this.check();
    return { entry: this.windowEntry(openId, dedupKey, windowMs), reportedLocation: withLocation ? this.location(openId) : null };
  }

  private windowEntry(openId: string, dedupKey: string, windowMs: number): WindowEntry {
    const entry = this.windows.get(openId);
    if (entry !== undefined && entry.until > this.nowMs) {
      if ('request' in entry.value) {
        entry.until = this.nowMs + windowMs;
        return { kind: 'open', request: entry.value.request };
      }
      return entry.value.claim === dedupKey ? { kind: 'claimed' } : { kind: 'busy' };
    }
    this.windows.set(openId, { value: { claim: dedupKey }, until: this.nowMs + 30_000 });
    return { kind: 'claimed' };
  }

  async open(openId: string, request: OpenRequest, windowMs: number): Promise<void> {
    this.check();
    this.windows.set(openId, { value: { request }, until: this.nowMs + windowMs });
  }

  async abandon(openId: string, dedupKey: string): Promise<void> {
    this.check();
    const entry = this.windows.get(openId);
    if (entry !== undefined && 'claim' in entry.value && entry.value.claim === dedupKey) this.windows.delete(openId);
  }

  async rememberLocation(openId: string, location: Location, ttlMs: number): Promise<void> {
    this.check();
    this.locations.set(openId, { location, until: this.nowMs + ttlMs });
  }

  async reportedLocation(openId: string): Promise<Location | null> {
    this.check();
    return this.location(openId);
  }

  private location(openId: string): Location | null {
    this.locationReads++;
    const entry = this.locations.get(openId);
    return entry !== undefined && entry.until > this.nowMs ? entry.location : null;
  }

  async rememberRating(openId: string, pending: PendingRating, ttlMs: number): Promise<void> {
    this.check();
    this.ratings.set(openId, { pending, until: this.nowMs + ttlMs });
  }

  async pendingRating(openId: string): Promise<PendingRating | null> {
    this.check();
    const entry = this.ratings.get(openId);
    return entry !== undefined && entry.until > this.nowMs ? entry.pending : null;
  }

  async forgetRating(openId: string): Promise<void> {
    this.check();
    this.ratings.delete(openId);
  }

  async forget(openId: string): Promise<void> {
    this.check();
    this.windows.delete(openId);
    this.locations.delete(openId);
    this.ratings.delete(openId);
  }

  private check(): void {
    if (this.failing) throw new Error('conversation store down');
  }
}

class MemoryMedia implements MediaQueue {
  readonly requests: MediaFetchRequest[] = [];
  async enqueue(request: MediaFetchRequest): Promise<'queued'> {
    if (!this.requests.some((r) => r.dedupKey === request.dedupKey)) this.requests.push(request);
    return 'queued';
  }
}

const OPENID = 'oInboxTestOpenId0000000001';
const base = { toUserName: 'gh_0123456789ab', fromUserName: OPENID, createTime: 1_714_037_059 };
let msgSeq = 1000;
const text = (content: string, from = OPENID): WechatMessage => ({ ...base, fromUserName: from, kind: 'text', msgId: String(msgSeq++), content });
const image = (): WechatMessage => ({ ...base, kind: 'image', msgId: String(msgSeq++), picUrl: 'http://mmbiz.qpic.cn/x/0', mediaId: `media-${msgSeq}` });

function setup(options: { mergeWindowMs?: number; dispositions?: DispositionTexts } = {}) {
  const intake = new MemoryIntake();
  const conversations = new MemoryConversations();
  const media = new MemoryMedia();
  const access = testCaseAccess(intake, { clock: { now: () => conversations.nowMs, setTimer: () => ({ cancel: () => undefined }) } });
  const inbox = new WechatInbox({ intake, access, conversations, media, now: () => conversations.nowMs, ...options });
  const handle = async (message: WechatMessage, fingerprint = `fp-${'msgId' in message ? String(message.msgId) : message.kind}`) => {
    let accepted = 0;
    const answer = await inbox.handle(message, { fingerprint, accepted: () => accepted++ });
    return { answer, accepted };
  };
  return { intake, access, conversations, media, inbox, handle };
}

const content = (answer: WechatAnswer): string => (answer.kind === 'text' ? answer.content : 'success');

describe('WechatInbox: where a matter is handled', () => {
  it('adds the where-to-go text of a matter for the courts to the reply, in the citizen\'s language', async () => {
    const texts: DispositionTexts = {
      legalProcedure: { zh: '请向人民法院起诉。', en: 'Please go to court.' },
      outOfScope: { zh: '请向纪检监察机关反映。', en: 'Please contact discipline inspection.' },
      stateSecret: { zh: '请勿提供涉密信息。', en: 'Do not send classified information.' },
    };
    const { handle } = setup({ dispositions: texts });
    expect(content((await handle(text('物业拖欠赔偿，我要去法院起诉'))).answer)).toMatch(/工单号：[0-9]+[\s\S]*\n请向人民法院起诉。$/);
    expect(content((await handle(text('I want to sue my landlord in court', 'oOtherOpenId0000000000000002'))).answer)).toMatch(/\nPlease go to court\.$/);
    expect(content((await handle(text('小区路灯坏了', 'oThirdOpenId0000000000000003'))).answer)).not.toContain('法院');
  });
});

describe('WechatInbox: requests and the merge window', () => {
  it('answers the first message with a new ticket, and joins the next ones to it', async () => {
    const { intake, media, handle } = setup();
    const first = await handle(text('小区门口的路灯坏了一周了'));
    const [root] = intake.submissions();
    expect(first.accepted).toBe(1);
    expect(content(first.answer)).toContain(`工单号：${root?.ticket}`);

    const pictures = [image(), image()];
    for (const picture of pictures) {
      const joined = await handle(picture);
      expect(content(joined.answer)).toBe(`已补充到您的工单 ${root?.ticket}。`);
    }
    const followUps = intake.submissions().slice(1);
    expect(followUps.map((s) => s.refs.followUpOf)).toEqual([root?.id, root?.id]);
    expect(followUps.map((s) => s.text)).toEqual(['[图片]', '[图片]']);
    expect(media.requests.map((r) => r.requestId)).toEqual([root?.id, root?.id]);
    expect(media.requests.map((r) => r.dedupKey)).toEqual(pictures.map((p) => `wechat-media:${(p as { msgId: string }).msgId}`));
  });

  it('opens a new request once the window has passed since the last message', async () => {
    const { intake, conversations, handle } = setup({ mergeWindowMs: 120_000 });
    await handle(text('第一件事：垃圾没人清运'));
    conversations.nowMs += 100_000;
    await handle(text('补充：已经三天了'));
    conversations.nowMs += 100_000; // 200 s after the first, 100 s after the second: still open (sliding)
    await handle(text('再补充：味道很大'));
    conversations.nowMs += 121_000;
    await handle(text('另一件事：公交站牌坏了'));
    const [a, b, c, d] = intake.submissions();
    expect([b?.refs.followUpOf, c?.refs.followUpOf]).toEqual([a?.id, a?.id]);
    expect(d?.refs.followUpOf).toBeUndefined();
    expect(d?.ticket).not.toBe(a?.ticket);
  });

  it('keeps citizens apart', async () => {
    const { intake, handle } = setup();
    await handle(text('路灯坏了'));
    await handle(text('噪音扰民', 'oSomebodyElse000000000000001'));
    expect(intake.submissions().map((s) => s.refs.followUpOf)).toEqual([undefined, undefined]);
  });

  it('gives a retried message (same MsgId) the same ticket without a second submission', async () => {
    const { intake, handle } = setup();
    const message = text('路灯坏了');
    const first = await handle(message);
    const again = await handle(message);
    expect(again.answer).toEqual(first.answer);
    expect(intake.submissions()).toHaveLength(1);
  });

  it('answers a retried follow-up with its request\'s ticket, even after the window moved on', async () => {
    const { intake, conversations, handle } = setup();
    await handle(text('路灯坏了'));
    const followUp = text('补充：在3号楼门口');
    const first = await handle(followUp);
    conversations.nowMs += 10 * 60_000;
    await handle(text('另一件事'));
    const retried = await handle(followUp);
    expect(retried.answer).toEqual(first.answer);
    expect(intake.submissions()).toHaveLength(3);
  });

  it('serialises one citizen\'s concurrent messages so that the first opens the request', async () => {
    const { intake, handle } = setup();
    const answers = await Promise.all([handle(text('路灯坏了')), handle(image()), handle(image())]);
    const [root, ...rest] = intake.submissions();
    expect(rest.map((s) => s.refs.followUpOf)).toEqual([root?.id, root?.id]);
    expect(answers.every((a) => content(a.answer).includes(root?.ticket ?? '?'))).toBe(true);
  });

  it('makes a message naming the citizen\'s own ticket a follow-up of that request, but not a stranger\'s', async () => {
    const { intake, conversations, handle } = setup();
    await handle(text('路灯坏了'));
    const [mine] = intake.submissions();
    await handle(text('楼道堆物', 'oSomebodyElse000000000000001'));
    const theirs = intake.submissions()[1];
    conversations.nowMs += 60 * 60_000;
    await handle(text(`关于工单${mine?.ticket}，还是没有人来修`));
    await handle(text(`我看到工单${theirs?.ticket}也没处理`, 'oThirdPerson0000000000000001'));
    const [, , named, stranger] = intake.submissions();
    expect(named?.refs.followUpOf).toBe(mine?.id);
    expect(stranger?.refs.followUpOf).toBeUndefined();
  });

  it('tells of an emergency before anything else, in the citizen\'s language', async () => {
    const { handle } = setup();
    const zh = await handle(text('楼下着火了，有人被困'));
    expect(content(zh.answer).startsWith('如有人身或财产危险，请立即拨打火警电话 119')).toBe(true);
    const en = await handle(text('There is a car crash on the ring road, people are hurt', 'oEnglishSpeaker00000000000001'));
    expect(content(en.answer)).toMatch(/^If anyone is in danger, call the traffic police on 122 now\.\nWe have received your request\. Ticket number: \d+/);
  });

  it('uses the location the citizen reported for their next message, and forgets it when they unfollow', async () => {
    const { intake, handle } = setup();
    await handle({ ...base, kind: 'location-event', lat: 39.9, lon: 116.4, precision: 30 });
    await handle(text('这里的井盖丢了'));
    expect(intake.submissions()[0]?.location).toEqual({ lat: 39.9, lon: 116.4 });
    await handle({ ...base, kind: 'unsubscribe', createTime: base.createTime + 1 });
    await handle(text('另一个井盖也丢了', OPENID));
    expect(intake.submissions()[1]?.location).toBeUndefined();
  });

  it('reads the reported location once per message, with the window, alone when a ticket is named, not for a location message', async () => {
    const { intake, conversations, handle } = setup();
    await handle({ ...base, kind: 'location-event', lat: 39.9, lon: 116.4, precision: 30 });
    await handle(text('这里的井盖丢了'));
    expect(conversations.locationReads).toBe(1);
    const ticket = intake.submissions()[0]?.ticket;
    await handle(text(`关于工单${ticket}，井盖还是没有`));
    expect(conversations.locationReads).toBe(2);
    await handle({ ...base, kind: 'location', msgId: String(msgSeq++), lat: 31.2, lon: 121.5, label: '南京路' });
    expect(conversations.locationReads).toBe(2);
    expect(intake.submissions().map((s) => s.location)).toEqual([
      { lat: 39.9, lon: 116.4 },
      { lat: 39.9, lon: 116.4 },
      { lat: 31.2, lon: 121.5, address: '南京路' },
    ]);
  });

  it('takes a message without its reported location when entering the window fails, as its own request', async () => {
    const { intake, conversations, handle } = setup();
    await handle({ ...base, kind: 'location-event', lat: 39.9, lon: 116.4, precision: 30 });
    await handle(text('这里的井盖丢了'));
    conversations.failing = true;
    const second = await handle(text('旁边的井盖也丢了'));
    expect(content(second.answer)).toContain('工单号');
    expect(intake.submissions().map((s) => [s.refs.followUpOf, s.location])).toEqual([
      [undefined, { lat: 39.9, lon: 116.4 }],
      [undefined, undefined],
    ]);
  });
});

describe('WechatInbox: repeated requests', () => {
  it('answers a repeat with the first request\'s ticket and progress, then the new ticket, in the citizen\'s language', async () => {
    const { intake, access, handle } = setup({ mergeWindowMs: 0 });
    intake.detectRepeats = true;
    await handle(text('小区门口的路灯坏了一周了'));
    const [first] = intake.submissions();
    await intake.updateStatus(first?.id ?? '', { status: 'accepted', at: '2024-04-25T10:00:00.000Z', note: '已转东城区城管委' });
    const again = await handle(text('小区门口的路灯坏了一周了！'));
    const second = intake.submissions()[1];
    expect(second?.hints.repeatOf).toEqual({ id: first?.id, ticket: first?.ticket });
    expect(content(again.answer)).toBe(
      `您此前已提出过相同的诉求，工单号 ${first?.ticket}（北京时间 2024-04-25 17:24 收到），目前状态：已受理（最新说明：已转东城区城管委）。` +
        '本次提交已关联到该工单一并办理；如有新的情况，请补充说明。\n' +
        `本次消息的工单号：${second?.ticket}，查询码：${await access.pinOf(second?.ticket ?? '')}（请妥善保存，在网站、电话或其他微信号查询进度时需要）。` +
        `发送“查询 ${first?.ticket}”可查看原工单的办理进度。`,
    );

    const english = 'oEnglishSpeaker00000000000001';
    await handle(text('The street light at the gate has been broken for a week', english));
    const en = await handle(text('The street light at the gate has been broken for a week.', english));
    const [, , enFirst, enSecond] = intake.submissions();
    expect(content(en.answer)).toMatch(new RegExp(`^You made the same request before: ticket ${enFirst?.ticket}, received .+ Beijing time; status: received\\. `));
    expect(content(en.answer)).toContain(`This message's ticket number is ${enSecond?.ticket} (PIN ${await access.pinOf(enSecond?.ticket ?? '')}: keep it`);
    expect(content(en.answer)).toContain(`Send "status ${enFirst?.ticket}"`);
  });

  it('puts the emergency line first, and stays within what WeChat shows of a reply', async () => {
    const { intake, handle } = setup({ mergeWindowMs: 0 });
    intake.detectRepeats = true;
    await handle(text('楼下着火了，有人被困'));
    const [first] = intake.submissions();
    await intake.updateStatus(first?.id ?? '', { status: 'in_progress', at: '2024-04-25T10:00:00.000Z', note: '说'.repeat(1000) });
    const again = content((await handle(text('楼下着火了，有人被困'))).answer);
    expect(again.startsWith('如有人身或财产危险，请立即拨打火警电话 119。\n您此前已提出过相同的诉求')).toBe(true);
    expect(Buffer.byteLength(again, 'utf8')).toBeLessThan(2048);
  });

  it('answers a follow-up in the window as a follow-up, even when it repeats the request', async () => {
    const { intake, handle } = setup();
    intake.detectRepeats = true;
    await handle(text('小区门口的路灯坏了一周了'));
    const again = await handle(text('小区门口的路灯坏了一周了'));
    const [first] = intake.submissions();
    expect(content(again.answer)).toBe(`已补充到您的工单 ${first?.ticket}。`);
  });

  it('still names the first ticket when the first request cannot be read', async () => {
    const { intake, handle } = setup({ mergeWindowMs: 0 });
    intake.detectRepeats = true;
    await handle(text('小区门口的路灯坏了一周了'));
    intake.getFails = true;
    const again = await handle(text('小区门口的路灯坏了一周了'));
    const [first, second] = intake.submissions();
    expect(again.accepted).toBe(1);
    expect(content(again.answer)).toContain(`工单号 ${first?.ticket}（办理进度暂时无法查询）`);
    expect(content(again.answer)).toContain(`本次消息的工单号：${second?.ticket}`);
  });
});

describe('WechatInbox: status questions', () => {
  it('answers the openid that filed the request with its status in the shared wording, without submitting anything', async () => {
    const { intake, handle } = setup();
    const filed = await handle(text('路灯坏了'));
    const [root] = intake.submissions();
    expect(content(filed.answer)).toMatch(new RegExp(`工单号：${root?.ticket}，查询码：[0-9]{6}（`));
    await intake.updateStatus(root?.id ?? '', { status: 'in_progress', at: '2024-05-01T02:30:00.000Z', note: '已派单至城管' });
    const asked = await handle(text(`查询 ${root?.ticket}`));
    expect(asked.accepted).toBe(1);
    expect(content(asked.answer)).toBe(`工单 ${root?.ticket}：办理中（更新于北京时间 2024-05-01 10:30）。您的诉求正在办理中。\n说明：已派单至城管`);
    const english = await handle(text(`status ${root?.ticket}`));
    expect(content(english.answer)).toContain(`Ticket ${root?.ticket}: in progress (updated 2024-05-01 10:30 Beijing time). Your request is being handled.`);
    expect(intake.submissions()).toHaveLength(1);
  });

  it('asks another openid for the PIN, in the same words whether the ticket exists or not', async () => {
    const { intake, access, handle } = setup();
    await handle(text('路灯坏了'));
    const ticket = intake.submissions()[0]?.ticket ?? '';
    const stranger = 'oStrangerOpenId000000000001';
    const known = content((await handle(text(`查询 ${ticket}`, stranger))).answer);
    expect(known).toBe(`查询工单 ${ticket} 的进度需要验证：请发送“查询 ${ticket} 查询码”（查询码是提交时随工单号给您的6位数字），或“查询 ${ticket} 手机号后4位”。也可拨打12345查询。`);
    const unknown = ticketFromSequence(999);
    expect(content((await handle(text(`查询 ${unknown}`, stranger))).answer)).toBe(known.replaceAll(ticket, unknown));
    expect(content((await handle(text(`查询 ${unknown}`))).answer)).toBe(known.replaceAll(ticket, unknown));
    const pin = await access.pinOf(ticket);
    expect(content((await handle(text(`查询 ${ticket} ${pin}`, stranger))).answer)).toContain(`工单 ${ticket}：已接收`);
    expect(content((await handle(text(`status ${ticket} PIN ${pin}`, stranger))).answer)).toContain(`Ticket ${ticket}: received`);
    expect(intake.submissions()).toHaveLength(1);
  });

  it('refuses a wrong PIN, then locks the ticket for a while after five', async () => {
    const { intake, access, handle } = setup();
    await handle(text('路灯坏了'));
    const ticket = intake.submissions()[0]?.ticket ?? '';
    const pin = await access.pinOf(ticket);
    const wrong = String((Number(pin) + 1) % 1_000_000).padStart(6, '0');
    const stranger = 'oStrangerOpenId000000000001';
    for (let i = 0; i < 5; i++) {
      expect(content((await handle(text(`查询 ${ticket} ${wrong}`, stranger))).answer)).toBe('工单号与查询码（或手机号后4位）不符，请核对后再试。');
    }
    expect(content((await handle(text(`查询 ${ticket} ${pin}`, stranger))).answer)).toMatch(/^验证失败次数过多，请约\d+小时后再试，或拨打12345。$/);
    expect(content((await handle(text(`status ${ticket} ${pin}`, 'oThirdOpenId0000000000000001'))).answer)).toMatch(/^Too many wrong attempts\. Please try again in about \d+ hours, or call 12345\.$/);
    // The citizen's own account needs no typed proof, so the lock is not in their way.
    expect(content((await handle(text(`查询 ${ticket}`))).answer)).toContain(`工单 ${ticket}：已接收`);
  });

  it('says when a ticket is mistyped', async () => {
    const { handle } = setup();
    expect(content((await handle(text('查询 123456781'))).answer)).toContain('工单号有误');
  });

  it('understands a status question spoken in a voice message', async () => {
    const { intake, handle } = setup();
    await handle(text('路灯坏了'));
    const ticket = intake.submissions()[0]?.ticket ?? '';
    const voice: WechatMessage = { ...base, kind: 'voice', msgId: String(msgSeq++), mediaId: 'm', format: 'amr', recognition: `查询${ticket}` };
    expect(content((await handle(voice)).answer)).toContain(`工单 ${ticket}：已接收`);
  });
});

describe('WechatInbox: rating by reply', () => {
  it('invites a rating for a resolved case, and takes "评价 5" within the window', async () => {
    const { intake, conversations, handle } = setup();
    await handle(text('路灯坏了'));
    const [root] = intake.submissions();
    const ticket = root?.ticket ?? '';
    expect(content((await handle(text('评价 5'))).answer)).toBe('评价请发送“评价 工单号 分数”，例如“评价 123456789012 5”（1至5分，5分为非常满意）。');
    expect(content((await handle(text(`查询 ${ticket}`))).answer)).not.toContain('评价');
    expect(content((await handle(text(`评价 ${ticket} 4`))).answer)).toBe(`工单 ${ticket} 目前状态为“已接收”，办结后才能评价。`);
    await intake.updateStatus(root?.id ?? '', { status: 'resolved', at: '2024-05-02T02:30:00.000Z', note: '路灯已修复' });
    const status = content((await handle(text(`查询 ${ticket}`))).answer);
    expect(status).toContain('您的诉求已办结。');
    expect(status.endsWith('请对办理结果作出评价：30分钟内回复“评价 1”（非常不满意）至“评价 5”（非常满意）。')).toBe(true);
    conversations.nowMs += 10 * 60_000;
    const rated = await handle(text('评价 5分'));
    expect(rated.accepted).toBe(1);
    expect(content(rated.answer)).toBe(`感谢您的评价！工单 ${ticket} 的评分（5分）已记录。`);
    expect((await intake.get(root?.id ?? ''))?.rating).toMatchObject({ score: 5 });
    expect(content((await handle(text(`评价 ${ticket} 1`))).answer)).toBe(`工单 ${ticket} 已评价过，每个工单只能评价一次。`);
    expect(content((await handle(text(`查询 ${ticket}`))).answer)).toContain('您已对办理结果评价：5分（满分5分）。');
    expect(intake.submissions()).toHaveLength(1);
  });

  it('forgets the invitation after the window, and rates with the PIN a citizen checked with on another account', async () => {
    const { intake, access, conversations, handle } = setup();
    await handle(text('路灯坏了'));
    const [root] = intake.submissions();
    const ticket = root?.ticket ?? '';
    await intake.updateStatus(root?.id ?? '', { status: 'closed', at: '2024-05-02T02:30:00.000Z' });
    const other = 'oFamilyMemberOpenId00000001';
    await handle(text(`查询 ${ticket} ${await access.pinOf(ticket)}`, other));
    conversations.nowMs += 31 * 60_000;
    expect(content((await handle(text('rate 3', other))).answer)).toBe('To rate a request, send "rate <ticket number> <1-5>", e.g. "rate 123456789012 5" (5 is very satisfied).');
    expect(content((await handle(text(`rate ${ticket} 3`, other))).answer)).toContain(`To see the progress of ticket ${ticket}, add the PIN`);
    await handle(text(`status ${ticket} ${await access.pinOf(ticket)}`, other));
    expect(content((await handle(text('rate 3', other))).answer)).toBe(`Thank you. Your rating of 3 out of 5 for ticket ${ticket} has been recorded.`);
    expect((await intake.get(root?.id ?? ''))?.rating).toMatchObject({ score: 3 });
  });

  it('takes a message that only starts with a rating word as a request', async () => {
    const { intake, handle } = setup();
    await handle(text('评价一下你们的服务，差评 1'));
    expect(intake.submissions()).toHaveLength(1);
    expect(content((await handle(text('评价 9'))).answer)).toContain('1至5分');
  });
});

describe('WechatInbox: events', () => {
  it('welcomes, explains, remembers and ignores as each event deserves', async () => {
    const { conversations, handle } = setup();
    expect(content((await handle({ ...base, kind: 'subscribe' })).answer)).toMatch(/^欢迎关注！Welcome!/);
    expect(content((await handle({ ...base, kind: 'click', eventKey: 'HELP' })).answer)).toContain('查询 工单号');
    expect((await handle({ ...base, kind: 'unsubscribe' })).answer).toEqual({ kind: 'success' });
    const unknown = await handle({ ...base, kind: 'unknown', msgType: 'event', event: 'VIEW' });
    expect(unknown).toEqual({ answer: { kind: 'success' }, accepted: 1 });
    const report = { ...base, kind: 'location-event' as const, lat: 10, lon: 20, createTime: base.createTime + 5 };
    await handle(report);
    conversations.locations.clear();
    await handle(report); // WeChat's retry of the same event: not applied again
    expect(conversations.locations.size).toBe(0);
  });
});

describe('WechatInbox: failures', () => {
  it('rejects when intake cannot keep the message, without answering and without holding the window', async () => {
    const { intake, handle } = setup();
    intake.failNext = new IntakeUnavailableError('down', 30);
    let accepted = 0;
    await expect(
      setupInbox(intake).handle(text('路灯坏了'), { fingerprint: 'x', accepted: () => accepted++ }),
    ).rejects.toBeInstanceOf(IntakeUnavailableError);
    expect(accepted).toBe(0);
    const retried = await handle(text('路灯坏了'));
    expect(content(retried.answer)).toContain('工单号');
  });

  it('abandons its claim when intake fails, so the next message opens the request', async () => {
    const { intake, conversations, handle } = setup();
    intake.failNext = new IntakeUnavailableError('down', 30);
    await expect(handle(text('路灯坏了'))).rejects.toBeInstanceOf(IntakeUnavailableError);
    expect(conversations.windows.size).toBe(0);
    await handle(text('路灯坏了'));
    expect(intake.submissions()[0]?.refs.followUpOf).toBeUndefined();
  });

  it('says so when intake refuses the message, and answers success to a reused MsgId', async () => {
    const { intake, handle } = setup();
    intake.failNext = new SubmissionInvalidError([{ field: 'text', message: 'too long' }]);
    const refused = await handle(text('路灯坏了，很危险'));
    expect(refused.accepted).toBe(1);
    expect(content(refused.answer)).toContain('未能受理');
    const message = text('路灯坏了');
    await handle(message, 'fp-a');
    expect(await handle(message, 'fp-b')).toEqual({ answer: { kind: 'success' }, accepted: 1 });
  });

  it('still takes messages when the conversation store is down, each as its own request', async () => {
    const { intake, conversations, handle } = setup();
    conversations.failing = true;
    await handle(text('路灯坏了'));
    const second = await handle(image());
    expect(intake.submissions().map((s) => s.refs.followUpOf)).toEqual([undefined, undefined]);
    expect(content(second.answer)).toContain('工单号');
  });

  it('opens its own request when another instance is opening one for the same citizen', async () => {
    const { intake, conversations, handle } = setup();
    await conversations.enter(OPENID, 'wechat:elsewhere', 120_000);
    await handle(text('路灯坏了'));
    expect(intake.submissions()[0]?.refs.followUpOf).toBeUndefined();
  });
});

function setupInbox(intake: Intake): WechatInbox {
  return new WechatInbox({ intake, access: testCaseAccess(intake), conversations: new MemoryConversations() });
}
