// The e-mail channel over real SMTP on loopback, with real Redis, BullMQ, the spool and the content store, and a
// second SMTP server as the relay that receives the acknowledgements.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketTag } from '../../../src/domain/email/ticket-in-subject.js';
import { HOTLINE, PNG, smtpDialog, startEmailHarness, swaks } from './email-harness.js';
import type { EmailHarness } from './email-harness.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/mime');

/** nodemailer's `info.response` / error text carry the ticket we answer with. */
function ticketIn(response: string | undefined): string {
  const match = /\[12345-(\d+)\]/.exec(response ?? '');
  if (!match?.[1]) throw new Error(`no ticket in ${response}`);
  return match[1];
}

describe('e-mail channel over SMTP', () => {
  let h: EmailHarness;

  beforeAll(async () => {
    h = await startEmailHarness();
  });

  afterAll(async () => {
    await h.close();
  });

  it('files a mail sent with nodemailer, with its photo, and acknowledges it through the relay', async () => {
    const messageId = `<nm-${Date.now()}@citizen.example.cn>`;
    const info = await h.client.sendMail({
      from: '张三 <zhang.san@citizen.example.cn>',
      to: HOTLINE,
      subject: '小区门口占道经营',
      text: '每天晚上小区门口都有人占道摆摊，照片见附件。',
      messageId,
      attachments: [
        { filename: 'photo.png', content: PNG, contentType: 'image/png' },
        { filename: 'tool.exe', content: Buffer.from('MZ\x90\x00 this is not a photo'), contentType: 'application/octet-stream' },
      ],
    });
    expect(info.response).toMatch(/^250 2\.0\.0 Accepted, ticket \[12345-\d+\]/);
    const ticket = ticketIn(info.response);

    const job = await h.job(`email:${messageId.slice(1, -1)}`);
    expect(job).toBeDefined();
    const s = job?.data;
    expect(s?.channel).toBe('email');
    expect(s?.ticket).toBe(ticket);
    expect(s?.text).toContain('小区门口占道经营');
    expect(s?.text).toContain('照片见附件');
    expect(s?.text).toContain('tool.exe');
    expect(s?.contact).toMatchObject({ anonymous: false, email: 'zhang.san@citizen.example.cn', name: '张三' });
    expect(s?.refs.emailMessageId).toBe(messageId.slice(1, -1));
    expect(s?.attachments).toHaveLength(1);
    expect(s?.attachments[0]).toMatchObject({ mimeType: 'image/png', mediaKind: 'image', originalName: 'photo.png', size: PNG.length });

    const ack = await h.sink.nextTo('zhang.san@citizen.example.cn');
    expect(ack.envelopeFrom).toBe(HOTLINE);
    expect(ack.parsed.subject).toBe(`Re: 小区门口占道经营 ${ticketTag(ticket)}`);
    expect(ack.parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(ack.parsed.inReplyTo).toBe(messageId);
    expect(ack.parsed.text).toContain(`工单号：${ticket}`);
    expect(ack.parsed.text).toContain(`Your ticket number is ${ticket}`);
    expect(ack.parsed.text).toContain('tool.exe');
    expect(ack.parsed.text).not.toContain('photo.png');

    // The raw message is on disk, byte for byte what was sent, under its sha256.
    const rawLine = h.logLines.find((l) => l.msg === 'mail filed' && l.fields['submissionId'] === s?.id);
    const rawId = String(rawLine?.fields['rawId']);
    const sha = rawId.replace('sha256:', '');
    const stored = await readFile(join(h.dataDir, 'mail', sha.slice(0, 2), `${sha}.eml`));
    expect(stored.toString('latin1')).toContain(`Message-ID: ${messageId}`);
  });

  it('files a mail sent with swaks, with an attached file', async () => {
    const photo = join(h.dataDir, 'street.png');
    await writeFile(photo, PNG);
    const result = await swaks([
      '--server', `127.0.0.1:${h.port}`,
      '--from', 'li.si@citizen.example.cn',
      '--to', HOTLINE,
      '--header', 'Subject: Pothole on Dongzhimen street',
      '--header', 'Message-ID: <swaks-1@citizen.example.cn>',
      '--body', 'There is a deep pothole in front of number 12.',
      '--attach-type', 'image/png',
      '--attach', `@${photo}`,
    ]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/<- +250 2\.0\.0 Accepted, ticket \[12345-\d+\]/);
    // EHLO announces the size limit, and no STARTTLS without a certificate.
    expect(result.output).toMatch(/250[- ]SIZE 262144/);
    expect(result.output).not.toContain('STARTTLS');

    const job = await h.job('email:swaks-1@citizen.example.cn');
    expect(job?.data.text).toContain('Pothole on Dongzhimen street');
    expect(job?.data.text).toContain('deep pothole');
    expect(job?.data.attachments.map((a) => a.mimeType)).toEqual(['image/png']);
    const ack = await h.sink.nextTo('li.si@citizen.example.cn');
    expect(ack.parsed.subject).toContain('Pothole on Dongzhimen street');
  });

  it('refuses to relay: 550 5.7.1 for any recipient that is not the hotline', async () => {
    const result = await swaks(['--server', `127.0.0.1:${h.port}`, '--from', 'x@citizen.example.cn', '--to', 'someone@elsewhere.example', '--body', 'relay me']);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/<\*\* +550 5\.7\.1 Relaying denied/);

    const replies = await smtpDialog(h.port, [
      'EHLO client.example',
      'MAIL FROM:<x@citizen.example.cn>',
      'RCPT TO:<12345@HOTLINE.example>',
      'RCPT TO:<anyone@intake.hotline.example>',
      'RCPT TO:<12345@hotline.example.evil.example>',
      'RCPT TO:<other@hotline.example>',
    ]);
    expect(replies[3]).toMatch(/^250/);
    expect(replies[4]).toMatch(/^250/);
    expect(replies[5]).toBe('550 5.7.1 Relaying denied: this server only accepts mail for the 12345 hotline');
    expect(replies[6]).toMatch(/^550 5\.7\.1/);
  });

  it('answers 552 to a message over the size limit, announced or streamed, and keeps nothing', async () => {
    const declared = await smtpDialog(h.port, ['EHLO client.example', 'MAIL FROM:<big@citizen.example.cn> SIZE=300000']);
    expect(declared[2]).toMatch(/^552 /);

    const before = await h.jobCount();
    const error = await h.client
      .sendMail({ from: 'big@citizen.example.cn', to: HOTLINE, subject: 'huge', text: 'x'.repeat(300 * 1024), messageId: '<huge-1@citizen.example.cn>' })
      .then(
        () => null,
        (err: { responseCode?: number; response?: string }) => err,
      );
    expect(error?.responseCode).toBe(552);
    expect(error?.response).toContain('5.3.4 Message too big');
    expect(await h.job('email:huge-1@citizen.example.cn')).toBeUndefined();
    expect(await h.jobCount()).toBe(before);
  });

  it('takes at most 50 recipients of hundreds (452 4.5.3 for the rest) and files the mail once', async () => {
    const rcpts = Array.from({ length: 120 }, (_, i) => `RCPT TO:<desk${i}@intake.hotline.example>`);
    const replies = await smtpDialog(h.port, [
      'EHLO client.example',
      'MAIL FROM:<many@citizen.example.cn>',
      ...rcpts,
      // The same address again is no new recipient.
      'RCPT TO:<desk0@intake.hotline.example>',
      'DATA',
      'From: many@citizen.example.cn\r\nTo: everyone@intake.hotline.example\r\nSubject: many\r\nMessage-ID: <many-1@citizen.example.cn>\r\n\r\nOne mail, many desks.\r\n.',
    ]);
    const rcptReplies = replies.slice(3, 3 + 120);
    expect(rcptReplies.filter((r) => r.startsWith('250'))).toHaveLength(50);
    expect(rcptReplies.slice(50).every((r) => r === '452 4.5.3 Too many recipients')).toBe(true);
    expect(replies[123]).toMatch(/^250/);
    expect(replies[125]).toMatch(/^250 2\.0\.0 Accepted/);
    const job = await h.job('email:many-1@citizen.example.cn');
    expect(job?.data.text).toContain('One mail, many desks.');
    expect((await h.sink.nextTo('many@citizen.example.cn')).parsed.subject).toContain('many');
  });

  it.each([
    ['gb2312-subject-body', ['投诉：夜间施工噪音', '夜里十二点以后还在施工']],
    ['gbk-quoted-printable', ['镕基路积水', '王堃反映', '朱镕基路']],
    ['gb18030-unlabelled-8bit', ['小区垃圾无人清运𠀀', '垃圾已经三天没有清运了', '𠀀']],
  ])('decodes %s mail correctly', async (name, fragments) => {
    const raw = await readFile(join(FIXTURES, 'good', `${name}.eml`));
    const info = await h.client.sendMail({ envelope: { from: 'sender@example.cn', to: [HOTLINE] }, raw });
    expect(info.response).toMatch(/^250 /);
    const messageId = /Message-ID: <([^>]+)>/.exec(raw.toString('latin1'))?.[1] ?? '';
    const job = await h.job(`email:${messageId}`);
    for (const fragment of fragments) expect(job?.data.text).toContain(fragment);
    expect(job?.data.text).not.toContain('\uFFFD');
    expect((await h.sink.nextTo(String(job?.data.contact.email))).parsed.subject).toContain(ticketTag(String(job?.data.ticket)));
  });

  it('records an auto-reply, flagged, and never answers it', async () => {
    const raw = await readFile(join(FIXTURES, 'good', 'auto-reply.eml'));
    const info = await h.client.sendMail({ envelope: { from: 'zhang.san@example.cn', to: [HOTLINE] }, raw });
    expect(info.response).toMatch(/^250 /);
    const job = await h.job('email:auto-1@example.cn');
    expect(job?.data.hints.autoReply).toEqual({ reason: 'auto-submitted' });
    expect(job?.data.text).toContain('我正在休假');
    expect(h.logLines.find((l) => l.msg === 'mail filed' && l.fields['submissionId'] === job?.data.id)?.fields['acknowledgement']).toBe('auto-reply');

    // A bounce, from the null sender: recorded, not answered either.
    const bounce = await readFile(join(FIXTURES, 'good', 'bounce-report.eml'));
    await h.client.sendMail({ envelope: { from: '', to: [HOTLINE] }, raw: bounce });
    const bounceJob = await h.job('email:bounce-1@mx.example.cn');
    expect(bounceJob?.data.hints.autoReply).toEqual({ reason: 'null-sender' });
    expect(bounceJob?.data.contact).toEqual({ anonymous: true });

    // Acknowledgements leave in order: the next one the relay sees is for this later, ordinary mail.
    const info2 = await h.client.sendMail({ from: 'after@citizen.example.cn', to: HOTLINE, subject: 'after the auto-reply', text: 'ordinary', messageId: '<after-auto@citizen.example.cn>' });
    const ack = await h.sink.nextTo('after@citizen.example.cn');
    expect(ack.parsed.subject).toContain(ticketTag(ticketIn(info2.response)));
    expect(h.sink.allTo('zhang.san@example.cn')).toHaveLength(0);
    expect(h.sink.received.filter((m) => m.rcptTo.some((r) => r.startsWith('mailer-daemon') || r.startsWith('MAILER-DAEMON')))).toHaveLength(0);
  });

  it('threads replies: by the acknowledgement Message-ID, and by the ticket in the subject from the same sender', async () => {
    const first = await h.client.sendMail({
      from: 'wang.wu@citizen.example.cn',
      to: HOTLINE,
      subject: '楼道灯不亮',
      text: '3号楼2单元楼道灯不亮。',
      messageId: '<thread-root@citizen.example.cn>',
    });
    const rootTicket = ticketIn(first.response);
    const root = (await h.job('email:thread-root@citizen.example.cn'))?.data;
    const ack = await h.sink.nextTo('wang.wu@citizen.example.cn');
    const ackId = ack.parsed.messageId ?? '';
    expect(ackId).toMatch(/^<.+@hotline\.example>$/);

    // The citizen answers the acknowledgement.
    const reply = await h.client.sendMail({
      from: 'wang.wu@citizen.example.cn',
      to: HOTLINE,
      subject: ack.parsed.subject ?? '',
      text: '补充：四楼也不亮。\n\n在 2024年5月6日 10:00，北京12345 写道：\n> 北京12345市民服务热线已收到您的来信',
      messageId: '<thread-reply@citizen.example.cn>',
      inReplyTo: ackId,
      references: ['<thread-root@citizen.example.cn>', ackId],
    });
    const replyJob = (await h.job('email:thread-reply@citizen.example.cn'))?.data;
    expect(replyJob?.refs.followUpOf).toBe(root?.id);
    expect(replyJob?.refs.emailInReplyTo).toBe(ackId.slice(1, -1));
    expect(replyJob?.text).toContain('四楼也不亮');
    expect(replyJob?.text).not.toContain('已收到您的来信');
    expect(ticketIn(reply.response)).toBe(replyJob?.ticket);
    const replyAck = await h.sink.nextTo('wang.wu@citizen.example.cn');
    expect(replyAck.parsed.subject).toBe(`Re: 楼道灯不亮 ${ticketTag(rootTicket)}`);
    expect(replyAck.parsed.text).toContain(`已并入工单 ${rootTicket}`);

    // A new mail naming the ticket, from the same address: a follow-up too.
    await h.client.sendMail({
      from: 'Wang.Wu@CITIZEN.example.cn',
      to: HOTLINE,
      subject: `工单 ${rootTicket} 的补充`,
      text: '今天还是不亮。',
      messageId: '<thread-ticket@citizen.example.cn>',
    });
    expect((await h.job('email:thread-ticket@citizen.example.cn'))?.data.refs.followUpOf).toBe(root?.id);
    expect((await h.sink.nextTo('wang.wu@citizen.example.cn')).parsed.subject).toContain(ticketTag(rootTicket));

    // The same ticket from someone else is a request of its own.
    await h.client.sendMail({
      from: 'stranger@elsewhere.example',
      to: HOTLINE,
      subject: `Re: [12345-${rootTicket}]`,
      text: 'I want to add to this.',
      messageId: '<thread-stranger@elsewhere.example>',
    });
    const strangerJob = (await h.job('email:thread-stranger@elsewhere.example'))?.data;
    expect(strangerJob?.refs.followUpOf).toBeUndefined();
    expect((await h.sink.nextTo('stranger@elsewhere.example')).parsed.subject).toContain(ticketTag(String(strangerJob?.ticket)));
  });

  it('files a Message-ID seen before only once, and acknowledges it once', async () => {
    const send = () =>
      h.client.sendMail({ from: 'twice@citizen.example.cn', to: HOTLINE, subject: 'twice', text: 'sent twice', messageId: '<twice-1@citizen.example.cn>' });
    const before = await h.jobCount();
    const a = await send();
    const b = await send();
    expect(ticketIn(b.response)).toBe(ticketIn(a.response));
    expect(await h.jobCount()).toBe(before + 1);
    // The same Message-ID through another route (other trace headers): still the one request.
    const c = await h.client.sendMail({
      from: 'twice@citizen.example.cn',
      to: HOTLINE,
      subject: 'twice',
      text: 'sent twice',
      messageId: '<twice-1@citizen.example.cn>',
      headers: { Received: 'from relay2.example by mx.hotline.example' },
    });
    expect(ticketIn(c.response)).toBe(ticketIn(a.response));
    expect(await h.jobCount()).toBe(before + 1);

    await h.sink.nextTo('twice@citizen.example.cn');
    expect(h.sink.allTo('twice@citizen.example.cn')).toHaveLength(1);
    const duplicates = h.logLines.filter((l) => l.msg === 'mail was filed before');
    expect(duplicates.length).toBeGreaterThanOrEqual(2);
    expect(duplicates.every((l) => l.fields['acknowledgement'] === 'duplicate')).toBe(true);
  });

  it('answers the same request mailed again with the first ticket and its progress', async () => {
    const send = (n: number, text = '西城区金融街的人行道地砖松动，下雨天一踩一脚泥水。') =>
      h.client.sendMail({ from: 'repeat@citizen.example.cn', to: HOTLINE, subject: '人行道地砖松动', text, messageId: `<repeat-${n}@citizen.example.cn>` });
    const first = ticketIn((await send(1)).response);
    const firstAck = await h.sink.nextTo('repeat@citizen.example.cn');
    expect(firstAck.parsed.text).not.toContain('您此前已提出过相同的诉求');

    const second = ticketIn((await send(2)).response);
    expect(second).not.toBe(first);
    expect((await h.job('email:repeat-2@citizen.example.cn'))?.data.hints.repeatOf?.ticket).toBe(first);
    const secondAck = await h.sink.nextTo('repeat@citizen.example.cn');
    expect(secondAck.parsed.subject).toBe(`Re: 人行道地砖松动 ${ticketTag(second)}`);
    expect(secondAck.parsed.text).toContain(`工单号：${second}`);
    expect(secondAck.parsed.text).toMatch(new RegExp(`您此前已提出过相同的诉求，工单号 ${first}（北京时间 [0-9: -]+ 收到），目前状态：已接收。`));
    expect(secondAck.parsed.text).toMatch(new RegExp(`You made the same request before: ticket ${first}, received [0-9: -]+ Beijing time; status: received\\.`));

    const record = await h.created.intake.getByTicket(first);
    await h.created.intake.updateStatus(record?.submission.id ?? '', { status: 'accepted', at: new Date().toISOString(), note: '已转西城区城管委' });
    await send(3, '西城区金融街的人行道地砖松动，下雨天一踩一脚泥水！');
    const thirdAck = await h.sink.nextTo('repeat@citizen.example.cn');
    expect(thirdAck.parsed.text).toContain(`工单号 ${first}`);
    expect(thirdAck.parsed.text).toContain('目前状态：已受理（最新说明：已转西城区城管委）');
    expect(thirdAck.parsed.text).toContain('status: accepted (latest note: 已转西城区城管委)');
  });

  it('never logs an address unmasked', () => {
    const text = JSON.stringify(h.logLines);
    for (const address of ['zhang.san@citizen.example.cn', 'li.si@citizen.example.cn', 'wang.wu@citizen.example.cn', 'someone@elsewhere.example', 'stranger@elsewhere.example', 'repeat@citizen.example.cn']) {
      expect(text).not.toContain(address);
    }
    expect(text).toContain('z***@citizen.example.cn');
  });
});
