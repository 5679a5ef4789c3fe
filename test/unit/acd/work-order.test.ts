import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MATTER_LENGTH, parseWorkOrderForm, workOrderDedupKey, unrecordedForm, workOrderDraft } from '../../../src/domain/acd/work-order.js';
import type { CallFacts, WorkOrderForm } from '../../../src/domain/acd/work-order.js';
import { MAX_IVR_PATH } from '../../../src/domain/intake/normalise-call.js';
import { normaliseSubmission } from '../../../src/domain/intake/normalise.js';
import { AGENT_DISPOSITIONS, CATEGORIES, KINDS } from '../../../src/domain/intake/submission.js';
import { validateSubmission } from '../../../src/domain/intake/validate-submission.js';

const form = { kind: 'complaint', category: 'environment', matter: '工地夜间施工噪音', disposition: 'answered' };

const errorsOf = (input: unknown): string[] => {
  const parsed = parseWorkOrderForm(input);
  return 'errors' in parsed ? parsed.errors : [];
};

describe('parseWorkOrderForm', () => {
  it('takes a complete form, normalising the text', () => {
    expect(parseWorkOrderForm({ ...form, matter: '  工地\u3000夜间施工\r\n噪音 ', note: ' 已安抚 ' })).toEqual({
      ...form,
      matter: '工地 夜间施工\n噪音',
      note: '已安抚',
    });
  });

  it('takes a dispatch with its department and a repeat with its ticket (spaces in the ticket dropped)', () => {
    expect(parseWorkOrderForm({ ...form, disposition: 'dispatched', department: ' 区\n城管局 ' })).toEqual({ ...form, disposition: 'dispatched', department: '区 城管局' });
    expect(parseWorkOrderForm({ ...form, disposition: 'repeat', repeatOf: '0000 0002 6' })).toEqual({ ...form, disposition: 'repeat', repeatOf: '000000026' });
  });

  it('counts null and empty optional fields as absent', () => {
    expect(parseWorkOrderForm({ ...form, note: null, department: '', repeatOf: null })).toEqual(form);
  });

  it.each<[string, unknown, string[]]>([
    ['not an object', 'complaint', ['work order: must be an object']],
    ['an array', [form], ['work order: must be an object']],
    ['an empty form', {}, [
      `kind: required: must be one of: ${KINDS.join(', ')}`,
      `category: required: must be one of: ${CATEGORIES.join(', ')}`,
      `disposition: required: must be one of: ${AGENT_DISPOSITIONS.join(', ')}`,
      'matter: required: what the caller wanted',
    ]],
    ['an unknown kind', { ...form, kind: 'rant' }, [`kind: must be one of: ${KINDS.join(', ')}`]],
    ['an unknown category', { ...form, category: 'weather' }, [`category: must be one of: ${CATEGORIES.join(', ')}`]],
    ['an unknown disposition', { ...form, disposition: 'ignored' }, [`disposition: must be one of: ${AGENT_DISPOSITIONS.join(', ')}`]],
    ['a blank matter', { ...form, matter: ' \u200B\n ' }, ['matter: required: what the caller wanted']],
    ['a matter that is not text', { ...form, matter: 42 }, ['matter: must be a string']],
    ['a too long matter', { ...form, matter: '噪'.repeat(MAX_MATTER_LENGTH + 1) }, [`matter: too long: ${MAX_MATTER_LENGTH + 1} characters, at most ${MAX_MATTER_LENGTH}`]],
    ['a too long note', { ...form, note: 'x'.repeat(1001) }, ['note: too long: 1001 characters, at most 1000']],
    ['a dispatch without department', { ...form, disposition: 'dispatched' }, ['department: required with disposition dispatched (where the matter was sent)']],
    ['a department on an answered call', { ...form, department: '城管局' }, ['department: only with disposition dispatched, not answered']],
    ['a too long department', { ...form, disposition: 'dispatched', department: 'x'.repeat(101) }, ['department: too long: 101 characters, at most 100']],
    ['a repeat without ticket', { ...form, disposition: 'repeat' }, ['repeatOf: required with disposition repeat (the earlier ticket)']],
    ['a repeat of a mistyped ticket', { ...form, disposition: 'repeat', repeatOf: '000000027' }, ['repeatOf: must be a ticket: 9 to 20 digits with a valid check digit']],
    ['a ticket that is a number', { ...form, disposition: 'repeat', repeatOf: 26 }, ['repeatOf: must be a ticket: 9 to 20 digits with a valid check digit']],
    ['a ticket on a referred call', { ...form, disposition: 'referred', repeatOf: '000000026' }, ['repeatOf: only with disposition repeat, not referred']],
    ['an unknown field', { ...form, rating: 5 }, ['rating: unknown field (allowed: kind, category, matter, disposition, repeatOf, department, note)']],
  ])('refuses %s, naming the field', (_name, input, errors) => {
    expect(errorsOf(input)).toEqual(errors);
  });

  it('accepts a matter of exactly the limit', () => {
    expect(errorsOf({ ...form, matter: '😀'.repeat(MAX_MATTER_LENGTH) })).toEqual([]);
  });
});

