// What anyone holding a ticket number may see: where the request stands and the notes written for the citizen.
// Ticket numbers are short enough to guess, so nothing the citizen wrote and nothing about them is shown.

import type { IntakeRecord } from '../../../app/intake/intake-ports.js';
import type { Status } from '../../../domain/intake/submission.js';

export interface PublicStatus {
  readonly ticket: string;
  readonly status: Status;
  readonly receivedAt: string;
  readonly updatedAt: string;
  readonly history: readonly { readonly status: Status; readonly at: string; readonly note?: string }[];
  readonly canRate: boolean;
}

/** The regulations let citizens rate the handling once it is finished; once only. */
const RATEABLE: ReadonlySet<Status> = new Set<Status>(['resolved', 'closed']);

export function publicStatus(record: IntakeRecord): PublicStatus {
  const { submission, history } = record;
  const last = history.at(-1);
  return {
    ticket: submission.ticket,
    status: last?.status ?? 'received',
    receivedAt: submission.receivedAt,
    updatedAt: last?.at ?? submission.receivedAt,
    history: history.map((entry) => (entry.note === undefined ? { status: entry.status, at: entry.at } : { status: entry.status, at: entry.at, note: entry.note })),
    canRate: ratingRefusal(record) === null,
  };
}

/** Why a rating cannot be taken now, or `null` when it can. */
export function ratingRefusal(record: IntakeRecord): 'already_rated' | 'not_rateable' | null {
  if (record.rating !== undefined) return 'already_rated';
  const current = record.history.at(-1)?.status ?? 'received';
  return RATEABLE.has(current) ? null : 'not_rateable';
}
