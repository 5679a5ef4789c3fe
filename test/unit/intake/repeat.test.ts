import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contactKeys, findRepeat, jaccard, textTokens } from '../../../src/domain/intake/repeat.js';
import type { Contact, Submission } from '../../../src/domain/intake/submission.js';

let counter = 0;
function submission(overrides: Partial<Submission> = {}): Submission {
  counter++;
  return {
    schemaVersion: 1,
    id: `01HZX3K5W8Q9R2T4V6Y8Z0A${String(counter).padStart(3, '0')}`,
    ticket: '000000018',
    channel: 'web',
    receivedAt: `2024-05-01T08:${String(counter % 60).padStart(2, '0')}:00.000Z`,
    kind: 'help',
    category: 'urban-management',
    text: '小区门口的路灯坏了三天了，晚上很黑，请尽快修理。',
    language: 'zh',
    contact: { anonymous: false, phone: '13812345678' },
    attachments: [],
    refs: {},
    hints: {},
    priority: 5,
    ...overrides,
  };
}
const photo = (c: string) => ({ id: `sha256:${c.repeat(64)}`, mediaKind: 'image', mimeType: 'image/jpeg', size: 10, sha256: c.repeat(64) }) as const;

describe('contactKeys', () => {
  it.each<[Contact, string[]]>([
    [{ anonymous: true }, []],
    [{ anonymous: true, phone: '13812345678' }, []],
    [{ anonymous: false, phone: '13812345678' }, ['phone:13812345678']],
    [{ anonymous: false, phone: '+8613812345678' }, ['phone:13812345678']],
    [{ anonymous: false, phone: '008613812345678' }, ['phone:13812345678']],
    [{ anonymous: false, phone: '+86 138 1234 5678' }, ['phone:13812345678']],
    [{ anonymous: false, phone: '01062345678' }, ['phone:01062345678']],
    [{ anonymous: false, phone: '+861062345678' }, ['phone:01062345678']],
    [{ anonymous: false, phone: '00861062345678' }, ['phone:01062345678']],
    [{ anonymous: false, phone: '+12025550101' }, ['phone:+12025550101']],
    [{ anonymous: false, phone: '0012025550101' }, ['phone:+12025550101']],
    [{ anonymous: false, phone: '+85291234567' }, ['phone:+85291234567']],
    [{ anonymous: false, email: 'Li.Wei@Example.com' }, ['email:li.wei@example.com']],
    [{ anonymous: false, wechatOpenId: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' }, ['wechat:oUpF8uMuAJO_M2pxb1Q9zNjWeS6o']],
    [
      { anonymous: false, name: '李伟', phone: '13812345678', email: 'a@b.cn', wechatOpenId: 'o1' },
      ['phone:13812345678', 'email:a@b.cn', 'wechat:o1'],
    ],
    [{ anonymous: false, name: '李伟' }, []],
  ])('%j -> %j', (contact, keys) => {
    expect(contactKeys(contact)).toEqual(keys);
  });
});

describe('textTokens / jaccard', () => {
  it('uses bigrams for Chinese and words for everything else', () => {
    expect([...textTokens('路灯坏了')]).toEqual(['路灯', '灯坏', '坏了']);
    expect([...textTokens('The light, THE light!')]).toEqual(['the', 'light']);
    expect([...textTokens('我的WiFi坏了')]).toEqual(['我的', 'wifi', '坏了']);
    expect([...textTokens('灯 a')]).toEqual(['灯', 'a']);
  });

  it('is 1 for equal sets and 0 for disjoint ones, symmetric and in [0, 1]', () => {
    expect(jaccard(new Set(), new Set())).toBe(1);
    expect(jaccard(new Set(['a']), new Set(['b']))).toBe(0);
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const [ta, tb] = [textTokens(a), textTokens(b)];
        const j = jaccard(ta, tb);
        expect(j).toBeGreaterThanOrEqual(0);
        expect(j).toBeLessThanOrEqual(1);
        expect(jaccard(tb, ta)).toBe(j);
        expect(jaccard(ta, ta)).toBe(1);
      }),
    );
  });
});

