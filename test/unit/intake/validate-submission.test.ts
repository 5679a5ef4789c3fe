import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { SKILL_NAME_PATTERN } from '../../../src/domain/acd/skills.js';
import { MAX_DEPARTMENT_LENGTH, MAX_IVR_PATH, MAX_NODE_ID_LENGTH, MAX_NOTE_LENGTH } from '../../../src/domain/intake/normalise-call.js';
import { PRIVACY_KINDS } from '../../../src/domain/intake/privacy.js';
import {
  MAX_ADDRESS_LENGTH,
  MAX_ATTACHMENTS,
  MAX_NAME_LENGTH,
  MAX_TEXT_LENGTH,
} from '../../../src/domain/intake/normalise.js';
import {
  AUTO_REPLY_REASONS,
  CALL_DISPOSITIONS,
  CATEGORIES,
  CHANNELS,
  KINDS,
  LANGUAGES,
  MEDIA_KINDS,
  SUBMISSION_SCHEMA_VERSION,
} from '../../../src/domain/intake/submission.js';
import type { Submission } from '../../../src/domain/intake/submission.js';
import { TICKET_PATTERN } from '../../../src/domain/intake/ticket.js';
import { SUBMISSION_SCHEMA, validateSubmission } from '../../../src/domain/intake/validate-submission.js';

type Schema = { properties: Record<string, Record<string, unknown>>; $defs: Record<string, Record<string, unknown> & { properties: Record<string, Record<string, unknown>> }> };
const schema = SUBMISSION_SCHEMA as Schema;
const prop = (name: string) => schema.properties[name] ?? {};
const def = (name: string) => schema.$defs[name] ?? { properties: {} };

const sha = 'b'.repeat(64);
const workOrderCall = {
  ivrPath: ['main', 'complaint', 'queue'],
  queueSkill: 'environment',
  queuedAt: '2024-05-01T08:30:00.000Z',
  answeredAt: '2024-05-01T08:30:42.000Z',
  endedAt: '2024-05-01T08:35:00.000Z',
  waitedMs: 42_000,
  talkedMs: 258_000,
  agentId: 'agent-1001',
  disposition: 'answered',
  note: '来电人情绪激动',
};
const valid: Submission = {
  schemaVersion: 1,
  id: '01HZX3K5W8Q9R2T4V6Y8Z0A1B2',
  ticket: '000000018',
  channel: 'web',
  receivedAt: '2024-05-01T08:30:00.000Z',
  kind: 'complaint',
  category: 'environment',
  text: '油烟扰民',
  language: 'zh',
  contact: { anonymous: false, phone: '13812345678' },
  location: { lat: 39.9, lon: 116.4 },
  attachments: [{ id: `sha256:${sha}`, mediaKind: 'image', mimeType: 'image/jpeg', size: 1, sha256: sha, originalName: 'a.jpg' }],
  refs: { apiKeyId: 'k1', emailReferences: ['<a@b>'], mediaUrls: ['https://example.com/a.jpg'] },
  hints: {
    emergency: { line: '119', matched: '着火' },
    legalProcedure: { matched: '起诉' },
    repeatOf: { id: '01HZX3K5W8Q9R2T4V6Y8Z0A1B3', ticket: '000000026' },
    privacy: { matched: ['id-number', 'health'] },
  },
  priority: 1,
  private: true,
};

