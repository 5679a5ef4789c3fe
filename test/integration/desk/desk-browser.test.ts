// The agents' desktop and the supervisor view in a real headless Chromium, on the real gateway (queue in Redis, the
// simulator as Asterisk, staff accounts and sessions, the desk socket): an agent signs in, joins the queue, takes a
// routed call with its screen pop, fills the work order, hangs up and files it, while a supervisor in another
// browser watches every change and pauses the agent; refusals (a wrong password, an agent trying a supervisor's
// action) and a dropped socket are shown as the server has them. Screenshots of both pages are taken on the way
// (into DESK_SCREENSHOTS_DIR when set: `docs/screenshots/` holds the README's).

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../gateway/harness.js';
import { startHarness } from '../gateway/harness.js';
import { until } from '../gateway/agent-support.js';
import { CHROMIUM, REPORT_CSP_VIOLATIONS, SocketCutter, WAIT, haveChromium, screenshotsDir, shows, signIn, textOf, unlabelledControls, watch } from './desk-browser-support.js';

if (!haveChromium) console.warn(`desk pages browser test skipped: ${CHROMIUM} is missing (Debian package "chromium")`);

const AGENT = { id: '7001', name: '王芳', role: 'agent', password: 'desk-test-7001-secret', endpoint: 'PJSIP/7001', skills: 'complaint:1, environment:1, zh:1' } as const;
const OTHER_AGENT = { id: '7002', name: 'Li Wei', role: 'agent', password: 'desk-test-7002-secret', endpoint: 'PJSIP/7002', skills: 'consultation:1, zh:1, en:1' } as const;
const SUPERVISOR = { id: 'sup01', name: '张主任', role: 'supervisor', password: 'desk-test-sup-secret' } as const;
const CALLER = '13955556666';

