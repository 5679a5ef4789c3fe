import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TEXT_LENGTH, normaliseEmail, normaliseSubmission } from '../../../src/domain/intake/normalise.js';
import type { NormaliseResult, Problem } from '../../../src/domain/intake/normalise.js';
import type { Submission, SubmissionDraft } from '../../../src/domain/intake/submission.js';
import { validateSubmission } from '../../../src/domain/intake/validate-submission.js';
import { attachmentRefs, contexts, drafts } from './intake-arbitraries.js';

const ctx = { id: '01HZX3K5W8Q9R2T4V6Y8Z0A1B2', ticket: '000000018', receivedAt: '2024-05-01T08:30:00.000Z' };
const sha = 'a'.repeat(64);
const photo = { id: `sha256:${sha}`, mediaKind: 'image', mimeType: 'image/jpeg', size: 1234, sha256: sha } as const;

const run = (draft: unknown, context: unknown = ctx): NormaliseResult =>
  normaliseSubmission(draft as SubmissionDraft, context as typeof ctx);
const ok = (draft: unknown): Submission => {
  const result = run(draft);
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.problems)}`);
  return result.submission;
};
const problems = (draft: unknown, context: unknown = ctx): Problem[] => {
  const result = run(draft, context);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
};
const fields = (draft: unknown, context?: unknown) => problems(draft, context).map((p) => p.field);
const base = { channel: 'web', text: '小区门口的路灯坏了', contact: { phone: '13812345678' } };

describe('normaliseSubmission', () => {
  it('builds a complete, classified submission', () => {
    const s = ok({
      channel: 'web',
      text: '  我要投诉：小区门口的路灯坏了\u3000三天了\r\n\r\n\r\n没人管  ',
      contact: { name: ' 李\u00A0伟 ', phone: '+86 138-1234-5678', email: 'Li.Wei@Example.COM' },
      location: { lat: 39.9, lon: 116.4, address: '北京市\n朝阳区 ' },
      attachments: [photo],
      refs: { apiKeyId: 'key1', idempotencyKey: ' abc ' },
    });
    expect(s).toEqual({
      schemaVersion: 1,
      id: ctx.id,
      ticket: ctx.ticket,
      channel: 'web',
      receivedAt: ctx.receivedAt,
      kind: 'complaint',
      category: 'urban-management',
      text: '我要投诉：小区门口的路灯坏了 三天了\n\n没人管',
      language: 'zh',
      contact: { anonymous: false, name: '李 伟', phone: '+8613812345678', email: 'Li.Wei@example.com' },
      location: { lat: 39.9, lon: 116.4, address: '北京市 朝阳区' },
      attachments: [photo],
      refs: { apiKeyId: 'key1', idempotencyKey: 'abc' },
      hints: {},
      priority: 5,
    });
    expect(validateSubmission(s)).toEqual([]);
  });

  it('keeps what the channel said over the keywords', () => {
    const s = ok({ ...base, kind: 'suggestion', category: 'education', language: 'en' });
    expect([s.kind, s.category, s.language]).toEqual(['suggestion', 'education', 'en']);
  });

  it('classifies emergencies with priority 1', () => {
    const s = ok({ ...base, text: '楼下着火了' });
    expect(s.hints.emergency).toEqual({ line: '119', matched: '着火' });
    expect(s.priority).toBe(1);
  });

  it('uses the Open311 service code for the category', () => {
    expect(ok({ ...base, channel: 'open311', refs: { open311ServiceCode: 'environment.noise' } }).category).toBe('environment');
  });

  describe('contact', () => {
    it('is anonymous when nothing is given, or only empty values', () => {
      expect(ok({ ...base, contact: {} }).contact).toEqual({ anonymous: true });
      expect(ok({ ...base, contact: { name: '  ', phone: ' - ', email: '', wechatOpenId: null } }).contact).toEqual({ anonymous: true });
      expect(ok({ ...base, contact: { anonymous: false } }).contact).toEqual({ anonymous: true });
    });

    it('drops the details when the citizen asks to stay anonymous', () => {
      expect(ok({ ...base, contact: { anonymous: true, phone: '13812345678', name: '李伟' } }).contact).toEqual({ anonymous: true });
    });

    it.each([
      ['138 1234 5678', '13812345678'],
      ['(010) 6234-5678', '01062345678'],
      ['+86 (10) 6234 5678', '+861062345678'],
      ['１３８１２３４５６７８', '13812345678'],
      ['110', '110'],
      ['138.1234.5678', '13812345678'],
    ])('phone %j -> %j', (phone, expected) => {
      expect(ok({ ...base, contact: { phone } }).contact.phone).toBe(expected);
    });

    it.each(['12', '+', 'phone', '138-1234-567x', '+8613812345678901234567', '++8613812345678', '1 3 8 a'])('refuses phone %j', (phone) => {
      expect(problems({ ...base, contact: { phone } })).toEqual([
        { field: 'contact.phone', message: 'must be 3 to 20 digits with an optional leading +' },
      ]);
    });

    it.each([
      ['Li.Wei@Example.COM', 'Li.Wei@example.com'],
      [' citizen@beijing.gov.cn ', 'citizen@beijing.gov.cn'],
      ['a+tag@sub.example.org', 'a+tag@sub.example.org'],
      ['名字@例子.中国', '名字@例子.中国'],
      ['ｌｉ＠ｅｘａｍｐｌｅ．ｃｎ', 'li@example.cn'],
    ])('email %j -> %j', (email, expected) => {
      expect(ok({ ...base, contact: { email } }).contact.email).toBe(expected);
    });

    it.each(['plain', '@example.com', 'a@', 'a@b', 'a@b.c', 'a b@example.com', 'a@exa mple.com', 'a..b@example.com', '.a@example.com', 'a@-example.com', 'a@example.123', 'a@@example.com', `${'x'.repeat(65)}@example.com`])(
      'refuses email %j',
      (email) => {
        expect(normaliseEmail(email)).toBeNull();
        expect(fields({ ...base, contact: { email } })).toEqual(['contact.email']);
      },
    );

    it('limits the name to 100 characters', () => {
      expect(ok({ ...base, contact: { name: '伟'.repeat(100) } }).contact.name).toHaveLength(100);
      expect(fields({ ...base, contact: { name: '伟'.repeat(101) } })).toEqual(['contact.name']);
    });

    it('checks the WeChat openid and the field types', () => {
      expect(ok({ ...base, contact: { wechatOpenId: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } }).contact).toEqual({
        anonymous: false,
        wechatOpenId: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      });
      expect(fields({ ...base, contact: { wechatOpenId: 'has space' } })).toEqual(['contact.wechatOpenId']);
      expect(fields({ ...base, contact: { phone: 13812345678, anonymous: 'no' } })).toEqual(['contact.anonymous', 'contact.phone']);
      expect(fields({ ...base, contact: { fax: '123' } })).toEqual(['contact.fax']);
      expect(fields({ ...base, contact: undefined })).toEqual(['contact']);
      expect(fields({ ...base, contact: 'me' })).toEqual(['contact']);
    });
  });

  describe('text', () => {
    it('is required when there are no attachments', () => {
      expect(problems({ ...base, text: ' \u200B\n ' })).toEqual([{ field: 'text', message: 'required when there are no attachments' }]);
      expect(ok({ ...base, text: '', attachments: [photo] }).text).toBe('');
      expect(fields({ ...base, text: undefined })).toEqual(['text']);
      expect(fields({ ...base, text: 42 })).toEqual(['text']);
    });

    it('is at most 20,000 characters after normalising', () => {
      expect(ok({ ...base, text: `${'字'.repeat(MAX_TEXT_LENGTH)}\u200B\u200B   ` }).text).toHaveLength(MAX_TEXT_LENGTH);
      expect(ok({ ...base, text: '😀'.repeat(MAX_TEXT_LENGTH) }).text).toHaveLength(2 * MAX_TEXT_LENGTH);
      expect(fields({ ...base, text: 'a'.repeat(MAX_TEXT_LENGTH + 1) })).toEqual(['text']);
    });
  });

  describe('location', () => {
    it('keeps coordinates in range, both or neither', () => {
      expect(ok({ ...base, location: { lat: -90, lon: 180 } }).location).toEqual({ lat: -90, lon: 180 });
      expect(ok({ ...base, location: { lat: -0, lon: 0 } }).location).toEqual({ lat: 0, lon: 0 });
      expect(fields({ ...base, location: { lat: 90.1, lon: 0 } })).toEqual(['location.lat']);
      expect(fields({ ...base, location: { lat: 0, lon: -180.5 } })).toEqual(['location.lon']);
      expect(fields({ ...base, location: { lat: 39.9 } })).toEqual(['location.lon']);
      expect(fields({ ...base, location: { lon: 116.4 } })).toEqual(['location.lat']);
      expect(fields({ ...base, location: { lat: '39.9', lon: 116.4 } })).toEqual(['location.lat']);
      expect(fields({ ...base, location: { lat: Number.NaN, lon: 1 } })).toEqual(['location.lat']);
      expect(fields({ ...base, location: { lat: 1, lon: Number.POSITIVE_INFINITY } })).toEqual(['location.lon']);
    });

    it('normalises the address to one line of at most 500 characters, and drops an empty location', () => {
      expect(ok({ ...base, location: { address: ' 朝阳区\n和平里 ' } }).location).toEqual({ address: '朝阳区 和平里' });
      expect(ok({ ...base, location: { address: '  ' } }).location).toBeUndefined();
      expect(ok({ ...base, location: {} }).location).toBeUndefined();
      expect(ok({ ...base, location: null }).location).toBeUndefined();
      expect(fields({ ...base, location: { address: 'x'.repeat(501) } })).toEqual(['location.address']);
      expect(fields({ ...base, location: [1, 2] })).toEqual(['location']);
    });
  });

  describe('attachments', () => {
    it('takes at most 20, keeps one per content and reduces names to safe base names', () => {
      const refs = Array.from({ length: 20 }, (_, i) => ({ ...photo, sha256: i.toString(16).padStart(64, '0'), id: `sha256:${i.toString(16).padStart(64, '0')}` }));
      expect(ok({ ...base, attachments: refs }).attachments).toHaveLength(20);
      expect(fields({ ...base, attachments: [...refs, photo] })).toEqual(['attachments']);
      const s = ok({ ...base, attachments: [{ ...photo, originalName: '../../etc/passwd' }, { ...photo, originalName: 'again.jpg' }] });
      expect(s.attachments).toEqual([{ ...photo, originalName: 'passwd' }]);
      expect(ok({ ...base, attachments: [{ ...photo, originalName: '..' }] }).attachments).toEqual([photo]);
    });

    it('names the attachment and field that is wrong', () => {
      expect(fields({ ...base, attachments: [photo, photo, 'x'] })).toEqual(['attachments[2]']);
      expect(fields({ ...base, attachments: [photo, { ...photo, sha256: 'A'.repeat(64), id: `sha256:${'A'.repeat(64)}` }] })).toEqual([
        'attachments[1].sha256',
      ]);
      expect(fields({ ...base, attachments: [{ ...photo, id: `sha256:${'b'.repeat(64)}` }] })).toEqual(['attachments[0].id']);
      expect(fields({ ...base, attachments: [{ ...photo, mediaKind: 'executable' }] })).toEqual(['attachments[0].mediaKind']);
      expect(fields({ ...base, attachments: [{ ...photo, mimeType: 'image' }] })).toEqual(['attachments[0].mimeType']);
      expect(fields({ ...base, attachments: [{ ...photo, size: 0 }] })).toEqual(['attachments[0].size']);
      expect(fields({ ...base, attachments: [{ ...photo, size: 1.5 }] })).toEqual(['attachments[0].size']);
      expect(fields({ ...base, attachments: [{ ...photo, path: '/tmp/x' }] })).toEqual(['attachments[0].path']);
      expect(fields({ ...base, attachments: { 0: photo } })).toEqual(['attachments']);
      expect(ok({ ...base, attachments: [{ ...photo, mimeType: ' IMAGE/JPEG ' }] }).attachments[0]?.mimeType).toBe('image/jpeg');
    });
  });

  describe('refs', () => {
    it('keeps channel references trimmed, drops empty ones and refuses bad ones', () => {
      const s = ok({
        ...base,
        refs: {
          callId: ' 1714552200.42 ',
          recordingName: '',
          emailReferences: ['<a@x>', '<a@x>', '<b@x>'],
          mediaUrls: ['HTTPS://example.com/a.jpg', 'http://example.com/b.png'],
          followUpOf: '000000018',
        },
      });
      expect(s.refs).toEqual({
        callId: '1714552200.42',
        emailReferences: ['<a@x>', '<b@x>'],
        mediaUrls: ['https://example.com/a.jpg', 'http://example.com/b.png'],
        followUpOf: '000000018',
      });
      expect(fields({ ...base, refs: { mediaUrls: ['javascript:alert(1)'] } })).toEqual(['refs.mediaUrls[0]']);
      expect(fields({ ...base, refs: { mediaUrls: ['ftp://example.com/a'] } })).toEqual(['refs.mediaUrls[0]']);
      expect(fields({ ...base, refs: { mediaUrls: Array.from({ length: 21 }, (_, i) => `https://e.com/${i}`) } })).toEqual(['refs.mediaUrls']);
      expect(fields({ ...base, refs: { callId: 42 } })).toEqual(['refs.callId']);
      expect(fields({ ...base, refs: { callId: 'a\u0000b' } })).toEqual(['refs.callId']);
      expect(fields({ ...base, refs: { callId: 'x'.repeat(1001) } })).toEqual(['refs.callId']);
      expect(fields({ ...base, refs: { secret: 'x' } })).toEqual(['refs.secret']);
      expect(fields({ ...base, refs: { emailReferences: 'x' } })).toEqual(['refs.emailReferences']);
    });
  });

  it('takes the hints only the channel can know, and no others', () => {
    expect(ok({ ...base, hints: { autoReply: { reason: 'auto-submitted' } } }).hints).toEqual({ autoReply: { reason: 'auto-submitted' } });
    expect(ok({ ...base, text: '着火了', hints: { autoReply: { reason: 'mailing-list' } } }).hints).toEqual({
      emergency: { line: '119', matched: '着火' },
      autoReply: { reason: 'mailing-list' },
    });
    expect(fields({ ...base, hints: { autoReply: { reason: 'because' } } })).toEqual(['hints.autoReply.reason']);
    // Nobody waits on an auto-reply, even one quoting an emergency: it never jumps the queue.
    expect(ok({ ...base, text: '着火了', hints: { autoReply: { reason: 'auto-submitted' } } }).priority).toBe(10);
    expect(ok({ ...base, text: '着火了' }).priority).toBe(1);
    expect(fields({ ...base, hints: { emergency: { line: '110', matched: 'x' } } })).toEqual(['hints.emergency']);
    expect(fields({ ...base, hints: 'auto' })).toEqual(['hints']);
  });

  it('checks channel, kind, category, language and unknown fields', () => {
    expect(problems({ ...base, channel: 'fax' })).toEqual([{ field: 'channel', message: 'must be one of: voice, web, open311, wechat, email' }]);
    expect(fields({ ...base, channel: undefined })).toEqual(['channel']);
    expect(fields({ ...base, kind: 'rant', category: 'weather', language: 'fr' })).toEqual(['kind', 'category', 'language']);
    expect(fields({ ...base, id: 'mine', priority: 1 })).toEqual(['id', 'priority']);
    expect(ok({ ...base, kind: null, category: null, language: null }).kind).toBe('help');
  });

  it('checks the context it is given', () => {
    expect(fields(base, { id: 'x', ticket: '000000017', receivedAt: 'yesterday' })).toEqual(['id', 'ticket', 'receivedAt']);
    expect(fields(base, { ...ctx, receivedAt: '2024-05-01T08:30:00+08:00' })).toEqual(['receivedAt']);
    expect(fields(base, null)).toEqual(['id']);
  });

  it('refuses anything that is not a draft', () => {
    for (const draft of [null, undefined, 'text', 42, [base]]) expect(fields(draft)).toEqual(['draft']);
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), drafts, fc.record({ channel: fc.anything(), text: fc.anything(), contact: fc.anything(), attachments: fc.anything(), refs: fc.anything(), location: fc.anything() })), contexts, (draft, context) => {
        const result = run(draft, context);
        if (!result.ok) expect(result.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('makes submissions that validate against the published schema', () => {
    let valid = 0;
    fc.assert(
      fc.property(drafts, contexts, (draft, context) => {
        const result = run(draft, context);
        if (!result.ok) return;
        valid++;
        expect(validateSubmission(result.submission)).toEqual([]);
        expect(validateSubmission(JSON.parse(JSON.stringify(result.submission)))).toEqual([]);
      }),
      { numRuns: 1500 },
    );
    expect(valid).toBeGreaterThan(150);
  });

  it('is anonymous exactly when no contact detail survives', () => {
    fc.assert(
      fc.property(drafts, contexts, (draft, context) => {
        const result = run(draft, context);
        if (!result.ok) return;
        const { anonymous, ...details } = result.submission.contact;
        expect(anonymous).toBe(Object.keys(details).length === 0);
        const given = ['name', 'phone', 'email', 'wechatOpenId'].some((k) => {
          const v = (draft.contact as Record<string, unknown>)[k];
          const ignorable = k === 'phone' ? /[\s\-().\u00B7]/g : /[\s\u200B-\u200D\uFEFF]/g;
          return typeof v === 'string' && v.normalize('NFKC').replace(ignorable, '') !== '';
        });
        if (draft.contact.anonymous !== true) expect(anonymous).toBe(!given);
      }),
      { numRuns: 1500 },
    );
  });

  it('is stable: normalising the output again gives the same submission', () => {
    fc.assert(
      fc.property(drafts, contexts, (draft, context) => {
        const result = run(draft, context);
        if (!result.ok) return;
        const s = result.submission;
        const { anonymous: _anonymous, ...contact } = s.contact;
        const channelHints = s.hints.autoReply ? { hints: { autoReply: s.hints.autoReply } } : {};
        const call = s.call !== undefined ? { call: s.call } : {};
        const again = run(
          { channel: s.channel, text: s.text, kind: s.kind, category: s.category, language: s.language, contact, location: s.location, attachments: s.attachments, refs: s.refs, ...channelHints, ...call },
          context,
        );
        expect(again).toEqual({ ok: true, submission: s });
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts every attachment reference the store makes', () => {
    fc.assert(
      fc.property(fc.array(attachmentRefs, { minLength: 1, maxLength: 20 }), (refs) => {
        const s = ok({ ...base, text: '', attachments: refs });
        expect(new Set(s.attachments.map((a) => a.sha256)).size).toBe(s.attachments.length);
      }),
    );
  });
});
