// A work order's `call` section through normaliseSubmission: kept as it came when right, each wrong field named.

import { describe, expect, it } from 'vitest';
import { MAX_IVR_PATH, MAX_NOTE_LENGTH } from '../../../src/domain/intake/normalise-call.js';
import { normaliseSubmission } from '../../../src/domain/intake/normalise.js';
import type { CallRecord, SubmissionDraft } from '../../../src/domain/intake/submission.js';
import { validateSubmission } from '../../../src/domain/intake/validate-submission.js';

const ctx = { id: '01HZX3K5W8Q9R2T4V6Y8Z0A1B2', ticket: '000000018', receivedAt: '2024-05-01T08:40:00.000Z' };
const call: CallRecord = {
  ivrPath: ['main', 'complaint', 'queue-env'],
  queueSkill: 'environment',
  queuedAt: '2024-05-01T08:30:00.000Z',
  answeredAt: '2024-05-01T08:30:42.000Z',
  endedAt: '2024-05-01T08:35:00.000Z',
  waitedMs: 42_000,
  talkedMs: 258_000,
  agentId: 'agent-1001',
  disposition: 'dispatched',
  department: '区城管局',
  note: '来电人要求回电',
};
const draft = { channel: 'voice', text: '工地夜间施工噪音', contact: { phone: '13812345678' }, refs: { callId: '1714552200.42' }, call };

const run = (value: unknown) => normaliseSubmission(value as SubmissionDraft, ctx);
const fieldsOf = (value: unknown): string[] => {
  const result = run(value);
  return result.ok ? [] : result.problems.map((p) => p.field);
};

describe('a draft with a call record', () => {
  it('passes the call through to the submission unchanged, and the submission validates', () => {
    const result = run(draft);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.submission.call).toEqual(call);
    expect(validateSubmission(JSON.parse(JSON.stringify(result.submission)))).toEqual([]);
  });

  it('has no call section when none is given (null counts as none)', () => {
    const { call: _call, ...plain } = draft;
    for (const value of [plain, { ...plain, call: null }]) {
      const result = run(value);
      expect(result.ok && !('call' in result.submission)).toBe(true);
    }
  });

  it('normalises only the agent\'s free text', () => {
    const result = run({ ...draft, call: { ...call, department: ' 区\u3000城管局\n', note: ' 要求\r\n回电 ' } });
    expect(result.ok && result.submission.call).toMatchObject({ department: '区 城管局', note: '要求\n回电' });
  });

  it('belongs to voice calls only', () => {
    expect(fieldsOf({ ...draft, channel: 'web' })).toEqual(['call']);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['not an object', { call: 'yes' }, ['call']],
    ['an unknown field', { call: { ...call, rating: 5 } }, ['call.rating']],
    ['a missing IVR path', { call: { ...call, ivrPath: undefined } }, ['call.ivrPath']],
    ['a too long IVR path', { call: { ...call, ivrPath: new Array(MAX_IVR_PATH + 1).fill('menu') } }, ['call.ivrPath']],
    ['a bad node id', { call: { ...call, ivrPath: ['main', 'two words'] } }, ['call.ivrPath[1]']],
    ['a skill in capitals', { call: { ...call, queueSkill: 'Environment' } }, ['call.queueSkill']],
    ['a local time', { call: { ...call, queuedAt: '2024-05-01 08:30:00' } }, ['call.queuedAt']],
    ['a month 13', { call: { ...call, endedAt: '2024-13-01T08:30:00.000Z' } }, ['call.endedAt']],
    ['a negative wait and a fractional talk time', { call: { ...call, waitedMs: -1, talkedMs: 1.5 } }, ['call.waitedMs', 'call.talkedMs']],
    ['an agent id with spaces around', { call: { ...call, agentId: ' a1 ' } }, ['call.agentId']],
    ['an unknown disposition', { call: { ...call, disposition: 'ignored', department: undefined } }, ['call.disposition']],
    ['a dispatch without a department', { call: { ...call, department: undefined } }, ['call.department']],
    ['an empty department', { call: { ...call, department: '  ' } }, ['call.department']],
    ['a department on an answered call', { call: { ...call, disposition: 'answered' } }, ['call.department']],
    ['a repeat without a ticket', { call: { ...call, disposition: 'repeat', department: undefined } }, ['call.repeatOf']],
    ['a repeat of a mistyped ticket', { call: { ...call, disposition: 'repeat', department: undefined, repeatOf: '000000019' } }, ['call.repeatOf']],
    ['a ticket on a referred call', { call: { ...call, disposition: 'referred', department: undefined, repeatOf: '000000018' } }, ['call.repeatOf']],
    ['a too long note', { call: { ...call, note: 'x'.repeat(MAX_NOTE_LENGTH + 1) } }, ['call.note']],
  ])('refuses %s, naming the field', (_name, change, fields) => {
    expect(fieldsOf(JSON.parse(JSON.stringify({ ...draft, ...change })))).toEqual(fields);
  });
});
