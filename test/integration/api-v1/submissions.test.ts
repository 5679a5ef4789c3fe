import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intakeJobId } from '../../../src/adapters/intake/bullmq-intake-queue.js';
import { isValidTicket, ticketFromSequence } from '../../../src/domain/intake/ticket.js';
import { isUlid } from '../../../src/domain/intake/ulid.js';
import { validateSubmission } from '../../../src/domain/intake/validate-submission.js';
import { json, startApiV1 } from './api-v1-harness.js';
import type { Harness } from './api-v1-harness.js';

type Keys = 'integrator' | 'submitOnly' | 'workOrders';
let h: Harness<Keys>;

beforeAll(async () => {
  h = await startApiV1<Keys>(
    {
      integrator: { scopes: ['submit', 'read'] },
      submitOnly: { scopes: ['submit'] },
      workOrders: { scopes: ['read', 'status:write'] },
    },
    { limits: { bodyBytes: 4096, fileBytes: 64 * 1024, files: 2 }, unauthenticatedPerMinute: 1000 },
  );
});
afterAll(async () => {
  await h?.close();
});

interface Receipt {
  id: string;
  ticket: string;
  status: string;
  receivedAt: string;
  durability: string;
  hints: Record<string, unknown>;
  message?: string;
  links: { self: string; status: string };
}

async function submit(body: unknown, headers: Record<string, string> = {}, key: Keys = 'integrator') {
  const response = await fetch(`${h.url}/v1/submissions`, { method: 'POST', headers: json(h.keys[key], headers), body: JSON.stringify(body) });
  return { response, body: (await response.json()) as Record<string, unknown> };
}

