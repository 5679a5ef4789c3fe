// Status and rating by mail, end to end: mail sent with nodemailer over real SMTP, the real intake on the real Redis,
// the thread index, case access built from the intake's own case keys, and answers collected by the relay stand-in.
// Given a request filed from one address, what each sender can learn and do by mail.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketTag } from '../../../src/domain/email/ticket-in-subject.js';
import { HOTLINE, startEmailHarness } from './email-harness.js';
import type { EmailHarness, SunkMail } from './email-harness.js';

let h: EmailHarness;
let serial = 0;

beforeAll(async () => {
  h = await startEmailHarness();
});

afterAll(async () => {
  await h.close();
});

interface Filed {
  readonly ticket: string;
  readonly id: string;
  readonly ack: SunkMail;
  readonly citizen: string;
}

async function fileRequest(): Promise<Filed> {
  const citizen = `citizen-${++serial}@citizen.example.cn`;
  const info = await h.client.sendMail({ from: citizen, to: HOTLINE, subject: '小区门口路灯坏了', text: '东城区和平里小区门口的路灯坏了一周了。', messageId: `<req-${serial}@citizen.example.cn>` });
  const ticket = /\[12345-(\d+)\]/.exec(info.response ?? '')?.[1] ?? '';
  const record = await h.created.intake.getByTicket(ticket);
  return { ticket, id: record?.submission.id ?? '', ack: await h.sink.nextTo(citizen), citizen };
}

function send(from: string, subject: string, text: string, extra: Record<string, unknown> = {}) {
  return h.client.sendMail({ from, to: HOTLINE, subject, text, messageId: `<ask-${++serial}@example.org>`, ...extra });
}

