// Given a caller choosing during a menu prompt, when the session stops that prompt, then the next prompt is
// requested without waiting for the stop's answer, and the step still ends (and fails) with the stop.

import { describe, expect, it } from 'vitest';
import { silentLog } from '../../../src/app/app-ports.js';
import type { CallMetrics } from '../../../src/app/app-ports.js';
import type { CaseDesk } from '../../../src/app/case-desk.js';
import type { CallerScreen } from '../../../src/app/limits/phone-fair-use.js';
import { IvrSession } from '../../../src/app/ivr-session.js';
import type { SessionEnd } from '../../../src/app/ivr-session.js';
import type { Clock, OpResult, Telephony } from '../../../src/app/ports.js';
import { hotlineFlow, MONDAY_10AM_SHANGHAI } from './fixtures.js';

interface Harness {
  readonly session: IvrSession;
  readonly log: string[];
  readonly playing: () => string;
  readonly ends: SessionEnd[];
  releaseStop: (outcome: OpResult | Error) => void;
}

function harness(): Harness {
  const log: string[] = [];
  const ends: SessionEnd[] = [];
  const playbacks: string[] = [];
  let pendingStop: ((outcome: OpResult | Error) => void) | null = null;
  const ok = (entry: string): Promise<OpResult> => {
    log.push(entry);
    return Promise.resolve('ok');
  };
  const telephony = {
    answer: () => ok('answer'),
    play: (_channel: string, id: string, media: readonly string[]) => {
      playbacks.push(id);
      return ok(`play ${media.join(',')}`);
    },
    stopPlayback: () => {
      log.push('stop');
      return new Promise<OpResult>((resolve, reject) => {
        pendingStop = (outcome) => {
          log.push('stop answered');
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        };
      });
    },
    setVariable: () => ok('setVariable'),
    continueInDialplan: () => ok('continue'),
    hangup: () => ok('hangup'),
  } as unknown as Telephony;
  const clock: Clock = { now: () => MONDAY_10AM_SHANGHAI, setTimer: () => ({ cancel: () => undefined }) } as unknown as Clock;
  const metrics = new Proxy({}, { get: () => () => undefined }) as CallMetrics;
  const session = new IvrSession('chan-1', '13800000000', {
    flow: hotlineFlow(),
    telephony,
    clock,
    metrics,
    log: silentLog,
    desk: {} as CaseDesk,
    // The test flow has no fairUse node: nothing screens a caller here.
    screen: {} as CallerScreen,
    idleLimitMs: 0,
    onFinished: (_s, outcome) => ends.push(outcome),
    track: () => undefined,
  });
  return {
    session,
    log,
    ends,
    playing: () => playbacks[playbacks.length - 1] ?? '',
    releaseStop: (outcome) => {
      if (pendingStop === null) throw new Error('no stop is pending');
      pendingStop(outcome);
    },
  };
}

async function atMainMenu(h: Harness): Promise<void> {
  await h.session.start();
  await h.session.playbackFinished(h.playing(), true);
  expect(h.log.at(-1)).toBe('play sound:hotline/main-menu');
}

describe('IvrSession stopping a prompt on a menu choice', () => {
  it('requests the next prompt while the stop is still unanswered, and ends the step with the stop', async () => {
    const h = harness();
    await atMainMenu(h);

    let stepDone = false;
    const step = h.session.digit('0').then(() => {
      stepDone = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.log.slice(-2)).toEqual(['stop', 'play sound:hotline/agent']);
    expect(stepDone).toBe(false);

    h.releaseStop('gone');
    await step;
    expect(h.log.at(-1)).toBe('stop answered');
    expect(h.ends).toEqual([]);
  });

  it('still hands the call to the dialplan fallback when the stop fails', async () => {
    const h = harness();
    await atMainMenu(h);

    const step = h.session.digit('0');
    await new Promise((resolve) => setImmediate(resolve));
    h.releaseStop(new Error('ARI unreachable'));
    await step;
    expect(h.ends).toEqual([{ kind: 'failed' }]);
  });
});
