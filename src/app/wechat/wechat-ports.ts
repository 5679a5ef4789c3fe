// What the WeChat channel needs besides intake: where conversations are remembered (shared by every gateway
// instance, so Redis in production), a durable queue of media downloads, and the download itself.

import type { CaseProof } from '../../domain/access/case-proof.js';
import type { Location } from '../../domain/intake/submission.js';
import type { MediaItem } from '../../domain/wechat/to-draft.js';

/** The request a citizen's conversation window belongs to: its first submission. */
export interface OpenRequest {
  readonly id: string;
  readonly ticket: string;
}

/**
 * A status reply invited a rating: the case, and the typed proof that opened it when the openid alone did not (so
 * that "评价 5" from a citizen who checked with the PIN on another account is taken too).
 */
export interface PendingRating {
  readonly ticket: string;
  readonly proof: CaseProof | null;
}

export type WindowEntry =
  /** A request is open: the message is a follow-up of it (the window was extended). */
  | { readonly kind: 'open'; readonly request: OpenRequest }
  /** No request is open: the caller now holds the claim to open one, and must `open` or `abandon` it. */
  | { readonly kind: 'claimed' }
  /** Another message (on another instance) is opening a request right now. */
  | { readonly kind: 'busy' };

/** What `enter` found: the window, and the citizen's reported location when it was asked for (else `null`). */
export interface Entered {
  readonly entry: WindowEntry;
  readonly reportedLocation: Location | null;
}

export interface ConversationStore {
  /**
   * Atomically: the citizen's open request, or a short claim on opening one for the message `dedupKey`. A claim
   * by the same dedup key (WeChat retrying while the first attempt still runs) is granted again. With
   * `withLocation`, also what `reportedLocation` answers, read in the same trip (every message but a location
   * needs both).
   */
  enter(openId: string, dedupKey: string, windowMs: number, withLocation: boolean): Promise<Entered>;
  /** The window now belongs to `request`, for `windowMs` from now (replacing any claim). */
  open(openId: string, request: OpenRequest, windowMs: number): Promise<void>;
  /** Drops the claim of `dedupKey`, if it is still the claim (its submission failed). */
  abandon(openId: string, dedupKey: string): Promise<void>;
  /** Keeps where the citizen said they are (WeChat's LOCATION event) for `ttlMs`. */
  rememberLocation(openId: string, location: Location, ttlMs: number): Promise<void>;
  reportedLocation(openId: string): Promise<Location | null>;
  /** Keeps, for `ttlMs`, the case the citizen's next "评价 <1-5>" rates (replacing any earlier one). */
  rememberRating(openId: string, pending: PendingRating, ttlMs: number): Promise<void>;
  pendingRating(openId: string): Promise<PendingRating | null>;
  /** The rating was taken (or refused for good): "评价 5" no longer refers to it. */
  forgetRating(openId: string): Promise<void>;
  /** Forgets the citizen's window, location and pending rating (they unfollowed the account). */
  forget(openId: string): Promise<void>;
}

/** The files of one message, to fetch from WeChat and attach to the request as a follow-up. */
export interface MediaFetchRequest {
  /** `wechat-media:<MsgId>`: the follow-up's dedup key, and the download job's identity. */
  readonly dedupKey: string;
  readonly msgId: string;
  readonly openId: string;
  /** The request the files belong to (`refs.followUpOf` of the follow-up). */
  readonly requestId: string;
  readonly items: readonly MediaItem[];
  /** When WeChat received the message (its CreateTime), epoch ms: the files expire 3 days later. */
  readonly sentAtMs: number;
}

export interface MediaQueue {
  /**
   * `queued` once the request is durable (it survives a restart); adding the same dedup key again adds nothing.
   * `deferred` when the queue is unreachable: the request is held in memory and queued when it is back (lost only
   * if the gateway stops before that).
   */
  enqueue(request: MediaFetchRequest): Promise<'queued' | 'deferred'>;
}

/** The bytes of one media file, streamed. */
export interface FetchedMedia {
  readonly bytes: AsyncIterable<Uint8Array>;
  /** WeChat's Content-Type. */
  readonly contentType?: string;
  /** From Content-Disposition, when WeChat names the file. */
  readonly fileName?: string;
  /** Frees the connection; called once the bytes were read, or when they will not be. */
  dispose(): void;
}

export interface MediaSource {
  /** Throws `MediaFetchError`. */
  fetch(mediaId: string): Promise<FetchedMedia>;
}

export class MediaFetchError extends Error {
  readonly code = 'WECHAT_MEDIA_FETCH_FAILED';
  constructor(
    message: string,
    /** True when trying again cannot help (the media id is unknown or expired). */
    readonly permanent: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MediaFetchError';
  }
}
