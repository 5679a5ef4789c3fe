// Given the whole gateway with its own call queue (real HTTP, real Redis, the simulator on the phone side) and staff
// accounts, when agents and a supervisor use the desk's WebSocket (a real `ws` client over loopback), then an agent
// logs in, goes ready, is offered a caller with the screen pop (number masked, IVR path, the caller's earlier web
// form with its status), answers, ends the call and files its work order, all over the socket; the supervisor sees
// every change on the floor with the same figures /metrics gives; every request is checked against the session's
// role; a malformed frame is answered naming its fault; a socket that reconnects is first sent the state as it is
// now; and the gateway's log names who did what but never holds a session token or a caller's number.

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/log/index.js';
import { RedisLimiter } from '../../../src/adapters/limits/redis-limiter.js';
import { RedisStaffAccounts, RedisStaffSessions, ScryptHasher } from '../../../src/adapters/staff/index.js';
import type { FloorView } from '../../../src/app/acd/desk-views.js';
import { silentLog } from '../../../src/app/app-ports.js';
import { systemClock } from '../../../src/app/ports.js';
import { StaffAuth } from '../../../src/app/staff/staff-auth.js';
import { DeskClient, UpgradeRefused } from '../../support/desk-client.js';
import { agentDesk, until } from './agent-support.js';
import type { Harness } from './harness.js';
import { startHarness } from './harness.js';
import { LogLines, login, send, staffOf, TEST_SCRYPT_COST } from './staff-support.js';
import { singleUrl } from '../../support/redis.js';

const CALLER = '13911112222';
const PASSWORD = 'a long enough password';

let h: Harness;
let redis: Redis;
/** Staff sign-in on the gateway's Redis and prefix with sessions that last 1.5 s: the gateway sees them as its own. */
let shortStaff: StaffAuth;
let socketUrl: string;
let origin: string;
const logs = new LogLines();
/** Every token handed out in this file: none may ever be logged. */
const tokens: string[] = [];

function staffAuth(sessionTtlMs: number): StaffAuth {
  const prefix = h.gateway.config.intake.prefix;
  return new StaffAuth({
    accounts: new RedisStaffAccounts(redis, prefix),
    sessions: new RedisStaffSessions(redis, prefix),
    // Cheaper than production's cost, the same code.
    hasher: new ScryptHasher({ N: 2 ** 10, r: 8, p: 1 }),
    limiter: new RedisLimiter(redis, { prefix, log: silentLog }),
    clock: systemClock,
    log: silentLog,
    settings: { sessionTtlMs, failuresPerId: 100, failuresPerClient: 1000, failureWindowMs: 60_000 },
  });
}

beforeAll(async () => {
  h = await startHarness(
    {
      ACD_ANNOUNCE_EVERY: '0',
      ACD_OPTIONS_AFTER: '0',
      ACD_RING_TIMEOUT: '2s',
      ACD_WRAP_UP: '1m',
      ACD_WIDEN_EVERY: '0',
      ACD_OVERFLOW_AFTER: '0',
      ACD_SURVEY: 'off',
      STAFF_SCRYPT_COST: TEST_SCRYPT_COST,
    },
    // What the gateway logs is read at the end: no token, no caller number.
    { log: createLogger({ level: 'info', destination: logs }) },
  );
  redis = new Redis(singleUrl(h.gateway.config.redis));
  shortStaff = staffAuth(1500);
  socketUrl = `${h.gateway.httpUrl.replace(/^http/, 'ws')}/desk/socket`;
  origin = h.gateway.httpUrl;
  const staff = staffOf(h);
  await staff.saveAccount({ id: '7001', name: '王芳', role: 'agent', password: PASSWORD, endpoint: 'PJSIP/7001', skills: 'environment:1, zh:1' });
  await staff.saveAccount({ id: '7002', name: 'Zhang Min', role: 'agent', password: PASSWORD, endpoint: 'PJSIP/7002', skills: 'consultation:1, zh:1' });
  await staff.saveAccount({ id: '7003', name: 'Liu Yang', role: 'agent', password: PASSWORD, endpoint: 'PJSIP/7003', skills: 'consultation:1, zh:1' });
  await staff.saveAccount({ id: 'sup-7', name: 'Li Wei', role: 'supervisor', password: PASSWORD });
}, 60_000);

afterAll(async () => {
  redis?.disconnect();
  await h?.close();
});