describe('POST /v1/submissions (JSON)', () => {
  it('accepts a submission, answers 201 with id, ticket and links, and queues exactly that submission', async () => {
    const { response, body } = await submit({
      text: '小区门口的路灯坏了一个星期了，晚上很黑',
      contact: { name: '王先生', phone: '13800138000' },
      location: { lat: 39.9042, lon: 116.4074, address: '东城区东长安街1号' },
    });
    expect(response.status).toBe(201);
    const receipt = body as unknown as Receipt;
    expect(isUlid(receipt.id)).toBe(true);
    expect(isValidTicket(receipt.ticket)).toBe(true);
    expect(receipt).toMatchObject({ status: 'received', durability: 'queued', links: { self: `/v1/submissions/${receipt.id}`, status: `/v1/submissions/${receipt.id}/status` } });
    expect(receipt.message).toBeUndefined();
    expect(response.headers.get('location')).toBe(`/v1/submissions/${receipt.id}`);
    expect(response.headers.get('idempotent-replayed')).toBeNull();

    const job = await h.jobFor(receipt.id);
    expect(job).toBeDefined();
    const queued = job!.data;
    expect(validateSubmission(queued)).toEqual([]);
    expect(queued).toMatchObject({
      id: receipt.id,
      ticket: receipt.ticket,
      channel: 'web',
      text: '小区门口的路灯坏了一个星期了，晚上很黑',
      contact: { anonymous: false, name: '王先生', phone: '13800138000' },
      location: { lat: 39.9042, lon: 116.4074, address: '东城区东长安街1号' },
      refs: { apiKeyId: h.entries.integrator.id },
      attachments: [],
    });
    // The phone number never reaches the log in clear.
    expect(h.logText()).toContain(receipt.id);
    expect(h.logText()).not.toContain('13800138000');
  });

  it('tells the citizen to call the emergency line now, in the submission language', async () => {
    const zh = await submit({ text: '楼下着火了，好多烟', language: 'zh' });
    expect(zh.response.status).toBe(201);
    expect(zh.body['hints']).toMatchObject({ emergency: { line: '119' } });
    expect(zh.body['message']).toMatch(/请立即拨打119/);

    const en = await submit({ text: 'There is a fire in my building, lots of smoke', language: 'en' });
    expect(en.response.status).toBe(201);
    expect(en.body['hints']).toMatchObject({ emergency: { line: '119' } });
    expect(en.body['message']).toMatch(/^If this is an emergency, call 119 .*now/);
    // The emergency job jumps the queue.
    expect((await h.jobFor(String(en.body['id'])))?.opts.priority).toBe(1);
  });

  it('replays a retry with the same Idempotency-Key and body: 200, the same answer, no second job', async () => {
    const idempotencyKey = `retry-${Date.now()}`;
    const body = { text: '噪音扰民，每天晚上施工到凌晨', kind: 'complaint', category: 'environment', contact: { phone: '13900139000' } };
    const first = await submit(body, { 'idempotency-key': idempotencyKey });
    expect(first.response.status).toBe(201);
    // Same content, different key order: still the same request.
    const reordered = { contact: { phone: '13900139000' }, category: 'environment', kind: 'complaint', text: body.text };
    const second = await submit(reordered, { 'idempotency-key': idempotencyKey });
    expect(second.response.status).toBe(200);
    expect(second.response.headers.get('idempotent-replayed')).toBe('true');
    expect(second.response.headers.get('location')).toBe(`/v1/submissions/${String(first.body['id'])}`);
    expect(second.body).toEqual(first.body);

    const job = await h.jobFor(String(first.body['id']));
    expect(job?.id).toBe(intakeJobId(`web:${h.entries.integrator.id}:${idempotencyKey}`));
    expect(job?.data.refs.idempotencyKey).toBe(idempotencyKey);
  });

  it('refuses an Idempotency-Key reused for a different submission with 422', async () => {
    const idempotencyKey = `conflict-${Date.now()}`;
    expect((await submit({ text: '井盖丢了' }, { 'idempotency-key': idempotencyKey })).response.status).toBe(201);
    const { response, body } = await submit({ text: '井盖丢了，有人掉下去了' }, { 'idempotency-key': idempotencyKey });
    expect(response.status).toBe(422);
    expect(body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', error: expect.stringMatching(/Idempotency-Key/) });
  });

  it('scopes idempotency keys per API key: the same Idempotency-Key from two integrators makes two submissions', async () => {
    const idempotencyKey = `shared-${Date.now()}`;
    const a = await submit({ text: '公交站牌倒了' }, { 'idempotency-key': idempotencyKey }, 'integrator');
    const b = await submit({ text: '公交站牌倒了' }, { 'idempotency-key': idempotencyKey }, 'submitOnly');
    expect([a.response.status, b.response.status]).toEqual([201, 201]);
    expect(a.body['id']).not.toBe(b.body['id']);
  });

  it('makes a new submission for each POST without an Idempotency-Key', async () => {
    const a = await submit({ text: '路边垃圾没人清理' });
    const b = await submit({ text: '路边垃圾没人清理' });
    expect([a.response.status, b.response.status]).toEqual([201, 201]);
    expect(a.body['id']).not.toBe(b.body['id']);
  });

  it('refuses a malformed Idempotency-Key, naming the header', async () => {
    const { response, body } = await submit({ text: 'x' }, { 'idempotency-key': 'x'.repeat(256) });
    expect(response.status).toBe(400);
    expect(body).toMatchObject({ code: 'VALIDATION_FAILED', problems: [{ field: 'header idempotency-key', message: 'must be 1-255 printable ASCII characters' }] });
  });

  it('answers 400 for malformed JSON, with the parser message', async () => {
    const response = await fetch(`${h.url}/v1/submissions`, { method: 'POST', headers: json(h.keys.integrator), body: '{"text": "路灯坏了",' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body['code']).toBe('MALFORMED_JSON');
    expect(body['error']).toMatch(/^body is not valid JSON: ./);
  });

  it('names every field with a wrong type or an unknown name', async () => {
    const { response, body } = await submit({ text: 42, kind: 'rant', contact: { phone: 13800138000, adress: '东城区' }, location: { lat: '39.9' } });
    expect(response.status).toBe(400);
    expect(body['code']).toBe('VALIDATION_FAILED');
    const fields = (body['problems'] as { field: string; message: string }[]).map((p) => `${p.field}: ${p.message}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        'text: must be string',
        expect.stringMatching(/^kind: must be one of "consultation", /),
        'contact.phone: must be string',
        'contact.adress: is not an allowed field',
        'location.lat: must be number',
      ]),
    );
    expect(body['error']).toMatch(/contact\.adress/);
  });

  it('names a missing required field', async () => {
    const { response, body } = await submit({ contact: { phone: '13800138000' } });
    expect(response.status).toBe(400);
    expect(body['problems']).toEqual([{ field: 'text', message: 'is required' }]);
  });

  it('passes on what intake finds invalid, naming the field', async () => {
    const { response, body } = await submit({ text: '路灯坏了', contact: { phone: 'call me' } });
    expect(response.status).toBe(400);
    expect(body['code']).toBe('SUBMISSION_INVALID');
    expect(JSON.stringify(body['problems'])).toMatch(/contact\.phone/);
  });

  it('answers 413 for a body over the limit and 415 for other content types', async () => {
    const big = await submit({ text: '很'.repeat(2000) });
    expect(big.response.status).toBe(413);
    expect(big.body).toMatchObject({ code: 'BODY_TOO_LARGE', error: 'request body is larger than 4096 bytes' });

    const text = await fetch(`${h.url}/v1/submissions`, { method: 'POST', headers: json(h.keys.integrator, { 'content-type': 'text/plain' }), body: '路灯坏了' });
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });

    const form = await fetch(`${h.url}/v1/submissions`, {
      method: 'POST',
      headers: json(h.keys.integrator, { 'content-type': 'application/x-www-form-urlencoded' }),
      body: 'text=x',
    });
    expect(form.status).toBe(415);

    const empty = await fetch(`${h.url}/v1/submissions`, { method: 'POST', headers: { authorization: `Bearer ${h.keys.integrator}` } });
    expect(empty.status).toBe(415);
  });
});

describe('GET /v1/submissions/:id and PUT /v1/submissions/:id/status', () => {
  it('reads a submission by id or ticket, and updates its status', async () => {
    const created = await submit({ text: '人行道上的树倒了，挡住了路', contact: { email: 'citizen@example.cn' } });
    const { id, ticket } = created.body as unknown as Receipt;

    const byId = await fetch(`${h.url}/v1/submissions/${id}`, { headers: json(h.keys.workOrders) });
    expect(byId.status).toBe(200);
    expect(byId.headers.get('cache-control')).toBe('no-store');
    const record = (await byId.json()) as Record<string, unknown>;
    expect(record).toMatchObject({
      submission: { id, ticket, channel: 'web', contact: { anonymous: false, email: 'citizen@example.cn' } },
      status: 'received',
      history: [{ status: 'received' }],
      links: { self: `/v1/submissions/${id}` },
    });
    expect(validateSubmission(record['submission'])).toEqual([]);

    const byTicket = await fetch(`${h.url}/v1/submissions/${ticket}`, { headers: json(h.keys.integrator) });
    expect(byTicket.status).toBe(200);
    expect(((await byTicket.json()) as { submission: { id: string } }).submission.id).toBe(id);

    const at = new Date(Date.now() - 60_000).toISOString();
    const accepted = await fetch(`${h.url}/v1/submissions/${id}/status`, {
      method: 'PUT',
      headers: json(h.keys.workOrders),
      body: JSON.stringify({ status: 'accepted', agency: '东城区园林绿化局', note: '已派人处理', at }),
    });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({
      status: 'accepted',
      history: [{ status: 'received' }, { status: 'accepted', agency: '东城区园林绿化局', note: '已派人处理', at }],
    });

    // By ticket too, and `at` defaults to now.
    const before = Date.now();
    const resolved = await fetch(`${h.url}/v1/submissions/${ticket}/status`, { method: 'PUT', headers: json(h.keys.workOrders), body: JSON.stringify({ status: 'resolved' }) });
    expect(resolved.status).toBe(200);
    const history = ((await resolved.json()) as { history: { status: string; at: string }[] }).history;
    expect(history.map((e) => e.status)).toEqual(['received', 'accepted', 'resolved']);
    expect(Date.parse(history[2]!.at)).toBeGreaterThanOrEqual(before - 1000);

    const again = (await (await fetch(`${h.url}/v1/submissions/${id}`, { headers: json(h.keys.workOrders) })).json()) as { status: string };
    expect(again.status).toBe('resolved');
  });

  it('answers 404 for unknown ids and tickets, and malformed ones', async () => {
    for (const id of ['01ARZ3NDEKTSV4RRFFQ69G5FAV', ticketFromSequence(987_654_321), '000000019', 'nope', '..%2F..%2Fetc']) {
      const response = await fetch(`${h.url}/v1/submissions/${id}`, { headers: json(h.keys.integrator) });
      expect(response.status, id).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
    }
    const put = await fetch(`${h.url}/v1/submissions/01ARZ3NDEKTSV4RRFFQ69G5FAV/status`, { method: 'PUT', headers: json(h.keys.workOrders), body: JSON.stringify({ status: 'closed' }) });
    expect(put.status).toBe(404);
  });

  it('validates status updates, naming the field', async () => {
    const { id } = (await submit({ text: '小区电梯经常坏' })).body as unknown as Receipt;
    const put = (body: unknown) => fetch(`${h.url}/v1/submissions/${id}/status`, { method: 'PUT', headers: json(h.keys.workOrders), body: JSON.stringify(body) });

    const bad = await put({ status: 'done', at: 'yesterday', by: 'me' });
    expect(bad.status).toBe(400);
    const problems = ((await bad.json()) as { problems: { field: string; message: string }[] }).problems;
    expect(problems.map((p) => p.field).sort()).toEqual(['at', 'by', 'status']);

    const future = await put({ status: 'accepted', at: new Date(Date.now() + 3_600_000).toISOString() });
    expect(future.status).toBe(400);
    expect(await future.json()).toMatchObject({ problems: [{ field: 'at', message: 'is in the future' }] });

    const impossible = await put({ status: 'accepted', at: '2025-02-30T10:00:00Z' });
    expect(impossible.status).toBe(400);

    const multipart = new FormData();
    multipart.append('status', 'accepted');
    const wrongType = await fetch(`${h.url}/v1/submissions/${id}/status`, { method: 'PUT', headers: { authorization: `Bearer ${h.keys.workOrders}` }, body: multipart });
    expect(wrongType.status).toBe(415);

    const record = (await (await fetch(`${h.url}/v1/submissions/${id}`, { headers: json(h.keys.workOrders) })).json()) as { history: unknown[] };
    expect(record.history).toHaveLength(1);
  });

  it('tells the citizen, through a key that may read, the first ticket and its progress when a request is repeated', async () => {
    const body = { text: '海淀区中关村大街的公交站牌被撞倒了', category: 'transportation', contact: { phone: '13612345678' } };
    const first = (await submit(body)).body as unknown as Receipt;
    expect(first.message).toBeUndefined();

    const second = await submit(body);
    expect(second.response.status).toBe(201);
    const receipt = second.body as unknown as Receipt;
    expect(receipt.ticket).not.toBe(first.ticket);
    expect(receipt.hints['repeatOf']).toEqual({ id: first.id, ticket: first.ticket });
    expect(receipt.message).toMatch(new RegExp(`^您此前已提出过相同的诉求，工单号 ${first.ticket}（北京时间 [0-9: -]+ 收到），目前状态：已接收。`));

    const put = await fetch(`${h.url}/v1/submissions/${first.id}/status`, { method: 'PUT', headers: json(h.keys.workOrders), body: JSON.stringify({ status: 'in_progress', note: '已通知公交集团修复' }) });
    expect(put.status).toBe(200);
    const third = (await submit(body)).body as unknown as Receipt;
    expect(third.message).toContain(`工单号 ${first.ticket}`);
    expect(third.message).toContain('目前状态：办理中（最新说明：已通知公交集团修复）');

    // A submit-only key learns nothing of the citizen's other requests, not even in the message.
    const blind = (await submit(body, {}, 'submitOnly')).body as unknown as Receipt;
    expect(blind.message).toBeUndefined();
    expect(JSON.stringify(blind)).not.toContain(first.ticket);
  });

  it('shows repeat and privacy hints only to keys that may read', async () => {
    const body = { text: '我的身份证号是11010119900307651X，社保卡办不下来', contact: { phone: '13700137000' } };
    const submitOnly = await submit(body, {}, 'submitOnly');
    expect(submitOnly.response.status).toBe(201);
    expect(Object.keys(submitOnly.body['hints'] as object)).not.toContain('privacy');
    const reader = await submit(body, {}, 'integrator');
    expect(reader.response.status).toBe(201);
    expect(reader.body['hints']).toMatchObject({ privacy: { matched: ['id-number'] } });
  });
});

describe('with Redis unreachable since start-up', () => {
  it('answers 503 with Retry-After: no ticket numbers could be leased, so nothing can be accepted', async () => {
    // Port 1 on loopback: nothing listens, connections are refused at once.
    const down = await startApiV1({ integrator: { scopes: ['submit'] } }, { intakeRedisUrl: 'redis://127.0.0.1:1' });
    try {
      const response = await fetch(`${down.url}/v1/submissions`, {
        method: 'POST',
        headers: json(down.keys.integrator, { 'idempotency-key': 'down-1' }),
        body: JSON.stringify({ text: '下水道堵了' }),
      });
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await response.json()).toMatchObject({ code: 'INTAKE_UNAVAILABLE', error: expect.stringMatching(/same Idempotency-Key/) });
    } finally {
      await down.close();
    }
  });
});
