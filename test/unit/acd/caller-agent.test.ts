// An agent for the caller: ringing, answered, returned to the queue, and the survey after the call.
import { describe, expect, it } from 'vitest';
import { SURVEY_TRIES } from '../../../src/domain/acd/caller-machine.js';
import { CallerDriver, played, settingsWith, snd } from './caller-fixtures.js';

describe('an agent rings', () => {
  it('stops the announcement and the timers; the caller hears music; keys do nothing', () => {
    const caller = new CallerDriver();
    caller.position(3);
    expect(caller.on('agentRinging')).toEqual([{ type: 'cancelTimer', timer: 'options' }, { type: 'stopPlayback', playback: 1 }, { type: 'hold' }]);
    expect(caller.state).toMatchObject({ phase: 'ringing', held: true, timers: [], playing: null });
    expect(caller.digit('1')).toEqual([]);
    expect(caller.send({ type: 'playbackFinished', at: caller.at, playback: 1 })).toEqual([]);
    expect(caller.on('agentRinging')).toEqual([]);
  });

  it('ignores a late answer to a question asked before', () => {
    const caller = CallerDriver.waiting();
    caller.timer('announce');
    caller.on('agentRinging');
    expect(caller.position(1)).toEqual([]);
  });

  it('stops a voice message being recorded, and ignores its end and a filing that was under way', () => {
    const caller = CallerDriver.atOptions();
    caller.digit('2');
    caller.playbackDone();
    const name = caller.state.recording;
    expect(caller.on('agentRinging')).toEqual([{ type: 'stopRecording', name }, { type: 'hold' }]);
    expect(caller.recordingFinished(true, 1_000, name ?? '')).toEqual([]);

    const filing = CallerDriver.atOptions();
    filing.digit('2');
    filing.playbackDone();
    filing.recordingFinished();
    expect(filing.on('agentRinging')).toEqual([{ type: 'hold' }]);
    expect(filing.send({ type: 'submitted', at: filing.at, ticket: '123456789', pin: null })).toEqual([]);
  });

  it('while a callback is being booked: the booking\'s late answer is ignored', () => {
    const caller = CallerDriver.atOptions();
    caller.digit('1');
    caller.digit('1');
    expect(caller.on('agentRinging')).toEqual([{ type: 'hold' }]);
    expect(caller.send({ type: 'callbackBooked', at: caller.at, ok: false })).toEqual([]);
    expect(caller.state.phase).toBe('ringing');
  });

  it('is not taken once the caller is leaving with a callback', () => {
    const caller = CallerDriver.atOptions();
    caller.digit('1');
    caller.digit('1');
    caller.send({ type: 'callbackBooked', at: caller.at, ok: true });
    expect(caller.on('agentRinging')).toEqual([]);
    expect(caller.on('agentAnswered')).toEqual([]);
  });
});

describe('the agent does not answer, or is lost', () => {
  it('puts the caller back on hold and tells them where they stand; the options wait goes on from queue entry', () => {
    const caller = CallerDriver.waiting();
    caller.advance(30_000);
    caller.on('agentRinging');
    caller.advance(20_000);
    expect(caller.on('returned')).toEqual([{ type: 'askPosition' }, { type: 'startTimer', timer: 'options', ms: 70_000 }]);
    expect(caller.state.phase).toBe('hold');
    expect(played(caller.position(1, 20_000))).toEqual([[snd('positionBefore'), 'number:1', snd('positionAfter'), snd('waitBefore'), 'number:1', snd('waitAfter')]]);
  });

  it('offers the options with the announcement when their wait is already over', () => {
    const caller = CallerDriver.waiting();
    caller.advance(130_000);
    caller.on('agentRinging');
    expect(caller.on('returned')).toEqual([{ type: 'askPosition' }]);
    caller.position(1);
    expect(caller.state.phase).toBe('options');
    expect(played(caller.log.slice(-1))[0]?.slice(-3)).toEqual([snd('optionCallback'), snd('optionVoicemail'), snd('optionStay')]);
  });

  it('mid-call: music again, and the caller waits at the head of the queue', () => {
    const caller = CallerDriver.connected();
    expect(caller.on('returned')).toEqual([{ type: 'hold' }, { type: 'askPosition' }, { type: 'startTimer', timer: 'options', ms: 120_000 }]);
    expect(caller.state).toMatchObject({ phase: 'hold', held: true });
  });
});

