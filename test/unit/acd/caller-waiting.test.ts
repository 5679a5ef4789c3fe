import { describe, expect, it } from 'vitest';
import { LONG_WAIT_MS } from '../../../src/domain/acd/caller-media.js';
import { CallerDriver, played, settingsWith, snd } from './caller-fixtures.js';

const announcement = (position: number, minutes: number): string[] => [
  snd('positionBefore'),
  `number:${position}`,
  snd('positionAfter'),
  snd('waitBefore'),
  `number:${minutes}`,
  snd('waitAfter'),
];
const options = [snd('optionCallback'), snd('optionVoicemail'), snd('optionStay')];

describe('entering the queue', () => {
  it('puts the caller on hold, asks where they stand and starts the options wait', () => {
    const caller = new CallerDriver();
    expect(caller.first).toEqual([{ type: 'hold' }, { type: 'askPosition' }, { type: 'startTimer', timer: 'options', ms: 120_000 }]);
    expect(caller.state).toMatchObject({ phase: 'hold', held: true, asking: true, timers: ['options'] });
  });

  it('announces position and wait over a pause in the music, then holds again until the next announcement', () => {
    const caller = new CallerDriver();
    expect(caller.position(3, 180_000)).toEqual([{ type: 'unhold' }, { type: 'play', playback: 1, media: announcement(3, 3), lang: 'zh' }]);
    expect(caller.state).toMatchObject({ phase: 'announcing', held: false, asking: false });
    expect(caller.playbackDone()).toEqual([{ type: 'hold' }, { type: 'startTimer', timer: 'announce', ms: 60_000 }]);
    expect(caller.timer('announce')).toEqual([{ type: 'askPosition' }]);
    expect(caller.position(2, 100_000)).toEqual([{ type: 'unhold' }, { type: 'play', playback: 2, media: announcement(2, 2), lang: 'zh' }]);
  });

  it('plays the recording notice first; an answer that comes meanwhile is announced right after it', () => {
    const caller = new CallerDriver(settingsWith(), { recorded: true, lang: 'en' });
    expect(caller.first).toEqual([
      { type: 'play', playback: 1, media: [snd('recordingNotice')], lang: 'en' },
      { type: 'askPosition' },
      { type: 'startTimer', timer: 'options', ms: 120_000 },
    ]);
    expect(caller.state.phase).toBe('notice');
    expect(caller.position(1, 30_000)).toEqual([]);
    expect(caller.playbackDone()).toEqual([{ type: 'play', playback: 2, media: announcement(1, 1), lang: 'en' }]);
    expect(caller.playbackDone()).toEqual([{ type: 'hold' }, { type: 'startTimer', timer: 'announce', ms: 60_000 }]);
  });

  it('holds after the notice when the answer is not in yet, and announces when it comes', () => {
    const caller = new CallerDriver(settingsWith(), { recorded: true });
    expect(caller.playbackDone()).toEqual([{ type: 'hold' }]);
    expect(caller.position(4)).toEqual([{ type: 'unhold' }, { type: 'play', playback: 2, media: announcement(4, 3), lang: 'zh' }]);
  });

  it.each([
    ['no estimate', null, [snd('waitUnknown')]],
    ['more than 30 minutes', LONG_WAIT_MS + 1, [snd('waitLong')]],
    ['exactly 30 minutes', LONG_WAIT_MS, [snd('waitBefore'), 'number:30', snd('waitAfter')]],
    ['under a minute: about 1', 10_000, [snd('waitBefore'), 'number:1', snd('waitAfter')]],
    ['61 s: about 2 (rounded up)', 61_000, [snd('waitBefore'), 'number:2', snd('waitAfter')]],
    ['a nonsense estimate', -5, [snd('waitUnknown')]],
  ])('says the wait: %s', (_, wait, tail) => {
    const caller = new CallerDriver();
    expect(played(caller.position(7, wait))).toEqual([[snd('positionBefore'), 'number:7', snd('positionAfter'), ...tail]]);
  });

  it('announces nothing when the queue does not know the call, and asks again at the next period', () => {
    const caller = new CallerDriver();
    expect(caller.position(null)).toEqual([{ type: 'startTimer', timer: 'announce', ms: 60_000 }]);
    expect(caller.state).toMatchObject({ phase: 'hold', held: true });
    expect(caller.timer('announce')).toEqual([{ type: 'askPosition' }]);
  });

  it('announces once only when announceEveryMs is 0', () => {
    const caller = new CallerDriver(settingsWith({ announceEveryMs: 0 }));
    caller.position(3);
    expect(caller.playbackDone()).toEqual([{ type: 'hold' }]);
    expect(caller.state.timers).toEqual(['options']);
  });

  it('ignores digits, answers nobody asked for, and stale playbacks and timers while waiting', () => {
    const caller = CallerDriver.waiting();
    const before = caller.state;
    for (const digit of ['1', '2', '0', '#'] as const) expect(caller.digit(digit)).toEqual([]);
    expect(caller.position(1)).toEqual([]);
    expect(caller.send({ type: 'playbackFinished', at: caller.at, playback: 1 })).toEqual([]);
    expect(caller.send({ type: 'timer', at: caller.at, timer: 'input' })).toEqual([]);
    expect(caller.send({ type: 'queued', at: caller.at, callId: 'x', lang: 'en', callerNumber: '1', recorded: true })).toEqual([]);
    expect(caller.send({ type: 'agentHungUp', at: caller.at })).toEqual([]);
    expect(caller.send({ type: 'rated', at: caller.at, ok: true })).toEqual([]);
    expect(caller.send({ type: 'submitted', at: caller.at, ticket: '1', pin: null })).toEqual([]);
    expect(caller.send({ type: 'callbackBooked', at: caller.at, ok: true })).toEqual([]);
    expect(caller.send({ type: 'returned', at: caller.at })).toEqual([]);
    expect(caller.state).toEqual(before);
  });
});