describe('status by mail', () => {
  it('gives the PIN in the acknowledgement, and answers the sender\'s "查询" reply with the status, filing nothing', async () => {
    const { ticket, id, ack, citizen } = await fileRequest();
    const pin = await h.access.pinOf(ticket);
    expect(ack.parsed.text).toContain(`工单号：${ticket}，查询码：${pin}。`);
    await h.created.intake.updateStatus(id, { status: 'in_progress', at: new Date().toISOString(), note: '已派维修人员' });
    const jobs = await h.jobCount();

    const info = await send(citizen, `Re: ${ack.parsed.subject ?? ''}`, `查询\n\n> ${ack.parsed.text?.split('\n')[2] ?? ''}`, { inReplyTo: ack.parsed.messageId, references: [ack.parsed.messageId] });
    expect(info.response).toBe('250 2.0.0 Accepted, the answer follows by mail');
    const answer = await h.sink.nextTo(citizen);
    expect(answer.parsed.subject).toBe(`Re: 小区门口路灯坏了 ${ticketTag(ticket)}`);
    expect(answer.parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(answer.parsed.text).toContain(`工单 ${ticket}：办理中`);
    expect(answer.parsed.text).toContain('您的诉求正在办理中。');
    expect(answer.parsed.text).toContain('说明：已派维修人员');
    expect(await h.jobCount()).toBe(jobs);
  });

  it('answers another address only with the PIN, and sends a forged From\'s answer to the real owner', async () => {
    const { ticket, id, citizen } = await fileRequest();
    await h.created.intake.updateStatus(id, { status: 'accepted', at: new Date().toISOString(), note: '已转东城区城管委' });
    const stranger = `stranger-${serial}@example.org`;

    await send(stranger, `status ${ticket}`, '');
    const asked = await h.sink.nextTo(stranger);
    expect(asked.parsed.text).toContain(`请写“查询 ${ticket} 查询码”`);
    expect(asked.parsed.text).not.toContain('已转东城区城管委');

    await send(stranger, `查询 ${ticket} ${await h.access.pinOf(ticket)}`, '');
    const opened = await h.sink.nextTo(stranger);
    expect(opened.parsed.text).toContain(`工单 ${ticket}：已受理`);
    expect(opened.parsed.text).toContain('说明：已转东城区城管委');

    // From forged to the owner's address, Reply-To the stranger's: the answer goes to the owner only.
    await send(citizen, `status ${ticket}`, '', { replyTo: stranger });
    const owner = await h.sink.nextTo(citizen);
    expect(owner.parsed.text).toContain('说明：已转东城区城管委');
    expect(h.sink.allTo(stranger)).toHaveLength(2);
  });

  it('denies a wrong PIN, then locks the ticket', async () => {
    const { ticket } = await fileRequest();
    const pin = await h.access.pinOf(ticket);
    const wrong = String((Number(pin) + 3) % 1_000_000).padStart(6, '0');
    const guesser = `guesser-${serial}@example.org`;
    for (let i = 0; i < 5; i++) {
      await send(guesser, `status ${ticket} ${wrong}`, '');
      expect((await h.sink.nextTo(guesser)).parsed.text).toContain('工单号与查询码（或手机号后4位）不符，请核对后再试。');
    }
    await send(guesser, `status ${ticket} ${pin}`, '');
    expect((await h.sink.nextTo(guesser)).parsed.text).toMatch(/验证失败次数过多，请约\d+小时后再试/);
  });

  it('never answers an auto-reply that asks for a status: it is filed, flagged, like any auto-reply', async () => {
    const { ticket } = await fileRequest();
    const responder = `vacation-${serial}@example.org`;
    const jobs = await h.jobCount();
    await send(responder, `status ${ticket}`, '', { headers: { 'Auto-Submitted': 'auto-replied' } });
    expect(await h.jobCount()).toBe(jobs + 1);
    const line = h.logLines.find((l) => l.msg === 'mail filed' && l.fields['acknowledgement'] === 'auto-reply' && l.fields['autoReply'] === 'auto-submitted');
    expect(line).toBeDefined();
    // A later mail's answer arrives; nothing ever went to the responder.
    const after = `after-${serial}@example.org`;
    await send(after, `status ${ticket}`, '');
    await h.sink.nextTo(after);
    expect(h.sink.allTo(responder)).toHaveLength(0);
  });
});

describe('rating by mail', () => {
  it('takes "评价 5" in a reply to a status answer, stores it on the submission, and takes it once', async () => {
    const { ticket, id, citizen, ack } = await fileRequest();
    await h.created.intake.updateStatus(id, { status: 'resolved', at: new Date().toISOString(), note: '路灯已修复' });
    await send(citizen, `Re: ${ack.parsed.subject ?? ''}`, '查询', { inReplyTo: ack.parsed.messageId });
    const status = await h.sink.nextTo(citizen);
    expect(status.parsed.text).toContain('正文只写“评价 1”（非常不满意）至“评价 5”（非常满意）');

    const jobs = await h.jobCount();
    await send(citizen, `Re: ${status.parsed.subject ?? ''}`, '评价 5\n\n-- \n张三', { inReplyTo: status.parsed.messageId, references: [status.parsed.messageId] });
    expect((await h.sink.nextTo(citizen)).parsed.text).toContain(`感谢您的评价！工单 ${ticket} 的评分（5分）已记录。`);
    expect((await h.created.intake.get(id))?.rating).toMatchObject({ score: 5 });

    const stranger = `stranger-${serial}@example.org`;
    await send(stranger, `rate ${ticket} ${await h.access.pinOf(ticket)} 1`, '');
    expect((await h.sink.nextTo(stranger)).parsed.text).toContain(`Ticket ${ticket} has already been rated`);
    expect((await h.created.intake.get(id))?.rating?.score).toBe(5);
    expect(await h.jobCount()).toBe(jobs);
  });
});

describe('the per-address cap', () => {
  it('counts status answers with the acknowledgements, so a loop of status mails dies out', async () => {
    const capped = await startEmailHarness({ channel: { ackLimitPerHour: 2 } });
    try {
      const from = 'looping@example.org';
      const ask = (n: number) => capped.client.sendMail({ from, to: HOTLINE, subject: 'status', text: '', messageId: `<loop-${n}@example.org>` });
      for (const n of [1, 2, 3]) await ask(n);
      await capped.sink.nextTo(from);
      await capped.sink.nextTo(from);
      await capped.waitForLog((l) => l.msg === 'acknowledgement not sent: too many to this address recently (possible mail loop)');
      expect(capped.sink.allTo(from)).toHaveLength(2);
      expect(capped.sink.allTo(from)[0]?.parsed.text).toContain('查询办理进度，请在主题或正文第一行写“查询 工单号 查询码”');
    } finally {
      await capped.close();
    }
  });
});
