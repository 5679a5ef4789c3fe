import { describe, expect, it } from 'vitest';
import { mailDedupKey, mailToDraft, salvageDraft, unparseableMailDraft } from '../../../src/domain/email/mail-to-draft.js';
import type { MailDraftInput } from '../../../src/domain/email/mail-to-draft.js';
import type { ParsedMail } from '../../../src/domain/email/parsed-mail.js';
import { MAX_TEXT_LENGTH, normaliseSubmission } from '../../../src/domain/intake/normalise.js';
import type { AttachmentRef } from '../../../src/domain/intake/submission.js';

const RAW = 'sha256:' + 'b'.repeat(64);
const CONTEXT = { id: '01HXZ5K3M8Q9R2S4T6V7W8X9YZ', ticket: '000000018', receivedAt: '2024-05-06T01:30:00.000Z' };
const PHOTO: AttachmentRef = { id: 'sha256:' + 'c'.repeat(64), mediaKind: 'image', mimeType: 'image/png', size: 10, sha256: 'c'.repeat(64), originalName: 'p.png' };

function mail(over: Partial<ParsedMail> = {}): ParsedMail {
  return {
    messageId: 'm1@example.cn',
    inReplyTo: [],
    references: [],
    subject: '路灯坏了',
    from: { address: 'Zhang.San@Example.CN', name: ' 张三 ' },
    headers: new Map(),
    text: '东城区的路灯坏了。\r\n\r\n\r\n请修理。',
    attachments: [],
    ...over,
  };
}

function input(over: Partial<MailDraftInput> = {}): MailDraftInput {
  return { mail: mail(), envelope: { mailFrom: 'envelope@example.cn', rcptTo: [] }, rawId: RAW, attachments: [], dropped: [], autoReply: null, ...over };
}

