// Every answered call becomes a work order, as the regulations require: the agent's form (matter, category,
// disposition) and what the queue knows of the call (time, contact, IVR path, waiting and talking times, the
// recording) are filed into intake once, whichever gateway the agent wraps up on and however often it is retried.
// The caller's survey rating is put on that order, whether it comes before the order is filed or after.

import { unrecordedForm, workOrderDedupKey, workOrderDraft } from '../../domain/acd/work-order.js';
import type { CallFacts, WorkOrderForm } from '../../domain/acd/work-order.js';
import { LANGUAGES } from '../../domain/intake/submission.js';
import type { Language } from '../../domain/intake/submission.js';
import type { Log } from '../app-ports.js';
import type { Clock } from '../ports.js';
import type { AttachmentStore, Intake } from '../intake/intake-ports.js';
import type { RecordingSource } from '../intake/voice-case-desk.js';
import type { CallRecord, CallRecords } from './call-records.js';
import type { CallRatings } from './call-queue.js';

export interface FiledOrder {
  readonly submissionId: string;
  readonly ticket: string;
}

export class WorkOrderError extends Error {
  constructor(
    readonly code: 'unknown_call' | 'not_answered' | 'not_your_call',
    message: string,
  ) {
    super(message);
    this.name = 'WorkOrderError';
  }
}

export interface WorkOrdersDeps {
  readonly intake: Intake;
  readonly records: CallRecords;
  readonly attachments: AttachmentStore;
  readonly recordings: RecordingSource;
  readonly clock: Clock;
  readonly log: Log;
}

export class WorkOrders implements CallRatings {
  constructor(private readonly deps: WorkOrdersDeps) {}

  /**
   * Files the call's work order with the agent's form; the same order again when it was filed already. A form for
   * an order the gateway filed as `unrecorded` (the wrap-up ran out) is filed once as that order's follow-up.
   */
  async file(callId: string, agentId: string, form: WorkOrderForm): Promise<FiledOrder> {
    const record = await this.deps.records.get(callId);
    if (record === null) throw new WorkOrderError('unknown_call', `no call ${callId} is known to the queue`);
    if (record.agentId !== agentId) throw new WorkOrderError('not_your_call', `call ${callId} was not answered by agent ${agentId}`);
    if (record.answeredAt === undefined) throw new WorkOrderError('not_answered', `call ${callId} was never answered by an agent`);
    if (record.unrecorded === true) {
      // The gateway filed (or is filing) the order as unrecorded: the same dedup key gives that order back, and the
      // agent's form becomes its follow-up.
      const order =
        record.submissionId !== undefined && record.ticket !== undefined
          ? { submissionId: record.submissionId, ticket: record.ticket }
          : await this.fileOrder(record, unrecordedForm(await this.factsOf(record), record.category), true);
      await this.fileLateForm(record, order, form);
      return order;
    }
    if (record.submissionId !== undefined && record.ticket !== undefined) return { submissionId: record.submissionId, ticket: record.ticket };
    return this.fileOrder(record, form, false);
  }

  /**
   * `agentId`'s wrap-up ran out before they recorded the call: the order is filed with what the gateway knows.
   * Nothing when the call has moved on to another agent (a transfer): that agent's wrap-up files it.
   */
  async fileUnrecorded(callId: string, agentId: string): Promise<FiledOrder | null> {
    const record = await this.deps.records.get(callId);
    if (record === null || record.answeredAt === undefined || record.agentId !== agentId) return null;
    if (record.submissionId !== undefined && record.ticket !== undefined) return { submissionId: record.submissionId, ticket: record.ticket };
    // Marked before it is filed: an agent's form arriving meanwhile is then filed as this order's follow-up, not lost.
    await this.deps.records.update(callId, { unrecorded: true });
    const facts = await this.factsOf(record);
    return this.fileOrder(record, unrecordedForm(facts, record.category), true);
  }

