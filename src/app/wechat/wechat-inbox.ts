// The WeChat channel's decisions, free of HTTP and crypto: what a message becomes in intake and what the account
// answers. A citizen's messages within the merge window are one request: the first opens it (and gets the ticket),
// the later ones are follow-ups (`refs.followUpOf` = the first's id) and are answered with the same ticket. Files
// behind MediaIds are fetched later by the media worker and arrive as one more follow-up with the attachments.
//
// Every content message is its own submission with dedup key `wechat:<MsgId>`, so WeChat's retries (same MsgId,
// on any instance, after any restart) find the first submission in intake and get the same ticket back.
//
// Status questions and ratings are answered, never filed. A case opens to the openid that filed it (WeChat's
// signature vouches for FromUserName) or to its PIN or contact digits (`CaseAccess`); a status reply for a
// finished, unrated case invites "评价 <1-5>", and the case it means is remembered per openid for a while.

import { ratingCommand } from '../../domain/access/case-command.js';
import type { CaseProof } from '../../domain/access/case-proof.js';
import { detectLanguage } from '../../domain/intake/classify.js';
import type { Language, Location, Rating, StatusEntry, Submission } from '../../domain/intake/submission.js';
import {
  alreadyRatedText,
  badTicketText,
  followUpText,
  notAcceptedText,
  notRateableText,
  proofDeniedText,
  proofLockedText,
  proofNeededText,
  ratedText,
  ratingUsageText,
  receivedText,
  repeatText,
  statusText,
  tryLaterText,
  usageText,
  welcomeText,
} from '../../domain/wechat/reply-texts.js';
import { mentionedTicket, ticketQuery } from '../../domain/wechat/ticket-query.js';
import { mediaToFetch, messageToDraft } from '../../domain/wechat/to-draft.js';
import { eventDedupKey, isContentMessage, messageDedupKey } from '../../domain/wechat/wechat-message.js';
import type { ContentMessage, EventMessage, UnknownMessage, WechatMessage } from '../../domain/wechat/wechat-message.js';
import type { CaseAccess, CaseRateOutcome, CaseReadOutcome, ProofSource } from '../access/case-access-ports.js';
import { ratingRefusal } from '../access/case-access.js';
import { silentLog } from '../app-ports.js';
import type { Log } from '../app-ports.js';
import { dispositionNotice } from '../../domain/dispositions/dispositions.js';
import type { DispositionTexts } from '../../domain/dispositions/dispositions.js';
import { IdempotencyConflictError, SubmissionInvalidError } from '../intake/intake-ports.js';
import type { Intake, IntakeRecord, SubmitOutcome } from '../intake/intake-ports.js';
import { currentStatus } from '../intake/intake-query.js';
import { lookUpRepeat } from '../intake/repeat-lookup.js';
import type { FairUse } from '../limits/fair-use.js';
import { KeyedQueue } from './keyed-queue.js';
import type { ConversationStore, Entered, MediaQueue, OpenRequest, PendingRating } from './wechat-ports.js';

/** What goes back to WeChat: a text shown to the citizen, or `success` (show nothing, do not retry). */
export type WechatAnswer = { readonly kind: 'text'; readonly content: string } | { readonly kind: 'success' };

const SUCCESS: WechatAnswer = { kind: 'success' };

export interface WechatInboxDeps {
  readonly intake: Intake;
  /** Who may read and rate a case (status questions, ratings, the PIN given with a ticket). */
  readonly access: CaseAccess;
  /** Where-to-go texts for matters the regulations send elsewhere, added to the reply. */
  readonly dispositions?: DispositionTexts;
  readonly conversations: ConversationStore;
  /** Absent when no AppSecret is configured: files then stay at WeChat (image messages keep their PicUrl). */
  readonly media?: MediaQueue;
  /** Submissions an hour per openid (absent: no limit). Status questions and emergencies are never limited. */
  readonly fairUse?: Pick<FairUse, 'admit'>;
  /** Messages of one citizen within this long of the previous one join the same request (default 2 minutes). */
  readonly mergeWindowMs?: number;
  /** How long a reported location (LOCATION event) is used for the citizen's messages (default 10 minutes). */
  readonly locationTtlMs?: number;
  /** How long after a status reply "评价 <1-5>" rates that case (default 30 minutes). */
  readonly ratingWindowMs?: number;
  readonly log?: Log;
  readonly now?: () => number;
}

