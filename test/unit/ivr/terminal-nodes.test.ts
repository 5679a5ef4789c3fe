import { describe, expect, it } from 'vitest';
import { activeTimers, isFinished } from '../../../src/domain/ivr/machine.js';
import { CallDriver, actions, entered, hotlineFlow } from './fixtures.js';

function atMainMenuInput(flow = hotlineFlow()): CallDriver {
  const call = new CallDriver(flow);
  call.playbackDone();
  call.playbackDone();
  return call;
}

describe('emergency node', () => {
  it('cancels every timer, then forwards; later events do nothing', () => {
    const call = atMainMenuInput();
    expect(call.digit('3')).toEqual([
      { type: 'cancelTimer', timer: 'input' },
      { type: 'entered', node: 'police' },
      { type: 'cancelTimer', timer: 'maxDuration' },
      { type: 'forwardEmergency', service: '110' },
    ]);
    expect(call.state.outcome).toEqual({ kind: 'emergency', service: '110' });
    expect(isFinished(call.state)).toBe(true);
    expect(activeTimers(call.state)).toEqual([]);
    expect(call.digit('1')).toEqual([]);
    expect(call.timer('maxDuration')).toEqual([]);
    expect(call.hangUp()).toEqual([]);
    expect(call.state.outcome).toEqual({ kind: 'emergency', service: '110' });
  });

  it('stops a playback still running when reached straight from a prompt', () => {
    const flow = hotlineFlow({}, { greeting: { type: 'play', prompts: ['greeting'], bargeIn: true, next: 'police' } });
    const call = new CallDriver(flow);
    expect(call.digit('9')).toEqual([
      { type: 'stopPlayback', playback: 1 },
      { type: 'entered', node: 'police' },
      { type: 'cancelTimer', timer: 'maxDuration' },
      { type: 'forwardEmergency', service: '110' },
    ]);
  });
});

describe('queue node', () => {
  it('plays its prompt (ignoring digits), then cancels timers and enqueues', () => {
    const call = atMainMenuInput();
    call.digit('0');
    expect(call.state.variables).toMatchObject({ 'queue.skill': 'general', 'queue.priority': '5' });
    expect(call.digit('1')).toEqual([]);
    expect(call.playbackDone(false)).toEqual([
      { type: 'cancelTimer', timer: 'maxDuration' },
      { type: 'enqueue', skill: 'general', priority: 5 },
    ]);
    expect(call.state.outcome).toEqual({ kind: 'queue', skill: 'general', priority: 5 });
    expect(activeTimers(call.state)).toEqual([]);
  });

  it('enqueues at once when it has no prompts', () => {
    const call = atMainMenuInput(hotlineFlow({}, { agent: { prompts: [] } }));
    expect(actions(call.digit('0'))).toEqual([
      { type: 'cancelTimer', timer: 'input' },
      { type: 'cancelTimer', timer: 'maxDuration' },
      { type: 'enqueue', skill: 'general', priority: 5 },
    ]);
  });
});

describe('hangup node', () => {
  it('plays its prompt, then hangs up with nothing left running', () => {
    const call = new CallDriver(hotlineFlow(), Date.UTC(2025, 2, 3, 14, 0)); // Monday 22:00 Shanghai: closed
    expect(call.state.node).toBe('closed');
    expect(call.playbackDone()).toEqual([
      { type: 'cancelTimer', timer: 'maxDuration' },
      { type: 'hangup' },
    ]);
    expect(call.state.outcome).toEqual({ kind: 'hangup' });
    expect(activeTimers(call.state)).toEqual([]);
  });
});

describe('record node', () => {
  function atRecordPrompt(): CallDriver {
    const call = atMainMenuInput();
    call.digit('2');
    return call;
  }

  it('plays its prompt without barge-in, then records with a sanitized name', () => {
    const call = atRecordPrompt();
    expect(call.digit('5')).toEqual([]);
    expect(call.playbackDone()).toEqual([
      {
        type: 'record',
        name: 'call-1-leave-msg-1',
        maxDurationMs: 60_000,
        maxSilenceMs: 5000,
        beep: true,
        terminateOn: '#',
      },
    ]);
    expect(call.state.phase).toBe('recording');
    expect(call.digit('#')).toEqual([]);
  });

  it('stores the recording name and duration, then goes to next', () => {
    const call = atRecordPrompt();
    call.playbackDone();
    const commands = call.recordingDone(true, 'call-1-leave-msg-1', 4200);
    expect(entered(commands)).toEqual(['thanks']);
    expect(call.state.variables).toMatchObject({ message: 'call-1-leave-msg-1', 'message.durationMs': '4200' });
  });

  it('goes on without the variable when the recording failed', () => {
    const call = atRecordPrompt();
    call.playbackDone();
    expect(entered(call.recordingDone(false))).toEqual(['thanks']);
    expect(call.state.variables.message).toBeUndefined();
  });

  it('ignores a recordingFinished for another name', () => {
    const call = atRecordPrompt();
    call.playbackDone();
    expect(call.recordingDone(true, 'someone-else')).toEqual([]);
  });

  it('numbers recordings per call and keeps names file-safe', () => {
    const flow = hotlineFlow({}, { thanks: { type: 'goto', target: 'leave-msg' } });
    const call = new CallDriver(flow);
    call.state = { ...call.state, callId: '1700000000.42/x' };
    call.playbackDone();
    call.digit('2');
    call.playbackDone();
    expect(call.state.recording).toBe('1700000000_42_x-leave-msg-1');
    call.recordingDone(true);
    call.playbackDone();
    expect(call.state.recording).toBe('1700000000_42_x-leave-msg-2');
  });

  it('maxDuration during a recording abandons it by moving on; its late finish is stale', () => {
    const call = atRecordPrompt();
    call.playbackDone();
    const name = call.state.recording;
    expect(entered(call.timer('maxDuration'))).toEqual(['agent']);
    expect(call.state.recording).toBeNull();
    expect(call.recordingDone(true, name ?? '')).toEqual([]);
  });
});

