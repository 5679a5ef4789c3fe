// How long a citizen locked out for wrong proofs must wait, in words: minutes for short locks, hours for the day-long
// per-ticket one (a precise "1437 minutes" reads like a machine's number, not an answer).

import type { Language } from '../intake/submission.js';

export function retryWaitText(language: Language, retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  if (minutes >= 120) {
    const hours = Math.ceil(minutes / 60);
    return language === 'en' ? `${hours} hours` : `${hours}小时`;
  }
  return language === 'en' ? `${minutes} minute${minutes === 1 ? '' : 's'}` : `${minutes}分钟`;
}
