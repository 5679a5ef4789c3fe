import { describe, expect, it } from 'vitest';
import { activeTimers, isFinished, startCall, step } from '../../../src/domain/ivr/machine.js';
import { CallDriver, MONDAY_10AM_SHANGHAI, actions, entered, hotlineFlow, plays } from './fixtures.js';

describe('startCall', () => {
  it('answers, arms maxDuration and chains silent nodes up to the first prompt', () => {
    const flow = hotlineFlow();
    const { state, commands } = startCall(flow, { type: 'started', at: MONDAY_10AM_SHANGHAI, callId: 'c1', caller: '123' });
    expect(commands).toEqual([
      { type: 'answer' },
      { type: 'startTimer', timer: 'maxDuration', ms: 300_000 },
      { type: 'entered', node: 'hours' },
      { type: 'entered', node: 'welcome' },
      { type: 'entered', node: 'greeting' },
      { type: 'play', playback: 1, media: ['sound:hotline/greeting'], lang: 'zh' },
    ]);
    expect(state).toMatchObject({
      callId: 'c1',
      caller: '123',
      node: 'greeting',
      language: 'zh',
      variables: { channel: 'phone' },
      path: ['hours', 'welcome', 'greeting'],
      outcome: null,
      startedAt: MONDAY_10AM_SHANGHAI,
    });
    expect(activeTimers(state)).toEqual(['maxDuration']);
    expect(isFinished(state)).toBe(false);
  });

  it('does not mutate the state it is given', () => {
    const flow = hotlineFlow();
    const { state } = startCall(flow, { type: 'started', at: MONDAY_10AM_SHANGHAI, callId: 'c1', caller: '123' });
    const snapshot = structuredClone(state);
    step(flow, state, { type: 'digit', at: MONDAY_10AM_SHANGHAI + 1, digit: '1' });
    step(flow, state, { type: 'hungUp', at: MONDAY_10AM_SHANGHAI + 1 });
    expect(state).toEqual(snapshot);
  });

  it('ignores a second started event', () => {
    const call = new CallDriver(hotlineFlow());
    const before = call.state;
    expect(call.send({ type: 'started', at: call.at, callId: 'x', caller: 'y' })).toEqual([]);
    expect(call.state).toBe(before);
  });
});

describe('play node', () => {
  it('goes to next when its playback finishes', () => {
    const call = new CallDriver(hotlineFlow());
    const commands = call.playbackDone();
    expect(entered(commands)).toEqual(['main']);
    expect(actions(commands)).toEqual([{ type: 'play', playback: 2, media: ['sound:hotline/main-menu'], lang: 'zh' }]);
  });

  it('moves on when the playback failed (a missing sound must not stall the call)', () => {
    const call = new CallDriver(hotlineFlow());
    const commands = call.playbackDone(false);
    expect(entered(commands)).toEqual(['main']);
    expect(call.state.node).toBe('main');
  });

  it('with bargeIn, a digit stops the playback and reaches the next menu as type-ahead', () => {
    const call = new CallDriver(hotlineFlow());
    const commands = call.digit('3');
    expect(commands).toEqual([
      { type: 'stopPlayback', playback: 1 },
      { type: 'entered', node: 'main' },
      { type: 'entered', node: 'police' },
      { type: 'cancelTimer', timer: 'maxDuration' },
      { type: 'forwardEmergency', service: '110' },
    ]);
    expect(call.state.outcome).toEqual({ kind: 'emergency', service: '110' });
  });

  it('type-ahead skips a following barge-in play and lands in the menu', () => {
    const flow = hotlineFlow({}, { greeting: { next: 'notice' }, notice: { type: 'play', prompts: ['holiday'], bargeIn: true, next: 'main' } });
    const call = new CallDriver(flow);
    const commands = call.digit('0');
    expect(entered(commands)).toEqual(['notice', 'main', 'agent']);
    expect(plays(commands)).toEqual([{ type: 'play', playback: 2, media: ['sound:hotline/agent'], lang: 'zh' }]);
  });

  it('a play without bargeIn ignores digits, and drops type-ahead made before it', () => {
    const flow = hotlineFlow({}, { greeting: { next: 'notice' }, notice: { type: 'play', prompts: ['holiday'], bargeIn: false, next: 'main' } });
    const call = new CallDriver(flow);
    expect(entered(call.digit('1'))).toEqual(['notice']);
    expect(call.state.typeAhead).toEqual([]);
    expect(call.digit('1')).toEqual([]);
    const commands = call.playbackDone();
    expect(entered(commands)).toEqual(['main']);
    expect(plays(commands)).toHaveLength(1);
  });

  it('plays all prompts of a node as one playlist, reading digits from a variable', () => {
    const call = new CallDriver(hotlineFlow());
    call.digit('1');
    call.digits('12345678');
    const commands = call.lastCommands;
    expect(entered(commands)).toEqual(['readback']);
    expect(plays(commands)).toEqual([
      { type: 'play', playback: 3, media: ['sound:hotline/readback', 'digits:12345678'], lang: 'zh' },
    ]);
  });

  it('skips a digits prompt whose variable is empty or not digits, and unknown prompt ids', () => {
    const flow = hotlineFlow({}, {
      greeting: { prompts: ['greeting', { digits: 'nothing' }, { digits: 'channel' }, 'no-such-prompt'] },
    });
    const call = new CallDriver(flow);
    expect(plays(call.log)[0]?.media).toEqual(['sound:hotline/greeting']);
  });

  it('a play whose prompts resolve to nothing goes on at once', () => {
    const flow = hotlineFlow({}, { greeting: { prompts: [{ digits: 'unset' }] } });
    const call = new CallDriver(flow);
    expect(entered(call.log)).toEqual(['hours', 'welcome', 'greeting', 'main']);
    expect(plays(call.log)).toEqual([{ type: 'play', playback: 1, media: ['sound:hotline/main-menu'], lang: 'zh' }]);
  });

  it('the repeat key restarts a play', () => {
    const call = new CallDriver(hotlineFlow());
    expect(call.digit('*')).toEqual([
      { type: 'stopPlayback', playback: 1 },
      { type: 'play', playback: 2, media: ['sound:hotline/greeting'], lang: 'zh' },
    ]);
    expect(call.state.node).toBe('greeting');
    expect(call.state.typeAhead).toEqual([]);
  });

  it('the repeat key restarts even a play without bargeIn (repeating skips nothing)', () => {
    const call = new CallDriver(hotlineFlow(), Date.UTC(2025, 9, 1, 2, 0)); // holiday -> holiday-msg (no bargeIn)
    expect(call.state.node).toBe('holiday-msg');
    expect(actions(call.digit('*'))).toEqual([
      { type: 'stopPlayback', playback: 1 },
      { type: 'play', playback: 2, media: ['sound:hotline/holiday'], lang: 'zh' },
    ]);
  });
});

