import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ticketFromSequence } from '../../../src/domain/intake/ticket.js';
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

  it('never throws and only returns valid tickets', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const query = ticketQuery(text);
        if (query?.kind === 'status') expect(query.ticket).toMatch(/^[0-9]{9,20}$/);
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
