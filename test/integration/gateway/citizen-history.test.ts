// Given the whole gateway (real HTTP, real Redis, the simulator on the phone side), when a citizen writes in the web
// form with their phone number and then calls from that number and leaves a voice message, then an integrator with
// the `history` scope reads both contacts and both open cases through POST /v1/citizens/history, in one profile;
// a key without the scope is refused, and no log line carries the identifier.

import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, writeApiKeysFile } from '../../../src/adapters/api-keys/index.js';
import { createLogger } from '../../../src/adapters/log/index.js';
import type { Harness } from './harness.js';
import { heard, startHarness } from './harness.js';

const PHONE = '13912340000';
let h: Harness;
let historyKey: string;
let submitKey: string;
const lines: string[] = [];

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'citizen-history-'));
  const historian = createApiKey({ name: 'agent desktop', scopes: ['history'], rateLimitPerMinute: 100 });
  const submitter = createApiKey({ name: 'app', scopes: ['submit', 'read'], rateLimitPerMinute: 100 });
  historyKey = historian.key;
  submitKey = submitter.key;
  await writeApiKeysFile(join(dataDir, 'api-keys.json'), { keys: [historian.entry, submitter.entry] });
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  h = await startHarness({ DATA_DIR: dataDir, API_KEYS_FILE: join(dataDir, 'api-keys.json') }, { log: createLogger({ level: 'debug', destination }) });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

function lookUp(body: unknown, key: string = historyKey): Promise<Response> {
  return fetch(`${h.gateway.httpUrl}/v1/citizens/history`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
}

describe('POST /v1/citizens/history', () => {
  it('a web form with a phone number, then a voice message from that number: one history with both', async () => {
    // Given a web form submission giving the phone number
    const form = await fetch(`${h.gateway.httpUrl}/form/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ idempotencyKey: randomUUID(), text: '和平里小区门口的路灯坏了三天了', phone: `+86 ${PHONE}` }),
    });
    expect(form.status).toBe(201);
    const { ticket: formTicket } = (await form.json()) as { ticket: string };
    // When the citizen calls from that number and leaves a suggestion (menu 5)
    const channelId = await h.call(PHONE);
    await h.sim.sendDigits(channelId, '5');
    await h.sim.waitForAriEvent('recording started', (e) => e.event['type'] === 'RecordingStarted');
    await h.sim.sendDigits(channelId, '#');
    // "Keep it private?": 2 files it as it is.
    await h.sim.waitForPlayback(channelId, 'sound:hotline/private-choice');
    await h.sim.sendDigits(channelId, '2');
    await h.sim.waitForHangup(channelId);
    const voiceTicket = (heard(h.sim, channelId).find((m) => m.startsWith('zh:digits:')) ?? '').slice('zh:digits:'.length);
    await h.gateway.intake.profiles.linker.flush();

    // Then the history by phone shows both contacts and both open cases, the number confirmed by the call
    const response = await lookUp({ phone: PHONE });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as {
      found: boolean;
      link: string;
      contacts: { channel: string; ticket: string; status: string }[];
      openCases: { ticket: string; channel: string; status: string; statusName: { zh: string; en: string }; receivedAt: string }[];
    };
    expect(body.found).toBe(true);
    expect(body.link).toBe('confirmed');
    // The call itself is a contact too (a call that left no message would be the only trace), beside its message.
    expect(body.contacts.filter((c) => c.ticket !== undefined).map((c) => [c.channel, c.ticket, c.status])).toEqual([
      ['voice', voiceTicket, 'received'],
      ['web', formTicket, 'received'],
    ]);
    expect(body.contacts.filter((c) => c.ticket === undefined).map((c) => c.channel)).toEqual(['voice']);
    expect(body.openCases.map((c) => [c.channel, c.ticket, c.status, c.statusName.zh])).toEqual([
      ['voice', voiceTicket, 'received', '已接收'],
      ['web', formTicket, 'received', '已接收'],
    ]);
    // And the IVR's port gives the same answer for the caller ID
    const viaPort = await h.gateway.profiles.history.history({ kind: 'phone', value: PHONE });
    expect(viaPort?.openCases.map((c) => c.ticket)).toEqual([voiceTicket, formTicket]);
    // And nothing the gateway logged carries the number (masked forms keep only a few digits)
    expect(lines.filter((l) => l.includes(PHONE))).toEqual([]);
    expect(lines.some((l) => l.includes('citizen history read') && l.includes('"kind":"phone"'))).toBe(true);
  });

  it('an unknown identifier is found: false', async () => {
    const response = await lookUp({ email: 'nobody@example.org' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ found: false });
  });

  it('a key without the history scope gets 403, no key 401', async () => {
    const refused = await lookUp({ phone: PHONE }, submitKey);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('SCOPE_MISSING');
    const anonymous = await fetch(`${h.gateway.httpUrl}/v1/citizens/history`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: PHONE }) });
    expect(anonymous.status).toBe(401);
  });

  it('exactly one identifier: none or two is a 400 naming the problem, an unknown field too', async () => {
    for (const body of [{}, { phone: PHONE, email: 'a@b.cn' }, { phone: PHONE, name: 'x' }]) {
      const response = await lookUp(body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { code: string }).code).toBe('VALIDATION_FAILED');
    }
  });
});
