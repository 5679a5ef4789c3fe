// Given intake behind the metering decorator, when channels submit, then /metrics counts each submission by
// channel and result, and the spool gauge reads the spool's size at scrape time.

import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../../src/adapters/metrics/index.js';
import { MeteredIntake } from '../../../src/app/intake/metered-intake.js';
import { IdempotencyConflictError, IntakeUnavailableError, SubmissionInvalidError } from '../../../src/app/intake/intake-ports.js';
import type { Intake, SubmitOutcome, SubmitRequest } from '../../../src/app/intake/intake-ports.js';
import type { Submission } from '../../../src/domain/intake/submission.js';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const submission = { id: '01J00000000000000000000000', ticket: '000000018' } as Submission;

/** An intake whose next answers are scripted: an outcome, or an error to throw. */
function scripted(answers: Array<Partial<SubmitOutcome> | Error>): Intake {
  const fail = (): never => {
    throw new Error('not used');
  };
  return {
    submit: async () => {
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return { submission, duplicate: false, durability: 'queued', ...next };
    },
    get: fail,
    getByTicket: fail,
    find: fail,
    updateStatus: fail,
    rate: fail,
  };
}

const request = (channel: 'web' | 'wechat'): SubmitRequest => ({ dedupKey: 'k', fingerprint: 'f', draft: { channel, text: 'x', contact: {} } });

describe('MeteredIntake', () => {
  it('counts outcomes and refusals per channel, and passes errors through unchanged', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    const invalid = new SubmissionInvalidError([{ field: 'text', message: 'required' }]);
    const intake = new MeteredIntake(
      scripted([
        {},
        { durability: 'spooled' },
        { duplicate: true },
        invalid,
        new IdempotencyConflictError('k', 'id'),
        new IntakeUnavailableError('down', 30),
        new Error('boom'),
      ]),
      metrics,
    );
    await intake.submit(request('web'));
    await intake.submit(request('web'));
    await intake.submit(request('wechat'));
    await expect(intake.submit(request('web'))).rejects.toBe(invalid);
    await expect(intake.submit(request('web'))).rejects.toBeInstanceOf(IdempotencyConflictError);
    await expect(intake.submit(request('web'))).rejects.toBeInstanceOf(IntakeUnavailableError);
    await expect(intake.submit(request('web'))).rejects.toThrow('boom');
    const text = await metrics.render();
    for (const [labels, value] of [
      ['channel="web",result="queued"', 1],
      ['channel="web",result="spooled"', 1],
      ['channel="wechat",result="duplicate"', 1],
      ['channel="web",result="invalid"', 1],
      ['channel="web",result="conflict"', 1],
      ['channel="web",result="unavailable"', 1],
      ['channel="web",result="failed"', 1],
    ] as const) {
      expect(sample(text, `hotline_intake_submissions_total{${labels}}`), labels).toBe(value);
    }
  });

  it('reads the spool size when scraped', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    expect(sample(await metrics.render(), 'hotline_intake_spooled')).toBe(0);
    let spooled = 7;
    metrics.watchSpool(() => spooled);
    expect(sample(await metrics.render(), 'hotline_intake_spooled')).toBe(7);
    spooled = 0;
    expect(sample(await metrics.render(), 'hotline_intake_spooled')).toBe(0);
  });
});
