// What the citizen sees of their case once a proof opened it: where the request stands and the notes written for
// them. Nothing else they wrote and nothing about them is shown: the page is public, and a shoulder or a shared
// computer is not the citizen.

import type { IntakeRecord } from '../intake/intake-ports.js';
import { currentStatus } from '../intake/intake-query.js';
import { ratingRefusal } from './case-access.js';
import type { RatingRefusal } from './case-access-ports.js';
import type { Status } from '../../domain/intake/submission.js';

export interface PublicStatus {
  readonly ticket: string;
  readonly status: Status;
  readonly receivedAt: string;
  readonly updatedAt: string;
  readonly history: readonly { readonly status: Status; readonly at: string; readonly note?: string }[];
  readonly canRate: boolean;
  /** Why not, when `canRate` is false. */
  readonly ratingRefusal?: RatingRefusal;
}

export function publicStatus(record: IntakeRecord): PublicStatus {
  const { submission, history } = record;
  const last = history.at(-1);
  const refusal = ratingRefusal(record);
  return {
    ticket: submission.ticket,
    status: currentStatus(record),
    receivedAt: submission.receivedAt,
    updatedAt: last?.at ?? submission.receivedAt,
    history: history.map((entry) => (entry.note === undefined ? { status: entry.status, at: entry.at } : { status: entry.status, at: entry.at, note: entry.note })),
    canRate: refusal === null,
    ...(refusal === null ? {} : { ratingRefusal: refusal }),
  };
}
