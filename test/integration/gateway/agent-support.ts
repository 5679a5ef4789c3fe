// What the agent-queue tests share: the running gateway's agent desk, and waiting for a condition the queue reaches
// through Redis and the simulator (there is no event a test could await for most of them).

import type { AgentDesk } from '../../../src/app/acd/agent-desk.js';
import type { Harness } from './harness.js';

/** The gateway's agent desk; a test of the queue needs ACD on. */
export function agentDesk(h: Harness): AgentDesk {
  const agents = h.gateway.agents;
  if (agents === null) throw new Error('the agent queue is off');
  return agents;
}

/** Polls `probe` until it gives a value (not null or undefined), or fails naming `what`. */
export async function until<T>(what: string, probe: () => Promise<T | null | undefined> | T | null | undefined, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
