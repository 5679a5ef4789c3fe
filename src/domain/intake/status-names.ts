// A request's status in the words a citizen reads (the work-order system's codes mean nothing to them).

import type { Language, Status } from './submission.js';

export const STATUS_NAMES: Readonly<Record<Status, Readonly<Record<Language, string>>>> = {
  received: { zh: '已接收', en: 'received' },
  accepted: { zh: '已受理', en: 'accepted' },
  in_progress: { zh: '办理中', en: 'in progress' },
  resolved: { zh: '已办结', en: 'resolved' },
  closed: { zh: '已关闭', en: 'closed' },
  rejected: { zh: '不予受理', en: 'not accepted' },
};
