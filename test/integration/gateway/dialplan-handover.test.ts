// Given the gateway and the simulator running the shipped dialplan, when the IVR hands a caller to the agent
// queue, then the call really reaches app_queue (ivr-fallback,queue,1 rings the queue's static members); and when
// the configured hand-over extension does not exist, the gateway says so at start-up and at the hand-over and
// sends the caller to the dialplan menu instead of letting Asterisk hang up on them.

import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/log/index.js';
import type { Harness } from './harness.js';
import { startHarness } from './harness.js';

type Line = Record<string, unknown>;

function capture(): { lines: Line[]; destination: Writable } {
  const lines: Line[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Line);
      done();
    },
  });
  return { lines, destination };
}

const messages = (lines: Line[], level: string): string[] => lines.filter((l) => l['level'] === level).map((l) => String(l['msg']));
const ERROR = 'error';

describe('the agent queue through the shipped dialplan', () => {
  let h: Harness;
  const log = capture();

  beforeAll(async () => {
    h = await startHarness({}, { log: createLogger({ level: 'info', destination: log.destination }), simulator: { dialplanMsPerSecond: 10 } });
  });

  afterAll(async () => {
    await h.close();
  });

  it('checks the hand-over points at AMI login and finds them all', async () => {
    await expect.poll(() => messages(log.lines, 'info')).toContain('dialplan hand-over points present');
    expect(messages(log.lines, ERROR)).toEqual([]);
  });

  it('3 then 1: a complaint is queued by app_queue in hotline-complaint, whose first member rings', async () => {
    const channelId = await h.call('13612345678');
    await h.sim.sendDigits(channelId, '31');
    expect(await h.sim.waitForContinue(channelId)).toMatchObject({ context: 'ivr-fallback', extension: 'queue', priority: 1 });
    const agent = await h.sim.waitForOutboundChannel('PJSIP/agent-1002');
    expect(agent.presentedCallerId.number).toBe('13612345678');
    const caller = h.sim.channel(channelId);
    expect(caller?.variables).toMatchObject({ HOTLINE_SKILL: 'complaint', SKILL: 'complaint', QUEUE_PRIO: '5' });
    expect(caller?.hungUp).toBe(false);
    h.sim.hangup(channelId);
  });
});

describe('a hand-over extension the dialplan does not have', () => {
  let h: Harness;
  const log = capture();

  beforeAll(async () => {
    h = await startHarness(
      { FALLBACK_QUEUE_EXTEN: 'agents' },
      { log: createLogger({ level: 'info', destination: log.destination }), simulator: { dialplanMsPerSecond: 10 } },
    );
  });

  afterAll(async () => {
    await h.close();
  });

  it('is named at start-up', async () => {
    await expect
      .poll(() => messages(log.lines, ERROR))
      .toContain('dialplan hand-over point ivr-fallback,agents,1 does not exist: calls sent there would be hung up by Asterisk');
  });

  it('a caller choosing an agent goes to the dialplan menu instead, and is not hung up', async () => {
    const channelId = await h.call('13612345670');
    await h.sim.sendDigits(channelId, '0');
    expect(await h.sim.waitForContinue(channelId)).toMatchObject({ context: 'ivr-fallback', extension: 'menu', priority: 1 });
    // The static menu runs: it plays the flow's main menu to the caller.
    await h.sim.waitForPlayback(channelId, 'sound:hotline/main-menu');
    expect(h.sim.channel(channelId)?.hungUp).toBe(false);
    const errors = log.lines.filter((l) => l['level'] === ERROR && l['exten'] === 'agents' && l['reason'] === 'queue');
    expect(errors.map((l) => l['msg'])).toEqual(['dialplan hand-over point ivr-fallback,agents,1 does not exist: Asterisk would hang up on the caller']);
    h.sim.hangup(channelId);
  });
});

describe('no hand-over extension at all', () => {
  let h: Harness;
  const log = capture();

  beforeAll(async () => {
    h = await startHarness({ FALLBACK_CONTEXT: 'no-such-context' }, { log: createLogger({ level: 'info', destination: log.destination }) });
  });

  afterAll(async () => {
    await h.close();
  });

  it('the gateway hangs up itself, with an error saying why, rather than continue into nothing', async () => {
    const channelId = await h.call('13612345671');
    await h.sim.sendDigits(channelId, '0');
    const ended = await h.sim.waitForHangup(channelId);
    expect(ended.hangupBy).toBe('app');
    expect(h.sim.channel(channelId)?.continuedTo).toBeNull();
    expect(messages(log.lines, ERROR)).toContain('no dialplan hand-over point exists for this call: hanging up');
  });
});
