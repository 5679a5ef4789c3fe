// What the intake bench's load generator asks of each HTTP channel's client: send the next citizen's request and
// check the answer says it was taken; count what was sent and what was only spooled.

export interface IntakeClient {
  /** Requests started (each with a new sequence number). */
  readonly sent: number;
  /** Answers that said the submission was spooled instead of queued; `null` when the channel's answer does not say. */
  readonly spooled: number | null;
  /** Resolves once the channel answered that it took the request; rejects otherwise. */
  submit(): Promise<void>;
  close(): Promise<void>;
}

/** The HTTP channels the intake bench drives, each against the same HTTP floor. */
export const INTAKE_CHANNELS = ['v1', 'form', 'open311'] as const;
export type IntakeChannel = (typeof INTAKE_CHANNELS)[number];

export const CHANNEL_LABELS: Readonly<Record<IntakeChannel, string>> = {
  v1: 'POST /v1/submissions',
  form: 'web form POST /form/submissions',
  open311: 'Open311 POST requests.json',
};
