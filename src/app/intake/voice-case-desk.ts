// The IVR's way into intake: a caller's voice message becomes a work order with the recording attached (the caller
// hears its ticket and PIN), and a ticket number keyed in on the phone is read through `CaseAccess`, so the phone
// follows the same proof rules as every other channel: the caller's own number opens their case, anyone else needs
// the PIN, and wrong PINs count in the shared limiter. Every answer is bounded in time: a caller on the line is
// never left waiting on a slow Redis or Asterisk (they are told the service is unavailable instead).

import type { CaseProof } from '../../domain/access/case-proof.js';
import type { CaseOutcome, RateOutcome } from '../../domain/flow/types.js';
import type { Score } from '../../domain/ivr/protocol.js';
import { phoneContact } from '../../domain/intake/phone-contact.js';
import { contactKeys, phoneKey } from '../../domain/intake/repeat.js';
import { CATEGORIES, isOpenStatus } from '../../domain/intake/submission.js';
import type { Category } from '../../domain/intake/submission.js';
import { isValidTicket } from '../../domain/intake/ticket.js';
import type { CaseAccess, CaseReadOutcome, ProofSource } from '../access/case-access-ports.js';
import { ratingRefusal } from '../access/case-access.js';
import { answerWithin } from '../answer-within.js';
import type { Log } from '../app-ports.js';
import type { CaseDesk, FiledMessage, OpenCase, PhoneCaller, VoiceMessage } from '../case-desk.js';
import type { Clock } from '../ports.js';
import type { RecentSubmission } from './durable-intake-ports.js';
import type { AttachmentStore, Intake } from './intake-ports.js';
import { currentStatus } from './intake-query.js';

/** Where the bytes of a finished recording come from (ARI `GET /recordings/stored/{name}/file`). */
export interface RecordingSource {
  /** The recording's bytes, or `null` when the platform has no such recording. */
  fetch(name: string): Promise<Uint8Array | null>;
}

/** The requests still open under a citizen's contact keys (`contactKeys`), newest first (`IntakeService`). */
export interface ContactCases {
  /** The contact's open requests with where each stands, newest first (`IntakeService.openByContact`). */
  openByContact(keys: readonly string[]): Promise<RecentSubmission[]>;
}

export interface VoiceCaseDeskDeps {
  readonly intake: Intake;
  readonly access: CaseAccess;
  readonly contactCases: ContactCases;
  readonly attachments: AttachmentStore;
  readonly recordings: RecordingSource;
  readonly clock: Clock;
  readonly log: Log;
  /** Longest a caller waits for a submission or a lookup. */
  readonly answerWithinMs: number;
}

export class VoiceCaseDesk implements CaseDesk {
  constructor(private readonly deps: VoiceCaseDeskDeps) {}

  async submitVoiceMessage(message: VoiceMessage): Promise<FiledMessage | null> {
    const log = this.deps.log.child({ callId: message.callId, recording: message.recording });
    try {
      return await this.within(async () => {
        const bytes = await this.deps.recordings.fetch(message.recording);
        if (bytes === null) throw new Error(`Asterisk has no stored recording "${message.recording}"`);
        const attachment = await this.deps.attachments.put(bytes, { originalName: `${message.recording}.wav` });
        const category = asCategory(message.category);
        const outcome = await this.deps.intake.submit({
          // The call id and recording name identify the message across retries and gateway restarts.
          dedupKey: `voice:${message.callId}:${message.recording}`,
          fingerprint: attachment.sha256,
          draft: {
            channel: 'voice',
            text: '',
            kind: message.kind,
            ...(category === undefined ? {} : { category }),
            language: message.lang,
            contact: phoneContact(message.caller),
            attachments: [attachment],
            refs: { callId: message.callId, recordingName: message.recording },
            ...(message.private ? { private: true } : {}),
          },
        });
        const { ticket } = outcome.submission;
        const pin = await this.deps.access.pinOf(ticket);
        log.info(
          { submissionId: outcome.submission.id, ticket, durability: outcome.durability, private: outcome.submission.private === true },
          'voice message submitted',
        );
        return { ticket, pin };
      });
    } catch (error) {
      log.error({ err: error }, 'voice message could not be submitted');
      return null;
    }
  }

  async lookupCase(ticket: string, who: PhoneCaller, pin: string | null): Promise<CaseOutcome> {
    // The check digit is public: a mistyped number is said to be one, which tells nobody anything about cases.
    if (!isValidTicket(ticket)) return 'notFound';
    try {
      return await this.within(async () => caseOutcome(await this.deps.access.read(ticket, phoneProofs(who, pin), phoneSource(who))));
    } catch (error) {
      this.deps.log.error({ err: error, callId: who.callId }, 'case status lookup failed');
      return 'unavailable';
    }
  }

  async rateCase(ticket: string, who: PhoneCaller, pin: string | null, score: Score): Promise<RateOutcome> {
    try {
      return await this.within(async () => {
        const rated = await this.deps.access.rate(ticket, phoneProofs(who, pin), phoneSource(who), { score });
        if (rated.kind === 'rated') return 'rated';
        return rated.kind === 'refused' ? 'refused' : 'failed';
      });
    } catch (error) {
      this.deps.log.error({ err: error, callId: who.callId }, 'case rating failed');
      return 'failed';
    }
  }

  async openCaseOf(who: PhoneCaller): Promise<OpenCase> {
    const keys = contactKeys({ anonymous: false, ...phoneContact(who.caller) });
    if (keys.length === 0) return { outcome: 'none', ticket: null };
    try {
      return await this.within(async () => {
        // Found by the caller's own number in the contact index: the very match a `caller` proof makes, so the
        // case is the caller's to hear without a second read.
        const newest = (await this.deps.contactCases.openByContact(keys))[0];
        if (newest === undefined || !isOpenStatus(newest.status)) return { outcome: 'none', ticket: null };
        return { outcome: newest.status, ticket: newest.submission.ticket };
      });
    } catch (error) {
      this.deps.log.error({ err: error, callId: who.callId }, 'open case lookup failed');
      return { outcome: 'unavailable', ticket: null };
    }
  }

  private within<T>(work: () => Promise<T>): Promise<T> {
    return answerWithin(this.deps.clock, this.deps.answerWithinMs, work);
  }
}

/** The caller ID the network gave, and the PIN when the caller keyed one in. */
function phoneProofs(who: PhoneCaller, pin: string | null): CaseProof[] {
  const proofs: CaseProof[] = [{ kind: 'caller', value: who.caller }];
  if (pin !== null) proofs.push({ kind: 'pin', value: pin });
  return proofs;
}

/** Wrong PINs from one number count together however the network writes it (+86 ..., 0086 ..., 138...). */
function phoneSource(who: PhoneCaller): ProofSource {
  const number = phoneKey(who.caller);
  return { kind: 'caller', id: number === '' ? who.caller : number };
}

function caseOutcome(read: CaseReadOutcome): CaseOutcome {
  switch (read.kind) {
    case 'granted': {
      const status = currentStatus(read.record);
      if (ratingRefusal(read.record) !== null) return status;
      return status === 'resolved' ? 'resolvedUnrated' : status === 'closed' ? 'closedUnrated' : status;
    }
    case 'proof_needed':
      return 'proofNeeded';
    case 'denied':
      return 'denied';
    case 'locked':
      return 'locked';
  }
}

function asCategory(category: string | null): Category | undefined {
  return category !== null && (CATEGORIES as readonly string[]).includes(category) ? (category as Category) : undefined;
}
