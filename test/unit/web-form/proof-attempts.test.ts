// Wrong rating proofs per ticket: a few per window, then none until the window is over.

import { describe, expect, it } from 'vitest';
import { ProofAttempts } from '../../../src/adapters/http/web-form/proof-attempts.js';

describe('ProofAttempts', () => {
  it('blocks a ticket after the allowed wrong proofs until its window is over', () => {
    let now = 1_000_000;
    const attempts = new ProofAttempts(() => now, { maxWrong: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      expect(attempts.blockedForSeconds('1001')).toBeNull();
      attempts.recordWrong('1001');
      now += 1000;
    }
    expect(attempts.blockedForSeconds('1001')).toBe(57);
    expect(attempts.blockedForSeconds('2002')).toBeNull();
    now += 56_500;
    expect(attempts.blockedForSeconds('1001')).toBe(1);
    now += 500;
    expect(attempts.blockedForSeconds('1001')).toBeNull();
    attempts.recordWrong('1001');
    expect(attempts.blockedForSeconds('1001')).toBeNull();
  });

  it('forgets the oldest ticket first when it remembers too many', () => {
    const attempts = new ProofAttempts(() => 0, { maxWrong: 1, maxTickets: 2 });
    attempts.recordWrong('a');
    attempts.recordWrong('b');
    attempts.recordWrong('c');
    expect(attempts.blockedForSeconds('a')).toBeNull();
    expect(attempts.blockedForSeconds('b')).toBe(86_400);
    expect(attempts.blockedForSeconds('c')).toBe(86_400);
  });
});
