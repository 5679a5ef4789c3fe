// Intake with every accepted submission handed to the profile linker: after `submit` resolves (the submission is
// durable and the answer is ready), never before, and without waiting. A retried submission is attached again:
// linking is idempotent, and the first attempt may not have reached Redis.

import type { Rating, StatusEntry } from '../../domain/intake/submission.js';
import type { Intake, IntakeQuery, IntakeRecord, SubmitOutcome, SubmitRequest } from '../intake/intake-ports.js';
import type { ContactAttachment } from './profile-ports.js';

export class LinkingIntake implements Intake {
  constructor(
    private readonly inner: Intake,
    private readonly profiles: ContactAttachment,
  ) {}

  async submit(request: SubmitRequest): Promise<SubmitOutcome> {
    const outcome = await this.inner.submit(request);
    this.profiles.attachSubmission(outcome.submission);
    return outcome;
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
