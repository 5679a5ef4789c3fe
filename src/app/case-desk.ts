// What the IVR asks of intake: make a work order of a caller's voice message, say where a case stands (to whoever
// proves it is theirs), take a rating, and find the caller's own open case. Implementations must always answer (a
// ticket or `null`, an outcome or `unavailable` / `failed`): the caller is waiting.

import type { CaseOutcome, Lang, OpenCaseOutcome, RateOutcome, SubmitKind } from '../domain/flow/types.js';
import type { Score } from '../domain/ivr/protocol.js';

export interface VoiceMessage {
  readonly callId: string;
  readonly caller: string;
  /** Name of the stored recording (ARI `recordings/stored/{name}`). */
  readonly recording: string;
  readonly kind: SubmitKind;
  readonly category: string | null;
  readonly lang: Lang;
  /** The caller asked for the request to be kept private. */
  readonly private: boolean;
}

/** A filed voice message: the ticket and the PIN the caller hears with it. */
export interface FiledMessage {
  readonly ticket: string;
  readonly pin: string;
}

/** Who asks about a case on the phone: the call and the caller ID the network gave. */
export interface PhoneCaller {
  readonly callId: string;
  readonly caller: string;
}

export interface OpenCase {
  readonly outcome: OpenCaseOutcome;
  /** The open case's ticket; `null` with `none` and `unavailable`. */
  readonly ticket: string | null;
}

export interface CaseDesk {
  /** The ticket and PIN once the work order is durable, `null` when it could not be made. Never rejects. */
  submitVoiceMessage(message: VoiceMessage): Promise<FiledMessage | null>;
  /** Reads with the caller ID as proof, and `pin` when keyed in. Never rejects: a failure is `unavailable`. */
  lookupCase(ticket: string, who: PhoneCaller, pin: string | null): Promise<CaseOutcome>;
  /** Rates with the same proof as the reading. Never rejects: a failure is `failed`. */
  rateCase(ticket: string, who: PhoneCaller, pin: string | null, score: Score): Promise<RateOutcome>;
  /** The caller's own newest open case. Never rejects: a failure is `unavailable`. */
  openCaseOf(who: PhoneCaller): Promise<OpenCase>;
}
