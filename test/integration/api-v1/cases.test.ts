// Given an integrator's app that submits for citizens and shows them their cases, when it asks for a case with what
// the citizen typed, then the receipt's PIN, the phone digits or the e-mail open it, with the status in the words every
// channel uses; a ticket alone, a wrong proof and an unknown ticket all get the same 404; and a finished case is rated
// once. A private request is recorded as private.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luhnCheckDigit } from '../../../src/domain/intake/luhn.js';
import { STATUS_WORDING } from '../../../src/domain/intake/status-names.js';
import { json, startApiV1 } from './api-v1-harness.js';
import type { Harness } from './api-v1-harness.js';

describe('citizens\' cases through /v1 (real Redis)', () => {
  let h: Harness<'app' | 'worker' | 'reader'>;
  beforeAll(async () => {
    h = await startApiV1({ app: { scopes: ['submit'] }, worker: { scopes: ['status:write'] }, reader: { scopes: ['read'] } });
  });
  afterAll(async () => {
    await h.close();
  });

  async function submit(body: Record<string, unknown>): Promise<{ id: string; ticket: string; pin: string }> {
    const response = await fetch(`${h.url}/v1/submissions`, { method: 'POST', headers: json(h.keys.app), body: JSON.stringify(body) });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; ticket: string; pin: string };
  }

  function status(ticket: string, proof: unknown, key = h.keys.app): Promise<Response> {
    return fetch(`${h.url}/v1/cases/${ticket}/status`, { method: 'POST', headers: json(key), body: JSON.stringify({ proof }) });
  }

  function rate(ticket: string, body: unknown): Promise<Response> {
    return fetch(`${h.url}/v1/cases/${ticket}/rating`, { method: 'POST', headers: json(h.keys.app), body: JSON.stringify(body) });
  }

  async function progress(id: string, value: string): Promise<void> {
    const response = await fetch(`${h.url}/v1/submissions/${id}/status`, { method: 'PUT', headers: json(h.keys.worker), body: JSON.stringify({ status: value, note: '已派单' }) });
    expect(response.status).toBe(200);
  }

  it('gives the PIN with the ticket, and opens the case with it or the phone digits, in the shared wording', async () => {
    const receipt = await submit({ text: '楼下餐馆油烟扰民', contact: { phone: '138 0013 8000' } });
    expect(receipt.pin).toMatch(/^[0-9]{6}$/);
    expect(receipt.ticket).toMatch(/^[0-9]{12}$/);
    const byPin = await status(receipt.ticket, receipt.pin);
    expect(byPin.status).toBe(200);
    expect(byPin.headers.get('cache-control')).toBe('no-store');
    const view = (await byPin.json()) as Record<string, unknown>;
    expect(view).toMatchObject({ ticket: receipt.ticket, status: 'received', canRate: false, statusText: { zh: STATUS_WORDING.received.zh.sentence, en: STATUS_WORDING.received.en.sentence } });
    expect(JSON.stringify(view)).not.toMatch(/13800138000|油烟/);

    await progress(receipt.id, 'in_progress');
    const byPhone = (await (await status(receipt.ticket, '8000')).json()) as Record<string, unknown>;
    expect(byPhone).toMatchObject({ status: 'in_progress', statusText: { zh: '您的诉求正在办理中。' } });
  });

  it('answers a ticket with a wrong proof exactly like an unknown ticket, and refuses a missing or malformed proof', async () => {
    const receipt = await submit({ text: '公园路灯不亮', contact: { phone: '13900139000' } });
    const wrong = await status(receipt.ticket, receipt.pin === '000000' ? '000001' : '000000');
    const body = '99999999999';
    const unknown = await status(`${body}${luhnCheckDigit(body)}`, receipt.pin);
    expect(wrong.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(await wrong.json()).toEqual({ error: 'no case matches this ticket and proof', code: 'NOT_FOUND' });
    expect(await unknown.json()).toEqual({ error: 'no case matches this ticket and proof', code: 'NOT_FOUND' });
    for (const proof of ['12', 'letters', 9000]) expect((await status(receipt.ticket, proof)).status, String(proof)).toBe(400);
    const bare = await fetch(`${h.url}/v1/cases/${receipt.ticket}/status`, { method: 'POST', headers: json(h.keys.app), body: '{}' });
    expect(bare.status).toBe(400);
  });

  it('needs the submit scope', async () => {
    const receipt = await submit({ text: '小区门禁坏了' });
    expect((await status(receipt.ticket, receipt.pin, h.keys.reader)).status).toBe(403);
    expect((await fetch(`${h.url}/v1/cases/${receipt.ticket}/status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ proof: receipt.pin }) })).status).toBe(401);
  });

  it('locks a ticket after five wrong proofs, then 429 with Retry-After even for the right one', async () => {
    const receipt = await submit({ text: '道路积水', contact: { phone: '13700137000' } });
    for (const proof of ['0001', '0002', '0003', '0004', '0005']) expect((await status(receipt.ticket, proof)).status).toBe(404);
    const locked = await status(receipt.ticket, receipt.pin);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(3600);
    expect(await locked.json()).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
  });

  it('takes one rating of a resolved case with the citizen\'s proof', async () => {
    const receipt = await submit({ text: 'Noise from a building site at night', contact: { email: 'Resident@example.cn' } });
    const early = await rate(receipt.ticket, { score: 5, proof: receipt.pin });
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ code: 'NOT_RATEABLE' });
    await progress(receipt.id, 'resolved');
    const rated = await rate(receipt.ticket, { score: 4, comment: 'Quick', proof: 'resident@EXAMPLE.cn' });
    expect(rated.status).toBe(201);
    expect(await rated.json()).toMatchObject({ ticket: receipt.ticket, score: 4 });
    const again = await rate(receipt.ticket, { score: 1, proof: receipt.pin });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'ALREADY_RATED' });
    const record = (await (await fetch(`${h.url}/v1/submissions/${receipt.id}`, { headers: json(h.keys.reader) })).json()) as { rating?: { score: number } };
    expect(record.rating?.score).toBe(4);
    expect((await rate(receipt.ticket, { score: 9, proof: receipt.pin })).status).toBe(400);
  });

  it('tells the citizen in the receipt where a matter involving state secrets goes', async () => {
    const response = await fetch(`${h.url}/v1/submissions`, { method: 'POST', headers: json(h.keys.app), body: JSON.stringify({ text: 'I found a classified document on the bus' }) });
    const receipt = (await response.json()) as { message?: string; hints: Record<string, unknown> };
    expect(receipt.hints['stateSecret']).toBeDefined();
    expect(receipt.message).toContain('cannot be handled by the 12345 hotline');
  });

  it('records a request the citizen asked to keep private', async () => {
    const receipt = await submit({ text: '举报违建', private: true });
    const job = await h.jobFor(receipt.id);
    expect(job?.data.private).toBe(true);
    expect((await fetch(`${h.url}/v1/submissions`, { method: 'POST', headers: json(h.keys.app), body: JSON.stringify({ text: 'x', private: 'yes' }) })).status).toBe(400);
  });
});
