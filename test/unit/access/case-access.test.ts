// Given cases in intake and the shared limiter, when someone asks to read or rate a case with various proofs, then
// only a proof that opens the case is granted, an unknown ticket is answered like a wrong proof, wrong typed proofs
// are counted per ticket and per source until both lock, identities offered by the channel are never counted, and
// a rating is taken once, when the handling is finished.

import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../../../src/adapters/access/constant-time-equal.js';
import { hmacCaseKeys } from '../../../src/adapters/intake/case-secret.js';
import { ProvenCaseAccess } from '../../../src/app/access/case-access.js';
import type { ProofLimits } from '../../../src/app/access/case-access.js';
import type { ProofSource } from '../../../src/app/access/case-access-ports.js';
import { silentLog } from '../../../src/app/app-ports.js';
import type { Intake, IntakeRecord } from '../../../src/app/intake/intake-ports.js';
import { MemoryLimiter } from '../../../src/app/limits/memory-limiter.js';
import type { Clock } from '../../../src/app/ports.js';
import { casePin } from '../../../src/domain/access/case-proof.js';
import { scrambledTicket } from '../../../src/domain/access/ticket-cipher.js';
import type { Rating, StatusEntry, Submission } from '../../../src/domain/intake/submission.js';

const KEYS = hmacCaseKeys('a test secret of at least thirty-two characters');
const TICKET = scrambledTicket(1, KEYS.ticketPrf);
const OTHER_TICKET = scrambledTicket(2, KEYS.ticketPrf);
const UNKNOWN_TICKET = scrambledTicket(3, KEYS.ticketPrf);
const PIN = casePin(TICKET, KEYS.pinPrf);
const wrongPin = (): string => (PIN === '000000' ? '000001' : '000000');
const HOUR = 3_600_000;

class Records implements Pick<Intake, 'getByTicket' | 'rate'> {
  readonly byTicket = new Map<string, IntakeRecord>();
  add(ticket: string, status: StatusEntry['status']): void {
    const submission: Submission = {
      schemaVersion: 1,
      id: `01JCASEACCESS00000000${ticket.slice(-5)}`,
      ticket,
      channel: 'voice',
      receivedAt: '2026-12-01T00:00:00.000Z',
      kind: 'complaint',
      category: 'environment',
      text: '',
      language: 'zh',
      contact: { anonymous: false, phone: '13800138000' },
      attachments: [],
      refs: {},
      hints: {},
      priority: 5,
    };
    this.byTicket.set(ticket, { submission, history: [{ status, at: '2026-12-02T00:00:00.000Z' }] });
  }
  getByTicket(ticket: string): Promise<IntakeRecord | null> {
    return Promise.resolve(this.byTicket.get(ticket) ?? null);
  }
  rate(id: string, rating: Rating): Promise<IntakeRecord | null> {
    for (const [ticket, record] of this.byTicket) {
      if (record.submission.id !== id) continue;
      const rated = record.rating === undefined ? { ...record, rating } : record;
      this.byTicket.set(ticket, rated);
      return Promise.resolve(rated);
    }
    return Promise.resolve(null);
  }
}

function setUp(limits?: ProofLimits) {
  let now = Date.parse('2026-12-07T08:00:00Z');
  const clock: Clock & { advance(ms: number): void } = {
    now: () => now,
    setTimer: () => ({ cancel: () => undefined }),
    advance: (ms) => (now += ms),
  };
  const records = new Records();
  records.add(TICKET, 'resolved');
  records.add(OTHER_TICKET, 'in_progress');
  const access = new ProvenCaseAccess({
    intake: records as unknown as Intake,
    keys: { load: () => Promise.resolve(KEYS) },
    limiter: new MemoryLimiter(clock),
    sameSecret: constantTimeEqual,
    clock,
    log: silentLog,
    ...(limits === undefined ? {} : { limits }),
  });
  return { access, records, clock };
}

const web = (ip = '192.0.2.1'): ProofSource => ({ kind: 'ip', id: ip });

