// The response schemas of the screen pop and the waiting calls both document and serialise what the desk views
// build: fastify writes an answer through its schema, so a field the schema lacks would silently vanish from the
// API, and a type it gets wrong would turn into a 500. Given the views of a real record and history, when they are
// served through the schemas, then they arrive whole, and they are valid against what the document promises.

import { fastify } from 'fastify';
import { describe, expect, it } from 'vitest';
import { screenPop, waitingCallViews } from '../../../src/app/acd/desk-views.js';
import type { CallRecord } from '../../../src/app/acd/call-records.js';
import { SCREEN_POP_REPLY_SCHEMA, WAITING_CALLS_REPLY_SCHEMA } from '../../../src/adapters/http/api-v1/agent-schemas.js';
import { createSchemaValidators } from '../../../src/adapters/http/api-v1/schema-validators.js';
import { statusView } from '../../../src/domain/identity/citizen-history.js';
import type { CitizenHistory } from '../../../src/domain/identity/citizen-history.js';

const T0 = Date.parse('2026-12-07T08:00:00Z');
const record: CallRecord = {
  callId: '1700000000.42',
  gateway: 'ivr-12345@host',
  caller: '13812345678',
  lang: 'zh',
  queueSkill: 'complaint',
  category: 'environment',
  ivrPath: ['fair-use', 'main-menu', 'complaint-menu', 'complaint-queue'],
  enqueuedAt: T0,
  answeredAt: T0 + 12_000,
  earlierTicket: '482193746501',
};
const history: CitizenHistory = {
  profile: 'p1',
  link: 'inferred',
  contacts: [
    { id: 's-2', channel: 'web', at: '2026-12-01T02:00:00.000Z', ticket: '482193746501', status: 'in_progress' },
    { id: '1690000000.1', channel: 'voice', at: '2026-11-20T02:00:00.000Z' },
  ],
  openCases: [{ id: 's-2', ticket: '482193746501', channel: 'web', receivedAt: '2026-12-01T02:00:00.000Z', ...statusView('in_progress') }],
};

const pops = {
  full: screenPop(record, history, T0 + 60_000),
  unknownCaller: screenPop({ ...record, answeredAt: undefined, earlierTicket: undefined, category: null }, null, T0 + 5_000),
  historyDown: screenPop(record, undefined, T0 + 60_000),
};
const calls = waitingCallViews([{ callId: 'c1', gateway: 'g', skill: 'consultation', lang: 'en', priority: 3, enqueuedAt: T0 }], T0 + 7_500);

async function served(path: string, schema: object, body: unknown): Promise<unknown> {
  const app = fastify();
  app.get(path, { schema: { response: { 200: schema } } }, async () => body);
  try {
    const response = await app.inject({ method: 'GET', url: path });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  } finally {
    await app.close();
  }
}

describe('the screen pop and waiting calls as /v1 serves them', () => {
  it.each(Object.entries(pops))('keeps every field of a pop (%s), and the pop is what the schema documents', async (_name, pop) => {
    expect(await served('/pop', SCREEN_POP_REPLY_SCHEMA, { call: pop })).toEqual({ call: pop });
    const validate = createSchemaValidators().compileBody(SCREEN_POP_REPLY_SCHEMA);
    expect(validate({ call: pop }), JSON.stringify(validate.errors)).toBe(true);
  });

  it('keeps every field of the waiting calls', async () => {
    expect(calls).toHaveLength(1);
    expect(await served('/calls', WAITING_CALLS_REPLY_SCHEMA, { calls })).toEqual({ calls });
    expect(createSchemaValidators().compileBody(WAITING_CALLS_REPLY_SCHEMA)({ calls })).toBe(true);
  });

  it('would tell a pop that breaks its documented values', async () => {
    const validate = createSchemaValidators().compileBody(SCREEN_POP_REPLY_SCHEMA);
    expect(validate({ call: { ...pops.full, history: { ...pops.full.history, link: 'guessed' } } })).toBe(false);
    expect(validate({ call: { ...pops.full, waitedSeconds: -1 } })).toBe(false);
  });
});