describe('stale events', () => {
  it('ignores the end of a stopped or earlier playback and of unknown playbacks', () => {
    const call = new CallDriver(hotlineFlow());
    call.digit('*'); // playback 1 stopped, 2 running
    const state = call.state;
    expect(call.playbackDone(true, 1)).toEqual([]);
    expect(call.playbackDone(false, 99)).toEqual([]);
    expect(call.playbackDone(true, 0)).toEqual([]);
    expect(call.state).toBe(state);
    expect(entered(call.playbackDone(true, 2))).toEqual(['main']);
    expect(call.playbackDone(true, 2)).toEqual([]);
  });

  it('ignores timers that are not running', () => {
    const call = new CallDriver(hotlineFlow());
    const state = call.state;
    expect(call.timer('input')).toEqual([]);
    expect(call.timer('interDigit')).toEqual([]);
    expect(call.state).toBe(state);
  });

  it('a cancelled input timer reporting late does not act', () => {
    const call = new CallDriver(hotlineFlow());
    call.playbackDone(); // main menu playing
    call.playbackDone(); // input timer running
    expect(activeTimers(call.state)).toContain('input');
    call.digit('4'); // english -> main again; input cancelled, new prompt playing
    expect(activeTimers(call.state)).not.toContain('input');
    expect(call.timer('input')).toEqual([]);
    expect(call.state.attempt).toBe(0);
  });

  it('ignores a recordingFinished when no recording runs', () => {
    const call = new CallDriver(hotlineFlow());
    expect(call.recordingDone(true, 'call-1-leave-msg-1')).toEqual([]);
  });
});

describe('language node', () => {
  it('switches the lang of later plays', () => {
    const call = new CallDriver(hotlineFlow());
    const commands = call.digit('4');
    expect(entered(commands)).toEqual(['main', 'english', 'to-main', 'main']);
    expect(plays(commands)).toEqual([{ type: 'play', playback: 2, media: ['sound:hotline/main-menu'], lang: 'en' }]);
    expect(call.state.language).toBe('en');
    call.playbackDone();
    expect(plays(call.digit('0'))[0]?.lang).toBe('en');
  });
});

describe('set node', () => {
  it('stores its variables', () => {
    const call = new CallDriver(hotlineFlow());
    expect(call.state.variables).toEqual({ channel: 'phone' });
  });
});