describe.skipIf(!haveChromium)('agent desktop and supervisor view in Chromium (skipped when /usr/bin/chromium is missing)', { timeout: 60_000 }, () => {
  let h: Harness;
  let browser: Browser;
  let desk: Page;
  let floor: Page;
  let shots: { dir: string; done(): Promise<void> };
  let callerId: string;
  const cutter = new SocketCutter();
  const problems: string[] = [];

  beforeAll(async () => {
    h = await startHarness({ ACD_ANNOUNCE_EVERY: '0', ACD_OPTIONS_AFTER: '0', ACD_SURVEY: 'off', ACD_WRAP_UP: '120s', STAFF_SCRYPT_COST: '10', STAFF_LOGIN_FAILURES: '3' });
    const staff = h.gateway.staff;
    if (staff === null) throw new Error('staff sign-in is off (it needs ACD=on)');
    for (const account of [AGENT, OTHER_AGENT, SUPERVISOR]) await staff.saveAccount(account);
    // The agent's phone rings a while before it is answered, so the page shows the call being offered.
    h.sim.setDialBehaviour(AGENT.endpoint, { result: 'answer', afterMs: 4000 });
    shots = await screenshotsDir();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const deskContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const floorContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Asia/Shanghai' });
    for (const context of [deskContext, floorContext]) await context.addInitScript(REPORT_CSP_VIOLATIONS);
    desk = await deskContext.newPage();
    floor = await floorContext.newPage();
    watch(desk, 'desktop', problems);
    watch(floor, 'supervisor view', problems);
    for (const page of [desk, floor]) page.setDefaultTimeout(WAIT.timeout);
    await cutter.attach(desk);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const id of [AGENT.id, OTHER_AGENT.id]) await h?.gateway.agents?.logout(id).catch(() => undefined);
    await h?.close();
    await shots?.done();
  });

  const agentRow = (cell: number): string => `#agent-rows tr[data-agent="${AGENT.id}"] > :nth-child(${cell})`;

  it('refuses a wrong password on the page, then signs the agent in with the right one', async () => {
    await desk.goto(`${h.gateway.httpUrl}/desk/`);
    await desk.waitForSelector('#login:not([hidden])');
    expect(await desk.getAttribute('html', 'lang')).toBe('zh-CN');
    await shows(desk, '#connection-text', '未登录');
    await signIn(desk, AGENT.id, 'not-the-password');
    await shows(desk, '#login-error', '工号或密码错误。');
    expect(await desk.getAttribute('#login-password', 'aria-invalid')).toBe('true');
    expect(await desk.isHidden('#desk')).toBe(true);

    // Guessing another id's password: after STAFF_LOGIN_FAILURES the page says when to try again.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await signIn(desk, OTHER_AGENT.id, `guess-${attempt}`);
      await shows(desk, '#login-error', '工号或密码错误。');
      await desk.evaluate(`document.getElementById('login-error').textContent = ''`); // the next answer must be seen anew
    }
    await signIn(desk, OTHER_AGENT.id, OTHER_AGENT.password);
    await shows(desk, '#login-error', /^密码错误次数过多，请于 \d\d:\d\d:\d\d（\d+ 秒后）再试。$/);

    await signIn(desk, AGENT.id, AGENT.password);
    await desk.waitForSelector('#desk:not([hidden])');
    await shows(desk, '#connection-text', '已连接');
    expect(await textOf(desk, '#user-name')).toBe(AGENT.name);
    expect(await textOf(desk, '#user-role')).toBe('坐席');
    await desk.waitForSelector('#agent-out:not([hidden])');
    expect(await desk.isHidden('#login')).toBe(true);
    expect(await unlabelledControls(desk)).toEqual([]);
  });

  it('shows the supervisor the floor; the agent joins the queue paused and the supervisor sees it', async () => {
    await floor.goto(`${h.gateway.httpUrl}/desk/supervisor`);
    expect(await floor.getAttribute('html', 'lang')).toBe('en');
    await signIn(floor, SUPERVISOR.id, SUPERVISOR.password);
    await floor.waitForSelector('#floor:not([hidden])');
    expect(await textOf(floor, '#user-name')).toBe(SUPERVISOR.name);
    expect(await unlabelledControls(floor)).toEqual([]);

    await desk.click('#join');
    await shows(desk, '#agent-state', '示忙');
    await shows(desk, '#agent-reason', '刚签入');
    expect(await textOf(desk, '#agent-endpoint')).toBe(AGENT.endpoint);
    expect(await desk.isDisabled('#ready')).toBe(false);
    await shows(floor, agentRow(2), 'Paused');
    await shows(floor, agentRow(3), 'Just logged in');
    // A second agent, who takes consultations only, fills the floor.
    await h.gateway.agents?.login({ agentId: OTHER_AGENT.id, endpoint: OTHER_AGENT.endpoint, skills: OTHER_AGENT.skills });
    await floor.waitForSelector(`#agent-rows tr[data-agent="${OTHER_AGENT.id}"]`);
  });

  it('shows a waiting call on the floor; ready, the agent is offered it with its screen pop', async () => {
    // The caller wrote in the web form before: the pop shows that open case.
    const form = await fetch(`${h.gateway.httpUrl}/form/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ idempotencyKey: randomUUID(), text: '工厂烟囱天天冒黑烟', phone: CALLER, category: 'environment' }),
    });
    expect(form.status).toBe(201);
    await h.gateway.intake.profiles.linker.flush();

    callerId = await h.call(CALLER);
    await h.sim.sendDigits(callerId, '32'); // complaints, then environment
    await shows(floor, '#call-rows tr:first-child > :nth-child(3)', 'Environment');
    await shows(floor, '#fig-waiting', '1');
    expect(await textOf(floor, '#call-rows tr:first-child > :nth-child(4)')).toBe('Mandarin');
    await shows(desk, '#queue-line', '排队来电：1 个');

    await desk.click('#ready');
    await desk.waitForSelector('#call[data-phase="offered"]:not([hidden])');
    expect(await textOf(desk, '#call-phase')).toBe('来电振铃中：请在话机上接听');
    expect(await textOf(desk, '#pop-caller')).toBe('139****6666');
    expect(await textOf(desk, '#pop-category')).toBe('生态环境');
    expect(await textOf(desk, '#pop-language')).toBe('普通话');
    expect(await textOf(desk, '#pop-queue')).toBe('投诉');
    expect(await textOf(desk, '#pop-path')).toMatch(/ › /);
    expect(await textOf(desk, '#pop-waited')).toMatch(/^\d+:\d\d$/);
    const openCases = await textOf(desk, '#open-cases');
    expect(openCases).toContain('网站');
    expect(openCases).toContain('已接收');
    await shows(floor, agentRow(2), /^(Reserved|Ringing)$/);
    await shows(floor, '#fig-waiting', '0');
  });

  it('opens the work order at the answer, while the floor counts the call answered', async () => {
    await desk.waitForSelector('#call[data-phase="answered"]:not([hidden])');
    await shows(desk, '#agent-state', '通话中');
    await desk.waitForSelector('#work-order:not([hidden])');
    expect(await desk.isDisabled('#wo-submit')).toBe(true);
    expect(await desk.isVisible('#wo-after-call')).toBe(true);
    expect(await desk.isVisible('#hangup')).toBe(true);
    // What the form offers is what the server takes; the IVR's category is filled in.
    expect(await desk.evaluate(`[...document.querySelectorAll('#wo-disposition option')].map((option) => option.value)`)).toEqual(['', 'answered', 'dispatched', 'referred', 'repeat']);
    expect(await desk.inputValue('#wo-category')).toBe('environment');
    await shows(floor, agentRow(2), 'On call');
    await shows(floor, '#fig-answered', '1');

    await desk.selectOption('#wo-kind', 'complaint');
    await desk.fill('#wo-matter', '来电人反映：东郊化工厂烟囱每天傍晚冒黑烟，气味刺鼻，希望尽快查处。');
    await desk.selectOption('#wo-disposition', 'dispatched');
    await desk.waitForSelector('#wo-department-field:not([hidden])');
    expect(await desk.isHidden('#wo-repeatOf-field')).toBe(true);

    // Another caller waits meanwhile: the only agent who takes complaints is busy.
    const second = await h.call('13800001111');
    await h.sim.sendDigits(second, '32');
    await shows(floor, '#fig-waiting', '1');
    await desk.screenshot({ path: join(shots.dir, 'desk-agent.png'), fullPage: true });
    await floor.screenshot({ path: join(shots.dir, 'desk-supervisor.png'), fullPage: true });
    h.sim.hangup(second);
    await shows(floor, '#fig-abandoned', '1');
    await shows(floor, '#fig-waiting', '0');
  });

  it("hangs up from the desk, shows the server's problems beside the fields, files the work order and is ready again", async () => {
    await desk.click('#hangup');
    await desk.waitForSelector('#call[data-phase="ended"]:not([hidden])');
    await shows(desk, '#agent-state', '话后整理');
    await shows(floor, agentRow(2), 'Wrap-up');
    expect(await desk.isEnabled('#wo-submit')).toBe(true);
    expect(await desk.isVisible('#wrap-up-left')).toBe(true);

    // Dispatched without saying where: the server refuses, and the page says so beside the department.
    await desk.click('#wo-submit');
    await desk.waitForSelector('#wo-department-error:not([hidden])');
    expect(await textOf(desk, '#wo-department-error')).toBe('派单时请填写承办单位（不超过 100 字）。');
    expect(await desk.getAttribute('#wo-department', 'aria-invalid')).toBe('true');
    expect(await desk.evaluate('document.activeElement.id')).toBe('wo-department');
    expect(await desk.isHidden('#wo-matter-error')).toBe(true);

    await desk.fill('#wo-department', '市生态环境局');
    await desk.click('#wo-submit');
    await desk.waitForSelector('#filed:not([hidden])');
    const ticket = await textOf(desk, '#filed-ticket');
    expect(ticket).toMatch(/^[0-9]{9,20}$/);
    expect(await desk.isHidden('#work-order')).toBe(true);
    await shows(desk, '#agent-state', '就绪');
    await shows(floor, agentRow(2), 'Ready');

    const order = await until('the work order in intake', async () => {
      const found = await h.gateway.intake.intake.find({ channel: 'voice', limit: 10 });
      return found.find((r) => r.submission.refs.callId === callerId) ?? null;
    });
    expect(order.submission).toMatchObject({ ticket, kind: 'complaint', category: 'environment', contact: { phone: CALLER } });
    expect(order.submission.text).toContain('化工厂');
    expect(order.submission.call).toMatchObject({ disposition: 'dispatched', department: '市生态环境局', agentId: AGENT.id });
  });

  it('lets the supervisor pause an agent and log one out, each after confirming', async () => {
    await floor.click(`#agent-rows tr[data-agent="${AGENT.id}"] button[data-action="pause"]`);
    await floor.waitForSelector('#confirm[open]');
    expect(await textOf(floor, '#confirm-text')).toBe(`Pause agent ${AGENT.id}?`);
    await floor.selectOption('#confirm-reason', 'lunch');
    await floor.click('#confirm-ok');
    await shows(floor, '#floor-message', `Agent ${AGENT.id} is paused.`);
    await shows(floor, agentRow(2), 'Paused');
    await shows(floor, agentRow(3), 'Lunch');
    await shows(desk, '#agent-state', '示忙');
    await shows(desk, '#agent-reason', '用餐');

    const logout = `#agent-rows tr[data-agent="${OTHER_AGENT.id}"] button[data-action="logout"]`;
    await floor.click(logout);
    await floor.click('#confirm-cancel');
    expect(await floor.isHidden('#confirm')).toBe(true);
    expect((await h.gateway.agents?.agent(OTHER_AGENT.id))?.state).toBe('paused');
    await floor.click(logout);
    await floor.click('#confirm-ok');
    await shows(floor, `#agent-rows tr[data-agent="${OTHER_AGENT.id}"] > :nth-child(2)`, 'Offline');
  });

  it("refuses an agent what only supervisors may do: the floor's actions, and the supervisor view itself", async () => {
    const refusal = await desk.evaluate(`new Promise((resolve, reject) => {
      const socket = new WebSocket(new URL('socket', location.href).href.replace(/^http/, 'ws'));
      socket.onmessage = (event) => {
        const message = JSON.parse(event.data);
        if (message.type === 'hello') socket.send(JSON.stringify({ id: 'try', type: 'pauseAgent', agentId: '${OTHER_AGENT.id}', reason: 'lunch' }));
        if (message.type === 'reply') { socket.close(); resolve(message); }
      };
      socket.onerror = () => reject(new Error('socket failed'));
    })`);
    expect(refusal).toMatchObject({ type: 'reply', re: 'try', ok: false, error: { code: 'wrong_role' } });

    const asAgent = await desk.context().newPage();
    watch(asAgent, 'supervisor view opened by an agent', problems);
    await asAgent.goto(`${h.gateway.httpUrl}/desk/supervisor`);
    await asAgent.waitForSelector('#only-supervisors:not([hidden])');
    expect(await textOf(asAgent, '#only-supervisors p')).toBe('此页面仅供班长使用。');
    expect(await asAgent.isHidden('#floor')).toBe(true);
    await asAgent.close();
  });

  it("reconnects after its socket drops, and shows the server's state rather than what it showed before", async () => {
    await shows(desk, '#agent-state', '示忙');
    cutter.cut();
    await desk.waitForSelector('#connection[data-state="retrying"]');
    await desk.waitForSelector('body.stale');
    // While the page is cut off, the agent's state changes on the server.
    await h.gateway.agents?.ready(AGENT.id);
    expect(await textOf(desk, '#agent-state')).toBe('示忙');
    cutter.restore();
    await desk.waitForSelector('#connection[data-state="online"]');
    await shows(desk, '#agent-state', '就绪');
    expect(await textOf(desk, '#agent-reason')).toBe('');
    expect(await desk.$('body.stale')).toBeNull();
    // The filed ticket was the last connection's news: the new one starts from what the server sends.
    expect(await desk.isHidden('#filed')).toBe(true);
  });

  it('switches language in place', async () => {
    await desk.click('#lang-switch');
    await expect.poll(() => desk.getAttribute('html', 'lang')).toBe('en');
    expect(await textOf(desk, '#agent-state')).toBe('Ready');
    expect(await textOf(desk, '#agent-heading')).toBe('My state');
    expect(await textOf(desk, '#user-role')).toBe('Agent');
    expect(await textOf(desk, '#lang-switch')).toBe('中文');
    expect(new URL(desk.url()).searchParams.get('lang')).toBe('en');
  });

  it('signs out: the session ends and the login form returns', async () => {
    await desk.click('#sign-out');
    await desk.waitForSelector('#login:not([hidden])');
    await shows(desk, '#login-notice', 'You have signed out.');
    expect(await desk.isHidden('#desk')).toBe(true);
    const status = await desk.evaluate(`fetch('/v1/sessions/current').then((response) => response.status)`);
    expect(status).toBe(401);
    await desk.reload();
    await desk.waitForSelector('#login:not([hidden])');
  });

  it('had no script error, console error or CSP violation on any page', () => {
    expect(problems).toEqual([]);
  });
});