const facts: CallFacts = {
  callId: '1714552200.42',
  caller: '+86 138-1234-5678',
  language: 'zh',
  ivrPath: ['main', 'complaint', 'queue-env'],
  queueSkill: 'environment',
  enqueuedAt: Date.parse('2024-05-01T08:30:00.000Z'),
  answeredAt: Date.parse('2024-05-01T08:30:42.000Z'),
  endedAt: Date.parse('2024-05-01T08:35:00.000Z'),
  agentId: 'agent-1001',
  recordingName: 'call-1714552200-42',
};
const parsed = (input: unknown): WorkOrderForm => {
  const result = parseWorkOrderForm(input);
  if ('errors' in result) throw new Error(result.errors.join('; '));
  return result;
};
const ctx = { id: '01HZX3K5W8Q9R2T4V6Y8Z0A1B2', ticket: '000000018', receivedAt: '2024-05-01T08:36:00.000Z' };

describe('workOrderDraft', () => {
  it('records the time, the matter and the contact, with the queue facts', () => {
    expect(workOrderDraft(facts, parsed({ ...form, note: '已安抚' }))).toEqual({
      channel: 'voice',
      text: '工地夜间施工噪音',
      kind: 'complaint',
      category: 'environment',
      language: 'zh',
      contact: { phone: '+8613812345678' },
      refs: { callId: '1714552200.42', recordingName: 'call-1714552200-42' },
      call: {
        ivrPath: ['main', 'complaint', 'queue-env'],
        queueSkill: 'environment',
        queuedAt: '2024-05-01T08:30:00.000Z',
        answeredAt: '2024-05-01T08:30:42.000Z',
        endedAt: '2024-05-01T08:35:00.000Z',
        waitedMs: 42_000,
        talkedMs: 258_000,
        agentId: 'agent-1001',
        disposition: 'answered',
        note: '已安抚',
      },
    });
  });

  it('links the earlier ticket the IVR found, unless the agent named the one this call repeats', () => {
    const earlier = { ...facts, earlierTicket: '000000034' };
    expect(workOrderDraft(earlier, parsed(form)).refs?.followUpOf).toBe('000000034');
    const repeat = workOrderDraft(earlier, parsed({ ...form, disposition: 'repeat', repeatOf: '000000026' }));
    expect(repeat.refs?.followUpOf).toBe('000000026');
    expect(repeat.call).toMatchObject({ disposition: 'repeat', repeatOf: '000000026' });
    expect(workOrderDraft(facts, parsed(form)).refs).not.toHaveProperty('followUpOf');
  });

  it('keeps a withheld number out of the contact, and a dispatch names its department', () => {
    const draft = workOrderDraft({ ...facts, caller: 'anonymous', recordingName: undefined }, parsed({ ...form, disposition: 'dispatched', department: '区城管局' }));
    expect(draft.contact).toEqual({});
    expect(draft.refs).toEqual({ callId: facts.callId });
    expect(draft.call).toMatchObject({ disposition: 'dispatched', department: '区城管局' });
  });

  it('never records a negative time when clocks disagree', () => {
    const skewed = workOrderDraft({ ...facts, answeredAt: facts.enqueuedAt - 300, endedAt: facts.enqueuedAt - 400 }, parsed(form));
    expect(skewed.call).toMatchObject({ waitedMs: 0, talkedMs: 0 });
  });

  it('keeps the last IVR nodes of a very long path', () => {
    const path = Array.from({ length: MAX_IVR_PATH + 5 }, (_, i) => `n${i}`);
    expect(workOrderDraft({ ...facts, ivrPath: path }, parsed(form)).call?.ivrPath).toEqual(path.slice(5));
  });

  it('becomes a submission that validates, with the call unchanged, for any form the agent can send', () => {
    const forms = fc.record({
      kind: fc.constantFrom(...KINDS),
      category: fc.constantFrom(...CATEGORIES),
      matter: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
      disposition: fc.constantFrom(...AGENT_DISPOSITIONS),
      repeatOf: fc.constantFrom('000000026', '000000034'),
      department: fc.string({ unit: 'grapheme', maxLength: 30 }),
      note: fc.option(fc.string({ unit: 'grapheme', maxLength: 60 }), { nil: undefined }),
    });
    const factsArb = fc.record({
      caller: fc.constantFrom('13812345678', 'anonymous', '+1 (202) 555-0101', ''),
      ivrPath: fc.array(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,8}$/), { maxLength: 120 }),
      enqueuedAt: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
      waited: fc.integer({ min: -1000, max: 3_600_000 }),
      talked: fc.integer({ min: -1000, max: 7_200_000 }),
      earlierTicket: fc.option(fc.constant('000000042'), { nil: undefined }),
    });
    let filed = 0;
    fc.assert(
      fc.property(forms, factsArb, ({ disposition, repeatOf, department, ...rest }, f) => {
        const input = { ...rest, disposition, ...(disposition === 'repeat' ? { repeatOf } : {}), ...(disposition === 'dispatched' ? { department } : {}) };
        const result = parseWorkOrderForm(input);
        if ('errors' in result) return;
        const callFacts: CallFacts = {
          ...facts,
          caller: f.caller,
          ivrPath: f.ivrPath,
          enqueuedAt: f.enqueuedAt,
          answeredAt: f.enqueuedAt + f.waited,
          endedAt: f.enqueuedAt + f.waited + f.talked,
          ...(f.earlierTicket !== undefined ? { earlierTicket: f.earlierTicket } : {}),
        };
        const draft = workOrderDraft(callFacts, result);
        const submission = normaliseSubmission(draft, ctx);
        if (!submission.ok) throw new Error(JSON.stringify(submission.problems));
        filed++;
        expect(submission.submission.call).toEqual(draft.call);
        expect(submission.submission.text).toBe(result.matter);
        expect(validateSubmission(JSON.parse(JSON.stringify(submission.submission)))).toEqual([]);
      }),
      { numRuns: 300 },
    );
    expect(filed).toBeGreaterThan(100);
  });
});

