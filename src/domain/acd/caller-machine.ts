// A caller waiting for an agent in the gateway's queue, and the survey after their call, as a pure state machine:
// `startQueueCaller(settings, queued)` then `stepQueueCaller(settings, state, event) -> { state, commands }`.
// No I/O, no clock: time comes from the events; timers, playbacks and the queue are the application's.

import type { Digit } from '../flow/types.js';
import { recordingName } from '../ivr/prompting.js';
import { CallerDraft } from './caller-draft.js';
import { callbackNumberOf, optionsMedia, optionsOf, positionMedia, sound, voicemailReceipt } from './caller-media.js';
import type { QueuePromptRole } from './caller-prompts.js';
import type { QueueCallerCommand, QueueCallerEvent, QueueCallerOutcome, QueueCallerSettings, SurveyScore } from './caller-protocol.js';
import { WAITING_PHASES } from './caller-state.js';
import type { CallerPhase, QueueCallerState } from './caller-state.js';

export type { CallerPhase, QueueCallerState } from './caller-state.js';

export interface QueueCallerStep {
  readonly state: QueueCallerState;
  readonly commands: readonly QueueCallerCommand[];
}

type Queued = Extract<QueueCallerEvent, { type: 'queued' }>;
type Event<T extends QueueCallerEvent['type']> = Extract<QueueCallerEvent, { type: T }>;

/** Names the voice message's recording among the call's recordings (the IVR's use other node names). */
export const VOICE_MESSAGE_NODE = 'queue-message';

/** Invalid or missing survey answers after which the caller is thanked and let go. */
export const SURVEY_TRIES = 2;

const SCORES: Readonly<Partial<Record<Digit, SurveyScore>>> = { '1': 1, '2': 2, '3': 3, '4': 4, '5': 5 };

/** Requests the caller may still be owed an answer to after hanging up: `done` waits for it. */
const PENDING_AFTER_HANG_UP: readonly CallerPhase[] = ['recording', 'submitting', 'booking', 'rating'];

export function startQueueCaller(settings: QueueCallerSettings, event: Queued): QueueCallerStep {
  const initial: QueueCallerState = {
    callId: event.callId,
    lang: event.lang,
    callbackNumber: callbackNumberOf(event.callerNumber) === null ? null : event.callerNumber,
    queuedAt: event.at,
    phase: 'hold',
    held: false,
    lastPlayback: 0,
    playing: null,
    timers: [],
    asking: false,
    heard: null,
    optionsUnlocked: false,
    optionsOwed: false,
    recordings: 0,
    recording: null,
    surveyMisses: 0,
    closingOutcome: null,
    gone: false,
    outcome: null,
  };
  const d = new CallerDraft(initial, event.at);
  if (event.recorded) {
    d.phase = 'notice';
    d.play([sound(settings.prompts, 'recordingNotice')]);
  } else {
    d.hold();
  }
  // Asked at once: the answer is announced as soon as the notice is over.
  askPosition(d);
  if (hasOptions(settings, d)) d.startTimer('options', settings.optionsAfterMs);
  return { state: d.toState(), commands: d.commands };
}

