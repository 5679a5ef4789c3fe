// Walks the hotline's real flow file through a few branches: the loader and the machine agree on it.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../../src/domain/flow/parse-flow.js';
import type { Flow } from '../../../src/domain/flow/types.js';
import { activeTimers } from '../../../src/domain/ivr/machine.js';
import { CallDriver, actions, entered, plays } from './fixtures.js';

function loadHotlineFlow(): Flow {
  const file = fileURLToPath(new URL('../../../ivr-flows/12345.yaml', import.meta.url));
  const result = parseFlow(readFileSync(file, 'utf8'), file);
  if (!('flow' in result)) throw new Error(`12345.yaml does not load: ${JSON.stringify(result.errors)}`);
  return result.flow;
}

describe('ivr-flows/12345.yaml', () => {
  const flow = loadHotlineFlow();

  it('greets, then offers the main menu', () => {
    const call = new CallDriver(flow);
    expect(entered(call.log)).toEqual(['greeting']);
    expect(plays(call.log)).toEqual([{ type: 'play', playback: 1, media: ['sound:hotline/greeting'], lang: 'zh' }]);
    expect(plays(call.playbackDone())[0]?.media).toEqual(['sound:hotline/main-menu']);
  });

  it('1 then 2 during the prompts forwards to the fire brigade (119)', () => {
    const call = new CallDriver(flow);
    call.digit('1'); // typed into the greeting: straight to the emergency menu
    expect(call.state.node).toBe('emergency-menu');
    const commands = call.digit('2');
    expect(actions(commands).slice(-2)).toEqual([
      { type: 'cancelTimer', timer: 'maxDuration' },
      { type: 'forwardEmergency', service: '119' },
    ]);
    expect(call.state.outcome).toEqual({ kind: 'emergency', service: '119' });
    expect(activeTimers(call.state)).toEqual([]);
  });

  it('3, 2 queues an environment complaint with priority 5', () => {
    const call = new CallDriver(flow);
    call.playbackDone();
    call.digit('3');
    call.digit('2');
    expect(call.state.variables).toMatchObject({ category: 'environment', kind: 'complaint', 'queue.skill': 'complaint' });
    expect(actions(call.playbackDone()).at(-1)).toEqual({ type: 'enqueue', skill: 'complaint', priority: 5 });
  });

  it('4 collects a case number and reads it back', () => {
    const call = new CallDriver(flow);
    call.playbackDone();
    call.playbackDone();
    call.digit('4');
    call.playbackDone();
    call.digits('20250301#');
    expect(call.state.variables.ticket).toBe('20250301');
    expect(plays(call.lastCommands)[0]?.media).toEqual(['sound:hotline/you-entered', 'digits:20250301']);
  });

  it('9 switches to English', () => {
    const call = new CallDriver(flow);
    const commands = call.digit('9');
    expect(entered(commands)).toEqual(['main-menu', 'english', 'main-menu']);
    expect(plays(commands)[0]?.lang).toBe('en');
  });

  it('silence through every retry ends with an agent, not a hang-up', () => {
    const call = new CallDriver(flow);
    call.playbackDone();
    for (let i = 0; i < 3; i += 1) {
      call.playbackDone();
      call.timer('input');
    }
    expect(call.state.node).toBe('agent');
    expect(call.log.some((c) => c.type === 'hangup')).toBe(false);
  });
});