describe('workOrderDedupKey', () => {
  it('is one key per call, apart from the voice messages of the same call', () => {
    expect(workOrderDedupKey('1714552200.42')).toBe('call:1714552200.42');
    expect(workOrderDedupKey('a')).not.toBe(workOrderDedupKey('b'));
  });
});

describe('unrecordedForm', () => {
  it('files what the gateway knows: the kind of the queue, the IVR category, a matter asking for a call back in the caller\'s language', () => {
    const zh = unrecordedForm({ queueSkill: 'complaint', language: 'zh' }, 'environment');
    expect(zh).toMatchObject({ kind: 'complaint', category: 'environment', disposition: 'unrecorded' });
    expect(zh.matter).toMatch(/回访/);
    const en = unrecordedForm({ queueSkill: 'case-status', language: 'en' }, null);
    expect(en).toMatchObject({ kind: 'consultation', category: 'other', disposition: 'unrecorded' });
    expect(en.matter).toMatch(/call the citizen back/);
    expect(unrecordedForm({ queueSkill: 'general', language: 'zh' }, 'not-a-category')).toMatchObject({ kind: 'help', category: 'other' });
  });

  it('is not a disposition an agent may choose', () => {
    expect(parseWorkOrderForm({ kind: 'help', category: 'other', matter: 'x', disposition: 'unrecorded' })).toHaveProperty('errors');
  });
});