export function stepQueueCaller(settings: QueueCallerSettings, state: QueueCallerState, event: QueueCallerEvent): QueueCallerStep {
  const unchanged: QueueCallerStep = { state, commands: [] };
  if (state.outcome !== null) return unchanged;
  // A caller who hung up is owed nothing but the end of what they had started (see PENDING_AFTER_HANG_UP).
  if (state.gone && !['recordingFinished', 'submitted', 'callbackBooked', 'rated'].includes(event.type)) return unchanged;
  const d = new CallerDraft(state, event.at);
  switch (event.type) {
    case 'queued':
      return unchanged;
    case 'hungUp':
      onHungUp(d);
      break;
    case 'position':
      if (!state.asking) return unchanged;
      onPosition(settings, d, event);
      break;
    case 'timer':
      // A timer we cancelled may still report in: it must not act.
      if (!state.timers.includes(event.timer)) return unchanged;
      d.timerFired(event.timer);
      onTimer(settings, d, event.timer);
      break;
    case 'digit':
      onDigit(settings, d, event.digit);
      break;
    case 'playbackFinished':
      // The end of a playback we stopped or replaced is stale.
      if (event.playback !== state.playing) return unchanged;
      d.playing = null;
      onPlaybackDone(settings, d);
      break;
    case 'recordingFinished':
      if (state.phase !== 'recording' || event.name !== state.recording) return unchanged;
      onRecordingDone(settings, d, event);
      break;
    case 'submitted':
      if (state.phase !== 'submitting') return unchanged;
      onSubmitted(settings, d, event);
      break;
    case 'callbackBooked':
      if (state.phase !== 'booking') return unchanged;
      onCallbackBooked(settings, d, event.ok);
      break;
    case 'agentRinging':
      if (!isWaiting(state.phase)) return unchanged;
      leaveWaiting(d);
      // The caller keeps hearing music while the agent's phone rings.
      d.hold();
      d.phase = 'ringing';
      break;
    case 'agentAnswered':
      if (!isWaiting(state.phase) && state.phase !== 'ringing') return unchanged;
      leaveWaiting(d);
      d.unhold();
      d.phase = 'connected';
      break;
    case 'returned':
      if (state.phase !== 'ringing' && state.phase !== 'connected') return unchanged;
      backInQueue(settings, d);
      break;
    case 'agentHungUp':
      if (state.phase !== 'connected') return unchanged;
      afterCall(settings, d);
      break;
    case 'rated':
      if (state.phase !== 'rating') return unchanged;
      onRated(settings, d, event.ok);
      break;
  }
  return { state: d.toState(), commands: d.commands };
}

export function isCallerFinished(state: QueueCallerState): boolean {
  return state.outcome !== null;
}

function isWaiting(phase: CallerPhase): boolean {
  return WAITING_PHASES.includes(phase);
}

function hasOptions(settings: QueueCallerSettings, d: CallerDraft): boolean {
  const offered = optionsOf(settings, d.callbackNumber);
  return settings.optionsAfterMs > 0 && (offered.callback || offered.voicemail);
}

function askPosition(d: CallerDraft): void {
  d.emit({ type: 'askPosition' });
  d.asking = true;
}

/**
 * Back to plain waiting: an answer not yet announced comes first, then options that are due; otherwise music on
 * hold until the next announcement.
 */
function toHold(settings: QueueCallerSettings, d: CallerDraft): void {
  d.phase = 'hold';
  if (d.heard !== null) {
    announce(settings, d);
  } else if (d.optionsOwed) {
    offerOptions(settings, d);
  } else {
    d.hold();
    // While an answer is awaited, it restarts the period when it is announced.
    if (settings.announceEveryMs > 0 && !d.asking) d.startTimer('announce', settings.announceEveryMs);
  }
}

function announce(settings: QueueCallerSettings, d: CallerDraft): void {
  if (d.heard === null) return;
  const media = positionMedia(settings.prompts, d.heard);
  d.heard = null;
  d.cancelTimer('announce');
  const options = d.optionsUnlocked ? optionsMedia(settings, d.callbackNumber) : [];
  d.optionsOwed = false;
  d.phase = options.length > 0 ? 'options' : 'announcing';
  d.play([...media, ...options]);
}

function offerOptions(settings: QueueCallerSettings, d: CallerDraft): void {
  d.optionsOwed = false;
  d.cancelTimer('announce');
  d.phase = 'options';
  d.play(optionsMedia(settings, d.callbackNumber));
}

function onPosition(settings: QueueCallerSettings, d: CallerDraft, event: Event<'position'>): void {
  d.asking = false;
  if (event.position !== null && event.position >= 1) d.heard = { position: event.position, estimatedWaitMs: event.estimatedWaitMs };
  // Elsewhere (the notice, the options, a callback being confirmed) the answer waits for the caller's return.
  if (d.phase === 'hold') toHold(settings, d);
}

function onTimer(settings: QueueCallerSettings, d: CallerDraft, timer: Event<'timer'>['timer']): void {
  switch (timer) {
    case 'announce':
      askPosition(d);
      return;
    case 'options':
      d.optionsUnlocked = true;
      d.optionsOwed = true;
      if (d.phase === 'hold') offerOptions(settings, d);
      return;
    case 'input':
      if (d.phase === 'options' || d.phase === 'confirming') toHold(settings, d);
      else if (d.phase === 'survey') surveyMiss(settings, d);
      return;
  }
}