describe('the Submission schema', () => {
  it('is a strict draft 2020-12 schema with an $id', () => {
    expect((SUBMISSION_SCHEMA as { $schema: string }).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect((SUBMISSION_SCHEMA as { $id: string }).$id).toMatch(/^https:\/\/.+\/submission\/v1\.json$/);
    expect(() => new Ajv2020({ strict: true }).compile(SUBMISSION_SCHEMA)).not.toThrow();
  });

  it('has the same enums and limits as the TypeScript types and the normaliser', () => {
    expect(prop('channel').enum).toEqual([...CHANNELS]);
    expect(prop('kind').enum).toEqual([...KINDS]);
    expect(prop('category').enum).toEqual([...CATEGORIES]);
    expect(prop('language').enum).toEqual([...LANGUAGES]);
    expect(prop('schemaVersion').const).toBe(SUBMISSION_SCHEMA_VERSION);
    expect(def('attachment').properties.mediaKind?.enum).toEqual([...MEDIA_KINDS]);
    expect(def('hints').properties.emergency).toMatchObject({ properties: { line: { enum: ['110', '119', '120', '122'] } } });
    expect(def('hints').properties.privacy).toMatchObject({ properties: { matched: { items: { enum: [...PRIVACY_KINDS] } } } });
    expect(def('hints').properties.autoReply).toMatchObject({ properties: { reason: { enum: [...AUTO_REPLY_REASONS] } } });
    expect(def('ticket').pattern).toBe(TICKET_PATTERN);
    expect(prop('text').maxLength).toBe(MAX_TEXT_LENGTH);
    expect(prop('attachments').maxItems).toBe(MAX_ATTACHMENTS);
    expect(def('contact').properties.name?.maxLength).toBe(MAX_NAME_LENGTH);
    expect(def('location').properties.address?.maxLength).toBe(MAX_ADDRESS_LENGTH);
    const call = def('call').properties;
    expect(call.disposition?.enum).toEqual([...CALL_DISPOSITIONS]);
    expect(call.queueSkill?.pattern).toBe(SKILL_NAME_PATTERN);
    expect(call.ivrPath).toMatchObject({ maxItems: MAX_IVR_PATH, items: { maxLength: MAX_NODE_ID_LENGTH } });
    expect(call.department?.maxLength).toBe(MAX_DEPARTMENT_LENGTH);
    expect(call.note?.maxLength).toBe(MAX_NOTE_LENGTH);
    expect(def('call').required).toEqual(Object.keys(workOrderCall).filter((k) => k !== 'note'));
  });

  it('lists every Submission field, and forbids others everywhere', () => {
    // The optional top-level fields (`private`, present only when asked for; `call`, on agents' work orders)
    // besides those the fixture has.
    expect(Object.keys(schema.properties).sort()).toEqual([...new Set([...Object.keys(valid), 'private', 'call'])].sort());
    expect(validateSubmission({ ...valid, private: true })).toEqual([]);
    expect(validateSubmission({ ...valid, private: false })).not.toEqual([]);
    const objects: unknown[] = [];
    const walk = (node: unknown) => {
      if (typeof node !== 'object' || node === null) return;
      const n = node as Record<string, unknown>;
      if (n.type === 'object') objects.push(n);
      Object.values(n).forEach(walk);
    };
    walk(SUBMISSION_SCHEMA);
    expect(objects.length).toBeGreaterThanOrEqual(9);
    for (const o of objects) expect(o).toHaveProperty('additionalProperties', false);
  });
});

describe('validateSubmission', () => {
  it('accepts a work order with its call, whatever the disposition', () => {
    const order = { ...valid, channel: 'voice', call: workOrderCall };
    expect(validateSubmission(order)).toEqual([]);
    expect(validateSubmission({ ...order, call: { ...workOrderCall, disposition: 'repeat', repeatOf: '000000026' } })).toEqual([]);
    expect(validateSubmission({ ...order, call: { ...workOrderCall, disposition: 'dispatched', department: '城管局' } })).toEqual([]);
    const { note: _note, ...noNote } = workOrderCall;
    expect(validateSubmission({ ...order, call: { ...noNote, disposition: 'referred' } })).toEqual([]);
  });

  it('accepts a complete submission and a minimal one', () => {
    expect(validateSubmission(valid)).toEqual([]);
    const { location: _l, ...minimal } = { ...valid, contact: { anonymous: true }, attachments: [], refs: {}, hints: {}, priority: 10 };
    expect(validateSubmission(minimal)).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['a wrong schema version', { ...valid, schemaVersion: 2 }, 'schemaVersion: must be equal to constant'],
    ['a lower-case id', { ...valid, id: valid.id.toLowerCase() }, 'id: must match pattern'],
    ['a short ticket', { ...valid, ticket: '1234' }, 'ticket: must match pattern'],
    ['an unknown channel', { ...valid, channel: 'fax' }, 'channel: must be equal to one of the allowed values'],
    ['a local time', { ...valid, receivedAt: '2024-05-01 08:30' }, 'receivedAt: must match pattern'],
    ['a phone with spaces', { ...valid, contact: { anonymous: false, phone: '138 1234 5678' } }, 'contact.phone: must match pattern'],
    ['anonymous with a phone', { ...valid, contact: { anonymous: true, phone: '13812345678' } }, 'contact: an anonymous contact must not have name, phone, email or wechatOpenId'],
    ['not anonymous without details', { ...valid, contact: { anonymous: false } }, 'contact: a contact that is not anonymous needs name, phone, email or wechatOpenId'],
    ['an upper-case email domain', { ...valid, contact: { anonymous: false, email: 'a@EXAMPLE.com' } }, 'contact.email: must match pattern'],
    ['lat without lon', { ...valid, location: { lat: 1 } }, 'location: must have property lon when property lat is present'],
    ['an empty location', { ...valid, location: {} }, 'location: must NOT have fewer than 1 properties'],
    ['too many attachments', { ...valid, attachments: new Array(21).fill(valid.attachments[0]) }, 'attachments: must NOT have more than 20 items'],
    ['a bad attachment size', { ...valid, attachments: [{ ...valid.attachments[0], size: 0 }] }, 'attachments[0].size: must be >= 1'],
    ['a missing attachment field', { ...valid, attachments: [{ ...valid.attachments[0], sha256: undefined }] }, 'attachments[0].sha256: must have required property'],
    ['an unknown ref', { ...valid, refs: { secret: 'x' } }, 'refs.secret: unknown property'],
    ['an unknown top-level field', { ...valid, extra: 1 }, 'extra: unknown property'],
    ['a javascript: media URL', { ...valid, refs: { mediaUrls: ['javascript:alert(1)'] } }, 'refs.mediaUrls[0]: must match pattern'],
    ['an unknown emergency line', { ...valid, hints: { emergency: { line: '911', matched: 'x' } } }, 'hints.emergency.line: must be equal to one of the allowed values'],
    ['a privacy value instead of a kind', { ...valid, hints: { privacy: { matched: ['11010519491231002X'] } } }, 'hints.privacy.matched[0]: must be equal to one of the allowed values'],
    ['priority 0', { ...valid, priority: 0 }, 'priority: must be >= 1'],
    ['a missing text', { ...valid, text: undefined }, 'text: must have required property'],
    ['a call without its agent', { ...valid, call: { ...workOrderCall, agentId: undefined } }, 'call.agentId: must have required property'],
    ['a call with an unknown disposition', { ...valid, call: { ...workOrderCall, disposition: 'ignored' } }, 'call.disposition: must be equal to one of the allowed values'],
    ['a repeat without its ticket', { ...valid, call: { ...workOrderCall, disposition: 'repeat' } }, "call.repeatOf: must have required property 'repeatOf'"],
    ['a repeat ticket on an answered call', { ...valid, call: { ...workOrderCall, repeatOf: '000000026' } }, 'call.repeatOf: only allowed with disposition repeat'],
    ['a dispatch without its department', { ...valid, call: { ...workOrderCall, disposition: 'dispatched' } }, "call.department: must have required property 'department'"],
    ['a department on a referred call', { ...valid, call: { ...workOrderCall, disposition: 'referred', department: 'x' } }, 'call.department: only allowed with disposition dispatched'],
    ['a negative wait', { ...valid, call: { ...workOrderCall, waitedMs: -1 } }, 'call.waitedMs: must be >= 0'],
    ['a local call time', { ...valid, call: { ...workOrderCall, endedAt: '2024-05-01 08:30' } }, 'call.endedAt: must match pattern'],
    ['an IVR node id with a space', { ...valid, call: { ...workOrderCall, ivrPath: ['main menu'] } }, 'call.ivrPath[0]: must match pattern'],
    ['an unknown call field', { ...valid, call: { ...workOrderCall, rating: 5 } }, 'call.rating: unknown property'],
  ])('refuses %s', (_name, value, message) => {
    const messages = validateSubmission(JSON.parse(JSON.stringify(value)));
    expect(messages.some((m) => m.startsWith(message)), messages.join('\n')).toBe(true);
  });

  it('refuses things that are not submissions at all', () => {
    for (const value of [null, 42, 'x', [], {}]) expect(validateSubmission(value).length).toBeGreaterThan(0);
    expect(validateSubmission(null)).toEqual(['(submission): must be object']);
  });
});
