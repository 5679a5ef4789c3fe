import { describe, expect, it } from 'vitest';
import { formSubmitted, maskTicket } from '../../../src/adapters/http/web-form/form-submission.js';
import type { SubmitOutcome } from '../../../src/app/intake/intake-ports.js';
import { normaliseSubmission } from '../../../src/domain/intake/normalise.js';
import type { RepeatProgress } from '../../../src/domain/intake/repeat-reply.js';
import { ticketFromSequence } from '../../../src/domain/intake/ticket.js';

function outcome(text: string): SubmitOutcome {
  const result = normaliseSubmission(
    { channel: 'web', text, language: 'zh', contact: { name: '张三', phone: '13800138000' } },
    { id: '01J0000000000000000000000A', ticket: ticketFromSequence(8), receivedAt: '2024-05-02T02:30:00.000Z' },
  );
  if (!result.ok) throw new Error('fixture does not normalise');
  const submission = { ...result.submission, hints: { ...result.submission.hints, repeatOf: { id: '01J00000000000000000000007', ticket: ticketFromSequence(7) } } };
  return { submission, duplicate: false, durability: 'queued' };
}

describe('formSubmitted', () => {
  it('gives the page the first request\'s ticket, status, note and when it was received, and nothing else of it', () => {
    const repeat = { ticket: ticketFromSequence(7), status: 'accepted', receivedAt: '2024-05-01T02:30:00.000Z', note: '已派人处理', agency: '城管委' } as RepeatProgress;
    const body = formSubmitted(outcome('小区门口的路灯坏了'), '123456', repeat);
    expect(body).toEqual({
      ticket: ticketFromSequence(8),
      pin: '123456',
      receivedAt: '2024-05-02T02:30:00.000Z',
      repeatOf: { ticket: maskTicket(ticketFromSequence(7)), status: 'accepted', receivedAt: '2024-05-01T02:30:00.000Z' },
    });
    // Neither request's internal id, nor anything about the citizen.
    const json = JSON.stringify(body);
    for (const secret of ['01J0000000000000000000000A', '01J00000000000000000000007', '13800138000', '张三', '路灯']) expect(json).not.toContain(secret);
  });

  it('gives the first ticket alone when its progress could not be read, and no repeatOf for a new request', () => {
    expect(formSubmitted(outcome('小区门口的路灯坏了'), '123456', { ticket: ticketFromSequence(7) }).repeatOf).toEqual({ ticket: maskTicket(ticketFromSequence(7)) });
    expect(formSubmitted(outcome('小区门口的路灯坏了'), '123456', null)).not.toHaveProperty('repeatOf');
  });

  it('puts the emergency guidance beside the repeat', () => {
    const body = formSubmitted(outcome('楼道里着火了，有人被困'), '123456', { ticket: ticketFromSequence(7) });
    expect(body.emergency?.line).toBe('119');
    expect(body.repeatOf?.ticket).toBe(maskTicket(ticketFromSequence(7)));
  });
});

describe('maskTicket', () => {
  it('keeps only the last four digits', () => {
    expect(maskTicket('000001236')).toBe('*****1236');
    expect(maskTicket('1234')).toBe('1234');
  });
});
