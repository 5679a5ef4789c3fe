// Leaving the queue without an agent: a callback (the caller keeps their place and is called back) or a voice
// message (kept in the queue until the message is filed).
import { describe, expect, it } from 'vitest';
import { VOICE_MESSAGE_NODE } from '../../../src/domain/acd/caller-machine.js';
import { CallerDriver, played, settingsWith, snd } from './caller-fixtures.js';

const confirmMedia = (digits: string): string[] => [snd('callbackNumber'), `digits:${digits}`, snd('callbackConfirm')];

function confirming(queued: { callerNumber?: string } = {}): CallerDriver {
  const caller = CallerDriver.atOptions(settingsWith(), queued);
  caller.digit('1');
  return caller;
}

describe('callback', () => {
  it('reads the number back, books on 1 and, once booked, leaves the queue, says so and hangs up', () => {
    const caller = confirming();
    expect(caller.state.phase).toBe('confirming');
    expect(caller.playbackDone()).toEqual([{ type: 'startTimer', timer: 'input', ms: 5_000 }]);
    expect(caller.state.held).toBe(false);
    expect(caller.digit('1')).toEqual([{ type: 'cancelTimer', timer: 'input' }, { type: 'bookCallback', number: '13912345678' }]);
    expect(caller.state.phase).toBe('booking');
    expect(caller.digit('1')).toEqual([]);
    expect(caller.send({ type: 'callbackBooked', at: caller.at, ok: true })).toEqual([
      { type: 'leaveQueue', reason: 'callback' },
      { type: 'play', playback: 4, media: [snd('callbackBooked')], lang: 'zh' },
    ]);
    expect(caller.state).toMatchObject({ phase: 'closing', timers: [] });
    expect(caller.on('agentRinging')).toEqual([]);
    expect(caller.playbackDone()).toEqual([{ type: 'hangup' }, { type: 'done', outcome: 'callback' }]);
    expect(caller.state.outcome).toBe('callback');
    expect(caller.digit('1')).toEqual([]);
    expect(caller.on('hungUp')).toEqual([]);
  });

  it('takes the confirmation during the readback too', () => {
    const caller = confirming();
    expect(caller.digit('1')).toEqual([{ type: 'stopPlayback', playback: 3 }, { type: 'bookCallback', number: '13912345678' }]);
  });

  it('reads an international number without its +, and books it as given', () => {
    const caller = confirming({ callerNumber: '+8613912345678' });
    expect(played(caller.log.slice(-1))).toEqual([confirmMedia('8613912345678')]);
    expect(caller.digit('1')).toContainEqual({ type: 'bookCallback', number: '+8613912345678' });
  });

  it('apologises when the booking failed, and the caller waits on in their place', () => {
    const caller = confirming();
    caller.digit('1');
    expect(caller.send({ type: 'callbackBooked', at: caller.at, ok: false })).toEqual([
      { type: 'play', playback: 4, media: [snd('callbackFailed')], lang: 'zh' },
    ]);
    expect(caller.state.phase).toBe('apology');
    expect(caller.playbackDone()).toEqual([{ type: 'hold' }, { type: 'startTimer', timer: 'announce', ms: 60_000 }]);
    expect(caller.state.phase).toBe('hold');
  });

  it.each([
    ['2 during the readback', (c: CallerDriver) => c.digit('2'), [{ type: 'stopPlayback', playback: 3 }, { type: 'hold' }, { type: 'startTimer', timer: 'announce', ms: 60_000 }]],
    [
      '2 after it',
      (c: CallerDriver) => (c.playbackDone(), c.digit('2')),
      [{ type: 'cancelTimer', timer: 'input' }, { type: 'hold' }, { type: 'startTimer', timer: 'announce', ms: 60_000 }],
    ],
    ['no key', (c: CallerDriver) => (c.playbackDone(), c.timer('input')), [{ type: 'hold' }, { type: 'startTimer', timer: 'announce', ms: 60_000 }]],
  ])('keeps the caller waiting on %s', (_, act, expected) => {
    const caller = confirming();
    expect(act(caller)).toEqual(expected);
    expect(caller.state.phase).toBe('hold');
    expect(caller.log).not.toContainEqual(expect.objectContaining({ type: 'bookCallback' }));
  });

  it('ignores other keys at the confirmation', () => {
    const caller = confirming();
    for (const digit of ['0', '3', '9', '*', '#'] as const) expect(caller.digit(digit)).toEqual([]);
    expect(caller.state.phase).toBe('confirming');
  });
});

