// The IVR's way into intake: a caller's voice message becomes a work order with the recording attached, and a
// ticket number keyed in on the phone is looked up. Every answer is bounded in time: a caller on the line is
// never left waiting on a slow Redis or Asterisk (they are told the service is unavailable instead).

import type { CaseOutcome } from '../../domain/flow/types.js';
import { CATEGORIES } from '../../domain/intake/submission.js';
import type { Category } from '../../domain/intake/submission.js';
import { isValidTicket } from '../../domain/intake/ticket.js';
import type { Log } from '../app-ports.js';
import type { CaseDesk, VoiceMessage } from '../case-desk.js';
import type { Clock } from '../ports.js';
import type { AttachmentStore, Intake } from './intake-ports.js';
import { currentStatus } from './intake-query.js';

/** Where the bytes of a finished recording come from (ARI `GET /recordings/stored/{name}/file`). */
export interface RecordingSource {
  /** The recording's bytes, or `null` when the platform has no such recording. */
  fetch(name: string): Promise<Uint8Array | null>;
}

export interface VoiceCaseDeskDeps {
  readonly intake: Intake;
  readonly attachments: AttachmentStore;
  readonly recordings: RecordingSource;
  readonly clock: Clock;
  readonly log: Log;
  /** Longest a caller waits for a submission or a lookup. */
  readonly answerWithinMs: number;
}

class TimedOut extends Error {}

export class VoiceCaseDesk implements CaseDesk {
  constructor(private readonly deps: VoiceCaseDeskDeps) {}

  async submitVoiceMessage(message: VoiceMessage): Promise<string | null> {
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
          },
        });
        log.info({ submissionId: outcome.submission.id, ticket: outcome.submission.ticket, durability: outcome.durability }, 'voice message submitted');
        return outcome.submission.ticket;
      });
    } catch (error) {
      log.error({ err: error }, 'voice message could not be submitted');
      return null;
    }
  }

  async lookupCase(ticket: string): Promise<CaseOutcome> {
    if (!isValidTicket(ticket)) return 'notFound';
    try {
      return await this.within(async () => {
        const record = await this.deps.intake.getByTicket(ticket);
        if (record === null) return 'notFound';
        return currentStatus(record);
      });
    } catch (error) {
      this.deps.log.error({ err: error }, 'case status lookup failed');
      return 'unavailable';
    }
  }

  private within<T>(work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.deps.clock.setTimer(this.deps.answerWithinMs, () =>
        reject(new TimedOut(`no answer within ${this.deps.answerWithinMs} ms`)),
      );
      work().then(
        (value) => {
          timer.cancel();
          resolve(value);
        },
        (error: unknown) => {
          timer.cancel();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}

function asCategory(category: string | null): Category | undefined {
  return category !== null && (CATEGORIES as readonly string[]).includes(category) ? (category as Category) : undefined;
}

/** Caller ids such as `anonymous` or `unknown` are not a way to reach anyone. */
function phoneContact(caller: string): { phone?: string } {
  const digits = caller.replace(/[\s()-]/g, '');
  return /^\+?[0-9]{3,20}$/.test(digits) ? { phone: digits } : {};
}
