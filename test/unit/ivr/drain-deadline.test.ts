// Given a call whose IVR step waits on an Asterisk request that never returns, when the gateway shuts down, then the
// call is still handed to the dialplan once the shutdown grace is over: a hung request does not hold the shutdown.

import { describe, expect, it } from 'vitest';
import { silentLog } from '../../../src/app/app-ports.js';
import type { CallMetrics } from '../../../src/app/app-ports.js';
import { CallControl } from '../../../src/app/call-control.js';
import type { CallControlDeps } from '../../../src/app/call-control.js';
import { systemClock } from '../../../src/app/ports.js';
import type { OpResult, Telephony } from '../../../src/app/ports.js';
import { hotlineFlow } from './fixtures.js';

describe('shutting down with a call whose step hangs', () => {
  it('hands the call to the dialplan menu when the grace is over', async () => {
    const calls: string[] = [];
    const telephony = new Proxy(
      {},
      {
        get: (_target, name: string) =>
          (...args: unknown[]): Promise<OpResult> => {
            calls.push(`${name} ${args.slice(0, 4).join(' ')}`.trim());
            // Asterisk never answers the answer request: the step that sent it never ends.
            return name === 'answer' ? new Promise<OpResult>(() => undefined) : Promise.resolve('ok');
          },
      },
    ) as Telephony;
    const control = new CallControl({
      flow: hotlineFlow(),
      telephony,
      clock: systemClock,
      metrics: new Proxy({}, { get: () => () => undefined }) as CallMetrics,
      log: silentLog,
      emergencyRoutes: {} as CallControlDeps['emergencyRoutes'],
      devices: { stateOf: () => undefined } as unknown as CallControlDeps['devices'],
      fallback: { context: 'ivr-fallback', queueExten: 'queue', menuExten: 'menu', emergencyContext: 'ivr-emergency' },
      desk: {} as CallControlDeps['desk'],
      screen: { check: () => Promise.resolve('ok' as const) },
      idleLimitMs: 0,
      callLog: () => silentLog,
    });
    control.stasisStart({ id: 'chan-1', name: 'PJSIP/carrier-1', state: 'Ring', callerNumber: '13800000000', args: [] });
    await expect.poll(() => calls.some((c) => c.startsWith('answer'))).toBe(true);

    // Without the bound, drain would wait for the hung request forever (and the test would time out).
    await control.drain(Date.now() + 100);
    expect(calls).toContain('continueInDialplan chan-1 ivr-fallback menu 1');
  });
});