describe('findRepeat', () => {
  it('finds the same matter from the same contact', () => {
    const first = submission();
    const again = submission({ text: '小区门口的路灯坏了三天了，晚上很黑，请尽快修理！！' });
    expect(findRepeat(again, [first])).toEqual({ id: first.id, ticket: first.ticket });
  });

  it('recognises the contact by any shared key, however the phone was written', () => {
    const first = submission({ contact: { anonymous: false, phone: '+86 138 1234 5678' } });
    expect(findRepeat(submission({ contact: { anonymous: false, phone: '13812345678', email: 'x@y.cn' } }), [first])?.id).toBe(first.id);
    const byEmail = submission({ contact: { anonymous: false, email: 'X@Y.cn' } });
    expect(findRepeat(submission({ contact: { anonymous: false, phone: '13900000000', email: 'x@y.cn' } }), [byEmail])?.id).toBe(byEmail.id);
  });

  it('counts a substantial excerpt of the earlier text as nothing new, but not a fragment or nothing', () => {
    const first = submission({ text: '小区门口的路灯坏了三天了，晚上很黑，老人孩子出行不便，请尽快修理。' });
    expect(findRepeat(submission({ text: '小区门口的路灯坏了三天了，晚上很黑，老人孩子出行不便' }), [first])?.id).toBe(first.id);
    // A fragment is contained in many texts: it would reveal that the contact has an open request.
    expect(findRepeat(submission({ text: '路灯坏了三天了' }), [first])).toBeNull();
    expect(findRepeat(submission({ text: '', attachments: [] }), [first])).toBeNull();
  });

  it('works for English by words', () => {
    const first = submission({ language: 'en', text: 'The street light outside building 5 has been broken for three days, please fix it.' });
    const again = submission({ language: 'en', text: 'The street light outside building 5 has been broken for three days. Please fix it!' });
    expect(findRepeat(again, [first])?.id).toBe(first.id);
    const different = submission({ language: 'en', text: 'The street light outside building 7 is flickering and buzzing all night long.' });
    expect(findRepeat(different, [first])).toBeNull();
  });

  it('is not a repeat when something differs', () => {
    const first = submission({ attachments: [photo('a')] });
    expect(findRepeat(submission({ contact: { anonymous: true } }), [first])).toBeNull();
    expect(findRepeat(submission({ contact: { anonymous: false, phone: '13900000000' } }), [first])).toBeNull();
    expect(findRepeat(submission({ category: 'transportation' }), [first])).toBeNull();
    expect(findRepeat(submission({ attachments: [photo('b')] }), [first])).toBeNull();
    expect(findRepeat(submission({ attachments: [photo('a')] }), [first])?.id).toBe(first.id);
    expect(findRepeat(submission({ text: '小区门口的路灯修好了，但是旁边的井盖又丢了，很危险。' }), [first])).toBeNull();
    expect(findRepeat(first, [first])).toBeNull();
  });

  it('never repeats an anonymous earlier submission', () => {
    const first = submission({ contact: { anonymous: true } });
    expect(findRepeat(submission(), [first])).toBeNull();
  });

  it('returns the earliest match', () => {
    const later = submission({ receivedAt: '2024-05-03T00:00:00.000Z' });
    const earliest = submission({ receivedAt: '2024-05-01T00:00:00.000Z' });
    const middle = submission({ receivedAt: '2024-05-02T00:00:00.000Z' });
    expect(findRepeat(submission({ receivedAt: '2024-05-04T00:00:00.000Z' }), [later, middle, earliest])?.id).toBe(earliest.id);
  });

  it('always finds an identical earlier submission from the same contact, and never one from another contact', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.stringMatching(/^1[3-9][0-9]{9}$/), fc.stringMatching(/^1[3-9][0-9]{9}$/), (text, p1, p2) => {
        const first = submission({ text, contact: { anonymous: false, phone: p1 } });
        expect(findRepeat(submission({ text, contact: { anonymous: false, phone: `+86${p1}` } }), [first])?.id).toBe(first.id);
        if (p1 !== p2) expect(findRepeat(submission({ text, contact: { anonymous: false, phone: p2 } }), [first])).toBeNull();
      }),
    );
  });
});

describe('findRepeat containment guard', () => {
  it('does not count a trivial or tiny excerpt as a repeat', async () => {
    const { findRepeat } = await import('../../../src/domain/intake/repeat.js');
    const { normaliseSubmission } = await import('../../../src/domain/intake/normalise.js');
    const make = (id: string, text: string, at: string) => {
      const result = normaliseSubmission({ channel: 'web', text, contact: { phone: '13800138000' } }, { id, ticket: '000000018', receivedAt: at });
      if (!result.ok) throw new Error('fixture is invalid');
      return result.submission;
    };
    const first = make('01J00000000000000000000001', '单位拖欠工资三个月，老板一直不给，请帮忙处理讨薪问题', '2030-01-01T00:00:00.000Z');
    for (const probe of ['。', '.', '工资', '拖欠工资']) {
      expect(findRepeat(make('01J00000000000000000000002', probe, '2030-01-02T00:00:00.000Z'), [first]), probe).toBeNull();
    }
    const excerpt = make('01J00000000000000000000003', '单位拖欠工资三个月，老板一直不给', '2030-01-02T00:00:00.000Z');
    expect(findRepeat(excerpt, [first])).toEqual({ id: first.id, ticket: first.ticket });
  });
});
