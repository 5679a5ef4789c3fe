// Given the whole gateway with its own call queue (real HTTP, real Redis, the simulator on the phone side) and staff
// accounts (agents and a supervisor), when staff log in at /v1/sessions and drive /v1/agents and /v1/queue with
// their session (a bearer token, or the cookie as the desktop sends it), then every step is checked on the server
// against the session's role at every request: nothing is done without a live session, an agent acts only for
// themselves and never on another agent's call, a supervisor watches the floor and may pause or log out an agent
// (logged as theirs) but takes no call steps, and a cookie-borne change from another site's page is refused.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, writeApiKeysFile } from '../../../src/adapters/api-keys/index.js';
import { createLogger } from '../../../src/adapters/log/index.js';
import type { Harness } from './harness.js';
import { startHarness } from './harness.js';
import { until } from './agent-support.js';
import { LogLines, login, send, staffOf, TEST_SCRYPT_COST } from './staff-support.js';
import type { Credentials, Reply } from './staff-support.js';

interface AgentBody {
  id: string;
  endpoint: string;
  skillsText: string;
  state: string;
  reason: string | null;
  callId: string | null;
}
interface ErrorBody {
  error: string;
  code: string;
  problems?: { field: string; message: string }[];
}

const PASSWORDS = { '7001': 'wang fang takes calls', '7002': 'zhang min takes calls', '7003': 'chen jie has no phone', '7009': 'guess this one if you can', 'sup-1': 'li wei watches the floor' } as const;
// Agents that are not meant to take a call speak no Chinese: the simulated callers of the hotline do.
const IDLE_SKILLS = 'environment:1, en:2';
const WORK_ORDER = { kind: 'consultation', category: 'other', matter: 'Where to renew a residence permit', disposition: 'referred' };

/** Every route of the agents' side, with the body it needs, on agent `a` where it is about one. */
const ROUTES: readonly { readonly step: string; readonly method: string; path(a: string): string; readonly body?: unknown }[] = [
  { step: 'agent.login', method: 'PUT', path: (a) => `/v1/agents/${a}/session`, body: { endpoint: 'PJSIP/7002', skills: IDLE_SKILLS } },
  { step: 'agent.logout', method: 'DELETE', path: (a) => `/v1/agents/${a}/session` },
  { step: 'agent.ready', method: 'POST', path: (a) => `/v1/agents/${a}/ready` },
  { step: 'agent.pause', method: 'POST', path: (a) => `/v1/agents/${a}/pause`, body: { reason: 'someone else said so' } },
  { step: 'agent.wrapUp', method: 'POST', path: (a) => `/v1/agents/${a}/wrap-up`, body: { workOrder: WORK_ORDER } },
  { step: 'agent.hangup', method: 'POST', path: (a) => `/v1/agents/${a}/hangup` },
  { step: 'agent.transfer', method: 'POST', path: (a) => `/v1/agents/${a}/transfer`, body: { skill: 'environment' } },
  { step: 'agent.read', method: 'GET', path: (a) => `/v1/agents/${a}` },
  { step: 'agent.read', method: 'GET', path: (a) => `/v1/agents/${a}/call` },
  { step: 'agents.list', method: 'GET', path: () => '/v1/agents' },
  { step: 'queue.read', method: 'GET', path: () => '/v1/queue' },
  { step: 'floor.watch', method: 'GET', path: () => '/v1/queue/calls' },
];
const route = (step: string): (typeof ROUTES)[number] => ROUTES.find((r) => r.step === step) as (typeof ROUTES)[number];

let h: Harness;
let own: string;
let agentsKey: string;
const logs = new LogLines();
/** Every token handed out in this file: none may ever be logged. */
const tokens: string[] = [];

async function sessionOf(user: keyof typeof PASSWORDS): Promise<string> {
  const { token } = await login(h, user, PASSWORDS[user]);
  tokens.push(token);
  return token;
}

function agentOf(reply: Reply): AgentBody {
  expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(300);
  expect(reply.headers.get('cache-control')).toBe('no-store');
  return (reply.body as { agent: AgentBody }).agent;
}