function onDigit(settings: QueueCallerSettings, d: CallerDraft, digit: Digit): void {
  const offered = optionsOf(settings, d.callbackNumber);
  switch (d.phase) {
    case 'options':
      if (digit === '1' && offered.callback) confirmCallback(settings, d);
      else if (digit === '2' && offered.voicemail) startVoicemail(settings, d);
      return;
    case 'confirming':
      if (digit === '1') bookCallback(d);
      else if (digit === '2') {
        d.stopPlayback();
        d.cancelTimer('input');
        toHold(settings, d);
      }
      return;
    case 'survey': {
      const score = SCORES[digit];
      if (score === undefined) surveyMiss(settings, d);
      else rate(d, score);
      return;
    }
    default:
      return;
  }
}

function onPlaybackDone(settings: QueueCallerSettings, d: CallerDraft): void {
  switch (d.phase) {
    case 'notice':
    case 'announcing':
    case 'apology':
      toHold(settings, d);
      return;
    case 'options':
      // The caller waits to music again; a key still counts until the input timer runs out.
      d.hold();
      d.startTimer('input', settings.inputTimeoutMs);
      return;
    case 'confirming':
    case 'survey':
      d.startTimer('input', settings.inputTimeoutMs);
      return;
    case 'voicemailIntro':
      startRecording(settings, d);
      return;
    case 'closing':
      d.emit({ type: 'hangup' });
      d.finish(d.closingOutcome ?? 'abandoned');
      return;
    default:
      return;
  }
}

function confirmCallback(settings: QueueCallerSettings, d: CallerDraft): void {
  d.cancelTimer('input');
  d.phase = 'confirming';
  const digits = d.callbackNumber === null ? null : callbackNumberOf(d.callbackNumber);
  d.play([sound(settings.prompts, 'callbackNumber'), ...(digits === null ? [] : [`digits:${digits}`]), sound(settings.prompts, 'callbackConfirm')]);
}

function bookCallback(d: CallerDraft): void {
  if (d.callbackNumber === null) return;
  d.stopPlayback();
  d.cancelTimer('input');
  d.emit({ type: 'bookCallback', number: d.callbackNumber });
  d.phase = 'booking';
}

function onCallbackBooked(settings: QueueCallerSettings, d: CallerDraft, ok: boolean): void {
  if (ok) {
    d.emit({ type: 'leaveQueue', reason: 'callback' });
    if (d.gone) d.finish('callback');
    else closing(settings, d, 'callback', [sound(settings.prompts, 'callbackBooked')]);
  } else if (d.gone) {
    d.finish('abandoned');
  } else {
    apology(settings, d, 'callbackFailed');
  }
}

/** The caller keeps their place until the message is filed: only then do they leave the queue. */
function startVoicemail(settings: QueueCallerSettings, d: CallerDraft): void {
  d.cancelTimer('input');
  d.phase = 'voicemailIntro';
  d.play([sound(settings.prompts, 'voicemailIntro')]);
}

function startRecording(settings: QueueCallerSettings, d: CallerDraft): void {
  d.recordings += 1;
  const name = recordingName(d.callId, VOICE_MESSAGE_NODE, d.recordings);
  d.recording = name;
  d.phase = 'recording';
  const { maxDurationMs, maxSilenceMs } = settings.voiceMessage;
  d.emit({ type: 'record', name, maxDurationMs, maxSilenceMs, beep: true, terminateOn: '#' });
}

function onRecordingDone(settings: QueueCallerSettings, d: CallerDraft, event: Event<'recordingFinished'>): void {
  d.recording = null;
  if (event.ok && event.durationMs > 0) {
    d.emit({ type: 'submitVoiceMessage', recording: event.name, lang: d.lang });
    d.phase = 'submitting';
  } else if (d.gone) {
    d.finish('abandoned');
  } else {
    apology(settings, d, 'voicemailFailed');
  }
}

