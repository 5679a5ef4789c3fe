// The lookup against an in-memory `get` (the Redis-backed intake is exercised in each channel's integration test).

import { describe, expect, it } from 'vitest';
import type { Log } from '../../../src/app/app-ports.js';
import { IntakeUnavailableError } from '../../../src/app/intake/intake-ports.js';
import type { IntakeRecord } from '../../../src/app/intake/intake-ports.js';
import { lookUpRepeat } from '../../../src/app/intake/repeat-lookup.js';
import { normaliseSubmission } from '../../../src/domain/intake/normalise.js';
import type { Submission } from '../../../src/domain/intake/submission.js';
import { ticketFromSequence } from '../../../src/domain/intake/ticket.js';

function submission(seq: number, repeatOf?: Submission): Submission {
  const result = normaliseSubmission(
    { channel: 'web', text: '小区门口的路灯坏了', contact: { phone: '13800138000' } },
    { id: `01J00000000000000000000${String(seq).padStart(3, '0')}`, ticket: ticketFromSequence(seq), receivedAt: `2024-05-0${seq}T02:30:00.000Z` },
  );
  if (!result.ok) throw new Error('fixture does not normalise');
  const s = result.submission;
  return repeatOf === undefined ? s : { ...s, hints: { ...s.hints, repeatOf: { id: repeatOf.id, ticket: repeatOf.ticket } } };
}

function recordingLog(): { log: Log; warnings: Record<string, unknown>[] } {
  const warnings: Record<string, unknown>[] = [];
  const log: Log = {
    debug: () => undefined,
    info: () => undefined,
    warn: (obj: object | string) => {
      warnings.push(typeof obj === 'string' ? { msg: obj } : { ...obj });
    },
    error: () => undefined,
    child: () => log,
  };
  return { log, warnings };
}

const first = submission(1);
const repeat = submission(2, first);
const record: IntakeRecord = {
  submission: first,
  history: [
    { status: 'received', at: first.receivedAt },
    { status: 'accepted', at: '2024-05-01T05:00:00.000Z', note: '已转东城区城管委' },
  ],
};

describe('lookUpRepeat', () => {
  it('is null for a submission that repeats nothing, without reading intake', async () => {
    let reads = 0;
    const progress = await lookUpRepeat({ get: async () => (reads++, record) }, first, recordingLog().log);
    expect(progress).toBeNull();
    expect(reads).toBe(0);
  });

  it('reads the first request and gives its ticket, status, note and when it was received', async () => {
    const asked: string[] = [];
    const progress = await lookUpRepeat({ get: async (id) => (asked.push(id), record) }, repeat, recordingLog().log);
    expect(asked).toEqual([first.id]);
    expect(progress).toEqual({ ticket: first.ticket, status: 'accepted', receivedAt: first.receivedAt, note: '已转东城区城管委' });
  });

  it('gives the ticket alone, and logs why, when intake cannot be read or no longer has the first request', async () => {
    const down = recordingLog();
    const failed = await lookUpRepeat({ get: () => Promise.reject(new IntakeUnavailableError('Redis is down', 5)) }, repeat, down.log);
    expect(failed).toEqual({ ticket: first.ticket });
    expect(down.warnings).toEqual([expect.objectContaining({ repeatOf: first.id, err: 'Redis is down' })]);

    const gone = recordingLog();
    expect(await lookUpRepeat({ get: async () => null }, repeat, gone.log)).toEqual({ ticket: first.ticket });
    expect(gone.warnings).toHaveLength(1);
  });

  it('never fails the reply, whatever the read throws', async () => {
    const progress = await lookUpRepeat({ get: () => Promise.reject(new TypeError('bug in a store')) }, repeat, recordingLog().log);
    expect(progress).toEqual({ ticket: first.ticket });
  });
});
