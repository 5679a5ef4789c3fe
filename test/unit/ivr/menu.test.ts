import { describe, expect, it } from 'vitest';
import { activeTimers } from '../../../src/domain/ivr/machine.js';
import { CallDriver, actions, entered, hotlineFlow } from './fixtures.js';

/** A call waiting in the main menu for a digit (prompt played, input timer running). */
function atMainMenuInput(flow = hotlineFlow()): CallDriver {
  const call = new CallDriver(flow);
  call.playbackDone(); // greeting
  call.playbackDone(); // main menu prompt
  return call;
}

describe('menu node', () => {
  it('starts the input timer when its prompt has finished', () => {
    const call = new CallDriver(hotlineFlow());
    call.playbackDone();
    expect(call.state.phase).toBe('prompt');
    expect(call.playbackDone()).toEqual([{ type: 'startTimer', timer: 'input', ms: 5000 }]);
    expect(activeTimers(call.state)).toEqual(['maxDuration', 'input']);
  });

  it('a valid option cancels the input timer and goes to its target', () => {
    const call = atMainMenuInput();
    const commands = call.digit('0');
    expect(commands).toEqual([
      { type: 'cancelTimer', timer: 'input' },
      { type: 'entered', node: 'agent' },
      { type: 'play', playback: 3, media: ['sound:hotline/agent'], lang: 'zh' },
    ]);
  });

  it('an invalid digit replays invalid + menu prompts in one playlist, then waits again', () => {
    const call = atMainMenuInput();
    expect(call.digit('7')).toEqual([
      { type: 'cancelTimer', timer: 'input' },
      { type: 'inputProblem', node: 'main', problem: 'invalid', attempt: 1 },
      { type: 'play', playback: 3, media: ['sound:hotline/invalid', 'sound:hotline/main-menu'], lang: 'zh' },
    ]);
    expect(call.playbackDone()).toEqual([{ type: 'startTimer', timer: 'input', ms: 5000 }]);
    expect(entered(call.digit('2'))).toEqual(['leave-msg']);
  });

  it('timeout, retry, timeout, retry, timeout -> onFail', () => {
    const call = atMainMenuInput();
    expect(actions(call.timer('input'))).toEqual([
      { type: 'inputProblem', node: 'main', problem: 'timeout', attempt: 1 },
      { type: 'play', playback: 3, media: ['sound:hotline/timeout', 'sound:hotline/main-menu'], lang: 'zh' },
    ]);
    call.playbackDone();
    expect(actions(call.timer('input'))).toEqual([
      { type: 'inputProblem', node: 'main', problem: 'timeout', attempt: 2 },
      { type: 'play', playback: 4, media: ['sound:hotline/timeout', 'sound:hotline/main-menu'], lang: 'zh' },
    ]);
    call.playbackDone();
    expect(call.timer('input')).toEqual([
      { type: 'inputProblem', node: 'main', problem: 'timeout', attempt: 3 },
      { type: 'entered', node: 'agent' },
      { type: 'play', playback: 5, media: ['sound:hotline/agent'], lang: 'zh' },
    ]);
  });

  it('mixes invalid and timeout attempts towards the same limit, never hanging up', () => {
    const call = atMainMenuInput();
    call.digit('9');
    call.playbackDone();
    call.timer('input');
    call.playbackDone();
    expect(entered(call.digit('#'))).toEqual(['agent']);
    expect(call.log.some((c) => c.type === 'hangup')).toBe(false);
  });

  it('with bargeIn, a digit during the prompt stops it and is evaluated at once', () => {
    const call = new CallDriver(hotlineFlow());
    call.playbackDone(); // menu prompt playing (playback 2)
    expect(call.digit('8')).toEqual([
      { type: 'stopPlayback', playback: 2 },
      { type: 'inputProblem', node: 'main', problem: 'invalid', attempt: 1 },
      { type: 'play', playback: 3, media: ['sound:hotline/invalid', 'sound:hotline/main-menu'], lang: 'zh' },
    ]);
  });

  it('without bargeIn, digits during the prompt are ignored', () => {
    const call = new CallDriver(hotlineFlow({}, { main: { bargeIn: false } }));
    call.playbackDone();
    expect(call.digit('1')).toEqual([]);
    expect(call.digit('8')).toEqual([]);
    expect(call.playbackDone()).toEqual([{ type: 'startTimer', timer: 'input', ms: 5000 }]);
    expect(entered(call.digit('1'))).toEqual(['ticket']);
  });

  it('without bargeIn, type-ahead from an earlier barge-in play is still consumed', () => {
    const call = new CallDriver(hotlineFlow({}, { main: { bargeIn: false } }));
    expect(entered(call.digit('1'))).toEqual(['main', 'ticket']);
  });

  it('type-ahead: an invalid typed-ahead digit is an attempt and the menu is offered again', () => {
    const call = new CallDriver(hotlineFlow());
    expect(actions(call.digit('6'))).toEqual([
      { type: 'stopPlayback', playback: 1 },
      { type: 'inputProblem', node: 'main', problem: 'invalid', attempt: 1 },
      { type: 'play', playback: 2, media: ['sound:hotline/invalid', 'sound:hotline/main-menu'], lang: 'zh' },
    ]);
  });

  it('the repeat key replays the menu prompt without counting an attempt', () => {
    const call = atMainMenuInput();
    expect(call.digit('*')).toEqual([
      { type: 'cancelTimer', timer: 'input' },
      { type: 'play', playback: 3, media: ['sound:hotline/main-menu'], lang: 'zh' },
    ]);
    expect(call.state.attempt).toBe(0);
    expect(call.digit('*')).toEqual([
      { type: 'stopPlayback', playback: 3 },
      { type: 'play', playback: 4, media: ['sound:hotline/main-menu'], lang: 'zh' },
    ]);
  });

  it('the repeat key wins over a menu option on the same key', () => {
    const call = atMainMenuInput(hotlineFlow({}, { main: { options: { '*': 'police', '1': 'ticket' } } }));
    expect(actions(call.digit('*'))).toEqual([
      { type: 'cancelTimer', timer: 'input' },
      { type: 'play', playback: 3, media: ['sound:hotline/main-menu'], lang: 'zh' },
    ]);
  });

  it('without a repeat key, * is an ordinary (here invalid) key', () => {
    const call = atMainMenuInput(hotlineFlow({ repeatKey: null }));
    expect(actions(call.digit('*'))[1]).toEqual({ type: 'inputProblem', node: 'main', problem: 'invalid', attempt: 1 });
  });

  it('a menu with nothing to play waits for input straight away', () => {
    const call = new CallDriver(hotlineFlow({}, { main: { prompts: [] } }));
    expect(call.playbackDone()).toEqual([
      { type: 'entered', node: 'main' },
      { type: 'startTimer', timer: 'input', ms: 5000 },
    ]);
  });

  it('attempts start again from zero when the menu is entered anew', () => {
    const call = atMainMenuInput();
    call.digit('9');
    expect(call.state.attempt).toBe(1);
    call.digit('4'); // barge in -> english -> main again
    expect(call.state.node).toBe('main');
    expect(call.state.attempt).toBe(0);
  });
});