export interface HandleContext {
  /** A digest of the message as WeChat sent it: a retry has the same one (intake's idempotency fingerprint). */
  readonly fingerprint: string;
  /** Called once what the message asked for is durable (or there was nothing to keep): answering is now safe. */
  readonly accepted: () => void;
}

const DEFAULT_MERGE_WINDOW_MS = 2 * 60_000;
const DEFAULT_LOCATION_TTL_MS = 10 * 60_000;
const DEFAULT_RATING_WINDOW_MS = 30 * 60_000;
/** Events carry no MsgId; WeChat retries them within 15 s, so a minute of memory recognises every retry. */
const EVENT_MEMORY_MS = 60_000;
const MAX_REMEMBERED_EVENTS = 10_000;

export class WechatInbox {
  private readonly log: Log;
  private readonly now: () => number;
  private readonly mergeWindowMs: number;
  private readonly locationTtlMs: number;
  private readonly ratingWindowMs: number;
  private readonly perCitizen = new KeyedQueue();
  private readonly recentEvents = new Map<string, number>();

  constructor(private readonly deps: WechatInboxDeps) {
    this.log = (deps.log ?? silentLog).child({ component: 'wechat' });
    this.now = deps.now ?? Date.now;
    this.mergeWindowMs = deps.mergeWindowMs ?? DEFAULT_MERGE_WINDOW_MS;
    this.locationTtlMs = deps.locationTtlMs ?? DEFAULT_LOCATION_TTL_MS;
    this.ratingWindowMs = deps.ratingWindowMs ?? DEFAULT_RATING_WINDOW_MS;
    if (!(this.ratingWindowMs >= 60_000)) throw new RangeError(`rating window must be at least a minute, got ${this.ratingWindowMs} ms`);
    if (!(this.mergeWindowMs >= 0)) throw new RangeError(`merge window must be 0 or more milliseconds, got ${this.mergeWindowMs}`);
  }

  /**
   * The answer to one push. Rejects with `IntakeUnavailableError` (or a store error) when the message could not be
   * kept: the HTTP layer then answers so that WeChat retries.
   */
  async handle(message: WechatMessage, context: HandleContext): Promise<WechatAnswer> {
    if (isContentMessage(message)) return await this.content(message, context);
    const answer = await this.event(message);
    context.accepted();
    return answer;
  }

  private async content(message: ContentMessage, context: HandleContext): Promise<WechatAnswer> {
    const log = this.log.child({ msgType: message.kind, msgId: message.msgId });
    const words = message.kind === 'text' ? message.content : message.kind === 'voice' ? message.recognition : undefined;
    if (words !== undefined) {
      const openId = message.fromUserName;
      const rating = ratingCommand(words);
      if (rating !== null) {
        const language = detectLanguage(words);
        const answer = rating.kind === 'rate' ? await this.rate(language, openId, rating, log) : ratingUsageText(language);
        log.debug({ rating: rating.kind }, 'wechat rating answered');
        context.accepted();
        return { kind: 'text', content: answer };
      }
      const query = ticketQuery(words);
      if (query !== null) {
        const language = detectLanguage(words);
        const answer = query.kind === 'status' ? await this.status(language, openId, query.ticket, query.proof, log) : badTicketText(language);
        log.debug({ query: query.kind }, 'wechat status question answered');
        context.accepted();
        return { kind: 'text', content: answer };
      }
    }
    return await this.perCitizen.run(message.fromUserName, () => this.submit(message, words, context, log));
  }

