import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidTicket, ticketFromSequence } from '../../../src/domain/intake/ticket.js';
import { mentionedTicket, ticketQuery } from '../../../src/domain/wechat/ticket-query.js';

const TICKET = ticketFromSequence(12345678); // 123456782
const OTHER = ticketFromSequence(7);

describe('ticketQuery', () => {
  it.each([
    `查询 ${TICKET}`,
    `查询${TICKET}`,
    `查询：${TICKET}`,
    `工单号:${TICKET}`,
    `查一下工单 ${TICKET}`,
    `${TICKET}进度？`,
    `${TICKET}的办理进度`,
    `status ${TICKET}`,
    `Status #${TICKET}`,
    `ticket no. ${TICKET}`,
    `check ${TICKET}?`,
    TICKET,
    ` ${TICKET} `,
    '１２３４５６７８２',
    '1234 5678 2',
    '1234-5678-2',
  ])('%j asks for the status of 123456782', (text) => {
    expect(TICKET).toBe('123456782');
    expect(ticketQuery(text)).toEqual({ kind: 'status', ticket: TICKET, proof: null });
  });

  it('recognises a mistyped ticket after a keyword', () => {
    expect(ticketQuery('查询 123456781')).toEqual({ kind: 'bad-ticket' });
    expect(ticketQuery('status 12345')).toEqual({ kind: 'bad-ticket' });
  });

  it.each([
    '13812345678', // a phone number failing the check digit: contact details, not a question
    `路灯坏了，工单${TICKET}还没人处理`,
    '我想查询一下公积金政策',
    'status of the bus line 5?',
    '',
    '查询',
  ])('%j is not a status question', (text) => {
    expect(ticketQuery(text)).toBeNull();
  });

  // How citizens write a ticket down: as printed, with full-width digits (phone keyboards), or in spaced or
  // dashed groups of four.
  const written = fc.constantFrom(
    (ticket: string) => ticket,
    (ticket: string) => [...ticket].map((d) => String.fromCharCode(0xff10 + Number(d))).join(''),
    (ticket: string) => ticket.replace(/(\d{4})(?=\d)/g, '$1 '),
    (ticket: string) => ticket.replace(/(\d{4})(?=\d)/g, '$1-'),
  );
  const before = fc.constantFrom('', '查询 ', '查询：', '工单号:', '查一下工单 ', 'status ', 'Status #', 'ticket no. ', 'check ');
  const after = fc.constantFrom('', '进度？', '的办理进度', '?', ' 。');
  // Tickets as they were issued: the old sequential ones (9-10 digits) and today's 12 digits. A 13-16 digit ticket
  // never existed; written in groups it could read as a 12-digit ticket followed by phone digits.
  const sequence = fc.oneof(fc.integer({ min: 1, max: 10 ** 9 - 1 }), fc.integer({ min: 10 ** 10, max: 10 ** 11 - 1 }));

  it('reads any ticket, however it is written and asked about, as a status question for that ticket', () => {
    fc.assert(
      fc.property(sequence, written, before, after, (seq, write, prefix, suffix) => {
        const ticket = ticketFromSequence(seq);
        expect(ticketQuery(`${prefix}${write(ticket)}${suffix}`)).toEqual({ kind: 'status', ticket, proof: null });
      }),
    );
  });

  it('answers a ticket with one digit mistyped after a keyword as a bad ticket, never as another ticket', () => {
    fc.assert(
      fc.property(sequence, fc.nat(), fc.integer({ min: 1, max: 9 }), before.filter((p) => p !== ''), (seq, at, shift, prefix) => {
        const ticket = ticketFromSequence(seq);
        const i = at % ticket.length;
        const mistyped = ticket.slice(0, i) + String((Number(ticket[i]) + shift) % 10) + ticket.slice(i + 1);
        expect(ticketQuery(`${prefix}${mistyped}`)).toEqual({ kind: 'bad-ticket' });
      }),
    );
  });

  it('never throws, and a status answer names a valid ticket written in the message', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.tuple(before, sequence, after).map(([p, seq, s]) => `${p}${ticketFromSequence(seq)}${s}`)), (text) => {
        const query = ticketQuery(text);
        if (query?.kind === 'status') {
          expect(isValidTicket(query.ticket)).toBe(true);
          expect(text.normalize('NFKC').replace(/[^0-9]/g, '')).toContain(query.ticket);
        }
      }),
    );
  });
});

describe('mentionedTicket', () => {
  it('finds the first valid ticket in running text', () => {
    expect(mentionedTicket(`关于工单${TICKET}，还没有人来`)).toBe(TICKET);
    expect(mentionedTicket(`电话13812345678，工单${OTHER}`)).toBe(OTHER);
    expect(mentionedTicket('no numbers here')).toBeNull();
    expect(mentionedTicket(`${TICKET}0`)).toBeNull();
  });
});