describe('ProvenCaseAccess.read', () => {
  it('opens a case with its PIN, the phone digits or the same caller ID', async () => {
    const { access } = setUp();
    expect(await access.pinOf(TICKET)).toBe(PIN);
    expect(await access.read(TICKET, [{ kind: 'pin', value: PIN }], web())).toMatchObject({ kind: 'granted', via: 'pin' });
    expect(await access.read(TICKET, [{ kind: 'phone', value: '8000' }], web())).toMatchObject({ kind: 'granted', via: 'phone' });
    expect(await access.read(TICKET, [{ kind: 'caller', value: '+8613800138000' }], { kind: 'caller', id: '13800138000' })).toMatchObject({ kind: 'granted', via: 'caller' });
  });

  it('does not open another case with a PIN, nor say whether a ticket exists', async () => {
    const { access } = setUp();
    expect(await access.read(OTHER_TICKET, [{ kind: 'pin', value: PIN }], web())).toEqual({ kind: 'denied' });
    expect(await access.read(UNKNOWN_TICKET, [{ kind: 'pin', value: PIN }], web())).toEqual({ kind: 'denied' });
    expect(await access.read('12345', [{ kind: 'pin', value: PIN }], web())).toEqual({ kind: 'denied' });
    expect(await access.read(UNKNOWN_TICKET, [], web())).toEqual({ kind: 'proof_needed' });
    expect(await access.read(TICKET, [], web())).toEqual({ kind: 'proof_needed' });
  });

  it('asks for a proof, counting nothing, when an offered identity does not open the case', async () => {
    const { access } = setUp({ perTicketPerDay: 1, perTicketPer30Days: 1, perSourcePerHour: 1, perSourcePerDay: 1, perApiKeyPerHour: 1, perApiKeyPerDay: 1 });
    for (let i = 0; i < 5; i++) {
      expect(await access.read(TICKET, [{ kind: 'caller', value: '13900139000' }], { kind: 'caller', id: '13900139000' })).toEqual({ kind: 'proof_needed' });
    }
    expect(await access.read(TICKET, [{ kind: 'pin', value: PIN }], { kind: 'caller', id: '13900139000' })).toMatchObject({ kind: 'granted' });
  });

  it('locks a ticket after five wrong proofs a day, for everyone, even with the right one, until the day is over', async () => {
    const { access, clock } = setUp();
    for (let i = 0; i < 5; i++) expect(await access.read(TICKET, [{ kind: 'pin', value: wrongPin() }], web(`198.51.100.${i}`))).toEqual({ kind: 'denied' });
    const locked = await access.read(TICKET, [{ kind: 'pin', value: PIN }], web('203.0.113.9'));
    expect(locked).toMatchObject({ kind: 'locked' });
    expect(locked.kind === 'locked' && locked.retryAfterSeconds).toBeGreaterThan(23 * 3600);
    // Another ticket is not affected, and the channel's own identity still opens the locked one.
    expect(await access.read(OTHER_TICKET, [{ kind: 'phone', value: '8000' }], web('203.0.113.9'))).toMatchObject({ kind: 'granted' });
    expect(await access.read(TICKET, [{ kind: 'caller', value: '13800138000' }], { kind: 'caller', id: '13800138000' })).toMatchObject({ kind: 'granted' });
    clock.advance(24 * HOUR);
    expect(await access.read(TICKET, [{ kind: 'pin', value: PIN }], web('203.0.113.9'))).toMatchObject({ kind: 'granted' });
  });

  it('locks a ticket after fifteen wrong proofs in thirty days, spread over days', async () => {
    const { access, clock } = setUp();
    for (let day = 0; day < 3; day++) {
      for (let i = 0; i < 5; i++) expect(await access.read(TICKET, [{ kind: 'phone', value: '0000' }], web(`198.51.100.${day * 5 + i}`))).toEqual({ kind: 'denied' });
      clock.advance(24 * HOUR);
    }
    expect(await access.read(TICKET, [{ kind: 'pin', value: PIN }], web())).toMatchObject({ kind: 'locked' });
  });

  it('locks a source after twenty wrong proofs an hour, whatever tickets it tries', async () => {
    const { access, clock } = setUp();
    for (let i = 0; i < 20; i++) {
      const guessed = scrambledTicket(100 + i, KEYS.ticketPrf);
      expect(await access.read(guessed, [{ kind: 'pin', value: '123456' }], web())).toEqual({ kind: 'denied' });
    }
    expect(await access.read(TICKET, [{ kind: 'pin', value: PIN }], web())).toMatchObject({ kind: 'locked' });
    expect(await access.read(TICKET, [{ kind: 'pin', value: PIN }], web('192.0.2.2'))).toMatchObject({ kind: 'granted' });
    clock.advance(HOUR);
    expect(await access.read(TICKET, [{ kind: 'pin', value: PIN }], web())).toMatchObject({ kind: 'granted' });
  });
});

describe('ProvenCaseAccess.rate', () => {
  it('takes one rating of a resolved case with a proof, and refuses the second', async () => {
    const { access, records } = setUp();
    const rated = await access.rate(TICKET, [{ kind: 'pin', value: PIN }], web(), { score: 4, comment: '及时' });
    expect(rated).toMatchObject({ kind: 'rated', rating: { score: 4, comment: '及时' } });
    expect(records.byTicket.get(TICKET)?.rating?.score).toBe(4);
    expect(await access.rate(TICKET, [{ kind: 'phone', value: '8000' }], web(), { score: 1 })).toMatchObject({ kind: 'refused', reason: 'already_rated' });
    expect(records.byTicket.get(TICKET)?.rating?.score).toBe(4);
  });

  it('refuses an unfinished case, and a wrong proof like a read', async () => {
    const { access, records } = setUp();
    const otherPin = casePin(OTHER_TICKET, KEYS.pinPrf);
    expect(await access.rate(OTHER_TICKET, [{ kind: 'pin', value: otherPin }], web(), { score: 5 })).toMatchObject({ kind: 'refused', reason: 'not_rateable' });
    expect(await access.rate(TICKET, [{ kind: 'pin', value: wrongPin() }], web(), { score: 5 })).toEqual({ kind: 'denied' });
    expect(records.byTicket.get(TICKET)?.rating).toBeUndefined();
  });
});
