// What the IVR asks of intake: make a work order of a caller's voice message, and say where a case stands.
// Implementations must always answer (a ticket or `null`, an outcome or `unavailable`): the caller is waiting.

import type { CaseOutcome, Lang, SubmitKind } from '../domain/flow/types.js';

export interface VoiceMessage {
  readonly callId: string;
  readonly caller: string;
  /** Name of the stored recording (ARI `recordings/stored/{name}`). */
  readonly recording: string;
  readonly kind: SubmitKind;
  readonly category: string | null;
  readonly lang: Lang;
}

export interface CaseDesk {
  /** The ticket number once the work order is durable, `null` when it could not be made. Never rejects. */
  submitVoiceMessage(message: VoiceMessage): Promise<string | null>;
  /** Never rejects: a failure is `unavailable`. */
  lookupCase(ticket: string): Promise<CaseOutcome>;
}
