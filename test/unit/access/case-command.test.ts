import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ratingCommand, statusCommand } from '../../../src/domain/access/case-command.js';
import { luhnCheckDigit } from '../../../src/domain/intake/luhn.js';

const body = '48392017465';
const TICKET = body + String(luhnCheckDigit(body)); // a 12-digit ticket as the cipher issues them

describe('statusCommand', () => {
  it.each([
    [`查询 ${TICKET}`, null],
    [`status ${TICKET}`, null],
    [`${TICKET}进度？`, null],
    [`${TICKET.slice(0, 4)} ${TICKET.slice(4, 8)} ${TICKET.slice(8)}`, null],
    [`查询 ${TICKET} 482913`, { kind: 'pin', value: '482913' }],
    [`查询${TICKET} 查询码：482913`, { kind: 'pin', value: '482913' }],
    [`status ${TICKET} PIN 482913`, { kind: 'pin', value: '482913' }],
    [`查询 ${TICKET} 5678`, { kind: 'phone', value: '5678' }],
    [`查询 ${TICKET} 手机尾号 5678`, { kind: 'phone', value: '5678' }],
    [`ｓｔａｔｕｓ\u3000${TICKET}\u3000４８２９１３`, { kind: 'pin', value: '482913' }],
    [`status ${TICKET} Citizen@Example.cn`, { kind: 'email', value: 'citizen@example.cn' }],
  ])('%j asks for the ticket with proof %j', (text, proof) => {
    expect(statusCommand(text)).toEqual({ kind: 'status', ticket: TICKET, proof });
  });

  it('takes a keyword alone, or with a proof, as a question about the conversation\'s case', () => {
    expect(statusCommand('查询')).toEqual({ kind: 'status', ticket: null, proof: null });
    expect(statusCommand('Status?')).toEqual({ kind: 'status', ticket: null, proof: null });
    expect(statusCommand('查询 482913')).toEqual({ kind: 'status', ticket: null, proof: { kind: 'pin', value: '482913' } });
  });

  it('calls a number after a keyword that is neither a ticket nor a proof a mistyped ticket', () => {
    expect(statusCommand(`查询 ${TICKET.slice(0, -1)}${(Number(TICKET.at(-1)) + 1) % 10}`)).toEqual({ kind: 'bad-ticket' });
    expect(statusCommand('status 12345')).toEqual({ kind: 'bad-ticket' });
  });

  it.each(['13812345678', '我想查询一下公积金政策', `路灯坏了，工单${TICKET}还没人处理`, '', 'status of the bus line 5?'])('%j is not a status question', (text) => {
    expect(statusCommand(text)).toBeNull();
  });
});

describe('ratingCommand', () => {
  it.each([
    ['评价 5', null, null, 5],
    ['评价5分', null, null, 5],
    ['rate 1', null, null, 1],
    ['Rating: 4 stars', null, null, 4],
    ['评分 3/5', null, null, 3],
    [`评价 ${TICKET} 4`, TICKET, null, 4],
    [`rate ${TICKET} 482913 2`, TICKET, { kind: 'pin', value: '482913' }, 2],
    [`评价 ${TICKET} 查询码 482913 5`, TICKET, { kind: 'pin', value: '482913' }, 5],
    ['评价 482913 5', null, { kind: 'pin', value: '482913' }, 5],
  ])('%j rates %s (proof %j) with %d', (text, ticket, proof, score) => {
    expect(ratingCommand(text)).toEqual({ kind: 'rate', ticket, proof, score });
  });

  it('refuses scores outside 1-5 and a rating word alone, so the citizen is told how', () => {
    for (const text of ['评价 0', 'rate 6', 'rate 10', '评价', `评价 ${TICKET}`, 'rate 12345 3']) expect(ratingCommand(text)).toEqual({ kind: 'bad-rating' });
  });

  it('leaves messages that merely start with a rating word to be filed', () => {
    for (const text of ['评价一下你们的服务，差评 1', 'rate of the water bill is too high 5', '路灯坏了 5']) expect(ratingCommand(text)).toBeNull();
  });

  it('never throws, and only gives valid scores', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const command = ratingCommand(`评价 ${text}`);
        if (command?.kind === 'rate') expect([1, 2, 3, 4, 5]).toContain(command.score);
        statusCommand(text);
      }),
      { seed: 11, numRuns: 2000 },
    );
  });
});
