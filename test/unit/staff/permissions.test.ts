import { describe, expect, it } from 'vitest';
import { authorize, DESK_ACTIONS } from '../../../src/domain/staff/permissions.js';
import type { DeskAction } from '../../../src/domain/staff/permissions.js';

const agent = { userId: '1001', role: 'agent' } as const;
const supervisor = { userId: 'sup-1', role: 'supervisor' } as const;
const onAgent = (a: DeskAction): boolean => a.startsWith('agent.');

describe('who may do what on the agents\' side', () => {
  it('an agent takes every step of their own, and none for another agent', () => {
    for (const action of DESK_ACTIONS.filter(onAgent)) {
      expect(authorize(agent, action, '1001')).toEqual({ allowed: true });
      expect(authorize(agent, action, '1002')).toMatchObject({ allowed: false, code: 'not_your_agent' });
    }
  });

  it('an agent reads the queue, but neither lists the agents nor watches the floor', () => {
    expect(authorize(agent, 'queue.read')).toEqual({ allowed: true });
    expect(authorize(agent, 'agents.list')).toMatchObject({ allowed: false, code: 'wrong_role' });
    expect(authorize(agent, 'floor.watch')).toMatchObject({ allowed: false, code: 'wrong_role' });
  });

  it('a supervisor watches everything, logs out, pauses and reads any agent, and never works their calls', () => {
    for (const action of ['agents.list', 'floor.watch', 'queue.read'] as const) expect(authorize(supervisor, action)).toEqual({ allowed: true });
    for (const action of ['agent.logout', 'agent.pause', 'agent.read'] as const) expect(authorize(supervisor, action, '1001')).toEqual({ allowed: true });
    for (const action of ['agent.login', 'agent.ready', 'agent.wrapUp', 'agent.hangup', 'agent.transfer'] as const) {
      expect(authorize(supervisor, action, '1001')).toMatchObject({ allowed: false, code: 'wrong_role' });
      expect(authorize(supervisor, action, 'sup-1')).toMatchObject({ allowed: false, code: 'wrong_role' });
    }
  });

  it('names the agent an agent action is about, or refuses to decide', () => {
    expect(() => authorize(agent, 'agent.ready')).toThrow(/needs the agent/);
  });

  it('every refusal says why in words', () => {
    for (const actor of [agent, supervisor]) {
      for (const action of DESK_ACTIONS) {
        const decision = authorize(actor, action, onAgent(action) ? '1002' : undefined);
        if (!decision.allowed) expect(decision.message).toMatch(/\w{4,}/);
      }
    }
  });
});
