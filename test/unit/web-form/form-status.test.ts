import { describe, expect, it } from 'vitest';
import { formErrorReply, FormRequestError } from '../../../src/adapters/http/web-form/form-errors.js';
import { publicStatus } from '../../../src/app/access/public-status.js';
import { ratingRefusal } from '../../../src/app/access/case-access.js';
import {
  AttachmentRejectedError,
  IdempotencyConflictError,
  IntakeUnavailableError,
  SubmissionInvalidError,
} from '../../../src/app/intake/intake-ports.js';
import type { IntakeRecord } from '../../../src/app/intake/intake-ports.js';
import type { Contact, StatusEntry, Submission } from '../../../src/domain/intake/submission.js';

const submission: Submission = {
  schemaVersion: 1,
  id: '01JB0000000000000000000000',
  ticket: '000000125',
  channel: 'web',
  receivedAt: '2025-03-01T02:00:00.000Z',
  kind: 'complaint',
  category: 'environment',
  text: '工地夜间施工噪音',
  language: 'zh',
  contact: { anonymous: false, name: '李', phone: '13800138000', email: 'li@example.cn' },
  location: { address: '朝阳区' },
  attachments: [],
  refs: { idempotencyKey: 'k'.repeat(20) },
  hints: {},
  priority: 5,
};

function record(statuses: readonly StatusEntry[], rated = false, contact: Contact = submission.contact): IntakeRecord {
  return { submission: { ...submission, contact }, history: statuses, ...(rated ? { rating: { score: 4, at: '2025-03-05T00:00:00.000Z' } } : {}) };
}

const received: StatusEntry = { status: 'received', at: submission.receivedAt };
const resolved: StatusEntry = { status: 'resolved', at: '2025-03-04T08:00:00.000Z', note: '已协调停工', agency: '朝阳区城管执法局' };

describe('publicStatus', () => {
  it('shows where the request stands and the notes, nothing about the citizen', () => {
    const view = publicStatus(record([received, { status: 'in_progress', at: '2025-03-02T01:00:00.000Z', agency: 'x' }, resolved]));
    expect(view).toEqual({
      ticket: '000000125',
      status: 'resolved',
      receivedAt: submission.receivedAt,
      updatedAt: resolved.at,
      history: [
        { status: 'received', at: submission.receivedAt },
        { status: 'in_progress', at: '2025-03-02T01:00:00.000Z' },
        { status: 'resolved', at: resolved.at, note: '已协调停工' },
      ],
      canRate: true,
    });
    const text = JSON.stringify(view);
    for (const secret of [submission.id, submission.text, '13800138000', 'li@example.cn', '朝阳区城管执法局', '李']) expect(text).not.toContain(secret);
  });

  it('treats an empty history as just received', () => {
    expect(publicStatus(record([]))).toMatchObject({ status: 'received', updatedAt: submission.receivedAt, history: [], canRate: false, ratingRefusal: 'not_rateable' });
  });

  it('says why a request cannot be rated, and shows nothing of the contact whatever it holds', () => {
    expect(publicStatus(record([received, resolved], true))).toMatchObject({ canRate: false, ratingRefusal: 'already_rated' });
    // The PIN opens every case, so a request without phone or e-mail can be rated like any other.
    expect(publicStatus(record([received, resolved], false, { anonymous: true }))).toMatchObject({ canRate: true });
    const phoneOnly = JSON.stringify(publicStatus(record([received, resolved], false, { anonymous: false, phone: '13800138000' })));
    const emailOnly = JSON.stringify(publicStatus(record([received, resolved], false, { anonymous: false, email: 'li@example.cn' })));
    expect(phoneOnly).toBe(emailOnly);
    expect(phoneOnly).not.toMatch(/phone|email|8000/);
  });
});

