// A citizen's history as the IVR, the agent screen pop and integrators read it: recent contacts, newest first, and
// the cases still open, each with its status in the words every channel uses (`STATUS_WORDING`).

import { CHANNELS } from '../intake/submission.js';
import type { Channel, Status } from '../intake/submission.js';
import { STATUS_WORDING } from '../intake/status-names.js';
import type { LinkStrength } from './identifier.js';

/** One contact in a profile: a submission (with its ticket) or a call that left none. */
export interface ContactEntry {
  /** The submission id, or the call id. */
  readonly id: string;
  readonly channel: Channel;
  readonly ticket?: string;
  readonly atMs: number;
}

/** Stored as one sorted-set member (scored by time): `<id> <channel> <ticket or ->`. No personal data in it. */
export function encodeContact(entry: Omit<ContactEntry, 'atMs'>): string {
  return `${entry.id} ${entry.channel} ${entry.ticket ?? '-'}`;
}

export function decodeContact(member: string, atMs: number): ContactEntry | null {
  const [id, channel, ticket] = member.split(' ');
  if (id === undefined || id === '' || channel === undefined || !(CHANNELS as readonly string[]).includes(channel)) return null;
  return { id, channel: channel as Channel, atMs, ...(ticket === undefined || ticket === '-' ? {} : { ticket }) };
}

export interface StatusView {
  readonly status: Status;
  readonly statusName: { readonly zh: string; readonly en: string };
  readonly statusText: { readonly zh: string; readonly en: string };
}

export interface HistoryContact {
  readonly id: string;
  readonly channel: Channel;
  readonly at: string;
  readonly ticket?: string;
  /** The case's status now, when the contact left a case whose record still exists. */
  readonly status?: Status;
}

export interface OpenCase extends StatusView {
  readonly id: string;
  readonly ticket: string;
  readonly channel: Channel;
  readonly receivedAt: string;
}

/** Contacts a profile keeps: older ones drop off (its open cases are kept apart, until they close). */
export const PROFILE_CONTACTS = 50;

export interface CitizenHistory {
  readonly profile: string;
  /** How the identifier asked about is linked to the profile: a caller hearing an `inferred` history may not be its owner. */
  readonly link: LinkStrength;
  readonly contacts: readonly HistoryContact[];
  readonly openCases: readonly OpenCase[];
}

/** Each status's view, made once: every open case in every history shares it. */
const STATUS_VIEWS = Object.fromEntries(
  (Object.keys(STATUS_WORDING) as Status[]).map((status) => {
    const wording = STATUS_WORDING[status];
    const view: StatusView = { status, statusName: { zh: wording.zh.name, en: wording.en.name }, statusText: { zh: wording.zh.sentence, en: wording.en.sentence } };
    return [status, Object.freeze(view)];
  }),
) as Readonly<Record<Status, StatusView>>;

export function statusView(status: Status): StatusView {
  return STATUS_VIEWS[status];
}
