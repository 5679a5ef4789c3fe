// A caller on the line is never left waiting on a slow Redis or Asterisk: work that must answer a caller is cut off
// after a bound, and the caller is told it failed (or let through) instead.

import type { Clock } from './ports.js';

export class NoAnswerInTime extends Error {
  readonly code = 'NO_ANSWER_IN_TIME';
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'NoAnswerInTime';
  }
}

/** `work`'s result, or `NoAnswerInTime` once `ms` have passed (the work is not cancelled, only no longer awaited). */
export function answerWithin<T>(clock: Clock, ms: number, work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimer(ms, () => reject(new NoAnswerInTime(ms)));
    work().then(
      (value) => {
        timer.cancel();
        resolve(value);
      },
      (error: unknown) => {
        timer.cancel();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
