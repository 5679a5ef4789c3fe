import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ticketFromSubject, ticketTag, withoutTicketTags } from '../../../src/domain/email/ticket-in-subject.js';
import { ticketFromSequence } from '../../../src/domain/intake/ticket.js';

const T = ticketFromSequence(4242); // 000042424

describe('ticketFromSubject', () => {
  it.each([
    [`Re: 路灯坏了 [12345-${T}]`, T],
    [`Re: [ 12345 - ${T} ]`, T],
    [`about 12345-${T} again`, T],
    [`工单 ${T}`, T],
    [`工单号：${T} 补充`, T],
    [`工单编号:${T}`, T],
    [`關於工單號碼 ${T}`, T],
    [`Ticket #${T}`, T],
    [`ticket no. ${T}`, T],
    [`［12345-${T.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))}］`, T],
  ])('%s', (subject, ticket) => {
    expect(ticketFromSubject(subject)).toBe(ticket);
  });

  it('ignores numbers that are no valid ticket', () => {
    expect(ticketFromSubject('工单 000042425')).toBeNull(); // wrong check digit
    expect(ticketFromSubject('我的电话 13812345678')).toBeNull();
    expect(ticketFromSubject('2024年5月6日')).toBeNull();
    expect(ticketFromSubject(`工单 ${T}0`)).toBeNull(); // part of a longer number
    expect(ticketFromSubject('')).toBeNull();
  });

  it('finds every ticket it tags', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.string({ maxLength: 40 }), (seq, subject) => {
        const ticket = ticketFromSequence(seq);
        expect(ticketFromSubject(`Re: ${subject.replace(/\d/g, '')} ${ticketTag(ticket)}`)).toBe(ticket);
      }),
    );
  });
});

describe('withoutTicketTags', () => {
  it('removes our tags only', () => {
    expect(withoutTicketTags(`Re: 路灯 [12345-${T}] [urgent]`)).toBe('Re: 路灯 [urgent]');
  });
});
