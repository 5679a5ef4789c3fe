// Status and rating on WeChat, end to end: pushes over real HTTP (encrypted in safe mode), the real intake and
// conversation store on the real Redis, case access built from the intake's own case keys. Given a request filed
// from one account, what each account can learn and do.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageXml, nextMsgId, push, ticketIn, WechatFixture } from './wechat-harness.js';
import type { Gateway } from './wechat-harness.js';

let fixture: WechatFixture;
let gateway: Gateway;

beforeEach(async () => {
  fixture = await WechatFixture.create();
  gateway = await fixture.gateway();
});

afterEach(async () => {
  await fixture.cleanup();
});

const CITIZEN = 'oCitizenOpenId00000000000001';
const STRANGER = 'oStrangerOpenId0000000000001';
const text = (content: string, from = CITIZEN): string => messageXml({ MsgType: 'text', Content: content, MsgId: nextMsgId() }, from);

async function fileRequest(): Promise<{ ticket: string; pin: string; id: string }> {
  const reply = (await push(gateway, text('东城区和平里小区门口的路灯坏了'), { mode: 'safe' })).content;
  const ticket = ticketIn(reply);
  const pin = /查询码：([0-9]{6})/.exec(reply)?.[1] ?? '';
  const record = await fixture.intake.getByTicket(ticket);
  return { ticket, pin, id: record?.submission.id ?? '' };
}

describe('status on WeChat', () => {
  it('gives the PIN with the ticket, opens the case to its own account, and to another only with that PIN', async () => {
    const { ticket, pin, id } = await fileRequest();
    expect(ticket).toMatch(/^[0-9]{12}$/);
    expect(pin).toBe(await fixture.access.pinOf(ticket));
    await fixture.intake.updateStatus(id, { status: 'in_progress', at: new Date().toISOString(), note: '已派维修人员' });

    const own = await push(gateway, text(`查询 ${ticket}`), { mode: 'safe' });
    expect(own.content).toMatch(new RegExp(`^工单 ${ticket}：办理中（更新于北京时间 .+）。您的诉求正在办理中。\\n说明：已派维修人员$`));

    const asked = await push(gateway, text(`查询 ${ticket}`, STRANGER), { mode: 'safe' });
    expect(asked.content).toContain(`查询工单 ${ticket} 的进度需要验证`);
    expect(asked.content).not.toContain('已派维修人员');
    const withPin = await push(gateway, text(`status ${ticket} ${pin}`, STRANGER));
    expect(withPin.content).toContain(`Ticket ${ticket}: in progress`);
    expect(withPin.content).toContain('Note: 已派维修人员');
    expect(await fixture.jobs()).toHaveLength(1);
  });

  it('denies a wrong PIN, then locks the ticket, in the citizen\'s language', async () => {
    const { ticket, pin } = await fileRequest();
    const wrong = String((Number(pin) + 7) % 1_000_000).padStart(6, '0');
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) answers.push((await push(gateway, text(`查询 ${ticket} ${wrong}`, STRANGER))).content);
    expect(new Set(answers)).toEqual(new Set(['工单号与查询码（或手机号后4位）不符，请核对后再试。']));
    const locked = await push(gateway, text(`status ${ticket} ${pin}`, STRANGER), { mode: 'safe' });
    expect(locked.content).toMatch(/^Too many wrong attempts\. Please try again in about \d+ hours, or call 12345\.$/);
    expect(fixture.recorded.lines.some((l) => l.msg === 'case access refused: proof does not open the ticket')).toBe(true);
    expect(JSON.stringify(fixture.recorded.lines)).not.toContain(wrong);
  });
});

describe('rating by reply on WeChat', () => {
  it('invites a rating once the case is resolved and stores "评价 5" on the submission', async () => {
    const { ticket, id } = await fileRequest();
    await fixture.intake.updateStatus(id, { status: 'resolved', at: new Date().toISOString(), note: '路灯已修复' });
    const status = await push(gateway, text(`查询 ${ticket}`), { mode: 'safe' });
    expect(status.content).toContain('回复“评价 1”（非常不满意）至“评价 5”（非常满意）');

    // Another gateway instance takes the rating: the invitation lives in Redis, not in one process.
    const other = await fixture.gateway();
    const rated = await push(other, text('评价 5'), { mode: 'safe' });
    expect(rated.content).toBe(`感谢您的评价！工单 ${ticket} 的评分（5分）已记录。`);
    const record = await fixture.intake.get(id);
    expect(record?.rating).toMatchObject({ score: 5 });
    expect(Date.parse(record?.rating?.at ?? '')).not.toBeNaN();

    expect((await push(gateway, text('评价 1'))).content).toContain('评价请发送“评价 工单号 分数”');
    expect((await push(gateway, text(`评价 ${ticket} 1`))).content).toBe(`工单 ${ticket} 已评价过，每个工单只能评价一次。`);
    expect((await fixture.intake.get(id))?.rating?.score).toBe(5);
    expect(await fixture.jobs()).toHaveLength(1);
  });

  it('lets another account rate only with the PIN', async () => {
    const { ticket, pin, id } = await fileRequest();
    await fixture.intake.updateStatus(id, { status: 'closed', at: new Date().toISOString() });
    expect((await push(gateway, text(`rate ${ticket} 2`, STRANGER))).content).toContain(`To see the progress of ticket ${ticket}, add the PIN`);
    expect((await fixture.intake.get(id))?.rating).toBeUndefined();
    expect((await push(gateway, text(`rate ${ticket} ${pin} 2`, STRANGER))).content).toBe(`Thank you. Your rating of 2 out of 5 for ticket ${ticket} has been recorded.`);
    expect((await fixture.intake.get(id))?.rating?.score).toBe(2);
  });
});