  private async submit(message: ContentMessage, words: string | undefined, context: HandleContext, log: Log): Promise<WechatAnswer> {
    const openId = message.fromUserName;
    const dedupKey = messageDedupKey(message);
    const conversations = this.conversations(log);
    const named = words === undefined ? null : await this.namedRequest(words, openId);
    // A location message carries its own place: the reported one is read for every other message.
    const withLocation = message.kind !== 'location';
    const entered = named === null ? await conversations.enter(openId, dedupKey, this.mergeWindowMs, withLocation) : null;
    const entry = entered?.entry;
    const joined = named ?? (entry?.kind === 'open' ? entry.request : undefined);
    const claimed = entry?.kind === 'claimed';
    if (entry?.kind === 'busy') log.info({}, 'the citizen\'s window is being opened elsewhere (or cannot be read): this message opens its own request');

    let outcome: SubmitOutcome;
    try {
      const reported = !withLocation ? null : entered !== null ? entered.reportedLocation : await conversations.reportedLocation(openId);
      const draft = messageToDraft(message, {
        ...(joined === undefined ? {} : { followUpOf: joined.id }),
        ...(reported === null ? {} : { reportedLocation: reported }),
      });
      const refused = await this.refusal(draft.text, openId, dedupKey);
      if (refused !== null) {
        if (claimed) await conversations.abandon(openId, dedupKey);
        context.accepted();
        // 200 with the notice: WeChat must not retry a message we chose not to keep.
        return { kind: 'text', content: tryLaterText(words === undefined ? 'zh' : detectLanguage(words), refused) };
      }
      outcome = await this.deps.intake.submit({ draft, dedupKey, fingerprint: context.fingerprint });
    } catch (err) {
      if (claimed) await conversations.abandon(openId, dedupKey);
      if (err instanceof SubmissionInvalidError) {
        log.warn({ fields: err.problems.map((p) => p.field) }, 'wechat message cannot become a submission');
        context.accepted();
        return { kind: 'text', content: notAcceptedText(words === undefined ? 'zh' : detectLanguage(words)) };
      }
      if (err instanceof IdempotencyConflictError) {
        // MsgIds are unique per account: a different message under a known one is forged or corrupted.
        log.error({ existingId: err.existingId }, 'wechat MsgId already used for a different message');
        context.accepted();
        return SUCCESS;
      }
      throw err;
    }

    const submission = outcome.submission;
    const request = await this.requestOf(submission, joined);
    if (request !== null) await conversations.open(openId, request, this.mergeWindowMs);
    else if (claimed) await conversations.abandon(openId, dedupKey);

    const items = mediaToFetch(message);
    if (items.length > 0 && this.deps.media !== undefined) {
      // Also for a duplicate: the first attempt may have stopped between intake and this queue.
      const queued = await this.deps.media.enqueue({
        dedupKey: `wechat-media:${message.msgId}`,
        msgId: message.msgId,
        openId,
        requestId: request?.id ?? submission.id,
        items,
        sentAtMs: message.createTime * 1000,
      });
      if (queued === 'deferred') log.warn({ items: items.length }, 'wechat media download kept in memory until Redis is back');
    }
    context.accepted();
    log.info(
      { submissionId: submission.id, followUpOf: submission.refs.followUpOf, duplicate: outcome.duplicate, durability: outcome.durability },
      outcome.duplicate ? 'wechat message was a retry' : 'wechat message submitted',
    );

    if (request === null) return SUCCESS;
    const emergency = submission.hints.emergency?.line;
    // A follow-up belongs to the request the citizen is adding to right now: that request's reply already said
    // whether it repeats an earlier one.
    if (submission.refs.followUpOf !== undefined) return { kind: 'text', content: followUpText(submission.language, request.ticket, emergency) };
    const repeat = await lookUpRepeat(this.deps.intake, submission, log);
    const pin = await this.pinOf(request.ticket, log);
    const reply =
      repeat === null
        ? receivedText(submission.language, request.ticket, pin, emergency)
        : repeatText(submission.language, request.ticket, pin, repeat, emergency);
    const elsewhere = this.deps.dispositions === undefined ? undefined : dispositionNotice(submission.hints, submission.language, this.deps.dispositions);
    return { kind: 'text', content: elsewhere === undefined ? reply : `${reply}\n${elsewhere}` };
  }

  /** Seconds until the openid may send again, or `null` when this message is within its budget (or an emergency). */
  private async refusal(text: string, openId: string, dedupKey: string): Promise<number | null> {
    if (this.deps.fairUse === undefined) return null;
    const admission = await this.deps.fairUse.admit({ channel: 'wechat', text, submitters: [{ kind: 'openid', value: openId }], once: dedupKey });
    return admission.admitted ? null : admission.refusal.retryAfterSeconds;
  }

