// The regulations: a repeated request with nothing new is answered with the progress of the first. Every channel
// tells the citizen the same facts — the first request's ticket, where it stands in words, its latest note, when
// it was received — and nothing about the citizen or what they wrote, so a reply read by someone else gives away
// no one's details.

import { beijingTime } from '../beijing-time.js';
import { STATUS_NAMES } from './status-names.js';
import type { Language, Status, StatusEntry } from './submission.js';

/** What a reply says about the open request a new submission repeats. */
export interface RepeatProgress {
  readonly ticket: string;
  /** Where the first request stands; absent when it could not be read (its ticket is still worth giving). */
  readonly status?: Status;
  /** ISO 8601 UTC, when the first request was received; present exactly when `status` is. */
  readonly receivedAt?: string;
  /** The latest note written for the citizen, on one line and shortened; absent when there is none. */
  readonly note?: string;
}

/** The part of the first request's record a reply draws on. */
export interface FirstRequest {
  readonly receivedAt: string;
  /** Oldest first; the last entry is the current status. */
  readonly history: readonly StatusEntry[];
}

/** Notes come from the work-order system and can be long; a reply (a WeChat one especially) has little room. */
export const MAX_REPEAT_NOTE_LENGTH = 300;

/** `first` is `null` when it could not be read: the reply then gives its ticket alone. */
export function repeatProgress(ticket: string, first: FirstRequest | null): RepeatProgress {
  if (first === null) return { ticket };
  const status = first.history.at(-1)?.status ?? 'received';
  const note = latestNote(first.history);
  return { ticket, status, receivedAt: first.receivedAt, ...(note === undefined ? {} : { note }) };
}

/**
 * One paragraph in `language`: the first request's ticket and progress, and that this submission joins it. A note
 * may have come from the status of an earlier step; it is still the latest thing the citizen was told.
 */
export function repeatNotice(language: Language, progress: RepeatProgress): string {
  const { ticket, status, receivedAt } = progress;
  const note = progress.note === undefined ? '' : inlineNote(progress.note);
  if (language === 'en') {
    const linked = 'This submission has been linked to that ticket and is handled with it; if anything has changed, please tell us what is new.';
    if (status === undefined || receivedAt === undefined) return `You made the same request before: ticket ${ticket} (its progress cannot be looked up right now). ${linked}`;
    const noted = note === '' ? '' : ` (latest note: ${note})`;
    return `You made the same request before: ticket ${ticket}, received ${beijingTime(receivedAt)} Beijing time; status: ${STATUS_NAMES[status].en}${noted}. ${linked}`;
  }
  const linked = '本次提交已关联到该工单一并办理；如有新的情况，请补充说明。';
  if (status === undefined || receivedAt === undefined) return `您此前已提出过相同的诉求，工单号 ${ticket}（办理进度暂时无法查询）。${linked}`;
  const noted = note === '' ? '' : `（最新说明：${note}）`;
  return `您此前已提出过相同的诉求，工单号 ${ticket}（北京时间 ${beijingTime(receivedAt)} 收到），目前状态：${STATUS_NAMES[status].zh}${noted}。${linked}`;
}

function latestNote(history: readonly StatusEntry[]): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const note = history[i]?.note?.replace(/\s+/g, ' ').trim();
    if (note !== undefined && note !== '') return shorten(note);
  }
  return undefined;
}

/** The note sits inside a sentence of ours: its own closing punctuation would double ours. */
function inlineNote(note: string): string {
  return note.replace(/[\s。．.!！;；,，、]+$/u, '');
}

function shorten(text: string): string {
  const chars = [...text];
  return chars.length > MAX_REPEAT_NOTE_LENGTH ? `${chars.slice(0, MAX_REPEAT_NOTE_LENGTH).join('')}…` : text;
}