/** Logs in over HTTP (`POST /v1/sessions`), as the pages do; `auth` signs in directly (the short sessions). */
async function tokenOf(userId: string, auth?: StaffAuth): Promise<string> {
  let token: string;
  if (auth === undefined) {
    token = (await login(h, userId, PASSWORD)).token;
  } else {
    const signed = await auth.login(userId, PASSWORD, '127.0.0.1');
    if (!signed.ok) throw new Error(`${userId} could not log in: ${signed.code}`);
    token = signed.token;
  }
  tokens.push(token);
  return token;
}

/** A socket of the gateway's own pages: the session cookie and the gateway's origin. */
async function pageSocket(userId: string): Promise<DeskClient> {
  const client = await DeskClient.open(socketUrl, { cookie: await tokenOf(userId), origin });
  await client.next('hello', `${userId}'s hello`);
  return client;
}

/** A socket of another program: no cookie, the token in the first frame. */
async function programSocket(userId: string): Promise<DeskClient> {
  const client = await DeskClient.open(socketUrl);
  client.sendRaw(JSON.stringify({ type: 'auth', token: await tokenOf(userId) }));
  await client.next('hello', `${userId}'s hello`);
  return client;
}

function agentOn(floor: FloorView, id: string): string | undefined {
  return floor.agents.find((a) => a.id === id)?.state;
}

/** The `hotline_acd_*` series of /metrics, as `name{labels}` → value. */
async function acdMetrics(): Promise<Map<string, number>> {
  const text = await (await fetch(`${h.gateway.httpUrl}/metrics`)).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(hotline_(?:acd|desk)_[a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) values.set(match[1], Number(match[2]));
  }
  return values;
}

