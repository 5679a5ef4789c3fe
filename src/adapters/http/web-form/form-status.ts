// What anyone holding a ticket number may see: where the request stands and the notes written for the citizen.
// Ticket numbers are short enough to guess, so nothing the citizen wrote and nothing about them is shown.

import type { IntakeRecord } from '../../../app/intake/intake-ports.js';
import { currentStatus } from '../../../app/intake/intake-query.js';
import { ratingRefusal as refusalOf } from '../../../domain/intake/requester-proof.js';
import type { RatingRefusal } from '../../../domain/intake/requester-proof.js';
import type { Status } from '../../../domain/intake/submission.js';

export interface PublicStatus {
  readonly ticket: string;
  readonly status: Status;
  readonly receivedAt: string;
  readonly updatedAt: string;
  readonly history: readonly { readonly status: Status; readonly at: string; readonly note?: string }[];
  readonly canRate: boolean;
  /**
   * Why not, when `canRate` is false. Which kind of proof the rating needs (phone or e-mail) is deliberately not
   * said: the page asks for either in one field, and the requester knows what they gave, while a stranger would
   * learn whether the 10 000 possible phone proofs are worth trying. `no_contact` does say that nothing to prove
   * with was given, which the citizen must be told and which names no one.
   */
  readonly ratingRefusal?: RatingRefusal;
}

export function publicStatus(record: IntakeRecord): PublicStatus {
  const { submission, history } = record;
  const last = history.at(-1);
  const refusal = ratingRefusal(record);
  return {
    ticket: submission.ticket,
    status: last?.status ?? 'received',
    receivedAt: submission.receivedAt,
    updatedAt: last?.at ?? submission.receivedAt,
    history: history.map((entry) => (entry.note === undefined ? { status: entry.status, at: entry.at } : { status: entry.status, at: entry.at, note: entry.note })),
    canRate: refusal === null,
    ...(refusal === null ? {} : { ratingRefusal: refusal }),
  };
}

/** Why a web rating cannot be taken now, or `null` when it can (given the requester's proof). */
export function ratingRefusal(record: IntakeRecord): RatingRefusal | null {
  return refusalOf({ status: currentStatus(record), rated: record.rating !== undefined, contact: record.submission.contact });
}
