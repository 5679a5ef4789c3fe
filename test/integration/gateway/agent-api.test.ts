// Given the whole gateway with its own call queue (real HTTP, real Redis, the simulator on the phone side) and an
// integrator's key with the `agents` scope, when a CTI connector drives agents through /v1/agents, then they log in,
// go ready, pause with a reason and log out; an agent logged in this way takes a routed call and files its work
// order through the API; /v1/queue shows the figures. Without a key, or without the scope, nothing is done; bad
// bodies name the field, an unknown agent is 404, and a step the agent's state does not allow is 409 with the state.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, writeApiKeysFile } from '../../../src/adapters/api-keys/index.js';
import type { Harness } from './harness.js';
import { startHarness } from './harness.js';

interface AgentBody {
  id: string;
  endpoint: string;
  skills: { name: string; level: number }[];
  skillsText: string;
  state: string;
  reason: string | null;
  callId: string | null;
  since: string;
  idleSince: string;
}
interface ErrorBody {
  error: string;
  code: string;
  state?: string;
  problems?: { field: string; message: string }[];
}
interface QueueBody {
  waiting: number;
  longestWaitSeconds: number;
  agentsByState: Record<string, number>;
  today: { queued: number; offered: number; answered: number; abandoned: number; answeredInTime: number };
  serviceLevel: number;
  serviceLevelThresholdSeconds: number;
}

