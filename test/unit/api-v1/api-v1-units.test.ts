import { fastify } from 'fastify';
import type { CaseAccess } from '../../../src/app/access/case-access-ports.js';
import { describe, expect, it } from 'vitest';
import { createApiKey, FileApiKeys } from '../../../src/adapters/api-keys/index.js';
import { apiV1Routes, emergencyMessage } from '../../../src/adapters/http/api-v1/index.js';
import { isIsoDateTime } from '../../../src/adapters/http/api-v1/schema-validators.js';
import { canonicalJson, requestFingerprint, submitRequestFor } from '../../../src/adapters/http/api-v1/submission-request.js';
import { receiptOf } from '../../../src/adapters/http/api-v1/submission-replies.js';
import type { ApiKey } from '../../../src/app/intake/api-keys.js';
import { IntakeUnavailableError } from '../../../src/app/intake/intake-ports.js';
import type { AttachmentStore, Intake, SubmitOutcome } from '../../../src/app/intake/intake-ports.js';
import { normaliseSubmission } from '../../../src/domain/intake/normalise.js';
import type { AttachmentRef, Language } from '../../../src/domain/intake/submission.js';
import { ticketFromSequence } from '../../../src/domain/intake/ticket.js';
import { memoryGuard } from '../../support/guard.js';

const ref = (sha: string): AttachmentRef => ({ id: `sha256:${sha}`, sha256: sha, mediaKind: 'image', mimeType: 'image/png', size: 1 });

describe('request fingerprint', () => {
  it('ignores key order but not values, and covers the attachments in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"e":3,"f":2}]},"b":1}');
    const body = { text: '路灯坏了', contact: { phone: '13800138000', name: '王' } };
    const same = { contact: { name: '王', phone: '13800138000' }, text: '路灯坏了' };
    expect(requestFingerprint(body, [])).toBe(requestFingerprint(same, []));
    expect(requestFingerprint(body, [])).not.toBe(requestFingerprint({ ...body, text: '路灯坏了!' }, []));
    expect(requestFingerprint(body, [ref('a'), ref('b')])).not.toBe(requestFingerprint(body, [ref('b'), ref('a')]));
    expect(requestFingerprint(body, [ref('a')])).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('builds the dedup key from the key id and Idempotency-Key, or a fresh one without it', () => {
    const withKey = submitRequestFor({ text: 'x' }, [], { apiKeyId: 'k1', idempotencyKey: 'abc' });
    expect(withKey.dedupKey).toBe('web:k1:abc');
    expect(withKey.draft).toEqual({ channel: 'web', text: 'x', contact: {}, attachments: [], refs: { apiKeyId: 'k1', idempotencyKey: 'abc' } });
    const a = submitRequestFor({ text: 'x' }, [], { apiKeyId: 'k1' });
    const b = submitRequestFor({ text: 'x' }, [], { apiKeyId: 'k1' });
    expect(a.dedupKey).toMatch(/^web:k1:[0-9a-f-]{36}$/);
    expect(a.dedupKey).not.toBe(b.dedupKey);
    expect(a.fingerprint).toBe(b.fingerprint);
  });
});

describe('isIsoDateTime', () => {
  it.each(['2025-03-01T08:00:00Z', '2024-02-29T23:59:59.123+08:00', '2025-12-31T00:00:00-05:30'])('accepts %s', (value) => {
    expect(isIsoDateTime(value)).toBe(true);
  });
  it.each(['2025-02-30T10:00:00Z', '2025-02-29T10:00:00Z', '2025-13-01T00:00:00Z', '2025-03-01T24:00:00Z', '2025-03-01 08:00:00Z', '2025-03-01T08:00:00', 'yesterday'])(
    'refuses %s',
    (value) => {
      expect(isIsoDateTime(value)).toBe(false);
    },
  );
});

describe('emergencyMessage', () => {
  it('tells the citizen which line to call, in their language', () => {
    expect(emergencyMessage('119', 'zh')).toMatch(/^如遇紧急情况，请立即拨打119（火警）/);
    expect(emergencyMessage('120', 'en')).toMatch(/^If this is an emergency, call 120 \(ambulance\) now\./);
  });
});

