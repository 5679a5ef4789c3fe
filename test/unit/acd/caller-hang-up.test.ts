// The caller hangs up: at every point, the outcome says what became of them; nothing is played any more.
import { describe, expect, it } from 'vitest';
import { CallerDriver, settingsWith } from './caller-fixtures.js';

describe('the caller hangs up', () => {
  it.each([
    ['during the recording notice', () => new CallerDriver(settingsWith(), { recorded: true }), [{ type: 'cancelTimer', timer: 'options' }]],
    ['on hold', () => CallerDriver.waiting(), [{ type: 'cancelTimer', timer: 'options' }, { type: 'cancelTimer', timer: 'announce' }]],
    ['at the options', () => CallerDriver.atOptions(), []],
    [
      'at the callback confirmation',
      () => {
        const c = CallerDriver.atOptions();
        c.digit('1');
        c.playbackDone();
        return c;
      },
      [{ type: 'cancelTimer', timer: 'input' }],
    ],
    [
      'while an agent rings',
      () => {
        const c = CallerDriver.waiting();
        c.on('agentRinging');
        return c;
      },
      [],
    ],
  ])('%s: abandoned', (_, make, cancels) => {
    const caller = make();
    expect(caller.on('hungUp')).toEqual([...cancels, { type: 'done', outcome: 'abandoned' }]);
    expect(caller.state).toMatchObject({ phase: 'done', outcome: 'abandoned', timers: [], playing: null });
  });

  it('talking to the agent: served', () => {
    expect(CallerDriver.connected().on('hungUp')).toEqual([{ type: 'done', outcome: 'served' }]);
  });

  it('during the survey question: survey skipped', () => {
    const caller = CallerDriver.connected();
    caller.on('agentHungUp');
    caller.playbackDone();
    expect(caller.on('hungUp')).toEqual([{ type: 'cancelTimer', timer: 'input' }, { type: 'done', outcome: 'surveySkipped' }]);
  });

  it('during the last prompt: the outcome already reached stays', () => {
    const caller = CallerDriver.atOptions();
    caller.digit('1');
    caller.digit('1');
    caller.send({ type: 'callbackBooked', at: caller.at, ok: true });
    expect(caller.on('hungUp')).toEqual([{ type: 'done', outcome: 'callback' }]);
  });

  it('after every event, nothing more happens', () => {
    const caller = CallerDriver.waiting();
    caller.on('hungUp');
    const after = caller.state;
    expect(caller.on('agentRinging')).toEqual([]);
    expect(caller.position(1)).toEqual([]);
    expect(caller.send({ type: 'timer', at: caller.at, timer: 'announce' })).toEqual([]);
    expect(caller.on('hungUp')).toEqual([]);
    expect(caller.state).toBe(after);
  });
});

describe('the caller hangs up while something they started is under way: done waits for its answer', () => {
  function recordingMessage(): CallerDriver {
    const caller = CallerDriver.atOptions();
    caller.digit('2');
    caller.playbackDone();
    return caller;
  }

  it('a message being recorded is still filed (hanging up instead of pressing #)', () => {
    const caller = recordingMessage();
    expect(caller.on('hungUp')).toEqual([]);
    expect(caller.state).toMatchObject({ gone: true, outcome: null, held: false });
    // Nothing but the answers it waits for counts now.
    expect(caller.on('agentRinging')).toEqual([]);
    expect(caller.digit('1')).toEqual([]);
    expect(caller.recordingFinished(true, 9_000)).toEqual([{ type: 'submitVoiceMessage', recording: 'call-1-queue-message-1', lang: 'zh' }]);
    expect(caller.send({ type: 'submitted', at: caller.at, ticket: '202503030001', pin: '123456' })).toEqual([
      { type: 'leaveQueue', reason: 'voicemail' },
      { type: 'done', outcome: 'voicemail' },
    ]);
  });

  it.each([
    ['the recording failed', (c: CallerDriver) => c.recordingFinished(false, 0)],
    ['intake could not take it', (c: CallerDriver) => (c.recordingFinished(), c.send({ type: 'submitted', at: c.at, ticket: null, pin: null }))],
  ])('a message is abandoned when %s', (_, act) => {
    const caller = recordingMessage();
    caller.on('hungUp');
    expect(act(caller).at(-1)).toEqual({ type: 'done', outcome: 'abandoned' });
  });

  it('a callback being booked: callback if booked, abandoned if not', () => {
    for (const ok of [true, false]) {
      const caller = CallerDriver.atOptions();
      caller.digit('1');
      caller.digit('1');
      expect(caller.on('hungUp')).toEqual([]);
      expect(caller.send({ type: 'callbackBooked', at: caller.at, ok })).toEqual(
        ok ? [{ type: 'leaveQueue', reason: 'callback' }, { type: 'done', outcome: 'callback' }] : [{ type: 'done', outcome: 'abandoned' }],
      );
    }
  });

  it('a rating being stored: surveyed, or failed', () => {
    for (const ok of [true, false]) {
      const caller = CallerDriver.connected();
      caller.on('agentHungUp');
      caller.digit('5');
      expect(caller.on('hungUp')).toEqual([]);
      expect(caller.send({ type: 'rated', at: caller.at, ok })).toEqual([{ type: 'done', outcome: ok ? 'surveyed' : 'surveyFailed' }]);
    }
  });
});
