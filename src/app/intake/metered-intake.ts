// Counts every submission by channel and result on its way into intake, so operators can see each channel's
// traffic, refusals and Redis outages (spooled) without every channel adapter reporting on its own.

import { IdempotencyConflictError, IntakeUnavailableError, SubmissionInvalidError } from './intake-ports.js';
import type { Intake, SubmitOutcome, SubmitRequest } from './intake-ports.js';
import { ForwardingIntake } from './forwarding-intake.js';

export type SubmissionResult = 'queued' | 'spooled' | 'duplicate' | 'invalid' | 'conflict' | 'unavailable' | 'failed';

export interface SubmissionMetrics {
  submission(channel: string, result: SubmissionResult): void;
}

export class MeteredIntake extends ForwardingIntake {
  constructor(
    inner: Intake,
    private readonly metrics: SubmissionMetrics,
  ) {
    super(inner);
  }

  async submit(request: SubmitRequest): Promise<SubmitOutcome> {
    const channel = request.draft.channel;
    try {
      const outcome = await this.inner.submit(request);
      this.metrics.submission(channel, outcome.duplicate ? 'duplicate' : outcome.durability);
      return outcome;
    } catch (error) {
      this.metrics.submission(channel, resultOf(error));
      throw error;
    }
  }
}

function resultOf(error: unknown): SubmissionResult {
  if (error instanceof SubmissionInvalidError) return 'invalid';
  if (error instanceof IdempotencyConflictError) return 'conflict';
  if (error instanceof IntakeUnavailableError) return 'unavailable';
  return 'failed';
}