describe('maxDuration', () => {
  it('stops the playback, cancels the other timers and sends the caller to onMaxDuration', () => {
    const call = atMainMenuInput();
    expect(call.timer('maxDuration')).toEqual([
      { type: 'cancelTimer', timer: 'input' },
      { type: 'entered', node: 'agent' },
      { type: 'play', playback: 3, media: ['sound:hotline/agent'], lang: 'zh' },
    ]);
    expect(activeTimers(call.state)).toEqual([]);
  });

  it('stops a running playback', () => {
    const call = new CallDriver(hotlineFlow());
    expect(actions(call.timer('maxDuration'))).toEqual([
      { type: 'stopPlayback', playback: 1 },
      { type: 'play', playback: 2, media: ['sound:hotline/agent'], lang: 'zh' },
    ]);
  });

  it('acts once: when already at onMaxDuration it is ignored', () => {
    const flow = hotlineFlow({ onMaxDuration: 'greeting' });
    const call = new CallDriver(flow);
    expect(call.timer('maxDuration')).toEqual([]);
    expect(call.state.node).toBe('greeting');
    expect(activeTimers(call.state)).toEqual([]);
  });

  it('is ignored once the caller has been beyond onMaxDuration', () => {
    const flow = hotlineFlow({ onMaxDuration: 'welcome' });
    const call = new CallDriver(flow);
    call.playbackDone();
    expect(call.state.node).toBe('main');
    expect(call.timer('maxDuration')).toEqual([]);
  });
});

describe('caller hangs up', () => {
  it('only cancels our timers (the channel is gone), and finishes', () => {
    const call = atMainMenuInput();
    call.digit('1');
    call.playbackDone();
    call.digit('4'); // interDigit running
    expect(call.hangUp()).toEqual([
      { type: 'cancelTimer', timer: 'maxDuration' },
      { type: 'cancelTimer', timer: 'interDigit' },
    ]);
    expect(call.state.outcome).toEqual({ kind: 'callerHungUp' });
    expect(activeTimers(call.state)).toEqual([]);
    expect(call.playbackDone(true, 3)).toEqual([]);
    expect(call.timer('interDigit')).toEqual([]);
    expect(call.hangUp()).toEqual([]);
  });

  it('during a playback emits no stopPlayback', () => {
    const call = new CallDriver(hotlineFlow());
    expect(call.hangUp()).toEqual([{ type: 'cancelTimer', timer: 'maxDuration' }]);
  });
});

describe('broken flows', () => {
  it('a goto loop sends the caller to onMaxDuration and notes the problem', () => {
    const flow = hotlineFlow({}, {
      greeting: { type: 'goto', target: 'loop-a' },
      'loop-a': { type: 'goto', target: 'loop-b' },
      'loop-b': { type: 'set', variables: {}, next: 'loop-a' },
    });
    const call = new CallDriver(flow);
    expect(call.state.node).toBe('agent');
    expect(call.state.variables['ivr.error']).toMatch(/^loop at loop-[ab]$/);
    expect(call.log.some((c) => c.type === 'hangup')).toBe(false);
    expect(call.state.outcome).toBeNull();
  });

  it('an unknown node sends the caller to onMaxDuration', () => {
    const call = new CallDriver(hotlineFlow({}, { greeting: { type: 'goto', target: 'nowhere' } }));
    expect(call.state.node).toBe('agent');
    expect(call.state.variables['ivr.error']).toBe('unknown node nowhere');
  });

  it('hangs up only if onMaxDuration loops as well', () => {
    const flow = hotlineFlow({ onMaxDuration: 'loop-a' }, {
      greeting: { type: 'goto', target: 'loop-a' },
      'loop-a': { type: 'goto', target: 'loop-a' },
    });
    const call = new CallDriver(flow);
    expect(actions(call.log).slice(-2)).toEqual([{ type: 'cancelTimer', timer: 'maxDuration' }, { type: 'hangup' }]);
    expect(call.state.outcome).toEqual({ kind: 'hangup' });
    expect(activeTimers(call.state)).toEqual([]);
  });
});