let h: Harness;
let agentsKey: string;
let readKey: string;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'agent-api-'));
  const connector = createApiKey({ name: 'CTI connector', scopes: ['agents'], rateLimitPerMinute: 1000 });
  const reader = createApiKey({ name: 'reader', scopes: ['read', 'history'], rateLimitPerMinute: 1000 });
  agentsKey = connector.key;
  readKey = reader.key;
  await writeApiKeysFile(join(dataDir, 'api-keys.json'), { keys: [connector.entry, reader.entry] });
  h = await startHarness({
    DATA_DIR: dataDir,
    API_KEYS_FILE: join(dataDir, 'api-keys.json'),
    ACD_ANNOUNCE_EVERY: '0',
    ACD_OPTIONS_AFTER: '0',
    ACD_RING_TIMEOUT: '2s',
    ACD_WRAP_UP: '1m',
    ACD_WIDEN_EVERY: '0',
    ACD_OVERFLOW_AFTER: '0',
    ACD_SURVEY: 'off',
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

async function api<T = AgentBody>(method: string, path: string, body?: unknown, key: string | null = agentsKey): Promise<{ status: number; body: T; cacheControl: string | null }> {
  const headers: Record<string, string> = {};
  if (key !== null) headers['authorization'] = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${h.gateway.httpUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, body: (await response.json()) as T, cacheControl: response.headers.get('cache-control') };
}

async function agentOf(method: string, path: string, body?: unknown): Promise<AgentBody> {
  const response = await api<{ agent: AgentBody }>(method, path, body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect(response.cacheControl).toBe('no-store');
  return response.body.agent;
}

async function refusal(method: string, path: string, body?: unknown, key: string | null = agentsKey): Promise<{ status: number; body: ErrorBody }> {
  const response = await api<ErrorBody>(method, path, body, key);
  return { status: response.status, body: response.body };
}

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Agents that are not meant to take a call speak no Chinese: the simulated callers of the hotline do.
const IDLE_SKILLS = 'environment:1, en:2';

describe('/v1/agents: an agent through their shift', () => {
  it('logs in (paused), goes ready, is seen ready, pauses with a reason and logs out', async () => {
    const before = Date.now();
    const login = await agentOf('PUT', '/v1/agents/5001/session', { endpoint: 'PJSIP/5001', skills: 'Environment:1, en:2' });
    expect(login).toMatchObject({ id: '5001', endpoint: 'PJSIP/5001', state: 'paused', callId: null, skillsText: 'environment:1, en:2' });
    expect(login.skills).toEqual([{ name: 'environment', level: 1 }, { name: 'en', level: 2 }]);
    expect(Date.parse(login.since)).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(login.since).toISOString()).toBe(login.since);

    const ready = await agentOf('POST', '/v1/agents/5001/ready');
    expect(ready).toMatchObject({ state: 'ready', reason: null });
    expect(Date.parse(ready.idleSince)).toBeGreaterThanOrEqual(Date.parse(login.since));

    expect(await agentOf('GET', '/v1/agents/5001')).toMatchObject({ id: '5001', state: 'ready' });
    const all = await api<{ agents: AgentBody[] }>('GET', '/v1/agents');
    expect(all.status).toBe(200);
    expect(all.cacheControl).toBe('no-store');
    expect(all.body.agents.find((a) => a.id === '5001')?.state).toBe('ready');

    expect(await agentOf('POST', '/v1/agents/5001/pause', { reason: 'lunch' })).toMatchObject({ state: 'paused', reason: 'lunch' });
    expect(await agentOf('DELETE', '/v1/agents/5001/session')).toMatchObject({ state: 'offline', callId: null });
  });

  it('takes skills as a list too', async () => {
    const agent = await agentOf('PUT', '/v1/agents/5002/session', { endpoint: 'Local/5002@agents', skills: [{ name: 'environment', level: 1 }, { name: 'en', level: 3 }] });
    expect(agent.skillsText).toBe('environment:1, en:3');
    await agentOf('DELETE', '/v1/agents/5002/session');
  });

  it('refuses a step the agent\'s state does not allow with 409 and that state', async () => {
    await agentOf('PUT', '/v1/agents/5003/session', { endpoint: 'PJSIP/5003', skills: IDLE_SKILLS });
    const noCall = await refusal('POST', '/v1/agents/5003/wrap-up', { workOrder: { kind: 'consultation', category: 'other', matter: 'Opening hours', disposition: 'answered' } });
    expect(noCall.status).toBe(409);
    expect(noCall.body).toMatchObject({ code: 'NOT_ALLOWED', state: 'paused' });
    await agentOf('DELETE', '/v1/agents/5003/session');

    const offline = await refusal('POST', '/v1/agents/5003/ready');
    expect(offline.status).toBe(409);
    expect(offline.body).toMatchObject({ code: 'NOT_ALLOWED', state: 'offline' });
    expect(offline.body.error).toContain('offline');
  });
});

describe('/v1/agents refuses', () => {
  it('every operation without a key (401) and with a key without the agents scope (403)', async () => {
    const operations: [string, string, unknown?][] = [
      ['PUT', '/v1/agents/5101/session', { endpoint: 'PJSIP/5101', skills: IDLE_SKILLS }],
      ['DELETE', '/v1/agents/5101/session'],
      ['POST', '/v1/agents/5101/ready'],
      ['POST', '/v1/agents/5101/pause', { reason: 'lunch' }],
      ['POST', '/v1/agents/5101/wrap-up', { workOrder: { kind: 'consultation', category: 'other', matter: 'x', disposition: 'answered' } }],
      ['GET', '/v1/agents'],
      ['GET', '/v1/agents/5101'],
      ['GET', '/v1/queue'],
    ];
    for (const [method, path, body] of operations) {
      const anonymous = await refusal(method, path, body, null);
      expect(anonymous.status, `${method} ${path}`).toBe(401);
      const unscoped = await refusal(method, path, body, readKey);
      expect(unscoped.status, `${method} ${path}`).toBe(403);
      expect(unscoped.body).toMatchObject({ code: 'SCOPE_MISSING', scope: 'agents' });
    }
    // Nothing was done on the agent's behalf.
    expect((await refusal('GET', '/v1/agents/5101')).status).toBe(404);
  });

  it('bad bodies with 400 naming the field', async () => {
    const cases: [string, string, unknown, string][] = [
      ['PUT', '/v1/agents/5201/session', { skills: IDLE_SKILLS }, 'endpoint'],
      ['PUT', '/v1/agents/5201/session', { endpoint: 'nonsense', skills: IDLE_SKILLS }, 'endpoint'],
      ['PUT', '/v1/agents/5201/session', { endpoint: 'PJSIP/5201', skills: 'environment:0' }, 'skills'],
      ['PUT', '/v1/agents/5201/session', { endpoint: 'PJSIP/5201', skills: 'zh:1, zh:2' }, 'skills'],
      ['PUT', '/v1/agents/5201/session', { endpoint: 'PJSIP/5201', skills: IDLE_SKILLS, extension: '5201' }, 'extension'],
      ['PUT', '/v1/agents/bad!id/session', { endpoint: 'PJSIP/5201', skills: IDLE_SKILLS }, 'agentId'],
      ['POST', '/v1/agents/5201/pause', {}, 'reason'],
      ['POST', '/v1/agents/5201/pause', { reason: '   ' }, 'reason'],
      ['POST', '/v1/agents/5201/wrap-up', { callId: 'x' }, 'workOrder'],
      ['POST', '/v1/agents/5201/wrap-up', { workOrder: { kind: 'complaint', category: 'environment', matter: 'Noise', disposition: 'closed' } }, 'workOrder.disposition'],
      ['POST', '/v1/agents/5201/wrap-up', { workOrder: { kind: 'complaint', category: 'environment', matter: 'Noise', disposition: 'dispatched' } }, 'workOrder.department'],
      ['POST', '/v1/agents/5201/wrap-up', { workOrder: { kind: 'complaint', category: 'environment', matter: 'Noise', disposition: 'repeat', repeatOf: '12345' } }, 'workOrder.repeatOf'],
    ];
    for (const [method, path, body, field] of cases) {
      const refused = await refusal(method, path, body);
      expect(refused.status, `${JSON.stringify(body)}: ${JSON.stringify(refused.body)}`).toBe(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
      expect(refused.body.problems?.map((p) => p.field), JSON.stringify(refused.body)).toContain(field);
      expect(refused.body.error).toContain(field);
    }
    const skills = await refusal('PUT', '/v1/agents/5201/session', { endpoint: 'PJSIP/5201', skills: 'environment:0' });
    expect(skills.body.problems).toEqual([{ field: 'skills', message: expect.stringContaining('level must be a whole number from 1 to 9') }]);
    expect((await refusal('GET', '/v1/agents/5201')).status).toBe(404);
  });

  it('an unknown agent with 404', async () => {
    for (const [method, path, body] of [
      ['GET', '/v1/agents/nobody'],
      ['POST', '/v1/agents/nobody/ready'],
      ['POST', '/v1/agents/nobody/pause', { reason: 'lunch' }],
      ['DELETE', '/v1/agents/nobody/session'],
      ['POST', '/v1/agents/nobody/wrap-up', { workOrder: { kind: 'consultation', category: 'other', matter: 'x', disposition: 'answered' } }],
    ] as [string, string, unknown?][]) {
      const refused = await refusal(method, path, body);
      expect(refused.status, `${method} ${path}`).toBe(404);
      expect(refused.body.code).toBe('UNKNOWN_AGENT');
    }
  });
});

describe('an agent driven through the API takes a call', () => {
  it('is offered the routed call, talks, wraps up through the API and gets a ticket; /v1/queue counts it', async () => {
    const queueBefore = await api<QueueBody>('GET', '/v1/queue');
    expect(queueBefore.status).toBe(200);
    expect(queueBefore.cacheControl).toBe('no-store');
    await agentOf('PUT', '/v1/agents/6001/session', { endpoint: 'PJSIP/6001', skills: 'consultation:1, zh:1' });
    await agentOf('PUT', '/v1/agents/6002/session', { endpoint: 'PJSIP/6002', skills: IDLE_SKILLS });
    await agentOf('POST', '/v1/agents/6001/ready');

    const caller = await h.call('13911113333');
    await h.sim.sendDigits(caller, '2'); // a consultation
    const leg = (await h.sim.waitForOutboundChannel('PJSIP/6001')).id;
    await h.sim.waitForBridgeWith(leg);
    const talking = await agentOf('GET', '/v1/agents/6001');
    expect(talking).toMatchObject({ state: 'onCall', callId: caller });

    const during = await api<QueueBody>('GET', '/v1/queue');
    expect(during.body.agentsByState['onCall']).toBeGreaterThanOrEqual(1);
    expect(during.body.agentsByState['paused']).toBeGreaterThanOrEqual(1);
    expect(during.body.waiting).toBe(0);
    expect(during.body.longestWaitSeconds).toBe(0);
    expect(during.body.today.answered).toBe(queueBefore.body.today.answered + 1);
    expect(during.body.today.offered).toBeGreaterThanOrEqual(queueBefore.body.today.offered + 1);
    expect(during.body.today.queued).toBe(queueBefore.body.today.queued + 1);
    expect(during.body.today.answeredInTime).toBe(queueBefore.body.today.answeredInTime + 1);
    expect(during.body.serviceLevel).toBe(1);
    expect(during.body.serviceLevelThresholdSeconds).toBe(20);

    h.sim.hangup(leg, 16); // the agent hangs up
    await h.sim.waitForHangup(caller);
    await until('the agent in wrap-up', async () => ((await agentOf('GET', '/v1/agents/6001')).state === 'wrapUp' ? true : null));

    const form = { kind: 'consultation', category: 'other', matter: 'Where to renew a residence permit', disposition: 'referred', note: 'Sent to the district service centre' };
    const notYours = await refusal('POST', '/v1/agents/6002/wrap-up', { workOrder: form, callId: caller });
    expect(notYours.status).toBe(403);
    expect(notYours.body.code).toBe('NOT_YOUR_CALL');
    const unknownCall = await refusal('POST', '/v1/agents/6001/wrap-up', { workOrder: form, callId: 'no-such-call' });
    expect(unknownCall.status).toBe(404);
    expect(unknownCall.body.code).toBe('UNKNOWN_CALL');

    const wrapped = await api<{ agent: AgentBody; workOrder: { submissionId: string; ticket: string } }>('POST', '/v1/agents/6001/wrap-up', { workOrder: form });
    expect(wrapped.status, JSON.stringify(wrapped.body)).toBe(200);
    expect(wrapped.cacheControl).toBe('no-store');
    expect(wrapped.body.agent).toMatchObject({ id: '6001', state: 'ready', callId: null });
    const record = await h.gateway.intake.intake.getByTicket(wrapped.body.workOrder.ticket);
    expect(record?.submission.id).toBe(wrapped.body.workOrder.submissionId);
    expect(record?.submission.refs.callId).toBe(caller);
    expect(record?.submission.contact.phone).toBe('13911113333');
    expect(record?.submission.call).toMatchObject({ agentId: '6001', disposition: 'referred', note: 'Sent to the district service centre' });

    // A retried wrap-up, naming the call, files nothing new.
    const again = await api<{ workOrder: { ticket: string } }>('POST', '/v1/agents/6001/wrap-up', { workOrder: form, callId: caller });
    expect(again.status).toBe(200);
    expect(again.body.workOrder.ticket).toBe(wrapped.body.workOrder.ticket);

    await agentOf('DELETE', '/v1/agents/6001/session');
    await agentOf('DELETE', '/v1/agents/6002/session');
    const after = await api<QueueBody>('GET', '/v1/queue');
    expect(after.body.agentsByState['onCall']).toBe(0);
  });
});

describe('/openapi.json', () => {
  it('documents the agent routes with their bodies, answers and the agents scope', async () => {
    type Operation = { tags: string[]; description: string; requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> }; responses: Record<string, { content?: Record<string, { schema: { properties: Record<string, unknown> } }> }> };
    const doc = (await (await fetch(`${h.gateway.httpUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>>; tags: { name: string }[] };
    const wrapUp = doc.paths['/v1/agents/{agentId}/wrap-up']?.['post'];
    expect(wrapUp?.tags).toEqual(['agents']);
    expect(wrapUp?.description).toContain('`agents` scope');
    expect(Object.keys(wrapUp?.requestBody?.content['application/json']?.schema.properties ?? {})).toEqual(['workOrder', 'callId']);
    expect(Object.keys(wrapUp?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '409']));
    const queue = doc.paths['/v1/queue']?.['get']?.responses['200']?.content?.['application/json']?.schema.properties ?? {};
    expect(Object.keys(queue)).toEqual(expect.arrayContaining(['waiting', 'longestWaitSeconds', 'agentsByState', 'today', 'serviceLevel']));
    const login = doc.paths['/v1/agents/{agentId}/session']?.['put']?.requestBody?.content['application/json']?.schema.properties ?? {};
    expect(Object.keys(login)).toEqual(['endpoint', 'skills']);
    expect(doc.tags.map((tag) => tag.name)).toContain('agents');
  });
});

describe('with the queue off (ACD=off)', () => {
  let off: Harness;
  let agentsKeyOff: string;
  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'agent-api-off-'));
    const connector = createApiKey({ name: 'CTI connector', scopes: ['agents'], rateLimitPerMinute: 1000 });
    await writeApiKeysFile(join(dataDir, 'api-keys.json'), { keys: [connector.entry] });
    off = await startHarness({ DATA_DIR: dataDir, API_KEYS_FILE: join(dataDir, 'api-keys.json'), ACD: 'off' });
    agentsKeyOff = connector.key;
  }, 60_000);
  afterAll(async () => {
    await off?.close();
  });

  it('has no agent routes and no desk pages: 404, and none in /openapi.json', async () => {
    expect(off.gateway.agents).toBeNull();
    for (const [method, path] of [['GET', '/v1/agents'], ['GET', '/v1/queue'], ['POST', '/v1/agents/7001/ready'], ['GET', '/desk/'], ['GET', '/desk/supervisor']] as const) {
      const response = await fetch(`${off.gateway.httpUrl}${path}`, { method, headers: { authorization: `Bearer ${agentsKeyOff}` } });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    const doc = (await (await fetch(`${off.gateway.httpUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/v1/agents') || path === '/v1/queue' || path.startsWith('/desk'))).toEqual([]);
    expect(doc.paths).toHaveProperty(['/v1/submissions']);
  });
});
