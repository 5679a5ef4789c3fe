// A gateway's stop is a fixed order of closes (calls, channels, intake, Redis). One close that fails must not leave
// the rest open, and one that hangs must say which it is: otherwise an operator sees only a process that will not
// exit, and the orchestrator's SIGKILL hides where it stuck.

import type { Log } from './app-ports.js';
import type { Clock } from './ports.js';

export interface ShutdownStep {
  /** What closes, as the log names it (`http`, `intake`, ...). */
  readonly name: string;
  readonly close: () => unknown;
  /** How long this step may take by design (calls draining within the grace period), before `slowMs` starts counting. */
  readonly allowMs?: number;
}

export interface ShutdownOptions {
  readonly clock: Clock;
  readonly log: Log;
  /** A step still running after this long is logged once as slow (it is still awaited). */
  readonly slowMs: number;
}

/** Runs each step in order, awaiting it; a failure is logged and the next step still runs. Resolves with the failed steps' names. */
export async function runShutdown(steps: readonly ShutdownStep[], options: ShutdownOptions): Promise<string[]> {
  const failed: string[] = [];
  for (const step of steps) {
    const started = options.clock.now();
    const slow = options.clock.setTimer((step.allowMs ?? 0) + options.slowMs, () => {
      options.log.warn({ step: step.name, waitedMs: options.clock.now() - started }, 'shutdown: still waiting for a step');
    });
    try {
      await step.close();
    } catch (err) {
      failed.push(step.name);
      options.log.error({ err, step: step.name }, 'shutdown: a step failed; closing the rest');
    } finally {
      slow.cancel();
    }
  }
  return failed;
}
