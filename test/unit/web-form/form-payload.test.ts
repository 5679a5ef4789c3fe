import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormRequestError } from '../../../src/adapters/http/web-form/form-errors.js';
import { FORM_LIMITS, parseFormPayload, parseRatingPayload, parseStatusPayload } from '../../../src/adapters/http/web-form/form-payload.js';
import { formSubmitRequest } from '../../../src/adapters/http/web-form/form-submission.js';
import type { AttachmentRef } from '../../../src/domain/intake/submission.js';

const KEY = '3f0e8c2a-5b7d-4c1e-9a6f-2d8b4e0c1a7f';

function refusal(run: () => unknown): { field?: string; code: string; status: number } {
  try {
    run();
  } catch (error) {
    if (error instanceof FormRequestError) return { field: error.field, code: error.code, status: error.status };
    throw error;
  }
  throw new Error('expected a refusal');
}

const photo: AttachmentRef = { id: `sha256:${'a'.repeat(64)}`, mediaKind: 'image', mimeType: 'image/png', size: 10, sha256: 'a'.repeat(64), originalName: 'p.png' };

describe('parseFormPayload', () => {
  it('keeps what was given, trimmed, and drops blanks', () => {
    const payload = parseFormPayload({
      idempotencyKey: KEY,
      text: '  路灯坏了  ',
      kind: 'complaint',
      category: '',
      language: 'zh',
      address: ' 朝阳区 ',
      location: { lat: 39.9, lon: 116.4 },
      name: '',
      phone: '138-0013 8000',
      email: 'a@example.cn',
    });
    expect(payload).toEqual({
      idempotencyKey: KEY,
      text: '路灯坏了',
      kind: 'complaint',
      language: 'zh',
      address: '朝阳区',
      lat: 39.9,
      lon: 116.4,
      phone: '13800138000',
      email: 'a@example.cn',
      private: false,
    });
    expect(parseFormPayload({ idempotencyKey: KEY, text: 'x', private: true })).toMatchObject({ private: true });
    expect(refusal(() => parseFormPayload({ idempotencyKey: KEY, text: 'x', private: 'yes' }))).toMatchObject({ field: 'private', status: 400 });
  });

  it('reads full-width digits as digits and lower-cases the e-mail domain, as intake does', () => {
    const payload = parseFormPayload({ idempotencyKey: KEY, phone: '＋８６ １３８·００１３·８０００', email: 'Zhang.San@Example.CN' });
    expect(payload).toMatchObject({ phone: '+8613800138000', email: 'Zhang.San@example.cn' });
  });

  it('defaults the language to Mandarin and the text to empty', () => {
    expect(parseFormPayload({ idempotencyKey: KEY })).toEqual({ idempotencyKey: KEY, text: '', language: 'zh', private: false });
  });

  it('names the field of each problem', () => {
    const base = { idempotencyKey: KEY, text: 'x' };
    expect(refusal(() => parseFormPayload('nope'))).toMatchObject({ field: 'payload', status: 400 });
    expect(refusal(() => parseFormPayload([base]))).toMatchObject({ field: 'payload' });
    expect(refusal(() => parseFormPayload({ text: 'x' }))).toMatchObject({ field: 'idempotencyKey' });
    expect(refusal(() => parseFormPayload({ ...base, idempotencyKey: 'short' }))).toMatchObject({ field: 'idempotencyKey' });
    expect(refusal(() => parseFormPayload({ ...base, idempotencyKey: `${KEY}/../x` }))).toMatchObject({ field: 'idempotencyKey' });
    expect(refusal(() => parseFormPayload({ ...base, text: 42 }))).toMatchObject({ field: 'text' });
    expect(refusal(() => parseFormPayload({ ...base, text: '字'.repeat(FORM_LIMITS.textChars + 1) }))).toMatchObject({ field: 'text' });
    expect(refusal(() => parseFormPayload({ ...base, kind: 'rant' }))).toMatchObject({ field: 'kind' });
    expect(refusal(() => parseFormPayload({ ...base, category: 'weather' }))).toMatchObject({ field: 'category' });
    expect(refusal(() => parseFormPayload({ ...base, language: 'fr' }))).toMatchObject({ field: 'language' });
    expect(refusal(() => parseFormPayload({ ...base, phone: '138 0013 800a' }))).toMatchObject({ field: 'phone' });
    expect(refusal(() => parseFormPayload({ ...base, phone: '12' }))).toMatchObject({ field: 'phone' });
    expect(refusal(() => parseFormPayload({ ...base, email: 'not-an-address' }))).toMatchObject({ field: 'email' });
    expect(refusal(() => parseFormPayload({ ...base, email: 'a@localhost' }))).toMatchObject({ field: 'email' });
    expect(refusal(() => parseFormPayload({ ...base, name: 'n'.repeat(FORM_LIMITS.nameChars + 1) }))).toMatchObject({ field: 'name' });
    expect(refusal(() => parseFormPayload({ ...base, location: { lat: 91, lon: 0 } }))).toMatchObject({ field: 'location.lat' });
    expect(refusal(() => parseFormPayload({ ...base, location: { lat: 0, lon: '116' } }))).toMatchObject({ field: 'location.lon' });
    expect(refusal(() => parseFormPayload({ ...base, location: { lat: 0, lon: 0, alt: 3 } }))).toMatchObject({ field: 'location.alt' });
    expect(refusal(() => parseFormPayload({ ...base, ticket: '1' }))).toMatchObject({ field: 'ticket' });
  });

  it('counts characters, not UTF-16 units, against the text limit', () => {
    const emoji = '😀'.repeat(FORM_LIMITS.textChars);
    expect(parseFormPayload({ idempotencyKey: KEY, text: emoji }).text).toBe(emoji);
  });

  it('either accepts an arbitrary JSON value or refuses it with a named field, never anything else', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(fc.constantFrom('text', 'kind', 'phone', 'email', 'location', 'name', 'address'), fc.jsonValue()), (value, fields) => {
        for (const input of [value, { idempotencyKey: KEY, ...fields }]) {
          try {
            parseFormPayload(input);
          } catch (error) {
            expect(error).toBeInstanceOf(FormRequestError);
            expect(typeof (error as FormRequestError).field).toBe('string');
          }
        }
      }),
    );
  });
});

