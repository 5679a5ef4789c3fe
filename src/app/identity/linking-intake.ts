// Intake with every accepted submission handed to the profile linker: after `submit` resolves (the submission is
// durable and the answer is ready), never before, and without waiting. A retried submission is attached again:
// linking is idempotent, and the first attempt may not have reached Redis.

import { ForwardingIntake } from '../intake/forwarding-intake.js';
import type { Intake, SubmitOutcome, SubmitRequest } from '../intake/intake-ports.js';
import type { ContactAttachment } from './profile-ports.js';

export class LinkingIntake extends ForwardingIntake {
  constructor(
    inner: Intake,
    private readonly profiles: ContactAttachment,
  ) {
    super(inner);
  }

  async submit(request: SubmitRequest): Promise<SubmitOutcome> {
    const outcome = await this.inner.submit(request);
    this.profiles.attachSubmission(outcome.submission);
    return outcome;
  }
}