describe('receiptOf', () => {
  const reader: ApiKey = { id: 'k-read', name: 'reader', scopes: ['submit', 'read'], rateLimitPerMinute: 60 };
  const submitOnly: ApiKey = { id: 'k-submit', name: 'submitter', scopes: ['submit'], rateLimitPerMinute: 60 };
  const repeat = { ticket: ticketFromSequence(7), status: 'accepted' as const, receivedAt: '2024-05-01T02:30:00.000Z', note: '已派人处理' };

  function outcome(text: string, language: Language): SubmitOutcome {
    const result = normaliseSubmission(
      { channel: 'web', text, language, contact: { phone: '13800138000' } },
      { id: '01J0000000000000000000000A', ticket: ticketFromSequence(8), receivedAt: '2024-05-02T02:30:00.000Z' },
    );
    if (!result.ok) throw new Error('fixture does not normalise');
    const submission = { ...result.submission, hints: { ...result.submission.hints, repeatOf: { id: '01J00000000000000000000007', ticket: repeat.ticket } } };
    return { submission, duplicate: false, durability: 'queued' };
  }

  it('tells the citizen the first request\'s ticket and progress, in the submission\'s language, for keys that may read', () => {
    const zh = receiptOf(outcome('小区门口的路灯坏了', 'zh'), reader, '123456', repeat);
    expect(zh.message).toBe(
      `您此前已提出过相同的诉求，工单号 ${repeat.ticket}（北京时间 2024-05-01 10:30 收到），目前状态：已受理（最新说明：已派人处理）。本次提交已关联到该工单一并办理；如有新的情况，请补充说明。`,
    );
    expect(zh.hints.repeatOf).toEqual({ id: '01J00000000000000000000007', ticket: repeat.ticket });
    const en = receiptOf(outcome('The street light at our gate is broken', 'en'), reader, '123456', { ticket: repeat.ticket });
    expect(en.message).toBe(
      `You made the same request before: ticket ${repeat.ticket} (its progress cannot be looked up right now). This submission has been linked to that ticket and is handled with it; if anything has changed, please tell us what is new.`,
    );
  });

  it('puts the emergency line first', () => {
    const receipt = receiptOf(outcome('There is a fire in my building, lots of smoke', 'en'), reader, '123456', repeat);
    expect(receipt.message).toMatch(new RegExp(`^If this is an emergency, call 119 \\(fire\\) now\\. .+ You made the same request before: ticket ${repeat.ticket},`));
  });

  it('says nothing of the citizen\'s other requests to a submit-only key', () => {
    const receipt = receiptOf(outcome('小区门口的路灯坏了', 'zh'), submitOnly, '123456', repeat);
    expect(receipt.message).toBeUndefined();
    expect(receipt.hints.repeatOf).toBeUndefined();
    expect(JSON.stringify(receipt)).not.toContain(repeat.ticket);
  });
});

describe('intake failures', () => {
  const created = createApiKey({ name: 'test', scopes: ['submit'] });
  const noAttachments: AttachmentStore = {
    put: () => Promise.reject(new Error('not used')),
    read: () => Promise.resolve(null),
    has: () => Promise.resolve(false),
  };
  const noAccess: CaseAccess = {
    pinOf: () => Promise.reject(new Error('not used')),
    read: () => Promise.resolve({ kind: 'denied' }),
    rate: () => Promise.resolve({ kind: 'denied' }),
  };
  const failingIntake = (error: Error): Intake => ({
    submit: () => Promise.reject(error),
    get: () => Promise.resolve(null),
    getByTicket: () => Promise.resolve(null),
    find: () => Promise.resolve([]),
    updateStatus: () => Promise.resolve(null),
    rate: () => Promise.resolve(null),
  });

  async function post(intake: Intake) {
    const app = fastify();
    await app.register(apiV1Routes({ intake, access: noAccess, attachments: noAttachments, guard: memoryGuard(new FileApiKeys([created.entry])), limits: { bodyBytes: 1024, fileBytes: 1024, files: 1 } }));
    const response = await app.inject({
      method: 'POST',
      url: '/v1/submissions',
      headers: { authorization: `Bearer ${created.key}`, 'content-type': 'application/json' },
      payload: { text: '路灯坏了' },
    });
    await app.close();
    return response;
  }

  it('answers 503 with Retry-After when neither Redis nor the spool can take the submission', async () => {
    const response = await post(failingIntake(new IntakeUnavailableError('Redis and spool down', 12.3)));
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('13');
    expect(response.json()).toEqual({ error: 'submissions cannot be accepted right now; retry in 13 s with the same Idempotency-Key', code: 'INTAKE_UNAVAILABLE' });
  });

  it('answers 500 without details for an unexpected failure', async () => {
    const response = await post(failingIntake(new Error('ECONNREFUSED 10.0.0.5:6379 secret-host')));
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toMatch(/ECONNREFUSED|secret-host/);
    expect(response.json()).toEqual({ error: 'internal server error', code: 'INTERNAL' });
  });

  it('refuses limits that are not positive integers', () => {
    expect(() => apiV1Routes({ intake: failingIntake(new Error()), access: noAccess, attachments: noAttachments, guard: memoryGuard(new FileApiKeys([])), limits: { bodyBytes: 0, fileBytes: 1, files: 1 } })).toThrow(
      /limits\.bodyBytes must be a positive integer/,
    );
  });
});