describe('parseRatingPayload', () => {
  const phoneProof = { kind: 'phone', value: '8000' } as const;

  it('takes a score of 1 to 5, an optional comment and the proof of being the requester', () => {
    expect(parseRatingPayload({ score: 5, proof: '8000' })).toEqual({ score: 5, proof: phoneProof });
    expect(parseRatingPayload({ score: 1, comment: '  太慢了 ', proof: ' 80-00 ' })).toEqual({ score: 1, comment: '太慢了', proof: phoneProof });
    expect(parseRatingPayload({ score: 3, comment: '', proof: 'Li@Example.cn' })).toEqual({ score: 3, proof: { kind: 'email', value: 'li@example.cn' } });
  });

  it('refuses anything else, naming the field', () => {
    for (const score of [0, 6, 2.5, '5', null]) expect(refusal(() => parseRatingPayload({ score, proof: '8000' }))).toMatchObject({ field: 'score' });
    expect(refusal(() => parseRatingPayload({}))).toMatchObject({ field: 'score' });
    expect(refusal(() => parseRatingPayload({ score: 4, proof: '8000', comment: 'c'.repeat(FORM_LIMITS.commentChars + 1) }))).toMatchObject({ field: 'comment' });
    expect(refusal(() => parseRatingPayload({ score: 4, proof: '8000', stars: 4 }))).toMatchObject({ field: 'stars' });
  });

  it('takes the 6-digit PIN as a proof, for a rating and a status lookup', () => {
    expect(parseRatingPayload({ score: 5, proof: '123 456' })).toEqual({ score: 5, proof: { kind: 'pin', value: '123456' } });
    expect(parseStatusPayload({ proof: '123456' })).toEqual({ proof: { kind: 'pin', value: '123456' } });
    expect(parseStatusPayload({ proof: '8000' })).toEqual({ proof: phoneProof });
    expect(refusal(() => parseStatusPayload({}))).toEqual({ field: 'proof', code: 'invalid', status: 400 });
    expect(refusal(() => parseStatusPayload({ proof: '8000', ticket: '1' }))).toMatchObject({ field: 'ticket' });
    expect(refusal(() => parseStatusPayload('8000'))).toMatchObject({ field: 'payload' });
  });

  it('wants a proof: six digits, four digits or an e-mail address, as a string', () => {
    for (const proof of [undefined, null, '', '  ', '800', '12345', '1234567', '13800138000', 'abcd', 8000, `${'a'.repeat(FORM_LIMITS.proofChars)}@b.cn`]) {
      expect(refusal(() => parseRatingPayload(proof === undefined ? { score: 4 } : { score: 4, proof })), String(proof)).toEqual({ field: 'proof', code: 'invalid', status: 400 });
    }
  });
});

describe('formSubmitRequest', () => {
  it('requires a text or an attachment', () => {
    expect(refusal(() => formSubmitRequest(parseFormPayload({ idempotencyKey: KEY }), []))).toEqual({ field: 'text', code: 'required', status: 400 });
    expect(formSubmitRequest(parseFormPayload({ idempotencyKey: KEY }), [photo]).draft.attachments).toEqual([photo]);
  });

  it('makes a web draft keyed by the page idempotency key', () => {
    const request = formSubmitRequest(
      parseFormPayload({ idempotencyKey: KEY, text: '噪音扰民', kind: 'complaint', language: 'zh', address: '海淀区', location: { lat: 39.98, lon: 116.3 }, name: '王' }),
      [],
    );
    expect(request.dedupKey).toBe(`form:${KEY}`);
    expect(request.draft).toEqual({
      channel: 'web',
      text: '噪音扰民',
      language: 'zh',
      kind: 'complaint',
      contact: { name: '王' },
      location: { address: '海淀区', lat: 39.98, lon: 116.3 },
      attachments: [],
      refs: { idempotencyKey: KEY },
    });
    expect(request.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives a resend the same fingerprint, whatever the page language, and a changed form another', () => {
    const zh = formSubmitRequest(parseFormPayload({ idempotencyKey: KEY, text: 'a', language: 'zh' }), [photo]);
    const en = formSubmitRequest(parseFormPayload({ idempotencyKey: KEY, text: 'a', language: 'en' }), [photo]);
    const edited = formSubmitRequest(parseFormPayload({ idempotencyKey: KEY, text: 'b', language: 'zh' }), [photo]);
    const noPhoto = formSubmitRequest(parseFormPayload({ idempotencyKey: KEY, text: 'a', language: 'zh' }), []);
    expect(en.fingerprint).toBe(zh.fingerprint);
    expect(edited.fingerprint).not.toBe(zh.fingerprint);
    expect(noPhoto.fingerprint).not.toBe(zh.fingerprint);
  });
});