function onSubmitted(settings: QueueCallerSettings, d: CallerDraft, event: Event<'submitted'>): void {
  if (event.ticket !== null) {
    d.emit({ type: 'leaveQueue', reason: 'voicemail' });
    if (d.gone) d.finish('voicemail');
    else closing(settings, d, 'voicemail', voicemailReceipt(settings.prompts, event.ticket, event.pin));
  } else if (d.gone) {
    d.finish('abandoned');
  } else {
    apology(settings, d, 'voicemailFailed');
  }
}

/** A callback or message that failed: said so, then the caller waits on in their place. */
function apology(settings: QueueCallerSettings, d: CallerDraft, role: QueuePromptRole): void {
  d.phase = 'apology';
  d.play([sound(settings.prompts, role)]);
}

/** The last prompt; once it has played, the machine hangs up and is done with `outcome`. */
function closing(settings: QueueCallerSettings, d: CallerDraft, outcome: QueueCallerOutcome, media: readonly string[]): void {
  d.cancelAllTimers();
  d.phase = 'closing';
  d.closingOutcome = outcome;
  d.play(media);
}

/** An agent takes the caller: whatever the caller was doing while waiting stops (a message being recorded too). */
function leaveWaiting(d: CallerDraft): void {
  d.cancelAllTimers();
  d.stopPlayback();
  d.stopRecording();
  d.asking = false;
  d.heard = null;
  d.optionsOwed = false;
}

/** The agent did not answer or was lost: back to waiting (at the head), told where they stand again. */
function backInQueue(settings: QueueCallerSettings, d: CallerDraft): void {
  d.phase = 'hold';
  d.hold();
  askPosition(d);
  if (!d.optionsUnlocked && hasOptions(settings, d)) {
    // The options wait counts from entering the queue, not from the return.
    const remaining = d.queuedAt + settings.optionsAfterMs - d.at;
    if (remaining > 0) d.startTimer('options', remaining);
    else {
      d.optionsUnlocked = true;
      d.optionsOwed = true;
    }
  }
}

function afterCall(settings: QueueCallerSettings, d: CallerDraft): void {
  if (!settings.survey) {
    d.emit({ type: 'hangup' });
    d.finish('served');
    return;
  }
  d.phase = 'survey';
  d.surveyMisses = 0;
  d.play([sound(settings.prompts, 'survey')]);
}

function rate(d: CallerDraft, score: SurveyScore): void {
  d.stopPlayback();
  d.cancelTimer('input');
  d.emit({ type: 'rate', score });
  d.phase = 'rating';
}

function surveyMiss(settings: QueueCallerSettings, d: CallerDraft): void {
  d.stopPlayback();
  d.cancelTimer('input');
  d.surveyMisses += 1;
  if (d.surveyMisses >= SURVEY_TRIES) closing(settings, d, 'surveySkipped', [sound(settings.prompts, 'goodbye')]);
  else d.play([sound(settings.prompts, 'surveyRetry'), sound(settings.prompts, 'survey')]);
}

function onRated(settings: QueueCallerSettings, d: CallerDraft, ok: boolean): void {
  const outcome = ok ? 'surveyed' : 'surveyFailed';
  if (d.gone) d.finish(outcome);
  else closing(settings, d, outcome, [sound(settings.prompts, ok ? 'surveyThanks' : 'goodbye')]);
}

/**
 * The channel is gone: timers stop, nothing is played or stopped any more. A message being recorded or filed, a
 * callback being booked or a rating being stored still has its answer coming: `done` waits for it, so a caller
 * who hangs up instead of pressing # still leaves their message.
 */
function onHungUp(d: CallerDraft): void {
  d.cancelAllTimers();
  d.playing = null;
  d.held = false;
  if (PENDING_AFTER_HANG_UP.includes(d.phase)) {
    d.gone = true;
    return;
  }
  d.finish(outcomeWhenGone(d));
}

function outcomeWhenGone(d: CallerDraft): QueueCallerOutcome {
  switch (d.phase) {
    case 'closing':
      return d.closingOutcome ?? 'abandoned';
    case 'connected':
      return 'served';
    case 'survey':
      return 'surveySkipped';
    default:
      return 'abandoned';
  }
}