function refused(reply: Reply, status: number, code: string): ErrorBody {
  expect({ status: reply.status, code: (reply.body as unknown as ErrorBody).code }, JSON.stringify(reply.body)).toEqual({ status, code });
  return reply.body as unknown as ErrorBody;
}

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'staff-api-'));
  const connector = createApiKey({ name: 'CTI connector', scopes: ['agents'], rateLimitPerMinute: 1000 });
  agentsKey = connector.key;
  await writeApiKeysFile(join(dataDir, 'api-keys.json'), { keys: [connector.entry] });
  h = await startHarness(
    {
      DATA_DIR: dataDir,
      API_KEYS_FILE: join(dataDir, 'api-keys.json'),
      ACD_ANNOUNCE_EVERY: '0',
      ACD_OPTIONS_AFTER: '0',
      ACD_RING_TIMEOUT: '2s',
      ACD_WRAP_UP: '1m',
      ACD_WIDEN_EVERY: '0',
      ACD_OVERFLOW_AFTER: '0',
      ACD_SURVEY: 'off',
      STAFF_SCRYPT_COST: TEST_SCRYPT_COST,
      STAFF_LOGIN_FAILURES: '3',
      // Every request of this file comes from 127.0.0.1: the per-address count is tested on its own gateway below.
      STAFF_LOGIN_FAILURES_PER_IP: '1000',
    },
    { log: createLogger({ level: 'info', destination: logs }) },
  );
  own = h.gateway.httpUrl;
  const staff = staffOf(h);
  await staff.saveAccount({ id: '7001', name: '王芳', role: 'agent', password: PASSWORDS['7001'], endpoint: 'PJSIP/7001', skills: 'consultation:1, zh:1' });
  await staff.saveAccount({ id: '7002', name: 'Zhang Min', role: 'agent', password: PASSWORDS['7002'], endpoint: 'PJSIP/7002', skills: IDLE_SKILLS });
  await staff.saveAccount({ id: '7003', name: 'Chen Jie', role: 'agent', password: PASSWORDS['7003'] });
  await staff.saveAccount({ id: '7009', name: 'Zhao Lei', role: 'agent', password: PASSWORDS['7009'] });
  await staff.saveAccount({ id: 'sup-1', name: 'Li Wei', role: 'supervisor', password: PASSWORDS['sup-1'] });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('POST /v1/sessions: staff log in', () => {
  it('with the right password: the token, its expiry and who, and the cookie for the desktop; the session is read back by token and by cookie', async () => {
    const before = Date.now();
    const reply = await send<{ token: string; expiresAt: string; user: unknown }>(h, 'POST', '/v1/sessions', {}, { user: '7001', password: PASSWORDS['7001'] });
    expect(reply.status).toBe(201);
    const { token, expiresAt, user } = reply.body;
    tokens.push(token);
    expect(token).toMatch(/^hs1_[A-Za-z0-9_-]{43}$/);
    expect(user).toEqual({ id: '7001', name: '王芳', role: 'agent' });
    // STAFF_SESSION_TTL's default: a shift.
    expect(Date.parse(expiresAt) - before).toBeGreaterThanOrEqual(10 * 3_600_000 - 1000);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(10 * 3_600_000);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    // Over plain http with STAFF_COOKIE_SECURE=auto: no Secure (the browser would drop a Secure cookie sent over http).
    expect(reply.headers.get('set-cookie')).toBe(`hotline_staff=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=36000`);

    for (const credentials of [{ token }, { cookie: token }] as Credentials[]) {
      const current = await send(h, 'GET', '/v1/sessions/current', credentials);
      expect(current.status).toBe(200);
      expect(current.headers.get('cache-control')).toBe('no-store');
      expect(current.body).toMatchObject({ expiresAt, user: { id: '7001', name: '王芳', role: 'agent' } });
      expect(current.body['id']).toMatch(/^[A-Za-z0-9_-]{16}$/);
      expect(JSON.stringify(current.body)).not.toContain(token);
    }
    const anonymous = await send(h, 'GET', '/v1/sessions/current');
    refused(anonymous, 401, 'SESSION_REQUIRED');
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="hotline-gateway"');
  });

  it('refuses a wrong password and an unknown id with the same 401, and throttles guessing at one id with 429 and Retry-After', async () => {
    const wrong = await send(h, 'POST', '/v1/sessions', {}, { user: '7001', password: 'not the password at all' });
    const unknown = await send(h, 'POST', '/v1/sessions', {}, { user: 'nobody', password: PASSWORDS['7001'] });
    expect(refused(wrong, 401, 'INVALID_CREDENTIALS')).toEqual(refused(unknown, 401, 'INVALID_CREDENTIALS'));
    expect(wrong.headers.get('set-cookie')).toBeNull();

    // STAFF_LOGIN_FAILURES=3: after three wrong passwords for 7009, even the right one is refused for a while.
    for (let i = 0; i < 3; i += 1) refused(await send(h, 'POST', '/v1/sessions', {}, { user: '7009', password: `guess number ${i}` }), 401, 'INVALID_CREDENTIALS');
    const throttled = await send(h, 'POST', '/v1/sessions', {}, { user: '7009', password: PASSWORDS['7009'] });
    refused(throttled, 429, 'TOO_MANY_ATTEMPTS');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(throttled.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
    expect(throttled.headers.get('set-cookie')).toBeNull();
    // Nobody else is locked out by it.
    await sessionOf('7002');
  });

  it('refuses a body without a field naming it, and a login from a page of another site', async () => {
    const noPassword = refused(await send(h, 'POST', '/v1/sessions', {}, { user: '7001' }), 400, 'VALIDATION_FAILED');
    expect(noPassword.problems?.map((p) => p.field)).toEqual(['password']);
    refused(await send(h, 'POST', '/v1/sessions', { origin: 'https://evil.example' }, { user: '7001', password: PASSWORDS['7001'] }), 403, 'CROSS_SITE');
    // The gateway's own login page is fine.
    expect((await send(h, 'POST', '/v1/sessions', { origin: own }, { user: '7001', password: PASSWORDS['7001'] })).status).toBe(201);
  });

  it('logs out: the session ends at once for every request, and the cookie is cleared', async () => {
    const token = await sessionOf('7002');
    const out = await send(h, 'DELETE', '/v1/sessions/current', { cookie: token, origin: own });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toBe('hotline_staff=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0');
    refused(await send(h, 'GET', '/v1/sessions/current', { token }), 401, 'SESSION_INVALID');
    const after = await send(h, 'GET', '/v1/agents/7002', { token });
    refused(after, 401, 'SESSION_INVALID');
    expect(after.headers.get('www-authenticate')).toBe('Bearer realm="hotline-gateway", error="invalid_token"');
    // The browser still holding the cookie is told again to drop it.
    const again = await send(h, 'DELETE', '/v1/sessions/current', { cookie: token, origin: own });
    refused(again, 401, 'SESSION_INVALID');
    expect(again.headers.get('set-cookie')).toContain('Max-Age=0');
  });
});

describe('/v1/agents and /v1/queue with a staff session', () => {
  it('refuse every operation without a session (401 SESSION_REQUIRED) and with an unknown, ended or disabled one (401 SESSION_INVALID)', async () => {
    const ended = await sessionOf('7001');
    expect((await send(h, 'DELETE', '/v1/sessions/current', { token: ended })).status).toBe(204);
    const disabled = await sessionOf('7003');
    await staffOf(h).setDisabled('7003', true);
    const unknown = `hs1_${'A'.repeat(43)}`;
    for (const { method, path, body, step } of ROUTES) {
      const target = step === 'agent.login' ? '7003' : '7001';
      const none = await send(h, method, path(target), {}, body);
      refused(none, 401, 'SESSION_REQUIRED');
      expect(none.headers.get('www-authenticate'), step).toBe('Bearer realm="hotline-gateway"');
      expect(none.body['error']).toContain('/v1/sessions');
      for (const token of [unknown, ended, disabled]) refused(await send(h, method, path(target), { token }, body), 401, 'SESSION_INVALID');
    }
    refused(await send(h, 'GET', '/v1/agents/7001', { cookie: unknown }), 401, 'SESSION_INVALID');
    await staffOf(h).setDisabled('7003', false);
    // Nothing was done on anyone's behalf.
    refused(await send(h, 'GET', '/v1/agents/7001', { apiKey: agentsKey }), 404, 'UNKNOWN_AGENT');
  });

  it('let an agent act only for themselves: every step on another agent is 403 NOT_YOUR_AGENT; the agents list is for supervisors (403 WRONG_ROLE)', async () => {
    agentOf(await send(h, 'PUT', '/v1/agents/7002/session', { apiKey: agentsKey }, { endpoint: 'PJSIP/7002', skills: IDLE_SKILLS }));
    agentOf(await send(h, 'POST', '/v1/agents/7002/pause', { apiKey: agentsKey }, { reason: 'training' }));
    const other = await sessionOf('7001');
    for (const { method, path, body, step } of ROUTES.filter((r) => r.step.startsWith('agent.'))) {
      const refusal = refused(await send(h, method, path('7002'), { token: other }, body), 403, 'NOT_YOUR_AGENT');
      expect(refusal.error, step).toContain('7002');
    }
    refused(await send(h, 'GET', '/v1/agents', { token: other }), 403, 'WRONG_ROLE');
    refused(await send(h, 'GET', '/v1/queue/calls', { token: other }), 403, 'WRONG_ROLE');
    // The queue's figures are every agent's to see.
    expect((await send(h, 'GET', '/v1/queue', { token: other })).status).toBe(200);
    expect(agentOf(await send(h, 'GET', '/v1/agents/7002', { apiKey: agentsKey }))).toMatchObject({ state: 'paused', reason: 'training' });
  });

  it('let a supervisor watch, read and pause or log out any agent (logged as theirs), but take none of their call steps (403 WRONG_ROLE)', async () => {
    const supervisor = await sessionOf('sup-1');
    for (const step of ['agent.login', 'agent.ready', 'agent.wrapUp', 'agent.hangup', 'agent.transfer']) {
      const { method, path, body } = route(step);
      refused(await send(h, method, path('7002'), { token: supervisor }, body), 403, 'WRONG_ROLE');
    }
    const self = refused(await send(h, 'PUT', '/v1/agents/sup-1/session', { token: supervisor }, { endpoint: 'PJSIP/9', skills: IDLE_SKILLS }), 403, 'WRONG_ROLE');
    expect(self.error).toContain('takes no calls');

    const all = await send<{ agents: AgentBody[] }>(h, 'GET', '/v1/agents', { token: supervisor });
    expect(all.status).toBe(200);
    expect(all.body.agents.find((a) => a.id === '7002')?.state).toBe('paused');
    expect(agentOf(await send(h, 'GET', '/v1/agents/7002', { token: supervisor })).id).toBe('7002');
    expect((await send(h, 'GET', '/v1/queue', { token: supervisor })).status).toBe(200);
    expect(await send(h, 'GET', '/v1/queue/calls', { token: supervisor })).toMatchObject({ status: 200, body: { calls: [] } });
    expect(refused(await send(h, 'GET', '/v1/agents/7002/call', { token: supervisor }), 404, 'NO_CALL')).toMatchObject({ state: 'paused' });

    expect(agentOf(await send(h, 'POST', '/v1/agents/7002/pause', { token: supervisor }, { reason: 'team meeting' }))).toMatchObject({ state: 'paused', reason: 'team meeting' });
    expect(logs.find('a supervisor paused the agent').at(-1)).toMatchObject({ agentId: '7002', staffId: 'sup-1', staffRole: 'supervisor', reason: 'team meeting' });
    expect(agentOf(await send(h, 'DELETE', '/v1/agents/7002/session', { token: supervisor }))).toMatchObject({ state: 'offline' });
    expect(logs.find('a supervisor logged the agent out').at(-1)).toMatchObject({ agentId: '7002', staffId: 'sup-1', staffRole: 'supervisor' });
  });

  it("let an agent work their own shift: log in with their account's phone and skills (the body wins), go ready, pause and log out", async () => {
    const token = await sessionOf('7002');
    const joined = agentOf(await send(h, 'PUT', '/v1/agents/7002/session', { token }));
    expect(joined).toMatchObject({ id: '7002', endpoint: 'PJSIP/7002', skillsText: IDLE_SKILLS, state: 'paused' });
    expect(agentOf(await send(h, 'PUT', '/v1/agents/7002/session', { token }, { skills: 'environment:1, en:3' }))).toMatchObject({ endpoint: 'PJSIP/7002', skillsText: 'environment:1, en:3' });
    expect(agentOf(await send(h, 'POST', '/v1/agents/7002/ready', { token }))).toMatchObject({ state: 'ready' });
    expect(agentOf(await send(h, 'POST', '/v1/agents/7002/pause', { token }, { reason: 'lunch' }))).toMatchObject({ state: 'paused', reason: 'lunch' });
    expect(logs.find('agent paused through the API').at(-1)).toMatchObject({ agentId: '7002', staffId: '7002', staffRole: 'agent' });
    expect(agentOf(await send(h, 'DELETE', '/v1/agents/7002/session', { token }))).toMatchObject({ state: 'offline' });

    // An account without a phone or skills: the agent must give them, and the refusal says where they could come from.
    const noPhone = refused(await send(h, 'PUT', '/v1/agents/7003/session', { token: await sessionOf('7003') }), 400, 'VALIDATION_FAILED');
    expect(noPhone.problems?.map((p) => p.field)).toEqual(['endpoint', 'skills']);
    expect(noPhone.error).toContain('staff account 7003');
    // An integrator's key has no account to default to.
    const keyed = refused(await send(h, 'PUT', '/v1/agents/7003/session', { apiKey: agentsKey }, { skills: IDLE_SKILLS }), 400, 'VALIDATION_FAILED');
    expect(keyed.problems).toEqual([{ field: 'endpoint', message: 'is required' }]);
  });

  it('let an agent take a routed call and end and file it, while nobody else can end, transfer or file it', async () => {
    const agent = await sessionOf('7001');
    const colleague = await sessionOf('7002');
    const supervisor = await sessionOf('sup-1');
    // As the desktop does it: the cookie, from the gateway's own page.
    const desk: Credentials = { cookie: agent, origin: own };
    agentOf(await send(h, 'PUT', '/v1/agents/7001/session', desk));
    agentOf(await send(h, 'PUT', '/v1/agents/7002/session', { token: colleague }));
    agentOf(await send(h, 'POST', '/v1/agents/7001/ready', desk));

    const caller = await h.call('13911115555');
    await h.sim.sendDigits(caller, '2'); // a consultation
    const leg = (await h.sim.waitForOutboundChannel('PJSIP/7001')).id;
    await h.sim.waitForBridgeWith(leg);
    expect(agentOf(await send(h, 'GET', '/v1/agents/7001', desk))).toMatchObject({ state: 'onCall', callId: caller });

    // The screen pop: the agent's own, and the supervisor's; never a colleague's.
    const pop = await send<{ call: Record<string, unknown> }>(h, 'GET', '/v1/agents/7001/call', desk);
    expect(pop.status, JSON.stringify(pop.body)).toBe(200);
    expect(pop.headers.get('cache-control')).toBe('no-store');
    expect(pop.body.call).toMatchObject({ callId: caller, callerMasked: '139****5555', lang: 'zh', historyUnavailable: false });
    expect(pop.body.call['ivrPath']).toEqual(expect.arrayContaining([expect.any(String)]));
    expect(Date.parse(pop.body.call['answeredAt'] as string)).toBeGreaterThanOrEqual(Date.parse(pop.body.call['enqueuedAt'] as string));
    expect(JSON.stringify(pop.body)).not.toContain('13911115555');
    expect((await send(h, 'GET', '/v1/agents/7001/call', { token: supervisor })).body).toEqual(pop.body);
    refused(await send(h, 'GET', '/v1/agents/7001/call', { token: colleague }), 403, 'NOT_YOUR_AGENT');

    // A second caller waits (the only agent who speaks their language is busy): the supervisor sees them waiting.
    const waiting = await h.call('13911116666');
    await h.sim.sendDigits(waiting, '2');
    const calls = await until('the second caller waiting', async () => {
      const reply = await send<{ calls: { callId: string; waitedSeconds: number; lang: string }[] }>(h, 'GET', '/v1/queue/calls', { token: supervisor });
      return reply.body.calls.length === 1 ? reply.body.calls : null;
    });
    expect(calls[0]).toMatchObject({ callId: waiting, lang: 'zh' });
    expect(calls[0]?.waitedSeconds).toBeGreaterThanOrEqual(0);
    h.sim.hangup(waiting);

    for (const step of ['agent.hangup', 'agent.transfer', 'agent.wrapUp']) {
      const { method, path, body } = route(step);
      refused(await send(h, method, path('7001'), { token: colleague }, body), 403, 'NOT_YOUR_AGENT');
      refused(await send(h, method, path('7001'), { token: supervisor }, body), 403, 'WRONG_ROLE');
    }
    expect(agentOf(await send(h, 'GET', '/v1/agents/7001', desk))).toMatchObject({ state: 'onCall', callId: caller });
    expect(h.sim.channel(leg)?.state).toBe('Up');

    expect(agentOf(await send(h, 'POST', '/v1/agents/7001/hangup', desk)).id).toBe('7001');
    await h.sim.waitForHangup(leg);
    await until('the agent in wrap-up', async () => (agentOf(await send(h, 'GET', '/v1/agents/7001', desk)).state === 'wrapUp' ? true : null));
    // The colleague cannot file it as theirs either, naming the call on their own route.
    refused(await send(h, 'POST', '/v1/agents/7002/wrap-up', { token: colleague }, { workOrder: WORK_ORDER, callId: caller }), 403, 'NOT_YOUR_CALL');

    const wrapped = await send<{ agent: AgentBody; workOrder: { ticket: string } }>(h, 'POST', '/v1/agents/7001/wrap-up', desk, { workOrder: WORK_ORDER });
    expect(wrapped.status, JSON.stringify(wrapped.body)).toBe(200);
    expect(wrapped.body.agent).toMatchObject({ state: 'ready', callId: null });
    const record = await h.gateway.intake.intake.getByTicket(wrapped.body.workOrder.ticket);
    expect(record?.submission.call).toMatchObject({ agentId: '7001', disposition: 'referred' });
    agentOf(await send(h, 'DELETE', '/v1/agents/7001/session', desk));
    agentOf(await send(h, 'DELETE', '/v1/agents/7002/session', { token: colleague }));
  });
});

describe('the session cookie', () => {
  it("carries a change only from the gateway's own pages: another site's Origin or Referer, Origin null or neither is 403 CROSS_SITE; reads and bearer tokens are not affected", async () => {
    const token = await sessionOf('7002');
    agentOf(await send(h, 'PUT', '/v1/agents/7002/session', { token }));
    const pause = route('agent.pause');
    for (const from of [{ origin: 'https://evil.example' }, { origin: 'null' }, { referer: 'http://evil.example/page' }, { origin: own.replace(/:\d+$/, ':1') }, {}] as Credentials[]) {
      const refusal = refused(await send(h, 'POST', pause.path('7002'), { cookie: token, ...from }, pause.body), 403, 'CROSS_SITE');
      expect(refusal.error).toContain(own);
    }
    // Nothing changed; a read needs no Origin.
    expect(agentOf(await send(h, 'GET', '/v1/agents/7002', { cookie: token }))).toMatchObject({ state: 'paused', reason: 'logged in' });
    expect(agentOf(await send(h, 'POST', '/v1/agents/7002/ready', { cookie: token, origin: own }))).toMatchObject({ state: 'ready' });
    expect(agentOf(await send(h, 'POST', pause.path('7002'), { cookie: token, referer: `${own}/desk/` }, { reason: 'lunch' }))).toMatchObject({ state: 'paused', reason: 'lunch' });
    // A program's bearer token is never sent by a browser on its own: its Origin does not matter.
    expect(agentOf(await send(h, 'POST', '/v1/agents/7002/ready', { token, origin: 'https://evil.example' }))).toMatchObject({ state: 'ready' });
    agentOf(await send(h, 'DELETE', '/v1/agents/7002/session', { token }));
  });

  it('gives way to an API key sent with it: the key acts, as an integrator meant', async () => {
    const agentCookie = await sessionOf('7002');
    refused(await send(h, 'GET', '/v1/agents', { cookie: agentCookie }), 403, 'WRONG_ROLE');
    expect((await send(h, 'GET', '/v1/agents', { cookie: agentCookie, apiKey: agentsKey })).status).toBe(200);
  });
});

describe('/openapi.json', () => {
  it('documents the sessions, both ways of presenting one, and who may take each step on the agents\' routes', async () => {
    type Operation = { tags: string[]; description: string; security?: Record<string, unknown>[]; responses: Record<string, { description: string; headers?: Record<string, unknown> }> };
    const doc = (await (await fetch(`${own}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: Record<string, Record<string, string>> };
    };
    expect(doc.components.securitySchemes['staffSession']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes['staffCookie']).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'hotline_staff' });
    const loginOp = doc.paths['/v1/sessions']?.['post'];
    expect(loginOp?.tags).toEqual(['staff sessions']);
    expect(loginOp?.security).toEqual([]);
    expect(Object.keys(loginOp?.responses ?? {})).toEqual(expect.arrayContaining(['201', '400', '401', '403', '429']));
    expect(loginOp?.responses['201']?.headers).toHaveProperty('set-cookie');
    expect(doc.paths['/v1/sessions/current']?.['delete']?.security).toEqual([{ staffSession: [] }, { staffCookie: [] }]);
    const hangup = doc.paths['/v1/agents/{agentId}/hangup']?.['post'];
    expect(hangup?.security).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }, { staffSession: [] }, { staffCookie: [] }]);
    expect(hangup?.description).toContain('a staff session of the agent themselves (another agent: 403 `NOT_YOUR_AGENT`; a supervisor: 403 `WRONG_ROLE`)');
    expect(doc.paths['/v1/agents/{agentId}/pause']?.['post']?.description).toContain('of the agent themselves or of a supervisor');
    expect(doc.paths['/v1/agents']?.['get']?.description).toContain("a supervisor's staff session (an agent's: 403 `WRONG_ROLE`)");
    expect(hangup?.responses['403']?.description).toContain('NOT_YOUR_AGENT');
  });
});

describe('the log', () => {
  it('names who acted and never holds a session token or a password', () => {
    expect(logs.find('staff logged in').map((line) => line['userId'])).toEqual(expect.arrayContaining(['7001', '7002', 'sup-1']));
    expect(logs.find('staff login refused').length).toBeGreaterThanOrEqual(4);
    expect(tokens.length).toBeGreaterThan(5);
    for (const token of tokens) expect(logs.text).not.toContain(token.slice(4));
    for (const password of Object.values(PASSWORDS)) expect(logs.text).not.toContain(password);
  });
});

describe('an expired session (STAFF_SESSION_TTL=1s), and guessing from one address (STAFF_LOGIN_FAILURES_PER_IP=2)', () => {
  let short: Harness;
  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'staff-ttl-'));
    short = await startHarness({ DATA_DIR: dataDir, API_KEYS_FILE: join(dataDir, 'api-keys.json'), STAFF_SESSION_TTL: '1s', STAFF_SCRYPT_COST: TEST_SCRYPT_COST, STAFF_LOGIN_FAILURES_PER_IP: '2' });
    await staffOf(short).saveAccount({ id: '8001', name: 'Sun Li', role: 'agent', password: 'sun li takes calls', endpoint: 'PJSIP/8001', skills: IDLE_SKILLS });
    await staffOf(short).saveAccount({ id: 'sup-8', name: 'Zhou Yan', role: 'supervisor', password: 'zhou yan watches' });
  }, 60_000);
  afterAll(async () => {
    await short?.close();
  });

  it('is refused at every operation as soon as it has expired (401 SESSION_INVALID), and its cookie is only good for as long', async () => {
    const agent = await login(short, '8001', 'sun li takes calls');
    const supervisor = await login(short, 'sup-8', 'zhou yan watches');
    expect(Date.parse(agent.expiresAt) - Date.now()).toBeLessThanOrEqual(1000);
    const cookie = (await send(short, 'POST', '/v1/sessions', {}, { user: '8001', password: 'sun li takes calls' })).headers.get('set-cookie');
    expect(cookie).toMatch(/; Max-Age=1$/);
    await until(
      'the sessions to expire',
      async () => ((await send(short, 'GET', '/v1/sessions/current', { token: agent.token })).status === 401 && (await send(short, 'GET', '/v1/sessions/current', { token: supervisor.token })).status === 401 ? true : null),
      5000,
    );
    for (const { method, path, body } of ROUTES) {
      for (const token of [agent.token, supervisor.token]) refused(await send(short, method, path('8001'), { token }, body), 401, 'SESSION_INVALID');
    }
  });

  it('throttles logins from an address that guessed wrong too often, whatever the id', async () => {
    for (const user of ['8001', 'sup-8']) refused(await send(short, 'POST', '/v1/sessions', {}, { user, password: 'a wrong password' }), 401, 'INVALID_CREDENTIALS');
    const throttled = await send(short, 'POST', '/v1/sessions', {}, { user: '8001', password: 'sun li takes calls' });
    refused(throttled, 429, 'TOO_MANY_ATTEMPTS');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
