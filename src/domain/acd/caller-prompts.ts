// The prompts a caller hears while waiting in the gateway's queue, after the agent hung up, and when leaving the
// queue with a callback or a voice message. Like the emergency announcement, they are played by the queue (not by
// a flow node), so the flow checker requires every one of them in a flow that has a `queue` node.

import type { Flow } from '../flow/types.js';

/** The queue's prompts by their role; the values are the prompt ids a flow must define. */
export const QUEUE_PROMPTS = {
  /** Played first when the call will be recorded. */
  recordingNotice: 'queue-recording-notice',
  /** "You are number" <n> "in the queue." */
  positionBefore: 'queue-position',
  positionAfter: 'queue-position-after',
  /** "The estimated wait is about" <minutes> "minutes." */
  waitBefore: 'queue-wait',
  waitAfter: 'queue-wait-after',
  /** No estimate yet (no call answered recently). */
  waitUnknown: 'queue-wait-unknown',
  /** An estimate beyond LONG_WAIT_MS: no number is said. */
  waitLong: 'queue-wait-long',
  optionCallback: 'queue-option-callback',
  optionVoicemail: 'queue-option-voicemail',
  optionStay: 'queue-option-stay',
  /** "We will call you back on" <digits> ... */
  callbackNumber: 'queue-callback-number',
  /** ... "press 1 to confirm, 2 to keep waiting." */
  callbackConfirm: 'queue-callback-confirm',
  callbackBooked: 'queue-callback-booked',
  callbackFailed: 'queue-callback-failed',
  /** Heard by the caller who answers their call-back, before their agent rings. */
  callbackIntro: 'queue-callback-intro',
  voicemailIntro: 'queue-voicemail-intro',
  /** "Your message is registered, its case number is" <digits> */
  voicemailTicket: 'queue-voicemail-ticket',
  /** "Your PIN is" <digits> */
  voicemailPin: 'queue-voicemail-pin',
  voicemailThanks: 'queue-voicemail-thanks',
  voicemailFailed: 'queue-voicemail-failed',
  survey: 'queue-survey',
  surveyRetry: 'queue-survey-retry',
  surveyThanks: 'queue-survey-thanks',
  goodbye: 'queue-goodbye',
} as const;

export type QueuePromptRole = keyof typeof QUEUE_PROMPTS;
export type QueuePromptId = (typeof QUEUE_PROMPTS)[QueuePromptRole];

export const QUEUE_PROMPT_IDS: readonly QueuePromptId[] = Object.values(QUEUE_PROMPTS);

/** Audio names of the queue's prompts (`hotline/queue-position`), by role, as the caller machine's settings take them. */
export type QueuePromptAudio = Readonly<Record<QueuePromptRole, string>>;

/**
 * The audio of each queue prompt in `flow`. A valid flow with a queue node defines them all (the checker requires
 * it); a missing one falls back to its id, which Asterisk then fails to find: that one item is skipped, not the call.
 */
export function queuePromptAudio(flow: Flow): QueuePromptAudio {
  const audio = {} as Record<QueuePromptRole, string>;
  for (const role of Object.keys(QUEUE_PROMPTS) as QueuePromptRole[]) {
    const id = QUEUE_PROMPTS[role];
    audio[role] = Object.hasOwn(flow.prompts, id) ? (flow.prompts[id]?.audio ?? id) : id;
  }
  return audio;
}
