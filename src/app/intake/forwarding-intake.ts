// An Intake that adds something to `submit` and passes every read and update through unchanged: the base of the
// decorators the composition root stacks (metrics, profile linking), so each says only what it adds.

import type { Rating, StatusEntry } from '../../domain/intake/submission.js';
import type { Intake, IntakeQuery, IntakeRecord, SubmitOutcome, SubmitRequest } from './intake-ports.js';

export abstract class ForwardingIntake implements Intake {
  constructor(protected readonly inner: Intake) {}

  abstract submit(request: SubmitRequest): Promise<SubmitOutcome>;

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
