import { createHash, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IntakeUnavailableError } from '../../../src/app/intake/intake-ports.js';
import { ticketFromSequence } from '../../../src/domain/intake/ticket.js';
import { pngBytes, startWebForm } from './web-form-harness.js';
import type { WebFormHarness } from './web-form-harness.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function postJson(h: WebFormHarness, body: unknown): Promise<Response> {
  return fetch(`${h.url}/form/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function postMultipart(h: WebFormHarness, payload: unknown, files: readonly { bytes: Uint8Array; name: string; type: string; field?: string }[], payloadLast = false): Promise<Response> {
  const form = new FormData();
  if (!payloadLast) form.append('payload', JSON.stringify(payload));
  for (const file of files) form.append(file.field ?? 'files', new Blob([file.bytes], { type: file.type }), file.name);
  if (payloadLast) form.append('payload', JSON.stringify(payload));
  return fetch(`${h.url}/form/submissions`, { method: 'POST', body: form });
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

describe('web form over HTTP (real Redis, BullMQ and content store)', () => {
  let h: WebFormHarness;
  beforeAll(async () => {
    h = await startWebForm({ limits: { fileBytes: 64 * 1024, files: 2 }, rateLimit: { submissionsPerMinute: 1000, ratingsPerMinute: 1000 } });
  });
  afterAll(async () => {
    await h.close();
  });

  describe('the page', () => {
    it('is served in Mandarin by default, with a strict content security policy', async () => {
      const response = await fetch(`${h.url}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('vary')).toMatch(/accept-language/i);
      const html = await response.text();
      expect(html).toContain('<html lang="zh-CN">');
      expect(html).toContain('发生了什么');
      expect(html).toContain('最多 2 个文件，每个不超过 64 KB。');
    });

    it('follows ?lang= and Accept-Language', async () => {
      expect(await (await fetch(`${h.url}/?lang=en`)).text()).toContain('<html lang="en">');
      expect(await (await fetch(`${h.url}/`, { headers: { 'accept-language': 'en-US,en;q=0.9' } })).text()).toContain('What happened');
      expect(await (await fetch(`${h.url}/?lang=zh`, { headers: { 'accept-language': 'en' } })).text()).toContain('<html lang="zh-CN">');
    });

    it('serves the script and style with validators, and nothing else from the assets directory', async () => {
      const script = await fetch(`${h.url}/form/assets/app.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(script.headers.get('x-content-type-options')).toBe('nosniff');
      const etag = script.headers.get('etag') ?? '';
      expect(etag).not.toBe('');
      expect((await fetch(`${h.url}/form/assets/app.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
      expect((await fetch(`${h.url}/form/assets/style.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect((await fetch(`${h.url}/form/assets/index.html`)).status).toBe(404);
      expect((await fetch(`${h.url}/form/assets/..%2F..%2F..%2F..%2F..%2Fpackage.json`)).status).toBe(404);
    });
  });

  describe('submitting', () => {
    it('queues a JSON submission and answers only the ticket, its PIN and the time', async () => {
      const key = randomUUID();
      const response = await postJson(h, {
        idempotencyKey: key,
        text: '小区门口的路灯坏了三天了',
        kind: 'complaint',
        category: 'urban-management',
        language: 'zh',
        address: '朝阳区望京街道阜通东大街 1 号',
        location: { lat: 39.99, lon: 116.47 },
        name: '张三',
        phone: '138 0013 8000',
        email: 'zhang@example.cn',
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = await json(response);
      expect(Object.keys(body).sort()).toEqual(['pin', 'receivedAt', 'ticket']);
      expect(body['ticket']).toMatch(/^[0-9]{12}$/);
      expect(body['pin']).toMatch(/^[0-9]{6}$/);

      const job = await h.jobFor(key);
      expect(job).toBeDefined();
      const submission = job?.data;
      expect(submission).toMatchObject({
        channel: 'web',
        ticket: body['ticket'],
        receivedAt: body['receivedAt'],
        text: '小区门口的路灯坏了三天了',
        kind: 'complaint',
        category: 'urban-management',
        language: 'zh',
        contact: { anonymous: false, name: '张三', phone: '13800138000', email: 'zhang@example.cn' },
        location: { address: '朝阳区望京街道阜通东大街 1 号', lat: 39.99, lon: 116.47 },
        attachments: [],
        refs: { idempotencyKey: key },
      });
      expect(JSON.stringify(body)).not.toContain(submission?.id ?? '?');
      // The log says what happened without the citizen's details.
      const logs = h.logText();
      expect(logs).toContain(String(body['ticket']));
      for (const secret of ['13800138000', 'zhang@example.cn', '张三', '路灯坏了']) expect(logs).not.toContain(secret);
    });

    it('stores an attached photo and queues the submission with its reference', async () => {
      const key = randomUUID();
      const photo = pngBytes(16);
      const response = await postMultipart(h, { idempotencyKey: key, text: '', language: 'en' }, [{ bytes: photo, name: '../../etc/road.png', type: 'image/png' }]);
      expect(response.status).toBe(201);
      const job = await h.jobFor(key);
      const [attachment] = job?.data.attachments ?? [];
      expect(attachment).toMatchObject({ id: `sha256:${sha256(photo)}`, sha256: sha256(photo), mediaKind: 'image', mimeType: 'image/png', size: photo.length });
      expect(attachment?.originalName ?? 'road.png').toBe('road.png');
      expect(Buffer.from((await h.attachments.read(sha256(photo))) ?? [])).toEqual(photo);
      expect(job?.data.contact.anonymous).toBe(true);
    });

    it('makes one submission of a resend, and refuses the key for a different form', async () => {
      const key = randomUUID();
      const form = { idempotencyKey: key, text: '公园的健身器材坏了', language: 'zh' };
      const first = await postJson(h, form);
      expect(first.status).toBe(201);
      const again = await postJson(h, { ...form, language: 'en' });
      expect(again.status).toBe(200);
      expect(await json(again)).toEqual(await json(first));
      const jobs = (await h.queue.getJobs(['waiting', 'prioritized', 'delayed', 'active'])).filter((job) => job.data.refs.idempotencyKey === key);
      expect(jobs).toHaveLength(1);

      const changed = await postJson(h, { ...form, text: '公园的长椅坏了' });
      expect(changed.status).toBe(409);
      expect(await json(changed)).toMatchObject({ code: 'idempotency_conflict', field: 'idempotencyKey' });
    });

    it('tells the citizen to call 119 when someone may be in danger', async () => {
      const response = await postJson(h, { idempotencyKey: randomUUID(), text: '楼道里着火了，有人被困', language: 'zh' });
      expect(response.status).toBe(201);
      const body = await json(response);
      expect(body['emergency']).toMatchObject({ line: '119' });
      expect((body['emergency'] as { message: string }).message).toContain('119');
    });

    it('answers a repeat with the first request\'s ticket and progress, still giving the new ticket', async () => {
      const form = { text: '我家楼下的下水道井盖松动了，车一过就响', category: 'urban-management', language: 'zh', phone: '137 1234 5678' };
      const first = await json(await postJson(h, { ...form, idempotencyKey: randomUUID() }));
      expect(first).not.toHaveProperty('repeatOf');

      const second = await postJson(h, { ...form, idempotencyKey: randomUUID() });
      expect(second.status).toBe(201);
      const body = await json(second);
      expect(body['ticket']).not.toBe(first['ticket']);
      const masked = `${'*'.repeat(String(first['ticket']).length - 4)}${String(first['ticket']).slice(-4)}`;
      expect(body['repeatOf']).toEqual({ ticket: masked, status: 'received', receivedAt: first['receivedAt'] });

      // The work-order system moves the first request on: the next repeat shows where it stands now.
      const record = await h.intake.getByTicket(String(first['ticket']));
      await h.intake.updateStatus(record?.submission.id ?? '', { status: 'accepted', at: new Date().toISOString(), note: '已转朝阳区城管委', agency: '朝阳区城管委' });
      const third = await json(await postJson(h, { ...form, text: '我家楼下的下水道井盖松动了，车一过就响！', idempotencyKey: randomUUID() }));
      // The form cannot tell who typed the phone number: no full ticket, no notes.
      expect(third['repeatOf']).toEqual({ ticket: masked, status: 'accepted', receivedAt: first['receivedAt'] });
      // Nothing internal and nothing personal: no ids, no agency, no contact.
      for (const secret of [record?.submission.id ?? '?', 'agency', '13712345678', '井盖']) expect(JSON.stringify(third)).not.toContain(secret);
      const queued = await h.queue.getJobs(['waiting', 'prioritized', 'delayed', 'active']);
      expect(queued.find((job) => job.data.ticket === third['ticket'])?.data.hints.repeatOf).toEqual({ id: record?.submission.id, ticket: first['ticket'] });
    });

    it('names the field of bad input', async () => {
      const key = randomUUID();
      const cases: [unknown, number, Record<string, unknown>][] = [
        [{ idempotencyKey: key, text: '   ' }, 400, { code: 'required', field: 'text' }],
        [{ idempotencyKey: key, text: 'x', phone: 'call me' }, 400, { code: 'invalid', field: 'phone' }],
        [{ idempotencyKey: key, text: 'x', email: 'nope' }, 400, { code: 'invalid', field: 'email' }],
        [{ idempotencyKey: key, text: 'x', kind: 'rant' }, 400, { code: 'invalid', field: 'kind' }],
        [{ idempotencyKey: key, text: 'x', location: { lat: 200, lon: 0 } }, 400, { code: 'invalid', field: 'location.lat' }],
        [{ idempotencyKey: key, text: 'x', secret: 1 }, 400, { code: 'invalid', field: 'secret' }],
        [{ text: 'x' }, 400, { code: 'invalid', field: 'idempotencyKey' }],
        [[1, 2], 400, { code: 'invalid', field: 'payload' }],
      ];
      for (const [body, status, expected] of cases) {
        const response = await postJson(h, body);
        expect(response.status, JSON.stringify(body)).toBe(status);
        const answer = await json(response);
        expect(answer, JSON.stringify(body)).toMatchObject(expected);
        expect(typeof answer['error']).toBe('string');
      }
      expect(await h.jobFor(key)).toBeUndefined();
    });

    it('refuses bodies it does not speak', async () => {
      const text = await fetch(`${h.url}/form/submissions`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
      expect(text.status).toBe(415);
      expect(await json(text)).toMatchObject({ code: 'unsupported_type' });
      const xml = await fetch(`${h.url}/form/submissions`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<a/>' });
      expect(xml.status).toBe(415);
      const broken = await fetch(`${h.url}/form/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"idempotencyKey":' });
      expect(broken.status).toBe(400);
      expect(await json(broken)).toMatchObject({ field: 'payload' });
      const huge = await postJson(h, { idempotencyKey: randomUUID(), text: 'x'.repeat(100_000) });
      expect(huge.status).toBe(413);
    });

    it('refuses a file over the limit, and stores nothing of it', async () => {
      const big = Buffer.concat([pngBytes(4), Buffer.alloc(64 * 1024)]);
      const key = randomUUID();
      const response = await postMultipart(h, { idempotencyKey: key, text: '照片' }, [{ bytes: big, name: 'big.png', type: 'image/png' }]);
      expect(response.status).toBe(413);
      expect(await json(response)).toMatchObject({ code: 'too_large', field: 'attachments' });
      expect(await h.attachments.has(sha256(big))).toBe(false);
      expect(await h.jobFor(key)).toBeUndefined();
      // The refused upload did not wedge the server.
      expect((await postJson(h, { idempotencyKey: randomUUID(), text: 'after a refused upload' })).status).toBe(201);
    });

    it('refuses more files than allowed', async () => {
      const files = [1, 2, 3].map((n) => ({ bytes: pngBytes(n + 1), name: `p${n}.png`, type: 'image/png' }));
      const response = await postMultipart(h, { idempotencyKey: randomUUID(), text: 'x' }, files);
      expect(response.status).toBe(413);
      expect(await json(response)).toMatchObject({ code: 'too_large', field: 'attachments' });
    });

    it('refuses a file that is not a photo, recording or video, whatever it claims', async () => {
      const page = Buffer.from('<html><script>alert(1)</script></html>');
      const response = await postMultipart(h, { idempotencyKey: randomUUID(), text: 'x' }, [{ bytes: page, name: 'photo.png', type: 'image/png' }]);
      expect(response.status).toBe(415);
      expect(await json(response)).toMatchObject({ code: 'unsupported_type', field: 'attachments' });
      expect(await h.attachments.has(sha256(page))).toBe(false);
    });

    it('wants the payload before the files, and files in the files field', async () => {
      const photo = pngBytes(5);
      const late = await postMultipart(h, { idempotencyKey: randomUUID(), text: 'x' }, [{ bytes: photo, name: 'a.png', type: 'image/png' }], true);
      expect(late.status).toBe(400);
      expect(await json(late)).toMatchObject({ field: 'payload' });
      expect(await h.attachments.has(sha256(photo))).toBe(false);
      const wrongField = await postMultipart(h, { idempotencyKey: randomUUID(), text: 'x' }, [{ bytes: photo, name: 'a.png', type: 'image/png', field: 'photo' }]);
      expect(wrongField.status).toBe(400);
      expect(await json(wrongField)).toMatchObject({ field: 'photo' });
    });
  });

  describe('status and rating', () => {
    async function submitted(text: string, contact: Record<string, string> = { phone: '13900139000' }): Promise<{ ticket: string; pin: string; id: string }> {
      const key = randomUUID();
      const response = await postJson(h, { idempotencyKey: key, text, ...contact });
      const { ticket, pin } = (await response.json()) as { ticket: string; pin: string };
      const job = await h.jobFor(key);
      return { ticket, pin, id: job?.data.id ?? '' };
    }

    function rate(ticket: string, body: unknown): Promise<Response> {
      return fetch(`${h.url}/form/rating/${ticket}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    }

    async function resolvedRequest(text: string, contact?: Record<string, string>): Promise<{ ticket: string; pin: string; id: string }> {
      const request = await submitted(text, contact);
      await h.intake.updateStatus(request.id, { status: 'resolved', at: new Date().toISOString(), note: '已处理' });
      return request;
    }

    it('shows where a request stands to whoever gives its PIN or contact digits, without personal data', async () => {
      const { ticket, pin, id } = await submitted('垃圾站异味严重');
      expect(pin).toMatch(/^[0-9]{6}$/);
      const first = await status(h, ticket, pin);
      expect(first.status).toBe(200);
      expect(first.headers.get('cache-control')).toBe('no-store');
      const view = await json(first);
      expect(view).toMatchObject({ ticket, status: 'received', canRate: false });
      expect(view['history']).toEqual([{ status: 'received', at: view['receivedAt'] }]);
      await h.intake.updateStatus(id, { status: 'in_progress', at: new Date().toISOString(), note: '已转朝阳区城管', agency: '朝阳区城管委' });
      const later = await json(await status(h, ticket, ' 90-00 '));
      expect(later).toMatchObject({ status: 'in_progress' });
      expect((later['history'] as unknown[]).at(-1)).toMatchObject({ status: 'in_progress', note: '已转朝阳区城管' });
      const text = JSON.stringify(later);
      for (const secret of [id, '13900139000', '垃圾站', '朝阳区城管委', pin]) expect(text).not.toContain(secret);
    });

    it('shows nothing to a ticket alone: there is no GET of a case any more', async () => {
      const { ticket } = await submitted('井盖松动');
      const bare = await fetch(`${h.url}/form/status/${ticket}`);
      expect(bare.status).toBe(404);
      expect(await bare.text()).not.toContain('received');
    });

    it('answers 400 for a malformed ticket or proof, and the same 404 for an unknown ticket and a wrong proof', async () => {
      const { ticket, pin } = await submitted('路面塌陷');
      const wrongCheckDigit = `${ticket.slice(0, -1)}${(Number(ticket.at(-1)) + 1) % 10}`;
      for (const bad of ['12345', 'abcdefghij', wrongCheckDigit, `${ticket}%20`]) {
        const response = await status(h, bad, pin);
        expect(response.status, bad).toBe(400);
        expect(await json(response)).toMatchObject({ field: 'ticket' });
      }
      for (const proof of ['', '12', '1234567', 'letters']) {
        const response = await status(h, ticket, proof);
        expect(response.status, proof).toBe(400);
        expect(await json(response)).toMatchObject({ field: 'proof', code: 'invalid' });
      }
      const unknown = await status(h, ticketFromSequence(987_654_321), pin);
      const wrong = await status(h, ticket, pin === '000000' ? '000001' : '000000');
      expect(unknown.status).toBe(404);
      expect(wrong.status).toBe(404);
      // One answer for both, so a stranger cannot even tell which tickets exist.
      expect(await json(unknown)).toEqual(await json(wrong));
    });

    it('takes one rating from the requester, only once the request is resolved or closed', async () => {
      const { ticket, pin, id } = await submitted('人行道被占用');

      const early = await rate(ticket, { score: 5, proof: pin });
      expect(early.status).toBe(409);
      expect(await json(early)).toMatchObject({ code: 'not_rateable' });

      await h.intake.updateStatus(id, { status: 'resolved', at: new Date().toISOString(), note: '已清理' });
      const view = await json(await status(h, ticket, pin));
      expect(view).toMatchObject({ status: 'resolved', canRate: true });
      expect(view).not.toHaveProperty('ratingRefusal');

      const invalid = await rate(ticket, { score: 9, proof: '9000' });
      expect(invalid.status).toBe(400);
      expect(await json(invalid)).toMatchObject({ field: 'score' });

      // The last four digits of 13900139000, typed the way people type them.
      const rated = await rate(ticket, { score: 4, comment: '处理及时', proof: ' 90 00 ' });
      expect(rated.status).toBe(201);
      expect(await json(rated)).toMatchObject({ ticket, score: 4 });
      expect((await h.intake.get(id))?.rating).toMatchObject({ score: 4, comment: '处理及时' });

      const again = await rate(ticket, { score: 1, proof: pin });
      expect(again.status).toBe(409);
      expect(await json(again)).toMatchObject({ code: 'already_rated' });
      expect((await h.intake.get(id))?.rating?.score).toBe(4);
      expect(await json(await status(h, ticket, pin))).toMatchObject({ canRate: false, ratingRefusal: 'already_rated' });

      expect((await rate(ticketFromSequence(987_654_321), { score: 3, proof: '9000' })).status).toBe(404);
    });

    it('refuses a rating with the wrong proof, saying nothing of what would be right, and logs no secret', async () => {
      const { ticket, id } = await resolvedRequest('小区垃圾无人清运', { phone: '137 1234 5678' });
      const answers = new Set<string>();
      for (const proof of ['5679', '1234', '111111', 'someone@example.cn']) {
        const wrong = await rate(ticket, { score: 1, comment: '很差', proof });
        expect(wrong.status, proof).toBe(404);
        expect(wrong.headers.get('cache-control')).toBe('no-store');
        const body = await json(wrong);
        expect(body, proof).toMatchObject({ code: 'not_found', field: 'proof' });
        answers.add(JSON.stringify(body));
      }
      expect(answers.size).toBe(1);
      expect([...answers][0]).not.toMatch(/5678|13712345678/);
      expect((await h.intake.get(id))?.rating).toBeUndefined();

      const refusals = h.logText().split('\n').filter((line) => line.includes('case access refused') && line.includes(ticket));
      expect(refusals).toHaveLength(4);
      for (const line of refusals) for (const secret of ['5679', '1234', '111111', '5678', '13712345678', 'someone@example.cn']) expect(line).not.toContain(secret);
      expect(refusals.some((line) => line.includes('"email"'))).toBe(true);

      expect((await rate(ticket, { score: 5, proof: '5678' })).status).toBe(201);
    });

    it('takes no more proofs for a ticket after five wrong ones that day, not even the right one', async () => {
      const { ticket, pin, id } = await resolvedRequest('楼道灯坏了', { phone: '137 1234 5678' });
      for (const proof of ['0001', '0002', '0003', '0004', '0005']) expect((await rate(ticket, { score: 1, proof })).status, proof).toBe(404);
      for (const locked of [await rate(ticket, { score: 5, proof: pin }), await status(h, ticket, pin)]) {
        expect(locked.status).toBe(429);
        expect(await json(locked)).toMatchObject({ code: 'too_many_attempts', field: 'proof' });
        expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(23 * 3600);
      }
      expect((await h.intake.get(id))?.rating).toBeUndefined();
      // Another request's proofs are counted apart.
      const other = await resolvedRequest('井盖缺失', { phone: '137 1234 5678' });
      expect((await rate(other.ticket, { score: 5, proof: '5678' })).status).toBe(201);
    });

    it('wants a proof with every rating', async () => {
      const { ticket, id } = await resolvedRequest('路口信号灯不亮');
      for (const body of [{ score: 5 }, { score: 5, proof: '' }, { score: 5, proof: '90' }, { score: 5, proof: '13900139000' }, { score: 5, proof: 9000 }]) {
        const response = await rate(ticket, body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(await json(response), JSON.stringify(body)).toMatchObject({ code: 'invalid', field: 'proof' });
      }
      expect((await h.intake.get(id))?.rating).toBeUndefined();
    });

    it('takes the e-mail address given with the request as proof, in any case', async () => {
      const { ticket, id } = await resolvedRequest('The bus stop shelter has a broken pane', { email: 'Resident@Example.cn' });
      expect((await rate(ticket, { score: 5, proof: '0000' })).status).toBe(404);
      const rated = await rate(ticket, { score: 5, proof: '  RESIDENT@example.CN ' });
      expect(rated.status).toBe(201);
      expect((await h.intake.get(id))?.rating?.score).toBe(5);
    });

    it('takes the PIN from a request sent without phone or e-mail', async () => {
      const { ticket, pin, id } = await resolvedRequest('匿名反映：夜间渣土车噪音', {});
      expect(await json(await status(h, ticket, pin))).toMatchObject({ status: 'resolved', canRate: true });
      expect((await rate(ticket, { score: 3, proof: pin })).status).toBe(201);
      expect((await h.intake.get(id))?.rating?.score).toBe(3);
    });

    it('tells the citizen where a matter for the courts is handled, and still records it', async () => {
      const key = randomUUID();
      const response = await postJson(h, { idempotencyKey: key, text: '物业公司拖欠赔偿，我准备去法院起诉' });
      expect(response.status).toBe(201);
      const body = await json(response);
      expect(body['dispositions']).toEqual([{ kind: 'legalProcedure', message: expect.stringContaining('12348') }]);
      expect((await h.jobFor(key))?.data.hints.legalProcedure).toBeDefined();
      const plain = await json(await postJson(h, { idempotencyKey: randomUUID(), text: '楼下路灯不亮' }));
      expect(plain).not.toHaveProperty('dispositions');
    });

    it('keeps a request private when the citizen ticks the box', async () => {
      const key = randomUUID();
      expect((await postJson(h, { idempotencyKey: key, text: '举报邻居违建', private: true })).status).toBe(201);
      expect((await h.jobFor(key))?.data.private).toBe(true);
      const other = randomUUID();
      expect((await postJson(h, { idempotencyKey: other, text: '路灯不亮' })).status).toBe(201);
      expect((await h.jobFor(other))?.data).not.toHaveProperty('private');
    });
  });
});

describe('two gateway replicas', () => {
  it('share the wrong-proof counts and the tickets: five wrong proofs on either lock the ticket on both', async () => {
    const a = await startWebForm();
    const b = await startWebForm({ prefix: a.prefix });
    try {
      const response = await postJson(a, { idempotencyKey: randomUUID(), text: '小区门口积水', phone: '13700137000' });
      const { ticket, pin } = (await response.json()) as { ticket: string; pin: string };
      // The other replica reads it with the same PIN: one case secret for the hotline.
      expect((await status(b, ticket, pin)).status).toBe(200);
      const wrong = pin === '000000' ? '000001' : '000000';
      for (const replica of [a, b, a, b, a]) expect((await status(replica, ticket, wrong)).status).toBe(404);
      for (const replica of [a, b]) expect((await status(replica, ticket, pin)).status).toBe(429);
    } finally {
      await b.close();
      await a.close();
    }
  });
});

describe('guessing tickets', () => {
  it('reads nothing with 1,000 guessed tickets after 50 submissions on two replicas, and the guesser is locked out early', async () => {
    const a = await startWebForm({ rateLimit: { submissionsPerMinute: 1000, lookupsPerMinute: 100_000 } });
    const b = await startWebForm({ rateLimit: { submissionsPerMinute: 1000, lookupsPerMinute: 100_000 }, prefix: a.prefix });
    try {
      const tickets = new Set<string>();
      for (let i = 0; i < 50; i++) {
        const response = await postJson(i % 2 === 0 ? a : b, { idempotencyKey: randomUUID(), text: `第 ${i} 件：路灯不亮`, phone: '13900139000' });
        tickets.add(((await response.json()) as { ticket: string }).ticket);
      }
      // Real tickets are not consecutive: their neighbours are not tickets.
      const sorted = [...tickets].sort();
      expect(sorted.filter((t, i) => i > 0 && Number(t.slice(0, -1)) - Number(sorted[i - 1]?.slice(0, -1)) === 1)).toEqual([]);
      const answers = new Map<number, number>();
      let read = 0;
      for (let i = 0; i < 1000; i++) {
        const guess = `${String(100_000_000_00 + i * 7919).padStart(11, '0')}`;
        const ticket = guess + String(luhn(guess));
        // The guesser spreads its guesses over both replicas: the counts are the hotline's, not a process's.
        const response = await status(i % 2 === 0 ? a : b, ticket, '9000');
        answers.set(response.status, (answers.get(response.status) ?? 0) + 1);
        if (response.status === 200) read++;
      }
      expect(read).toBe(0);
      // Twenty wrong proofs an hour from one address, then it is locked out, on both.
      expect(answers.get(404)).toBe(20);
      expect(answers.get(429)).toBe(980);
    } finally {
      await b.close();
      await a.close();
    }
  });
});

function luhn(digits: string): number {
  let sum = 0;
  let double = true;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = Number(digits[i]) * (double ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
    double = !double;
  }
  return (10 - (sum % 10)) % 10;
}

function status(h: WebFormHarness, ticket: string, proof: string): Promise<Response> {
  return fetch(`${h.url}/form/status/${ticket}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ proof }) });
}

describe('web form limits and failures', () => {
  const harnesses: WebFormHarness[] = [];
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.close()));
  });

  it('rate limits submissions per client address, saying when to retry', async () => {
    const h = await startWebForm({ rateLimit: { submissionsPerMinute: 2 } });
    harnesses.push(h);
    for (let i = 0; i < 2; i += 1) expect((await postJson(h, { idempotencyKey: randomUUID(), text: `第 ${i} 件` })).status).toBe(201);
    const limited = await postJson(h, { idempotencyKey: randomUUID(), text: '第 3 件' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await json(limited)).toMatchObject({ code: 'rate_limited' });
    // Looking up a ticket has its own allowance.
    expect((await status(h, ticketFromSequence(1), '123456')).status).not.toBe(429);
  });

  it('answers a repeat with the first ticket alone when the first request cannot be read', async () => {
    // The real intake, except that reading a record fails the way it does when Redis stops answering.
    const h = await startWebForm({
      intake: (real) => ({
        submit: (request) => real.submit(request),
        get: async () => {
          throw new IntakeUnavailableError('intake records cannot be read right now', 7);
        },
        getByTicket: (ticket) => real.getByTicket(ticket),
        find: (query) => real.find(query),
        updateStatus: (id, entry) => real.updateStatus(id, entry),
        rate: (id, rating) => real.rate(id, rating),
      }),
    });
    harnesses.push(h);
    const form = { text: 'The street light outside number 12 has been out for a week', language: 'en', email: 'citizen@example.cn' };
    const first = await json(await postJson(h, { ...form, idempotencyKey: randomUUID() }));
    const second = await postJson(h, { ...form, idempotencyKey: randomUUID() });
    expect(second.status).toBe(201);
    expect((await json(second))['repeatOf']).toEqual({ ticket: `${'*'.repeat(String(first['ticket']).length - 4)}${String(first['ticket']).slice(-4)}` });
    expect(h.logText()).toContain('repeated request cannot be read');
  });

  it('answers 503 with Retry-After when intake cannot take the submission', async () => {
    // The real intake, except that submit reports what it reports when neither Redis nor the spool can take it.
    const h = await startWebForm({
      intake: (real) => ({
        submit: async () => {
          throw new IntakeUnavailableError('redis and spool are down', 7);
        },
        get: (id) => real.get(id),
        getByTicket: (ticket) => real.getByTicket(ticket),
        find: (query) => real.find(query),
        updateStatus: (id, entry) => real.updateStatus(id, entry),
        rate: (id, rating) => real.rate(id, rating),
      }),
    });
    harnesses.push(h);
    const response = await postJson(h, { idempotencyKey: randomUUID(), text: '停水了' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await json(response)).toMatchObject({ code: 'unavailable' });
  });
});
