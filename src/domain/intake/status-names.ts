// A request's status in the words a citizen reads or hears (the work-order system's codes mean nothing to them).
// One table for every channel and both languages: the web form, the API's `statusText`, WeChat, e-mail and the
// IVR's status prompts (a test holds `ivr-flows/12345.yaml` to these sentences) all say the same thing, so no
// channel can tell a citizen their case is "being handled" while it has only been received.

import type { Language, Status } from './submission.js';

export interface StatusWording {
  /** The status as a label: 已接收 / received. */
  readonly name: string;
  /** A whole sentence about the citizen's request, for replies and voice. */
  readonly sentence: string;
}

export const STATUS_WORDING: Readonly<Record<Status, Readonly<Record<Language, StatusWording>>>> = {
  received: {
    zh: { name: '已接收', sentence: '您的诉求已接收，正在等待受理。' },
    en: { name: 'received', sentence: 'Your request has been received and is waiting to be accepted.' },
  },
  accepted: {
    zh: { name: '已受理', sentence: '您的诉求已受理，正在转交承办单位。' },
    en: { name: 'accepted', sentence: 'Your request has been accepted and is being passed to the office that will handle it.' },
  },
  in_progress: {
    zh: { name: '办理中', sentence: '您的诉求正在办理中。' },
    en: { name: 'in progress', sentence: 'Your request is being handled.' },
  },
  resolved: {
    zh: { name: '已办结', sentence: '您的诉求已办结。' },
    en: { name: 'resolved', sentence: 'Your request has been resolved.' },
  },
  closed: {
    zh: { name: '已关闭', sentence: '您的诉求已关闭。' },
    en: { name: 'closed', sentence: 'Your request has been closed.' },
  },
  rejected: {
    zh: { name: '不予受理', sentence: '您的诉求不属于本热线受理范围，未予受理。' },
    en: { name: 'not accepted', sentence: 'Your request is outside what the hotline can accept, and was not accepted.' },
  },
};

/** The label of a status (`STATUS_WORDING[status][language].name`), kept for the many callers that need only it. */
export const STATUS_NAMES: Readonly<Record<Status, Readonly<Record<Language, string>>>> = Object.fromEntries(
  Object.entries(STATUS_WORDING).map(([status, byLanguage]) => [status, { zh: byLanguage.zh.name, en: byLanguage.en.name }]),
) as Record<Status, Record<Language, string>>;