describe('the agent answers', () => {
  it('ends the music; the caller is connected and keys, timers and answers do nothing', () => {
    const caller = CallerDriver.waiting();
    caller.on('agentRinging');
    expect(caller.on('agentAnswered')).toEqual([{ type: 'unhold' }]);
    expect(caller.state).toMatchObject({ phase: 'connected', held: false, timers: [] });
    expect(caller.digit('1')).toEqual([]);
    expect(caller.position(1)).toEqual([]);
    expect(caller.send({ type: 'timer', at: caller.at, timer: 'announce' })).toEqual([]);
  });

  it('straight from waiting, without a ringing report: everything stops first', () => {
    const caller = new CallerDriver();
    caller.position(2);
    expect(caller.on('agentAnswered')).toEqual([{ type: 'cancelTimer', timer: 'options' }, { type: 'stopPlayback', playback: 1 }]);
    expect(caller.state.phase).toBe('connected');
  });
});

describe('after the call', () => {
  it('without a survey: hangs up, served', () => {
    const caller = CallerDriver.connected(settingsWith({ survey: false }));
    expect(caller.on('agentHungUp')).toEqual([{ type: 'hangup' }, { type: 'done', outcome: 'served' }]);
    expect(caller.on('hungUp')).toEqual([]);
  });

  it('asks for a rating 1 to 5, stores it, thanks the caller and hangs up', () => {
    const caller = CallerDriver.connected();
    expect(caller.on('agentHungUp')).toEqual([{ type: 'play', playback: 2, media: [snd('survey')], lang: 'zh' }]);
    expect(caller.playbackDone()).toEqual([{ type: 'startTimer', timer: 'input', ms: 5_000 }]);
    expect(caller.digit('4')).toEqual([{ type: 'cancelTimer', timer: 'input' }, { type: 'rate', score: 4 }]);
    expect(caller.digit('5')).toEqual([]);
    expect(caller.send({ type: 'rated', at: caller.at, ok: true })).toEqual([{ type: 'play', playback: 3, media: [snd('surveyThanks')], lang: 'zh' }]);
    expect(caller.playbackDone()).toEqual([{ type: 'hangup' }, { type: 'done', outcome: 'surveyed' }]);
  });

  it.each([1, 2, 3, 4, 5] as const)('takes %i during the question', (score) => {
    const caller = CallerDriver.connected();
    caller.on('agentHungUp');
    expect(caller.digit(String(score) as '1')).toEqual([{ type: 'stopPlayback', playback: 2 }, { type: 'rate', score }]);
  });

  it('says goodbye when the rating could not be stored', () => {
    const caller = CallerDriver.connected();
    caller.on('agentHungUp');
    caller.digit('1');
    expect(played(caller.send({ type: 'rated', at: caller.at, ok: false }))).toEqual([[snd('goodbye')]]);
    expect(caller.playbackDone()).toEqual([{ type: 'hangup' }, { type: 'done', outcome: 'surveyFailed' }]);
  });

  it(`asks again after an invalid key or none, and lets the caller go after ${SURVEY_TRIES} misses`, () => {
    const caller = CallerDriver.connected();
    caller.on('agentHungUp');
    expect(caller.digit('7')).toEqual([{ type: 'stopPlayback', playback: 2 }, { type: 'play', playback: 3, media: [snd('surveyRetry'), snd('survey')], lang: 'zh' }]);
    caller.playbackDone();
    expect(caller.timer('input')).toEqual([{ type: 'play', playback: 4, media: [snd('goodbye')], lang: 'zh' }]);
    expect(caller.digit('5')).toEqual([]);
    expect(caller.playbackDone()).toEqual([{ type: 'hangup' }, { type: 'done', outcome: 'surveySkipped' }]);
  });

  it('a miss and then a good key is a rating', () => {
    const caller = CallerDriver.connected();
    caller.on('agentHungUp');
    caller.playbackDone();
    caller.timer('input');
    expect(caller.digit('3')).toEqual([{ type: 'stopPlayback', playback: 3 }, { type: 'rate', score: 3 }]);
  });

  it.each(['0', '6', '9', '*', '#'] as const)('%s is no rating', (digit) => {
    const caller = CallerDriver.connected();
    caller.on('agentHungUp');
    caller.digit(digit);
    expect(caller.state.surveyMisses).toBe(1);
  });
});