describe('options', () => {
  it('are offered once the options wait is over, then the input window runs under music', () => {
    const caller = CallerDriver.waiting();
    expect(caller.timer('options')).toEqual([
      { type: 'cancelTimer', timer: 'announce' },
      { type: 'unhold' },
      { type: 'play', playback: 2, media: options, lang: 'zh' },
    ]);
    expect(caller.state.phase).toBe('options');
    expect(caller.playbackDone()).toEqual([{ type: 'hold' }, { type: 'startTimer', timer: 'input', ms: 5_000 }]);
    expect(caller.timer('input')).toEqual([{ type: 'startTimer', timer: 'announce', ms: 60_000 }]);
    expect(caller.state.phase).toBe('hold');
    // From now on every announcement carries them.
    caller.timer('announce');
    expect(played(caller.position(2, 60_000))).toEqual([[...announcement(2, 1), ...options]]);
    expect(caller.state.phase).toBe('options');
  });

  it('that fall due during an announcement follow it', () => {
    const caller = new CallerDriver(settingsWith({ optionsAfterMs: 1_000 }));
    caller.position(3);
    expect(caller.timer('options')).toEqual([]);
    expect(caller.state).toMatchObject({ phase: 'announcing', optionsOwed: true });
    expect(caller.playbackDone()).toEqual([{ type: 'play', playback: 2, media: options, lang: 'zh' }]);
  });

  it('that fall due before the first answer come with the announcement', () => {
    const caller = new CallerDriver(settingsWith({ optionsAfterMs: 1_000 }), { recorded: true });
    caller.timer('options');
    caller.position(3, 60_000);
    expect(played(caller.playbackDone())).toEqual([[...announcement(3, 1), ...options]]);
    expect(caller.state.optionsOwed).toBe(false);
  });

  it('leave out the callback when the number is withheld, and the voice message when it is off', () => {
    expect(played(CallerDriver.atOptions(settingsWith(), { callerNumber: '' }).log.slice(-1))).toEqual([[snd('optionVoicemail'), snd('optionStay')]]);
    expect(played(CallerDriver.atOptions(settingsWith(), { callerNumber: 'anonymous' }).log.slice(-1))).toEqual([[snd('optionVoicemail'), snd('optionStay')]]);
    expect(played(CallerDriver.atOptions(settingsWith({ voicemail: false })).log.slice(-1))).toEqual([[snd('optionCallback'), snd('optionStay')]]);
  });

  it('are never offered when there is none to offer, or optionsAfterMs is 0', () => {
    for (const [settings, queued] of [
      [settingsWith({ optionsAfterMs: 0 }), {}],
      [settingsWith({ voicemail: false, callback: false }), {}],
      [settingsWith({ voicemail: false }), { callerNumber: '' }],
    ] as const) {
      const caller = new CallerDriver(settings, queued);
      expect(caller.first).toEqual([{ type: 'hold' }, { type: 'askPosition' }]);
    }
  });

  it('ignore keys that are not an option', () => {
    const caller = CallerDriver.atOptions(settingsWith({ voicemail: false }));
    for (const digit of ['2', '3', '0', '*', '#'] as const) expect(caller.digit(digit)).toEqual([]);
    const withheld = CallerDriver.atOptions(settingsWith(), { callerNumber: '' });
    expect(withheld.digit('1')).toEqual([]);
  });

  it('take keys during their prompt (barge-in) and during the input window', () => {
    const during = CallerDriver.atOptions();
    expect(during.digit('1')).toEqual([
      { type: 'stopPlayback', playback: 2 },
      { type: 'play', playback: 3, media: [snd('callbackNumber'), 'digits:13912345678', snd('callbackConfirm')], lang: 'zh' },
    ]);
    const after = CallerDriver.atOptions();
    after.playbackDone();
    expect(after.digit('1')).toEqual([
      { type: 'cancelTimer', timer: 'input' },
      { type: 'unhold' },
      { type: 'play', playback: 3, media: [snd('callbackNumber'), 'digits:13912345678', snd('callbackConfirm')], lang: 'zh' },
    ]);
  });

  it('are closed once the input window is over', () => {
    const caller = CallerDriver.atOptions();
    caller.playbackDone();
    caller.timer('input');
    expect(caller.digit('1')).toEqual([]);
    expect(caller.digit('2')).toEqual([]);
  });
});