describe('mailToDraft', () => {
  it('leads with the subject and keeps the references', () => {
    const draft = mailToDraft(input({ mail: mail({ inReplyTo: ['a@x'], references: ['r@x', 'a@x'] }), attachments: [PHOTO] }));
    expect(draft).toEqual({
      channel: 'email',
      text: '路灯坏了\n\n东城区的路灯坏了。\n\n请修理。',
      contact: { email: 'Zhang.San@example.cn', name: '张三' },
      attachments: [PHOTO],
      refs: { emailMessageId: 'm1@example.cn', emailInReplyTo: 'a@x', emailReferences: ['r@x', 'a@x'] },
    });
    expect(normaliseSubmission(draft, CONTEXT).ok).toBe(true);
  });

  it('keeps only the new words of a follow-up', () => {
    const draft = mailToDraft(input({ followUpOf: 'ROOT', mail: mail({ text: '还没修。\n\nOn Mon wrote:\n> 火灾 119' }) }));
    expect(draft.text).toBe('路灯坏了\n\n还没修。');
    expect(draft.refs?.followUpOf).toBe('ROOT');
  });

  it('notes refused attachments with the raw mail', () => {
    const draft = mailToDraft(input({ dropped: [{ name: 'a.exe', reason: 'type_not_allowed' }, { reason: 'too_large' }] }));
    expect(draft.text).toContain(`a.exe（类型不支持 / type not accepted）`);
    expect(draft.text).toContain('（未命名 / no name）（文件过大 / too large）');
    expect(draft.text).toContain(RAW);
  });

  it('truncates a text over the limit, saying so, and stays valid', () => {
    const draft = mailToDraft(input({ mail: mail({ text: '很长的投诉。'.repeat(10_000) }) }));
    expect([...draft.text].length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
    expect(draft.text).toContain('text truncated');
    expect(normaliseSubmission(draft, CONTEXT).ok).toBe(true);
  });

  it('files an empty mail with a note rather than nothing', () => {
    const draft = mailToDraft(input({ mail: mail({ subject: '', text: ' \n ' }) }));
    expect(draft.text).toContain('the message has no readable text');
    expect(normaliseSubmission(draft, CONTEXT).ok).toBe(true);
  });

  it('uses the envelope sender when From is missing or no address, and nobody for a system sender', () => {
    const { from: _from, ...noFrom } = mail();
    expect(mailToDraft(input({ mail: noFrom })).contact).toEqual({ email: 'envelope@example.cn' });
    expect(mailToDraft(input({ mail: mail({ from: { address: 'not an address' } }) })).contact).toEqual({ email: 'envelope@example.cn' });
    expect(mailToDraft(input({ mail: mail({ from: { address: 'MAILER-DAEMON@mx.example.cn' } }), envelope: { mailFrom: '', rcptTo: [] } })).contact).toEqual({});
  });

  it('drops a display name that is only the address, and shortens a long one', () => {
    expect(mailToDraft(input({ mail: mail({ from: { address: 'a@example.cn', name: 'a@example.cn' } }) })).contact).toEqual({ email: 'a@example.cn' });
    expect([...(mailToDraft(input({ mail: mail({ from: { address: 'a@example.cn', name: '名'.repeat(300) } }) })).contact.name ?? '')]).toHaveLength(100);
  });

  it('carries the auto-reply flag as a hint', () => {
    expect(mailToDraft(input({ autoReply: 'precedence' })).hints).toEqual({ autoReply: { reason: 'precedence' } });
    expect(mailToDraft(input()).hints).toBeUndefined();
  });
});

describe('unparseableMailDraft', () => {
  it('points at the raw mail and flags the null sender', () => {
    expect(unparseableMailDraft({ mailFrom: 'x@example.cn', rcptTo: [] }, RAW)).toEqual({
      channel: 'email',
      text: `（无法解析的邮件，原始邮件已保存 / unparseable message kept as raw mail ${RAW}）`,
      contact: { email: 'x@example.cn' },
      refs: {},
    });
    expect(unparseableMailDraft({ mailFrom: '', rcptTo: [] }, RAW).hints).toEqual({ autoReply: { reason: 'null-sender' } });
  });
});

describe('mailDedupKey', () => {
  it('is the Message-ID, or the raw digest without one', () => {
    expect(mailDedupKey('m@x', 'abc')).toBe('email:m@x');
    expect(mailDedupKey(undefined, 'abc')).toBe('email:sha256:abc');
  });
});

describe('salvageDraft', () => {
  const draft = mailToDraft(input({ mail: mail({ inReplyTo: ['a@x'] }), autoReply: 'auto-submitted' }));

  it('drops exactly the refused fields', () => {
    const salvaged = salvageDraft(draft, [{ field: 'contact.email' }, { field: 'refs.emailInReplyTo' }, { field: 'hints' }], 'note');
    expect(salvaged?.contact).toEqual({ name: '张三' });
    expect(salvaged?.refs).toEqual({ emailMessageId: 'm1@example.cn' });
    expect(salvaged?.hints).toBeUndefined();
    expect(salvaged?.text).toBe(draft.text);
  });

  it('replaces a refused text with the note, and drops refused attachments', () => {
    const salvaged = salvageDraft({ ...draft, attachments: [PHOTO] }, [{ field: 'text' }, { field: 'attachments[0].sha256' }], 'note');
    expect(salvaged?.text).toBe('note');
    expect(salvaged?.attachments).toEqual([]);
  });

  it('gives up on fields it cannot drop, or when nothing would change', () => {
    expect(salvageDraft(draft, [{ field: 'channel' }], 'note')).toBeNull();
    expect(salvageDraft(draft, [], 'note')).toBeNull();
  });
});

describe("intake's handling of the channel's hint", () => {
  it('keeps a valid auto-reply flag next to the classifier hints', () => {
    const draft = mailToDraft(input({ autoReply: 'delivery-report', mail: mail({ text: '楼下着火了' }) }));
    const result = normaliseSubmission(draft, CONTEXT);
    expect(result.ok && result.submission.hints).toMatchObject({ autoReply: { reason: 'delivery-report' }, emergency: { line: '119' } });
  });

  it.each([
    [{ autoReply: { reason: 'vacation' } }, 'hints.autoReply.reason'],
    [{ autoReply: 'yes' }, 'hints.autoReply'],
    [{ emergency: { line: '110', matched: 'x' } }, 'hints.emergency'],
    ['flagged', 'hints'],
  ])('refuses %j naming %s', (hints, field) => {
    const draft = { ...mailToDraft(input()), hints } as unknown as Parameters<typeof normaliseSubmission>[0];
    const result = normaliseSubmission(draft, CONTEXT);
    expect(result.ok ? [] : result.problems.map((p) => p.field)).toContain(field);
  });
});