  private async fileOrder(record: CallRecord, form: WorkOrderForm, unrecorded: boolean): Promise<FiledOrder> {
    const { callId } = record;
    const draft = workOrderDraft(await this.factsOf(record), form);
    const attachment = await this.recordingOf(record);
    const dedupKey = workOrderDedupKey(callId);
    const outcome = await this.deps.intake.submit({
      dedupKey,
      // One order per call: a second filing (a retry, or two gateways racing) gets the first one back, never a conflict.
      fingerprint: dedupKey,
      draft: attachment === null ? draft : { ...draft, attachments: [attachment] },
    });
    const filed = { submissionId: outcome.submission.id, ticket: outcome.submission.ticket };
    await this.deps.records.update(callId, { ...filed, ...(unrecorded ? { unrecorded: true } : {}) });
    this.deps.log.info(
      { callId, agentId: record.agentId, ticket: filed.ticket, durability: outcome.durability, unrecorded },
      unrecorded ? 'wrap-up ran out: work order filed with what the gateway knows' : 'work order of the call filed',
    );
    // A rating given in the survey before the order existed is put on it now.
    const rated = await this.deps.records.get(callId);
    if (rated?.rating !== undefined) await this.applyRating(filed.submissionId, rated.rating);
    return filed;
  }

  private async fileLateForm(record: CallRecord, order: FiledOrder, form: WorkOrderForm): Promise<void> {
    if (record.followUpTicket !== undefined) return;
    const draft = workOrderDraft(await this.factsOf(record), form);
    const dedupKey = `${workOrderDedupKey(record.callId)}:recorded`;
    const outcome = await this.deps.intake.submit({ dedupKey, fingerprint: dedupKey, draft: { ...draft, refs: { ...draft.refs, followUpOf: order.ticket } } });
    await this.deps.records.update(record.callId, { followUpTicket: outcome.submission.ticket });
    this.deps.log.info({ callId: record.callId, ticket: order.ticket, followUp: outcome.submission.ticket }, "the agent's late record of the call filed as a follow-up");
  }

  async rate(callId: string, score: number): Promise<boolean> {
    try {
      await this.deps.records.update(callId, { rating: score });
      const record = await this.deps.records.get(callId);
      if (record?.submissionId !== undefined) await this.applyRating(record.submissionId, score);
      return true;
    } catch (err) {
      this.deps.log.error({ err, callId }, 'the call could not be rated');
      return false;
    }
  }

  private async applyRating(submissionId: string, score: number): Promise<void> {
    const at = new Date(this.deps.clock.now()).toISOString();
    await this.deps.intake.rate(submissionId, { score: score as 1 | 2 | 3 | 4 | 5, at, comment: 'phone survey after the agent call' });
  }

  private async factsOf(record: CallRecord): Promise<CallFacts> {
    const now = this.deps.clock.now();
    const language: Language = (LANGUAGES as readonly string[]).includes(record.lang) ? (record.lang as Language) : 'zh';
    return {
      callId: record.callId,
      caller: record.caller,
      language,
      ivrPath: record.ivrPath,
      queueSkill: record.queueSkill,
      enqueuedAt: record.enqueuedAt,
      answeredAt: record.answeredAt ?? now,
      endedAt: record.endedAt ?? now,
      agentId: record.agentId ?? '',
      ...(record.recording === undefined ? {} : { recordingName: record.recording }),
      ...(record.earlierTicket === undefined ? {} : { earlierTicket: record.earlierTicket }),
    };
  }

  /** The call's recording as an attachment; a recording Asterisk no longer has is logged, not fatal. */
  private async recordingOf(record: CallRecord): Promise<Awaited<ReturnType<AttachmentStore['put']>> | null> {
    if (record.recording === undefined) return null;
    try {
      const bytes = await this.deps.recordings.fetch(record.recording);
      if (bytes === null) {
        this.deps.log.warn({ callId: record.callId, recording: record.recording }, 'the call recording is missing: work order filed without it');
        return null;
      }
      return await this.deps.attachments.put(bytes, { originalName: `${record.recording}.wav` });
    } catch (err) {
      this.deps.log.warn({ err, callId: record.callId }, 'the call recording could not be attached');
      return null;
    }
  }
}