describe('the desk socket through a call', () => {
  it('an agent logs in, goes ready, is offered the call with its pop, answers, ends it and files the work order; the supervisor sees each step', async () => {
    // Given the caller wrote in the web form before, from the number they call from
    const form = await fetch(`${h.gateway.httpUrl}/form/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ idempotencyKey: randomUUID(), text: '和平里小区门口的路灯坏了三天了', phone: CALLER }),
    });
    expect(form.status).toBe(201);
    const { ticket: formTicket } = (await form.json()) as { ticket: string };
    await h.gateway.intake.profiles.linker.flush();

    // And the agent's page logged in (the cookie the login sets) and connected, a second tab with the token in its
    // first frame
    const signedIn = await send<{ token: string }>(h, 'POST', '/v1/sessions', { origin }, { user: '7001', password: PASSWORD });
    expect(signedIn.status).toBe(201);
    tokens.push(signedIn.body.token);
    const cookie = /^hotline_staff=([^;]+);/.exec(signedIn.headers.get('set-cookie') ?? '')?.[1];
    expect(cookie).toBe(signedIn.body.token);
    const agent = await DeskClient.open(socketUrl, { cookie, origin });
    const hello = await agent.next('hello', 'the hello');
    expect(hello.session).toMatchObject({ userId: '7001', name: '王芳', role: 'agent' });
    expect(Date.parse(hello.session.expiresAt)).toBeGreaterThan(Date.now());
    expect(Math.abs(Date.parse(hello.serverTime) - Date.now())).toBeLessThan(60_000);
    expect((await agent.next('agent', 'the agent (not in the queue)')).agent).toBeNull();
    expect(await agent.next('call', 'no call')).toEqual({ type: 'call', phase: 'none', pop: null });
    await agent.next('queue', 'the queue');
    // Nothing else before the state: hello, agent, call, queue.
    expect(agent.received.slice(0, 4).map((m) => m.type)).toEqual(['hello', 'agent', 'call', 'queue']);
    const tab = await programSocket('7001');
    const supervisor = await programSocket('sup-7');
    const answeredBefore = (await supervisor.next('floor', 'the floor')).floor.queue.today.answered;
    expect(supervisor.received.slice(0, 3).map((m) => m.type)).toEqual(['hello', 'queue', 'floor']);
    const sockets = await acdMetrics();
    expect(sockets.get('hotline_desk_sockets{role="agent"}')).toBe(2);
    expect(sockets.get('hotline_desk_sockets{role="supervisor"}')).toBe(1);

    // When the agent logs in (phone and skills from their account): paused
    const login = await agent.request({ type: 'login' });
    expect(login).toMatchObject({ ok: true, agent: { id: '7001', endpoint: 'PJSIP/7001', skillsText: 'environment:1, zh:1', state: 'paused' } });
    await agent.next('agent', 'the agent paused', (m) => m.agent?.state === 'paused');
    await tab.next('agent', 'the agent paused in the other tab', (m) => m.agent?.state === 'paused');
    await supervisor.next('floor', 'the agent paused on the floor', (m) => agentOn(m.floor, '7001') === 'paused');

    // And a caller chooses a complaint about the environment while the agent is still paused: the call waits
    const caller = await h.call(CALLER);
    await h.sim.sendDigits(caller, '32');
    const waiting = await supervisor.next('floor', 'the waiting call on the floor', (m) => m.floor.waitingCalls.some((c) => c.callId === caller));
    expect(waiting.floor.queue.waiting).toBe(1);
    // Routed by the category the caller chose.
    expect(waiting.floor.waitingCalls[0]).toMatchObject({ callId: caller, skill: 'environment', lang: 'zh' });
    expect(waiting.floor.waitingCalls[0]?.waitedSeconds).toBeGreaterThanOrEqual(0);
    await agent.next('queue', 'the queue with the waiting caller', (m) => m.queue.waiting === 1);

    // When the agent goes ready: the call is offered with its screen pop, in both tabs
    expect(await agent.request({ type: 'ready' })).toMatchObject({ ok: true, agent: { state: expect.stringMatching(/^(ready|reserved|ringing)$/) } });
    const offered = await agent.next('call', 'the offered call', (m) => m.phase === 'offered');
    expect(offered.pop).toMatchObject({
      callId: caller,
      callerMasked: '139****2222',
      lang: 'zh',
      queueSkill: 'complaint',
      category: 'environment',
      answeredAt: null,
      historyUnavailable: false,
    });
    expect(offered.pop?.ivrPath).toContain('complaint-queue');
    expect(offered.pop?.waitedSeconds).toBeGreaterThanOrEqual(0);
    expect(offered.pop?.history?.contacts).toContainEqual(expect.objectContaining({ channel: 'web', ticket: formTicket, status: 'received' }));
    expect(offered.pop?.history?.openCases.map((c) => c.ticket)).toContain(formTicket);
    expect(JSON.stringify(agent.received)).not.toContain(CALLER);
    await tab.next('call', 'the offered call in the other tab', (m) => m.phase === 'offered' && m.pop?.callId === caller);

    // Then the phone answers: the call is answered, the pop again with the answer's time
    const leg = (await h.sim.waitForOutboundChannel('PJSIP/7001')).id;
    await h.sim.waitForBridgeWith(leg);
    const answered = await agent.next('call', 'the answered call', (m) => m.phase === 'answered');
    expect(answered.pop?.callId).toBe(caller);
    expect(answered.pop?.answeredAt).not.toBeNull();
    await agent.next('agent', 'the agent on the call', (m) => m.agent?.state === 'onCall' && m.agent.callId === caller);

    // And the supervisor sees them on the call and the answer counted, as /metrics does
    const onCall = await supervisor.next('floor', 'the agent on the call on the floor', (m) => agentOn(m.floor, '7001') === 'onCall' && m.floor.queue.today.answered === answeredBefore + 1);
    expect(onCall.floor.waitingCalls).toEqual([]);
    const figures = onCall.floor.queue;
    const metrics = await until('/metrics with the answered call', async () => {
      const values = await acdMetrics();
      return values.get('hotline_acd_calls_today{outcome="answered"}') === figures.today.answered && values.get('hotline_acd_agents{state="onCall"}') === figures.agentsByState.onCall ? values : null;
    });
    expect(metrics.get('hotline_acd_waiting_calls')).toBe(figures.waiting);
    expect(metrics.get('hotline_acd_calls_today{outcome="queued"}')).toBe(figures.today.queued);
    expect(metrics.get('hotline_acd_calls_today{outcome="offered"}')).toBe(figures.today.offered);
    expect(metrics.get('hotline_acd_calls_today{outcome="answered_in_time"}')).toBe(figures.today.answeredInTime);
    expect(metrics.get('hotline_acd_calls_today{outcome="abandoned"}')).toBe(figures.today.abandoned);
    expect(metrics.get('hotline_acd_service_level')).toBe(figures.serviceLevel);
    for (const [state, count] of Object.entries(figures.agentsByState)) expect(metrics.get(`hotline_acd_agents{state="${state}"}`), state).toBe(count);
    // The supervisor's own queue message says the same.
    expect((await supervisor.next('queue', 'the queue with the answer', (m) => m.queue.today.answered === answeredBefore + 1)).queue.serviceLevel).toBe(figures.serviceLevel);

    // When the agent ends the call from the desk: the call ends, the agent is in wrap-up
    expect(await agent.request({ type: 'hangup' })).toMatchObject({ ok: true, agent: { state: 'onCall', callId: caller } });
    await h.sim.waitForHangup(leg);
    const ended = await agent.next('call', 'the ended call', (m) => m.phase === 'ended');
    expect(ended.pop?.callId).toBe(caller);
    await agent.next('agent', 'the agent in wrap-up', (m) => m.agent?.state === 'wrapUp');
    await supervisor.next('floor', 'the agent in wrap-up on the floor', (m) => agentOn(m.floor, '7001') === 'wrapUp');

    // And files the work order: the reply carries its ticket, and the agent is ready again
    const wrapped = await agent.request({
      type: 'wrapUp',
      workOrder: { kind: 'complaint', category: 'environment', matter: 'Street light out at the gate of Hepingli', disposition: 'dispatched', department: 'Dongcheng city management' },
    });
    expect(wrapped).toMatchObject({ ok: true, agent: { state: 'ready', callId: null } });
    if (!wrapped.ok || wrapped.workOrder === undefined) throw new Error('no work order in the reply');
    expect(wrapped.workOrder.ticket).toMatch(/^\d{12}$/);
    await agent.next('call', 'no call after the wrap-up', (m) => m.phase === 'none');
    await agent.next('agent', 'the agent ready', (m) => m.agent?.state === 'ready');
    await supervisor.next('floor', 'the agent ready on the floor', (m) => agentOn(m.floor, '7001') === 'ready');
    const record = await until('the work order', () => h.gateway.intake.intake.getByTicket(wrapped.workOrder?.ticket ?? ''));
    expect(record.submission.call).toMatchObject({ agentId: '7001', disposition: 'dispatched' });

    expect(await agent.request({ type: 'logout' })).toMatchObject({ ok: true, agent: { state: 'offline' } });
    await supervisor.next('floor', 'the agent offline on the floor', (m) => agentOn(m.floor, '7001') === undefined || agentOn(m.floor, '7001') === 'offline');
    for (const client of [agent, tab, supervisor]) client.close();
    await Promise.all([agent.closed, tab.closed, supervisor.closed]);
    await until('the sockets counted closed', async () => ((await acdMetrics()).get('hotline_desk_sockets{role="agent"}') === 0 ? true : null));
  });
});

describe('the desk socket refuses', () => {
  it('a request the role does not allow (wrong_role), and an agent acting for another agent (not_your_agent, not_your_call)', async () => {
    const agent = await pageSocket('7002');
    const supervisor = await pageSocket('sup-7');
    expect(await agent.request({ type: 'pauseAgent', agentId: '7003', reason: 'lunch' })).toMatchObject({ ok: false, error: { code: 'wrong_role' } });
    expect(await agent.request({ type: 'logoutAgent', agentId: '7003' })).toMatchObject({ ok: false, error: { code: 'wrong_role' } });
    for (const type of ['ready', 'hangup', 'login', 'transfer']) {
      expect(await supervisor.request({ type }), type).toMatchObject({ ok: false, error: { code: 'wrong_role' } });
    }
    expect(await supervisor.request({ type: 'wrapUp', workOrder: {} })).toMatchObject({ ok: false, error: { code: 'wrong_role' } });

    // Given agent 7003 on a call (a consultation)
    await agentDesk(h).login({ agentId: '7003', endpoint: 'PJSIP/7003', skills: 'consultation:1, zh:1' });
    await agentDesk(h).ready('7003');
    const caller = await h.call('13800007003');
    await h.sim.sendDigits(caller, '2');
    const leg = (await h.sim.waitForOutboundChannel('PJSIP/7003')).id;
    await h.sim.waitForBridgeWith(leg);
    // Then agent 7002 can neither end, transfer nor file it
    for (const request of [{ type: 'hangup', agentId: '7003' }, { type: 'transfer', agentId: '7003' }, { type: 'ready', agentId: '7003' }, { type: 'wrapUp', agentId: '7003', workOrder: { kind: 'consultation', category: 'other', matter: 'x', disposition: 'answered' } }]) {
      expect(await agent.request(request), request.type).toMatchObject({ ok: false, error: { code: 'not_your_agent' } });
    }
    await agent.request({ type: 'login' });
    const notYours = await agent.request({ type: 'wrapUp', callId: caller, workOrder: { kind: 'consultation', category: 'other', matter: 'x', disposition: 'answered' } });
    expect(notYours).toMatchObject({ ok: false, error: { code: 'not_your_call' } });
    expect((await agentDesk(h).agent('7003'))?.state).toBe('onCall');

    // And the supervisor may pause and log out another agent (logged as theirs)
    expect(await agent.request({ type: 'ready' })).toMatchObject({ ok: true, agent: { state: 'ready' } });
    expect(await supervisor.request({ type: 'pauseAgent', agentId: '7002', reason: 'coaching' })).toMatchObject({ ok: true, agent: { id: '7002', state: 'paused', reason: 'coaching' } });
    await agent.next('agent', 'the agent paused by the supervisor', (m) => m.agent?.state === 'paused' && m.agent.reason === 'coaching');
    expect(await supervisor.request({ type: 'logoutAgent', agentId: '7003' })).toMatchObject({ ok: true, agent: { id: '7003', state: 'offline' } });
    h.sim.hangup(caller);
    await agent.request({ type: 'logout' });
    agent.close();
    supervisor.close();
  });

  it('a malformed frame with bad_request naming the problem, and a bad field with invalid naming it', async () => {
    const agent = await pageSocket('7002');
    const cases: [string, string | null, string][] = [
      ['{not json', null, '(frame)'],
      ['[1,2]', null, '(frame)'],
      [JSON.stringify({ id: 'a1', type: 'dance' }), 'a1', 'type'],
      [JSON.stringify({ type: 'ready' }), null, 'id'],
      [JSON.stringify({ id: 'a2', type: 'pause' }), 'a2', 'reason'],
      [JSON.stringify({ id: 'a3', type: 'ready', extension: '7002' }), 'a3', 'extension'],
      [JSON.stringify({ id: 'a4', type: 'wrapUp', workOrder: 'done' }), 'a4', 'workOrder'],
      [JSON.stringify({ id: 'a5', type: 'pause', reason: 5 }), 'a5', 'reason'],
      [JSON.stringify({ id: 'a6', type: 'ready', padding: 'x'.repeat(40_000) }), null, '(frame)'],
    ];
    for (const [frame, re, field] of cases) {
      agent.sendRaw(frame);
      const reply = await agent.next('reply', `the refusal of ${frame.slice(0, 40)}`, (m) => !m.ok);
      if (reply.ok) throw new Error('accepted');
      expect(reply.re, frame.slice(0, 40)).toBe(re);
      expect(reply.error.code).toBe('bad_request');
      expect(reply.error.problems?.map((p) => p.field), frame.slice(0, 40)).toContain(field);
      expect(reply.error.message).toContain(field);
    }
    const badSkills = await agent.request({ type: 'login', skills: 'environment:0' });
    expect(badSkills).toMatchObject({ ok: false, error: { code: 'invalid', problems: [{ field: 'skills' }] } });
    const badOrder = await agent.request({ type: 'wrapUp', workOrder: { kind: 'complaint', category: 'environment', matter: 'Noise', disposition: 'dispatched' } });
    expect(badOrder).toMatchObject({ ok: false, error: { code: 'invalid' } });
    if (badOrder.ok) return;
    expect(badOrder.error.problems?.map((p) => p.field)).toContain('workOrder.department');
    // Still open and answering after all that.
    expect(await agent.request({ type: 'login' })).toMatchObject({ ok: true, agent: { state: 'paused' } });
    expect(await agent.request({ type: 'logout' })).toMatchObject({ ok: true, agent: { state: 'offline' } });
    agent.close();
  });

  it('a socket without a session (4401), and a page of another site at the upgrade (403)', async () => {
    const anonymous = await DeskClient.open(socketUrl, { origin });
    anonymous.sendRaw(JSON.stringify({ id: 'x', type: 'ready' }));
    expect((await anonymous.closed).code).toBe(4401);
    const forged = await DeskClient.open(socketUrl, { cookie: `hs1_${'A'.repeat(43)}`, origin });
    expect((await forged.closed).code).toBe(4401);
    const wrongToken = await DeskClient.open(socketUrl);
    wrongToken.sendRaw(JSON.stringify({ type: 'auth', token: 'hs1_nope' }));
    expect((await wrongToken.closed).code).toBe(4401);
    expect(anonymous.received.concat(forged.received, wrongToken.received)).toEqual([]);

    const token = await tokenOf('7002');
    for (const foreign of ['https://evil.example', 'http://127.0.0.1:1', 'null']) {
      const refused = await DeskClient.open(socketUrl, { cookie: token, origin: foreign }).then(
        () => null,
        (err: unknown) => err,
      );
      expect(refused, foreign).toBeInstanceOf(UpgradeRefused);
      expect((refused as UpgradeRefused).status).toBe(403);
    }
    const elsewhere = await DeskClient.open(`${h.gateway.httpUrl.replace(/^http/, 'ws')}/other/socket`).then(
      () => null,
      (err: unknown) => err,
    );
    expect((elsewhere as UpgradeRefused).status).toBe(404);
  });

  it('a session that expires: `expired`, then 4401; a revoked session at its next request', async () => {
    const expiring = await DeskClient.open(socketUrl, { cookie: await tokenOf('7002', shortStaff), origin });
    const hello = await expiring.next('hello', 'the hello');
    expect(Date.parse(hello.session.expiresAt) - Date.now()).toBeLessThanOrEqual(1500);
    await expiring.next('expired', 'the session expired');
    expect((await expiring.closed).code).toBe(4401);

    const token = await tokenOf('7002');
    const revoked = await DeskClient.open(socketUrl, { cookie: token, origin });
    await revoked.next('queue', 'the queue');
    expect((await send(h, 'DELETE', '/v1/sessions/current', { token })).status).toBe(204);
    expect(await revoked.request({ type: 'login' })).toMatchObject({ ok: false, error: { code: 'expired' } });
    await revoked.next('expired', 'the session ended');
    expect((await revoked.closed).code).toBe(4401);
    expect((await agentDesk(h).agent('7002'))?.state ?? 'offline').toBe('offline');

    // And the ended session opens no new socket.
    const again = await DeskClient.open(socketUrl, { cookie: token, origin });
    expect((await again.closed).code).toBe(4401);
  });
});

describe('a desk socket that reconnects', () => {
  it('is first sent the state as it is now: the call ended meanwhile, the agent in wrap-up', async () => {
    const agent = await pageSocket('7001');
    // Another phone than the account's (a hot desk), named in the login.
    expect(await agent.request({ type: 'login', endpoint: 'PJSIP/7101' })).toMatchObject({ ok: true, agent: { endpoint: 'PJSIP/7101', skillsText: 'environment:1, zh:1' } });
    await agent.request({ type: 'ready' });
    const caller = await h.call('13900007001');
    await h.sim.sendDigits(caller, '32');
    const leg = (await h.sim.waitForOutboundChannel('PJSIP/7101')).id;
    await h.sim.waitForBridgeWith(leg);
    await agent.next('call', 'the answered call', (m) => m.phase === 'answered');

    // When the socket drops mid-call and the caller hangs up meanwhile
    agent.ws.terminate();
    await agent.closed;
    h.sim.hangup(caller);
    await until('the agent in wrap-up', async () => {
      return (await agentDesk(h).agent('7001'))?.state === 'wrapUp' ? true : null;
    });

    // Then the new socket's first messages are the state now
    const again = await DeskClient.open(socketUrl, { cookie: await tokenOf('7001'), origin });
    await again.next('queue', 'the state');
    expect(again.received.slice(0, 4).map((m) => m.type)).toEqual(['hello', 'agent', 'call', 'queue']);
    expect(again.received[1]).toMatchObject({ type: 'agent', agent: { id: '7001', state: 'wrapUp', callId: caller } });
    expect(again.received[2]).toMatchObject({ type: 'call', phase: 'ended', pop: { callId: caller, callerMasked: '139****7001' } });
    await again.request({ type: 'logout' });
    again.close();
  });
});

describe('what the gateway logged', () => {
  it('names who did what, and never a session token or a caller number', () => {
    expect(logs.find('desk socket opened').length).toBeGreaterThan(0);
    expect(logs.find('supervisor paused an agent')).toContainEqual(expect.objectContaining({ agentId: '7002', supervisorId: 'sup-7', reason: 'coaching' }));
    expect(logs.find('supervisor logged an agent out')).toContainEqual(expect.objectContaining({ agentId: '7003', supervisorId: 'sup-7' }));
    expect(logs.find('desk request done')).toContainEqual(expect.objectContaining({ type: 'wrapUp', agentId: '7001', userId: '7001', role: 'agent' }));
    expect(tokens.length).toBeGreaterThan(5);
    for (const token of tokens) expect(logs.text).not.toContain(token);
    for (const number of [CALLER, '13900007001', '13800007003']) expect(logs.text).not.toContain(number);
  });
});