  /**
   * The conversation store is a convenience: when it fails (Redis down while intake spools), each message is its
   * own request and no reported location is used, but the message is still taken.
   */
  private conversations(log: Log): ConversationStore {
    const store = this.deps.conversations;
    const safely = async <T>(what: string, fallback: T, run: () => Promise<T>): Promise<T> => {
      try {
        return await run();
      } catch (err) {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, `wechat conversation store failed (${what}): carrying on without it`);
        return fallback;
      }
    };
    return {
      enter: (openId, dedupKey, windowMs, withLocation) =>
        safely<Entered>('enter', { entry: { kind: 'busy' }, reportedLocation: null }, () => store.enter(openId, dedupKey, windowMs, withLocation)),
      open: (openId, request, windowMs) => safely('open', undefined, () => store.open(openId, request, windowMs)),
      abandon: (openId, dedupKey) => safely('abandon', undefined, () => store.abandon(openId, dedupKey)),
      rememberLocation: (openId, location, ttlMs) => safely('remember location', undefined, () => store.rememberLocation(openId, location, ttlMs)),
      reportedLocation: (openId) => safely<Location | null>('reported location', null, () => store.reportedLocation(openId)),
      rememberRating: (openId, pending, ttlMs) => safely('remember rating', undefined, () => store.rememberRating(openId, pending, ttlMs)),
      pendingRating: (openId) => safely<PendingRating | null>('pending rating', null, () => store.pendingRating(openId)),
      forgetRating: (openId) => safely('forget rating', undefined, () => store.forgetRating(openId)),
      forget: (openId) => safely('forget', undefined, () => store.forget(openId)),
    };
  }

  /**
   * The request a message that names a ticket continues: only the citizen's own (a stranger's ticket number in a
   * message is just text), and always the first submission of that request.
   */
  private async namedRequest(words: string, openId: string): Promise<OpenRequest | null> {
    const ticket = mentionedTicket(words);
    if (ticket === null) return null;
    const record = await this.lookup(() => this.deps.intake.getByTicket(ticket));
    if (record === null || record.submission.contact.wechatOpenId !== openId) return null;
    const rootId = record.submission.refs.followUpOf;
    const root = rootId === undefined ? record : ((await this.lookup(() => this.deps.intake.get(rootId))) ?? record);
    return { id: root.submission.id, ticket: root.submission.ticket };
  }

  /** The request `submission` belongs to: itself, or the request it follows up (`null` if that cannot be read). */
  private async requestOf(submission: Submission, joined: OpenRequest | undefined): Promise<OpenRequest | null> {
    const rootId = submission.refs.followUpOf;
    if (rootId === undefined) return { id: submission.id, ticket: submission.ticket };
    if (joined !== undefined && joined.id === rootId) return joined;
    // A retry of an earlier follow-up: intake returned the first attempt, whose request may differ from today's window.
    const root = await this.lookup(() => this.deps.intake.get(rootId));
    if (root === null) {
      this.log.warn({ submissionId: submission.id, followUpOf: rootId }, 'wechat follow-up\'s request cannot be read: answered success');
      return null;
    }
    return { id: root.submission.id, ticket: root.submission.ticket };
  }

  /**
   * Reads that only refine the answer (which request a message continues) must not stop a message that intake can
   * still take (into its spool) while Redis is down.
   */
  private async lookup(read: () => Promise<IntakeRecord | null>): Promise<IntakeRecord | null> {
    try {
      return await read();
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'wechat request lookup failed: carrying on without it');
      return null;
    }
  }

  /**
   * The PIN for the received reply. The keys behind it were loaded to issue the ticket, so this hardly ever fails;
   * when it does, the ticket is still told (the citizen's own account opens the case without a PIN), and the error
   * is logged since the PIN is not shown again.
   */
  private async pinOf(ticket: string, log: Log): Promise<string | null> {
    try {
      return await this.deps.access.pinOf(ticket);
    } catch (err) {
      log.error({ err: err instanceof Error ? err.message : String(err), ticket }, 'wechat reply without the PIN: the case keys could not be loaded');
      return null;
    }
  }

  private async status(language: Language, openId: string, ticket: string, proof: CaseProof | null, log: Log): Promise<string> {
    const outcome = await this.deps.access.read(ticket, proofsOf(openId, proof), sourceOf(openId));
    if (outcome.kind !== 'granted') return refusalText(language, ticket, outcome);
    const { record } = outcome;
    const rateable = ratingRefusal(record) === null;
    if (rateable) {
      // The openid opens its own cases again; a PIN typed on another account is kept for the rating only.
      const typed = outcome.via === 'openid' ? null : proof;
      await this.conversations(log).rememberRating(openId, { ticket: record.submission.ticket, proof: typed }, this.ratingWindowMs);
    }
    const latest = latestStatus(record);
    return statusText(language, {
      ticket: record.submission.ticket,
      status: latest.status,
      at: latest.at,
      ...(latest.note === undefined ? {} : { note: latest.note }),
      ...(record.rating === undefined ? {} : { rated: record.rating.score }),
      ...(rateable ? { rateWithinMinutes: Math.floor(this.ratingWindowMs / 60_000) } : {}),
    });
  }

  /** "评价 5" rates the case the last status reply invited a rating for; "评价 <ticket> 5" names it. */
  private async rate(
    language: Language,
    openId: string,
    command: { readonly ticket: string | null; readonly proof: CaseProof | null; readonly score: Rating['score'] },
    log: Log,
  ): Promise<string> {
    const conversations = this.conversations(log);
    const pending = await conversations.pendingRating(openId);
    const ticket = command.ticket ?? pending?.ticket;
    if (ticket === undefined) return ratingUsageText(language);
    const proof = command.proof ?? (pending?.ticket === ticket ? pending.proof : null);
    const outcome: CaseRateOutcome = await this.deps.access.rate(ticket, proofsOf(openId, proof), sourceOf(openId), { score: command.score });
    switch (outcome.kind) {
      case 'rated':
        if (pending?.ticket === ticket) await conversations.forgetRating(openId);
        return ratedText(language, outcome.record.submission.ticket, outcome.rating.score);
      case 'refused':
        if (pending?.ticket === ticket) await conversations.forgetRating(openId);
        return outcome.reason === 'already_rated'
          ? alreadyRatedText(language, outcome.record.submission.ticket)
          : notRateableText(language, outcome.record.submission.ticket, currentStatus(outcome.record));
      default:
        return refusalText(language, ticket, outcome);
    }
  }

  private async event(message: EventMessage | UnknownMessage): Promise<WechatAnswer> {
    const key = eventDedupKey(message);
    const repeated = this.seenRecently(key);
    const log = this.log.child({ msgType: message.kind });
    if (repeated) log.debug({}, 'wechat event retried: its effects were already applied');
    switch (message.kind) {
      case 'subscribe':
        return { kind: 'text', content: welcomeText() };
      case 'unsubscribe':
        if (!repeated) await this.conversations(log).forget(message.fromUserName);
        return SUCCESS;
      case 'click':
        return { kind: 'text', content: usageText() };
      case 'location-event':
        if (!repeated) await this.conversations(log).rememberLocation(message.fromUserName, locationOf(message), this.locationTtlMs);
        return SUCCESS;
      case 'unknown':
        log.info({ type: message.msgType, event: message.event }, 'wechat message type not handled: answered success');
        return SUCCESS;
    }
  }

  private seenRecently(key: string): boolean {
    const now = this.now();
    const seenAt = this.recentEvents.get(key);
    if (seenAt !== undefined && now - seenAt < EVENT_MEMORY_MS) return true;
    this.recentEvents.set(key, now);
    if (this.recentEvents.size > MAX_REMEMBERED_EVENTS) {
      for (const [k, at] of this.recentEvents) {
        if (now - at >= EVENT_MEMORY_MS || this.recentEvents.size > MAX_REMEMBERED_EVENTS) this.recentEvents.delete(k);
        else break;
      }
    }
    return false;
  }
}

function proofsOf(openId: string, typed: CaseProof | null): CaseProof[] {
  return typed === null ? [{ kind: 'openid', value: openId }] : [{ kind: 'openid', value: openId }, typed];
}

function sourceOf(openId: string): ProofSource {
  return { kind: 'openid', id: openId };
}

function refusalText(language: Language, ticket: string, outcome: Exclude<CaseReadOutcome, { readonly kind: 'granted' }>): string {
  switch (outcome.kind) {
    case 'proof_needed':
      return proofNeededText(language, ticket);
    case 'denied':
      return proofDeniedText(language);
    case 'locked':
      return proofLockedText(language, outcome.retryAfterSeconds);
  }
}

function latestStatus(record: IntakeRecord): StatusEntry {
  const last = record.history[record.history.length - 1];
  return last ?? { status: 'received', at: record.submission.receivedAt };
}

function locationOf(event: Extract<EventMessage, { kind: 'location-event' }>): Location {
  return { lat: event.lat, lon: event.lon };
}
