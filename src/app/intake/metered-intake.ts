// Counts every submission by channel and result on its way into intake, so operators can see each channel's
// traffic, refusals and Redis outages (spooled) without every channel adapter reporting on its own.

import { IdempotencyConflictError, IntakeUnavailableError, SubmissionInvalidError } from './intake-ports.js';
import type { Intake, IntakeQuery, IntakeRecord, SubmitOutcome, SubmitRequest } from './intake-ports.js';
import type { Rating, StatusEntry } from '../../domain/intake/submission.js';

export type SubmissionResult = 'queued' | 'spooled' | 'duplicate' | 'invalid' | 'conflict' | 'unavailable' | 'failed';

export interface SubmissionMetrics {
  submission(channel: string, result: SubmissionResult): void;
}

export class MeteredIntake implements Intake {
  constructor(
    private readonly inner: Intake,
    private readonly metrics: SubmissionMetrics,
  ) {}

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

  get(id: string): Promise<IntakeRecord | null> {
    return this.inner.get(id);
  }

  getByTicket(ticket: string): Promise<IntakeRecord | null> {
    return this.inner.getByTicket(ticket);
  }

  find(query: IntakeQuery): Promise<IntakeRecord[]> {
    return this.inner.find(query);
  }

  updateStatus(id: string, entry: StatusEntry): Promise<IntakeRecord | null> {
    return this.inner.updateStatus(id, entry);
  }

  rate(id: string, rating: Rating): Promise<IntakeRecord | null> {
    return this.inner.rate(id, rating);
  }
}

function resultOf(error: unknown): SubmissionResult {
  if (error instanceof SubmissionInvalidError) return 'invalid';
  if (error instanceof IdempotencyConflictError) return 'conflict';
  if (error instanceof IntakeUnavailableError) return 'unavailable';
  return 'failed';
}