describe('ratingRefusal', () => {
  it('allows one rating once resolved or closed', () => {
    expect(ratingRefusal(record([received]))).toBe('not_rateable');
    expect(ratingRefusal(record([received, { status: 'rejected', at: resolved.at }]))).toBe('not_rateable');
    expect(ratingRefusal(record([received, resolved]))).toBeNull();
    expect(ratingRefusal(record([received, { status: 'closed', at: resolved.at }]))).toBeNull();
    expect(ratingRefusal(record([received, resolved], true))).toBe('already_rated');
  });

  it('takes a rating of a finished request whatever its contact holds (its PIN proves the requester)', () => {
    expect(ratingRefusal(record([received, resolved], false, { anonymous: true }))).toBeNull();
    expect(ratingRefusal(record([received, resolved], false, { anonymous: false, wechatOpenId: 'oAbC123' }))).toBeNull();
    expect(ratingRefusal(record([received], false, { anonymous: true }))).toBe('not_rateable');
    expect(ratingRefusal(record([received, resolved], false, { anonymous: false, email: 'li@example.cn' }))).toBeNull();
  });
});

describe('formErrorReply', () => {
  it('maps each refusal to its status, code and field', () => {
    expect(formErrorReply(FormRequestError.invalid('phone', 'bad'))).toEqual({ status: 400, body: { error: 'bad', code: 'invalid', field: 'phone' } });
    expect(formErrorReply(new SubmissionInvalidError([{ field: 'text', message: 'too long' }]))).toMatchObject({ status: 400, body: { code: 'invalid', field: 'text' } });
    // Intake names draft fields; the page knows its own.
    const fieldOf = (field: string) => formErrorReply(new SubmissionInvalidError([{ field, message: 'bad' }])).body.field;
    expect([fieldOf('contact.phone'), fieldOf('contact.email'), fieldOf('location.address'), fieldOf('location.lat'), fieldOf('attachments[1].size')]).toEqual([
      'phone',
      'email',
      'address',
      'location.lat',
      'attachments',
    ]);
    expect(formErrorReply(new AttachmentRejectedError('too_large', 'big'))).toMatchObject({ status: 413, body: { code: 'too_large', field: 'attachments' } });
    expect(formErrorReply(new AttachmentRejectedError('type_not_allowed', 'exe'))).toMatchObject({ status: 415, body: { code: 'unsupported_type', field: 'attachments' } });
    expect(formErrorReply(new AttachmentRejectedError('type_mismatch', 'disguised'))).toMatchObject({ status: 415, body: { field: 'attachments' } });
    expect(formErrorReply(new AttachmentRejectedError('empty', 'empty'))).toMatchObject({ status: 400, body: { code: 'invalid', field: 'attachments' } });
    expect(formErrorReply(new IdempotencyConflictError('form:k', 'id'))).toMatchObject({ status: 409, body: { code: 'idempotency_conflict', field: 'idempotencyKey' } });
    expect(formErrorReply(new IntakeUnavailableError('down', 2.2))).toEqual({ status: 503, body: { error: 'intake is unavailable, try again later', code: 'unavailable' }, retryAfterSeconds: 3 });
  });

  it('maps what fastify and its plugins throw', () => {
    const fst = (code: string, statusCode: number) => Object.assign(new Error(code), { code, statusCode });
    expect(formErrorReply(fst('FST_REQ_FILE_TOO_LARGE', 413))).toMatchObject({ status: 413, body: { code: 'too_large', field: 'attachments' } });
    expect(formErrorReply(fst('FST_FILES_LIMIT', 413))).toMatchObject({ status: 413, body: { field: 'attachments' } });
    expect(formErrorReply(fst('FST_ERR_CTP_BODY_TOO_LARGE', 413))).toMatchObject({ status: 413, body: { field: 'payload' } });
    expect(formErrorReply(fst('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415))).toMatchObject({ status: 415, body: { code: 'unsupported_type' } });
    expect(formErrorReply(fst('FST_ERR_CTP_EMPTY_JSON_BODY', 400))).toMatchObject({ status: 400, body: { field: 'payload' } });
  });

  it('reveals nothing of an unexpected failure', () => {
    expect(formErrorReply(new Error('ECONNREFUSED 10.0.0.3:6379'))).toEqual({ status: 500, body: { error: 'internal server error', code: 'internal' } });
    expect(formErrorReply('weird')).toEqual({ status: 500, body: { error: 'internal server error', code: 'internal' } });
  });
});
