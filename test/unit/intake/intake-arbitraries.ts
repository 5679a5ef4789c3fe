// fast-check generators for drafts and submission contexts, shared by the intake unit tests.

import fc from 'fast-check';
import { encodeUlid } from '../../../src/domain/intake/ulid.js';
import { ticketFromSequence } from '../../../src/domain/intake/ticket.js';
import { AUTO_REPLY_REASONS, CATEGORIES, CHANNELS, KINDS, LANGUAGES, MEDIA_KINDS } from '../../../src/domain/intake/submission.js';
import type { NormaliseContext } from '../../../src/domain/intake/normalise.js';

const hex = fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: 64, maxLength: 64 }).map((d) => d.join(''));

export const contexts: fc.Arbitrary<NormaliseContext> = fc
  .tuple(
    fc.integer({ min: 1_500_000_000_000, max: 2_500_000_000_000 }),
    fc.uint8Array({ minLength: 10, maxLength: 10 }),
    fc.integer({ min: 1, max: 10 ** 12 }),
  )
  .map(([t, r, seq]) => ({ id: encodeUlid(t, r), ticket: ticketFromSequence(seq), receivedAt: new Date(t).toISOString() }));

export const attachmentRefs = fc
  .record({
    sha256: hex,
    mediaKind: fc.constantFrom(...MEDIA_KINDS),
    mimeType: fc.constantFrom('image/jpeg', 'image/png', 'audio/amr', 'video/mp4', 'application/pdf'),
    size: fc.integer({ min: 1, max: 50_000_000 }),
    originalName: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
  })
  .map(({ sha256, originalName, ...rest }) => ({
    id: `sha256:${sha256}`,
    sha256,
    ...rest,
    ...(originalName !== undefined ? { originalName } : {}),
  }));

const texts = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.constantFrom(
    '小区门口的路灯坏了三天了，请尽快修理。',
    '我要投诉楼下餐馆油烟扰民',
    'There is a fire in my building',
    'How do I apply for a residence permit?',
    '身份证11010519491231002X丢了',
    '',
    '   ',
  ),
);

const phones = fc.oneof(
  fc.constantFrom('13812345678', '+86 138 1234 5678', '(010) 6234-5678', '１３８１２３４５６７８', '+1-202-555-0101'),
  fc.stringMatching(/^\+?[0-9 ()-]{0,24}$/),
);
const emails = fc.oneof(fc.emailAddress(), fc.constantFrom('Li.Wei@Example.COM', ' citizen@beijing.gov.cn ', 'not-an-email', '名字@例子.中国'));

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const strip = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const isoTimes = fc.integer({ min: 1_500_000_000_000, max: 2_500_000_000_000 }).map((t) => new Date(t).toISOString());

/** A work order's call section (`workOrderDraft`): mostly consistent, sometimes not. */
const calls = fc
  .tuple(
    fc.record({
      ivrPath: fc.array(fc.oneof({ arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,10}$/), weight: 9 }, { arbitrary: fc.constant('9bad'), weight: 1 }), { maxLength: 6 }),
      queueSkill: fc.constantFrom('environment', 'general', 'urban-management', 'environment', 'Bad_Skill'),
      queuedAt: isoTimes,
      answeredAt: isoTimes,
      endedAt: isoTimes,
      waitedMs: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 600_000 }), weight: 9 }, { arbitrary: fc.constant(-1), weight: 1 }),
      talkedMs: fc.integer({ min: 0, max: 3_600_000 }),
      agentId: fc.constantFrom('a1', 'agent-1001', 'a1', ' spaced '),
      note: optional(fc.string({ unit: 'grapheme', maxLength: 40 })),
    }),
    fc.oneof(
      fc.constantFrom({ disposition: 'answered' }, { disposition: 'referred' }),
      fc.constantFrom('城管局', '  Environment   Bureau ').map((department) => ({ disposition: 'dispatched', department })),
      fc.integer({ min: 1, max: 10 ** 9 }).map((seq) => ({ disposition: 'repeat', repeatOf: ticketFromSequence(seq) })),
      // Wrong: a repeat without its ticket, a bad ticket, a department on an answered call, an empty department.
      fc.constantFrom({ disposition: 'repeat' }, { disposition: 'repeat', repeatOf: '123456789' }, { disposition: 'answered', department: 'x' }, { disposition: 'dispatched', department: ' ' }),
    ),
  )
  .map(([call, disposition]) => strip({ ...call, ...disposition }));

/** Mostly well-formed drafts, with some wrong values mixed in. */
export const drafts = fc
  .record({
    channel: fc.oneof(fc.constantFrom(...CHANNELS), fc.constant('fax')),
    text: texts,
    kind: optional(fc.constantFrom(...KINDS)),
    category: optional(fc.constantFrom(...CATEGORIES)),
    language: optional(fc.constantFrom(...LANGUAGES)),
    contact: fc
      .record({
        anonymous: optional(fc.boolean()),
        name: optional(fc.string({ unit: 'grapheme', maxLength: 30 })),
        phone: optional(phones),
        email: optional(emails),
        wechatOpenId: optional(fc.stringMatching(/^[A-Za-z0-9_-]{0,30}$/)),
      })
      .map(strip),
    location: optional(
      fc
        .record({
          lat: optional(fc.double({ min: -95, max: 95, noNaN: true })),
          lon: optional(fc.double({ min: -185, max: 185, noNaN: true })),
          address: optional(fc.string({ unit: 'grapheme', maxLength: 40 })),
        })
        .map(strip),
    ),
    attachments: optional(fc.array(attachmentRefs, { maxLength: 4 })),
    refs: optional(
      fc
        .record({
          callId: optional(fc.string({ maxLength: 20 })),
          open311ServiceCode: optional(fc.constantFrom('environment', 'pothole', 'transportation.pothole')),
          mediaUrls: optional(fc.array(fc.webUrl(), { maxLength: 3 })),
          emailReferences: optional(fc.array(fc.string({ minLength: 1, maxLength: 30 }), { maxLength: 3 })),
        })
        .map(strip),
    ),
    hints: optional(fc.record({ autoReply: fc.record({ reason: fc.constantFrom(...AUTO_REPLY_REASONS) }) })),
    call: fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: calls, weight: 1 }),
  })
  // A call section belongs to a voice draft: mostly it is one.
  .map(({ call, ...draft }) => strip({ ...draft, ...(call !== undefined ? { channel: draft.channel === 'fax' ? 'fax' : 'voice', call } : {}) }));
