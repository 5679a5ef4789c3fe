// Fetches the files of one WeChat message, stores them in the attachment store and hands them to intake as a
// follow-up of the citizen's request. Run by the media queue's worker, which retries a failed run with backoff:
// a failure that another try could mend (network, WeChat busy, intake down) is thrown; one that cannot (media id
// unknown or expired, file refused by the store) is written down in the follow-up's text instead. WeChat keeps
// the files for 3 days after the message; after that, or on the queue's last try, the run gives up with an error
// in the log. The message itself is in intake already, so giving up loses only the file.

import type { AttachmentRef } from '../../domain/intake/submission.js';
import type { MediaItem, MediaRole } from '../../domain/wechat/to-draft.js';
import { silentLog } from '../app-ports.js';
import type { Log } from '../app-ports.js';
import { AttachmentRejectedError, IdempotencyConflictError, SubmissionInvalidError } from '../intake/intake-ports.js';
import type { AttachmentStore, Intake } from '../intake/intake-ports.js';
import { MediaFetchError } from './wechat-ports.js';
import type { MediaFetchRequest, MediaSource } from './wechat-ports.js';

/** How long WeChat keeps a message's temporary media. */
export const WECHAT_MEDIA_LIFETIME_MS = 3 * 24 * 3_600_000;

export interface MediaAttacherDeps {
  readonly intake: Intake;
  readonly attachments: AttachmentStore;
  readonly source: MediaSource;
  readonly log?: Log;
  readonly now?: () => number;
}

export type AttachOutcome =
  | { readonly kind: 'attached'; readonly submissionId: string; readonly attached: number; readonly missing: number }
  /** Nothing could be attached; the reason is in the log. */
  | { readonly kind: 'gave-up'; readonly reason: 'expired' | 'nothing-fetched' | 'refused-by-intake' };

export interface AttachOptions {
  /** A digest of the request, the same on every try (intake's idempotency fingerprint). */
  readonly fingerprint: string;
  /** The queue will not try again: failures that could pass are final now. */
  readonly lastAttempt: boolean;
}

const ROLE_NAMES: Readonly<Record<MediaRole, string>> = {
  image: '图片',
  voice: '语音',
  video: '视频',
  thumbnail: '视频封面',
};

export class MediaAttacher {
  private readonly log: Log;
  private readonly now: () => number;

  constructor(private readonly deps: MediaAttacherDeps) {
    this.log = (deps.log ?? silentLog).child({ component: 'wechat-media' });
    this.now = deps.now ?? Date.now;
  }

  async attach(request: MediaFetchRequest, options: AttachOptions): Promise<AttachOutcome> {
    const log = this.log.child({ msgId: request.msgId, requestId: request.requestId });
    const expiresAt = request.sentAtMs + WECHAT_MEDIA_LIFETIME_MS;
    if (this.now() >= expiresAt) {
      log.error({ sentAt: new Date(request.sentAtMs).toISOString(), items: request.items.length }, 'wechat media expired before it could be fetched: giving up');
      return { kind: 'gave-up', reason: 'expired' };
    }
    const attached: AttachmentRef[] = [];
    const missing: MediaItem[] = [];
    for (const item of request.items) {
      const ref = await this.fetchOne(item, log, options.lastAttempt);
      if (ref === null) missing.push(item);
      else if (!attached.some((a) => a.id === ref.id)) attached.push(ref);
    }
    if (attached.length === 0) {
      log.error({ items: request.items.length }, 'no file of the wechat message could be fetched: giving up');
      return { kind: 'gave-up', reason: 'nothing-fetched' };
    }
    const text = missing.map((item) => `[${ROLE_NAMES[item.role]}未能保存]`).join(' ');
    try {
      const outcome = await this.deps.intake.submit({
        draft: {
          channel: 'wechat',
          text,
          contact: { wechatOpenId: request.openId },
          attachments: attached,
          refs: { wechatMsgId: request.msgId, wechatOpenId: request.openId, followUpOf: request.requestId },
        },
        dedupKey: request.dedupKey,
        fingerprint: options.fingerprint,
      });
      log.info(
        { submissionId: outcome.submission.id, attached: attached.length, missing: missing.length, duplicate: outcome.duplicate },
        'wechat media attached to the request',
      );
      return { kind: 'attached', submissionId: outcome.submission.id, attached: attached.length, missing: missing.length };
    } catch (err) {
      if (err instanceof IdempotencyConflictError) {
        // Only this worker submits under this key, and its fingerprint is fixed per request: already done.
        log.warn({ existingId: err.existingId }, 'wechat media follow-up was already submitted');
        return { kind: 'attached', submissionId: err.existingId, attached: attached.length, missing: missing.length };
      }
      if (err instanceof SubmissionInvalidError) {
        log.error({ fields: err.problems.map((p) => p.field) }, 'intake refused the wechat media follow-up: giving up');
        return { kind: 'gave-up', reason: 'refused-by-intake' };
      }
      throw err;
    }
  }

  /** The stored file, `null` when it cannot be had; throws when another try might get it. */
  private async fetchOne(item: MediaItem, log: Log, lastAttempt: boolean): Promise<AttachmentRef | null> {
    let media;
    try {
      media = await this.deps.source.fetch(item.mediaId);
    } catch (err) {
      if (err instanceof MediaFetchError && err.permanent) {
        log.warn({ role: item.role, err: err.message }, 'wechat media cannot be fetched');
        return null;
      }
      if (lastAttempt) {
        log.error({ role: item.role, err: errorMessage(err) }, 'wechat media still not fetched on the last try: giving up on it');
        return null;
      }
      throw err;
    }
    try {
      return await this.deps.attachments.put(media.bytes, {
        ...(media.fileName === undefined ? {} : { originalName: media.fileName }),
        ...(media.contentType === undefined ? {} : { declaredMimeType: media.contentType }),
      });
    } catch (err) {
      if (err instanceof AttachmentRejectedError) {
        log.warn({ role: item.role, problem: err.problem }, 'wechat media refused by the attachment store');
        return null;
      }
      if (lastAttempt) {
        log.error({ role: item.role, err: errorMessage(err) }, 'wechat media not stored on the last try: giving up on it');
        return null;
      }
      throw err;
    } finally {
      media.dispose();
    }
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
