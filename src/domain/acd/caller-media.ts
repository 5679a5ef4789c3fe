// What the waiting caller hears, as ARI media: the position and wait announcement, the options, the callback
// confirmation and the voice message's receipt.

import type { QueuePromptAudio, QueuePromptRole } from './caller-prompts.js';
import type { QueueCallerSettings } from './caller-protocol.js';
import type { HeardPosition } from './caller-state.js';

/** Beyond this estimate a number would only discourage and mislead: the caller hears "more than 30 minutes". */
export const LONG_WAIT_MS = 30 * 60_000;

const DIGITS = /^[0-9]+$/;

export function sound(prompts: QueuePromptAudio, role: QueuePromptRole): string {
  return `sound:${prompts[role]}`;
}

/**
 * "You are number 3 in the queue. The estimated wait is about 4 minutes." Minutes are rounded up (a caller told
 * "about 0 minutes" who then waits 40 seconds has been misled), and at least 1.
 */
export function positionMedia(prompts: QueuePromptAudio, heard: HeardPosition): string[] {
  const media = [sound(prompts, 'positionBefore'), `number:${heard.position}`, sound(prompts, 'positionAfter')];
  const wait = heard.estimatedWaitMs;
  if (wait === null || !Number.isFinite(wait) || wait < 0) media.push(sound(prompts, 'waitUnknown'));
  else if (wait > LONG_WAIT_MS) media.push(sound(prompts, 'waitLong'));
  else media.push(sound(prompts, 'waitBefore'), `number:${Math.max(1, Math.ceil(wait / 60_000))}`, sound(prompts, 'waitAfter'));
  return media;
}

/** Which options this caller has: a callback needs a number to call back. */
export function optionsOf(settings: QueueCallerSettings, callbackNumber: string | null): { callback: boolean; voicemail: boolean } {
  return { callback: settings.callback && callbackNumber !== null, voicemail: settings.voicemail };
}

export function optionsMedia(settings: QueueCallerSettings, callbackNumber: string | null): string[] {
  const offered = optionsOf(settings, callbackNumber);
  const media: string[] = [];
  if (offered.callback) media.push(sound(settings.prompts, 'optionCallback'));
  if (offered.voicemail) media.push(sound(settings.prompts, 'optionVoicemail'));
  if (media.length > 0) media.push(sound(settings.prompts, 'optionStay'));
  return media;
}

/** The number a callback would dial, read back digit by digit; null when there is none to read (withheld). */
export function callbackNumberOf(callerNumber: string): string | null {
  const digits = callerNumber.startsWith('+') ? callerNumber.slice(1) : callerNumber;
  return DIGITS.test(digits) ? digits : null;
}

export function voicemailReceipt(prompts: QueuePromptAudio, ticket: string, pin: string | null): string[] {
  const media = [sound(prompts, 'voicemailTicket')];
  if (DIGITS.test(ticket)) media.push(`digits:${ticket}`);
  if (pin !== null && DIGITS.test(pin)) media.push(sound(prompts, 'voicemailPin'), `digits:${pin}`);
  media.push(sound(prompts, 'voicemailThanks'));
  return media;
}