describe('voice message', () => {
  function recording(): CallerDriver {
    const caller = CallerDriver.atOptions();
    caller.digit('2');
    caller.playbackDone();
    return caller;
  }

  it('explains, records after a beep, files the message, then leaves the queue and reads the ticket and PIN', () => {
    const caller = CallerDriver.atOptions(settingsWith(), { lang: 'en' });
    expect(caller.digit('2')).toEqual([{ type: 'stopPlayback', playback: 2 }, { type: 'play', playback: 3, media: [snd('voicemailIntro')], lang: 'en' }]);
    expect(caller.digit('1')).toEqual([]);
    const name = `call-1-${VOICE_MESSAGE_NODE}-1`;
    expect(caller.playbackDone()).toEqual([{ type: 'record', name, maxDurationMs: 120_000, maxSilenceMs: 5_000, beep: true, terminateOn: '#' }]);
    expect(caller.state).toMatchObject({ phase: 'recording', recording: name });
    expect(caller.digit('1')).toEqual([]);
    expect(caller.recordingFinished(true, 15_000, 'another-recording')).toEqual([]);
    expect(caller.recordingFinished(true, 15_000)).toEqual([{ type: 'submitVoiceMessage', recording: name, lang: 'en' }]);
    expect(caller.state.phase).toBe('submitting');
    expect(caller.send({ type: 'submitted', at: caller.at, ticket: '202503030001', pin: '123456' })).toEqual([
      { type: 'leaveQueue', reason: 'voicemail' },
      {
        type: 'play',
        playback: 4,
        media: [snd('voicemailTicket'), 'digits:202503030001', snd('voicemailPin'), 'digits:123456', snd('voicemailThanks')],
        lang: 'en',
      },
    ]);
    expect(caller.playbackDone()).toEqual([{ type: 'hangup' }, { type: 'done', outcome: 'voicemail' }]);
  });

  it('says no PIN when there is none', () => {
    const caller = recording();
    caller.recordingFinished();
    expect(played(caller.send({ type: 'submitted', at: caller.at, ticket: '202503030001', pin: null }))).toEqual([
      [snd('voicemailTicket'), 'digits:202503030001', snd('voicemailThanks')],
    ]);
  });

  it.each([
    ['the recording failed', (c: CallerDriver) => c.recordingFinished(false, 0)],
    ['the recording is empty', (c: CallerDriver) => c.recordingFinished(true, 0)],
    ['intake could not take it', (c: CallerDriver) => (c.recordingFinished(), c.send({ type: 'submitted', at: c.at, ticket: null, pin: null }))],
  ])('apologises and keeps the caller waiting when %s', (_, act) => {
    const caller = recording();
    expect(played(act(caller))).toEqual([[snd('voicemailFailed')]]);
    expect(caller.log).not.toContainEqual(expect.objectContaining({ type: 'leaveQueue' }));
    expect(caller.playbackDone()).toEqual([{ type: 'hold' }, { type: 'startTimer', timer: 'announce', ms: 60_000 }]);
    // The options are still on offer with the next announcement; a second message gets a new name.
    caller.timer('announce');
    caller.position(2);
    caller.digit('2');
    caller.playbackDone();
    expect(caller.state.recording).toBe(`call-1-${VOICE_MESSAGE_NODE}-2`);
  });
});
